/* The ECS cache: a small chained hash table keyed by owner, type and
 * class; each chain holds the subnets' answers for its names.  Each
 * entry is one allocation (records and RDATA behind the header). */
#include "resolver/ecscache.h"

#include <stdlib.h>
#include <string.h>

#define NBUCKETS 256

struct ecache {
	ecache_entry *buckets[NBUCKETS];
	size_t n, max;
	uint32_t max_ttl;
	uint64_t seq;
};

static unsigned bucket_of(const uint8_t *name, uint16_t type)
{
	uint32_t h = 2166136261u;
	size_t len = dns_name_length(name);
	for (size_t i = 0; i < len; i++) {
		uint8_t ch = name[i];
		if (ch >= 'A' && ch <= 'Z')
			ch += 32;
		h = (h ^ ch) * 16777619u;
	}
	h = (h ^ type) * 16777619u;
	return h % NBUCKETS;
}

ecache *ecache_new(size_t max_entries, uint32_t max_ttl)
{
	ecache *c = calloc(1, sizeof *c);
	if (c == NULL)
		return NULL;
	c->max = max_entries ? max_entries : 1;
	c->max_ttl = max_ttl;
	return c;
}

void ecache_free(ecache *c)
{
	if (c == NULL)
		return;
	(void)ecache_flush(c, NULL, false);
	free(c);
}

static bool live(const ecache_entry *e, uint64_t now)
{
	return now < e->expires;
}

static bool same_key(const ecache_entry *e, const uint8_t *name, uint16_t type,
		     uint16_t rclass)
{
	return e->type == type && e->rclass == rclass && dns_name_equal(e->owner.data, name);
}

/* Unlink and free the entry *pp points at. */
static void drop(ecache *c, ecache_entry **pp)
{
	ecache_entry *e = *pp;
	*pp = e->next;
	free(e);
	c->n--;
}

/* Room for one more: the expired go first, then the oldest. */
static void make_room(ecache *c, uint64_t now)
{
	for (unsigned b = 0; b < NBUCKETS && c->n >= c->max; b++)
		for (ecache_entry **pp = &c->buckets[b]; *pp;) {
			if (!live(*pp, now))
				drop(c, pp);
			else
				pp = &(*pp)->next;
		}
	while (c->n >= c->max) {
		ecache_entry **oldest = NULL;
		for (unsigned b = 0; b < NBUCKETS; b++)
			for (ecache_entry **pp = &c->buckets[b]; *pp; pp = &(*pp)->next)
				if (oldest == NULL || (*pp)->seq < (*oldest)->seq)
					oldest = pp;
		if (oldest == NULL)
			break;
		drop(c, oldest);
	}
}

bool ecache_put(ecache *c, const dns_rr *rrs, size_t n, const dns_ecs *net,
		uint8_t security, uint64_t now)
{
	if (n == 0)
		return true;
	const uint8_t *name = rrs[0].owner;
	unsigned b = bucket_of(name, rrs[0].type);
	/* The same subnet's old answer goes. */
	for (ecache_entry **pp = &c->buckets[b]; *pp; pp = &(*pp)->next)
		if (same_key(*pp, name, rrs[0].type, rrs[0].rclass) &&
		    (*pp)->net.family == net->family && (*pp)->net.source == net->source &&
		    memcmp((*pp)->net.addr, net->addr, sizeof net->addr) == 0) {
			drop(c, pp);
			break;
		}
	make_room(c, now);
	size_t data = 0;
	uint32_t ttl = rrs[0].ttl;
	for (size_t i = 0; i < n; i++) {
		data += rrs[i].rdlen;
		if (rrs[i].ttl < ttl)
			ttl = rrs[i].ttl;
	}
	if (ttl > c->max_ttl)
		ttl = c->max_ttl;
	ecache_entry *e = malloc(sizeof *e + n * sizeof(dns_rr) + data);
	if (e == NULL)
		return false;
	memset(e, 0, sizeof *e);
	dns_name_copy(&e->owner, name);
	e->type = rrs[0].type;
	e->rclass = rrs[0].rclass;
	e->net = *net;
	e->net.scope = 0;
	e->orig_ttl = ttl;
	e->expires = now + (uint64_t)ttl * 1000;
	e->security = security;
	e->rrs = (dns_rr *)(e + 1);
	e->nrrs = n;
	uint8_t *p = (uint8_t *)(e->rrs + n);
	for (size_t i = 0; i < n; i++) {
		e->rrs[i] = rrs[i];
		e->rrs[i].owner = e->owner.data;
		e->rrs[i].ttl = ttl;
		if (rrs[i].rdlen)
			memcpy(p, rrs[i].rdata, rrs[i].rdlen);
		e->rrs[i].rdata = p;
		p += rrs[i].rdlen;
	}
	e->seq = ++c->seq;
	e->next = c->buckets[b];
	c->buckets[b] = e;
	c->n++;
	return true;
}

const ecache_entry *ecache_lookup(const ecache *c, const uint8_t *name, uint16_t type,
				  uint16_t rclass, const dns_ecs *client, uint64_t now)
{
	const ecache_entry *best = NULL;
	for (const ecache_entry *e = c->buckets[bucket_of(name, type)]; e; e = e->next) {
		if (!live(e, now) || !same_key(e, name, type, rclass) ||
		    e->net.family != client->family || e->net.source > client->source ||
		    !dns_ecs_prefix_equal(e->net.addr, client->addr, e->net.source))
			continue;
		if (best == NULL || e->net.source > best->net.source)
			best = e;
	}
	return best;
}

uint32_t ecache_ttl_left(const ecache_entry *e, uint64_t now)
{
	return now >= e->expires ? 0 : (uint32_t)((e->expires - now) / 1000);
}

size_t ecache_flush(ecache *c, const uint8_t *name, bool below)
{
	size_t gone = 0;
	for (unsigned b = 0; b < NBUCKETS; b++)
		for (ecache_entry **pp = &c->buckets[b]; *pp;) {
			const uint8_t *owner = (*pp)->owner.data;
			if (name == NULL || (below ? dns_name_is_subdomain(owner, name)
						   : dns_name_equal(owner, name))) {
				drop(c, pp);
				gone++;
			} else {
				pp = &(*pp)->next;
			}
		}
	return gone;
}

size_t ecache_count(const ecache *c, uint64_t now)
{
	size_t n = 0;
	for (unsigned b = 0; b < NBUCKETS; b++)
		for (const ecache_entry *e = c->buckets[b]; e; e = e->next)
			n += live(e, now);
	return n;
}
