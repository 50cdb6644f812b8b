/* Route netlink, the few requests the builder makes: bridges, veth pairs
 * (each end made directly in its namespace), links up, addresses and
 * routes.  A socket belongs to the namespace it was opened in, so the
 * builder keeps one per namespace and never has to enter it again. */
#ifndef DNSIM_NETNS_NL_H
#define DNSIM_NETNS_NL_H

#include <stdbool.h>
#include <stdint.h>

#include "io/addr.h"

typedef struct nl_sock {
	struct mnl_socket *mnl;
	unsigned portid, seq;
} nl_sock;

/* Open a socket in the namespace `nsfd` (-1: the current one).  Every
 * function returns 0 or a negative errno. */
int nl_open(nl_sock *s, int nsfd);
void nl_close(nl_sock *s);

int nl_ifindex(nl_sock *s, const char *name);       /* > 0, or -errno */
int nl_link_up(nl_sock *s, int ifindex);
int nl_link_set(nl_sock *s, int ifindex, bool up);
int nl_bridge_add(nl_sock *s, const char *name);    /* created up */
/* A veth pair: `name` here (enslaved to `master` when > 0, up), `peer`
 * created directly in the namespace `peer_nsfd` (up). */
int nl_veth_add(nl_sock *s, const char *name, int master, const char *peer,
		int peer_nsfd);
int nl_addr_add(nl_sock *s, int ifindex, const net_addr *a, unsigned prefixlen);
/* A route to prefix dst/len via gateway gw. */
int nl_route_add(nl_sock *s, int family, const uint8_t *dst, unsigned len,
		 const net_addr *gw);

#endif
