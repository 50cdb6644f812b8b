/* Accepting, reading, answering and closing DNS-over-TCP clients. */
#include "tcpserver.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

void tcpserver_init(tcpserver *s, int epfd, const tcpserver_limits *lim,
		    tcpserver_message_fn on_message, void *ctx)
{
	s->epfd = epfd;
	s->lim = *lim;
	s->on_message = on_message;
	s->ctx = ctx;
	s->listeners = NULL;
	s->nlisteners = 0;
	s->conns = NULL;
	s->nconns = 0;
	s->nopen = 0;
}

bool tcpserver_listen(tcpserver *s, int fd)
{
	ev_tag *tag = malloc(sizeof *tag);
	ev_tag **arr = tag ? realloc(s->listeners, (s->nlisteners + 1) * sizeof *arr) : NULL;
	if (arr == NULL) {
		free(tag);
		close(fd);
		errno = ENOMEM;
		return false;
	}
	s->listeners = arr;
	*tag = (ev_tag){ EV_TCP_LISTEN, fd };
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = tag };
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int e = errno;
		free(tag);
		close(fd);
		errno = e;
		return false;
	}
	s->listeners[s->nlisteners++] = tag;
	return true;
}

/* ---- one connection -------------------------------------------------- */

/* Close the socket but keep the struct and its buffers: a message
 * callback may still be reading the input, an epoll event of the same
 * batch may still point here, a daemon may still hold it. */
static void conn_shut(tcpserver_conn *c)
{
	if (c->closed)
		return;
	(void)epoll_ctl(c->srv->epfd, EPOLL_CTL_DEL, c->io.fd, NULL);
	close(c->io.fd);
	c->io.fd = -1;
	c->closed = true;
	c->srv->nopen--;
}

static void conn_free(tcpserver *s, tcpserver_conn *c)
{
	conn_shut(c);
	if (c->prev)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	s->nconns--;
	tcpconn_close(&c->io);
	free(c);
}

/* Read while the client drains its answers; write while there is
 * something to write. */
static void conn_update_events(tcpserver_conn *c)
{
	if (c->closed)
		return;
	size_t pending = tcpconn_pending(&c->io);
	bool want_read = pending < c->srv->lim.out_high;
	bool want_write = pending > 0;
	if (want_read == c->reading && want_write == c->writing)
		return;
	struct epoll_event ev = {
		.events = (want_read ? EPOLLIN : 0) | (want_write ? EPOLLOUT : 0),
		.data.ptr = &c->tag,
	};
	if (epoll_ctl(c->srv->epfd, EPOLL_CTL_MOD, c->io.fd, &ev) == 0) {
		c->reading = want_read;
		c->writing = want_write;
	}
}

static bool conn_flush(tcpserver_conn *c, uint64_t now_ms)
{
	size_t before = tcpconn_pending(&c->io);
	if (!tcpconn_flush(&c->io)) {
		conn_shut(c);
		return false;
	}
	if (tcpconn_pending(&c->io) < before)
		c->last_ms = now_ms;
	return true;
}

/* Whether the input starts with a message not yet whole. */
static bool input_partial(const tcpconn *io)
{
	size_t len;
	return io->inlen > 0 && tcpconn_next(io, &len) == NULL;
}

/* Answer the whole messages that have arrived, in the order they came
 * (RFC 7766 6.2.1.1), as long as the client drains its answers; then
 * write, and choose the events to wait for. */
static void conn_process(tcpserver *s, tcpserver_conn *c, uint64_t now_ms)
{
	const uint8_t *msg;
	size_t len;
	bool consumed = false;
	c->busy = true;
	while (!c->closed && tcpconn_pending(&c->io) < s->lim.out_high &&
	       (msg = tcpconn_next(&c->io, &len)) != NULL) {
		if (len == 0 || !s->on_message(s->ctx, c, msg, len, now_ms)) {
			conn_shut(c);
			break;
		}
		if (!c->closed) {
			tcpconn_consume(&c->io);
			consumed = true;
		}
	}
	c->busy = false;
	if (c->closed || !conn_flush(c, now_ms))
		return;
	/* A message must arrive whole within its deadline from its first
	 * octet: one trickled in an octet at a time must not hold a slot
	 * forever, however often it sends.  What is left after a whole
	 * message is the start of the next one, with a deadline of its own. */
	bool partial = input_partial(&c->io);
	if (consumed || !partial)
		c->partial = false;
	if (partial && !c->partial) {
		c->partial = true;
		c->partial_ms = now_ms;
	}
	conn_update_events(c);
}

static void conn_event(tcpserver *s, tcpserver_conn *c, uint32_t events,
		       uint64_t now_ms)
{
	if (c->closed)
		return;         /* closed earlier in this batch */
	if ((events & (EPOLLERR | EPOLLHUP)) && !(events & EPOLLIN)) {
		conn_shut(c);
		return;
	}
	if (events & EPOLLOUT) {
		c->last_ms = now_ms;
		conn_process(s, c, now_ms);
		if (c->closed)
			return;
	}
	/* Not while over the high-water mark: an EPOLLIN from before it
	 * was reached may still come in this batch. */
	if ((events & EPOLLIN) && c->reading) {
		if (!tcpconn_read(&c->io)) {
			conn_shut(c);
			return;
		}
		c->last_ms = now_ms;
		conn_process(s, c, now_ms);
	}
}

static void accept_all(tcpserver *s, int lfd, uint64_t now_ms)
{
	for (;;) {
		net_addr peer;
		peer.len = sizeof peer.ss;
		int fd = accept4(lfd, (struct sockaddr *)&peer.ss, &peer.len,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		/* Over the cap: close at once rather than let the backlog
		 * fill (RFC 7766 6.2.2). */
		tcpserver_conn *c = s->nopen < s->lim.max_conns ? calloc(1, sizeof *c) : NULL;
		if (c == NULL) {
			close(fd);
			continue;
		}
		c->tag = (ev_tag){ EV_TCP_CONN, fd };
		tcpconn_init(&c->io, fd);
		c->peer = peer;
		c->srv = s;
		c->last_ms = now_ms;
		c->reading = true;
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &c->tag };
		if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			close(fd);
			free(c);
			continue;
		}
		c->next = s->conns;
		if (s->conns)
			s->conns->prev = c;
		s->conns = c;
		s->nconns++;
		s->nopen++;
	}
}

void tcpserver_event(tcpserver *s, ev_tag *tag, uint32_t events,
		     uint64_t now_ms)
{
	if (tag->kind == EV_TCP_LISTEN)
		accept_all(s, tag->fd, now_ms);
	else if (tag->kind == EV_TCP_CONN)
		conn_event(s, (tcpserver_conn *)tag, events, now_ms);
}

bool tcpserver_send(tcpserver_conn *c, const uint8_t *msg, size_t len,
		    uint64_t now_ms)
{
	if (c->closed)
		return false;
	if (!tcpconn_queue(&c->io, msg, len)) {
		conn_shut(c);
		return false;
	}
	if (c->busy)
		return true;    /* conn_process writes the lot once */
	if (!conn_flush(c, now_ms))
		return false;
	conn_update_events(c);
	return true;
}

void tcpserver_hold(tcpserver_conn *c)
{
	c->holds++;
}

void tcpserver_release(tcpserver_conn *c)
{
	if (c->holds > 0)
		c->holds--;
}

/* ---- the whole server ------------------------------------------------ */

/* ms from now to `at`, 0 when past. */
static uint64_t until(uint64_t at, uint64_t now_ms)
{
	return at > now_ms ? at - now_ms : 0;
}

int tcpserver_expire(tcpserver *s, uint64_t now_ms)
{
	uint64_t next = UINT64_MAX;
	tcpserver_conn *c = s->conns;
	while (c) {
		tcpserver_conn *following = c->next;
		if (!c->closed) {
			/* A held connection waits for us, not we for it: the
			 * idle timeout (RFC 7766 6.2.3) starts when the daemon
			 * lets go of it. */
			uint64_t idle_at = c->holds ? UINT64_MAX : c->last_ms + s->lim.idle_ms;
			uint64_t msg_at = c->partial ? c->partial_ms + s->lim.message_ms
						     : UINT64_MAX;
			uint64_t at = idle_at < msg_at ? idle_at : msg_at;
			if (at == UINT64_MAX)
				;       /* held, and no message begun */
			else if (at <= now_ms)
				conn_shut(c);
			else if (until(at, now_ms) < next)
				next = until(at, now_ms);
		}
		if (c->closed && c->holds == 0)
			conn_free(s, c);
		c = following;
	}
	if (next == UINT64_MAX)
		return -1;
	return next > INT32_MAX ? INT32_MAX : (int)next;
}

void tcpserver_close_all(tcpserver *s)
{
	while (s->conns)
		conn_free(s, s->conns);
	for (size_t i = 0; i < s->nlisteners; i++) {
		(void)epoll_ctl(s->epfd, EPOLL_CTL_DEL, s->listeners[i]->fd, NULL);
		close(s->listeners[i]->fd);
		free(s->listeners[i]);
	}
	free(s->listeners);
	s->listeners = NULL;
	s->nlisteners = 0;
}

tcpserver_limits tcpserver_limits_from(size_t max_conns, unsigned idle_s,
				       unsigned message_s, size_t out_high)
{
	return (tcpserver_limits){
		.max_conns = max_conns,
		.idle_ms = (uint64_t)idle_s * 1000,
		.message_ms = (uint64_t)(message_s ? message_s : idle_s) * 1000,
		.out_high = out_high,
	};
}
