/* `sim link down|up NODE [NETWORK|NODE]`: failures on purpose.  A link
 * is a node's port on a network's bridge, in the switch namespace;
 * taking it down cuts the node off that network as a pulled cable would,
 * and the resolvers' timeouts and failover show what follows.
 *
 * `sim link set NODE [NETWORK] delay=.. jitter=.. loss=.. rate=..` and
 * `sim link show [NODE]`: distance and trouble on the wire, changed
 * while the sim runs (netns/links.h has the two paths that carry them). */
#include "sim/cli.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <errno.h>

#include "netns/build.h"
#include "netns/links.h"
#include "netns/netns.h"
#include "netns/nl.h"
#include "runtime/monitor.h"
#include "runtime/relay.h"
#include "sim/part.h"
#include "topo/impair.h"
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

/* The networks `net_name` (NULL: all of node's) names, in nets[]; 0, or
 * 1 after a message. */
static int pick_networks(const topo *t, const topo_node *node, const char *net_name,
			 size_t *nets, size_t *nnets, size_t max)
{
	*nnets = 0;
	if (net_name == NULL) {
		for (size_t i = 0; i < t->nnetworks && *nnets < max; i++)
			if (on_network(node, i))
				nets[(*nnets)++] = i;
		return 0;
	}
	const topo_network *net = topo_network_find(t, net_name);
	if (net == NULL)
		return die("sim %s has no network \"%s\"", t->name, net_name);
	if (!on_network(node, (size_t)(net - t->networks)))
		return die("node %s is not on network %s", node->name, net_name);
	nets[(*nnets)++] = (size_t)(net - t->networks);
	return 0;
}

/* The relay re-reads the table (started first when it is not running);
 * 0, or 1 after a message. */
static int relay_reload(const char *sim, size_t nlinks)
{
	if (nlinks > 0) {
		char *r = monitor_call(sim, "linkd");
		if (r == NULL || strncmp(r, "ok", 2) != 0) {
			die("cannot start the link relay: %s", r ? r : strerror(errno));
			free(r);
			return 1;
		}
		free(r);
	}
	char *r = relay_call(sim, "reload", 5000);
	if (r == NULL && nlinks == 0 && (errno == ENOENT || errno == ECONNREFUSED))
		return 0;   /* no relay, nothing for it to carry */
	int rc = r && strncmp(r, "ok", 2) == 0 ? 0 : 1;
	if (rc)
		die("the link relay: %s", r ? r : strerror(errno));
	free(r);
	return rc;
}

typedef struct unplumb {
	char port[16], relay[16];
	int bridge;
} unplumb;

/* link set NODE [NETWORK] KEY=VALUE...: everything checked before
 * anything changes. */
static int link_set(const char *sim, topo *t, int argc, char **argv)
{
	const topo_node *node = topo_node_find(t, argv[0]);
	if (node == NULL)
		return die("sim %s has no node \"%s\" in its topology", sim, argv[0]);
	if (part_remote_node(sim, node->name))
		return 1;
	int first = 1;
	const char *net_name = NULL;
	if (argc > 1 && strchr(argv[1], '=') == NULL) {
		for (size_t i = 0; impair_keys[i]; i++)
			if (strcmp(argv[1], impair_keys[i]) == 0)
				return die("link set: %s needs a value, e.g. %s=%s", argv[1], argv[1],
					   i < 2 ? "20ms" : i == 2 ? "1%" : "10mbit");
		net_name = argv[1];
		first = 2;
	}
	if (first >= argc)
		return die("link set %s: say what to change, e.g. delay=30ms loss=5%% "
			   "jitter=2ms rate=10mbit (0 removes one)", node->name);
	topo_impair change = { 0 };
	for (int i = first; i < argc; i++) {
		char key[16], err[300];
		const char *eq = strchr(argv[i], '=');
		if (eq == NULL || (size_t)(eq - argv[i]) >= sizeof key)
			return die("link set: \"%s\" is not KEY=VALUE (delay, jitter, loss, rate)",
				   argv[i]);
		snprintf(key, sizeof key, "%.*s", (int)(eq - argv[i]), argv[i]);
		if (!impair_set(&change, key, eq + 1, err, sizeof err))
			return die("link set: %s", err);
	}
	size_t nets[16], nnets;
	if (pick_networks(t, node, net_name, nets, &nnets, 16))
		return 1;
	link_table lt;
	int rc = links_read(sim, &lt);
	if (rc < 0)
		return die("sim %s has no link table (%s): it was brought up by an older "
			   "./sim; bring it up again", sim, strerror(-rc));
	/* The values each link will have, all checked first. */
	topo_impair want[16];
	for (size_t i = 0; i < nnets; i++) {
		const link_entry *e = links_find(&lt, node->name, t->networks[nets[i]].name);
		topo_impair now = { 0 };
		if (e)
			now = e->im;
		want[i] = now;
		impair_overlay(&want[i], &change);
		/* No delay, no jitter around it (unless jitter is asked for,
		 * which the check then refuses). */
		if ((change.given & IMPAIR_DELAY) && change.delay_us == 0 &&
		    !(change.given & IMPAIR_JITTER))
			want[i].jitter_us = 0;
		char err[300];
		if (!impair_consistent(&want[i], err, sizeof err)) {
			links_free(&lt);
			return die("link %s -- %s: %s; nothing changed", node->name,
				   t->networks[nets[i]].name, err);
		}
	}
	char sw[128], ns[128];
	netns_switch_name(sw, sizeof sw, sim);
	netns_node_name(ns, sizeof ns, sim, node->name);
	int swfd = netns_open(sw), nodefd = netns_open(ns);
	nl_sock s = { 0 }, sn = { 0 };
	rc = swfd < 0 ? swfd : nodefd < 0 ? nodefd : nl_open(&s, swfd);
	if (rc == 0 && lt.path == LINK_PATH_NETEM)
		rc = nl_open(&sn, nodefd);
	if (rc < 0) {
		die("cannot reach the namespaces of sim %s: %s", sim, strerror(-rc));
		goto out;
	}
	unplumb gone[16];
	size_t ngone = 0;
	rc = 0;
	for (size_t i = 0; i < nnets && rc == 0; i++) {
		const char *net = t->networks[nets[i]].name;
		unsigned k = (unsigned)link_index(node, nets[i]);
		size_t index = (size_t)(node - t->nodes);
		link_entry *e = links_find(&lt, node->name, net);
		bool active = impair_active(&want[i]);
		if (e == NULL && !active)
			continue;
		char port[16], relay[16], bside[16], ifname[16], br[40];
		links_names(index, k, port, relay, bside, ifname);
		build_bridge_name(t, nets[i], br, sizeof br);
		int bridge = nl_ifindex(&s, br);
		if (bridge < 0) {
			rc = die("link %s -- %s: no bridge %s: %s", node->name, net, br,
				 strerror(-bridge));
			break;
		}
		if (e == NULL) {
			if ((e = links_add(&lt, node->name, net, index, k)) == NULL) {
				rc = die("out of memory");
				break;
			}
			/* Not impaired at up: through the relay from now on. */
			if (lt.path == LINK_PATH_RELAY &&
			    (rc = links_relay_plumb(&s, swfd, port, relay, bside, bridge)) < 0) {
				rc = die("link %s -- %s: cannot hand it to the relay: %s", node->name,
					 net, strerror(-rc));
				links_remove(&lt, e);
				break;
			}
		}
		e->im = want[i];
		if (lt.path == LINK_PATH_NETEM && (rc = links_netem_apply(&s, &sn, e)) < 0) {
			rc = die("link %s -- %s: netem: %s", node->name, net, strerror(-rc));
			break;
		}
		if (!active) {
			if (lt.path == LINK_PATH_RELAY) {
				unplumb *u = &gone[ngone++];
				snprintf(u->port, sizeof u->port, "%s", port);
				snprintf(u->relay, sizeof u->relay, "%s", relay);
				u->bridge = bridge;
			}
			links_remove(&lt, e);
		}
	}
	int wrc = links_write(sim, &lt);
	if (wrc < 0)
		rc = die("cannot write the link table: %s", strerror(-wrc));
	else if (lt.path == LINK_PATH_RELAY && relay_reload(sim, lt.n))
		rc = 1;
	/* Back on the bridge once the relay has let go of them. */
	for (size_t i = 0; i < ngone; i++) {
		int e = links_relay_unplumb(&s, gone[i].port, gone[i].relay, gone[i].bridge);
		if (e < 0)
			rc = die("cannot put %s back on its bridge: %s", gone[i].port, strerror(-e));
	}
	for (size_t i = 0; i < nnets && rc == 0; i++) {
		char d[160];
		impair_describe(&want[i], d, sizeof d);
		printf("link %s -- %s: %s (%s)\n", node->name, t->networks[nets[i]].name,
		       strcmp(d, "none") == 0 ? "no impairment" : d, link_path_name(lt.path));
	}
out:
	nl_close(&s);
	nl_close(&sn);
	if (swfd >= 0)
		close(swfd);
	if (nodefd >= 0)
		close(nodefd);
	links_free(&lt);
	return rc ? 1 : 0;
}

/* Counters of one link from the relay's stats reply ("" when none). */
static void relay_counters(const char *stats, const link_entry *e, char *out, size_t n)
{
	out[0] = '\0';
	for (const char *l = stats; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		char node[TOPO_NAME_MAX + 1], net[TOPO_NAME_MAX + 1];
		unsigned long long v[6];
		if (sscanf(l, "%32s %32s %llu %llu %llu %llu %llu %llu", node, net, &v[0], &v[1],
			   &v[2], &v[3], &v[4], &v[5]) == 8 &&
		    strcmp(node, e->node) == 0 && strcmp(net, e->network) == 0) {
			snprintf(out, n, "%llu/%llu/%llu  %llu/%llu/%llu", v[0], v[1], v[2], v[3],
				 v[4], v[5]);
			return;
		}
	}
}

/* link show [NODE]: what is in force, and on the relay what it did. */
static int link_show(const char *sim, const topo *t, const char *node_name)
{
	const topo_node *node = NULL;
	if (node_name && (node = topo_node_find(t, node_name)) == NULL)
		return die("sim %s has no node \"%s\" in its topology", sim, node_name);
	link_table lt;
	int rc = links_read(sim, &lt);
	if (rc < 0)
		return die("sim %s has no link table (%s): it was brought up by an older "
			   "./sim; bring it up again", sim, strerror(-rc));
	char *stats = NULL;
	if (lt.path == LINK_PATH_RELAY && lt.n)
		stats = relay_call(sim, "stats", 3000);
	printf("sim %s: links by %s%s, seed %llu\n", sim, link_path_name(lt.path),
	       lt.path == LINK_PATH_RELAY ? (lt.n == 0 ? " (dnsim-linkd, idle)" : stats
					     ? " (dnsim-linkd)" : " (dnsim-linkd is not answering)")
	       : " (tc qdiscs)", (unsigned long long)lt.seed);
	if (lt.topology_off)
		printf("(up --no-delay: the topology's impairments are off; only what "
		       "`link set` adds is in force)\n");
	bool counters = stats != NULL;
	printf("%-16s %-16s %-40s%s\n", "NODE", "NETWORK", "IN FORCE",
	       counters ? " TO NODE pass/lost/drop  FROM NODE" : "");
	size_t shown = 0;
	for (size_t i = 0; i < t->nnodes; i++) {
		const topo_node *n = &t->nodes[i];
		if (node && n != node)
			continue;
		for (size_t net = 0; net < t->nnetworks; net++) {
			if (!on_network(n, net))
				continue;
			const link_entry *e = links_find(&lt, n->name, t->networks[net].name);
			if (e == NULL && node == NULL)
				continue;
			char d[160] = "none", c[80] = "";
			if (e) {
				impair_describe(&e->im, d, sizeof d);
				relay_counters(stats, e, c, sizeof c);
			}
			printf("%-16s %-16s %-40s%s%s\n", n->name, t->networks[net].name, d,
			       c[0] ? " " : "", c);
			shown++;
		}
	}
	if (shown == 0)
		printf("(no link is impaired: `./sim link set NODE delay=20ms` makes one)\n");
	free(stats);
	links_free(&lt);
	return 0;
}

/* Routes to anycast addresses go around a cut link (and back when it
 * is plugged in again), as BGP would withdraw what was announced over
 * it: the monitor keeps them.  Each host that now reaches another
 * instance is told. */
static void anycast_follow(const char *sim, const char *node, const char *net, bool up)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "link %s %s %s", node, net, up ? "up" : "down");
	char *r = monitor_call(sim, cmd);
	if (r == NULL || strncmp(r, "error", 5) == 0) {
		fprintf(stderr, "sim: anycast routes not moved: %s\n",
			r ? r : "the monitor is not running");
		free(r);
		return;
	}
	/* "moved ADDR: NODE reaches TO (was FROM)", one line per host: told
	 * as one line per address and move, the hosts together. */
	typedef struct move {
		char addr[64], to[TOPO_NAME_MAX + 8], from[TOPO_NAME_MAX + 8];
		char hosts[1024];
	} move;
	move moves[16];
	size_t nmoves = 0;
	for (char *l = r; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		move m;
		char node[TOPO_NAME_MAX + 1];
		const char *colon = strncmp(l, "moved ", 6) == 0 ? strstr(l, ": ") : NULL;
		if (colon == NULL || colon - (l + 6) >= (ptrdiff_t)sizeof m.addr ||
		    sscanf(colon, ": %32s reaches %39s (was %39[^)])", node, m.to, m.from) != 3)
			continue;
		snprintf(m.addr, sizeof m.addr, "%.*s", (int)(colon - (l + 6)), l + 6);
		size_t i = 0;
		while (i < nmoves && (strcmp(moves[i].addr, m.addr) != 0 ||
				      strcmp(moves[i].to, m.to) != 0 ||
				      strcmp(moves[i].from, m.from) != 0))
			i++;
		if (i == nmoves) {
			if (nmoves == sizeof moves / sizeof moves[0])
				continue;
			m.hosts[0] = '\0';
			moves[nmoves++] = m;
		}
		size_t used = strlen(moves[i].hosts);
		snprintf(moves[i].hosts + used, sizeof moves[i].hosts - used, "%s%s",
			 used ? " " : "", node);
	}
	for (size_t i = 0; i < nmoves; i++)
		printf("anycast %s: %s now reach %s (was %s)\n", moves[i].addr, moves[i].hosts,
		       moves[i].to, moves[i].from);
	free(r);
}

int cmd_link(const char *name, int argc, char **argv)
{
	if (argc >= 1 && (strcmp(argv[0], "set") == 0 || strcmp(argv[0], "show") == 0)) {
		bool set = strcmp(argv[0], "set") == 0;
		if (set ? argc < 2 : argc > 2)
			return verb_usage("link");
		if (set && !need_root())
			return 1;
		char sim[TOPO_NAME_MAX + 1];
		if (pick_sim(name, sim, sizeof sim))
			return 1;
		topo t;
		if (load_running_topology(sim, &t))
			return 1;
		int rc = set ? link_set(sim, &t, argc - 1, argv + 1)
			: link_show(sim, &t, argc == 2 ? argv[1] : NULL);
		topo_free(&t);
		return rc;
	}
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
	if (part_remote_node(sim, node->name))
		goto out;
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
		anycast_follow(sim, node->name, t.networks[nets[i]].name, up);
	}
	nl_close(&s);
out:
	topo_free(&t);
	return rc;
}

/* `sim anycast`: each anycast address, its instances with their regions,
 * whether each is announced, and the hosts each one serves now. */
int cmd_anycast(const char *name, int argc, char **argv)
{
	(void)argv;
	if (argc)
		return verb_usage("anycast");
	char sim[TOPO_NAME_MAX + 1];
	if (pick_sim(name, sim, sizeof sim))
		return 1;
	char *r = monitor_call(sim, "anycast");
	if (r == NULL)
		return die("the monitor of sim %s is not running: %s", sim, strerror(errno));
	if (r[0] == '\0')
		printf("sim %s has no anycast address (a node's `anycast = \"ADDRESS\"` makes "
		       "one)\n", sim);
	else
		fputs(r, stdout);
	free(r);
	return 0;
}
