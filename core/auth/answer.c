/* Authoritative answers (RFC 1034 4.3.2, RFC 2308, RFC 4592, RFC 6672,
 * RFC 8482): zone selection, cuts and referrals, CNAME and DNAME,
 * wildcards, negative answers, additional data, EDNS and truncation;
 * with DO, what a signed zone adds (RFC 4035 3.1, RFC 5155 7.2):
 * RRSIGs beside the RRsets they cover, NSEC or NSEC3 proofs for negative
 * answers and wildcard expansions, DS or its absence at referrals. */
#include "answer.h"

#include <stdlib.h>
#include <string.h>

#include "dns/ede.h"
#include "dns/rdata.h"
#include "dns/soa.h"
#include "dns/wire.h"

/* Longest CNAME/DNAME chain followed inside our own zones. */
#define CHAIN_MAX 16

void auth_answerer_init(auth_answerer *a, size_t max_udp, const char *identity,
			const auth_stats *stats)
{
	memset(a, 0, sizeof *a);
	a->max_udp = max_udp;
	a->identity = identity;
	a->stats = stats;
	dns_msg_init(&a->query);
}

void auth_answerer_free(auth_answerer *a)
{
	dns_msg_free(&a->query);
	free(a->pool);
	for (int s = 0; s < 3; s++)
		free(a->pend[s]);
	memset(a, 0, sizeof *a);
}

const auth_zone *auth_zoneset_find(const auth_zoneset *zs,
				   const uint8_t *name)
{
	const auth_zone *best = NULL;
	unsigned best_labels = 0;
	for (size_t i = 0; i < zs->nzones; i++) {
		const auth_zone *z = zs->zones[i];
		if (dns_name_is_subdomain(name, z->origin.data) &&
		    (best == NULL || z->db.origin_labels > best_labels)) {
			best = z;
			best_labels = z->db.origin_labels;
		}
	}
	return best;
}

/* ---- collecting the sections -------------------------------------------- */

static bool pool_reserve(auth_answerer *a, size_t n)
{
	if (a->pool_cap - a->npool >= n)
		return true;
	size_t cap = a->pool_cap ? a->pool_cap : 64;
	while (cap - a->npool < n)
		cap *= 2;
	dns_rr *p = realloc(a->pool, cap * sizeof *p);
	if (p == NULL)
		return false;
	a->pool = p;
	a->pool_cap = cap;
	return true;
}

/* Does section s already hold an RRset of this owner and type? */
static bool already_added(const auth_answerer *a, int s, const uint8_t *owner,
			  uint16_t type)
{
	for (size_t i = 0; i < a->npend[s]; i++) {
		const dns_rr *rr = &a->pool[a->pend[s][i].start];
		if (rr->type == type && dns_name_equal(rr->owner, owner))
			return true;
	}
	return false;
}

/* Queue an RRset for section s (0 answer, 1 authority, 2 additional),
 * under `owner` (a wildcard's records take the query name), with its
 * order rotated for round robin (seed 002).  With DO its RRSIGs follow
 * it in the same entry, so that truncation keeps or drops them together
 * (RFC 4035 3.1.1: a required RRset without its RRSIGs is TC). */
static bool add_set(auth_answerer *a, int s, const zdb_rrset *set,
		    const uint8_t *owner, uint32_t ttl, bool required)
{
	/* An RRset goes out once: not again in a later section. */
	for (int earlier = 0; earlier <= s; earlier++)
		if (already_added(a, earlier, owner ? owner : set->rr[0].owner, set->type))
			return true;
	if (a->npend[s] == a->pend_cap[s]) {
		size_t cap = a->pend_cap[s] ? a->pend_cap[s] * 2 : 16;
		struct rr_pending *p = realloc(a->pend[s], cap * sizeof *p);
		if (p == NULL)
			return false;
		a->pend[s] = p;
		a->pend_cap[s] = cap;
	}
	size_t nsig = a->dnssec ? set->nsig : 0;
	if (!pool_reserve(a, set->count + nsig))
		return false;
	size_t start = a->npool;
	size_t first = set->count > 1 ? a->rotate % set->count : 0;
	if (set->count > 1 && a->period) {
		/* The answer now turns with this set too: its phases are the
		 * least common multiple of the rotated sets' sizes. */
		unsigned x = a->period, y = (unsigned)set->count;
		while (y) {
			unsigned t = x % y;
			x = y;
			y = t;
		}
		unsigned long lcm = (unsigned long)a->period / x * set->count;
		a->period = lcm <= 16 ? (unsigned)lcm : 0;
	}
	for (size_t i = 0; i < set->count; i++) {
		dns_rr rr = set->rr[(first + i) % set->count];
		if (owner)
			rr.owner = owner;
		/* An RRSIG RRset asked for by type holds signatures over
		 * different RRsets, each with its own TTL. */
		if (set->type != DNS_T_RRSIG)
			rr.ttl = ttl;
		a->pool[a->npool++] = rr;
	}
	/* The signatures live as long as what they cover, in a negative
	 * answer's SOA too (RFC 4035 3.1.3, as BIND sends them). */
	for (size_t i = 0; i < nsig; i++) {
		dns_rr rr = set->sig[i];
		if (owner)
			rr.owner = owner;
		rr.ttl = ttl;
		a->pool[a->npool++] = rr;
	}
	a->pend[s][a->npend[s]++] =
		(struct rr_pending){ start, set->count + nsig, required };
	return true;
}

/* Queue one record of our own making (synthesized CNAME, CH TXT). */
static bool add_rr(auth_answerer *a, int s, const dns_rr *rr)
{
	zdb_rrset set = { rr->type, rr->ttl, rr, 1, NULL, 0 };
	return add_set(a, s, &set, NULL, rr->ttl, true);
}

static dns_name *scratch_name(auth_answerer *a)
{
	if (a->nnames == sizeof a->names / sizeof a->names[0])
		return NULL;
	return &a->names[a->nnames++];
}

/* RFC 2308 section 5: the SOA of a negative answer lives for the lesser
 * of its own TTL and its MINIMUM field.  A loaded zone's SOA has been
 * checked; were it not, the answer would go out with TTL 0 rather than
 * be cached. */
static bool add_negative_soa(auth_answerer *a, const auth_zone *z)
{
	const zdb_rrset *soa = z->db.soa;
	const dns_rr *rr = &soa->rr[0];
	uint32_t ttl;
	if (dns_soa_negative_ttl(soa->ttl, rr->rdata, rr->rdlen, &ttl) != DNS_OK)
		ttl = 0;
	return add_set(a, 1, soa, NULL, ttl, true);
}

/* ---- denial of existence (DO only) ---------------------------------------- */

/* What a negative or synthesised answer has to prove. */
enum denial {
	DENY_NODATA,          /* the name exists without the type (or is an ENT) */
	DENY_NXDOMAIN,        /* neither the name nor a wildcard for it */
	DENY_WILDCARD,        /* a wildcard answered: the name itself is absent */
	DENY_WILDCARD_NODATA, /* ...and the wildcard lacks the type */
	DENY_NO_DS,           /* a referral to an unsigned delegation */
};

/* Queue an NSEC or NSEC3 record of the zone (its RRset, its RRSIGs) for
 * the authority section: required, as the answer means nothing to a
 * validator without it. */
static void add_proof(auth_answerer *a, const zonedb *db, const dns_rr *rr)
{
	const zdb_rrset *set = rr ? zonedb_rrset_of(db, rr) : NULL;
	if (set)
		(void)add_set(a, 1, set, NULL, set->ttl, true);
}

/* RFC 4035 3.1.3 and 3.1.4: the NSEC matching the name (no data, no DS)
 * or covering it (no name; an ENT's no data), and for a name error or
 * a wildcard without the type the NSEC matching or covering the
 * wildcard at the closest encloser. */
static void add_nsec_denial(auth_answerer *a, const zonedb *db, const uint8_t *name,
			    enum denial kind)
{
	bool exact;
	add_proof(a, db, zonedb_nsec_find(db, name, &exact));
	if (kind != DENY_NXDOMAIN && kind != DENY_WILDCARD_NODATA)
		return;
	unsigned labels = dns_name_labels(name);
	const uint8_t *ce = db->origin;
	for (unsigned k = 1; k + db->origin_labels <= labels; k++) {
		ce = dns_name_skip_labels(name, k);
		if (zonedb_name_exists(db, ce))
			break;
	}
	static const uint8_t star[] = { 1, '*', 0 };
	dns_name wild;
	if (dns_name_join(&wild, star, 1, ce) == DNS_OK)
		add_proof(a, db, zonedb_nsec_find(db, wild.data, &exact));
}

/* RFC 5155 7.2: the NSEC3 matching the name (no data, no DS); else the
 * closest provable encloser's (not for a wildcard answer, whose RRSIG
 * labels say where it came from), the one covering the next closer name,
 * and for a name error or a wildcard without the type the wildcard's.
 * Only the next closer name is hashed here: the zone's own names were
 * at load. */
static void add_nsec3_denial(auth_answerer *a, const zonedb *db, const uint8_t *name,
			     enum denial kind)
{
	unsigned labels = dns_name_labels(name), k;
	const zdb_nsec3_name *ce = NULL;
	for (k = 0; k + db->origin_labels <= labels; k++) {
		ce = zonedb_nsec3_name(db, dns_name_skip_labels(name, k));
		if (ce && ce->match)
			break;    /* under opt-out a name may have no NSEC3 */
		ce = NULL;
	}
	if (ce == NULL)
		return;
	if (k == 0) {
		add_proof(a, db, ce->match);
		return;
	}
	const dnssec_nsec3_chain *c = &db->nsec3;
	uint8_t h[DNSSEC_NSEC3_HASHLEN];
	bool exact;
	const dns_rr *next_closer = NULL;
	if (dnssec_nsec3_hash(dns_name_skip_labels(name, k - 1), c->alg, c->iterations, c->salt,
			      c->saltlen, h) == DNS_OK)
		next_closer = dnssec_nsec3_chain_find(c, h, &exact);
	if (kind != DENY_WILDCARD)
		add_proof(a, db, ce->match);
	add_proof(a, db, next_closer);
	if (kind == DENY_NXDOMAIN || kind == DENY_WILDCARD_NODATA)
		add_proof(a, db, ce->wildcard);
}

static void add_denial(auth_answerer *a, const zonedb *db, const uint8_t *name,
		       enum denial kind)
{
	if (!a->dnssec)
		return;
	if (db->denial == ZDB_DENIAL_NSEC)
		add_nsec_denial(a, db, name, kind);
	else if (db->denial == ZDB_DENIAL_NSEC3)
		add_nsec3_denial(a, db, name, kind);
}

/* ---- lookups ----------------------------------------------------------- */

enum walk_result { WALK_NONE, WALK_CUT, WALK_DNAME };

/* Walk from just below the apex down to `name`, stopping at the first
 * delegation or DNAME on the way (RFC 1034 4.3.2 step 3b; RFC 6672).
 * A DS query at the cut itself is answered by the parent (RFC 4035). */
static enum walk_result walk_down(const zonedb *db, const uint8_t *name,
				  uint16_t qtype, const zdb_node **found)
{
	unsigned total = dns_name_labels(name);
	for (unsigned depth = db->origin_labels + 1; depth <= total; depth++) {
		const uint8_t *anc = dns_name_skip_labels(name, total - depth);
		const zdb_node *node = zonedb_find(db, anc);
		if (node == NULL)
			continue;
		if (node->is_cut && !(depth == total && qtype == DNS_T_DS)) {
			*found = node;
			return WALK_CUT;
		}
		if (depth < total && zdb_node_rrset(node, DNS_T_DNAME)) {
			*found = node;
			return WALK_DNAME;
		}
	}
	/* A DNAME at the apex applies to every name below it. */
	if (total > db->origin_labels &&
	    zdb_node_rrset(db->apex, DNS_T_DNAME)) {
		*found = db->apex;
		return WALK_DNAME;
	}
	return WALK_NONE;
}

/* Address records for a name we are authoritative for (or, for glue,
 * anywhere in the zone of the referral). */
static void add_addresses(auth_answerer *a, const auth_zoneset *zs,
			  const uint8_t *target, const zonedb *glue_zone,
			  bool required)
{
	static const uint16_t types[2] = { DNS_T_A, DNS_T_AAAA };
	const zdb_node *node = NULL;
	if (glue_zone && dns_name_is_subdomain(target, glue_zone->origin))
		node = zonedb_find(glue_zone, target);
	if (node == NULL) {
		const auth_zone *z = auth_zoneset_find(zs, target);
		const zdb_node *cut;
		if (z == NULL || z->unavailable || walk_down(&z->db, target, DNS_T_A, &cut) != WALK_NONE)
			return;
		node = zonedb_find(&z->db, target);
	}
	if (node == NULL)
		return;
	for (int i = 0; i < 2; i++) {
		const zdb_rrset *set = zdb_node_rrset(node, types[i]);
		if (set)
			(void)add_set(a, 2, set, NULL, set->ttl, required);
	}
}

/* The name inside RDATA that additional-section processing follows
 * (RFC 1034 3.6.2 for NS and MX, RFC 2782 for SRV). */
static const uint8_t *additional_target(const dns_rr *rr)
{
	switch (rr->type) {
	case DNS_T_NS: return rr->rdata;
	case DNS_T_MX: return rr->rdlen > 2 ? rr->rdata + 2 : NULL;
	case DNS_T_SRV: return rr->rdlen > 6 ? rr->rdata + 6 : NULL;
	}
	return NULL;
}

static void add_additional_for(auth_answerer *a, const auth_zoneset *zs,
			       int s)
{
	size_t n = a->npend[s];
	for (size_t i = 0; i < n; i++) {
		struct rr_pending p = a->pend[s][i];
		for (size_t k = 0; k < p.count; k++) {
			const dns_rr *rr = &a->pool[p.start + k];
			const uint8_t *t = additional_target(rr);
			if (t == NULL || t[0] == 0)
				continue;
			/* A zone's own NS may name servers below one of its
			 * cuts (the root's servers live under net.): their
			 * glue is what makes the NS set usable (priming,
			 * RFC 8109), so it counts here too. */
			const zonedb *glue = NULL;
			if (rr->type == DNS_T_NS) {
				const auth_zone *z = auth_zoneset_find(zs, rr->owner);
				glue = z && !z->unavailable ? &z->db : NULL;
			}
			add_addresses(a, zs, t, glue, false);
		}
	}
}

/* A referral: the child's NS in authority, glue in additional, no AA.
 * Glue for nameservers inside the delegated zone is required (RFC 9471):
 * without it the referral is useless, so it must fit or TC is set. */
static void add_referral(auth_answerer *a, const auth_zoneset *zs,
			 const zonedb *db, const zdb_node *cut)
{
	const zdb_rrset *ns = zdb_node_rrset(cut, DNS_T_NS);
	(void)add_set(a, 1, ns, NULL, ns->ttl, true);
	/* RFC 4035 3.1.4: with DO, the DS RRset (signed), or the proof that
	 * the delegation has none, so a validator knows whether the child
	 * is signed. */
	if (a->dnssec) {
		const zdb_rrset *ds = zdb_node_rrset(cut, DNS_T_DS);
		if (ds)
			(void)add_set(a, 1, ds, NULL, ds->ttl, true);
		else
			add_denial(a, db, cut->owner, DENY_NO_DS);
	}
	for (size_t i = 0; i < ns->count; i++) {
		const uint8_t *target = ns->rr[i].rdata;
		bool in_domain = dns_name_is_subdomain(target, cut->owner);
		add_addresses(a, zs, target, db, in_domain);
	}
}

/* RFC 6672: qname = <prefix>.<DNAME owner> becomes <prefix>.<target>. */
static dns_err dname_substitute(const uint8_t *qname, const zdb_node *dnode,
				const uint8_t *target, dns_name *out)
{
	unsigned keep = dns_name_labels(qname) - dns_name_labels(dnode->owner);
	return dns_name_join(out, qname, keep, target);
}

/* ---- the main lookup ------------------------------------------------------ */

struct lookup {
	const auth_zoneset *zs;
	bool aa;            /* AA set on the response */
	unsigned rcode;
	const auth_zone *answered;  /* zone of a positive answer, or NULL */
	bool alias;         /* made of an ALIAS target's addresses */
	bool alias_pending; /* ... which are being looked up */
};

/* The zone that answers `name`: the most specific one, except that a DS
 * RRset belongs to the parent side of a cut (RFC 4035 3.1.4.1), so a DS
 * query for a zone's apex goes to its parent when we serve that too. */
static const auth_zone *zone_for(const auth_zoneset *zs, const uint8_t *name, uint16_t qtype)
{
	const auth_zone *z = auth_zoneset_find(zs, name);
	if (z && qtype == DNS_T_DS && name[0] != 0 && dns_name_equal(z->origin.data, name)) {
		const auth_zone *parent = auth_zoneset_find(zs, dns_name_skip_labels(name, 1));
		if (parent && !parent->unavailable)
			return parent;
	}
	return z;
}

/* A and AAAA at an ALIAS: the target's addresses, from the server's
 * lookup (records of type qtype), as an RRset of `owner` -- or NODATA
 * when the target has none, SERVFAIL when they cannot be had, nothing
 * yet while they are looked up. */
static void alias_answer(auth_answerer *a, struct lookup *L, const auth_zone *z,
			 const uint8_t *owner, const zdb_rrset *alias, uint16_t qtype)
{
	const dns_rr *rrs = NULL;
	size_t n = 0;
	uint32_t ttl = 0;
	L->alias = true;
	auth_alias_status st = a->alias
		? a->alias(a->alias_ctx, alias->rr[0].rdata, qtype, alias->ttl, &rrs, &n, &ttl)
		: AUTH_ALIAS_FAILED;
	if (st == AUTH_ALIAS_PENDING) {
		L->alias_pending = true;
		return;
	}
	if (st == AUTH_ALIAS_FAILED) {
		L->rcode = DNS_R_SERVFAIL;
		return;
	}
	if (n == 0) {
		add_negative_soa(a, z);
		return;
	}
	/* One RRset, under the name asked, turning as others do. */
	zdb_rrset set = { qtype, ttl, rrs, n, NULL, 0 };
	(void)add_set(a, 0, &set, owner, ttl, true);
	L->answered = z;
}

static void resolve(auth_answerer *a, struct lookup *L, const uint8_t *qname,
		    uint16_t qtype)
{
	const uint8_t *name = qname;
	for (int step = 0; step < CHAIN_MAX; step++) {
		const auth_zone *z = zone_for(L->zs, name, qtype);
		if (z == NULL) {
			if (step == 0)
				L->rcode = DNS_R_REFUSED;
			return;     /* chain leaves our zones: resolver's job */
		}
		if (z->unavailable) {
			/* No data to answer from (a secondary never loaded, or
			 * expired): SERVFAIL, as BIND and NSD say. */
			if (step == 0)
				L->rcode = DNS_R_SERVFAIL;
			return;
		}
		const zonedb *db = &z->db;
		const zdb_node *hit;
		switch (walk_down(db, name, qtype, &hit)) {
		case WALK_CUT:
			if (step == 0)
				L->aa = false;
			add_referral(a, L->zs, db, hit);
			return;
		case WALK_DNAME: {
			const zdb_rrset *dn = zdb_node_rrset(hit, DNS_T_DNAME);
			dns_name *target = scratch_name(a);
			if (target == NULL)
				return;
			if (step == 0)
				L->aa = true;
			(void)add_set(a, 0, dn, NULL, dn->ttl, true);
			if (dname_substitute(name, hit, dn->rr[0].rdata, target)) {
				L->rcode = DNS_R_YXDOMAIN;
				return;
			}
			/* The synthesized CNAME (RFC 6672 section 3.4). */
			dns_rr cname = { name, DNS_T_CNAME, DNS_C_IN, dn->ttl,
					 target->len, target->data };
			(void)add_rr(a, 0, &cname);
			name = target->data;
			continue;
		}
		case WALK_NONE:
			break;
		}
		L->aa = L->aa || step == 0;

		const zdb_node *node = zonedb_find(db, name);
		const uint8_t *owner = NULL;   /* set when synthesized */
		if (node == NULL) {
			if (zonedb_name_exists(db, name)) {
				/* Empty non-terminal: the name exists. */
				add_negative_soa(a, z);
				add_denial(a, db, name, DENY_NODATA);
				return;
			}
			/* RFC 4592: the wildcard at the closest encloser. */
			unsigned total = dns_name_labels(name);
			const uint8_t *ce = name;
			for (unsigned k = 1; k <= total - db->origin_labels; k++) {
				ce = dns_name_skip_labels(name, k);
				if (zonedb_name_exists(db, ce))
					break;
			}
			dns_name wild;
			static const uint8_t star[] = { 1, '*', 0 };
			if (dns_name_join(&wild, star, 1, ce) == DNS_OK)
				node = zonedb_find(db, wild.data);
			if (node == NULL) {
				L->rcode = DNS_R_NXDOMAIN;
				add_negative_soa(a, z);
				add_denial(a, db, name, DENY_NXDOMAIN);
				return;
			}
			owner = name;
		}
		const zdb_rrset *cname = zdb_node_rrset(node, DNS_T_CNAME);
		if (cname && qtype != DNS_T_CNAME) {
			(void)add_set(a, 0, cname, owner, cname->ttl, true);
			if (owner)
				add_denial(a, db, name, DENY_WILDCARD);
			name = cname->rr[0].rdata;
			/* A loop back to a name already answered ends here. */
			if (dns_name_equal(name, qname))
				return;
			continue;
		}
		if (qtype == DNS_T_ANY) {
			/* RFC 8482: one RRset is enough -- never an ALIAS,
			 * which is not sent; alone, its A records stand in. */
			const zdb_rrset *one = &node->sets[0];
			for (size_t i = 1; one->type == DNS_T_ALIAS && i < node->nsets; i++)
				one = &node->sets[i];
			if (one->type == DNS_T_ALIAS) {
				alias_answer(a, L, z, owner ? owner : name, one, DNS_T_A);
				return;
			}
			(void)add_set(a, 0, one, owner, one->ttl, true);
			if (owner)
				add_denial(a, db, name, DENY_WILDCARD);
			return;
		}
		const zdb_rrset *set = zdb_node_rrset(node, qtype);
		/* A routing policy's name: its answer, made for this client
		 * and never kept for another (period 0: not cached). */
		zdb_rrset chosen;
		int pol = a->policy.answer && owner == NULL
			? a->policy.answer(a->policy.ctx, name, qtype, a->dnssec, &chosen) : 0;
		if (pol < 0) {
			L->rcode = DNS_R_SERVFAIL;
			return;
		}
		if (pol > 0) {
			set = &chosen;
			a->period = 0;
		}
		/* ALIAS is never sent as such: A and AAAA there are its
		 * target's addresses (auth/alias.h). */
		const zdb_rrset *alias = zdb_node_rrset(node, DNS_T_ALIAS);
		if (set && set->type == DNS_T_ALIAS)
			set = NULL;
		if (set == NULL && alias && (qtype == DNS_T_A || qtype == DNS_T_AAAA)) {
			alias_answer(a, L, z, owner ? owner : name, alias, qtype);
			return;
		}
		if (set == NULL) {
			add_negative_soa(a, z);
			add_denial(a, db, name, owner ? DENY_WILDCARD_NODATA : DENY_NODATA);
			return;
		}
		(void)add_set(a, 0, set, owner, set->ttl, true);
		if (owner)
			add_denial(a, db, name, DENY_WILDCARD);
		/* A DS at a cut is the parent's data about the child: no NS
		 * of ours go with it (NSD does the same).  Nor with a DNSKEY
		 * RRset, large enough on its own (as BIND and NSD answer). */
		if (!node->is_cut && qtype != DNS_T_DNSKEY)
			L->answered = z;
		return;
	}
}

/* ---- CHAOS class: who are you, what are you, how busy are you ---------- */

struct txt_writer {
	uint8_t *buf;
	size_t cap, len;
};

static void txt_append(void *ctx, const char *item)
{
	struct txt_writer *w = ctx;
	size_t n = strlen(item);
	if (n > 255 || w->cap - w->len < n + 1)
		return;
	w->buf[w->len++] = (uint8_t)n;
	memcpy(w->buf + w->len, item, n);
	w->len += n;
}

static bool chaos_name(const uint8_t *name, const char *text)
{
	dns_name n;
	return dns_name_from_text(&n, text, strlen(text), NULL) == DNS_OK &&
	       dns_name_equal(name, n.data);
}

static void answer_chaos(auth_answerer *a, struct lookup *L,
			 const uint8_t *qname, uint16_t qtype)
{
	struct txt_writer w = { a->txt, sizeof a->txt, 0 };
	if (chaos_name(qname, "version.bind.") || chaos_name(qname, "version.server."))
		txt_append(&w, "dnsim-auth");
	else if (chaos_name(qname, "id.server.") || chaos_name(qname, "hostname.bind."))
		txt_append(&w, a->identity ? a->identity : "dnsim-auth");
	else if (chaos_name(qname, "stats.dnsim.") && a->stats)
		w.len = auth_stats_txt(a->stats, w.buf, w.cap);
	else {
		L->rcode = DNS_R_REFUSED;
		return;
	}
	L->aa = true;
	if (qtype != DNS_T_TXT && qtype != DNS_T_ANY)
		return;
	dns_rr rr = { qname, DNS_T_TXT, DNS_C_CH, 0, (uint16_t)w.len, a->txt };
	(void)add_rr(a, 0, &rr);
}

/* NSID (RFC 5001): a query carrying the option (empty) gets the
 * server's identity back in one, so that of several servers behind one
 * address (anycast) the client learns which answered.  Returns the
 * option's length in out (0: not asked). */
#define EDNS_NSID 3

static size_t nsid_option(const auth_answerer *a, const dns_edns *edns, uint8_t *out,
			  size_t cap)
{
	bool asked = false;
	const uint8_t *p = edns->options;
	size_t left = edns->options_len;
	while (p && left >= 4) {
		size_t len = dns_get16(p + 2);
		if (len > left - 4)
			break;
		asked = asked || dns_get16(p) == EDNS_NSID;
		p += 4 + len;
		left -= 4 + len;
	}
	const char *id = a->identity ? a->identity : "dnsim-auth";
	size_t n = strlen(id);
	if (!asked || cap < 4 || n > cap - 4)
		return 0;
	dns_put16(out, EDNS_NSID);
	dns_put16(out + 2, (uint16_t)n);
	memcpy(out + 4, id, n);
	return 4 + n;
}

/* ---- building the response ------------------------------------------------- */

static void reset(auth_answerer *a)
{
	a->npool = 0;
	a->nnames = 0;
	a->period = 1;
	for (int s = 0; s < 3; s++)
		a->npend[s] = 0;
}

/* A response with just the header, the question when q is given, and an
 * OPT RR when the query had one (with an Extended DNS Error when `ede`
 * is not NO_EDE).  `keep` are the query's flags the response copies:
 * RD and CD for queries, none for the other opcodes (as BIND's named
 * answers them). */
#define NO_EDE 0xffffu
#define KEEP (DNS_F_RD | DNS_F_CD)

static size_t error_response(const dns_header *qh, const dns_question *q,
			     unsigned rcode, const dns_edns *edns, uint16_t keep,
			     uint16_t flags, unsigned ede, size_t max_udp, uint8_t *out,
			     size_t outcap, auth_result *res)
{
	dns_builder b;
	dns_header h = { .id = qh->id, .opcode = qh->opcode,
			 .flags = (uint16_t)(DNS_F_QR | flags | (qh->flags & keep)),
			 .rcode = (uint8_t)(rcode & 15) };
	uint8_t opt[8];
	size_t optlen = ede != NO_EDE ? dns_ede_encode((uint16_t)ede, NULL, opt, sizeof opt) : 0;
	size_t limit = outcap < 512 ? outcap : 512;
	if (dns_build_init(&b, out, limit, &h) != DNS_OK)
		return 0;
	if (edns)
		(void)dns_build_reserve(&b, dns_edns_wire_size(optlen));
	if (q)
		(void)dns_build_question(&b, q->name, q->qtype, q->qclass);
	if (edns) {
		dns_edns e = { .present = true, .udp_size = (uint16_t)max_udp,
			       .ext_rcode = (uint8_t)(rcode >> 4), .do_bit = edns->do_bit,
			       .options = opt, .options_len = (uint16_t)optlen };
		(void)dns_build_edns(&b, &e);
	}
	res->rcode = rcode;
	res->flags = h.flags;
	res->edns = edns != NULL;
	return res->size = dns_build_finish(&b);
}

/* NOTIFY (RFC 1996) and UPDATE (RFC 2136) name a zone in their question,
 * which must be one SOA question; a name that is no zone of ours gets
 * NOTAUTH.  For a zone of ours the server decides (who sent it, with
 * which key, whether the zone is a secondary) and answers with
 * auth_reply().  Every other opcode gets NOTIMP with the bare header,
 * whatever its sections hold. */
static size_t other_opcode(const auth_zoneset *zs, const dns_header *qh, const dns_msg *m,
			   bool parsed, size_t max_udp, uint8_t *out, size_t outcap,
			   auth_result *res)
{
	const dns_edns *edns = parsed && m->edns.present ? &m->edns : NULL;
	const dns_question *q = parsed && m->qdcount == 1 ? &m->question[0] : NULL;
	if (q) {
		res->has_question = true;
		dns_name_copy(&res->qname, q->name);
		res->qtype = q->qtype;
		res->qclass = q->qclass;
	}
	if (qh->opcode != DNS_OP_NOTIFY && qh->opcode != DNS_OP_UPDATE)
		return error_response(qh, NULL, DNS_R_NOTIMP, edns, 0, 0, NO_EDE, max_udp, out,
				      outcap, res);
	if (q == NULL || q->qtype != DNS_T_SOA)
		return error_response(qh, q, DNS_R_FORMERR, edns, 0, 0, NO_EDE, max_udp, out,
				      outcap, res);
	const auth_zone *z = auth_zoneset_find(zs, q->name);
	if (z == NULL || !dns_name_equal(z->origin.data, q->name))
		return error_response(qh, q, DNS_R_NOTAUTH, edns, 0, 0, NO_EDE, max_udp, out,
				      outcap, res);
	res->notify = qh->opcode == DNS_OP_NOTIFY;
	res->update = qh->opcode == DNS_OP_UPDATE;
	res->op_zone = z;
	return 0;
}

size_t auth_reply(auth_answerer *a, unsigned rcode, uint16_t flags, uint8_t *out,
		  size_t outcap, auth_result *res)
{
	const dns_msg *m = &a->query;
	const dns_question *q = m->qdcount == 1 ? &m->question[0] : NULL;
	return error_response(&m->hdr, q, rcode, m->edns.present ? &m->edns : NULL,
			      m->hdr.opcode == DNS_OP_QUERY ? KEEP : 0, flags, NO_EDE,
			      a->max_udp, out, outcap, res);
}

size_t auth_answer(auth_answerer *a, const auth_zoneset *zs, bool tcp,
		   const uint8_t *query, size_t qlen, uint8_t *out,
		   size_t outcap, auth_result *res)
{
	dns_header qh;
	uint16_t counts[4];
	memset(res, 0, sizeof *res);
	reset(a);

	/* Too short to answer, or itself a response: say nothing, so two
	 * servers can never be played against each other. */
	if (dns_header_parse(&qh, counts, query, qlen) != DNS_OK ||
	    (qh.flags & DNS_F_QR)) {
		res->drop = true;
		return 0;
	}
	dns_msg *m = &a->query;
	bool parsed = dns_msg_parse(m, query, qlen) == DNS_OK;
	res->opcode = qh.opcode;
	/* The opcode first: one we do not implement is NOTIMP whatever the
	 * rest of the message holds. */
	if (qh.opcode != DNS_OP_QUERY)
		return other_opcode(zs, &qh, m, parsed, a->max_udp, out, outcap, res);
	/* An IXFR query carries the client's SOA in its authority section
	 * (RFC 1995 3); no other query has records there. */
	bool ixfr = parsed && m->qdcount == 1 && m->question[0].qtype == DNS_T_IXFR;
	if (!parsed || m->qdcount != 1 || counts[1] != 0 ||
	    (counts[2] != 0 && !(ixfr && counts[2] == 1 && m->count[1] == 1 &&
				 m->rr[1][0].type == DNS_T_SOA)))
		return error_response(&qh, NULL, DNS_R_FORMERR,
				      parsed && m->edns.present ? &m->edns : NULL, KEEP, 0,
				      NO_EDE, a->max_udp, out, outcap, res);
	const dns_question *q = &m->question[0];
	res->has_question = true;
	dns_name_copy(&res->qname, q->name);
	res->qtype = q->qtype;
	res->qclass = q->qclass;
	const dns_edns *edns = m->edns.present ? &m->edns : NULL;

	if (edns && edns->version != 0)
		return error_response(&qh, q, DNS_R_BADVERS, edns, KEEP, 0, NO_EDE, a->max_udp,
				      out, outcap, res);
	if (a->policy.begin && a->policy.begin(a->policy.ctx, edns ? edns->options : NULL,
					       edns ? edns->options_len : 0) < 0)
		return error_response(&qh, q, DNS_R_FORMERR, edns, KEEP, 0, NO_EDE, a->max_udp,
				      out, outcap, res);

	struct lookup L = { .zs = zs, .rcode = DNS_R_NOERROR };
	/* RFC 3225: DNSSEC records only for a client that says it wants
	 * them (or asks for them by type). */
	a->dnssec = edns && edns->do_bit;
	if (q->qtype == DNS_T_AXFR || q->qtype == DNS_T_IXFR) {
		const auth_zone *z = auth_zoneset_find(zs, q->name);
		if (!tcp || z == NULL || !dns_name_equal(z->origin.data, q->name))
			return error_response(&qh, q, tcp ? DNS_R_NOTAUTH : DNS_R_FORMERR,
					      edns, KEEP, 0, NO_EDE, a->max_udp, out, outcap, res);
		if (z->unavailable)
			return error_response(&qh, q, DNS_R_SERVFAIL, edns, KEEP, 0, NO_EDE,
					      a->max_udp, out, outcap, res);
		res->axfr = true;
		res->axfr_zone = z;
		if (q->qtype == DNS_T_IXFR) {
			dns_soa soa;
			res->ixfr = true;
			if (m->count[1] == 1 && dns_soa_read(m->rr[1][0].rdata, m->rr[1][0].rdlen,
							     &soa) == DNS_OK)
				res->ixfr_serial = soa.serial;
			else
				res->ixfr = false;   /* no serial: the whole zone */
		}
		return 0;
	}
	if (q->qtype == DNS_T_OPT || (q->qtype >= 128 && q->qtype < 255))
		return error_response(&qh, q, DNS_R_FORMERR, edns, KEEP, 0, NO_EDE, a->max_udp,
				      out, outcap, res);
	if (q->qclass == DNS_C_CH)
		answer_chaos(a, &L, q->name, q->qtype);
	else if (q->qclass == DNS_C_IN || q->qclass == DNS_C_ANY)
		resolve(a, &L, q->name, q->qtype);
	else
		L.rcode = DNS_R_REFUSED;
	a->rotate++;
	if (L.alias_pending) {
		/* Nothing to say yet: the server asks again when the ALIAS
		 * target's addresses are in. */
		res->alias_pending = true;
		return 0;
	}
	/* Refused for a name in no zone of ours: say why (as NSD does). */
	if (L.rcode == DNS_R_REFUSED) {
		size_t n = error_response(&qh, q, DNS_R_REFUSED, edns, KEEP, 0,
					  DNS_EDE_NOT_AUTHORITATIVE, a->max_udp, out, outcap, res);
		res->cache_period = q->qclass == DNS_C_IN ? 1 : 0;
		return n;
	}
	/* Like NSD and BIND, a positive answer names the zone's servers in
	 * the authority section (optional data: dropped first when space
	 * runs short). */
	if (L.answered) {
		const zdb_rrset *ns = zdb_node_rrset(L.answered->db.apex, DNS_T_NS);
		if (ns && !already_added(a, 0, ns->rr[0].owner, DNS_T_NS))
			(void)add_set(a, 1, ns, NULL, ns->ttl, false);
	}
	add_additional_for(a, zs, 0);
	add_additional_for(a, zs, 1);

	/* The size limit: 512 without EDNS, the client's size with it
	 * (never below 512 nor above ours), everything over TCP. */
	size_t limit = DNS_UDP_PLAIN_MAX;
	if (tcp)
		limit = 65535;
	else if (edns) {
		limit = edns->udp_size < DNS_UDP_PLAIN_MAX ? DNS_UDP_PLAIN_MAX
							   : edns->udp_size;
		if (limit > a->max_udp)
			limit = a->max_udp;
	}
	if (limit > outcap)
		limit = outcap;

	dns_builder b;
	dns_header h = {
		.id = qh.id, .opcode = qh.opcode, .rcode = (uint8_t)L.rcode,
		.flags = (uint16_t)(DNS_F_QR | (L.aa ? DNS_F_AA : 0) |
				    (qh.flags & (DNS_F_RD | DNS_F_CD))),
	};
	if (dns_build_init(&b, out, limit, &h) != DNS_OK) {
		res->drop = true;
		return 0;
	}
	uint8_t nsid[4 + 255 + 24];
	size_t nsidlen = edns ? nsid_option(a, edns, nsid, 4 + 255) : 0;
	if (edns && a->policy.options)
		nsidlen += a->policy.options(a->policy.ctx, nsid + nsidlen, sizeof nsid - nsidlen);
	(void)dns_build_reserve(&b, (edns ? dns_edns_wire_size(nsidlen) : 0) + a->reserve);
	(void)dns_build_question(&b, q->name, q->qtype, q->qclass);
	bool tc = false;
	for (int s = 0; s < 3 && !tc; s++) {
		for (size_t i = 0; i < a->npend[s]; i++) {
			struct rr_pending p = a->pend[s][i];
			dns_err err = dns_build_rrset(&b, s + 1, &a->pool[p.start],
						      p.count);
			if (err == DNS_E_NOSPACE && p.required) {
				tc = true;
				break;
			}
		}
	}
	if (tc)
		dns_build_set_tc(&b);
	if (edns) {
		dns_edns e = { .present = true, .udp_size = (uint16_t)a->max_udp,
			       .do_bit = edns->do_bit, .options = nsid,
			       .options_len = (uint16_t)nsidlen };
		(void)dns_build_edns(&b, &e);
	}
	res->rcode = L.rcode;
	res->flags = (uint16_t)(h.flags | (tc ? DNS_F_TC : 0));
	res->edns = edns != NULL;
	/* Chaos answers (counters, identity) change; zone data does not
	 * until the zones do. */
	res->cache_period = q->qclass == DNS_C_IN && L.rcode != DNS_R_SERVFAIL && !L.alias
		? (uint8_t)a->period : 0;
	return res->size = dns_build_finish(&b);
}
