/* Zone files into servable zones: read, checked, indexed. */
#include "zones.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/zonedata.h"
#include "io/log.h"
#include "io/readfile.h"

struct diag_buf {
	char *out;
	size_t size, used;
};

static void collect(void *ctx, const dns_diag *d)
{
	struct diag_buf *b = ctx;
	char line[600];
	if (d->line && d->col)
		snprintf(line, sizeof line, "%s:%u:%u: %s", d->file, d->line, d->col, d->msg);
	else if (d->line)
		snprintf(line, sizeof line, "%s:%u: %s", d->file, d->line, d->msg);
	else
		snprintf(line, sizeof line, "%s: %s", d->file, d->msg);
	if (d->severity == DNS_WARNING) {
		log_msg("warning: %s", line);
		return;
	}
	int n = snprintf(b->out + b->used, b->size - b->used, "%s%s",
			 b->used ? "\n" : "", line);
	if (n > 0 && (size_t)n < b->size - b->used)
		b->used += (size_t)n;
}

auth_zone *auth_zone_load(const char *origin, const char *file, char *err,
			  size_t errsz)
{
	struct diag_buf b = { err, errsz, 0 };
	err[0] = '\0';
	auth_zone *z = calloc(1, sizeof *z);
	dns_zonedata *zd = calloc(1, sizeof *zd);
	if (z == NULL || zd == NULL || (z->file = strdup(file)) == NULL) {
		snprintf(err, errsz, "out of memory");
		goto fail;
	}
	if (dns_name_from_text(&z->origin, origin, strlen(origin), dns_name_root)) {
		snprintf(err, errsz, "\"%s\" is not a zone name", origin);
		goto fail;
	}
	dns_zonedata_init(zd, z->origin.data, DNS_C_IN);
	dns_master_ops io = { io_read_file, NULL, collect, &b };
	if (dns_zonedata_load(zd, file, &io) != 0) {
		if (!err[0])
			snprintf(err, errsz, "%s: the zone did not load", file);
		goto fail;
	}
	if (zonedb_build(&z->db, z->origin.data, zd->rr, zd->n) != DNS_OK) {
		snprintf(err, errsz, "%s: cannot index the zone", file);
		goto fail;
	}
	z->source = zd;
	return z;
fail:
	if (zd) {
		dns_zonedata_free(zd);
		free(zd);
	}
	if (z) {
		free(z->file);
		free(z);
	}
	return NULL;
}

void auth_zone_free(auth_zone *z)
{
	if (z == NULL)
		return;
	zonedb_free(&z->db);
	dns_zonedata_free(z->source);
	free(z->source);
	free(z->file);
	free(z);
}
