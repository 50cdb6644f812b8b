/* Sockets the daemons share: listeners, and the signals they take. */
#ifndef DNSIM_IO_SOCK_H
#define DNSIM_IO_SOCK_H

#include <stdbool.h>

#include "io/addr.h"

/* A non-blocking UDP (SOCK_DGRAM) or TCP (SOCK_STREAM, listening)
 * socket bound to `a`; -1 with errno set on failure.  IPv6 sockets are
 * IPv6-only, so the same port can also be bound on IPv4. */
int sock_listen(const net_addr *a, int type);

/* Block SIGHUP, SIGTERM, SIGINT, SIGUSR1 and return a signalfd that
 * reports them (SIGPIPE is ignored); -1 on failure. */
int sock_signals(void);

#endif
