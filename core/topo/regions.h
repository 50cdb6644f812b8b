/* Regions: where the clients of each network are, for the routing
 * policies of the servers (geolocation, latency), derived from the
 * topology.
 *
 * A region is named by a network (`region = "europe"` in its table) or
 * by an anycast instance (its `region`).  Every network is in one: its
 * own when it names one, else the region of the nearest place that
 * names one -- a network that names its region, or an anycast instance
 * -- by the one-way delay of the attachments between them (what the
 * topology's links add, topo/impair.h), ties going to the first in the
 * topology.  A topology that names no region has none.
 *
 * The delay between two regions is the least delay between a network
 * of one and a network of the other (0 within a region): what latency
 * routing compares.  Pure: computed from the model alone. */
#ifndef DNSIM_TOPO_REGIONS_H
#define DNSIM_TOPO_REGIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "topo/topo.h"

#define REGIONS_UNREACHABLE UINT64_MAX

typedef struct topo_regions {
	const char **name;        /* into the model */
	size_t n;
	long *of_network;         /* [nnetworks]: index into name, or -1 */
	uint64_t *delay_us;       /* n x n; REGIONS_UNREACHABLE: no path */
} topo_regions;

/* false: out of memory (r left empty). */
bool topo_regions_compute(const topo *t, topo_regions *r);
void topo_regions_free(topo_regions *r);

/* Index of region `name`, or -1. */
long topo_regions_find(const topo_regions *r, const char *name);

#endif
