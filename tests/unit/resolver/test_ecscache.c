/* The ECS cache: answers kept per subnet (the scope an authoritative
 * server gave), handed only to clients inside it; TTLs, replacement,
 * eviction of the oldest, flushing. */
#include <stdlib.h>

#include "check.h"
#include "resolver/ecscache.h"

static dns_name N(const char *s)
{
	dns_name n;
	if (dns_name_from_text(&n, s, strlen(s), NULL) != DNS_OK)
		abort();
	return n;
}

static dns_ecs v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, unsigned bits)
{
	uint8_t addr[4] = { a, b, c, d };
	dns_ecs e;
	if (!dns_ecs_make(&e, DNS_ECS_FAMILY_IPV4, addr, bits))
		abort();
	return e;
}

static const uint8_t europe[4] = { 192, 0, 2, 1 }, asia[4] = { 192, 0, 2, 2 };

static void test_by_subnet(void)
{
	ecache *c = ecache_new(100, 86400);
	dns_name www = N("www.example.");
	dns_rr eu = { www.data, DNS_T_A, DNS_C_IN, 300, 4, europe };
	dns_rr as = { www.data, DNS_T_A, DNS_C_IN, 100, 4, asia };
	dns_ecs net_eu = v4(198, 51, 100, 0, 24), net_as = v4(203, 0, 113, 0, 24);
	CHECK(ecache_put(c, &eu, 1, &net_eu, 0, 1000000));
	CHECK(ecache_put(c, &as, 1, &net_as, 0, 1000000));
	/* A client in each /24 gets its own answer; the name's case does
	 * not matter. */
	dns_ecs client = v4(198, 51, 100, 77, 24);
	dns_name upper = N("WWW.example.");
	const ecache_entry *e = ecache_lookup(c, upper.data, DNS_T_A, DNS_C_IN, &client, 1000000);
	CHECK(e != NULL && e->nrrs == 1 && memcmp(e->rrs[0].rdata, europe, 4) == 0);
	client = v4(203, 0, 113, 9, 24);
	e = ecache_lookup(c, www.data, DNS_T_A, DNS_C_IN, &client, 1000000);
	CHECK(e != NULL && memcmp(e->rrs[0].rdata, asia, 4) == 0);
	if (e) {
		CHECK_INT(ecache_ttl_left(e, 1050000), 50);
		CHECK(dns_name_equal(e->rrs[0].owner, www.data));
	}
	/* Anyone else: a miss, as is another type, and a client whose
	 * known prefix is shorter than the scope (its /16 might be anywhere
	 * in it). */
	client = v4(198, 51, 101, 1, 24);
	CHECK(ecache_lookup(c, www.data, DNS_T_A, DNS_C_IN, &client, 1000000) == NULL);
	client = v4(198, 51, 100, 1, 24);
	CHECK(ecache_lookup(c, www.data, DNS_T_AAAA, DNS_C_IN, &client, 1000000) == NULL);
	client = v4(198, 51, 100, 1, 16);
	CHECK(ecache_lookup(c, www.data, DNS_T_A, DNS_C_IN, &client, 1000000) == NULL);
	/* Another family never matches. */
	uint8_t six[16] = { 198, 51, 100 };
	dns_ecs c6;
	CHECK(dns_ecs_make(&c6, DNS_ECS_FAMILY_IPV6, six, 56));
	CHECK(ecache_lookup(c, www.data, DNS_T_A, DNS_C_IN, &c6, 1000000) == NULL);
	/* The Asian answer's TTL runs out first. */
	client = v4(203, 0, 113, 9, 24);
	CHECK(ecache_lookup(c, www.data, DNS_T_A, DNS_C_IN, &client, 1100000) == NULL);
	CHECK_INT(ecache_count(c, 1100000), 1);
	CHECK_INT(ecache_count(c, 1000000), 2);
	ecache_free(c);
}

static void test_narrowest_and_replace(void)
{
	ecache *c = ecache_new(100, 60);
	dns_name www = N("www.example.");
	dns_rr wide = { www.data, DNS_T_A, DNS_C_IN, 300, 4, europe };
	dns_rr narrow = { www.data, DNS_T_A, DNS_C_IN, 300, 4, asia };
	dns_ecs n16 = v4(198, 51, 0, 0, 16), n24 = v4(198, 51, 100, 0, 24);
	CHECK(ecache_put(c, &wide, 1, &n16, 0, 0));
	CHECK(ecache_put(c, &narrow, 1, &n24, 0, 0));
	dns_ecs client = v4(198, 51, 100, 5, 24);
	const ecache_entry *e = ecache_lookup(c, www.data, DNS_T_A, DNS_C_IN, &client, 0);
	CHECK(e != NULL && memcmp(e->rrs[0].rdata, asia, 4) == 0);
	/* TTL capped. */
	if (e)
		CHECK_INT(e->orig_ttl, 60);
	client = v4(198, 51, 7, 5, 24);
	e = ecache_lookup(c, www.data, DNS_T_A, DNS_C_IN, &client, 0);
	CHECK(e != NULL && memcmp(e->rrs[0].rdata, europe, 4) == 0);
	/* The same subnet again: the new answer replaces the old. */
	CHECK(ecache_put(c, &wide, 1, &n24, 0, 0));
	CHECK_INT(ecache_count(c, 0), 2);
	client = v4(198, 51, 100, 5, 24);
	e = ecache_lookup(c, www.data, DNS_T_A, DNS_C_IN, &client, 0);
	CHECK(e != NULL && memcmp(e->rrs[0].rdata, europe, 4) == 0);
	ecache_free(c);
}

static void test_eviction_and_flush(void)
{
	ecache *c = ecache_new(3, 86400);
	dns_name a = N("a.example."), b = N("b.example."), deep = N("x.b.example.");
	dns_rr ra = { a.data, DNS_T_A, DNS_C_IN, 300, 4, europe };
	dns_rr rb = { b.data, DNS_T_A, DNS_C_IN, 300, 4, europe };
	dns_rr rd = { deep.data, DNS_T_A, DNS_C_IN, 300, 4, europe };
	dns_ecs n1 = v4(10, 0, 1, 0, 24), n2 = v4(10, 0, 2, 0, 24);
	CHECK(ecache_put(c, &ra, 1, &n1, 0, 0));
	CHECK(ecache_put(c, &rb, 1, &n1, 0, 0));
	CHECK(ecache_put(c, &rd, 1, &n1, 0, 0));
	/* Full: the oldest (a) goes. */
	CHECK(ecache_put(c, &ra, 1, &n2, 0, 0));
	CHECK(ecache_lookup(c, a.data, DNS_T_A, DNS_C_IN, &n1, 0) == NULL);
	CHECK(ecache_lookup(c, a.data, DNS_T_A, DNS_C_IN, &n2, 0) != NULL);
	CHECK_INT(ecache_count(c, 0), 3);
	CHECK_INT(ecache_flush(c, b.data, true), 2);
	CHECK_INT(ecache_flush(c, NULL, false), 1);
	CHECK_INT(ecache_count(c, 0), 0);
	ecache_free(c);
}

int main(void)
{
	RUN(test_by_subnet);
	RUN(test_narrowest_and_replace);
	RUN(test_eviction_and_flush);
	return check_summary("test_ecscache");
}
