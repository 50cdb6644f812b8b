/* Routing policies: choosing a client's answers. */
#include "auth/policy.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/wire.h"

static void entry_free(policy_entry *e)
{
	free(e->rdata);
	free(e->region);
	free(e->healthy);
	free(e->streak);
}

void policy_table_free(policy_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		entry_free(&t->e[i]);
	free(t->e);
	free(t->delay);
	memset(t, 0, sizeof *t);
}

static bool entry_init(policy_entry *e, const auth_config *c, const auth_policy_conf *pc,
		       char *msg, size_t msgsz)
{
	e->conf = pc;
	if (dns_name_from_text(&e->name, pc->name, strlen(pc->name), dns_name_root) != DNS_OK) {
		snprintf(msg, msgsz, "policy %s: not a domain name", pc->name);
		return false;
	}
	size_t n = pc->nanswers ? pc->nanswers : 1;
	e->rdata = calloc(n, sizeof *e->rdata);
	e->region = calloc(n, sizeof *e->region);
	e->healthy = calloc(n, sizeof *e->healthy);
	e->streak = calloc(n, sizeof *e->streak);
	if (!e->rdata || !e->region || !e->healthy || !e->streak) {
		snprintf(msg, msgsz, "out of memory");
		return false;
	}
	for (size_t k = 0; k < pc->nanswers; k++) {
		const auth_policy_answer *a = &pc->answers[k];
		if (a->addr.ss.ss_family == AF_INET)
			memcpy(e->rdata[k], &((const struct sockaddr_in *)&a->addr.ss)->sin_addr, 4);
		else
			memcpy(e->rdata[k], &((const struct sockaddr_in6 *)&a->addr.ss)->sin6_addr, 16);
		e->region[k] = a->region ? auth_config_region(c, a->region) : -1;
		e->healthy[k] = true;
	}
	return true;
}

bool policy_table_init(policy_table *t, const auth_config *c, char *msg, size_t msgsz)
{
	memset(t, 0, sizeof *t);
	t->cfg = c;
	size_t nr = c->nregions;
	t->e = calloc(c->npolicies ? c->npolicies : 1, sizeof *t->e);
	t->delay = calloc(nr ? nr * nr : 1, sizeof *t->delay);
	if (t->e == NULL || t->delay == NULL) {
		snprintf(msg, msgsz, "out of memory");
		policy_table_free(t);
		return false;
	}
	for (size_t i = 0; i < nr * nr; i++)
		t->delay[i] = i % (nr + 1) == 0 ? 0 : UINT32_MAX;
	for (size_t i = 0; i < c->ndelays; i++) {
		long a = auth_config_region(c, c->delays[i].a);
		long b = auth_config_region(c, c->delays[i].b);
		if (a < 0 || b < 0 || a == b)
			continue;
		t->delay[(size_t)a * nr + (size_t)b] = c->delays[i].ms;
		t->delay[(size_t)b * nr + (size_t)a] = c->delays[i].ms;
	}
	for (size_t i = 0; i < c->npolicies; i++) {
		bool ok = entry_init(&t->e[t->n], c, &c->policies[i], msg, msgsz);
		t->n++;
		if (!ok) {
			policy_table_free(t);
			return false;
		}
	}
	return true;
}

policy_entry *policy_find(const policy_table *t, const uint8_t *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (dns_name_equal(t->e[i].name.data, name))
			return &t->e[i];
	return NULL;
}

void policy_client_from_sockaddr(const struct sockaddr *sa, policy_client *out)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	memset(out, 0, sizeof *out);
	if (sa->sa_family == AF_INET) {
		out->family = AF_INET;
		memcpy(out->addr, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		out->bits = 32;
	} else if (sa->sa_family == AF_INET6) {
		const uint8_t *a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
		if (memcmp(a, mapped, sizeof mapped) == 0) {
			out->family = AF_INET;
			memcpy(out->addr, a + 12, 4);
			out->bits = 32;
		} else {
			out->family = AF_INET6;
			memcpy(out->addr, a, 16);
			out->bits = 128;
		}
	}
}

/* How many leading bits a and b share, at most `max`. */
static unsigned common_bits(const uint8_t *a, const uint8_t *b, unsigned max)
{
	unsigned n = 0;
	while (n < max) {
		unsigned byte = n / 8, bit = 7 - n % 8;
		if (((a[byte] >> bit) & 1) != ((b[byte] >> bit) & 1))
			break;
		n++;
	}
	return n;
}

long policy_region_of(const policy_table *t, const policy_client *cl, unsigned *scope)
{
	*scope = 0;
	/* Nothing known (no family, or ECS with SOURCE PREFIX-LENGTH 0, a
	 * client that asks not to be placed): no region, for everyone. */
	if (cl->family == 0 || cl->bits == 0)
		return -1;
	unsigned width = cl->family == AF_INET ? 32 : 128;
	const auth_config *c = t->cfg;
	long best = -1;
	unsigned best_bits = 0;
	/* The region: the longest prefix that holds the client's address
	 * (an ECS prefix's address, its unknown bits zero, as geolocation
	 * databases look it up: a /24 from a resolver finds the /26 of its
	 * first addresses, and the scope below says the answer needed more
	 * bits than it had). */
	for (size_t r = 0; r < c->nregions; r++)
		for (size_t i = 0; i < c->regions[r].nprefixes; i++) {
			const net_prefix *p = &c->regions[r].prefixes[i];
			if (p->family != cl->family)
				continue;
			if (common_bits(p->bytes, cl->addr, p->bits) == p->bits &&
			    (best < 0 || p->bits > best_bits)) {
				best = (long)r;
				best_bits = p->bits;
			}
		}
	/* The scope: enough bits that every address sharing them falls in
	 * the same region.  The matched prefix's bits, and past any longer
	 * prefix of another region that shares them with the client: one
	 * bit more than the two share. */
	unsigned s = best >= 0 ? best_bits : 0;
	for (size_t r = 0; r < c->nregions; r++) {
		if ((long)r == best)
			continue;
		for (size_t i = 0; i < c->regions[r].nprefixes; i++) {
			const net_prefix *p = &c->regions[r].prefixes[i];
			if (p->family != cl->family || p->bits <= s)
				continue;
			unsigned shared = common_bits(p->bytes, cl->addr, p->bits);
			unsigned need = shared < p->bits ? shared + 1 : p->bits;
			if (need > s)
				s = need;
		}
	}
	*scope = s > width ? width : s;
	return best;
}

static int answer_family(const auth_policy_conf *pc, size_t k)
{
	return pc->answers[k].addr.ss.ss_family;
}

/* The answers of `family`, healthy ones only when `healthy_only`. */
static size_t candidates(const policy_entry *e, int family, bool healthy_only, size_t *out,
			 size_t max)
{
	size_t n = 0;
	for (size_t k = 0; k < e->conf->nanswers && n < max; k++)
		if (answer_family(e->conf, k) == family && (!healthy_only || e->healthy[k]))
			out[n++] = k;
	return n;
}

static int weighted(const policy_entry *e, int family, policy_rand_fn rnd, void *rctx,
		    size_t *out)
{
	size_t idx[64];
	size_t n = candidates(e, family, true, idx, 64);
	uint64_t sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += e->conf->answers[idx[i]].weight;
	if (sum == 0) {
		/* None healthy (or only weight-0 ones): every answer counts,
		 * as when nothing checks them. */
		n = candidates(e, family, false, idx, 64);
		for (size_t i = 0; i < n; i++)
			sum += e->conf->answers[idx[i]].weight;
	}
	if (sum == 0)
		return 0;
	/* 32 random bits over a sum below 2^20 or so: the bias is far
	 * below what any test could see. */
	uint64_t pick = rnd(rctx) % sum;
	for (size_t i = 0; i < n; i++) {
		uint64_t w = e->conf->answers[idx[i]].weight;
		if (pick < w) {
			out[0] = idx[i];
			return 1;
		}
		pick -= w;
	}
	return 0;
}

static int failover(const policy_entry *e, int family, size_t *out, size_t max)
{
	const auth_policy_conf *pc = e->conf;
	for (int pass = 0; pass < 3; pass++) {
		/* Healthy primaries, healthy secondaries, then the primaries. */
		bool want_secondary = pass == 1, healthy_only = pass < 2;
		size_t n = 0;
		for (size_t k = 0; k < pc->nanswers && n < max; k++)
			if (answer_family(pc, k) == family &&
			    pc->answers[k].secondary == want_secondary &&
			    (!healthy_only || e->healthy[k]))
				out[n++] = k;
		if (n)
			return (int)n;
	}
	return 0;
}

/* The default answer of `family` (healthy or not: it is the last word). */
static int default_answer(const policy_entry *e, int family, size_t *out)
{
	for (size_t k = 0; k < e->conf->nanswers; k++)
		if (answer_family(e->conf, k) == family && e->region[k] < 0) {
			out[0] = k;
			return 1;
		}
	return 0;
}

static int geolocation(const policy_entry *e, int family, long region, size_t *out,
		       size_t max)
{
	size_t n = 0;
	for (size_t k = 0; region >= 0 && k < e->conf->nanswers && n < max; k++)
		if (answer_family(e->conf, k) == family && e->region[k] == region &&
		    e->healthy[k])
			out[n++] = k;
	return n ? (int)n : default_answer(e, family, out);
}

static int latency(const policy_table *t, const policy_entry *e, int family, long region,
		   size_t *out)
{
	size_t nr = t->cfg->nregions;
	long best = -1;
	uint32_t best_delay = UINT32_MAX;
	for (size_t k = 0; region >= 0 && k < e->conf->nanswers; k++) {
		if (answer_family(e->conf, k) != family || !e->healthy[k] || e->region[k] < 0)
			continue;
		uint32_t d = t->delay[(size_t)region * nr + (size_t)e->region[k]];
		if (d < best_delay) {
			best_delay = d;
			best = (long)k;
		}
	}
	if (best >= 0) {
		out[0] = (size_t)best;
		return 1;
	}
	if (default_answer(e, family, out))
		return 1;
	size_t first;
	if (candidates(e, family, true, &first, 1)) {
		out[0] = first;
		return 1;
	}
	return 0;
}

static int multivalue(const policy_entry *e, int family, policy_rand_fn rnd, void *rctx,
		      size_t *out, size_t max)
{
	size_t idx[64];
	size_t n = candidates(e, family, true, idx, 64);
	if (n == 0)
		return candidates(e, family, false, idx, 1) ? -1 : 0;
	/* Fisher-Yates, then the first few. */
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = rnd(rctx) % (i + 1);
		size_t tmp = idx[i];
		idx[i] = idx[j];
		idx[j] = tmp;
	}
	size_t take = n < POLICY_MULTI_MAX ? n : POLICY_MULTI_MAX;
	if (take > max)
		take = max;
	memcpy(out, idx, take * sizeof *out);
	return (int)take;
}

int policy_select(const policy_table *t, const policy_entry *e, int family,
		  const policy_client *cl, policy_rand_fn rnd, void *rctx, size_t *out,
		  size_t max, unsigned *scope)
{
	*scope = 0;
	if (max == 0)
		return 0;
	switch (e->conf->routing) {
	case AUTH_ROUTE_WEIGHTED:
		return weighted(e, family, rnd, rctx, out);
	case AUTH_ROUTE_FAILOVER:
		return failover(e, family, out, max);
	case AUTH_ROUTE_GEOLOCATION:
		return geolocation(e, family, policy_region_of(t, cl, scope), out, max);
	case AUTH_ROUTE_LATENCY:
		return latency(t, e, family, policy_region_of(t, cl, scope), out);
	case AUTH_ROUTE_MULTIVALUE:
		return multivalue(e, family, rnd, rctx, out, max);
	}
	return 0;
}

bool policy_health_report(policy_entry *e, size_t k, bool ok)
{
	if (k >= e->conf->nanswers)
		return false;
	if (ok == e->healthy[k]) {
		e->streak[k] = 0;
		return false;
	}
	if (++e->streak[k] < e->conf->check_threshold)
		return false;
	e->healthy[k] = ok;
	e->streak[k] = 0;
	return true;
}

/* ---- EDNS Client Subnet ------------------------------------------------------ */

int policy_ecs_parse(const uint8_t *p, size_t left, policy_client *out)
{
	memset(out, 0, sizeof *out);
	while (p && left >= 4) {
		uint16_t code = dns_get16(p), len = dns_get16(p + 2);
		if (len > left - 4)
			return 0;       /* the OPT parser's business */
		if (code == POLICY_EDNS_ECS) {
			if (len < 4)
				return -1;
			uint16_t family = dns_get16(p + 4);
			unsigned source = p[6], scope = p[7];
			unsigned width = family == 1 ? 32 : family == 2 ? 128 : 0;
			size_t alen = len - 4u;
			if (width == 0 || source > width || scope != 0 ||
			    alen != (source + 7) / 8)
				return -1;
			memcpy(out->addr, p + 8, alen);
			/* RFC 7871 6: bits past the source prefix are zero. */
			if (source % 8 && (out->addr[alen - 1] & (0xffu >> (source % 8))))
				return -1;
			out->family = family == 1 ? AF_INET : AF_INET6;
			out->bits = source;
			return 1;
		}
		p += 4 + len;
		left -= 4u + len;
	}
	return 0;
}

size_t policy_ecs_encode(const policy_client *cl, unsigned scope, uint8_t *out, size_t cap)
{
	size_t alen = (cl->bits + 7) / 8;
	if (cl->family == 0 || cap < 8 + alen)
		return 0;
	dns_put16(out, POLICY_EDNS_ECS);
	dns_put16(out + 2, (uint16_t)(4 + alen));
	dns_put16(out + 4, cl->family == AF_INET ? 1 : 2);
	out[6] = (uint8_t)cl->bits;
	out[7] = (uint8_t)scope;
	memcpy(out + 8, cl->addr, alen);
	return 8 + alen;
}
