/* Iterative resolution (RFC 1034 5.3.3): from the deepest zone cut the
 * cache knows, ask that zone's servers, follow referrals down, chase
 * CNAMEs, and cache what each answer teaches -- but only what the
 * answering server is authoritative for (its bailiwick). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dns/ede.h"
#include "dns/rdata.h"
#include "dns/soa.h"
#include "resolver/hints.h"
#include "resolver/resolver.h"

static void step(resolver *r, request *rq);
static void resume(resolver *r, request *rq);

/* ---- requests ------------------------------------------------------------- */

void res_wake(resolver *r, request *rq)
{
	if (rq->queued || rq->done)
		return;
	rq->queued = true;
	rq->wake_next = NULL;
	if (r->wake_tail)
		r->wake_tail->wake_next = rq;
	else
		r->wake_head = rq;
	r->wake_tail = rq;
}

static void unqueue(resolver *r, request *rq)
{
	if (!rq->queued)
		return;
	request **pp = &r->wake_head, *prev = NULL;
	while (*pp && *pp != rq) {
		prev = *pp;
		pp = &(*pp)->wake_next;
	}
	if (*pp) {
		*pp = rq->wake_next;
		if (r->wake_tail == rq)
			r->wake_tail = prev;
	}
	rq->queued = false;
}

void res_run_wakeups(resolver *r)
{
	while (r->wake_head) {
		request *rq = r->wake_head;
		r->wake_head = rq->wake_next;
		if (r->wake_head == NULL)
			r->wake_tail = NULL;
		rq->queued = false;
		if (rq->resume)
			resume(r, rq);
		else
			step(r, rq);
	}
}

static void unlink_request(resolver *r, request *rq)
{
	unqueue(r, rq);
	if (rq->prev)
		rq->prev->next = rq->next;
	else
		r->requests = rq->next;
	if (rq->next)
		rq->next->prev = rq->prev;
}

static void free_request(request *rq)
{
	struct waiter *w = rq->waiters;
	while (w) {
		struct waiter *next = w->next;
		clients_waiter_gone(w);
		free(w);
		w = next;
	}
	rrlist_free(&rq->answer);
	rrlist_free(&rq->authority);
	free(rq);
}

/* The request has its answer (or has failed): tell whoever waits. */
static void finish(resolver *r, request *rq, unsigned rcode)
{
	if (rq->done)
		return;
	rq->done = true;
	rq->rcode = rcode;
	if (rq->inflight)
		upstream_cancel(r, rq->inflight);
	if (rcode == DNS_R_SERVFAIL)
		r->stats.servfail++;
	if (!rq->sec_started)
		rq->security = RSEC_UNCHECKED;
	if (rq->key_fetch)
		val_fetch_done(r, rq);
	if (rq->parent == NULL && rcode != DNS_R_SERVFAIL) {
		if (rq->security == RSEC_SECURE)
			r->stats.secure++;
		else if (rq->security == RSEC_INSECURE)
			r->stats.insecure++;
		else if (rq->security == RSEC_BOGUS)
			r->stats.bogus++;
	}
	char rb[DNS_MNEMONIC_MAX], sec[200] = "";
	/* The verdict on the answer, when there is one to give. */
	if (r->val.active && rcode != DNS_R_SERVFAIL) {
		if (rq->security == RSEC_BOGUS)
			snprintf(sec, sizeof sec, ",\"security\":\"bogus\",\"val_ede\":%u,"
				 "\"val_text\":\"%s\"", rq->val_ede, rq->val_text);
		else
			snprintf(sec, sizeof sec, ",\"security\":\"%s\"", rsec_name(rq->security));
	}
	if (rq->ede != RES_NO_EDE)
		trace_event(r, rq, "done", "\"rcode\":\"%s\",\"answers\":%zu,\"ms\":%llu,"
			    "\"ede\":%u,\"ede_text\":\"%s\"%s", dns_rcode_to_text(rcode, rb),
			    rq->answer.n, (unsigned long long)(r->now_ms - rq->started_ms),
			    rq->ede, rq->ede_text, sec);
	else
		trace_event(r, rq, "done", "\"rcode\":\"%s\",\"answers\":%zu,\"ms\":%llu%s",
			    dns_rcode_to_text(rcode, rb), rq->answer.n,
			    (unsigned long long)(r->now_ms - rq->started_ms), sec);
	res_deliver(r, rq);
	unlink_request(r, rq);
	request *parent = rq->parent;
	free_request(rq);
	if (parent && !parent->done) {
		parent->children--;
		if (parent->children == 0) {
			parent->resume = true;
			res_wake(r, parent);
		}
	}
}

/* SERVFAIL with the reason the client is told (RFC 8914).  The text
 * goes into JSON trace lines too: it holds names and numbers only. */
static void fail(resolver *r, request *rq, uint16_t ede, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void fail(resolver *r, request *rq, uint16_t ede, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(rq->ede_text, sizeof rq->ede_text, fmt, ap);
	va_end(ap);
	rq->ede = ede;
	finish(r, rq, DNS_R_SERVFAIL);
}

/* The servers of the zone being asked gave nothing usable: why. */
static void fail_servers(resolver *r, request *rq, const char *what)
{
	char zb[DNS_NAME_MAXTEXT];
	const char *zone = trace_name(rq->zone.data, zb, sizeof zb);
	if (rq->lame == 0 && rq->unreachable > 0 && rq->timeouts == 0)
		fail(r, rq, DNS_EDE_NETWORK_ERROR, "%s: the servers of %s are unreachable",
		     what, zone);
	else if (rq->lame == 0)
		fail(r, rq, DNS_EDE_NO_REACHABLE_AUTHORITY, "%s: no server of %s answered "
		     "(%u timeouts)", what, zone, rq->timeouts + rq->unreachable);
	else
		fail(r, rq, DNS_EDE_NO_REACHABLE_AUTHORITY, "%s: the servers of %s answered "
		     "no usable data (%u lame, %u timeouts)", what, zone, rq->lame,
		     rq->timeouts + rq->unreachable);
}

/* Two requests resolve for the same client subnet (or both for none). */
static bool same_subnet(const request *rq, const dns_ecs *subnet)
{
	if (subnet == NULL || !rq->subnet_on)
		return subnet == NULL && !rq->subnet_on;
	return dns_ecs_same_subnet(&rq->subnet, subnet);
}

static request *new_request(resolver *r, const uint8_t *name, uint16_t qtype,
			    uint16_t qclass, request *parent, const dns_ecs *subnet,
			    bool *joined)
{
	*joined = false;
	for (request *rq = r->requests; rq; rq = rq->next)
		if (!rq->done && rq->qtype == qtype && rq->qclass == qclass &&
		    dns_name_equal(rq->qname.data, name) && parent == NULL &&
		    rq->parent == NULL && same_subnet(rq, subnet)) {
			*joined = true;
			r->stats.aggregated++;
			return rq;
		}
	request *rq = calloc(1, sizeof *rq);
	if (rq == NULL)
		return NULL;
	rq->id = ++r->next_id;
	dns_name_copy(&rq->qname, name);
	dns_name_copy(&rq->name, name);
	rq->qtype = qtype;
	rq->qclass = qclass;
	rq->ede = RES_NO_EDE;
	rrlist_init(&rq->answer);
	rrlist_init(&rq->authority);
	rq->qmin = r->cfg->qmin;
	rq->val_ede = RES_NO_EDE;
	rq->started_ms = r->now_ms;
	rq->deadline_ms = r->now_ms + RES_TIME_MAX_MS;
	rq->parent = parent;
	rq->depth = parent ? parent->depth + 1 : 0;
	if (subnet) {
		rq->subnet_on = true;
		rq->subnet = *subnet;
		rq->subnet.scope = 0;
	}
	rq->next = r->requests;
	if (r->requests)
		r->requests->prev = rq;
	r->requests = rq;
	char nb[DNS_NAME_MAXTEXT], tb[DNS_MNEMONIC_MAX];
	trace_event(r, rq, "start", "\"qname\":\"%s\",\"qtype\":\"%s\",\"parent\":%u",
		    trace_name(name, nb, sizeof nb), dns_type_to_text(qtype, tb),
		    parent ? parent->id : 0);
	return rq;
}

request *res_request(resolver *r, const uint8_t *name, uint16_t qtype,
		     uint16_t qclass, request *parent, bool *joined)
{
	return new_request(r, name, qtype, qclass, parent, NULL, joined);
}

request *res_request_subnet(resolver *r, const uint8_t *name, uint16_t qtype,
			    uint16_t qclass, const dns_ecs *subnet, bool *joined)
{
	return new_request(r, name, qtype, qclass, NULL, subnet, joined);
}

void res_free_requests(resolver *r)
{
	while (r->requests) {
		request *rq = r->requests;
		if (rq->inflight)
			upstream_cancel(r, rq->inflight);
		unlink_request(r, rq);
		free_request(rq);
	}
}

/* ---- the cache's part ----------------------------------------------------- */

static bool copy_records(rrlist *l, const dns_rr *rrs, size_t n, uint32_t ttl)
{
	for (size_t i = 0; i < n; i++) {
		dns_rr rr = rrs[i];
		rr.ttl = ttl;
		if (!rrlist_add(l, &rr))
			return false;
	}
	return true;
}

/* An entry's records as an answer: the RRset and its signatures into
 * `l`, a denial's or wildcard's proof into `proof` (the authority). */
static bool copy_entry(rrlist *l, rrlist *proof, const rcache_entry *e, uint64_t now)
{
	uint32_t ttl = rcache_ttl_left(e, now);
	return copy_records(l, e->rrs, e->nrrs, ttl) && copy_records(l, e->sigs, e->nsigs, ttl) &&
	       copy_records(proof, e->proof, e->nproof, ttl);
}

/* What the cache may answer with: on a validating resolver only what
 * was validated (the rest is the iterator's own: referrals, glue). */
static bool answerable(const resolver *r, const rcache_entry *e)
{
	return !r->val.active || e->security != RSEC_UNCHECKED;
}

/* A cache hit's verdict folded into what is being answered. */
static void merge_entry(uint8_t *security, uint16_t *ede, bool *started,
			const rcache_entry *e)
{
	uint8_t before = *security;
	*security = *started ? (uint8_t)rsec_worst(*security, e->security) : e->security;
	*started = true;
	if (e->security == RSEC_BOGUS && (*ede == RES_NO_EDE || before != RSEC_BOGUS))
		*ede = e->ede;
}

/* An answer kept for the client's subnet (ECS), copied out as an RRset
 * of the main cache would be; NULL when there is none. */
static const ecache_entry *subnet_hit(resolver *r, const dns_ecs *subnet,
				      const uint8_t *name, uint16_t type, uint16_t qclass,
				      rrlist *answer, uint8_t *security, uint16_t *ede,
				      bool *started, uint8_t *scope)
{
	if (subnet == NULL || r->ecache == NULL)
		return NULL;
	const ecache_entry *e = ecache_lookup(r->ecache, name, type, qclass, subnet, r->now_ms);
	if (e == NULL || (r->val.active && e->security == RSEC_UNCHECKED))
		return NULL;
	uint8_t before = *security;
	*security = *started ? (uint8_t)rsec_worst(*security, e->security) : e->security;
	*started = true;
	if (e->security == RSEC_BOGUS && (*ede == RES_NO_EDE || before != RSEC_BOGUS))
		*ede = DNS_EDE_DNSSEC_BOGUS;
	(void)copy_records(answer, e->rrs, e->nrrs, ecache_ttl_left(e, r->now_ms));
	if (e->net.source > *scope)
		*scope = e->net.source;
	return e;
}

/* Follow `name` through the cache: CNAMEs, then the RRset or a negative
 * entry.  Returns 1 when complete, 0 when the cache runs out at *name
 * (updated to the end of the chain), -1 on a CNAME loop or overlong chain.
 * With a client subnet, answers kept for it come before the main
 * cache's (*scope: the widest of their scopes). */
static int chase_cache(resolver *r, dns_name *name, int *chain, uint16_t qtype,
		       uint16_t qclass, const dns_ecs *subnet, rrlist *answer,
		       rrlist *authority, unsigned *rcode, uint8_t *security, uint16_t *ede,
		       bool *started, uint8_t *scope)
{
	uint64_t now = r->now_ms;
	for (;;) {
		if (subnet_hit(r, subnet, name->data, qtype, qclass, answer, security, ede,
			       started, scope)) {
			*rcode = DNS_R_NOERROR;
			return 1;
		}
		const rcache_entry *e = rcache_lookup(r->cache, name->data, qtype, qclass, now);
		if (e && !answerable(r, e))
			e = NULL;
		/* A denial learnt from a referral's proof (no DS below a cut)
		 * has no SOA, and a negative answer without one cannot be
		 * cached downstream (RFC 2308 section 5): the client's
		 * question goes to the zone, whose answer carries it. */
		if (e && e->kind != RCACHE_RRSET && e->nrrs == 0)
			e = NULL;
		if (e) {
			merge_entry(security, ede, started, e);
			if (e->kind == RCACHE_RRSET) {
				copy_entry(answer, authority, e, now);
				*rcode = DNS_R_NOERROR;
			} else {
				copy_entry(authority, authority, e, now);
				*rcode = e->kind == RCACHE_NXDOMAIN ? DNS_R_NXDOMAIN
								    : DNS_R_NOERROR;
			}
			return 1;
		}
		if (qtype == DNS_T_CNAME)
			return 0;
		const uint8_t *target;
		const ecache_entry *se = subnet_hit(r, subnet, name->data, DNS_T_CNAME, qclass,
						    answer, security, ede, started, scope);
		if (se) {
			target = se->rrs[0].rdata;
		} else {
			e = rcache_peek(r->cache, name->data, DNS_T_CNAME, qclass, now);
			if (e == NULL || e->kind != RCACHE_RRSET || !answerable(r, e))
				return 0;
			merge_entry(security, ede, started, e);
			copy_entry(answer, authority, e, now);
			target = e->rrs[0].rdata;
		}
		if (++*chain > RES_CHAIN_MAX)
			return -1;
		for (size_t i = 0; i < answer->n; i++)
			if (dns_name_equal(answer->rr[i].owner, target))
				return -1;      /* a loop */
		dns_name_copy(name, target);
	}
}

bool res_answer_from_cache(resolver *r, const uint8_t *name, uint16_t qtype,
			   uint16_t qclass, const dns_ecs *subnet, rrlist *answer,
			   rrlist *authority, unsigned *rcode, unsigned *security,
			   unsigned *ede, uint8_t *scope)
{
	dns_name n;
	int chain = 0;
	uint8_t sec = RSEC_UNCHECKED;
	uint16_t why = RES_NO_EDE;
	bool started = false;
	dns_name_copy(&n, name);
	*scope = 0;
	int got = chase_cache(r, &n, &chain, qtype, qclass, subnet, answer, authority, rcode,
			      &sec, &why, &started, scope);
	if (got < 0)
		*rcode = DNS_R_SERVFAIL;
	*security = sec;
	*ede = why;
	return got != 0;
}

/* ---- zone cuts and their servers -------------------------------------- */

/* Addresses no nameserver can be reached at: this host (0.0.0.0/8,
 * 127.0.0.0/8, ::, ::1), multicast and broadcast (224.0.0.0/3 up to
 * 255.255.255.255, ff00::/8), IPv6 link-local (no interface to send it
 * on).  A delegation naming one is broken or hostile (it would make the
 * resolver query itself or flood a group): the address is skipped. */
static bool unusable_address(const uint8_t *a, size_t len)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	if (len == 16 && memcmp(a, mapped, 12) == 0) {
		a += 12;
		len = 4;
	}
	if (len == 4)
		return a[0] == 0 || a[0] == 127 || a[0] >= 224;
	static const uint8_t zero[15] = { 0 };
	if (memcmp(a, zero, 15) == 0)
		return a[15] <= 1;              /* :: and ::1 */
	return a[0] == 0xff || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80);
}

/* The root hints are the operator's word: their addresses are used as
 * given, loopback included (a test bed on one host). */
static bool hinted_address(const resolver *r, const dns_rr *rr)
{
	for (size_t i = 0; i < r->hints.n; i++) {
		const dns_rr *h = &r->hints.rr[i];
		if (h->type == rr->type && h->rdlen == rr->rdlen &&
		    memcmp(h->rdata, rr->rdata, rr->rdlen) == 0)
			return true;
	}
	return false;
}

/* Add one A or AAAA record to a server's addresses; false when it has
 * no room, the record is malformed, or the address cannot be used. */
static bool put_address(const resolver *r, struct ns_entry *ns, const dns_rr *rr)
{
	if (ns->naddr >= RES_ADDR_MAX)
		return false;
	if ((rr->type == DNS_T_A && rr->rdlen != 4) ||
	    (rr->type == DNS_T_AAAA && rr->rdlen != 16) ||
	    (rr->type != DNS_T_A && rr->type != DNS_T_AAAA))
		return false;
	if (unusable_address(rr->rdata, rr->rdlen) && !hinted_address(r, rr))
		return false;
	net_addr *a = &ns->addr[ns->naddr];
	memset(a, 0, sizeof *a);
	if (rr->type == DNS_T_A) {
		struct sockaddr_in *v4 = (struct sockaddr_in *)&a->ss;
		v4->sin_family = AF_INET;
		v4->sin_port = htons(53);
		memcpy(&v4->sin_addr, rr->rdata, 4);
		a->len = sizeof *v4;
	} else {
		struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&a->ss;
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(53);
		memcpy(&v6->sin6_addr, rr->rdata, 16);
		a->len = sizeof *v6;
	}
	ns->tries[ns->naddr] = 0;
	ns->naddr++;
	return true;
}

static void load_addresses(resolver *r, struct ns_entry *ns, uint64_t now)
{
	static const uint16_t types[2] = { DNS_T_A, DNS_T_AAAA };
	ns->naddr = 0;
	for (int t = 0; t < 2; t++) {
		const rcache_entry *e = rcache_peek(r->cache, ns->name.data, types[t],
						    DNS_C_IN, now);
		if (e == NULL || e->kind != RCACHE_RRSET)
			continue;
		for (size_t i = 0; i < e->nrrs && ns->naddr < RES_ADDR_MAX; i++)
			(void)put_address(r, ns, &e->rrs[i]);
	}
}

/* The deepest cut above (or at) the name with NS records in the cache.
 * A DS question belongs to the parent of a cut (RFC 4035 3.1.4.1). */
static bool find_cut(resolver *r, request *rq, uint64_t now)
{
	unsigned labels = dns_name_labels(rq->name.data);
	for (unsigned skip = 0; skip <= labels; skip++) {
		if (skip == 0 && rq->qtype == DNS_T_DS && labels > 0)
			continue;
		const uint8_t *anc = dns_name_skip_labels(rq->name.data, skip);
		const rcache_entry *e = rcache_peek(r->cache, anc, DNS_T_NS,
						    DNS_C_IN, now);
		if (e == NULL || e->kind != RCACHE_RRSET)
			continue;
		dns_name_copy(&rq->zone, anc);
		rq->nns = 0;
		for (size_t i = 0; i < e->nrrs && rq->nns < RES_NS_MAX; i++) {
			struct ns_entry *ns = &rq->ns[rq->nns++];
			memset(ns, 0, sizeof *ns);
			dns_name_copy(&ns->name, e->rrs[i].rdata);
			load_addresses(r, ns, now);
		}
		rq->revealed = dns_name_labels(anc);
		return true;
	}
	return false;
}

/* How many labels more than those revealed the next minimised query
 * shows: one for the first few, then as many as keep the whole walk
 * within RES_QMIN_MAX queries. */
static unsigned qmin_step(const request *rq, unsigned total)
{
	if (rq->qmin_steps < RES_QMIN_ONE_LABEL || rq->revealed >= total)
		return 1;
	unsigned left = rq->qmin_steps < RES_QMIN_MAX ? RES_QMIN_MAX - rq->qmin_steps : 1;
	unsigned step = (total - rq->revealed + left - 1) / left;
	return step ? step : 1;
}

/* The name to show this zone's servers: with QNAME minimisation one
 * label more than the zone (RFC 9156), or a few more deep down, else the
 * whole name. */
static const uint8_t *query_name(request *rq, dns_name *buf, uint16_t *qtype)
{
	unsigned total = dns_name_labels(rq->name.data);
	unsigned step = qmin_step(rq, total);
	if (rq->qmin && rq->revealed + step < total) {
		const uint8_t *n = dns_name_skip_labels(rq->name.data,
							total - rq->revealed - step);
		dns_name_copy(buf, n);
		*qtype = DNS_T_A;
		return buf->data;
	}
	*qtype = rq->qtype;
	return rq->name.data;
}

/* May the servers of the zone being asked see the client's subnet?  Only
 * for a client's own question (not the nested lookups of nameservers
 * and keys, whose answers are for everyone), only those of the zones
 * configured -- by default every zone below the TLDs, so the root's and
 * the TLDs' servers, which answer with referrals alike for all, never
 * learn where clients are -- and not a server that refused the option
 * (FORMERR). */
static bool ecs_allowed(const resolver *r, const request *rq, const infra_host *h)
{
	if (!rq->subnet_on || rq->subnet.source == 0 || r->ecache == NULL || (h && h->no_ecs))
		return false;
	if (r->cfg->necs_zones == 0)
		return dns_name_labels(rq->zone.data) >= 2;
	for (size_t i = 0; i < r->cfg->necs_zones; i++)
		if (dns_name_is_subdomain(rq->zone.data, r->cfg->ecs_zones[i].data))
			return true;
	return false;
}

/* Pick the untried address with the lowest smoothed RTT and query it. */
static bool send_next(resolver *r, request *rq)
{
	struct ns_entry *best_ns = NULL;
	int best_i = -1;
	uint32_t best_rank = UINT32_MAX;
	for (int n = 0; n < rq->nns; n++)
		for (int i = 0; i < rq->ns[n].naddr; i++) {
			struct ns_entry *ns = &rq->ns[n];
			if (ns->tries[i] >= RES_TRIES_PER_ADDR)
				continue;
			infra_host *h = infra_get(&r->infra,
						  (struct sockaddr *)&ns->addr[i].ss,
						  r->now_ms);
			uint32_t rank = h ? infra_rank(h) : 1;
			rank += ns->tries[i] * 10000u;
			if (rank < best_rank) {
				best_rank = rank;
				best_ns = ns;
				best_i = i;
			}
		}
	if (best_ns == NULL)
		return false;
	best_ns->tries[best_i]++;
	infra_host *h = infra_get(&r->infra, (struct sockaddr *)&best_ns->addr[best_i].ss,
				  r->now_ms);
	dns_name qbuf;
	uint16_t qtype;
	const uint8_t *qn = query_name(rq, &qbuf, &qtype);
	bool minimised = qn != rq->name.data || qtype != rq->qtype;
	rq->queries++;
	r->stats.upstream++;
	return upstream_send(r, rq, &best_ns->addr[best_i], qn, qtype,
			     !(h && h->no_edns), false,
			     !minimised && ecs_allowed(r, rq, h) ? &rq->subnet : NULL);
}

/* Does resolving `name` lead back into a zone whose servers a request
 * above this one is waiting to find? */
static bool waited_for(const request *rq, const uint8_t *name)
{
	for (const request *p = rq->parent; p; p = p->parent)
		if (dns_name_is_subdomain(name, p->zone.data) ||
		    dns_name_equal(name, p->name.data))
			return true;
	return false;
}

/* No server with an address left: resolve a nameserver's address in a
 * nested request, as long as that cannot lead back here. */
static bool resolve_ns_addresses(resolver *r, request *rq)
{
	if (rq->ns_depth >= RES_DEPTH_MAX)
		return false;
	int started = 0;
	for (int n = 0; n < rq->nns && started < 2; n++) {
		struct ns_entry *ns = &rq->ns[n];
		if (ns->naddr > 0 || ns->looked_up)
			continue;
		ns->looked_up = true;
		/* A server named inside the zone it serves, without glue,
		 * can only be found through that zone: a dead end. */
		if (dns_name_is_subdomain(ns->name.data, rq->zone.data))
			continue;
		/* The same within a zone that an enclosing resolution is
		 * itself stuck at, waiting for this one: a cycle of names
		 * without glue (a.test served from b.test and back), which
		 * would otherwise be walked until the depth limit, twice
		 * over at every level. */
		if (waited_for(rq, ns->name.data)) {
			char nb[DNS_NAME_MAXTEXT];
			trace_event(r, rq, "ns_cycle", "\"ns\":\"%s\"",
				    trace_name(ns->name.data, nb, sizeof nb));
			continue;
		}
		bool joined;
		request *child = res_request(r, ns->name.data, DNS_T_A, DNS_C_IN,
					     rq, &joined);
		if (child == NULL)
			continue;
		child->ns_depth = rq->ns_depth + 1;
		char nb[DNS_NAME_MAXTEXT];
		trace_event(r, rq, "ns_lookup", "\"ns\":\"%s\",\"child\":%u",
			    trace_name(ns->name.data, nb, sizeof nb), child->id);
		if (!joined)
			res_wake(r, child);
		rq->children++;
		started++;
	}
	return started > 0;
}

/* Ask the next server of the current cut, or give up. */
/* QNAME minimisation, past what the cache already knows: a name that is
 * known to exist (an A record or a NODATA for it) is not a zone cut --
 * find_cut would have found its NS -- so there is nothing to ask there. */
static void skip_known_levels(resolver *r, request *rq)
{
	unsigned total = dns_name_labels(rq->name.data);
	while (rq->qmin && rq->revealed + 1 < total) {
		const uint8_t *n = dns_name_skip_labels(rq->name.data,
							total - rq->revealed - 1);
		const rcache_entry *e = rcache_peek(r->cache, n, DNS_T_A, DNS_C_IN,
						    r->now_ms);
		if (e == NULL || e->kind == RCACHE_NXDOMAIN)
			break;
		rq->revealed++;
	}
}

static void ask(resolver *r, request *rq)
{
	skip_known_levels(r, rq);
	if (rq->queries >= RES_QUERIES_MAX || r->now_ms >= rq->deadline_ms) {
		trace_event(r, rq, "give_up", "\"queries\":%d", rq->queries);
		char what[64];
		snprintf(what, sizeof what, "gave up after %d queries", rq->queries);
		fail_servers(r, rq, what);
		return;
	}
	/* The chain of trust down to this zone first (nested fetches of
	 * DS and DNSKEY; the request resumes when they end). */
	if (!val_ensure(r, rq))
		return;
	if (send_next(r, rq))
		return;
	if (rq->children > 0)
		return;         /* waiting for an address */
	if (!resolve_ns_addresses(r, rq)) {
		trace_event(r, rq, "no_servers", NULL);
		fail_servers(r, rq, "no server left to ask");
	}
}

/* Nested lookups of nameserver addresses are over: pick up the
 * addresses they found and go on with the same zone cut (keeping what was
 * tried already, so a lookup that failed is not started again). */
static void resume(resolver *r, request *rq)
{
	rq->resume = false;
	for (int n = 0; n < rq->nns; n++)
		if (rq->ns[n].naddr == 0)
			load_addresses(r, &rq->ns[n], r->now_ms);
	ask(r, rq);
}

/* Continue a request: first the cache, then the network. */
static void step(resolver *r, request *rq)
{
	uint64_t now = r->now_ms;
	unsigned rcode;
	/* A prefetch exists to replace what the cache holds: skip it. */
	int got = rq->prefetch ? 0
		: chase_cache(r, &rq->name, &rq->chain, rq->qtype, rq->qclass,
			      rq->subnet_on ? &rq->subnet : NULL, &rq->answer, &rq->authority,
			      &rcode, &rq->security, &rq->val_ede, &rq->sec_started, &rq->scope);
	if (got != 0) {
		if (got > 0)
			trace_event(r, rq, "cache_hit", NULL);
		finish(r, rq, got > 0 ? rcode : DNS_R_SERVFAIL);
		return;
	}
	bool found = find_cut(r, rq, now);
	if (!found) {
		/* Not even the root is cached any more: the hints again. */
		hints_prime(r);
		trace_event(r, rq, "priming", NULL);
		found = find_cut(r, rq, now);
	}
	if (!found) {
		trace_event(r, rq, "no_root_hints", NULL);
		fail(r, rq, DNS_EDE_NO_REACHABLE_AUTHORITY, "no root server is known");
		return;
	}
	char zb[DNS_NAME_MAXTEXT];
	trace_event(r, rq, "cache_miss", "\"zone\":\"%s\",\"servers\":%d",
		    trace_name(rq->zone.data, zb, sizeof zb), rq->nns);
	ask(r, rq);
}

/* ---- what a response teaches ------------------------------------------------ */

/* Records of one RRset in a section: owner, type; copied out in order. */
static size_t collect(const dns_msg *m, int sec, const uint8_t *owner,
		      uint16_t type, dns_rr *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < m->count[sec] && n < max; i++) {
		const dns_rr *rr = &m->rr[sec][i];
		if (rr->type == type && rr->rclass == DNS_C_IN &&
		    dns_name_equal(rr->owner, owner))
			out[n++] = *rr;
	}
	return n;
}

#define SET_MAX 64

/* An array for every record of a section (at least one), for RRsets
 * that may be large; the caller frees it.  NULL when out of memory. */
static dns_rr *set_room(const dns_msg *m, int sec)
{
	return malloc((m->count[sec] ? m->count[sec] : 1) * sizeof(dns_rr));
}

static void cache_set(resolver *r, const dns_rr *set, size_t n,
		      enum rcache_rank rank)
{
	if (n)
		(void)rcache_put_rrset(r->cache, set, n, rank, NULL, r->now_ms);
}

/* RFC 2308: the negative TTL is the SOA's MINIMUM, bounded by its TTL;
 * an SOA without its numbers gives 0 (nothing to cache). */
static uint32_t negative_ttl(const dns_rr *soa)
{
	uint32_t ttl;
	if (dns_soa_negative_ttl(soa->ttl, soa->rdata, soa->rdlen, &ttl) != DNS_OK)
		return 0;
	return ttl;
}

static const dns_rr *find_soa(const dns_msg *m, const uint8_t *zone)
{
	for (size_t i = 0; i < m->count[1]; i++) {
		const dns_rr *rr = &m->rr[1][i];
		if (rr->type == DNS_T_SOA && dns_name_is_subdomain(rr->owner, zone))
			return rr;
	}
	return NULL;
}

/* The keys of the zone that signed what came are not known yet: fetch
 * them (ask() does, before asking again) and ask the question again. */
static void need_keys(resolver *r, request *rq, const val_verdict *v)
{
	char zb[DNS_NAME_MAXTEXT];
	rq->has_need = true;
	dns_name_copy(&rq->need_zone, v->need_zone.data);
	trace_event(r, rq, "need_keys", "\"zone\":\"%s\"",
		    trace_name(v->need_zone.data, zb, sizeof zb));
	ask(r, rq);
}

/* A verdict, for the trace. */
static void trace_verdict(resolver *r, request *rq, const char *what, const uint8_t *name,
			  uint16_t type, const val_verdict *v)
{
	char nb[DNS_NAME_MAXTEXT], tb[DNS_MNEMONIC_MAX], why[160] = "";
	if (v->why[0])
		snprintf(why, sizeof why, ",\"why\":\"%s\"", v->why);
	if (v->ede != RES_NO_EDE) {
		size_t used = strlen(why);
		snprintf(why + used, sizeof why - used, ",\"ede\":%u", v->ede);
	}
	trace_event(r, rq, "verdict", "\"what\":\"%s\",\"name\":\"%s\",\"qtype\":\"%s\","
		    "\"security\":\"%s\"%s", what, trace_name(name, nb, sizeof nb),
		    dns_type_to_text(type, tb), rsec_name(v->security), why);
}

static bool add_records(rrlist *l, const dns_rr *rrs, size_t n, uint32_t ttl)
{
	for (size_t i = 0; i < n; i++) {
		dns_rr rr = rrs[i];
		rr.ttl = ttl;
		if (!rrlist_add(l, &rr))
			return false;
	}
	return true;
}

/* A negative answer: NXDOMAIN or NODATA for the name asked (`proven` is
 * the name the denial is about: the name asked, or an ancestor of it
 * that a minimised query found missing). */
static void negative(resolver *r, request *rq, const dns_msg *m,
		     enum rcache_kind kind, const uint8_t *proven)
{
	val_verdict v = { .security = RSEC_UNCHECKED, .ede = RES_NO_EDE };
	rrlist proof;
	rrlist_init(&proof);
	bool cut = false;
	if (r->val.active) {
		val_denial(r, rq, m, kind == RCACHE_NXDOMAIN ? VAL_NXDOMAIN : VAL_NODATA, proven,
			   rq->qtype, NULL, &v, &proof, &cut);
		if (v.need) {
			rrlist_free(&proof);
			need_keys(r, rq, &v);
			return;
		}
		val_merge(rq, &v);
		trace_verdict(r, rq, kind == RCACHE_NXDOMAIN ? "nxdomain" : "nodata", proven,
			      rq->qtype, &v);
	}
	const dns_rr *soa = find_soa(m, rq->zone.data);
	uint32_t ttl = soa ? negative_ttl(soa) : 0;
	/* The client sees the TTL the cache keeps it for: the same cap. */
	if (ttl > r->cfg->max_neg_ttl)
		ttl = r->cfg->max_neg_ttl;
	if (soa) {
		dns_rr s = *soa, sigs[8];
		s.ttl = ttl;
		size_t ns = r->val.active ? val_collect_sigs(m, 1, soa->owner, DNS_T_SOA, sigs, 8) : 0;
		(void)rrlist_add(&rq->authority, &s);
		(void)add_records(&rq->authority, sigs, ns, ttl);
		(void)add_records(&rq->authority, proof.rr, proof.n, ttl);
		rcache_dnssec sec = { .security = v.security, .ede = v.ede,
				      .flags = cut ? RCACHE_UNSIGNED_CUT : 0, .sigs = sigs,
				      .nsigs = ns, .proof = proof.rr, .nproof = proof.n };
		/* A denial that holds for the client's subnet only is not
		 * kept: the main cache would give it to everyone. */
		if (!rq->resp_scoped)
			(void)rcache_put_negative(r->cache, kind, rq->name.data, rq->qtype,
						  rq->qclass, &s, ttl, &sec, r->now_ms);
	}
	rrlist_free(&proof);
	finish(r, rq, kind == RCACHE_NXDOMAIN ? DNS_R_NXDOMAIN : DNS_R_NOERROR);
}

/* A referral: NS for a zone strictly below the one asked and at or
 * above the name.  Glue is believed only inside the zone that was asked
 * (its bailiwick), never for names elsewhere. */
static bool referral(resolver *r, request *rq, const dns_msg *m,
		     const uint8_t *qn)
{
	/* The NS set that delegates the name: owned by an ancestor of the
	 * name below the zone asked, the deepest if there are several.
	 * Other NS sets in the section, wherever they stand, are not ours
	 * to follow or to cache. */
	const dns_rr *ns0 = NULL;
	for (size_t i = 0; i < m->count[1]; i++) {
		const dns_rr *rr = &m->rr[1][i];
		if (rr->type != DNS_T_NS || rr->rclass != DNS_C_IN ||
		    !dns_name_is_subdomain(qn, rr->owner) ||
		    !dns_name_is_subdomain(rr->owner, rq->zone.data) ||
		    dns_name_equal(rr->owner, rq->zone.data))
			continue;
		if (ns0 == NULL || dns_name_labels(rr->owner) > dns_name_labels(ns0->owner))
			ns0 = rr;
	}
	if (ns0 == NULL)
		return false;
	/* A DS lives above the cut: a referral to the zone itself sends
	 * the question back where it came from (no progress). */
	if (rq->qtype == DNS_T_DS && dns_name_equal(ns0->owner, rq->name.data))
		return false;
	dns_name parent;
	dns_name_copy(&parent, rq->zone.data);
	dns_rr set[SET_MAX];
	size_t n = collect(m, 1, ns0->owner, DNS_T_NS, set, SET_MAX);
	cache_set(r, set, n, RANK_AUTHORITY);
	/* The DS RRset (or the proof there is none) for the new cut, checked
	 * with the keys of the zone that delegates. */
	val_referral(r, rq, m, ns0->owner);
	size_t glue = 0;
	for (size_t k = 0; k < n; k++) {
		const uint8_t *target = set[k].rdata;
		if (!dns_name_is_subdomain(target, parent.data))
			continue;
		static const uint16_t types[2] = { DNS_T_A, DNS_T_AAAA };
		for (int t = 0; t < 2; t++) {
			dns_rr addrs[SET_MAX];
			size_t na = collect(m, 2, target, types[t], addrs, SET_MAX);
			cache_set(r, addrs, na, RANK_GLUE);
			glue += na;
		}
	}
	/* The nameservers' names, space-separated, for the trace's readers
	 * (a sequence diagram shows whom the referral names). */
	char zb[DNS_NAME_MAXTEXT], names[1024];
	size_t used = 0;
	names[0] = '\0';
	for (size_t k = 0; k < n && used + 2 < sizeof names; k++) {
		char nb[DNS_NAME_MAXTEXT];
		int w = snprintf(names + used, sizeof names - used, "%s%s", k ? " " : "",
				 trace_name(set[k].rdata, nb, sizeof nb));
		if (w < 0 || (size_t)w >= sizeof names - used) {
			names[used] = '\0';
			break;
		}
		used += (size_t)w;
	}
	trace_event(r, rq, "referral",
		    "\"zone\":\"%s\",\"ns\":%zu,\"glue\":%zu,\"names\":\"%s\"",
		    trace_name(ns0->owner, zb, sizeof zb), n, glue, names);
	/* Go on from the new cut: from the cache, which has it now -- or,
	 * when it does not (a TTL of 0, a full cache), from the referral
	 * itself, which would otherwise be asked for again and again. */
	if (find_cut(r, rq, r->now_ms) && dns_name_is_subdomain(rq->zone.data, ns0->owner))
		return true;
	dns_name_copy(&rq->zone, ns0->owner);
	rq->revealed = dns_name_labels(ns0->owner);
	rq->nns = 0;
	for (size_t k = 0; k < n && rq->nns < RES_NS_MAX; k++) {
		struct ns_entry *ns = &rq->ns[rq->nns++];
		memset(ns, 0, sizeof *ns);
		dns_name_copy(&ns->name, set[k].rdata);
		load_addresses(r, ns, r->now_ms);
		if (ns->naddr > 0 || !dns_name_is_subdomain(ns->name.data, parent.data))
			continue;
		for (size_t i = 0; i < m->count[2]; i++) {
			const dns_rr *g = &m->rr[2][i];
			if (g->rclass == DNS_C_IN && dns_name_equal(g->owner, ns->name.data))
				(void)put_address(r, ns, g);
		}
	}
	return true;
}

/* No CNAME for the name, but a DNAME above it in the zone (RFC 6672): the
 * CNAME it stands for, made here as servers that forget it should have
 * (section 3.2).  Returns the DNAME (which goes into the answer first,
 * for clients that know it), NULL when there is none; *cname points
 * into *target. */
static const dns_rr *from_dname(request *rq, const dns_msg *m, dns_rr *cname,
				dns_name *target)
{
	unsigned labels = dns_name_labels(rq->name.data);
	for (size_t i = 0; i < m->count[0]; i++) {
		const dns_rr *d = &m->rr[0][i];
		if (d->type != DNS_T_DNAME || d->rclass != DNS_C_IN ||
		    !dns_name_is_subdomain(rq->name.data, d->owner) ||
		    dns_name_equal(rq->name.data, d->owner) ||
		    !dns_name_is_subdomain(d->owner, rq->zone.data))
			continue;
		size_t tlen;
		if (dns_name_check(d->rdata, d->rdlen, &tlen) != DNS_OK || tlen != d->rdlen ||
		    dns_name_join(target, rq->name.data, labels - dns_name_labels(d->owner),
				  d->rdata) != DNS_OK)
			return NULL;
		*cname = (dns_rr){ rq->name.data, DNS_T_CNAME, DNS_C_IN, d->ttl,
				   target->len, target->data };
		return d;
	}
	return NULL;
}

#define SIGS_MAX 16

/* An RRset of the answer section and what validation makes of it: the
 * signatures, and for a wildcard expansion the proof from the authority
 * section that the name itself does not exist.  v->need when keys must
 * be fetched first. */
typedef struct checked {
	val_verdict v;
	dns_rr sigs[SIGS_MAX];
	size_t nsigs;
	rrlist proof;
} checked;

static void check_set(resolver *r, request *rq, const dns_msg *m, const dns_rr *set,
		      size_t n, checked *c)
{
	rrlist_init(&c->proof);
	c->nsigs = 0;
	c->v = (val_verdict){ .security = RSEC_UNCHECKED, .ede = RES_NO_EDE };
	if (!r->val.active || n == 0)
		return;
	c->nsigs = val_collect_sigs(m, 0, set[0].owner, set[0].type, c->sigs, SIGS_MAX);
	val_rrset(r, rq, set, n, c->sigs, c->nsigs, &c->v);
	if (c->v.need || c->v.security != RSEC_SECURE || !c->v.wildcard)
		return;
	/* RFC 4035 5.3.4: an expansion is only as good as the proof that
	 * the name itself is not there. */
	val_verdict w;
	val_denial(r, rq, m, VAL_WILDCARD, set[0].owner, set[0].type, c->v.source.data, &w,
		   &c->proof, NULL);
	if (w.need || w.security != RSEC_SECURE) {
		uint32_t ttl = c->v.ttl;
		c->v = w;
		c->v.ttl = ttl;
	}
}

/* Keep an RRset of the answer: for everyone in the main cache, or, when
 * the response holds only for the client's subnet (an ECS scope above
 * 0), in the ECS cache for that subnet. */
static void keep_rrset(resolver *r, request *rq, const dns_rr *set, size_t n,
		       enum rcache_rank rank, const rcache_dnssec *sec)
{
	if (rq->resp_scoped) {
		(void)ecache_put(r->ecache, set, n, &rq->resp_net, sec->security, r->now_ms);
		if (rq->resp_net.source > rq->scope)
			rq->scope = rq->resp_net.source;
		return;
	}
	(void)rcache_put_rrset(r->cache, set, n, rank, sec, r->now_ms);
}

/* Cache a checked RRset and add it (with its signatures, and its proof
 * to the authority section) to the request's answer; TTLs as the cache
 * keeps them. */
static void take_set(resolver *r, request *rq, dns_rr *set, size_t n, enum rcache_rank rank,
		     checked *c)
{
	/* One RRset, one TTL: the lowest (RFC 2181 5.2), as the cache
	 * keeps it, so the first answer says the same; no longer than the
	 * signatures allow. */
	uint32_t ttl = set[0].ttl;
	for (size_t i = 1; i < n; i++)
		if (set[i].ttl < ttl)
			ttl = set[i].ttl;
	if ((c->v.security == RSEC_SECURE || (c->v.security == RSEC_BOGUS && c->v.ttl > 0)) &&
	    c->v.ttl < ttl)
		ttl = c->v.ttl;
	if (ttl > r->cfg->max_ttl)
		ttl = r->cfg->max_ttl;
	for (size_t i = 0; i < n; i++)
		set[i].ttl = ttl;
	rcache_dnssec sec = { .security = c->v.security, .ede = c->v.ede, .sigs = c->sigs,
			      .nsigs = c->nsigs, .proof = c->proof.rr, .nproof = c->proof.n };
	keep_rrset(r, rq, set, n, rank, &sec);
	if (c->v.security == RSEC_BOGUS && ttl > RCACHE_BOGUS_TTL)
		ttl = RCACHE_BOGUS_TTL;
	(void)add_records(&rq->answer, set, n, ttl);
	(void)add_records(&rq->answer, c->sigs, c->nsigs, ttl);
	(void)add_records(&rq->authority, c->proof.rr, c->proof.n, ttl);
	if (r->val.active) {
		val_merge(rq, &c->v);
		trace_verdict(r, rq, "answer", set[0].owner, set[0].type, &c->v);
	}
	rrlist_free(&c->proof);
}

/* The answer section, from the name asked: CNAMEs and the RRset, each
 * cached when in the zone's bailiwick.  Returns true when the request
 * is finished or moved on. */
static bool answer(resolver *r, request *rq, const dns_msg *m, bool aa)
{
	enum rcache_rank rank = aa ? RANK_AUTH_ANSWER : RANK_ANSWER;
	bool progressed = false, moved = true;
	checked *c = malloc(sizeof *c);
	/* Room for the whole section: an RRset is as large as the message
	 * lets it be (120 addresses over TCP), not a fixed count. */
	dns_rr *set = set_room(m, 0);
	if (set == NULL || c == NULL) {
		free(set);
		free(c);
		return false;
	}
	for (;;) {
		if (!dns_name_is_subdomain(rq->name.data, rq->zone.data))
			break;  /* beyond this server's authority: ask elsewhere */
		size_t n = collect(m, 0, rq->name.data, rq->qtype, set, m->count[0]);
		if (n > 0) {
			check_set(r, rq, m, set, n, c);
			if (c->v.need)
				goto need;
			take_set(r, rq, set, n, rank, c);
			trace_event(r, rq, "answer", "\"records\":%zu", n);
			finish(r, rq, DNS_R_NOERROR);
			goto out;
		}
		if (rq->qtype == DNS_T_CNAME)
			break;
		dns_name synth;
		const dns_rr *dname = NULL;
		/* A validator takes the signed DNAME over the unsigned CNAME
		 * the server made of it; others take the CNAME when there is
		 * one. */
		if (r->val.active)
			dname = from_dname(rq, m, set, &synth);
		if (dname == NULL && collect(m, 0, rq->name.data, DNS_T_CNAME, set, 1) == 0 &&
		    (dname = from_dname(rq, m, set, &synth)) == NULL)
			break;
		if (dname) {
			check_set(r, rq, m, dname, 1, c);
			if (c->v.need)
				goto need;
			dns_rr d = *dname;
			uint32_t cname_ttl = set[0].ttl;
			take_set(r, rq, &d, 1, rank, c);
			set[0].ttl = cname_ttl < d.ttl ? cname_ttl : d.ttl;
			/* The CNAME stands for the DNAME: its verdict, no
			 * signatures of its own. */
			rcache_dnssec sec = { .security = c->v.security, .ede = c->v.ede };
			keep_rrset(r, rq, set, 1, rank, &sec);
			if (set[0].ttl > r->cfg->max_ttl)
				set[0].ttl = r->cfg->max_ttl;
			(void)rrlist_add(&rq->answer, &set[0]);
		} else {
			check_set(r, rq, m, set, 1, c);
			if (c->v.need)
				goto need;
			take_set(r, rq, set, 1, rank, c);
		}
		char tb[DNS_NAME_MAXTEXT];
		trace_event(r, rq, "cname", "\"target\":\"%s\"",
			    trace_name(set[0].rdata, tb, sizeof tb));
		for (size_t i = 0; i + 1 < rq->answer.n; i++)
			if (rq->answer.rr[i].type == DNS_T_CNAME &&
			    dns_name_equal(rq->answer.rr[i].owner, set[0].rdata)) {
				char nb[DNS_NAME_MAXTEXT];
				fail(r, rq, DNS_EDE_OTHER, "CNAME loop at %s",
				     trace_name(set[0].rdata, nb, sizeof nb));
				goto out;
			}
		if (++rq->chain > RES_CHAIN_MAX) {
			fail(r, rq, DNS_EDE_OTHER, "CNAME chain longer than %d", RES_CHAIN_MAX);
			goto out;
		}
		dns_name_copy(&rq->name, set[0].rdata);
		progressed = true;
	}
	free(set);
	free(c);
	set = NULL;
	c = NULL;
	if (progressed) {
		/* The chain left this response: go on from the cache. */
		step(r, rq);
		return true;
	}
	moved = false;
	goto out;
need:
	/* Keys first; then the question again (from where the chain has
	 * got to, which may be this response's zone or another). */
	rrlist_free(&c->proof);
	{
		val_verdict v = c->v;
		free(set);
		free(c);
		set = NULL;
		c = NULL;
		if (progressed) {
			rq->has_need = true;
			dns_name_copy(&rq->need_zone, v.need_zone.data);
			step(r, rq);
		} else {
			need_keys(r, rq, &v);
		}
	}
	return true;
out:
	free(set);
	free(c);
	return moved;
}

/* What the response holds for (RFC 7871 7.3): with ECS sent, the scope
 * it names, cut to the prefix sent (the server cannot know more); no
 * option, or scope 0, is an answer for everyone. */
static void response_scope(resolver *r, request *rq, const struct upq *q, const dns_msg *m)
{
	rq->resp_scoped = false;
	if (!q->ecs || r->ecache == NULL || !m->edns.present)
		return;
	dns_ecs back;
	if (dns_ecs_find(m->edns.options, m->edns.options_len, &back) <= 0 || back.scope == 0)
		return;
	rq->resp_net = q->ecs_sent;
	dns_ecs_limit(&rq->resp_net, back.scope);
	rq->resp_scoped = true;
	char net[64];
	dns_ecs_format(&rq->resp_net, net, sizeof net);
	trace_event(r, rq, "ecs_scope", "\"scope\":%u,\"subnet\":\"%s\"", back.scope, net);
}

/* A server answered a minimised query: that was no failed try of its
 * address, and the next, deeper name is a question of its own (else a
 * deep walk inside one zone would use up its addresses' tries). */
static void answered(request *rq, const net_addr *server)
{
	for (int n = 0; n < rq->nns; n++)
		for (int i = 0; i < rq->ns[n].naddr; i++)
			if (rq->ns[n].addr[i].len == server->len &&
			    memcmp(&rq->ns[n].addr[i].ss, &server->ss, server->len) == 0)
				rq->ns[n].tries[i] = 0;
}

void res_on_response(resolver *r, request *rq, struct upq *q, const dns_msg *m)
{
	unsigned rcode = dns_msg_rcode(m);
	bool aa = (m->hdr.flags & DNS_F_AA) != 0;
	const uint8_t *qn = q->qname.data;
	bool minimised = !dns_name_equal(qn, rq->name.data) || q->qtype != rq->qtype;
	char rb[DNS_MNEMONIC_MAX];

	rq->inflight = NULL;
	response_scope(r, rq, q, m);
	if ((m->hdr.flags & DNS_F_TC) && !q->tcp) {
		r->stats.tcp_retries++;
		trace_event(r, rq, "truncated", NULL);
		rq->queries++;
		if (!upstream_send(r, rq, &q->server, qn, q->qtype, q->edns, true,
				   q->ecs ? &q->ecs_sent : NULL))
			ask(r, rq);
		return;
	}
	if (rcode == DNS_R_FORMERR && q->ecs) {
		/* A server that cannot take the option: asked again without
		 * it, and never sent it again (the answer is for everyone). */
		infra_host *h = infra_get(&r->infra, (struct sockaddr *)&q->server.ss,
					  r->now_ms);
		if (h)
			h->no_ecs = true;
		trace_event(r, rq, "ecs_fallback", NULL);
		rq->queries++;
		if (!upstream_send(r, rq, &q->server, qn, q->qtype, q->edns, q->tcp, NULL))
			ask(r, rq);
		return;
	}
	if ((rcode == DNS_R_FORMERR || rcode == DNS_R_NOTIMP) && q->edns) {
		infra_host *h = infra_get(&r->infra, (struct sockaddr *)&q->server.ss,
					  r->now_ms);
		if (h)
			h->no_edns = true;
		trace_event(r, rq, "edns_fallback", NULL);
		rq->queries++;
		if (!upstream_send(r, rq, &q->server, qn, q->qtype, false, q->tcp, NULL))
			ask(r, rq);
		return;
	}
	if (rcode != DNS_R_NOERROR && rcode != DNS_R_NXDOMAIN) {
		rq->lame++;
		trace_event(r, rq, "lame", "\"rcode\":\"%s\"",
			    dns_rcode_to_text(rcode, rb));
		ask(r, rq);
		return;
	}
	val_zone_answered(r, rq->zone.data);
	if (minimised) {
		/* Only the zone structure matters on the way down. */
		rq->qmin_steps++;
		if (rcode == DNS_R_NXDOMAIN && rq->zone.data[0] != 0 &&
		    !dns_name_equal(qn, rq->name.data)) {
			/* Nothing exists below a name that does not exist
			 * (RFC 8020) -- but some servers say NXDOMAIN for an
			 * empty non-terminal, a name with names below it.
			 * Unsigned, that cannot be told from the truth: ask
			 * the whole name, as Unbound's relaxed mode does.  Not
			 * at the root, whose names one label deep are
			 * delegations or nothing. */
			trace_event(r, rq, "qmin_fallback", "\"rcode\":\"NXDOMAIN\"");
			rq->qmin = false;
			ask(r, rq);
			return;
		}
		if (rcode == DNS_R_NXDOMAIN) {
			trace_event(r, rq, "nxdomain", "\"minimised\":true");
			negative(r, rq, m, RCACHE_NXDOMAIN, qn);
			return;
		}
		if (referral(r, rq, m, qn)) {
			ask(r, rq);
			return;
		}
		if (m->count[0] > 0 &&
		    collect(m, 0, qn, DNS_T_CNAME, (dns_rr[1]){ { 0 } }, 1) > 0) {
			/* A CNAME on the way down: minimising gains nothing
			 * more; ask the whole name. */
			rq->qmin = false;
		} else {
			/* The name exists here without a cut: remember it, so
			 * the next name below it skips this step. */
			dns_rr *set = set_room(m, 0);
			size_t n = set ? collect(m, 0, qn, DNS_T_A, set, m->count[0]) : 0;
			const dns_rr *soa = find_soa(m, rq->zone.data);
			if (n > 0) {
				cache_set(r, set, n, aa ? RANK_AUTH_ANSWER : RANK_ANSWER);
			} else if (soa) {
				dns_rr sr = *soa;
				sr.ttl = negative_ttl(soa);
				(void)rcache_put_negative(r->cache, RCACHE_NODATA, qn, DNS_T_A,
							  DNS_C_IN, &sr, sr.ttl, NULL, r->now_ms);
			}
			free(set);
			rq->revealed = dns_name_labels(qn);
			answered(rq, &q->server);
		}
		trace_event(r, rq, "reveal", "\"labels\":%u", rq->revealed);
		ask(r, rq);
		return;
	}
	if (answer(r, rq, m, aa))
		return;
	if (rcode == DNS_R_NXDOMAIN) {
		trace_event(r, rq, "nxdomain", NULL);
		negative(r, rq, m, RCACHE_NXDOMAIN, rq->name.data);
		return;
	}
	if (referral(r, rq, m, qn)) {
		ask(r, rq);
		return;
	}
	/* Nothing in the answer section was for the question (answer()
	 * used all that was): records of another type or name are to be
	 * ignored (RFC 2181 5.4.1), so an authoritative reply is a NODATA. */
	if (aa || find_soa(m, rq->zone.data)) {
		trace_event(r, rq, "nodata", NULL);
		negative(r, rq, m, RCACHE_NODATA, rq->name.data);
		return;
	}
	rq->lame++;
	trace_event(r, rq, "lame", "\"rcode\":\"%s\",\"why\":\"no usable data\"",
		    dns_rcode_to_text(rcode, rb));
	ask(r, rq);
}

void res_on_timeout(resolver *r, request *rq, struct upq *q, bool unreachable)
{
	char ab[80];
	rq->inflight = NULL;
	r->stats.timeouts++;
	infra_host *h = infra_get(&r->infra, (struct sockaddr *)&q->server.ss,
				  r->now_ms);
	if (h)
		infra_timeout(h);
	if (unreachable)
		rq->unreachable++;
	else
		rq->timeouts++;
	net_addr_format((struct sockaddr *)&q->server.ss, ab, sizeof ab);
	trace_event(r, rq, unreachable ? "unreachable" : "timeout",
		    "\"server\":\"%s\"", ab);
	ask(r, rq);
}
