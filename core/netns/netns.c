/* Named network namespaces (the iproute2 convention) and entering them. */
#include "netns/netns.h"

#include "io/writefile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* /run/netns must be a shared mount point, so that a namespace mounted
 * there later is seen inside mount namespaces made before (those of
 * `ip netns exec` and of our own exec). */
static int run_dir_ready(void)
{
	static bool ready;
	if (ready)
		return 0;
	if (mkdir(NETNS_RUN_DIR, 0755) < 0 && errno != EEXIST)
		return -errno;
	if (mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL) < 0) {
		if (errno != EINVAL)
			return -errno;
		if (mount(NETNS_RUN_DIR, NETNS_RUN_DIR, "none", MS_BIND | MS_REC, NULL) < 0 ||
		    mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL) < 0)
			return -errno;
	}
	ready = true;
	return 0;
}

static int ns_path(const char *name, char *out, size_t n)
{
	int w = snprintf(out, n, "%s/%s", NETNS_RUN_DIR, name);
	return w < 0 || (size_t)w >= n ? -ENAMETOOLONG : 0;
}

void netns_node_name(char *out, size_t n, const char *sim, const char *node)
{
	snprintf(out, n, "%s-%s", sim, node);
}

void netns_switch_name(char *out, size_t n, const char *sim)
{
	snprintf(out, n, "%s.switch", sim);
}

/* The file a namespace is mounted on: a new name for the anchor's
 * inode when there is one, else a new file (which becomes the anchor). */
static int mount_point(const char *path, int *anchor)
{
	if (anchor && *anchor >= 0) {
		if (linkat(*anchor, "", AT_FDCWD, path, AT_EMPTY_PATH) == 0)
			return 0;
		if (errno == EEXIST)
			return -errno;
		/* Too many links, another file system: a file of its own. */
	}
	int fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	close(fd);
	if (anchor && *anchor < 0)
		*anchor = open(path, O_PATH | O_CLOEXEC);
	return 0;
}

int netns_create(const char *name)
{
	return netns_create_linked(name, NULL);
}

int netns_create_linked(const char *name, int *anchor)
{
	char path[PATH_MAX];
	int rc = ns_path(name, path, sizeof path);
	if (rc < 0 || (rc = run_dir_ready()) < 0)
		return rc;
	if ((rc = mount_point(path, anchor)) < 0)
		return rc;
	int fd;
	int back = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (back < 0) {
		rc = -errno;
		unlink(path);
		return rc;
	}
	rc = 0;
	if (unshare(CLONE_NEWNET) < 0)
		rc = -errno;
	else if (mount("/proc/thread-self/ns/net", path, "none", MS_BIND, NULL) < 0)
		rc = -errno;
	if (setns(back, CLONE_NEWNET) < 0 && rc == 0)
		rc = -errno;
	close(back);
	if (rc < 0) {
		umount2(path, MNT_DETACH);
		unlink(path);
		return rc;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int netns_open(const char *name)
{
	char path[PATH_MAX];
	int rc = ns_path(name, path, sizeof path);
	if (rc < 0)
		return rc;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int netns_delete(const char *name)
{
	char path[PATH_MAX];
	int rc = ns_path(name, path, sizeof path);
	if (rc < 0)
		return rc;
	/* EINVAL: a file left unmounted by a crash between its creation and
	 * the mount; remove it all the same. */
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		return -errno;
	if (unlink(path) < 0)
		return -errno;
	return 0;
}

unsigned long netns_inode(const char *name)
{
	char path[PATH_MAX];
	struct stat st;
	if (ns_path(name, path, sizeof path) < 0 || stat(path, &st) < 0)
		return 0;
	return (unsigned long)st.st_ino;
}

int netns_enter(const char *name, const char **what)
{
	int fd = netns_open(name);
	if (fd < 0) {
		*what = "open the namespace";
		return fd;
	}
	int rc = 0;
	if (setns(fd, CLONE_NEWNET) < 0) {
		*what = "enter the network namespace";
		rc = -errno;
	}
	close(fd);
	return rc;
}

bool netns_nscd_present(void)
{
	struct stat st;
	return stat(NETNS_NSCD_SOCKET, &st) == 0;
}

/* nscd's socket is a file of the machine's, which network namespaces do
 * not separate, and glibc asks it before anything nsswitch.conf names:
 * a node's lookups would be answered from the machine's resolver and
 * hosts file.  An empty folder over nscd's, in this mount namespace
 * only, makes glibc find no nscd and read the node's own files. */
static int hide_nscd(const char **what)
{
	char dir[sizeof NETNS_NSCD_SOCKET];
	memcpy(dir, NETNS_NSCD_SOCKET, sizeof dir);
	*strrchr(dir, '/') = '\0';
	struct stat st;
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return 0;       /* no nscd folder: nothing to hide */
	if (mount("dnsim-no-nscd", dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "size=4k,mode=0755") < 0) {
		*what = "hide nscd's socket";
		return -errno;
	}
	return 0;
}

int netns_enter_exec(const char *name, const char **what)
{
	int rc = netns_enter(name, what);
	if (rc < 0)
		return rc;
	if (unshare(CLONE_NEWNS) < 0) {
		*what = "make a private mount namespace";
		return -errno;
	}
	/* Our mounts must not leak back to the machine. */
	if (mount("", "/", "none", MS_SLAVE | MS_REC, NULL) < 0) {
		*what = "make / a slave mount";
		return -errno;
	}
	/* /sys as this namespace sees it (its own /sys/class/net). */
	if (umount2("/sys", MNT_DETACH) == 0)
		mount(name, "/sys", "sysfs", 0, NULL);
	if ((rc = hide_nscd(what)) < 0)
		return rc;
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s/%s", NETNS_ETC_DIR, name);
	DIR *d = opendir(dir);
	if (d == NULL)
		return 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char src[PATH_MAX + 300], dst[300];
		snprintf(src, sizeof src, "%s/%s", dir, e->d_name);
		snprintf(dst, sizeof dst, "/etc/%s", e->d_name);
		if (mount(src, dst, "none", MS_BIND, NULL) < 0 && errno != ENOENT) {
			*what = "bind the namespace's /etc files";
			rc = -errno;
			break;
		}
	}
	closedir(d);
	/* A sim with a signed root: its key also where ldns's drill -S looks
	 * for one (Debian's dns-root-data file), when the machine has it. */
	char anchor[PATH_MAX + 32];
	snprintf(anchor, sizeof anchor, "%s/bind/root.key", dir);
	if (rc == 0 && access(anchor, R_OK) == 0 &&
	    mount(anchor, NETNS_DRILL_ANCHOR, "none", MS_BIND, NULL) < 0 && errno != ENOENT) {
		*what = "bind the sim's root key for drill";
		rc = -errno;
	}
	return rc;
}

int netns_etc_link(const char *name, const char *target)
{
	char path[PATH_MAX];
	if (mkdir(NETNS_ETC_DIR, 0755) < 0 && errno != EEXIST)
		return -errno;
	/* The target's parent (the sim's etc/ folder), then the target. */
	snprintf(path, sizeof path, "%s", target);
	char *slash = strrchr(path, '/');
	if (slash && slash != path) {
		*slash = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return -errno;
	}
	if (mkdir(target, 0755) < 0 && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof path, "%s/%s", NETNS_ETC_DIR, name);
	/* A folder left by a crash stays, and is written into as before. */
	if (symlink(target, path) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int netns_etc_write(const char *name, const char *file, const char *text)
{
	char path[PATH_MAX];
	if (mkdir(NETNS_ETC_DIR, 0755) < 0 && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof path, "%s/%s", NETNS_ETC_DIR, name);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -errno;
	/* One level of folder (bind/bind.keys: a folder that covers /etc/bind). */
	const char *slash = strchr(file, '/');
	if (slash) {
		snprintf(path, sizeof path, "%s/%s/%.*s", NETNS_ETC_DIR, name, (int)(slash - file),
			 file);
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return -errno;
	}
	snprintf(path, sizeof path, "%s/%s/%s", NETNS_ETC_DIR, name, file);
	/* A new file in a new folder: nobody reads it half-written, so no
	 * temporary (each file made costs time in a big sim). */
	return io_write_new(path, text);
}

/* A folder of files under /etc/netns/NAME/ (bind/). */
static void remove_folder(const char *dir)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char p[PATH_MAX * 2 + 300];
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

int netns_etc_remove(const char *name)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s/%s", NETNS_ETC_DIR, name);
	/* The link to the sim's folder (whose files go with the sim). */
	struct stat st;
	if (lstat(dir, &st) == 0 && S_ISLNK(st.st_mode))
		return unlink(dir) < 0 && errno != ENOENT ? -errno : 0;
	DIR *d = opendir(dir);
	if (d == NULL)
		return errno == ENOENT ? 0 : -errno;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char p[PATH_MAX + 300];
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		if (unlink(p) < 0 && (errno == EISDIR || errno == EPERM))
			remove_folder(p);
	}
	closedir(d);
	return rmdir(dir) < 0 && errno != ENOENT ? -errno : 0;
}

int netns_sysctl(int nsfd, const char *path, const char *value)
{
	int back = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (back < 0)
		return -errno;
	int rc = 0;
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		rc = -errno;
		close(back);
		return rc;
	}
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		rc = -errno;
	else {
		size_t n = strlen(value);
		if (write(fd, value, n) != (ssize_t)n)
			rc = -errno;
		close(fd);
	}
	if (setns(back, CLONE_NEWNET) < 0 && rc == 0)
		rc = -errno;
	close(back);
	return rc;
}
