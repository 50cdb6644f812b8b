/* What the resolver knows about each upstream server address: smoothed
 * round-trip time (for choosing the fastest of a zone's servers) and
 * whether it copes with EDNS.  Like the cache, it takes `now` from the
 * caller. */
#ifndef DNSIM_RESOLVER_INFRA_H
#define DNSIM_RESOLVER_INFRA_H

#include <stdbool.h>
#include <stdint.h>

#include "io/addr.h"

typedef struct infra_host {
	net_addr addr;
	uint32_t srtt_ms;     /* 0: never measured */
	bool no_edns;         /* answered FORMERR/NOTIMP to EDNS */
	bool no_ecs;          /* answered FORMERR to a query with ECS */
	uint32_t timeouts;    /* in a row */
	uint64_t last_used_ms;
} infra_host;

/* Hosts are allocated one by one, so a pointer to one stays valid. */
typedef struct infra {
	infra_host **hosts;
	size_t n, cap;
} infra;

void infra_init(infra *f);
void infra_free(infra *f);

/* The record for an address, created when new; NULL when out of memory. */
infra_host *infra_get(infra *f, const struct sockaddr *sa, uint64_t now_ms);

/* A reply after rtt_ms: SRTT moves 30% of the way towards it. */
void infra_rtt(infra_host *h, uint32_t rtt_ms);

/* No reply in time: the estimate doubles (capped), so the next choice
 * prefers another server (RFC 1035 7.2 and what BIND and Unbound do). */
void infra_timeout(infra_host *h);

/* The retransmission timeout for a host: 3 x SRTT within bounds, and a
 * default for hosts never measured. */
uint32_t infra_rto(const infra_host *h);

/* The estimate used to rank servers: unmeasured hosts rank as fast, so
 * each gets tried (the "jitter" is left to the caller). */
uint32_t infra_rank(const infra_host *h);

#endif
