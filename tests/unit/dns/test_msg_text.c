/* Messages and records as text, in dig's layout. */
#include <stdlib.h>

#include "check.h"
#include "dns/msg.h"
#include "dns/rdata.h"

static dns_name N(const char *s)
{
	dns_name n;
	if (dns_name_from_text(&n, s, strlen(s), NULL) != DNS_OK)
		abort();
	return n;
}

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

int main(void)
{
	RUN(test_text_layout);
	return check_summary("test_msg_text");
}
