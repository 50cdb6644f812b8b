/* The web view's pictures as JSON: the network map (the same model and
 * the same looks as graph.h's Graphviz map) and a resolution's hops
 * (the same list seqdiag.h draws as text). */
#ifndef DNSIM_DRAW_JSON_H
#define DNSIM_DRAW_JSON_H

#include <stdio.h>

#include "draw/hops.h"
#include "netns/links.h"
#include "topo/topo.h"

/* {"sim":..., "networks":[{"name","v4","v6"}...], "nodes":[{"name",
 * "role","kind","color","service","router","hostname","zones":[...],
 * "resolver","links":[{"network","addrs":[...],"impair"}]}...]}.
 * Impairments are those of `live` when given, else the topology's. */
void json_network_map(FILE *f, const topo *t, const link_table *live);

/* {"lanes":[...], "hops":[{"kind","from","to","label","at","took"}...],
 * "found", "cache_hit"}; kind is "query", "reply", "lost" or "note". */
void json_hops(FILE *f, const hop_list *l);

/* A JSON string, quotes included. */
void json_string(FILE *f, const char *s);

#endif
