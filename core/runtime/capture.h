/* Watching a node's DNS traffic as it happens: a packet socket inside
 * the node's namespace, read into wire messages (stream/capture.h).
 * `sim trace` uses it for resolvers that write no trace of ours. */
#ifndef DNSIM_RUNTIME_CAPTURE_H
#define DNSIM_RUNTIME_CAPTURE_H

#include <stddef.h>

#include "stream/capture.h"

/* Start capturing every packet of namespace `ns` (but its loopback's);
 * a descriptor, or -errno. */
int capture_open(const char *ns);

/* Every DNS message captured so far, waiting up to quiet_ms for more
 * after the last one: a malloc'd array in *out (their number returned),
 * in the order seen, times in milliseconds since an arbitrary start. */
size_t capture_drain(int fd, int quiet_ms, wire_msg **out);

#endif
