/* Error codes of the DNS library.  Every function that can fail returns one
 * of these; DNS_OK is zero so `if (err)` reads naturally. */
#ifndef DNSIM_DNS_ERROR_H
#define DNSIM_DNS_ERROR_H

typedef enum dns_err {
	DNS_OK = 0,
	DNS_E_TRUNCATED,      /* input ended in the middle of an item */
	DNS_E_LABEL_TOO_LONG, /* a label longer than 63 octets */
	DNS_E_NAME_TOO_LONG,  /* a name longer than 255 octets in wire form */
	DNS_E_EMPTY_LABEL,    /* ".." or a leading dot in presentation form */
	DNS_E_BAD_ESCAPE,     /* \ followed by nothing, or \DDD above 255 */
	DNS_E_RELATIVE,       /* a relative name where no origin is known */
	DNS_E_BAD_POINTER,    /* compression pointer not strictly backwards */
	DNS_E_POINTER_LOOP,   /* too many pointers followed */
	DNS_E_LABEL_TYPE,     /* label type 0x40 or 0x80 (reserved/obsolete) */
	DNS_E_RDLENGTH,       /* RDLENGTH disagrees with the record's layout */
	DNS_E_TRAILING,       /* bytes left over after the last section */
	DNS_E_FORMAT,         /* malformed in some other way (say, two OPT RRs) */
	DNS_E_NOSPACE,        /* output buffer or size limit too small */
	DNS_E_SYNTAX,         /* presentation form does not parse */
	DNS_E_RANGE,          /* a number out of range for its field */
	DNS_E_UNKNOWN_TYPE,   /* type mnemonic not known */
	DNS_E_UNKNOWN_CLASS,  /* class mnemonic not known */
	DNS_E_NOMEM,          /* allocation failed */
	DNS_E_ORDER,          /* builder calls out of section order */
} dns_err;

/* A short English description of an error code; never NULL. */
const char *dns_strerror(dns_err err);

#endif
