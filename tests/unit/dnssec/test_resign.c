/* Signing a zone again after an edit (dnssec_resign_zone): the result
 * verifies, keeps the signatures of everything the edit did not touch,
 * and signs anew exactly the changed RRsets, the SOA and the NSEC or
 * NSEC3 records around changed names; the chain kind and parameters are
 * read from the zone (dnssec_zone_signing). */
#include "check.h"
#include "dns/rdata.h"
#include "dns/serial.h"
#include "dns/soa.h"
#include "dns/zonedata.h"
#include "dnssec/nsec.h"
#include "dnssec/rrsig.h"
#include "dnssec/signzone.h"

#include <errno.h>
#include <stdlib.h>

static const char zone_text[] =
	"$ORIGIN example.\n"
	"$TTL 3600\n"
	"@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
	"@ NS ns1\n"
	"ns1 A 192.0.2.1\n"
	"www A 192.0.2.2\n"
	"mail A 192.0.2.5\n"
	"a.b.c TXT \"deep\"\n"
	"sub NS ns2.sub\n"
	"ns2.sub A 192.0.2.3\n"
	"*.wild MX 10 mail\n";

#define NOW 1700000000u
#define DAY 86400u

static int no_files(void *ctx, const char *path, char **data, size_t *len)
{
	(void)ctx;
	(void)path;
	(void)data;
	(void)len;
	return ENOENT;
}

static unsigned diags;
static void diag(void *ctx, const dns_diag *d)
{
	(void)ctx;
	diags++;
	if (getenv("TEST_VERBOSE"))
		fprintf(stderr, "  %s\n", d->msg);
}

static dns_name origin;
static dnssec_key keys[2], stranger;

static void load(dns_zonedata *z, const char *text)
{
	dns_zonedata_init(z, origin.data, DNS_C_IN);
	dns_master_ops io = { no_files, NULL, diag, NULL };
	if (dns_zonedata_load_text(z, "example.zone", text, strlen(text), &io))
		abort();
}

static void sign(dns_zonedata *out, bool nsec3, bool optout)
{
	dns_zonedata plain;
	load(&plain, zone_text);
	dnssec_sign_opts o = { .inception = NOW - 3600, .expiration = NOW + 30 * DAY,
			       .nsec3 = nsec3, .optout = optout };
	if (optout) {
		o.salt = (const uint8_t *)"\x12\x34";
		o.saltlen = 2;
		o.iterations = 4;
	}
	CHECK_INT(dnssec_sign_zone(&plain, keys, 2, &o, out, diag, NULL), 0);
	dns_zonedata_free(&plain);
}

/* A copy of z as an edit would leave it: the records, without those at
 * `drop` (owner text, or NULL) of type `drop_type` (0: any), plus the
 * record `add` (or NULL), the SOA serial bumped.  The old DNSSEC records
 * stay, as zoneedit leaves them. */
static void edit(const dns_zonedata *z, const char *drop, uint16_t drop_type, const char *add,
		 dns_zonedata *out)
{
	dns_name d;
	if (drop && dns_name_from_text(&d, drop, strlen(drop), origin.data))
		abort();
	dns_zonedata_init(out, origin.data, DNS_C_IN);
	for (size_t i = 0; i < z->n; i++) {
		dns_rr rr = z->rr[i];
		uint8_t soa[512];
		if (drop && dns_name_equal(rr.owner, d.data) && (!drop_type || rr.type == drop_type))
			continue;
		if (rr.type == DNS_T_SOA) {
			dns_soa s;
			memcpy(soa, rr.rdata, rr.rdlen);
			if (dns_soa_read(soa, rr.rdlen, &s) ||
			    dns_soa_set_serial(soa, rr.rdlen, dns_serial_next(s.serial)))
				abort();
			rr.rdata = soa;
		}
		if (!dns_zonedata_add(out, &rr, "zone", 1))
			abort();
	}
	if (add) {
		uint8_t buf[1024];
		dns_rr rr;
		char err[128];
		if (dns_master_parse_rr(add, origin.data, DNS_C_IN, 3600, buf, sizeof buf, &rr, err,
					sizeof err) ||
		    !dns_zonedata_add(out, &rr, "zone", 2))
			abort();
	}
	if (dns_zonedata_finish(out, diag, NULL))
		abort();
}

/* How many RRSIG records of `a` are not in `b` (by RDATA). */
static size_t new_signatures(const dns_zonedata *a, const dns_zonedata *b)
{
	size_t n = 0;
	for (size_t i = 0; i < a->n; i++) {
		if (a->rr[i].type != DNS_T_RRSIG)
			continue;
		bool found = false;
		for (size_t k = 0; k < b->n && !found; k++)
			found = b->rr[k].type == DNS_T_RRSIG && b->rr[k].rdlen == a->rr[i].rdlen &&
				memcmp(b->rr[k].rdata, a->rr[i].rdata, a->rr[i].rdlen) == 0;
		n += !found;
	}
	return n;
}

static size_t count_type(const dns_zonedata *z, uint16_t type)
{
	size_t n = 0;
	for (size_t i = 0; i < z->n; i++)
		n += z->rr[i].type == type;
	return n;
}

static void test_reads_how_the_zone_is_signed(void)
{
	dns_zonedata z;
	dnssec_sign_opts o;
	sign(&z, false, false);
	CHECK(dnssec_zone_signing(&z, &o));
	CHECK(!o.nsec3);
	CHECK_INT(o.dnskey_ttl, 3600);
	dns_zonedata_free(&z);
	sign(&z, true, true);
	CHECK(dnssec_zone_signing(&z, &o));
	CHECK(o.nsec3 && o.optout);
	CHECK_INT(o.iterations, 4);
	CHECK_INT(o.saltlen, 2);
	CHECK(o.salt && o.salt[0] == 0x12 && o.salt[1] == 0x34);
	dns_zonedata_free(&z);
	load(&z, zone_text);
	CHECK(!dnssec_zone_signing(&z, &o));
	dns_zonedata_free(&z);
}

/* For each chain kind: nothing changed signs nothing; an added name
 * signs its RRset, its chain record, the one before it and the SOA; a
 * removed name the one before it and the SOA; a changed RRset itself and
 * the SOA.  Every result verifies. */
static void test_signs_only_what_changed(void)
{
	for (int mode = 0; mode < 3; mode++) {
		dns_zonedata z, e, out;
		size_t fresh = 99;
		sign(&z, mode > 0, mode == 2);
		CHECK_INT(dnssec_resign_zone(&z, &z, keys, 2, NOW, NOW + 30 * DAY, &out, &fresh, diag,
					     NULL), 0);
		CHECK_INT(fresh, 0);
		CHECK_INT(out.n, z.n);
		CHECK_INT(new_signatures(&out, &z), 0);
		dns_zonedata_free(&out);

		/* A new name. */
		edit(&z, NULL, 0, "new 3600 IN A 192.0.2.99", &e);
		CHECK_INT(dnssec_resign_zone(&z, &e, keys, 2, NOW, NOW + 30 * DAY, &out, &fresh, diag,
					     NULL), 0);
		CHECK_INT(dnssec_verify_zone(&out, NOW + 60, diag, NULL), 0);
		CHECK_INT(fresh, 4);          /* new A, new NSEC(3), its predecessor, SOA */
		CHECK_INT(new_signatures(&out, &z), 4);
		CHECK_INT(count_type(&out, mode ? DNS_T_NSEC3 : DNS_T_NSEC),
			  count_type(&z, mode ? DNS_T_NSEC3 : DNS_T_NSEC) + 1);
		dns_zonedata_free(&e);
		dns_zonedata_free(&out);

		/* A name gone. */
		edit(&z, "mail", 0, NULL, &e);
		CHECK_INT(dnssec_resign_zone(&z, &e, keys, 2, NOW, NOW + 30 * DAY, &out, &fresh, diag,
					     NULL), 0);
		CHECK_INT(dnssec_verify_zone(&out, NOW + 60, diag, NULL), 0);
		CHECK_INT(fresh, 2);          /* the predecessor's chain record, SOA */
		dns_zonedata_free(&e);
		dns_zonedata_free(&out);

		/* A changed RRset: one more address at www. */
		edit(&z, NULL, 0, "www 3600 IN A 192.0.2.3", &e);
		CHECK_INT(dnssec_resign_zone(&z, &e, keys, 2, NOW, NOW + 30 * DAY, &out, &fresh, diag,
					     NULL), 0);
		CHECK_INT(dnssec_verify_zone(&out, NOW + 60, diag, NULL), 0);
		CHECK_INT(fresh, 2);          /* www A, SOA */
		dns_zonedata_free(&e);
		dns_zonedata_free(&out);

		/* A name below new empty non-terminals (NSEC3 records for them). */
		edit(&z, NULL, 0, "x.y.new 3600 IN A 192.0.2.98", &e);
		CHECK_INT(dnssec_resign_zone(&z, &e, keys, 2, NOW, NOW + 30 * DAY, &out, &fresh, diag,
					     NULL), 0);
		CHECK_INT(dnssec_verify_zone(&out, NOW + 60, diag, NULL), 0);
		CHECK_INT(count_type(&out, DNS_T_NSEC3), mode ? count_type(&z, DNS_T_NSEC3) + 3 : 0);
		dns_zonedata_free(&e);
		dns_zonedata_free(&out);

		/* A new type at a name: its bitmap changes too. */
		edit(&z, NULL, 0, "www 3600 IN TXT \"hello\"", &e);
		CHECK_INT(dnssec_resign_zone(&z, &e, keys, 2, NOW, NOW + 30 * DAY, &out, &fresh, diag,
					     NULL), 0);
		CHECK_INT(dnssec_verify_zone(&out, NOW + 60, diag, NULL), 0);
		CHECK_INT(fresh, 3);          /* www TXT, www's NSEC(3), SOA */
		dns_zonedata_free(&e);
		dns_zonedata_free(&out);
		dns_zonedata_free(&z);
	}
}

static void test_old_signatures_near_expiry_are_renewed(void)
{
	dns_zonedata z, out;
	size_t fresh = 0;
	sign(&z, false, false);
	/* 30 days of validity from NOW-3600: signing 25 days later for
	 * another 30 leaves the old ones less than a quarter. */
	CHECK_INT(dnssec_resign_zone(&z, &z, keys, 2, NOW + 25 * DAY, NOW + 55 * DAY, &out, &fresh,
				     diag, NULL), 0);
	CHECK_INT(dnssec_verify_zone(&out, NOW + 40 * DAY, diag, NULL), 0);
	CHECK(fresh > 10);
	CHECK_INT(new_signatures(&out, &z), count_type(&out, DNS_T_RRSIG));
	dns_zonedata_free(&out);
	dns_zonedata_free(&z);
}

static void test_refusals(void)
{
	dns_zonedata z, out;
	unsigned before = diags;
	load(&z, zone_text);
	CHECK(dnssec_resign_zone(&z, &z, keys, 2, NOW, NOW + DAY, &out, NULL, diag, NULL) > 0);
	dns_zonedata_free(&out);
	dns_zonedata_free(&z);
	/* A key the zone does not publish. */
	sign(&z, true, false);
	CHECK(dnssec_resign_zone(&z, &z, &stranger, 1, NOW, NOW + DAY, &out, NULL, diag, NULL) > 0);
	dns_zonedata_free(&out);
	/* A key without its private half. */
	dnssec_key pub;
	CHECK_INT(dnssec_key_from_dnskey(&pub, origin.data, keys[1].rdata, keys[1].rdlen), DNS_OK);
	CHECK(dnssec_resign_zone(&z, &z, &pub, 1, NOW, NOW + DAY, &out, NULL, diag, NULL) > 0);
	dnssec_key_free(&pub);
	dns_zonedata_free(&out);
	dns_zonedata_free(&z);
	CHECK(diags >= before + 3);
}

int main(void)
{
	if (dns_name_from_text(&origin, "example.", 8, NULL) ||
	    dnssec_key_generate(&keys[0], origin.data, 13, DNSSEC_FLAGS_KSK, 0) ||
	    dnssec_key_generate(&keys[1], origin.data, 13, DNSSEC_FLAGS_ZSK, 0) ||
	    dnssec_key_generate(&stranger, origin.data, 13, DNSSEC_FLAGS_ZSK, 0))
		abort();
	RUN(test_reads_how_the_zone_is_signed);
	RUN(test_signs_only_what_changed);
	RUN(test_old_signatures_near_expiry_are_renewed);
	RUN(test_refusals);
	dnssec_key_free(&keys[0]);
	dnssec_key_free(&keys[1]);
	dnssec_key_free(&stranger);
	return check_summary("test_resign");
}
