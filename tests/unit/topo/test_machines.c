/* Machines: their keys, the split of the nodes, spanning networks, the
 * MTU over VXLAN and the checks of a sim on several machines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "check.h"
#include "fixtures.h"
#include "topo/machines.h"

#define NETS "[network.a]\nipv4 = \"198.51.100.0/24\"\n" \
	"[network.b]\nipv4 = \"203.0.113.0/24\"\n"
#define TWO_MACHINES "[machine.m1]\nunderlay = \"192.0.2.1\"\n" \
	"[machine.m2]\nunderlay = \"192.0.2.2\"\nssh = \"root@host2\"\n"

static bool parse(topo *t, const char *text, char *err, size_t errsz)
{
	bool ok;
	load(t, text, err, errsz, &ok);
	if (!ok)
		fprintf(stderr, "%s\n", err);
	return ok;
}

static const char *machine_of(const topo *t, const char *node)
{
	const topo_node *n = topo_node_find(t, node);
	if (n == NULL || n->machine >= t->nmachines)
		return "(none)";
	return t->machines[n->machine].name;
}

static void test_no_machines(void)
{
	topo t;
	char err[512];
	CHECK(parse(&t, NETS "[node.x]\naddresses = { a = \"198.51.100.2\" }\n", err, sizeof err));
	CHECK_INT(t.nmachines, 0);
	CHECK(t.nodes[0].machine == SIZE_MAX);
	CHECK(machines_node_here(&t, 0));
	CHECK(!machines_network_spans(&t, 0));
	CHECK(!machines_select(&t, "m1", err, sizeof err));
	CHECK(strstr(err, "names no machines") != NULL);
	topo_free(&t);
}

static void test_pinned_and_keys(void)
{
	topo t;
	char err[512];
	CHECK(parse(&t, NETS TWO_MACHINES
		    "[node.x]\nmachine = \"m2\"\naddresses = { a = \"198.51.100.2\" }\n"
		    "[node.y]\nmachine = \"m1\"\naddresses = { a = \"198.51.100.3\", "
		    "b = \"203.0.113.3\" }\n"
		    "[node.z]\nmachine = \"m1\"\naddresses = { b = \"203.0.113.4\" }\n",
		    err, sizeof err));
	CHECK_INT(t.nmachines, 2);
	CHECK_STR(t.machines[0].name, "m1");
	CHECK_STR(t.machines[1].underlay_text, "192.0.2.2");
	CHECK(t.machines[1].has_underlay && t.machines[1].underlay.ss.ss_family == AF_INET);
	CHECK_STR(t.machines[1].ssh, "root@host2");
	CHECK(t.machines[0].ssh == NULL);
	CHECK_STR(machine_of(&t, "x"), "m2");
	CHECK_STR(machine_of(&t, "y"), "m1");
	CHECK_STR(machine_of(&t, "z"), "m1");
	/* a has x on m2 and y on m1; b is all on m1. */
	CHECK(machines_network_spans(&t, 0));
	CHECK(!machines_network_spans(&t, 1));
	CHECK(machines_network_on(&t, 1, 0) && !machines_network_on(&t, 1, 1));
	CHECK_INT(machines_vni(&t, 0), MACHINES_VNI_DEFAULT);
	CHECK_INT(machines_vni(&t, 1), MACHINES_VNI_DEFAULT + 1);
	/* The whole sim builds every node; a part only its own. */
	CHECK(machines_node_here(&t, 0) && machines_node_here(&t, 1));
	CHECK(machines_select(&t, "m2", err, sizeof err));
	CHECK(t.part && t.here == 1);
	CHECK(machines_node_here(&t, 0));
	CHECK(!machines_node_here(&t, 1) && !machines_node_here(&t, 2));
	CHECK(!machines_select(&t, "m3", err, sizeof err));
	CHECK(strstr(err, "machines are m1, m2") != NULL);
	topo_free(&t);
}

/* Unpinned nodes go, in file order, to the machine with the fewest so
 * far, the pinned ones counted first; ties to the first machine. */
static void test_balanced_split(void)
{
	topo t;
	char err[512];
	CHECK(parse(&t, "[sim]\nmachines = [\"p\", \"q\", \"r\"]\nvni_base = 500\n" NETS
		    "[machine.p]\nunderlay = \"2001:db8::1\"\n"
		    "[machine.q]\nunderlay = \"2001:db8::2\"\n"
		    "[machine.r]\nunderlay = \"2001:db8::3\"\n"
		    "[node.n1]\naddresses = { a = \"198.51.100.1\" }\n"
		    "[node.n2]\naddresses = { a = \"198.51.100.2\" }\n"
		    "[node.n3]\nmachine = \"p\"\naddresses = { a = \"198.51.100.3\" }\n"
		    "[node.n4]\naddresses = { a = \"198.51.100.4\" }\n"
		    "[node.n5]\naddresses = { a = \"198.51.100.5\" }\n"
		    "[node.n6]\naddresses = { b = \"203.0.113.6\" }\n"
		    "[node.n7]\naddresses = { b = \"203.0.113.7\" }\n",
		    err, sizeof err));
	CHECK_INT(t.nmachines, 3);
	/* p holds n3 from the start: n1 -> q, n2 -> r, then all at one:
	 * n4 -> p, n5 -> q, n6 -> r, n7 -> p. */
	CHECK_STR(machine_of(&t, "n1"), "q");
	CHECK_STR(machine_of(&t, "n2"), "r");
	CHECK_STR(machine_of(&t, "n3"), "p");
	CHECK_STR(machine_of(&t, "n4"), "p");
	CHECK_STR(machine_of(&t, "n5"), "q");
	CHECK_STR(machine_of(&t, "n6"), "r");
	CHECK_STR(machine_of(&t, "n7"), "p");
	CHECK_INT(machines_vni(&t, 1), 501);
	CHECK(machines_network_spans(&t, 1));
	/* The same text, the same split (the rule reads nothing else). */
	topo u;
	CHECK(parse(&u, "[sim]\nmachines = [\"p\", \"q\", \"r\"]\nvni_base = 500\n" NETS
		    "[machine.p]\nunderlay = \"2001:db8::1\"\n"
		    "[machine.q]\nunderlay = \"2001:db8::2\"\n"
		    "[machine.r]\nunderlay = \"2001:db8::3\"\n"
		    "[node.n1]\naddresses = { a = \"198.51.100.1\" }\n"
		    "[node.n2]\naddresses = { a = \"198.51.100.2\" }\n"
		    "[node.n3]\nmachine = \"p\"\naddresses = { a = \"198.51.100.3\" }\n"
		    "[node.n4]\naddresses = { a = \"198.51.100.4\" }\n"
		    "[node.n5]\naddresses = { a = \"198.51.100.5\" }\n"
		    "[node.n6]\naddresses = { b = \"203.0.113.6\" }\n"
		    "[node.n7]\naddresses = { b = \"203.0.113.7\" }\n",
		    err, sizeof err));
	for (size_t i = 0; i < t.nnodes && i < u.nnodes; i++)
		CHECK(t.nodes[i].machine == u.nodes[i].machine);
	topo_free(&u);
	topo_free(&t);
}

/* machines_assign on a model built by hand: nothing pinned, two
 * machines, five nodes: 3 and 2. */
static void test_assign_counts(void)
{
	topo t;
	memset(&t, 0, sizeof t);
	topo_machine ms[2] = { { .name = "a" }, { .name = "b" } };
	topo_node ns[5];
	memset(ns, 0, sizeof ns);
	for (size_t i = 0; i < 5; i++)
		ns[i].machine = SIZE_MAX;
	t.machines = ms;
	t.nmachines = 2;
	t.nodes = ns;
	t.nnodes = 5;
	machines_assign(&t);
	size_t on_a = 0;
	for (size_t i = 0; i < 5; i++)
		on_a += ns[i].machine == 0;
	CHECK_INT(on_a, 3);
	CHECK(ns[0].machine == 0 && ns[1].machine == 1 && ns[4].machine == 0);
}

static void bad(const char *text, const char *want)
{
	topo t;
	char err[512] = "";
	bool ok;
	load(&t, text, err, sizeof err, &ok);
	CHECK(!ok);
	if (!ok && strstr(err, want) == NULL) {
		fprintf(stderr, "error \"%s\" lacks \"%s\"\n", err, want);
		CHECK(0);
	}
	topo_free(&t);
}

static void test_errors(void)
{
	const char *x = "[node.x]\naddresses = { a = \"198.51.100.2\" }\n";
	char text[1024];
	snprintf(text, sizeof text, NETS "[sim]\nmachines = [\"m1\", \"m2\"]\n%s", x);
	bad(text, "machine m1 has no underlay address");
	snprintf(text, sizeof text, NETS TWO_MACHINES "[node.x]\nmachine = \"m3\"\n"
		 "addresses = { a = \"198.51.100.2\" }\n");
	bad(text, "t.toml:11:11: node x: machine m3 is not declared");
	snprintf(text, sizeof text, NETS "[machine.m1]\nunderlay = \"192.0.2.1\"\n"
		 "[machine.m2]\nunderlay = \"2001:db8::2\"\n%s", x);
	bad(text, "is not of the family");
	snprintf(text, sizeof text, NETS "[machine.m1]\nunderlay = \"192.0.2.1\"\n"
		 "[machine.m2]\nunderlay = \"192.0.2.1\"\n%s", x);
	bad(text, "machines m1 and m2 have the same underlay address 192.0.2.1");
	snprintf(text, sizeof text, NETS "[machine.m1]\nunderlay = \"192.0.2.1:4789\"\n%s", x);
	bad(text, "an IPv4 or IPv6 address, without port or prefix");
	snprintf(text, sizeof text, NETS "[machine.m1]\nunderlay = \"192.0.2.0/24\"\n%s", x);
	bad(text, "without port or prefix");
	snprintf(text, sizeof text, NETS "[machine.m1]\nunderlay = \"192.0.2.1\"\nport = 1\n%s", x);
	bad(text, "unknown key \"port\" in [machine.m1]");
	snprintf(text, sizeof text, NETS "[sim]\nmachines = [\"m1\", \"m1\"]\n%s", x);
	bad(text, "machine m1 is listed twice");
	snprintf(text, sizeof text, NETS "[sim]\nmachines = [\"M1\"]\n%s", x);
	bad(text, "machine name \"M1\" is not usable");
	snprintf(text, sizeof text, NETS "[sim]\nmachines = []\n%s", x);
	bad(text, "sim.machines must be an array of machine names");
	snprintf(text, sizeof text, NETS "[sim]\nvni_base = 16777215\n%s", x);
	bad(text, "sim.vni_base must be an integer from 1 to 16777214");
	snprintf(text, sizeof text, NETS "[node.x]\nmachin = \"m1\"\n"
		 "addresses = { a = \"198.51.100.2\" }\n");
	bad(text, "did you mean \"machine\"?");
}

static void test_overlay_mtu(void)
{
	CHECK_INT(machines_overlay_mtu(1500, AF_INET), 1450);
	CHECK_INT(machines_overlay_mtu(1500, AF_INET6), 1430);
	CHECK_INT(machines_overlay_mtu(9000, AF_INET), 8950);
	CHECK_INT(machines_overlay_mtu(600, AF_INET), 0);
}

static void report_line(void *ctx, const char *line)
{
	char *buf = ctx;
	size_t used = strlen(buf);
	snprintf(buf + used, 4096 - used, "%s\n", line);
}

/* The tiny internet over two machines: fine unsigned; signed with keys
 * made at up, each signed zone is a problem. */
static void test_check_signed(void)
{
	static char text[4096];
	snprintf(text, sizeof text, "%s%s", tiny_topology,
		 "[machine.m1]\nunderlay = \"192.0.2.1\"\n"
		 "[machine.m2]\nunderlay = \"192.0.2.2\"\n");
	memfile files[] = { { "t.toml", text }, { "./root.zone", tiny_root },
			    { "./test.zone", tiny_test }, { "./example.zone", tiny_example },
			    { NULL, NULL } };
	topo_model m;
	char err[512];
	CHECK(model_from(&m, files, err, sizeof err));
	char out[4096] = "";
	CHECK_INT(machines_check(&m, report_line, out), 0);
	topo_model_free(&m);
	/* [sim] dnssec = "nsec": the table is already open at the top. */
	char *sim = strstr(text, "name = \"tiny\"\n");
	CHECK(sim != NULL);
	if (sim == NULL)
		return;
	static char signed_text[4096];
	snprintf(signed_text, sizeof signed_text, "%.*sdnssec = \"nsec\"\n%s",
		 (int)(sim - text) + 14, text, sim + 14);
	files[0].text = signed_text;
	CHECK(model_from(&m, files, err, sizeof err));
	unsigned errors = machines_check(&m, report_line, out);
	CHECK(errors >= 3);
	CHECK(strstr(out, "zone example.test. is signed with keys made at `up`") != NULL);
	topo_model_free(&m);
}

int main(void)
{
	RUN(test_no_machines);
	RUN(test_pinned_and_keys);
	RUN(test_balanced_split);
	RUN(test_assign_counts);
	RUN(test_errors);
	RUN(test_overlay_mtu);
	RUN(test_check_signed);
	return check_summary("machines");
}
