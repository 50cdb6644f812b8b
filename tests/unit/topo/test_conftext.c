/* The config text buffer and the model's lists in plain words. */
#include <stdlib.h>

#include "check.h"
#include "topo/conftext.h"

static void test_buffer_grows(void)
{
	conftext b = { 0 };
	for (int i = 0; i < 1000; i++)
		ct_add(&b, "line %d\n", i);
	char err[64];
	char *s = ct_finish(&b, err, sizeof err);
	CHECK(s && strncmp(s, "line 0\nline 1\n", 14) == 0 && strstr(s, "line 999\n"));
	free(s);
	conftext empty = { 0 };
	CHECK(ct_finish(&empty, err, sizeof err) == NULL);
	CHECK_STR(err, "out of memory");
}

static char seen[1024];

static void collect(void *ctx, const char *p)
{
	(void)ctx;
	strncat(seen, p, sizeof seen - strlen(seen) - 2);
	strcat(seen, " ");
}

static void test_clients(void)
{
	static const char text[] =
		"[network.a]\nipv4 = \"198.51.100.0/24\"\nipv6 = \"2001:db8:1::/64\"\n"
		"[network.b]\nipv4 = \"10.0.0.0/8\"\n"
		"[node.r]\naddresses = { a = [\"198.51.100.53\", \"2001:db8:1::53\"] }\nresolver = {}\n"
		"[node.s]\naddresses = { b = \"10.0.0.53\" }\nresolver.allow = [\"10.0.0.0/8\"]\n";
	topo t;
	char err[256];
	CHECK(topo_parse(&t, "t.toml", text, strlen(text), err, sizeof err));
	seen[0] = '\0';
	ct_resolver_clients(&t, topo_node_find(&t, "r"), collect, NULL);
	CHECK_STR(seen, "127.0.0.0/8 ::1/128 198.51.100.53/32 2001:db8:1::53/128 "
		  "198.51.100.0/24 2001:db8:1::/64 10.0.0.0/8 ");
	seen[0] = '\0';
	ct_resolver_clients(&t, topo_node_find(&t, "s"), collect, NULL);
	CHECK_STR(seen, "127.0.0.0/8 ::1/128 10.0.0.53/32 10.0.0.0/8 ");
	topo_free(&t);
}

static void test_block_names(void)
{
	char out[16];
	CHECK(ct_block_name("Ads.Example.", out, sizeof out));
	CHECK_STR(out, "ads.example");
	CHECK(!ct_block_name(".", out, sizeof out));
	CHECK(!ct_block_name("much-too-long.example", out, sizeof out));
}

int main(void)
{
	RUN(test_buffer_grows);
	RUN(test_clients);
	RUN(test_block_names);
	return check_summary("conftext");
}
