/* Parsing a topology into the model, with its errors. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"

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
	/* The stub: one kind, on hosts only, beside no server. */
	bad("[network.a]\nipv4 = \"198.51.100.0/24\"\n[node.x]\naddresses = { a = \"198.51.100.2\" }\n"
	    "stub = \"nscd\"\n", "t.toml:5:8: node x: stub = \"nscd\": the stubs are \"cache\"");
	bad("[network.a]\nipv4 = \"198.51.100.0/24\"\n[node.x]\naddresses = { a = \"198.51.100.2\" }\n"
	    "stub = true\n", "stub (\"cache\" or \"none\") must be a string");
	bad("[network.a]\nipv4 = \"198.51.100.0/24\"\n[node.x]\naddresses = { a = \"198.51.100.2\" }\n"
	    "service.command = [\"sleep\", \"9\"]\nstub = \"cache\"\n",
	    "node x: a node runs one server; it has both service and a stub");
	bad("[network.a]\nipv4 = \"198.51.100.0/24\"\n[node.x]\naddresses = { a = \"198.51.100.2\" }\n"
	    "router = true\nstub = \"cache\"\n", "node x: a router has no stub");
	bad("[network.a]\nipv4 = \"198.51.100.0/24\"\n[node.x]\naddresses = { a = \"198.51.100.2\" }\n"
	    "client.resolver = []\n", "node x: client.resolver names no resolver");
	bad("[network.a]\nipv4 = \"198.51.100.0/24\"\n[node.x]\naddresses = { a = \"198.51.100.2\" }\n"
	    "client.resolver = [\"a\", \"b\", \"c\", \"d\"]\n", "node x: at most 3 resolvers");
	/* EDNS Client Subnet on a resolver: a switch and zone names. */
	bad("[network.a]\nipv4 = \"198.51.100.0/24\"\n[node.x]\naddresses = { a = \"198.51.100.2\" }\n"
	    "resolver.client_subnet = \"yes\"\n", "client_subnet must be true or false");
	bad("[network.a]\nipv4 = \"198.51.100.0/24\"\n[node.x]\naddresses = { a = \"198.51.100.2\" }\n"
	    "resolver.client_subnet_zones = [\"a..b\"]\n",
	    "node x: client_subnet_zones: \"a..b\" is not a domain name");
}

static void test_stub_and_resolvers(void)
{
	static const char text[] =
		"[network.a]\nipv4 = \"198.51.100.0/24\"\n"
		"[node.x]\naddresses = { a = \"198.51.100.2\" }\nstub = \"cache\"\n"
		"client.resolver = [\"r1\", \"198.51.100.9\"]\n"
		"[node.y]\naddresses = { a = \"198.51.100.3\" }\nstub = \"none\"\n"
		"client.resolver = \"r1\"\n";
	topo t;
	char err[512];
	bool ok;
	load(&t, text, err, sizeof err, &ok);
	CHECK(ok);
	if (!ok) {
		fprintf(stderr, "%s\n", err);
		return;
	}
	const topo_node *x = topo_node_find(&t, "x"), *y = topo_node_find(&t, "y");
	CHECK(x && x->service == TOPO_SVC_STUB && x->nresolvers == 2);
	CHECK(x && x->nresolvers == 2 && strcmp(x->resolvers[1], "198.51.100.9") == 0);
	CHECK_STR(topo_service_name(TOPO_SVC_STUB), "stub");
	CHECK(y && y->service == TOPO_SVC_NONE && y->nresolvers == 1);
	topo_free(&t);
}

int main(void)
{
	RUN(test_parse_model);
	RUN(test_parse_errors);
	RUN(test_stub_and_resolvers);
	return check_summary("test_topo_parse");
}
