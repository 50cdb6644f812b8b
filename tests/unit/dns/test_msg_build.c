/* Building messages: exact bytes, name compression (also inside RDATA,
 * only for the types RFC 3597 allows), size limits that cut whole
 * RRsets, section order, EDNS. */
#include <stdlib.h>

#include "check.h"
#include "dns/msg.h"
#include "dns/rdata.h"

static dns_name N(const char *s)
{
	dns_name n;
	if (dns_name_from_text(&n, s, strlen(s), NULL) != DNS_OK)
		abort();
	return n;
}

static const uint8_t a_rd[4] = { 192, 0, 2, 1 };

static void test_query_bytes(void)
{
	/* The query dig sends for "example.com. A" with id 0x1234, RD. */
	static const uint8_t want[] = {
		0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
		7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
		0, 1, 0, 1,
	};
	uint8_t buf[512];
	dns_builder b;
	dns_header h = { .id = 0x1234, .flags = DNS_F_RD };
	dns_name q = N("example.com.");
	CHECK_INT(dns_build_init(&b, buf, sizeof buf, &h), DNS_OK);
	CHECK_INT(dns_build_question(&b, q.data, DNS_T_A, DNS_C_IN), DNS_OK);
	size_t len = dns_build_finish(&b);
	CHECK_INT(len, sizeof want);
	CHECK_MEM(buf, want, sizeof want);
}

static void test_compression(void)
{
	uint8_t buf[512];
	dns_builder b;
	dns_header h = { .id = 1, .flags = DNS_F_QR | DNS_F_AA };
	dns_name q = N("www.example.com."), ns = N("NS1.Example.com."),
		 zone = N("example.com.");
	CHECK_INT(dns_build_init(&b, buf, sizeof buf, &h), DNS_OK);
	CHECK_INT(dns_build_question(&b, q.data, DNS_T_A, DNS_C_IN), DNS_OK);
	dns_rr a = { q.data, DNS_T_A, DNS_C_IN, 300, 4, a_rd };
	CHECK_INT(dns_build_rr(&b, DNS_SEC_ANSWER, &a), DNS_OK);
	dns_rr nsrr = { zone.data, DNS_T_NS, DNS_C_IN, 300, ns.len, ns.data };
	CHECK_INT(dns_build_rr(&b, DNS_SEC_AUTHORITY, &nsrr), DNS_OK);
	size_t len = dns_build_finish(&b);
	/* Answer owner: a pointer to the question name at 12. */
	CHECK(buf[33] == 0xC0 && buf[34] == 12);
	/* Authority owner "example.com." points inside the question (16). */
	size_t auth = 33 + 2 + 10 + 4;
	CHECK(buf[auth] == 0xC0 && buf[auth + 1] == 16);
	/* NS RDATA: "NS1" then a pointer to 16, case-insensitive match;
	 * RDLENGTH counts the compressed form. */
	CHECK(buf[auth + 2 + 8] == 0 && buf[auth + 2 + 9] == 6);
	CHECK(buf[auth + 12] == 3 && buf[auth + 13] == 'N');
	CHECK(buf[auth + 16] == 0xC0 && buf[auth + 17] == 16);
	CHECK_INT(len, auth + 18);

	/* Parsing gives back the names uncompressed; a compressed suffix
	 * takes the case of the place it points to. */
	dns_msg m;
	dns_msg_init(&m);
	CHECK_INT(dns_msg_parse(&m, buf, len), DNS_OK);
	CHECK_INT(m.count[DNS_SEC_AUTHORITY - 1], 1);
	CHECK_INT(m.rr[1][0].rdlen, ns.len);
	CHECK(dns_name_equal(m.rr[1][0].rdata, ns.data));
	CHECK(m.rr[1][0].rdata[1] == 'N' && m.rr[1][0].rdata[5] == 'e');
	CHECK(m.hdr.flags == (DNS_F_QR | DNS_F_AA));
	dns_msg_free(&m);
}

static void test_srv_target_not_compressed(void)
{
	uint8_t buf[512], rd[300];
	dns_builder b;
	dns_header h = { 0 };
	dns_name owner = N("_sip._udp.example.com."), t = N("example.com.");
	rd[0] = 0; rd[1] = 1; rd[2] = 0; rd[3] = 2; rd[4] = 0x13; rd[5] = 0xC4;
	memcpy(rd + 6, t.data, t.len);
	CHECK_INT(dns_build_init(&b, buf, sizeof buf, &h), DNS_OK);
	dns_rr srv = { owner.data, DNS_T_SRV, DNS_C_IN, 60, (uint16_t)(6 + t.len), rd };
	CHECK_INT(dns_build_rr(&b, DNS_SEC_ANSWER, &srv), DNS_OK);
	size_t len = dns_build_finish(&b);
	CHECK_INT(len, 12 + owner.len + 10 + 6 + t.len);
	CHECK_MEM(buf + len - t.len, t.data, t.len);
}

static void test_truncation_at_rrset(void)
{
	uint8_t buf[512];
	dns_builder b;
	dns_header h = { .flags = DNS_F_QR };
	dns_name q = N("big.example.");
	dns_rr set[40];
	uint8_t addrs[40][4];
	for (int i = 0; i < 40; i++) {
		addrs[i][0] = 198; addrs[i][1] = 51; addrs[i][2] = 100;
		addrs[i][3] = (uint8_t)i;
		set[i] = (dns_rr){ q.data, DNS_T_A, DNS_C_IN, 60, 4, addrs[i] };
	}
	CHECK_INT(dns_build_init(&b, buf, 200, &h), DNS_OK);
	CHECK_INT(dns_build_reserve(&b, dns_edns_wire_size(0)), DNS_OK);
	CHECK_INT(dns_build_question(&b, q.data, DNS_T_A, DNS_C_IN), DNS_OK);
	size_t before = b.len;
	CHECK_INT(dns_build_rrset(&b, DNS_SEC_ANSWER, set, 40), DNS_E_NOSPACE);
	CHECK(b.truncated);
	CHECK_INT(b.len, before);           /* nothing of the set stays */
	CHECK_INT(b.count[1], 0);
	CHECK_INT(dns_build_rrset(&b, DNS_SEC_ANSWER, set, 5), DNS_OK);
	dns_build_set_tc(&b);
	dns_edns e = { .present = true, .udp_size = 1232 };
	CHECK_INT(dns_build_edns(&b, &e), DNS_OK);
	size_t len = dns_build_finish(&b);
	CHECK(len <= 200);
	dns_msg m;
	dns_msg_init(&m);
	CHECK_INT(dns_msg_parse(&m, buf, len), DNS_OK);
	CHECK(m.hdr.flags & DNS_F_TC);
	CHECK_INT(m.count[0], 5);
	CHECK(m.edns.present);
	CHECK_INT(m.edns.udp_size, 1232);
	dns_msg_free(&m);

	/* Out of order sections are refused. */
	CHECK_INT(dns_build_rr(&b, DNS_SEC_ANSWER, &set[0]), DNS_E_ORDER);
}

/* Found by fuzz_answer: a name whose labels repeat ("\001.\001.\001.")
 * was compressed against its own, half-written, longer suffix and came
 * out as a pointer loop. */
static void test_repeated_labels_not_self_compressed(void)
{
	/* Built twice into one buffer: the second time the bytes ahead of
	 * the writer are the first message's, which is what once fooled
	 * the compressor. */
	uint8_t buf[512];
	static const uint8_t name[] = { 1, 1, 1, 1, 1, 1, 1, 1, 0 };
	for (int round = 0; round < 2; round++) {
		dns_builder b;
		dns_header h = { 0 };
		CHECK_INT(dns_build_init(&b, buf, sizeof buf, &h), DNS_OK);
		CHECK_INT(dns_build_question(&b, name, DNS_T_A, DNS_C_IN), DNS_OK);
		dns_rr rr = { name, DNS_T_A, DNS_C_IN, 1, 4, a_rd };
		CHECK_INT(dns_build_rr(&b, DNS_SEC_ANSWER, &rr), DNS_OK);
		size_t len = dns_build_finish(&b);
		CHECK_MEM(buf + 12, name, sizeof name);
		dns_msg m;
		dns_msg_init(&m);
		CHECK_INT(dns_msg_parse(&m, buf, len), DNS_OK);
		CHECK(m.count[0] == 1 && dns_name_equal(m.rr[0][0].owner, name));
		dns_msg_free(&m);
	}
}

/* Found by the dnspython differential: a message with more names than
 * the compression table used to hold left the later ones uncompressed. */
static void test_compression_without_a_small_limit(void)
{
	static uint8_t buf[65535];
	static dns_name names[300];
	static dns_rr ns[300], a[300];
	dns_name owner = N("big.example.");
	for (int i = 0; i < 300; i++) {
		char t[64];
		snprintf(t, sizeof t, "ns%d.host%d.example.", i, i);
		names[i] = N(t);
		ns[i] = (dns_rr){ owner.data, DNS_T_NS, DNS_C_IN, 60, names[i].len, names[i].data };
		a[i] = (dns_rr){ names[i].data, DNS_T_A, DNS_C_IN, 60, 4, a_rd };
	}
	dns_builder b;
	dns_header h = { 0 };
	CHECK_INT(dns_build_init(&b, buf, sizeof buf, &h), DNS_OK);
	CHECK_INT(dns_build_rrset(&b, DNS_SEC_ANSWER, ns, 300), DNS_OK);
	size_t before = b.len;
	CHECK_INT(dns_build_rrset(&b, DNS_SEC_ADDITIONAL, a, 300), DNS_OK);
	/* Every owner is a 2-octet pointer: 2 + 10 + 4 octets a record. */
	CHECK_INT(b.len - before, 300 * 16);
}

int main(void)
{
	RUN(test_compression_without_a_small_limit);
	RUN(test_repeated_labels_not_self_compressed);
	RUN(test_query_bytes);
	RUN(test_compression);
	RUN(test_srv_target_not_compressed);
	RUN(test_truncation_at_rrset);
	return check_summary("test_msg_build");
}
