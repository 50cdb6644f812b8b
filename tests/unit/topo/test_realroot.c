/* `sim gen root`: a root zone's delegations as a topology.  A small zone
 * in IANA's layout (with the records the generator passes over: DS,
 * RRSIG, NSEC, glue, the root's own) goes in; the topology that comes
 * out loads as a model with the shipped templates, and every zone in it
 * is served by the hosts the root zone names for it. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "topo/realroot.h"

static const char zone[] =
	".\t\t\t86400\tIN\tSOA\ta.root-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 86400\n"
	".\t\t\t518400\tIN\tNS\ta.root-servers.net.\n"
	".\t\t\t518400\tIN\tNS\tb.root-servers.net.\n"
	".\t\t\t86400\tIN\tNSEC\taaa. NS SOA RRSIG NSEC DNSKEY\n"
	"; a comment line\n"
	"aaa.\t\t\t172800\tIN\tNS\ta.nic.aaa.\n"
	"aaa.\t\t\t172800\tIN\tNS\tNS1.Shared-DNS.net.\n"
	"aaa.\t\t\t86400\tIN\tDS\t31852 8 2 89F7670AFC091B199B47900E4CE4135B9463B7F74D3D19A1C732E78C\n"
	"a.nic.aaa.\t\t172800\tIN\tA\t37.209.192.9\n"
	"a.nic.aaa.\t\t172800\tIN\tAAAA\t2001:dcd:1::9\n"
	"bbb.\t\t\t172800\tIN\tNS\tns1.shared-dns.net.\n"
	"bbb.\t\t\t172800\tIN\tNS\tns2.shared-dns.net.\n"
	"xn--p1ai.\t\t172800\tIN\tNS\ta.dns.ripn.net.\n"
	"www.aaa.\t\t172800\tIN\tNS\tnot.a.tld.\n"
	"ns1.shared-dns.net.\t172800\tIN\tA\t192.0.2.1\n";

static const char templates_root[] =
	"$TTL 86400\n@ IN SOA a.root-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 86400\n";
static const char templates_tld[] = "$TTL 172800\n@ IN SOA nic hostmaster.nic 1 1800 900 604800 86400\n";
static const char templates_nic[] = "$TTL 3600\n@ IN SOA @ hostmaster 1 1800 900 604800 300\n"
				    "www IN A 198.19.1.80\n";

static char *gen(size_t sample, realroot_stats *st)
{
	realroot_opts o = { .name = "rr", .zones_dir = "z", .sample = sample };
	char err[200] = "";
	char *t = realroot_generate(zone, sizeof zone - 1, &o, st, err, sizeof err);
	if (t == NULL)
		fprintf(stderr, "  realroot_generate: %s\n", err);
	return t;
}

static void test_counts_and_text(void)
{
	realroot_stats st;
	char *t = gen(0, &st);
	CHECK(t != NULL);
	if (t == NULL)
		return;
	/* aaa, bbb, xn--p1ai; www.aaa is no TLD.  Hosts: a.nic.aaa,
	 * ns1/ns2.shared-dns.net (case folded: one ns1), a.dns.ripn.net. */
	CHECK_INT(st.tlds, 3);
	CHECK_INT(st.hosts, 4);
	CHECK_INT(st.nodes, 4 + 2 + 3);
	CHECK_INT(st.networks, 3);
	CHECK(strstr(t, "[node.a-root]\nhostname = \"a.root-servers.net\"") != NULL);
	CHECK(strstr(t, "[node.b-root]") != NULL);
	CHECK(strstr(t, "[node.c-root]") == NULL);
	/* The shared host serves both TLDs and their nic zones. */
	CHECK(strstr(t, "[node.ns1-shared-dns-net]\nhostname = \"ns1.shared-dns.net\"") != NULL);
	CHECK(strstr(t, "\"aaa.\" = \"tld.zone\", \"nic.aaa.\" = \"nic.zone\", \"bbb.\" = "
		      "\"tld.zone\", \"nic.bbb.\" = \"nic.zone\"") != NULL);
	CHECK(strstr(t, "\"xn--p1ai.\" = \"tld.zone\"") != NULL);
	/* No address of the real zone is kept. */
	CHECK(strstr(t, "37.209.192.9") == NULL);
	CHECK(strstr(t, "192.0.2.1\"") == NULL);
	CHECK(strstr(t, "2001:dcd") == NULL);
	CHECK(strstr(t, "zones = \"z\"") != NULL);
	CHECK(strstr(t, "\nreverse = false\n") != NULL);
	free(t);
}

/* The topology loads, with the templates, into zones served by the
 * right hosts: apex NS derived from the nodes, addresses in range. */
static void test_loads_as_a_model(void)
{
	realroot_stats st;
	char *t = gen(0, &st);
	CHECK(t != NULL);
	if (t == NULL)
		return;
	const memfile files[] = {
		{ "t.toml", t },
		{ "./z/root.zone", templates_root },
		{ "./z/tld.zone", templates_tld },
		{ "./z/nic.zone", templates_nic },
		{ NULL, NULL },
	};
	topo_model m;
	char err[512] = "";
	bool ok = model_from(&m, files, err, sizeof err);
	if (!ok)
		fprintf(stderr, "  model: %s\n", err);
	CHECK(ok);
	if (ok) {
		CHECK_INT(m.t.nnodes, st.nodes);
		dns_name bbb;
		CHECK(dns_name_from_text(&bbb, "bbb.", 4, dns_name_root) == DNS_OK);
		const topo_zone_data *z = topo_zones_find(m.zones, bbb.data);
		CHECK(z && z->errors == 0);
		if (z)
			CHECK_INT(count_rr(&z->zd, "bbb.", DNS_T_NS), 2);
		const topo_zone_data *root = topo_zones_find(m.zones, dns_name_root);
		CHECK(root && count_rr(&root->zd, ".", DNS_T_NS) == 2);
		for (size_t i = 0; i < m.t.nnodes; i++)
			for (size_t k = 0; k < m.t.nodes[i].naddrs; k++)
				CHECK(strncmp(m.t.nodes[i].addrs[k].text, "198.1", 5) == 0);
		topo_model_free(&m);
	}
	free(t);
}

/* A sample keeps whole TLDs (every host of each), until the hosts
 * number at least the sample. */
static void test_sample(void)
{
	realroot_stats st;
	char *t = gen(1, &st);
	CHECK(t != NULL);
	if (t == NULL)
		return;
	CHECK_INT(st.tlds, 1);
	CHECK(st.hosts >= 1 && st.hosts <= 2);
	CHECK(strstr(t, "# A sample") != NULL);
	free(t);
	t = gen(3, &st);
	CHECK(t && st.hosts >= 3 && st.tlds >= 2);
	free(t);
}

static void test_no_delegations(void)
{
	realroot_opts o = { .zones_dir = "z" };
	realroot_stats st;
	char err[200] = "";
	const char text[] = ". 86400 IN NS a.root-servers.net.\n";
	CHECK(realroot_generate(text, sizeof text - 1, &o, &st, err, sizeof err) == NULL);
	CHECK(strstr(err, "no TLD") != NULL);
}

int main(void)
{
	RUN(test_counts_and_text);
	RUN(test_loads_as_a_model);
	RUN(test_sample);
	RUN(test_no_delegations);
	return check_summary("test_realroot");
}
