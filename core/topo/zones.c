/* The topology's zones, loaded once. */
#include "topo/zones.h"

#include <ctype.h>
#include <netinet/in.h>
#include <stdint.h>
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
	free(s->hosts);
	free(s->addrs);
	free(s->by_origin);
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

/* Does the zone (as read, unsorted) have NS records at its apex? */
static bool has_apex_ns(const dns_zonedata *zd)
{
	for (size_t i = 0; i < zd->n; i++)
		if (zd->rr[i].type == DNS_T_NS && dns_name_equal(zd->rr[i].owner, zd->origin.data))
			return true;
	return false;
}

/* The SOA's TTL, for records made for the zone (a day without one). */
static uint32_t zone_ttl(const dns_zonedata *zd)
{
	for (size_t i = 0; i < zd->n; i++)
		if (zd->rr[i].type == DNS_T_SOA)
			return zd->rr[i].ttl;
	return 86400;
}

static bool add_addr(dns_zonedata *zd, const uint8_t *owner, uint32_t ttl, const net_addr *a,
		     const char *file)
{
	bool v4 = a->ss.ss_family == AF_INET;
	const uint8_t *bytes = v4 ? (const uint8_t *)&((const struct sockaddr_in *)&a->ss)->sin_addr
				  : (const uint8_t *)&((const struct sockaddr_in6 *)&a->ss)->sin6_addr;
	dns_rr rr = { owner, v4 ? DNS_T_A : DNS_T_AAAA, DNS_C_IN, ttl, (uint16_t)(v4 ? 4 : 16),
		      bytes };
	return dns_zonedata_add(zd, &rr, file, 0);
}

/* A zone file that leaves out its apex NS records gets them from the
 * topology: one per node that serves the zone (from this file), named by
 * the node's hostname, with the node's addresses for a name inside the
 * zone (an anycast instance's shared ones) -- so that one template file
 * can stand for many zones, each served by its own nodes.  False when
 * out of memory; a node without a hostname adds nothing (the check then
 * reports the zone's missing NS). */
static bool derive_apex_ns(const topo_node *n, topo_zone_data *z)
{
	dns_name hn;
	if (n->hostname == NULL ||
	    dns_name_from_text(&hn, n->hostname, strlen(n->hostname), dns_name_root) != DNS_OK)
		return true;
	dns_name_to_lower(hn.data);
	uint32_t ttl = zone_ttl(&z->zd);
	dns_rr ns = { z->origin.data, DNS_T_NS, DNS_C_IN, ttl, (uint16_t)dns_name_length(hn.data),
		      hn.data };
	if (!dns_zonedata_add(&z->zd, &ns, z->tz->file, 0))
		return false;
	if (!dns_name_is_subdomain(hn.data, z->origin.data))
		return true;
	for (size_t k = 0; k < n->nanycast; k++)
		if (!add_addr(&z->zd, hn.data, ttl, &n->anycast[k].addr, z->tz->file))
			return false;
	for (size_t k = 0; k < n->naddrs && n->nanycast == 0; k++)
		if (!add_addr(&z->zd, hn.data, ttl, &n->addrs[k].addr, z->tz->file))
			return false;
	return true;
}

static int name_order(const uint8_t *a, const uint8_t *b)
{
	size_t la = dns_name_length(a), lb = dns_name_length(b);
	if (la != lb)
		return la < lb ? -1 : 1;
	return memcmp(a, b, la);
}

static int host_order(const void *x, const void *y)
{
	const topo_host_entry *a = x, *b = y;
	int c = name_order(a->name.data, b->name.data);
	return c ? c : (a->node < b->node ? -1 : a->node > b->node);
}

static int addr_order(const void *x, const void *y)
{
	const topo_addr_entry *a = x, *b = y;
	/* Anycast entries (0x80) first within each address. */
	if ((a->family_anycast & 0x7f) != (b->family_anycast & 0x7f))
		return (a->family_anycast & 0x7f) < (b->family_anycast & 0x7f) ? -1 : 1;
	int c = memcmp(a->bytes, b->bytes, 16);
	if (c)
		return c;
	if ((a->family_anycast & 0x80) != (b->family_anycast & 0x80))
		return a->family_anycast & 0x80 ? -1 : 1;
	return a->node < b->node ? -1 : a->node > b->node;
}

static void addr_key(const net_addr *a, bool anycast, topo_addr_entry *e)
{
	memset(e->bytes, 0, sizeof e->bytes);
	bool v4 = a->ss.ss_family == AF_INET;
	e->family_anycast = (uint8_t)((v4 ? AF_INET : AF_INET6) | (anycast ? 0x80 : 0));
	if (v4)
		memcpy(e->bytes, &((const struct sockaddr_in *)&a->ss)->sin_addr, 4);
	else
		memcpy(e->bytes, &((const struct sockaddr_in6 *)&a->ss)->sin6_addr, 16);
}

/* The hostname and address indexes; false when out of memory. */
static bool make_index(const topo *t, topo_zones *s)
{
	size_t na = 0;
	for (size_t i = 0; i < t->nnodes; i++)
		na += t->nodes[i].naddrs + t->nodes[i].nanycast;
	s->hosts = calloc(t->nnodes + 1, sizeof *s->hosts);
	s->addrs = calloc(na + 1, sizeof *s->addrs);
	if (s->hosts == NULL || s->addrs == NULL)
		return false;
	for (size_t i = 0; i < t->nnodes; i++) {
		const topo_node *n = &t->nodes[i];
		topo_host_entry *h = &s->hosts[s->nhosts];
		if (n->hostname && dns_name_from_text(&h->name, n->hostname, strlen(n->hostname),
						      dns_name_root) == DNS_OK) {
			dns_name_to_lower(h->name.data);
			h->node = i;
			s->nhosts++;
		}
		for (size_t k = 0; k < n->nanycast; k++) {
			topo_addr_entry *e = &s->addrs[s->naddrs++];
			addr_key(&n->anycast[k].addr, true, e);
			e->node = i;
			e->addr = &n->anycast[k];
		}
		for (size_t k = 0; k < n->naddrs; k++) {
			topo_addr_entry *e = &s->addrs[s->naddrs++];
			addr_key(&n->addrs[k].addr, false, e);
			e->node = i;
			e->addr = &n->addrs[k];
		}
	}
	qsort(s->hosts, s->nhosts, sizeof *s->hosts, host_order);
	qsort(s->addrs, s->naddrs, sizeof *s->addrs, addr_order);
	return true;
}

size_t topo_zones_hosts(const topo_zones *s, const uint8_t *name, size_t *first)
{
	size_t lo = 0, hi = s->nhosts;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (name_order(s->hosts[mid].name.data, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t n = 0;
	while (lo + n < s->nhosts && name_order(s->hosts[lo + n].name.data, name) == 0)
		n++;
	*first = lo;
	return n;
}

const topo_node *topo_zones_node_with_addr(const topo *t, const topo_zones *s,
					   const net_addr *a, const topo_addr **which)
{
	topo_addr_entry key;
	addr_key(a, true, &key);
	key.node = 0;
	/* The first entry not before (address, anycast, node 0). */
	size_t lo = 0, hi = s->naddrs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (addr_order(&s->addrs[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= s->naddrs || (s->addrs[lo].family_anycast & 0x7f) != (key.family_anycast & 0x7f) ||
	    memcmp(s->addrs[lo].bytes, key.bytes, 16) != 0)
		return NULL;
	if (which)
		*which = s->addrs[lo].addr;
	return &t->nodes[s->addrs[lo].node];
}

/* Names in an order that ignores case, as dns_name_equal does: the
 * length bytes (below 64) are not letters, so folding every byte keeps
 * them. */
static int folded_order(const uint8_t *a, const uint8_t *b)
{
	size_t la = dns_name_length(a), lb = dns_name_length(b);
	if (la != lb)
		return la < lb ? -1 : 1;
	for (size_t i = 0; i < la; i++) {
		int x = tolower(a[i]), y = tolower(b[i]);
		if (x != y)
			return x < y ? -1 : 1;
	}
	return 0;
}

typedef struct origin_key {
	const uint8_t *origin;
	size_t entry;
} origin_key;

static int origin_order(const void *x, const void *y)
{
	const origin_key *a = x, *b = y;
	int c = folded_order(a->origin, b->origin);
	return c ? c : (a->entry < b->entry ? -1 : a->entry > b->entry);
}

static bool make_origin_index(topo_zones *s)
{
	origin_key *keys = malloc((s->n ? s->n : 1) * sizeof *keys);
	s->by_origin = malloc((s->n ? s->n : 1) * sizeof *s->by_origin);
	if (keys == NULL || s->by_origin == NULL) {
		free(keys);
		return false;
	}
	for (size_t i = 0; i < s->n; i++)
		keys[i] = (origin_key){ s->z[i].origin.data, i };
	qsort(keys, s->n, sizeof *keys, origin_order);
	for (size_t i = 0; i < s->n; i++)
		s->by_origin[i] = keys[i].entry;
	free(keys);
	return true;
}

topo_zones *topo_zones_load(const topo *t, topo_read_fn read_file, void *ctx)
{
	topo_zones *s = calloc(1, sizeof *s);
	if (s == NULL)
		return NULL;
	/* Which entry each (node, zone) pair is, for the apex NS derived
	 * below (SIZE_MAX: none). */
	size_t pairs = 0;
	for (size_t i = 0; i < t->nnodes; i++)
		pairs += t->nodes[i].nzones;
	size_t *entry = malloc((pairs ? pairs : 1) * sizeof *entry);
	bool *derive = NULL;
	if (entry == NULL || !make_index(t, s)) {
		free(entry);
		topo_zones_free(s);
		return NULL;
	}
	size_t pi = 0;
	for (size_t i = 0; i < t->nnodes; i++)
		for (size_t k = 0; k < t->nodes[i].nzones; k++, pi++) {
			const topo_zone *tz = &t->nodes[i].zones[k];
			entry[pi] = SIZE_MAX;
			dns_name o;
			if (!origin_of(tz, &o))
				continue;
			topo_zone_data *found = entry_of(s, o.data, tz);
			if (found) {
				entry[pi] = (size_t)(found - s->z);
				continue;
			}
			topo_zone_data *z = array_grow(&s->z, &s->n, sizeof *z);
			if (z == NULL)
				goto nomem;
			memset(z, 0, sizeof *z);
			z->origin = o;
			z->node = &t->nodes[i];
			z->tz = tz;
			entry[pi] = s->n - 1;
			dns_zonedata_init(&z->zd, o.data, DNS_C_IN);
			loading l = { read_file, ctx, z };
			dns_master_ops io = { .read_file = read_through, .diag = keep_problem,
					      .ctx = &l };
			/* Read now, checked once every record is in (below). */
			z->errors = tz->derived ? make_derived(t, z, &l)
						: dns_zonedata_read(&z->zd, tz->file, &io);
		}
	derive = calloc(s->n + 1, sizeof *derive);
	if (derive == NULL)
		goto nomem;
	for (size_t e = 0; e < s->n; e++)
		derive[e] = !s->z[e].tz->derived && s->z[e].errors == 0 && !has_apex_ns(&s->z[e].zd);
	pi = 0;
	for (size_t i = 0; i < t->nnodes; i++)
		for (size_t k = 0; k < t->nodes[i].nzones; k++, pi++)
			if (entry[pi] != SIZE_MAX && derive[entry[pi]] &&
			    !derive_apex_ns(&t->nodes[i], &s->z[entry[pi]]))
				goto nomem;
	for (size_t e = 0; e < s->n; e++) {
		topo_zone_data *z = &s->z[e];
		if (z->errors == 0 && !z->tz->derived) {
			loading l = { read_file, ctx, z };
			z->errors = dns_zonedata_finish(&z->zd, keep_problem, &l);
		}
		if (z->errors) {
			dns_zonedata_free(&z->zd);
			dns_zonedata_init(&z->zd, z->origin.data, DNS_C_IN);
		}
	}
	if (!make_origin_index(s))
		goto nomem;
	free(entry);
	free(derive);
	return s;
nomem:
	free(entry);
	free(derive);
	topo_zones_free(s);
	return NULL;
}

const topo_zone_data *topo_zones_entry(const topo_zones *s, const topo_zone *tz)
{
	dns_name o;
	return origin_of(tz, &o) ? entry_of(s, o.data, tz) : NULL;
}

const topo_zone_data *topo_zones_find(const topo_zones *s, const uint8_t *origin)
{
	/* The first entry of the origin, then its others in load order: the
	 * first that loaded and belongs to no view, else the first that
	 * loaded. */
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (folded_order(s->z[s->by_origin[mid]].origin.data, origin) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	const topo_zone_data *any = NULL;
	for (; lo < s->n; lo++) {
		const topo_zone_data *z = &s->z[s->by_origin[lo]];
		if (folded_order(z->origin.data, origin) != 0)
			break;
		if (z->errors)
			continue;
		if (z->tz->view == NULL)
			return z;
		if (any == NULL)
			any = z;
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
