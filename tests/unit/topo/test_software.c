/* The table of programs and the check that refuses what a node's
 * program cannot do, before anything is built. */
#include "check.h"
#include "topo/topo.h"

static char lines[4096];
static unsigned nlines;

static void collect(void *ctx, const char *line)
{
	(void)ctx;
	strncat(lines, line, sizeof lines - strlen(lines) - 2);
	strcat(lines, "\n");
	nlines++;
}

static unsigned check_text(const char *text, char *err, size_t errsz)
{
	topo t;
	lines[0] = '\0';
	nlines = 0;
	if (!topo_parse(&t, "t.toml", text, strlen(text), err, errsz))
		return 99;
	unsigned n = software_check(&t, collect, NULL);
	topo_free(&t);
	return n;
}

static void test_names(void)
{
	topo_software s;
	CHECK(software_from_name("nsd", &s) && s == SW_NSD);
	CHECK(software_from_name("pdns-recursor", &s) && s == SW_PDNS_RECURSOR);
	CHECK(software_from_name("dnsim", &s) && s == SW_DNSIM);
	CHECK(!software_from_name("NSD", &s));
	CHECK_STR(software_program(SW_BIND, SW_ROLE_RESOLVER), "named");
	CHECK_STR(software_program(SW_KNOT, SW_ROLE_AUTH), "knotd");
	CHECK(software_program(SW_KNOT, SW_ROLE_RESOLVER) == NULL);
	CHECK_STR(software_package(SW_POWERDNS, SW_ROLE_AUTH), "pdns-server pdns-backend-bind");
	for (unsigned i = 0; i < SW_COUNT; i++) {
		const software_info *in = software_get((topo_software)i);
		CHECK(software_from_name(in->name, &s) && s == i);
		CHECK(strstr(software_names(), in->name) != NULL);
		/* A role it takes has a program; one it does not, none. */
		CHECK(!(in->roles & SW_ROLE_AUTH) == (in->auth_program == NULL));
		CHECK(!(in->roles & SW_ROLE_RESOLVER) == (in->resolver_program == NULL));
	}
}

#define NET "[network.n]\nipv4 = \"198.51.100.0/24\"\n"

static void test_parse(void)
{
	topo t;
	char err[512] = "";
	const char *text = NET "[node.a]\naddresses = { n = \"198.51.100.2\" }\n"
			   "auth.zones = { \".\" = \"root.zone\" }\nsoftware = \"knot\"\n";
	CHECK(topo_parse(&t, "t.toml", text, strlen(text), err, sizeof err));
	CHECK(t.nnodes == 1 && t.nodes[0].software == SW_KNOT && t.nodes[0].software_line == 6);
	topo_free(&t);
	text = NET "[node.a]\naddresses = { n = \"198.51.100.2\" }\nsoftware = \"djbdns\"\n";
	CHECK(!topo_parse(&t, "t.toml", text, strlen(text), err, sizeof err));
	CHECK(strstr(err, "t.toml:5:12: node a: no program named \"djbdns\" (software: dnsim") == err);
	topo_free(&t);
	text = NET "[node.a]\naddresses = { n = \"198.51.100.2\" }\nsoftware = 3\n";
	CHECK(!topo_parse(&t, "t.toml", text, strlen(text), err, sizeof err));
	topo_free(&t);
}

static void test_roles(void)
{
	char err[512] = "";
	CHECK_INT(check_text(NET "[node.a]\naddresses = { n = \"198.51.100.2\" }\n"
			     "resolver = {}\nsoftware = \"nsd\"\n", err, sizeof err), 1);
	CHECK_STR(lines, "t.toml:6: node a: NSD is an authoritative server, not a resolver "
		  "(use it on auth nodes)\n");
	CHECK_INT(check_text(NET "[node.a]\naddresses = { n = \"198.51.100.2\" }\n"
			     "auth.zones = { \".\" = \"r\" }\nsoftware = \"unbound\"\n", err,
			     sizeof err), 1);
	CHECK_STR(lines, "t.toml:6: node a: Unbound is a resolver, not an authoritative server "
		  "(use it on resolver nodes)\n");
	CHECK_INT(check_text(NET "[node.a]\naddresses = { n = \"198.51.100.2\" }\n"
			     "software = \"bind\"\n", err, sizeof err), 1);
	CHECK(strstr(lines, "node a: software = \"bind\" needs a DNS server to run") != NULL);
	CHECK_INT(check_text(NET "[node.a]\naddresses = { n = \"198.51.100.2\" }\n"
			     "resolver = {}\nsoftware = \"bind\"\n[node.b]\naddresses = { n = "
			     "\"198.51.100.3\" }\nauth.zones = { \".\" = \"r\" }\nsoftware = \"bind\"\n",
			     err, sizeof err), 0);
}

static void test_features(void)
{
	char err[512] = "";
	const char *views = NET "[node.a]\naddresses = { n = \"198.51.100.2\" }\n"
			    "auth.zones = { \".\" = \"r\" }\nsoftware = \"%s\"\n"
			    "[[node.a.auth.view]]\nname = \"in\"\nmatch = [\"10.0.0.0/8\"]\n"
			    "zones = { \".\" = \"r2\" }\n";
	char text[1024];
	snprintf(text, sizeof text, views, "nsd");
	CHECK_INT(check_text(text, err, sizeof err), 1);
	CHECK_STR(lines, "t.toml:6: node a: NSD has no views ([[node.NAME.auth.view]], split "
		  "horizon); leave the feature out or run another program there\n");
	snprintf(text, sizeof text, views, "bind");
	CHECK_INT(check_text(text, err, sizeof err), 0);
	CHECK_INT(check_text(NET "[node.a]\naddresses = { n = \"198.51.100.2\" }\n"
			     "auth.zones = { \".\" = \"r\" }\nauth.rate_limit = 5\n"
			     "software = \"powerdns\"\n", err, sizeof err), 1);
	CHECK(strstr(lines, "PowerDNS Authoritative has no response rate limiting") != NULL);
	CHECK_INT(check_text(NET "[node.a]\naddresses = { n = \"198.51.100.2\" }\n"
			     "resolver.block = [\"x.example\"]\nresolver.sinkhole = \"192.0.2.1\"\n"
			     "software = \"kresd\"\n", err, sizeof err), 0);
}

int main(void)
{
	RUN(test_names);
	RUN(test_parse);
	RUN(test_roles);
	RUN(test_features);
	return check_summary("software");
}
