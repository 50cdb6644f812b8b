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

/* The topology's zones, loaded once for the renderers below. */
typedef struct zone_set zone_set;
zone_set *delegation_zones_load(const topo *t);
void delegation_zones_free(zone_set *s);

/* Check every delegation and the root hints; returns the error count. */
unsigned delegation_check(const topo *t, const routes *r, topo_report_fn report,
			  void *ctx);

/* Write the master-file text node n should serve for its zone z: the
 * original file included, then the delegations it lacks.  Returns 0
 * when nothing is missing (serve the original file), 1 when text was
 * written to out, -1 on error (message in err). */
int delegation_render_zone(const topo *t, const zone_set *zones, const topo_node *n,
			   const topo_zone *z, FILE *out, char *err, size_t errsz);

/* Write named.root-style root hints; false with a message in err. */
bool delegation_root_hints(const topo *t, const zone_set *zones, FILE *out, char *err,
			   size_t errsz);

#endif
