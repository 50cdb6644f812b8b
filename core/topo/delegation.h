/* Delegations and root hints, derived from the topology.
 *
 * A parent zone file may leave out the NS and glue records of a child
 * zone that some node in the topology serves: the supervisor adds them,
 * taken from the child's own apex NS records and the addresses of the
 * nodes that serve it.  A delegation the parent does write must agree
 * with the topology: every nameserver it names must have an address, and
 * that address must belong to a node that serves the child.  The root
 * hints every resolver starts from are made the same way from the root
 * zone's apex NS records. */
#ifndef DNSIM_TOPO_DELEGATION_H
#define DNSIM_TOPO_DELEGATION_H

#include <stdio.h>

#include "topo/routes.h"
#include "topo/topo.h"
#include "topo/zones.h"

/* Check every delegation and the root hints; returns the error count. */
unsigned delegation_check(const topo *t, const routes *r, const topo_zones *zones,
			  topo_report_fn report, void *ctx);

/* Add to `out` (node n's copy of its zone tz, not yet finished) the
 * delegations the zone's file lacks: NS records from each child's apex,
 * and glue for nameservers inside the zone.  Returns how many NS records
 * were added (0: the file has them all), or -1 with a message in err. */
int delegation_add(const topo *t, const topo_zones *zones, const topo_node *n,
		   const topo_zone *tz, dns_zonedata *out, char *err, size_t errsz);

/* Write named.root-style root hints; false with a message in err. */
bool delegation_root_hints(const topo *t, const topo_zones *zones, FILE *out, char *err,
			   size_t errsz);

#endif
