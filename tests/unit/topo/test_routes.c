/* The shortest-path routes the builder installs. */
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"

static void test_routes(void)
{
	topo t;
	char err[512];
	bool ok;
	load(&t, chain, err, sizeof err, &ok);
	CHECK(ok);
	if (!ok)
		return;
	routes r;
	CHECK(routes_compute(&t, &r));
	const topo_node *host = topo_node_find(&t, "host");
	const topo_node *r1 = topo_node_find(&t, "r1");
	const topo_node *srv = topo_node_find(&t, "srv");
	const topo_addr *via = NULL;
	/* host -> c: first hop r1 on a. */
	CHECK(routes_next_hop(&t, &r, host, 2, AF_INET, &via));
	CHECK(via && strcmp(via->text, "198.51.100.1") == 0);
	/* r1 -> c: via r2 on b. */
	CHECK(routes_next_hop(&t, &r, r1, 2, AF_INET, &via));
	CHECK(via && strcmp(via->text, "198.18.0.2") == 0);
	/* IPv6: r1 -> c via r2's v6 address; host has no IPv6 at all. */
	CHECK(routes_next_hop(&t, &r, r1, 2, AF_INET6, &via));
	CHECK(via && strcmp(via->text, "2001:db8:1::2") == 0);
	CHECK(!routes_next_hop(&t, &r, host, 2, AF_INET6, &via));
	/* srv <- back to a; its own network needs no route. */
	CHECK(routes_next_hop(&t, &r, srv, 0, AF_INET, &via));
	CHECK(via && strcmp(via->text, "203.0.113.1") == 0);
	CHECK(routes_next_hop(&t, &r, srv, 2, AF_INET, &via) && via == NULL);
	/* Nobody reaches the island. */
	CHECK(!routes_next_hop(&t, &r, host, 3, AF_INET, &via));
	const topo_node *lonely = topo_node_find(&t, "lonely");
	CHECK(lonely && !routes_reach(&t, &r, host, &lonely->addrs[0]));
	CHECK(lonely && routes_reach(&t, &r, lonely, &lonely->addrs[0]));
	CHECK(srv && routes_reach(&t, &r, host, &srv->addrs[0]));
	/* srv's IPv6 address is out of reach of a host without IPv6. */
	CHECK(srv && !routes_reach(&t, &r, host, &srv->addrs[1]));
	routes_free(&r);
	topo_free(&t);
}

/* An anycast address is on no network: it is reached when one of its
 * instances is, in its family. */
static void test_reach_anycast(void)
{
	static const char text[] =
		"[network.a]\nipv4 = \"198.51.100.0/24\"\n"
		"[network.b]\nipv4 = \"203.0.113.0/24\"\nipv6 = \"2001:db8:2::/64\"\n"
		"[network.island]\nipv4 = \"192.0.2.0/24\"\n"
		"[node.r]\nrouter = true\naddresses = { a = \"198.51.100.1\", b = \"203.0.113.1\" }\n"
		"[node.host]\naddresses = { a = \"198.51.100.7\" }\n"
		"[node.lonely]\naddresses = { island = \"192.0.2.5\" }\n"
		"[node.i1]\naddresses = { b = [\"203.0.113.9\", \"2001:db8:2::9\"] }\n"
		"anycast = [\"10.53.0.1\", \"2001:db8:53::1\"]\nregion = \"b\"\nservice.command = [\"true\"]\n";
	topo t;
	char err[512];
	bool ok;
	load(&t, text, err, sizeof err, &ok);
	CHECK(ok);
	if (!ok)
		return;
	routes r;
	CHECK(routes_compute(&t, &r));
	const topo_node *i1 = topo_node_find(&t, "i1");
	const topo_node *host = topo_node_find(&t, "host");
	const topo_node *lonely = topo_node_find(&t, "lonely");
	CHECK(i1 && host && lonely);
	if (i1 && host && lonely) {
		CHECK(routes_reach(&t, &r, host, &i1->anycast[0]));
		CHECK(!routes_reach(&t, &r, lonely, &i1->anycast[0]));
		/* The host has no IPv6, nor the router: not over IPv6. */
		CHECK(!routes_reach(&t, &r, host, &i1->anycast[1]));
		CHECK(routes_reach(&t, &r, i1, &i1->anycast[1]));
	}
	routes_free(&r);
	topo_free(&t);
}

int main(void)
{
	RUN(test_routes);
	RUN(test_reach_anycast);
	return check_summary("test_routes");
}
