/* TSIG (RFC 8945): transaction signatures with a shared secret, for zone
 * transfers, NOTIFY and dynamic UPDATE.  A signed message ends with one
 * TSIG record in its additional section; its MAC covers the message as
 * it was before the record was added, the record's variables and, for a
 * response, the request's MAC.  A transfer's messages chain their MACs
 * (RFC 8945 5.3.1), and up to 99 of them may go unsigned in between.
 *
 * Pure: the time is the caller's, libcrypto computes the HMAC.  Keys
 * come as BIND writes them (tsig-keygen): a name, an algorithm
 * ("hmac-sha256"), a base64 secret. */
#ifndef DNSIM_DNSSEC_TSIG_H
#define DNSIM_DNSSEC_TSIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/name.h"

#define DNS_T_TSIG 250
#define TSIG_MAC_MAX 64           /* HMAC-SHA512 */
#define TSIG_SECRET_MAX 256
#define TSIG_FUDGE 300            /* seconds of clock skew allowed (RFC 8945 10) */
/* Octets a TSIG record can add to a message (generous: names, MAC,
 * other data of a BADTIME answer). */
#define TSIG_RR_MAX (2 * DNS_NAME_MAXLEN + 10 + 16 + TSIG_MAC_MAX + 6)
/* Unsigned messages allowed between two signed ones of a transfer. */
#define TSIG_UNSIGNED_MAX 99

/* The TSIG error field (and extended rcodes; RFC 8945 3). */
enum tsig_error {
	TSIG_NOERROR = 0,
	TSIG_BADSIG = 16,
	TSIG_BADKEY = 17,
	TSIG_BADTIME = 18,
	TSIG_BADTRUNC = 22,
};

typedef enum tsig_alg {
	TSIG_HMAC_SHA1,
	TSIG_HMAC_SHA224,
	TSIG_HMAC_SHA256,
	TSIG_HMAC_SHA384,
	TSIG_HMAC_SHA512,
} tsig_alg;

typedef struct tsig_key {
	dns_name name;            /* lowercased */
	tsig_alg alg;
	uint8_t secret[TSIG_SECRET_MAX];
	size_t secretlen;
} tsig_key;

/* "hmac-sha256" (case-insensitive; "hmac-sha256." too) -> alg. */
bool tsig_alg_from_text(const char *text, tsig_alg *alg);
/* The algorithm's name as BIND writes it ("hmac-sha256"). */
const char *tsig_alg_name(tsig_alg alg);
/* MAC length of the algorithm, in octets. */
size_t tsig_alg_maclen(tsig_alg alg);

/* A key from its name, algorithm and base64 secret; false with a
 * message in err. */
bool tsig_key_init(tsig_key *k, const char *name, const char *alg, const char *secret,
		   char *err, size_t errsz);

/* A TSIG record found at the end of a message. */
typedef struct tsig_record {
	size_t start;             /* offset of the record in the message */
	dns_name key;             /* the key's name */
	dns_name alg;             /* the algorithm's name */
	uint64_t time;            /* time signed, seconds since 1970 (48 bits) */
	uint16_t fudge;
	uint8_t mac[TSIG_MAC_MAX];
	uint16_t maclen;
	uint16_t orig_id;
	uint16_t error;
	uint16_t otherlen;
	uint8_t other[6];         /* a BADTIME answer's server time */
} tsig_record;

/* Find the TSIG record of msg: 1 and *rec, 0 when there is none, -1 when
 * the message cannot carry one as RFC 8945 says (a TSIG not last in the
 * additional section, two of them, a record not in class ANY, RDATA
 * that does not parse, a MAC longer than TSIG_MAC_MAX). */
int tsig_find(const uint8_t *msg, size_t len, tsig_record *rec);

/* The key a record names, among n keys (name and algorithm), or NULL. */
const tsig_key *tsig_key_lookup(const tsig_key *keys, size_t n, const tsig_record *rec);

/* Check one message's TSIG (found by tsig_find) with `key`, at time
 * `now`; for a response, `req_mac` is the request's MAC.  Returns
 * TSIG_NOERROR, TSIG_BADKEY (key NULL or of another algorithm),
 * TSIG_BADSIG (MAC wrong, or truncated beyond what RFC 8945 5.2.2.1
 * allows), TSIG_BADTIME (more than the fudge away from now; checked
 * after the MAC, as 5.2.3 says). */
int tsig_verify(const uint8_t *msg, size_t len, const tsig_record *rec, const tsig_key *key,
		uint64_t now, const uint8_t *req_mac, size_t req_maclen);

/* Append a TSIG record to msg (len octets in a buffer of cap), signed
 * with key at time `now`, ARCOUNT raised.  For a response, req_mac is
 * the request's MAC.  error and other[0..otherlen) fill those fields (a
 * BADTIME answer); mac_out (TSIG_MAC_MAX octets, may be NULL) receives
 * the MAC.  DNS_E_NOSPACE when the record does not fit. */
dns_err tsig_sign(uint8_t *msg, size_t len, size_t cap, const tsig_key *key, uint64_t now,
		  const uint8_t *req_mac, size_t req_maclen, uint16_t error,
		  const uint8_t *other, size_t otherlen, size_t *outlen, uint8_t *mac_out);

/* An unsigned error answer's TSIG (BADKEY, BADSIG: RFC 8945 5.2): the
 * request's key and algorithm names, no MAC. */
dns_err tsig_append_unsigned(uint8_t *msg, size_t len, size_t cap, const tsig_record *req,
			     uint64_t now, uint16_t error, size_t *outlen);

/* A transfer's messages (RFC 8945 5.3.1): the first is signed like any
 * response, each later one over the MAC before it, the unsigned
 * messages since, itself and the timers. */
typedef struct tsig_stream {
	const tsig_key *key;
	uint8_t prior[TSIG_MAC_MAX];
	size_t priorlen;
	bool first;
	unsigned unsigned_run;    /* unsigned messages since the last signed */
	void *pending;            /* the MAC in progress over them (verify) */
} tsig_stream;

/* Start with the request's MAC (the one the request was signed with). */
void tsig_stream_init(tsig_stream *s, const tsig_key *key, const uint8_t *req_mac,
		      size_t req_maclen);
void tsig_stream_free(tsig_stream *s);

/* Sign the next message of a transfer (every message is signed). */
dns_err tsig_stream_sign(tsig_stream *s, uint8_t *msg, size_t len, size_t cap, uint64_t now,
			 size_t *outlen);

/* Check the next message of a transfer: TSIG_NOERROR, or the error.  An
 * unsigned message is accepted (and kept in the MAC) unless it is the
 * first or more than TSIG_UNSIGNED_MAX follow one another (BADSIG). */
int tsig_stream_verify(tsig_stream *s, const uint8_t *msg, size_t len, uint64_t now);

/* Whether the last message verified was signed: a transfer must end on
 * a signed message. */
bool tsig_stream_ends_signed(const tsig_stream *s);

#endif
