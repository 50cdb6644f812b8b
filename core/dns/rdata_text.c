/* RDATA presentation forms: printing (as dig does) and parsing (as zone
 * files give them), both driven by the type descriptors. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encode.h"
#include "textout.h"
#include "name.h"
#include "rdata.h"
#include "rdata_desc.h"
#include "rrtype.h"
#include "ttl.h"
#include "wire.h"

/* ---- output ------------------------------------------------------------ */

static void putu(struct text_out *t, unsigned long v)
{
	text_printf(t, "%lu", v);
}

/* Bytes of a <character-string> with master-file escapes. */
static void put_escaped(struct text_out *t, const uint8_t *p, size_t n,
			bool quoted)
{
	if (quoted)
		text_put(t, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		char e[5];
		if (c < 0x20 || c >= 0x7f || (!quoted && c == ' ')) {
			snprintf(e, sizeof e, "\\%03u", c);
			text_put(t, e, 4);
		} else if (c == '"' || c == '\\' || (!quoted && c == ';')) {
			e[0] = '\\';
			e[1] = (char)c;
			text_put(t, e, 2);
		} else {
			text_put(t, (const char *)&c, 1);
		}
	}
	if (quoted)
		text_put(t, "\"", 1);
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian), after
 * the well-known era-based algorithm. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static void put_time(struct text_out *t, uint32_t v)
{
	int64_t y;
	unsigned mo, d;
	civil_from_days(v / 86400, &y, &mo, &d);
	uint32_t s = v % 86400;
	char buf[32];
	snprintf(buf, sizeof buf, "%04lld%02u%02u%02u%02u%02u", (long long)y,
		 mo, d, (unsigned)(s / 3600), (unsigned)(s / 60 % 60),
		 (unsigned)(s % 60));
	text_puts(t, buf);
}

static void put_bitmap(struct text_out *t, const uint8_t *p, size_t len)
{
	bool first = true;
	for (size_t i = 0; i + 2 <= len;) {
		unsigned window = p[i];
		size_t blen = p[i + 1];
		for (size_t k = 0; k < blen && i + 2 + k < len; k++)
			for (unsigned bit = 0; bit < 8; bit++)
				if (p[i + 2 + k] & (0x80 >> bit)) {
					char mn[DNS_MNEMONIC_MAX];
					uint16_t type = (uint16_t)(window * 256 + k * 8 + bit);
					if (!first)
						text_put(t, " ", 1);
					text_puts(t, dns_type_to_text(type, mn));
					first = false;
				}
		i += 2 + blen;
	}
}

dns_err dns_time_to_text(uint32_t v, char *out, size_t outsz)
{
	int64_t y;
	unsigned mo, d;
	if (outsz < 15)
		return DNS_E_NOSPACE;
	civil_from_days(v / 86400, &y, &mo, &d);
	uint32_t s = v % 86400;
	snprintf(out, outsz, "%04u%02u%02u%02u%02u%02u", (unsigned)y, mo, d,
		 (unsigned)(s / 3600), (unsigned)(s / 60 % 60), (unsigned)(s % 60));
	return DNS_OK;
}

/* Encoded blobs can be large: encode into the output directly. */
typedef dns_err (*encoder)(const uint8_t *, size_t, char *, size_t, size_t *);

static void put_encoded(struct text_out *t, encoder enc, const uint8_t *p,
			size_t n)
{
	if (t->full)
		return;
	size_t used;
	if (enc(p, n, t->buf + t->len, t->cap - t->len, &used) != DNS_OK) {
		t->full = true;
		return;
	}
	t->len += used;
}

static void put_generic(struct text_out *t, const uint8_t *rd, size_t rdlen)
{
	text_puts(t, "\\# ");
	putu(t, rdlen);
	if (rdlen) {
		text_put(t, " ", 1);
		put_encoded(t, dns_hex_encode, rd, rdlen);
	}
}

dns_err dns_rdata_to_text(uint16_t type, const uint8_t *rd, size_t rdlen,
			  char *out, size_t outsz, size_t *outlen)
{
	struct text_out t = { .buf = out, .cap = outsz };
	const struct rdata_desc *d = rdata_desc_find(type);

	if (outsz == 0)
		return DNS_E_NOSPACE;
	out[0] = '\0';
	/* Empty RDATA (RFC 2136 deletions) has no typed form. */
	if (d == NULL || rdlen == 0 ||
	    dns_rdata_check(type, rd, rdlen) != DNS_OK) {
		put_generic(&t, rd, rdlen);
		goto done;
	}
	size_t pos = 0;
	for (int i = 0; i < RDATA_MAX_FIELDS && d->field[i] != RDF_END; i++) {
		uint8_t f = d->field[i];
		const uint8_t *p = rd + pos;
		size_t left = rdlen - pos;
		char tmp[DNS_NAME_MAXTEXT];
		char mn[DNS_MNEMONIC_MAX];

		if ((f == RDF_B64 || f == RDF_HEX) && left == 0) {
			/* Rewind: print the whole RDATA generically. */
			t.len = 0;
			t.full = false;
			out[0] = '\0';
			put_generic(&t, rd, rdlen);
			goto done;
		}
		if (f == RDF_BITMAP && left == 0)
			break;
		if (i > 0)
			text_put(&t, " ", 1);
		switch (f) {
		case RDF_NAME:
		case RDF_NAME_C: {
			size_t n = dns_name_length(p);
			if (dns_name_to_text(p, tmp, sizeof tmp, NULL) != DNS_OK)
				return DNS_E_NOSPACE;
			text_puts(&t, tmp);
			pos += n;
			break;
		}
		case RDF_U8: putu(&t, p[0]); pos += 1; break;
		case RDF_U16: putu(&t, dns_get16(p)); pos += 2; break;
		case RDF_U32:
		case RDF_PERIOD: putu(&t, dns_get32(p)); pos += 4; break;
		case RDF_TYPE:
			text_puts(&t, dns_type_to_text(dns_get16(p), mn));
			pos += 2;
			break;
		case RDF_TIME: put_time(&t, dns_get32(p)); pos += 4; break;
		case RDF_A:
		case RDF_AAAA: {
			int af = f == RDF_A ? AF_INET : AF_INET6;
			if (inet_ntop(af, p, tmp, sizeof tmp) == NULL)
				return DNS_E_FORMAT;
			text_puts(&t, tmp);
			pos += f == RDF_A ? 4 : 16;
			break;
		}
		case RDF_STR:
			put_escaped(&t, p + 1, p[0], true);
			pos += 1u + p[0];
			break;
		case RDF_STRS:
			for (size_t k = 0; k < left; k += 1u + p[k]) {
				if (k)
					text_put(&t, " ", 1);
				put_escaped(&t, p + k + 1, p[k], true);
			}
			pos = rdlen;
			break;
		case RDF_TAG:
			put_escaped(&t, p + 1, p[0], false);
			pos += 1u + p[0];
			break;
		case RDF_VALUE:
			put_escaped(&t, p, left, true);
			pos = rdlen;
			break;
		case RDF_B64:
			put_encoded(&t, dns_base64_encode, p, left);
			pos = rdlen;
			break;
		case RDF_HEX:
			put_encoded(&t, dns_hex_encode, p, left);
			pos = rdlen;
			break;
		case RDF_HEX8:
			if (p[0] == 0)
				text_put(&t, "-", 1);
			else
				put_encoded(&t, dns_hex_encode, p + 1, p[0]);
			pos += 1u + p[0];
			break;
		case RDF_B32_8:
			put_encoded(&t, dns_base32hex_encode, p + 1, p[0]);
			pos += 1u + p[0];
			break;
		case RDF_BITMAP:
			put_bitmap(&t, p, left);
			pos = rdlen;
			break;
		}
	}
done:
	if (t.full)
		return DNS_E_NOSPACE;
	if (outlen)
		*outlen = t.len;
	return DNS_OK;
}

/* ---- input ------------------------------------------------------------- */

struct rd_out {
	uint8_t *buf;
	size_t cap;
	size_t len;
};

static dns_err emit(struct rd_out *o, const void *p, size_t n)
{
	if (o->cap - o->len < n)
		return DNS_E_NOSPACE;
	memcpy(o->buf + o->len, p, n);
	o->len += n;
	return DNS_OK;
}

static dns_err emit_u(struct rd_out *o, uint32_t v, size_t n)
{
	uint8_t b[4];
	dns_put32(b, v);
	return emit(o, b + 4 - n, n);
}

static dns_err parse_uint(const dns_token *t, uint32_t max, uint32_t *v)
{
	uint64_t n = 0;
	if (t->len == 0 || t->len > 10)
		return t->len ? DNS_E_RANGE : DNS_E_SYNTAX;
	for (size_t i = 0; i < t->len; i++) {
		if (t->text[i] < '0' || t->text[i] > '9')
			return DNS_E_SYNTAX;
		n = n * 10 + (uint64_t)(t->text[i] - '0');
	}
	if (n > max)
		return DNS_E_RANGE;
	*v = (uint32_t)n;
	return DNS_OK;
}

/* Decode master-file escapes of a <character-string> token into out
 * (at most 255 octets). */
static dns_err unescape(const dns_token *t, uint8_t *out, size_t cap,
			size_t *outlen)
{
	size_t o = 0;
	for (size_t i = 0; i < t->len;) {
		uint8_t c = (uint8_t)t->text[i++];
		if (c == '\\') {
			if (i >= t->len)
				return DNS_E_BAD_ESCAPE;
			if (t->text[i] >= '0' && t->text[i] <= '9') {
				unsigned v = 0;
				for (int k = 0; k < 3; k++, i++) {
					if (i >= t->len || t->text[i] < '0' || t->text[i] > '9')
						return DNS_E_BAD_ESCAPE;
					v = v * 10 + (unsigned)(t->text[i] - '0');
				}
				if (v > 255)
					return DNS_E_BAD_ESCAPE;
				c = (uint8_t)v;
			} else {
				c = (uint8_t)t->text[i++];
			}
		}
		if (o >= cap)
			return DNS_E_RANGE;
		out[o++] = c;
	}
	*outlen = o;
	return DNS_OK;
}

static dns_err parse_charstring(struct rd_out *o, const dns_token *t)
{
	uint8_t s[256];
	size_t n;
	dns_err err = unescape(t, s + 1, 255, &n);
	if (err)
		return err;
	s[0] = (uint8_t)n;
	return emit(o, s, n + 1);
}

static dns_err parse_name(struct rd_out *o, const dns_token *t,
			  const uint8_t *origin)
{
	dns_name name;
	dns_err err;
	if (t->len == 1 && t->text[0] == '@' && !t->quoted) {
		if (origin == NULL)
			return DNS_E_RELATIVE;
		dns_name_copy(&name, origin);
	} else {
		err = dns_name_from_text(&name, t->text, t->len, origin);
		if (err)
			return err;
	}
	return emit(o, name.data, name.len);
}

/* YYYYMMDDHHmmSS (RFC 4034 section 3.2), or plain seconds. */
static dns_err parse_time(const dns_token *t, uint32_t *v)
{
	if (t->len != 14)
		return parse_uint(t, UINT32_MAX, v);
	unsigned f[6] = { 0 };
	static const unsigned width[6] = { 4, 2, 2, 2, 2, 2 };
	size_t i = 0;
	for (int k = 0; k < 6; k++)
		for (unsigned w = 0; w < width[k]; w++, i++) {
			if (t->text[i] < '0' || t->text[i] > '9')
				return DNS_E_SYNTAX;
			f[k] = f[k] * 10 + (unsigned)(t->text[i] - '0');
		}
	if (f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 ||
	    f[4] > 59 || f[5] > 59)
		return DNS_E_RANGE;
	int64_t secs = days_from_civil(f[0], f[1], f[2]) * 86400 +
		       f[3] * 3600 + f[4] * 60 + f[5];
	/* Serial number arithmetic (RFC 1982): the value wraps. */
	*v = (uint32_t)(uint64_t)secs;
	return DNS_OK;
}

dns_err dns_time_from_text(const char *text, size_t len, uint32_t *v)
{
	dns_token t = { .text = text, .len = len };
	if (len == 0)
		return DNS_E_SYNTAX;
	return parse_time(&t, v);
}

/* Join tokens [from, ntok) without white space, for blobs that a zone
 * file may split over several tokens (base64, hex). Caller frees. */
static dns_err join_tokens(const dns_token *tok, size_t from, size_t ntok,
			   char **joined, size_t *len)
{
	size_t total = 0;
	for (size_t i = from; i < ntok; i++)
		total += tok[i].len;
	char *s = malloc(total + 1);
	if (s == NULL)
		return DNS_E_NOMEM;
	size_t o = 0;
	for (size_t i = from; i < ntok; i++) {
		memcpy(s + o, tok[i].text, tok[i].len);
		o += tok[i].len;
	}
	s[o] = '\0';
	*joined = s;
	*len = o;
	return DNS_OK;
}

typedef dns_err (*decoder)(const char *, size_t, uint8_t *, size_t, size_t *);

static dns_err parse_blob(struct rd_out *o, const dns_token *tok, size_t from,
			  size_t ntok, decoder dec)
{
	char *s;
	size_t n, used;
	dns_err err = join_tokens(tok, from, ntok, &s, &n);
	if (err)
		return err;
	err = dec(s, n, o->buf + o->len, o->cap - o->len, &used);
	free(s);
	if (err)
		return err;
	o->len += used;
	return DNS_OK;
}

/* A length octet followed by hex ("-" for none) or base32hex. */
static dns_err parse_blob8(struct rd_out *o, const dns_token *t, decoder dec)
{
	uint8_t b[256];
	size_t n = 0;
	if (!(dec == dns_hex_decode && t->len == 1 && t->text[0] == '-')) {
		dns_err err = dec(t->text, t->len, b + 1, 255, &n);
		if (err)
			return err == DNS_E_NOSPACE ? DNS_E_RANGE : err;
		if (n == 0)
			return DNS_E_SYNTAX;
	}
	b[0] = (uint8_t)n;
	return emit(o, b, n + 1);
}

static dns_err parse_bitmap(struct rd_out *o, const dns_token *tok,
			    size_t from, size_t ntok, size_t *bad)
{
	uint8_t bits[8192];
	memset(bits, 0, sizeof bits);
	for (size_t i = from; i < ntok; i++) {
		uint16_t type;
		dns_err err = dns_type_from_text(tok[i].text, tok[i].len, &type);
		if (err) {
			*bad = i;
			return err;
		}
		bits[type / 8] |= (uint8_t)(0x80 >> (type % 8));
	}
	for (unsigned w = 0; w < 256; w++) {
		int last = -1;
		for (int k = 31; k >= 0; k--)
			if (bits[w * 32 + (unsigned)k]) {
				last = k;
				break;
			}
		if (last < 0)
			continue;
		uint8_t hdr[2] = { (uint8_t)w, (uint8_t)(last + 1) };
		dns_err err = emit(o, hdr, 2);
		if (!err)
			err = emit(o, bits + w * 32, (size_t)last + 1);
		if (err)
			return err;
	}
	return DNS_OK;
}

/* RFC 3597 section 5: \# LENGTH HEX... */
static dns_err parse_generic(uint16_t type, const dns_token *tok, size_t ntok,
			     struct rd_out *o, size_t *bad)
{
	uint32_t len;
	*bad = 1;
	if (ntok < 2)
		return DNS_E_SYNTAX;
	dns_err err = parse_uint(&tok[1], DNS_RDATA_MAXLEN, &len);
	if (err)
		return err;
	*bad = 2;
	if (len == 0)
		return ntok == 2 ? dns_rdata_check(type, o->buf, 0) : DNS_E_SYNTAX;
	if (ntok < 3)
		return DNS_E_SYNTAX;
	size_t start = o->len;
	err = parse_blob(o, tok, 2, ntok, dns_hex_decode);
	if (err)
		return err;
	if (o->len - start != len)
		return DNS_E_RDLENGTH;
	return dns_rdata_check(type, o->buf + start, len);
}

static bool is_generic_marker(const dns_token *t)
{
	return !t->quoted && t->len == 2 && t->text[0] == '\\' &&
	       t->text[1] == '#';
}

dns_err dns_rdata_from_text(uint16_t type, const dns_token *tok, size_t ntok,
			    const uint8_t *origin, uint8_t *out, size_t outcap,
			    size_t *outlen, size_t *bad_tok)
{
	struct rd_out o = { .buf = out, .cap = outcap };
	const struct rdata_desc *d = rdata_desc_find(type);
	size_t bad = 0, ti = 0;
	dns_err err = DNS_OK;

	if (ntok > 0 && is_generic_marker(&tok[0])) {
		err = parse_generic(type, tok, ntok, &o, &bad);
		goto done;
	}
	if (d == NULL) {
		/* Unknown types only have the generic form. */
		err = DNS_E_UNKNOWN_TYPE;
		goto done;
	}
	for (int i = 0; i < RDATA_MAX_FIELDS && d->field[i] != RDF_END; i++) {
		uint8_t f = d->field[i];
		uint32_t v;
		bad = ti;
		if (f == RDF_BITMAP) {
			err = parse_bitmap(&o, tok, ti, ntok, &bad);
			ti = ntok;
			if (err)
				goto done;
			continue;
		}
		if (ti >= ntok) {
			err = DNS_E_SYNTAX;
			goto done;
		}
		const dns_token *t = &tok[ti];
		switch (f) {
		case RDF_NAME:
		case RDF_NAME_C:
			err = parse_name(&o, t, origin);
			ti++;
			break;
		case RDF_U8:
		case RDF_U16:
		case RDF_U32: {
			size_t n = f == RDF_U8 ? 1 : f == RDF_U16 ? 2 : 4;
			uint32_t max = n == 4 ? UINT32_MAX : (1u << (8 * n)) - 1;
			err = parse_uint(t, max, &v);
			if (!err)
				err = emit_u(&o, v, n);
			ti++;
			break;
		}
		case RDF_PERIOD:
			err = dns_ttl_from_text(t->text, t->len, &v);
			if (!err)
				err = emit_u(&o, v, 4);
			ti++;
			break;
		case RDF_TYPE: {
			uint16_t ty;
			err = dns_type_from_text(t->text, t->len, &ty);
			if (!err)
				err = emit_u(&o, ty, 2);
			ti++;
			break;
		}
		case RDF_TIME:
			err = parse_time(t, &v);
			if (!err)
				err = emit_u(&o, v, 4);
			ti++;
			break;
		case RDF_A:
		case RDF_AAAA: {
			char addr[64];
			uint8_t bin[16];
			if (t->len >= sizeof addr) {
				err = DNS_E_SYNTAX;
				break;
			}
			memcpy(addr, t->text, t->len);
			addr[t->len] = '\0';
			int af = f == RDF_A ? AF_INET : AF_INET6;
			if (inet_pton(af, addr, bin) != 1)
				err = DNS_E_SYNTAX;
			else
				err = emit(&o, bin, f == RDF_A ? 4 : 16);
			ti++;
			break;
		}
		case RDF_STR:
			err = parse_charstring(&o, t);
			ti++;
			break;
		case RDF_STRS:
			for (; ti < ntok && !err; ti++) {
				bad = ti;
				err = parse_charstring(&o, &tok[ti]);
			}
			break;
		case RDF_TAG: {
			uint8_t s[256];
			size_t n;
			err = unescape(t, s + 1, 255, &n);
			if (!err && n == 0)
				err = DNS_E_SYNTAX;
			for (size_t k = 0; !err && k < n; k++) {
				uint8_t c = s[1 + k];
				if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				      (c >= '0' && c <= '9')))
					err = DNS_E_SYNTAX;
			}
			if (!err) {
				s[0] = (uint8_t)n;
				err = emit(&o, s, n + 1);
			}
			ti++;
			break;
		}
		case RDF_VALUE: {
			size_t n;
			err = unescape(t, o.buf + o.len, o.cap - o.len, &n);
			if (err == DNS_E_RANGE)
				err = DNS_E_NOSPACE;
			if (!err)
				o.len += n;
			ti++;
			break;
		}
		case RDF_B64:
		case RDF_HEX: {
			size_t start = o.len;
			err = parse_blob(&o, tok, ti, ntok,
					 f == RDF_B64 ? dns_base64_decode : dns_hex_decode);
			if (!err && o.len == start)
				err = DNS_E_SYNTAX;
			ti = ntok;
			break;
		}
		case RDF_HEX8:
			err = parse_blob8(&o, t, dns_hex_decode);
			ti++;
			break;
		case RDF_B32_8:
			err = parse_blob8(&o, t, dns_base32hex_decode);
			ti++;
			break;
		}
		if (err)
			goto done;
	}
	if (ti < ntok) {
		bad = ti;
		err = DNS_E_SYNTAX;
		goto done;
	}
	/* The same rules as for RDATA from the wire (DS digest lengths, CAA
	 * tags): text that could not travel is refused here too. */
	err = rdata_semantics(type, out, o.len);
	if (err)
		bad = ntok - 1;
done:
	if (bad_tok)
		*bad_tok = bad;
	if (!err)
		*outlen = o.len;
	return err;
}
