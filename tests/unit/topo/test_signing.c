/* DNSSEC in the model: the topology's switches, which zones are signed,
 * DS records derived into signed parents, signed copies that verify,
 * the trust anchor's texts and the resolver's config. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "dnssec/signzone.h"
#include "topo/render.h"
#include "topo/signing.h"

#define NOW 1780000000u

/* tiny_topology with DNSSEC switches before its nodes. */
static char *with_dnssec(const char *settings)
{
	const char *nodes = strstr(tiny_topology, "[network.");
	size_t len = strlen(settings) + strlen(tiny_topology) + 64;
	char *s = malloc(len);
	if (s)
		snprintf(s, len, "[sim]\nname = \"tiny\"\nreverse = false\n%s\n%s", settings,
			 nodes);
	return s;
}

static bool model_with(topo_model *m, const char *settings, char *err, size_t errsz)
{
	char *toml = with_dnssec(settings);
	memfile files[] = {
		{ "t.toml", toml }, { "./root.zone", tiny_root }, { "./test.zone", tiny_test },
		{ "./example.zone", tiny_example }, { NULL, NULL },
	};
	bool ok = toml && model_from(m, files, err, errsz);
	free(toml);
	return ok;
}

static void name(const char *text, dns_name *out)
{
	CHECK(dns_name_from_text(out, text, strlen(text), dns_name_root) == DNS_OK);
}

static unsigned reported;
static char last_report[1200];

static void keep_report(void *ctx, const char *line)
{
	(void)ctx;
	reported++;
	snprintf(last_report, sizeof last_report, "%s", line);
}

static void test_switches(void)
{
	topo_model m;
	char err[512];
	CHECK(model_with(&m, "dnssec = \"nsec\"\n"
			 "[zone.\"example.test.\"]\ndnssec = \"off\"\n"
			 "[zone.\"test.\"]\ndnssec = \"nsec3\"\nalgorithm = \"ED25519\"\n",
			 err, sizeof err));
	dns_name root, test, ex;
	name(".", &root);
	name("test.", &test);
	name("Example.Test.", &ex);
	uint8_t alg = 0;
	CHECK(signing_mode_of(&m.t, root.data, &alg, NULL) == TOPO_DNSSEC_NSEC);
	CHECK_INT(alg, DNSSEC_ALG_ECDSAP256SHA256);
	const topo_zone_conf *conf = NULL;
	CHECK(signing_mode_of(&m.t, test.data, &alg, &conf) == TOPO_DNSSEC_NSEC3);
	CHECK_INT(alg, DNSSEC_ALG_ED25519);
	CHECK(conf && strcmp(conf->origin, "test.") == 0);
	dns_name_to_lower(ex.data);
	CHECK(signing_mode_of(&m.t, ex.data, NULL, NULL) == TOPO_DNSSEC_OFF);

	size_t n;
	bool oom;
	signing_plan *p = signing_plans(&m.t, m.zones, &n, &oom);
	CHECK(!oom);
	CHECK_INT(n, 2);
	for (size_t i = 0; i < n; i++)
		CHECK(!dns_name_equal(p[i].origin.data, ex.data) && p[i].ksk == NULL);
	free(p);
	reported = 0;
	CHECK_INT(topo_check(&m, keep_report, NULL), 0);
	topo_model_free(&m);

	/* The sim's algorithm, by number; nothing signed by default. */
	CHECK(model_with(&m, "dnssec_algorithm = 8\n", err, sizeof err));
	CHECK(signing_mode_of(&m.t, root.data, &alg, NULL) == TOPO_DNSSEC_OFF);
	CHECK_INT(alg, DNSSEC_ALG_RSASHA256);
	p = signing_plans(&m.t, m.zones, &n, &oom);
	CHECK(p == NULL && n == 0 && !oom);
	topo_model_free(&m);

	/* Key files, relative to the zones' folder. */
	CHECK(model_with(&m, "[zone.\"test.\"]\ndnssec = \"nsec\"\nksk = \"k/Ktest.+013+00001.private\"\n"
			 "zsk = \"/abs/Ktest.+013+00002\"\n", err, sizeof err));
	CHECK(m.t.nzconf == 1 && strcmp(m.t.zconf[0].ksk, "./k/Ktest.+013+00001.private") == 0 &&
	      strcmp(m.t.zconf[0].zsk, "/abs/Ktest.+013+00002") == 0);
	topo_model_free(&m);
}

static void expect_error(const char *settings, const char *want)
{
	topo_model m;
	char err[512] = "";
	bool ok = model_with(&m, settings, err, sizeof err);
	CHECK(!ok);
	if (ok)
		topo_model_free(&m);
	else if (strstr(err, want) == NULL)
		printf("  got: %s\n  want: %s\n", err, want);
	CHECK(strstr(err, want) != NULL);
}

static void test_bad_switches(void)
{
	expect_error("dnssec = \"yes\"\n", "sim.dnssec = \"yes\": sign with \"nsec\"");
	expect_error("dnssec = true\n", "sim.dnssec must be a string");
	expect_error("dnssec_algorithm = \"RSASHA1\"\n", "the algorithms are RSASHA256");
	expect_error("[zone.\"test.\"]\ndnsec = \"nsec\"\n", "did you mean \"dnssec\"");
	expect_error("[zone.\"test.\"]\nksk = \"a.private\"\n", "give both ksk and zsk");
	expect_error("[zone.\"test.\"]\nalgorithm = 5\n", "algorithm = 5");
}

static void test_check(void)
{
	topo_model m;
	char err[512];
	CHECK(model_with(&m, "[zone.\"nowhere.test.\"]\ndnssec = \"nsec\"\n", err, sizeof err));
	reported = 0;
	CHECK_INT(topo_check(&m, keep_report, NULL), 1);
	CHECK(strstr(last_report, "[zone.\"nowhere.test.\"]: no node serves a zone") != NULL);
	topo_model_free(&m);

	/* A zone file that comes signed is served as it is, not signed again. */
	char *toml = with_dnssec("dnssec = \"nsec\"\n");
	static const char signed_example[] =
		"$TTL 3600\n@ SOA ns1 admin 7 1800 900 604800 300\n@ NS ns1\n"
		"ns1 A 198.51.100.4\n"
		"@ RRSIG SOA 13 2 3600 20300101000000 20200101000000 1 example.test. AAAA\n";
	memfile files[] = {
		{ "t.toml", toml }, { "./root.zone", tiny_root }, { "./test.zone", tiny_test },
		{ "./example.zone", signed_example }, { NULL, NULL },
	};
	CHECK(toml && model_from(&m, files, err, sizeof err));
	reported = 0;
	CHECK_INT(topo_check(&m, keep_report, NULL), 1);
	CHECK(strstr(last_report, "zone example.test. comes signed already") != NULL);
	topo_model_free(&m);
	free(toml);
}

/* Keys for every zone the plans name, as runtime/keys.c makes them. */
static void make_keys(topo_model *m)
{
	size_t n;
	bool oom;
	signing_plan *p = signing_plans(&m->t, m->zones, &n, &oom);
	topo_keyring *kr = calloc(1, sizeof *kr);
	CHECK(kr != NULL);
	if (kr == NULL)
		return;
	kr->inception = NOW - 3600;
	kr->expiration = NOW + 86400 * 30;
	for (size_t i = 0; i < n; i++) {
		signing_zone *z = signing_add_zone(kr, p[i].origin.data, p[i].mode);
		CHECK(z != NULL);
		for (int ksk = 1; z && ksk >= 0; ksk--) {
			dnssec_key k;
			CHECK(dnssec_key_generate(&k, z->origin.data, p[i].algorithm,
						  ksk ? DNSSEC_FLAGS_KSK : DNSSEC_FLAGS_ZSK, 0) == DNS_OK);
			CHECK(signing_add_key(z, &k));
		}
	}
	free(p);
	m->zones->keys = kr;
}

static void print_diag(void *ctx, const dns_diag *d)
{
	(void)ctx;
	printf("  verify: %s\n", d->msg);
}

static bool served(topo_model *m, const char *node, dns_zonedata *zd)
{
	const topo_node *n = topo_node_find(&m->t, node);
	bool derived;
	char err[512] = "";
	bool ok = n && render_served_zone(&m->t, m->zones, n, &n->zones[0], zd, &derived, err,
					  sizeof err);
	if (!ok)
		printf("  render %s: %s\n", node, err);
	return ok;
}

static void test_signed_copies(void)
{
	topo_model m;
	char err[512];
	CHECK(model_with(&m, "dnssec = \"nsec\"\n[zone.\"test.\"]\ndnssec = \"nsec3\"\n"
			 "[zone.\"example.test.\"]\ndnssec = \"off\"\n", err, sizeof err));
	make_keys(&m);
	dns_name test;
	name("test.", &test);
	const signing_zone *tz = signing_find(m.zones->keys, test.data);
	CHECK(tz && tz->nkeys == 2 && tz->mode == TOPO_DNSSEC_NSEC3);

	/* The root: signed, with test.'s DS beside the derived delegation. */
	dns_zonedata zd;
	CHECK(served(&m, "root", &zd));
	CHECK_INT(dnssec_verify_zone(&zd, NOW, print_diag, NULL), 0);
	CHECK_INT(count_rr(&zd, "test.", DNS_T_NS), 1);
	CHECK_INT(count_rr(&zd, "test.", DNS_T_DS), 1);
	CHECK_INT(count_rr(&zd, ".", DNS_T_DNSKEY), 2);
	CHECK_INT(count_rr(&zd, "test.", DNS_T_NSEC), 1);
	size_t matched = 0;
	for (size_t i = 0; i < zd.n; i++)
		if (zd.rr[i].type == DNS_T_DS)
			for (size_t k = 0; tz && k < tz->nkeys; k++)
				matched += dnssec_ds_matches(test.data, zd.rr[i].rdata, zd.rr[i].rdlen,
							     tz->keys[k].rdata, tz->keys[k].rdlen) &&
					   (tz->keys[k].flags & DNSSEC_FLAG_SEP);
	CHECK_INT(matched, 1);
	dns_zonedata_free(&zd);

	/* test.: NSEC3, and no DS for its unsigned child (the chain proves
	 * there is none). */
	CHECK(served(&m, "tld", &zd));
	CHECK_INT(dnssec_verify_zone(&zd, NOW, print_diag, NULL), 0);
	CHECK_INT(count_rr(&zd, "test.", DNS_T_NSEC3PARAM), 1);
	CHECK_INT(count_rr(&zd, "example.test.", DNS_T_NS), 1);
	CHECK_INT(count_rr(&zd, "example.test.", DNS_T_DS), 0);
	dns_zonedata_free(&zd);

	/* example.test.: as before, unsigned. */
	CHECK(served(&m, "ex", &zd));
	size_t sigs = 0;
	for (size_t i = 0; i < zd.n; i++)
		sigs += zd.rr[i].type == DNS_T_RRSIG;
	CHECK_INT(sigs, 0);
	dns_zonedata_free(&zd);

	/* Expired on purpose: the same copy signed in the past fails. */
	const signing_zone *rz = signing_find(m.zones->keys, dns_name_root);
	dns_zonedata plain, old;
	CHECK(served(&m, "ex", &plain));
	dns_name ex;
	name("example.test.", &ex);
	signing_zone exz = { .mode = TOPO_DNSSEC_NSEC };
	dns_name_copy(&exz.origin, ex.data);
	dnssec_key k;
	CHECK(dnssec_key_generate(&k, ex.data, DNSSEC_ALG_ED25519, DNSSEC_FLAGS_KSK, 0) == DNS_OK);
	CHECK(signing_add_key(&exz, &k));
	CHECK(signing_sign_at(&exz, NOW - 20 * 86400, NOW - 86400, &plain, &old, err, sizeof err));
	CHECK(dnssec_verify_zone(&old, NOW, NULL, NULL) > 0);
	CHECK_INT(dnssec_verify_zone(&old, NOW - 2 * 86400, print_diag, NULL), 0);
	dns_zonedata_free(&old);
	dns_zonedata_free(&plain);
	dnssec_key_free(&exz.keys[0]);
	free(exz.keys);

	/* The DS text and the trust anchors. */
	char *ds = signing_ds_text(tz, 3600);
	CHECK(ds && strncmp(ds, "test. 3600 IN DS ", 17) == 0 && strstr(ds, " 13 2 ") != NULL);
	free(ds);
	char *anchor = rz ? signing_anchor_text(rz) : NULL;
	CHECK(anchor && strstr(anchor, "\n. 86400 IN DNSKEY 257 3 13 ") != NULL);
	free(anchor);
	char *bind = rz ? signing_bind_keys_text(rz) : NULL;
	CHECK(bind && strstr(bind, "trust-anchors {\n\t. static-key 257 3 13 \"") != NULL);
	free(bind);

	/* Resolvers trust the root's key. */
	const topo_node *res = topo_node_find(&m.t, "res");
	char *conf = res ? render_resolver_conf(&m.t, res, "/run/x", err, sizeof err) : NULL;
	CHECK(conf && strstr(conf, "trust-anchor /run/x/root.key\n") != NULL);
	free(conf);
	topo_model_free(&m);

	/* Without a signed root: no anchor, and nothing signed. */
	CHECK(model_with(&m, "", err, sizeof err));
	res = topo_node_find(&m.t, "res");
	conf = res ? render_resolver_conf(&m.t, res, "/run/x", err, sizeof err) : NULL;
	CHECK(conf && strstr(conf, "trust-anchor") == NULL);
	free(conf);
	topo_model_free(&m);
}

static void test_modes(void)
{
	topo_dnssec mode;
	CHECK(signing_mode_from_name("nsec3", &mode) && mode == TOPO_DNSSEC_NSEC3);
	CHECK(signing_mode_from_name("off", &mode) && mode == TOPO_DNSSEC_OFF);
	CHECK(!signing_mode_from_name("NSEC", &mode));
	CHECK_STR(signing_mode_name(TOPO_DNSSEC_NSEC), "nsec");
}

int main(void)
{
	RUN(test_switches);
	RUN(test_bad_switches);
	RUN(test_check);
	RUN(test_signed_copies);
	RUN(test_modes);
	return check_summary("test_signing");
}
