/* Editing a signed zone (zoneedit_apply_signed): with the zone's keys the
 * edit is signed where it touched the zone and the result verifies; an
 * edit of a signed zone without keys, or of the signer's own records, is
 * refused with its reason and nothing built; unsigned zones are edited
 * as before. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dnssec/signzone.h"
#include "topo/zoneedit.h"

static const char zone_text[] =
	"$TTL 3600\n"
	"@ SOA ns1 hostmaster 41 7200 3600 1209600 300\n"
	"@ NS ns1\n"
	"ns1 A 192.0.2.1\n"
	"www A 192.0.2.2\n"
	"shop CNAME www\n";

#define NOW 1700000000u
#define DAY 86400u

static dns_name origin;
static dnssec_key keys[2];
static unsigned problems;

static void count_errors(void *ctx, const dns_diag *d)
{
	(void)ctx;
	problems += d->severity == DNS_ERROR;
	if (getenv("TEST_VERBOSE"))
		fprintf(stderr, "  %s\n", d->msg);
}

static void load(dns_zonedata *z)
{
	dns_zonedata_init(z, origin.data, DNS_C_IN);
	dns_master_ops io = { 0 };
	if (dns_zonedata_load_text(z, "z", zone_text, strlen(zone_text), &io))
		abort();
}

static void signed_zone(dns_zonedata *z, bool nsec3)
{
	dns_zonedata plain;
	load(&plain);
	dnssec_sign_opts o = { .inception = NOW - 3600, .expiration = NOW + 30 * DAY,
			       .nsec3 = nsec3 };
	if (dnssec_sign_zone(&plain, keys, 2, &o, z, NULL, NULL))
		abort();
	dns_zonedata_free(&plain);
}

static unsigned edit(const dns_zonedata *in, const char *add, const char *del,
		     const zoneedit_signer *signer, dns_zonedata *out, size_t *resigned,
		     char *msg, size_t msgsz)
{
	size_t changed = 0;
	const char *adds[] = { add };
	dns_zonedata_init(out, in->origin.data, DNS_C_IN);
	problems = 0;
	return zoneedit_apply_signed(in, adds, add ? 1 : 0, del, 300, signer, out, &changed,
				     resigned, count_errors, NULL, msg, msgsz);
}

static const zoneedit_signer signer = { keys, 2, NOW, NOW + 30 * DAY };

static void test_signed_edits_are_signed_again(void)
{
	for (int nsec3 = 0; nsec3 < 2; nsec3++) {
		dns_zonedata z, out;
		char msg[512];
		size_t resigned = 0;
		signed_zone(&z, nsec3);
		CHECK(zoneedit_is_signed(&z));
		CHECK_INT(edit(&z, "mail 300 IN A 192.0.2.25", NULL, &signer, &out, &resigned, msg,
			       sizeof msg), 0);
		CHECK_STR(msg, "");
		CHECK_INT(zoneedit_serial(&out), 42);
		CHECK_INT(dnssec_verify_zone(&out, NOW + 60, count_errors, NULL), 0);
		CHECK_INT(resigned, 4);    /* mail A, its NSEC(3), the one before, SOA */
		dns_zonedata_free(&out);

		CHECK_INT(edit(&z, NULL, "shop", &signer, &out, &resigned, msg, sizeof msg), 0);
		CHECK_INT(dnssec_verify_zone(&out, NOW + 60, count_errors, NULL), 0);
		CHECK_INT(resigned, 2);    /* the chain record before shop, SOA */
		dns_zonedata_free(&out);

		CHECK_INT(edit(&z, NULL, "www A 192.0.2.2", &signer, &out, &resigned, msg,
			       sizeof msg), 0);
		/* www has no data left: it leaves the chain, and shop's CNAME
		 * now points at a name that does not exist (allowed). */
		CHECK_INT(dnssec_verify_zone(&out, NOW + 60, count_errors, NULL), 0);
		dns_zonedata_free(&out);
		dns_zonedata_free(&z);
	}
}

static void test_refusals(void)
{
	dns_zonedata z, out;
	char msg[512];
	signed_zone(&z, false);
	/* Without keys: refused, so no zone with stale signatures is made. */
	CHECK(edit(&z, "mail 300 IN A 192.0.2.25", NULL, NULL, &out, NULL, msg, sizeof msg) > 0);
	CHECK(strstr(msg, "signed") && strstr(msg, "private keys"));
	CHECK_INT(out.n, 0);
	dns_zonedata_free(&out);
	CHECK(edit(&z, NULL, "www", NULL, &out, NULL, msg, sizeof msg) > 0);
	CHECK(strstr(msg, "private keys") != NULL);
	dns_zonedata_free(&out);
	/* zoneedit_apply is the keyless case. */
	size_t changed;
	const char *adds[] = { "mail 300 IN A 192.0.2.25" };
	dns_zonedata_init(&out, z.origin.data, DNS_C_IN);
	CHECK(zoneedit_apply(&z, adds, 1, NULL, 300, &out, &changed, count_errors, NULL, msg,
			     sizeof msg) > 0);
	CHECK(strstr(msg, "private keys") != NULL);
	dns_zonedata_free(&out);
	/* The signer's own records are not edited by hand. */
	static const char *const signer_made[][2] = {
		{ "www 300 IN NSEC www.example.test. A", NULL },
		{ NULL, "www RRSIG" },
		{ NULL, "@ DNSKEY" },
		{ NULL, "www NSEC" },
	};
	for (size_t i = 0; i < sizeof signer_made / sizeof signer_made[0]; i++) {
		CHECK(edit(&z, signer_made[i][0], signer_made[i][1], &signer, &out, NULL, msg,
			   sizeof msg) > 0);
		CHECK(strstr(msg, "signer") != NULL);
		CHECK_INT(out.n, 0);
		dns_zonedata_free(&out);
	}
	/* The usual refusals still apply. */
	CHECK(edit(&z, NULL, "nothere", &signer, &out, NULL, msg, sizeof msg) > 0);
	CHECK(strstr(msg, "no record matches") != NULL);
	dns_zonedata_free(&out);
	dns_zonedata_free(&z);
}

static void test_unsigned_zones_as_before(void)
{
	dns_zonedata z, out;
	char msg[512];
	size_t resigned = 7;
	load(&z);
	CHECK(!zoneedit_is_signed(&z));
	CHECK_INT(edit(&z, "mail 300 IN A 192.0.2.25", NULL, NULL, &out, &resigned, msg,
		       sizeof msg), 0);
	CHECK_INT(resigned, 0);
	CHECK_INT(out.n, z.n + 1);
	CHECK(!zoneedit_is_signed(&out));
	dns_zonedata_free(&out);
	dns_zonedata_free(&z);
}

int main(void)
{
	if (dns_name_from_text(&origin, "example.test.", 13, NULL) ||
	    dnssec_key_generate(&keys[0], origin.data, 13, DNSSEC_FLAGS_KSK, 0) ||
	    dnssec_key_generate(&keys[1], origin.data, 13, DNSSEC_FLAGS_ZSK, 0))
		abort();
	RUN(test_signed_edits_are_signed_again);
	RUN(test_refusals);
	RUN(test_unsigned_zones_as_before);
	dnssec_key_free(&keys[0]);
	dnssec_key_free(&keys[1]);
	return check_summary("test_zoneedit_signed");
}
