/* Addresses and prefixes in text. */
#include "addr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool net_addr_parse(const char *text, uint16_t default_port, net_addr *out)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *at = strchr(text, '@');
	size_t hlen = at ? (size_t)(at - text) : strlen(text);
	unsigned long port = default_port;

	if (hlen == 0 || hlen >= sizeof host)
		return false;
	memcpy(host, text, hlen);
	host[hlen] = '\0';
	if (at) {
		char *end;
		if (at[1] < '0' || at[1] > '9')
			return false;
		port = strtoul(at + 1, &end, 10);
		if (*end != '\0' || port == 0 || port > 65535)
			return false;
	}
	memset(out, 0, sizeof *out);
	struct sockaddr_in *v4 = (struct sockaddr_in *)&out->ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&out->ss;
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		out->len = sizeof *v4;
		return true;
	}
	if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		out->len = sizeof *v6;
		return true;
	}
	return false;
}

bool net_prefix_parse(const char *text, net_prefix *out)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(text, '/');
	size_t hlen = slash ? (size_t)(slash - text) : strlen(text);

	if (hlen == 0 || hlen >= sizeof host)
		return false;
	memcpy(host, text, hlen);
	host[hlen] = '\0';
	memset(out, 0, sizeof *out);
	unsigned max;
	if (inet_pton(AF_INET, host, out->bytes) == 1) {
		out->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, host, out->bytes) == 1) {
		out->family = AF_INET6;
		max = 128;
	} else {
		return false;
	}
	out->bits = max;
	if (slash) {
		char *end;
		if (slash[1] < '0' || slash[1] > '9')
			return false;
		unsigned long bits = strtoul(slash + 1, &end, 10);
		if (*end != '\0' || bits > max)
			return false;
		out->bits = (unsigned)bits;
	}
	/* Host bits must be clear. */
	for (unsigned i = out->bits; i < max; i++)
		if (out->bytes[i / 8] & (0x80 >> (i % 8)))
			return false;
	return true;
}

bool net_prefix_match(const net_prefix *p, const struct sockaddr *sa)
{
	const uint8_t *a;
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	if (sa->sa_family == AF_INET) {
		if (p->family != AF_INET)
			return false;
		a = (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
	} else if (sa->sa_family == AF_INET6) {
		a = (const uint8_t *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
		if (p->family == AF_INET) {
			if (memcmp(a, mapped, 12) != 0)
				return false;
			a += 12;
		}
	} else {
		return false;
	}
	unsigned full = p->bits / 8, rest = p->bits % 8;
	if (memcmp(a, p->bytes, full) != 0)
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));
		if ((a[full] & mask) != (p->bytes[full] & mask))
			return false;
	}
	return true;
}

void net_addr_format_host(const struct sockaddr *sa, char *out, size_t outsz)
{
	const void *a;
	if (sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	else {
		snprintf(out, outsz, "?");
		return;
	}
	if (inet_ntop(sa->sa_family, a, out, (socklen_t)outsz) == NULL)
		snprintf(out, outsz, "?");
}

void net_addr_format(const struct sockaddr *sa, char *out, size_t outsz)
{
	char host[INET6_ADDRSTRLEN];
	net_addr_format_host(sa, host, sizeof host);
	unsigned port = sa->sa_family == AF_INET
				? ntohs(((const struct sockaddr_in *)sa)->sin_port)
				: ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	snprintf(out, outsz, "%s#%u", host, port);
}
