/* Taking a sim down from its state log alone: stop the monitor and every
 * process we started (by PID, checked against its start time), any
 * process still inside one of its namespaces, then remove the
 * namespaces, their /etc/netns folders and the state folder.  Works
 * after a crash at any point of `up`. */
#ifndef DNSIM_NETNS_TEARDOWN_H
#define DNSIM_NETNS_TEARDOWN_H

#include <stdio.h>

/* Returns 0, or the number of things that could not be removed (each
 * explained on `err`). */
int teardown(const char *sim, FILE *err);

#endif
