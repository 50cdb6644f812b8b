/* NSD: one server process, its zones read from the sim's copies, no
 * database, rate limiting off unless the topology asks (Debian's NSD
 * limits by default), a control socket in the run folder for nsd-control. */
#include "topo/render_peer.h"

#include <stdio.h>

#include "topo/conftext.h"

bool render_nsd(const topo *t, const topo_node *n, const peer_conf *c, peer_files *out,
		char *err, size_t errsz)
{
	(void)t;
	conftext b = { 0 };
	ct_add(&b, "# NSD for node %s, written by the supervisor\nserver:\n", n->name);
	for (size_t i = 0; i < peer_nlisten(n); i++)
		ct_add(&b, "  ip-address: %s\n", peer_listen(n, i)->text);
	ct_add(&b, "  port: 53\n  server-count: 1\n  username: \"\"\n  chroot: \"\"\n"
	       "  zonesdir: \"%s\"\n  pidfile: \"%s/nsd.pid\"\n  xfrdfile: \"%s/xfrd.state\"\n"
	       "  zonelistfile: \"%s/zone.list\"\n  database: \"\"\n  identity: \"%s\"\n"
	       "  verbosity: 1\n  rrl-ratelimit: %ld\n", c->dir, c->dir, c->dir, c->dir, n->name,
	       n->rate_limit);
	if (n->rate_slip >= 0)
		ct_add(&b, "  rrl-slip: %ld\n", n->rate_slip);
	ct_add(&b, "remote-control:\n  control-enable: yes\n  control-interface: \"%s/nsd.ctl\"\n",
	       c->dir);
	/* Views are refused before anything is built (topo/software.c). */
	for (size_t k = 0; k < n->nzones; k++)
		ct_add(&b, "zone:\n  name: \"%s\"\n  zonefile: \"%s\"\n", n->zones[k].origin,
		       c->zone_paths[k]);
	char conf[4200];
	snprintf(conf, sizeof conf, "%s/nsd.conf", c->dir);
	return peer_add_file(out, "nsd.conf", ct_finish(&b, err, errsz), err, errsz) &&
	       peer_add_args(out, err, errsz, "nsd", "-d", "-c", conf, (char *)NULL);
}
