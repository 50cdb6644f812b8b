/* ./sim: the supervisor's command line.  One table names every verb, its
 * arguments and what it does (the way iproute2's ip.c keeps its
 * commands); `help` and every verb's usage message are made from it.
 * Each verb lives in a cmd_*.c file beside this one; the work is done
 * by the layers below (topo, netns, runtime, draw, teach). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "sim/cli.h"
#include "netns/netns.h"
#include "netns/state.h"

typedef struct verb {
	const char *name;
	const char *args;      /* after the verb, as usage shows them */
	const char *help;      /* lines of what it does, '\n' between them */
	int (*run)(const char *sim, int argc, char **argv);
} verb;

static int cmd_help(const char *sim, int argc, char **argv);

static const verb verbs[] = {
	{ "up", "[FILE] [--capture DIR] [--link-path auto|netem|relay] [--seed N] [--no-delay]\n"
	  "   [--machine NAME [--underlay-netns NS]]",
	  "build the topology in FILE (default: the internet in\n"
	  DEFAULT_TOPOLOGY "), start every server, and return\n"
	  "once all of them answer; prints what it built;\n"
	  "--capture records every node's packets to DIR/NODE.pcap;\n"
	  "--link-path: how impaired links are made (auto: netem\n"
	  "when the kernel has it, else the relay dnsim-linkd);\n"
	  "--seed N: the same frames lost, the same jitter, each run;\n"
	  "--no-delay: leave out every delay, jitter, loss and rate\n"
	  "the topology gives (the default internet's distances):\n"
	  "an instant network (`link set` still works);\n"
	  "--machine NAME: only machine NAME's part of a sim on\n"
	  "several machines, as sim SIM-NAME, with VXLAN tunnels to\n"
	  "the others' underlay addresses (README: More than one\n"
	  "machine); --underlay-netns NS: the tunnels' sockets in\n"
	  "namespace NS rather than this machine's own (tests)", cmd_up },
	{ "down", "[--all]",
	  "stop every process and remove every namespace, link\n"
	  "and file of the sim (works after a crash too)", cmd_down },
	{ "status", "",
	  "one line per node: addresses, service, pid, state,\n"
	  "queries served", cmd_status },
	{ "exec", "NODE CMD...", "run CMD inside NODE, with NODE's resolv.conf and hosts",
	  cmd_exec },
	{ "shell", "NODE", "an interactive shell inside NODE", cmd_shell },
	{ "logs", "NODE [-f]", "NODE's log (its server's output); -f follows it", cmd_logs },
	{ "stop", "NODE", "stop NODE's server (it stays stopped)", cmd_stop },
	{ "start", "NODE", "start it again", cmd_start },
	{ "restart", "NODE", "stop and start it", cmd_restart },
	{ "link", "down|up NODE [NETWORK|NODE] | set NODE [NETWORK] KEY=VALUE... | show [NODE]",
	  "down|up: cut NODE off a network (the one it shares with\n"
	  "the other node; all of its links when none is named), or\n"
	  "mend it; set: delay=30ms jitter=5ms loss=5% rate=10mbit on\n"
	  "NODE's link to NETWORK (all of its links when none is\n"
	  "named), each direction, at once; 0 removes one; show: the\n"
	  "impairments in force (and what the relay did)", cmd_link },
	{ "anycast", "",
	  "each anycast address: its instances, their regions,\n"
	  "whether their routes are announced, and the hosts\n"
	  "each one serves now (stop or link down moves them)", cmd_anycast },
	{ "list", "", "the sims that are up", cmd_list },
	{ "trace", "NAME [TYPE] [--from NODE] [--cold] [--mermaid|--json]",
	  "resolve NAME from a host (default laptop) and draw\n"
	  "every hop its stub and resolver made, with times;\n"
	  "--cold flushes their caches first", cmd_trace },
	{ "capture", "[NODE] [-w FILE] [-c N] [FILTER...]",
	  "tcpdump inside NODE (default filter: port 53); without\n"
	  "NODE, every DNS packet in the sim, labelled with its sender", cmd_capture },
	{ "stats", "[NODE] [--prometheus]",
	  "each server's counters: queries by type and rcode; for\n"
	  "resolvers cache size, hits, misses, hit rate", cmd_stats },
	{ "zone", "NODE show ZONE | add ZONE 'NAME TTL TYPE RDATA' | del ZONE 'NAME [TYPE [RDATA]]' [--view VIEW]",
	  "look at or change a zone on a running server (checked,\n"
	  "serial bumped, served at once; --view VIEW for a view)", cmd_zone },
	{ "policy", "[show] | set NAME ROUTING ANSWER... [ttl=N] [check=tcp:PORT|http:PORT/PATH] [interval=N] [threshold=N] | del NAME",
	  "routing policies (README \"Routing policies\"): show them;\n"
	  "set NAME's on every dnsim-auth server of its zone, ROUTING\n"
	  "weighted|failover|geolocation|latency|multivalue, each\n"
	  "ANSWER an address or a node, with =WEIGHT, =primary,\n"
	  "=secondary, =REGION or =default; del: back to the zone's\n"
	  "records", cmd_policy },
	{ "register", "DOMAIN --ns NAME=ADDR [--ns ...] [--node NODE] [--ds DS ...] | DOMAIN --ds DS...",
	  "delegate DOMAIN from its parent zone (NS and glue);\n"
	  "--node starts its server on NODE (made if new);\n"
	  "--ds publishes its DS records (RDATA, or a .key file);\n"
	  "without --ns: replace the DS of a registered domain", cmd_register },
	{ "dnssec", "show|mend ZONE | sign ZONE [nsec|nsec3] [--algorithm ALG] | addkey ZONE ksk|zsk | delkey ZONE TAG | break ZONE expired|ds|rrsig|dnskey|nsec",
	  "DNSSEC on the running sim: show a zone's keys and DS;\n"
	  "sign an unsigned zone; add or remove a key (rollovers);\n"
	  "break a signed zone on purpose (signatures expired, a DS\n"
	  "matching no key, RRSIGs or the ZSK or the NSEC chain\n"
	  "removed) and mend it (signed afresh, its DS put right)", cmd_dnssec },
	{ "graph", "[FILE] [--delegations] [-o OUT]",
	  "the map as Graphviz DOT (SVG or PNG when OUT ends so):\n"
	  "networks, routers, hosts, servers and their zones;\n"
	  "--delegations draws the zone tree from the root down", cmd_graph },
	{ "cache", "NODE dump|flush [NAME]",
	  "the cache of a resolver or of a host's stub: list it,\n"
	  "empty it, or forget NAME", cmd_cache },
	{ "check", "FILE | EXERCISE",
	  "check FILE: validate a topology without building anything;\n"
	  "check EXERCISE: grade an exercise (tutorials/exercises/)\n"
	  "on the live sim",
	  cmd_check },
	{ "gen", "root ROOTZONE [-o FILE] [--sample N]",
	  "a topology from IANA's root zone (ROOTZONE): the 13\n"
	  "root letters, a node per TLD nameserver host serving\n"
	  "the TLDs that name it (zones made at up), a resolver\n"
	  "and a client, renumbered into 198.18.0.0/15; --sample N:\n"
	  "only some TLDs, about N hosts; to stdout without -o", cmd_gen },
	{ "tutorial", "[N] [--auto]",
	  "list the lessons, or run lesson N step by step against\n"
	  "the live sim (--auto: without pausing)", cmd_tutorial },
	{ "web", "[--port N]",
	  "watch the sim live in a browser: the map, every DNS\n"
	  "message as it happens, traces and lessons (127.0.0.1\n"
	  "only, default port 8053, with the token it prints)", cmd_web },
	{ "help", "", "this text", cmd_help },
};

#define NVERBS (sizeof verbs / sizeof verbs[0])

static const verb *verb_find(const char *name)
{
	for (size_t i = 0; i < NVERBS; i++)
		if (strcmp(verbs[i].name, name) == 0)
			return &verbs[i];
	return NULL;
}

int verb_usage(const char *name)
{
	const verb *v = verb_find(name);
	if (v == NULL)
		return die("usage: sim [--name NAME] VERB [ARGS] (`./sim help` lists them)");
	return die("usage: sim [--name NAME] %s%s%s", v->name, v->args[0] ? " " : "", v->args);
}

static void usage(FILE *out)
{
	fputs("usage: sim [--name NAME] VERB [ARGS]\n"
	      "\n"
	      "dnsim runs a DNS internet on this machine: a network namespace per node,\n"
	      "links between them, and real DNS servers inside.  Most verbs need root.\n"
	      "\n", out);
	for (size_t i = 0; i < NVERBS; i++) {
		const verb *v = &verbs[i];
		char head[160];
		snprintf(head, sizeof head, "%s%s%s", v->name, v->args[0] ? " " : "", v->args);
		/* Short heads share their first line with the help; long ones
		 * stand alone above it. */
		const char *h = v->help;
		size_t first = strcspn(h, "\n");
		if (strlen(head) < 21) {
			fprintf(out, "  %-21s%.*s\n", head, (int)first, h);
			h += first + (h[first] == '\n');
		} else {
			fprintf(out, "  %s\n", head);
		}
		while (*h) {
			size_t len = strcspn(h, "\n");
			fprintf(out, "%23s%.*s\n", "", (int)len, h);
			h += len + (h[len] == '\n');
		}
	}
	fputs("\n"
	      "  --name NAME          which sim (default: the topology's [sim] name for up;\n"
	      "                       otherwise the only sim that is up)\n"
	      "\n"
	      "Namespaces are named SIM-NODE (see `ip netns list`); state lives in\n"
	      SIM_RUN_DIR "/SIM/, per-node resolv.conf and hosts in " NETNS_ETC_DIR "/SIM-NODE/.\n",
	      out);
}

static int cmd_help(const char *sim, int argc, char **argv)
{
	(void)sim;
	(void)argv;
	if (argc)
		return verb_usage("help");
	usage(stdout);
	return 0;
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
	const char *word = argv[i++];
	/* Collect the verb's arguments, lifting --name out of them (but not
	 * out of an exec'd command line). */
	char **args = calloc((size_t)(argc - i) + 1, sizeof *args);
	if (args == NULL)
		return die("out of memory");
	int nargs = 0;
	bool is_exec = strcmp(word, "exec") == 0;
	for (; i < argc; i++) {
		if (!(is_exec && nargs >= 1) && strcmp(argv[i], "--name") == 0 && i + 1 < argc) {
			name = argv[++i];
			continue;
		}
		args[nargs++] = argv[i];
	}
	const verb *v = verb_find(word);
	int rc;
	if (v == NULL) {
		die("unknown verb \"%s\" (`./sim help` lists them)", word);
		rc = 2;
	} else {
		rc = v->run(name, nargs, args);
	}
	free(args);
	return rc;
}
