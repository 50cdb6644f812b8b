/* Record types and classes: mnemonics both ways, the RFC 3597 generic
 * forms TYPEnnn and CLASSnnn, and which types are meta. */
#include "check.h"
#include "dns/rrtype.h"

static dns_err type_of(const char *s, uint16_t *v)
{
	return dns_type_from_text(s, strlen(s), v);
}

static dns_err class_of(const char *s, uint16_t *v)
{
	return dns_class_from_text(s, strlen(s), v);
}

/* Every type the library has a descriptor for, and a few it only names;
 * the numbers are IANA's. */
static const struct {
	uint16_t code;
	const char *name;
} known_types[] = {
	{ 1, "A" },        { 2, "NS" },        { 5, "CNAME" },   { 6, "SOA" },
	{ 12, "PTR" },     { 13, "HINFO" },    { 15, "MX" },     { 16, "TXT" },
	{ 28, "AAAA" },    { 33, "SRV" },      { 35, "NAPTR" },  { 39, "DNAME" },
	{ 41, "OPT" },     { 43, "DS" },       { 44, "SSHFP" },  { 46, "RRSIG" },
	{ 47, "NSEC" },    { 48, "DNSKEY" },   { 50, "NSEC3" },  { 51, "NSEC3PARAM" },
	{ 52, "TLSA" },    { 59, "CDS" },      { 60, "CDNSKEY" }, { 251, "IXFR" },
	{ 252, "AXFR" },   { 255, "ANY" },     { 257, "CAA" },
	{ 65401, "ALIAS" },  /* dnsim's, PowerDNS's number */
};

static void test_type_names_both_ways(void)
{
	char buf[DNS_MNEMONIC_MAX];
	for (size_t i = 0; i < sizeof known_types / sizeof known_types[0]; i++) {
		uint16_t v = 0;
		CHECK_STR(dns_type_to_text(known_types[i].code, buf), known_types[i].name);
		CHECK_INT(type_of(known_types[i].name, &v), DNS_OK);
		CHECK_INT(v, known_types[i].code);
	}
	/* The enum agrees with the table above. */
	CHECK_INT(DNS_T_NSEC3PARAM, 51);
	CHECK_INT(DNS_T_CAA, 257);
}

static void test_type_case_and_length(void)
{
	uint16_t v = 0;
	CHECK_INT(type_of("mx", &v), DNS_OK);
	CHECK_INT(v, DNS_T_MX);
	CHECK_INT(type_of("nSeC3pArAm", &v), DNS_OK);
	CHECK_INT(v, DNS_T_NSEC3PARAM);
	/* The length is what counts, not a NUL: "AAAA" cut to one octet is A,
	 * and a prefix of a mnemonic is not that mnemonic. */
	CHECK_INT(dns_type_from_text("AAAA", 1, &v), DNS_OK);
	CHECK_INT(v, DNS_T_A);
	CHECK_INT(dns_type_from_text("NSEC3", 4, &v), DNS_OK);
	CHECK_INT(v, DNS_T_NSEC);
	CHECK_INT(type_of("CNAM", &v), DNS_E_UNKNOWN_TYPE);
	CHECK_INT(type_of("AA", &v), DNS_E_UNKNOWN_TYPE);
	CHECK_INT(type_of("A ", &v), DNS_E_UNKNOWN_TYPE);
	CHECK_INT(type_of("", &v), DNS_E_UNKNOWN_TYPE);
	CHECK_INT(type_of("BOGUS", &v), DNS_E_UNKNOWN_TYPE);
}

static void test_type_generic_form(void)
{
	char buf[DNS_MNEMONIC_MAX];
	uint16_t v = 0;
	CHECK_STR(dns_type_to_text(65534, buf), "TYPE65534");
	CHECK_STR(dns_type_to_text(0, buf), "TYPE0");
	CHECK_STR(dns_type_to_text(65535, buf), "TYPE65535");
	CHECK_STR(dns_type_to_text(731, buf), "TYPE731");
	CHECK_INT(type_of("TYPE65534", &v), DNS_OK);
	CHECK_INT(v, 65534);
	CHECK_INT(type_of("type65535", &v), DNS_OK);
	CHECK_INT(v, 65535);
	CHECK_INT(type_of("TYPE0", &v), DNS_OK);
	CHECK_INT(v, 0);
	/* A known type in generic form is that type (RFC 3597 section 5). */
	CHECK_INT(type_of("TYPE1", &v), DNS_OK);
	CHECK_INT(v, DNS_T_A);
	CHECK_INT(type_of("TYPE28", &v), DNS_OK);
	CHECK_INT(v, DNS_T_AAAA);
	CHECK_INT(type_of("TYPE65536", &v), DNS_E_RANGE);
	CHECK_INT(type_of("TYPE99999", &v), DNS_E_RANGE);
	/* Not numbers, or too many digits to be one. */
	CHECK(type_of("TYPE", &v) != DNS_OK);
	CHECK(type_of("TYPE-1", &v) != DNS_OK);
	CHECK(type_of("TYPE1x", &v) != DNS_OK);
	CHECK(type_of("TYPE 1", &v) != DNS_OK);
	CHECK(type_of("TYPE123456", &v) != DNS_OK);
	CHECK(type_of("TYPE99999999999999999999", &v) != DNS_OK);
	/* A failed parse leaves the output alone. */
	v = 77;
	CHECK(type_of("TYPEx", &v) != DNS_OK);
	CHECK_INT(v, 77);
}

static void test_every_type_round_trips(void)
{
	/* to_text and from_text are inverses over the whole 16-bit space. */
	char buf[DNS_MNEMONIC_MAX];
	int bad = 0;
	for (unsigned t = 0; t <= 65535; t++) {
		uint16_t v = 0;
		const char *s = dns_type_to_text((uint16_t)t, buf);
		if (type_of(s, &v) != DNS_OK || v != t) {
			if (bad++ < 5)
				fprintf(stderr, "  type %u -> %s -> %u\n", t, s, v);
		}
	}
	CHECK_INT(bad, 0);
	bad = 0;
	for (unsigned c = 0; c <= 65535; c++) {
		uint16_t v = 0;
		const char *s = dns_class_to_text((uint16_t)c, buf);
		if (class_of(s, &v) != DNS_OK || v != c) {
			if (bad++ < 5)
				fprintf(stderr, "  class %u -> %s -> %u\n", c, s, v);
		}
	}
	CHECK_INT(bad, 0);
}

static void test_classes(void)
{
	char buf[DNS_MNEMONIC_MAX];
	uint16_t v = 0;
	CHECK_STR(dns_class_to_text(DNS_C_IN, buf), "IN");
	CHECK_STR(dns_class_to_text(DNS_C_CH, buf), "CH");
	CHECK_STR(dns_class_to_text(DNS_C_HS, buf), "HS");
	CHECK_STR(dns_class_to_text(DNS_C_NONE, buf), "NONE");
	CHECK_STR(dns_class_to_text(DNS_C_ANY, buf), "ANY");
	CHECK_STR(dns_class_to_text(2, buf), "CLASS2");
	CHECK_STR(dns_class_to_text(77, buf), "CLASS77");
	CHECK_INT(class_of("in", &v), DNS_OK);
	CHECK_INT(v, DNS_C_IN);
	CHECK_INT(class_of("Ch", &v), DNS_OK);
	CHECK_INT(v, DNS_C_CH);
	CHECK_INT(class_of("class255", &v), DNS_OK);
	CHECK_INT(v, 255);
	CHECK_INT(class_of("CLASS1", &v), DNS_OK);
	CHECK_INT(v, DNS_C_IN);
	CHECK_INT(class_of("CLASS65536", &v), DNS_E_RANGE);
	CHECK(class_of("CLASS", &v) != DNS_OK);
	CHECK_INT(class_of("INN", &v), DNS_E_UNKNOWN_CLASS);
	CHECK_INT(class_of("", &v), DNS_E_UNKNOWN_CLASS);
	/* A type mnemonic is not a class, nor the other way round, except
	 * ANY which is both (with different numbers). */
	CHECK_INT(class_of("A", &v), DNS_E_UNKNOWN_CLASS);
	CHECK_INT(class_of("TYPE1", &v), DNS_E_UNKNOWN_CLASS);
	CHECK_INT(type_of("IN", &v), DNS_E_UNKNOWN_TYPE);
	CHECK_INT(type_of("CLASS1", &v), DNS_E_UNKNOWN_TYPE);
	CHECK_INT(class_of("ANY", &v), DNS_OK);
	CHECK_INT(v, DNS_C_ANY);
	CHECK_INT(type_of("ANY", &v), DNS_OK);
	CHECK_INT(v, DNS_T_ANY);
}

static void test_meta_types(void)
{
	/* RFC 6895 section 3.1: 128-255 are meta types and QTYPEs; OPT
	 * (41) is a pseudo-record.  None of them belong in zone data. */
	CHECK(dns_type_is_meta(DNS_T_OPT));
	CHECK(dns_type_is_meta(128));
	CHECK(dns_type_is_meta(249));  /* TKEY */
	CHECK(dns_type_is_meta(250));  /* TSIG */
	CHECK(dns_type_is_meta(DNS_T_IXFR));
	CHECK(dns_type_is_meta(DNS_T_AXFR));
	CHECK(dns_type_is_meta(DNS_T_ANY));
	CHECK(!dns_type_is_meta(127));
	CHECK(!dns_type_is_meta(256)); /* URI */
	CHECK(!dns_type_is_meta(DNS_T_CAA));
	CHECK(!dns_type_is_meta(DNS_T_A));
	CHECK(!dns_type_is_meta(DNS_T_RRSIG));
	CHECK(!dns_type_is_meta(0));
	CHECK(!dns_type_is_meta(65535));
}

int main(void)
{
	RUN(test_type_names_both_ways);
	RUN(test_type_case_and_length);
	RUN(test_type_generic_form);
	RUN(test_every_type_round_trips);
	RUN(test_classes);
	RUN(test_meta_types);
	return check_summary("test_rrtype");
}
