/* DNSSEC keys against the published vectors: RFC 4034 B key tag, RFC
 * 8080 (Ed25519), RFC 6605 (P-256), RFC 5702 (RSASHA256) keys and DS
 * records; generation, the private-key text both ways, raw signatures,
 * and keys that must be refused. */
#include "check.h"
#include "dns/encode.h"
#include "dns/master.h"
#include "dnssec/key.h"

#include <stdlib.h>

/* One record from presentation text into `buf`. */
static dns_rr rr_of(const char *text, uint8_t *buf, size_t cap)
{
	dns_rr rr = { 0 };
	char err[128];
	dns_err e = dns_master_parse_rr(text, dns_name_root, DNS_C_IN, 3600, buf, cap, &rr,
					err, sizeof err);
	if (e) {
		fprintf(stderr, "cannot parse %s: %s\n", text, err);
		abort();
	}
	return rr;
}

static const char ed_key[] =
	"example.com. 3600 IN DNSKEY 257 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=";
static const char ed_private[] =
	"Private-key-format: v1.2\n"
	"Algorithm: 15 (ED25519)\n"
	"PrivateKey: ODIyNjAzODQ2MjgwODAxMjI2NDUxOTAyMDQxNDIyNjI=\n";
static const char ec_key[] =
	"example.net. 3600 IN DNSKEY 257 3 13 GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edb"
	"krSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA==";
static const char ec_private[] =
	"Private-key-format: v1.2\r\n"
	"Algorithm: 13 (ECDSAP256SHA256)\r\n"
	"PrivateKey: GU6SnQ/Ou+xC5RumuIUIuJZteXT2z0O/ok1s38Et6mQ=\r\n";
static const char rsa_key[] =
	"example.net. 3600 IN DNSKEY 256 3 8 AwEAAcFcGsaxxdgiuuGmCkVImy4h99CqT7jwY3pexPGcnUFt"
	"R2Fh36BponcwtkZ4cAgtvd4Qs8PkxUdp6p/DlUmObdk=";
static const char rsa_private[] =
	"Private-key-format: v1.2\n"
	"Algorithm:       8 (RSASHA256)\n"
	"Modulus:         wVwaxrHF2CK64aYKRUibLiH30KpPuPBjel7E8ZydQW1HYWHfoGmidzC2RnhwCC293hCzw+TFR2nqn8OVSY5t2Q==\n"
	"PublicExponent:  AQAB\n"
	"PrivateExponent: UR44xX6zB3eaeyvTRzmskHADrPCmPWnr8dxsNwiDGHzrMKLN+i/HAam+97HxIKVWNDH2ba9Mf1SA8xu9dcHZAQ==\n"
	"Prime1:          4c8IvFu1AVXGWeFLLFh5vs7fbdzdC6U82fduE6KkSWk=\n"
	"Prime2:          2zZpBE8ZXVnL74QjG4zINlDfH+EOEtjJJ3RtaYDugvE=\n"
	"Exponent1:       G2xAPFfK0KGxGANDVNxd1K1c9wOmmJ51mGbzKFFNMFk=\n"
	"Exponent2:       GYxP1Pa7CAwtHm8SAGX594qZVofOMhgd6YFCNyeVpKE=\n"
	"Coefficient:     icQdNRjlZGPmuJm2TIadubcO8X7V4y07aVhX464tx8Q=\n";

static void hex_of(const uint8_t *p, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[p[i] >> 4];
		out[2 * i + 1] = d[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* RFC 4034 section 5.4's RSA/SHA-1 key has tag 60485; RFC 4034 B.1's
 * rule for algorithm 1 takes the key's last-but-one 16 bits. */
static void test_key_tag(void)
{
	uint8_t buf[512];
	dns_rr rr = rr_of("dskey.example.com. 86400 IN DNSKEY 256 3 5 "
			  "AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMzNXxeYCmZ"
			  "DRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9Xzc"
			  "nOf+EPbtG9DMBmADjFDc2w/rljwvFw==", buf, sizeof buf);
	CHECK_INT(dnssec_key_tag(rr.rdata, rr.rdlen), 60485);
	uint8_t md5[] = { 1, 0, 3, 1, 0xAA, 0x12, 0x34, 0x56 };
	CHECK_INT(dnssec_key_tag(md5, sizeof md5), 0x1234);
	CHECK_INT(dnssec_key_tag(md5, 3), 0);
	rr = rr_of(ed_key, buf, sizeof buf);
	CHECK_INT(dnssec_key_tag(rr.rdata, rr.rdlen), 3613);
	rr = rr_of(ec_key, buf, sizeof buf);
	CHECK_INT(dnssec_key_tag(rr.rdata, rr.rdlen), 55648);
	rr = rr_of(rsa_key, buf, sizeof buf);
	CHECK_INT(dnssec_key_tag(rr.rdata, rr.rdlen), 9033);
}

/* DS digests of RFC 8080 6.1 and RFC 6605 6.1 (SHA-256) and 6.2's SHA-384
 * rule applied to the P-256 key, checked against dnspython elsewhere. */
static void test_ds(void)
{
	uint8_t buf[512], ds[DNSSEC_DS_MAXLEN];
	char hex[200];
	size_t n = 0;
	dns_rr rr = rr_of(ed_key, buf, sizeof buf);
	CHECK_INT(dnssec_ds_from_dnskey(rr.owner, rr.rdata, rr.rdlen, 2, ds, sizeof ds, &n), DNS_OK);
	CHECK_INT(n, 36);
	CHECK_INT(ds[0] << 8 | ds[1], 3613);
	CHECK_INT(ds[2], 15);
	CHECK_INT(ds[3], 2);
	hex_of(ds + 4, 32, hex);
	CHECK_STR(hex, "3aa5ab37efce57f737fc1627013fee07bdf241bd10f3b1964ab55c78e79a304b");
	CHECK(dnssec_ds_matches(rr.owner, ds, n, rr.rdata, rr.rdlen));

	/* The owner is lowercased before hashing. */
	uint8_t buf2[512], ds2[DNSSEC_DS_MAXLEN];
	size_t n2;
	dns_rr upper = rr_of("EXAMPLE.Com. 3600 IN DNSKEY 257 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=",
			     buf2, sizeof buf2);
	CHECK_INT(dnssec_ds_from_dnskey(upper.owner, upper.rdata, upper.rdlen, 2, ds2, sizeof ds2, &n2), DNS_OK);
	CHECK_MEM(ds2, ds, n);

	rr = rr_of(ec_key, buf, sizeof buf);
	CHECK_INT(dnssec_ds_from_dnskey(rr.owner, rr.rdata, rr.rdlen, 2, ds, sizeof ds, &n), DNS_OK);
	hex_of(ds + 4, 32, hex);
	CHECK_STR(hex, "b4c8c1fe2e7477127b27115656ad6256f424625bf5c1e2770ce6d6e37df61d17");
	CHECK_INT(dnssec_ds_from_dnskey(rr.owner, rr.rdata, rr.rdlen, 4, ds, sizeof ds, &n), DNS_OK);
	CHECK_INT(n, 52);
	CHECK(dnssec_ds_matches(rr.owner, ds, n, rr.rdata, rr.rdlen));
	/* Another owner, a changed digest, an unknown digest type: no match. */
	uint8_t other[] = { 3, 'n', 'e', 't', 0 };
	CHECK(!dnssec_ds_matches(other, ds, n, rr.rdata, rr.rdlen));
	ds[10] ^= 1;
	CHECK(!dnssec_ds_matches(rr.owner, ds, n, rr.rdata, rr.rdlen));
	ds[10] ^= 1;
	ds[3] = 1;
	CHECK(!dnssec_ds_matches(rr.owner, ds, n, rr.rdata, rr.rdlen));
	CHECK_INT(dnssec_ds_from_dnskey(rr.owner, rr.rdata, rr.rdlen, 1, ds, sizeof ds, &n), DNS_E_RANGE);
	CHECK_INT(dnssec_ds_from_dnskey(rr.owner, rr.rdata, rr.rdlen, 2, ds, 20, &n), DNS_E_NOSPACE);
	CHECK_INT(dnssec_ds_from_dnskey(rr.owner, rr.rdata, 3, 2, ds, sizeof ds, &n), DNS_E_FORMAT);
}

/* The RFCs' private keys give back their DNSKEYs (the public half is
 * derived), and sign what the public half verifies. */
static void test_private_vectors(void)
{
	struct { const char *pub, *priv; uint16_t flags; } v[] = {
		{ ed_key, ed_private, 257 },
		{ ec_key, ec_private, 257 },
		{ rsa_key, rsa_private, 256 },
	};
	for (size_t i = 0; i < 3; i++) {
		uint8_t buf[1024];
		dns_rr rr = rr_of(v[i].pub, buf, sizeof buf);
		dnssec_key priv, pub;
		CHECK_INT(dnssec_key_from_private(&priv, rr.owner, v[i].flags, v[i].priv,
						  strlen(v[i].priv)), DNS_OK);
		CHECK_INT(priv.rdlen, rr.rdlen);
		CHECK_MEM(priv.rdata, rr.rdata, rr.rdlen);
		CHECK_INT(priv.tag, dnssec_key_tag(rr.rdata, rr.rdlen));
		CHECK_INT(dnssec_key_from_dnskey(&pub, rr.owner, rr.rdata, rr.rdlen), DNS_OK);
		CHECK(!pub.has_private);
		uint8_t sig[DNSSEC_SIG_MAXLEN];
		size_t slen = 0;
		const uint8_t msg[] = "some data to sign";
		CHECK_INT(dnssec_key_sign_data(&priv, msg, sizeof msg, sig, sizeof sig, &slen), DNS_OK);
		CHECK(dnssec_key_verify_data(&pub, msg, sizeof msg, sig, slen));
		CHECK(!dnssec_key_verify_data(&pub, msg, sizeof msg - 1, sig, slen));
		CHECK_INT(dnssec_key_sign_data(&pub, msg, sizeof msg, sig, sizeof sig, &slen),
			  DNS_E_RANGE);
		/* The text written reads back as the same key. */
		char text[DNSSEC_PRIVATE_TEXT_MAX];
		size_t tlen = 0;
		CHECK_INT(dnssec_key_private_to_text(&priv, 1700000000, text, sizeof text, &tlen), DNS_OK);
		CHECK(strncmp(text, "Private-key-format: v1.3\nAlgorithm: ", 36) == 0);
		CHECK(strstr(text, "Created: 20231114221320\n") != NULL);
		dnssec_key again;
		CHECK_INT(dnssec_key_from_private(&again, rr.owner, v[i].flags, text, tlen), DNS_OK);
		CHECK_MEM(again.rdata, rr.rdata, rr.rdlen);
		CHECK_INT(dnssec_key_private_to_text(&pub, 0, text, sizeof text, &tlen), DNS_E_RANGE);
		CHECK_INT(dnssec_key_private_to_text(&priv, 0, text, 40, &tlen), DNS_E_NOSPACE);
		dnssec_key_free(&again);
		dnssec_key_free(&priv);
		dnssec_key_free(&pub);
		dnssec_key_free(&pub); /* twice is harmless */
	}
}

static void test_generate(void)
{
	const uint8_t owner[] = { 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0 };
	uint8_t algs[] = { 8, 13, 15 };
	/* RSA: exponent length, 65537 in 3 octets, 1024-bit modulus. */
	size_t publen[] = { 4 + 1 + 3 + 128, 4 + 64, 4 + 32 };
	for (int i = 0; i < 3; i++) {
		dnssec_key k, pub;
		CHECK_INT(dnssec_key_generate(&k, owner, algs[i], DNSSEC_FLAGS_KSK,
					      algs[i] == 8 ? 1024 : 0), DNS_OK);
		CHECK_INT(k.rdlen, publen[i]);
		CHECK_INT(k.rdata[0] << 8 | k.rdata[1], 257);
		CHECK_INT(k.rdata[2], 3);
		CHECK_INT(k.rdata[3], algs[i]);
		CHECK_INT(dnssec_key_from_dnskey(&pub, owner, k.rdata, k.rdlen), DNS_OK);
		uint8_t sig[DNSSEC_SIG_MAXLEN];
		size_t slen;
		CHECK_INT(dnssec_key_sign_data(&k, owner, sizeof owner, sig, sizeof sig, &slen), DNS_OK);
		CHECK_INT(slen, algs[i] == 8 ? 128 : 64);
		CHECK(dnssec_key_verify_data(&pub, owner, sizeof owner, sig, slen));
		sig[slen / 2] ^= 0x40;
		CHECK(!dnssec_key_verify_data(&pub, owner, sizeof owner, sig, slen));
		CHECK(!dnssec_key_verify_data(&pub, owner, sizeof owner, sig, slen - 1));
		char base[300], line[1200];
		CHECK_INT(dnssec_key_file_base(&k, base, sizeof base), DNS_OK);
		char want[40];
		snprintf(want, sizeof want, "Kexample.+%03u+%05u", algs[i], k.tag);
		CHECK_STR(base, want);
		CHECK_INT(dnssec_key_public_to_text(&k, 0, line, sizeof line, NULL), DNS_OK);
		CHECK(strncmp(line, "example. IN DNSKEY 257 3 ", 25) == 0);
		dnssec_key_free(&k);
		dnssec_key_free(&pub);
	}
	dnssec_key k;
	CHECK_INT(dnssec_key_generate(&k, owner, 5, DNSSEC_FLAGS_ZSK, 0), DNS_E_RANGE);
	CHECK_INT(dnssec_key_generate(&k, owner, 8, DNSSEC_FLAGS_ZSK, 512), DNS_E_RANGE);
}

/* Truncated, padded and otherwise wrong keys are refused, never trusted. */
static void test_bad_keys(void)
{
	uint8_t buf[1024];
	dnssec_key k;
	dns_rr rr = rr_of(ed_key, buf, sizeof buf);
	CHECK_INT(dnssec_key_from_dnskey(&k, rr.owner, rr.rdata, rr.rdlen - 1), DNS_E_RDLENGTH);
	CHECK_INT(dnssec_key_from_dnskey(&k, rr.owner, rr.rdata, 3), DNS_E_RDLENGTH);
	uint8_t copy[1024];
	memcpy(copy, rr.rdata, rr.rdlen);
	copy[2] = 2; /* protocol must be 3 */
	CHECK_INT(dnssec_key_from_dnskey(&k, rr.owner, copy, rr.rdlen), DNS_E_RANGE);
	copy[2] = 3;
	copy[3] = 16; /* Ed448: not supported */
	CHECK_INT(dnssec_key_from_dnskey(&k, rr.owner, copy, rr.rdlen), DNS_E_RANGE);

	rr = rr_of(ec_key, buf, sizeof buf);
	CHECK_INT(dnssec_key_from_dnskey(&k, rr.owner, rr.rdata, rr.rdlen - 1), DNS_E_RDLENGTH);
	memcpy(copy, rr.rdata, rr.rdlen);
	copy[20] ^= 0x10; /* no longer a point on the curve */
	CHECK(dnssec_key_from_dnskey(&k, rr.owner, copy, rr.rdlen) != DNS_OK);

	rr = rr_of(rsa_key, buf, sizeof buf);
	CHECK(dnssec_key_from_dnskey(&k, rr.owner, rr.rdata, 5) != DNS_OK);
	CHECK(dnssec_key_from_dnskey(&k, rr.owner, rr.rdata, 40) != DNS_OK); /* 256 bits */
	memcpy(copy, rr.rdata, rr.rdlen);
	copy[4] = 200; /* exponent longer than the key */
	CHECK_INT(dnssec_key_from_dnskey(&k, rr.owner, copy, rr.rdlen), DNS_E_RDLENGTH);
	copy[4] = 0; /* two-octet length, then nothing sensible */
	copy[5] = 0;
	copy[6] = 0;
	CHECK(dnssec_key_from_dnskey(&k, rr.owner, copy, rr.rdlen) != DNS_OK);

	/* Private-key texts with a field missing, another format, junk. */
	const char *bad[] = {
		"Algorithm: 15 (ED25519)\nPrivateKey: ODIyNjAzODQ2MjgwODAxMjI2NDUxOTAyMDQxNDIyNjI=\n",
		"Private-key-format: v1.2\nPrivateKey: ODIyNjAzODQ2MjgwODAxMjI2NDUxOTAyMDQxNDIyNjI=\n",
		"Private-key-format: v2.0\nAlgorithm: 15\nPrivateKey: ODIyNjAzODQ2MjgwODAxMjI2NDUxOTAyMDQxNDIyNjI=\n",
		"Private-key-format: v1.2\nAlgorithm: 15\nPrivateKey: ODIy\n",
		"Private-key-format: v1.2\nAlgorithm: 15\nPrivateKey: !!!!\n",
		"Private-key-format: v1.2\nAlgorithm: 13\n",
		"Private-key-format: v1.2\nAlgorithm: 8\nModulus: AQAB\n",
		"garbage",
		"",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		dns_err e = dnssec_key_from_private(&k, rr.owner, 256, bad[i], strlen(bad[i]));
		if (e == DNS_OK)
			fprintf(stderr, "accepted bad private key %zu\n", i);
		CHECK(e != DNS_OK);
	}
	CHECK_INT(dnssec_key_from_private(&k, rr.owner, 256,
					  "Private-key-format: v1.2\nAlgorithm: 5 (RSASHA1)\n", 47),
		  DNS_E_RANGE);
}

static void test_algorithm_names(void)
{
	uint8_t alg = 0;
	CHECK_INT(dnssec_algorithm_from_text("13", 2, &alg), DNS_OK);
	CHECK_INT(alg, 13);
	CHECK_INT(dnssec_algorithm_from_text("ed25519", 7, &alg), DNS_OK);
	CHECK_INT(alg, 15);
	CHECK_INT(dnssec_algorithm_from_text("RSASHA256", 9, &alg), DNS_OK);
	CHECK_INT(alg, 8);
	CHECK_INT(dnssec_algorithm_from_text("RSASHA1", 7, &alg), DNS_E_RANGE);
	CHECK_INT(dnssec_algorithm_from_text("300", 3, &alg), DNS_E_RANGE);
	CHECK_INT(dnssec_algorithm_from_text("nope", 4, &alg), DNS_E_SYNTAX);
	CHECK_STR(dnssec_algorithm_name(13), "ECDSAP256SHA256");
	CHECK(dnssec_algorithm_name(99) == NULL);
}

int main(void)
{
	RUN(test_key_tag);
	RUN(test_ds);
	RUN(test_private_vectors);
	RUN(test_generate);
	RUN(test_bad_keys);
	RUN(test_algorithm_names);
	return check_summary("test_key");
}
