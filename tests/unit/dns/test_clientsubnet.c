/* EDNS Client Subnet (RFC 7871): the option's octets, its checks, and
 * the prefix arithmetic a resolver's cache needs. */
#include <string.h>

#include "check.h"
#include "dns/clientsubnet.h"

static void test_make_and_encode(void)
{
	static const uint8_t v4[4] = { 198, 51, 100, 77 };
	dns_ecs e;
	CHECK(dns_ecs_make(&e, DNS_ECS_FAMILY_IPV4, v4, 24));
	CHECK_INT(e.source, 24);
	CHECK_INT(e.addr[3], 0);           /* the host part is gone */
	uint8_t out[32];
	/* RFC 7871 section 6: code 8, length 7, family 1, /24, scope 0, 3
	 * address octets. */
	CHECK_INT(dns_ecs_encode(&e, out, sizeof out), 11);
	CHECK_MEM(out, "\x00\x08\x00\x07\x00\x01\x18\x00\xc6\x33\x64", 11);
	CHECK_INT(dns_ecs_encode(&e, out, 10), 0);
	/* A prefix longer than the family's addresses is cut to them. */
	CHECK(dns_ecs_make(&e, DNS_ECS_FAMILY_IPV4, v4, 40));
	CHECK_INT(e.source, 32);
	CHECK_INT(e.addr[3], 77);
	/* A /20: half an octet kept. */
	CHECK(dns_ecs_make(&e, DNS_ECS_FAMILY_IPV4, v4, 20));
	CHECK_INT(e.addr[2], 96);
	CHECK_INT(dns_ecs_encode(&e, out, sizeof out), 11);
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	CHECK(dns_ecs_make(&e, DNS_ECS_FAMILY_IPV6, v6, 56));
	CHECK_INT(dns_ecs_encode(&e, out, sizeof out), 15);
	CHECK_MEM(out + 4, "\x00\x02\x38\x00\x20\x01\x0d\xb8\x01\x02\x03", 11);
	CHECK_INT(e.addr[7], 0);
	/* Source 0: no address octets at all (a client asking for privacy). */
	CHECK(dns_ecs_make(&e, DNS_ECS_FAMILY_IPV6, v6, 0));
	CHECK_INT(dns_ecs_encode(&e, out, sizeof out), 8);
	CHECK(!dns_ecs_make(&e, 3, v6, 8));
	char text[64];
	CHECK(dns_ecs_make(&e, DNS_ECS_FAMILY_IPV4, v4, 24));
	dns_ecs_format(&e, text, sizeof text);
	CHECK_STR(text, "198.51.100.0/24");
}

static void test_limit(void)
{
	static const uint8_t v4[4] = { 10, 1, 2, 3 };
	dns_ecs e;
	CHECK(dns_ecs_make(&e, DNS_ECS_FAMILY_IPV4, v4, 32));
	dns_ecs_limit(&e, 24);
	CHECK_INT(e.source, 24);
	CHECK_INT(e.addr[3], 0);
	CHECK_INT(e.addr[2], 2);
	/* Never lengthened. */
	dns_ecs_limit(&e, 28);
	CHECK_INT(e.source, 24);
	dns_ecs_limit(&e, 12);
	CHECK_INT(e.addr[1], 0);
	CHECK_INT(e.addr[0], 10);
}

static void test_find(void)
{
	/* A cookie (10) first, then ECS 192.0.2.0/24 scope 16. */
	static const uint8_t opts[] = { 0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8,
					0, 8, 0, 7, 0, 1, 24, 16, 192, 0, 2 };
	dns_ecs e;
	CHECK_INT(dns_ecs_find(opts, sizeof opts, &e), 1);
	CHECK_INT(e.family, 1);
	CHECK_INT(e.source, 24);
	CHECK_INT(e.scope, 16);
	CHECK_MEM(e.addr, "\xc0\x00\x02\x00", 4);
	CHECK_INT(dns_ecs_find(opts, 12, &e), 0);
	CHECK_INT(dns_ecs_find(NULL, 0, &e), 0);
	/* Running past the end. */
	CHECK_INT(dns_ecs_find(opts, sizeof opts - 1, &e), -1);
	/* Section 6's rules: each a FORMERR. */
	static const uint8_t longaddr[] = { 0, 8, 0, 8, 0, 1, 24, 0, 192, 0, 2, 0 };
	CHECK_INT(dns_ecs_find(longaddr, sizeof longaddr, &e), -1);
	static const uint8_t hostbits[] = { 0, 8, 0, 7, 0, 1, 23, 0, 192, 0, 3 };
	CHECK_INT(dns_ecs_find(hostbits, sizeof hostbits, &e), -1);
	static const uint8_t toolong[] = { 0, 8, 0, 8, 0, 1, 33, 0, 1, 2, 3, 4 };
	CHECK_INT(dns_ecs_find(toolong, sizeof toolong, &e), -1);
	static const uint8_t family[] = { 0, 8, 0, 4, 0, 3, 0, 0 };
	CHECK_INT(dns_ecs_find(family, sizeof family, &e), -1);
	static const uint8_t scope[] = { 0, 8, 0, 5, 0, 1, 8, 40, 10 };
	CHECK_INT(dns_ecs_find(scope, sizeof scope, &e), -1);
	static const uint8_t stub[] = { 0, 8, 0, 2, 0, 1 };
	CHECK_INT(dns_ecs_find(stub, sizeof stub, &e), -1);
	/* /0: valid with no address octets. */
	static const uint8_t zero[] = { 0, 8, 0, 4, 0, 2, 0, 0 };
	CHECK_INT(dns_ecs_find(zero, sizeof zero, &e), 1);
	CHECK_INT(e.source, 0);
	/* The round trip. */
	uint8_t out[32];
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xab, 0xcd, 0xef, 0x12 };
	dns_ecs a, b;
	CHECK(dns_ecs_make(&a, DNS_ECS_FAMILY_IPV6, v6, 56));
	a.scope = 48;
	size_t n = dns_ecs_encode(&a, out, sizeof out);
	CHECK_INT(dns_ecs_find(out, n, &b), 1);
	CHECK(dns_ecs_same_subnet(&a, &b));
	CHECK_INT(b.scope, 48);
}

static void test_prefixes(void)
{
	static const uint8_t a[4] = { 198, 51, 100, 1 }, b[4] = { 198, 51, 101, 1 };
	CHECK(dns_ecs_prefix_equal(a, b, 16));
	CHECK(dns_ecs_prefix_equal(a, b, 23));
	CHECK(!dns_ecs_prefix_equal(a, b, 24));
	CHECK(dns_ecs_prefix_equal(a, b, 0));
	dns_ecs q, r;
	CHECK(dns_ecs_make(&q, DNS_ECS_FAMILY_IPV4, a, 24));
	CHECK(dns_ecs_make(&r, DNS_ECS_FAMILY_IPV4, a, 24));
	r.scope = 24;
	CHECK(dns_ecs_same_subnet(&q, &r));
	CHECK(dns_ecs_make(&r, DNS_ECS_FAMILY_IPV4, b, 24));
	CHECK(!dns_ecs_same_subnet(&q, &r));
	CHECK(dns_ecs_make(&r, DNS_ECS_FAMILY_IPV4, a, 20));
	CHECK(!dns_ecs_same_subnet(&q, &r));
}

int main(void)
{
	RUN(test_make_and_encode);
	RUN(test_limit);
	RUN(test_find);
	RUN(test_prefixes);
	return check_summary("test_clientsubnet");
}
