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

void zonedb_free(zonedb *db)
{
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

/* Index of the first node not ordered before `name`. */
static size_t lower_bound(const zonedb *db, const uint8_t *name)
{
	size_t lo = 0, hi = db->nnodes;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (dns_name_compare(db->nodes[mid].owner, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const zdb_node *zonedb_find(const zonedb *db, const uint8_t *name)
{
	size_t i = lower_bound(db, name);
	if (i < db->nnodes && dns_name_equal(db->nodes[i].owner, name))
		return &db->nodes[i];
	return NULL;
}

bool zonedb_name_exists(const zonedb *db, const uint8_t *name)
{
	/* In canonical order a name's descendants follow it directly. */
	size_t i = lower_bound(db, name);
	return i < db->nnodes && dns_name_is_subdomain(db->nodes[i].owner, name);
}

const zdb_rrset *zdb_node_rrset(const zdb_node *node, uint16_t type)
{
	for (size_t i = 0; i < node->nsets; i++)
		if (node->sets[i].type == type)
			return &node->sets[i];
	return NULL;
}
