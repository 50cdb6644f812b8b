/* What a node's service is started with: its files written into the
 * sim's folder (the daemon's config, root hints, the zone copies its
 * server reads) and the command line that starts it. */
#ifndef DNSIM_RUNTIME_SERVICE_H
#define DNSIM_RUNTIME_SERVICE_H

#include <stdbool.h>
#include <stddef.h>

#include "topo/model.h"

/* Write node n's files into `dir` (an existing folder; zone copies go
 * to its ../../zones, shared by the servers of one file) and return its
 * argv (NULL-terminated, malloc'd, free with service_argv_free) through
 * *argv; nodes without a service get NULL.  `bindir` holds dnsim-auth,
 * dnsim-resolver and dnsim-stub.  0, or -1 with err set. */
int service_prepare(const topo_model *m, const topo_node *n, const char *dir,
		    const char *bindir, char ***argv, char *err, size_t errsz);

/* Where node n's service answers the DNS query that shows it is ready:
 * its first address, or for a host's stub 127.0.0.53 inside the node.
 * false when it has none. */
bool service_probe_addr(const topo_node *n, net_addr *out);

/* argv made of `n` words (copied), NULL when out of memory. */
char **service_argv(size_t n, const char *const *words);
void service_argv_free(char **argv);

#endif
