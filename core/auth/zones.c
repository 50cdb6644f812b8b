/* Zone files into servable zones: read, checked, indexed. */
#include "zones.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/rrtype.h"
#include "dns/zonedata.h"
#include "dnssec/nsec.h"
#include "io/log.h"
#include "dns/rdata.h"
#include "io/readfile.h"
#include "io/writefile.h"

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

static auth_zone *index_zone(auth_zone *z, dns_zonedata *zd, const char *file, char *err,
			     size_t errsz)
{
	dns_err e = zonedb_build(&z->db, z->origin.data, zd->rr, zd->n);
	if (e == DNS_E_RANGE) {
		nsec3_refusal(zd, file, err, errsz);
		return NULL;
	}
	if (e != DNS_OK) {
		snprintf(err, errsz, "%s: cannot index the zone", file);
		return NULL;
	}
	z->source = zd;
	return z;
}

auth_zone *auth_zone_from_data(const uint8_t *origin, const char *file, dns_zonedata *zd,
			       char *err, size_t errsz)
{
	auth_zone *z = calloc(1, sizeof *z);
	if (z == NULL || (z->file = strdup(file)) == NULL) {
		snprintf(err, errsz, "out of memory");
	} else {
		dns_name_copy(&z->origin, origin);
		if (index_zone(z, zd, file, err, errsz))
			return z;
		free(z->file);
	}
	free(z);
	dns_zonedata_free(zd);
	free(zd);
	return NULL;
}

auth_zone *auth_zone_unavailable(const char *origin, const char *file)
{
	auth_zone *z = calloc(1, sizeof *z);
	if (z == NULL || (z->file = strdup(file)) == NULL ||
	    dns_name_from_text(&z->origin, origin, strlen(origin), dns_name_root) != DNS_OK) {
		if (z)
			free(z->file);
		free(z);
		return NULL;
	}
	z->unavailable = true;
	return z;
}

int auth_zone_save(const auth_zone *z, const char *header)
{
	if (z->source == NULL)
		return -EINVAL;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (f == NULL)
		return -ENOMEM;
	if (header)
		fputs(header, f);
	/* The SOA first, as every master file has it. */
	const dns_zonedata *zd = z->source;
	size_t linesz = DNS_RDATA_MAXLEN * 4 + 1200;
	char *line = malloc(linesz);
	for (int pass = 0; line && pass < 2; pass++)
		for (size_t i = 0; i < zd->n; i++) {
			if ((zd->rr[i].type == DNS_T_SOA) != (pass == 0))
				continue;
			if (dns_rr_to_text(&zd->rr[i], line, linesz, NULL) == DNS_OK)
				fprintf(f, "%s\n", line);
		}
	if (fclose(f) != 0 || line == NULL) {
		free(line);
		free(text);
		return -ENOMEM;
	}
	free(line);
	int rc = io_write_file(z->file, text);
	free(text);
	return rc;
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
	if (index_zone(z, zd, file, err, errsz))
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
	if (z->source)
		dns_zonedata_free(z->source);
	free(z->source);
	free(z->file);
	free(z);
}
