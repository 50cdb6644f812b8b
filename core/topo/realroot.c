/* The real root zone's delegation graph as a topology. */
#include "topo/realroot.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo/topo.h"

#define TLD_MAX 64         /* a TLD label and its dot */
#define HOST_MAX 256
#define ROOTS 13

typedef struct pair {
	char tld[TLD_MAX];
	char host[HOST_MAX];
} pair;

typedef struct host {
	const char *name;        /* into the pairs */
	char node[TOPO_NAME_MAX + 1];
	bool keep;
	size_t network, index;   /* where its address is */
} host;

typedef struct tld {
	const char *name;        /* "aaa." */
	size_t first, n;         /* its pairs, sorted by TLD */
	bool keep;
	uint32_t order;          /* the sampling order */
} tld;

typedef struct parsed {
	pair *p;
	size_t n, cap;
	char roots[ROOTS][HOST_MAX];
	size_t nroots;
} parsed;

static bool name_chars_ok(const char *s)
{
	return *s && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-_.") == strlen(s);
}

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

static bool all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

/* One line of the master file: an NS record of the root or of a TLD is
 * kept, anything else passed over.  The root zone IANA publishes writes
 * every record whole on one line, "OWNER TTL IN TYPE RDATA". */
static bool take_line(parsed *ps, char *line, char *owner, size_t ownersz)
{
	char *semi = strchr(line, ';');
	if (semi)
		*semi = '\0';
	bool continues = line[0] == ' ' || line[0] == '\t';
	char *tok[6];
	size_t nt = 0;
	for (char *save = NULL, *w = strtok_r(line, " \t\r", &save); w && nt < 6;
	     w = strtok_r(NULL, " \t\r", &save))
		tok[nt++] = w;
	if (nt == 0)
		return true;
	size_t k = 0;
	if (!continues) {
		if (strlen(tok[0]) >= ownersz)
			return true;
		snprintf(owner, ownersz, "%s", tok[0]);
		lower(owner);
		k = 1;
	}
	/* TTL and class, in either order, before the type. */
	while (k < nt && (all_digits(tok[k]) || strcasecmp(tok[k], "IN") == 0))
		k++;
	if (k + 1 >= nt || strcasecmp(tok[k], "NS") != 0)
		return true;
	char target[HOST_MAX];
	if (strlen(tok[k + 1]) >= sizeof target)
		return true;
	snprintf(target, sizeof target, "%s", tok[k + 1]);
	lower(target);
	size_t tl = strlen(target);
	if (tl < 2 || target[tl - 1] != '.' || !name_chars_ok(target))
		return true;
	if (strcmp(owner, ".") == 0) {
		if (ps->nroots < ROOTS)
			snprintf(ps->roots[ps->nroots++], HOST_MAX, "%s", target);
		return true;
	}
	size_t ol = strlen(owner);
	/* A TLD: one label and the root. */
	if (ol < 2 || ol >= TLD_MAX || owner[ol - 1] != '.' || memchr(owner, '.', ol - 1) ||
	    !name_chars_ok(owner))
		return true;
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 1024;
		pair *g = realloc(ps->p, cap * sizeof *g);
		if (g == NULL)
			return false;
		ps->p = g;
		ps->cap = cap;
	}
	memcpy(ps->p[ps->n].tld, owner, ol + 1); /* ol < TLD_MAX: checked above */
	memcpy(ps->p[ps->n].host, target, tl + 1);
	ps->n++;
	return true;
}

static int by_tld(const void *a, const void *b)
{
	const pair *x = a, *y = b;
	int c = strcmp(x->tld, y->tld);
	return c ? c : strcmp(x->host, y->host);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int host_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const host *)elem)->name);
}

static int node_cmp(const void *a, const void *b)
{
	const host *x = *(const host *const *)a, *y = *(const host *const *)b;
	return strcmp(x->node, y->node);
}

/* FNV-1a: the fixed order TLDs are sampled in. */
static uint32_t fnv(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static int by_order(const void *a, const void *b)
{
	const tld *x = *(const tld *const *)a, *y = *(const tld *const *)b;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* A node name from a host name: its dots as dashes, and when that is
 * too long or taken, its start and its number. */
static void node_name(host *h, size_t index)
{
	char *o = h->node;
	size_t n = 0, len = strlen(h->name);
	if (len && h->name[len - 1] == '.')
		len--;
	char full[HOST_MAX];
	for (size_t i = 0; i < len && n < sizeof full - 1; i++) {
		char c = h->name[i];
		full[n++] = c == '.' || c == '_' ? '-' : c;
	}
	full[n] = '\0';
	if (n > 0 && n <= TOPO_NAME_MAX && full[0] != '-') {
		memcpy(o, full, n + 1);
		return;
	}
	/* At most 20 characters of the name, "-h" and 6 digits: fits. */
	snprintf(o, TOPO_NAME_MAX + 1, "%.20s-h%u", n == 0 || full[0] == '-' ? "x" : full,
		 (unsigned)(index % 1000000));
}

/* Names the generator gives other nodes: a host must not take one. */
static bool reserved(const char *node)
{
	static const char *const fixed[] = { "core", "resolver", "client" };
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		if (strcmp(node, fixed[i]) == 0)
			return true;
	return strlen(node) == 6 && node[0] >= 'a' && node[0] <= 'm' &&
	       strcmp(node + 1, "-root") == 0;
}

static char *fail(char *err, size_t errsz, const char *msg)
{
	snprintf(err, errsz, "%s", msg);
	return NULL;
}

/* The address of host index k of TLD network `net`: 198.18.(4 + 4 net)
 * .0/22, the router at .1, hosts from .2. */
static void host_addr(size_t net, size_t k, char *out, size_t n)
{
	size_t third = 4 + 4 * net + (k + 2) / 256, fourth = (k + 2) % 256;
	snprintf(out, n, "198.%zu.%zu.%zu", 18 + third / 256, third % 256, fourth);
}

static void net_prefix_text(size_t net, char *out, size_t n)
{
	size_t third = 4 + 4 * net;
	snprintf(out, n, "198.%zu.%zu.0/22", 18 + third / 256, third % 256);
}

static void router_addr(size_t net, char *out, size_t n)
{
	size_t third = 4 + 4 * net;
	snprintf(out, n, "198.%zu.%zu.1", 18 + third / 256, third % 256);
}

static void write_topology(FILE *f, const realroot_opts *o, const parsed *ps, host *hosts,
			   size_t nhosts, const tld *tlds, size_t ntlds, size_t nets,
			   size_t kept_tlds, size_t kept_hosts)
{
	const char *name = o->name ? o->name : "realroot";
	fprintf(f, "# The real root's delegations, made by `sim gen root` from IANA's root zone:\n"
		"# %zu TLDs, %zu nameserver hosts (one node each, serving every TLD that\n"
		"# names it), the %zu root letters, a resolver and a client.  Every address\n"
		"# is renumbered into 198.18.0.0/15 (IPv4 only); the zones are made at `up`\n"
		"# from the templates in the zones folder: a TLD's zone holds the\n"
		"# delegation of nic.TLD (served by the TLD's own hosts) with www in it.\n"
		"#\n"
		"#   roots 198.18.0.0/24   tld0..tld%zu 198.18.4.0/22, ...   users 198.19.0.0/24\n"
		"#                 all joined by the router `core`\n",
		kept_tlds, kept_hosts, ps->nroots, nets ? nets - 1 : 0);
	if (o->sample)
		fprintf(f, "# A sample: TLDs taken in a fixed order until their hosts number %zu.\n",
			o->sample);
	/* No reverse zones: the real root serves none for these addresses,
	 * and thousands of PTRs in derived zones are not what this shows. */
	fprintf(f, "[sim]\nname = \"%s\"\nzones = \"%s\"\nreverse = false\n\n", name,
		o->zones_dir);
	fprintf(f, "[network.roots]\nipv4 = \"198.18.0.0/24\"\n\n");
	for (size_t k = 0; k < nets; k++) {
		char p[32];
		net_prefix_text(k, p, sizeof p);
		fprintf(f, "[network.tld%zu]\nipv4 = \"%s\"\n\n", k, p);
	}
	fprintf(f, "[network.users]\nipv4 = \"198.19.0.0/24\"\n\n");
	fprintf(f, "[node.core]\nrouter = true\naddresses = { roots = \"198.18.0.1\"");
	for (size_t k = 0; k < nets; k++) {
		char a[32];
		router_addr(k, a, sizeof a);
		fprintf(f, ", tld%zu = \"%s\"", k, a);
	}
	fprintf(f, ", users = \"198.19.0.1\" }\n\n");
	for (size_t i = 0; i < ps->nroots; i++) {
		char host[HOST_MAX];
		snprintf(host, sizeof host, "%s", ps->roots[i]);
		host[strlen(host) - 1] = '\0';
		fprintf(f, "[node.%c-root]\nhostname = \"%s\"\naddresses = { roots = "
			"\"198.18.0.%zu\" }\nauth.zones = { \".\" = \"root.zone\" }\n\n",
			(char)('a' + i), host, 10 + i);
	}
	for (size_t h = 0; h < nhosts; h++) {
		host *x = &hosts[h];
		if (!x->keep)
			continue;
		char a[32], hn[HOST_MAX];
		host_addr(x->network, x->index, a, sizeof a);
		snprintf(hn, sizeof hn, "%s", x->name);
		hn[strlen(hn) - 1] = '\0';
		fprintf(f, "[node.%s]\nhostname = \"%s\"\naddresses = { tld%zu = \"%s\" }\n"
			"auth.zones = { ", x->node, hn, x->network, a);
		bool first = true;
		for (size_t t = 0; t < ntlds; t++) {
			if (!tlds[t].keep)
				continue;
			for (size_t k = tlds[t].first; k < tlds[t].first + tlds[t].n; k++)
				if (strcmp(ps->p[k].host, x->name) == 0) {
					fprintf(f, "%s\"%s\" = \"tld.zone\", \"nic.%s\" = \"nic.zone\"",
						first ? "" : ", ", tlds[t].name, tlds[t].name);
					first = false;
				}
		}
		fprintf(f, " }\n\n");
	}
	fprintf(f, "[node.resolver]\naddresses = { users = \"198.19.0.53\" }\n"
		"resolver.allow = [\"198.19.0.0/24\"]\n\n");
	fprintf(f, "[node.client]\naddresses = { users = \"198.19.0.10\" }\n"
		"client.resolver = \"resolver\"\n");
}

char *realroot_generate(const char *zone, size_t len, const realroot_opts *o,
			realroot_stats *stats, char *err, size_t errsz)
{
	memset(stats, 0, sizeof *stats);
	parsed ps = { 0 };
	char owner[HOST_MAX] = ".";
	char *copy = malloc(len + 1);
	if (copy == NULL)
		return fail(err, errsz, "out of memory");
	memcpy(copy, zone, len);
	copy[len] = '\0';
	bool ok = true;
	for (char *save = NULL, *l = strtok_r(copy, "\n", &save); l && ok;
	     l = strtok_r(NULL, "\n", &save))
		ok = take_line(&ps, l, owner, sizeof owner);
	free(copy);
	char *out = NULL;
	host *hosts = NULL;
	tld *tlds = NULL;
	const char **names = NULL;
	tld **order = NULL;
	host **byname = NULL;
	if (!ok) {
		fail(err, errsz, "out of memory");
		goto done;
	}
	if (ps.n == 0) {
		fail(err, errsz, "no TLD delegations (NS records of one-label names) in the zone");
		goto done;
	}
	if (ps.nroots == 0)
		for (; ps.nroots < ROOTS; ps.nroots++)
			snprintf(ps.roots[ps.nroots], HOST_MAX, "%c.root-servers.net.",
				 (char)('a' + ps.nroots));
	qsort(ps.p, ps.n, sizeof *ps.p, by_tld);
	/* The hosts, each once, sorted by name. */
	names = malloc(ps.n * sizeof *names);
	hosts = calloc(ps.n, sizeof *hosts);
	tlds = calloc(ps.n, sizeof *tlds);
	order = malloc(ps.n * sizeof *order);
	byname = malloc(ps.n * sizeof *byname);
	if (!names || !hosts || !tlds || !order || !byname) {
		fail(err, errsz, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < ps.n; i++)
		names[i] = ps.p[i].host;
	qsort(names, ps.n, sizeof *names, by_name);
	size_t nhosts = 0;
	for (size_t i = 0; i < ps.n; i++)
		if (nhosts == 0 || strcmp(names[i], hosts[nhosts - 1].name) != 0)
			hosts[nhosts++].name = names[i];
	size_t ntlds = 0;
	for (size_t i = 0; i < ps.n; i++) {
		if (ntlds && strcmp(tlds[ntlds - 1].name, ps.p[i].tld) == 0) {
			tlds[ntlds - 1].n++;
			continue;
		}
		tlds[ntlds] = (tld){ .name = ps.p[i].tld, .first = i, .n = 1,
				     .order = fnv(ps.p[i].tld) };
		ntlds++;
	}
	/* Which TLDs (all, or a sample) and so which hosts. */
	for (size_t t = 0; t < ntlds; t++)
		order[t] = &tlds[t];
	qsort(order, ntlds, sizeof *order, by_order);
	size_t kept_hosts = 0, kept_tlds = 0;
	for (size_t i = 0; i < ntlds; i++) {
		if (o->sample && kept_hosts >= o->sample)
			break;
		tld *t = order[i];
		t->keep = true;
		kept_tlds++;
		for (size_t k = t->first; k < t->first + t->n; k++) {
			host *h = bsearch(ps.p[k].host, hosts, nhosts, sizeof *hosts, host_cmp);
			if (h && !h->keep) {
				h->keep = true;
				kept_hosts++;
			}
		}
	}
	/* Node names, unique; places on the TLD networks in name order. */
	size_t nets = (kept_hosts + REALROOT_PER_NETWORK - 1) / REALROOT_PER_NETWORK;
	size_t placed = 0;
	for (size_t h = 0; h < nhosts; h++) {
		if (!hosts[h].keep)
			continue;
		node_name(&hosts[h], h);
		if (reserved(hosts[h].node))
			snprintf(hosts[h].node, sizeof hosts[h].node, "host-h%zu", h);
		hosts[h].network = placed / REALROOT_PER_NETWORK;
		hosts[h].index = placed % REALROOT_PER_NETWORK;
		byname[placed++] = &hosts[h];
	}
	qsort(byname, placed, sizeof *byname, node_cmp);
	for (size_t i = 1; i < placed; i++)
		if (strcmp(byname[i]->node, byname[i - 1]->node) == 0) {
			char keep[21];
			memcpy(keep, byname[i]->node, sizeof keep - 1);
			keep[sizeof keep - 1] = '\0';
			snprintf(byname[i]->node, sizeof byname[i]->node, "%s-h%u", keep,
				 (unsigned)((size_t)(byname[i] - hosts) % 1000000));
		}
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen);
	if (f == NULL) {
		fail(err, errsz, "out of memory");
		goto done;
	}
	write_topology(f, o, &ps, hosts, nhosts, tlds, ntlds, nets, kept_tlds, kept_hosts);
	if (fclose(f) != 0) {
		free(out);
		out = NULL;
		fail(err, errsz, "out of memory");
		goto done;
	}
	stats->tlds = kept_tlds;
	stats->hosts = kept_hosts;
	stats->networks = nets + 2;
	stats->nodes = kept_hosts + ps.nroots + 3;
done:
	free(ps.p);
	free(names);
	free(hosts);
	free(tlds);
	free(order);
	free(byname);
	return out;
}
