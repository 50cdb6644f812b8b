/* Building DNS messages: sections in order, name compression, size
 * limits that cut at record (or RRset) boundaries. */
#include <string.h>

#include "msg.h"
#include "rdata.h"
#include "wire.h"

dns_err dns_build_init(dns_builder *b, uint8_t *buf, size_t limit,
		       const dns_header *hdr)
{
	if (limit < DNS_HEADER_LEN)
		return DNS_E_NOSPACE;
	/* Field by field: the compression table is large and needs no
	 * clearing, only its count. */
	b->reserve = 0;
	memset(b->count, 0, sizeof b->count);
	b->section = 0;
	b->truncated = false;
	b->ncomp = 0;
	b->buf = buf;
	b->limit = limit > 65535 ? 65535 : limit;
	dns_put16(buf, hdr->id);
	uint16_t flags = (uint16_t)(hdr->flags | (hdr->opcode & 15) << 11 |
				    (hdr->rcode & 15));
	dns_put16(buf + 2, flags);
	memset(buf + 4, 0, 8);
	b->len = DNS_HEADER_LEN;
	return DNS_OK;
}

dns_err dns_build_reserve(dns_builder *b, size_t n)
{
	if (b->limit - b->len < n)
		return DNS_E_NOSPACE;
	b->limit -= n;
	b->reserve += n;
	return DNS_OK;
}

void dns_build_set_tc(dns_builder *b)
{
	b->buf[2] |= DNS_F_TC >> 8;
}

static uint8_t lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

/* Does the name written at buf[off] (possibly ending in a pointer) equal
 * the uncompressed `name`, ignoring case? */
static bool written_name_equal(const uint8_t *buf, size_t off,
			       const uint8_t *name)
{
	for (;;) {
		uint8_t len = buf[off];
		if ((len & 0xC0) == 0xC0) {
			off = (size_t)(len & 0x3F) << 8 | buf[off + 1];
			continue;
		}
		if (len != *name)
			return false;
		if (len == 0)
			return true;
		for (uint8_t k = 1; k <= len; k++)
			if (lower(buf[off + k]) != lower(name[k]))
				return false;
		off += 1u + len;
		name += 1u + len;
	}
}

/* Write a name.  With `compress`, replace its longest suffix already in
 * the message by a pointer, and remember the suffixes written out here
 * (the first occurrence of each wins, as in BIND and dnspython). */
static dns_err write_name(dns_builder *b, const uint8_t *name, bool compress)
{
	size_t start = b->len;
	/* Only names complete before this one are candidates: the suffixes
	 * this name adds are still being written, and a shorter suffix of
	 * a name never equals a longer one anyway. */
	size_t candidates = b->ncomp;
	const uint8_t *p = name;

	while (*p) {
		if (compress) {
			for (size_t i = 0; i < candidates; i++) {
				if (b->buf[b->comp[i]] != *p ||
				    !written_name_equal(b->buf, b->comp[i], p))
					continue;
				if (b->limit - b->len < 2)
					goto nospace;
				b->buf[b->len++] = (uint8_t)(0xC0 | b->comp[i] >> 8);
				b->buf[b->len++] = (uint8_t)b->comp[i];
				return DNS_OK;
			}
			if (b->len < 0x4000 && b->ncomp < DNS_COMPRESS_MAX)
				b->comp[b->ncomp++] = (uint16_t)b->len;
		}
		size_t n = 1u + *p;
		if (b->limit - b->len < n)
			goto nospace;
		memcpy(b->buf + b->len, p, n);
		b->len += n;
		p += n;
	}
	if (b->limit - b->len < 1)
		goto nospace;
	b->buf[b->len++] = 0;
	return DNS_OK;
nospace:
	b->len = start;
	return DNS_E_NOSPACE;
}

dns_err dns_build_question(dns_builder *b, const uint8_t *name,
			   uint16_t qtype, uint16_t qclass)
{
	if (b->section > DNS_SEC_QUESTION)
		return DNS_E_ORDER;
	size_t len0 = b->len, ncomp0 = b->ncomp;
	dns_err err = write_name(b, name, true);
	if (!err && b->limit - b->len < 4)
		err = DNS_E_NOSPACE;
	if (!err && b->count[0] == UINT16_MAX)
		err = DNS_E_RANGE;
	if (err) {
		b->len = len0;
		b->ncomp = ncomp0;
		if (err == DNS_E_NOSPACE)
			b->truncated = true;
		return err;
	}
	dns_put16(b->buf + b->len, qtype);
	dns_put16(b->buf + b->len + 2, qclass);
	b->len += 4;
	b->count[0]++;
	return DNS_OK;
}

struct rdata_writer {
	dns_builder *b;
	const uint8_t *rd;
	size_t done;    /* RDATA octets written so far */
	dns_err err;
};

/* Called for each compressible name in RDATA: copy what precedes it,
 * then the name itself compressed. */
static void write_rdata_name(void *ctx, size_t offset)
{
	struct rdata_writer *w = ctx;
	if (w->err)
		return;
	dns_builder *b = w->b;
	size_t n = offset - w->done;
	if (b->limit - b->len < n) {
		w->err = DNS_E_NOSPACE;
		return;
	}
	memcpy(b->buf + b->len, w->rd + w->done, n);
	b->len += n;
	w->err = write_name(b, w->rd + offset, true);
	w->done = offset + dns_name_length(w->rd + offset);
}

static dns_err write_rr(dns_builder *b, const dns_rr *rr)
{
	dns_err err = write_name(b, rr->owner, true);
	if (err)
		return err;
	if (b->limit - b->len < 10)
		return DNS_E_NOSPACE;
	uint8_t *p = b->buf + b->len;
	dns_put16(p, rr->type);
	dns_put16(p + 2, rr->rclass);
	dns_put32(p + 4, rr->ttl);
	size_t rdlen_at = b->len + 8;
	b->len += 10;
	size_t rdstart = b->len;

	struct rdata_writer w = { .b = b, .rd = rr->rdata };
	dns_rdata_foreach_name(rr->type, rr->rdata, rr->rdlen, true,
			       write_rdata_name, &w);
	if (w.err)
		return w.err;
	size_t rest = rr->rdlen - w.done;
	if (b->limit - b->len < rest)
		return DNS_E_NOSPACE;
	memcpy(b->buf + b->len, rr->rdata + w.done, rest);
	b->len += rest;
	dns_put16(b->buf + rdlen_at, (uint16_t)(b->len - rdstart));
	return DNS_OK;
}

dns_err dns_build_rrset(dns_builder *b, int section, const dns_rr *rrs,
			size_t n)
{
	if (section < DNS_SEC_ANSWER || section > DNS_SEC_ADDITIONAL ||
	    section < b->section)
		return DNS_E_ORDER;
	if (b->count[section] > UINT16_MAX - n)
		return DNS_E_RANGE;
	b->section = section;
	size_t len0 = b->len, ncomp0 = b->ncomp;
	for (size_t i = 0; i < n; i++) {
		dns_err err = write_rr(b, &rrs[i]);
		if (err) {
			b->len = len0;
			b->ncomp = ncomp0;
			if (err == DNS_E_NOSPACE)
				b->truncated = true;
			return err;
		}
	}
	b->count[section] = (uint16_t)(b->count[section] + n);
	return DNS_OK;
}

dns_err dns_build_rr(dns_builder *b, int section, const dns_rr *rr)
{
	return dns_build_rrset(b, section, rr, 1);
}

dns_err dns_build_edns(dns_builder *b, const dns_edns *edns)
{
	b->limit += b->reserve;
	b->reserve = 0;
	if (b->count[3] == UINT16_MAX)
		return DNS_E_RANGE;
	size_t need = dns_edns_wire_size(edns->options_len);
	if (b->limit - b->len < need) {
		b->truncated = true;
		return DNS_E_NOSPACE;
	}
	uint8_t *p = b->buf + b->len;
	p[0] = 0; /* root owner */
	dns_put16(p + 1, DNS_T_OPT);
	dns_put16(p + 3, edns->udp_size);
	p[5] = edns->ext_rcode;
	p[6] = edns->version;
	uint16_t fl = (uint16_t)((edns->do_bit ? 0x8000 : 0) | (edns->z & 0x7fff));
	dns_put16(p + 7, fl);
	dns_put16(p + 9, edns->options_len);
	if (edns->options_len)
		memcpy(p + 11, edns->options, edns->options_len);
	b->len += need;
	b->section = DNS_SEC_ADDITIONAL;
	b->count[3]++;
	return DNS_OK;
}

size_t dns_build_finish(dns_builder *b)
{
	for (int i = 0; i < 4; i++)
		dns_put16(b->buf + 4 + 2 * i, b->count[i]);
	return b->len;
}
