/* The stub's cache: whole answers kept by the question they answer, the
 * way an operating system's cache (nscd, systemd-resolved) sits between
 * applications and the resolver.  The resolver already did the work of
 * putting an answer together, so the stub keeps what came back for a
 * question -- the answer section (a CNAME chain and its end) and the
 * authority section (the SOA of a negative answer) -- and serves it
 * again, TTLs counted down, until the first of them runs out:
 *
 *   - a positive answer lives as long as its shortest TTL;
 *   - a negative one (NXDOMAIN, or NODATA: the name has no record of the
 *     type) for the RFC 2308 time, the lesser of the SOA's TTL and its
 *     MINIMUM, and is not kept at all without an SOA (RFC 2308 section
 *     5);
 *   - SERVFAIL, REFUSED and truncated answers are not kept.
 *
 * Never longer than the resolver said, and within caps of its own.  The
 * cache never reads a clock: every call that cares takes `now`
 * (milliseconds, monotonic), so tests can move time at will. */
#ifndef DNSIM_STUB_SCACHE_H
#define DNSIM_STUB_SCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/msg.h"

typedef struct scache_entry {
	/* Public, read-only for callers. */
	uint8_t qname[DNS_NAME_MAXLEN];   /* lowercased */
	uint16_t qtype, qclass;
	uint8_t rcode;                    /* NOERROR or NXDOMAIN */
	bool negative;                    /* NXDOMAIN or NODATA */
	dns_rr *rrs;                      /* answer records, then authority */
	size_t nanswer, nauthority;
	uint32_t ttl;                     /* seconds it lives (after the caps) */
	uint64_t stored_ms, expires_ms;
	uint32_t hits;

	/* Private. */
	struct scache_entry *hnext, *lru_prev, *lru_next;
	uint32_t hash;
} scache_entry;

typedef struct scache scache;

/* At most max_entries answers (the least recently used goes first);
 * max_ttl and max_neg_ttl cap how long positive and negative ones live.
 * NULL when out of memory. */
scache *scache_new(size_t max_entries, uint32_t max_ttl, uint32_t max_neg_ttl);
void scache_free(scache *c);

/* How long the response m (to its one question) may be kept, in
 * seconds, before the caps: 0 when it may not be, with the reason in
 * *why.  *negative says whether it is a negative answer. */
uint32_t scache_response_ttl(const dns_msg *m, bool *negative, const char **why);

/* Keep response m for its question.  true when it was kept, with the
 * seconds it lives in *ttl; false with the reason in *why (not to be
 * kept, no cache, or out of memory). */
bool scache_put(scache *c, const dns_msg *m, uint64_t now, uint32_t *ttl,
		const char **why);

/* The live answer to (qname, qtype, qclass), or NULL.  Counts a hit and
 * makes the entry the most recently used. */
const scache_entry *scache_get(scache *c, const uint8_t *qname, uint16_t qtype,
			       uint16_t qclass, uint64_t now);

/* Whole seconds an entry has left at `now` (0 once expired), rounded
 * down, and the seconds since it was stored, rounded up: a record is
 * served with its TTL less that age, never more than is left of it. */
uint32_t scache_ttl_left(const scache_entry *e, uint64_t now);
uint32_t scache_age(const scache_entry *e, uint64_t now);

/* Forget everything, or every answer to questions about `name`.
 * Returns how many answers went. */
size_t scache_flush(scache *c);
size_t scache_flush_name(scache *c, const uint8_t *name);

/* Visit every live entry, most recently used first. */
typedef void (*scache_visit_fn)(void *ctx, const scache_entry *e);
void scache_foreach(const scache *c, uint64_t now, scache_visit_fn fn, void *ctx);

/* Live entries and the most there may be. */
size_t scache_count(const scache *c);

#endif
