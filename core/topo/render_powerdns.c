/* The PowerDNS Authoritative Server with its bind backend: the zones
 * listed in a named.conf of their own and read from the sim's copies,
 * no caches (an edited zone is served at once), one thread of each
 * kind, in the foreground logging to stderr, its control socket in the
 * run folder for pdns_control. */
#include "topo/render_peer.h"

#include <stdio.h>
#include <stdlib.h>

#include "topo/conftext.h"

bool render_powerdns(const topo *t, const topo_node *n, const peer_conf *c,
		     peer_files *out, char *err, size_t errsz)
{
	(void)t;
	conftext b = { 0 };
	ct_add(&b, "# PowerDNS Authoritative Server for node %s, written by the supervisor\n"
	       "launch=bind\nbind-config=%s/named.conf\nbind-check-interval=0\n"
	       "local-address=", n->name, c->dir);
	for (size_t i = 0; i < n->naddrs; i++)
		ct_add(&b, "%s%s", i ? ", " : "", n->addrs[i].text);
	ct_add(&b, "\nlocal-port=53\nsocket-dir=%s\nguardian=no\ndaemon=no\ndisable-syslog=yes\n"
	       "log-timestamp=no\nloglevel=4\nserver-id=%s\n"
	       "cache-ttl=0\nnegquery-cache-ttl=0\nquery-cache-ttl=0\n"
	       "zone-cache-refresh-interval=0\n"
	       "distributor-threads=1\nreceiver-threads=1\nsigning-threads=1\n"
	       "primary=no\nsecondary=no\nsecurity-poll-suffix=\nwebserver=no\napi=no\n", c->dir, n->name);
	conftext z = { 0 };
	ct_add(&z, "# zones of node %s for PowerDNS's bind backend, written by the supervisor\n"
	       "options { directory \"%s\"; };\n", n->name, c->dir);
	/* Views are refused before anything is built (topo/software.c). */
	for (size_t k = 0; k < n->nzones; k++)
		ct_add(&z, "zone \"%s\" { type master; file \"%s\"; };\n", n->zones[k].origin,
		       c->zone_paths[k]);
	char dirarg[4200];
	snprintf(dirarg, sizeof dirarg, "--config-dir=%s", c->dir);
	char *zones = ct_finish(&z, err, errsz);
	bool ok = peer_add_file(out, "pdns.conf", ct_finish(&b, err, errsz), err, errsz);
	if (ok)
		ok = peer_add_file(out, "named.conf", zones, err, errsz);
	else
		free(zones);
	return ok && peer_add_args(out, err, errsz, "pdns_server", dirarg, (char *)NULL);
}
