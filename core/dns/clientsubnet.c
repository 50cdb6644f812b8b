/* EDNS Client Subnet option (RFC 7871 section 6). */
#include "dns/clientsubnet.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "dns/wire.h"

unsigned dns_ecs_family_bits(uint16_t family)
{
	return family == DNS_ECS_FAMILY_IPV4 ? 32 : family == DNS_ECS_FAMILY_IPV6 ? 128 : 0;
}

/* Clear every bit of addr (16 octets) from `bits` on. */
static void clear_from(uint8_t *addr, unsigned bits)
{
	for (unsigned i = bits / 8; i < 16; i++) {
		if (i == bits / 8 && bits % 8)
			addr[i] &= (uint8_t)(0xff00u >> (bits % 8));
		else
			addr[i] = 0;
	}
}

bool dns_ecs_make(dns_ecs *e, uint16_t family, const uint8_t *addr, unsigned prefix)
{
	unsigned width = dns_ecs_family_bits(family);
	if (width == 0)
		return false;
	memset(e, 0, sizeof *e);
	e->family = family;
	memcpy(e->addr, addr, width / 8);
	e->source = (uint8_t)(prefix < width ? prefix : width);
	clear_from(e->addr, e->source);
	return true;
}

void dns_ecs_limit(dns_ecs *e, unsigned bits)
{
	if (e->source <= bits)
		return;
	e->source = (uint8_t)bits;
	clear_from(e->addr, bits);
}

size_t dns_ecs_encode(const dns_ecs *e, uint8_t *out, size_t cap)
{
	unsigned width = dns_ecs_family_bits(e->family);
	if (width == 0 || e->source > width || e->scope > width)
		return 0;
	size_t alen = (e->source + 7u) / 8u;
	if (cap < 8 + alen)
		return 0;
	dns_put16(out, DNS_OPT_ECS);
	dns_put16(out + 2, (uint16_t)(4 + alen));
	dns_put16(out + 4, e->family);
	out[6] = e->source;
	out[7] = e->scope;
	memcpy(out + 8, e->addr, alen);
	return 8 + alen;
}

/* One option body checked against section 6. */
static bool parse_body(const uint8_t *p, size_t len, dns_ecs *e)
{
	if (len < 4)
		return false;
	memset(e, 0, sizeof *e);
	e->family = dns_get16(p);
	e->source = p[2];
	e->scope = p[3];
	unsigned width = dns_ecs_family_bits(e->family);
	if (width == 0 || e->source > width || e->scope > width)
		return false;
	size_t alen = (e->source + 7u) / 8u;
	if (len - 4 != alen)
		return false;
	memcpy(e->addr, p + 4, alen);
	/* "bits beyond SOURCE PREFIX-LENGTH MUST be zero" */
	uint8_t check[16];
	memcpy(check, e->addr, sizeof check);
	clear_from(check, e->source);
	return memcmp(check, e->addr, sizeof check) == 0;
}

int dns_ecs_find(const uint8_t *opts, size_t len, dns_ecs *e)
{
	size_t p = 0;
	while (p < len) {
		if (len - p < 4)
			return -1;
		uint16_t oc = dns_get16(opts + p), ol = dns_get16(opts + p + 2);
		if (ol > len - p - 4)
			return -1;
		if (oc == DNS_OPT_ECS)
			return parse_body(opts + p + 4, ol, e) ? 1 : -1;
		p += 4u + ol;
	}
	return 0;
}

bool dns_ecs_prefix_equal(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned whole = bits / 8;
	if (memcmp(a, b, whole) != 0)
		return false;
	if (bits % 8 == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff00u >> (bits % 8));
	return (a[whole] & mask) == (b[whole] & mask);
}

bool dns_ecs_same_subnet(const dns_ecs *query, const dns_ecs *response)
{
	return query->family == response->family && query->source == response->source &&
	       memcmp(query->addr, response->addr, sizeof query->addr) == 0;
}

void dns_ecs_format(const dns_ecs *e, char *buf, size_t bufsz)
{
	char a[INET6_ADDRSTRLEN] = "?";
	if (e->family == DNS_ECS_FAMILY_IPV4)
		(void)inet_ntop(AF_INET, e->addr, a, sizeof a);
	else if (e->family == DNS_ECS_FAMILY_IPV6)
		(void)inet_ntop(AF_INET6, e->addr, a, sizeof a);
	snprintf(buf, bufsz, "%s/%u", a, e->source);
}
