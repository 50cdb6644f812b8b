/* DNSSEC keys (RFC 4034 section 2, RFC 3110, RFC 5702, RFC 6605,
 * RFC 8080): DNSKEY RDATA, key tags, DS digests, key generation, the
 * private-key file BIND and ldns read, and the raw signature operations.
 *
 * Three algorithms: 8 RSASHA256, 13 ECDSAP256SHA256, 15 ED25519.  OpenSSL's
 * libcrypto does the arithmetic (hashes, RSA, P-256, Ed25519); the DNSSEC
 * formats around it are ours.  No I/O: key files come and go as text.
 *
 * A dnssec_key always has its public half (the DNSKEY RDATA) and may have
 * the private half.  Keys are built by dnssec_key_from_dnskey (public only),
 * dnssec_key_generate or dnssec_key_from_private, and released with
 * dnssec_key_free. */
#ifndef DNSIM_DNSSEC_KEY_H
#define DNSIM_DNSSEC_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/error.h"
#include "dns/name.h"

enum dnssec_algorithm {
	DNSSEC_ALG_RSASHA256 = 8,
	DNSSEC_ALG_ECDSAP256SHA256 = 13,
	DNSSEC_ALG_ED25519 = 15,
};

/* DNSKEY flags (RFC 4034 2.1.1, RFC 5011 7). */
#define DNSSEC_FLAG_ZONE 0x0100u
#define DNSSEC_FLAG_REVOKE 0x0080u
#define DNSSEC_FLAG_SEP 0x0001u
/* The usual flags: a zone-signing key (256) and a key-signing key (257). */
#define DNSSEC_FLAGS_ZSK DNSSEC_FLAG_ZONE
#define DNSSEC_FLAGS_KSK (DNSSEC_FLAG_ZONE | DNSSEC_FLAG_SEP)

/* DS digest types (RFC 4509, RFC 6605). */
enum dnssec_digest {
	DNSSEC_DIGEST_SHA256 = 2,
	DNSSEC_DIGEST_SHA384 = 4,
};

/* Sizes: the largest RSA modulus accepted (4096 bits, RFC 3110's limit),
 * hence the largest DNSKEY RDATA and signature. */
#define DNSSEC_RSA_MAX_BITS 4096
#define DNSSEC_RSA_MIN_BITS 512
#define DNSSEC_DNSKEY_MAXLEN (4 + 3 + DNSSEC_RSA_MAX_BITS / 8 + 4)
#define DNSSEC_SIG_MAXLEN (DNSSEC_RSA_MAX_BITS / 8)
/* DS RDATA: tag, algorithm, digest type and a SHA-384 digest. */
#define DNSSEC_DS_MAXLEN (4 + 48)
/* Private-key text: generous for a 4096-bit RSA key's eight fields. */
#define DNSSEC_PRIVATE_TEXT_MAX 8192

struct evp_pkey_st; /* OpenSSL's EVP_PKEY, kept out of this header */

typedef struct dnssec_key {
	dns_name owner;          /* the zone apex the key belongs to */
	uint16_t flags;
	uint8_t algorithm;
	uint16_t tag;            /* RFC 4034 appendix B, of rdata */
	uint8_t rdata[DNSSEC_DNSKEY_MAXLEN]; /* the DNSKEY RDATA */
	size_t rdlen;
	bool has_private;
	struct evp_pkey_st *pkey; /* private: libcrypto's key */
} dnssec_key;

/* True for the algorithms this library signs and verifies (8, 13, 15). */
bool dnssec_algorithm_supported(uint8_t alg);

/* The mnemonic of an algorithm ("RSASHA256", "ECDSAP256SHA256",
 * "ED25519", the IANA names of the others; NULL when unassigned). */
const char *dnssec_algorithm_name(uint8_t alg);

/* A number or a mnemonic (case-insensitive) -> algorithm number.  Only
 * supported algorithms: DNS_E_RANGE for the others. */
dns_err dnssec_algorithm_from_text(const char *text, size_t len, uint8_t *alg);

/* RFC 4034 appendix B key tag of DNSKEY RDATA (algorithm 1 uses the
 * older rule its appendix B.1 gives).  0 for RDATA shorter than 4. */
uint16_t dnssec_key_tag(const uint8_t *dnskey, size_t len);

/* DS RDATA for the DNSKEY RDATA `dnskey` at `owner` (RFC 4034 5.1.4: the
 * digest of the lowercased owner followed by the RDATA), digest type 2
 * (SHA-256) or 4 (SHA-384).  DNS_E_RANGE for another digest type,
 * DNS_E_FORMAT for DNSKEY RDATA shorter than 4, DNS_E_NOSPACE when out is
 * too small (DNSSEC_DS_MAXLEN always does). */
dns_err dnssec_ds_from_dnskey(const uint8_t *owner, const uint8_t *dnskey,
			      size_t len, uint8_t digest_type, uint8_t *out,
			      size_t outsz, size_t *outlen);

/* True when the DS RDATA `ds` describes the DNSKEY RDATA `dnskey` at
 * `owner`: tag, algorithm and digest agree (digest types 2 and 4; others
 * never match).  For a resolver choosing the keys a parent vouches for. */
bool dnssec_ds_matches(const uint8_t *owner, const uint8_t *ds, size_t dslen,
		       const uint8_t *dnskey, size_t keylen);

/* A public key from DNSKEY RDATA at `owner`.  Checks the layout and the
 * key material (RSA: exponent and modulus lengths, 512-4096 bits; P-256:
 * 64 octets and a point on the curve; Ed25519: 32 octets).  Errors:
 * DNS_E_RDLENGTH/DNS_E_FORMAT for a malformed key, DNS_E_RANGE for an
 * unsupported algorithm or protocol other than 3, DNS_E_NOMEM.  On error
 * k holds nothing to free. */
dns_err dnssec_key_from_dnskey(dnssec_key *k, const uint8_t *owner,
			       const uint8_t *rdata, size_t len);

/* A new key pair for `owner` with `flags` (DNSSEC_FLAGS_KSK/ZSK).  `bits`
 * is the RSA modulus size (1024-4096, 0 for 2048); ignored for 13 and 15.
 * Randomness comes from libcrypto's generator. */
dns_err dnssec_key_generate(dnssec_key *k, const uint8_t *owner, uint8_t alg,
			    uint16_t flags, unsigned bits);

/* The private key as BIND's "Private-key-format: v1.3" text (what
 * dnssec-keygen writes and dnssec-signzone, ldns-signzone and Knot read):
 * Algorithm, then Modulus...Coefficient for RSA or PrivateKey for the
 * others, base64; with `created` non-zero also Created/Publish/Activate
 * at that time (seconds since 1970).  NUL-terminated; DNS_E_RANGE when k
 * has no private half; DNS_E_NOSPACE when out is too small. */
dns_err dnssec_key_private_to_text(const dnssec_key *k, uint32_t created,
				   char *out, size_t outsz, size_t *outlen);

/* Read private-key text (format v1.2 or v1.3) for a key of `owner` with
 * `flags`, and derive the public half from it.  Unknown fields (timing
 * metadata) are ignored.  DNS_E_SYNTAX for a text that is not such a
 * file or misses a field, DNS_E_RANGE for an unsupported algorithm,
 * DNS_E_FORMAT for key material libcrypto rejects. */
dns_err dnssec_key_from_private(dnssec_key *k, const uint8_t *owner,
				uint16_t flags, const char *text, size_t len);

/* The one-line public key as dnssec-keygen writes it to a .key file:
 * "OWNER IN DNSKEY FLAGS 3 ALG BASE64\n" (with `ttl` when non-zero). */
dns_err dnssec_key_public_to_text(const dnssec_key *k, uint32_t ttl,
				  char *out, size_t outsz, size_t *outlen);

/* The base name dnssec-keygen gives the key's files:
 * "K<owner>+<alg, 3 digits>+<tag, 5 digits>" (owner with its final dot,
 * lowercased). */
dns_err dnssec_key_file_base(const dnssec_key *k, char *out, size_t outsz);

/* Release the libcrypto key; k may then be reused.  Safe on a zeroed or
 * already freed key. */
void dnssec_key_free(dnssec_key *k);

/* Sign `data` with the key's algorithm, writing the signature in its
 * DNSSEC form (RSA: the modulus-sized PKCS#1 v1.5 block; ECDSA: r||s, 64
 * octets; Ed25519: 64 octets).  DNS_E_RANGE without a private half,
 * DNS_E_NOSPACE when out is too small (DNSSEC_SIG_MAXLEN always does). */
dns_err dnssec_key_sign_data(const dnssec_key *k, const uint8_t *data,
			     size_t len, uint8_t *sig, size_t sigsz,
			     size_t *siglen);

/* True when `sig` is a valid signature over `data` by k.  Any malformed
 * signature (wrong length, garbage) is simply false. */
bool dnssec_key_verify_data(const dnssec_key *k, const uint8_t *data,
			    size_t len, const uint8_t *sig, size_t siglen);

#endif
