/* RDATA text forms: text -> wire -> text for every typed record, the
 * generic form, and the errors each field kind can raise. */
#include <stdlib.h>

#include "check.h"
#include "tokens.h"
#include "dns/encode.h"
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
	/* dnsim's ALIAS: one name, in full on the wire. */
	roundtrip(DNS_T_ALIAS, "www.cdn.example.net.", "www.cdn.example.net.",
		  "037777770363646E076578616D706C65036E657400");
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

/* Each case: type, the text given (origin example.com.), the wire form
 * dnspython 2.3.0 made of that text
 *   dns.rdata.from_text(IN, type, text, origin=example.com.,
 *                       relativize=False).to_wire().hex().upper()
 * and the text we print for it.  The printed text is dnspython's
 * to_text() too, except where BIND prints differently and we follow
 * BIND: hex in upper case, base64 unbroken (marked "BIND"). */
static const struct vec {
	uint16_t type;
	const char *text, *wire, *printed;
} vectors[] = {
	{ DNS_T_A, "198.51.100.7", "C6336407", "198.51.100.7" },
	{ DNS_T_AAAA, "2001:db8:0:1::a", "20010DB800000001000000000000000A", "2001:db8:0:1::a" },
	{ DNS_T_NS, "ns1.Example.com.", "036E7331074578616D706C6503636F6D00", "ns1.Example.com." },
	{ DNS_T_MX, "10 mail.example.com.", "000A046D61696C076578616D706C6503636F6D00",
	  "10 mail.example.com." },
	{ DNS_T_MX, "0 .", "000000", "0 ." },
	{ DNS_T_SOA, "ns1.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 300",
	  "036E7331076578616D706C6503636F6D000A686F73746D6173746572076578616D706C6503636F6D00"
	  "78A3F17500001C2000000E10001275000000012C",
	  "ns1.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 300" },
	{ DNS_T_TXT, "\"hello world\" \"a\\\"b\" \"tab\\009x\"",
	  "0B68656C6C6F20776F726C6403612262057461620978",
	  "\"hello world\" \"a\\\"b\" \"tab\\009x\"" },
	{ DNS_T_TXT, "\"\\200\\255;x\" \"\"", "04C8FF3B7800", "\"\\200\\255;x\" \"\"" },
	{ DNS_T_SRV, "10 60 5060 sip.example.com.",
	  "000A003C13C403736970076578616D706C6503636F6D00", "10 60 5060 sip.example.com." },
	{ DNS_T_CAA, "0 issue \"letsencrypt.org\"",
	  "000569737375656C657473656E63727970742E6F7267", "0 issue \"letsencrypt.org\"" },
	{ DNS_T_CAA, "128 iodef \"mailto:sec@example.com\"",
	  "8005696F6465666D61696C746F3A736563406578616D706C652E636F6D",
	  "128 iodef \"mailto:sec@example.com\"" },
	{ DNS_T_NAPTR, "100 50 \"s\" \"SIP+D2T\" \"\" _sip._tcp.example.com.",
	  "006400320173075349502B44325400045F736970045F746370076578616D706C6503636F6D00",
	  "100 50 \"s\" \"SIP+D2T\" \"\" _sip._tcp.example.com." },
	/* BIND: upper-case digest. */
	{ DNS_T_DS, "2371 13 2 1F987CC6583E92DF0890718C42B76C8C1F42E4E8A1A83A5A87D8E96A1A7C7E1E",
	  "09430D021F987CC6583E92DF0890718C42B76C8C1F42E4E8A1A83A5A87D8E96A1A7C7E1E",
	  "2371 13 2 1F987CC6583E92DF0890718C42B76C8C1F42E4E8A1A83A5A87D8E96A1A7C7E1E" },
	/* BIND: base64 in one piece. */
	{ DNS_T_DNSKEY,
	  "257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==",
	  "0101030D99DB2CC14CABDC33D6D77DA63A2F15F71112584F234E8D1DC428E39E8A4A97E1AA271A555DC9"
	  "0701E17E2A4C4B6F120B7C32D44F4AC02BD894CF2D4BE7778A19",
	  "257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==" },
	{ DNS_T_RRSIG, "A 13 3 300 20240201000000 20240101000000 2371 example.com. AQIDBAUGBwg=",
	  "00010D030000012C65BADF00659200800943076578616D706C6503636F6D000102030405060708",
	  "A 13 3 300 20240201000000 20240101000000 2371 example.com. AQIDBAUGBwg=" },
	/* The ends of the 32-bit time: 1970 and 2106. */
	{ DNS_T_RRSIG, "NSEC3PARAM 8 0 0 19700101000000 21060207062815 0 . AA==",
	  "003308000000000000000000FFFFFFFF00000000",
	  "NSEC3PARAM 8 0 0 19700101000000 21060207062815 0 . AA==" },
	{ DNS_T_NSEC, "b.example.com. A NS SOA MX RRSIG NSEC DNSKEY TYPE1234",
	  "0162076578616D706C6503636F6D00000762010000000380041B00000000000000000000000000000000"
	  "0000000000000000000020",
	  "b.example.com. A NS SOA MX RRSIG NSEC DNSKEY TYPE1234" },
	/* Three windows: 0, 1 (CAA is 257) and 255. */
	{ DNS_T_NSEC, "a.example.com. A CAA TYPE65534",
	  "0161076578616D706C6503636F6D00000140010140FF20000000000000000000000000000000000000"
	  "0000000000000000000000000002",
	  "a.example.com. A CAA TYPE65534" },
	/* BIND: upper-case salt and hash. */
	{ DNS_T_NSEC3, "1 1 10 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR A RRSIG",
	  "0101000A04AABBCCDD14174EB2409FE28BCB4887A1836F957F0A8425E27B0006400000000002",
	  "1 1 10 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR A RRSIG" },
	{ DNS_T_NSEC3PARAM, "1 0 0 -", "0100000000", "1 0 0 -" },
	{ DNS_T_TLSA, "3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6",
	  "0301010C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6",
	  "3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6" },
	{ DNS_T_SSHFP, "4 2 123456789abcdef67890123456789abcdef67890123456789abcdef123456789",
	  "0402123456789ABCDEF67890123456789ABCDEF67890123456789ABCDEF123456789",
	  "4 2 123456789ABCDEF67890123456789ABCDEF67890123456789ABCDEF123456789" },
	{ DNS_T_HINFO, "\"Generic PC\" \"Linux\"", "0A47656E65726963205043054C696E7578",
	  "\"Generic PC\" \"Linux\"" },
	{ DNS_T_PTR, "host.example.net.", "04686F7374076578616D706C65036E657400", "host.example.net." },
	{ DNS_T_DNAME, "example.net.", "076578616D706C65036E657400", "example.net." },
};

static void test_against_dnspython(void)
{
	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		const struct vec *v = &vectors[i];
		static uint8_t rd[4096], wire[4096];
		size_t rdlen = 0, bad = 0, wlen = 0;
		/* Text -> the same octets as dnspython. */
		dns_err err = from_text(v->type, v->text, rd, &rdlen, &bad);
		if (err != DNS_OK)
			fprintf(stderr, "  \"%s\": %s\n", v->text, dns_strerror(err));
		CHECK_INT(err, DNS_OK);
		char hex[8192];
		CHECK_INT(dns_hex_encode(rd, rdlen, hex, sizeof hex, NULL), DNS_OK);
		CHECK_STR(hex, v->wire);
		/* dnspython's octets -> the expected text. */
		CHECK_INT(dns_hex_decode(v->wire, strlen(v->wire), wire, sizeof wire, &wlen), DNS_OK);
		char text[8192];
		CHECK_INT(dns_rdata_to_text(v->type, wire, wlen, text, sizeof text, NULL), DNS_OK);
		CHECK_STR(text, v->printed);
	}
}

static void test_relative_names_and_origin(void)
{
	uint8_t rd[512];
	size_t rdlen, bad;
	dns_token tok[4];
	size_t n = tokenize("10 mail", tok, 4);
	/* Relative names take the origin ... */
	CHECK_INT(dns_rdata_from_text(DNS_T_MX, tok, n, origin.data, rd, sizeof rd,
				      &rdlen, &bad), DNS_OK);
	char text[256];
	CHECK_INT(dns_rdata_to_text(DNS_T_MX, rd, rdlen, text, sizeof text, NULL), DNS_OK);
	CHECK_STR(text, "10 mail.example.com.");
	/* ... and without one they are an error, "@" too, at their token. */
	CHECK_INT(dns_rdata_from_text(DNS_T_MX, tok, n, NULL, rd, sizeof rd, &rdlen, &bad),
		  DNS_E_RELATIVE);
	CHECK_INT(bad, 1);
	n = tokenize("@", tok, 4);
	CHECK_INT(dns_rdata_from_text(DNS_T_CNAME, tok, n, NULL, rd, sizeof rd, &rdlen, &bad),
		  DNS_E_RELATIVE);
	CHECK_INT(dns_rdata_from_text(DNS_T_CNAME, tok, n, origin.data, rd, sizeof rd,
				      &rdlen, &bad), DNS_OK);
	CHECK_INT(rdlen, origin.len);
	CHECK_MEM(rd, origin.data, origin.len);
	/* A quoted "@" is a name of one label "@", not the origin. */
	n = tokenize("\"@\"", tok, 4);
	CHECK_INT(dns_rdata_from_text(DNS_T_CNAME, tok, n, origin.data, rd, sizeof rd,
				      &rdlen, &bad), DNS_OK);
	CHECK(rd[0] == 1 && rd[1] == '@');
}

/* The index of the token at fault, for the zone reader's column. */
static void test_bad_token_index(void)
{
	static const struct {
		uint16_t type;
		const char *text;
		dns_err err;
		size_t bad;
	} cases[] = {
		{ DNS_T_MX, "10 mail.example.com. extra", DNS_E_SYNTAX, 2 },
		{ DNS_T_MX, "10", DNS_E_SYNTAX, 1 },                /* ran out */
		{ DNS_T_SOA, "ns host 1 2 3 x 5", DNS_E_SYNTAX, 5 },
		{ DNS_T_SRV, "1 2 70000 t.", DNS_E_RANGE, 2 },
		{ DNS_T_TXT, "\"ok\" \"bad\\", DNS_E_BAD_ESCAPE, 1 },
		{ DNS_T_NSEC, "n. A NOPE MX", DNS_E_UNKNOWN_TYPE, 2 },
		{ 65534, "\\# 2 01", DNS_E_RDLENGTH, 2 },
		{ 65534, "\\# two 0102", DNS_E_SYNTAX, 1 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint8_t rd[512];
		size_t rdlen, bad = 99;
		dns_err err = from_text(cases[i].type, cases[i].text, rd, &rdlen, &bad);
		if (err != cases[i].err || bad != cases[i].bad)
			fprintf(stderr, "  \"%s\": %s at token %zu\n", cases[i].text,
				dns_strerror(err), bad);
		CHECK_INT(err, cases[i].err);
		CHECK_INT(bad, cases[i].bad);
	}
}

static void test_output_space(void)
{
	/* Every field kind refuses to run past the buffer; the exact size
	 * (text and NUL) is enough. */
	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		const struct vec *v = &vectors[i];
		uint8_t wire[4096];
		size_t wlen;
		char text[512];
		CHECK_INT(dns_hex_decode(v->wire, strlen(v->wire), wire, sizeof wire, &wlen), DNS_OK);
		size_t need = strlen(v->printed) + 1;
		dns_err short_by_one = dns_rdata_to_text(v->type, wire, wlen, text, need - 1, NULL);
		if (short_by_one != DNS_E_NOSPACE)
			fprintf(stderr, "  %s in %zu octets: %s\n", v->printed, need - 1,
				dns_strerror(short_by_one));
		CHECK_INT(short_by_one, DNS_E_NOSPACE);
		size_t len = 0;
		CHECK_INT(dns_rdata_to_text(v->type, wire, wlen, text, need, &len), DNS_OK);
		CHECK_INT(len, need - 1);
	}
	/* Parsing into too small a buffer. */
	uint8_t small[10];
	size_t rdlen, bad;
	dns_token tok[4];
	size_t n = tokenize("ns1.example.com.", tok, 4);
	CHECK_INT(dns_rdata_from_text(DNS_T_NS, tok, n, NULL, small, sizeof small, &rdlen, &bad),
		  DNS_E_NOSPACE);
}

/* RRSIG times both ways: RFC 4034 3.3's example, the epoch, and the
 * wrap of 32-bit seconds; bad dates are refused. */
static void test_time_text(void)
{
	char out[15];
	uint32_t t = 0;
	CHECK_INT(dns_time_from_text("20030322173103", 14, &t), DNS_OK);
	CHECK_INT(t, 1048354263u);
	CHECK_INT(dns_time_to_text(t, out, sizeof out), DNS_OK);
	CHECK_STR(out, "20030322173103");
	CHECK_INT(dns_time_to_text(0, out, sizeof out), DNS_OK);
	CHECK_STR(out, "19700101000000");
	CHECK_INT(dns_time_from_text("1048354263", 10, &t), DNS_OK);
	CHECK_INT(t, 1048354263u);
	CHECK_INT(dns_time_to_text(4294967295u, out, sizeof out), DNS_OK);
	CHECK_STR(out, "21060207062815");
	CHECK_INT(dns_time_to_text(1, out, 14), DNS_E_NOSPACE);
	CHECK(dns_time_from_text("20031322173103", 14, &t) != DNS_OK);
	CHECK(dns_time_from_text("2003032217310x", 14, &t) != DNS_OK);
	CHECK(dns_time_from_text("", 0, &t) != DNS_OK);
}

int main(void)
{
	CHECK_INT(dns_name_from_text(&origin, "example.com.", 12, NULL), DNS_OK);
	RUN(test_address_records);
	RUN(test_name_records);
	RUN(test_string_records);
	RUN(test_dnssec_records);
	RUN(test_generic_form);
	RUN(test_against_dnspython);
	RUN(test_relative_names_and_origin);
	RUN(test_bad_token_index);
	RUN(test_output_space);
	RUN(test_time_text);
	return check_summary("test_rdata_text");
}
