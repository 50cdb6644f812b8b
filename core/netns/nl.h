/* Route netlink, the few requests the builder makes: bridges, veth pairs
 * (each end made directly in its namespace), links up, addresses and
 * routes.  A socket belongs to the namespace it was opened in, so the
 * builder keeps one per namespace and never has to enter it again. */
#ifndef DNSIM_NETNS_NL_H
#define DNSIM_NETNS_NL_H

#include <stdbool.h>
#include <stdint.h>

#include "io/addr.h"
#include "topo/topo.h"

typedef struct nl_sock {
	struct mnl_socket *mnl;
	unsigned portid, seq;
} nl_sock;

/* Open a socket in the namespace `nsfd` (-1: the current one).  Every
 * function returns 0 or a negative errno. */
int nl_open(nl_sock *s, int nsfd);
void nl_close(nl_sock *s);

int nl_ifindex(nl_sock *s, const char *name);       /* > 0, or -errno */
/* The link `name`'s index (> 0) and its link-layer address. */
int nl_link_mac(nl_sock *s, const char *name, uint8_t mac[6]);
/* No IPv6 address made by the kernel on the link when it comes up (no
 * link-local address, so none waiting for duplicate address detection):
 * the builder adds its own.  Ask before the link is up. */
int nl_link_no_addrconf(nl_sock *s, int ifindex);
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

/* The same made or replaced (a route that moves); and removed (0 when
 * there was none). */
int nl_route_replace(nl_sock *s, int family, const uint8_t *dst, unsigned len,
		     const net_addr *gw);
int nl_route_del(nl_sock *s, int family, const uint8_t *dst, unsigned len);

/* Enslave a link to the bridge `master`, or free it (master 0). */
int nl_link_set_master(nl_sock *s, int ifindex, int master);
int nl_link_del(nl_sock *s, int ifindex);

/* A netem root qdisc on the link, made or replaced with these values
 * (delay and jitter in ns, loss as netem's 32-bit probability, rate in
 * bytes per second as netem counts it); -EOPNOTSUPP or -ENOENT when the
 * kernel has no sch_netem. */
int nl_netem_set(nl_sock *s, int ifindex, const topo_impair *im);
/* Remove the link's root qdisc (0 when there was none). */
int nl_qdisc_del_root(nl_sock *s, int ifindex);

/* For requests this file does not make (netns/vxlan.c): a header in buf
 * (NL_REQUEST_BUF bytes) of a request that asks for an acknowledgement,
 * and the exchange: sent, then every answer handed to `cb` (NULL: none
 * wanted) until the ack or a dump's end.  0 or a negative errno. */
#define NL_REQUEST_BUF 8192
struct nlmsghdr;
typedef int (*nl_answer_fn)(const struct nlmsghdr *nlh, void *data);
struct nlmsghdr *nl_request_start(nl_sock *s, char *buf, uint16_t type, uint16_t flags);
int nl_request(nl_sock *s, struct nlmsghdr *nlh, nl_answer_fn cb, void *data);

#endif
