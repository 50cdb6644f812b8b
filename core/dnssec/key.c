/* DNSSEC keys: DNSKEY public-key formats, key tags, DS, generation, the
 * BIND private-key text, and signing/verifying raw data with libcrypto. */
#include "key.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include "dns/encode.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "dns/wire.h"

/* ---- algorithms ---------------------------------------------------------- */

static const struct {
	uint8_t number;
	const char *name;
} alg_names[] = {
	{ 1, "RSAMD5" }, { 3, "DSA" }, { 5, "RSASHA1" },
	{ 6, "NSEC3DSA" }, { 7, "NSEC3RSASHA1" }, { 8, "RSASHA256" },
	{ 10, "RSASHA512" }, { 12, "ECCGOST" }, { 13, "ECDSAP256SHA256" },
	{ 14, "ECDSAP384SHA384" }, { 15, "ED25519" }, { 16, "ED448" },
};

bool dnssec_algorithm_supported(uint8_t alg)
{
	return alg == DNSSEC_ALG_RSASHA256 || alg == DNSSEC_ALG_ECDSAP256SHA256 ||
	       alg == DNSSEC_ALG_ED25519;
}

const char *dnssec_algorithm_name(uint8_t alg)
{
	for (size_t i = 0; i < sizeof alg_names / sizeof alg_names[0]; i++)
		if (alg_names[i].number == alg)
			return alg_names[i].name;
	return NULL;
}

dns_err dnssec_algorithm_from_text(const char *text, size_t len, uint8_t *alg)
{
	unsigned v = 0;
	bool digits = len > 0 && len <= 3;
	for (size_t i = 0; i < len && digits; i++) {
		if (text[i] < '0' || text[i] > '9')
			digits = false;
		else
			v = v * 10 + (unsigned)(text[i] - '0');
	}
	if (!digits) {
		v = 256;
		for (size_t i = 0; i < sizeof alg_names / sizeof alg_names[0]; i++)
			if (strlen(alg_names[i].name) == len &&
			    strncasecmp(alg_names[i].name, text, len) == 0)
				v = alg_names[i].number;
		if (v == 256)
			return DNS_E_SYNTAX;
	}
	if (v > 255 || !dnssec_algorithm_supported((uint8_t)v))
		return DNS_E_RANGE;
	*alg = (uint8_t)v;
	return DNS_OK;
}

/* ---- key tag and DS ------------------------------------------------------ */

uint16_t dnssec_key_tag(const uint8_t *dnskey, size_t len)
{
	if (len < 4)
		return 0;
	/* RSA/MD5 keys: the tag is the key's 16 bits before the last octet
	 * (RFC 4034 B.1). */
	if (dnskey[3] == 1)
		return len < 7 ? 0 : dns_get16(dnskey + len - 3);
	uint32_t ac = 0;
	for (size_t i = 0; i < len; i++)
		ac += (i & 1) ? dnskey[i] : (uint32_t)dnskey[i] << 8;
	ac += (ac >> 16) & 0xFFFF;
	return (uint16_t)(ac & 0xFFFF);
}

static const EVP_MD *digest_md(uint8_t digest_type)
{
	switch (digest_type) {
	case DNSSEC_DIGEST_SHA256: return EVP_sha256();
	case DNSSEC_DIGEST_SHA384: return EVP_sha384();
	}
	return NULL;
}

dns_err dnssec_ds_from_dnskey(const uint8_t *owner, const uint8_t *dnskey,
			      size_t len, uint8_t digest_type, uint8_t *out,
			      size_t outsz, size_t *outlen)
{
	const EVP_MD *md = digest_md(digest_type);
	if (md == NULL)
		return DNS_E_RANGE;
	if (len < 4)
		return DNS_E_FORMAT;
	size_t dlen = (size_t)EVP_MD_get_size(md);
	if (outsz < 4 + dlen)
		return DNS_E_NOSPACE;
	dns_name lower;
	dns_name_copy(&lower, owner);
	dns_name_to_lower(lower.data);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned got = 0;
	bool ok = ctx && EVP_DigestInit_ex(ctx, md, NULL) == 1 &&
		  EVP_DigestUpdate(ctx, lower.data, lower.len) == 1 &&
		  EVP_DigestUpdate(ctx, dnskey, len) == 1 &&
		  EVP_DigestFinal_ex(ctx, out + 4, &got) == 1 && got == dlen;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return DNS_E_NOMEM;
	dns_put16(out, dnssec_key_tag(dnskey, len));
	out[2] = dnskey[3];
	out[3] = digest_type;
	*outlen = 4 + dlen;
	return DNS_OK;
}

bool dnssec_ds_matches(const uint8_t *owner, const uint8_t *ds, size_t dslen,
		       const uint8_t *dnskey, size_t keylen)
{
	uint8_t mine[DNSSEC_DS_MAXLEN];
	size_t n;
	if (dslen < 4 || keylen < 4 || digest_md(ds[3]) == NULL)
		return false;
	if (dnssec_ds_from_dnskey(owner, dnskey, keylen, ds[3], mine, sizeof mine, &n))
		return false;
	return n == dslen && memcmp(mine, ds, n) == 0;
}

/* ---- public keys --------------------------------------------------------- */

static void key_reset(dnssec_key *k)
{
	memset(k, 0, sizeof *k);
}

void dnssec_key_free(dnssec_key *k)
{
	EVP_PKEY_free(k->pkey);
	k->pkey = NULL;
	k->has_private = false;
}

/* Build an EVP_PKEY of `type` ("RSA", "EC") from parameters. */
static EVP_PKEY *pkey_from_params(const char *type, OSSL_PARAM *params, int selection)
{
	EVP_PKEY *pkey = NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, selection, params) != 1)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

/* RFC 3110 section 2: exponent length (1 octet, or 0 and 2 octets),
 * exponent, modulus. */
static dns_err rsa_split(const uint8_t *p, size_t n, const uint8_t **e,
			 size_t *elen, const uint8_t **mod, size_t *modlen)
{
	size_t hdr = 1;
	if (n < 1)
		return DNS_E_RDLENGTH;
	*elen = p[0];
	if (*elen == 0) {
		if (n < 3)
			return DNS_E_RDLENGTH;
		*elen = dns_get16(p + 1);
		hdr = 3;
	}
	if (*elen == 0 || n - hdr <= *elen)
		return DNS_E_RDLENGTH;
	*e = p + hdr;
	*mod = p + hdr + *elen;
	*modlen = n - hdr - *elen;
	/* Leading zero octets would make the size lie; a modulus is odd. */
	if ((*mod)[0] == 0 || (*e)[0] == 0 || !((*mod)[*modlen - 1] & 1))
		return DNS_E_FORMAT;
	if (*modlen * 8 > DNSSEC_RSA_MAX_BITS || *modlen * 8 < DNSSEC_RSA_MIN_BITS ||
	    *elen > 16)
		return DNS_E_FORMAT;
	return DNS_OK;
}

static EVP_PKEY *rsa_public(const uint8_t *p, size_t n, dns_err *err)
{
	const uint8_t *e, *mod;
	size_t elen, modlen;
	*err = rsa_split(p, n, &e, &elen, &mod, &modlen);
	if (*err)
		return NULL;
	BIGNUM *bn_n = BN_bin2bn(mod, (int)modlen, NULL);
	BIGNUM *bn_e = BN_bin2bn(e, (int)elen, NULL);
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY *pkey = NULL;
	if (bn_n && bn_e && bld &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) == 1 &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) == 1 &&
	    (params = OSSL_PARAM_BLD_to_param(bld)) != NULL)
		pkey = pkey_from_params("RSA", params, EVP_PKEY_PUBLIC_KEY);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn_n);
	BN_free(bn_e);
	*err = pkey ? DNS_OK : DNS_E_FORMAT;
	return pkey;
}

/* P-256 from x||y (RFC 6605 4), optionally with the private scalar. */
static EVP_PKEY *ec_key(const uint8_t xy[64], const BIGNUM *priv)
{
	uint8_t point[65];
	point[0] = 4; /* uncompressed */
	memcpy(point + 1, xy, 64);
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY *pkey = NULL;
	if (bld &&
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) == 1 &&
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point) == 1 &&
	    (priv == NULL || OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv) == 1) &&
	    (params = OSSL_PARAM_BLD_to_param(bld)) != NULL)
		pkey = pkey_from_params("EC", params,
					priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	return pkey;
}

dns_err dnssec_key_from_dnskey(dnssec_key *k, const uint8_t *owner,
			       const uint8_t *rdata, size_t len)
{
	key_reset(k);
	if (len < 4)
		return DNS_E_RDLENGTH;
	if (len > sizeof k->rdata)
		return DNS_E_FORMAT;
	if (rdata[2] != 3 || !dnssec_algorithm_supported(rdata[3]))
		return DNS_E_RANGE;
	const uint8_t *pub = rdata + 4;
	size_t publen = len - 4;
	dns_err err = DNS_OK;
	EVP_PKEY *pkey = NULL;
	switch (rdata[3]) {
	case DNSSEC_ALG_RSASHA256:
		pkey = rsa_public(pub, publen, &err);
		break;
	case DNSSEC_ALG_ECDSAP256SHA256:
		if (publen != 64)
			return DNS_E_RDLENGTH;
		pkey = ec_key(pub, NULL);
		break;
	case DNSSEC_ALG_ED25519:
		if (publen != 32)
			return DNS_E_RDLENGTH;
		pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, 32);
		break;
	}
	if (pkey == NULL)
		return err ? err : DNS_E_FORMAT;
	dns_name_copy(&k->owner, owner);
	k->flags = dns_get16(rdata);
	k->algorithm = rdata[3];
	memcpy(k->rdata, rdata, len);
	k->rdlen = len;
	k->tag = dnssec_key_tag(rdata, len);
	k->pkey = pkey;
	return DNS_OK;
}

/* ---- generation and the public half of a private key --------------------- */

static size_t bn_bytes(const BIGNUM *bn)
{
	return (size_t)BN_num_bytes(bn);
}

/* Fill in k's DNSKEY RDATA from its pkey (which holds both halves). */
static dns_err set_public(dnssec_key *k)
{
	uint8_t *p = k->rdata + 4;
	size_t cap = sizeof k->rdata - 4, n = 0;
	dns_put16(k->rdata, k->flags);
	k->rdata[2] = 3;
	k->rdata[3] = k->algorithm;
	if (k->algorithm == DNSSEC_ALG_RSASHA256) {
		BIGNUM *bn_n = NULL, *bn_e = NULL;
		dns_err err = DNS_E_FORMAT;
		if (EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_RSA_N, &bn_n) == 1 &&
		    EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_RSA_E, &bn_e) == 1) {
			size_t el = bn_bytes(bn_e), ml = bn_bytes(bn_n);
			size_t hdr = el > 255 ? 3 : 1;
			if (el > 0 && el <= 16 && ml * 8 <= DNSSEC_RSA_MAX_BITS &&
			    hdr + el + ml <= cap) {
				if (hdr == 3) {
					p[0] = 0;
					dns_put16(p + 1, (uint16_t)el);
				} else {
					p[0] = (uint8_t)el;
				}
				BN_bn2bin(bn_e, p + hdr);
				BN_bn2bin(bn_n, p + hdr + el);
				n = hdr + el + ml;
				err = DNS_OK;
			}
		}
		BN_free(bn_n);
		BN_free(bn_e);
		if (err)
			return err;
	} else if (k->algorithm == DNSSEC_ALG_ECDSAP256SHA256) {
		uint8_t point[65];
		size_t plen = 0;
		if (EVP_PKEY_get_octet_string_param(k->pkey, OSSL_PKEY_PARAM_PUB_KEY, point,
						    sizeof point, &plen) != 1 ||
		    plen != 65 || point[0] != 4)
			return DNS_E_FORMAT;
		memcpy(p, point + 1, 64);
		n = 64;
	} else {
		n = 32;
		if (EVP_PKEY_get_raw_public_key(k->pkey, p, &n) != 1 || n != 32)
			return DNS_E_FORMAT;
	}
	k->rdlen = 4 + n;
	k->tag = dnssec_key_tag(k->rdata, k->rdlen);
	return DNS_OK;
}

dns_err dnssec_key_generate(dnssec_key *k, const uint8_t *owner, uint8_t alg,
			    uint16_t flags, unsigned bits)
{
	key_reset(k);
	EVP_PKEY *pkey = NULL;
	switch (alg) {
	case DNSSEC_ALG_RSASHA256:
		if (bits == 0)
			bits = 2048;
		if (bits < 1024 || bits > DNSSEC_RSA_MAX_BITS)
			return DNS_E_RANGE;
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
		break;
	case DNSSEC_ALG_ECDSAP256SHA256: {
		/* Uncompressed points so the public key reads back as x||y. */
		EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
		OSSL_PARAM params[3] = {
			OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
							 (char *)"prime256v1", 0),
			OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
							 (char *)"uncompressed", 0),
			OSSL_PARAM_construct_end(),
		};
		if (ctx == NULL || EVP_PKEY_keygen_init(ctx) != 1 ||
		    EVP_PKEY_CTX_set_params(ctx, params) != 1 ||
		    EVP_PKEY_generate(ctx, &pkey) != 1)
			pkey = NULL;
		EVP_PKEY_CTX_free(ctx);
		break;
	}
	case DNSSEC_ALG_ED25519:
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		break;
	default:
		return DNS_E_RANGE;
	}
	if (pkey == NULL)
		return DNS_E_NOMEM;
	dns_name_copy(&k->owner, owner);
	k->flags = flags;
	k->algorithm = alg;
	k->pkey = pkey;
	k->has_private = true;
	dns_err err = set_public(k);
	if (err)
		dnssec_key_free(k);
	return err;
}

/* ---- the private-key text ------------------------------------------------ */

/* RSA fields in BIND's order, with libcrypto's names for them. */
static const struct {
	const char *field;
	const char *param;
} rsa_fields[] = {
	{ "Modulus", OSSL_PKEY_PARAM_RSA_N },
	{ "PublicExponent", OSSL_PKEY_PARAM_RSA_E },
	{ "PrivateExponent", OSSL_PKEY_PARAM_RSA_D },
	{ "Prime1", OSSL_PKEY_PARAM_RSA_FACTOR1 },
	{ "Prime2", OSSL_PKEY_PARAM_RSA_FACTOR2 },
	{ "Exponent1", OSSL_PKEY_PARAM_RSA_EXPONENT1 },
	{ "Exponent2", OSSL_PKEY_PARAM_RSA_EXPONENT2 },
	{ "Coefficient", OSSL_PKEY_PARAM_RSA_COEFFICIENT1 },
};
#define RSA_FIELDS (sizeof rsa_fields / sizeof rsa_fields[0])

struct text_buf {
	char *out;
	size_t size, len;
	bool full;
};

static void tb_put(struct text_buf *t, const char *s, size_t n)
{
	if (t->full || t->size - t->len <= n) {
		t->full = true;
		return;
	}
	memcpy(t->out + t->len, s, n);
	t->len += n;
	t->out[t->len] = '\0';
}

static void tb_puts(struct text_buf *t, const char *s)
{
	tb_put(t, s, strlen(s));
}

static void tb_field_b64(struct text_buf *t, const char *field, const uint8_t *v, size_t n)
{
	char b64[DNSSEC_RSA_MAX_BITS / 8 * 2];
	size_t blen;
	tb_puts(t, field);
	tb_puts(t, ": ");
	if (dns_base64_encode(v, n, b64, sizeof b64, &blen) != DNS_OK) {
		t->full = true;
		return;
	}
	tb_put(t, b64, blen);
	tb_puts(t, "\n");
}

dns_err dnssec_key_private_to_text(const dnssec_key *k, uint32_t created,
				   char *out, size_t outsz, size_t *outlen)
{
	if (!k->has_private)
		return DNS_E_RANGE;
	if (outsz == 0)
		return DNS_E_NOSPACE;
	out[0] = '\0';
	struct text_buf t = { out, outsz, 0, false };
	char line[64];
	snprintf(line, sizeof line, "Private-key-format: v1.3\nAlgorithm: %u (%s)\n",
		 k->algorithm, dnssec_algorithm_name(k->algorithm));
	tb_puts(&t, line);
	uint8_t buf[DNSSEC_RSA_MAX_BITS / 8];
	if (k->algorithm == DNSSEC_ALG_RSASHA256) {
		for (size_t i = 0; i < RSA_FIELDS; i++) {
			BIGNUM *bn = NULL;
			if (EVP_PKEY_get_bn_param(k->pkey, rsa_fields[i].param, &bn) != 1 ||
			    bn_bytes(bn) > sizeof buf) {
				BN_free(bn);
				return DNS_E_FORMAT;
			}
			int n = BN_bn2bin(bn, buf);
			BN_free(bn);
			tb_field_b64(&t, rsa_fields[i].field, buf, (size_t)n);
		}
	} else if (k->algorithm == DNSSEC_ALG_ECDSAP256SHA256) {
		BIGNUM *bn = NULL;
		if (EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_PRIV_KEY, &bn) != 1 ||
		    BN_bn2binpad(bn, buf, 32) != 32) {
			BN_clear_free(bn);
			return DNS_E_FORMAT;
		}
		BN_clear_free(bn);
		tb_field_b64(&t, "PrivateKey", buf, 32);
	} else {
		size_t n = 32;
		if (EVP_PKEY_get_raw_private_key(k->pkey, buf, &n) != 1 || n != 32)
			return DNS_E_FORMAT;
		tb_field_b64(&t, "PrivateKey", buf, 32);
	}
	memset(buf, 0, sizeof buf);
	if (created) {
		char when[16];
		static const char *const fields[] = { "Created", "Publish", "Activate" };
		if (dns_time_to_text(created, when, sizeof when))
			return DNS_E_RANGE;
		for (int i = 0; i < 3; i++) {
			snprintf(line, sizeof line, "%s: %s\n", fields[i], when);
			tb_puts(&t, line);
		}
	}
	if (t.full)
		return DNS_E_NOSPACE;
	if (outlen)
		*outlen = t.len;
	return DNS_OK;
}

/* One "Field: value" line of private-key text, trimmed. */
struct kv {
	const char *key, *val;
	size_t klen, vlen;
};

static bool next_line(const char **p, const char *end, struct kv *kv)
{
	while (*p < end) {
		const char *line = *p, *nl = memchr(line, '\n', (size_t)(end - line));
		const char *eol = nl ? nl : end;
		*p = nl ? nl + 1 : end;
		const char *colon = memchr(line, ':', (size_t)(eol - line));
		if (colon == NULL)
			continue;
		const char *v = colon + 1, *ve = eol;
		while (v < ve && (*v == ' ' || *v == '\t'))
			v++;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t' || ve[-1] == '\r'))
			ve--;
		kv->key = line;
		kv->klen = (size_t)(colon - line);
		kv->val = v;
		kv->vlen = (size_t)(ve - v);
		return true;
	}
	return false;
}

static bool key_is(const struct kv *kv, const char *name)
{
	return kv->klen == strlen(name) && strncasecmp(kv->key, name, kv->klen) == 0;
}

/* The public point of a P-256 private scalar. */
static bool ec_public_of(const BIGNUM *priv, uint8_t xy[64])
{
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	EC_POINT *pt = g ? EC_POINT_new(g) : NULL;
	uint8_t buf[65];
	bool ok = pt && EC_POINT_mul(g, pt, priv, NULL, NULL, NULL) == 1 &&
		  EC_POINT_point2oct(g, pt, POINT_CONVERSION_UNCOMPRESSED, buf,
				     sizeof buf, NULL) == sizeof buf;
	if (ok)
		memcpy(xy, buf + 1, 64);
	EC_POINT_free(pt);
	EC_GROUP_free(g);
	return ok;
}

dns_err dnssec_key_from_private(dnssec_key *k, const uint8_t *owner,
				uint16_t flags, const char *text, size_t len)
{
	key_reset(k);
	const char *p = text, *end = text + len;
	struct kv kv;
	bool format = false;
	int alg = -1;
	uint8_t val[RSA_FIELDS][DNSSEC_RSA_MAX_BITS / 8];
	size_t vlen[RSA_FIELDS] = { 0 };
	uint8_t privkey[64];
	size_t privlen = 0;
	dns_err err = DNS_OK;

	while (!err && next_line(&p, end, &kv)) {
		if (key_is(&kv, "Private-key-format")) {
			format = kv.vlen == 4 && memcmp(kv.val, "v1.", 3) == 0 &&
				 kv.val[3] >= '2' && kv.val[3] <= '3';
			if (!format)
				err = DNS_E_SYNTAX;
		} else if (key_is(&kv, "Algorithm")) {
			size_t n = 0;
			while (n < kv.vlen && kv.val[n] >= '0' && kv.val[n] <= '9')
				n++;
			uint8_t a;
			err = dnssec_algorithm_from_text(kv.val, n, &a);
			alg = a;
		} else if (key_is(&kv, "PrivateKey")) {
			err = dns_base64_decode(kv.val, kv.vlen, privkey, sizeof privkey, &privlen);
		} else {
			for (size_t i = 0; i < RSA_FIELDS; i++)
				if (key_is(&kv, rsa_fields[i].field))
					err = dns_base64_decode(kv.val, kv.vlen, val[i],
								sizeof val[i], &vlen[i]);
		}
	}
	if (err)
		return err == DNS_E_RANGE ? err : DNS_E_SYNTAX;
	if (!format || alg < 0)
		return DNS_E_SYNTAX;

	EVP_PKEY *pkey = NULL;
	if (alg == DNSSEC_ALG_RSASHA256) {
		OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
		BIGNUM *bn[RSA_FIELDS] = { 0 };
		bool ok = bld != NULL;
		for (size_t i = 0; i < RSA_FIELDS; i++) {
			if (vlen[i] == 0) {
				OSSL_PARAM_BLD_free(bld);
				for (size_t j = 0; j < i; j++)
					BN_clear_free(bn[j]);
				return DNS_E_SYNTAX;
			}
			bn[i] = BN_bin2bn(val[i], (int)vlen[i], NULL);
			ok = ok && bn[i] &&
			     OSSL_PARAM_BLD_push_BN(bld, rsa_fields[i].param, bn[i]) == 1;
		}
		OSSL_PARAM *params = ok ? OSSL_PARAM_BLD_to_param(bld) : NULL;
		if (params)
			pkey = pkey_from_params("RSA", params, EVP_PKEY_KEYPAIR);
		OSSL_PARAM_free(params);
		OSSL_PARAM_BLD_free(bld);
		for (size_t i = 0; i < RSA_FIELDS; i++)
			BN_clear_free(bn[i]);
		if (vlen[0] * 8 > DNSSEC_RSA_MAX_BITS) {
			EVP_PKEY_free(pkey);
			return DNS_E_FORMAT;
		}
	} else if (alg == DNSSEC_ALG_ECDSAP256SHA256) {
		if (privlen != 32)
			return DNS_E_SYNTAX;
		BIGNUM *priv = BN_bin2bn(privkey, 32, NULL);
		uint8_t xy[64];
		if (priv && ec_public_of(priv, xy))
			pkey = ec_key(xy, priv);
		BN_clear_free(priv);
	} else {
		if (privlen != 32)
			return DNS_E_SYNTAX;
		pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, privkey, 32);
	}
	memset(val, 0, sizeof val);
	memset(privkey, 0, sizeof privkey);
	if (pkey == NULL)
		return DNS_E_FORMAT;
	dns_name_copy(&k->owner, owner);
	k->flags = flags;
	k->algorithm = (uint8_t)alg;
	k->pkey = pkey;
	k->has_private = true;
	err = set_public(k);
	if (err)
		dnssec_key_free(k);
	return err;
}

dns_err dnssec_key_public_to_text(const dnssec_key *k, uint32_t ttl,
				  char *out, size_t outsz, size_t *outlen)
{
	char owner[DNS_NAME_MAXTEXT], rd[DNSSEC_DNSKEY_MAXLEN * 2];
	dns_err err = dns_name_to_text(k->owner.data, owner, sizeof owner, NULL);
	if (!err)
		err = dns_rdata_to_text(DNS_T_DNSKEY, k->rdata, k->rdlen, rd, sizeof rd, NULL);
	if (err)
		return err;
	char ttls[16] = "";
	if (ttl)
		snprintf(ttls, sizeof ttls, "%u ", ttl);
	int n = snprintf(out, outsz, "%s %sIN DNSKEY %s\n", owner, ttls, rd);
	if (n < 0 || (size_t)n >= outsz)
		return DNS_E_NOSPACE;
	if (outlen)
		*outlen = (size_t)n;
	return DNS_OK;
}

dns_err dnssec_key_file_base(const dnssec_key *k, char *out, size_t outsz)
{
	dns_name lower;
	char owner[DNS_NAME_MAXTEXT];
	dns_name_copy(&lower, k->owner.data);
	dns_name_to_lower(lower.data);
	dns_err err = dns_name_to_text(lower.data, owner, sizeof owner, NULL);
	if (err)
		return err;
	int n = snprintf(out, outsz, "K%s+%03u+%05u", owner, k->algorithm, k->tag);
	return n < 0 || (size_t)n >= outsz ? DNS_E_NOSPACE : DNS_OK;
}

/* ---- signing and verifying ----------------------------------------------- */

static const EVP_MD *alg_md(uint8_t alg)
{
	/* Ed25519 hashes inside the signature scheme: no digest here. */
	return alg == DNSSEC_ALG_ED25519 ? NULL : EVP_sha256();
}

dns_err dnssec_key_sign_data(const dnssec_key *k, const uint8_t *data,
			     size_t len, uint8_t *sig, size_t sigsz,
			     size_t *siglen)
{
	if (!k->has_private || k->pkey == NULL)
		return DNS_E_RANGE;
	size_t need = (size_t)EVP_PKEY_get_size(k->pkey);
	uint8_t der[DNSSEC_SIG_MAXLEN + 16];
	if (need > sizeof der)
		return DNS_E_FORMAT;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t n = sizeof der;
	bool ok = ctx && EVP_DigestSignInit_ex(ctx, NULL,
					       alg_md(k->algorithm) ? "SHA256" : NULL,
					       NULL, NULL, k->pkey, NULL) == 1 &&
		  EVP_DigestSign(ctx, der, &n, data, len) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return DNS_E_FORMAT;
	if (k->algorithm != DNSSEC_ALG_ECDSAP256SHA256) {
		if (sigsz < n)
			return DNS_E_NOSPACE;
		memcpy(sig, der, n);
		*siglen = n;
		return DNS_OK;
	}
	/* libcrypto gives ECDSA as DER; DNSSEC wants r and s, 32 octets each. */
	if (sigsz < 64)
		return DNS_E_NOSPACE;
	const unsigned char *dp = der;
	ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &dp, (long)n);
	if (es == NULL)
		return DNS_E_FORMAT;
	ok = BN_bn2binpad(ECDSA_SIG_get0_r(es), sig, 32) == 32 &&
	     BN_bn2binpad(ECDSA_SIG_get0_s(es), sig + 32, 32) == 32;
	ECDSA_SIG_free(es);
	if (!ok)
		return DNS_E_FORMAT;
	*siglen = 64;
	return DNS_OK;
}

bool dnssec_key_verify_data(const dnssec_key *k, const uint8_t *data,
			    size_t len, const uint8_t *sig, size_t siglen)
{
	if (k->pkey == NULL)
		return false;
	uint8_t der[80];
	const uint8_t *s = sig;
	size_t slen = siglen;
	if (k->algorithm == DNSSEC_ALG_ECDSAP256SHA256) {
		if (siglen != 64)
			return false;
		ECDSA_SIG *es = ECDSA_SIG_new();
		BIGNUM *r = BN_bin2bn(sig, 32, NULL), *ss = BN_bin2bn(sig + 32, 32, NULL);
		if (es == NULL || r == NULL || ss == NULL || ECDSA_SIG_set0(es, r, ss) != 1) {
			BN_free(r);
			BN_free(ss);
			ECDSA_SIG_free(es);
			return false;
		}
		unsigned char *dp = der;
		int n = i2d_ECDSA_SIG(es, NULL);
		if (n <= 0 || (size_t)n > sizeof der || i2d_ECDSA_SIG(es, &dp) != n) {
			ECDSA_SIG_free(es);
			return false;
		}
		ECDSA_SIG_free(es);
		s = der;
		slen = (size_t)n;
	} else if (k->algorithm == DNSSEC_ALG_ED25519 && siglen != 64) {
		return false;
	} else if (k->algorithm == DNSSEC_ALG_RSASHA256 &&
		   siglen != (size_t)EVP_PKEY_get_size(k->pkey)) {
		return false;
	}
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok = ctx && EVP_DigestVerifyInit_ex(ctx, NULL,
						 alg_md(k->algorithm) ? "SHA256" : NULL,
						 NULL, NULL, k->pkey, NULL) == 1 &&
		  EVP_DigestVerify(ctx, s, slen, data, len) == 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}
