/* Forwarding to the host's resolvers.  Each query gets its own socket
 * (a fresh port) and a random ID, and only an answer from the server
 * asked, with that ID and the same question, counts.  The server asked
 * first is the one that answered last (as systemd-resolved keeps a
 * "current DNS server"); a timeout, a closed port or a SERVFAIL moves
 * on to the next; after STUB_ROUNDS rounds over the list the client gets
 * SERVFAIL. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "stub/stub.h"

static void list_add(stub *s, fwd *f)
{
	f->prev = NULL;
	f->next = s->pending;
	if (s->pending)
		s->pending->prev = f;
	s->pending = f;
}

static void list_del(stub *s, fwd *f)
{
	if (f->prev)
		f->prev->next = f->next;
	else
		s->pending = f->next;
	if (f->next)
		f->next->prev = f->prev;
}

static void close_socket(stub *s, fwd *f)
{
	if (f->io.fd >= 0)
		(void)epoll_ctl(s->epfd, EPOLL_CTL_DEL, f->io.fd, NULL);
	tcpconn_close(&f->io);
	tcpconn_init(&f->io, -1);
}

static void release(stub *s, fwd *f)
{
	list_del(s, f);
	close_socket(s, f);
	free(f);
}

void stub_forward_free_all(stub *s)
{
	while (s->pending) {
		fwd *f = s->pending;
		if (f->client.conn)
			tcpserver_release(f->client.conn);
		release(s, f);
	}
}

static const char *server_text(const stub *s, size_t i, char *buf, size_t n)
{
	net_addr_format((const struct sockaddr *)&s->cfg->servers[i].ss, buf, n);
	return buf;
}

static size_t build_query(const fwd *f, uint8_t *buf, size_t cap)
{
	dns_builder b;
	/* RD set: a resolver is asked to do the work. */
	dns_header h = { .id = f->id, .flags = DNS_F_RD | (f->client.flags & DNS_F_CD) };
	dns_edns e = { .present = true, .udp_size = DNS_EDNS_DEFAULT,
		       .do_bit = f->client.dnssec_ok };
	if (f->client.ad)
		h.flags |= DNS_F_AD;
	if (dns_build_init(&b, buf, cap, &h) != DNS_OK ||
	    dns_build_reserve(&b, dns_edns_wire_size(0)) != DNS_OK ||
	    dns_build_question(&b, f->qname.data, f->qtype, f->qclass) != DNS_OK ||
	    dns_build_edns(&b, &e) != DNS_OK)
		return 0;
	return dns_build_finish(&b);
}

/* A socket to the server, connected, non-blocking; -1 with errno. */
static int open_socket(const net_addr *server, bool tcp)
{
	int fd = socket(server->ss.ss_family, (tcp ? SOCK_STREAM : SOCK_DGRAM) |
			SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	/* UDP: the kernel then drops datagrams from anyone else, and a
	 * closed port comes back as ECONNREFUSED at once. */
	if (connect(fd, (const struct sockaddr *)&server->ss, server->len) < 0 &&
	    errno != EINPROGRESS) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static void finish(stub *s, fwd *f, unsigned rcode, size_t answers)
{
	char rb[DNS_MNEMONIC_MAX];
	stub_trace(s, f->rq, "done", "\"rcode\":\"%s\",\"answers\":%zu,\"ms\":%llu",
		   dns_rcode_to_text(rcode, rb), answers,
		   (unsigned long long)(s->now_ms - f->started_ms));
	release(s, f);
}

static void give_up(stub *s, fwd *f)
{
	s->stats.servfail++;
	stub_reply(s, &f->client, f->qname.data, f->qtype, f->qclass, DNS_R_SERVFAIL, NULL, 0,
		   NULL, 0, 0, NULL, 0);
	finish(s, f, DNS_R_SERVFAIL, 0);
}

static void next_server(stub *s, fwd *f);

/* Ask f->server (over TCP when tcp); on a failure to send, the next. */
static void send_query(stub *s, fwd *f, bool tcp)
{
	char ab[80];
	close_socket(s, f);
	f->tcp = tcp;
	arc4random_buf(&f->id, sizeof f->id);
	const net_addr *server = &s->cfg->servers[f->server];
	uint8_t buf[512];
	size_t len = build_query(f, buf, sizeof buf);
	int fd = len ? open_socket(server, tcp) : -1;
	bool ok = fd >= 0;
	if (ok) {
		tcpconn_init(&f->io, fd);
		ok = tcp ? tcpconn_queue(&f->io, buf, len) : send(fd, buf, len, 0) == (ssize_t)len;
	}
	f->tag = (ev_tag){ EV_FORWARD, fd };
	struct epoll_event ev = { .events = EPOLLIN | (tcp ? EPOLLOUT : 0), .data.ptr = &f->tag };
	ok = ok && epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) == 0;
	s->stats.upstream++;
	f->sent_ms = s->now_ms;
	f->deadline_ms = s->now_ms + (uint64_t)s->cfg->timeout_s * 1000;
	stub_trace(s, f->rq, "forward", "\"server\":\"%s\",\"id\":%u,\"transport\":\"%s\"",
		   server_text(s, f->server, ab, sizeof ab), f->id, tcp ? "tcp" : "udp");
	if (!ok) {
		if (fd >= 0 && f->io.fd < 0)
			close(fd);
		s->stats.unreachable++;
		stub_trace(s, f->rq, "unreachable", "\"server\":\"%s\",\"why\":\"%s\"", ab,
			   strerror(errno));
		next_server(s, f);
	}
}

static void next_server(stub *s, fwd *f)
{
	close_socket(s, f);
	/* Round after round over the list: a resolver still busy with a slow
	 * resolution is asked again (it joins the question to the one in
	 * flight) rather than given up on after one try. */
	if (++f->tried >= s->cfg->nservers * STUB_ROUNDS) {
		give_up(s, f);
		return;
	}
	f->server = (f->server + 1) % s->cfg->nservers;
	s->stats.failovers++;
	send_query(s, f, false);
}

bool stub_forward_start(stub *s, const client_ref *c, const dns_question *q, unsigned rq)
{
	if (s->cfg->nservers == 0)
		return false;
	fwd *f = calloc(1, sizeof *f);
	if (f == NULL)
		return false;
	tcpconn_init(&f->io, -1);
	f->client = *c;
	f->rq = rq;
	dns_name_copy(&f->qname, q->name);
	f->qtype = q->qtype;
	f->qclass = q->qclass;
	f->server = s->current < s->cfg->nservers ? s->current : 0;
	f->started_ms = s->now_ms;
	list_add(s, f);
	send_query(s, f, false);
	return true;
}

static bool same_question(const fwd *f, const dns_msg *m)
{
	return m->qdcount == 1 && m->question[0].qtype == f->qtype &&
	       m->question[0].qclass == f->qclass &&
	       dns_name_equal(m->question[0].name, f->qname.data);
}

/* A response from the server asked: cache it and answer, or move on.
 * false when it is no answer to f (f waits on as before); true when f
 * was answered (and is gone) or moved to another query. */
static bool response(stub *s, fwd *f, const uint8_t *wire, size_t len)
{
	dns_msg *m = &s->msg;
	if (dns_msg_parse(m, wire, len) != DNS_OK || !(m->hdr.flags & DNS_F_QR) ||
	    m->hdr.id != f->id || !same_question(f, m))
		return false;           /* not the answer to this query */
	char ab[80], rb[DNS_MNEMONIC_MAX];
	unsigned rcode = dns_msg_rcode(m);
	bool truncated = (m->hdr.flags & DNS_F_TC) != 0;
	stub_trace(s, f->rq, "response", "\"server\":\"%s\",\"rcode\":\"%s\",\"answers\":%zu,"
		   "\"truncated\":%s,\"ms\":%llu", server_text(s, f->server, ab, sizeof ab),
		   dns_rcode_to_text(rcode, rb), m->count[0], truncated ? "true" : "false",
		   (unsigned long long)(s->now_ms - f->sent_ms));
	if (truncated && !f->tcp) {
		s->stats.tcp_retries++;
		send_query(s, f, true);
		return true;
	}
	bool failed = rcode == DNS_R_SERVFAIL || rcode == DNS_R_REFUSED ||
		      rcode == DNS_R_NOTIMP || rcode == DNS_R_FORMERR;
	if (failed && f->tried + 1 < s->cfg->nservers) {
		next_server(s, f);
		return true;
	}
	/* This one works: ask it first from now on. */
	s->current = f->server;
	uint32_t ttl = 0;
	const char *why = "";
	if (f->client.dnssec_ok || (f->client.flags & DNS_F_CD)) {
		/* Passed through, not kept (as systemd-resolved's stub does with
		 * DO or CD): the answer carries DNSSEC records or unchecked data
		 * that plain lookups must not be given. */
		stub_trace(s, f->rq, "not_cached", "\"why\":\"DNSSEC query (DO or CD) passed "
			   "through\"");
	} else if (scache_put(s->cache, m, s->now_ms, &ttl, &why)) {
		bool negative = m->count[0] == 0 || rcode == DNS_R_NXDOMAIN;
		stub_trace(s, f->rq, "cached", "\"ttl\":%u,\"negative\":%s", ttl,
			   negative ? "true" : "false");
	} else {
		stub_trace(s, f->rq, "not_cached", "\"why\":\"%s\"", why);
	}
	if (rcode == DNS_R_SERVFAIL)
		s->stats.servfail++;
	if (rcode == DNS_R_NXDOMAIN)
		s->stats.nxdomain++;
	size_t answers = m->count[0];
	/* The resolver's verdict (AD) goes on to a client that asked for it. */
	if ((f->client.dnssec_ok || f->client.ad) && (m->hdr.flags & DNS_F_AD))
		f->client.flags |= DNS_F_AD;
	/* The resolver's EDNS options go on to the client: its Extended DNS
	 * Errors (RFC 8914) say why a lookup failed. */
	stub_reply(s, &f->client, f->qname.data, f->qtype, f->qclass, rcode, m->rr[0],
		   m->count[0], m->rr[1], m->count[1], 0,
		   m->edns.present ? m->edns.options : NULL,
		   m->edns.present ? m->edns.options_len : 0);
	finish(s, f, rcode, answers);
	return true;
}

static void unreachable(stub *s, fwd *f, int err)
{
	char ab[80];
	s->stats.unreachable++;
	stub_trace(s, f->rq, "unreachable", "\"server\":\"%s\",\"why\":\"%s\"",
		   server_text(s, f->server, ab, sizeof ab), strerror(err));
	next_server(s, f);
}

void stub_forward_event(stub *s, fwd *f, uint32_t events)
{
	if (!f->tcp) {
		uint8_t buf[65535];
		for (int i = 0; i < 16; i++) {
			ssize_t n = recv(f->io.fd, buf, sizeof buf, 0);
			if (n < 0) {
				if (errno == ECONNREFUSED || errno == EHOSTUNREACH ||
				    errno == ENETUNREACH)
					unreachable(s, f, errno);
				return;
			}
			if (response(s, f, buf, (size_t)n))
				return;
		}
		return;
	}
	if (events & (EPOLLERR | EPOLLHUP)) {
		int err = 0;
		socklen_t len = sizeof err;
		if (getsockopt(f->io.fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err) {
			unreachable(s, f, err);
			return;
		}
	}
	if ((events & EPOLLOUT) && tcpconn_pending(&f->io) > 0) {
		if (!tcpconn_flush(&f->io)) {
			unreachable(s, f, errno ? errno : ECONNRESET);
			return;
		}
		if (tcpconn_pending(&f->io) == 0) {
			struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &f->tag };
			(void)epoll_ctl(s->epfd, EPOLL_CTL_MOD, f->io.fd, &ev);
		}
	}
	if (!(events & (EPOLLIN | EPOLLHUP)))
		return;
	bool open = tcpconn_read(&f->io);
	size_t len;
	const uint8_t *msg;
	while ((msg = tcpconn_next(&f->io, &len)) != NULL) {
		if (len == 0) {
			tcpconn_consume(&f->io);
			continue;
		}
		/* A copy: answering frees the connection and its buffer. */
		uint8_t *copy = malloc(len);
		if (copy == NULL)
			return;
		memcpy(copy, msg, len);
		tcpconn_consume(&f->io);
		bool done = response(s, f, copy, len);
		free(copy);
		if (done)
			return;
	}
	if (!open)
		unreachable(s, f, ECONNRESET);
}

int stub_forward_expire(stub *s)
{
	for (;;) {
		int wait = -1;
		fwd *late = NULL;
		for (fwd *f = s->pending; f && late == NULL; f = f->next) {
			if (s->now_ms >= f->deadline_ms) {
				late = f;
				break;
			}
			int left = (int)(f->deadline_ms - s->now_ms);
			if (wait < 0 || left < wait)
				wait = left;
		}
		if (late == NULL)
			return wait;
		char ab[80];
		s->stats.timeouts++;
		stub_trace(s, late->rq, "timeout", "\"server\":\"%s\",\"ms\":%llu",
			   server_text(s, late->server, ab, sizeof ab),
			   (unsigned long long)(s->now_ms - late->sent_ms));
		/* It moves on (a new deadline) or gives up (gone): look again. */
		next_server(s, late);
	}
}
