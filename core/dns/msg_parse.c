/* Parsing DNS messages from the wire.  Every count, length and pointer
 * in the input is checked before it is used. */
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "rdata.h"
#include "wire.h"

/* Arena blocks: 64 KiB covers a typical message in one block; larger
 * requests get a block of their own size. */
#define BLOCK_SIZE 65536

struct dns_msg_block {
	struct dns_msg_block *next;
	size_t size;
	uint8_t data[];
};

void dns_msg_init(dns_msg *m)
{
	memset(m, 0, sizeof *m);
}

void dns_msg_free(dns_msg *m)
{
	struct dns_msg_block *b = m->blocks;
	while (b) {
		struct dns_msg_block *next = b->next;
		free(b);
		b = next;
	}
	memset(m, 0, sizeof *m);
}

static void arena_reset(dns_msg *m)
{
	m->cur = m->blocks;
	m->used = 0;
}

/* Aligned storage from the arena; NULL when out of memory. */
static void *arena_alloc(dns_msg *m, size_t n)
{
	n = (n + 7) & ~(size_t)7;
	while (m->cur && m->cur->size - m->used < n) {
		if (m->cur->next == NULL)
			break;
		m->cur = m->cur->next;
		m->used = 0;
	}
	if (m->cur == NULL || m->cur->size - m->used < n) {
		size_t size = n > BLOCK_SIZE ? n : BLOCK_SIZE;
		struct dns_msg_block *b = malloc(sizeof *b + size);
		if (b == NULL)
			return NULL;
		b->size = size;
		/* Insert after the current block so later blocks stay
		 * reachable for reuse. */
		if (m->cur) {
			b->next = m->cur->next;
			m->cur->next = b;
		} else {
			b->next = m->blocks;
			m->blocks = b;
		}
		m->cur = b;
		m->used = 0;
	}
	void *p = m->cur->data + m->used;
	m->used += n;
	return p;
}

dns_err dns_header_parse(dns_header *h, uint16_t counts[4],
			 const uint8_t *wire, size_t len)
{
	if (len < DNS_HEADER_LEN)
		return DNS_E_TRUNCATED;
	uint16_t flags = dns_get16(wire + 2);
	h->id = dns_get16(wire);
	h->opcode = (flags >> 11) & 15;
	h->rcode = flags & 15;
	h->flags = flags & (DNS_F_QR | DNS_F_AA | DNS_F_TC | DNS_F_RD |
			    DNS_F_RA | DNS_F_Z | DNS_F_AD | DNS_F_CD);
	for (int i = 0; i < 4; i++)
		counts[i] = dns_get16(wire + 4 + 2 * i);
	return DNS_OK;
}

static dns_err store_name(dns_msg *m, const dns_name *n, const uint8_t **out)
{
	uint8_t *p = arena_alloc(m, n->len);
	if (p == NULL)
		return DNS_E_NOMEM;
	memcpy(p, n->data, n->len);
	*out = p;
	return DNS_OK;
}

/* EDNS options are opaque, but their TLV framing must hold so that
 * whoever walks them later cannot run off the end. */
static dns_err check_options(const uint8_t *p, size_t len)
{
	size_t i = 0;
	while (i < len) {
		if (len - i < 4)
			return DNS_E_FORMAT;
		size_t olen = dns_get16(p + i + 2);
		if (len - i - 4 < olen)
			return DNS_E_FORMAT;
		i += 4 + olen;
	}
	return DNS_OK;
}

static dns_err parse_opt(dns_msg *m, const dns_rr *rr)
{
	if (m->edns.present)
		return DNS_E_FORMAT;            /* RFC 6891 6.1.1: only one */
	if (rr->owner[0] != 0)
		return DNS_E_FORMAT;            /* owner must be the root */
	dns_err err = check_options(rr->rdata, rr->rdlen);
	if (err)
		return err;
	m->edns.present = true;
	m->edns.udp_size = rr->rclass;
	m->edns.ext_rcode = (uint8_t)(rr->ttl >> 24);
	m->edns.version = (uint8_t)(rr->ttl >> 16);
	m->edns.do_bit = (rr->ttl & 0x8000) != 0;
	m->edns.z = (uint16_t)(rr->ttl & 0x7fff);
	m->edns.options = rr->rdata;
	m->edns.options_len = rr->rdlen;
	return DNS_OK;
}

static dns_err parse_rr(dns_msg *m, const uint8_t *wire, size_t len,
			size_t *pos, dns_rr *rr)
{
	dns_name owner;
	dns_err err = dns_name_unpack(wire, len, pos, &owner);
	if (err)
		return err;
	if (len - *pos < 10)
		return DNS_E_TRUNCATED;
	const uint8_t *p = wire + *pos;
	rr->type = dns_get16(p);
	rr->rclass = dns_get16(p + 2);
	rr->ttl = dns_get32(p + 4);
	uint16_t rdlen = dns_get16(p + 8);
	*pos += 10;
	if (len - *pos < rdlen)
		return DNS_E_TRUNCATED;
	err = store_name(m, &owner, &rr->owner);
	if (err)
		return err;
	/* Expanded names can only grow RDATA by what the pointers stand
	 * for; 255 octets per 2-octet pointer bounds it. */
	size_t cap = (size_t)rdlen + (size_t)(rdlen / 2 + 1) * DNS_NAME_MAXLEN;
	if (cap > DNS_RDATA_MAXLEN)
		cap = DNS_RDATA_MAXLEN;
	uint8_t *rd = arena_alloc(m, cap);
	if (rd == NULL)
		return DNS_E_NOMEM;
	size_t rdout;
	err = dns_rdata_unpack(rr->type, rr->rclass, wire, len, *pos, rdlen,
			       rd, cap, &rdout);
	if (err)
		return err == DNS_E_NOSPACE ? DNS_E_RDLENGTH : err;
	/* Give back what the expansion did not use. */
	m->used -= ((cap + 7) & ~(size_t)7) - ((rdout + 7) & ~(size_t)7);
	rr->rdata = rd;
	rr->rdlen = (uint16_t)rdout;
	*pos += rdlen;
	return DNS_OK;
}

dns_err dns_msg_parse(dns_msg *m, const uint8_t *wire, size_t len)
{
	uint16_t counts[4];
	dns_err err;

	arena_reset(m);
	m->question = NULL;
	m->qdcount = 0;
	for (int s = 0; s < 3; s++) {
		m->rr[s] = NULL;
		m->count[s] = 0;
	}
	memset(&m->edns, 0, sizeof m->edns);

	err = dns_header_parse(&m->hdr, counts, wire, len);
	if (err)
		return err;
	/* A question takes at least 5 octets and a record 11: counts that
	 * could not fit in the message are lies, refused before any
	 * allocation is sized by them. */
	size_t body = len - DNS_HEADER_LEN;
	size_t least = (size_t)counts[0] * 5 +
		       ((size_t)counts[1] + counts[2] + counts[3]) * 11;
	if (least > body)
		return DNS_E_TRUNCATED;

	size_t pos = DNS_HEADER_LEN;
	if (counts[0]) {
		m->question = arena_alloc(m, counts[0] * sizeof *m->question);
		if (m->question == NULL)
			return DNS_E_NOMEM;
	}
	for (size_t i = 0; i < counts[0]; i++) {
		dns_name qname;
		dns_question *q = &m->question[i];
		err = dns_name_unpack(wire, len, &pos, &qname);
		if (err)
			return err;
		if (len - pos < 4)
			return DNS_E_TRUNCATED;
		q->qtype = dns_get16(wire + pos);
		q->qclass = dns_get16(wire + pos + 2);
		pos += 4;
		err = store_name(m, &qname, &q->name);
		if (err)
			return err;
		m->qdcount++;
	}
	for (int s = 0; s < 3; s++) {
		size_t n = counts[s + 1];
		if (n == 0)
			continue;
		m->rr[s] = arena_alloc(m, n * sizeof(dns_rr));
		if (m->rr[s] == NULL)
			return DNS_E_NOMEM;
		for (size_t i = 0; i < n; i++) {
			dns_rr rr;
			err = parse_rr(m, wire, len, &pos, &rr);
			if (err)
				return err;
			if (rr.type == DNS_T_OPT) {
				if (s != DNS_SEC_ADDITIONAL - 1)
					return DNS_E_FORMAT;
				err = parse_opt(m, &rr);
				if (err)
					return err;
				continue;
			}
			m->rr[s][m->count[s]++] = rr;
		}
	}
	if (pos != len)
		return DNS_E_TRAILING;
	return DNS_OK;
}
