/* The state of a running sim, under /run/dnsim/SIM/: a log of everything
 * created, written line by line *before* each thing is made, so that
 * `down` can remove all of it even after the supervisor was killed
 * halfway through `up`.  Lines:
 *   netns NAME          a namespace (also its /etc/netns/NAME folder)
 *   notours NAME        ...that turned out to exist already: not ours
 *   proc PID START NODE a process we started (START: its start time in
 *                       clock ticks, so a recycled PID is never killed)
 *   monitor PID START   the background supervisor
 * Beside it: nodes (one line per node for status), logs/, nodes/NODE/
 * (rendered configs), control (the monitor's socket). */
#ifndef DNSIM_NETNS_STATE_H
#define DNSIM_NETNS_STATE_H

#include <stdbool.h>
#include <stddef.h>

#define SIM_RUN_DIR "/run/dnsim"

/* "/run/dnsim/SIM" plus an optional "/sub" path. */
int state_path(char *out, size_t n, const char *sim, const char *sub);

/* Create /run/dnsim/SIM (fails with -EEXIST when the sim exists), on a
 * tmpfs of its own when /run is not in memory, and open its log for
 * appending; returns the descriptor or -errno. */
int state_create(const char *sim);

/* Open an existing sim's log for appending. */
int state_open(const char *sim);

/* Append one line (the newline is added); 0 or -errno. */
int state_record(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Call fn for each line of the log, split into words. */
typedef void (*state_line_fn)(void *ctx, int argc, char **argv);
int state_read(const char *sim, state_line_fn fn, void *ctx);

/* Is the sim there at all (its folder exists)? */
bool state_exists(const char *sim);

/* Names of the sims under /run/dnsim (malloc'd array of malloc'd
 * strings); returns how many, or -errno. */
int state_list(char ***names);

/* Remove /run/dnsim/SIM and everything in it (unmounting its tmpfs). */
int state_remove(const char *sim);

/* Process identity: start time of PID (0 when it does not exist). */
unsigned long long proc_start_time(int pid);

#endif
