/* Regions of the networks and the delays between them. */
#include "topo/regions.h"

#include <stdlib.h>
#include <string.h>

#include "topo/impair.h"

void topo_regions_free(topo_regions *r)
{
	free(r->name);
	free(r->of_network);
	free(r->delay_us);
	memset(r, 0, sizeof *r);
}

long topo_regions_find(const topo_regions *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->name[i], name) == 0)
			return (long)i;
	return -1;
}

static void add_name(topo_regions *r, const char *name)
{
	if (topo_regions_find(r, name) < 0)
		r->name[r->n++] = name;
}

static uint64_t add_delay(uint64_t a, uint64_t b)
{
	return a == REGIONS_UNREACHABLE || b == REGIONS_UNREACHABLE ? REGIONS_UNREACHABLE
								    : a + b;
}

/* Delays between networks (nn x nn): through routers only, each hop the
 * router's attachment delays on both sides (Floyd-Warshall: a topology
 * has tens of networks). */
static uint64_t *network_delays(const topo *t)
{
	size_t nn = t->nnetworks;
	uint64_t *d = malloc((nn ? nn * nn : 1) * sizeof *d);
	if (d == NULL)
		return NULL;
	for (size_t i = 0; i < nn * nn; i++)
		d[i] = i % (nn + 1) == 0 ? 0 : REGIONS_UNREACHABLE;
	for (size_t k = 0; k < t->nnodes; k++) {
		const topo_node *n = &t->nodes[k];
		if (!n->router)
			continue;
		for (size_t i = 0; i < n->naddrs; i++)
			for (size_t j = 0; j < n->naddrs; j++) {
				size_t a = n->addrs[i].network, b = n->addrs[j].network;
				if (a == b)
					continue;
				uint64_t via = topo_link_impair(t, n, a).delay_us +
					       topo_link_impair(t, n, b).delay_us;
				if (via < d[a * nn + b])
					d[a * nn + b] = via;
			}
	}
	for (size_t k = 0; k < nn; k++)
		for (size_t i = 0; i < nn; i++)
			for (size_t j = 0; j < nn; j++) {
				uint64_t via = add_delay(d[i * nn + k], d[k * nn + j]);
				if (via < d[i * nn + j])
					d[i * nn + j] = via;
			}
	return d;
}

/* The delay from anycast instance `node` to network `net`: through the
 * nearest of its own attachments. */
static uint64_t node_to_network(const topo *t, const uint64_t *d, const topo_node *node,
				size_t net)
{
	uint64_t best = REGIONS_UNREACHABLE;
	size_t nn = t->nnetworks;
	for (size_t i = 0; i < node->naddrs; i++) {
		size_t a = node->addrs[i].network;
		uint64_t via = add_delay(topo_link_impair(t, node, a).delay_us, d[a * nn + net]);
		if (via < best)
			best = via;
	}
	return best;
}

bool topo_regions_compute(const topo *t, topo_regions *r)
{
	memset(r, 0, sizeof *r);
	size_t nn = t->nnetworks, most = nn + t->nnodes;
	r->name = calloc(most ? most : 1, sizeof *r->name);
	r->of_network = calloc(nn ? nn : 1, sizeof *r->of_network);
	if (r->name == NULL || r->of_network == NULL) {
		topo_regions_free(r);
		return false;
	}
	for (size_t i = 0; i < nn; i++)
		if (t->networks[i].region)
			add_name(r, t->networks[i].region);
	for (size_t i = 0; i < t->nnodes; i++)
		if (t->nodes[i].region)
			add_name(r, t->nodes[i].region);
	/* No regions (most topologies): nothing to measure.  Every server's
	 * configuration asks, so a big sim must not pay for the delays. */
	if (r->n == 0) {
		for (size_t y = 0; y < nn; y++)
			r->of_network[y] = -1;
		return true;
	}
	uint64_t *d = network_delays(t);
	if (d == NULL) {
		topo_regions_free(r);
		return false;
	}
	for (size_t y = 0; y < nn; y++) {
		r->of_network[y] = -1;
		if (t->networks[y].region) {
			r->of_network[y] = topo_regions_find(r, t->networks[y].region);
			continue;
		}
		uint64_t best = REGIONS_UNREACHABLE;
		for (size_t x = 0; x < nn; x++)
			if (t->networks[x].region && d[x * nn + y] < best) {
				best = d[x * nn + y];
				r->of_network[y] = topo_regions_find(r, t->networks[x].region);
			}
		for (size_t k = 0; k < t->nnodes; k++) {
			const topo_node *n = &t->nodes[k];
			uint64_t via = n->region ? node_to_network(t, d, n, y) : REGIONS_UNREACHABLE;
			if (via < best) {
				best = via;
				r->of_network[y] = topo_regions_find(r, n->region);
			}
		}
	}
	r->delay_us = malloc((r->n ? r->n * r->n : 1) * sizeof *r->delay_us);
	if (r->delay_us == NULL) {
		free(d);
		topo_regions_free(r);
		return false;
	}
	for (size_t i = 0; i < r->n * r->n; i++)
		r->delay_us[i] = i % (r->n + 1) == 0 ? 0 : REGIONS_UNREACHABLE;
	for (size_t a = 0; a < nn; a++)
		for (size_t b = 0; b < nn; b++) {
			long ra = r->of_network[a], rb = r->of_network[b];
			if (ra < 0 || rb < 0 || ra == rb)
				continue;
			uint64_t *slot = &r->delay_us[(size_t)ra * r->n + (size_t)rb];
			if (d[a * nn + b] < *slot)
				*slot = d[a * nn + b];
		}
	free(d);
	return true;
}
