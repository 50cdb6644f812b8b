/* Writing a whole text file so that readers see the old file or the new
 * one, never half of it: a temporary beside it, then rename. */
#ifndef DNSIM_IO_WRITEFILE_H
#define DNSIM_IO_WRITEFILE_H

/* 0, or a negative errno. */
int io_write_file(const char *path, const char *text);

/* Write straight into path: for a new file nobody reads yet (no
 * temporary, one file made instead of two). */
int io_write_new(const char *path, const char *text);

#endif
