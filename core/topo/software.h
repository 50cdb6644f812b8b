/* Which program a server node runs: ours (dnsim-auth, dnsim-resolver) or
 * another implementation, rendered from the same topology (`software =
 * "nsd"` on the node).  This file is the table of programs -- their
 * names, the roles they can take, the package that brings them, the
 * topology features each lacks -- and the check that refuses a node
 * asking a program for something it cannot do, before anything is
 * built.  Pure: the run-time looks for the programs themselves. */
#ifndef DNSIM_TOPO_SOFTWARE_H
#define DNSIM_TOPO_SOFTWARE_H

#include <stdbool.h>
#include <stddef.h>

typedef enum topo_software {
	SW_DNSIM,           /* ours: dnsim-auth or dnsim-resolver */
	SW_NSD,
	SW_KNOT,            /* Knot DNS (authoritative) */
	SW_BIND,            /* BIND 9's named, either role */
	SW_POWERDNS,        /* the PowerDNS Authoritative Server, bind backend */
	SW_UNBOUND,
	SW_KRESD,           /* Knot Resolver */
	SW_PDNS_RECURSOR,   /* the PowerDNS Recursor */
	SW_COUNT
} topo_software;

/* Roles, as a mask. */
#define SW_ROLE_AUTH 1u
#define SW_ROLE_RESOLVER 2u

/* What a topology may ask of a server beyond serving zones or resolving. */
#define SW_FEAT_VIEWS 1u       /* auth: [[node.N.auth.view]] split horizon */
#define SW_FEAT_RATE_LIMIT 2u  /* auth: rate_limit, rate_limit_slip */
#define SW_FEAT_BLOCK 4u       /* resolver: block (NXDOMAIN for names below) */
#define SW_FEAT_SINKHOLE 8u    /* resolver: sinkhole (an address for blocked names) */

typedef struct software_info {
	const char *name;        /* as the topology writes it: "nsd" */
	const char *title;       /* as people call it: "NSD" */
	unsigned roles;
	/* The program each role runs and the Debian package(s) it comes in;
	 * NULL for a role the program does not take. */
	const char *auth_program, *auth_package;
	const char *resolver_program, *resolver_package;
	/* The tool that reloads zones, reads counters, flushes the cache
	 * (NULL: a signal or the program's own socket does), and its package. */
	const char *control_tool, *control_package;
	unsigned features;       /* SW_FEAT_*, for the roles it takes */
} software_info;

const software_info *software_get(topo_software s);

/* The program named `name` in a topology ("dnsim" is ours); false when
 * there is none by that name. */
bool software_from_name(const char *name, topo_software *out);

/* "nsd, knot, bind, ..." (every name a topology may give), for messages. */
const char *software_names(void);

/* The feature's name in messages: "views (auth.view)". */
const char *software_feature_name(unsigned feature);

/* The program and package of software s in a role (SW_ROLE_*); NULL when
 * it does not take that role. */
const char *software_program(topo_software s, unsigned role);
const char *software_package(topo_software s, unsigned role);

struct topo;

/* Every node whose program cannot take its role or lacks a feature its
 * node uses: one line each to `report` ("FILE:LINE: node N: ...").
 * Returns the number of problems. */
unsigned software_check(const struct topo *t, void (*report)(void *ctx, const char *line),
			void *ctx);

#endif
