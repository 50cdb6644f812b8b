/* Socket addresses and prefixes as the daemons' command lines and
 * configs write them: "192.0.2.1", "2001:db8::1@5353", "192.0.2.0/24". */
#ifndef DNSIM_IO_ADDR_H
#define DNSIM_IO_ADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

typedef struct net_addr {
	struct sockaddr_storage ss;
	socklen_t len;
} net_addr;

typedef struct net_prefix {
	int family;        /* AF_INET or AF_INET6 */
	uint8_t bytes[16];
	unsigned bits;
} net_prefix;

/* "ADDR" or "ADDR@PORT"; default_port when no port is given.  Returns
 * false on anything else. */
bool net_addr_parse(const char *text, uint16_t default_port, net_addr *out);

/* "ADDR" (a host prefix) or "ADDR/LEN".  Host bits beyond LEN must be
 * zero, as in a routing table. */
bool net_prefix_parse(const char *text, net_prefix *out);

/* Does the address fall inside the prefix?  IPv4-mapped IPv6 addresses
 * match IPv4 prefixes. */
bool net_prefix_match(const net_prefix *p, const struct sockaddr *sa);

/* "ADDR#PORT" text for logs (dig's notation), NUL-terminated. */
void net_addr_format(const struct sockaddr *sa, char *out, size_t outsz);

/* Address only, no port. */
void net_addr_format_host(const struct sockaddr *sa, char *out, size_t outsz);

#endif
