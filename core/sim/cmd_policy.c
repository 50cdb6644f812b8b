/* `sim policy [show] | set NAME ROUTING ANSWER... [OPTION...] | del NAME`:
 * the routing policies of a running sim's dnsim-auth servers.  A policy
 * belongs with its zone, so `set` and `del` change every dnsim-auth
 * server of the zone that holds NAME at once (their auth.conf, then
 * SIGHUP: a server that cannot read the new file keeps the old one).
 * The topology's own policies ([[zone."ORIGIN".policy]]) come back at
 * the next `up`. */
#include "sim/cli.h"

#include <arpa/inet.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/auth_conf.h"
#include "dns/name.h"
#include "io/addr.h"
#include "io/readfile.h"
#include "io/writefile.h"
#include "netns/state.h"
#include "sim/zonefiles.h"

/* How long a server may take to reload (zones, then policies). */
#define POLICY_RELOAD_WAIT_MS 5000

static bool parse_auth(void *c, const char *path, const char *text, size_t len, char *err,
		       size_t errsz)
{
	return auth_config_parse(c, path, text, len, err, errsz);
}

/* Node's dnsim-auth config and its path; false when it has none (a
 * server of another program, or a file that does not parse). */
static bool read_conf(const char *sim, const char *node, auth_config *c, char *path,
		      size_t pathsz)
{
	char sub[128], err[700];
	snprintf(sub, sizeof sub, "nodes/%s/auth.conf", node);
	state_path(path, pathsz, sim, sub);
	if (access(path, F_OK) != 0 || !auth_config_init(c))
		return false;
	if (!io_parse_file(path, parse_auth, c, err, sizeof err)) {
		fprintf(stderr, "sim: %s\n", err);
		auth_config_free(c);
		return false;
	}
	return true;
}

/* The labels of the deepest zone the server serves (in any view) that
 * holds `name`; -1 when none does. */
static int zone_depth(const auth_config *c, const uint8_t *name)
{
	int best = -1;
	for (size_t v = 0; v < c->nviews; v++)
		for (size_t z = 0; z < c->views[v].nzones; z++) {
			dns_name o;
			const char *origin = c->views[v].zones[z].origin;
			if (dns_name_from_text(&o, origin, strlen(origin), dns_name_root) == DNS_OK &&
			    dns_name_is_subdomain(name, o.data) &&
			    (int)dns_name_labels(o.data) > best)
				best = (int)dns_name_labels(o.data);
		}
	return best;
}

static void show_policy(const auth_policy_conf *p)
{
	printf("  %s %s, ttl %u", p->name, auth_routing_name(p->routing), p->ttl);
	if (p->check == AUTH_CHECK_TCP)
		printf(", checked by TCP connect to port %u", p->check_port);
	else if (p->check == AUTH_CHECK_HTTP)
		printf(", checked by HTTP GET %s on port %u", p->check_path, p->check_port);
	if (p->check != AUTH_CHECK_NONE)
		printf(" every %u s (out and back after %u in a row)", p->check_interval,
		       p->check_threshold);
	printf("\n");
	for (size_t i = 0; i < p->nanswers; i++) {
		const auth_policy_answer *a = &p->answers[i];
		char addr[INET6_ADDRSTRLEN + 8];
		net_addr_format_host((const struct sockaddr *)&a->addr.ss, addr, sizeof addr);
		printf(p->routing == AUTH_ROUTE_MULTIVALUE ? "    %s" : "    %-24s", addr);
		switch (p->routing) {
		case AUTH_ROUTE_WEIGHTED:
			printf(" weight %u", a->weight);
			break;
		case AUTH_ROUTE_FAILOVER:
			printf(" %s", a->secondary ? "secondary" : "primary");
			break;
		case AUTH_ROUTE_GEOLOCATION:
		case AUTH_ROUTE_LATENCY:
			printf(" %s%s", a->region ? "region " : "default",
			       a->region ? a->region : "");
			break;
		default:
			break;
		}
		printf("\n");
	}
}

static int show(const char *sim, const node_line *nodes, size_t n)
{
	size_t shown = 0;
	for (size_t i = 0; i < n; i++) {
		auth_config c;
		char path[600];
		if (strcmp(nodes[i].service, "auth") != 0 ||
		    !read_conf(sim, nodes[i].name, &c, path, sizeof path))
			continue;
		if (c.npolicies) {
			printf("%s:\n", nodes[i].name);
			for (size_t k = 0; k < c.npolicies; k++)
				show_policy(&c.policies[k]);
			/* The regions are the sim's, the same on every server:
			 * shown once. */
			if (shown++ == 0 && c.nregions) {
				printf("  regions:");
				for (size_t r = 0; r < c.nregions; r++)
					printf(" %s (%zu prefixes)", c.regions[r].name,
					       c.regions[r].nprefixes);
				printf("\n");
			}
		}
		auth_config_free(&c);
	}
	if (shown == 0)
		printf("no server of sim %s has a routing policy\n", sim);
	return 0;
}

/* Text appended with bounds: false once it would not fit. */
static bool add(char *buf, size_t size, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static bool add(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - *len)
		return false;
	*len += (size_t)n;
	return true;
}

/* One ANSWER word (ADDRESS or NODE, then =WEIGHT, =primary|secondary,
 * =REGION or =default) as auth.conf answer lines: a node gives its first
 * IPv4 and its first IPv6 address, as the topology's policies do. */
static bool answer_lines(const topo *t, const char *routing, const char *word, char *buf,
			 size_t size, size_t *len)
{
	char who[TOPO_NAME_MAX + INET6_ADDRSTRLEN + 2];
	snprintf(who, sizeof who, "%s", word);
	char *value = strchr(who, '=');
	if (value)
		*value++ = '\0';
	const char *addrs[2] = { NULL, NULL };
	net_addr a;
	if (net_addr_parse(who, 0, &a) && strchr(who, '@') == NULL) {
		addrs[0] = who;
	} else {
		const topo_node *n = t ? topo_node_find(t, who) : NULL;
		if (n == NULL) {
			fprintf(stderr, "sim: \"%s\" is neither an address nor a node of the sim\n",
				who);
			return false;
		}
		for (size_t i = 0; i < n->naddrs; i++) {
			int slot = n->addrs[i].addr.ss.ss_family == AF_INET ? 0 : 1;
			if (addrs[slot] == NULL)
				addrs[slot] = n->addrs[i].text;
		}
	}
	char what[80] = "";
	if (value == NULL || *value == '\0') {
		if (strcmp(routing, "weighted") != 0 && strcmp(routing, "multivalue") != 0) {
			fprintf(stderr, "sim: %s: a %s answer says %s\n", word, routing,
				strcmp(routing, "failover") == 0 ? "=primary or =secondary"
								 : "=REGION or =default");
			return false;
		}
	} else if (strcmp(routing, "weighted") == 0) {
		snprintf(what, sizeof what, " weight %.40s", value);
	} else if (strcmp(routing, "geolocation") == 0 || strcmp(routing, "latency") == 0) {
		snprintf(what, sizeof what, "%s%.60s", strcmp(value, "default") == 0 ? " " :
			 " region ", value);
	} else {
		/* failover's primary/secondary; the config reader judges it. */
		snprintf(what, sizeof what, " %.60s", value);
	}
	for (int i = 0; i < 2; i++)
		if (addrs[i] && !add(buf, size, len, "\tanswer %s%s\n", addrs[i], what))
			return false;
	return true;
}

/* The policy block `set` describes, in auth.conf words (checked by the
 * config reader when added). */
static bool policy_block(const topo *t, const char *name, const char *routing, int argc,
			 char **argv, char *buf, size_t size)
{
	size_t len = 0;
	if (!add(buf, size, &len, "policy %s {\n\trouting %s\n", name, routing))
		return false;
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];
		bool ok = true;
		if (strncmp(w, "ttl=", 4) == 0)
			ok = add(buf, size, &len, "\tttl %s\n", w + 4);
		else if (strncmp(w, "interval=", 9) == 0)
			ok = add(buf, size, &len, "\tcheck-interval %s\n", w + 9);
		else if (strncmp(w, "threshold=", 10) == 0)
			ok = add(buf, size, &len, "\tcheck-threshold %s\n", w + 10);
		else if (strncmp(w, "check=", 6) == 0) {
			/* check=tcp:PORT or check=http:PORT[/PATH] */
			char spec[200];
			snprintf(spec, sizeof spec, "%s", w + 6);
			char *port = strchr(spec, ':');
			if (port == NULL) {
				fprintf(stderr, "sim: %s: say check=tcp:PORT or check=http:PORT/PATH\n",
					w);
				return false;
			}
			*port++ = '\0';
			char *path = strchr(port, '/');
			char pathtext[200] = "";
			if (path) {
				snprintf(pathtext, sizeof pathtext, " %s", path);
				*path = '\0';
			}
			ok = add(buf, size, &len, "\tcheck %s %s%s\n", spec, port, pathtext);
		} else if (!answer_lines(t, routing, w, buf, size, &len))
			return false;
		if (!ok) {
			fprintf(stderr, "sim: the policy is too long\n");
			return false;
		}
	}
	if (!add(buf, size, &len, "}\n")) {
		fprintf(stderr, "sim: the policy is too long\n");
		return false;
	}
	return true;
}

/* Node's log file and its size now: where its reload will report. */
static long log_size(const char *sim, const char *node, char *path, size_t pathsz)
{
	char sub[128];
	struct stat st;
	snprintf(sub, sizeof sub, "logs/%s.log", node);
	state_path(path, pathsz, sim, sub);
	return stat(path, &st) == 0 ? (long)st.st_size : 0;
}

/* Wait until the server logs, after offset `from`, that it read its
 * policies again: 1 when it took them, 0 when it kept the old ones
 * (its log says why), -1 when it said nothing in time. */
static int await_reload(const char *path, long from)
{
	for (int waited = 0; waited < POLICY_RELOAD_WAIT_MS; waited += 50) {
		struct timespec pause = { 0, 50 * 1000000L };
		nanosleep(&pause, NULL);
		char *text;
		size_t len;
		if (io_read_file(NULL, path, &text, &len) != 0)
			continue;
		const char *since = (size_t)from <= len ? text + from : text + len;
		/* routing.c's words: "reload: N policies from FILE", or
		 * "... stay" / "... are not used" when the file was refused. */
		bool kept = strstr(since, "the policies stay") ||
			    strstr(since, "the previous ones stay");
		bool took = strstr(since, "reload: ") &&
			    (strstr(since, " policies from ") || strstr(since, " policy from "));
		free(text);
		if (kept)
			return 0;
		if (took)
			return 1;
	}
	return -1;
}

/* `set` (block != NULL) or `del` on every dnsim-auth server holding name. */
static int change(const char *sim, const node_line *nodes, size_t n, const char *name,
		  const char *block)
{
	dns_name want;
	if (dns_name_from_text(&want, name, strlen(name), dns_name_root) != DNS_OK)
		return die("\"%s\" is not a domain name", name);
	/* The zone that holds the name is the deepest any server has (the
	 * root's and the TLD's servers hold it too, by delegation only). */
	int deepest = -1;
	for (size_t i = 0; i < n; i++) {
		auth_config c;
		char path[600];
		if (strcmp(nodes[i].service, "auth") != 0 ||
		    !read_conf(sim, nodes[i].name, &c, path, sizeof path))
			continue;
		int d = zone_depth(&c, want.data);
		if (d > deepest)
			deepest = d;
		auth_config_free(&c);
	}
	if (block && deepest == 0)
		return die("%s is in no zone but the root's: give a name of a domain the sim "
			   "serves (as example.com)", name);
	size_t changed = 0;
	int status = 0;
	for (size_t i = 0; i < n && deepest >= 0; i++) {
		auth_config c;
		char path[600], err[1024];
		if (strcmp(nodes[i].service, "auth") != 0)
			continue;
		if (!read_conf(sim, nodes[i].name, &c, path, sizeof path)) {
			/* Another program's server: policies are dnsim-auth's. */
			continue;
		}
		if (zone_depth(&c, want.data) != deepest) {
			auth_config_free(&c);
			continue;
		}
		bool had = auth_config_del_policy(&c, name);
		if (block == NULL && !had) {
			auth_config_free(&c);
			continue;
		}
		if (block && !auth_config_parse(&c, "the policy", block, strlen(block), err,
						sizeof err)) {
			auth_config_free(&c);
			return die("%s; nothing changed", err);
		}
		char *text = auth_config_write(&c, err, sizeof err);
		auth_config_free(&c);
		if (text == NULL)
			return die("%s; nothing changed on %s", err, nodes[i].name);
		int rc = io_write_file(path, text);
		free(text);
		if (rc < 0) {
			status = die("cannot write %s: %s", path, strerror(-rc));
			continue;
		}
		char log[600];
		long from = log_size(sim, nodes[i].name, log, sizeof log);
		int pid = zonefiles_server_pid(sim, nodes[i].name);
		if (pid <= 0 || kill(pid, SIGHUP) < 0) {
			status = die("node %s: its auth.conf has the change, but its server did not "
				     "take it (is it stopped? `./sim start %s`)", nodes[i].name,
				     nodes[i].name);
			continue;
		}
		int took = await_reload(log, from);
		if (took == 0) {
			status = die("node %s kept its old policies (`./sim logs %s` says why)",
				     nodes[i].name, nodes[i].name);
			continue;
		}
		if (took < 0) {
			status = die("node %s did not say within %d s that it read its policies "
				     "(`./sim logs %s`)", nodes[i].name, POLICY_RELOAD_WAIT_MS / 1000,
				     nodes[i].name);
			continue;
		}
		printf("%s: policy %s %s\n", nodes[i].name, name,
		       block ? (had ? "replaced" : "added") : "removed");
		changed++;
	}
	if (changed == 0 && status == 0)
		return die(block ? "no dnsim-auth server of sim %s serves a zone holding %s"
				 : "no server of sim %s has a policy for %s", sim, name);
	return status;
}

int cmd_policy(const char *name, int argc, char **argv)
{
	bool is_show = argc == 0 || (argc == 1 && strcmp(argv[0], "show") == 0);
	bool is_set = argc >= 4 && strcmp(argv[0], "set") == 0;
	bool is_del = argc == 2 && strcmp(argv[0], "del") == 0;
	if (!is_show && !is_set && !is_del)
		return verb_usage("policy");
	if (!need_root())
		return 1;
	char sim[TOPO_NAME_MAX + 1];
	node_line *nodes;
	size_t n;
	if (sim_nodes(name, sim, sizeof sim, &nodes, &n))
		return 1;
	int rc;
	if (is_show) {
		rc = show(sim, nodes, n);
	} else if (is_del) {
		rc = change(sim, nodes, n, argv[1], NULL);
	} else {
		topo t;
		char *block = malloc(16384);
		if (block == NULL) {
			free(nodes);
			return die("out of memory");
		}
		rc = load_running_topology(sim, &t);
		if (rc == 0) {
			rc = policy_block(&t, argv[1], argv[2], argc - 3, argv + 3, block, 16384)
				     ? change(sim, nodes, n, argv[1], block)
				     : 1;
			topo_free(&t);
		}
		free(block);
	}
	free(nodes);
	return rc;
}
