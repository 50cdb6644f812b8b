/* RFC 2136: prerequisites (3.2), the update prescan (3.4.1) and the
 * updates (3.4.2) on a working copy of the zone's records. */
#include "update.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/rdata.h"
#include "dns/serial.h"
#include "dns/soa.h"

#define TYPE_TSIG 250

/* The zone being edited: its records (pointing into the old zone or the
 * message), those deleted marked. */
typedef struct work {
	dns_rr *rr;
	bool *gone;
	size_t n, cap;
	const uint8_t *origin;
} work;

static bool work_add(work *w, const dns_rr *rr)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		dns_rr *r = realloc(w->rr, cap * sizeof *r);
		if (r == NULL)
			return false;
		w->rr = r;
		bool *g = realloc(w->gone, cap * sizeof *g);
		if (g == NULL)
			return false;
		w->gone = g;
		w->cap = cap;
	}
	w->rr[w->n] = *rr;
	w->gone[w->n++] = false;
	return true;
}

static bool same_rdata(const dns_rr *a, const dns_rr *b)
{
	return dns_rdata_compare(a->type, a->rdata, a->rdlen, b->rdata, b->rdlen) == 0;
}

static bool name_in_use(const work *w, const uint8_t *name)
{
	for (size_t i = 0; i < w->n; i++)
		if (!w->gone[i] && dns_name_equal(w->rr[i].owner, name))
			return true;
	return false;
}

static bool rrset_exists(const work *w, const uint8_t *name, uint16_t type)
{
	for (size_t i = 0; i < w->n; i++)
		if (!w->gone[i] && w->rr[i].type == type && dns_name_equal(w->rr[i].owner, name))
			return true;
	return false;
}

static size_t rrset_count(const work *w, const uint8_t *name, uint16_t type)
{
	size_t n = 0;
	for (size_t i = 0; i < w->n; i++)
		n += !w->gone[i] && w->rr[i].type == type && dns_name_equal(w->rr[i].owner, name);
	return n;
}

/* RFC 2136 3.2.3: the value-dependent prerequisites of one name and type
 * (all of them, i.e. prereq[from..] with that name and type) must be
 * exactly the zone's RRset. */
static bool rrset_equals(const work *w, const dns_rr *pre, size_t npre, const dns_rr *first)
{
	for (size_t k = 0; k < npre; k++) {
		const dns_rr *p = &pre[k];
		if (p->rclass != first->rclass || p->type != first->type ||
		    !dns_name_equal(p->owner, first->owner))
			continue;
		bool found = false;
		for (size_t i = 0; i < w->n && !found; i++)
			found = !w->gone[i] && w->rr[i].type == p->type &&
				dns_name_equal(w->rr[i].owner, p->owner) && same_rdata(&w->rr[i], p);
		if (!found)
			return false;
	}
	/* Duplicates among the prerequisites count once. */
	size_t distinct = 0;
	for (size_t k = 0; k < npre; k++) {
		const dns_rr *p = &pre[k];
		if (p->rclass != first->rclass || p->type != first->type ||
		    !dns_name_equal(p->owner, first->owner))
			continue;
		bool seen = false;
		for (size_t j = 0; j < k && !seen; j++)
			seen = pre[j].rclass == p->rclass && pre[j].type == p->type &&
			       dns_name_equal(pre[j].owner, p->owner) && same_rdata(&pre[j], p);
		distinct += !seen;
	}
	return distinct == rrset_count(w, first->owner, first->type);
}

static const char *tn(uint16_t type, char *buf)
{
	return dns_type_to_text(type, buf);
}

static unsigned prerequisites(const work *w, const dns_msg *m, char *msg, size_t msgsz)
{
	const dns_rr *pre = m->rr[0];
	size_t n = m->count[0];
	char name[DNS_NAME_MAXTEXT], type[DNS_MNEMONIC_MAX];
	for (size_t i = 0; i < n; i++) {
		const dns_rr *p = &pre[i];
		(void)dns_name_to_text(p->owner, name, sizeof name, NULL);
		if (p->ttl != 0) {
			snprintf(msg, msgsz, "prerequisite %s with a TTL", name);
			return DNS_R_FORMERR;
		}
		if (!dns_name_is_subdomain(p->owner, w->origin)) {
			snprintf(msg, msgsz, "prerequisite %s is outside the zone", name);
			return DNS_R_NOTZONE;
		}
		if (p->rclass == DNS_C_ANY || p->rclass == DNS_C_NONE) {
			bool any = p->rclass == DNS_C_ANY;
			if (p->rdlen != 0) {
				snprintf(msg, msgsz, "prerequisite %s with data in class %s", name,
					 any ? "ANY" : "NONE");
				return DNS_R_FORMERR;
			}
			bool exists = p->type == DNS_T_ANY ? name_in_use(w, p->owner)
							   : rrset_exists(w, p->owner, p->type);
			if (any && !exists) {
				snprintf(msg, msgsz, "prerequisite failed: %s %s does not exist", name,
					 p->type == DNS_T_ANY ? "(the name)" : tn(p->type, type));
				return p->type == DNS_T_ANY ? DNS_R_NXDOMAIN : DNS_R_NXRRSET;
			}
			if (!any && exists) {
				snprintf(msg, msgsz, "prerequisite failed: %s %s exists", name,
					 p->type == DNS_T_ANY ? "(the name)" : tn(p->type, type));
				return p->type == DNS_T_ANY ? DNS_R_YXDOMAIN : DNS_R_YXRRSET;
			}
		} else if (p->rclass == DNS_C_IN) {
			if (p->type == DNS_T_ANY || dns_type_is_meta(p->type)) {
				snprintf(msg, msgsz, "prerequisite %s of type %s", name, tn(p->type, type));
				return DNS_R_FORMERR;
			}
			if (!rrset_equals(w, pre, n, p)) {
				snprintf(msg, msgsz, "prerequisite failed: %s %s is not as given", name,
					 tn(p->type, type));
				return DNS_R_NXRRSET;
			}
		} else {
			snprintf(msg, msgsz, "prerequisite %s in class %u", name, p->rclass);
			return DNS_R_FORMERR;
		}
	}
	return DNS_R_NOERROR;
}

/* RFC 2136 3.4.1: every update is checked before any is applied. */
static unsigned prescan(const work *w, const dns_msg *m, char *msg, size_t msgsz)
{
	char name[DNS_NAME_MAXTEXT], type[DNS_MNEMONIC_MAX];
	for (size_t i = 0; i < m->count[1]; i++) {
		const dns_rr *u = &m->rr[1][i];
		(void)dns_name_to_text(u->owner, name, sizeof name, NULL);
		if (!dns_name_is_subdomain(u->owner, w->origin)) {
			snprintf(msg, msgsz, "update of %s, outside the zone", name);
			return DNS_R_NOTZONE;
		}
		bool meta = dns_type_is_meta(u->type);
		bool ok = u->rclass == DNS_C_IN ? !meta
			  : u->rclass == DNS_C_ANY ? u->ttl == 0 && u->rdlen == 0 &&
						    (!meta || u->type == DNS_T_ANY)
			  : u->rclass == DNS_C_NONE ? u->ttl == 0 && !meta
			  : false;
		if (!ok) {
			snprintf(msg, msgsz, "malformed update of %s (type %s, class %u)", name,
				 tn(u->type, type), u->rclass);
			return DNS_R_FORMERR;
		}
		if (u->rclass == DNS_C_IN && dns_rdata_check(u->type, u->rdata, u->rdlen) != DNS_OK) {
			snprintf(msg, msgsz, "update of %s %s with bad data", name, tn(u->type, type));
			return DNS_R_FORMERR;
		}
	}
	return DNS_R_NOERROR;
}

/* RFC 2136 3.4.2.2: adding one record. */
static bool add_one(work *w, const dns_rr *u, bool *changed)
{
	bool apex = dns_name_equal(u->owner, w->origin);
	bool has_cname = rrset_exists(w, u->owner, DNS_T_CNAME);
	if (u->type == DNS_T_CNAME) {
		/* A CNAME beside other data is ignored; one replaces another. */
		for (size_t i = 0; i < w->n; i++)
			if (!w->gone[i] && dns_name_equal(w->rr[i].owner, u->owner) &&
			    w->rr[i].type != DNS_T_CNAME && w->rr[i].type != DNS_T_RRSIG &&
			    w->rr[i].type != DNS_T_NSEC)
				return true;
		for (size_t i = 0; i < w->n; i++)
			if (!w->gone[i] && w->rr[i].type == DNS_T_CNAME &&
			    dns_name_equal(w->rr[i].owner, u->owner))
				w->gone[i] = true;
	} else if (has_cname && u->type != DNS_T_RRSIG && u->type != DNS_T_NSEC) {
		return true;
	}
	if (u->type == DNS_T_SOA) {
		/* Only at the apex, and only to a newer serial. */
		dns_soa in, cur;
		if (!apex || dns_soa_read(u->rdata, u->rdlen, &in) != DNS_OK)
			return true;
		for (size_t i = 0; i < w->n; i++)
			if (!w->gone[i] && w->rr[i].type == DNS_T_SOA &&
			    dns_soa_read(w->rr[i].rdata, w->rr[i].rdlen, &cur) == DNS_OK) {
				if (dns_serial_compare(in.serial, cur.serial) != DNS_SERIAL_GREATER)
					return true;
				w->gone[i] = true;
			}
		*changed = true;
		return work_add(w, u);
	}
	/* The RRset takes the TTL of what was added (as BIND does); the same
	 * record twice is there once. */
	bool present = false;
	for (size_t i = 0; i < w->n; i++)
		if (!w->gone[i] && w->rr[i].type == u->type && dns_name_equal(w->rr[i].owner, u->owner)) {
			if (w->rr[i].ttl != u->ttl) {
				w->rr[i].ttl = u->ttl;
				*changed = true;
			}
			present = present || same_rdata(&w->rr[i], u);
		}
	if (present)
		return true;
	*changed = true;
	return work_add(w, u);
}

/* RFC 2136 3.4.2.3 and 3.4.2.4: deleting RRsets, names, records. */
static void delete(work *w, const dns_rr *u, bool *changed)
{
	bool apex = dns_name_equal(u->owner, w->origin);
	size_t ns_left = rrset_count(w, u->owner, DNS_T_NS);
	for (size_t i = 0; i < w->n; i++) {
		dns_rr *r = &w->rr[i];
		if (w->gone[i] || !dns_name_equal(r->owner, u->owner))
			continue;
		if (u->type != DNS_T_ANY && r->type != u->type)
			continue;
		if (apex && (r->type == DNS_T_SOA || (r->type == DNS_T_NS && u->rclass == DNS_C_ANY)))
			continue;      /* the apex keeps its SOA and NS */
		if (u->rclass == DNS_C_NONE) {
			if (!same_rdata(r, u))
				continue;
			if (apex && r->type == DNS_T_NS && ns_left <= 1)
				continue;  /* never the last NS */
			if (r->type == DNS_T_NS)
				ns_left--;
		}
		w->gone[i] = true;
		*changed = true;
	}
}

struct first_error {
	char *msg;
	size_t size;
};

static void first_error(void *ctx, const dns_diag *d)
{
	struct first_error *f = ctx;
	if (d->severity == DNS_ERROR && !f->msg[0])
		snprintf(f->msg, f->size, "the update would break the zone: %s", d->msg);
}

unsigned update_apply(const dns_zonedata *zone, const dns_msg *m, dns_zonedata *out,
		      bool *changed, char *msg, size_t msgsz)
{
	msg[0] = '\0';
	*changed = false;
	dns_zonedata_init(out, zone->origin.data, DNS_C_IN);
	work w = { .origin = zone->origin.data };
	unsigned rc = DNS_R_NOERROR;
	for (size_t i = 0; i < zone->n && rc == DNS_R_NOERROR; i++)
		if (!work_add(&w, &zone->rr[i]))
			rc = DNS_R_SERVFAIL;
	if (rc == DNS_R_NOERROR && m->qdcount != 1)
		rc = DNS_R_FORMERR;
	if (rc == DNS_R_NOERROR)
		rc = prerequisites(&w, m, msg, msgsz);
	if (rc == DNS_R_NOERROR)
		rc = prescan(&w, m, msg, msgsz);
	for (size_t i = 0; rc == DNS_R_NOERROR && i < m->count[1]; i++) {
		const dns_rr *u = &m->rr[1][i];
		if (u->rclass == DNS_C_IN) {
			if (!add_one(&w, u, changed))
				rc = DNS_R_SERVFAIL;
		} else {
			delete(&w, u, changed);
		}
	}
	uint32_t serial = 0, before = 0;
	bool soa_given = false;
	for (size_t i = 0; i < zone->n; i++)
		if (zone->rr[i].type == DNS_T_SOA) {
			dns_soa s;
			if (dns_soa_read(zone->rr[i].rdata, zone->rr[i].rdlen, &s) == DNS_OK)
				before = s.serial;
		}
	/* The new serial: one more, unless the update set a newer one. */
	uint8_t soa_rd[DNS_RDATA_MAXLEN];
	for (size_t i = 0; rc == DNS_R_NOERROR && *changed && i < w.n; i++) {
		dns_soa s;
		if (w.gone[i] || w.rr[i].type != DNS_T_SOA ||
		    dns_soa_read(w.rr[i].rdata, w.rr[i].rdlen, &s) != DNS_OK)
			continue;
		soa_given = s.serial != before;
		serial = soa_given ? s.serial : dns_serial_next(before);
		memcpy(soa_rd, w.rr[i].rdata, w.rr[i].rdlen);
		(void)dns_soa_set_serial(soa_rd, w.rr[i].rdlen, serial);
		w.rr[i].rdata = soa_rd;
	}
	for (size_t i = 0; rc == DNS_R_NOERROR && *changed && i < w.n; i++)
		if (!w.gone[i] && !dns_zonedata_add(out, &w.rr[i], "update", 0))
			rc = DNS_R_SERVFAIL;
	struct first_error fe = { msg, msgsz };
	if (rc == DNS_R_NOERROR && *changed && dns_zonedata_finish(out, first_error, &fe) != 0)
		rc = DNS_R_REFUSED;
	if (rc != DNS_R_NOERROR)
		*changed = false;
	if (rc == DNS_R_SERVFAIL && !msg[0])
		snprintf(msg, msgsz, "out of memory");
	free(w.rr);
	free(w.gone);
	return rc;
}
