/* The capture source of the event stream: DNS messages as packets seen
 * in a node's namespace, for programs that write neither our trace nor
 * our query log (Unbound, BIND, ...).  Each packet (IPv4 or IPv6, UDP
 * or TCP, to or from port 53, one whole DNS message) becomes one wire
 * message: who sent it to whom, what it asks, and for a response what
 * it says -- in the words of the resolver's trace ("referral to com.: NS
 * a.gtld-servers.net. (2 glue)", "answer: 1 record", ...), so that a
 * diagram drawn from packets reads like one drawn from our trace.
 * Pure: packets in, messages out; runtime/capture.h reads the packets. */
#ifndef DNSIM_STREAM_CAPTURE_H
#define DNSIM_STREAM_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stream/event.h"

typedef struct wire_msg {
	long long t_ms;                 /* when it was seen */
	bool outgoing;                  /* sent by the node that captured it */
	char src[48], dst[48];          /* addresses, as text */
	uint16_t sport, dport;
	bool tcp;
	uint16_t id;
	bool response;
	char qname[EVENT_QNAME_MAX];    /* "www.example.com." */
	char qtype[16];
	char rcode[16];                 /* responses only */
	event_kind kind;                /* EVENT_QUERY for questions */
	char detail[EVENT_DETAIL_MAX];  /* responses: as a trace diagram labels them */
} wire_msg;

/* Read one IP packet (from its IP header on).  false when it is not one
 * whole DNS message to or from port 53. */
bool capture_parse(const uint8_t *pkt, size_t len, long long t_ms, bool outgoing,
		   wire_msg *out);

/* What a response says, from its parsed fields (dns/msg.h): the kind of
 * event and the label, for responses to a question of qname/qtype.
 * Exposed for the tests and the web view. */
struct dns_msg;
void capture_classify(const struct dns_msg *m, char *detail, size_t n, event_kind *kind);

/* The wire message as an event of the stream ("capture" its source),
 * from and to named by the caller (node names, or the addresses). */
void capture_event(const wire_msg *w, const char *from, const char *to, sim_event *out);

#endif
