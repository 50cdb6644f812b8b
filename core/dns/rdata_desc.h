/* Private to the library: the layout of each known record type's RDATA,
 * shared by the wire walker (rdata.c) and the text forms (rdata_text.c). */
#ifndef DNSIM_DNS_RDATA_DESC_H
#define DNSIM_DNS_RDATA_DESC_H

#include <stdbool.h>
#include <stdint.h>

enum rdata_field {
	RDF_END = 0,
	RDF_NAME_C,   /* domain name, compressible (RFC 1035 types) */
	RDF_NAME,     /* domain name, never compressed on output */
	RDF_U8,
	RDF_U16,
	RDF_U32,
	RDF_PERIOD,   /* 32-bit seconds; text may use TTL units */
	RDF_TYPE,     /* 16-bit type printed as its mnemonic */
	RDF_TIME,     /* 32-bit time printed as YYYYMMDDHHmmSS */
	RDF_A,        /* 4 octets */
	RDF_AAAA,     /* 16 octets */
	RDF_STR,      /* <character-string>: length octet + data */
	RDF_STRS,     /* one or more <character-string>s to the end */
	RDF_B64,      /* the rest, base64 in text */
	RDF_HEX,      /* the rest, hex in text */
	RDF_HEX8,     /* length octet + data, hex or "-" in text (salt) */
	RDF_B32_8,    /* length octet + data, base32hex in text */
	RDF_BITMAP,   /* NSEC/NSEC3 type bitmap to the end */
	RDF_TAG,      /* length octet + data, printed bare (CAA tag) */
	RDF_VALUE,    /* the rest, printed as one quoted string (CAA) */
};

#define RDATA_MAX_FIELDS 9

struct rdata_desc {
	uint16_t type;
	/* Names are lowercased in the canonical form (RFC 4034 6.2). */
	bool canonical_lower;
	uint8_t field[RDATA_MAX_FIELDS];
};

/* The descriptor of a type, or NULL when the type is handled as opaque. */
const struct rdata_desc *rdata_desc_find(uint16_t type);

/* Rules beyond the layout, applied to RDATA from the wire and from text
 * alike (as BIND and dnspython apply them): a DS or CDS digest of a known
 * digest type has that type's length (type 0 is reserved); a CAA tag is
 * letters and digits.  The RDATA must already fit the layout. */
dns_err rdata_semantics(uint16_t type, const uint8_t *rd, size_t len);

#endif
