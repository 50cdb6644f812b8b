/* Record types and classes: numbers and their mnemonics. */
#ifndef DNSIM_DNS_RRTYPE_H
#define DNSIM_DNS_RRTYPE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

enum dns_type {
	DNS_T_A = 1,
	DNS_T_NS = 2,
	DNS_T_CNAME = 5,
	DNS_T_SOA = 6,
	DNS_T_PTR = 12,
	DNS_T_HINFO = 13,
	DNS_T_MX = 15,
	DNS_T_TXT = 16,
	DNS_T_AAAA = 28,
	DNS_T_SRV = 33,
	DNS_T_NAPTR = 35,
	DNS_T_DNAME = 39,
	DNS_T_OPT = 41,
	DNS_T_DS = 43,
	DNS_T_SSHFP = 44,
	DNS_T_RRSIG = 46,
	DNS_T_NSEC = 47,
	DNS_T_DNSKEY = 48,
	DNS_T_NSEC3 = 50,
	DNS_T_NSEC3PARAM = 51,
	DNS_T_TLSA = 52,
	DNS_T_CDS = 59,
	DNS_T_CDNSKEY = 60,
	DNS_T_IXFR = 251,
	DNS_T_AXFR = 252,
	DNS_T_ANY = 255,
	DNS_T_CAA = 257,
	/* dnsim's ALIAS (CNAME flattening at an apex, auth/alias.h): a type
	 * of the private-use range, the number PowerDNS gives its ALIAS.  It
	 * lives in zone files; servers answer A and AAAA in its stead. */
	DNS_T_ALIAS = 65401,
};

enum dns_class {
	DNS_C_IN = 1,
	DNS_C_CH = 3,
	DNS_C_HS = 4,
	DNS_C_NONE = 254,
	DNS_C_ANY = 255,
};

/* Long enough for "TYPE65535" / "CLASS65535" and a NUL. */
#define DNS_MNEMONIC_MAX 16

/* Mnemonic for a type ("A", "TYPE65534" for unknown ones).  Writes into
 * buf (DNS_MNEMONIC_MAX bytes) and returns it. */
const char *dns_type_to_text(uint16_t type, char *buf);
const char *dns_class_to_text(uint16_t rclass, char *buf);

/* Mnemonic -> number, case-insensitive; also accepts the RFC 3597 forms
 * TYPEnnn and CLASSnnn. */
dns_err dns_type_from_text(const char *text, size_t len, uint16_t *type);
dns_err dns_class_from_text(const char *text, size_t len, uint16_t *rclass);

/* Meta types (RFC 6895: 128-255) and OPT may not appear in zone data. */
int dns_type_is_meta(uint16_t type);

#endif
