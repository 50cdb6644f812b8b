/* A node's service: its files and its command line. */
#include "runtime/service.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/stub_conf.h"
#include "dns/name.h"
#include "io/readfile.h"
#include "io/writefile.h"
#include "runtime/programs.h"
#include "runtime/simkeys.h"
#include "topo/render.h"
#include "topo/render_peer.h"
#include "topo/signing.h"
#include "topo/zoneedit.h"

void service_argv_free(char **argv)
{
	if (argv == NULL)
		return;
	for (char **a = argv; *a; a++)
		free(*a);
	free(argv);
}

char **service_argv(size_t n, const char *const *words)
{
	char **argv = calloc(n + 1, sizeof *argv);
	if (argv == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if ((argv[i] = strdup(words[i])) == NULL) {
			service_argv_free(argv);
			return NULL;
		}
	return argv;
}

static int fail(char *err, size_t errsz, const char *what, const char *path)
{
	snprintf(err, errsz, "%s %s: %s", what, path, strerror(errno));
	return -1;
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
static int zone_path(const topo_model *m, const topo_node *n, const topo_zone *z,
		     const char *dir, char *out, size_t outsz, char *err, size_t errsz)
{
	char original[PATH_MAX], zdir[PATH_MAX];
	if (z->derived) {
		/* No file of its own: made from the topology. */
		if (realpath(z->file, original) == NULL)
			return fail(err, errsz, "cannot find topology", z->file);
	} else if (realpath(z->file, original) == NULL) {
		return fail(err, errsz, "cannot find zone file", z->file);
	}
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
	/* A classless reverse zone's name holds a '/' (64/27.113.0.203...). */
	for (char *c = ot; *c; c++)
		if (*c == '/')
			*c = '-';
	char source[PATH_MAX + 64], path[PATH_MAX + DNS_NAME_MAXTEXT + 200];
	snprintf(source, sizeof source, "; source: %s%s\n", z->derived ? "derived from " : "",
		 original);
	snprintf(path, sizeof path, "%s/%s%s%s.zone", zdir, olen == 1 ? "root" : ot,
		 z->view ? ".view-" : "", z->view ? z->view : "");
	/* A secondary keeps a copy of its own: it rewrites it after each
	 * transfer. */
	if (z->primary || (access(path, F_OK) == 0 && !same_source(path, source)))
		snprintf(path, sizeof path, "%s/%s%s%s@%s.zone", zdir, olen == 1 ? "root" : ot,
			 z->view ? ".view-" : "", z->view ? z->view : "", n->name);
	if (access(path, F_OK) != 0 && z->primary) {
		/* A secondary starts from its primary's copy, byte for byte: a
		 * signed zone signed twice would differ in every signature
		 * (ECDSA's are random), and the primary's IXFR deltas would
		 * then delete records the secondary does not hold. */
		const topo_node *prim = topo_node_find(&m->t, z->primary);
		const topo_zone *pz = NULL;
		for (size_t k = 0; prim && k < prim->nzones && !pz; k++)
			if (strcmp(prim->zones[k].origin, z->origin) == 0 &&
			    (prim->zones[k].view == NULL) == (z->view == NULL) &&
			    (z->view == NULL || strcmp(prim->zones[k].view, z->view) == 0))
				pz = &prim->zones[k];
		char ppath[PATH_MAX];
		if (pz && pz->primary == NULL &&
		    zone_path(m, prim, pz, dir, ppath, sizeof ppath, err, errsz) == 0) {
			char *text = NULL;
			size_t len = 0;
			int rc = io_read_file(NULL, ppath, &text, &len);
			rc = rc != 0 ? -rc : io_write_file(path, text);
			free(text);
			if (rc < 0) {
				errno = -rc;
				return fail(err, errsz, "cannot copy the primary's zone to", path);
			}
		}
	}
	if (access(path, F_OK) != 0) {
		/* The first server of this file: make the copy. */
		dns_zonedata zd;
		bool derived;
		if (!render_served_zone(&m->t, m->zones, n, z, &zd, &derived, err, errsz))
			return -1;
		char header[PATH_MAX + 400];
		snprintf(header, sizeof header, "%s; zone %s as the sim serves it%s; `sim zone` "
			 "edits this copy\n", source, z->origin,
			 z->derived ? ", made from the topology (no file of its own)"
			 : derived ? ", with the records derived from the topology" : "");
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

/* Write text (freed) to path; 0 or -1 with err set.  NULL text: the
 * renderer failed and said why in err already. */
static int write_text(const char *path, char *text, char *err, size_t errsz)
{
	if (text == NULL)
		return -1;
	int rc = io_write_file(path, text);
	free(text);
	if (rc < 0) {
		errno = -rc;
		return fail(err, errsz, "cannot write", path);
	}
	return 0;
}

/* What an auth node's config is rendered with: the sim's TSIG keys
 * (first: simkeys_secret takes the context as a simkeys) and where the
 * zone-signing keys of its zones are, for policy answers. */
typedef struct auth_keys {
	simkeys tsig;
	const topo_model *m;
	char keydir[PATH_MAX];
	char path[PATH_MAX + DNS_NAME_MAXTEXT + 48];
} auth_keys;

/* The private-key file of zone `origin`'s first zone-signing key, as
 * runtime/keys.c writes it (a render_keyfile_fn); NULL when unsigned. */
static const char *zsk_file(void *ctx, const char *origin)
{
	auth_keys *k = ctx;
	dns_name o;
	if (k->m->zones == NULL || k->m->zones->keys == NULL ||
	    dns_name_from_text(&o, origin, strlen(origin), dns_name_root) != DNS_OK)
		return NULL;
	const signing_zone *z = signing_find(k->m->zones->keys, o.data);
	for (size_t i = 0; z && i < z->nkeys; i++) {
		char base[DNS_NAME_MAXTEXT + 32];
		if ((z->keys[i].flags & DNSSEC_FLAG_SEP) ||
		    dnssec_key_file_base(&z->keys[i], base, sizeof base) != DNS_OK)
			continue;
		for (char *c = base; *c; c++)
			if (*c == '/')
				*c = '-';
		snprintf(k->path, sizeof k->path, "%s/%s.private", k->keydir, base);
		return k->path;
	}
	return NULL;
}

static int write_auth(const topo_model *m, const topo_node *n, const char *dir,
		      const char *conf, char *err, size_t errsz)
{
	char **paths = calloc(n->nzones ? n->nzones : 1, sizeof *paths);
	int rc = paths ? 0 : -1;
	if (paths == NULL)
		snprintf(err, errsz, "out of memory");
	for (size_t k = 0; rc == 0 && k < n->nzones; k++) {
		char path[PATH_MAX];
		rc = zone_path(m, n, &n->zones[k], dir, path, sizeof path, err, errsz);
		if (rc == 0 && (paths[k] = strdup(path)) == NULL) {
			snprintf(err, errsz, "out of memory");
			rc = -1;
		}
	}
	/* The sim's TSIG and DNSSEC keys live beside the nodes' folders. */
	auth_keys *keys = rc == 0 ? malloc(sizeof *keys) : NULL;
	if (rc == 0 && keys == NULL) {
		snprintf(err, errsz, "out of memory");
		rc = -1;
	}
	if (rc == 0) {
		snprintf(keys->keydir, sizeof keys->keydir, "%s/../../keys", dir);
		simkeys_init(&keys->tsig, keys->keydir);
		keys->m = m;
		rc = write_text(conf, render_auth_conf_sim(&m->t, &m->r, n,
							   (const char *const *)paths,
							   simkeys_secret, zsk_file, keys, err,
							   errsz),
				err, errsz);
	}
	free(keys);
	for (size_t k = 0; paths && k < n->nzones; k++)
		free(paths[k]);
	free(paths);
	return rc;
}

static int write_hints(const topo_model *m, const char *hints, char *err, size_t errsz)
{
	char *text = render_root_hints(&m->t, m->zones, err, errsz);
	if (text == NULL || write_text(hints, text, err, errsz) < 0)
		return -1;
	return 0;
}

static int write_resolver(const topo_model *m, const topo_node *n, const char *dir,
			  const char *conf, char *err, size_t errsz)
{
	char hints[PATH_MAX];
	snprintf(hints, sizeof hints, "%s/root.hints", dir);
	if (write_hints(m, hints, err, errsz) < 0)
		return -1;
	/* The root's key, which the config names when the root is signed. */
	const signing_zone *root = signing_find(m->zones->keys, dns_name_root);
	if (root) {
		char anchor[PATH_MAX];
		snprintf(anchor, sizeof anchor, "%s/" RENDER_TRUST_ANCHOR, dir);
		char *key = signing_anchor_text(root);
		if (key == NULL) {
			snprintf(err, errsz, "the root zone has no key-signing key to trust");
			return -1;
		}
		if (write_text(anchor, key, err, errsz) < 0)
			return -1;
	}
	return write_text(conf, render_resolver_conf(&m->t, n, dir, err, errsz), err, errsz);
}

/* A host's caching stub: its config (the node's resolvers) and
 * dnsim-stub reading it. */
static int prepare_stub(const topo_model *m, const topo_node *n, const char *dir,
			const char *bindir, char ***argv, char *err, size_t errsz)
{
	char conf[PATH_MAX], prog[PATH_MAX];
	snprintf(conf, sizeof conf, "%s/stub.conf", dir);
	snprintf(prog, sizeof prog, "%s/dnsim-stub", bindir);
	if (write_text(conf, render_stub_conf(&m->t, &m->r, n, dir, err, errsz), err, errsz) < 0)
		return -1;
	const char *words[] = { prog, "-c", conf };
	*argv = service_argv(3, words);
	if (*argv == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	return 0;
}

bool service_probe_addr(const topo_node *n, net_addr *out)
{
	if (n->service == TOPO_SVC_STUB)
		return net_addr_parse(STUB_LISTEN_DEFAULT, 53, out);
	if (n->naddrs == 0)
		return false;
	*out = n->addrs[0].addr;
	return true;
}

static void free_paths(char **paths)
{
	for (char **p = paths; p && *p; p++)
		free(*p);
	free(paths);
}

/* The zone copies of an auth node, as paths (NULL-terminated when
 * counted by n->nzones; free with free_paths).  NULL with err set. */
static char **zone_paths(const topo_model *m, const topo_node *n, const char *dir, char *err,
			 size_t errsz)
{
	char **paths = calloc(n->nzones + 1, sizeof *paths);
	if (paths == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	for (size_t k = 0; k < n->nzones; k++) {
		char path[PATH_MAX];
		if (zone_path(m, n, &n->zones[k], dir, path, sizeof path, err, errsz) < 0) {
			free_paths(paths);
			return NULL;
		}
		if ((paths[k] = strdup(path)) == NULL) {
			snprintf(err, errsz, "out of memory");
			free_paths(paths);
			return NULL;
		}
	}
	return paths;
}

/* Another program in the node (topo/render_peer.h): its files written
 * into the run folder, the zones it serves recorded in dnsim-auth's
 * words (zones.conf: where `sim zone` finds them), which program it is
 * (the file `software`: how the verbs know whom they talk to), and its
 * command line, the program found where it is installed. */
static int prepare_peer(const topo_model *m, const topo_node *n, const char *dir,
			char ***argv, char *err, size_t errsz)
{
	bool auth = n->service == TOPO_SVC_AUTH;
	const char *program = software_program(n->software, auth ? SW_ROLE_AUTH
								 : SW_ROLE_RESOLVER);
	char exe[PATH_MAX], hints[PATH_MAX], secret[64], path[PATH_MAX];
	if (program == NULL || !programs_find(program, exe, sizeof exe)) {
		snprintf(err, errsz, "%s is not installed (sudo apt-get install %s)",
			 program ? program : software_get(n->software)->title,
			 software_package(n->software, auth ? SW_ROLE_AUTH : SW_ROLE_RESOLVER));
		return -1;
	}
	char **paths = NULL;
	if (auth) {
		if ((paths = zone_paths(m, n, dir, err, errsz)) == NULL)
			return -1;
		snprintf(path, sizeof path, "%s/zones.conf", dir);
		if (write_text(path, render_auth_conf(n, (const char *const *)paths, err, errsz),
			       err, errsz) < 0) {
			free_paths(paths);
			return -1;
		}
	} else {
		snprintf(hints, sizeof hints, "%s/root.hints", dir);
		if (write_hints(m, hints, err, errsz) < 0)
			return -1;
	}
	if (programs_secret(secret, sizeof secret) < 0) {
		free_paths(paths);
		snprintf(err, errsz, "cannot read /dev/urandom for a control key");
		return -1;
	}
	peer_conf pc = { .dir = dir, .zone_paths = (const char *const *)paths, .hints = hints,
			 .secret = secret };
	peer_files f;
	bool ok = render_peer(&m->t, n, &pc, &f, err, errsz);
	free_paths(paths);
	if (!ok)
		return -1;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < f.nfiles; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, f.file[i].name);
		rc = write_text(path, f.file[i].text, err, errsz);
		f.file[i].text = NULL;
	}
	snprintf(path, sizeof path, "%s/software", dir);
	char *name = strdup(software_get(n->software)->name);
	if (rc == 0 && name == NULL) {
		snprintf(err, errsz, "out of memory");
		rc = -1;
	}
	if (rc == 0)
		rc = write_text(path, name, err, errsz);
	else
		free(name);
	if (rc == 0) {
		/* The program where it was found; a wrapper (a shell that
		 * prepares its files first) is left as the renderer wrote it. */
		if (strcmp(f.argv[0], program) == 0) {
			free(f.argv[0]);
			f.argv[0] = strdup(exe);
		}
		if (f.argv[0] == NULL ||
		    (*argv = service_argv(f.argc, (const char *const *)f.argv)) == NULL) {
			snprintf(err, errsz, "out of memory");
			rc = -1;
		}
	}
	peer_files_free(&f);
	return rc;
}

int service_prepare(const topo_model *m, const topo_node *n, const char *dir,
		    const char *bindir, char ***argv, char *err, size_t errsz)
{
	*argv = NULL;
	if (n->service == TOPO_SVC_NONE)
		return 0;
	if (n->service == TOPO_SVC_COMMAND) {
		*argv = service_argv(n->ncommand, (const char *const *)n->command);
		if (*argv == NULL) {
			snprintf(err, errsz, "out of memory");
			return -1;
		}
		return 0;
	}
	if (n->service == TOPO_SVC_STUB)
		return prepare_stub(m, n, dir, bindir, argv, err, errsz);
	if (n->software != SW_DNSIM)
		return prepare_peer(m, n, dir, argv, err, errsz);
	bool auth = n->service == TOPO_SVC_AUTH;
	char conf[PATH_MAX], prog[PATH_MAX];
	snprintf(conf, sizeof conf, "%s/%s.conf", dir, auth ? "auth" : "resolver");
	snprintf(prog, sizeof prog, "%s/%s", bindir, auth ? "dnsim-auth" : "dnsim-resolver");
	int rc = auth ? write_auth(m, n, dir, conf, err, errsz)
		      : write_resolver(m, n, dir, conf, err, errsz);
	if (rc < 0)
		return -1;
	const char *words[] = { prog, "-c", conf };
	*argv = service_argv(3, words);
	if (*argv == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	return 0;
}
