/* The recursive resolver's shared state: settings, cache, server
 * knowledge, requests in progress and the upstream queries they have out.
 * The pieces that work on it each have a file: iterate.c (the algorithm),
 * upstream.c (queries to authoritative servers), clients.c (queries from
 * stubs), respond.c (answers), trace.c, control.c, blocklist.c. */
#ifndef DNSIM_RESOLVER_RESOLVER_H
#define DNSIM_RESOLVER_RESOLVER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "conf/resolver_conf.h"
#include "dns/clientsubnet.h"
#include "dns/msg.h"
#include "io/addr.h"
#include "io/ev.h"
#include "io/tcpconn.h"
#include "io/tcpserver.h"
#include "resolver/cache.h"
#include "resolver/ecscache.h"
#include "resolver/infra.h"
#include "resolver/rrlist.h"
#include "resolver/validate.h"

/* Limits that keep every resolution bounded. */
#define RES_CHAIN_MAX 16        /* CNAMEs followed (the limit) */
#define RES_DEPTH_MAX 4         /* nested resolutions of NS names */
#define RES_QUERIES_MAX 24      /* upstream queries for one request */
#define RES_TIME_MAX_MS 10000   /* total time before SERVFAIL */
#define RES_NS_MAX 16           /* nameservers considered per zone */
#define RES_ADDR_MAX 4          /* addresses per nameserver */
#define RES_TRIES_PER_ADDR 2
/* QNAME minimisation's limits (RFC 9156 section 2.3): the first
 * RES_QMIN_ONE_LABEL minimised queries show one more label each, the
 * rest show enough at once that a deep name (an ip6.arpa name has 34
 * labels) takes at most RES_QMIN_MAX of them. */
#define RES_QMIN_ONE_LABEL 4
#define RES_QMIN_MAX 10
/* DNSSEC: nested fetches of DS and DNSKEY go up the tree one zone at a
 * time, so they may nest deeper than address lookups; a request starts
 * at most RES_KEY_FETCH_MAX of them; and a whole resolution (with all
 * its nested requests) checks at most RES_VALIDATIONS_MAX RRsets, each
 * with at most DNSSEC_VERIFY_BUDGET signature operations (the KeyTrap
 * limits, CVE-2023-50387, per resolution as well as per RRset). */
#define RES_KEY_DEPTH_MAX 24
#define RES_KEY_FETCH_MAX 12
#define RES_VALIDATIONS_MAX 64

/* What epoll events point to (an ev_tag, io/ev.h): the resolver's own
 * kinds; the TCP clients' are the tcpserver's. */
enum {
	EV_CLIENT_UDP = EV_KIND_OWN, EV_UPSTREAM, EV_SIGNAL,
	EV_CONTROL_LISTEN, EV_CONTROL_CONN,
};

/* Someone waiting for an answer: a stub over UDP or TCP. */
struct waiter {
	struct waiter *next;
	uint16_t id;
	uint16_t flags;          /* the query's RD and CD, echoed */
	bool edns;
	bool do_bit;
	bool ad;                 /* the query had AD set (RFC 6840 5.7) */
	uint16_t udp_size;
	int udp_fd;              /* UDP: the socket it came in on */
	net_addr peer;
	tcpserver_conn *conn;    /* TCP: the connection (held), or NULL */
	/* The client sent an EDNS Client Subnet option: it is echoed with
	 * the scope of the answer (RFC 7871 7.2.2). */
	bool ecs_opt;
	dns_ecs ecs;
};

struct ns_entry {
	dns_name name;
	net_addr addr[RES_ADDR_MAX];
	uint8_t tries[RES_ADDR_MAX];
	int naddr;
	bool looked_up;          /* a resolution of its address was tried */
};

struct upq;

#define RES_NO_EDE 0xffffu

typedef struct request {
	struct request *next, *prev;    /* in the resolver's list */
	uint32_t id;                    /* for the trace */
	dns_name qname;                 /* as asked */
	uint16_t qtype, qclass;
	dns_name name;                  /* where the CNAME chain has got to */
	int chain;                      /* CNAMEs followed */
	rrlist answer, authority;
	unsigned rcode;
	bool done;
	/* Why it failed, for the client (an Extended DNS Error, RFC 8914):
	 * RES_NO_EDE, or a code and a short text. */
	uint16_t ede;
	char ede_text[120];
	/* What went wrong with the servers asked so far, to tell a SERVFAIL
	 * apart: timeouts, ICMP errors, lame answers. */
	uint16_t timeouts, unreachable, lame;

	/* The zone cut being asked, and its nameservers. */
	dns_name zone;
	struct ns_entry ns[RES_NS_MAX];
	int nns;
	unsigned revealed;              /* QNAME minimisation: labels shown */
	unsigned qmin_steps;            /* minimised queries answered */
	bool qmin;

	int queries;                    /* upstream queries sent */
	uint64_t started_ms, deadline_ms;
	struct upq *inflight;

	/* Resolutions of nameserver addresses (and DNSSEC keys) this one
	 * waits for. */
	struct request *parent;
	int depth;                      /* nested requests above this one */
	int ns_depth;                   /* ... of them, address lookups */
	int children;

	/* DNSSEC: what validation made of the answer so far (the worst of
	 * its parts, enum rcache_security) and, when bogus, why. */
	uint8_t security;
	bool sec_started;               /* some part was checked */
	uint16_t val_ede;
	char val_text[120];
	bool key_fetch;                 /* fetches a DS or DNSKEY for a parent */
	bool has_need;                  /* data came signed by need_zone, whose */
	dns_name need_zone;             /* keys must be known before asking again */
	int key_fetches;                /* nested key fetches started */
	int validations;                /* top request: RRsets checked */

	/* EDNS Client Subnet: the subnet resolved for (subnet_on), sent to
	 * the servers allowed to see it; what the last response said it
	 * holds for (resp_net, its `source` the scope; resp_scoped when the
	 * scope is above 0, so its data is kept per subnet); and the widest
	 * scope of what the answer is made of, for clients' echo. */
	bool subnet_on;
	dns_ecs subnet;
	bool resp_scoped;
	dns_ecs resp_net;
	uint8_t scope;

	bool prefetch;                  /* nobody waits; refreshing the cache */
	bool queued;                    /* in the resolver's wake-up queue */
	bool resume;                    /* woken by nested lookups: same cut */
	struct request *wake_next;
	struct waiter *waiters;
} request;

typedef struct res_stats {
	uint64_t queries, cache_hits, cache_misses, upstream, servfail,
		nxdomain, refused, blocked, timeouts, tcp_retries, aggregated,
		prefetches, secure, insecure, bogus;
} res_stats;

typedef struct resolver {
	const res_config *cfg;
	rcache *cache;
	ecache *ecache;                 /* ECS answers per subnet (NULL: ECS off) */
	infra infra;
	res_stats stats;
	uint32_t rotate;            /* round-robin position for answers */
	uint64_t now_ms;
	int epfd;
	request *requests;
	struct upq *upstream;           /* queries in flight */
	/* Requests to continue from the top of the event loop: a nested
	 * resolution that finishes wakes its parent here rather than by a
	 * recursive call, so no request is ever freed under a caller. */
	request *wake_head, *wake_tail;
	uint32_t next_id;
	FILE *trace;
	FILE *qlog;
	rrlist hints;                   /* root NS and addresses, as loaded */
	validator val;                  /* DNSSEC: anchors and zone keys */
	/* Parsed messages, reused from one datagram to the next so their
	 * arenas are allocated once. */
	dns_msg client_msg, upstream_msg;
	/* UDP answers gathered while a batch of client queries is read, and
	 * sent with one sendmmsg (NULL: each goes out at once). */
	struct udp_out *udp_out;
} resolver;

/* ---- iterate.c ---------------------------------------------------------- */

/* A request for (name, type, class): an existing one when the same
 * question is already being resolved (query aggregation), else a new
 * one, started.  NULL when out of memory. */
request *res_request(resolver *r, const uint8_t *name, uint16_t qtype,
		     uint16_t qclass, request *parent, bool *joined);
/* The same for a client whose subnet (ECS) the answer may depend on
 * (NULL: none); only a request for the same subnet is joined. */
request *res_request_subnet(resolver *r, const uint8_t *name, uint16_t qtype,
			    uint16_t qclass, const dns_ecs *subnet, bool *joined);

/* Start (or continue) a request from the top of the event loop. */
void res_wake(resolver *r, request *rq);
/* Run every request woken so far; called once per loop turn. */
void res_run_wakeups(resolver *r);

/* Try to answer from the cache alone; true when `out` now holds the
 * whole answer (positive, CNAME chain included, or negative).  With a
 * client subnet (may be NULL) answers kept for it come first; *scope is
 * the widest ECS scope of what was used (0: answers for everyone). */
bool res_answer_from_cache(resolver *r, const uint8_t *name, uint16_t qtype,
			   uint16_t qclass, const dns_ecs *subnet, rrlist *answer,
			   rrlist *authority, unsigned *rcode, unsigned *security,
			   unsigned *ede, uint8_t *scope);

void res_on_response(resolver *r, request *rq, struct upq *q,
		     const dns_msg *m);
/* No answer in time, or (unreachable) the server refused outright. */
void res_on_timeout(resolver *r, request *rq, struct upq *q, bool unreachable);

/* Abandon everything (shutdown). */
void res_free_requests(resolver *r);

/* ---- validate.c --------------------------------------------------------- */

/* Load the trust anchors the settings name and turn validation on when
 * there is one (and dnssec-validation is not "no").  false with a
 * message when a file does not read. */
bool val_init(resolver *r, char *err, size_t errsz);
void val_free(resolver *r);
/* Check signatures as if the clock said `wall_s` now (seconds since
 * 1970), moving on with now_ms: for tests. */
void val_set_clock(resolver *r, uint32_t wall_s);
/* The time signatures are checked at, seconds since 1970. */
uint32_t val_now(const resolver *r);
/* Forget the key verdicts of every zone (name NULL), of one zone, or of a
 * zone and all below it. */
void val_flush(resolver *r, const uint8_t *name, bool below);

/* Before rq asks its zone's servers: are the keys it will need known?
 * false when nested fetches were started (rq is resumed when they end). */
bool val_ensure(resolver *r, request *rq);
/* A nested DS or DNSKEY fetch ended: leave a verdict for its zone even
 * when it found nothing (bogus then), so nobody fetches it again and
 * again. */
void val_fetch_done(resolver *r, request *rq);
/* A server of `zone` answered: keys that were missing only because its
 * servers were unreachable are fetched again. */
void val_zone_answered(resolver *r, const uint8_t *zone);

/* The RRSIGs in a section that cover (owner, type), up to max. */
size_t val_collect_sigs(const dns_msg *m, int sec, const uint8_t *owner,
			uint16_t type, dns_rr *out, size_t max);
/* Validate one RRset with its signatures. */
void val_rrset(resolver *r, request *rq, const dns_rr *set, size_t n,
	       const dns_rr *sigs, size_t nsigs, val_verdict *v);

enum val_denial_kind { VAL_NXDOMAIN, VAL_NODATA, VAL_WILDCARD };
/* Validate the NSEC/NSEC3 records (and the SOA) of a response's authority
 * section and check that they prove the denial (or, for VAL_WILDCARD,
 * that qname does not exist, so `source` was rightly expanded).  The
 * records that did it, with their signatures, are added to `proof` (may
 * be NULL); *unsigned_cut (may be NULL) tells whether, for DS, they show
 * a delegation without DS. */
void val_denial(resolver *r, request *rq, const dns_msg *m, enum val_denial_kind kind,
		const uint8_t *qname, uint16_t qtype, const uint8_t *source,
		val_verdict *v, rrlist *proof, bool *unsigned_cut);
/* A referral from rq's zone to `child`: check the DS RRset it carries, or
 * its proof that there is none, and cache what it shows. */
void val_referral(resolver *r, request *rq, const dns_msg *m, const uint8_t *child);

/* Fold a verdict into the request's status. */
void val_merge(request *rq, const val_verdict *v);

/* ---- upstream.c --------------------------------------------------------- */

struct upq {
	struct ev_tag tag;
	struct upq *next, *prev;
	request *rq;
	net_addr server;
	dns_name qname;
	uint16_t qtype;
	uint16_t id;
	bool edns;
	bool dnssec;             /* DO set */
	bool ecs;                /* an ECS option went with it: */
	dns_ecs ecs_sent;        /* ... this one */
	bool tcp;
	bool connected;          /* TCP: connect() finished */
	tcpconn io;
	uint64_t sent_ms, deadline_ms;
};

/* Send a query for (qname, qtype) to `server` from a fresh random port
 * with a fresh random ID (RFC 5452); with an ECS option when `ecs` is
 * not NULL (EDNS only). */
bool upstream_send(resolver *r, request *rq, const net_addr *server,
		   const uint8_t *qname, uint16_t qtype, bool edns, bool tcp,
		   const dns_ecs *ecs);
void upstream_event(resolver *r, struct upq *q, uint32_t events);
/* A datagram (or TCP message) that came for q: used when it matches the
 * query (address was checked by the socket; ID and question here), else
 * ignored.  q is freed when used.  The event loop and the fuzzer call it. */
void upstream_deliver(resolver *r, struct upq *q, const uint8_t *buf, size_t len);
/* Expire what has run out of time; returns ms until the next deadline
 * (-1 when nothing is in flight). */
int upstream_expire(resolver *r);
void upstream_cancel(resolver *r, struct upq *q);
void upstream_free_all(resolver *r);

/* ---- respond.c ---------------------------------------------------------- */

/* Build the answer for one waiter (RA set, the answer and authority
 * lists, TC when it does not fit).  Returns the length. */
/* `security` (enum rcache_security) decides AD (secure, and the client
 * set DO or AD) and, for bogus data, SERVFAIL unless the client set CD;
 * DNSSEC records go only to clients that set DO (or asked for them).
 * A client that sent ECS gets its option back with SCOPE `scope`. */
size_t res_build_response(const struct waiter *w, const uint8_t *qname,
			   uint16_t qtype, uint16_t qclass, unsigned rcode,
			   const rrlist *answer, const rrlist *authority,
			   bool tcp, unsigned rotate, unsigned ede, const char *ede_text,
			   unsigned security, unsigned scope, uint8_t *out, size_t outcap);

/* Deliver a finished request to every waiter (clients.c sends). */
void res_deliver(resolver *r, request *rq);
void clients_send(resolver *r, const struct waiter *w, const uint8_t *msg,
		  size_t len);
void clients_waiter_gone(struct waiter *w);

/* ---- trace.c ------------------------------------------------------------ */

/* One JSON object per line, when tracing is on:
 * {"t":MS,"rq":ID,"ev":"query",...}.  `fmt` adds fields. */
void trace_event(resolver *r, const request *rq, const char *ev,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* A name or type as a JSON string value (no quoting needed after). */
const char *trace_name(const uint8_t *name, char *buf, size_t bufsz);

#endif
