/* Queries to authoritative servers.  Every query gets its own socket on
 * a random port and a random ID (RFC 5452), and a response counts only
 * when it comes from the server's address and port, carries the ID, and
 * asks the same question; anything else is dropped unread. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "resolver/resolver.h"
#include "resolver/upstream.h"

#define PORT_TRIES 16

static upstream_transport_fn transport;
static void *transport_ctx;

void upstream_set_transport(upstream_transport_fn fn, void *ctx)
{
	transport = fn;
	transport_ctx = ctx;
}

/* glibc's arc4random: a ChaCha20 generator seeded from the kernel, so
 * unpredictable without a system call per query. */
static void random_bytes(void *buf, size_t n)
{
	arc4random_buf(buf, n);
}

static void list_add(resolver *r, struct upq *q)
{
	q->prev = NULL;
	q->next = r->upstream;
	if (r->upstream)
		r->upstream->prev = q;
	r->upstream = q;
}

static void list_del(resolver *r, struct upq *q)
{
	if (q->prev)
		q->prev->next = q->next;
	else
		r->upstream = q->next;
	if (q->next)
		q->next->prev = q->prev;
	q->next = q->prev = NULL;
}

static void release(resolver *r, struct upq *q)
{
	list_del(r, q);
	if (q->io.fd >= 0)
		(void)epoll_ctl(r->epfd, EPOLL_CTL_DEL, q->io.fd, NULL);
	tcpconn_close(&q->io);
	free(q);
}

void upstream_cancel(resolver *r, struct upq *q)
{
	if (q->rq && q->rq->inflight == q)
		q->rq->inflight = NULL;
	release(r, q);
}

void upstream_free_all(resolver *r)
{
	while (r->upstream)
		upstream_cancel(r, r->upstream);
}

/* A UDP socket on a random unprivileged port, connected to the server so
 * the kernel itself drops datagrams from anywhere else. */
static int udp_socket(const net_addr *server)
{
	int fd = socket(server->ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	for (int i = 0; i < PORT_TRIES; i++) {
		uint16_t port;
		random_bytes(&port, sizeof port);
		port = (uint16_t)(1024 + port % (65536 - 1024));
		struct sockaddr_storage local;
		memset(&local, 0, sizeof local);
		socklen_t len;
		if (server->ss.ss_family == AF_INET) {
			struct sockaddr_in *v4 = (struct sockaddr_in *)&local;
			v4->sin_family = AF_INET;
			v4->sin_port = htons(port);
			len = sizeof *v4;
		} else {
			struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&local;
			v6->sin6_family = AF_INET6;
			v6->sin6_port = htons(port);
			len = sizeof *v6;
		}
		if (bind(fd, (struct sockaddr *)&local, len) == 0) {
			if (connect(fd, (const struct sockaddr *)&server->ss, server->len) == 0)
				return fd;
			break;
		}
		if (errno != EADDRINUSE)
			break;
	}
	close(fd);
	return -1;
}

static int tcp_socket(const net_addr *server)
{
	int fd = socket(server->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)&server->ss, server->len) < 0 &&
	    errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

static size_t build_query(const struct upq *q, uint8_t *buf, size_t cap)
{
	dns_builder b;
	/* RD clear: we ask authoritative servers, not another resolver. */
	dns_header h = { .id = q->id };
	if (dns_build_init(&b, buf, cap, &h) != DNS_OK)
		return 0;
	/* The client's subnet, cut (RFC 7871), when this server may see it. */
	uint8_t opt[32];
	size_t optlen = q->ecs ? dns_ecs_encode(&q->ecs_sent, opt, sizeof opt) : 0;
	if (q->ecs && optlen == 0)
		return 0;
	if (q->edns && dns_build_reserve(&b, dns_edns_wire_size(optlen)) != DNS_OK)
		return 0;
	if (dns_build_question(&b, q->qname.data, q->qtype, DNS_C_IN) != DNS_OK)
		return 0;
	if (q->edns) {
		/* DO when validating: the signatures and proofs come too. */
		dns_edns e = { .present = true, .udp_size = DNS_EDNS_DEFAULT,
			       .do_bit = q->dnssec, .options = opt,
			       .options_len = (uint16_t)optlen };
		if (dns_build_edns(&b, &e) != DNS_OK)
			return 0;
	}
	return dns_build_finish(&b);
}

bool upstream_send(resolver *r, request *rq, const net_addr *server,
		   const uint8_t *qname, uint16_t qtype, bool edns, bool tcp,
		   const dns_ecs *ecs)
{
	struct upq *q = calloc(1, sizeof *q);
	if (q == NULL)
		return false;
	q->rq = rq;
	q->server = *server;
	dns_name_copy(&q->qname, qname);
	q->qtype = qtype;
	q->edns = edns;
	q->dnssec = edns && r->val.active;
	q->ecs = edns && ecs != NULL;
	if (q->ecs)
		q->ecs_sent = *ecs;
	q->tcp = tcp;
	random_bytes(&q->id, sizeof q->id);
	int fd = -1;
	if (transport == NULL) {
		fd = tcp ? tcp_socket(server) : udp_socket(server);
		if (fd < 0) {
			free(q);
			return false;
		}
	}
	tcpconn_init(&q->io, fd);
	uint8_t buf[512];
	size_t len = build_query(q, buf, sizeof buf);
	bool ok = len > 0;
	if (ok && transport)
		ok = transport(transport_ctx, q, buf, len);
	else if (ok && tcp)
		ok = tcpconn_queue(&q->io, buf, len);
	else if (ok)
		ok = send(fd, buf, len, 0) == (ssize_t)len;
	q->tag = (struct ev_tag){ EV_UPSTREAM, fd };
	struct epoll_event ev = { .events = EPOLLIN | (tcp ? EPOLLOUT : 0),
				  .data.ptr = &q->tag };
	if (ok && fd >= 0)
		ok = epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &ev) == 0;
	if (!ok) {
		tcpconn_close(&q->io);
		free(q);
		return false;
	}
	infra_host *h = infra_get(&r->infra, (const struct sockaddr *)&server->ss,
				  r->now_ms);
	q->sent_ms = r->now_ms;
	q->deadline_ms = r->now_ms + (h ? infra_rto(h) : 800) * (tcp ? 2 : 1);
	list_add(r, q);
	rq->inflight = q;

	char nb[DNS_NAME_MAXTEXT], tb[DNS_MNEMONIC_MAX], ab[80], zb[DNS_NAME_MAXTEXT];
	char eb[80] = "";
	net_addr_format((const struct sockaddr *)&server->ss, ab, sizeof ab);
	if (q->ecs) {
		char net[64];
		dns_ecs_format(&q->ecs_sent, net, sizeof net);
		snprintf(eb, sizeof eb, ",\"ecs\":\"%s\"", net);
	}
	trace_event(r, rq, "query",
		    "\"server\":\"%s\",\"zone\":\"%s\",\"qname\":\"%s\",\"qtype\":\"%s\","
		    "\"transport\":\"%s\",\"edns\":%s%s",
		    ab, trace_name(rq->zone.data, zb, sizeof zb),
		    trace_name(qname, nb, sizeof nb), dns_type_to_text(qtype, tb),
		    tcp ? "tcp" : "udp", edns ? "true" : "false", eb);
	return true;
}

/* Does this response answer this query?  With ECS sent, an option in
 * the response must be for the same subnet (RFC 7871 7.3: else the
 * response is dropped). */
static bool matches(const struct upq *q, const dns_msg *m)
{
	if (!((m->hdr.flags & DNS_F_QR) && m->hdr.id == q->id &&
	      m->qdcount == 1 && m->question[0].qtype == q->qtype &&
	      m->question[0].qclass == DNS_C_IN &&
	      dns_name_equal(m->question[0].name, q->qname.data)))
		return false;
	if (!q->ecs || !m->edns.present)
		return true;
	dns_ecs back;
	int got = dns_ecs_find(m->edns.options, m->edns.options_len, &back);
	return got == 0 || (got > 0 && dns_ecs_same_subnet(&q->ecs_sent, &back));
}

void upstream_deliver(resolver *r, struct upq *q, const uint8_t *buf, size_t len)
{
	dns_msg *m = &r->upstream_msg;
	if (dns_msg_parse(m, buf, len) != DNS_OK || !matches(q, m)) {
		/* Forged, misdirected or broken: ignore it and keep waiting
		 * for the real answer until the timeout. */
		trace_event(r, q->rq, "ignored", "\"bytes\":%zu", len);
		return;
	}
	request *rq = q->rq;
	infra_host *h = infra_get(&r->infra, (struct sockaddr *)&q->server.ss,
				  r->now_ms);
	if (h)
		infra_rtt(h, (uint32_t)(r->now_ms - q->sent_ms));
	list_del(r, q);
	if (q->io.fd >= 0)
		(void)epoll_ctl(r->epfd, EPOLL_CTL_DEL, q->io.fd, NULL);
	/* The response is parsed; the query record lives until the
	 * iterator has read what it needs from it. */
	res_on_response(r, rq, q, m);
	tcpconn_close(&q->io);
	free(q);
}

static bool same_endpoint(const net_addr *a, const net_addr *b)
{
	if (a->ss.ss_family != b->ss.ss_family)
		return false;
	if (a->ss.ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)&a->ss, *y = (const void *)&b->ss;
		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	const struct sockaddr_in6 *x = (const void *)&a->ss, *y = (const void *)&b->ss;
	return x->sin6_port == y->sin6_port &&
	       memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0;
}

void upstream_receive(resolver *r, struct upq *q, const net_addr *from,
		      const uint8_t *buf, size_t len)
{
	if (!same_endpoint(from, &q->server)) {
		char ab[80];
		net_addr_format((const struct sockaddr *)&from->ss, ab, sizeof ab);
		trace_event(r, q->rq, "ignored", "\"bytes\":%zu,\"from\":\"%s\"", len, ab);
		return;
	}
	upstream_deliver(r, q, buf, len);
}

/* The server cannot be reached (port unreachable, connection refused or
 * reset): no point waiting for the timeout, try the next one now. */
static void fail_now(resolver *r, struct upq *q, bool unreachable)
{
	request *rq = q->rq;
	list_del(r, q);
	if (q->io.fd >= 0)
		(void)epoll_ctl(r->epfd, EPOLL_CTL_DEL, q->io.fd, NULL);
	res_on_timeout(r, rq, q, unreachable);
	tcpconn_close(&q->io);
	free(q);
}

void upstream_event(resolver *r, struct upq *q, uint32_t events)
{
	if (!q->tcp) {
		uint8_t buf[65535];
		net_addr from;
		from.len = sizeof from.ss;
		ssize_t n = recvfrom(q->io.fd, buf, sizeof buf, 0,
				     (struct sockaddr *)&from.ss, &from.len);
		if (n < 0) {
			if (errno == ECONNREFUSED)
				fail_now(r, q, true);
			return;
		}
		upstream_receive(r, q, &from, buf, (size_t)n);
		return;
	}
	if (events & (EPOLLERR | EPOLLHUP) && !(events & EPOLLIN)) {
		fail_now(r, q, true);
		return;
	}
	if (events & EPOLLOUT) {
		if (!tcpconn_flush(&q->io)) {
			fail_now(r, q, true);
			return;
		}
		if (tcpconn_pending(&q->io) == 0) {
			struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &q->tag };
			(void)epoll_ctl(r->epfd, EPOLL_CTL_MOD, q->io.fd, &ev);
		}
	}
	if (events & EPOLLIN) {
		if (!tcpconn_read(&q->io)) {
			fail_now(r, q, true);
			return;
		}
		size_t len;
		const uint8_t *msg = tcpconn_next(&q->io, &len);
		if (msg) {
			uint8_t copy[65535];
			memcpy(copy, msg, len);
			upstream_deliver(r, q, copy, len);
		}
	}
}

int upstream_expire(resolver *r)
{
	int next = -1;
	struct upq *q = r->upstream;
	while (q) {
		struct upq *after = q->next;
		if (r->now_ms >= q->deadline_ms) {
			fail_now(r, q, false);
			/* The iterator may have sent new queries: start over
			 * from the head to keep `after` honest. */
			after = r->upstream;
			next = -1;
			q = after;
			continue;
		}
		int left = (int)(q->deadline_ms - r->now_ms);
		if (next < 0 || left < next)
			next = left;
		q = after;
	}
	return next;
}
