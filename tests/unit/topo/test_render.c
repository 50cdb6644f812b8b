/* What each node is given, rendered from the model: the zone copies its
 * server reads, its daemon's config, root hints, resolv.conf, hosts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "check.h"
#include "fixtures.h"
#include "conf/auth_conf.h"
#include "conf/resolver_conf.h"
#include "conf/stub_conf.h"
#include "topo/render.h"

static void test_served_zone(void)
{
	topo_model m;
	char err[256];
	CHECK(model_from(&m, tiny_files, err, sizeof err));
	const topo_node *tld = topo_node_find(&m.t, "tld");
	dns_zonedata zd;
	bool derived = false;
	CHECK(tld && render_served_zone(&m.t, m.zones, tld, &tld->zones[0], &zd, &derived,
					err, sizeof err));
	CHECK(derived);
	/* The file's three records and the derived NS, A and AAAA. */
	CHECK_INT(zd.n, 6);
	CHECK_INT(count_rr(&zd, "example.test.", DNS_T_NS), 1);
	/* Finished: in canonical order, the apex first. */
	CHECK(zd.n && dns_name_equal(zd.rr[0].owner, zd.origin.data));
	CHECK_INT(count_rr(&zd, "test.", DNS_T_SOA), 1);
	dns_zonedata_free(&zd);

	const topo_node *ex = topo_node_find(&m.t, "ex");
	derived = true;
	CHECK(ex && render_served_zone(&m.t, m.zones, ex, &ex->zones[0], &zd, &derived, err,
				       sizeof err));
	CHECK(!derived);
	CHECK_INT(zd.n, 5);
	dns_zonedata_free(&zd);
	topo_model_free(&m);
}

static void test_served_zone_that_does_not_load(void)
{
	static const memfile files[] = {
		{ "t.toml", tiny_topology }, { "./root.zone", tiny_root },
		{ "./test.zone", tiny_test }, { "./example.zone", "@ 60 NS ns1\n" },
		{ NULL, NULL },
	};
	topo_model m;
	char err[256] = "";
	CHECK(model_from(&m, files, err, sizeof err));
	const topo_node *ex = topo_node_find(&m.t, "ex");
	dns_zonedata zd;
	bool derived;
	CHECK(ex && !render_served_zone(&m.t, m.zones, ex, &ex->zones[0], &zd, &derived, err,
					sizeof err));
	CHECK_STR(err, "node ex: zone example.test. (./example.zone) does not load");
	topo_model_free(&m);
}

static void test_auth_conf(void)
{
	static const char topology[] =
		"[network.net]\nipv4 = \"198.51.100.0/24\"\n"
		"[node.ns]\naddresses = { net = \"198.51.100.2\" }\n"
		"auth.zones = { \"a.test.\" = \"a.zone\" }\nauth.rate_limit = 20\n"
		"[[node.ns.auth.view]]\nname = \"inside\"\nmatch = [\"10.0.0.0/8\", \"192.0.2.0/24\"]\n"
		"zones = { \"a.test.\" = \"a-inside.zone\" }\n";
	topo t;
	char err[256];
	bool ok;
	load(&t, topology, err, sizeof err, &ok);
	CHECK(ok);
	if (!ok) {
		fprintf(stderr, "%s\n", err);
		return;
	}
	const topo_node *n = topo_node_find(&t, "ns");
	CHECK(n && n->nzones == 2);
	const char *paths[] = { "/z/a.zone", "/z/a.view-inside.zone" };
	char *text = n ? render_auth_conf(n, paths, err, sizeof err) : NULL;
	CHECK(text && strncmp(text, "# dnsim-auth for node ns, written by the supervisor\n", 52) == 0);
	/* What the daemon reads back from it. */
	auth_config c;
	CHECK(auth_config_init(&c));
	CHECK(text && auth_config_parse(&c, "auth.conf", text, strlen(text), err, sizeof err));
	CHECK_INT(c.nlisten, 1);
	CHECK_STR(c.identity, "ns");
	CHECK_STR(c.query_log, "stderr");
	CHECK_INT(c.rate_limit, 20);
	CHECK_INT(c.nviews, 2);
	if (c.nviews == 2) {
		CHECK(c.views[0].nzones == 1 && strcmp(c.views[0].zones[0].file, "/z/a.zone") == 0);
		CHECK_STR(c.views[1].name, "inside");
		CHECK_INT(c.views[1].nmatch, 2);
		CHECK(c.views[1].nzones == 1 &&
		      strcmp(c.views[1].zones[0].file, "/z/a.view-inside.zone") == 0);
	}
	auth_config_free(&c);
	free(text);
	topo_free(&t);
}

static void test_resolver_conf(void)
{
	topo_model m;
	char err[256];
	CHECK(model_from(&m, tiny_files, err, sizeof err));
	const topo_node *res = topo_node_find(&m.t, "res");
	char *text = res ? render_resolver_conf(&m.t, res, "/run/x", err, sizeof err) : NULL;
	CHECK(text && strncmp(text, "# dnsim-resolver for node res, written by the supervisor\n",
			      56) == 0);
	res_config c;
	CHECK(res_config_init(&c));
	CHECK(text && res_config_parse(&c, "resolver.conf", text, strlen(text), err, sizeof err));
	CHECK_STR(c.identity, "res");
	CHECK_STR(c.hints_file, "/run/x/root.hints");
	CHECK_STR(c.control, "/run/x/control");
	CHECK_STR(c.trace, "/run/x/trace.jsonl");
	/* 127.0.0.1 and the node's two addresses. */
	CHECK_INT(c.nlisten, 3);
	/* Loopback (both), the node's own two, and its allow list. */
	CHECK_INT(c.nallow, 5);
	res_config_free(&c);
	free(text);
	topo_model_free(&m);
}

static void test_resolver_open_to_the_simulated_world_only(void)
{
	static const char topology[] =
		"[network.a]\nipv4 = \"198.51.100.0/24\"\nipv6 = \"2001:db8:5::/64\"\n"
		"[network.b]\nipv4 = \"203.0.113.0/24\"\n"
		"[node.res]\naddresses = { a = \"198.51.100.53\" }\nresolver.block = [\"ads.test\"]\n"
		"resolver.sinkhole = \"192.0.2.1\"\nresolver.client_subnet = true\n"
		"resolver.client_subnet_zones = [\"cdn.test\"]\n";
	topo t;
	char err[256];
	bool ok;
	load(&t, topology, err, sizeof err, &ok);
	CHECK(ok);
	if (!ok) {
		fprintf(stderr, "%s\n", err);
		return;
	}
	char *text = render_resolver_conf(&t, &t.nodes[0], "/d", err, sizeof err);
	res_config c;
	CHECK(res_config_init(&c));
	CHECK(text && res_config_parse(&c, "r.conf", text, strlen(text), err, sizeof err));
	/* Loopback (2), its own address, and every network of the world. */
	CHECK_INT(c.nallow, 6);
	CHECK_INT(c.nblock, 1);
	CHECK(c.has_sinkhole4 && memcmp(c.sinkhole4, "\xc0\x00\x02\x01", 4) == 0);
	/* EDNS Client Subnet, to the servers of cdn.test only. */
	CHECK(c.ecs);
	CHECK_INT(c.necs_zones, 1);
	net_prefix outside;
	CHECK(net_prefix_parse("192.0.2.0/24", &outside));
	bool open_outside = false;
	for (size_t i = 0; i < c.nallow; i++)
		open_outside |= c.allow[i].family == outside.family &&
				memcmp(c.allow[i].bytes, outside.bytes, 4) == 0;
	CHECK(!open_outside);
	res_config_free(&c);
	free(text);
	topo_free(&t);
}

static void test_root_hints(void)
{
	topo_model m;
	char err[256];
	CHECK(model_from(&m, tiny_files, err, sizeof err));
	char *text = render_root_hints(&m.t, m.zones, err, sizeof err);
	CHECK(text && strstr(text, ". 3600000 IN NS a.root.test.\n"));
	free(text);
	topo_model_free(&m);

	/* A root server name with no address anywhere is left out of the
	 * hints; the others stay. */
	static const memfile files[] = {
		{ "t.toml", tiny_topology },
		{ "./root.zone", "$TTL 60\n. SOA a.root.test. h. 1 1 1 1 1\n. NS x.test.\n"
		  ". NS a.root.test.\na.root.test. A 198.51.100.2\n"
		  "test. NS ns.nic.test.\nns.nic.test. A 198.51.100.3\n" },
		{ "./test.zone", tiny_test }, { "./example.zone", tiny_example },
		{ NULL, NULL },
	};
	CHECK(model_from(&m, files, err, sizeof err));
	text = render_root_hints(&m.t, m.zones, err, sizeof err);
	CHECK_STR(text, "; Root hints made by dnsim from the topology's root zone.\n"
		  ". 3600000 IN NS a.root.test.\na.root.test. 3600000 IN A 198.51.100.2\n");
	free(text);
	topo_model_free(&m);

	/* No root zone that loads: no hints at all. */
	static const memfile broken[] = {
		{ "t.toml", tiny_topology }, { "./root.zone", ". 60 NS x.\n" },
		{ "./test.zone", tiny_test }, { "./example.zone", tiny_example },
		{ NULL, NULL },
	};
	CHECK(model_from(&m, broken, err, sizeof err));
	err[0] = '\0';
	CHECK(render_root_hints(&m.t, m.zones, err, sizeof err) == NULL);
	CHECK_STR(err, "no node serves the root zone");
	topo_model_free(&m);
}

static void test_resolv_conf_and_hosts(void)
{
	topo_model m;
	char err[256];
	CHECK(model_from(&m, tiny_files, err, sizeof err));
	const topo_node *pc = topo_node_find(&m.t, "pc");
	char *text = pc ? render_resolv_conf(&m.t, &m.r, pc) : NULL;
	/* IPv4 first; the client has no IPv6 route, so only the v4 one. */
	CHECK_STR(text, "# resolv.conf of node pc, written by dnsim\nnameserver 198.51.100.53\n");
	free(text);
	const topo_node *res = topo_node_find(&m.t, "res");
	text = res ? render_resolv_conf(&m.t, &m.r, res) : NULL;
	CHECK_STR(text, "# resolv.conf of node res, written by dnsim\nnameserver 127.0.0.1\n");
	free(text);
	const topo_node *ex = topo_node_find(&m.t, "ex");
	text = ex ? render_hosts(&m.t, ex) : NULL;
	CHECK(text && strstr(text, "198.51.100.4\tex ns1.example.test\n"
			     "2001:db8:5::4\tex ns1.example.test\n"));
	free(text);
	topo_model_free(&m);

	topo t;
	bool ok;
	load(&t, chain, err, sizeof err, &ok);
	CHECK(ok);
	text = ok ? render_hosts(&t, topo_node_find(&t, "host")) : NULL;
	CHECK(text && strstr(text, "# from the topology ([node.host.client] hosts)\n"
			     "192.0.2.9\tx.example\n"));
	free(text);
	routes r;
	CHECK(ok && routes_compute(&t, &r));
	text = ok ? render_resolv_conf(&t, &r, topo_node_find(&t, "host")) : NULL;
	CHECK(text && strstr(text, "# no resolver configured") && strstr(text, "search example.com\n") &&
	      strstr(text, "options timeout:3\n"));
	free(text);
	if (ok)
		routes_free(&r);
	topo_free(&t);
}

/* A host with a stub: glibc asks 127.0.0.53, the stub every resolver
 * in turn (IPv4 of all first), and nsswitch.conf keeps names inside. */
static void test_stub_host(void)
{
	static const char topology[] =
		"[sim]\nname = \"tiny\"\n"
		"[network.net]\nipv4 = \"198.51.100.0/24\"\nipv6 = \"2001:db8:5::/64\"\n"
		"[node.root]\nhostname = \"a.root.test\"\naddresses = { net = \"198.51.100.2\" }\n"
		"auth.zones = { \".\" = \"root.zone\" }\n"
		"[node.res]\naddresses = { net = [\"198.51.100.53\", \"2001:db8:5::53\"] }\nresolver.allow = []\n"
		"[node.res2]\naddresses = { net = \"198.51.100.54\" }\nresolver.allow = []\n"
		"[node.pc]\naddresses = { net = [\"198.51.100.100\", \"2001:db8:5::100\"] }\n"
		"stub = \"cache\"\nclient.resolver = [\"res\", \"res2\"]\nclient.search = [\"test\"]\n"
		"[node.old]\naddresses = { net = [\"198.51.100.101\", \"2001:db8:5::101\"] }\n"
		"client.resolver = [\"res\", \"res2\"]\n";
	static const memfile files[] = {
		{ "t.toml", topology }, { "./root.zone", tiny_root }, { NULL, NULL },
	};
	topo_model m;
	char err[256];
	CHECK(model_from(&m, files, err, sizeof err));
	const topo_node *pc = topo_node_find(&m.t, "pc"), *old = topo_node_find(&m.t, "old");
	char *text = pc ? render_resolv_conf(&m.t, &m.r, pc) : NULL;
	CHECK_STR(text, "# resolv.conf of node pc, written by dnsim\n"
		  "# glibc asks the node's caching stub (dnsim-stub), which forwards to\n"
		  "# 198.51.100.53 198.51.100.54 2001:db8:5::53\n"
		  "nameserver 127.0.0.53\noptions edns0\nsearch test\n");
	free(text);
	text = old ? render_resolv_conf(&m.t, &m.r, old) : NULL;
	CHECK_STR(text, "# resolv.conf of node old, written by dnsim\n"
		  "nameserver 198.51.100.53\nnameserver 198.51.100.54\nnameserver 2001:db8:5::53\n");
	free(text);
	text = pc ? render_stub_conf(&m.t, &m.r, pc, "/run/x", err, sizeof err) : NULL;
	CHECK(text && strncmp(text, "# dnsim-stub for node pc, written by the supervisor\n", 52) == 0);
	stub_config c;
	stub_config_init(&c);
	CHECK(text && stub_config_parse(&c, "stub.conf", text, strlen(text), err, sizeof err));
	CHECK_INT(c.nservers, 3);
	CHECK_INT(c.nlisten, 1);
	char a[80] = "";
	if (c.nlisten == 1)
		conf_format_addr(&c.listen[0], a, sizeof a);
	CHECK_STR(a, "127.0.0.53");
	CHECK_STR(c.control, "/run/x/control");
	CHECK_STR(c.trace, "/run/x/trace.jsonl");
	CHECK_STR(c.identity, "pc");
	stub_config_free(&c);
	free(text);
	text = pc ? render_nsswitch(&m.t, pc) : NULL;
	CHECK(text && strstr(text, "\nhosts:\t\tfiles dns\n") != NULL);
	/* Nothing but files and dns anywhere in it. */
	CHECK(text && strstr(text, "resolve") == NULL && strstr(text, "systemd") == NULL &&
	      strstr(text, "mdns") == NULL && strstr(text, "sss") == NULL);
	free(text);
	topo_model_free(&m);
}

static const char *fixed_secret(void *ctx, const char *name)
{
	(void)ctx;
	return strcmp(name, "dnsim") == 0 ? "c2VjcmV0" : "aW5zaWRl";
}

/* A primary and its secondary, each with a view: the secondary names the
 * primary's addresses it reaches (IPv4 first) with each view's key, the
 * primary NOTIFYs the secondary once per view and takes UPDATEs signed
 * with the view's key, and the views are matched by their keys. */
static void test_auth_conf_transfers(void)
{
	static const char topology[] =
		"[network.net]\nipv4 = \"198.51.100.0/24\"\nipv6 = \"2001:db8:5::/64\"\n"
		"[node.p]\naddresses = { net = [\"198.51.100.2\", \"2001:db8:5::2\"] }\n"
		"auth.zones = { \"a.test.\" = \"a.zone\" }\n"
		"[[node.p.auth.view]]\nname = \"inside\"\nmatch = [\"10.0.0.0/8\"]\n"
		"zones = { \"a.test.\" = \"a-inside.zone\" }\n"
		"[node.s]\naddresses = { net = [\"198.51.100.3\", \"2001:db8:5::3\"] }\n"
		"auth.primary = { \"a.test.\" = \"198.51.100.2\" }\n"
		"[[node.s.auth.view]]\nname = \"inside\"\nmatch = [\"10.0.0.0/8\"]\n"
		"primary = { \"a.test.\" = \"p\" }\n";
	static const memfile files[] = {
		{ "t.toml", topology },
		{ "./a.zone", "@ 60 SOA ns hm 1 60 60 60 60\n@ 60 NS ns.example.\n" },
		{ "./a-inside.zone", "@ 60 SOA ns hm 1 60 60 60 60\n@ 60 NS ns.example.\n" },
		{ NULL, NULL },
	};
	topo_model m;
	char err[256] = "";
	bool ok = model_from(&m, files, err, sizeof err);
	CHECK(ok);
	if (!ok) {
		fprintf(stderr, "  %s\n", err);
		return;
	}
	const topo_node *p = topo_node_find(&m.t, "p"), *s = topo_node_find(&m.t, "s");
	CHECK(s && s->nzones == 2);
	/* The address was resolved to the node, the file taken from it. */
	CHECK(s && strcmp(s->zones[0].primary, "p") == 0 && strcmp(s->zones[0].file, "./a.zone") == 0);
	CHECK(s && strcmp(s->zones[1].file, "./a-inside.zone") == 0);
	const char *paths[] = { "/z/1", "/z/2" };
	char *ptext = render_auth_conf_xfr(&m.t, &m.r, p, paths, fixed_secret, NULL, err, sizeof err);
	char *stext = render_auth_conf_xfr(&m.t, &m.r, s, paths, fixed_secret, NULL, err, sizeof err);
	CHECK(ptext && stext);
	auth_config c;
	CHECK(auth_config_init(&c));
	CHECK(ptext && auth_config_parse(&c, "p.conf", ptext, strlen(ptext), err, sizeof err));
	CHECK_INT(c.nkeys, 2);
	CHECK_INT(c.nxfr_keys, 2);
	CHECK(c.nviews == 2 && c.views[1].nmatch_keys == 1 &&
	      strcmp(c.views[1].match_keys[0], "dnsim-inside") == 0);
	auth_zone_conf *z = auth_config_zone(&c, 0, "a.test.");
	CHECK(z && z->nnotify == 1 && strcmp(z->notify[0].key, "dnsim") == 0);
	CHECK(z && z->nupdate_keys == 1 && strcmp(z->update_keys[0], "dnsim") == 0);
	CHECK(z && z->nprimaries == 0);
	z = auth_config_zone(&c, 1, "a.test.");
	CHECK(z && z->nnotify == 1 && strcmp(z->notify[0].key, "dnsim-inside") == 0);
	auth_config_free(&c);
	CHECK(auth_config_init(&c));
	CHECK(stext && auth_config_parse(&c, "s.conf", stext, strlen(stext), err, sizeof err));
	z = auth_config_zone(&c, 0, "a.test.");
	CHECK(z && z->nprimaries == 2 && z->nnotify == 0 && z->nupdate_keys == 0);
	CHECK(z && z->nprimaries == 2 && z->primaries[0].addr.ss.ss_family == AF_INET &&
	      z->primaries[1].addr.ss.ss_family == AF_INET6);
	z = auth_config_zone(&c, 1, "a.test.");
	CHECK(z && z->nprimaries == 2 && strcmp(z->primaries[0].key, "dnsim-inside") == 0);
	CHECK(strstr(stext, "primary a.test. 198.51.100.2 key dnsim\n") != NULL);
	auth_config_free(&c);
	free(ptext);
	free(stext);
	topo_model_free(&m);

	/* A primary that serves no such zone, or is no node. */
	static const char *const bad[][2] = {
		{ "auth.primary = { \"b.test.\" = \"p\" }", "serves no such zone outside views" },
		{ "auth.primary = { \"a.test.\" = \"nobody\" }", "is no node or address" },
		{ "auth.primary = { \"a.test.\" = \"s\" }", "is the node itself" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char text[1024];
		snprintf(text, sizeof text,
			 "[network.net]\nipv4 = \"198.51.100.0/24\"\n"
			 "[node.p]\naddresses = { net = \"198.51.100.2\" }\n"
			 "auth.zones = { \"a.test.\" = \"a.zone\" }\n"
			 "[node.s]\naddresses = { net = \"198.51.100.3\" }\n%s\n", bad[i][0]);
		topo t;
		load(&t, text, err, sizeof err, &ok);
		CHECK(!ok && strstr(err, bad[i][1]) != NULL && strstr(err, "t.toml:8:") == err);
		if (ok || strstr(err, bad[i][1]) == NULL || strstr(err, "t.toml:8:") != err)
			fprintf(stderr, "  %s\n", err);
		topo_free(&t);
	}
}

/* ALIAS targets are looked up through the node's own resolver: the
 * first of its addresses the auth node reaches (IPv4 first); a node
 * with no resolver of its own gets no alias-resolver. */
static void test_auth_conf_alias_resolver(void)
{
	static const char topology[] =
		"[network.net]\nipv4 = \"198.51.100.0/24\"\nipv6 = \"2001:db8:5::/64\"\n"
		"[node.p]\naddresses = { net = [\"2001:db8:5::2\", \"198.51.100.2\"] }\n"
		"auth.zones = { \"a.test.\" = \"a.zone\" }\n"
		"client.resolver = \"r\"\n"
		"[node.q]\naddresses = { net = \"198.51.100.4\" }\n"
		"auth.zones = { \"a.test.\" = \"a.zone\" }\n"
		"[node.r]\naddresses = { net = [\"2001:db8:5::53\", \"198.51.100.53\"] }\n"
		"resolver.allow = [\"198.51.100.0/24\"]\n";
	static const memfile files[] = {
		{ "t.toml", topology },
		{ "./a.zone", "@ 60 SOA ns hm 1 60 60 60 60\n@ 60 NS ns.example.\n"
			      "@ 60 ALIAS www.b.test.\n" },
		{ NULL, NULL },
	};
	topo_model m;
	char err[256] = "";
	bool ok = model_from(&m, files, err, sizeof err);
	CHECK(ok);
	if (!ok) {
		fprintf(stderr, "  %s\n", err);
		return;
	}
	const topo_node *p = topo_node_find(&m.t, "p"), *q = topo_node_find(&m.t, "q");
	const char *paths[] = { "/z/1" };
	char *ptext = p ? render_auth_conf_xfr(&m.t, &m.r, p, paths, NULL, NULL, err, sizeof err)
			: NULL;
	char *qtext = q ? render_auth_conf_xfr(&m.t, &m.r, q, paths, NULL, NULL, err, sizeof err)
			: NULL;
	CHECK(ptext && strstr(ptext, "\nalias-resolver 198.51.100.53\n") != NULL);
	CHECK(qtext && strstr(qtext, "alias-resolver") == NULL);
	auth_config c;
	CHECK(auth_config_init(&c));
	CHECK(ptext && auth_config_parse(&c, "p.conf", ptext, strlen(ptext), err, sizeof err));
	CHECK(c.has_alias_resolver && c.alias_resolver.ss.ss_family == AF_INET);
	auth_config_free(&c);
	free(ptext);
	free(qtext);
	topo_model_free(&m);
}

int main(void)
{
	RUN(test_served_zone);
	RUN(test_served_zone_that_does_not_load);
	RUN(test_auth_conf);
	RUN(test_resolver_conf);
	RUN(test_resolver_open_to_the_simulated_world_only);
	RUN(test_root_hints);
	RUN(test_resolv_conf_and_hosts);
	RUN(test_stub_host);
	RUN(test_auth_conf_transfers);
	RUN(test_auth_conf_alias_resolver);
	return check_summary("test_render");
}
