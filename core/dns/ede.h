/* Extended DNS Errors (RFC 8914): an EDNS option (code 15) that says why
 * an answer is what it is -- which zone a server is not authoritative
 * for, that a name was blocked, that no nameserver could be reached.
 * Its body is a 16-bit INFO-CODE and optional UTF-8 EXTRA-TEXT. */
#ifndef DNSIM_DNS_EDE_H
#define DNSIM_DNS_EDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/error.h"

#define DNS_OPT_EDE 15

/* The INFO-CODEs of RFC 8914 section 4 (and the IANA registry after it). */
enum dns_ede_code {
	DNS_EDE_OTHER = 0,
	DNS_EDE_UNSUPPORTED_DNSKEY_ALG = 1,
	DNS_EDE_UNSUPPORTED_DS_DIGEST = 2,
	DNS_EDE_STALE_ANSWER = 3,
	DNS_EDE_FORGED_ANSWER = 4,
	DNS_EDE_DNSSEC_INDETERMINATE = 5,
	DNS_EDE_DNSSEC_BOGUS = 6,
	DNS_EDE_SIGNATURE_EXPIRED = 7,
	DNS_EDE_SIGNATURE_NOT_YET_VALID = 8,
	DNS_EDE_DNSKEY_MISSING = 9,
	DNS_EDE_RRSIGS_MISSING = 10,
	DNS_EDE_NO_ZONE_KEY_BIT = 11,
	DNS_EDE_NSEC_MISSING = 12,
	DNS_EDE_CACHED_ERROR = 13,
	DNS_EDE_NOT_READY = 14,
	DNS_EDE_BLOCKED = 15,
	DNS_EDE_CENSORED = 16,
	DNS_EDE_FILTERED = 17,
	DNS_EDE_PROHIBITED = 18,
	DNS_EDE_STALE_NXDOMAIN = 19,
	DNS_EDE_NOT_AUTHORITATIVE = 20,
	DNS_EDE_NOT_SUPPORTED = 21,
	DNS_EDE_NO_REACHABLE_AUTHORITY = 22,
	DNS_EDE_NETWORK_ERROR = 23,
	DNS_EDE_INVALID_DATA = 24,
};

/* The code's name as RFC 8914 writes it ("Not Authoritative"); codes
 * without one give "Unknown". */
const char *dns_ede_name(uint16_t code);

/* Write the whole option (code, length, INFO-CODE, text) into out.
 * `text` may be NULL.  Returns the octets written, 0 when cap is too
 * small or the text longer than an option can carry. */
size_t dns_ede_encode(uint16_t code, const char *text, uint8_t *out, size_t cap);

/* The first EDE option among an OPT RR's options (as dns_edns keeps
 * them).  true with *code and the text (not NUL-terminated, *textlen
 * octets, pointing into opts) when one is there; false when there is
 * none.  DNS_E_FORMAT through *err when the options are malformed or
 * the EDE option is shorter than its INFO-CODE (err may be NULL). */
bool dns_ede_find(const uint8_t *opts, size_t len, uint16_t *code, const char **text,
		  size_t *textlen, dns_err *err);

#endif
