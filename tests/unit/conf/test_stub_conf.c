/* dnsim-stub's settings: defaults, the file, errors with FILE:LINE, and
 * the writer read back. */
#include <stdlib.h>

#include "check.h"
#include "conf/stub_conf.h"

static bool parse(stub_config *c, const char *text, char *err, size_t errsz)
{
	stub_config_init(c);
	return stub_config_parse(c, "s.conf", text, strlen(text), err, errsz);
}

static void test_defaults(void)
{
	stub_config c;
	char err[512] = "";
	CHECK(parse(&c, "# nothing\n", err, sizeof err));
	CHECK_INT(c.nlisten + c.nservers, 0);
	CHECK_INT(c.timeout_s, 2);
	CHECK_INT(c.cache_entries, 4096);
	CHECK_INT(c.max_ttl, 86400);
	CHECK_INT(c.max_neg_ttl, 3600);
	CHECK(c.trace == NULL && c.query_log == NULL && c.control == NULL && c.identity == NULL);
	CHECK_INT(c.tcp.max_conns, STUB_TCP_MAX_DEFAULT);
	stub_config_free(&c);
}

static const char full[] =
	"identity laptop\n"
	"listen 127.0.0.53\n"
	"server 198.51.100.53 198.18.8.8   # tried in this order\n"
	"server 2001:db8:100::53@5353\n"
	"timeout 3\n"
	"cache-entries 10\n"
	"max-ttl 600\n"
	"max-negative-ttl 60\n"
	"trace /sim/trace.jsonl\n"
	"query-log stderr\n"
	"control /sim/control\n"
	"tcp-max-connections 8\n";

static void test_full_and_written_back(void)
{
	stub_config c, again;
	char err[512] = "";
	bool ok = parse(&c, full, err, sizeof err);
	if (!ok)
		fprintf(stderr, "  %s\n", err);
	CHECK(ok);
	CHECK_STR(c.identity, "laptop");
	CHECK_INT(c.nlisten, 1);
	CHECK_INT(c.nservers, 3);
	char a[80];
	conf_format_addr(&c.servers[1], a, sizeof a);
	CHECK_STR(a, "198.18.8.8");
	conf_format_addr(&c.servers[2], a, sizeof a);
	CHECK_STR(a, "2001:db8:100::53@5353");
	CHECK_INT(c.timeout_s, 3);
	CHECK_INT(c.cache_entries, 10);
	CHECK_INT(c.max_ttl, 600);
	CHECK_INT(c.max_neg_ttl, 60);
	CHECK_STR(c.trace, "/sim/trace.jsonl");
	CHECK_STR(c.query_log, "stderr");
	CHECK_STR(c.control, "/sim/control");
	CHECK_INT(c.tcp.max_conns, 8);

	char *text = stub_config_write(&c, err, sizeof err);
	CHECK(text != NULL);
	CHECK(text && parse(&again, text, err, sizeof err));
	char *text2 = text ? stub_config_write(&again, err, sizeof err) : NULL;
	CHECK(text2 && strcmp(text, text2) == 0);
	CHECK_INT(again.nservers, 3);
	CHECK_INT(again.timeout_s, 3);
	CHECK_STR(again.identity, "laptop");
	free(text);
	free(text2);
	stub_config_free(&again);
	stub_config_free(&c);
}

static void test_errors(void)
{
	static const struct { const char *text, *want; } bad[] = {
		{ "server\n", "s.conf:1: server: wrong number of values" },
		{ "\nserver 300.1.1.1\n", "s.conf:2: " },
		{ "timeout 0\n", "s.conf:1: timeout wants seconds (1-30)" },
		{ "timeout 2 3\n", "s.conf:1: timeout: wrong number of values" },
		{ "cache-entries lots\n", "s.conf:1: cache-entries wants a number (0-1000000)" },
		{ "max-ttl -1\n", "s.conf:1: max-ttl wants seconds (0-2147483647)" },
		{ "resolver 1.2.3.4\n", "s.conf:1: unknown setting \"resolver\"" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		stub_config c;
		char err[512] = "";
		CHECK(!parse(&c, bad[i].text, err, sizeof err));
		if (strncmp(err, bad[i].want, strlen(bad[i].want)) != 0) {
			fprintf(stderr, "  got \"%s\", want \"%s...\"\n", err, bad[i].want);
			CHECK(0);
		}
		stub_config_free(&c);
	}
	/* More servers than anyone needs: refused, never cut. */
	stub_config c;
	char err[512] = "";
	stub_config_init(&c);
	char *many[STUB_SERVERS_MAX + 1];
	char addrs[STUB_SERVERS_MAX + 1][32];
	for (size_t i = 0; i <= STUB_SERVERS_MAX; i++) {
		snprintf(addrs[i], sizeof addrs[i], "192.0.2.%zu", i + 1);
		many[i] = addrs[i];
	}
	CHECK(!stub_config_set(&c, "server", many, STUB_SERVERS_MAX + 1, err, sizeof err));
	CHECK_STR(err, "server: at most 16 addresses");
	stub_config_free(&c);
}

int main(void)
{
	RUN(test_defaults);
	RUN(test_full_and_written_back);
	RUN(test_errors);
	return check_summary("test_stub_conf");
}
