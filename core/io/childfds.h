/* The descriptors a child process starts with: standard input from
 * /dev/null, standard output and error to a log, nothing else.  Used by
 * the supervisor for the monitor and for every program it starts, so
 * that no server inherits another's log, a pipe of `up` or the
 * terminal. */
#ifndef DNSIM_IO_CHILDFDS_H
#define DNSIM_IO_CHILDFDS_H

/* Standard input from /dev/null; standard output and error to out_fd,
 * or when out_fd < 0 to the file out_path (appended, created 0644).
 * Every other descriptor is marked close-on-exec.  0, or -errno. */
int child_stdio(const char *out_path, int out_fd);

#endif
