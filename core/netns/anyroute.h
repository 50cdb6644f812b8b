/* The anycast routes of a sim, in its namespaces: every instance holds
 * its anycast addresses on its loopback, and every other node has a host
 * route (/32, /128) for each of them through its next hop towards the
 * nearest live instance (topo/anycast.h computes which).
 *
 * At `up` the builder installs the routes of everything up.  While the
 * sim runs, the monitor marks instances withdrawn (their server stopped
 * or died) and links cut (`link down`), and anyroute_update rewrites the
 * routes that changed, each with one netlink request: traffic moves to
 * the next nearest instance within milliseconds, as after a BGP
 * withdrawal once it has spread. */
#ifndef DNSIM_NETNS_ANYROUTE_H
#define DNSIM_NETNS_ANYROUTE_H

#include <stdbool.h>
#include <stddef.h>

#include "netns/nl.h"
#include "topo/anycast.h"
#include "topo/topo.h"

typedef struct anyroute {
	const topo *t;
	anycast_set set;
	anycast_hop *hops;        /* [group * nnodes + node]: what is in force */
	bool *withdrawn;          /* [nnodes] */
	bool *cut;                /* [nnodes * nnetworks] */
} anyroute;

/* The table of a sim with everything up (what `up` installs).  false:
 * out of memory. */
bool anyroute_init(anyroute *a, const topo *t);
void anyroute_free(anyroute *a);

/* Node k's part of it, through its own netlink socket: its anycast
 * addresses on the loopback (an instance), its routes (every other
 * node).  0 or a negative errno, with what failed in what (size n). */
int anyroute_install_node(const anyroute *a, size_t k, nl_sock *s, char *what, size_t n);

/* One route that moved, for the caller to tell: node k now reaches
 * instance `to` (SIZE_MAX: none) of group g instead of `from`. */
typedef void (*anyroute_moved_fn)(void *ctx, const anycast_group *g, size_t k, size_t from,
				  size_t to);

/* Compute again with a->withdrawn and a->cut and rewrite, in sim's
 * namespaces, each route that changed (moved is told of each).  Returns
 * the number of routes rewritten; a node whose namespace cannot be
 * reached keeps its old entry (tried again at the next update). */
size_t anyroute_update(anyroute *a, const char *sim, anyroute_moved_fn moved, void *ctx);

/* "anycast ADDRESS" blocks for `status`: each instance with its region,
 * whether it is announced, and the hosts (not routers) that reach it.
 * malloc'd text, NULL when out of memory. */
char *anyroute_describe(const anyroute *a);

#endif
