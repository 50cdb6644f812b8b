/* Reading a whole file into memory: the I/O side of the pure master-file
 * reader (its dns_master_ops.read_file). */
#ifndef DNSIM_IO_READFILE_H
#define DNSIM_IO_READFILE_H

#include <stdbool.h>
#include <stddef.h>

/* 0 and a malloc'd buffer (NUL-terminated, *len without the NUL), or an
 * errno value.  `ctx` is unused; it matches the callback's shape. */
int io_read_file(void *ctx, const char *path, char **data, size_t *len);

/* Read the file at path and hand its text to parse (for config files:
 * the parsers are pure and take text).  When the file cannot be read,
 * false with "PATH: why" in err; else what parse returns. */
typedef bool (*io_parse_fn)(void *ctx, const char *path, const char *text, size_t len,
			    char *err, size_t errsz);
bool io_parse_file(const char *path, io_parse_fn parse, void *ctx, char *err, size_t errsz);

#endif
