/* Knot Resolver: the root hints, no trust anchor (the sim's root is
 * unsigned), nameservers on any address (ALLOW_LOCAL: a sim may use
 * loopback ones), no answers of its own for the special-use names and
 * the reverse zones of private and documentation ranges that the sim
 * serves (only localhost stays), the clients allowed (the view module:
 * allowed prefixes pass, everyone else is refused), the blocklist as
 * policy rules, its cache and control socket in the run folder. */
#include "topo/render_peer.h"

#include <stdio.h>
#include <string.h>

#include "topo/conftext.h"

static void client(void *ctx, const char *prefix)
{
	ct_add(ctx, "view:addr('%s', policy.all(policy.PASS))\n", prefix);
}

bool render_kresd(const topo *t, const topo_node *n, const peer_conf *c, peer_files *out,
		  char *err, size_t errsz)
{
	conftext b = { 0 };
	ct_add(&b, "-- Knot Resolver for node %s, written by the supervisor\n"
	       "log_target('stderr')\nmodules.load('hints > iterate')\nmodules.load('stats')\n"
	       "modules.load('view')\nnet.listen('127.0.0.1', 53, { kind = 'dns' })\n", n->name);
	for (size_t i = 0; i < peer_nlisten(n); i++)
		ct_add(&b, "net.listen('%s', 53, { kind = 'dns' })\n", peer_listen(n, i)->text);
	ct_add(&b, "net.listen('%s/kresd.ctl', nil, { kind = 'control' })\n"
	       "trust_anchors.remove('.')\nhints.root_file('%s')\n"
	       "cache.size = 16 * MB\ncache.storage = 'lmdb://%s/cache'\n"
	       "policy.add(policy.all(policy.FLAGS({'ALLOW_LOCAL'})))\n"
	       "-- localhost only: the sim serves test., the private ranges' reverse zones ...\n"
	       "policy.special_names = { policy.special_names[3], policy.special_names[4] }\n",
	       c->dir, c->hints, c->dir);
	ct_resolver_clients(t, n, client, &b);
	ct_add(&b, "view:addr('0.0.0.0/0', policy.all(policy.REFUSE))\n"
	       "view:addr('::/0', policy.all(policy.REFUSE))\n");
	if (n->nblock) {
		if (n->sinkhole)
			ct_add(&b, "policy.add(policy.suffix(policy.ANSWER({ [kres.type.%s] = "
			       "{ rdata = kres.str2ip('%s'), ttl = 60 } }, true), policy.todnames({",
			       strchr(n->sinkhole, ':') ? "AAAA" : "A", n->sinkhole);
		else
			ct_add(&b, "policy.add(policy.suffix(policy.DENY, policy.todnames({");
		for (size_t i = 0; i < n->nblock; i++) {
			char name[300];
			if (ct_block_name(n->block[i], name, sizeof name))
				ct_add(&b, "%s'%s.'", i ? ", " : "", name);
		}
		ct_add(&b, "})))\n");
	}
	char conf[4200];
	snprintf(conf, sizeof conf, "%s/kresd.conf", c->dir);
	return peer_add_file(out, "kresd.conf", ct_finish(&b, err, errsz), err, errsz) &&
	       peer_add_args(out, err, errsz, "kresd", "-n", "-q", "-c", conf, c->dir,
			     (char *)NULL);
}
