/* The link relay (dnsim-linkd): the portable path of link impairments,
 * for kernels without sch_netem.  One process per sim, in its switch
 * namespace.  For every impaired attachment of the link table
 * (netns/links.h) it holds two AF_PACKET sockets, on the node's port
 * nI-K and on its own port rI-K (whose peer is on the bridge), and moves
 * each frame from one to the other through a topo/shaper per direction:
 * lost, refused, or queued until its departure time.  One epoll loop: the
 * sockets (recvmmsg batches), a timerfd armed at the earliest departure
 * of a min-heap, the control socket, signals.  Nothing in the packet
 * path sleeps; a socket that cannot take a frame drops it.
 *
 * Frames cross with their virtio-net header (PACKET_VNET_HDR), so that
 * segmentation offload and checksums the kernel left for later travel
 * with them and are finished when they leave.
 *
 * Control socket /run/dnsim/SIM/linkd.sock, one line per connection:
 *   ping     -> "ok"
 *   reload   -> re-read the table: new links opened, changed values in
 *               force at once (queued frames keep their times), links
 *               gone closed; "ok N links" or "error: ..."
 *   stats    -> one line a link: NODE NETWORK then, toward the node and
 *               from it, frames passed, lost, refused (queue full) */
#ifndef DNSIM_RUNTIME_RELAY_H
#define DNSIM_RUNTIME_RELAY_H

/* Run the relay of `sim` (already inside its switch namespace) until
 * SIGTERM or SIGINT; SIGHUP reloads.  Once its links are open and its
 * control socket listens, writes "ready\n" to ready_fd (-1: none) and
 * closes it.  Returns the exit status. */
int relay_run(const char *sim, int ready_fd);

/* One command to a sim's relay; the reply (malloc'd) or NULL with errno
 * set (ENOENT, ECONNREFUSED: no relay is listening). */
char *relay_call(const char *sim, const char *command, int timeout_ms);

#endif
