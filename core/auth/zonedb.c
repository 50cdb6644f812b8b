/* Zone index: sorting, grouping into nodes and RRsets, searching. */
#include "zonedb.h"

#include <stdlib.h>
#include <string.h>

#include "dns/rdata.h"

static int rr_order(const void *pa, const void *pb)
{
	const dns_rr *a = pa, *b = pb;
	int c = dns_name_compare(a->owner, b->owner);
	if (c)
		return c;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	return dns_rdata_compare(a->type, a->rdata, a->rdlen, b->rdata,
				 b->rdlen);
}

/* Longest key: 255 octets, each possibly escaped, plus terminators. */
#define KEY_MAX 640

/* See zdb_node.key.  Returns the key's length. */
static size_t make_key(const uint8_t *name, uint8_t *key)
{
	const uint8_t *label[128];
	int n = 0;
	for (const uint8_t *p = name; *p; p += 1u + *p)
		label[n++] = p;
	size_t o = 0;
	while (n-- > 0) {
		const uint8_t *l = label[n];
		for (uint8_t i = 1; i <= l[0]; i++) {
			uint8_t c = l[i];
			if (c >= 'A' && c <= 'Z')
				c += 32;
			if (c <= 1) {
				key[o++] = 1;
				key[o++] = (uint8_t)(c + 1);
			} else {
				key[o++] = c;
			}
		}
		key[o++] = 0;
	}
	return o;
}

static int key_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);
	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

void zonedb_free(zonedb *db)
{
	free(db->keys);
	free(db->rrs);
	free(db->nodes);
	free(db->sets);
	memset(db, 0, sizeof *db);
}

dns_err zonedb_build(zonedb *db, const uint8_t *origin, const dns_rr *rrs,
		     size_t n)
{
	memset(db, 0, sizeof *db);
	db->origin = origin;
	db->origin_labels = dns_name_labels(origin);
	if (n == 0)
		return DNS_E_FORMAT;
	db->rrs = malloc(n * sizeof *db->rrs);
	db->nodes = malloc(n * sizeof *db->nodes);
	db->sets = malloc(n * sizeof *db->sets);
	if (!db->rrs || !db->nodes || !db->sets) {
		zonedb_free(db);
		return DNS_E_NOMEM;
	}
	memcpy(db->rrs, rrs, n * sizeof *rrs);
	qsort(db->rrs, n, sizeof *db->rrs, rr_order);
	db->nrrs = n;

	for (size_t i = 0; i < n; i++) {
		const dns_rr *rr = &db->rrs[i];
		zdb_node *node = db->nnodes ? &db->nodes[db->nnodes - 1] : NULL;
		if (node == NULL || !dns_name_equal(node->owner, rr->owner)) {
			node = &db->nodes[db->nnodes++];
			node->owner = rr->owner;
			node->sets = &db->sets[db->nsets];
			node->nsets = 0;
			node->is_cut = false;
		}
		zdb_rrset *set = node->nsets ? &node->sets[node->nsets - 1] : NULL;
		if (set == NULL || set->type != rr->type) {
			set = &db->sets[db->nsets++];
			node->nsets++;
			set->type = rr->type;
			/* RFC 2181 5.2: one TTL per RRset; the loader has
			 * already reconciled them, the first one stands. */
			set->ttl = rr->ttl;
			set->rr = rr;
			set->count = 0;
		}
		set->count++;
	}
	/* Search keys, all in one block. */
	size_t total = 0;
	uint8_t key[KEY_MAX];
	for (size_t i = 0; i < db->nnodes; i++)
		total += make_key(db->nodes[i].owner, key);
	db->keys = malloc(total ? total : 1);
	if (db->keys == NULL) {
		zonedb_free(db);
		return DNS_E_NOMEM;
	}
	size_t off = 0;
	for (size_t i = 0; i < db->nnodes; i++) {
		size_t len = make_key(db->nodes[i].owner, db->keys + off);
		db->nodes[i].key = db->keys + off;
		db->nodes[i].keylen = (uint16_t)len;
		off += len;
	}
	db->apex = zonedb_find(db, origin);
	if (db->apex)
		db->soa = zdb_node_rrset(db->apex, DNS_T_SOA);
	if (db->soa == NULL) {
		zonedb_free(db);
		return DNS_E_FORMAT;
	}
	for (size_t i = 0; i < db->nnodes; i++) {
		zdb_node *node = &db->nodes[i];
		node->is_cut = node != db->apex &&
			       zdb_node_rrset(node, DNS_T_NS) != NULL;
	}
	return DNS_OK;
}

/* Index of the first node whose key is not below `key`. */
static size_t lower_bound(const zonedb *db, const uint8_t *key, size_t len)
{
	size_t lo = 0, hi = db->nnodes;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (key_cmp(db->nodes[mid].key, db->nodes[mid].keylen, key, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const zdb_node *zonedb_find(const zonedb *db, const uint8_t *name)
{
	uint8_t key[KEY_MAX];
	size_t len = make_key(name, key);
	size_t i = lower_bound(db, key, len);
	if (i < db->nnodes && db->nodes[i].keylen == len &&
	    memcmp(db->nodes[i].key, key, len) == 0)
		return &db->nodes[i];
	return NULL;
}

bool zonedb_name_exists(const zonedb *db, const uint8_t *name)
{
	/* In canonical order a name's descendants follow it directly, and
	 * their keys start with its key. */
	uint8_t key[KEY_MAX];
	size_t len = make_key(name, key);
	size_t i = lower_bound(db, key, len);
	return i < db->nnodes && db->nodes[i].keylen >= len &&
	       memcmp(db->nodes[i].key, key, len) == 0;
}

const zdb_rrset *zdb_node_rrset(const zdb_node *node, uint16_t type)
{
	for (size_t i = 0; i < node->nsets; i++)
		if (node->sets[i].type == type)
			return &node->sets[i];
	return NULL;
}
