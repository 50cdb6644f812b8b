/* The sim's one event stream: every DNS message its servers tell of, as
 * one kind of event -- who sent it to whom, when, what it asked or what
 * it said.  The trace view, the web view and anything else that watches
 * the sim read these, whatever the source: dnsim-resolver's trace (the
 * queries it sends and what came back), the query logs of dnsim-auth
 * and dnsim-resolver (the queries they were sent and their answers).
 * stream/reader.h turns those lines into events; this file is the event
 * itself and its JSON.  Pure: text in, text out. */
#ifndef DNSIM_STREAM_EVENT_H
#define DNSIM_STREAM_EVENT_H

#include <stdbool.h>
#include <stddef.h>

/* What the message was; the web view colours arrows by it. */
typedef enum event_kind {
	EVENT_QUERY,       /* a question, toward a server */
	EVENT_REFERRAL,    /* "ask them": NS records, no answer */
	EVENT_ANSWER,      /* the records asked for (or a CNAME to them) */
	EVENT_NXDOMAIN,    /* no such name */
	EVENT_NODATA,      /* the name exists, the type does not */
	EVENT_TIMEOUT,     /* a query nothing answered (or a closed port) */
	EVENT_ERROR,       /* SERVFAIL, REFUSED, FORMERR, an unusable reply */
	EVENT_KINDS
} event_kind;

#define EVENT_NODE_MAX 64      /* a node's name, or an address with port */
#define EVENT_QNAME_MAX 256    /* longer names are cut (the view only) */
#define EVENT_DETAIL_MAX 320   /* as long as a trace diagram's label */

typedef struct sim_event {
	long long t_ms;                  /* monotonic milliseconds (io/clock.h) */
	event_kind kind;
	/* Node names, or the address when no node of the sim has it. */
	char from[EVENT_NODE_MAX], to[EVENT_NODE_MAX];
	char qname[EVENT_QNAME_MAX];
	char qtype[16];
	char rcode[16];                  /* replies: NOERROR, NXDOMAIN, ...; else "" */
	char transport[4];               /* "udp" or "tcp" */
	/* What a trace diagram says of it: "A com.? @198.18.1.4",
	 * "referral to com.: NS a.gtld-servers.net. (4 glue)" */
	char detail[EVENT_DETAIL_MAX];
	char source[12];                 /* "trace", "querylog" or "capture" */
} sim_event;

/* "query", "referral", "answer", "nxdomain", "nodata", "timeout", "error". */
const char *event_kind_name(event_kind k);

/* The event as one JSON object on one line (no newline): its length, or
 * 0 when it does not fit in n. */
size_t event_to_json(const sim_event *e, char *out, size_t n);

/* s as the inside of a JSON string (quotes, backslashes and control
 * characters escaped); its length, or 0 when it does not fit in n
 * (out then holds ""). */
size_t json_escape(const char *s, char *out, size_t n);

/* One value of a flat JSON object on one line, as dnsim-resolver's trace
 * writes them: a string (unescaped into out, cut to fit) or an integer.
 * false when the key is absent. */
bool json_field_str(const char *line, const char *key, char *out, size_t outsz);
bool json_field_num(const char *line, const char *key, long long *out);

/* What a reply event of the resolver's trace ("referral", "answer",
 * "cname", "nxdomain", "nodata", "lame", "truncated", "edns_fallback")
 * says, as a diagram labels it; false for any other event.  *kind gets
 * the kind of the reply. */
bool event_reply_label(const char *ev, const char *line, char *out, size_t n,
		       event_kind *kind);

#endif
