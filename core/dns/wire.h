/* Integers on the wire: 16- and 32-bit fields in network byte order
 * (RFC 1035 section 2.3.2), read from and written to octet buffers.
 * The caller has checked that the 2 or 4 octets are there. */
#ifndef DNSIM_DNS_WIRE_H
#define DNSIM_DNS_WIRE_H

#include <stdint.h>

static inline uint16_t dns_get16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t dns_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void dns_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void dns_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif
