/* Authenticated denial of existence: NSEC (RFC 4034 4, RFC 4035 3.1.3 and
 * 5.4) and NSEC3 (RFC 5155, with RFC 9276's limits).
 *
 * Three groups:
 *   - formats: type bitmaps, NSEC3 hashing and RDATA, hashed owner names;
 *   - the server's side: indexes over a zone's NSEC or NSEC3 records that
 *     find the records a negative answer must carry (covering NSEC, or
 *     closest encloser / next closer / wildcard for NSEC3);
 *   - the resolver's side: pure checks that the NSEC or NSEC3 records of a
 *     response (already validated with dnssec/rrsig.h) prove a name error,
 *     a no-data answer or a wildcard expansion, returning a verdict.
 *
 * Names are wire-form and compared canonically (dns_name_compare). */
#ifndef DNSIM_DNSSEC_NSEC_H
#define DNSIM_DNSSEC_NSEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/msg.h"

/* NSEC3 hash algorithm 1 is SHA-1: 20 octets, 32 base32hex characters. */
#define DNSSEC_NSEC3_SHA1 1
#define DNSSEC_NSEC3_HASHLEN 20
#define DNSSEC_NSEC3_FLAG_OPTOUT 0x01
/* RFC 9276 3.2: validators may treat more iterations as insecure; above
 * this many we never hash (and the signer refuses to use more). */
#define DNSSEC_NSEC3_MAX_ITERATIONS 150
/* The largest type bitmap: 256 windows of 34 octets. */
#define DNSSEC_BITMAP_MAXLEN (256 * 34)

/* ---- formats -------------------------------------------------------------- */

/* The RFC 4034 4.1.2 bitmap of a list of types (any order, repeats
 * allowed).  DNS_E_NOSPACE when it does not fit in out. */
dns_err dnssec_bitmap_build(const uint16_t *types, size_t n, uint8_t *out,
			    size_t outsz, size_t *outlen);

/* True when the type's bit is set in a (checked) bitmap. */
bool dnssec_bitmap_has(const uint8_t *bitmap, size_t len, uint16_t type);

/* RFC 5155 section 5: IH(salt, x, 0) = H(x || salt), IH(salt, x, k) =
 * H(IH(salt, x, k-1) || salt), over the lowercased wire name.  Only
 * algorithm 1; DNS_E_RANGE for another algorithm or more than
 * DNSSEC_NSEC3_MAX_ITERATIONS iterations (so hostile parameters never
 * cost thousands of hashes). */
dns_err dnssec_nsec3_hash(const uint8_t *name, uint8_t alg, uint16_t iterations,
			  const uint8_t *salt, size_t saltlen,
			  uint8_t out[DNSSEC_NSEC3_HASHLEN]);

/* The hashed owner name: the hash in lowercase base32hex as one label
 * in front of the zone. */
dns_err dnssec_nsec3_hashed_name(const uint8_t hash[DNSSEC_NSEC3_HASHLEN],
				 const uint8_t *zone, dns_name *out);

/* The hash an NSEC3 owner name carries: its first label decoded from
 * base32hex.  DNS_E_FORMAT unless the owner is exactly one label below
 * `zone` (NULL: any) and that label decodes to 20 octets. */
dns_err dnssec_nsec3_owner_hash(const uint8_t *owner, const uint8_t *zone,
				uint8_t out[DNSSEC_NSEC3_HASHLEN]);

/* NSEC3 RDATA fields (NSEC3PARAM has the first four); pointers into it. */
typedef struct dnssec_nsec3 {
	uint8_t alg, flags;
	uint16_t iterations;
	const uint8_t *salt;
	uint8_t saltlen;
	const uint8_t *next;      /* next hashed owner, raw octets */
	uint8_t nextlen;
	const uint8_t *bitmap;
	size_t bitmaplen;
} dnssec_nsec3;

/* Split checked NSEC3 RDATA (NSEC3PARAM when `param`). */
dns_err dnssec_nsec3_parse(const uint8_t *rd, size_t len, bool param, dnssec_nsec3 *out);

/* NSEC3PARAM RDATA: algorithm 1, flags 0, the iterations and salt. */
dns_err dnssec_nsec3param_build(uint16_t iterations, const uint8_t *salt, uint8_t saltlen,
				uint8_t *out, size_t outsz, size_t *outlen);

/* ---- the server's side ------------------------------------------------------ */

/* The NSEC records of a zone in canonical order of their owners. */
typedef struct dnssec_nsec_chain {
	const dns_rr **rr;
	size_t n;
} dnssec_nsec_chain;

/* Index the NSEC records among rrs[0..n) (other types are skipped).  The
 * chain points into rrs, which must outlive it. */
dns_err dnssec_nsec_chain_build(dnssec_nsec_chain *c, const dns_rr *rrs, size_t n);
/* Release the index (not the records). */
void dnssec_nsec_chain_free(dnssec_nsec_chain *c);

/* The NSEC whose owner is `name` or the last one before it (wrapping to
 * the last NSEC of the zone for names before the first): the one that
 * matches or covers it.  NULL for an empty chain.  *exact tells which. */
const dns_rr *dnssec_nsec_chain_find(const dnssec_nsec_chain *c, const uint8_t *name,
				     bool *exact);

/* What a server puts in a negative answer in an NSEC zone. */
typedef struct dnssec_nsec_proof {
	const dns_rr *match;    /* NSEC at qname (no-data); else NULL */
	const dns_rr *cover;    /* NSEC covering qname (name error) */
	const dns_rr *wildcard; /* NSEC covering or matching *.closest encloser */
	dns_name closest_encloser;
} dnssec_nsec_proof;

/* The records proving that `qname` (in the zone `zone`) does not exist,
 * or has no data when an NSEC matches it.  For a wildcard answer the
 * server sends `cover` only. */
dns_err dnssec_nsec_chain_prove(const dnssec_nsec_chain *c, const uint8_t *zone,
				const uint8_t *qname, dnssec_nsec_proof *p);

/* The NSEC3 records of a zone ordered by hash, with the zone's parameters
 * (those of the NSEC3PARAM, or of the first NSEC3 when none is given). */
typedef struct dnssec_nsec3_chain {
	struct dnssec_nsec3_link {
		uint8_t hash[DNSSEC_NSEC3_HASHLEN];
		const dns_rr *rr;
	} *link;
	size_t n;
	uint8_t alg;
	uint16_t iterations;
	uint8_t salt[255];
	uint8_t saltlen;
	dns_name zone;
} dnssec_nsec3_chain;

/* Index the NSEC3 records among rrs[0..n) that sit directly below `zone`
 * and use the zone's parameters.  DNS_E_RANGE when the parameters are
 * beyond this library (algorithm, iterations). */
dns_err dnssec_nsec3_chain_build(dnssec_nsec3_chain *c, const uint8_t *zone,
				 const dns_rr *rrs, size_t n);
/* Release the index (not the records). */
void dnssec_nsec3_chain_free(dnssec_nsec3_chain *c);

/* The NSEC3 matching (*exact) or covering a hash; NULL for an empty chain. */
const dns_rr *dnssec_nsec3_chain_find(const dnssec_nsec3_chain *c,
				      const uint8_t hash[DNSSEC_NSEC3_HASHLEN], bool *exact);

/* What a server puts in a negative answer in an NSEC3 zone (RFC 5155 7.2):
 *   name error:         closest_encloser, next_closer, wildcard;
 *   no data:            match (or, for DS without a match, the closest
 *                       encloser proof: closest_encloser and next_closer);
 *   wildcard no data:   closest_encloser, next_closer and wildcard (which
 *                       then matches: wildcard_exists);
 *   wildcard answer:    next_closer.
 * Pointers are NULL where the chain has nothing. */
typedef struct dnssec_nsec3_proof {
	const dns_rr *match;
	const dns_rr *closest_encloser;
	const dns_rr *next_closer;
	const dns_rr *wildcard;
	bool wildcard_exists;
	dns_name encloser;      /* the closest encloser's name */
} dnssec_nsec3_proof;

/* Fill p for `qname` (at or below the chain's zone: DNS_E_RANGE
 * otherwise; DNS_E_FORMAT for an empty chain).  Costs one hash per label
 * between qname and the closest encloser, plus two. */
dns_err dnssec_nsec3_chain_prove(const dnssec_nsec3_chain *c, const uint8_t *qname,
				 dnssec_nsec3_proof *p);

/* ---- the resolver's side ----------------------------------------------------- */

typedef enum dnssec_denial {
	DNSSEC_DENIAL_PROVEN = 0,  /* the records prove it */
	DNSSEC_DENIAL_OPTOUT,      /* only an opt-out span covers it: insecure */
	DNSSEC_DENIAL_NOT_PROVEN,  /* they do not: bogus */
	DNSSEC_DENIAL_ITERATIONS,  /* NSEC3 iterations above the cap: insecure
				    * (RFC 9276 3.2) */
	DNSSEC_DENIAL_UNSUPPORTED, /* unknown NSEC3 hash algorithm: insecure */
} dnssec_denial;

/* A short English text for a verdict, never NULL. */
const char *dnssec_denial_text(dnssec_denial d);

/* True when the NSEC (owner, next) covers `name`: owner < name < next
 * canonically, the last NSEC (next <= owner) covering everything after
 * its owner. */
bool dnssec_nsec_covers(const uint8_t *owner, const uint8_t *next, const uint8_t *name);

/* Each function below takes a response section (any records; the NSEC
 * or NSEC3 ones, already validated, are used) and the zone they come
 * from (the RRSIG signer), and says whether they prove:
 *   _nxdomain: that qname does not exist, nor a wildcard that could
 *              have produced it;
 *   _nodata:   that qname exists without qtype (nor CNAME), counting an
 *              empty non-terminal, a wildcard without the type, and for
 *              qtype DS an unsigned delegation (NS without DS);
 *   _wildcard: for a positive answer synthesised from `source` (from
 *              dnssec_verify_rrset), that qname itself does not exist. */
dnssec_denial dnssec_nsec_nxdomain(const dns_rr *rrs, size_t n, const uint8_t *zone,
				   const uint8_t *qname);
dnssec_denial dnssec_nsec_nodata(const dns_rr *rrs, size_t n, const uint8_t *zone,
				 const uint8_t *qname, uint16_t qtype);
dnssec_denial dnssec_nsec_wildcard(const dns_rr *rrs, size_t n, const uint8_t *zone,
				   const uint8_t *qname, const uint8_t *source);

dnssec_denial dnssec_nsec3_nxdomain(const dns_rr *rrs, size_t n, const uint8_t *zone,
				    const uint8_t *qname);
dnssec_denial dnssec_nsec3_nodata(const dns_rr *rrs, size_t n, const uint8_t *zone,
				  const uint8_t *qname, uint16_t qtype);
dnssec_denial dnssec_nsec3_wildcard(const dns_rr *rrs, size_t n, const uint8_t *zone,
				    const uint8_t *qname, const uint8_t *source);

#endif
