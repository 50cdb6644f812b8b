/* ALIAS records: dnsim's CNAME flattening.  An apex cannot hold a CNAME
 * (RFC 1034 3.6.2: a CNAME stands alone at its name, and the apex has
 * SOA and NS), so providers offer "ALIAS" (PowerDNS, DNSimple), "ANAME"
 * or "CNAME flattening" (Cloudflare): the zone names a target, and the
 * server answers A and AAAA at the name with the target's addresses,
 * looked up as a resolver would.
 *
 * In zone files (a dnsim extension; PowerDNS writes it the same way):
 *
 *     @     300  ALIAS  www.cdn.example.net.
 *
 * The type is 65401 (PowerDNS's number, from the private-use range).  It
 * is never sent in answers: an A or AAAA question at the name gets an
 * RRset of the target's addresses, owned by the name asked, with the
 * lower of the ALIAS record's TTL and what is left of the target's; a
 * question for ALIAS itself is NODATA.  Zone transfers (AXFR, IXFR) carry
 * the record as it is, as PowerDNS's do, so a dnsim-auth secondary
 * flattens the same way.
 *
 * The addresses come from the resolver in `alias-resolver ADDR` (the
 * node's resolver in a sim), asked without blocking the event loop: a
 * query that finds no fresh addresses waits (parked) while one UDP
 * query goes out for all who want them; when the answer comes, every
 * parked query is answered again from the start.  Fresh addresses are
 * served from here until the target's TTL runs out; in its last tenth
 * (or second) a refresh goes out in the background, so clients rarely
 * wait.  When the resolver cannot answer (SERVFAIL, REFUSED, no reply
 * after three tries), the last known addresses are served until their
 * TTL runs out; after that, and while a failure is fresh (one second),
 * the answer is SERVFAIL. */
#ifndef DNSIM_AUTH_ALIAS_H
#define DNSIM_AUTH_ALIAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/answer.h"
#include "auth/stats.h"
#include "dns/msg.h"
#include "io/addr.h"
#include "io/ev.h"
#include "io/tcpserver.h"

#define ALIAS_ADDR_MAX 16         /* addresses kept per target */
#define ALIAS_TRY_MS 800          /* wait for the resolver, per try */
#define ALIAS_TRIES 3
#define ALIAS_FAIL_HOLD_MS 1000   /* a failure answers SERVFAIL this long */
#define ALIAS_PARKED_MAX 1024     /* queries waiting, at most */
#define ALIAS_ENTRIES_MAX 256     /* targets remembered */
#define ALIAS_NODATA_TTL 30       /* no addresses and no SOA to say how long */

/* A query waiting for a target's addresses. */
typedef struct alias_parked {
	struct alias_parked *next;
	int udp_fd;                  /* UDP: the socket it came in on */
	net_addr peer;
	tcpserver_conn *conn;        /* TCP: the connection (held), or NULL */
	size_t len;
	uint8_t query[];
} alias_parked;

typedef struct alias_entry {
	ev_tag tag;                  /* first: epoll points here; fd -1 when idle */
	struct alias_entry *next;
	dns_name target;
	uint16_t qtype;
	dns_rr rrs[ALIAS_ADDR_MAX];  /* RDATA in data[] */
	uint8_t data[ALIAS_ADDR_MAX][16];
	size_t n;
	bool have;                   /* addresses (or their absence) known */
	uint32_t ttl;                /* as the resolver gave it */
	uint64_t expires_ms;
	uint64_t failed_until_ms;
	/* A lookup in flight (tag.fd >= 0). */
	uint16_t id;
	unsigned tries;
	uint64_t deadline_ms;
	alias_parked *parked;
} alias_entry;

/* Answer one parked query again (the server's whole path: views, TSIG,
 * the answer, the log) and send it. */
typedef void (*alias_replay_fn)(void *ctx, const alias_parked *p);

typedef struct alias_res {
	net_addr server;
	int epfd;
	int ev_kind;                 /* the lookups' sockets' kind in epoll */
	alias_entry *entries;
	size_t nentries, nparked;
	/* Set while parked queries are answered again: what is known is
	 * answered (even with a TTL run out), nothing is asked. */
	bool replaying;
	alias_entry *asked;          /* what the last PENDING waits for */
	alias_replay_fn replay;
	void *replay_ctx;
	dns_msg msg;
	auth_stats *stats;            /* alias.lookups, alias.failures counted here */
} alias_res;

/* `server`: the resolver to ask; epfd: the server's event loop, where
 * lookups' sockets are watched with kind `ev_kind`; lookups and failures
 * are counted in `stats`. */
void alias_init(alias_res *ar, const net_addr *server, int epfd, int ev_kind,
		alias_replay_fn replay, void *replay_ctx, auth_stats *stats);
void alias_free(alias_res *ar);

/* The answerer's hook (auth_alias_fn; ctx is the alias_res). */
auth_alias_status alias_lookup(void *ctx, const uint8_t *target, uint16_t qtype,
			       uint32_t ttl, const dns_rr **rrs, size_t *n, uint32_t *answer_ttl);

/* Keep a query the answerer said PENDING for (udp_fd and peer for UDP,
 * conn for TCP: held until answered).  false when out of memory. */
bool alias_park(alias_res *ar, int udp_fd, const net_addr *peer, tcpserver_conn *conn,
		const uint8_t *query, size_t len);

/* A lookup's socket is readable. */
void alias_event(alias_res *ar, ev_tag *tag, uint64_t now_ms);

/* Retries and give-ups; returns ms until the next deadline, -1: none. */
int alias_tick(alias_res *ar, uint64_t now_ms);

#endif
