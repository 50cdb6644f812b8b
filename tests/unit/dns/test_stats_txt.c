/* The stats.dnsim TXT format: "key=value" character-strings written by
 * the servers and read by the supervisor. */
#include "check.h"
#include "dns/stats_txt.h"

/* A NUL-terminated copy of a decoded key, for CHECK_STR. */
static const char *key_of(const dns_stat *s, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, "%.*s", (int)s->keylen, s->key);
	return buf;
}

/* Exactly the octets the servers have always sent. */
static void test_wire_form(void)
{
	uint8_t rd[64];
	dns_stats_writer w;
	dns_stats_writer_init(&w, rd, sizeof rd);
	CHECK_INT(dns_stats_put(&w, "queries", 42), DNS_OK);
	CHECK_INT(dns_stats_put(&w, "rcode.NOERROR", 0), DNS_OK);
	static const uint8_t want[] = "\012queries=42\017rcode.NOERROR=0";
	CHECK_INT(w.len, sizeof want - 1);
	CHECK_MEM(rd, want, sizeof want - 1);
	CHECK_INT(w.left_out, 0);
}

static void test_round_trip(void)
{
	static const struct {
		const char *key;
		uint64_t value;
	} in[] = {
		{ "queries", 1234 },        { "cache.hits", 0 },
		{ "upstream.tcp_retries", 18446744073709551615ull },
		{ "qtype.NSEC3PARAM", 7 }, { "x", 1 },
	};
	size_t nin = sizeof in / sizeof in[0];
	uint8_t rd[512];
	dns_stats_writer w;
	dns_stats_writer_init(&w, rd, sizeof rd);
	for (size_t i = 0; i < nin; i++)
		CHECK_INT(dns_stats_put(&w, in[i].key, in[i].value), DNS_OK);
	dns_stat out[DNS_STATS_MAX_IN(sizeof rd)];
	size_t n = 0;
	char k[256];
	CHECK_INT(dns_stats_decode(rd, w.len, out, sizeof out / sizeof out[0], &n), DNS_OK);
	CHECK_INT(n, nin);
	for (size_t i = 0; i < nin && i < n; i++) {
		CHECK_STR(key_of(&out[i], k, sizeof k), in[i].key);
		CHECK(out[i].value == in[i].value);
	}
	const dns_stat *s = dns_stats_find(out, n, "cache.hits");
	CHECK(s != NULL && s->value == 0);
	s = dns_stats_find(out, n, "upstream.tcp_retries");
	CHECK(s != NULL && s->value == 18446744073709551615ull);
	/* Whole keys only: neither a prefix nor a suffix of one matches. */
	CHECK(dns_stats_find(out, n, "cache") == NULL);
	CHECK(dns_stats_find(out, n, "hits") == NULL);
	CHECK(dns_stats_find(out, n, "queries.") == NULL);
	CHECK(dns_stats_find(out, n, "") == NULL);
}

/* The first match wins, and "queries" is not found in
 * "upstream.queries". */
static void test_find(void)
{
	static const uint8_t rd[] = "\022upstream.queries=9\011queries=3\011queries=4";
	dns_stat out[8];
	size_t n = 0;
	CHECK_INT(dns_stats_decode(rd, sizeof rd - 1, out, 8, &n), DNS_OK);
	CHECK_INT(n, 3);
	const dns_stat *s = dns_stats_find(out, n, "queries");
	CHECK(s == &out[1]);
	CHECK(s != NULL && s->value == 3);
	CHECK(dns_stats_find(out, 0, "queries") == NULL);
}

/* A counter that does not fit is left out whole, never cut; a shorter
 * one after it may still go in. */
static void test_limit_never_cuts(void)
{
	uint8_t rd[20];
	memset(rd, 0xee, sizeof rd);
	dns_stats_writer w;
	dns_stats_writer_init(&w, rd, 16);
	CHECK_INT(dns_stats_put(&w, "queries", 12345), DNS_OK);     /* 14 octets */
	CHECK_INT(dns_stats_put(&w, "udp", 1), DNS_E_NOSPACE);      /* 6 */
	CHECK_INT(w.len, 14);
	CHECK_INT(w.left_out, 1);
	CHECK_INT(dns_stats_put(&w, "a", 1), DNS_E_NOSPACE);        /* 4 */
	dns_stats_writer_init(&w, rd, 18);
	CHECK_INT(dns_stats_put(&w, "queries", 12345), DNS_OK);
	CHECK_INT(dns_stats_put(&w, "udp", 1), DNS_E_NOSPACE);
	CHECK_INT(dns_stats_put(&w, "a", 1), DNS_OK);               /* exactly fills */
	CHECK_INT(w.len, 18);
	CHECK_INT(w.left_out, 1);
	CHECK_INT(rd[18], 0xee);
	dns_stat out[4];
	size_t n = 0;
	CHECK_INT(dns_stats_decode(rd, w.len, out, 4, &n), DNS_OK);
	CHECK_INT(n, 2);
	CHECK(dns_stats_find(out, n, "udp") == NULL);
}

/* One character-string holds 255 octets: a longer counter is left out
 * even with room to spare. */
static void test_string_limit(void)
{
	static uint8_t rd[600];
	char key[300];
	dns_stats_writer w;
	dns_stats_writer_init(&w, rd, sizeof rd);
	memset(key, 'k', sizeof key);
	key[253] = '\0';   /* 253 + "=1" = 255: fits */
	CHECK_INT(dns_stats_put(&w, key, 1), DNS_OK);
	CHECK_INT(rd[0], 255);
	key[253] = 'k';
	key[254] = '\0';   /* 256: does not */
	CHECK_INT(dns_stats_put(&w, key, 1), DNS_E_NOSPACE);
	CHECK_INT(w.len, 256);
}

static void test_bad_keys(void)
{
	uint8_t rd[64];
	dns_stats_writer w;
	dns_stats_writer_init(&w, rd, sizeof rd);
	CHECK_INT(dns_stats_put(&w, "", 1), DNS_E_SYNTAX);
	CHECK_INT(dns_stats_put(&w, "a=b", 1), DNS_E_SYNTAX);
	CHECK_INT(w.len, 0);
	CHECK_INT(w.left_out, 0);
}

static dns_err decode(const char *rd, size_t len, size_t *n)
{
	dns_stat out[16];
	return dns_stats_decode((const uint8_t *)rd, len, out, 16, n);
}

static void test_malformed_rejected(void)
{
	size_t n = 99;
	/* Empty RDATA: no counters. */
	CHECK_INT(decode("", 0, &n), DNS_OK);
	CHECK_INT(n, 0);
	/* A string running past the end, at any cut. */
	static const char good[] = "\3a=1\011queries=7";
	for (size_t len = 1; len < sizeof good - 1; len++)
		if (len != 4)
			CHECK_INT(decode(good, len, &n), DNS_E_TRUNCATED);
	CHECK_INT(decode(good, 4, &n), DNS_OK);
	CHECK_INT(decode(good, sizeof good - 1, &n), DNS_OK);
	CHECK_INT(n, 2);
	/* Not KEY=DIGITS. */
	CHECK_INT(decode("\0", 1, &n), DNS_E_SYNTAX);
	CHECK_INT(decode("\7queries", 8, &n), DNS_E_SYNTAX);
	CHECK_INT(decode("\2=5", 3, &n), DNS_E_SYNTAX);
	CHECK_INT(decode("\2a=", 3, &n), DNS_E_SYNTAX);
	CHECK_INT(decode("\4a=1x", 5, &n), DNS_E_SYNTAX);
	CHECK_INT(decode("\4a= 1", 5, &n), DNS_E_SYNTAX);
	CHECK_INT(decode("\4a=-1", 5, &n), DNS_E_SYNTAX);
	CHECK_INT(decode("\5a=1=2", 6, &n), DNS_E_SYNTAX);
	/* One bad string spoils the lot. */
	CHECK_INT(decode("\3a=1\3b=x", 8, &n), DNS_E_SYNTAX);
	/* 2^64-1 is the largest value; one more is out of range. */
	CHECK_INT(decode("\026a=18446744073709551615", 23, &n), DNS_OK);
	CHECK_INT(decode("\026a=18446744073709551616", 23, &n), DNS_E_RANGE);
	CHECK_INT(decode("\027a=100000000000000000000", 24, &n), DNS_E_RANGE);
}

static void test_decode_capacity(void)
{
	static const uint8_t rd[] = "\3a=1\3b=2\3c=3";
	dns_stat out[3];
	size_t n = 0;
	CHECK_INT(dns_stats_decode(rd, sizeof rd - 1, out, 2, &n), DNS_E_NOSPACE);
	CHECK_INT(dns_stats_decode(rd, sizeof rd - 1, out, 3, &n), DNS_OK);
	CHECK_INT(n, 3);
	CHECK_INT(DNS_STATS_MAX_IN(sizeof rd - 1), 3);
}

int main(void)
{
	RUN(test_wire_form);
	RUN(test_round_trip);
	RUN(test_find);
	RUN(test_limit_never_cuts);
	RUN(test_string_limit);
	RUN(test_bad_keys);
	RUN(test_malformed_rejected);
	RUN(test_decode_capacity);
	return check_summary("stats_txt");
}
