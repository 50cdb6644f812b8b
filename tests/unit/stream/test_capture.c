/* DNS messages from captured packets: IPv4 and IPv6, UDP and TCP, what
 * each response says in the words of the resolver's trace, and the
 * packets that are not one whole DNS message. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rrtype.h"
#include "dns/wire.h"
#include "stream/capture.h"

static dns_name wire_name(const char *text)
{
	dns_name n;
	dns_name_from_text(&n, text, strlen(text), dns_name_root);
	return n;
}

typedef struct rec {
	int section;
	const char *owner;
	uint16_t type;
	const char *target;     /* NS, CNAME: a name; A: an address */
} rec;

/* A DNS message: the question and the records. */
static size_t message(uint8_t *buf, size_t cap, uint16_t id, uint16_t flags, unsigned rcode,
		      const char *qname, uint16_t qtype, const rec *recs, size_t nrecs)
{
	dns_builder b;
	dns_header h = { .id = id, .flags = flags, .rcode = (uint8_t)rcode };
	dns_name q = wire_name(qname);
	dns_build_init(&b, buf, cap, &h);
	dns_build_question(&b, q.data, qtype, DNS_C_IN);
	for (size_t i = 0; i < nrecs; i++) {
		dns_name owner = wire_name(recs[i].owner), target;
		uint8_t addr[4] = { 198, 51, 100, 7 };
		dns_rr rr = { owner.data, recs[i].type, DNS_C_IN, 300, 0, NULL };
		uint8_t soa[2 * DNS_NAME_MAXLEN + 20];
		if (recs[i].type == DNS_T_A) {
			rr.rdata = addr;
			rr.rdlen = 4;
		} else if (recs[i].type == DNS_T_SOA) {
			/* MNAME and RNAME the target, five numbers after. */
			target = wire_name(recs[i].target);
			size_t tl = dns_name_length(target.data);
			memcpy(soa, target.data, tl);
			memcpy(soa + tl, target.data, tl);
			memset(soa + 2 * tl, 0, 20);
			soa[2 * tl + 3] = 1;
			rr.rdata = soa;
			rr.rdlen = (uint16_t)(2 * tl + 20);
		} else {
			target = wire_name(recs[i].target);
			rr.rdata = target.data;
			rr.rdlen = (uint16_t)dns_name_length(target.data);
		}
		CHECK(dns_build_rr(&b, recs[i].section, &rr) == DNS_OK);
	}
	return dns_build_finish(&b);
}

/* The message in an IPv4 packet from 198.18.0.53:4000 to 203.0.113.10:53
 * (reversed for a response), over UDP or TCP. */
static size_t packet4(uint8_t *pkt, const uint8_t *msg, size_t mlen, bool response, bool tcp)
{
	size_t l4 = tcp ? 20 + 2 : 8, total = 20 + l4 + mlen;
	memset(pkt, 0, 20 + l4);
	pkt[0] = 0x45;
	dns_put16(pkt + 2, (uint16_t)total);
	pkt[9] = tcp ? 6 : 17;
	uint8_t a[4] = { 198, 18, 0, 53 }, b[4] = { 203, 0, 113, 10 };
	memcpy(pkt + 12, response ? b : a, 4);
	memcpy(pkt + 16, response ? a : b, 4);
	dns_put16(pkt + 20, response ? 53 : 4000);
	dns_put16(pkt + 22, response ? 4000 : 53);
	if (tcp) {
		pkt[32] = 5 << 4;
		dns_put16(pkt + 40, (uint16_t)mlen);
	} else {
		dns_put16(pkt + 24, (uint16_t)(8 + mlen));
	}
	memcpy(pkt + 20 + l4, msg, mlen);
	return total;
}

static void test_query_and_referral(void)
{
	uint8_t msg[512], pkt[600];
	wire_msg w;
	size_t ml = message(msg, sizeof msg, 77, 0, 0, "www.example.com", DNS_T_A, NULL, 0);
	CHECK(capture_parse(pkt, packet4(pkt, msg, ml, false, false), 1000, true, &w));
	CHECK(!w.response && w.outgoing && w.id == 77 && !w.tcp);
	CHECK_STR(w.src, "198.18.0.53");
	CHECK_STR(w.dst, "203.0.113.10");
	CHECK_INT(w.sport, 4000);
	CHECK_INT(w.dport, 53);
	CHECK_STR(w.qname, "www.example.com.");
	CHECK_STR(w.qtype, "A");
	CHECK_INT(w.kind, EVENT_QUERY);
	CHECK_STR(w.detail, "A www.example.com.? @203.0.113.10");

	static const rec referral[] = {
		{ DNS_SEC_AUTHORITY, "CoM.", DNS_T_NS, "a.gtld-servers.net." },
		{ DNS_SEC_AUTHORITY, "com.", DNS_T_NS, "b.gtld-servers.net." },
		{ DNS_SEC_ADDITIONAL, "a.gtld-servers.net.", DNS_T_A, NULL },
		{ DNS_SEC_ADDITIONAL, "b.gtld-servers.net.", DNS_T_A, NULL },
	};
	ml = message(msg, sizeof msg, 77, DNS_F_QR, 0, "WWW.example.com", DNS_T_A, referral, 4);
	CHECK(capture_parse(pkt, packet4(pkt, msg, ml, true, false), 1002, false, &w));
	CHECK(w.response && !w.outgoing && w.t_ms == 1002);
	CHECK_STR(w.qname, "www.example.com.");
	CHECK_STR(w.rcode, "NOERROR");
	CHECK_INT(w.kind, EVENT_REFERRAL);
	CHECK_STR(w.detail, "referral to com.: NS a.gtld-servers.net. b.gtld-servers.net. (2 glue)");
}

static void test_what_responses_say(void)
{
	uint8_t msg[512], pkt[600];
	wire_msg w;
	static const rec answer[] = { { DNS_SEC_ANSWER, "www.example.com.", DNS_T_A, NULL } };
	size_t ml = message(msg, sizeof msg, 1, DNS_F_QR | DNS_F_AA, 0, "www.example.com", DNS_T_A,
			    answer, 1);
	CHECK(capture_parse(pkt, packet4(pkt, msg, ml, true, false), 0, false, &w));
	CHECK_INT(w.kind, EVENT_ANSWER);
	CHECK_STR(w.detail, "answer: 1 record");

	static const rec chain[] = {
		{ DNS_SEC_ANSWER, "blog.example.com.", DNS_T_CNAME, "www.example.com." },
		{ DNS_SEC_ANSWER, "www.example.com.", DNS_T_A, NULL },
	};
	ml = message(msg, sizeof msg, 1, DNS_F_QR | DNS_F_AA, 0, "blog.example.com", DNS_T_A,
		     chain, 2);
	CHECK(capture_parse(pkt, packet4(pkt, msg, ml, true, false), 0, false, &w));
	CHECK_STR(w.detail, "CNAME to www.example.com.; answer: 1 record");
	ml = message(msg, sizeof msg, 1, DNS_F_QR | DNS_F_AA, 0, "blog.example.com", DNS_T_A,
		     chain, 1);
	CHECK(capture_parse(pkt, packet4(pkt, msg, ml, true, false), 0, false, &w));
	CHECK_STR(w.detail, "CNAME to www.example.com.");

	rec s = { DNS_SEC_AUTHORITY, "example.com.", DNS_T_SOA, "ns1.example.com." };
	ml = message(msg, sizeof msg, 1, DNS_F_QR | DNS_F_AA, 3, "nope.example.com", DNS_T_A, &s, 1);
	CHECK(capture_parse(pkt, packet4(pkt, msg, ml, true, false), 0, false, &w));
	CHECK_INT(w.kind, EVENT_NXDOMAIN);
	CHECK_STR(w.rcode, "NXDOMAIN");
	ml = message(msg, sizeof msg, 1, DNS_F_QR | DNS_F_AA, 0, "www.example.com", DNS_T_MX, &s, 1);
	CHECK(capture_parse(pkt, packet4(pkt, msg, ml, true, false), 0, false, &w));
	CHECK_INT(w.kind, EVENT_NODATA);
	ml = message(msg, sizeof msg, 1, DNS_F_QR, 5, "www.example.com", DNS_T_A, NULL, 0);
	CHECK(capture_parse(pkt, packet4(pkt, msg, ml, true, false), 0, false, &w));
	CHECK_INT(w.kind, EVENT_ERROR);
	CHECK_STR(w.detail, "unusable answer (REFUSED)");
	ml = message(msg, sizeof msg, 1, DNS_F_QR | DNS_F_TC, 0, "www.example.com", DNS_T_A, NULL, 0);
	CHECK(capture_parse(pkt, packet4(pkt, msg, ml, true, false), 0, false, &w));
	CHECK_STR(w.detail, "truncated (TC): ask again over TCP");
}

static void test_tcp_and_ipv6(void)
{
	uint8_t msg[512], pkt[600];
	wire_msg w;
	size_t ml = message(msg, sizeof msg, 9, 0, 0, "example.com", DNS_T_NS, NULL, 0);
	size_t pl = packet4(pkt, msg, ml, false, true);
	CHECK(capture_parse(pkt, pl, 0, true, &w));
	CHECK(w.tcp && w.id == 9);
	/* A segment holding part of a message is not one. */
	pkt[41]++;
	CHECK(!capture_parse(pkt, pl, 0, true, &w));

	uint8_t v6[600] = { 0x60 };
	dns_put16(v6 + 4, (uint16_t)(8 + ml));
	v6[6] = 17;
	v6[8] = 0x20, v6[9] = 0x01, v6[10] = 0x0d, v6[11] = 0xb8, v6[23] = 0x53;
	v6[24] = 0x20, v6[25] = 0x01, v6[26] = 0x0d, v6[27] = 0xb8, v6[39] = 0x10;
	dns_put16(v6 + 40, 5353);
	dns_put16(v6 + 42, 53);
	dns_put16(v6 + 44, (uint16_t)(8 + ml));
	memcpy(v6 + 48, msg, ml);
	CHECK(capture_parse(v6, 48 + ml, 0, true, &w));
	CHECK_STR(w.src, "2001:db8::53");
	CHECK_STR(w.dst, "2001:db8::10");
	CHECK_STR(w.qtype, "NS");
	/* Not port 53: not ours to read. */
	dns_put16(v6 + 42, 80);
	CHECK(!capture_parse(v6, 48 + ml, 0, true, &w));
}

static void test_not_dns(void)
{
	uint8_t pkt[600] = { 0x45 };
	wire_msg w;
	CHECK(!capture_parse(pkt, 10, 0, true, &w));
	/* Length fields beyond the packet. */
	dns_put16(pkt + 2, 500);
	CHECK(!capture_parse(pkt, 60, 0, true, &w));
	/* A fragment. */
	uint8_t msg[512];
	size_t ml = message(msg, sizeof msg, 1, 0, 0, "example.com", DNS_T_A, NULL, 0);
	size_t pl = packet4(pkt, msg, ml, false, false);
	pkt[6] = 0x20;
	CHECK(!capture_parse(pkt, pl, 0, true, &w));
	pkt[6] = 0;
	/* Garbage where the message should be. */
	memset(pkt + 28, 0xff, pl - 28);
	CHECK(!capture_parse(pkt, pl, 0, true, &w));
	pkt[0] = 0x75;
	CHECK(!capture_parse(pkt, pl, 0, true, &w));
}

static void test_event(void)
{
	uint8_t msg[512], pkt[600];
	wire_msg w;
	size_t ml = message(msg, sizeof msg, 77, 0, 0, "www.example.com", DNS_T_A, NULL, 0);
	CHECK(capture_parse(pkt, packet4(pkt, msg, ml, false, false), 1000, true, &w));
	sim_event e;
	capture_event(&w, "resolver", "a-root", &e);
	char json[1024];
	CHECK(event_to_json(&e, json, sizeof json) > 0);
	CHECK(strstr(json, "\"from\":\"resolver\",\"to\":\"a-root\",\"qname\":\"www.example.com.\"") != NULL);
	CHECK(strstr(json, "\"source\":\"capture\"") != NULL);
}

int main(void)
{
	RUN(test_query_and_referral);
	RUN(test_what_responses_say);
	RUN(test_tcp_and_ipv6);
	RUN(test_not_dns);
	RUN(test_event);
	return check_summary("capture");
}
