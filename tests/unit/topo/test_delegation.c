/* Delegations derived from the topology: NS and glue a parent's file
 * leaves out, the checks of the ones it writes, and the root hints. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "topo/delegation.h"

/* Node `name`'s copy of its first zone with the delegations added,
 * unfinished (records in the order added). */
static int copy_with_delegations(const topo_model *m, const char *name, dns_zonedata *zd)
{
	const topo_node *n = topo_node_find(&m->t, name);
	const topo_zone_data *src = n ? topo_zones_entry(m->zones, &n->zones[0]) : NULL;
	if (src == NULL)
		return -2;
	dns_zonedata_init(zd, src->origin.data, DNS_C_IN);
	char err[256];
	return delegation_add(&m->t, m->zones, n, &n->zones[0], zd, err, sizeof err);
}

static void test_root_gets_test_delegation_with_glue(void)
{
	topo_model m;
	char err[256];
	CHECK(model_from(&m, tiny_files, err, sizeof err));
	dns_zonedata zd;
	/* test., and the reverse trees the root servers serve themselves
	 * (topo/reverse.h). */
	CHECK_INT(copy_with_delegations(&m, "root", &zd), 3);
	CHECK_INT(count_rr(&zd, "test.", DNS_T_NS), 1);
	CHECK_INT(count_rr(&zd, "in-addr.arpa.", DNS_T_NS), 1);
	CHECK_INT(count_rr(&zd, "ip6.arpa.", DNS_T_NS), 1);
	/* ns.nic.test is inside the root's name space and the root file
	 * has no address for it: glue, from the test. zone. */
	CHECK_INT(count_rr(&zd, "ns.nic.test.", DNS_T_A), 1);
	/* The TTL of the child's apex NS. */
	dns_name test;
	CHECK(dns_name_from_text(&test, "test.", 5, dns_name_root) == DNS_OK);
	for (size_t i = 0; i < zd.n; i++)
		if (zd.rr[i].type == DNS_T_NS && dns_name_equal(zd.rr[i].owner, test.data))
			CHECK_INT(zd.rr[i].ttl, 172800);
	/* Only the zone right below: nothing for example.test. */
	CHECK_INT(count_rr(&zd, "example.test.", DNS_T_NS), 0);
	dns_zonedata_free(&zd);
	topo_model_free(&m);
}

static void test_tld_gets_example_with_both_addresses(void)
{
	topo_model m;
	char err[256];
	CHECK(model_from(&m, tiny_files, err, sizeof err));
	dns_zonedata zd;
	CHECK_INT(copy_with_delegations(&m, "tld", &zd), 1);
	CHECK_INT(count_rr(&zd, "example.test.", DNS_T_NS), 1);
	CHECK_INT(count_rr(&zd, "ns1.example.test.", DNS_T_A), 1);
	CHECK_INT(count_rr(&zd, "ns1.example.test.", DNS_T_AAAA), 1);
	dns_zonedata_free(&zd);
	/* A leaf zone gets nothing. */
	CHECK_INT(copy_with_delegations(&m, "ex", &zd), 0);
	CHECK_INT(zd.n, 0);
	dns_zonedata_free(&zd);
	topo_model_free(&m);
}

static void test_written_delegation_is_left_alone(void)
{
	static const char root[] =
		"$TTL 86400\n. SOA a.root.test. admin.test. 1 1800 900 604800 86400\n"
		". NS a.root.test.\na.root.test. A 198.51.100.2\n"
		"test. NS ns.nic.test.\nns.nic.test. A 198.51.100.3\n";
	const memfile files[] = {
		{ "t.toml", tiny_topology }, { "./root.zone", root },
		{ "./test.zone", tiny_test }, { "./example.zone", tiny_example },
		{ NULL, NULL },
	};
	topo_model m;
	char err[256];
	CHECK(model_from(&m, files, err, sizeof err));
	dns_zonedata zd;
	/* Only the reverse trees' delegations are added; test. is written. */
	CHECK_INT(copy_with_delegations(&m, "root", &zd), 2);
	CHECK_INT(count_rr(&zd, "test.", DNS_T_NS), 0);
	CHECK_INT(count_rr(&zd, "ns.nic.test.", DNS_T_A), 0);
	CHECK_INT(count_rr(&zd, "in-addr.arpa.", DNS_T_NS), 1);
	dns_zonedata_free(&zd);
	topo_model_free(&m);
}

static void collect(void *ctx, const char *line)
{
	char *buf = ctx;
	size_t used = strlen(buf);
	snprintf(buf + used, 4096 - used, "%s\n", line);
}

static void test_check_finds_wrong_delegations(void)
{
	/* The root names 198.51.100.4 (node ex, which serves example.test,
	 * not test.) and an address no node has. */
	static const char root[] =
		"$TTL 86400\n. SOA a.root.test. admin.test. 1 1800 900 604800 86400\n"
		". NS a.root.test.\na.root.test. A 198.51.100.2\n"
		"test. NS wrong.test.\nwrong.test. A 198.51.100.4\n"
		"test. NS nowhere.test.\nnowhere.test. A 198.51.100.77\n";
	const memfile files[] = {
		{ "t.toml", tiny_topology }, { "./root.zone", root },
		{ "./test.zone", tiny_test }, { "./example.zone", tiny_example },
		{ NULL, NULL },
	};
	topo_model m;
	char err[256], out[4096] = "";
	CHECK(model_from(&m, files, err, sizeof err));
	CHECK_INT(delegation_check(&m.t, &m.r, m.zones, collect, out), 2);
	CHECK(strstr(out, "./root.zone:5: delegation of test. in .: nameserver wrong.test. of "
		      "test. is at 198.51.100.4, which is node ex, but ex does not serve test.")
	      != NULL);
	CHECK(strstr(out, "./root.zone:7: delegation of test. in .: nameserver nowhere.test. of "
		      "test. is at 198.51.100.77, which no node in the topology has") != NULL);
	topo_model_free(&m);

	out[0] = '\0';
	CHECK(model_from(&m, tiny_files, err, sizeof err));
	CHECK_INT(delegation_check(&m.t, &m.r, m.zones, collect, out), 0);
	CHECK_STR(out, "");
	topo_model_free(&m);
}

static void test_root_hints(void)
{
	topo_model m;
	char err[256];
	CHECK(model_from(&m, tiny_files, err, sizeof err));
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	CHECK(f != NULL);
	if (f == NULL)
		return;
	CHECK(delegation_root_hints(&m.t, m.zones, f, err, sizeof err));
	fclose(f);
	CHECK_STR(text, "; Root hints made by dnsim from the topology's root zone.\n"
		  ". 3600000 IN NS a.root.test.\n"
		  "a.root.test. 3600000 IN A 198.51.100.2\n");
	free(text);
	topo_model_free(&m);
}

int main(void)
{
	RUN(test_root_gets_test_delegation_with_glue);
	RUN(test_tld_gets_example_with_both_addresses);
	RUN(test_written_delegation_is_left_alone);
	RUN(test_check_finds_wrong_delegations);
	RUN(test_root_hints);
	return check_summary("test_delegation");
}
