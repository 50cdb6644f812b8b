/* Queries from stubs: checked, answered from cache when possible, else
 * attached to a resolution (joining one already under way for the same
 * question).  Popular entries close to expiry are refreshed (prefetch). */
#include "resolver/clients.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dns/stats_txt.h"
#include "dns/ede.h"
#include "io/log.h"
#include "io/sock.h"

#define PREFETCH_MIN_HITS 2

/* ---- access control and blocklist ------------------------------------ */

static bool allowed(const resolver *r, const struct sockaddr *sa)
{
	for (size_t i = 0; i < r->cfg->nallow; i++)
		if (net_prefix_match(&r->cfg->allow[i], sa))
			return true;
	return false;
}

static bool blocked(const resolver *r, const uint8_t *name)
{
	for (size_t i = 0; i < r->cfg->nblock; i++)
		if (dns_name_is_subdomain(name, r->cfg->block[i].data))
			return true;
	return false;
}

/* Seed 002's DNS blocking: NXDOMAIN, or the sinkhole address for A and
 * AAAA questions when one is configured. */
static unsigned blocked_answer(const resolver *r, const dns_question *q,
			       rrlist *answer)
{
	dns_rr rr = { q->name, q->qtype, DNS_C_IN, 60, 0, NULL };
	if (q->qtype == DNS_T_A && r->cfg->has_sinkhole4) {
		rr.rdlen = 4;
		rr.rdata = r->cfg->sinkhole4;
	} else if (q->qtype == DNS_T_AAAA && r->cfg->has_sinkhole6) {
		rr.rdlen = 16;
		rr.rdata = r->cfg->sinkhole6;
	} else {
		return DNS_R_NXDOMAIN;
	}
	(void)rrlist_add(answer, &rr);
	return DNS_R_NOERROR;
}

/* ---- sending ---------------------------------------------------------- */

/* Client datagrams move in batches, as dnsim-auth's do: a recvmmsg for
 * up to UDP_VEC queries, and the answers that are ready at once (from the
 * cache, refusals, the blocklist) in one sendmmsg. */
#define UDP_VEC 32
#define UDP_QUERY_MAX 4096      /* longer queries are dropped */
#define UDP_ANSWER_MAX 1232     /* the largest UDP answer we make */

struct udp_out {
	int fd;
	unsigned n;
	struct mmsghdr msg[UDP_VEC];
	struct iovec iov[UDP_VEC];
	struct sockaddr_storage to[UDP_VEC];
	uint8_t buf[UDP_VEC][UDP_ANSWER_MAX];
	/* The batch of queries read. */
	struct mmsghdr in[UDP_VEC];
	struct iovec iov_in[UDP_VEC];
	struct sockaddr_storage from[UDP_VEC];
	uint8_t query[UDP_VEC][UDP_QUERY_MAX];
};

static void udp_flush(struct udp_out *o)
{
	for (unsigned sent = 0; sent < o->n;) {
		int m = sendmmsg(o->fd, o->msg + sent, o->n - sent, 0);
		if (m <= 0)
			break;  /* a full socket buffer: the client asks again */
		sent += (unsigned)m;
	}
	o->n = 0;
}

void clients_send(resolver *r, const struct waiter *w, const uint8_t *msg,
		  size_t len)
{
	if (w->conn == NULL) {
		struct udp_out *o = r->udp_out;
		if (o == NULL || o->fd != w->udp_fd || len > UDP_ANSWER_MAX) {
			(void)sendto(w->udp_fd, msg, len, 0,
				     (const struct sockaddr *)&w->peer.ss, w->peer.len);
			return;
		}
		if (o->n == UDP_VEC)
			udp_flush(o);
		unsigned i = o->n++;
		memcpy(o->buf[i], msg, len);
		memcpy(&o->to[i], &w->peer.ss, w->peer.len);
		o->iov[i] = (struct iovec){ o->buf[i], len };
		o->msg[i].msg_hdr = (struct msghdr){ .msg_name = &o->to[i],
			.msg_namelen = w->peer.len, .msg_iov = &o->iov[i], .msg_iovlen = 1 };
		return;
	}
	/* A client gone meanwhile: the answer has nowhere to go. */
	(void)tcpserver_send(w->conn, msg, len, r->now_ms);
}

void clients_waiter_gone(struct waiter *w)
{
	if (w->conn)
		tcpserver_release(w->conn);
}

/* ---- one query ------------------------------------------------------------- */

static void log_query(resolver *r, const struct sockaddr *peer, bool tcp,
		      const dns_question *q, unsigned rcode, const char *how)
{
	if (r->qlog == NULL)
		return;
	char who[80], name[DNS_NAME_MAXTEXT], type[DNS_MNEMONIC_MAX],
		rc[DNS_MNEMONIC_MAX];
	net_addr_format(peer, who, sizeof who);
	if (q == NULL || dns_name_to_text(q->name, name, sizeof name, NULL))
		strcpy(name, "-");
	fprintf(r->qlog, "query: %s %s %s %s %s %s\n", who, tcp ? "tcp" : "udp",
		name, q ? dns_type_to_text(q->qtype, type) : "-",
		dns_rcode_to_text(rcode, rc), how);
}

static void stats_txt(resolver *r, rrlist *answer, const uint8_t *qname)
{
	rcache_stats cs = rcache_get_stats(r->cache);
	const res_stats *s = &r->stats;
	uint8_t rd[1024];
	dns_stats_writer w;
	dns_stats_writer_init(&w, rd, sizeof rd);
	const struct { const char *k; unsigned long long v; } items[] = {
		{ "queries", s->queries }, { "cache.hits", s->cache_hits },
		{ "cache.misses", s->cache_misses },
		{ "cache.entries", cs.entries }, { "cache.bytes", cs.bytes },
		{ "cache.evictions", cs.evictions },
		{ "upstream.queries", s->upstream }, { "upstream.timeouts", s->timeouts },
		{ "upstream.tcp_retries", s->tcp_retries },
		{ "servfail", s->servfail }, { "nxdomain", s->nxdomain },
		{ "refused", s->refused }, { "blocked", s->blocked },
		{ "aggregated", s->aggregated }, { "prefetches", s->prefetches },
		{ "dnssec.secure", s->secure }, { "dnssec.insecure", s->insecure },
		{ "dnssec.bogus", s->bogus },
	};
	/* The list ends at the first counter that does not fit. */
	for (size_t i = 0; i < sizeof items / sizeof items[0]; i++)
		if (dns_stats_put(&w, items[i].k, items[i].v) != DNS_OK)
			break;
	dns_rr rr = { qname, DNS_T_TXT, DNS_C_CH, 0, (uint16_t)w.len, rd };
	/* The RDATA is on this stack frame: the list must own a copy. */
	answer->borrow = false;
	(void)rrlist_add(answer, &rr);
}

static void maybe_prefetch(resolver *r, const dns_question *q)
{
	if (!r->cfg->prefetch)
		return;
	uint64_t now = r->now_ms;
	const rcache_entry *e = rcache_peek(r->cache, q->name, q->qtype, q->qclass, now);
	if (e == NULL || e->kind != RCACHE_RRSET || e->hits < PREFETCH_MIN_HITS)
		return;
	/* In the last tenth of its life, a popular entry is fetched anew
	 * so the next clients never wait for it (seed 003). */
	if (rcache_ttl_left(e, now) * 10 > e->orig_ttl || e->orig_ttl < 10)
		return;
	bool joined;
	request *rq = res_request(r, q->name, q->qtype, q->qclass, NULL, &joined);
	if (rq && !joined) {
		rq->prefetch = true;
		r->stats.prefetches++;
		trace_event(r, rq, "prefetch", NULL);
		res_wake(r, rq);
	}
}

/* The subnet a client's question is resolved for, when ECS is on (RFC
 * 7871 7.1.2): the one in the client's own option (a forwarder's, or a
 * stub's asking for privacy with /0), else the client's address; either
 * cut to the configured length at most.  Returns -1 for a malformed
 * option (FORMERR), 0 when the answer is to be one for everyone (ECS
 * off, /0, a length of 0 configured), 1 with *subnet set. */
static int client_subnet(const resolver *r, const dns_msg *m, const net_addr *peer,
			 struct waiter *w, dns_ecs *subnet)
{
	if (!r->cfg->ecs || r->ecache == NULL)
		return 0;
	if (m->edns.present) {
		int got = dns_ecs_find(m->edns.options, m->edns.options_len, &w->ecs);
		if (got < 0)
			return -1;
		w->ecs_opt = got > 0;
	}
	if (w->ecs_opt) {
		*subnet = w->ecs;
	} else if (peer->ss.ss_family == AF_INET) {
		const struct sockaddr_in *v4 = (const struct sockaddr_in *)&peer->ss;
		(void)dns_ecs_make(subnet, DNS_ECS_FAMILY_IPV4, (const uint8_t *)&v4->sin_addr, 32);
	} else if (peer->ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)&peer->ss;
		const uint8_t *a = v6->sin6_addr.s6_addr;
		if (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr))
			(void)dns_ecs_make(subnet, DNS_ECS_FAMILY_IPV4, a + 12, 32);
		else
			(void)dns_ecs_make(subnet, DNS_ECS_FAMILY_IPV6, a, 128);
	} else {
		return 0;
	}
	subnet->scope = 0;
	dns_ecs_limit(subnet, subnet->family == DNS_ECS_FAMILY_IPV4 ? r->cfg->ecs_v4
								    : r->cfg->ecs_v6);
	return subnet->source > 0 ? 1 : 0;
}

/* Handle one query; `conn` is NULL for UDP.  Responds now or later. */
static void handle_query(resolver *r, const uint8_t *wire, size_t len,
			 int udp_fd, const net_addr *peer, tcpserver_conn *conn)
{
	uint8_t out[65535];
	dns_msg *m = &r->client_msg;
	bool tcp = conn != NULL;
	const struct sockaddr *sa = (const struct sockaddr *)&peer->ss;
	struct waiter w = { .udp_fd = udp_fd, .peer = *peer, .conn = conn };
	rrlist answer, authority;
	rrlist_init(&answer);
	rrlist_init(&authority);
	/* An answer from the cache goes out before the cache can change:
	 * point at its records rather than copy them. */
	answer.borrow = authority.borrow = true;

	dns_header h;
	uint16_t counts[4];
	if (dns_header_parse(&h, counts, wire, len) != DNS_OK || (h.flags & DNS_F_QR))
		goto out;               /* junk, or a response: silence */
	r->stats.queries++;
	w.id = h.id;
	w.flags = h.flags & (DNS_F_RD | DNS_F_CD);
	w.ad = (h.flags & DNS_F_AD) != 0;
	dns_err perr = dns_msg_parse(m, wire, len);
	const dns_question *q = perr == DNS_OK && m->qdcount == 1 ? &m->question[0] : NULL;
	if (perr == DNS_OK) {
		w.edns = m->edns.present;
		w.do_bit = m->edns.do_bit;
		w.udp_size = m->edns.udp_size;
	}
	dns_ecs subnet;
	int ecs = perr == DNS_OK ? client_subnet(r, m, peer, &w, &subnet) : 0;
	uint8_t scope = 0;
	unsigned rcode;
	unsigned ede = RES_NO_EDE;       /* why, when the answer is a refusal */
	const char *ede_text = NULL;
	unsigned security = RSEC_UNCHECKED, why = RES_NO_EDE;
	const char *how = "cache";
	if (q == NULL)
		rcode = DNS_R_FORMERR;
	else if (h.opcode != DNS_OP_QUERY)
		rcode = DNS_R_NOTIMP;
	else if (w.edns && m->edns.version != 0)
		rcode = DNS_R_BADVERS;
	else if (ecs < 0)
		rcode = DNS_R_FORMERR;          /* RFC 7871 7.1.2: a broken option */
	else if (!allowed(r, sa)) {
		/* Not an open resolver: seed 003's amplification lesson. */
		rcode = DNS_R_REFUSED;
		r->stats.refused++;
		how = "refused";
		ede = DNS_EDE_PROHIBITED;
		ede_text = "not a client of this resolver";
	} else if (q->qclass == DNS_C_CH && q->qtype == DNS_T_TXT) {
		stats_txt(r, &answer, q->name);
		rcode = DNS_R_NOERROR;
		how = "chaos";
	} else if (q->qclass != DNS_C_IN || q->qtype == DNS_T_AXFR ||
		   q->qtype == DNS_T_IXFR || dns_type_is_meta(q->qtype)) {
		rcode = DNS_R_REFUSED;
		how = "refused";
		ede = DNS_EDE_NOT_SUPPORTED;
	} else if (blocked(r, q->name)) {
		r->stats.blocked++;
		rcode = blocked_answer(r, q, &answer);
		how = "blocked";
		ede = DNS_EDE_BLOCKED;
		ede_text = "on this resolver's blocklist";
	} else if (res_answer_from_cache(r, q->name, q->qtype, q->qclass,
					 ecs > 0 ? &subnet : NULL, &answer, &authority, &rcode,
					 &security, &why, &scope)) {
		r->stats.cache_hits++;
		if (security == RSEC_BOGUS) {
			/* Told again for as long as the bogus data is kept. */
			ede = why != RES_NO_EDE ? why : DNS_EDE_DNSSEC_BOGUS;
			ede_text = "cached: it failed DNSSEC validation";
		}
		trace_event(r, NULL, "client_cache_hit", "\"id\":%u", h.id);
		maybe_prefetch(r, q);
	} else {
		r->stats.cache_misses++;
		bool joined;
		request *rq = res_request_subnet(r, q->name, q->qtype, q->qclass,
						 ecs > 0 ? &subnet : NULL, &joined);
		struct waiter *wp = rq ? malloc(sizeof *wp) : NULL;
		if (wp == NULL) {
			rcode = DNS_R_SERVFAIL;
		} else {
			*wp = w;
			wp->next = rq->waiters;
			rq->waiters = wp;
			if (conn)
				tcpserver_hold(conn);
			if (!joined)
				res_wake(r, rq);
			log_query(r, sa, tcp, q, DNS_R_NOERROR, joined ? "joined" : "resolving");
			goto out;
		}
	}
	if (rcode == DNS_R_NXDOMAIN)
		r->stats.nxdomain++;
	log_query(r, sa, tcp, q, rcode, how);
	size_t n = res_build_response(&w, q ? q->name : dns_name_root,
				      q ? q->qtype : 0, q ? q->qclass : DNS_C_IN,
				      rcode, &answer, &authority, tcp, r->rotate++, ede, ede_text,
				      security, scope, out, sizeof out);
	if (q == NULL && n >= DNS_HEADER_LEN) {
		/* No question to echo: a bare header. */
		n = DNS_HEADER_LEN;
		memset(out + 4, 0, 8);
	}
	if (n)
		clients_send(r, &w, out, n);
out:
	/* A cache walk that stopped half-way (a CNAME whose target is not
	 * cached) leaves records here too. */
	rrlist_free(&answer);
	rrlist_free(&authority);
}

/* ---- sockets ------------------------------------------------------------------- */

/* One whole message from a TCP client. */
static bool tcp_query(void *ctx, tcpserver_conn *conn, const uint8_t *msg,
		      size_t len, uint64_t now_ms)
{
	resolver *r = ctx;
	r->now_ms = now_ms;
	handle_query(r, msg, len, -1, &conn->peer, conn);
	return true;
}

bool clients_open(resolver *r, clients *c)
{
	r->udp_out = calloc(1, sizeof *r->udp_out);
	if (r->udp_out)
		r->udp_out->fd = -1;
	const res_config *cfg = r->cfg;
	tcpserver_limits lim = tcpserver_limits_from(cfg->tcp.max_conns, cfg->tcp.idle_s,
						     cfg->tcp.message_s, cfg->tcp.output_max);
	tcpserver_init(&c->tcp, r->epfd, &lim, tcp_query, r);
	c->tags = calloc(cfg->nlisten, sizeof *c->tags);
	if (c->tags == NULL)
		return false;
	for (size_t i = 0; i < cfg->nlisten; i++)
		for (int t = 0; t < 2; t++) {
			int fd = sock_listen(&cfg->listen[i], t ? SOCK_STREAM : SOCK_DGRAM);
			if (fd < 0) {
				char where[80];
				net_addr_format((const struct sockaddr *)&cfg->listen[i].ss,
						where, sizeof where);
				log_msg("cannot listen on %s (%s): %s", where,
					t ? "TCP" : "UDP", strerror(errno));
				return false;
			}
			if (t) {
				if (!tcpserver_listen(&c->tcp, fd))
					return false;
				continue;
			}
			ev_tag *tag = &c->tags[c->ntags++];
			*tag = (ev_tag){ EV_CLIENT_UDP, fd };
			struct epoll_event ev = { .events = EPOLLIN, .data.ptr = tag };
			if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
				return false;
		}
	return true;
}

void clients_close(resolver *r, clients *c)
{
	free(r->udp_out);
	r->udp_out = NULL;
	tcpserver_close_all(&c->tcp);
	for (size_t i = 0; i < c->ntags; i++)
		close(c->tags[i].fd);
	free(c->tags);
	c->tags = NULL;
	c->ntags = 0;
}

void clients_udp(resolver *r, int fd)
{
	struct udp_out *o = r->udp_out;
	if (o == NULL) {
		/* No batch (out of memory at start): one at a time. */
		uint8_t buf[UDP_QUERY_MAX];
		for (int i = 0; i < 64; i++) {
			net_addr peer;
			peer.len = sizeof peer.ss;
			ssize_t n = recvfrom(fd, buf, sizeof buf, 0,
					     (struct sockaddr *)&peer.ss, &peer.len);
			if (n < 0)
				return;
			handle_query(r, buf, (size_t)n, fd, &peer, NULL);
		}
		return;
	}
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < UDP_VEC; i++) {
			o->iov_in[i] = (struct iovec){ o->query[i], UDP_QUERY_MAX };
			o->in[i].msg_hdr = (struct msghdr){ .msg_name = &o->from[i],
				.msg_namelen = sizeof o->from[i], .msg_iov = &o->iov_in[i],
				.msg_iovlen = 1 };
		}
		int n = recvmmsg(fd, o->in, UDP_VEC, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		o->fd = fd;
		for (int i = 0; i < n; i++) {
			/* A query longer than any sane one: cut, so dropped. */
			if (o->in[i].msg_hdr.msg_flags & MSG_TRUNC)
				continue;
			net_addr peer;
			peer.len = o->in[i].msg_hdr.msg_namelen;
			memcpy(&peer.ss, &o->from[i], peer.len);
			handle_query(r, o->query[i], o->in[i].msg_len, fd, &peer, NULL);
		}
		udp_flush(o);
		o->fd = -1;
		if (n < UDP_VEC)
			return;
	}
}

int clients_expire(resolver *r, clients *c)
{
	return tcpserver_expire(&c->tcp, r->now_ms);
}
