/* Writing whole files: io_write_file replaces at once (a reader sees the
 * old file or the new one), io_write_new writes in place; errors come
 * back as negative errno values and leave no temporary behind. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "io/writefile.h"

static char dir[] = "/tmp/dnsim-writefile-XXXXXX";

static void path_in_dir(char *out, size_t outsz, const char *name)
{
	snprintf(out, outsz, "%s/%s", dir, name);
}

/* The file's content read with stdio (static buffer), or NULL. */
static const char *slurp(const char *path)
{
	static char buf[65536];
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static void test_write_new_file(void)
{
	char path[256], tmp[300];
	path_in_dir(path, sizeof path, "fresh.conf");
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	CHECK_INT(io_write_file(path, "listen = 192.0.2.1\nzones = 2\n"), 0);
	CHECK_STR(slurp(path), "listen = 192.0.2.1\nzones = 2\n");
	CHECK(!exists(tmp));
	CHECK_INT(io_write_file(path, ""), 0);
	const char *empty = slurp(path);
	CHECK(empty != NULL && empty[0] == '\0');
	unlink(path);
}

/* Replacing goes through a new file and rename: a reader that opened
 * the old file keeps reading the old content whole. */
static void test_replace_is_atomic(void)
{
	char path[256];
	path_in_dir(path, sizeof path, "zone.db");
	CHECK_INT(io_write_file(path, "old content\n"), 0);
	FILE *reader = fopen(path, "r");
	CHECK(reader != NULL);
	struct stat before, after;
	CHECK_INT(stat(path, &before), 0);
	CHECK_INT(io_write_file(path, "new and longer content\n"), 0);
	CHECK_INT(stat(path, &after), 0);
	CHECK(before.st_ino != after.st_ino);
	CHECK_STR(slurp(path), "new and longer content\n");
	if (reader) {
		char line[64] = "";
		CHECK(fgets(line, sizeof line, reader) != NULL);
		CHECK_STR(line, "old content\n");
		fclose(reader);
	}
	unlink(path);
}

/* io_write_new writes into the file itself: the same inode, truncated. */
static void test_write_new_in_place(void)
{
	char path[256], tmp[300];
	path_in_dir(path, sizeof path, "state");
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	CHECK_INT(io_write_new(path, "first version, long\n"), 0);
	struct stat before, after;
	CHECK_INT(stat(path, &before), 0);
	CHECK_INT(io_write_new(path, "second\n"), 0);
	CHECK_INT(stat(path, &after), 0);
	CHECK(before.st_ino == after.st_ino);
	CHECK_STR(slurp(path), "second\n");
	CHECK(!exists(tmp));
	unlink(path);
}

static void test_errors(void)
{
	char path[256], tmp[300];
	path_in_dir(path, sizeof path, "no-such-dir/file");
	CHECK_INT(io_write_file(path, "x"), -ENOENT);
	CHECK_INT(io_write_new(path, "x"), -ENOENT);

	/* A directory in the way: the rename fails and the temporary is
	 * cleaned up. */
	path_in_dir(path, sizeof path, "a-dir");
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	CHECK_INT(mkdir(path, 0700), 0);
	CHECK_INT(io_write_file(path, "x"), -EISDIR);
	CHECK(!exists(tmp));
	rmdir(path);

	/* Errors that show only when the data is flushed are reported. */
	CHECK_INT(io_write_new("/dev/full", "some text"), -ENOSPC);

	/* A name whose temporary would not fit in PATH_MAX. */
	static char longpath[PATH_MAX + 8];
	memset(longpath, 'a', sizeof longpath - 1);
	longpath[0] = '/';
	longpath[PATH_MAX - 2] = '\0';
	CHECK_INT(io_write_file(longpath, "x"), -ENAMETOOLONG);
}

int main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_write_new_file);
	RUN(test_replace_is_atomic);
	RUN(test_write_new_in_place);
	RUN(test_errors);
	if (rmdir(dir) != 0)
		perror(dir);
	return check_summary("test_writefile");
}
