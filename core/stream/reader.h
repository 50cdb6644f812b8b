/* From the lines a server writes to the events of the stream (event.h).
 *
 * Each DNS message has one source, so that nothing is seen twice:
 *  - dnsim-resolver's trace (nodes/NODE/trace.jsonl) tells the queries
 *    the resolver sends and what came back ("query", then "referral",
 *    "answer", ..., "timeout"), and when a client's resolution is done;
 *  - dnsim-resolver's query log ("query: CLIENT#PORT udp NAME TYPE RCODE
 *    HOW" in logs/NODE.log) tells what clients asked; the answer to a
 *    client that had to wait is the trace's "done" of its resolution;
 *  - dnsim-auth's query log ("query: PEER#PORT udp NAME TYPE RCODE
 *    flags=qr,aa size=N") tells each query and its answer, unless the
 *    peer is a node that traces what it sends (a dnsim-resolver): that
 *    exchange is already in the peer's trace.
 * Queries a node sends itself (the supervisor's readiness probes, `sim
 * stats`) and queries from loopback are not messages on the wire of the
 * sim and make no event.
 *
 * One reader per server node, fed its lines in order, keeps what it
 * needs to pair replies with queries, in bounded tables (the oldest
 * entries go first).  Pure: lines in, events out. */
#ifndef DNSIM_STREAM_READER_H
#define DNSIM_STREAM_READER_H

#include <stdbool.h>
#include <stddef.h>

#include "stream/event.h"

/* The node that has this address ("198.18.1.4#53", "2001:db8::1#5353" or
 * without the port), or NULL when no node of the sim has it.  *traced is
 * set when that node is a dnsim-resolver (it traces its own queries). */
typedef const char *(*event_name_fn)(void *ctx, const char *addr, bool *traced);

#define READER_PENDING 128     /* requests followed at once per resolver */
#define READER_CLIENTS 128     /* clients waiting for a resolution */

typedef struct reader_request {
	unsigned rq;                      /* the resolver's request id; 0: free */
	bool client;                      /* started by a client (parent 0) */
	bool waiting;                     /* a query sent, no reply yet */
	char server[EVENT_NODE_MAX];
	char asked[EVENT_QNAME_MAX];      /* what the query in flight asks */
	char asked_type[16];
	char qname[EVENT_QNAME_MAX];      /* the request's own name and type */
	char qtype[16];
	char transport[4];
	long long done_at;                /* > 0: done before its client showed */
	char rcode[16];
	long long answers;
} reader_request;

typedef struct reader_client {
	bool used;
	char who[EVENT_NODE_MAX];
	char qname[EVENT_QNAME_MAX];
	char qtype[16];
	char transport[4];
	long long since;
} reader_client;

typedef struct event_reader {
	char node[EVENT_NODE_MAX];
	bool resolver;                    /* dnsim-resolver, else dnsim-auth */
	event_name_fn name;
	void *ctx;
	/* A resolver's tables (NULL for dnsim-auth, which needs none). */
	reader_request *req;             /* READER_PENDING of them */
	size_t next_req;
	reader_client *cl;               /* READER_CLIENTS of them */
	size_t next_cl;
} event_reader;

/* At most this many events come out of one line. */
#define READER_EVENTS_MAX 8

/* A reader for the server on `node` (resolver: dnsim-resolver, else
 * dnsim-auth); false when out of memory.  A resolver's reader holds
 * about a hundred kilobytes, an authoritative server's nothing. */
bool reader_init(event_reader *r, const char *node, bool resolver, event_name_fn name,
		 void *ctx);
void reader_free(event_reader *r);

/* One line of the node's trace (no newline needed); the events it makes
 * go to out (READER_EVENTS_MAX of them at most), their number returned. */
size_t reader_trace_line(event_reader *r, const char *line, size_t len, sim_event *out);

/* One line of the node's log (logs/NODE.log: the server's query log and
 * whatever else it and the supervisor write there), read at `now_ms`. */
size_t reader_log_line(event_reader *r, const char *line, size_t len, long long now_ms,
		       sim_event *out);

/* Clients of the resolver that have waited longer than max_ms for a
 * resolution the trace never finished (the trace was cut, or the reader
 * started in the middle) are forgotten. */
void reader_expire(event_reader *r, long long now_ms, long long max_ms);

#endif
