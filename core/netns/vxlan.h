/* The tunnels of one machine's part of a sim (topo/machines.h), made of
 * the kernel's VXLAN over netlink.
 *
 * For each network that has nodes here and on another machine, the
 * switch namespace gets a VXLAN device "vxlan.I" (I: the network's
 * index; no network or port name has a dot): unicast, VNI vni_base + I,
 * UDP port 4789, its socket in the underlay namespace (the machine's
 * own, or `up --underlay-netns NAME`'s), one all-zeros forwarding entry
 * per other machine with nodes on the network (broadcasts and unknown
 * destinations go to each; the bridge learns the rest), enslaved to the
 * network's bridge.  Every link of such a network -- the bridge, the
 * VXLAN device, both ends of each local node's veth -- gets the
 * underlay's MTU less the tunnel's headers, so nothing fragments.
 *
 * The state log gets "vxlan NAME" before each device is made; `down`
 * deletes them (vxlan_teardown) before the namespaces, so that the
 * underlay's UDP socket is gone when `down` returns.
 *
 * The part's file /run/dnsim/SIM/part, written by `up --machine`:
 *   machine NAME UNDERLAY UNDERLAY_NETNS|- MTU
 *   peer NAME UNDERLAY        (each machine a tunnel goes to)
 *   remote NODE MACHINE       (each node of another machine) */
#ifndef DNSIM_NETNS_VXLAN_H
#define DNSIM_NETNS_VXLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "topo/topo.h"

#define VXLAN_PART_FILE "part"

/* The VXLAN device of network `net`. */
void vxlan_device_name(size_t net, char out[16]);

/* The MTU the tunnelled links of part t get: the underlay interface
 * holding this machine's address (in namespace underlay_ns, NULL: ours)
 * found and its MTU read.  0 (*mtu 0 when no network spans machines),
 * or -1 with why in err -- `up` asks before it builds anything. */
int vxlan_links_mtu(const topo *t, const char *underlay_ns, unsigned *mtu, char *err,
		    size_t errsz);

/* Build the tunnels of part t (t->part set, its switch and nodes built
 * already): 0, or -1 with what failed in err.  *mtu: the links' MTU
 * (0 when no network spans machines). */
int vxlan_build(const topo *t, int statefd, const char *underlay_ns, unsigned *mtu,
		char *err, size_t errsz);

/* Delete the VXLAN devices sim's state log lists (none: nothing to do);
 * returns the number of problems, each told on `err`. */
int vxlan_teardown(const char *sim, FILE *err);

/* The part's file. */
typedef struct vxlan_peer {
	char name[TOPO_NAME_MAX + 1];
	char underlay[64];
} vxlan_peer;

typedef struct vxlan_remote {
	char node[TOPO_NAME_MAX + 1];
	char machine[TOPO_NAME_MAX + 1];
} vxlan_remote;

typedef struct vxlan_part {
	char machine[TOPO_NAME_MAX + 1];
	char underlay[64];
	char underlay_ns[128];     /* "" : the machine's own namespace */
	unsigned mtu;
	vxlan_peer *peers;
	size_t npeers;
	vxlan_remote *remote;
	size_t nremote;
} vxlan_part;

/* The machines part t has tunnels to: marks in peer[] (nmachines). */
void vxlan_peers_of(const topo *t, bool *peer);

int vxlan_part_write(const char *sim, const topo *t, const char *underlay_ns, unsigned mtu);
/* 0, -ENOENT (the sim is not a part: all of it runs here), or -errno. */
int vxlan_part_read(const char *sim, vxlan_part *p);
void vxlan_part_free(vxlan_part *p);
/* The machine of node `node` when it is another machine's, else NULL. */
const char *vxlan_part_remote(const vxlan_part *p, const char *node);
/* The underlay address of machine `name` in the part's file, or "?". */
const char *vxlan_part_underlay(const vxlan_part *p, const char *machine);

#endif
