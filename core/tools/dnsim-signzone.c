/* dnsim-signzone: DNSSEC keys and signed zones, like BIND's dnssec-keygen,
 * dnssec-signzone and dnssec-verify in one small tool.  The DNSSEC work is
 * the library's (core/dnssec); this file reads arguments and files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "dns/encode.h"
#include "dns/master.h"
#include "dns/rdata.h"
#include "dns/zonedata.h"
#include "dnssec/key.h"
#include "dnssec/nsec.h"
#include "dnssec/rrsig.h"
#include "dnssec/signzone.h"
#include "io/readfile.h"
#include "io/writefile.h"

#define MAX_KEYS 16

static void usage(FILE *out)
{
	fputs("usage: dnsim-signzone -g ALG [-f KSK] [-b BITS] [-K DIR] ZONE\n"
	      "       dnsim-signzone [-n nsec|nsec3] [-a ALG] [-k KEY]... [-z KEY]...\n"
	      "                      [-s START] [-e END] [--salt HEX] [--iterations N]\n"
	      "                      [--opt-out] [-K DIR] [-d DIR] -o ORIGIN ZONEFILE [OUTFILE]\n"
	      "       dnsim-signzone --verify [-t TIME] -o ORIGIN ZONEFILE\n"
	      "\n"
	      "Key generation (-g), as dnssec-keygen: write Kzone.+AAA+TTTTT.key (the\n"
	      "DNSKEY record) and .private (BIND's Private-key-format v1.3) into DIR\n"
	      "and print the base name.  ALG is 8 RSASHA256, 13 ECDSAP256SHA256 or\n"
	      "15 ED25519 (number or name).  -f KSK makes a key-signing key (flags\n"
	      "257), otherwise a zone-signing key (256).  -b: RSA modulus bits (2048).\n"
	      "\n"
	      "Signing, as dnssec-signzone: read ZONEFILE as the zone ORIGIN, add the\n"
	      "keys' DNSKEYs, RRSIGs over every authoritative RRset (not the NS of a\n"
	      "delegation or glue; DS is signed), an NSEC chain or NSEC3 records and\n"
	      "NSEC3PARAM, and write OUTFILE (default ZONEFILE.signed) and the DS\n"
	      "records of the key-signing keys to DIR/dsset-ORIGIN (-d, default .).\n"
	      "  -k KEY, -z KEY  key files (base name, .key or .private); key-signing\n"
	      "                  keys (flags 257) sign the DNSKEY RRset, the others the\n"
	      "                  rest.  Without keys a KSK and a ZSK of -a ALG (13) are\n"
	      "                  generated and written to -K DIR (default .).\n"
	      "  -s START, -e END  signature validity: YYYYMMDDHHMMSS, seconds since\n"
	      "                  1970, now, or now+N / +N seconds (default now-3600 and\n"
	      "                  now+30 days).\n"
	      "  -n nsec3        NSEC3 with 0 extra iterations and no salt (RFC 9276)\n"
	      "                  unless --iterations (at most 150) or --salt say\n"
	      "                  otherwise; --opt-out leaves unsigned delegations out.\n"
	      "\n"
	      "Verification (--verify), as dnssec-verify: check every RRSIG, that\n"
	      "each algorithm of the DNSKEY RRset signs every authoritative RRset,\n"
	      "and the NSEC or NSEC3 chain, at TIME (default now).  Exit status 1\n"
	      "when anything is wrong.\n", out);
}

static void report(void *ctx, const dns_diag *d)
{
	(void)ctx;
	const char *sev = d->severity == DNS_ERROR ? "error" : "warning";
	if (d->line)
		fprintf(stderr, "%s:%u: %s: %s\n", d->file, d->line, sev, d->msg);
	else
		fprintf(stderr, "%s: %s: %s\n", d->file ? d->file : "zone", sev, d->msg);
}

/* START/END: absolute, or relative to now. */
static int parse_when(const char *s, uint32_t now, uint32_t *out)
{
	const char *rel = NULL;
	if (strncmp(s, "now", 3) == 0) {
		if (s[3] == '\0') {
			*out = now;
			return 0;
		}
		rel = s[3] == '+' ? s + 4 : NULL;
	} else if (s[0] == '+') {
		rel = s + 1;
	}
	if (rel) {
		char *end;
		errno = 0;
		unsigned long v = strtoul(rel, &end, 10);
		if (errno || *end || end == rel || v > 0x7fffffffUL)
			return -1;
		*out = now + (uint32_t)v;
		return 0;
	}
	return dns_time_from_text(s, strlen(s), out) == DNS_OK ? 0 : -1;
}

/* A buffer that grows, for the output zone. */
struct text {
	char *p;
	size_t len, cap;
};

static int text_add(struct text *t, const char *s, size_t n)
{
	if (t->cap - t->len <= n) {
		size_t cap = (t->cap + n) * 2 + 4096;
		char *p = realloc(t->p, cap);
		if (p == NULL)
			return -1;
		t->p = p;
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = '\0';
	return 0;
}

static int write_text(const char *path, const char *text, mode_t mode)
{
	int rc = io_write_file(path, text);
	if (rc == 0 && chmod(path, mode) < 0)
		rc = -errno;
	if (rc)
		fprintf(stderr, "dnsim-signzone: cannot write %s: %s\n", path, strerror(-rc));
	return rc;
}

/* Write K....key and K....private into dir; the base name to `base`. */
static int write_key(const dnssec_key *k, const char *dir, uint32_t now, char *base,
		     size_t basesz)
{
	char name[600], path[1200], pub[DNSSEC_DNSKEY_MAXLEN * 2 + 600];
	static char priv[DNSSEC_PRIVATE_TEXT_MAX];
	if (dnssec_key_file_base(k, name, sizeof name) ||
	    dnssec_key_public_to_text(k, 0, pub, sizeof pub, NULL) ||
	    dnssec_key_private_to_text(k, now, priv, sizeof priv, NULL))
		return -1;
	snprintf(base, basesz, "%s/%s", dir, name);
	snprintf(path, sizeof path, "%s.key", base);
	if (write_text(path, pub, 0644))
		return -1;
	snprintf(path, sizeof path, "%s.private", base);
	int rc = write_text(path, priv, 0600);
	memset(priv, 0, sizeof priv);
	return rc ? -1 : 0;
}

static int keygen(const char *algtext, bool ksk, unsigned bits, const char *dir,
		  const char *zone, uint32_t now)
{
	uint8_t alg;
	dns_name owner;
	if (dnssec_algorithm_from_text(algtext, strlen(algtext), &alg)) {
		fprintf(stderr, "dnsim-signzone: algorithm %s: use 8, 13 or 15\n", algtext);
		return 2;
	}
	if (dns_name_from_text(&owner, zone, strlen(zone), dns_name_root)) {
		fprintf(stderr, "dnsim-signzone: \"%s\" is not a domain name\n", zone);
		return 2;
	}
	dnssec_key k;
	dns_err err = dnssec_key_generate(&k, owner.data, alg, ksk ? DNSSEC_FLAGS_KSK
								    : DNSSEC_FLAGS_ZSK, bits);
	if (err) {
		fprintf(stderr, "dnsim-signzone: cannot generate the key: %s\n", dns_strerror(err));
		return 1;
	}
	char base[1200];
	int rc = write_key(&k, dir, now, base, sizeof base);
	dnssec_key_free(&k);
	if (rc)
		return 1;
	const char *slash = strrchr(base, '/');
	puts(slash ? slash + 1 : base);
	return 0;
}

/* Strip .key or .private: the base both files share. */
static void key_base(const char *arg, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s", arg);
	size_t n = strlen(out);
	if (n > 4 && strcmp(out + n - 4, ".key") == 0)
		out[n - 4] = '\0';
	else if (n > 8 && strcmp(out + n - 8, ".private") == 0)
		out[n - 8] = '\0';
}

/* The DNSKEY line of a .key file (comments and blank lines skipped). */
static int read_key(const char *arg, const uint8_t *origin, dnssec_key *k)
{
	char base[1024], path[1100], *text = NULL;
	size_t len;
	key_base(arg, base, sizeof base);
	snprintf(path, sizeof path, "%s.key", base);
	int rc = io_read_file(NULL, path, &text, &len);
	if (rc) {
		fprintf(stderr, "dnsim-signzone: %s: %s\n", path, strerror(rc));
		return -1;
	}
	dns_rr rr = { 0 };
	bool found = false;
	static uint8_t buf[DNSSEC_DNSKEY_MAXLEN + DNS_NAME_MAXLEN];
	for (char *line = strtok(text, "\n"); line && !found; line = strtok(NULL, "\n")) {
		char err[200];
		while (*line == ' ' || *line == '\t')
			line++;
		if (*line == ';' || *line == '\0')
			continue;
		if (dns_master_parse_rr(line, origin, DNS_C_IN, 3600, buf, sizeof buf, &rr, err,
					sizeof err) == DNS_OK && rr.type == DNS_T_DNSKEY)
			found = true;
	}
	free(text);
	if (!found) {
		fprintf(stderr, "dnsim-signzone: %s: no DNSKEY record\n", path);
		return -1;
	}
	if (!dns_name_equal(rr.owner, origin)) {
		fprintf(stderr, "dnsim-signzone: %s: the key belongs to another zone\n", path);
		return -1;
	}
	snprintf(path, sizeof path, "%s.private", base);
	if ((rc = io_read_file(NULL, path, &text, &len))) {
		fprintf(stderr, "dnsim-signzone: %s: %s\n", path, strerror(rc));
		return -1;
	}
	dns_err err = dnssec_key_from_private(k, rr.owner, (uint16_t)(rr.rdata[0] << 8 | rr.rdata[1]),
					      text, len);
	memset(text, 0, len);
	free(text);
	if (err || k->rdlen != rr.rdlen || memcmp(k->rdata, rr.rdata, rr.rdlen) != 0) {
		fprintf(stderr, "dnsim-signzone: %s: %s\n", path,
			err ? dns_strerror(err) : "does not match the public key in the .key file");
		if (!err)
			dnssec_key_free(k);
		return -1;
	}
	return 0;
}

static int load_zone(dns_zonedata *z, const char *origin_text, const char *path)
{
	dns_name origin;
	if (dns_name_from_text(&origin, origin_text, strlen(origin_text), dns_name_root)) {
		fprintf(stderr, "dnsim-signzone: \"%s\" is not a domain name\n", origin_text);
		return 2;
	}
	dns_zonedata_init(z, origin.data, DNS_C_IN);
	dns_master_ops io = { io_read_file, NULL, report, NULL };
	unsigned errors = dns_zonedata_load(z, path, &io);
	if (errors) {
		fprintf(stderr, "%s: %u error%s; not signed\n", path, errors, errors == 1 ? "" : "s");
		return 1;
	}
	return 0;
}

static int write_zone(const dns_zonedata *z, const char *path)
{
	struct text t = { 0 };
	static char line[70000];
	int rc = 0;
	for (size_t i = 0; i < z->n && rc == 0; i++) {
		size_t n;
		if (dns_rr_to_text(&z->rr[i], line, sizeof line, &n) || text_add(&t, line, n) ||
		    text_add(&t, "\n", 1))
			rc = -1;
	}
	if (rc == 0)
		rc = write_text(path, t.p ? t.p : "", 0644);
	free(t.p);
	return rc;
}

static int write_dsset(const dns_zonedata *z, const dnssec_key *keys, size_t n, const char *dir)
{
	char origin[DNS_NAME_MAXTEXT], path[1200], line[600], rd[300];
	struct text t = { 0 };
	bool any_sep = false;
	for (size_t i = 0; i < n; i++)
		any_sep = any_sep || (keys[i].flags & DNSSEC_FLAG_SEP);
	if (dns_name_to_text(z->origin.data, origin, sizeof origin, NULL))
		return -1;
	for (size_t i = 0; i < n; i++) {
		uint8_t ds[DNSSEC_DS_MAXLEN];
		size_t dlen;
		if (any_sep && !(keys[i].flags & DNSSEC_FLAG_SEP))
			continue;
		if (dnssec_ds_from_dnskey(z->origin.data, keys[i].rdata, keys[i].rdlen,
					  DNSSEC_DIGEST_SHA256, ds, sizeof ds, &dlen) ||
		    dns_rdata_to_text(DNS_T_DS, ds, dlen, rd, sizeof rd, NULL))
			return -1;
		int w = snprintf(line, sizeof line, "%s IN DS %s\n", origin, rd);
		if (w < 0 || text_add(&t, line, (size_t)w)) {
			free(t.p);
			return -1;
		}
	}
	snprintf(path, sizeof path, "%s/dsset-%s", dir, origin);
	int rc = write_text(path, t.p ? t.p : "", 0644);
	free(t.p);
	return rc;
}

static int verify(const char *origin, const char *path, uint32_t when)
{
	dns_zonedata z;
	int rc = load_zone(&z, origin, path);
	if (rc == 0) {
		unsigned errors = dnssec_verify_zone(&z, when, report, NULL);
		if (errors) {
			fprintf(stderr, "%s: %u error%s: the zone is not correctly signed\n", path,
				errors, errors == 1 ? "" : "s");
			rc = 1;
		} else {
			printf("%s: the zone is fully signed\n", path);
		}
	}
	dns_zonedata_free(&z);
	return rc;
}

int main(int argc, char **argv)
{
	const char *gen_alg = NULL, *alg = "13", *origin = NULL, *keydir = ".", *dsdir = ".";
	const char *keyfiles[MAX_KEYS], *start = NULL, *end = NULL, *when_text = NULL;
	const char *salt_hex = NULL, *pos[2];
	size_t nkeyfiles = 0, npos = 0;
	bool ksk = false, nsec3 = false, optout = false, do_verify = false;
	unsigned bits = 0, iterations = 0;
	uint32_t now = (uint32_t)time(NULL);

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = true;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--verify")) {
			do_verify = true;
			takes = false;
		} else if (!strcmp(a, "--opt-out")) {
			optout = true;
			takes = false;
		} else if (a[0] == '-' && a[1] != '\0' && v == NULL) {
			fprintf(stderr, "dnsim-signzone: %s needs a value\n", a);
			return 2;
		} else if (!strcmp(a, "-g")) {
			gen_alg = v;
		} else if (!strcmp(a, "-f")) {
			if (strcmp(v, "KSK") && strcmp(v, "ksk")) {
				fprintf(stderr, "dnsim-signzone: -f takes KSK\n");
				return 2;
			}
			ksk = true;
		} else if (!strcmp(a, "-b")) {
			bits = (unsigned)atoi(v);
		} else if (!strcmp(a, "-K")) {
			keydir = v;
		} else if (!strcmp(a, "-d")) {
			dsdir = v;
		} else if (!strcmp(a, "-a")) {
			alg = v;
		} else if (!strcmp(a, "-o")) {
			origin = v;
		} else if (!strcmp(a, "-s")) {
			start = v;
		} else if (!strcmp(a, "-e")) {
			end = v;
		} else if (!strcmp(a, "-t")) {
			when_text = v;
		} else if (!strcmp(a, "--salt")) {
			salt_hex = v;
		} else if (!strcmp(a, "--iterations")) {
			iterations = (unsigned)atoi(v);
		} else if (!strcmp(a, "-n")) {
			if (strcmp(v, "nsec") && strcmp(v, "nsec3")) {
				fprintf(stderr, "dnsim-signzone: -n takes nsec or nsec3\n");
				return 2;
			}
			nsec3 = strcmp(v, "nsec3") == 0;
		} else if (!strcmp(a, "-k") || !strcmp(a, "-z")) {
			if (nkeyfiles == MAX_KEYS) {
				fprintf(stderr, "dnsim-signzone: at most %d keys\n", MAX_KEYS);
				return 2;
			}
			keyfiles[nkeyfiles++] = v;
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "dnsim-signzone: unknown option %s\n", a);
			usage(stderr);
			return 2;
		} else {
			takes = false;
			if (npos == 2) {
				usage(stderr);
				return 2;
			}
			pos[npos++] = a;
		}
		if (takes)
			i++;
	}

	if (gen_alg) {
		if (npos != 1) {
			usage(stderr);
			return 2;
		}
		return keygen(gen_alg, ksk, bits, keydir, pos[0], now);
	}
	if (origin == NULL || npos < 1) {
		usage(stderr);
		return 2;
	}
	if (do_verify) {
		uint32_t when = now;
		if (when_text && parse_when(when_text, now, &when)) {
			fprintf(stderr, "dnsim-signzone: bad time %s\n", when_text);
			return 2;
		}
		return verify(origin, pos[0], when);
	}

	dnssec_sign_opts o = { .inception = now - 3600, .expiration = now + 30 * 86400,
			       .nsec3 = nsec3, .optout = optout };
	if ((start && parse_when(start, now, &o.inception)) ||
	    (end && parse_when(end, now, &o.expiration))) {
		fprintf(stderr, "dnsim-signzone: bad time in -s or -e\n");
		return 2;
	}
	if (iterations > DNSSEC_NSEC3_MAX_ITERATIONS) {
		fprintf(stderr, "dnsim-signzone: at most %u NSEC3 iterations (RFC 9276 advises 0)\n",
			DNSSEC_NSEC3_MAX_ITERATIONS);
		return 2;
	}
	o.iterations = (uint16_t)iterations;
	uint8_t salt[255];
	size_t saltlen = 0;
	if (salt_hex && strcmp(salt_hex, "-") &&
	    dns_hex_decode(salt_hex, strlen(salt_hex), salt, sizeof salt, &saltlen)) {
		fprintf(stderr, "dnsim-signzone: bad salt %s\n", salt_hex);
		return 2;
	}
	o.salt = salt;
	o.saltlen = (uint8_t)saltlen;

	dns_zonedata in, out;
	int rc = load_zone(&in, origin, pos[0]);
	if (rc) {
		dns_zonedata_free(&in);
		return rc;
	}
	dnssec_key keys[MAX_KEYS];
	size_t nkeys = 0;
	for (size_t i = 0; i < nkeyfiles && rc == 0; i++)
		if (read_key(keyfiles[i], in.origin.data, &keys[nkeys]) == 0)
			nkeys++;
		else
			rc = 1;
	if (rc == 0 && nkeyfiles == 0) {
		uint8_t a;
		if (dnssec_algorithm_from_text(alg, strlen(alg), &a)) {
			fprintf(stderr, "dnsim-signzone: algorithm %s: use 8, 13 or 15\n", alg);
			rc = 2;
		}
		for (int k = 0; k < 2 && rc == 0; k++) {
			char base[1200];
			if (dnssec_key_generate(&keys[nkeys], in.origin.data, a,
						k == 0 ? DNSSEC_FLAGS_KSK : DNSSEC_FLAGS_ZSK, 0) ||
			    write_key(&keys[nkeys++], keydir, now, base, sizeof base))
				rc = 1;
			else
				fprintf(stderr, "dnsim-signzone: generated %s\n", base);
		}
	}
	if (rc == 0) {
		unsigned errors = dnssec_sign_zone(&in, keys, nkeys, &o, &out, report, NULL);
		char outpath[1100];
		snprintf(outpath, sizeof outpath, "%s.signed", pos[0]);
		if (errors)
			rc = 1;
		else if (write_zone(&out, npos == 2 ? pos[1] : outpath) ||
			 write_dsset(&out, keys, nkeys, dsdir))
			rc = 1;
		else
			printf("%s\n", npos == 2 ? pos[1] : outpath);
		dns_zonedata_free(&out);
	}
	dnssec_keys_free(keys, nkeys);
	dns_zonedata_free(&in);
	return rc;
}
