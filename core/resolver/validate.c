/* DNSSEC validation: trust anchors, the key cache, the state of each zone
 * in the chain of trust, and the checks of RRsets, denials and referrals
 * (see validate.h for the design). */
#include <stdarg.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns/ede.h"
#include "dns/master.h"
#include "dnssec/nsec.h"
#include "dnssec/rrsig.h"
#include "io/readfile.h"
#include "resolver/resolver.h"

/* ---- time ------------------------------------------------------------------ */

void val_set_clock(resolver *r, uint32_t wall_s)
{
	r->val.wall_fixed = true;
	r->val.wall_base_s = wall_s;
	r->val.wall_base_ms = r->now_ms;
}

uint32_t val_now(const resolver *r)
{
	const validator *v = &r->val;
	if (v->wall_fixed)
		return v->wall_base_s + (uint32_t)((r->now_ms - v->wall_base_ms) / 1000);
	return (uint32_t)time(NULL);
}

/* ---- trust anchors ------------------------------------------------------------ */

struct anchor_ctx {
	resolver *r;
	char *err;
	size_t errsz;
	bool failed;
};

static bool take_anchor(void *ctx, const dns_rr *rr, const char *file, unsigned line)
{
	struct anchor_ctx *a = ctx;
	uint8_t ds[DNSSEC_DS_MAXLEN];
	size_t dslen;
	dns_rr d = *rr;
	if (rr->type == DNS_T_DNSKEY) {
		/* A key is held as the DS that names it: one check for both. */
		if (dnssec_ds_from_dnskey(rr->owner, rr->rdata, rr->rdlen, DNSSEC_DIGEST_SHA256,
					  ds, sizeof ds, &dslen) != DNS_OK) {
			snprintf(a->err, a->errsz, "%s:%u: a DNSKEY that cannot be a trust anchor",
				 file, line);
			a->failed = true;
			return false;
		}
		d.type = DNS_T_DS;
		d.rdata = ds;
		d.rdlen = (uint16_t)dslen;
	} else if (rr->type != DNS_T_DS) {
		return true;    /* other records (an SOA, comments' kin) are no anchors */
	}
	if (d.rdlen < 5) {
		snprintf(a->err, a->errsz, "%s:%u: a DS record too short to be an anchor", file,
			 line);
		a->failed = true;
		return false;
	}
	if (!rrlist_add(&a->r->val.anchors, &d)) {
		snprintf(a->err, a->errsz, "out of memory");
		a->failed = true;
		return false;
	}
	return true;
}

static void anchor_diag(void *ctx, const dns_diag *d)
{
	struct anchor_ctx *a = ctx;
	if (d->severity == DNS_ERROR && !a->failed) {
		/* Line 1 is the $TTL put in front of the file's text. */
		snprintf(a->err, a->errsz, "%s:%u:%u: %s", d->file, d->line > 1 ? d->line - 1 : 1,
			 d->col, d->msg);
		a->failed = true;
	}
}

bool val_init(resolver *r, char *err, size_t errsz)
{
	validator *v = &r->val;
	rrlist_init(&v->anchors);
	v->nbuckets = 256;
	v->buckets = calloc(v->nbuckets, sizeof *v->buckets);
	if (v->buckets == NULL) {
		snprintf(err, errsz, "out of memory");
		return false;
	}
	for (size_t i = 0; i < r->cfg->ntrust_anchors; i++) {
		const char *path = r->cfg->trust_anchors[i];
		struct anchor_ctx a = { r, err, errsz, false };
		dns_master_ops ops = { io_read_file, take_anchor, anchor_diag, &a };
		size_t before = v->anchors.n;
		char *file;
		size_t len;
		int e = io_read_file(NULL, path, &file, &len);
		if (e) {
			snprintf(err, errsz, "trust anchor %s: %s", path, strerror(e));
			return false;
		}
		/* Anchor files (dnssec-keygen's .key, Unbound's root.key) give
		 * no TTL, which the master-file reader wants: a default first. */
		static const char ttl[] = "$TTL 3600\n";
		char *text = malloc(sizeof ttl - 1 + len);
		if (text == NULL) {
			free(file);
			snprintf(err, errsz, "out of memory");
			return false;
		}
		memcpy(text, ttl, sizeof ttl - 1);
		memcpy(text + sizeof ttl - 1, file, len);
		free(file);
		unsigned errors = dns_master_read_text(path, text, sizeof ttl - 1 + len, dns_name_root,
						       DNS_C_IN, &ops);
		free(text);
		if (errors || a.failed) {
			if (!a.failed)
				snprintf(err, errsz, "%s: the trust anchors did not load", path);
			return false;
		}
		if (v->anchors.n == before) {
			snprintf(err, errsz, "%s: no DS or DNSKEY record (a trust anchor file "
				 "holds them in master-file form)", path);
			return false;
		}
	}
	v->active = r->cfg->validation && v->anchors.n > 0;
	return true;
}

static void key_free(val_key *k)
{
	dnssec_keys_free(k->keys, k->nkeys);
	free(k->keys);
	free(k);
}

static void keys_clear(validator *v, bool all, uint64_t now)
{
	for (size_t b = 0; b < v->nbuckets; b++) {
		val_key **pp = &v->buckets[b];
		while (*pp) {
			val_key *k = *pp;
			if (all || now >= k->expires) {
				*pp = k->next;
				key_free(k);
				v->n--;
			} else {
				pp = &k->next;
			}
		}
	}
}

void val_flush(resolver *r, const uint8_t *name, bool below)
{
	validator *v = &r->val;
	for (size_t b = 0; b < v->nbuckets; b++) {
		val_key **pp = &v->buckets[b];
		while (*pp) {
			val_key *k = *pp;
			bool gone = name == NULL ||
				    (below ? dns_name_is_subdomain(k->zone.data, name)
					   : dns_name_equal(k->zone.data, name));
			if (gone) {
				*pp = k->next;
				key_free(k);
				v->n--;
			} else {
				pp = &k->next;
			}
		}
	}
}

void val_free(resolver *r)
{
	validator *v = &r->val;
	if (v->buckets)
		keys_clear(v, true, 0);
	free(v->buckets);
	v->buckets = NULL;
	rrlist_free(&v->anchors);
}

/* The deepest anchor at or above `name`; NULL when none is. */
static const uint8_t *closest_anchor(const resolver *r, const uint8_t *name)
{
	const uint8_t *best = NULL;
	const rrlist *a = &r->val.anchors;
	for (size_t i = 0; i < a->n; i++)
		if (dns_name_is_subdomain(name, a->rr[i].owner) &&
		    (best == NULL || dns_name_labels(a->rr[i].owner) > dns_name_labels(best)))
			best = a->rr[i].owner;
	return best;
}

/* Is the name at or below a negative trust anchor (RFC 7646)? */
static bool under_nta(const resolver *r, const uint8_t *name)
{
	for (size_t i = 0; i < r->cfg->nnta; i++)
		if (dns_name_is_subdomain(name, r->cfg->nta[i].data))
			return true;
	return false;
}

/* ---- the key cache --------------------------------------------------------------- */

static uint32_t name_hash(const uint8_t *name)
{
	uint32_t h = 2166136261u;
	size_t len = dns_name_length(name);
	for (size_t i = 0; i < len; i++) {
		uint8_t c = name[i];
		if (c >= 'A' && c <= 'Z')
			c += 32;
		h = (h ^ c) * 16777619u;
	}
	return h;
}

static val_key *key_find(resolver *r, const uint8_t *zone)
{
	validator *v = &r->val;
	uint32_t h = name_hash(zone);
	for (val_key *k = v->buckets[h & (v->nbuckets - 1)]; k; k = k->next)
		if (k->hash == h && dns_name_equal(k->zone.data, zone))
			return r->now_ms < k->expires ? k : NULL;
	return NULL;
}

static void key_remove(validator *v, const uint8_t *zone, uint32_t h)
{
	val_key **pp = &v->buckets[h & (v->nbuckets - 1)];
	while (*pp) {
		val_key *k = *pp;
		if (k->hash == h && dns_name_equal(k->zone.data, zone)) {
			*pp = k->next;
			key_free(k);
			v->n--;
			return;
		}
		pp = &k->next;
	}
}

/* Record a zone's verdict; takes the keys (freeing them when it cannot). */
static void key_store(resolver *r, const uint8_t *zone, uint8_t security, uint16_t ede,
		      const char *why, uint32_t ttl, dnssec_key *keys, size_t nkeys)
{
	validator *v = &r->val;
	uint32_t h = name_hash(zone);
	key_remove(v, zone, h);
	if (v->n >= VAL_ZONES_MAX) {
		keys_clear(v, false, r->now_ms);
		if (v->n >= VAL_ZONES_MAX)
			keys_clear(v, true, 0);
	}
	val_key *k = calloc(1, sizeof *k);
	if (k == NULL) {
		dnssec_keys_free(keys, nkeys);
		free(keys);
		return;
	}
	if (ttl > r->cfg->max_ttl)
		ttl = r->cfg->max_ttl;
	if (security == RSEC_BOGUS && ttl > RCACHE_BOGUS_TTL)
		ttl = RCACHE_BOGUS_TTL;
	dns_name_copy(&k->zone, zone);
	k->security = security;
	k->ede = ede;
	snprintf(k->why, sizeof k->why, "%s", why ? why : "");
	k->keys = keys;
	k->nkeys = nkeys;
	k->expires = r->now_ms + (uint64_t)ttl * 1000;
	k->hash = h;
	k->next = v->buckets[h & (v->nbuckets - 1)];
	v->buckets[h & (v->nbuckets - 1)] = k;
	v->n++;
	char zb[DNS_NAME_MAXTEXT];
	trace_event(r, NULL, "zone_keys", "\"zone\":\"%s\",\"security\":\"%s\",\"keys\":%zu%s%s%s",
		    trace_name(zone, zb, sizeof zb), rsec_name(security), nkeys,
		    why && why[0] ? ",\"why\":\"" : "", why && why[0] ? why : "",
		    why && why[0] ? "\"" : "");
}

/* ---- the state of a zone in the chain of trust ------------------------------------- */

enum zstate { Z_SECURE, Z_INSECURE, Z_BOGUS, Z_NEED_DS, Z_NEED_DNSKEY };

typedef struct zinfo {
	enum zstate st;
	const val_key *key;     /* SECURE (the keys), BOGUS or INSECURE from the cache */
	uint16_t ede;
	char why[100];
	bool not_cut;           /* BOGUS because the name is proven no zone cut */
	uint32_t left;          /* BOGUS from the key cache: seconds it is kept */
} zinfo;

static enum zstate zset(zinfo *z, enum zstate st, const val_key *k, uint16_t ede,
			const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static enum zstate zset(zinfo *z, enum zstate st, const val_key *k, uint16_t ede,
			const char *fmt, ...)
{
	z->st = st;
	z->key = k;
	z->ede = ede;
	z->not_cut = false;
	z->left = 0;
	z->why[0] = '\0';
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(z->why, sizeof z->why, fmt, ap);
		va_end(ap);
	}
	return st;
}

static enum zstate from_key(zinfo *z, const val_key *k, uint64_t now_ms)
{
	enum zstate st = k->security == RSEC_SECURE ? Z_SECURE
		: k->security == RSEC_INSECURE ? Z_INSECURE : Z_BOGUS;
	zset(z, st, k, k->ede, "%s", k->why);
	if (st == Z_BOGUS)
		z->left = k->expires > now_ms ? (uint32_t)((k->expires - now_ms + 999) / 1000) : 1;
	return st;
}

/* A DS RRset that names at least one key this resolver can check
 * (RFC 4035 5.2: otherwise the zone counts as unsigned).  *ede says
 * which is missing: an algorithm or a digest. */
static bool ds_usable(const dns_rr *ds, size_t n, uint16_t *ede)
{
	bool alg = false;
	for (size_t i = 0; i < n; i++) {
		if (ds[i].type != DNS_T_DS || ds[i].rdlen < 4)
			continue;
		bool a = dnssec_algorithm_supported(ds[i].rdata[2]);
		uint8_t d = ds[i].rdata[3];
		alg |= a;
		if (a && (d == DNSSEC_DIGEST_SHA256 || d == DNSSEC_DIGEST_SHA384))
			return true;
	}
	*ede = alg ? DNS_EDE_UNSUPPORTED_DS_DIGEST : DNS_EDE_UNSUPPORTED_DNSKEY_ALG;
	return false;
}

/* The DS records vouching for `zone`: the anchors' when it has one, else
 * the cached secure DS RRset.  *n = 0 when there are none. */
static const dns_rr *ds_for(resolver *r, const uint8_t *zone, dns_rr *buf, size_t cap,
			    size_t *n)
{
	*n = 0;
	const rrlist *a = &r->val.anchors;
	for (size_t i = 0; i < a->n && *n < cap; i++)
		if (dns_name_equal(a->rr[i].owner, zone))
			buf[(*n)++] = a->rr[i];
	if (*n)
		return buf;
	const rcache_entry *e = rcache_peek(r->cache, zone, DNS_T_DS, DNS_C_IN, r->now_ms);
	if (e && e->kind == RCACHE_RRSET && e->security == RSEC_SECURE) {
		*n = e->nrrs;
		return e->rrs;
	}
	return NULL;
}

/* Where the chain of trust stands at `zone` (a zone apex). */
static enum zstate zone_state(resolver *r, const uint8_t *zone, zinfo *z)
{
	char nb[DNS_NAME_MAXTEXT];
	if (!r->val.active)
		return zset(z, Z_INSECURE, NULL, RES_NO_EDE, "not validating");
	if (under_nta(r, zone))
		return zset(z, Z_INSECURE, NULL, RES_NO_EDE, "negative trust anchor");
	const uint8_t *anchor = closest_anchor(r, zone);
	if (anchor == NULL)
		return zset(z, Z_INSECURE, NULL, RES_NO_EDE, "no trust anchor above");
	/* What the key cache knows, here or on the way up to the anchor:
	 * below an insecure or bogus zone everything is so. */
	unsigned labels = dns_name_labels(zone), alabels = dns_name_labels(anchor);
	for (unsigned up = 0; up <= labels - alabels; up++) {
		const uint8_t *n = dns_name_skip_labels(zone, up);
		const val_key *k = key_find(r, n);
		if (k == NULL)
			continue;
		if (up == 0 || k->security != RSEC_SECURE)
			return from_key(z, k, r->now_ms);
		break;
	}
	if (dns_name_equal(zone, anchor))
		return zset(z, Z_NEED_DNSKEY, NULL, RES_NO_EDE, NULL);
	const rcache_entry *e = rcache_peek(r->cache, zone, DNS_T_DS, DNS_C_IN, r->now_ms);
	if (e == NULL || e->security == RSEC_UNCHECKED)
		return zset(z, Z_NEED_DS, NULL, RES_NO_EDE, NULL);
	uint32_t ttl = rcache_ttl_left(e, r->now_ms);
	uint16_t ede = RES_NO_EDE;
	if (e->security == RSEC_BOGUS) {
		key_store(r, zone, RSEC_BOGUS, e->ede, "its DS RRset is bogus", ttl, NULL, 0);
		return zset(z, Z_BOGUS, NULL, e->ede ? e->ede : DNS_EDE_DNSSEC_BOGUS,
			    "the DS RRset of %s is bogus", trace_name(zone, nb, sizeof nb));
	}
	if (e->security == RSEC_INSECURE) {
		key_store(r, zone, RSEC_INSECURE, RES_NO_EDE, "below an insecure zone", ttl,
			  NULL, 0);
		return zset(z, Z_INSECURE, NULL, RES_NO_EDE, "below an insecure zone");
	}
	if (e->kind == RCACHE_RRSET) {
		if (ds_usable(e->rrs, e->nrrs, &ede))
			return zset(z, Z_NEED_DNSKEY, NULL, RES_NO_EDE, NULL);
		const char *why = ede == DNS_EDE_UNSUPPORTED_DS_DIGEST
			? "its DS records use only unsupported digests"
			: "its DS records use only unsupported algorithms";
		key_store(r, zone, RSEC_INSECURE, ede, why, ttl, NULL, 0);
		return zset(z, Z_INSECURE, NULL, ede, "%s", why);
	}
	if (e->flags & RCACHE_UNSIGNED_CUT) {
		key_store(r, zone, RSEC_INSECURE, RES_NO_EDE, "delegated without DS", ttl, NULL, 0);
		return zset(z, Z_INSECURE, NULL, RES_NO_EDE, "delegated without DS");
	}
	/* Proven: no DS, and no delegation either.  Whatever claims to be
	 * signed by this name is not signed by a zone.  Not kept in the key
	 * cache: the names below are no worse for it. */
	zset(z, Z_BOGUS, NULL, DNS_EDE_DNSSEC_BOGUS, "%s is no zone cut (no DS, no NS)",
	     trace_name(zone, nb, sizeof nb));
	z->not_cut = true;
	return Z_BOGUS;
}

/* ---- fetching what is missing ---------------------------------------------------------- */

static request *top_of(request *rq)
{
	while (rq->parent)
		rq = rq->parent;
	return rq;
}

/* Is (name, type) already being fetched by rq or a request above it? */
static bool fetching(const request *rq, const uint8_t *name, uint16_t type)
{
	for (; rq; rq = rq->parent)
		if (rq->qtype == type && dns_name_equal(rq->qname.data, name))
			return true;
	return false;
}

/* Start the fetch of what `zone` lacks; false when it cannot be started
 * (the zone is then recorded as bogus, and the caller goes on). */
static bool start_fetch(resolver *r, request *rq, const uint8_t *zone, uint16_t type)
{
	char zb[DNS_NAME_MAXTEXT];
	const char *why = NULL;
	if (fetching(rq, zone, type))
		why = "the chain of trust loops";
	else if (rq->depth >= RES_KEY_DEPTH_MAX)
		why = "the chain of trust is too long";
	else if (rq->key_fetches >= RES_KEY_FETCH_MAX)
		why = "too many key fetches";
	if (why) {
		trace_event(r, rq, "key_fetch_refused", "\"zone\":\"%s\",\"why\":\"%s\"",
			    trace_name(zone, zb, sizeof zb), why);
		key_store(r, zone, RSEC_BOGUS, DNS_EDE_DNSSEC_BOGUS, why, RCACHE_BOGUS_TTL,
			  NULL, 0);
		return false;
	}
	bool joined;
	request *child = res_request(r, zone, type, DNS_C_IN, rq, &joined);
	if (child == NULL)
		return false;
	child->key_fetch = true;
	/* Address lookups inside key fetches count as nested as the
	 * request's own. */
	child->ns_depth = rq->ns_depth;
	rq->key_fetches++;
	char tb[DNS_MNEMONIC_MAX];
	trace_event(r, rq, "key_fetch", "\"zone\":\"%s\",\"qtype\":\"%s\",\"child\":%u",
		    trace_name(zone, zb, sizeof zb), dns_type_to_text(type, tb), child->id);
	if (!joined)
		res_wake(r, child);
	rq->children++;
	return true;
}

/* Make sure the state of `zone` is known; false when a fetch was started.
 * `ds_level`: rq fetches the zone's DNSKEY itself, for which the DS is
 * enough. */
static bool ensure_zone(resolver *r, request *rq, const uint8_t *zone, bool ds_level)
{
	zinfo z;
	switch (zone_state(r, zone, &z)) {
	case Z_SECURE:
	case Z_INSECURE:
	case Z_BOGUS:
		return true;
	case Z_NEED_DNSKEY:
		if (ds_level)
			return true;
		return !start_fetch(r, rq, zone, DNS_T_DNSKEY);
	case Z_NEED_DS:
		return !start_fetch(r, rq, zone, DNS_T_DS);
	}
	return true;
}

bool val_ensure(resolver *r, request *rq)
{
	if (!r->val.active)
		return true;
	bool own_keys = rq->qtype == DNS_T_DNSKEY && dns_name_equal(rq->name.data, rq->zone.data);
	if (!ensure_zone(r, rq, rq->zone.data, own_keys))
		return false;
	if (rq->has_need && !dns_name_equal(rq->need_zone.data, rq->zone.data)) {
		bool own = rq->qtype == DNS_T_DNSKEY &&
			   dns_name_equal(rq->name.data, rq->need_zone.data);
		if (!ensure_zone(r, rq, rq->need_zone.data, own))
			return false;
	}
	return true;
}

void val_fetch_done(resolver *r, request *rq)
{
	if (!r->val.active || !rq->key_fetch)
		return;
	zinfo z;
	enum zstate st = zone_state(r, rq->qname.data, &z);
	char nb[DNS_NAME_MAXTEXT], why[100];
	trace_name(rq->qname.data, nb, sizeof nb);
	/* The servers were tried and none answered: no reply, lame or not. */
	bool unreachable = rq->rcode == DNS_R_SERVFAIL && rq->lame == 0 &&
			   rq->timeouts + rq->unreachable > 0 &&
			   (rq->ede == DNS_EDE_NETWORK_ERROR ||
			    rq->ede == DNS_EDE_NO_REACHABLE_AUTHORITY);
	if (unreachable && (st == Z_NEED_DNSKEY || st == Z_NEED_DS)) {
		snprintf(why, sizeof why, "the %s RRset of %.50s: no server answered",
			 rq->qtype == DNS_T_DS ? "DS" : "DNSKEY", nb);
		key_store(r, rq->qname.data, RSEC_BOGUS, rq->ede, why,
			  RCACHE_UNREACHABLE_TTL, NULL, 0);
		val_key *k = key_find(r, rq->qname.data);
		if (k)
			k->unreachable = true;
	} else if (rq->qtype == DNS_T_DNSKEY && st == Z_NEED_DNSKEY) {
		snprintf(why, sizeof why, "no usable DNSKEY RRset for %.60s", nb);
		key_store(r, rq->qname.data, RSEC_BOGUS, DNS_EDE_DNSKEY_MISSING, why,
			  RCACHE_BOGUS_TTL, NULL, 0);
	} else if (rq->qtype == DNS_T_DS && st == Z_NEED_DS) {
		snprintf(why, sizeof why, "the DS RRset of %.60s could not be had", nb);
		key_store(r, rq->qname.data, RSEC_BOGUS, DNS_EDE_DNSSEC_BOGUS, why,
			  RCACHE_BOGUS_TTL, NULL, 0);
	}
}

void val_zone_answered(resolver *r, const uint8_t *zone)
{
	if (!r->val.active)
		return;
	val_key *k = key_find(r, zone);
	if (k && k->unreachable)
		key_remove(&r->val, zone, k->hash);
}

/* ---- verdicts ----------------------------------------------------------------------- */

static void verdict(val_verdict *v, uint8_t security, uint16_t ede, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void verdict(val_verdict *v, uint8_t security, uint16_t ede, const char *fmt, ...)
{
	v->security = security;
	v->ede = ede;
	v->why[0] = '\0';
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(v->why, sizeof v->why, fmt, ap);
		va_end(ap);
	}
}

static void need(val_verdict *v, const uint8_t *zone)
{
	memset(v, 0, sizeof *v);
	v->ede = RES_NO_EDE;
	v->need = true;
	dns_name_copy(&v->need_zone, zone);
}

/* A zone's insecure or bogus state as the verdict on its data. */
static void from_zone(val_verdict *v, const zinfo *z)
{
	if (z->st == Z_INSECURE)
		verdict(v, RSEC_INSECURE, z->ede, "%s", z->why);
	else {
		verdict(v, RSEC_BOGUS, z->ede != RES_NO_EDE ? z->ede : DNS_EDE_DNSSEC_BOGUS,
			"%s", z->why[0] ? z->why : "the zone's keys are bogus");
		/* Bogus only as long as the zone's keys are known bad. */
		v->ttl = z->left;
	}
}

/* The Extended DNS Error for a signature that did not validate. */
static uint16_t sig_ede(dnssec_sig_status s)
{
	switch (s) {
	case DNSSEC_SIG_EXPIRED: return DNS_EDE_SIGNATURE_EXPIRED;
	case DNSSEC_SIG_NOT_YET_VALID: return DNS_EDE_SIGNATURE_NOT_YET_VALID;
	case DNSSEC_SIG_NONE:
	case DNSSEC_SIG_WRONG_TYPE: return DNS_EDE_RRSIGS_MISSING;
	case DNSSEC_SIG_NO_KEY: return DNS_EDE_DNSKEY_MISSING;
	case DNSSEC_SIG_UNSUPPORTED: return DNS_EDE_UNSUPPORTED_DNSKEY_ALG;
	default: return DNS_EDE_DNSSEC_BOGUS;
	}
}

void val_merge(request *rq, const val_verdict *v)
{
	uint8_t before = rq->security;
	rq->security = rq->sec_started ? (uint8_t)rsec_worst(rq->security, v->security)
				       : v->security;
	rq->sec_started = true;
	/* The reason kept is the one of the worst part. */
	if (v->ede != RES_NO_EDE && (rq->val_ede == RES_NO_EDE || rq->security != before)) {
		rq->val_ede = v->ede;
		snprintf(rq->val_text, sizeof rq->val_text, "%s", v->why);
	}
}

size_t val_collect_sigs(const dns_msg *m, int sec, const uint8_t *owner, uint16_t type,
			dns_rr *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < m->count[sec] && n < max; i++) {
		const dns_rr *rr = &m->rr[sec][i];
		if (rr->type == DNS_T_RRSIG && rr->rclass == DNS_C_IN && rr->rdlen >= 2 &&
		    (uint16_t)(rr->rdata[0] << 8 | rr->rdata[1]) == type &&
		    dns_name_equal(rr->owner, owner))
			out[n++] = *rr;
	}
	return n;
}

/* The zone that signed: the signer of the first covering RRSIG that
 * parses and stands at or above the owner; false when there is none. */
static bool signer_of(const dns_rr *set, const dns_rr *sigs, size_t nsigs, dns_name *out)
{
	for (size_t i = 0; i < nsigs; i++) {
		dnssec_rrsig rs;
		if (dnssec_rrsig_parse(sigs[i].rdata, sigs[i].rdlen, &rs) == DNS_OK &&
		    rs.type_covered == set->type && dns_name_is_subdomain(set->owner, rs.signer)) {
			dns_name_copy(out, rs.signer);
			return true;
		}
	}
	return false;
}

/* One more RRset checked for this resolution: false once the budget is
 * spent (the verdict then says so). */
static bool spend(request *rq, val_verdict *v)
{
	request *top = top_of(rq);
	if (top->validations >= RES_VALIDATIONS_MAX) {
		verdict(v, RSEC_BOGUS, DNS_EDE_DNSSEC_BOGUS,
			"validation budget of %d RRsets spent", RES_VALIDATIONS_MAX);
		return false;
	}
	top->validations++;
	return true;
}

/* The DNSKEY RRset of its own zone, against the DS (or the anchor). */
static void dnskey_by_ds(resolver *r, request *rq, const dns_rr *set, size_t n,
			 const dns_rr *sigs, size_t nsigs, val_verdict *v)
{
	char zb[DNS_NAME_MAXTEXT];
	const uint8_t *zone = set[0].owner;
	trace_name(zone, zb, sizeof zb);
	dns_rr dsbuf[16];
	size_t nds;
	const dns_rr *ds = ds_for(r, zone, dsbuf, 16, &nds);
	if (ds == NULL) {
		need(v, zone);  /* the DS is not known after all: fetch it */
		return;
	}
	if (!spend(rq, v))
		return;
	uint32_t now = val_now(r);
	dnssec_key *keys = calloc(VAL_KEYS_PER_ZONE, sizeof *keys);
	if (keys == NULL) {
		verdict(v, RSEC_BOGUS, DNS_EDE_DNSSEC_BOGUS, "out of memory");
		return;
	}
	size_t nk = 0;
	dnssec_keys_from_rrset(set, n, keys, VAL_KEYS_PER_ZONE, &nk);
	dnssec_verify_result res;
	dnssec_sig_status st = dnssec_verify_dnskeys_by_ds(set, n, sigs, nsigs, keys, nk, ds, nds,
							   now, &res);
	if (st == DNSSEC_SIG_VALID) {
		key_store(r, zone, RSEC_SECURE, RES_NO_EDE, NULL, res.ttl, keys, nk);
		verdict(v, RSEC_SECURE, RES_NO_EDE, NULL);
		v->ttl = res.ttl;
		return;
	}
	dnssec_keys_free(keys, nk);
	free(keys);
	uint16_t ede = sig_ede(st);
	if (st == DNSSEC_SIG_NO_KEY || st == DNSSEC_SIG_NONE)
		ede = nsigs == 0 ? DNS_EDE_RRSIGS_MISSING : DNS_EDE_DNSKEY_MISSING;
	char why[100];
	if (st == DNSSEC_SIG_NO_KEY)
		snprintf(why, sizeof why, "no DNSKEY of %.50s matches its DS and signs the keys", zb);
	else
		snprintf(why, sizeof why, "DNSKEY RRset of %.50s: %.30s", zb,
			 nsigs ? dnssec_sig_status_text(st) : "no RRSIG");
	key_store(r, zone, RSEC_BOGUS, ede, why, RCACHE_BOGUS_TTL, NULL, 0);
	verdict(v, RSEC_BOGUS, ede, "%s", why);
}

/* Unsigned data from the servers of a secure zone, for a name below it:
 * look for the cut between, one label at a time (RFC 4035 5.2, as
 * validators walk down with DS queries): a delegation without DS makes
 * it insecure; a signed one, or none at all, bogus. */
static void unsigned_below(resolver *r, request *rq, const dns_rr *set, val_verdict *v)
{
	char nb[DNS_NAME_MAXTEXT], zb[DNS_NAME_MAXTEXT], tb[DNS_MNEMONIC_MAX];
	const uint8_t *owner = set[0].owner, *zone = rq->zone.data;
	unsigned zl = dns_name_labels(zone), ol = dns_name_labels(owner);
	/* A DS RRset belongs to the parent side: its own name is no cut. */
	if (set[0].type == DNS_T_DS && ol > 0)
		ol--;
	for (unsigned k = zl + 1; dns_name_is_subdomain(owner, zone) && k <= ol; k++) {
		const uint8_t *n = dns_name_skip_labels(set[0].owner,
							dns_name_labels(set[0].owner) - k);
		zinfo z;
		enum zstate st = zone_state(r, n, &z);
		if (st == Z_NEED_DS || st == Z_NEED_DNSKEY) {
			need(v, n);
			return;
		}
		if (st == Z_BOGUS && z.not_cut)
			continue;
		if (st == Z_INSECURE || st == Z_BOGUS) {
			from_zone(v, &z);
			return;
		}
		break;  /* a secure zone: its data must be signed */
	}
	verdict(v, RSEC_BOGUS, DNS_EDE_RRSIGS_MISSING, "%s %s: no RRSIG from %s",
		trace_name(owner, nb, sizeof nb), dns_type_to_text(set[0].type, tb),
		trace_name(zone, zb, sizeof zb));
}

void val_rrset(resolver *r, request *rq, const dns_rr *set, size_t n, const dns_rr *sigs,
	       size_t nsigs, val_verdict *v)
{
	memset(v, 0, sizeof *v);
	v->ede = RES_NO_EDE;
	char nb[DNS_NAME_MAXTEXT], tb[DNS_MNEMONIC_MAX];
	if (!r->val.active || n == 0) {
		verdict(v, RSEC_UNCHECKED, RES_NO_EDE, NULL);
		return;
	}
	dns_name signer;
	bool signed_ = signer_of(set, sigs, nsigs, &signer);
	zinfo z;
	if (!signed_) {
		/* Unsigned: fine in an insecure zone, bogus in a secure one --
		 * unless it comes from an unsigned zone below, served by the
		 * same servers: then a delegation without DS lies between. */
		enum zstate st = zone_state(r, rq->zone.data, &z);
		if (st == Z_NEED_DS || st == Z_NEED_DNSKEY)
			need(v, rq->zone.data);
		else if (st == Z_SECURE)
			unsigned_below(r, rq, set, v);
		else
			from_zone(v, &z);
		return;
	}
	/* A zone's own key set is checked against its DS, and it is the
	 * one thing that may be: the other RRsets need the keys. */
	if (set[0].type == DNS_T_DNSKEY && dns_name_equal(set[0].owner, signer.data)) {
		enum zstate st = zone_state(r, signer.data, &z);
		if (st == Z_NEED_DS)
			need(v, signer.data);
		else if (st == Z_NEED_DNSKEY)
			dnskey_by_ds(r, rq, set, n, sigs, nsigs, v);
		else if (st != Z_SECURE)
			from_zone(v, &z);
		if (st != Z_SECURE)
			return;
		/* Keys already trusted: the set must be signed by one of them. */
	}
	enum zstate st = zone_state(r, signer.data, &z);
	if (st == Z_NEED_DS || st == Z_NEED_DNSKEY) {
		need(v, signer.data);
		return;
	}
	if (st != Z_SECURE) {
		from_zone(v, &z);
		return;
	}
	if (!spend(rq, v))
		return;
	dnssec_verify_result res;
	dnssec_sig_status s = dnssec_verify_rrset(set, n, sigs, nsigs, z.key->keys, z.key->nkeys,
						  val_now(r), &res);
	if (s == DNSSEC_SIG_VALID) {
		verdict(v, RSEC_SECURE, RES_NO_EDE, NULL);
		v->ttl = res.ttl;
		v->wildcard = res.wildcard;
		v->source = res.source;
		return;
	}
	verdict(v, RSEC_BOGUS, sig_ede(s), "%s %s: %s", trace_name(set[0].owner, nb, sizeof nb),
		dns_type_to_text(set[0].type, tb), dnssec_sig_status_text(s));
}

/* ---- denial of existence ------------------------------------------------------------ */

/* Does the NSEC (or NSEC3) matching `name` show a delegation without DS,
 * or does an opt-out span cover it?  Then what is below is insecure. */
static bool unsigned_delegation(const dns_rr *rrs, size_t n, const uint8_t *zone,
				const uint8_t *name)
{
	for (size_t i = 0; i < n; i++) {
		const dns_rr *rr = &rrs[i];
		const uint8_t *bm = NULL;
		size_t bmlen = 0;
		if (rr->type == DNS_T_NSEC && dns_name_equal(rr->owner, name)) {
			size_t nl;
			if (dns_name_check(rr->rdata, rr->rdlen, &nl) != DNS_OK)
				continue;
			bm = rr->rdata + nl;
			bmlen = rr->rdlen - nl;
		} else if (rr->type == DNS_T_NSEC3) {
			dnssec_nsec3 f;
			uint8_t own[DNSSEC_NSEC3_HASHLEN], h[DNSSEC_NSEC3_HASHLEN];
			if (dnssec_nsec3_parse(rr->rdata, rr->rdlen, false, &f) != DNS_OK ||
			    dnssec_nsec3_owner_hash(rr->owner, zone, own) != DNS_OK ||
			    dnssec_nsec3_hash(name, f.alg, f.iterations, f.salt, f.saltlen, h) !=
				    DNS_OK ||
			    memcmp(own, h, sizeof h) != 0)
				continue;
			bm = f.bitmap;
			bmlen = f.bitmaplen;
		} else {
			continue;
		}
		return dnssec_bitmap_has(bm, bmlen, DNS_T_NS) &&
		       !dnssec_bitmap_has(bm, bmlen, DNS_T_DS) &&
		       !dnssec_bitmap_has(bm, bmlen, DNS_T_SOA);
	}
	return dnssec_nsec3_nodata(rrs, n, zone, name, DNS_T_DS) == DNSSEC_DENIAL_OPTOUT;
}

static bool denial_type(uint16_t t)
{
	return t == DNS_T_NSEC || t == DNS_T_NSEC3;
}

void val_denial(resolver *r, request *rq, const dns_msg *m, enum val_denial_kind kind,
		const uint8_t *qname, uint16_t qtype, const uint8_t *source,
		val_verdict *v, rrlist *proof, bool *unsigned_cut)
{
	memset(v, 0, sizeof *v);
	v->ede = RES_NO_EDE;
	if (unsigned_cut)
		*unsigned_cut = false;
	if (!r->val.active) {
		verdict(v, RSEC_UNCHECKED, RES_NO_EDE, NULL);
		return;
	}
	char nb[DNS_NAME_MAXTEXT];
	trace_name(qname, nb, sizeof nb);
	const size_t na = m->count[1];
	const dns_rr *auth = m->rr[1];
	/* The zone that signed the denial: the signer of the SOA's (or else
	 * the first NSEC's) RRSIG; unsigned, the zone asked. */
	dns_name zone;
	dns_rr sigbuf[8];
	bool signed_ = false;
	for (size_t i = 0; i < na && !signed_; i++) {
		const dns_rr *rr = &auth[i];
		if (rr->type != DNS_T_SOA && !denial_type(rr->type))
			continue;
		size_t ns = val_collect_sigs(m, 1, rr->owner, rr->type, sigbuf, 8);
		signed_ = signer_of(rr, sigbuf, ns, &zone);
	}
	if (!signed_)
		dns_name_copy(&zone, rq->zone.data);
	zinfo z;
	enum zstate st = zone_state(r, zone.data, &z);
	if (st == Z_NEED_DS || st == Z_NEED_DNSKEY) {
		need(v, zone.data);
		return;
	}
	if (st != Z_SECURE) {
		from_zone(v, &z);
		return;
	}
	/* Each NSEC/NSEC3 RRset (and the SOA) on its own; those that
	 * validate make the proof. */
	dns_rr *valid = malloc((na ? na : 1) * sizeof *valid);
	if (valid == NULL) {
		verdict(v, RSEC_BOGUS, DNS_EDE_DNSSEC_BOGUS, "out of memory");
		return;
	}
	size_t nvalid = 0, sets = 0, denials = 0;
	val_verdict worst = { .security = RSEC_SECURE, .ede = RES_NO_EDE }, soa = worst;
	for (size_t i = 0; i < na; i++) {
		const dns_rr *rr = &auth[i];
		if (rr->type != DNS_T_SOA && !denial_type(rr->type))
			continue;
		if (denial_type(rr->type))
			denials++;
		bool seen = false;  /* an RRset is checked once, at its first record */
		for (size_t k = 0; k < i && !seen; k++)
			seen = auth[k].type == rr->type && dns_name_equal(auth[k].owner, rr->owner);
		if (seen || sets >= VAL_DENIAL_SETS_MAX)
			continue;
		sets++;
		dns_rr set[16];
		size_t n = 0;
		for (size_t k = i; k < na && n < 16; k++)
			if (auth[k].type == rr->type && dns_name_equal(auth[k].owner, rr->owner))
				set[n++] = auth[k];
		size_t ns = val_collect_sigs(m, 1, rr->owner, rr->type, sigbuf, 8);
		val_verdict sv;
		val_rrset(r, rq, set, n, sigbuf, ns, &sv);
		if (sv.need) {
			*v = sv;
			free(valid);
			return;
		}
		if (rr->type == DNS_T_SOA) {
			soa = sv;
			continue;
		}
		if (sv.security != RSEC_SECURE) {
			if (rsec_worst(worst.security, sv.security) != worst.security)
				worst = sv;
			continue;
		}
		for (size_t k = 0; k < n; k++) {
			valid[nvalid++] = set[k];
			if (proof)
				(void)rrlist_add(proof, &set[k]);
		}
		for (size_t k = 0; k < ns && proof; k++)
			(void)rrlist_add(proof, &sigbuf[k]);
	}
	dnssec_denial d = DNSSEC_DENIAL_NOT_PROVEN;
	bool nsec3 = false;
	for (size_t i = 0; i < nvalid; i++)
		nsec3 |= valid[i].type == DNS_T_NSEC3;
	switch (kind) {
	case VAL_NXDOMAIN:
		d = nsec3 ? dnssec_nsec3_nxdomain(valid, nvalid, zone.data, qname)
			  : dnssec_nsec_nxdomain(valid, nvalid, zone.data, qname);
		break;
	case VAL_NODATA:
		d = nsec3 ? dnssec_nsec3_nodata(valid, nvalid, zone.data, qname, qtype)
			  : dnssec_nsec_nodata(valid, nvalid, zone.data, qname, qtype);
		if (d == DNSSEC_DENIAL_PROVEN && qtype == DNS_T_DS && unsigned_cut)
			*unsigned_cut = unsigned_delegation(valid, nvalid, zone.data, qname);
		if (d == DNSSEC_DENIAL_OPTOUT && unsigned_cut)
			*unsigned_cut = true;
		break;
	case VAL_WILDCARD:
		d = nsec3 ? dnssec_nsec3_wildcard(valid, nvalid, zone.data, qname, source)
			  : dnssec_nsec_wildcard(valid, nvalid, zone.data, qname, source);
		break;
	}
	free(valid);
	static const char *what[] = { "NXDOMAIN", "NODATA", "wildcard expansion" };
	switch (d) {
	case DNSSEC_DENIAL_PROVEN:
		/* The SOA goes to the client with the denial: it must hold too. */
		if (soa.security == RSEC_BOGUS)
			*v = soa;
		else
			verdict(v, RSEC_SECURE, RES_NO_EDE, NULL);
		break;
	case DNSSEC_DENIAL_OPTOUT:
	case DNSSEC_DENIAL_ITERATIONS:
	case DNSSEC_DENIAL_UNSUPPORTED:
		verdict(v, RSEC_INSECURE, RES_NO_EDE, "%s for %s: %s", what[kind], nb,
			dnssec_denial_text(d));
		break;
	case DNSSEC_DENIAL_NOT_PROVEN:
		if (worst.security == RSEC_BOGUS && worst.ede != RES_NO_EDE)
			*v = worst;     /* a bad signature says more */
		else if (denials == 0)
			verdict(v, RSEC_BOGUS, DNS_EDE_NSEC_MISSING, "%s for %s: no NSEC or NSEC3",
				what[kind], nb);
		else
			verdict(v, RSEC_BOGUS, DNS_EDE_NSEC_MISSING,
				"%s for %s: the NSEC/NSEC3 records do not prove it", what[kind], nb);
		break;
	}
}

/* ---- referrals ------------------------------------------------------------------------ */

void val_referral(resolver *r, request *rq, const dns_msg *m, const uint8_t *child)
{
	if (!r->val.active)
		return;
	zinfo z;
	if (zone_state(r, rq->zone.data, &z) != Z_SECURE)
		return;         /* below an insecure zone, the child is so too */
	char cb[DNS_NAME_MAXTEXT];
	trace_name(child, cb, sizeof cb);
	dns_rr set[16], sigs[8];
	size_t n = 0;
	for (size_t i = 0; i < m->count[1] && n < 16; i++) {
		const dns_rr *rr = &m->rr[1][i];
		if (rr->type == DNS_T_DS && rr->rclass == DNS_C_IN && dns_name_equal(rr->owner, child))
			set[n++] = *rr;
	}
	val_verdict v;
	if (n > 0) {
		size_t ns = val_collect_sigs(m, 1, child, DNS_T_DS, sigs, 8);
		val_rrset(r, rq, set, n, sigs, ns, &v);
		if (v.need)
			return;     /* fetched on its own when needed */
		if (v.security == RSEC_SECURE)
			for (size_t i = 0; i < n; i++)
				if (set[i].ttl > v.ttl)
					set[i].ttl = v.ttl;
		rcache_dnssec sec = { .security = v.security, .ede = v.ede, .sigs = sigs,
				      .nsigs = ns };
		(void)rcache_put_rrset(r->cache, set, n, RANK_AUTHORITY, &sec, r->now_ms);
		trace_event(r, rq, "verdict", "\"what\":\"delegation\",\"name\":\"%s\","
			    "\"security\":\"%s\",\"ds\":%zu%s%s%s", cb, rsec_name(v.security), n,
			    v.why[0] ? ",\"why\":\"" : "", v.why, v.why[0] ? "\"" : "");
		return;
	}
	bool any = false;
	for (size_t i = 0; i < m->count[1] && !any; i++)
		any = denial_type(m->rr[1][i].type);
	if (!any)
		return;         /* neither: the DS is asked for when needed */
	rrlist proof;
	rrlist_init(&proof);
	bool cut = false;
	val_denial(r, rq, m, VAL_NODATA, child, DNS_T_DS, NULL, &v, &proof, &cut);
	if (!v.need && v.security != RSEC_BOGUS && cut) {
		uint32_t ttl = UINT32_MAX;
		for (size_t i = 0; i < proof.n; i++)
			if (proof.rr[i].ttl < ttl)
				ttl = proof.rr[i].ttl;
		if (ttl == UINT32_MAX)
			ttl = 0;
		rcache_dnssec sec = { .security = v.security, .flags = RCACHE_UNSIGNED_CUT,
				      .proof = proof.rr, .nproof = proof.n };
		(void)rcache_put_negative(r->cache, RCACHE_NODATA, child, DNS_T_DS, DNS_C_IN,
					  NULL, ttl, &sec, r->now_ms);
		trace_event(r, rq, "verdict", "\"what\":\"delegation\",\"name\":\"%s\","
			    "\"security\":\"insecure\",\"why\":\"no DS, proven\"", cb);
	}
	rrlist_free(&proof);
}
