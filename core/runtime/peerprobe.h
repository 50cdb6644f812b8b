/* Is another machine's part of a sim there?  Two probes, each from
 * inside a namespace of ours:
 *  - across the tunnel: an echo request (ICMP or ICMPv6) from a node of
 *    this part to a node of the other on a network they share, which
 *    only the other part, up and reachable over VXLAN, answers;
 *  - on the underlay: one UDP datagram to the peer's VXLAN port, which
 *    a host with no VXLAN socket refuses (ICMP port unreachable) and an
 *    unreachable one reports as such: why the first probe failed. */
#ifndef DNSIM_RUNTIME_PEERPROBE_H
#define DNSIM_RUNTIME_PEERPROBE_H

#include <stdbool.h>

#include "io/addr.h"

/* Echo requests to `to` from inside the named namespace, `tries` of
 * them, each awaited wait_ms: true at the first answer. */
bool peerprobe_ping(const char *ns, const net_addr *to, unsigned tries, unsigned wait_ms);

/* One datagram to to:port from the namespace `ns` (NULL: ours), an
 * answer awaited wait_ms: 0 when none came (something took it, or a
 * firewall dropped it), else the error it brought back (-ECONNREFUSED:
 * nothing listens; -EHOSTUNREACH, -ENETUNREACH: no way there), or the
 * error of sending it. */
int peerprobe_udp(const char *ns, const net_addr *to, unsigned port, unsigned wait_ms);

#endif
