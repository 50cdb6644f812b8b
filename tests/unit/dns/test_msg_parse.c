/* Parsing messages: hostile input (lying counts, pointers, lengths),
 * EDNS, name limits, and reuse of one dns_msg for many parses. */
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

int main(void)
{
	RUN(test_edns_fields);
	RUN(test_malformed);
	RUN(test_name_length_limit);
	RUN(test_reuse_many_parses);
	return check_summary("test_msg_parse");
}
