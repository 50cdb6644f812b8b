/* The topology model: parsing (with its errors), validation, and the
 * shortest-path routes the builder installs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "topo/model.h"
#include "topo/routes.h"
#include "topo/topo.h"

static const char chain[] =
	"[sim]\nname = \"u\"\n"
	"[network.a]\nipv4 = \"198.51.100.0/24\"\n"
	"[network.b]\nipv4 = \"198.18.0.0/24\"\nipv6 = \"2001:db8:1::/64\"\n"
	"[network.c]\nipv4 = \"203.0.113.0/24\"\nipv6 = \"2001:db8:2::/64\"\n"
	"[network.island]\nipv4 = \"192.0.2.0/24\"\n"
	"[node.r1]\nrouter = true\naddresses = { a = \"198.51.100.1\", b = [\"198.18.0.1\", \"2001:db8:1::1\"] }\n"
	"[node.r2]\nrouter = true\naddresses = { b = [\"198.18.0.2\", \"2001:db8:1::2\"], c = [\"203.0.113.1\", \"2001:db8:2::1\"] }\n"
	"[node.host]\naddresses = { a = \"198.51.100.7\" }\n"
	"[node.host.client]\nsearch = [\"example.com\"]\ntimeout = 3\nhosts = { \"x.example\" = \"192.0.2.9\" }\n"
	"[node.srv]\naddresses = { c = [\"203.0.113.9\", \"2001:db8:2::9\"] }\n"
	"[node.lonely]\naddresses = { island = \"192.0.2.5\" }\n";

static void load(topo *t, const char *text, char *err, size_t errsz, bool *ok)
{
	*ok = topo_parse(t, "t.toml", text, strlen(text), err, errsz);
}

static void test_parse_model(void)
{
	topo t;
	char err[512];
	bool ok;
	load(&t, chain, err, sizeof err, &ok);
	CHECK(ok);
	if (!ok) {
		fprintf(stderr, "%s\n", err);
		return;
	}
	CHECK_STR(t.name, "u");
	CHECK_INT(t.nnetworks, 4);
	CHECK_INT(t.nnodes, 5);
	const topo_node *r1 = topo_node_find(&t, "r1");
	CHECK(r1 && r1->router && r1->naddrs == 3);
	const topo_node *h = topo_node_find(&t, "host");
	CHECK(h && h->nsearch == 1 && h->timeout == 3 && h->nhosts == 1);
	CHECK(h && strcmp(h->hosts[0].address, "192.0.2.9") == 0);
	topo_free(&t);
}

static void test_routes(void)
{
	topo t;
	char err[512];
	bool ok;
	load(&t, chain, err, sizeof err, &ok);
	CHECK(ok);
	if (!ok)
		return;
	routes r;
	CHECK(routes_compute(&t, &r));
	const topo_node *host = topo_node_find(&t, "host");
	const topo_node *r1 = topo_node_find(&t, "r1");
	const topo_node *srv = topo_node_find(&t, "srv");
	const topo_addr *via = NULL;
	/* host -> c: first hop r1 on a. */
	CHECK(routes_next_hop(&t, &r, host, 2, AF_INET, &via));
	CHECK(via && strcmp(via->text, "198.51.100.1") == 0);
	/* r1 -> c: via r2 on b. */
	CHECK(routes_next_hop(&t, &r, r1, 2, AF_INET, &via));
	CHECK(via && strcmp(via->text, "198.18.0.2") == 0);
	/* IPv6: r1 -> c via r2's v6 address; host has no IPv6 at all. */
	CHECK(routes_next_hop(&t, &r, r1, 2, AF_INET6, &via));
	CHECK(via && strcmp(via->text, "2001:db8:1::2") == 0);
	CHECK(!routes_next_hop(&t, &r, host, 2, AF_INET6, &via));
	/* srv <- back to a; its own network needs no route. */
	CHECK(routes_next_hop(&t, &r, srv, 0, AF_INET, &via));
	CHECK(via && strcmp(via->text, "203.0.113.1") == 0);
	CHECK(routes_next_hop(&t, &r, srv, 2, AF_INET, &via) && via == NULL);
	/* Nobody reaches the island. */
	CHECK(!routes_next_hop(&t, &r, host, 3, AF_INET, &via));
	routes_free(&r);
	topo_free(&t);
}

static void bad(const char *text, const char *want)
{
	topo t;
	char err[512];
	bool ok;
	load(&t, text, err, sizeof err, &ok);
	CHECK(!ok);
	if (!ok && strstr(err, want) == NULL) {
		fprintf(stderr, "error \"%s\" lacks \"%s\"\n", err, want);
		CHECK(0);
	}
	topo_free(&t);
}

static void test_parse_errors(void)
{
	bad("[network.a]\nipv4 = \"198.51.100.0/24\"\n[node.x]\naddress = { a = \"198.51.100.2\" }\n",
	    "t.toml:4:11: unknown key \"address\" in [node.x] (did you mean \"addresses\"?)");
	bad("[network.a]\nipv4 = 24\n", "t.toml:2:8: ipv4 must be a string, not an integer");
	bad("[network.a]\nipv4 = \"198.51.100.1/24\"\n", "has host bits set after /24");
	bad("[network.a]\nipv4 = \"2001:db8::/64\"\n", "is not an IPv4 prefix");
	bad("[node.Big]\naddresses = {}\n", "node name \"Big\" is not usable");
	bad("[network.a]\nipv4 = \"198.51.100.0/24\"\n[node.x]\naddresses = { b = \"198.51.100.2\" }\n",
	    "node x: no network named \"b\"");
	bad("[network.a]\nipv4 = \"198.51.100.0/24\"\n[node.x]\naddresses = { a = \"198.51.100.2\" }\n"
	    "auth.zones = { \".\" = \"r.zone\" }\nresolver.allow = []\n", "has both auth and resolver");
	bad("[sim]\nname = \"x\"\n", "no nodes");
	bad("[network.a]\nipv4 = \"198.51.100.0/24\n", "t.toml:2:");
	bad("[network.a]\nipv4 = \"198.51.100.0/24\"\n[node.x]\naddresses = { a = \"198.51.100.2\" }\n"
	    "client.timeout = 99\n", "timeout must be 1..30");
}

static void count(void *ctx, const char *line)
{
	(void)line;
	(*(int *)ctx)++;
}

static void collect(void *ctx, const char *line)
{
	char *buf = ctx;
	size_t used = strlen(buf);
	snprintf(buf + used, 2048 - used, "%s\n", line);
}

/* These topologies serve no zones: no file is ever read. */
static int no_files(void *ctx, const char *path, char **data, size_t *len)
{
	(void)ctx;
	(void)path;
	(void)data;
	(void)len;
	return ENOENT;
}

/* Check a parsed topology (taken over by the model, t left empty). */
static unsigned check(topo *t, topo_report_fn report, void *ctx)
{
	topo_model m;
	char err[256];
	if (!topo_model_from(&m, t, no_files, NULL, err, sizeof err))
		return 1000;
	unsigned n = topo_check(&m, report, ctx);
	topo_model_free(&m);
	return n;
}

static void test_check(void)
{
	static const char text[] =
		"[network.a]\nipv4 = \"198.51.100.0/24\"\n"
		"[network.b]\nipv4 = \"198.51.100.128/25\"\n"
		"[node.x]\naddresses = { a = \"198.51.100.2\" }\n"
		"[node.y]\naddresses = { a = [\"198.51.100.2\", \"198.51.101.1\", \"198.51.100.255\"] }\n"
		"[node.r]\nrouter = true\naddresses = { a = \"198.51.100.3\" }\n"
		"[node.c]\naddresses = { a = \"198.51.100.4\" }\nclient.resolver = \"x\"\n";
	topo t;
	char err[512], out[2048] = "";
	bool ok;
	load(&t, text, err, sizeof err, &ok);
	CHECK(ok);
	if (!ok)
		return;
	unsigned n = check(&t, collect, out);
	CHECK_INT(n, 6);
	CHECK(strstr(out, "networks a and b have overlapping prefixes") != NULL);
	CHECK(strstr(out, "t.toml:8: node y: address 198.51.100.2 is already node x's (line 6)") != NULL);
	CHECK(strstr(out, "198.51.101.1 is outside network a (198.51.100.0/24)") != NULL);
	CHECK(strstr(out, "198.51.100.255 is the broadcast address of network a") != NULL);
	CHECK(strstr(out, "node r is a router but sits on one network only") != NULL);
	CHECK(strstr(out, "client.resolver \"x\" is a node that runs no resolver") != NULL);
	topo_free(&t);

	load(&t, chain, err, sizeof err, &ok);
	int problems = 0;
	CHECK(ok && check(&t, count, &problems) == 0 && problems == 0);
	topo_free(&t);
}

int main(void)
{
	RUN(test_parse_model);
	RUN(test_routes);
	RUN(test_parse_errors);
	RUN(test_check);
	return check_summary("test_topo");
}
