/* Signed zones broken on purpose, and mended. */
#include "topo/zonebreak.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "dns/serial.h"
#include "dns/soa.h"
#include "dns/wire.h"
#include "dnssec/rrsig.h"

#define DAY 86400u

static const struct {
	const char *name, *what;
} kinds[ZONEBREAK_KINDS] = {
	[ZONEBREAK_EXPIRED] = { "expired", "every signature expired yesterday" },
	[ZONEBREAK_DS] = { "ds", "the parent's DS record matches none of the zone's keys" },
	[ZONEBREAK_RRSIG] = { "rrsig", "the signatures of the zone's data (A, AAAA, MX, "
			      "TXT, ...) removed" },
	[ZONEBREAK_DNSKEY] = { "dnskey", "the zone-signing key removed from the DNSKEY "
			       "RRset: what it signed has no key" },
	[ZONEBREAK_NSEC] = { "nsec", "the NSEC/NSEC3 chain removed: no name error or "
			     "no-data answer can be proven" },
};

const char *zonebreak_name(zonebreak_kind k)
{
	return (unsigned)k < ZONEBREAK_KINDS ? kinds[k].name : "?";
}

const char *zonebreak_what(zonebreak_kind k)
{
	return (unsigned)k < ZONEBREAK_KINDS ? kinds[k].what : "?";
}

bool zonebreak_from_name(const char *text, zonebreak_kind *k)
{
	for (unsigned i = 0; i < ZONEBREAK_KINDS; i++)
		if (strcmp(text, kinds[i].name) == 0) {
			*k = (zonebreak_kind)i;
			return true;
		}
	return false;
}

static bool is_dnssec_type(uint16_t type)
{
	return type == DNS_T_RRSIG || type == DNS_T_NSEC || type == DNS_T_NSEC3 ||
	       type == DNS_T_NSEC3PARAM || type == DNS_T_DNSKEY;
}

static uint16_t covered(const dns_rr *rr)
{
	return rr->rdlen >= 2 ? dns_get16(rr->rdata) : 0;
}

static bool is_ksk(const dnssec_key *k)
{
	return (k->flags & DNSSEC_FLAG_SEP) != 0;
}

/* Does z have keys of both kinds (then ZSKs sign data, KSKs keys)? */
static bool split_keys(const signing_zone *z)
{
	bool ksk = false, zsk = false;
	for (size_t i = 0; i < z->nkeys; i++) {
		ksk |= is_ksk(&z->keys[i]);
		zsk |= !is_ksk(&z->keys[i]);
	}
	return ksk && zsk;
}

/* Sign one RRset with the keys `for_keys` selects (KSKs for the DNSKEY
 * RRset, ZSKs for the rest, all keys when there is one kind) and add the
 * RRSIGs to out. */
static bool sign_into(dns_zonedata *out, const signing_zone *z, const dns_rr *rrs, size_t n,
		      bool for_keys, uint32_t inception, uint32_t expiration, char *err,
		      size_t errsz)
{
	bool split = split_keys(z);
	for (size_t i = 0; i < z->nkeys; i++) {
		if (split && is_ksk(&z->keys[i]) != for_keys)
			continue;
		uint8_t sig[DNSSEC_RRSIG_MAXLEN];
		size_t len;
		dns_err e = dnssec_sign_rrset(&z->keys[i], rrs, n, inception, expiration, sig,
					      sizeof sig, &len);
		if (e != DNS_OK) {
			snprintf(err, errsz, "cannot sign: %s", dns_strerror(e));
			return false;
		}
		dns_rr rr = { rrs[0].owner, DNS_T_RRSIG, DNS_C_IN, rrs[0].ttl, (uint16_t)len, sig };
		if (!dns_zonedata_add(out, &rr, "(signed by dnsim)", 0)) {
			snprintf(err, errsz, "out of memory");
			return false;
		}
	}
	return true;
}

/* Add in's SOA to out with the next serial; the new record in *soa
 * (its RDATA in buf). */
static bool add_bumped_soa(dns_zonedata *out, const dns_rr *rr, const dns_zonedata *in,
			   size_t i, uint8_t *buf, size_t bufsz, dns_rr *soa, char *err,
			   size_t errsz)
{
	dns_soa s;
	if (rr->rdlen > bufsz || dns_soa_read(rr->rdata, rr->rdlen, &s) != DNS_OK) {
		snprintf(err, errsz, "the zone's SOA record is malformed");
		return false;
	}
	memcpy(buf, rr->rdata, rr->rdlen);
	if (dns_soa_set_serial(buf, rr->rdlen, dns_serial_next(s.serial)) != DNS_OK) {
		snprintf(err, errsz, "the zone's SOA record is malformed");
		return false;
	}
	*soa = *rr;
	soa->rdata = buf;
	if (!dns_zonedata_add(out, soa, in->files[in->file[i]], in->line[i])) {
		snprintf(err, errsz, "out of memory");
		return false;
	}
	return true;
}

static void quiet(void *ctx, const dns_diag *d)
{
	(void)ctx;
	(void)d;
}

/* A copy of in with what `drop` says left out (and the serial bumped);
 * unfinished. */
typedef bool (*drop_fn)(zonebreak_kind k, const signing_zone *z, const dns_rr *rr);

static bool copy_zone(const dns_zonedata *in, zonebreak_kind k, const signing_zone *z,
		      drop_fn drop, dns_zonedata *out, uint8_t *soabuf, size_t soabufsz,
		      dns_rr *soa, char *err, size_t errsz)
{
	bool have_soa = false;
	for (size_t i = 0; i < in->n; i++) {
		const dns_rr *rr = &in->rr[i];
		if (drop(k, z, rr))
			continue;
		if (rr->type == DNS_T_SOA && dns_name_equal(rr->owner, in->origin.data)) {
			if (!add_bumped_soa(out, rr, in, i, soabuf, soabufsz, soa, err, errsz))
				return false;
			have_soa = true;
			continue;
		}
		if (!dns_zonedata_add(out, rr, in->files[in->file[i]], in->line[i])) {
			snprintf(err, errsz, "out of memory");
			return false;
		}
	}
	if (!have_soa) {
		snprintf(err, errsz, "the zone has no SOA record");
		return false;
	}
	return true;
}

/* What each break leaves out.  The SOA's RRSIGs always go: the SOA
 * is signed anew with its new serial. */
static bool drop_for_break(zonebreak_kind k, const signing_zone *z, const dns_rr *rr)
{
	(void)z;
	if (rr->type == DNS_T_RRSIG && covered(rr) == DNS_T_SOA)
		return true;
	switch (k) {
	case ZONEBREAK_RRSIG:
		if (rr->type != DNS_T_RRSIG)
			return false;
		switch (covered(rr)) {
		case DNS_T_NS: case DNS_T_DS: case DNS_T_DNSKEY: case DNS_T_NSEC:
		case DNS_T_NSEC3: case DNS_T_NSEC3PARAM:
			return false;
		default:
			return true;
		}
	case ZONEBREAK_DNSKEY:
		if (rr->type == DNS_T_DNSKEY)
			return rr->rdlen >= 2 && !(dns_get16(rr->rdata) & DNSSEC_FLAG_SEP);
		return rr->type == DNS_T_RRSIG && covered(rr) == DNS_T_DNSKEY;
	case ZONEBREAK_NSEC:
		if (rr->type == DNS_T_NSEC || rr->type == DNS_T_NSEC3)
			return true;
		return rr->type == DNS_T_RRSIG &&
		       (covered(rr) == DNS_T_NSEC || covered(rr) == DNS_T_NSEC3);
	default:
		return false;
	}
}

static bool drop_dnssec(zonebreak_kind k, const signing_zone *z, const dns_rr *rr)
{
	(void)k;
	(void)z;
	return is_dnssec_type(rr->type);
}

/* The zone without its DNSSEC records, serial bumped, signed with z at
 * the given times. */
static bool sign_afresh(const signing_zone *z, uint32_t inception, uint32_t expiration,
			const dns_zonedata *in, dns_zonedata *out, char *err, size_t errsz)
{
	dns_zonedata plain;
	dns_zonedata_init(&plain, in->origin.data, in->rclass);
	dns_zonedata_init(out, in->origin.data, in->rclass);
	uint8_t soabuf[1024];
	dns_rr soa;
	bool ok = copy_zone(in, ZONEBREAK_EXPIRED, z, drop_dnssec, &plain, soabuf, sizeof soabuf,
			    &soa, err, errsz);
	if (ok && dns_zonedata_finish(&plain, quiet, NULL) != 0) {
		snprintf(err, errsz, "the zone does not load without its DNSSEC records");
		ok = false;
	}
	if (ok) {
		dns_zonedata_free(out);
		ok = signing_sign_at(z, inception, expiration, &plain, out, err, errsz);
	}
	dns_zonedata_free(&plain);
	return ok;
}

bool zonebreak_mend(const signing_zone *z, uint32_t inception, uint32_t expiration,
		    const dns_zonedata *in, dns_zonedata *out, char *err, size_t errsz)
{
	return sign_afresh(z, inception, expiration, in, out, err, errsz);
}

bool zonebreak_zone(zonebreak_kind k, const signing_zone *z, uint32_t now,
		    const dns_zonedata *in, dns_zonedata *out, char *err, size_t errsz)
{
	if (k == ZONEBREAK_EXPIRED)
		return sign_afresh(z, now - 30 * DAY, now - DAY, in, out, err, errsz);
	dns_zonedata_init(out, in->origin.data, in->rclass);
	if (k == ZONEBREAK_DS || (unsigned)k >= ZONEBREAK_KINDS) {
		snprintf(err, errsz, "a DS is broken in the parent zone, not in the zone");
		return false;
	}
	uint8_t soabuf[1024];
	dns_rr soa;
	uint32_t inception = now - 3600, expiration = now + 30 * DAY;
	if (!copy_zone(in, k, z, drop_for_break, out, soabuf, sizeof soabuf, &soa, err, errsz) ||
	    !sign_into(out, z, &soa, 1, false, inception, expiration, err, errsz))
		return false;
	if (k == ZONEBREAK_DNSKEY) {
		/* What is left of the DNSKEY RRset, signed by the KSKs. */
		dns_rr keys[16];
		size_t n = 0, removed = 0;
		for (size_t i = 0; i < in->n; i++) {
			if (in->rr[i].type != DNS_T_DNSKEY)
				continue;
			if (drop_for_break(k, z, &in->rr[i]))
				removed++;
			else if (n < 16)
				keys[n++] = in->rr[i];
		}
		if (n == 0 || removed == 0) {
			snprintf(err, errsz, "the zone has no zone-signing key to remove");
			return false;
		}
		if (!sign_into(out, z, keys, n, true, inception, expiration, err, errsz))
			return false;
	}
	if (dns_zonedata_finish(out, quiet, NULL) != 0) {
		snprintf(err, errsz, "the broken zone does not load");
		return false;
	}
	return true;
}

char *zonebreak_bad_ds_text(const signing_zone *z, uint32_t ttl)
{
	char *good = signing_ds_text(z, ttl);
	if (good == NULL)
		return NULL;
	/* Each line ends in the digest's hex: turn its last digit, so the tag
	 * and algorithm still name the KSK but the digest is of nothing. */
	for (char *nl = strchr(good, '\n'); nl; nl = strchr(nl + 1, '\n')) {
		char *last = nl - 1;
		*last = *last == '0' ? '1' : '0';
	}
	return good;
}
