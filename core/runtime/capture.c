/* A packet socket in a node's namespace. */
#include "runtime/capture.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_arp.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "netns/netns.h"

int capture_open(const char *ns)
{
	int nsfd = netns_open(ns);
	if (nsfd < 0)
		return nsfd;
	int back = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (back < 0) {
		int e = -errno;
		close(nsfd);
		return e;
	}
	int fd = -1, rc = 0;
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		rc = -errno;
	} else {
		/* Cooked packets: the IP header first, whatever the link. */
		fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(ETH_P_ALL));
		if (fd < 0)
			rc = -errno;
		if (setns(back, CLONE_NEWNET) < 0 && rc == 0)
			rc = -errno;
	}
	close(back);
	close(nsfd);
	if (rc < 0) {
		if (fd >= 0)
			close(fd);
		return rc;
	}
	/* A cold resolution is a few dozen packets; room for far more. */
	int size = 4 << 20, on = 1;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
	setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
	return fd;
}

size_t capture_drain(int fd, int quiet_ms, wire_msg **out)
{
	*out = NULL;
	size_t n = 0, cap = 0;
	uint8_t pkt[65536];
	for (;;) {
		struct sockaddr_ll from;
		struct iovec iov = { pkt, sizeof pkt };
		union {
			char buf[CMSG_SPACE(sizeof(struct timespec))];
			struct cmsghdr align;
		} control;
		struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov,
				     .msg_iovlen = 1, .msg_control = control.buf,
				     .msg_controllen = sizeof control.buf };
		ssize_t got = recvmsg(fd, &mh, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			struct pollfd p = { .fd = fd, .events = POLLIN };
			if (errno == EAGAIN && poll(&p, 1, quiet_ms) > 0)
				continue;
			break;
		}
		/* Loopback shows each packet twice and carries no traffic
		 * between nodes. */
		if (from.sll_hatype == ARPHRD_LOOPBACK)
			continue;
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPNS)
				memcpy(&ts, CMSG_DATA(c), sizeof ts);
		long long ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
		wire_msg w;
		if (!capture_parse(pkt, (size_t)got, ms, from.sll_pkttype == PACKET_OUTGOING, &w))
			continue;
		if (n == cap) {
			size_t c2 = cap ? cap * 2 : 64;
			wire_msg *g = realloc(*out, c2 * sizeof *g);
			if (g == NULL)
				break;
			*out = g;
			cap = c2;
		}
		(*out)[n++] = w;
	}
	return n;
}
