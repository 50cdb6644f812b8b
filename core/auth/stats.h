/* Counters of an authoritative server: queries by type, answers by
 * rcode, transports.  Read by the CH TXT stats.dnsim query and SIGUSR1. */
#ifndef DNSIM_AUTH_STATS_H
#define DNSIM_AUTH_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUTH_STATS_RCODES 24    /* 0-23; the rest count as "other" */

typedef struct auth_stats {
	uint64_t queries;
	uint64_t udp, tcp;
	uint64_t dropped;
	uint64_t truncated;
	uint64_t axfr;
	uint64_t rcode[AUTH_STATS_RCODES];
	uint64_t rcode_other;
	uint64_t qtype[256];        /* types 0-255 */
	uint64_t qtype_other;
	uint64_t rrl_dropped, rrl_slipped;  /* response rate limiting */
	uint64_t alias_lookups, alias_failures;  /* ALIAS targets asked of the resolver */
} auth_stats;

void auth_stats_count(auth_stats *s, bool tcp, bool dropped, bool tc,
		      uint16_t qtype, unsigned rcode, bool has_question);

/* Render as "key=value" items, calling fn for each non-zero counter (and
 * always for "queries"). */
typedef void (*auth_stats_fn)(void *ctx, const char *item);
void auth_stats_items(const auth_stats *s, auth_stats_fn fn, void *ctx);

/* The counters as the TXT RDATA of `CH TXT stats.dnsim` (dns/stats_txt.h
 * format), the same items in the same order, as many as fit in cap
 * octets; returns the RDATA length. */
size_t auth_stats_txt(const auth_stats *s, uint8_t *rd, size_t cap);

#endif
