/* Building a topology's network: the switch namespace with one bridge a
 * network, a namespace a node with one veth a network it is on (each end
 * made directly in its own namespace), addresses, routes, forwarding on
 * routers, and the node's resolv.conf and hosts.  Every namespace is
 * written to the state log before it is made. */
#ifndef DNSIM_NETNS_BUILD_H
#define DNSIM_NETNS_BUILD_H

#include <stdbool.h>
#include <stddef.h>

#include "netns/links.h"
#include "topo/routes.h"
#include "topo/topo.h"

/* The sim's trust anchor, when its root is signed: files in its run
 * folder (written by runtime/keys.c before anything is built) that
 * every node gets in its /etc/netns/NS/bind/ folder, which covers
 * /etc/bind inside the node: bind.keys for delv, root.key (DNSKEY
 * records) for drill and the like (`sim exec` also shows it as
 * /usr/share/dns/root.key, where ldns's drill looks). */
#define BUILD_ROOT_ANCHOR "root.key"
#define BUILD_BIND_KEYS "bind.keys"
#define BUILD_NODE_ANCHOR_DIR "bind"

/* Called after each node is built (done of total); returning false
 * stops the build (an interrupted `up`). */
typedef bool (*build_progress_fn)(void *ctx, size_t done, size_t total);

/* 0, or -1 with "node NAME: what failed: why" in err.  What was built
 * stays (the state log knows it) for the caller to tear down.  links
 * (NULL: no impairments) comes with the path wanted; the path is
 * decided in the switch namespace (LINK_PATH_AUTO probes for netem),
 * every impaired attachment of the topology is plumbed through it and
 * added to the table, for the caller to write. */
int build_network(const topo *t, const routes *r, int statefd, link_table *links,
		  build_progress_fn progress, void *ctx, char *err, size_t errsz);

/* Add node `index` of t to a sim that is up (its networks' bridges
 * exist): the same steps as for every node of build_network, its switch
 * ports named after `port_index` (the sim's count of nodes so far, so
 * that each node added gets ports of its own). */
int build_one_node(const topo *t, const routes *r, int statefd, size_t index,
		   size_t port_index, char *err, size_t errsz);

/* The name of network `net`'s bridge in the switch namespace. */
void build_bridge_name(const topo *t, size_t net, char *out, size_t n);

#endif
