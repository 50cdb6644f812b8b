/* One machine's part of a sim on several machines (topo/machines.h,
 * netns/vxlan.h), as the verbs see it.
 *
 * `up FILE --machine NAME` builds machine NAME's nodes and its tunnels
 * to the others.  The part is a sim of its own on its machine, named
 * SIM-NAME (the sim's name, then the machine's): its run folder
 * /run/dnsim/SIM-NAME/, its namespaces SIM-NAME-NODE and
 * SIM-NAME.switch.  So two parts of one sim can run on one machine (the
 * tests do, each over its own underlay namespace), and `down` of one
 * leaves the other alone. */
#ifndef DNSIM_SIM_PART_H
#define DNSIM_SIM_PART_H

#include <stddef.h>

#include "netns/nodelist.h"
#include "topo/topo.h"

/* Make t machine `machine`'s part, renamed SIM-MACHINE; underlay_ns
 * (NULL: the machine's own namespace) must exist.  0, or 1 after a
 * message. */
int part_select(topo *t, const char *machine, const char *underlay_ns);

/* After the part's nodes are built: its tunnels and its file.  0, or -1
 * with what failed in err; *mtu the tunnelled links' MTU (0: none). */
int part_build(const topo *t, int statefd, const char *underlay_ns, unsigned *mtu,
	       char *err, size_t errsz);

/* The split (`check`): each machine's nodes, the networks that span. */
void part_print_split(const topo *t);

/* What `up` says of the part: its nodes and tunnels, and each peer
 * probed, with a warning on stderr naming the missing ones. */
void part_report_up(const topo *t, const char *underlay_ns, unsigned mtu);

/* A running part's topology (loaded whole): made that part again, so
 * that its nodes are told from the others'. */
void part_apply(const char *sim, topo *t);

/* What `status` adds for a part (nothing for a whole sim). */
void part_status(const char *sim);

/* A part's node list (nodelist_read) put in the topology's order, the
 * order its switch ports are numbered in ("nI-K": node I): another
 * machine's node gets an empty name.  A whole sim's list is in that
 * order already and is left as it is.  0, or -errno. */
int part_nodes_by_index(const char *sim, node_line **nodes, size_t *n);

/* A part's view of the other machines' nodes: their names, services
 * and addresses, for naming what comes across the tunnels (a malloc'd
 * list in *out; none for a whole sim).  0, or -errno. */
int part_remote_nodes(const char *sim, node_line **out, size_t *n);

/* When `node` is another machine's node: a message saying which
 * machine holds it, and 1; else 0. */
int part_remote_node(const char *sim, const char *node);

#endif
