/* dnsim-auth's config file: what it accepts, and the file:line of what
 * it does not. */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "conf/auth_conf.h"

static char path[64];

static bool read_text(auth_config *c, const char *text, char *err, size_t errsz)
{
	snprintf(path, sizeof path, "/tmp/dnsim-test-conf-%d", (int)getpid());
	CHECK(auth_config_init(c));
	return auth_config_parse(c, path, text, strlen(text), err, errsz);
}

static void test_full_config(void)
{
	auth_config c;
	char err[512] = "";
	bool ok = read_text(&c,
		"# a server with split horizon\n"
		"listen 192.0.2.53\n"
		"listen 2001:db8::53@5353   # and IPv6\n"
		"zone example.com. /z/outside.zone\n"
		"max-udp-size 4096\n"
		"tcp-idle-timeout 5\n"
		"tcp-max-connections 7\n"
		"allow-transfer 192.0.2.0/24 2001:db8::/32\n"
		"query-log stderr\n"
		"identity ns1\n"
		"view inside{\n"
		"    match 10.0.0.0/8\n"
		"    zone example.com /z/inside.zone\n"
		"}\n", err, sizeof err);
	if (!ok)
		fprintf(stderr, "  %s\n", err);
	CHECK(ok);
	CHECK_INT(c.nlisten, 2);
	CHECK_INT(c.max_udp, 4096);
	CHECK_INT(c.tcp.idle_s, 5);
	CHECK_INT(c.tcp.max_conns, 7);
	CHECK_INT(c.nxfr, 2);
	CHECK_STR(c.query_log, "stderr");
	CHECK_STR(c.identity, "ns1");
	CHECK_INT(c.nviews, 2);
	CHECK_STR(c.views[1].name, "inside");
	CHECK_INT(c.views[1].nmatch, 1);
	CHECK_INT(c.views[0].nzones, 1);
	CHECK_INT(c.views[1].nzones, 1);
	CHECK_STR(c.views[1].zones[0].file, "/z/inside.zone");
	auth_config_free(&c);
}

/* The error names the line and says what is wrong. */
static void bad(const char *text, unsigned line, const char *words)
{
	auth_config c;
	char err[512] = "", want[128];
	CHECK(!read_text(&c, text, err, sizeof err));
	snprintf(want, sizeof want, "%s:%u: ", path, line);
	if (strncmp(err, want, strlen(want)) != 0 || strstr(err, words) == NULL) {
		fprintf(stderr, "  got \"%s\", wanted line %u and \"%s\"\n", err,
			line, words);
		CHECK(0);
	}
	auth_config_free(&c);
}

static void test_errors(void)
{
	bad("listen 192.0.2.1\nlisen 192.0.2.2\n", 2, "unknown setting \"lisen\"");
	bad("listen 192.0.2.300\n", 1, "not an address");
	bad("listen 192.0.2.1@0\n", 1, "not an address");
	bad("zone example.com.\n", 1, "expected: zone ORIGIN FILE");
	bad("zone a..b f\n", 1, "not a zone name");
	bad("zone a. f\nzone A. g\n", 2, "given twice");
	bad("max-udp-size 100\n", 1, "512..65535");
	bad("allow-transfer 192.0.2.1/24\n", 1, "host bits zero");
	bad("match 10.0.0.0/8\n", 1, "inside a view");
	bad("view v {\nlisten 192.0.2.1\n}\n", 2, "not allowed inside a view");
	bad("view v {\nzone a. f\n", 2, "not closed");
	bad("}\n", 1, "without an open view");
	bad("view v {\n}\nview v {\n}\n", 3, "defined twice");
	bad("view v {\nview w {\n", 2, "do not nest");
}

static void test_prefix_matching(void)
{
	net_prefix p;
	net_addr a;
	CHECK(net_prefix_parse("198.51.100.0/24", &p));
	CHECK(net_addr_parse("198.51.100.7", 53, &a));
	CHECK(net_prefix_match(&p, (struct sockaddr *)&a.ss));
	CHECK(net_addr_parse("198.51.101.7", 53, &a));
	CHECK(!net_prefix_match(&p, (struct sockaddr *)&a.ss));
	CHECK(net_addr_parse("::ffff:198.51.100.9", 53, &a));
	CHECK(net_prefix_match(&p, (struct sockaddr *)&a.ss));
	CHECK(net_prefix_parse("2001:db8::/33", &p));
	CHECK(net_addr_parse("2001:db8:7fff::1@5353", 53, &a));
	CHECK(net_prefix_match(&p, (struct sockaddr *)&a.ss));
	CHECK(net_addr_parse("2001:db8:8000::1", 53, &a));
	CHECK(!net_prefix_match(&p, (struct sockaddr *)&a.ss));
	CHECK(net_prefix_parse("0.0.0.0/0", &p));
	CHECK(!net_prefix_parse("10.0.0.0/33", &p));
	CHECK(!net_prefix_parse("10.0.0.0/", &p));
	CHECK(!net_addr_parse("10.0.0.1@", 53, &a));
	CHECK(!net_addr_parse("10.0.0.1@70000", 53, &a));
}

int main(void)
{
	RUN(test_full_config);
	RUN(test_errors);
	RUN(test_prefix_matching);
	return check_summary("test_auth_conf");
}
