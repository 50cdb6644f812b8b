/* ./sim: the supervisor's command line.  Each verb lives in a cmd_*.c
 * file beside this one; the work is done by the files they call
 * (topo_*, build, monitor, teardown, render). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "sim/cli.h"
#include "netns/netns.h"
#include "netns/state.h"

static void usage(FILE *out)
{
	fputs(
"usage: sim [--name NAME] VERB [ARGS]\n"
"\n"
"dnsim runs a DNS internet on this machine: a network namespace per node,\n"
"links between them, and real DNS servers inside.  Most verbs need root.\n"
"\n"
"  up [FILE] [--capture DIR]\n"
"                       build the topology in FILE (default: the internet in\n"
"                       " DEFAULT_TOPOLOGY "), start every server, and return\n"
"                       once all of them answer; prints what it built;\n"
"                       --capture records every node's packets to DIR/NODE.pcap\n"
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
"  link down|up NODE [NETWORK|NODE]\n"
"                       cut NODE off a network (the one it shares with the other\n"
"                       node; all of its links when none is named), or mend it\n"
"  list                 the sims that are up\n"
"  trace NAME [TYPE] [--from NODE] [--cold] [--mermaid]\n"
"                       resolve NAME from a host (default laptop) and draw\n"
"                       every hop its resolver made, with times; --cold\n"
"                       flushes the resolver's cache first\n"
"  capture [NODE] [-w FILE] [-c N] [FILTER...]\n"
"                       tcpdump inside NODE (default filter: port 53); without\n"
"                       NODE, every DNS packet in the sim, labelled with its sender\n"
"  stats [NODE] [--prometheus]\n"
"                       each server's counters: queries by type and rcode; for\n"
"                       resolvers cache size, hits, misses, hit rate\n"
"  zone NODE show ZONE | add ZONE 'NAME TTL TYPE RDATA' | del ZONE 'NAME [TYPE [RDATA]]'\n"
"                       look at or change a zone on a running server (checked,\n"
"                       serial bumped, served at once; --view VIEW for a view)\n"
"  register DOMAIN --ns NAME=ADDR [--ns ...] [--node NODE]\n"
"                       delegate DOMAIN from its parent zone (NS and glue);\n"
"                       --node starts its server on NODE (made if new)\n"
"  graph [FILE] [--delegations] [-o OUT]\n"
"                       the map as Graphviz DOT (SVG or PNG when OUT ends so):\n"
"                       networks, routers, hosts, servers and their zones;\n"
"                       --delegations draws the zone tree from the root down\n"
"  cache NODE dump|flush [NAME]\n"
"                       a resolver's cache: list it, empty it, or forget NAME\n"
"  check FILE           validate a topology without building anything\n"
"  check EXERCISE       grade an exercise (tutorials/exercises/) on the live sim\n"
"  tutorial [N] [--auto]\n"
"                       list the lessons, or run lesson N step by step against\n"
"                       the live sim (--auto: without pausing)\n"
"  help                 this text\n"
"\n"
"  --name NAME          which sim (default: the topology's [sim] name for up;\n"
"                       otherwise the only sim that is up)\n"
"\n"
"Namespaces are named SIM-NODE (see `ip netns list`); state lives in\n"
SIM_RUN_DIR "/SIM/, per-node resolv.conf and hosts in " NETNS_ETC_DIR "/SIM-NODE/.\n",
	      out);
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
	else if (strcmp(verb, "trace") == 0)
		rc = cmd_trace(name, nargs, args);
	else if (strcmp(verb, "capture") == 0)
		rc = cmd_capture(name, nargs, args);
	else if (strcmp(verb, "stats") == 0)
		rc = cmd_stats(name, nargs, args);
	else if (strcmp(verb, "cache") == 0)
		rc = cmd_cache(name, nargs, args);
	else if (strcmp(verb, "graph") == 0)
		rc = cmd_graph(name, nargs, args);
	else if (strcmp(verb, "zone") == 0)
		rc = cmd_zone(name, nargs, args);
	else if (strcmp(verb, "register") == 0)
		rc = cmd_register(name, nargs, args);
	else if (strcmp(verb, "link") == 0)
		rc = cmd_link(name, nargs, args);
	else if (strcmp(verb, "tutorial") == 0)
		rc = cmd_tutorial(name, nargs, args);
	else if (strcmp(verb, "check") == 0) {
		/* A topology file, or the name of an exercise to grade. */
		size_t len = nargs == 1 ? strlen(args[0]) : 0;
		bool file = nargs != 1 || strchr(args[0], '/') ||
			    (len > 5 && strcmp(args[0] + len - 5, ".toml") == 0) ||
			    access(args[0], F_OK) == 0;
		rc = file ? cmd_check(nargs, args) : cmd_exercise(name, args[0]);
	}
	else {
		die("unknown verb \"%s\" (`./sim help` lists them)", verb);
		rc = 2;
	}
	free(args);
	return rc;
}
