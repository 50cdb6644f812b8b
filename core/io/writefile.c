/* Whole-file writes, replaced at once. */
#include "io/writefile.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

int io_write_new(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return -errno;
	fputs(text, f);
	int rc = ferror(f) ? -EIO : 0;
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	return rc;
}

int io_write_file(const char *path, const char *text)
{
	char tmp[PATH_MAX];
	int w = snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if (w < 0 || (size_t)w >= sizeof tmp)
		return -ENAMETOOLONG;
	int rc = io_write_new(tmp, text);
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc < 0)
		unlink(tmp);
	return rc;
}
