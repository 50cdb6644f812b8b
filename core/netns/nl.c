/* Route netlink requests with libmnl, each acknowledged before the next. */
#include "netns/nl.h"

#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sched.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NL_BUF 8192

int nl_open(nl_sock *s, int nsfd)
{
	memset(s, 0, sizeof *s);
	int back = -1;
	if (nsfd >= 0) {
		back = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		if (back < 0)
			return -errno;
		if (setns(nsfd, CLONE_NEWNET) < 0) {
			int e = errno;
			close(back);
			return -e;
		}
	}
	int err = 0;
	s->mnl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (s->mnl == NULL)
		err = -errno;
	else if (mnl_socket_bind(s->mnl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		mnl_socket_close(s->mnl);
		s->mnl = NULL;
	}
	if (back >= 0) {
		/* Failing to return would leave us building in the wrong place. */
		if (setns(back, CLONE_NEWNET) < 0 && err == 0)
			err = -errno;
		close(back);
	}
	if (err == 0) {
		s->portid = mnl_socket_get_portid(s->mnl);
		s->seq = (unsigned)time(NULL);
	}
	return err;
}

void nl_close(nl_sock *s)
{
	if (s->mnl)
		mnl_socket_close(s->mnl);
	s->mnl = NULL;
}

static struct nlmsghdr *start(char *buf, uint16_t type, uint16_t flags, nl_sock *s)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++s->seq;
	return nlh;
}

typedef struct reply {
	int ifindex;
	uint8_t mac[6];
	bool has_mac;
} reply;

static int on_link_attr(const struct nlattr *a, void *data)
{
	reply *r = data;
	if (mnl_attr_get_type(a) == IFLA_ADDRESS && mnl_attr_get_payload_len(a) == 6) {
		memcpy(r->mac, mnl_attr_get_payload(a), 6);
		r->has_mac = true;
	}
	return MNL_CB_OK;
}

static int on_link(const struct nlmsghdr *nlh, void *data)
{
	reply *r = data;
	if (nlh->nlmsg_type == RTM_NEWLINK &&
	    mnl_nlmsg_get_payload_len(nlh) >= sizeof(struct ifinfomsg)) {
		const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
		r->ifindex = ifi->ifi_index;
		mnl_attr_parse(nlh, sizeof *ifi, on_link_attr, r);
	}
	return MNL_CB_OK;
}

/* Send one request and read until its acknowledgement. */
static int talk(nl_sock *s, struct nlmsghdr *nlh, reply *r)
{
	if (mnl_socket_sendto(s->mnl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	char buf[NL_BUF];
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(s->mnl, buf, sizeof buf);
		if (n < 0)
			return -errno;
		int rc = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, s->portid,
				    r ? on_link : NULL, r);
		if (rc == MNL_CB_ERROR)
			return errno ? -errno : -EIO;
		if (rc == MNL_CB_STOP)
			return 0;
		/* MNL_CB_OK: a data message came before the ack; read on. */
	}
}

int nl_ifindex(nl_sock *s, const char *name)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = start(buf, RTM_GETLINK, 0, s);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	reply r = { 0 };
	int rc = talk(s, nlh, &r);
	if (rc < 0)
		return rc;
	return r.ifindex > 0 ? r.ifindex : -ENODEV;
}

int nl_link_mac(nl_sock *s, const char *name, uint8_t mac[6])
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = start(buf, RTM_GETLINK, 0, s);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	reply r = { 0 };
	int rc = talk(s, nlh, &r);
	if (rc < 0)
		return rc;
	if (r.ifindex <= 0 || !r.has_mac)
		return -ENODEV;
	memcpy(mac, r.mac, 6);
	return r.ifindex;
}

int nl_link_no_addrconf(nl_sock *s, int ifindex)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = start(buf, RTM_NEWLINK, 0, s);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	struct nlattr *spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	struct nlattr *v6 = mnl_attr_nest_start(nlh, AF_INET6);
	mnl_attr_put_u8(nlh, IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE);
	mnl_attr_nest_end(nlh, v6);
	mnl_attr_nest_end(nlh, spec);
	return talk(s, nlh, NULL);
}

int nl_link_set(nl_sock *s, int ifindex, bool up)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = start(buf, RTM_NEWLINK, 0, s);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = up ? IFF_UP : 0;
	ifi->ifi_change = IFF_UP;
	return talk(s, nlh, NULL);
}

int nl_link_up(nl_sock *s, int ifindex)
{
	return nl_link_set(s, ifindex, true);
}

/* A request to create the link `name`, up. */
static struct nlmsghdr *create_link(char *buf, nl_sock *s, const char *name)
{
	struct nlmsghdr *nlh = start(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, s);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

int nl_bridge_add(nl_sock *s, const char *name)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = create_link(buf, s, name);
	struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, info);
	return talk(s, nlh, NULL);
}

int nl_veth_add(nl_sock *s, const char *name, int master, const char *peer,
		int peer_nsfd)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = create_link(buf, s, name);
	if (master > 0)
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
	/* One queue each way, on both ends: the kernel gives a veth one per
	 * possible CPU, each with its sysfs entries, and a big sim pays for
	 * them in memory and time at every node. */
	mnl_attr_put_u32(nlh, IFLA_NUM_TX_QUEUES, 1);
	mnl_attr_put_u32(nlh, IFLA_NUM_RX_QUEUES, 1);
	struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	struct nlattr *data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	struct nlattr *p = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* The peer's attributes follow its own ifinfomsg (flags left zero:
	 * the builder brings the peer up from inside its namespace). */
	struct ifinfomsg *pifi = mnl_nlmsg_put_extra_header(nlh, sizeof *pifi);
	pifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)peer_nsfd);
	mnl_attr_put_u32(nlh, IFLA_NUM_TX_QUEUES, 1);
	mnl_attr_put_u32(nlh, IFLA_NUM_RX_QUEUES, 1);
	mnl_attr_nest_end(nlh, p);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return talk(s, nlh, NULL);
}

static const void *addr_data(const net_addr *a, size_t *len)
{
	if (a->ss.ss_family == AF_INET) {
		*len = 4;
		return &((const struct sockaddr_in *)&a->ss)->sin_addr;
	}
	*len = 16;
	return &((const struct sockaddr_in6 *)&a->ss)->sin6_addr;
}

int nl_addr_add(nl_sock *s, int ifindex, const net_addr *a, unsigned prefixlen)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = start(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, s);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof *ifa);
	ifa->ifa_family = (unsigned char)a->ss.ss_family;
	ifa->ifa_prefixlen = (unsigned char)prefixlen;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned)ifindex;
	size_t len;
	const void *d = addr_data(a, &len);
	mnl_attr_put(nlh, IFA_LOCAL, len, d);
	mnl_attr_put(nlh, IFA_ADDRESS, len, d);
	/* No duplicate address detection: the topology already guarantees
	 * uniqueness, and DAD would hold IPv6 addresses back for a second. */
	mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	return talk(s, nlh, NULL);
}

static int route_request(nl_sock *s, uint16_t type, uint16_t flags, int family,
			 const uint8_t *dst, unsigned len, const net_addr *gw);

int nl_route_add(nl_sock *s, int family, const uint8_t *dst, unsigned len,
		 const net_addr *gw)
{
	return route_request(s, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, family, dst, len, gw);
}

int nl_route_replace(nl_sock *s, int family, const uint8_t *dst, unsigned len,
		     const net_addr *gw)
{
	return route_request(s, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, family, dst, len,
			     gw);
}

int nl_route_del(nl_sock *s, int family, const uint8_t *dst, unsigned len)
{
	int rc = route_request(s, RTM_DELROUTE, 0, family, dst, len, NULL);
	return rc == -ESRCH ? 0 : rc;   /* already gone */
}

static int route_request(nl_sock *s, uint16_t type, uint16_t flags, int family,
			 const uint8_t *dst, unsigned len, const net_addr *gw)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = start(buf, type, flags, s);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof *rtm);
	rtm->rtm_family = (unsigned char)family;
	rtm->rtm_dst_len = (unsigned char)len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_DST, family == AF_INET ? 4 : 16, dst);
	if (gw) {
		size_t glen;
		const void *g = addr_data(gw, &glen);
		mnl_attr_put(nlh, RTA_GATEWAY, glen, g);
	}
	return talk(s, nlh, NULL);
}

int nl_link_set_master(nl_sock *s, int ifindex, int master)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = start(buf, RTM_NEWLINK, 0, s);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
	return talk(s, nlh, NULL);
}

int nl_link_del(nl_sock *s, int ifindex)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = start(buf, RTM_DELLINK, 0, s);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	return talk(s, nlh, NULL);
}

static struct tcmsg *qdisc_header(struct nlmsghdr *nlh, int ifindex)
{
	struct tcmsg *tcm = mnl_nlmsg_put_extra_header(nlh, sizeof *tcm);
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = ifindex;
	tcm->tcm_parent = TC_H_ROOT;
	return tcm;
}

int nl_netem_set(nl_sock *s, int ifindex, const topo_impair *im)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = start(buf, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_REPLACE, s);
	qdisc_header(nlh, ifindex)->tcm_handle = 0;
	mnl_attr_put_strz(nlh, TCA_KIND, "netem");
	/* netem's options are its fixed struct followed by attributes,
	 * all inside TCA_OPTIONS (as tc's q_netem.c sends them).  The
	 * 64-bit times override the struct's (tick-based) ones. */
	struct nlattr *opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	struct tc_netem_qopt *q = mnl_nlmsg_put_extra_header(nlh, sizeof *q);
	q->limit = 1000;
	q->loss = (uint32_t)((uint64_t)im->loss_ppm * UINT32_MAX / 1000000u);
	mnl_attr_put_u64(nlh, TCA_NETEM_LATENCY64, im->delay_us * 1000);
	mnl_attr_put_u64(nlh, TCA_NETEM_JITTER64, im->jitter_us * 1000);
	if (im->rate_bps) {
		uint64_t bytes = im->rate_bps / 8 ? im->rate_bps / 8 : 1;
		struct tc_netem_rate r = { 0 };
		r.rate = bytes >= UINT32_MAX ? UINT32_MAX : (uint32_t)bytes;
		mnl_attr_put(nlh, TCA_NETEM_RATE, sizeof r, &r);
		if (bytes >= UINT32_MAX)
			mnl_attr_put_u64(nlh, TCA_NETEM_RATE64, bytes);
	}
	mnl_attr_nest_end(nlh, opts);
	return talk(s, nlh, NULL);
}

int nl_qdisc_del_root(nl_sock *s, int ifindex)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = start(buf, RTM_DELQDISC, 0, s);
	qdisc_header(nlh, ifindex);
	int rc = talk(s, nlh, NULL);
	/* No root qdisc of ours: the kernel's default is in place. */
	return rc == -ENOENT || rc == -EINVAL ? 0 : rc;
}

struct nlmsghdr *nl_request_start(nl_sock *s, char *buf, uint16_t type, uint16_t flags)
{
	return start(buf, type, flags, s);
}

int nl_request(nl_sock *s, struct nlmsghdr *nlh, nl_answer_fn cb, void *data)
{
	if (mnl_socket_sendto(s->mnl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	char buf[NL_BUF];
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(s->mnl, buf, sizeof buf);
		if (n < 0)
			return -errno;
		int rc = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, s->portid, cb, data);
		if (rc == MNL_CB_ERROR)
			return errno ? -errno : -EIO;
		if (rc == MNL_CB_STOP)
			return 0;
	}
}
