/* TSIG (RFC 8945): the messages dnspython 2.3 signs at a fixed time are
 * what we sign, byte for byte, and what we verify; bad keys, MACs and
 * times give the errors the RFC names; a transfer's chain of MACs holds
 * with unsigned messages in between and breaks when one is altered. */
#include "check.h"
#include "dns/encode.h"
#include "dns/wire.h"
#include "dnssec/tsig.h"

#define SECRET "c2VjcmV0LWZvci11bml0LXRlc3RzLTAxMjM0NTY3ODk="
#define T0 1700000000u

/* dnspython: make_query("example.com.", "SOA"), id 0x1234, flags 0,
 * use_tsig(Key("xfr-key.", SECRET, "hmac-sha256")) at time T0; then
 * make_response() of it with AA, signed over the query's MAC. */
static const char query_hex[] =
	"123400000001000000000001076578616d706c6503636f6d0000060001077866722d6b65"
	"790000fa00ff00000000003d0b686d61632d7368613235360000006553f100012c002038"
	"ac994dfaa2f376f11ed680a2e0f8e96e59ce8f85947d047d8c2edd6aa717501234000000"
	"00";
static const char response_hex[] =
	"123484000001000000000001076578616d706c6503636f6d0000060001077866722d6b65"
	"790000fa00ff00000000003d0b686d61632d7368613235360000006553f100012c0020f5"
	"944208c7a5de2c18ef78763fb5862cf78aa3dc5bf5dc692ef63ac11d6bf3d31234000000"
	"00";
/* The same query signed with hmac-sha512 under the name "k512.". */
static const char query512_hex[] =
	"123400000001000000000001076578616d706c6503636f6d0000060001046b3531320000"
	"fa00ff00000000005d0b686d61632d7368613531320000006553f100012c0040424d607c"
	"17d94949ba86bf980307fe8f51e8c52d1f6359c1842dd959ad5e3b7330973f5b6f10c8b5"
	"19b1c614237d6990a8c053e2f5924c357527e7cc9538d784123400000000";

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	CHECK_INT(dns_hex_decode(hex, strlen(hex), out, cap, &n), DNS_OK);
	return n;
}

static tsig_key key(const char *name, const char *alg, const char *secret)
{
	tsig_key k;
	char err[200];
	CHECK(tsig_key_init(&k, name, alg, secret, err, sizeof err));
	return k;
}

static void test_keys(void)
{
	tsig_key k;
	char err[200];
	CHECK(tsig_key_init(&k, "Xfr-Key", "HMAC-SHA256.", SECRET, err, sizeof err));
	CHECK_INT(k.alg, TSIG_HMAC_SHA256);
	CHECK_INT(k.name.data[1], 'x');           /* lowercased */
	CHECK_INT(k.secretlen, 32);
	CHECK_STR(tsig_alg_name(k.alg), "hmac-sha256");
	CHECK_INT(tsig_alg_maclen(TSIG_HMAC_SHA1), 20);
	CHECK(!tsig_key_init(&k, "k", "hmac-md5", SECRET, err, sizeof err));
	CHECK(strstr(err, "hmac-md5") != NULL);
	CHECK(!tsig_key_init(&k, "k", "hmac-sha256", "not base64!", err, sizeof err));
	CHECK(!tsig_key_init(&k, "k", "hmac-sha256", "", err, sizeof err));
	CHECK(!tsig_key_init(&k, "a..b", "hmac-sha256", SECRET, err, sizeof err));
}

/* Signing the bare query at T0 gives dnspython's bytes. */
static void test_sign_like_dnspython(void)
{
	uint8_t want[512], msg[512];
	size_t wantlen = unhex(query_hex, want, sizeof want);
	tsig_record rec;
	CHECK_INT(tsig_find(want, wantlen, &rec), 1);
	size_t bare = rec.start;
	memcpy(msg, want, bare);
	dns_put16(msg + 10, 0);                     /* no additional before signing */
	tsig_key k = key("xfr-key.", "hmac-sha256", SECRET);
	size_t len = 0;
	uint8_t mac[TSIG_MAC_MAX];
	CHECK_INT(tsig_sign(msg, bare, sizeof msg, &k, T0, NULL, 0, 0, NULL, 0, &len, mac),
		  DNS_OK);
	CHECK_INT(len, wantlen);
	CHECK_MEM(msg, want, wantlen);
	CHECK_MEM(mac, rec.mac, 32);

	/* The response over the query's MAC. */
	uint8_t rwant[512], resp[512];
	size_t rlen = unhex(response_hex, rwant, sizeof rwant);
	tsig_record rrec;
	CHECK_INT(tsig_find(rwant, rlen, &rrec), 1);
	memcpy(resp, rwant, rrec.start);
	dns_put16(resp + 10, 0);
	CHECK_INT(tsig_sign(resp, rrec.start, sizeof resp, &k, T0, mac, 32, 0, NULL, 0, &len, NULL),
		  DNS_OK);
	CHECK_INT(len, rlen);
	CHECK_MEM(resp, rwant, rlen);
	/* No room: refused, nothing written past the buffer. */
	CHECK_INT(tsig_sign(resp, rrec.start, rrec.start + 20, &k, T0, NULL, 0, 0, NULL, 0, &len,
			    NULL), DNS_E_NOSPACE);
}

static void test_verify(void)
{
	uint8_t q[512], r[512];
	size_t qlen = unhex(query_hex, q, sizeof q), rlen = unhex(response_hex, r, sizeof r);
	tsig_key keys[2] = { key("other.", "hmac-sha256", SECRET),
			     key("xfr-key.", "hmac-sha256", SECRET) };
	tsig_record rec;
	CHECK_INT(tsig_find(q, qlen, &rec), 1);
	CHECK_INT(rec.fudge, 300);
	CHECK_INT(rec.time, T0);
	CHECK_INT(rec.orig_id, 0x1234);
	const tsig_key *k = tsig_key_lookup(keys, 2, &rec);
	CHECK(k == &keys[1]);
	CHECK_INT(tsig_verify(q, qlen, &rec, k, T0, NULL, 0), TSIG_NOERROR);
	CHECK_INT(tsig_verify(q, qlen, &rec, k, T0 + 300, NULL, 0), TSIG_NOERROR);
	CHECK_INT(tsig_verify(q, qlen, &rec, k, T0 + 301, NULL, 0), TSIG_BADTIME);
	CHECK_INT(tsig_verify(q, qlen, &rec, k, T0 - 301, NULL, 0), TSIG_BADTIME);
	/* Unknown key, or the name with another algorithm. */
	CHECK_INT(tsig_verify(q, qlen, &rec, NULL, T0, NULL, 0), TSIG_BADKEY);
	tsig_key sha1 = key("xfr-key.", "hmac-sha1", SECRET);
	CHECK_INT(tsig_verify(q, qlen, &rec, &sha1, T0, NULL, 0), TSIG_BADKEY);
	/* Another secret, or a changed message. */
	tsig_key wrong = key("xfr-key.", "hmac-sha256", "d3Jvbmc=");
	CHECK_INT(tsig_verify(q, qlen, &rec, &wrong, T0, NULL, 0), TSIG_BADSIG);
	q[20] ^= 1;
	CHECK_INT(tsig_verify(q, qlen, &rec, k, T0, NULL, 0), TSIG_BADSIG);
	q[20] ^= 1;
	/* The response only with the query's MAC. */
	tsig_record rrec;
	CHECK_INT(tsig_find(r, rlen, &rrec), 1);
	CHECK_INT(tsig_verify(r, rlen, &rrec, k, T0, rec.mac, rec.maclen), TSIG_NOERROR);
	CHECK_INT(tsig_verify(r, rlen, &rrec, k, T0, NULL, 0), TSIG_BADSIG);
	/* A MAC cut to 16 octets (half of SHA-256's) is allowed, to 8 not. */
	rec.maclen = 16;
	CHECK_INT(tsig_verify(q, qlen, &rec, k, T0, NULL, 0), TSIG_NOERROR);
	rec.maclen = 8;
	CHECK_INT(tsig_verify(q, qlen, &rec, k, T0, NULL, 0), TSIG_BADSIG);

	uint8_t q5[512];
	size_t q5len = unhex(query512_hex, q5, sizeof q5);
	tsig_key k5 = key("k512", "hmac-sha512", SECRET);
	CHECK_INT(tsig_find(q5, q5len, &rec), 1);
	CHECK_INT(rec.maclen, 64);
	CHECK_INT(tsig_verify(q5, q5len, &rec, &k5, T0, NULL, 0), TSIG_NOERROR);
}

static void test_find(void)
{
	uint8_t q[512];
	size_t qlen = unhex(query_hex, q, sizeof q);
	tsig_record rec;
	/* Without its TSIG: none. */
	size_t bare = 29;
	uint8_t b[512];
	memcpy(b, q, bare);
	dns_put16(b + 10, 0);
	CHECK_INT(tsig_find(b, bare, &rec), 0);
	/* Counted in the answer section instead: not where it may be. */
	memcpy(b, q, qlen);
	dns_put16(b + 6, 1);
	dns_put16(b + 10, 0);
	CHECK_INT(tsig_find(b, qlen, &rec), -1);
	/* Cut short, or with a byte left over. */
	CHECK_INT(tsig_find(q, qlen - 1, &rec), -1);
	memcpy(b, q, qlen);
	b[qlen] = 0;
	CHECK_INT(tsig_find(b, qlen + 1, &rec), -1);
	/* Not class ANY. */
	memcpy(b, q, qlen);
	b[29 + 9 + 3] = 1;
	CHECK_INT(tsig_find(b, qlen, &rec), -1);
	CHECK_INT(tsig_find(q, 5, &rec), -1);
}

/* An error answer's TSIG: the request's names, no MAC. */
static void test_unsigned_error(void)
{
	uint8_t q[512], m[512];
	size_t qlen = unhex(query_hex, q, sizeof q);
	tsig_record rec, got;
	CHECK_INT(tsig_find(q, qlen, &rec), 1);
	memcpy(m, q, 29);
	dns_put16(m + 10, 0);
	size_t len;
	CHECK_INT(tsig_append_unsigned(m, 29, sizeof m, &rec, T0, TSIG_BADKEY, &len), DNS_OK);
	CHECK_INT(tsig_find(m, len, &got), 1);
	CHECK_INT(got.maclen, 0);
	CHECK_INT(got.error, TSIG_BADKEY);
	CHECK(dns_name_equal(got.key.data, rec.key.data));
	/* A BADTIME answer carries the server's time in other data. */
	tsig_key k = key("xfr-key.", "hmac-sha256", SECRET);
	uint8_t other[6] = { 0, 0, 0x65, 0x53, 0xf1, 0x00 };
	memcpy(m, q, 29);
	dns_put16(m + 10, 0);
	CHECK_INT(tsig_sign(m, 29, sizeof m, &k, T0, rec.mac, rec.maclen, TSIG_BADTIME, other, 6,
			    &len, NULL), DNS_OK);
	CHECK_INT(tsig_find(m, len, &got), 1);
	CHECK_INT(got.error, TSIG_BADTIME);
	CHECK_INT(got.otherlen, 6);
	CHECK_INT(tsig_verify(m, len, &got, &k, T0, rec.mac, rec.maclen), TSIG_NOERROR);
}

/* A message of a transfer: header, one question, `n` answer octets of
 * filler (a TXT record), so each message differs. */
static size_t xfr_message(uint8_t *m, uint8_t fill)
{
	static const uint8_t head[] = { 0x12, 0x34, 0x84, 0, 0, 1, 0, 1, 0, 0, 0, 0,
					7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 0, 252, 0, 1,
					0xc0, 12, 0, 16, 0, 1, 0, 0, 0, 60, 0, 2, 1 };
	memcpy(m, head, sizeof head);
	m[sizeof head] = fill;
	return sizeof head + 1;
}

static void test_stream(void)
{
	tsig_key k = key("xfr-key.", "hmac-sha256", SECRET);
	uint8_t reqmac[32];
	memset(reqmac, 7, sizeof reqmac);
	tsig_stream out, in;
	tsig_stream_init(&out, &k, reqmac, 32);
	tsig_stream_init(&in, &k, reqmac, 32);
	uint8_t msg[4][512];
	size_t len[4];
	for (int i = 0; i < 3; i++) {
		size_t n = xfr_message(msg[i], (uint8_t)i);
		CHECK_INT(tsig_stream_sign(&out, msg[i], n, sizeof msg[i], T0, &len[i]), DNS_OK);
	}
	for (int i = 0; i < 3; i++)
		CHECK_INT(tsig_stream_verify(&in, msg[i], len[i], T0), TSIG_NOERROR);
	CHECK(tsig_stream_ends_signed(&in));
	tsig_stream_free(&in);

	/* Out of order: the chain breaks. */
	tsig_stream_init(&in, &k, reqmac, 32);
	CHECK_INT(tsig_stream_verify(&in, msg[0], len[0], T0), TSIG_NOERROR);
	CHECK_INT(tsig_stream_verify(&in, msg[2], len[2], T0), TSIG_BADSIG);
	tsig_stream_free(&in);

	/* The first message unsigned: refused. */
	uint8_t plain[512];
	size_t plen = xfr_message(plain, 9);
	tsig_stream_init(&in, &k, reqmac, 32);
	CHECK_INT(tsig_stream_verify(&in, plain, plen, T0), TSIG_BADSIG);
	tsig_stream_free(&in);
	tsig_stream_free(&out);
}

/* Unsigned messages in between count in the next MAC: the signer's MAC
 * over "msg1 msg2" is what the reader checks on msg2 after an unsigned
 * msg1. */
static void test_stream_unsigned_between(void)
{
	tsig_key k = key("xfr-key.", "hmac-sha256", SECRET);
	uint8_t reqmac[32] = { 1 };
	tsig_stream out, in;
	tsig_stream_init(&out, &k, reqmac, 32);
	uint8_t first[512], mid[512], last[512], both[1024];
	size_t flen = xfr_message(first, 1), mlen = xfr_message(mid, 2), llen = xfr_message(last, 3);
	CHECK_INT(tsig_stream_sign(&out, first, flen, sizeof first, T0, &flen), DNS_OK);
	/* What the signer MACs: the unsigned message, then the last one. */
	memcpy(both, mid, mlen);
	memcpy(both + mlen, last, llen);
	size_t blen;
	CHECK_INT(tsig_stream_sign(&out, both, mlen + llen, sizeof both, T0, &blen), DNS_OK);
	/* The TSIG record it made goes on the last message. */
	memcpy(last + llen, both + mlen + llen, blen - mlen - llen);
	dns_put16(last + 10, 1);
	llen += blen - mlen - llen;

	tsig_stream_init(&in, &k, reqmac, 32);
	CHECK_INT(tsig_stream_verify(&in, first, flen, T0), TSIG_NOERROR);
	CHECK_INT(tsig_stream_verify(&in, mid, mlen, T0), TSIG_NOERROR);
	CHECK(!tsig_stream_ends_signed(&in));
	CHECK_INT(tsig_stream_verify(&in, last, llen, T0), TSIG_NOERROR);
	CHECK(tsig_stream_ends_signed(&in));
	tsig_stream_free(&in);

	/* Without the unsigned message, the last one does not verify. */
	tsig_stream_init(&in, &k, reqmac, 32);
	CHECK_INT(tsig_stream_verify(&in, first, flen, T0), TSIG_NOERROR);
	CHECK_INT(tsig_stream_verify(&in, last, llen, T0), TSIG_BADSIG);
	tsig_stream_free(&in);

	/* 99 unsigned messages may follow one another, not 100. */
	tsig_stream_init(&in, &k, reqmac, 32);
	CHECK_INT(tsig_stream_verify(&in, first, flen, T0), TSIG_NOERROR);
	for (int i = 0; i < TSIG_UNSIGNED_MAX; i++)
		CHECK_INT(tsig_stream_verify(&in, mid, mlen, T0), TSIG_NOERROR);
	CHECK_INT(tsig_stream_verify(&in, mid, mlen, T0), TSIG_BADSIG);
	tsig_stream_free(&in);
	tsig_stream_free(&out);
}

int main(void)
{
	RUN(test_keys);
	RUN(test_sign_like_dnspython);
	RUN(test_verify);
	RUN(test_find);
	RUN(test_unsigned_error);
	RUN(test_stream);
	RUN(test_stream_unsigned_between);
	return check_summary("tsig");
}
