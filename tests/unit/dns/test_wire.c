/* Network-order integers: the readers and writers every part of dnsim
 * uses for 16- and 32-bit wire fields. */
#include "check.h"
#include "dns/wire.h"

static void test_read_big_endian(void)
{
	static const uint8_t b[] = { 0x12, 0x34, 0x56, 0x78, 0xff, 0xfe };
	CHECK_INT(dns_get16(b), 0x1234);
	CHECK_INT(dns_get16(b + 4), 0xfffe);
	CHECK_INT(dns_get32(b), 0x12345678);
	CHECK_INT(dns_get32(b + 2), 0x5678fffeu);
}

/* The high bit must not go through a signed int on the way. */
static void test_high_bits(void)
{
	static const uint8_t ones[4] = { 0xff, 0xff, 0xff, 0xff };
	static const uint8_t top[4] = { 0x80, 0, 0, 0 };
	CHECK_INT(dns_get32(ones), 0xffffffffu);
	CHECK_INT(dns_get32(top), 0x80000000u);
	CHECK_INT(dns_get16(ones), 0xffff);
	CHECK_INT(dns_get16(top), 0x8000);
}

static void test_write_touches_only_its_octets(void)
{
	uint8_t b[8];
	memset(b, 0xaa, sizeof b);
	dns_put16(b + 1, 0x0102);
	static const uint8_t want16[8] = { 0xaa, 1, 2, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa };
	CHECK_MEM(b, want16, sizeof b);
	memset(b, 0xaa, sizeof b);
	dns_put32(b + 2, 0xdeadbeefu);
	static const uint8_t want32[8] = { 0xaa, 0xaa, 0xde, 0xad, 0xbe, 0xef, 0xaa, 0xaa };
	CHECK_MEM(b, want32, sizeof b);
}

static void test_round_trip(void)
{
	static const uint32_t v32[] = { 0, 1, 255, 256, 65535, 65536, 0x7fffffffu,
					0x80000000u, 0xffffffffu, 3600 };
	uint8_t b[4];
	for (size_t i = 0; i < sizeof v32 / sizeof v32[0]; i++) {
		dns_put32(b, v32[i]);
		CHECK_INT(dns_get32(b), v32[i]);
	}
	for (unsigned v = 0; v <= 0xffff; v += 257) {
		dns_put16(b, (uint16_t)v);
		CHECK_INT(dns_get16(b), v);
	}
}

int main(void)
{
	RUN(test_read_big_endian);
	RUN(test_high_bits);
	RUN(test_write_touches_only_its_octets);
	RUN(test_round_trip);
	return check_summary("wire");
}
