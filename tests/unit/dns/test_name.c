/* Domain names: presentation <-> wire, escapes, limits, comparison and
 * canonical order, decompression of hostile input.  Types and classes
 * are in test_rrtype.c. */
#include <stdlib.h>

#include "check.h"
#include "dns/name.h"

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

/* Text of `labels` labels, each `len` copies of the escape `esc` (say
 * "a" or "\\097"), absolute when `dot`.  Wire length is labels*(len+1)+1
 * whatever the escape looks like in text. */
static const char *labels_text(unsigned labels, unsigned len, const char *esc,
			       bool dot)
{
	static char buf[4096];
	size_t o = 0;
	for (unsigned l = 0; l < labels; l++) {
		for (unsigned k = 0; k < len; k++) {
			size_t e = strlen(esc);
			memcpy(buf + o, esc, e);
			o += e;
		}
		if (l + 1 < labels || dot)
			buf[o++] = '.';
	}
	buf[o] = '\0';
	return buf;
}

static void test_wire_octets_counted_precisely(void)
{
	dns_name n;
	/* 127 one-octet labels: 127 * 2 + 1 = 255 octets, the most labels a
	 * name can have; one more label is 257. */
	CHECK_INT(from(labels_text(127, 1, "a", true), &n, NULL), DNS_OK);
	CHECK_INT(n.len, 255);
	CHECK_INT(dns_name_labels(n.data), 127);
	CHECK_INT(dns_name_length(n.data), 255);
	CHECK_INT(from(labels_text(128, 1, "a", true), &n, NULL), DNS_E_NAME_TOO_LONG);
	/* An escape is one octet however long its text: 3 * 64 + 62 + 1 =
	 * 255 with every octet written as \097, over 1000 characters. */
	char buf[2048];
	snprintf(buf, sizeof buf, "%s.", labels_text(3, 63, "\\097", false));
	strcat(buf, labels_text(1, 61, "\\097", true));
	CHECK(strlen(buf) > 1000);
	CHECK_INT(from(buf, &n, NULL), DNS_OK);
	CHECK_INT(n.len, 255);
	CHECK_INT(n.data[1], 'a');
	snprintf(buf, sizeof buf, "%s.", labels_text(3, 63, "\\097", false));
	strcat(buf, labels_text(1, 62, "\\097", true));
	CHECK_INT(from(buf, &n, NULL), DNS_E_NAME_TOO_LONG);
	/* A 63-octet label of escapes is fine, 64 is not. */
	CHECK_INT(from(labels_text(1, 63, "\\.", true), &n, NULL), DNS_OK);
	CHECK_INT(n.len, 65);
	CHECK_INT(from(labels_text(1, 64, "\\.", true), &n, NULL), DNS_E_LABEL_TOO_LONG);
	CHECK_INT(from(labels_text(1, 64, "\\255", true), &n, NULL), DNS_E_LABEL_TOO_LONG);
	/* The too-long label may be the last one, before a relative end. */
	CHECK_INT(from(labels_text(1, 64, "x", false), &n, "example."), DNS_E_LABEL_TOO_LONG);

	/* Relative + origin counted the same way: 126 labels (252 octets)
	 * plus "a." (3) is 255; plus "ab." (4) is 256. */
	dns_name origin;
	CHECK_INT(from(labels_text(126, 1, "x", false), &n, "a."), DNS_OK);
	CHECK_INT(n.len, 255);
	CHECK_INT(from(labels_text(126, 1, "x", false), &n, "ab."), DNS_E_NAME_TOO_LONG);
	/* With the root as origin a relative name becomes absolute. */
	CHECK_INT(from(labels_text(127, 1, "x", false), &n, "."), DNS_OK);
	CHECK_INT(n.len, 255);
	CHECK_INT(from(labels_text(127, 1, "x", false), &n, "a."), DNS_E_NAME_TOO_LONG);
	/* Origin alone at 255 octets leaves no room for any label. */
	CHECK_INT(from(labels_text(127, 1, "o", true), &origin, NULL), DNS_OK);
	CHECK_INT(dns_name_from_text(&n, "x", 1, origin.data), DNS_E_NAME_TOO_LONG);
}

static void test_relative_and_root(void)
{
	dns_name n;
	/* "." is the root with or without an origin. */
	CHECK_INT(from(".", &n, "example."), DNS_OK);
	CHECK_INT(n.len, 1);
	CHECK_INT(n.data[0], 0);
	/* An escaped final dot is part of the label: still relative. */
	CHECK_INT(from("a\\.", &n, NULL), DNS_E_RELATIVE);
	CHECK_INT(from("a\\.", &n, "example."), DNS_OK);
	CHECK_INT(n.data[0], 2);
	CHECK_STR(text(&n), "a\\..example.");
	CHECK_INT(from("a\\046", &n, NULL), DNS_E_RELATIVE);
	/* An escaped backslash before the dot does not escape the dot. */
	CHECK_INT(from("a\\\\.", &n, NULL), DNS_OK);
	CHECK_INT(n.len, 4);
	/* Empty labels, wherever they are. */
	CHECK_INT(from("..", &n, NULL), DNS_E_EMPTY_LABEL);
	CHECK_INT(from("a..", &n, NULL), DNS_E_EMPTY_LABEL);
	CHECK_INT(from(".a", &n, "example."), DNS_E_EMPTY_LABEL);
	CHECK_INT(from("a..b", &n, "example."), DNS_E_EMPTY_LABEL);
	/* The text length is honoured; no NUL is needed or looked for. */
	CHECK_INT(dns_name_from_text(&n, "example.com.XYZ", 12, NULL), DNS_OK);
	CHECK_STR(text(&n), "example.com.");
	CHECK_INT(dns_name_from_text(&n, "a\\0", 3, NULL), DNS_E_BAD_ESCAPE);
	CHECK_INT(dns_name_from_text(&n, "a.b.", 0, NULL), DNS_E_SYNTAX);
	/* Root name helpers. */
	CHECK_INT(dns_name_length(dns_name_root), 1);
	CHECK(dns_name_equal(dns_name_root, n.data) == false);
	CHECK(dns_name_is_subdomain(dns_name_root, dns_name_root));
	CHECK_INT(dns_name_compare(dns_name_root, dns_name_root), 0);
	CHECK(dns_name_compare(dns_name_root, n.data) < 0);
}

static void test_every_octet_round_trips(void)
{
	/* Four labels hold all 256 octet values; printing and reading back
	 * gives the same wire name, and only what must be is escaped. */
	dns_name n, back;
	size_t o = 0;
	for (unsigned l = 0; l < 4; l++) {
		n.data[o++] = 60;
		for (unsigned k = 0; k < 60; k++)
			n.data[o++] = (uint8_t)(l * 60 + k);
	}
	n.data[o++] = 0;
	n.len = (uint8_t)o;
	char buf[DNS_NAME_MAXTEXT];
	size_t len = 0;
	CHECK_INT(dns_name_to_text(n.data, buf, sizeof buf, &len), DNS_OK);
	CHECK_INT(len, strlen(buf));
	CHECK_INT(dns_name_from_text(&back, buf, len, NULL), DNS_OK);
	CHECK_INT(back.len, n.len);
	CHECK_MEM(back.data, n.data, n.len);
	CHECK(strstr(buf, "\\000\\001") == buf);
	CHECK(strstr(buf, "\\032!\\\"#\\$%&'\\(\\)*+,-\\./0") != NULL);
	CHECK(strstr(buf, "9:\\;.<=>?\\@A") != NULL);
	CHECK(strstr(buf, "Z[\\\\]^_`a") != NULL);
	CHECK(strstr(buf, "w.xyz{|}~\\127\\128") != NULL);
	/* Exact output size: len + 1 fits, len does not. */
	char *tight = malloc(len + 1);
	CHECK(tight != NULL);
	if (tight) {
		CHECK_INT(dns_name_to_text(n.data, tight, len + 1, NULL), DNS_OK);
		CHECK_STR(tight, buf);
		CHECK_INT(dns_name_to_text(n.data, tight, len, NULL), DNS_E_NOSPACE);
		free(tight);
	}
	/* The longest text a name can have fits DNS_NAME_MAXTEXT. */
	memset(n.data, 0, sizeof n.data);
	o = 0;
	const unsigned sizes[4] = { 63, 63, 63, 61 };
	for (unsigned l = 0; l < 4; l++) {
		n.data[o++] = (uint8_t)sizes[l];
		memset(n.data + o, 0xff, sizes[l]);
		o += sizes[l];
	}
	n.data[o++] = 0;
	CHECK_INT(o, 255);
	CHECK_INT(dns_name_to_text(n.data, buf, sizeof buf, &len), DNS_OK);
	CHECK_INT(len, 250 * 4 + 4);
	/* Root needs two bytes. */
	char two[2];
	CHECK_INT(dns_name_to_text(dns_name_root, two, 2, &len), DNS_OK);
	CHECK_STR(two, ".");
	CHECK_INT(len, 1);
	CHECK_INT(dns_name_to_text(dns_name_root, two, 1, NULL), DNS_E_NOSPACE);
}

static void test_equality_and_order_details(void)
{
	dns_name a, b;
	/* Only ASCII letters fold: 0xC1 and 0xE1 differ (Latin-1 case is not
	 * DNS case). */
	CHECK_INT(from("\\193.", &a, NULL), DNS_OK);
	CHECK_INT(from("\\225.", &b, NULL), DNS_OK);
	CHECK(!dns_name_equal(a.data, b.data));
	CHECK(dns_name_compare(a.data, b.data) < 0);
	/* '@' (0x40) and '`' (0x60) sit just before 'A' and 'a'. */
	CHECK_INT(from("\\@.", &a, NULL), DNS_OK);
	CHECK_INT(from("`.", &b, NULL), DNS_OK);
	CHECK(!dns_name_equal(a.data, b.data));
	/* Ordering lowercases first: '_' (0x5F) is below 'z' (0x7A) though
	 * above 'Z' (0x5A). */
	CHECK_INT(from("_.example.", &a, NULL), DNS_OK);
	CHECK_INT(from("Z.example.", &b, NULL), DNS_OK);
	CHECK(dns_name_compare(a.data, b.data) < 0);
	CHECK(dns_name_compare(b.data, a.data) > 0);
	/* Labels compare right to left: a.z sorts after z.a. */
	CHECK_INT(from("z.a.", &a, NULL), DNS_OK);
	CHECK_INT(from("a.z.", &b, NULL), DNS_OK);
	CHECK(dns_name_compare(a.data, b.data) < 0);
	/* A label that is a prefix of another sorts first. */
	CHECK_INT(from("ab.example.", &a, NULL), DNS_OK);
	CHECK_INT(from("abc.example.", &b, NULL), DNS_OK);
	CHECK(dns_name_compare(a.data, b.data) < 0);
	/* Same labels, different lengths of the label byte: not equal. */
	CHECK_INT(from("ab.c.", &a, NULL), DNS_OK);
	CHECK_INT(from("a.bc.", &b, NULL), DNS_OK);
	CHECK(!dns_name_equal(a.data, b.data));
	CHECK(dns_name_compare(a.data, b.data) != 0);
	/* Subdomains go by labels, not by characters. */
	CHECK_INT(from("b.example.", &a, NULL), DNS_OK);
	CHECK_INT(from("ab.example.", &b, NULL), DNS_OK);
	CHECK(!dns_name_is_subdomain(b.data, a.data));
	CHECK(!dns_name_is_subdomain(a.data, b.data));
	CHECK(dns_name_is_subdomain(a.data, a.data));
	/* The deepest names order too (127 labels). */
	CHECK_INT(from(labels_text(127, 1, "a", true), &a, NULL), DNS_OK);
	CHECK_INT(from(labels_text(127, 1, "A", true), &b, NULL), DNS_OK);
	CHECK_INT(dns_name_compare(a.data, b.data), 0);
	CHECK(dns_name_equal(a.data, b.data));
	b.data[253] = 'b';
	CHECK(dns_name_compare(a.data, b.data) < 0);
}

static void test_decompression_more(void)
{
	/* A name of the root alone, and a pointer to it. */
	static const uint8_t root[] = { 0, 0xC0, 0 };
	unpack(root, sizeof root, 0, DNS_OK, ".", 1);
	unpack(root, sizeof root, 1, DNS_OK, ".", 3);
	unpack(root, 0, 0, DNS_E_TRUNCATED, NULL, 0);
	/* A long chain of pointers, each going back to the one before, is
	 * allowed: every hop is strictly backwards. */
	uint8_t chain[1 + 2 * 100];
	chain[0] = 0;
	for (unsigned i = 0; i < 100; i++) {
		chain[1 + 2 * i] = 0xC0;
		chain[2 + 2 * i] = (uint8_t)(i == 0 ? 0 : 1 + 2 * (i - 1));
	}
	unpack(chain, sizeof chain, sizeof chain - 2, DNS_OK, ".", sizeof chain);
	/* Pointers that add up to exactly 255 octets, and to 257. */
	uint8_t m[400];
	size_t o = 0;
	const char fill[4] = { 'a', 'b', 'c', 'd' };
	size_t starts[4];
	for (int i = 0; i < 4; i++) {
		starts[i] = o;
		uint8_t len = i == 3 ? 61 : 63;
		m[o++] = len;
		memset(m + o, fill[i], len);
		o += len;
		if (i == 0) {
			m[o++] = 0;
		} else {
			m[o++] = (uint8_t)(0xC0 | starts[i - 1] >> 8);
			m[o++] = (uint8_t)starts[i - 1];
		}
	}
	dns_name n;
	size_t p = starts[3];
	CHECK_INT(dns_name_unpack(m, o, &p, &n), DNS_OK);
	CHECK_INT(n.len, 255);
	CHECK_INT(p, o);
	CHECK_INT(n.data[0], 61);
	CHECK_INT(n.data[62], 63);
	m[starts[3]] = 63;   /* now 257: the last label is 2 longer */
	size_t end = starts[3] + 1 + 63;
	memset(m + starts[3] + 1, 'd', 63);
	m[end] = (uint8_t)(0xC0 | starts[2] >> 8);
	m[end + 1] = (uint8_t)starts[2];
	p = starts[3];
	CHECK_INT(dns_name_unpack(m, end + 2, &p, &n), DNS_E_NAME_TOO_LONG);
	/* A reserved label type reached through a pointer. */
	static const uint8_t via[] = { 0x41, 'x', 0, 1, 'a', 0xC0, 0 };
	unpack(via, sizeof via, 3, DNS_E_LABEL_TYPE, NULL, 0);
	/* Pointer at offset 0x3FFF's boundary: 14-bit offsets use the low
	 * six bits of the first byte too. */
	static uint8_t hi[0x105];
	hi[0x100] = 1;
	hi[0x101] = 'q';
	hi[0x102] = 0;
	hi[0x103] = 0xC1;
	hi[0x104] = 0x00;
	unpack(hi, sizeof hi, 0x103, DNS_OK, "q.", 0x105);
	/* dns_name_check on what unpack refuses. */
	size_t nl;
	static const uint8_t t40[] = { 0x40, 0 }, t80[] = { 0x80, 0 }, cut[] = { 3, 'a', 'b' };
	CHECK_INT(dns_name_check(t40, sizeof t40, &nl), DNS_E_LABEL_TYPE);
	CHECK_INT(dns_name_check(t80, sizeof t80, &nl), DNS_E_LABEL_TYPE);
	CHECK_INT(dns_name_check(cut, sizeof cut, &nl), DNS_E_TRUNCATED);
	CHECK_INT(dns_name_check(cut, 0, &nl), DNS_E_TRUNCATED);
	/* 257 octets without pointers. */
	uint8_t big[300];
	o = 0;
	for (int i = 0; i < 4; i++) {
		big[o++] = 63;
		memset(big + o, 'x', 63);
		o += 63;
	}
	big[o++] = 0;
	CHECK_INT(dns_name_check(big, o, &nl), DNS_E_NAME_TOO_LONG);
	big[3 * 64] = 61;
	big[3 * 64 + 62] = 0;
	CHECK_INT(dns_name_check(big, o, &nl), DNS_OK);
	CHECK_INT(nl, 255);
}

static void test_join_copy_skip_more(void)
{
	dns_name a, b, out;
	CHECK_INT(from("a.b.c.", &a, NULL), DNS_OK);
	CHECK_INT(from("example.", &b, NULL), DNS_OK);
	/* No prefix labels: the suffix alone; all of them: prefix minus root. */
	CHECK_INT(dns_name_join(&out, a.data, 0, b.data), DNS_OK);
	CHECK_STR(text(&out), "example.");
	CHECK_INT(dns_name_join(&out, a.data, 3, b.data), DNS_OK);
	CHECK_STR(text(&out), "a.b.c.example.");
	CHECK_INT(out.len, 15);
	/* Joining may land on exactly 255, not 256. */
	dns_name longp, suffix;
	CHECK_INT(from(labels_text(126, 1, "p", true), &longp, NULL), DNS_OK);
	CHECK_INT(from("s.", &suffix, NULL), DNS_OK);
	CHECK_INT(dns_name_join(&out, longp.data, 126, suffix.data), DNS_OK);
	CHECK_INT(out.len, 255);
	CHECK_INT(from("ss.", &suffix, NULL), DNS_OK);
	CHECK_INT(dns_name_join(&out, longp.data, 126, suffix.data), DNS_E_NAME_TOO_LONG);
	/* Output may alias an input. */
	CHECK_INT(dns_name_join(&a, a.data, 1, b.data), DNS_OK);
	CHECK_STR(text(&a), "a.example.");
	dns_name_copy(&out, b.data);
	CHECK_INT(out.len, 9);
	CHECK(dns_name_equal(out.data, b.data));
	CHECK(dns_name_skip_labels(b.data, 0) == b.data);
	CHECK(dns_name_skip_labels(b.data, 1) == b.data + 8);
}

int main(void)
{
	RUN(test_text_roundtrip);
	RUN(test_escapes);
	RUN(test_limits);
	RUN(test_compare);
	RUN(test_decompression);
	RUN(test_join_and_skip);
	RUN(test_wire_octets_counted_precisely);
	RUN(test_relative_and_root);
	RUN(test_every_octet_round_trips);
	RUN(test_equality_and_order_details);
	RUN(test_decompression_more);
	RUN(test_join_copy_skip_more);
	return check_summary("test_name");
}
