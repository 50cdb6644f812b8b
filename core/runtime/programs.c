/* Other programs in the sim's nodes, from the outside. */
#include "runtime/programs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dns/name.h"
#include "dns/rrtype.h"
#include "io/childfds.h"
#include "io/clock.h"
#include "io/readfile.h"
#include "netns/netns.h"
#include "netns/state.h"

#define TOOL_WAIT_MS 10000

bool programs_find(const char *name, char *out, size_t n)
{
	if (strchr(name, '/'))
		return access(name, X_OK) == 0 && snprintf(out, n, "%s", name) < (int)n;
	/* DNSIM_PROGRAM_PATH, when set, is the only place to look (programs
	 * installed elsewhere; the tests' missing program). */
	const char *only = getenv("DNSIM_PROGRAM_PATH"), *env = getenv("PATH");
	char dirs[4096];
	if (only)
		snprintf(dirs, sizeof dirs, "%s", only);
	else
		snprintf(dirs, sizeof dirs, "%s:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
			 "/sbin:/bin", env ? env : "");
	for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		if (d[0] != '/')
			continue;
		if (snprintf(out, n, "%s/%s", d, name) < (int)n && access(out, X_OK) == 0)
			return true;
	}
	return false;
}

/* PowerDNS's bind backend is a library beside the server, in a folder
 * named after the machine's architecture. */
static bool pdns_bind_backend(void)
{
	static const char *const dirs[] = {
		"/usr/lib/x86_64-linux-gnu/pdns", "/usr/lib/aarch64-linux-gnu/pdns",
		"/usr/lib/i386-linux-gnu/pdns", "/usr/lib/arm-linux-gnueabihf/pdns",
		"/usr/lib/pdns", "/usr/lib64/pdns", "/usr/local/lib/pdns", NULL,
	};
	char path[300];
	for (size_t i = 0; dirs[i]; i++) {
		snprintf(path, sizeof path, "%s/libbindbackend.so", dirs[i]);
		if (access(path, R_OK) == 0)
			return true;
	}
	return false;
}

unsigned programs_missing(const topo *t, topo_report_fn report, void *ctx)
{
	unsigned problems = 0;
	for (unsigned sw = SW_DNSIM + 1; sw < SW_COUNT; sw++) {
		const software_info *info = software_get((topo_software)sw);
		for (unsigned role = SW_ROLE_AUTH; role <= SW_ROLE_RESOLVER; role <<= 1) {
			char nodes[300] = "";
			size_t count = 0;
			for (size_t i = 0; i < t->nnodes; i++) {
				const topo_node *n = &t->nodes[i];
				unsigned r = n->service == TOPO_SVC_AUTH ? SW_ROLE_AUTH
					   : n->service == TOPO_SVC_RESOLVER ? SW_ROLE_RESOLVER : 0;
				if (n->software != sw || r != role)
					continue;
				if (count < 4) {
					size_t used = strlen(nodes);
					snprintf(nodes + used, sizeof nodes - used, "%s%s", count ? ", " : "",
						 n->name);
				}
				count++;
			}
			if (count == 0)
				continue;
			const char *prog = software_program((topo_software)sw, role);
			const char *missing = NULL, *package = software_package((topo_software)sw, role);
			char exe[PATH_MAX];
			if (prog == NULL)
				continue;   /* the role is refused by topo_check */
			if (!programs_find(prog, exe, sizeof exe))
				missing = prog;
			else if (info->control_tool && !programs_find(info->control_tool, exe, sizeof exe)) {
				missing = info->control_tool;
				package = info->control_package;
			} else if (sw == SW_POWERDNS && !pdns_bind_backend()) {
				missing = "the bind backend of PowerDNS";
				package = "pdns-backend-bind";
			}
			if (missing == NULL)
				continue;
			char line[800];
			snprintf(line, sizeof line, "%s: node%s %s%s run%s %s, but %s is not installed "
				 "here: sudo apt-get install %s (or `sudo make deps-peers` for every "
				 "program)", t->path, count == 1 ? "" : "s", nodes, count > 4 ? ", ..." : "",
				 count == 1 ? "s" : "", info->title, missing, package);
			report(ctx, line);
			problems++;
		}
	}
	return problems;
}

int programs_secret(char *out, size_t n)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint8_t key[33];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t got = read(fd, key, 32);
	close(fd);
	if (got != 32 || n < 45)
		return -1;
	key[32] = 0;
	size_t o = 0;
	for (size_t i = 0; i < 33; i += 3) {
		unsigned v = (unsigned)key[i] << 16 | (unsigned)key[i + 1] << 8 | key[i + 2];
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = i + 1 < 32 ? b64[v >> 6 & 63] : '=';
		out[o++] = i + 2 < 32 ? b64[v & 63] : '=';
	}
	out[o] = '\0';
	return 0;
}

static bool probes_zones(const topo_node *n)
{
	return n->software != SW_DNSIM && n->service == TOPO_SVC_AUTH && n->nzones;
}

size_t programs_probe_count(const topo_node *n)
{
	return probes_zones(n) ? n->nzones : 1;
}

void programs_probe_question(const topo_node *n, size_t k, uint8_t *qname, uint16_t *qtype,
			     uint16_t *qclass, bool *want_aa)
{
	dns_name name;
	const char *text = "localhost.";
	*qtype = DNS_T_A;
	*qclass = DNS_C_IN;
	*want_aa = false;
	if (n->software == SW_DNSIM) {
		text = "stats.dnsim.";
		*qtype = DNS_T_TXT;
		*qclass = DNS_C_CH;
	} else if (probes_zones(n)) {
		text = n->zones[k < n->nzones ? k : 0].origin;
		*qtype = DNS_T_SOA;
		*want_aa = true;
	}
	if (dns_name_from_text(&name, text, strlen(text), dns_name_root) != DNS_OK)
		dns_name_from_text(&name, ".", 1, dns_name_root);
	memcpy(qname, name.data, dns_name_length(name.data));
}

topo_software programs_of_node(const char *sim, const char *node)
{
	char sub[128], path[600], *text = NULL;
	size_t len;
	snprintf(sub, sizeof sub, "nodes/%s/software", node);
	if (state_path(path, sizeof path, sim, sub) < 0 || io_read_file(NULL, path, &text, &len))
		return SW_DNSIM;
	text[strcspn(text, " \n")] = '\0';
	topo_software sw = SW_DNSIM;
	if (!software_from_name(text, &sw))
		sw = SW_DNSIM;
	free(text);
	return sw;
}

/* The node's run folder. */
static void node_dir(const char *sim, const char *node, char *out, size_t n)
{
	char sub[128];
	snprintf(sub, sizeof sub, "nodes/%s", node);
	state_path(out, n, sim, sub);
}

/* Run a program's tool inside the node's network (rndc talks to its
 * server on the node's loopback), its output and errors captured in
 * *out (malloc'd).  Returns its exit status, or -1 with *out NULL. */
static int run_tool(const char *sim, const char *node, char *const argv[], char **out)
{
	*out = NULL;
	char exe[PATH_MAX], ns[128];
	if (!programs_find(argv[0], exe, sizeof exe)) {
		errno = ENOENT;
		return -1;
	}
	netns_node_name(ns, sizeof ns, sim, node);
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		const char *what = "";
		if (child_stdio(NULL, p[1]) < 0)
			_exit(126);
		if (netns_enter(ns, &what) < 0) {
			dprintf(2, "cannot enter node %s: %s\n", node, what);
			_exit(126);
		}
		execv(exe, argv);
		dprintf(2, "cannot run %s: %s\n", exe, strerror(errno));
		_exit(127);
	}
	close(p[1]);
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	long long give_up = clock_ms() + TOOL_WAIT_MS;
	bool timed_out = false;
	while (buf) {
		long long left = give_up - clock_ms();
		struct pollfd pf = { .fd = p[0], .events = POLLIN };
		if (left <= 0 || poll(&pf, 1, (int)left) <= 0) {
			timed_out = true;
			break;
		}
		if (len + 1 >= cap) {
			char *g = realloc(buf, cap * 2);
			if (g == NULL) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = g;
			cap *= 2;
		}
		ssize_t n = read(p[0], buf + len, cap - len - 1);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(p[0]);
	if (timed_out || buf == NULL)
		kill(pid, SIGKILL);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (buf == NULL)
		return -1;
	buf[len] = '\0';
	*out = buf;
	if (timed_out) {
		free(buf);
		*out = strdup("the tool did not finish in time");
		return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* "--config-dir=DIR" and the like, for argv. */
static char *arg(char *buf, size_t n, const char *fmt, const char *dir)
{
	snprintf(buf, n, fmt, dir);
	return buf;
}

/* Knot Resolver's control socket in binary mode: each answer comes as
 * a 32-bit length and the text.  The reply to one Lua expression
 * (malloc'd), or NULL. */
static char *kresd_call(const char *dir, const char *expr)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (snprintf(sun.sun_path, sizeof sun.sun_path, "%s/kresd.ctl", dir) >=
	    (int)sizeof sun.sun_path)
		return NULL;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	struct timeval tv = { 5, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	char line[512];
	int ll = snprintf(line, sizeof line, "__binary\n%s\n", expr);
	char *out = NULL;
	uint8_t head[4];
	size_t have = 0;
	if (ll > 0 && ll < (int)sizeof line &&
	    connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0 &&
	    write(fd, line, (size_t)ll) == ll) {
		while (have < 4) {
			ssize_t n = read(fd, head + have, 4 - have);
			if (n <= 0)
				break;
			have += (size_t)n;
		}
	}
	size_t want = have == 4 ? (size_t)head[0] << 24 | (size_t)head[1] << 16 |
				  (size_t)head[2] << 8 | head[3] : 0;
	if (have == 4 && want < (16u << 20) && (out = malloc(want + 1)) != NULL) {
		size_t got = 0;
		while (got < want) {
			ssize_t n = read(fd, out + got, want - got);
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		out[got] = '\0';
		if (got != want) {
			free(out);
			out = NULL;
		}
	}
	close(fd);
	return out;
}

int programs_reload(const char *sim, const char *node, topo_software sw, const char *origin,
		    char *err, size_t errsz)
{
	char dir[512], a1[700], *out = NULL;
	node_dir(sim, node, dir, sizeof dir);
	int rc;
	switch (sw) {
	case SW_NSD: {
		char *argv[] = { "nsd-control", "-c", arg(a1, sizeof a1, "%s/nsd.conf", dir),
				 "reload", (char *)origin, NULL };
		rc = run_tool(sim, node, argv, &out);
		break;
	}
	case SW_KNOT: {
		char *argv[] = { "knotc", "-s", arg(a1, sizeof a1, "%s/knot.sock", dir), "-b",
				 "zone-reload", (char *)origin, NULL };
		rc = run_tool(sim, node, argv, &out);
		break;
	}
	case SW_BIND: {
		/* Every zone whose file changed, in whichever view it is. */
		char *argv[] = { "rndc", "-c", arg(a1, sizeof a1, "%s/rndc.conf", dir), "reload",
				 NULL };
		rc = run_tool(sim, node, argv, &out);
		break;
	}
	case SW_POWERDNS: {
		char *argv[] = { "pdns_control", arg(a1, sizeof a1, "--config-dir=%s", dir),
				 "bind-reload-now", (char *)origin, NULL };
		rc = run_tool(sim, node, argv, &out);
		/* It says so when a zone fails, with status 0. */
		if (rc == 0 && out && strstr(out, "parsing") != NULL && strstr(out, "error"))
			rc = 1;
		break;
	}
	default:
		snprintf(err, errsz, "node %s: %s serves no zones", node, software_get(sw)->title);
		return -1;
	}
	if (rc != 0) {
		size_t l = out ? strlen(out) : 0;
		while (l && (out[l - 1] == '\n' || out[l - 1] == ' '))
			out[--l] = '\0';
		snprintf(err, errsz, "node %s: %s did not reload %s: %s", node,
			 software_get(sw)->title, origin, out && out[0] ? out : strerror(errno));
	}
	free(out);
	return rc == 0 ? 0 : -1;
}

/* ---- counters ---------------------------------------------------------- */

typedef struct stat_list {
	prog_stat *s;
	size_t n, cap;
} stat_list;

static void put(stat_list *l, const char *key, unsigned long long v)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->s[i].key, key) == 0) {
			l->s[i].value += v;
			return;
		}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		prog_stat *g = realloc(l->s, cap * sizeof *g);
		if (g == NULL)
			return;
		l->s = g;
		l->cap = cap;
	}
	snprintf(l->s[l->n].key, sizeof l->s[0].key, "%s", key);
	l->s[l->n++].value = v;
}

/* Our key for one of the program's, when there is one: "" otherwise.
 * prefixes map "PREFIX" + rest to "ours" + rest (qtype., rcode.). */
typedef struct key_map {
	const char *theirs, *ours;
	bool prefix;
} key_map;

static const key_map nsd_keys[] = {
	{ "num.queries", "queries", false }, { "num.type.", "qtype.", true },
	{ "num.rcode.", "rcode.", true }, { NULL, NULL, false },
};
static const key_map unbound_keys[] = {
	{ "total.num.queries", "queries", false }, { "total.num.cachehits", "cache.hits", false },
	{ "total.num.cachemiss", "cache.misses", false }, { "num.query.type.", "qtype.", true },
	{ "num.answer.rcode.", "rcode.", true }, { "msg.cache.count", "cache.entries", false },
	{ "rrset.cache.count", "cache.entries", false }, { NULL, NULL, false },
};
static const key_map recursor_keys[] = {
	{ "questions", "queries", false }, { "cache-hits", "cache.hits", false },
	{ "cache-misses", "cache.misses", false }, { "cache-entries", "cache.entries", false },
	{ "cache-bytes", "cache.bytes", false }, { "noerror-answers", "rcode.NOERROR", false },
	{ "nxdomain-answers", "rcode.NXDOMAIN", false },
	{ "servfail-answers", "rcode.SERVFAIL", false }, { NULL, NULL, false },
};
static const key_map pdns_keys[] = {
	{ "udp-queries", "queries", false }, { "tcp-queries", "queries", false },
	{ "servfail-packets", "rcode.SERVFAIL", false }, { NULL, NULL, false },
};
static const key_map kresd_keys[] = {
	{ "request.total", "queries", false }, { "answer.cached", "cache.hits", false },
	{ "answer.noerror", "rcode.NOERROR", false }, { "answer.nxdomain", "rcode.NXDOMAIN", false },
	{ "answer.servfail", "rcode.SERVFAIL", false }, { NULL, NULL, false },
};

/* One "key value" of the program's: its own, and ours when mapped. */
static void put_mapped(stat_list *l, const key_map *map, const char *key,
		       unsigned long long v)
{
	put(l, key, v);
	for (const key_map *m = map; m && m->theirs; m++) {
		size_t tl = strlen(m->theirs);
		if (m->prefix ? strncmp(key, m->theirs, tl) == 0 && key[tl]
			      : strcmp(key, m->theirs) == 0) {
			char ours[80];
			snprintf(ours, sizeof ours, "%s%s", m->ours, m->prefix ? key + tl : "");
			put(l, ours, v);
		}
	}
}

/* Lines of "key SEP value" (SEP: '=', a tab, " = "), each to put_mapped. */
static void parse_pairs(stat_list *l, const key_map *map, char *text, const char *seps)
{
	for (char *save = NULL, *line = strtok_r(text, seps[0] == ',' ? ",\n" : "\n", &save); line;
	     line = strtok_r(NULL, seps[0] == ',' ? ",\n" : "\n", &save)) {
		char *sep = strpbrk(line, "=\t");
		if (sep == NULL)
			continue;
		char *end = sep;
		while (end > line && end[-1] == ' ')
			end--;
		*end = '\0';
		char *v = sep + 1, *stop;
		while (*v == ' ' || *v == '=')
			v++;
		unsigned long long value = strtoull(v, &stop, 10);
		if (stop == v || line[0] == '\0')
			continue;
		while (*line == ' ')
			line++;
		put_mapped(l, map, line, value);
	}
}

/* knotc stats: "mod-stats.query-type[A] = 3" -> qtype.A as well. */
static void parse_knot(stat_list *l, char *text)
{
	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char key[80], value[32];
		if (sscanf(line, "%79s = %31s", key, value) != 2)
			continue;
		unsigned long long v = strtoull(value, NULL, 10);
		put(l, key, v);
		char *open = strchr(key, '['), *close = strchr(key, ']');
		if (open == NULL || close == NULL || close < open)
			continue;
		*close = '\0';
		char ours[80];
		if (strncmp(key, "mod-stats.query-type[", 21) == 0) {
			snprintf(ours, sizeof ours, "qtype.%s", open + 1);
			put(l, ours, v);
		} else if (strncmp(key, "mod-stats.response-code[", 24) == 0) {
			snprintf(ours, sizeof ours, "rcode.%s", open + 1);
			put(l, ours, v);
		} else if (strncmp(key, "mod-stats.request-protocol[", 27) == 0) {
			put(l, "queries", v);
		}
	}
}

/* BIND's statistics file: sections "++ Incoming Queries ++" of lines
 * "   COUNT NAME"; the last dump in the file counts. */
static void parse_bind(stat_list *l, char *text)
{
	char *last = NULL;
	for (char *p = strstr(text, "+++ Statistics Dump +++"); p;
	     p = strstr(p + 1, "+++ Statistics Dump +++"))
		last = p;
	if (last == NULL)
		return;
	char section[64] = "", view[64] = "";
	for (char *save = NULL, *line = strtok_r(last, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "++ ", 3) == 0) {
			snprintf(section, sizeof section, "%.*s", (int)strcspn(line + 3, "+") - 1,
				 line + 3);
			view[0] = '\0';
			continue;
		}
		if (line[0] == '[') {
			snprintf(view, sizeof view, "%.*s", (int)strcspn(line + 1, "]"), line + 1);
			continue;
		}
		char *stop;
		unsigned long long v = strtoull(line, &stop, 10);
		if (stop == line)
			continue;
		while (*stop == ' ')
			stop++;
		char key[80];
		if (strcmp(section, "Incoming Requests") == 0 && strcmp(stop, "QUERY") == 0)
			put(l, "queries", v);
		else if (strcmp(section, "Incoming Queries") == 0) {
			snprintf(key, sizeof key, "qtype.%s", stop);
			put(l, key, v);
		} else if (strcmp(section, "Outgoing Rcodes") == 0) {
			snprintf(key, sizeof key, "rcode.%s", stop);
			put(l, key, v);
		} else if (strcmp(section, "Cache Statistics") == 0 &&
			   strncmp(view, "View: _default", 14) == 0 && strcmp(stop, "cache hits") == 0)
			put(l, "cache.hits", v);
		else if (strcmp(section, "Cache Statistics") == 0 &&
			 strncmp(view, "View: _default", 14) == 0 && strcmp(stop, "cache misses") == 0)
			put(l, "cache.misses", v);
		else if (strcmp(section, "Name Server Statistics") == 0) {
			snprintf(key, sizeof key, "%.60s", stop);
			for (char *c = key; *c; c++)
				if (*c == ' ')
					*c = '-';
			put(l, key, v);
		}
	}
}

/* Knot Resolver's stats.list() as JSON: {"answer.total":5,...}. */
static void parse_kresd(stat_list *l, char *text)
{
	for (char *p = strchr(text, '"'); p; p = strchr(p, '"')) {
		char *end = strchr(p + 1, '"');
		if (end == NULL || end[1] != ':')
			break;
		*end = '\0';
		char *stop;
		unsigned long long v = strtoull(end + 2, &stop, 10);
		if (stop != end + 2)
			put_mapped(l, kresd_keys, p + 1, v);
		p = stop;
	}
}

int programs_stats(const char *sim, const char *node, topo_software sw, prog_stat **out,
		   char *why, size_t whysz)
{
	*out = NULL;
	char dir[512], a1[700], a2[700], *text = NULL;
	node_dir(sim, node, dir, sizeof dir);
	stat_list l = { 0 };
	int rc = -1;
	switch (sw) {
	case SW_NSD: {
		char *argv[] = { "nsd-control", "-c", arg(a1, sizeof a1, "%s/nsd.conf", dir),
				 "stats_noreset", NULL };
		if ((rc = run_tool(sim, node, argv, &text)) == 0)
			parse_pairs(&l, nsd_keys, text, "=");
		break;
	}
	case SW_KNOT: {
		char *argv[] = { "knotc", "-s", arg(a1, sizeof a1, "%s/knot.sock", dir), "stats",
				 NULL };
		if ((rc = run_tool(sim, node, argv, &text)) == 0)
			parse_knot(&l, text);
		break;
	}
	case SW_BIND: {
		char *argv[] = { "rndc", "-c", arg(a1, sizeof a1, "%s/rndc.conf", dir), "stats",
				 NULL };
		if ((rc = run_tool(sim, node, argv, &text)) == 0) {
			free(text);
			text = NULL;
			size_t len;
			snprintf(a2, sizeof a2, "%s/named.stats", dir);
			rc = io_read_file(NULL, a2, &text, &len) ? -1 : 0;
			if (rc == 0)
				parse_bind(&l, text);
		}
		break;
	}
	case SW_POWERDNS: {
		char *argv[] = { "pdns_control", arg(a1, sizeof a1, "--config-dir=%s", dir), "show",
				 "*", NULL };
		if ((rc = run_tool(sim, node, argv, &text)) == 0)
			parse_pairs(&l, pdns_keys, text, ",");
		break;
	}
	case SW_UNBOUND: {
		char *argv[] = { "unbound-control", "-c", arg(a1, sizeof a1, "%s/unbound.conf", dir),
				 "stats_noreset", NULL };
		if ((rc = run_tool(sim, node, argv, &text)) == 0)
			parse_pairs(&l, unbound_keys, text, "=");
		break;
	}
	case SW_KRESD:
		text = kresd_call(dir, "tojson(stats.list())");
		rc = text ? 0 : -1;
		if (text)
			parse_kresd(&l, text);
		break;
	case SW_PDNS_RECURSOR: {
		char *argv[] = { "rec_control", arg(a1, sizeof a1, "--socket-dir=%s", dir),
				 "get-all", NULL };
		if ((rc = run_tool(sim, node, argv, &text)) == 0)
			parse_pairs(&l, recursor_keys, text, "\t");
		break;
	}
	default:
		snprintf(why, whysz, "its counters come from CH TXT stats.dnsim");
		return -1;
	}
	if (rc != 0) {
		size_t n = text ? strlen(text) : 0;
		while (n && text[n - 1] == '\n')
			text[--n] = '\0';
		snprintf(why, whysz, "%s gave no counters%s%s", software_get(sw)->title,
			 n ? ": " : "", n ? text : "");
		free(text);
		free(l.s);
		return -1;
	}
	free(text);
	if (l.n == 0)
		snprintf(why, whysz, "%s has no counters to give", software_get(sw)->title);
	*out = l.s;
	return (int)l.n;
}

/* ---- caches ------------------------------------------------------------ */

/* Read a dump a tool asked its server to write (it may take a moment). */
static char *read_dump(const char *path)
{
	long long give_up = clock_ms() + 3000;
	for (;;) {
		char *text = NULL;
		size_t len;
		if (io_read_file(NULL, path, &text, &len) == 0 && len > 0) {
			/* BIND ends its dump with a line of its own. */
			if (strstr(path, "cache.dump") == NULL || strstr(text, "; Dump complete") ||
			    clock_ms() >= give_up)
				return text;
		}
		free(text);
		if (clock_ms() >= give_up)
			return NULL;
		struct timespec pause = { 0, 50 * 1000000 };
		nanosleep(&pause, NULL);
	}
}

int programs_cache(const char *sim, const char *node, topo_software sw, const char *op,
		   const char *name, char **out)
{
	*out = NULL;
	bool dump = strcmp(op, "dump") == 0;
	char dir[512], a1[700], a2[700], lua[400];
	node_dir(sim, node, dir, sizeof dir);
	int rc = -1;
	switch (sw) {
	case SW_UNBOUND: {
		char *argv[] = { "unbound-control", "-c", arg(a1, sizeof a1, "%s/unbound.conf", dir),
				 dump ? "dump_cache" : name ? "flush" : "flush_zone",
				 dump ? NULL : name ? (char *)name : ".", NULL };
		rc = run_tool(sim, node, argv, out);
		break;
	}
	case SW_BIND: {
		snprintf(a2, sizeof a2, "%s/cache.dump", dir);
		if (dump)
			unlink(a2);
		char *argv[] = { "rndc", "-c", arg(a1, sizeof a1, "%s/rndc.conf", dir),
				 dump ? "dumpdb" : name ? "flushname" : "flush",
				 dump ? "-cache" : (char *)name, NULL };
		rc = run_tool(sim, node, argv, out);
		if (rc == 0 && dump) {
			free(*out);
			*out = read_dump(a2);
			rc = *out ? 0 : -1;
		}
		break;
	}
	case SW_PDNS_RECURSOR: {
		snprintf(a2, sizeof a2, "%s/cache.dump", dir);
		unlink(a2);
		char wipe[300];
		snprintf(wipe, sizeof wipe, "%s$", name ? name : ".");
		char *argv[] = { "rec_control", arg(a1, sizeof a1, "--socket-dir=%s", dir),
				 dump ? "dump-cache" : "wipe-cache", dump ? a2 : wipe, NULL };
		rc = run_tool(sim, node, argv, out);
		if (rc == 0 && dump) {
			free(*out);
			*out = read_dump(a2);
			rc = *out ? 0 : -1;
		}
		break;
	}
	case SW_KRESD:
		if (dump) {
			*out = strdup("Knot Resolver has no cache dump (flush works: "
				      "`sim cache NODE flush [NAME]`)\n");
			return *out ? 1 : -1;
		}
		if (name && strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789-._") != strlen(name)) {
			*out = strdup("not a name\n");
			return -1;
		}
		if (name)
			snprintf(lua, sizeof lua, "tojson(cache.clear('%s', true))", name);
		else
			snprintf(lua, sizeof lua, "tojson(cache.clear())");
		*out = kresd_call(dir, lua);
		rc = *out ? 0 : -1;
		break;
	default:
		*out = strdup("this program keeps no cache\n");
		return *out ? 1 : -1;
	}
	if (rc != 0 && *out == NULL)
		*out = strdup("its control tool did not answer\n");
	return rc == 0 ? 0 : -1;
}
