/* Pictures of a topology as Graphviz DOT (`sim graph`): the network map
 * (networks, routers, servers by role, hosts) and the delegation tree
 * (which zone is delegated from which, served by which nodes). */
#ifndef DNSIM_DRAW_GRAPH_H
#define DNSIM_DRAW_GRAPH_H

#include <stdio.h>

#include "topo/topo.h"

void graph_network_map(FILE *f, const topo *t);
void graph_delegation_tree(FILE *f, const topo *t);

#endif
