/* Named network namespaces, the way iproute2 keeps them: a file under
 * /run/netns/ with the namespace bind-mounted on it, so `ip netns list`
 * shows ours and tools can enter them by name. */
#ifndef DNSIM_NETNS_NETNS_H
#define DNSIM_NETNS_NETNS_H

#include <stdbool.h>
#include <stddef.h>

#define NETNS_RUN_DIR "/run/netns"
#define NETNS_ETC_DIR "/etc/netns"

/* The namespace of a node, and of the switch that holds the networks'
 * bridges: "SIM-NODE", "SIM.switch" (the sim's name first, so that `ip
 * netns list` shows whose is whose). */
void netns_node_name(char *out, size_t n, const char *sim, const char *node);
void netns_switch_name(char *out, size_t n, const char *sim);

/* Create the namespace NAME; returns an O_RDONLY descriptor of it, or
 * -errno (-EEXIST when the name is taken).  The caller's own namespace
 * is unchanged. */
int netns_create(const char *name);

/* The same, its file in /run/netns a hard link to the inode *anchor (an
 * O_PATH descriptor; -1: this call makes the file and sets *anchor to
 * it, for the caller to close).  Each name is its own mount point all
 * the same, so `ip netns` sees nothing different; but a sim's thousands
 * of namespaces allocate one inode on the machine's disk, not one each
 * (on a file system without a journal, each new inode costs a scan past
 * every inode deleted in the last minutes: quadratic after a `down`). */
int netns_create_linked(const char *name, int *anchor);

/* Open an existing named namespace; descriptor or -errno. */
int netns_open(const char *name);

/* Remove the name (unmount and unlink); the kernel frees the namespace
 * and its interfaces once no process is left in it.  0, or -errno
 * (-ENOENT when there was nothing to remove). */
int netns_delete(const char *name);

/* The namespace's inode number (0 when it does not exist), to find the
 * processes inside it. */
unsigned long netns_inode(const char *name);

/* Where glibc looks for nscd (and unscd): a file of the machine's, the
 * same in every network namespace. */
#define NETNS_NSCD_SOCKET "/var/run/nscd/socket"

/* Enter NAME the way `ip netns exec` does, for a process about to exec:
 * a private mount namespace in which /etc/netns/NAME/'s files are bound
 * over /etc/'s and /sys shows the namespace's own devices, then the
 * network namespace itself.  Beyond what `ip netns exec` does, nscd's
 * folder is covered by an empty one, so that glibc inside never asks
 * the machine's nscd.  On failure returns -errno with the step in
 * *what. */
int netns_enter_exec(const char *name, const char **what);

/* Where drill (ldns) reads the root's key when not given one: a node of
 * a sim with a signed root sees the sim's key there under `sim exec`. */
#define NETNS_DRILL_ANCHOR "/usr/share/dns/root.key"

/* Does the machine run nscd (its socket exists)?  `ip netns exec` would
 * let glibc inside a node ask it. */
bool netns_nscd_present(void);

/* Enter only the network namespace of NAME: for our own servers, which
 * read no /etc files, so they skip the mount namespace (whose copy of
 * every /run/netns mount costs memory and time in a big sim). */
int netns_enter(const char *name, const char **what);

/* /etc/netns/NAME as a symbolic link to the folder `target` (made, with
 * its parent): a namespace's /etc files live in the sim's folder, in
 * memory, and `ip netns exec NAME` finds them through the link. */
int netns_etc_link(const char *name, const char *target);

/* Write a file under /etc/netns/NAME/, creating the folder. */
int netns_etc_write(const char *name, const char *file, const char *text);

/* Remove /etc/netns/NAME/ and the files in it, or the link. */
int netns_etc_remove(const char *name);

/* Write a /proc/sys file as seen from inside the namespace nsfd (the
 * network sysctls are per namespace). */
int netns_sysctl(int nsfd, const char *path, const char *value);

#endif
