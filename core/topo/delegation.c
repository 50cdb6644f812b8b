/* Delegations and root hints from the topology's zones and nodes. */
#include "topo/delegation.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"
#include "dns/rrtype.h"
#include "dns/zonedata.h"
#include "topo/anycast.h"
#include "util/array.h"

#define MAX_NS_ADDRS 32

static bool node_serves(const topo_node *n, const uint8_t *origin)
{
	/* A shared nameserver serves hundreds of zones: the text of each
	 * is turned into a name only when its length could match. */
	size_t want = dns_name_length(origin);
	for (size_t k = 0; k < n->nzones; k++) {
		const char *text = n->zones[k].origin;
		size_t len = strlen(text);
		if (!strchr(text, '\\') && (len + 2 < want || len > want))
			continue;
		dns_name o;
		if (dns_name_from_text(&o, text, len, dns_name_root) == DNS_OK &&
		    dns_name_equal(o.data, origin))
			return true;
	}
	return false;
}

typedef struct ns_addrs {
	net_addr a[MAX_NS_ADDRS];
	size_t n;
} ns_addrs;

static void addrs_add(ns_addrs *out, const net_addr *a)
{
	for (size_t i = 0; i < out->n; i++)
		if (out->a[i].len == a->len && memcmp(&out->a[i].ss, &a->ss, a->len) == 0)
			return;
	if (out->n < MAX_NS_ADDRS)
		out->a[out->n++] = *a;
}

static void addr_from_rdata(const dns_rr *rr, net_addr *a)
{
	memset(a, 0, sizeof *a);
	if (rr->type == DNS_T_A) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&a->ss;
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, rr->rdata, 4);
		a->len = sizeof *sin;
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&a->ss;
		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, rr->rdata, 16);
		a->len = sizeof *sin6;
	}
}

/* A/AAAA records owned by `name` in one zone. */
static void addrs_in_zone(const dns_zonedata *zd, const uint8_t *name, ns_addrs *out)
{
	for (size_t i = 0; i < zd->n; i++) {
		const dns_rr *rr = &zd->rr[i];
		if ((rr->type == DNS_T_A && rr->rdlen == 4) ||
		    (rr->type == DNS_T_AAAA && rr->rdlen == 16)) {
			if (dns_name_equal(rr->owner, name)) {
				net_addr a;
				addr_from_rdata(rr, &a);
				addrs_add(out, &a);
			}
		}
	}
}

/* Every address the simulated world gives a nameserver name: its A and
 * AAAA records in any served zone, and the addresses of any node whose
 * hostname it is. */
static void ns_lookup(const topo *t, const topo_zones *s, const uint8_t *name,
		      ns_addrs *out)
{
	for (size_t i = 0; i < s->n; i++)
		if (dns_name_is_subdomain(name, s->z[i].origin.data))
			addrs_in_zone(&s->z[i].zd, name, out);
	dns_name lower;
	memcpy(lower.data, name, dns_name_length(name));
	dns_name_to_lower(lower.data);
	size_t first, count = topo_zones_hosts(s, lower.data, &first);
	for (size_t h = first; h < first + count; h++) {
		const topo_node *n = &t->nodes[s->hosts[h].node];
		/* An anycast instance answers as its hostname on the shared
		 * address, not on its own. */
		for (size_t k = 0; k < n->nanycast; k++)
			addrs_add(out, &n->anycast[k].addr);
		for (size_t k = 0; k < n->naddrs && n->nanycast == 0; k++)
			addrs_add(out, &n->addrs[k].addr);
	}
}

typedef struct reporter {
	const topo *t;
	topo_report_fn report;
	void *ctx;
	unsigned errors;
} reporter;

static void problem(reporter *r, const char *file, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void problem(reporter *r, const char *file, unsigned line, const char *fmt, ...)
{
	char msg[2048], out[2400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (line)
		snprintf(out, sizeof out, "%s:%u: %s", file, line, msg);
	else
		snprintf(out, sizeof out, "%s: %s", file, msg);
	r->report(r->ctx, out);
	r->errors++;
}

static void name_text(const uint8_t *name, char *out, size_t outsz)
{
	if (dns_name_to_text(name, out, outsz, NULL) != DNS_OK)
		snprintf(out, outsz, "?");
}

/* Check that the nameserver `ns` for zone `child` has addresses, each a
 * node that serves child and that every resolver reaches. */
static void check_nameserver(reporter *rep, const topo_zones *s, const routes *rt,
			     const uint8_t *child, const uint8_t *ns,
			     const dns_zonedata *glue_from, const char *what,
			     const char *file, unsigned line)
{
	const topo *t = rep->t;
	ns_addrs addrs = { .n = 0 };
	if (glue_from)
		addrs_in_zone(glue_from, ns, &addrs);
	ns_lookup(t, s, ns, &addrs);
	char zt[DNS_NAME_MAXTEXT], nt[DNS_NAME_MAXTEXT];
	name_text(child, zt, sizeof zt);
	name_text(ns, nt, sizeof nt);
	if (addrs.n == 0) {
		problem(rep, file, line, "%s: nameserver %s of %s has no address: no zone "
			"has an A or AAAA record for it and no node has it as hostname",
			what, nt, zt);
		return;
	}
	for (size_t i = 0; i < addrs.n; i++) {
		char at[INET6_ADDRSTRLEN + 8];
		net_addr_format_host((const struct sockaddr *)&addrs.a[i].ss, at, sizeof at);
		const topo_addr *ta = NULL;
		const topo_node *n = topo_zones_node_with_addr(t, s, &addrs.a[i], &ta);
		if (n == NULL) {
			problem(rep, file, line, "%s: nameserver %s of %s is at %s, which "
				"no node in the topology has", what, nt, zt, at);
			continue;
		}
		if (!node_serves(n, child)) {
			problem(rep, file, line, "%s: nameserver %s of %s is at %s, which is "
				"node %s, but %s does not serve %s", what, nt, zt, at,
				n->name, n->name, zt);
			continue;
		}
		for (size_t k = 0; k < t->nnodes; k++) {
			const topo_node *res = &t->nodes[k];
			if (res->service == TOPO_SVC_RESOLVER && !routes_reach(t, rt, res, ta))
				problem(rep, file, line, "%s: resolver %s cannot reach nameserver "
					"%s of %s at %s: no chain of routers joins their networks",
					what, res->name, nt, zt, at);
		}
	}
}

/* The apex NS targets of a zone, as pointers into its data. */
static size_t apex_ns(const dns_zonedata *zd, const uint8_t *at, const uint8_t **out,
		      unsigned *lines, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < zd->n && n < max; i++)
		if (zd->rr[i].type == DNS_T_NS && dns_name_equal(zd->rr[i].owner, at)) {
			lines[n] = zd->line[i];
			out[n++] = zd->rr[i].rdata;
		}
	return n;
}

unsigned delegation_check(const topo *t, const routes *rt, const topo_zones *zones,
			  topo_report_fn report, void *ctx)
{
	reporter rep = { t, report, ctx, 0 };
	const topo_zones s = *zones;
	for (size_t i = 0; i < s.n; i++) {
		const topo_zone_data *z = &s.z[i];
		if (topo_zones_find(&s, z->origin.data) != z)
			continue; /* each zone once */
		char zt[DNS_NAME_MAXTEXT];
		name_text(z->origin.data, zt, sizeof zt);
		const uint8_t *ns[64];
		unsigned lines[64];
		if (z->origin.data[0] == 0) {
			/* The root: its apex NS records are every resolver's hints. */
			size_t n = apex_ns(&z->zd, z->origin.data, ns, lines, 64);
			for (size_t k = 0; k < n; k++)
				check_nameserver(&rep, &s, rt, z->origin.data, ns[k], &z->zd,
						 "root hints", z->tz->file, lines[k]);
			continue;
		}
		const topo_zone_data *p = topo_zones_parent(&s, z->origin.data);
		if (p == NULL)
			continue; /* nothing above it is simulated */
		char pt[DNS_NAME_MAXTEXT], what[2 * DNS_NAME_MAXTEXT + 64];
		name_text(p->origin.data, pt, sizeof pt);
		size_t n = apex_ns(&p->zd, z->origin.data, ns, lines, 64);
		if (n > 0) {
			snprintf(what, sizeof what, "delegation of %s in %s", zt, pt);
			for (size_t k = 0; k < n; k++)
				check_nameserver(&rep, &s, rt, z->origin.data, ns[k], &p->zd,
						 what, p->tz->file, lines[k]);
		} else {
			snprintf(what, sizeof what, "delegation of %s that %s lacks "
				 "(derived from the topology)", zt, pt);
			n = apex_ns(&z->zd, z->origin.data, ns, lines, 64);
			for (size_t k = 0; k < n; k++)
				check_nameserver(&rep, &s, rt, z->origin.data, ns[k], &z->zd,
						 what, z->tz->file, lines[k]);
		}
	}
	return rep.errors;
}

/* Add to zd the A or AAAA records of `owner` from a. */
static bool add_addr_records(dns_zonedata *zd, const uint8_t *owner, uint32_t ttl,
			     const ns_addrs *a, const char *file, unsigned line)
{
	for (size_t i = 0; i < a->n; i++) {
		bool v4 = a->a[i].ss.ss_family == AF_INET;
		const uint8_t *bytes = v4
			? (const uint8_t *)&((const struct sockaddr_in *)&a->a[i].ss)->sin_addr
			: (const uint8_t *)&((const struct sockaddr_in6 *)&a->a[i].ss)->sin6_addr;
		dns_rr rr = { owner, v4 ? DNS_T_A : DNS_T_AAAA, DNS_C_IN, ttl,
			      (uint16_t)(v4 ? 4 : 16), bytes };
		if (!dns_zonedata_add(zd, &rr, file, line))
			return false;
	}
	return true;
}

static void write_addr_records(FILE *out, const char *owner, uint32_t ttl,
			       const ns_addrs *a)
{
	for (size_t i = 0; i < a->n; i++) {
		char at[INET6_ADDRSTRLEN + 8];
		net_addr_format_host((const struct sockaddr *)&a->a[i].ss, at, sizeof at);
		fprintf(out, "%s %u IN %s %s\n", owner, ttl,
			a->a[i].ss.ss_family == AF_INET ? "A" : "AAAA", at);
	}
}

int delegation_add(const topo *t, const topo_zones *zones, const topo_node *node,
		   const topo_zone *tz, dns_zonedata *out, char *err, size_t errsz)
{
	const topo_zones s = *zones;
	const topo_zone_data *self = topo_zones_entry(zones, tz);
	if (self == NULL || self->errors) {
		snprintf(err, errsz, "node %s: zone %s (%s) does not load", node->name,
			 tz->origin, tz->file);
		return -1;
	}
	int added = 0;
	for (size_t i = 0; i < s.n; i++) {
		const topo_zone_data *c = &s.z[i];
		if (topo_zones_find(&s, c->origin.data) != c || c->origin.data[0] == 0)
			continue;
		const topo_zone_data *p = topo_zones_parent(&s, c->origin.data);
		if (p == NULL || !dns_name_equal(p->origin.data, self->origin.data))
			continue;
		const uint8_t *ns[64];
		unsigned lines[64];
		if (apex_ns(&self->zd, c->origin.data, ns, lines, 64) > 0)
			continue; /* written by hand (and checked) */
		size_t n = apex_ns(&c->zd, c->origin.data, ns, lines, 64);
		if (n == 0)
			continue;
		uint32_t ttl = 86400;
		for (size_t k = 0; k < c->zd.n; k++)
			if (c->zd.rr[k].type == DNS_T_NS &&
			    dns_name_equal(c->zd.rr[k].owner, c->origin.data))
				ttl = c->zd.rr[k].ttl;
		/* Each record is told as coming from the child's apex NS line
		 * it was derived from. */
		const char *from = c->tz->file;
		for (size_t k = 0; k < n; k++) {
			dns_rr rr = { c->origin.data, DNS_T_NS, DNS_C_IN, ttl,
				      (uint16_t)dns_name_length(ns[k]), ns[k] };
			if (!dns_zonedata_add(out, &rr, from, lines[k]))
				goto nomem;
			added++;
		}
		/* Glue for every nameserver inside this zone's name space that
		 * the file gives no address (as the real root holds the
		 * addresses of a.gtld-servers.net); names elsewhere are found
		 * by resolving them. */
		for (size_t k = 0; k < n; k++) {
			if (!dns_name_is_subdomain(ns[k], self->origin.data))
				continue;
			ns_addrs a = { .n = 0 };
			addrs_in_zone(&self->zd, ns[k], &a);
			if (a.n > 0)
				continue;
			ns_lookup(t, &s, ns[k], &a);
			if (!add_addr_records(out, ns[k], ttl, &a, from, lines[k]))
				goto nomem;
		}
	}
	return added;
nomem:
	snprintf(err, errsz, "out of memory deriving the delegations of %s", tz->origin);
	return -1;
}

bool delegation_root_hints(const topo *t, const topo_zones *zones, FILE *out, char *err,
			   size_t errsz)
{
	const topo_zones s = *zones;
	const topo_zone_data *root = topo_zones_find(&s, dns_name_root);
	if (root == NULL) {
		snprintf(err, errsz, "no node serves the root zone");
		return false;
	}
	const uint8_t *ns[64];
	unsigned lines[64];
	size_t n = apex_ns(&root->zd, root->origin.data, ns, lines, 64);
	fprintf(out, "; Root hints made by dnsim from the topology's root zone.\n");
	size_t written = 0;
	for (size_t k = 0; k < n; k++) {
		char nt[DNS_NAME_MAXTEXT];
		name_text(ns[k], nt, sizeof nt);
		ns_addrs a = { .n = 0 };
		addrs_in_zone(&root->zd, ns[k], &a);
		ns_lookup(t, &s, ns[k], &a);
		if (a.n == 0)
			continue;
		fprintf(out, ". 3600000 IN NS %s\n", nt);
		write_addr_records(out, nt, 3600000, &a);
		written++;
	}
	if (written == 0) {
		snprintf(err, errsz, "no root server name has an address");
		return false;
	}
	if (ferror(out)) {
		snprintf(err, errsz, "cannot write root hints: %s", strerror(errno));
		return false;
	}
	return true;
}
