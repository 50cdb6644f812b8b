/* A zone's records as loaded from its master file(s), owned, in
 * canonical order, with the checks a server runs before serving them
 * (the ones BIND's named-checkzone makes):
 *   errors   - records outside the zone; no SOA, or more than one, or an
 *              SOA off the apex; no NS at the apex; a CNAME next to other
 *              data (so never at the apex) or two CNAMEs at a name; an
 *              in-zone nameserver (not below a cut) without an address;
 *              a DS record at the apex (it belongs in the parent);
 *   warnings - RRsets whose TTLs differ (the first TTL wins); glue missing
 *              for a nameserver below a zone cut.
 * Identical records are merged into one, silently, as BIND does. */
#ifndef DNSIM_DNS_ZONEDATA_H
#define DNSIM_DNS_ZONEDATA_H

#include <stdbool.h>
#include <stddef.h>

#include "dns/master.h"

typedef struct dns_zonedata {
	dns_name origin;
	uint16_t rclass;
	dns_rr *rr;             /* canonical order once finished */
	size_t n, cap;
	/* Where each record came from, parallel to rr. */
	unsigned *line;
	uint16_t *file;         /* index into files */
	size_t *seq;            /* order in the file(s) */
	char **files;
	size_t nfiles;
	struct zd_chunk *chunks;  /* private: owner names and RDATA */
} dns_zonedata;

void dns_zonedata_init(dns_zonedata *z, const uint8_t *origin, uint16_t rclass);
void dns_zonedata_free(dns_zonedata *z);

/* The first record of `type` owned by `owner` (any owner when NULL), or
 * NULL when the zone has none. */
const dns_rr *dns_zonedata_find(const dns_zonedata *z, const uint8_t *owner, uint16_t type);

/* Copy one record in; false when out of memory. */
bool dns_zonedata_add(dns_zonedata *z, const dns_rr *rr, const char *file,
		      unsigned line);

/* Sort, merge duplicates and check.  Returns the number of errors; every
 * problem goes to `diag` (may be NULL). */
unsigned dns_zonedata_finish(dns_zonedata *z,
			     void (*diag)(void *ctx, const dns_diag *d),
			     void *ctx);

/* Read a master file's records into z, unchecked: for a caller that adds
 * records of its own before dns_zonedata_finish.  Returns the number of
 * errors reading. */
unsigned dns_zonedata_read(dns_zonedata *z, const char *path, const dns_master_ops *io);

/* Read a master file into z and finish it: the loader the servers use.
 * Returns the number of errors (reading and checking together). */
unsigned dns_zonedata_load(dns_zonedata *z, const char *path,
			   const dns_master_ops *io);

/* The same from text in memory; `name` stands for the file in messages
 * and places $INCLUDE paths. */
unsigned dns_zonedata_load_text(dns_zonedata *z, const char *name, const char *text,
				size_t len, const dns_master_ops *io);

#endif
