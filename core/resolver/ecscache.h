/* The resolver's cache of answers that hold for part of the Internet
 * only: RRsets an authoritative server sent with an EDNS Client Subnet
 * SCOPE PREFIX-LENGTH above 0 (RFC 7871 section 7.3).  Each is kept for
 * the subnet it holds for -- the client's address cut to the scope --
 * and handed only to clients inside that subnet.  Answers for everyone
 * (scope 0, or no ECS in the response) live in the main cache.
 *
 * Like the main cache it never reads a clock: `now` comes in (ms). */
#ifndef DNSIM_RESOLVER_ECSCACHE_H
#define DNSIM_RESOLVER_ECSCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/clientsubnet.h"
#include "dns/msg.h"

typedef struct ecache_entry {
	/* Public, read-only for callers. */
	dns_name owner;
	uint16_t type, rclass;
	dns_ecs net;           /* family, address; `source` is the scope */
	uint32_t orig_ttl;
	uint64_t expires;
	dns_rr *rrs;           /* owners point at `owner` */
	size_t nrrs;
	uint8_t security;      /* enum rcache_security */

	/* Private. */
	struct ecache_entry *next;
	uint64_t seq;          /* insertion order, for eviction */
} ecache_entry;

typedef struct ecache ecache;

/* At most max_entries answers (the oldest go first when full); TTLs
 * capped at max_ttl. */
ecache *ecache_new(size_t max_entries, uint32_t max_ttl);
void ecache_free(ecache *c);

/* Keep an RRset (all of rrs share owner, type, class) for the subnet
 * `net` (net->source bits of its address: the scope).  Replaces what
 * was kept for the same subnet.  false when out of memory. */
bool ecache_put(ecache *c, const dns_rr *rrs, size_t n, const dns_ecs *net,
		uint8_t security, uint64_t now);

/* The live entry for (name, type, class) whose subnet holds the client
 * (`client->source` bits of its address known: an entry needs a scope no
 * longer than that); the narrowest when several do.  NULL on a miss. */
const ecache_entry *ecache_lookup(const ecache *c, const uint8_t *name, uint16_t type,
				  uint16_t rclass, const dns_ecs *client, uint64_t now);

uint32_t ecache_ttl_left(const ecache_entry *e, uint64_t now);

/* Forget everything, or one name, or a name and all below it; returns
 * how many entries went. */
size_t ecache_flush(ecache *c, const uint8_t *name, bool below);

/* Live entries, for counters and dumps. */
size_t ecache_count(const ecache *c, uint64_t now);

#endif
