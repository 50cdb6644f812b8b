/* A sim's DNSSEC keys as files: made at up, read back by the verbs. */
#include "runtime/keys.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "dns/name.h"
#include "io/readfile.h"
#include "io/writefile.h"
#include "netns/state.h"

void keys_validity(uint32_t *inception, uint32_t *expiration)
{
	uint32_t now = (uint32_t)time(NULL);
	*inception = now - KEYS_VALID_BEFORE;
	*expiration = now + KEYS_VALID_FOR;
}

void keys_anchor_path(const char *sim, const char *file, char *out, size_t outsz)
{
	state_path(out, outsz, sim, file);
}

static void zone_text(const uint8_t *origin, char *out, size_t outsz)
{
	if (dns_name_to_text(origin, out, outsz, NULL) != DNS_OK)
		snprintf(out, outsz, "?");
}

int keys_generate(signing_zone *z, uint8_t alg, bool ksk, char *err, size_t errsz)
{
	if (z->nkeys)
		alg = z->keys[0].algorithm;
	dnssec_key k;
	memset(&k, 0, sizeof k);
	dns_err e = dnssec_key_generate(&k, z->origin.data, alg,
					ksk ? DNSSEC_FLAGS_KSK : DNSSEC_FLAGS_ZSK, 0);
	char zt[DNS_NAME_MAXTEXT];
	zone_text(z->origin.data, zt, sizeof zt);
	if (e != DNS_OK) {
		snprintf(err, errsz, "zone %s: cannot make a key: %s", zt, dns_strerror(e));
		return -1;
	}
	/* Two keys of one zone with one tag would confuse validators (and
	 * the files' names): make another. */
	for (size_t i = 0; i < z->nkeys; i++)
		if (z->keys[i].tag == k.tag && z->keys[i].algorithm == k.algorithm) {
			dnssec_key_free(&k);
			return keys_generate(z, alg, ksk, err, errsz);
		}
	if (!signing_add_key(z, &k)) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	return 0;
}

/* A key from a private-key file the topology names (a KSK or a ZSK by
 * its place in the topology, whatever flags its .key file had). */
static int read_key(signing_zone *z, const char *path, bool ksk, char *err, size_t errsz)
{
	char file[4200];
	size_t len = strlen(path);
	snprintf(file, sizeof file, "%s%s", path,
		 len > 8 && strcmp(path + len - 8, ".private") == 0 ? "" : ".private");
	char *text = NULL;
	size_t tlen = 0;
	int e = io_read_file(NULL, file, &text, &tlen);
	if (e != 0) {
		snprintf(err, errsz, "cannot read key file %s: %s", file, strerror(e));
		return -1;
	}
	dnssec_key k;
	memset(&k, 0, sizeof k);
	dns_err de = dnssec_key_from_private(&k, z->origin.data,
					     ksk ? DNSSEC_FLAGS_KSK : DNSSEC_FLAGS_ZSK, text, tlen);
	free(text);
	if (de != DNS_OK) {
		snprintf(err, errsz, "%s: not a private key this sim can use: %s", file,
			 dns_strerror(de));
		return -1;
	}
	if (!signing_add_key(z, &k)) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	return 0;
}

/* The base name of a key's files, as dnssec-keygen names them, with the
 * '/' of a classless reverse zone (64/27.100.51.198.in-addr.arpa.) made
 * a '-' as in the zone copies' names. */
static bool file_base(const dnssec_key *k, char *out, size_t outsz)
{
	if (dnssec_key_file_base(k, out, outsz) != DNS_OK)
		return false;
	for (char *c = out; *c; c++)
		if (*c == '/')
			*c = '-';
	return true;
}

static int write_or_fail(const char *path, const char *text, char *err, size_t errsz)
{
	int rc = io_write_file(path, text);
	if (rc < 0) {
		snprintf(err, errsz, "cannot write %s: %s", path, strerror(-rc));
		return -1;
	}
	return 0;
}

/* K<zone>+alg+tag.key and .private in the keys folder, as dnssec-keygen
 * writes them (so that BIND's and ldns's tools can use them too). */
static int write_key_files(const char *sim, const dnssec_key *k, char *err, size_t errsz)
{
	char dir[512], base[DNS_NAME_MAXTEXT + 32], path[512 + DNS_NAME_MAXTEXT + 64];
	state_path(dir, sizeof dir, sim, KEYS_DIR);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errsz, "cannot make %s: %s", dir, strerror(errno));
		return -1;
	}
	if (!file_base(k, base, sizeof base)) {
		snprintf(err, errsz, "a key's file name does not fit");
		return -1;
	}
	snprintf(path, sizeof path, "%s/%s.private", dir, base);
	struct stat st;
	if (stat(path, &st) == 0)
		return 0;   /* written before: keys never change */
	static char priv[DNSSEC_PRIVATE_TEXT_MAX];
	size_t len;
	if (dnssec_key_private_to_text(k, (uint32_t)time(NULL), priv, sizeof priv, &len) != DNS_OK) {
		snprintf(err, errsz, "%s: the private key does not fit", base);
		return -1;
	}
	char pub[DNSSEC_DNSKEY_MAXLEN * 2 + DNS_NAME_MAXTEXT + 200];
	char owner[DNS_NAME_MAXTEXT];
	zone_text(k->owner.data, owner, sizeof owner);
	int head = snprintf(pub, sizeof pub, "; This is a %s-signing key, keyid %u, for %s\n"
			    "; made by dnsim for this sim\n",
			    (k->flags & DNSSEC_FLAG_SEP) ? "key" : "zone", k->tag, owner);
	if (head < 0 || (size_t)head >= sizeof pub ||
	    dnssec_key_public_to_text(k, 0, pub + head, sizeof pub - (size_t)head, &len) != DNS_OK) {
		snprintf(err, errsz, "%s: the public key does not fit", base);
		return -1;
	}
	if (write_or_fail(path, priv, err, errsz) < 0)
		return -1;
	snprintf(path, sizeof path, "%s/%s.key", dir, base);
	return write_or_fail(path, pub, err, errsz);
}

/* The index: one line per key, "ZONE MODE FLAGS FILEBASE". */
static char *read_index(const char *sim)
{
	char path[512];
	state_path(path, sizeof path, sim, KEYS_INDEX);
	char *text = NULL;
	size_t len = 0;
	if (io_read_file(NULL, path, &text, &len) != 0)
		return NULL;
	return text;
}

int keys_save_zone(const char *sim, const signing_zone *z, char *err, size_t errsz)
{
	for (size_t k = 0; k < z->nkeys; k++)
		if (write_key_files(sim, &z->keys[k], err, errsz) < 0)
			return -1;
	char zt[DNS_NAME_MAXTEXT];
	zone_text(z->origin.data, zt, sizeof zt);
	char *old = read_index(sim);
	size_t cap = (old ? strlen(old) : 0) + (z->nkeys + 2) * (2 * DNS_NAME_MAXTEXT + 64) + 200;
	char *text = malloc(cap);
	if (text == NULL) {
		free(old);
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	size_t len = (size_t)snprintf(text, cap, "# zone mode flags key-file (under %s/)\n",
				      KEYS_DIR);
	/* The other zones' lines as they were. */
	for (char *line = old, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		size_t zlen = strlen(zt);
		if (line[0] == '#' || line[0] == '\0' ||
		    (strncasecmp(line, zt, zlen) == 0 && line[zlen] == ' '))
			continue;
		len += (size_t)snprintf(text + len, cap - len, "%s\n", line);
	}
	free(old);
	for (size_t k = 0; k < z->nkeys; k++) {
		char base[DNS_NAME_MAXTEXT + 32];
		if (!file_base(&z->keys[k], base, sizeof base))
			continue;
		len += (size_t)snprintf(text + len, cap - len, "%s %s %u %s\n", zt,
					signing_mode_name(z->mode), z->keys[k].flags, base);
	}
	char path[512];
	state_path(path, sizeof path, sim, KEYS_INDEX);
	int rc = write_or_fail(path, text, err, errsz);
	free(text);
	return rc;
}

int keys_load(const char *sim, topo_keyring *kr, char *err, size_t errsz)
{
	memset(kr, 0, sizeof *kr);
	keys_validity(&kr->inception, &kr->expiration);
	char *text = read_index(sim);
	if (text == NULL)
		return 0;   /* nothing signed */
	char dir[512];
	state_path(dir, sizeof dir, sim, KEYS_DIR);
	int rc = 0;
	unsigned lineno = 0;
	for (char *line = text, *next; rc == 0 && line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (line[0] == '#' || line[0] == '\0')
			continue;
		char zt[DNS_NAME_MAXTEXT], mode_text[16], base[DNS_NAME_MAXTEXT + 32];
		unsigned flags;
		dns_name origin;
		topo_dnssec mode;
		if (sscanf(line, "%1020s %15s %u %1050s", zt, mode_text, &flags, base) != 4 ||
		    !signing_mode_from_name(mode_text, &mode) || flags > 0xffff ||
		    dns_name_from_text(&origin, zt, strlen(zt), dns_name_root) != DNS_OK) {
			snprintf(err, errsz, "%s/index:%u: not a line of the key index", dir, lineno);
			rc = -1;
			break;
		}
		dns_name_to_lower(origin.data);
		signing_zone *z = (signing_zone *)signing_find(kr, origin.data);
		if (z == NULL && (z = signing_add_zone(kr, origin.data, mode)) == NULL) {
			snprintf(err, errsz, "out of memory");
			rc = -1;
			break;
		}
		char path[2400];
		snprintf(path, sizeof path, "%s/%s.private", dir, base);
		char *priv = NULL;
		size_t plen = 0;
		int e = io_read_file(NULL, path, &priv, &plen);
		if (e != 0) {
			snprintf(err, errsz, "cannot read %s: %s", path, strerror(e));
			rc = -1;
			break;
		}
		dnssec_key k;
		memset(&k, 0, sizeof k);
		dns_err de = dnssec_key_from_private(&k, origin.data, (uint16_t)flags, priv, plen);
		free(priv);
		if (de != DNS_OK) {
			snprintf(err, errsz, "%s: %s", path, dns_strerror(de));
			rc = -1;
		} else if (!signing_add_key(z, &k)) {
			snprintf(err, errsz, "out of memory");
			rc = -1;
		}
	}
	free(text);
	if (rc < 0)
		topo_keyring_free(kr);
	keys_validity(&kr->inception, &kr->expiration);
	return rc;
}

/* root.key (DNSKEY records: dnsim-resolver, Unbound, drill) and
 * bind.keys (delv) in the sim's folder. */
static int write_anchor(const char *sim, const signing_zone *root, char *err, size_t errsz)
{
	char path[512];
	char *anchor = signing_anchor_text(root);
	char *bind = signing_bind_keys_text(root);
	int rc = 0;
	if (anchor == NULL || bind == NULL) {
		snprintf(err, errsz, "the root zone has no key-signing key to trust");
		rc = -1;
	}
	if (rc == 0) {
		keys_anchor_path(sim, KEYS_ROOT_ANCHOR, path, sizeof path);
		rc = write_or_fail(path, anchor, err, errsz);
	}
	if (rc == 0) {
		keys_anchor_path(sim, KEYS_BIND_KEYS, path, sizeof path);
		rc = write_or_fail(path, bind, err, errsz);
	}
	free(anchor);
	free(bind);
	return rc;
}

int keys_prepare(topo_model *m, const char *sim, char *err, size_t errsz)
{
	size_t n;
	bool oom;
	signing_plan *plans = signing_plans(&m->t, m->zones, &n, &oom);
	if (oom) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	if (n == 0)
		return 0;
	topo_keyring *kr = calloc(1, sizeof *kr);
	int rc = kr ? 0 : -1;
	if (kr == NULL)
		snprintf(err, errsz, "out of memory");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		signing_zone *z = signing_add_zone(kr, plans[i].origin.data, plans[i].mode);
		if (z == NULL) {
			snprintf(err, errsz, "out of memory");
			rc = -1;
		} else if (plans[i].ksk) {
			rc = read_key(z, plans[i].ksk, true, err, errsz);
			if (rc == 0)
				rc = read_key(z, plans[i].zsk, false, err, errsz);
		} else {
			rc = keys_generate(z, plans[i].algorithm, true, err, errsz);
			if (rc == 0)
				rc = keys_generate(z, plans[i].algorithm, false, err, errsz);
		}
		if (rc == 0)
			rc = keys_save_zone(sim, z, err, errsz);
	}
	free(plans);
	const signing_zone *root = kr ? signing_find(kr, dns_name_root) : NULL;
	if (rc == 0 && root)
		rc = write_anchor(sim, root, err, errsz);
	if (rc < 0) {
		topo_keyring_free(kr);
		free(kr);
		return -1;
	}
	/* What up made, kept apart from the index the verbs rewrite. */
	char *index = read_index(sim);
	if (index) {
		char path[512];
		state_path(path, sizeof path, sim, KEYS_AT_UP);
		rc = write_or_fail(path, index, err, errsz);
		free(index);
	}
	if (rc < 0) {
		topo_keyring_free(kr);
		free(kr);
		return -1;
	}
	keys_validity(&kr->inception, &kr->expiration);
	m->zones->keys = kr;
	return (int)kr->n;
}

bool keys_made_at_up(const char *sim, const dnssec_key *k)
{
	char path[512], base[DNS_NAME_MAXTEXT + 32];
	state_path(path, sizeof path, sim, KEYS_AT_UP);
	char *text = NULL;
	size_t len = 0;
	if (!file_base(k, base, sizeof base) || io_read_file(NULL, path, &text, &len) != 0)
		return false;
	bool found = false;
	size_t blen = strlen(base);
	for (const char *p = strstr(text, base); p && !found; p = strstr(p + 1, base))
		found = p > text && p[-1] == ' ' && (p[blen] == '\n' || p[blen] == '\0');
	free(text);
	return found;
}
