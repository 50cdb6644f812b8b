/* Zone signing and verification: a zone with a signed and an unsigned
 * delegation, glue, empty non-terminals and a wildcard, signed with NSEC
 * and NSEC3 (with and without opt-out) by KSK+ZSK and single-key setups;
 * our verifier accepts each, and rejects each kind of damage. */
#include "check.h"
#include "dns/rdata.h"
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
	"@ MX 10 mail\n"
	"ns1 A 192.0.2.1\n"
	"www A 192.0.2.2\n"
	"www AAAA 2001:db8::2\n"
	"a.b.c TXT \"deep\"\n"
	"sub NS ns2.sub\n"
	"ns2.sub A 192.0.2.3\n"
	"secure NS ns.secure\n"
	"secure DS 12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
	"ns.secure A 192.0.2.4\n"
	"*.wild MX 10 mail\n"
	"mail A 192.0.2.5\n";

static int no_files(void *ctx, const char *path, char **data, size_t *len)
{
	(void)ctx;
	(void)path;
	(void)data;
	(void)len;
	return ENOENT;
}

static unsigned diag_count;
static void diag(void *ctx, const dns_diag *d)
{
	(void)ctx;
	diag_count++;
	if (getenv("TEST_VERBOSE"))
		fprintf(stderr, "  %s\n", d->msg);
}

static dns_name origin;

static void load(dns_zonedata *z)
{
	dns_zonedata_init(z, origin.data, DNS_C_IN);
	dns_master_ops io = { no_files, NULL, diag, NULL };
	if (dns_zonedata_load_text(z, "example.zone", zone_text, strlen(zone_text), &io))
		abort();
}

static size_t count_type(const dns_zonedata *z, uint16_t type)
{
	size_t n = 0;
	for (size_t i = 0; i < z->n; i++)
		n += z->rr[i].type == type;
	return n;
}

/* RRSIGs at `owner` covering `type`. */
static size_t sigs_over(const dns_zonedata *z, const char *owner, uint16_t type)
{
	dns_name o;
	if (dns_name_from_text(&o, owner, strlen(owner), origin.data))
		abort();
	size_t n = 0;
	for (size_t i = 0; i < z->n; i++)
		if (z->rr[i].type == DNS_T_RRSIG && dns_name_equal(z->rr[i].owner, o.data) &&
		    (z->rr[i].rdata[0] << 8 | z->rr[i].rdata[1]) == type)
			n++;
	return n;
}

static const uint32_t now = 1700000000;

static void sign(const dns_zonedata *in, dnssec_key *keys, size_t nkeys,
		 const dnssec_sign_opts *o, dns_zonedata *out)
{
	diag_count = 0;
	CHECK_INT(dnssec_sign_zone(in, keys, nkeys, o, out, diag, NULL), 0);
	CHECK_INT(diag_count, 0);
	CHECK_INT(dnssec_verify_zone(out, now, diag, NULL), 0);
	CHECK_INT(diag_count, 0);
}

static void test_nsec_ksk_zsk(void)
{
	dns_zonedata in, out;
	load(&in);
	dnssec_key keys[2];
	CHECK_INT(dnssec_key_generate(&keys[0], origin.data, 13, DNSSEC_FLAGS_KSK, 0), DNS_OK);
	CHECK_INT(dnssec_key_generate(&keys[1], origin.data, 13, DNSSEC_FLAGS_ZSK, 0), DNS_OK);
	dnssec_sign_opts o = { .inception = now - 3600, .expiration = now + 86400 };
	sign(&in, keys, 2, &o, &out);
	/* DNSKEY by the KSK only, the rest by the ZSK only. */
	CHECK_INT(sigs_over(&out, "example.", DNS_T_DNSKEY), 1);
	CHECK_INT(sigs_over(&out, "example.", DNS_T_SOA), 1);
	CHECK_INT(sigs_over(&out, "www", DNS_T_AAAA), 1);
	/* Delegations: DS and NSEC signed, NS and glue not. */
	CHECK_INT(sigs_over(&out, "secure", DNS_T_DS), 1);
	CHECK_INT(sigs_over(&out, "secure", DNS_T_NS), 0);
	CHECK_INT(sigs_over(&out, "secure", DNS_T_NSEC), 1);
	CHECK_INT(sigs_over(&out, "sub", DNS_T_NS), 0);
	CHECK_INT(sigs_over(&out, "ns2.sub", DNS_T_A), 0);
	CHECK_INT(sigs_over(&out, "ns.secure", DNS_T_A), 0);
	CHECK_INT(sigs_over(&out, "*.wild", DNS_T_MX), 1);
	/* NSEC at every authoritative name with data: apex, a.b.c, mail, ns1,
	 * secure, sub, *.wild, www; not at glue or empty non-terminals. */
	CHECK_INT(count_type(&out, DNS_T_NSEC), 8);
	CHECK_INT(count_type(&out, DNS_T_DNSKEY), 2);

	/* The resolver's side on the result: ml.example does not exist. */
	dnssec_nsec_chain c;
	CHECK_INT(dnssec_nsec_chain_build(&c, out.rr, out.n), DNS_OK);
	dns_name q;
	CHECK_INT(dns_name_from_text(&q, "nope.example.", 13, NULL), DNS_OK);
	dnssec_nsec_proof pr;
	CHECK_INT(dnssec_nsec_chain_prove(&c, origin.data, q.data, &pr), DNS_OK);
	dns_rr r[2] = { *pr.cover, *pr.wildcard };
	CHECK_INT(dnssec_nsec_nxdomain(r, 2, origin.data, q.data), DNSSEC_DENIAL_PROVEN);
	dnssec_nsec_chain_free(&c);

	/* Too late, too early. */
	diag_count = 0;
	CHECK(dnssec_verify_zone(&out, now + 2 * 86400, NULL, NULL) > 0);
	CHECK(dnssec_verify_zone(&out, now - 7200, NULL, NULL) > 0);

	/* One changed address: its RRSIG fails. */
	for (size_t i = 0; i < out.n; i++)
		if (out.rr[i].type == DNS_T_A && out.rr[i].rdata[3] == 2) {
			static uint8_t other[4] = { 192, 0, 2, 99 };
			const uint8_t *keep = out.rr[i].rdata;
			out.rr[i].rdata = other;
			CHECK(dnssec_verify_zone(&out, now, NULL, NULL) > 0);
			out.rr[i].rdata = keep;
		}
	CHECK_INT(dnssec_verify_zone(&out, now, NULL, NULL), 0);
	/* An NSEC gone from the chain (turned into TXT): the chain breaks. */
	for (size_t i = 0; i < out.n; i++)
		if (out.rr[i].type == DNS_T_NSEC) {
			out.rr[i].type = DNS_T_TXT;
			CHECK(dnssec_verify_zone(&out, now, NULL, NULL) > 0);
			out.rr[i].type = DNS_T_NSEC;
			break;
		}
	/* An unsigned RRset: remove the SOA's RRSIG (retype it). */
	for (size_t i = 0; i < out.n; i++)
		if (out.rr[i].type == DNS_T_RRSIG && out.rr[i].rdata[1] == DNS_T_SOA) {
			out.rr[i].type = DNS_T_TXT;
			CHECK(dnssec_verify_zone(&out, now, NULL, NULL) > 0);
			out.rr[i].type = DNS_T_RRSIG;
		}
	dns_zonedata_free(&out);

	/* Re-signing a signed zone replaces its DNSSEC records (the DNSKEYs
	 * already there merge with the keys'). */
	sign(&in, keys, 2, &o, &out);
	dns_zonedata again;
	sign(&out, keys, 2, &o, &again);
	CHECK_INT(count_type(&again, DNS_T_DNSKEY), 2);
	CHECK_INT(count_type(&again, DNS_T_NSEC), 8);
	CHECK_INT(count_type(&again, DNS_T_RRSIG), count_type(&out, DNS_T_RRSIG));
	CHECK_INT(sigs_over(&again, "example.", DNS_T_DNSKEY), 1);
	dns_zonedata_free(&again);
	/* With the ZSK alone, the KSK left in the DNSKEY RRset has not signed
	 * it: the verifier says so. */
	CHECK_INT(dnssec_sign_zone(&out, keys + 1, 1, &o, &again, NULL, NULL), 0);
	CHECK_INT(dnssec_verify_zone(&again, now, NULL, NULL), 1);
	dns_zonedata_free(&again);
	dns_zonedata_free(&out);
	dnssec_keys_free(keys, 2);
	dns_zonedata_free(&in);
}

static void test_nsec3(void)
{
	dns_zonedata in, out;
	load(&in);
	dnssec_key k;
	CHECK_INT(dnssec_key_generate(&k, origin.data, 15, DNSSEC_FLAGS_KSK, 0), DNS_OK);
	dnssec_sign_opts o = { .inception = now - 3600, .expiration = now + 86400, .nsec3 = true };
	sign(&in, &k, 1, &o, &out);
	/* Names: apex, a.b.c, b.c and c (empty non-terminals), mail, ns1,
	 * secure, sub, *.wild and wild, www. */
	CHECK_INT(count_type(&out, DNS_T_NSEC3), 11);
	CHECK_INT(count_type(&out, DNS_T_NSEC3PARAM), 1);
	CHECK_INT(count_type(&out, DNS_T_NSEC), 0);
	/* A single key signs everything, DNSKEY included. */
	CHECK_INT(sigs_over(&out, "example.", DNS_T_DNSKEY), 1);
	CHECK_INT(sigs_over(&out, "example.", DNS_T_NSEC3PARAM), 1);

	/* The server's proof for a missing name satisfies the resolver. */
	dnssec_nsec3_chain c;
	CHECK_INT(dnssec_nsec3_chain_build(&c, origin.data, out.rr, out.n), DNS_OK);
	CHECK_INT(c.iterations, 0);
	CHECK_INT(c.saltlen, 0);
	dns_name q;
	CHECK_INT(dns_name_from_text(&q, "x.nope.c.example.", 17, NULL), DNS_OK);
	dnssec_nsec3_proof pr;
	CHECK_INT(dnssec_nsec3_chain_prove(&c, q.data, &pr), DNS_OK);
	CHECK(pr.closest_encloser && pr.next_closer && pr.wildcard);
	char text[DNS_NAME_MAXTEXT];
	CHECK_INT(dns_name_to_text(pr.encloser.data, text, sizeof text, NULL), DNS_OK);
	CHECK_STR(text, "c.example.");
	dns_rr r[3] = { *pr.closest_encloser, *pr.next_closer, *pr.wildcard };
	CHECK_INT(dnssec_nsec3_nxdomain(r, 3, origin.data, q.data), DNSSEC_DENIAL_PROVEN);
	dnssec_nsec3_chain_free(&c);

	/* A missing NSEC3 (retyped) breaks the chain. */
	for (size_t i = 0; i < out.n; i++)
		if (out.rr[i].type == DNS_T_NSEC3) {
			out.rr[i].type = DNS_T_TXT;
			CHECK(dnssec_verify_zone(&out, now, NULL, NULL) > 0);
			out.rr[i].type = DNS_T_NSEC3;
			break;
		}
	dns_zonedata_free(&out);

	/* Opt-out with a salt and a few iterations: the unsigned delegation
	 * sub has no NSEC3. */
	static const uint8_t salt[] = { 0xaa, 0xbb, 0xcc, 0xdd };
	o.optout = true;
	o.salt = salt;
	o.saltlen = 4;
	o.iterations = 5;
	sign(&in, &k, 1, &o, &out);
	CHECK_INT(count_type(&out, DNS_T_NSEC3), 10);
	dns_zonedata_free(&out);

	/* Above the RFC 9276 cap: refused. */
	o.iterations = 151;
	CHECK(dnssec_sign_zone(&in, &k, 1, &o, &out, NULL, NULL) > 0);
	dns_zonedata_free(&out);
	dnssec_key_free(&k);
	dns_zonedata_free(&in);
}

static void test_refusals(void)
{
	dns_zonedata in, out;
	load(&in);
	dnssec_sign_opts o = { .inception = 0, .expiration = 100 };
	CHECK(dnssec_sign_zone(&in, NULL, 0, &o, &out, NULL, NULL) > 0);
	dns_zonedata_free(&out);
	/* A key of another zone, a public-only key. */
	dnssec_key k, pub;
	dns_name other;
	CHECK_INT(dns_name_from_text(&other, "example.org.", 12, NULL), DNS_OK);
	CHECK_INT(dnssec_key_generate(&k, other.data, 13, DNSSEC_FLAGS_ZSK, 0), DNS_OK);
	CHECK(dnssec_sign_zone(&in, &k, 1, &o, &out, NULL, NULL) > 0);
	dns_zonedata_free(&out);
	dnssec_key_free(&k);
	CHECK_INT(dnssec_key_generate(&k, origin.data, 13, DNSSEC_FLAGS_ZSK, 0), DNS_OK);
	CHECK_INT(dnssec_key_from_dnskey(&pub, origin.data, k.rdata, k.rdlen), DNS_OK);
	CHECK(dnssec_sign_zone(&in, &pub, 1, &o, &out, NULL, NULL) > 0);
	dns_zonedata_free(&out);
	/* An unsigned zone does not verify. */
	CHECK(dnssec_verify_zone(&in, now, NULL, NULL) > 0);
	dnssec_key_free(&pub);
	dnssec_key_free(&k);
	dns_zonedata_free(&in);
}

/* Two algorithms: each signs everything, and the verifier wants both. */
static void test_two_algorithms(void)
{
	dns_zonedata in, out;
	load(&in);
	dnssec_key keys[2];
	CHECK_INT(dnssec_key_generate(&keys[0], origin.data, 13, DNSSEC_FLAGS_KSK, 0), DNS_OK);
	CHECK_INT(dnssec_key_generate(&keys[1], origin.data, 8, DNSSEC_FLAGS_KSK, 1024), DNS_OK);
	dnssec_sign_opts o = { .inception = now - 3600, .expiration = now + 86400 };
	sign(&in, keys, 2, &o, &out);
	CHECK_INT(sigs_over(&out, "www", DNS_T_A), 2);
	/* Drop every algorithm-8 RRSIG of www A: algorithm 8 is missing. */
	for (size_t i = 0; i < out.n; i++)
		if (out.rr[i].type == DNS_T_RRSIG && out.rr[i].rdata[1] == DNS_T_A &&
		    out.rr[i].rdata[2] == 8)
			out.rr[i].type = DNS_T_TXT;
	CHECK(dnssec_verify_zone(&out, now, NULL, NULL) > 0);
	dns_zonedata_free(&out);
	dnssec_keys_free(keys, 2);
	dns_zonedata_free(&in);
}

int main(void)
{
	if (dns_name_from_text(&origin, "example.", 8, NULL))
		return 1;
	RUN(test_nsec_ksk_zsk);
	RUN(test_nsec3);
	RUN(test_refusals);
	RUN(test_two_algorithms);
	return check_summary("test_signzone");
}
