/* A request-reply exchange over a Unix stream socket. */
#include "io/unixcall.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

char *unix_call(const char *path, const char *line, int timeout_ms)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof sun.sun_path) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) < 0 ||
	    dprintf(fd, "%s\n", line) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return NULL;
	}
	size_t len = 0, cap = 4096;
	char *out = malloc(cap);
	while (out) {
		if (len + 1024 > cap) {
			char *grown = realloc(out, cap *= 2);
			if (grown == NULL) {
				free(out);
				out = NULL;
				break;
			}
			out = grown;
		}
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, timeout_ms) <= 0)
			break;
		ssize_t n = read(fd, out + len, cap - len - 1);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (out)
		out[len] = '\0';
	else
		errno = ENOMEM;
	return out;
}
