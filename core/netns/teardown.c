/* `down`: removing everything the state log lists. */
#include "netns/teardown.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "netns/netns.h"
#include "netns/state.h"
#include "netns/vxlan.h"
#include "util/array.h"

typedef struct proc_ref {
	int pid;
	unsigned long long start;
} proc_ref;

typedef struct inventory {
	char **ns;
	size_t nns;
	proc_ref *procs;
	size_t nprocs;
	proc_ref monitor;
	bool oom;
} inventory;

static void take_line(void *ctx, int argc, char **argv)
{
	inventory *inv = ctx;
	if (strcmp(argv[0], "netns") == 0 && argc == 2) {
		for (size_t i = 0; i < inv->nns; i++)
			if (strcmp(inv->ns[i], argv[1]) == 0)
				return;
		char **slot = array_grow(&inv->ns, &inv->nns, sizeof *slot);
		if (slot == NULL || (*slot = strdup(argv[1])) == NULL)
			inv->oom = true;
	} else if (strcmp(argv[0], "notours") == 0 && argc == 2) {
		for (size_t i = 0; i < inv->nns; i++)
			if (strcmp(inv->ns[i], argv[1]) == 0) {
				free(inv->ns[i]);
				inv->ns[i] = inv->ns[--inv->nns];
				return;
			}
	} else if (strcmp(argv[0], "proc") == 0 && argc >= 3) {
		proc_ref *p = array_grow(&inv->procs, &inv->nprocs, sizeof *p);
		if (p == NULL) {
			inv->oom = true;
			return;
		}
		p->pid = atoi(argv[1]);
		p->start = strtoull(argv[2], NULL, 10);
	} else if (strcmp(argv[0], "monitor") == 0 && argc >= 3) {
		inv->monitor.pid = atoi(argv[1]);
		inv->monitor.start = strtoull(argv[2], NULL, 10);
	}
}

/* Is it still the very process we recorded? */
static bool same_proc(const proc_ref *p)
{
	return p->pid > 1 && p->start != 0 && proc_start_time(p->pid) == p->start;
}

static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

/* Stop the monitor gently: it stops its services itself. */
static void stop_monitor(const proc_ref *m)
{
	if (!same_proc(m))
		return;
	kill(m->pid, SIGTERM);
	for (int i = 0; i < 500 && same_proc(m); i++)
		pause_ms(10);
	if (same_proc(m))
		kill(m->pid, SIGKILL);
}

static int cmp_inode(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
	return x < y ? -1 : x > y;
}

/* Processes inside our namespaces (services, shells and tools started
 * with `exec`): found by their network namespace's inode. */
static size_t kill_inside(const unsigned long *inodes, size_t n)
{
	size_t killed = 0;
	DIR *d = opendir("/proc");
	if (d == NULL)
		return 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 1 || pid == getpid())
			continue;
		char path[64], link[64];
		snprintf(path, sizeof path, "/proc/%ld/ns/net", pid);
		ssize_t len = readlink(path, link, sizeof link - 1);
		if (len <= 0)
			continue;
		link[len] = '\0';
		unsigned long ino;
		if (sscanf(link, "net:[%lu]", &ino) != 1)
			continue;
		/* The inodes are sorted: a big sim's thousands of namespaces
		 * against the machine's thousands of processes. */
		if (bsearch(&ino, inodes, n, sizeof *inodes, cmp_inode)) {
			kill((pid_t)pid, SIGKILL);
			killed++;
		}
	}
	closedir(d);
	return killed;
}

int teardown(const char *sim, FILE *err)
{
	inventory inv = { 0 };
	int rc = state_read(sim, take_line, &inv);
	if (rc < 0 && rc != -ENOENT) {
		fprintf(err, "sim %s: cannot read its state log: %s\n", sim, strerror(-rc));
		return 1;
	}
	if (inv.oom) {
		fprintf(err, "sim %s: out of memory reading its state\n", sim);
		return 1;
	}
	int problems = 0;
	stop_monitor(&inv.monitor);
	for (size_t i = 0; i < inv.nprocs; i++)
		if (same_proc(&inv.procs[i])) {
			kill(-inv.procs[i].pid, SIGKILL);
			kill(inv.procs[i].pid, SIGKILL);
		}
	/* Before the switch goes: its VXLAN devices' sockets live in the
	 * underlay, and a namespace's devices are freed later. */
	problems += vxlan_teardown(sim, err);
	unsigned long *inodes = calloc(inv.nns + 1, sizeof *inodes);
	if (inodes) {
		size_t n = 0;
		for (size_t i = 0; i < inv.nns; i++) {
			unsigned long ino = netns_inode(inv.ns[i]);
			if (ino)
				inodes[n++] = ino;
		}
		qsort(inodes, n, sizeof *inodes, cmp_inode);
		/* Twice: a process may fork while we look. */
		for (int round = 0; round < 3 && kill_inside(inodes, n) > 0; round++)
			pause_ms(20);
		free(inodes);
	}
	for (size_t i = 0; i < inv.nns; i++) {
		int r = netns_delete(inv.ns[i]);
		if (r < 0 && r != -ENOENT) {
			fprintf(err, "sim %s: cannot remove namespace %s: %s\n", sim, inv.ns[i],
				strerror(-r));
			problems++;
		}
		r = netns_etc_remove(inv.ns[i]);
		if (r < 0) {
			fprintf(err, "sim %s: cannot remove /etc/netns/%s: %s\n", sim, inv.ns[i],
				strerror(-r));
			problems++;
		}
		free(inv.ns[i]);
	}
	free(inv.ns);
	free(inv.procs);
	if (problems == 0 && (rc = state_remove(sim)) < 0) {
		fprintf(err, "sim %s: cannot remove its state folder: %s\n", sim, strerror(-rc));
		problems++;
	}
	return problems;
}
