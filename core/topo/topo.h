/* The topology model: what a topology file describes, after parsing and
 * before anything is built.  Networks are L2 segments with prefixes;
 * nodes sit on one or more networks and may forward between them (routers),
 * serve zones (auth), resolve (resolver), run a command (service), and
 * use resolvers as clients, straight from glibc or through a caching stub
 * of their own (`stub = "cache"`, the node's service then).  The model is plain data: topo_parse fills
 * it from TOML, topo_check validates it, the builder and renderers read it. */
#ifndef DNSIM_TOPO_TOPO_H
#define DNSIM_TOPO_TOPO_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "io/addr.h"
#include "topo/software.h"

#define TOPO_NAME_MAX 32       /* node, network and sim names */

/* What an attachment to a network adds on the wire, each direction
 * alike (topo/impair.h reads and writes the values).  `given` marks the
 * fields a topology or `link set` wrote, so that a node's own values
 * override its network's defaults one key at a time. */
typedef struct topo_impair {
	uint64_t delay_us;
	uint64_t jitter_us;       /* uniform, +- around the delay */
	uint32_t loss_ppm;        /* frames lost per million */
	uint64_t rate_bps;        /* bits per second; 0: no limit */
	unsigned given;           /* IMPAIR_DELAY | IMPAIR_JITTER | ... */
} topo_impair;

typedef struct topo_network {
	char name[TOPO_NAME_MAX + 1];
	bool has_v4, has_v6;
	net_prefix v4, v6;
	unsigned line;
	/* The auth nodes that serve this network's reverse zones (in-addr.arpa,
	 * ip6.arpa); none: the root servers do (topo/reverse.h). */
	char **reverse;
	size_t nreverse;
	unsigned reverse_line;
	topo_impair impair;       /* the default of every attachment */
	unsigned impair_line;
	/* The region its clients are in (`region = "europe"`), for routing
	 * policies; NULL: the nearest region's (topo/regions.h). */
	char *region;
	unsigned region_line;
} topo_network;

/* A node's own impairment of its attachment to one network
 * (`links = { NETWORK = { delay = "20ms" } }`). */
typedef struct topo_link {
	size_t network;           /* index into topo.networks */
	topo_impair impair;
	unsigned line;
} topo_link;

/* One address of a node on one network. */
typedef struct topo_addr {
	size_t network;           /* index into topo.networks */
	net_addr addr;            /* port 0 */
	char text[64];
	unsigned line;
} topo_addr;

typedef struct topo_zone {
	char *origin;             /* as written, e.g. "example.com." */
	char *file;               /* resolved path */
	char *view;               /* NULL: outside any view */
	unsigned line;
	/* Made from the topology, with no file of its own (a reverse zone,
	 * topo/reverse.h): `file` is then the topology file and `line` the
	 * line of the network it was derived from. */
	bool derived;
	/* A secondary zone (`auth.primary = { ORIGIN = "NODE" }`): the node
	 * it transfers from (by name, also when the topology gave one of
	 * its addresses), which serves the zone in the view of the same name
	 * (or outside views); `file` is that node's file, the data the zone
	 * starts from. */
	char *primary;
} topo_zone;

typedef struct topo_view {
	char *name;
	char **match;             /* client prefixes, as written */
	size_t nmatch;
} topo_view;

typedef struct topo_hostent {
	char *name, *address;
} topo_hostent;

typedef enum topo_service {
	TOPO_SVC_NONE,
	TOPO_SVC_AUTH,
	TOPO_SVC_RESOLVER,
	TOPO_SVC_COMMAND,
	TOPO_SVC_STUB,            /* a caching stub for the host's own lookups */
} topo_service;

typedef struct topo_node {
	char name[TOPO_NAME_MAX + 1];
	unsigned line;
	topo_addr *addrs;
	size_t naddrs;
	bool router;
	char *hostname;           /* the nameserver name it answers as, if any */
	topo_service service;
	/* The program that serves (`software = "nsd"`); SW_DNSIM: ours. */
	topo_software software;
	unsigned software_line;
	/* auth */
	topo_zone *zones;
	size_t nzones;
	topo_view *views;
	size_t nviews;
	long rate_limit;          /* responses/s per client prefix; 0: off */
	long rate_slip;           /* -1: the server's default */
	/* resolver */
	char **allow;             /* client prefixes */
	size_t nallow;
	char **block;             /* names answered with NXDOMAIN or sinkhole */
	size_t nblock;
	char *sinkhole;
	bool client_subnet;       /* EDNS Client Subnet sent (RFC 7871) */
	char **client_subnet_zones;  /* ... to these zones' servers only */
	size_t nclient_subnet_zones;
	/* command service */
	char **command;
	size_t ncommand;
	/* client side: resolv.conf and hosts */
	char **resolvers;         /* node names or addresses, as written, in order */
	size_t nresolvers;
	char **search;
	size_t nsearch;
	long timeout, attempts;   /* 0: glibc's default */
	topo_hostent *hosts;
	size_t nhosts;
	/* link impairments of its own */
	topo_link *links;
	size_t nlinks;
	/* Anycast: service addresses the node shares with other instances
	 * (`anycast = ["198.18.1.4", "2001:db8:1::4"]`), held on its
	 * loopback and reached through routes to the nearest live instance
	 * (topo/anycast.h).  `network` of each is SIZE_MAX: no network
	 * holds it.  region names the instance (`region = "isp"`). */
	topo_addr *anycast;
	size_t nanycast;
	char *region;
	unsigned anycast_line;
	/* The machine it runs on (topo/machines.h): an index into
	 * topo.machines, SIZE_MAX when the topology names no machines. */
	size_t machine;
} topo_node;

/* How a zone is signed (`dnssec = "nsec" | "nsec3" | "off"`). */
typedef enum topo_dnssec {
	TOPO_DNSSEC_OFF,
	TOPO_DNSSEC_NSEC,
	TOPO_DNSSEC_NSEC3,       /* no extra iterations, no salt (RFC 9276) */
} topo_dnssec;

/* One answer of a routing policy: a node's addresses (its first IPv4
 * and first IPv6 address) or one address, with what its routing wants. */
typedef struct topo_policy_answer {
	char *node;               /* NULL: `address` */
	char *address;
	long weight;              /* weighted; -1: not given (1) */
	bool secondary;           /* failover = "secondary" */
	bool primary;             /* failover = "primary" */
	char *region;             /* geolocation, latency */
	bool is_default;          /* default = true */
	unsigned line;
} topo_policy_answer;

/* [[zone."ORIGIN".policy]]: a routing policy for one name of the zone,
 * rendered into the auth.conf of every server of the zone (the syntax
 * and its meaning: conf/auth_conf.h). */
typedef struct topo_policy {
	char *name;               /* absolute, with its final dot */
	char *routing;            /* "weighted", "failover", ... */
	long ttl;                 /* -1: the server's default */
	char *check;              /* "tcp", "http" or NULL */
	long check_port;
	char *check_path;
	long check_interval, check_threshold;  /* -1: the defaults */
	topo_policy_answer *answers;
	size_t nanswers;
	unsigned line;
} topo_policy;

/* [zone."ORIGIN"]: settings of one zone, however many nodes serve it
 * (topo/signing.h reads them). */
typedef struct topo_zone_conf {
	char *origin;             /* as written */
	bool has_dnssec;          /* else the sim's default */
	topo_dnssec dnssec;
	uint8_t algorithm;        /* 0: the sim's */
	char *ksk, *zsk;          /* private-key files (resolved paths); NULL: made at up */
	unsigned line;
	topo_policy *policies;
	size_t npolicies;
} topo_zone_conf;

/* A machine that runs a part of the sim ([machine.NAME], or a name in
 * [sim] machines): the underlay address its VXLAN tunnels start from
 * and end at, and how to reach it over ssh (topo/machines.h). */
typedef struct topo_machine {
	char name[TOPO_NAME_MAX + 1];
	bool has_underlay;
	net_addr underlay;        /* port 0 */
	char underlay_text[64];
	char *ssh;                /* "user@host"; NULL: none given */
	unsigned line;
} topo_machine;

typedef struct topo {
	char *path;               /* the topology file */
	char *dir;                /* its folder: relative zone paths start here */
	char name[TOPO_NAME_MAX + 1];
	topo_network *networks;
	size_t nnetworks;
	topo_node *nodes;
	size_t nnodes;
	bool no_reverse;          /* [sim] reverse = false: no reverse zones */
	/* DNSSEC: every zone's default ([sim] dnssec, dnssec_algorithm), and
	 * the zones' own settings. */
	topo_dnssec dnssec;
	uint8_t dnssec_algorithm; /* 0: ECDSAP256SHA256 */
	topo_zone_conf *zconf;
	size_t nzconf;
	/* Machines (none: the whole sim on one machine, the usual case),
	 * the first VXLAN network identifier (network i gets vni_base + i),
	 * and the part this process builds: `part` set by `up --machine`,
	 * `here` then the index of that machine. */
	topo_machine *machines;
	size_t nmachines;
	uint32_t vni_base;
	bool part;
	size_t here;
} topo;

/* How the model reads files (the topology, zone files): the signature of
 * io_read_file and of dns_master_ops.read_file, so that the model itself
 * does no I/O and the unit tests can hand it files from memory.  Returns
 * 0 or an errno value; *data is malloc'd. */
typedef int (*topo_read_fn)(void *ctx, const char *path, char **data, size_t *len);

/* Read (through read_file) and parse a topology file into t.  On failure
 * returns false with "FILE:LINE:COL: message" in err. */
bool topo_load(topo *t, const char *path, topo_read_fn read_file, void *ctx, char *err,
	       size_t errsz);

/* Parse topology text; `path` names it in messages and places relative
 * zone files. */
bool topo_parse(topo *t, const char *path, const char *text, size_t len,
		char *err, size_t errsz);
void topo_free(topo *t);

struct toml_value;
/* For the readers of a topology file (topo_parse.c, machines.c): the
 * message as "PATH:LINE:COL: ..." at `at` (or "PATH: ..." without it)
 * into err. */
void topo_vfail(char *err, size_t errsz, const char *path, const struct toml_value *at,
		const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

typedef void (*topo_report_fn)(void *ctx, const char *line);

/* Lookups. */
const topo_node *topo_node_find(const topo *t, const char *name);
const topo_network *topo_network_find(const topo *t, const char *name);

/* Is `name` usable as a node, network or sim name (letters, digits and
 * '-', starting with a letter or digit, at most TOPO_NAME_MAX)? */
bool topo_name_ok(const char *name);

const char *topo_service_name(topo_service s);

#endif
