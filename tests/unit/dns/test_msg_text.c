/* Messages and records as text, in dig's layout. */
#include <stdlib.h>

#include "check.h"
#include "vectors.h"
#include "dns/msg.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"

static const uint8_t a_rd[4] = { 192, 0, 2, 1 };

static void test_text_layout(void)
{
	uint8_t buf[512];
	dns_builder b;
	dns_header h = { .id = 4242, .flags = DNS_F_QR | DNS_F_RD | DNS_F_RA,
			 .rcode = DNS_R_NXDOMAIN };
	dns_name q = N("nope.example."), z = N("example.");
	CHECK_INT(dns_build_init(&b, buf, sizeof buf, &h), DNS_OK);
	CHECK_INT(dns_build_question(&b, q.data, DNS_T_A, DNS_C_IN), DNS_OK);
	dns_rr a = { z.data, DNS_T_A, DNS_C_IN, 5, 4, a_rd };
	CHECK_INT(dns_build_rr(&b, DNS_SEC_AUTHORITY, &a), DNS_OK);
	size_t len = dns_build_finish(&b);
	dns_msg m;
	dns_msg_init(&m);
	CHECK_INT(dns_msg_parse(&m, buf, len), DNS_OK);
	char text[2048];
	CHECK_INT(dns_msg_to_text(&m, text, sizeof text, NULL), DNS_OK);
	CHECK_STR(text,
		  ";; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 4242\n"
		  ";; flags: qr rd ra; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 0\n"
		  "\n;; QUESTION SECTION:\n;nope.example.\t\tIN\tA\n"
		  "\n;; AUTHORITY SECTION:\nexample.\t5\tIN\tA\t192.0.2.1\n");
	CHECK_INT(dns_msg_to_text(&m, text, 40, NULL), DNS_E_NOSPACE);
	dns_msg_free(&m);
}

static void test_whole_message_like_dig(void)
{
	dns_msg m;
	dns_msg_init(&m);
	CHECK_INT(dns_msg_parse(&m, dnspython_answer, sizeof dnspython_answer), DNS_OK);
	static char text[4096];
	size_t len = 0;
	CHECK_INT(dns_msg_to_text(&m, text, sizeof text, &len), DNS_OK);
	CHECK_INT(len, strlen(text));
	/* DiG 9.18.49 printed these lines for the same octets (served on
	 * loopback, +noall +comments +question +answer +authority
	 * +additional): header, flags, EDNS, question, and every record
	 * whose owner is 16 characters or more. */
	static const char *const dig_lines[] = {
		";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 48879\n",
		";; flags: qr aa rd; QUERY: 1, ANSWER: 3, AUTHORITY: 2, ADDITIONAL: 3\n",
		";; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags: do; udp: 1232\n",
		";; QUESTION SECTION:\n;www.example.com.\t\tIN\tA\n",
		"\n;; ANSWER SECTION:\n"
		"www.example.com.\t300\tIN\tCNAME\tweb.example.com.\n"
		"web.example.com.\t300\tIN\tA\t192.0.2.10\n"
		"web.example.com.\t300\tIN\tA\t192.0.2.11\n",
		"\n;; ADDITIONAL SECTION:\n"
		"ns1.example.com.\t3600\tIN\tA\t192.0.2.53\n"
		"ns1.example.com.\t3600\tIN\tAAAA\t2001:db8::53\n",
	};
	for (size_t i = 0; i < sizeof dig_lines / sizeof dig_lines[0]; i++)
		if (strstr(text, dig_lines[i]) == NULL) {
			fprintf(stderr, "  missing:\n%s", dig_lines[i]);
			CHECK(0);
		}
	/* dig pads shorter owners to the next tab stop; here one tab
	 * always separates the fields, and sections keep dig's order. */
	CHECK_STR(text,
		  ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 48879\n"
		  ";; flags: qr aa rd; QUERY: 1, ANSWER: 3, AUTHORITY: 2, ADDITIONAL: 3\n"
		  "\n;; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags: do; udp: 1232\n"
		  "\n;; QUESTION SECTION:\n;www.example.com.\t\tIN\tA\n"
		  "\n;; ANSWER SECTION:\n"
		  "www.example.com.\t300\tIN\tCNAME\tweb.example.com.\n"
		  "web.example.com.\t300\tIN\tA\t192.0.2.10\n"
		  "web.example.com.\t300\tIN\tA\t192.0.2.11\n"
		  "\n;; AUTHORITY SECTION:\n"
		  "example.com.\t3600\tIN\tNS\tns1.example.com.\n"
		  "example.com.\t3600\tIN\tNS\tns2.example.net.\n"
		  "\n;; ADDITIONAL SECTION:\n"
		  "ns1.example.com.\t3600\tIN\tA\t192.0.2.53\n"
		  "ns1.example.com.\t3600\tIN\tAAAA\t2001:db8::53\n");
	/* One octet short of the text and its NUL: refused, not cut. */
	static char small[4096];
	CHECK_INT(dns_msg_to_text(&m, small, len, NULL), DNS_E_NOSPACE);
	CHECK_INT(dns_msg_to_text(&m, small, len + 1, NULL), DNS_OK);
	CHECK_STR(small, text);
	CHECK_INT(dns_msg_to_text(&m, small, 0, NULL), DNS_E_NOSPACE);
	dns_msg_free(&m);
}

static void test_edns_text(void)
{
	/* MBZ bits and options, printed as hex; an extended rcode is
	 * combined with the header's. */
	static const uint8_t w[] = { 0, 5, 0x80, 0x00, 0, 0, 0, 0, 0, 0, 0, 1,
				     0, 0, 41, 0x04, 0xD0, 0x01, 0x00, 0x00, 0x05, 0, 10,
				     0, 8, 0, 0, 0xFD, 0xE9, 0, 2, 0xAB, 0xCD };
	dns_msg m;
	dns_msg_init(&m);
	CHECK_INT(dns_msg_parse(&m, w, sizeof w), DNS_OK);
	char text[1024];
	CHECK_INT(dns_msg_to_text(&m, text, sizeof text, NULL), DNS_OK);
	CHECK_STR(text,
		  ";; ->>HEADER<<- opcode: QUERY, status: BADVERS, id: 5\n"
		  ";; flags: qr; QUERY: 0, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1\n"
		  "\n;; OPT PSEUDOSECTION:\n"
		  "; EDNS: version: 0, flags:; MBZ: 0x0005; udp: 1232\n"
		  "; OPT=8: \n"
		  "; OPT=65001: ABCD\n");
	/* Without EDNS only the header's four bits count. */
	static const uint8_t plain[12] = { 0, 6, 0x84, 0x05 };
	CHECK_INT(dns_msg_parse(&m, plain, sizeof plain), DNS_OK);
	CHECK_INT(dns_msg_to_text(&m, text, sizeof text, NULL), DNS_OK);
	CHECK_STR(text, ";; ->>HEADER<<- opcode: QUERY, status: REFUSED, id: 6\n"
			";; flags: qr aa; QUERY: 0, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 0\n");
	dns_msg_free(&m);
}

static void test_rcode_and_opcode_names(void)
{
	static const char *const rcodes[] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
		"YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE",
	};
	char buf[DNS_MNEMONIC_MAX];
	for (unsigned i = 0; i < 11; i++)
		CHECK_STR(dns_rcode_to_text(i, buf), rcodes[i]);
	CHECK_STR(dns_rcode_to_text(16, buf), "BADVERS");
	CHECK_STR(dns_rcode_to_text(11, buf), "RCODE11");
	CHECK_STR(dns_rcode_to_text(4095, buf), "RCODE4095");
	CHECK_STR(dns_opcode_to_text(DNS_OP_QUERY, buf), "QUERY");
	CHECK_STR(dns_opcode_to_text(DNS_OP_IQUERY, buf), "IQUERY");
	CHECK_STR(dns_opcode_to_text(DNS_OP_STATUS, buf), "STATUS");
	CHECK_STR(dns_opcode_to_text(3, buf), "OPCODE3");
	CHECK_STR(dns_opcode_to_text(DNS_OP_NOTIFY, buf), "NOTIFY");
	CHECK_STR(dns_opcode_to_text(DNS_OP_UPDATE, buf), "UPDATE");
	CHECK_STR(dns_opcode_to_text(15, buf), "OPCODE15");
}

static void test_one_record(void)
{
	dns_name owner = N("www.example.com.");
	dns_rr a = { owner.data, DNS_T_A, DNS_C_IN, 86400, 4, a_rd };
	char out[256];
	size_t len = 0;
	CHECK_INT(dns_rr_to_text(&a, out, sizeof out, &len), DNS_OK);
	CHECK_STR(out, "www.example.com.\t86400\tIN\tA\t192.0.2.1");
	CHECK_INT(len, strlen(out));
	/* Unknown type and class in RFC 3597 form. */
	static const uint8_t opaque[3] = { 1, 2, 3 };
	dns_rr odd = { owner.data, 65280, 42, 0, 3, opaque };
	CHECK_INT(dns_rr_to_text(&odd, out, sizeof out, NULL), DNS_OK);
	CHECK_STR(out, "www.example.com.\t0\tCLASS42\tTYPE65280\t\\# 3 010203");
	dns_rr ch = { owner.data, DNS_T_TXT, DNS_C_CH, 0, 4,
		      (const uint8_t *)"\003abc" };
	CHECK_INT(dns_rr_to_text(&ch, out, sizeof out, NULL), DNS_OK);
	CHECK_STR(out, "www.example.com.\t0\tCH\tTXT\t\"abc\"");
	/* The RDATA is what does not fit: refused, not cut. */
	size_t full = strlen("www.example.com.\t86400\tIN\tA\t192.0.2.1");
	CHECK_INT(dns_rr_to_text(&a, out, full, NULL), DNS_E_NOSPACE);
	CHECK_INT(dns_rr_to_text(&a, out, full + 1, NULL), DNS_OK);
	CHECK_INT(dns_rr_to_text(&a, out, 10, NULL), DNS_E_NOSPACE);
	CHECK_INT(dns_rr_to_text(&a, out, 0, NULL), DNS_E_NOSPACE);
}

int main(void)
{
	RUN(test_text_layout);
	RUN(test_whole_message_like_dig);
	RUN(test_edns_text);
	RUN(test_rcode_and_opcode_names);
	RUN(test_one_record);
	return check_summary("test_msg_text");
}
