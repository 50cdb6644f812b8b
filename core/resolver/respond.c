/* Answers to stubs: the records a resolution found, RA set, AA clear,
 * truncated (TC) when a UDP answer does not fit. */
#include <string.h>

#include "dns/ede.h"
#include "dns/rrtype.h"
#include "resolver/resolver.h"

#define ROTATE_MAX 64

/* Add the list as RRsets (runs of one owner and type), so a cut for size
 * falls between RRsets.  Each RRset starts `rotate` records further on,
 * so clients asking again get the addresses in turn (round robin, seed
 * 002), as BIND and Unbound hand out cached RRsets.  Returns false when
 * something did not fit. */
static bool add_list(dns_builder *b, int sec, const rrlist *l, unsigned rotate)
{
	size_t i = 0;
	while (i < l->n) {
		size_t j = i + 1;
		while (j < l->n && l->rr[j].type == l->rr[i].type &&
		       dns_name_equal(l->rr[j].owner, l->rr[i].owner))
			j++;
		size_t k = j - i;
		dns_rr turned[ROTATE_MAX];
		const dns_rr *set = &l->rr[i];
		if (k > 1 && k <= ROTATE_MAX && l->rr[i].type != DNS_T_RRSIG) {
			size_t first = rotate % k;
			for (size_t x = 0; x < k; x++)
				turned[x] = l->rr[i + (first + x) % k];
			set = turned;
		}
		if (dns_build_rrset(b, sec, set, k) != DNS_OK)
			return false;
		i = j;
	}
	return true;
}

size_t res_build_response(const struct waiter *w, const uint8_t *qname,
			   uint16_t qtype, uint16_t qclass, unsigned rcode,
			   const rrlist *answer, const rrlist *authority,
			   bool tcp, unsigned rotate, unsigned ede, const char *ede_text,
			   uint8_t *out, size_t outcap)
{
	/* Why, when there is a reason to give and an OPT to give it in. */
	uint8_t opt[6 + 128];
	size_t optlen = w->edns && ede != RES_NO_EDE
		? dns_ede_encode((uint16_t)ede, ede_text && ede_text[0] ? ede_text : NULL, opt,
				 sizeof opt)
		: 0;
	size_t limit = DNS_UDP_PLAIN_MAX;
	if (tcp)
		limit = 65535;
	else if (w->edns)
		limit = w->udp_size < DNS_UDP_PLAIN_MAX ? DNS_UDP_PLAIN_MAX
			: w->udp_size > DNS_EDNS_DEFAULT ? DNS_EDNS_DEFAULT
							 : w->udp_size;
	if (limit > outcap)
		limit = outcap;
	dns_builder b;
	dns_header h = { .id = w->id, .rcode = (uint8_t)(rcode & 15),
			 .flags = (uint16_t)(DNS_F_QR | DNS_F_RA | w->flags) };
	if (dns_build_init(&b, out, limit, &h) != DNS_OK)
		return 0;
	if (w->edns)
		(void)dns_build_reserve(&b, dns_edns_wire_size(optlen));
	(void)dns_build_question(&b, qname, qtype, qclass);
	bool fits = true;
	if (answer)
		fits = add_list(&b, DNS_SEC_ANSWER, answer, rotate);
	if (fits && authority)
		fits = add_list(&b, DNS_SEC_AUTHORITY, authority, rotate);
	if (!fits)
		dns_build_set_tc(&b);
	if (w->edns) {
		dns_edns e = { .present = true, .udp_size = DNS_EDNS_DEFAULT,
			       .ext_rcode = (uint8_t)(rcode >> 4),
			       .do_bit = w->do_bit, .options = opt,
			       .options_len = (uint16_t)optlen };
		(void)dns_build_edns(&b, &e);
	}
	return dns_build_finish(&b);
}

void res_deliver(resolver *r, request *rq)
{
	uint8_t out[65535];
	if (rq->rcode == DNS_R_NXDOMAIN)
		r->stats.nxdomain++;
	for (struct waiter *w = rq->waiters; w; w = w->next) {
		size_t len = res_build_response(w, rq->qname.data, rq->qtype,
						rq->qclass, rq->rcode, &rq->answer,
						&rq->authority, w->conn != NULL,
						r->rotate++, rq->ede, rq->ede_text, out,
						sizeof out);
		if (len)
			clients_send(r, w, out, len);
	}
}
