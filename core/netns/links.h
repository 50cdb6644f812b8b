/* Impaired links of a running sim: which path carries them, the table of
 * what is in force (/run/dnsim/SIM/links), and the plumbing of each path.
 *
 * netem: a netem root qdisc on both ends of the node's veth pair -- the
 *   switch side nI-K (frames toward the node) and ethK inside the node
 *   (frames from it).
 * relay: the switch side nI-K leaves its bridge; a second veth pair
 *   rI-K -- bI-K joins the relay (dnsim-linkd, in the switch namespace)
 *   to the bridge, and the relay carries frames between nI-K and rI-K,
 *   impairing each direction (runtime/relay.h).
 *
 * The table, one line each:
 *   path netem|relay
 *   seed N
 *   topology off            (only after `up --no-delay`)
 *   link NODE NETWORK PORT RELAYPORT IFNAME DELAY_US JITTER_US LOSS_PPM RATE_BPS
 * It is written whole (a new file renamed over the old) by `up` and
 * `link set`, and read by `link show` and by the relay. */
#ifndef DNSIM_NETNS_LINKS_H
#define DNSIM_NETNS_LINKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netns/nl.h"
#include "topo/topo.h"

typedef enum link_path {
	LINK_PATH_AUTO,            /* netem when the kernel has it, else relay */
	LINK_PATH_NETEM,
	LINK_PATH_RELAY,
} link_path;

typedef struct link_entry {
	char node[TOPO_NAME_MAX + 1];
	char network[TOPO_NAME_MAX + 1];
	char port[16];             /* nI-K, in the switch namespace */
	char relay[16];            /* rI-K, the relay's end ("-" on netem) */
	char ifname[16];           /* ethK, inside the node */
	topo_impair im;
} link_entry;

typedef struct link_table {
	link_path path;
	uint64_t seed;
	link_entry *links;
	size_t n;
	/* `up --no-delay`: the topology's impairments were left out (the
	 * links set since are in `links` as usual). */
	bool topology_off;
	char why[96];              /* why this path (not in the file) */
} link_table;

const char *link_path_name(link_path p);
/* "auto", "netem", "relay"; false for anything else. */
bool link_path_parse(const char *text, link_path *p);

/* 0, -ENOENT (no table: the sim has no impaired link and never had),
 * -EINVAL (a line that does not read), or -errno. */
int links_read(const char *sim, link_table *t);
int links_write(const char *sim, const link_table *t);
void links_free(link_table *t);
link_entry *links_find(const link_table *t, const char *node, const char *network);
/* Add an entry (zeroed but for the names); NULL when out of memory. */
link_entry *links_add(link_table *t, const char *node, const char *network,
		      size_t port_index, unsigned k);
void links_remove(link_table *t, link_entry *e);

/* The names of attachment K of the node whose ports are numbered
 * port_index: nI-K, rI-K, bI-K, ethK. */
void links_names(size_t port_index, unsigned k, char port[16], char relay[16],
		 char bridge_side[16], char ifname[16]);

/* Decide LINK_PATH_AUTO in the sim's switch namespace by adding (and
 * removing) a netem qdisc on its loopback: t->path and t->why set.  -1
 * with a message in err when netem was asked for and is missing. */
int links_choose_path(nl_sock *sw, link_table *t, char *err, size_t errsz);

/* netem: the values of e on both ends (removed when e impairs nothing). */
int links_netem_apply(nl_sock *sw, nl_sock *node, const link_entry *e);

/* relay: take `port` out of bridge `bridge` and join the relay's pair
 * (made here) to it; or back.  swfd: the switch namespace. */
int links_relay_plumb(nl_sock *sw, int swfd, const char *port, const char *relay,
		      const char *bridge_side, int bridge);
int links_relay_unplumb(nl_sock *sw, const char *port, const char *relay, int bridge);

#endif
