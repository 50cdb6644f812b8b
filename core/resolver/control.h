/* The resolver's control socket (a Unix stream socket): one command per
 * connection, answered in text, then closed.
 *
 *   stats              counters, one "key value" per line
 *   dump               the cache, one record per line, TTLs as they are now
 *   flush              empty the cache
 *   flush NAME         forget NAME (every type)
 *   flush-tree NAME    forget NAME and everything below it
 */
#ifndef DNSIM_RESOLVER_CONTROL_H
#define DNSIM_RESOLVER_CONTROL_H

#include "resolver/resolver.h"

/* Listen on `path` (replacing a stale socket); -1 with errno. */
int control_listen(const char *path);

/* Serve one connection waiting on the listening socket. */
void control_accept(resolver *r, int lfd);

/* The client side: send a command to a running resolver and copy its
 * answer to stdout.  Returns the exit status. */
int control_client(const char *path, int argc, char **argv);

#endif
