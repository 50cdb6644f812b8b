/* Shortest paths between networks, counting routers crossed: a
 * breadth-first search from every network, per address family. */
#include "topo/routes.h"

#include "topo/anycast.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int fam_index(int family)
{
	return family == AF_INET6;
}

/* Router r's address of `family` on network `net`, or NULL. */
static const topo_addr *addr_on(const topo_node *r, size_t net, int family)
{
	for (size_t i = 0; i < r->naddrs; i++)
		if (r->addrs[i].network == net &&
		    r->addrs[i].addr.ss.ss_family == family)
			return &r->addrs[i];
	return NULL;
}

static bool bfs(const topo *t, routes *r, int family)
{
	int fi = fam_index(family);
	size_t nn = t->nnetworks;
	size_t *queue = malloc((nn ? nn : 1) * sizeof *queue);
	if (queue == NULL)
		return false;
	for (size_t s = 0; s < nn; s++) {
		size_t *dist = r->dist[fi] + s * nn, *first = r->first[fi] + s * nn;
		for (size_t d = 0; d < nn; d++)
			dist[d] = first[d] = SIZE_MAX;
		dist[s] = 0;
		size_t head = 0, tail = 0;
		queue[tail++] = s;
		while (head < tail) {
			size_t u = queue[head++];
			for (size_t k = 0; k < t->nnodes; k++) {
				const topo_node *rt = &t->nodes[k];
				if (!rt->router || addr_on(rt, u, family) == NULL)
					continue;
				for (size_t a = 0; a < rt->naddrs; a++) {
					size_t w = rt->addrs[a].network;
					if (rt->addrs[a].addr.ss.ss_family != family ||
					    dist[w] != SIZE_MAX)
						continue;
					dist[w] = dist[u] + 1;
					first[w] = u == s ? k : first[u];
					queue[tail++] = w;
				}
			}
		}
	}
	free(queue);
	return true;
}

bool routes_compute(const topo *t, routes *r)
{
	memset(r, 0, sizeof *r);
	size_t nn = t->nnetworks, cells = nn > 0 ? nn * nn : 1;
	r->nnet = nn;
	for (int f = 0; f < 2; f++) {
		r->dist[f] = malloc(cells * sizeof(size_t));
		r->first[f] = malloc(cells * sizeof(size_t));
		if (r->dist[f] == NULL || r->first[f] == NULL) {
			routes_free(r);
			return false;
		}
	}
	if (!bfs(t, r, AF_INET) || !bfs(t, r, AF_INET6)) {
		routes_free(r);
		return false;
	}
	return true;
}

void routes_free(routes *r)
{
	for (int f = 0; f < 2; f++) {
		free(r->dist[f]);
		free(r->first[f]);
	}
	memset(r, 0, sizeof *r);
}

bool routes_next_hop(const topo *t, const routes *r, const topo_node *n,
		     size_t dst, int family, const topo_addr **via)
{
	int fi = fam_index(family);
	size_t best = SIZE_MAX, best_src = 0;
	*via = NULL;
	for (size_t i = 0; i < n->naddrs; i++) {
		if (n->addrs[i].addr.ss.ss_family != family)
			continue;
		size_t s = n->addrs[i].network;
		if (s == dst)
			return true;
		size_t d = r->dist[fi][s * r->nnet + dst];
		if (d < best) {
			best = d;
			best_src = s;
		}
	}
	if (best == SIZE_MAX)
		return false;
	const topo_node *router = &t->nodes[r->first[fi][best_src * r->nnet + dst]];
	*via = addr_on(router, best_src, family);
	return *via != NULL;
}

bool routes_reach(const topo *t, const routes *r, const topo_node *from,
		  const topo_addr *a)
{
	const topo_addr *via;
	if (a->network != SIZE_MAX)
		return routes_next_hop(t, r, from, a->network, a->addr.ss.ss_family, &via);
	/* An anycast address: reached when one of its instances is (through
	 * its own address of that family). */
	for (size_t i = 0; i < t->nnodes; i++) {
		const topo_node *n = &t->nodes[i];
		bool holds = false;
		for (size_t k = 0; k < n->nanycast && !holds; k++)
			holds = anycast_same_addr(&n->anycast[k].addr, &a->addr);
		for (size_t k = 0; holds && k < n->naddrs; k++)
			if (n->addrs[k].addr.ss.ss_family == a->addr.ss.ss_family &&
			    routes_next_hop(t, r, from, n->addrs[k].network,
					    a->addr.ss.ss_family, &via))
				return true;
	}
	return false;
}
