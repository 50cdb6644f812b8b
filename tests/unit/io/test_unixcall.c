/* unix_call against a small server forked for each test: the request
 * line as sent, replies small, empty and large, a server that stops
 * talking without closing, and the failures before any exchange. */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "io/unixcall.h"

static char dir[] = "/tmp/dnsim-unixcall-XXXXXX";
static char sock_path[128];

enum reply_kind {
	REPLY_ECHO,      /* "got: " + the request as received, then close */
	REPLY_NOTHING,   /* close at once */
	REPLY_BIG,       /* 200,000 octets in a pattern, then close */
	REPLY_STALL,     /* "partial", then wait for the client to close */
};

#define BIG_REPLY 200000

static char big_byte(size_t i)
{
	return (char)('A' + (i * 31 + i / 1000) % 26);
}

static int listen_unix(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	unlink(path);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof sun) != 0 ||
	    listen(fd, 4) != 0) {
		perror(path);
		abort();
	}
	return fd;
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w <= 0)
			_exit(3);
		p += w;
		n -= (size_t)w;
	}
}

/* The child: one connection, answered as `kind` says. */
static void serve_one(int lfd, enum reply_kind kind)
{
	int c = accept(lfd, NULL, NULL);
	if (c < 0)
		_exit(2);
	char req[512];
	size_t n = 0;
	while (n < sizeof req && (n == 0 || req[n - 1] != '\n')) {
		ssize_t r = read(c, req + n, sizeof req - n);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	switch (kind) {
	case REPLY_ECHO:
		write_all(c, "got: ", 5);
		write_all(c, req, n);
		break;
	case REPLY_NOTHING:
		break;
	case REPLY_BIG: {
		static char big[BIG_REPLY];
		for (size_t i = 0; i < sizeof big; i++)
			big[i] = big_byte(i);
		write_all(c, big, sizeof big);
		break;
	}
	case REPLY_STALL: {
		write_all(c, "partial", 7);
		char b;
		while (read(c, &b, 1) > 0)
			;
		break;
	}
	}
	close(c);
	_exit(0);
}

static pid_t start_server(enum reply_kind kind)
{
	int lfd = listen_unix(sock_path);
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		abort();
	}
	if (pid == 0)
		serve_one(lfd, kind);
	close(lfd);
	return pid;
}

static void stop_server(pid_t pid)
{
	int status = 0;
	CHECK_INT(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	unlink(sock_path);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_request_and_reply(void)
{
	pid_t pid = start_server(REPLY_ECHO);
	char *reply = unix_call(sock_path, "stats zone example.", 5000);
	/* The line goes out with its newline; the reply is all the server
	 * wrote before closing. */
	CHECK_STR(reply, "got: stats zone example.\n");
	free(reply);
	stop_server(pid);
}

static void test_empty_reply(void)
{
	pid_t pid = start_server(REPLY_NOTHING);
	char *reply = unix_call(sock_path, "quit", 5000);
	CHECK(reply != NULL);
	CHECK_STR(reply, "");
	free(reply);
	stop_server(pid);
}

static void test_big_reply(void)
{
	pid_t pid = start_server(REPLY_BIG);
	char *reply = unix_call(sock_path, "dump", 5000);
	CHECK(reply != NULL);
	if (reply) {
		CHECK_INT(strlen(reply), BIG_REPLY);
		size_t wrong = 0;
		for (size_t i = 0; i < BIG_REPLY && reply[i]; i++)
			wrong += reply[i] != big_byte(i);
		CHECK_INT(wrong, 0);
	}
	free(reply);
	stop_server(pid);
}

static void test_silent_server_times_out(void)
{
	pid_t pid = start_server(REPLY_STALL);
	double t0 = now_s();
	char *reply = unix_call(sock_path, "hang", 300);
	double took = now_s() - t0;
	/* What came before the silence, after about one timeout. */
	CHECK_STR(reply, "partial");
	CHECK(took >= 0.25 && took < 3.0);
	free(reply);
	stop_server(pid);
}

static void test_no_server(void)
{
	errno = 0;
	CHECK(unix_call(sock_path, "x", 100) == NULL);
	CHECK_INT(errno, ENOENT);
	/* A socket file nobody listens on any more. */
	int lfd = listen_unix(sock_path);
	close(lfd);
	errno = 0;
	CHECK(unix_call(sock_path, "x", 100) == NULL);
	CHECK_INT(errno, ECONNREFUSED);
	unlink(sock_path);
	/* A path that does not fit in sun_path. */
	char longpath[200];
	memset(longpath, 'a', sizeof longpath - 1);
	longpath[0] = '/';
	longpath[sizeof longpath - 1] = '\0';
	errno = 0;
	CHECK(unix_call(longpath, "x", 100) == NULL);
	CHECK_INT(errno, ENAMETOOLONG);
}

int main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(sock_path, sizeof sock_path, "%s/control", dir);
	RUN(test_request_and_reply);
	RUN(test_empty_reply);
	RUN(test_big_reply);
	RUN(test_silent_server_times_out);
	RUN(test_no_server);
	if (rmdir(dir) != 0)
		perror(dir);
	return check_summary("test_unixcall");
}
