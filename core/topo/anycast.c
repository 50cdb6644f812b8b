/* Anycast groups and the shortest-path tree from their live instances. */
#include "topo/anycast.h"

#include <stdlib.h>
#include <string.h>

#include "topo/impair.h"
#include "util/array.h"

bool anycast_same_addr(const net_addr *a, const net_addr *b)
{
	if (a->ss.ss_family != b->ss.ss_family)
		return false;
	if (a->ss.ss_family == AF_INET)
		return memcmp(&((const struct sockaddr_in *)&a->ss)->sin_addr,
			      &((const struct sockaddr_in *)&b->ss)->sin_addr, 4) == 0;
	if (a->ss.ss_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)&a->ss)->sin6_addr,
			      &((const struct sockaddr_in6 *)&b->ss)->sin6_addr, 16) == 0;
	return false;
}

void anycast_set_free(anycast_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->g[i].inst);
	free(s->g);
	memset(s, 0, sizeof *s);
}

bool anycast_collect(const topo *t, anycast_set *s)
{
	memset(s, 0, sizeof *s);
	for (size_t i = 0; i < t->nnodes; i++) {
		const topo_node *n = &t->nodes[i];
		for (size_t k = 0; k < n->nanycast; k++) {
			anycast_group *g = (anycast_group *)anycast_find(s, &n->anycast[k].addr);
			if (g == NULL) {
				g = array_grow(&s->g, &s->n, sizeof *g);
				if (g == NULL)
					goto nomem;
				memset(g, 0, sizeof *g);
				g->addr = n->anycast[k].addr;
				memcpy(g->text, n->anycast[k].text, sizeof g->text);
			}
			if (anycast_is_instance(g, i))
				continue;
			size_t *slot = array_grow(&g->inst, &g->ninst, sizeof *slot);
			if (slot == NULL)
				goto nomem;
			*slot = i;
		}
	}
	return true;
nomem:
	anycast_set_free(s);
	return false;
}

const anycast_group *anycast_find(const anycast_set *s, const net_addr *a)
{
	for (size_t i = 0; i < s->n; i++)
		if (anycast_same_addr(&s->g[i].addr, a))
			return &s->g[i];
	return NULL;
}

bool anycast_is_instance(const anycast_group *g, size_t node)
{
	for (size_t i = 0; i < g->ninst; i++)
		if (g->inst[i] == node)
			return true;
	return false;
}

const topo_addr *anycast_addr_on(const topo_node *n, size_t net, int family)
{
	for (size_t i = 0; i < n->naddrs; i++)
		if (n->addrs[i].network == net && n->addrs[i].addr.ss.ss_family == family)
			return &n->addrs[i];
	return NULL;
}

/* The cost of a path, compared field by field: delay, then routers
 * crossed, then the instance's place among the group's (so that equal
 * paths always pick the same instance, the first written). */
typedef struct cost {
	uint64_t delay_us;
	unsigned routers;
	size_t rank;
} cost;

#define NO_COST ((cost){ UINT64_MAX, 0, 0 })

static bool cheaper(cost a, cost b)
{
	if (a.delay_us != b.delay_us)
		return a.delay_us < b.delay_us;
	if (a.routers != b.routers)
		return a.routers < b.routers;
	return a.rank < b.rank;
}

static cost plus(cost c, uint64_t delay_us, unsigned routers)
{
	c.delay_us += delay_us;
	c.routers += routers;
	return c;
}

typedef struct tree {
	const topo *t;
	const anycast_down *down;
	int family;
	size_t nnet;
	/* Vertices: networks 0..nnet-1, then node k at nnet + k. */
	cost *dist;
	size_t *pred;             /* the vertex it was reached from */
	size_t *inst;             /* the instance it leads to */
	bool *settled;
} tree;

static bool link_up(const tree *tr, size_t node, size_t net)
{
	return tr->down == NULL || tr->down->cut == NULL ||
	       !tr->down->cut[node * tr->nnet + net];
}

/* Node k's attachment to `net` in the tree's family, live. */
static bool attached(const tree *tr, size_t k, size_t net)
{
	return anycast_addr_on(&tr->t->nodes[k], net, tr->family) != NULL && link_up(tr, k, net);
}

static uint64_t link_delay(const tree *tr, size_t k, size_t net)
{
	return topo_link_impair(tr->t, &tr->t->nodes[k], net).delay_us;
}

static void offer(tree *tr, size_t v, cost c, size_t from, size_t inst)
{
	if (!tr->settled[v] && cheaper(c, tr->dist[v])) {
		tr->dist[v] = c;
		tr->pred[v] = from;
		tr->inst[v] = inst;
	}
}

static void grow(tree *tr, const anycast_group *g)
{
	const topo *t = tr->t;
	size_t nv = tr->nnet + t->nnodes;
	for (size_t v = 0; v < nv; v++) {
		tr->dist[v] = NO_COST;
		tr->pred[v] = tr->inst[v] = SIZE_MAX;
		tr->settled[v] = false;
	}
	/* Every live instance is a source, on each network it is linked to. */
	for (size_t r = 0; r < g->ninst; r++) {
		size_t k = g->inst[r];
		if (tr->down && tr->down->withdrawn && tr->down->withdrawn[k])
			continue;
		for (size_t net = 0; net < tr->nnet; net++)
			if (attached(tr, k, net))
				offer(tr, net, (cost){ link_delay(tr, k, net), 0, r }, tr->nnet + k, k);
	}
	for (;;) {
		size_t v = SIZE_MAX;
		for (size_t u = 0; u < nv; u++)
			if (!tr->settled[u] && tr->dist[u].delay_us != UINT64_MAX &&
			    (v == SIZE_MAX || cheaper(tr->dist[u], tr->dist[v])))
				v = u;
		if (v == SIZE_MAX)
			break;
		tr->settled[v] = true;
		if (v < tr->nnet) {
			/* A network: on to every router linked to it. */
			for (size_t k = 0; k < t->nnodes; k++)
				if (t->nodes[k].router && attached(tr, k, v))
					offer(tr, tr->nnet + k, plus(tr->dist[v], link_delay(tr, k, v), 1),
					      v, tr->inst[v]);
		} else {
			/* A router: on to its other networks. */
			size_t k = v - tr->nnet;
			for (size_t net = 0; net < tr->nnet; net++)
				if (attached(tr, k, net))
					offer(tr, net, plus(tr->dist[v], link_delay(tr, k, net), 0), v,
					      tr->inst[v]);
		}
	}
}

/* The hop of a node that sends out on network `net`: the vertex that
 * reached net (a router, or an instance on it) is the next hop. */
static void hop_through(const tree *tr, size_t net, cost c, anycast_hop *h)
{
	size_t next = tr->pred[net] - tr->nnet;
	h->via = anycast_addr_on(&tr->t->nodes[next], net, tr->family);
	h->instance = h->via ? tr->inst[net] : SIZE_MAX;
	h->delay_us = c.delay_us;
	h->routers = c.routers;
}

bool anycast_routes(const topo *t, const anycast_group *g, const anycast_down *down,
		    anycast_hop *out)
{
	tree tr = { .t = t, .down = down, .family = g->addr.ss.ss_family, .nnet = t->nnetworks };
	size_t nv = tr.nnet + t->nnodes;
	tr.dist = malloc(nv * sizeof *tr.dist);
	tr.pred = malloc(nv * sizeof *tr.pred);
	tr.inst = malloc(nv * sizeof *tr.inst);
	tr.settled = malloc(nv * sizeof *tr.settled);
	bool ok = tr.dist && tr.pred && tr.inst && tr.settled;
	if (ok) {
		grow(&tr, g);
		for (size_t k = 0; k < t->nnodes; k++) {
			anycast_hop *h = &out[k];
			*h = (anycast_hop){ .instance = SIZE_MAX };
			if (anycast_is_instance(g, k)) {
				h->instance = k;  /* its own loopback */
				continue;
			}
			if (t->nodes[k].router) {
				/* The tree's choice, so that routers agree hop by hop. */
				size_t v = tr.nnet + k;
				if (tr.settled[v]) {
					cost c = tr.dist[v];
					c.routers--;  /* not counting itself */
					hop_through(&tr, tr.pred[v], c, h);
				}
				continue;
			}
			/* A host forwards nothing: its cheapest network. */
			cost best = NO_COST;
			size_t best_net = SIZE_MAX;
			for (size_t net = 0; net < tr.nnet; net++) {
				if (!attached(&tr, k, net) || !tr.settled[net])
					continue;
				cost c = plus(tr.dist[net], link_delay(&tr, k, net), 0);
				if (cheaper(c, best)) {
					best = c;
					best_net = net;
				}
			}
			if (best_net != SIZE_MAX)
				hop_through(&tr, best_net, best, h);
		}
	}
	free(tr.dist);
	free(tr.pred);
	free(tr.inst);
	free(tr.settled);
	return ok;
}
