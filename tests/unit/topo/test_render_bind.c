/* BIND's config from the model, both roles: zones and views in order
 * (everyone else last, with the zones outside views), rate limiting,
 * rndc's key; the resolver's hints, clients, blocklist as an RPZ. */
#include "check.h"
#include "peers.h"

static void test_views_in_order(void)
{
	topo t;
	peer_files f;
	char err[256];
	CHECK(peers_render(&t, "auth", SW_BIND, &f, err, sizeof err));
	const char *conf = peers_file(&f, "named.conf");
	const char *inside = strstr(conf, "view \"inside\" {\n  match-clients { 10.0.0.0/8; };\n"
				       "  zone \"example.test.\" { type primary; file "
				       "\"/run/z/example.test.view-inside.zone\"; };\n};\n");
	const char *rest = strstr(conf, "view \"everyone-else\" {\n  match-clients { any; };\n"
				     "  zone \"example.test.\" { type primary; file "
				     "\"/run/z/example.test.zone\"; };\n  zone \"test.\"");
	CHECK(inside != NULL && rest != NULL && inside < rest);
	CHECK(strstr(conf, "  recursion no;\n") != NULL);
	CHECK(strstr(conf, "    responses-per-second 50;\n    slip 3;\n") != NULL);
	CHECK(strstr(conf, "  listen-on port 53 { 198.51.100.4; };\n") != NULL);
	CHECK(strstr(conf, "  listen-on-v6 port 53 { 2001:db8:5::4; };\n") != NULL);
	CHECK(strstr(conf, "secret \"c2VjcmV0\";") != NULL);
	CHECK(strstr(peers_file(&f, "rndc.conf"), "secret \"c2VjcmV0\";") != NULL);
	CHECK_STR(f.argv[0], "named");
	CHECK_STR(f.argv[1], "-g");
	peer_files_free(&f);
	topo_free(&t);
}

static void test_plain_zones_without_views(void)
{
	topo t;
	peer_files f;
	char err[256];
	CHECK(peers_render(&t, "plain", SW_BIND, &f, err, sizeof err));
	const char *conf = peers_file(&f, "named.conf");
	CHECK(strstr(conf, "\nzone \"example.test.\" { type primary;") != NULL);
	CHECK(strstr(conf, "view") == NULL && strstr(conf, "rate-limit") == NULL);
	CHECK(strstr(conf, "  listen-on-v6 port 53 { none; };\n") != NULL);
	CHECK(strstr(conf, "  listen-on port 53 { 198.51.100.5; 192.0.2.9; };\n") != NULL);
	peer_files_free(&f);
	topo_free(&t);
}

static void test_resolver(void)
{
	topo t;
	peer_files f;
	char err[256];
	CHECK(peers_render(&t, "res", SW_BIND, &f, err, sizeof err));
	const char *conf = peers_file(&f, "named.conf");
	CHECK(strstr(conf, "  recursion yes;\n  empty-zones-enable no;\n") != NULL);
	CHECK(strstr(conf, "  allow-recursion { 127.0.0.0/8; ::1/128; 198.51.100.53/32; "
			   "2001:db8:5::53/128; 198.51.100.0/24; };\n") != NULL);
	CHECK(strstr(conf, "zone \".\" { type hint; file \"/run/dnsim/p/nodes/x/root.hints\"; };\n"));
	CHECK(strstr(conf, "  listen-on port 53 { 127.0.0.1; 198.51.100.53; };\n") != NULL);
	CHECK(strstr(conf, "  dnssec-validation no;\n") != NULL);
	CHECK(strstr(conf, "response-policy") == NULL);
	CHECK_INT(f.nfiles, 3);
	CHECK(strstr(peers_file(&f, "localhost.zone"), "\n@ A 127.0.0.1\n") != NULL);
	peer_files_free(&f);
	topo_free(&t);

	CHECK(peers_render(&t, "open", SW_BIND, &f, err, sizeof err));
	conf = peers_file(&f, "named.conf");
	/* Without an allow list: every network of the sim. */
	CHECK(strstr(conf, "198.51.100.0/24; 2001:db8:5::/64; 10.1.0.0/24; };") != NULL);
	CHECK(strstr(conf, "  response-policy { zone \"dnsim-block\"; };\n") != NULL);
	CHECK(strstr(conf, "zone \"dnsim-block\" { type primary; file "
			   "\"/run/dnsim/p/nodes/x/block.rpz\";") != NULL);
	CHECK(strstr(peers_file(&f, "block.rpz"), "\n*.tracker.example.org CNAME .\n") != NULL);
	peer_files_free(&f);
	topo_free(&t);
}

int main(void)
{
	RUN(test_views_in_order);
	RUN(test_plain_zones_without_views);
	RUN(test_resolver);
	return check_summary("render_bind");
}
