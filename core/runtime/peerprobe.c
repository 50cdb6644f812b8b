/* Probing another machine's part: echo requests across the tunnel, a
 * datagram to its VXLAN port on the underlay. */
#include "runtime/peerprobe.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "io/clock.h"
#include "netns/netns.h"

#define ECHO_PAYLOAD 16

/* A socket that belongs to namespace `ns` (NULL: ours); -errno. */
static int socket_in(const char *ns, int domain, int type, int proto)
{
	if (ns == NULL) {
		int fd = socket(domain, type | SOCK_CLOEXEC, proto);
		return fd < 0 ? -errno : fd;
	}
	int back = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (back < 0)
		return -errno;
	int nsfd = netns_open(ns);
	if (nsfd < 0) {
		close(back);
		return nsfd;
	}
	int fd = -1, err = 0;
	if (setns(nsfd, CLONE_NEWNET) < 0)
		err = -errno;
	else if ((fd = socket(domain, type | SOCK_CLOEXEC, proto)) < 0)
		err = -errno;
	close(nsfd);
	/* Back, or every later step would run in the node. */
	if (setns(back, CLONE_NEWNET) < 0 && err == 0) {
		err = -errno;
		close(fd);
	}
	close(back);
	return err < 0 ? err : fd;
}

static uint16_t checksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static bool same_host(const net_addr *want, const struct sockaddr_storage *from)
{
	if (from->ss_family != want->ss.ss_family)
		return false;
	if (from->ss_family == AF_INET)
		return memcmp(&((const struct sockaddr_in *)from)->sin_addr,
			      &((const struct sockaddr_in *)&want->ss)->sin_addr, 4) == 0;
	return memcmp(&((const struct sockaddr_in6 *)from)->sin6_addr,
		      &((const struct sockaddr_in6 *)&want->ss)->sin6_addr, 16) == 0;
}

/* Is this datagram (as a raw socket gives it) the reply to one of our
 * echoes, numbered 1 to `last`?  A late answer to an earlier try counts
 * as much as one to the latest. */
static bool is_reply(const uint8_t *buf, size_t n, bool v6, uint16_t id, unsigned last)
{
	size_t off = 0;
	if (!v6) {
		if (n < sizeof(struct ip))
			return false;
		off = (size_t)(buf[0] & 0x0f) * 4;
	}
	if (n < off + 8)
		return false;
	const uint8_t *icmp = buf + off;
	uint8_t reply = v6 ? ICMP6_ECHO_REPLY : ICMP_ECHOREPLY;
	unsigned seq = (unsigned)icmp[6] << 8 | icmp[7];
	return icmp[0] == reply && icmp[1] == 0 && memcmp(icmp + 4, &id, 2) == 0 &&
	       seq >= 1 && seq <= last;
}

bool peerprobe_ping(const char *ns, const net_addr *to, unsigned tries, unsigned wait_ms)
{
	bool v6 = to->ss.ss_family == AF_INET6;
	int fd = socket_in(ns, v6 ? AF_INET6 : AF_INET, SOCK_RAW,
			   v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	if (fd < 0)
		return false;
	uint16_t id = htons((uint16_t)(getpid() ^ (clock_ms() & 0xffff)));
	bool answered = false;
	for (unsigned t = 0; t < tries && !answered; t++) {
		uint8_t req[8 + ECHO_PAYLOAD] = { 0 };
		uint16_t seq = htons((uint16_t)(t + 1));
		req[0] = v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
		memcpy(req + 4, &id, 2);
		memcpy(req + 6, &seq, 2);
		memcpy(req + 8, "dnsim peer probe", ECHO_PAYLOAD);
		/* ICMPv6's checksum covers a pseudo-header: the kernel makes it. */
		if (!v6) {
			uint16_t sum = checksum(req, sizeof req);
			memcpy(req + 2, &sum, 2);
		}
		socklen_t tolen = v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
		if (sendto(fd, req, sizeof req, 0, (const struct sockaddr *)&to->ss, tolen) < 0)
			continue;   /* no route yet: the next try may have one */
		long long deadline = clock_ms() + wait_ms;
		for (long long now = clock_ms(); now < deadline && !answered; now = clock_ms()) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			if (poll(&p, 1, (int)(deadline - now)) <= 0)
				break;
			uint8_t buf[1500];
			struct sockaddr_storage from;
			socklen_t fromlen = sizeof from;
			ssize_t n = recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT,
					     (struct sockaddr *)&from, &fromlen);
			answered = n > 0 && same_host(to, &from) &&
				   is_reply(buf, (size_t)n, v6, id, t + 1);
		}
	}
	close(fd);
	return answered;
}

int peerprobe_udp(const char *ns, const net_addr *to, unsigned port, unsigned wait_ms)
{
	int fd = socket_in(ns, to->ss.ss_family, SOCK_DGRAM, 0);
	if (fd < 0)
		return fd;
	net_addr dst = *to;
	socklen_t len;
	if (dst.ss.ss_family == AF_INET) {
		((struct sockaddr_in *)&dst.ss)->sin_port = htons((uint16_t)port);
		len = sizeof(struct sockaddr_in);
	} else {
		((struct sockaddr_in6 *)&dst.ss)->sin6_port = htons((uint16_t)port);
		len = sizeof(struct sockaddr_in6);
	}
	/* Connected: the kernel hands an ICMP error back to this socket.
	 * Eight zero bytes: no valid VXLAN header, which a VXLAN socket
	 * drops without a word. */
	static const uint8_t nothing[8];
	int rc = 0;
	if (connect(fd, (const struct sockaddr *)&dst.ss, len) < 0 ||
	    send(fd, nothing, sizeof nothing, 0) < 0)
		rc = -errno;
	if (rc == 0) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, (int)wait_ms) > 0) {
			uint8_t buf[64];
			if (recv(fd, buf, sizeof buf, MSG_DONTWAIT) < 0)
				rc = -errno;
		}
	}
	close(fd);
	return rc == -EAGAIN ? 0 : rc;
}
