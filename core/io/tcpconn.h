/* A TCP connection carrying DNS messages with the 2-octet length prefix
 * of RFC 1035 4.2.2: input reassembled into whole messages, output
 * queued and written as the socket allows. */
#ifndef DNSIM_IO_TCPCONN_H
#define DNSIM_IO_TCPCONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct tcpconn {
	int fd;
	/* Input, allocated on the first read: most users of the struct (a
	 * resolver's UDP queries) never read from TCP at all. */
	uint8_t *in;
	size_t inlen;
	uint8_t *out;
	size_t outlen, outoff, outcap;
} tcpconn;

void tcpconn_init(tcpconn *c, int fd);
/* Closes the socket and frees the buffers. */
void tcpconn_close(tcpconn *c);

/* Read what the socket has.  Returns false when the peer closed or the
 * socket failed; true otherwise (EAGAIN included). */
bool tcpconn_read(tcpconn *c);

/* The next whole message in the input, or NULL.  *len gets its length;
 * a zero-length frame comes back as a non-NULL pointer with *len 0.
 * Call tcpconn_consume() once done with it. */
const uint8_t *tcpconn_next(const tcpconn *c, size_t *len);
void tcpconn_consume(tcpconn *c);

/* Queue a message with its length prefix; false when out of memory. */
bool tcpconn_queue(tcpconn *c, const uint8_t *msg, size_t len);

/* Write queued output; false when the socket failed. */
bool tcpconn_flush(tcpconn *c);

static inline size_t tcpconn_pending(const tcpconn *c)
{
	return c->outlen - c->outoff;
}

#endif
