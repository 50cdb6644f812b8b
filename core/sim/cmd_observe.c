/* The verbs that read servers' counters and the caches of resolvers
 * and of hosts' stubs: `stats [NODE] [--prometheus]` and `cache NODE
 * dump|flush [NAME]`.  Ours answer CH TXT stats.dnsim and their control
 * socket; other programs are asked through their own tools
 * (runtime/programs.h). */
#include "sim/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/stub_conf.h"
#include "dns/stats_txt.h"
#include "io/addr.h"
#include "io/unixcall.h"
#include "runtime/probe.h"
#include "runtime/programs.h"
#include "topo/render.h"
#include "netns/netns.h"
#include "netns/state.h"

/* The counters' TXT RDATA; one message holds less. */
#define STATS_MAX 16384

/* "rcode.NOERROR" -> metric "dnsim_responses_total", label rcode. */
static void prometheus_line(const char *node, const char *service, const char *key,
			    const char *value)
{
	const char *dot = strchr(key, '.');
	if (strncmp(key, "rcode.", 6) == 0)
		printf("dnsim_responses_total{node=\"%s\",service=\"%s\",rcode=\"%s\"} %s\n",
		       node, service, dot + 1, value);
	else if (strncmp(key, "qtype.", 6) == 0)
		printf("dnsim_queries_by_type_total{node=\"%s\",service=\"%s\",type=\"%s\"} %s\n",
		       node, service, dot + 1, value);
	else {
		char metric[96];
		size_t o = 0;
		for (const char *p = key; *p && o + 1 < sizeof metric; p++)
			metric[o++] = (*p == '.' || *p == '-') ? '_' : *p;
		metric[o] = '\0';
		/* Sizes are gauges; everything else only counts up. */
		bool gauge = strcmp(key, "cache.entries") == 0 || strcmp(key, "cache.bytes") == 0;
		printf("dnsim_%s%s{node=\"%s\",service=\"%s\"} %s\n", metric,
		       gauge ? "" : "_total", node, service, value);
	}
}

/* A counter's value; 0 when the server does not report it. */
static unsigned long long counter(const dns_stat *stats, size_t n, const char *key)
{
	const dns_stat *s = dns_stats_find(stats, n, key);
	return s ? (unsigned long long)s->value : 0;
}

/* The counters of one server, read from its TXT RDATA.  The keys point
 * into `rd`; *n gets their number; false, said on stderr, when the RDATA
 * does not read as counters. */
static bool decode_counters(const node_line *nl, const uint8_t *rd, size_t rdlen,
			    dns_stat *stats, size_t cap, size_t *n)
{
	dns_err err = dns_stats_decode(rd, rdlen, stats, cap, n);
	if (err == DNS_OK)
		return true;
	fprintf(stderr, "%s (%s): its counters do not read: %s\n", nl->name, nl->service,
		dns_strerror(err));
	return false;
}

/* Keys our servers use too (the rest are the program's own words). */
static bool our_key(const char *key)
{
	return strcmp(key, "queries") == 0 || strncmp(key, "rcode.", 6) == 0 ||
	       strncmp(key, "qtype.", 6) == 0 || strncmp(key, "cache.", 6) == 0;
}

/* Another program's counters, read through its own tool and shown in
 * our words first, then in its own. */
static int show_peer(const char *sim, const node_line *nl, topo_software sw, bool prom)
{
	prog_stat *st;
	char why[600] = "";
	const char *title = software_get(sw)->title;
	int n = programs_stats(sim, nl->name, sw, &st, why, sizeof why);
	if (n < 0) {
		if (!prom)
			printf("%s (%s, %s): no counters: %s\n\n", nl->name, nl->service, title, why);
		return 1;
	}
	if (prom) {
		char value[24];
		for (int i = 0; i < n; i++)
			if (our_key(st[i].key)) {
				snprintf(value, sizeof value, "%llu", st[i].value);
				prometheus_line(nl->name, nl->service, st[i].key, value);
			}
		free(st);
		return 0;
	}
	printf("%s (%s, %s)\n", nl->name, nl->service, title);
	if (n == 0)
		printf("  counters unavailable: %s\n", why);
	for (int pass = 0; pass < 2; pass++) {
		bool any = false;
		for (int i = 0; i < n; i++) {
			/* Zeros say little: every type and rcode would be listed. */
			if (our_key(st[i].key) != (pass == 0) ||
			    (st[i].value == 0 && strcmp(st[i].key, "queries") != 0))
				continue;
			if (pass == 1 && !any)
				printf("  -- in %s's own words --\n", title);
			any = true;
			printf("  %-24s %llu\n", st[i].key, st[i].value);
		}
	}
	putchar('\n');
	free(st);
	return 0;
}

static int show_node(const char *sim, const node_line *nl, bool prom)
{
	topo_software sw = programs_of_node(sim, nl->name);
	if (sw != SW_DNSIM)
		return show_peer(sim, nl, sw, prom);
	char ns[128], first[64];
	net_addr a;
	netns_node_name(ns, sizeof ns, sim, nl->name);
	/* A host's stub answers inside the host only, on 127.0.0.53. */
	if (strcmp(nl->service, "stub") == 0)
		snprintf(first, sizeof first, "%s", STUB_LISTEN_DEFAULT);
	else
		snprintf(first, sizeof first, "%.*s", (int)strcspn(nl->addrs, ","), nl->addrs);
	uint8_t *rd = malloc(STATS_MAX);
	dns_stat *stats = malloc(DNS_STATS_MAX_IN(STATS_MAX) * sizeof *stats);
	if (rd == NULL || stats == NULL) {
		free(rd);
		free(stats);
		return die("out of memory");
	}
	size_t rdlen = 0, n = 0;
	int got = net_addr_parse(first, 53, &a) ? probe_stats(ns, &a, 1000, rd, STATS_MAX, &rdlen)
						: -1;
	if (got < 0) {
		free(rd);
		free(stats);
		if (!prom)
			printf("%s (%s): no answer (is it stopped? `./sim status`)\n\n", nl->name,
			       nl->service);
		return 1;
	}
	if (!decode_counters(nl, rd, rdlen, stats, DNS_STATS_MAX_IN(STATS_MAX), &n)) {
		free(rd);
		free(stats);
		return 1;
	}
	bool resolver = strcmp(nl->service, "resolver") == 0 || strcmp(nl->service, "stub") == 0;
	unsigned long long hits = counter(stats, n, "cache.hits"),
			   misses = counter(stats, n, "cache.misses");
	double ratio = hits + misses ? (double)hits / (double)(hits + misses) : 0.0;
	char key[DNS_TXT_STRING_MAX + 1], value[24];
	if (prom) {
		for (size_t i = 0; i < n; i++) {
			snprintf(key, sizeof key, "%.*s", (int)stats[i].keylen, stats[i].key);
			snprintf(value, sizeof value, "%llu", (unsigned long long)stats[i].value);
			prometheus_line(nl->name, nl->service, key, value);
		}
		if (resolver)
			printf("dnsim_cache_hit_ratio{node=\"%s\",service=\"%s\"} %.4f\n",
			       nl->name, nl->service, ratio);
		free(rd);
		free(stats);
		return 0;
	}
	printf("%s (%s)\n", nl->name, nl->service);
	if (resolver) {
		printf("  %-24s %llu\n", "queries", counter(stats, n, "queries"));
		if (strcmp(nl->service, "stub") == 0)
			printf("  %-24s %llu answers\n", "cache size",
			       counter(stats, n, "cache.entries"));
		else
			printf("  %-24s %llu entries, %llu bytes\n", "cache size",
			       counter(stats, n, "cache.entries"), counter(stats, n, "cache.bytes"));
		printf("  %-24s %llu hits, %llu misses, hit rate %.1f%%\n", "cache", hits,
		       misses, 100.0 * ratio);
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(key, sizeof key, "%.*s", (int)stats[i].keylen, stats[i].key);
		if (resolver && (strcmp(key, "queries") == 0 || strncmp(key, "cache.", 6) == 0))
			continue;
		printf("  %-24s %llu\n", key, (unsigned long long)stats[i].value);
	}
	putchar('\n');
	free(rd);
	free(stats);
	return 0;
}

int cmd_stats(const char *name, int argc, char **argv)
{
	const char *only = NULL;
	bool prom = false;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--prometheus") == 0)
			prom = true;
		else if (only == NULL && argv[i][0] != '-')
			only = argv[i];
		else
			return verb_usage("stats");
	}
	if (!need_root())
		return 1;
	char sim[TOPO_NAME_MAX + 1];
	node_line *nodes;
	size_t n;
	if (sim_nodes(name, sim, sizeof sim, &nodes, &n))
		return 1;
	int rc = 0, shown = 0;
	if (prom)
		printf("# dnsim counters of sim %s, from each server's CH TXT stats.dnsim\n", sim);
	for (size_t i = 0; i < n; i++) {
		const node_line *nl = &nodes[i];
		bool dns = strcmp(nl->service, "auth") == 0 || strcmp(nl->service, "resolver") == 0 ||
			   strcmp(nl->service, "stub") == 0;
		if (only && strcmp(only, nl->name) != 0)
			continue;
		if (!dns) {
			if (only)
				rc = die("node %s runs no DNS server", only);
			continue;
		}
		rc |= show_node(sim, nl, prom);
		shown++;
	}
	if (only && shown == 0 && rc == 0)
		rc = die("sim %s has no node named \"%s\"", sim, only);
	free(nodes);
	return rc;
}

int cmd_cache(const char *name, int argc, char **argv)
{
	if (argc < 2 || argc > 3 || (strcmp(argv[1], "dump") != 0 && strcmp(argv[1], "flush") != 0) ||
	    (argc == 3 && strcmp(argv[1], "flush") != 0))
		return verb_usage("cache");
	if (!need_root())
		return 1;
	char sim[TOPO_NAME_MAX + 1], ns[128];
	if (node_args(name, argv[0], sim, sizeof sim, ns, sizeof ns))
		return 1;
	node_line *nodes;
	size_t n;
	if (nodelist_read(sim, &nodes, &n) < 0)
		return die("sim %s is not up", sim);
	const node_line *nl = nodelist_find(nodes, n, argv[0]);
	/* A resolver's cache, or a host's stub cache: the same commands on
	 * the same control socket path, as `resolvectl flush-caches` talks
	 * to systemd-resolved. */
	bool cache = nl && (strcmp(nl->service, "resolver") == 0 ||
			    strcmp(nl->service, "stub") == 0);
	free(nodes);
	if (!cache)
		return die("node %s has no cache: it is not a resolver, nor a host with "
			   "stub = \"cache\"", argv[0]);
	topo_software sw = programs_of_node(sim, argv[0]);
	if (sw != SW_DNSIM) {
		/* Another program: through its own tool. */
		char *out = NULL;
		int rc = programs_cache(sim, argv[0], sw, argv[1], argc == 3 ? argv[2] : NULL, &out);
		if (rc == 0 && strcmp(argv[1], "flush") == 0)
			printf("%s: cache flushed%s%s (%s)\n", argv[0], argc == 3 ? " of " : "",
			       argc == 3 ? argv[2] : "", software_get(sw)->title);
		else if (rc == 0)
			fputs(out ? out : "", stdout);
		else
			fprintf(stderr, "sim: node %s (%s): %s", argv[0], software_get(sw)->title,
				out ? out : "no answer\n");
		free(out);
		return rc == 0 ? 0 : 1;
	}
	char sub[128], path[600], cmd[600];
	snprintf(sub, sizeof sub, "nodes/%s/control", argv[0]);
	state_path(path, sizeof path, sim, sub);
	snprintf(cmd, sizeof cmd, "%s%s%s", argv[1], argc == 3 ? " " : "", argc == 3 ? argv[2] : "");
	char *reply = unix_call(path, cmd, 5000);
	if (reply == NULL)
		return die("cannot reach %s's control socket: %s (is it stopped?)", argv[0],
			   strerror(errno));
	fputs(reply, stdout);
	bool failed = strncmp(reply, "error", 5) == 0;
	free(reply);
	return failed ? 1 : 0;
}
