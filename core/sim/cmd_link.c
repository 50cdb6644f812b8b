/* `sim link down|up NODE [NETWORK|NODE]`: failures on purpose.  A link
 * is a node's port on a network's bridge, in the switch namespace;
 * taking it down cuts the node off that network as a pulled cable would,
 * and the resolvers' timeouts and failover show what follows. */
#include "sim/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netns/netns.h"
#include "netns/nl.h"
#include "topo/render.h"

/* The position of network `net` among node n's links (its interfaces
 * are made in the order of its addresses' first mention of a network). */
static int link_index(const topo_node *n, size_t net)
{
	int k = 0;
	for (size_t i = 0; i < n->naddrs; i++) {
		bool first = true;
		for (size_t j = 0; j < i; j++)
			first = first && n->addrs[j].network != n->addrs[i].network;
		if (!first)
			continue;
		if (n->addrs[i].network == net)
			return k;
		k++;
	}
	return -1;
}

static bool on_network(const topo_node *n, size_t net)
{
	return link_index(n, net) >= 0;
}

int cmd_link(const char *name, int argc, char **argv)
{
	if (argc < 2 || argc > 3 || (strcmp(argv[0], "down") != 0 && strcmp(argv[0], "up") != 0))
		return verb_usage("link");
	bool up = strcmp(argv[0], "up") == 0;
	if (!need_root())
		return 1;
	char sim[TOPO_NAME_MAX + 1];
	if (pick_sim(name, sim, sizeof sim))
		return 1;
	topo t;
	if (load_running_topology(sim, &t))
		return 1;
	const char *a = argv[1], *b = argc == 3 ? argv[2] : NULL;
	const topo_node *node = topo_node_find(&t, a);
	if (node == NULL && b && topo_node_find(&t, b) && topo_network_find(&t, a)) {
		node = topo_node_find(&t, b);   /* NETWORK NODE: the same link */
		b = a;
	}
	int rc = 1;
	if (node == NULL) {
		die("sim %s has no node \"%s\" in its topology", sim, a);
		goto out;
	}
	size_t nets[16];
	size_t nnets = 0;
	if (b == NULL) {
		for (size_t i = 0; i < t.nnetworks && nnets < 16; i++)
			if (on_network(node, i))
				nets[nnets++] = i;
	} else if (topo_network_find(&t, b)) {
		size_t net = (size_t)(topo_network_find(&t, b) - t.networks);
		if (!on_network(node, net)) {
			die("node %s is not on network %s", node->name, b);
			goto out;
		}
		nets[nnets++] = net;
	} else if (topo_node_find(&t, b)) {
		const topo_node *other = topo_node_find(&t, b);
		for (size_t i = 0; i < t.nnetworks && nnets == 0; i++)
			if (on_network(node, i) && on_network(other, i))
				nets[nnets++] = i;
		if (nnets == 0) {
			die("%s and %s share no network: name a link on the path between them, "
			    "e.g. `./sim link down ROUTER NETWORK` (`./sim graph` shows them)",
			    node->name, other->name);
			goto out;
		}
	} else {
		die("\"%s\" is neither a node nor a network of sim %s", b, sim);
		goto out;
	}
	char sw[128];
	netns_switch_name(sw, sizeof sw, sim);
	int fd = netns_open(sw);
	nl_sock s;
	int e = fd < 0 ? fd : nl_open(&s, fd);
	if (fd >= 0)
		close(fd);
	if (e < 0) {
		die("cannot reach the switch of sim %s: %s", sim, strerror(-e));
		goto out;
	}
	rc = 0;
	for (size_t i = 0; i < nnets; i++) {
		char port[16];
		snprintf(port, sizeof port, "n%zu-%d", (size_t)(node - t.nodes),
			 link_index(node, nets[i]));
		int ifindex = nl_ifindex(&s, port);
		if (ifindex < 0 || (e = nl_link_set(&s, ifindex, up)) < 0) {
			rc = die("link %s -- %s: %s", node->name, t.networks[nets[i]].name,
				 strerror(ifindex < 0 ? -ifindex : -e));
			continue;
		}
		printf("link %s -- %s is %s\n", node->name, t.networks[nets[i]].name,
		       up ? "up" : "down");
	}
	nl_close(&s);
out:
	topo_free(&t);
	return rc;
}
