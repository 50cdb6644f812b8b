/* `sim dnssec show|sign|addkey|delkey|break|mend ZONE ...`: DNSSEC on a
 * running sim.  The keys live in the sim's keys/ folder (runtime/keys.h);
 * every change is made to every copy of the zone its servers read (each
 * view's too), signed as it should be, and served at once, as `sim zone`
 * edits are.  `break` spoils a zone the ways real zones go bogus
 * (topo/zonebreak.h) and `mend` signs it afresh and puts its DS right. */
#include "sim/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "runtime/keys.h"
#include "sim/zonefiles.h"
#include "topo/zonebreak.h"
#include "topo/zoneedit.h"

#define DS_TTL 86400

/* Rewrites one loaded copy of a zone into a new zone (always
 * initialised): 1, or 0 when nothing changed (out not to be served),
 * -1 with err set. */
typedef int (*rewrite_fn)(void *ctx, const dns_zonedata *in, dns_zonedata *out, char *err,
			  size_t errsz);

/* Apply fn to every copy of zone `origin` and serve the results.  0, or
 * 1 after a message (copies done before stay done). */
static int rewrite_copies(const char *sim, const uint8_t *origin, const char *why,
			  rewrite_fn fn, void *ctx)
{
	char zt[DNS_NAME_MAXTEXT];
	dns_name_to_text(origin, zt, sizeof zt, NULL);
	size_t n;
	zone_copy *copies = zonefiles_copies(sim, origin, &n);
	int rc = n ? 0 : die("no server of sim %s serves zone %s", sim, zt);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		dns_zonedata z, out;
		if (!zonefiles_load(&z, origin, copies[i].path)) {
			rc = die("zone %s (%s) does not load", zt, copies[i].path);
			break;
		}
		char err[512] = "";
		int done = fn(ctx, &z, &out, err, sizeof err);
		dns_zonedata_free(&z);
		if (done <= 0) {
			dns_zonedata_free(&out);
			if (done < 0) {
				rc = die("zone %s: %s; it is unchanged", zt, err);
				break;
			}
			continue;
		}
		char header[DNS_NAME_MAXTEXT + 200];
		snprintf(header, sizeof header, "; zone %s, %s with `sim dnssec`\n", zt, why);
		char *text = zoneedit_text(&out, header);
		uint32_t serial = zoneedit_serial(&out);
		dns_zonedata_free(&out);
		rc = text ? zonefiles_commit(sim, origin, copies[i].view, copies[i].path, text, serial)
			  : die("out of memory");
		free(text);
	}
	zonefiles_copies_free(copies, n);
	return rc;
}

/* ---- the parent's DS records ----------------------------------------- */

typedef struct ds_edit {
	const char *sim;
	const uint8_t *child;
	char *lines;              /* DS lines to publish, '\n' after each */
	bool changed;             /* set when some copy differed */
} ds_edit;

static bool has_ds(const dns_zonedata *z, const uint8_t *child, size_t *n, char *texts,
		   size_t textsz)
{
	size_t len = 0;
	*n = 0;
	texts[0] = '\0';
	for (size_t i = 0; i < z->n; i++)
		if (z->rr[i].type == DNS_T_DS && dns_name_equal(z->rr[i].owner, child)) {
			char rd[512];
			size_t tl;
			if (dns_rdata_to_text(DNS_T_DS, z->rr[i].rdata, z->rr[i].rdlen, rd, sizeof rd,
					      &tl) == DNS_OK && len + tl + 2 < textsz)
				len += (size_t)snprintf(texts + len, textsz - len, "%s\n", rd);
			(*n)++;
		}
	return *n > 0;
}

/* The parent's copy with the child's DS RRset replaced by e->lines,
 * signed again with the parent's keys. */
static int replace_ds(void *ctx, const dns_zonedata *in, dns_zonedata *out, char *err,
		      size_t errsz)
{
	ds_edit *e = ctx;
	const char *adds[16];
	size_t nadds = 0;
	char *copy = strdup(e->lines);
	if (copy == NULL) {
		snprintf(err, errsz, "out of memory");
		return false;
	}
	for (char *l = copy, *next; l && *l && nadds < 16; l = next) {
		next = strchr(l, '\n');
		if (next)
			*next++ = '\0';
		adds[nadds++] = l;
	}
	topo_keyring kr;
	bool changed = false;
	bool ok = keys_load(e->sim, &kr, err, errsz) == 0;
	if (ok) {
		zoneedit_signer signer;
		zonefiles_signer(&kr, in->origin.data, &signer);
		char msg[512] = "";
		unsigned errors = zonefiles_set_rrset(in, e->child, DNS_T_DS, adds, nadds, DS_TTL,
						      &signer, out, &changed, msg, sizeof msg);
		topo_keyring_free(&kr);
		ok = errors == 0 && msg[0] == '\0';
		if (!ok)
			snprintf(err, errsz, "%s", msg[0] ? msg : "the edit would break the zone");
	} else {
		dns_zonedata_init(out, in->origin.data, DNS_C_IN);
	}
	free(copy);
	e->changed |= changed;
	return ok ? changed : -1;
}

/* Are the DS records of child in every copy of parent those of `lines`
 * (as text, in any order)? */
static bool ds_as_wanted(const char *sim, const uint8_t *parent, const uint8_t *child,
			 const char *lines)
{
	size_t n;
	zone_copy *copies = zonefiles_copies(sim, parent, &n);
	bool same = n > 0;
	for (size_t i = 0; same && i < n; i++) {
		dns_zonedata z;
		if (!zonefiles_load(&z, parent, copies[i].path)) {
			same = false;
			break;
		}
		size_t nds, want = 0;
		char texts[4096];
		has_ds(&z, child, &nds, texts, sizeof texts);
		for (const char *l = lines; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : "") {
			const char *rd = strstr(l, " DS ");
			size_t len = strcspn(rd ? rd + 4 : l, "\n");
			want++;
			char one[600];
			snprintf(one, sizeof one, "%.*s\n", (int)len, rd ? rd + 4 : l);
			same = same && strstr(texts, one) != NULL;
		}
		same = same && nds == want;
		dns_zonedata_free(&z);
	}
	zonefiles_copies_free(copies, n);
	return same;
}

/* Publish `lines` as the child's DS in its parent (when the parent is
 * signed and they differ).  0 or 1 after a message. */
static int set_parent_ds(const char *sim, const uint8_t *child, char *lines, bool verbose)
{
	dns_name parent;
	char ct[DNS_NAME_MAXTEXT], pt[DNS_NAME_MAXTEXT];
	dns_name_to_text(child, ct, sizeof ct, NULL);
	if (!zonefiles_parent(sim, child, &parent)) {
		if (verbose)
			printf("no zone above %s is served in the sim: no DS to publish\n", ct);
		return 0;
	}
	dns_name_to_text(parent.data, pt, sizeof pt, NULL);
	if (ds_as_wanted(sim, parent.data, child, lines)) {
		if (verbose)
			printf("%s publishes the right DS for %s already\n", pt, ct);
		return 0;
	}
	ds_edit e = { sim, child, lines, false };
	return rewrite_copies(sim, parent.data, "its DS records changed", replace_ds, &e);
}

/* ---- the zone's own copies ------------------------------------------- */

typedef struct zone_job {
	const signing_zone *z;
	zonebreak_kind kind;
	bool mend;
} zone_job;

static int job_rewrite(void *ctx, const dns_zonedata *in, dns_zonedata *out, char *err,
			size_t errsz)
{
	const zone_job *j = ctx;
	uint32_t inception, expiration;
	keys_validity(&inception, &expiration);
	if (j->mend)
		return zonebreak_mend(j->z, inception, expiration, in, out, err, errsz) ? 1 : -1;
	if (!zoneedit_is_signed(in)) {
		dns_zonedata_init(out, in->origin.data, DNS_C_IN);
		snprintf(err, errsz, "this copy is not signed (`./sim dnssec mend` signs it)");
		return -1;
	}
	return zonebreak_zone(j->kind, j->z, (uint32_t)time(NULL), in, out, err, errsz) ? 1 : -1;
}

/* ---- the verbs --------------------------------------------------------- */

static void print_keys(const char *sim, const signing_zone *z)
{
	for (size_t i = 0; i < z->nkeys; i++) {
		const dnssec_key *k = &z->keys[i];
		char base[DNS_NAME_MAXTEXT + 32];
		if (dnssec_key_file_base(k, base, sizeof base) != DNS_OK)
			snprintf(base, sizeof base, "?");
		const char *an = dnssec_algorithm_name(k->algorithm);
		const char *role = (k->flags & DNSSEC_FLAG_SEP) ? "KSK" : "ZSK";
		printf("  %s %5u  %s (%u)  %s/%s.key  (%s %s)\n", role, k->tag, an ? an : "?",
		       k->algorithm, KEYS_DIR, base, role,
		       keys_made_at_up(sim, k) ? "made at up" : "added since");
	}
}

static int show(const char *sim, const signing_zone *z, const char *zt)
{
	size_t n;
	zone_copy *copies = zonefiles_copies(sim, z->origin.data, &n);
	printf("zone %s: signed (%s), %zu key%s:\n", zt, signing_mode_name(z->mode), z->nkeys,
	       z->nkeys == 1 ? "" : "s");
	print_keys(sim, z);
	char *ds = signing_ds_text(z, DS_TTL);
	printf("its DS, for the parent zone (`./sim register %s --ds '...'`):\n", zt);
	for (const char *l = ds; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : "")
		printf("  %.*s\n", (int)strcspn(l, "\n"), l);
	dns_name parent;
	if (ds && zonefiles_parent(sim, z->origin.data, &parent)) {
		char pt[DNS_NAME_MAXTEXT];
		dns_name_to_text(parent.data, pt, sizeof pt, NULL);
		printf("%s %s\n", pt, ds_as_wanted(sim, parent.data, z->origin.data, ds)
		       ? "publishes exactly these: the chain of trust reaches the zone"
		       : "publishes other DS records (or none): see `./sim zone NODE show` of it");
	}
	free(ds);
	for (size_t i = 0; i < n; i++) {
		dns_zonedata zd;
		bool ok = zonefiles_load(&zd, z->origin.data, copies[i].path);
		printf("served from %s%s%s: %s\n", copies[i].path, copies[i].view ? ", view " : "",
		       copies[i].view ? copies[i].view : "",
		       !ok ? "does not load" : zoneedit_is_signed(&zd) ? "signed" : "NOT signed");
		dns_zonedata_free(&zd);
	}
	zonefiles_copies_free(copies, n);
	return 0;
}

static int save_and_resign(const char *sim, const signing_zone *z, const char *why)
{
	char err[512];
	if (keys_save_zone(sim, z, err, sizeof err) < 0)
		return die("%s", err);
	zone_job j = { z, ZONEBREAK_EXPIRED, true };
	return rewrite_copies(sim, z->origin.data, why, job_rewrite, &j);
}

/* The owner of an ALIAS record in some copy of zone `origin` (into
 * owner), or false when no copy has one.  An ALIAS's addresses are made
 * at answer time, which no signature made now could cover: `up` refuses
 * such a signed zone (topo_check.c), and so does `dnssec sign`. */
static bool copy_has_alias(const char *sim, const uint8_t *origin, char *owner, size_t ownersz)
{
	size_t n;
	zone_copy *copies = zonefiles_copies(sim, origin, &n);
	bool found = false;
	for (size_t i = 0; i < n && !found; i++) {
		dns_zonedata z;
		if (!zonefiles_load(&z, origin, copies[i].path))
			continue;   /* rewrite_copies reports a copy that does not load */
		const dns_rr *alias = dns_zonedata_find(&z, NULL, DNS_T_ALIAS);
		if (alias) {
			found = true;
			if (dns_name_to_text(alias->owner, owner, ownersz, NULL) != DNS_OK)
				snprintf(owner, ownersz, "?");
		}
		dns_zonedata_free(&z);
	}
	zonefiles_copies_free(copies, n);
	return found;
}

static int sign_new(const char *sim, topo_keyring *kr, const dns_name *origin, const char *zt,
		    topo_dnssec mode, uint8_t alg)
{
	if (signing_find(kr, origin->data))
		return die("zone %s is signed already (`./sim dnssec show %s`)", zt, zt);
	char alias[DNS_NAME_MAXTEXT];
	if (copy_has_alias(sim, origin->data, alias, sizeof alias))
		return die("zone %s has ALIAS records (%s), whose answers cannot be signed ahead "
			   "of time; it stays unsigned", zt, alias);
	signing_zone *z = signing_add_zone(kr, origin->data, mode);
	char err[512];
	if (z == NULL)
		return die("out of memory");
	if (keys_generate(z, alg, true, err, sizeof err) < 0 ||
	    keys_generate(z, alg, false, err, sizeof err) < 0)
		return die("%s", err);
	int rc = save_and_resign(sim, z, "signed");
	if (rc)
		return rc;
	printf("zone %s is signed (%s) with new keys:\n", zt, signing_mode_name(mode));
	print_keys(sim, z);
	char *ds = signing_ds_text(z, DS_TTL);
	printf("Resolvers find it insecure until its parent publishes its DS:\n");
	for (const char *l = ds; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : "") {
		const char *rd = strstr(l, " DS ");
		printf("  sudo ./sim register %s --ds '%.*s'\n", zt,
		       (int)strcspn(rd ? rd + 4 : l, "\n"), rd ? rd + 4 : l);
	}
	free(ds);
	return 0;
}

static int add_key(const char *sim, signing_zone *z, const char *zt, const char *role)
{
	bool ksk = strcmp(role, "ksk") == 0;
	if (!ksk && strcmp(role, "zsk") != 0)
		return verb_usage("dnssec");
	char err[512];
	if (keys_generate(z, z->keys[0].algorithm, ksk, err, sizeof err) < 0)
		return die("%s", err);
	const dnssec_key *k = &z->keys[z->nkeys - 1];
	int rc = save_and_resign(sim, z, ksk ? "a KSK added" : "a ZSK added");
	if (rc)
		return rc;
	printf("zone %s publishes a new %s, tag %u, and signs with it:\n", zt, ksk ? "KSK" : "ZSK",
	       k->tag);
	print_keys(sim, z);
	if (ksk)
		printf("Its DS is not in the parent yet: `./sim dnssec show %s` lists both DS; "
		       "publish the new one beside the old with `./sim register %s --ds ... --ds ...`\n",
		       zt, zt);
	return 0;
}

static int del_key(const char *sim, signing_zone *z, const char *zt, const char *tag_text)
{
	char *end;
	unsigned long tag = strtoul(tag_text, &end, 10);
	if (*end || end == tag_text || tag > 0xffff)
		return die("\"%s\" is not a key tag (`./sim dnssec show %s` lists them)", tag_text, zt);
	size_t at = z->nkeys, ksks = 0;
	for (size_t i = 0; i < z->nkeys; i++) {
		ksks += (z->keys[i].flags & DNSSEC_FLAG_SEP) != 0;
		if (z->keys[i].tag == tag)
			at = i;
	}
	if (at == z->nkeys)
		return die("zone %s has no key with tag %lu (`./sim dnssec show %s`)", zt, tag, zt);
	bool ksk = (z->keys[at].flags & DNSSEC_FLAG_SEP) != 0;
	if (z->nkeys == 1 || (ksk && ksks == 1))
		return die("key %lu is the zone's only %s: add another first (`./sim dnssec addkey "
			   "%s %s`)", tag, ksk ? "KSK" : "key", zt, ksk ? "ksk" : "zsk");
	dnssec_key_free(&z->keys[at]);
	memmove(&z->keys[at], &z->keys[at + 1], (z->nkeys - at - 1) * sizeof z->keys[0]);
	z->nkeys--;
	int rc = save_and_resign(sim, z, ksk ? "a KSK removed" : "a ZSK removed");
	if (rc == 0) {
		printf("zone %s no longer publishes or signs with key %lu:\n", zt, tag);
		print_keys(sim, z);
	}
	return rc;
}

static int break_zone(const char *sim, const signing_zone *z, const char *zt, const char *how)
{
	zonebreak_kind kind;
	if (!zonebreak_from_name(how, &kind)) {
		fprintf(stderr, "sim: \"%s\": the ways to break a zone are:\n", how);
		for (unsigned k = 0; k < ZONEBREAK_KINDS; k++)
			fprintf(stderr, "  %-8s %s\n", zonebreak_name(k), zonebreak_what(k));
		return 1;
	}
	int rc;
	if (kind == ZONEBREAK_DS) {
		char *bad = zonebreak_bad_ds_text(z, DS_TTL);
		dns_name parent;
		if (bad == NULL)
			return die("zone %s has no KSK", zt);
		if (!zonefiles_parent(sim, z->origin.data, &parent)) {
			free(bad);
			return die("no zone above %s is served in the sim: it has no DS to break", zt);
		}
		ds_edit e = { sim, z->origin.data, bad, false };
		rc = rewrite_copies(sim, parent.data, "a wrong DS published", replace_ds, &e);
		free(bad);
	} else {
		zone_job j = { z, kind, false };
		rc = rewrite_copies(sim, z->origin.data, zonebreak_name(kind), job_rewrite, &j);
	}
	if (rc == 0)
		printf("zone %s is broken: %s.\nResolvers keep what they validated until its TTL "
		       "runs out: `sudo ./sim cache RESOLVER flush` shows it at once.  `sudo ./sim "
		       "dnssec mend %s` mends it.\n", zt, zonebreak_what(kind), zt);
	return rc;
}

static int mend(const char *sim, const signing_zone *z, const char *zt)
{
	zone_job j = { z, ZONEBREAK_EXPIRED, true };
	int rc = rewrite_copies(sim, z->origin.data, "signed afresh", job_rewrite, &j);
	char *ds = rc == 0 ? signing_ds_text(z, DS_TTL) : NULL;
	if (rc == 0 && ds == NULL)
		rc = die("zone %s has no KSK", zt);
	dns_name parent;
	if (rc == 0 && zonefiles_parent(sim, z->origin.data, &parent)) {
		/* A DS only where the parent is signed, as at `up`. */
		size_t n;
		zone_copy *copies = zonefiles_copies(sim, parent.data, &n);
		dns_zonedata pz;
		bool parent_signed = n && zonefiles_load(&pz, parent.data, copies[0].path) &&
				     zoneedit_is_signed(&pz);
		if (n)
			dns_zonedata_free(&pz);
		zonefiles_copies_free(copies, n);
		if (parent_signed)
			rc = set_parent_ds(sim, z->origin.data, ds, false);
	}
	free(ds);
	if (rc == 0)
		printf("zone %s is signed afresh with its keys, and its parent's DS matches them\n", zt);
	return rc;
}

int cmd_dnssec(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return verb_usage("dnssec");
	const char *what = argv[0], *zone = argv[1];
	bool known = strcmp(what, "show") == 0 || strcmp(what, "sign") == 0 ||
		     strcmp(what, "addkey") == 0 || strcmp(what, "delkey") == 0 ||
		     strcmp(what, "break") == 0 || strcmp(what, "mend") == 0;
	if (!known)
		return verb_usage("dnssec");
	if (!need_root())
		return 1;
	char sim[TOPO_NAME_MAX + 1];
	if (pick_sim(name, sim, sizeof sim))
		return 1;
	dns_name origin;
	if (dns_name_from_text(&origin, zone, strlen(zone), dns_name_root) != DNS_OK)
		return die("\"%s\" is not a zone name", zone);
	dns_name_to_lower(origin.data);
	char zt[DNS_NAME_MAXTEXT];
	dns_name_to_text(origin.data, zt, sizeof zt, NULL);
	topo_keyring kr;
	char err[512];
	if (keys_load(sim, &kr, err, sizeof err) < 0)
		return die("%s", err);
	int rc;
	signing_zone *z = (signing_zone *)signing_find(&kr, origin.data);
	if (strcmp(what, "sign") == 0) {
		topo_dnssec mode = TOPO_DNSSEC_NSEC;
		uint8_t alg = SIGNING_DEFAULT_ALGORITHM;
		rc = 0;
		for (int i = 2; rc == 0 && i < argc; i++) {
			if (strcmp(argv[i], "--algorithm") == 0 && i + 1 < argc) {
				i++;
				if (dnssec_algorithm_from_text(argv[i], strlen(argv[i]), &alg) != DNS_OK)
					rc = die("--algorithm %s: use RSASHA256, ECDSAP256SHA256 or "
						 "ED25519", argv[i]);
			} else if (!signing_mode_from_name(argv[i], &mode) || mode == TOPO_DNSSEC_OFF) {
				rc = verb_usage("dnssec");
			}
		}
		if (rc == 0)
			rc = sign_new(sim, &kr, &origin, zt, mode, alg);
	} else if (z == NULL) {
		rc = die("zone %s is not signed in sim %s (`./sim dnssec sign %s` signs it)", zt, sim,
			 zt);
	} else if (strcmp(what, "show") == 0 && argc == 2) {
		rc = show(sim, z, zt);
	} else if (strcmp(what, "addkey") == 0 && argc == 3) {
		rc = add_key(sim, z, zt, argv[2]);
	} else if (strcmp(what, "delkey") == 0 && argc == 3) {
		rc = del_key(sim, z, zt, argv[2]);
	} else if (strcmp(what, "break") == 0 && argc == 3) {
		rc = break_zone(sim, z, zt, argv[2]);
	} else if (strcmp(what, "mend") == 0 && argc == 2) {
		rc = mend(sim, z, zt);
	} else {
		rc = verb_usage("dnssec");
	}
	topo_keyring_free(&kr);
	return rc;
}
