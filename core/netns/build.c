/* Building namespaces, links, addresses and routes over netlink. */
#include "netns/build.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netns/anyroute.h"
#include "io/readfile.h"
#include "netns/links.h"
#include "netns/netns.h"
#include "netns/nl.h"
#include "topo/impair.h"
#include "topo/machines.h"
#include "topo/render.h"
#include "netns/state.h"

#define LOOPBACK_IFINDEX 1   /* a new namespace's first device, always */

typedef struct builder {
	const topo *t;
	const routes *r;
	int statefd;
	nl_sock sw;              /* in the switch namespace */
	int *bridge;             /* ifindex per network */
	size_t port_index;       /* SIZE_MAX: the node's index in the topology */
	link_table *links;       /* impaired links made so far; NULL: none */
	int swfd;                /* the switch namespace (relay plumbing) */
	int nsfile;              /* O_PATH: the inode every /run/netns file shares */
	anyroute any;            /* anycast addresses and their routes */
	char *err;
	size_t errsz;
	/* The trust anchor's files for host tools (NULL: the root is not
	 * signed), read once. */
	char *anchor, *bind_keys;
} builder;

/* The sim's trust anchor files, if its root is signed. */
static void read_anchors(builder *b)
{
	char path[512];
	size_t len;
	state_path(path, sizeof path, b->t->name, BUILD_ROOT_ANCHOR);
	if (io_read_file(NULL, path, &b->anchor, &len) != 0)
		b->anchor = NULL;
	state_path(path, sizeof path, b->t->name, BUILD_BIND_KEYS);
	if (io_read_file(NULL, path, &b->bind_keys, &len) != 0)
		b->bind_keys = NULL;
}

static void free_anchors(builder *b)
{
	free(b->anchor);
	free(b->bind_keys);
}

static int fail(builder *b, const char *node, const char *what, int rc)
{
	snprintf(b->err, b->errsz, "%s%s%s%s: %s", node ? "node " : "", node ? node : "",
		 node ? ": " : "", what, strerror(-rc));
	return -1;
}

/* Make a namespace, logging it first. */
static int make_ns(builder *b, const char *name, const char *node)
{
	/* Someone else's namespace of that name is never logged as ours
	 * (so never removed by a rollback): look before logging, and if it
	 * appears in between, log that it is not ours. */
	int fd = netns_inode(name) ? -EEXIST : 0;
	if (fd == 0) {
		int rc = state_record(b->statefd, "netns %s", name);
		if (rc < 0)
			return fail(b, node, "writing the state log", rc);
		fd = netns_create_linked(name, &b->nsfile);
		if (fd == -EEXIST)
			state_record(b->statefd, "notours %s", name);
	}
	if (fd == -EEXIST) {
		snprintf(b->err, b->errsz, "%s%s%snamespace %s already exists (another "
			 "sim or a leftover: `ip netns list`)", node ? "node " : "",
			 node ? node : "", node ? ": " : "", name);
		return -1;
	}
	if (fd < 0)
		return fail(b, node, "creating its namespace", fd);
	return fd;
}

/* A network's bridge: its own name when that fits an interface name. */
static void bridge_name(const topo *t, size_t net, char *out, size_t n)
{
	if (strlen(t->networks[net].name) <= 15)
		snprintf(out, n, "%s", t->networks[net].name);
	else
		snprintf(out, n, "net%zu", net);
}

void build_bridge_name(const topo *t, size_t net, char *out, size_t n)
{
	bridge_name(t, net, out, n);
}

static int build_switch(builder *b)
{
	char name[128];
	netns_switch_name(name, sizeof name, b->t->name);
	int fd = make_ns(b, name, NULL);
	if (fd < 0)
		return -1;
	int rc = nl_open(&b->sw, fd);
	b->swfd = fd;
	if (rc < 0)
		return fail(b, NULL, "opening netlink in the switch namespace", rc);
	if ((rc = nl_link_up(&b->sw, LOOPBACK_IFINDEX)) < 0)
		return fail(b, NULL, "bringing up the switch's loopback", rc);
	/* Bridges, their ports and the relay's pairs move frames and need
	 * no IPv6 of their own (made later too: `link set` adds relay
	 * pairs at run time).  With it, every port of the sim would get a
	 * link-local address and route in this one namespace, send its own
	 * MLD and DAD packets into the sim, and each IPv6 packet the bridges
	 * hand up would walk a route list as long as the sim: quadratic in
	 * the node count.  A kernel without IPv6 has nothing to turn off. */
	rc = netns_sysctl(fd, "/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	if (rc < 0 && rc != -ENOENT)
		return fail(b, NULL, "turning off IPv6 for the switch's own links", rc);
	for (size_t i = 0; i < b->t->nnetworks; i++) {
		char br[40];
		const char *net = b->t->networks[i].name;
		bridge_name(b->t, i, br, sizeof br);
		if ((rc = nl_bridge_add(&b->sw, br)) < 0 ||
		    (rc = nl_ifindex(&b->sw, br)) < 0) {
			char what[80];
			snprintf(what, sizeof what, "creating the bridge of network %s", net);
			return fail(b, NULL, what, rc);
		}
		b->bridge[i] = rc;
	}
	if (b->links && links_choose_path(&b->sw, b->links, b->err, b->errsz) < 0)
		return -1;
	return 0;
}

static int node_routes(builder *b, const topo_node *n, nl_sock *s)
{
	for (size_t dst = 0; dst < b->t->nnetworks; dst++) {
		const topo_network *net = &b->t->networks[dst];
		for (int fam = 0; fam < 2; fam++) {
			if (fam == 0 ? !net->has_v4 : !net->has_v6)
				continue;
			const net_prefix *p = fam == 0 ? &net->v4 : &net->v6;
			const topo_addr *via;
			if (!routes_next_hop(b->t, b->r, n, dst, p->family, &via) || via == NULL)
				continue; /* on it, or unreachable (topo_check decided) */
			int rc = nl_route_add(s, p->family, p->bytes, p->bits, &via->addr);
			if (rc < 0) {
				char what[200];
				snprintf(what, sizeof what, "adding its route to network %s via %s",
					 net->name, via->text);
				return fail(b, n->name, what, rc);
			}
		}
	}
	return 0;
}

static int node_etc(builder *b, const topo_node *n, const char *ns)
{
	char *resolv = render_resolv_conf(b->t, b->r, n);
	char *hosts = render_hosts(b->t, n);
	/* Its own nsswitch.conf too: glibc in the node asks its hosts file
	 * and DNS, never a module of the machine's (systemd-resolved's
	 * "resolve", mdns, sss) over a Unix socket the namespace shares. */
	char *nsswitch = render_nsswitch(b->t, n);
	int rc = resolv && hosts && nsswitch ? 0 : -ENOMEM;
	/* The files in the sim's folder (in memory), /etc/netns/NS a link
	 * to them: one entry on the machine's disk per node, not four. */
	char dir[600];
	snprintf(dir, sizeof dir, "%s/%s/etc/%s", SIM_RUN_DIR, b->t->name, ns);
	if (rc == 0)
		rc = netns_etc_link(ns, dir);
	if (rc == 0)
		rc = netns_etc_write(ns, "resolv.conf", resolv);
	if (rc == 0)
		rc = netns_etc_write(ns, "hosts", hosts);
	if (rc == 0)
		rc = netns_etc_write(ns, "nsswitch.conf", nsswitch);
	/* A signed root: its key where delv (bind.keys) and drill (root.key)
	 * look, so that they validate without flags. */
	if (rc == 0 && b->bind_keys)
		rc = netns_etc_write(ns, BUILD_NODE_ANCHOR_DIR "/" BUILD_BIND_KEYS, b->bind_keys);
	if (rc == 0 && b->anchor)
		rc = netns_etc_write(ns, BUILD_NODE_ANCHOR_DIR "/" BUILD_ROOT_ANCHOR, b->anchor);
	free(resolv);
	free(hosts);
	free(nsswitch);
	return rc < 0 ? fail(b, n->name, "writing its /etc/netns files", rc) : 0;
}

/* The impairment of n's attachment K to network `net`, if any: netem on
 * both ends of the pair, or the port handed to the relay. */
static int impair_link(builder *b, const topo_node *n, size_t net, unsigned k, nl_sock *s)
{
	topo_impair im = topo_link_impair(b->t, n, net);
	if (b->links == NULL || !impair_active(&im))
		return 0;
	size_t index = b->port_index != SIZE_MAX ? b->port_index : (size_t)(n - b->t->nodes);
	link_entry *e = links_add(b->links, n->name, b->t->networks[net].name, index, k);
	if (e == NULL)
		return fail(b, n->name, "impairing its link", -ENOMEM);
	e->im = im;
	char port[16], relay[16], bside[16], ifname[16];
	links_names(index, k, port, relay, bside, ifname);
	int rc = b->links->path == LINK_PATH_NETEM ? links_netem_apply(&b->sw, s, e)
		: links_relay_plumb(&b->sw, b->swfd, port, relay, bside, b->bridge[net]);
	if (rc < 0) {
		char what[200];
		snprintf(what, sizeof what, "impairing its link to network %s (%s)",
			 b->t->networks[net].name, link_path_name(b->links->path));
		return fail(b, n->name, what, rc);
	}
	return 0;
}

/* The link-local address the kernel would have made from the link's
 * MAC (modified EUI-64, RFC 4291 appendix A). */
static net_addr link_local(const uint8_t mac[6])
{
	net_addr a;
	memset(&a, 0, sizeof a);
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&a.ss;
	s6->sin6_family = AF_INET6;
	uint8_t *b = s6->sin6_addr.s6_addr;
	b[0] = 0xfe;
	b[1] = 0x80;
	b[8] = mac[0] ^ 0x02;
	b[9] = mac[1];
	b[10] = mac[2];
	b[11] = 0xff;
	b[12] = 0xfe;
	b[13] = mac[3];
	b[14] = mac[4];
	b[15] = mac[5];
	a.len = sizeof *s6;
	return a;
}

/* A node's link up, with its link-local address made by us, without
 * duplicate address detection.  A router asks for a neighbour's link
 * address from its link-local address, and sends nothing while that
 * address is tentative (one to two seconds after the link comes up):
 * the first packet it forwarded waited a second per hop for the retry.
 * (Turning DAD off with the namespace's sysctls instead costs a path
 * lookup in /proc/sys/net per node that grows with the number of
 * namespaces on the machine: the kernel keeps one dentry per namespace
 * under the same name.)  A kernel without IPv6 gets the link up only. */
static int link_up_no_dad(nl_sock *s, int ifindex, const uint8_t mac[6])
{
	int rc = nl_link_no_addrconf(s, ifindex);
	bool v6 = rc == 0;
	if (rc < 0 && rc != -EAFNOSUPPORT && rc != -EOPNOTSUPP)
		return rc;
	if ((rc = nl_link_up(s, ifindex)) < 0)
		return rc;
	if (!v6)
		return 0;
	net_addr ll = link_local(mac);
	return nl_addr_add(s, ifindex, &ll, 64);
}

static int build_node(builder *b, const topo_node *n)
{
	char ns[128];
	netns_node_name(ns, sizeof ns, b->t->name, n->name);
	int fd = make_ns(b, ns, n->name);
	if (fd < 0)
		return -1;
	nl_sock s;
	int rc = nl_open(&s, fd);
	if (rc < 0) {
		close(fd);
		return fail(b, n->name, "opening netlink in its namespace", rc);
	}
	if ((rc = nl_link_up(&s, LOOPBACK_IFINDEX)) < 0) {
		fail(b, n->name, "bringing up its loopback", rc);
		goto out;
	}
	/* An anycast reply comes back from an instance other routers may not
	 * route the shared address to (paths need not be symmetric): no
	 * strict reverse-path filter (RFC 3704's loose mode at most), as
	 * for any network with anycast. */
	if (b->any.set.n > 0 &&
	    ((rc = netns_sysctl(fd, "/proc/sys/net/ipv4/conf/all/rp_filter", "0")) < 0 ||
	     (rc = netns_sysctl(fd, "/proc/sys/net/ipv4/conf/default/rp_filter", "0")) < 0)) {
		fail(b, n->name, "turning off the reverse-path filter", rc);
		goto out;
	}
	/* One interface per network the node is on, in the order written. */
	unsigned ifcount = 0;
	for (size_t i = 0; i < n->naddrs; i++) {
		size_t net = n->addrs[i].network;
		bool seen = false;
		for (size_t j = 0; j < i; j++)
			seen = seen || n->addrs[j].network == net;
		if (seen)
			continue;
		char outer[16], inner[16];
		size_t index = b->port_index != SIZE_MAX ? b->port_index : (size_t)(n - b->t->nodes);
		snprintf(outer, sizeof outer, "n%zu-%u", index, ifcount);
		snprintf(inner, sizeof inner, "eth%u", ifcount);
		ifcount++;
		if ((rc = nl_veth_add(&b->sw, outer, b->bridge[net], inner, fd)) < 0) {
			char what[200];
			snprintf(what, sizeof what, "creating its link %s to network %s",
				 inner, b->t->networks[net].name);
			fail(b, n->name, what, rc);
			goto out;
		}
		/* The peer is brought up from inside: asking for it up in the
		 * creating request fails (ENOTCONN) on the kernels we run on. */
		uint8_t mac[6];
		int ifindex = nl_link_mac(&s, inner, mac);
		if (ifindex < 0 || (rc = link_up_no_dad(&s, ifindex, mac)) < 0) {
			if (ifindex < 0)
				rc = ifindex;
			fail(b, n->name, "bringing up its new link", rc);
			goto out;
		}
		if ((rc = impair_link(b, n, net, ifcount - 1, &s)) < 0)
			goto out;
		for (size_t k = i; k < n->naddrs; k++) {
			const topo_addr *a = &n->addrs[k];
			if (a->network != net)
				continue;
			const topo_network *tn = &b->t->networks[net];
			unsigned bits = a->addr.ss.ss_family == AF_INET ? tn->v4.bits : tn->v6.bits;
			if ((rc = nl_addr_add(&s, ifindex, &a->addr, bits)) < 0) {
				char what[200];
				snprintf(what, sizeof what, "adding its address %s", a->text);
				fail(b, n->name, what, rc);
				goto out;
			}
		}
	}
	if (n->router) {
		if ((rc = netns_sysctl(fd, "/proc/sys/net/ipv4/ip_forward", "1")) < 0 ||
		    (rc = netns_sysctl(fd, "/proc/sys/net/ipv6/conf/all/forwarding", "1")) < 0) {
			fail(b, n->name, "turning on forwarding", rc);
			goto out;
		}
	}
	if ((rc = node_routes(b, n, &s)) < 0)
		goto out;
	char what[200];
	if ((rc = anyroute_install_node(&b->any, (size_t)(n - b->t->nodes), &s, what,
					sizeof what)) < 0) {
		fail(b, n->name, what, rc);
		goto out;
	}
	rc = node_etc(b, n, ns);
out:
	nl_close(&s);
	close(fd);
	return rc < 0 ? -1 : 0;
}

int build_one_node(const topo *t, const routes *r, int statefd, size_t index,
		   size_t port_index, char *err, size_t errsz)
{
	builder b = { .t = t, .r = r, .statefd = statefd, .err = err, .errsz = errsz,
		      .port_index = port_index, .swfd = -1, .nsfile = -1 };
	b.bridge = calloc(t->nnetworks + 1, sizeof *b.bridge);
	if (b.bridge == NULL || !anyroute_init(&b.any, t)) {
		free(b.bridge);
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	char sw[128];
	netns_switch_name(sw, sizeof sw, t->name);
	int fd = netns_open(sw);
	int rc = fd < 0 ? fd : nl_open(&b.sw, fd);
	if (fd >= 0)
		close(fd);
	if (rc < 0) {
		free(b.bridge);
		anyroute_free(&b.any);
		return fail(&b, NULL, "opening netlink in the switch namespace", rc);
	}
	const topo_node *n = &t->nodes[index];
	for (size_t i = 0; rc >= 0 && i < n->naddrs; i++) {
		size_t net = n->addrs[i].network;
		char br[40];
		bridge_name(t, net, br, sizeof br);
		rc = nl_ifindex(&b.sw, br);
		if (rc < 0)
			fail(&b, n->name, "finding its network's bridge", rc);
		else
			b.bridge[net] = rc;
	}
	read_anchors(&b);
	if (rc >= 0)
		rc = build_node(&b, n);
	free_anchors(&b);
	nl_close(&b.sw);
	free(b.bridge);
	anyroute_free(&b.any);
	if (b.nsfile >= 0)
		close(b.nsfile);
	return rc < 0 ? -1 : 0;
}

int build_network(const topo *t, const routes *r, int statefd, link_table *links,
		  build_progress_fn progress, void *ctx, char *err, size_t errsz)
{
	builder b = { .t = t, .r = r, .statefd = statefd, .err = err, .errsz = errsz,
		      .port_index = SIZE_MAX, .links = links, .swfd = -1, .nsfile = -1 };
	b.bridge = calloc(t->nnetworks + 1, sizeof *b.bridge);
	if (b.bridge == NULL || !anyroute_init(&b.any, t)) {
		free(b.bridge);
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	read_anchors(&b);
	int rc = build_switch(&b);
	for (size_t i = 0; rc == 0 && i < t->nnodes; i++) {
		/* A part of a sim on several machines builds its own nodes. */
		if (!machines_node_here(t, i))
			continue;
		rc = build_node(&b, &t->nodes[i]);
		if (rc == 0 && progress && !progress(ctx, i + 1, t->nnodes)) {
			snprintf(err, errsz, "interrupted");
			rc = -1;
		}
	}
	nl_close(&b.sw);
	if (b.swfd >= 0)
		close(b.swfd);
	if (b.nsfile >= 0)
		close(b.nsfile);
	free(b.bridge);
	anyroute_free(&b.any);
	free_anchors(&b);
	return rc;
}
