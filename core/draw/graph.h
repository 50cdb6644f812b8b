/* Pictures of a topology as Graphviz DOT (`sim graph`): the network map
 * (networks, routers, servers by role, hosts) and the delegation tree
 * (which zone is delegated from which, served by which nodes). */
#ifndef DNSIM_DRAW_GRAPH_H
#define DNSIM_DRAW_GRAPH_H

#include <stdio.h>

#include "netns/links.h"
#include "topo/topo.h"

/* How a node is drawn, the same on every map: its role ("root server",
 * "resolver", the command it runs, ...), a short kind for style sheets
 * ("router", "root", "tld", "auth", "resolver", "command", "host"), the
 * Graphviz shape and the fill colour. */
typedef struct graph_look {
	const char *role, *kind, *shape, *color;
} graph_look;

graph_look graph_node_look(const topo_node *n);

/* Impaired links are drawn dashed and red, labelled with what they add:
 * the values of `live` (a running sim's link table) when given, else
 * those of the topology. */
void graph_network_map(FILE *f, const topo *t, const link_table *live);
void graph_delegation_tree(FILE *f, const topo *t);

#endif
