/* Serial number arithmetic (RFC 1982) for the 32-bit SOA serial: the
 * numbers wrap around, so "newer" means "less than 2^31 ahead". */
#ifndef DNSIM_DNS_SERIAL_H
#define DNSIM_DNS_SERIAL_H

#include <stdint.h>

#include "error.h"

/* The largest number that may be added to a serial (RFC 1982 3.1). */
#define DNS_SERIAL_ADD_MAX 0x7fffffffu

enum dns_serial_order {
	DNS_SERIAL_EQUAL,
	DNS_SERIAL_LESS,      /* a is older than b */
	DNS_SERIAL_GREATER,   /* a is newer than b */
	/* Exactly 2^31 apart: RFC 1982 3.2 leaves the order undefined, and
	 * a caller must not treat either one as newer. */
	DNS_SERIAL_UNDEFINED,
};

/* *out = s + n modulo 2^32; DNS_E_RANGE when n > DNS_SERIAL_ADD_MAX
 * (such an addition is undefined). */
dns_err dns_serial_add(uint32_t s, uint32_t n, uint32_t *out);

/* How serial a compares with serial b (RFC 1982 3.2). */
enum dns_serial_order dns_serial_compare(uint32_t a, uint32_t b);

/* The serial a zone gets when it is edited: one more than before,
 * wrapping from 2^32-1 to 0, which RFC 1982 counts as newer. */
uint32_t dns_serial_next(uint32_t s);

#endif
