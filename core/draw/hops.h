/* A resolution as a list of hops, read from the resolver's trace (one
 * JSON object per line, see core/resolver/trace.c), and for a host with
 * a caching stub from the stub's trace first: the client's query,
 * each query the resolver sent and what came back (referral, answer,
 * CNAME, NXDOMAIN, truncation, timeout), the DNSSEC key fetches (DNSKEY
 * and DS) and each verdict, and the answer to the client.
 * Pure: text in, hops out; the sequence diagrams are drawn from this. */
#ifndef DNSIM_DRAW_HOPS_H
#define DNSIM_DRAW_HOPS_H

#include <stdbool.h>
#include <stddef.h>

typedef enum hop_kind {
	HOP_QUERY,     /* an arrow there */
	HOP_REPLY,     /* an arrow back */
	HOP_LOST,      /* a query that got no answer */
	HOP_NOTE,      /* something the resolver did on its own */
} hop_kind;

#define HOP_LANE_MAX 48
#define HOP_LABEL_MAX 320

typedef struct hop {
	hop_kind kind;
	char from[HOP_LANE_MAX], to[HOP_LANE_MAX];
	char label[HOP_LABEL_MAX];
	long long at_ms;      /* since the resolver started on it */
	long long took_ms;    /* replies and losses: since their query; else -1 */
} hop;

typedef struct hop_list {
	hop *h;
	size_t n, cap;
	char **lanes;         /* participants, in order of appearance */
	size_t nlanes;
	bool found;           /* the trace held this resolution */
	bool cache_hit;       /* answered from the resolver's cache */
	bool stub_hit;        /* answered from the stub's cache */
	char resolver[HOP_LANE_MAX];   /* the resolver a stub asked last */
	/* DNSSEC: the resolver's verdict on the answer ("secure",
	 * "insecure", "bogus"; empty when it does not validate) and, when
	 * bogus, why. */
	char security[16];
	char security_why[160];
} hop_list;

/* Names a server lane from its address ("198.18.1.4#53"): the node's
 * name, or the address itself when the callback returns NULL. */
typedef const char *(*hop_server_name_fn)(void *ctx, const char *addr);

/* Read the trace lines in text[0..len) (those written after the client
 * asked) and build the hops of the resolution of qname/qtype that the
 * client with query ID `id` started.  `client` and `resolver` name the
 * first two lanes.  The final answer to the client (rcode, records, time)
 * is added by the caller, who saw it.  false when out of memory. */
bool hops_from_trace(const char *text, size_t len, const char *qname,
		     const char *qtype, unsigned id, const char *client,
		     const char *resolver, hop_server_name_fn name, void *ctx,
		     hop_list *out);

/* A resolver's trace lines written since the client asked, by the
 * resolver's lane name: true with the text (which stays the caller's)
 * in *text and *len, false when there is none to read. */
typedef bool (*hop_resolver_trace_fn)(void *ctx, const char *resolver, const char **text,
				      size_t *len);

/* The same for a host with a caching stub: the stub's trace lines
 * (core/stub/stubtrace.c) give the client's question (ID `id`), the
 * stub's cache hit or miss, each resolver it asked and what came back;
 * for each resolver asked, its own trace (through resolver_trace) adds
 * what it did in turn, so the picture has a lane for the application,
 * one for the stub, one for the resolver and one per server the
 * resolver asked: three caches, each seen answering or passing on. */
bool hops_from_stub_trace(const char *text, size_t len, const char *qname,
			  const char *qtype, unsigned id, const char *client,
			  const char *stub, hop_server_name_fn name,
			  hop_resolver_trace_fn resolver_trace, void *ctx, hop_list *out);

struct wire_msg;

/* The same from packets captured in the resolver's namespace (stream/
 * capture.h), for resolvers that write no trace of ours: the client's
 * query with ID `id` starts the resolution, each query the resolver
 * sent to port 53 and the reply that came back are the hops, the
 * resolver's answer to the client ends it.  Queries the resolver got no
 * reply to are losses. */
bool hops_from_wire(const struct wire_msg *w, size_t n, const char *qname, const char *qtype,
		    unsigned id, const char *client, const char *resolver,
		    hop_server_name_fn name, void *ctx, hop_list *out);

/* Append a hop (and its lanes); false when out of memory. */
bool hops_add(hop_list *l, hop_kind kind, const char *from, const char *to,
	      long long at_ms, long long took_ms, const char *label);

void hops_free(hop_list *l);

/* Read one value of a flat JSON object line: a string (unescaped into
 * out) or a number.  false when the key is absent. */
bool hops_json_str(const char *line, const char *key, char *out, size_t outsz);
bool hops_json_num(const char *line, const char *key, long long *out);

#endif
