/* Messages and records as text, in the layout dig prints. */
#include <stdio.h>
#include <string.h>

#include "encode.h"
#include "textout.h"
#include "msg.h"
#include "rdata.h"
#include "wire.h"

static const char *const rcode_names[] = {
	"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
	"YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE",
};

const char *dns_rcode_to_text(unsigned rcode, char *buf)
{
	if (rcode < sizeof rcode_names / sizeof rcode_names[0])
		snprintf(buf, DNS_MNEMONIC_MAX, "%s", rcode_names[rcode]);
	else if (rcode == DNS_R_BADVERS)
		snprintf(buf, DNS_MNEMONIC_MAX, "BADVERS");
	else
		snprintf(buf, DNS_MNEMONIC_MAX, "RCODE%u", rcode & 4095);
	return buf;
}

const char *dns_opcode_to_text(unsigned opcode, char *buf)
{
	static const char *const names[] = { "QUERY", "IQUERY", "STATUS",
					     NULL, "NOTIFY", "UPDATE" };
	if (opcode < 6 && names[opcode])
		snprintf(buf, DNS_MNEMONIC_MAX, "%s", names[opcode]);
	else
		snprintf(buf, DNS_MNEMONIC_MAX, "OPCODE%u", opcode & 15);
	return buf;
}

/* owner TTL CLASS TYPE RDATA, tab-separated like dig. */
static void put_rr(struct text_out *t, const dns_rr *rr)
{
	char owner[DNS_NAME_MAXTEXT], cls[DNS_MNEMONIC_MAX],
		typ[DNS_MNEMONIC_MAX];
	if (dns_name_to_text(rr->owner, owner, sizeof owner, NULL) != DNS_OK) {
		t->full = true;
		return;
	}
	text_printf(t, "%s\t%u\t%s\t%s\t", owner, (unsigned)rr->ttl,
	     dns_class_to_text(rr->rclass, cls),
	     dns_type_to_text(rr->type, typ));
	if (t->full)
		return;
	size_t used;
	if (dns_rdata_to_text(rr->type, rr->rdata, rr->rdlen, t->buf + t->len,
			      t->cap - t->len, &used) != DNS_OK) {
		t->full = true;
		t->buf[t->len] = '\0';
		return;
	}
	t->len += used;
}

dns_err dns_rr_to_text(const dns_rr *rr, char *out, size_t outsz,
		       size_t *outlen)
{
	struct text_out t = { .buf = out, .cap = outsz };
	if (outsz == 0)
		return DNS_E_NOSPACE;
	out[0] = '\0';
	put_rr(&t, rr);
	if (t.full)
		return DNS_E_NOSPACE;
	if (outlen)
		*outlen = t.len;
	return DNS_OK;
}

static void put_edns(struct text_out *t, const dns_edns *e)
{
	text_put(t, ";; OPT PSEUDOSECTION:\n", 22);
	text_printf(t, "; EDNS: version: %u, flags:", e->version);
	if (e->do_bit)
		text_put(t, " do", 3);
	if (e->z)
		text_printf(t, "; MBZ: 0x%04x", e->z);
	text_printf(t, "; udp: %u\n", e->udp_size);
	const uint8_t *p = e->options;
	for (size_t i = 0; i + 4 <= e->options_len;) {
		unsigned code = dns_get16(p + i);
		size_t len = dns_get16(p + i + 2);
		if (i + 4 + len > e->options_len)
			break;
		text_printf(t, "; OPT=%u: ", code);
		if (!t->full) {
			size_t used;
			if (dns_hex_encode(p + i + 4, len, t->buf + t->len,
					   t->cap - t->len, &used) != DNS_OK)
				t->full = true;
			else
				t->len += used;
		}
		text_put(t, "\n", 1);
		i += 4 + len;
	}
}

dns_err dns_msg_to_text(const dns_msg *m, char *out, size_t outsz,
			size_t *outlen)
{
	static const struct {
		uint16_t bit;
		const char *name;
	} flags[] = {
		{ DNS_F_QR, "qr" }, { DNS_F_AA, "aa" }, { DNS_F_TC, "tc" },
		{ DNS_F_RD, "rd" }, { DNS_F_RA, "ra" }, { DNS_F_Z, "z" },
		{ DNS_F_AD, "ad" }, { DNS_F_CD, "cd" },
	};
	static const char *const sections[] = { "ANSWER", "AUTHORITY",
						"ADDITIONAL" };
	struct text_out t = { .buf = out, .cap = outsz };
	char b1[DNS_MNEMONIC_MAX], b2[DNS_MNEMONIC_MAX];

	if (outsz == 0)
		return DNS_E_NOSPACE;
	out[0] = '\0';
	unsigned rcode = m->edns.present ? dns_msg_rcode(m) : m->hdr.rcode;
	text_printf(&t, ";; ->>HEADER<<- opcode: %s, status: %s, id: %u\n",
	     dns_opcode_to_text(m->hdr.opcode, b1),
	     dns_rcode_to_text(rcode, b2), m->hdr.id);
	text_put(&t, ";; flags:", 9);
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
		if (m->hdr.flags & flags[i].bit)
			text_printf(&t, " %s", flags[i].name);
	text_printf(&t, "; QUERY: %zu, ANSWER: %zu, AUTHORITY: %zu, ADDITIONAL: %zu\n",
	     m->qdcount, m->count[0], m->count[1],
	     m->count[2] + (m->edns.present ? 1 : 0));
	if (m->edns.present) {
		text_put(&t, "\n", 1);
		put_edns(&t, &m->edns);
	}
	if (m->qdcount) {
		text_put(&t, "\n;; QUESTION SECTION:\n", 22);
		for (size_t i = 0; i < m->qdcount; i++) {
			char name[DNS_NAME_MAXTEXT];
			if (dns_name_to_text(m->question[i].name, name,
					     sizeof name, NULL) != DNS_OK)
				return DNS_E_NOSPACE;
			text_printf(&t, ";%s\t\t%s\t%s\n", name,
			     dns_class_to_text(m->question[i].qclass, b1),
			     dns_type_to_text(m->question[i].qtype, b2));
		}
	}
	for (int s = 0; s < 3; s++) {
		if (m->count[s] == 0)
			continue;
		text_printf(&t, "\n;; %s SECTION:\n", sections[s]);
		for (size_t i = 0; i < m->count[s]; i++) {
			put_rr(&t, &m->rr[s][i]);
			text_put(&t, "\n", 1);
		}
	}
	if (t.full)
		return DNS_E_NOSPACE;
	if (outlen)
		*outlen = t.len;
	return DNS_OK;
}
