/* The TCP server over real loopback sockets: the cap, the idle and
 * trickle deadlines (the clock is a parameter, so nothing sleeps for
 * them), pipelined answers in order, the output high-water mark, and a
 * held connection outliving its peer. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "io/tcpserver.h"

typedef struct fixture {
	int epfd;
	struct sockaddr_in where;
	tcpserver srv;
	size_t answered;        /* messages the callback has seen */
	size_t answer_len;      /* octets in each answer: 0 echoes */
	bool refuse;            /* the callback returns false */
	tcpserver_conn *last;   /* the connection of the last message */
} fixture;

/* The answer to a message: the message itself with its first octet
 * incremented, padded with zeros to answer_len when that is set. */
static bool on_message(void *ctx, tcpserver_conn *c, const uint8_t *msg,
		       size_t len, uint64_t now_ms)
{
	fixture *f = ctx;
	static uint8_t out[65535];
	f->answered++;
	f->last = c;
	if (f->refuse)
		return false;
	size_t n = f->answer_len ? f->answer_len : len;
	memset(out, 0, n);
	memcpy(out, msg, len < n ? len : n);
	out[0]++;
	CHECK(tcpserver_send(c, out, n, now_ms));
	return true;
}

static void setup(fixture *f, size_t max_conns, uint64_t idle_ms,
		  uint64_t message_ms, size_t out_high)
{
	memset(f, 0, sizeof *f);
	f->epfd = epoll_create1(EPOLL_CLOEXEC);
	CHECK(f->epfd >= 0);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	CHECK(fd >= 0);
	f->where.sin_family = AF_INET;
	f->where.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	f->where.sin_port = 0;          /* any free port */
	CHECK(bind(fd, (struct sockaddr *)&f->where, sizeof f->where) == 0);
	socklen_t len = sizeof f->where;
	CHECK(getsockname(fd, (struct sockaddr *)&f->where, &len) == 0);
	CHECK(listen(fd, 64) == 0);
	tcpserver_limits lim = { max_conns, idle_ms, message_ms, out_high };
	tcpserver_init(&f->srv, f->epfd, &lim, on_message, f);
	CHECK(tcpserver_listen(&f->srv, fd));
}

static void teardown(fixture *f)
{
	tcpserver_close_all(&f->srv);
	CHECK_INT(f->srv.nconns, 0);
	close(f->epfd);
}

/* Hand the server what its sockets have, at time now_ms, until nothing
 * more comes for wait_ms. */
static void pump_for(fixture *f, uint64_t now_ms, int wait_ms)
{
	struct epoll_event evs[16];
	int n;
	while ((n = epoll_wait(f->epfd, evs, 16, wait_ms)) > 0)
		for (int i = 0; i < n; i++)
			tcpserver_event(&f->srv, evs[i].data.ptr, evs[i].events, now_ms);
}

/* Loopback delivers at once: 50 ms of quiet means it is all there. */
static void pump(fixture *f, uint64_t now_ms)
{
	pump_for(f, now_ms, 50);
}

/* A client connected to the server; rcvbuf > 0 sets its receive buffer
 * first, so the window it offers is small from the start. */
static int client_rcvbuf(fixture *f, int rcvbuf)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK(fd >= 0);
	if (rcvbuf > 0)
		CHECK(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf) == 0);
	CHECK(connect(fd, (struct sockaddr *)&f->where, sizeof f->where) == 0);
	return fd;
}

static int client(fixture *f)
{
	return client_rcvbuf(f, 0);
}

static void send_all(int fd, const void *p, size_t len)
{
	CHECK(send(fd, p, len, MSG_NOSIGNAL) == (ssize_t)len);
}

/* A message of `len` octets starting with `first`, length-prefixed. */
static void send_msg(int fd, uint8_t first, size_t len)
{
	uint8_t buf[2 + 512] = { (uint8_t)(len >> 8), (uint8_t)len, first };
	CHECK(len >= 1 && len <= 512);
	send_all(fd, buf, 2 + len);
}

/* Wait up to 500 ms for the socket to be readable. */
static bool readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return poll(&p, 1, 500) == 1;
}

/* The next answer's first octet, or -1 at end of stream. */
static int recv_answer(int fd, size_t *lenp)
{
	uint8_t hdr[2];
	if (!readable(fd) || recv(fd, hdr, 2, MSG_WAITALL) != 2)
		return -1;
	size_t len = (size_t)hdr[0] << 8 | hdr[1];
	uint8_t *body = malloc(len ? len : 1);
	CHECK(body != NULL);
	if (body == NULL || recv(fd, body, len, MSG_WAITALL) != (ssize_t)len) {
		free(body);
		return -1;
	}
	int first = len ? body[0] : -1;
	free(body);
	if (lenp)
		*lenp = len;
	return first;
}

/* Closed by the server: end of stream (or a reset) once readable. */
static bool closed_by_server(int fd)
{
	uint8_t b;
	if (!readable(fd))
		return false;
	ssize_t n = recv(fd, &b, 1, MSG_DONTWAIT);
	return n == 0 || (n < 0 && errno == ECONNRESET);
}

static void test_echo_and_pipelining(void)
{
	fixture f;
	setup(&f, 4, 10000, 10000, 256 * 1024);
	int c = client(&f);
	pump(&f, 0);
	CHECK_INT(f.srv.nopen, 1);
	/* Three messages in one write, and a fourth split across writes. */
	uint8_t three[] = { 0, 1, 10, 0, 2, 20, 0, 0, 3, 30, 0, 0 };
	send_all(c, three, sizeof three);
	send_all(c, (uint8_t[]){ 0 }, 1);
	pump(&f, 1);
	send_all(c, (uint8_t[]){ 1, 40 }, 2);
	pump(&f, 2);
	size_t len;
	CHECK_INT(recv_answer(c, &len), 11);
	CHECK_INT(len, 1);
	CHECK_INT(recv_answer(c, &len), 21);
	CHECK_INT(len, 2);
	CHECK_INT(recv_answer(c, &len), 31);
	CHECK_INT(len, 3);
	CHECK_INT(recv_answer(c, &len), 41);
	CHECK_INT(f.answered, 4);
	close(c);
	pump(&f, 3);
	CHECK_INT(f.srv.nopen, 0);
	CHECK_INT(tcpserver_expire(&f.srv, 3), -1);
	CHECK_INT(f.srv.nconns, 0);
	teardown(&f);
}

static void test_cap(void)
{
	fixture f;
	setup(&f, 2, 10000, 10000, 256 * 1024);
	int a = client(&f), b = client(&f), c = client(&f);
	pump(&f, 0);
	CHECK_INT(f.srv.nopen, 2);
	/* The third was accepted last and closed at once. */
	CHECK(closed_by_server(c));
	send_msg(a, 1, 1);
	send_msg(b, 2, 1);
	pump(&f, 0);
	CHECK_INT(recv_answer(a, NULL), 2);
	CHECK_INT(recv_answer(b, NULL), 3);
	/* A slot freed is a slot to take. */
	close(a);
	pump(&f, 1);
	CHECK_INT(f.srv.nopen, 1);
	int d = client(&f);
	pump(&f, 1);
	CHECK_INT(f.srv.nopen, 2);
	send_msg(d, 7, 1);
	pump(&f, 1);
	CHECK_INT(recv_answer(d, NULL), 8);
	close(b);
	close(c);
	close(d);
	teardown(&f);
}

static void test_idle_timeout(void)
{
	fixture f;
	setup(&f, 4, 1000, 5000, 256 * 1024);
	int c = client(&f);
	pump(&f, 0);
	CHECK_INT(tcpserver_expire(&f.srv, 0), 1000);
	send_msg(c, 1, 1);
	pump(&f, 600);          /* activity moves the deadline */
	CHECK_INT(recv_answer(c, NULL), 2);
	CHECK_INT(tcpserver_expire(&f.srv, 1000), 600);
	CHECK_INT(f.srv.nopen, 1);
	CHECK_INT(tcpserver_expire(&f.srv, 1599), 1);
	CHECK_INT(f.srv.nopen, 1);
	CHECK_INT(tcpserver_expire(&f.srv, 1600), -1);
	CHECK_INT(f.srv.nopen, 0);
	CHECK_INT(f.srv.nconns, 0);
	CHECK(closed_by_server(c));
	close(c);
	teardown(&f);
}

static void test_trickle_deadline(void)
{
	fixture f;
	setup(&f, 4, 1000, 500, 256 * 1024);
	int c = client(&f);
	pump(&f, 0);
	/* A 10-octet message, an octet every 100 ms: never idle, never whole. */
	send_all(c, (uint8_t[]){ 0 }, 1);
	pump(&f, 100);
	CHECK_INT(tcpserver_expire(&f.srv, 100), 500);
	for (uint64_t t = 200; t < 600; t += 100) {
		send_all(c, (uint8_t[]){ 10 }, 1);
		pump(&f, t);
		CHECK_INT(tcpserver_expire(&f.srv, t), 600 - t);
		CHECK_INT(f.srv.nopen, 1);
	}
	CHECK_INT(tcpserver_expire(&f.srv, 600), -1);
	CHECK_INT(f.srv.nopen, 0);
	CHECK(closed_by_server(c));
	close(c);

	/* A message finished in time clears the deadline; the next one
	 * begun gets a deadline of its own. */
	c = client(&f);
	pump(&f, 1000);
	send_all(c, (uint8_t[]){ 0, 2, 5 }, 3);
	pump(&f, 1000);
	CHECK_INT(tcpserver_expire(&f.srv, 1000), 500);
	send_all(c, (uint8_t[]){ 6, 0 }, 2);   /* the end, and the next's first */
	pump(&f, 1400);
	CHECK_INT(recv_answer(c, NULL), 6);
	CHECK_INT(tcpserver_expire(&f.srv, 1400), 500);
	CHECK_INT(tcpserver_expire(&f.srv, 1899), 1);
	CHECK_INT(f.srv.nopen, 1);
	CHECK_INT(tcpserver_expire(&f.srv, 1900), -1);
	CHECK_INT(f.srv.nopen, 0);
	close(c);
	teardown(&f);
}

static void test_high_water(void)
{
	enum { QUERIES = 40, ANSWER = 60000 };
	fixture f;
	setup(&f, 4, 10000, 10000, 8192);
	f.answer_len = ANSWER;
	int small = 4096;
	int c = client_rcvbuf(&f, small);
	pump(&f, 0);
	tcpserver_conn *conn = f.srv.conns;
	CHECK(conn != NULL);
	if (conn == NULL)
		return;
	CHECK(setsockopt(conn->io.fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof small) == 0);
	/* 40 queries for 2.4 MB of answers, none of them read yet. */
	for (int i = 0; i < QUERIES; i++)
		send_msg(c, (uint8_t)i, 1);
	pump(&f, 1);
	size_t seen = f.answered;
	CHECK(seen > 0 && seen < QUERIES);
	CHECK(!conn->reading);
	CHECK(conn->writing);
	CHECK(tcpconn_pending(&conn->io) >= 8192);
	pump(&f, 2);
	CHECK_INT(f.answered, seen);    /* nothing more while nobody reads */

	/* Reading the answers lets the rest be answered, in order.  The
	 * server only writes when pumped, so read what is there, never
	 * wait for more. */
	static uint8_t got[QUERIES * (2 + ANSWER)];
	size_t have = 0;
	for (int rounds = 0; rounds < 100000 && have < sizeof got; rounds++) {
		pump_for(&f, 3, 0);
		ssize_t n = recv(c, got + have, sizeof got - have, MSG_DONTWAIT);
		if (n > 0)
			have += (size_t)n;
		else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			break;
	}
	CHECK_INT(have, sizeof got);
	for (size_t i = 0; i < QUERIES && have == sizeof got; i++) {
		const uint8_t *a = got + i * (2 + ANSWER);
		CHECK_INT((size_t)a[0] << 8 | a[1], ANSWER);
		CHECK_INT(a[2], i + 1);
	}
	CHECK_INT(f.answered, QUERIES);
	CHECK(conn->reading);
	CHECK(!conn->writing);
	close(c);
	teardown(&f);
}

static void test_held_connection_outlives_its_peer(void)
{
	fixture f;
	setup(&f, 1, 1000, 1000, 256 * 1024);
	int c = client(&f);
	pump(&f, 0);
	send_msg(c, 1, 1);
	pump(&f, 0);
	CHECK_INT(recv_answer(c, NULL), 2);
	tcpserver_conn *conn = f.last;
	CHECK(conn != NULL);
	if (conn == NULL)
		return;
	tcpserver_hold(conn);
	tcpserver_hold(conn);
	/* Held: not idle however long the answer takes. */
	CHECK_INT(tcpserver_expire(&f.srv, 5000), -1);
	CHECK_INT(f.srv.nopen, 1);
	/* Still sends while open. */
	CHECK(tcpserver_send(conn, (uint8_t[]){ 9 }, 1, 5000));
	CHECK_INT(recv_answer(c, NULL), 9);
	close(c);
	pump(&f, 5001);
	/* The socket is gone and its slot free; the struct stays. */
	CHECK_INT(f.srv.nopen, 0);
	CHECK_INT(tcpserver_expire(&f.srv, 5001), -1);
	CHECK_INT(f.srv.nconns, 1);
	CHECK(conn->closed);
	CHECK(!tcpserver_send(conn, (uint8_t[]){ 9 }, 1, 5001));
	int d = client(&f);     /* the cap of 1 counts open sockets only */
	pump(&f, 5001);
	CHECK_INT(f.srv.nopen, 1);
	tcpserver_release(conn);
	tcpserver_expire(&f.srv, 5002);
	CHECK_INT(f.srv.nconns, 2);
	tcpserver_release(conn);
	tcpserver_expire(&f.srv, 5002);
	CHECK_INT(f.srv.nconns, 1);     /* freed at the last release */
	close(d);
	teardown(&f);
}

static void test_closing_messages(void)
{
	fixture f;
	setup(&f, 4, 1000, 1000, 256 * 1024);
	/* A zero-length message closes the connection unanswered. */
	int c = client(&f);
	pump(&f, 0);
	send_all(c, (uint8_t[]){ 0, 0, 0, 1, 5 }, 5);
	pump(&f, 0);
	CHECK_INT(f.answered, 0);
	CHECK(closed_by_server(c));
	close(c);
	/* So does a callback that says so; what follows is not read. */
	f.refuse = true;
	c = client(&f);
	pump(&f, 0);
	send_all(c, (uint8_t[]){ 0, 1, 5, 0, 1, 6 }, 6);
	pump(&f, 0);
	CHECK_INT(f.answered, 1);
	CHECK(closed_by_server(c));
	close(c);
	CHECK_INT(f.srv.nopen, 0);
	tcpserver_expire(&f.srv, 1);
	CHECK_INT(f.srv.nconns, 0);
	teardown(&f);
}

static void test_close_all_frees_held(void)
{
	fixture f;
	setup(&f, 4, 1000, 1000, 256 * 1024);
	int a = client(&f), b = client(&f);
	pump(&f, 0);
	CHECK_INT(f.srv.nopen, 2);
	tcpserver_hold(f.srv.conns);
	teardown(&f);           /* LeakSanitizer would see what was left */
	CHECK(closed_by_server(a));
	CHECK(closed_by_server(b));
	close(a);
	close(b);
}

/* Settings in seconds become the server's limits; a message timeout of
 * 0 means the idle timeout. */
static void test_limits_from_settings(void)
{
	tcpserver_limits lim = tcpserver_limits_from(42, 10, 0, 262144);
	CHECK_INT(lim.idle_ms, 10000);
	CHECK_INT(lim.message_ms, 10000);
	CHECK_INT(lim.max_conns, 42);
	CHECK_INT(lim.out_high, 262144);
	lim = tcpserver_limits_from(7, 3, 2, 4096);
	CHECK_INT(lim.idle_ms, 3000);
	CHECK_INT(lim.message_ms, 2000);
}

int main(void)
{
	RUN(test_limits_from_settings);
	RUN(test_echo_and_pipelining);
	RUN(test_cap);
	RUN(test_idle_timeout);
	RUN(test_trickle_deadline);
	RUN(test_high_water);
	RUN(test_held_connection_outlives_its_peer);
	RUN(test_closing_messages);
	RUN(test_close_all_frees_held);
	return check_summary("test_tcpserver");
}
