/* The CH TXT stats.dnsim probe. */
#include "runtime/probe.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "io/clock.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rrtype.h"
#include "dns/stats_txt.h"
#include "dns/wire.h"
#include "netns/netns.h"

/* A socket of `type` made inside the namespace: an IPv6 one that also
 * speaks IPv4 (mapped addresses). */
static int socket_in(const char *nsname, int type)
{
	int ns = netns_open(nsname);
	if (ns < 0)
		return ns;
	int back = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (back < 0) {
		int e = -errno;
		close(ns);
		return e;
	}
	int fd = -1, rc = 0;
	if (setns(ns, CLONE_NEWNET) < 0)
		rc = -errno;
	else {
		fd = socket(AF_INET6, type | SOCK_CLOEXEC, 0);
		if (fd < 0)
			rc = -errno;
		else {
			int off = 0;
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
		}
		if (setns(back, CLONE_NEWNET) < 0 && rc == 0)
			rc = -errno;
	}
	close(back);
	close(ns);
	if (rc < 0) {
		if (fd >= 0)
			close(fd);
		return rc;
	}
	return fd;
}

int probe_socket(const char *nsname)
{
	return socket_in(nsname, SOCK_DGRAM | SOCK_NONBLOCK);
}

/* `to` as an IPv6 socket address (IPv4 mapped), port 53 unless it has one. */
static void destination(const net_addr *to, struct sockaddr_in6 *dst)
{
	memset(dst, 0, sizeof *dst);
	dst->sin6_family = AF_INET6;
	dst->sin6_port = htons(53);
	if (to->ss.ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)&to->ss;
		dst->sin6_addr.s6_addr[10] = dst->sin6_addr.s6_addr[11] = 0xff;
		memcpy(&dst->sin6_addr.s6_addr[12], &sin->sin_addr, 4);
		if (sin->sin_port)
			dst->sin6_port = sin->sin_port;
	} else {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&to->ss;
		dst->sin6_addr = sin6->sin6_addr;
		if (sin6->sin6_port)
			dst->sin6_port = sin6->sin6_port;
	}
}

int probe_send(int fd, const net_addr *to, uint16_t id)
{
	static const uint8_t question[] = {
		5, 's', 't', 'a', 't', 's', 5, 'd', 'n', 's', 'i', 'm', 0,
		0, 16, /* TXT */ 0, 3, /* CH */
	};
	uint8_t q[12 + sizeof question] = { 0, 0, 0, 0, 0, 1 };
	dns_put16(q, id);
	memcpy(q + 12, question, sizeof question);
	struct sockaddr_in6 dst;
	destination(to, &dst);
	if (sendto(fd, q, sizeof q, 0, (struct sockaddr *)&dst, sizeof dst) < 0)
		return -errno;
	return 0;
}

int probe_send_question(int fd, const net_addr *to, uint16_t id, const uint8_t *qname,
			uint16_t qtype, uint16_t qclass)
{
	uint8_t q[12 + 256 + 4] = { 0, 0, 0, 0, 0, 1 };
	size_t nlen = dns_name_length(qname);
	if (nlen > 256)
		return -EINVAL;
	dns_put16(q, id);
	memcpy(q + 12, qname, nlen);
	dns_put16(q + 12 + nlen, qtype);
	dns_put16(q + 14 + nlen, qclass);
	struct sockaddr_in6 dst;
	destination(to, &dst);
	if (sendto(fd, q, 16 + nlen, 0, (struct sockaddr *)&dst, sizeof dst) < 0)
		return -errno;
	return 0;
}

#define PROBE_REPLY_MAX 1500

/* The "queries" counter of a stats.dnsim answer, when it has one. */
static void served_queries(const uint8_t *reply, size_t len, unsigned long long *queries)
{
	dns_msg m;
	dns_msg_init(&m);
	if (dns_msg_parse(&m, reply, len) == DNS_OK)
		for (size_t i = 0; i < m.count[0]; i++) {
			const dns_rr *rr = &m.rr[0][i];
			dns_stat stats[DNS_STATS_MAX_IN(PROBE_REPLY_MAX)];
			size_t n;
			if (rr->type != DNS_T_TXT ||
			    dns_stats_decode(rr->rdata, rr->rdlen, stats,
					     sizeof stats / sizeof stats[0], &n) != DNS_OK)
				continue;
			const dns_stat *q = dns_stats_find(stats, n, "queries");
			if (q) {
				*queries = q->value;
				break;
			}
		}
	dns_msg_free(&m);
}

int probe_recv_any(int fd, uint16_t first, uint16_t count, bool want_aa,
		   unsigned long long *queries)
{
	uint8_t buf[PROBE_REPLY_MAX];
	ssize_t n = recv(fd, buf, sizeof buf, 0);
	if (n < 0)
		return -1;
	/* Any answer but SERVFAIL shows the server alive, counters or not. */
	if (n < 12 || (uint16_t)(dns_get16(buf) - first) >= count || !(buf[2] & 0x80) ||
	    (buf[3] & 0x0f) == 2 || (want_aa && !(buf[2] & 0x04)))
		return 0;
	served_queries(buf, (size_t)n, queries);
	return 1;
}

bool probe_recv(int fd, uint16_t id, bool want_aa, unsigned long long *queries)
{
	return probe_recv_any(fd, id, 1, want_aa, queries) > 0;
}

int probe_stats(const char *nsname, const net_addr *to, int timeout_ms, uint8_t *rdata,
		size_t cap, size_t *rdlen)
{
	int fd = probe_socket(nsname);
	if (fd < 0)
		return -1;
	uint16_t id = (uint16_t)(getpid() ^ time(NULL) ^ 0x5a5a);
	uint8_t buf[4096];
	ssize_t n = -1;
	if (probe_send(fd, to, id) == 0) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		while (poll(&p, 1, timeout_ms) > 0) {
			n = recv(fd, buf, sizeof buf, 0);
			if (n >= 12 && dns_get16(buf) == id)
				break;
			n = -1;
		}
	}
	close(fd);
	if (n < 12)
		return -1;
	dns_msg m;
	dns_msg_init(&m);
	int rc = -1;
	*rdlen = 0;
	if (dns_msg_parse(&m, buf, (size_t)n) == DNS_OK && dns_msg_rcode(&m) == DNS_R_NOERROR) {
		rc = 0;
		/* The TXT RDATA one after another: strings each, so together they
		 * read as one list. */
		for (size_t i = 0; i < m.count[0]; i++) {
			const dns_rr *rr = &m.rr[0][i];
			if (rr->type != DNS_T_TXT)
				continue;
			if (rr->rdlen > cap - *rdlen)
				break;
			memcpy(rdata + *rdlen, rr->rdata, rr->rdlen);
			*rdlen += rr->rdlen;
		}
	}
	dns_msg_free(&m);
	return rc;
}

bool probe_ask(const char *nsname, const net_addr *to, int timeout_ms,
	       unsigned long long *queries)
{
	int fd = probe_socket(nsname);
	if (fd < 0)
		return false;
	uint16_t id = (uint16_t)(getpid() ^ time(NULL));
	bool ok = false;
	if (probe_send(fd, to, id) == 0) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		while (!ok && poll(&p, 1, timeout_ms) > 0)
			ok = probe_recv(fd, id, false, queries);
	}
	close(fd);
	return ok;
}

size_t probe_query(const char *ns, const net_addr *to, const uint8_t *qname,
		   uint16_t qtype, uint16_t qclass, uint16_t id, int timeout_ms,
		   uint8_t *reply, size_t cap, char *err, size_t errsz)
{
	uint8_t q[512];
	dns_builder b;
	dns_header h = { .id = id, .flags = DNS_F_RD };
	dns_edns e = { .present = true, .udp_size = 1232 };
	if (dns_build_init(&b, q, sizeof q, &h) != DNS_OK ||
	    dns_build_reserve(&b, dns_edns_wire_size(0)) != DNS_OK ||
	    dns_build_question(&b, qname, qtype, qclass) != DNS_OK ||
	    dns_build_edns(&b, &e) != DNS_OK) {
		snprintf(err, errsz, "cannot build the query");
		return 0;
	}
	size_t qlen = dns_build_finish(&b);
	int fd = probe_socket(ns);
	if (fd < 0) {
		snprintf(err, errsz, "cannot open a socket in the client: %s", strerror(-fd));
		return 0;
	}
	struct sockaddr_in6 dst;
	destination(to, &dst);
	size_t got = 0;
	if (sendto(fd, q, qlen, 0, (struct sockaddr *)&dst, sizeof dst) < 0) {
		snprintf(err, errsz, "cannot send: %s", strerror(errno));
	} else {
		long long give_up = clock_ms() + timeout_ms;
		while (got == 0 && clock_ms() < give_up) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			if (poll(&p, 1, (int)(give_up - clock_ms())) <= 0)
				break;
			ssize_t n = recv(fd, reply, cap, 0);
			if (n >= 12 && dns_get16(reply) == id)
				got = (size_t)n;
		}
		if (got == 0)
			snprintf(err, errsz, "no answer within %d ms", timeout_ms);
	}
	close(fd);
	return got;
}


size_t probe_query_tcp(const char *ns, const net_addr *to, const uint8_t *qname,
		       uint16_t qtype, uint16_t qclass, uint16_t id, int timeout_ms,
		       uint8_t *reply, size_t cap, char *err, size_t errsz)
{
	uint8_t q[2 + 512];
	dns_builder b;
	dns_header h = { .id = id, .flags = DNS_F_RD };
	if (dns_build_init(&b, q + 2, sizeof q - 2, &h) != DNS_OK ||
	    dns_build_question(&b, qname, qtype, qclass) != DNS_OK) {
		snprintf(err, errsz, "cannot build the query");
		return 0;
	}
	size_t qlen = dns_build_finish(&b);
	dns_put16(q, (uint16_t)qlen);
	int fd = socket_in(ns, SOCK_STREAM);
	if (fd < 0) {
		snprintf(err, errsz, "cannot open a socket in the client: %s", strerror(-fd));
		return 0;
	}
	struct sockaddr_in6 dst;
	destination(to, &dst);
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	size_t got = 0, want = 0;
	if (connect(fd, (struct sockaddr *)&dst, sizeof dst) < 0 ||
	    write(fd, q, qlen + 2) != (ssize_t)(qlen + 2)) {
		snprintf(err, errsz, "TCP to the resolver: %s", strerror(errno));
	} else {
		uint8_t lenbuf[2];
		size_t have = 0;
		while (have < 2) {
			ssize_t n = read(fd, lenbuf + have, 2 - have);
			if (n <= 0)
				break;
			have += (size_t)n;
		}
		want = have == 2 ? dns_get16(lenbuf) : 0;
		while (want && got < want && want <= cap) {
			ssize_t n = read(fd, reply + got, want - got);
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		if (got != want || want == 0) {
			snprintf(err, errsz, "no whole answer over TCP");
			got = 0;
		}
	}
	close(fd);
	return got;
}
