/* Link impairments: tc's units read and written, the topology keys
 * (network defaults, a node's own links) and their checks. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "topo/impair.h"

static void test_time(void)
{
	uint64_t us = 99;
	char err[200];
	CHECK(impair_parse_time("20ms", &us, err, sizeof err) && us == 20000);
	CHECK(impair_parse_time("1.5ms", &us, err, sizeof err) && us == 1500);
	CHECK(impair_parse_time("250us", &us, err, sizeof err) && us == 250);
	CHECK(impair_parse_time("2s", &us, err, sizeof err) && us == 2000000);
	CHECK(impair_parse_time("0.25sec", &us, err, sizeof err) && us == 250000);
	CHECK(impair_parse_time("7MSEC", &us, err, sizeof err) && us == 7000);
	CHECK(impair_parse_time("3usecs", &us, err, sizeof err) && us == 3);
	CHECK(impair_parse_time("0", &us, err, sizeof err) && us == 0);
	CHECK(impair_parse_time("0ms", &us, err, sizeof err) && us == 0);
	CHECK(impair_parse_time("60s", &us, err, sizeof err) && us == 60000000);
	us = 42;
	CHECK(!impair_parse_time("-5ms", &us, err, sizeof err));
	CHECK_STR(err, "\"-5ms\" is negative");
	CHECK(!impair_parse_time("20mz", &us, err, sizeof err));
	CHECK_STR(err, "unknown unit \"mz\" in \"20mz\" (use us, ms or s)");
	CHECK(!impair_parse_time("20", &us, err, sizeof err));
	CHECK_STR(err, "\"20\" has no unit (write it like \"20ms\")");
	CHECK(!impair_parse_time("0.5us", &us, err, sizeof err));
	CHECK_STR(err, "\"0.5us\" is finer than a microsecond");
	CHECK(!impair_parse_time("61s", &us, err, sizeof err));
	CHECK_STR(err, "\"61s\" is more than 60s");
	CHECK(!impair_parse_time("ms", &us, err, sizeof err));
	CHECK_STR(err, "\"ms\" is not a value like \"20ms\"");
	CHECK(!impair_parse_time("", &us, err, sizeof err));
	CHECK(!impair_parse_time("1.2.3ms", &us, err, sizeof err));
	CHECK(!impair_parse_time("5 ms", &us, err, sizeof err));
	CHECK(!impair_parse_time("99999999999999999999s", &us, err, sizeof err));
	CHECK(!impair_parse_time("18446744073709551s", &us, err, sizeof err));
	CHECK_STR(err, "\"18446744073709551s\" is too large");
	CHECK_INT(us, 42);   /* untouched by every failure */
}

static void test_loss(void)
{
	uint32_t ppm = 7;
	char err[200];
	CHECK(impair_parse_loss("1%", &ppm, err, sizeof err) && ppm == 10000);
	CHECK(impair_parse_loss("0.25%", &ppm, err, sizeof err) && ppm == 2500);
	CHECK(impair_parse_loss("100%", &ppm, err, sizeof err) && ppm == 1000000);
	CHECK(impair_parse_loss("0.0001%", &ppm, err, sizeof err) && ppm == 1);
	CHECK(impair_parse_loss("0", &ppm, err, sizeof err) && ppm == 0);
	CHECK(impair_parse_loss("0%", &ppm, err, sizeof err) && ppm == 0);
	CHECK(!impair_parse_loss("101%", &ppm, err, sizeof err));
	CHECK_STR(err, "\"101%\" is more than 100%");
	CHECK(!impair_parse_loss("-1%", &ppm, err, sizeof err));
	CHECK_STR(err, "\"-1%\" is negative");
	CHECK(!impair_parse_loss("0.1", &ppm, err, sizeof err));
	CHECK_STR(err, "\"0.1\" is not a percentage like \"1%\"");
	CHECK(!impair_parse_loss("0.00001%", &ppm, err, sizeof err));
	CHECK_STR(err, "\"0.00001%\" is finer than 0.0001%");
	CHECK(!impair_parse_loss("5%%", &ppm, err, sizeof err));
	CHECK_INT(ppm, 0);
}

static void test_rate(void)
{
	uint64_t bps = 5;
	char err[300];
	CHECK(impair_parse_rate("10mbit", &bps, err, sizeof err) && bps == 10000000);
	CHECK(impair_parse_rate("10Mbit", &bps, err, sizeof err) && bps == 10000000);
	CHECK(impair_parse_rate("64kbit", &bps, err, sizeof err) && bps == 64000);
	CHECK(impair_parse_rate("1.5gbit", &bps, err, sizeof err) && bps == 1500000000);
	CHECK(impair_parse_rate("100bit", &bps, err, sizeof err) && bps == 100);
	CHECK(impair_parse_rate("1kibit", &bps, err, sizeof err) && bps == 1024);
	CHECK(impair_parse_rate("2mibit", &bps, err, sizeof err) && bps == 2097152);
	/* As in tc, "bps" is bytes per second. */
	CHECK(impair_parse_rate("1mbps", &bps, err, sizeof err) && bps == 8000000);
	CHECK(impair_parse_rate("125kbps", &bps, err, sizeof err) && bps == 1000000);
	CHECK(impair_parse_rate("10bps", &bps, err, sizeof err) && bps == 80);
	CHECK(impair_parse_rate("1kibps", &bps, err, sizeof err) && bps == 8192);
	CHECK(impair_parse_rate("0", &bps, err, sizeof err) && bps == 0);
	CHECK(impair_parse_rate("100gbit", &bps, err, sizeof err) && bps == 100000000000ULL);
	bps = 5;
	CHECK(!impair_parse_rate("101gbit", &bps, err, sizeof err));
	CHECK_STR(err, "\"101gbit\" is more than 100gbit");
	CHECK(!impair_parse_rate("10mb", &bps, err, sizeof err));
	CHECK(strstr(err, "unknown unit \"mb\" in \"10mb\"") == err);
	CHECK(!impair_parse_rate("10", &bps, err, sizeof err));
	CHECK_STR(err, "\"10\" has no unit (write it like \"10mbit\")");
	CHECK(!impair_parse_rate("0.5bit", &bps, err, sizeof err));
	CHECK_STR(err, "\"0.5bit\" is finer than a bit per second");
	CHECK(!impair_parse_rate("-1mbit", &bps, err, sizeof err));
	CHECK_INT(bps, 5);
}

static void test_format(void)
{
	char s[32];
	impair_format_time(20000, s, sizeof s);
	CHECK_STR(s, "20ms");
	impair_format_time(1500, s, sizeof s);
	CHECK_STR(s, "1.5ms");
	impair_format_time(1001, s, sizeof s);
	CHECK_STR(s, "1.001ms");
	impair_format_time(250, s, sizeof s);
	CHECK_STR(s, "250us");
	impair_format_time(2500000, s, sizeof s);
	CHECK_STR(s, "2.5s");
	impair_format_time(0, s, sizeof s);
	CHECK_STR(s, "0");
	impair_format_loss(10000, s, sizeof s);
	CHECK_STR(s, "1%");
	impair_format_loss(2500, s, sizeof s);
	CHECK_STR(s, "0.25%");
	impair_format_loss(1, s, sizeof s);
	CHECK_STR(s, "0.0001%");
	impair_format_loss(1000000, s, sizeof s);
	CHECK_STR(s, "100%");
	impair_format_rate(10000000, s, sizeof s);
	CHECK_STR(s, "10mbit");
	impair_format_rate(1500000, s, sizeof s);
	CHECK_STR(s, "1.5mbit");
	impair_format_rate(1024, s, sizeof s);
	CHECK_STR(s, "1.024kbit");
	impair_format_rate(999, s, sizeof s);
	CHECK_STR(s, "999bit");
	impair_format_rate(100000000000ULL, s, sizeof s);
	CHECK_STR(s, "100gbit");
	/* Every value written reads back as itself. */
	const uint64_t times[] = { 1, 999, 1000, 1234, 20000, 999999, 1000000, 1000001, 59999999 };
	for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
		uint64_t back = 0;
		impair_format_time(times[i], s, sizeof s);
		CHECK(impair_parse_time(s, &back, NULL, 0) && back == times[i]);
	}
	const uint64_t rates[] = { 1, 999, 1000, 1024, 8000, 1234567, 10000000, 99999999999ULL };
	for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
		uint64_t back = 0;
		impair_format_rate(rates[i], s, sizeof s);
		CHECK(impair_parse_rate(s, &back, NULL, 0) && back == rates[i]);
	}
	for (uint32_t ppm = 0; ppm <= 1000000; ppm += 9973) {
		uint32_t back = 1;
		impair_format_loss(ppm, s, sizeof s);
		CHECK(impair_parse_loss(s, &back, NULL, 0) && back == ppm);
	}
}

static void test_set_overlay_describe(void)
{
	topo_impair im = { 0 }, over = { 0 };
	char err[300], d[120];
	CHECK(!impair_active(&im));
	impair_describe(&im, d, sizeof d);
	CHECK_STR(d, "none");
	CHECK(impair_set(&im, "delay", "20ms", err, sizeof err));
	CHECK(impair_set(&im, "loss", "1%", err, sizeof err));
	CHECK(impair_set(&im, "rate", "10mbit", err, sizeof err));
	CHECK_INT(im.given, IMPAIR_DELAY | IMPAIR_LOSS | IMPAIR_RATE);
	CHECK(impair_active(&im));
	impair_describe(&im, d, sizeof d);
	CHECK_STR(d, "delay=20ms loss=1% rate=10mbit");
	CHECK(!impair_set(&im, "latency", "5ms", err, sizeof err));
	CHECK_STR(err, "unknown link setting \"latency\" (known: delay, jitter, loss, rate)");
	CHECK(!impair_set(&im, "loss", "120%", err, sizeof err));
	CHECK_STR(err, "loss: \"120%\" is more than 100%");
	CHECK_INT(im.loss_ppm, 10000);
	/* Only what `over` gives replaces; a zero given removes. */
	CHECK(impair_set(&over, "loss", "0", err, sizeof err));
	CHECK(impair_set(&over, "jitter", "5ms", err, sizeof err));
	impair_overlay(&im, &over);
	impair_describe(&im, d, sizeof d);
	CHECK_STR(d, "delay=20ms jitter=5ms rate=10mbit");
	CHECK(impair_consistent(&im, err, sizeof err));
	CHECK(impair_set(&im, "jitter", "25ms", err, sizeof err));
	CHECK(!impair_consistent(&im, err, sizeof err));
	CHECK_STR(err, "jitter 25ms is more than the delay (20ms): a frame cannot leave before "
		  "it arrives");
	/* A tiny buffer is cut, never overrun. */
	char tiny[8];
	impair_describe(&im, tiny, sizeof tiny);
	CHECK_INT(strlen(tiny), 7);
}

static const char links_topology[] =
	"[sim]\nname = \"lk\"\n"
	"[network.lan]\nipv4 = \"192.0.2.0/24\"\n"
	"[network.wan]\nipv4 = \"198.51.100.0/24\"\ndelay = \"5ms\"\nloss = \"1%\"\n"
	"[node.r]\nrouter = true\naddresses = { lan = \"192.0.2.1\", wan = \"198.51.100.1\" }\n"
	"[node.a]\naddresses = { lan = \"192.0.2.10\" }\n"
	"links = { lan = { delay = \"20ms\", jitter = \"2ms\" } }\n"
	"[node.c]\naddresses = { wan = \"198.51.100.7\" }\n"
	"links = { wan = { loss = \"0\", rate = \"1mbit\" } }\n";

static void test_topology_keys(void)
{
	topo t;
	char err[512];
	bool ok;
	load(&t, links_topology, err, sizeof err, &ok);
	CHECK(ok);
	if (!ok) {
		fprintf(stderr, "%s\n", err);
		return;
	}
	const topo_network *wan = topo_network_find(&t, "wan");
	CHECK(wan && wan->impair.delay_us == 5000 && wan->impair.loss_ppm == 10000);
	CHECK(wan && wan->impair_line == 7);
	const topo_node *a = topo_node_find(&t, "a"), *c = topo_node_find(&t, "c"),
		*r = topo_node_find(&t, "r");
	CHECK(a && a->nlinks == 1 && a->links[0].line == 14);
	char d[120];
	topo_impair im = topo_link_impair(&t, a, 0);
	impair_describe(&im, d, sizeof d);
	CHECK_STR(d, "delay=20ms jitter=2ms");
	/* c's own loss = "0" takes the network's 1% away; its delay stays. */
	im = topo_link_impair(&t, c, 1);
	impair_describe(&im, d, sizeof d);
	CHECK_STR(d, "delay=5ms rate=1mbit");
	im = topo_link_impair(&t, r, 1);
	impair_describe(&im, d, sizeof d);
	CHECK_STR(d, "delay=5ms loss=1%");
	im = topo_link_impair(&t, r, 0);
	CHECK(!impair_active(&im));
	topo_free(&t);
}

/* The error a topology gives: text with one line replaced. */
static void parse_error(const char *extra, const char *want)
{
	char text[2048], err[512] = "";
	snprintf(text, sizeof text, "[sim]\nname = \"lk\"\n"
		 "[network.lan]\nipv4 = \"192.0.2.0/24\"\n%s", extra);
	topo t;
	bool ok;
	load(&t, text, err, sizeof err, &ok);
	CHECK(!ok);
	if (strcmp(err, want) != 0) {
		fprintf(stderr, "  got:  %s\n  want: %s\n", err, want);
		CHECK(strcmp(err, want) == 0);
	}
	topo_free(&t);
}

static void test_parse_errors(void)
{
	parse_error("[node.a]\naddresses = { lan = \"192.0.2.10\" }\n"
		    "links = { lan = { delay = \"-5ms\" } }\n",
		    "t.toml:7:27: node a: link lan: delay: \"-5ms\" is negative");
	parse_error("[node.a]\naddresses = { lan = \"192.0.2.10\" }\n"
		    "links = { lan = { loss = \"101%\" } }\n",
		    "t.toml:7:26: node a: link lan: loss: \"101%\" is more than 100%");
	parse_error("[node.a]\naddresses = { lan = \"192.0.2.10\" }\n"
		    "links = { lan = { rate = \"10mb\" } }\n",
		    "t.toml:7:26: node a: link lan: rate: unknown unit \"mb\" in \"10mb\" (use bit, "
		    "kbit, mbit, gbit, or bps, kbps, mbps for bytes per second, as tc does)");
	parse_error("[node.a]\naddresses = { lan = \"192.0.2.10\" }\n"
		    "links = { lan = { delay = 20 } }\n",
		    "t.toml:7:27: node a: link lan: delay must be a string like \"20ms\", not an "
		    "integer");
	parse_error("[node.a]\naddresses = { lan = \"192.0.2.10\" }\n"
		    "links = { lan = { dealy = \"5ms\" } }\n",
		    "t.toml:7:27: unknown key \"dealy\" in links.lan of node a (did you mean "
		    "\"delay\"?)");
	parse_error("[node.a]\naddresses = { lan = \"192.0.2.10\" }\n"
		    "links = { wan = { delay = \"5ms\" } }\n",
		    "t.toml:7:17: node a: links: no network named \"wan\"");
	parse_error("[node.a]\naddresses = { lan = \"192.0.2.10\" }\nlinks = { lan = \"5ms\" }\n",
		    "t.toml:7:17: links.lan of node a must be a table, not a string");
	parse_error("[network.wan]\nipv4 = \"198.51.100.0/24\"\njitter = \"1 ms\"\n"
		    "[node.a]\naddresses = { lan = \"192.0.2.10\" }\n",
		    "t.toml:7:10: network wan: jitter: unknown unit \" ms\" in \"1 ms\" (use us, ms "
		    "or s)");
}

static int no_files(void *ctx, const char *path, char **data, size_t *len)
{
	(void)ctx;
	(void)path;
	(void)data;
	(void)len;
	return ENOENT;
}

static void collect(void *ctx, const char *line)
{
	char *buf = ctx;
	size_t used = strlen(buf);
	snprintf(buf + used, 2048 - used, "%s\n", line);
}

static void test_check_errors(void)
{
	static const char text[] =
		"[sim]\nname = \"lk\"\n"
		"[network.lan]\nipv4 = \"192.0.2.0/24\"\n"
		"[network.wan]\nipv4 = \"198.51.100.0/24\"\ndelay = \"5ms\"\njitter = \"6ms\"\n"
		"[node.a]\naddresses = { lan = \"192.0.2.10\" }\n"
		"links = { wan = { delay = \"20ms\" } }\n"
		"[node.b]\naddresses = { lan = \"192.0.2.11\" }\n"
		"links = { lan = { delay = \"2ms\", jitter = \"3ms\" } }\n"
		"[node.c]\naddresses = { wan = \"198.51.100.3\" }\n"
		"links = { wan = { delay = \"10ms\" } }\n";
	topo t;
	char err[512], out[2048] = "";
	bool ok;
	load(&t, text, err, sizeof err, &ok);
	CHECK(ok);
	if (!ok)
		return;
	topo_model m;
	CHECK(topo_model_from(&m, &t, no_files, NULL, err, sizeof err));
	unsigned n = topo_check(&m, collect, out);
	CHECK_INT(n, 3);
	CHECK(strstr(out, "t.toml:7: network wan: jitter 6ms is more than the delay (5ms): a "
		      "frame cannot leave before it arrives\n") != NULL);
	CHECK(strstr(out, "t.toml:11: node a: links.wan: the node is not on network wan (it "
		      "has no address there)\n") != NULL);
	CHECK(strstr(out, "t.toml:14: node b: link lan: jitter 3ms is more than the delay "
		      "(2ms)") != NULL);
	/* c's own delay makes the network's jitter possible: no problem. */
	CHECK(strstr(out, "node c") == NULL);
	topo_model_free(&m);
}

int main(void)
{
	RUN(test_time);
	RUN(test_loss);
	RUN(test_rate);
	RUN(test_format);
	RUN(test_set_overlay_describe);
	RUN(test_topology_keys);
	RUN(test_parse_errors);
	RUN(test_check_errors);
	return check_summary("topo/impair");
}
