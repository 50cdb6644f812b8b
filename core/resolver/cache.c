/* Resolver cache: a chained hash table of entries threaded on an LRU
 * list.  Each entry is one allocation holding its records' names and
 * RDATA, so eviction is a single free. */
#include "cache.h"

#include <stdlib.h>
#include <string.h>

#include "dns/rdata.h"

struct rcache {
	rcache_entry **buckets;
	size_t nbuckets;        /* a power of two */
	rcache_entry *lru_head, *lru_tail;   /* head: most recent */
	size_t max_bytes;
	uint32_t max_ttl, neg_max_ttl;
	rcache_stats st;
};

/* FNV-1a over the lowercased name, then type and class. */
static uint32_t key_hash(const uint8_t *name, uint16_t type, uint16_t rclass)
{
	uint32_t h = 2166136261u;
	size_t len = dns_name_length(name);
	for (size_t i = 0; i < len; i++) {
		uint8_t c = name[i];
		if (c >= 'A' && c <= 'Z')
			c += 32;
		h = (h ^ c) * 16777619u;
	}
	h = (h ^ (type >> 8)) * 16777619u;
	h = (h ^ (type & 0xff)) * 16777619u;
	h = (h ^ (rclass & 0xff)) * 16777619u;
	return h;
}

rcache *rcache_new(size_t max_bytes, uint32_t max_ttl, uint32_t neg_max_ttl)
{
	rcache *c = calloc(1, sizeof *c);
	if (c == NULL)
		return NULL;
	c->nbuckets = 1024;
	c->buckets = calloc(c->nbuckets, sizeof *c->buckets);
	if (c->buckets == NULL) {
		free(c);
		return NULL;
	}
	c->max_bytes = max_bytes;
	c->max_ttl = max_ttl;
	c->neg_max_ttl = neg_max_ttl;
	return c;
}

enum rcache_security rsec_worst(enum rcache_security a, enum rcache_security b)
{
	static const int order[] = { [RSEC_SECURE] = 0, [RSEC_INSECURE] = 1,
				     [RSEC_UNCHECKED] = 2, [RSEC_BOGUS] = 3 };
	return order[a] >= order[b] ? a : b;
}

const char *rsec_name(enum rcache_security s)
{
	switch (s) {
	case RSEC_SECURE: return "secure";
	case RSEC_INSECURE: return "insecure";
	case RSEC_BOGUS: return "bogus";
	case RSEC_UNCHECKED: break;
	}
	return "unchecked";
}

static void lru_unlink(rcache *c, rcache_entry *e)
{
	if (e->lru_prev)
		e->lru_prev->lru_next = e->lru_next;
	else
		c->lru_head = e->lru_next;
	if (e->lru_next)
		e->lru_next->lru_prev = e->lru_prev;
	else
		c->lru_tail = e->lru_prev;
	e->lru_prev = e->lru_next = NULL;
}

static void lru_push_front(rcache *c, rcache_entry *e)
{
	e->lru_prev = NULL;
	e->lru_next = c->lru_head;
	if (c->lru_head)
		c->lru_head->lru_prev = e;
	c->lru_head = e;
	if (c->lru_tail == NULL)
		c->lru_tail = e;
}

static void remove_entry(rcache *c, rcache_entry *e)
{
	rcache_entry **pp = &c->buckets[e->hash & (c->nbuckets - 1)];
	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
	lru_unlink(c, e);
	c->st.entries--;
	c->st.bytes -= e->bytes;
	free(e);
}

void rcache_free(rcache *c)
{
	if (c == NULL)
		return;
	(void)rcache_flush(c);
	free(c->buckets);
	free(c);
}

static void grow_table(rcache *c)
{
	size_t n = c->nbuckets * 2;
	rcache_entry **b = calloc(n, sizeof *b);
	if (b == NULL)
		return;     /* longer chains, still correct */
	for (size_t i = 0; i < c->nbuckets; i++) {
		rcache_entry *e = c->buckets[i];
		while (e) {
			rcache_entry *next = e->hnext;
			e->hnext = b[e->hash & (n - 1)];
			b[e->hash & (n - 1)] = e;
			e = next;
		}
	}
	free(c->buckets);
	c->buckets = b;
	c->nbuckets = n;
}

static rcache_entry *find(const rcache *c, const uint8_t *name, uint16_t type,
			  uint16_t rclass, enum rcache_kind want_nx)
{
	uint32_t h = key_hash(name, type, rclass);
	for (rcache_entry *e = c->buckets[h & (c->nbuckets - 1)]; e; e = e->hnext)
		if (e->hash == h && e->type == type && e->rclass == rclass &&
		    (e->kind == RCACHE_NXDOMAIN) == (want_nx == RCACHE_NXDOMAIN) &&
		    dns_name_equal(e->name, name))
			return e;
	return NULL;
}

static bool live(const rcache_entry *e, uint64_t now)
{
	return now < e->expires;
}

uint32_t rcache_ttl_left(const rcache_entry *e, uint64_t now)
{
	return live(e, now) ? (uint32_t)((e->expires - now) / 1000) : 0;
}

/* Evict from the cold end until `need` more bytes fit. */
static void make_room(rcache *c, size_t need)
{
	while (c->lru_tail && c->st.bytes + need > c->max_bytes) {
		remove_entry(c, c->lru_tail);
		c->st.evictions++;
	}
}

static size_t records_bytes(const dns_rr *rrs, size_t n)
{
	size_t bytes = n * sizeof(dns_rr);
	for (size_t i = 0; i < n; i++)
		bytes += dns_name_length(rrs[i].owner) + rrs[i].rdlen;
	return bytes;
}

/* Copy records into the block at *p (the array first, then names and
 * RDATA), advancing *p; returns the array. */
static dns_rr *copy_records(uint8_t **p, const dns_rr *rrs, size_t n)
{
	dns_rr *out = (dns_rr *)*p;
	*p += n * sizeof(dns_rr);
	for (size_t i = 0; i < n; i++) {
		dns_rr *r = &out[i];
		*r = rrs[i];
		size_t olen = dns_name_length(rrs[i].owner);
		memcpy(*p, rrs[i].owner, olen);
		r->owner = *p;
		*p += olen;
		memcpy(*p, rrs[i].rdata, rrs[i].rdlen);
		r->rdata = *p;
		*p += rrs[i].rdlen;
	}
	return out;
}

/* One allocation: the entry, its records, its signatures and proof, their
 * names and RDATA, and its owner name.  Names inside the records point
 * into this block.  The arrays of records come first after the entry,
 * so they keep the alignment of a dns_rr. */
static rcache_entry *make_entry(const uint8_t *name, const dns_rr *rrs,
				size_t n, const rcache_dnssec *sec)
{
	static const rcache_dnssec none = { 0 };
	if (sec == NULL)
		sec = &none;
	size_t namelen = dns_name_length(name);
	size_t main = records_bytes(rrs, n), sigs = records_bytes(sec->sigs, sec->nsigs),
	       proof = records_bytes(sec->proof, sec->nproof);
	/* Each run of records ends where the next array starts: round
	 * the runs up so every array is aligned. */
	size_t align = _Alignof(dns_rr);
	main = (main + align - 1) / align * align;
	sigs = (sigs + align - 1) / align * align;
	proof = (proof + align - 1) / align * align;
	size_t bytes = sizeof(rcache_entry) + main + sigs + proof + namelen;
	rcache_entry *e = calloc(1, bytes);
	if (e == NULL)
		return NULL;
	e->bytes = bytes;
	uint8_t *base = (uint8_t *)(e + 1), *p = base;
	e->rrs = copy_records(&p, rrs, n);
	p = base + main;
	e->sigs = copy_records(&p, sec->sigs, sec->nsigs);
	p = base + main + sigs;
	e->proof = copy_records(&p, sec->proof, sec->nproof);
	p = base + main + sigs + proof;
	memcpy(p, name, namelen);
	e->name = p;
	e->nrrs = n;
	e->nsigs = sec->nsigs;
	e->nproof = sec->nproof;
	e->security = sec->security;
	e->flags = sec->flags;
	e->ede = sec->ede;
	return e;
}

static bool insert(rcache *c, rcache_entry *e, uint64_t now)
{
	rcache_entry *old = find(c, e->name, e->type, e->rclass, e->kind);
	if (old) {
		if (live(old, now) && (old->rank > e->rank ||
				       (old->rank == e->rank && old->security != RSEC_UNCHECKED &&
					e->security == RSEC_UNCHECKED))) {
			free(e);
			return false;
		}
		remove_entry(c, old);
	}
	if (e->bytes > c->max_bytes) {
		free(e);
		return false;
	}
	make_room(c, e->bytes);
	if (c->st.entries >= c->nbuckets)
		grow_table(c);
	e->hash = key_hash(e->name, e->type, e->rclass);
	rcache_entry **b = &c->buckets[e->hash & (c->nbuckets - 1)];
	e->hnext = *b;
	*b = e;
	lru_push_front(c, e);
	c->st.entries++;
	c->st.bytes += e->bytes;
	c->st.inserts++;
	return true;
}

/* The TTL an entry gets: capped, and short for bogus data. */
static uint32_t cap_ttl(uint32_t ttl, uint32_t max, const rcache_dnssec *sec)
{
	/* RFC 2181 8: a TTL with the top bit set counts as zero. */
	if (ttl & 0x80000000u)
		ttl = 0;
	if (ttl > max)
		ttl = max;
	if (sec && sec->security == RSEC_BOGUS && ttl > RCACHE_BOGUS_TTL)
		ttl = RCACHE_BOGUS_TTL;
	return ttl;
}

bool rcache_put_rrset(rcache *c, const dns_rr *rrs, size_t n,
		      enum rcache_rank rank, const rcache_dnssec *sec, uint64_t now)
{
	if (n == 0)
		return false;
	uint32_t ttl = rrs[0].ttl;
	for (size_t i = 1; i < n; i++)
		if (rrs[i].ttl < ttl)
			ttl = rrs[i].ttl;
	ttl = cap_ttl(ttl, c->max_ttl, sec);
	/* Data at a name proves it exists: a cached NXDOMAIN for it is out
	 * of date (a domain registered since, say), and would otherwise hide
	 * the new records -- a delegation followed again and again. */
	rcache_entry *gone = find(c, rrs[0].owner, 0, rrs[0].rclass, RCACHE_NXDOMAIN);
	if (gone)
		remove_entry(c, gone);
	rcache_entry *e = make_entry(rrs[0].owner, rrs, n, sec);
	if (e == NULL)
		return false;
	e->kind = RCACHE_RRSET;
	e->type = rrs[0].type;
	e->rclass = rrs[0].rclass;
	e->rank = rank;
	e->orig_ttl = ttl;
	e->expires = now + (uint64_t)ttl * 1000;
	for (size_t i = 0; i < n; i++)
		e->rrs[i].ttl = ttl;
	for (size_t i = 0; i < e->nsigs; i++)
		e->sigs[i].ttl = ttl;
	for (size_t i = 0; i < e->nproof; i++)
		e->proof[i].ttl = ttl;
	return insert(c, e, now);
}

bool rcache_put_negative(rcache *c, enum rcache_kind kind, const uint8_t *name,
			 uint16_t type, uint16_t rclass, const dns_rr *soa,
			 uint32_t ttl, const rcache_dnssec *sec, uint64_t now)
{
	ttl = cap_ttl(ttl, c->neg_max_ttl, sec);
	rcache_entry *e = make_entry(name, soa, soa ? 1 : 0, sec);
	if (e == NULL)
		return false;
	e->kind = kind;
	e->type = kind == RCACHE_NXDOMAIN ? 0 : type;
	e->rclass = rclass;
	e->rank = RANK_AUTH_ANSWER;
	e->orig_ttl = ttl;
	e->expires = now + (uint64_t)ttl * 1000;
	return insert(c, e, now);
}

const rcache_entry *rcache_peek(const rcache *c, const uint8_t *name,
				uint16_t type, uint16_t rclass, uint64_t now)
{
	rcache_entry *e = find(c, name, 0, rclass, RCACHE_NXDOMAIN);
	if (e && live(e, now))
		return e;
	e = find(c, name, type, rclass, RCACHE_RRSET);
	if (e && live(e, now))
		return e;
	return NULL;
}

const rcache_entry *rcache_lookup(rcache *c, const uint8_t *name,
				  uint16_t type, uint16_t rclass, uint64_t now)
{
	rcache_entry *e = (rcache_entry *)rcache_peek(c, name, type, rclass, now);
	if (e == NULL) {
		/* Drop what has expired on the way, so it stops using space. */
		rcache_entry *dead = find(c, name, type, rclass, RCACHE_RRSET);
		if (dead) {
			remove_entry(c, dead);
			c->st.expired++;
		}
		c->st.misses++;
		return NULL;
	}
	lru_unlink(c, e);
	lru_push_front(c, e);
	e->hits++;
	c->st.hits++;
	return e;
}

size_t rcache_flush(rcache *c)
{
	size_t n = 0;
	while (c->lru_head) {
		remove_entry(c, c->lru_head);
		n++;
	}
	return n;
}

size_t rcache_flush_name(rcache *c, const uint8_t *name, bool below)
{
	size_t n = 0;
	rcache_entry *e = c->lru_head;
	while (e) {
		rcache_entry *next = e->lru_next;
		if (below ? dns_name_is_subdomain(e->name, name)
			  : dns_name_equal(e->name, name)) {
			remove_entry(c, e);
			n++;
		}
		e = next;
	}
	return n;
}

void rcache_foreach(const rcache *c, uint64_t now, rcache_visit_fn fn,
		    void *ctx)
{
	for (const rcache_entry *e = c->lru_head; e; e = e->lru_next)
		if (live(e, now))
			fn(ctx, e);
}

rcache_stats rcache_get_stats(const rcache *c)
{
	return c->st;
}
