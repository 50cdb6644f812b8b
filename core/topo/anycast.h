/* Anycast: one service address held by several nodes (its instances),
 * each client sent to the nearest one that is up, as BGP does when every
 * instance announces the same prefix.
 *
 * The simulator computes the routes itself rather than running a routing
 * daemon in each router: for every anycast address, a shortest-path tree
 * grown from the live instances at once (Dijkstra with several sources),
 * so every router's next hop leads to the instance the tree assigned it
 * and no packet can loop between two routers that disagree.  The cost of
 * a path is the one-way delay of every attachment it crosses (what the
 * topology's links add, topo/impair.h), then the number of routers,
 * then the order of the instances in the topology: without delays it is
 * the fewest routers crossed, as the unicast routes (topo/routes.h).
 *
 * When an instance stops or a link goes down the caller computes again
 * with it left out (`anycast_down`) and rewrites the routes that changed:
 * a withdrawal.  Pure: the model only; netns/ installs the routes. */
#ifndef DNSIM_TOPO_ANYCAST_H
#define DNSIM_TOPO_ANYCAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "topo/topo.h"

/* One anycast address and the nodes that hold it, in topology order. */
typedef struct anycast_group {
	net_addr addr;            /* port 0 */
	char text[64];
	size_t *inst;             /* node indices */
	size_t ninst;
} anycast_group;

typedef struct anycast_set {
	anycast_group *g;
	size_t n;
} anycast_set;

/* What is out of service: instances withdrawn (their server stopped),
 * attachments cut (`link down`).  NULL arrays: nothing. */
typedef struct anycast_down {
	const bool *withdrawn;    /* [nnodes] */
	const bool *cut;          /* [nnodes * nnetworks]: node i's link to net j at i * nnetworks + j */
} anycast_down;

/* Where one node sends packets for one anycast address. */
typedef struct anycast_hop {
	size_t instance;          /* node index of the instance reached; SIZE_MAX: none */
	const topo_addr *via;     /* next hop, on one of the node's networks; NULL:
				   * the node is an instance itself, or reaches none */
	uint64_t delay_us;        /* one way, to the instance */
	unsigned routers;         /* routers crossed */
} anycast_hop;

/* Same host address (family and bytes; ports ignored)? */
bool anycast_same_addr(const net_addr *a, const net_addr *b);

/* The anycast addresses of t, each with its instances.  false: out of
 * memory (s left empty). */
bool anycast_collect(const topo *t, anycast_set *s);
void anycast_set_free(anycast_set *s);

/* The group of address a, or NULL. */
const anycast_group *anycast_find(const anycast_set *s, const net_addr *a);

/* Is node `node` an instance of g? */
bool anycast_is_instance(const anycast_group *g, size_t node);

/* Every node's hop for group g (out: t->nnodes entries), with `down`
 * (NULL: everything up) left out.  false: out of memory. */
bool anycast_routes(const topo *t, const anycast_group *g, const anycast_down *down,
		    anycast_hop *out);

/* Node n's address of `family` on network `net`, or NULL. */
const topo_addr *anycast_addr_on(const topo_node *n, size_t net, int family);

#endif
