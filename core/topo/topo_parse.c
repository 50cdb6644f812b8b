/* From a topology file's TOML to the model.  Strict: every key must be
 * one this file knows (a misspelt one is an error that names the nearest
 * known key), every value must have the expected type. */
#include "topo/topo.h"

#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"
#include "dnssec/key.h"
#include "toml/toml.h"
#include "topo/anycast.h"
#include "topo/impair.h"
#include "topo/machines.h"
#include "util/array.h"

typedef struct parser {
	topo *t;
	const char *path;
	char *err;
	size_t errsz;
} parser;

static bool fail(parser *p, const toml_value *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void topo_vfail(char *err, size_t errsz, const char *path, const struct toml_value *at,
		const char *fmt, va_list ap)
{
	char msg[384];
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (at)
		snprintf(err, errsz, "%s:%u:%u: %s", path, at->line, at->col, msg);
	else
		snprintf(err, errsz, "%s: %s", path, msg);
}

static bool fail(parser *p, const toml_value *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	topo_vfail(p->err, p->errsz, p->path, at, fmt, ap);
	va_end(ap);
	return false;
}

/* Edit distance, for "did you mean" suggestions on short keys. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 40 || lb > 40)
		return 99;
	size_t row[41];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* Every key of `tab` must be in `known` (NULL-terminated). */
static bool check_keys(parser *p, const toml_value *tab, const char *where,
		       const char *const *known)
{
	for (size_t i = 0; i < tab->u.tab.n; i++) {
		const char *key = tab->u.tab.kv[i].key;
		bool ok = false;
		const char *best = NULL;
		size_t bestd = 99;
		for (const char *const *k = known; *k; k++) {
			if (strcmp(key, *k) == 0) {
				ok = true;
				break;
			}
			size_t d = edit_distance(key, *k);
			if (d < bestd) {
				bestd = d;
				best = *k;
			}
		}
		if (ok)
			continue;
		const toml_value *v = tab->u.tab.kv[i].value;
		if (best && bestd <= 2 + strlen(key) / 4)
			return fail(p, v, "unknown key \"%s\" in %s (did you mean \"%s\"?)",
				    key, where, best);
		char list[256] = "";
		for (const char *const *k = known; *k; k++) {
			size_t used = strlen(list);
			snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", *k);
		}
		return fail(p, v, "unknown key \"%s\" in %s (known keys: %s)", key, where, list);
	}
	return true;
}

static const char *type_name(toml_type t)
{
	switch (t) {
	case TOML_STRING: return "a string";
	case TOML_INTEGER: return "an integer";
	case TOML_FLOAT: return "a number";
	case TOML_BOOL: return "true or false";
	case TOML_ARRAY: return "an array";
	case TOML_TABLE: return "a table";
	}
	return "a value";
}

static bool want(parser *p, const toml_value *v, toml_type type, const char *what)
{
	if (v->type == type)
		return true;
	return fail(p, v, "%s must be %s, not %s", what, type_name(type), type_name(v->type));
}

static bool dup_string(parser *p, const toml_value *v, const char *what, char **out)
{
	if (!want(p, v, TOML_STRING, what))
		return false;
	if (strlen(v->u.s.ptr) != v->u.s.len)
		return fail(p, v, "%s must not contain NUL characters", what);
	free(*out);
	*out = strdup(v->u.s.ptr);
	return *out != NULL || fail(p, v, "out of memory");
}

/* A string or an array of strings, as a list. */
static bool string_list(parser *p, const toml_value *v, const char *what,
			char ***out, size_t *n)
{
	if (v->type == TOML_STRING) {
		char **slot = array_grow(out, n, sizeof *slot);
		return slot && dup_string(p, v, what, slot);
	}
	if (!want(p, v, TOML_ARRAY, what))
		return false;
	for (size_t i = 0; i < v->u.arr.n; i++) {
		char **slot = array_grow(out, n, sizeof *slot);
		if (slot == NULL)
			return fail(p, v, "out of memory");
		if (!dup_string(p, v->u.arr.items[i], what, slot))
			return false;
	}
	return true;
}

static bool name_ok(parser *p, const toml_value *at, const char *kind, const char *name)
{
	if (topo_name_ok(name))
		return true;
	return fail(p, at, "%s name \"%s\" is not usable: use at most %d letters, "
		    "digits and '-', starting with a letter or digit",
		    kind, name, TOPO_NAME_MAX);
}

/* A path as written in the topology, relative to the topology's folder. */
static char *resolve_path(const topo *t, const char *file)
{
	if (file[0] == '/')
		return strdup(file);
	size_t n = strlen(t->dir) + strlen(file) + 2;
	char *s = malloc(n);
	if (s)
		snprintf(s, n, "%s/%s", t->dir, file);
	return s;
}

/* [sim] reverse = true|false: whether the sim derives reverse zones. */
static bool parse_sim_reverse(parser *p, const toml_value *v)
{
	const toml_value *x = toml_get(v, "reverse");
	if (x == NULL)
		return true;
	if (!want(p, x, TOML_BOOL, "sim.reverse"))
		return false;
	p->t->no_reverse = !x->u.b;
	return true;
}

/* dnssec = "nsec" | "nsec3" | "off". */
static bool parse_dnssec_mode(parser *p, const toml_value *v, const char *what,
			      topo_dnssec *out)
{
	if (!want(p, v, TOML_STRING, what))
		return false;
	const char *s = v->u.s.ptr;
	if (strcmp(s, "nsec") == 0)
		*out = TOPO_DNSSEC_NSEC;
	else if (strcmp(s, "nsec3") == 0)
		*out = TOPO_DNSSEC_NSEC3;
	else if (strcmp(s, "off") == 0)
		*out = TOPO_DNSSEC_OFF;
	else
		return fail(p, v, "%s = \"%s\": sign with \"nsec\" or \"nsec3\", or \"off\"",
			    what, s);
	return true;
}

/* An algorithm by mnemonic ("ECDSAP256SHA256") or number (13). */
static bool parse_algorithm(parser *p, const toml_value *v, const char *what, uint8_t *out)
{
	char text[32];
	if (v->type == TOML_INTEGER)
		snprintf(text, sizeof text, "%lld", (long long)v->u.i);
	else if (v->type == TOML_STRING && v->u.s.len < sizeof text)
		snprintf(text, sizeof text, "%s", v->u.s.ptr);
	else
		return fail(p, v, "%s must be an algorithm name or number", what);
	if (dnssec_algorithm_from_text(text, strlen(text), out) != DNS_OK)
		return fail(p, v, "%s = %s: the algorithms are RSASHA256 (8), "
			    "ECDSAP256SHA256 (13) and ED25519 (15)", what, text);
	return true;
}

static bool parse_sim_dnssec(parser *p, const toml_value *v)
{
	const toml_value *x = toml_get(v, "dnssec");
	if (x && !parse_dnssec_mode(p, x, "sim.dnssec", &p->t->dnssec))
		return false;
	x = toml_get(v, "dnssec_algorithm");
	return x == NULL ||
	       parse_algorithm(p, x, "sim.dnssec_algorithm", &p->t->dnssec_algorithm);
}

/* [zone."ORIGIN"]: one zone's own settings, whichever nodes serve it. */
/* ---- routing policies ([[zone."ORIGIN".policy]]) ------------------------------ */

static const char *const routings[] = { "weighted", "failover", "geolocation", "latency",
					"multivalue", NULL };

/* An integer key of a table within [min, max]; *out untouched when absent. */
static bool int_key(parser *p, const toml_value *tab, const char *key, long min, long max,
		    const char *who, long *out)
{
	const toml_value *x = toml_get(tab, key);
	if (x == NULL)
		return true;
	if (x->type != TOML_INTEGER || x->u.i < min || x->u.i > max)
		return fail(p, x, "%s: %s must be a whole number from %ld to %ld", who, key, min,
			    max);
	*out = (long)x->u.i;
	return true;
}

/* Is `name` a region of the topology: a network's or an anycast
 * instance's? */
static bool region_known(const topo *t, const char *name)
{
	for (size_t i = 0; i < t->nnetworks; i++)
		if (t->networks[i].region && strcmp(t->networks[i].region, name) == 0)
			return true;
	for (size_t i = 0; i < t->nnodes; i++)
		if (t->nodes[i].region && strcmp(t->nodes[i].region, name) == 0)
			return true;
	return false;
}

static bool parse_policy_answer(parser *p, topo_policy *pol, const toml_value *v,
				const char *who)
{
	static const char *const known[] = { "node", "address", "weight", "failover", "region",
					     "default", NULL };
	if (!want(p, v, TOML_TABLE, "a policy answer ({ node = \"NODE\", ... })") ||
	    !check_keys(p, v, "a policy answer", known))
		return false;
	topo_policy_answer *a = array_grow(&pol->answers, &pol->nanswers, sizeof *a);
	if (a == NULL)
		return fail(p, v, "out of memory");
	a->line = v->line;
	a->weight = -1;
	const toml_value *node = toml_get(v, "node"), *addr = toml_get(v, "address");
	if ((node == NULL) == (addr == NULL))
		return fail(p, v, "%s: an answer gives node = \"NODE\" (its addresses) or "
			    "address = \"ADDRESS\", one of the two", who);
	if (node) {
		if (!dup_string(p, node, "node", &a->node))
			return false;
		if (topo_node_find(p->t, a->node) == NULL)
			return fail(p, node, "%s: no node %s in the topology", who, a->node);
	} else {
		net_addr na;
		if (!dup_string(p, addr, "address", &a->address))
			return false;
		if (strchr(a->address, '@') || !net_addr_parse(a->address, 0, &na))
			return fail(p, addr, "%s: \"%s\" is not an IPv4 or IPv6 address", who,
				    a->address);
	}
	bool weighted = strcmp(pol->routing, "weighted") == 0;
	bool failover = strcmp(pol->routing, "failover") == 0;
	bool placed = strcmp(pol->routing, "geolocation") == 0 ||
		      strcmp(pol->routing, "latency") == 0;
	const toml_value *x;
	if ((x = toml_get(v, "weight")) && !weighted)
		return fail(p, x, "%s: weight is for weighted routing", who);
	if (!int_key(p, v, "weight", 0, 1000000, who, &a->weight))
		return false;
	if ((x = toml_get(v, "failover"))) {
		if (!failover)
			return fail(p, x, "%s: failover is for failover routing", who);
		if (x->type != TOML_STRING || (strcmp(x->u.s.ptr, "primary") != 0 &&
					       strcmp(x->u.s.ptr, "secondary") != 0))
			return fail(p, x, "%s: failover must be \"primary\" or \"secondary\"", who);
		a->primary = x->u.s.ptr[0] == 'p';
		a->secondary = !a->primary;
	} else if (failover) {
		return fail(p, v, "%s: say failover = \"primary\" or \"secondary\"", who);
	}
	const toml_value *region = toml_get(v, "region"), *def = toml_get(v, "default");
	if ((region || def) && !placed)
		return fail(p, region ? region : def, "%s: region and default are for "
			    "geolocation and latency routing", who);
	if (def && (!want(p, def, TOML_BOOL, "default") || !def->u.b))
		return def->type == TOML_BOOL ? fail(p, def, "%s: default = true, or leave it out",
						     who) : false;
	a->is_default = def != NULL;
	if (region) {
		if (def)
			return fail(p, region, "%s: an answer has a region or is the default, "
				    "not both", who);
		if (!dup_string(p, region, "region", &a->region))
			return false;
		if (!region_known(p->t, a->region))
			return fail(p, region, "%s: no region %s in the topology (regions are "
				    "named by networks' and anycast instances' region keys)", who,
				    a->region);
	} else if (placed && !def) {
		return fail(p, v, "%s: give the answer region = \"NAME\" or default = true", who);
	}
	return true;
}

static bool parse_check(parser *p, topo_policy *pol, const toml_value *v, const char *who)
{
	static const char *const known[] = { "tcp", "http", "path", "interval", "threshold",
					     NULL };
	if (!want(p, v, TOML_TABLE, "check ({ http = PORT } or { tcp = PORT })") ||
	    !check_keys(p, v, "check", known))
		return false;
	const toml_value *tcp = toml_get(v, "tcp"), *http = toml_get(v, "http");
	if ((tcp == NULL) == (http == NULL))
		return fail(p, v, "%s: a check is { http = PORT } or { tcp = PORT }", who);
	if ((pol->check = strdup(tcp ? "tcp" : "http")) == NULL)
		return fail(p, v, "out of memory");
	if (!int_key(p, v, tcp ? "tcp" : "http", 1, 65535, who, &pol->check_port) ||
	    !int_key(p, v, "interval", 1, 3600, who, &pol->check_interval) ||
	    !int_key(p, v, "threshold", 1, 10, who, &pol->check_threshold))
		return false;
	const toml_value *path = toml_get(v, "path");
	if (path) {
		if (tcp)
			return fail(p, path, "%s: path is for http checks", who);
		if (!dup_string(p, path, "path", &pol->check_path))
			return false;
		if (pol->check_path[0] != '/' || strpbrk(pol->check_path, " \t\r\n#{}"))
			return fail(p, path, "%s: path must start with '/' and hold no blanks", who);
	}
	return true;
}

static bool parse_policy(parser *p, topo_zone_conf *z, const toml_value *v)
{
	static const char *const known[] = { "name", "routing", "ttl", "check", "answers", NULL };
	if (!want(p, v, TOML_TABLE, "a policy ([[zone.\"ORIGIN\".policy]])") ||
	    !check_keys(p, v, "a policy", known))
		return false;
	topo_policy *pol = array_grow(&z->policies, &z->npolicies, sizeof *pol);
	if (pol == NULL)
		return fail(p, v, "out of memory");
	pol->line = v->line;
	pol->ttl = pol->check_port = pol->check_interval = pol->check_threshold = -1;
	const toml_value *name = toml_get(v, "name");
	if (name == NULL)
		return fail(p, v, "zone %s: a policy needs name = \"NAME\" (the name it "
			    "answers, e.g. \"www\")", z->origin);
	char *written = NULL;
	if (!dup_string(p, name, "name", &written))
		return false;
	/* Relative to the zone, as in its zone file; "@" is the apex. */
	char full[DNS_NAME_MAXTEXT + 8];
	size_t wl = strlen(written);
	if (strcmp(written, "@") == 0)
		snprintf(full, sizeof full, "%s", z->origin);
	else if (wl && written[wl - 1] == '.')
		snprintf(full, sizeof full, "%s", written);
	else
		snprintf(full, sizeof full, "%s.%s", written, z->origin);
	free(written);
	dns_name n, o;
	if (dns_name_from_text(&n, full, strlen(full), dns_name_root) != DNS_OK ||
	    dns_name_from_text(&o, z->origin, strlen(z->origin), dns_name_root) != DNS_OK)
		return fail(p, name, "zone %s: \"%s\" is not a domain name", z->origin, full);
	if (!dns_name_is_subdomain(n.data, o.data))
		return fail(p, name, "zone %s: %s is not in the zone", z->origin, full);
	if ((pol->name = strdup(full)) == NULL)
		return fail(p, v, "out of memory");
	size_t fl = strlen(pol->name);
	if (fl > 1 && pol->name[fl - 1] != '.' && (pol->name = realloc(pol->name, fl + 2))) {
		pol->name[fl] = '.';
		pol->name[fl + 1] = '\0';
	}
	if (pol->name == NULL)
		return fail(p, v, "out of memory");
	for (size_t i = 0; i + 1 < z->npolicies; i++) {
		dns_name other;
		if (dns_name_from_text(&other, z->policies[i].name, strlen(z->policies[i].name),
				       dns_name_root) == DNS_OK && dns_name_equal(other.data, n.data))
			return fail(p, name, "zone %s: two policies for %s (line %u has one)",
				    z->origin, pol->name, z->policies[i].line);
	}
	char who[DNS_NAME_MAXTEXT + 16];
	snprintf(who, sizeof who, "policy %s", pol->name);
	const toml_value *routing = toml_get(v, "routing");
	if (routing == NULL)
		return fail(p, v, "%s: give routing = \"weighted\", \"failover\", "
			    "\"geolocation\", \"latency\" or \"multivalue\"", who);
	if (!dup_string(p, routing, "routing", &pol->routing))
		return false;
	size_t r = 0;
	while (routings[r] && strcmp(routings[r], pol->routing) != 0)
		r++;
	if (routings[r] == NULL)
		return fail(p, routing, "%s: routing \"%s\" is not one of weighted, failover, "
			    "geolocation, latency, multivalue", who, pol->routing);
	if (!int_key(p, v, "ttl", 0, 604800, who, &pol->ttl))
		return false;
	const toml_value *x = toml_get(v, "check");
	if (x && !parse_check(p, pol, x, who))
		return false;
	const toml_value *answers = toml_get(v, "answers");
	if (answers == NULL || !want(p, answers, TOML_ARRAY, "answers") || answers->u.arr.n == 0)
		return answers && answers->type != TOML_ARRAY ? false
			: fail(p, answers ? answers : v, "%s: give its answers = [ { node = "
			       "\"NODE\", ... }, ... ]", who);
	for (size_t i = 0; i < answers->u.arr.n; i++)
		if (!parse_policy_answer(p, pol, answers->u.arr.items[i], who))
			return false;
	if (strcmp(pol->routing, "failover") == 0) {
		bool primary = false;
		for (size_t i = 0; i < pol->nanswers; i++)
			primary = primary || pol->answers[i].primary;
		if (!primary)
			return fail(p, answers, "%s: no answer is the primary", who);
	}
	return true;
}

static bool parse_zone_conf(parser *p, const char *origin, const toml_value *v)
{
	static const char *const known[] = { "dnssec", "algorithm", "ksk", "zsk", "policy", NULL };
	char where[300];
	snprintf(where, sizeof where, "[zone.\"%.250s\"]", origin);
	if (!want(p, v, TOML_TABLE, where) || !check_keys(p, v, where, known))
		return false;
	topo_zone_conf *z = array_grow(&p->t->zconf, &p->t->nzconf, sizeof *z);
	if (z == NULL || (z->origin = strdup(origin)) == NULL)
		return fail(p, v, "out of memory");
	z->line = v->line;
	const toml_value *x = toml_get(v, "dnssec");
	if (x) {
		z->has_dnssec = true;
		if (!parse_dnssec_mode(p, x, "dnssec", &z->dnssec))
			return false;
	}
	if ((x = toml_get(v, "algorithm")) && !parse_algorithm(p, x, "algorithm", &z->algorithm))
		return false;
	const char *files[2] = { "ksk", "zsk" };
	char **slots[2] = { &z->ksk, &z->zsk };
	for (int i = 0; i < 2; i++) {
		if ((x = toml_get(v, files[i])) == NULL)
			continue;
		char *written = NULL;
		if (!dup_string(p, x, files[i], &written))
			return false;
		*slots[i] = resolve_path(p->t, written);
		free(written);
		if (*slots[i] == NULL)
			return fail(p, x, "out of memory");
	}
	if ((z->ksk == NULL) != (z->zsk == NULL))
		return fail(p, v, "zone %s: give both ksk and zsk (private-key files), or "
			    "neither to have keys made at up", origin);
	if ((x = toml_get(v, "policy"))) {
		if (x->type == TOML_TABLE)
			return parse_policy(p, z, x);
		if (!want(p, x, TOML_ARRAY, "policy ([[zone.\"ORIGIN\".policy]])"))
			return false;
		for (size_t i = 0; i < x->u.arr.n; i++)
			if (!parse_policy(p, z, x->u.arr.items[i]))
				return false;
	}
	return true;
}

static bool parse_sim(parser *p, const toml_value *v, char **zonedir)
{
	static const char *const known[] = { "name", "zones", "reverse", "dnssec",
					     "dnssec_algorithm", "machines", "vni_base", NULL };
	if (!want(p, v, TOML_TABLE, "[sim]") || !check_keys(p, v, "[sim]", known))
		return false;
	const toml_value *name = toml_get(v, "name");
	if (name) {
		if (!want(p, name, TOML_STRING, "sim.name") ||
		    !name_ok(p, name, "sim", name->u.s.ptr))
			return false;
		snprintf(p->t->name, sizeof p->t->name, "%s", name->u.s.ptr);
	}
	const toml_value *zones = toml_get(v, "zones");
	if (zones && !dup_string(p, zones, "sim.zones", zonedir))
		return false;
	return parse_sim_reverse(p, v) && parse_sim_dnssec(p, v);
}

/* [network.NAME] reverse = "NODE" or ["NODE", ...]: the servers of the
 * network's reverse zones (checked against the nodes by topo_check). */
static bool parse_network_reverse(parser *p, topo_network *n, const toml_value *v)
{
	const toml_value *x = toml_get(v, "reverse");
	if (x == NULL)
		return true;
	n->reverse_line = x->line;
	if (!string_list(p, x, "reverse (a node name)", &n->reverse, &n->nreverse))
		return false;
	if (n->nreverse == 0)
		return fail(p, x, "network %s: reverse names no node (leave it out to have "
			    "the root servers serve the network's reverse zones)", n->name);
	return true;
}

/* The link keys of a table (delay, jitter, loss, rate: strings in tc's
 * units) into im; `who` starts each message ("network wan", "node a:
 * link lan"). */
static bool parse_impair(parser *p, const toml_value *tab, const char *who, topo_impair *im)
{
	for (size_t i = 0; impair_keys[i]; i++) {
		const toml_value *x = toml_get(tab, impair_keys[i]);
		if (x == NULL)
			continue;
		if (x->type != TOML_STRING || strlen(x->u.s.ptr) != x->u.s.len)
			return fail(p, x, "%s: %s must be a string like %s, not %s", who,
				    impair_keys[i], i < 2 ? "\"20ms\"" : i == 2 ? "\"1%\"" : "\"10mbit\"",
				    x->type == TOML_STRING ? "one with NUL characters" : type_name(x->type));
		char why[300];
		if (!impair_set(im, impair_keys[i], x->u.s.ptr, why, sizeof why))
			return fail(p, x, "%s: %s", who, why);
	}
	return true;
}

static bool parse_network(parser *p, const char *name, const toml_value *v)
{
	static const char *const known[] = { "ipv4", "ipv6", "reverse", "delay", "jitter",
					     "loss", "rate", "region", NULL };
	char where[80];
	snprintf(where, sizeof where, "[network.%s]", name);
	if (!name_ok(p, v, "network", name) || !want(p, v, TOML_TABLE, where) ||
	    !check_keys(p, v, where, known))
		return false;
	topo_network *n = array_grow(&p->t->networks, &p->t->nnetworks, sizeof *n);
	if (n == NULL)
		return fail(p, v, "out of memory");
	snprintf(n->name, sizeof n->name, "%s", name);
	n->line = v->line;
	const char *keys[2] = { "ipv4", "ipv6" };
	for (int i = 0; i < 2; i++) {
		const toml_value *pv = toml_get(v, keys[i]);
		if (pv == NULL)
			continue;
		if (!want(p, pv, TOML_STRING, keys[i]))
			return false;
		net_prefix *pfx = i == 0 ? &n->v4 : &n->v6;
		const char *text = pv->u.s.ptr, *slash = strchr(text, '/');
		const char *example = i == 0 ? "198.51.100.0/24" : "2001:db8:1::/64";
		char addr[64];
		net_addr a;
		snprintf(addr, sizeof addr, "%.*s", slash ? (int)(slash - text) : 63, text);
		if (slash == NULL || !net_addr_parse(addr, 0, &a) || strchr(addr, '@'))
			return fail(p, pv, "network %s: \"%s\" is not a prefix like %s",
				    name, text, example);
		char *end;
		long len = strtol(slash + 1, &end, 10);
		long max = a.ss.ss_family == AF_INET ? 32 : 128;
		if (*end || end == slash + 1 || len < 0 || len > max)
			return fail(p, pv, "network %s: \"%s\": the prefix length must be "
				    "0..%ld", name, text, max);
		if (!net_prefix_parse(text, pfx))
			return fail(p, pv, "network %s: \"%s\" has host bits set after /%ld "
				    "(write it like %s)", name, text, len, example);
		if (pfx->family != (i == 0 ? AF_INET : AF_INET6))
			return fail(p, pv, "network %s: %s = \"%s\" is not an %s prefix",
				    name, keys[i], pv->u.s.ptr, i == 0 ? "IPv4" : "IPv6");
		if ((i == 0 && pfx->bits > 30) || (i == 1 && pfx->bits > 126))
			return fail(p, pv, "network %s: prefix %s leaves no room for hosts",
				    name, pv->u.s.ptr);
		if (i == 0)
			n->has_v4 = true;
		else
			n->has_v6 = true;
	}
	if (!n->has_v4 && !n->has_v6)
		return fail(p, v, "network %s has neither ipv4 nor ipv6 prefix", name);
	snprintf(where, sizeof where, "network %s", name);
	/* Problems of the defaults as a whole point at their first line. */
	for (size_t i = 0; impair_keys[i]; i++) {
		const toml_value *x = toml_get(v, impair_keys[i]);
		if (x && (n->impair_line == 0 || x->line < n->impair_line))
			n->impair_line = x->line;
	}
	if (n->impair_line == 0)
		n->impair_line = v->line;
	if (!parse_impair(p, v, where, &n->impair))
		return false;
	const toml_value *region = toml_get(v, "region");
	if (region) {
		n->region_line = region->line;
		if (!dup_string(p, region, "region", &n->region) ||
		    !name_ok(p, region, "region", n->region))
			return false;
	}
	return parse_network_reverse(p, n, v);
}

/* links = { NETWORK = { delay = "20ms", loss = "1%" } }: the node's own
 * impairment of its attachments (a network it is not on is topo_check's
 * to report, with every other problem). */
static bool parse_links(parser *p, topo_node *node, const toml_value *v)
{
	if (!want(p, v, TOML_TABLE, "links (NETWORK = { delay = \"20ms\", ... })"))
		return false;
	for (size_t i = 0; i < v->u.tab.n; i++) {
		const char *net = v->u.tab.kv[i].key;
		const toml_value *lv = v->u.tab.kv[i].value;
		size_t ni = 0;
		while (ni < p->t->nnetworks && strcmp(p->t->networks[ni].name, net) != 0)
			ni++;
		if (ni == p->t->nnetworks)
			return fail(p, lv, "node %s: links: no network named \"%s\"", node->name, net);
		char where[120];
		snprintf(where, sizeof where, "links.%s of node %s", net, node->name);
		if (!want(p, lv, TOML_TABLE, where) || !check_keys(p, lv, where, impair_keys))
			return false;
		topo_link *l = array_grow(&node->links, &node->nlinks, sizeof *l);
		if (l == NULL)
			return fail(p, lv, "out of memory");
		l->network = ni;
		l->line = lv->line;
		snprintf(where, sizeof where, "node %s: link %s", node->name, net);
		if (!parse_impair(p, lv, where, &l->impair))
			return false;
	}
	return true;
}

static bool parse_addresses(parser *p, topo_node *node, const toml_value *v)
{
	if (!want(p, v, TOML_TABLE, "addresses (network = \"address\")"))
		return false;
	for (size_t i = 0; i < v->u.tab.n; i++) {
		const char *net = v->u.tab.kv[i].key;
		const toml_value *av = v->u.tab.kv[i].value;
		size_t ni = 0;
		while (ni < p->t->nnetworks && strcmp(p->t->networks[ni].name, net) != 0)
			ni++;
		if (ni == p->t->nnetworks)
			return fail(p, av, "node %s: no network named \"%s\"", node->name, net);
		char **list = NULL;
		size_t nlist = 0;
		bool ok = string_list(p, av, "an address", &list, &nlist);
		for (size_t k = 0; ok && k < nlist; k++) {
			topo_addr *a = array_grow(&node->addrs, &node->naddrs, sizeof *a);
			if (a == NULL) {
				ok = fail(p, av, "out of memory");
				break;
			}
			a->network = ni;
			a->line = av->line;
			snprintf(a->text, sizeof a->text, "%s", list[k]);
			if (strchr(list[k], '@') || strchr(list[k], '/') ||
			    !net_addr_parse(list[k], 0, &a->addr))
				ok = fail(p, av, "node %s: \"%s\" is not an IPv4 or IPv6 address",
					  node->name, list[k]);
		}
		for (size_t k = 0; k < nlist; k++)
			free(list[k]);
		free(list);
		if (!ok)
			return false;
	}
	return true;
}

static bool add_zone(parser *p, topo_node *node, const char *origin,
		     const toml_value *file, const char *view)
{
	if (!want(p, file, TOML_STRING, "a zone file"))
		return false;
	topo_zone *z = array_grow(&node->zones, &node->nzones, sizeof *z);
	if (z == NULL)
		return fail(p, file, "out of memory");
	z->origin = strdup(origin);
	z->file = resolve_path(p->t, file->u.s.ptr);
	z->view = view ? strdup(view) : NULL;
	z->line = file->line;
	if (z->origin == NULL || z->file == NULL || (view && z->view == NULL))
		return fail(p, file, "out of memory");
	return true;
}

static bool parse_zones(parser *p, topo_node *node, const toml_value *v,
			const char *view)
{
	if (!want(p, v, TOML_TABLE, "zones (origin = \"file\")"))
		return false;
	for (size_t i = 0; i < v->u.tab.n; i++)
		if (!add_zone(p, node, v->u.tab.kv[i].key, v->u.tab.kv[i].value, view))
			return false;
	return true;
}

/* `primary = { ORIGIN = "NODE or address" }`: secondary zones, their
 * file found once every node is read (resolve_primaries). */
static bool parse_primaries(parser *p, topo_node *node, const toml_value *v, const char *view)
{
	if (!want(p, v, TOML_TABLE, "primary (origin = \"node\")"))
		return false;
	for (size_t i = 0; i < v->u.tab.n; i++) {
		const toml_value *who = v->u.tab.kv[i].value;
		if (!want(p, who, TOML_STRING, "the primary's node name or address"))
			return false;
		topo_zone *z = array_grow(&node->zones, &node->nzones, sizeof *z);
		if (z == NULL)
			return fail(p, who, "out of memory");
		z->origin = strdup(v->u.tab.kv[i].key);
		z->primary = strdup(who->u.s.ptr);
		z->view = view ? strdup(view) : NULL;
		z->line = who->line;
		if (z->origin == NULL || z->primary == NULL || (view && z->view == NULL))
			return fail(p, who, "out of memory");
	}
	return true;
}

static bool same_origin(const char *a, const char *b)
{
	dns_name x, y;
	return dns_name_from_text(&x, a, strlen(a), dns_name_root) == DNS_OK &&
	       dns_name_from_text(&y, b, strlen(b), dns_name_root) == DNS_OK &&
	       dns_name_equal(x.data, y.data);
}

/* Each secondary zone's primary: a node (by name or by one of its
 * addresses) serving the zone from a file in the view of the same name. */
static bool resolve_primaries(parser *p)
{
	topo *t = p->t;
	for (size_t i = 0; i < t->nnodes; i++) {
		topo_node *n = &t->nodes[i];
		for (size_t k = 0; k < n->nzones; k++) {
			topo_zone *z = &n->zones[k];
			if (z->primary == NULL)
				continue;
			topo_node *prim = NULL;
			for (size_t j = 0; j < t->nnodes && prim == NULL; j++) {
				if (strcmp(t->nodes[j].name, z->primary) == 0)
					prim = &t->nodes[j];
				for (size_t a = 0; a < t->nodes[j].naddrs && prim == NULL; a++)
					if (strcmp(t->nodes[j].addrs[a].text, z->primary) == 0)
						prim = &t->nodes[j];
			}
			const char *inview = z->view ? " in view " : " outside views";
			const char *vname = z->view ? z->view : "";
			if (prim == NULL || prim == n) {
				snprintf(p->err, p->errsz, "%s:%u: node %s: the primary of %s, \"%s\", %s",
					 p->path, z->line, n->name, z->origin, z->primary,
					 prim ? "is the node itself" : "is no node or address of the topology");
				return false;
			}
			const topo_zone *src = NULL;
			for (size_t j = 0; j < prim->nzones && src == NULL; j++) {
				const topo_zone *c = &prim->zones[j];
				if (same_origin(c->origin, z->origin) &&
				    (c->view ? z->view && strcmp(c->view, z->view) == 0 : z->view == NULL))
					src = c;
			}
			if (src == NULL || src->primary) {
				snprintf(p->err, p->errsz, "%s:%u: node %s: the primary of %s, %s, %s%s%s",
					 p->path, z->line, n->name, z->origin, prim->name,
					 src ? "is itself a secondary of it (name the node that serves it "
					       "from its file)" : "serves no such zone", src ? "" : inview,
					 src ? "" : vname);
				return false;
			}
			free(z->primary);
			z->primary = strdup(prim->name);
			z->file = strdup(src->file);
			z->derived = src->derived;
			if (z->primary == NULL || z->file == NULL)
				return fail(p, NULL, "out of memory");
		}
	}
	return true;
}

static bool parse_auth(parser *p, topo_node *node, const toml_value *v)
{
	static const char *const known[] = { "zones", "view", "rate_limit", "rate_limit_slip",
					     "primary", NULL };
	static const char *const view_known[] = { "name", "match", "zones", "primary", NULL };
	char where[80];
	snprintf(where, sizeof where, "[node.%s.auth]", node->name);
	if (!want(p, v, TOML_TABLE, where) || !check_keys(p, v, where, known))
		return false;
	node->service = TOPO_SVC_AUTH;
	node->rate_slip = -1;
	const char *limits[2] = { "rate_limit", "rate_limit_slip" };
	long *slots[2] = { &node->rate_limit, &node->rate_slip };
	for (int i = 0; i < 2; i++) {
		const toml_value *x = toml_get(v, limits[i]);
		if (x == NULL)
			continue;
		if (!want(p, x, TOML_INTEGER, limits[i]))
			return false;
		if (x->u.i < 0 || x->u.i > (i == 0 ? 1000000 : 100))
			return fail(p, x, "node %s: %s must be 0..%d", node->name, limits[i],
				    i == 0 ? 1000000 : 100);
		*slots[i] = (long)x->u.i;
	}
	const toml_value *zones = toml_get(v, "zones");
	if (zones && !parse_zones(p, node, zones, NULL))
		return false;
	const toml_value *prim = toml_get(v, "primary");
	if (prim && !parse_primaries(p, node, prim, NULL))
		return false;
	const toml_value *views = toml_get(v, "view");
	if (views) {
		if (!want(p, views, TOML_ARRAY, "view ([[node.NAME.auth.view]])"))
			return false;
		for (size_t i = 0; i < views->u.arr.n; i++) {
			const toml_value *vv = views->u.arr.items[i];
			snprintf(where, sizeof where, "[[node.%s.auth.view]]", node->name);
			if (!want(p, vv, TOML_TABLE, where) || !check_keys(p, vv, where, view_known))
				return false;
			topo_view *tv = array_grow(&node->views, &node->nviews, sizeof *tv);
			if (tv == NULL)
				return fail(p, vv, "out of memory");
			const toml_value *name = toml_get(vv, "name");
			const toml_value *match = toml_get(vv, "match");
			const toml_value *vz = toml_get(vv, "zones");
			const toml_value *vp = toml_get(vv, "primary");
			if (name == NULL || match == NULL || (vz == NULL && vp == NULL))
				return fail(p, vv, "node %s: a view needs name, match and zones "
					    "(or primary)", node->name);
			if (!dup_string(p, name, "view name", &tv->name) ||
			    !name_ok(p, name, "view", tv->name) ||
			    !string_list(p, match, "match prefix", &tv->match, &tv->nmatch))
				return false;
			for (size_t k = 0; k < tv->nmatch; k++) {
				net_prefix pfx;
				if (!net_prefix_parse(tv->match[k], &pfx))
					return fail(p, match, "node %s: view %s: \"%s\" is not a prefix",
						    node->name, tv->name, tv->match[k]);
			}
			if ((vz && !parse_zones(p, node, vz, tv->name)) ||
			    (vp && !parse_primaries(p, node, vp, tv->name)))
				return false;
		}
	}
	if (node->nzones == 0)
		return fail(p, v, "node %s: an auth server needs at least one zone", node->name);
	return true;
}

static bool parse_prefix_list(parser *p, topo_node *node, const toml_value *v,
			      const char *what, char ***out, size_t *n)
{
	if (!string_list(p, v, what, out, n))
		return false;
	for (size_t k = 0; k < *n; k++) {
		net_prefix pfx;
		if (!net_prefix_parse((*out)[k], &pfx))
			return fail(p, v, "node %s: \"%s\" is not a prefix", node->name, (*out)[k]);
	}
	return true;
}

static bool parse_resolver(parser *p, topo_node *node, const toml_value *v)
{
	static const char *const known[] = { "allow", "block", "sinkhole", "client_subnet",
					     "client_subnet_zones", NULL };
	char where[80];
	snprintf(where, sizeof where, "[node.%s.resolver]", node->name);
	if (!want(p, v, TOML_TABLE, where) || !check_keys(p, v, where, known))
		return false;
	node->service = TOPO_SVC_RESOLVER;
	const toml_value *x;
	if ((x = toml_get(v, "allow")) &&
	    !parse_prefix_list(p, node, x, "allow", &node->allow, &node->nallow))
		return false;
	if ((x = toml_get(v, "block")) &&
	    !string_list(p, x, "block", &node->block, &node->nblock))
		return false;
	if ((x = toml_get(v, "sinkhole"))) {
		net_addr a;
		if (!dup_string(p, x, "sinkhole", &node->sinkhole))
			return false;
		if (!net_addr_parse(node->sinkhole, 0, &a) || strchr(node->sinkhole, '@'))
			return fail(p, x, "node %s: sinkhole \"%s\" is not an address",
				    node->name, node->sinkhole);
	}
	if ((x = toml_get(v, "client_subnet"))) {
		if (!want(p, x, TOML_BOOL, "resolver.client_subnet"))
			return false;
		node->client_subnet = x->u.b;
	}
	if ((x = toml_get(v, "client_subnet_zones"))) {
		if (!string_list(p, x, "client_subnet_zones", &node->client_subnet_zones,
				 &node->nclient_subnet_zones))
			return false;
		for (size_t k = 0; k < node->nclient_subnet_zones; k++) {
			dns_name n;
			const char *z = node->client_subnet_zones[k];
			if (dns_name_from_text(&n, z, strlen(z), dns_name_root) != DNS_OK)
				return fail(p, x, "node %s: client_subnet_zones: \"%s\" is not "
					    "a domain name", node->name, z);
		}
	}
	return true;
}

static bool parse_service(parser *p, topo_node *node, const toml_value *v)
{
	static const char *const known[] = { "command", NULL };
	char where[80];
	snprintf(where, sizeof where, "[node.%s.service]", node->name);
	if (!want(p, v, TOML_TABLE, where) || !check_keys(p, v, where, known))
		return false;
	const toml_value *cmd = toml_get(v, "command");
	if (cmd == NULL || cmd->type != TOML_ARRAY || cmd->u.arr.n == 0)
		return fail(p, cmd ? cmd : v, "node %s: service.command must be a "
			    "non-empty array of strings, e.g. [\"python3\", \"-m\", "
			    "\"http.server\", \"80\"]", node->name);
	node->service = TOPO_SVC_COMMAND;
	return string_list(p, cmd, "a command word", &node->command, &node->ncommand);
}

static bool parse_client(parser *p, topo_node *node, const toml_value *v)
{
	static const char *const known[] = { "resolver", "search", "timeout",
					     "attempts", "hosts", NULL };
	char where[80];
	snprintf(where, sizeof where, "[node.%s.client]", node->name);
	if (!want(p, v, TOML_TABLE, where) || !check_keys(p, v, where, known))
		return false;
	const toml_value *x;
	/* One resolver or a list, tried in order (by glibc, or by the
	 * node's stub). */
	if ((x = toml_get(v, "resolver"))) {
		if (!string_list(p, x, "client.resolver (a node or an address)",
				 &node->resolvers, &node->nresolvers))
			return false;
		if (node->nresolvers == 0)
			return fail(p, x, "node %s: client.resolver names no resolver", node->name);
		if (node->nresolvers > 3)
			return fail(p, x, "node %s: at most 3 resolvers (glibc reads three "
				    "nameserver lines)", node->name);
	}
	if ((x = toml_get(v, "search")) &&
	    !string_list(p, x, "a search domain", &node->search, &node->nsearch))
		return false;
	if (node->nsearch > 6)
		return fail(p, x, "node %s: glibc reads at most 6 search domains", node->name);
	const char *ints[2] = { "timeout", "attempts" };
	long *slots[2] = { &node->timeout, &node->attempts };
	for (int i = 0; i < 2; i++) {
		if ((x = toml_get(v, ints[i])) == NULL)
			continue;
		if (!want(p, x, TOML_INTEGER, ints[i]))
			return false;
		if (x->u.i < 1 || x->u.i > (i == 0 ? 30 : 5))
			return fail(p, x, "node %s: %s must be 1..%d (glibc's limit)",
				    node->name, ints[i], i == 0 ? 30 : 5);
		*slots[i] = (long)x->u.i;
	}
	if ((x = toml_get(v, "hosts"))) {
		if (!want(p, x, TOML_TABLE, "client.hosts (name = \"address\")"))
			return false;
		for (size_t i = 0; i < x->u.tab.n; i++) {
			const toml_value *av = x->u.tab.kv[i].value;
			topo_hostent *h = array_grow(&node->hosts, &node->nhosts, sizeof *h);
			if (h == NULL)
				return fail(p, av, "out of memory");
			h->name = strdup(x->u.tab.kv[i].key);
			if (h->name == NULL || !dup_string(p, av, "a hosts address", &h->address))
				return false;
			net_addr a;
			if (!net_addr_parse(h->address, 0, &a) || strchr(h->address, '@'))
				return fail(p, av, "node %s: hosts entry %s: \"%s\" is not an address",
					    node->name, h->name, h->address);
			if (strspn(h->name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					    "0123456789-.") != strlen(h->name) || !h->name[0])
				return fail(p, av, "node %s: \"%s\" is not a host name",
					    node->name, h->name);
		}
	}
	return true;
}

/* `stub = "cache"`: the host's lookups go through a caching stub of its
 * own (as systemd-resolved or nscd sit between applications and the
 * resolver); "none" is the default, glibc straight to the resolvers.
 * The stub is the node's service, so a server node cannot have one. */
static bool parse_stub(parser *p, topo_node *node, const toml_value *v, const char *role)
{
	if (!want(p, v, TOML_STRING, "stub (\"cache\" or \"none\")"))
		return false;
	const char *s = v->u.s.ptr;
	if (strcmp(s, "none") == 0)
		return true;
	if (strcmp(s, "cache") != 0)
		return fail(p, v, "node %s: stub = \"%s\": the stubs are \"cache\" (a caching "
			    "stub on 127.0.0.53) and \"none\"", node->name, s);
	if (role)
		return fail(p, v, "node %s: a node runs one server; it has both %s and a stub "
			    "(give the stub to a host)", node->name, role);
	if (node->router)
		return fail(p, v, "node %s: a router has no stub (give the stub to a host)",
			    node->name);
	node->service = TOPO_SVC_STUB;
	return true;
}

/* software = "nsd": the program the node's server runs (topo/software.h;
 * whether it can take the node's role is topo_check's to say). */
static bool parse_software(parser *p, topo_node *node, const toml_value *v)
{
	if (!want(p, v, TOML_STRING, "software"))
		return false;
	if (!software_from_name(v->u.s.ptr, &node->software))
		return fail(p, v, "node %s: no program named \"%s\" (software: %s)", node->name,
			    v->u.s.ptr, software_names());
	node->software_line = v->line;
	return true;
}

/* anycast = "ADDRESS" or ["ADDRESS", ...] and region = "NAME": the node
 * is one instance of each of those service addresses.  What involves
 * other nodes (the same address on them, their networks) is
 * topo_check's. */
static bool parse_anycast(parser *p, topo_node *node, const toml_value *v,
			  const toml_value *region)
{
	node->anycast_line = v->line;
	char **list = NULL;
	size_t nlist = 0;
	bool ok = string_list(p, v, "anycast (an address)", &list, &nlist);
	if (ok && nlist == 0)
		ok = fail(p, v, "node %s: anycast names no address", node->name);
	for (size_t k = 0; ok && k < nlist; k++) {
		topo_addr *a = array_grow(&node->anycast, &node->nanycast, sizeof *a);
		if (a == NULL) {
			ok = fail(p, v, "out of memory");
			break;
		}
		a->network = SIZE_MAX;
		a->line = v->line;
		snprintf(a->text, sizeof a->text, "%s", list[k]);
		if (strchr(list[k], '@') || strchr(list[k], '/') ||
		    !net_addr_parse(list[k], 0, &a->addr))
			ok = fail(p, v, "node %s: anycast \"%s\" is not an IPv4 or IPv6 address",
				  node->name, list[k]);
		for (size_t j = 0; ok && j + 1 < node->nanycast; j++)
			if (anycast_same_addr(&node->anycast[j].addr, &a->addr))
				ok = fail(p, v, "node %s: anycast names %s twice", node->name,
					  list[k]);
	}
	for (size_t k = 0; k < nlist; k++)
		free(list[k]);
	free(list);
	if (!ok)
		return false;
	if (node->router)
		return fail(p, v, "node %s: a router cannot be an anycast instance (it forwards "
			    "to the instances; give the address to server nodes)", node->name);
	if (node->service == TOPO_SVC_NONE || node->service == TOPO_SVC_STUB)
		return fail(p, v, "node %s: an anycast instance answers on the address: give it "
			    "a server (auth, resolver or service)", node->name);
	if (region == NULL)
		return fail(p, v, "node %s: an anycast instance needs region = \"NAME\" (the "
			    "place it stands for, shown by status and graph)", node->name);
	if (!dup_string(p, region, "region", &node->region))
		return false;
	return name_ok(p, region, "region", node->region);
}

static bool parse_node(parser *p, const char *name, const toml_value *v)
{
	static const char *const known[] = { "addresses", "router", "hostname", "auth",
					     "resolver", "service", "client", "links", "stub", "software",
					     "anycast", "region", "machine", NULL };
	char where[80];
	snprintf(where, sizeof where, "[node.%s]", name);
	if (!name_ok(p, v, "node", name) || !want(p, v, TOML_TABLE, where) ||
	    !check_keys(p, v, where, known))
		return false;
	topo_node *n = array_grow(&p->t->nodes, &p->t->nnodes, sizeof *n);
	if (n == NULL)
		return fail(p, v, "out of memory");
	snprintf(n->name, sizeof n->name, "%s", name);
	n->line = v->line;
	const toml_value *x = toml_get(v, "addresses");
	if (x == NULL)
		return fail(p, v, "node %s has no addresses (addresses = { NETWORK = "
			    "\"ADDRESS\" })", name);
	if (!parse_addresses(p, n, x))
		return false;
	if (n->naddrs == 0)
		return fail(p, x, "node %s has no addresses", name);
	if ((x = toml_get(v, "router"))) {
		if (!want(p, x, TOML_BOOL, "router"))
			return false;
		n->router = x->u.b;
	}
	if ((x = toml_get(v, "hostname")) && !dup_string(p, x, "hostname", &n->hostname))
		return false;
	const char *roles[3] = { "auth", "resolver", "service" };
	const char *first = NULL;
	for (int i = 0; i < 3; i++) {
		const toml_value *r = toml_get(v, roles[i]);
		if (r == NULL)
			continue;
		if (first)
			return fail(p, r, "node %s: a node runs one server; it has both %s and %s "
				    "(make a second node)", name, first, roles[i]);
		first = roles[i];
		bool ok = i == 0 ? parse_auth(p, n, r)
			: i == 1 ? parse_resolver(p, n, r) : parse_service(p, n, r);
		if (!ok)
			return false;
	}
	if ((x = toml_get(v, "stub")) && !parse_stub(p, n, x, first))
		return false;
	if ((x = toml_get(v, "client")) && !parse_client(p, n, x))
		return false;
	if ((x = toml_get(v, "software")) && !parse_software(p, n, x))
		return false;
	if ((x = toml_get(v, "links")) && !parse_links(p, n, x))
		return false;
	const toml_value *region = toml_get(v, "region");
	if ((x = toml_get(v, "anycast")))
		return parse_anycast(p, n, x, region);
	if (region)
		return fail(p, region, "node %s: region names an anycast instance: give the node "
			    "anycast = \"ADDRESS\" too", name);
	return true;
}

bool topo_parse(topo *t, const char *path, const char *text, size_t len,
		char *err, size_t errsz)
{
	memset(t, 0, sizeof *t);
	parser p = { t, path, err, errsz };
	t->path = strdup(path);
	char *copy = strdup(path);
	if (t->path == NULL || copy == NULL) {
		free(copy);
		return fail(&p, NULL, "out of memory");
	}
	t->dir = strdup(dirname(copy));
	free(copy);
	if (t->dir == NULL)
		return fail(&p, NULL, "out of memory");

	toml_error te;
	toml_value *root = toml_parse(text, len, &te);
	if (root == NULL) {
		snprintf(err, errsz, "%s:%u:%u: %s", path, te.line, te.col, te.msg);
		return false;
	}
	static const char *const known[] = { "sim", "network", "node", "zone", "machine",
					     NULL };
	bool ok = check_keys(&p, root, "the topology (top level)", known);
	char *zonedir = NULL;
	const toml_value *x;
	if (ok && (x = toml_get(root, "sim")))
		ok = parse_sim(&p, x, &zonedir);
	if (ok && zonedir) {
		char *d = resolve_path(t, zonedir);
		ok = d != NULL || fail(&p, NULL, "out of memory");
		free(t->dir);
		t->dir = d;
	}
	free(zonedir);
	if (ok && t->name[0] == '\0') {
		/* Default sim name: the file's base name without ".toml". */
		const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		size_t n = strcspn(base, ".");
		snprintf(t->name, sizeof t->name, "%.*s", (int)n, base);
		if (!topo_name_ok(t->name))
			ok = fail(&p, NULL, "cannot use the file name as the sim's name: "
				  "set [sim] name");
	}
	if (ok && (x = toml_get(root, "network"))) {
		ok = want(&p, x, TOML_TABLE, "network ([network.NAME])");
		for (size_t i = 0; ok && i < x->u.tab.n; i++)
			ok = parse_network(&p, x->u.tab.kv[i].key, x->u.tab.kv[i].value);
	}
	if (ok && (x = toml_get(root, "node"))) {
		ok = want(&p, x, TOML_TABLE, "node ([node.NAME])");
		for (size_t i = 0; ok && i < x->u.tab.n; i++)
			ok = parse_node(&p, x->u.tab.kv[i].key, x->u.tab.kv[i].value);
	}
	if (ok && t->nnodes == 0)
		ok = fail(&p, NULL, "the topology has no nodes ([node.NAME])");
	if (ok)
		ok = resolve_primaries(&p);
	if (ok && (x = toml_get(root, "zone"))) {
		ok = want(&p, x, TOML_TABLE, "zone ([zone.\"ORIGIN\"])");
		for (size_t i = 0; ok && i < x->u.tab.n; i++)
			ok = parse_zone_conf(&p, x->u.tab.kv[i].key, x->u.tab.kv[i].value);
	}
	/* Last: the machines place nodes, all parsed by now. */
	if (ok)
		ok = machines_parse(t, root, path, err, errsz);
	toml_free(root);
	return ok;
}

bool topo_load(topo *t, const char *path, topo_read_fn read_file, void *ctx, char *err,
	       size_t errsz)
{
	char *text = NULL;
	size_t len = 0;
	int e = read_file(ctx, path, &text, &len);
	if (e != 0) {
		memset(t, 0, sizeof *t);
		snprintf(err, errsz, "%s: cannot read: %s", path, strerror(e));
		return false;
	}
	bool ok = topo_parse(t, path, text, len, err, errsz);
	free(text);
	return ok;
}

static void free_list(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

void topo_free(topo *t)
{
	for (size_t i = 0; i < t->nnodes; i++) {
		topo_node *n = &t->nodes[i];
		free(n->addrs);
		free(n->hostname);
		for (size_t k = 0; k < n->nzones; k++) {
			free(n->zones[k].origin);
			free(n->zones[k].file);
			free(n->zones[k].view);
			free(n->zones[k].primary);
		}
		free(n->zones);
		for (size_t k = 0; k < n->nviews; k++) {
			free(n->views[k].name);
			free_list(n->views[k].match, n->views[k].nmatch);
		}
		free(n->views);
		free_list(n->allow, n->nallow);
		free_list(n->block, n->nblock);
		free(n->sinkhole);
		free_list(n->client_subnet_zones, n->nclient_subnet_zones);
		free_list(n->command, n->ncommand);
		free_list(n->resolvers, n->nresolvers);
		free_list(n->search, n->nsearch);
		for (size_t k = 0; k < n->nhosts; k++) {
			free(n->hosts[k].name);
			free(n->hosts[k].address);
		}
		free(n->hosts);
		free(n->links);
		free(n->anycast);
		free(n->region);
	}
	free(t->nodes);
	for (size_t i = 0; i < t->nnetworks; i++) {
		free_list(t->networks[i].reverse, t->networks[i].nreverse);
		free(t->networks[i].region);
	}
	for (size_t i = 0; i < t->nzconf; i++) {
		for (size_t k = 0; k < t->zconf[i].npolicies; k++) {
			topo_policy *pol = &t->zconf[i].policies[k];
			for (size_t j = 0; j < pol->nanswers; j++) {
				free(pol->answers[j].node);
				free(pol->answers[j].address);
				free(pol->answers[j].region);
			}
			free(pol->answers);
			free(pol->name);
			free(pol->routing);
			free(pol->check);
			free(pol->check_path);
		}
		free(t->zconf[i].policies);
		free(t->zconf[i].origin);
		free(t->zconf[i].ksk);
		free(t->zconf[i].zsk);
	}
	free(t->zconf);
	for (size_t i = 0; i < t->nmachines; i++)
		free(t->machines[i].ssh);
	free(t->machines);
	free(t->networks);
	free(t->path);
	free(t->dir);
	memset(t, 0, sizeof *t);
}

bool topo_name_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > TOPO_NAME_MAX || name[0] == '-')
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

const topo_node *topo_node_find(const topo *t, const char *name)
{
	for (size_t i = 0; i < t->nnodes; i++)
		if (strcmp(t->nodes[i].name, name) == 0)
			return &t->nodes[i];
	return NULL;
}

const topo_network *topo_network_find(const topo *t, const char *name)
{
	for (size_t i = 0; i < t->nnetworks; i++)
		if (strcmp(t->networks[i].name, name) == 0)
			return &t->networks[i];
	return NULL;
}

const char *topo_service_name(topo_service s)
{
	switch (s) {
	case TOPO_SVC_NONE: return "-";
	case TOPO_SVC_AUTH: return "auth";
	case TOPO_SVC_RESOLVER: return "resolver";
	case TOPO_SVC_COMMAND: return "command";
	case TOPO_SVC_STUB: return "stub";
	}
	return "?";
}
