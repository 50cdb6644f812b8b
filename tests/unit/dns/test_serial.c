/* RFC 1982 serial number arithmetic with SERIAL_BITS = 32. */
#include "check.h"
#include "dns/serial.h"

static void test_add(void)
{
	uint32_t out = 0;
	CHECK_INT(dns_serial_add(1, 1, &out), DNS_OK);
	CHECK_INT(out, 2);
	CHECK_INT(dns_serial_add(0, DNS_SERIAL_ADD_MAX, &out), DNS_OK);
	CHECK_INT(out, 0x7fffffffu);
	/* Wrap-around: 2^32-1 + 1 is 0, 2^32-10 + 20 is 10. */
	CHECK_INT(dns_serial_add(0xffffffffu, 1, &out), DNS_OK);
	CHECK_INT(out, 0);
	CHECK_INT(dns_serial_add(0xfffffff6u, 20, &out), DNS_OK);
	CHECK_INT(out, 10);
	CHECK_INT(dns_serial_add(0x80000000u, DNS_SERIAL_ADD_MAX, &out), DNS_OK);
	CHECK_INT(out, 0xffffffffu);
}

/* Adding 2^31 or more is undefined (RFC 1982 3.1): refused, out untouched. */
static void test_add_out_of_range(void)
{
	uint32_t out = 77;
	CHECK_INT(dns_serial_add(5, 0x80000000u, &out), DNS_E_RANGE);
	CHECK_INT(dns_serial_add(5, 0xffffffffu, &out), DNS_E_RANGE);
	CHECK_INT(out, 77);
}

/* The examples of RFC 1982 section 5.2 (SERIAL_BITS = 8) scaled to 32
 * bits, and the same relations at the 32-bit edges. */
static void test_compare(void)
{
	CHECK_INT(dns_serial_compare(7, 7), DNS_SERIAL_EQUAL);
	CHECK_INT(dns_serial_compare(1, 0), DNS_SERIAL_GREATER);
	CHECK_INT(dns_serial_compare(0, 1), DNS_SERIAL_LESS);
	CHECK_INT(dns_serial_compare(44, 0), DNS_SERIAL_GREATER);
	CHECK_INT(dns_serial_compare(100, 44), DNS_SERIAL_GREATER);
	CHECK_INT(dns_serial_compare(200, 100), DNS_SERIAL_GREATER);
	CHECK_INT(dns_serial_compare(2016092401, 2016092400), DNS_SERIAL_GREATER);
	/* Across the wrap: 0 follows 2^32-1, and 5 is newer than 2^32-5. */
	CHECK_INT(dns_serial_compare(0, 0xffffffffu), DNS_SERIAL_GREATER);
	CHECK_INT(dns_serial_compare(0xffffffffu, 0), DNS_SERIAL_LESS);
	CHECK_INT(dns_serial_compare(5, 0xfffffffbu), DNS_SERIAL_GREATER);
	CHECK_INT(dns_serial_compare(0xfffffffbu, 5), DNS_SERIAL_LESS);
	/* Just under 2^31 apart is still ordered, in both directions. */
	CHECK_INT(dns_serial_compare(0x7fffffffu, 0), DNS_SERIAL_GREATER);
	CHECK_INT(dns_serial_compare(0, 0x7fffffffu), DNS_SERIAL_LESS);
	CHECK_INT(dns_serial_compare(0x80000001u, 0), DNS_SERIAL_LESS);
	CHECK_INT(dns_serial_compare(0, 0x80000001u), DNS_SERIAL_GREATER);
}

/* Exactly 2^31 apart the order is undefined, whichever comes first. */
static void test_compare_undefined(void)
{
	CHECK_INT(dns_serial_compare(0, 0x80000000u), DNS_SERIAL_UNDEFINED);
	CHECK_INT(dns_serial_compare(0x80000000u, 0), DNS_SERIAL_UNDEFINED);
	CHECK_INT(dns_serial_compare(1, 0x80000001u), DNS_SERIAL_UNDEFINED);
	CHECK_INT(dns_serial_compare(0xffffffffu, 0x7fffffffu), DNS_SERIAL_UNDEFINED);
}

/* Whatever was added (within range) compares as newer than where it
 * started: the property secondaries rely on. */
static void test_add_then_compare(void)
{
	static const uint32_t starts[] = { 0, 1, 0x7fffffffu, 0x80000000u, 0xfffffffeu,
					   0xffffffffu, 2024010100 };
	static const uint32_t steps[] = { 1, 2, 1000, 0x40000000u, DNS_SERIAL_ADD_MAX };
	for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++)
		for (size_t j = 0; j < sizeof steps / sizeof steps[0]; j++) {
			uint32_t s = 0;
			CHECK_INT(dns_serial_add(starts[i], steps[j], &s), DNS_OK);
			CHECK_INT(dns_serial_compare(s, starts[i]), DNS_SERIAL_GREATER);
			CHECK_INT(dns_serial_compare(starts[i], s), DNS_SERIAL_LESS);
		}
}

/* An edit bumps the serial by one, wrapping to 0, and the result is
 * always newer than what it replaces. */
static void test_next(void)
{
	CHECK_INT(dns_serial_next(0), 1);
	CHECK_INT(dns_serial_next(2024010100), 2024010101);
	CHECK_INT(dns_serial_next(0x7fffffffu), 0x80000000u);
	CHECK_INT(dns_serial_next(0xffffffffu), 0);
	CHECK_INT(dns_serial_compare(dns_serial_next(0xffffffffu), 0xffffffffu),
		  DNS_SERIAL_GREATER);
	CHECK_INT(dns_serial_compare(dns_serial_next(0x7fffffffu), 0x7fffffffu),
		  DNS_SERIAL_GREATER);
}

int main(void)
{
	RUN(test_add);
	RUN(test_add_out_of_range);
	RUN(test_compare);
	RUN(test_compare_undefined);
	RUN(test_add_then_compare);
	RUN(test_next);
	return check_summary("serial");
}
