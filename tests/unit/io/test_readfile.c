/* Reading whole files: what the zone loader and the topology reader get
 * for missing, empty, binary, big and streamed (pipe) files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "io/readfile.h"

static char dir[] = "/tmp/dnsim-readfile-XXXXXX";

static void path_in_dir(char *out, size_t outsz, const char *name)
{
	snprintf(out, outsz, "%s/%s", dir, name);
}

/* Write n octets with stdio, independently of the code under test. */
static void put_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL || fwrite(data, 1, n, f) != n || fclose(f) != 0) {
		perror(path);
		abort();
	}
}

static void test_missing_file(void)
{
	char path[256];
	path_in_dir(path, sizeof path, "no-such-file");
	char *data = (char *)"untouched";
	size_t len = 12345;
	CHECK_INT(io_read_file(NULL, path, &data, &len), ENOENT);
	CHECK_STR(data, "untouched");
	CHECK_INT(len, 12345);
}

static void test_directory_refused(void)
{
	char *data = NULL;
	size_t len = 0;
	CHECK_INT(io_read_file(NULL, dir, &data, &len), EISDIR);
	CHECK(data == NULL);
}

static void test_empty_file(void)
{
	char path[256];
	path_in_dir(path, sizeof path, "empty");
	put_file(path, "", 0);
	char *data = NULL;
	size_t len = 99;
	CHECK_INT(io_read_file(NULL, path, &data, &len), 0);
	CHECK_INT(len, 0);
	CHECK(data != NULL && data[0] == '\0');
	free(data);
}

static void test_small_file_with_nul_bytes(void)
{
	static const char content[] = "line one\n\0second\tline\n";
	size_t n = sizeof content - 1;
	char path[256];
	path_in_dir(path, sizeof path, "small");
	put_file(path, content, n);
	char *data = NULL;
	size_t len = 0;
	CHECK_INT(io_read_file(NULL, path, &data, &len), 0);
	CHECK_INT(len, n);
	if (data && len == n) {
		CHECK_MEM(data, content, n);
		CHECK(data[n] == '\0');     /* NUL-terminated past the end */
	}
	free(data);
}

static void test_big_file(void)
{
	/* Several megabytes in a pattern that a lost or repeated block
	 * would break. */
	size_t n = 5u * 1024 * 1024 + 17;
	char *content = malloc(n);
	CHECK(content != NULL);
	if (content == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		content[i] = (char)('a' + (i * 7 + i / 4096) % 26);
	char path[256];
	path_in_dir(path, sizeof path, "big");
	put_file(path, content, n);
	char *data = NULL;
	size_t len = 0;
	CHECK_INT(io_read_file(NULL, path, &data, &len), 0);
	CHECK_INT(len, n);
	if (data && len == n) {
		CHECK(memcmp(data, content, n) == 0);
		CHECK(data[n] == '\0');
	}
	free(data);
	free(content);
}

/* A pipe has no size to stat (st_size is 0): `dnsim-zonecheck example.
 * /dev/stdin < <(generate-zone)` must still see the whole stream. */
static void test_pipe_is_read_to_its_end(void)
{
	int fds[2];
	CHECK_INT(pipe(fds), 0);
	/* More than one stdio buffer, less than the pipe's capacity, so it
	 * can be written before it is read. */
	char content[20000];
	for (size_t i = 0; i < sizeof content; i++)
		content[i] = (char)('0' + i % 10);
	CHECK_INT(write(fds[1], content, sizeof content), (ssize_t)sizeof content);
	close(fds[1]);
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fds[0]);
	char *data = NULL;
	size_t len = 0;
	CHECK_INT(io_read_file(NULL, path, &data, &len), 0);
	CHECK_INT(len, sizeof content);
	if (data && len == sizeof content)
		CHECK_MEM(data, content, sizeof content);
	free(data);
	close(fds[0]);
}

static void remove_dir(void)
{
	static const char *const names[] = { "empty", "small", "big" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char path[256];
		path_in_dir(path, sizeof path, names[i]);
		unlink(path);
	}
	if (rmdir(dir) != 0)
		perror(dir);
}

int main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_missing_file);
	RUN(test_directory_refused);
	RUN(test_empty_file);
	RUN(test_small_file_with_nul_bytes);
	RUN(test_big_file);
	RUN(test_pipe_is_read_to_its_end);
	remove_dir();
	return check_summary("test_readfile");
}
