/* A list of records that owns copies of their names and RDATA: the
 * answer a resolution is building up, independent of the cache (whose
 * entries may expire, TTL 0 included, before the answer goes out). */
#ifndef DNSIM_RESOLVER_RRLIST_H
#define DNSIM_RESOLVER_RRLIST_H

#include <stdbool.h>
#include <stddef.h>

#include "dns/msg.h"

typedef struct rrlist {
	dns_rr *rr;
	size_t n, cap;
	/* Borrowing: names and RDATA are not copied but point where the
	 * caller's records do.  Only for a list used and dropped while
	 * those records cannot change (an answer straight from the cache). */
	bool borrow;
} rrlist;

void rrlist_init(rrlist *l);
void rrlist_clear(rrlist *l);     /* frees the copies, keeps the list */
void rrlist_free(rrlist *l);

/* Append a deep copy (or, when borrowing, the record as it is); false
 * when out of memory. */
bool rrlist_add(rrlist *l, const dns_rr *rr);

#endif
