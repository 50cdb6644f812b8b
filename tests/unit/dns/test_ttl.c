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

static void test_more_forms(void)
{
	uint32_t v = 0;
	CHECK_INT(dns_ttl_from_text("0", 1, &v), DNS_OK);
	CHECK_INT(v, 0);
	CHECK_INT(dns_ttl_from_text("1W", 2, &v), DNS_OK);
	CHECK_INT(v, 604800);
	CHECK_INT(dns_ttl_from_text("90S", 3, &v), DNS_OK);
	CHECK_INT(v, 90);
	CHECK_INT(dns_ttl_from_text("2m", 2, &v), DNS_OK);
	CHECK_INT(v, 120);
	/* Units in any order add up. */
	CHECK_INT(dns_ttl_from_text("30m1h", 5, &v), DNS_OK);
	CHECK_INT(v, 5400);
	CHECK_INT(dns_ttl_from_text("0000000000003600", 16, &v), DNS_OK);
	CHECK_INT(v, 3600);
	/* Only len characters count. */
	CHECK_INT(dns_ttl_from_text("300 IN A", 3, &v), DNS_OK);
	CHECK_INT(v, 300);
}

static void test_range_and_errors_leave_value(void)
{
	uint32_t v = 77;
	/* 7101 weeks fit in 32 bits, 7102 do not. */
	CHECK_INT(dns_ttl_from_text("7101w", 5, &v), DNS_OK);
	CHECK_INT(v, 7101u * 604800u);
	v = 77;
	CHECK_INT(dns_ttl_from_text("7102w", 5, &v), DNS_E_RANGE);
	CHECK_INT(v, 77);
	CHECK_INT(dns_ttl_from_text("4294967295s1s", 13, &v), DNS_E_RANGE);
	CHECK_INT(dns_ttl_from_text("99999999999999999999", 20, &v), DNS_E_RANGE);
	CHECK_INT(v, 77);
	static const char *const bad[] = { "-1", "+5", "1 h", "1h ", "h1", "1.5h", "1hh", "1y" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		dns_err err = dns_ttl_from_text(bad[i], strlen(bad[i]), &v);
		if (err != DNS_E_SYNTAX)
			fprintf(stderr, "  \"%s\" gave %s\n", bad[i], dns_strerror(err));
		CHECK_INT(err, DNS_E_SYNTAX);
	}
	CHECK_INT(v, 77);
}

int main(void)
{
	RUN(test_ttl_units);
	RUN(test_more_forms);
	RUN(test_range_and_errors_leave_value);
	return check_summary("test_ttl");
}
