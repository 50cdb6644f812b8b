/* Reverse zones derived from the topology: which zones, who serves them,
 * their apexes, the PTRs and RFC 2317 CNAMEs each copy is given, the
 * overrides a file makes, the switch that turns it off, and the check of
 * the `reverse` keys. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "topo/reverse.h"
#include "topo/render.h"

/* An ISP with a /26 of its own and a /27 handed to a customer who runs
 * its own nameserver (RFC 2317), IPv6 for both, a /22 and a /62 left to
 * the root server, and a block (the /28) the ISP keeps for itself. */
static const char rev_topology[] =
	"[sim]\nname = \"rev\"\n"
	"[network.isp]\nipv4 = \"198.51.100.0/26\"\nipv6 = \"2001:db8:100::/64\"\n"
	"reverse = \"isp-ns\"\n"
	"[network.cust]\nipv4 = \"198.51.100.64/27\"\nipv6 = \"2001:db8:101::/64\"\n"
	"reverse = [\"cust-ns\"]\n"
	"[network.own]\nipv4 = \"198.51.100.96/28\"\nreverse = \"isp-ns\"\n"
	"[network.big]\nipv4 = \"10.4.0.0/22\"\nipv6 = \"2001:db8:200::/62\"\n"
	"[node.router]\nrouter = true\n"
	"addresses = { isp = \"198.51.100.1\", cust = \"198.51.100.65\", own = \"198.51.100.97\", "
	"big = \"10.4.0.1\" }\n"
	"[node.root]\nhostname = \"a.root.test\"\naddresses = { big = [\"10.4.0.2\", \"2001:db8:200::2\"] }\n"
	"auth.zones = { \".\" = \"root.zone\" }\n"
	"[node.isp-ns]\nhostname = \"ns.isp.test\"\n"
	"addresses = { isp = [\"198.51.100.2\", \"2001:db8:100::2\"] }\n"
	"auth.zones = { \"isp.test.\" = \"isp.zone\" }\n"
	"[node.cust-ns]\nhostname = \"ns.cust.test\"\n"
	"addresses = { cust = [\"198.51.100.66\", \"2001:db8:101::66\"] }\n"
	"auth.zones = { \"cust.test.\" = \"cust.zone\" }\n"
	"[node.pc]\naddresses = { isp = [\"198.51.100.10\", \"2001:db8:100::10\"] }\n"
	"[node.shop]\naddresses = { cust = \"198.51.100.70\" }\n"
	"[node.box]\naddresses = { own = \"198.51.100.99\" }\n"
	"[node.nameless]\naddresses = { big = [\"10.4.3.9\", \"10.4.3.10\"] }\n";

static const char rev_root[] =
	"$TTL 86400\n"
	". SOA a.root.test. admin.test. 1 1800 900 604800 86400\n"
	". NS a.root.test.\n"
	"a.root.test. A 10.4.0.2\n"
	"a.root.test. AAAA 2001:db8:200::2\n";

/* pc has two names: the one that starts with its node name wins. */
static const char rev_isp[] =
	"$TTL 3600\n"
	"@ SOA ns admin 1 1800 900 604800 300\n"
	"@ NS ns\n"
	"ns A 198.51.100.2\n"
	"ns AAAA 2001:db8:100::2\n"
	"customer-10 A 198.51.100.10\n"
	"pc A 198.51.100.10\n"
	"pc AAAA 2001:db8:100::10\n"
	"gw A 198.51.100.1\n"
	"*.wild A 198.51.100.99\n"
	"sub NS ns.sub\n"
	"ns.sub A 198.51.100.2\n"
	"host.sub A 10.4.3.9\n"
	"a.b.c.far A 10.4.3.9\n";

static const char rev_cust[] =
	"$TTL 3600\n"
	"@ SOA ns admin 1 1800 900 604800 300\n"
	"@ NS ns\n"
	"ns A 198.51.100.66\n"
	"ns AAAA 2001:db8:101::66\n"
	"www A 198.51.100.70\n";

static const memfile rev_files[] = {
	{ "t.toml", rev_topology },
	{ "./root.zone", rev_root },
	{ "./isp.zone", rev_isp },
	{ "./cust.zone", rev_cust },
	{ NULL, NULL },
};

static void collect(void *ctx, const char *line)
{
	char *buf = ctx;
	size_t used = strlen(buf);
	snprintf(buf + used, 4096 - used, "%s\n", line);
}

static bool serves(const topo_model *m, const char *node, const char *origin, bool derived)
{
	const topo_node *n = topo_node_find(&m->t, node);
	for (size_t k = 0; n && k < n->nzones; k++)
		if (strcmp(n->zones[k].origin, origin) == 0)
			return n->zones[k].derived == derived;
	return false;
}

static size_t derived_zones(const topo_model *m)
{
	size_t count = 0;
	for (size_t i = 0; i < m->t.nnodes; i++)
		for (size_t k = 0; k < m->t.nodes[i].nzones; k++)
			count += m->t.nodes[i].zones[k].derived;
	return count;
}

/* Node `node`'s copy of its zone `origin`, as its server is given it. */
static bool rendered(const topo_model *m, const char *node, const char *origin,
		     dns_zonedata *zd)
{
	const topo_node *n = topo_node_find(&m->t, node);
	for (size_t k = 0; n && k < n->nzones; k++)
		if (strcmp(n->zones[k].origin, origin) == 0) {
			bool derived;
			char err[256];
			if (render_served_zone(&m->t, m->zones, n, &n->zones[k], zd, &derived, err,
					       sizeof err))
				return true;
			fprintf(stderr, "render %s %s: %s\n", node, origin, err);
			return false;
		}
	fprintf(stderr, "%s does not serve %s\n", node, origin);
	return false;
}

/* The RDATA name of the one record of `type` at `owner`, as text. */
static const char *target(const dns_zonedata *zd, const char *owner, uint16_t type)
{
	static char text[DNS_NAME_MAXTEXT];
	dns_name o;
	if (dns_name_from_text(&o, owner, strlen(owner), dns_name_root) != DNS_OK)
		return "(bad owner)";
	const char *found = "(none)";
	for (size_t i = 0; i < zd->n; i++)
		if (zd->rr[i].type == type && dns_name_equal(zd->rr[i].owner, o.data)) {
			if (strcmp(found, "(none)") != 0)
				return "(more than one)";
			if (dns_name_to_text(zd->rr[i].rdata, text, sizeof text, NULL) != DNS_OK)
				return "(bad name)";
			found = text;
		}
	return found;
}

static void test_reverse_names(void)
{
	net_addr a;
	dns_name n;
	char text[DNS_NAME_MAXTEXT];
	CHECK(net_addr_parse("203.0.113.10", 0, &a) && reverse_name(&a, &n));
	CHECK(dns_name_to_text(n.data, text, sizeof text, NULL) == DNS_OK);
	CHECK_STR(text, "10.113.0.203.in-addr.arpa.");
	CHECK(net_addr_parse("2001:db8:113::5a", 0, &a) && reverse_name(&a, &n));
	CHECK(dns_name_to_text(n.data, text, sizeof text, NULL) == DNS_OK);
	CHECK_STR(text, "a.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.1.1.0.8.b.d.0.1.0.0.2.ip6.arpa.");
}

static void test_the_zones_and_their_servers(void)
{
	topo_model m;
	char err[256];
	CHECK(model_from(&m, rev_files, err, sizeof err));
	/* The trees, on the root server. */
	CHECK(serves(&m, "root", "in-addr.arpa.", true));
	CHECK(serves(&m, "root", "ip6.arpa.", true));
	/* The ISP's /24 (its /26 is the largest network in it) and its
	 * IPv6 /64 at the nibble boundary. */
	CHECK(serves(&m, "isp-ns", "100.51.198.in-addr.arpa.", true));
	CHECK(serves(&m, "isp-ns", "0.0.0.0.0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa.", true));
	/* The customer's /27: classless, and its own /64. */
	CHECK(serves(&m, "cust-ns", "64/27.100.51.198.in-addr.arpa.", true));
	CHECK(serves(&m, "cust-ns", "0.0.0.0.1.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa.", true));
	CHECK(!serves(&m, "cust-ns", "100.51.198.in-addr.arpa.", true));
	/* The /28 has the /24's servers: no zone of its own. */
	CHECK(!serves(&m, "isp-ns", "96/28.100.51.198.in-addr.arpa.", true));
	/* The /22: four /24 zones; the /62: four nibble zones; the root's. */
	for (int i = 0; i < 4; i++) {
		char z[80];
		snprintf(z, sizeof z, "%d.4.10.in-addr.arpa.", i);
		CHECK(serves(&m, "root", z, true));
		snprintf(z, sizeof z, "%d.0.0.0.0.0.2.0.8.b.d.0.1.0.0.2.ip6.arpa.", i);
		CHECK(serves(&m, "root", z, true));
	}
	CHECK(!serves(&m, "root", "4.4.10.in-addr.arpa.", true));
	/* 2 trees + 2 + 2 + 8, one server each. */
	CHECK_INT(derived_zones(&m), 14);
	/* Made, not read: the files are the topology and three zones. */
	CHECK_INT(memfs_reads, 4);
	char out[4096] = "";
	CHECK_INT(topo_check(&m, collect, out), 0);
	CHECK_STR(out, "");
	topo_model_free(&m);
}

static void test_a_derived_apex(void)
{
	topo_model m;
	char err[256];
	CHECK(model_from(&m, rev_files, err, sizeof err));
	const topo_node *n = topo_node_find(&m.t, "cust-ns");
	const topo_zone *tz = NULL;
	for (size_t k = 0; n && k < n->nzones; k++)
		if (n->zones[k].derived && strchr(n->zones[k].origin, '/'))
			tz = &n->zones[k];
	const topo_zone_data *z = tz ? topo_zones_entry(m.zones, tz) : NULL;
	CHECK(z && z->errors == 0);
	if (z) {
		CHECK_INT(z->zd.n, 2);
		CHECK_STR(target(&z->zd, "64/27.100.51.198.in-addr.arpa.", DNS_T_NS),
			  "ns.cust.test.");
		/* SOA: MNAME the server, RNAME hostmaster at its domain. */
		CHECK_STR(target(&z->zd, "64/27.100.51.198.in-addr.arpa.", DNS_T_SOA),
			  "ns.cust.test.");
		dns_name rname;
		const dns_rr *soa = NULL;
		for (size_t i = 0; i < z->zd.n; i++)
			if (z->zd.rr[i].type == DNS_T_SOA)
				soa = &z->zd.rr[i];
		CHECK(soa != NULL);
		if (soa) {
			size_t ml = dns_name_length(soa->rdata);
			CHECK(dns_name_from_text(&rname, "hostmaster.cust.test.", 21,
						 dns_name_root) == DNS_OK);
			CHECK(dns_name_equal(soa->rdata + ml, rname.data));
		}
		/* Its messages point at the network's `reverse` line. */
		CHECK_STR(z->tz->file, "t.toml");
		CHECK_INT(z->tz->line, 10);
	}
	topo_model_free(&m);
}

static void test_delegations_from_the_root_down(void)
{
	topo_model m;
	char err[256];
	CHECK(model_from(&m, rev_files, err, sizeof err));
	dns_zonedata zd;
	if (rendered(&m, "root", ".", &zd)) {
		CHECK_STR(target(&zd, "in-addr.arpa.", DNS_T_NS), "a.root.test.");
		CHECK_STR(target(&zd, "ip6.arpa.", DNS_T_NS), "a.root.test.");
		dns_zonedata_free(&zd);
	}
	if (rendered(&m, "root", "in-addr.arpa.", &zd)) {
		CHECK_STR(target(&zd, "100.51.198.in-addr.arpa.", DNS_T_NS), "ns.isp.test.");
		CHECK_STR(target(&zd, "2.4.10.in-addr.arpa.", DNS_T_NS), "a.root.test.");
		/* The customer's zone hangs below the ISP's, not here. */
		CHECK_STR(target(&zd, "64/27.100.51.198.in-addr.arpa.", DNS_T_NS), "(none)");
		dns_zonedata_free(&zd);
	}
	if (rendered(&m, "root", "ip6.arpa.", &zd)) {
		CHECK_STR(target(&zd, "0.0.0.0.1.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa.", DNS_T_NS),
			  "ns.cust.test.");
		dns_zonedata_free(&zd);
	}
	topo_model_free(&m);
}

static void test_ptrs_and_classless_cnames(void)
{
	topo_model m;
	char err[256];
	CHECK(model_from(&m, rev_files, err, sizeof err));
	dns_zonedata zd;
	if (rendered(&m, "isp-ns", "100.51.198.in-addr.arpa.", &zd)) {
		/* pc's name that starts with "pc", not customer-10. */
		CHECK_STR(target(&zd, "10.100.51.198.in-addr.arpa.", DNS_T_PTR), "pc.isp.test.");
		CHECK_STR(target(&zd, "2.100.51.198.in-addr.arpa.", DNS_T_PTR), "ns.isp.test.");
		CHECK_STR(target(&zd, "1.100.51.198.in-addr.arpa.", DNS_T_PTR), "gw.isp.test.");
		/* box is in the ISP's /28, served here; a wildcard is no name. */
		CHECK_STR(target(&zd, "99.100.51.198.in-addr.arpa.", DNS_T_PTR), "(none)");
		/* The customer's block: delegated, and a CNAME for every host
		 * address of it (65..94), none for the network and broadcast. */
		CHECK_STR(target(&zd, "64/27.100.51.198.in-addr.arpa.", DNS_T_NS), "ns.cust.test.");
		CHECK_STR(target(&zd, "70.100.51.198.in-addr.arpa.", DNS_T_CNAME),
			  "70.64/27.100.51.198.in-addr.arpa.");
		CHECK_STR(target(&zd, "65.100.51.198.in-addr.arpa.", DNS_T_CNAME),
			  "65.64/27.100.51.198.in-addr.arpa.");
		CHECK_STR(target(&zd, "94.100.51.198.in-addr.arpa.", DNS_T_CNAME),
			  "94.64/27.100.51.198.in-addr.arpa.");
		CHECK_STR(target(&zd, "64.100.51.198.in-addr.arpa.", DNS_T_CNAME), "(none)");
		CHECK_STR(target(&zd, "95.100.51.198.in-addr.arpa.", DNS_T_CNAME), "(none)");
		CHECK_STR(target(&zd, "70.100.51.198.in-addr.arpa.", DNS_T_PTR), "(none)");
		size_t cnames = 0;
		for (size_t i = 0; i < zd.n; i++)
			cnames += zd.rr[i].type == DNS_T_CNAME;
		CHECK_INT(cnames, 30);
		dns_zonedata_free(&zd);
	}
	if (rendered(&m, "cust-ns", "64/27.100.51.198.in-addr.arpa.", &zd)) {
		CHECK_STR(target(&zd, "70.64/27.100.51.198.in-addr.arpa.", DNS_T_PTR),
			  "www.cust.test.");
		CHECK_STR(target(&zd, "66.64/27.100.51.198.in-addr.arpa.", DNS_T_PTR),
			  "ns.cust.test.");
		/* The router's address there has no forward name: no PTR. */
		CHECK_STR(target(&zd, "65.64/27.100.51.198.in-addr.arpa.", DNS_T_PTR), "(none)");
		dns_zonedata_free(&zd);
	}
	if (rendered(&m, "isp-ns", "0.0.0.0.0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa.", &zd)) {
		CHECK_STR(target(&zd, "0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.8.b.d.0.1.0.0.2"
				 ".ip6.arpa.", DNS_T_PTR), "pc.isp.test.");
		dns_zonedata_free(&zd);
	}
	/* The root server's own address: its hostname (authoritative in
	 * the root zone) rather than ns.test (glue below test.). */
	if (rendered(&m, "root", "0.4.10.in-addr.arpa.", &zd)) {
		CHECK_STR(target(&zd, "2.0.4.10.in-addr.arpa.", DNS_T_PTR), "a.root.test.");
		dns_zonedata_free(&zd);
	}
	if (rendered(&m, "root", "3.4.10.in-addr.arpa.", &zd)) {
		CHECK_STR(target(&zd, "9.3.4.10.in-addr.arpa.", DNS_T_PTR), "a.b.c.far.isp.test.");
		CHECK_STR(target(&zd, "10.3.4.10.in-addr.arpa.", DNS_T_PTR), "(none)");
		dns_zonedata_free(&zd);
	}
	topo_model_free(&m);
}

static void test_ptr_targets(void)
{
	topo_model m;
	char err[256];
	CHECK(model_from(&m, rev_files, err, sizeof err));
	const topo_node *nameless = topo_node_find(&m.t, "nameless");
	const topo_node *root = topo_node_find(&m.t, "root");
	dns_name out;
	char text[DNS_NAME_MAXTEXT];
	/* Glue (host.sub, below the cut at sub) loses to a longer name that
	 * is the zone's own data. */
	CHECK(nameless && reverse_ptr_target(m.zones, nameless, &nameless->addrs[0].addr,
					     &out));
	CHECK(dns_name_to_text(out.data, text, sizeof text, NULL) == DNS_OK);
	CHECK_STR(text, "a.b.c.far.isp.test.");
	CHECK(nameless && !reverse_ptr_target(m.zones, nameless, &nameless->addrs[1].addr,
					      &out));
	CHECK(root && reverse_ptr_target(m.zones, root, &root->addrs[0].addr, &out));
	CHECK(dns_name_to_text(out.data, text, sizeof text, NULL) == DNS_OK);
	CHECK_STR(text, "a.root.test.");
	topo_model_free(&m);

	/* With no forward name at all, a node's hostname stands in. */
	static const char root_zone[] =
		"$TTL 86400\n. SOA a.root.test. admin.test. 1 1800 900 604800 86400\n"
		". NS a.root.test.\n";
	const memfile files[] = {
		{ "t.toml", rev_topology }, { "./root.zone", root_zone },
		{ "./isp.zone", rev_isp }, { "./cust.zone", rev_cust }, { NULL, NULL },
	};
	CHECK(model_from(&m, files, err, sizeof err));
	root = topo_node_find(&m.t, "root");
	CHECK(root && reverse_ptr_target(m.zones, root, &root->addrs[1].addr, &out));
	CHECK(dns_name_to_text(out.data, text, sizeof text, NULL) == DNS_OK);
	CHECK_STR(text, "a.root.test.");
	topo_model_free(&m);
}

static void test_a_file_overrides(void)
{
	/* The ISP writes its /24 by hand: its PTR for pc stays, the rest
	 * is filled in, and its zone is not derived. */
	static const char topology[] =
		"[sim]\nname = \"rev\"\n"
		"[network.isp]\nipv4 = \"198.51.100.0/26\"\nreverse = \"isp-ns\"\n"
		"[network.cust]\nipv4 = \"198.51.100.64/27\"\nreverse = \"cust-ns\"\n"
		"[node.router]\nrouter = true\n"
		"addresses = { isp = \"198.51.100.1\", cust = \"198.51.100.65\" }\n"
		"[node.root]\nhostname = \"a.root.test\"\naddresses = { isp = \"198.51.100.3\" }\n"
		"auth.zones = { \".\" = \"root.zone\" }\n"
		"[node.isp-ns]\nhostname = \"ns.isp.test\"\naddresses = { isp = \"198.51.100.2\" }\n"
		"auth.zones = { \"isp.test.\" = \"isp.zone\", "
		"\"100.51.198.in-addr.arpa.\" = \"rev.zone\" }\n"
		"[node.cust-ns]\nhostname = \"ns.cust.test\"\naddresses = { cust = \"198.51.100.66\" }\n"
		"auth.zones = { \"cust.test.\" = \"cust.zone\" }\n"
		"[node.pc]\naddresses = { isp = \"198.51.100.10\" }\n";
	static const char root_zone[] =
		"$TTL 86400\n. SOA a.root.test. admin.test. 1 1800 900 604800 86400\n"
		". NS a.root.test.\na.root.test. A 198.51.100.3\n";
	static const char rev[] =
		"$TTL 3600\n@ SOA ns.isp.test. admin.isp.test. 1 1800 900 604800 300\n"
		"@ NS ns.isp.test.\n"
		"10 PTR home-of-pc.isp.test.\n"
		"70 PTR hand-written.isp.test.\n";
	const memfile files[] = {
		{ "t.toml", topology }, { "./root.zone", root_zone }, { "./isp.zone", rev_isp },
		{ "./cust.zone", rev_cust }, { "./rev.zone", rev }, { NULL, NULL },
	};
	topo_model m;
	char err[256];
	CHECK(model_from(&m, files, err, sizeof err));
	CHECK(serves(&m, "isp-ns", "100.51.198.in-addr.arpa.", false));
	dns_zonedata zd;
	if (rendered(&m, "isp-ns", "100.51.198.in-addr.arpa.", &zd)) {
		CHECK_STR(target(&zd, "10.100.51.198.in-addr.arpa.", DNS_T_PTR),
			  "home-of-pc.isp.test.");
		CHECK_STR(target(&zd, "2.100.51.198.in-addr.arpa.", DNS_T_PTR), "ns.isp.test.");
		/* What is written at a name wins over the derived CNAME. */
		CHECK_STR(target(&zd, "70.100.51.198.in-addr.arpa.", DNS_T_CNAME), "(none)");
		CHECK_STR(target(&zd, "71.100.51.198.in-addr.arpa.", DNS_T_CNAME),
			  "71.64/27.100.51.198.in-addr.arpa.");
		CHECK_STR(target(&zd, "64/27.100.51.198.in-addr.arpa.", DNS_T_NS), "ns.cust.test.");
		dns_zonedata_free(&zd);
	}
	/* in-addr.arpa. delegates the file's zone like a derived one. */
	if (rendered(&m, "root", "in-addr.arpa.", &zd)) {
		CHECK_STR(target(&zd, "100.51.198.in-addr.arpa.", DNS_T_NS), "ns.isp.test.");
		dns_zonedata_free(&zd);
	}
	topo_model_free(&m);
}

static void test_one_operator_no_classless_zone(void)
{
	/* The customer's /27 has the /24 owner's server: its PTRs go
	 * straight into the /24's zone. */
	static const char topology[] =
		"[sim]\nname = \"rev\"\n"
		"[network.isp]\nipv4 = \"198.51.100.0/26\"\n"
		"[network.cust]\nipv4 = \"198.51.100.64/27\"\n"
		"[node.router]\nrouter = true\n"
		"addresses = { isp = \"198.51.100.1\", cust = \"198.51.100.65\" }\n"
		"[node.root]\nhostname = \"a.root.test\"\naddresses = { cust = \"198.51.100.70\" }\n"
		"auth.zones = { \".\" = \"root.zone\" }\n";
	static const char root_zone[] =
		"$TTL 86400\n. SOA a.root.test. admin.test. 1 1800 900 604800 86400\n"
		". NS a.root.test.\na.root.test. A 198.51.100.70\n";
	const memfile files[] = {
		{ "t.toml", topology }, { "./root.zone", root_zone }, { NULL, NULL },
	};
	topo_model m;
	char err[256];
	CHECK(model_from(&m, files, err, sizeof err));
	CHECK_INT(derived_zones(&m), 3);
	dns_zonedata zd;
	if (rendered(&m, "root", "100.51.198.in-addr.arpa.", &zd)) {
		CHECK_STR(target(&zd, "70.100.51.198.in-addr.arpa.", DNS_T_PTR), "a.root.test.");
		CHECK_STR(target(&zd, "71.100.51.198.in-addr.arpa.", DNS_T_CNAME), "(none)");
		dns_zonedata_free(&zd);
	}
	topo_model_free(&m);
}

static void test_switched_off(void)
{
	char topology[sizeof rev_topology + 32];
	snprintf(topology, sizeof topology, "%s", rev_topology);
	/* "[sim]\nname = ..." -> "[sim]\nreverse = false\nname = ..." */
	memmove(topology + 6 + 16, topology + 6, strlen(topology + 6) + 1);
	memcpy(topology + 6, "reverse = false\n", 16);
	const memfile files[] = {
		{ "t.toml", topology }, { "./root.zone", rev_root }, { "./isp.zone", rev_isp },
		{ "./cust.zone", rev_cust }, { NULL, NULL },
	};
	topo_model m;
	char err[256];
	CHECK(model_from(&m, files, err, sizeof err));
	CHECK(m.t.no_reverse);
	CHECK_INT(derived_zones(&m), 0);
	CHECK_INT(m.zones ? m.zones->n : 0, 3);
	dns_zonedata zd;
	if (rendered(&m, "root", ".", &zd)) {
		CHECK_STR(target(&zd, "in-addr.arpa.", DNS_T_NS), "(none)");
		CHECK_STR(target(&zd, "ip6.arpa.", DNS_T_NS), "(none)");
		dns_zonedata_free(&zd);
	}
	topo_model_free(&m);
}

static void test_no_root_server(void)
{
	/* Nobody serves the root: no trees, but a network with a server of
	 * its own still gets its zone. */
	static const char topology[] =
		"[network.a]\nipv4 = \"192.0.2.0/24\"\nreverse = \"ns\"\n"
		"[network.b]\nipv4 = \"198.18.0.0/24\"\n"
		"[node.ns]\nhostname = \"ns.a.test\"\naddresses = { a = \"192.0.2.53\" }\n"
		"auth.zones = { \"a.test.\" = \"a.zone\" }\n"
		"[node.b]\naddresses = { b = \"198.18.0.5\" }\n";
	static const char a_zone[] =
		"$TTL 60\n@ SOA ns admin 1 1 1 1 1\n@ NS ns\nns A 192.0.2.53\n";
	const memfile files[] = {
		{ "t.toml", topology }, { "./a.zone", a_zone }, { NULL, NULL },
	};
	topo_model m;
	char err[256];
	CHECK(model_from(&m, files, err, sizeof err));
	CHECK_INT(derived_zones(&m), 1);
	CHECK(serves(&m, "ns", "2.0.192.in-addr.arpa.", true));
	dns_zonedata zd;
	if (rendered(&m, "ns", "2.0.192.in-addr.arpa.", &zd)) {
		CHECK_STR(target(&zd, "53.2.0.192.in-addr.arpa.", DNS_T_PTR), "ns.a.test.");
		dns_zonedata_free(&zd);
	}
	topo_model_free(&m);
}

static void test_a_server_with_views_has_them_in_every_view(void)
{
	static const char topology[] =
		"[network.a]\nipv4 = \"192.0.2.0/24\"\nreverse = \"ns\"\n"
		"[node.ns]\nhostname = \"ns.a.test\"\naddresses = { a = \"192.0.2.53\" }\n"
		"auth.zones = { \"a.test.\" = \"a.zone\" }\n"
		"[[node.ns.auth.view]]\nname = \"inside\"\nmatch = [\"10.0.0.0/8\"]\n"
		"zones = { \"a.test.\" = \"a.zone\" }\n";
	static const char a_zone[] =
		"$TTL 60\n@ SOA ns admin 1 1 1 1 1\n@ NS ns\nns A 192.0.2.53\n";
	const memfile files[] = {
		{ "t.toml", topology }, { "./a.zone", a_zone }, { NULL, NULL },
	};
	topo_model m;
	char err[256];
	CHECK(model_from(&m, files, err, sizeof err));
	const topo_node *ns = topo_node_find(&m.t, "ns");
	const topo_zone *outside = NULL, *inside = NULL;
	for (size_t k = 0; ns && k < ns->nzones; k++)
		if (ns->zones[k].derived && strcmp(ns->zones[k].origin, "2.0.192.in-addr.arpa.") == 0) {
			if (ns->zones[k].view == NULL)
				outside = &ns->zones[k];
			else if (strcmp(ns->zones[k].view, "inside") == 0)
				inside = &ns->zones[k];
		}
	CHECK(outside && inside);
	CHECK_INT(derived_zones(&m), 2);
	/* One zone, loaded once, whichever view asks. */
	CHECK(outside && inside &&
	      topo_zones_entry(m.zones, outside) == topo_zones_entry(m.zones, inside));
	dns_zonedata zd;
	bool derived;
	if (inside && render_served_zone(&m.t, m.zones, ns, inside, &zd, &derived, err,
					 sizeof err)) {
		CHECK(derived);
		CHECK_STR(target(&zd, "53.2.0.192.in-addr.arpa.", DNS_T_PTR), "ns.a.test.");
		dns_zonedata_free(&zd);
	}
	char out[4096] = "";
	CHECK_INT(topo_check(&m, collect, out), 0);
	CHECK_STR(out, "");
	topo_model_free(&m);
}

static void test_check_of_the_reverse_keys(void)
{
	static const char topology[] =
		"[network.a]\nipv4 = \"192.0.2.0/24\"\nreverse = [\"ns\", \"nobody\"]\n"
		"[network.b]\nipv4 = \"198.18.0.0/24\"\nreverse = \"pc\"\n"
		"[network.c]\nipv4 = \"198.18.1.0/24\"\nreverse = \"anon\"\n"
		"[node.ns]\nhostname = \"ns.a.test\"\naddresses = { a = \"192.0.2.53\" }\n"
		"auth.zones = { \"a.test.\" = \"a.zone\" }\n"
		"[node.anon]\naddresses = { c = \"198.18.1.53\" }\n"
		"auth.zones = { \"c.test.\" = \"a.zone\" }\n"
		"[node.pc]\naddresses = { b = \"198.18.0.5\" }\n";
	static const char a_zone[] =
		"$TTL 60\n@ SOA ns.a.test. admin 1 1 1 1 1\n@ NS ns.a.test.\n";
	const memfile files[] = {
		{ "t.toml", topology }, { "./a.zone", a_zone }, { NULL, NULL },
	};
	topo_model m;
	char err[256], out[4096] = "";
	CHECK(model_from(&m, files, err, sizeof err));
	CHECK_INT(reverse_check(&m.t, collect, out), 3);
	CHECK(strstr(out, "t.toml:3: network a: reverse server \"nobody\" is no node of the "
		      "topology\n") != NULL);
	CHECK(strstr(out, "t.toml:6: network b: reverse server \"pc\" runs no authoritative "
		      "server") != NULL);
	CHECK(strstr(out, "t.toml:9: network c: reverse server \"anon\" has no hostname") != NULL);
	/* topo_check tells them too. */
	out[0] = '\0';
	CHECK(topo_check(&m, collect, out) >= 3);
	CHECK(strstr(out, "\"nobody\" is no node") != NULL);
	topo_model_free(&m);
}

static void test_parse_errors(void)
{
	topo t;
	char err[256];
	static const char *const bad[][2] = {
		{ "[sim]\nreverse = \"no\"\n[node.x]\naddresses = {}\n",
		  "t.toml:2:11: sim.reverse must be true or false, not a string" },
		{ "[network.a]\nipv4 = \"192.0.2.0/24\"\nreverse = 5\n",
		  "t.toml:3:11: reverse (a node name) must be an array, not an integer" },
		{ "[network.a]\nipv4 = \"192.0.2.0/24\"\nreverse = []\n",
		  "t.toml:3:11: network a: reverse names no node" },
		{ "[network.a]\nipv4 = \"192.0.2.0/24\"\nreverses = \"x\"\n",
		  "unknown key \"reverses\" in [network.a] (did you mean \"reverse\"?)" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK(!topo_parse(&t, "t.toml", bad[i][0], strlen(bad[i][0]), err, sizeof err));
		if (strstr(err, bad[i][1]) == NULL)
			fprintf(stderr, "case %zu: %s\n", i, err);
		CHECK(strstr(err, bad[i][1]) != NULL);
		topo_free(&t);
	}
	static const char good[] =
		"[sim]\nreverse = true\n[network.a]\nipv4 = \"192.0.2.0/24\"\n"
		"reverse = [\"n1\", \"n2\"]\n[node.x]\naddresses = { a = \"192.0.2.9\" }\n";
	CHECK(topo_parse(&t, "t.toml", good, strlen(good), err, sizeof err));
	CHECK(!t.no_reverse);
	CHECK(t.nnetworks == 1 && t.networks[0].nreverse == 2 && t.networks[0].reverse_line == 5);
	CHECK(t.nnetworks == 1 && strcmp(t.networks[0].reverse[1], "n2") == 0);
	topo_free(&t);
}

int main(void)
{
	RUN(test_reverse_names);
	RUN(test_the_zones_and_their_servers);
	RUN(test_a_derived_apex);
	RUN(test_delegations_from_the_root_down);
	RUN(test_ptrs_and_classless_cnames);
	RUN(test_ptr_targets);
	RUN(test_a_file_overrides);
	RUN(test_one_operator_no_classless_zone);
	RUN(test_switched_off);
	RUN(test_no_root_server);
	RUN(test_a_server_with_views_has_them_in_every_view);
	RUN(test_check_of_the_reverse_keys);
	RUN(test_parse_errors);
	return check_summary("test_reverse");
}
