/* Owned record lists. */
#include "rrlist.h"

#include <stdlib.h>
#include <string.h>

void rrlist_init(rrlist *l)
{
	memset(l, 0, sizeof *l);
}

void rrlist_clear(rrlist *l)
{
	/* Each record's owner and RDATA share one allocation, owner first. */
	for (size_t i = 0; i < l->n && !l->borrow; i++)
		free((void *)l->rr[i].owner);
	l->n = 0;
}

void rrlist_free(rrlist *l)
{
	rrlist_clear(l);
	free(l->rr);
	l->rr = NULL;
	l->n = l->cap = 0;
}

bool rrlist_add(rrlist *l, const dns_rr *rr)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		dns_rr *p = realloc(l->rr, cap * sizeof *p);
		if (p == NULL)
			return false;
		l->rr = p;
		l->cap = cap;
	}
	if (l->borrow) {
		l->rr[l->n++] = *rr;
		return true;
	}
	size_t olen = dns_name_length(rr->owner);
	uint8_t *mem = malloc(olen + rr->rdlen + 1);
	if (mem == NULL)
		return false;
	memcpy(mem, rr->owner, olen);
	memcpy(mem + olen, rr->rdata, rr->rdlen);
	dns_rr *copy = &l->rr[l->n++];
	*copy = *rr;
	copy->owner = mem;
	copy->rdata = mem + olen;
	return true;
}
