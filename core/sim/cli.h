/* What the supervisor's verbs share: messages, choosing the sim and the
 * node, the node list a running sim keeps, entering a node. */
#ifndef DNSIM_SIM_CLI_H
#define DNSIM_SIM_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "netns/nodelist.h"
#include "topo/model.h"

#define DEFAULT_TOPOLOGY "topologies/internet.toml"

/* "sim: MESSAGE" on stderr; returns 1 (an exit status). */
int die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool need_root(void);

/* Set by SIGINT/SIGTERM once cli_catch_interrupts() ran. */
extern volatile sig_atomic_t cli_interrupted;
void cli_catch_interrupts(void);

/* The folder of the daemons; a file shipped with dnsim (beside the
 * program: ./sim at the top of the tree, or bin/ one level down); the
 * default topology file. */
void find_bindir(char *out, size_t n);
const char *shipped_path(const char *rel, char *out, size_t n);
const char *default_topology(char *out, size_t n);

/* --name, or the only sim that is up (0, or 1 after a message). */
int pick_sim(const char *given, char *out, size_t n);

/* pick_sim, then its node list (0, or 1 after a message). */
int sim_nodes(const char *given, char *sim, size_t simsz, node_line **nodes, size_t *n);

/* The topology a running sim was built from (its recorded file, named
 * as the sim); 0, or 1 after a message. */
int load_running_topology(const char *sim, topo *t);

/* Load a topology with its routes and zones and validate it, reporting
 * every problem (0, or 1 with m empty). */
int load_checked(topo_model *m, const char *path);

/* Pick the sim and check the node exists; its namespace name in ns. */
int node_args(const char *name, const char *node, char *sim, size_t simsz,
	      char *ns, size_t nssz);
/* Replace this process with argv run inside the node. */
int enter_and_exec(const char *sim, const char *node, const char *ns, char **argv);
bool monitor_alive(const char *sim);

/* "sim: usage: sim VERB ARGS" from the verb table (main.c); returns 1. */
int verb_usage(const char *verb);

/* The verbs, each given the --name option (or NULL) and its arguments. */
int cmd_check(const char *name, int argc, char **argv);
int cmd_gen(const char *name, int argc, char **argv);
int cmd_up(const char *name, int argc, char **argv);
int cmd_down(const char *name, int argc, char **argv);
int cmd_list(const char *name, int argc, char **argv);
int cmd_status(const char *name, int argc, char **argv);
int cmd_exec(const char *name, int argc, char **argv);
int cmd_shell(const char *name, int argc, char **argv);
int cmd_logs(const char *name, int argc, char **argv);
int cmd_stop(const char *name, int argc, char **argv);
int cmd_start(const char *name, int argc, char **argv);
int cmd_restart(const char *name, int argc, char **argv);
int cmd_trace(const char *name, int argc, char **argv);
int cmd_capture(const char *name, int argc, char **argv);
int cmd_stats(const char *name, int argc, char **argv);
int cmd_cache(const char *name, int argc, char **argv);
int cmd_graph(const char *name, int argc, char **argv);
int cmd_zone(const char *name, int argc, char **argv);
int cmd_policy(const char *name, int argc, char **argv);
int cmd_register(const char *name, int argc, char **argv);
int cmd_dnssec(const char *name, int argc, char **argv);
int cmd_link(const char *name, int argc, char **argv);
int cmd_anycast(const char *name, int argc, char **argv);
int cmd_tutorial(const char *name, int argc, char **argv);
int cmd_web(const char *name, int argc, char **argv);
int cmd_exercise(const char *name, const char *exercise);

#endif
