/* TSIG (RFC 8945): finding, checking and adding transaction signatures. */
#include "tsig.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "dns/encode.h"
#include "dns/msg.h"
#include "dns/wire.h"

static const struct {
	const char *name;     /* as BIND names it, and the RDATA's name */
	const char *digest;   /* libcrypto's */
	size_t maclen;
} algs[] = {
	[TSIG_HMAC_SHA1] = { "hmac-sha1", "SHA1", 20 },
	[TSIG_HMAC_SHA224] = { "hmac-sha224", "SHA224", 28 },
	[TSIG_HMAC_SHA256] = { "hmac-sha256", "SHA256", 32 },
	[TSIG_HMAC_SHA384] = { "hmac-sha384", "SHA384", 48 },
	[TSIG_HMAC_SHA512] = { "hmac-sha512", "SHA512", 64 },
};
#define NALGS (sizeof algs / sizeof algs[0])

bool tsig_alg_from_text(const char *text, tsig_alg *alg)
{
	size_t len = strlen(text);
	if (len > 0 && text[len - 1] == '.')
		len--;
	for (size_t i = 0; i < NALGS; i++)
		if (strlen(algs[i].name) == len && strncasecmp(text, algs[i].name, len) == 0) {
			*alg = (tsig_alg)i;
			return true;
		}
	return false;
}

const char *tsig_alg_name(tsig_alg alg)
{
	return algs[alg].name;
}

size_t tsig_alg_maclen(tsig_alg alg)
{
	return algs[alg].maclen;
}

/* The algorithm's name in wire form. */
static void alg_wire(tsig_alg alg, dns_name *out)
{
	(void)dns_name_from_text(out, algs[alg].name, strlen(algs[alg].name), dns_name_root);
}

bool tsig_key_init(tsig_key *k, const char *name, const char *alg, const char *secret,
		   char *err, size_t errsz)
{
	memset(k, 0, sizeof *k);
	if (dns_name_from_text(&k->name, name, strlen(name), dns_name_root) != DNS_OK) {
		snprintf(err, errsz, "\"%s\" is not a key name", name);
		return false;
	}
	dns_name_to_lower(k->name.data);
	if (!tsig_alg_from_text(alg, &k->alg)) {
		snprintf(err, errsz, "\"%s\" is no TSIG algorithm (hmac-sha1, hmac-sha224, "
			 "hmac-sha256, hmac-sha384, hmac-sha512)", alg);
		return false;
	}
	if (dns_base64_decode(secret, strlen(secret), k->secret, sizeof k->secret,
			      &k->secretlen) != DNS_OK || k->secretlen == 0) {
		snprintf(err, errsz, "the secret of key %s is not base64 (at most %d octets)", name,
			 TSIG_SECRET_MAX);
		return false;
	}
	return true;
}

/* ---- finding -------------------------------------------------------------- */

static bool skip_name(const uint8_t *msg, size_t len, size_t *pos, dns_name *out)
{
	dns_name tmp;
	return dns_name_unpack(msg, len, pos, out ? out : &tmp) == DNS_OK;
}

static bool parse_rdata(const uint8_t *msg, size_t pos, size_t end, tsig_record *rec)
{
	if (!skip_name(msg, end, &pos, &rec->alg) || end - pos < 10)
		return false;
	const uint8_t *p = msg + pos;
	rec->time = (uint64_t)dns_get16(p) << 32 | dns_get32(p + 2);
	rec->fudge = dns_get16(p + 6);
	rec->maclen = dns_get16(p + 8);
	pos += 10;
	if (rec->maclen > TSIG_MAC_MAX || end - pos < (size_t)rec->maclen + 6)
		return false;
	memcpy(rec->mac, msg + pos, rec->maclen);
	pos += rec->maclen;
	p = msg + pos;
	rec->orig_id = dns_get16(p);
	rec->error = dns_get16(p + 2);
	rec->otherlen = dns_get16(p + 4);
	pos += 6;
	if (rec->otherlen > sizeof rec->other || end - pos != rec->otherlen)
		return false;
	memcpy(rec->other, msg + pos, rec->otherlen);
	dns_name_to_lower(rec->alg.data);
	return true;
}

int tsig_find(const uint8_t *msg, size_t len, tsig_record *rec)
{
	if (len < DNS_HEADER_LEN)
		return -1;
	size_t pos = DNS_HEADER_LEN;
	unsigned counts[4];
	for (int i = 0; i < 4; i++)
		counts[i] = dns_get16(msg + 4 + 2 * i);
	for (unsigned i = 0; i < counts[0]; i++) {
		if (!skip_name(msg, len, &pos, NULL) || len - pos < 4)
			return -1;
		pos += 4;
	}
	unsigned total = counts[1] + counts[2] + counts[3], seen = 0;
	int found = 0;
	for (unsigned i = 0; i < total; i++) {
		size_t start = pos;
		dns_name owner;
		if (!skip_name(msg, len, &pos, &owner) || len - pos < 10)
			return -1;
		uint16_t type = dns_get16(msg + pos);
		uint16_t rclass = dns_get16(msg + pos + 2);
		uint32_t ttl = dns_get32(msg + pos + 4);
		size_t rdlen = dns_get16(msg + pos + 8);
		pos += 10;
		if (len - pos < rdlen)
			return -1;
		if (type == DNS_T_TSIG) {
			/* Only as the very last record (RFC 8945 5.1). */
			if (found || i != total - 1 || counts[3] == 0 || rclass != DNS_C_ANY ||
			    ttl != 0)
				return -1;
			memset(rec, 0, sizeof *rec);
			rec->start = start;
			rec->key = owner;
			dns_name_to_lower(rec->key.data);
			if (!parse_rdata(msg, pos, pos + rdlen, rec))
				return -1;
			found = 1;
		}
		pos += rdlen;
		seen++;
	}
	if (pos != len)
		return -1;
	return found;
}

const tsig_key *tsig_key_lookup(const tsig_key *keys, size_t n, const tsig_record *rec)
{
	for (size_t i = 0; i < n; i++)
		if (dns_name_equal(keys[i].name.data, rec->key.data))
			return &keys[i];
	return NULL;
}

/* ---- the MAC -------------------------------------------------------------- */

static EVP_MAC_CTX *mac_start(const tsig_key *k)
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (mac == NULL)
		return NULL;
	EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);
	if (ctx == NULL)
		return NULL;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						 (char *)algs[k->alg].digest, 0),
		OSSL_PARAM_construct_end(),
	};
	if (!EVP_MAC_init(ctx, k->secret, k->secretlen, params)) {
		EVP_MAC_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

static void mac_add(EVP_MAC_CTX *ctx, const uint8_t *p, size_t n)
{
	if (n)
		(void)EVP_MAC_update(ctx, p, n);
}

/* A MAC's length and the MAC: what a response or a later message of a
 * transfer starts from. */
static void mac_add_prior(EVP_MAC_CTX *ctx, const uint8_t *mac, size_t len)
{
	uint8_t l[2];
	dns_put16(l, (uint16_t)len);
	mac_add(ctx, l, 2);
	mac_add(ctx, mac, len);
}

/* The message as it was before its TSIG was added: the original ID, one
 * record fewer, the TSIG itself left out. */
static void mac_add_unsigned(EVP_MAC_CTX *ctx, const uint8_t *msg, const tsig_record *rec)
{
	uint8_t h[DNS_HEADER_LEN];
	memcpy(h, msg, sizeof h);
	dns_put16(h, rec->orig_id);
	dns_put16(h + 10, (uint16_t)(dns_get16(h + 10) - 1));
	mac_add(ctx, h, sizeof h);
	mac_add(ctx, msg + DNS_HEADER_LEN, rec->start - DNS_HEADER_LEN);
}

static void put48(uint8_t *p, uint64_t v)
{
	dns_put16(p, (uint16_t)(v >> 32));
	dns_put32(p + 2, (uint32_t)v);
}

/* The TSIG variables (RFC 8945 4.3.3), all of them or only the timers. */
static void mac_add_vars(EVP_MAC_CTX *ctx, const uint8_t *key, const uint8_t *alg,
			 uint64_t time, uint16_t fudge, uint16_t error, const uint8_t *other,
			 size_t otherlen, bool timers_only)
{
	uint8_t b[16];
	if (!timers_only) {
		dns_name k, a;
		dns_name_copy(&k, key);
		dns_name_copy(&a, alg);
		dns_name_to_lower(k.data);
		dns_name_to_lower(a.data);
		mac_add(ctx, k.data, k.len);
		dns_put16(b, DNS_C_ANY);
		dns_put32(b + 2, 0);
		mac_add(ctx, b, 6);
		mac_add(ctx, a.data, a.len);
	}
	put48(b, time);
	dns_put16(b + 6, fudge);
	if (timers_only) {
		mac_add(ctx, b, 8);
		return;
	}
	dns_put16(b + 8, error);
	dns_put16(b + 10, (uint16_t)otherlen);
	mac_add(ctx, b, 12);
	mac_add(ctx, other, otherlen);
}

static size_t mac_finish(EVP_MAC_CTX *ctx, uint8_t *out)
{
	size_t n = 0;
	if (!EVP_MAC_final(ctx, out, &n, TSIG_MAC_MAX))
		n = 0;
	EVP_MAC_CTX_free(ctx);
	return n;
}

/* Compare a received MAC (maybe truncated, RFC 8945 5.2.2.1) with ours. */
static int mac_check(const tsig_key *key, const tsig_record *rec, const uint8_t *ours,
		     size_t ourlen)
{
	size_t full = algs[key->alg].maclen;
	size_t least = full / 2 > 10 ? full / 2 : 10;
	if (ourlen != full || rec->maclen > full || rec->maclen < least)
		return TSIG_BADSIG;
	return CRYPTO_memcmp(ours, rec->mac, rec->maclen) == 0 ? TSIG_NOERROR : TSIG_BADSIG;
}

static int time_check(const tsig_record *rec, uint64_t now)
{
	uint64_t skew = now > rec->time ? now - rec->time : rec->time - now;
	return skew > rec->fudge ? TSIG_BADTIME : TSIG_NOERROR;
}

static bool key_matches(const tsig_key *key, const tsig_record *rec)
{
	dns_name a;
	alg_wire(key->alg, &a);
	return dns_name_equal(key->name.data, rec->key.data) && dns_name_equal(a.data, rec->alg.data);
}

int tsig_verify(const uint8_t *msg, size_t len, const tsig_record *rec, const tsig_key *key,
		uint64_t now, const uint8_t *req_mac, size_t req_maclen)
{
	(void)len;
	if (key == NULL || !key_matches(key, rec))
		return TSIG_BADKEY;
	EVP_MAC_CTX *ctx = mac_start(key);
	if (ctx == NULL)
		return TSIG_BADSIG;
	if (req_mac)
		mac_add_prior(ctx, req_mac, req_maclen);
	mac_add_unsigned(ctx, msg, rec);
	mac_add_vars(ctx, rec->key.data, rec->alg.data, rec->time, rec->fudge, rec->error,
		     rec->other, rec->otherlen, false);
	uint8_t ours[TSIG_MAC_MAX];
	size_t n = mac_finish(ctx, ours);
	int e = mac_check(key, rec, ours, n);
	return e ? e : time_check(rec, now);
}

/* ---- signing -------------------------------------------------------------- */

/* Write the TSIG record at msg+len and raise ARCOUNT. */
static dns_err append_record(uint8_t *msg, size_t len, size_t cap, const uint8_t *owner,
			     const uint8_t *alg, uint64_t time, const uint8_t *mac, size_t maclen,
			     uint16_t error, const uint8_t *other, size_t otherlen, size_t *outlen)
{
	size_t olen = dns_name_length(owner), alen = dns_name_length(alg);
	size_t rdlen = alen + 10 + maclen + 6 + otherlen;
	size_t need = olen + 10 + rdlen;
	if (len < DNS_HEADER_LEN || cap < len || cap - len < need)
		return DNS_E_NOSPACE;
	uint8_t *p = msg + len;
	memcpy(p, owner, olen);
	p += olen;
	dns_put16(p, DNS_T_TSIG);
	dns_put16(p + 2, DNS_C_ANY);
	dns_put32(p + 4, 0);
	dns_put16(p + 8, (uint16_t)rdlen);
	p += 10;
	memcpy(p, alg, alen);
	p += alen;
	put48(p, time);
	dns_put16(p + 6, TSIG_FUDGE);
	dns_put16(p + 8, (uint16_t)maclen);
	p += 10;
	if (maclen)
		memcpy(p, mac, maclen);
	p += maclen;
	dns_put16(p, dns_get16(msg));      /* the original ID */
	dns_put16(p + 2, error);
	dns_put16(p + 4, (uint16_t)otherlen);
	p += 6;
	if (otherlen)
		memcpy(p, other, otherlen);
	dns_put16(msg + 10, (uint16_t)(dns_get16(msg + 10) + 1));
	*outlen = len + need;
	return DNS_OK;
}

dns_err tsig_sign(uint8_t *msg, size_t len, size_t cap, const tsig_key *key, uint64_t now,
		  const uint8_t *req_mac, size_t req_maclen, uint16_t error,
		  const uint8_t *other, size_t otherlen, size_t *outlen, uint8_t *mac_out)
{
	if (len < DNS_HEADER_LEN || otherlen > 6)
		return DNS_E_FORMAT;
	dns_name alg;
	alg_wire(key->alg, &alg);
	EVP_MAC_CTX *ctx = mac_start(key);
	if (ctx == NULL)
		return DNS_E_NOMEM;
	if (req_mac)
		mac_add_prior(ctx, req_mac, req_maclen);
	mac_add(ctx, msg, len);
	mac_add_vars(ctx, key->name.data, alg.data, now, TSIG_FUDGE, error, other, otherlen, false);
	uint8_t mac[TSIG_MAC_MAX];
	size_t maclen = mac_finish(ctx, mac);
	if (maclen == 0)
		return DNS_E_NOMEM;
	if (mac_out)
		memcpy(mac_out, mac, maclen);
	return append_record(msg, len, cap, key->name.data, alg.data, now, mac, maclen, error,
			     other, otherlen, outlen);
}

dns_err tsig_append_unsigned(uint8_t *msg, size_t len, size_t cap, const tsig_record *req,
			     uint64_t now, uint16_t error, size_t *outlen)
{
	return append_record(msg, len, cap, req->key.data, req->alg.data, now, NULL, 0, error,
			     NULL, 0, outlen);
}

/* ---- transfers ------------------------------------------------------------ */

void tsig_stream_init(tsig_stream *s, const tsig_key *key, const uint8_t *req_mac,
		      size_t req_maclen)
{
	memset(s, 0, sizeof *s);
	s->key = key;
	s->first = true;
	if (req_maclen > TSIG_MAC_MAX)
		req_maclen = TSIG_MAC_MAX;
	if (req_maclen)
		memcpy(s->prior, req_mac, req_maclen);
	s->priorlen = req_maclen;
}

void tsig_stream_free(tsig_stream *s)
{
	EVP_MAC_CTX_free(s->pending);
	s->pending = NULL;
}

dns_err tsig_stream_sign(tsig_stream *s, uint8_t *msg, size_t len, size_t cap, uint64_t now,
			 size_t *outlen)
{
	if (s->first) {
		s->first = false;
		uint8_t mac[TSIG_MAC_MAX];
		dns_err e = tsig_sign(msg, len, cap, s->key, now, s->prior, s->priorlen, 0, NULL, 0,
				      outlen, mac);
		if (e == DNS_OK) {
			s->priorlen = algs[s->key->alg].maclen;
			memcpy(s->prior, mac, s->priorlen);
		}
		return e;
	}
	dns_name alg;
	alg_wire(s->key->alg, &alg);
	EVP_MAC_CTX *ctx = mac_start(s->key);
	if (ctx == NULL)
		return DNS_E_NOMEM;
	mac_add_prior(ctx, s->prior, s->priorlen);
	mac_add(ctx, msg, len);
	mac_add_vars(ctx, NULL, NULL, now, TSIG_FUDGE, 0, NULL, 0, true);
	uint8_t mac[TSIG_MAC_MAX];
	size_t maclen = mac_finish(ctx, mac);
	if (maclen == 0)
		return DNS_E_NOMEM;
	dns_err e = append_record(msg, len, cap, s->key->name.data, alg.data, now, mac, maclen, 0,
				  NULL, 0, outlen);
	if (e == DNS_OK) {
		memcpy(s->prior, mac, maclen);
		s->priorlen = maclen;
	}
	return e;
}

int tsig_stream_verify(tsig_stream *s, const uint8_t *msg, size_t len, uint64_t now)
{
	tsig_record rec;
	int found = tsig_find(msg, len, &rec);
	if (found < 0)
		return TSIG_BADSIG;
	if (found == 0 && (s->first || s->unsigned_run >= TSIG_UNSIGNED_MAX))
		return TSIG_BADSIG;
	if (found && !key_matches(s->key, &rec))
		return TSIG_BADKEY;
	if (s->pending == NULL) {
		if ((s->pending = mac_start(s->key)) == NULL)
			return TSIG_BADSIG;
		mac_add_prior(s->pending, s->prior, s->priorlen);
	}
	if (!found) {
		mac_add(s->pending, msg, len);
		s->unsigned_run++;
		return TSIG_NOERROR;
	}
	mac_add_unsigned(s->pending, msg, &rec);
	mac_add_vars(s->pending, rec.key.data, rec.alg.data, rec.time, rec.fudge, rec.error,
		     rec.other, rec.otherlen, !s->first);
	uint8_t ours[TSIG_MAC_MAX];
	size_t n = mac_finish(s->pending, ours);
	s->pending = NULL;
	int e = mac_check(s->key, &rec, ours, n);
	if (e == TSIG_NOERROR)
		e = time_check(&rec, now);
	if (e)
		return e;
	s->first = false;
	s->unsigned_run = 0;
	memcpy(s->prior, rec.mac, rec.maclen);
	s->priorlen = rec.maclen;
	return TSIG_NOERROR;
}

bool tsig_stream_ends_signed(const tsig_stream *s)
{
	return !s->first && s->unsigned_run == 0;
}
