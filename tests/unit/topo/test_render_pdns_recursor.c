/* The PowerDNS Recursor's config from the model: addresses, clients,
 * hints, no list of addresses never to ask, the blocklist as an RPZ
 * loaded by its Lua config. */
#include "check.h"
#include "peers.h"

static void test_resolver(void)
{
	topo t;
	peer_files f;
	char err[256];
	CHECK(peers_render(&t, "res", SW_PDNS_RECURSOR, &f, err, sizeof err));
	const char *conf = peers_file(&f, "recursor.conf");
	CHECK(strstr(conf, "\nlocal-address=127.0.0.1, 198.51.100.53, 2001:db8:5::53\n") != NULL);
	CHECK(strstr(conf, "\nallow-from=127.0.0.0/8, ::1/128, 198.51.100.53/32, "
			   "2001:db8:5::53/128, 198.51.100.0/24\n") != NULL);
	CHECK(strstr(conf, "\ndont-query=\n") && strstr(conf, "\nserve-rfc1918=no\n"));
	CHECK(strstr(conf, "\nhint-file=/run/dnsim/p/nodes/x/root.hints\n") != NULL);
	CHECK(strstr(conf, "lua-config-file") == NULL);
	CHECK_INT(f.nfiles, 1);
	CHECK_STR(f.argv[0], "pdns_recursor");
	peer_files_free(&f);
	topo_free(&t);
	CHECK(peers_render(&t, "sink", SW_PDNS_RECURSOR, &f, err, sizeof err));
	CHECK(strstr(peers_file(&f, "recursor.conf"),
		     "\nlua-config-file=/run/dnsim/p/nodes/x/recursor.lua\n") != NULL);
	CHECK(strstr(peers_file(&f, "recursor.lua"), "rpzFile(\"/run/dnsim/p/nodes/x/block.rpz\""));
	CHECK(strstr(peers_file(&f, "block.rpz"), "\nads.example.net A 192.0.2.1\n"
			  "*.ads.example.net A 192.0.2.1\n") != NULL);
	peer_files_free(&f);
	topo_free(&t);
}

int main(void)
{
	RUN(test_resolver);
	return check_summary("render_pdns_recursor");
}
