/* Extended DNS Errors (RFC 8914): the option's octets, finding it among
 * other options, and the names of its codes. */
#include <string.h>

#include "check.h"
#include "dns/ede.h"

static void test_encode(void)
{
	uint8_t out[64];
	/* Option 15, length 2, INFO-CODE 20: RFC 8914 section 2's layout. */
	CHECK_INT(dns_ede_encode(DNS_EDE_NOT_AUTHORITATIVE, NULL, out, sizeof out), 6);
	CHECK_MEM(out, "\x00\x0f\x00\x02\x00\x14", 6);
	CHECK_INT(dns_ede_encode(DNS_EDE_BLOCKED, "ads", out, sizeof out), 9);
	CHECK_MEM(out, "\x00\x0f\x00\x05\x00\x0f" "ads", 9);
	/* Too small a buffer: nothing written. */
	CHECK_INT(dns_ede_encode(DNS_EDE_BLOCKED, "ads", out, 8), 0);
	CHECK_INT(dns_ede_encode(DNS_EDE_BLOCKED, NULL, out, 5), 0);
}

static void test_find(void)
{
	/* A cookie option (10) first, then the EDE. */
	static const uint8_t opts[] = { 0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8,
					0, 15, 0, 6, 0, 22, 'n', 'o', 'n', 'e' };
	uint16_t code = 0;
	const char *text = NULL;
	size_t tl = 0;
	dns_err err;
	CHECK(dns_ede_find(opts, sizeof opts, &code, &text, &tl, &err));
	CHECK_INT(code, DNS_EDE_NO_REACHABLE_AUTHORITY);
	CHECK_INT(tl, 4);
	CHECK(text && memcmp(text, "none", 4) == 0);
	CHECK_INT(err, DNS_OK);
	/* Only the cookie: none there, and no error. */
	CHECK(!dns_ede_find(opts, 12, &code, &text, &tl, &err));
	CHECK_INT(err, DNS_OK);
	/* An option running past the end, or an EDE shorter than its code. */
	CHECK(!dns_ede_find(opts, sizeof opts - 1, &code, &text, &tl, &err));
	CHECK_INT(err, DNS_E_FORMAT);
	static const uint8_t shortede[] = { 0, 15, 0, 1, 0 };
	CHECK(!dns_ede_find(shortede, sizeof shortede, &code, &text, &tl, &err));
	CHECK_INT(err, DNS_E_FORMAT);
	static const uint8_t stub[] = { 0, 15, 0 };
	CHECK(!dns_ede_find(stub, sizeof stub, &code, &text, &tl, NULL));
}

static void test_names(void)
{
	CHECK_STR(dns_ede_name(0), "Other Error");
	CHECK_STR(dns_ede_name(DNS_EDE_NOT_AUTHORITATIVE), "Not Authoritative");
	CHECK_STR(dns_ede_name(DNS_EDE_NETWORK_ERROR), "Network Error");
	CHECK_STR(dns_ede_name(DNS_EDE_INVALID_DATA), "Invalid Data");
	CHECK_STR(dns_ede_name(4096), "Unknown");
}

int main(void)
{
	RUN(test_encode);
	RUN(test_find);
	RUN(test_names);
	return check_summary("test_ede");
}
