/* Dynamic UPDATE (RFC 2136): each kind of prerequisite and update, with
 * the rcode the RFC gives when it fails; the serial bumped once per
 * UPDATE; the apex's SOA and last NS kept; updates that would break the
 * zone refused with the reason. */
#include <stdlib.h>

#include "auth/update.h"
#include "check.h"
#include "dns/soa.h"

#define ZONE "$TTL 300\n@ SOA ns1 host 41 3600 600 86400 300\n@ NS ns1\n@ NS ns2\n" \
	     "ns1 A 192.0.2.1\nns2 A 192.0.2.2\nwww A 192.0.2.10\nwww A 192.0.2.11\n" \
	     "mail MX 10 www\nalias CNAME www\n"

static dns_name origin;
static dns_zonedata zone;

/* An UPDATE message built record by record: "S CLASS TTL TYPE RDATA"
 * lines, S = P (prerequisite) or U (update); RDATA may be empty. */
typedef struct upd {
	dns_msg m;
	dns_question q;
	dns_rr rr[2][16];
	uint8_t buf[32][600];
	size_t nbuf;
} upd;

static void rec(upd *u, int section, const char *owner, uint16_t rclass, uint32_t ttl,
		const char *type_rdata)
{
	dns_rr rr;
	char err[200], line[400];
	uint8_t *b = u->buf[u->nbuf++];
	char type[32] = "";
	const char *rdata = strchr(type_rdata, ' ');
	snprintf(type, sizeof type, "%.*s", rdata ? (int)(rdata - type_rdata) : (int)strlen(type_rdata),
		 type_rdata);
	if (rdata) {
		snprintf(line, sizeof line, "%s %u IN %s", owner, ttl, type_rdata);
		CHECK_INT(dns_master_parse_rr(line, origin.data, DNS_C_IN, 0, b, 600, &rr, err,
					      sizeof err), DNS_OK);
	} else {
		dns_name n;
		CHECK_INT(dns_name_from_text(&n, owner, strlen(owner), origin.data), DNS_OK);
		memcpy(b, n.data, n.len);
		rr.owner = b;
		rr.rdlen = 0;
		rr.rdata = b;
		if (strcmp(type, "ANY") == 0)
			rr.type = DNS_T_ANY;
		else
			CHECK_INT(dns_type_from_text(type, strlen(type), &rr.type), DNS_OK);
	}
	rr.rclass = rclass;
	rr.ttl = ttl;
	u->rr[section][u->m.count[section]++] = rr;
}

static void start(upd *u)
{
	memset(u, 0, sizeof *u);
	u->q = (dns_question){ origin.data, DNS_T_SOA, DNS_C_IN };
	u->m.question = &u->q;
	u->m.qdcount = 1;
	u->m.hdr.opcode = DNS_OP_UPDATE;
	u->m.rr[0] = u->rr[0];
	u->m.rr[1] = u->rr[1];
}

static uint32_t serial_of(const dns_zonedata *z)
{
	for (size_t i = 0; i < z->n; i++)
		if (z->rr[i].type == DNS_T_SOA) {
			dns_soa s;
			if (dns_soa_read(z->rr[i].rdata, z->rr[i].rdlen, &s) == DNS_OK)
				return s.serial;
		}
	return 0;
}

static size_t count(const dns_zonedata *z, const char *owner, uint16_t type)
{
	dns_name n;
	if (dns_name_from_text(&n, owner, strlen(owner), origin.data) != DNS_OK)
		return 999;
	size_t c = 0;
	for (size_t i = 0; i < z->n; i++)
		c += z->rr[i].type == type && dns_name_equal(z->rr[i].owner, n.data);
	return c;
}

static unsigned run(upd *u, dns_zonedata *out, bool *changed, char *msg)
{
	return update_apply(&zone, &u->m, out, changed, msg, 300);
}

static void test_add_and_delete(void)
{
	upd u;
	dns_zonedata out;
	bool changed;
	char msg[300];
	start(&u);
	rec(&u, 1, "new", DNS_C_IN, 60, "A 192.0.2.50");
	rec(&u, 1, "new", DNS_C_IN, 60, "TXT \"hello\"");
	rec(&u, 1, "www", DNS_C_NONE, 0, "A 192.0.2.11");
	rec(&u, 1, "mail", DNS_C_ANY, 0, "MX");
	CHECK_INT(run(&u, &out, &changed, msg), DNS_R_NOERROR);
	CHECK(changed);
	CHECK_INT(serial_of(&out), 42);
	CHECK_INT(count(&out, "new", DNS_T_A), 1);
	CHECK_INT(count(&out, "new", DNS_T_TXT), 1);
	CHECK_INT(count(&out, "www", DNS_T_A), 1);
	CHECK_INT(count(&out, "mail", DNS_T_MX), 0);
	dns_zonedata_free(&out);

	/* Adding what is there and deleting what is not: no change, no bump. */
	start(&u);
	rec(&u, 1, "www", DNS_C_IN, 300, "A 192.0.2.10");
	rec(&u, 1, "nothere", DNS_C_NONE, 0, "A 192.0.2.99");
	rec(&u, 1, "nothere", DNS_C_ANY, 0, "ANY");
	CHECK_INT(run(&u, &out, &changed, msg), DNS_R_NOERROR);
	CHECK(!changed);
	dns_zonedata_free(&out);

	/* The apex: the SOA and NS stay when all is deleted; the last NS too. */
	start(&u);
	rec(&u, 1, "example.", DNS_C_ANY, 0, "ANY");
	rec(&u, 1, "@", DNS_C_NONE, 0, "NS ns1");
	rec(&u, 1, "@", DNS_C_NONE, 0, "NS ns2");
	CHECK_INT(run(&u, &out, &changed, msg), DNS_R_NOERROR);
	CHECK_INT(count(&out, "example.", DNS_T_SOA), 1);
	CHECK_INT(count(&out, "example.", DNS_T_NS), 1);
	dns_zonedata_free(&out);

	/* A CNAME beside data is ignored; data beside a CNAME too. */
	start(&u);
	rec(&u, 1, "www", DNS_C_IN, 300, "CNAME elsewhere.");
	rec(&u, 1, "alias", DNS_C_IN, 300, "A 192.0.2.7");
	CHECK_INT(run(&u, &out, &changed, msg), DNS_R_NOERROR);
	CHECK(!changed);
	dns_zonedata_free(&out);

	/* The TTL of an RRset follows what was added. */
	start(&u);
	rec(&u, 1, "www", DNS_C_IN, 30, "A 192.0.2.12");
	CHECK_INT(run(&u, &out, &changed, msg), DNS_R_NOERROR);
	CHECK_INT(count(&out, "www", DNS_T_A), 3);
	for (size_t i = 0; i < out.n; i++)
		if (out.rr[i].type == DNS_T_A && out.rr[i].owner[1] == 'w')
			CHECK_INT(out.rr[i].ttl, 30);
	dns_zonedata_free(&out);
}

static void test_prerequisites(void)
{
	upd u;
	dns_zonedata out;
	bool changed;
	char msg[300];
	static const struct {
		const char *owner;
		uint16_t rclass;
		const char *what;
		unsigned rcode;
	} cases[] = {
		{ "www", DNS_C_ANY, "ANY", DNS_R_NOERROR },       /* name in use */
		{ "nope", DNS_C_ANY, "ANY", DNS_R_NXDOMAIN },
		{ "www", DNS_C_ANY, "A", DNS_R_NOERROR },         /* RRset exists */
		{ "www", DNS_C_ANY, "TXT", DNS_R_NXRRSET },
		{ "nope", DNS_C_NONE, "ANY", DNS_R_NOERROR },     /* name not in use */
		{ "www", DNS_C_NONE, "ANY", DNS_R_YXDOMAIN },
		{ "www", DNS_C_NONE, "TXT", DNS_R_NOERROR },      /* RRset absent */
		{ "www", DNS_C_NONE, "A", DNS_R_YXRRSET },
		{ "other.test.", DNS_C_ANY, "ANY", DNS_R_NOTZONE },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		start(&u);
		rec(&u, 0, cases[i].owner, cases[i].rclass, 0, cases[i].what);
		rec(&u, 1, "x", DNS_C_IN, 60, "A 192.0.2.1");
		unsigned rc = run(&u, &out, &changed, msg);
		if (rc != cases[i].rcode)
			fprintf(stderr, "  case %zu: %s\n", i, msg);
		CHECK_INT(rc, cases[i].rcode);
		CHECK(changed == (rc == DNS_R_NOERROR));
		dns_zonedata_free(&out);
	}
	/* Value-dependent: the whole RRset, no more, no less. */
	start(&u);
	rec(&u, 0, "www", DNS_C_IN, 0, "A 192.0.2.10");
	rec(&u, 0, "www", DNS_C_IN, 0, "A 192.0.2.11");
	rec(&u, 1, "x", DNS_C_IN, 60, "A 192.0.2.1");
	CHECK_INT(run(&u, &out, &changed, msg), DNS_R_NOERROR);
	dns_zonedata_free(&out);
	start(&u);
	rec(&u, 0, "www", DNS_C_IN, 0, "A 192.0.2.10");
	rec(&u, 1, "x", DNS_C_IN, 60, "A 192.0.2.1");
	CHECK_INT(run(&u, &out, &changed, msg), DNS_R_NXRRSET);
	dns_zonedata_free(&out);
	/* A prerequisite with a TTL, or with data in class ANY: FORMERR. */
	start(&u);
	rec(&u, 0, "www", DNS_C_ANY, 5, "A");
	CHECK_INT(run(&u, &out, &changed, msg), DNS_R_FORMERR);
	dns_zonedata_free(&out);
}

static void test_prescan_and_checks(void)
{
	upd u;
	dns_zonedata out;
	bool changed;
	char msg[300];
	/* Outside the zone: NOTZONE, and nothing applied. */
	start(&u);
	rec(&u, 1, "a", DNS_C_IN, 60, "A 192.0.2.1");
	rec(&u, 1, "www.example.org.", DNS_C_IN, 60, "A 192.0.2.1");
	CHECK_INT(run(&u, &out, &changed, msg), DNS_R_NOTZONE);
	CHECK(!changed);
	dns_zonedata_free(&out);
	/* A deletion with a TTL: FORMERR. */
	start(&u);
	rec(&u, 1, "www", DNS_C_NONE, 5, "A 192.0.2.10");
	CHECK_INT(run(&u, &out, &changed, msg), DNS_R_FORMERR);
	dns_zonedata_free(&out);
	/* An in-zone nameserver without an address: the zone would not load. */
	start(&u);
	rec(&u, 1, "@", DNS_C_IN, 300, "NS ns3");
	CHECK_INT(run(&u, &out, &changed, msg), DNS_R_REFUSED);
	CHECK(strstr(msg, "break the zone") != NULL);
	dns_zonedata_free(&out);
	/* An ALIAS (dnsim's CNAME flattening) where it answers for no one
	 * else is taken; beside the A records it would stand for, refused. */
	start(&u);
	rec(&u, 1, "@", DNS_C_IN, 300, "ALIAS site.cdn.example.");
	CHECK_INT(run(&u, &out, &changed, msg), DNS_R_NOERROR);
	CHECK(changed);
	CHECK_INT(count(&out, "example.", DNS_T_ALIAS), 1);
	dns_zonedata_free(&out);
	start(&u);
	rec(&u, 1, "www", DNS_C_IN, 300, "ALIAS site.cdn.example.");
	CHECK_INT(run(&u, &out, &changed, msg), DNS_R_REFUSED);
	CHECK(!changed && strstr(msg, "ALIAS and A") != NULL);
	dns_zonedata_free(&out);
	/* A newer SOA given: its serial stands. */
	start(&u);
	rec(&u, 1, "@", DNS_C_IN, 300, "SOA ns1 host 100 3600 600 86400 300");
	CHECK_INT(run(&u, &out, &changed, msg), DNS_R_NOERROR);
	CHECK_INT(serial_of(&out), 100);
	dns_zonedata_free(&out);
	/* An older one is ignored. */
	start(&u);
	rec(&u, 1, "@", DNS_C_IN, 300, "SOA ns1 host 3 3600 600 86400 300");
	CHECK_INT(run(&u, &out, &changed, msg), DNS_R_NOERROR);
	CHECK(!changed);
	dns_zonedata_free(&out);
}

/* The serial wraps as RFC 1982 says. */
static void test_serial_wraps(void)
{
	dns_zonedata z;
	dns_zonedata_init(&z, origin.data, DNS_C_IN);
	const char *text = "$TTL 300\n@ SOA ns1 host 4294967295 3600 600 86400 300\n"
			   "@ NS ns1\nns1 A 192.0.2.1\n";
	dns_master_ops io = { NULL, NULL, NULL, NULL };
	CHECK_INT(dns_zonedata_load_text(&z, "z", text, strlen(text), &io), 0);
	upd u;
	start(&u);
	rec(&u, 1, "a", DNS_C_IN, 60, "A 192.0.2.1");
	dns_zonedata out;
	bool changed;
	char msg[300];
	CHECK_INT(update_apply(&z, &u.m, &out, &changed, msg, sizeof msg), DNS_R_NOERROR);
	CHECK_INT(serial_of(&out), 0);
	dns_zonedata_free(&out);
	dns_zonedata_free(&z);
}

int main(void)
{
	if (dns_name_from_text(&origin, "example.", 8, NULL) != DNS_OK)
		abort();
	dns_zonedata_init(&zone, origin.data, DNS_C_IN);
	dns_master_ops io = { NULL, NULL, NULL, NULL };
	if (dns_zonedata_load_text(&zone, "z", ZONE, strlen(ZONE), &io) != 0)
		abort();
	RUN(test_add_and_delete);
	RUN(test_prerequisites);
	RUN(test_prescan_and_checks);
	RUN(test_serial_wraps);
	dns_zonedata_free(&zone);
	return check_summary("update");
}
