/* Counting queries and answers, and naming the counters. */
#include "stats.h"

#include <stdio.h>

#include "dns/msg.h"
#include "dns/rrtype.h"
#include "dns/stats_txt.h"

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

/* Each counter by name, in the order the TXT answer and the log give
 * them: "queries" always, every other one only when not zero. */
typedef void (*counter_fn)(void *ctx, const char *key, uint64_t value);

static void each_counter(const auth_stats *s, counter_fn fn, void *ctx)
{
	char key[32], mn[DNS_MNEMONIC_MAX];
	fn(ctx, "queries", s->queries);
	const struct {
		const char *name;
		uint64_t v;
	} plain[] = {
		{ "udp", s->udp },         { "tcp", s->tcp },
		{ "dropped", s->dropped }, { "truncated", s->truncated },
		{ "axfr", s->axfr },
		{ "rrl.dropped", s->rrl_dropped }, { "rrl.slipped", s->rrl_slipped },
		{ "alias.lookups", s->alias_lookups }, { "alias.failures", s->alias_failures },
	};
	for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
		if (plain[i].v)
			fn(ctx, plain[i].name, plain[i].v);
	for (unsigned r = 0; r < AUTH_STATS_RCODES; r++)
		if (s->rcode[r]) {
			snprintf(key, sizeof key, "rcode.%s", dns_rcode_to_text(r, mn));
			fn(ctx, key, s->rcode[r]);
		}
	if (s->rcode_other)
		fn(ctx, "rcode.other", s->rcode_other);
	for (unsigned t = 0; t < 256; t++)
		if (s->qtype[t]) {
			snprintf(key, sizeof key, "qtype.%s", dns_type_to_text((uint16_t)t, mn));
			fn(ctx, key, s->qtype[t]);
		}
	if (s->qtype_other)
		fn(ctx, "qtype.other", s->qtype_other);
}

struct item_ctx {
	auth_stats_fn fn;
	void *ctx;
};

static void as_item(void *ctx, const char *key, uint64_t value)
{
	struct item_ctx *c = ctx;
	char item[64];
	snprintf(item, sizeof item, "%s=%llu", key, (unsigned long long)value);
	c->fn(c->ctx, item);
}

void auth_stats_items(const auth_stats *s, auth_stats_fn fn, void *ctx)
{
	struct item_ctx c = { fn, ctx };
	each_counter(s, as_item, &c);
}

static void as_txt(void *ctx, const char *key, uint64_t value)
{
	/* DNS_E_NOSPACE leaves a counter out (the writer counts it) and the
	 * next, shorter one may still fit: nothing to do about it here. */
	(void)dns_stats_put(ctx, key, value);
}

size_t auth_stats_txt(const auth_stats *s, uint8_t *rd, size_t cap)
{
	dns_stats_writer w;
	dns_stats_writer_init(&w, rd, cap);
	each_counter(s, as_txt, &w);
	return w.len;
}
