/* Zone transfers in: the SOA check and the transfer, in a thread. */
#include "xfrin.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dns/ixfr.h"
#include "dns/msg.h"
#include "dns/serial.h"
#include "dns/soa.h"
#include "dns/wire.h"

#define SOA_TIMEOUT_MS 2000
#define SOA_TRIES 2
#define CONNECT_TIMEOUT_MS 5000
#define READ_TIMEOUT_MS 10000
/* A zone larger than this is refused rather than held in memory. */
#define XFR_RECORDS_MAX 5000000u

static uint16_t random_id(void)
{
	uint16_t id = 0;
	if (getrandom(&id, sizeof id, 0) != (ssize_t)sizeof id)
		id = (uint16_t)(time(NULL) ^ (uintptr_t)&id);
	return id;
}

/* The question (and for IXFR our SOA in the authority section), signed
 * with the key when there is one.  Returns the length, 0 on failure. */
static size_t build_query(const xfrin_job *j, const xfrin_primary *p, uint16_t qtype,
			  uint16_t id, uint8_t *buf, size_t cap, uint8_t *mac, size_t *maclen)
{
	dns_builder b;
	dns_header h = { .id = id };
	if (dns_build_init(&b, buf, cap - TSIG_RR_MAX, &h) != DNS_OK ||
	    dns_build_question(&b, j->origin.data, qtype, DNS_C_IN) != DNS_OK)
		return 0;
	if (qtype == DNS_T_IXFR) {
		dns_rr soa = { j->origin.data, DNS_T_SOA, DNS_C_IN, 0, j->soalen, j->soa };
		if (dns_build_rr(&b, DNS_SEC_AUTHORITY, &soa) != DNS_OK)
			return 0;
	}
	size_t len = dns_build_finish(&b);
	*maclen = 0;
	if (p->has_key) {
		if (tsig_sign(buf, len, cap, &p->key, (uint64_t)time(NULL), NULL, 0, 0, NULL, 0, &len,
			      mac) != DNS_OK)
			return 0;
		*maclen = tsig_alg_maclen(p->key.alg);
	}
	return len;
}

static const char *tsig_error_name(int e)
{
	switch (e) {
	case TSIG_BADSIG: return "BADSIG";
	case TSIG_BADKEY: return "BADKEY";
	case TSIG_BADTIME: return "BADTIME";
	default: return "bad TSIG";
	}
}

/* An answer's TSIG, checked against what the request was signed with:
 * true when it holds (or no key is used); false with msg set. */
static bool check_answer_tsig(xfrin_job *j, const xfrin_primary *p, const uint8_t *msg,
			      size_t len, const uint8_t *mac, size_t maclen)
{
	if (!p->has_key)
		return true;
	tsig_record rec;
	int found = tsig_find(msg, len, &rec);
	if (found <= 0) {
		snprintf(j->msg, sizeof j->msg, "%s: the answer is not signed with key %s", j->from,
			 "of the zone");
		return false;
	}
	if (rec.error) {
		snprintf(j->msg, sizeof j->msg, "%s refused our key: TSIG error %s", j->from,
			 tsig_error_name(rec.error));
		return false;
	}
	int e = tsig_verify(msg, len, &rec, &p->key, (uint64_t)time(NULL), mac, maclen);
	if (e) {
		snprintf(j->msg, sizeof j->msg, "%s: the answer's TSIG does not verify (%s)", j->from,
			 tsig_error_name(e));
		return false;
	}
	return true;
}

static int socket_for(const net_addr *a, int type)
{
	return socket(a->ss.ss_family, type | SOCK_CLOEXEC, 0);
}

/* Ask p for the zone's SOA: true with *serial, or false with j->msg. */
static bool ask_soa(xfrin_job *j, const xfrin_primary *p, uint32_t *serial)
{
	int fd = socket_for(&p->addr, SOCK_DGRAM);
	if (fd < 0 || connect(fd, (const struct sockaddr *)&p->addr.ss, p->addr.len) < 0) {
		snprintf(j->msg, sizeof j->msg, "%s: %s", j->from, strerror(errno));
		if (fd >= 0)
			close(fd);
		return false;
	}
	bool ok = false;
	snprintf(j->msg, sizeof j->msg, "%s did not answer the SOA query", j->from);
	for (int t = 0; t < SOA_TRIES && !ok; t++) {
		uint8_t q[1024], r[4096], mac[TSIG_MAC_MAX];
		size_t maclen;
		uint16_t id = random_id();
		size_t qlen = build_query(j, p, DNS_T_SOA, id, q, sizeof q, mac, &maclen);
		if (qlen == 0 || send(fd, q, qlen, 0) < 0) {
			snprintf(j->msg, sizeof j->msg, "%s: cannot send: %s", j->from, strerror(errno));
			break;
		}
		struct pollfd pfd = { fd, POLLIN, 0 };
		while (poll(&pfd, 1, SOA_TIMEOUT_MS) == 1) {
			ssize_t n = recv(fd, r, sizeof r, 0);
			if (n < 0) {
				snprintf(j->msg, sizeof j->msg, "%s: %s", j->from, strerror(errno));
				t = SOA_TRIES;
				break;
			}
			dns_msg m;
			dns_msg_init(&m);
			if (dns_msg_parse(&m, r, (size_t)n) != DNS_OK || m.hdr.id != id ||
			    !(m.hdr.flags & DNS_F_QR)) {
				dns_msg_free(&m);
				continue;       /* not the answer to this query */
			}
			char rc[DNS_MNEMONIC_MAX];
			const dns_rr *soa = NULL;
			for (size_t i = 0; i < m.count[0]; i++)
				if (m.rr[0][i].type == DNS_T_SOA &&
				    dns_name_equal(m.rr[0][i].owner, j->origin.data))
					soa = &m.rr[0][i];
			dns_soa f;
			if (!check_answer_tsig(j, p, r, (size_t)n, mac, maclen)) {
				/* j->msg says why */
			} else if (dns_msg_rcode(&m) != DNS_R_NOERROR || soa == NULL ||
				   !(m.hdr.flags & DNS_F_AA) ||
				   dns_soa_read(soa->rdata, soa->rdlen, &f) != DNS_OK) {
				snprintf(j->msg, sizeof j->msg, "%s answered the SOA query with %s%s",
					 j->from, dns_rcode_to_text(dns_msg_rcode(&m), rc),
					 soa ? "" : " and no SOA (is it authoritative for the zone?)");
			} else {
				*serial = f.serial;
				ok = true;
			}
			dns_msg_free(&m);
			t = SOA_TRIES;      /* an answer, good or bad, ends the tries */
			break;
		}
	}
	close(fd);
	return ok;
}

static bool connect_timeout(int fd, const net_addr *a)
{
	int flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return false;
	if (connect(fd, (const struct sockaddr *)&a->ss, a->len) < 0) {
		if (errno != EINPROGRESS)
			return false;
		struct pollfd pfd = { fd, POLLOUT, 0 };
		int err = 0;
		socklen_t el = sizeof err;
		if (poll(&pfd, 1, CONNECT_TIMEOUT_MS) != 1 ||
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0 || err) {
			errno = err ? err : ETIMEDOUT;
			return false;
		}
	}
	return fcntl(fd, F_SETFL, flags) == 0;
}

/* Read exactly n octets within the timeout. */
static bool read_all(int fd, uint8_t *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		if (poll(&pfd, 1, READ_TIMEOUT_MS) != 1) {
			errno = ETIMEDOUT;
			return false;
		}
		ssize_t r = recv(fd, buf + got, n - got, 0);
		if (r <= 0) {
			if (r == 0)
				errno = ECONNRESET;
			return false;
		}
		got += (size_t)r;
	}
	return true;
}

/* The transfer itself over TCP: 1 records read, 0 failed (j->msg), -1
 * an IXFR the primary would not do (try AXFR). */
static int transfer(xfrin_job *j, const xfrin_primary *p, uint16_t qtype)
{
	dns_zonedata_free(&j->records);
	dns_zonedata_init(&j->records, j->origin.data, DNS_C_IN);
	j->messages = 0;
	int fd = socket_for(&p->addr, SOCK_STREAM);
	if (fd < 0 || !connect_timeout(fd, &p->addr)) {
		snprintf(j->msg, sizeof j->msg, "%s: cannot connect over TCP: %s", j->from,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return 0;
	}
	uint8_t q[1024 + 2], mac[TSIG_MAC_MAX];
	size_t maclen;
	uint16_t id = random_id();
	size_t qlen = build_query(j, p, qtype, id, q + 2, sizeof q - 2, mac, &maclen);
	dns_put16(q, (uint16_t)qlen);
	if (qlen == 0 || send(fd, q, qlen + 2, MSG_NOSIGNAL) != (ssize_t)(qlen + 2)) {
		snprintf(j->msg, sizeof j->msg, "%s: cannot send the %s query", j->from,
			 qtype == DNS_T_IXFR ? "IXFR" : "AXFR");
		close(fd);
		return 0;
	}
	tsig_stream ts;
	tsig_stream_init(&ts, p->has_key ? &p->key : NULL, mac, maclen);
	dns_xfr_track track;
	dns_xfr_track_init(&track);
	uint8_t *buf = malloc(65536);
	dns_msg m;
	dns_msg_init(&m);
	int rc = 0;
	char rcb[DNS_MNEMONIC_MAX];
	const char *what = qtype == DNS_T_IXFR ? "IXFR" : "AXFR";
	while (buf && !track.done) {
		uint8_t lb[2];
		if (!read_all(fd, lb, 2) || !read_all(fd, buf, dns_get16(lb))) {
			snprintf(j->msg, sizeof j->msg, "%s: the %s stopped after %zu messages: %s",
				 j->from, what, j->messages, strerror(errno));
			break;
		}
		size_t len = dns_get16(lb);
		j->messages++;
		if (dns_msg_parse(&m, buf, len) != DNS_OK || m.hdr.id != id ||
		    !(m.hdr.flags & DNS_F_QR)) {
			snprintf(j->msg, sizeof j->msg, "%s: message %zu of the %s does not parse",
				 j->from, j->messages, what);
			break;
		}
		unsigned rcode = dns_msg_rcode(&m);
		if (p->has_key) {
			int e = tsig_stream_verify(&ts, buf, len, (uint64_t)time(NULL));
			if (e) {
				tsig_record rec;
				bool told = tsig_find(buf, len, &rec) == 1 && rec.error;
				snprintf(j->msg, sizeof j->msg, "%s: message %zu of the %s: %s%s",
					 j->from, j->messages, what,
					 told ? "the primary refused our key, TSIG error "
					      : "TSIG does not verify, ",
					 tsig_error_name(told ? rec.error : e));
				break;
			}
		}
		if (rcode != DNS_R_NOERROR) {
			if (qtype == DNS_T_IXFR && j->messages == 1 &&
			    (rcode == DNS_R_NOTIMP || rcode == DNS_R_FORMERR)) {
				rc = -1;
				break;
			}
			snprintf(j->msg, sizeof j->msg, "%s answered the %s with %s", j->from, what,
				 dns_rcode_to_text(rcode, rcb));
			break;
		}
		bool ok = true;
		for (size_t i = 0; ok && i < m.count[0]; i++) {
			dns_xfr_track_rr(&track, &m.rr[0][i]);
			if (track.error || j->records.n >= XFR_RECORDS_MAX)
				ok = false;
			else if (m.rr[0][i].rclass == DNS_C_IN)
				ok = dns_zonedata_add(&j->records, &m.rr[0][i], "transfer", 0);
		}
		if (!ok) {
			snprintf(j->msg, sizeof j->msg, "%s: the %s is not a zone transfer (records "
				 "out of order, or more than %u)", j->from, what, XFR_RECORDS_MAX);
			break;
		}
		dns_xfr_message_end(&track, qtype == DNS_T_IXFR, j->serial);
		if (track.done) {
			if (p->has_key && !tsig_stream_ends_signed(&ts)) {
				snprintf(j->msg, sizeof j->msg, "%s: the %s's last message is not "
					 "signed", j->from, what);
				break;
			}
			rc = 1;
		}
	}
	dns_msg_free(&m);
	free(buf);
	tsig_stream_free(&ts);
	close(fd);
	return rc;
}

static void *run(void *arg)
{
	xfrin_job *j = arg;
	j->result = XFRIN_FAILED;
	snprintf(j->msg, sizeof j->msg, "no primary");
	for (size_t i = 0; i < j->nprimaries; i++) {
		const xfrin_primary *p = &j->primaries[i];
		net_addr_format((const struct sockaddr *)&p->addr.ss, j->from, sizeof j->from);
		uint32_t serial;
		if (!ask_soa(j, p, &serial))
			continue;
		j->primary_serial = serial;
		if (j->have_data && dns_serial_compare(serial, j->serial) != DNS_SERIAL_GREATER) {
			j->result = XFRIN_UPTODATE;
			break;
		}
		bool ixfr = j->have_data && !j->axfr_only;
		int rc = transfer(j, p, ixfr ? DNS_T_IXFR : DNS_T_AXFR);
		if (rc < 0) {
			ixfr = false;
			rc = transfer(j, p, DNS_T_AXFR);
		}
		if (rc > 0) {
			j->ixfr = ixfr;
			j->result = XFRIN_RECORDS;
			break;
		}
	}
	atomic_store(&j->done, true);
	uint64_t one = 1;
	if (write(j->wake_fd, &one, sizeof one) < 0) {
		/* The eventfd cannot overflow at one write per job; the
		 * server also looks for done jobs on every timer. */
	}
	return NULL;
}

bool xfrin_start(xfrin_job *j, int wake_fd)
{
	j->wake_fd = wake_fd;
	atomic_init(&j->done, false);
	dns_zonedata_init(&j->records, j->origin.data, DNS_C_IN);
	return pthread_create(&j->thread, NULL, run, j) == 0;
}

void xfrin_join(xfrin_job *j)
{
	(void)pthread_join(j->thread, NULL);
}

void xfrin_free(xfrin_job *j)
{
	dns_zonedata_free(&j->records);
}
