/* Domain names: presentation <-> wire, escapes, limits, comparison and
 * canonical order, decompression of hostile input. */
#include <stdlib.h>

#include "check.h"
#include "dns/name.h"
#include "dns/rrtype.h"

static dns_err from(const char *s, dns_name *n, const char *origin)
{
	dns_name o;
	if (origin && dns_name_from_text(&o, origin, strlen(origin), NULL))
		abort();
	return dns_name_from_text(n, s, strlen(s), origin ? o.data : NULL);
}

static const char *text(const dns_name *n)
{
	static char buf[DNS_NAME_MAXTEXT];
	if (dns_name_to_text(n->data, buf, sizeof buf, NULL))
		return "?";
	return buf;
}

static void test_text_roundtrip(void)
{
	dns_name n;
	CHECK_INT(from("www.example.com.", &n, NULL), DNS_OK);
	CHECK_INT(n.len, 17);
	CHECK_MEM(n.data, "\3www\7example\3com\0", 17);
	CHECK_STR(text(&n), "www.example.com.");
	CHECK_INT(from(".", &n, NULL), DNS_OK);
	CHECK_INT(n.len, 1);
	CHECK_STR(text(&n), ".");
	/* Relative names take the origin; without one they are an error. */
	CHECK_INT(from("www", &n, "example.com."), DNS_OK);
	CHECK_STR(text(&n), "www.example.com.");
	CHECK_INT(from("www", &n, NULL), DNS_E_RELATIVE);
	CHECK_INT(from("a.b", &n, "."), DNS_OK);
	CHECK_STR(text(&n), "a.b.");
	/* Case is kept. */
	CHECK_INT(from("WwW.Example.", &n, NULL), DNS_OK);
	CHECK_STR(text(&n), "WwW.Example.");
}

static void test_escapes(void)
{
	dns_name n;
	CHECK_INT(from("a\\.b.example.", &n, NULL), DNS_OK);
	CHECK_INT(n.data[0], 3);      /* one label "a.b" */
	CHECK_STR(text(&n), "a\\.b.example.");
	CHECK_INT(from("\\065\\066c.", &n, NULL), DNS_OK);
	CHECK_STR(text(&n), "ABc.");
	CHECK_INT(from("sp\\032ace\\000nul.", &n, NULL), DNS_OK);
	CHECK_STR(text(&n), "sp\\032ace\\000nul.");
	CHECK_INT(from("\\@\\$\\(\\)\\;\\\"\\\\.", &n, NULL), DNS_OK);
	CHECK_STR(text(&n), "\\@\\$\\(\\)\\;\\\"\\\\.");
	CHECK_INT(from("\\200\\255.", &n, NULL), DNS_OK);
	CHECK_STR(text(&n), "\\200\\255.");
	CHECK_INT(from("bad\\256.", &n, NULL), DNS_E_BAD_ESCAPE);
	CHECK_INT(from("bad\\25.", &n, NULL), DNS_E_BAD_ESCAPE);
	CHECK_INT(from("bad\\", &n, NULL), DNS_E_BAD_ESCAPE);
}

static void test_limits(void)
{
	dns_name n;
	char buf[600];
	memset(buf, 'a', 63);
	strcpy(buf + 63, ".");
	CHECK_INT(from(buf, &n, NULL), DNS_OK);
	memset(buf, 'a', 64);
	strcpy(buf + 64, ".");
	CHECK_INT(from(buf, &n, NULL), DNS_E_LABEL_TOO_LONG);
	/* 63+1 + 63+1 + 63+1 + 61+1 + 1 = 255 octets: the largest name. */
	snprintf(buf, sizeof buf, "%.63s.%.63s.%.63s.%.61s.",
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
		 "ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc",
		 "ddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd");
	CHECK_INT(from(buf, &n, NULL), DNS_OK);
	CHECK_INT(n.len, 255);
	snprintf(buf, sizeof buf, "%.63s.%.63s.%.63s.%.62s.",
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
		 "ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc",
		 "ddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd");
	CHECK_INT(from(buf, &n, NULL), DNS_E_NAME_TOO_LONG);
	/* An origin can push a relative name over the limit. */
	snprintf(buf, sizeof buf, "%.63s.%.63s.%.63s",
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
		 "ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc");
	CHECK_INT(from(buf, &n, "ddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd."), DNS_E_NAME_TOO_LONG);
	CHECK_INT(from("a..b.", &n, NULL), DNS_E_EMPTY_LABEL);
	CHECK_INT(from(".a.", &n, NULL), DNS_E_EMPTY_LABEL);
	CHECK_INT(from("", &n, NULL), DNS_E_SYNTAX);
	/* Output never truncates: a buffer too small is an error. */
	CHECK_INT(from("www.example.", &n, NULL), DNS_OK);
	char small[8];
	CHECK_INT(dns_name_to_text(n.data, small, sizeof small, NULL), DNS_E_NOSPACE);
}

static void test_compare(void)
{
	/* RFC 4034 section 6.1's example, in canonical order. */
	const char *order[] = { "example.", "a.example.", "yljkjljk.a.example.",
				"Z.a.example.", "zABC.a.EXAMPLE.", "z.example.",
				"\\001.z.example.", "*.z.example.", "\\200.z.example." };
	dns_name n[9];
	for (int i = 0; i < 9; i++)
		CHECK_INT(from(order[i], &n[i], NULL), DNS_OK);
	for (int i = 0; i < 9; i++)
		for (int j = 0; j < 9; j++) {
			int c = dns_name_compare(n[i].data, n[j].data);
			if ((i < j && c >= 0) || (i > j && c <= 0) || (i == j && c != 0)) {
				fprintf(stderr, "  %s vs %s: %d\n", order[i], order[j], c);
				CHECK(0);
			}
		}
	dns_name a, b;
	CHECK_INT(from("WWW.Example.COM.", &a, NULL), DNS_OK);
	CHECK_INT(from("www.example.com.", &b, NULL), DNS_OK);
	CHECK(dns_name_equal(a.data, b.data));
	CHECK_INT(dns_name_compare(a.data, b.data), 0);
	CHECK(dns_name_is_subdomain(a.data, b.data));
	CHECK_INT(from("example.com.", &b, NULL), DNS_OK);
	CHECK(dns_name_is_subdomain(a.data, b.data));
	CHECK(!dns_name_is_subdomain(b.data, a.data));
	CHECK(dns_name_is_subdomain(a.data, dns_name_root));
	CHECK_INT(from("xample.com.", &b, NULL), DNS_OK);
	CHECK(!dns_name_is_subdomain(a.data, b.data));
	CHECK_INT(dns_name_labels(a.data), 3);
	CHECK_INT(dns_name_labels(dns_name_root), 0);
	dns_name_to_lower(a.data);
	CHECK_STR(text(&a), "www.example.com.");
}

static void unpack(const uint8_t *msg, size_t len, size_t pos, dns_err want,
		   const char *want_text, size_t want_pos)
{
	dns_name n;
	size_t p = pos;
	dns_err err = dns_name_unpack(msg, len, &p, &n);
	CHECK_INT(err, want);
	if (err == DNS_OK) {
		CHECK_STR(text(&n), want_text);
		CHECK_INT(p, want_pos);
	}
}

static void test_decompression(void)
{
	/* example.com. at 0; at 13 "www" + pointer to 0. */
	static const uint8_t m[] = { 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
				     3, 'w', 'w', 'w', 0xC0, 0,
				     0xC0, 13,            /* 19: pointer to a pointer */
				     0xC0, 21,            /* 21: pointer to itself */
				     0xC0, 25, 1, 'a',    /* 23: forward pointer */
				     1, 'x', 0xC0, 27,    /* 27: pointer into its own name */
				     0x40, 'a',           /* 31: reserved label type */
				     0x80, 'a',           /* 33: reserved label type */
				     0xC0 };              /* 35: a pointer cut in half */
	unpack(m, sizeof m, 0, DNS_OK, "example.com.", 13);
	unpack(m, sizeof m, 13, DNS_OK, "www.example.com.", 19);
	unpack(m, sizeof m, 19, DNS_OK, "www.example.com.", 21);
	unpack(m, sizeof m, 21, DNS_E_POINTER_LOOP, NULL, 0);
	unpack(m, sizeof m, 23, DNS_E_BAD_POINTER, NULL, 0);
	unpack(m, sizeof m, 27, DNS_E_POINTER_LOOP, NULL, 0);
	unpack(m, sizeof m, 31, DNS_E_LABEL_TYPE, NULL, 0);
	unpack(m, sizeof m, 33, DNS_E_LABEL_TYPE, NULL, 0);
	unpack(m, sizeof m, 35, DNS_E_TRUNCATED, NULL, 0);
	unpack(m, 5, 0, DNS_E_TRUNCATED, NULL, 0);      /* label past the end */
	/* Past the end: a pointer whose target lies beyond the message. */
	static const uint8_t far[] = { 0xC0, 0x50 };
	unpack(far, sizeof far, 0, DNS_E_BAD_POINTER, NULL, 0);
	/* Pointers building a name over 255 octets. */
	uint8_t big[600];
	size_t o = 0;
	for (int i = 0; i < 4; i++) {
		big[o++] = 63;
		memset(big + o, 'a' + i, 63);
		o += 63;
	}
	big[o++] = 0;                   /* 257 octets inline: too long */
	unpack(big, o, 0, DNS_E_NAME_TOO_LONG, NULL, 0);
	/* Uncompressed check refuses pointers outright. */
	size_t nl;
	CHECK_INT(dns_name_check(m + 13, sizeof m - 13, &nl), DNS_E_BAD_POINTER);
	CHECK_INT(dns_name_check(m, sizeof m, &nl), DNS_OK);
	CHECK_INT(nl, 13);
}

static void test_join_and_skip(void)
{
	dns_name a, b, out;
	CHECK_INT(from("www.old.example.", &a, NULL), DNS_OK);
	CHECK_INT(from("new.example.net.", &b, NULL), DNS_OK);
	CHECK_INT(dns_name_join(&out, a.data, 1, b.data), DNS_OK);
	CHECK_STR(text(&out), "www.new.example.net.");
	CHECK(dns_name_skip_labels(a.data, 2)[0] == 7);
	CHECK(dns_name_skip_labels(a.data, 9)[0] == 0);
}

static void test_types_and_classes(void)
{
	char buf[DNS_MNEMONIC_MAX];
	uint16_t v;
	CHECK_STR(dns_type_to_text(DNS_T_AAAA, buf), "AAAA");
	CHECK_STR(dns_type_to_text(65534, buf), "TYPE65534");
	CHECK_STR(dns_class_to_text(DNS_C_CH, buf), "CH");
	CHECK_STR(dns_class_to_text(77, buf), "CLASS77");
	CHECK_INT(dns_type_from_text("mx", 2, &v), DNS_OK);
	CHECK_INT(v, DNS_T_MX);
	CHECK_INT(dns_type_from_text("type65534", 9, &v), DNS_OK);
	CHECK_INT(v, 65534);
	CHECK_INT(dns_type_from_text("TYPE65536", 9, &v), DNS_E_RANGE);
	CHECK_INT(dns_type_from_text("TYPE", 4, &v), DNS_E_UNKNOWN_TYPE);
	CHECK_INT(dns_type_from_text("BOGUS", 5, &v), DNS_E_UNKNOWN_TYPE);
	CHECK_INT(dns_class_from_text("class255", 8, &v), DNS_OK);
	CHECK_INT(v, 255);
	CHECK(dns_type_is_meta(DNS_T_OPT) && dns_type_is_meta(DNS_T_AXFR));
	CHECK(!dns_type_is_meta(DNS_T_CAA));
}

int main(void)
{
	RUN(test_text_roundtrip);
	RUN(test_escapes);
	RUN(test_limits);
	RUN(test_compare);
	RUN(test_decompression);
	RUN(test_join_and_skip);
	RUN(test_types_and_classes);
	return check_summary("test_name");
}
