/* Parsing messages: hostile input (lying counts, pointers, lengths),
 * EDNS, name limits, and reuse of one dns_msg for many parses. */
#include <stdlib.h>

#include "check.h"
#include "vectors.h"
#include "dns/msg.h"
#include "dns/rdata.h"

static const uint8_t a_rd[4] = { 192, 0, 2, 1 };

static void test_edns_fields(void)
{
	uint8_t buf[512];
	dns_builder b;
	dns_header h = { .id = 7, .flags = DNS_F_QR, .rcode = DNS_R_BADVERS & 15 };
	static const uint8_t opts[] = { 0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8 };
	dns_edns e = { .present = true, .udp_size = 4096, .ext_rcode = DNS_R_BADVERS >> 4,
		       .version = 0, .do_bit = true, .options = opts,
		       .options_len = sizeof opts };
	CHECK_INT(dns_build_init(&b, buf, sizeof buf, &h), DNS_OK);
	CHECK_INT(dns_build_edns(&b, &e), DNS_OK);
	size_t len = dns_build_finish(&b);
	dns_msg m;
	dns_msg_init(&m);
	CHECK_INT(dns_msg_parse(&m, buf, len), DNS_OK);
	CHECK_INT(dns_msg_rcode(&m), DNS_R_BADVERS);
	CHECK(m.edns.do_bit);
	CHECK_INT(m.edns.udp_size, 4096);
	CHECK_INT(m.edns.options_len, sizeof opts);
	CHECK_INT(m.count[2], 0);           /* OPT is not a record */
	static char text[4096];
	CHECK_INT(dns_msg_to_text(&m, text, sizeof text, NULL), DNS_OK);
	CHECK(strstr(text, "status: BADVERS, id: 7") != NULL);
	CHECK(strstr(text, "; EDNS: version: 0, flags: do; udp: 4096") != NULL);
	CHECK(strstr(text, "; OPT=10: 0102030405060708") != NULL);
	CHECK(strstr(text, "ADDITIONAL: 1") != NULL);

	/* A lying option length inside the OPT RDATA. */
	buf[len - 9] = 9;
	CHECK_INT(dns_msg_parse(&m, buf, len), DNS_E_FORMAT);
	dns_msg_free(&m);
}

/* Parse must fail with `want`; the arena must be reusable afterwards. */
static void bad(const uint8_t *wire, size_t len, dns_err want)
{
	dns_msg m;
	dns_msg_init(&m);
	dns_err err = dns_msg_parse(&m, wire, len);
	if (err != want)
		fprintf(stderr, "  got %s, expected %s\n", dns_strerror(err),
			dns_strerror(want));
	CHECK_INT(err, want);
	dns_msg_free(&m);
}

#define HDR(qd, an, ns, ar) 0, 1, 0x81, 0x80, 0, qd, 0, an, 0, ns, 0, ar

static void test_malformed(void)
{
	static const uint8_t short_hdr[] = { 0, 1, 0, 0, 0 };
	bad(short_hdr, sizeof short_hdr, DNS_E_TRUNCATED);
	static const uint8_t lying_count[] = { HDR(0, 200, 0, 0) };
	bad(lying_count, sizeof lying_count, DNS_E_TRUNCATED);
	static const uint8_t self_ptr[] = { HDR(1, 0, 0, 0), 0xC0, 12, 0, 1, 0, 1 };
	bad(self_ptr, sizeof self_ptr, DNS_E_POINTER_LOOP);
	static const uint8_t fwd_ptr[] = { HDR(1, 0, 0, 0), 0xC0, 14, 0, 1, 0, 1, 0 };
	bad(fwd_ptr, sizeof fwd_ptr, DNS_E_BAD_POINTER);
	static const uint8_t loop2[] = { HDR(1, 0, 0, 0), 1, 'a', 0xC0, 12, 0, 1, 0, 1 };
	bad(loop2, sizeof loop2, DNS_E_POINTER_LOOP);
	static const uint8_t past_end[] = { HDR(1, 0, 0, 0), 0xC0, 0xFF, 0, 1, 0, 1 };
	bad(past_end, sizeof past_end, DNS_E_BAD_POINTER);
	static const uint8_t label_type[] = { HDR(1, 0, 0, 0), 0x41, 'a', 0, 0, 1, 0, 1 };
	bad(label_type, sizeof label_type, DNS_E_LABEL_TYPE);
	static const uint8_t cut_label[] = { HDR(1, 0, 0, 0), 5, 'a', 'b' };
	bad(cut_label, sizeof cut_label, DNS_E_TRUNCATED);
	static const uint8_t no_qtype[] = { HDR(1, 0, 0, 0), 0, 0, 1 };
	bad(no_qtype, sizeof no_qtype, DNS_E_TRUNCATED);
	static const uint8_t trailing[] = { HDR(1, 0, 0, 0), 0, 0, 1, 0, 1, 0xAA };
	bad(trailing, sizeof trailing, DNS_E_TRAILING);
	static const uint8_t rdlen_past[] = { HDR(0, 1, 0, 0), 0, 0, 1, 0, 1,
					      0, 0, 0, 60, 0, 9, 192, 0, 2, 1 };
	bad(rdlen_past, sizeof rdlen_past, DNS_E_TRUNCATED);
	static const uint8_t rdlen_wrong[] = { HDR(0, 1, 0, 0), 0, 0, 1, 0, 1,
					       0, 0, 0, 60, 0, 3, 192, 0, 2 };
	bad(rdlen_wrong, sizeof rdlen_wrong, DNS_E_RDLENGTH);
	static const uint8_t opt_answer[] = { HDR(0, 1, 0, 0), 0, 0, 41, 4, 0,
					      0, 0, 0, 0, 0, 0 };
	bad(opt_answer, sizeof opt_answer, DNS_E_FORMAT);
	static const uint8_t two_opt[] = { HDR(0, 0, 0, 2), 0, 0, 41, 4, 0, 0, 0, 0, 0, 0, 0,
					   0, 0, 41, 4, 0, 0, 0, 0, 0, 0, 0 };
	bad(two_opt, sizeof two_opt, DNS_E_FORMAT);
	static const uint8_t opt_owner[] = { HDR(0, 0, 0, 1), 1, 'a', 0, 0, 41, 4, 0,
					     0, 0, 0, 0, 0, 0 };
	bad(opt_owner, sizeof opt_owner, DNS_E_FORMAT);
	/* A name that grows past 255 octets through a pointer: three
	 * 62-octet labels in front of a 127-octet name. */
	uint8_t big[600];
	size_t o;
	memcpy(big, (uint8_t[]){ HDR(2, 0, 0, 0) }, 12);
	o = 12;
	for (int i = 0; i < 2; i++) {
		big[o++] = 62;
		memset(big + o, 'a', 62);
		o += 62;
	}
	big[o++] = 0;
	big[o++] = 0; big[o++] = 1; big[o++] = 0; big[o++] = 1;
	for (int i = 0; i < 3; i++) {
		big[o++] = 62;
		memset(big + o, 'b', 62);
		o += 62;
	}
	big[o++] = 0xC0;
	big[o++] = 12;
	big[o++] = 0; big[o++] = 1; big[o++] = 0; big[o++] = 1;
	bad(big, o, DNS_E_NAME_TOO_LONG);
}

static void test_name_length_limit(void)
{
	/* Question 1: 4 labels of 63 = 256 octets with root: too long. */
	uint8_t w[12 + 300];
	memcpy(w, (uint8_t[]){ HDR(1, 0, 0, 0) }, 12);
	size_t o = 12;
	for (int i = 0; i < 4; i++) {
		w[o++] = 63;
		memset(w + o, 'x', 63);
		o += 63;
	}
	w[o++] = 0;
	w[o++] = 0; w[o++] = 1; w[o++] = 0; w[o++] = 1;
	bad(w, o, DNS_E_NAME_TOO_LONG);
	/* 3 x 63 + 61 + root = 255 octets: fine. */
	w[12 + 3 * 64] = 61;
	w[12 + 3 * 64 + 62] = 0;
	o = 12 + 3 * 64 + 63;
	w[o++] = 0; w[o++] = 1; w[o++] = 0; w[o++] = 1;
	dns_msg m;
	dns_msg_init(&m);
	CHECK_INT(dns_msg_parse(&m, w, o), DNS_OK);
	CHECK_INT(dns_name_length(m.question[0].name), 255);
	dns_msg_free(&m);
}

static void test_reuse_many_parses(void)
{
	/* One dns_msg parsing different messages in turn keeps working and
	 * does not leak (ASan checks the latter). */
	uint8_t buf[4096];
	dns_msg m;
	dns_msg_init(&m);
	for (int round = 0; round < 50; round++) {
		dns_builder b;
		dns_header h = { .id = (uint16_t)round };
		dns_name q = N("r.example.");
		CHECK_INT(dns_build_init(&b, buf, sizeof buf, &h), DNS_OK);
		CHECK_INT(dns_build_question(&b, q.data, DNS_T_TXT, DNS_C_IN), DNS_OK);
		for (int i = 0; i < round; i++) {
			dns_rr a = { q.data, DNS_T_A, DNS_C_IN, 5, 4, a_rd };
			CHECK_INT(dns_build_rr(&b, DNS_SEC_ANSWER, &a), DNS_OK);
		}
		size_t len = dns_build_finish(&b);
		CHECK_INT(dns_msg_parse(&m, buf, len), DNS_OK);
		CHECK_INT(m.count[0], (size_t)round);
		CHECK_INT(m.hdr.id, round);
	}
	dns_msg_free(&m);
}

static void test_dnspython_message(void)
{
	dns_msg m;
	dns_msg_init(&m);
	CHECK_INT(dns_msg_parse(&m, dnspython_answer, sizeof dnspython_answer), DNS_OK);
	CHECK_INT(m.hdr.id, 0xBEEF);
	CHECK_INT(m.hdr.flags, DNS_F_QR | DNS_F_AA | DNS_F_RD);
	CHECK_INT(m.hdr.opcode, DNS_OP_QUERY);
	CHECK_INT(m.hdr.rcode, DNS_R_NOERROR);
	CHECK_INT(m.qdcount, 1);
	dns_name www = N("www.example.com."), web = N("web.example.com."),
		 zone = N("example.com."), ns1 = N("ns1.example.com."),
		 ns2 = N("ns2.example.net.");
	CHECK(dns_name_equal(m.question[0].name, www.data));
	CHECK_INT(m.question[0].qtype, DNS_T_A);
	CHECK_INT(m.question[0].qclass, DNS_C_IN);
	CHECK_INT(m.count[0], 3);
	CHECK_INT(m.count[1], 2);
	CHECK_INT(m.count[2], 2);      /* the OPT RR is not counted */
	if (m.count[0] != 3 || m.count[1] != 2 || m.count[2] != 2)
		goto out;
	/* RDATA comes out uncompressed, RDLENGTH recomputed. */
	const dns_rr *cname = &m.rr[0][0];
	CHECK(dns_name_equal(cname->owner, www.data));
	CHECK_INT(cname->type, DNS_T_CNAME);
	CHECK_INT(cname->ttl, 300);
	CHECK_INT(cname->rdlen, web.len);
	CHECK_MEM(cname->rdata, web.data, web.len);
	static const uint8_t a10[4] = { 192, 0, 2, 10 }, a11[4] = { 192, 0, 2, 11 };
	CHECK(dns_name_equal(m.rr[0][1].owner, web.data));
	CHECK(m.rr[0][1].rdlen == 4 && memcmp(m.rr[0][1].rdata, a10, 4) == 0);
	CHECK(m.rr[0][2].rdlen == 4 && memcmp(m.rr[0][2].rdata, a11, 4) == 0);
	CHECK(dns_name_equal(m.rr[1][0].owner, zone.data));
	CHECK_INT(m.rr[1][0].ttl, 3600);
	CHECK_MEM(m.rr[1][0].rdata, ns1.data, ns1.len);
	CHECK_MEM(m.rr[1][1].rdata, ns2.data, ns2.len);
	CHECK(dns_name_equal(m.rr[2][0].owner, ns1.data));
	CHECK_INT(m.rr[2][1].type, DNS_T_AAAA);
	CHECK_INT(m.rr[2][1].rdlen, 16);
	CHECK(m.edns.present && m.edns.do_bit);
	CHECK_INT(m.edns.udp_size, 1232);
	CHECK_INT(m.edns.version, 0);
	CHECK_INT(m.edns.options_len, 0);
out:
	dns_msg_free(&m);
}

static void test_header_only(void)
{
	/* RFC 1035 4.1.1 layout: opcode UPDATE, AA TC RA Z AD, rcode
	 * NOTAUTH, counts as written. */
	static const uint8_t hdr[12] = { 0x12, 0x34, 0x2E, 0xF9, 0, 1, 0, 2, 0, 3, 1, 4 };
	dns_header h;
	uint16_t counts[4];
	CHECK_INT(dns_header_parse(&h, counts, hdr, sizeof hdr), DNS_OK);
	CHECK_INT(h.id, 0x1234);
	CHECK_INT(h.opcode, DNS_OP_UPDATE);
	CHECK_INT(h.rcode, DNS_R_NOTAUTH);
	CHECK_INT(h.flags, DNS_F_AA | DNS_F_TC | DNS_F_RA | DNS_F_Z | DNS_F_AD | DNS_F_CD);
	CHECK(counts[0] == 1 && counts[1] == 2 && counts[2] == 3 && counts[3] == 260);
	CHECK_INT(dns_header_parse(&h, counts, hdr, 11), DNS_E_TRUNCATED);

	/* A header with no sections is a whole message. */
	static const uint8_t empty[12] = { 0, 9, 0x81, 0x00 };
	dns_msg m;
	dns_msg_init(&m);
	CHECK_INT(dns_msg_parse(&m, empty, sizeof empty), DNS_OK);
	CHECK_INT(m.hdr.id, 9);
	CHECK_INT(m.hdr.flags, DNS_F_QR | DNS_F_RD);
	CHECK(m.qdcount == 0 && m.count[0] == 0 && !m.edns.present);
	dns_msg_free(&m);
}

static void test_edns_extended_fields(void)
{
	/* OPT: udp 4096, extended rcode 1 (BADVERS with header rcode 0),
	 * version 1, DO plus two MBZ bits, one empty option then a
	 * 2-octet one. */
	static const uint8_t w[] = { HDR(0, 0, 0, 1), 0, 0, 41, 0x10, 0x00,
				     0x01, 0x01, 0x80, 0x05, 0, 10,
				     0, 8, 0, 0, 0, 9, 0, 2, 0xAB, 0xCD };
	dns_msg m;
	dns_msg_init(&m);
	CHECK_INT(dns_msg_parse(&m, w, sizeof w), DNS_OK);
	CHECK(m.edns.present);
	CHECK_INT(m.edns.udp_size, 4096);
	CHECK_INT(m.edns.ext_rcode, 1);
	CHECK_INT(dns_msg_rcode(&m), DNS_R_BADVERS);
	CHECK_INT(m.edns.version, 1);
	CHECK(m.edns.do_bit);
	CHECK_INT(m.edns.z, 5);
	CHECK_INT(m.edns.options_len, 10);
	CHECK(m.edns.options && m.edns.options[9] == 0xCD);
	CHECK_INT(m.count[2], 0);
	/* Options whose framing runs short of the RDATA. */
	static const uint8_t cut[] = { HDR(0, 0, 0, 1), 0, 0, 41, 0x10, 0x00,
				       0, 0, 0, 0, 0, 3, 0, 8, 0 };
	CHECK_INT(dns_msg_parse(&m, cut, sizeof cut), DNS_E_FORMAT);
	/* The OPT in the authority section is refused too. */
	static const uint8_t in_auth[] = { HDR(0, 0, 1, 0), 0, 0, 41, 4, 0,
					   0, 0, 0, 0, 0, 0 };
	CHECK_INT(dns_msg_parse(&m, in_auth, sizeof in_auth), DNS_E_FORMAT);
	dns_msg_free(&m);
}

/* Names expanded from pointers can add up to far more than one arena
 * block: a TCP-sized message whose 2,000 NS records each expand to a
 * 200-octet name. */
static void test_expansion_beyond_one_block(void)
{
	static uint8_t w[65535];
	size_t o = 0;
	memcpy(w, (uint8_t[]){ HDR(1, 0, 0, 0) }, 12);
	o = 12;
	/* The question: four labels of 49 octets + root = 201 octets. */
	for (int i = 0; i < 4; i++) {
		w[o++] = 49;
		memset(w + o, 'a' + i, 49);
		o += 49;
	}
	w[o++] = 0;
	w[o++] = 0; w[o++] = 2; w[o++] = 0; w[o++] = 1;
	size_t n = 2000;
	w[6] = (uint8_t)(n >> 8);
	w[7] = (uint8_t)n;
	for (size_t i = 0; i < n; i++) {
		static const uint8_t rec[] = { 0xC0, 12, 0, 2, 0, 1, 0, 0, 0, 60,
					       0, 4, 1, 'x', 0xC0, 12 };
		memcpy(w + o, rec, sizeof rec);
		w[o + 13] = (uint8_t)('a' + i % 26);
		o += sizeof rec;
	}
	dns_msg m;
	dns_msg_init(&m);
	for (int round = 0; round < 2; round++) {
		CHECK_INT(dns_msg_parse(&m, w, o), DNS_OK);
		CHECK_INT(m.count[0], n);
		size_t wrong = 0;
		for (size_t i = 0; i < m.count[0]; i++) {
			const dns_rr *rr = &m.rr[0][i];
			if (rr->rdlen != 203 || rr->rdata[1] != 'a' + i % 26 ||
			    !dns_name_equal(rr->rdata + 2, m.question[0].name) ||
			    !dns_name_equal(rr->owner, m.question[0].name))
				wrong++;
		}
		CHECK_INT(wrong, 0);
		/* A small message in between reuses the blocks. */
		static const uint8_t small[] = { HDR(1, 0, 0, 0), 0, 0, 1, 0, 1 };
		CHECK_INT(dns_msg_parse(&m, small, sizeof small), DNS_OK);
		CHECK_INT(m.qdcount, 1);
	}
	dns_msg_free(&m);
}

int main(void)
{
	RUN(test_edns_fields);
	RUN(test_malformed);
	RUN(test_name_length_limit);
	RUN(test_reuse_many_parses);
	RUN(test_dnspython_message);
	RUN(test_header_only);
	RUN(test_edns_extended_fields);
	RUN(test_expansion_beyond_one_block);
	return check_summary("test_msg_parse");
}
