/* What each node is given as files: its daemon's config (and the root
 * hints and derived zones it reads), and the resolv.conf and hosts that
 * tools inside its namespace see. */
#ifndef DNSIM_TOPO_RENDER_H
#define DNSIM_TOPO_RENDER_H

#include <stddef.h>

#include "topo/delegation.h"
#include "topo/routes.h"
#include "topo/topo.h"

/* Write node n's daemon config into `dir` (an existing folder) and
 * return its argv (NULL-terminated, malloc'd, free with render_argv_free)
 * through *argv; nodes without a service get NULL.  `bindir` holds the
 * dnsim-auth and dnsim-resolver programs; `zones` the topology's zones
 * (delegation_zones_load).  0, or -1 with err set. */
int render_service(const topo *t, const zone_set *zones, const topo_node *n,
		   const char *dir, const char *bindir, char ***argv, char *err,
		   size_t errsz);
void render_argv_free(char **argv);

/* resolv.conf and hosts text for node n (malloc'd). */
char *render_resolv_conf(const topo *t, const routes *r, const topo_node *n);
char *render_hosts(const topo *t, const topo_node *n);

#endif
