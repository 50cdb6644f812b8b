/* What each node is given, rendered from the model as text or loaded
 * data: its daemon's config, the root hints and the zone copies it
 * serves, and the resolv.conf and hosts that tools inside its namespace
 * see.  Pure: the run-time (runtime/service.c) writes the files. */
#ifndef DNSIM_TOPO_RENDER_H
#define DNSIM_TOPO_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "dns/zonedata.h"
#include "topo/routes.h"
#include "topo/topo.h"
#include "topo/zones.h"

/* The zone node n serves as tz, as its server is given it: the loaded
 * file (or the apex of a derived zone) plus the delegations it lacks
 * (delegation_add) and the reverse records it lacks (reverse_add),
 * finished.  *derived says whether any record was added.  false with a
 * message in err. */
bool render_served_zone(const topo *t, const topo_zones *zones, const topo_node *n,
			const topo_zone *tz, dns_zonedata *out, bool *derived, char *err,
			size_t errsz);

/* dnsim-auth's config for node n; zone_paths[k] is the file its server
 * reads for n->zones[k].  Written by the config writer both daemons'
 * readers agree with (conf/).  malloc'd, or NULL with a message in err. */
char *render_auth_conf(const topo_node *n, const char *const *zone_paths, char *err,
		       size_t errsz);

/* The sim's TSIG keys: one per view name ("dnsim" outside views,
 * "dnsim-VIEW" in a view), for the transfers, NOTIFYs and UPDATEs of the
 * zones of that view.  A request signed with a view's key sees that view
 * (`match key`), whatever its address. */
#define RENDER_KEY_DEFAULT "dnsim"
#define RENDER_KEY_ALG "hmac-sha256"

/* The key's name for a view (NULL: outside views), into out. */
void render_key_name(const char *view, char *out, size_t outsz);

/* The base64 secret of a key, from whoever keeps them (the run-time
 * makes them); NULL when it has none. */
typedef const char *(*render_secret_fn)(void *ctx, const char *keyname);

/* render_auth_conf with the zones' transfers: a secondary zone names its
 * primary's addresses n can reach (`primary ... key`), a zone with
 * secondaries names them for NOTIFY, every zone taken from a file
 * accepts UPDATE signed with its view's key, transfers are allowed to
 * that key, and each view is matched by its key too.  `secret` (may be
 * NULL: none of this) gives the keys' secrets. */
char *render_auth_conf_xfr(const topo *t, const routes *r, const topo_node *n,
			   const char *const *zone_paths, render_secret_fn secret, void *ctx,
			   char *err, size_t errsz);

/* Where the private key that signs zone `origin`'s policy answers is
 * (a file the run-time keeps), or NULL. */
typedef const char *(*render_keyfile_fn)(void *ctx, const char *origin);

/* render_auth_conf_xfr, and the routing policies of the zones n serves
 * ([[zone."ORIGIN".policy]]) with the regions they need (topo/regions.h)
 * and, for signed zones, the key `keyfile` names (policy-key).
 * render_auth_conf_xfr renders the policies too, without keys. */
char *render_auth_conf_sim(const topo *t, const routes *r, const topo_node *n,
			   const char *const *zone_paths, render_secret_fn secret,
			   render_keyfile_fn keyfile, void *ctx, char *err, size_t errsz);

/* dnsim-resolver's config for node n, whose root hints, control socket
 * and trace live in `dir`; when the topology signs the root, it
 * validates with the root's key from dir/RENDER_TRUST_ANCHOR.  malloc'd,
 * or NULL with a message in err. */
#define RENDER_TRUST_ANCHOR "root.key"
char *render_resolver_conf(const topo *t, const topo_node *n, const char *dir, char *err,
			   size_t errsz);

/* dnsim-stub's config for node n (stub = "cache"), whose control socket
 * and trace live in `dir`: it listens on 127.0.0.53 and forwards to the
 * addresses of the node's resolvers.  malloc'd, or NULL with a message
 * in err. */
char *render_stub_conf(const topo *t, const routes *r, const topo_node *n,
		       const char *dir, char *err, size_t errsz);

/* The addresses node n's lookups go to, in order, at most `max`: each
 * resolver's addresses n can reach, IPv4 of all before IPv6 of any, or
 * the address written in the topology.  They point into the model. */
size_t render_client_servers(const topo *t, const routes *r, const topo_node *n,
			     const char **out, size_t max);

/* named.root-style root hints from the root zone's apex (malloc'd), or
 * NULL with a message in err. */
char *render_root_hints(const topo *t, const topo_zones *zones, char *err, size_t errsz);

/* resolv.conf and hosts text for node n (malloc'd): a node with a stub
 * names 127.0.0.53 in its resolv.conf. */
char *render_resolv_conf(const topo *t, const routes *r, const topo_node *n);
char *render_hosts(const topo *t, const topo_node *n);
/* nsswitch.conf for node n: hosts from files, then DNS, nothing else. */
char *render_nsswitch(const topo *t, const topo_node *n);

#endif
