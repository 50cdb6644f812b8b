/* Helpers the supervisor's verbs share. */
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

#include "io/readfile.h"
#include "runtime/monitor.h"
#include "netns/netns.h"
#include "runtime/programs.h"
#include "sim/part.h"
#include "topo/render.h"
#include "netns/state.h"

volatile sig_atomic_t cli_interrupted;

static void on_interrupt(int sig)
{
	(void)sig;
	cli_interrupted = 1;
}

void cli_catch_interrupts(void)
{
	struct sigaction sa = { .sa_handler = on_interrupt };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("sim: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

bool need_root(void)
{
	if (geteuid() == 0)
		return true;
	die("this verb needs root (namespaces and links): run it with sudo");
	return false;
}

/* The folder that holds dnsim-auth and dnsim-resolver. */
void find_bindir(char *out, size_t n)
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
const char *shipped_path(const char *rel, char *out, size_t n)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len > 0) {
		exe[len] = '\0';
		char *dir = dirname(exe);
		const char *ups[] = { "", "/..", "/../../.." };
		for (size_t i = 0; i < 3; i++) {
			int w = snprintf(out, n, "%s%s/%s", dir, ups[i], rel);
			if (w > 0 && (size_t)w < n && access(out, R_OK) == 0)
				return out;
		}
	}
	snprintf(out, n, "%s", rel);
	return out;
}

const char *default_topology(char *out, size_t n)
{
	return shipped_path(DEFAULT_TOPOLOGY, out, n);
}

/* --name, or the only sim that is up. */
int pick_sim(const char *given, char *out, size_t n)
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

static void print_problem(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "%s\n", line);
}

int load_checked(topo_model *m, const char *path)
{
	char err[1024];
	if (!topo_model_load(m, path, io_read_file, NULL, err, sizeof err)) {
		fprintf(stderr, "%s\nsim: %s: 1 problem; nothing was built\n", err, path);
		return 1;
	}
	unsigned e = topo_check(m, print_problem, NULL);
	/* Other programs the nodes run must be here before anything is built. */
	if (e == 0)
		e = programs_missing(&m->t, print_problem, NULL);
	if (e) {
		fprintf(stderr, "sim: %s: %u problem%s; nothing was built\n", path, e,
			e == 1 ? "" : "s");
		topo_model_free(m);
		return 1;
	}
	return 0;
}

int node_args(const char *name, const char *node, char *sim, size_t simsz,
		     char *ns, size_t nssz)
{
	if (pick_sim(name, sim, simsz))
		return 1;
	node_line *nodes;
	size_t n;
	if (nodelist_read(sim, &nodes, &n) < 0)
		return die("sim %s is not up", sim);
	bool found = nodelist_find(nodes, n, node) != NULL;
	free(nodes);
	if (!found && part_remote_node(sim, node))
		return 1;
	if (!found)
		return die("sim %s has no node named \"%s\" (`./sim status` lists them)", sim, node);
	netns_node_name(ns, nssz, sim, node);
	return 0;
}

int enter_and_exec(const char *sim, const char *node, const char *ns, char **argv)
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

bool monitor_alive(const char *sim)
{
	char *reply = monitor_call(sim, "status");
	bool ok = reply != NULL && reply[0] != '\0';
	free(reply);
	return ok;
}

int load_running_topology(const char *sim, topo *t)
{
	char path[512], *recorded;
	size_t len;
	state_path(path, sizeof path, sim, "topology");
	if (io_read_file(NULL, path, &recorded, &len) != 0) {
		memset(t, 0, sizeof *t);
		return die("sim %s does not say which topology it came from", sim);
	}
	recorded[strcspn(recorded, "\n")] = '\0';
	char err[1024];
	bool ok = topo_load(t, recorded, io_read_file, NULL, err, sizeof err);
	free(recorded);
	if (!ok) {
		topo_free(t);
		return die("%s", err);
	}
	snprintf(t->name, sizeof t->name, "%s", sim);
	part_apply(sim, t);
	return 0;
}

int sim_nodes(const char *given, char *sim, size_t simsz, node_line **nodes, size_t *n)
{
	if (pick_sim(given, sim, simsz))
		return 1;
	if (nodelist_read(sim, nodes, n) < 0)
		return die("sim %s is not up", sim);
	return 0;
}
