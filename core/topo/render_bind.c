/* BIND 9 (named), either role: in the foreground logging to stderr, one
 * worker, its files in the run folder, rndc through a key of its own on
 * the node's loopback.  Authoritative: the zones, the views in order
 * (a last view for everyone else holds the zones outside views, as
 * dnsim-auth serves them), rate limiting when asked.  Resolver: the root
 * hints, no validation (the sim's root is unsigned), no empty zones of
 * its own for the private and documentation ranges the sim serves, the
 * clients allowed, the blocklist as a response-policy zone. */
#include "topo/render_peer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo/conftext.h"

static void addresses(conftext *b, const topo_node *n, bool v6, bool loopback)
{
	ct_add(b, "  listen-on%s port 53 { ", v6 ? "-v6" : "");
	size_t count = 0;
	if (loopback) {
		ct_add(b, "%s; ", v6 ? "::1" : "127.0.0.1");
		count++;
	}
	for (size_t i = 0; i < peer_nlisten(n); i++)
		if ((peer_listen(n, i)->addr.ss.ss_family == AF_INET6) == v6) {
			ct_add(b, "%s; ", peer_listen(n, i)->text);
			count++;
		}
	ct_add(b, "%s};\n", count ? "" : "none; ");
}

static void client(void *ctx, const char *prefix)
{
	ct_add(ctx, "%s; ", prefix);
}

static void zone(conftext *b, const char *indent, const char *origin, const char *file)
{
	ct_add(b, "%szone \"%s\" { type primary; file \"%s\"; };\n", indent, origin, file);
}

bool render_bind(const topo *t, const topo_node *n, const peer_conf *c, peer_files *out,
		 char *err, size_t errsz)
{
	bool auth = n->service == TOPO_SVC_AUTH;
	conftext b = { 0 };
	ct_add(&b, "# BIND 9 (%s) for node %s, written by the supervisor\noptions {\n"
	       "  directory \"%s\";\n  pid-file \"%s/named.pid\";\n"
	       "  session-keyfile \"%s/session.key\";\n  managed-keys-directory \"%s\";\n"
	       "  statistics-file \"%s/named.stats\";\n  dump-file \"%s/cache.dump\";\n"
	       "  server-id \"%s\";\n  notify no;\n  dnssec-validation no;\n  max-cache-size 32m;\n",
	       auth ? "authoritative" : "resolver", n->name, c->dir, c->dir, c->dir, c->dir,
	       c->dir, c->dir, n->name);
	addresses(&b, n, false, !auth);
	addresses(&b, n, true, false);
	if (auth) {
		ct_add(&b, "  recursion no;\n  allow-query { any; };\n");
		if (n->rate_limit || n->rate_slip >= 0) {
			ct_add(&b, "  rate-limit {\n    responses-per-second %ld;\n",
			       n->rate_limit ? n->rate_limit : 200);
			if (n->rate_slip >= 0)
				ct_add(&b, "    slip %ld;\n", n->rate_slip);
			ct_add(&b, "  };\n");
		}
	} else {
		ct_add(&b, "  recursion yes;\n  empty-zones-enable no;\n  allow-query { ");
		ct_resolver_clients(t, n, client, &b);
		ct_add(&b, "};\n  allow-recursion { ");
		ct_resolver_clients(t, n, client, &b);
		ct_add(&b, "};\n  allow-query-cache { ");
		ct_resolver_clients(t, n, client, &b);
		ct_add(&b, "};\n");
		if (n->nblock)
			ct_add(&b, "  response-policy { zone \"%s\"; };\n", PEER_RPZ_ZONE);
	}
	ct_add(&b, "};\nkey \"dnsim\" { algorithm hmac-sha256; secret \"%s\"; };\n"
	       "controls { inet 127.0.0.1 port 953 allow { 127.0.0.1; } keys { \"dnsim\"; }; };\n",
	       c->secret);
	if (!auth) {
		/* localhost, as other resolvers answer it: the supervisor's
		 * readiness question (BIND rate-limits its CH answers). */
		ct_add(&b, "zone \".\" { type hint; file \"%s\"; };\n"
		       "zone \"localhost\" { type primary; file \"%s/localhost.zone\"; };\n",
		       c->hints, c->dir);
		if (n->nblock)
			ct_add(&b, "zone \"%s\" { type primary; file \"%s/block.rpz\"; "
			       "allow-query { none; }; };\n", PEER_RPZ_ZONE, c->dir);
	}
	for (size_t v = 0; auth && v < n->nviews; v++) {
		ct_add(&b, "view \"%s\" {\n  match-clients { ", n->views[v].name);
		for (size_t m = 0; m < n->views[v].nmatch; m++)
			ct_add(&b, "%s; ", n->views[v].match[m]);
		ct_add(&b, "};\n");
		for (size_t k = 0; k < n->nzones; k++)
			if (n->zones[k].view && strcmp(n->zones[k].view, n->views[v].name) == 0)
				zone(&b, "  ", n->zones[k].origin, c->zone_paths[k]);
		ct_add(&b, "};\n");
	}
	if (auth && n->nviews)
		ct_add(&b, "view \"everyone-else\" {\n  match-clients { any; };\n");
	for (size_t k = 0; auth && k < n->nzones; k++)
		if (n->zones[k].view == NULL)
			zone(&b, n->nviews ? "  " : "", n->zones[k].origin, c->zone_paths[k]);
	if (auth && n->nviews)
		ct_add(&b, "};\n");

	conftext r = { 0 };
	ct_add(&r, "# rndc for node %s, written by the supervisor\n"
	       "key \"dnsim\" { algorithm hmac-sha256; secret \"%s\"; };\n"
	       "options { default-server 127.0.0.1; default-port 953; default-key \"dnsim\"; };\n",
	       n->name, c->secret);
	char conf[4200];
	snprintf(conf, sizeof conf, "%s/named.conf", c->dir);
	char *rndc = ct_finish(&r, err, errsz);
	bool ok = peer_add_file(out, "named.conf", ct_finish(&b, err, errsz), err, errsz);
	if (ok)
		ok = peer_add_file(out, "rndc.conf", rndc, err, errsz);
	else
		free(rndc);
	if (ok && !auth) {
		conftext l = { 0 };
		ct_add(&l, "; localhost for node %s, written by the supervisor\n$TTL 86400\n"
		       "@ SOA localhost. hostmaster.localhost. 1 3600 600 86400 60\n@ NS localhost.\n"
		       "@ A 127.0.0.1\n@ AAAA ::1\n", n->name);
		ok = peer_add_file(out, "localhost.zone", ct_finish(&l, err, errsz), err, errsz);
	}
	if (ok && !auth && n->nblock)
		ok = peer_add_file(out, "block.rpz", render_rpz(n, err, errsz), err, errsz);
	return ok && peer_add_args(out, err, errsz, "named", "-g", "-n", "1", "-c", conf,
				   (char *)NULL);
}
