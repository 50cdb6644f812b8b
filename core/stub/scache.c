/* The stub's answer cache: a hash table of questions, an LRU list, and
 * the RFC 2308 rules for how long an answer may be kept. */
#include "stub/scache.h"

#include <stdlib.h>
#include <string.h>

#include "dns/soa.h"

#define BUCKETS 1024

struct scache {
	scache_entry *table[BUCKETS];
	scache_entry *lru_head, *lru_tail;   /* most recently used first */
	size_t n, max;
	uint32_t max_ttl, max_neg_ttl;
};

scache *scache_new(size_t max_entries, uint32_t max_ttl, uint32_t max_neg_ttl)
{
	scache *c = calloc(1, sizeof *c);
	if (c == NULL)
		return NULL;
	c->max = max_entries;
	c->max_ttl = max_ttl;
	c->max_neg_ttl = max_neg_ttl;
	return c;
}

/* FNV-1a over the lowercased name, type and class. */
static uint32_t hash_key(const uint8_t *lname, uint16_t qtype, uint16_t qclass)
{
	uint32_t h = 2166136261u;
	size_t len = dns_name_length(lname);
	for (size_t i = 0; i < len; i++)
		h = (h ^ lname[i]) * 16777619u;
	uint8_t tail[4] = { (uint8_t)(qtype >> 8), (uint8_t)qtype, (uint8_t)(qclass >> 8),
			    (uint8_t)qclass };
	for (size_t i = 0; i < 4; i++)
		h = (h ^ tail[i]) * 16777619u;
	return h;
}

static void lru_unlink(scache *c, scache_entry *e)
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

static void lru_front(scache *c, scache_entry *e)
{
	e->lru_prev = NULL;
	e->lru_next = c->lru_head;
	if (c->lru_head)
		c->lru_head->lru_prev = e;
	c->lru_head = e;
	if (c->lru_tail == NULL)
		c->lru_tail = e;
}

static void drop(scache *c, scache_entry *e)
{
	scache_entry **p = &c->table[e->hash % BUCKETS];
	while (*p && *p != e)
		p = &(*p)->hnext;
	if (*p)
		*p = e->hnext;
	lru_unlink(c, e);
	c->n--;
	free(e->rrs);
	free(e);
}

size_t scache_flush(scache *c)
{
	size_t n = c->n;
	while (c->lru_head)
		drop(c, c->lru_head);
	return n;
}

void scache_free(scache *c)
{
	if (c == NULL)
		return;
	scache_flush(c);
	free(c);
}

size_t scache_flush_name(scache *c, const uint8_t *name)
{
	size_t n = 0;
	for (scache_entry *e = c->lru_head, *next; e; e = next) {
		next = e->lru_next;
		if (dns_name_equal(e->qname, name)) {
			drop(c, e);
			n++;
		}
	}
	return n;
}

static scache_entry *find(const scache *c, const uint8_t *lname, uint16_t qtype,
			  uint16_t qclass, uint32_t h)
{
	for (scache_entry *e = c->table[h % BUCKETS]; e; e = e->hnext)
		if (e->hash == h && e->qtype == qtype && e->qclass == qclass &&
		    dns_name_equal(e->qname, lname))
			return e;
	return NULL;
}

static bool answers_question(const dns_rr *rr, uint16_t qtype)
{
	return rr->type == qtype || qtype == DNS_T_ANY;
}

uint32_t scache_response_ttl(const dns_msg *m, bool *negative, const char **why)
{
	*negative = false;
	if (m->qdcount != 1) {
		*why = "no single question";
		return 0;
	}
	if (m->hdr.flags & DNS_F_TC) {
		*why = "truncated";
		return 0;
	}
	unsigned rcode = dns_msg_rcode(m);
	if (rcode != DNS_R_NOERROR && rcode != DNS_R_NXDOMAIN) {
		*why = "only NOERROR and NXDOMAIN answers are kept";
		return 0;
	}
	uint16_t qtype = m->question[0].qtype;
	bool positive = false;
	uint32_t ttl = UINT32_MAX;
	for (size_t i = 0; i < m->count[0]; i++) {
		const dns_rr *rr = &m->rr[0][i];
		positive = positive || answers_question(rr, qtype);
		if (rr->ttl < ttl)
			ttl = rr->ttl;
	}
	positive = positive && rcode == DNS_R_NOERROR;
	if (positive) {
		for (size_t i = 0; i < m->count[1]; i++)
			if (m->rr[1][i].ttl < ttl)
				ttl = m->rr[1][i].ttl;
	} else {
		/* RFC 2308: a negative answer lives for its SOA's negative
		 * TTL; without an SOA it is not kept. */
		*negative = true;
		const dns_rr *soa = NULL;
		for (size_t i = 0; i < m->count[1] && soa == NULL; i++)
			if (m->rr[1][i].type == DNS_T_SOA)
				soa = &m->rr[1][i];
		uint32_t neg;
		if (soa == NULL || dns_soa_negative_ttl(soa->ttl, soa->rdata, soa->rdlen,
							&neg) != DNS_OK) {
			*why = "a negative answer without an SOA (RFC 2308 section 5)";
			return 0;
		}
		if (neg < ttl)
			ttl = neg;
	}
	if (ttl == 0 || ttl == UINT32_MAX) {
		*why = ttl ? "no records" : "TTL 0";
		return 0;
	}
	return ttl;
}

/* The records of sections 0 and 1 of m, with their owners and RDATA, in
 * one allocation. */
static dns_rr *copy_records(const dns_msg *m)
{
	size_t n = m->count[0] + m->count[1], bytes = n * sizeof(dns_rr);
	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < m->count[s]; i++)
			bytes += dns_name_length(m->rr[s][i].owner) + m->rr[s][i].rdlen;
	dns_rr *rrs = malloc(bytes ? bytes : 1);
	if (rrs == NULL)
		return NULL;
	uint8_t *data = (uint8_t *)(rrs + n);
	size_t k = 0;
	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < m->count[s]; i++, k++) {
			rrs[k] = m->rr[s][i];
			size_t ol = dns_name_length(m->rr[s][i].owner);
			memcpy(data, m->rr[s][i].owner, ol);
			rrs[k].owner = data;
			data += ol;
			if (m->rr[s][i].rdlen)
				memcpy(data, m->rr[s][i].rdata, m->rr[s][i].rdlen);
			rrs[k].rdata = data;
			data += m->rr[s][i].rdlen;
		}
	return rrs;
}

bool scache_put(scache *c, const dns_msg *m, uint64_t now, uint32_t *ttl,
		const char **why)
{
	bool negative;
	uint32_t t = scache_response_ttl(m, &negative, why);
	if (t == 0)
		return false;
	if (c->max == 0) {
		*why = "the cache is off";
		return false;
	}
	uint32_t cap = negative ? c->max_neg_ttl : c->max_ttl;
	if (t > cap)
		t = cap;
	if (t == 0) {
		*why = "capped to 0";
		return false;
	}
	const dns_question *q = &m->question[0];
	dns_name key;
	dns_name_copy(&key, q->name);
	dns_name_to_lower(key.data);
	uint32_t h = hash_key(key.data, q->qtype, q->qclass);
	scache_entry *old = find(c, key.data, q->qtype, q->qclass, h);
	if (old)
		drop(c, old);
	while (c->n >= c->max && c->lru_tail)
		drop(c, c->lru_tail);
	scache_entry *e = calloc(1, sizeof *e);
	dns_rr *rrs = e ? copy_records(m) : NULL;
	if (rrs == NULL) {
		free(e);
		*why = "out of memory";
		return false;
	}
	memcpy(e->qname, key.data, dns_name_length(key.data));
	e->qtype = q->qtype;
	e->qclass = q->qclass;
	e->rcode = (uint8_t)dns_msg_rcode(m);
	e->negative = negative;
	e->rrs = rrs;
	e->nanswer = m->count[0];
	e->nauthority = m->count[1];
	e->ttl = t;
	e->stored_ms = now;
	e->expires_ms = now + (uint64_t)t * 1000;
	e->hash = h;
	e->hnext = c->table[h % BUCKETS];
	c->table[h % BUCKETS] = e;
	lru_front(c, e);
	c->n++;
	*ttl = t;
	return true;
}

const scache_entry *scache_get(scache *c, const uint8_t *qname, uint16_t qtype,
			       uint16_t qclass, uint64_t now)
{
	dns_name key;
	dns_name_copy(&key, qname);
	dns_name_to_lower(key.data);
	uint32_t h = hash_key(key.data, qtype, qclass);
	scache_entry *e = find(c, key.data, qtype, qclass, h);
	if (e == NULL)
		return NULL;
	if (now >= e->expires_ms) {
		/* Never longer than the TTL: gone the moment it runs out. */
		drop(c, e);
		return NULL;
	}
	e->hits++;
	lru_unlink(c, e);
	lru_front(c, e);
	return e;
}

uint32_t scache_ttl_left(const scache_entry *e, uint64_t now)
{
	if (now >= e->expires_ms)
		return 0;
	/* Rounded down: what is served is never more than is left. */
	return (uint32_t)((e->expires_ms - now) / 1000);
}

uint32_t scache_age(const scache_entry *e, uint64_t now)
{
	/* Rounded up, so that a record's TTL less its age is never more
	 * than the resolver's clock would leave. */
	return now > e->stored_ms ? (uint32_t)((now - e->stored_ms + 999) / 1000) : 0;
}

void scache_foreach(const scache *c, uint64_t now, scache_visit_fn fn, void *ctx)
{
	for (const scache_entry *e = c->lru_head; e; e = e->lru_next)
		if (now < e->expires_ms)
			fn(ctx, e);
}

size_t scache_count(const scache *c)
{
	return c->n;
}
