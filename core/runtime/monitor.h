/* The background supervisor of a running sim: it starts every node's
 * service inside the node's namespace, counts it ready once it answers
 * a DNS query, restarts it with backoff when it dies, and takes the
 * stop/start/restart/status commands of the CLI on a Unix socket. */
#ifndef DNSIM_RUNTIME_MONITOR_H
#define DNSIM_RUNTIME_MONITOR_H

#include "topo/model.h"

/* Run the monitor (in a process of its own, already detached).  `up`
 * writes the name of each node to built_fd as it finishes building it,
 * and the monitor starts that node's server at once, while the rest are
 * still being built (built_fd -1: every node is built already).  It
 * reports to report_fd one line per service as it becomes ready
 * ("ready NODE") or fails ("fail NODE why"), then "done" and closes it.
 * With capture_dir, every node's traffic is recorded to
 * capture_dir/NODE.pcap from before its server starts.
 * Returns the process's exit status when told to stop. */
int monitor_run(topo_model *model, const char *bindir, int report_fd,
		const char *capture_dir, int built_fd);

/* Talk to a sim's monitor: send one command line, return the reply
 * (malloc'd) or NULL with errno set. */
char *monitor_call(const char *sim, const char *command);

#endif
