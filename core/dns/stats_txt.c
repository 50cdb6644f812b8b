/* The stats.dnsim TXT format, written and read in one place. */
#include "stats_txt.h"

#include <stdio.h>
#include <string.h>

void dns_stats_writer_init(dns_stats_writer *w, uint8_t *buf, size_t cap)
{
	w->buf = buf;
	w->cap = cap;
	w->len = 0;
	w->left_out = 0;
}

dns_err dns_stats_put(dns_stats_writer *w, const char *key, uint64_t value)
{
	size_t keylen = strlen(key);
	if (keylen == 0 || memchr(key, '=', keylen) != NULL)
		return DNS_E_SYNTAX;
	char digits[24];   /* 2^64-1 has 20 */
	int dlen = snprintf(digits, sizeof digits, "%llu", (unsigned long long)value);
	if (dlen <= 0 || (size_t)dlen >= sizeof digits)
		return DNS_E_RANGE;
	size_t slen = keylen + 1 + (size_t)dlen;
	if (slen > DNS_TXT_STRING_MAX || w->cap - w->len < 1 + slen) {
		w->left_out++;
		return DNS_E_NOSPACE;
	}
	uint8_t *p = w->buf + w->len;
	*p++ = (uint8_t)slen;
	memcpy(p, key, keylen);
	p += keylen;
	*p++ = '=';
	memcpy(p, digits, (size_t)dlen);
	w->len += 1 + slen;
	return DNS_OK;
}

/* "KEY=DIGITS" in s[0..len). */
static dns_err read_counter(const char *s, size_t len, dns_stat *st)
{
	const char *eq = memchr(s, '=', len);
	if (eq == NULL || eq == s)
		return DNS_E_SYNTAX;
	const char *d = eq + 1, *end = s + len;
	if (d == end)
		return DNS_E_SYNTAX;
	uint64_t v = 0;
	for (; d < end; d++) {
		if (*d < '0' || *d > '9')
			return DNS_E_SYNTAX;
		unsigned digit = (unsigned)(*d - '0');
		if (v > (UINT64_MAX - digit) / 10)
			return DNS_E_RANGE;
		v = v * 10 + digit;
	}
	st->key = s;
	st->keylen = (size_t)(eq - s);
	st->value = v;
	return DNS_OK;
}

dns_err dns_stats_decode(const uint8_t *rd, size_t rdlen, dns_stat *out,
			 size_t cap, size_t *n)
{
	size_t count = 0;
	for (size_t pos = 0; pos < rdlen;) {
		size_t len = rd[pos++];
		if (len > rdlen - pos)
			return DNS_E_TRUNCATED;
		if (count == cap)
			return DNS_E_NOSPACE;
		dns_err err = read_counter((const char *)rd + pos, len, &out[count]);
		if (err)
			return err;
		count++;
		pos += len;
	}
	*n = count;
	return DNS_OK;
}

const dns_stat *dns_stats_find(const dns_stat *stats, size_t n, const char *key)
{
	size_t keylen = strlen(key);
	for (size_t i = 0; i < n; i++)
		if (stats[i].keylen == keylen && memcmp(stats[i].key, key, keylen) == 0)
			return &stats[i];
	return NULL;
}
