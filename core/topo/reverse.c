/* Reverse zones and PTR records derived from the topology. */
#include "topo/reverse.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/rrtype.h"
#include "topo/anycast.h"
#include "util/array.h"

#define MAX_SERVERS 16
#define ZONE_TTL 3600
#define NEGATIVE_TTL 300   /* short, so that a fix shows soon */

typedef struct servers {
	size_t node[MAX_SERVERS];   /* indices into t->nodes */
	size_t n;
} servers;

static bool name_of(const char *text, dns_name *out)
{
	if (dns_name_from_text(out, text, strlen(text), dns_name_root) != DNS_OK)
		return false;
	dns_name_to_lower(out->data);
	return true;
}

static const uint8_t *addr_bytes(const net_addr *a, size_t *len)
{
	if (a->ss.ss_family == AF_INET) {
		*len = 4;
		return (const uint8_t *)&((const struct sockaddr_in *)&a->ss)->sin_addr;
	}
	*len = 16;
	return (const uint8_t *)&((const struct sockaddr_in6 *)&a->ss)->sin6_addr;
}

static bool serves_root_file(const topo_node *n)
{
	for (size_t k = 0; k < n->nzones; k++) {
		dns_name o;
		if (!n->zones[k].derived && n->zones[k].view == NULL &&
		    name_of(n->zones[k].origin, &o) && o.data[0] == 0)
			return true;
	}
	return false;
}

/* A node that can serve a derived zone: an auth server with a name for
 * the zone's NS records. */
static bool can_serve(const topo_node *n)
{
	dns_name hn;
	return n->service == TOPO_SVC_AUTH && n->hostname && name_of(n->hostname, &hn);
}

static void servers_add(servers *s, size_t node)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->node[i] == node)
			return;
	if (s->n < MAX_SERVERS)
		s->node[s->n++] = node;
}

static void root_servers(const topo *t, servers *s)
{
	s->n = 0;
	for (size_t i = 0; i < t->nnodes; i++)
		if (serves_root_file(&t->nodes[i]) && can_serve(&t->nodes[i]))
			servers_add(s, i);
}

/* The servers of network ni's reverse zones: those its `reverse` key
 * names (the check reports names that cannot serve), else the roots. */
static void servers_of(const topo *t, size_t ni, servers *s)
{
	const topo_network *net = &t->networks[ni];
	if (net->nreverse == 0) {
		root_servers(t, s);
		return;
	}
	s->n = 0;
	for (size_t k = 0; k < net->nreverse; k++)
		for (size_t i = 0; i < t->nnodes; i++)
			if (strcmp(t->nodes[i].name, net->reverse[k]) == 0 &&
			    can_serve(&t->nodes[i]))
				servers_add(s, i);
}

static bool same_servers(const servers *a, const servers *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		bool found = false;
		for (size_t j = 0; j < b->n && !found; j++)
			found = a->node[i] == b->node[j];
		if (!found)
			return false;
	}
	return true;
}

/* For an IPv4 network longer than /24: the network whose servers serve
 * the /24's zone, the one with the shortest prefix in that /24 (the
 * provider's own block; the first in the file on a tie). */
static size_t block_owner(const topo *t, size_t ni)
{
	const net_prefix *p = &t->networks[ni].v4;
	size_t best = ni;
	for (size_t j = 0; j < t->nnetworks; j++) {
		const topo_network *m = &t->networks[j];
		if (!m->has_v4 || m->v4.bits <= 24 || memcmp(m->v4.bytes, p->bytes, 3) != 0)
			continue;
		const net_prefix *b = &t->networks[best].v4;
		if (m->v4.bits < b->bits || (m->v4.bits == b->bits && j < best))
			best = j;
	}
	return best;
}

/* Does network ni get a classless (RFC 2317) zone of its own? */
static bool classless(const topo *t, size_t ni)
{
	const topo_network *net = &t->networks[ni];
	if (!net->has_v4 || net->v4.bits <= 24)
		return false;
	size_t owner = block_owner(t, ni);
	if (owner == ni)
		return false;
	servers mine, theirs;
	servers_of(t, ni, &mine);
	servers_of(t, owner, &theirs);
	return mine.n > 0 && !same_servers(&mine, &theirs);
}

/* "C.B.A.in-addr.arpa." for the first `octets` octets of b. */
static void v4_zone_text(const uint8_t *b, unsigned octets, char *out, size_t outsz)
{
	size_t used = 0;
	out[0] = '\0';
	for (unsigned k = octets; k-- > 0;)
		used += (size_t)snprintf(out + used, outsz - used, "%u.", b[k]);
	snprintf(out + used, outsz - used, "in-addr.arpa.");
}

static unsigned nibble(const uint8_t *b, unsigned k)
{
	return k % 2 ? b[k / 2] & 0x0fu : b[k / 2] >> 4;
}

/* The nibbles of the first `nibbles` nibbles of b, last first, under
 * ip6.arpa. */
static void v6_zone_text(const uint8_t *b, unsigned nibbles, char *out, size_t outsz)
{
	size_t used = 0;
	out[0] = '\0';
	for (unsigned k = nibbles; k-- > 0;)
		used += (size_t)snprintf(out + used, outsz - used, "%x.", nibble(b, k));
	snprintf(out + used, outsz - used, "ip6.arpa.");
}

/* The classless zone of network ni: "FIRST/BITS.C.B.A.in-addr.arpa.". */
static void classless_text(const net_prefix *p, char *out, size_t outsz)
{
	snprintf(out, outsz, "%u/%u.%u.%u.%u.in-addr.arpa.", p->bytes[3], p->bits,
		 p->bytes[2], p->bytes[1], p->bytes[0]);
}

bool reverse_name(const net_addr *a, dns_name *out)
{
	size_t len;
	const uint8_t *b = addr_bytes(a, &len);
	char text[128];
	if (len == 4)
		v4_zone_text(b, 4, text, sizeof text);
	else
		v6_zone_text(b, 32, text, sizeof text);
	return name_of(text, out);
}

/* ---- the zones ---------------------------------------------------------- */

typedef struct planned {
	dns_name origin;
	char text[128];
	servers s;
	unsigned line;
} planned;

typedef struct plan {
	planned *z;
	size_t n;
	bool oom;
} plan;

static void plan_add(plan *p, const char *text, const servers *s, unsigned line)
{
	dns_name o;
	if (s->n == 0 || !name_of(text, &o))
		return;
	for (size_t i = 0; i < p->n; i++)
		if (dns_name_equal(p->z[i].origin.data, o.data))
			return; /* the first network that makes a zone serves it */
	planned *z = array_grow(&p->z, &p->n, sizeof *z);
	if (z == NULL) {
		p->oom = true;
		return;
	}
	z->origin = o;
	snprintf(z->text, sizeof z->text, "%s", text);
	z->s = *s;
	z->line = line;
}

/* The zones at the octet boundary that cover an IPv4 prefix of at most
 * 24 bits: one, or up to 128 when the prefix stops inside an octet. */
static void plan_v4(plan *p, const net_prefix *pfx, const servers *s, unsigned line)
{
	unsigned boundary = (pfx->bits + 7) / 8 * 8;
	if (boundary == 0)
		boundary = 8;
	for (unsigned i = 0; i < 1u << (boundary - pfx->bits); i++) {
		uint8_t b[4];
		memcpy(b, pfx->bytes, 4);
		b[boundary / 8 - 1] = (uint8_t)(b[boundary / 8 - 1] + i);
		char text[64];
		v4_zone_text(b, boundary / 8, text, sizeof text);
		plan_add(p, text, s, line);
	}
}

/* The same at the nibble boundary for IPv6: at most 8 zones. */
static void plan_v6(plan *p, const net_prefix *pfx, const servers *s, unsigned line)
{
	unsigned boundary = (pfx->bits + 3) / 4 * 4;
	if (boundary == 0)
		boundary = 4;
	unsigned last = boundary / 4 - 1;
	for (unsigned i = 0; i < 1u << (boundary - pfx->bits); i++) {
		uint8_t b[16];
		memcpy(b, pfx->bytes, 16);
		unsigned v = nibble(b, last) + i;
		b[last / 2] = last % 2 ? (uint8_t)((b[last / 2] & 0xf0u) | v)
				       : (uint8_t)((b[last / 2] & 0x0fu) | (v << 4));
		char text[128];
		v6_zone_text(b, boundary / 4, text, sizeof text);
		plan_add(p, text, s, line);
	}
}

static void make_plan(const topo *t, plan *p)
{
	servers roots;
	root_servers(t, &roots);
	if (roots.n > 0) {
		unsigned line = t->nodes[roots.node[0]].line;
		plan_add(p, "in-addr.arpa.", &roots, line);
		plan_add(p, "ip6.arpa.", &roots, line);
	}
	for (size_t ni = 0; ni < t->nnetworks; ni++) {
		const topo_network *net = &t->networks[ni];
		unsigned line = net->nreverse ? net->reverse_line : net->line;
		servers s;
		servers_of(t, ni, &s);
		if (net->has_v4 && net->v4.bits <= 24) {
			plan_v4(p, &net->v4, &s, line);
		} else if (net->has_v4) {
			char text[80];
			size_t owner = block_owner(t, ni);
			if (owner == ni) {
				v4_zone_text(net->v4.bytes, 3, text, sizeof text);
				plan_add(p, text, &s, line);
			} else if (classless(t, ni)) {
				classless_text(&net->v4, text, sizeof text);
				plan_add(p, text, &s, line);
			}
		}
		if (net->has_v6)
			plan_v6(p, &net->v6, &s, line);
	}
}

/* Does some node serve `origin` from a file (in any view)? */
static bool served_from_file(const topo *t, const uint8_t *origin)
{
	for (size_t i = 0; i < t->nnodes; i++)
		for (size_t k = 0; k < t->nodes[i].nzones; k++) {
			dns_name o;
			if (!t->nodes[i].zones[k].derived &&
			    name_of(t->nodes[i].zones[k].origin, &o) &&
			    dns_name_equal(o.data, origin))
				return true;
		}
	return false;
}

static bool add_derived_zone(topo *t, topo_node *n, const planned *z, const char *view)
{
	topo_zone *tz = array_grow(&n->zones, &n->nzones, sizeof *tz);
	if (tz == NULL)
		return false;
	tz->origin = strdup(z->text);
	tz->file = strdup(t->path ? t->path : "topology");
	tz->view = view ? strdup(view) : NULL;
	tz->line = z->line;
	tz->derived = true;
	return tz->origin && tz->file && (view == NULL || tz->view);
}

/* A server with views answers each client from its view's zones only:
 * the zone goes outside the views and into every one of them. */
static bool serve_derived_zone(topo *t, topo_node *n, const planned *z)
{
	if (!add_derived_zone(t, n, z, NULL))
		return false;
	for (size_t v = 0; v < n->nviews; v++)
		if (!add_derived_zone(t, n, z, n->views[v].name))
			return false;
	return true;
}

bool reverse_derive(topo *t)
{
	if (t->no_reverse)
		return true;
	plan p = { NULL, 0, false };
	make_plan(t, &p);
	bool ok = !p.oom;
	for (size_t i = 0; ok && i < p.n; i++) {
		if (served_from_file(t, p.z[i].origin.data))
			continue;
		for (size_t k = 0; ok && k < p.z[i].s.n; k++)
			ok = serve_derived_zone(t, &t->nodes[p.z[i].s.node[k]], &p.z[i]);
	}
	free(p.z);
	return ok;
}

/* ---- a derived zone's apex ---------------------------------------------- */

bool reverse_apex(const topo *t, const topo_zone *tz, dns_zonedata *zd)
{
	dns_name origin;
	if (!name_of(tz->origin, &origin))
		return true; /* left empty: the check reports the zone */
	dns_name ns[MAX_SERVERS];
	size_t nns = 0;
	for (size_t i = 0; i < t->nnodes && nns < MAX_SERVERS; i++) {
		const topo_node *n = &t->nodes[i];
		for (size_t k = 0; k < n->nzones; k++) {
			dns_name o;
			if (n->zones[k].derived && name_of(n->zones[k].origin, &o) &&
			    dns_name_equal(o.data, origin.data) && n->hostname &&
			    name_of(n->hostname, &ns[nns])) {
				nns++;
				break;
			}
		}
	}
	/* SOA: the first server, and hostmaster at its domain. */
	const uint8_t *mname = nns ? ns[0].data : origin.data;
	unsigned labels = dns_name_labels(mname);
	dns_name rname, hostmaster;
	if (!name_of("hostmaster.", &hostmaster) ||
	    dns_name_join(&rname, hostmaster.data, 1,
			  labels >= 2 ? dns_name_skip_labels(mname, 1) : mname) != DNS_OK)
		return true;
	uint8_t soa[2 * DNS_NAME_MAXLEN + 20];
	size_t ml = dns_name_length(mname), rl = dns_name_length(rname.data);
	memcpy(soa, mname, ml);
	memcpy(soa + ml, rname.data, rl);
	const uint32_t numbers[5] = { 1, 3600, 900, 604800, NEGATIVE_TTL };
	for (int i = 0; i < 5; i++) {
		uint32_t be = htonl(numbers[i]);
		memcpy(soa + ml + rl + 4 * (size_t)i, &be, 4);
	}
	dns_rr rr = { origin.data, DNS_T_SOA, DNS_C_IN, ZONE_TTL, (uint16_t)(ml + rl + 20), soa };
	if (!dns_zonedata_add(zd, &rr, tz->file, tz->line))
		return false;
	for (size_t i = 0; i < nns; i++) {
		dns_rr nsr = { origin.data, DNS_T_NS, DNS_C_IN, ZONE_TTL,
			       (uint16_t)dns_name_length(ns[i].data), ns[i].data };
		if (!dns_zonedata_add(zd, &nsr, tz->file, tz->line))
			return false;
	}
	return true;
}

/* ---- PTR targets ---------------------------------------------------------- */

/* Is `name` at or below a zone cut of zd (so not the zone's own data)? */
static bool below_cut(const dns_zonedata *zd, const uint8_t *name)
{
	for (size_t i = 0; i < zd->n; i++)
		if (zd->rr[i].type == DNS_T_NS && !dns_name_equal(zd->rr[i].owner, zd->origin.data) &&
		    dns_name_is_subdomain(name, zd->rr[i].owner))
			return true;
	return false;
}

static bool has_data(const dns_zonedata *zd, const uint8_t *name)
{
	for (size_t i = 0; i < zd->n; i++)
		if (dns_name_equal(zd->rr[i].owner, name))
			return true;
	return false;
}

/* Does the first label of name spell the node's name? */
static bool first_label_is(const uint8_t *name, const char *node)
{
	size_t len = strlen(node);
	if (name[0] != len)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = (char)name[1 + i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != node[i])
			return false;
	}
	return true;
}

/* Lower is better: authoritative data before glue, outside views before
 * inside, the node's hostname, then names that start with the node's
 * name. */
static unsigned rank_of(const topo_zone_data *z, const uint8_t *name, const topo_node *n,
			const dns_name *hostname)
{
	unsigned rank = 0;
	if (below_cut(&z->zd, name))
		rank |= 8;
	if (z->tz->view)
		rank |= 4;
	if (hostname == NULL || !dns_name_equal(name, hostname->data))
		rank |= 2;
	if (!first_label_is(name, n->name))
		rank |= 1;
	return rank;
}

static bool better(unsigned rank, const uint8_t *name, unsigned best_rank,
		   const uint8_t *best)
{
	if (best == NULL || rank != best_rank)
		return best == NULL || rank < best_rank;
	unsigned la = dns_name_labels(name), lb = dns_name_labels(best);
	if (la != lb)
		return la < lb;
	return dns_name_compare(name, best) < 0;
}

bool reverse_ptr_target(const topo_zones *zones, const topo_node *n, const net_addr *a,
			dns_name *out)
{
	size_t len;
	const uint8_t *bytes = addr_bytes(a, &len);
	uint16_t type = len == 4 ? DNS_T_A : DNS_T_AAAA;
	dns_name hostname;
	bool has_hostname = n->hostname && name_of(n->hostname, &hostname);
	const uint8_t *best = NULL;
	unsigned best_rank = 0;
	for (size_t i = 0; i < zones->n; i++) {
		const topo_zone_data *z = &zones->z[i];
		if (z->errors || z->tz->derived)
			continue;
		for (size_t k = 0; k < z->zd.n; k++) {
			const dns_rr *rr = &z->zd.rr[k];
			if (rr->type != type || rr->rdlen != len || memcmp(rr->rdata, bytes, len) != 0)
				continue;
			if (rr->owner[0] == 1 && rr->owner[1] == '*')
				continue; /* a wildcard names no host */
			unsigned rank = rank_of(z, rr->owner, n, has_hostname ? &hostname : NULL);
			if (better(rank, rr->owner, best_rank, best)) {
				best = rr->owner;
				best_rank = rank;
			}
		}
	}
	if (best) {
		dns_name_copy(out, best);
		return true;
	}
	/* An anycast instance answers as its hostname on the shared address;
	 * its own addresses are not that name's (the forward zones say so). */
	bool shared = n->nanycast == 0;
	for (size_t k = 0; k < n->nanycast && !shared; k++)
		shared = anycast_same_addr(&n->anycast[k].addr, a);
	if (has_hostname && shared) {
		*out = hostname;
		return true;
	}
	return false;
}

/* ---- the records a zone's copy is given ---------------------------------- */

/* The closest zone of the topology that holds `name`. */
static const topo_zone_data *zone_of(const topo_zones *zones, const uint8_t *name)
{
	unsigned labels = dns_name_labels(name);
	for (unsigned skip = 0; skip <= labels; skip++) {
		const topo_zone_data *z = topo_zones_find(zones, dns_name_skip_labels(name, skip));
		if (z)
			return z;
	}
	return NULL;
}

/* Does `name` belong in self, with nothing written there by hand? */
static bool belongs(const topo_zones *zones, const topo_zone_data *self, const uint8_t *name)
{
	const topo_zone_data *z = zone_of(zones, name);
	return z && dns_name_equal(z->origin.data, self->origin.data) &&
	       !has_data(&self->zd, name) && !below_cut(&self->zd, name);
}

/* Where the PTR of address a (on network ni) lives: its reverse name, or
 * for a classless network the name its CNAME points to. */
static bool ptr_owner(const topo *t, size_t ni, const net_addr *a, dns_name *out)
{
	if (a->ss.ss_family == AF_INET && classless(t, ni)) {
		size_t len;
		const uint8_t *b = addr_bytes(a, &len);
		char zone[80], text[96];
		classless_text(&t->networks[ni].v4, zone, sizeof zone);
		snprintf(text, sizeof text, "%u.%s", b[3], zone);
		return name_of(text, out);
	}
	return reverse_name(a, out);
}

/* The RFC 2317 CNAMEs of classless network ni that belong in self: one
 * for every host address of the block, so that its owner can name a new
 * host without asking the provider. */
static int add_classless_cnames(const topo *t, const topo_zones *zones,
				const topo_zone_data *self, size_t ni, dns_zonedata *out)
{
	const net_prefix *p = &t->networks[ni].v4;
	unsigned size = 1u << (32 - p->bits);
	char zone[80];
	classless_text(p, zone, sizeof zone);
	int added = 0;
	for (unsigned h = 1; h + 1 < size; h++) {
		uint8_t b[4];
		memcpy(b, p->bytes, 4);
		b[3] = (uint8_t)(b[3] + h);
		char from[80], to[96];
		v4_zone_text(b, 4, from, sizeof from);
		snprintf(to, sizeof to, "%u.%s", b[3], zone);
		dns_name f, tn;
		if (!name_of(from, &f) || !name_of(to, &tn) || !belongs(zones, self, f.data))
			continue;
		dns_rr rr = { f.data, DNS_T_CNAME, DNS_C_IN, ZONE_TTL,
			      (uint16_t)dns_name_length(tn.data), tn.data };
		if (!dns_zonedata_add(out, &rr, t->path ? t->path : "topology",
				      t->networks[ni].line))
			return -1;
		added++;
	}
	return added;
}

/* The network whose prefix holds address a, or SIZE_MAX. */
static size_t network_holding(const topo *t, const net_addr *a)
{
	for (size_t ni = 0; ni < t->nnetworks; ni++) {
		const topo_network *net = &t->networks[ni];
		bool v4 = a->ss.ss_family == AF_INET;
		if ((v4 ? net->has_v4 : net->has_v6) &&
		    net_prefix_match(v4 ? &net->v4 : &net->v6, (const struct sockaddr *)&a->ss))
			return ni;
	}
	return SIZE_MAX;
}

/* One PTR for each anycast address (the first instance's name for it:
 * they all answer as the same one), in the reverse zone of the network
 * whose prefix holds it, if any. */
static int add_anycast_ptrs(const topo *t, const topo_zones *zones, const topo_zone_data *self,
			    dns_zonedata *out)
{
	int added = 0;
	for (size_t i = 0; i < t->nnodes; i++) {
		const topo_node *n = &t->nodes[i];
		for (size_t k = 0; k < n->nanycast; k++) {
			const topo_addr *a = &n->anycast[k];
			bool first = true;
			for (size_t j = 0; j < i && first; j++)
				for (size_t q = 0; q < t->nodes[j].nanycast; q++)
					first = first &&
						!anycast_same_addr(&t->nodes[j].anycast[q].addr, &a->addr);
			size_t ni = network_holding(t, &a->addr);
			dns_name owner, target;
			if (!first || ni == SIZE_MAX || !ptr_owner(t, ni, &a->addr, &owner) ||
			    !belongs(zones, self, owner.data) ||
			    !reverse_ptr_target(zones, n, &a->addr, &target))
				continue;
			dns_rr rr = { owner.data, DNS_T_PTR, DNS_C_IN, ZONE_TTL,
				      (uint16_t)dns_name_length(target.data), target.data };
			if (!dns_zonedata_add(out, &rr, t->path ? t->path : "topology", a->line))
				return -1;
			added++;
		}
	}
	return added;
}

int reverse_add(const topo *t, const topo_zones *zones, const topo_zone_data *self,
		dns_zonedata *out, char *err, size_t errsz)
{
	if (t->no_reverse)
		return 0;
	/* Every name made here is under arpa.: a zone neither above nor
	 * below it gets none (and a topology of thousands of TLDs renders
	 * each without a pass over every address). */
	static const uint8_t arpa[] = { 4, 'a', 'r', 'p', 'a', 0 };
	if (!dns_name_is_subdomain(self->origin.data, arpa) &&
	    !dns_name_is_subdomain(arpa, self->origin.data))
		return 0;
	int added = 0;
	for (size_t ni = 0; ni < t->nnetworks; ni++) {
		if (!classless(t, ni))
			continue;
		int n = add_classless_cnames(t, zones, self, ni, out);
		if (n < 0)
			goto nomem;
		added += n;
	}
	for (size_t i = 0; i < t->nnodes; i++) {
		const topo_node *n = &t->nodes[i];
		for (size_t k = 0; k < n->naddrs; k++) {
			const topo_addr *a = &n->addrs[k];
			dns_name owner, target;
			if (!ptr_owner(t, a->network, &a->addr, &owner) ||
			    !belongs(zones, self, owner.data) ||
			    !reverse_ptr_target(zones, n, &a->addr, &target))
				continue;
			dns_rr rr = { owner.data, DNS_T_PTR, DNS_C_IN, ZONE_TTL,
				      (uint16_t)dns_name_length(target.data), target.data };
			if (!dns_zonedata_add(out, &rr, t->path ? t->path : "topology", a->line))
				goto nomem;
			added++;
		}
	}
	int n = add_anycast_ptrs(t, zones, self, out);
	if (n < 0)
		goto nomem;
	return added + n;
nomem:
	snprintf(err, errsz, "out of memory deriving the reverse records of %s",
		 self->tz->origin);
	return -1;
}

/* ---- the check ------------------------------------------------------------ */

static void report_line(topo_report_fn report, void *ctx, const topo *t, unsigned line,
			const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void report_line(topo_report_fn report, void *ctx, const topo *t, unsigned line,
			const char *fmt, ...)
{
	char msg[512], out[700];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(out, sizeof out, "%s:%u: %s", t->path ? t->path : "topology", line, msg);
	report(ctx, out);
}

unsigned reverse_check(const topo *t, topo_report_fn report, void *ctx)
{
	unsigned errors = 0;
	for (size_t ni = 0; ni < t->nnetworks; ni++) {
		const topo_network *net = &t->networks[ni];
		for (size_t k = 0; k < net->nreverse; k++) {
			const topo_node *n = topo_node_find(t, net->reverse[k]);
			const char *why = NULL;
			if (n == NULL)
				why = "is no node of the topology";
			else if (n->service != TOPO_SVC_AUTH)
				why = "runs no authoritative server (give it auth.zones)";
			else if (n->hostname == NULL)
				why = "has no hostname for the zone's NS records "
				      "(give it hostname = \"ns.example.net\")";
			if (why == NULL)
				continue;
			report_line(report, ctx, t, net->reverse_line,
				    "network %s: reverse server \"%s\" %s", net->name,
				    net->reverse[k], why);
			errors++;
		}
	}
	return errors;
}
