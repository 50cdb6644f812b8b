/* TTLs and other time periods in presentation form: a plain number of
 * seconds, or number+unit pairs (w, d, h, m, s; either case) such as
 * "1h30m" or "2d", as BIND and NSD accept them in $TTL, record TTLs and
 * SOA timers. */
#ifndef DNSIM_DNS_TTL_H
#define DNSIM_DNS_TTL_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* DNS_E_SYNTAX for anything else (a trailing number without unit after a
 * unit, an unknown unit, empty text), DNS_E_RANGE above 2^32-1. */
dns_err dns_ttl_from_text(const char *text, size_t len, uint32_t *ttl);

#endif
