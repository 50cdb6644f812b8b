/* Writing a whole text file so that readers see the old file or the new
 * one, never half of it: a temporary beside it, then rename. */
#ifndef DNSIM_IO_WRITEFILE_H
#define DNSIM_IO_WRITEFILE_H

/* 0, or a negative errno. */
int io_write_file(const char *path, const char *text);

#endif
