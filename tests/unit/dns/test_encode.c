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

int main(void)
{
	RUN(test_encodings);
	return check_summary("test_encode");
}
