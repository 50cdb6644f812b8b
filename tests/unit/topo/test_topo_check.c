/* Validating the model: every problem found, each with file and line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"

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

	/* A stub needs resolvers; each one named is checked. */
	static const char stubs[] =
		"[network.a]\nipv4 = \"198.51.100.0/24\"\n"
		"[node.x]\naddresses = { a = \"198.51.100.2\" }\nstub = \"cache\"\n"
		"[node.y]\naddresses = { a = \"198.51.100.3\" }\nstub = \"cache\"\n"
		"client.resolver = [\"x\", \"198.51.100.77\"]\n";
	out[0] = '\0';
	load(&t, stubs, err, sizeof err, &ok);
	CHECK(ok);
	if (!ok)
		return;
	n = check(&t, collect, out);
	CHECK_INT(n, 3);
	CHECK(strstr(out, "t.toml:3: node x: its stub forwards to the node's resolvers: give "
		     "[node.x.client] resolver") != NULL);
	CHECK(strstr(out, "node y: client.resolver \"x\" is a node that runs no resolver") != NULL);
	CHECK(strstr(out, "node y: client.resolver 198.51.100.77 is no node's address") != NULL);
	topo_free(&t);

	load(&t, chain, err, sizeof err, &ok);
	int problems = 0;
	CHECK(ok && check(&t, count, &problems) == 0 && problems == 0);
	topo_free(&t);
}

static char lines[4096];

static void keep(void *ctx, const char *line)
{
	(void)ctx;
	size_t used = strlen(lines);
	snprintf(lines + used, sizeof lines - used, "%s\n", line);
}

/* A zone file is read once, but each node that serves it hears of its
 * errors, and nothing is built on a broken zone. */
static void test_zone_errors_told_for_every_node(void)
{
	static const memfile files[] = {
		{ "t.toml", tiny_topology },
		{ "./root.zone", "$TTL 60\n. NS a.root.test.\na.root.test. A 198.51.100.2\n" },
		{ "./test.zone", tiny_test }, { "./example.zone", tiny_example },
		{ NULL, NULL },
	};
	topo_model m;
	char err[256];
	CHECK(model_from(&m, files, err, sizeof err));
	CHECK_INT(memfs_reads, 4);
	lines[0] = '\0';
	unsigned n = topo_check(&m, keep, NULL);
	/* One error (no SOA) for each of the two root servers. */
	CHECK_INT(n, 4);
	CHECK(strstr(lines, "t.toml:9: node root: zone . (./root.zone) does not load: 1 error\n"));
	CHECK(strstr(lines, "t.toml:12: node root2: zone . (./root.zone) does not load: 1 error\n"));
	const char *first = strstr(lines, "./root.zone: ");
	CHECK(first && strstr(first + 1, "./root.zone: ") != NULL);
	topo_model_free(&m);

	CHECK(model_from(&m, tiny_files, err, sizeof err));
	lines[0] = '\0';
	CHECK_INT(topo_check(&m, keep, NULL), 0);
	CHECK_STR(lines, "");
	topo_model_free(&m);
}

/* ALIAS records need dnsim-auth, a resolver of the node's own and an
 * unsigned zone; each missing one is told at the zone's line. */
static void test_alias_needs(void)
{
	static const char *const cases[][2] = {
		{ "client.resolver = \"r\"\n", NULL },
		{ "", "t.toml:8: node a: zone a.test. has ALIAS records (a.test.) but the node "
		      "has no resolver to look their targets up" },
		{ "client.resolver = \"r\"\nsoftware = \"nsd\"\n",
		  "t.toml:8: node a: zone a.test. has ALIAS records (a.test.), a dnsim extension "
		  "NSD does not serve" },
		{ "client.resolver = \"r\"\n[sim]\ndnssec = \"nsec\"\n",
		  "t.toml:8: node a: zone a.test. has ALIAS records (a.test.), whose answers cannot "
		  "be signed ahead of time: add [zone.\"a.test.\"] dnssec = \"off\"" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char topology[1024];
		snprintf(topology, sizeof topology,
			 "[network.net]\nipv4 = \"198.51.100.0/24\"\n"
			 "[node.r]\naddresses = { net = \"198.51.100.53\" }\nresolver.allow = []\n"
			 "[node.a]\naddresses = { net = \"198.51.100.2\" }\n"
			 "auth.zones = { \"a.test.\" = \"a.zone\" }\n%s", cases[i][0]);
		const memfile files[] = {
			{ "t.toml", topology },
			{ "./a.zone", "$TTL 60\n@ SOA ns h 1 60 60 60 60\n@ NS ns.b.test.\n"
				      "@ ALIAS www.c.test.\n" },
			{ NULL, NULL },
		};
		topo_model m;
		char err[256];
		bool ok = model_from(&m, files, err, sizeof err);
		CHECK(ok);
		if (!ok) {
			fprintf(stderr, "  %s\n", err);
			continue;
		}
		lines[0] = '\0';
		(void)topo_check(&m, keep, NULL);
		if (cases[i][1] == NULL)
			CHECK(strstr(lines, "ALIAS") == NULL);
		else
			CHECK(strstr(lines, cases[i][1]) != NULL);
		if (cases[i][1] ? strstr(lines, cases[i][1]) == NULL : strstr(lines, "ALIAS") != NULL)
			fprintf(stderr, "  case %zu:\n%s", i, lines);
		topo_model_free(&m);
	}
}

int main(void)
{
	RUN(test_check);
	RUN(test_zone_errors_told_for_every_node);
	RUN(test_alias_needs);
	return check_summary("test_topo_check");
}
