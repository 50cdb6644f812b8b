/* TTLs and periods in text: plain seconds and unit pairs. */
#include "check.h"
#include "dns/ttl.h"

static void test_ttl_units(void)
{
	uint32_t v;
	CHECK_INT(dns_ttl_from_text("3600", 4, &v), DNS_OK);
	CHECK_INT(v, 3600);
	CHECK_INT(dns_ttl_from_text("1h30m", 5, &v), DNS_OK);
	CHECK_INT(v, 5400);
	CHECK_INT(dns_ttl_from_text("2D", 2, &v), DNS_OK);
	CHECK_INT(v, 172800);
	CHECK_INT(dns_ttl_from_text("1w1d1h1m1s", 10, &v), DNS_OK);
	CHECK_INT(v, 604800 + 86400 + 3600 + 60 + 1);
	CHECK_INT(dns_ttl_from_text("4294967295", 10, &v), DNS_OK);
	CHECK_INT(dns_ttl_from_text("4294967296", 10, &v), DNS_E_RANGE);
	CHECK_INT(dns_ttl_from_text("1h30", 4, &v), DNS_E_SYNTAX);
	CHECK_INT(dns_ttl_from_text("1x", 2, &v), DNS_E_SYNTAX);
	CHECK_INT(dns_ttl_from_text("h", 1, &v), DNS_E_SYNTAX);
	CHECK_INT(dns_ttl_from_text("", 0, &v), DNS_E_SYNTAX);
}

int main(void)
{
	RUN(test_ttl_units);
	return check_summary("test_ttl");
}
