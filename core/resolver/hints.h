/* Root hints: the NS records of the root zone and the root servers'
 * addresses, from a named.root-style master file, put in the cache as
 * the place every resolution starts from when it knows nothing closer. */
#ifndef DNSIM_RESOLVER_HINTS_H
#define DNSIM_RESOLVER_HINTS_H

#include <stddef.h>

#include "resolver/resolver.h"

/* Load the file into the cache (for as long as a TTL can be); false
 * with "FILE:LINE: ..." in err. */
bool hints_load(resolver *r, const char *path, char *err, size_t errsz);

/* Put the hints (back) into the cache: at start, and whenever the root's
 * NS records have expired or been evicted. */
void hints_prime(resolver *r);

#endif
