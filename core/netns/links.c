/* The table of impaired links and the plumbing of both paths. */
#include "netns/links.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/readfile.h"
#include "io/writefile.h"
#include "netns/netns.h"
#include "netns/state.h"
#include "topo/impair.h"
#include "util/array.h"

#define LOOPBACK_IFINDEX 1

const char *link_path_name(link_path p)
{
	return p == LINK_PATH_NETEM ? "netem" : p == LINK_PATH_RELAY ? "relay" : "auto";
}

bool link_path_parse(const char *text, link_path *p)
{
	const link_path all[] = { LINK_PATH_AUTO, LINK_PATH_NETEM, LINK_PATH_RELAY };
	for (size_t i = 0; i < 3; i++)
		if (strcmp(text, link_path_name(all[i])) == 0) {
			*p = all[i];
			return true;
		}
	return false;
}

void links_free(link_table *t)
{
	free(t->links);
	t->links = NULL;
	t->n = 0;
}

int links_read(const char *sim, link_table *t)
{
	memset(t, 0, sizeof *t);
	char path[512], *text;
	size_t len;
	if (state_path(path, sizeof path, sim, "links") < 0)
		return -ENAMETOOLONG;
	int e = io_read_file(NULL, path, &text, &len);
	if (e)
		return -e;
	int rc = 0;
	bool have_path = false;
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l && rc == 0;
	     l = strtok_r(NULL, "\n", &save)) {
		char word[16], p[16];
		if (sscanf(l, "%15s", word) != 1)
			continue;
		if (strcmp(word, "path") == 0) {
			have_path = sscanf(l, "path %15s", p) == 1 && link_path_parse(p, &t->path) &&
				    t->path != LINK_PATH_AUTO;
			rc = have_path ? 0 : -EINVAL;
		} else if (strcmp(word, "seed") == 0) {
			rc = sscanf(l, "seed %" SCNu64, &t->seed) == 1 ? 0 : -EINVAL;
		} else if (strcmp(word, "topology") == 0) {
			char state[8];
			t->topology_off = sscanf(l, "topology %7s", state) == 1 &&
					  strcmp(state, "off") == 0;
			rc = t->topology_off ? 0 : -EINVAL;
		} else if (strcmp(word, "link") == 0) {
			link_entry *x = array_grow(&t->links, &t->n, sizeof *x);
			if (x == NULL) {
				rc = -ENOMEM;
				break;
			}
			unsigned long long d, j, r;
			unsigned loss;
			if (sscanf(l, "link %32s %32s %15s %15s %15s %llu %llu %u %llu", x->node,
				   x->network, x->port, x->relay, x->ifname, &d, &j, &loss, &r) != 9 ||
			    loss > 1000000 || d > IMPAIR_TIME_MAX_US || j > IMPAIR_TIME_MAX_US)
				rc = -EINVAL;
			x->im.delay_us = d;
			x->im.jitter_us = j;
			x->im.loss_ppm = loss;
			x->im.rate_bps = r;
		} else {
			rc = -EINVAL;
		}
	}
	free(text);
	if (rc == 0 && !have_path)
		rc = -EINVAL;
	if (rc < 0)
		links_free(t);
	return rc;
}

int links_write(const char *sim, const link_table *t)
{
	char path[512], *text = NULL;
	size_t len = 0;
	if (state_path(path, sizeof path, sim, "links") < 0)
		return -ENAMETOOLONG;
	FILE *f = open_memstream(&text, &len);
	if (f == NULL)
		return -ENOMEM;
	fprintf(f, "path %s\nseed %" PRIu64 "\n", link_path_name(t->path), t->seed);
	if (t->topology_off)
		fputs("topology off\n", f);
	for (size_t i = 0; i < t->n; i++) {
		const link_entry *x = &t->links[i];
		fprintf(f, "link %s %s %s %s %s %llu %llu %u %llu\n", x->node, x->network, x->port,
			x->relay[0] ? x->relay : "-", x->ifname,
			(unsigned long long)x->im.delay_us, (unsigned long long)x->im.jitter_us,
			x->im.loss_ppm, (unsigned long long)x->im.rate_bps);
	}
	if (fclose(f) != 0) {
		free(text);
		return -ENOMEM;
	}
	int rc = io_write_file(path, text);
	free(text);
	return rc;
}

link_entry *links_find(const link_table *t, const char *node, const char *network)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->links[i].node, node) == 0 && strcmp(t->links[i].network, network) == 0)
			return &t->links[i];
	return NULL;
}

void links_names(size_t port_index, unsigned k, char port[16], char relay[16],
		 char bridge_side[16], char ifname[16])
{
	snprintf(port, 16, "n%zu-%u", port_index, k);
	snprintf(relay, 16, "r%zu-%u", port_index, k);
	snprintf(bridge_side, 16, "b%zu-%u", port_index, k);
	snprintf(ifname, 16, "eth%u", k);
}

link_entry *links_add(link_table *t, const char *node, const char *network,
		      size_t port_index, unsigned k)
{
	link_entry *x = array_grow(&t->links, &t->n, sizeof *x);
	if (x == NULL)
		return NULL;
	char bridge_side[16];
	snprintf(x->node, sizeof x->node, "%s", node);
	snprintf(x->network, sizeof x->network, "%s", network);
	links_names(port_index, k, x->port, x->relay, bridge_side, x->ifname);
	if (t->path != LINK_PATH_RELAY)
		snprintf(x->relay, sizeof x->relay, "-");
	return x;
}

void links_remove(link_table *t, link_entry *e)
{
	size_t i = (size_t)(e - t->links);
	if (i >= t->n)
		return;
	memmove(&t->links[i], &t->links[i + 1], (t->n - i - 1) * sizeof *e);
	t->n--;
}

int links_choose_path(nl_sock *sw, link_table *t, char *err, size_t errsz)
{
	if (t->path == LINK_PATH_RELAY) {
		snprintf(t->why, sizeof t->why, "asked for with --link-path relay");
		return 0;
	}
	/* A qdisc on the switch's own loopback: nothing of the machine's
	 * is touched, and it goes with the namespace if we die here. */
	topo_impair probe = { .delay_us = 1000 };
	int rc = nl_netem_set(sw, LOOPBACK_IFINDEX, &probe);
	if (rc == 0)
		rc = nl_qdisc_del_root(sw, LOOPBACK_IFINDEX);
	if (rc == 0) {
		snprintf(t->why, sizeof t->why, "%s", t->path == LINK_PATH_NETEM
			 ? "asked for with --link-path netem" : "the kernel has sch_netem");
		t->path = LINK_PATH_NETEM;
		return 0;
	}
	/* The kernel answers an unknown qdisc kind with ENOENT. */
	bool missing = rc == -ENOENT || rc == -EOPNOTSUPP;
	if (t->path == LINK_PATH_NETEM) {
		snprintf(err, errsz, "--link-path netem: %s%s; --link-path relay works everywhere",
			 missing ? "this kernel has no sch_netem" : "a netem qdisc failed: ",
			 missing ? "" : strerror(-rc));
		return -1;
	}
	snprintf(t->why, sizeof t->why, "%s%s", missing ? "the kernel has no sch_netem"
		 : "a netem qdisc failed: ", missing ? "" : strerror(-rc));
	t->path = LINK_PATH_RELAY;
	return 0;
}

int links_netem_apply(nl_sock *sw, nl_sock *node, const link_entry *e)
{
	int outer = nl_ifindex(sw, e->port), inner = nl_ifindex(node, e->ifname);
	if (outer < 0)
		return outer;
	if (inner < 0)
		return inner;
	int rc;
	if (impair_active(&e->im)) {
		if ((rc = nl_netem_set(sw, outer, &e->im)) < 0)
			return rc;
		return nl_netem_set(node, inner, &e->im);
	}
	if ((rc = nl_qdisc_del_root(sw, outer)) < 0)
		return rc;
	return nl_qdisc_del_root(node, inner);
}

int links_relay_plumb(nl_sock *sw, int swfd, const char *port, const char *relay,
		      const char *bridge_side, int bridge)
{
	int p = nl_ifindex(sw, port);
	if (p < 0)
		return p;
	int rc, r = nl_ifindex(sw, relay);
	if (r < 0) {
		/* The relay's pair: bI-K on the bridge, rI-K free for the relay. */
		if ((rc = nl_veth_add(sw, bridge_side, bridge, relay, swfd)) < 0)
			return rc;
		if ((r = nl_ifindex(sw, relay)) < 0)
			return r;
	}
	/* Like every link of the switch namespace, the pair has no IPv6 of
	 * its own (build.c): nothing of the switch leaks into the sim. */
	if ((rc = nl_link_up(sw, r)) < 0)
		return rc;
	return nl_link_set_master(sw, p, 0);
}

int links_relay_unplumb(nl_sock *sw, const char *port, const char *relay, int bridge)
{
	int p = nl_ifindex(sw, port);
	if (p < 0)
		return p;
	int rc = nl_link_set_master(sw, p, bridge);
	if (rc < 0)
		return rc;
	/* Deleting one end of a veth pair deletes both. */
	int r = nl_ifindex(sw, relay);
	return r == -ENODEV ? 0 : r < 0 ? r : nl_link_del(sw, r);
}
