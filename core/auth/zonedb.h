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

typedef struct zdb_rrset {
	uint16_t type;
	uint32_t ttl;
	const dns_rr *rr;   /* the records, consecutive */
	size_t count;
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
} zonedb;

/* Index `n` records of the zone `origin` (which must have its SOA at the
 * apex).  Returns DNS_E_NOMEM or DNS_E_FORMAT (no SOA at the apex). */
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

#endif
