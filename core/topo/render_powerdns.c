/* The PowerDNS Authoritative Server with its bind backend: the zones
 * listed in a named.conf of their own and read from the sim's copies,
 * no caches (an edited zone is served at once), one thread of each
 * kind, in the foreground logging to stderr, its control socket in the
 * run folder for pdns_control.  The sim signs zones itself, so each is
 * marked presigned in a DNSSEC database of the bind backend, made anew
 * at each start: PowerDNS then serves the RRSIGs, DNSKEYs and NSECs the
 * files hold instead of leaving them out. */
#include "topo/render_peer.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo/conftext.h"

/* A name that needs no quoting beyond the single quotes it is put in. */
static bool shell_safe(const char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(".-_/", *s))
			return false;
	return true;
}

bool render_powerdns(const topo *t, const topo_node *n, const peer_conf *c,
		     peer_files *out, char *err, size_t errsz)
{
	(void)t;
	conftext b = { 0 };
	ct_add(&b, "# PowerDNS Authoritative Server for node %s, written by the supervisor\n"
	       "launch=bind\nbind-config=%s/named.conf\nbind-check-interval=0\n"
	       "bind-dnssec-db=%s/dnssec.db\nlocal-address=", n->name, c->dir, c->dir);
	for (size_t i = 0; i < peer_nlisten(n); i++)
		ct_add(&b, "%s%s", i ? ", " : "", peer_listen(n, i)->text);
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
	/* The database first, then the server in the shell's place. */
	conftext sh = { 0 };
	ct_add(&sh, "rm -f '%s/dnssec.db' && pdnsutil --config-dir='%s' create-bind-db "
	       "'%s/dnssec.db' >/dev/null", c->dir, c->dir, c->dir);
	for (size_t k = 0; k < n->nzones; k++) {
		if (!shell_safe(n->zones[k].origin) || !shell_safe(c->dir)) {
			snprintf(err, errsz, "node %s: PowerDNS cannot be given zone %s here "
				 "(letters, digits, '.', '-', '_' only)", n->name, n->zones[k].origin);
			free(ct_finish(&sh, NULL, 0));
			free(ct_finish(&b, NULL, 0));
			free(ct_finish(&z, NULL, 0));
			return false;
		}
		ct_add(&sh, " && pdnsutil --config-dir='%s' set-presigned '%s' >/dev/null", c->dir,
		       n->zones[k].origin);
	}
	ct_add(&sh, " && exec pdns_server --config-dir='%s'", c->dir);
	char *script = ct_finish(&sh, err, errsz);
	char *zones = ct_finish(&z, err, errsz);
	bool ok = peer_add_file(out, "pdns.conf", ct_finish(&b, err, errsz), err, errsz);
	if (ok)
		ok = peer_add_file(out, "named.conf", zones, err, errsz);
	else
		free(zones);
	if (ok && script)
		ok = peer_add_args(out, err, errsz, "sh", "-c", script, (char *)NULL);
	else
		ok = false;
	free(script);
	return ok;
}
