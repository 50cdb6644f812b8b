/* RDATA on the wire: checking against each type's layout, expanding
 * compressed names, canonical form and order. */
#include <stdlib.h>

#include "check.h"
#include "tokens.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"


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

struct seen {
	size_t offset[8];
	int n;
};

static void note_offset(void *ctx, size_t offset)
{
	struct seen *s = ctx;
	if (s->n < 8)
		s->offset[s->n++] = offset;
}

/* Names inside RDATA: all of them, or only those RFC 3597 section 4
 * lets a compressor touch (the RFC 1035 types). */
static void test_foreach_name(void)
{
	uint8_t rd[600];
	size_t len, bad;
	struct seen s;
	CHECK_INT(from_text(DNS_T_SOA, "ns1 host 1 2 3 4 5", rd, &len, &bad), DNS_OK);
	memset(&s, 0, sizeof s);
	dns_rdata_foreach_name(DNS_T_SOA, rd, len, true, note_offset, &s);
	CHECK_INT(s.n, 2);
	CHECK(s.offset[0] == 0 && s.offset[1] == 17);   /* after ns1.example.com. */
	/* SRV's target may not be compressed; it is still a name. */
	CHECK_INT(from_text(DNS_T_SRV, "0 0 53 t.example.", rd, &len, &bad), DNS_OK);
	memset(&s, 0, sizeof s);
	dns_rdata_foreach_name(DNS_T_SRV, rd, len, true, note_offset, &s);
	CHECK_INT(s.n, 0);
	dns_rdata_foreach_name(DNS_T_SRV, rd, len, false, note_offset, &s);
	CHECK(s.n == 1 && s.offset[0] == 6);
	/* RRSIG's signer name sits after 18 octets of fixed fields. */
	CHECK_INT(from_text(DNS_T_RRSIG, "A 8 2 60 1 0 7 signer.example. AQID", rd, &len, &bad), DNS_OK);
	memset(&s, 0, sizeof s);
	dns_rdata_foreach_name(DNS_T_RRSIG, rd, len, false, note_offset, &s);
	CHECK(s.n == 1 && s.offset[0] == 18);
	/* Opaque types have none. */
	memset(&s, 0, sizeof s);
	dns_rdata_foreach_name(65534, rd, len, false, note_offset, &s);
	CHECK_INT(s.n, 0);
	CHECK(dns_rdata_is_known(DNS_T_CAA));
	CHECK(dns_rdata_is_known(DNS_T_NSEC3PARAM));
	CHECK(!dns_rdata_is_known(65534));
	CHECK(!dns_rdata_is_known(DNS_T_OPT));
}

static void test_canonical_form_by_type(void)
{
	uint8_t a[600], b[600];
	size_t alen, blen, bad;
	/* SOA, RRSIG: names lowered (RFC 4034 6.2); compared that way. */
	CHECK_INT(from_text(DNS_T_SOA, "NS1.Example.COM. Host.example.com. 1 2 3 4 5", a, &alen, &bad), DNS_OK);
	CHECK_INT(from_text(DNS_T_SOA, "ns1.example.com. host.example.com. 1 2 3 4 5", b, &blen, &bad), DNS_OK);
	CHECK_INT(dns_rdata_compare(DNS_T_SOA, a, alen, b, blen), 0);
	dns_rdata_canonicalize(DNS_T_SOA, a, alen);
	CHECK_MEM(a, b, blen);
	CHECK_INT(from_text(DNS_T_RRSIG, "A 8 2 60 1 0 7 Signer.EXAMPLE. AQID", a, &alen, &bad), DNS_OK);
	CHECK_INT(from_text(DNS_T_RRSIG, "A 8 2 60 1 0 7 signer.example. AQID", b, &blen, &bad), DNS_OK);
	dns_rdata_canonicalize(DNS_T_RRSIG, a, alen);
	CHECK_MEM(a, b, blen);
	/* Numbers before the names still order first: serial 1 < 2. */
	CHECK_INT(from_text(DNS_T_SOA, "z. z. 1 2 3 4 5", a, &alen, &bad), DNS_OK);
	CHECK_INT(from_text(DNS_T_SOA, "z. z. 2 2 3 4 5", b, &blen, &bad), DNS_OK);
	CHECK(dns_rdata_compare(DNS_T_SOA, a, alen, b, blen) < 0);
	/* Uppercase letters sort as lowercase: "B" > "a" in canonical
	 * order although 'B' < 'a' in ASCII. */
	CHECK_INT(from_text(DNS_T_NS, "B.example.", a, &alen, &bad), DNS_OK);
	CHECK_INT(from_text(DNS_T_NS, "a.example.", b, &blen, &bad), DNS_OK);
	CHECK(dns_rdata_compare(DNS_T_NS, a, alen, b, blen) > 0);
	/* TXT holds no names: it keeps its case. */
	CHECK_INT(from_text(DNS_T_TXT, "ABC", a, &alen, &bad), DNS_OK);
	dns_rdata_canonicalize(DNS_T_TXT, a, alen);
	CHECK(a[1] == 'A');
}

static void test_wire_semantics(void)
{
	/* A DS digest of a known type has that type's length (SHA-1 20,
	 * SHA-256 32, SHA-384 48); type 0 is reserved; unknown types take
	 * any length. */
	uint8_t ds[4 + 48] = { 0x12, 0x34, 8, 1 };
	CHECK_INT(dns_rdata_check(DNS_T_DS, ds, 4 + 20), DNS_OK);
	CHECK_INT(dns_rdata_check(DNS_T_DS, ds, 4 + 32), DNS_E_RDLENGTH);
	ds[3] = 2;
	CHECK_INT(dns_rdata_check(DNS_T_DS, ds, 4 + 32), DNS_OK);
	ds[3] = 4;
	CHECK_INT(dns_rdata_check(DNS_T_DS, ds, 4 + 48), DNS_OK);
	CHECK_INT(dns_rdata_check(DNS_T_CDS, ds, 4 + 47), DNS_E_RDLENGTH);
	ds[3] = 0;
	CHECK_INT(dns_rdata_check(DNS_T_DS, ds, 4 + 20), DNS_E_FORMAT);
	ds[3] = 200;
	CHECK_INT(dns_rdata_check(DNS_T_DS, ds, 4 + 7), DNS_OK);
	/* CAA: an empty tag is malformed, a tag of letters and digits is
	 * fine. */
	static const uint8_t caa_empty[] = { 0, 0, 'x' };
	CHECK_INT(dns_rdata_check(DNS_T_CAA, caa_empty, sizeof caa_empty), DNS_E_FORMAT);
	static const uint8_t caa_ok[] = { 0, 5, 'i', 's', 's', 'u', 'e', 'c', 'a' };
	CHECK_INT(dns_rdata_check(DNS_T_CAA, caa_ok, sizeof caa_ok), DNS_OK);
	/* Bitmaps: a window of 0 or more than 32 octets. */
	static const uint8_t nsec_w0[] = { 0, 0, 0 };
	CHECK_INT(dns_rdata_check(DNS_T_NSEC, nsec_w0, sizeof nsec_w0), DNS_E_FORMAT);
	uint8_t nsec_w33[3 + 33] = { 0, 0, 33 };
	nsec_w33[3 + 32] = 1;
	CHECK_INT(dns_rdata_check(DNS_T_NSEC, nsec_w33, sizeof nsec_w33), DNS_E_FORMAT);
	static const uint8_t nsec_cut[] = { 0, 0, 2, 0x40 };
	CHECK_INT(dns_rdata_check(DNS_T_NSEC, nsec_cut, sizeof nsec_cut), DNS_E_RDLENGTH);
	/* NSEC3 with an empty next-hash is malformed. */
	static const uint8_t nsec3_nohash[] = { 1, 0, 0, 0, 0, 0 };
	CHECK_INT(dns_rdata_check(DNS_T_NSEC3, nsec3_nohash, sizeof nsec3_nohash), DNS_E_FORMAT);
}

static void test_unpack_other_cases(void)
{
	/* An SRV target may not be compressed by a sender, but a reader
	 * still follows a pointer there (RFC 3597 section 4: be liberal). */
	static const uint8_t msg[] = {
		3, 'n', 's', '1', 0,
		0, 1, 0, 2, 0, 53, 0xC0, 0x00,
	};
	uint8_t out[300];
	size_t len;
	CHECK_INT(dns_rdata_unpack(DNS_T_SRV, DNS_C_IN, msg, sizeof msg, 5, 8, out, sizeof out,
				   &len), DNS_OK);
	CHECK_INT(len, 6 + 5);
	CHECK_MEM(out + 6, msg, 5);
	/* Too small an output buffer. */
	CHECK_INT(dns_rdata_unpack(DNS_T_SRV, DNS_C_IN, msg, sizeof msg, 5, 8, out, 8, &len),
		  DNS_E_NOSPACE);
	/* Unknown types are copied as they are, pointers and all. */
	CHECK_INT(dns_rdata_unpack(65534, DNS_C_IN, msg, sizeof msg, 5, 8, out, sizeof out,
				   &len), DNS_OK);
	CHECK(len == 8 && memcmp(out, msg + 5, 8) == 0);
	/* Empty RDATA for class NONE (an update deleting one RR). */
	CHECK_INT(dns_rdata_unpack(DNS_T_A, DNS_C_NONE, msg, sizeof msg, 5, 0, out, sizeof out,
				   &len), DNS_OK);
	CHECK_INT(len, 0);
	/* A position past the message. */
	CHECK_INT(dns_rdata_unpack(DNS_T_A, DNS_C_IN, msg, sizeof msg, sizeof msg + 1, 0, out,
				   sizeof out, &len), DNS_E_TRUNCATED);
}

int main(void)
{
	CHECK_INT(dns_name_from_text(&origin, "example.com.", 12, NULL), DNS_OK);
	RUN(test_wire_checks);
	RUN(test_unpack_decompresses);
	RUN(test_canonical_compare);
	RUN(test_foreach_name);
	RUN(test_canonical_form_by_type);
	RUN(test_wire_semantics);
	RUN(test_unpack_other_cases);
	return check_summary("test_rdata");
}
