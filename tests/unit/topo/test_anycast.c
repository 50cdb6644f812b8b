/* Anycast: the keys, the checks, and the routes to the nearest live
 * instance. */
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "topo/anycast.h"
#include "topo/impair.h"
#include "topo/reverse.h"

/* A host on the left, a backbone of three routers, an instance east
 * (1 ms beyond r2) and one west (5 ms beyond r3), a host beside the
 * eastern one.  The service address 198.18.53.1 is on no network. */
static const char diamond[] =
	"[network.left]\nipv4 = \"198.51.100.0/24\"\n"
	"[network.core]\nipv4 = \"198.18.0.0/24\"\nipv6 = \"2001:db8::/64\"\n"
	"[network.east]\nipv4 = \"203.0.113.0/24\"\nipv6 = \"2001:db8:e::/64\"\n"
	"[network.west]\nipv4 = \"192.0.2.0/24\"\n"
	"[node.r1]\nrouter = true\naddresses = { left = \"198.51.100.1\", core = [\"198.18.0.1\", \"2001:db8::1\"] }\n"
	"[node.r2]\nrouter = true\naddresses = { core = [\"198.18.0.2\", \"2001:db8::2\"], east = [\"203.0.113.1\", \"2001:db8:e::1\"] }\n"
	"links = { east = { delay = \"1ms\" } }\n"
	"[node.r3]\nrouter = true\naddresses = { core = \"198.18.0.3\", west = \"192.0.2.1\" }\n"
	"links = { west = { delay = \"5ms\" } }\n"
	"[node.left-host]\naddresses = { left = \"198.51.100.7\" }\n"
	"[node.east-one]\naddresses = { east = [\"203.0.113.9\", \"2001:db8:e::9\"] }\n"
	"anycast = [\"198.18.53.1\", \"2001:db8:53::1\"]\nregion = \"east\"\n"
	"service.command = [\"true\"]\n"
	"[node.west-one]\naddresses = { west = \"192.0.2.9\" }\nanycast = \"198.18.53.1\"\n"
	"region = \"west\"\nservice.command = [\"true\"]\n"
	"[node.east-host]\naddresses = { east = \"203.0.113.20\" }\n";

static size_t idx(const topo *t, const char *name)
{
	const topo_node *n = topo_node_find(t, name);
	return n ? (size_t)(n - t->nodes) : SIZE_MAX;
}

static const char *via_text(const anycast_hop *h)
{
	return h->via ? h->via->text : "-";
}

static void test_parse_and_collect(void)
{
	topo t;
	char err[512];
	bool ok;
	load(&t, diamond, err, sizeof err, &ok);
	CHECK(ok);
	if (!ok) {
		printf("%s\n", err);
		return;
	}
	const topo_node *e = topo_node_find(&t, "east-one");
	CHECK(e && e->nanycast == 2 && strcmp(e->region, "east") == 0);
	CHECK(e && e->anycast[0].network == SIZE_MAX && e->anycast_line == 26);
	anycast_set s;
	CHECK(anycast_collect(&t, &s));
	CHECK_INT((int)s.n, 2);
	CHECK_STR(s.g[0].text, "198.18.53.1");
	CHECK_INT((int)s.g[0].ninst, 2);
	CHECK_INT((int)s.g[1].ninst, 1);
	net_addr a;
	CHECK(net_addr_parse("2001:db8:53::1", 0, &a));
	CHECK(anycast_find(&s, &a) == &s.g[1]);
	CHECK(net_addr_parse("198.18.53.2", 0, &a));
	CHECK(anycast_find(&s, &a) == NULL);
	CHECK(anycast_is_instance(&s.g[0], idx(&t, "west-one")));
	CHECK(!anycast_is_instance(&s.g[1], idx(&t, "west-one")));
	anycast_set_free(&s);
	topo_free(&t);
}

static void test_nearest_and_withdrawal(void)
{
	topo t;
	char err[512];
	bool ok;
	load(&t, diamond, err, sizeof err, &ok);
	CHECK(ok);
	if (!ok)
		return;
	anycast_set s;
	CHECK(anycast_collect(&t, &s));
	anycast_hop *h = calloc(t.nnodes, sizeof *h);
	CHECK(h != NULL);
	size_t east = idx(&t, "east-one"), west = idx(&t, "west-one");
	/* Everything up: every node reaches the eastern instance (1 ms
	 * against 5), each router towards it. */
	CHECK(anycast_routes(&t, &s.g[0], NULL, h));
	CHECK(h[idx(&t, "left-host")].instance == east);
	CHECK_STR(via_text(&h[idx(&t, "left-host")]), "198.51.100.1");
	CHECK_INT((int)h[idx(&t, "left-host")].routers, 2);
	CHECK_INT((int)h[idx(&t, "left-host")].delay_us, 1000);
	CHECK_STR(via_text(&h[idx(&t, "r1")]), "198.18.0.2");
	CHECK_STR(via_text(&h[idx(&t, "r2")]), "203.0.113.9");
	CHECK_INT((int)h[idx(&t, "r2")].routers, 0);
	CHECK_STR(via_text(&h[idx(&t, "r3")]), "198.18.0.2");
	CHECK_STR(via_text(&h[idx(&t, "east-host")]), "203.0.113.9");
	CHECK(h[east].instance == east && h[east].via == NULL);
	CHECK(h[west].instance == west && h[west].via == NULL);

	/* The eastern one stops: all of them move west. */
	bool *withdrawn = calloc(t.nnodes, sizeof *withdrawn);
	bool *cut = calloc(t.nnodes * t.nnetworks, sizeof *cut);
	CHECK(withdrawn && cut);
	withdrawn[east] = true;
	anycast_down down = { withdrawn, cut };
	CHECK(anycast_routes(&t, &s.g[0], &down, h));
	CHECK(h[idx(&t, "left-host")].instance == west);
	CHECK_INT((int)h[idx(&t, "left-host")].delay_us, 5000);
	CHECK_STR(via_text(&h[idx(&t, "r1")]), "198.18.0.3");
	CHECK_STR(via_text(&h[idx(&t, "r2")]), "198.18.0.3");
	CHECK_STR(via_text(&h[idx(&t, "r3")]), "192.0.2.9");
	CHECK_STR(via_text(&h[idx(&t, "east-host")]), "203.0.113.1");

	/* Back again, and this time the link of r2 to the east is cut. */
	withdrawn[east] = false;
	const topo_network *eastnet = topo_network_find(&t, "east");
	cut[idx(&t, "r2") * t.nnetworks + (size_t)(eastnet - t.networks)] = true;
	CHECK(anycast_routes(&t, &s.g[0], &down, h));
	CHECK(h[idx(&t, "left-host")].instance == west);
	/* Beside the eastern instance nothing changes for the host there. */
	CHECK(h[idx(&t, "east-host")].instance == east);
	CHECK_STR(via_text(&h[idx(&t, "east-host")]), "203.0.113.9");

	/* Both out of reach: no route anywhere. */
	withdrawn[west] = true;
	CHECK(anycast_routes(&t, &s.g[0], &down, h));
	CHECK(h[idx(&t, "left-host")].instance == SIZE_MAX && h[idx(&t, "left-host")].via == NULL);
	CHECK(h[idx(&t, "r1")].via == NULL);

	/* IPv6: one instance, and only the nodes with IPv6 get there. */
	CHECK(anycast_routes(&t, &s.g[1], NULL, h));
	CHECK_STR(via_text(&h[idx(&t, "r1")]), "2001:db8::2");
	CHECK_STR(via_text(&h[idx(&t, "r2")]), "2001:db8:e::9");
	CHECK(h[idx(&t, "left-host")].via == NULL);
	CHECK(h[idx(&t, "r3")].via == NULL);
	free(withdrawn);
	free(cut);
	free(h);
	anycast_set_free(&s);
	topo_free(&t);
}

/* Without delays, the fewest routers; on a tie, the first instance. */
static void test_ties(void)
{
	static const char text[] =
		"[network.a]\nipv4 = \"198.51.100.0/24\"\n"
		"[network.b]\nipv4 = \"198.18.0.0/24\"\n"
		"[network.c]\nipv4 = \"203.0.113.0/24\"\n"
		"[network.d]\nipv4 = \"192.0.2.0/24\"\n"
		"[node.r1]\nrouter = true\naddresses = { a = \"198.51.100.1\", b = \"198.18.0.1\" }\n"
		"[node.r2]\nrouter = true\naddresses = { a = \"198.51.100.2\", c = \"203.0.113.1\" }\n"
		"[node.r3]\nrouter = true\naddresses = { c = \"203.0.113.3\", d = \"192.0.2.1\" }\n"
		"[node.h]\naddresses = { a = \"198.51.100.7\" }\n"
		"[node.far]\naddresses = { d = \"192.0.2.9\" }\nanycast = \"10.53.0.1\"\nregion = \"far\"\nservice.command = [\"true\"]\n"
		"[node.i1]\naddresses = { b = \"198.18.0.9\" }\nanycast = \"10.53.0.1\"\nregion = \"one\"\nservice.command = [\"true\"]\n"
		"[node.i2]\naddresses = { c = \"203.0.113.9\" }\nanycast = \"10.53.0.1\"\nregion = \"two\"\nservice.command = [\"true\"]\n";
	topo t;
	char err[512];
	bool ok;
	load(&t, text, err, sizeof err, &ok);
	CHECK(ok);
	if (!ok)
		return;
	anycast_set s;
	CHECK(anycast_collect(&t, &s));
	anycast_hop *h = calloc(t.nnodes, sizeof *h);
	CHECK(h && anycast_routes(&t, &s.g[0], NULL, h));
	/* i1 and i2 are one router from h, far two: i1, written first of
	 * the near ones... */
	CHECK(h && h[idx(&t, "h")].instance == idx(&t, "i1"));
	CHECK(h && strcmp(via_text(&h[idx(&t, "h")]), "198.51.100.1") == 0);
	/* ...while r3 is next to i2's network and far's. */
	CHECK(h && h[idx(&t, "r3")].instance == idx(&t, "far"));
	CHECK(h && h[idx(&t, "r2")].instance == idx(&t, "i2"));
	free(h);
	anycast_set_free(&s);
	topo_free(&t);
}

static void test_parse_errors(void)
{
	static const struct {
		const char *node, *want;
	} cases[] = {
		{ "anycast = \"198.18.53.1\"\nservice.command = [\"true\"]\n",
		  "t.toml:4:11: node n: an anycast instance needs region = \"NAME\"" },
		{ "anycast = \"198.18.53.1\"\nregion = \"r\"\n",
		  "t.toml:4:11: node n: an anycast instance answers on the address: give it a server" },
		{ "region = \"r\"\nservice.command = [\"true\"]\n",
		  "t.toml:4:10: node n: region names an anycast instance" },
		{ "anycast = \"198.18.53.0/24\"\nregion = \"r\"\nservice.command = [\"true\"]\n",
		  "t.toml:4:11: node n: anycast \"198.18.53.0/24\" is not an IPv4 or IPv6 address" },
		{ "anycast = [\"198.18.53.1\", \"198.18.53.1\"]\nregion = \"r\"\nservice.command = [\"true\"]\n",
		  "t.toml:4:11: node n: anycast names 198.18.53.1 twice" },
		{ "anycast = \"198.18.53.1\"\nregion = \"Not_A_Name\"\nservice.command = [\"true\"]\n",
		  "t.toml:5:10: region name \"Not_A_Name\" is not usable" },
		{ "anycast = []\nregion = \"r\"\nservice.command = [\"true\"]\n",
		  "t.toml:4:11: node n: anycast names no address" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char text[512], err[512];
		snprintf(text, sizeof text, "[network.a]\nipv4 = \"198.51.100.0/24\"\n"
			 "[node.n]\n%saddresses = { a = \"198.51.100.5\" }\n", cases[i].node);
		topo t;
		bool ok;
		load(&t, text, err, sizeof err, &ok);
		CHECK(!ok);
		if (ok || strncmp(err, cases[i].want, strlen(cases[i].want)) != 0)
			printf("case %zu: got \"%s\", want \"%s...\"\n", i, err, cases[i].want);
		CHECK(!ok && strncmp(err, cases[i].want, strlen(cases[i].want)) == 0);
		topo_free(&t);
	}
	/* A router cannot be an instance. */
	static const char router[] =
		"[network.a]\nipv4 = \"198.51.100.0/24\"\n[network.b]\nipv4 = \"198.18.0.0/24\"\n"
		"[node.r]\nrouter = true\naddresses = { a = \"198.51.100.1\", b = \"198.18.0.1\" }\n"
		"anycast = \"10.0.0.1\"\nregion = \"x\"\n";
	topo t;
	char err[512];
	bool ok;
	load(&t, router, err, sizeof err, &ok);
	CHECK(!ok && strstr(err, "t.toml:8:11: node r: a router cannot be an anycast instance"));
	topo_free(&t);
}

static void collect(void *ctx, const char *line)
{
	char *buf = ctx;
	size_t used = strlen(buf);
	snprintf(buf + used, 4096 - used, "%s\n", line);
}

static int no_files(void *ctx, const char *path, char **data, size_t *len)
{
	(void)ctx;
	(void)path;
	(void)data;
	(void)len;
	return ENOENT;
}

static unsigned check_text(const char *text, char *out)
{
	topo t;
	char err[512];
	bool ok;
	load(&t, text, err, sizeof err, &ok);
	if (!ok) {
		snprintf(out, 4096, "%s\n", err);
		return 1000;
	}
	topo_model m;
	if (!topo_model_from(&m, &t, no_files, NULL, err, sizeof err))
		return 1000;
	out[0] = '\0';
	unsigned n = topo_check(&m, collect, out);
	topo_model_free(&m);
	return n;
}

static void test_check(void)
{
	char out[4096];
	CHECK_INT((int)check_text(diamond, out), 0);
	CHECK_STR(out, "");

	/* The same address on two nodes without anycast: refused, with the
	 * way to say it. */
	static const char shared[] =
		"[network.a]\nipv4 = \"198.51.100.0/24\"\n"
		"[node.x]\naddresses = { a = \"198.51.100.2\" }\n"
		"[node.y]\naddresses = { a = \"198.51.100.2\" }\n";
	CHECK_INT((int)check_text(shared, out), 1);
	CHECK(strstr(out, "t.toml:6: node y: address 198.51.100.2 is already node x's (line 4); "
		     "to serve one address from several nodes, declare it on each with "
		     "anycast = \"198.51.100.2\" and a region") != NULL);

	/* Two instances on one network; an anycast address that is also a
	 * node's own; an IPv6 anycast address on a node without IPv6. */
	static const char bad[] =
		"[network.a]\nipv4 = \"198.51.100.0/24\"\n"
		"[node.x]\naddresses = { a = \"198.51.100.2\" }\nanycast = [\"198.51.100.53\", \"2001:db8::53\"]\n"
		"region = \"one\"\nservice.command = [\"true\"]\n"
		"[node.y]\naddresses = { a = \"198.51.100.3\" }\nanycast = \"198.51.100.53\"\n"
		"region = \"two\"\nservice.command = [\"true\"]\n"
		"[node.z]\naddresses = { a = \"198.51.100.4\" }\nanycast = \"198.51.100.2\"\n"
		"region = \"three\"\nservice.command = [\"true\"]\n";
	CHECK_INT((int)check_text(bad, out), 3);
	CHECK(strstr(out, "t.toml:5: node x: anycast 2001:db8::53 is an IPv6 address, but the "
		     "node has no IPv6 address of its own") != NULL);
	CHECK(strstr(out, "t.toml:10: nodes x (line 5) and y are instances of anycast "
		     "198.51.100.53 on the same network a: put each instance on a network of "
		     "its own") != NULL);
	CHECK(strstr(out, "t.toml:15: node z: anycast 198.51.100.2 is node x's own address "
		     "(line 4)") != NULL);
	if (!strstr(out, "t.toml:15"))
		printf("%s", out);

	/* Instances that would answer differently. */
	static const char unlike[] =
		"[network.a]\nipv4 = \"198.51.100.0/24\"\n[network.b]\nipv4 = \"203.0.113.0/24\"\n"
		"[node.x]\naddresses = { a = \"198.51.100.2\" }\nanycast = \"192.0.2.53\"\n"
		"region = \"one\"\nservice.command = [\"true\"]\n"
		"[node.y]\naddresses = { b = \"203.0.113.3\" }\nanycast = \"192.0.2.53\"\n"
		"region = \"two\"\nresolver.allow = [\"10.0.0.0/8\"]\n";
	CHECK_INT((int)check_text(unlike, out), 2);  /* and: no root server for y */
	CHECK(strstr(out, "t.toml:12: nodes x (line 7) and y are instances of anycast 192.0.2.53 "
		     "but do not serve alike (different servers)") != NULL);
	if (!strstr(out, "t.toml:12"))
		printf("%s", out);
}

/* Root servers as anycast instances: the delegation check finds the
 * shared address in the root zone's glue, the reverse zone names it
 * after the hostname, and the instances' own addresses are not given
 * that name. */
static void test_zones(void)
{
	static const char topology[] =
		"[sim]\nname = \"any\"\n"
		"[network.a]\nipv4 = \"198.51.100.0/24\"\n"
		"[network.b]\nipv4 = \"203.0.113.0/24\"\n"
		"[network.roots]\nipv4 = \"198.18.1.0/24\"\n"
		"[node.r]\nrouter = true\naddresses = { a = \"198.51.100.1\", b = \"203.0.113.1\", "
		"roots = \"198.18.1.1\" }\n"
		"[node.root-a]\nhostname = \"a.root.test\"\naddresses = { a = \"198.51.100.4\" }\n"
		"anycast = \"198.18.1.4\"\nregion = \"a\"\nauth.zones = { \".\" = \"root.zone\" }\n"
		"[node.root-b]\nhostname = \"a.root.test\"\naddresses = { b = \"203.0.113.4\" }\n"
		"anycast = \"198.18.1.4\"\nregion = \"b\"\nauth.zones = { \".\" = \"root.zone\" }\n"
		"[node.res]\naddresses = { a = \"198.51.100.53\" }\nresolver.allow = [\"198.51.100.0/24\"]\n";
	static const char root[] =
		"$TTL 86400\n. SOA a.root.test. admin.test. 1 1800 900 604800 86400\n"
		". NS a.root.test.\na.root.test. A 198.18.1.4\n";
	static const memfile files[] = {
		{ "t.toml", topology }, { "./root.zone", root }, { NULL, NULL },
	};
	topo_model m;
	char err[512], out[4096] = "";
	CHECK(model_from(&m, files, err, sizeof err));
	if (m.t.nnodes == 0) {
		printf("%s\n", err);
		return;
	}
	CHECK_INT((int)topo_check(&m, collect, out), 0);
	CHECK_STR(out, "");
	const topo_node *ra = topo_node_find(&m.t, "root-a");
	dns_name target;
	char text[DNS_NAME_MAXTEXT];
	CHECK(ra && reverse_ptr_target(m.zones, ra, &ra->anycast[0].addr, &target));
	CHECK(dns_name_to_text(target.data, text, sizeof text, NULL) == DNS_OK);
	CHECK_STR(text, "a.root.test.");
	CHECK(ra && !reverse_ptr_target(m.zones, ra, &ra->addrs[0].addr, &target));
	/* The anycast address's PTR lives in the roots network's zone. */
	const topo_zone_data *rz = NULL;
	for (size_t i = 0; i < m.zones->n; i++)
		if (strcmp(m.zones->z[i].tz->origin, "1.18.198.in-addr.arpa.") == 0)
			rz = &m.zones->z[i];
	CHECK(rz != NULL);
	if (rz) {
		dns_zonedata add;
		dns_zonedata_init(&add, rz->origin.data, DNS_C_IN);
		CHECK_INT(reverse_add(&m.t, m.zones, rz, &add, err, sizeof err), 1);
		CHECK_INT((int)count_rr(&add, "4.1.18.198.in-addr.arpa.", DNS_T_PTR), 1);
		dns_zonedata_free(&add);
	}
	topo_model_free(&m);
}

/* Random internets (a fixed seed): from every node, following the next
 * hops router by router must end at the instance its own hop names,
 * never loop, never leave through a cut link, and add up to the cost it
 * was told -- whatever is withdrawn or cut. */
static unsigned long long rng = 0x2545f4914f6cdd1dULL;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static size_t random_topology(char *out, size_t cap)
{
	unsigned nnet = 4 + rnd(9), nrouters = nnet + rnd(nnet), nhosts = 3 + rnd(10);
	unsigned ninst = 2 + rnd(3), host_of[64] = { 0 };
	size_t used = 0;
#define PUT(...) used += (size_t)snprintf(out + used, cap - used, __VA_ARGS__)
	for (unsigned i = 0; i < nnet; i++)
		PUT("[network.n%u]\nipv4 = \"10.%u.0.0/16\"\n", i, i);
	/* Router k joins network k % nnet to another (a chain first, so most
	 * of it is connected), sometimes a third; some links are slow. */
	for (unsigned k = 0; k < nrouters; k++) {
		unsigned a = k % nnet, b = k < nnet - 1 ? k + 1 : rnd(nnet), c = rnd(nnet);
		if (b == a)
			b = (a + 1) % nnet;
		PUT("[node.r%u]\nrouter = true\naddresses = { n%u = \"10.%u.1.%u\", "
		    "n%u = \"10.%u.1.%u\"", k, a, a, k + 1, b, b, k + 1);
		if (c != a && c != b && rnd(3) == 0)
			PUT(", n%u = \"10.%u.1.%u\"", c, c, k + 1);
		PUT(" }\n");
		if (rnd(2))
			PUT("links = { n%u = { delay = \"%ums\" } }\n", a, rnd(6));
	}
	for (unsigned h = 0; h < nhosts; h++) {
		unsigned n = rnd(nnet);
		PUT("[node.h%u]\naddresses = { n%u = \"10.%u.2.%u\" }\n", h, n, n, h + 1);
	}
	/* Instances on distinct networks. */
	for (unsigned i = 0; i < ninst && i < nnet; i++) {
		unsigned n;
		do
			n = rnd(nnet);
		while (host_of[n]);
		host_of[n] = 1;
		PUT("[node.i%u]\naddresses = { n%u = \"10.%u.3.1\" }\nanycast = \"192.0.2.1\"\n"
		    "region = \"r%u\"\nservice.command = [\"true\"]\n", i, n, n, i);
		if (rnd(2))
			PUT("links = { n%u = { delay = \"%ums\" } }\n", n, rnd(4));
	}
#undef PUT
	return used;
}

/* The node that holds address a (of some network), or SIZE_MAX. */
static size_t owner_of(const topo *t, const topo_addr *a)
{
	for (size_t k = 0; k < t->nnodes; k++)
		for (size_t q = 0; q < t->nodes[k].naddrs; q++)
			if (&t->nodes[k].addrs[q] == a)
				return k;
	return SIZE_MAX;
}

static void test_random_internets_never_loop(void)
{
	unsigned walks = 0, unreached = 0;
	for (int round = 0; round < 300; round++) {
		static char text[16384];
		random_topology(text, sizeof text);
		topo t;
		char err[512];
		bool ok;
		load(&t, text, err, sizeof err, &ok);
		CHECK(ok);
		if (!ok) {
			printf("%s\n%s", err, text);
			return;
		}
		anycast_set s;
		CHECK(anycast_collect(&t, &s) && s.n == 1);
		anycast_hop *h = calloc(t.nnodes, sizeof *h);
		bool *withdrawn = calloc(t.nnodes, sizeof *withdrawn);
		bool *cut = calloc(t.nnodes * t.nnetworks, sizeof *cut);
		CHECK(h && withdrawn && cut);
		for (size_t i = 0; i < s.g[0].ninst; i++)
			withdrawn[s.g[0].inst[i]] = rnd(4) == 0;
		for (size_t k = 0; k < t.nnodes; k++)
			for (size_t q = 0; q < t.nodes[k].naddrs; q++)
				cut[k * t.nnetworks + t.nodes[k].addrs[q].network] = rnd(10) == 0;
		anycast_down down = { withdrawn, cut };
		CHECK(anycast_routes(&t, &s.g[0], &down, h));
		for (size_t k = 0; k < t.nnodes; k++) {
			if (anycast_is_instance(&s.g[0], k))
				continue;
			if (h[k].via == NULL) {
				CHECK(h[k].instance == SIZE_MAX);
				unreached++;
				continue;
			}
			/* Walk it, adding up the delays of the links crossed. */
			size_t at = k, steps = 0;
			uint64_t delay = 0;
			unsigned routers = 0;
			for (;;) {
				const topo_addr *via = h[at].via;
				size_t net = via ? via->network : SIZE_MAX, next = owner_of(&t, via);
				CHECK(via != NULL && next != SIZE_MAX);
				if (via == NULL || next == SIZE_MAX)
					break;
				CHECK(anycast_addr_on(&t.nodes[at], net, AF_INET) != NULL);
				CHECK(!cut[at * t.nnetworks + net] && !cut[next * t.nnetworks + net]);
				delay += topo_link_impair(&t, &t.nodes[at], net).delay_us +
					 topo_link_impair(&t, &t.nodes[next], net).delay_us;
				if (anycast_is_instance(&s.g[0], next)) {
					CHECK(next == h[k].instance && !withdrawn[next]);
					break;
				}
				CHECK(t.nodes[next].router);
				routers++;
				at = next;
				if (++steps > t.nnodes) {
					CHECK(!"a routing loop");
					break;
				}
			}
			CHECK(delay == h[k].delay_us);
			CHECK(routers == h[k].routers);
			walks++;
		}
		free(h);
		free(withdrawn);
		free(cut);
		anycast_set_free(&s);
		topo_free(&t);
	}
	/* The rounds did reach somewhere, and some nodes were cut off. */
	CHECK(walks > 1000);
	CHECK(unreached > 0);
}

int main(void)
{
	RUN(test_random_internets_never_loop);
	RUN(test_parse_and_collect);
	RUN(test_nearest_and_withdrawal);
	RUN(test_ties);
	RUN(test_parse_errors);
	RUN(test_check);
	RUN(test_zones);
	return check_summary("test_anycast");
}
