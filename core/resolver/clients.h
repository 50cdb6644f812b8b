/* The stub-facing side of the resolver: UDP and TCP listeners, access
 * control, the blocklist, answers from cache, and handing the rest to
 * the iterator. */
#ifndef DNSIM_RESOLVER_CLIENTS_H
#define DNSIM_RESOLVER_CLIENTS_H

#include "resolver/resolver.h"

typedef struct clients {
	ev_tag *tags;           /* one per UDP socket */
	size_t ntags;
	/* The TCP listeners and connections.  A connection is held for
	 * every waiter on it: an answer still to come keeps it. */
	tcpserver tcp;
} clients;

/* Open every listener of the config; false (logged) when one fails. */
bool clients_open(resolver *r, clients *c);
void clients_close(resolver *r, clients *c);

void clients_udp(resolver *r, int fd);
/* Close idle and trickling TCP clients and free the closed ones;
 * returns ms until the next deadline, -1 when none. */
int clients_expire(resolver *r, clients *c);

#endif
