/* Seams of upstream.c for driving the resolver in one process (the
 * replay tests, tests/unit/resolver/test_iterate.c): queries handed to a
 * function instead of a socket, and answers handed back with the address
 * they came from.  The daemon sets no transport and behaves as before. */
#ifndef DNSIM_RESOLVER_UPSTREAM_H
#define DNSIM_RESOLVER_UPSTREAM_H

#include "resolver/resolver.h"

/* Called with each query instead of opening a socket; the wire form is
 * what would have been sent.  false counts as a send that failed. */
typedef bool (*upstream_transport_fn)(void *ctx, const struct upq *q,
				      const uint8_t *wire, size_t len);

/* NULL (the default) for real sockets. */
void upstream_set_transport(upstream_transport_fn fn, void *ctx);

/* A message for q that came from `from`: one from any other address or
 * port than the server asked is dropped like a forgery (the connected
 * UDP socket does the same in the kernel), else upstream_deliver. */
void upstream_receive(resolver *r, struct upq *q, const net_addr *from,
		      const uint8_t *buf, size_t len);

#endif
