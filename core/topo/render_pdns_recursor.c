/* The PowerDNS Recursor: one thread, the root hints, no validation (the
 * sim's root is unsigned), every address may be asked (its default
 * list of addresses it never queries holds the documentation ranges the
 * sim uses), no answers of its own for the private ranges' reverse
 * zones, the clients allowed, the blocklist as a response-policy zone,
 * in the foreground logging to stderr, its control socket in the run
 * folder for rec_control. */
#include "topo/render_peer.h"

#include <stdio.h>
#include <stdlib.h>

#include "topo/conftext.h"

typedef struct list {
	conftext *b;
	size_t n;
} list;

static void client(void *ctx, const char *prefix)
{
	list *l = ctx;
	ct_add(l->b, "%s%s", l->n++ ? ", " : "", prefix);
}

bool render_pdns_recursor(const topo *t, const topo_node *n, const peer_conf *c,
			  peer_files *out, char *err, size_t errsz)
{
	conftext b = { 0 };
	ct_add(&b, "# PowerDNS Recursor for node %s, written by the supervisor\n"
	       "local-address=127.0.0.1", n->name);
	for (size_t i = 0; i < peer_nlisten(n); i++)
		ct_add(&b, ", %s", peer_listen(n, i)->text);
	ct_add(&b, "\nlocal-port=53\nallow-from=");
	list l = { &b, 0 };
	ct_resolver_clients(t, n, client, &l);
	ct_add(&b, "\nhint-file=%s\ndont-query=\nserve-rfc1918=no\ndnssec=off\n"
	       "daemon=no\ndisable-syslog=yes\nlog-timestamp=no\nloglevel=4\nquiet=yes\n"
	       "socket-dir=%s\nthreads=1\nsecurity-poll-suffix=\nquery-local-address=0.0.0.0, ::\nserver-id=%s\n", c->hints, c->dir, n->name);
	if (n->nblock)
		ct_add(&b, "lua-config-file=%s/recursor.lua\n", c->dir);
	char dirarg[4200];
	snprintf(dirarg, sizeof dirarg, "--config-dir=%s", c->dir);
	bool ok = peer_add_file(out, "recursor.conf", ct_finish(&b, err, errsz), err, errsz);
	if (ok && n->nblock) {
		conftext lua = { 0 };
		ct_add(&lua, "-- the blocklist of node %s, written by the supervisor\n"
		       "rpzFile(\"%s/block.rpz\", { policyName = \"%s\", defttl = 60 })\n",
		       n->name, c->dir, PEER_RPZ_ZONE);
		ok = peer_add_file(out, "recursor.lua", ct_finish(&lua, err, errsz), err, errsz) &&
		     peer_add_file(out, "block.rpz", render_rpz(n, err, errsz), err, errsz);
	}
	return ok && peer_add_args(out, err, errsz, "pdns_recursor", dirarg, (char *)NULL);
}
