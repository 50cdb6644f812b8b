/* RRSIG records (RFC 4034 section 3, RFC 4035 section 5.3): the canonical
 * form of an RRset, signing it, and checking signatures the way a
 * validating resolver must (time window, labels and wildcards, signer,
 * key tag and algorithm), with a bound on the work hostile input can
 * cause.
 *
 * RRsets come as arrays of dns_rr (owner, type, class, TTL, uncompressed
 * RDATA), as dns_msg_parse and dns_zonedata hold them; every record of
 * one RRset has the same owner, type and class. */
#ifndef DNSIM_DNSSEC_RRSIG_H
#define DNSIM_DNSSEC_RRSIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/msg.h"
#include "dnssec/key.h"

/* RRSIG RDATA: fixed fields (18 octets), the signer's name, the signature. */
#define DNSSEC_RRSIG_FIXED 18
#define DNSSEC_RRSIG_MAXLEN (DNSSEC_RRSIG_FIXED + DNS_NAME_MAXLEN + DNSSEC_SIG_MAXLEN)

/* Signature checks a resolver makes per (RRset, RRSIG, key): at most
 * this many public-key operations per dnssec_verify_rrset call, so that
 * colliding key tags and piles of signatures cannot cost more (the
 * KeyTrap attacks, CVE-2023-50387). */
#define DNSSEC_VERIFY_BUDGET 8

/* The fields of RRSIG RDATA; signer and signature point into it. */
typedef struct dnssec_rrsig {
	uint16_t type_covered;
	uint8_t algorithm;
	uint8_t labels;
	uint32_t original_ttl;
	uint32_t expiration;
	uint32_t inception;
	uint16_t key_tag;
	const uint8_t *signer;
	const uint8_t *signature;
	size_t siglen;
} dnssec_rrsig;

/* Split RRSIG RDATA into its fields.  DNS_E_RDLENGTH/DNS_E_FORMAT when it
 * is malformed, DNS_E_FORMAT also for an empty signature. */
dns_err dnssec_rrsig_parse(const uint8_t *rd, size_t len, dnssec_rrsig *out);

/* The labels field for an owner (RFC 4034 3.1.3): its label count, less
 * one when the leftmost label is "*". */
uint8_t dnssec_owner_labels(const uint8_t *owner);

/* The canonical wire form of an RRset as it is signed (RFC 4034 3.1.8.1
 * and 6): for each record, in canonical RDATA order with duplicates
 * removed: owner (lowercased; when `labels` is below the owner's label
 * count, "*." and the owner's rightmost `labels` labels), type, class,
 * `original_ttl`, RDLENGTH, RDATA with the names RFC 4034 6.2 (RFC 6840
 * 5.1) lists lowercased.  *out is malloc'd (the caller frees).
 * DNS_E_RANGE when `labels` exceeds the owner's, DNS_E_FORMAT for an
 * empty set or records of mixed owner/type/class. */
dns_err dnssec_rrset_canonical(const dns_rr *rrs, size_t n, uint32_t original_ttl,
			       uint8_t labels, uint8_t **out, size_t *outlen);

/* Sign an RRset with k (which needs its private half): writes RRSIG
 * RDATA with type covered, algorithm, labels (dnssec_owner_labels),
 * original TTL (the records' TTL), the given times (seconds modulo 2^32),
 * k's tag and k's owner as signer. */
dns_err dnssec_sign_rrset(const dnssec_key *k, const dns_rr *rrs, size_t n,
			  uint32_t inception, uint32_t expiration, uint8_t *out,
			  size_t outsz, size_t *outlen);

/* Why a signature does or does not validate an RRset. */
typedef enum dnssec_sig_status {
	DNSSEC_SIG_VALID = 0,
	DNSSEC_SIG_MALFORMED,     /* the RRSIG RDATA does not parse */
	DNSSEC_SIG_WRONG_TYPE,    /* covers another type (or class differs) */
	DNSSEC_SIG_BAD_LABELS,    /* labels above the owner's label count */
	DNSSEC_SIG_BAD_SIGNER,    /* signer is not the owner or above it */
	DNSSEC_SIG_NOT_YET_VALID, /* now is before inception */
	DNSSEC_SIG_EXPIRED,       /* now is after expiration */
	DNSSEC_SIG_NO_KEY,        /* no zone key with its tag, algorithm, owner */
	DNSSEC_SIG_UNSUPPORTED,   /* an algorithm this library does not do */
	DNSSEC_SIG_BOGUS,         /* the signature does not verify */
	DNSSEC_SIG_BUDGET,        /* gave up: DNSSEC_VERIFY_BUDGET spent */
	DNSSEC_SIG_NONE,          /* no RRSIG covering the RRset at all */
} dnssec_sig_status;

/* A short English text for a status, never NULL. */
const char *dnssec_sig_status_text(dnssec_sig_status s);

/* Check one RRSIG (its owner and RDATA in `sig`) over an RRset with one
 * key at time `now` (seconds since 1970, modulo 2^32; RFC 1982 compare).
 * Everything but the key's match (tag, algorithm, signer = key owner,
 * zone flag) and the cryptography comes first, cheapest first. */
dnssec_sig_status dnssec_verify_rrsig(const dns_rr *rrs, size_t n, const dns_rr *sig,
				      const dnssec_key *key, uint32_t now);

/* What dnssec_verify_rrset found. */
typedef struct dnssec_verify_result {
	dnssec_sig_status status; /* VALID, or the most telling failure */
	size_t sig;               /* index in sigs of the validating RRSIG */
	size_t key;               /* index in keys of the key that made it */
	/* Labels below the owner's: the RRset was synthesised from the
	 * wildcard `source` (RFC 4035 5.3.4); the resolver must then prove
	 * that the owner itself does not exist (dnssec/nsec.h). */
	bool wildcard;
	dns_name source;
	/* min(RRset TTL, original TTL, seconds left to expiration): the most
	 * a resolver may cache the validated RRset for (RFC 4035 5.3.3). */
	uint32_t ttl;
} dnssec_verify_result;

/* Validate an RRset: try the RRSIGs among `sigs` that cover it (others
 * are skipped, so a whole section can be passed) against the matching
 * keys until one validates; at most DNSSEC_VERIFY_BUDGET signature
 * checks.  `res` (may be NULL) tells which pair worked, or why none did. */
dnssec_sig_status dnssec_verify_rrset(const dns_rr *rrs, size_t n, const dns_rr *sigs,
				      size_t nsigs, const dnssec_key *keys, size_t nkeys,
				      uint32_t now, dnssec_verify_result *res);

/* Parse the DNSKEY records of an RRset into keys[0..*nout), skipping
 * those with unsupported algorithms or bad key material (a zone may
 * publish keys a validator cannot use).  Stops at `cap`.  The caller
 * frees them with dnssec_keys_free. */
void dnssec_keys_from_rrset(const dns_rr *dnskeys, size_t n, dnssec_key *keys,
			    size_t cap, size_t *nout);
/* dnssec_key_free on keys[0..n). */
void dnssec_keys_free(dnssec_key *keys, size_t n);

/* The step of the chain of trust from a parent's DS RRset into a child's
 * DNSKEY RRset (RFC 4035 5.2): some DNSKEY matched by a DS (supported
 * digest and algorithm) must sign the DNSKEY RRset.  `keys` are the
 * RRset's parsed keys (dnssec_keys_from_rrset).  Returns VALID and, in
 * res, the key; NO_KEY when no DS matches a usable key (the caller decides
 * between bogus and insecure: RFC 4035 5.2 treats a DS set with only
 * unsupported algorithms as insecure). */
dnssec_sig_status dnssec_verify_dnskeys_by_ds(const dns_rr *dnskeys, size_t n,
					      const dns_rr *sigs, size_t nsigs,
					      const dnssec_key *keys, size_t nkeys,
					      const dns_rr *ds, size_t nds, uint32_t now,
					      dnssec_verify_result *res);

#endif
