/* dnsim-auth's settings: read from config-file text and the command
 * line, and written back as text. */
#include "auth_conf.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/msg.h"
#include "util/array.h"

bool auth_config_init(auth_config *c)
{
	memset(c, 0, sizeof *c);
	c->max_udp = DNS_EDNS_DEFAULT;
	c->answer_cache = AUTH_ANSWER_CACHE_DEFAULT;
	conf_tcp_init(&c->tcp, AUTH_TCP_MAX_DEFAULT);
	c->rate_slip = 2;
	c->journal = AUTH_JOURNAL_DEFAULT;
	c->views = calloc(1, sizeof *c->views);
	if (c->views == NULL)
		return false;
	c->views[0].name = strdup("default");
	if (c->views[0].name == NULL)
		return false;
	c->nviews = 1;
	return true;
}

static void free_strings(char **s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i]);
	free(s);
}

static void free_peers(auth_peer_conf *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(p[i].key);
	free(p);
}

static void free_policy(auth_policy_conf *pc)
{
	for (size_t k = 0; k < pc->nanswers; k++)
		free(pc->answers[k].region);
	free(pc->answers);
	free(pc->name);
	free(pc->check_path);
}

void auth_config_free(auth_config *c)
{
	for (size_t v = 0; v < c->nviews; v++) {
		auth_view_conf *vc = &c->views[v];
		for (size_t z = 0; z < vc->nzones; z++) {
			auth_zone_conf *zc = &vc->zones[z];
			free(zc->origin);
			free(zc->file);
			free_peers(zc->primaries, zc->nprimaries);
			free_peers(zc->notify, zc->nnotify);
			free_strings(zc->update_keys, zc->nupdate_keys);
		}
		free(vc->zones);
		free(vc->match);
		free_strings(vc->match_keys, vc->nmatch_keys);
		free(vc->name);
	}
	for (size_t k = 0; k < c->nkeys; k++) {
		free(c->keys[k].name);
		free(c->keys[k].alg);
		free(c->keys[k].secret);
	}
	free(c->keys);
	for (size_t i = 0; i < c->npolicies; i++)
		free_policy(&c->policies[i]);
	free(c->policies);
	for (size_t i = 0; i < c->nregions; i++) {
		free(c->regions[i].name);
		free(c->regions[i].prefixes);
	}
	free(c->regions);
	for (size_t i = 0; i < c->ndelays; i++) {
		free(c->delays[i].a);
		free(c->delays[i].b);
	}
	free(c->delays);
	for (size_t i = 0; i < c->npolicy_keys; i++) {
		free(c->policy_keys[i].origin);
		free(c->policy_keys[i].file);
	}
	free(c->policy_keys);
	free_strings(c->xfr_keys, c->nxfr_keys);
	free(c->views);
	free(c->listen);
	free(c->xfr);
	free(c->query_log);
	free(c->identity);
	free(c->file);
	memset(c, 0, sizeof *c);
}

bool auth_config_add_listen(auth_config *c, const char *text, char *err,
			    size_t errsz)
{
	net_addr a;
	if (!conf_parse_addr(text, &a, err, errsz))
		return false;
	net_addr *slot = array_grow(&c->listen, &c->nlisten, sizeof *slot);
	if (slot == NULL) {
		snprintf(err, errsz, "out of memory");
		return false;
	}
	*slot = a;
	return true;
}

bool auth_config_add_zone(auth_config *c, size_t view, const char *origin,
			  const char *file, char *err, size_t errsz)
{
	auth_view_conf *vc = &c->views[view];
	dns_name n;
	if (dns_name_from_text(&n, origin, strlen(origin), dns_name_root) != DNS_OK) {
		snprintf(err, errsz, "\"%s\" is not a zone name", origin);
		return false;
	}
	for (size_t i = 0; i < vc->nzones; i++) {
		dns_name o;
		if (dns_name_from_text(&o, vc->zones[i].origin,
				       strlen(vc->zones[i].origin), dns_name_root) == DNS_OK &&
		    dns_name_equal(o.data, n.data)) {
			snprintf(err, errsz, "zone %s is given twice in view %s",
				 origin, vc->name);
			return false;
		}
	}
	auth_zone_conf *zc = array_grow(&vc->zones, &vc->nzones, sizeof *zc);
	if (zc == NULL || !(zc->origin = strdup(origin)) || !(zc->file = strdup(file))) {
		snprintf(err, errsz, "out of memory");
		return false;
	}
	return true;
}

static bool add_prefix(net_prefix **arr, size_t *n, const char *text,
		       char *err, size_t errsz)
{
	net_prefix p;
	if (!conf_parse_prefix(text, &p, err, errsz))
		return false;
	net_prefix *slot = array_grow(arr, n, sizeof *slot);
	if (slot == NULL) {
		snprintf(err, errsz, "out of memory");
		return false;
	}
	*slot = p;
	return true;
}

bool auth_config_add_xfr(auth_config *c, const char *prefix, char *err,
			 size_t errsz)
{
	return add_prefix(&c->xfr, &c->nxfr, prefix, err, errsz);
}

bool auth_config_add_view(auth_config *c, const char *name, char *err,
			  size_t errsz)
{
	for (size_t i = 0; i < c->nviews; i++)
		if (strcmp(c->views[i].name, name) == 0) {
			snprintf(err, errsz, "view %s is defined twice", name);
			return false;
		}
	char *copy = strdup(name);
	auth_view_conf *vc = copy ? array_grow(&c->views, &c->nviews, sizeof *vc) : NULL;
	if (vc == NULL) {
		free(copy);
		snprintf(err, errsz, "out of memory");
		return false;
	}
	vc->name = copy;
	return true;
}

bool auth_config_add_match(auth_config *c, size_t view, const char *prefix,
			   char *err, size_t errsz)
{
	if (view == 0 || view >= c->nviews) {
		snprintf(err, errsz, "match belongs inside a view block");
		return false;
	}
	return add_prefix(&c->views[view].match, &c->views[view].nmatch, prefix,
			  err, errsz);
}

static bool add_string(char ***arr, size_t *n, const char *text, char *err, size_t errsz)
{
	char *copy = strdup(text);
	char **slot = copy ? array_grow(arr, n, sizeof *slot) : NULL;
	if (slot == NULL) {
		free(copy);
		snprintf(err, errsz, "out of memory");
		return false;
	}
	*slot = copy;
	return true;
}

bool auth_config_add_key(auth_config *c, const char *name, const char *alg,
			 const char *secret, char *err, size_t errsz)
{
	if (auth_config_key(c, name)) {
		snprintf(err, errsz, "key %s is defined twice", name);
		return false;
	}
	auth_key_conf *k = array_grow(&c->keys, &c->nkeys, sizeof *k);
	if (k == NULL || !(k->name = strdup(name)) || !(k->alg = strdup(alg)) ||
	    !(k->secret = strdup(secret))) {
		snprintf(err, errsz, "out of memory");
		return false;
	}
	return true;
}

const auth_key_conf *auth_config_key(const auth_config *c, const char *name)
{
	dns_name want, have;
	if (dns_name_from_text(&want, name, strlen(name), dns_name_root) != DNS_OK)
		return NULL;
	for (size_t k = 0; k < c->nkeys; k++)
		if (dns_name_from_text(&have, c->keys[k].name, strlen(c->keys[k].name),
				       dns_name_root) == DNS_OK && dns_name_equal(have.data, want.data))
			return &c->keys[k];
	return NULL;
}

auth_zone_conf *auth_config_zone(auth_config *c, size_t view, const char *origin)
{
	dns_name want, have;
	if (view >= c->nviews ||
	    dns_name_from_text(&want, origin, strlen(origin), dns_name_root) != DNS_OK)
		return NULL;
	auth_view_conf *vc = &c->views[view];
	for (size_t i = 0; i < vc->nzones; i++)
		if (dns_name_from_text(&have, vc->zones[i].origin, strlen(vc->zones[i].origin),
				       dns_name_root) == DNS_OK && dns_name_equal(have.data, want.data))
			return &vc->zones[i];
	return NULL;
}

/* "PREFIX" words and "key NAME" pairs, as allow-transfer and match take
 * them. */
static void prefixes_and_keys(char *const *w, size_t n, net_prefix **pfx, size_t *npfx,
			      char ***keys, size_t *nkeys, char *msg, size_t msgsz)
{
	for (size_t i = 0; !msg[0] && i < n; i++) {
		if (strcmp(w[i], "key") == 0) {
			if (i + 1 == n)
				snprintf(msg, msgsz, "\"key\" needs a key name after it");
			else
				add_string(keys, nkeys, w[++i], msg, msgsz);
		} else {
			add_prefix(pfx, npfx, w[i], msg, msgsz);
		}
	}
}

/* "ORIGIN ADDR[@PORT] [key NAME]": a primary or a NOTIFY target. */
static void add_peer(auth_config *c, size_t view, char *const *w, size_t n, bool primary,
		     char *msg, size_t msgsz)
{
	const char *key = w[0];
	if (n != 3 && !(n == 5 && strcmp(w[3], "key") == 0)) {
		snprintf(msg, msgsz, "expected: %s ORIGIN ADDR[@PORT] [key NAME]", key);
		return;
	}
	auth_zone_conf *z = auth_config_zone(c, view, w[1]);
	if (z == NULL) {
		snprintf(msg, msgsz, "%s: no zone %s above it in this %s", key, w[1],
			 view ? "view" : "file (outside views)");
		return;
	}
	net_addr a;
	if (!conf_parse_addr(w[2], &a, msg, msgsz))
		return;
	auth_peer_conf **arr = primary ? &z->primaries : &z->notify;
	size_t *count = primary ? &z->nprimaries : &z->nnotify;
	auth_peer_conf *p = array_grow(arr, count, sizeof *p);
	if (p == NULL || (n == 5 && (p->key = strdup(w[4])) == NULL)) {
		snprintf(msg, msgsz, "out of memory");
		return;
	}
	p->addr = a;
}

/* ---- routing policies ---------------------------------------------------- */

static const char *const routing_names[] = {
	[AUTH_ROUTE_WEIGHTED] = "weighted",
	[AUTH_ROUTE_FAILOVER] = "failover",
	[AUTH_ROUTE_GEOLOCATION] = "geolocation",
	[AUTH_ROUTE_LATENCY] = "latency",
	[AUTH_ROUTE_MULTIVALUE] = "multivalue",
};
#define NROUTINGS (sizeof routing_names / sizeof routing_names[0])

const char *auth_routing_name(auth_routing r)
{
	return (size_t)r < NROUTINGS ? routing_names[r] : "?";
}

long auth_config_region(const auth_config *c, const char *name)
{
	for (size_t i = 0; i < c->nregions; i++)
		if (strcmp(c->regions[i].name, name) == 0)
			return (long)i;
	return -1;
}

/* Region names are words of letters, digits and '-' (as the topology's
 * node and network names), so that they read the same everywhere. */
static bool region_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 63)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return strcmp(s, "default") != 0;
}

static void open_policy(auth_config *c, const char *name, unsigned line, char *msg,
			size_t msgsz)
{
	dns_name n;
	if (dns_name_from_text(&n, name, strlen(name), dns_name_root) != DNS_OK) {
		snprintf(msg, msgsz, "\"%s\" is not a domain name", name);
		return;
	}
	for (size_t i = 0; i < c->npolicies; i++) {
		dns_name o;
		if (dns_name_from_text(&o, c->policies[i].name, strlen(c->policies[i].name),
				       dns_name_root) == DNS_OK && dns_name_equal(o.data, n.data)) {
			snprintf(msg, msgsz, "policy %s is given twice (line %u has it)", name,
				 c->policies[i].line);
			return;
		}
	}
	char text[DNS_NAME_MAXTEXT];
	if (dns_name_to_text(n.data, text, sizeof text, NULL) != DNS_OK) {
		snprintf(msg, msgsz, "\"%s\" is not a domain name", name);
		return;
	}
	char *copy = strdup(text);
	auth_policy_conf *pc = copy ? array_grow(&c->policies, &c->npolicies, sizeof *pc) : NULL;
	if (pc == NULL) {
		free(copy);
		snprintf(msg, msgsz, "out of memory");
		return;
	}
	pc->name = copy;
	pc->line = line;
	pc->ttl = AUTH_POLICY_TTL_DEFAULT;
	pc->check_interval = AUTH_CHECK_INTERVAL_DEFAULT;
	pc->check_threshold = AUTH_CHECK_THRESHOLD_DEFAULT;
}

/* "answer ADDRESS [what the routing wants]" in policy pc. */
static void policy_answer(auth_policy_conf *pc, char *const *w, size_t n, unsigned line,
			  char *msg, size_t msgsz)
{
	static const char *const forms[] = {
		[AUTH_ROUTE_WEIGHTED] = "answer ADDRESS [weight N]",
		[AUTH_ROUTE_FAILOVER] = "answer ADDRESS primary|secondary",
		[AUTH_ROUTE_GEOLOCATION] = "answer ADDRESS region NAME|default",
		[AUTH_ROUTE_LATENCY] = "answer ADDRESS region NAME|default",
		[AUTH_ROUTE_MULTIVALUE] = "answer ADDRESS",
	};
	if (!pc->routing_set) {
		snprintf(msg, msgsz, "give the policy's routing (routing weighted|failover|"
			 "geolocation|latency|multivalue) before its answers");
		return;
	}
	const char *form = forms[pc->routing];
	net_addr a;
	if (n < 2 || strchr(w[1], '@') || !net_addr_parse(w[1], 0, &a)) {
		snprintf(msg, msgsz, n < 2 ? "expected: %s" : "\"%s\" is not an IPv4 or IPv6 "
			 "address (expected: %s)", n < 2 ? form : w[1], form);
		return;
	}
	auth_policy_answer ans = { .addr = a, .weight = 1, .line = line };
	uint64_t v;
	bool ok;
	switch (pc->routing) {
	case AUTH_ROUTE_WEIGHTED:
		ok = n == 2 || (n == 4 && strcmp(w[2], "weight") == 0 &&
				conf_parse_uint(w[3], 0, 1000000, &v));
		if (n == 4 && ok)
			ans.weight = (unsigned)v;
		break;
	case AUTH_ROUTE_FAILOVER:
		ok = n == 3 && (strcmp(w[2], "primary") == 0 || strcmp(w[2], "secondary") == 0);
		ans.secondary = ok && w[2][0] == 's';
		break;
	case AUTH_ROUTE_GEOLOCATION:
	case AUTH_ROUTE_LATENCY:
		ok = (n == 3 && strcmp(w[2], "default") == 0) ||
		     (n == 4 && strcmp(w[2], "region") == 0 && region_name_ok(w[3]));
		if (ok && n == 4 && (ans.region = strdup(w[3])) == NULL) {
			snprintf(msg, msgsz, "out of memory");
			return;
		}
		break;
	default:
		ok = n == 2;
	}
	if (!ok) {
		snprintf(msg, msgsz, "expected: %s (a %s policy)", form,
			 auth_routing_name(pc->routing));
		return;
	}
	auth_policy_answer *slot = array_grow(&pc->answers, &pc->nanswers, sizeof *slot);
	if (slot == NULL) {
		free(ans.region);
		snprintf(msg, msgsz, "out of memory");
		return;
	}
	*slot = ans;
}

/* A line inside "policy NAME { ... }". */
static void policy_line(auth_config *c, char *const *w, size_t n, unsigned line, char *msg,
			size_t msgsz)
{
	auth_policy_conf *pc = &c->policies[c->npolicies - 1];
	const char *key = w[0];
	uint64_t v;
	if (strcmp(key, "routing") == 0) {
		size_t r = 0;
		while (n == 2 && r < NROUTINGS && strcmp(w[1], routing_names[r]) != 0)
			r++;
		if (n != 2 || r == NROUTINGS)
			snprintf(msg, msgsz, "expected: routing weighted|failover|geolocation|"
				 "latency|multivalue");
		else if (pc->nanswers > 0)
			snprintf(msg, msgsz, "give the routing before the answers");
		else {
			pc->routing = (auth_routing)r;
			pc->routing_set = true;
		}
	} else if (strcmp(key, "ttl") == 0) {
		if (n != 2 || !conf_parse_uint(w[1], 0, 604800, &v))
			snprintf(msg, msgsz, "expected: ttl 0..604800 (seconds)");
		else
			pc->ttl = (uint32_t)v;
	} else if (strcmp(key, "check") == 0) {
		bool http = n >= 2 && strcmp(w[1], "http") == 0;
		bool tcp = n >= 2 && strcmp(w[1], "tcp") == 0;
		if (!((tcp && n == 3) || (http && (n == 3 || n == 4))) ||
		    !conf_parse_uint(w[2], 1, 65535, &v) || (n == 4 && w[3][0] != '/')) {
			snprintf(msg, msgsz, "expected: check tcp PORT | check http PORT [/PATH]");
			return;
		}
		free(pc->check_path);
		pc->check_path = NULL;
		pc->check = http ? AUTH_CHECK_HTTP : AUTH_CHECK_TCP;
		pc->check_port = (uint16_t)v;
		if (http && (pc->check_path = strdup(n == 4 ? w[3] : "/")) == NULL)
			snprintf(msg, msgsz, "out of memory");
	} else if (strcmp(key, "check-interval") == 0) {
		if (n != 2 || !conf_parse_uint(w[1], 1, 3600, &v))
			snprintf(msg, msgsz, "expected: check-interval 1..3600 (seconds)");
		else
			pc->check_interval = (unsigned)v;
	} else if (strcmp(key, "check-threshold") == 0) {
		if (n != 2 || !conf_parse_uint(w[1], 1, 10, &v))
			snprintf(msg, msgsz, "expected: check-threshold 1..10");
		else
			pc->check_threshold = (unsigned)v;
	} else if (strcmp(key, "answer") == 0) {
		policy_answer(pc, w, n, line, msg, msgsz);
	} else {
		snprintf(msg, msgsz, "\"%s\" is not a policy setting (known: routing, ttl, "
			 "check, check-interval, check-threshold, answer)", key);
	}
}

static void add_region(auth_config *c, char *const *w, size_t n, char *msg, size_t msgsz)
{
	if (n < 2 || !region_name_ok(w[1])) {
		snprintf(msg, msgsz, "expected: region NAME [PREFIX...] (NAME: letters, digits "
			 "and '-', not \"default\")");
		return;
	}
	long r = auth_config_region(c, w[1]);
	if (r < 0) {
		char *copy = strdup(w[1]);
		auth_region_conf *rc = copy ? array_grow(&c->regions, &c->nregions, sizeof *rc)
					    : NULL;
		if (rc == NULL) {
			free(copy);
			snprintf(msg, msgsz, "out of memory");
			return;
		}
		rc->name = copy;
		r = (long)c->nregions - 1;
	}
	auth_region_conf *rc = &c->regions[r];
	for (size_t i = 2; !msg[0] && i < n; i++)
		add_prefix(&rc->prefixes, &rc->nprefixes, w[i], msg, msgsz);
}

static void add_delay(auth_config *c, char *const *w, size_t n, unsigned line, char *msg,
		      size_t msgsz)
{
	uint64_t v;
	if (n != 4 || !region_name_ok(w[1]) || !region_name_ok(w[2]) ||
	    !conf_parse_uint(w[3], 0, 600000, &v)) {
		snprintf(msg, msgsz, "expected: region-delay REGION REGION MILLISECONDS");
		return;
	}
	char *a = strdup(w[1]), *b = strdup(w[2]);
	auth_region_delay *d = a && b ? array_grow(&c->delays, &c->ndelays, sizeof *d) : NULL;
	if (d == NULL) {
		free(a);
		free(b);
		snprintf(msg, msgsz, "out of memory");
		return;
	}
	*d = (auth_region_delay){ a, b, (unsigned)v, line };
}

static void add_policy_key(auth_config *c, char *const *w, size_t n, char *msg,
			   size_t msgsz)
{
	dns_name o;
	if (n != 3 || dns_name_from_text(&o, w[1], strlen(w[1]), dns_name_root) != DNS_OK) {
		snprintf(msg, msgsz, "expected: policy-key ORIGIN PRIVATE-KEY-FILE");
		return;
	}
	char *origin = strdup(w[1]), *file = strdup(w[2]);
	auth_policy_key *k = origin && file
		? array_grow(&c->policy_keys, &c->npolicy_keys, sizeof *k) : NULL;
	if (k == NULL) {
		free(origin);
		free(file);
		snprintf(msg, msgsz, "out of memory");
		return;
	}
	*k = (auth_policy_key){ origin, file };
}

/* What can only be checked once the whole file is read: every policy
 * complete, every region it names defined.  "" in msg, or what is
 * wrong with *line set to where. */
static void check_policies(const auth_config *c, unsigned *line, char *msg, size_t msgsz)
{
	for (size_t i = 0; i < c->npolicies && !msg[0]; i++) {
		const auth_policy_conf *pc = &c->policies[i];
		*line = pc->line;
		if (!pc->routing_set) {
			snprintf(msg, msgsz, "policy %s has no routing (routing weighted|failover|"
				 "geolocation|latency|multivalue)", pc->name);
			break;
		}
		if (pc->nanswers == 0) {
			snprintf(msg, msgsz, "policy %s has no answers", pc->name);
			break;
		}
		for (int fam = 0; fam < 2 && !msg[0]; fam++) {
			int af = fam ? AF_INET6 : AF_INET;
			size_t count = 0, primaries = 0, defaults = 0;
			unsigned long weight = 0;
			for (size_t k = 0; k < pc->nanswers; k++) {
				const auth_policy_answer *a = &pc->answers[k];
				if (a->addr.ss.ss_family != af)
					continue;
				count++;
				weight += a->weight;
				primaries += !a->secondary;
				defaults += a->region == NULL;
				if (a->region && auth_config_region(c, a->region) < 0) {
					*line = a->line;
					snprintf(msg, msgsz, "policy %s: no region %s (a \"region %s "
						 "PREFIX...\" line defines it)", pc->name, a->region,
						 a->region);
					break;
				}
			}
			const char *t = fam ? "AAAA" : "A";
			if (msg[0] || count == 0)
				continue;
			if (pc->routing == AUTH_ROUTE_WEIGHTED && weight == 0)
				snprintf(msg, msgsz, "policy %s: the %s answers' weights are all 0",
					 pc->name, t);
			else if (pc->routing == AUTH_ROUTE_FAILOVER && primaries == 0)
				snprintf(msg, msgsz, "policy %s: no primary %s answer", pc->name, t);
			else if ((pc->routing == AUTH_ROUTE_GEOLOCATION ||
				  pc->routing == AUTH_ROUTE_LATENCY) && defaults > 1)
				snprintf(msg, msgsz, "policy %s: more than one default %s answer",
					 pc->name, t);
		}
	}
	for (size_t i = 0; i < c->ndelays && !msg[0]; i++)
		for (int end = 0; end < 2; end++) {
			const char *r = end ? c->delays[i].b : c->delays[i].a;
			if (auth_config_region(c, r) < 0) {
				*line = c->delays[i].line;
				snprintf(msg, msgsz, "region-delay names region %s, which no region "
					 "line defines", r);
				break;
			}
		}
}

/* One line of the file, r's words; "" in msg or what is wrong. */
static void parse_line(auth_config *c, const conf_reader *r, char *msg, size_t msgsz)
{
	char *const *w = r->words;
	size_t n = r->nwords;
	const char *key = w[0];
	bool in_policy = r->in_block && strcmp(r->block_kw, "policy") == 0;
	/* Outside a view block: the default view. */
	size_t view = r->in_block && !in_policy ? c->nviews - 1 : 0;
	uint64_t v;
	int tcp;
	if (r->opened && strcmp(w[0], "policy") == 0) {
		open_policy(c, w[1], r->line, msg, msgsz);
	} else if (r->opened) {
		/* "view NAME {", its form checked by the reader. */
		auth_config_add_view(c, w[1], msg, msgsz);
	} else if (in_policy) {
		policy_line(c, w, n, r->line, msg, msgsz);
	} else if (strcmp(key, "match") == 0) {
		if (view == 0)
			snprintf(msg, msgsz, "match belongs inside a view block");
		else if (n < 2)
			snprintf(msg, msgsz, "expected: match PREFIX|key NAME [...]");
		else
			prefixes_and_keys(w + 1, n - 1, &c->views[view].match,
					  &c->views[view].nmatch, &c->views[view].match_keys,
					  &c->views[view].nmatch_keys, msg, msgsz);
	} else if (strcmp(key, "zone") == 0) {
		if (n != 3)
			snprintf(msg, msgsz, "expected: zone ORIGIN FILE");
		else
			auth_config_add_zone(c, view, w[1], w[2], msg, msgsz);
	} else if (strcmp(key, "primary") == 0 || strcmp(key, "notify") == 0) {
		add_peer(c, view, w, n, key[0] == 'p', msg, msgsz);
	} else if (strcmp(key, "allow-update") == 0) {
		auth_zone_conf *z = n >= 3 ? auth_config_zone(c, view, w[1]) : NULL;
		if (n < 3)
			snprintf(msg, msgsz, "expected: allow-update ORIGIN KEY [KEY...]");
		else if (z == NULL)
			snprintf(msg, msgsz, "allow-update: no zone %s above it in this %s", w[1],
				 view ? "view" : "file (outside views)");
		for (size_t i = 2; z && !msg[0] && i < n; i++)
			add_string(&z->update_keys, &z->nupdate_keys, w[i], msg, msgsz);
	} else if (view != 0) {
		snprintf(msg, msgsz, "\"%s\" is not allowed inside a view (only match, zone, "
			 "primary, notify and allow-update)", key);
	} else if (strcmp(key, "tsig-key") == 0) {
		if (n != 4)
			snprintf(msg, msgsz, "expected: tsig-key NAME ALGORITHM SECRET");
		else
			auth_config_add_key(c, w[1], w[2], w[3], msg, msgsz);
	} else if (strcmp(key, "ixfr-journal") == 0) {
		if (n != 2 || !conf_parse_uint(w[1], 0, 100000, &v))
			snprintf(msg, msgsz, "expected: ixfr-journal 0..100000 (changes kept per zone)");
		else
			c->journal = (size_t)v;
	} else if ((tcp = conf_tcp_set(&c->tcp, key, w + 1, n - 1, msg, msgsz)) != 0) {
		/* set, or msg says why not */
	} else if (strcmp(key, "listen") == 0) {
		if (n != 2)
			snprintf(msg, msgsz, "expected: listen ADDR[@PORT]");
		else
			auth_config_add_listen(c, w[1], msg, msgsz);
	} else if (strcmp(key, "alias-resolver") == 0) {
		if (n != 2)
			snprintf(msg, msgsz, "expected: alias-resolver ADDR[@PORT]");
		else if (conf_parse_addr(w[1], &c->alias_resolver, msg, msgsz))
			c->has_alias_resolver = true;
	} else if (strcmp(key, "max-udp-size") == 0) {
		if (n != 2 || !conf_parse_uint(w[1], 512, 65535, &v))
			snprintf(msg, msgsz, "expected: max-udp-size 512..65535");
		else
			c->max_udp = (size_t)v;
	} else if (strcmp(key, "answer-cache") == 0) {
		if (n != 2 || !conf_parse_uint(w[1], 0, 1u << 24, &v))
			snprintf(msg, msgsz, "expected: answer-cache ENTRIES (0 turns it off)");
		else
			c->answer_cache = (size_t)v;
	} else if (strcmp(key, "rate-limit") == 0) {
		if (n != 2 || !conf_parse_uint(w[1], 0, 1000000, &v))
			snprintf(msg, msgsz, "expected: rate-limit RESPONSES-PER-SECOND "
				 "(0 turns it off)");
		else
			c->rate_limit = (unsigned)v;
	} else if (strcmp(key, "rate-limit-slip") == 0) {
		if (n != 2 || !conf_parse_uint(w[1], 0, 100, &v))
			snprintf(msg, msgsz, "expected: rate-limit-slip 0..100");
		else
			c->rate_slip = (unsigned)v;
	} else if (strcmp(key, "allow-transfer") == 0) {
		if (n < 2)
			snprintf(msg, msgsz, "expected: allow-transfer PREFIX|key NAME [...]");
		else
			prefixes_and_keys(w + 1, n - 1, &c->xfr, &c->nxfr, &c->xfr_keys,
					  &c->nxfr_keys, msg, msgsz);
	} else if (strcmp(key, "query-log") == 0) {
		if (n != 2)
			snprintf(msg, msgsz, "expected: query-log stderr|off|FILE");
		else {
			free(c->query_log);
			c->query_log = strcmp(w[1], "off") == 0 ? NULL : strdup(w[1]);
			if (strcmp(w[1], "off") != 0 && c->query_log == NULL)
				snprintf(msg, msgsz, "out of memory");
		}
	} else if (strcmp(key, "region") == 0) {
		add_region(c, w, n, msg, msgsz);
	} else if (strcmp(key, "region-delay") == 0) {
		add_delay(c, w, n, r->line, msg, msgsz);
	} else if (strcmp(key, "policy-key") == 0) {
		add_policy_key(c, w, n, msg, msgsz);
	} else if (strcmp(key, "identity") == 0) {
		if (n != 2)
			snprintf(msg, msgsz, "expected: identity NAME");
		else {
			free(c->identity);
			if ((c->identity = strdup(w[1])) == NULL)
				snprintf(msg, msgsz, "out of memory");
		}
	} else {
		snprintf(msg, msgsz,
			 "unknown setting \"%s\" (known: listen, zone, view, answer-cache, "
			 "max-udp-size, " CONF_TCP_KEYS ", "
			 "rate-limit, rate-limit-slip, allow-transfer, query-log, "
			 "identity, tsig-key, ixfr-journal, alias-resolver, primary, notify, "
			 "allow-update, policy, region, region-delay, policy-key)", key);
	}
}

bool auth_config_parse(auth_config *c, const char *file, const char *text,
		       size_t len, char *err, size_t errsz)
{
	/* The reader holds a whole line's words: too big for the stack. */
	conf_reader *r = malloc(sizeof *r);
	if (r == NULL) {
		snprintf(err, errsz, "%s: out of memory", file);
		return false;
	}
	conf_reader_init(r, file, text, len, "view policy");
	char msg[512];
	int rc;
	while ((rc = conf_reader_next(r, err, errsz)) > 0) {
		msg[0] = '\0';
		parse_line(c, r, msg, sizeof msg);
		if (msg[0]) {
			conf_error(r, err, errsz, "%s", msg);
			rc = -1;
			break;
		}
	}
	free(r);
	if (rc == 0) {
		unsigned line = 0;
		msg[0] = '\0';
		check_policies(c, &line, msg, sizeof msg);
		if (msg[0]) {
			if (line)
				snprintf(err, errsz, "%s:%u: %s", file, line, msg);
			else
				snprintf(err, errsz, "%s: %s", file, msg);
			return false;
		}
	}
	return rc == 0;
}

/* ---- writing ----------------------------------------------------------- */

static void write_peers(conf_writer *w, const char *indent, const char *key,
			const char *origin, const auth_peer_conf *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char a[80];
		conf_format_addr(&p[i].addr, a, sizeof a);
		const char *words[] = { origin, a, "key", p[i].key };
		conf_write_line(w, indent, key, words, p[i].key ? 4 : 2);
	}
}

/* "key NAME" pairs after `key`, one line. */
static void write_keys(conf_writer *w, const char *indent, const char *key,
		       char *const *keys, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *words[] = { "key", keys[i] };
		conf_write_line(w, indent, key, words, 2);
	}
}

static void write_zones(conf_writer *w, const char *indent, const auth_view_conf *vc)
{
	for (size_t z = 0; z < vc->nzones; z++) {
		const auth_zone_conf *zc = &vc->zones[z];
		const char *words[] = { zc->origin, zc->file };
		conf_write_line(w, indent, "zone", words, 2);
		write_peers(w, indent, "primary", zc->origin, zc->primaries, zc->nprimaries);
		write_peers(w, indent, "notify", zc->origin, zc->notify, zc->nnotify);
		if (zc->nupdate_keys) {
			const char *upd[CONF_WORDS_MAX - 2];
			size_t k = 0;
			upd[k++] = zc->origin;
			for (size_t i = 0; i < zc->nupdate_keys && k < CONF_WORDS_MAX - 2; i++)
				upd[k++] = zc->update_keys[i];
			conf_write_line(w, indent, "allow-update", upd, k);
		}
	}
}

static void write_policies(conf_writer *w, const auth_config *c)
{
	for (size_t i = 0; i < c->nregions; i++) {
		const auth_region_conf *rc = &c->regions[i];
		if (rc->nprefixes == 0)
			conf_write_line(w, "", "region", (const char *const *)&rc->name, 1);
		else {
			char key[80];
			snprintf(key, sizeof key, "region %s", rc->name);
			conf_write_list(w, "", key, rc->prefixes, rc->nprefixes, conf_prefix_item);
		}
	}
	for (size_t i = 0; i < c->ndelays; i++)
		conf_printf(w, "region-delay %s %s %u\n", c->delays[i].a, c->delays[i].b,
			    c->delays[i].ms);
	for (size_t i = 0; i < c->npolicy_keys; i++) {
		const char *words[] = { c->policy_keys[i].origin, c->policy_keys[i].file };
		conf_write_line(w, "", "policy-key", words, 2);
	}
	for (size_t i = 0; i < c->npolicies; i++) {
		const auth_policy_conf *pc = &c->policies[i];
		conf_write_block(w, "policy", pc->name);
		conf_printf(w, "\trouting %s\n\tttl %u\n", auth_routing_name(pc->routing),
			    (unsigned)pc->ttl);
		if (pc->check == AUTH_CHECK_TCP)
			conf_printf(w, "\tcheck tcp %u\n", pc->check_port);
		else if (pc->check == AUTH_CHECK_HTTP) {
			char port[8];
			snprintf(port, sizeof port, "%u", pc->check_port);
			const char *words[] = { "http", port, pc->check_path };
			conf_write_line(w, "\t", "check", words, 3);
		}
		conf_printf(w, "\tcheck-interval %u\n\tcheck-threshold %u\n", pc->check_interval,
			    pc->check_threshold);
		for (size_t k = 0; k < pc->nanswers; k++) {
			const auth_policy_answer *a = &pc->answers[k];
			char addr[INET6_ADDRSTRLEN + 8], num[16];
			net_addr_format_host((const struct sockaddr *)&a->addr.ss, addr, sizeof addr);
			const char *words[3] = { addr };
			size_t nw = 1;
			switch (pc->routing) {
			case AUTH_ROUTE_WEIGHTED:
				snprintf(num, sizeof num, "%u", a->weight);
				words[nw++] = "weight";
				words[nw++] = num;
				break;
			case AUTH_ROUTE_FAILOVER:
				words[nw++] = a->secondary ? "secondary" : "primary";
				break;
			case AUTH_ROUTE_GEOLOCATION:
			case AUTH_ROUTE_LATENCY:
				if (a->region) {
					words[nw++] = "region";
					words[nw++] = a->region;
				} else {
					words[nw++] = "default";
				}
				break;
			case AUTH_ROUTE_MULTIVALUE:
				break;
			}
			conf_write_line(w, "\t", "answer", words, nw);
		}
		conf_write_block_end(w);
	}
}

char *auth_config_write(const auth_config *c, char *err, size_t errsz)
{
	conf_writer w;
	conf_writer_init(&w);
	conf_write_addrs(&w, "listen", c->listen, c->nlisten);
	conf_printf(&w, "max-udp-size %zu\nanswer-cache %zu\n", c->max_udp, c->answer_cache);
	conf_tcp_write(&w, &c->tcp);
	conf_printf(&w, "rate-limit %u\nrate-limit-slip %u\n", c->rate_limit,
		    c->rate_slip);
	conf_write_list(&w, "", "allow-transfer", c->xfr, c->nxfr, conf_prefix_item);
	write_keys(&w, "", "allow-transfer", c->xfr_keys, c->nxfr_keys);
	conf_printf(&w, "ixfr-journal %zu\n", c->journal);
	for (size_t k = 0; k < c->nkeys; k++) {
		const char *words[] = { c->keys[k].name, c->keys[k].alg, c->keys[k].secret };
		conf_write_line(&w, "", "tsig-key", words, 3);
	}
	const char *qlog = c->query_log ? c->query_log : "off";
	conf_write_line(&w, "", "query-log", &qlog, 1);
	if (c->identity)
		conf_write_line(&w, "", "identity", (const char *const *)&c->identity, 1);
	if (c->has_alias_resolver)
		conf_write_addrs(&w, "alias-resolver", &c->alias_resolver, 1);
	if (c->nviews > 0)
		write_zones(&w, "", &c->views[0]);
	for (size_t v = 1; v < c->nviews; v++) {
		const auth_view_conf *vc = &c->views[v];
		conf_write_block(&w, "view", vc->name);
		conf_write_list(&w, "\t", "match", vc->match, vc->nmatch, conf_prefix_item);
		write_keys(&w, "\t", "match", vc->match_keys, vc->nmatch_keys);
		write_zones(&w, "\t", vc);
		conf_write_block_end(&w);
	}
	write_policies(&w, c);
	return conf_writer_finish(&w, err, errsz);
}

bool auth_config_del_policy(auth_config *c, const char *name)
{
	dns_name want;
	if (dns_name_from_text(&want, name, strlen(name), dns_name_root) != DNS_OK)
		return false;
	for (size_t i = 0; i < c->npolicies; i++) {
		dns_name have;
		if (dns_name_from_text(&have, c->policies[i].name, strlen(c->policies[i].name),
				       dns_name_root) != DNS_OK || !dns_name_equal(have.data, want.data))
			continue;
		free_policy(&c->policies[i]);
		/* The others keep their order: the file is written back as read. */
		memmove(&c->policies[i], &c->policies[i + 1],
			(c->npolicies - i - 1) * sizeof c->policies[0]);
		c->npolicies--;
		return true;
	}
	return false;
}
