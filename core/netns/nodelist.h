/* The node list of a running sim (/run/dnsim/SIM/nodes.list), one line
 * a node: "NODE SERVICE ROUTER ADDR,ADDR...".  `up` writes it from the
 * topology, `register` adds the hosts and servers it makes, and every
 * verb that names a node reads it (a sim's nodes without its topology). */
#ifndef DNSIM_NETNS_NODELIST_H
#define DNSIM_NETNS_NODELIST_H

#include <stdbool.h>
#include <stddef.h>

#include "topo/topo.h"

typedef struct node_line {
	char name[TOPO_NAME_MAX + 1];
	char service[16];
	bool router;
	char addrs[512];
} node_line;

/* Read the list (malloc'd array in *out); 0 or -errno. */
int nodelist_read(const char *sim, node_line **out, size_t *n);

/* Replace the list with these lines; 0 or -errno. */
int nodelist_write(const char *sim, const node_line *nodes, size_t n);

/* The list of topology t, for sim t->name; 0 or -errno. */
int nodelist_from_topo(const topo *t);

const node_line *nodelist_find(const node_line *nodes, size_t n, const char *name);

/* The node whose address this is (text form), or NULL. */
const node_line *nodelist_find_addr(const node_line *nodes, size_t n, const char *addr);

#endif
