/* SOA RDATA fields, read with every length checked. */
#include "soa.h"

#include "name.h"
#include "wire.h"

dns_err dns_soa_read(const uint8_t *rd, size_t rdlen, dns_soa *soa)
{
	size_t mlen, rlen;
	dns_err err = dns_name_check(rd, rdlen, &mlen);
	if (err)
		return err;
	err = dns_name_check(rd + mlen, rdlen - mlen, &rlen);
	if (err)
		return err;
	size_t at = mlen + rlen;
	if (rdlen - at != DNS_SOA_NUMBERS_LEN)
		return DNS_E_RDLENGTH;
	soa->mname = rd;
	soa->rname = rd + mlen;
	soa->serial_at = at;
	soa->serial = dns_get32(rd + at);
	soa->refresh = dns_get32(rd + at + 4);
	soa->retry = dns_get32(rd + at + 8);
	soa->expire = dns_get32(rd + at + 12);
	soa->minimum = dns_get32(rd + at + 16);
	return DNS_OK;
}

dns_err dns_soa_set_serial(uint8_t *rd, size_t rdlen, uint32_t serial)
{
	dns_soa soa;
	dns_err err = dns_soa_read(rd, rdlen, &soa);
	if (err)
		return err;
	dns_put32(rd + soa.serial_at, serial);
	return DNS_OK;
}

dns_err dns_soa_negative_ttl(uint32_t soa_ttl, const uint8_t *rd,
			     size_t rdlen, uint32_t *ttl)
{
	dns_soa soa;
	dns_err err = dns_soa_read(rd, rdlen, &soa);
	if (err)
		return err;
	*ttl = dns_negative_ttl(soa_ttl, soa.minimum);
	return DNS_OK;
}
