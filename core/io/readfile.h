/* Reading a whole file into memory: the I/O side of the pure master-file
 * reader (its dns_master_ops.read_file). */
#ifndef DNSIM_IO_READFILE_H
#define DNSIM_IO_READFILE_H

#include <stddef.h>

/* 0 and a malloc'd buffer (NUL-terminated, *len without the NUL), or an
 * errno value.  `ctx` is unused; it matches the callback's shape. */
int io_read_file(void *ctx, const char *path, char **data, size_t *len);

#endif
