/* DNSSEC validation for dnsim-resolver (RFC 4033-4035, 5155, 6840): the
 * trust anchors, a cache of zone keys with their verdicts, and the
 * checks of what a response says, built on core/dnssec.
 *
 * The chain of trust is built per zone cut, top down, as the iterator
 * walks down: before it asks a zone's servers it needs that zone's key
 * state (val_ensure), which comes from the zone's DNSKEY RRset checked
 * against the parent's DS RRset (itself checked with the parent's keys)
 * or against a trust anchor.  Referrals bring the DS RRset (or the
 * NSEC/NSEC3 proof that there is none: everything below is insecure);
 * when they do not, or when the data turns out to be signed by another
 * zone than the one asked, the missing DS or DNSKEY is fetched by a
 * nested request, as nameserver addresses are.
 *
 * The key cache holds, per zone apex, one of three verdicts: secure (with
 * the parsed keys), insecure (no DS, a negative trust anchor, only
 * unsupported algorithms) or bogus (with the Extended DNS Error that
 * says why), each for the TTL it was learnt with (bogus: a minute). */
#ifndef DNSIM_RESOLVER_VALIDATE_H
#define DNSIM_RESOLVER_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/msg.h"
#include "dnssec/key.h"
#include "resolver/rrlist.h"

/* Keys kept per zone: enough for rollovers of two algorithms; more is
 * a zone that wants to cost its validators work (KeyTrap). */
#define VAL_KEYS_PER_ZONE 8
/* Zones in the key cache before it is purged of what has expired (and,
 * if that is not enough, emptied). */
#define VAL_ZONES_MAX 4096
/* NSEC/NSEC3 RRsets checked per response. */
#define VAL_DENIAL_SETS_MAX 8

typedef struct val_key {
	struct val_key *next;     /* hash chain */
	dns_name zone;
	uint8_t security;         /* RSEC_SECURE, RSEC_INSECURE or RSEC_BOGUS */
	uint16_t ede;             /* bogus, or insecure for want of an
				   * algorithm: the EDE; else RES_NO_EDE */
	char why[100];
	dnssec_key *keys;         /* secure: the zone's usable keys */
	size_t nkeys;
	uint64_t expires;         /* now_ms */
	uint32_t hash;
	bool unreachable;         /* bogus only because no server answered
				   * the fetch: forgotten when one answers */
} val_key;

typedef struct validator {
	bool active;              /* anchors loaded and validation wanted */
	rrlist anchors;           /* DS records (DNSKEY anchors as SHA-256 DS) */
	val_key **buckets;
	size_t nbuckets, n;
	/* The time signatures are checked at: the system's clock, or (for
	 * tests) a fixed moment that moves with the resolver's now_ms. */
	bool wall_fixed;
	uint32_t wall_base_s;
	uint64_t wall_base_ms;
} validator;

/* What validation made of a part of a response. */
typedef struct val_verdict {
	uint8_t security;         /* enum rcache_security */
	uint16_t ede;             /* RES_NO_EDE or why */
	char why[120];
	/* The keys of need_zone are not known yet: fetch, then ask again. */
	bool need;
	dns_name need_zone;
	uint32_t ttl;             /* secure, or bogus for the zone's keys (when not
				   * 0): the most it may be cached for */
	bool wildcard;            /* secure: expanded from `source` */
	dns_name source;
} val_verdict;

#endif
