/* DNSSEC in the sim: which zones are signed and how, the keys that sign
 * them, and what signing adds to each server's copy of a zone -- the DS
 * records a parent publishes for its signed children (derived like the
 * delegations, topo/delegation.h) and the signatures and NSEC or NSEC3
 * chain of the zone itself.  Also the texts the trust anchor is written
 * in for resolvers and host tools.
 *
 * Pure: keys come in made (runtime/keys.c generates them or reads the
 * files the topology names), and times come in as numbers. */
#ifndef DNSIM_TOPO_SIGNING_H
#define DNSIM_TOPO_SIGNING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/zonedata.h"
#include "dnssec/key.h"
#include "topo/topo.h"
#include "topo/zones.h"

#define SIGNING_DEFAULT_ALGORITHM DNSSEC_ALG_ECDSAP256SHA256

/* A signed zone's keys (each with its private half). */
typedef struct signing_zone {
	dns_name origin;          /* lowercased */
	topo_dnssec mode;         /* NSEC or NSEC3 */
	dnssec_key *keys;
	size_t nkeys;
} signing_zone;

/* Every signed zone of a sim, and the validity its signatures get. */
typedef struct topo_keyring {
	signing_zone *z;
	size_t n;
	uint32_t inception, expiration;   /* seconds since 1970 */
} topo_keyring;

/* What the topology asks of one zone it serves. */
typedef struct signing_plan {
	dns_name origin;
	topo_dnssec mode;
	uint8_t algorithm;
	const char *ksk, *zsk;    /* key files to read; NULL: make keys */
} signing_plan;

/* The text of a mode ("nsec", "nsec3", "off") and back. */
const char *signing_mode_name(topo_dnssec mode);
bool signing_mode_from_name(const char *text, topo_dnssec *mode);

/* The settings of zone `origin`: its [zone."ORIGIN"] table, else the
 * sim's [sim] dnssec and dnssec_algorithm. */
topo_dnssec signing_mode_of(const topo *t, const uint8_t *origin, uint8_t *algorithm,
			    const topo_zone_conf **conf);

/* Every zone of `zones` to sign, each origin once (malloc'd, *n of
 * them; NULL with *n 0 when there are none or when out of memory:
 * *oom says which). */
signing_plan *signing_plans(const topo *t, const topo_zones *zones, size_t *n, bool *oom);

/* The topology's DNSSEC settings against its zones: each [zone."ORIGIN"]
 * names a zone some node serves, and a zone to sign does not come signed
 * already (its file holds RRSIGs: it is served as it is with dnssec =
 * "off").  Returns the error count, each reported. */
unsigned signing_check(const topo *t, const topo_zones *zones, topo_report_fn report,
		       void *ctx);

/* The keyring's entry for `origin`, or NULL (not signed). */
const signing_zone *signing_find(const topo_keyring *kr, const uint8_t *origin);

/* A new, empty entry (keys added by the caller), or NULL when out of
 * memory. */
signing_zone *signing_add_zone(topo_keyring *kr, const uint8_t *origin, topo_dnssec mode);

/* Add a key (taken over: the caller's copy must not be freed) to z;
 * false when out of memory (the key is then freed). */
bool signing_add_key(signing_zone *z, dnssec_key *k);

void topo_keyring_free(topo_keyring *kr);

/* Add to `out` (a server's copy of the signed zone `parent`, not yet
 * finished) the DS records of each child zone the keyring signs that the
 * copy delegates without a DS: SHA-256 of each of the child's KSKs, with
 * the delegation's TTL.  Returns how many were added, -1 when out of
 * memory (with err). */
int signing_add_ds(const topo_zones *zones, const topo_keyring *kr, const uint8_t *parent,
		   dns_zonedata *out, char *err, size_t errsz);

/* Sign the finished zone `in` with z's keys, with kr's validity, into
 * `out` (initialised here; free it whatever the result).  false with
 * the reason in err. */
bool signing_sign(const topo_keyring *kr, const signing_zone *z, const dns_zonedata *in,
		  dns_zonedata *out, char *err, size_t errsz);

/* The same with a validity of one's own (for expired signatures on
 * purpose). */
bool signing_sign_at(const signing_zone *z, uint32_t inception, uint32_t expiration,
		     const dns_zonedata *in, dns_zonedata *out, char *err, size_t errsz);

/* The DS RDATA of z's KSKs in presentation form, one record a line
 * ("OWNER TTL IN DS TAG ALG 2 HEX"), malloc'd; NULL when out of memory. */
char *signing_ds_text(const signing_zone *z, uint32_t ttl);

/* The trust anchor for the root's KSKs: as Unbound's and dnsim-resolver's
 * `trust-anchor` files read it (DNSKEY records in master-file form,
 * what /usr/share/dns/root.key holds), and as BIND's delv reads its
 * bind.keys (a trust-anchors clause with static keys).  malloc'd; NULL
 * when out of memory or z has no KSK. */
char *signing_anchor_text(const signing_zone *root);
char *signing_bind_keys_text(const signing_zone *root);

#endif
