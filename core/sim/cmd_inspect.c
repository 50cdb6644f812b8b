/* The verbs that look at a running sim: list, status, logs. */
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

#include "runtime/monitor.h"
#include "runtime/probe.h"
#include "runtime/programs.h"
#include "sim/part.h"
#include "topo/render.h"
#include "netns/netns.h"
#include "netns/state.h"

int cmd_list(const char *name, int argc, char **argv)
{
	(void)name;
	(void)argv;
	if (argc)
		return verb_usage("list");
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
		nodelist_read(names[i], &nodes, &n);
		printf("%-20s %-6zu %s\n", names[i], n,
		       monitor_alive(names[i]) ? "running" : "not running (`down` cleans up)");
		free(nodes);
		free(names[i]);
	}
	free(names);
	return 0;
}

int cmd_status(const char *name, int argc, char **argv)
{
	(void)argv;
	if (argc)
		return verb_usage("status");
	char sim[TOPO_NAME_MAX + 1];
	if (pick_sim(name, sim, sizeof sim))
		return 1;
	if (!state_exists(sim))
		return die("sim %s is not up", sim);
	node_line *nodes;
	size_t n;
	int rc = nodelist_read(sim, &nodes, &n);
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
	/* Anycast instances: "NODE REGION announced|withdrawn ADDRESS..." */
	char *any = reply ? monitor_call(sim, "anycast instances") : NULL;
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
		/* Another program: named beside its role; its counters are
		 * `stats`'s to ask through its own tool. */
		topo_software sw = dns ? programs_of_node(sim, nl->name) : SW_DNSIM;
		char service[48];
		snprintf(service, sizeof service, "%s%s%s", nl->router ? "router" : nl->service,
			 sw != SW_DNSIM ? ":" : "", sw != SW_DNSIM ? software_get(sw)->name : "");
		if (dns && sw == SW_DNSIM && strcmp(state, "ready") == 0) {
			char ns[128];
			net_addr a;
			char first[64];
			snprintf(first, sizeof first, "%.*s", (int)strcspn(nl->addrs, ","), nl->addrs);
			netns_node_name(ns, sizeof ns, sim, nl->name);
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
		/* An instance's shared addresses after its own, with its region
		 * and whether its routes are announced (`./sim anycast`). */
		char extra[300] = "";
		char key[TOPO_NAME_MAX + 3];
		snprintf(key, sizeof key, "%s ", nl->name);
		for (char *l = any; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
			char region[40], how[16];
			int used = 0;
			if (strncmp(l, key, strlen(key)) != 0 ||
			    sscanf(l + strlen(key), "%39s %15s %n", region, how, &used) != 2)
				continue;
			const char *shared = l + strlen(key) + used;
			int rest = (int)strcspn(shared, "\n");
			snprintf(extra, sizeof extra, " anycast %.*s (region %s, %s)", rest, shared,
				 region, how);
			/* The node list names the shared ones too (for whoever maps
			 * addresses to nodes): shown once, here. */
			char own[sizeof nl->addrs] = "";
			for (char *save = NULL, *a = strtok_r(nl->addrs, " ", &save); a;
			     a = strtok_r(NULL, " ", &save)) {
				char word[80];
				snprintf(word, sizeof word, " %s ", a);
				char line[320];
				snprintf(line, sizeof line, " %.*s ", rest, shared);
				size_t w = strlen(own);
				if (strstr(line, word) == NULL)
					snprintf(own + w, sizeof own - w, "%s%s", w ? " " : "", a);
			}
			snprintf(nl->addrs, sizeof nl->addrs, "%s", own);
		}
		printf("%-16s %-9s %-7s %-13s %-8s %s%s\n", nl->name, service, pid, state, queries,
		       nl->addrs, extra);
	}
	free(any);
	free(reply);
	free(nodes);
	part_status(sim);
	return 0;
}

int cmd_logs(const char *name, int argc, char **argv)
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
		return verb_usage("logs");
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
	cli_catch_interrupts();
	char buf[8192];
	for (;;) {
		ssize_t n;
		while (fd >= 0 && (n = read(fd, buf, sizeof buf)) > 0)
			if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
				break;
		fflush(stdout);
		if (!follow || cli_interrupted)
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
