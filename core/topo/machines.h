/* A sim over several machines: which machine runs which node, and what
 * the networks between machines need.
 *
 * A topology names its machines in [sim] machines = ["m1", "m2"] and in
 * [machine.NAME] tables (underlay = "ADDRESS", ssh = "user@host"), and
 * may pin a node with `machine = "m2"`.  Every node without a machine
 * is placed by one stable rule: in the order the file lists the nodes,
 * each goes to the machine that holds the fewest nodes so far (the
 * pinned ones counted first), ties going to the machine named first
 * ([sim] machines first, then the [machine.NAME] tables in file order).
 * The same file gives the same split on every machine.
 *
 * A network with nodes on more than one machine "spans": each machine's
 * part joins its bridge to the others' with a VXLAN device (network i
 * has VNI vni_base + i), so every link of it loses the VXLAN header's
 * bytes from the underlay's MTU. */
#ifndef DNSIM_TOPO_MACHINES_H
#define DNSIM_TOPO_MACHINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "toml/toml.h"
#include "topo/model.h"
#include "topo/topo.h"

#define MACHINES_VNI_DEFAULT 10000u
#define MACHINES_VNI_MAX 16777215u      /* 24 bits */
#define MACHINES_VXLAN_PORT 4789       /* IANA's VXLAN port */

/* Read [sim] machines and vni_base, the [machine.NAME] tables and each
 * node's `machine` from the parsed file `root` into t (whose nodes are
 * parsed already, in file order), then place every node.  false with
 * "PATH:LINE:COL: message" in err. */
bool machines_parse(topo *t, const toml_value *root, const char *path, char *err,
		    size_t errsz);

/* Place the nodes whose machine is SIZE_MAX by the rule above (nothing
 * when t has no machines). */
void machines_assign(topo *t);

/* The machine called `name`, or SIZE_MAX. */
size_t machines_find(const topo *t, const char *name);

/* Make t the part of machine `name` (`up --machine NAME`).  false with a
 * message naming the machines there are. */
bool machines_select(topo *t, const char *name, char *err, size_t errsz);

/* Does this process build node i: the whole sim, or a node of its part? */
bool machines_node_here(const topo *t, size_t node);

/* Does network `net` have nodes on machine m (m SIZE_MAX: on none)? */
bool machines_network_on(const topo *t, size_t net, size_t m);

/* Does network `net` have nodes on more than one machine? */
bool machines_network_spans(const topo *t, size_t net);

/* The VNI of network `net`. */
uint32_t machines_vni(const topo *t, size_t net);

/* The MTU of a spanning network's links over an underlay of MTU
 * `underlay_mtu` of this address family: less the outer IP, UDP and
 * VXLAN headers and the inner Ethernet header (50 bytes over IPv4, 70
 * over IPv6); 0 when the underlay is too small to carry IPv4's minimum
 * of 576 bytes (IPv6 needs 1280, which the caller checks when used). */
unsigned machines_overlay_mtu(unsigned underlay_mtu, int family);

/* The machines' own problems a topology check reports: zones signed
 * with keys made at `up` (each part would make its own), secondaries
 * whose primary is on another machine (each part makes its own TSIG
 * keys).  Returns the number of errors. */
unsigned machines_check(const topo_model *m, topo_report_fn report, void *ctx);

#endif
