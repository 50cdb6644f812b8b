/* Rendering per-node files from the model. */
#include "topo/render.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <string.h>

#include "dns/name.h"
#include "dns/zonedata.h"
#include "io/readfile.h"
#include "io/writefile.h"
#include "topo/delegation.h"
#include "topo/zoneedit.h"

void render_argv_free(char **argv)
{
	if (argv == NULL)
		return;
	for (char **a = argv; *a; a++)
		free(*a);
	free(argv);
}

static char **argv_make(size_t n, const char *const *words)
{
	char **argv = calloc(n + 1, sizeof *argv);
	if (argv == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if ((argv[i] = strdup(words[i])) == NULL) {
			render_argv_free(argv);
			return NULL;
		}
	return argv;
}

static int fail(char *err, size_t errsz, const char *what, const char *path)
{
	snprintf(err, errsz, "%s %s: %s", what, path, strerror(errno));
	return -1;
}

static void quiet(void *ctx, const dns_diag *d)
{
	(void)ctx;
	(void)d;
}

/* The first line of a file, to see which source a copy was made from. */
static bool same_source(const char *path, const char *line)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return false;
	char first[PATH_MAX + 64] = "";
	bool same = fgets(first, sizeof first, f) && strcmp(first, line) == 0;
	fclose(f);
	return same;
}

/* A zone's file as the server reads it: a flat copy in the sim's own
 * zones/ folder (the topology's file, plus the delegations it lacks),
 * one per source file, shared by every server of it.  Edits with `sim
 * zone` rewrite this copy in place, and the servers reload it; the
 * topology's own files are never written. */
/* Load the zone node n serves as z: the topology's file, plus the
 * delegations it lacks (derived in memory, reading the file through
 * $INCLUDE).  *derived says whether any were added. */
static bool load_served(const topo *t, const zone_set *zones, const topo_node *n,
			const topo_zone *z, const char *original, const dns_name *o,
			dns_zonedata *zd, bool *derived, char *err, size_t errsz)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	if (mem == NULL) {
		snprintf(err, errsz, "out of memory");
		return false;
	}
	int rc = delegation_render_zone(t, zones, n, z, mem, err, errsz);
	fclose(mem);
	dns_master_ops io = { .read_file = io_read_file, .diag = quiet };
	dns_zonedata_init(zd, o->data, DNS_C_IN);
	unsigned errors = rc < 0 ? 1
		: rc == 1 ? dns_zonedata_load_text(zd, original, text, len, &io)
		: dns_zonedata_load(zd, original, &io);
	free(text);
	*derived = rc == 1;
	if (errors) {
		dns_zonedata_free(zd);
		if (rc >= 0)
			snprintf(err, errsz, "node %s: zone %s (%s) does not load", n->name,
				 z->origin, z->file);
		return false;
	}
	return true;
}

/* A zone's file as the server reads it: a flat copy in the sim's own
 * zones/ folder (the topology's file, plus the delegations it lacks),
 * one per source file, shared by every server of it.  Edits with `sim
 * zone` rewrite this copy in place, and the servers reload it; the
 * topology's own files are never written. */
static int zone_path(const topo *t, const zone_set *zones, const topo_node *n,
		     const topo_zone *z, const char *dir, char *out, size_t outsz,
		     char *err, size_t errsz)
{
	char original[PATH_MAX], zdir[PATH_MAX];
	if (realpath(z->file, original) == NULL)
		return fail(err, errsz, "cannot find zone file", z->file);
	snprintf(zdir, sizeof zdir, "%s/../../zones", dir);
	if (mkdir(zdir, 0755) < 0 && errno != EEXIST)
		return fail(err, errsz, "cannot make", zdir);
	dns_name o;
	char ot[DNS_NAME_MAXTEXT];
	if (dns_name_from_text(&o, z->origin, strlen(z->origin), dns_name_root) != DNS_OK ||
	    dns_name_to_text(o.data, ot, sizeof ot, NULL) != DNS_OK) {
		snprintf(err, errsz, "\"%s\" is not a zone name", z->origin);
		return -1;
	}
	size_t olen = strlen(ot);
	if (olen > 1)
		ot[olen - 1] = '\0';
	char source[PATH_MAX + 64], path[PATH_MAX + DNS_NAME_MAXTEXT + 200];
	snprintf(source, sizeof source, "; source: %s\n", original);
	snprintf(path, sizeof path, "%s/%s%s%s.zone", zdir, olen == 1 ? "root" : ot,
		 z->view ? ".view-" : "", z->view ? z->view : "");
	if (access(path, F_OK) == 0 && !same_source(path, source))
		snprintf(path, sizeof path, "%s/%s%s%s@%s.zone", zdir, olen == 1 ? "root" : ot,
			 z->view ? ".view-" : "", z->view ? z->view : "", n->name);
	if (access(path, F_OK) != 0) {
		/* The first server of this file: make the copy. */
		dns_zonedata zd;
		bool derived;
		if (!load_served(t, zones, n, z, original, &o, &zd, &derived, err, errsz))
			return -1;
		char header[PATH_MAX + 400];
		snprintf(header, sizeof header, "%s; zone %s as the sim serves it%s; `sim zone` "
			 "edits this copy\n", source, z->origin,
			 derived ? ", with the delegations derived from the topology" : "");
		char *text = zoneedit_text(&zd, header);
		dns_zonedata_free(&zd);
		int rc = text ? io_write_file(path, text) : -ENOMEM;
		free(text);
		if (rc < 0) {
			errno = -rc;
			return fail(err, errsz, "cannot write", path);
		}
	}
	if (realpath(path, out) == NULL || strlen(out) >= outsz)
		return fail(err, errsz, "cannot find", path);
	return 0;
}

static int write_auth(const topo *t, const zone_set *zones, const topo_node *n,
		      const char *dir, FILE *f, char *err, size_t errsz)
{
	fprintf(f, "# dnsim-auth for node %s, written by the supervisor\n"
		"identity %s\nquery-log stderr\n", n->name, n->name);
	for (size_t i = 0; i < n->naddrs; i++)
		fprintf(f, "listen %s\n", n->addrs[i].text);
	if (n->rate_limit)
		fprintf(f, "rate-limit %ld\n", n->rate_limit);
	if (n->rate_slip >= 0)
		fprintf(f, "rate-limit-slip %ld\n", n->rate_slip);
	char path[PATH_MAX];
	for (size_t k = 0; k < n->nzones; k++)
		if (n->zones[k].view == NULL) {
			if (zone_path(t, zones, n, &n->zones[k], dir, path, sizeof path, err, errsz) < 0)
				return -1;
			fprintf(f, "zone %s %s\n", n->zones[k].origin, path);
		}
	for (size_t v = 0; v < n->nviews; v++) {
		fprintf(f, "view %s {\n\tmatch", n->views[v].name);
		for (size_t m = 0; m < n->views[v].nmatch; m++)
			fprintf(f, " %s", n->views[v].match[m]);
		fputc('\n', f);
		for (size_t k = 0; k < n->nzones; k++)
			if (n->zones[k].view && strcmp(n->zones[k].view, n->views[v].name) == 0) {
				if (zone_path(t, zones, n, &n->zones[k], dir, path, sizeof path,
					      err, errsz) < 0)
					return -1;
				fprintf(f, "\tzone %s %s\n", n->zones[k].origin, path);
			}
		fputs("}\n", f);
	}
	return 0;
}

static void prefix_text(const net_prefix *p, char *out, size_t n)
{
	char a[64];
	inet_ntop(p->family, p->bytes, a, sizeof a);
	snprintf(out, n, "%s/%u", a, p->bits);
}

static int write_resolver(const topo *t, const zone_set *zones, const topo_node *n,
			  const char *dir, FILE *f, char *err, size_t errsz)
{
	char hints[PATH_MAX];
	snprintf(hints, sizeof hints, "%s/root.hints", dir);
	FILE *h = fopen(hints, "w");
	if (h == NULL)
		return fail(err, errsz, "cannot write", hints);
	bool ok = delegation_root_hints(t, zones, h, err, errsz);
	if (fclose(h) != 0 && ok)
		return fail(err, errsz, "cannot write", hints);
	if (!ok)
		return -1;
	fprintf(f, "# dnsim-resolver for node %s, written by the supervisor\n"
		"identity %s\nquery-log stderr\nroot-hints %s\ncontrol %s/control\n"
		"trace %s/trace.jsonl\nlisten 127.0.0.1\n", n->name, n->name, hints, dir, dir);
	for (size_t i = 0; i < n->naddrs; i++)
		fprintf(f, "listen %s\n", n->addrs[i].text);
	/* Loopback and the node's own addresses always: the supervisor asks
	 * its counters from inside the node. */
	fputs("allow 127.0.0.0/8 ::1", f);
	for (size_t i = 0; i < n->naddrs; i++)
		fprintf(f, " %s", n->addrs[i].text);
	if (n->nallow)
		for (size_t i = 0; i < n->nallow; i++)
			fprintf(f, " %s", n->allow[i]);
	else {
		/* Open to the whole simulated world, never beyond it. */
		for (size_t i = 0; i < t->nnetworks; i++) {
			char p[80];
			if (t->networks[i].has_v4) {
				prefix_text(&t->networks[i].v4, p, sizeof p);
				fprintf(f, " %s", p);
			}
			if (t->networks[i].has_v6) {
				prefix_text(&t->networks[i].v6, p, sizeof p);
				fprintf(f, " %s", p);
			}
		}
	}
	fputc('\n', f);
	if (n->nblock) {
		fputs("block", f);
		for (size_t i = 0; i < n->nblock; i++)
			fprintf(f, " %s", n->block[i]);
		fputc('\n', f);
	}
	if (n->sinkhole)
		fprintf(f, "sinkhole %s\n", n->sinkhole);
	return 0;
}

int render_service(const topo *t, const zone_set *zones, const topo_node *n,
		   const char *dir, const char *bindir, char ***argv, char *err,
		   size_t errsz)
{
	*argv = NULL;
	if (n->service == TOPO_SVC_NONE)
		return 0;
	if (n->service == TOPO_SVC_COMMAND) {
		*argv = argv_make(n->ncommand, (const char *const *)n->command);
		if (*argv == NULL) {
			snprintf(err, errsz, "out of memory");
			return -1;
		}
		return 0;
	}
	bool auth = n->service == TOPO_SVC_AUTH;
	char conf[PATH_MAX], prog[PATH_MAX];
	snprintf(conf, sizeof conf, "%s/%s.conf", dir, auth ? "auth" : "resolver");
	snprintf(prog, sizeof prog, "%s/%s", bindir, auth ? "dnsim-auth" : "dnsim-resolver");
	FILE *f = fopen(conf, "w");
	if (f == NULL)
		return fail(err, errsz, "cannot write", conf);
	int rc = auth ? write_auth(t, zones, n, dir, f, err, errsz)
		      : write_resolver(t, zones, n, dir, f, err, errsz);
	if (fclose(f) != 0 && rc == 0)
		return fail(err, errsz, "cannot write", conf);
	if (rc < 0)
		return -1;
	const char *words[] = { prog, "-c", conf };
	*argv = argv_make(3, words);
	if (*argv == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	return 0;
}

/* A growing text buffer for the small files below. */
typedef struct text {
	char *s;
	size_t len, cap;
	bool oom;
} text;

static void add(text *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(text *b, const char *fmt, ...)
{
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = b->oom ? -1 : vsnprintf(b->s ? b->s + b->len : NULL,
						b->s ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = true;
			return;
		}
		if (b->s && b->len + (size_t)n < b->cap) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = (b->cap ? b->cap * 2 : 256) + (size_t)n;
		char *s = realloc(b->s, cap);
		if (s == NULL) {
			b->oom = true;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
}

static char *finish(text *b)
{
	if (b->oom) {
		free(b->s);
		return NULL;
	}
	return b->s;
}

char *render_resolv_conf(const topo *t, const routes *r, const topo_node *n)
{
	text b = { 0 };
	add(&b, "# resolv.conf of node %s, written by dnsim\n", n->name);
	const topo_node *res = n->use_resolver ? topo_node_find(t, n->use_resolver) : NULL;
	if (n->service == TOPO_SVC_RESOLVER && n->use_resolver == NULL) {
		add(&b, "nameserver 127.0.0.1\n");
	} else if (res) {
		/* IPv4 first, then IPv6: at most three, as glibc reads. */
		int count = 0;
		for (int pass = 0; pass < 2; pass++)
			for (size_t i = 0; i < res->naddrs && count < 3; i++) {
				const topo_addr *a = &res->addrs[i];
				if ((a->addr.ss.ss_family == AF_INET) != (pass == 0) ||
				    !routes_reach(t, r, n, a))
					continue;
				add(&b, "nameserver %s\n", a->text);
				count++;
			}
	} else if (n->use_resolver) {
		add(&b, "nameserver %s\n", n->use_resolver);
	} else {
		add(&b, "# no resolver configured for this node ([node.%s.client] resolver)\n",
		    n->name);
	}
	if (n->nsearch) {
		add(&b, "search");
		for (size_t i = 0; i < n->nsearch; i++)
			add(&b, " %s", n->search[i]);
		add(&b, "\n");
	}
	if (n->timeout || n->attempts) {
		add(&b, "options");
		if (n->timeout)
			add(&b, " timeout:%ld", n->timeout);
		if (n->attempts)
			add(&b, " attempts:%ld", n->attempts);
		add(&b, "\n");
	}
	return finish(&b);
}

char *render_hosts(const topo *t, const topo_node *n)
{
	(void)t;
	text b = { 0 };
	add(&b, "# hosts file of node %s, written by dnsim\n"
	    "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n", n->name);
	for (size_t i = 0; i < n->naddrs; i++)
		add(&b, "%s\t%s%s%s\n", n->addrs[i].text, n->name,
		    n->hostname ? " " : "", n->hostname ? n->hostname : "");
	if (n->nhosts)
		add(&b, "# from the topology ([node.%s.client] hosts)\n", n->name);
	for (size_t i = 0; i < n->nhosts; i++)
		add(&b, "%s\t%s\n", n->hosts[i].address, n->hosts[i].name);
	return finish(&b);
}
