/* TTL text with units. */
#include "ttl.h"

static uint64_t unit_seconds(char c)
{
	switch (c) {
	case 'w': case 'W': return 604800;
	case 'd': case 'D': return 86400;
	case 'h': case 'H': return 3600;
	case 'm': case 'M': return 60;
	case 's': case 'S': return 1;
	}
	return 0;
}

dns_err dns_ttl_from_text(const char *text, size_t len, uint32_t *ttl)
{
	uint64_t total = 0;
	size_t i = 0;
	int pairs = 0;

	if (len == 0)
		return DNS_E_SYNTAX;
	while (i < len) {
		uint64_t n = 0;
		size_t start = i;
		while (i < len && text[i] >= '0' && text[i] <= '9') {
			n = n * 10 + (uint64_t)(text[i] - '0');
			if (n > UINT32_MAX)
				return DNS_E_RANGE;
			i++;
		}
		if (i == start)
			return DNS_E_SYNTAX;
		if (i == len) {
			/* A bare number is only valid on its own. */
			if (pairs > 0)
				return DNS_E_SYNTAX;
			total = n;
			break;
		}
		uint64_t unit = unit_seconds(text[i++]);
		if (unit == 0)
			return DNS_E_SYNTAX;
		total += n * unit;
		if (total > UINT32_MAX)
			return DNS_E_RANGE;
		pairs++;
	}
	*ttl = (uint32_t)total;
	return DNS_OK;
}
