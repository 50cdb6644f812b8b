/* The counters a dnsim server answers to `CH TXT stats.dnsim`: TXT
 * RDATA (RFC 1035 section 3.3.14) with one character-string per
 * counter, "KEY=VALUE", where KEY is not empty and holds no '=' and VALUE
 * is the count in decimal digits, e.g. "queries=42" "rcode.NOERROR=40".
 * The servers write it with the writer below and the supervisor reads it
 * with the decoder, so both sides agree on one format. */
#ifndef DNSIM_DNS_STATS_TXT_H
#define DNSIM_DNS_STATS_TXT_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* A character-string holds at most 255 octets. */
#define DNS_TXT_STRING_MAX 255

/* ---- Writing ---------------------------------------------------------- */

typedef struct dns_stats_writer {
	uint8_t *buf;
	size_t cap;       /* the most RDATA octets allowed */
	size_t len;       /* RDATA octets written so far */
	size_t left_out;  /* counters that did not fit */
} dns_stats_writer;

void dns_stats_writer_init(dns_stats_writer *w, uint8_t *buf, size_t cap);

/* Append "key=value" as one character-string.  A string is never cut:
 * when it would pass DNS_TXT_STRING_MAX octets or the room left, nothing
 * is written, left_out goes up and the result is DNS_E_NOSPACE (a shorter
 * counter after it may still fit).  DNS_E_SYNTAX for a key that is empty
 * or holds '='. */
dns_err dns_stats_put(dns_stats_writer *w, const char *key, uint64_t value);

/* ---- Reading ---------------------------------------------------------- */

/* One counter; key points into the RDATA it was read from and is not
 * NUL-terminated. */
typedef struct dns_stat {
	const char *key;
	size_t keylen;
	uint64_t value;
} dns_stat;

/* Every string of the RDATA is one counter: rdlen octets hold at most
 * rdlen / 4 of them ("k=0" and its length octet). */
#define DNS_STATS_MAX_IN(rdlen) ((rdlen) / 4)

/* TXT RDATA -> counters, in the order they came; *n gets how many.
 * Strict: DNS_E_TRUNCATED when a string runs past rdlen, DNS_E_SYNTAX
 * for a string that is not KEY=DIGITS, DNS_E_RANGE for a value above
 * 2^64-1, DNS_E_NOSPACE for more than `cap` counters. */
dns_err dns_stats_decode(const uint8_t *rd, size_t rdlen, dns_stat *out,
			 size_t cap, size_t *n);

/* The first counter named `key` (NUL-terminated), or NULL. */
const dns_stat *dns_stats_find(const dns_stat *stats, size_t n,
			       const char *key);

#endif
