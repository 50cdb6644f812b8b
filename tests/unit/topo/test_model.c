/* The model: a topology with its routes and zones, made once. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "check.h"
#include "fixtures.h"

static void test_load(void)
{
	topo_model m;
	char err[256];
	CHECK(model_from(&m, tiny_files, err, sizeof err));
	CHECK_STR(m.t.name, "tiny");
	CHECK_INT(m.t.nnodes, 6);
	/* Three files, and four derived reverse zones: in-addr.arpa.,
	 * ip6.arpa. and the network's two. */
	CHECK(m.zones != NULL && m.zones->n == 7);
	/* The routes are there: every node is on the one network. */
	const topo_node *pc = topo_node_find(&m.t, "pc");
	const topo_addr *via = NULL;
	CHECK(pc && routes_next_hop(&m.t, &m.r, pc, 0, AF_INET, &via) && via == NULL);
	topo_model_free(&m);
	CHECK(m.zones == NULL && m.t.nodes == NULL);
}

static void test_unreadable_topology(void)
{
	static const memfile none[] = { { NULL, NULL } };
	topo_model m;
	char err[256] = "";
	CHECK(!model_from(&m, none, err, sizeof err));
	CHECK(strstr(err, "t.toml: cannot read") != NULL);
	CHECK(m.zones == NULL);
}

static void test_bad_topology(void)
{
	static const memfile bad[] = { { "t.toml", "[network.a]\nipv4 = 24\n" }, { NULL, NULL } };
	topo_model m;
	char err[256] = "";
	CHECK(!model_from(&m, bad, err, sizeof err));
	CHECK_STR(err, "t.toml:2:8: ipv4 must be a string, not an integer");
	/* Nothing was read but the topology. */
	CHECK_INT(memfs_reads, 1);
}

static void test_from_parsed(void)
{
	topo t;
	char err[256];
	bool ok;
	load(&t, chain, err, sizeof err, &ok);
	CHECK(ok);
	topo_model m;
	memfs = NULL;
	CHECK(topo_model_from(&m, &t, memfs_read, NULL, err, sizeof err));
	/* Taken over: t is left empty, the model owns the nodes. */
	CHECK(t.nodes == NULL && m.t.nnodes == 5);
	topo_model_free(&m);
}

int main(void)
{
	RUN(test_load);
	RUN(test_unreadable_topology);
	RUN(test_bad_topology);
	RUN(test_from_parsed);
	return check_summary("test_model");
}
