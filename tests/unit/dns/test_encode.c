/* Hex, base64 and base32hex. */
#include "check.h"
#include "dns/encode.h"

static void test_encodings(void)
{
	static const uint8_t data[] = { 'f', 'o', 'o', 'b', 'a', 'r' };
	const char *b64[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	const char *b32[] = { "", "CO", "CPNG", "CPNMU", "CPNMUOG", "CPNMUOJ1", "CPNMUOJ1E8" };
	for (size_t n = 0; n <= 6; n++) {
		char out[32];
		uint8_t back[16];
		size_t len;
		CHECK_INT(dns_base64_encode(data, n, out, sizeof out, NULL), DNS_OK);
		CHECK_STR(out, b64[n]);
		CHECK_INT(dns_base64_decode(out, strlen(out), back, sizeof back, &len), DNS_OK);
		CHECK_INT(len, n);
		CHECK_INT(dns_base32hex_encode(data, n, out, sizeof out, NULL), DNS_OK);
		CHECK_STR(out, b32[n]);
		CHECK_INT(dns_base32hex_decode(out, strlen(out), back, sizeof back, &len), DNS_OK);
		CHECK_INT(len, n);
		CHECK(memcmp(back, data, n) == 0);
	}
	uint8_t b[8];
	size_t len;
	CHECK_INT(dns_base64_decode("Zg=a", 4, b, sizeof b, &len), DNS_E_SYNTAX);
	CHECK_INT(dns_base64_decode("Z===", 4, b, sizeof b, &len), DNS_E_SYNTAX);
	CHECK_INT(dns_base64_decode("Zm9v!", 5, b, sizeof b, &len), DNS_E_SYNTAX);
	CHECK_INT(dns_hex_decode("abc", 3, b, sizeof b, &len), DNS_E_SYNTAX);
	CHECK_INT(dns_hex_decode("zz", 2, b, sizeof b, &len), DNS_E_SYNTAX);
	CHECK_INT(dns_base32hex_decode("W0", 2, b, sizeof b, &len), DNS_E_SYNTAX);
	CHECK_INT(dns_base32hex_decode("CP", 2, b, sizeof b, &len), DNS_E_SYNTAX);
}

static void test_hex(void)
{
	static const uint8_t data[] = { 0x00, 0xFF, 0xA5, 0x0C };
	char out[16];
	size_t len = 0;
	CHECK_INT(dns_hex_encode(data, 4, out, sizeof out, &len), DNS_OK);
	CHECK_STR(out, "00FFA50C");       /* upper case, as BIND prints */
	CHECK_INT(len, 8);
	/* Exactly room for the digits but not the NUL: refused. */
	CHECK_INT(dns_hex_encode(data, 4, out, 8, &len), DNS_E_NOSPACE);
	CHECK_INT(dns_hex_encode(data, 4, out, 9, NULL), DNS_OK);
	CHECK_STR(out, "00FFA50C");
	CHECK_INT(dns_hex_encode(data, 0, out, 1, &len), DNS_OK);
	CHECK_STR(out, "");

	uint8_t back[4];
	CHECK_INT(dns_hex_decode("00fFa50C", 8, back, sizeof back, &len), DNS_OK);
	CHECK_INT(len, 4);
	CHECK_MEM(back, data, 4);
	CHECK_INT(dns_hex_decode("00FFA50C", 8, back, 3, &len), DNS_E_NOSPACE);
	CHECK_INT(dns_hex_decode("0 ", 2, back, sizeof back, &len), DNS_E_SYNTAX);
	CHECK_INT(dns_hex_decode("g0", 2, back, sizeof back, &len), DNS_E_SYNTAX);
	/* Only n characters are read: what follows does not matter. */
	CHECK_INT(dns_hex_decode("0102zz", 4, back, sizeof back, &len), DNS_OK);
	CHECK_INT(len, 2);
	CHECK(back[0] == 1 && back[1] == 2);
}

static void test_base64_edges(void)
{
	/* Every octet value survives, in every position of a group. */
	uint8_t all[256], back[256];
	char text[400];
	size_t len;
	for (int i = 0; i < 256; i++)
		all[i] = (uint8_t)i;
	CHECK_INT(dns_base64_encode(all, 256, text, sizeof text, &len), DNS_OK);
	CHECK_INT(len, 344);
	CHECK_INT(dns_base64_decode(text, len, back, sizeof back, &len), DNS_OK);
	CHECK_INT(len, 256);
	CHECK_MEM(back, all, 256);
	/* The text of 0xFB 0xFF exercises '+' and '/'. */
	static const uint8_t fbff[] = { 0xFB, 0xFF, 0xBF };
	CHECK_INT(dns_base64_encode(fbff, 3, text, sizeof text, NULL), DNS_OK);
	CHECK_STR(text, "+/+/");
	/* Base64 is case-sensitive: "zg==" is not "Zg==". */
	CHECK_INT(dns_base64_decode("zg==", 4, back, sizeof back, &len), DNS_OK);
	CHECK(len == 1 && back[0] == 0xCE);
	CHECK_INT(dns_base64_encode(all, 3, text, 4, NULL), DNS_E_NOSPACE);
	CHECK_INT(dns_base64_decode("Zm9vYmFy", 8, back, 5, &len), DNS_E_NOSPACE);
	CHECK_INT(dns_base64_decode("Zm9", 3, back, sizeof back, &len), DNS_E_SYNTAX);
	CHECK_INT(dns_base64_decode("Zg==Zg==", 8, back, sizeof back, &len), DNS_E_SYNTAX);
	CHECK_INT(dns_base64_decode("Zm9v Zg==", 9, back, sizeof back, &len), DNS_E_SYNTAX);
	CHECK_INT(dns_base64_decode("", 0, back, sizeof back, &len), DNS_OK);
	CHECK_INT(len, 0);
}

static void test_base32hex_edges(void)
{
	uint8_t back[16];
	size_t len;
	/* RFC 4648 section 10 gives the padded forms; padding is accepted
	 * on input, and either case. */
	CHECK_INT(dns_base32hex_decode("CO======", 8, back, sizeof back, &len), DNS_OK);
	CHECK(len == 1 && back[0] == 'f');
	CHECK_INT(dns_base32hex_decode("cpnmuoj1e8", 10, back, sizeof back, &len), DNS_OK);
	CHECK(len == 6 && memcmp(back, "foobar", 6) == 0);
	CHECK_INT(dns_base32hex_decode("CPNMUOJ1E8", 10, back, 5, &len), DNS_E_NOSPACE);
	/* Five bits alone are not a byte. */
	CHECK_INT(dns_base32hex_decode("C", 1, back, sizeof back, &len), DNS_E_SYNTAX);
	CHECK_INT(dns_base32hex_decode("C=O", 3, back, sizeof back, &len), DNS_E_SYNTAX);
	char text[32];
	static const uint8_t hash[] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
	CHECK_INT(dns_base32hex_encode(hash, 5, text, sizeof text, &len), DNS_OK);
	CHECK_STR(text, "VVVVVVVV");
	CHECK_INT(len, 8);
	CHECK_INT(dns_base32hex_encode(hash, 5, text, 8, &len), DNS_E_NOSPACE);
}

int main(void)
{
	RUN(test_encodings);
	RUN(test_hex);
	RUN(test_base64_edges);
	RUN(test_base32hex_edges);
	return check_summary("test_encode");
}
