/* The authoritative answer logic, without sockets: zones built from
 * record lines, queries built with the library, responses parsed back. */
#include <stdlib.h>

#include "auth/answer.h"
#include "check.h"
#include "dns/rdata.h"

#define MAXRR 64

struct tzone {
	auth_zone z;
	dns_rr rr[MAXRR];
	dns_name owners[MAXRR];
	uint8_t rdata[MAXRR][512];
	size_t n;
};

/* "owner ttl TYPE rdata..." with absolute names. */
static void add(struct tzone *t, const char *line)
{
	char buf[512];
	snprintf(buf, sizeof buf, "%s", line);
	dns_token tok[32];
	size_t n = 0;
	for (char *p = strtok(buf, " "); p && n < 32; p = strtok(NULL, " "))
		tok[n++] = (dns_token){ .text = p, .len = strlen(p) };
	size_t i = t->n++;
	uint16_t type;
	size_t rdlen;
	if (dns_name_from_text(&t->owners[i], tok[0].text, tok[0].len, NULL) ||
	    dns_type_from_text(tok[2].text, tok[2].len, &type) ||
	    dns_rdata_from_text(type, tok + 3, n - 3, NULL, t->rdata[i], 512,
				&rdlen, NULL)) {
		fprintf(stderr, "bad test record: %s\n", line);
		abort();
	}
	t->rr[i] = (dns_rr){ t->owners[i].data, type, DNS_C_IN,
			     (uint32_t)atoi(tok[1].text), (uint16_t)rdlen,
			     t->rdata[i] };
}

static void index_zone(struct tzone *t, const char *origin)
{
	if (dns_name_from_text(&t->z.origin, origin, strlen(origin), NULL) ||
	    zonedb_build(&t->z.db, t->z.origin.data, t->rr, t->n))
		abort();
}

static struct tzone com, example, sub, flat;
static auth_zone *zlist[4];
static auth_zoneset zs = { zlist, 4 };
static auth_answerer ans;
static dns_msg resp;

static void setup(void)
{
	add(&com, "com. 86400 SOA a.gtld.net. nstld.verisign-grs.com. 1 1800 900 604800 86400");
	add(&com, "com. 172800 NS a.gtld.net.");
	add(&com, "example.com. 172800 NS ns1.example.com.");
	add(&com, "example.com. 172800 NS ns2.example.com.");
	add(&com, "ns1.example.com. 172800 A 192.0.2.53");
	add(&com, "ns2.example.com. 172800 AAAA 2001:db8::53");
	add(&com, "other.com. 172800 NS ns.elsewhere.net.");
	add(&com, "com. 172800 NS ns.servers.com.");
	add(&com, "servers.com. 172800 NS ns.servers.com.");
	add(&com, "ns.servers.com. 172800 A 192.0.2.30");
	index_zone(&com, "com.");

	add(&example, "example.com. 3600 SOA ns1.example.com. admin.example.com. 7 3600 900 604800 300");
	add(&example, "example.com. 3600 NS ns1.example.com.");
	add(&example, "example.com. 3600 MX 10 mail.example.com.");
	add(&example, "example.com. 3600 A 192.0.2.80");
	add(&example, "ns1.example.com. 3600 A 192.0.2.53");
	add(&example, "mail.example.com. 3600 A 192.0.2.25");
	add(&example, "www.example.com. 600 CNAME example.com.");
	add(&example, "alias.example.com. 600 CNAME www.example.com.");
	add(&example, "out.example.com. 600 CNAME www.example.org.");
	add(&example, "shop.example.com. 60 A 192.0.2.1");
	add(&example, "shop.example.com. 60 A 192.0.2.2");
	add(&example, "shop.example.com. 60 A 192.0.2.3");
	add(&example, "*.wild.example.com. 60 TXT \"wild\"");
	add(&example, "deep.ent.example.com. 60 A 192.0.2.9");
	add(&example, "*.ent.example.com. 60 A 192.0.2.10");
	add(&example, "sub.example.com. 3600 NS ns.sub.example.com.");
	add(&example, "ns.sub.example.com. 3600 A 192.0.2.99");
	add(&example, "_sip._udp.example.com. 60 SRV 0 0 5060 mail.example.com.");
	add(&example, "dn.example.com. 60 DNAME example.com.");
	index_zone(&example, "example.com.");

	add(&sub, "sub.example.com. 60 SOA ns.sub.example.com. h.sub.example.com. 1 2 3 4 5");
	add(&sub, "sub.example.com. 60 NS ns.sub.example.com.");
	add(&sub, "ns.sub.example.com. 60 A 192.0.2.99");
	index_zone(&sub, "sub.example.com.");
	/* An apex flattened onto a CDN name (dnsim's ALIAS). */
	add(&flat, "flat.net. 300 SOA ns.flat.net. h.flat.net. 1 2 3 4 60");
	add(&flat, "flat.net. 300 NS ns.flat.net.");
	add(&flat, "flat.net. 300 ALIAS www.cdn.example.");
	add(&flat, "flat.net. 300 MX 10 mail.flat.net.");
	add(&flat, "ns.flat.net. 300 A 192.0.2.7");
	add(&flat, "*.w.flat.net. 30 ALIAS www.cdn.example.");
	add(&flat, "solo.flat.net. 30 ALIAS www.cdn.example.");
	index_zone(&flat, "flat.net.");
	zlist[0] = &com.z;
	zlist[1] = &example.z;
	zlist[2] = &sub.z;
	zlist[3] = &flat.z;
	auth_answerer_init(&ans, 1232, "test", NULL);
	dns_msg_init(&resp);
}

/* Ask and parse the response into `resp`; returns its length. */
static size_t ask_full(const char *name, uint16_t qtype, bool tcp, int edns,
		       size_t udp_size, auth_result *res)
{
	uint8_t q[512], out[65535];
	dns_builder b;
	dns_name n;
	dns_header h = { .id = 99, .flags = DNS_F_RD };
	CHECK_INT(dns_name_from_text(&n, name, strlen(name), NULL), DNS_OK);
	CHECK_INT(dns_build_init(&b, q, sizeof q, &h), DNS_OK);
	CHECK_INT(dns_build_question(&b, n.data, qtype, DNS_C_IN), DNS_OK);
	if (edns >= 0) {
		dns_edns e = { .present = true, .udp_size = (uint16_t)udp_size,
			       .version = (uint8_t)edns };
		CHECK_INT(dns_build_edns(&b, &e), DNS_OK);
	}
	size_t qlen = dns_build_finish(&b);
	size_t len = auth_answer(&ans, &zs, tcp, q, qlen, out, sizeof out, res);
	if (len) {
		dns_err err = dns_msg_parse(&resp, out, len);
		CHECK_INT(err, DNS_OK);
	}
	return len;
}

static size_t ask(const char *name, uint16_t qtype)
{
	auth_result r;
	return ask_full(name, qtype, false, 0, 1232, &r);
}

static bool has(int sec, const char *owner, uint16_t type)
{
	dns_name n;
	if (dns_name_from_text(&n, owner, strlen(owner), NULL))
		return false;
	for (size_t i = 0; i < resp.count[sec]; i++)
		if (resp.rr[sec][i].type == type &&
		    dns_name_equal(resp.rr[sec][i].owner, n.data))
			return true;
	return false;
}

static void test_exact_answer(void)
{
	ask("mail.example.com.", DNS_T_A);
	CHECK_INT(resp.hdr.rcode, DNS_R_NOERROR);
	CHECK(resp.hdr.flags & DNS_F_AA);
	CHECK(resp.hdr.flags & DNS_F_RD);
	CHECK_INT(resp.count[0], 1);
	CHECK_INT(resp.hdr.id, 99);
	CHECK(resp.edns.present);
	CHECK_INT(resp.edns.udp_size, 1232);
}

static void test_referral_from_tld(void)
{
	ask("www.example.com.", DNS_T_A);   /* answered by example.com. */
	CHECK(resp.hdr.flags & DNS_F_AA);
	/* A name under other.com. goes to the com. zone: a referral. */
	ask("www.other.com.", DNS_T_A);
	CHECK(!(resp.hdr.flags & DNS_F_AA));
	CHECK_INT(resp.hdr.rcode, DNS_R_NOERROR);
	CHECK_INT(resp.count[0], 0);
	CHECK(has(1, "other.com.", DNS_T_NS));
	CHECK_INT(resp.count[2], 0);        /* glue elsewhere: none */
}

static void test_referral_with_glue(void)
{
	/* Remove example.com. from our zones to see com.'s referral. */
	zs.nzones = 1;
	ask("www.example.com.", DNS_T_A);
	zs.nzones = 4;
	CHECK(!(resp.hdr.flags & DNS_F_AA));
	CHECK_INT(resp.count[1], 2);
	CHECK(has(2, "ns1.example.com.", DNS_T_A));
	CHECK(has(2, "ns2.example.com.", DNS_T_AAAA));
}

static void test_cname_chain(void)
{
	ask("alias.example.com.", DNS_T_A);
	CHECK_INT(resp.count[0], 3);     /* CNAME, CNAME, A */
	CHECK(has(0, "alias.example.com.", DNS_T_CNAME));
	CHECK(has(0, "www.example.com.", DNS_T_CNAME));
	CHECK(has(0, "example.com.", DNS_T_A));
	CHECK(resp.hdr.flags & DNS_F_AA);
	/* Out of our zones: the CNAME alone, the resolver goes on. */
	ask("out.example.com.", DNS_T_A);
	CHECK_INT(resp.count[0], 1);
	CHECK_INT(resp.hdr.rcode, DNS_R_NOERROR);
	/* Asking for the CNAME itself does not follow it. */
	ask("www.example.com.", DNS_T_CNAME);
	CHECK_INT(resp.count[0], 1);
}

static void test_negative_answers(void)
{
	ask("nope.example.com.", DNS_T_A);
	CHECK_INT(resp.hdr.rcode, DNS_R_NXDOMAIN);
	CHECK(resp.hdr.flags & DNS_F_AA);
	CHECK(has(1, "example.com.", DNS_T_SOA));
	CHECK_INT(resp.rr[1][0].ttl, 300);    /* min(SOA TTL, MINIMUM) */
	ask("mail.example.com.", DNS_T_AAAA);
	CHECK_INT(resp.hdr.rcode, DNS_R_NOERROR);
	CHECK_INT(resp.count[0], 0);
	CHECK(has(1, "example.com.", DNS_T_SOA));
	/* Empty non-terminal: NODATA, and it blocks nothing below. */
	ask("ent.example.com.", DNS_T_A);
	CHECK_INT(resp.hdr.rcode, DNS_R_NOERROR);
	CHECK_INT(resp.count[0], 0);
	ask("www.example.net.", DNS_T_A);
	CHECK_INT(resp.hdr.rcode, DNS_R_REFUSED);
	CHECK(!(resp.hdr.flags & DNS_F_AA));
}

static void test_wildcards(void)
{
	ask("a.wild.example.com.", DNS_T_TXT);
	CHECK_INT(resp.count[0], 1);
	CHECK(has(0, "a.wild.example.com.", DNS_T_TXT));
	ask("b.a.wild.example.com.", DNS_T_TXT);
	CHECK(has(0, "b.a.wild.example.com.", DNS_T_TXT));
	/* The wildcard does not match its own parent. */
	ask("wild.example.com.", DNS_T_TXT);
	CHECK_INT(resp.count[0], 0);
	CHECK_INT(resp.hdr.rcode, DNS_R_NOERROR);   /* ENT above * */
	/* Existing names are not covered by the wildcard. */
	ask("deep.ent.example.com.", DNS_T_A);
	CHECK_INT(resp.count[0], 1);
	CHECK(resp.rr[0][0].rdata[3] == 9);
	ask("x.ent.example.com.", DNS_T_A);
	CHECK(resp.count[0] == 1 && resp.rr[0][0].rdata[3] == 10);
	/* Wildcard node, other type: NODATA. */
	ask("a.wild.example.com.", DNS_T_A);
	CHECK_INT(resp.count[0], 0);
	CHECK_INT(resp.hdr.rcode, DNS_R_NOERROR);
}

static void test_additional_data(void)
{
	ask("example.com.", DNS_T_MX);
	CHECK(has(0, "example.com.", DNS_T_MX));
	CHECK(has(2, "mail.example.com.", DNS_T_A));
	ask("_sip._udp.example.com.", DNS_T_SRV);
	CHECK(has(2, "mail.example.com.", DNS_T_A));
	ask("example.com.", DNS_T_NS);
	CHECK(has(2, "ns1.example.com.", DNS_T_A));
}

/* Found with Unbound: priming asks the root for ". NS"; the addresses
 * of servers whose names sit below a cut (a.root-servers.net under net.)
 * must come along as glue, or the resolver cannot start.  Here: com.'s
 * own server lives in the delegated servers.com. */
static void test_glue_for_apex_ns(void)
{
	ask("com.", DNS_T_NS);
	CHECK(has(0, "com.", DNS_T_NS));
	CHECK(has(2, "ns.servers.com.", DNS_T_A));
}

static void test_round_robin(void)
{
	uint8_t first[3];
	for (int i = 0; i < 3; i++) {
		ask("shop.example.com.", DNS_T_A);
		CHECK_INT(resp.count[0], 3);
		first[i] = resp.rr[0][0].rdata[3];
	}
	CHECK(first[0] != first[1] && first[1] != first[2] && first[0] != first[2]);
}

static void test_dname(void)
{
	ask("mail.dn.example.com.", DNS_T_A);
	CHECK(has(0, "dn.example.com.", DNS_T_DNAME));
	CHECK(has(0, "mail.dn.example.com.", DNS_T_CNAME));
	CHECK(has(0, "mail.example.com.", DNS_T_A));
}

static void test_any_is_minimal(void)
{
	ask("example.com.", DNS_T_ANY);
	CHECK_INT(resp.count[0], 1);
}

static void test_edns_and_truncation(void)
{
	auth_result r;
	/* EDNS version 1: BADVERS. */
	ask_full("example.com.", DNS_T_A, false, 1, 1232, &r);
	CHECK_INT(dns_msg_rcode(&resp), DNS_R_BADVERS);
	CHECK_INT(resp.count[0], 0);
	/* No EDNS: no OPT in the answer. */
	ask_full("example.com.", DNS_T_A, false, -1, 0, &r);
	CHECK(!resp.edns.present);
	/* A small buffer truncates an answer that does not fit... */
	for (int i = 0; i < 40; i++) {
		char line[128];
		snprintf(line, sizeof line, "many.example.com. 60 TXT \"%040d\"", i);
		add(&example, line);
	}
	zonedb_free(&example.z.db);
	index_zone(&example, "example.com.");
	ask_full("many.example.com.", DNS_T_TXT, false, -1, 0, &r);
	CHECK(resp.hdr.flags & DNS_F_TC);
	CHECK_INT(resp.count[0], 0);       /* cut at the RRset boundary */
	CHECK(r.size <= 512);
	/* ...and so does one over our 1232-octet cap, whatever the client
	 * offers (40 records of 53 octets need 2120). */
	ask_full("many.example.com.", DNS_T_TXT, false, 0, 4096, &r);
	CHECK(resp.hdr.flags & DNS_F_TC);
	CHECK(r.size <= 1232);
	ans.max_udp = 4096;
	ask_full("many.example.com.", DNS_T_TXT, false, 0, 4096, &r);
	CHECK(!(resp.hdr.flags & DNS_F_TC));
	CHECK_INT(resp.count[0], 40);
	ans.max_udp = 1232;
	ask_full("many.example.com.", DNS_T_TXT, true, 0, 512, &r);
	CHECK(!(resp.hdr.flags & DNS_F_TC));
	CHECK_INT(resp.count[0], 40);
}

static void test_malformed_and_opcodes(void)
{
	uint8_t out[512];
	auth_result r;
	static const uint8_t junk[] = { 0, 7, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12 };
	size_t len = auth_answer(&ans, &zs, false, junk, sizeof junk, out,
				 sizeof out, &r);
	CHECK(len >= 12);
	CHECK_INT(out[3] & 15, DNS_R_FORMERR);
	CHECK(out[0] == 0 && out[1] == 7);
	static const uint8_t tiny[] = { 1, 2, 3 };
	CHECK_INT(auth_answer(&ans, &zs, false, tiny, 3, out, sizeof out, &r), 0);
	CHECK(r.drop);
	/* A response is never answered. */
	static const uint8_t response[] = { 0, 1, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	CHECK_INT(auth_answer(&ans, &zs, false, response, 12, out, sizeof out, &r), 0);
	/* NOTIFY (opcode 4) for the root, which is no zone of ours: NOTAUTH
	 * with the question, as named answers it. */
	static const uint8_t notify[] = { 0, 2, 0x20, 0, 0, 1, 0, 0, 0, 0, 0, 0,
					  0, 0, 6, 0, 1 };
	len = auth_answer(&ans, &zs, false, notify, sizeof notify, out, sizeof out, &r);
	CHECK(len > 12);
	CHECK_INT(out[3] & 15, DNS_R_NOTAUTH);
	/* Opcode 15 with an empty question section: NOTIMP, a bare header,
	 * RD not copied (it was FORMERR once). */
	static const uint8_t op15[] = { 0, 3, 0x79, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	len = auth_answer(&ans, &zs, false, op15, sizeof op15, out, sizeof out, &r);
	CHECK_INT(len, 12);
	CHECK_INT(out[3] & 15, DNS_R_NOTIMP);
	CHECK_INT(out[2], 0x80 | 0x78);
	/* AXFR over UDP: FORMERR; over TCP: handed to the server loop. */
	ask_full("example.com.", DNS_T_AXFR, false, 0, 1232, &r);
	CHECK_INT(resp.hdr.rcode, DNS_R_FORMERR);
	ask_full("example.com.", DNS_T_AXFR, true, 0, 1232, &r);
	CHECK(r.axfr);
}

/* NSID (RFC 5001): the identity comes back only when asked for, as an
 * option of the OPT RR; the CHAOS names give it too (RFC 4892). */
static void test_nsid_and_identity(void)
{
	uint8_t q[512], out[4096];
	dns_builder b;
	dns_name n;
	dns_header h = { .id = 7 };
	auth_result r;
	const uint8_t nsid_asked[4] = { 0, 3, 0, 0 };
	CHECK_INT(dns_name_from_text(&n, "mail.example.com.", 17, NULL), DNS_OK);
	CHECK_INT(dns_build_init(&b, q, sizeof q, &h), DNS_OK);
	CHECK_INT(dns_build_question(&b, n.data, DNS_T_A, DNS_C_IN), DNS_OK);
	dns_edns e = { .present = true, .udp_size = 1232, .options = nsid_asked,
		       .options_len = sizeof nsid_asked };
	CHECK_INT(dns_build_edns(&b, &e), DNS_OK);
	size_t len = auth_answer(&ans, &zs, false, q, dns_build_finish(&b), out, sizeof out, &r);
	CHECK(len > 0 && dns_msg_parse(&resp, out, len) == DNS_OK);
	CHECK_INT(resp.count[0], 1);
	CHECK_INT(resp.edns.options_len, 8);
	CHECK(resp.edns.options && memcmp(resp.edns.options, "\0\3\0\4test", 8) == 0);
	/* Not asked: no option. */
	ask("mail.example.com.", DNS_T_A);
	CHECK(resp.edns.present && resp.edns.options_len == 0);
	/* id.server and hostname.bind, class CH. */
	const char *names[] = { "id.server.", "hostname.bind." };
	for (int i = 0; i < 2; i++) {
		CHECK_INT(dns_name_from_text(&n, names[i], strlen(names[i]), NULL), DNS_OK);
		CHECK_INT(dns_build_init(&b, q, sizeof q, &h), DNS_OK);
		CHECK_INT(dns_build_question(&b, n.data, DNS_T_TXT, DNS_C_CH), DNS_OK);
		len = auth_answer(&ans, &zs, false, q, dns_build_finish(&b), out, sizeof out, &r);
		CHECK(len > 0 && dns_msg_parse(&resp, out, len) == DNS_OK);
		CHECK_INT(resp.count[0], 1);
		CHECK(resp.count[0] == 1 && resp.rr[0][0].rdlen == 5 &&
		      memcmp(resp.rr[0][0].rdata, "\4test", 5) == 0);
	}
}

/* A stand-in for the server's ALIAS lookup: what it was asked, and what
 * it says. */
static struct {
	auth_alias_status status;
	dns_rr rrs[2];
	size_t n;
	uint32_t target_ttl;
	char asked[DNS_NAME_MAXTEXT];
	uint16_t qtype;
	uint32_t ttl;
	int calls;
} fake;

static auth_alias_status fake_alias(void *ctx, const uint8_t *target, uint16_t qtype,
				    uint32_t ttl, const dns_rr **rrs, size_t *n,
				    uint32_t *answer_ttl)
{
	CHECK(ctx == &fake);
	fake.calls++;
	(void)dns_name_to_text(target, fake.asked, sizeof fake.asked, NULL);
	fake.qtype = qtype;
	fake.ttl = ttl;
	*rrs = fake.rrs;
	*n = fake.n;
	*answer_ttl = ttl < fake.target_ttl ? ttl : fake.target_ttl;
	return fake.status;
}

static void test_alias(void)
{
	static const uint8_t a1[4] = { 198, 51, 100, 1 }, a2[4] = { 198, 51, 100, 2 };
	auth_result r;
	/* No way to resolve the target: SERVFAIL, never the ALIAS itself. */
	ask_full("flat.net.", DNS_T_A, false, 0, 1232, &r);
	CHECK_INT(resp.hdr.rcode, DNS_R_SERVFAIL);
	CHECK_INT(resp.count[0], 0);
	ans.alias = fake_alias;
	ans.alias_ctx = &fake;
	fake.status = AUTH_ALIAS_OK;
	fake.rrs[0] = (dns_rr){ NULL, DNS_T_A, DNS_C_IN, 0, 4, a1 };
	fake.rrs[1] = (dns_rr){ NULL, DNS_T_A, DNS_C_IN, 0, 4, a2 };
	fake.n = 2;
	fake.target_ttl = 20;
	ask_full("flat.net.", DNS_T_A, false, 0, 1232, &r);
	CHECK_STR(fake.asked, "www.cdn.example.");
	CHECK_INT(fake.qtype, DNS_T_A);
	CHECK_INT(fake.ttl, 300);
	CHECK_INT(resp.hdr.rcode, DNS_R_NOERROR);
	CHECK(resp.hdr.flags & DNS_F_AA);
	CHECK_INT(resp.count[0], 2);
	CHECK(has(0, "flat.net.", DNS_T_A));
	CHECK(!has(0, "flat.net.", DNS_T_ALIAS));
	/* The lower of the two TTLs; the zone's servers beside it. */
	CHECK(resp.count[0] == 2 && resp.rr[0][0].ttl == 20 && resp.rr[0][1].ttl == 20);
	CHECK(has(1, "flat.net.", DNS_T_NS));
	/* Never kept in the answer cache: the addresses move. */
	CHECK_INT(r.cache_period, 0);
	CHECK(!r.alias_pending);
	/* AAAA the same way; none there: NODATA with the SOA. */
	fake.n = 0;
	ask_full("flat.net.", DNS_T_AAAA, false, 0, 1232, &r);
	CHECK_INT(fake.qtype, DNS_T_AAAA);
	CHECK_INT(resp.hdr.rcode, DNS_R_NOERROR);
	CHECK_INT(resp.count[0], 0);
	CHECK(has(1, "flat.net.", DNS_T_SOA));
	/* Being looked up: no answer yet, the server is told to wait. */
	fake.status = AUTH_ALIAS_PENDING;
	CHECK_INT(ask_full("flat.net.", DNS_T_A, false, 0, 1232, &r), 0);
	CHECK(r.alias_pending && !r.drop);
	fake.status = AUTH_ALIAS_FAILED;
	ask_full("flat.net.", DNS_T_A, false, 0, 1232, &r);
	CHECK_INT(resp.hdr.rcode, DNS_R_SERVFAIL);
	/* Other types at the name are its own; ALIAS is not served as such,
	 * and is not asked for them. */
	int calls = fake.calls;
	ask("flat.net.", DNS_T_MX);
	CHECK(has(0, "flat.net.", DNS_T_MX));
	ask("flat.net.", DNS_T_ALIAS);
	CHECK_INT(resp.hdr.rcode, DNS_R_NOERROR);
	CHECK_INT(resp.count[0], 0);
	CHECK_INT(fake.calls, calls);
	/* ANY (one RRset, RFC 8482) is never answered with the ALIAS: another
	 * RRset of the name, or alone, the target's A records. */
	fake.status = AUTH_ALIAS_OK;
	fake.n = 1;
	ask("flat.net.", DNS_T_ANY);
	CHECK_INT(resp.hdr.rcode, DNS_R_NOERROR);
	CHECK(resp.count[0] >= 1 && !has(0, "flat.net.", DNS_T_ALIAS));
	ask("solo.flat.net.", DNS_T_ANY);
	CHECK_INT(resp.hdr.rcode, DNS_R_NOERROR);
	CHECK_INT(resp.count[0], 1);
	CHECK(has(0, "solo.flat.net.", DNS_T_A) && !has(0, "solo.flat.net.", DNS_T_ALIAS));
	calls = fake.calls;
	/* A wildcard ALIAS answers for the name asked. */
	ask("x.w.flat.net.", DNS_T_A);
	CHECK_INT(resp.hdr.rcode, DNS_R_NOERROR);
	CHECK_INT(fake.calls, calls + 1);
	CHECK_INT(resp.count[0], 1);
	CHECK(has(0, "x.w.flat.net.", DNS_T_A));
	CHECK(resp.count[0] == 1 && resp.rr[0][0].ttl == 20);
	ans.alias = NULL;
	ans.alias_ctx = NULL;
}

int main(void)
{
	setup();
	RUN(test_nsid_and_identity);
	RUN(test_exact_answer);
	RUN(test_referral_from_tld);
	RUN(test_referral_with_glue);
	RUN(test_cname_chain);
	RUN(test_negative_answers);
	RUN(test_wildcards);
	RUN(test_additional_data);
	RUN(test_glue_for_apex_ns);
	RUN(test_round_robin);
	RUN(test_dname);
	RUN(test_any_is_minimal);
	RUN(test_edns_and_truncation);
	RUN(test_malformed_and_opcodes);
	RUN(test_alias);
	zonedb_free(&com.z.db);
	zonedb_free(&flat.z.db);
	zonedb_free(&example.z.db);
	zonedb_free(&sub.z.db);
	auth_answerer_free(&ans);
	dns_msg_free(&resp);
	return check_summary("test_answer");
}
