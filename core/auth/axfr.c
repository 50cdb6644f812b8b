/* AXFR responses. */
#include "axfr.h"

#include <stdlib.h>
#include <string.h>

#include "dns/msg.h"

/* Messages of a transfer stay well under the 64 KiB TCP limit, as BIND
 * and NSD keep them, so a client's buffers never strain. */
#define AXFR_MSG_TARGET 16384

/* Room kept at the end of each message for its TSIG. */
#define MSG_MAX (65535 - TSIG_RR_MAX)

struct xfr {
	uint8_t buf[65535];
	dns_builder b;
	dns_header h;
	const dns_question *q;
	bool first;
	size_t total;
	const xfr_out *out;
	dns_msg m;
};

static void start(struct xfr *x, size_t limit)
{
	(void)dns_build_init(&x->b, x->buf, limit, &x->h);
	if (x->first && x->q)
		(void)dns_build_question(&x->b, x->q->name, x->q->qtype,
					 x->q->qclass);
	x->first = false;
}

static void flush(struct xfr *x)
{
	size_t len = dns_build_finish(&x->b);
	if (x->out->sign &&
	    tsig_stream_sign(x->out->sign, x->buf, len, sizeof x->buf, x->out->now, &len) != DNS_OK)
		return;   /* cannot happen: the room was kept */
	x->out->emit(x->out->ctx, x->buf, len);
	x->total += len;
}

static void add(void *ctx, const dns_rr *rr)
{
	struct xfr *x = ctx;
	if (dns_build_rr(&x->b, DNS_SEC_ANSWER, rr) == DNS_OK)
		return;
	/* Full: send what we have and put the record in a fresh message,
	 * one as large as TCP allows if the record needs it. */
	if (x->b.count[1] > 0)
		flush(x);
	start(x, AXFR_MSG_TARGET);
	if (dns_build_rr(&x->b, DNS_SEC_ANSWER, rr) == DNS_OK)
		return;
	start(x, MSG_MAX);
	(void)dns_build_rr(&x->b, DNS_SEC_ANSWER, rr);
}

static struct xfr *begin(const uint8_t *query, size_t qlen, const xfr_out *out)
{
	struct xfr *x = calloc(1, sizeof *x);
	if (x == NULL)
		return NULL;
	dns_msg_init(&x->m);
	if (dns_msg_parse(&x->m, query, qlen) == DNS_OK && x->m.qdcount == 1) {
		x->h.id = x->m.hdr.id;
		x->q = &x->m.question[0];
	}
	x->h.flags = DNS_F_QR | DNS_F_AA;
	x->first = true;
	x->out = out;
	start(x, AXFR_MSG_TARGET);
	return x;
}

static size_t end(struct xfr *x)
{
	flush(x);
	size_t total = x->total;
	dns_msg_free(&x->m);
	free(x);
	return total;
}

size_t axfr_stream(const zonedb *db, const uint8_t *query, size_t qlen, const xfr_out *out)
{
	struct xfr *x = begin(query, qlen, out);
	if (x == NULL)
		return 0;
	const dns_rr *soa = &db->soa->rr[0];
	add(x, soa);
	for (size_t i = 0; i < db->nrrs; i++)
		if (&db->rrs[i] != soa)
			add(x, &db->rrs[i]);
	add(x, soa);
	return end(x);
}

size_t ixfr_stream(const zonedb *db, const dns_delta *d, size_t n, const uint8_t *query,
		   size_t qlen, const xfr_out *out)
{
	struct xfr *x = begin(query, qlen, out);
	if (x == NULL)
		return 0;
	if (n == 0)
		add(x, &db->soa->rr[0]);
	else
		dns_ixfr_emit(d, n, &db->soa->rr[0], add, x);
	return end(x);
}

size_t axfr_refuse(const uint8_t *query, size_t qlen, uint8_t *out,
		   size_t outcap)
{
	dns_msg m;
	dns_builder b;
	dns_msg_init(&m);
	size_t len = 0;
	if (dns_msg_parse(&m, query, qlen) == DNS_OK && m.qdcount == 1) {
		dns_header h = { .id = m.hdr.id, .flags = DNS_F_QR,
				 .rcode = DNS_R_REFUSED };
		if (dns_build_init(&b, out, outcap, &h) != DNS_OK) {
			dns_msg_free(&m);
			return 0;
		}
		(void)dns_build_question(&b, m.question[0].name,
					 m.question[0].qtype, m.question[0].qclass);
		len = dns_build_finish(&b);
	}
	dns_msg_free(&m);
	return len;
}
