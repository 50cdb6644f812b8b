/* The verbs that act on one node: exec, shell, stop, start, restart. */
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

int cmd_exec(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return verb_usage("exec");
	if (!need_root())
		return 1;
	char sim[TOPO_NAME_MAX + 1], ns[128];
	if (node_args(name, argv[0], sim, sizeof sim, ns, sizeof ns))
		return 1;
	return enter_and_exec(sim, argv[0], ns, argv + 1);
}

int cmd_shell(const char *name, int argc, char **argv)
{
	if (argc != 1)
		return verb_usage("shell");
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

static int control(const char *name, const char *verb, int argc, char **argv)
{
	if (argc != 1)
		return verb_usage(verb);
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

int cmd_stop(const char *name, int argc, char **argv)
{
	return control(name, "stop", argc, argv);
}

int cmd_start(const char *name, int argc, char **argv)
{
	return control(name, "start", argc, argv);
}

int cmd_restart(const char *name, int argc, char **argv)
{
	return control(name, "restart", argc, argv);
}
