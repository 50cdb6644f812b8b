/* Record data (RDATA): layout per type, checking, text forms.
 *
 * Inside the library RDATA is kept as uncompressed wire octets: names in
 * it are expanded, everything else as on the wire.  Each known type has a
 * descriptor, a list of fields (name, 16-bit number, base64 blob, ...),
 * and one walker per job reads it: checking a message's RDATA, printing,
 * parsing text, finding names to compress or lowercase.  Types without a
 * descriptor are handled as RFC 3597 opaque data: `\# LEN HEX`. */
#ifndef DNSIM_DNS_RDATA_H
#define DNSIM_DNS_RDATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Largest RDATA: RDLENGTH is 16 bits. */
#define DNS_RDATA_MAXLEN 65535

/* One token of presentation text, as the zone-file lexer hands it out:
 * quoted tokens have their quotes removed but escapes still in place.
 * `line` and `col` (1-based) say where it began, for error messages. */
typedef struct dns_token {
	const char *text;
	size_t len;
	bool quoted;
	unsigned line;
	unsigned col;
} dns_token;

/* Read the RDATA of a record inside a message: `rdlen` octets at msg[pos].
 * Checks it against the type's layout (DNS_E_RDLENGTH when the fields do
 * not end exactly at rdlen), expands compressed names (pointers may point
 * anywhere earlier in msg) and writes the uncompressed form to out.
 * An empty RDATA is accepted for any type when rclass is ANY or NONE
 * (RFC 2136 update prerequisites and deletions). */
dns_err dns_rdata_unpack(uint16_t type, uint16_t rclass, const uint8_t *msg,
			 size_t msglen, size_t pos, uint16_t rdlen,
			 uint8_t *out, size_t outcap, size_t *outlen);

/* Check uncompressed RDATA against the type's layout. */
dns_err dns_rdata_check(uint16_t type, const uint8_t *rd, size_t rdlen);

/* RDATA -> presentation text, as dig prints it, NUL-terminated.  Unknown
 * types print as `\# LEN HEX`. */
dns_err dns_rdata_to_text(uint16_t type, const uint8_t *rd, size_t rdlen,
			  char *out, size_t outsz, size_t *outlen);

/* Presentation tokens -> RDATA.  Relative names get `origin` appended
 * (NULL: relative names are an error).  The generic `\# LEN HEX` form is
 * accepted for every type, known or not, and checked like wire data.
 * On error, *bad_tok (may be NULL) gets the index of the offending
 * token (ntok when tokens ran out). */
dns_err dns_rdata_from_text(uint16_t type, const dns_token *tok, size_t ntok,
			    const uint8_t *origin, uint8_t *out, size_t outcap,
			    size_t *outlen, size_t *bad_tok);

/* Calls fn for every embedded name in RDATA with its offset.  When
 * `compressible_only` is set, only the names that RFC 3597 section 4
 * allows to be compressed on the wire (NS, CNAME, SOA, PTR, MX). */
typedef void (*dns_rdata_name_fn)(void *ctx, size_t offset);
void dns_rdata_foreach_name(uint16_t type, const uint8_t *rd, size_t rdlen,
			    bool compressible_only, dns_rdata_name_fn fn,
			    void *ctx);

/* RFC 4034 section 6.2 (as amended by RFC 6840): lowercase the names in
 * RDATA for the types whose canonical form does so. In place. */
void dns_rdata_canonicalize(uint16_t type, uint8_t *rd, size_t rdlen);

/* Order two RDATA of the same type canonically (RFC 4034 section 6.3):
 * canonical forms compared as left-justified octet strings. */
int dns_rdata_compare(uint16_t type, const uint8_t *a, size_t alen,
		      const uint8_t *b, size_t blen);

/* RRSIG times (RFC 4034 section 3.2): seconds since 1970 modulo 2^32
 * as YYYYMMDDHHmmSS (UTC), NUL-terminated; outsz at least 15. */
dns_err dns_time_to_text(uint32_t t, char *out, size_t outsz);

/* YYYYMMDDHHmmSS (UTC) or a plain decimal number of seconds -> the
 * 32-bit RRSIG time (wrapping as RFC 4034 3.1.5 says). */
dns_err dns_time_from_text(const char *text, size_t len, uint32_t *t);

/* True when the type has a descriptor (typed text form). */
bool dns_rdata_is_known(uint16_t type);

#endif
