/* Rendering what each node is given, from the model: pure, every file
 * comes back as text or loaded data for the run-time to write. */
#include "topo/render.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/auth_conf.h"
#include "conf/conffile.h"
#include "conf/resolver_conf.h"
#include "conf/stub_conf.h"
#include "dns/name.h"
#include "topo/conftext.h"
#include "topo/delegation.h"
#include "topo/regions.h"
#include "topo/reverse.h"
#include "util/array.h"
#include "topo/signing.h"

static void quiet(void *ctx, const dns_diag *d)
{
	(void)ctx;
	(void)d;
}

bool render_served_zone(const topo *t, const topo_zones *zones, const topo_node *n,
			const topo_zone *tz, dns_zonedata *out, bool *derived, char *err,
			size_t errsz)
{
	const topo_zone_data *src = topo_zones_entry(zones, tz);
	if (src == NULL || src->errors) {
		snprintf(err, errsz, "node %s: zone %s (%s) does not load", n->name,
			 tz->origin, tz->file);
		return false;
	}
	dns_zonedata_init(out, src->origin.data, DNS_C_IN);
	for (size_t i = 0; i < src->zd.n; i++)
		if (!dns_zonedata_add(out, &src->zd.rr[i], src->zd.files[src->zd.file[i]],
				      src->zd.line[i])) {
			dns_zonedata_free(out);
			snprintf(err, errsz, "out of memory copying zone %s", tz->origin);
			return false;
		}
	int added = delegation_add(t, zones, n, tz, out, err, errsz);
	int reverse = added < 0 ? 0 : reverse_add(t, zones, src, out, err, errsz);
	if (added < 0 || reverse < 0) {
		dns_zonedata_free(out);
		return false;
	}
	/* A signed zone publishes the DS records of its signed children
	 * (derived like the delegations); an unsigned one has no use for
	 * them, and its children are insecure whatever they do. */
	const signing_zone *sz = signing_find(zones->keys, src->origin.data);
	int ds = sz ? signing_add_ds(zones, zones->keys, src->origin.data, out, err, errsz) : 0;
	if (ds < 0) {
		dns_zonedata_free(out);
		return false;
	}
	*derived = added > 0 || reverse > 0 || ds > 0;
	if (dns_zonedata_finish(out, quiet, NULL) != 0) {
		dns_zonedata_free(out);
		snprintf(err, errsz, "node %s: zone %s (%s) does not load", n->name,
			 tz->origin, tz->file);
		return false;
	}
	if (sz == NULL)
		return true;
	dns_zonedata signed_zone;
	bool ok = signing_sign(zones->keys, sz, out, &signed_zone, err, errsz);
	dns_zonedata_free(out);
	if (!ok) {
		dns_zonedata_free(&signed_zone);
		return false;
	}
	*out = signed_zone;
	return true;
}

size_t render_client_servers(const topo *t, const routes *r, const topo_node *n,
			     const char **out, size_t max)
{
	size_t count = 0;
	/* Every resolver's IPv4 addresses first, then IPv6: a client whose
	 * first resolver is down tries the next resolver before the same
	 * one again over another family. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t k = 0; k < n->nresolvers; k++) {
			const topo_node *res = topo_node_find(t, n->resolvers[k]);
			if (res == NULL) {
				/* An address written out: in its family's pass. */
				bool v6 = strchr(n->resolvers[k], ':') != NULL;
				if (v6 == (pass == 1) && count < max)
					out[count++] = n->resolvers[k];
				continue;
			}
			for (size_t i = 0; i < res->naddrs && count < max; i++) {
				const topo_addr *a = &res->addrs[i];
				if ((a->addr.ss.ss_family == AF_INET) != (pass == 0) ||
				    !routes_reach(t, r, n, a))
					continue;
				out[count++] = a->text;
			}
		}
	return count;
}

char *render_resolv_conf(const topo *t, const routes *r, const topo_node *n)
{
	conftext b = { 0 };
	ct_add(&b, "# resolv.conf of node %s, written by dnsim\n", n->name);
	if (n->service == TOPO_SVC_STUB) {
		/* As on Ubuntu: glibc asks the stub, which asks the resolvers. */
		ct_add(&b, "# glibc asks the node's caching stub (dnsim-stub), which forwards to\n#");
		const char *servers[STUB_SERVERS_MAX];
		size_t ns = render_client_servers(t, r, n, servers, STUB_SERVERS_MAX);
		for (size_t i = 0; i < ns; i++)
			ct_add(&b, " %s", servers[i]);
		ct_add(&b, "\nnameserver %s\noptions edns0\n", STUB_LISTEN_DEFAULT);
	} else if (n->service == TOPO_SVC_RESOLVER && n->nresolvers == 0) {
		ct_add(&b, "nameserver 127.0.0.1\n");
	} else if (n->nresolvers) {
		/* At most three, as glibc reads. */
		const char *servers[3];
		size_t ns = render_client_servers(t, r, n, servers, 3);
		for (size_t i = 0; i < ns; i++)
			ct_add(&b, "nameserver %s\n", servers[i]);
	} else {
		ct_add(&b, "# no resolver configured for this node ([node.%s.client] resolver)\n",
		    n->name);
	}
	if (n->nsearch) {
		ct_add(&b, "search");
		for (size_t i = 0; i < n->nsearch; i++)
			ct_add(&b, " %s", n->search[i]);
		ct_add(&b, "\n");
	}
	if (n->timeout || n->attempts) {
		ct_add(&b, "options");
		if (n->timeout)
			ct_add(&b, " timeout:%ld", n->timeout);
		if (n->attempts)
			ct_add(&b, " attempts:%ld", n->attempts);
		ct_add(&b, "\n");
	}
	return ct_finish(&b, NULL, 0);
}

char *render_nsswitch(const topo *t, const topo_node *n)
{
	(void)t;
	conftext b = { 0 };
	/* Only files and DNS, so that nothing outside the node answers: the
	 * machine's own nsswitch.conf may name modules that talk to daemons
	 * over Unix sockets (systemd-resolved's "resolve", "mdns", "sss"),
	 * which network namespaces do not separate. */
	ct_add(&b, "# nsswitch.conf of node %s, written by dnsim: names come from this\n"
	    "# node's hosts file, then DNS as its resolv.conf says, nothing else\n"
	    "passwd:\t\tfiles\ngroup:\t\tfiles\nshadow:\t\tfiles\ngshadow:\tfiles\n"
	    "hosts:\t\tfiles dns\nnetworks:\tfiles\n"
	    "protocols:\tfiles\nservices:\tfiles\nethers:\t\tfiles\nrpc:\t\tfiles\n",
	    n->name);
	return ct_finish(&b, NULL, 0);
}

char *render_hosts(const topo *t, const topo_node *n)
{
	(void)t;
	conftext b = { 0 };
	ct_add(&b, "# hosts file of node %s, written by dnsim\n"
	    "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n", n->name);
	for (size_t i = 0; i < n->naddrs; i++)
		ct_add(&b, "%s\t%s%s%s\n", n->addrs[i].text, n->name,
		    n->hostname ? " " : "", n->hostname ? n->hostname : "");
	if (n->nhosts)
		ct_add(&b, "# from the topology ([node.%s.client] hosts)\n", n->name);
	for (size_t i = 0; i < n->nhosts; i++)
		ct_add(&b, "%s\t%s\n", n->hosts[i].address, n->hosts[i].name);
	return ct_finish(&b, NULL, 0);
}

/* The daemon's config text with a first line saying whose it is. */
static char *with_header(char *conf, const char *program, const char *node, char *err,
			 size_t errsz)
{
	if (conf == NULL)
		return NULL;
	conftext b = { 0 };
	ct_add(&b, "# %s for node %s, written by the supervisor\n%s", program, node, conf);
	free(conf);
	char *out = ct_finish(&b, NULL, 0);
	if (out == NULL)
		snprintf(err, errsz, "out of memory");
	return out;
}

void render_key_name(const char *view, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s%s%s", RENDER_KEY_DEFAULT, view ? "-" : "", view ? view : "");
}

static bool same_zone(const topo_zone *a, const topo_zone *b)
{
	dns_name x, y;
	if ((a->view == NULL) != (b->view == NULL) || (a->view && strcmp(a->view, b->view) != 0))
		return false;
	return dns_name_from_text(&x, a->origin, strlen(a->origin), dns_name_root) == DNS_OK &&
	       dns_name_from_text(&y, b->origin, strlen(b->origin), dns_name_root) == DNS_OK &&
	       dns_name_equal(x.data, y.data);
}

/* "ADDR key NAME" peers: a primary's addresses from reaches, IPv4 first
 * (every one: the secondary tries them in turn); a secondary's first
 * reachable address (one NOTIFY per server). */
static bool add_peers(auth_config *c, size_t view, const topo *t, const routes *r,
		      const topo_node *from, const topo_node *to, const char *origin,
		      const char *key, bool primary, char *err, size_t errsz)
{
	auth_zone_conf *z = auth_config_zone(c, view, origin);
	if (z == NULL) {
		snprintf(err, errsz, "zone %s is not in the config", origin);
		return false;
	}
	size_t added = 0;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < to->naddrs; i++) {
			const topo_addr *a = &to->addrs[i];
			if ((a->addr.ss.ss_family == AF_INET) != (pass == 0) ||
			    !routes_reach(t, r, from, a) || (!primary && added))
				continue;
			auth_peer_conf **arr = primary ? &z->primaries : &z->notify;
			size_t *count = primary ? &z->nprimaries : &z->nnotify;
			auth_peer_conf *p = array_grow(arr, count, sizeof *p);
			if (p == NULL || (p->key = strdup(key)) == NULL) {
				snprintf(err, errsz, "out of memory");
				return false;
			}
			p->addr = a->addr;
			((struct sockaddr_in *)&p->addr.ss)->sin_port = htons(53);
			added++;
		}
	if (added == 0 && primary) {
		snprintf(err, errsz, "node %s cannot reach its primary %s for zone %s", from->name,
			 to->name, origin);
		return false;
	}
	return true;
}

/* The transfers of node n's zone k (in config view `view`). */
static bool zone_transfers(auth_config *c, size_t view, const topo *t, const routes *r,
			   const topo_node *n, const topo_zone *z, const char *key, char *err,
			   size_t errsz)
{
	if (z->primary) {
		const topo_node *prim = topo_node_find(t, z->primary);
		return prim && add_peers(c, view, t, r, n, prim, z->origin, key, true, err, errsz);
	}
	for (size_t i = 0; i < t->nnodes; i++) {
		const topo_node *sec = &t->nodes[i];
		for (size_t k = 0; k < sec->nzones; k++)
			if (sec->zones[k].primary && strcmp(sec->zones[k].primary, n->name) == 0 &&
			    same_zone(&sec->zones[k], z) &&
			    !add_peers(c, view, t, r, n, sec, z->origin, key, false, err, errsz))
				return false;
	}
	auth_zone_conf *zc = auth_config_zone(c, view, z->origin);
	char *k = strdup(key);
	char **slot = zc && k ? array_grow(&zc->update_keys, &zc->nupdate_keys, sizeof *slot) : NULL;
	if (slot == NULL) {
		free(k);
		snprintf(err, errsz, "out of memory");
		return false;
	}
	*slot = k;
	return true;
}

/* A key's tsig-key line; `uses` counts it in allow-transfer once. */
static bool add_sim_key(auth_config *c, const char *name, render_secret_fn secret, void *ctx,
			char *err, size_t errsz)
{
	if (auth_config_key(c, name))
		return true;
	const char *s = secret(ctx, name);
	if (s == NULL) {
		snprintf(err, errsz, "no secret for key %s", name);
		return false;
	}
	if (!auth_config_add_key(c, name, RENDER_KEY_ALG, s, err, errsz))
		return false;
	char *copy = strdup(name);
	char **slot = copy ? array_grow(&c->xfr_keys, &c->nxfr_keys, sizeof *slot) : NULL;
	if (slot == NULL) {
		free(copy);
		snprintf(err, errsz, "out of memory");
		return false;
	}
	*slot = copy;
	return true;
}

/* ---- routing policies ------------------------------------------------------------ */

/* Text being built, growing; false once out of memory. */
typedef struct textbuf {
	char *s;
	size_t len, cap;
	bool failed;
} textbuf;

static void tb_printf(textbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tb_printf(textbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (b->failed || n < 0) {
		b->failed = true;
		return;
	}
	if (b->cap - b->len < (size_t)n + 1) {
		size_t cap = b->cap ? b->cap : 1024;
		while (cap - b->len < (size_t)n + 1)
			cap *= 2;
		char *grown = realloc(b->s, cap);
		if (grown == NULL) {
			b->failed = true;
			return;
		}
		b->s = grown;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* The [zone."ORIGIN"] settings of zone `origin`, or NULL. */
static const topo_zone_conf *zone_conf(const topo *t, const char *origin)
{
	dns_name want, have;
	if (dns_name_from_text(&want, origin, strlen(origin), dns_name_root) != DNS_OK)
		return NULL;
	for (size_t i = 0; i < t->nzconf; i++)
		if (dns_name_from_text(&have, t->zconf[i].origin, strlen(t->zconf[i].origin),
				       dns_name_root) == DNS_OK && dns_name_equal(have.data, want.data))
			return &t->zconf[i];
	return NULL;
}

/* One "answer" line per address of a policy answer (a node gives its
 * first IPv4 and its first IPv6 address). */
static void policy_answer_lines(textbuf *b, const topo *t, const topo_policy *pol,
				const topo_policy_answer *a)
{
	const char *addrs[2] = { a->address, NULL };
	if (a->node) {
		const topo_node *n = topo_node_find(t, a->node);
		addrs[0] = NULL;
		for (size_t i = 0; n && i < n->naddrs; i++) {
			int slot = n->addrs[i].addr.ss.ss_family == AF_INET ? 0 : 1;
			if (addrs[slot] == NULL)
				addrs[slot] = n->addrs[i].text;
		}
	}
	for (int i = 0; i < 2; i++) {
		if (addrs[i] == NULL)
			continue;
		tb_printf(b, "\tanswer %s", addrs[i]);
		if (strcmp(pol->routing, "weighted") == 0 && a->weight >= 0)
			tb_printf(b, " weight %ld", a->weight);
		else if (strcmp(pol->routing, "failover") == 0)
			tb_printf(b, " %s", a->secondary ? "secondary" : "primary");
		else if (a->region)
			tb_printf(b, " region %s", a->region);
		else if (a->is_default)
			tb_printf(b, " default");
		tb_printf(b, "\n");
	}
}

static void policy_block(textbuf *b, const topo *t, const topo_policy *pol)
{
	tb_printf(b, "policy %s {\n\trouting %s\n", pol->name, pol->routing);
	if (pol->ttl >= 0)
		tb_printf(b, "\tttl %ld\n", pol->ttl);
	if (pol->check) {
		tb_printf(b, "\tcheck %s %ld", pol->check, pol->check_port);
		if (pol->check_path)
			tb_printf(b, " %s", pol->check_path);
		tb_printf(b, "\n");
	}
	if (pol->check_interval >= 0)
		tb_printf(b, "\tcheck-interval %ld\n", pol->check_interval);
	if (pol->check_threshold >= 0)
		tb_printf(b, "\tcheck-threshold %ld\n", pol->check_threshold);
	for (size_t i = 0; i < pol->nanswers; i++)
		policy_answer_lines(b, t, pol, &pol->answers[i]);
	tb_printf(b, "}\n");
}

/* The regions as auth.conf says them: each with its networks' prefixes,
 * and the delays between them (one way, rounded to the millisecond). */
static void region_lines(textbuf *b, const topo *t, const topo_regions *rg)
{
	for (size_t i = 0; i < rg->n; i++) {
		tb_printf(b, "region %s", rg->name[i]);
		for (size_t k = 0; k < t->nnetworks; k++) {
			const topo_network *net = &t->networks[k];
			if (rg->of_network[k] != (long)i)
				continue;
			for (int f = 0; f < 2; f++) {
				const net_prefix *pf = f ? &net->v6 : &net->v4;
				char text[INET6_ADDRSTRLEN + 8];
				if (!(f ? net->has_v6 : net->has_v4))
					continue;
				conf_format_prefix(pf, text, sizeof text);
				tb_printf(b, " %s", text);
			}
		}
		tb_printf(b, "\n");
	}
	for (size_t i = 0; i < rg->n; i++)
		for (size_t j = i + 1; j < rg->n; j++) {
			uint64_t us = rg->delay_us[i * rg->n + j];
			if (us != REGIONS_UNREACHABLE)
				tb_printf(b, "region-delay %s %s %llu\n", rg->name[i], rg->name[j],
					  (unsigned long long)((us + 500) / 1000));
		}
}

/* The routing policies of the zones n serves (from their [zone]
 * tables), the topology's regions, and the keys that sign policy
 * answers in its signed zones (keyfile: NULL for none), added to c
 * through the config reader (which checks them as it checks a file).
 * Regions and keys go to every server, policies or not, so that `sim
 * policy` can give it some while it runs. */
static bool add_policies(auth_config *c, const topo *t, const topo_node *n,
			 render_keyfile_fn keyfile, void *ctx, char *err, size_t errsz)
{
	textbuf b = { 0 };
	for (size_t k = 0; k < n->nzones; k++) {
		const topo_zone *z = &n->zones[k];
		const topo_zone_conf *zc = z->derived ? NULL : zone_conf(t, z->origin);
		bool seen = false;
		/* A zone served in two views has its policies once. */
		for (size_t j = 0; j < k && !seen; j++)
			seen = strcmp(n->zones[j].origin, z->origin) == 0;
		if (z->derived || seen)
			continue;
		for (size_t i = 0; zc && i < zc->npolicies; i++)
			policy_block(&b, t, &zc->policies[i]);
		dns_name o;
		const char *file = NULL;
		if (keyfile && dns_name_from_text(&o, z->origin, strlen(z->origin), dns_name_root) ==
			       DNS_OK && signing_mode_of(t, o.data, NULL, NULL) != TOPO_DNSSEC_OFF)
			file = keyfile(ctx, z->origin);
		if (file)
			tb_printf(&b, "policy-key %s %s\n", z->origin, file);
	}
	topo_regions rg;
	if (!topo_regions_compute(t, &rg)) {
		free(b.s);
		snprintf(err, errsz, "out of memory");
		return false;
	}
	region_lines(&b, t, &rg);
	topo_regions_free(&rg);
	if (b.failed) {
		free(b.s);
		snprintf(err, errsz, "out of memory");
		return false;
	}
	if (b.len == 0)
		return true;
	char what[TOPO_NAME_MAX + 40];
	snprintf(what, sizeof what, "node %s: policies", n->name);
	bool ok = auth_config_parse(c, what, b.s, b.len, err, errsz);
	free(b.s);
	return ok;
}

static char *render_auth(const topo *t, const routes *r, const topo_node *n,
			 const char *const *zone_paths, render_secret_fn secret,
			 render_keyfile_fn keyfile, void *ctx, char *err, size_t errsz);

char *render_auth_conf_xfr(const topo *t, const routes *r, const topo_node *n,
			   const char *const *zone_paths, render_secret_fn secret, void *ctx,
			   char *err, size_t errsz)
{
	return render_auth(t, r, n, zone_paths, secret, NULL, ctx, err, errsz);
}

char *render_auth_conf_sim(const topo *t, const routes *r, const topo_node *n,
			   const char *const *zone_paths, render_secret_fn secret,
			   render_keyfile_fn keyfile, void *ctx, char *err, size_t errsz)
{
	return render_auth(t, r, n, zone_paths, secret, keyfile, ctx, err, errsz);
}

static char *render_auth(const topo *t, const routes *r, const topo_node *n,
			 const char *const *zone_paths, render_secret_fn secret,
			 render_keyfile_fn keyfile, void *ctx, char *err, size_t errsz)
{
	auth_config c;
	if (!auth_config_init(&c)) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	bool ok = (c.identity = strdup(n->name)) != NULL &&
		  (c.query_log = strdup("stderr")) != NULL;
	if (!ok)
		snprintf(err, errsz, "out of memory");
	for (size_t i = 0; ok && i < n->naddrs; i++)
		ok = auth_config_add_listen(&c, n->addrs[i].text, err, errsz);
	/* An anycast instance answers on the shared address too (held on
	 * its loopback). */
	for (size_t i = 0; ok && i < n->nanycast; i++)
		ok = auth_config_add_listen(&c, n->anycast[i].text, err, errsz);
	if (n->rate_limit)
		c.rate_limit = (unsigned)n->rate_limit;
	if (n->rate_slip >= 0)
		c.rate_slip = (unsigned)n->rate_slip;
	/* ALIAS targets are looked up through the node's own resolver
	 * ([node.X.client] resolver): the first address of it the node
	 * reaches, IPv4 first. */
	const char *resolvers[1];
	if (ok && t && r && n->nresolvers &&
	    render_client_servers(t, r, n, resolvers, 1) == 1) {
		ok = conf_parse_addr(resolvers[0], &c.alias_resolver, err, errsz);
		c.has_alias_resolver = ok;
	}
	char key[TOPO_NAME_MAX + 16];
	for (size_t k = 0; ok && k < n->nzones; k++)
		if (n->zones[k].view == NULL) {
			ok = auth_config_add_zone(&c, 0, n->zones[k].origin, zone_paths[k], err, errsz);
			render_key_name(NULL, key, sizeof key);
			if (ok && secret && !n->zones[k].derived)
				ok = add_sim_key(&c, key, secret, ctx, err, errsz) &&
				     zone_transfers(&c, 0, t, r, n, &n->zones[k], key, err, errsz);
		}
	for (size_t v = 0; ok && v < n->nviews; v++) {
		ok = auth_config_add_view(&c, n->views[v].name, err, errsz);
		size_t vi = c.nviews - 1;
		for (size_t m = 0; ok && m < n->views[v].nmatch; m++)
			ok = auth_config_add_match(&c, vi, n->views[v].match[m], err, errsz);
		render_key_name(n->views[v].name, key, sizeof key);
		if (ok && secret) {
			char *copy = strdup(key);
			char **slot = copy ? array_grow(&c.views[vi].match_keys, &c.views[vi].nmatch_keys,
							sizeof *slot) : NULL;
			ok = slot != NULL;
			if (ok)
				*slot = copy;
			else {
				free(copy);
				snprintf(err, errsz, "out of memory");
			}
			ok = ok && add_sim_key(&c, key, secret, ctx, err, errsz);
		}
		for (size_t k = 0; ok && k < n->nzones; k++)
			if (n->zones[k].view && strcmp(n->zones[k].view, n->views[v].name) == 0) {
				ok = auth_config_add_zone(&c, vi, n->zones[k].origin, zone_paths[k],
							  err, errsz);
				if (ok && secret && !n->zones[k].derived)
					ok = zone_transfers(&c, vi, t, r, n, &n->zones[k], key, err, errsz);
			}
	}
	if (ok && t)
		ok = add_policies(&c, t, n, keyfile, ctx, err, errsz);
	char *conf = ok ? auth_config_write(&c, err, errsz) : NULL;
	auth_config_free(&c);
	return with_header(conf, "dnsim-auth", n->name, err, errsz);
}

char *render_auth_conf(const topo_node *n, const char *const *zone_paths, char *err,
		       size_t errsz)
{
	return render_auth_conf_xfr(NULL, NULL, n, zone_paths, NULL, NULL, err, errsz);
}

/* One resolver setting; false with the message in err. */
static bool set(res_config *c, const char *key, const char *value, char *err, size_t errsz)
{
	char *words[] = { (char *)value };
	return res_config_set(c, key, words, 1, err, errsz);
}

static bool set_stub(stub_config *c, const char *key, const char *value, char *err,
		     size_t errsz)
{
	char *words[] = { (char *)value };
	return stub_config_set(c, key, words, 1, err, errsz);
}

char *render_resolver_conf(const topo *t, const topo_node *n, const char *dir, char *err,
			   size_t errsz)
{
	res_config c;
	if (!res_config_init(&c)) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	char path[4096], p[80];
	bool ok = set(&c, "identity", n->name, err, errsz) &&
		  set(&c, "query-log", "stderr", err, errsz);
	snprintf(path, sizeof path, "%s/root.hints", dir);
	ok = ok && set(&c, "root-hints", path, err, errsz);
	snprintf(path, sizeof path, "%s/control", dir);
	ok = ok && set(&c, "control", path, err, errsz);
	snprintf(path, sizeof path, "%s/trace.jsonl", dir);
	ok = ok && set(&c, "trace", path, err, errsz);
	/* A signed root: validate, trusting its key (written beside the
	 * hints by the run-time). */
	if (ok && signing_mode_of(t, dns_name_root, NULL, NULL) != TOPO_DNSSEC_OFF) {
		snprintf(path, sizeof path, "%s/" RENDER_TRUST_ANCHOR, dir);
		ok = set(&c, "trust-anchor", path, err, errsz);
	}
	ok = ok && set(&c, "listen", "127.0.0.1", err, errsz);
	for (size_t i = 0; ok && i < n->naddrs; i++)
		ok = set(&c, "listen", n->addrs[i].text, err, errsz);
	for (size_t i = 0; ok && i < n->nanycast; i++)
		ok = set(&c, "listen", n->anycast[i].text, err, errsz);
	/* Loopback and the node's own addresses always: the supervisor asks
	 * its counters from inside the node. */
	ok = ok && set(&c, "allow", "127.0.0.0/8", err, errsz) &&
	     set(&c, "allow", "::1", err, errsz);
	for (size_t i = 0; ok && i < n->naddrs; i++)
		ok = set(&c, "allow", n->addrs[i].text, err, errsz);
	for (size_t i = 0; ok && i < n->nallow; i++)
		ok = set(&c, "allow", n->allow[i], err, errsz);
	/* Without an allow list: open to the whole simulated world, never
	 * beyond it. */
	for (size_t i = 0; ok && n->nallow == 0 && i < t->nnetworks; i++) {
		if (t->networks[i].has_v4) {
			ct_prefix(&t->networks[i].v4, p, sizeof p);
			ok = set(&c, "allow", p, err, errsz);
		}
		if (ok && t->networks[i].has_v6) {
			ct_prefix(&t->networks[i].v6, p, sizeof p);
			ok = set(&c, "allow", p, err, errsz);
		}
	}
	for (size_t i = 0; ok && i < n->nblock; i++)
		ok = set(&c, "block", n->block[i], err, errsz);
	if (ok && n->sinkhole)
		ok = set(&c, "sinkhole", n->sinkhole, err, errsz);
	if (ok && n->client_subnet)
		ok = set(&c, "client-subnet", "yes", err, errsz);
	for (size_t i = 0; ok && i < n->nclient_subnet_zones; i++)
		ok = set(&c, "client-subnet-zone", n->client_subnet_zones[i], err, errsz);
	char *conf = ok ? res_config_write(&c, err, errsz) : NULL;
	res_config_free(&c);
	return with_header(conf, "dnsim-resolver", n->name, err, errsz);
}

char *render_stub_conf(const topo *t, const routes *r, const topo_node *n,
		       const char *dir, char *err, size_t errsz)
{
	stub_config c;
	stub_config_init(&c);
	char path[4096];
	const char *servers[STUB_SERVERS_MAX];
	size_t ns = render_client_servers(t, r, n, servers, STUB_SERVERS_MAX);
	bool ok = set_stub(&c, "identity", n->name, err, errsz) &&
		  set_stub(&c, "query-log", "stderr", err, errsz) &&
		  set_stub(&c, "listen", STUB_LISTEN_DEFAULT, err, errsz);
	snprintf(path, sizeof path, "%s/control", dir);
	ok = ok && set_stub(&c, "control", path, err, errsz);
	snprintf(path, sizeof path, "%s/trace.jsonl", dir);
	ok = ok && set_stub(&c, "trace", path, err, errsz);
	if (ok && ns == 0) {
		snprintf(err, errsz, "node %s: its stub has no resolver it can reach", n->name);
		ok = false;
	}
	for (size_t i = 0; ok && i < ns; i++)
		ok = set_stub(&c, "server", servers[i], err, errsz);
	char *conf = ok ? stub_config_write(&c, err, errsz) : NULL;
	stub_config_free(&c);
	return with_header(conf, "dnsim-stub", n->name, err, errsz);
}

char *render_root_hints(const topo *t, const topo_zones *zones, char *err, size_t errsz)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	if (f == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	bool ok = delegation_root_hints(t, zones, f, err, errsz);
	if (fclose(f) != 0 && ok) {
		snprintf(err, errsz, "out of memory");
		ok = false;
	}
	if (!ok) {
		free(out);
		return NULL;
	}
	return out;
}
