/* Binary <-> text encodings used in RDATA presentation forms:
 * base16 (hex), base64 (RFC 4648 section 4), base32hex (section 7). */
#ifndef DNSIM_DNS_ENCODE_H
#define DNSIM_DNS_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Encoders write NUL-terminated text and return DNS_E_NOSPACE when
 * outsz is too small.  Hex and base32hex are written in upper case, as
 * BIND prints them; base32hex without padding (NSEC3, RFC 5155). */
dns_err dns_hex_encode(const uint8_t *in, size_t n, char *out, size_t outsz,
		       size_t *outlen);
dns_err dns_base64_encode(const uint8_t *in, size_t n, char *out,
			  size_t outsz, size_t *outlen);
dns_err dns_base32hex_encode(const uint8_t *in, size_t n, char *out,
			     size_t outsz, size_t *outlen);

/* Decoders accept either case and reject anything else (no white space:
 * callers join tokens first).  Base64 must be correctly padded; base32hex
 * may be unpadded. */
dns_err dns_hex_decode(const char *in, size_t n, uint8_t *out, size_t outsz,
		       size_t *outlen);
dns_err dns_base64_decode(const char *in, size_t n, uint8_t *out,
			  size_t outsz, size_t *outlen);
dns_err dns_base32hex_decode(const char *in, size_t n, uint8_t *out,
			     size_t outsz, size_t *outlen);

#endif
