/* The topology's zones, loaded once. */
#include "topo/zones.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"
#include "topo/reverse.h"
#include "topo/signing.h"
#include "util/array.h"

/* What the master-file reader's callbacks share while one zone loads:
 * the caller's file reader and its context, and the entry being filled. */
typedef struct loading {
	topo_read_fn read_file;
	void *read_ctx;
	topo_zone_data *z;
} loading;

static int read_through(void *ctx, const char *path, char **data, size_t *len)
{
	const loading *l = ctx;
	return l->read_file(l->read_ctx, path, data, len);
}

/* Keeps the error lines of one zone's loading. */
static void keep_problem(void *ctx, const dns_diag *d)
{
	topo_zone_data *z = ((loading *)ctx)->z;
	if (d->severity != DNS_ERROR)
		return;
	char line[700];
	if (d->line)
		snprintf(line, sizeof line, "%s:%u: %s", d->file, d->line, d->msg);
	else
		snprintf(line, sizeof line, "%s: %s", d->file ? d->file : "?", d->msg);
	char *copy = strdup(line);
	char **slot = copy ? array_grow(&z->problems, &z->nproblems, sizeof *slot) : NULL;
	if (slot == NULL) {
		free(copy);
		return;         /* the error count still says it failed */
	}
	*slot = copy;
}

static void entry_free(topo_zone_data *z)
{
	dns_zonedata_free(&z->zd);
	for (size_t i = 0; i < z->nproblems; i++)
		free(z->problems[i]);
	free(z->problems);
}

void topo_zones_free(topo_zones *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++)
		entry_free(&s->z[i]);
	free(s->z);
	topo_keyring_free(s->keys);
	free(s->keys);
	free(s);
}

static bool origin_of(const topo_zone *tz, dns_name *out)
{
	if (dns_name_from_text(out, tz->origin, strlen(tz->origin), dns_name_root) != DNS_OK)
		return false;
	dns_name_to_lower(out->data);
	return true;
}

/* The entry of zone tz: same origin, and the same file or both derived. */
static topo_zone_data *entry_of(const topo_zones *s, const uint8_t *origin,
				const topo_zone *tz)
{
	for (size_t i = 0; i < s->n; i++)
		if (dns_name_equal(s->z[i].origin.data, origin) &&
		    s->z[i].tz->derived == tz->derived &&
		    strcmp(s->z[i].tz->file, tz->file) == 0)
			return &s->z[i];
	return NULL;
}

/* A derived zone is made, not read: its apex from the topology (the
 * records below it are added to each server's copy, topo/reverse.h). */
static unsigned make_derived(const topo *t, topo_zone_data *z, loading *l)
{
	if (!reverse_apex(t, z->tz, &z->zd)) {
		dns_diag d = { .severity = DNS_ERROR, .file = z->tz->file, .line = z->tz->line };
		snprintf(d.msg, sizeof d.msg, "out of memory making zone %s", z->tz->origin);
		keep_problem(l, &d);
		return 1;
	}
	return dns_zonedata_finish(&z->zd, keep_problem, l);
}

topo_zones *topo_zones_load(const topo *t, topo_read_fn read_file, void *ctx)
{
	topo_zones *s = calloc(1, sizeof *s);
	if (s == NULL)
		return NULL;
	for (size_t i = 0; i < t->nnodes; i++)
		for (size_t k = 0; k < t->nodes[i].nzones; k++) {
			const topo_zone *tz = &t->nodes[i].zones[k];
			dns_name o;
			if (!origin_of(tz, &o) || entry_of(s, o.data, tz))
				continue;
			topo_zone_data *z = array_grow(&s->z, &s->n, sizeof *z);
			if (z == NULL) {
				topo_zones_free(s);
				return NULL;
			}
			memset(z, 0, sizeof *z);
			z->origin = o;
			z->node = &t->nodes[i];
			z->tz = tz;
			dns_zonedata_init(&z->zd, o.data, DNS_C_IN);
			loading l = { read_file, ctx, z };
			dns_master_ops io = { .read_file = read_through, .diag = keep_problem,
					      .ctx = &l };
			z->errors = tz->derived ? make_derived(t, z, &l)
						: dns_zonedata_load(&z->zd, tz->file, &io);
			if (z->errors) {
				dns_zonedata_free(&z->zd);
				dns_zonedata_init(&z->zd, o.data, DNS_C_IN);
			}
		}
	return s;
}

const topo_zone_data *topo_zones_entry(const topo_zones *s, const topo_zone *tz)
{
	dns_name o;
	return origin_of(tz, &o) ? entry_of(s, o.data, tz) : NULL;
}

const topo_zone_data *topo_zones_find(const topo_zones *s, const uint8_t *origin)
{
	const topo_zone_data *any = NULL;
	for (size_t i = 0; i < s->n; i++)
		if (s->z[i].errors == 0 && dns_name_equal(s->z[i].origin.data, origin)) {
			if (s->z[i].tz->view == NULL)
				return &s->z[i];
			if (any == NULL)
				any = &s->z[i];
		}
	return any;
}

const topo_zone_data *topo_zones_parent(const topo_zones *s, const uint8_t *origin)
{
	unsigned labels = dns_name_labels(origin);
	for (unsigned skip = 1; skip <= labels; skip++) {
		const topo_zone_data *p = topo_zones_find(s, dns_name_skip_labels(origin, skip));
		if (p)
			return p;
	}
	return NULL;
}
