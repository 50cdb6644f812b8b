/* Asking a node's DNS server, from inside its own namespace, for its
 * counters (CH TXT stats.dnsim): the readiness check (a server is ready
 * when it answers) and the "queries served" column of `status`. */
#ifndef DNSIM_RUNTIME_PROBE_H
#define DNSIM_RUNTIME_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "io/addr.h"

/* A non-blocking UDP socket opened inside the namespace NAME; fd or -errno. */
int probe_socket(const char *nsname);

/* Send the query with this ID to `to` (port 53 when it has none). */
int probe_send(int fd, const net_addr *to, uint16_t id);

/* The same with another question (no recursion asked): for programs
 * that do not answer ours (runtime/programs.h picks one they do). */
int probe_send_question(int fd, const net_addr *to, uint16_t id, const uint8_t *qname,
			uint16_t qtype, uint16_t qclass);

/* Read one reply: true when it answers query `id` (any rcode but
 * SERVFAIL counts as alive; with want_aa, only an authoritative answer);
 * *queries gets the served count when the answer gives one, else stays
 * untouched. */
bool probe_recv(int fd, uint16_t id, bool want_aa, unsigned long long *queries);

/* One datagram from fd: 1 when it answers (as probe_recv) one of the
 * `count` questions with ids first, first + 1, ... (wrapping); 0 when it
 * does not; -1 when there is none to read. */
int probe_recv_any(int fd, uint16_t first, uint16_t count, bool want_aa,
		   unsigned long long *queries);

/* Send and wait up to timeout_ms for the answer (for `status`). */
bool probe_ask(const char *nsname, const net_addr *to, int timeout_ms,
	       unsigned long long *queries);

/* Ask for the counters: the TXT RDATA of the answer goes to rdata (at
 * most cap octets; *rdlen gets its length), for dns_stats_decode to read.
 * Returns 0, or -1 when the server did not answer or refused. */
int probe_stats(const char *nsname, const net_addr *to, int timeout_ms, uint8_t *rdata,
		size_t cap, size_t *rdlen);

/* One query (RD set, EDNS 1232) from inside namespace ns to `to`, port
 * 53; the reply's length, or 0 with err set when none came within
 * timeout_ms. */
size_t probe_query(const char *ns, const net_addr *to, const uint8_t *qname,
		   uint16_t qtype, uint16_t qclass, uint16_t id, int timeout_ms,
		   uint8_t *reply, size_t cap, char *err, size_t errsz);

/* The same over TCP (for an answer that came truncated over UDP). */
size_t probe_query_tcp(const char *ns, const net_addr *to, const uint8_t *qname,
		       uint16_t qtype, uint16_t qclass, uint16_t id, int timeout_ms,
		       uint8_t *reply, size_t cap, char *err, size_t errsz);

#endif
