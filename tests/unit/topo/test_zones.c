/* The topology's zones: each file read once, its errors kept, lookups of
 * a zone and of the zone above a name. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"

static void test_each_file_read_once(void)
{
	topo_model m;
	char err[256];
	CHECK(model_from(&m, tiny_files, err, sizeof err));
	/* t.toml and three zone files, though two nodes serve the root. */
	CHECK_INT(memfs_reads, 4);
	/* ...and four reverse zones made, not read (topo/reverse.h). */
	CHECK_INT(m.zones->n, 7);
	const topo_node *root = topo_node_find(&m.t, "root");
	const topo_node *root2 = topo_node_find(&m.t, "root2");
	CHECK(root && root2);
	if (root && root2) {
		const topo_zone_data *a = topo_zones_entry(m.zones, &root->zones[0]);
		const topo_zone_data *b = topo_zones_entry(m.zones, &root2->zones[0]);
		CHECK(a != NULL && a == b);
		CHECK(a && a->errors == 0 && a->zd.n == 3);
	}
	topo_model_free(&m);
}

static void test_find_and_parent(void)
{
	topo_model m;
	char err[256];
	CHECK(model_from(&m, tiny_files, err, sizeof err));
	dns_name www, test;
	CHECK(dns_name_from_text(&www, "www.example.test.", 17, dns_name_root) == DNS_OK);
	CHECK(dns_name_from_text(&test, "TEST.", 5, dns_name_root) == DNS_OK);
	dns_name_to_lower(test.data);
	const topo_zone_data *z = topo_zones_find(m.zones, test.data);
	CHECK(z && strcmp(z->node->name, "tld") == 0);
	/* The zone above www.example.test is example.test; above
	 * example.test, test; above test, the root. */
	const topo_zone_data *p = topo_zones_parent(m.zones, www.data);
	CHECK(p && strcmp(p->node->name, "ex") == 0);
	p = p ? topo_zones_parent(m.zones, p->origin.data) : NULL;
	CHECK(p && strcmp(p->node->name, "tld") == 0);
	p = p ? topo_zones_parent(m.zones, p->origin.data) : NULL;
	CHECK(p && p->origin.data[0] == 0);
	CHECK(p == NULL || topo_zones_parent(m.zones, p->origin.data) == NULL);
	topo_model_free(&m);
}

static void test_broken_zone_keeps_its_errors(void)
{
	static const memfile files[] = {
		{ "t.toml", tiny_topology },
		{ "./root.zone", tiny_root },
		{ "./test.zone", "$TTL 60\n@ NS ns.nic.test.\nns.nic A 198.51.100.3\n" },
		{ "./example.zone", tiny_example },
		{ NULL, NULL },
	};
	topo_model m;
	char err[256];
	CHECK(model_from(&m, files, err, sizeof err));
	const topo_node *tld = topo_node_find(&m.t, "tld");
	const topo_zone_data *z = tld ? topo_zones_entry(m.zones, &tld->zones[0]) : NULL;
	CHECK(z && z->errors == 1 && z->nproblems == 1);
	CHECK(z && z->nproblems && strstr(z->problems[0], "SOA") != NULL);
	/* A zone that did not load is never found as a parent: the root is
	 * the closest loaded zone above example.test. */
	dns_name ex;
	CHECK(dns_name_from_text(&ex, "example.test.", 13, dns_name_root) == DNS_OK);
	const topo_zone_data *p = topo_zones_parent(m.zones, ex.data);
	CHECK(p && p->origin.data[0] == 0);
	topo_model_free(&m);
}

static void test_missing_file(void)
{
	static const memfile files[] = {
		{ "t.toml", tiny_topology },
		{ "./root.zone", tiny_root },
		{ "./test.zone", tiny_test },
		{ NULL, NULL },
	};
	topo_model m;
	char err[256];
	CHECK(model_from(&m, files, err, sizeof err));
	const topo_node *ex = topo_node_find(&m.t, "ex");
	const topo_zone_data *z = ex ? topo_zones_entry(m.zones, &ex->zones[0]) : NULL;
	CHECK(z && z->errors > 0);
	CHECK(z && z->nproblems && strstr(z->problems[0], "./example.zone") != NULL);
	topo_model_free(&m);
}

/* One template file for two TLDs, without apex NS: each zone's NS come
 * from the nodes that serve it (by hostname), with addresses for names
 * inside the zone; a node without a hostname adds none. */
static void test_apex_ns_derived_from_servers(void)
{
	static const memfile files[] = {
		{ "t.toml",
		  "[sim]\nname = \"t\"\n"
		  "[network.net]\nipv4 = \"198.51.100.0/24\"\n"
		  "[node.root]\nhostname = \"a.root.test\"\naddresses = { net = \"198.51.100.2\" }\n"
		  "auth.zones = { \".\" = \"root.zone\" }\n"
		  "[node.a]\nhostname = \"ns.nic.aa\"\naddresses = { net = \"198.51.100.3\" }\n"
		  "auth.zones = { \"aa.\" = \"tld.zone\", \"bb.\" = \"tld.zone\" }\n"
		  "[node.b]\nhostname = \"ns.other.net\"\naddresses = { net = \"198.51.100.4\" }\n"
		  "auth.zones = { \"bb.\" = \"tld.zone\" }\n" },
		{ "./root.zone", "$TTL 86400\n. SOA a.root.test. admin.test. 1 1800 900 604800 86400\n" },
		{ "./tld.zone", "$TTL 3600\n@ SOA nic hostmaster.nic 1 1800 900 604800 300\n"
				"www.nic A 192.0.2.80\n" },
		{ NULL, NULL },
	};
	topo_model m;
	char err[256];
	CHECK(model_from(&m, files, err, sizeof err));
	CHECK_INT(memfs_reads, 4);   /* tld.zone read for each of its zones */
	const topo_node *a = topo_node_find(&m.t, "a");
	const topo_node *root = topo_node_find(&m.t, "root");
	const topo_zone_data *aa = a ? topo_zones_entry(m.zones, &a->zones[0]) : NULL;
	const topo_zone_data *bb = a ? topo_zones_entry(m.zones, &a->zones[1]) : NULL;
	const topo_zone_data *rz = root ? topo_zones_entry(m.zones, &root->zones[0]) : NULL;
	CHECK(aa && aa->errors == 0 && bb && bb->errors == 0 && rz && rz->errors == 0);
	if (aa && bb && rz) {
		CHECK_INT(count_rr(&aa->zd, "aa.", DNS_T_NS), 1);
		CHECK_INT(count_rr(&aa->zd, "ns.nic.aa.", DNS_T_A), 1);   /* inside aa. */
		CHECK_INT(count_rr(&aa->zd, "www.nic.aa.", DNS_T_A), 1);
		CHECK_INT(count_rr(&bb->zd, "bb.", DNS_T_NS), 2);
		CHECK_INT(count_rr(&bb->zd, "ns.nic.aa.", DNS_T_A), 0);   /* outside bb. */
		CHECK_INT(count_rr(&rz->zd, ".", DNS_T_NS), 1);
		CHECK_INT(count_rr(&rz->zd, "a.root.test.", DNS_T_A), 1);
	}
	topo_model_free(&m);
}

int main(void)
{
	RUN(test_each_file_read_once);
	RUN(test_find_and_parent);
	RUN(test_broken_zone_keeps_its_errors);
	RUN(test_missing_file);
	RUN(test_apex_ns_derived_from_servers);
	return check_summary("test_zones");
}
