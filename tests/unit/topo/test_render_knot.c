/* Knot DNS's config from the model: listen addresses with the port, the
 * zones read whole and never written back, counters, rate limiting. */
#include "check.h"
#include "peers.h"

static void test_plain_server(void)
{
	topo t;
	peer_files f;
	char err[256];
	CHECK(peers_render(&t, "plain", SW_KNOT, &f, err, sizeof err));
	const char *conf = peers_file(&f, "knot.conf");
	CHECK(strstr(conf, "  listen: [ \"198.51.100.5@53\", \"192.0.2.9@53\" ]\n") != NULL);
	CHECK(strstr(conf, "  - domain: \"example.test.\"\n    file: \"/run/z/example.test.zone\"\n"));
	CHECK(strstr(conf, "    journal-content: none\n    zonefile-sync: -1\n") != NULL);
	CHECK(strstr(conf, "global-module: [ mod-stats/sim ]") != NULL);
	CHECK(strstr(conf, "mod-rrl") == NULL);
	CHECK(strstr(conf, "control:\n  listen: \"/run/dnsim/p/nodes/x/knot.sock\"\n") != NULL);
	CHECK_STR(f.argv[0], "knotd");
	CHECK_STR(f.argv[2], "/run/dnsim/p/nodes/x/knot.conf");
	peer_files_free(&f);
	topo_free(&t);
}

static void test_rate_limit(void)
{
	topo t;
	peer_files f;
	char err[256];
	CHECK(peers_render(&t, "auth", SW_KNOT, &f, err, sizeof err));
	const char *conf = peers_file(&f, "knot.conf");
	CHECK(strstr(conf, "mod-rrl:\n  - id: sim\n    rate-limit: 50\n    slip: 3\n") != NULL);
	CHECK(strstr(conf, "global-module: [ mod-stats/sim, mod-rrl/sim ]") != NULL);
	CHECK(strstr(conf, "\"198.51.100.4@53\", \"2001:db8:5::4@53\"") != NULL);
	peer_files_free(&f);
	topo_free(&t);
}

int main(void)
{
	RUN(test_plain_server);
	RUN(test_rate_limit);
	return check_summary("render_knot");
}
