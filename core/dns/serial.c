/* RFC 1982 serial number arithmetic, SERIAL_BITS = 32. */
#include "serial.h"

dns_err dns_serial_add(uint32_t s, uint32_t n, uint32_t *out)
{
	if (n > DNS_SERIAL_ADD_MAX)
		return DNS_E_RANGE;
	*out = s + n;   /* unsigned: wraps modulo 2^32, as 3.1 asks */
	return DNS_OK;
}

enum dns_serial_order dns_serial_compare(uint32_t a, uint32_t b)
{
	if (a == b)
		return DNS_SERIAL_EQUAL;
	/* The distance from b forward to a, modulo 2^32: below 2^31 means a
	 * is ahead (newer), above means b is ahead, 2^31 means neither. */
	uint32_t ahead = a - b;
	if (ahead < 0x80000000u)
		return DNS_SERIAL_GREATER;
	if (ahead > 0x80000000u)
		return DNS_SERIAL_LESS;
	return DNS_SERIAL_UNDEFINED;
}

uint32_t dns_serial_next(uint32_t s)
{
	/* Adding 1 is always defined (1 <= DNS_SERIAL_ADD_MAX) and wraps. */
	return s + 1u;
}
