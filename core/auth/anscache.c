/* Whole UDP answers, kept for identical queries. */
#include "auth/anscache.h"

#include <stdlib.h>
#include <string.h>

#include "dns/name.h"
#include "dns/rrtype.h"
#include "dns/wire.h"

enum {
	BIT_RD = 1,
	BIT_CD = 2,
	BIT_EDNS = 4,
	BIT_DO = 8,
};

typedef struct entry {
	bool used;
	anscache_key key;
	uint8_t period;            /* phases of the round robin it depends on */
	uint8_t *resp[ANSCACHE_PHASES];
	uint16_t len[ANSCACHE_PHASES];
	unsigned rcode;
	uint16_t flags;
	bool edns;
} entry;

struct anscache {
	entry *slot;
	size_t mask;
	size_t max_bytes, bytes, entries;
	uint64_t hits, misses;
};

anscache *anscache_new(size_t entries, size_t max_bytes)
{
	size_t n = 1;
	while (n < entries && n < ((size_t)1 << 24))
		n <<= 1;
	anscache *c = calloc(1, sizeof *c);
	if (c == NULL || (c->slot = calloc(n, sizeof *c->slot)) == NULL) {
		free(c);
		return NULL;
	}
	c->mask = n - 1;
	c->max_bytes = max_bytes;
	return c;
}

static void drop(anscache *c, entry *e)
{
	if (!e->used)
		return;
	for (size_t i = 0; i < ANSCACHE_PHASES; i++) {
		c->bytes -= e->len[i];
		free(e->resp[i]);
	}
	memset(e, 0, sizeof *e);
	c->entries--;
}

void anscache_clear(anscache *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i <= c->mask; i++)
		drop(c, &c->slot[i]);
}

void anscache_free(anscache *c)
{
	if (c == NULL)
		return;
	anscache_clear(c);
	free(c->slot);
	free(c);
}

/* FNV-1a over the key's fields. */
static uint32_t hash_key(const anscache_key *k)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < k->qname_len; i++)
		h = (h ^ k->qname[i]) * 16777619u;
	const uint16_t more[3] = { k->qtype, k->bits, k->limit };
	for (size_t i = 0; i < 3; i++) {
		h = (h ^ (more[i] & 0xff)) * 16777619u;
		h = (h ^ (more[i] >> 8)) * 16777619u;
	}
	return h;
}

bool anscache_key_of(const uint8_t *q, size_t qlen, size_t view, size_t max_udp,
		     anscache_key *k)
{
	if (qlen < DNS_HEADER_LEN || view > 255)
		return false;
	uint16_t flags = dns_get16(q + 2);
	uint16_t qd = dns_get16(q + 4), an = dns_get16(q + 6), ns = dns_get16(q + 8),
		 ar = dns_get16(q + 10);
	/* A plain query: QR clear, opcode QUERY, one question, at most an
	 * OPT besides. */
	if ((flags & 0xf800) != 0 || qd != 1 || an != 0 || ns != 0 || ar > 1)
		return false;
	/* The question's name, uncompressed (a query's first name has
	 * nothing to point back to). */
	size_t p = DNS_HEADER_LEN;
	while (p < qlen && q[p] != 0) {
		if (q[p] > 63)
			return false;
		p += 1u + q[p];
	}
	p++;                                   /* the root label */
	size_t nlen = p - DNS_HEADER_LEN;
	if (p + 4 > qlen || nlen > DNS_NAME_MAXLEN)
		return false;
	uint16_t qtype = dns_get16(q + p), qclass = dns_get16(q + p + 2);
	p += 4;
	/* Transfers, meta types and other classes are answered afresh. */
	if (qclass != DNS_C_IN || qtype == DNS_T_AXFR || qtype == DNS_T_IXFR ||
	    qtype == DNS_T_OPT || (qtype >= 128 && qtype < 255))
		return false;
	uint16_t bits = (uint16_t)((flags & 0x0100 ? BIT_RD : 0) |
				   (flags & 0x0010 ? BIT_CD : 0) | view << 8);
	size_t limit = DNS_UDP_PLAIN_MAX;
	if (ar == 1) {
		/* The OPT: root owner, type 41, version 0, no options. */
		if (p + 11 != qlen || q[p] != 0 || dns_get16(q + p + 1) != DNS_T_OPT ||
		    q[p + 6] != 0 || dns_get16(q + p + 9) != 0)
			return false;
		size_t udp = dns_get16(q + p + 3);
		limit = udp < DNS_UDP_PLAIN_MAX ? DNS_UDP_PLAIN_MAX : udp;
		if (limit > max_udp)
			limit = max_udp;
		bits |= BIT_EDNS | (q[p + 7] & 0x80 ? BIT_DO : 0);
	} else if (p != qlen) {
		return false;                  /* octets after the question */
	}
	memcpy(k->qname, q + DNS_HEADER_LEN, nlen);
	k->qname_len = (uint8_t)nlen;
	k->qtype = qtype;
	k->bits = bits;
	k->limit = (uint16_t)limit;
	k->hash = hash_key(k);
	return true;
}

static bool same_key(const anscache_key *a, const anscache_key *b)
{
	return a->hash == b->hash && a->qname_len == b->qname_len && a->qtype == b->qtype &&
	       a->bits == b->bits && a->limit == b->limit &&
	       memcmp(a->qname, b->qname, a->qname_len) == 0;
}

size_t anscache_get(anscache *c, const anscache_key *key, uint32_t rotate,
		    const uint8_t *query, uint8_t *out, size_t cap, auth_result *res)
{
	entry *e = &c->slot[key->hash & c->mask];
	if (!e->used || !same_key(&e->key, key)) {
		c->misses++;
		return 0;
	}
	size_t phase = rotate % e->period;
	size_t len = e->len[phase];
	if (e->resp[phase] == NULL || len > cap) {
		c->misses++;
		return 0;
	}
	c->hits++;
	memcpy(out, e->resp[phase], len);
	out[0] = query[0];                     /* the client's own ID */
	out[1] = query[1];
	memset(res, 0, sizeof *res);
	res->has_question = true;
	dns_name_copy(&res->qname, key->qname);
	res->qtype = key->qtype;
	res->qclass = DNS_C_IN;
	res->rcode = e->rcode;
	res->flags = e->flags;
	res->edns = e->edns;
	res->size = len;
	return len;
}

void anscache_put(anscache *c, const anscache_key *key, uint32_t rotate,
		  const uint8_t *response, size_t len, const auth_result *res)
{
	if (res->cache_period == 0 || res->cache_period > ANSCACHE_PHASES || res->drop ||
	    res->axfr || len < DNS_HEADER_LEN || len > UINT16_MAX ||
	    c->bytes + len > c->max_bytes)
		return;
	entry *e = &c->slot[key->hash & c->mask];
	if (e->used && (!same_key(&e->key, key) || e->period != res->cache_period))
		drop(c, e);
	size_t phase = rotate % res->cache_period;
	if (e->used && e->resp[phase])
		return;                        /* kept already */
	uint8_t *copy = malloc(len);
	if (copy == NULL)
		return;
	memcpy(copy, response, len);
	if (!e->used) {
		e->used = true;
		e->key = *key;
		e->period = res->cache_period;
		e->rcode = res->rcode;
		e->flags = res->flags;
		e->edns = res->edns;
		c->entries++;
	}
	e->resp[phase] = copy;
	e->len[phase] = (uint16_t)len;
	c->bytes += len;
}

anscache_stats anscache_get_stats(const anscache *c)
{
	return (anscache_stats){ c->hits, c->misses, c->entries, c->bytes };
}
