/* Whole UDP answers kept for the next identical query, the way NSD
 * precompiles its answers: an answer depends only on the zones, the
 * question's octets, a few header bits (RD, CD), EDNS (present, DO, the
 * size limit it gives), the client's view, and -- for RRsets handed out
 * in round-robin order -- the rotation's phase.  A query with the same
 * of all of these gets the same octets, its own ID written in.
 *
 * Only plain queries are kept: opcode QUERY, one question in class IN,
 * no other sections but an OPT without options; everything else (CH
 * TXT counters, NSID, cookies, transfers, UPDATE) is answered afresh.
 * The table is direct-mapped and bounded in entries and bytes; it is
 * emptied whenever the zones change. */
#ifndef DNSIM_AUTH_ANSCACHE_H
#define DNSIM_AUTH_ANSCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/answer.h"

/* Variants of one answer at most (the round-robin phases kept). */
#define ANSCACHE_PHASES 16

/* What a query is, for the cache. */
typedef struct anscache_key {
	uint8_t qname[256];        /* as the client wrote it (case kept) */
	uint8_t qname_len;
	uint16_t qtype;
	uint16_t bits;             /* RD, CD, EDNS, DO, view, as one word */
	uint16_t limit;            /* the UDP size the answer was cut to */
	uint32_t hash;
} anscache_key;

typedef struct anscache anscache;

/* A cache of `entries` answers (rounded up to a power of two) holding at
 * most `max_bytes` of answers; NULL when out of memory. */
anscache *anscache_new(size_t entries, size_t max_bytes);
void anscache_free(anscache *c);

/* Forget everything (the zones changed). */
void anscache_clear(anscache *c);

/* The key of a query as it came off the wire, for a client of view
 * `view` (< 256) and a server whose EDNS size is max_udp; false when the
 * query is not one the cache keeps (see above). */
bool anscache_key_of(const uint8_t *query, size_t qlen, size_t view, size_t max_udp,
		     anscache_key *key);

/* Look for the answer to `key` at round-robin position `rotate`: on a
 * hit, the response is copied into out (cap octets) with the query's ID
 * put in, *res filled as auth_answer would, and its length returned; 0
 * on a miss. */
size_t anscache_get(anscache *c, const anscache_key *key, uint32_t rotate,
		    const uint8_t *query, uint8_t *out, size_t cap, auth_result *res);

/* Keep the response auth_answer just made for `key` at round-robin
 * position `rotate` (before it moved on), when res says it may be kept. */
void anscache_put(anscache *c, const anscache_key *key, uint32_t rotate,
		  const uint8_t *response, size_t len, const auth_result *res);

/* Counters, for the server's statistics. */
typedef struct anscache_stats {
	uint64_t hits, misses, entries, bytes;
} anscache_stats;
anscache_stats anscache_get_stats(const anscache *c);

#endif
