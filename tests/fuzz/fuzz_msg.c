/* libFuzzer: any bytes as a DNS message.
 *
 * A message that parses must
 *   - print (dig layout, and each record as a master-file line);
 *   - read back from that line to the same record, for class IN records
 *     of types that may appear in zone data (the text forms are faithful);
 *   - rebuild within 64 KiB and parse again to the same header, question,
 *     EDNS and records;
 *   - rebuild from that second parse to the very same octets (building
 *     is deterministic and a fixed point after one round).
 * One that does not parse must fail cleanly.  Any broken promise is an
 * abort(); the sanitizers catch the rest. */
#include <stdlib.h>
#include <string.h>

#include "dns/master.h"
#include "dns/msg.h"
#include "dns/rdata.h"

/* Equal up to the case of names: compression matches names without
 * regard to case, so a rebuilt name may take the case of an earlier one
 * (as in BIND and dnspython). */
static bool same_rr(const dns_rr *a, const dns_rr *b)
{
	return a->type == b->type && a->rclass == b->rclass && a->ttl == b->ttl &&
	       a->rdlen == b->rdlen && dns_name_equal(a->owner, b->owner) &&
	       dns_rdata_compare(a->type, a->rdata, a->rdlen, b->rdata, b->rdlen) == 0;
}

static bool same_edns(const dns_edns *a, const dns_edns *b)
{
	if (a->present != b->present)
		return false;
	if (!a->present)
		return true;
	return a->udp_size == b->udp_size && a->ext_rcode == b->ext_rcode &&
	       a->version == b->version && a->do_bit == b->do_bit && a->z == b->z &&
	       a->options_len == b->options_len &&
	       (a->options_len == 0 ||
		memcmp(a->options, b->options, a->options_len) == 0);
}

static void check_same_message(const dns_msg *a, const dns_msg *b)
{
	if (a->hdr.id != b->hdr.id || a->hdr.flags != b->hdr.flags ||
	    a->hdr.opcode != b->hdr.opcode || a->hdr.rcode != b->hdr.rcode ||
	    a->qdcount != b->qdcount || !same_edns(&a->edns, &b->edns))
		abort();
	for (size_t i = 0; i < a->qdcount; i++)
		if (!dns_name_equal(a->question[i].name, b->question[i].name) ||
		    a->question[i].qtype != b->question[i].qtype ||
		    a->question[i].qclass != b->question[i].qclass)
			abort();
	for (int s = 0; s < 3; s++) {
		if (a->count[s] != b->count[s])
			abort();
		for (size_t i = 0; i < a->count[s]; i++)
			if (!same_rr(&a->rr[s][i], &b->rr[s][i]))
				abort();
	}
}

/* Build m into out; 0 when it does not fit (expanded names can make a
 * message larger than the one that came in). */
static size_t rebuild(const dns_msg *m, uint8_t *out, size_t cap)
{
	dns_builder b;
	if (dns_build_init(&b, out, cap, &m->hdr) != DNS_OK)
		abort();
	for (size_t i = 0; i < m->qdcount; i++)
		if (dns_build_question(&b, m->question[i].name, m->question[i].qtype,
				       m->question[i].qclass) != DNS_OK)
			return 0;
	for (int s = 0; s < 3; s++)
		for (size_t i = 0; i < m->count[s]; i++) {
			dns_err err = dns_build_rr(&b, s + 1, &m->rr[s][i]);
			if (err == DNS_E_NOSPACE)
				return 0;
			if (err != DNS_OK)
				abort();
		}
	if (m->edns.present) {
		dns_err err = dns_build_edns(&b, &m->edns);
		if (err == DNS_E_NOSPACE)
			return 0;
		if (err != DNS_OK)
			abort();
	}
	return dns_build_finish(&b);
}

/* The master-file line of a record reads back to the same record. */
static void check_text_round_trip(const dns_rr *rr)
{
	static char line[300000];
	static uint8_t buf[65536 + 512];
	if (dns_rr_to_text(rr, line, sizeof line, NULL) != DNS_OK)
		abort();
	/* Only what a zone file may hold: class IN (the single-record
	 * reader's class), no meta types, no empty update RDATA. */
	if (rr->rclass != DNS_C_IN || dns_type_is_meta(rr->type))
		return;
	dns_rr back;
	char err[400];
	if (dns_master_parse_rr(line, dns_name_root, DNS_C_IN, 0, buf, sizeof buf, &back,
				err, sizeof err) != DNS_OK)
		abort();
	if (!same_rr(rr, &back) || memcmp(rr->rdata, back.rdata, rr->rdlen) != 0 ||
	    dns_name_length(rr->owner) != dns_name_length(back.owner) ||
	    memcmp(rr->owner, back.owner, dns_name_length(rr->owner)) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static dns_msg m, again, third;
	static char text[1 << 21];
	static uint8_t out[65535], out2[65535];
	static int ready;
	if (!ready) {
		dns_msg_init(&m);
		dns_msg_init(&again);
		dns_msg_init(&third);
		ready = 1;
	}
	if (dns_msg_parse(&m, data, size) != DNS_OK)
		return 0;
	/* Text output never overruns; a huge message may simply not fit. */
	dns_err err = dns_msg_to_text(&m, text, sizeof text, NULL);
	if (err != DNS_OK && err != DNS_E_NOSPACE)
		abort();
	for (int s = 0; s < 3; s++)
		for (size_t i = 0; i < m.count[s]; i++)
			check_text_round_trip(&m.rr[s][i]);

	size_t len = rebuild(&m, out, sizeof out);
	if (len == 0)
		return 0;
	if (dns_msg_parse(&again, out, len) != DNS_OK)
		abort();
	check_same_message(&m, &again);

	size_t len2 = rebuild(&again, out2, sizeof out2);
	if (len2 != len || memcmp(out, out2, len) != 0)
		abort();
	if (dns_msg_parse(&third, out2, len2) != DNS_OK)
		abort();
	check_same_message(&again, &third);
	return 0;
}
