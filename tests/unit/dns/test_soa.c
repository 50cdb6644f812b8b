/* SOA RDATA fields, the serial written in place, and the RFC 2308
 * negative TTL. */
#include "check.h"
#include "dns/master.h"
#include "dns/msg.h"
#include "dns/soa.h"

/* ns1.example. hostmaster.example. 2024010101 7200 900 1209600 300 */
static const uint8_t soa_rd[] = {
	3, 'n', 's', '1', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0,
	10, 'h', 'o', 's', 't', 'm', 'a', 's', 't', 'e', 'r',
	7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0,
	0x78, 0xa3, 0xf1, 0x75,   /* 2024010101 */
	0x00, 0x00, 0x1c, 0x20,   /* 7200 */
	0x00, 0x00, 0x03, 0x84,   /* 900 */
	0x00, 0x12, 0x75, 0x00,   /* 1209600 */
	0x00, 0x00, 0x01, 0x2c,   /* 300 */
};
#define NAMES_LEN 33   /* the two names above */

static void test_read_fields(void)
{
	dns_soa soa;
	CHECK_INT(dns_soa_read(soa_rd, sizeof soa_rd, &soa), DNS_OK);
	CHECK(soa.mname == soa_rd);
	CHECK(soa.rname == soa_rd + 13);
	CHECK_INT(soa.serial_at, NAMES_LEN);
	CHECK_INT(soa.serial, 2024010101u);
	CHECK_INT(soa.refresh, 7200);
	CHECK_INT(soa.retry, 900);
	CHECK_INT(soa.expire, 1209600);
	CHECK_INT(soa.minimum, 300);
}

/* The same fields from the master-file form, as zones are loaded. */
static void test_read_from_zone_text(void)
{
	uint8_t buf[1024];
	dns_rr rr;
	char err[128];
	CHECK_INT(dns_master_parse_rr("example. 3600 IN SOA ns1 hostmaster 4294967295 "
				      "1h 15m 2w 5m",
				      (const uint8_t *)"\7example", DNS_C_IN, 0, buf,
				      sizeof buf, &rr, err, sizeof err),
		  DNS_OK);
	dns_soa soa;
	CHECK_INT(dns_soa_read(rr.rdata, rr.rdlen, &soa), DNS_OK);
	CHECK_INT(soa.serial, 0xffffffffu);
	CHECK_INT(soa.refresh, 3600);
	CHECK_INT(soa.retry, 900);
	CHECK_INT(soa.expire, 1209600);
	CHECK_INT(soa.minimum, 300);
}

/* Every RDATA cut short is refused: inside either name, or inside the
 * numbers; so is RDATA with octets after MINIMUM. */
static void test_short_or_long_rejected(void)
{
	dns_soa soa;
	for (size_t len = 0; len < sizeof soa_rd; len++) {
		dns_err err = dns_soa_read(soa_rd, len, &soa);
		CHECK(err != DNS_OK);
		if (len < NAMES_LEN)
			CHECK_INT(err, DNS_E_TRUNCATED);
		else
			CHECK_INT(err, DNS_E_RDLENGTH);
	}
	uint8_t longer[sizeof soa_rd + 1];
	memcpy(longer, soa_rd, sizeof soa_rd);
	longer[sizeof soa_rd] = 0;
	CHECK_INT(dns_soa_read(longer, sizeof longer, &soa), DNS_E_RDLENGTH);
}

/* A compressed name has no place in the library's RDATA. */
static void test_pointer_rejected(void)
{
	uint8_t rd[2 + 1 + 20] = { 0xc0, 0x0c, 0 };
	dns_soa soa;
	CHECK_INT(dns_soa_read(rd, sizeof rd, &soa), DNS_E_BAD_POINTER);
}

static void test_set_serial(void)
{
	uint8_t rd[sizeof soa_rd];
	memcpy(rd, soa_rd, sizeof rd);
	CHECK_INT(dns_soa_set_serial(rd, sizeof rd, 0x01020304u), DNS_OK);
	dns_soa soa;
	CHECK_INT(dns_soa_read(rd, sizeof rd, &soa), DNS_OK);
	CHECK_INT(soa.serial, 0x01020304u);
	/* Only the four serial octets changed. */
	CHECK_MEM(rd, soa_rd, NAMES_LEN);
	CHECK_MEM(rd + NAMES_LEN + 4, soa_rd + NAMES_LEN + 4, 16);
	static const uint8_t want[4] = { 1, 2, 3, 4 };
	CHECK_MEM(rd + NAMES_LEN, want, 4);
}

static void test_set_serial_refuses_bad_rdata(void)
{
	uint8_t rd[sizeof soa_rd];
	memcpy(rd, soa_rd, sizeof rd);
	CHECK_INT(dns_soa_set_serial(rd, sizeof rd - 1, 7), DNS_E_RDLENGTH);
	CHECK_INT(dns_soa_set_serial(rd, 5, 7), DNS_E_TRUNCATED);
	CHECK_MEM(rd, soa_rd, sizeof rd);
}

/* RFC 2308 section 5: the lesser of the SOA's TTL and its MINIMUM. */
static void test_negative_ttl(void)
{
	CHECK_INT(dns_negative_ttl(3600, 300), 300);
	CHECK_INT(dns_negative_ttl(60, 300), 60);
	CHECK_INT(dns_negative_ttl(300, 300), 300);
	CHECK_INT(dns_negative_ttl(0, 300), 0);
	CHECK_INT(dns_negative_ttl(0xffffffffu, 0), 0);
	uint32_t ttl = 12345;
	CHECK_INT(dns_soa_negative_ttl(3600, soa_rd, sizeof soa_rd, &ttl), DNS_OK);
	CHECK_INT(ttl, 300);
	CHECK_INT(dns_soa_negative_ttl(30, soa_rd, sizeof soa_rd, &ttl), DNS_OK);
	CHECK_INT(ttl, 30);
	/* Bad RDATA gives no TTL at all. */
	ttl = 12345;
	CHECK_INT(dns_soa_negative_ttl(30, soa_rd, sizeof soa_rd - 4, &ttl), DNS_E_RDLENGTH);
	CHECK_INT(ttl, 12345);
}

int main(void)
{
	RUN(test_read_fields);
	RUN(test_read_from_zone_text);
	RUN(test_short_or_long_rejected);
	RUN(test_pointer_rejected);
	RUN(test_set_serial);
	RUN(test_set_serial_refuses_bad_rdata);
	RUN(test_negative_ttl);
	return check_summary("soa");
}
