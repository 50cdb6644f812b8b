/* RRSIG: the canonical RRset, signing, and validation with limits. */
#include "rrsig.h"

#include <stdlib.h>
#include <string.h>

#include "dns/rdata.h"
#include "dns/serial.h"
#include "dns/wire.h"

dns_err dnssec_rrsig_parse(const uint8_t *rd, size_t len, dnssec_rrsig *out)
{
	if (len < DNSSEC_RRSIG_FIXED + 1)
		return DNS_E_RDLENGTH;
	size_t nlen;
	dns_err err = dns_name_check(rd + DNSSEC_RRSIG_FIXED, len - DNSSEC_RRSIG_FIXED, &nlen);
	if (err)
		return err == DNS_E_TRUNCATED ? DNS_E_RDLENGTH : err;
	if (DNSSEC_RRSIG_FIXED + nlen >= len)
		return DNS_E_FORMAT;
	out->type_covered = dns_get16(rd);
	out->algorithm = rd[2];
	out->labels = rd[3];
	out->original_ttl = dns_get32(rd + 4);
	out->expiration = dns_get32(rd + 8);
	out->inception = dns_get32(rd + 12);
	out->key_tag = dns_get16(rd + 16);
	out->signer = rd + DNSSEC_RRSIG_FIXED;
	out->signature = rd + DNSSEC_RRSIG_FIXED + nlen;
	out->siglen = len - DNSSEC_RRSIG_FIXED - nlen;
	return DNS_OK;
}

uint8_t dnssec_owner_labels(const uint8_t *owner)
{
	unsigned n = dns_name_labels(owner);
	if (n > 0 && owner[0] == 1 && owner[1] == '*')
		n--;
	return (uint8_t)n;
}

/* One record's canonical RDATA, for sorting. */
struct canon_rd {
	const uint8_t *rd;
	uint16_t len;
};

static int canon_cmp(const void *pa, const void *pb)
{
	const struct canon_rd *a = pa, *b = pb;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->rd, b->rd, n);
	if (c)
		return c;
	return (int)a->len - (int)b->len;
}

dns_err dnssec_rrset_canonical(const dns_rr *rrs, size_t n, uint32_t original_ttl,
			       uint8_t labels, uint8_t **out, size_t *outlen)
{
	if (n == 0)
		return DNS_E_FORMAT;
	unsigned owner_labels = dns_name_labels(rrs[0].owner);
	if (labels > owner_labels)
		return DNS_E_RANGE;
	dns_name owner;
	if (labels < owner_labels) {
		static const uint8_t star[] = { 1, '*', 0 };
		const uint8_t *tail = dns_name_skip_labels(rrs[0].owner, owner_labels - labels);
		dns_err err = dns_name_join(&owner, star, 1, tail);
		if (err)
			return err;
	} else {
		dns_name_copy(&owner, rrs[0].owner);
	}
	dns_name_to_lower(owner.data);

	size_t rdtotal = 0;
	for (size_t i = 0; i < n; i++) {
		if (rrs[i].type != rrs[0].type || rrs[i].rclass != rrs[0].rclass ||
		    !dns_name_equal(rrs[i].owner, rrs[0].owner))
			return DNS_E_FORMAT;
		rdtotal += rrs[i].rdlen;
	}
	uint8_t *rdbuf = malloc(rdtotal ? rdtotal : 1);
	struct canon_rd *idx = malloc(n * sizeof *idx);
	/* Each record: owner, 10 octets of type/class/TTL/RDLENGTH, RDATA. */
	size_t cap = n * (owner.len + 10) + rdtotal;
	uint8_t *buf = malloc(cap);
	if (rdbuf == NULL || idx == NULL || buf == NULL) {
		free(rdbuf);
		free(idx);
		free(buf);
		return DNS_E_NOMEM;
	}
	size_t off = 0;
	for (size_t i = 0; i < n; i++) {
		memcpy(rdbuf + off, rrs[i].rdata, rrs[i].rdlen);
		dns_rdata_canonicalize(rrs[i].type, rdbuf + off, rrs[i].rdlen);
		idx[i].rd = rdbuf + off;
		idx[i].len = rrs[i].rdlen;
		off += rrs[i].rdlen;
	}
	qsort(idx, n, sizeof *idx, canon_cmp);
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && canon_cmp(&idx[i - 1], &idx[i]) == 0)
			continue;
		memcpy(buf + len, owner.data, owner.len);
		len += owner.len;
		dns_put16(buf + len, rrs[0].type);
		dns_put16(buf + len + 2, rrs[0].rclass);
		dns_put32(buf + len + 4, original_ttl);
		dns_put16(buf + len + 8, idx[i].len);
		len += 10;
		memcpy(buf + len, idx[i].rd, idx[i].len);
		len += idx[i].len;
	}
	free(rdbuf);
	free(idx);
	*out = buf;
	*outlen = len;
	return DNS_OK;
}

/* The data a signature covers: the RRSIG RDATA up to the signature (the
 * signer lowercased) followed by the canonical RRset. */
static dns_err signed_data(const uint8_t *head, size_t headlen, const dns_rr *rrs,
			   size_t n, uint32_t original_ttl, uint8_t labels,
			   uint8_t **out, size_t *outlen)
{
	uint8_t *set;
	size_t setlen;
	dns_err err = dnssec_rrset_canonical(rrs, n, original_ttl, labels, &set, &setlen);
	if (err)
		return err;
	uint8_t *buf = malloc(headlen + setlen);
	if (buf == NULL) {
		free(set);
		return DNS_E_NOMEM;
	}
	memcpy(buf, head, headlen);
	dns_name_to_lower(buf + DNSSEC_RRSIG_FIXED);
	memcpy(buf + headlen, set, setlen);
	free(set);
	*out = buf;
	*outlen = headlen + setlen;
	return DNS_OK;
}

dns_err dnssec_sign_rrset(const dnssec_key *k, const dns_rr *rrs, size_t n,
			  uint32_t inception, uint32_t expiration, uint8_t *out,
			  size_t outsz, size_t *outlen)
{
	if (n == 0)
		return DNS_E_FORMAT;
	size_t headlen = DNSSEC_RRSIG_FIXED + k->owner.len;
	if (outsz < headlen)
		return DNS_E_NOSPACE;
	uint8_t labels = dnssec_owner_labels(rrs[0].owner);
	dns_put16(out, rrs[0].type);
	out[2] = k->algorithm;
	out[3] = labels;
	dns_put32(out + 4, rrs[0].ttl);
	dns_put32(out + 8, expiration);
	dns_put32(out + 12, inception);
	dns_put16(out + 16, k->tag);
	memcpy(out + DNSSEC_RRSIG_FIXED, k->owner.data, k->owner.len);
	uint8_t *data;
	size_t dlen, slen = 0;
	dns_err err = signed_data(out, headlen, rrs, n, rrs[0].ttl, labels, &data, &dlen);
	if (err)
		return err;
	err = dnssec_key_sign_data(k, data, dlen, out + headlen, outsz - headlen, &slen);
	free(data);
	if (err)
		return err;
	*outlen = headlen + slen;
	return DNS_OK;
}

const char *dnssec_sig_status_text(dnssec_sig_status s)
{
	switch (s) {
	case DNSSEC_SIG_VALID: return "valid";
	case DNSSEC_SIG_MALFORMED: return "malformed RRSIG";
	case DNSSEC_SIG_WRONG_TYPE: return "RRSIG covers another type";
	case DNSSEC_SIG_BAD_LABELS: return "RRSIG labels exceed the owner's";
	case DNSSEC_SIG_BAD_SIGNER: return "signer is not the owner or an ancestor";
	case DNSSEC_SIG_NOT_YET_VALID: return "signature not yet valid";
	case DNSSEC_SIG_EXPIRED: return "signature expired";
	case DNSSEC_SIG_NO_KEY: return "no matching DNSKEY";
	case DNSSEC_SIG_UNSUPPORTED: return "unsupported algorithm";
	case DNSSEC_SIG_BOGUS: return "signature does not verify";
	case DNSSEC_SIG_BUDGET: return "too many signatures to check";
	case DNSSEC_SIG_NONE: return "no RRSIG";
	}
	return "unknown status";
}

/* The checks that need no key: RDATA, type, labels, signer, time. */
static dnssec_sig_status precheck(const dns_rr *rrs, const dns_rr *sig, uint32_t now,
				  dnssec_rrsig *rs)
{
	if (sig->type != DNS_T_RRSIG || dnssec_rrsig_parse(sig->rdata, sig->rdlen, rs))
		return DNSSEC_SIG_MALFORMED;
	if (rs->type_covered != rrs[0].type || sig->rclass != rrs[0].rclass ||
	    !dns_name_equal(sig->owner, rrs[0].owner))
		return DNSSEC_SIG_WRONG_TYPE;
	if (rs->labels > dns_name_labels(rrs[0].owner))
		return DNSSEC_SIG_BAD_LABELS;
	if (!dns_name_is_subdomain(rrs[0].owner, rs->signer))
		return DNSSEC_SIG_BAD_SIGNER;
	if (!dnssec_algorithm_supported(rs->algorithm))
		return DNSSEC_SIG_UNSUPPORTED;
	/* RFC 4035 5.3.1 with RFC 1982 comparison: a distance of exactly 2^31
	 * has no order and so cannot be shown to be inside the window. */
	enum dns_serial_order o = dns_serial_compare(now, rs->inception);
	if (o == DNS_SERIAL_LESS || o == DNS_SERIAL_UNDEFINED)
		return DNSSEC_SIG_NOT_YET_VALID;
	o = dns_serial_compare(now, rs->expiration);
	if (o == DNS_SERIAL_GREATER || o == DNS_SERIAL_UNDEFINED)
		return DNSSEC_SIG_EXPIRED;
	return DNSSEC_SIG_VALID;
}

static bool key_fits(const dnssec_key *k, const dnssec_rrsig *rs)
{
	return k->pkey != NULL && k->tag == rs->key_tag && k->algorithm == rs->algorithm &&
	       (k->flags & DNSSEC_FLAG_ZONE) && dns_name_equal(k->owner.data, rs->signer);
}

static dnssec_sig_status crypto_check(const dns_rr *rrs, size_t n, const dns_rr *sig,
				      const dnssec_rrsig *rs, const dnssec_key *key)
{
	uint8_t *data;
	size_t dlen;
	size_t headlen = (size_t)(rs->signature - sig->rdata);
	if (signed_data(sig->rdata, headlen, rrs, n, rs->original_ttl, rs->labels, &data, &dlen))
		return DNSSEC_SIG_MALFORMED;
	bool ok = dnssec_key_verify_data(key, data, dlen, rs->signature, rs->siglen);
	free(data);
	return ok ? DNSSEC_SIG_VALID : DNSSEC_SIG_BOGUS;
}

dnssec_sig_status dnssec_verify_rrsig(const dns_rr *rrs, size_t n, const dns_rr *sig,
				      const dnssec_key *key, uint32_t now)
{
	dnssec_rrsig rs;
	if (n == 0)
		return DNSSEC_SIG_NONE;
	dnssec_sig_status st = precheck(rrs, sig, now, &rs);
	if (st != DNSSEC_SIG_VALID)
		return st;
	if (!key_fits(key, &rs))
		return DNSSEC_SIG_NO_KEY;
	return crypto_check(rrs, n, sig, &rs, key);
}

/* Failures ranked by what they tell a user: a bad signature says more than
 * a missing key, which says more than a signature for another type. */
static int rank(dnssec_sig_status s)
{
	switch (s) {
	case DNSSEC_SIG_NONE: return 0;
	case DNSSEC_SIG_WRONG_TYPE: return 1;
	case DNSSEC_SIG_MALFORMED: return 2;
	case DNSSEC_SIG_UNSUPPORTED: return 3;
	case DNSSEC_SIG_NO_KEY: return 4;
	case DNSSEC_SIG_BAD_SIGNER: return 5;
	case DNSSEC_SIG_BAD_LABELS: return 6;
	case DNSSEC_SIG_NOT_YET_VALID: return 7;
	case DNSSEC_SIG_EXPIRED: return 8;
	case DNSSEC_SIG_BUDGET: return 9;
	case DNSSEC_SIG_BOGUS: return 10;
	case DNSSEC_SIG_VALID: return 11;
	}
	return 0;
}

static uint32_t min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

dnssec_sig_status dnssec_verify_rrset(const dns_rr *rrs, size_t n, const dns_rr *sigs,
				      size_t nsigs, const dnssec_key *keys, size_t nkeys,
				      uint32_t now, dnssec_verify_result *res)
{
	dnssec_verify_result r = { .status = DNSSEC_SIG_NONE };
	unsigned budget = DNSSEC_VERIFY_BUDGET;
	for (size_t s = 0; n > 0 && s < nsigs && r.status != DNSSEC_SIG_VALID; s++) {
		if (sigs[s].type != DNS_T_RRSIG)
			continue;
		dnssec_rrsig rs;
		dnssec_sig_status st = precheck(rrs, &sigs[s], now, &rs);
		if (st == DNSSEC_SIG_VALID) {
			st = DNSSEC_SIG_NO_KEY;
			for (size_t k = 0; k < nkeys; k++) {
				if (!key_fits(&keys[k], &rs))
					continue;
				if (budget == 0) {
					st = DNSSEC_SIG_BUDGET;
					break;
				}
				budget--;
				st = crypto_check(rrs, n, &sigs[s], &rs, &keys[k]);
				if (st == DNSSEC_SIG_VALID) {
					r.sig = s;
					r.key = k;
					r.wildcard = rs.labels < dns_name_labels(rrs[0].owner);
					if (r.wildcard) {
						static const uint8_t star[] = { 1, '*', 0 };
						unsigned ol = dns_name_labels(rrs[0].owner);
						const uint8_t *tail = dns_name_skip_labels(rrs[0].owner,
											   ol - rs.labels);
						if (dns_name_join(&r.source, star, 1, tail))
							st = DNSSEC_SIG_BAD_LABELS;
						/* The wildcard record asked for by its own
						 * name is no expansion. */
						r.wildcard = !dns_name_equal(r.source.data,
									     rrs[0].owner);
					}
					r.ttl = min32(rrs[0].ttl, rs.original_ttl);
					r.ttl = min32(r.ttl, rs.expiration - now);
					break;
				}
			}
		}
		if (st == DNSSEC_SIG_WRONG_TYPE && r.status != DNSSEC_SIG_NONE)
			continue;
		if (rank(st) > rank(r.status))
			r.status = st;
	}
	if (res)
		*res = r;
	return r.status;
}

void dnssec_keys_from_rrset(const dns_rr *dnskeys, size_t n, dnssec_key *keys,
			    size_t cap, size_t *nout)
{
	size_t out = 0;
	for (size_t i = 0; i < n && out < cap; i++) {
		if (dnskeys[i].type != DNS_T_DNSKEY)
			continue;
		if (dnssec_key_from_dnskey(&keys[out], dnskeys[i].owner, dnskeys[i].rdata,
					   dnskeys[i].rdlen) == DNS_OK)
			out++;
	}
	*nout = out;
}

void dnssec_keys_free(dnssec_key *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dnssec_key_free(&keys[i]);
}

dnssec_sig_status dnssec_verify_dnskeys_by_ds(const dns_rr *dnskeys, size_t n,
					      const dns_rr *sigs, size_t nsigs,
					      const dnssec_key *keys, size_t nkeys,
					      const dns_rr *ds, size_t nds, uint32_t now,
					      dnssec_verify_result *res)
{
	dnssec_verify_result best = { .status = DNSSEC_SIG_NO_KEY };
	unsigned tried = 0;
	/* Each key a DS vouches for, on its own as the key set; no more of
	 * them than the budget allows signature checks. */
	for (size_t k = 0; k < nkeys && tried < DNSSEC_VERIFY_BUDGET; k++) {
		bool vouched = false;
		for (size_t d = 0; d < nds && !vouched; d++)
			vouched = ds[d].type == DNS_T_DS &&
				  dnssec_ds_matches(keys[k].owner.data, ds[d].rdata, ds[d].rdlen,
						    keys[k].rdata, keys[k].rdlen);
		if (!vouched)
			continue;
		tried++;
		dnssec_verify_result r;
		dnssec_verify_rrset(dnskeys, n, sigs, nsigs, &keys[k], 1, now, &r);
		if (r.status == DNSSEC_SIG_VALID) {
			r.key = k;
			best = r;
			break;
		}
		if (rank(r.status) > rank(best.status))
			best = r;
	}
	if (res)
		*res = best;
	return best.status;
}
