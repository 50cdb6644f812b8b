/* Addresses and prefixes in the daemons' notation: "ADDR", "ADDR@PORT",
 * "ADDR/LEN"; formatting as dig does ("ADDR#PORT"); prefix matching for
 * IPv4, IPv6 and IPv4-mapped IPv6 addresses. */
#include <arpa/inet.h>
#include <sys/un.h>

#include "check.h"
#include "io/addr.h"

static const struct sockaddr_in *v4(const net_addr *a)
{
	return (const struct sockaddr_in *)&a->ss;
}

static const struct sockaddr_in6 *v6(const net_addr *a)
{
	return (const struct sockaddr_in6 *)&a->ss;
}

static void test_parse_ipv4(void)
{
	net_addr a;
	CHECK(net_addr_parse("192.0.2.1", 53, &a));
	CHECK_INT(a.ss.ss_family, AF_INET);
	CHECK_INT(a.len, sizeof(struct sockaddr_in));
	CHECK_INT(ntohs(v4(&a)->sin_port), 53);
	CHECK_INT(ntohl(v4(&a)->sin_addr.s_addr), 0xC0000201);

	CHECK(net_addr_parse("198.51.100.7@5353", 53, &a));
	CHECK_INT(ntohs(v4(&a)->sin_port), 5353);
	CHECK_INT(ntohl(v4(&a)->sin_addr.s_addr), 0xC6336407);
	CHECK(net_addr_parse("127.0.0.1@65535", 53, &a));
	CHECK_INT(ntohs(v4(&a)->sin_port), 65535);
	CHECK(net_addr_parse("127.0.0.1@1", 53, &a));
	CHECK_INT(ntohs(v4(&a)->sin_port), 1);
}

static void test_parse_ipv6(void)
{
	net_addr a;
	static const uint8_t want[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	CHECK(net_addr_parse("2001:db8::1@5353", 53, &a));
	CHECK_INT(a.ss.ss_family, AF_INET6);
	CHECK_INT(a.len, sizeof(struct sockaddr_in6));
	CHECK_INT(ntohs(v6(&a)->sin6_port), 5353);
	CHECK_MEM(&v6(&a)->sin6_addr, want, 16);

	CHECK(net_addr_parse("::1", 853, &a));
	CHECK_INT(ntohs(v6(&a)->sin6_port), 853);
	/* A mapped address stays IPv6 (the socket decides what it means). */
	CHECK(net_addr_parse("::ffff:192.0.2.1", 53, &a));
	CHECK_INT(a.ss.ss_family, AF_INET6);
	static const uint8_t mapped[16] = { [10] = 0xff, [11] = 0xff,
					    192, 0, 2, 1 };
	CHECK_MEM(&v6(&a)->sin6_addr, mapped, 16);
}

static void test_parse_rejects(void)
{
	static const char *const bad[] = {
		"", "@53", "192.0.2.1@", "192.0.2.1@0", "192.0.2.1@65536",
		"192.0.2.1@99999999999999999999", "192.0.2.1@53x",
		"192.0.2.1@-1", "192.0.2.1@+53", "192.0.2.1@ 53",
		"192.0.2.256", "192.0.2", "192.0.2.1 ", "ns1.example",
		"[::1]:53", "2001:db8::1::2",
		"1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa:bbbb",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		net_addr a;
		bool ok = net_addr_parse(bad[i], 53, &a);
		if (ok)
			fprintf(stderr, "  \"%s\" was accepted\n", bad[i]);
		CHECK(!ok);
	}
}

static void test_format(void)
{
	net_addr a;
	char out[INET6_ADDRSTRLEN + 8];
	CHECK(net_addr_parse("192.0.2.1@5353", 53, &a));
	net_addr_format((struct sockaddr *)&a.ss, out, sizeof out);
	CHECK_STR(out, "192.0.2.1#5353");
	net_addr_format_host((struct sockaddr *)&a.ss, out, sizeof out);
	CHECK_STR(out, "192.0.2.1");

	/* IPv6 in its canonical short form. */
	CHECK(net_addr_parse("2001:0DB8:0:0:0:0:0:0053", 53, &a));
	net_addr_format((struct sockaddr *)&a.ss, out, sizeof out);
	CHECK_STR(out, "2001:db8::53#53");
	net_addr_format_host((struct sockaddr *)&a.ss, out, sizeof out);
	CHECK_STR(out, "2001:db8::53");
	CHECK(net_addr_parse("::ffff:192.0.2.1", 53, &a));
	net_addr_format_host((struct sockaddr *)&a.ss, out, sizeof out);
	CHECK_STR(out, "::ffff:192.0.2.1");

	/* Too small a buffer: cut, but still a string. */
	CHECK(net_addr_parse("198.51.100.200@5353", 53, &a));
	char small[8];
	net_addr_format((struct sockaddr *)&a.ss, small, sizeof small);
	CHECK_STR(small, "198.51.");

	struct sockaddr_un un = { .sun_family = AF_UNIX };
	net_addr_format_host((struct sockaddr *)&un, out, sizeof out);
	CHECK_STR(out, "?");
}

static void test_prefix_parse(void)
{
	net_prefix p;
	CHECK(net_prefix_parse("192.0.2.0/24", &p));
	CHECK_INT(p.family, AF_INET);
	CHECK_INT(p.bits, 24);
	CHECK(p.bytes[0] == 192 && p.bytes[1] == 0 && p.bytes[2] == 2 && p.bytes[3] == 0);
	CHECK(net_prefix_parse("192.0.2.1", &p));
	CHECK_INT(p.bits, 32);
	CHECK(net_prefix_parse("0.0.0.0/0", &p));
	CHECK_INT(p.bits, 0);
	CHECK(net_prefix_parse("2001:db8::/32", &p));
	CHECK_INT(p.family, AF_INET6);
	CHECK_INT(p.bits, 32);
	CHECK(net_prefix_parse("2001:db8::1", &p));
	CHECK_INT(p.bits, 128);
	CHECK(net_prefix_parse("::/0", &p));
	CHECK_INT(p.bits, 0);
	CHECK(net_prefix_parse("192.0.2.128/25", &p));
	CHECK_INT(p.bits, 25);

	static const char *const bad[] = {
		"192.0.2.1/24",      /* host bits set */
		"192.0.2.128/24", "10.0.0.1/31", "2001:db8::1/64",
		"192.0.2.0/33", "2001:db8::/129", "192.0.2.0/", "192.0.2.0/x",
		"192.0.2.0/24x", "192.0.2.0/-1", "/24", "", "example.com/24",
		"192.0.2.0/ 24",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		bool ok = net_prefix_parse(bad[i], &p);
		if (ok)
			fprintf(stderr, "  \"%s\" was accepted\n", bad[i]);
		CHECK(!ok);
	}
}

/* Does the address text (parsed as a socket address) match the prefix? */
static bool matches(const char *prefix, const char *addr)
{
	net_prefix p;
	net_addr a;
	if (!net_prefix_parse(prefix, &p) || !net_addr_parse(addr, 53, &a)) {
		fprintf(stderr, "  bad test input %s / %s\n", prefix, addr);
		return false;
	}
	return net_prefix_match(&p, (struct sockaddr *)&a.ss);
}

static void test_prefix_match_ipv4(void)
{
	CHECK(matches("192.0.2.0/24", "192.0.2.77"));
	CHECK(matches("192.0.2.0/24", "192.0.2.255"));
	CHECK(!matches("192.0.2.0/24", "192.0.3.1"));
	CHECK(!matches("192.0.2.0/24", "193.0.2.1"));
	/* A prefix length that splits an octet. */
	CHECK(matches("192.0.2.128/25", "192.0.2.200"));
	CHECK(!matches("192.0.2.128/25", "192.0.2.100"));
	CHECK(matches("10.0.0.0/9", "10.127.255.255"));
	CHECK(!matches("10.0.0.0/9", "10.128.0.0"));
	CHECK(matches("192.0.2.1", "192.0.2.1"));
	CHECK(!matches("192.0.2.1", "192.0.2.2"));
	CHECK(matches("0.0.0.0/0", "203.0.113.9"));
	/* An IPv6 address is not in an IPv4 prefix, even /0 ... */
	CHECK(!matches("0.0.0.0/0", "2001:db8::1"));
	/* ... unless it is IPv4-mapped (a dual-stack socket's view). */
	CHECK(matches("192.0.2.0/24", "::ffff:192.0.2.77"));
	CHECK(!matches("192.0.2.0/24", "::ffff:198.51.100.1"));
	/* Only the ::ffff: form maps: the same low octets elsewhere do not. */
	CHECK(!matches("192.0.2.0/24", "::192.0.2.77"));
	CHECK(!matches("192.0.2.0/24", "64:ff9b::192.0.2.77"));
}

static void test_prefix_match_ipv6(void)
{
	CHECK(matches("2001:db8::/32", "2001:db8:ffff::1"));
	CHECK(!matches("2001:db8::/32", "2001:db9::1"));
	CHECK(matches("2001:db8::/127", "2001:db8::1"));
	CHECK(!matches("2001:db8::/127", "2001:db8::2"));
	CHECK(matches("2001:db8::/33", "2001:db8:7fff::1"));
	CHECK(!matches("2001:db8::/33", "2001:db8:8000::1"));
	CHECK(matches("::/0", "::1"));
	/* IPv4 addresses never match an IPv6 prefix. */
	CHECK(!matches("::/0", "192.0.2.1"));
	CHECK(!matches("::ffff:0:0/96", "192.0.2.1"));
	/* A family the function does not know matches nothing. */
	net_prefix p;
	CHECK(net_prefix_parse("::/0", &p));
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	CHECK(!net_prefix_match(&p, (struct sockaddr *)&un));
}

int main(void)
{
	RUN(test_parse_ipv4);
	RUN(test_parse_ipv6);
	RUN(test_parse_rejects);
	RUN(test_format);
	RUN(test_prefix_parse);
	RUN(test_prefix_match_ipv4);
	RUN(test_prefix_match_ipv6);
	return check_summary("test_addr");
}
