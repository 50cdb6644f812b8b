/* The zones a topology serves, each (origin, file) pair read once however
 * many nodes serve it: the check, the delegations, the root hints and the
 * copies the servers are given all work on the same loaded data.  A zone
 * that does not load keeps its errors (as "FILE:LINE: message" lines) so
 * that the check can report them for every node that serves it.
 *
 * A zone file may leave out its apex NS records: the zone then gets one
 * per node that serves it from that file, named by the node's hostname
 * (and the node's addresses, for a name inside the zone).  So one file
 * whose names are relative to the origin serves as the template of many
 * zones (`sim gen root`).
 *
 * Pure: files come in through the reader the caller passes (io_read_file
 * for the disk, a table in memory for the unit tests). */
#ifndef DNSIM_TOPO_ZONES_H
#define DNSIM_TOPO_ZONES_H

#include <stdbool.h>
#include <stddef.h>

#include "dns/zonedata.h"
#include "topo/topo.h"

typedef struct topo_zone_data {
	dns_name origin;          /* lowercased */
	const topo_node *node;    /* the first node that serves it */
	const topo_zone *tz;      /* ...and its entry */
	dns_zonedata zd;          /* empty when the zone did not load */
	unsigned errors;          /* 0: loaded and checked */
	char **problems;          /* the error lines of loading and checking */
	size_t nproblems;
} topo_zone_data;

struct topo_keyring;

/* A node by one of its names or addresses, for lookups that a big
 * topology (thousands of nameservers) makes for every delegation. */
typedef struct topo_host_entry {
	dns_name name;            /* the node's hostname, lowercased */
	size_t node;
} topo_host_entry;

typedef struct topo_addr_entry {
	uint8_t family_anycast;   /* AF_INET or AF_INET6, | 0x80 when anycast */
	uint8_t bytes[16];
	size_t node;
	const topo_addr *addr;
} topo_addr_entry;

typedef struct topo_zones {
	topo_zone_data *z;
	size_t n;
	/* Sorted: hostnames (by wire form) and addresses (by family and
	 * bytes, anycast first, then node order). */
	topo_host_entry *hosts;
	size_t nhosts;
	topo_addr_entry *addrs;
	size_t naddrs;
	/* The entries by origin (wire form), each origin's in load order:
	 * topo_zones_find is a binary search (the real root's delegations
	 * ask it for each of thousands of zones, for each of thousands). */
	size_t *by_origin;
	/* The keys of the signed zones (topo/signing.h), once the run-time
	 * has made or read them; NULL: the copies are served unsigned.
	 * Owned: freed with the zones. */
	struct topo_keyring *keys;
} topo_zones;

/* Read every zone of t through read_file (ctx passed along).  Zones whose
 * origin is not a name are left out (the check reports them).  NULL when
 * out of memory. */
topo_zones *topo_zones_load(const topo *t, topo_read_fn read_file, void *ctx);
void topo_zones_free(topo_zones *s);

/* The entry for zone tz of some node (same origin and file), or NULL. */
const topo_zone_data *topo_zones_entry(const topo_zones *s, const topo_zone *tz);

/* The first copy of zone `origin` that loaded (outside views preferred),
 * or NULL. */
const topo_zone_data *topo_zones_find(const topo_zones *s, const uint8_t *origin);

/* The nodes whose hostname is `name` (lowercased): *first of them in
 * zones->hosts, and how many (0: none). */
size_t topo_zones_hosts(const topo_zones *s, const uint8_t *name, size_t *first);

/* The node that has address a (an anycast address: its first instance),
 * and the address entry (*which), or NULL. */
const topo_node *topo_zones_node_with_addr(const topo *t, const topo_zones *s,
					   const net_addr *a, const topo_addr **which);

/* The closest loaded zone strictly above `origin`, or NULL. */
const topo_zone_data *topo_zones_parent(const topo_zones *s, const uint8_t *origin);

#endif
