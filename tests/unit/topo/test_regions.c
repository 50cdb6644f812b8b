/* Regions for routing policies: every network in its own or its nearest
 * region, the delays between regions; policies read from [[zone.
 * "ORIGIN".policy]] and rendered into the auth.conf of the zone's
 * servers, and the mistakes a topology can make in them. */
#include "check.h"
#include "conf/auth_conf.h"
#include "topo/regions.h"
#include "topo/render.h"
#include "fixtures.h"

/* a -r1- b -r2- c -r3- d, with delays on the routers' attachments; an
 * anycast instance on d names the far region, network a the near one. */
#define BASE \
	"[network.a]\nipv4 = \"198.51.100.0/24\"\nregion = \"near\"\n" \
	"[network.b]\nipv4 = \"198.18.0.0/24\"\nipv6 = \"2001:db8:1::/64\"\n" \
	"[network.c]\nipv4 = \"203.0.113.0/24\"\n" \
	"[network.d]\nipv4 = \"192.0.2.0/24\"\n" \
	"[network.e]\nipv4 = \"192.0.3.0/24\"\nregion = \"mid\"\n" \
	"[node.r1]\nrouter = true\naddresses = { a = \"198.51.100.1\", b = \"198.18.0.1\" }\n" \
	"links = { b = { delay = \"2ms\" } }\n" \
	"[node.r2]\nrouter = true\naddresses = { b = \"198.18.0.2\", c = \"203.0.113.1\" }\n" \
	"links = { c = { delay = \"20ms\" } }\n" \
	"[node.r3]\nrouter = true\naddresses = { c = \"203.0.113.2\", d = \"192.0.2.1\", e = \"192.0.3.1\" }\n" \
	"links = { d = { delay = \"1ms\" }, e = { delay = \"50ms\" } }\n" \
	"[node.far]\naddresses = { d = \"192.0.2.4\" }\nanycast = \"198.18.9.4\"\nregion = \"far\"\n" \
	"auth.zones = { \"example.net.\" = \"ex.zone\" }\n" \
	"[node.web1]\naddresses = { a = \"198.51.100.10\" }\nservice.command = [\"true\"]\n" \
	"[node.web2]\naddresses = { b = [\"198.18.0.10\", \"2001:db8:1::10\"] }\n" \
	"service.command = [\"true\"]\n" \
	"[node.ns]\naddresses = { c = \"203.0.113.53\" }\n" \
	"auth.zones = { \"example.com.\" = \"ex.zone\", \"example.net.\" = \"ex.zone\" }\n"

static void test_regions(void)
{
	topo t;
	char err[512] = "";
	bool ok;
	load(&t, BASE, err, sizeof err, &ok);
	if (!ok)
		fprintf(stderr, "  %s\n", err);
	CHECK(ok);
	topo_regions r;
	CHECK(topo_regions_compute(&t, &r));
	CHECK_INT(r.n, 3);
	long near = topo_regions_find(&r, "near"), mid = topo_regions_find(&r, "mid"),
	     far = topo_regions_find(&r, "far");
	CHECK(near >= 0 && mid >= 0 && far >= 0);
	CHECK_INT(topo_regions_find(&r, "nowhere"), -1);
	/* a and e name theirs; b is 2 ms from a; c is 20 ms from b (22
	 * from a) but 1 ms from far's d (and 50 from e); d holds far. */
	CHECK_INT(r.of_network[0], near);
	CHECK_INT(r.of_network[1], near);
	CHECK_INT(r.of_network[2], far);
	CHECK_INT(r.of_network[3], far);
	CHECK_INT(r.of_network[4], mid);
	/* near-far: b to c, 20 ms; near-mid: b to e, 20 + 50; far-mid: c
	 * to e, 50. */
	CHECK_INT(r.delay_us[near * 3 + far], 20000);
	CHECK_INT(r.delay_us[far * 3 + near], 20000);
	CHECK_INT(r.delay_us[near * 3 + mid], 70000);
	CHECK_INT(r.delay_us[far * 3 + mid], 50000);
	CHECK_INT(r.delay_us[mid * 3 + mid], 0);
	topo_regions_free(&r);
	topo_free(&t);

	/* No region named anywhere: none. */
	load(&t, chain, err, sizeof err, &ok);
	CHECK(ok);
	CHECK(topo_regions_compute(&t, &r));
	CHECK_INT(r.n, 0);
	CHECK_INT(r.of_network[0], -1);
	topo_regions_free(&r);
	topo_free(&t);
}

#define POLICIES \
	"[[zone.\"example.com.\".policy]]\nname = \"shop\"\nrouting = \"weighted\"\nttl = 30\n" \
	"answers = [ { node = \"web1\", weight = 70 }, { node = \"web2\", weight = 30 } ]\n" \
	"[[zone.\"example.com.\".policy]]\nname = \"www.example.com.\"\nrouting = \"failover\"\n" \
	"check = { http = 80, path = \"/up\", interval = 1, threshold = 2 }\n" \
	"answers = [ { node = \"web1\", failover = \"primary\" }, " \
	"{ address = \"192.0.2.99\", failover = \"secondary\" } ]\n" \
	"[[zone.\"example.com.\".policy]]\nname = \"geo\"\nrouting = \"geolocation\"\n" \
	"answers = [ { node = \"web1\", region = \"far\" }, { node = \"web2\", default = true } ]\n"

static void test_policies_rendered(void)
{
	char err[512] = "";
	bool ok;
	topo t;
	load(&t, BASE POLICIES, err, sizeof err, &ok);
	if (!ok)
		fprintf(stderr, "  %s\n", err);
	CHECK(ok);
	if (!ok)
		return;
	CHECK_INT(t.nzconf, 1);
	CHECK_INT(t.zconf[0].npolicies, 3);
	CHECK_STR(t.zconf[0].policies[0].name, "shop.example.com.");
	CHECK_STR(t.zconf[0].policies[1].name, "www.example.com.");
	const topo_node *ns = topo_node_find(&t, "ns");
	const char *paths[] = { "/z/ex.zone", "/z/ex.net.zone" };
	char *text = render_auth_conf_xfr(&t, NULL, ns, paths, NULL, NULL, err, sizeof err);
	CHECK(text != NULL);
	if (text == NULL) {
		fprintf(stderr, "  %s\n", err);
		topo_free(&t);
		return;
	}
	/* What the server reads back: the policies with the nodes'
	 * addresses, and the regions with their networks' prefixes. */
	auth_config c;
	CHECK(auth_config_init(&c));
	ok = auth_config_parse(&c, "auth.conf", text, strlen(text), err, sizeof err);
	if (!ok)
		fprintf(stderr, "  %s\n%s", err, text);
	CHECK(ok);
	CHECK_INT(c.npolicies, 3);
	const auth_policy_conf *p = &c.policies[0];
	CHECK_STR(p->name, "shop.example.com.");
	CHECK_INT(p->routing, AUTH_ROUTE_WEIGHTED);
	CHECK_INT(p->ttl, 30);
	/* web2 has an IPv6 address too: an answer for AAAA, same weight. */
	CHECK_INT(p->nanswers, 3);
	CHECK_INT(p->answers[0].weight, 70);
	CHECK_INT(p->answers[2].weight, 30);
	CHECK_INT(p->answers[2].addr.ss.ss_family, AF_INET6);
	p = &c.policies[1];
	CHECK_INT(p->check, AUTH_CHECK_HTTP);
	CHECK_STR(p->check_path, "/up");
	CHECK_INT(p->check_interval, 1);
	CHECK_INT(p->check_threshold, 2);
	CHECK(p->answers[1].secondary);
	p = &c.policies[2];
	CHECK_STR(p->answers[0].region, "far");
	CHECK(p->answers[1].region == NULL);
	CHECK_INT(c.nregions, 3);
	long far = auth_config_region(&c, "far");
	CHECK(far >= 0);
	/* far: networks c and d. */
	if (far >= 0)
		CHECK_INT(c.regions[far].nprefixes, 2);
	long near = auth_config_region(&c, "near");
	/* near: a, and b with its IPv6 prefix. */
	if (near >= 0)
		CHECK_INT(c.regions[near].nprefixes, 3);
	CHECK_INT(c.ndelays, 3);
	CHECK(strstr(text, "region-delay near far 20\n") || strstr(text, "region-delay far near 20\n"));
	auth_config_free(&c);
	free(text);
	/* A server of no zone with policies gets the regions alone. */
	const topo_node *far_node = topo_node_find(&t, "far");
	text = render_auth_conf_xfr(&t, NULL, far_node, paths, NULL, NULL, err, sizeof err);
	CHECK(text && strstr(text, "region far") && !strstr(text, "policy "));
	free(text);
	topo_free(&t);
}

static void bad(const char *policy, const char *want)
{
	topo t;
	char err[512] = "", text[4096];
	bool ok;
	snprintf(text, sizeof text, "%s%s", BASE, policy);
	load(&t, text, err, sizeof err, &ok);
	CHECK(!ok);
	if (ok || strstr(err, want) == NULL) {
		fprintf(stderr, "  got \"%s\", wanted \"%s\"\n", err, want);
		CHECK(0);
	}
	topo_free(&t);
}

#define P "[[zone.\"example.com.\".policy]]\nname = \"shop\"\n"

static void test_policy_mistakes(void)
{
	bad(P "routing = \"roundrobin\"\nanswers = [ { node = \"web1\" } ]\n",
	    "routing \"roundrobin\" is not one of");
	bad(P "routing = \"weighted\"\n", "give its answers");
	bad(P "routing = \"weighted\"\nanswers = [ { node = \"web9\" } ]\n", "no node web9");
	bad(P "routing = \"weighted\"\nanswers = [ { node = \"web1\", address = \"192.0.2.1\" } ]\n",
	    "one of the two");
	bad(P "routing = \"weighted\"\nanswers = [ { address = \"web1\" } ]\n",
	    "not an IPv4 or IPv6 address");
	bad(P "routing = \"failover\"\nanswers = [ { node = \"web1\", failover = \"secondary\" } ]\n",
	    "no answer is the primary");
	bad(P "routing = \"failover\"\nanswers = [ { node = \"web1\", weight = 3 } ]\n",
	    "weight is for weighted routing");
	bad(P "routing = \"geolocation\"\nanswers = [ { node = \"web1\", region = \"mars\" } ]\n",
	    "no region mars");
	bad(P "routing = \"geolocation\"\nanswers = [ { node = \"web1\" } ]\n",
	    "region = \"NAME\" or default = true");
	bad(P "routing = \"multivalue\"\ncheck = { udp = 53 }\nanswers = [ { node = \"web1\" } ]\n",
	    "unknown key \"udp\"");
	bad(P "routing = \"multivalue\"\ncheck = { tcp = 80, path = \"/\" }\n"
	    "answers = [ { node = \"web1\" } ]\n", "path is for http checks");
	bad("[[zone.\"example.com.\".policy]]\nname = \"www.example.org.\"\nrouting = \"weighted\"\n"
	    "answers = [ { node = \"web1\" } ]\n", "is not in the zone");
	bad(P "routing = \"weighted\"\nanswers = [ { node = \"web1\" } ]\n"
	    P "routing = \"weighted\"\nanswers = [ { node = \"web2\" } ]\n", "two policies for");
	bad("[network.x]\nipv4 = \"10.0.0.0/8\"\nregion = \"Not OK\"\n", "region name");
}

int main(void)
{
	RUN(test_regions);
	RUN(test_policies_rendered);
	RUN(test_policy_mistakes);
	return check_summary("test_regions");
}
