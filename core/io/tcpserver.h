/* The TCP side of a DNS server (RFC 7766): connections accepted from
 * listening sockets into the caller's epoll set, whole messages handed
 * to a callback, answers queued and written as the socket allows, and
 * the limits that keep hostile clients from holding the server: a cap on
 * open connections, an idle timeout, a deadline for a message begun and
 * not finished, and a high-water mark for queued output above which a
 * connection is not read.
 *
 * Time comes in as a parameter (milliseconds of io/clock.h's clock), so
 * the limits can be tested without waiting.
 *
 * A connection's struct outlives its socket while the daemon holds it
 * (an answer still to come), and is only ever freed by
 * tcpserver_expire() or tcpserver_close_all(): never while the events
 * of one epoll_wait() are being handled, so an event for a connection
 * closed earlier in the same batch still points to valid memory. */
#ifndef DNSIM_IO_TCPSERVER_H
#define DNSIM_IO_TCPSERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "io/addr.h"
#include "io/ev.h"
#include "io/tcpconn.h"

typedef struct tcpserver_limits {
	size_t max_conns;       /* open at once; more are closed on accept */
	uint64_t idle_ms;       /* nothing read or written this long: closed */
	uint64_t message_ms;    /* a message must be whole this long after
				 * its first octet came, however it trickles */
	size_t out_high;        /* output queued beyond this: stop reading */
} tcpserver_limits;

/* Limits from settings in seconds, as the daemons' configs give them;
 * message_s 0 means the idle timeout. */
tcpserver_limits tcpserver_limits_from(size_t max_conns, unsigned idle_s,
				       unsigned message_s, size_t out_high);

struct tcpserver;

typedef struct tcpserver_conn {
	ev_tag tag;             /* first: what epoll events point to */
	tcpconn io;
	net_addr peer;
	struct tcpserver *srv;
	struct tcpserver_conn *prev, *next;
	uint64_t last_ms;       /* when something was last read or written */
	uint64_t partial_ms;    /* when the unfinished message at the head of
				 * the input began */
	bool partial;           /* there is such a message */
	bool closed;            /* the socket is closed; sends are dropped */
	bool reading, writing;  /* EPOLLIN, EPOLLOUT registered */
	bool busy;              /* in the message callback: sends only queue */
	unsigned holds;
} tcpserver_conn;

/* One whole message from c (never empty: a zero-length message closes
 * the connection).  `msg` stays valid until the callback returns.
 * Answer with tcpserver_send(); return false to close the connection. */
typedef bool (*tcpserver_message_fn)(void *ctx, tcpserver_conn *c,
				     const uint8_t *msg, size_t len,
				     uint64_t now_ms);

typedef struct tcpserver {
	int epfd;
	tcpserver_limits lim;
	tcpserver_message_fn on_message;
	void *ctx;
	ev_tag **listeners;
	size_t nlisteners;
	tcpserver_conn *conns;  /* every struct, closed-but-held ones too */
	size_t nconns;          /* structs in the list */
	size_t nopen;           /* of them with an open socket: the cap's count */
} tcpserver;

void tcpserver_init(tcpserver *s, int epfd, const tcpserver_limits *lim,
		    tcpserver_message_fn on_message, void *ctx);

/* Take a listening socket (non-blocking) and watch it; on failure the
 * socket is closed and false returned with errno set. */
bool tcpserver_listen(tcpserver *s, int fd);

/* An epoll event whose tag has kind EV_TCP_LISTEN or EV_TCP_CONN. */
void tcpserver_event(tcpserver *s, ev_tag *tag, uint32_t events,
		     uint64_t now_ms);

/* Queue a message for c and (outside the message callback, which
 * flushes once when it is done) write what the socket takes.  false when
 * c is closed or the connection failed (then it is closed). */
bool tcpserver_send(tcpserver_conn *c, const uint8_t *msg, size_t len,
		    uint64_t now_ms);

/* Keep c's struct while an answer for it is pending: a held connection
 * is not closed for being idle, and when its peer goes, the struct
 * stays (closed) until the last release. */
void tcpserver_hold(tcpserver_conn *c);
void tcpserver_release(tcpserver_conn *c);

/* Close the connections that have been idle or trickling too long and
 * free the closed ones nobody holds.  Call it after each batch of events.
 * Returns the milliseconds until the next deadline, -1 when none. */
int tcpserver_expire(tcpserver *s, uint64_t now_ms);

/* Close every connection and listener and free them all, held ones
 * included (release nothing afterwards). */
void tcpserver_close_all(tcpserver *s);

#endif
