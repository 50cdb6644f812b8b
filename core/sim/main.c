/* ./sim: the supervisor's command line.  Each verb is a function here;
 * the work is done by the files beside it (topo_*, build, monitor,
 * teardown, render). */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "io/readfile.h"
#include "sim/build.h"
#include "sim/monitor.h"
#include "sim/netns.h"
#include "sim/probe.h"
#include "sim/render.h"
#include "sim/routes.h"
#include "sim/state.h"
#include "sim/teardown.h"
#include "sim/topo.h"

#define DEFAULT_TOPOLOGY "topologies/internet.toml"

static void usage(FILE *out)
{
	fputs(
"usage: sim [--name NAME] VERB [ARGS]\n"
"\n"
"dnsim runs a DNS internet on this machine: a network namespace per node,\n"
"links between them, and real DNS servers inside.  Most verbs need root.\n"
"\n"
"  up [FILE]            build the topology in FILE (default: the internet in\n"
"                       " DEFAULT_TOPOLOGY "), start every server, and return\n"
"                       once all of them answer; prints what it built\n"
"  down [--all]         stop every process and remove every namespace, link\n"
"                       and file of the sim (works after a crash too)\n"
"  status               one line per node: addresses, service, pid, state,\n"
"                       queries served\n"
"  exec NODE CMD...     run CMD inside NODE, with NODE's resolv.conf and hosts\n"
"  shell NODE           an interactive shell inside NODE\n"
"  logs NODE [-f]       NODE's log (its server's output); -f follows it\n"
"  stop NODE            stop NODE's server (it stays stopped)\n"
"  start NODE           start it again\n"
"  restart NODE         stop and start it\n"
"  list                 the sims that are up\n"
"  check FILE           validate a topology without building anything\n"
"  help                 this text\n"
"\n"
"  --name NAME          which sim (default: the topology's [sim] name for up;\n"
"                       otherwise the only sim that is up)\n"
"\n"
"Namespaces are named SIM-NODE (see `ip netns list`); state lives in\n"
SIM_RUN_DIR "/SIM/, per-node resolv.conf and hosts in " NETNS_ETC_DIR "/SIM-NODE/.\n",
	      out);
}

static int die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("sim: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static bool need_root(void)
{
	if (geteuid() == 0)
		return true;
	die("this verb needs root (namespaces and links): run it with sudo");
	return false;
}

/* The folder that holds dnsim-auth and dnsim-resolver. */
static void find_bindir(char *out, size_t n)
{
	const char *env = getenv("DNSIM_BINDIR");
	if (env && *env) {
		snprintf(out, n, "%s", env);
		return;
	}
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len <= 0) {
		snprintf(out, n, "bin");
		return;
	}
	exe[len] = '\0';
	char *dir = dirname(exe);
	char probe[PATH_MAX + 32];
	snprintf(probe, sizeof probe, "%s/dnsim-auth", dir);
	if (access(probe, X_OK) == 0)
		snprintf(out, n, "%s", dir);
	else
		snprintf(out, n, "%s/bin", dir);
}

/* The default internet: beside the program (./sim at the top of the
 * tree, or bin/dnsim-sim one level down), else from where we are. */
static const char *default_topology(char *out, size_t n)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len > 0) {
		exe[len] = '\0';
		char *dir = dirname(exe);
		const char *tries[] = { "%s/" DEFAULT_TOPOLOGY, "%s/../" DEFAULT_TOPOLOGY,
					"%s/../../../" DEFAULT_TOPOLOGY };
		for (size_t i = 0; i < 3; i++) {
			snprintf(out, n, tries[i], dir);
			if (access(out, R_OK) == 0)
				return out;
		}
	}
	return DEFAULT_TOPOLOGY;
}

/* --name, or the only sim that is up. */
static int pick_sim(const char *given, char *out, size_t n)
{
	if (given) {
		if (!topo_name_ok(given))
			return die("\"%s\" is not a sim name", given);
		snprintf(out, n, "%s", given);
		return 0;
	}
	char **names;
	int count = state_list(&names);
	if (count < 0)
		return die("cannot read %s: %s", SIM_RUN_DIR, strerror(-count));
	int rc = 0;
	if (count == 0)
		rc = die("no sim is up (start one with `sudo ./sim up`)");
	else if (count > 1) {
		fprintf(stderr, "sim: %d sims are up:", count);
		for (int i = 0; i < count; i++)
			fprintf(stderr, " %s", names[i]);
		fputs("; choose one with --name NAME\n", stderr);
		rc = 1;
	} else
		snprintf(out, n, "%s", names[0]);
	for (int i = 0; i < count; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* The nodes file: "NODE SERVICE ROUTER ADDR,ADDR..." per line. */
typedef struct node_line {
	char name[TOPO_NAME_MAX + 1];
	char service[16];
	bool router;
	char addrs[512];
} node_line;

static int read_nodes(const char *sim, node_line **out, size_t *n)
{
	char path[512], *text;
	size_t len;
	*out = NULL;
	*n = 0;
	state_path(path, sizeof path, sim, "nodes.list");
	int e = io_read_file(NULL, path, &text, &len);
	if (e)
		return -e;
	size_t cap = 0;
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		if (*n == cap) {
			node_line *g = realloc(*out, (cap = cap ? cap * 2 : 64) * sizeof *g);
			if (g == NULL)
				break;
			*out = g;
		}
		node_line *nl = &(*out)[*n];
		int router = 0;
		memset(nl, 0, sizeof *nl);
		if (sscanf(l, "%32s %15s %d %511s", nl->name, nl->service, &router, nl->addrs) >= 3) {
			nl->router = router;
			(*n)++;
		}
	}
	free(text);
	return 0;
}

static int write_nodes(const topo *t)
{
	char path[512];
	state_path(path, sizeof path, t->name, "nodes.list");
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return -errno;
	for (size_t i = 0; i < t->nnodes; i++) {
		const topo_node *n = &t->nodes[i];
		fprintf(f, "%s %s %d ", n->name, topo_service_name(n->service), n->router);
		for (size_t k = 0; k < n->naddrs; k++)
			fprintf(f, "%s%s", k ? "," : "", n->addrs[k].text);
		fputc('\n', f);
	}
	int rc = ferror(f) ? -EIO : 0;
	if (fclose(f) != 0)
		rc = -errno;
	return rc;
}

static const node_line *find_node(const node_line *nodes, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(nodes[i].name, name) == 0)
			return &nodes[i];
	return NULL;
}

/* ---- check ---- */

static void print_problem(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "%s\n", line);
}

static int load_checked(topo *t, const char *path)
{
	char err[1024];
	if (!topo_load(t, path, err, sizeof err)) {
		fprintf(stderr, "%s\nsim: %s: 1 problem; nothing was built\n", err, path);
		topo_free(t);
		return 1;
	}
	unsigned e = topo_check(t, print_problem, NULL);
	if (e) {
		fprintf(stderr, "sim: %s: %u problem%s; nothing was built\n", path, e,
			e == 1 ? "" : "s");
		topo_free(t);
		return 1;
	}
	return 0;
}

static int cmd_check(int argc, char **argv)
{
	if (argc != 1)
		return die("usage: sim check FILE");
	topo t;
	if (load_checked(&t, argv[0]))
		return 1;
	size_t servers = 0;
	for (size_t i = 0; i < t.nnodes; i++)
		servers += t.nodes[i].service != TOPO_SVC_NONE;
	printf("%s: sim %s, %zu networks, %zu nodes, %zu servers: OK\n", argv[0], t.name,
	       t.nnetworks, t.nnodes, servers);
	topo_free(&t);
	return 0;
}

/* ---- up ---- */

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

typedef struct up_progress {
	bool tty;
	long long t0;
} up_progress;

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool on_progress(void *ctx, size_t done, size_t total)
{
	up_progress *p = ctx;
	if (p->tty && (done == total || done % 10 == 0)) {
		fprintf(stderr, "\r  building nodes: %zu/%zu", done, total);
		if (done == total)
			fputc('\n', stderr);
	}
	return !interrupted;
}

static void rollback(const char *sim)
{
	fprintf(stderr, "sim: rolling back what was built ...\n");
	if (teardown(sim, stderr) == 0)
		fprintf(stderr, "sim: nothing of sim %s is left\n", sim);
}

static void print_built(const topo *t, long long ms)
{
	size_t auth = 0, res = 0, cmd = 0, routers = 0, hosts = 0;
	for (size_t i = 0; i < t->nnodes; i++) {
		const topo_node *n = &t->nodes[i];
		auth += n->service == TOPO_SVC_AUTH;
		res += n->service == TOPO_SVC_RESOLVER;
		cmd += n->service == TOPO_SVC_COMMAND;
		routers += n->router;
		hosts += n->service == TOPO_SVC_NONE && !n->router;
	}
	printf("sim %s is up in %.2f s: %zu networks, %zu nodes (%zu authoritative, "
	       "%zu resolvers, %zu services, %zu routers, %zu hosts)\n", t->name,
	       (double)ms / 1000.0, t->nnetworks, t->nnodes, auth, res, cmd, routers, hosts);
	if (t->nnodes <= 60) {
		printf("  %-16s %-10s %s\n", "NODE", "SERVICE", "ADDRESSES");
		for (size_t i = 0; i < t->nnodes; i++) {
			const topo_node *n = &t->nodes[i];
			printf("  %-16s %-10s ", n->name,
			       n->router ? "router" : topo_service_name(n->service));
			for (size_t k = 0; k < n->naddrs; k++)
				printf("%s%s", k ? " " : "", n->addrs[k].text);
			putchar('\n');
		}
	}
	printf("Next: sudo ./sim --name %s status | exec NODE dig NAME | down\n", t->name);
}

static int cmd_up(const char *name, int argc, char **argv)
{
	if (argc > 1)
		return die("usage: sim up [FILE]");
	char def[PATH_MAX];
	const char *path = argc == 1 ? argv[0] : default_topology(def, sizeof def);
	if (!need_root())
		return 1;
	long long t0 = now_ms();
	topo t;
	if (load_checked(&t, path))
		return 1;
	if (name && !topo_name_ok(name)) {
		topo_free(&t);
		return die("\"%s\" is not a sim name: use at most %d letters, digits and '-'",
			   name, TOPO_NAME_MAX);
	}
	if (name)
		snprintf(t.name, sizeof t.name, "%s", name);
	if (state_exists(t.name)) {
		die("sim %s is already up; nothing changed (`sudo ./sim --name %s down` "
		    "takes it down)", t.name, t.name);
		topo_free(&t);
		return 1;
	}
	routes r;
	if (!routes_compute(&t, &r)) {
		topo_free(&t);
		return die("out of memory");
	}
	int statefd = state_create(t.name);
	if (statefd < 0) {
		die("cannot create %s/%s: %s", SIM_RUN_DIR, t.name,
		    statefd == -EEXIST ? "the sim is already up" : strerror(-statefd));
		routes_free(&r);
		topo_free(&t);
		return 1;
	}
	struct sigaction sa = { .sa_handler = on_interrupt };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	int rc = 0;
	char err[1024];
	up_progress prog = { .tty = isatty(2), .t0 = t0 };
	if ((rc = write_nodes(&t)) < 0) {
		die("cannot write the node list: %s", strerror(-rc));
		goto fail;
	}
	if (prog.tty)
		fprintf(stderr, "sim %s: %zu nodes on %zu networks\n", t.name, t.nnodes,
			t.nnetworks);
	if (build_network(&t, &r, statefd, on_progress, &prog, err, sizeof err) < 0) {
		die("%s", err);
		goto fail;
	}
	char bindir[PATH_MAX];
	find_bindir(bindir, sizeof bindir);
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		die("pipe: %s", strerror(errno));
		goto fail;
	}
	pid_t pid = fork();
	if (pid < 0) {
		die("fork: %s", strerror(errno));
		goto fail;
	}
	if (pid == 0) {
		/* The monitor: detached from the terminal, outliving `up`. */
		close(pipefd[0]);
		setsid();
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		char logpath[512];
		state_path(logpath, sizeof logpath, t.name, "logs/supervisor.log");
		int null = open("/dev/null", O_RDWR);
		int log = open(logpath, O_WRONLY | O_APPEND | O_CREAT, 0644);
		if (null >= 0 && log >= 0) {
			dup2(null, 0);
			dup2(log, 1);
			dup2(log, 2);
		}
		close(statefd);
		int status = monitor_run(&t, bindir, pipefd[1]);
		routes_free(&r);
		topo_free(&t);
		_exit(status);
	}
	close(pipefd[1]);
	FILE *rep = fdopen(pipefd[0], "r");
	char line[700];
	size_t ready = 0, services = 0, failed = 0;
	for (size_t i = 0; i < t.nnodes; i++)
		services += t.nodes[i].service != TOPO_SVC_NONE;
	bool done = false;
	while (rep && !interrupted && fgets(line, sizeof line, rep)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "ready ", 6) == 0) {
			ready++;
			if (prog.tty)
				fprintf(stderr, "\r  servers answering: %zu/%zu", ready, services);
		} else if (strncmp(line, "fail ", 5) == 0) {
			char *node = line + 5, *why = strchr(node, ' ');
			if (why)
				*why++ = '\0';
			if (prog.tty)
				fputc('\n', stderr);
			if (strcmp(node, "-") == 0)
				die("%s", why ? why : "the monitor failed");
			else
				die("node %s: %s", node, why ? why : "failed");
			failed++;
		} else if (strcmp(line, "done") == 0) {
			done = true;
			break;
		}
	}
	if (rep)
		fclose(rep);
	if (prog.tty && services)
		fputc('\n', stderr);
	if (interrupted) {
		die("interrupted");
		goto fail;
	}
	if (!done || failed) {
		if (!done && !failed)
			die("the monitor stopped before every server was ready (see %s/%s/logs/)",
			    SIM_RUN_DIR, t.name);
		goto fail;
	}
	close(statefd);
	print_built(&t, now_ms() - t0);
	routes_free(&r);
	topo_free(&t);
	return 0;
fail:
	close(statefd);
	rollback(t.name);
	routes_free(&r);
	topo_free(&t);
	return 1;
}

/* ---- down, list ---- */

static int cmd_down(const char *name, int argc, char **argv)
{
	bool all = argc == 1 && strcmp(argv[0], "--all") == 0;
	if (argc > (all ? 1 : 0))
		return die("usage: sim [--name NAME] down [--all]");
	if (!need_root())
		return 1;
	char **names = NULL;
	int count;
	char one[TOPO_NAME_MAX + 1];
	if (all) {
		count = state_list(&names);
		if (count < 0)
			return die("cannot read %s: %s", SIM_RUN_DIR, strerror(-count));
	} else {
		if (name == NULL) {
			char **list;
			int n = state_list(&list);
			for (int i = 0; i < n; i++)
				free(list[i]);
			free(list);
			if (n == 0) {
				printf("no sim is up; nothing to do\n");
				return 0;
			}
		}
		if (pick_sim(name, one, sizeof one))
			return 1;
		if (!state_exists(one)) {
			printf("sim %s is not up; nothing to do\n", one);
			return 0;
		}
		names = malloc(sizeof *names);
		if (names == NULL || (names[0] = strdup(one)) == NULL)
			return die("out of memory");
		count = 1;
	}
	int problems = 0;
	for (int i = 0; i < count; i++) {
		long long t0 = now_ms();
		int p = teardown(names[i], stderr);
		if (p == 0)
			printf("sim %s is down (%.2f s)\n", names[i], (double)(now_ms() - t0) / 1000.0);
		problems += p;
		free(names[i]);
	}
	free(names);
	return problems ? 1 : 0;
}

static bool monitor_alive(const char *sim)
{
	char *reply = monitor_call(sim, "status");
	bool ok = reply != NULL && reply[0] != '\0';
	free(reply);
	return ok;
}

static int cmd_list(int argc)
{
	if (argc)
		return die("usage: sim list");
	char **names;
	int count = state_list(&names);
	if (count < 0)
		return die("cannot read %s: %s", SIM_RUN_DIR, strerror(-count));
	if (count == 0)
		printf("no sim is up\n");
	else
		printf("%-20s %-6s %s\n", "SIM", "NODES", "MONITOR");
	for (int i = 0; i < count; i++) {
		node_line *nodes;
		size_t n = 0;
		read_nodes(names[i], &nodes, &n);
		printf("%-20s %-6zu %s\n", names[i], n,
		       monitor_alive(names[i]) ? "running" : "not running (`down` cleans up)");
		free(nodes);
		free(names[i]);
	}
	free(names);
	return 0;
}

/* ---- status ---- */

static int cmd_status(const char *name, int argc)
{
	if (argc)
		return die("usage: sim [--name NAME] status");
	char sim[TOPO_NAME_MAX + 1];
	if (pick_sim(name, sim, sizeof sim))
		return 1;
	if (!state_exists(sim))
		return die("sim %s is not up", sim);
	node_line *nodes;
	size_t n;
	int rc = read_nodes(sim, &nodes, &n);
	if (rc < 0)
		return die("sim %s: cannot read its node list: %s", sim, strerror(-rc));
	char *reply = monitor_call(sim, "status");
	if (reply && reply[0] == '\0') {
		free(reply);  /* connected to a dying monitor */
		reply = NULL;
	}
	if (reply == NULL)
		fprintf(stderr, "sim: the monitor of sim %s is not running: servers are not "
			"supervised (`sudo ./sim down` cleans up)\n", sim);
	printf("%-16s %-9s %-7s %-13s %-8s %s\n", "NODE", "SERVICE", "PID", "STATE",
	       "QUERIES", "ADDRESSES");
	for (size_t i = 0; i < n; i++) {
		node_line *nl = &nodes[i];
		char state[32] = "-", pid[16] = "-", queries[32] = "-";
		unsigned restarts = 0;
		if (reply) {
			char key[TOPO_NAME_MAX + 3];
			snprintf(key, sizeof key, "%s ", nl->name);
			for (char *l = reply; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
				if (strncmp(l, key, strlen(key)) == 0) {
					int p = 0;
					sscanf(l + strlen(key), "%31s %d %u", state, &p, &restarts);
					if (p > 0)
						snprintf(pid, sizeof pid, "%d", p);
				}
		}
		bool dns = strcmp(nl->service, "auth") == 0 || strcmp(nl->service, "resolver") == 0;
		if (dns && strcmp(state, "ready") == 0) {
			char ns[128];
			net_addr a;
			char first[64];
			snprintf(first, sizeof first, "%.*s", (int)strcspn(nl->addrs, ","), nl->addrs);
			render_ns_name(ns, sizeof ns, sim, nl->name);
			unsigned long long q = 0;
			if (net_addr_parse(first, 53, &a) && probe_ask(ns, &a, 300, &q))
				snprintf(queries, sizeof queries, "%llu", q);
			else
				snprintf(queries, sizeof queries, "no answer");
		}
		if (restarts && strcmp(state, "-") != 0) {
			size_t used = strlen(state);
			snprintf(state + used, sizeof state - used, "(%u)", restarts);
		}
		for (char *c = nl->addrs; *c; c++)
			if (*c == ',')
				*c = ' ';
		printf("%-16s %-9s %-7s %-13s %-8s %s\n", nl->name,
		       nl->router ? "router" : nl->service, pid, state, queries, nl->addrs);
	}
	free(reply);
	free(nodes);
	return 0;
}

/* ---- exec, shell, logs ---- */

static int node_args(const char *name, const char *node, char *sim, size_t simsz,
		     char *ns, size_t nssz)
{
	if (pick_sim(name, sim, simsz))
		return 1;
	node_line *nodes;
	size_t n;
	if (read_nodes(sim, &nodes, &n) < 0)
		return die("sim %s is not up", sim);
	bool found = find_node(nodes, n, node) != NULL;
	free(nodes);
	if (!found)
		return die("sim %s has no node named \"%s\" (`./sim status` lists them)", sim, node);
	render_ns_name(ns, nssz, sim, node);
	return 0;
}

static int enter_and_exec(const char *sim, const char *node, const char *ns, char **argv)
{
	const char *what = "";
	int rc = netns_enter_exec(ns, &what);
	if (rc < 0)
		return die("cannot %s of node %s: %s", what, node, strerror(-rc));
	setenv("DNSIM_SIM", sim, 1);
	setenv("DNSIM_NODE", node, 1);
	execvp(argv[0], argv);
	return die("%s: %s", argv[0], strerror(errno)) + 126;
}

static int cmd_exec(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return die("usage: sim exec NODE CMD [ARGS...]");
	if (!need_root())
		return 1;
	char sim[TOPO_NAME_MAX + 1], ns[128];
	if (node_args(name, argv[0], sim, sizeof sim, ns, sizeof ns))
		return 1;
	return enter_and_exec(sim, argv[0], ns, argv + 1);
}

static int cmd_shell(const char *name, int argc, char **argv)
{
	if (argc != 1)
		return die("usage: sim shell NODE");
	if (!need_root())
		return 1;
	char sim[TOPO_NAME_MAX + 1], ns[128];
	if (node_args(name, argv[0], sim, sizeof sim, ns, sizeof ns))
		return 1;
	char prompt[128];
	snprintf(prompt, sizeof prompt, "[%s %s] \\w# ", sim, argv[0]);
	setenv("PS1", prompt, 1);
	if (access("/bin/bash", X_OK) == 0) {
		char *args[] = { "/bin/bash", "--norc", "-i", NULL };
		return enter_and_exec(sim, argv[0], ns, args);
	}
	char *args[] = { "/bin/sh", "-i", NULL };
	return enter_and_exec(sim, argv[0], ns, args);
}

static int cmd_logs(const char *name, int argc, char **argv)
{
	bool follow = false;
	const char *node = NULL;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-f") == 0)
			follow = true;
		else if (node == NULL)
			node = argv[i];
		else
			node = "";
	}
	if (node == NULL || *node == '\0')
		return die("usage: sim logs NODE [-f]");
	char sim[TOPO_NAME_MAX + 1], ns[128], path[512], sub[80];
	if (node_args(name, node, sim, sizeof sim, ns, sizeof ns))
		return 1;
	snprintf(sub, sizeof sub, "logs/%s.log", node);
	state_path(path, sizeof path, sim, sub);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT && !follow) {
			printf("(node %s has written nothing: it runs no server)\n", node);
			return 0;
		}
		if (errno != ENOENT)
			return die("%s: %s", path, strerror(errno));
	}
	struct sigaction sa = { .sa_handler = on_interrupt };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	char buf[8192];
	for (;;) {
		ssize_t n;
		while (fd >= 0 && (n = read(fd, buf, sizeof buf)) > 0)
			if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
				break;
		fflush(stdout);
		if (!follow || interrupted)
			break;
		if (!state_exists(sim)) {
			fprintf(stderr, "sim: sim %s went down\n", sim);
			break;
		}
		if (fd < 0)
			fd = open(path, O_RDONLY | O_CLOEXEC);
		struct timespec pause = { 0, 200 * 1000000 };
		nanosleep(&pause, NULL);
	}
	if (fd >= 0)
		close(fd);
	return 0;
}

/* ---- stop, start, restart ---- */

static int cmd_control(const char *name, const char *verb, int argc, char **argv)
{
	if (argc != 1)
		return die("usage: sim %s NODE", verb);
	if (!need_root())
		return 1;
	char sim[TOPO_NAME_MAX + 1], ns[128], cmd[128];
	if (node_args(name, argv[0], sim, sizeof sim, ns, sizeof ns))
		return 1;
	snprintf(cmd, sizeof cmd, "%s %s", verb, argv[0]);
	char *reply = monitor_call(sim, cmd);
	if (reply == NULL)
		return die("the monitor of sim %s is not running (`sudo ./sim down` cleans up)", sim);
	if (strncmp(reply, "ok", 2) != 0) {
		reply[strcspn(reply, "\n")] = '\0';
		die("%s", strncmp(reply, "error: ", 7) == 0 ? reply + 7 : reply);
		free(reply);
		return 1;
	}
	free(reply);
	/* Wait until it is where it was told to go. */
	const char *goal = strcmp(verb, "stop") == 0 ? "stopped" : "ready";
	char key[TOPO_NAME_MAX + 3];
	snprintf(key, sizeof key, "%s ", argv[0]);
	for (int i = 0; i < 1000; i++) {
		reply = monitor_call(sim, "status");
		if (reply == NULL)
			break;
		char *l = strstr(reply, key);
		while (l && l != reply && l[-1] != '\n')
			l = strstr(l + 1, key);
		char state[32] = "";
		if (l)
			sscanf(l + strlen(key), "%31s", state);
		free(reply);
		if (strcmp(state, goal) == 0) {
			printf("node %s: %s\n", argv[0], goal);
			return 0;
		}
		struct timespec pause = { 0, 20 * 1000000 };
		nanosleep(&pause, NULL);
	}
	return die("node %s did not become %s (see `./sim logs %s`)", argv[0], goal, argv[0]);
}

int main(int argc, char **argv)
{
	const char *name = NULL;
	/* A big sim holds a descriptor per server (probes) in the monitor. */
	struct rlimit nofile;
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
		nofile.rlim_cur = nofile.rlim_max;
		setrlimit(RLIMIT_NOFILE, &nofile);
	}
	int i = 1;
	/* Options before the verb; --name may also follow it. */
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			name = argv[++i];
		else if (strncmp(argv[i], "--name=", 7) == 0)
			name = argv[i] + 7;
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else {
			die("unknown option %s", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	const char *verb = argv[i++];
	/* Collect the verb's arguments, lifting --name out of them (but not
	 * out of an exec'd command line). */
	char **args = calloc((size_t)(argc - i) + 1, sizeof *args);
	if (args == NULL)
		return die("out of memory");
	int nargs = 0;
	bool is_exec = strcmp(verb, "exec") == 0;
	for (; i < argc; i++) {
		if (!(is_exec && nargs >= 1) && strcmp(argv[i], "--name") == 0 && i + 1 < argc) {
			name = argv[++i];
			continue;
		}
		args[nargs++] = argv[i];
	}
	int rc;
	if (strcmp(verb, "help") == 0) {
		usage(stdout);
		rc = 0;
	} else if (strcmp(verb, "up") == 0)
		rc = cmd_up(name, nargs, args);
	else if (strcmp(verb, "down") == 0)
		rc = cmd_down(name, nargs, args);
	else if (strcmp(verb, "status") == 0)
		rc = cmd_status(name, nargs);
	else if (strcmp(verb, "exec") == 0)
		rc = cmd_exec(name, nargs, args);
	else if (strcmp(verb, "shell") == 0)
		rc = cmd_shell(name, nargs, args);
	else if (strcmp(verb, "logs") == 0)
		rc = cmd_logs(name, nargs, args);
	else if (strcmp(verb, "stop") == 0 || strcmp(verb, "start") == 0 ||
		 strcmp(verb, "restart") == 0)
		rc = cmd_control(name, verb, nargs, args);
	else if (strcmp(verb, "list") == 0)
		rc = cmd_list(nargs);
	else if (strcmp(verb, "check") == 0)
		rc = cmd_check(nargs, args);
	else {
		die("unknown verb \"%s\" (`./sim help` lists them)", verb);
		rc = 2;
	}
	free(args);
	return rc;
}
