/* dnsim-auth: the authoritative nameserver of every root, TLD and domain
 * server node in a dnsim internet. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/server.h"
#include "conf/auth_conf.h"
#include "io/log.h"
#include "io/readfile.h"

static void usage(FILE *out)
{
	fputs(
"usage: dnsim-auth -l ADDR[@PORT] [-l ...] -z ORIGIN=ZONEFILE [-z ...]\n"
"                  [-c CONFIG] [-q] [-u MAXUDP] [-t PREFIX] [-i NAME]\n"
"\n"
"An authoritative DNS server: answers for the zones it is given over UDP\n"
"and TCP, refers resolvers to delegated zones, and transfers zones (AXFR)\n"
"to allowed clients.  Runs in the foreground and logs to stderr.\n"
"\n"
"  -l ADDR[@PORT]    listen on this IPv4 or IPv6 address, UDP and TCP\n"
"                    (port 53 unless given)\n"
"  -z ORIGIN=FILE    serve the zone ORIGIN from a master file ('.' is the root)\n"
"  -c CONFIG         read settings from a file (views, ACLs, logging; see below)\n"
"  -q                log every query to stderr: client, transport, name,\n"
"                    type, rcode, flags, size\n"
"  -u MAXUDP         largest EDNS UDP answer (512-65535, default 1232)\n"
"  -t PREFIX         allow zone transfers to clients in PREFIX (repeatable)\n"
"  -i NAME           identity for logs and 'dig CH TXT id.server'\n"
"  -h, --help        this text\n"
"\n"
"Config file lines ('#' starts a comment):\n"
"  listen ADDR[@PORT]            zone ORIGIN FILE\n"
"  max-udp-size N                largest EDNS UDP answer (512-65535, 1232)\n"
"  answer-cache N                answers kept for repeated UDP queries, by\n"
"                                question, flags, EDNS and view (4096; 0: off)\n"
"  allow-transfer PREFIX...      clients allowed zone transfers (AXFR)\n"
"  rate-limit N                  at most N UDP responses a second to one /24\n"
"                                (/56 in IPv6); over it, drop (0: no limit)\n"
"  rate-limit-slip N (2)         ...but send every Nth as an empty truncated\n"
"                                answer, so real clients retry over TCP\n"
"  query-log stderr|off|FILE     identity NAME\n"
"  alias-resolver ADDR[@PORT]    the resolver that finds ALIAS targets' A and\n"
"                                AAAA (zone files: NAME ALIAS TARGET, dnsim's\n"
"                                CNAME flattening; without it they SERVFAIL)\n"
"  view NAME {                   split horizon: clients matching a view's\n"
"      match PREFIX...           prefixes see its zones; everyone else sees\n"
"      zone ORIGIN FILE          the zones given outside any view\n"
"  }\n"
CONF_TCP_HELP(AUTH_TCP_MAX_DEFAULT)
"\n"
"  policy NAME {                 a routing policy: NAME's A and AAAA answers\n"
"      routing weighted|failover|geolocation|latency|multivalue\n"
"      ttl SECONDS (60)          check tcp PORT | check http PORT [/PATH]\n"
"      check-interval S (2)      check-threshold K (3)\n"
"      answer ADDRESS [weight N | primary | secondary | region NAME | default]\n"
"  }\n"
"  region NAME PREFIX...         clients in PREFIX are in region NAME (by\n"
"                                source address, or EDNS Client Subnet)\n"
"  region-delay A B MS           delay between two regions (latency routing)\n"
"  policy-key ORIGIN FILE        sign policy answers of ORIGIN with this key\n"
"\n"
"Signals: SIGHUP reloads every zone (one that fails keeps its old data)\n"
"and the config file's policies (a file with an error keeps the old ones),\n"
"SIGUSR1 logs the counters, SIGTERM and SIGINT stop the server.\n"
"Counters are also answered to 'dig CH TXT stats.dnsim'.\n", out);
}

static int fail(const char *msg)
{
	log_msg("%s", msg);
	fputs("(dnsim-auth --help shows the usage)\n", stderr);
	return 2;
}

static bool parse_config(void *cfg, const char *path, const char *text, size_t len,
			 char *err, size_t errsz)
{
	return auth_config_parse(cfg, path, text, len, err, errsz);
}

static bool read_config(auth_config *cfg, const char *path, char *err, size_t errsz)
{
	return io_parse_file(path, parse_config, cfg, err, errsz);
}

int main(int argc, char **argv)
{
	auth_config cfg;
	char err[1024];
	bool query_log_flag = false;

	log_set_prefix("dnsim-auth");
	if (!auth_config_init(&cfg))
		return fail("out of memory");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			auth_config_free(&cfg);
			return 0;
		}
		if (strcmp(a, "-q") == 0) {
			query_log_flag = true;
			continue;
		}
		if (a[0] != '-' || strlen(a) != 2 || !strchr("lzcuti", a[1])) {
			snprintf(err, sizeof err, "unknown argument \"%s\"", a);
			auth_config_free(&cfg);
			return fail(err);
		}
		if (i + 1 >= argc) {
			snprintf(err, sizeof err, "%s needs a value", a);
			auth_config_free(&cfg);
			return fail(err);
		}
		const char *v = argv[++i];
		bool ok = true;
		switch (a[1]) {
		case 'l':
			ok = auth_config_add_listen(&cfg, v, err, sizeof err);
			break;
		case 'z': {
			const char *eq = strchr(v, '=');
			if (eq == NULL || eq == v || eq[1] == '\0') {
				snprintf(err, sizeof err,
					 "-z wants ORIGIN=ZONEFILE, got \"%s\"", v);
				ok = false;
				break;
			}
			char origin[1024];
			snprintf(origin, sizeof origin, "%.*s", (int)(eq - v), v);
			ok = auth_config_add_zone(&cfg, 0, origin, eq + 1, err, sizeof err);
			break;
		}
		case 'c':
			ok = read_config(&cfg, v, err, sizeof err);
			free(cfg.file);
			if (ok && (cfg.file = strdup(v)) == NULL) {
				snprintf(err, sizeof err, "out of memory");
				ok = false;
			}
			break;
		case 'u': {
			char *end;
			unsigned long n = strtoul(v, &end, 10);
			if (*end || n < 512 || n > 65535) {
				snprintf(err, sizeof err, "-u wants 512..65535, got \"%s\"", v);
				ok = false;
			} else {
				cfg.max_udp = n;
			}
			break;
		}
		case 't':
			ok = auth_config_add_xfr(&cfg, v, err, sizeof err);
			break;
		case 'i':
			free(cfg.identity);
			cfg.identity = strdup(v);
			ok = cfg.identity != NULL;
			break;
		}
		if (!ok) {
			auth_config_free(&cfg);
			return fail(err);
		}
	}
	if (query_log_flag) {
		free(cfg.query_log);
		cfg.query_log = strdup("stderr");
	}
	if (cfg.nlisten == 0) {
		auth_config_free(&cfg);
		return fail("no address to listen on: give -l ADDR[@PORT] or 'listen' in a config");
	}
	size_t nzones = 0;
	for (size_t v = 0; v < cfg.nviews; v++)
		nzones += cfg.views[v].nzones;
	if (nzones == 0) {
		auth_config_free(&cfg);
		return fail("no zone to serve: give -z ORIGIN=ZONEFILE or 'zone' in a config");
	}
	if (cfg.identity) {
		char prefix[160];
		snprintf(prefix, sizeof prefix, "dnsim-auth[%s]", cfg.identity);
		log_set_prefix(prefix);
	}

	auth_server s;
	int rc = 0;
	if (auth_server_setup(&s, &cfg))
		auth_server_run(&s);
	else
		rc = 1;
	auth_server_free(&s);
	auth_config_free(&cfg);
	return rc;
}
