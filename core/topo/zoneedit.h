/* Editing a loaded zone: add a record, delete records, bump the SOA
 * serial, and write the result back as master-file text.  Pure: the
 * zone comes in loaded, the text goes out in a buffer; cmd_zone.c does
 * the files and the server. */
#ifndef DNSIM_TOPO_ZONEEDIT_H
#define DNSIM_TOPO_ZONEEDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "dns/zonedata.h"
#include "dnssec/key.h"

/* Build `out` (initialised by the caller with the same origin) from `in`
 * plus the records in master-file form `adds` ("www 300 IN A 192.0.2.1";
 * relative names complete with the origin; no TTL: default_ttl), minus
 * the records `del` selects ("NAME", "NAME TYPE" or "NAME TYPE RDATA";
 * may be NULL).  The serial is bumped.  Every problem of the new zone
 * goes to diag; returns the number of errors, with msg set when the edit
 * itself was refused.  A signed zone (zoneedit_is_signed) is refused:
 * its signatures would no longer match; zoneedit_apply_signed edits it. */
unsigned zoneedit_apply(const dns_zonedata *in, const char *const *adds, size_t nadds,
			const char *del, uint32_t default_ttl, dns_zonedata *out,
			size_t *changed, void (*diag)(void *ctx, const dns_diag *d),
			void *ctx, char *msg, size_t msgsz);

/* True when the zone carries DNSSEC signatures (RRSIG records). */
bool zoneedit_is_signed(const dns_zonedata *z);

/* What re-signs an edited signed zone: the zone's private keys (each
 * published in its DNSKEY RRset) and the validity of new signatures
 * (seconds since 1970).  Where the keys are kept and when they are loaded
 * is the caller's business (the simulator's); this only uses them. */
typedef struct zoneedit_signer {
	const dnssec_key *keys;
	size_t nkeys;
	uint32_t inception, expiration;
} zoneedit_signer;

/* zoneedit_apply for zones that may be signed.  An unsigned zone is
 * edited as zoneedit_apply does (`signer` unused).  A signed zone is
 * edited, then signed again where the edit touched it (dnssec_resign_zone:
 * the changed RRsets, the SOA, the NSEC or NSEC3 records around changed
 * names; everything else keeps its signatures), so it validates as before.
 * Refused, with msg saying why and nothing built: a signed zone without
 * `signer` (NULL, or no keys), and edits of the records the signer makes
 * (RRSIG, NSEC, NSEC3, NSEC3PARAM, DNSKEY).  *resigned (may be NULL)
 * counts the RRsets signed anew. */
unsigned zoneedit_apply_signed(const dns_zonedata *in, const char *const *adds, size_t nadds,
			       const char *del, uint32_t default_ttl,
			       const zoneedit_signer *signer, dns_zonedata *out, size_t *changed,
			       size_t *resigned, void (*diag)(void *ctx, const dns_diag *d),
			       void *ctx, char *msg, size_t msgsz);

/* The zone's SOA serial (0 when it has no SOA). */
uint32_t zoneedit_serial(const dns_zonedata *z);

/* The zone as master-file text (malloc'd): a header comment, then one
 * record per line in canonical order. */
char *zoneedit_text(const dns_zonedata *z, const char *header);

#endif
