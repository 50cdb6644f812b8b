/* Growing arrays one element at a time, for the small lists that
 * settings are made of (addresses, prefixes, zones). */
#ifndef DNSIM_UTIL_ARRAY_H
#define DNSIM_UTIL_ARRAY_H

#include <stddef.h>

/* Add one zeroed element of `size` octets to the array *arrp holding *n
 * elements; returns it, or NULL (array unchanged) when out of memory. */
void *array_grow(void *arrp, size_t *n, size_t size);

#endif
