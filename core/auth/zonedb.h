/* A zone indexed for answering queries: the records sorted in canonical
 * order and grouped into nodes (one owner name each) and RRsets, so that
 * exact matches, empty non-terminals, zone cuts and wildcards are all a
 * binary search away.  The records' names and RDATA stay where the caller
 * keeps them (the loaded dns_zone) and must outlive the index. */
#ifndef DNSIM_AUTH_ZONEDB_H
#define DNSIM_AUTH_ZONEDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/msg.h"
#include "dnssec/nsec.h"

typedef struct zdb_rrset {
	uint16_t type;
	uint32_t ttl;
	const dns_rr *rr;   /* the records, consecutive */
	size_t count;
	/* The RRSIGs at the same owner that cover this type (RFC 4035
	 * 3.1.1: they go out with it when the query has DO), consecutive;
	 * none in an unsigned zone, nor for the RRSIG RRset itself. */
	const dns_rr *sig;
	size_t nsig;
} zdb_rrset;

typedef struct zdb_node {
	const uint8_t *owner;
	/* The owner as a search key whose memcmp order is the canonical
	 * order: labels from the root down, lowercased, each ended by 0,
	 * with the octets 0 and 1 escaped.  A name's descendants are
	 * exactly the keys it prefixes. */
	const uint8_t *key;
	uint16_t keylen;
	zdb_rrset *sets;
	size_t nsets;
	bool is_cut;        /* NS below the apex: a delegation */
} zdb_node;

/* How the zone proves that names and types do not exist (RFC 4035 3.1.3,
 * RFC 5155 7.2): by the chain its file brings, if any. */
typedef enum zdb_denial {
	ZDB_DENIAL_NONE,    /* unsigned, or signed without a chain */
	ZDB_DENIAL_NSEC,
	ZDB_DENIAL_NSEC3,
} zdb_denial;

/* In an NSEC3 zone, each name the chain speaks for (the authoritative
 * names and empty non-terminals, not those below a cut or a DNAME) with
 * the NSEC3 records a proof takes from it, found at load: answers then
 * hash only names the query brings (the next closer name). */
typedef struct zdb_nsec3_name {
	const uint8_t *owner;
	const uint8_t *key;          /* as zdb_node.key */
	uint16_t keylen;
	const dns_rr *match;         /* its NSEC3; NULL under opt-out */
	const dns_rr *wildcard;      /* the NSEC3 matching or covering *.owner */
	bool wildcard_exists;
} zdb_nsec3_name;

typedef struct zonedb {
	const uint8_t *origin;
	unsigned origin_labels;
	dns_rr *rrs;        /* sorted copy of the record headers */
	size_t nrrs;
	zdb_node *nodes;    /* in canonical order */
	size_t nnodes;
	zdb_rrset *sets;
	size_t nsets;
	const zdb_node *apex;
	const zdb_rrset *soa;
	uint8_t *keys;      /* storage of the nodes' keys */

	/* DNSSEC: what a signed zone file brought.  NSEC3 records sit at
	 * hashed names that are no names of the zone (RFC 5155 7.2.9): their
	 * nodes are kept apart from `nodes`, so lookups never find them. */
	zdb_denial denial;
	/* NSEC zones: for each node, the NSEC of the last node at or before
	 * it that has one (NULL before the first), so that the NSEC matching
	 * or covering a name is one search of the node keys away. */
	const dns_rr **nsec_at;
	const dns_rr *nsec_last;
	dnssec_nsec3_chain nsec3;
	zdb_node *hashed;   /* the NSEC3 owners' nodes */
	size_t nhashed;
	zdb_nsec3_name *nsec3_names;  /* canonical order (by key) */
	size_t nnsec3_names;
	uint8_t *nsec3_keys;
} zonedb;

/* Index `n` records of the zone `origin` (which must have its SOA at the
 * apex).  Returns DNS_E_NOMEM, DNS_E_FORMAT (no SOA at the apex) or
 * DNS_E_RANGE (NSEC3 parameters this server does not serve: a hash
 * other than SHA-1, more than DNSSEC_NSEC3_MAX_ITERATIONS iterations). */
dns_err zonedb_build(zonedb *db, const uint8_t *origin, const dns_rr *rrs,
		     size_t n);
void zonedb_free(zonedb *db);

/* The node owning exactly `name`, or NULL. */
const zdb_node *zonedb_find(const zonedb *db, const uint8_t *name);

/* True when `name` owns records or has names below it (an empty
 * non-terminal exists too, RFC 4592 section 2.2.2). */
bool zonedb_name_exists(const zonedb *db, const uint8_t *name);

/* The RRset of `type` at a node, or NULL. */
const zdb_rrset *zdb_node_rrset(const zdb_node *node, uint16_t type);

/* The RRset a record of db->rrs belongs to (hashed owners' too), or NULL
 * for a record from elsewhere. */
const zdb_rrset *zonedb_rrset_of(const zonedb *db, const dns_rr *rr);

/* NSEC zones: the NSEC whose owner is `name` (*exact) or else the last
 * one before it, wrapping to the zone's last NSEC: the one covering it
 * (RFC 4034 4.1.1).  NULL in a zone without NSEC records. */
const dns_rr *zonedb_nsec_find(const zonedb *db, const uint8_t *name, bool *exact);

/* NSEC3 zones: the entry of `name` in db->nsec3_names, or NULL. */
const zdb_nsec3_name *zonedb_nsec3_name(const zonedb *db, const uint8_t *name);

#endif
