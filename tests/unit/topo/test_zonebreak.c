/* Signed zones broken on purpose and mended: each break leaves a zone
 * that loads but fails dnssec-verify's checks for its own reason, and
 * mending makes it verify again with a newer serial. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dns/name.h"
#include "dns/rrtype.h"
#include "dns/wire.h"
#include "dnssec/signzone.h"
#include "topo/zonebreak.h"
#include "topo/zoneedit.h"

#define NOW 1780000000u
#define DAY 86400u

static const char zone_text[] =
	"$TTL 3600\n"
	"@ SOA ns1 admin 7 1800 900 604800 300\n"
	"@ NS ns1\n"
	"ns1 A 192.0.2.53\n"
	"www A 192.0.2.80\n"
	"www AAAA 2001:db8::80\n"
	"@ MX 10 mail\n"
	"mail A 192.0.2.25\n"
	"sub NS ns.sub\n"
	"ns.sub A 192.0.2.54\n";

static dns_name origin;

static signing_zone make_keys(topo_dnssec mode)
{
	signing_zone z = { .mode = mode };
	dns_name_copy(&z.origin, origin.data);
	for (int ksk = 1; ksk >= 0; ksk--) {
		dnssec_key k;
		CHECK(dnssec_key_generate(&k, origin.data, DNSSEC_ALG_ECDSAP256SHA256,
					  ksk ? DNSSEC_FLAGS_KSK : DNSSEC_FLAGS_ZSK, 0) == DNS_OK);
		CHECK(signing_add_key(&z, &k));
	}
	return z;
}

static void free_keys(signing_zone *z)
{
	for (size_t i = 0; i < z->nkeys; i++)
		dnssec_key_free(&z->keys[i]);
	free(z->keys);
}

/* The zone, signed now. */
static bool signed_zone(const signing_zone *z, dns_zonedata *out)
{
	dns_zonedata plain;
	dns_zonedata_init(&plain, origin.data, DNS_C_IN);
	dns_master_ops io = { 0 };
	bool ok = dns_zonedata_load_text(&plain, "t.zone", zone_text, strlen(zone_text), &io) == 0;
	char err[256] = "";
	ok = ok && signing_sign_at(z, NOW - 3600, NOW + 30 * DAY, &plain, out, err, sizeof err);
	if (!ok)
		printf("  signing: %s\n", err);
	dns_zonedata_free(&plain);
	return ok;
}

static size_t count_type(const dns_zonedata *zd, uint16_t type)
{
	size_t n = 0;
	for (size_t i = 0; i < zd->n; i++)
		n += zd->rr[i].type == type;
	return n;
}

static size_t count_sigs_over(const dns_zonedata *zd, uint16_t covered)
{
	size_t n = 0;
	for (size_t i = 0; i < zd->n; i++)
		n += zd->rr[i].type == DNS_T_RRSIG && zd->rr[i].rdlen >= 2 &&
		     dns_get16(zd->rr[i].rdata) == covered;
	return n;
}

static unsigned problems(const dns_zonedata *zd, uint32_t when)
{
	return dnssec_verify_zone(zd, when, NULL, NULL);
}

static void test_names(void)
{
	for (unsigned k = 0; k < ZONEBREAK_KINDS; k++) {
		zonebreak_kind back;
		CHECK(zonebreak_from_name(zonebreak_name(k), &back) && back == k);
		CHECK(strlen(zonebreak_what(k)) > 10);
	}
	zonebreak_kind k;
	CHECK(!zonebreak_from_name("everything", &k));
	CHECK_STR(zonebreak_name(ZONEBREAK_NSEC), "nsec");
}

static void test_each_break(void)
{
	for (int mode = 0; mode < 2; mode++) {
		signing_zone z = make_keys(mode ? TOPO_DNSSEC_NSEC3 : TOPO_DNSSEC_NSEC);
		dns_zonedata good;
		CHECK(signed_zone(&z, &good));
		CHECK_INT(problems(&good, NOW), 0);
		uint32_t serial = zoneedit_serial(&good);
		char err[256];
		for (unsigned k = 0; k < ZONEBREAK_KINDS; k++) {
			dns_zonedata bad;
			err[0] = '\0';
			bool ok = zonebreak_zone(k, &z, NOW, &good, &bad, err, sizeof err);
			if (k == ZONEBREAK_DS) {
				CHECK(!ok && strstr(err, "parent") != NULL);
				dns_zonedata_free(&bad);
				continue;
			}
			CHECK(ok);
			if (!ok) {
				printf("  %s: %s\n", zonebreak_name(k), err);
				dns_zonedata_free(&bad);
				continue;
			}
			/* Served with a new serial, whose SOA still verifies but for
			 * the ZSK's absence. */
			CHECK_INT(zoneedit_serial(&bad), serial + 1);
			CHECK(problems(&bad, NOW) > 0);
			CHECK_INT(count_sigs_over(&bad, DNS_T_SOA), 1);
			switch (k) {
			case ZONEBREAK_EXPIRED:
				CHECK_INT(problems(&bad, NOW - 2 * DAY), 0);
				break;
			case ZONEBREAK_RRSIG:
				CHECK_INT(count_sigs_over(&bad, DNS_T_A), 0);
				CHECK_INT(count_sigs_over(&bad, DNS_T_MX), 0);
				CHECK_INT(count_sigs_over(&bad, DNS_T_AAAA), 0);
				CHECK_INT(count_sigs_over(&bad, DNS_T_NS), 1);
				CHECK_INT(count_sigs_over(&bad, DNS_T_DNSKEY), 1);
				CHECK(count_type(&bad, mode ? DNS_T_NSEC3 : DNS_T_NSEC) > 0);
				break;
			case ZONEBREAK_DNSKEY:
				CHECK_INT(count_type(&bad, DNS_T_DNSKEY), 1);
				CHECK(count_sigs_over(&bad, DNS_T_A) > 0);
				break;
			case ZONEBREAK_NSEC:
				CHECK_INT(count_type(&bad, DNS_T_NSEC), 0);
				CHECK_INT(count_type(&bad, DNS_T_NSEC3), 0);
				CHECK_INT(count_sigs_over(&bad, DNS_T_NSEC), 0);
				CHECK_INT(count_sigs_over(&bad, DNS_T_NSEC3), 0);
				CHECK(count_sigs_over(&bad, DNS_T_A) > 0);
				break;
			default:
				break;
			}
			/* Mended: verifies again, with the zone's own chain kind. */
			dns_zonedata mended;
			CHECK(zonebreak_mend(&z, NOW - 3600, NOW + DAY, &bad, &mended, err, sizeof err));
			CHECK_INT(problems(&mended, NOW), 0);
			CHECK_INT(zoneedit_serial(&mended), serial + 2);
			CHECK_INT(count_type(&mended, DNS_T_DNSKEY), 2);
			CHECK_INT(count_type(&mended, DNS_T_NSEC3PARAM), mode ? 1 : 0);
			dns_zonedata_free(&mended);
			dns_zonedata_free(&bad);
		}
		dns_zonedata_free(&good);
		free_keys(&z);
	}
}

static void test_mend_signs_an_unsigned_zone(void)
{
	signing_zone z = make_keys(TOPO_DNSSEC_NSEC);
	dns_zonedata plain, out;
	dns_zonedata_init(&plain, origin.data, DNS_C_IN);
	dns_master_ops io = { 0 };
	CHECK(dns_zonedata_load_text(&plain, "t.zone", zone_text, strlen(zone_text), &io) == 0);
	char err[256];
	CHECK(zonebreak_mend(&z, NOW - 3600, NOW + DAY, &plain, &out, err, sizeof err));
	CHECK_INT(problems(&out, NOW), 0);
	CHECK_INT(zoneedit_serial(&out), 8);
	dns_zonedata_free(&out);
	dns_zonedata_free(&plain);
	free_keys(&z);
}

static void test_bad_ds(void)
{
	signing_zone z = make_keys(TOPO_DNSSEC_NSEC);
	char *good = signing_ds_text(&z, 3600), *bad = zonebreak_bad_ds_text(&z, 3600);
	CHECK(good && bad && strlen(good) == strlen(bad) && strcmp(good, bad) != 0);
	/* Same owner, tag, algorithm and digest type: only the digest differs. */
	size_t keep = good ? strlen(good) - 2 : 0;
	CHECK(good && bad && strncmp(good, bad, keep) == 0);
	free(good);
	free(bad);
	/* Without a KSK there is no DS to spoil. */
	signing_zone zsk_only = { .mode = TOPO_DNSSEC_NSEC, .keys = &z.keys[1], .nkeys = 1 };
	dns_name_copy(&zsk_only.origin, origin.data);
	CHECK(zonebreak_bad_ds_text(&zsk_only, 3600) == NULL);
	free_keys(&z);
}

int main(void)
{
	CHECK(dns_name_from_text(&origin, "example.test.", 13, dns_name_root) == DNS_OK);
	RUN(test_names);
	RUN(test_each_break);
	RUN(test_mend_signs_an_unsigned_zone);
	RUN(test_bad_ds);
	return check_summary("test_zonebreak");
}
