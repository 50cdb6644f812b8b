/* dnsim-httpd: the web server of the simulated web hosts.  It answers
 * every GET or HEAD with a small page that names the host that served it
 * and echoes the Host header the client sent, so that `curl` on a client
 * shows which address a name led to (the end of seed 003's walkthrough).
 * One request per connection, one connection at a time, bounded reads. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "io/addr.h"
#include "io/log.h"

#define MAX_LISTEN 8
#define MAX_REQUEST 8192
#define READ_TIMEOUT_MS 5000

static void usage(FILE *out)
{
	fputs("usage: dnsim-httpd -n NAME [-l ADDR[@PORT]]...\n"
	      "\n"
	      "A tiny web server: every GET or HEAD gets a page naming NAME (the host\n"
	      "that served it) and the Host header it was asked for.  Listens on\n"
	      "port 80 of every address unless -l is given.  Logs each request to\n"
	      "stderr.\n", out);
}

static int listen_on(const net_addr *a)
{
	int fd = socket(a->ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (a->ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (bind(fd, (const struct sockaddr *)&a->ss, a->len) < 0 || listen(fd, 64) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Copy the value of header `name` (case-insensitive) into out. */
static void header(const char *req, const char *name, char *out, size_t n)
{
	size_t len = strlen(name);
	out[0] = '\0';
	for (const char *l = strstr(req, "\r\n"); l; l = strstr(l + 2, "\r\n")) {
		const char *h = l + 2;
		if (strncasecmp(h, name, len) == 0 && h[len] == ':') {
			h += len + 1;
			while (*h == ' ')
				h++;
			size_t v = strcspn(h, "\r\n");
			if (v >= n)
				v = n - 1;
			/* Only printable characters go back into the page and log. */
			for (size_t i = 0; i < v; i++)
				out[i] = h[i] >= 0x20 && h[i] < 0x7f && h[i] != '<' && h[i] != '>' &&
					 h[i] != '&' ? h[i] : '?';
			out[v] = '\0';
			return;
		}
	}
}

static void serve(int fd, const char *name)
{
	char req[MAX_REQUEST + 1];
	size_t len = 0;
	struct sockaddr_storage peer;
	socklen_t plen = sizeof peer;
	char from[80] = "?";
	if (getpeername(fd, (struct sockaddr *)&peer, &plen) == 0)
		net_addr_format_host((struct sockaddr *)&peer, from, sizeof from);
	while (len < MAX_REQUEST) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, READ_TIMEOUT_MS) <= 0)
			return;
		ssize_t n = read(fd, req + len, MAX_REQUEST - len);
		if (n <= 0)
			return;
		len += (size_t)n;
		req[len] = '\0';
		if (strstr(req, "\r\n\r\n"))
			break;
	}
	req[len] = '\0';
	char method[8] = "", path[256] = "", host[256];
	if (sscanf(req, "%7s %255s", method, path) != 2) {
		dprintf(fd, "HTTP/1.0 400 Bad Request\r\nConnection: close\r\n\r\n");
		return;
	}
	for (char *c = path; *c; c++)
		if (*c < 0x20 || *c >= 0x7f || *c == '<' || *c == '>' || *c == '&')
			*c = '?';
	header(req, "Host", host, sizeof host);
	bool head = strcmp(method, "HEAD") == 0;
	if (!head && strcmp(method, "GET") != 0) {
		dprintf(fd, "HTTP/1.0 405 Method Not Allowed\r\nAllow: GET, HEAD\r\n"
			"Connection: close\r\n\r\n");
		log_msg("%s %s from %s: 405", method, path, from);
		return;
	}
	char body[1024];
	int blen = snprintf(body, sizeof body,
			    "<!doctype html>\n<title>%s</title>\n"
			    "<h1>Served by %s</h1>\n<p>You asked for http://%s%s from %s.</p>\n",
			    name, name, host[0] ? host : "(no Host header)", path, from);
	if (blen < 0 || (size_t)blen >= sizeof body)
		blen = 0;
	dprintf(fd, "HTTP/1.0 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
		"Content-Length: %d\r\nServer: dnsim-httpd (%s)\r\nConnection: close\r\n\r\n",
		blen, name);
	if (!head && write(fd, body, (size_t)blen) != blen)
		return;
	log_msg("%s %s Host: %s from %s: 200", method, path, host[0] ? host : "-", from);
}

int main(int argc, char **argv)
{
	const char *name = NULL;
	net_addr addrs[MAX_LISTEN];
	size_t naddrs = 0;
	int c;
	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	while ((c = getopt(argc, argv, "n:l:h")) != -1) {
		switch (c) {
		case 'n':
			name = optarg;
			break;
		case 'l':
			if (naddrs == MAX_LISTEN || !net_addr_parse(optarg, 80, &addrs[naddrs])) {
				fprintf(stderr, "dnsim-httpd: bad or too many -l: %s\n", optarg);
				return 2;
			}
			naddrs++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (name == NULL || optind != argc) {
		usage(stderr);
		return 2;
	}
	log_set_prefix("dnsim-httpd");
	if (naddrs == 0) {
		net_addr_parse("0.0.0.0", 80, &addrs[naddrs++]);
		net_addr_parse("::", 80, &addrs[naddrs++]);
	}
	signal(SIGPIPE, SIG_IGN);
	struct pollfd fds[MAX_LISTEN];
	for (size_t i = 0; i < naddrs; i++) {
		fds[i].fd = listen_on(&addrs[i]);
		fds[i].events = POLLIN;
		if (fds[i].fd < 0) {
			char a[80];
			net_addr_format((struct sockaddr *)&addrs[i].ss, a, sizeof a);
			fprintf(stderr, "dnsim-httpd: cannot listen on %s: %s\n", a, strerror(errno));
			return 1;
		}
	}
	log_msg("serving as %s", name);
	for (;;) {
		if (poll(fds, naddrs, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("dnsim-httpd: poll");
			return 1;
		}
		for (size_t i = 0; i < naddrs; i++) {
			if (!(fds[i].revents & POLLIN))
				continue;
			int conn = accept4(fds[i].fd, NULL, NULL, SOCK_CLOEXEC);
			if (conn < 0)
				continue;
			serve(conn, name);
			close(conn);
		}
	}
}
