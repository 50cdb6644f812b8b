/* Building messages: exact bytes, name compression (also inside RDATA,
 * only for the types RFC 3597 allows), size limits that cut whole
 * RRsets, section order, EDNS. */
#include <stdlib.h>

#include "check.h"
#include "vectors.h"
#include "dns/master.h"
#include "dns/msg.h"
#include "dns/rdata.h"

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

/* One record from master-file text, kept in a pool that lives for the
 * whole test binary. */
static dns_rr R(const char *text)
{
	static uint8_t pool[16384];
	static size_t used;
	dns_rr rr;
	char err[256];
	if (dns_master_parse_rr(text, dns_name_root, DNS_C_IN, 3600, pool + used,
				sizeof pool - used, &rr, err, sizeof err) != DNS_OK) {
		fprintf(stderr, "bad test record \"%s\": %s\n", text, err);
		abort();
	}
	used += dns_name_length(rr.owner) + rr.rdlen + 8;
	return rr;
}

/* dnspython 2.3.0 wrote this (one RR per RRset, so the order is fixed):
 *   m = dns.message.Message(id=0xBEEF); m.flags = QR|AA|RD
 *   question www.example.com. A; answer www CNAME web.example.com.,
 *   web A 192.0.2.10, web A 192.0.2.11; authority example.com. NS
 *   ns1.example.com., NS ns2.example.net.; additional ns1 A 192.0.2.53,
 *   ns1 AAAA 2001:db8::53; m.use_edns(0, dns.flags.DO, 1232); m.to_wire()
 * Compression reaches into RDATA ("web" is found in the CNAME target,
 * "ns1.example.com." in the NS target). */
static void test_answer_matches_dnspython(void)
{
	const uint8_t *want = dnspython_answer;
	dns_rr answer[3] = { R("www.example.com. 300 IN CNAME web.example.com."),
			     R("web.example.com. 300 IN A 192.0.2.10"),
			     R("web.example.com. 300 IN A 192.0.2.11") };
	dns_rr auth[2] = { R("example.com. 3600 IN NS ns1.example.com."),
			   R("example.com. 3600 IN NS ns2.example.net.") };
	dns_rr add[2] = { R("ns1.example.com. 3600 IN A 192.0.2.53"),
			  R("ns1.example.com. 3600 IN AAAA 2001:db8::53") };
	static uint8_t buf[1232];
	static dns_builder b;
	dns_header h = { .id = 0xBEEF, .flags = DNS_F_QR | DNS_F_AA | DNS_F_RD };
	CHECK_INT(dns_build_init(&b, buf, sizeof buf, &h), DNS_OK);
	CHECK_INT(dns_build_reserve(&b, dns_edns_wire_size(0)), DNS_OK);
	dns_name q = N("www.example.com.");
	CHECK_INT(dns_build_question(&b, q.data, DNS_T_A, DNS_C_IN), DNS_OK);
	CHECK_INT(dns_build_rr(&b, DNS_SEC_ANSWER, &answer[0]), DNS_OK);
	CHECK_INT(dns_build_rrset(&b, DNS_SEC_ANSWER, &answer[1], 2), DNS_OK);
	CHECK_INT(dns_build_rrset(&b, DNS_SEC_AUTHORITY, auth, 2), DNS_OK);
	CHECK_INT(dns_build_rr(&b, DNS_SEC_ADDITIONAL, &add[0]), DNS_OK);
	CHECK_INT(dns_build_rr(&b, DNS_SEC_ADDITIONAL, &add[1]), DNS_OK);
	dns_edns e = { .present = true, .udp_size = 1232, .do_bit = true };
	CHECK_INT(dns_build_edns(&b, &e), DNS_OK);
	size_t len = dns_build_finish(&b);
	CHECK_INT(len, sizeof dnspython_answer);
	CHECK_MEM(buf, want, sizeof dnspython_answer);
	CHECK(!b.truncated);
}

/* dnspython 2.3.0:
 *   m = dns.message.Message(id=0x0102); m.flags = QR|AA;
 *   m.set_rcode(NXDOMAIN); question nope.Example.ORG. MX (RRset(name, IN, MX)); authority
 *   example.org. 900 SOA ns.example.org. hostmaster.example.org.
 *   2024010101 7200 900 1209600 300; m.to_wire()
 * The question keeps its case; the SOA owner and both SOA names point
 * into it though their case differs (names match case-insensitively). */
static void test_nxdomain_matches_dnspython(void)
{
	static const uint8_t want[84] = {
		0x01, 0x02, 0x84, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x04, 0x6e, 0x6f, 0x70,
		0x65, 0x07, 0x45, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x4f, 0x52, 0x47, 0x00, 0x00, 0x0f,
		0x00, 0x01, 0xc0, 0x11, 0x00, 0x06, 0x00, 0x01, 0x00, 0x00, 0x03, 0x84, 0x00, 0x26, 0x02, 0x6e,
		0x73, 0xc0, 0x11, 0x0a, 0x68, 0x6f, 0x73, 0x74, 0x6d, 0x61, 0x73, 0x74, 0x65, 0x72, 0xc0, 0x11,
		0x78, 0xa3, 0xf1, 0x75, 0x00, 0x00, 0x1c, 0x20, 0x00, 0x00, 0x03, 0x84, 0x00, 0x12, 0x75, 0x00,
		0x00, 0x00, 0x01, 0x2c,
	};
	dns_rr soa = R("example.org. 900 IN SOA ns.example.org. hostmaster.example.org. "
		       "2024010101 7200 900 1209600 300");
	uint8_t buf[512];
	static dns_builder b;
	dns_header h = { .id = 0x0102, .flags = DNS_F_QR | DNS_F_AA,
			 .rcode = DNS_R_NXDOMAIN };
	CHECK_INT(dns_build_init(&b, buf, sizeof buf, &h), DNS_OK);
	dns_name q = N("nope.Example.ORG.");
	CHECK_INT(dns_build_question(&b, q.data, DNS_T_MX, DNS_C_IN), DNS_OK);
	CHECK_INT(dns_build_rr(&b, DNS_SEC_AUTHORITY, &soa), DNS_OK);
	size_t len = dns_build_finish(&b);
	CHECK_INT(len, sizeof want);
	CHECK_MEM(buf, want, sizeof want);
}

/* dnspython 2.3.0:
 *   m = dns.message.Message(id=7); m.flags = QR; question example.net.
 *   ANY; answer example.net. 60 MX 10 mail.example.net., MX 20
 *   mx.other.example., TXT "v=spf1 -all", 4.3.2.1.in-addr.arpa. 60 PTR
 *   mail.example.net.; m.to_wire()
 * The PTR target points at "mail" inside the first MX RDATA. */
static void test_mx_txt_ptr_match_dnspython(void)
{
	static const uint8_t want[140] = {
		0x00, 0x07, 0x80, 0x00, 0x00, 0x01, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x07, 0x65, 0x78, 0x61,
		0x6d, 0x70, 0x6c, 0x65, 0x03, 0x6e, 0x65, 0x74, 0x00, 0x00, 0xff, 0x00, 0x01, 0xc0, 0x0c, 0x00,
		0x0f, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x09, 0x00, 0x0a, 0x04, 0x6d, 0x61, 0x69, 0x6c,
		0xc0, 0x0c, 0xc0, 0x0c, 0x00, 0x0f, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x14, 0x00, 0x14,
		0x02, 0x6d, 0x78, 0x05, 0x6f, 0x74, 0x68, 0x65, 0x72, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c,
		0x65, 0x00, 0xc0, 0x0c, 0x00, 0x10, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x0c, 0x0b, 0x76,
		0x3d, 0x73, 0x70, 0x66, 0x31, 0x20, 0x2d, 0x61, 0x6c, 0x6c, 0x01, 0x34, 0x01, 0x33, 0x01, 0x32,
		0x01, 0x31, 0x07, 0x69, 0x6e, 0x2d, 0x61, 0x64, 0x64, 0x72, 0x04, 0x61, 0x72, 0x70, 0x61, 0x00,
		0x00, 0x0c, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x02, 0xc0, 0x2b,
	};
	dns_rr rrs[4] = { R("example.net. 60 IN MX 10 mail.example.net."),
			  R("example.net. 60 IN MX 20 mx.other.example."),
			  R("example.net. 60 IN TXT \"v=spf1 -all\""),
			  R("4.3.2.1.in-addr.arpa. 60 IN PTR mail.example.net.") };
	uint8_t buf[512];
	static dns_builder b;
	dns_header h = { .id = 7, .flags = DNS_F_QR };
	CHECK_INT(dns_build_init(&b, buf, sizeof buf, &h), DNS_OK);
	dns_name q = N("example.net.");
	CHECK_INT(dns_build_question(&b, q.data, DNS_T_ANY, DNS_C_IN), DNS_OK);
	for (int i = 0; i < 4; i++)
		CHECK_INT(dns_build_rr(&b, DNS_SEC_ANSWER, &rrs[i]), DNS_OK);
	size_t len = dns_build_finish(&b);
	CHECK_INT(len, sizeof want);
	CHECK_MEM(buf, want, sizeof want);
}

static void test_header_fields(void)
{
	uint8_t buf[64];
	static dns_builder b;
	/* RFC 1035 4.1.1: QR, opcode (4 bits), AA TC RD RA, Z, AD CD
	 * (RFC 4035), rcode (4 bits). */
	dns_header h = { .id = 0xA55A, .flags = DNS_F_QR | DNS_F_CD,
			 .opcode = DNS_OP_NOTIFY, .rcode = DNS_R_REFUSED };
	CHECK_INT(dns_build_init(&b, buf, sizeof buf, &h), DNS_OK);
	dns_build_set_tc(&b);
	CHECK_INT(dns_build_finish(&b), 12);
	static const uint8_t want[12] = { 0xA5, 0x5A, 0xA2, 0x15, 0, 0, 0, 0, 0, 0, 0, 0 };
	CHECK_MEM(buf, want, 12);
	/* Bits above the field widths do not spill into their neighbours. */
	dns_header wide = { .opcode = 0x1F, .rcode = 0x1F };
	CHECK_INT(dns_build_init(&b, buf, sizeof buf, &wide), DNS_OK);
	CHECK(buf[2] == 0x78 && buf[3] == 0x0F);
	CHECK_INT(dns_build_init(&b, buf, 11, &h), DNS_E_NOSPACE);
}

static void test_section_order(void)
{
	uint8_t buf[512];
	static dns_builder b;
	dns_header h = { 0 };
	dns_name q = N("example.");
	dns_rr a = { q.data, DNS_T_A, DNS_C_IN, 60, 4, a_rd };
	CHECK_INT(dns_build_init(&b, buf, sizeof buf, &h), DNS_OK);
	CHECK_INT(dns_build_rr(&b, DNS_SEC_AUTHORITY, &a), DNS_OK);
	CHECK_INT(dns_build_question(&b, q.data, DNS_T_A, DNS_C_IN), DNS_E_ORDER);
	CHECK_INT(dns_build_rr(&b, DNS_SEC_ANSWER, &a), DNS_E_ORDER);
	CHECK_INT(dns_build_rr(&b, DNS_SEC_QUESTION, &a), DNS_E_ORDER);
	CHECK_INT(dns_build_rr(&b, 4, &a), DNS_E_ORDER);
	/* The same section again is fine; the refused calls wrote nothing. */
	CHECK_INT(dns_build_rr(&b, DNS_SEC_AUTHORITY, &a), DNS_OK);
	CHECK_INT(dns_build_finish(&b), 12 + 9 + 10 + 4 + 2 + 10 + 4);
	CHECK(buf[5] == 0 && buf[7] == 0 && buf[9] == 2 && buf[11] == 0);
}

/* The reserve keeps room for OPT: records cannot use it, OPT can. */
static void test_reserve_for_opt(void)
{
	uint8_t buf[64];
	static dns_builder b;
	dns_header h = { 0 };
	dns_name q = N("example.");   /* 9 octets; a record with it: 23 */
	dns_rr a = { q.data, DNS_T_A, DNS_C_IN, 60, 4, a_rd };
	CHECK_INT(dns_build_init(&b, buf, 12 + 23 + 11, &h), DNS_OK);
	CHECK_INT(dns_build_reserve(&b, 11 + 1), DNS_OK);
	/* 12 + 23 would fit in the limit but not beside the reserve. */
	CHECK_INT(dns_build_rr(&b, DNS_SEC_ANSWER, &a), DNS_E_NOSPACE);
	CHECK(b.truncated);
	CHECK_INT(b.len, 12);
	dns_edns e = { .present = true, .udp_size = 512 };
	CHECK_INT(dns_build_edns(&b, &e), DNS_OK);
	CHECK_INT(dns_build_finish(&b), 12 + 11);
	CHECK(buf[11] == 1);                    /* ARCOUNT: the OPT */

	/* A reserve larger than what is left is refused. */
	CHECK_INT(dns_build_init(&b, buf, 20, &h), DNS_OK);
	CHECK_INT(dns_build_reserve(&b, 9), DNS_E_NOSPACE);
	CHECK_INT(dns_build_reserve(&b, 8), DNS_OK);
	/* OPT with options that do not fit: refused, marked truncated. */
	static const uint8_t opts[20] = { 0, 10, 0, 16 };
	dns_edns big = { .present = true, .options = opts, .options_len = sizeof opts };
	b.truncated = false;
	CHECK_INT(dns_build_edns(&b, &big), DNS_E_NOSPACE);
	CHECK(b.truncated);
	CHECK_INT(dns_build_finish(&b), 12);
}

/* A record that did not fit leaves nothing behind, not even names for
 * later records to point at. */
static void test_refused_record_leaves_no_names(void)
{
	uint8_t buf[512];
	static dns_builder b;
	dns_header h = { 0 };
	dns_name owner = N("a-long-owner-name.example.");
	dns_name target = N("target.a-long-owner-name.example.");
	dns_rr big = { owner.data, DNS_T_NS, DNS_C_IN, 60, target.len, target.data };
	dns_rr a = { owner.data, DNS_T_A, DNS_C_IN, 60, 4, a_rd };
	/* Room for the owner (28) and the fixed fields but not the RDATA. */
	CHECK_INT(dns_build_init(&b, buf, 12 + 28 + 10 + 5, &h), DNS_OK);
	CHECK_INT(dns_build_rr(&b, DNS_SEC_ANSWER, &big), DNS_E_NOSPACE);
	CHECK_INT(b.len, 12);
	b.limit = sizeof buf;
	CHECK_INT(dns_build_rr(&b, DNS_SEC_ANSWER, &a), DNS_OK);
	size_t len = dns_build_finish(&b);
	/* The owner is written out in full, not as a pointer to bytes of
	 * the record that was taken back. */
	CHECK_INT(len, 12 + owner.len + 10 + 4);
	CHECK_MEM(buf + 12, owner.data, owner.len);
	dns_msg m;
	dns_msg_init(&m);
	CHECK_INT(dns_msg_parse(&m, buf, len), DNS_OK);
	CHECK(m.count[0] == 1 && dns_name_equal(m.rr[0][0].owner, owner.data));
	dns_msg_free(&m);
}

int main(void)
{
	RUN(test_compression_without_a_small_limit);
	RUN(test_repeated_labels_not_self_compressed);
	RUN(test_query_bytes);
	RUN(test_compression);
	RUN(test_srv_target_not_compressed);
	RUN(test_truncation_at_rrset);
	RUN(test_answer_matches_dnspython);
	RUN(test_nxdomain_matches_dnspython);
	RUN(test_mx_txt_ptr_match_dnspython);
	RUN(test_header_fields);
	RUN(test_section_order);
	RUN(test_reserve_for_opt);
	RUN(test_refused_record_leaves_no_names);
	return check_summary("test_msg_build");
}
