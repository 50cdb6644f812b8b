/* Listening sockets on loopback (port 0: the kernel picks a free one)
 * and the signal descriptor. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "check.h"
#include "io/sock.h"

/* Without "@PORT" the port is 0: the kernel picks one. */
static net_addr addr(const char *text)
{
	net_addr a;
	if (!net_addr_parse(text, 0, &a)) {
		fprintf(stderr, "bad address %s\n", text);
		abort();
	}
	return a;
}

static unsigned bound_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		return 0;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

static int sockopt(int fd, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof v;
	if (getsockopt(fd, level, name, &v, &len) != 0)
		return -1;
	return v;
}

/* The lowest free descriptor: unchanged when a failed call closed what
 * it opened. */
static int lowest_free_fd(void)
{
	int fd = dup(0);
	if (fd >= 0)
		close(fd);
	return fd;
}

static void test_udp_on_loopback(void)
{
	net_addr a = addr("127.0.0.1");
	int fd = sock_listen(&a, SOCK_DGRAM);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(bound_port(fd) != 0);
	CHECK_INT(sockopt(fd, SOL_SOCKET, SO_TYPE), SOCK_DGRAM);
	CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	/* Nothing there yet: a non-blocking socket says so at once. */
	char buf[16];
	CHECK_INT(recv(fd, buf, sizeof buf, 0), -1);
	CHECK_INT(errno, EAGAIN);
	/* A datagram sent to the bound address arrives. */
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons((uint16_t)bound_port(fd)),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int c = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK_INT(sendto(c, "ping", 4, 0, (struct sockaddr *)&to, sizeof to), 4);
	struct timeval tv = { .tv_sec = 2 };
	fd_set rd;
	FD_ZERO(&rd);
	FD_SET(fd, &rd);
	CHECK_INT(select(fd + 1, &rd, NULL, NULL, &tv), 1);
	CHECK_INT(recv(fd, buf, sizeof buf, 0), 4);
	CHECK_MEM(buf, "ping", 4);
	close(c);
	close(fd);
}

static void test_tcp_listens(void)
{
	net_addr a = addr("127.0.0.1");
	int fd = sock_listen(&a, SOCK_STREAM);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK_INT(sockopt(fd, SOL_SOCKET, SO_ACCEPTCONN), 1);
	CHECK_INT(sockopt(fd, SOL_SOCKET, SO_REUSEADDR), 1);
	CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);
	unsigned port = bound_port(fd);
	CHECK(port != 0);
	/* A client connects without anyone calling accept yet. */
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK_INT(connect(c, (struct sockaddr *)&to, sizeof to), 0);
	close(c);

	/* The same port again: refused, errno kept, nothing left open. */
	char text[32];
	snprintf(text, sizeof text, "127.0.0.1@%u", port);
	net_addr again = addr(text);
	int free_before = lowest_free_fd();
	errno = 0;
	CHECK_INT(sock_listen(&again, SOCK_STREAM), -1);
	CHECK_INT(errno, EADDRINUSE);
	CHECK_INT(lowest_free_fd(), free_before);
	close(fd);
}

static void test_ipv6_is_v6_only(void)
{
	/* With IPV6_V6ONLY, "::" and "0.0.0.0" on one port are two
	 * separate sockets; without it the second bind would fail. */
	net_addr a6 = addr("::");
	int fd6 = sock_listen(&a6, SOCK_STREAM);
	CHECK(fd6 >= 0);
	if (fd6 < 0)
		return;
	CHECK_INT(sockopt(fd6, IPPROTO_IPV6, IPV6_V6ONLY), 1);
	char text[32];
	snprintf(text, sizeof text, "0.0.0.0@%u", bound_port(fd6));
	net_addr a4 = addr(text);
	int fd4 = sock_listen(&a4, SOCK_STREAM);
	CHECK(fd4 >= 0);
	if (fd4 >= 0)
		close(fd4);
	close(fd6);

	net_addr lo6 = addr("::1");
	int u6 = sock_listen(&lo6, SOCK_DGRAM);
	CHECK(u6 >= 0);
	if (u6 >= 0) {
		CHECK(bound_port(u6) != 0);
		close(u6);
	}
}

static void test_address_not_here(void)
{
	/* 192.0.2.1 (TEST-NET-1) is on no interface of this machine. */
	net_addr a = addr("192.0.2.1");
	int free_before = lowest_free_fd();
	errno = 0;
	CHECK_INT(sock_listen(&a, SOCK_DGRAM), -1);
	CHECK_INT(errno, EADDRNOTAVAIL);
	CHECK_INT(lowest_free_fd(), free_before);
}

/* Last: it blocks signals for the rest of the process. */
static void test_signals(void)
{
	int fd = sock_signals();
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	struct signalfd_siginfo si;
	CHECK_INT(read(fd, &si, sizeof si), -1);        /* non-blocking */
	CHECK_INT(errno, EAGAIN);
	static const int sigs[] = { SIGUSR1, SIGHUP, SIGTERM, SIGINT };
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		/* Blocked, so it waits in the descriptor instead of acting. */
		CHECK_INT(raise(sigs[i]), 0);
		CHECK_INT(read(fd, &si, sizeof si), (ssize_t)sizeof si);
		CHECK_INT(si.ssi_signo, sigs[i]);
	}
	struct sigaction sa;
	CHECK_INT(sigaction(SIGPIPE, NULL, &sa), 0);
	CHECK(sa.sa_handler == SIG_IGN);
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
}

int main(void)
{
	RUN(test_udp_on_loopback);
	RUN(test_tcp_listens);
	RUN(test_ipv6_is_v6_only);
	RUN(test_address_not_here);
	RUN(test_signals);
	return check_summary("test_sock");
}
