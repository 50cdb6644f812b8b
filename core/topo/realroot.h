/* The real root zone's delegation graph as a topology (`sim gen root`).
 *
 * From IANA's root zone (its text), a topology that mirrors who serves
 * what: the 13 root letters serving ".", one node per TLD nameserver
 * host, each serving every TLD whose delegation names it (so a host that
 * the real root names for 200 TLDs serves those 200 here too), plus for
 * each TLD the zone nic.TLD, served by the same hosts, with www in it.
 * A resolver and a client use them.  Every address is renumbered into
 * the benchmarking range 198.18.0.0/15: no address of the real root
 * zone (glue, AAAA) is kept; the nodes have no IPv6.
 *
 * Zone data is made at `up`: the topology names three template files
 * (root.zone, tld.zone, nic.zone, under `zones_dir`) whose names are
 * relative to each zone's origin and which leave out their apex NS
 * records, so the supervisor derives them from the nodes that serve
 * each zone (topo/zones.h), and the delegations and glue from those.
 *
 * Pure: text in, text out. */
#ifndef DNSIM_TOPO_REALROOT_H
#define DNSIM_TOPO_REALROOT_H

#include <stddef.h>

/* Nodes on one TLD network at most (a Linux bridge takes 1023 ports). */
#define REALROOT_PER_NETWORK 1000

typedef struct realroot_opts {
	const char *name;       /* the sim's name (NULL: "realroot") */
	const char *zones_dir;  /* the [sim] zones folder, as written */
	/* Keep only some TLDs, chosen in a fixed pseudo-random order, until
	 * their nameserver hosts number at least `sample` (0: all). */
	size_t sample;
} realroot_opts;

typedef struct realroot_stats {
	size_t tlds, hosts, networks, nodes;
} realroot_stats;

/* The topology's TOML text (malloc'd), or NULL with a message in err
 * (no TLD delegation in the text, out of memory). */
char *realroot_generate(const char *zone, size_t len, const realroot_opts *o,
			realroot_stats *stats, char *err, size_t errsz);

#endif
