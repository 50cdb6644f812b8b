/* dnsim-resolver's settings: the file, the flags' way in, the errors with
 * their FILE:LINE, and the writer read back. */
#include <arpa/inet.h>
#include <stdlib.h>

#include "check.h"
#include "conf/resolver_conf.h"

static bool parse(res_config *c, const char *text, char *err, size_t errsz)
{
	CHECK(res_config_init(c));
	return res_config_parse(c, "r.conf", text, strlen(text), err, errsz);
}

static void test_defaults(void)
{
	res_config c;
	char err[512] = "";
	CHECK(parse(&c, "# nothing but a comment\n", err, sizeof err));
	CHECK_INT(c.cache_bytes, 16u << 20);
	CHECK_INT(c.max_ttl, 86400);
	CHECK_INT(c.max_neg_ttl, 3600);
	CHECK(c.qmin && c.prefetch);
	/* ECS off unless asked for; /24 and /56 when on (RFC 7871 11.1). */
	CHECK(!c.ecs);
	CHECK_INT(c.ecs_v4, 24);
	CHECK_INT(c.ecs_v6, 56);
	CHECK_INT(c.necs_zones, 0);
	CHECK_INT(c.nlisten + c.nallow + c.nblock, 0);
	CHECK(!c.has_sinkhole4 && !c.has_sinkhole6);
	CHECK(c.hints_file == NULL && c.trace == NULL && c.query_log == NULL &&
	      c.control == NULL && c.identity == NULL);
	CHECK_INT(c.tcp.idle_s, 10);
	CHECK_INT(c.tcp.max_conns, 256);
	CHECK_INT(c.tcp.message_s, 0);
	CHECK_INT(c.tcp.output_max, 262144);
	res_config_free(&c);
}

static const char full[] =
	"# an ISP's resolver\n"
	"identity isp-resolver\n"
	"query-log stderr\n"
	"root-hints /sim/root.hints   # named.root format\n"
	"control /sim/control\n"
	"trace /sim/trace.jsonl\n"
	"listen 127.0.0.1\n"
	"listen 2001:db8::1@5353\n"
	"allow 127.0.0.0/8 ::1 198.51.100.0/24 2001:db8:100::/64 10.0.0.0/8\n"
	"allow 10.1.0.0/16 10.2.0.0/16 10.3.0.0/16 10.4.0.0/16 10.5.0.0/16\n"
	"cache-size 1048576\n"
	"max-ttl 600\n"
	"max-negative-ttl 60\n"
	"qname-minimisation no\n"
	"prefetch off\n"
	"block ads.example. tracker.example.net\n"
	"sinkhole 192.0.2.66\n"
	"sinkhole 2001:db8::66\n"
	"tcp-idle-timeout 4\n"
	"tcp-message-timeout 2\n"
	"tcp-max-connections 12\n"
	"tcp-output-limit 65536\n"
	"trust-anchor /sim/root.key\n"
	"trust-anchor /sim/other.key\n"
	"negative-trust-anchor broken.example. bad.test\n"
	"dnssec-validation no\n"
	"client-subnet yes\n"
	"client-subnet-ipv4-prefix 20\n"
	"client-subnet-ipv6-prefix 48\n"
	"client-subnet-zone example.com. cdn.example\n";

static void test_full_config(void)
{
	res_config c;
	char err[512] = "";
	bool ok = parse(&c, full, err, sizeof err);
	if (!ok)
		fprintf(stderr, "  %s\n", err);
	CHECK(ok);
	CHECK_STR(c.identity, "isp-resolver");
	CHECK_STR(c.query_log, "stderr");
	CHECK_STR(c.hints_file, "/sim/root.hints");
	CHECK_STR(c.control, "/sim/control");
	CHECK_STR(c.trace, "/sim/trace.jsonl");
	CHECK_INT(c.nlisten, 2);
	CHECK_INT(c.nallow, 10);
	CHECK_INT(c.cache_bytes, 1048576);
	CHECK_INT(c.max_ttl, 600);
	CHECK_INT(c.max_neg_ttl, 60);
	CHECK(!c.qmin && !c.prefetch);
	CHECK_INT(c.nblock, 2);
	CHECK(c.has_sinkhole4 && c.has_sinkhole6);
	uint8_t want4[4] = { 192, 0, 2, 66 };
	CHECK_MEM(c.sinkhole4, want4, 4);
	CHECK_INT(c.tcp.idle_s, 4);
	CHECK_INT(c.tcp.message_s, 2);
	CHECK_INT(c.tcp.max_conns, 12);
	CHECK_INT(c.tcp.output_max, 65536);
	CHECK(c.ecs);
	CHECK_INT(c.ecs_v4, 20);
	CHECK_INT(c.ecs_v6, 48);
	CHECK_INT(c.necs_zones, 2);
	res_config_free(&c);
}

/* The flags go through res_config_set, as the file does. */
static void test_set(void)
{
	res_config c;
	char err[512] = "";
	CHECK(res_config_init(&c));
	char *one[] = { "192.0.2.1@53" };
	CHECK(res_config_set(&c, "listen", one, 1, err, sizeof err));
	char *two[] = { "127.0.0.0/8", "::1" };
	CHECK(res_config_set(&c, "allow", two, 2, err, sizeof err));
	char *log[] = { "off" };
	CHECK(res_config_set(&c, "query-log", log, 1, err, sizeof err));
	CHECK(c.query_log == NULL);
	char *idle[] = { "7" };
	CHECK(res_config_set(&c, "tcp-idle-timeout", idle, 1, err, sizeof err));
	CHECK_INT(c.tcp.idle_s, 7);
	CHECK(!res_config_set(&c, "root-hints", two, 2, err, sizeof err));
	CHECK_STR(err, "root-hints: wrong number of values");
	CHECK_INT(c.nlisten, 1);
	CHECK_INT(c.nallow, 2);
	res_config_free(&c);
}

static void bad(const char *text, unsigned line, const char *words)
{
	res_config c;
	char err[512] = "", want[64];
	CHECK(!parse(&c, text, err, sizeof err));
	snprintf(want, sizeof want, "r.conf:%u: ", line);
	if (strncmp(err, want, strlen(want)) != 0 || strstr(err, words) == NULL) {
		fprintf(stderr, "  got \"%s\", wanted line %u and \"%s\"\n", err,
			line, words);
		CHECK(0);
	}
	res_config_free(&c);
}

static void test_errors(void)
{
	bad("listen 127.0.0.1\nlisen 127.0.0.2\n", 2, "unknown setting \"lisen\"");
	bad("bogus 1\n", 1, "known: listen, root-hints, allow");
	bad("bogus 1\n", 1, "tcp-output-limit");
	bad("listen 192.0.2.300\n", 1, "is not an address (ADDR or ADDR@PORT)");
	bad("listen\n", 1, "listen: wrong number of values");
	bad("allow\n", 1, "allow: wrong number of values");
	bad("allow 10.0.0.1/8\n", 1, "host bits zero");
	bad("block\n", 1, "block: wrong number of values");
	bad("block a..b\n", 1, "\"a..b\" is not a domain name");
	bad("root-hints a b\n", 1, "root-hints: wrong number of values");
	bad("cache-size 4095\n", 1, "cache-size wants a number of bytes, at least 4096");
	bad("cache-size 1x\n", 1, "cache-size wants");
	bad("max-ttl 2147483648\n", 1, "max-ttl wants seconds (0-2147483647)");
	bad("max-negative-ttl -1\n", 1, "max-negative-ttl wants seconds");
	bad("prefetch maybe\n", 1, "prefetch wants yes or no");
	bad("qname-minimisation\n", 1, "qname-minimisation: wrong number of values");
	bad("sinkhole example.com\n", 1, "\"example.com\" is not an address");
	bad("\n\n\ntcp-max-connections 0\n", 4, "expected: tcp-max-connections 1..100000");
	bad("tcp-output-limit 1\n", 1, "expected: tcp-output-limit 1024..1073741824 (bytes)");
	bad("identity x{\n", 1, "there are no blocks in this file");
	bad("allow 127.0.0.1 }\n", 1, "unexpected '}'");
	bad("prefetch yes\n}\n", 2, "'}' without an open block");
	bad("client-subnet sometimes\n", 1, "client-subnet wants yes or no");
	bad("client-subnet-ipv4-prefix 33\n", 1,
	    "client-subnet-ipv4-prefix wants a prefix length (0-32)");
	bad("client-subnet-ipv6-prefix 129\n", 1, "(0-128)");
	bad("client-subnet-zone\n", 1, "client-subnet-zone: wrong number of values");
	bad("client-subnet-zone a..b\n", 1, "\"a..b\" is not a domain name");
}

static void test_round_trip(void)
{
	res_config c, back;
	char err[512] = "";
	memset(&back, 0, sizeof back);
	CHECK(parse(&c, full, err, sizeof err));
	char *text = res_config_write(&c, err, sizeof err);
	CHECK(text != NULL);
	if (text == NULL) {
		fprintf(stderr, "  %s\n", err);
		res_config_free(&c);
		return;
	}
	bool ok = parse(&back, text, err, sizeof err);
	if (!ok)
		fprintf(stderr, "  %s\n%s", err, text);
	CHECK(ok);
	CHECK_INT(back.nlisten, 2);
	CHECK_MEM(back.listen, c.listen, 2 * sizeof *c.listen);
	CHECK_STR(back.hints_file, c.hints_file);
	CHECK_INT(back.nallow, 10);
	CHECK_MEM(back.allow, c.allow, 10 * sizeof *c.allow);
	CHECK_INT(back.cache_bytes, c.cache_bytes);
	CHECK_INT(back.max_ttl, c.max_ttl);
	CHECK_INT(back.max_neg_ttl, c.max_neg_ttl);
	CHECK(back.qmin == c.qmin && back.prefetch == c.prefetch);
	CHECK_INT(back.nblock, 2);
	for (size_t i = 0; i < 2 && back.nblock == 2; i++) {
		CHECK_INT(back.block[i].len, c.block[i].len);
		CHECK_MEM(back.block[i].data, c.block[i].data, c.block[i].len);
	}
	CHECK(back.has_sinkhole4 && back.has_sinkhole6);
	CHECK_MEM(back.sinkhole4, c.sinkhole4, 4);
	CHECK_MEM(back.sinkhole6, c.sinkhole6, 16);
	CHECK_STR(back.trace, c.trace);
	CHECK_STR(back.query_log, c.query_log);
	CHECK_STR(back.control, c.control);
	CHECK_STR(back.identity, c.identity);
	CHECK_MEM(&back.tcp, &c.tcp, sizeof c.tcp);
	CHECK_INT(back.ntrust_anchors, 2);
	if (back.ntrust_anchors == 2)
		CHECK_STR(back.trust_anchors[1], "/sim/other.key");
	CHECK_INT(back.nnta, 2);
	CHECK(!back.validation && c.nnta == 2 && c.ntrust_anchors == 2);
	CHECK(back.ecs);
	CHECK_INT(back.ecs_v4, 20);
	CHECK_INT(back.ecs_v6, 48);
	CHECK_INT(back.necs_zones, 2);
	if (back.necs_zones == 2)
		CHECK_MEM(back.ecs_zones[1].data, c.ecs_zones[1].data, c.ecs_zones[1].len);
	char *again = res_config_write(&back, err, sizeof err);
	CHECK(again != NULL && strcmp(again, text) == 0);
	free(again);
	free(text);
	res_config_free(&back);
	res_config_free(&c);

	/* The defaults come back as they were, nothing added. */
	CHECK(res_config_init(&c));
	text = res_config_write(&c, err, sizeof err);
	CHECK(text != NULL);
	ok = text && parse(&back, text, err, sizeof err);
	CHECK(ok);
	if (ok) {
		CHECK_INT(back.nlisten + back.nallow + back.nblock, 0);
		CHECK(back.hints_file == NULL && back.query_log == NULL &&
		      back.trace == NULL && back.control == NULL && back.identity == NULL);
		CHECK(!back.has_sinkhole4 && !back.has_sinkhole6);
		CHECK_INT(back.cache_bytes, c.cache_bytes);
		CHECK(back.qmin && back.prefetch && back.validation && !back.ecs);
		CHECK_INT(back.ecs_v4, 24);
		CHECK_INT(back.ntrust_anchors + back.nnta, 0);
		CHECK_MEM(&back.tcp, &c.tcp, sizeof c.tcp);
	}
	free(text);
	res_config_free(&back);
	res_config_free(&c);
}

static void test_write_refuses(void)
{
	res_config c;
	char err[512] = "";
	CHECK(res_config_init(&c));
	char *hints[] = { "/a dir/root.hints" };
	CHECK(res_config_set(&c, "root-hints", hints, 1, err, sizeof err));
	CHECK(res_config_write(&c, err, sizeof err) == NULL);
	CHECK(strstr(err, "\"/a dir/root.hints\" cannot be written") != NULL);
	res_config_free(&c);
}

int main(void)
{
	RUN(test_defaults);
	RUN(test_full_config);
	RUN(test_set);
	RUN(test_errors);
	RUN(test_round_trip);
	RUN(test_write_refuses);
	return check_summary("test_resolver_conf");
}
