/* Which zones are signed, their DS records in the parents, signing a
 * server's copy, and the trust anchor's texts. */
#include "topo/signing.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/encode.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "dnssec/signzone.h"
#include "topo/conftext.h"
#include "util/array.h"

#define DS_DIGEST DNSSEC_DIGEST_SHA256

const char *signing_mode_name(topo_dnssec mode)
{
	switch (mode) {
	case TOPO_DNSSEC_NSEC: return "nsec";
	case TOPO_DNSSEC_NSEC3: return "nsec3";
	case TOPO_DNSSEC_OFF: return "off";
	}
	return "?";
}

bool signing_mode_from_name(const char *text, topo_dnssec *mode)
{
	static const topo_dnssec all[] = { TOPO_DNSSEC_OFF, TOPO_DNSSEC_NSEC, TOPO_DNSSEC_NSEC3 };
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (strcmp(text, signing_mode_name(all[i])) == 0) {
			*mode = all[i];
			return true;
		}
	return false;
}

static bool name_of(const char *text, dns_name *out)
{
	if (dns_name_from_text(out, text, strlen(text), dns_name_root) != DNS_OK)
		return false;
	dns_name_to_lower(out->data);
	return true;
}

topo_dnssec signing_mode_of(const topo *t, const uint8_t *origin, uint8_t *algorithm,
			    const topo_zone_conf **conf)
{
	topo_dnssec mode = t->dnssec;
	uint8_t alg = t->dnssec_algorithm ? t->dnssec_algorithm : SIGNING_DEFAULT_ALGORITHM;
	if (conf)
		*conf = NULL;
	for (size_t i = 0; i < t->nzconf; i++) {
		dns_name o;
		if (!name_of(t->zconf[i].origin, &o) || !dns_name_equal(o.data, origin))
			continue;
		if (t->zconf[i].has_dnssec)
			mode = t->zconf[i].dnssec;
		if (t->zconf[i].algorithm)
			alg = t->zconf[i].algorithm;
		if (conf)
			*conf = &t->zconf[i];
	}
	if (algorithm)
		*algorithm = alg;
	return mode;
}

signing_plan *signing_plans(const topo *t, const topo_zones *zones, size_t *n, bool *oom)
{
	signing_plan *out = NULL;
	*n = 0;
	*oom = false;
	for (size_t i = 0; i < zones->n; i++) {
		const topo_zone_data *z = &zones->z[i];
		/* Each origin once (its views and copies share the keys). */
		bool seen = false;
		for (size_t k = 0; k < *n && !seen; k++)
			seen = dns_name_equal(out[k].origin.data, z->origin.data);
		uint8_t alg;
		const topo_zone_conf *conf;
		topo_dnssec mode = signing_mode_of(t, z->origin.data, &alg, &conf);
		if (seen || mode == TOPO_DNSSEC_OFF)
			continue;
		signing_plan *p = array_grow(&out, n, sizeof *p);
		if (p == NULL) {
			free(out);
			*n = 0;
			*oom = true;
			return NULL;
		}
		p->origin = z->origin;
		p->mode = mode;
		p->algorithm = alg;
		p->ksk = conf ? conf->ksk : NULL;
		p->zsk = conf ? conf->zsk : NULL;
	}
	return out;
}

static bool has_type(const dns_zonedata *zd, uint16_t type)
{
	for (size_t i = 0; i < zd->n; i++)
		if (zd->rr[i].type == type)
			return true;
	return false;
}

unsigned signing_check(const topo *t, const topo_zones *zones, topo_report_fn report,
		       void *ctx)
{
	unsigned errors = 0;
	char line[1200];
	for (size_t i = 0; i < t->nzconf; i++) {
		const topo_zone_conf *c = &t->zconf[i];
		dns_name o;
		bool served = false;
		if (name_of(c->origin, &o))
			for (size_t k = 0; k < zones->n && !served; k++)
				served = dns_name_equal(zones->z[k].origin.data, o.data);
		if (!served) {
			snprintf(line, sizeof line, "%s:%u: [zone.\"%s\"]: no node serves a zone "
				 "of that name", t->path, c->line, c->origin);
			report(ctx, line);
			errors++;
		}
	}
	for (size_t i = 0; i < zones->n; i++) {
		const topo_zone_data *z = &zones->z[i];
		if (z->errors || !has_type(&z->zd, DNS_T_RRSIG) ||
		    signing_mode_of(t, z->origin.data, NULL, NULL) == TOPO_DNSSEC_OFF)
			continue;
		snprintf(line, sizeof line, "%s:%u: zone %s comes signed already (%s has "
			 "RRSIG records): set dnssec = \"off\" for it in [zone.\"%s\"] to serve "
			 "it as it is", t->path, z->tz->line, z->tz->origin, z->tz->file,
			 z->tz->origin);
		report(ctx, line);
		errors++;
	}
	return errors;
}

const signing_zone *signing_find(const topo_keyring *kr, const uint8_t *origin)
{
	for (size_t i = 0; kr && i < kr->n; i++)
		if (dns_name_equal(kr->z[i].origin.data, origin))
			return &kr->z[i];
	return NULL;
}

signing_zone *signing_add_zone(topo_keyring *kr, const uint8_t *origin, topo_dnssec mode)
{
	signing_zone *z = array_grow(&kr->z, &kr->n, sizeof *z);
	if (z == NULL)
		return NULL;
	dns_name_copy(&z->origin, origin);
	dns_name_to_lower(z->origin.data);
	z->mode = mode;
	return z;
}

bool signing_add_key(signing_zone *z, dnssec_key *k)
{
	dnssec_key *slot = array_grow(&z->keys, &z->nkeys, sizeof *slot);
	if (slot == NULL) {
		dnssec_key_free(k);
		return false;
	}
	*slot = *k;
	return true;
}

void topo_keyring_free(topo_keyring *kr)
{
	if (kr == NULL)
		return;
	for (size_t i = 0; i < kr->n; i++) {
		for (size_t k = 0; k < kr->z[i].nkeys; k++)
			dnssec_key_free(&kr->z[i].keys[k]);
		free(kr->z[i].keys);
	}
	free(kr->z);
	memset(kr, 0, sizeof *kr);
}

static bool is_ksk(const dnssec_key *k)
{
	return (k->flags & DNSSEC_FLAG_SEP) != 0;
}

/* Whether zd holds a record of `type` owned by `owner`; its TTL in *ttl. */
static bool find_rr(const dns_zonedata *zd, const uint8_t *owner, uint16_t type, uint32_t *ttl)
{
	for (size_t i = 0; i < zd->n; i++)
		if (zd->rr[i].type == type && dns_name_equal(zd->rr[i].owner, owner)) {
			if (ttl)
				*ttl = zd->rr[i].ttl;
			return true;
		}
	return false;
}

int signing_add_ds(const topo_zones *zones, const topo_keyring *kr, const uint8_t *parent,
		   dns_zonedata *out, char *err, size_t errsz)
{
	int added = 0;
	for (size_t i = 0; kr && i < kr->n; i++) {
		const signing_zone *c = &kr->z[i];
		if (c->origin.data[0] == 0)
			continue;
		/* The closest served zone above the child is this one. */
		const topo_zone_data *p = topo_zones_parent(zones, c->origin.data);
		uint32_t ttl;
		if (p == NULL || !dns_name_equal(p->origin.data, parent) ||
		    !find_rr(out, c->origin.data, DNS_T_NS, &ttl) ||
		    find_rr(out, c->origin.data, DNS_T_DS, NULL))
			continue;
		for (size_t k = 0; k < c->nkeys; k++) {
			if (!is_ksk(&c->keys[k]))
				continue;
			uint8_t ds[DNSSEC_DS_MAXLEN];
			size_t dslen;
			if (dnssec_ds_from_dnskey(c->origin.data, c->keys[k].rdata, c->keys[k].rdlen,
						  DS_DIGEST, ds, sizeof ds, &dslen) != DNS_OK)
				continue;   /* a key too short to be a DNSKEY: none to vouch for */
			dns_rr rr = { c->origin.data, DNS_T_DS, DNS_C_IN, ttl, (uint16_t)dslen, ds };
			if (!dns_zonedata_add(out, &rr, "(DS derived from the child's key)", 0)) {
				snprintf(err, errsz, "out of memory adding DS records");
				return -1;
			}
			added++;
		}
	}
	return added;
}

typedef struct diag_keep {
	char *err;
	size_t errsz;
	bool told;
} diag_keep;

/* The first error the signer reports, kept as the reason. */
static void keep_first(void *ctx, const dns_diag *d)
{
	diag_keep *k = ctx;
	if (d->severity != DNS_ERROR || k->told)
		return;
	snprintf(k->err, k->errsz, "%s", d->msg);
	k->told = true;
}

bool signing_sign_at(const signing_zone *z, uint32_t inception, uint32_t expiration,
		     const dns_zonedata *in, dns_zonedata *out, char *err, size_t errsz)
{
	dnssec_sign_opts o = {
		.inception = inception,
		.expiration = expiration,
		.nsec3 = z->mode == TOPO_DNSSEC_NSEC3,
	};
	diag_keep k = { err, errsz, false };
	char zt[DNS_NAME_MAXTEXT];
	if (dnssec_sign_zone(in, z->keys, z->nkeys, &o, out, keep_first, &k) == 0)
		return true;
	if (dns_name_to_text(z->origin.data, zt, sizeof zt, NULL) != DNS_OK)
		snprintf(zt, sizeof zt, "?");
	char why[400];
	snprintf(why, sizeof why, "%s", k.told ? err : "the signer failed");
	snprintf(err, errsz, "signing zone %s: %s", zt, why);
	return false;
}

bool signing_sign(const topo_keyring *kr, const signing_zone *z, const dns_zonedata *in,
		  dns_zonedata *out, char *err, size_t errsz)
{
	return signing_sign_at(z, kr->inception, kr->expiration, in, out, err, errsz);
}

static char *finish(conftext *b, size_t wanted)
{
	char *s = ct_finish(b, NULL, 0);
	if (wanted == 0) {
		free(s);
		return NULL;
	}
	return s;
}

char *signing_ds_text(const signing_zone *z, uint32_t ttl)
{
	conftext b = { 0 };
	char owner[DNS_NAME_MAXTEXT];
	if (dns_name_to_text(z->origin.data, owner, sizeof owner, NULL) != DNS_OK)
		return NULL;
	size_t written = 0;
	for (size_t k = 0; k < z->nkeys; k++) {
		uint8_t ds[DNSSEC_DS_MAXLEN];
		size_t dslen, tlen;
		char rd[256];
		if (!is_ksk(&z->keys[k]) ||
		    dnssec_ds_from_dnskey(z->origin.data, z->keys[k].rdata, z->keys[k].rdlen,
					  DS_DIGEST, ds, sizeof ds, &dslen) != DNS_OK ||
		    dns_rdata_to_text(DNS_T_DS, ds, dslen, rd, sizeof rd, &tlen) != DNS_OK)
			continue;
		ct_add(&b, "%s %u IN DS %s\n", owner, ttl, rd);
		written++;
	}
	return finish(&b, written);
}

/* The public key of a DNSKEY RDATA as base64 (after flags, protocol and
 * algorithm). */
static bool key_base64(const dnssec_key *k, char *out, size_t outsz)
{
	size_t len;
	return k->rdlen > 4 &&
	       dns_base64_encode(k->rdata + 4, k->rdlen - 4, out, outsz, &len) == DNS_OK;
}

char *signing_anchor_text(const signing_zone *root)
{
	conftext b = { 0 };
	ct_add(&b, "; The trust anchor of this sim: the root zone's key-signing key(s),\n"
	    "; made by `sim up` (as Unbound's root.key holds the real root's).\n");
	size_t written = 0;
	for (size_t k = 0; k < root->nkeys; k++) {
		char b64[DNSSEC_DNSKEY_MAXLEN * 2];
		if (!is_ksk(&root->keys[k]) || !key_base64(&root->keys[k], b64, sizeof b64))
			continue;
		ct_add(&b, ". 86400 IN DNSKEY %u 3 %u %s ; key id %u\n", root->keys[k].flags,
		    root->keys[k].algorithm, b64, root->keys[k].tag);
		written++;
	}
	return finish(&b, written);
}

char *signing_bind_keys_text(const signing_zone *root)
{
	conftext b = { 0 };
	ct_add(&b, "# The trust anchor of this sim for BIND's tools (delv reads\n"
	    "# /etc/bind/bind.keys): the root zone's key-signing key(s), made by `sim up`.\n"
	    "trust-anchors {\n");
	size_t written = 0;
	for (size_t k = 0; k < root->nkeys; k++) {
		char b64[DNSSEC_DNSKEY_MAXLEN * 2];
		if (!is_ksk(&root->keys[k]) || !key_base64(&root->keys[k], b64, sizeof b64))
			continue;
		ct_add(&b, "\t. static-key %u 3 %u \"%s\";\n", root->keys[k].flags,
		    root->keys[k].algorithm, b64);
		written++;
	}
	ct_add(&b, "};\n");
	return finish(&b, written);
}
