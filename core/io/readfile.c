/* Whole files into memory. */
#include "readfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Zone files larger than this are refused rather than read. */
#define MAX_FILE (1024L * 1024 * 1024)

int io_read_file(void *ctx, const char *path, char **data, size_t *len)
{
	(void)ctx;
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return errno;
	struct stat st;
	if (fstat(fileno(f), &st) < 0) {
		int e = errno;
		fclose(f);
		return e;
	}
	if (S_ISDIR(st.st_mode)) {
		fclose(f);
		return EISDIR;
	}
	if (st.st_size > MAX_FILE) {
		fclose(f);
		return EFBIG;
	}
	size_t cap = (size_t)st.st_size + 1, n = 0;
	char *buf = malloc(cap);
	if (buf == NULL) {
		fclose(f);
		return ENOMEM;
	}
	for (;;) {
		if (cap - n - 1 == 0) {
			/* Full: at the end as stat said, or a file that grew
			 * or has no size (a pipe, /proc): one octet decides,
			 * so a file of the stated size is never copied. */
			int c = getc(f);
			if (c == EOF)
				break;
			size_t grown = cap * 2 + 4096;
			char *b = realloc(buf, grown);
			if (b == NULL) {
				free(buf);
				fclose(f);
				return ENOMEM;
			}
			buf = b;
			cap = grown;
			buf[n++] = (char)c;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	int e = ferror(f) ? EIO : 0;
	fclose(f);
	if (e) {
		free(buf);
		return e;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}

bool io_parse_file(const char *path, io_parse_fn parse, void *ctx, char *err, size_t errsz)
{
	char *text;
	size_t len;
	int rc = io_read_file(NULL, path, &text, &len);
	if (rc != 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(rc));
		return false;
	}
	bool ok = parse(ctx, path, text, len, err, errsz);
	free(text);
	return ok;
}
