/* EDNS Client Subnet (RFC 7871): an EDNS option (code 8) by which a
 * resolver tells an authoritative server roughly where its client is --
 * the client's address cut to a prefix -- and the server says for how
 * wide a prefix its answer holds (the SCOPE PREFIX-LENGTH).
 *
 * Option body (section 6): FAMILY (16 bits, 1 = IPv4, 2 = IPv6), SOURCE
 * PREFIX-LENGTH (8), SCOPE PREFIX-LENGTH (8), then ADDRESS cut to
 * ceil(SOURCE / 8) octets, the bits past SOURCE zero. */
#ifndef DNSIM_DNS_CLIENTSUBNET_H
#define DNSIM_DNS_CLIENTSUBNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/error.h"

#define DNS_OPT_ECS 8
#define DNS_ECS_FAMILY_IPV4 1
#define DNS_ECS_FAMILY_IPV6 2

typedef struct dns_ecs {
	uint16_t family;       /* DNS_ECS_FAMILY_IPV4 or _IPV6 */
	uint8_t source;        /* SOURCE PREFIX-LENGTH */
	uint8_t scope;         /* SCOPE PREFIX-LENGTH */
	uint8_t addr[16];      /* the address; every bit past `source` zero */
} dns_ecs;

/* Address bits of a family: 32, 128, or 0 for an unknown family. */
unsigned dns_ecs_family_bits(uint16_t family);

/* A subnet of `prefix` bits (cut to the family's width) of the address
 * `addr` (4 octets for IPv4, 16 for IPv6), scope 0.  false for another
 * family. */
bool dns_ecs_make(dns_ecs *e, uint16_t family, const uint8_t *addr, unsigned prefix);

/* Shorten the source prefix to `bits` when it is longer, clearing the
 * address bits past it (a resolver's limit on what it passes on). */
void dns_ecs_limit(dns_ecs *e, unsigned bits);

/* The whole option (code, length, body) into out.  Returns the octets
 * written, 0 when cap is too small or the subnet is not valid. */
size_t dns_ecs_encode(const dns_ecs *e, uint8_t *out, size_t cap);

/* The first ECS option among an OPT RR's options (as dns_edns keeps
 * them).  1 with *e filled when there is a valid one, 0 when there is
 * none, -1 when the options are malformed or the ECS option breaks
 * section 6's rules (a prefix longer than the family's addresses, an
 * ADDRESS of the wrong length or with bits set past SOURCE, an unknown
 * family): the query is a FORMERR. */
int dns_ecs_find(const uint8_t *opts, size_t len, dns_ecs *e);

/* Do the first `bits` bits of two addresses of the family agree? */
bool dns_ecs_prefix_equal(const uint8_t *a, const uint8_t *b, unsigned bits);

/* A response's option answers a query's (section 7.3): same family,
 * source prefix and address. */
bool dns_ecs_same_subnet(const dns_ecs *query, const dns_ecs *response);

/* "192.0.2.0/24" or "2001:db8::/56" (scope left out) into buf. */
void dns_ecs_format(const dns_ecs *e, char *buf, size_t bufsz);

#endif
