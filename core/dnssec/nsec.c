/* NSEC and NSEC3: bitmaps, hashing, the server's chains and proofs, and
 * the resolver's checks of denial of existence. */
#include "nsec.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "dns/encode.h"
#include "dns/wire.h"

/* ---- formats -------------------------------------------------------------- */

dns_err dnssec_bitmap_build(const uint16_t *types, size_t n, uint8_t *out,
			    size_t outsz, size_t *outlen)
{
	uint8_t bits[8192];
	memset(bits, 0, sizeof bits);
	for (size_t i = 0; i < n; i++)
		bits[types[i] / 8] |= (uint8_t)(0x80 >> (types[i] % 8));
	size_t len = 0;
	for (unsigned w = 0; w < 256; w++) {
		int last = -1;
		for (int k = 31; k >= 0 && last < 0; k--)
			if (bits[w * 32 + (unsigned)k])
				last = k;
		if (last < 0)
			continue;
		size_t blen = (size_t)last + 1;
		if (outsz - len < 2 + blen)
			return DNS_E_NOSPACE;
		out[len] = (uint8_t)w;
		out[len + 1] = (uint8_t)blen;
		memcpy(out + len + 2, bits + w * 32, blen);
		len += 2 + blen;
	}
	*outlen = len;
	return DNS_OK;
}

bool dnssec_bitmap_has(const uint8_t *bitmap, size_t len, uint16_t type)
{
	unsigned window = type >> 8, octet = (type & 0xFF) >> 3;
	for (size_t i = 0; i + 2 <= len;) {
		size_t blen = bitmap[i + 1];
		if (bitmap[i] == window)
			return octet < blen && i + 2 + octet < len &&
			       (bitmap[i + 2 + octet] & (0x80 >> (type & 7)));
		i += 2 + blen;
	}
	return false;
}

dns_err dnssec_nsec3_hash(const uint8_t *name, uint8_t alg, uint16_t iterations,
			  const uint8_t *salt, size_t saltlen,
			  uint8_t out[DNSSEC_NSEC3_HASHLEN])
{
	if (alg != DNSSEC_NSEC3_SHA1 || iterations > DNSSEC_NSEC3_MAX_ITERATIONS ||
	    saltlen > 255)
		return DNS_E_RANGE;
	uint8_t buf[DNS_NAME_MAXLEN + 255];
	size_t nlen = dns_name_length(name);
	memcpy(buf, name, nlen);
	dns_name_to_lower(buf);
	if (saltlen)
		memcpy(buf + nlen, salt, saltlen);
	unsigned mdlen = 0;
	if (EVP_Digest(buf, nlen + saltlen, out, &mdlen, EVP_sha1(), NULL) != 1 ||
	    mdlen != DNSSEC_NSEC3_HASHLEN)
		return DNS_E_NOMEM;
	for (unsigned i = 0; i < iterations; i++) {
		memcpy(buf, out, DNSSEC_NSEC3_HASHLEN);
		if (saltlen)
			memcpy(buf + DNSSEC_NSEC3_HASHLEN, salt, saltlen);
		if (EVP_Digest(buf, DNSSEC_NSEC3_HASHLEN + saltlen, out, &mdlen, EVP_sha1(),
			       NULL) != 1)
			return DNS_E_NOMEM;
	}
	return DNS_OK;
}

dns_err dnssec_nsec3_hashed_name(const uint8_t hash[DNSSEC_NSEC3_HASHLEN],
				 const uint8_t *zone, dns_name *out)
{
	uint8_t label[1 + 33 + 1];
	char text[40];
	size_t tlen;
	dns_err err = dns_base32hex_encode(hash, DNSSEC_NSEC3_HASHLEN, text, sizeof text, &tlen);
	if (err)
		return err;
	label[0] = (uint8_t)tlen;
	for (size_t i = 0; i < tlen; i++)
		label[1 + i] = (uint8_t)(text[i] >= 'A' && text[i] <= 'Z' ? text[i] + 32 : text[i]);
	label[1 + tlen] = 0;
	return dns_name_join(out, label, 1, zone);
}

dns_err dnssec_nsec3_owner_hash(const uint8_t *owner, const uint8_t *zone,
				uint8_t out[DNSSEC_NSEC3_HASHLEN])
{
	if (zone && (dns_name_labels(owner) != dns_name_labels(zone) + 1 ||
		     !dns_name_is_subdomain(owner, zone)))
		return DNS_E_FORMAT;
	if (owner[0] != 32)
		return DNS_E_FORMAT;
	size_t n;
	if (dns_base32hex_decode((const char *)owner + 1, 32, out, DNSSEC_NSEC3_HASHLEN, &n) ||
	    n != DNSSEC_NSEC3_HASHLEN)
		return DNS_E_FORMAT;
	return DNS_OK;
}

dns_err dnssec_nsec3_parse(const uint8_t *rd, size_t len, bool param, dnssec_nsec3 *out)
{
	memset(out, 0, sizeof *out);
	if (len < 5 || len - 5 < rd[4])
		return DNS_E_RDLENGTH;
	out->alg = rd[0];
	out->flags = rd[1];
	out->iterations = dns_get16(rd + 2);
	out->saltlen = rd[4];
	out->salt = rd + 5;
	size_t pos = 5u + rd[4];
	if (param)
		return pos == len ? DNS_OK : DNS_E_RDLENGTH;
	if (pos >= len || len - pos - 1 < rd[pos] || rd[pos] == 0)
		return DNS_E_RDLENGTH;
	out->nextlen = rd[pos];
	out->next = rd + pos + 1;
	pos += 1u + rd[pos];
	out->bitmap = rd + pos;
	out->bitmaplen = len - pos;
	return DNS_OK;
}

dns_err dnssec_nsec3param_build(uint16_t iterations, const uint8_t *salt, uint8_t saltlen,
				uint8_t *out, size_t outsz, size_t *outlen)
{
	if (outsz < 5u + saltlen)
		return DNS_E_NOSPACE;
	out[0] = DNSSEC_NSEC3_SHA1;
	out[1] = 0;
	dns_put16(out + 2, iterations);
	out[4] = saltlen;
	if (saltlen)
		memcpy(out + 5, salt, saltlen);
	*outlen = 5u + saltlen;
	return DNS_OK;
}

/* NSEC RDATA: the next name and the bitmap. */
static bool nsec_fields(const dns_rr *rr, const uint8_t **next, const uint8_t **bm,
			size_t *bmlen)
{
	size_t nl;
	if (rr->type != DNS_T_NSEC || dns_name_check(rr->rdata, rr->rdlen, &nl))
		return false;
	*next = rr->rdata;
	*bm = rr->rdata + nl;
	*bmlen = rr->rdlen - nl;
	return true;
}

/* The longest name that is an ancestor of (or equal to) both. */
static void common_ancestor(const uint8_t *a, const uint8_t *b, dns_name *out)
{
	unsigned la = dns_name_labels(a), lb = dns_name_labels(b);
	unsigned n = la < lb ? la : lb;
	while (n > 0 && !dns_name_equal(dns_name_skip_labels(a, la - n),
					dns_name_skip_labels(b, lb - n)))
		n--;
	dns_name_copy(out, dns_name_skip_labels(a, la - n));
}

static const uint8_t star_label[] = { 1, '*', 0 };

static dns_err wildcard_of(const uint8_t *encloser, dns_name *out)
{
	return dns_name_join(out, star_label, 1, encloser);
}

bool dnssec_nsec_covers(const uint8_t *owner, const uint8_t *next, const uint8_t *name)
{
	bool after_owner = dns_name_compare(owner, name) < 0;
	bool before_next = dns_name_compare(name, next) < 0;
	if (dns_name_compare(owner, next) < 0)
		return after_owner && before_next;
	return after_owner || before_next;
}

/* The closest encloser an NSEC covering `name` implies: the longer of
 * name's common ancestors with the NSEC's owner and next name. */
static void nsec_encloser(const uint8_t *owner, const uint8_t *next, const uint8_t *name,
			  dns_name *out)
{
	dns_name a, b;
	common_ancestor(name, owner, &a);
	common_ancestor(name, next, &b);
	*out = dns_name_labels(a.data) >= dns_name_labels(b.data) ? a : b;
}

/* ---- the server's side ------------------------------------------------------ */

static int nsec_ptr_cmp(const void *pa, const void *pb)
{
	const dns_rr *a = *(const dns_rr *const *)pa, *b = *(const dns_rr *const *)pb;
	return dns_name_compare(a->owner, b->owner);
}

dns_err dnssec_nsec_chain_build(dnssec_nsec_chain *c, const dns_rr *rrs, size_t n)
{
	c->n = 0;
	c->rr = malloc((n ? n : 1) * sizeof *c->rr);
	if (c->rr == NULL)
		return DNS_E_NOMEM;
	for (size_t i = 0; i < n; i++)
		if (rrs[i].type == DNS_T_NSEC)
			c->rr[c->n++] = &rrs[i];
	qsort(c->rr, c->n, sizeof *c->rr, nsec_ptr_cmp);
	return DNS_OK;
}

void dnssec_nsec_chain_free(dnssec_nsec_chain *c)
{
	free(c->rr);
	c->rr = NULL;
	c->n = 0;
}

const dns_rr *dnssec_nsec_chain_find(const dnssec_nsec_chain *c, const uint8_t *name,
				     bool *exact)
{
	*exact = false;
	if (c->n == 0)
		return NULL;
	/* The last owner <= name. */
	size_t lo = 0, hi = c->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (dns_name_compare(c->rr[mid]->owner, name) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	const dns_rr *rr = c->rr[lo ? lo - 1 : c->n - 1];
	*exact = dns_name_equal(rr->owner, name);
	return rr;
}

dns_err dnssec_nsec_chain_prove(const dnssec_nsec_chain *c, const uint8_t *zone,
				const uint8_t *qname, dnssec_nsec_proof *p)
{
	memset(p, 0, sizeof *p);
	if (!dns_name_is_subdomain(qname, zone))
		return DNS_E_RANGE;
	bool exact;
	const dns_rr *rr = dnssec_nsec_chain_find(c, qname, &exact);
	if (rr == NULL)
		return DNS_E_FORMAT;
	if (exact) {
		p->match = rr;
		dns_name_copy(&p->closest_encloser, qname);
		return DNS_OK;
	}
	p->cover = rr;
	const uint8_t *next, *bm;
	size_t bmlen;
	if (!nsec_fields(rr, &next, &bm, &bmlen))
		return DNS_E_FORMAT;
	nsec_encloser(rr->owner, next, qname, &p->closest_encloser);
	if (!dns_name_is_subdomain(p->closest_encloser.data, zone))
		dns_name_copy(&p->closest_encloser, zone);
	dns_name wc;
	dns_err err = wildcard_of(p->closest_encloser.data, &wc);
	if (err)
		return err;
	p->wildcard = dnssec_nsec_chain_find(c, wc.data, &exact);
	return DNS_OK;
}

static int link_cmp(const void *pa, const void *pb)
{
	const struct dnssec_nsec3_link *a = pa, *b = pb;
	return memcmp(a->hash, b->hash, DNSSEC_NSEC3_HASHLEN);
}

dns_err dnssec_nsec3_chain_build(dnssec_nsec3_chain *c, const uint8_t *zone,
				 const dns_rr *rrs, size_t n)
{
	memset(c, 0, sizeof *c);
	dns_name_copy(&c->zone, zone);
	bool have_params = false;
	/* The NSEC3PARAM at the apex says which chain is the zone's. */
	for (size_t i = 0; i < n && !have_params; i++) {
		dnssec_nsec3 f;
		if (rrs[i].type == DNS_T_NSEC3PARAM && dns_name_equal(rrs[i].owner, zone) &&
		    dnssec_nsec3_parse(rrs[i].rdata, rrs[i].rdlen, true, &f) == DNS_OK) {
			c->alg = f.alg;
			c->iterations = f.iterations;
			c->saltlen = f.saltlen;
			memcpy(c->salt, f.salt, f.saltlen);
			have_params = true;
		}
	}
	c->link = malloc((n ? n : 1) * sizeof *c->link);
	if (c->link == NULL)
		return DNS_E_NOMEM;
	for (size_t i = 0; i < n; i++) {
		dnssec_nsec3 f;
		if (rrs[i].type != DNS_T_NSEC3 ||
		    dnssec_nsec3_parse(rrs[i].rdata, rrs[i].rdlen, false, &f))
			continue;
		if (!have_params) {
			c->alg = f.alg;
			c->iterations = f.iterations;
			c->saltlen = f.saltlen;
			memcpy(c->salt, f.salt, f.saltlen);
			have_params = true;
		}
		if (f.alg != c->alg || f.iterations != c->iterations || f.saltlen != c->saltlen ||
		    memcmp(f.salt, c->salt, f.saltlen) != 0)
			continue;
		if (dnssec_nsec3_owner_hash(rrs[i].owner, zone, c->link[c->n].hash))
			continue;
		c->link[c->n++].rr = &rrs[i];
	}
	qsort(c->link, c->n, sizeof *c->link, link_cmp);
	if (have_params && (c->alg != DNSSEC_NSEC3_SHA1 ||
			    c->iterations > DNSSEC_NSEC3_MAX_ITERATIONS)) {
		dnssec_nsec3_chain_free(c);
		return DNS_E_RANGE;
	}
	return DNS_OK;
}

void dnssec_nsec3_chain_free(dnssec_nsec3_chain *c)
{
	free(c->link);
	c->link = NULL;
	c->n = 0;
}

const dns_rr *dnssec_nsec3_chain_find(const dnssec_nsec3_chain *c,
				      const uint8_t hash[DNSSEC_NSEC3_HASHLEN], bool *exact)
{
	*exact = false;
	if (c->n == 0)
		return NULL;
	size_t lo = 0, hi = c->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (memcmp(c->link[mid].hash, hash, DNSSEC_NSEC3_HASHLEN) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t i = lo ? lo - 1 : c->n - 1;
	*exact = memcmp(c->link[i].hash, hash, DNSSEC_NSEC3_HASHLEN) == 0;
	return c->link[i].rr;
}

static dns_err chain_hash(const dnssec_nsec3_chain *c, const uint8_t *name,
			  uint8_t out[DNSSEC_NSEC3_HASHLEN])
{
	return dnssec_nsec3_hash(name, c->alg, c->iterations, c->salt, c->saltlen, out);
}

dns_err dnssec_nsec3_chain_prove(const dnssec_nsec3_chain *c, const uint8_t *qname,
				 dnssec_nsec3_proof *p)
{
	memset(p, 0, sizeof *p);
	if (!dns_name_is_subdomain(qname, c->zone.data))
		return DNS_E_RANGE;
	if (c->n == 0)
		return DNS_E_FORMAT;
	uint8_t h[DNSSEC_NSEC3_HASHLEN];
	bool exact;
	dns_err err = chain_hash(c, qname, h);
	if (err)
		return err;
	const dns_rr *rr = dnssec_nsec3_chain_find(c, h, &exact);
	if (exact) {
		p->match = rr;
		dns_name_copy(&p->encloser, qname);
	}
	/* A match is the whole proof (qname exists); otherwise find the
	 * closest encloser from qname's parent up to the apex. */
	unsigned ql = dns_name_labels(qname), zl = dns_name_labels(c->zone.data);
	for (unsigned k = 1; !exact && k <= ql - zl; k++) {
		const uint8_t *anc = dns_name_skip_labels(qname, k);
		if ((err = chain_hash(c, anc, h)))
			return err;
		bool m;
		rr = dnssec_nsec3_chain_find(c, h, &m);
		if (!m)
			continue;
		p->closest_encloser = rr;
		dns_name_copy(&p->encloser, anc);
		if ((err = chain_hash(c, dns_name_skip_labels(qname, k - 1), h)))
			return err;
		p->next_closer = dnssec_nsec3_chain_find(c, h, &m);
		dns_name wc;
		if ((err = wildcard_of(anc, &wc)) || (err = chain_hash(c, wc.data, h)))
			return err;
		p->wildcard = dnssec_nsec3_chain_find(c, h, &p->wildcard_exists);
		break;
	}
	return DNS_OK;
}

/* ---- the resolver's side ----------------------------------------------------- */

const char *dnssec_denial_text(dnssec_denial d)
{
	switch (d) {
	case DNSSEC_DENIAL_PROVEN: return "proven";
	case DNSSEC_DENIAL_OPTOUT: return "opt-out (insecure)";
	case DNSSEC_DENIAL_NOT_PROVEN: return "not proven";
	case DNSSEC_DENIAL_ITERATIONS: return "NSEC3 iterations above the limit";
	case DNSSEC_DENIAL_UNSUPPORTED: return "unsupported NSEC3 hash";
	}
	return "unknown";
}

/* An NSEC that shows `name` absent: it covers the name, and is not the
 * parent side of a delegation or a DNAME above it (whose next name says
 * nothing about the names below). */
static bool nsec_shows_absent(const dns_rr *rr, const uint8_t *name)
{
	const uint8_t *next, *bm;
	size_t bmlen;
	if (!nsec_fields(rr, &next, &bm, &bmlen) || !dnssec_nsec_covers(rr->owner, next, name))
		return false;
	if (dns_name_is_subdomain(name, rr->owner) &&
	    ((dnssec_bitmap_has(bm, bmlen, DNS_T_NS) && !dnssec_bitmap_has(bm, bmlen, DNS_T_SOA)) ||
	     dnssec_bitmap_has(bm, bmlen, DNS_T_DNAME)))
		return false;
	return true;
}

static bool in_zone(const dns_rr *rr, const uint8_t *zone)
{
	return rr->type == DNS_T_NSEC && dns_name_is_subdomain(rr->owner, zone);
}

/* The NSEC showing `name` absent; NULL when none does. */
static const dns_rr *nsec_absent(const dns_rr *rrs, size_t n, const uint8_t *zone,
				 const uint8_t *name)
{
	for (size_t i = 0; i < n; i++)
		if (in_zone(&rrs[i], zone) && nsec_shows_absent(&rrs[i], name))
			return &rrs[i];
	return NULL;
}

static const dns_rr *nsec_match(const dns_rr *rrs, size_t n, const uint8_t *zone,
				const uint8_t *name)
{
	for (size_t i = 0; i < n; i++)
		if (in_zone(&rrs[i], zone) && dns_name_equal(rrs[i].owner, name))
			return &rrs[i];
	return NULL;
}

/* A matching NSEC (or NSEC3 bitmap) shows qtype absent at its owner. */
static bool bitmap_denies(const uint8_t *bm, size_t bmlen, uint16_t qtype)
{
	if (dnssec_bitmap_has(bm, bmlen, qtype) || dnssec_bitmap_has(bm, bmlen, DNS_T_CNAME))
		return false;
	bool delegation = dnssec_bitmap_has(bm, bmlen, DNS_T_NS) &&
			  !dnssec_bitmap_has(bm, bmlen, DNS_T_SOA);
	/* DS lives on the parent side of a cut; every other type of a
	 * delegated name is the child's to deny. */
	if (qtype == DNS_T_DS)
		return !dnssec_bitmap_has(bm, bmlen, DNS_T_SOA);
	return !delegation;
}

dnssec_denial dnssec_nsec_nxdomain(const dns_rr *rrs, size_t n, const uint8_t *zone,
				   const uint8_t *qname)
{
	if (!dns_name_is_subdomain(qname, zone))
		return DNSSEC_DENIAL_NOT_PROVEN;
	const dns_rr *cover = nsec_absent(rrs, n, zone, qname);
	const uint8_t *next, *bm;
	size_t bmlen;
	if (cover == NULL || !nsec_fields(cover, &next, &bm, &bmlen))
		return DNSSEC_DENIAL_NOT_PROVEN;
	dns_name ce, wc;
	nsec_encloser(cover->owner, next, qname, &ce);
	if (!dns_name_is_subdomain(ce.data, zone) || wildcard_of(ce.data, &wc))
		return DNSSEC_DENIAL_NOT_PROVEN;
	return nsec_absent(rrs, n, zone, wc.data) ? DNSSEC_DENIAL_PROVEN
						   : DNSSEC_DENIAL_NOT_PROVEN;
}

dnssec_denial dnssec_nsec_nodata(const dns_rr *rrs, size_t n, const uint8_t *zone,
				 const uint8_t *qname, uint16_t qtype)
{
	if (!dns_name_is_subdomain(qname, zone))
		return DNSSEC_DENIAL_NOT_PROVEN;
	const uint8_t *next, *bm;
	size_t bmlen;
	const dns_rr *m = nsec_match(rrs, n, zone, qname);
	if (m)
		return nsec_fields(m, &next, &bm, &bmlen) && bitmap_denies(bm, bmlen, qtype)
			       ? DNSSEC_DENIAL_PROVEN : DNSSEC_DENIAL_NOT_PROVEN;
	const dns_rr *cover = nsec_absent(rrs, n, zone, qname);
	if (cover == NULL || !nsec_fields(cover, &next, &bm, &bmlen))
		return DNSSEC_DENIAL_NOT_PROVEN;
	/* An empty non-terminal: the next name lies below qname, so qname
	 * exists but owns nothing. */
	if (dns_name_is_subdomain(next, qname) && !dns_name_equal(next, qname))
		return DNSSEC_DENIAL_PROVEN;
	/* Otherwise a wildcard at the closest encloser without the type. */
	dns_name ce, wc;
	nsec_encloser(cover->owner, next, qname, &ce);
	if (!dns_name_is_subdomain(ce.data, zone) || wildcard_of(ce.data, &wc))
		return DNSSEC_DENIAL_NOT_PROVEN;
	m = nsec_match(rrs, n, zone, wc.data);
	return m && nsec_fields(m, &next, &bm, &bmlen) && bitmap_denies(bm, bmlen, qtype)
		       ? DNSSEC_DENIAL_PROVEN : DNSSEC_DENIAL_NOT_PROVEN;
}

dnssec_denial dnssec_nsec_wildcard(const dns_rr *rrs, size_t n, const uint8_t *zone,
				   const uint8_t *qname, const uint8_t *source)
{
	if (source[0] != 1 || source[1] != '*' || !dns_name_is_subdomain(qname, zone))
		return DNSSEC_DENIAL_NOT_PROVEN;
	const uint8_t *encloser = dns_name_skip_labels(source, 1);
	if (!dns_name_is_subdomain(qname, encloser) || dns_name_equal(qname, encloser))
		return DNSSEC_DENIAL_NOT_PROVEN;
	const dns_rr *cover = nsec_absent(rrs, n, zone, qname);
	const uint8_t *next, *bm;
	size_t bmlen;
	if (cover == NULL || !nsec_fields(cover, &next, &bm, &bmlen))
		return DNSSEC_DENIAL_NOT_PROVEN;
	/* The NSEC must also show that nothing closer than the wildcard's
	 * parent exists: then its encloser is exactly that parent. */
	dns_name ce;
	nsec_encloser(cover->owner, next, qname, &ce);
	return dns_name_equal(ce.data, encloser) ? DNSSEC_DENIAL_PROVEN
						 : DNSSEC_DENIAL_NOT_PROVEN;
}

/* The usable NSEC3 records of a response, with the zone's parameters. */
#define N3_MAX 64
struct n3set {
	size_t n;
	dnssec_nsec3 f[N3_MAX];
	uint8_t hash[N3_MAX][DNSSEC_NSEC3_HASHLEN];
	dnssec_denial unusable; /* PROVEN when the parameters are usable */
};

static void n3_collect(struct n3set *s, const dns_rr *rrs, size_t n, const uint8_t *zone)
{
	s->n = 0;
	s->unusable = DNSSEC_DENIAL_NOT_PROVEN;
	for (size_t i = 0; i < n && s->n < N3_MAX; i++) {
		dnssec_nsec3 f;
		if (rrs[i].type != DNS_T_NSEC3 ||
		    dnssec_nsec3_parse(rrs[i].rdata, rrs[i].rdlen, false, &f) ||
		    dnssec_nsec3_owner_hash(rrs[i].owner, zone, s->hash[s->n]))
			continue;
		if (s->n > 0) {
			/* RFC 5155 8.2: one set of parameters per answer. */
			const dnssec_nsec3 *p = &s->f[0];
			if (f.alg != p->alg || f.iterations != p->iterations ||
			    f.saltlen != p->saltlen || memcmp(f.salt, p->salt, f.saltlen))
				continue;
		} else if (f.alg != DNSSEC_NSEC3_SHA1) {
			s->unusable = DNSSEC_DENIAL_UNSUPPORTED;
			return;
		} else if (f.iterations > DNSSEC_NSEC3_MAX_ITERATIONS) {
			s->unusable = DNSSEC_DENIAL_ITERATIONS;
			return;
		}
		if (f.nextlen != DNSSEC_NSEC3_HASHLEN)
			continue;
		s->f[s->n++] = f;
		s->unusable = DNSSEC_DENIAL_PROVEN;
	}
}

static bool n3_hash(const struct n3set *s, const uint8_t *name, uint8_t h[DNSSEC_NSEC3_HASHLEN])
{
	const dnssec_nsec3 *p = &s->f[0];
	return dnssec_nsec3_hash(name, p->alg, p->iterations, p->salt, p->saltlen, h) == DNS_OK;
}

static int n3_match(const struct n3set *s, const uint8_t h[DNSSEC_NSEC3_HASHLEN])
{
	for (size_t i = 0; i < s->n; i++)
		if (memcmp(s->hash[i], h, DNSSEC_NSEC3_HASHLEN) == 0)
			return (int)i;
	return -1;
}

static int n3_cover(const struct n3set *s, const uint8_t h[DNSSEC_NSEC3_HASHLEN])
{
	for (size_t i = 0; i < s->n; i++) {
		const uint8_t *own = s->hash[i], *next = s->f[i].next;
		bool after = memcmp(own, h, DNSSEC_NSEC3_HASHLEN) < 0;
		bool before = memcmp(h, next, DNSSEC_NSEC3_HASHLEN) < 0;
		if (memcmp(own, next, DNSSEC_NSEC3_HASHLEN) < 0 ? (after && before)
								: (after || before))
			return (int)i;
	}
	return -1;
}

/* RFC 5155 8.3, the closest encloser proof: the longest ancestor of qname
 * (qname excluded) with a matching NSEC3, and an NSEC3 covering the next
 * closer name.  *ce_len is the encloser's label count. */
struct ce_proof {
	dns_name encloser;
	int ce, nc;
};

static bool n3_closest_encloser(const struct n3set *s, const uint8_t *zone,
				const uint8_t *qname, struct ce_proof *p)
{
	unsigned ql = dns_name_labels(qname), zl = dns_name_labels(zone);
	uint8_t h[DNSSEC_NSEC3_HASHLEN];
	for (unsigned k = 1; k <= ql - zl; k++) {
		const uint8_t *anc = dns_name_skip_labels(qname, k);
		if (!n3_hash(s, anc, h))
			return false;
		int m = n3_match(s, h);
		if (m < 0)
			continue;
		/* A delegation's or DNAME's NSEC3 cannot be an encloser: the
		 * names below belong elsewhere. */
		const dnssec_nsec3 *f = &s->f[m];
		if ((dnssec_bitmap_has(f->bitmap, f->bitmaplen, DNS_T_NS) &&
		     !dnssec_bitmap_has(f->bitmap, f->bitmaplen, DNS_T_SOA)) ||
		    dnssec_bitmap_has(f->bitmap, f->bitmaplen, DNS_T_DNAME))
			return false;
		if (!n3_hash(s, dns_name_skip_labels(qname, k - 1), h))
			return false;
		p->ce = m;
		p->nc = n3_cover(s, h);
		dns_name_copy(&p->encloser, anc);
		return p->nc >= 0;
	}
	return false;
}

static bool optout(const struct n3set *s, int i)
{
	return s->f[i].flags & DNSSEC_NSEC3_FLAG_OPTOUT;
}

dnssec_denial dnssec_nsec3_nxdomain(const dns_rr *rrs, size_t n, const uint8_t *zone,
				    const uint8_t *qname)
{
	struct n3set s;
	uint8_t h[DNSSEC_NSEC3_HASHLEN];
	n3_collect(&s, rrs, n, zone);
	if (s.unusable != DNSSEC_DENIAL_PROVEN)
		return s.unusable;
	if (!dns_name_is_subdomain(qname, zone) || !n3_hash(&s, qname, h) || n3_match(&s, h) >= 0)
		return DNSSEC_DENIAL_NOT_PROVEN;
	struct ce_proof p;
	dns_name wc;
	if (!n3_closest_encloser(&s, zone, qname, &p) || wildcard_of(p.encloser.data, &wc) ||
	    !n3_hash(&s, wc.data, h) || n3_cover(&s, h) < 0)
		return DNSSEC_DENIAL_NOT_PROVEN;
	return optout(&s, p.nc) ? DNSSEC_DENIAL_OPTOUT : DNSSEC_DENIAL_PROVEN;
}

dnssec_denial dnssec_nsec3_nodata(const dns_rr *rrs, size_t n, const uint8_t *zone,
				  const uint8_t *qname, uint16_t qtype)
{
	struct n3set s;
	uint8_t h[DNSSEC_NSEC3_HASHLEN];
	n3_collect(&s, rrs, n, zone);
	if (s.unusable != DNSSEC_DENIAL_PROVEN)
		return s.unusable;
	if (!dns_name_is_subdomain(qname, zone) || !n3_hash(&s, qname, h))
		return DNSSEC_DENIAL_NOT_PROVEN;
	int m = n3_match(&s, h);
	if (m >= 0) /* RFC 5155 8.5, and 8.6 with a match */
		return bitmap_denies(s.f[m].bitmap, s.f[m].bitmaplen, qtype)
			       ? DNSSEC_DENIAL_PROVEN : DNSSEC_DENIAL_NOT_PROVEN;
	struct ce_proof p;
	if (!n3_closest_encloser(&s, zone, qname, &p))
		return DNSSEC_DENIAL_NOT_PROVEN;
	/* 8.7: a wildcard at the encloser without the type. */
	dns_name wc;
	if (!wildcard_of(p.encloser.data, &wc) && n3_hash(&s, wc.data, h) &&
	    (m = n3_match(&s, h)) >= 0)
		return bitmap_denies(s.f[m].bitmap, s.f[m].bitmaplen, qtype)
			       ? DNSSEC_DENIAL_PROVEN : DNSSEC_DENIAL_NOT_PROVEN;
	/* 8.6: DS of an unsigned delegation inside an opt-out span. */
	if (qtype == DNS_T_DS && optout(&s, p.nc))
		return DNSSEC_DENIAL_OPTOUT;
	return DNSSEC_DENIAL_NOT_PROVEN;
}

dnssec_denial dnssec_nsec3_wildcard(const dns_rr *rrs, size_t n, const uint8_t *zone,
				    const uint8_t *qname, const uint8_t *source)
{
	struct n3set s;
	uint8_t h[DNSSEC_NSEC3_HASHLEN];
	n3_collect(&s, rrs, n, zone);
	if (s.unusable != DNSSEC_DENIAL_PROVEN)
		return s.unusable;
	if (source[0] != 1 || source[1] != '*' || !dns_name_is_subdomain(qname, zone))
		return DNSSEC_DENIAL_NOT_PROVEN;
	const uint8_t *encloser = dns_name_skip_labels(source, 1);
	unsigned ql = dns_name_labels(qname), el = dns_name_labels(encloser);
	if (!dns_name_is_subdomain(qname, encloser) || ql <= el ||
	    !dns_name_is_subdomain(encloser, zone))
		return DNSSEC_DENIAL_NOT_PROVEN;
	/* 8.8: the next closer name (one label below the encloser) is covered. */
	if (!n3_hash(&s, dns_name_skip_labels(qname, ql - el - 1), h))
		return DNSSEC_DENIAL_NOT_PROVEN;
	int c = n3_cover(&s, h);
	if (c < 0)
		return DNSSEC_DENIAL_NOT_PROVEN;
	return optout(&s, c) ? DNSSEC_DENIAL_OPTOUT : DNSSEC_DENIAL_PROVEN;
}
