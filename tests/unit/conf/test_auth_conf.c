/* dnsim-auth's config file: what it accepts, and the file:line of what
 * it does not. */
#include <arpa/inet.h>
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
		"alias-resolver 198.51.100.53\n"
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
	CHECK(c.has_alias_resolver);
	CHECK_INT(((struct sockaddr_in *)&c.alias_resolver.ss)->sin_port, htons(53));
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

/* ---- beyond the tests moved from tests/unit/auth ---------------------- */

static void test_defaults_and_tcp_settings(void)
{
	auth_config c;
	char err[512] = "";
	CHECK(read_text(&c, "", err, sizeof err));
	CHECK_INT(c.max_udp, 1232);
	CHECK_INT(c.tcp.idle_s, 10);
	CHECK_INT(c.tcp.max_conns, 100);
	CHECK_INT(c.tcp.message_s, 0);
	CHECK_INT(c.tcp.output_max, 262144);
	CHECK_INT(c.rate_limit, 0);
	CHECK_INT(c.rate_slip, 2);
	CHECK_INT(c.nviews, 1);
	CHECK(c.query_log == NULL);
	auth_config_free(&c);

	CHECK(read_text(&c, "tcp-message-timeout 4\ntcp-output-limit 65536\n"
			"query-log stderr\nquery-log off\n", err, sizeof err));
	CHECK_INT(c.tcp.message_s, 4);
	CHECK_INT(c.tcp.output_max, 65536);
	CHECK(c.query_log == NULL);
	auth_config_free(&c);
}

static void test_more_errors(void)
{
	bad("tcp-output-limit 10\n", 1, "expected: tcp-output-limit 1024..");
	bad("\n\ntcp-idle-timeout 0\n", 3, "expected: tcp-idle-timeout 1..3600");
	bad("view v {\ntcp-idle-timeout 5\n}\n", 2, "not allowed inside a view");
	bad("view v {\n}\nview v2 { x\n", 3, "expected: view NAME {");
	bad("view default {\n}\n", 1, "view default is defined twice");
	bad("zone a. {\n", 1, "unexpected '{'");
	bad("rate-limit 1000001\n", 1, "expected: rate-limit");
	bad("rate-limit-slip 101\n", 1, "expected: rate-limit-slip 0..100");
	bad("identity\n", 1, "expected: identity NAME");
	bad("alias-resolver\n", 1, "expected: alias-resolver ADDR[@PORT]");
	bad("alias-resolver resolver.example\n", 1, "is not an address");
	bad("query-log a b\n", 1, "expected: query-log");
	bad("allow-transfer\n", 1, "expected: allow-transfer PREFIX");
	bad("view v {\nmatch\n}\n", 2, "expected: match PREFIX");
	bad("view v {\nmatch 10.0.0.1/8\n}\n", 2, "host bits zero");
	bad("listen\n", 1, "expected: listen ADDR[@PORT]");
	bad("x\0y\n", 1, "unknown setting \"x\"");  /* the text ends at its NUL here */
	bad("# one\nlisten 192.0.2.1 # two\nbogus 1\n", 3, "known: listen, zone, view");
}

/* Everything set, written, read back: the same settings, and the same
 * text when written again. */
static void test_round_trip(void)
{
	auth_config c, back;
	char err[512] = "";
	memset(&back, 0, sizeof back);
	bool ok = read_text(&c,
		"listen 192.0.2.53\n"
		"listen 2001:db8::53@5353\n"
		"zone example.com. /z/outside.zone\n"
		"zone . /z/root.zone\n"
		"max-udp-size 4096\n"
		"tcp-idle-timeout 5\ntcp-message-timeout 3\n"
		"tcp-max-connections 7\ntcp-output-limit 8192\n"
		"rate-limit 50\nrate-limit-slip 0\n"
		"allow-transfer 192.0.2.0/24 2001:db8::/32 10.0.0.1 10.0.0.2 10.0.0.3\n"
		"allow-transfer 10.0.0.4 10.0.0.5 10.0.0.6 10.0.0.7 10.0.0.8\n"
		"query-log /var/log/q.log\n"
		"identity ns1\n"
		"alias-resolver 2001:db8::53@5300\n"
		"view inside {\n match 10.0.0.0/8 ::1\n zone example.com /z/inside.zone\n}\n"
		"view empty {\n}\n", err, sizeof err);
	if (!ok)
		fprintf(stderr, "  %s\n", err);
	CHECK(ok);
	char *text = auth_config_write(&c, err, sizeof err);
	CHECK(text != NULL);
	if (text == NULL) {
		fprintf(stderr, "  %s\n", err);
		auth_config_free(&c);
		return;
	}
	ok = read_text(&back, text, err, sizeof err);
	if (!ok)
		fprintf(stderr, "  %s\n%s", err, text);
	CHECK(ok);
	CHECK_INT(back.nlisten, 2);
	CHECK_MEM(back.listen, c.listen, 2 * sizeof *c.listen);
	CHECK_INT(back.max_udp, 4096);
	CHECK_MEM(&back.tcp, &c.tcp, sizeof c.tcp);
	CHECK_INT(back.tcp.message_s, 3);
	CHECK_INT(back.rate_limit, 50);
	CHECK_INT(back.rate_slip, 0);
	CHECK_INT(back.nxfr, 10);
	CHECK_MEM(back.xfr, c.xfr, 10 * sizeof *c.xfr);
	CHECK_STR(back.query_log, "/var/log/q.log");
	CHECK_STR(back.identity, "ns1");
	CHECK(back.has_alias_resolver);
	CHECK_MEM(&back.alias_resolver, &c.alias_resolver, sizeof c.alias_resolver);
	CHECK_INT(back.nviews, 3);
	for (size_t v = 0; v < 3 && back.nviews == 3; v++) {
		CHECK_STR(back.views[v].name, c.views[v].name);
		CHECK_INT(back.views[v].nmatch, c.views[v].nmatch);
		if (c.views[v].nmatch && back.views[v].nmatch == c.views[v].nmatch)
			CHECK_MEM(back.views[v].match, c.views[v].match,
				  c.views[v].nmatch * sizeof *c.views[v].match);
		CHECK_INT(back.views[v].nzones, c.views[v].nzones);
		for (size_t z = 0; z < c.views[v].nzones && z < back.views[v].nzones; z++) {
			CHECK_STR(back.views[v].zones[z].origin, c.views[v].zones[z].origin);
			CHECK_STR(back.views[v].zones[z].file, c.views[v].zones[z].file);
		}
	}
	char *again = auth_config_write(&back, err, sizeof err);
	CHECK(again != NULL && strcmp(again, text) == 0);
	free(again);
	free(text);
	auth_config_free(&back);

	/* The defaults, and an off query log, come back as they were. */
	auth_config_free(&c);
	CHECK(auth_config_init(&c));
	text = auth_config_write(&c, err, sizeof err);
	CHECK(text != NULL);
	ok = text && read_text(&back, text, err, sizeof err);
	CHECK(ok);
	if (ok) {
		CHECK(back.query_log == NULL && back.identity == NULL);
		CHECK_INT(back.max_udp, c.max_udp);
		CHECK_MEM(&back.tcp, &c.tcp, sizeof c.tcp);
		CHECK_INT(back.rate_slip, c.rate_slip);
		CHECK_INT(back.nviews, 1);
	}
	free(text);
	auth_config_free(&back);
	auth_config_free(&c);
}

/* A config built the way the simulator builds one: by the add functions,
 * then written. */
static void test_built_and_written(void)
{
	auth_config c, back;
	char err[512] = "";
	memset(&back, 0, sizeof back);
	CHECK(auth_config_init(&c));
	CHECK(auth_config_add_listen(&c, "198.18.1.1", err, sizeof err));
	CHECK(auth_config_add_zone(&c, 0, ".", "/sim/root.zone", err, sizeof err));
	CHECK(auth_config_add_view(&c, "inside", err, sizeof err));
	CHECK(!auth_config_add_view(&c, "inside", err, sizeof err));
	CHECK_STR(err, "view inside is defined twice");
	CHECK(!auth_config_add_view(&c, "default", err, sizeof err));
	CHECK(auth_config_add_match(&c, 1, "10.0.0.0/8", err, sizeof err));
	CHECK(!auth_config_add_match(&c, 0, "10.0.0.0/8", err, sizeof err));
	CHECK(!auth_config_add_match(&c, 2, "10.0.0.0/8", err, sizeof err));
	CHECK(!auth_config_add_match(&c, 1, "10.0.0.1/8", err, sizeof err));
	CHECK(auth_config_add_zone(&c, 1, "corp.example.", "/sim/corp.zone", err, sizeof err));
	c.tcp.max_conns = 3;
	char *text = auth_config_write(&c, err, sizeof err);
	CHECK(text != NULL);
	CHECK(text && strstr(text, "view inside {\n\tmatch 10.0.0.0/8\n"
				"\tzone corp.example. /sim/corp.zone\n}\n") != NULL);
	CHECK(text && strstr(text, "tcp-max-connections 3\n") != NULL);
	bool ok = text && read_text(&back, text, err, sizeof err);
	CHECK(ok);
	if (ok) {
		CHECK_INT(back.nviews, 2);
		CHECK_INT(back.views[1].nmatch, 1);
		CHECK_STR(back.views[1].zones[0].origin, "corp.example.");
		CHECK_INT(back.tcp.max_conns, 3);
	}
	free(text);
	auth_config_free(&back);
	auth_config_free(&c);
}

/* What the syntax cannot carry is refused, not written wrong. */
static void test_write_refuses(void)
{
	auth_config c;
	char err[512] = "";
	CHECK(auth_config_init(&c));
	CHECK(auth_config_add_zone(&c, 0, "example.com.", "/my zones/a.zone", err, sizeof err));
	CHECK(auth_config_write(&c, err, sizeof err) == NULL);
	CHECK(strstr(err, "\"/my zones/a.zone\" cannot be written") != NULL);
	auth_config_free(&c);

	CHECK(read_text(&c, "view v {\n}\n", err, sizeof err));
	free(c.views[1].name);
	c.views[1].name = strdup("a#b");
	CHECK(c.views[1].name != NULL);
	CHECK(auth_config_write(&c, err, sizeof err) == NULL);
	CHECK(strstr(err, "\"a#b\" cannot be written") != NULL);
	auth_config_free(&c);
}

/* Transfers, NOTIFY and UPDATE: keys, a zone's primaries and NOTIFY
 * targets, views chosen by key; read, checked, written and read back. */
static void test_transfer_settings(void)
{
	auth_config c, back;
	char err[512] = "";
	bool ok = read_text(&c,
		"tsig-key xfr. hmac-sha256 c2VjcmV0\n"
		"tsig-key inside hmac-sha512 c2VjcmV0Mg==\n"
		"ixfr-journal 7\n"
		"allow-transfer key xfr 192.0.2.0/24\n"
		"zone example.com. /z/a.zone\n"
		"primary example.com 192.0.2.1 key xfr\n"
		"primary example.com. 2001:db8::1@5300\n"
		"notify example.com. 192.0.2.9@5301 key xfr\n"
		"allow-update example.com. xfr inside\n"
		"view inside {\n match key inside 10.0.0.0/8\n"
		" zone example.com /z/b.zone\n primary example.com. 192.0.2.1 key inside\n}\n",
		err, sizeof err);
	if (!ok)
		fprintf(stderr, "  %s\n", err);
	CHECK(ok);
	CHECK_INT(c.nkeys, 2);
	CHECK(auth_config_key(&c, "XFR") == &c.keys[0]);
	CHECK(auth_config_key(&c, "nope") == NULL);
	CHECK_INT(c.journal, 7);
	CHECK_INT(c.nxfr_keys, 1);
	CHECK_INT(c.nxfr, 1);
	auth_zone_conf *z = auth_config_zone(&c, 0, "Example.COM.");
	CHECK(z != NULL);
	if (z) {
		CHECK_INT(z->nprimaries, 2);
		CHECK_STR(z->primaries[0].key, "xfr");
		CHECK(z->primaries[1].key == NULL);
		CHECK_INT(ntohs(((struct sockaddr_in6 *)&z->primaries[1].addr.ss)->sin6_port), 5300);
		CHECK_INT(z->nnotify, 1);
		CHECK_INT(z->nupdate_keys, 2);
	}
	CHECK_INT(c.views[1].nmatch_keys, 1);
	CHECK_INT(c.views[1].nmatch, 1);
	z = auth_config_zone(&c, 1, "example.com.");
	CHECK(z && z->nprimaries == 1 && strcmp(z->primaries[0].key, "inside") == 0);

	char *text = auth_config_write(&c, err, sizeof err);
	CHECK(text != NULL);
	memset(&back, 0, sizeof back);
	ok = text && read_text(&back, text, err, sizeof err);
	if (!ok)
		fprintf(stderr, "  %s\n%s", err, text ? text : "");
	CHECK(ok);
	char *again = ok ? auth_config_write(&back, err, sizeof err) : NULL;
	CHECK(again && text && strcmp(again, text) == 0);
	free(again);
	free(text);
	auth_config_free(&back);
	auth_config_free(&c);

	bad("primary example.com. 192.0.2.1\n", 1, "no zone example.com. above it");
	bad("zone a. f\nprimary a. 192.0.2.1 key\n", 2, "expected: primary ORIGIN");
	bad("zone a. f\nnotify a. nowhere\n", 2, "not an address");
	bad("zone a. f\nallow-update a.\n", 2, "expected: allow-update");
	bad("tsig-key k hmac-sha256\n", 1, "expected: tsig-key NAME ALGORITHM SECRET");
	bad("tsig-key k a s\ntsig-key K. a s\n", 2, "defined twice");
	bad("allow-transfer key\n", 1, "needs a key name");
	bad("view v {\nzone a. f\n}\nprimary a. 192.0.2.1\n", 4, "no zone a. above it");
	bad("ixfr-journal -1\n", 1, "ixfr-journal 0..100000");
}

/* ---- routing policies -------------------------------------------------- */

static const char policy_text[] =
	"region europe 198.51.100.0/26 2001:db8:100::/64\n"
	"region america 203.0.113.0/24\n"
	"region-delay europe america 45\n"
	"policy-key example.com. /keys/Kexample.com.+013+01234.private\n"
	"policy shop.example.com {\n"
	"    routing weighted\n"
	"    ttl 30\n"
	"    answer 203.0.113.10 weight 70\n"
	"    answer 203.0.113.11 weight 20\n"
	"    answer 203.0.113.12          # weight 1\n"
	"}\n"
	"policy www.example.com. {\n"
	"    routing failover\n"
	"    check http 8080 /health\n"
	"    check-interval 1\n"
	"    check-threshold 2\n"
	"    answer 203.0.113.10 primary\n"
	"    answer 203.0.113.11 secondary\n"
	"    answer 2001:db8:113::10 primary\n"
	"}\n"
	"policy geo.example.com. {\n"
	"    routing geolocation\n"
	"    answer 203.0.113.10 region europe\n"
	"    answer 203.0.113.12 default\n"
	"}\n"
	"policy near.example.com. {\n"
	"    routing latency\n"
	"    answer 203.0.113.10 region europe\n"
	"    answer 203.0.113.11 region america\n"
	"}\n"
	"policy pool.example.com. {\n"
	"    routing multivalue\n"
	"    check tcp 80\n"
	"    answer 203.0.113.10\n"
	"    answer 203.0.113.11\n"
	"}\n"
	"zone example.com. /z/example.zone\n";

static void check_policies_read(const auth_config *c)
{
	CHECK_INT(c->nregions, 2);
	CHECK_STR(c->regions[0].name, "europe");
	CHECK_INT(c->regions[0].nprefixes, 2);
	CHECK_INT(c->ndelays, 1);
	CHECK_INT(c->delays[0].ms, 45);
	CHECK_INT(c->npolicy_keys, 1);
	CHECK_STR(c->policy_keys[0].origin, "example.com.");
	CHECK_INT(c->npolicies, 5);
	const auth_policy_conf *p = &c->policies[0];
	CHECK_STR(p->name, "shop.example.com.");
	CHECK_INT(p->routing, AUTH_ROUTE_WEIGHTED);
	CHECK_INT(p->ttl, 30);
	CHECK_INT(p->check, AUTH_CHECK_NONE);
	CHECK_INT(p->nanswers, 3);
	CHECK_INT(p->answers[0].weight, 70);
	CHECK_INT(p->answers[2].weight, 1);
	p = &c->policies[1];
	CHECK_INT(p->routing, AUTH_ROUTE_FAILOVER);
	CHECK_INT(p->ttl, AUTH_POLICY_TTL_DEFAULT);
	CHECK_INT(p->check, AUTH_CHECK_HTTP);
	CHECK_INT(p->check_port, 8080);
	CHECK_STR(p->check_path, "/health");
	CHECK_INT(p->check_interval, 1);
	CHECK_INT(p->check_threshold, 2);
	CHECK(!p->answers[0].secondary);
	CHECK(p->answers[1].secondary);
	CHECK_INT(p->answers[2].addr.ss.ss_family, AF_INET6);
	p = &c->policies[2];
	CHECK_INT(p->routing, AUTH_ROUTE_GEOLOCATION);
	CHECK_STR(p->answers[0].region, "europe");
	CHECK(p->answers[1].region == NULL);
	CHECK_INT(c->policies[3].routing, AUTH_ROUTE_LATENCY);
	p = &c->policies[4];
	CHECK_INT(p->routing, AUTH_ROUTE_MULTIVALUE);
	CHECK_INT(p->check, AUTH_CHECK_TCP);
	CHECK_INT(p->check_interval, AUTH_CHECK_INTERVAL_DEFAULT);
	CHECK_INT(p->check_threshold, AUTH_CHECK_THRESHOLD_DEFAULT);
	CHECK_INT(c->nviews, 1);
	CHECK_INT(c->views[0].nzones, 1);
}

static void test_policies(void)
{
	auth_config c, back;
	char err[512] = "";
	bool ok = read_text(&c, policy_text, err, sizeof err);
	if (!ok)
		fprintf(stderr, "  %s\n", err);
	CHECK(ok);
	check_policies_read(&c);
	/* Written and read back: the same. */
	char *text = auth_config_write(&c, err, sizeof err);
	CHECK(text != NULL);
	if (text) {
		ok = read_text(&back, text, err, sizeof err);
		if (!ok)
			fprintf(stderr, "  %s\n%s", err, text);
		CHECK(ok);
		check_policies_read(&back);
		auth_config_free(&back);
	}
	free(text);
	auth_config_free(&c);
}

/* `sim policy set` and `del` edit a server's policies in place: one
 * removed, the others kept in order, and a replacement added again
 * under the same name. */
static void test_policy_removed(void)
{
	auth_config c;
	char err[512] = "";
	CHECK(read_text(&c, policy_text, err, sizeof err));
	size_t before = c.npolicies;
	CHECK(!auth_config_del_policy(&c, "nowhere.example.com."));
	CHECK(auth_config_del_policy(&c, "WWW.example.com"));
	CHECK_INT(c.npolicies, before - 1);
	CHECK_STR(c.policies[0].name, "shop.example.com.");
	CHECK_STR(c.policies[1].name, "geo.example.com.");
	CHECK(!auth_config_del_policy(&c, "www.example.com."));
	static const char again[] = "policy www.example.com. {\n routing multivalue\n"
				    " answer 192.0.2.7\n}\n";
	bool ok = auth_config_parse(&c, "again", again, sizeof again - 1, err, sizeof err);
	if (!ok)
		fprintf(stderr, "  %s\n", err);
	CHECK(ok);
	CHECK_INT(c.npolicies, before);
	CHECK_STR(c.policies[before - 1].name, "www.example.com.");
	auth_config_free(&c);
}

static void test_policy_errors(void)
{
	bad("policy a.example. {\n    answer 192.0.2.1\n}\n", 2, "routing");
	bad("policy a.example. {\n    routing roundrobin\n}\n", 2,
	    "expected: routing weighted|failover");
	bad("policy a.example. {\n    routing weighted\n    answer 192.0.2.1 weight x\n}\n", 3,
	    "expected: answer ADDRESS [weight N]");
	bad("policy a.example. {\n    routing failover\n    answer 192.0.2.1\n}\n", 3,
	    "primary|secondary");
	bad("policy a.example. {\n    routing failover\n    answer 192.0.2.1 secondary\n}\n", 1,
	    "no primary A answer");
	bad("policy a.example. {\n    routing geolocation\n    answer 192.0.2.1 region mars\n}\n",
	    3, "no region mars");
	bad("policy a.example. {\n    routing weighted\n    answer 192.0.2.1 weight 0\n}\n", 1,
	    "weights are all 0");
	bad("policy a.example. {\n    routing multivalue\n    answer www.example.com\n}\n", 3,
	    "not an IPv4 or IPv6 address");
	bad("policy a.example. {\n    routing multivalue\n}\n", 1, "no answers");
	bad("policy a.example. {\n    routing multivalue\n    check udp 53\n}\n", 3,
	    "expected: check tcp PORT");
	bad("policy a.example. {\n    routing multivalue\n    listen 192.0.2.1\n}\n", 3,
	    "not a policy setting");
	bad("policy a.example. {\n    routing multivalue\n    answer 192.0.2.1\n}\n"
	    "policy A.example {\n}\n", 5, "given twice");
	bad("policy a.example. {\n    routing multivalue\n    answer 192.0.2.1\n", 3,
	    "policy a.example. is not closed");
	bad("region europe 10.0.0.1/8\n", 1, "host bits");
	bad("region default\n", 1, "expected: region NAME");
	bad("region europe\nregion-delay europe asia 10\n", 2, "no region line defines");
	bad("region-delay europe 10\n", 1, "expected: region-delay");
}

int main(void)
{
	RUN(test_full_config);
	RUN(test_policies);
	RUN(test_policy_removed);
	RUN(test_policy_errors);
	RUN(test_errors);
	RUN(test_prefix_matching);
	RUN(test_defaults_and_tcp_settings);
	RUN(test_more_errors);
	RUN(test_round_trip);
	RUN(test_built_and_written);
	RUN(test_write_refuses);
	RUN(test_transfer_settings);
	return check_summary("test_auth_conf");
}
