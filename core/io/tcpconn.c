/* Length-prefixed DNS messages over TCP. */
#include "tcpconn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define IN_SIZE (2 + 65535)

void tcpconn_init(tcpconn *c, int fd)
{
	c->fd = fd;
	c->in = NULL;
	c->inlen = 0;
	c->out = NULL;
	c->outlen = c->outoff = c->outcap = 0;
}

void tcpconn_close(tcpconn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->in);
	c->in = NULL;
	free(c->out);
	c->out = NULL;
	c->outlen = c->outoff = c->outcap = 0;
}

bool tcpconn_read(tcpconn *c)
{
	if (c->in == NULL && (c->in = malloc(IN_SIZE)) == NULL)
		return false;
	size_t room = IN_SIZE - c->inlen;
	if (room == 0)
		return true;    /* a whole message waits to be consumed */
	ssize_t n = recv(c->fd, c->in + c->inlen, room, 0);
	if (n == 0)
		return false;
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
	c->inlen += (size_t)n;
	return true;
}

const uint8_t *tcpconn_next(const tcpconn *c, size_t *len)
{
	if (c->in == NULL || c->inlen < 2)
		return NULL;
	size_t n = (size_t)c->in[0] << 8 | c->in[1];
	if (c->inlen - 2 < n)
		return NULL;
	*len = n;
	return c->in + 2;
}

void tcpconn_consume(tcpconn *c)
{
	size_t n = 2 + ((size_t)c->in[0] << 8 | c->in[1]);
	memmove(c->in, c->in + n, c->inlen - n);
	c->inlen -= n;
}

bool tcpconn_queue(tcpconn *c, const uint8_t *msg, size_t len)
{
	if (c->outoff > 0 && c->outoff == c->outlen)
		c->outoff = c->outlen = 0;
	if (c->outcap - c->outlen < len + 2) {
		size_t cap = c->outcap ? c->outcap : 4096;
		while (cap - c->outlen < len + 2)
			cap *= 2;
		uint8_t *p = realloc(c->out, cap);
		if (p == NULL)
			return false;
		c->out = p;
		c->outcap = cap;
	}
	c->out[c->outlen] = (uint8_t)(len >> 8);
	c->out[c->outlen + 1] = (uint8_t)len;
	memcpy(c->out + c->outlen + 2, msg, len);
	c->outlen += len + 2;
	return true;
}

bool tcpconn_flush(tcpconn *c)
{
	while (c->outoff < c->outlen) {
		ssize_t n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff,
				 MSG_NOSIGNAL);
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
		c->outoff += (size_t)n;
	}
	return true;
}
