/* The resolver's cache: RRsets, negative answers (RFC 2308) and the
 * delegations learnt on the way, each for no longer than its TTL, within
 * a byte budget with least-recently-used eviction.
 *
 * The cache never reads a clock: every call that cares about time takes
 * `now` (milliseconds, monotonic), so tests can move time at will. */
#ifndef DNSIM_RESOLVER_CACHE_H
#define DNSIM_RESOLVER_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/msg.h"

/* How much an RRset is to be believed (RFC 2181 section 5.4.1), lowest
 * first: data from a lower rank never replaces data from a higher one. */
enum rcache_rank {
	RANK_GLUE = 1,         /* additional section, referral glue */
	RANK_AUTHORITY = 2,    /* authority section of a referral */
	RANK_ANSWER = 3,       /* answer section, non-authoritative */
	RANK_AUTH_ANSWER = 4,  /* answer section with AA set */
};

/* What DNSSEC validation made of an entry (RFC 4035 4.3).  UNCHECKED is
 * everything stored without validation: all data when the resolver does
 * not validate, and on a validating one the glue, referrals and minimised
 * queries' answers, which it never hands to clients. */
enum rcache_security {
	RSEC_UNCHECKED = 0,
	RSEC_SECURE,
	RSEC_INSECURE,
	RSEC_BOGUS,
};

/* The combined status of data made of parts: the worst of them, in the
 * order secure, insecure, unchecked, bogus. */
enum rcache_security rsec_worst(enum rcache_security a, enum rcache_security b);
const char *rsec_name(enum rcache_security s);

/* Bogus data is kept this long at most (for CD clients and so that a
 * broken zone is not asked again for every query), as Unbound's
 * val-bogus-ttl. */
#define RCACHE_BOGUS_TTL 60

/* A zone's keys that could not be fetched because none of its servers
 * answered are not bogus: that is remembered only briefly (RFC 9520 asks
 * for at least a second), so a zone whose servers come back validates
 * again at once instead of a minute later. */
#define RCACHE_UNREACHABLE_TTL 5

/* Entry flags. */
#define RCACHE_UNSIGNED_CUT 0x01 /* a NODATA for DS whose proof shows a
				  * delegation without DS: the zone below
				  * is insecure (RFC 4035 5.2) */

/* What comes with an RRset or a negative answer from a validating
 * resolver: its status, the signatures, and the NSEC/NSEC3 records (with
 * their RRSIGs) that prove a denial or a wildcard expansion, handed to
 * clients that set DO. */
typedef struct rcache_dnssec {
	uint8_t security;      /* enum rcache_security */
	uint8_t flags;
	uint16_t ede;          /* bogus: the Extended DNS Error that says why */
	const dns_rr *sigs;
	size_t nsigs;
	const dns_rr *proof;
	size_t nproof;
} rcache_dnssec;

enum rcache_kind {
	RCACHE_RRSET,
	RCACHE_NODATA,         /* the name exists, the type does not */
	RCACHE_NXDOMAIN,       /* the name does not exist (any type) */
};

typedef struct rcache_entry {
	/* Public, read-only for callers. */
	enum rcache_kind kind;
	const uint8_t *name;   /* owner, as first stored */
	uint16_t type;         /* 0 for NXDOMAIN */
	uint16_t rclass;
	enum rcache_rank rank;
	uint32_t orig_ttl;     /* TTL when stored (after the cap) */
	uint64_t expires;      /* `now` (ms) at which it is gone */
	dns_rr *rrs;           /* RRSET: the records; negative: the SOA */
	size_t nrrs;
	uint32_t hits;         /* answers served from it, for prefetch */
	uint8_t security;      /* enum rcache_security */
	uint8_t flags;         /* RCACHE_UNSIGNED_CUT */
	uint16_t ede;          /* bogus: why */
	dns_rr *sigs;          /* RRSIGs over rrs (RRSET) or the SOA */
	size_t nsigs;
	dns_rr *proof;         /* NSEC/NSEC3 records and their RRSIGs */
	size_t nproof;

	/* Private. */
	struct rcache_entry *hnext;
	struct rcache_entry *lru_prev, *lru_next;
	size_t bytes;
	uint32_t hash;
} rcache_entry;

typedef struct rcache_stats {
	uint64_t hits, misses, inserts, evictions, expired;
	size_t entries, bytes;
} rcache_stats;

typedef struct rcache rcache;

/* max_bytes: the budget for entries and their data; max_ttl caps every
 * TTL stored; neg_max_ttl caps negative entries (RFC 2308 suggests 3h). */
rcache *rcache_new(size_t max_bytes, uint32_t max_ttl, uint32_t neg_max_ttl);
void rcache_free(rcache *c);

/* Store an RRset (all of rrs share owner, type, class).  TTL: the lowest
 * of the set, capped (bogus data: RCACHE_BOGUS_TTL at most).  `sec` (may
 * be NULL: unchecked, nothing more) is copied.  Returns false when out
 * of memory, or when a better-ranked live entry is already there (and
 * keeps that one; also an entry of the same rank that was validated,
 * against one that was not). */
bool rcache_put_rrset(rcache *c, const dns_rr *rrs, size_t n,
		      enum rcache_rank rank, const rcache_dnssec *sec, uint64_t now);

/* Store a negative answer for (name, type) or, for NXDOMAIN, for the
 * whole name.  `soa` (may be NULL) is kept to be returned in the
 * authority section; ttl is the RFC 2308 time (min of SOA TTL and
 * MINIMUM), capped. */
bool rcache_put_negative(rcache *c, enum rcache_kind kind, const uint8_t *name,
			 uint16_t type, uint16_t rclass, const dns_rr *soa,
			 uint32_t ttl, const rcache_dnssec *sec, uint64_t now);

/* The live entry answering (name, type, class): an RRset of that type, a
 * NODATA for it, or an NXDOMAIN for the name.  NULL on a miss.  Moves the
 * entry to the front of the LRU list and counts the hit or miss. */
const rcache_entry *rcache_lookup(rcache *c, const uint8_t *name,
				  uint16_t type, uint16_t rclass, uint64_t now);

/* The same without counting or reordering (for looking at the cache). */
const rcache_entry *rcache_peek(const rcache *c, const uint8_t *name,
				uint16_t type, uint16_t rclass, uint64_t now);

/* Whole seconds of TTL left on an entry at `now` (0 once expired). */
uint32_t rcache_ttl_left(const rcache_entry *e, uint64_t now);

/* Forget everything, or one name (all its types), or a name and every
 * name below it.  Returns how many entries went. */
size_t rcache_flush(rcache *c);
size_t rcache_flush_name(rcache *c, const uint8_t *name, bool below);

/* Visit every live entry, most recently used first. */
typedef void (*rcache_visit_fn)(void *ctx, const rcache_entry *e);
void rcache_foreach(const rcache *c, uint64_t now, rcache_visit_fn fn,
		    void *ctx);

rcache_stats rcache_get_stats(const rcache *c);

#endif
