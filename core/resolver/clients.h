/* The stub-facing side of the resolver: UDP and TCP listeners, access
 * control, the blocklist, answers from cache, and handing the rest to
 * the iterator. */
#ifndef DNSIM_RESOLVER_CLIENTS_H
#define DNSIM_RESOLVER_CLIENTS_H

#include "resolver/resolver.h"

struct client_conn {
	struct ev_tag tag;
	tcpconn io;
	net_addr peer;
	uint64_t last_ms;
	int pending;            /* waiters still to be answered on it */
	bool closed;            /* peer gone; freed when pending is 0 */
	struct client_conn *next;
};

typedef struct clients {
	struct ev_tag *tags;    /* one per listening socket */
	size_t ntags;
	struct client_conn *conns;
	size_t nconns;
} clients;

/* Open every listener of the config; false (logged) when one fails. */
bool clients_open(resolver *r, clients *c);
void clients_close(resolver *r, clients *c);

void clients_udp(resolver *r, int fd);
void clients_accept(resolver *r, clients *c, int fd);
void clients_conn_event(resolver *r, clients *c, struct client_conn *cc,
			uint32_t events);
/* Close idle TCP clients. */
void clients_expire(resolver *r, clients *c);

#endif
