/* Zone files into servable zones: read, checked, indexed. */
#include "zones.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/rrtype.h"
#include "dns/zonedata.h"
#include "dnssec/nsec.h"
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

/* Why an NSEC3 zone is not served: parameters that would make every
 * negative answer cost thousands of hashes (RFC 9276 3.1 advises 0
 * iterations; validators treat more than 150 as insecure), or a hash
 * algorithm other than SHA-1. */
static void nsec3_refusal(const dns_zonedata *zd, const char *file, char *err, size_t errsz)
{
	for (size_t i = 0; i < zd->n; i++) {
		dnssec_nsec3 f;
		bool param = zd->rr[i].type == DNS_T_NSEC3PARAM;
		if ((param || zd->rr[i].type == DNS_T_NSEC3) &&
		    dnssec_nsec3_parse(zd->rr[i].rdata, zd->rr[i].rdlen, param, &f) == DNS_OK &&
		    (f.alg != DNSSEC_NSEC3_SHA1 || f.iterations > DNSSEC_NSEC3_MAX_ITERATIONS)) {
			snprintf(err, errsz, "%s: NSEC3 with hash algorithm %u and %u iterations: "
				 "dnsim-auth serves SHA-1 (1) with at most %u iterations "
				 "(RFC 9276 advises 0); sign the zone again with fewer", file,
				 f.alg, f.iterations, DNSSEC_NSEC3_MAX_ITERATIONS);
			return;
		}
	}
	snprintf(err, errsz, "%s: NSEC3 parameters out of range", file);
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
	dns_err e = zonedb_build(&z->db, z->origin.data, zd->rr, zd->n);
	if (e == DNS_E_RANGE) {
		nsec3_refusal(zd, file, err, errsz);
		goto fail;
	}
	if (e != DNS_OK) {
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
