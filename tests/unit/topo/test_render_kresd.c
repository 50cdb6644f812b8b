/* Knot Resolver's config from the model: listeners, hints, no trust
 * anchor, local addresses allowed, the special names the sim serves, the
 * clients through views, the blocklist and the sinkhole. */
#include "check.h"
#include "peers.h"

static void test_resolver(void)
{
	topo t;
	peer_files f;
	char err[256];
	CHECK(peers_render(&t, "res", SW_KRESD, &f, err, sizeof err));
	const char *conf = peers_file(&f, "kresd.conf");
	CHECK(strstr(conf, "net.listen('2001:db8:5::53', 53, { kind = 'dns' })\n") != NULL);
	CHECK(strstr(conf, "net.listen('/run/dnsim/p/nodes/x/kresd.ctl', nil, { kind = 'control' })"));
	CHECK(strstr(conf, "hints.root_file('/run/dnsim/p/nodes/x/root.hints')\n") != NULL);
	CHECK(strstr(conf, "trust_anchors.remove('.')\n") != NULL);
	CHECK(strstr(conf, "policy.FLAGS({'ALLOW_LOCAL'})") != NULL);
	/* The allowed pass, then everyone else is refused. */
	const char *pass = strstr(conf, "view:addr('198.51.100.0/24', policy.all(policy.PASS))\n");
	const char *refuse = strstr(conf, "view:addr('0.0.0.0/0', policy.all(policy.REFUSE))\n");
	CHECK(pass != NULL && refuse != NULL && pass < refuse);
	CHECK(strstr(conf, "policy.DENY") == NULL);
	CHECK_STR(f.argv[0], "kresd");
	CHECK_STR(f.argv[5], "/run/dnsim/p/nodes/x");
	peer_files_free(&f);
	topo_free(&t);
}

static void test_blocklist_and_sinkhole(void)
{
	topo t;
	peer_files f;
	char err[256];
	CHECK(peers_render(&t, "open", SW_KRESD, &f, err, sizeof err));
	CHECK(strstr(peers_file(&f, "kresd.conf"), "policy.add(policy.suffix(policy.DENY, "
			  "policy.todnames({'ads.example.net.', 'tracker.example.org.'})))\n") != NULL);
	peer_files_free(&f);
	topo_free(&t);
	CHECK(peers_render(&t, "sink", SW_KRESD, &f, err, sizeof err));
	CHECK(strstr(peers_file(&f, "kresd.conf"), "[kres.type.A] = { rdata = "
			  "kres.str2ip('192.0.2.1'), ttl = 60 } }, true), "
			  "policy.todnames({'ads.example.net.'})))\n") != NULL);
	peer_files_free(&f);
	topo_free(&t);
}

int main(void)
{
	RUN(test_resolver);
	RUN(test_blocklist_and_sinkhole);
	return check_summary("render_kresd");
}
