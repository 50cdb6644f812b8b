/* VXLAN devices, their forwarding entries and the MTU of the networks
 * they carry, over netlink; and the part's file. */
#include "netns/vxlan.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/readfile.h"
#include "io/writefile.h"
#include "netns/build.h"
#include "netns/links.h"
#include "netns/netns.h"
#include "netns/nl.h"
#include "netns/state.h"
#include "topo/machines.h"
#include "util/array.h"

void vxlan_device_name(size_t net, char out[16])
{
	/* A network index fits: the topology's count of networks is small. */
	snprintf(out, 16, "vxlan.%u", (unsigned)(net % 100000000u));
}

static size_t addr_bytes(const net_addr *a, const void **p)
{
	if (a->ss.ss_family == AF_INET) {
		*p = &((const struct sockaddr_in *)&a->ss)->sin_addr;
		return 4;
	}
	*p = &((const struct sockaddr_in6 *)&a->ss)->sin6_addr;
	return 16;
}

/* Which interface holds the address: RTM_GETADDR's dump, matched. */
typedef struct addr_search {
	const net_addr *want;
	int ifindex;
} addr_search;

static int on_addr(const struct nlmsghdr *nlh, void *data)
{
	addr_search *s = data;
	if (nlh->nlmsg_type != RTM_NEWADDR ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(struct ifaddrmsg))
		return MNL_CB_OK;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	if (ifa->ifa_family != s->want->ss.ss_family)
		return MNL_CB_OK;
	const void *want;
	size_t len = addr_bytes(s->want, &want);
	const struct nlattr *attr;
	mnl_attr_for_each(attr, nlh, sizeof *ifa) {
		uint16_t type = mnl_attr_get_type(attr);
		if ((type == IFA_ADDRESS || type == IFA_LOCAL) &&
		    mnl_attr_get_payload_len(attr) == len &&
		    memcmp(mnl_attr_get_payload(attr), want, len) == 0)
			s->ifindex = (int)ifa->ifa_index;
	}
	return MNL_CB_OK;
}

typedef struct link_mtu {
	unsigned mtu;
} link_mtu;

static int on_link_mtu(const struct nlmsghdr *nlh, void *data)
{
	link_mtu *m = data;
	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(struct ifinfomsg))
		return MNL_CB_OK;
	const struct nlattr *attr;
	mnl_attr_for_each(attr, nlh, sizeof(struct ifinfomsg)) {
		if (mnl_attr_get_type(attr) == IFLA_MTU &&
		    mnl_attr_get_payload_len(attr) == sizeof(uint32_t))
			m->mtu = mnl_attr_get_u32(attr);
	}
	return MNL_CB_OK;
}

/* The MTU of the interface that holds `local` in the underlay. */
static int underlay_mtu(nl_sock *ul, const net_addr *local, unsigned *mtu)
{
	char buf[NL_REQUEST_BUF];
	struct nlmsghdr *nlh = nl_request_start(ul, buf, RTM_GETADDR, NLM_F_DUMP);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof *ifa);
	ifa->ifa_family = (uint8_t)local->ss.ss_family;
	addr_search s = { local, 0 };
	int rc = nl_request(ul, nlh, on_addr, &s);
	if (rc < 0)
		return rc;
	if (s.ifindex <= 0)
		return -EADDRNOTAVAIL;
	nlh = nl_request_start(ul, buf, RTM_GETLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = s.ifindex;
	link_mtu m = { 0 };
	if ((rc = nl_request(ul, nlh, on_link_mtu, &m)) < 0)
		return rc;
	if (m.mtu == 0)
		return -ENODATA;
	*mtu = m.mtu;
	return 0;
}

/* The device, made from the underlay's socket (so that its UDP socket
 * lives there) directly in the switch namespace. */
static int vxlan_create(nl_sock *ul, const char *name, int swfd, uint32_t vni,
			const net_addr *local, unsigned mtu)
{
	char buf[NL_REQUEST_BUF];
	struct nlmsghdr *nlh = nl_request_start(ul, buf, RTM_NEWLINK,
						NLM_F_CREATE | NLM_F_EXCL);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)swfd);
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vxlan");
	struct nlattr *data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, IFLA_VXLAN_ID, vni);
	const void *a;
	size_t len = addr_bytes(local, &a);
	mnl_attr_put(nlh, len == 4 ? IFLA_VXLAN_LOCAL : IFLA_VXLAN_LOCAL6, len, a);
	mnl_attr_put_u16(nlh, IFLA_VXLAN_PORT, htons(MACHINES_VXLAN_PORT));
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return nl_request(ul, nlh, NULL, NULL);
}

/* `bridge fdb append 00:00:00:00:00:00 dev DEV dst ADDR`: frames to
 * every destination (broadcast, or not learnt yet) also go to ADDR. */
static int fdb_append(nl_sock *sw, int ifindex, const net_addr *dst)
{
	char buf[NL_REQUEST_BUF];
	struct nlmsghdr *nlh = nl_request_start(sw, buf, RTM_NEWNEIGH,
						NLM_F_CREATE | NLM_F_APPEND);
	struct ndmsg *ndm = mnl_nlmsg_put_extra_header(nlh, sizeof *ndm);
	ndm->ndm_family = PF_BRIDGE;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_state = NUD_NOARP | NUD_PERMANENT;
	ndm->ndm_flags = NTF_SELF;
	static const uint8_t zeros[6];
	mnl_attr_put(nlh, NDA_LLADDR, sizeof zeros, zeros);
	const void *a;
	size_t len = addr_bytes(dst, &a);
	mnl_attr_put(nlh, NDA_DST, len, a);
	return nl_request(sw, nlh, NULL, NULL);
}

static int set_mtu(nl_sock *s, int ifindex, unsigned mtu)
{
	char buf[NL_REQUEST_BUF];
	struct nlmsghdr *nlh = nl_request_start(s, buf, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return nl_request(s, nlh, NULL, NULL);
}

static int set_mtu_by_name(nl_sock *s, const char *name, unsigned mtu)
{
	int ifindex = nl_ifindex(s, name);
	return ifindex < 0 ? ifindex : set_mtu(s, ifindex, mtu);
}

typedef struct vbuild {
	const topo *t;
	nl_sock ul, sw;
	bool ul_open, sw_open;
	int swfd;
	char *err;
	size_t errsz;
} vbuild;

static int vfail(vbuild *b, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int vfail(vbuild *b, int rc, const char *fmt, ...)
{
	char what[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(b->err, b->errsz, "%s: %s", what, strerror(-rc));
	return -1;
}

/* Both ends of node i's veth on network `net` (numbered as build.c
 * does: the node's index, then its networks in the order written). */
static int node_mtu(vbuild *b, size_t i, size_t net, unsigned mtu)
{
	const topo_node *n = &b->t->nodes[i];
	unsigned k = 0;
	bool found = false;
	for (size_t a = 0; a < n->naddrs && !found; a++) {
		bool seen = false;
		for (size_t j = 0; j < a; j++)
			seen = seen || n->addrs[j].network == n->addrs[a].network;
		if (seen)
			continue;
		if (n->addrs[a].network == net)
			found = true;
		else
			k++;
	}
	if (!found)
		return 0;
	char port[16], relay[16], bside[16], ifname[16], ns[128];
	links_names(i, k, port, relay, bside, ifname);
	int rc = set_mtu_by_name(&b->sw, port, mtu);
	if (rc < 0)
		return vfail(b, rc, "node %s: the MTU of its port %s", n->name, port);
	/* An impaired link's relay pair, when it has one (none: -ENODEV). */
	const char *relayed[2] = { relay, bside };
	for (int r = 0; r < 2; r++)
		if ((rc = set_mtu_by_name(&b->sw, relayed[r], mtu)) < 0 && rc != -ENODEV)
			return vfail(b, rc, "node %s: the MTU of its relay link %s", n->name,
				     relayed[r]);
	netns_node_name(ns, sizeof ns, b->t->name, n->name);
	int fd = netns_open(ns);
	if (fd < 0)
		return vfail(b, fd, "node %s: opening its namespace", n->name);
	nl_sock s;
	rc = nl_open(&s, fd);
	close(fd);
	if (rc < 0)
		return vfail(b, rc, "node %s: netlink in its namespace", n->name);
	rc = set_mtu_by_name(&s, ifname, mtu);
	nl_close(&s);
	if (rc < 0)
		return vfail(b, rc, "node %s: the MTU of its %s", n->name, ifname);
	return 0;
}

static int network_tunnel(vbuild *b, int statefd, size_t net, unsigned mtu,
			  const char *ulname)
{
	const topo *t = b->t;
	const topo_machine *me = &t->machines[t->here];
	const char *netname = t->networks[net].name;
	char dev[16], br[40];
	vxlan_device_name(net, dev);
	int rc = state_record(statefd, "vxlan %s", dev);
	if (rc < 0)
		return vfail(b, rc, "writing the state log");
	uint32_t vni = machines_vni(t, net);
	if ((rc = vxlan_create(&b->ul, dev, b->swfd, vni, &me->underlay, mtu)) < 0)
		return vfail(b, rc, "network %s: creating its VXLAN device %s (VNI %u, local %s) "
			     "in %s%s", netname, dev, vni, me->underlay_text,
			     ulname ? "the underlay namespace " : "this machine's namespace",
			     ulname ? ulname : "");
	int ifindex = nl_ifindex(&b->sw, dev);
	if (ifindex < 0)
		return vfail(b, ifindex, "network %s: finding its VXLAN device %s", netname, dev);
	for (size_t m = 0; m < t->nmachines; m++) {
		if (m == t->here || !machines_network_on(t, net, m))
			continue;
		if ((rc = fdb_append(&b->sw, ifindex, &t->machines[m].underlay)) < 0)
			return vfail(b, rc, "network %s: the forwarding entry of %s to machine %s "
				     "(%s)", netname, dev, t->machines[m].name,
				     t->machines[m].underlay_text);
	}
	build_bridge_name(t, net, br, sizeof br);
	int bridge = nl_ifindex(&b->sw, br);
	if (bridge < 0)
		return vfail(b, bridge, "network %s: finding its bridge %s", netname, br);
	if ((rc = set_mtu(&b->sw, bridge, mtu)) < 0)
		return vfail(b, rc, "network %s: the MTU of its bridge", netname);
	if ((rc = nl_link_set_master(&b->sw, ifindex, bridge)) < 0 ||
	    (rc = nl_link_up(&b->sw, ifindex)) < 0)
		return vfail(b, rc, "network %s: joining %s to its bridge", netname, dev);
	for (size_t i = 0; i < t->nnodes; i++)
		if (machines_node_here(t, i) && node_mtu(b, i, net, mtu) < 0)
			return -1;
	return 0;
}

static size_t spanning_here(const topo *t)
{
	size_t n = 0;
	if (!t->part || t->nmachines < 2)
		return 0;
	for (size_t net = 0; net < t->nnetworks; net++)
		n += machines_network_on(t, net, t->here) && machines_network_spans(t, net);
	return n;
}

/* Netlink in the underlay: namespace underlay_ns, or ours. */
static int open_underlay(vbuild *b, const char *underlay_ns)
{
	int rc, ulfd = -1;
	if (underlay_ns && (ulfd = netns_open(underlay_ns)) < 0)
		return vfail(b, ulfd, "the underlay namespace %s", underlay_ns);
	rc = nl_open(&b->ul, ulfd);
	if (ulfd >= 0)
		close(ulfd);
	if (rc < 0)
		return vfail(b, rc, "netlink in the underlay");
	b->ul_open = true;
	return 0;
}

static int links_mtu(vbuild *b, const char *underlay_ns, unsigned *mtu)
{
	const topo_machine *me = &b->t->machines[b->t->here];
	unsigned ulmtu = 0;
	int rc = underlay_mtu(&b->ul, &me->underlay, &ulmtu);
	if (rc == -EADDRNOTAVAIL) {
		snprintf(b->err, b->errsz, "machine %s's underlay address %s is on no interface "
			 "of %s%s: is this machine %s? (or give --underlay-netns)", me->name,
			 me->underlay_text, underlay_ns ? "namespace " : "this machine",
			 underlay_ns ? underlay_ns : "", me->name);
		return -1;
	}
	if (rc < 0)
		return vfail(b, rc, "the MTU of the underlay interface holding %s",
			     me->underlay_text);
	*mtu = machines_overlay_mtu(ulmtu, me->underlay.ss.ss_family);
	if (*mtu == 0) {
		snprintf(b->err, b->errsz, "the underlay's MTU (%u, on the interface holding %s) "
			 "is too small to carry VXLAN", ulmtu, me->underlay_text);
		return -1;
	}
	return 0;
}

int vxlan_links_mtu(const topo *t, const char *underlay_ns, unsigned *mtu, char *err,
		    size_t errsz)
{
	*mtu = 0;
	if (spanning_here(t) == 0)
		return 0;
	vbuild b = { .t = t, .swfd = -1, .err = err, .errsz = errsz };
	int rc = open_underlay(&b, underlay_ns);
	if (rc == 0)
		rc = links_mtu(&b, underlay_ns, mtu);
	if (b.ul_open)
		nl_close(&b.ul);
	return rc;
}

int vxlan_build(const topo *t, int statefd, const char *underlay_ns, unsigned *mtu,
		char *err, size_t errsz)
{
	*mtu = 0;
	if (spanning_here(t) == 0)
		return 0;
	vbuild b = { .t = t, .swfd = -1, .err = err, .errsz = errsz };
	if (open_underlay(&b, underlay_ns) < 0)
		return -1;
	int rc, out = -1;
	if (links_mtu(&b, underlay_ns, mtu) < 0)
		goto done;
	char swname[128];
	netns_switch_name(swname, sizeof swname, t->name);
	if ((b.swfd = netns_open(swname)) < 0) {
		vfail(&b, b.swfd, "the switch namespace %s", swname);
		goto done;
	}
	if ((rc = nl_open(&b.sw, b.swfd)) < 0) {
		vfail(&b, rc, "netlink in the switch namespace");
		goto done;
	}
	b.sw_open = true;
	out = 0;
	for (size_t net = 0; net < t->nnetworks && out == 0; net++)
		if (machines_network_on(t, net, t->here) && machines_network_spans(t, net))
			out = network_tunnel(&b, statefd, net, *mtu, underlay_ns);
done:
	if (b.ul_open)
		nl_close(&b.ul);
	if (b.sw_open)
		nl_close(&b.sw);
	if (b.swfd >= 0)
		close(b.swfd);
	return out;
}

typedef struct vx_devices {
	char **names;
	size_t n;
	bool oom;
} vx_devices;

static void take_vxlan(void *ctx, int argc, char **argv)
{
	vx_devices *d = ctx;
	if (argc != 2 || strcmp(argv[0], "vxlan") != 0)
		return;
	char **slot = array_grow(&d->names, &d->n, sizeof *slot);
	if (slot == NULL || (*slot = strdup(argv[1])) == NULL)
		d->oom = true;
}

int vxlan_teardown(const char *sim, FILE *err)
{
	vx_devices d = { 0 };
	int rc = state_read(sim, take_vxlan, &d);
	if (rc < 0 || d.n == 0) {
		free(d.names);
		return 0;   /* teardown reports an unreadable log itself */
	}
	int problems = 0;
	if (d.oom) {
		fprintf(err, "sim %s: out of memory reading its VXLAN devices\n", sim);
		problems++;
	}
	char swname[128];
	netns_switch_name(swname, sizeof swname, sim);
	int fd = netns_open(swname);
	nl_sock sw;
	rc = fd < 0 ? fd : nl_open(&sw, fd);
	if (fd >= 0)
		close(fd);
	for (size_t i = 0; i < d.n; i++) {
		/* No switch, no device: both went with an earlier `down`. */
		int ifindex = rc < 0 ? -ENODEV : nl_ifindex(&sw, d.names[i]);
		int r = ifindex == -ENODEV ? 0 : ifindex < 0 ? ifindex : nl_link_del(&sw, ifindex);
		if (r < 0) {
			fprintf(err, "sim %s: cannot delete VXLAN device %s: %s\n", sim, d.names[i],
				strerror(-r));
			problems++;
		}
		free(d.names[i]);
	}
	free(d.names);
	if (rc >= 0)
		nl_close(&sw);
	return problems;
}

void vxlan_peers_of(const topo *t, bool *peer)
{
	for (size_t m = 0; m < t->nmachines; m++)
		peer[m] = false;
	if (!t->part)
		return;
	for (size_t net = 0; net < t->nnetworks; net++) {
		if (!machines_network_on(t, net, t->here))
			continue;
		for (size_t m = 0; m < t->nmachines; m++)
			if (m != t->here && machines_network_on(t, net, m))
				peer[m] = true;
	}
}

int vxlan_part_write(const char *sim, const topo *t, const char *underlay_ns, unsigned mtu)
{
	char path[512], *text = NULL;
	size_t len = 0;
	if (!t->part)
		return 0;
	if (state_path(path, sizeof path, sim, VXLAN_PART_FILE) < 0)
		return -ENAMETOOLONG;
	bool *peer = calloc(t->nmachines + 1, sizeof *peer);
	FILE *f = peer ? open_memstream(&text, &len) : NULL;
	if (f == NULL) {
		free(peer);
		return -ENOMEM;
	}
	const topo_machine *me = &t->machines[t->here];
	fprintf(f, "machine %s %s %s %u\n", me->name, me->has_underlay ? me->underlay_text : "-",
		underlay_ns ? underlay_ns : "-", mtu);
	vxlan_peers_of(t, peer);
	for (size_t m = 0; m < t->nmachines; m++)
		if (peer[m])
			fprintf(f, "peer %s %s\n", t->machines[m].name, t->machines[m].underlay_text);
	for (size_t i = 0; i < t->nnodes; i++)
		if (!machines_node_here(t, i))
			fprintf(f, "remote %s %s\n", t->nodes[i].name,
				t->machines[t->nodes[i].machine].name);
	free(peer);
	if (fclose(f) != 0) {
		free(text);
		return -ENOMEM;
	}
	int rc = io_write_file(path, text);
	free(text);
	return rc;
}

void vxlan_part_free(vxlan_part *p)
{
	free(p->peers);
	free(p->remote);
	p->peers = NULL;
	p->remote = NULL;
	p->npeers = p->nremote = 0;
}

int vxlan_part_read(const char *sim, vxlan_part *p)
{
	memset(p, 0, sizeof *p);
	char path[512], *text;
	size_t len;
	if (state_path(path, sizeof path, sim, VXLAN_PART_FILE) < 0)
		return -ENAMETOOLONG;
	int e = io_read_file(NULL, path, &text, &len);
	if (e)
		return -e;
	int rc = 0;
	bool have_machine = false;
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l && rc == 0;
	     l = strtok_r(NULL, "\n", &save)) {
		if (strncmp(l, "machine ", 8) == 0) {
			have_machine = sscanf(l, "machine %32s %63s %127s %u", p->machine, p->underlay,
					      p->underlay_ns, &p->mtu) == 4;
			if (strcmp(p->underlay_ns, "-") == 0)
				p->underlay_ns[0] = '\0';
			rc = have_machine ? 0 : -EINVAL;
		} else if (strncmp(l, "peer ", 5) == 0) {
			vxlan_peer *x = array_grow(&p->peers, &p->npeers, sizeof *x);
			rc = x == NULL ? -ENOMEM
				: sscanf(l, "peer %32s %63s", x->name, x->underlay) == 2 ? 0 : -EINVAL;
		} else if (strncmp(l, "remote ", 7) == 0) {
			vxlan_remote *x = array_grow(&p->remote, &p->nremote, sizeof *x);
			rc = x == NULL ? -ENOMEM
				: sscanf(l, "remote %32s %32s", x->node, x->machine) == 2 ? 0 : -EINVAL;
		} else {
			rc = -EINVAL;
		}
	}
	free(text);
	if (rc == 0 && !have_machine)
		rc = -EINVAL;
	if (rc < 0)
		vxlan_part_free(p);
	return rc;
}

const char *vxlan_part_remote(const vxlan_part *p, const char *node)
{
	for (size_t i = 0; i < p->nremote; i++)
		if (strcmp(p->remote[i].node, node) == 0)
			return p->remote[i].machine;
	return NULL;
}

const char *vxlan_part_underlay(const vxlan_part *p, const char *machine)
{
	for (size_t i = 0; i < p->npeers; i++)
		if (strcmp(p->peers[i].name, machine) == 0)
			return p->peers[i].underlay;
	return "?";
}
