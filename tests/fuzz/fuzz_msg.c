/* libFuzzer: any bytes as a DNS message.  A message that parses must
 * print, rebuild within 64 KiB, and parse again to the same records; one
 * that does not must fail cleanly.  Sanitizers catch the rest. */
#include <stdlib.h>
#include <string.h>

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static dns_msg m, again;
	static char text[1 << 20];
	static uint8_t out[65535];
	static int ready;
	if (!ready) {
		dns_msg_init(&m);
		dns_msg_init(&again);
		ready = 1;
	}
	if (dns_msg_parse(&m, data, size) != DNS_OK)
		return 0;
	/* Text output never overruns; a huge message may simply not fit. */
	dns_err err = dns_msg_to_text(&m, text, sizeof text, NULL);
	if (err != DNS_OK && err != DNS_E_NOSPACE)
		abort();

	dns_builder b;
	if (dns_build_init(&b, out, sizeof out, &m.hdr) != DNS_OK)
		abort();
	for (size_t i = 0; i < m.qdcount; i++)
		if (dns_build_question(&b, m.question[i].name, m.question[i].qtype,
				       m.question[i].qclass) != DNS_OK)
			return 0;   /* expanded names may not fit: fine */
	for (int s = 0; s < 3; s++)
		for (size_t i = 0; i < m.count[s]; i++)
			if (dns_build_rr(&b, s + 1, &m.rr[s][i]) != DNS_OK)
				return 0;
	if (m.edns.present && dns_build_edns(&b, &m.edns) != DNS_OK)
		return 0;
	size_t len = dns_build_finish(&b);
	if (dns_msg_parse(&again, out, len) != DNS_OK)
		abort();
	if (again.qdcount != m.qdcount || again.hdr.id != m.hdr.id ||
	    again.hdr.flags != m.hdr.flags || again.edns.present != m.edns.present)
		abort();
	for (int s = 0; s < 3; s++) {
		if (again.count[s] != m.count[s])
			abort();
		for (size_t i = 0; i < m.count[s]; i++)
			if (!same_rr(&again.rr[s][i], &m.rr[s][i]))
				abort();
	}
	return 0;
}
