/* Breaking a signed zone on purpose, the ways DNSSEC goes wrong in real
 * life, and mending it (`sim dnssec break ZONE HOW`, `sim dnssec mend
 * ZONE`): each break leaves a zone that loads and is served, but that a
 * validator finds bogus for a reason of its own, and each has its
 * Extended DNS Error (RFC 8914) in the resolver's SERVFAIL.
 *
 *   expired  every signature's validity ended yesterday (EDE 7)
 *   ds       the parent's DS matches none of the zone's keys (EDE 9)
 *   rrsig    the signatures of the zone's data (A, AAAA, MX, ...) are
 *            gone; SOA, NS, DNSKEY and the chain keep theirs (EDE 10)
 *   dnskey   the zone-signing key is gone from the DNSKEY RRset (the
 *            key-signing key signs what is left), so no signature made
 *            with it has a key (EDE 9)
 *   nsec     the NSEC or NSEC3 chain is gone: no name error or no-data
 *            answer can be proven (EDE 12)
 *
 * Every edit bumps the serial, and the SOA is signed anew (so that a
 * server reloading the zone shows the new serial with a valid RRSIG).
 * Pure: zones in, zones out. */
#ifndef DNSIM_TOPO_ZONEBREAK_H
#define DNSIM_TOPO_ZONEBREAK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/zonedata.h"
#include "topo/signing.h"

typedef enum zonebreak_kind {
	ZONEBREAK_EXPIRED,
	ZONEBREAK_DS,
	ZONEBREAK_RRSIG,
	ZONEBREAK_DNSKEY,
	ZONEBREAK_NSEC,
} zonebreak_kind;

#define ZONEBREAK_KINDS 5

/* The name of a kind ("expired", "ds", "rrsig", "dnskey", "nsec"), one
 * line of what it does, and a name back to its kind. */
const char *zonebreak_name(zonebreak_kind k);
const char *zonebreak_what(zonebreak_kind k);
bool zonebreak_from_name(const char *text, zonebreak_kind *k);

/* The signed zone `in` broken as k says (every kind but ZONEBREAK_DS,
 * which is the parent's: zonebreak_bad_ds_text), with z's keys and the
 * time `now`.  `out` is initialised here (free it whatever the result);
 * false with the reason in err. */
bool zonebreak_zone(zonebreak_kind k, const signing_zone *z, uint32_t now,
		    const dns_zonedata *in, dns_zonedata *out, char *err, size_t errsz);

/* The zone signed anew with z's keys and validity (every DNSSEC record
 * dropped and made again, the serial bumped): what mends every break of
 * the zone itself, and signs an unsigned zone. */
bool zonebreak_mend(const signing_zone *z, uint32_t inception, uint32_t expiration,
		    const dns_zonedata *in, dns_zonedata *out, char *err, size_t errsz);

/* DS records for the zone that match none of its keys (the tag and
 * algorithm of each KSK, a digest of something else), one a line as
 * signing_ds_text writes them; malloc'd, NULL when z has no KSK. */
char *zonebreak_bad_ds_text(const signing_zone *z, uint32_t ttl);

#endif
