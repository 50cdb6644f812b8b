/* The verbs that make and unmake a sim: check, up, down. */
#include "sim/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "io/childfds.h"
#include "io/clock.h"
#include "netns/build.h"
#include "netns/links.h"
#include "netns/netns.h"
#include "runtime/keys.h"
#include "runtime/monitor.h"
#include "netns/state.h"
#include "netns/teardown.h"
#include "sim/part.h"
#include "topo/impair.h"
#include "topo/machines.h"

int cmd_check(const char *name, int argc, char **argv)
{
	if (argc != 1)
		return verb_usage("check");
	/* A topology file, or the name of an exercise to grade. */
	size_t len = strlen(argv[0]);
	bool file = strchr(argv[0], '/') || (len > 5 && strcmp(argv[0] + len - 5, ".toml") == 0) ||
		    access(argv[0], F_OK) == 0;
	if (!file)
		return cmd_exercise(name, argv[0]);
	topo_model m;
	if (load_checked(&m, argv[0]))
		return 1;
	const topo *t = &m.t;
	size_t servers = 0;
	for (size_t i = 0; i < t->nnodes; i++)
		servers += t->nodes[i].service != TOPO_SVC_NONE;
	printf("%s: sim %s, %zu networks, %zu nodes, %zu servers: OK\n", argv[0], t->name,
	       t->nnetworks, t->nnodes, servers);
	part_print_split(t);
	topo_model_free(&m);
	return 0;
}

typedef struct up_progress {
	bool tty;
	long long t0;
	const topo *t;
	int built_fd;          /* to the monitor: the nodes built so far */
	int report_fd;         /* from the monitor: servers ready or failed */
	/* What the monitor reported while the network was being built, read
	 * as it comes: unread, its pipe fills (thousands of "ready" lines)
	 * and the monitor stops in write, probing nobody. */
	char *reports;
	size_t nreports, capreports;
	bool oom;
} up_progress;

/* Read what the monitor has written so far (report_fd non-blocking). */
static void drain_reports(up_progress *p)
{
	while (p->report_fd >= 0 && !p->oom) {
		if (p->capreports - p->nreports < 4096) {
			size_t cap = p->capreports ? p->capreports * 2 : 65536;
			char *g = realloc(p->reports, cap);
			if (g == NULL) {
				p->oom = true;
				return;
			}
			p->reports = g;
			p->capreports = cap;
		}
		ssize_t r = read(p->report_fd, p->reports + p->nreports,
				 p->capreports - p->nreports);
		if (r <= 0)
			return;
		p->nreports += (size_t)r;
	}
}

static bool on_progress(void *ctx, size_t done, size_t total)
{
	up_progress *p = ctx;
	if (p->t && p->built_fd >= 0 && done > 0) {
		/* One write per name: the monitor reads whole lines. */
		char line[TOPO_NAME_MAX + 2];
		int n = snprintf(line, sizeof line, "%s\n", p->t->nodes[done - 1].name);
		if (n > 0 && write(p->built_fd, line, (size_t)n) != n)
			return false;   /* the monitor is gone */
		drain_reports(p);
	}
	if (p->tty && (done == total || done % 10 == 0)) {
		fprintf(stderr, "\r  building nodes: %zu/%zu", done, total);
		if (done == total)
			fputc('\n', stderr);
	}
	return !cli_interrupted;
}

static void rollback(const char *sim)
{
	fprintf(stderr, "sim: rolling back what was built ...\n");
	if (teardown(sim, stderr) == 0)
		fprintf(stderr, "sim: nothing of sim %s is left\n", sim);
}

/* `up --no-delay`: every impairment the topology writes left out, so the
 * sim is the instant network of a LAN (`link set` still adds some).
 * Returns how many attachments would have been impaired. */
static size_t leave_out_impairments(topo *t)
{
	size_t would = 0;
	for (size_t i = 0; i < t->nnodes; i++) {
		const topo_node *n = &t->nodes[i];
		for (size_t net = 0; net < t->nnetworks; net++) {
			bool on = false;
			for (size_t k = 0; k < n->naddrs && !on; k++)
				on = n->addrs[k].network == net;
			topo_impair im = topo_link_impair(t, n, net);
			would += on && impair_active(&im);
		}
	}
	topo_impair none = { 0 };
	for (size_t net = 0; net < t->nnetworks; net++)
		t->networks[net].impair = none;
	for (size_t i = 0; i < t->nnodes; i++)
		for (size_t k = 0; k < t->nodes[i].nlinks; k++)
			t->nodes[i].links[k].impair = none;
	return would;
}

/* The path the links took and the impaired ones, after the node table. */
static void print_links(const link_table *lt, size_t left_out)
{
	printf("links: %s (%s), seed %llu; %zu impaired%s", link_path_name(lt->path), lt->why,
	       (unsigned long long)lt->seed, lt->n, lt->n ? ":" : "");
	if (lt->topology_off)
		printf(" (--no-delay: the topology's %zu impaired link%s left out)", left_out,
		       left_out == 1 ? "" : "s");
	putchar('\n');
	for (size_t i = 0; i < lt->n; i++) {
		char d[160];
		impair_describe(&lt->links[i].im, d, sizeof d);
		printf("  %s -- %s: %s\n", lt->links[i].node, lt->links[i].network, d);
	}
}

static void print_built(const topo *t, const link_table *lt, size_t left_out, long long ms)
{
	size_t auth = 0, res = 0, cmd = 0, routers = 0, hosts = 0, here = 0;
	for (size_t i = 0; i < t->nnodes; i++) {
		const topo_node *n = &t->nodes[i];
		if (!machines_node_here(t, i))
			continue;
		here++;
		auth += n->service == TOPO_SVC_AUTH;
		res += n->service == TOPO_SVC_RESOLVER;
		cmd += n->service == TOPO_SVC_COMMAND;
		routers += n->router;
		hosts += (n->service == TOPO_SVC_NONE || n->service == TOPO_SVC_STUB) && !n->router;
	}
	printf("sim %s is up in %.2f s: %zu networks, %zu nodes (%zu authoritative, "
	       "%zu resolvers, %zu services, %zu routers, %zu hosts)\n", t->name,
	       (double)ms / 1000.0, t->nnetworks, here, auth, res, cmd, routers, hosts);
	if (t->nnodes <= 60) {
		printf("  %-16s %-10s %s\n", "NODE", "SERVICE", "ADDRESSES");
		for (size_t i = 0; i < t->nnodes; i++) {
			const topo_node *n = &t->nodes[i];
			if (!machines_node_here(t, i))
				continue;
			printf("  %-16s %-10s ", n->name,
			       n->router ? "router" : topo_service_name(n->service));
			for (size_t k = 0; k < n->naddrs; k++)
				printf("%s%s", k ? " " : "", n->addrs[k].text);
			putchar('\n');
		}
	}
	print_links(lt, left_out);
	if (netns_nscd_present())
		printf("warning: nscd runs on this machine (%s); `./sim exec` hides it from the "
		       "nodes, but glibc under a plain `ip netns exec` would ask it, and get the "
		       "machine's answers\n", NETNS_NSCD_SOCKET);
	printf("Next: sudo ./sim --name %s status | exec NODE dig NAME | down\n", t->name);
}

/* Remember which file the sim came from (for `graph`). */
static int write_topology_path(const char *sim, const char *file)
{
	char path[512], abs[PATH_MAX];
	if (realpath(file, abs) == NULL)
		return -errno;
	state_path(path, sizeof path, sim, "topology");
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return -errno;
	fprintf(f, "%s\n", abs);
	return fclose(f) == 0 ? 0 : -errno;
}

/* The links table written, and the relay running when it carries them. */
static int start_links(const char *sim, link_table *lt)
{
	int rc = links_write(sim, lt);
	if (rc < 0)
		return die("cannot write the link table: %s", strerror(-rc));
	if (lt->path != LINK_PATH_RELAY || lt->n == 0)
		return 0;
	char *reply = monitor_call(sim, "linkd");
	if (reply == NULL || strncmp(reply, "ok", 2) != 0) {
		die("the link relay: %s", reply ? reply : strerror(errno));
		free(reply);
		return 1;
	}
	free(reply);
	return 0;
}

int cmd_up(const char *name, int argc, char **argv)
{
	const char *file = NULL, *capture = NULL, *machine = NULL, *underlay_ns = NULL;
	link_table lt = { .path = LINK_PATH_AUTO };
	bool seeded = false;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--capture") == 0 && i + 1 < argc)
			capture = argv[++i];
		else if (strcmp(argv[i], "--machine") == 0 && i + 1 < argc)
			machine = argv[++i];
		else if (strcmp(argv[i], "--underlay-netns") == 0 && i + 1 < argc)
			underlay_ns = argv[++i];
		else if (strcmp(argv[i], "--no-delay") == 0)
			lt.topology_off = true;
		else if (strcmp(argv[i], "--link-path") == 0 && i + 1 < argc) {
			if (!link_path_parse(argv[++i], &lt.path))
				return die("--link-path %s: use auto, netem or relay", argv[i]);
		} else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
			char *end;
			errno = 0;
			lt.seed = strtoull(argv[++i], &end, 10);
			if (*end || end == argv[i] || errno || argv[i][0] == '-')
				return die("--seed %s: a number from 0 to 2^64-1", argv[i]);
			seeded = true;
		} else if (file == NULL && argv[i][0] != '-')
			file = argv[i];
		else
			return verb_usage("up");
	}
	if (underlay_ns && machine == NULL)
		return die("--underlay-netns goes with --machine: the part whose tunnels start there");
	char def[PATH_MAX], capdir[PATH_MAX];
	const char *path = file ? file : default_topology(def, sizeof def);
	if (!need_root())
		return 1;
	if (capture) {
		if (access("/usr/bin/tcpdump", X_OK) != 0 && access("/usr/sbin/tcpdump", X_OK) != 0)
			return die("--capture needs tcpdump: sudo make deps");
		if (mkdir(capture, 0755) < 0 && errno != EEXIST)
			return die("cannot make %s: %s", capture, strerror(errno));
		if (realpath(capture, capdir) == NULL)
			return die("%s: %s", capture, strerror(errno));
	}
	long long t0 = clock_ms();
	if (!seeded) {
		/* Random, but told (`link show`), to repeat a run with --seed. */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		lt.seed = ((uint64_t)ts.tv_sec * 1000000007ULL) ^ (uint64_t)ts.tv_nsec ^
			  ((uint64_t)getpid() << 32);
		lt.seed %= 1000000000ULL;
	}
	topo_model m;
	if (load_checked(&m, path))
		return 1;
	topo *t = &m.t;
	if (name && !topo_name_ok(name)) {
		topo_model_free(&m);
		return die("\"%s\" is not a sim name: use at most %d letters, digits and '-'",
			   name, TOPO_NAME_MAX);
	}
	if (name)
		snprintf(t->name, sizeof t->name, "%s", name);
	if (machine && part_select(t, machine, underlay_ns)) {
		topo_model_free(&m);
		return 1;
	}
	size_t left_out = lt.topology_off ? leave_out_impairments(t) : 0;
	if (state_exists(t->name)) {
		die("sim %s is already up; nothing changed (`sudo ./sim --name %s down` "
		    "takes it down)", t->name, t->name);
		topo_model_free(&m);
		return 1;
	}
	int statefd = state_create(t->name);
	if (statefd < 0) {
		die("cannot create %s/%s: %s", SIM_RUN_DIR, t->name,
		    statefd == -EEXIST ? "the sim is already up" : strerror(-statefd));
		topo_model_free(&m);
		return 1;
	}
	cli_catch_interrupts();
	int rc = 0;
	char err[1024];
	up_progress prog = { .tty = isatty(2), .t0 = t0, .built_fd = -1, .report_fd = -1 };
	if ((rc = nodelist_from_topo(t)) < 0 || (rc = write_topology_path(t->name, path)) < 0) {
		die("cannot write the node list: %s", strerror(-rc));
		goto fail;
	}
	if (prog.tty)
		fprintf(stderr, "sim %s: %zu nodes on %zu networks\n", t->name, t->nnodes,
			t->nnetworks);
	/* DNSSEC keys before anything is built: the servers' zone copies
	 * are signed with them, and the nodes get the root's key. */
	int signed_zones = keys_prepare(&m, t->name, err, sizeof err);
	if (signed_zones < 0) {
		die("%s", err);
		goto fail;
	}
	/* The monitor starts first, and each node's server as soon as the
	 * node is built: servers start on one core while the network is
	 * built on the other. */
	char bindir[PATH_MAX];
	find_bindir(bindir, sizeof bindir);
	int pipefd[2], builtfd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0 || pipe2(builtfd, O_CLOEXEC) < 0) {
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
		close(builtfd[1]);
		setsid();
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		char logpath[512];
		state_path(logpath, sizeof logpath, t->name, "logs/supervisor.log");
		/* Its descriptors are its own: the servers it starts inherit
		 * none of them (nor whatever `up` was given). */
		if (child_stdio(logpath, -1) < 0)
			_exit(126);
		close(statefd);
		int status = monitor_run(&m, bindir, pipefd[1], capture ? capdir : NULL,
					 builtfd[0]);
		topo_model_free(&m);
		_exit(status);
	}
	close(builtfd[0]);
	prog.built_fd = builtfd[1];
	prog.t = t;
	close(pipefd[1]);
	pipefd[1] = -1;
	if (fcntl(pipefd[0], F_SETFL, O_NONBLOCK) == 0)
		prog.report_fd = pipefd[0];
	signal(SIGPIPE, SIG_IGN);
	int built = build_network(t, &m.r, statefd, &lt, on_progress, &prog, err, sizeof err);
	unsigned tunnel_mtu = 0;
	if (built == 0 && part_build(t, statefd, underlay_ns, &tunnel_mtu, err, sizeof err) < 0)
		built = -1;
	close(builtfd[1]);
	if (built < 0 || prog.oom) {
		close(pipefd[0]);
		free(prog.reports);
		die("%s", built < 0 ? err : "out of memory reading the monitor's reports");
		goto fail;
	}
	/* The rest from the pipe itself, once what was read is used up. */
	if (fcntl(pipefd[0], F_SETFL, 0) < 0) {
		close(pipefd[0]);
		free(prog.reports);
		die("fcntl: %s", strerror(errno));
		goto fail;
	}
	FILE *rep = fdopen(pipefd[0], "r");
	char line[700];
	size_t ready = 0, services = 0, failed = 0, used = 0;
	for (size_t i = 0; i < t->nnodes; i++)
		services += t->nodes[i].service != TOPO_SVC_NONE && machines_node_here(t, i);
	bool done = false;
	while (rep && !cli_interrupted) {
		char *nl = prog.reports ? memchr(prog.reports + used, '\n', prog.nreports - used)
					: NULL;
		if (nl) {
			size_t len = (size_t)(nl - (prog.reports + used));
			snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : sizeof line - 1),
				 prog.reports + used);
			used += len + 1;
		} else if (used < prog.nreports) {
			/* A line begun in what was read, ended in the pipe. */
			size_t len = prog.nreports - used;
			snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : sizeof line - 1),
				 prog.reports + used);
			used = prog.nreports;
			size_t have = strlen(line);
			if (!fgets(line + have, (int)(sizeof line - have), rep))
				break;
		} else if (!fgets(line, sizeof line, rep)) {
			break;
		}
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
	free(prog.reports);
	if (prog.tty && services)
		fputc('\n', stderr);
	if (cli_interrupted) {
		die("interrupted");
		goto fail;
	}
	if (!done || failed) {
		if (!done && !failed)
			die("the monitor stopped before every server was ready (see %s/%s/logs/)",
			    SIM_RUN_DIR, t->name);
		goto fail;
	}
	if (start_links(t->name, &lt))
		goto fail;
	close(statefd);
	print_built(t, &lt, left_out, clock_ms() - t0);
	part_report_up(t, underlay_ns, tunnel_mtu);
	if (signed_zones > 0)
		printf("DNSSEC: %d zones signed (keys in %s/%s/%s/); the root's key, which every "
		       "resolver trusts, in %s/%s/%s and in each node's /etc/bind/\n",
		       signed_zones, SIM_RUN_DIR, t->name, KEYS_DIR, SIM_RUN_DIR, t->name,
		       KEYS_ROOT_ANCHOR);
	links_free(&lt);
	topo_model_free(&m);
	return 0;
fail:
	close(statefd);
	rollback(t->name);
	links_free(&lt);
	topo_model_free(&m);
	return 1;
}

int cmd_down(const char *name, int argc, char **argv)
{
	bool all = argc == 1 && strcmp(argv[0], "--all") == 0;
	if (argc > (all ? 1 : 0))
		return verb_usage("down");
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
		long long t0 = clock_ms();
		int p = teardown(names[i], stderr);
		if (p == 0)
			printf("sim %s is down (%.2f s)\n", names[i], (double)(clock_ms() - t0) / 1000.0);
		problems += p;
		free(names[i]);
	}
	free(names);
	return problems ? 1 : 0;
}
