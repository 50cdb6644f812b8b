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
/* The records a client that did not set DO is not sent (RFC 4035 3.2.1),
 * unless it asked for that type. */
static bool dnssec_only(uint16_t type)
{
	return type == DNS_T_RRSIG || type == DNS_T_NSEC || type == DNS_T_NSEC3;
}

static bool add_list(dns_builder *b, int sec, const rrlist *l, unsigned rotate,
		     bool dnssec, uint16_t qtype)
{
	size_t i = 0;
	while (i < l->n) {
		size_t j = i + 1;
		while (j < l->n && l->rr[j].type == l->rr[i].type &&
		       dns_name_equal(l->rr[j].owner, l->rr[i].owner))
			j++;
		size_t k = j - i;
		if (!dnssec && dnssec_only(l->rr[i].type) && l->rr[i].type != qtype) {
			i = j;
			continue;
		}
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
			   unsigned security, unsigned scope, uint8_t *out, size_t outcap)
{
	/* Bogus data is no answer, unless the client checks for itself
	 * (CD, RFC 4035 3.2.2); AD for validated data to clients that show
	 * they understand it (DO or AD, RFC 6840 5.7-5.8). */
	uint16_t flags = (uint16_t)(DNS_F_QR | DNS_F_RA | w->flags);
	if (security == RSEC_BOGUS && !(w->flags & DNS_F_CD)) {
		rcode = DNS_R_SERVFAIL;
		answer = authority = NULL;
	} else if (security == RSEC_SECURE && (w->do_bit || w->ad)) {
		flags |= DNS_F_AD;
	}
	/* Why, when there is a reason to give and an OPT to give it in. */
	uint8_t opt[6 + 128 + 24];
	size_t optlen = w->edns && ede != RES_NO_EDE
		? dns_ede_encode((uint16_t)ede, ede_text && ede_text[0] ? ede_text : NULL, opt,
				 sizeof opt - 24)
		: 0;
	/* The client's own ECS option back, with the scope the answer holds
	 * for (RFC 7871 7.2.2); never wider than what the client showed. */
	if (w->edns && w->ecs_opt) {
		dns_ecs echo = w->ecs;
		echo.scope = (uint8_t)(scope < echo.source ? scope : echo.source);
		optlen += dns_ecs_encode(&echo, opt + optlen, sizeof opt - optlen);
	}
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
			 .flags = flags };
	if (dns_build_init(&b, out, limit, &h) != DNS_OK)
		return 0;
	if (w->edns)
		(void)dns_build_reserve(&b, dns_edns_wire_size(optlen));
	(void)dns_build_question(&b, qname, qtype, qclass);
	bool fits = true;
	if (answer)
		fits = add_list(&b, DNS_SEC_ANSWER, answer, rotate, w->do_bit, qtype);
	if (fits && authority)
		fits = add_list(&b, DNS_SEC_AUTHORITY, authority, rotate, w->do_bit, qtype);
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
		unsigned ede = rq->ede;
		const char *text = rq->ede_text;
		unsigned security = rq->rcode == DNS_R_SERVFAIL ? RSEC_UNCHECKED : rq->security;
		/* Why bogus data became SERVFAIL; why an answer is insecure
		 * when it is for want of an algorithm. */
		if (ede == RES_NO_EDE && rq->val_ede != RES_NO_EDE &&
		    ((security == RSEC_BOGUS && !(w->flags & DNS_F_CD)) ||
		     security == RSEC_INSECURE)) {
			ede = rq->val_ede;
			text = rq->val_text;
		}
		size_t len = res_build_response(w, rq->qname.data, rq->qtype,
						rq->qclass, rq->rcode, &rq->answer,
						&rq->authority, w->conn != NULL,
						r->rotate++, ede, text, security, rq->scope,
						out, sizeof out);
		if (len)
			clients_send(r, w, out, len);
	}
}
