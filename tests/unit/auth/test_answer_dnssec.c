/* dnsim-auth's DNSSEC answers, judged by the library's validator: one
 * zone signed with NSEC, NSEC3 and NSEC3 with opt-out; queries with and
 * without DO; every RRSIG that comes back must verify with the zone's
 * keys, and every proof must convince dnssec/nsec.h's resolver-side
 * checks (name error, no data, wildcard). */
#include <errno.h>
#include <stdlib.h>

#include "auth/answer.h"
#include "check.h"
#include "dns/zonedata.h"
#include "dnssec/nsec.h"
#include "dnssec/rrsig.h"
#include "dnssec/signzone.h"

static const char zone_text[] =
	"$ORIGIN example.\n"
	"$TTL 3600\n"
	"@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
	"@ NS ns1\n"
	"@ MX 10 mail\n"
	"ns1 A 192.0.2.1\n"
	"www A 192.0.2.2\n"
	"www AAAA 2001:db8::2\n"
	"mail A 192.0.2.5\n"
	"a.b.c TXT \"deep\"\n"
	"sub NS ns2.sub\n"
	"ns2.sub A 192.0.2.3\n"
	"secure NS ns.secure\n"
	"secure DS 12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
	"ns.secure A 192.0.2.4\n"
	"*.wild MX 10 mail\n"
	"alias CNAME x.wild\n"
	"many TXT \"0123456789012345678901234567890123456789 1\"\n"
	"many TXT \"0123456789012345678901234567890123456789 2\"\n"
	"many TXT \"0123456789012345678901234567890123456789 3\"\n"
	"many TXT \"0123456789012345678901234567890123456789 4\"\n"
	"many TXT \"0123456789012345678901234567890123456789 5\"\n"
	"many TXT \"0123456789012345678901234567890123456789 6\"\n"
	"many TXT \"0123456789012345678901234567890123456789 7\"\n"
	"many TXT \"0123456789012345678901234567890123456789 8\"\n"
	"many TXT \"0123456789012345678901234567890123456789 9\"\n";

/* The child zone sub.example., served beside its parent. */
static const char sub_text[] =
	"$ORIGIN sub.example.\n"
	"$TTL 60\n"
	"@ SOA ns2 hostmaster 1 7200 3600 1209600 60\n"
	"@ NS ns2\n"
	"ns2 A 192.0.2.3\n";

#define NOW 1700000000u

static int no_files(void *ctx, const char *path, char **data, size_t *len)
{
	(void)ctx;
	(void)path;
	(void)data;
	(void)len;
	return ENOENT;
}

static dns_name origin;
static dnssec_key keys[2];
static dns_zonedata signed_zone[3];   /* NSEC, NSEC3, NSEC3 opt-out */
static dns_zonedata sub_zone;
static auth_zone zones[3], sub;
static auth_zone *zlist[2];
static auth_zoneset zs = { zlist, 1 };
static auth_answerer ans;
static dns_msg resp;
static dnssec_key zone_keys[4];
static size_t nzone_keys;

static void load(dns_zonedata *z, const uint8_t *o, const char *text)
{
	dns_zonedata_init(z, o, DNS_C_IN);
	dns_master_ops io = { no_files, NULL, NULL, NULL };
	if (dns_zonedata_load_text(z, "zone", text, strlen(text), &io))
		abort();
}

static void setup(void)
{
	if (dns_name_from_text(&origin, "example.", 8, NULL) ||
	    dnssec_key_generate(&keys[0], origin.data, 13, DNSSEC_FLAGS_KSK, 0) ||
	    dnssec_key_generate(&keys[1], origin.data, 13, DNSSEC_FLAGS_ZSK, 0))
		abort();
	dns_zonedata plain;
	load(&plain, origin.data, zone_text);
	for (int i = 0; i < 3; i++) {
		dnssec_sign_opts o = { .inception = NOW - 3600, .expiration = NOW + 86400,
				       .nsec3 = i > 0, .optout = i == 2 };
		if (i == 2) {
			o.salt = (const uint8_t *)"\xaa\xbb";
			o.saltlen = 2;
			o.iterations = 3;
		}
		if (dnssec_sign_zone(&plain, keys, 2, &o, &signed_zone[i], NULL, NULL))
			abort();
		zones[i].origin = origin;
		if (zonedb_build(&zones[i].db, origin.data, signed_zone[i].rr, signed_zone[i].n))
			abort();
	}
	dns_zonedata_free(&plain);
	/* The validator's keys: the published DNSKEYs, public halves only. */
	dns_rr dnskeys[2];
	for (int i = 0; i < 2; i++)
		dnskeys[i] = (dns_rr){ origin.data, DNS_T_DNSKEY, DNS_C_IN, 3600,
				       (uint16_t)keys[i].rdlen, keys[i].rdata };
	dnssec_keys_from_rrset(dnskeys, 2, zone_keys, 4, &nzone_keys);
	if (nzone_keys != 2)
		abort();

	dns_name so;
	if (dns_name_from_text(&so, "sub.example.", 12, NULL))
		abort();
	load(&sub_zone, so.data, sub_text);
	sub.origin = so;
	if (zonedb_build(&sub.db, sub.origin.data, sub_zone.rr, sub_zone.n))
		abort();
	auth_answerer_init(&ans, 4096, "test", NULL);
	dns_msg_init(&resp);
}

static void teardown(void)
{
	for (int i = 0; i < 3; i++) {
		zonedb_free(&zones[i].db);
		dns_zonedata_free(&signed_zone[i]);
	}
	zonedb_free(&sub.db);
	dns_zonedata_free(&sub_zone);
	dnssec_keys_free(zone_keys, nzone_keys);
	dnssec_key_free(&keys[0]);
	dnssec_key_free(&keys[1]);
	auth_answerer_free(&ans);
	dns_msg_free(&resp);
}

static size_t ask_full(const char *name, uint16_t qtype, bool do_bit, size_t udp_size,
		       auth_result *res)
{
	uint8_t q[512];
	static uint8_t out[65535];
	dns_builder b;
	dns_name n;
	dns_header h = { .id = 7 };
	CHECK_INT(dns_name_from_text(&n, name, strlen(name), NULL), DNS_OK);
	CHECK_INT(dns_build_init(&b, q, sizeof q, &h), DNS_OK);
	CHECK_INT(dns_build_question(&b, n.data, qtype, DNS_C_IN), DNS_OK);
	dns_edns e = { .present = true, .udp_size = (uint16_t)udp_size, .do_bit = do_bit };
	CHECK_INT(dns_build_edns(&b, &e), DNS_OK);
	size_t len = auth_answer(&ans, &zs, false, q, dns_build_finish(&b), out, sizeof out, res);
	CHECK(len > 0);
	CHECK_INT(dns_msg_parse(&resp, out, len), DNS_OK);
	return len;
}

static void ask(const char *name, uint16_t qtype, bool do_bit)
{
	auth_result r;
	ask_full(name, qtype, do_bit, 4096, &r);
}

static size_t count(int sec, uint16_t type)
{
	size_t n = 0;
	for (size_t i = 0; i < resp.count[sec]; i++)
		n += resp.rr[sec][i].type == type;
	return n;
}

/* Every RRset of a section except `skip` (unsigned: a delegation's NS)
 * has a valid RRSIG in the same section.  Returns how many RRsets were
 * checked; *wild is set when one was a wildcard expansion (its source
 * in *source). */
static size_t all_signed(int sec, uint16_t skip, bool *wild, dns_name *source)
{
	size_t checked = 0;
	const dns_rr *rrs = resp.rr[sec];
	size_t n = resp.count[sec];
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && rrs[j].type == rrs[i].type && dns_name_equal(rrs[j].owner, rrs[i].owner))
			j++;
		if (rrs[i].type != DNS_T_RRSIG && rrs[i].type != skip) {
			dnssec_verify_result res;
			dnssec_sig_status st = dnssec_verify_rrset(&rrs[i], j - i, rrs, n, zone_keys,
								   nzone_keys, NOW, &res);
			if (st != DNSSEC_SIG_VALID) {
				char t[DNS_NAME_MAXTEXT];
				dns_name_to_text(rrs[i].owner, t, sizeof t, NULL);
				fprintf(stderr, "  %s type %u: %s\n", t, rrs[i].type,
					dnssec_sig_status_text(st));
			}
			CHECK_INT(st, DNSSEC_SIG_VALID);
			if (res.wildcard && wild) {
				*wild = true;
				*source = res.source;
			}
			checked++;
		}
		i = j;
	}
	return checked;
}

static const uint8_t *nm(const char *text)
{
	static dns_name n[4];
	static int k;
	dns_name *p = &n[k++ % 4];
	if (dns_name_from_text(p, text, strlen(text), NULL))
		abort();
	return p->data;
}

static dnssec_denial nxdomain(int z, const char *q)
{
	const dns_rr *rrs = resp.rr[1];
	size_t n = resp.count[1];
	return z == 0 ? dnssec_nsec_nxdomain(rrs, n, origin.data, nm(q))
		      : dnssec_nsec3_nxdomain(rrs, n, origin.data, nm(q));
}

static dnssec_denial nodata(int z, const char *q, uint16_t type)
{
	const dns_rr *rrs = resp.rr[1];
	size_t n = resp.count[1];
	return z == 0 ? dnssec_nsec_nodata(rrs, n, origin.data, nm(q), type)
		      : dnssec_nsec3_nodata(rrs, n, origin.data, nm(q), type);
}

static void use_zone(int z)
{
	zlist[0] = &zones[z];
	zs.nzones = 1;
}

static void test_without_do_nothing_changes(void)
{
	for (int z = 0; z < 3; z++) {
		use_zone(z);
		ask("www.example.", DNS_T_A, false);
		CHECK_INT(resp.count[0], 1);
		CHECK_INT(count(0, DNS_T_RRSIG) + count(1, DNS_T_RRSIG) + count(2, DNS_T_RRSIG), 0);
		CHECK(!resp.edns.do_bit);
		ask("nope.example.", DNS_T_A, false);
		CHECK_INT(resp.hdr.rcode, DNS_R_NXDOMAIN);
		CHECK_INT(resp.count[1], 1);
		ask("sub.example.", DNS_T_A, false);
		CHECK_INT(resp.count[1], 1);      /* NS only: no proof of no DS */
		/* Asked for by type, DNSSEC records are data like any other. */
		ask("example.", DNS_T_DNSKEY, false);
		CHECK_INT(resp.count[0], 2);
		ask("www.example.", DNS_T_RRSIG, false);
		/* Over A, AAAA, and the NSEC (NSEC3 records live elsewhere). */
		CHECK_INT(count(0, DNS_T_RRSIG), z == 0 ? 3 : 2);
	}
}

static void test_positive_answers_carry_rrsigs(void)
{
	for (int z = 0; z < 3; z++) {
		use_zone(z);
		ask("www.example.", DNS_T_A, true);
		CHECK(resp.edns.do_bit);                  /* echoed */
		CHECK(resp.hdr.flags & DNS_F_AA);
		CHECK(!(resp.hdr.flags & DNS_F_AD));      /* never from an authority */
		CHECK_INT(count(0, DNS_T_A), 1);
		CHECK_INT(count(0, DNS_T_RRSIG), 1);
		CHECK_INT(all_signed(0, 0, NULL, NULL), 1);
		CHECK_INT(all_signed(1, 0, NULL, NULL), 1);   /* the apex NS */
		CHECK(all_signed(2, 0, NULL, NULL) >= 1);     /* ns1's address */
		/* The DNSKEY RRset, signed by the KSK; no NS beside it. */
		ask("example.", DNS_T_DNSKEY, true);
		CHECK_INT(count(0, DNS_T_DNSKEY), 2);
		CHECK_INT(all_signed(0, 0, NULL, NULL), 1);
		CHECK_INT(resp.count[1], 0);
	}
}

static void test_negative_answers_are_proven(void)
{
	for (int z = 0; z < 3; z++) {
		use_zone(z);
		ask("nope.example.", DNS_T_A, true);
		CHECK_INT(resp.hdr.rcode, DNS_R_NXDOMAIN);
		CHECK(all_signed(1, 0, NULL, NULL) >= 2);
		CHECK_INT(nxdomain(z, "nope.example."), z == 2 ? DNSSEC_DENIAL_OPTOUT
							      : DNSSEC_DENIAL_PROVEN);
		/* The SOA and its RRSIG live for the negative TTL. */
		for (size_t i = 0; i < resp.count[1]; i++)
			if (resp.rr[1][i].type == DNS_T_SOA ||
			    (resp.rr[1][i].type == DNS_T_RRSIG && resp.rr[1][i].rdata[1] == DNS_T_SOA))
				CHECK_INT(resp.rr[1][i].ttl, 300);
		ask("a.nope.example.", DNS_T_A, true);
		CHECK_INT(resp.hdr.rcode, DNS_R_NXDOMAIN);
		CHECK(nxdomain(z, "a.nope.example.") != DNSSEC_DENIAL_NOT_PROVEN);
		ask("z.a.b.c.example.", DNS_T_A, true);
		CHECK_INT(resp.hdr.rcode, DNS_R_NXDOMAIN);
		CHECK(nxdomain(z, "z.a.b.c.example.") != DNSSEC_DENIAL_NOT_PROVEN);
		/* No data at a name, at an empty non-terminal, at the apex. */
		ask("www.example.", DNS_T_TXT, true);
		CHECK_INT(resp.hdr.rcode, DNS_R_NOERROR);
		CHECK_INT(resp.count[0], 0);
		all_signed(1, 0, NULL, NULL);
		CHECK_INT(nodata(z, "www.example.", DNS_T_TXT), DNSSEC_DENIAL_PROVEN);
		ask("b.c.example.", DNS_T_A, true);
		CHECK_INT(nodata(z, "b.c.example.", DNS_T_A), DNSSEC_DENIAL_PROVEN);
		ask("c.example.", DNS_T_TXT, true);
		CHECK_INT(nodata(z, "c.example.", DNS_T_TXT), DNSSEC_DENIAL_PROVEN);
		ask("example.", DNS_T_AAAA, true);
		CHECK_INT(nodata(z, "example.", DNS_T_AAAA), DNSSEC_DENIAL_PROVEN);
		/* The proof is the whole point: it is not a wrong one. */
		CHECK_INT(nodata(z, "example.", DNS_T_MX), DNSSEC_DENIAL_NOT_PROVEN);
	}
}

static void test_wildcards_are_proven(void)
{
	for (int z = 0; z < 3; z++) {
		use_zone(z);
		ask("x.wild.example.", DNS_T_MX, true);
		CHECK_INT(count(0, DNS_T_MX), 1);
		bool wild = false;
		dns_name source;
		CHECK_INT(all_signed(0, 0, &wild, &source), 1);
		CHECK(wild);
		CHECK(dns_name_equal(source.data, nm("*.wild.example.")));
		all_signed(1, 0, NULL, NULL);
		dnssec_denial d = z == 0
			? dnssec_nsec_wildcard(resp.rr[1], resp.count[1], origin.data,
					       nm("x.wild.example."), source.data)
			: dnssec_nsec3_wildcard(resp.rr[1], resp.count[1], origin.data,
						nm("x.wild.example."), source.data);
		CHECK_INT(d, z == 2 ? DNSSEC_DENIAL_OPTOUT : DNSSEC_DENIAL_PROVEN);
		/* Deeper below the wildcard: the next closer name changes. */
		ask("a.b.wild.example.", DNS_T_MX, true);
		wild = false;
		all_signed(0, 0, &wild, &source);
		CHECK(wild);
		d = z == 0 ? dnssec_nsec_wildcard(resp.rr[1], resp.count[1], origin.data,
						  nm("a.b.wild.example."), source.data)
			   : dnssec_nsec3_wildcard(resp.rr[1], resp.count[1], origin.data,
						   nm("a.b.wild.example."), source.data);
		CHECK(d != DNSSEC_DENIAL_NOT_PROVEN);
		/* The wildcard without the type. */
		ask("x.wild.example.", DNS_T_A, true);
		CHECK_INT(resp.count[0], 0);
		all_signed(1, 0, NULL, NULL);
		CHECK(nodata(z, "x.wild.example.", DNS_T_A) != DNSSEC_DENIAL_NOT_PROVEN);
		/* A CNAME into the wildcard: both steps signed, the second proven. */
		ask("alias.example.", DNS_T_MX, true);
		CHECK_INT(count(0, DNS_T_CNAME), 1);
		CHECK_INT(count(0, DNS_T_MX), 1);
		CHECK_INT(all_signed(0, 0, NULL, NULL), 2);
		CHECK(count(1, DNS_T_NSEC) + count(1, DNS_T_NSEC3) >= 1);
	}
}

static void test_referrals(void)
{
	for (int z = 0; z < 3; z++) {
		use_zone(z);
		/* Unsigned delegation: NS, and proof that there is no DS. */
		ask("www.sub.example.", DNS_T_A, true);
		CHECK(!(resp.hdr.flags & DNS_F_AA));
		CHECK_INT(count(1, DNS_T_NS), 1);
		CHECK_INT(count(1, DNS_T_DS), 0);
		all_signed(1, DNS_T_NS, NULL, NULL);
		CHECK_INT(nodata(z, "sub.example.", DNS_T_DS),
			  z == 2 ? DNSSEC_DENIAL_OPTOUT : DNSSEC_DENIAL_PROVEN);
		CHECK_INT(count(2, DNS_T_A), 1);      /* glue, unsigned */
		CHECK_INT(count(2, DNS_T_RRSIG), 0);
		/* Signed delegation: NS, DS and its RRSIG, no NSEC. */
		ask("secure.example.", DNS_T_A, true);
		CHECK_INT(count(1, DNS_T_DS), 1);
		CHECK_INT(all_signed(1, DNS_T_NS, NULL, NULL), 1);
		CHECK_INT(count(1, DNS_T_NSEC) + count(1, DNS_T_NSEC3), 0);
		/* DS at the cut, from this (the parent's) side. */
		ask("secure.example.", DNS_T_DS, true);
		CHECK(resp.hdr.flags & DNS_F_AA);
		CHECK_INT(count(0, DNS_T_DS), 1);
		CHECK_INT(all_signed(0, 0, NULL, NULL), 1);
		ask("sub.example.", DNS_T_DS, true);
		CHECK(resp.hdr.flags & DNS_F_AA);
		CHECK_INT(resp.count[0], 0);
		CHECK(nodata(z, "sub.example.", DNS_T_DS) != DNSSEC_DENIAL_NOT_PROVEN);
	}
}

static void test_ds_from_the_parent_side(void)
{
	/* Serving sub.example. alone, its DS query is answered as no data
	 * by the child (nothing better can be said)... */
	zlist[0] = &sub;
	zs.nzones = 1;
	ask("sub.example.", DNS_T_DS, true);
	CHECK_INT(resp.count[1], 1);
	CHECK(dns_name_equal(resp.rr[1][0].owner, nm("sub.example.")));
	/* ...but beside the parent, the parent answers (RFC 4035 3.1.4.1),
	 * while every other question at the child's apex is the child's. */
	zlist[1] = &zones[0];
	zs.nzones = 2;
	ask("sub.example.", DNS_T_DS, true);
	CHECK(resp.hdr.flags & DNS_F_AA);
	CHECK(dns_name_equal(resp.rr[1][0].owner, nm("example.")));
	CHECK_INT(nodata(0, "sub.example.", DNS_T_DS), DNSSEC_DENIAL_PROVEN);
	ask("sub.example.", DNS_T_SOA, true);
	CHECK(dns_name_equal(resp.rr[0][0].owner, nm("sub.example.")));
	zs.nzones = 1;
}

static void test_nsec3_owners_are_not_names(void)
{
	for (int z = 1; z < 3; z++) {
		use_zone(z);
		const zonedb *db = &zones[z].db;
		CHECK(db->denial == ZDB_DENIAL_NSEC3);
		CHECK(db->nhashed > 0);
		const dns_rr *n3 = db->nsec3.link[0].rr;
		CHECK(zonedb_find(db, n3->owner) == NULL);
		CHECK(!zonedb_name_exists(db, n3->owner));
		const zdb_rrset *set = zonedb_rrset_of(db, n3);
		CHECK(set && set->type == DNS_T_NSEC3 && set->nsig == 1);
		char text[DNS_NAME_MAXTEXT];
		dns_name_to_text(n3->owner, text, sizeof text, NULL);
		ask(text, DNS_T_NSEC3, true);
		CHECK_INT(resp.hdr.rcode, DNS_R_NXDOMAIN);
		ask(text, DNS_T_NSEC3, false);
		CHECK_INT(resp.hdr.rcode, DNS_R_NXDOMAIN);
		/* Names the chain speaks for: empty non-terminals yes, glue no. */
		CHECK(zonedb_nsec3_name(db, nm("b.c.example.")) != NULL);
		CHECK(zonedb_nsec3_name(db, nm("c.example.")) != NULL);
		CHECK(zonedb_nsec3_name(db, nm("ns2.sub.example.")) == NULL);
		CHECK(zonedb_nsec3_name(db, nm("nope.example.")) == NULL);
		const zdb_nsec3_name *apex = zonedb_nsec3_name(db, origin.data);
		CHECK(apex && apex->match && !apex->wildcard_exists);
		const zdb_nsec3_name *w = zonedb_nsec3_name(db, nm("wild.example."));
		CHECK(w && w->wildcard_exists);
		/* Under opt-out the unsigned delegation has no NSEC3. */
		const zdb_nsec3_name *s = zonedb_nsec3_name(db, nm("sub.example."));
		CHECK(s && (s->match == NULL) == (z == 2));
	}
	CHECK(zones[0].db.denial == ZDB_DENIAL_NSEC);
	CHECK(sub.db.denial == ZDB_DENIAL_NONE);
}

static void test_truncation_keeps_signatures(void)
{
	static const char *const names[] = { "many.example.", "www.example.", "nope.example.",
					     "x.wild.example.", "sub.example.", "example." };
	static const uint16_t types[] = { DNS_T_TXT, DNS_T_A, DNS_T_A, DNS_T_MX, DNS_T_A,
					  DNS_T_DNSKEY };
	for (int z = 0; z < 3; z++) {
		use_zone(z);
		auth_result r;
		/* The nine records fit in 600 octets, not with their RRSIG:
		 * TC rather than an RRset a validator cannot check. */
		ask_full("many.example.", DNS_T_TXT, true, 600, &r);
		CHECK(resp.hdr.flags & DNS_F_TC);
		CHECK_INT(resp.count[0], 0);
		ask_full("many.example.", DNS_T_TXT, false, 600, &r);
		CHECK(!(resp.hdr.flags & DNS_F_TC));
		CHECK_INT(resp.count[0], 9);
		for (size_t q = 0; q < sizeof names / sizeof names[0]; q++)
			for (size_t size = 512; size <= 1400; size += 37) {
				size_t len = ask_full(names[q], types[q], true, size, &r);
				CHECK(len <= size);
				if (resp.hdr.flags & DNS_F_TC)
					continue;
				/* Whatever came, came with its signatures. */
				all_signed(0, 0, NULL, NULL);
				all_signed(1, resp.hdr.flags & DNS_F_AA ? 0 : DNS_T_NS, NULL, NULL);
			}
	}
}

/* The root signed with NSEC3: its names are indexed for hashing down to
 * the root itself (origin of no labels), and no further (the index once
 * ran past its array for the root, which ASan catches here). */
static void test_a_root_signed_with_nsec3_loads(void)
{
	static const char root_text[] =
		"$TTL 86400\n"
		". SOA a.root-servers.net. nstld.example. 1 1800 900 604800 86400\n"
		". NS a.root-servers.net.\n"
		"a.root-servers.net. A 203.0.113.10\n"
		"example. NS ns.example.\n"
		"ns.example. A 192.0.2.53\n";
	dnssec_key k[2];
	CHECK(dnssec_key_generate(&k[0], dns_name_root, 13, DNSSEC_FLAGS_KSK, 0) == DNS_OK);
	CHECK(dnssec_key_generate(&k[1], dns_name_root, 13, DNSSEC_FLAGS_ZSK, 0) == DNS_OK);
	dns_zonedata plain, signed_root;
	load(&plain, dns_name_root, root_text);
	dnssec_sign_opts o = { .inception = NOW - 3600, .expiration = NOW + 86400, .nsec3 = true };
	CHECK(dnssec_sign_zone(&plain, k, 2, &o, &signed_root, NULL, NULL) == 0);
	zonedb db;
	CHECK(zonedb_build(&db, dns_name_root, signed_root.rr, signed_root.n) == DNS_OK);
	zonedb_free(&db);
	dns_zonedata_free(&signed_root);
	dns_zonedata_free(&plain);
	dnssec_key_free(&k[0]);
	dnssec_key_free(&k[1]);
}

int main(void)
{
	setup();
	RUN(test_a_root_signed_with_nsec3_loads);
	RUN(test_without_do_nothing_changes);
	RUN(test_positive_answers_carry_rrsigs);
	RUN(test_negative_answers_are_proven);
	RUN(test_wildcards_are_proven);
	RUN(test_referrals);
	RUN(test_ds_from_the_parent_side);
	RUN(test_nsec3_owners_are_not_names);
	RUN(test_truncation_keeps_signatures);
	teardown();
	return check_summary("test_answer_dnssec");
}
