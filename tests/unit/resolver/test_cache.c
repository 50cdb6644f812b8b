/* The resolver cache: TTLs counting down and running out, negative
 * entries, ranks, LRU eviction within the byte budget, flushing. */
#include <stdlib.h>

#include "check.h"
#include "resolver/cache.h"

static dns_name N(const char *s)
{
	dns_name n;
	if (dns_name_from_text(&n, s, strlen(s), NULL) != DNS_OK)
		abort();
	return n;
}

static const uint8_t addr1[4] = { 192, 0, 2, 1 }, addr2[4] = { 192, 0, 2, 2 };

/* Times below are in milliseconds, as the cache takes them. */
static void test_ttl_counts_down_and_expires(void)
{
	rcache *c = rcache_new(1 << 20, 86400, 10800);
	dns_name www = N("www.example.");
	dns_rr set[2] = {
		{ www.data, DNS_T_A, DNS_C_IN, 300, 4, addr1 },
		{ www.data, DNS_T_A, DNS_C_IN, 200, 4, addr2 },
	};
	CHECK(rcache_put_rrset(c, set, 2, RANK_AUTH_ANSWER, NULL, 1000000));
	dns_name upper = N("WWW.Example.");
	const rcache_entry *e = rcache_lookup(c, upper.data, DNS_T_A, DNS_C_IN, 1000000);
	CHECK(e != NULL);
	if (e) {
		CHECK_INT(e->nrrs, 2);
		CHECK_INT(rcache_ttl_left(e, 1000000), 200);   /* the lowest */
		CHECK_INT(rcache_ttl_left(e, 1150000), 50);
		CHECK_MEM(e->rrs[1].rdata, addr2, 4);
	}
	CHECK(rcache_lookup(c, www.data, DNS_T_AAAA, DNS_C_IN, 1000000) == NULL);
	CHECK(rcache_lookup(c, www.data, DNS_T_A, DNS_C_IN, 1199000) != NULL);
	CHECK(rcache_lookup(c, www.data, DNS_T_A, DNS_C_IN, 1200000) == NULL);
	rcache_stats st = rcache_get_stats(c);
	CHECK_INT(st.hits, 2);
	CHECK_INT(st.misses, 2);
	CHECK_INT(st.entries, 0);           /* the expired one is gone */
	rcache_free(c);
}

static void test_ttl_cap(void)
{
	rcache *c = rcache_new(1 << 20, 3600, 900);
	dns_name n = N("long.example.");
	dns_rr rr = { n.data, DNS_T_A, DNS_C_IN, 604800, 4, addr1 };
	CHECK(rcache_put_rrset(c, &rr, 1, RANK_ANSWER, NULL, 0));
	const rcache_entry *e = rcache_lookup(c, n.data, DNS_T_A, DNS_C_IN, 0);
	CHECK(e && rcache_ttl_left(e, 0) == 3600);
	/* RFC 2181: the top bit set means zero. */
	rr.ttl = 0x80000001u;
	CHECK(rcache_put_rrset(c, &rr, 1, RANK_AUTH_ANSWER, NULL, 0));
	CHECK(rcache_lookup(c, n.data, DNS_T_A, DNS_C_IN, 0) == NULL);
	rcache_free(c);
}

static void test_negative_entries(void)
{
	rcache *c = rcache_new(1 << 20, 86400, 600);
	dns_name typo = N("wwww.example."), mail = N("mail.example."),
		 zone = N("example.");
	uint8_t soa_rd[64] = { 0 };
	dns_rr soa = { zone.data, DNS_T_SOA, DNS_C_IN, 3600, 22, soa_rd };
	CHECK(rcache_put_negative(c, RCACHE_NXDOMAIN, typo.data, DNS_T_A,
				  DNS_C_IN, &soa, 300, NULL, 50000));
	/* NXDOMAIN covers every type of the name. */
	const rcache_entry *e = rcache_lookup(c, typo.data, DNS_T_MX, DNS_C_IN, 60000);
	CHECK(e && e->kind == RCACHE_NXDOMAIN && e->nrrs == 1);
	CHECK(e && rcache_ttl_left(e, 60000) == 290);
	CHECK(rcache_lookup(c, typo.data, DNS_T_A, DNS_C_IN, 350000) == NULL);
	/* NODATA is per type; the cap applies. */
	CHECK(rcache_put_negative(c, RCACHE_NODATA, mail.data, DNS_T_AAAA,
				  DNS_C_IN, &soa, 7200, NULL, 0));
	e = rcache_lookup(c, mail.data, DNS_T_AAAA, DNS_C_IN, 0);
	CHECK(e && e->kind == RCACHE_NODATA && rcache_ttl_left(e, 0) == 600);
	CHECK(rcache_lookup(c, mail.data, DNS_T_A, DNS_C_IN, 0) == NULL);
	/* An answer later replaces the NODATA for that type. */
	dns_rr aaaa = { mail.data, DNS_T_AAAA, DNS_C_IN, 60, 4, addr1 };
	CHECK(rcache_put_rrset(c, &aaaa, 1, RANK_AUTH_ANSWER, NULL, 1000));
	e = rcache_lookup(c, mail.data, DNS_T_AAAA, DNS_C_IN, 1000);
	CHECK(e && e->kind == RCACHE_RRSET);
	rcache_free(c);
}

static void test_ranks(void)
{
	rcache *c = rcache_new(1 << 20, 86400, 600);
	dns_name ns = N("ns1.example.");
	dns_rr answer = { ns.data, DNS_T_A, DNS_C_IN, 600, 4, addr1 };
	dns_rr glue = { ns.data, DNS_T_A, DNS_C_IN, 600, 4, addr2 };
	CHECK(rcache_put_rrset(c, &answer, 1, RANK_AUTH_ANSWER, NULL, 0));
	/* Glue never overwrites an authoritative answer... */
	CHECK(!rcache_put_rrset(c, &glue, 1, RANK_GLUE, NULL, 10000));
	const rcache_entry *e = rcache_lookup(c, ns.data, DNS_T_A, DNS_C_IN, 10000);
	CHECK(e && memcmp(e->rrs[0].rdata, addr1, 4) == 0);
	/* ...unless the answer has expired. */
	CHECK(rcache_put_rrset(c, &glue, 1, RANK_GLUE, NULL, 700000));
	e = rcache_lookup(c, ns.data, DNS_T_A, DNS_C_IN, 700000);
	CHECK(e && memcmp(e->rrs[0].rdata, addr2, 4) == 0);
	rcache_free(c);
}

static void test_lru_eviction(void)
{
	/* Room for a few entries only. */
	rcache *c = rcache_new(4 * (sizeof(rcache_entry) + sizeof(dns_rr) + 40),
			       86400, 600);
	dns_name names[8];
	for (int i = 0; i < 8; i++) {
		char t[32];
		snprintf(t, sizeof t, "h%d.example.", i);
		names[i] = N(t);
	}
	for (int i = 0; i < 3; i++) {
		dns_rr rr = { names[i].data, DNS_T_A, DNS_C_IN, 600, 4, addr1 };
		CHECK(rcache_put_rrset(c, &rr, 1, RANK_ANSWER, NULL, 0));
	}
	/* Touch h0 so h1 is the least recently used. */
	CHECK(rcache_lookup(c, names[0].data, DNS_T_A, DNS_C_IN, 1000) != NULL);
	for (int i = 3; i < 8; i++) {
		dns_rr rr = { names[i].data, DNS_T_A, DNS_C_IN, 600, 4, addr1 };
		CHECK(rcache_put_rrset(c, &rr, 1, RANK_ANSWER, NULL, 2000));
	}
	rcache_stats st = rcache_get_stats(c);
	CHECK(st.evictions > 0);
	CHECK(st.bytes <= 4 * (sizeof(rcache_entry) + sizeof(dns_rr) + 40));
	CHECK(rcache_peek(c, names[1].data, DNS_T_A, DNS_C_IN, 2000) == NULL);
	CHECK(rcache_peek(c, names[7].data, DNS_T_A, DNS_C_IN, 2000) != NULL);
	rcache_free(c);
}

static void count(void *ctx, const rcache_entry *e)
{
	(void)e;
	(*(int *)ctx)++;
}

static void test_flush(void)
{
	rcache *c = rcache_new(1 << 20, 86400, 600);
	const char *names[] = { "a.example.", "b.a.example.", "example.", "other." };
	for (int i = 0; i < 4; i++) {
		dns_name n = N(names[i]);
		dns_rr rr = { n.data, DNS_T_A, DNS_C_IN, 600, 4, addr1 };
		CHECK(rcache_put_rrset(c, &rr, 1, RANK_ANSWER, NULL, 0));
		rr.type = DNS_T_TXT;
		rr.rdlen = 1;
		rr.rdata = (const uint8_t *)"\0";
		CHECK(rcache_put_rrset(c, &rr, 1, RANK_ANSWER, NULL, 0));
	}
	dns_name a = N("a.example."), ex = N("example.");
	CHECK_INT(rcache_flush_name(c, a.data, false), 2);
	CHECK(rcache_peek(c, N("b.a.example.").data, DNS_T_A, DNS_C_IN, 0) != NULL);
	CHECK_INT(rcache_flush_name(c, ex.data, true), 4);
	int n = 0;
	rcache_foreach(c, 0, count, &n);
	CHECK_INT(n, 2);
	CHECK_INT(rcache_flush(c), 2);
	CHECK_INT(rcache_get_stats(c).bytes, 0);
	rcache_free(c);
}

static void test_many_entries_grow_the_table(void)
{
	rcache *c = rcache_new(64 << 20, 86400, 600);
	for (int i = 0; i < 5000; i++) {
		char t[32];
		snprintf(t, sizeof t, "n%d.example.", i);
		dns_name n = N(t);
		dns_rr rr = { n.data, DNS_T_A, DNS_C_IN, 600, 4, addr1 };
		CHECK(rcache_put_rrset(c, &rr, 1, RANK_ANSWER, NULL, 0));
	}
	int found = 0;
	for (int i = 0; i < 5000; i++) {
		char t[32];
		snprintf(t, sizeof t, "N%d.EXAMPLE.", i);
		dns_name n = N(t);
		found += rcache_lookup(c, n.data, DNS_T_A, DNS_C_IN, 1000) != NULL;
	}
	CHECK_INT(found, 5000);
	rcache_free(c);
}

/* A name cached as nonexistent, then delegated (registered since): the
 * delegation must win, or the resolver would follow it forever. */
static void test_data_replaces_nxdomain(void)
{
	rcache *c = rcache_new(1 << 20, 86400, 10800);
	dns_name dom = N("mydomain.org."), ns = N("ns1.mydomain.org.");
	CHECK(rcache_put_negative(c, RCACHE_NXDOMAIN, dom.data, DNS_T_A, DNS_C_IN, NULL, 900, NULL,
				  1000000));
	const rcache_entry *e = rcache_peek(c, dom.data, DNS_T_NS, DNS_C_IN, 1000000);
	CHECK(e && e->kind == RCACHE_NXDOMAIN);
	dns_rr set[1] = { { dom.data, DNS_T_NS, DNS_C_IN, 86400, (uint16_t)(ns.len), ns.data } };
	CHECK(rcache_put_rrset(c, set, 1, RANK_AUTHORITY, NULL, 1001000));
	e = rcache_peek(c, dom.data, DNS_T_NS, DNS_C_IN, 1001000);
	CHECK(e && e->kind == RCACHE_RRSET && e->type == DNS_T_NS);
	CHECK(rcache_peek(c, dom.data, DNS_T_A, DNS_C_IN, 1001000) == NULL);
	rcache_free(c);
}

int main(void)
{
	RUN(test_ttl_counts_down_and_expires);
	RUN(test_ttl_cap);
	RUN(test_negative_entries);
	RUN(test_ranks);
	RUN(test_lru_eviction);
	RUN(test_flush);
	RUN(test_many_entries_grow_the_table);
	RUN(test_data_replaces_nxdomain);
	return check_summary("test_cache");
}
