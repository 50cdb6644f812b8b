/* What the unit tests of the other programs' renderers share: one
 * topology holding every feature they render (zones in and out of a
 * view, rate limiting, a resolver with an allow list, one with a
 * blocklist and one with a sinkhole, an anycast instance), and rendering one node of it with
 * a program of choice. */
#ifndef DNSIM_TESTS_TOPO_PEERS_H
#define DNSIM_TESTS_TOPO_PEERS_H

#include <stdlib.h>
#include <string.h>

#include "topo/render_peer.h"
#include "topo/topo.h"

static const char peers_topology[] __attribute__((unused)) =
	"[sim]\nname = \"p\"\n"
	"[network.net]\nipv4 = \"198.51.100.0/24\"\nipv6 = \"2001:db8:5::/64\"\n"
	"[network.lan]\nipv4 = \"10.1.0.0/24\"\n"
	"[node.auth]\nhostname = \"ns1.example.test\"\n"
	"addresses = { net = [\"198.51.100.4\", \"2001:db8:5::4\"] }\n"
	"auth.zones = { \"example.test.\" = \"example.zone\", \"test.\" = \"test.zone\" }\n"
	"auth.rate_limit = 50\nauth.rate_limit_slip = 3\n"
	"[[node.auth.auth.view]]\nname = \"inside\"\nmatch = [\"10.0.0.0/8\"]\n"
	"zones = { \"example.test.\" = \"inside.zone\" }\n"
	"[node.plain]\naddresses = { net = \"198.51.100.5\" }\nanycast = [\"192.0.2.9\"]\nregion = \"here\"\n"
	"auth.zones = { \"example.test.\" = \"example.zone\" }\n"
	"[node.res]\naddresses = { net = [\"198.51.100.53\", \"2001:db8:5::53\"] }\n"
	"resolver.allow = [\"198.51.100.0/24\"]\n"
	"[node.open]\naddresses = { net = \"198.51.100.54\", lan = \"10.1.0.54\" }\n"
	"resolver.block = [\"ads.example.net.\", \"Tracker.Example.org\"]\n"
	"[node.sink]\naddresses = { net = \"198.51.100.55\" }\n"
	"resolver.block = [\"ads.example.net\"]\nresolver.sinkhole = \"192.0.2.1\"\n";

static const char *const peers_zone_paths[] __attribute__((unused)) = {
	"/run/z/example.test.zone", "/run/z/test.zone", "/run/z/example.test.view-inside.zone",
};

/* Render node `name` of peers_topology as program sw into out (the
 * topology parsed into t, freed by the caller).  false when it does not. */
static inline bool peers_render(topo *t, const char *name, topo_software sw, peer_files *out,
				char *err, size_t errsz)
{
	if (!topo_parse(t, "p.toml", peers_topology, strlen(peers_topology), err, errsz))
		return false;
	topo_node *n = NULL;
	for (size_t i = 0; i < t->nnodes; i++)
		if (strcmp(t->nodes[i].name, name) == 0)
			n = &t->nodes[i];
	if (n == NULL)
		return false;
	n->software = sw;
	peer_conf c = { .dir = "/run/dnsim/p/nodes/x", .zone_paths = peers_zone_paths,
			.hints = "/run/dnsim/p/nodes/x/root.hints", .secret = "c2VjcmV0" };
	return render_peer(t, n, &c, out, err, errsz);
}

/* The text of the file named `name`, or "" when there is none. */
static inline const char *peers_file(const peer_files *f, const char *name)
{
	for (size_t i = 0; i < f->nfiles; i++)
		if (strcmp(f->file[i].name, name) == 0)
			return f->file[i].text;
	return "";
}

#endif
