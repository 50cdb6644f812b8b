/* Unbound: one thread, the iterator alone (the sim's root is unsigned),
 * the root hints, the clients allowed, no answers of its own for the
 * names the sim serves (test., the reverse zones of private and
 * documentation ranges: RFC 6303's local zones are switched off), no
 * extra fetches of nameserver addresses (a trace shows what a
 * resolution needs), the blocklist as local zones, a control socket in
 * the run folder for unbound-control. */
#include "topo/render_peer.h"

#include <stdio.h>
#include <string.h>

#include "topo/conftext.h"

/* Unbound's default local zones that a sim may serve itself. */
static const char *const served_here[] = {
	"test.", "invalid.", "onion.", "local.", "home.arpa.",
	"10.in-addr.arpa.", "168.192.in-addr.arpa.", "254.169.in-addr.arpa.",
	"2.0.192.in-addr.arpa.", "100.51.198.in-addr.arpa.", "113.0.203.in-addr.arpa.",
	"0.in-addr.arpa.", "d.f.ip6.arpa.", "8.e.f.ip6.arpa.", "9.e.f.ip6.arpa.",
	"a.e.f.ip6.arpa.", "b.e.f.ip6.arpa.", "8.b.d.0.1.0.0.2.ip6.arpa.", NULL,
};

static void client(void *ctx, const char *prefix)
{
	ct_add(ctx, "  access-control: %s allow\n", prefix);
}

bool render_unbound(const topo *t, const topo_node *n, const peer_conf *c, peer_files *out,
		    char *err, size_t errsz)
{
	conftext b = { 0 };
	ct_add(&b, "# Unbound for node %s, written by the supervisor\nserver:\n"
	       "  interface: 127.0.0.1\n", n->name);
	for (size_t i = 0; i < peer_nlisten(n); i++)
		ct_add(&b, "  interface: %s\n", peer_listen(n, i)->text);
	ct_add(&b, "  port: 53\n  do-ip6: yes\n  do-daemonize: no\n  username: \"\"\n"
	       "  chroot: \"\"\n  directory: \"%s\"\n  pidfile: \"%s/unbound.pid\"\n"
	       "  use-syslog: no\n  logfile: \"\"\n  log-time-ascii: yes\n  verbosity: 1\n"
	       "  num-threads: 1\n  identity: \"%s\"\n  hide-identity: no\n"
	       "  root-hints: \"%s\"\n  module-config: \"iterator\"\n"
	       "  do-not-query-localhost: no\n  harden-referral-path: no\n"
	       "  target-fetch-policy: \"0 0 0 0 0\"\n  unblock-lan-zones: yes\n"
	       "  insecure-lan-zones: yes\n  extended-statistics: yes\n",
	       c->dir, c->dir, n->name, c->hints);
	ct_resolver_clients(t, n, client, &b);
	for (size_t i = 0; served_here[i]; i++)
		ct_add(&b, "  local-zone: \"%s\" nodefault\n", served_here[i]);
	for (unsigned x = 16; x <= 31; x++)
		ct_add(&b, "  local-zone: \"%u.172.in-addr.arpa.\" nodefault\n", x);
	for (unsigned x = 64; x <= 127; x++)
		ct_add(&b, "  local-zone: \"%u.100.in-addr.arpa.\" nodefault\n", x);
	bool v6 = n->sinkhole && strchr(n->sinkhole, ':');
	for (size_t i = 0; i < n->nblock; i++) {
		char name[300];
		if (!ct_block_name(n->block[i], name, sizeof name))
			continue;
		if (n->sinkhole)
			ct_add(&b, "  local-zone: \"%s.\" redirect\n  local-data: \"%s. 60 IN %s %s\"\n",
			       name, name, v6 ? "AAAA" : "A", n->sinkhole);
		else
			ct_add(&b, "  local-zone: \"%s.\" always_nxdomain\n", name);
	}
	ct_add(&b, "remote-control:\n  control-enable: yes\n  control-interface: \"%s/unbound.ctl\"\n",
	       c->dir);
	char conf[4200];
	snprintf(conf, sizeof conf, "%s/unbound.conf", c->dir);
	return peer_add_file(out, "unbound.conf", ct_finish(&b, err, errsz), err, errsz) &&
	       peer_add_args(out, err, errsz, "unbound", "-d", "-c", conf, (char *)NULL);
}
