/* The answer cache: which queries it keeps, that a kept answer is the
 * octets auth_answer makes (with the asker's ID), that round-robin
 * answers are kept per phase, and that it forgets when told. */
#include <stdlib.h>
#include <string.h>

#include "auth/anscache.h"
#include "check.h"
#include "dns/rdata.h"

#define MAXRR 16

static auth_zone zone;
static dns_rr rr[MAXRR];
static dns_name owners[MAXRR];
static uint8_t rdata[MAXRR][64];
static size_t nrr;
static auth_zone *zlist[1] = { &zone };
static auth_zoneset zs = { zlist, 1 };
static auth_answerer ans;

static void add(const char *owner, uint32_t ttl, uint16_t type, const uint8_t *rd,
		size_t rdlen)
{
	size_t i = nrr++;
	if (dns_name_from_text(&owners[i], owner, strlen(owner), NULL))
		abort();
	memcpy(rdata[i], rd, rdlen);
	rr[i] = (dns_rr){ owners[i].data, type, DNS_C_IN, ttl, (uint16_t)rdlen, rdata[i] };
}

static void setup(void)
{
	static const uint8_t soa[] = { 3, 'n', 's', '1', 4, 't', 'e', 's', 't', 0,
				       1, 'h', 4, 't', 'e', 's', 't', 0,
				       0, 0, 0, 1, 0, 0, 14, 16, 0, 0, 3, 132, 0, 9, 58, 128,
				       0, 0, 1, 44 };
	static const uint8_t ns[] = { 3, 'n', 's', '1', 4, 't', 'e', 's', 't', 0 };
	static const uint8_t a1[] = { 192, 0, 2, 1 }, a2[] = { 192, 0, 2, 2 },
			     a3[] = { 192, 0, 2, 3 }, a53[] = { 192, 0, 2, 53 };
	add("test.", 300, DNS_T_SOA, soa, sizeof soa);
	add("test.", 300, DNS_T_NS, ns, sizeof ns);
	add("ns1.test.", 300, DNS_T_A, a53, 4);
	add("one.test.", 300, DNS_T_A, a1, 4);
	add("three.test.", 300, DNS_T_A, a1, 4);
	add("three.test.", 300, DNS_T_A, a2, 4);
	add("three.test.", 300, DNS_T_A, a3, 4);
	if (dns_name_from_text(&zone.origin, "test.", 5, NULL) ||
	    zonedb_build(&zone.db, zone.origin.data, rr, nrr))
		abort();
	auth_answerer_init(&ans, 1232, "t", NULL);
}

/* A query in wire form: ID, flags word, name, type, and an OPT when
 * udp > 0 (with `opt_tail` octets of options after it). */
static size_t query(uint8_t *q, uint16_t id, uint16_t flags, const char *name, uint16_t type,
		    uint16_t qclass, uint16_t udp, bool do_bit, size_t opt_tail)
{
	dns_name n;
	if (dns_name_from_text(&n, name, strlen(name), NULL))
		abort();
	size_t len = 12;
	q[0] = (uint8_t)(id >> 8);
	q[1] = (uint8_t)id;
	q[2] = (uint8_t)(flags >> 8);
	q[3] = (uint8_t)flags;
	memset(q + 4, 0, 8);
	q[5] = 1;
	q[11] = udp ? 1 : 0;
	memcpy(q + len, n.data, n.len);
	len += n.len;
	q[len++] = (uint8_t)(type >> 8);
	q[len++] = (uint8_t)type;
	q[len++] = (uint8_t)(qclass >> 8);
	q[len++] = (uint8_t)qclass;
	if (udp) {
		const uint8_t opt[11] = { 0, 0, 41, (uint8_t)(udp >> 8), (uint8_t)udp, 0, 0,
					  do_bit ? 0x80 : 0, 0, 0, (uint8_t)opt_tail };
		memcpy(q + len, opt, 11);
		len += 11;
		memset(q + len, 0, opt_tail);
		len += opt_tail;
	}
	return len;
}

static void test_which_queries(void)
{
	uint8_t q[512];
	anscache_key k;
	size_t n = query(q, 1, 0x0100, "one.test.", DNS_T_A, DNS_C_IN, 1232, false, 0);
	CHECK(anscache_key_of(q, n, 0, 1232, &k));
	CHECK_INT(k.limit, 1232);
	n = query(q, 1, 0x0100, "one.test.", DNS_T_A, DNS_C_IN, 0, false, 0);
	CHECK(anscache_key_of(q, n, 0, 1232, &k));
	CHECK_INT(k.limit, 512);
	/* A bigger size than ours is ours; a smaller one 512. */
	n = query(q, 1, 0, "one.test.", DNS_T_A, DNS_C_IN, 4096, false, 0);
	CHECK(anscache_key_of(q, n, 0, 1232, &k) && k.limit == 1232);
	n = query(q, 1, 0, "one.test.", DNS_T_A, DNS_C_IN, 100, false, 0);
	CHECK(anscache_key_of(q, n, 0, 1232, &k) && k.limit == 512);
	/* Not kept: another opcode, CH, transfers, options (NSID, cookies),
	 * a response, octets after the question. */
	n = query(q, 1, 0x2000, "test.", DNS_T_SOA, DNS_C_IN, 0, false, 0);
	CHECK(!anscache_key_of(q, n, 0, 1232, &k));
	n = query(q, 1, 0, "stats.dnsim.", DNS_T_TXT, DNS_C_CH, 0, false, 0);
	CHECK(!anscache_key_of(q, n, 0, 1232, &k));
	n = query(q, 1, 0, "test.", DNS_T_AXFR, DNS_C_IN, 0, false, 0);
	CHECK(!anscache_key_of(q, n, 0, 1232, &k));
	n = query(q, 1, 0, "one.test.", DNS_T_A, DNS_C_IN, 1232, false, 4);
	CHECK(!anscache_key_of(q, n, 0, 1232, &k));
	n = query(q, 1, 0x8000, "one.test.", DNS_T_A, DNS_C_IN, 0, false, 0);
	CHECK(!anscache_key_of(q, n, 0, 1232, &k));
	n = query(q, 1, 0, "one.test.", DNS_T_A, DNS_C_IN, 0, false, 0);
	CHECK(!anscache_key_of(q, n + 1, 0, 1232, &k));
	CHECK(!anscache_key_of(q, 11, 0, 1232, &k));
	/* What the answer depends on tells keys apart. */
	anscache_key a, b;
	n = query(q, 1, 0x0100, "one.test.", DNS_T_A, DNS_C_IN, 1232, false, 0);
	CHECK(anscache_key_of(q, n, 0, 1232, &a));
	n = query(q, 2, 0x0100, "one.test.", DNS_T_A, DNS_C_IN, 1232, true, 0);
	CHECK(anscache_key_of(q, n, 0, 1232, &b) && b.bits != a.bits);
	n = query(q, 3, 0x0000, "one.test.", DNS_T_A, DNS_C_IN, 1232, false, 0);
	CHECK(anscache_key_of(q, n, 0, 1232, &b) && b.bits != a.bits);
	n = query(q, 4, 0x0100, "one.test.", DNS_T_A, DNS_C_IN, 1232, false, 0);
	CHECK(anscache_key_of(q, n, 1, 1232, &b) && b.bits != a.bits);
	n = query(q, 5, 0x0100, "ONE.test.", DNS_T_A, DNS_C_IN, 1232, false, 0);
	CHECK(anscache_key_of(q, n, 0, 1232, &b) && memcmp(a.qname, b.qname, a.qname_len));
}

/* Answer q through the cache as the server does; 1 when it was a hit. */
static int serve(anscache *c, const uint8_t *q, size_t qn, uint8_t *out, size_t *len)
{
	anscache_key k;
	auth_result r;
	if (!anscache_key_of(q, qn, 0, 1232, &k))
		abort();
	uint32_t rot = ans.rotate;
	*len = anscache_get(c, &k, rot, q, out, 1232, &r);
	if (*len) {
		ans.rotate++;
		return 1;
	}
	*len = auth_answer(&ans, &zs, false, q, qn, out, 1232, &r);
	anscache_put(c, &k, rot, out, *len, &r);
	return 0;
}

static void test_same_octets_as_answering(void)
{
	anscache *c = anscache_new(64, 1 << 20);
	CHECK(c != NULL);
	uint8_t q[512], got[1232], want[1232];
	size_t n = query(q, 0x1111, 0x0100, "one.test.", DNS_T_A, DNS_C_IN, 1232, true, 0);
	size_t len, wlen;
	auth_result r;
	CHECK_INT(serve(c, q, n, got, &len), 0);
	n = query(q, 0x2222, 0x0100, "one.test.", DNS_T_A, DNS_C_IN, 1232, true, 0);
	CHECK_INT(serve(c, q, n, got, &len), 1);
	wlen = auth_answer(&ans, &zs, false, q, n, want, sizeof want, &r);
	CHECK(len == wlen && memcmp(got, want, len) == 0);
	CHECK(got[0] == 0x22 && got[1] == 0x22);
	/* A name of no zone: REFUSED, kept too, and so is NXDOMAIN. */
	n = query(q, 7, 0, "other.example.", DNS_T_A, DNS_C_IN, 0, false, 0);
	CHECK_INT(serve(c, q, n, got, &len), 0);
	CHECK_INT(serve(c, q, n, got, &len), 1);
	CHECK_INT(got[3] & 15, DNS_R_REFUSED);
	n = query(q, 8, 0, "nope.test.", DNS_T_A, DNS_C_IN, 0, false, 0);
	CHECK_INT(serve(c, q, n, got, &len), 0);
	CHECK_INT(serve(c, q, n, got, &len), 1);
	CHECK_INT(got[3] & 15, DNS_R_NXDOMAIN);
	anscache_stats st = anscache_get_stats(c);
	CHECK_INT(st.hits, 3);
	CHECK_INT(st.entries, 3);
	/* Forgotten when the zones change. */
	anscache_clear(c);
	CHECK_INT(serve(c, q, n, got, &len), 0);
	anscache_free(c);
}

static void test_round_robin_kept_per_phase(void)
{
	anscache *c = anscache_new(64, 1 << 20);
	uint8_t q[512], got[1232], want[1232];
	size_t n = query(q, 9, 0, "three.test.", DNS_T_A, DNS_C_IN, 0, false, 0), len;
	/* Three records turn through three orders; each answer from the
	 * cache is what answering afresh at that position gives. */
	uint8_t first[4][1232];
	for (int i = 0; i < 6; i++) {
		auth_answerer fresh;
		auth_answerer_init(&fresh, 1232, "t", NULL);
		fresh.rotate = ans.rotate;
		auth_result r;
		size_t wlen = auth_answer(&fresh, &zs, false, q, n, want, sizeof want, &r);
		auth_answerer_free(&fresh);
		CHECK_INT(serve(c, q, n, got, &len), i >= 3);
		CHECK(len == wlen && memcmp(got, want, len) == 0);
		if (i < 3)
			memcpy(first[i], got, len);
	}
	CHECK(memcmp(first[0], first[1], len) != 0 && memcmp(first[1], first[2], len) != 0);
	anscache_free(c);
}

static void test_bounds(void)
{
	/* No room for even one answer: nothing kept, answers still right. */
	anscache *c = anscache_new(4, 10);
	uint8_t q[512], got[1232];
	size_t n = query(q, 1, 0, "one.test.", DNS_T_A, DNS_C_IN, 0, false, 0), len;
	CHECK_INT(serve(c, q, n, got, &len), 0);
	CHECK_INT(serve(c, q, n, got, &len), 0);
	CHECK(len > 12 && (got[3] & 15) == DNS_R_NOERROR);
	CHECK_INT(anscache_get_stats(c).entries, 0);
	anscache_free(c);
	/* One slot: a second name takes it over. */
	c = anscache_new(1, 1 << 20);
	size_t m;
	uint8_t q2[512];
	m = query(q2, 1, 0, "ns1.test.", DNS_T_A, DNS_C_IN, 0, false, 0);
	CHECK_INT(serve(c, q, n, got, &len), 0);
	CHECK_INT(serve(c, q2, m, got, &len), 0);
	CHECK_INT(serve(c, q2, m, got, &len), 1);
	CHECK_INT(serve(c, q, n, got, &len), 0);
	CHECK_INT(anscache_get_stats(c).entries, 1);
	anscache_free(c);
}

int main(void)
{
	setup();
	RUN(test_which_queries);
	RUN(test_same_octets_as_answering);
	RUN(test_round_robin_kept_per_phase);
	RUN(test_bounds);
	auth_answerer_free(&ans);
	zonedb_free(&zone.db);
	return check_summary("test_anscache");
}
