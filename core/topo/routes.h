/* Routes the supervisor computes for every node: for each network a node
 * is not on, the router on one of its own networks that starts the
 * shortest path there (fewest routers crossed), per address family. */
#ifndef DNSIM_TOPO_ROUTES_H
#define DNSIM_TOPO_ROUTES_H

#include <stdbool.h>
#include <stddef.h>

#include "topo/topo.h"

typedef struct routes {
	size_t nnet;
	/* [family][src * nnet + dst]: routers crossed from src to dst
	 * (SIZE_MAX: unreachable) and the first router on src. */
	size_t *dist[2];
	size_t *first[2];
} routes;

bool routes_compute(const topo *t, routes *r);
void routes_free(routes *r);

/* The next hop from node `n` towards network `dst` in `family` (AF_INET
 * or AF_INET6): *via is the router's address on one of n's networks.
 * Returns false when dst is unreachable; true with *via NULL when n is
 * on dst itself. */
bool routes_next_hop(const topo *t, const routes *r, const topo_node *n,
		     size_t dst, int family, const topo_addr **via);

/* Can node `from` reach address `a` (of some node) at all?  An anycast
 * address (network SIZE_MAX) is reached when any instance is. */
bool routes_reach(const topo *t, const routes *r, const topo_node *from,
		  const topo_addr *a);

#endif
