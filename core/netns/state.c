/* The sim's state folder and its log of created things. */
#include "netns/state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "io/readfile.h"

int state_path(char *out, size_t n, const char *sim, const char *sub)
{
	int w = snprintf(out, n, "%s/%s%s%s", SIM_RUN_DIR, sim, sub ? "/" : "",
			 sub ? sub : "");
	return w < 0 || (size_t)w >= n ? -ENAMETOOLONG : 0;
}

static int open_log(const char *sim)
{
	char path[512];
	int rc = state_path(path, sizeof path, sim, "state");
	if (rc < 0)
		return rc;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	return fd < 0 ? -errno : fd;
}

#define TMPFS_MAGIC_NUMBER 0x01021994

/* A sim's folder holds a few files per node (configs, logs, the /etc
 * files of each namespace): in memory, as /run is on most machines.
 * Where /run is on a disk, the folder gets a tmpfs of its own: a file
 * system without a journal (ext4 here) skips recently deleted inodes
 * one by one when it allocates a new one, so that a big sim brought up
 * soon after another went down paid for each file in proportion to the
 * files just removed.  A failed mount keeps the folder on disk. */
static void state_in_memory(const char *path)
{
	struct statfs fs;
	if (statfs(path, &fs) == 0 && fs.f_type == TMPFS_MAGIC_NUMBER)
		return;
	mount("dnsim", path, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
}

/* Is path a mount point (our tmpfs)? */
static bool mounted_here(const char *path)
{
	struct stat here, up;
	char parent[600];
	snprintf(parent, sizeof parent, "%s/..", path);
	return stat(path, &here) == 0 && stat(parent, &up) == 0 && here.st_dev != up.st_dev;
}

int state_create(const char *sim)
{
	char path[512];
	if (mkdir(SIM_RUN_DIR, 0755) < 0 && errno != EEXIST)
		return -errno;
	int rc = state_path(path, sizeof path, sim, NULL);
	if (rc < 0)
		return rc;
	if (mkdir(path, 0755) < 0)
		return -errno;
	state_in_memory(path);
	const char *subs[] = { "logs", "nodes" };
	for (size_t i = 0; i < 2; i++) {
		if ((rc = state_path(path, sizeof path, sim, subs[i])) < 0)
			return rc;
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return -errno;
	}
	return open_log(sim);
}

int state_open(const char *sim)
{
	return open_log(sim);
}

int state_record(int fd, const char *fmt, ...)
{
	char line[600];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof line - 1)
		return -ENAMETOOLONG;
	line[n++] = '\n';
	/* One write: a line is in the log whole or not at all. */
	ssize_t w = write(fd, line, (size_t)n);
	if (w < 0)
		return -errno;
	return w == n ? 0 : -EIO;
}

int state_read(const char *sim, state_line_fn fn, void *ctx)
{
	char path[512];
	int rc = state_path(path, sizeof path, sim, "state");
	if (rc < 0)
		return rc;
	char *text;
	size_t len;
	int e = io_read_file(NULL, path, &text, &len);
	if (e != 0)
		return -e;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *argv[8], *ws = NULL;
		int argc = 0;
		for (char *w = strtok_r(line, " ", &ws); w && argc < 8; w = strtok_r(NULL, " ", &ws))
			argv[argc++] = w;
		if (argc > 0)
			fn(ctx, argc, argv);
	}
	free(text);
	return 0;
}

bool state_exists(const char *sim)
{
	char path[512];
	struct stat st;
	return state_path(path, sizeof path, sim, NULL) == 0 && stat(path, &st) == 0;
}

int state_list(char ***names)
{
	*names = NULL;
	DIR *d = opendir(SIM_RUN_DIR);
	if (d == NULL)
		return errno == ENOENT ? 0 : -errno;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char **grown = realloc(*names, (size_t)(n + 1) * sizeof *grown);
		if (grown == NULL)
			break;
		*names = grown;
		if ((grown[n] = strdup(e->d_name)) == NULL)
			break;
		n++;
	}
	closedir(d);
	return n;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	if (remove(path) < 0 && errno != ENOENT)
		return -1;
	return 0;
}

int state_remove(const char *sim)
{
	char path[512];
	int rc = state_path(path, sizeof path, sim, NULL);
	if (rc < 0)
		return rc;
	/* Our tmpfs goes with everything in it; lazily, should a shell
	 * still stand in it. */
	if (mounted_here(path) && umount2(path, MNT_DETACH) == 0)
		return rmdir(path) < 0 && errno != ENOENT ? -errno : 0;
	if (nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

unsigned long long proc_start_time(int pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* The command name may hold spaces and ')': fields resume after the
	 * last ')'.  Start time is field 22; the state (field 3) comes first. */
	char *p = strrchr(buf, ')');
	if (p == NULL)
		return 0;
	p++;
	unsigned long long v = 0;
	for (int field = 3; field <= 22; field++) {
		while (*p == ' ')
			p++;
		if (field == 3 && *p == 'Z')
			return 0; /* a zombie is gone for our purposes */
		if (field == 22)
			v = strtoull(p, NULL, 10);
		while (*p && *p != ' ')
			p++;
	}
	return v;
}
