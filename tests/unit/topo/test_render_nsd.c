/* NSD's config from the model: addresses, zones from the sim's copies,
 * no rate limiting unless asked, the control socket in the run folder. */
#include "check.h"
#include "peers.h"

static void test_plain_server(void)
{
	topo t;
	peer_files f;
	char err[256];
	CHECK(peers_render(&t, "plain", SW_NSD, &f, err, sizeof err));
	const char *conf = peers_file(&f, "nsd.conf");
	CHECK(strstr(conf, "  ip-address: 198.51.100.5\n") != NULL);
	/* An anycast instance answers on the shared address too. */
	CHECK(strstr(conf, "  ip-address: 192.0.2.9\n") != NULL);
	CHECK(strstr(conf, "zone:\n  name: \"example.test.\"\n  zonefile: \"/run/z/example.test.zone\"\n"));
	/* Debian's NSD limits by default: off, as our server. */
	CHECK(strstr(conf, "  rrl-ratelimit: 0\n") != NULL);
	CHECK(strstr(conf, "rrl-slip") == NULL);
	CHECK(strstr(conf, "  control-interface: \"/run/dnsim/p/nodes/x/nsd.ctl\"\n") != NULL);
	CHECK(strstr(conf, "  username: \"\"\n") && strstr(conf, "  database: \"\"\n"));
	CHECK_INT(f.argc, 4);
	CHECK_STR(f.argv[0], "nsd");
	CHECK_STR(f.argv[1], "-d");
	CHECK_STR(f.argv[3], "/run/dnsim/p/nodes/x/nsd.conf");
	CHECK(f.argv[4] == NULL);
	peer_files_free(&f);
	topo_free(&t);
}

static void test_rate_limit(void)
{
	topo t;
	peer_files f;
	char err[256];
	CHECK(peers_render(&t, "auth", SW_NSD, &f, err, sizeof err));
	const char *conf = peers_file(&f, "nsd.conf");
	CHECK(strstr(conf, "  rrl-ratelimit: 50\n  rrl-slip: 3\n") != NULL);
	CHECK(strstr(conf, "  ip-address: 2001:db8:5::4\n") != NULL);
	peer_files_free(&f);
	topo_free(&t);
}

int main(void)
{
	RUN(test_plain_server);
	RUN(test_rate_limit);
	return check_summary("render_nsd");
}
