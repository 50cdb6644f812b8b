/* A child's standard descriptors, and none of its parent's others. */
#include "io/childfds.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

int child_stdio(const char *out_path, int out_fd)
{
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null < 0)
		return -errno;
	int out = out_fd >= 0 ? out_fd
			      : open(out_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (out < 0)
		return -errno;
	if (dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		return -errno;
	/* dup2 onto itself keeps the close-on-exec flag: clear it here. */
	for (int fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_SETFD, 0) < 0)
			return -errno;
	/* Whatever else came from the parent stays out of the program it
	 * runs.  An old kernel without close_range() just keeps them. */
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0 && errno != ENOSYS && errno != EINVAL)
		return -errno;
	return 0;
}
