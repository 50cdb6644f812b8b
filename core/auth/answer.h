/* The authoritative answer: one query in wire form in, one response in
 * wire form out, following RFC 1034 section 4.3.2.  No sockets here: the
 * server loop hands queries in, so this is unit-tested on its own. */
#ifndef DNSIM_AUTH_ANSWER_H
#define DNSIM_AUTH_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/stats.h"
#include "auth/zonedb.h"
#include "dns/msg.h"

/* A zone as served: its index plus whatever keeps its records alive. */
typedef struct auth_zone {
	dns_name origin;
	zonedb db;
	struct dns_zonedata *source;  /* the loaded records the index uses */
	char *file;
	/* A secondary zone with no data yet, or whose data expired (RFC 1035
	 * 4.3.5: the SOA's EXPIRE passed without a refresh): queries for it
	 * get SERVFAIL, and db holds nothing. */
	bool unavailable;
} auth_zone;

/* The zones one group of clients sees (split horizon, seed 000). */
typedef struct auth_zoneset {
	auth_zone **zones;
	size_t nzones;
} auth_zoneset;

struct rr_pending {
	size_t start, count;    /* into the pool */
	bool required;          /* must fit, or the answer is truncated */
};

/* ALIAS (dnsim's CNAME flattening, auth/alias.h): the addresses (type
 * A or AAAA) of `target` as the server's resolver has them.  OK with the
 * records (their RDATA; owners and TTLs are set by the answer) and the
 * TTL the answer may carry: the lower of the ALIAS record's `ttl` and
 * what is left of the target's (none: NODATA); PENDING when a lookup is
 * under way and the query is to wait for it; FAILED for SERVFAIL. */
typedef enum auth_alias_status {
	AUTH_ALIAS_OK, AUTH_ALIAS_PENDING, AUTH_ALIAS_FAILED,
} auth_alias_status;
typedef auth_alias_status (*auth_alias_fn)(void *ctx, const uint8_t *target, uint16_t qtype,
					   uint32_t ttl, const dns_rr **rrs, size_t *n,
					   uint32_t *answer_ttl);
/* Routing policies (auth/routing.h): a name's A or AAAA answer chosen
 * per query.  Every member may be NULL: no policies. */
typedef struct auth_policy_hook {
	/* Before anything else, every QUERY: its EDNS options (NULL, 0
	 * without EDNS).  -1 when its Client Subnet option is malformed
	 * (RFC 7871 7.1.2: FORMERR). */
	int (*begin)(void *ctx, const uint8_t *options, size_t len);
	/* The RRset of type qtype (A or AAAA) at `name`, a name the zone
	 * has: 1 with *set filled (its RRSIG too when `dnssec`), 0 when no
	 * policy decides it (the zone's records answer), -1 for SERVFAIL. */
	int (*answer)(void *ctx, const uint8_t *name, uint16_t qtype, bool dnssec,
		      zdb_rrset *set);
	/* Options the response's OPT carries besides NSID (ECS echoed);
	 * their length in out. */
	size_t (*options)(void *ctx, uint8_t *out, size_t cap);
	void *ctx;
} auth_policy_hook;

/* Per-server scratch space and settings, reused from query to query. */
typedef struct auth_answerer {
	size_t max_udp;            /* EDNS payload we offer and cap at */
	const char *identity;      /* for CH TXT id.server */
	const auth_stats *stats;   /* for CH TXT stats.dnsim */
	uint32_t rotate;           /* round-robin position */
	unsigned period;           /* round-robin phases this answer depends on */
	bool dnssec;               /* this query has DO: RRSIGs and proofs */
	size_t reserve;            /* octets kept back at the end (a TSIG) */
	auth_alias_fn alias;       /* NULL: no way to resolve ALIAS targets */
	void *alias_ctx;
	auth_policy_hook policy;

	dns_msg query;
	dns_rr *pool;
	size_t npool, pool_cap;
	struct rr_pending *pend[3];
	size_t npend[3], pend_cap[3];
	dns_name names[64];        /* synthesized owners and targets */
	size_t nnames;
	uint8_t txt[1024];         /* CH TXT RDATA */
} auth_answerer;

/* What happened, for the query log, the counters and the server loop. */
typedef struct auth_result {
	bool drop;                 /* send nothing (a response, or junk) */
	bool axfr;                 /* a zone transfer asked for over TCP */
	const auth_zone *axfr_zone;
	bool ixfr;                 /* ...incremental, from the client's serial */
	uint32_t ixfr_serial;
	/* NOTIFY or UPDATE for a zone of ours (its origin in op_zone): the
	 * server decides and answers with auth_reply(). */
	bool notify, update;
	const auth_zone *op_zone;
	uint8_t opcode;
	bool has_question;
	dns_name qname;
	uint16_t qtype, qclass;
	unsigned rcode;            /* full, EDNS bits included */
	uint16_t flags;            /* header flags of the response */
	bool edns;
	size_t size;
	/* May the response be kept for the same query (auth/anscache)?  0:
	 * no; N: yes, it is one of N variants, as the round robin turns. */
	uint8_t cache_period;
	/* An ALIAS target's addresses are being looked up: nothing was
	 * answered; the server asks again when they are in. */
	bool alias_pending;
} auth_result;

void auth_answerer_init(auth_answerer *a, size_t max_udp, const char *identity,
			const auth_stats *stats);
void auth_answerer_free(auth_answerer *a);

/* Answer `query` for a client that sees `zones`.  `tcp` lifts the size
 * limit to 65535.  Returns the response length (0 when res->drop or
 * res->axfr; the caller streams a transfer itself). */
size_t auth_answer(auth_answerer *a, const auth_zoneset *zones, bool tcp,
		   const uint8_t *query, size_t qlen, uint8_t *out,
		   size_t outcap, auth_result *res);

/* An answer of only the header, the query's question (an UPDATE's zone
 * section) and OPT, with `rcode` and `flags` (QR implied): for the query
 * auth_answer() parsed last.  Returns its length. */
size_t auth_reply(auth_answerer *a, unsigned rcode, uint16_t flags, uint8_t *out,
		  size_t outcap, auth_result *res);

/* The zone of a set that holds `name` most specifically, or NULL. */
const auth_zone *auth_zoneset_find(const auth_zoneset *zs,
				   const uint8_t *name);

#endif
