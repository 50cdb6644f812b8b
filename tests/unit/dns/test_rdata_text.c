/* RDATA text forms: text -> wire -> text for every typed record, the
 * generic form, and the errors each field kind can raise. */
#include <stdlib.h>

#include "check.h"
#include "dns/encode.h"
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

/* text parses, prints as `want`, and the printed form parses to the same
 * octets; when hex is given the wire form must equal it. */
static void roundtrip(uint16_t type, const char *text, const char *want,
		      const char *hex)
{
	static uint8_t rd[65535], rd2[65535];
	static char out[200000];
	size_t rdlen = 0, rdlen2 = 0, bad = 0;
	dns_err err = from_text(type, text, rd, &rdlen, &bad);
	if (err) {
		fprintf(stderr, "  parsing \"%s\": %s (token %zu)\n", text,
			dns_strerror(err), bad);
		CHECK(err == DNS_OK);
		return;
	}
	CHECK_INT(dns_rdata_check(type, rd, rdlen), DNS_OK);
	CHECK_INT(dns_rdata_to_text(type, rd, rdlen, out, sizeof out, NULL), DNS_OK);
	CHECK_STR(out, want);
	CHECK_INT(from_text(type, out, rd2, &rdlen2, &bad), DNS_OK);
	CHECK_INT(rdlen2, rdlen);
	CHECK(memcmp(rd, rd2, rdlen) == 0);
	if (hex) {
		char h[4096];
		CHECK_INT(dns_hex_encode(rd, rdlen, h, sizeof h, NULL), DNS_OK);
		CHECK_STR(h, hex);
	}
}

static void bad_text(uint16_t type, const char *text, dns_err want)
{
	static uint8_t rd[65535];
	size_t rdlen, bad;
	dns_err err = from_text(type, text, rd, &rdlen, &bad);
	if (err != want)
		fprintf(stderr, "  \"%s\" gave %s\n", text, dns_strerror(err));
	CHECK_INT(err, want);
}

static void test_address_records(void)
{
	roundtrip(DNS_T_A, "192.0.2.1", "192.0.2.1", "C0000201");
	roundtrip(DNS_T_AAAA, "2001:DB8:0:0:0:0:0:1", "2001:db8::1",
		  "20010DB8000000000000000000000001");
	bad_text(DNS_T_A, "192.0.2", DNS_E_SYNTAX);
	bad_text(DNS_T_A, "192.0.2.256", DNS_E_SYNTAX);
	bad_text(DNS_T_A, "192.0.2.1 extra", DNS_E_SYNTAX);
	bad_text(DNS_T_A, "", DNS_E_SYNTAX);
	bad_text(DNS_T_AAAA, "2001:db8::g", DNS_E_SYNTAX);
}

static void test_name_records(void)
{
	roundtrip(DNS_T_NS, "ns1", "ns1.example.com.", "036E7331076578616D706C6503636F6D00");
	roundtrip(DNS_T_CNAME, "@", "example.com.", NULL);
	roundtrip(DNS_T_PTR, "host.example.net.", "host.example.net.", NULL);
	roundtrip(DNS_T_DNAME, "other.example.", "other.example.", NULL);
	roundtrip(DNS_T_MX, "10 mail", "10 mail.example.com.", NULL);
	roundtrip(DNS_T_SRV, "0 5 5060 sip.example.com.", "0 5 5060 sip.example.com.",
		  "0000000513C403736970076578616D706C6503636F6D00");
	roundtrip(DNS_T_SOA,
		  "ns1 hostmaster 2024010101 1h 15m 1w 300",
		  "ns1.example.com. hostmaster.example.com. 2024010101 3600 900 604800 300",
		  NULL);
	bad_text(DNS_T_MX, "65536 mail", DNS_E_RANGE);
	bad_text(DNS_T_MX, "ten mail", DNS_E_SYNTAX);
	bad_text(DNS_T_MX, "10", DNS_E_SYNTAX);
	bad_text(DNS_T_NS, "a..b.", DNS_E_EMPTY_LABEL);
	bad_text(DNS_T_SOA, "ns1 host 1 2 3 4 5x", DNS_E_SYNTAX);
}

static void test_string_records(void)
{
	roundtrip(DNS_T_TXT, "\"hello world\" \"second\"",
		  "\"hello world\" \"second\"", "0B68656C6C6F20776F726C64067365636F6E64");
	roundtrip(DNS_T_TXT, "unquoted", "\"unquoted\"", NULL);
	roundtrip(DNS_T_TXT, "\"\"", "\"\"", "00");
	roundtrip(DNS_T_TXT, "\"quote\\\" back\\\\ tab\\009 high\\200\"",
		  "\"quote\\\" back\\\\ tab\\009 high\\200\"", NULL);
	roundtrip(DNS_T_HINFO, "\"PC\" \"Linux\"", "\"PC\" \"Linux\"", NULL);
	roundtrip(DNS_T_CAA, "0 issue \"ca.example.net\"",
		  "0 issue \"ca.example.net\"",
		  "0005697373756563612E6578616D706C652E6E6574");
	roundtrip(DNS_T_CAA, "128 iodef \"mailto:x@example.com\"",
		  "128 iodef \"mailto:x@example.com\"", NULL);
	roundtrip(DNS_T_NAPTR, "100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp.example.com.",
		  "100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp.example.com.", NULL);
	char big[400];
	memset(big, 'x', sizeof big);
	big[0] = '"';
	big[257] = '"';
	big[258] = '\0';
	bad_text(DNS_T_TXT, big, DNS_E_RANGE);       /* 256 octets */
	big[256] = '"';
	big[257] = '\0';
	roundtrip(DNS_T_TXT, big, big, NULL);         /* 255 octets */
	bad_text(DNS_T_TXT, "", DNS_E_SYNTAX);
	bad_text(DNS_T_TXT, "\"bad\\", DNS_E_BAD_ESCAPE);
	bad_text(DNS_T_TXT, "\"\\256\"", DNS_E_BAD_ESCAPE);
	bad_text(DNS_T_CAA, "0 \"\" \"x\"", DNS_E_SYNTAX);
	bad_text(DNS_T_CAA, "0 is-sue \"x\"", DNS_E_SYNTAX);
}

static void test_dnssec_records(void)
{
	roundtrip(DNS_T_DS, "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118",
		  "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118", NULL);
	roundtrip(DNS_T_DS, "60485 5 1 2BB183AF5F22588179A5 3B0A98631FAD1A292118",
		  "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118", NULL);
	roundtrip(DNS_T_DNSKEY, "256 3 8 AwEAAQ== ", "256 3 8 AwEAAQ==", NULL);
	roundtrip(DNS_T_DNSKEY, "257 3 13 AQID BA==", "257 3 13 AQIDBA==", "0101030D01020304");
	roundtrip(DNS_T_RRSIG,
		  "A 8 3 86400 20300101000000 20200101000000 2642 example.com. AQIDBA==",
		  "A 8 3 86400 20300101000000 20200101000000 2642 example.com. AQIDBA==",
		  NULL);
	roundtrip(DNS_T_RRSIG,
		  "TYPE65534 8 3 86400 1893456000 1577836800 2642 example.com. AQIDBA==",
		  "TYPE65534 8 3 86400 20300101000000 20200101000000 2642 example.com. AQIDBA==",
		  NULL);
	roundtrip(DNS_T_NSEC, "host.example.com. A MX RRSIG NSEC TYPE1234",
		  "host.example.com. A MX RRSIG NSEC TYPE1234",
		  "04686F7374076578616D706C6503636F6D000006400100000003041B" "0000000000000000000000000000000000000000000000000000" "20");
	roundtrip(DNS_T_NSEC, "next.example.com.", "next.example.com.", NULL);
	roundtrip(DNS_T_NSEC3,
		  "1 1 12 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR A RRSIG",
		  "1 1 12 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR A RRSIG", NULL);
	roundtrip(DNS_T_NSEC3, "1 0 0 - 2t7b4g4vsa5smi47k61mv5bv1a22bojr",
		  "1 0 0 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR", NULL);
	roundtrip(DNS_T_NSEC3PARAM, "1 0 10 -", "1 0 10 -", "0100000A00");
	roundtrip(DNS_T_TLSA, "3 1 1 abcdef01", "3 1 1 ABCDEF01", NULL);
	roundtrip(DNS_T_SSHFP, "4 2 123456789abcdef67890123456789abcdef67890123456789abcdef123456789",
		  "4 2 123456789ABCDEF67890123456789ABCDEF67890123456789ABCDEF123456789", NULL);
	roundtrip(DNS_T_SSHFP, "4 9 abcdef01", "4 9 ABCDEF01", NULL);  /* unknown: any length */
	/* A DS digest of a known type has its length; SSHFP fingerprints are
	 * taken as they come (dnspython does; the RFCs set no length). */
	roundtrip(DNS_T_SSHFP, "4 2 abcdef01", "4 2 ABCDEF01", NULL);
	bad_text(DNS_T_DS, "1 8 2 2BB183AF5F22588179A53B0A98631FAD1A292118", DNS_E_RDLENGTH);
	bad_text(DNS_T_DS, "1 8 0 2BB183AF", DNS_E_FORMAT);
	bad_text(DNS_T_CDS, "1 8 4 2BB183AF", DNS_E_RDLENGTH);
	/* The same from the wire: DS digest type 2 with 20 octets. */
	uint8_t ds[24] = { 0, 1, 8, 2 };
	CHECK_INT(dns_rdata_check(DNS_T_DS, ds, sizeof ds), DNS_E_RDLENGTH);
	static const uint8_t caa[] = { 0, 5, 'i', 0xb9, 's', 'u', 'e', 'c', 'a' };
	CHECK_INT(dns_rdata_check(DNS_T_CAA, caa, sizeof caa), DNS_E_FORMAT);
	bad_text(DNS_T_DS, "1 2 3", DNS_E_SYNTAX);
	bad_text(DNS_T_DS, "1 2 3 ABC", DNS_E_SYNTAX);
	bad_text(DNS_T_DNSKEY, "256 3 8 AwEAAa=", DNS_E_SYNTAX);
	bad_text(DNS_T_RRSIG,
		 "A 8 3 86400 20301301000000 20200101000000 2642 example.com. AQIDBA==",
		 DNS_E_RANGE);
	bad_text(DNS_T_NSEC, "next.example.com. A BOGUS", DNS_E_UNKNOWN_TYPE);
}

static void test_generic_form(void)
{
	roundtrip(65534, "\\# 4 0a000001", "\\# 4 0A000001", "0A000001");
	roundtrip(65534, "\\# 0", "\\# 0", "");
	roundtrip(65534, "\\# 3 0a 0000", "\\# 3 0A0000", NULL);
	/* Known types accept the generic form and print typed. */
	roundtrip(DNS_T_A, "\\# 4 C0000201", "192.0.2.1", "C0000201");
	bad_text(DNS_T_A, "\\# 3 C00002", DNS_E_RDLENGTH);
	/* Found by fuzz_master: an empty generic form for a typed record. */
	bad_text(DNS_T_NS, "\\# 0", DNS_E_RDLENGTH);
	bad_text(65534, "\\# 5 0a000001", DNS_E_RDLENGTH);
	bad_text(65534, "0a000001", DNS_E_UNKNOWN_TYPE);
	bad_text(65534, "\\# 2 0g00", DNS_E_SYNTAX);
	bad_text(65534, "\\# x", DNS_E_SYNTAX);
}

int main(void)
{
	CHECK_INT(dns_name_from_text(&origin, "example.com.", 12, NULL), DNS_OK);
	RUN(test_address_records);
	RUN(test_name_records);
	RUN(test_string_records);
	RUN(test_dnssec_records);
	RUN(test_generic_form);
	return check_summary("test_rdata_text");
}
