/* The programs a node may run, and what each can do. */
#include "topo/software.h"

#include <stdio.h>
#include <string.h>

#include "topo/topo.h"

static const software_info table[SW_COUNT] = {
	[SW_DNSIM] = { "dnsim", "dnsim", SW_ROLE_AUTH | SW_ROLE_RESOLVER,
		       "dnsim-auth", NULL, "dnsim-resolver", NULL, NULL, NULL,
		       SW_FEAT_VIEWS | SW_FEAT_RATE_LIMIT | SW_FEAT_BLOCK | SW_FEAT_SINKHOLE },
	[SW_NSD] = { "nsd", "NSD", SW_ROLE_AUTH, "nsd", "nsd", NULL, NULL,
		     "nsd-control", "nsd", SW_FEAT_RATE_LIMIT },
	[SW_KNOT] = { "knot", "Knot DNS", SW_ROLE_AUTH, "knotd", "knot", NULL, NULL,
		      "knotc", "knot", SW_FEAT_RATE_LIMIT },
	[SW_BIND] = { "bind", "BIND 9", SW_ROLE_AUTH | SW_ROLE_RESOLVER, "named", "bind9",
		      "named", "bind9", "rndc", "bind9-utils",
		      SW_FEAT_VIEWS | SW_FEAT_RATE_LIMIT | SW_FEAT_BLOCK | SW_FEAT_SINKHOLE },
	/* The bind backend reads zone files as they are: no database. */
	[SW_POWERDNS] = { "powerdns", "PowerDNS Authoritative", SW_ROLE_AUTH, "pdns_server",
			  "pdns-server pdns-backend-bind", NULL, NULL, "pdns_control",
			  "pdns-server", 0 },
	[SW_UNBOUND] = { "unbound", "Unbound", SW_ROLE_RESOLVER, NULL, NULL, "unbound",
			 "unbound", "unbound-control", "unbound",
			 SW_FEAT_BLOCK | SW_FEAT_SINKHOLE },
	/* Knot Resolver is driven through its own control socket. */
	[SW_KRESD] = { "kresd", "Knot Resolver", SW_ROLE_RESOLVER, NULL, NULL, "kresd",
		       "knot-resolver", NULL, NULL, SW_FEAT_BLOCK | SW_FEAT_SINKHOLE },
	[SW_PDNS_RECURSOR] = { "pdns-recursor", "PowerDNS Recursor", SW_ROLE_RESOLVER, NULL,
			       NULL, "pdns_recursor", "pdns-recursor", "rec_control",
			       "pdns-recursor", SW_FEAT_BLOCK | SW_FEAT_SINKHOLE },
};

const software_info *software_get(topo_software s)
{
	return (unsigned)s < SW_COUNT ? &table[s] : &table[SW_DNSIM];
}

bool software_from_name(const char *name, topo_software *out)
{
	for (unsigned i = 0; i < SW_COUNT; i++)
		if (strcmp(table[i].name, name) == 0) {
			*out = (topo_software)i;
			return true;
		}
	return false;
}

const char *software_names(void)
{
	return "dnsim (ours, the default), nsd, knot, bind, powerdns (authoritative); "
	       "unbound, kresd, bind, pdns-recursor (resolvers)";
}

const char *software_feature_name(unsigned feature)
{
	switch (feature) {
	case SW_FEAT_VIEWS: return "views ([[node.NAME.auth.view]], split horizon)";
	case SW_FEAT_RATE_LIMIT: return "response rate limiting (auth.rate_limit)";
	case SW_FEAT_BLOCK: return "a blocklist (resolver.block)";
	case SW_FEAT_SINKHOLE: return "a sinkhole (resolver.sinkhole)";
	}
	return "?";
}

const char *software_program(topo_software s, unsigned role)
{
	const software_info *i = software_get(s);
	return role == SW_ROLE_AUTH ? i->auth_program : i->resolver_program;
}

const char *software_package(topo_software s, unsigned role)
{
	const software_info *i = software_get(s);
	return role == SW_ROLE_AUTH ? i->auth_package : i->resolver_package;
}

/* The features node n uses. */
static unsigned features_used(const topo_node *n)
{
	unsigned f = 0;
	if (n->service == TOPO_SVC_AUTH) {
		if (n->nviews)
			f |= SW_FEAT_VIEWS;
		if (n->rate_limit || n->rate_slip >= 0)
			f |= SW_FEAT_RATE_LIMIT;
	} else if (n->service == TOPO_SVC_RESOLVER) {
		if (n->nblock)
			f |= SW_FEAT_BLOCK;
		if (n->sinkhole)
			f |= SW_FEAT_SINKHOLE;
	}
	return f;
}

unsigned software_check(const struct topo *t, void (*report)(void *ctx, const char *line),
			void *ctx)
{
	unsigned errors = 0;
	char line[700];
	for (size_t i = 0; i < t->nnodes; i++) {
		const topo_node *n = &t->nodes[i];
		if (n->software == SW_DNSIM)
			continue;
		const software_info *sw = software_get(n->software);
		unsigned role = n->service == TOPO_SVC_AUTH ? SW_ROLE_AUTH
			      : n->service == TOPO_SVC_RESOLVER ? SW_ROLE_RESOLVER : 0;
		if (role == 0) {
			snprintf(line, sizeof line, "%s:%u: node %s: software = \"%s\" needs a DNS "
				 "server to run (auth.zones or resolver)", t->path, n->software_line,
				 n->name, sw->name);
			report(ctx, line);
			errors++;
			continue;
		}
		if (!(sw->roles & role)) {
			snprintf(line, sizeof line, "%s:%u: node %s: %s is %s, not %s (use it on "
				 "%s nodes)", t->path, n->software_line, n->name, sw->title,
				 role == SW_ROLE_AUTH ? "a resolver" : "an authoritative server",
				 role == SW_ROLE_AUTH ? "an authoritative server" : "a resolver",
				 role == SW_ROLE_AUTH ? "resolver" : "auth");
			report(ctx, line);
			errors++;
			continue;
		}
		unsigned lacking = features_used(n) & ~sw->features;
		for (unsigned f = 1; f <= SW_FEAT_SINKHOLE; f <<= 1) {
			if (!(lacking & f))
				continue;
			snprintf(line, sizeof line, "%s:%u: node %s: %s has no %s; leave the "
				 "feature out or run another program there", t->path,
				 n->software_line, n->name, sw->title, software_feature_name(f));
			report(ctx, line);
			errors++;
		}
	}
	return errors;
}
