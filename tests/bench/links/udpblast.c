/* UDP traffic for bench_links.sh, run inside the sim's nodes with
 * `./sim exec`.  Not part of the build: the bench compiles it.
 *
 *   udpblast sink ADDR PORT SECONDS       count datagrams for SECONDS after
 *                                         the first; prints "COUNT BYTES"
 *   udpblast send ADDR PORT SECONDS SIZE  send SIZE-octet datagrams as fast
 *                                         as sendmmsg goes; prints "COUNT"
 *   udpblast echo ADDR PORT               echo every datagram back
 *   udpblast ping ADDR PORT PPS COUNT     COUNT timestamped datagrams at PPS,
 *                                         echoed; prints the RTTs in us, one
 *                                         a line (lost ones left out)
 * ADDR is IPv4. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int sock_for(const char *addr, int port, int do_bind, struct sockaddr_in *sa)
{
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sa->sin_addr) != 1) {
		fprintf(stderr, "udpblast: %s is not an IPv4 address\n", addr);
		exit(2);
	}
	int fd = socket(AF_INET, SOCK_DGRAM, 0), size = 8 << 20;
	if (fd < 0) {
		perror("socket");
		exit(1);
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size);
	if (do_bind ? bind(fd, (struct sockaddr *)sa, sizeof *sa) : connect(fd, (struct sockaddr *)sa, sizeof *sa)) {
		perror(do_bind ? "bind" : "connect");
		exit(1);
	}
	return fd;
}

static unsigned char bufs[BATCH][2048];
static struct mmsghdr msgs[BATCH];
static struct iovec iov[BATCH];
static struct sockaddr_in peers[BATCH];

static void setup(size_t len)
{
	for (int i = 0; i < BATCH; i++) {
		iov[i] = (struct iovec){ bufs[i], len };
		msgs[i].msg_hdr = (struct msghdr){ .msg_name = &peers[i], .msg_namelen = sizeof peers[i],
						   .msg_iov = &iov[i], .msg_iovlen = 1 };
	}
}

static int sink(int fd, double seconds)
{
	uint64_t count = 0, bytes = 0, end = 0;
	setup(2048);
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		uint64_t t = now_ns();
		int wait = end ? (t >= end ? 0 : (int)((end - t) / 1000000) + 1) : 30000;
		if (end && t >= end)
			break;
		if (poll(&p, 1, wait) <= 0) {
			if (!end)
				break;
			continue;
		}
		int n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			continue;
		if (!end)
			end = now_ns() + (uint64_t)(seconds * 1e9);
		for (int i = 0; i < n; i++) {
			count++;
			bytes += msgs[i].msg_len;
			msgs[i].msg_hdr.msg_namelen = sizeof peers[i];
		}
	}
	printf("%llu %llu\n", (unsigned long long)count, (unsigned long long)bytes);
	return 0;
}

static int send_flat(int fd, double seconds, size_t size)
{
	setup(size);
	for (int i = 0; i < BATCH; i++)
		msgs[i].msg_hdr.msg_name = NULL, msgs[i].msg_hdr.msg_namelen = 0;
	uint64_t end = now_ns() + (uint64_t)(seconds * 1e9), count = 0;
	while (now_ns() < end) {
		int n = sendmmsg(fd, msgs, BATCH, 0);
		if (n > 0)
			count += (uint64_t)n;
	}
	printf("%llu\n", (unsigned long long)count);
	return 0;
}

static int echo(int fd)
{
	setup(2048);
	for (;;) {
		int n = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);
		if (n <= 0)
			continue;
		for (int i = 0; i < n; i++)
			iov[i].iov_len = msgs[i].msg_len;
		sendmmsg(fd, msgs, (unsigned)n, 0);
		for (int i = 0; i < n; i++) {
			iov[i].iov_len = 2048;
			msgs[i].msg_hdr.msg_namelen = sizeof peers[i];
		}
	}
	return 0;
}

static int ping(int fd, double pps, unsigned count)
{
	uint64_t *sent = calloc(count, sizeof *sent), *rtt = calloc(count, sizeof *rtt);
	if (sent == NULL || rtt == NULL)
		return 1;
	uint64_t t0 = now_ns(), gap = (uint64_t)(1e9 / pps);
	unsigned next = 0;
	uint64_t last_sent = 0;
	for (;;) {
		uint64_t t = now_ns();
		while (next < count && t >= t0 + next * gap) {
			uint32_t seq = next;
			sent[next] = now_ns();
			if (send(fd, &seq, sizeof seq, 0) < 0 && errno != EAGAIN)
				perror("send");
			last_sent = sent[next];
			next++;
		}
		if (next == count && t > last_sent + 1000000000ULL)
			break;
		/* Sleep to the next send to the nanosecond: a spinning
		 * sender would take the CPU the relay needs. */
		uint64_t due = next < count ? t0 + next * gap : last_sent + 1000000000ULL;
		uint64_t wait = due > t ? due - t : 0;
		struct timespec ts = { (time_t)(wait / 1000000000ULL), (long)(wait % 1000000000ULL) };
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (ppoll(&p, 1, &ts, NULL) > 0) {
			uint32_t seq;
			while (recv(fd, &seq, sizeof seq, MSG_DONTWAIT) == sizeof seq) {
				uint64_t back = now_ns();
				if (seq < count && rtt[seq] == 0)
					rtt[seq] = back - sent[seq];
			}
		}
	}
	for (unsigned i = 0; i < count; i++)
		if (rtt[i])
			printf("%.1f\n", rtt[i] / 1000.0);
	free(sent);
	free(rtt);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: see the top of udpblast.c\n");
		return 2;
	}
	struct sockaddr_in sa;
	const char *mode = argv[1];
	int port = atoi(argv[3]);
	if (strcmp(mode, "sink") == 0 && argc == 5)
		return sink(sock_for(argv[2], port, 1, &sa), atof(argv[4]));
	if (strcmp(mode, "send") == 0 && argc == 6)
		return send_flat(sock_for(argv[2], port, 0, &sa), atof(argv[4]), (size_t)atoi(argv[5]));
	if (strcmp(mode, "echo") == 0 && argc == 4)
		return echo(sock_for(argv[2], port, 1, &sa));
	if (strcmp(mode, "ping") == 0 && argc == 6)
		return ping(sock_for(argv[2], port, 0, &sa), atof(argv[4]), (unsigned)atoi(argv[5]));
	fprintf(stderr, "usage: see the top of udpblast.c\n");
	return 2;
}
