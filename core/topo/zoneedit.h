/* Editing a loaded zone: add a record, delete records, bump the SOA
 * serial, and write the result back as master-file text.  Pure: the
 * zone comes in loaded, the text goes out in a buffer; cmd_zone.c does
 * the files and the server. */
#ifndef DNSIM_TOPO_ZONEEDIT_H
#define DNSIM_TOPO_ZONEEDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "dns/zonedata.h"

/* Build `out` (initialised by the caller with the same origin) from `in`
 * plus the records in master-file form `adds` ("www 300 IN A 192.0.2.1";
 * relative names complete with the origin; no TTL: default_ttl), minus
 * the records `del` selects ("NAME", "NAME TYPE" or "NAME TYPE RDATA";
 * may be NULL).  The serial is bumped.  Every problem of the new zone
 * goes to diag; returns the number of errors, with msg set when the edit
 * itself was refused. */
unsigned zoneedit_apply(const dns_zonedata *in, const char *const *adds, size_t nadds,
			const char *del, uint32_t default_ttl, dns_zonedata *out,
			size_t *changed, void (*diag)(void *ctx, const dns_diag *d),
			void *ctx, char *msg, size_t msgsz);

/* The zone's SOA serial (0 when it has no SOA). */
uint32_t zoneedit_serial(const dns_zonedata *z);

/* The zone as master-file text (malloc'd): a header comment, then one
 * record per line in canonical order. */
char *zoneedit_text(const dns_zonedata *z, const char *header);

#endif
