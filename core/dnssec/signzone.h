/* Signing a whole zone and checking a signed one, as dnssec-signzone and
 * dnssec-verify do, over the zone data of dns/zonedata.h.
 *
 * What is authoritative (RFC 4035 2.2): every RRset at or below the apex
 * except those at or below a zone cut, where only DS (and NSEC) belong to
 * this zone; names below a cut or a DNAME are occluded (glue) and neither
 * signed nor in the NSEC/NSEC3 chain. */
#ifndef DNSIM_DNSSEC_SIGNZONE_H
#define DNSIM_DNSSEC_SIGNZONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/zonedata.h"
#include "dnssec/key.h"

typedef struct dnssec_sign_opts {
	uint32_t inception;   /* RRSIG validity, seconds since 1970 mod 2^32 */
	uint32_t expiration;
	bool nsec3;           /* NSEC3 (RFC 5155) instead of NSEC */
	uint16_t iterations;  /* NSEC3 extra iterations (RFC 9276: 0) */
	const uint8_t *salt;  /* NSEC3 salt (RFC 9276: none) */
	uint8_t saltlen;
	bool optout;          /* NSEC3 opt-out: unsigned delegations skipped */
	uint32_t dnskey_ttl;  /* TTL of the DNSKEY RRset; 0: the SOA's TTL */
} dnssec_sign_opts;

/* Sign the finished zone `in` with `keys` (each with its private half, all
 * owned by the apex) into `out`, which this initialises (free it with
 * dns_zonedata_free whatever the result):
 *   - the input's RRSIG, NSEC, NSEC3 and NSEC3PARAM records are dropped
 *     (re-signing replaces them); the keys' DNSKEYs are added;
 *   - for each algorithm, keys with the SEP flag (KSKs) sign the DNSKEY
 *     RRset and the others (ZSKs) every other authoritative RRset; an
 *     algorithm with keys of one kind only uses them for everything;
 *   - an NSEC chain, or NSEC3 records (empty non-terminals included) and
 *     the NSEC3PARAM, with TTL min(SOA TTL, SOA MINIMUM) (RFC 9077).
 * Returns the number of errors, each also reported through `diag` (may be
 * NULL): no keys, a key of another owner or without its private half,
 * NSEC3 parameters out of range, a hash collision, running out of memory. */
unsigned dnssec_sign_zone(const dns_zonedata *in, const dnssec_key *keys, size_t nkeys,
			  const dnssec_sign_opts *opts, dns_zonedata *out,
			  void (*diag)(void *ctx, const dns_diag *d), void *ctx);

/* How a signed zone is signed, read from it, for signing it again alike:
 * NSEC3 (its NSEC3PARAM's iterations and salt, which o->salt points into
 * z for; opt-out when its NSEC3 records say so) when the apex has an
 * NSEC3PARAM, NSEC when the apex has an NSEC; the DNSKEY RRset's TTL.
 * False for a zone with neither: not signed.  Times are left at 0. */
bool dnssec_zone_signing(const dns_zonedata *z, dnssec_sign_opts *o);

/* Sign a signed zone again after an edit, touching only what changed (as
 * a signer keeping a zone signed does).  `before` is the signed zone as
 * it was; `in` the zone after the edit, still holding its DNSSEC records
 * from before.  `keys` (private, each published in the zone's DNSKEY
 * RRset) sign what needs it, with the zone's own chain kind and
 * parameters (dnssec_zone_signing of `in`).  The NSEC or NSEC3 chain is
 * rebuilt; every RRset whose records and TTL are as in `before` keeps
 * the RRSIG it had there by each key while that has at least a quarter
 * of the new validity left; the rest (changed RRsets, the SOA whose
 * serial moved, chain records around added or removed names) is signed
 * with the new times.  `out` is initialised here (free it whatever the
 * result); *resigned (may be NULL) counts the RRsets signed anew.
 * Returns the number of errors, each reported through `diag`: not a
 * signed zone, a key the zone does not publish, and dnssec_sign_zone's. */
unsigned dnssec_resign_zone(const dns_zonedata *before, const dns_zonedata *in,
			    const dnssec_key *keys, size_t nkeys, uint32_t inception,
			    uint32_t expiration, dns_zonedata *out, size_t *resigned,
			    void (*diag)(void *ctx, const dns_diag *d), void *ctx);

/* Check a signed zone at time `now` the way dnssec-verify does: the apex
 * DNSKEY RRset is signed by a key with the SEP flag (when there is one);
 * every authoritative RRset has a valid RRSIG from a zone key of each
 * algorithm in the DNSKEY RRset; every RRSIG in the zone verifies; the
 * NSEC chain or the NSEC3 chain (with NSEC3PARAM) is complete, in order,
 * and has the right type bitmaps.  Returns the number of errors, each
 * reported through `diag`. */
unsigned dnssec_verify_zone(const dns_zonedata *z, uint32_t now,
			    void (*diag)(void *ctx, const dns_diag *d), void *ctx);

#endif
