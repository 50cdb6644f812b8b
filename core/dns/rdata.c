/* RDATA layouts and the wire-side walker: checking RDATA against its
 * type, expanding compressed names, and visiting the names inside. */
#include "rdata.h"

#include <string.h>

#include "name.h"
#include "rdata_desc.h"
#include "rrtype.h"

#define N RDF_NAME
#define NC RDF_NAME_C

static const struct rdata_desc descs[] = {
	{ DNS_T_A, false, { RDF_A } },
	{ DNS_T_NS, true, { NC } },
	{ DNS_T_CNAME, true, { NC } },
	{ DNS_T_SOA, true,
	  { NC, NC, RDF_U32, RDF_PERIOD, RDF_PERIOD, RDF_PERIOD, RDF_PERIOD } },
	{ DNS_T_PTR, true, { NC } },
	{ DNS_T_HINFO, false, { RDF_STR, RDF_STR } },
	{ DNS_T_MX, true, { RDF_U16, NC } },
	{ DNS_T_TXT, false, { RDF_STRS } },
	{ DNS_T_AAAA, false, { RDF_AAAA } },
	{ DNS_T_SRV, true, { RDF_U16, RDF_U16, RDF_U16, N } },
	{ DNS_T_NAPTR, true,
	  { RDF_U16, RDF_U16, RDF_STR, RDF_STR, RDF_STR, N } },
	{ DNS_T_DNAME, true, { N } },
	{ DNS_T_DS, false, { RDF_U16, RDF_U8, RDF_U8, RDF_HEX } },
	{ DNS_T_SSHFP, false, { RDF_U8, RDF_U8, RDF_HEX } },
	{ DNS_T_RRSIG, true,
	  { RDF_TYPE, RDF_U8, RDF_U8, RDF_U32, RDF_TIME, RDF_TIME, RDF_U16, N,
	    RDF_B64 } },
	/* RFC 6840 section 5.1: NSEC's next name keeps its case. */
	{ DNS_T_NSEC, false, { N, RDF_BITMAP } },
	{ DNS_T_DNSKEY, false, { RDF_U16, RDF_U8, RDF_U8, RDF_B64 } },
	{ DNS_T_NSEC3, false,
	  { RDF_U8, RDF_U8, RDF_U16, RDF_HEX8, RDF_B32_8, RDF_BITMAP } },
	{ DNS_T_NSEC3PARAM, false, { RDF_U8, RDF_U8, RDF_U16, RDF_HEX8 } },
	{ DNS_T_TLSA, false, { RDF_U8, RDF_U8, RDF_U8, RDF_HEX } },
	{ DNS_T_CDS, false, { RDF_U16, RDF_U8, RDF_U8, RDF_HEX } },
	{ DNS_T_CDNSKEY, false, { RDF_U16, RDF_U8, RDF_U8, RDF_B64 } },
	{ DNS_T_CAA, false, { RDF_U8, RDF_TAG, RDF_VALUE } },
	/* A name, never compressed: a private type (RFC 3597 section 4). */
	{ DNS_T_ALIAS, true, { N } },
};

#undef N
#undef NC

const struct rdata_desc *rdata_desc_find(uint16_t type)
{
	for (size_t i = 0; i < sizeof(descs) / sizeof(descs[0]); i++)
		if (descs[i].type == type)
			return &descs[i];
	return NULL;
}

bool dns_rdata_is_known(uint16_t type)
{
	return rdata_desc_find(type) != NULL;
}

/* Fixed sizes of the numeric and address fields; 0 for the others. */
static size_t fixed_size(uint8_t f)
{
	switch (f) {
	case RDF_U8: return 1;
	case RDF_U16: case RDF_TYPE: return 2;
	case RDF_U32: case RDF_PERIOD: case RDF_TIME: case RDF_A: return 4;
	case RDF_AAAA: return 16;
	}
	return 0;
}

/* NSEC/NSEC3 type bitmap (RFC 4034 4.1.2): windows in increasing order,
 * each 1-32 octets long with no trailing zero octet. */
static dns_err check_bitmap(const uint8_t *p, size_t len)
{
	int last = -1;
	size_t i = 0;
	while (i < len) {
		if (len - i < 2)
			return DNS_E_RDLENGTH;
		int window = p[i];
		size_t blen = p[i + 1];
		if (window <= last || blen == 0 || blen > 32)
			return DNS_E_FORMAT;
		if (len - i - 2 < blen)
			return DNS_E_RDLENGTH;
		if (p[i + 2 + blen - 1] == 0)
			return DNS_E_FORMAT;
		last = window;
		i += 2 + blen;
	}
	return DNS_OK;
}

/* What the walker does with each name it meets. */
struct walk {
	const uint8_t *msg; /* whole message (unpack) or the RDATA (check) */
	size_t end;         /* end of this RDATA within msg */
	bool allow_ptr;     /* names may be compressed */
	uint8_t *out;       /* uncompressed copy, or NULL */
	size_t cap;
	size_t outlen;
	dns_rdata_name_fn name_fn;
	bool compressible_only;
	void *ctx;
};

static dns_err emit(struct walk *w, const uint8_t *src, size_t n)
{
	if (w->out) {
		if (w->cap - w->outlen < n)
			return DNS_E_NOSPACE;
		memcpy(w->out + w->outlen, src, n);
	}
	w->outlen += n;
	return DNS_OK;
}

static dns_err walk_fields(const struct rdata_desc *d, struct walk *w,
			   size_t pos)
{
	for (int i = 0; i < RDATA_MAX_FIELDS && d->field[i] != RDF_END; i++) {
		uint8_t f = d->field[i];
		size_t left = w->end - pos;
		size_t n = fixed_size(f);
		dns_err err;

		if (n) {
			if (left < n)
				return DNS_E_RDLENGTH;
		} else {
			switch (f) {
			case RDF_NAME:
			case RDF_NAME_C: {
				dns_name name;
				size_t p = pos;
				if (w->allow_ptr) {
					err = dns_name_unpack(w->msg, w->end, &p, &name);
				} else {
					size_t nl;
					err = dns_name_check(w->msg + pos, left, &nl);
					if (!err)
						dns_name_copy(&name, w->msg + pos);
					p = pos + nl;
				}
				if (err)
					return err == DNS_E_TRUNCATED ? DNS_E_RDLENGTH : err;
				if (w->name_fn &&
				    (f == RDF_NAME_C || !w->compressible_only))
					w->name_fn(w->ctx, w->outlen);
				err = emit(w, name.data, name.len);
				if (err)
					return err;
				pos = p;
				continue;
			}
			case RDF_STR:
			case RDF_HEX8:
			case RDF_B32_8:
			case RDF_TAG:
				if (left < 1 || left - 1 < w->msg[pos])
					return DNS_E_RDLENGTH;
				n = 1u + w->msg[pos];
				if ((f == RDF_TAG || f == RDF_B32_8) && n == 1)
					return DNS_E_FORMAT;
				break;
			case RDF_STRS:
				if (left == 0)
					return DNS_E_RDLENGTH;
				for (size_t k = 0; k < left; k += 1u + w->msg[pos + k])
					if (left - k - 1 < w->msg[pos + k])
						return DNS_E_RDLENGTH;
				n = left;
				break;
			case RDF_BITMAP:
				err = check_bitmap(w->msg + pos, left);
				if (err)
					return err;
				n = left;
				break;
			default: /* RDF_B64, RDF_HEX, RDF_VALUE: the rest */
				n = left;
				break;
			}
		}
		dns_err err2 = emit(w, w->msg + pos, n);
		if (err2)
			return err2;
		pos += n;
	}
	return pos == w->end ? DNS_OK : DNS_E_RDLENGTH;
}

dns_err rdata_semantics(uint16_t type, const uint8_t *rd, size_t len)
{
	if ((type == DNS_T_DS || type == DNS_T_CDS) && len >= 4) {
		static const size_t digest_len[5] = { 0, 20, 32, 32, 48 };
		uint8_t dtype = rd[3];
		if (dtype == 0)
			return DNS_E_FORMAT;
		if (dtype < 5 && len - 4 != digest_len[dtype])
			return DNS_E_RDLENGTH;
	}
	if (type == DNS_T_CAA && len >= 2) {
		for (size_t i = 0; i < rd[1] && 2 + i < len; i++) {
			uint8_t c = rd[2 + i];
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			      (c >= '0' && c <= '9')))
				return DNS_E_FORMAT;
		}
	}
	return DNS_OK;
}

dns_err dns_rdata_unpack(uint16_t type, uint16_t rclass, const uint8_t *msg,
			 size_t msglen, size_t pos, uint16_t rdlen,
			 uint8_t *out, size_t outcap, size_t *outlen)
{
	if (pos > msglen || msglen - pos < rdlen)
		return DNS_E_TRUNCATED;
	const struct rdata_desc *d = rdata_desc_find(type);
	if (d == NULL || (rdlen == 0 && (rclass == DNS_C_ANY ||
					   rclass == DNS_C_NONE))) {
		if (outcap < rdlen)
			return DNS_E_NOSPACE;
		memcpy(out, msg + pos, rdlen);
		*outlen = rdlen;
		return DNS_OK;
	}
	struct walk w = { .msg = msg, .end = pos + rdlen, .allow_ptr = true,
			  .out = out, .cap = outcap };
	dns_err err = walk_fields(d, &w, pos);
	if (!err)
		err = rdata_semantics(type, out, w.outlen);
	if (err)
		return err;
	*outlen = w.outlen;
	return DNS_OK;
}

dns_err dns_rdata_check(uint16_t type, const uint8_t *rd, size_t rdlen)
{
	const struct rdata_desc *d = rdata_desc_find(type);
	if (rdlen > DNS_RDATA_MAXLEN)
		return DNS_E_RDLENGTH;
	if (d == NULL)
		return DNS_OK;
	struct walk w = { .msg = rd, .end = rdlen };
	dns_err err = walk_fields(d, &w, 0);
	return err ? err : rdata_semantics(type, rd, rdlen);
}

void dns_rdata_foreach_name(uint16_t type, const uint8_t *rd, size_t rdlen,
			    bool compressible_only, dns_rdata_name_fn fn,
			    void *ctx)
{
	const struct rdata_desc *d = rdata_desc_find(type);
	if (d == NULL)
		return;
	struct walk w = { .msg = rd, .end = rdlen, .name_fn = fn,
			  .compressible_only = compressible_only, .ctx = ctx };
	/* RDATA inside the library is already checked; an error here would
	 * only stop the walk early. */
	(void)walk_fields(d, &w, 0);
}

static void lower_name_at(void *ctx, size_t offset)
{
	dns_name_to_lower((uint8_t *)ctx + offset);
}

void dns_rdata_canonicalize(uint16_t type, uint8_t *rd, size_t rdlen)
{
	const struct rdata_desc *d = rdata_desc_find(type);
	if (d == NULL || !d->canonical_lower)
		return;
	dns_rdata_foreach_name(type, rd, rdlen, false, lower_name_at, rd);
}

/* Name ranges of one RDATA, for comparing without copying. */
struct name_ranges {
	const uint8_t *rd;
	size_t start[RDATA_MAX_FIELDS], end[RDATA_MAX_FIELDS];
	int n;
};

static void note_name(void *ctx, size_t offset)
{
	struct name_ranges *r = ctx;
	if (r->n < RDATA_MAX_FIELDS) {
		r->start[r->n] = offset;
		r->end[r->n] = offset + dns_name_length(r->rd + offset);
		r->n++;
	}
}

/* The octet at i in canonical form: lowercased inside names.  Label
 * length octets are below 64 and so unaffected by lowercasing. */
static uint8_t canonical_octet(const struct name_ranges *r, size_t i)
{
	uint8_t c = r->rd[i];
	for (int k = 0; k < r->n; k++)
		if (i >= r->start[k] && i < r->end[k])
			return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
	return c;
}

int dns_rdata_compare(uint16_t type, const uint8_t *a, size_t alen,
		      const uint8_t *b, size_t blen)
{
	const struct rdata_desc *d = rdata_desc_find(type);
	size_t n = alen < blen ? alen : blen;
	if (d != NULL && d->canonical_lower) {
		struct name_ranges ra = { .rd = a }, rb = { .rd = b };
		dns_rdata_foreach_name(type, a, alen, false, note_name, &ra);
		dns_rdata_foreach_name(type, b, blen, false, note_name, &rb);
		for (size_t i = 0; i < n; i++) {
			uint8_t ca = canonical_octet(&ra, i);
			uint8_t cb = canonical_octet(&rb, i);
			if (ca != cb)
				return ca < cb ? -1 : 1;
		}
	} else {
		int c = memcmp(a, b, n);
		if (c != 0)
			return c < 0 ? -1 : 1;
	}
	return alen < blen ? -1 : alen > blen;
}
