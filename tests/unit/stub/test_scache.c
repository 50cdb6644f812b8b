/* The stub's answer cache: what is kept and for how long (positive
 * answers for their shortest TTL, negative ones for the RFC 2308 time,
 * never without an SOA, never SERVFAIL or a truncated answer), expiry
 * to the millisecond, the caps, LRU eviction, flushing. */
#include <stdlib.h>

#include "check.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "stub/scache.h"

/* A response built from text-ish parts and parsed back, as the stub
 * gets one from a resolver. */
typedef struct rec {
	const char *owner;
	uint16_t type;
	uint32_t ttl;
	const uint8_t *rdata;
	uint16_t rdlen;
	int section;
} rec;

static const uint8_t addr1[4] = { 192, 0, 2, 10 };
/* SOA ns.t. admin.t. 1 1800 900 604800 MINIMUM=60 */
static uint8_t soa_rd[64];
static uint16_t soa_len;

static void make_soa(uint32_t minimum)
{
	dns_name a, b;
	dns_name_from_text(&a, "ns.t.", 5, dns_name_root);
	dns_name_from_text(&b, "admin.t.", 8, dns_name_root);
	size_t o = 0;
	memcpy(soa_rd + o, a.data, a.len);
	o += a.len;
	memcpy(soa_rd + o, b.data, b.len);
	o += b.len;
	uint32_t nums[5] = { 1, 1800, 900, 604800, minimum };
	for (int i = 0; i < 5; i++) {
		soa_rd[o++] = (uint8_t)(nums[i] >> 24);
		soa_rd[o++] = (uint8_t)(nums[i] >> 16);
		soa_rd[o++] = (uint8_t)(nums[i] >> 8);
		soa_rd[o++] = (uint8_t)nums[i];
	}
	soa_len = (uint16_t)o;
}

static bool response(dns_msg *m, const char *qname, uint16_t qtype, unsigned rcode,
		     uint16_t flags, const rec *recs, size_t n)
{
	uint8_t buf[1024];
	dns_builder b;
	dns_header h = { .id = 7, .flags = DNS_F_QR | DNS_F_RD | DNS_F_RA | flags,
			 .rcode = (uint8_t)rcode };
	dns_name q;
	if (dns_name_from_text(&q, qname, strlen(qname), dns_name_root) != DNS_OK ||
	    dns_build_init(&b, buf, sizeof buf, &h) != DNS_OK ||
	    dns_build_question(&b, q.data, qtype, DNS_C_IN) != DNS_OK)
		return false;
	dns_name owners[8];
	for (size_t i = 0; i < n; i++) {
		if (dns_name_from_text(&owners[i], recs[i].owner, strlen(recs[i].owner),
				       dns_name_root) != DNS_OK)
			return false;
		dns_rr rr = { owners[i].data, recs[i].type, DNS_C_IN, recs[i].ttl, recs[i].rdlen,
			      recs[i].rdata };
		if (dns_build_rr(&b, recs[i].section, &rr) != DNS_OK)
			return false;
	}
	size_t len = dns_build_finish(&b);
	return dns_msg_parse(m, buf, len) == DNS_OK;
}

static const uint8_t *name_of(const char *text, dns_name *n)
{
	dns_name_from_text(n, text, strlen(text), dns_name_root);
	return n->data;
}

static void test_positive_lives_its_shortest_ttl(void)
{
	static uint8_t cname_rd[64];
	dns_name target;
	name_of("edge.t.", &target);
	memcpy(cname_rd, target.data, target.len);
	const rec recs[] = {
		{ "www.t.", DNS_T_CNAME, 3600, cname_rd, target.len, DNS_SEC_ANSWER },
		{ "edge.t.", DNS_T_A, 300, addr1, 4, DNS_SEC_ANSWER },
	};
	dns_msg m;
	dns_msg_init(&m);
	CHECK(response(&m, "www.t.", DNS_T_A, DNS_R_NOERROR, 0, recs, 2));
	scache *c = scache_new(10, 86400, 3600);
	uint32_t ttl = 0;
	const char *why = "";
	CHECK(scache_put(c, &m, 1000, &ttl, &why));
	CHECK_INT(ttl, 300);
	dns_name q;
	/* Any case asks the same question. */
	const scache_entry *e = scache_get(c, name_of("WWW.t.", &q), DNS_T_A, DNS_C_IN, 1000);
	CHECK(e && e->nanswer == 2 && !e->negative && e->rcode == DNS_R_NOERROR);
	CHECK(scache_get(c, q.data, DNS_T_AAAA, DNS_C_IN, 1000) == NULL);
	/* 0.5 s later: 299 s left (down), aged 1 s (up). */
	e = scache_get(c, q.data, DNS_T_A, DNS_C_IN, 1500);
	CHECK(e && scache_ttl_left(e, 1500) == 299 && scache_age(e, 1500) == 1);
	/* The records own their data: the message can go. */
	dns_msg_free(&m);
	CHECK(e && e->rrs[1].rdlen == 4 && memcmp(e->rrs[1].rdata, addr1, 4) == 0);
	CHECK(e && dns_name_equal(e->rrs[0].owner, name_of("www.t.", &q)));
	CHECK(e && e->hits == 2);
	/* Alive until the last millisecond of its TTL, gone at it. */
	CHECK(scache_get(c, name_of("www.t.", &q), DNS_T_A, DNS_C_IN, 1000 + 299999) != NULL);
	CHECK(scache_get(c, q.data, DNS_T_A, DNS_C_IN, 1000 + 300000) == NULL);
	CHECK_INT(scache_count(c), 0);
	scache_free(c);
}

static void test_negative_answers(void)
{
	make_soa(60);
	const rec nx[] = { { "t.", DNS_T_SOA, 300, soa_rd, soa_len, DNS_SEC_AUTHORITY } };
	dns_msg m;
	dns_msg_init(&m);
	scache *c = scache_new(10, 86400, 3600);
	uint32_t ttl = 0;
	const char *why = "";
	dns_name q;
	/* NXDOMAIN: the lesser of the SOA's TTL (300) and MINIMUM (60). */
	CHECK(response(&m, "nope.t.", DNS_T_A, DNS_R_NXDOMAIN, 0, nx, 1));
	CHECK(scache_put(c, &m, 0, &ttl, &why));
	CHECK_INT(ttl, 60);
	const scache_entry *e = scache_get(c, name_of("nope.t.", &q), DNS_T_A, DNS_C_IN, 59999);
	CHECK(e && e->negative && e->rcode == DNS_R_NXDOMAIN && e->nanswer == 0 &&
	      e->nauthority == 1);
	CHECK(scache_get(c, q.data, DNS_T_A, DNS_C_IN, 60000) == NULL);
	/* NODATA: NOERROR, nothing of the type; the SOA's TTL is less. */
	const rec nodata[] = { { "t.", DNS_T_SOA, 20, soa_rd, soa_len, DNS_SEC_AUTHORITY } };
	CHECK(response(&m, "www.t.", DNS_T_AAAA, DNS_R_NOERROR, 0, nodata, 1));
	CHECK(scache_put(c, &m, 0, &ttl, &why));
	CHECK_INT(ttl, 20);
	e = scache_get(c, name_of("www.t.", &q), DNS_T_AAAA, DNS_C_IN, 0);
	CHECK(e && e->negative && e->rcode == DNS_R_NOERROR);
	/* Without an SOA: not kept (RFC 2308 section 5). */
	CHECK(response(&m, "bare.t.", DNS_T_A, DNS_R_NXDOMAIN, 0, NULL, 0));
	CHECK(!scache_put(c, &m, 0, &ttl, &why));
	CHECK_STR(why, "a negative answer without an SOA (RFC 2308 section 5)");
	dns_msg_free(&m);
	scache_free(c);
}

static void test_what_is_not_kept(void)
{
	const rec a[] = { { "www.t.", DNS_T_A, 300, addr1, 4, DNS_SEC_ANSWER } };
	const rec a0[] = { { "www.t.", DNS_T_A, 0, addr1, 4, DNS_SEC_ANSWER } };
	dns_msg m;
	dns_msg_init(&m);
	scache *c = scache_new(10, 86400, 3600);
	uint32_t ttl;
	const char *why = "";
	CHECK(response(&m, "www.t.", DNS_T_A, DNS_R_SERVFAIL, 0, NULL, 0));
	CHECK(!scache_put(c, &m, 0, &ttl, &why));
	CHECK_STR(why, "only NOERROR and NXDOMAIN answers are kept");
	CHECK(response(&m, "www.t.", DNS_T_A, DNS_R_NOERROR, DNS_F_TC, a, 1));
	CHECK(!scache_put(c, &m, 0, &ttl, &why));
	CHECK_STR(why, "truncated");
	CHECK(response(&m, "www.t.", DNS_T_A, DNS_R_NOERROR, 0, a0, 1));
	CHECK(!scache_put(c, &m, 0, &ttl, &why));
	CHECK_STR(why, "TTL 0");
	CHECK_INT(scache_count(c), 0);
	scache_free(c);
	/* No cache at all. */
	c = scache_new(0, 86400, 3600);
	CHECK(response(&m, "www.t.", DNS_T_A, DNS_R_NOERROR, 0, a, 1));
	CHECK(!scache_put(c, &m, 0, &ttl, &why));
	CHECK_STR(why, "the cache is off");
	scache_free(c);
	dns_msg_free(&m);
}

static void test_caps_eviction_and_flush(void)
{
	const rec a[] = { { "www.t.", DNS_T_A, 86400, addr1, 4, DNS_SEC_ANSWER } };
	dns_msg m;
	dns_msg_init(&m);
	scache *c = scache_new(2, 600, 30);
	uint32_t ttl = 0;
	const char *why = "";
	dns_name q;
	CHECK(response(&m, "www.t.", DNS_T_A, DNS_R_NOERROR, 0, a, 1));
	CHECK(scache_put(c, &m, 0, &ttl, &why));
	CHECK_INT(ttl, 600);
	/* The same question again replaces the answer. */
	CHECK(scache_put(c, &m, 5000, &ttl, &why));
	CHECK_INT(scache_count(c), 1);
	CHECK(response(&m, "a.t.", DNS_T_A, DNS_R_NOERROR, 0,
		       (const rec[]){ { "a.t.", DNS_T_A, 60, addr1, 4, DNS_SEC_ANSWER } }, 1));
	CHECK(scache_put(c, &m, 0, &ttl, &why));
	/* www used last: a third answer pushes a.t. out. */
	CHECK(scache_get(c, name_of("www.t.", &q), DNS_T_A, DNS_C_IN, 6000) != NULL);
	CHECK(response(&m, "b.t.", DNS_T_A, DNS_R_NOERROR, 0,
		       (const rec[]){ { "b.t.", DNS_T_A, 60, addr1, 4, DNS_SEC_ANSWER } }, 1));
	CHECK(scache_put(c, &m, 0, &ttl, &why));
	CHECK_INT(scache_count(c), 2);
	CHECK(scache_get(c, name_of("a.t.", &q), DNS_T_A, DNS_C_IN, 6000) == NULL);
	CHECK(scache_get(c, name_of("b.t.", &q), DNS_T_A, DNS_C_IN, 6000) != NULL);
	/* The negative cap. */
	make_soa(3600);
	CHECK(response(&m, "no.t.", DNS_T_A, DNS_R_NXDOMAIN, 0,
		       (const rec[]){ { "t.", DNS_T_SOA, 3600, soa_rd, soa_len,
					DNS_SEC_AUTHORITY } }, 1));
	CHECK(scache_put(c, &m, 0, &ttl, &why));
	CHECK_INT(ttl, 30);
	CHECK_INT(scache_flush_name(c, name_of("NO.t.", &q)), 1);
	CHECK_INT(scache_count(c), 1);
	CHECK_INT(scache_flush(c), 1);
	CHECK_INT(scache_count(c), 0);
	dns_msg_free(&m);
	scache_free(c);
}

static void count_visit(void *ctx, const scache_entry *e)
{
	(void)e;
	(*(int *)ctx)++;
}

static void test_foreach_skips_expired(void)
{
	const rec a[] = { { "www.t.", DNS_T_A, 10, addr1, 4, DNS_SEC_ANSWER } };
	dns_msg m;
	dns_msg_init(&m);
	scache *c = scache_new(10, 600, 30);
	uint32_t ttl;
	const char *why;
	CHECK(response(&m, "www.t.", DNS_T_A, DNS_R_NOERROR, 0, a, 1));
	CHECK(scache_put(c, &m, 0, &ttl, &why));
	int n = 0;
	scache_foreach(c, 9999, count_visit, &n);
	CHECK_INT(n, 1);
	n = 0;
	scache_foreach(c, 10000, count_visit, &n);
	CHECK_INT(n, 0);
	dns_msg_free(&m);
	scache_free(c);
}

int main(void)
{
	RUN(test_positive_lives_its_shortest_ttl);
	RUN(test_negative_answers);
	RUN(test_what_is_not_kept);
	RUN(test_caps_eviction_and_flush);
	RUN(test_foreach_skips_expired);
	return check_summary("test_scache");
}
