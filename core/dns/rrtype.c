/* Record type and class mnemonics (IANA registry, the types we name). */
#include "rrtype.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

struct mnemonic {
	uint16_t code;
	const char *name;
};

static const struct mnemonic types[] = {
	{ DNS_T_A, "A" },         { DNS_T_NS, "NS" },
	{ 3, "MD" },              { 4, "MF" },
	{ DNS_T_CNAME, "CNAME" }, { DNS_T_SOA, "SOA" },
	{ 7, "MB" },              { 8, "MG" },
	{ 9, "MR" },              { 10, "NULL" },
	{ 11, "WKS" },            { DNS_T_PTR, "PTR" },
	{ DNS_T_HINFO, "HINFO" }, { 14, "MINFO" },
	{ DNS_T_MX, "MX" },       { DNS_T_TXT, "TXT" },
	{ 17, "RP" },             { 18, "AFSDB" },
	{ 24, "SIG" },            { 25, "KEY" },
	{ DNS_T_AAAA, "AAAA" },   { 29, "LOC" },
	{ DNS_T_SRV, "SRV" },     { DNS_T_NAPTR, "NAPTR" },
	{ 36, "KX" },             { 37, "CERT" },
	{ DNS_T_DNAME, "DNAME" }, { DNS_T_OPT, "OPT" },
	{ 42, "APL" },            { DNS_T_DS, "DS" },
	{ DNS_T_SSHFP, "SSHFP" }, { 45, "IPSECKEY" },
	{ DNS_T_RRSIG, "RRSIG" }, { DNS_T_NSEC, "NSEC" },
	{ DNS_T_DNSKEY, "DNSKEY" }, { 49, "DHCID" },
	{ DNS_T_NSEC3, "NSEC3" }, { DNS_T_NSEC3PARAM, "NSEC3PARAM" },
	{ DNS_T_TLSA, "TLSA" },   { 53, "SMIMEA" },
	{ 55, "HIP" },            { DNS_T_CDS, "CDS" },
	{ DNS_T_CDNSKEY, "CDNSKEY" }, { 61, "OPENPGPKEY" },
	{ 62, "CSYNC" },          { 63, "ZONEMD" },
	{ 64, "SVCB" },           { 65, "HTTPS" },
	{ 99, "SPF" },            { 249, "TKEY" },
	{ 250, "TSIG" },          { DNS_T_IXFR, "IXFR" },
	{ DNS_T_AXFR, "AXFR" },   { DNS_T_ANY, "ANY" },
	{ 256, "URI" },           { DNS_T_CAA, "CAA" },
	{ DNS_T_ALIAS, "ALIAS" },
};

static const struct mnemonic classes[] = {
	{ DNS_C_IN, "IN" },     { DNS_C_CH, "CH" },     { DNS_C_HS, "HS" },
	{ DNS_C_NONE, "NONE" }, { DNS_C_ANY, "ANY" },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *lookup_code(const struct mnemonic *tab, size_t n,
			       uint16_t code)
{
	for (size_t i = 0; i < n; i++)
		if (tab[i].code == code)
			return tab[i].name;
	return NULL;
}

/* Parse the digits of TYPEnnn/CLASSnnn: 1-5 digits, value <= 65535. */
static dns_err parse_generic(const char *text, size_t len, size_t prefix,
			     uint16_t *out)
{
	if (len <= prefix || len - prefix > 5)
		return DNS_E_SYNTAX;
	unsigned long v = 0;
	for (size_t i = prefix; i < len; i++) {
		if (text[i] < '0' || text[i] > '9')
			return DNS_E_SYNTAX;
		v = v * 10 + (unsigned long)(text[i] - '0');
	}
	if (v > 65535)
		return DNS_E_RANGE;
	*out = (uint16_t)v;
	return DNS_OK;
}

static dns_err lookup_name(const struct mnemonic *tab, size_t n,
			   const char *generic, const char *text, size_t len,
			   uint16_t *out, dns_err unknown)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(tab[i].name) == len &&
		    strncasecmp(tab[i].name, text, len) == 0) {
			*out = tab[i].code;
			return DNS_OK;
		}
	size_t glen = strlen(generic);
	if (len > glen && strncasecmp(text, generic, glen) == 0 &&
	    text[glen] >= '0' && text[glen] <= '9')
		return parse_generic(text, len, glen, out);
	return unknown;
}

const char *dns_type_to_text(uint16_t type, char *buf)
{
	const char *n = lookup_code(types, COUNT(types), type);
	if (n)
		snprintf(buf, DNS_MNEMONIC_MAX, "%s", n);
	else
		snprintf(buf, DNS_MNEMONIC_MAX, "TYPE%u", (unsigned)type);
	return buf;
}

const char *dns_class_to_text(uint16_t rclass, char *buf)
{
	const char *n = lookup_code(classes, COUNT(classes), rclass);
	if (n)
		snprintf(buf, DNS_MNEMONIC_MAX, "%s", n);
	else
		snprintf(buf, DNS_MNEMONIC_MAX, "CLASS%u", (unsigned)rclass);
	return buf;
}

dns_err dns_type_from_text(const char *text, size_t len, uint16_t *type)
{
	return lookup_name(types, COUNT(types), "TYPE", text, len, type,
			   DNS_E_UNKNOWN_TYPE);
}

dns_err dns_class_from_text(const char *text, size_t len, uint16_t *rclass)
{
	return lookup_name(classes, COUNT(classes), "CLASS", text, len, rclass,
			   DNS_E_UNKNOWN_CLASS);
}

int dns_type_is_meta(uint16_t type)
{
	return type == DNS_T_OPT || (type >= 128 && type <= 255);
}
