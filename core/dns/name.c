/* Domain names: presentation and wire forms, comparison, decompression. */
#include "name.h"

#include <string.h>

const uint8_t dns_name_root[1] = { 0 };

static uint8_t lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

dns_err dns_name_from_text(dns_name *out, const char *text, size_t textlen,
			   const uint8_t *origin)
{
	uint8_t buf[DNS_NAME_MAXLEN + DNS_LABEL_MAXLEN + 2];
	size_t pos = 0;     /* write position in buf */
	size_t lab = 0;     /* position of the current label's length byte */
	size_t i = 0;
	bool absolute = false;

	if (textlen == 0)
		return DNS_E_SYNTAX;
	if (textlen == 1 && text[0] == '.') {
		out->len = 1;
		out->data[0] = 0;
		return DNS_OK;
	}
	buf[pos++] = 0;
	while (i < textlen) {
		unsigned char c = (unsigned char)text[i++];
		if (c == '.') {
			size_t llen = pos - lab - 1;
			if (llen == 0)
				return DNS_E_EMPTY_LABEL;
			if (i == textlen) {
				absolute = true;
				break;
			}
			lab = pos;
			buf[pos++] = 0;
			continue;
		}
		if (c == '\\') {
			if (i >= textlen)
				return DNS_E_BAD_ESCAPE;
			if (text[i] >= '0' && text[i] <= '9') {
				unsigned v = 0;
				for (int k = 0; k < 3; k++) {
					if (i >= textlen || text[i] < '0' || text[i] > '9')
						return DNS_E_BAD_ESCAPE;
					v = v * 10 + (unsigned)(text[i++] - '0');
				}
				if (v > 255)
					return DNS_E_BAD_ESCAPE;
				c = (unsigned char)v;
			} else {
				c = (unsigned char)text[i++];
			}
		}
		if (pos - lab - 1 >= DNS_LABEL_MAXLEN)
			return DNS_E_LABEL_TOO_LONG;
		if (pos >= DNS_NAME_MAXLEN)
			return DNS_E_NAME_TOO_LONG;
		buf[pos++] = c;
		buf[lab] = (uint8_t)(pos - lab - 1);
	}
	if (!absolute) {
		if (origin == NULL)
			return DNS_E_RELATIVE;
		size_t olen = dns_name_length(origin);
		if (pos + olen > DNS_NAME_MAXLEN)
			return DNS_E_NAME_TOO_LONG;
		memcpy(buf + pos, origin, olen);
		pos += olen;
	} else {
		if (pos + 1 > DNS_NAME_MAXLEN)
			return DNS_E_NAME_TOO_LONG;
		buf[pos++] = 0;
	}
	out->len = (uint8_t)pos;
	memcpy(out->data, buf, pos);
	return DNS_OK;
}

/* Characters that have a meaning in master files and so are escaped. */
static bool needs_backslash(uint8_t c)
{
	return c == '.' || c == '\\' || c == '"' || c == '(' || c == ')' ||
	       c == ';' || c == '@' || c == '$';
}

dns_err dns_name_to_text(const uint8_t *name, char *out, size_t outsz,
			 size_t *outlen)
{
	size_t o = 0;
	const uint8_t *p = name;

	if (outsz < 2)
		return DNS_E_NOSPACE;
	if (*p == 0) {
		out[o++] = '.';
	}
	while (*p) {
		uint8_t len = *p++;
		for (uint8_t k = 0; k < len; k++) {
			uint8_t c = *p++;
			if (c <= 0x20 || c >= 0x7f) {
				if (o + 4 >= outsz)
					return DNS_E_NOSPACE;
				out[o++] = '\\';
				out[o++] = (char)('0' + c / 100);
				out[o++] = (char)('0' + (c / 10) % 10);
				out[o++] = (char)('0' + c % 10);
			} else if (needs_backslash(c)) {
				if (o + 2 >= outsz)
					return DNS_E_NOSPACE;
				out[o++] = '\\';
				out[o++] = (char)c;
			} else {
				if (o + 1 >= outsz)
					return DNS_E_NOSPACE;
				out[o++] = (char)c;
			}
		}
		if (o + 1 >= outsz)
			return DNS_E_NOSPACE;
		out[o++] = '.';
	}
	out[o] = '\0';
	if (outlen)
		*outlen = o;
	return DNS_OK;
}

dns_err dns_name_check(const uint8_t *buf, size_t buflen, size_t *namelen)
{
	size_t pos = 0;
	for (;;) {
		if (pos >= buflen)
			return DNS_E_TRUNCATED;
		uint8_t len = buf[pos];
		if (len & 0xC0)
			return (len & 0xC0) == 0xC0 ? DNS_E_BAD_POINTER
						    : DNS_E_LABEL_TYPE;
		if (pos + 1 + len > DNS_NAME_MAXLEN)
			return DNS_E_NAME_TOO_LONG;
		if (len == 0) {
			*namelen = pos + 1;
			return DNS_OK;
		}
		pos += 1u + len;
	}
}

dns_err dns_name_unpack(const uint8_t *msg, size_t msglen, size_t *pos,
			dns_name *out)
{
	size_t p = *pos;
	size_t after = 0;   /* where the caller continues; 0 = not yet known */
	size_t olen = 0;
	/* Each pointer must go strictly backwards from the label holding it,
	 * so `limit` only shrinks and the walk always ends. */
	size_t limit = p;

	for (;;) {
		if (p >= msglen)
			return DNS_E_TRUNCATED;
		uint8_t len = msg[p];
		if ((len & 0xC0) == 0xC0) {
			if (p + 1 >= msglen)
				return DNS_E_TRUNCATED;
			size_t target = ((size_t)(len & 0x3F) << 8) | msg[p + 1];
			if (after == 0)
				after = p + 2;
			/* Into the labels just walked means a loop;
			 * at or past this pointer means forwards. */
			if (target > p)
				return DNS_E_BAD_POINTER;
			if (target >= limit)
				return DNS_E_POINTER_LOOP;
			limit = target;
			p = target;
			continue;
		}
		if (len & 0xC0)
			return DNS_E_LABEL_TYPE;
		if (olen + 1u + len > DNS_NAME_MAXLEN)
			return DNS_E_NAME_TOO_LONG;
		if (p + 1u + len > msglen)
			return DNS_E_TRUNCATED;
		memcpy(out->data + olen, msg + p, 1u + len);
		olen += 1u + len;
		p += 1u + len;
		if (len == 0)
			break;
	}
	out->len = (uint8_t)olen;
	*pos = after ? after : p;
	return DNS_OK;
}

size_t dns_name_length(const uint8_t *name)
{
	const uint8_t *p = name;
	while (*p)
		p += 1u + *p;
	return (size_t)(p - name) + 1;
}

unsigned dns_name_labels(const uint8_t *name)
{
	unsigned n = 0;
	while (*name) {
		name += 1u + *name;
		n++;
	}
	return n;
}

bool dns_name_equal(const uint8_t *a, const uint8_t *b)
{
	for (;;) {
		if (*a != *b)
			return false;
		uint8_t len = *a;
		if (len == 0)
			return true;
		a++;
		b++;
		for (uint8_t k = 0; k < len; k++)
			if (lower(a[k]) != lower(b[k]))
				return false;
		a += len;
		b += len;
	}
}

const uint8_t *dns_name_skip_labels(const uint8_t *name, unsigned n)
{
	while (n-- > 0 && *name)
		name += 1u + *name;
	return name;
}

/* Compare single labels (length byte first) as lowercased octet strings,
 * a shorter label sorting first when it is a prefix of the longer. */
static int label_compare(const uint8_t *a, const uint8_t *b)
{
	uint8_t la = *a++, lb = *b++;
	uint8_t n = la < lb ? la : lb;
	for (uint8_t k = 0; k < n; k++) {
		uint8_t ca = lower(a[k]), cb = lower(b[k]);
		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	return (int)la - (int)lb;
}

int dns_name_compare(const uint8_t *a, const uint8_t *b)
{
	const uint8_t *la[128], *lb[128];
	int na = 0, nb = 0;
	for (const uint8_t *p = a; *p; p += 1u + *p)
		la[na++] = p;
	for (const uint8_t *p = b; *p; p += 1u + *p)
		lb[nb++] = p;
	while (na > 0 && nb > 0) {
		int c = label_compare(la[--na], lb[--nb]);
		if (c != 0)
			return c;
	}
	return na - nb;
}

bool dns_name_is_subdomain(const uint8_t *name, const uint8_t *parent)
{
	unsigned n = dns_name_labels(name), p = dns_name_labels(parent);
	if (n < p)
		return false;
	return dns_name_equal(dns_name_skip_labels(name, n - p), parent);
}

void dns_name_to_lower(uint8_t *name)
{
	while (*name) {
		uint8_t len = *name++;
		for (uint8_t k = 0; k < len; k++)
			name[k] = lower(name[k]);
		name += len;
	}
}

void dns_name_copy(dns_name *out, const uint8_t *name)
{
	size_t len = dns_name_length(name);
	memcpy(out->data, name, len);
	out->len = (uint8_t)len;
}

dns_err dns_name_join(dns_name *out, const uint8_t *prefix,
		      unsigned prefix_labels, const uint8_t *suffix)
{
	const uint8_t *end = dns_name_skip_labels(prefix, prefix_labels);
	size_t plen = (size_t)(end - prefix);
	size_t slen = dns_name_length(suffix);
	if (plen + slen > DNS_NAME_MAXLEN)
		return DNS_E_NAME_TOO_LONG;
	uint8_t tmp[DNS_NAME_MAXLEN];
	memcpy(tmp, prefix, plen);
	memcpy(tmp + plen, suffix, slen);
	memcpy(out->data, tmp, plen + slen);
	out->len = (uint8_t)(plen + slen);
	return DNS_OK;
}
