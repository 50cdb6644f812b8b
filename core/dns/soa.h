/* The SOA record's RDATA (RFC 1035 section 3.3.13): MNAME, RNAME, then
 * five 32-bit numbers, SERIAL, REFRESH, RETRY, EXPIRE and MINIMUM.  And
 * what RFC 2308 makes of them: how long a negative answer lives. */
#ifndef DNSIM_DNS_SOA_H
#define DNSIM_DNS_SOA_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* The five numbers after the two names: 20 octets. */
#define DNS_SOA_NUMBERS_LEN 20

typedef struct dns_soa {
	const uint8_t *mname;   /* point into the RDATA that was read */
	const uint8_t *rname;
	uint32_t serial;
	uint32_t refresh;
	uint32_t retry;
	uint32_t expire;
	uint32_t minimum;
	size_t serial_at;       /* offset of SERIAL in the RDATA */
} dns_soa;

/* Read uncompressed SOA RDATA (as the library keeps it).  Errors: the
 * name errors of dns_name_check (DNS_E_TRUNCATED when RDATA ends inside
 * a name), DNS_E_RDLENGTH when the numbers are cut short or followed by
 * more octets. */
dns_err dns_soa_read(const uint8_t *rd, size_t rdlen, dns_soa *soa);

/* Overwrite SERIAL in place; the RDATA is checked as dns_soa_read does
 * and left untouched on error. */
dns_err dns_soa_set_serial(uint8_t *rd, size_t rdlen, uint32_t serial);

/* RFC 2308 section 5: a negative answer (NXDOMAIN, NODATA) lives for
 * the lesser of the SOA record's own TTL and its MINIMUM field. */
static inline uint32_t dns_negative_ttl(uint32_t soa_ttl, uint32_t minimum)
{
	return soa_ttl < minimum ? soa_ttl : minimum;
}

/* The same, straight from an SOA record's TTL and RDATA; errors as for
 * dns_soa_read, *ttl untouched then. */
dns_err dns_soa_negative_ttl(uint32_t soa_ttl, const uint8_t *rd,
			     size_t rdlen, uint32_t *ttl);

#endif
