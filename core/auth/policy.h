/* Routing policies, the choosing part (Route 53's routing policies:
 * weighted, failover, geolocation, latency, multivalue): which of a
 * policy's answers a client gets, given where the client is (its source
 * address, or the EDNS Client Subnet its resolver sent, RFC 7871), which
 * answers are healthy, and random numbers from the caller.  Pure: no
 * sockets, no clock, no global state; auth/routing.c runs the health
 * checks and hands answers to the answerer.
 *
 * What each routing gives, among the answers of the query's family (A:
 * the IPv4 answers, AAAA: the IPv6 ones):
 *   weighted     one answer, each with probability weight / sum of the
 *                healthy answers' weights (every answer when none is
 *                healthy, as Route 53 does);
 *   failover     the healthy primaries; else the healthy secondaries;
 *                else the primaries;
 *   geolocation  the healthy answers of the client's region, else the
 *                default answer; none: the policy gives way to the zone;
 *   latency      the healthy answer whose region is nearest the client's
 *                region (region-delay), else the default, else the first
 *                healthy one;
 *   multivalue   up to POLICY_MULTI_MAX healthy answers in random order;
 *                never an unhealthy one (none healthy: SERVFAIL).
 * Answers whose health nobody checks are always healthy. */
#ifndef DNSIM_AUTH_POLICY_H
#define DNSIM_AUTH_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "conf/auth_conf.h"
#include "dns/name.h"

#define POLICY_MULTI_MAX 8

/* Where a client is: an address, of which `bits` are known (32 or 128
 * for a source address; an ECS option's SOURCE PREFIX-LENGTH). */
typedef struct policy_client {
	int family;               /* AF_INET, AF_INET6; 0: nothing known */
	uint8_t addr[16];
	unsigned bits;
} policy_client;

/* One policy as served: its name, its answers' RDATA and health. */
typedef struct policy_entry {
	const auth_policy_conf *conf;
	dns_name name;
	uint8_t (*rdata)[16];     /* per answer: 4 octets (A) or 16 (AAAA) */
	long *region;             /* per answer: index into cfg->regions, -1: default */
	bool *healthy;            /* per answer */
	unsigned *streak;         /* per answer: checks in a row that disagree
				   * with `healthy` */
} policy_entry;

typedef struct policy_table {
	const auth_config *cfg;
	policy_entry *e;
	size_t n;
	/* Delay between regions, ms: nregions x nregions; UINT32_MAX: unknown. */
	uint32_t *delay;
} policy_table;

/* Index c's policies and regions.  false (msg set) on a name that does
 * not convert or out of memory. */
bool policy_table_init(policy_table *t, const auth_config *c, char *msg, size_t msgsz);
void policy_table_free(policy_table *t);

/* The policy for `name` (wire form), or NULL. */
policy_entry *policy_find(const policy_table *t, const uint8_t *name);

/* The client at a socket address (IPv4-mapped IPv6 taken as IPv4). */
void policy_client_from_sockaddr(const struct sockaddr *sa, policy_client *out);

/* The client's region (index into cfg->regions) or -1, by the longest
 * prefix of any region that holds its address (bits past cl->bits
 * zero); *scope: how many leading bits of the address the choice rests
 * on (RFC 7871 SCOPE PREFIX-LENGTH): every address sharing them gets
 * the same region.  It exceeds cl->bits when the client's prefix was too
 * short to tell (a resolver caches such an answer for its own prefix). */
long policy_region_of(const policy_table *t, const policy_client *cl, unsigned *scope);

/* Random numbers: the caller's (a seeded generator in the server, a
 * fixed sequence in tests). */
typedef uint32_t (*policy_rand_fn)(void *ctx);

/* The answers of policy e for a query of `family` from client cl: their
 * indices into e->conf->answers in out (at most max), how many in the
 * return value: 0 when the policy has no answer for it (the zone's
 * records answer), -1 for SERVFAIL (multivalue with none healthy).
 * *scope: the SCOPE PREFIX-LENGTH the answer carries (0 unless it
 * depended on the client's place). */
int policy_select(const policy_table *t, const policy_entry *e, int family,
		  const policy_client *cl, policy_rand_fn rnd, void *rctx, size_t *out,
		  size_t max, unsigned *scope);

/* A health check's result for answer k of e, with the policy's
 * threshold: after that many results in a row that disagree with its
 * state, the state turns.  true when it turned. */
bool policy_health_report(policy_entry *e, size_t k, bool ok);

/* ---- EDNS Client Subnet (RFC 7871) ---------------------------------------- */

#define POLICY_EDNS_ECS 8

/* The ECS option among an OPT record's options: 1 and *out filled (its
 * address with bits beyond SOURCE PREFIX-LENGTH cleared), 0 when there
 * is none, -1 when it is malformed (RFC 7871 7.1.2: FORMERR): a family
 * other than 1 or 2, a prefix longer than the family's, an address
 * longer than the prefix needs, set bits beyond the prefix, or SCOPE
 * PREFIX-LENGTH not 0. */
int policy_ecs_parse(const uint8_t *options, size_t len, policy_client *out);

/* The option a response carries back: the query's family, SOURCE
 * PREFIX-LENGTH and address, and `scope`.  Its length, or 0 when it
 * does not fit in cap. */
size_t policy_ecs_encode(const policy_client *cl, unsigned scope, uint8_t *out, size_t cap);

#endif
