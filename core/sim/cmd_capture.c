/* `sim capture [NODE] [-w FILE] [-c COUNT] [FILTER...]`: tcpdump inside a
 * node's namespace, or, without a node, on every port of the sim's
 * switch, each packet labelled with the node that sent it (in a part of
 * a sim on several machines, with the VXLAN device it came in on when a
 * node of another machine sent it). */
#include "sim/cli.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netns/netns.h"
#include "sim/part.h"
#include "topo/render.h"

#define MAX_ARGS 64

static bool have_tcpdump(void)
{
	return access("/usr/bin/tcpdump", X_OK) == 0 || access("/usr/sbin/tcpdump", X_OK) == 0;
}

/* "n12-0" -> 12 */
static long port_node(const char *ifname)
{
	char *end;
	if (ifname[0] != 'n')
		return -1;
	long v = strtol(ifname + 1, &end, 10);
	return *end == '-' ? v : -1;
}

/* Every DNS packet in the sim: read tcpdump's lines from the switch and
 * keep each packet once, as its sender put it on the wire. */
static int capture_all(const char *sim, char **argv, long count)
{
	node_line *nodes;
	size_t n;
	if (nodelist_read(sim, &nodes, &n) < 0)
		return die("sim %s is not up", sim);
	/* Ports are numbered after the topology's nodes, a part's list
	 * holds its own only. */
	int rc = part_nodes_by_index(sim, &nodes, &n);
	if (rc < 0) {
		free(nodes);
		return die("sim %s: its nodes in the topology's order: %s", sim, strerror(-rc));
	}
	char ns[128];
	netns_switch_name(ns, sizeof ns, sim);
	int pipefd[2];
	if (pipe(pipefd) < 0) {
		free(nodes);
		return die("pipe: %s", strerror(errno));
	}
	pid_t pid = fork();
	if (pid < 0) {
		free(nodes);
		return die("fork: %s", strerror(errno));
	}
	if (pid == 0) {
		close(pipefd[0]);
		dup2(pipefd[1], 1);
		close(pipefd[1]);
		const char *what = "";
		int rc = netns_enter_exec(ns, &what);
		if (rc < 0) {
			fprintf(stderr, "sim: cannot %s of the switch: %s\n", what, strerror(-rc));
			_exit(126);
		}
		execvp(argv[0], argv);
		fprintf(stderr, "sim: tcpdump: %s\n", strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	cli_catch_interrupts();
	FILE *in = fdopen(pipefd[0], "r");
	char line[4096];
	long shown = 0;
	while (in && !cli_interrupted && fgets(line, sizeof line, in)) {
		char time[32], ifname[32], dir[8];
		int off = 0;
		if (sscanf(line, "%31s %31s %7s %n", time, ifname, dir, &off) < 3 || off == 0)
			continue;
		/* "P": the node sent it into the switch; its copy going out to
		 * the receiver ("Out") would repeat it. */
		if (strcmp(dir, "P") != 0)
			continue;
		long idx = port_node(ifname);
		const char *from;
		if (idx >= 0 && (size_t)idx < n && nodes[idx].name[0] != '\0')
			from = nodes[idx].name;
		else if (strncmp(ifname, "vxlan.", 6) == 0)
			from = ifname;  /* sent by a node of another machine */
		else
			continue;
		printf("%-16s %s %s", from, time, line + off);
		fflush(stdout);
		if (count > 0 && ++shown >= count)
			break;
	}
	kill(pid, SIGTERM);
	if (in)
		fclose(in);
	int status;
	waitpid(pid, &status, 0);
	free(nodes);
	return 0;
}

int cmd_capture(const char *name, int argc, char **argv)
{
	const char *node = NULL, *file = NULL;
	long count = 0;
	char *filter[MAX_ARGS];
	int nfilter = 0;
	if (!need_root())
		return 1;
	if (!have_tcpdump())
		return die("tcpdump is missing: sudo make deps (or apt-get install tcpdump)");
	char sim[TOPO_NAME_MAX + 1], ns[128];
	node_line *nodes;
	size_t n;
	if (sim_nodes(name, sim, sizeof sim, &nodes, &n))
		return 1;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-w") == 0 && i + 1 < argc)
			file = argv[++i];
		else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			count = strtol(argv[++i], NULL, 10);
		else if (i == 0 && part_remote_node(sim, argv[i])) {
			free(nodes);
			return 1;
		} else if (i == 0 && nodelist_find(nodes, n, argv[i]))
			node = argv[i];   /* a node's name first; the rest filters */
		else if (nfilter < MAX_ARGS - 16)
			filter[nfilter++] = argv[i];
		else {
			free(nodes);
			return die("capture: too many filter words");
		}
	}
	free(nodes);
	netns_node_name(ns, sizeof ns, sim, node ? node : "");
	char countbuf[32];
	char *args[MAX_ARGS + 16];
	int k = 0;
	args[k++] = "tcpdump";
	args[k++] = "-i";
	args[k++] = "any";
	args[k++] = "-n";
	args[k++] = "-l";
	args[k++] = "--immediate-mode";
	if (file) {
		/* Write as root, packet by packet: the file is whole whenever
		 * the capture stops. */
		args[k++] = "-U";
		args[k++] = "-Z";
		args[k++] = "root";
		args[k++] = "-w";
		args[k++] = (char *)file;
	}
	if (count > 0 && (node || file)) {
		snprintf(countbuf, sizeof countbuf, "%ld", count);
		args[k++] = "-c";
		args[k++] = countbuf;
	}
	if (nfilter == 0) {
		args[k++] = "port";
		args[k++] = "53";
	}
	for (int i = 0; i < nfilter; i++)
		args[k++] = filter[i];
	args[k] = NULL;
	if (node || file) {
		if (!node) {
			netns_switch_name(ns, sizeof ns, sim);
			fprintf(stderr, "sim: capturing on every port of the switch: each packet "
				"appears as sent and as received\n");
		}
		return enter_and_exec(sim, node ? node : "switch", ns, args);
	}
	return capture_all(sim, args, count);
}
