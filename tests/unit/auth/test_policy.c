/* Routing policies: which answers each client gets, the regions and
 * their scopes, health turning after K results, ECS read and written. */
#include <arpa/inet.h>
#include <stdlib.h>

#include "auth/policy.h"
#include "check.h"

static const char conf_text[] =
	"region europe 198.51.100.0/26 2001:db8:100::/64\n"
	"region bakery 198.51.100.64/27\n"
	"region america 203.0.113.0/24 10.0.0.0/8\n"
	"region inside 10.1.0.0/16\n"
	"region asia\n"
	"region-delay europe america 45\n"
	"region-delay europe asia 80\n"
	"region-delay america asia 30\n"
	"policy shop.example.com {\n"
	"    routing weighted\n"
	"    answer 203.0.113.10 weight 70\n"
	"    answer 203.0.113.11 weight 20\n"
	"    answer 203.0.113.12 weight 10\n"
	"    answer 2001:db8:113::10 weight 0\n"
	"    answer 2001:db8:113::11 weight 5\n"
	"}\n"
	"policy www.example.com {\n"
	"    routing failover\n"
	"    check tcp 80\n"
	"    check-threshold 3\n"
	"    answer 203.0.113.10 primary\n"
	"    answer 203.0.113.11 secondary\n"
	"}\n"
	"policy geo.example.com {\n"
	"    routing geolocation\n"
	"    answer 203.0.113.10 region europe\n"
	"    answer 203.0.113.11 region america\n"
	"    answer 203.0.113.12 default\n"
	"    answer 2001:db8:113::10 region europe\n"
	"}\n"
	"policy near.example.com {\n"
	"    routing latency\n"
	"    answer 203.0.113.11 region america\n"
	"    answer 203.0.113.12 region asia\n"
	"}\n"
	"policy pool.example.com {\n"
	"    routing multivalue\n"
	"    check tcp 80\n"
	"    check-threshold 1\n"
	"    answer 192.0.2.1\n    answer 192.0.2.2\n    answer 192.0.2.3\n"
	"    answer 192.0.2.4\n    answer 192.0.2.5\n    answer 192.0.2.6\n"
	"    answer 192.0.2.7\n    answer 192.0.2.8\n    answer 192.0.2.9\n"
	"    answer 192.0.2.10\n"
	"}\n";

static auth_config cfg;
static policy_table tab;

static void setup(void)
{
	char err[512] = "";
	CHECK(auth_config_init(&cfg));
	bool ok = auth_config_parse(&cfg, "t.conf", conf_text, strlen(conf_text), err, sizeof err);
	if (!ok)
		fprintf(stderr, "  %s\n", err);
	CHECK(ok);
	CHECK(policy_table_init(&tab, &cfg, err, sizeof err));
}

static void teardown(void)
{
	policy_table_free(&tab);
	auth_config_free(&cfg);
}

/* xorshift32: a fixed, well spread sequence. */
static uint32_t next_rand(void *ctx)
{
	uint32_t *s = ctx;
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static policy_entry *entry(const char *name)
{
	dns_name n;
	CHECK(dns_name_from_text(&n, name, strlen(name), dns_name_root) == DNS_OK);
	return policy_find(&tab, n.data);
}

static policy_client client(const char *text, unsigned bits)
{
	policy_client c;
	memset(&c, 0, sizeof c);
	c.family = strchr(text, ':') ? AF_INET6 : AF_INET;
	CHECK(inet_pton(c.family, text, c.addr) == 1);
	c.bits = bits;
	return c;
}

static long region(const char *addr, unsigned bits, unsigned *scope)
{
	policy_client c = client(addr, bits);
	return policy_region_of(&tab, &c, scope);
}

static void test_find(void)
{
	setup();
	CHECK(entry("shop.example.com.") != NULL);
	CHECK(entry("SHOP.Example.COM") != NULL);
	CHECK(entry("example.com.") == NULL);
	CHECK(entry("www.shop.example.com.") == NULL);
	teardown();
}

static void test_regions_and_scope(void)
{
	setup();
	unsigned scope;
	long europe = auth_config_region(&cfg, "europe"), america =
		auth_config_region(&cfg, "america"), inside = auth_config_region(&cfg, "inside"),
		bakery = auth_config_region(&cfg, "bakery");
	/* A source address: the longest prefix that holds it. */
	CHECK_INT(region("198.51.100.10", 32, &scope), europe);
	CHECK_INT(scope, 26);
	CHECK_INT(region("198.51.100.70", 32, &scope), bakery);
	CHECK_INT(scope, 27);
	CHECK_INT(region("10.1.2.3", 32, &scope), inside);
	CHECK_INT(scope, 16);
	/* 10.2.0.0/24: america's 10/8, but 10.1/16 is another region's:
	 * 10.2 and 10.1 share 14 bits, so it takes 15 to tell them apart. */
	CHECK_INT(region("10.2.0.0", 24, &scope), america);
	CHECK_INT(scope, 15);
	CHECK_INT(region("2001:db8:100::7", 128, &scope), europe);
	CHECK_INT(scope, 64);
	/* A /24 from a resolver (ECS) holds europe's /26 and the bakery's
	 * /27: its first address is europe's, and the scope says how long
	 * a prefix that takes. */
	CHECK_INT(region("198.51.100.0", 24, &scope), europe);
	CHECK_INT(scope, 26);
	/* In no region: as long as it takes to stay clear of all. */
	CHECK_INT(region("192.0.2.1", 32, &scope), -1);
	CHECK(scope > 0 && scope <= 8);
	/* Nothing known (ECS with SOURCE PREFIX-LENGTH 0). */
	CHECK_INT(region("0.0.0.0", 0, &scope), -1);
	CHECK_INT(scope, 0);
	policy_client none;
	memset(&none, 0, sizeof none);
	CHECK_INT(policy_region_of(&tab, &none, &scope), -1);
	CHECK_INT(scope, 0);
	teardown();
}

static void test_weighted_proportions(void)
{
	setup();
	policy_entry *e = entry("shop.example.com.");
	policy_client c = client("192.0.2.1", 32);
	uint32_t seed = 12345;
	size_t counts[5] = { 0 }, out[8];
	unsigned scope;
	for (int i = 0; i < 10000; i++) {
		CHECK_INT(policy_select(&tab, e, AF_INET, &c, next_rand, &seed, out, 8, &scope), 1);
		counts[out[0]]++;
	}
	CHECK_INT(scope, 0);
	CHECK(counts[0] > 6700 && counts[0] < 7300);
	CHECK(counts[1] > 1700 && counts[1] < 2300);
	CHECK(counts[2] > 700 && counts[2] < 1300);
	/* AAAA: the weight-0 answer never. */
	for (int i = 0; i < 200; i++) {
		CHECK_INT(policy_select(&tab, e, AF_INET6, &c, next_rand, &seed, out, 8, &scope), 1);
		CHECK_INT(out[0], 4);
	}
	/* The 70 out: 20 and 10 share what is left, 2 to 1. */
	e->healthy[0] = false;
	memset(counts, 0, sizeof counts);
	for (int i = 0; i < 3000; i++) {
		CHECK_INT(policy_select(&tab, e, AF_INET, &c, next_rand, &seed, out, 8, &scope), 1);
		counts[out[0]]++;
	}
	CHECK_INT(counts[0], 0);
	CHECK(counts[1] > 1800 && counts[1] < 2200);
	/* None healthy: the weights as if all were. */
	e->healthy[1] = e->healthy[2] = false;
	memset(counts, 0, sizeof counts);
	for (int i = 0; i < 1000; i++) {
		CHECK_INT(policy_select(&tab, e, AF_INET, &c, next_rand, &seed, out, 8, &scope), 1);
		counts[out[0]]++;
	}
	CHECK(counts[0] > 600);
	teardown();
}

static void test_failover_and_health(void)
{
	setup();
	policy_entry *e = entry("www.example.com.");
	policy_client c = client("192.0.2.1", 32);
	size_t out[8];
	unsigned scope;
	uint32_t seed = 1;
	CHECK_INT(policy_select(&tab, e, AF_INET, &c, next_rand, &seed, out, 8, &scope), 1);
	CHECK_INT(out[0], 0);
	/* Two failures: still in (threshold 3); a success in between
	 * starts the count again. */
	CHECK(!policy_health_report(e, 0, false));
	CHECK(!policy_health_report(e, 0, false));
	CHECK(!policy_health_report(e, 0, true));
	CHECK(!policy_health_report(e, 0, false));
	CHECK(!policy_health_report(e, 0, false));
	CHECK(e->healthy[0]);
	CHECK(policy_health_report(e, 0, false));
	CHECK(!e->healthy[0]);
	CHECK_INT(policy_select(&tab, e, AF_INET, &c, next_rand, &seed, out, 8, &scope), 1);
	CHECK_INT(out[0], 1);
	/* Both down: the primary, the last resort. */
	for (int i = 0; i < 3; i++)
		policy_health_report(e, 1, false);
	CHECK_INT(policy_select(&tab, e, AF_INET, &c, next_rand, &seed, out, 8, &scope), 1);
	CHECK_INT(out[0], 0);
	/* Back after three successes. */
	CHECK(!policy_health_report(e, 0, true));
	CHECK(!policy_health_report(e, 0, true));
	CHECK(policy_health_report(e, 0, true));
	CHECK(e->healthy[0]);
	/* No IPv6 answers: nothing, the zone answers. */
	CHECK_INT(policy_select(&tab, e, AF_INET6, &c, next_rand, &seed, out, 8, &scope), 0);
	teardown();
}

static void test_geolocation(void)
{
	setup();
	policy_entry *e = entry("geo.example.com.");
	size_t out[8];
	unsigned scope;
	uint32_t seed = 1;
	policy_client c = client("198.51.100.10", 32);
	CHECK_INT(policy_select(&tab, e, AF_INET, &c, next_rand, &seed, out, 8, &scope), 1);
	CHECK_INT(out[0], 0);
	CHECK_INT(scope, 26);
	c = client("203.0.113.0", 24);
	CHECK_INT(policy_select(&tab, e, AF_INET, &c, next_rand, &seed, out, 8, &scope), 1);
	CHECK_INT(out[0], 1);
	CHECK_INT(scope, 24);
	/* Asia has no answer of its own, nor has a client in no region:
	 * the default. */
	c = client("192.0.2.1", 32);
	CHECK_INT(policy_select(&tab, e, AF_INET, &c, next_rand, &seed, out, 8, &scope), 1);
	CHECK_INT(out[0], 2);
	/* An unhealthy region's answer gives way to the default. */
	e->healthy[0] = false;
	c = client("198.51.100.10", 32);
	CHECK_INT(policy_select(&tab, e, AF_INET, &c, next_rand, &seed, out, 8, &scope), 1);
	CHECK_INT(out[0], 2);
	/* AAAA: europe's, and for others no default: the zone answers. */
	c = client("2001:db8:100::5", 128);
	CHECK_INT(policy_select(&tab, e, AF_INET6, &c, next_rand, &seed, out, 8, &scope), 1);
	CHECK_INT(out[0], 3);
	c = client("2001:db8:999::5", 128);
	CHECK_INT(policy_select(&tab, e, AF_INET6, &c, next_rand, &seed, out, 8, &scope), 0);
	teardown();
}

static void test_latency(void)
{
	setup();
	policy_entry *e = entry("near.example.com.");
	size_t out[8];
	unsigned scope;
	uint32_t seed = 1;
	/* Europe: america 45 ms, asia 80: america. */
	policy_client c = client("198.51.100.10", 32);
	CHECK_INT(policy_select(&tab, e, AF_INET, &c, next_rand, &seed, out, 8, &scope), 1);
	CHECK_INT(out[0], 0);
	/* America is its own nearest. */
	c = client("203.0.113.99", 32);
	CHECK_INT(policy_select(&tab, e, AF_INET, &c, next_rand, &seed, out, 8, &scope), 1);
	CHECK_INT(out[0], 0);
	/* The bakery's region has no delays known: no default, so the
	 * first healthy answer. */
	c = client("198.51.100.70", 32);
	CHECK_INT(policy_select(&tab, e, AF_INET, &c, next_rand, &seed, out, 8, &scope), 1);
	CHECK_INT(out[0], 0);
	/* America's server down: Europe gets asia's. */
	e->healthy[0] = false;
	c = client("198.51.100.10", 32);
	CHECK_INT(policy_select(&tab, e, AF_INET, &c, next_rand, &seed, out, 8, &scope), 1);
	CHECK_INT(out[0], 1);
	teardown();
}

static void test_multivalue(void)
{
	setup();
	policy_entry *e = entry("pool.example.com.");
	size_t out[16];
	unsigned scope;
	uint32_t seed = 99;
	policy_client c = client("192.0.2.1", 32);
	size_t seen[10] = { 0 };
	for (int i = 0; i < 500; i++) {
		int n = policy_select(&tab, e, AF_INET, &c, next_rand, &seed, out, 16, &scope);
		CHECK_INT(n, 8);
		for (int k = 0; k < n; k++) {
			seen[out[k]]++;
			for (int j = 0; j < k; j++)
				CHECK(out[j] != out[k]);
		}
	}
	for (int k = 0; k < 10; k++)
		CHECK(seen[k] > 300);
	/* Seven out (threshold 1): the three left, never one of the seven. */
	for (size_t k = 0; k < 7; k++)
		CHECK(policy_health_report(e, k, false));
	for (int i = 0; i < 200; i++) {
		int n = policy_select(&tab, e, AF_INET, &c, next_rand, &seed, out, 16, &scope);
		CHECK_INT(n, 3);
		for (int k = 0; k < n; k++)
			CHECK(out[k] >= 7);
	}
	/* All out: SERVFAIL rather than an unhealthy answer. */
	for (size_t k = 7; k < 10; k++)
		CHECK(policy_health_report(e, k, false));
	CHECK_INT(policy_select(&tab, e, AF_INET, &c, next_rand, &seed, out, 16, &scope), -1);
	teardown();
}

static void test_ecs(void)
{
	policy_client c;
	/* 198.51.100.0/24 */
	const uint8_t v4[] = { 0, 8, 0, 7, 0, 1, 24, 0, 198, 51, 100 };
	CHECK_INT(policy_ecs_parse(v4, sizeof v4, &c), 1);
	CHECK_INT(c.family, AF_INET);
	CHECK_INT(c.bits, 24);
	CHECK_INT(c.addr[2], 100);
	uint8_t out[32];
	size_t n = policy_ecs_encode(&c, 26, out, sizeof out);
	CHECK_INT(n, sizeof v4);
	CHECK_INT(out[7], 26);
	CHECK_MEM(out + 8, v4 + 8, 3);
	/* After another option (NSID, empty). */
	const uint8_t both[] = { 0, 3, 0, 0, 0, 8, 0, 6, 0, 2, 56, 0, 0x20, 1, 0x0d, 0xb8, 1, 0, 0 };
	CHECK_INT(policy_ecs_parse(both, 4, &c), 0);
	CHECK_INT(policy_ecs_parse(both, 4 + 4 + 6, &c), -1);  /* 7 octets needed */
	const uint8_t v6[] = { 0, 8, 0, 11, 0, 2, 56, 0, 0x20, 1, 0x0d, 0xb8, 1, 0, 0 };
	CHECK_INT(policy_ecs_parse(v6, sizeof v6, &c), 1);
	CHECK_INT(c.family, AF_INET6);
	CHECK_INT(c.bits, 56);
	/* Malformed: bits past the prefix, a scope in a query, a family. */
	const uint8_t stray[] = { 0, 8, 0, 7, 0, 1, 23, 0, 198, 51, 101 };
	CHECK_INT(policy_ecs_parse(stray, sizeof stray, &c), -1);
	const uint8_t scoped[] = { 0, 8, 0, 7, 0, 1, 24, 24, 198, 51, 100 };
	CHECK_INT(policy_ecs_parse(scoped, sizeof scoped, &c), -1);
	const uint8_t fam[] = { 0, 8, 0, 7, 0, 3, 24, 0, 198, 51, 100 };
	CHECK_INT(policy_ecs_parse(fam, sizeof fam, &c), -1);
	const uint8_t toolong[] = { 0, 8, 0, 8, 0, 1, 24, 0, 198, 51, 100, 0 };
	CHECK_INT(policy_ecs_parse(toolong, sizeof toolong, &c), -1);
	/* Source 0: nothing to go by, and well formed. */
	const uint8_t zero[] = { 0, 8, 0, 4, 0, 1, 0, 0 };
	CHECK_INT(policy_ecs_parse(zero, sizeof zero, &c), 1);
	CHECK_INT(c.bits, 0);
	CHECK_INT(policy_ecs_encode(&c, 0, out, 7), 0);
	CHECK_INT(policy_ecs_encode(&c, 0, out, 8), 8);
	/* IPv4-mapped sources are IPv4 clients. */
	struct sockaddr_in6 sa;
	memset(&sa, 0, sizeof sa);
	sa.sin6_family = AF_INET6;
	CHECK(inet_pton(AF_INET6, "::ffff:198.51.100.10", &sa.sin6_addr) == 1);
	policy_client_from_sockaddr((struct sockaddr *)&sa, &c);
	CHECK_INT(c.family, AF_INET);
	CHECK_INT(c.bits, 32);
	CHECK_INT(c.addr[3], 10);
}

int main(void)
{
	RUN(test_find);
	RUN(test_regions_and_scope);
	RUN(test_weighted_proportions);
	RUN(test_failover_and_health);
	RUN(test_geolocation);
	RUN(test_latency);
	RUN(test_multivalue);
	RUN(test_ecs);
	return check_summary("test_policy");
}
