/* Error codes in words: every code has its own message, and a value
 * outside the enum still gets one. */
#include "check.h"
#include "dns/error.h"

static void test_messages(void)
{
	CHECK_STR(dns_strerror(DNS_OK), "success");
	CHECK_STR(dns_strerror(DNS_E_TRUNCATED), "input ends in the middle of an item");
	CHECK_STR(dns_strerror(DNS_E_LABEL_TOO_LONG), "label longer than 63 octets");
	CHECK_STR(dns_strerror(DNS_E_NAME_TOO_LONG), "name longer than 255 octets");
	CHECK_STR(dns_strerror(DNS_E_BAD_POINTER), "compression pointer does not point backwards");
	CHECK_STR(dns_strerror(DNS_E_RDLENGTH), "RDLENGTH does not match the record data");
	CHECK_STR(dns_strerror(DNS_E_NOSPACE), "no space left in the output");
	CHECK_STR(dns_strerror(DNS_E_UNKNOWN_TYPE), "unknown record type");
	CHECK_STR(dns_strerror(DNS_E_ORDER), "sections built out of order");
}

/* Each code from DNS_OK to the last says something of its own: a
 * message shared by two codes (a copy-paste slip) would mislead. */
static void test_every_code_distinct(void)
{
	const char *seen[DNS_E_ORDER + 1];
	for (int e = DNS_OK; e <= DNS_E_ORDER; e++) {
		const char *m = dns_strerror((dns_err)e);
		CHECK(m != NULL && m[0] != '\0');
		CHECK(strcmp(m, "unknown error") != 0);
		for (int k = 0; k < e; k++)
			if (strcmp(seen[k], m) == 0) {
				fprintf(stderr, "  codes %d and %d share \"%s\"\n", k, e, m);
				CHECK(0);
			}
		seen[e] = m;
	}
}

static void test_unknown_code(void)
{
	CHECK_STR(dns_strerror((dns_err)(DNS_E_ORDER + 1)), "unknown error");
	CHECK_STR(dns_strerror((dns_err)-1), "unknown error");
}

int main(void)
{
	RUN(test_messages);
	RUN(test_every_code_distinct);
	RUN(test_unknown_code);
	return check_summary("test_error");
}
