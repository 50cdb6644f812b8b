/* Extended DNS Errors. */
#include "dns/ede.h"

#include <string.h>

#include "dns/wire.h"

static const char *const names[] = {
	[DNS_EDE_OTHER] = "Other Error",
	[DNS_EDE_UNSUPPORTED_DNSKEY_ALG] = "Unsupported DNSKEY Algorithm",
	[DNS_EDE_UNSUPPORTED_DS_DIGEST] = "Unsupported DS Digest Type",
	[DNS_EDE_STALE_ANSWER] = "Stale Answer",
	[DNS_EDE_FORGED_ANSWER] = "Forged Answer",
	[DNS_EDE_DNSSEC_INDETERMINATE] = "DNSSEC Indeterminate",
	[DNS_EDE_DNSSEC_BOGUS] = "DNSSEC Bogus",
	[DNS_EDE_SIGNATURE_EXPIRED] = "Signature Expired",
	[DNS_EDE_SIGNATURE_NOT_YET_VALID] = "Signature Not Yet Valid",
	[DNS_EDE_DNSKEY_MISSING] = "DNSKEY Missing",
	[DNS_EDE_RRSIGS_MISSING] = "RRSIGs Missing",
	[DNS_EDE_NO_ZONE_KEY_BIT] = "No Zone Key Bit Set",
	[DNS_EDE_NSEC_MISSING] = "NSEC Missing",
	[DNS_EDE_CACHED_ERROR] = "Cached Error",
	[DNS_EDE_NOT_READY] = "Not Ready",
	[DNS_EDE_BLOCKED] = "Blocked",
	[DNS_EDE_CENSORED] = "Censored",
	[DNS_EDE_FILTERED] = "Filtered",
	[DNS_EDE_PROHIBITED] = "Prohibited",
	[DNS_EDE_STALE_NXDOMAIN] = "Stale NXDOMAIN Answer",
	[DNS_EDE_NOT_AUTHORITATIVE] = "Not Authoritative",
	[DNS_EDE_NOT_SUPPORTED] = "Not Supported",
	[DNS_EDE_NO_REACHABLE_AUTHORITY] = "No Reachable Authority",
	[DNS_EDE_NETWORK_ERROR] = "Network Error",
	[DNS_EDE_INVALID_DATA] = "Invalid Data",
};

const char *dns_ede_name(uint16_t code)
{
	if (code < sizeof names / sizeof names[0] && names[code])
		return names[code];
	return "Unknown";
}

size_t dns_ede_encode(uint16_t code, const char *text, uint8_t *out, size_t cap)
{
	size_t tlen = text ? strlen(text) : 0;
	/* The option's length field counts the INFO-CODE and the text. */
	if (tlen > 65535 - 2 || cap < 6 + tlen)
		return 0;
	dns_put16(out, DNS_OPT_EDE);
	dns_put16(out + 2, (uint16_t)(2 + tlen));
	dns_put16(out + 4, code);
	if (tlen)
		memcpy(out + 6, text, tlen);
	return 6 + tlen;
}

bool dns_ede_find(const uint8_t *opts, size_t len, uint16_t *code, const char **text,
		  size_t *textlen, dns_err *err)
{
	if (err)
		*err = DNS_OK;
	size_t p = 0;
	while (p < len) {
		if (len - p < 4) {
			if (err)
				*err = DNS_E_FORMAT;
			return false;
		}
		uint16_t oc = dns_get16(opts + p), ol = dns_get16(opts + p + 2);
		if (ol > len - p - 4) {
			if (err)
				*err = DNS_E_FORMAT;
			return false;
		}
		if (oc == DNS_OPT_EDE) {
			if (ol < 2) {
				if (err)
					*err = DNS_E_FORMAT;
				return false;
			}
			*code = dns_get16(opts + p + 4);
			*text = (const char *)opts + p + 6;
			*textlen = ol - 2u;
			return true;
		}
		p += 4u + ol;
	}
	return false;
}
