/* Pictures of a topology as Graphviz DOT (`sim graph`): the network map
 * (networks, routers, servers by role, hosts) and the delegation tree
 * (which zone is delegated from which, served by which nodes). */
#ifndef DNSIM_DRAW_GRAPH_H
#define DNSIM_DRAW_GRAPH_H

#include <stdio.h>

#include "netns/links.h"
#include "topo/topo.h"

/* Impaired links are drawn dashed and red, labelled with what they add:
 * the values of `live` (a running sim's link table) when given, else
 * those of the topology. */
void graph_network_map(FILE *f, const topo *t, const link_table *live);
void graph_delegation_tree(FILE *f, const topo *t);

#endif
