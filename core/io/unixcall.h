/* One request over a Unix stream socket: send a line, read the reply
 * until the other side closes.  The control sockets of the supervisor's
 * monitor and of dnsim-resolver both speak this way. */
#ifndef DNSIM_IO_UNIXCALL_H
#define DNSIM_IO_UNIXCALL_H

/* The reply (malloc'd, NUL-terminated), or NULL with errno set.  Waits
 * at most timeout_ms for each read. */
char *unix_call(const char *path, const char *line, int timeout_ms);

#endif
