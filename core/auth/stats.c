/* Counting queries and answers, and naming the counters. */
#include "stats.h"

#include <stdio.h>

#include "dns/msg.h"
#include "dns/rrtype.h"

void auth_stats_count(auth_stats *s, bool tcp, bool dropped, bool tc,
		      uint16_t qtype, unsigned rcode, bool has_question)
{
	s->queries++;
	if (tcp)
		s->tcp++;
	else
		s->udp++;
	if (dropped) {
		s->dropped++;
		return;
	}
	if (tc)
		s->truncated++;
	if (rcode < AUTH_STATS_RCODES)
		s->rcode[rcode]++;
	else
		s->rcode_other++;
	if (has_question) {
		if (qtype < 256)
			s->qtype[qtype]++;
		else
			s->qtype_other++;
		if (qtype == DNS_T_AXFR)
			s->axfr++;
	}
}

void auth_stats_items(const auth_stats *s, auth_stats_fn fn, void *ctx)
{
	char item[64], mn[DNS_MNEMONIC_MAX];
	snprintf(item, sizeof item, "queries=%llu", (unsigned long long)s->queries);
	fn(ctx, item);
	const struct {
		const char *name;
		uint64_t v;
	} plain[] = {
		{ "udp", s->udp },         { "tcp", s->tcp },
		{ "dropped", s->dropped }, { "truncated", s->truncated },
		{ "axfr", s->axfr },
		{ "rrl.dropped", s->rrl_dropped }, { "rrl.slipped", s->rrl_slipped },
	};
	for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
		if (plain[i].v) {
			snprintf(item, sizeof item, "%s=%llu", plain[i].name,
				 (unsigned long long)plain[i].v);
			fn(ctx, item);
		}
	for (unsigned r = 0; r < AUTH_STATS_RCODES; r++)
		if (s->rcode[r]) {
			snprintf(item, sizeof item, "rcode.%s=%llu",
				 dns_rcode_to_text(r, mn),
				 (unsigned long long)s->rcode[r]);
			fn(ctx, item);
		}
	if (s->rcode_other) {
		snprintf(item, sizeof item, "rcode.other=%llu",
			 (unsigned long long)s->rcode_other);
		fn(ctx, item);
	}
	for (unsigned t = 0; t < 256; t++)
		if (s->qtype[t]) {
			snprintf(item, sizeof item, "qtype.%s=%llu",
				 dns_type_to_text((uint16_t)t, mn),
				 (unsigned long long)s->qtype[t]);
			fn(ctx, item);
		}
	if (s->qtype_other) {
		snprintf(item, sizeof item, "qtype.other=%llu",
			 (unsigned long long)s->qtype_other);
		fn(ctx, item);
	}
}
