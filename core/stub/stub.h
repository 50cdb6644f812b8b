/* dnsim-stub: a host's caching stub, the way systemd-resolved or nscd
 * sit between applications and the resolver.  glibc on the host asks it
 * (resolv.conf names 127.0.0.53); it answers from its cache what it
 * has (stub/cache.h), and forwards the rest to the host's resolvers in
 * order: the one that answered last is asked first, and on a timeout,
 * an unreachable port or a SERVFAIL the next one is tried.  Answers too
 * big for UDP are fetched again over TCP.  Its trace (one JSON object per
 * step) lets `sim trace` draw it as a lane of its own. */
#ifndef DNSIM_STUB_STUB_H
#define DNSIM_STUB_STUB_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "conf/stub_conf.h"
#include "dns/msg.h"
#include "io/ev.h"
#include "io/tcpconn.h"
#include "io/tcpserver.h"
#include "stub/scache.h"

/* Times each server is tried for one question before the client gets
 * SERVFAIL (a timeout or a closed port moves on to the next). */
#define STUB_ROUNDS 3

enum {
	EV_CLIENT_UDP = EV_KIND_OWN,
	EV_FORWARD,
	EV_CONTROL_LISTEN,
	EV_SIGNAL,
};

typedef struct stub_stats {
	uint64_t queries, cache_hits, cache_misses;
	uint64_t upstream, timeouts, unreachable, failovers, tcp_retries;
	uint64_t servfail, nxdomain;
} stub_stats;

/* Who asked, and how: where the answer goes and what it may hold. */
typedef struct client_ref {
	int udp_fd;             /* -1 for TCP */
	net_addr peer;
	tcpserver_conn *conn;   /* held while the answer is pending */
	uint16_t id;
	uint16_t flags;         /* the client's RD and CD (and the resolver's AD) */
	bool edns;
	bool dnssec_ok;         /* DO: it validates itself (delv), or wants RRSIGs */
	bool ad;                /* it set AD: it wants to know if data is secure */
	uint16_t udp_size;
} client_ref;

/* A question forwarded to a resolver, waiting for its answer. */
typedef struct fwd {
	ev_tag tag;             /* first: what epoll events point to */
	struct fwd *prev, *next;
	tcpconn io;
	client_ref client;
	unsigned rq;            /* the trace's number for this question */
	dns_name qname;         /* as the client wrote it */
	uint16_t qtype, qclass;
	uint16_t id;            /* of the query to the resolver */
	size_t server;          /* index into cfg->servers being asked */
	size_t tried;           /* servers asked so far */
	bool tcp;
	uint64_t started_ms, sent_ms, deadline_ms;
} fwd;

typedef struct stub {
	const stub_config *cfg;
	scache *cache;
	int epfd;
	uint64_t now_ms;
	FILE *trace, *qlog;
	fwd *pending;
	size_t current;         /* asked first: the server that answered last */
	unsigned next_rq;
	stub_stats stats;
	dns_msg msg;            /* parse buffer, for one message at a time */
	tcpserver tcp;
	ev_tag *udp_tags;
	size_t nudp;
} stub;

/* ---- stubtrace.c ---- */
/* One trace line: {"t":MS,"rq":N,"ev":"EV"[,FMT...]}. */
void stub_trace(stub *s, unsigned rq, const char *ev, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A name's presentation form escaped for a JSON string. */
const char *stub_json_name(const uint8_t *name, char *buf, size_t bufsz);

/* ---- listen.c ---- */
bool stub_clients_open(stub *s);
void stub_clients_close(stub *s);
void stub_clients_udp(stub *s, int fd);
/* Answer client c: the question, rcode, answer and authority records
 * (TTLs less `age` seconds) and, when it speaks EDNS, the EDNS options
 * given (opaque), over its transport; TC when they do not fit its UDP
 * size.  Releases a TCP client's hold. */
void stub_reply(stub *s, const client_ref *c, const uint8_t *qname, uint16_t qtype,
		uint16_t qclass, unsigned rcode, const dns_rr *answer, size_t nanswer,
		const dns_rr *authority, size_t nauthority, uint32_t age,
		const uint8_t *options, uint16_t options_len);

/* ---- forward.c ---- */
/* Forward q for client c; false (nothing sent) when out of resources. */
bool stub_forward_start(stub *s, const client_ref *c, const dns_question *q, unsigned rq);
void stub_forward_event(stub *s, fwd *f, uint32_t events);
/* Move on from queries past their deadline; milliseconds until the next
 * deadline, or -1 when nothing waits. */
int stub_forward_expire(stub *s);
void stub_forward_free_all(stub *s);

/* ---- stubctl.c ---- */
int stub_control_listen(const char *path);
void stub_control_accept(stub *s, int lfd);
int stub_control_client(const char *path, int argc, char **argv);

#endif
