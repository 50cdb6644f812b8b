/* Anycast routes in a sim's namespaces, installed and moved. */
#include "netns/anyroute.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netns/netns.h"

#define LOOPBACK_IFINDEX 1

static const uint8_t *host_bytes(const net_addr *a, unsigned *bits)
{
	if (a->ss.ss_family == AF_INET) {
		*bits = 32;
		return (const uint8_t *)&((const struct sockaddr_in *)&a->ss)->sin_addr;
	}
	*bits = 128;
	return (const uint8_t *)&((const struct sockaddr_in6 *)&a->ss)->sin6_addr;
}

bool anyroute_init(anyroute *a, const topo *t)
{
	memset(a, 0, sizeof *a);
	a->t = t;
	if (!anycast_collect(t, &a->set))
		return false;
	size_t nn = t->nnodes ? t->nnodes : 1;
	a->hops = calloc((a->set.n ? a->set.n : 1) * nn, sizeof *a->hops);
	a->withdrawn = calloc(nn, sizeof *a->withdrawn);
	a->cut = calloc(nn * (t->nnetworks ? t->nnetworks : 1), sizeof *a->cut);
	bool ok = a->hops && a->withdrawn && a->cut;
	for (size_t g = 0; ok && g < a->set.n; g++)
		ok = anycast_routes(t, &a->set.g[g], NULL, a->hops + g * t->nnodes);
	if (!ok)
		anyroute_free(a);
	return ok;
}

void anyroute_free(anyroute *a)
{
	anycast_set_free(&a->set);
	free(a->hops);
	free(a->withdrawn);
	free(a->cut);
	memset(a, 0, sizeof *a);
}

int anyroute_install_node(const anyroute *a, size_t k, nl_sock *s, char *what, size_t n)
{
	for (size_t g = 0; g < a->set.n; g++) {
		const anycast_group *grp = &a->set.g[g];
		const anycast_hop *h = &a->hops[g * a->t->nnodes + k];
		unsigned bits;
		const uint8_t *dst = host_bytes(&grp->addr, &bits);
		if (anycast_is_instance(grp, k)) {
			int rc = nl_addr_add(s, LOOPBACK_IFINDEX, &grp->addr, bits);
			if (rc < 0) {
				snprintf(what, n, "adding anycast %s to its loopback", grp->text);
				return rc;
			}
		} else if (h->via) {
			int rc = nl_route_add(s, grp->addr.ss.ss_family, dst, bits, &h->via->addr);
			if (rc < 0) {
				snprintf(what, n, "adding its route to anycast %s via %s", grp->text,
					 h->via->text);
				return rc;
			}
		}
	}
	return 0;
}

static bool same_hop(const anycast_hop *x, const anycast_hop *y)
{
	return x->via == y->via && x->instance == y->instance;
}

/* Rewrite node k's route for group g to `want`; 0 or -errno. */
static int rewrite(const anyroute *a, const char *sim, size_t k, const anycast_group *g,
		   const anycast_hop *want, nl_sock *s, bool *open)
{
	if (!*open) {
		char ns[128];
		netns_node_name(ns, sizeof ns, sim, a->t->nodes[k].name);
		int fd = netns_open(ns);
		if (fd < 0)
			return fd;
		int rc = nl_open(s, fd);
		close(fd);
		if (rc < 0)
			return rc;
		*open = true;
	}
	unsigned bits;
	const uint8_t *dst = host_bytes(&g->addr, &bits);
	if (want->via)
		return nl_route_replace(s, g->addr.ss.ss_family, dst, bits, &want->via->addr);
	return nl_route_del(s, g->addr.ss.ss_family, dst, bits);
}

size_t anyroute_update(anyroute *a, const char *sim, anyroute_moved_fn moved, void *ctx)
{
	const topo *t = a->t;
	size_t nn = t->nnodes, changed = 0;
	anycast_hop *want = calloc(nn ? nn : 1, sizeof *want);
	if (want == NULL)
		return 0;
	anycast_down down = { a->withdrawn, a->cut };
	for (size_t g = 0; g < a->set.n; g++) {
		const anycast_group *grp = &a->set.g[g];
		if (!anycast_routes(t, grp, &down, want))
			continue;
		anycast_hop *have = a->hops + g * nn;
		for (size_t k = 0; k < nn; k++) {
			if (anycast_is_instance(grp, k) || same_hop(&have[k], &want[k]))
				continue;
			nl_sock s;
			bool open = false;
			int rc = rewrite(a, sim, k, grp, &want[k], &s, &open);
			if (open)
				nl_close(&s);
			if (rc < 0)
				continue;   /* kept: tried again next time */
			size_t from = have[k].instance;
			have[k] = want[k];
			changed++;
			if (moved && from != want[k].instance)
				moved(ctx, grp, k, from, want[k].instance);
		}
	}
	free(want);
	return changed;
}

char *anyroute_describe(const anyroute *a)
{
	const topo *t = a->t;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (f == NULL)
		return NULL;
	for (size_t g = 0; g < a->set.n; g++) {
		const anycast_group *grp = &a->set.g[g];
		const anycast_hop *h = a->hops + g * t->nnodes;
		fprintf(f, "anycast %s: %zu instance%s\n", grp->text, grp->ninst,
			grp->ninst == 1 ? "" : "s");
		fprintf(f, "  %-16s %-12s %-10s %s\n", "INSTANCE", "REGION", "ROUTES", "REACHED FROM");
		for (size_t i = 0; i < grp->ninst; i++) {
			size_t k = grp->inst[i];
			const topo_node *n = &t->nodes[k];
			fprintf(f, "  %-16s %-12s %-10s", n->name, n->region ? n->region : "-",
				a->withdrawn[k] ? "withdrawn" : "announced");
			size_t shown = 0;
			for (size_t c = 0; c < t->nnodes; c++)
				if (c != k && !t->nodes[c].router && h[c].instance == k &&
				    !anycast_is_instance(grp, c))
					fprintf(f, " %s", t->nodes[c].name), shown++;
			fprintf(f, "%s\n", shown ? "" : " -");
		}
		size_t lost = 0;
		for (size_t c = 0; c < t->nnodes; c++)
			lost += !t->nodes[c].router && h[c].instance == SIZE_MAX &&
				!anycast_is_instance(grp, c);
		if (lost)
			fprintf(f, "  (%zu host%s reach no instance)\n", lost, lost == 1 ? "" : "s");
	}
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
