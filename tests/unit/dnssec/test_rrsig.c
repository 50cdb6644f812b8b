/* RRSIGs against the published examples (RFC 8080 with its erratum 4935,
 * RFC 6605, RFC 5702), the canonical RRset, round trips for every
 * algorithm, and the failures a validator must report. */
#include "check.h"
#include "dns/master.h"
#include "dns/rdata.h"
#include "dnssec/rrsig.h"

#include <stdlib.h>

/* Records parsed from text, kept in one pool per test. */
struct pool {
	uint8_t buf[65536];
	size_t used;
};

static dns_rr rr_of(struct pool *p, const char *text)
{
	dns_rr rr = { 0 };
	char err[128];
	dns_err e = dns_master_parse_rr(text, dns_name_root, DNS_C_IN, 3600, p->buf + p->used,
					sizeof p->buf - p->used, &rr, err, sizeof err);
	if (e) {
		fprintf(stderr, "cannot parse %s: %s\n", text, err);
		abort();
	}
	p->used += dns_name_length(rr.owner) + rr.rdlen;
	return rr;
}

static void key_of(dnssec_key *k, struct pool *p, const char *text)
{
	dns_rr rr = rr_of(p, text);
	if (dnssec_key_from_dnskey(k, rr.owner, rr.rdata, rr.rdlen) != DNS_OK)
		abort();
}

static const char ed_private[] =
	"Private-key-format: v1.2\nAlgorithm: 15 (ED25519)\n"
	"PrivateKey: ODIyNjAzODQ2MjgwODAxMjI2NDUxOTAyMDQxNDIyNjI=\n";
static const char rsa_private[] =
	"Private-key-format: v1.2\nAlgorithm: 8 (RSASHA256)\n"
	"Modulus: wVwaxrHF2CK64aYKRUibLiH30KpPuPBjel7E8ZydQW1HYWHfoGmidzC2RnhwCC293hCzw+TFR2nqn8OVSY5t2Q==\n"
	"PublicExponent: AQAB\n"
	"PrivateExponent: UR44xX6zB3eaeyvTRzmskHADrPCmPWnr8dxsNwiDGHzrMKLN+i/HAam+97HxIKVWNDH2ba9Mf1SA8xu9dcHZAQ==\n"
	"Prime1: 4c8IvFu1AVXGWeFLLFh5vs7fbdzdC6U82fduE6KkSWk=\n"
	"Prime2: 2zZpBE8ZXVnL74QjG4zINlDfH+EOEtjJJ3RtaYDugvE=\n"
	"Exponent1: G2xAPFfK0KGxGANDVNxd1K1c9wOmmJ51mGbzKFFNMFk=\n"
	"Exponent2: GYxP1Pa7CAwtHm8SAGX594qZVofOMhgd6YFCNyeVpKE=\n"
	"Coefficient: icQdNRjlZGPmuJm2TIadubcO8X7V4y07aVhX464tx8Q=\n";

/* RFC 8080 6.1 (as corrected by erratum 4935): Ed25519 is deterministic,
 * so signing the MX RRset must give exactly the published RRSIG. */
static void test_rfc8080_ed25519(void)
{
	struct pool p = { .used = 0 };
	dns_rr mx = rr_of(&p, "example.com. 3600 IN MX 10 mail.example.com.");
	dns_rr want = rr_of(&p, "example.com. 3600 IN RRSIG MX 15 2 3600 1440021600 1438207200 3613 "
			    "example.com. oL9krJun7xfBOIWcGHi7mag5/hdZrKWw15jPGrHpjQeRAvTdszaPD+QLs3fx8A4M3e23mRZ9VrbpMngwcrqNAg==");
	dnssec_key k, pub;
	CHECK_INT(dnssec_key_from_private(&k, mx.owner, 257, ed_private, strlen(ed_private)), DNS_OK);
	uint8_t sig[DNSSEC_RRSIG_MAXLEN];
	size_t len = 0;
	CHECK_INT(dnssec_sign_rrset(&k, &mx, 1, 1438207200, 1440021600, sig, sizeof sig, &len), DNS_OK);
	CHECK_INT(len, want.rdlen);
	CHECK_MEM(sig, want.rdata, want.rdlen);
	key_of(&pub, &p, "example.com. 3600 IN DNSKEY 257 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=");
	CHECK_INT(dnssec_verify_rrsig(&mx, 1, &want, &pub, 1439000000), DNSSEC_SIG_VALID);
	/* The second example key of the erratum verifies its own signature. */
	dnssec_key pub2;
	key_of(&pub2, &p, "example.com. 3600 IN DNSKEY 257 3 15 zPnZ/QwEe7S8C5SPz2OfS5RR40ATk2/rYnE9xHIEijs=");
	dns_rr sig2 = rr_of(&p, "example.com. 3600 IN RRSIG MX 15 2 3600 1440021600 1438207200 35217 "
			    "example.com. zXQ0bkYgQTEFyfLyi9QoiY6D8ZdYo4wyUhVioYZXFdT410QPRITQSqJSnzQoSm5poJ7gD7AQR0O7KuI5k2pcBg==");
	CHECK_INT(pub2.tag, 35217);
	CHECK_INT(dnssec_verify_rrsig(&mx, 1, &sig2, &pub2, 1439000000), DNSSEC_SIG_VALID);
	CHECK_INT(dnssec_verify_rrsig(&mx, 1, &sig2, &pub, 1439000000), DNSSEC_SIG_NO_KEY);
	dnssec_key_free(&k);
	dnssec_key_free(&pub);
	dnssec_key_free(&pub2);
}

/* RFC 6605 6.1: ECDSA signatures are random; the published one verifies. */
static void test_rfc6605_p256(void)
{
	struct pool p = { .used = 0 };
	dnssec_key k;
	key_of(&k, &p, "example.net. 3600 IN DNSKEY 257 3 13 GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edb"
	       "krSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA==");
	dns_rr a = rr_of(&p, "www.example.net. 3600 IN A 192.0.2.1");
	dns_rr sig = rr_of(&p, "www.example.net. 3600 IN RRSIG A 13 3 3600 20100909100439 20100812100439 "
			   "55648 example.net. qx6wLYqmh+l9oCKTN6qIc+bw6ya+KJ8oMz0YP107epXA"
			   "yGmt+3SNruPFKG7tZoLBLlUzGGus7ZwmwWep666VCw==");
	uint32_t now = 1283000000;
	CHECK_INT(dnssec_verify_rrsig(&a, 1, &sig, &k, now), DNSSEC_SIG_VALID);
	dnssec_verify_result r;
	CHECK_INT(dnssec_verify_rrset(&a, 1, &sig, 1, &k, 1, now, &r), DNSSEC_SIG_VALID);
	CHECK(!r.wildcard);
	CHECK_INT(r.ttl, 3600);
	/* Outside its window, with another address, with a flipped bit. */
	CHECK_INT(dnssec_verify_rrsig(&a, 1, &sig, &k, 1281607478), DNSSEC_SIG_NOT_YET_VALID);
	CHECK_INT(dnssec_verify_rrsig(&a, 1, &sig, &k, 1284026680), DNSSEC_SIG_EXPIRED);
	dns_rr a2 = rr_of(&p, "www.example.net. 3600 IN A 192.0.2.2");
	CHECK_INT(dnssec_verify_rrsig(&a2, 1, &sig, &k, now), DNSSEC_SIG_BOGUS);
	uint8_t bad[256];
	memcpy(bad, sig.rdata, sig.rdlen);
	bad[sig.rdlen - 5] ^= 1;
	dns_rr badsig = sig;
	badsig.rdata = bad;
	CHECK_INT(dnssec_verify_rrsig(&a, 1, &badsig, &k, now), DNSSEC_SIG_BOGUS);
	/* Truncated to 63 octets: not an r||s pair at all. */
	badsig.rdlen = (uint16_t)(sig.rdlen - 1);
	CHECK_INT(dnssec_verify_rrsig(&a, 1, &badsig, &k, now), DNSSEC_SIG_BOGUS);
	/* A different TTL on the RRset does not matter: the original TTL is
	 * signed, and the result's TTL is capped by it. */
	a.ttl = 7200;
	CHECK_INT(dnssec_verify_rrset(&a, 1, &sig, 1, &k, 1, now, &r), DNSSEC_SIG_VALID);
	CHECK_INT(r.ttl, 3600);
	/* Close to expiry the remaining lifetime caps the TTL. */
	CHECK_INT(dnssec_verify_rrset(&a, 1, &sig, 1, &k, 1, 1284026679 - 100, &r), DNSSEC_SIG_VALID);
	CHECK_INT(r.ttl, 100);
	dnssec_key_free(&k);
}

/* RFC 5702 6.1: RSA PKCS#1 v1.5 is deterministic: our signature over
 * www.example.net A 192.0.2.91 is the published one. */
static void test_rfc5702_rsasha256(void)
{
	struct pool p = { .used = 0 };
	dns_rr a = rr_of(&p, "www.example.net. 3600 IN A 192.0.2.91");
	dns_rr want = rr_of(&p, "www.example.net. 3600 IN RRSIG A 8 3 3600 20300101000000 20000101000000 "
			    "9033 example.net. kRCOH6u7l0QGy9qpC9l1sLncJcOKFLJ7GhiUOibu4teYp5VE9Rnc"
			    "riShZNz85mwlMgNEacFYK/lPtPiVYP4bwg==");
	dnssec_rrsig rs;
	CHECK_INT(dnssec_rrsig_parse(want.rdata, want.rdlen, &rs), DNS_OK);
	uint8_t apex[] = { 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'n', 'e', 't', 0 };
	dnssec_key k, pub;
	CHECK_INT(dnssec_key_from_private(&k, apex, 256, rsa_private, strlen(rsa_private)), DNS_OK);
	uint8_t sig[DNSSEC_RRSIG_MAXLEN];
	size_t len = 0;
	CHECK_INT(dnssec_sign_rrset(&k, &a, 1, rs.inception, rs.expiration, sig, sizeof sig, &len), DNS_OK);
	CHECK_INT(len, want.rdlen);
	CHECK_MEM(sig, want.rdata, want.rdlen);
	key_of(&pub, &p, "example.net. 3600 IN DNSKEY 256 3 8 AwEAAcFcGsaxxdgiuuGmCkVImy4h99CqT7jwY3pexPGcnUFt"
	       "R2Fh36BponcwtkZ4cAgtvd4Qs8PkxUdp6p/DlUmObdk=");
	CHECK_INT(dnssec_verify_rrsig(&a, 1, &want, &pub, 1700000000), DNSSEC_SIG_VALID);
	/* A signature one octet short is refused before any arithmetic. */
	dns_rr shortsig = want;
	shortsig.rdlen--;
	CHECK_INT(dnssec_verify_rrsig(&a, 1, &shortsig, &pub, 1700000000), DNSSEC_SIG_BOGUS);
	dnssec_key_free(&k);
	dnssec_key_free(&pub);
}

/* Order, case and duplicates do not change the canonical form. */
static void test_canonical(void)
{
	struct pool p = { .used = 0 };
	dns_rr one[3] = {
		rr_of(&p, "Host.Example. 300 IN NS B.example."),
		rr_of(&p, "host.example. 300 IN NS a.EXAMPLE."),
		rr_of(&p, "HOST.example. 300 IN NS b.example."),
	};
	dns_rr two[2] = {
		rr_of(&p, "host.example. 300 IN NS a.example."),
		rr_of(&p, "host.example. 300 IN NS b.example."),
	};
	uint8_t *c1, *c2;
	size_t l1, l2;
	CHECK_INT(dnssec_rrset_canonical(one, 3, 77, 2, &c1, &l1), DNS_OK);
	CHECK_INT(dnssec_rrset_canonical(two, 2, 77, 2, &c2, &l2), DNS_OK);
	CHECK_INT(l1, l2);
	CHECK(l1 == l2 && memcmp(c1, c2, l1) == 0);
	/* owner (14 octets), type/class/TTL/RDLENGTH (10), RDATA (11); a. first */
	CHECK_INT(l1, 2 * (14 + 10 + 11));
	CHECK_INT(c1[14 + 10 + 1], 'a');
	CHECK_INT(c1[18] << 24 | c1[19] << 16 | c1[20] << 8 | c1[21], 77);
	free(c1);
	free(c2);
	/* One label fewer: the owner becomes the wildcard *.example. */
	CHECK_INT(dnssec_rrset_canonical(two, 2, 77, 1, &c1, &l1), DNS_OK);
	CHECK_INT(c1[0], 1);
	CHECK_INT(c1[1], '*');
	free(c1);
	CHECK_INT(dnssec_rrset_canonical(two, 2, 77, 3, &c1, &l1), DNS_E_RANGE);
	CHECK_INT(dnssec_rrset_canonical(two, 0, 77, 2, &c1, &l1), DNS_E_FORMAT);
	dns_rr mixed[2] = { two[0], rr_of(&p, "other.example. 300 IN NS a.example.") };
	CHECK_INT(dnssec_rrset_canonical(mixed, 2, 77, 2, &c1, &l1), DNS_E_FORMAT);
	/* NSEC's next name keeps its case (RFC 6840 5.1); TXT is opaque. */
	dns_rr nsec = rr_of(&p, "a.example. 300 IN NSEC B.example. A NSEC");
	CHECK_INT(dnssec_rrset_canonical(&nsec, 1, 300, 2, &c1, &l1), DNS_OK);
	CHECK_INT(c1[11 + 10 + 1], 'B');
	free(c1);
}

/* Sign and verify with fresh keys of every algorithm, then break things. */
static void test_round_trips(void)
{
	uint8_t algs[] = { 8, 13, 15 };
	for (int i = 0; i < 3; i++) {
		struct pool p = { .used = 0 };
		dns_rr set[3] = {
			rr_of(&p, "www.example. 300 IN A 192.0.2.1"),
			rr_of(&p, "www.example. 300 IN A 192.0.2.2"),
			rr_of(&p, "www.example. 300 IN A 192.0.2.3"),
		};
		dns_rr apex = rr_of(&p, "example. 300 IN A 192.0.2.9");
		dnssec_key k, other;
		CHECK_INT(dnssec_key_generate(&k, apex.owner, algs[i], DNSSEC_FLAGS_ZSK,
					      algs[i] == 8 ? 1024 : 0), DNS_OK);
		CHECK_INT(dnssec_key_generate(&other, apex.owner, algs[i], DNSSEC_FLAGS_ZSK,
					      algs[i] == 8 ? 1024 : 0), DNS_OK);
		uint8_t rd[DNSSEC_RRSIG_MAXLEN];
		size_t len;
		CHECK_INT(dnssec_sign_rrset(&k, set, 3, 1000, 2000, rd, sizeof rd, &len), DNS_OK);
		dns_rr sig = { set[0].owner, DNS_T_RRSIG, DNS_C_IN, 300, (uint16_t)len, rd };
		CHECK_INT(dnssec_verify_rrsig(set, 3, &sig, &k, 1500), DNSSEC_SIG_VALID);
		/* Order of the records does not matter. */
		dns_rr rev[3] = { set[2], set[0], set[1] };
		CHECK_INT(dnssec_verify_rrsig(rev, 3, &sig, &k, 1500), DNSSEC_SIG_VALID);
		/* A record missing, a key from elsewhere, the times. */
		CHECK_INT(dnssec_verify_rrsig(set, 2, &sig, &k, 1500), DNSSEC_SIG_BOGUS);
		CHECK_INT(dnssec_verify_rrsig(set, 3, &sig, &other, 1500), DNSSEC_SIG_NO_KEY);
		CHECK_INT(dnssec_verify_rrsig(set, 3, &sig, &k, 2001), DNSSEC_SIG_EXPIRED);
		CHECK_INT(dnssec_verify_rrsig(set, 3, &sig, &k, 999), DNSSEC_SIG_NOT_YET_VALID);
		/* A tag collision (forced) still fails on the arithmetic. */
		other.tag = k.tag;
		CHECK_INT(dnssec_verify_rrsig(set, 3, &sig, &other, 1500), DNSSEC_SIG_BOGUS);
		/* A key without the zone flag may not sign zone data. */
		dnssec_key notzone = k;
		notzone.flags = 0;
		CHECK_INT(dnssec_verify_rrsig(set, 3, &sig, &notzone, 1500), DNSSEC_SIG_NO_KEY);
		/* Labels above the owner's: refused before the arithmetic. */
		uint8_t tweak[DNSSEC_RRSIG_MAXLEN];
		memcpy(tweak, rd, len);
		tweak[3] = 3;
		dns_rr bad = sig;
		bad.rdata = tweak;
		CHECK_INT(dnssec_verify_rrsig(set, 3, &bad, &k, 1500), DNSSEC_SIG_BAD_LABELS);
		/* The covered type altered, a signer that is not above the owner. */
		tweak[3] = rd[3];
		tweak[1] = DNS_T_AAAA;
		CHECK_INT(dnssec_verify_rrsig(set, 3, &bad, &k, 1500), DNSSEC_SIG_WRONG_TYPE);
		tweak[1] = rd[1];
		CHECK_INT(dnssec_verify_rrsig(&apex, 1, &sig, &k, 1500), DNSSEC_SIG_WRONG_TYPE);
		/* Garbage and truncation of the RDATA itself. */
		bad.rdlen = 17;
		CHECK_INT(dnssec_verify_rrsig(set, 3, &bad, &k, 1500), DNSSEC_SIG_MALFORMED);
		bad.rdlen = (uint16_t)(DNSSEC_RRSIG_FIXED + 9); /* signer only, no signature */
		CHECK_INT(dnssec_verify_rrsig(set, 3, &bad, &k, 1500), DNSSEC_SIG_MALFORMED);
		for (size_t b = DNSSEC_RRSIG_FIXED + 9; b < len; b++)
			tweak[b] = (uint8_t)(b * 37);
		bad.rdlen = (uint16_t)len;
		CHECK_INT(dnssec_verify_rrsig(set, 3, &bad, &k, 1500), DNSSEC_SIG_BOGUS);
		dnssec_key_free(&k);
		dnssec_key_free(&other);
	}
}

/* A wildcard RRSIG validates its expansion and says so. */
static void test_wildcard(void)
{
	struct pool p = { .used = 0 };
	dns_rr wild = rr_of(&p, "*.w.example. 300 IN MX 10 mx.example.");
	dns_rr expanded = rr_of(&p, "a.b.w.example. 300 IN MX 10 mx.example.");
	dnssec_key k;
	CHECK_INT(dnssec_key_generate(&k, dns_name_skip_labels(wild.owner, 2), 15,
				      DNSSEC_FLAGS_ZSK, 0), DNS_OK);
	uint8_t rd[DNSSEC_RRSIG_MAXLEN];
	size_t len;
	CHECK_INT(dnssec_sign_rrset(&k, &wild, 1, 0, 4000, rd, sizeof rd, &len), DNS_OK);
	CHECK_INT(rd[3], 2);
	dns_rr sig = { expanded.owner, DNS_T_RRSIG, DNS_C_IN, 300, (uint16_t)len, rd };
	dnssec_verify_result r;
	CHECK_INT(dnssec_verify_rrset(&expanded, 1, &sig, 1, &k, 1, 10, &r), DNSSEC_SIG_VALID);
	CHECK(r.wildcard);
	char text[DNS_NAME_MAXTEXT];
	CHECK_INT(dns_name_to_text(r.source.data, text, sizeof text, NULL), DNS_OK);
	CHECK_STR(text, "*.w.example.");
	sig.owner = wild.owner;
	CHECK_INT(dnssec_verify_rrset(&wild, 1, &sig, 1, &k, 1, 10, &r), DNSSEC_SIG_VALID);
	CHECK(!r.wildcard);
	dnssec_key_free(&k);
}

/* Sets of signatures and keys: the right pair is found, other types are
 * skipped, and the work is bounded. */
static void test_sets_and_budget(void)
{
	struct pool p = { .used = 0 };
	dns_rr a = rr_of(&p, "www.example. 300 IN A 192.0.2.1");
	dns_rr txt = rr_of(&p, "www.example. 300 IN TXT \"x\"");
	const uint8_t *apex = dns_name_skip_labels(a.owner, 1);
	dnssec_key keys[12];
	for (int i = 0; i < 12; i++)
		CHECK_INT(dnssec_key_generate(&keys[i], apex, 15, DNSSEC_FLAGS_ZSK, 0), DNS_OK);
	uint8_t rd[3][DNSSEC_RRSIG_MAXLEN];
	size_t len[3];
	CHECK_INT(dnssec_sign_rrset(&keys[11], &txt, 1, 0, 100, rd[0], sizeof rd[0], &len[0]), DNS_OK);
	CHECK_INT(dnssec_sign_rrset(&keys[5], &a, 1, 0, 100, rd[1], sizeof rd[1], &len[1]), DNS_OK);
	CHECK_INT(dnssec_sign_rrset(&keys[11], &a, 1, 0, 100, rd[2], sizeof rd[2], &len[2]), DNS_OK);
	dns_rr sigs[3];
	for (int i = 0; i < 3; i++)
		sigs[i] = (dns_rr){ a.owner, DNS_T_RRSIG, DNS_C_IN, 300, (uint16_t)len[i], rd[i] };
	dnssec_verify_result r;
	CHECK_INT(dnssec_verify_rrset(&a, 1, sigs, 3, keys, 12, 50, &r), DNSSEC_SIG_VALID);
	CHECK_INT(r.sig, 1);
	CHECK_INT(r.key, 5);
	CHECK_INT(dnssec_verify_rrset(&a, 1, sigs, 1, keys, 12, 50, &r), DNSSEC_SIG_WRONG_TYPE);
	CHECK_INT(dnssec_verify_rrset(&a, 1, sigs, 0, keys, 12, 50, &r), DNSSEC_SIG_NONE);
	CHECK_INT(dnssec_verify_rrset(&a, 1, sigs + 1, 2, keys, 12, 500, &r), DNSSEC_SIG_EXPIRED);
	/* Twelve keys sharing the tag of the signing key, the right one
	 * last: the budget of DNSSEC_VERIFY_BUDGET checks runs out first. */
	for (int i = 0; i < 12; i++)
		keys[i].tag = keys[11].tag;
	CHECK_INT(dnssec_verify_rrset(&a, 1, sigs + 2, 1, keys, 12, 50, &r), DNSSEC_SIG_BUDGET);
	CHECK_INT(dnssec_verify_rrset(&a, 1, sigs + 2, 1, keys + 6, 6, 50, &r), DNSSEC_SIG_VALID);
	dnssec_keys_free(keys, 12);
}

/* DS -> DNSKEY: the DNSKEY RRset signed by the key the DS describes. */
static void test_chain_step(void)
{
	struct pool p = { .used = 0 };
	dns_rr owner = rr_of(&p, "example. 300 IN A 192.0.2.1");
	dnssec_key ksk, zsk;
	CHECK_INT(dnssec_key_generate(&ksk, owner.owner, 13, DNSSEC_FLAGS_KSK, 0), DNS_OK);
	CHECK_INT(dnssec_key_generate(&zsk, owner.owner, 13, DNSSEC_FLAGS_ZSK, 0), DNS_OK);
	dns_rr set[2] = {
		{ owner.owner, DNS_T_DNSKEY, DNS_C_IN, 300, (uint16_t)ksk.rdlen, ksk.rdata },
		{ owner.owner, DNS_T_DNSKEY, DNS_C_IN, 300, (uint16_t)zsk.rdlen, zsk.rdata },
	};
	uint8_t rd[DNSSEC_RRSIG_MAXLEN], dsrd[DNSSEC_DS_MAXLEN], ds2rd[DNSSEC_DS_MAXLEN];
	size_t len, dslen, ds2len;
	CHECK_INT(dnssec_sign_rrset(&ksk, set, 2, 0, 100, rd, sizeof rd, &len), DNS_OK);
	dns_rr sig = { owner.owner, DNS_T_RRSIG, DNS_C_IN, 300, (uint16_t)len, rd };
	CHECK_INT(dnssec_ds_from_dnskey(owner.owner, ksk.rdata, ksk.rdlen, 2, dsrd, sizeof dsrd, &dslen), DNS_OK);
	CHECK_INT(dnssec_ds_from_dnskey(owner.owner, zsk.rdata, zsk.rdlen, 2, ds2rd, sizeof ds2rd, &ds2len), DNS_OK);
	dns_rr ds = { owner.owner, DNS_T_DS, DNS_C_IN, 300, (uint16_t)dslen, dsrd };
	dns_rr ds2 = { owner.owner, DNS_T_DS, DNS_C_IN, 300, (uint16_t)ds2len, ds2rd };
	dnssec_key parsed[4];
	size_t np;
	dnssec_keys_from_rrset(set, 2, parsed, 4, &np);
	CHECK_INT(np, 2);
	dnssec_verify_result r;
	CHECK_INT(dnssec_verify_dnskeys_by_ds(set, 2, &sig, 1, parsed, np, &ds, 1, 50, &r), DNSSEC_SIG_VALID);
	CHECK_INT(r.key, 0);
	/* A DS for the ZSK only: the ZSK did not sign the key set. */
	CHECK_INT(dnssec_verify_dnskeys_by_ds(set, 2, &sig, 1, parsed, np, &ds2, 1, 50, &r), DNSSEC_SIG_NO_KEY);
	dsrd[8] ^= 1;
	CHECK_INT(dnssec_verify_dnskeys_by_ds(set, 2, &sig, 1, parsed, np, &ds, 1, 50, &r), DNSSEC_SIG_NO_KEY);
	dnssec_keys_free(parsed, np);
	dnssec_key_free(&ksk);
	dnssec_key_free(&zsk);
	CHECK(strcmp(dnssec_sig_status_text(DNSSEC_SIG_EXPIRED), "signature expired") == 0);
}

/* Serial-number time: a window across the 2^32 wrap still works. */
static void test_time_wrap(void)
{
	struct pool p = { .used = 0 };
	dns_rr a = rr_of(&p, "www.example. 300 IN A 192.0.2.1");
	dnssec_key k;
	CHECK_INT(dnssec_key_generate(&k, dns_name_skip_labels(a.owner, 1), 15, DNSSEC_FLAGS_ZSK, 0), DNS_OK);
	uint8_t rd[DNSSEC_RRSIG_MAXLEN];
	size_t len;
	CHECK_INT(dnssec_sign_rrset(&k, &a, 1, 0xFFFFFF00u, 0x100u, rd, sizeof rd, &len), DNS_OK);
	dns_rr sig = { a.owner, DNS_T_RRSIG, DNS_C_IN, 300, (uint16_t)len, rd };
	CHECK_INT(dnssec_verify_rrsig(&a, 1, &sig, &k, 0xFFFFFFF0u), DNSSEC_SIG_VALID);
	CHECK_INT(dnssec_verify_rrsig(&a, 1, &sig, &k, 0x10u), DNSSEC_SIG_VALID);
	CHECK_INT(dnssec_verify_rrsig(&a, 1, &sig, &k, 0x200u), DNSSEC_SIG_EXPIRED);
	CHECK_INT(dnssec_verify_rrsig(&a, 1, &sig, &k, 0xFFFFFE00u), DNSSEC_SIG_NOT_YET_VALID);
	dnssec_key_free(&k);
}

int main(void)
{
	RUN(test_rfc8080_ed25519);
	RUN(test_rfc6605_p256);
	RUN(test_rfc5702_rsasha256);
	RUN(test_canonical);
	RUN(test_round_trips);
	RUN(test_wildcard);
	RUN(test_sets_and_budget);
	RUN(test_chain_step);
	RUN(test_time_wrap);
	return check_summary("test_rrsig");
}
