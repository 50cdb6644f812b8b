/* A machine's part of a sim: choosing it at `up`, its tunnels, and what
 * the verbs say about it and about the nodes other machines hold. */
#include "sim/part.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netns/netns.h"
#include "netns/vxlan.h"
#include "runtime/peerprobe.h"
#include "sim/cli.h"
#include "topo/machines.h"

/* Each peer is asked up to six times, half a second each: an answer
 * across the tunnel needs a neighbour lookup first, which the first
 * echo starts, and a loaded machine may be slow to give it; a peer that
 * answers ends the wait at once. */
#define PING_TRIES 6
#define PING_WAIT_MS 500
#define UDP_TRIES 3
#define UDP_WAIT_MS 500

int part_select(topo *t, const char *machine, const char *underlay_ns)
{
	char err[512];
	if (!machines_select(t, machine, err, sizeof err))
		return die("%s", err);
	char name[TOPO_NAME_MAX + 1];
	int w = snprintf(name, sizeof name, "%s-%s", t->name, machine);
	if (w < 0 || (size_t)w >= sizeof name)
		return die("the part's name %s-%s is longer than %d characters: give the sim a "
			   "shorter name (--name)", t->name, machine, TOPO_NAME_MAX);
	snprintf(t->name, sizeof t->name, "%s", name);
	if (underlay_ns && netns_inode(underlay_ns) == 0)
		return die("--underlay-netns %s: no such namespace (`ip netns list`)", underlay_ns);
	/* The underlay before anything is built: a wrong machine or
	 * namespace is told with nothing to roll back. */
	unsigned mtu;
	if (vxlan_links_mtu(t, underlay_ns, &mtu, err, sizeof err) < 0)
		return die("%s; nothing was built", err);
	return 0;
}

int part_build(const topo *t, int statefd, const char *underlay_ns, unsigned *mtu,
	       char *err, size_t errsz)
{
	*mtu = 0;
	if (!t->part)
		return 0;
	if (vxlan_build(t, statefd, underlay_ns, mtu, err, errsz) < 0)
		return -1;
	int rc = vxlan_part_write(t->name, t, underlay_ns, *mtu);
	if (rc < 0) {
		snprintf(err, errsz, "cannot write the part's file: %s", strerror(-rc));
		return -1;
	}
	return 0;
}

/* A node of ours and one of machine m on a network both are on, with
 * addresses of one family: who pings whom across the tunnel. */
static bool pick_pair(const topo *t, size_t m, size_t *net, size_t *from,
		      const topo_addr **to)
{
	const int families[2] = { AF_INET, AF_INET6 };
	for (size_t n = 0; n < t->nnetworks; n++) {
		if (!machines_network_on(t, n, t->here) || !machines_network_on(t, n, m))
			continue;
		for (int f = 0; f < 2; f++) {
			size_t mine = SIZE_MAX;
			const topo_addr *theirs = NULL;
			for (size_t i = 0; i < t->nnodes; i++) {
				const topo_node *nd = &t->nodes[i];
				for (size_t k = 0; k < nd->naddrs; k++) {
					const topo_addr *a = &nd->addrs[k];
					if (a->network != n || a->addr.ss.ss_family != families[f])
						continue;
					if (nd->machine == t->here && mine == SIZE_MAX)
						mine = i;
					if (nd->machine == m && theirs == NULL)
						theirs = a;
				}
			}
			if (mine != SIZE_MAX && theirs) {
				*net = n;
				*from = mine;
				*to = theirs;
				return true;
			}
		}
	}
	return false;
}

/* Probe machine m: "peer NAME (ADDR) up: ..." or "... unreachable: why"
 * in line; true when its part answers.  No answer across the tunnel
 * "unreachable", for whatever reason the underlay's probe tells. */
static bool probe_peer(const topo *t, size_t m, const char *underlay_ns, char *line,
		       size_t n)
{
	const topo_machine *pm = &t->machines[m];
	size_t net, from;
	const topo_addr *to;
	if (!pick_pair(t, m, &net, &from, &to)) {
		snprintf(line, n, "peer %s (%s): no network of ours has an address of its "
			 "nodes to probe", pm->name, pm->underlay_text);
		return false;
	}
	const char *owner = "?";
	for (size_t i = 0; i < t->nnodes; i++)
		for (size_t k = 0; k < t->nodes[i].naddrs; k++)
			if (&t->nodes[i].addrs[k] == to)
				owner = t->nodes[i].name;
	/* The underlay first: a host with no VXLAN socket refuses at once. */
	int rc = peerprobe_udp(underlay_ns, &pm->underlay, MACHINES_VXLAN_PORT, UDP_WAIT_MS);
	char ns[128];
	netns_node_name(ns, sizeof ns, t->name, t->nodes[from].name);
	if (rc == 0 && peerprobe_ping(ns, &to->addr, PING_TRIES, PING_WAIT_MS)) {
		snprintf(line, n, "peer %s (%s) up: its node %s (%s) answers %s across VXLAN on "
			 "network %s", pm->name, pm->underlay_text, owner, to->text,
			 t->nodes[from].name, t->networks[net].name);
		return true;
	}
	/* Asked again for the reason: a host limits its ICMP errors to a
	 * few a second, and our echoes' frames, refused too, may have
	 * used them up. */
	for (int i = 1; i < UDP_TRIES && rc == 0; i++)
		rc = peerprobe_udp(underlay_ns, &pm->underlay, MACHINES_VXLAN_PORT, UDP_WAIT_MS);
	const char *why;
	char other[160];
	if (rc == -ECONNREFUSED)
		why = "nothing listens on its UDP port 4789: its part is not up";
	else if (rc == -EHOSTUNREACH || rc == -ENETUNREACH || rc == -EHOSTDOWN)
		why = "no way to it on the underlay (no route, or the host is down)";
	else if (rc == 0)
		why = "its UDP port 4789 takes datagrams, but nothing answers across the tunnel "
		      "(its part may still be starting, or a firewall drops VXLAN)";
	else {
		snprintf(other, sizeof other, "probing its UDP port 4789 failed: %s", strerror(-rc));
		why = other;
	}
	snprintf(line, n, "peer %s (%s) unreachable: no answer from its node %s (%s) across "
		 "VXLAN on network %s; %s", pm->name, pm->underlay_text, owner, to->text,
		 t->networks[net].name, why);
	return false;
}

/* Every peer probed, a line each on `out`; the missing ones' names in
 * `missing`.  Returns how many are missing. */
static size_t probe_peers(const topo *t, const char *underlay_ns, FILE *out, char *missing,
			  size_t missingsz)
{
	bool *peer = calloc(t->nmachines + 1, sizeof *peer);
	if (peer == NULL) {
		fprintf(out, "  (out of memory probing the peers)\n");
		return 0;
	}
	vxlan_peers_of(t, peer);
	size_t count = 0, used = 0;
	missing[0] = '\0';
	for (size_t m = 0; m < t->nmachines; m++) {
		if (!peer[m])
			continue;
		char line[700];
		if (!probe_peer(t, m, underlay_ns, line, sizeof line)) {
			count++;
			if (used < missingsz)
				used += (size_t)snprintf(missing + used, missingsz - used, "%s%s (%s)",
							 used ? ", " : "", t->machines[m].name,
							 t->machines[m].underlay_text);
		}
		fprintf(out, "  %s\n", line);
	}
	free(peer);
	return count;
}

static void describe_part(const topo *t, const char *underlay_ns, unsigned mtu)
{
	const topo_machine *me = &t->machines[t->here];
	size_t here = 0, spanning = 0;
	for (size_t i = 0; i < t->nnodes; i++)
		here += machines_node_here(t, i);
	for (size_t net = 0; net < t->nnetworks; net++)
		spanning += machines_network_on(t, net, t->here) && machines_network_spans(t, net);
	printf("part %s of a sim on %zu machines: %zu of its %zu nodes here; underlay %s%s%s%s\n",
	       me->name, t->nmachines, here, t->nnodes,
	       me->has_underlay ? me->underlay_text : "-", underlay_ns ? " (namespace " : "",
	       underlay_ns ? underlay_ns : "", underlay_ns ? ")" : "");
	if (spanning)
		printf("  %zu network%s over VXLAN (UDP %d), MTU %u:", spanning,
		       spanning == 1 ? "" : "s", MACHINES_VXLAN_PORT, mtu);
	for (size_t net = 0; net < t->nnetworks; net++)
		if (machines_network_on(t, net, t->here) && machines_network_spans(t, net)) {
			char dev[16];
			vxlan_device_name(net, dev);
			printf(" %s (VNI %u, %s)", t->networks[net].name, machines_vni(t, net), dev);
		}
	if (spanning)
		putchar('\n');
}

void part_print_split(const topo *t)
{
	for (size_t m = 0; m < t->nmachines; m++) {
		const topo_machine *tm = &t->machines[m];
		size_t count = 0;
		for (size_t i = 0; i < t->nnodes; i++)
			count += t->nodes[i].machine == m;
		printf("  machine %s (underlay %s%s%s): %zu node%s:", tm->name,
		       tm->has_underlay ? tm->underlay_text : "-", tm->ssh ? ", ssh " : "",
		       tm->ssh ? tm->ssh : "", count, count == 1 ? "" : "s");
		for (size_t i = 0; i < t->nnodes; i++)
			if (t->nodes[i].machine == m)
				printf(" %s", t->nodes[i].name);
		putchar('\n');
	}
	size_t spanning = 0;
	for (size_t net = 0; net < t->nnetworks; net++)
		if (machines_network_spans(t, net)) {
			printf("%s %s (VNI %u)", spanning ? "," : "  over VXLAN:",
			       t->networks[net].name, machines_vni(t, net));
			spanning++;
		}
	if (spanning)
		putchar('\n');
}

void part_report_up(const topo *t, const char *underlay_ns, unsigned mtu)
{
	if (!t->part)
		return;
	describe_part(t, underlay_ns, mtu);
	fflush(stdout);
	char missing[600];
	size_t n = probe_peers(t, underlay_ns, stdout, missing, sizeof missing);
	if (n)
		fprintf(stderr, "sim: warning: %zu peer%s missing: %s; the nodes there do not answer "
			"until their part is up (`sudo ./sim up FILE --machine NAME` on each)\n", n,
			n == 1 ? "" : "s", missing);
}

void part_apply(const char *sim, topo *t)
{
	vxlan_part p;
	if (vxlan_part_read(sim, &p) < 0)
		return;
	char err[512];
	if (!machines_select(t, p.machine, err, sizeof err))
		fprintf(stderr, "sim: %s (has the topology changed since `up`?)\n", err);
	vxlan_part_free(&p);
}

/* Which machine holds the nodes not here: a line per other machine,
 * its first few nodes named (a big sim has hundreds). */
#define REMOTE_NAMED 8

static void print_remote_nodes(const topo *t)
{
	for (size_t m = 0; m < t->nmachines; m++) {
		if (m == t->here)
			continue;
		const topo_machine *tm = &t->machines[m];
		size_t count = 0;
		for (size_t i = 0; i < t->nnodes; i++)
			count += t->nodes[i].machine == m;
		if (count == 0)
			continue;
		printf("  machine %s (%s) holds %zu node%s:", tm->name,
		       tm->has_underlay ? tm->underlay_text : "-", count, count == 1 ? "" : "s");
		size_t named = 0;
		for (size_t i = 0; i < t->nnodes && named < REMOTE_NAMED; i++)
			if (t->nodes[i].machine == m) {
				printf(" %s", t->nodes[i].name);
				named++;
			}
		if (count > named)
			printf(" and %zu more", count - named);
		printf(" (`./sim status` there)\n");
	}
}

void part_status(const char *sim)
{
	vxlan_part p;
	if (vxlan_part_read(sim, &p) < 0)
		return;
	topo t;
	if (load_running_topology(sim, &t)) {
		vxlan_part_free(&p);
		return;
	}
	if (t.part) {
		describe_part(&t, p.underlay_ns[0] ? p.underlay_ns : NULL, p.mtu);
		char missing[600];
		probe_peers(&t, p.underlay_ns[0] ? p.underlay_ns : NULL, stdout, missing,
			    sizeof missing);
		print_remote_nodes(&t);
	}
	topo_free(&t);
	vxlan_part_free(&p);
}

int part_nodes_by_index(const char *sim, node_line **nodes, size_t *n)
{
	vxlan_part p;
	if (vxlan_part_read(sim, &p) < 0)
		return 0;
	vxlan_part_free(&p);
	topo t;
	if (load_running_topology(sim, &t))
		return -EINVAL;
	node_line *ordered = calloc(t.nnodes ? t.nnodes : 1, sizeof *ordered);
	if (ordered == NULL) {
		topo_free(&t);
		return -ENOMEM;
	}
	for (size_t i = 0; i < t.nnodes; i++) {
		if (!machines_node_here(&t, i))
			continue;
		for (size_t j = 0; j < *n; j++)
			if (strcmp((*nodes)[j].name, t.nodes[i].name) == 0)
				ordered[i] = (*nodes)[j];
	}
	free(*nodes);
	*nodes = ordered;
	*n = t.nnodes;
	topo_free(&t);
	return 0;
}

int part_remote_nodes(const char *sim, node_line **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	vxlan_part p;
	if (vxlan_part_read(sim, &p) < 0)
		return 0;
	vxlan_part_free(&p);
	topo t;
	if (load_running_topology(sim, &t))
		return -EINVAL;
	node_line *list = calloc(t.nnodes ? t.nnodes : 1, sizeof *list);
	if (list == NULL) {
		topo_free(&t);
		return -ENOMEM;
	}
	size_t count = 0;
	for (size_t i = 0; i < t.nnodes; i++) {
		const topo_node *tn = &t.nodes[i];
		if (machines_node_here(&t, i))
			continue;
		node_line *l = &list[count++];
		snprintf(l->name, sizeof l->name, "%s", tn->name);
		snprintf(l->service, sizeof l->service, "%s", topo_service_name(tn->service));
		l->router = tn->router;
		size_t used = 0;
		for (size_t k = 0; k < tn->naddrs && used < sizeof l->addrs; k++)
			used += (size_t)snprintf(l->addrs + used, sizeof l->addrs - used, "%s%s",
						 k ? "," : "", tn->addrs[k].text);
	}
	topo_free(&t);
	*out = list;
	*n = count;
	return 0;
}

int part_remote_node(const char *sim, const char *node)
{
	vxlan_part p;
	if (vxlan_part_read(sim, &p) < 0)
		return 0;
	const char *m = vxlan_part_remote(&p, node);
	int rc = 0;
	if (m) {
		die("node %s is on machine %s (%s), not in this part (machine %s): run the verb "
		    "there", node, m, vxlan_part_underlay(&p, m), p.machine);
		rc = 1;
	}
	vxlan_part_free(&p);
	return rc;
}
