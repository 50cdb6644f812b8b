/* Validating a topology before anything is built: every problem found is
 * reported (not only the first), each naming the file and line. */
#include "topo/model.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dns/name.h"
#include "dns/zonedata.h"
#include "topo/anycast.h"
#include "topo/delegation.h"
#include "topo/impair.h"
#include "topo/machines.h"
#include "topo/reverse.h"
#include "topo/signing.h"
#include "topo/software.h"

typedef struct checker {
	const topo *t;
	const topo_zones *zones;
	topo_report_fn report;
	void *ctx;
	unsigned errors;
} checker;

static void problem(checker *c, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void problem(checker *c, unsigned line, const char *fmt, ...)
{
	char msg[512], out[700];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (line)
		snprintf(out, sizeof out, "%s:%u: %s", c->t->path, line, msg);
	else
		snprintf(out, sizeof out, "%s: %s", c->t->path, msg);
	c->report(c->ctx, out);
	c->errors++;
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

static bool prefixes_overlap(const net_prefix *a, const net_prefix *b)
{
	if (a->family != b->family)
		return false;
	unsigned bits = a->bits < b->bits ? a->bits : b->bits;
	for (unsigned i = 0; i < bits; i++) {
		unsigned byte = i / 8, mask = 0x80u >> (i % 8);
		if ((a->bytes[byte] & mask) != (b->bytes[byte] & mask))
			return false;
	}
	return true;
}

static void check_networks(checker *c)
{
	const topo *t = c->t;
	for (size_t i = 0; i < t->nnetworks; i++)
		for (size_t j = i + 1; j < t->nnetworks; j++) {
			const topo_network *a = &t->networks[i], *b = &t->networks[j];
			if ((a->has_v4 && b->has_v4 && prefixes_overlap(&a->v4, &b->v4)) ||
			    (a->has_v6 && b->has_v6 && prefixes_overlap(&a->v6, &b->v6)))
				problem(c, b->line, "networks %s and %s have overlapping prefixes",
					a->name, b->name);
		}
}

static void check_addresses(checker *c)
{
	const topo *t = c->t;
	for (size_t i = 0; i < t->nnodes; i++) {
		const topo_node *n = &t->nodes[i];
		bool on_two = false;
		for (size_t k = 0; k < n->naddrs; k++) {
			const topo_addr *a = &n->addrs[k];
			const topo_network *net = &t->networks[a->network];
			bool v4 = a->addr.ss.ss_family == AF_INET;
			if (a->network != n->addrs[0].network)
				on_two = true;
			if (v4 ? !net->has_v4 : !net->has_v6) {
				problem(c, a->line, "node %s: %s is an %s address but network %s "
					"has no %s prefix", n->name, a->text, v4 ? "IPv4" : "IPv6",
					net->name, v4 ? "ipv4" : "ipv6");
				continue;
			}
			const net_prefix *p = v4 ? &net->v4 : &net->v6;
			char pfx[64];
			inet_ntop(p->family, p->bytes, pfx, sizeof pfx);
			if (!net_prefix_match(p, (const struct sockaddr *)&a->addr.ss)) {
				problem(c, a->line, "node %s: %s is outside network %s (%s/%u)",
					n->name, a->text, net->name, pfx, p->bits);
				continue;
			}
			/* The all-zeros and (IPv4) all-ones host parts are not hosts. */
			size_t len;
			const uint8_t *b = addr_bytes(&a->addr, &len);
			bool zero = true, ones = true;
			for (unsigned bit = p->bits; bit < len * 8; bit++) {
				bool set = b[bit / 8] & (0x80u >> (bit % 8));
				zero = zero && !set;
				ones = ones && set;
			}
			if (zero || (v4 && ones))
				problem(c, a->line, "node %s: %s is the %s address of network %s, "
					"not a host address", n->name, a->text,
					zero ? "network" : "broadcast", net->name);
			for (size_t j = 0; j <= i; j++) {
				const topo_node *m = &t->nodes[j];
				for (size_t q = 0; q < (j == i ? k : m->naddrs); q++) {
					size_t l2;
					const uint8_t *b2 = addr_bytes(&m->addrs[q].addr, &l2);
					if (l2 == len && memcmp(b, b2, len) == 0)
						problem(c, a->line, "node %s: address %s is already "
							"node %s's (line %u); to serve one address "
							"from several nodes, declare it on each with "
							"anycast = \"%s\" and a region", n->name, a->text,
							m->name, m->addrs[q].line, a->text);
				}
			}
		}
		if (n->router && !on_two)
			problem(c, n->line, "node %s is a router but sits on one network only",
				n->name);
	}
}

/* Do two nodes run the same kind of server, with the same zone origins
 * (an auth server)? */
static bool same_service(const topo_node *a, const topo_node *b)
{
	if (a->service != b->service)
		return false;
	for (int pass = 0; pass < 2; pass++) {
		const topo_node *x = pass ? b : a, *y = pass ? a : b;
		for (size_t k = 0; k < x->nzones; k++) {
			bool found = false;
			for (size_t q = 0; q < y->nzones && !found; q++)
				found = strcmp(x->zones[k].origin, y->zones[q].origin) == 0 &&
					((x->zones[k].view == NULL) == (y->zones[q].view == NULL));
			if (!found)
				return false;
		}
	}
	return true;
}

/* Anycast addresses: held only by their instances, each instance
 * reachable in the address's family, and one place per instance. */
static void check_anycast(checker *c)
{
	const topo *t = c->t;
	for (size_t i = 0; i < t->nnodes; i++) {
		const topo_node *n = &t->nodes[i];
		for (size_t k = 0; k < n->nanycast; k++) {
			const topo_addr *a = &n->anycast[k];
			int fam = a->addr.ss.ss_family;
			for (size_t j = 0; j < t->nnodes; j++)
				for (size_t q = 0; q < t->nodes[j].naddrs; q++)
					if (anycast_same_addr(&a->addr, &t->nodes[j].addrs[q].addr))
						problem(c, a->line, "node %s: anycast %s is node %s's "
							"own address (line %u): an anycast address "
							"belongs to its instances only", n->name, a->text,
							t->nodes[j].name, t->nodes[j].addrs[q].line);
			bool reachable = false;
			for (size_t q = 0; q < n->naddrs; q++)
				reachable = reachable || n->addrs[q].addr.ss.ss_family == fam;
			if (!reachable)
				problem(c, a->line, "node %s: anycast %s is an %s address, but the node "
					"has no %s address of its own for the routers to send it "
					"through", n->name, a->text, fam == AF_INET ? "IPv4" : "IPv6",
					fam == AF_INET ? "IPv4" : "IPv6");
			/* Another instance of it on a network of this one's. */
			for (size_t j = 0; j < i; j++) {
				const topo_node *m = &t->nodes[j];
				bool same = false;
				for (size_t q = 0; q < m->nanycast && !same; q++)
					same = anycast_same_addr(&m->anycast[q].addr, &a->addr);
				/* Whichever instance a client reaches, the answer must
				 * be the same: the same kind of server, the same zones. */
				if (same && !same_service(m, n))
					problem(c, a->line, "nodes %s (line %u) and %s are instances of "
						"anycast %s but do not serve alike (%s): every instance "
						"must run the same server with the same zones", m->name,
						m->anycast_line, n->name, a->text,
						m->service != n->service ? "different servers"
									 : "different zones");
				for (size_t x = 0; same && x < n->naddrs; x++) {
					size_t net = n->addrs[x].network;
					bool shared = false;
					for (size_t y = 0; y < m->naddrs && !shared; y++)
						shared = m->addrs[y].network == net;
					if (!shared)
						continue;
					problem(c, a->line, "nodes %s (line %u) and %s are instances of "
						"anycast %s on the same network %s: put each instance "
						"on a network of its own (one place each, so that routes "
						"can tell them apart)", m->name, m->anycast_line, n->name,
						a->text, t->networks[net].name);
					break;
				}
			}
		}
	}
}

/* ALIAS records (dnsim's CNAME flattening, auth/alias.h) need dnsim-auth,
 * a resolver to look their targets up, and an unsigned zone: their
 * addresses are made at answer time, which no signature made at `up`
 * could cover. */
static void check_aliases(checker *c, const topo_node *n, const topo_zone *z,
			  const topo_zone_data *zd)
{
	const dns_rr *alias = dns_zonedata_find(&zd->zd, NULL, DNS_T_ALIAS);
	if (alias == NULL)
		return;
	char owner[DNS_NAME_MAXTEXT] = "?";
	(void)dns_name_to_text(alias->owner, owner, sizeof owner, NULL);
	if (n->software != SW_DNSIM)
		problem(c, z->line, "node %s: zone %s has ALIAS records (%s), a dnsim "
			"extension %s does not serve: leave software out for this node",
			n->name, z->origin, owner, software_get(n->software)->title);
	else if (n->nresolvers == 0)
		problem(c, z->line, "node %s: zone %s has ALIAS records (%s) but the node "
			"has no resolver to look their targets up: give it [node.%s.client] "
			"resolver = \"NODE\"", n->name, z->origin, owner, n->name);
	if (signing_mode_of(c->t, zd->origin.data, NULL, NULL) != TOPO_DNSSEC_OFF)
		problem(c, z->line, "node %s: zone %s has ALIAS records (%s), whose answers "
			"cannot be signed ahead of time: add [zone.\"%s\"] dnssec = \"off\"",
			n->name, z->origin, owner, z->origin);
}

static void check_zones(checker *c)
{
	const topo *t = c->t;
	for (size_t i = 0; i < t->nnodes; i++) {
		const topo_node *n = &t->nodes[i];
		if (n->hostname) {
			dns_name hn;
			if (dns_name_from_text(&hn, n->hostname, strlen(n->hostname),
					       dns_name_root) != DNS_OK)
				problem(c, n->line, "node %s: hostname \"%s\" is not a domain name",
					n->name, n->hostname);
		}
		for (size_t k = 0; k < n->nzones; k++) {
			const topo_zone *z = &n->zones[k];
			dns_name origin;
			if (dns_name_from_text(&origin, z->origin, strlen(z->origin),
					       dns_name_root) != DNS_OK) {
				problem(c, z->line, "node %s: \"%s\" is not a zone name",
					n->name, z->origin);
				continue;
			}
			for (size_t j = 0; j < k; j++) {
				dns_name o2;
				const topo_zone *z2 = &n->zones[j];
				bool same_view = (z->view == NULL && z2->view == NULL) ||
					(z->view && z2->view && strcmp(z->view, z2->view) == 0);
				if (same_view &&
				    dns_name_from_text(&o2, z2->origin, strlen(z2->origin),
						       dns_name_root) == DNS_OK &&
				    dns_name_equal(origin.data, o2.data))
					problem(c, z->line, "node %s serves zone %s twice%s%s",
						n->name, z->origin, z->view ? " in view " : "",
						z->view ? z->view : "");
			}
			/* Loaded once for every node that serves it; its errors
			 * are told for each of them. */
			const topo_zone_data *zd = topo_zones_entry(c->zones, z);
			unsigned e = zd ? zd->errors : 0;
			for (size_t p = 0; zd && p < zd->nproblems; p++)
				c->report(c->ctx, zd->problems[p]);
			if (e) {
				c->errors += e;
				problem(c, z->line, "node %s: zone %s (%s) does not load: %u error%s",
					n->name, z->origin, z->file, e, e == 1 ? "" : "s");
			} else if (zd) {
				check_aliases(c, n, z, zd);
			}
		}
	}
}

static bool serves_root(const topo_node *n)
{
	for (size_t k = 0; k < n->nzones; k++)
		if (strcmp(n->zones[k].origin, ".") == 0)
			return true;
	return false;
}

/* One resolver a client names: a resolver node it can reach, or an
 * address of one. */
static void check_client_resolver(checker *c, const routes *r, const topo_node *n,
				  const char *named)
{
	const topo *t = c->t;
	const topo_node *res = topo_node_find(t, named);
	net_addr a;
	if (res == NULL) {
		if (!net_addr_parse(named, 0, &a) || strchr(named, '@')) {
			problem(c, n->line, "node %s: client.resolver \"%s\" is neither a "
				"node nor an address", n->name, named);
			return;
		}
		/* An address must be one of a resolver's: there is nothing
		 * else in the simulated world to answer. */
		for (size_t j = 0; j < t->nnodes && res == NULL; j++) {
			for (size_t k = 0; k < t->nodes[j].naddrs; k++)
				if (t->nodes[j].addrs[k].addr.len == a.len &&
				    memcmp(&t->nodes[j].addrs[k].addr.ss, &a.ss, a.len) == 0)
					res = &t->nodes[j];
			/* An anycast resolver: its first instance stands for all. */
			for (size_t k = 0; k < t->nodes[j].nanycast; k++)
				if (anycast_same_addr(&t->nodes[j].anycast[k].addr, &a))
					res = &t->nodes[j];
		}
		if (res == NULL) {
			problem(c, n->line, "node %s: client.resolver %s is no node's "
				"address", n->name, named);
			return;
		}
	}
	if (res->service != TOPO_SVC_RESOLVER) {
		problem(c, n->line, "node %s: client.resolver \"%s\" is a node that "
			"runs no resolver", n->name, named);
		return;
	}
	bool ok = false;
	for (size_t k = 0; k < res->naddrs && !ok; k++)
		ok = routes_reach(t, r, n, &res->addrs[k]);
	if (!ok)
		problem(c, n->line, "node %s cannot reach its resolver %s: no chain of "
			"routers joins their networks", n->name, res->name);
}

/* Resolvers need a root server they can reach; clients, resolvers. */
static void check_clients(checker *c, const routes *r)
{
	const topo *t = c->t;
	bool have_root = false;
	for (size_t i = 0; i < t->nnodes; i++)
		have_root = have_root || serves_root(&t->nodes[i]);
	for (size_t i = 0; i < t->nnodes; i++) {
		const topo_node *n = &t->nodes[i];
		if (n->service == TOPO_SVC_RESOLVER) {
			if (!have_root)
				problem(c, n->line, "node %s is a resolver but no node serves the "
					"root zone \".\" to make its root hints from", n->name);
			for (size_t j = 0; j < t->nnodes; j++) {
				const topo_node *a = &t->nodes[j];
				if (!serves_root(a))
					continue;
				bool ok = false;
				for (size_t k = 0; k < a->naddrs && !ok; k++)
					ok = routes_reach(t, r, n, &a->addrs[k]);
				if (!ok)
					problem(c, n->line, "resolver %s cannot reach root server %s: "
						"no chain of routers joins their networks",
						n->name, a->name);
			}
		}
		if (n->service == TOPO_SVC_STUB && n->nresolvers == 0)
			problem(c, n->line, "node %s: its stub forwards to the node's resolvers: "
				"give [node.%s.client] resolver", n->name, n->name);
		for (size_t k = 0; k < n->nresolvers; k++)
			check_client_resolver(c, r, n, n->resolvers[k]);
	}
}

static bool on_network(const topo_node *n, size_t net)
{
	for (size_t k = 0; k < n->naddrs; k++)
		if (n->addrs[k].network == net)
			return true;
	return false;
}

/* Link impairments: only on networks the node is on, and each in force
 * (a network's defaults under a node's own values) possible. */
static void check_links(checker *c)
{
	const topo *t = c->t;
	char why[200];
	for (size_t i = 0; i < t->nnetworks; i++)
		if (!impair_consistent(&t->networks[i].impair, why, sizeof why))
			problem(c, t->networks[i].impair_line, "network %s: %s", t->networks[i].name,
				why);
	for (size_t i = 0; i < t->nnodes; i++) {
		const topo_node *n = &t->nodes[i];
		for (size_t k = 0; k < n->nlinks; k++) {
			const topo_link *l = &n->links[k];
			const char *net = t->networks[l->network].name;
			if (!on_network(n, l->network)) {
				problem(c, l->line, "node %s: links.%s: the node is not on network %s "
					"(it has no address there)", n->name, net, net);
				continue;
			}
			topo_impair im = topo_link_impair(t, n, l->network);
			if (!impair_consistent(&im, why, sizeof why))
				problem(c, l->line, "node %s: link %s: %s", n->name, net, why);
		}
	}
}

unsigned topo_check(const topo_model *m, topo_report_fn report, void *ctx)
{
	checker c = { &m->t, m->zones, report, ctx, 0 };
	check_networks(&c);
	check_addresses(&c);
	check_anycast(&c);
	check_links(&c);
	check_zones(&c);
	check_clients(&c, &m->r);
	c.errors += reverse_check(&m->t, report, ctx);
	c.errors += software_check(&m->t, report, ctx);
	c.errors += signing_check(&m->t, m->zones, report, ctx);
	c.errors += machines_check(m, report, ctx);
	if (c.errors == 0)
		c.errors += delegation_check(&m->t, &m->r, m->zones, report, ctx);
	return c.errors;
}
