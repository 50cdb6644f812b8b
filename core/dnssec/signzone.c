/* Zone signing and zone verification over dns_zonedata. */
#include "signzone.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "dns/soa.h"
#include "dns/wire.h"
#include "dnssec/nsec.h"
#include "dnssec/rrsig.h"

struct report {
	void (*diag)(void *, const dns_diag *);
	void *ctx;
	const char *file;
	unsigned errors;
};

static void fail(struct report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct report *r, const char *fmt, ...)
{
	dns_diag d = { .severity = DNS_ERROR, .file = r->file };
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d.msg, sizeof d.msg, fmt, ap);
	va_end(ap);
	r->errors++;
	if (r->diag)
		r->diag(r->ctx, &d);
}

static const char *nm(const uint8_t *name, char *buf)
{
	if (dns_name_to_text(name, buf, DNS_NAME_MAXTEXT, NULL))
		strcpy(buf, "?");
	return buf;
}

static bool is_meta(uint16_t t)
{
	return t == DNS_T_RRSIG || t == DNS_T_NSEC || t == DNS_T_NSEC3;
}

/* ---- the zone's shape ------------------------------------------------------- */

enum name_kind { N_APEX, N_AUTH, N_DELEG, N_ENT };

/* A name of the chain: its records [first, end) in the sorted zone. */
struct zname {
	const uint8_t *owner;
	size_t first, end;
	enum name_kind kind;
	bool has_ds;
};

static bool group_has(const dns_zonedata *z, size_t first, size_t end, uint16_t type)
{
	for (size_t i = first; i < end; i++)
		if (z->rr[i].type == type)
			return true;
	return false;
}

static size_t group_end(const dns_zonedata *z, size_t i)
{
	size_t j = i;
	while (j < z->n && dns_name_equal(z->rr[j].owner, z->rr[i].owner))
		j++;
	return j;
}

/* Walks the sorted zone name by name, keeping track of cuts. */
struct walker {
	const dns_zonedata *z;
	size_t i;                 /* start of the next name */
	const uint8_t *cut;       /* the last delegation or DNAME owner */
};

/* The next name in the zone: its records, whether it is occluded, its
 * kind.  false at the end. */
static bool walk_next(struct walker *w, size_t *first, size_t *end, bool *occluded,
		      enum name_kind *kind)
{
	const dns_zonedata *z = w->z;
	if (w->i >= z->n)
		return false;
	*first = w->i;
	*end = group_end(z, w->i);
	w->i = *end;
	const uint8_t *owner = z->rr[*first].owner;
	*occluded = !dns_name_is_subdomain(owner, z->origin.data) ||
		    (w->cut && dns_name_is_subdomain(owner, w->cut) && !dns_name_equal(owner, w->cut));
	*kind = N_AUTH;
	if (*occluded)
		return true;
	if (dns_name_equal(owner, z->origin.data)) {
		*kind = N_APEX;
	} else if (group_has(z, *first, *end, DNS_T_NS)) {
		*kind = N_DELEG;
		w->cut = owner;
	}
	if (*kind != N_DELEG && group_has(z, *first, *end, DNS_T_DNAME))
		w->cut = owner;
	return true;
}

/* The names that go into the NSEC/NSEC3 chain: not occluded, with some
 * data beyond DNSSEC's own records.  Canonical order. */
static struct zname *chain_names(const dns_zonedata *z, size_t *count)
{
	struct zname *names = malloc((z->n ? z->n : 1) * sizeof *names);
	size_t n = 0, first, end;
	bool occluded;
	enum name_kind kind;
	struct walker w = { z, 0, NULL };
	if (names == NULL)
		return NULL;
	while (walk_next(&w, &first, &end, &occluded, &kind)) {
		bool data = false;
		for (size_t i = first; i < end && !data; i++)
			data = !is_meta(z->rr[i].type);
		if (occluded || !data)
			continue;
		names[n++] = (struct zname){ z->rr[first].owner, first, end, kind,
					     group_has(z, first, end, DNS_T_DS) };
	}
	*count = n;
	return names;
}

/* The types a name's NSEC or NSEC3 bitmap lists. */
static size_t name_types(const dns_zonedata *z, const struct zname *nm_, bool nsec3,
			 uint16_t *types)
{
	size_t n = 0;
	for (size_t i = nm_->first; i < nm_->end; i++) {
		uint16_t t = z->rr[i].type;
		if (is_meta(t) || (n > 0 && types[n - 1] == t))
			continue;
		if (nm_->kind == N_DELEG && t != DNS_T_NS && t != DNS_T_DS)
			continue;
		types[n++] = t;
	}
	if (!nsec3)
		types[n++] = DNS_T_NSEC;
	/* RRSIG when something at the name is signed: the NSEC itself, or for
	 * NSEC3 (which lives elsewhere) the name's own data. */
	if (!nsec3 || nm_->kind == N_APEX || nm_->kind == N_AUTH || nm_->has_ds)
		types[n++] = DNS_T_RRSIG;
	return n;
}

static dns_err bitmap_of(const dns_zonedata *z, const struct zname *nm_, bool nsec3,
			 uint8_t *bm, size_t *bmlen)
{
	uint16_t *types = malloc((nm_->end - nm_->first + 2) * sizeof *types);
	if (types == NULL)
		return DNS_E_NOMEM;
	size_t nt = nm_->kind == N_ENT ? 0 : name_types(z, nm_, nsec3, types);
	dns_err err = dnssec_bitmap_build(types, nt, bm, DNSSEC_BITMAP_MAXLEN, bmlen);
	free(types);
	return err;
}

/* The TTL of NSEC and NSEC3 records (RFC 9077): min(SOA TTL, MINIMUM). */
static bool negative_ttl(const dns_zonedata *z, uint32_t *ttl, uint32_t *soa_ttl)
{
	for (size_t i = 0; i < z->n; i++)
		if (z->rr[i].type == DNS_T_SOA && dns_name_equal(z->rr[i].owner, z->origin.data)) {
			dns_soa soa;
			if (dns_soa_read(z->rr[i].rdata, z->rr[i].rdlen, &soa))
				return false;
			*ttl = dns_negative_ttl(z->rr[i].ttl, soa.minimum);
			*soa_ttl = z->rr[i].ttl;
			return true;
		}
	return false;
}

/* ---- NSEC3 names and hashes ------------------------------------------------ */

struct hashed {
	uint8_t hash[DNSSEC_NSEC3_HASHLEN];
	struct zname name;
	dns_name ent;   /* the owner of an empty non-terminal */
};

static int hashed_cmp(const void *a, const void *b)
{
	return memcmp(((const struct hashed *)a)->hash, ((const struct hashed *)b)->hash,
		      DNSSEC_NSEC3_HASHLEN);
}

static int zname_cmp(const void *key, const void *elem)
{
	return dns_name_compare(key, ((const struct zname *)elem)->owner);
}

static int dname_cmp(const void *a, const void *b)
{
	return dns_name_compare(((const dns_name *)a)->data, ((const dns_name *)b)->data);
}

static bool insecure_delegation(const struct zname *n)
{
	return n->kind == N_DELEG && !n->has_ds;
}

/* The names NSEC3 covers (without unsigned delegations under opt-out),
 * their empty non-terminals, hashed and sorted by hash. */
static struct hashed *nsec3_names(const dns_zonedata *z, const struct zname *names, size_t n,
				  uint8_t alg, uint16_t iterations, const uint8_t *salt,
				  uint8_t saltlen, bool optout, size_t *count, dns_err *err)
{
	unsigned apex_labels = dns_name_labels(z->origin.data);
	size_t nents = 0, cap = 16, total = 0;
	dns_name *ents = malloc(cap * sizeof *ents);
	struct hashed *h = NULL;
	*err = DNS_E_NOMEM;
	if (ents == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (optout && insecure_delegation(&names[i]))
			continue;
		unsigned labels = dns_name_labels(names[i].owner);
		for (unsigned k = 1; labels > apex_labels && k < labels - apex_labels; k++) {
			const uint8_t *anc = dns_name_skip_labels(names[i].owner, k);
			if (bsearch(anc, names, n, sizeof *names, zname_cmp))
				break; /* it exists, and so do its ancestors */
			if (nents == cap) {
				dns_name *e = realloc(ents, (cap *= 2) * sizeof *ents);
				if (e == NULL)
					goto out;
				ents = e;
			}
			dns_name_copy(&ents[nents++], anc);
		}
	}
	qsort(ents, nents, sizeof *ents, dname_cmp);
	h = malloc((n + nents + 1) * sizeof *h);
	if (h == NULL)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (!(optout && insecure_delegation(&names[i])))
			h[total++].name = names[i];
	for (size_t i = 0; i < nents; i++) {
		if (i > 0 && dns_name_equal(ents[i].data, ents[i - 1].data))
			continue;
		h[total].ent = ents[i];
		h[total].name = (struct zname){ NULL, 0, 0, N_ENT, false };
		total++;
	}
	for (size_t i = 0; i < total; i++) {
		const uint8_t *owner = h[i].name.kind == N_ENT ? h[i].ent.data : h[i].name.owner;
		*err = dnssec_nsec3_hash(owner, alg, iterations, salt, saltlen, h[i].hash);
		if (*err) {
			free(h);
			h = NULL;
			goto out;
		}
	}
	qsort(h, total, sizeof *h, hashed_cmp);
	*count = total;
	*err = DNS_OK;
out:
	free(ents);
	return h;
}

static const uint8_t *hashed_owner(const struct hashed *h)
{
	return h->name.kind == N_ENT ? h->ent.data : h->name.owner;
}

/* ---- signing ------------------------------------------------------------------ */

/* Records made while signing, kept until they join the zone. */
struct pending {
	dns_rr *rr;
	uint8_t **mem;
	size_t n, cap;
};

static bool pending_add(struct pending *p, const uint8_t *owner, uint16_t type,
			uint32_t ttl, const uint8_t *rd, size_t rdlen)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 256;
		dns_rr *r = realloc(p->rr, cap * sizeof *r);
		if (r)
			p->rr = r;
		uint8_t **m = realloc(p->mem, cap * sizeof *m);
		if (m)
			p->mem = m;
		if (!r || !m)
			return false;
		p->cap = cap;
	}
	size_t olen = dns_name_length(owner);
	uint8_t *mem = malloc(olen + rdlen + 1);
	if (mem == NULL)
		return false;
	memcpy(mem, owner, olen);
	memcpy(mem + olen, rd, rdlen);
	p->mem[p->n] = mem;
	p->rr[p->n++] = (dns_rr){ mem, type, DNS_C_IN, ttl, (uint16_t)rdlen, mem + olen };
	return true;
}

static void pending_free(struct pending *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->mem[i]);
	free(p->mem);
	free(p->rr);
	memset(p, 0, sizeof *p);
}

/* Move the pending records into z and sort it again. */
static bool pending_flush(struct pending *p, dns_zonedata *z)
{
	for (size_t i = 0; i < p->n; i++) {
		p->rr[i].rclass = z->rclass;
		if (!dns_zonedata_add(z, &p->rr[i], "(dnssec)", 0))
			return false;
	}
	pending_free(p);
	return dns_zonedata_finish(z, NULL, NULL) == 0;
}

static dns_err add_nsec_chain(const dns_zonedata *z, const struct zname *names, size_t n,
			      uint32_t ttl, struct pending *p)
{
	uint8_t *rd = malloc(DNS_NAME_MAXLEN + DNSSEC_BITMAP_MAXLEN);
	if (rd == NULL)
		return DNS_E_NOMEM;
	dns_err err = DNS_OK;
	for (size_t i = 0; i < n && !err; i++) {
		const uint8_t *next = names[(i + 1) % n].owner;
		size_t nlen = dns_name_length(next), bmlen;
		memcpy(rd, next, nlen);
		err = bitmap_of(z, &names[i], false, rd + nlen, &bmlen);
		if (!err && !pending_add(p, names[i].owner, DNS_T_NSEC, ttl, rd, nlen + bmlen))
			err = DNS_E_NOMEM;
	}
	free(rd);
	return err;
}

static dns_err add_nsec3_chain(const dns_zonedata *z, const struct zname *names, size_t n,
			       const dnssec_sign_opts *o, uint32_t ttl, struct pending *p,
			       struct report *r)
{
	size_t count = 0;
	dns_err err;
	struct hashed *h = nsec3_names(z, names, n, DNSSEC_NSEC3_SHA1, o->iterations, o->salt,
				       o->saltlen, o->optout, &count, &err);
	if (h == NULL)
		return err;
	uint8_t *rd = malloc(5 + 255 + 21 + DNSSEC_BITMAP_MAXLEN);
	if (rd == NULL) {
		free(h);
		return DNS_E_NOMEM;
	}
	for (size_t i = 0; i < count && !err; i++) {
		char b1[DNS_NAME_MAXTEXT], b2[DNS_NAME_MAXTEXT];
		const struct hashed *next = &h[(i + 1) % count];
		if (count > 1 && memcmp(h[i].hash, next->hash, DNSSEC_NSEC3_HASHLEN) == 0) {
			fail(r, "NSEC3 hash collision between %s and %s; choose another salt",
			     nm(hashed_owner(&h[i]), b1), nm(hashed_owner(next), b2));
			err = DNS_E_FORMAT;
			break;
		}
		size_t len, bmlen;
		dnssec_nsec3param_build(o->iterations, o->salt, o->saltlen, rd, 260, &len);
		rd[1] = o->optout ? DNSSEC_NSEC3_FLAG_OPTOUT : 0;
		rd[len] = DNSSEC_NSEC3_HASHLEN;
		memcpy(rd + len + 1, next->hash, DNSSEC_NSEC3_HASHLEN);
		len += 1 + DNSSEC_NSEC3_HASHLEN;
		dns_name owner;
		err = bitmap_of(z, &h[i].name, true, rd + len, &bmlen);
		if (!err)
			err = dnssec_nsec3_hashed_name(h[i].hash, z->origin.data, &owner);
		if (!err && !pending_add(p, owner.data, DNS_T_NSEC3, ttl, rd, len + bmlen))
			err = DNS_E_NOMEM;
	}
	free(rd);
	free(h);
	return err;
}

/* Is this RRset signed (and checked) as this zone's data? */
static bool authoritative(bool occluded, enum name_kind kind, uint16_t type)
{
	if (occluded || type == DNS_T_RRSIG)
		return false;
	return kind != N_DELEG || type == DNS_T_DS || type == DNS_T_NSEC;
}

/* Calls fn for each RRset of the zone with its RRSIGs and whether it is
 * authoritative. */
typedef void (*rrset_fn)(void *ctx, const dns_rr *rrs, size_t n, const dns_rr *sigs,
			 size_t nsigs, bool auth);

static void each_rrset(const dns_zonedata *z, rrset_fn fn, void *ctx)
{
	struct walker w = { z, 0, NULL };
	size_t first, end;
	bool occluded;
	enum name_kind kind;
	while (walk_next(&w, &first, &end, &occluded, &kind)) {
		size_t sig0 = end, sig1 = end;
		for (size_t i = first; i < end; i++)
			if (z->rr[i].type == DNS_T_RRSIG) {
				if (sig0 == end)
					sig0 = i;
				sig1 = i + 1;
			}
		for (size_t i = first; i < end;) {
			size_t j = i;
			while (j < end && z->rr[j].type == z->rr[i].type)
				j++;
			if (z->rr[i].type != DNS_T_RRSIG)
				fn(ctx, &z->rr[i], j - i, &z->rr[sig0], sig1 - sig0,
				   authoritative(occluded, kind, z->rr[i].type));
			i = j;
		}
	}
}

struct signer {
	const dnssec_key *keys;
	size_t nkeys;
	const dnssec_sign_opts *o;
	struct pending out;
	struct report *r;
	bool failed;
	/* Re-signing: the zone as it was before the edit, whose signatures
	 * over RRsets that did not change are kept while they have
	 * `keep_left` seconds to live; `fresh` counts the RRsets signed
	 * anew. */
	const dns_zonedata *old;
	uint32_t keep_left;
	size_t fresh;
};

/* Whether key i signs RRsets of `type` (see dnssec_sign_zone). */
static bool signs(const struct signer *s, size_t i, uint16_t type)
{
	const dnssec_key *k = &s->keys[i];
	bool sep = k->flags & DNSSEC_FLAG_SEP, other = false;
	for (size_t j = 0; j < s->nkeys; j++)
		if (s->keys[j].algorithm == k->algorithm &&
		    ((s->keys[j].flags & DNSSEC_FLAG_SEP) != 0) != sep)
			other = true;
	if (!other)
		return true;
	return type == DNS_T_DNSKEY ? sep : !sep;
}

/* The first record of z at `owner` (z->n when none). */
static size_t find_owner(const dns_zonedata *z, const uint8_t *owner)
{
	size_t lo = 0, hi = z->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (dns_name_compare(z->rr[mid].owner, owner) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < z->n && dns_name_equal(z->rr[lo].owner, owner) ? lo : z->n;
}

/* An RRSIG by key k that the zone before the edit had over exactly this
 * RRset (same records, same TTL), with time enough left; NULL when it
 * has to be signed anew.  (Not the edited zone's: that still holds the
 * old signatures beside the changed data.) */
static const dns_rr *old_signature(const struct signer *s, const dnssec_key *k,
				   const dns_rr *rrs, size_t n)
{
	const dns_zonedata *z = s->old;
	size_t first = find_owner(z, rrs[0].owner), same = 0;
	if (first == z->n)
		return NULL;
	const dns_rr *found = NULL;
	for (size_t i = first; i < z->n && dns_name_equal(z->rr[i].owner, rrs[0].owner); i++) {
		const dns_rr *rr = &z->rr[i];
		if (rr->type == rrs[0].type) {
			/* Both zones are in canonical order: records pair up. */
			if (same >= n || rr->ttl != rrs[0].ttl ||
			    dns_rdata_compare(rr->type, rr->rdata, rr->rdlen, rrs[same].rdata,
					      rrs[same].rdlen) != 0)
				return NULL;
			same++;
			continue;
		}
		dnssec_rrsig sig;
		if (rr->type != DNS_T_RRSIG || found ||
		    dnssec_rrsig_parse(rr->rdata, rr->rdlen, &sig) != DNS_OK)
			continue;
		int32_t left = (int32_t)(sig.expiration - s->o->inception);
		if (sig.type_covered == rrs[0].type && sig.algorithm == k->algorithm &&
		    sig.key_tag == k->tag && sig.original_ttl == rrs[0].ttl &&
		    sig.labels == dnssec_owner_labels(rrs[0].owner) &&
		    dns_name_equal(sig.signer, k->owner.data) && left > 0 &&
		    (uint32_t)left >= s->keep_left)
			found = rr;
	}
	return same == n ? found : NULL;
}

static void sign_rrset(void *ctx, const dns_rr *rrs, size_t n, const dns_rr *sigs,
		       size_t nsigs, bool auth)
{
	struct signer *s = ctx;
	(void)sigs;
	(void)nsigs;
	if (!auth || s->failed)
		return;
	uint8_t rd[DNSSEC_RRSIG_MAXLEN];
	bool fresh = false;
	for (size_t i = 0; i < s->nkeys; i++) {
		if (!signs(s, i, rrs[0].type))
			continue;
		const dns_rr *kept = s->old ? old_signature(s, &s->keys[i], rrs, n) : NULL;
		if (kept) {
			if (!pending_add(&s->out, rrs[0].owner, DNS_T_RRSIG, rrs[0].ttl, kept->rdata,
					 kept->rdlen)) {
				fail(s->r, "out of memory");
				s->failed = true;
				return;
			}
			continue;
		}
		if (!fresh)
			s->fresh++;
		fresh = true;
		size_t len;
		dns_err err = dnssec_sign_rrset(&s->keys[i], rrs, n, s->o->inception,
						s->o->expiration, rd, sizeof rd, &len);
		if (!err && !pending_add(&s->out, rrs[0].owner, DNS_T_RRSIG, rrs[0].ttl, rd, len))
			err = DNS_E_NOMEM;
		if (err) {
			char b[DNS_NAME_MAXTEXT], t[DNS_MNEMONIC_MAX];
			fail(s->r, "cannot sign %s %s: %s", nm(rrs[0].owner, b),
			     dns_type_to_text(rrs[0].type, t), dns_strerror(err));
			s->failed = true;
			return;
		}
	}
}

static unsigned sign_zone(const dns_zonedata *in, const dnssec_key *keys, size_t nkeys,
			  const dnssec_sign_opts *o, const dns_zonedata *before, dns_zonedata *out,
			  size_t *fresh, void (*diag)(void *ctx, const dns_diag *d), void *ctx);

unsigned dnssec_sign_zone(const dns_zonedata *in, const dnssec_key *keys, size_t nkeys,
			  const dnssec_sign_opts *o, dns_zonedata *out,
			  void (*diag)(void *ctx, const dns_diag *d), void *ctx)
{
	return sign_zone(in, keys, nkeys, o, NULL, out, NULL, diag, ctx);
}

static unsigned sign_zone(const dns_zonedata *in, const dnssec_key *keys, size_t nkeys,
			  const dnssec_sign_opts *o, const dns_zonedata *before, dns_zonedata *out,
			  size_t *fresh, void (*diag)(void *ctx, const dns_diag *d), void *ctx)
{
	struct report r = { diag, ctx, in->nfiles ? in->files[0] : "zone", 0 };
	char b1[DNS_NAME_MAXTEXT];
	dns_zonedata_init(out, in->origin.data, in->rclass);
	if (nkeys == 0)
		fail(&r, "no keys to sign with");
	for (size_t i = 0; i < nkeys; i++)
		if (!keys[i].has_private || !dns_name_equal(keys[i].owner.data, in->origin.data) ||
		    !(keys[i].flags & DNSSEC_FLAG_ZONE))
			fail(&r, "key %u is not a private zone key of %s", keys[i].tag,
			     nm(in->origin.data, b1));
	if (o->nsec3 && o->iterations > DNSSEC_NSEC3_MAX_ITERATIONS)
		fail(&r, "NSEC3 iterations %u above %u (RFC 9276 advises 0)", o->iterations,
		     DNSSEC_NSEC3_MAX_ITERATIONS);
	uint32_t nttl = 0, soa_ttl = 0;
	if (!negative_ttl(in, &nttl, &soa_ttl))
		fail(&r, "no usable SOA record at the apex");
	if (r.errors)
		return r.errors;

	/* The data, without old DNSSEC records, and the keys. */
	bool nomem = false;
	for (size_t i = 0; i < in->n && !nomem; i++) {
		uint16_t t = in->rr[i].type;
		if (is_meta(t) || t == DNS_T_NSEC3PARAM)
			continue;
		nomem = !dns_zonedata_add(out, &in->rr[i], in->files[in->file[i]], in->line[i]);
	}
	for (size_t i = 0; i < nkeys && !nomem; i++) {
		dns_rr k = { in->origin.data, DNS_T_DNSKEY, in->rclass,
			     o->dnskey_ttl ? o->dnskey_ttl : soa_ttl, (uint16_t)keys[i].rdlen,
			     keys[i].rdata };
		nomem = !dns_zonedata_add(out, &k, "(dnssec)", 0);
	}
	/* NSEC3PARAM first, so that the apex's NSEC3 bitmap lists it. */
	uint8_t param[5 + 255];
	size_t plen;
	if (!nomem && o->nsec3 &&
	    dnssec_nsec3param_build(o->iterations, o->salt, o->saltlen, param, sizeof param,
				    &plen) == DNS_OK) {
		dns_rr pr = { in->origin.data, DNS_T_NSEC3PARAM, in->rclass, 0, (uint16_t)plen, param };
		nomem = !dns_zonedata_add(out, &pr, "(dnssec)", 0);
	}
	if (nomem || dns_zonedata_finish(out, NULL, NULL)) {
		fail(&r, "out of memory");
		return r.errors;
	}

	/* The chain. */
	size_t nnames = 0;
	struct zname *names = chain_names(out, &nnames);
	struct pending p = { 0 };
	dns_err err = names ? DNS_OK : DNS_E_NOMEM;
	if (!err)
		err = o->nsec3 ? add_nsec3_chain(out, names, nnames, o, nttl, &p, &r)
			       : add_nsec_chain(out, names, nnames, nttl, &p);
	free(names);
	if (err || !pending_flush(&p, out)) {
		pending_free(&p);
		if (err != DNS_E_FORMAT)
			fail(&r, "cannot build the %s chain: %s", o->nsec3 ? "NSEC3" : "NSEC",
			     dns_strerror(err ? err : DNS_E_NOMEM));
		return r.errors ? r.errors : 1;
	}

	/* The signatures: kept from before where nothing changed (a quarter
	 * of the new validity left, as BIND's re-signing interval), new
	 * elsewhere. */
	struct signer s = { keys, nkeys, o, { 0 }, &r, false, before,
			    (o->expiration - o->inception) / 4, 0 };
	each_rrset(out, sign_rrset, &s);
	if (!s.failed && !pending_flush(&s.out, out))
		fail(&r, "out of memory");
	pending_free(&s.out);
	if (fresh)
		*fresh = s.fresh;
	return r.errors;
}

bool dnssec_zone_signing(const dns_zonedata *z, dnssec_sign_opts *o)
{
	bool nsec = false, param = false;
	uint32_t dnskey_ttl = 0;
	memset(o, 0, sizeof *o);
	for (size_t i = 0; i < z->n; i++) {
		const dns_rr *rr = &z->rr[i];
		if (rr->type == DNS_T_NSEC3 && dns_name_labels(rr->owner) ==
						     dns_name_labels(z->origin.data) + 1) {
			dnssec_nsec3 f;
			if (dnssec_nsec3_parse(rr->rdata, rr->rdlen, false, &f) == DNS_OK &&
			    (f.flags & DNSSEC_NSEC3_FLAG_OPTOUT))
				o->optout = true;
		}
		if (!dns_name_equal(rr->owner, z->origin.data))
			continue;
		dnssec_nsec3 f;
		if (rr->type == DNS_T_NSEC)
			nsec = true;
		else if (rr->type == DNS_T_DNSKEY && dnskey_ttl == 0)
			dnskey_ttl = rr->ttl;
		else if (rr->type == DNS_T_NSEC3PARAM && !param &&
			 dnssec_nsec3_parse(rr->rdata, rr->rdlen, true, &f) == DNS_OK) {
			param = true;
			o->iterations = f.iterations;
			o->salt = f.saltlen ? f.salt : NULL;
			o->saltlen = f.saltlen;
		}
	}
	o->nsec3 = param;
	if (!param)
		o->optout = false;
	o->dnskey_ttl = dnskey_ttl;
	return param || nsec;
}

unsigned dnssec_resign_zone(const dns_zonedata *before, const dns_zonedata *in,
			    const dnssec_key *keys, size_t nkeys, uint32_t inception,
			    uint32_t expiration, dns_zonedata *out, size_t *resigned,
			    void (*diag)(void *ctx, const dns_diag *d), void *ctx)
{
	struct report r = { diag, ctx, in->nfiles ? in->files[0] : "zone", 0 };
	char b[DNS_NAME_MAXTEXT];
	dnssec_sign_opts o;
	if (resigned)
		*resigned = 0;
	dns_zonedata_init(out, in->origin.data, in->rclass);
	if (!dnssec_zone_signing(in, &o)) {
		fail(&r, "%s has neither an NSEC chain nor an NSEC3PARAM: it is not a signed zone",
		     nm(in->origin.data, b));
		return r.errors;
	}
	o.inception = inception;
	o.expiration = expiration;
	/* The keys must be the zone's own: a key the DNSKEY RRset does not
	 * publish would sign data no validator can check (and change the
	 * DNSKEY RRset the parent's DS vouches for). */
	for (size_t k = 0; k < nkeys; k++) {
		bool published = false;
		for (size_t i = 0; i < in->n && !published; i++)
			published = in->rr[i].type == DNS_T_DNSKEY &&
				    dns_name_equal(in->rr[i].owner, in->origin.data) &&
				    in->rr[i].rdlen == keys[k].rdlen &&
				    memcmp(in->rr[i].rdata, keys[k].rdata, keys[k].rdlen) == 0;
		if (!published)
			fail(&r, "key %u (algorithm %u) is not in the DNSKEY RRset of %s", keys[k].tag,
			     keys[k].algorithm, nm(in->origin.data, b));
	}
	if (r.errors)
		return r.errors;
	return sign_zone(in, keys, nkeys, &o, before, out, resigned, diag, ctx);
}

/* ---- verification --------------------------------------------------------------- */

struct verifier {
	const dns_zonedata *z;
	dnssec_key *keys;
	size_t nkeys;
	uint8_t algs[8];
	size_t nalgs;
	uint32_t now;
	struct report *r;
};

static void verify_rrset(void *ctx, const dns_rr *rrs, size_t n, const dns_rr *sigs,
			 size_t nsigs, bool auth)
{
	struct verifier *v = ctx;
	char b[DNS_NAME_MAXTEXT], t[DNS_MNEMONIC_MAX];
	if (!auth)
		return;
	bool by_alg[8] = { false }, by_sep = false, have_sep = false;
	for (size_t s = 0; s < nsigs; s++) {
		dnssec_rrsig rs;
		if (dnssec_rrsig_parse(sigs[s].rdata, sigs[s].rdlen, &rs) ||
		    rs.type_covered != rrs[0].type)
			continue;
		dnssec_verify_result res;
		dnssec_sig_status st = dnssec_verify_rrset(rrs, n, &sigs[s], 1, v->keys, v->nkeys,
							   v->now, &res);
		if (st != DNSSEC_SIG_VALID) {
			fail(v->r, "%s %s: RRSIG by key %u (algorithm %u): %s", nm(rrs[0].owner, b),
			     dns_type_to_text(rrs[0].type, t), rs.key_tag, rs.algorithm,
			     dnssec_sig_status_text(st));
			continue;
		}
		for (size_t a = 0; a < v->nalgs; a++)
			if (v->algs[a] == rs.algorithm)
				by_alg[a] = true;
		if (v->keys[res.key].flags & DNSSEC_FLAG_SEP)
			by_sep = true;
	}
	for (size_t a = 0; a < v->nalgs; a++)
		if (!by_alg[a])
			fail(v->r, "%s %s: no valid RRSIG of algorithm %u", nm(rrs[0].owner, b),
			     dns_type_to_text(rrs[0].type, t), v->algs[a]);
	if (rrs[0].type == DNS_T_DNSKEY && dns_name_equal(rrs[0].owner, v->z->origin.data)) {
		for (size_t k = 0; k < v->nkeys; k++)
			if (v->keys[k].flags & DNSSEC_FLAG_SEP)
				have_sep = true;
		if (have_sep && !by_sep)
			fail(v->r, "the DNSKEY RRset is not signed by a key-signing (SEP) key");
	}
}

/* Compare the type bitmap of an NSEC or NSEC3 with what the name has. */
static void check_bitmap(struct verifier *v, const struct zname *name, bool nsec3,
			 const uint8_t *bm, size_t bmlen, const uint8_t *owner)
{
	uint8_t *want = malloc(DNSSEC_BITMAP_MAXLEN);
	size_t wlen;
	char b[DNS_NAME_MAXTEXT];
	if (want == NULL || bitmap_of(v->z, name, nsec3, want, &wlen)) {
		fail(v->r, "out of memory");
	} else if (wlen != bmlen || memcmp(want, bm, bmlen) != 0) {
		fail(v->r, "%s %s: the type bitmap does not list the types at %s",
		     nm(owner, b), nsec3 ? "NSEC3" : "NSEC", nsec3 ? "its name" : "the name");
	}
	free(want);
}

static void verify_nsec(struct verifier *v, const struct zname *names, size_t n)
{
	const dns_zonedata *z = v->z;
	char b1[DNS_NAME_MAXTEXT], b2[DNS_NAME_MAXTEXT];
	for (size_t i = 0; i < n; i++) {
		const dns_rr *nsec = NULL;
		size_t count = 0;
		for (size_t k = names[i].first; k < names[i].end; k++)
			if (z->rr[k].type == DNS_T_NSEC) {
				nsec = &z->rr[k];
				count++;
			}
		if (count != 1) {
			fail(v->r, "%s: %s", nm(names[i].owner, b1),
			     count ? "more than one NSEC" : "no NSEC record");
			continue;
		}
		size_t nl;
		if (dns_name_check(nsec->rdata, nsec->rdlen, &nl)) {
			fail(v->r, "%s: malformed NSEC", nm(names[i].owner, b1));
			continue;
		}
		const uint8_t *want = names[(i + 1) % n].owner;
		if (!dns_name_equal(nsec->rdata, want))
			fail(v->r, "%s NSEC: next name %s, but the next name in the zone is %s",
			     nm(names[i].owner, b1), nm(nsec->rdata, b2), nm(want, b2));
		check_bitmap(v, &names[i], false, nsec->rdata + nl, nsec->rdlen - nl, nsec->owner);
	}
}

static void verify_nsec3(struct verifier *v, const struct zname *names, size_t n,
			 const dns_rr *param)
{
	const dns_zonedata *z = v->z;
	char b[DNS_NAME_MAXTEXT];
	dnssec_nsec3_chain c;
	dns_err err = dnssec_nsec3_chain_build(&c, z->origin.data, z->rr, z->n);
	if (err) {
		fail(v->r, "NSEC3 chain: %s", err == DNS_E_RANGE ? "parameters out of range"
								 : dns_strerror(err));
		return;
	}
	if (c.n == 0) {
		fail(v->r, "NSEC3PARAM but no NSEC3 records with its parameters");
		dnssec_nsec3_chain_free(&c);
		return;
	}
	dnssec_nsec3 pf;
	bool optout = false;
	if (dnssec_nsec3_parse(param->rdata, param->rdlen, true, &pf))
		fail(v->r, "malformed NSEC3PARAM");
	for (size_t i = 0; i < c.n; i++) {
		dnssec_nsec3 f;
		if (dnssec_nsec3_parse(c.link[i].rr->rdata, c.link[i].rr->rdlen, false, &f) == DNS_OK &&
		    (f.flags & DNSSEC_NSEC3_FLAG_OPTOUT))
			optout = true;
	}
	size_t count = 0;
	struct hashed *h = nsec3_names(z, names, n, c.alg, c.iterations, c.salt, c.saltlen,
				       optout, &count, &err);
	if (h == NULL) {
		fail(v->r, "NSEC3 hashing: %s", dns_strerror(err));
		dnssec_nsec3_chain_free(&c);
		return;
	}
	/* Every name (and empty non-terminal) has its NSEC3 with the right
	 * bitmap; every NSEC3 belongs to a name (or an unsigned delegation
	 * under opt-out); the next hashes close the loop. */
	for (size_t i = 0; i < count; i++) {
		bool exact;
		const dns_rr *rr = dnssec_nsec3_chain_find(&c, h[i].hash, &exact);
		if (!exact) {
			fail(v->r, "%s: no NSEC3 record for its hash", nm(hashed_owner(&h[i]), b));
			continue;
		}
		dnssec_nsec3 f;
		if (dnssec_nsec3_parse(rr->rdata, rr->rdlen, false, &f) == DNS_OK)
			check_bitmap(v, &h[i].name, true, f.bitmap, f.bitmaplen, rr->owner);
	}
	for (size_t i = 0; i < c.n; i++) {
		dnssec_nsec3 f;
		const struct dnssec_nsec3_link *next = &c.link[(i + 1) % c.n];
		if (dnssec_nsec3_parse(c.link[i].rr->rdata, c.link[i].rr->rdlen, false, &f) ||
		    f.nextlen != DNSSEC_NSEC3_HASHLEN ||
		    memcmp(f.next, next->hash, DNSSEC_NSEC3_HASHLEN) != 0)
			fail(v->r, "%s NSEC3: the next hashed owner is not the next in the chain",
			     nm(c.link[i].rr->owner, b));
		struct hashed key;
		memcpy(key.hash, c.link[i].hash, DNSSEC_NSEC3_HASHLEN);
		if (!bsearch(&key, h, count, sizeof *h, hashed_cmp)) {
			bool unsigned_deleg = false;
			for (size_t k = 0; optout && k < n && !unsigned_deleg; k++) {
				uint8_t hh[DNSSEC_NSEC3_HASHLEN];
				unsigned_deleg = insecure_delegation(&names[k]) &&
						 !dnssec_nsec3_hash(names[k].owner, c.alg, c.iterations,
								    c.salt, c.saltlen, hh) &&
						 memcmp(hh, c.link[i].hash, DNSSEC_NSEC3_HASHLEN) == 0;
			}
			if (!unsigned_deleg)
				fail(v->r, "%s NSEC3: matches no name of the zone", nm(c.link[i].rr->owner, b));
		}
	}
	free(h);
	dnssec_nsec3_chain_free(&c);
}

unsigned dnssec_verify_zone(const dns_zonedata *z, uint32_t now,
			    void (*diag)(void *ctx, const dns_diag *d), void *ctx)
{
	struct report r = { diag, ctx, z->nfiles ? z->files[0] : "zone", 0 };
	struct verifier v = { .z = z, .now = now, .r = &r };
	size_t ndnskey = 0;
	const dns_rr *param = NULL;
	bool have_nsec = false;
	for (size_t i = 0; i < z->n; i++) {
		if (!dns_name_equal(z->rr[i].owner, z->origin.data)) {
			if (z->rr[i].type == DNS_T_NSEC)
				have_nsec = true;
			continue;
		}
		if (z->rr[i].type == DNS_T_DNSKEY)
			ndnskey++;
		if (z->rr[i].type == DNS_T_NSEC3PARAM && param == NULL)
			param = &z->rr[i];
		if (z->rr[i].type == DNS_T_NSEC)
			have_nsec = true;
	}
	v.keys = calloc(ndnskey ? ndnskey : 1, sizeof *v.keys);
	if (v.keys == NULL) {
		fail(&r, "out of memory");
		return r.errors;
	}
	for (size_t i = 0; i < z->n; i++) {
		if (z->rr[i].type != DNS_T_DNSKEY || !dns_name_equal(z->rr[i].owner, z->origin.data))
			continue;
		dnssec_key *k = &v.keys[v.nkeys];
		if (dnssec_key_from_dnskey(k, z->rr[i].owner, z->rr[i].rdata, z->rr[i].rdlen) ||
		    !(k->flags & DNSSEC_FLAG_ZONE)) {
			dnssec_key_free(k);
			continue;
		}
		v.nkeys++;
		bool seen = false;
		for (size_t a = 0; a < v.nalgs; a++)
			seen = seen || v.algs[a] == k->algorithm;
		if (!seen && v.nalgs < sizeof v.algs)
			v.algs[v.nalgs++] = k->algorithm;
	}
	if (v.nkeys == 0)
		fail(&r, "no usable zone key in the apex DNSKEY RRset");
	else
		each_rrset(z, verify_rrset, &v);

	size_t nnames = 0;
	struct zname *names = chain_names(z, &nnames);
	if (names == NULL)
		fail(&r, "out of memory");
	else if (param)
		verify_nsec3(&v, names, nnames, param);
	else if (have_nsec)
		verify_nsec(&v, names, nnames);
	else
		fail(&r, "neither NSEC nor NSEC3 records: denial of existence is not signed");
	free(names);
	dnssec_keys_free(v.keys, v.nkeys);
	free(v.keys);
	return r.errors;
}
