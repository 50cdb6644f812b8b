/* RDATA on the wire: checking against each type's layout, expanding
 * compressed names, canonical form and order. */
#include <stdlib.h>

#include "check.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"

/* Split text into tokens: white space separates, double quotes group
 * (escapes kept, as the zone lexer hands them over). */
static size_t tokenize(const char *s, dns_token *tok, size_t max)
{
	size_t n = 0;
	while (*s && n < max) {
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		dns_token *t = &tok[n++];
		memset(t, 0, sizeof *t);
		if (*s == '"') {
			t->quoted = true;
			t->text = ++s;
			while (*s && *s != '"') {
				if (*s == '\\' && s[1])
					s++;
				s++;
			}
			t->len = (size_t)(s - t->text);
			if (*s)
				s++;
		} else {
			t->text = s;
			while (*s && *s != ' ')
				s++;
			t->len = (size_t)(s - t->text);
		}
	}
	return n;
}

static dns_name origin;

static dns_err from_text(uint16_t type, const char *text, uint8_t *rd,
			 size_t *rdlen, size_t *bad)
{
	dns_token tok[64];
	size_t n = tokenize(text, tok, 64);
	return dns_rdata_from_text(type, tok, n, origin.data, rd, 65535, rdlen,
				   bad);
}

static void test_wire_checks(void)
{
	static const uint8_t a3[] = { 192, 0, 2 };
	CHECK_INT(dns_rdata_check(DNS_T_A, a3, 3), DNS_E_RDLENGTH);
	static const uint8_t mx_trailing[] = { 0, 10, 0, 1 };
	CHECK_INT(dns_rdata_check(DNS_T_MX, mx_trailing, 4), DNS_E_RDLENGTH);
	static const uint8_t txt_lie[] = { 5, 'a', 'b' };
	CHECK_INT(dns_rdata_check(DNS_T_TXT, txt_lie, 3), DNS_E_RDLENGTH);
	static const uint8_t ns_ptr[] = { 0xC0, 0x0C };
	CHECK_INT(dns_rdata_check(DNS_T_NS, ns_ptr, 2), DNS_E_BAD_POINTER);
	static const uint8_t bitmap_zero_tail[] = { 0, 0, 2, 0x40, 0 };
	CHECK_INT(dns_rdata_check(DNS_T_NSEC, bitmap_zero_tail, 5), DNS_E_FORMAT);
	static const uint8_t bitmap_order[] = { 0, 1, 0, 0x40, 1, 1, 0x40,
						0, 1, 0x40 };
	CHECK_INT(dns_rdata_check(DNS_T_NSEC, bitmap_order, 10), DNS_E_FORMAT);
	static const uint8_t opaque[] = { 1, 2, 3 };
	CHECK_INT(dns_rdata_check(65534, opaque, 3), DNS_OK);
	/* Empty RDATA prints in the generic form. */
	char out[64];
	CHECK_INT(dns_rdata_to_text(DNS_T_A, opaque, 0, out, sizeof out, NULL), DNS_OK);
	CHECK_STR(out, "\\# 0");
	CHECK_INT(dns_rdata_to_text(DNS_T_A, opaque, 3, out, sizeof out, NULL), DNS_OK);
	CHECK_STR(out, "\\# 3 010203");
	static const uint8_t a4[] = { 192, 0, 2, 1 };
	CHECK_INT(dns_rdata_to_text(DNS_T_A, a4, 4, out, 5, NULL), DNS_E_NOSPACE);
}

static void test_unpack_decompresses(void)
{
	/* A message fragment: "example.com." at 0, then an MX RDATA whose
	 * exchange is "mail" + pointer to 0. */
	static const uint8_t msg[] = {
		7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
		0, 10, 4, 'm', 'a', 'i', 'l', 0xC0, 0x00,
	};
	uint8_t out[600];
	size_t len;
	CHECK_INT(dns_rdata_unpack(DNS_T_MX, DNS_C_IN, msg, sizeof msg, 13, 9,
				   out, sizeof out, &len), DNS_OK);
	CHECK_INT(len, 2 + 5 + 13);
	CHECK_MEM(out + 7, msg, 13);
	/* RDLENGTH one short: the pointer is cut. */
	CHECK_INT(dns_rdata_unpack(DNS_T_MX, DNS_C_IN, msg, sizeof msg, 13, 8,
				   out, sizeof out, &len), DNS_E_RDLENGTH);
	/* RDLENGTH past the message. */
	CHECK_INT(dns_rdata_unpack(DNS_T_MX, DNS_C_IN, msg, sizeof msg, 13, 10,
				   out, sizeof out, &len), DNS_E_TRUNCATED);
	/* Empty RDATA is fine for class ANY (update deletes). */
	CHECK_INT(dns_rdata_unpack(DNS_T_MX, DNS_C_ANY, msg, sizeof msg, 13, 0,
				   out, sizeof out, &len), DNS_OK);
	CHECK_INT(dns_rdata_unpack(DNS_T_MX, DNS_C_IN, msg, sizeof msg, 13, 0,
				   out, sizeof out, &len), DNS_E_RDLENGTH);
}

static void test_canonical_compare(void)
{
	uint8_t a[300], b[300];
	size_t alen, blen, bad;
	CHECK_INT(from_text(DNS_T_NS, "NS1.Example.COM.", a, &alen, &bad), DNS_OK);
	CHECK_INT(from_text(DNS_T_NS, "ns1.example.com.", b, &blen, &bad), DNS_OK);
	CHECK_INT(dns_rdata_compare(DNS_T_NS, a, alen, b, blen), 0);
	/* TXT is case-sensitive. */
	CHECK_INT(from_text(DNS_T_TXT, "A", a, &alen, &bad), DNS_OK);
	CHECK_INT(from_text(DNS_T_TXT, "a", b, &blen, &bad), DNS_OK);
	CHECK(dns_rdata_compare(DNS_T_TXT, a, alen, b, blen) < 0);
	/* Shorter sorts first when a prefix. */
	CHECK_INT(from_text(65534, "\\# 1 01", a, &alen, &bad), DNS_OK);
	CHECK_INT(from_text(65534, "\\# 2 0100", b, &blen, &bad), DNS_OK);
	CHECK(dns_rdata_compare(65534, a, alen, b, blen) < 0);
	CHECK(dns_rdata_compare(65534, b, blen, a, alen) > 0);
	/* Canonicalize lowers names for MX but not for NSEC (RFC 6840). */
	CHECK_INT(from_text(DNS_T_MX, "1 MAIL.example.", a, &alen, &bad), DNS_OK);
	dns_rdata_canonicalize(DNS_T_MX, a, alen);
	CHECK(a[3] == 'm');
	CHECK_INT(from_text(DNS_T_NSEC, "MAIL.example. A", a, &alen, &bad), DNS_OK);
	dns_rdata_canonicalize(DNS_T_NSEC, a, alen);
	CHECK(a[1] == 'M');
}

int main(void)
{
	CHECK_INT(dns_name_from_text(&origin, "example.com.", 12, NULL), DNS_OK);
	RUN(test_wire_checks);
	RUN(test_unpack_decompresses);
	RUN(test_canonical_compare);
	return check_summary("test_rdata");
}
