/* Zone index: sorting, grouping into nodes and RRsets, searching. */
#include "zonedb.h"

#include <stdlib.h>
#include <string.h>

#include "dns/rdata.h"
#include "dns/wire.h"

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
	free(db->nsec_at);
	dnssec_nsec3_chain_free(&db->nsec3);
	free(db->hashed);
	free(db->nsec3_names);
	free(db->nsec3_keys);
	free(db->keys);
	free(db->rrs);
	free(db->nodes);
	free(db->sets);
	memset(db, 0, sizeof *db);
}


/* ---- DNSSEC ------------------------------------------------------------------ */

/* Point each RRset at the RRSIGs covering it.  The RRSIG RRset of a node
 * is sorted by RDATA, whose first field is the type covered, so the
 * signatures of one type are consecutive. */
static void attach_sigs(zonedb *db)
{
	for (size_t i = 0; i < db->nnodes; i++) {
		zdb_node *node = &db->nodes[i];
		const zdb_rrset *sigs = zdb_node_rrset(node, DNS_T_RRSIG);
		if (sigs == NULL)
			continue;
		for (size_t k = 0; k < sigs->count; k++) {
			const dns_rr *sig = &sigs->rr[k];
			if (sig->rdlen < 2)
				continue;
			uint16_t covered = dns_get16(sig->rdata);
			zdb_rrset *set = (zdb_rrset *)zdb_node_rrset(node, covered);
			if (set == NULL || covered == DNS_T_RRSIG)
				continue;
			if (set->nsig == 0)
				set->sig = sig;
			if (set->sig + set->nsig == sig)
				set->nsig++;
		}
	}
}

/* An NSEC3 owner: one label below the apex, nothing but NSEC3 and the
 * RRSIGs over it. */
static bool hashed_node(const zonedb *db, const zdb_node *node)
{
	if (dns_name_labels(node->owner) != db->origin_labels + 1 ||
	    zdb_node_rrset(node, DNS_T_NSEC3) == NULL)
		return false;
	for (size_t i = 0; i < node->nsets; i++)
		if (node->sets[i].type != DNS_T_NSEC3 && node->sets[i].type != DNS_T_RRSIG)
			return false;
	return true;
}

/* Move the NSEC3 owners' nodes out of db->nodes into db->hashed. */
static dns_err set_hashed_apart(zonedb *db)
{
	size_t n = 0;
	for (size_t i = 0; i < db->nnodes; i++)
		n += hashed_node(db, &db->nodes[i]);
	if (n == 0)
		return DNS_OK;
	db->hashed = malloc(n * sizeof *db->hashed);
	if (db->hashed == NULL)
		return DNS_E_NOMEM;
	size_t kept = 0;
	for (size_t i = 0; i < db->nnodes; i++) {
		if (hashed_node(db, &db->nodes[i]))
			db->hashed[db->nhashed++] = db->nodes[i];
		else
			db->nodes[kept++] = db->nodes[i];
	}
	db->nnodes = kept;
	return DNS_OK;
}

static int nsec3_name_order(const void *pa, const void *pb)
{
	const zdb_nsec3_name *a = pa, *b = pb;
	return key_cmp(a->key, a->keylen, b->key, b->keylen);
}

/* Does the node hold data beyond DNSSEC's own records? */
static bool has_data(const zdb_node *node)
{
	for (size_t i = 0; i < node->nsets; i++) {
		uint16_t t = node->sets[i].type;
		if (t != DNS_T_RRSIG && t != DNS_T_NSEC && t != DNS_T_NSEC3)
			return true;
	}
	return false;
}

/* db->nsec3_names: the authoritative names with data and their empty
 * non-terminals (suffixes of those names, so no copies), each hashed
 * once here with its wildcard. */
static dns_err index_nsec3_names(zonedb *db)
{
	size_t cap = 0;
	for (size_t i = 0; i < db->nnodes; i++)
		if (dns_name_is_subdomain(db->nodes[i].owner, db->origin))
			cap += dns_name_labels(db->nodes[i].owner) - db->origin_labels + 1;
	zdb_nsec3_name *names = calloc(cap ? cap : 1, sizeof *names);
	if (names == NULL)
		return DNS_E_NOMEM;
	size_t n = 0;
	const uint8_t *cut = NULL;
	for (size_t i = 0; i < db->nnodes; i++) {
		const zdb_node *node = &db->nodes[i];
		if (!dns_name_is_subdomain(node->owner, db->origin) ||
		    (cut && dns_name_is_subdomain(node->owner, cut) &&
		     !dns_name_equal(node->owner, cut)))
			continue;     /* occluded: glue, or below a DNAME */
		if (node->is_cut || zdb_node_rrset(node, DNS_T_DNAME))
			cut = node->owner;
		if (!has_data(node))
			continue;
		unsigned labels = dns_name_labels(node->owner);
		/* k + origin_labels <= labels, not labels - k >= origin_labels:
		 * unsigned, that never ends for the root (origin_labels 0). */
		for (unsigned k = 0; k + db->origin_labels <= labels; k++)
			names[n++].owner = dns_name_skip_labels(node->owner, k);
	}
	size_t total = 0;
	uint8_t key[KEY_MAX];
	for (size_t i = 0; i < n; i++)
		total += make_key(names[i].owner, key);
	db->nsec3_keys = malloc(total ? total : 1);
	if (db->nsec3_keys == NULL) {
		free(names);
		return DNS_E_NOMEM;
	}
	size_t off = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len = make_key(names[i].owner, db->nsec3_keys + off);
		names[i].key = db->nsec3_keys + off;
		names[i].keylen = (uint16_t)len;
		off += len;
	}
	qsort(names, n, sizeof *names, nsec3_name_order);
	size_t kept = 0;
	for (size_t i = 0; i < n; i++)
		if (kept == 0 || nsec3_name_order(&names[kept - 1], &names[i]) != 0)
			names[kept++] = names[i];
	db->nsec3_names = names;
	db->nnsec3_names = kept;

	const dnssec_nsec3_chain *c = &db->nsec3;
	static const uint8_t star[] = { 1, '*', 0 };
	for (size_t i = 0; i < kept; i++) {
		uint8_t h[DNSSEC_NSEC3_HASHLEN];
		bool exact;
		dns_name wild;
		dns_err err = dnssec_nsec3_hash(names[i].owner, c->alg, c->iterations, c->salt,
						c->saltlen, h);
		if (err)
			return err;
		const dns_rr *rr = dnssec_nsec3_chain_find(c, h, &exact);
		names[i].match = exact ? rr : NULL;
		/* "*." in front of a name of 254 octets does not fit: no such
		 * wildcard can exist, and no proof will ask for it. */
		if (dns_name_join(&wild, star, 1, names[i].owner) != DNS_OK)
			continue;
		if ((err = dnssec_nsec3_hash(wild.data, c->alg, c->iterations, c->salt,
					     c->saltlen, h)))
			return err;
		names[i].wildcard = dnssec_nsec3_chain_find(c, h, &names[i].wildcard_exists);
	}
	return DNS_OK;
}

/* Which chain the zone proves denial with: NSEC3 when the apex has an
 * NSEC3PARAM (or, without one, when NSEC3 records are all it has), NSEC
 * when the apex has an NSEC. */
static dns_err index_denial(zonedb *db)
{
	bool param = zdb_node_rrset(db->apex, DNS_T_NSEC3PARAM) != NULL;
	bool nsec = zdb_node_rrset(db->apex, DNS_T_NSEC) != NULL;
	dns_err err;
	if (param || (!nsec && db->nhashed > 0)) {
		if ((err = dnssec_nsec3_chain_build(&db->nsec3, db->origin, db->rrs, db->nrrs)))
			return err;
		if (db->nsec3.n == 0)
			return DNS_OK;
		db->denial = ZDB_DENIAL_NSEC3;
		return index_nsec3_names(db);
	}
	if (nsec) {
		db->nsec_at = malloc(db->nnodes * sizeof *db->nsec_at);
		if (db->nsec_at == NULL)
			return DNS_E_NOMEM;
		const dns_rr *last = NULL;
		for (size_t i = 0; i < db->nnodes; i++) {
			const zdb_rrset *set = zdb_node_rrset(&db->nodes[i], DNS_T_NSEC);
			if (set)
				last = &set->rr[0];
			db->nsec_at[i] = last;
		}
		db->nsec_last = last;
		db->denial = ZDB_DENIAL_NSEC;
	}
	return DNS_OK;
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
			set->sig = NULL;
			set->nsig = 0;
		}
		set->count++;
	}
	attach_sigs(db);
	dns_err err = set_hashed_apart(db);
	if (err) {
		zonedb_free(db);
		return err;
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
	if ((err = index_denial(db))) {
		zonedb_free(db);
		return err;
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

const zdb_rrset *zonedb_rrset_of(const zonedb *db, const dns_rr *rr)
{
	/* The RRsets are in the order of the records they hold. */
	if (db->nsets == 0 || rr < db->rrs || rr >= db->rrs + db->nrrs)
		return NULL;
	size_t lo = 0, hi = db->nsets;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (db->sets[mid].rr <= rr)
			lo = mid;
		else
			hi = mid;
	}
	const zdb_rrset *set = &db->sets[lo];
	return rr < set->rr + set->count ? set : NULL;
}

const zdb_nsec3_name *zonedb_nsec3_name(const zonedb *db, const uint8_t *name)
{
	uint8_t key[KEY_MAX];
	size_t len = make_key(name, key);
	size_t lo = 0, hi = db->nnsec3_names;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = key_cmp(db->nsec3_names[mid].key, db->nsec3_names[mid].keylen, key, len);
		if (c == 0)
			return &db->nsec3_names[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const dns_rr *zonedb_nsec_find(const zonedb *db, const uint8_t *name, bool *exact)
{
	*exact = false;
	if (db->nsec_last == NULL)
		return NULL;
	uint8_t key[KEY_MAX];
	size_t len = make_key(name, key);
	size_t i = lower_bound(db, key, len);
	if (i < db->nnodes && db->nodes[i].keylen == len &&
	    memcmp(db->nodes[i].key, key, len) == 0) {
		const zdb_rrset *set = zdb_node_rrset(&db->nodes[i], DNS_T_NSEC);
		if (set) {
			*exact = true;
			return &set->rr[0];
		}
	}
	/* The nodes before `name`; before the first NSEC it wraps around. */
	const dns_rr *rr = i > 0 ? db->nsec_at[i - 1] : NULL;
	return rr ? rr : db->nsec_last;
}
