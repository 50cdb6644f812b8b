/* DNS messages from packets. */
#include "stream/capture.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rrtype.h"
#include "dns/wire.h"

/* A name as text, cut to fit, in lower case: resolvers that randomize
 * the case of their questions (0x20) would otherwise show wWw.ExAmple. */
static void name_text(const uint8_t *name, char *out, size_t n)
{
	if (dns_name_to_text(name, out, n, NULL) != DNS_OK)
		snprintf(out, n, "?");
	for (char *c = out; *c; c++)
		*c = (char)tolower((unsigned char)*c);
}

void capture_classify(const struct dns_msg *m, char *detail, size_t n, event_kind *kind)
{
	char rc[16], a[300];
	dns_rcode_to_text(dns_msg_rcode(m), rc);
	if (m->hdr.flags & DNS_F_TC) {
		snprintf(detail, n, "truncated (TC): ask again over TCP");
		*kind = EVENT_ERROR;
		return;
	}
	if (dns_msg_rcode(m) == DNS_R_NXDOMAIN) {
		snprintf(detail, n, "NXDOMAIN: no such name");
		*kind = EVENT_NXDOMAIN;
		return;
	}
	if (dns_msg_rcode(m) != DNS_R_NOERROR || m->qdcount != 1) {
		snprintf(detail, n, "unusable answer (%s)", rc);
		*kind = EVENT_ERROR;
		return;
	}
	const dns_question *q = &m->question[0];
	/* Follow the CNAMEs from the question's name; count what answers. */
	const uint8_t *owner = q->name;
	char cname[300] = "";
	size_t records = 0;
	for (size_t hop = 0; hop < 16; hop++) {
		const uint8_t *next = NULL;
		for (size_t i = 0; i < m->count[0]; i++) {
			const dns_rr *rr = &m->rr[0][i];
			if (!dns_name_equal(rr->owner, owner))
				continue;
			if (rr->type == q->qtype || q->qtype == DNS_T_ANY)
				records++;
			else if (rr->type == DNS_T_CNAME && next == NULL) {
				next = rr->rdata;
				if (hop == 0)
					name_text(rr->rdata, cname, sizeof cname);
			}
		}
		if (records || next == NULL)
			break;
		owner = next;
	}
	if (cname[0] && records) {
		snprintf(detail, n, "CNAME to %.200s; answer: %zu record%s", cname, records,
			 records == 1 ? "" : "s");
		*kind = EVENT_ANSWER;
		return;
	}
	if (cname[0]) {
		snprintf(detail, n, "CNAME to %.250s", cname);
		*kind = EVENT_ANSWER;
		return;
	}
	if (records) {
		snprintf(detail, n, "answer: %zu record%s", records, records == 1 ? "" : "s");
		*kind = EVENT_ANSWER;
		return;
	}
	/* No answer: a referral names the servers of a zone below. */
	const uint8_t *zone = NULL;
	char names[200] = "";
	size_t used = 0, glue = 0;
	bool soa = false;
	for (size_t i = 0; i < m->count[1]; i++) {
		const dns_rr *rr = &m->rr[1][i];
		soa = soa || rr->type == DNS_T_SOA;
		if (rr->type != DNS_T_NS || (zone && !dns_name_equal(zone, rr->owner)))
			continue;
		zone = rr->owner;
		name_text(rr->rdata, a, sizeof a);
		int w = snprintf(names + used, sizeof names - used, "%s%s", used ? " " : "", a);
		if (w > 0 && (size_t)w < sizeof names - used)
			used += (size_t)w;
		for (size_t k = 0; k < m->count[2]; k++) {
			const dns_rr *g = &m->rr[2][k];
			glue += (g->type == DNS_T_A || g->type == DNS_T_AAAA) &&
				dns_name_equal(g->owner, rr->rdata);
		}
	}
	if (zone && !soa && !(m->hdr.flags & DNS_F_AA)) {
		name_text(zone, a, sizeof a);
		snprintf(detail, n, "referral to %.80s: NS %.180s (%zu glue)", a, names, glue);
		*kind = EVENT_REFERRAL;
		return;
	}
	if (soa || (m->hdr.flags & DNS_F_AA)) {
		snprintf(detail, n, "NODATA: the name has no such record");
		*kind = EVENT_NODATA;
		return;
	}
	snprintf(detail, n, "unusable answer (%s, nothing in it)", rc);
	*kind = EVENT_ERROR;
}

bool capture_parse(const uint8_t *pkt, size_t len, long long t_ms, bool outgoing,
		   wire_msg *out)
{
	memset(out, 0, sizeof *out);
	if (len < 20)
		return false;
	unsigned version = pkt[0] >> 4, proto;
	size_t off;
	if (version == 4) {
		size_t ihl = (size_t)(pkt[0] & 15) * 4;
		size_t total = dns_get16(pkt + 2);
		/* Fragments are not whole messages. */
		if (ihl < 20 || total < ihl || total > len || (dns_get16(pkt + 6) & 0x3fff))
			return false;
		len = total;
		proto = pkt[9];
		inet_ntop(AF_INET, pkt + 12, out->src, sizeof out->src);
		inet_ntop(AF_INET, pkt + 16, out->dst, sizeof out->dst);
		off = ihl;
	} else if (version == 6) {
		if (len < 40 || 40 + (size_t)dns_get16(pkt + 4) > len)
			return false;
		len = 40 + (size_t)dns_get16(pkt + 4);
		proto = pkt[6];
		inet_ntop(AF_INET6, pkt + 8, out->src, sizeof out->src);
		inet_ntop(AF_INET6, pkt + 24, out->dst, sizeof out->dst);
		off = 40;
	} else {
		return false;
	}
	const uint8_t *msg;
	size_t mlen;
	if (proto == 17) {
		if (len < off + 8)
			return false;
		out->sport = dns_get16(pkt + off);
		out->dport = dns_get16(pkt + off + 2);
		msg = pkt + off + 8;
		mlen = len - off - 8;
	} else if (proto == 6) {
		if (len < off + 20)
			return false;
		out->sport = dns_get16(pkt + off);
		out->dport = dns_get16(pkt + off + 2);
		size_t doff = (size_t)(pkt[off + 12] >> 4) * 4;
		if (doff < 20 || len < off + doff + 2)
			return false;
		/* One whole message, length first, in this segment. */
		const uint8_t *payload = pkt + off + doff;
		size_t plen = len - off - doff;
		mlen = dns_get16(payload);
		if (mlen + 2 != plen)
			return false;
		msg = payload + 2;
		out->tcp = true;
	} else {
		return false;
	}
	if (out->sport != 53 && out->dport != 53)
		return false;
	dns_msg m;
	dns_msg_init(&m);
	if (dns_msg_parse(&m, msg, mlen) != DNS_OK || m.qdcount != 1 ||
	    m.hdr.opcode != DNS_OP_QUERY) {
		dns_msg_free(&m);
		return false;
	}
	out->t_ms = t_ms;
	out->outgoing = outgoing;
	out->id = m.hdr.id;
	out->response = (m.hdr.flags & DNS_F_QR) != 0;
	name_text(m.question[0].name, out->qname, sizeof out->qname);
	char t[DNS_MNEMONIC_MAX];
	snprintf(out->qtype, sizeof out->qtype, "%s", dns_type_to_text(m.question[0].qtype, t));
	if (out->response) {
		dns_rcode_to_text(dns_msg_rcode(&m), out->rcode);
		capture_classify(&m, out->detail, sizeof out->detail, &out->kind);
	} else {
		out->kind = EVENT_QUERY;
		snprintf(out->detail, sizeof out->detail, "%.15s %.250s? @%.47s", out->qtype,
			 out->qname, out->dst);
	}
	dns_msg_free(&m);
	return true;
}

void capture_event(const wire_msg *w, const char *from, const char *to, sim_event *out)
{
	memset(out, 0, sizeof *out);
	out->t_ms = w->t_ms;
	out->kind = w->kind;
	snprintf(out->from, sizeof out->from, "%s", from);
	snprintf(out->to, sizeof out->to, "%s", to);
	snprintf(out->qname, sizeof out->qname, "%s", w->qname);
	snprintf(out->qtype, sizeof out->qtype, "%s", w->qtype);
	snprintf(out->rcode, sizeof out->rcode, "%s", w->rcode);
	snprintf(out->transport, sizeof out->transport, "%s", w->tcp ? "tcp" : "udp");
	snprintf(out->detail, sizeof out->detail, "%s", w->detail);
	snprintf(out->source, sizeof out->source, "capture");
}
