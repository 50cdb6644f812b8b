/* PowerDNS's config from the model: the bind backend's zone list, the
 * addresses, no caches, no phoning home. */
#include "check.h"
#include "peers.h"

static void test_server(void)
{
	topo t;
	peer_files f;
	char err[256];
	CHECK(peers_render(&t, "plain", SW_POWERDNS, &f, err, sizeof err));
	const char *conf = peers_file(&f, "pdns.conf");
	CHECK(strstr(conf, "\nlaunch=bind\nbind-config=/run/dnsim/p/nodes/x/named.conf\n") != NULL);
	CHECK(strstr(conf, "\nlocal-address=198.51.100.5, 192.0.2.9\n") != NULL);
	CHECK(strstr(conf, "\ncache-ttl=0\n") && strstr(conf, "\nquery-cache-ttl=0\n"));
	CHECK(strstr(conf, "\nsecurity-poll-suffix=\n") != NULL);
	CHECK(strstr(conf, "\nsocket-dir=/run/dnsim/p/nodes/x\n") != NULL);
	CHECK(strstr(peers_file(&f, "named.conf"), "zone \"example.test.\" { type master; file "
			  "\"/run/z/example.test.zone\"; };\n") != NULL);
	/* The zones marked presigned (the sim signs them), then the server. */
	CHECK(strstr(conf, "\nbind-dnssec-db=/run/dnsim/p/nodes/x/dnssec.db\n") != NULL);
	CHECK_STR(f.argv[0], "sh");
	CHECK_STR(f.argv[1], "-c");
	CHECK(strstr(f.argv[2], "pdnsutil --config-dir='/run/dnsim/p/nodes/x' create-bind-db "
		     "'/run/dnsim/p/nodes/x/dnssec.db'") != NULL);
	CHECK(strstr(f.argv[2], " && pdnsutil --config-dir='/run/dnsim/p/nodes/x' set-presigned "
		     "'example.test.' >/dev/null && exec pdns_server "
		     "--config-dir='/run/dnsim/p/nodes/x'") != NULL);
	peer_files_free(&f);
	topo_free(&t);
	CHECK(peers_render(&t, "auth", SW_POWERDNS, &f, err, sizeof err));
	CHECK(strstr(peers_file(&f, "pdns.conf"), "local-address=198.51.100.4, 2001:db8:5::4\n"));
	peer_files_free(&f);
	topo_free(&t);
}

int main(void)
{
	RUN(test_server);
	return check_summary("render_powerdns");
}
