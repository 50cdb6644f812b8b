/* Knot DNS: one worker of each kind, zones read whole from the sim's
 * copies and never written back (no journal), counters by mod-stats,
 * rate limiting by mod-rrl when the topology asks, a control socket in
 * the run folder for knotc. */
#include "topo/render_peer.h"

#include <stdio.h>

#include "topo/conftext.h"

bool render_knot(const topo *t, const topo_node *n, const peer_conf *c, peer_files *out,
		 char *err, size_t errsz)
{
	(void)t;
	conftext b = { 0 };
	ct_add(&b, "# Knot DNS for node %s, written by the supervisor\nserver:\n"
	       "  identity: \"%s\"\n  rundir: \"%s\"\n  user: root:root\n"
	       "  udp-workers: 1\n  tcp-workers: 1\n  background-workers: 1\n  listen: [ ",
	       n->name, n->name, c->dir);
	for (size_t i = 0; i < peer_nlisten(n); i++)
		ct_add(&b, "%s\"%s@53\"", i ? ", " : "", peer_listen(n, i)->text);
	ct_add(&b, " ]\ncontrol:\n  listen: \"%s/knot.sock\"\n"
	       "log:\n  - target: stderr\n    any: info\n"
	       "database:\n  storage: \"%s\"\n"
	       "mod-stats:\n  - id: sim\n    query-type: on\n", c->dir, c->dir);
	if (n->rate_limit || n->rate_slip >= 0) {
		ct_add(&b, "mod-rrl:\n  - id: sim\n    rate-limit: %ld\n",
		       n->rate_limit ? n->rate_limit : 200);
		if (n->rate_slip >= 0)
			ct_add(&b, "    slip: %ld\n", n->rate_slip);
	}
	ct_add(&b, "template:\n  - id: default\n    global-module: [ mod-stats/sim%s ]\n"
	       "    journal-content: none\n    zonefile-sync: -1\n    zonefile-load: whole\n"
	       "zone:\n", n->rate_limit || n->rate_slip >= 0 ? ", mod-rrl/sim" : "");
	for (size_t k = 0; k < n->nzones; k++)
		ct_add(&b, "  - domain: \"%s\"\n    file: \"%s\"\n", n->zones[k].origin,
		       c->zone_paths[k]);
	char conf[4200];
	snprintf(conf, sizeof conf, "%s/knot.conf", c->dir);
	return peer_add_file(out, "knot.conf", ct_finish(&b, err, errsz), err, errsz) &&
	       peer_add_args(out, err, errsz, "knotd", "-c", conf, (char *)NULL);
}
