/* Reverse DNS, derived from the topology: in-addr.arpa and ip6.arpa zones
 * for every network and a PTR record for every node address, so that
 * `dig -x ADDRESS` answers in any sim without a reverse zone written by
 * hand.
 *
 * The zones:
 *   - in-addr.arpa. and ip6.arpa., served by the root servers (the nodes
 *     that serve "." and have a hostname) and delegated from the root
 *     zone like any other child (topo/delegation.h);
 *   - for each network, the zones at the octet (IPv4) or nibble (IPv6)
 *     boundary that cover its prefix (a /24 -> one zone, a /20 -> sixteen
 *     /24 zones, a /64 -> one ip6.arpa zone sixteen nibbles deep), served
 *     by the nodes its `reverse` key names, or by the root servers;
 *   - RFC 2317 classless delegation for IPv4 networks longer than /24:
 *     the /24's zone is served by the servers of the largest network in
 *     that /24; a smaller network with servers of its own gets the zone
 *     "FIRST/BITS.C.B.A.in-addr.arpa." (e.g. 64/27.113.0.203.in-addr.arpa.),
 *     delegated from the /24's zone, which holds a CNAME into it for every
 *     host address of the block.
 * A zone some node serves from a file is not derived: the file is the
 * zone, and the PTRs and CNAMEs it lacks are added to the copy its
 * servers read, so a record written by hand overrides the derived one.
 *
 * The PTR target of an address is a name the forward zones give it (an
 * A or AAAA record with that address; the node's hostname and names that
 * start with the node's name first, glue and views last), else the
 * node's hostname; an address with neither gets no PTR.
 *
 * `[sim] reverse = false` switches all of it off.  Pure, like the rest
 * of the model. */
#ifndef DNSIM_TOPO_REVERSE_H
#define DNSIM_TOPO_REVERSE_H

#include <stdbool.h>
#include <stddef.h>

#include "dns/name.h"
#include "dns/zonedata.h"
#include "topo/topo.h"
#include "topo/zones.h"

/* Add the derived reverse zones to the nodes that serve them (entries
 * with `derived` set), before the zones load.  false when out of memory. */
bool reverse_derive(topo *t);

/* Put the apex of derived zone tz (SOA, and an NS record for the
 * hostname of every node that serves it) into zd, initialised and not
 * finished.  false when out of memory. */
bool reverse_apex(const topo *t, const topo_zone *tz, dns_zonedata *zd);

/* Add to `out` (the copy being made of zone `self`, a file's or a
 * derived one) the PTR records and RFC 2317 CNAMEs that belong in it
 * and that its data has nothing at.  Returns how many were added, or -1
 * with a message in err. */
int reverse_add(const topo *t, const topo_zones *zones, const topo_zone_data *self,
		dns_zonedata *out, char *err, size_t errsz);

/* Check the `reverse` keys of the networks (each names an auth node with
 * a hostname).  Returns the number of errors, each told to report. */
unsigned reverse_check(const topo *t, topo_report_fn report, void *ctx);

/* The reverse name of an address: "10.113.0.203.in-addr.arpa." or the
 * 32 nibbles of an IPv6 address under ip6.arpa. */
bool reverse_name(const net_addr *a, dns_name *out);

/* The name the forward zones give address `a` of node n (see above), in
 * *out; false when it has none.  An anycast instance's hostname names
 * only its anycast addresses, never its own. */
bool reverse_ptr_target(const topo_zones *zones, const topo_node *n, const net_addr *a,
			dns_name *out);

#endif
