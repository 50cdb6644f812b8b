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
 *   allow-update ORIGIN KEY [KEY...]        dynamic UPDATE signed with KEY
 *
 * Routing policies (Route 53's): a name whose A and AAAA answers are
 * chosen per query, from addresses the policy lists, instead of taken
 * from the zone (which keeps standard records for the name: what other
 * servers and transfers see).  One block per name:
 *
 *   policy www.example.com. {
 *       routing weighted|failover|geolocation|latency|multivalue
 *       ttl SECONDS                          (60)
 *       check tcp PORT | http PORT [PATH]    health checks (none: all healthy)
 *       check-interval SECONDS               (2)
 *       check-threshold K                    failures that take an answer
 *                                            out, successes that bring it
 *                                            back (3)
 *       answer ADDRESS [weight N]            weighted: its share (1)
 *       answer ADDRESS primary|secondary     failover
 *       answer ADDRESS region NAME|default   geolocation, latency
 *       answer ADDRESS                       multivalue
 *   }
 *
 * An IPv4 address answers A queries, an IPv6 address AAAA.  The regions
 * the clients are in, by their source address or the EDNS Client Subnet
 * of the query (RFC 7871), and the delay between regions (latency):
 *
 *   region NAME [PREFIX...]
 *   region-delay NAME NAME MILLISECONDS      one way, either direction
 *
 * and the key that signs policy answers of a signed zone (a private-key
 * file as dnssec-keygen writes it):
 *
 *   policy-key ORIGIN FILE */
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

typedef enum auth_routing {
	AUTH_ROUTE_WEIGHTED,
	AUTH_ROUTE_FAILOVER,
	AUTH_ROUTE_GEOLOCATION,
	AUTH_ROUTE_LATENCY,
	AUTH_ROUTE_MULTIVALUE,
} auth_routing;

typedef enum auth_check_kind {
	AUTH_CHECK_NONE,
	AUTH_CHECK_TCP,          /* a connection accepted */
	AUTH_CHECK_HTTP,         /* GET PATH answered 2xx or 3xx */
} auth_check_kind;

/* One answer a policy may give. */
typedef struct auth_policy_answer {
	net_addr addr;            /* port 0; its family says A or AAAA */
	unsigned weight;          /* weighted */
	bool secondary;           /* failover: false is the primary */
	char *region;             /* geolocation, latency; NULL: the default */
	unsigned line;
} auth_policy_answer;

#define AUTH_POLICY_TTL_DEFAULT 60
#define AUTH_CHECK_INTERVAL_DEFAULT 2
#define AUTH_CHECK_THRESHOLD_DEFAULT 3

typedef struct auth_policy_conf {
	char *name;               /* as written; absolute */
	unsigned line;
	auth_routing routing;
	bool routing_set;
	uint32_t ttl;
	auth_check_kind check;
	uint16_t check_port;
	char *check_path;         /* http: "/" unless given */
	unsigned check_interval;  /* seconds */
	unsigned check_threshold;
	auth_policy_answer *answers;
	size_t nanswers;
} auth_policy_conf;

typedef struct auth_region_conf {
	char *name;
	net_prefix *prefixes;
	size_t nprefixes;
} auth_region_conf;

typedef struct auth_region_delay {
	char *a, *b;
	unsigned ms;
	unsigned line;
} auth_region_delay;

typedef struct auth_policy_key {
	char *origin, *file;
} auth_policy_key;

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
	/* Routing policies, the regions they know, and their signing keys. */
	auth_policy_conf *policies;
	size_t npolicies;
	auth_region_conf *regions;
	size_t nregions;
	auth_region_delay *delays;
	size_t ndelays;
	auth_policy_key *policy_keys;
	size_t npolicy_keys;
	char *file;           /* the config file read (-c), for reloads; NULL: none */
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

/* The name of a routing as the config writes it ("weighted"...). */
const char *auth_routing_name(auth_routing r);

/* Remove the policy of `name` (any case, final dot or not); false when
 * there is none. */
bool auth_config_del_policy(auth_config *c, const char *name);

/* Index of region `name` in c->regions, or -1. */
long auth_config_region(const auth_config *c, const char *name);

/* A new view, empty, at the end of c->views (its index is nviews - 1
 * after); false when the name is taken ("default" is the default view's). */
bool auth_config_add_view(auth_config *c, const char *name, char *err,
			  size_t errsz);
/* A prefix whose clients see view `view` (not the default view, 0). */
bool auth_config_add_match(auth_config *c, size_t view, const char *prefix,
			   char *err, size_t errsz);

#endif
