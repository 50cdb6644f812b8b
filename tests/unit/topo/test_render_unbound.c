/* Unbound's config from the model: interfaces, clients, hints, the
 * local zones switched off, the blocklist and the sinkhole. */
#include "check.h"
#include "peers.h"

static void test_resolver(void)
{
	topo t;
	peer_files f;
	char err[256];
	CHECK(peers_render(&t, "res", SW_UNBOUND, &f, err, sizeof err));
	const char *conf = peers_file(&f, "unbound.conf");
	CHECK(strstr(conf, "  interface: 127.0.0.1\n  interface: 198.51.100.53\n"
			   "  interface: 2001:db8:5::53\n") != NULL);
	CHECK(strstr(conf, "  access-control: 198.51.100.0/24 allow\n") != NULL);
	CHECK(strstr(conf, "  access-control: 10.1.0.0/24 allow\n") == NULL);
	CHECK(strstr(conf, "  root-hints: \"/run/dnsim/p/nodes/x/root.hints\"\n") != NULL);
	CHECK(strstr(conf, "  local-zone: \"test.\" nodefault\n") != NULL);
	CHECK(strstr(conf, "  local-zone: \"113.0.203.in-addr.arpa.\" nodefault\n") != NULL);
	CHECK(strstr(conf, "  local-zone: \"31.172.in-addr.arpa.\" nodefault\n") != NULL);
	CHECK(strstr(conf, "  do-not-query-localhost: no\n") != NULL);
	CHECK(strstr(conf, "  module-config: \"iterator\"\n") != NULL);
	CHECK(strstr(conf, "always_nxdomain") == NULL);
	CHECK(strstr(conf, "  control-interface: \"/run/dnsim/p/nodes/x/unbound.ctl\"\n") != NULL);
	CHECK_STR(f.argv[0], "unbound");
	peer_files_free(&f);
	topo_free(&t);
}

static void test_blocklist_and_sinkhole(void)
{
	topo t;
	peer_files f;
	char err[256];
	CHECK(peers_render(&t, "open", SW_UNBOUND, &f, err, sizeof err));
	const char *conf = peers_file(&f, "unbound.conf");
	CHECK(strstr(conf, "  local-zone: \"ads.example.net.\" always_nxdomain\n") != NULL);
	CHECK(strstr(conf, "  local-zone: \"tracker.example.org.\" always_nxdomain\n") != NULL);
	CHECK(strstr(conf, "  access-control: 10.1.0.0/24 allow\n") != NULL);
	peer_files_free(&f);
	topo_free(&t);
	CHECK(peers_render(&t, "sink", SW_UNBOUND, &f, err, sizeof err));
	conf = peers_file(&f, "unbound.conf");
	CHECK(strstr(conf, "  local-zone: \"ads.example.net.\" redirect\n"
			   "  local-data: \"ads.example.net. 60 IN A 192.0.2.1\"\n") != NULL);
	peer_files_free(&f);
	topo_free(&t);
}

int main(void)
{
	RUN(test_resolver);
	RUN(test_blocklist_and_sinkhole);
	return check_summary("render_unbound");
}
