/* Daemon logging to stderr: one line per event, prefixed by the program
 * (and its identity when it has one), so a supervisor's per-node logs
 * read well side by side. */
#ifndef DNSIM_IO_LOG_H
#define DNSIM_IO_LOG_H

void log_set_prefix(const char *prefix);
void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
