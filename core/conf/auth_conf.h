/* dnsim-auth settings: from the command line and an optional config file
 * (what flags cannot say well: views, transfer ACLs, logging), in the
 * syntax of conf/conffile.h:
 *
 *   listen 192.0.2.53[@PORT]
 *   zone ORIGIN FILE
 *   max-udp-size 1232
 *   tcp-idle-timeout SECONDS       tcp-message-timeout SECONDS
 *   tcp-max-connections N          tcp-output-limit BYTES
 *   rate-limit N                   rate-limit-slip N
 *   allow-transfer PREFIX|key NAME [...]
 *   query-log stderr|off|FILE
 *   identity NAME
 *   tsig-key NAME ALGORITHM SECRET
 *   ixfr-journal N
 *   alias-resolver ADDR[@PORT]     (where ALIAS targets are resolved)
 *   view NAME {
 *       match PREFIX|key NAME [...]
 *       zone ORIGIN FILE
 *   }
 *
 * Zones outside any view make up the default view, which answers the
 * clients that no view matches.  A request signed with a key a view
 * names (`match key NAME`) goes to that view whatever its address, as
 * BIND's match-clients { key NAME; } does: that is how a secondary
 * transfers each view of a zone.
 *
 * A zone's own settings name it after a `zone` line of the same view
 * (or outside views, for the default view):
 *
 *   primary ORIGIN ADDR[@PORT] [key NAME]   a secondary zone: transferred
 *                                           from ADDR (one line each; FILE
 *                                           keeps the copy on disk)
 *   notify ORIGIN ADDR[@PORT] [key NAME]    NOTIFY sent to ADDR on changes
 *   allow-update ORIGIN KEY [KEY...]        dynamic UPDATE signed with KEY */
#ifndef DNSIM_CONF_AUTH_CONF_H
#define DNSIM_CONF_AUTH_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "conf/conffile.h"
#include "io/addr.h"

#define AUTH_TCP_MAX_DEFAULT 100
#define AUTH_ANSWER_CACHE_DEFAULT 4096

/* An address to talk to about a zone, and the key to sign with. */
typedef struct auth_peer_conf {
	net_addr addr;
	char *key;                /* NULL: unsigned */
} auth_peer_conf;

typedef struct auth_zone_conf {
	char *origin;
	char *file;
	auth_peer_conf *primaries;  /* none: a primary zone, read from file */
	size_t nprimaries;
	auth_peer_conf *notify;
	size_t nnotify;
	char **update_keys;         /* keys allowed to UPDATE the zone */
	size_t nupdate_keys;
} auth_zone_conf;

typedef struct auth_key_conf {
	char *name, *alg, *secret;
} auth_key_conf;

#define AUTH_JOURNAL_DEFAULT 100

typedef struct auth_view_conf {
	char *name;
	net_prefix *match;
	size_t nmatch;
	char **match_keys;          /* requests signed with these see the view */
	size_t nmatch_keys;
	auth_zone_conf *zones;
	size_t nzones;
} auth_view_conf;

typedef struct auth_config {
	net_addr *listen;
	size_t nlisten;
	/* views[0] is the default view; the others in file order. */
	auth_view_conf *views;
	size_t nviews;
	size_t max_udp;
	size_t answer_cache;  /* answers kept for identical UDP queries; 0: none */
	conf_tcp tcp;
	net_prefix *xfr;
	size_t nxfr;
	char **xfr_keys;      /* requests signed with these may transfer */
	size_t nxfr_keys;
	auth_key_conf *keys;
	size_t nkeys;
	size_t journal;       /* changes kept per zone for IXFR */
	char *query_log;    /* NULL: off; "stderr"; or a file path */
	unsigned rate_limit;  /* UDP responses per second per client prefix; 0: off */
	unsigned rate_slip;   /* over the limit, every Nth goes out truncated */
	char *identity;
	/* The resolver that finds ALIAS records' targets (auth/alias.h). */
	bool has_alias_resolver;
	net_addr alias_resolver;
} auth_config;

/* Defaults and an empty default view.  false when out of memory. */
bool auth_config_init(auth_config *c);
void auth_config_free(auth_config *c);

/* Add the settings in `text` (len octets, the contents of the file
 * named `file`) to c.  On error returns false with a message
 * "FILE:LINE: what is wrong" in err. */
bool auth_config_parse(auth_config *c, const char *file, const char *text,
		       size_t len, char *err, size_t errsz);

/* The settings as config-file text that auth_config_parse() reads back
 * into the same settings; malloc'd, or NULL with a message in err (a
 * value the syntax cannot carry, or out of memory). */
char *auth_config_write(const auth_config *c, char *err, size_t errsz);

/* The pieces the command line adds; false with a message in err. */
bool auth_config_add_listen(auth_config *c, const char *text, char *err,
			    size_t errsz);
bool auth_config_add_zone(auth_config *c, size_t view, const char *origin,
			  const char *file, char *err, size_t errsz);
bool auth_config_add_xfr(auth_config *c, const char *prefix, char *err,
			 size_t errsz);
/* A TSIG key (name, algorithm, base64 secret; checked when the server
 * starts); false when the name is taken. */
bool auth_config_add_key(auth_config *c, const char *name, const char *alg,
			 const char *secret, char *err, size_t errsz);
/* The zone `origin` of view `view`, or NULL. */
auth_zone_conf *auth_config_zone(auth_config *c, size_t view, const char *origin);
/* The key a config names by `name`, or NULL. */
const auth_key_conf *auth_config_key(const auth_config *c, const char *name);

/* A new view, empty, at the end of c->views (its index is nviews - 1
 * after); false when the name is taken ("default" is the default view's). */
bool auth_config_add_view(auth_config *c, const char *name, char *err,
			  size_t errsz);
/* A prefix whose clients see view `view` (not the default view, 0). */
bool auth_config_add_match(auth_config *c, size_t view, const char *prefix,
			   char *err, size_t errsz);

#endif
