/* NSEC and NSEC3 against the RFC examples: the NSEC3 hashes of RFC 5155
 * appendix A, the responses of RFC 5155 appendix B and RFC 4035 appendix
 * B checked as proofs (built from the example zones' names and types),
 * the server's proofs, bitmaps, and the limits on hostile parameters. */
#include "check.h"
#include "dns/encode.h"
#include "dns/master.h"
#include "dns/rdata.h"
#include "dnssec/nsec.h"

#include <stdlib.h>

struct pool {
	uint8_t buf[65536];
	size_t used;
};

static dns_rr rr_of(struct pool *p, const char *text)
{
	dns_rr rr = { 0 };
	char err[128];
	if (dns_master_parse_rr(text, dns_name_root, DNS_C_IN, 3600, p->buf + p->used,
				sizeof p->buf - p->used, &rr, err, sizeof err)) {
		fprintf(stderr, "cannot parse %s: %s\n", text, err);
		abort();
	}
	p->used += dns_name_length(rr.owner) + rr.rdlen;
	return rr;
}

static dns_name name_of(const char *text)
{
	dns_name n;
	if (dns_name_from_text(&n, text, strlen(text), NULL))
		abort();
	return n;
}

static const uint8_t salt[4] = { 0xaa, 0xbb, 0xcc, 0xdd };

static void hash_text(const char *name, char *out)
{
	dns_name n = name_of(name);
	uint8_t h[DNSSEC_NSEC3_HASHLEN];
	size_t len;
	if (dnssec_nsec3_hash(n.data, 1, 12, salt, 4, h) ||
	    dns_base32hex_encode(h, sizeof h, out, 40, &len))
		abort();
	for (size_t i = 0; i < len; i++)
		if (out[i] >= 'A' && out[i] <= 'Z')
			out[i] = (char)(out[i] + 32);
}

/* RFC 5155 appendix A's hashes (salt aabbccdd, 12 extra iterations). */
static void test_rfc5155_hashes(void)
{
	static const char *const v[][2] = {
		{ "example.", "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom" },
		{ "a.example.", "35mthgpgcu1qg68fab165klnsnk3dpvl" },
		{ "ai.example.", "gjeqe526plbf1g8mklp59enfd789njgi" },
		{ "ns1.example.", "2t7b4g4vsa5smi47k61mv5bv1a22bojr" },
		{ "ns2.example.", "q04jkcevqvmu85r014c7dkba38o0ji5r" },
		{ "w.example.", "k8udemvp1j2f7eg6jebps17vp3n8i58h" },
		{ "*.w.example.", "r53bq7cc2uvmubfu5ocmm6pers9tk9en" },
		{ "x.w.example.", "b4um86eghhds6nea196smvmlo4ors995" },
		{ "y.w.example.", "ji6neoaepv8b5o6k4ev33abha8ht9fgc" },
		{ "x.y.w.example.", "2vptu5timamqttgl4luu9kg21e0aor3s" },
		{ "xx.example.", "t644ebqk9bibcna874givr6joj62mlhv" },
		{ "c.x.w.example.", "0va5bpr2ou0vk0lbqeeljri88laipsfh" },
		{ "*.x.w.example.", "92pqneegtaue7pjatc3l3qnk738c6v5m" },
		/* Case does not matter: the name is lowercased first. */
		{ "X.W.Example.", "b4um86eghhds6nea196smvmlo4ors995" },
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		char got[40];
		hash_text(v[i][0], got);
		CHECK_STR(got, v[i][1]);
	}
	/* The hashed owner name and back. */
	dns_name apex = name_of("example."), hn;
	uint8_t h[20], back[20];
	CHECK_INT(dnssec_nsec3_hash(apex.data, 1, 12, salt, 4, h), DNS_OK);
	CHECK_INT(dnssec_nsec3_hashed_name(h, apex.data, &hn), DNS_OK);
	char text[DNS_NAME_MAXTEXT];
	CHECK_INT(dns_name_to_text(hn.data, text, sizeof text, NULL), DNS_OK);
	CHECK_STR(text, "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example.");
	CHECK_INT(dnssec_nsec3_owner_hash(hn.data, apex.data, back), DNS_OK);
	CHECK_MEM(back, h, 20);
	CHECK_INT(dnssec_nsec3_owner_hash(apex.data, apex.data, back), DNS_E_FORMAT);
	dns_name deep = name_of("0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.x.example.");
	CHECK_INT(dnssec_nsec3_owner_hash(deep.data, apex.data, back), DNS_E_FORMAT);
	dns_name junk = name_of("0p9mhaveqvm6t7vbl5lop2u3t2rp3toz.example.");
	CHECK_INT(dnssec_nsec3_owner_hash(junk.data, apex.data, back), DNS_E_FORMAT);
}

/* RFC 9276: 0 extra iterations and no salt is one SHA-1; more than 150
 * iterations or another algorithm is refused before any hashing. */
static void test_hash_limits(void)
{
	dns_name apex = name_of("example.");
	uint8_t h[20];
	CHECK_INT(dnssec_nsec3_hash(apex.data, 1, 0, NULL, 0, h), DNS_OK);
	CHECK_INT(dnssec_nsec3_hash(apex.data, 1, 150, salt, 4, h), DNS_OK);
	CHECK_INT(dnssec_nsec3_hash(apex.data, 1, 151, salt, 4, h), DNS_E_RANGE);
	CHECK_INT(dnssec_nsec3_hash(apex.data, 1, 65535, salt, 4, h), DNS_E_RANGE);
	CHECK_INT(dnssec_nsec3_hash(apex.data, 2, 0, salt, 4, h), DNS_E_RANGE);
}

/* RFC 4034 4.3's bitmap: A MX RRSIG NSEC TYPE1234. */
static void test_bitmap(void)
{
	uint16_t types[] = { 1234, DNS_T_NSEC, DNS_T_A, DNS_T_MX, DNS_T_RRSIG, DNS_T_A };
	uint8_t bm[64];
	size_t len;
	CHECK_INT(dnssec_bitmap_build(types, 6, bm, sizeof bm, &len), DNS_OK);
	static const uint8_t want[] = {
		0x00, 0x06, 0x40, 0x01, 0x00, 0x00, 0x00, 0x03,
		0x04, 0x1b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x20,
	};
	CHECK_INT(len, sizeof want);
	CHECK_MEM(bm, want, sizeof want);
	CHECK(dnssec_bitmap_has(bm, len, DNS_T_A));
	CHECK(dnssec_bitmap_has(bm, len, 1234));
	CHECK(dnssec_bitmap_has(bm, len, DNS_T_NSEC));
	CHECK(!dnssec_bitmap_has(bm, len, DNS_T_NS));
	CHECK(!dnssec_bitmap_has(bm, len, 1235));
	CHECK(!dnssec_bitmap_has(bm, len, 65535));
	CHECK(!dnssec_bitmap_has(bm, len - 1, 1234));
	CHECK_INT(dns_rdata_check(DNS_T_NSEC, (const uint8_t *)"\0", 1), DNS_OK);
	CHECK_INT(dnssec_bitmap_build(types, 6, bm, 10, &len), DNS_E_NOSPACE);
	CHECK_INT(dnssec_bitmap_build(types, 0, bm, sizeof bm, &len), DNS_OK);
	CHECK_INT(len, 0);
}

/* RFC 5155 appendix A, as NSEC3 records with our hashes and bitmaps. */
struct n3zone {
	struct pool p;
	dns_rr rr[16];
	size_t n;
};

static void build_rfc5155(struct n3zone *z, int flags)
{
	static const char *const names[][2] = {
		{ "example.", "MX DNSKEY NS SOA NSEC3PARAM RRSIG" },
		{ "a.example.", "NS DS RRSIG" },
		{ "ai.example.", "A HINFO AAAA RRSIG" },
		{ "ns1.example.", "A RRSIG" },
		{ "ns2.example.", "A RRSIG" },
		{ "w.example.", "" },
		{ "*.w.example.", "MX RRSIG" },
		{ "x.w.example.", "MX RRSIG" },
		{ "y.w.example.", "" },
		{ "x.y.w.example.", "MX RRSIG" },
		{ "xx.example.", "A HINFO AAAA RRSIG" },
	};
	size_t n = sizeof names / sizeof names[0];
	char hashes[11][40];
	size_t order[11];
	for (size_t i = 0; i < n; i++) {
		hash_text(names[i][0], hashes[i]);
		order[i] = i;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (strcmp(hashes[order[j]], hashes[order[i]]) < 0) {
				size_t t = order[i];
				order[i] = order[j];
				order[j] = t;
			}
	z->p.used = 0;
	z->n = 0;
	for (size_t i = 0; i < n; i++) {
		char line[300];
		snprintf(line, sizeof line, "%s.example. 3600 IN NSEC3 1 %d 12 aabbccdd %s %s",
			 hashes[order[i]], flags, hashes[order[(i + 1) % n]], names[order[i]][1]);
		z->rr[z->n++] = rr_of(&z->p, line);
	}
	z->rr[z->n++] = rr_of(&z->p, "example. 3600 IN NSEC3PARAM 1 0 12 aabbccdd");
}

/* The records of a response: the NSEC3s with the given hash prefixes. */
static size_t pick(const struct n3zone *z, const char *const *owners, dns_rr *out)
{
	size_t n = 0;
	for (size_t k = 0; owners[k]; k++)
		for (size_t i = 0; i < z->n; i++)
			if (memcmp(z->rr[i].owner + 1, owners[k], 4) == 0)
				out[n++] = z->rr[i];
	return n;
}

static void test_rfc5155_responses(void)
{
	static struct n3zone z;
	build_rfc5155(&z, 1);
	dns_name apex = name_of("example.");
	dns_rr r[8];
	size_t n;

	/* B.1 name error: a.c.x.w.example.  All spans are opt-out here. */
	dns_name q = name_of("a.c.x.w.example.");
	n = pick(&z, (const char *const[]){ "0p9m", "b4um", "35mt", NULL }, r);
	CHECK_INT(n, 3);
	CHECK_INT(dnssec_nsec3_nxdomain(r, n, apex.data, q.data), DNSSEC_DENIAL_OPTOUT);
	/* Without the wildcard's cover, or the encloser: not proven. */
	CHECK_INT(dnssec_nsec3_nxdomain(r, 2, apex.data, q.data), DNSSEC_DENIAL_NOT_PROVEN);
	n = pick(&z, (const char *const[]){ "0p9m", "35mt", NULL }, r);
	CHECK_INT(dnssec_nsec3_nxdomain(r, n, apex.data, q.data), DNSSEC_DENIAL_NOT_PROVEN);

	/* B.2 no data: ns1.example MX; B.2.1 the empty non-terminal y.w. */
	dns_name ns1 = name_of("ns1.example."), yw = name_of("y.w.example.");
	n = pick(&z, (const char *const[]){ "2t7b", NULL }, r);
	CHECK_INT(dnssec_nsec3_nodata(r, n, apex.data, ns1.data, DNS_T_MX), DNSSEC_DENIAL_PROVEN);
	CHECK_INT(dnssec_nsec3_nodata(r, n, apex.data, ns1.data, DNS_T_A), DNSSEC_DENIAL_NOT_PROVEN);
	n = pick(&z, (const char *const[]){ "ji6n", NULL }, r);
	CHECK_INT(dnssec_nsec3_nodata(r, n, apex.data, yw.data, DNS_T_A), DNSSEC_DENIAL_PROVEN);

	/* B.3 referral to the opt-out unsigned zone c.example: DS absent. */
	dns_name c = name_of("c.example.");
	n = pick(&z, (const char *const[]){ "0p9m", "35mt", NULL }, r);
	CHECK_INT(dnssec_nsec3_nodata(r, n, apex.data, c.data, DNS_T_DS), DNSSEC_DENIAL_OPTOUT);
	/* A signed delegation's DS cannot be denied; nor its other types
	 * by the parent's NSEC3. */
	dns_name a = name_of("a.example.");
	CHECK_INT(dnssec_nsec3_nodata(r, n, apex.data, a.data, DNS_T_DS), DNSSEC_DENIAL_NOT_PROVEN);
	CHECK_INT(dnssec_nsec3_nodata(r, n, apex.data, a.data, DNS_T_A), DNSSEC_DENIAL_NOT_PROVEN);

	/* B.4 wildcard expansion a.z.w.example MX from *.w.example. */
	dns_name azw = name_of("a.z.w.example."), wild = name_of("*.w.example.");
	n = pick(&z, (const char *const[]){ "q04j", NULL }, r);
	CHECK_INT(dnssec_nsec3_wildcard(r, n, apex.data, azw.data, wild.data), DNSSEC_DENIAL_OPTOUT);
	n = pick(&z, (const char *const[]){ "k8ud", NULL }, r);
	CHECK_INT(dnssec_nsec3_wildcard(r, n, apex.data, azw.data, wild.data), DNSSEC_DENIAL_NOT_PROVEN);
	/* An existing name cannot be a wildcard expansion. */
	dns_name xw = name_of("x.w.example.");
	n = pick(&z, (const char *const[]){ "q04j", "b4um", "r53b", "ji6n", "k8ud", NULL }, r);
	CHECK_INT(dnssec_nsec3_wildcard(r, n, apex.data, xw.data, wild.data), DNSSEC_DENIAL_NOT_PROVEN);

	/* B.5 wildcard no data: a.z.w.example AAAA. */
	n = pick(&z, (const char *const[]){ "k8ud", "q04j", "r53b", NULL }, r);
	CHECK_INT(dnssec_nsec3_nodata(r, n, apex.data, azw.data, DNS_T_AAAA), DNSSEC_DENIAL_PROVEN);
	CHECK_INT(dnssec_nsec3_nodata(r, n, apex.data, azw.data, DNS_T_MX), DNSSEC_DENIAL_NOT_PROVEN);

	/* The same zone without opt-out proves things outright. */
	build_rfc5155(&z, 0);
	n = pick(&z, (const char *const[]){ "0p9m", "b4um", "35mt", NULL }, r);
	CHECK_INT(dnssec_nsec3_nxdomain(r, n, apex.data, q.data), DNSSEC_DENIAL_PROVEN);
	n = pick(&z, (const char *const[]){ "q04j", NULL }, r);
	CHECK_INT(dnssec_nsec3_wildcard(r, n, apex.data, azw.data, wild.data), DNSSEC_DENIAL_PROVEN);
	n = pick(&z, (const char *const[]){ "0p9m", "35mt", NULL }, r);
	CHECK_INT(dnssec_nsec3_nodata(r, n, apex.data, c.data, DNS_T_DS), DNSSEC_DENIAL_NOT_PROVEN);
	/* Records of another zone do not count. */
	dns_name other = name_of("org.");
	n = pick(&z, (const char *const[]){ "0p9m", "b4um", "35mt", NULL }, r);
	CHECK_INT(dnssec_nsec3_nxdomain(r, n, other.data, q.data), DNSSEC_DENIAL_NOT_PROVEN);
}

/* Hostile parameters: iterations above the cap and unknown hashes are
 * refused without hashing; mixed parameters are ignored. */
static void test_nsec3_hostile(void)
{
	struct pool p = { .used = 0 };
	dns_name apex = name_of("example."), q = name_of("nothere.example.");
	dns_rr r = rr_of(&p, "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example. 300 IN NSEC3 1 0 2500 aabbccdd "
			 "2t7b4g4vsa5smi47k61mv5bv1a22bojr A");
	CHECK_INT(dnssec_nsec3_nxdomain(&r, 1, apex.data, q.data), DNSSEC_DENIAL_ITERATIONS);
	CHECK_INT(dnssec_nsec3_nodata(&r, 1, apex.data, q.data, 1), DNSSEC_DENIAL_ITERATIONS);
	dns_rr r2 = rr_of(&p, "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example. 300 IN NSEC3 2 0 1 aabbccdd "
			  "2t7b4g4vsa5smi47k61mv5bv1a22bojr A");
	CHECK_INT(dnssec_nsec3_nxdomain(&r2, 1, apex.data, q.data), DNSSEC_DENIAL_UNSUPPORTED);
	/* A next hash of the wrong length is no NSEC3 to use. */
	dns_rr r3 = rr_of(&p, "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example. 300 IN NSEC3 1 0 0 - 2t7b4g4v A");
	CHECK_INT(dnssec_nsec3_nxdomain(&r3, 1, apex.data, q.data), DNSSEC_DENIAL_NOT_PROVEN);
	CHECK_INT(dnssec_nsec3_nxdomain(NULL, 0, apex.data, q.data), DNSSEC_DENIAL_NOT_PROVEN);
	dnssec_nsec3_chain c;
	CHECK_INT(dnssec_nsec3_chain_build(&c, apex.data, &r, 1), DNS_E_RANGE);
	dnssec_nsec3 f;
	CHECK_INT(dnssec_nsec3_parse(r.rdata, 4, false, &f), DNS_E_RDLENGTH);
	CHECK_INT(dnssec_nsec3_parse(r.rdata, 9, false, &f), DNS_E_RDLENGTH);
	CHECK_INT(dnssec_nsec3_parse(r.rdata, r.rdlen, false, &f), DNS_OK);
	CHECK_INT(f.iterations, 2500);
	CHECK_INT(f.nextlen, 20);
	uint8_t param[300];
	size_t plen;
	CHECK_INT(dnssec_nsec3param_build(0, NULL, 0, param, sizeof param, &plen), DNS_OK);
	CHECK_INT(plen, 5);
	CHECK_INT(dnssec_nsec3_parse(param, plen, true, &f), DNS_OK);
	CHECK_INT(dnssec_nsec3param_build(0, salt, 4, param, 8, &plen), DNS_E_NOSPACE);
}

/* The server's side on the same zone: what goes into each answer. */
static void test_nsec3_server(void)
{
	static struct n3zone z;
	build_rfc5155(&z, 1);
	dns_name apex = name_of("example.");
	dnssec_nsec3_chain c;
	CHECK_INT(dnssec_nsec3_chain_build(&c, apex.data, z.rr, z.n), DNS_OK);
	CHECK_INT(c.n, 11);
	CHECK_INT(c.iterations, 12);
	dnssec_nsec3_proof pr;
	dns_name q = name_of("a.c.x.w.example.");
	CHECK_INT(dnssec_nsec3_chain_prove(&c, q.data, &pr), DNS_OK);
	CHECK(pr.match == NULL);
	CHECK(pr.closest_encloser && memcmp(pr.closest_encloser->owner + 1, "b4um", 4) == 0);
	CHECK(pr.next_closer && memcmp(pr.next_closer->owner + 1, "0p9m", 4) == 0);
	CHECK(pr.wildcard && memcmp(pr.wildcard->owner + 1, "35mt", 4) == 0);
	CHECK(!pr.wildcard_exists);
	char text[DNS_NAME_MAXTEXT];
	CHECK_INT(dns_name_to_text(pr.encloser.data, text, sizeof text, NULL), DNS_OK);
	CHECK_STR(text, "x.w.example.");
	/* The proof the server builds is one the resolver accepts. */
	dns_rr r[3] = { *pr.closest_encloser, *pr.next_closer, *pr.wildcard };
	CHECK_INT(dnssec_nsec3_nxdomain(r, 3, apex.data, q.data), DNSSEC_DENIAL_OPTOUT);

	dns_name azw = name_of("a.z.w.example.");
	CHECK_INT(dnssec_nsec3_chain_prove(&c, azw.data, &pr), DNS_OK);
	CHECK(pr.wildcard_exists);
	CHECK(memcmp(pr.wildcard->owner + 1, "r53b", 4) == 0);
	CHECK(memcmp(pr.next_closer->owner + 1, "q04j", 4) == 0);

	dns_name ns1 = name_of("ns1.example.");
	CHECK_INT(dnssec_nsec3_chain_prove(&c, ns1.data, &pr), DNS_OK);
	CHECK(pr.match && memcmp(pr.match->owner + 1, "2t7b", 4) == 0);
	dns_name out = name_of("example.org.");
	CHECK_INT(dnssec_nsec3_chain_prove(&c, out.data, &pr), DNS_E_RANGE);
	uint8_t h[20];
	bool exact;
	CHECK_INT(dnssec_nsec3_hash(apex.data, 1, 12, salt, 4, h), DNS_OK);
	CHECK(dnssec_nsec3_chain_find(&c, h, &exact) != NULL && exact);
	dnssec_nsec3_chain_free(&c);
}

/* RFC 4035 appendix A's zone with NSEC records. */
static size_t build_rfc4035(struct pool *p, dns_rr *rr)
{
	static const char *const chain[][3] = {
		{ "example.", "a.example.", "NS SOA MX RRSIG NSEC DNSKEY" },
		{ "a.example.", "ai.example.", "NS DS RRSIG NSEC" },
		{ "ai.example.", "b.example.", "A HINFO AAAA RRSIG NSEC" },
		{ "b.example.", "ns1.example.", "NS RRSIG NSEC" },
		{ "ns1.example.", "ns2.example.", "A RRSIG NSEC" },
		{ "ns2.example.", "*.w.example.", "A RRSIG NSEC" },
		{ "*.w.example.", "x.w.example.", "MX RRSIG NSEC" },
		{ "x.w.example.", "x.y.w.example.", "MX RRSIG NSEC" },
		{ "x.y.w.example.", "xx.example.", "MX RRSIG NSEC" },
		{ "xx.example.", "example.", "A HINFO AAAA RRSIG NSEC" },
	};
	size_t n = sizeof chain / sizeof chain[0];
	for (size_t i = 0; i < n; i++) {
		char line[200];
		snprintf(line, sizeof line, "%s 3600 IN NSEC %s %s", chain[i][0], chain[i][1],
			 chain[i][2]);
		rr[i] = rr_of(p, line);
	}
	return n;
}

static void test_rfc4035_responses(void)
{
	static struct pool p;
	p.used = 0;
	dns_rr z[10];
	size_t nz = build_rfc4035(&p, z);
	dns_name apex = name_of("example.");

	/* B.2 name error: ml.example, with b->ns1 and example->a. */
	dns_name ml = name_of("ml.example.");
	dns_rr r[2] = { z[3], z[0] };
	CHECK_INT(dnssec_nsec_nxdomain(r, 2, apex.data, ml.data), DNSSEC_DENIAL_PROVEN);
	CHECK_INT(dnssec_nsec_nxdomain(r, 1, apex.data, ml.data), DNSSEC_DENIAL_NOT_PROVEN);
	CHECK_INT(dnssec_nsec_nxdomain(r + 1, 1, apex.data, ml.data), DNSSEC_DENIAL_NOT_PROVEN);
	/* An existing name is not denied; nor a name below a delegation by
	 * the delegation's own NSEC. */
	dns_name ns1 = name_of("ns1.example."), mcb = name_of("mc.b.example.");
	CHECK_INT(dnssec_nsec_nxdomain(z, nz, apex.data, ns1.data), DNSSEC_DENIAL_NOT_PROVEN);
	CHECK_INT(dnssec_nsec_nxdomain(z, nz, apex.data, mcb.data), DNSSEC_DENIAL_NOT_PROVEN);

	/* B.3 no data: ns1.example MX. */
	CHECK_INT(dnssec_nsec_nodata(&z[4], 1, apex.data, ns1.data, DNS_T_MX), DNSSEC_DENIAL_PROVEN);
	CHECK_INT(dnssec_nsec_nodata(&z[4], 1, apex.data, ns1.data, DNS_T_A), DNSSEC_DENIAL_NOT_PROVEN);
	/* B.5 referral to the unsigned b.example: no DS there. */
	dns_name b = name_of("b.example."), a = name_of("a.example.");
	CHECK_INT(dnssec_nsec_nodata(&z[3], 1, apex.data, b.data, DNS_T_DS), DNSSEC_DENIAL_PROVEN);
	CHECK_INT(dnssec_nsec_nodata(&z[3], 1, apex.data, b.data, DNS_T_A), DNSSEC_DENIAL_NOT_PROVEN);
	CHECK_INT(dnssec_nsec_nodata(&z[1], 1, apex.data, a.data, DNS_T_DS), DNSSEC_DENIAL_NOT_PROVEN);
	/* The child's apex NSEC cannot deny the DS the parent holds. */
	CHECK_INT(dnssec_nsec_nodata(&z[0], 1, apex.data, apex.data, DNS_T_DS), DNSSEC_DENIAL_NOT_PROVEN);
	CHECK_INT(dnssec_nsec_nodata(&z[0], 1, apex.data, apex.data, DNS_T_TXT), DNSSEC_DENIAL_PROVEN);
	/* An empty non-terminal: y.w.example lies between x.w and x.y.w. */
	dns_name yw = name_of("y.w.example.");
	CHECK_INT(dnssec_nsec_nodata(&z[7], 1, apex.data, yw.data, DNS_T_A), DNSSEC_DENIAL_PROVEN);

	/* B.6 wildcard expansion: a.z.w.example from *.w.example, with the
	 * NSEC x.y.w -> xx covering it. */
	dns_name azw = name_of("a.z.w.example."), wild = name_of("*.w.example.");
	CHECK_INT(dnssec_nsec_wildcard(&z[8], 1, apex.data, azw.data, wild.data), DNSSEC_DENIAL_PROVEN);
	/* The NSEC must place the encloser at w.example exactly. */
	dns_name wildex = name_of("*.example.");
	CHECK_INT(dnssec_nsec_wildcard(&z[8], 1, apex.data, azw.data, wildex.data), DNSSEC_DENIAL_NOT_PROVEN);
	CHECK_INT(dnssec_nsec_wildcard(&z[3], 1, apex.data, azw.data, wild.data), DNSSEC_DENIAL_NOT_PROVEN);
	/* B.7 wildcard no data: a.z.w.example AAAA. */
	dns_rr r7[2] = { z[8], z[6] };
	CHECK_INT(dnssec_nsec_nodata(r7, 2, apex.data, azw.data, DNS_T_AAAA), DNSSEC_DENIAL_PROVEN);
	CHECK_INT(dnssec_nsec_nodata(r7, 2, apex.data, azw.data, DNS_T_MX), DNSSEC_DENIAL_NOT_PROVEN);
	CHECK_INT(dnssec_nsec_nodata(r7, 1, apex.data, azw.data, DNS_T_AAAA), DNSSEC_DENIAL_NOT_PROVEN);

	/* Covers, including the last NSEC's wrap to the apex. */
	dns_name zz = name_of("zz.example.");
	CHECK(dnssec_nsec_covers(z[9].owner, z[9].rdata, zz.data));
	CHECK(!dnssec_nsec_covers(z[9].owner, z[9].rdata, ml.data));
	CHECK(dnssec_nsec_covers(z[3].owner, z[3].rdata, ml.data));
	CHECK(!dnssec_nsec_covers(z[3].owner, z[3].rdata, b.data));
	CHECK_STR(dnssec_denial_text(DNSSEC_DENIAL_OPTOUT), "opt-out (insecure)");
}

static void test_nsec_server(void)
{
	static struct pool p;
	p.used = 0;
	dns_rr z[10];
	size_t nz = build_rfc4035(&p, z);
	dns_name apex = name_of("example.");
	/* Shuffled input: the chain sorts it. */
	dns_rr shuffled[10];
	for (size_t i = 0; i < nz; i++)
		shuffled[i] = z[(i * 7) % nz];
	dnssec_nsec_chain c;
	CHECK_INT(dnssec_nsec_chain_build(&c, shuffled, nz), DNS_OK);
	CHECK_INT(c.n, 10);
	dnssec_nsec_proof pr;
	dns_name ml = name_of("ml.example.");
	CHECK_INT(dnssec_nsec_chain_prove(&c, apex.data, ml.data, &pr), DNS_OK);
	CHECK(pr.match == NULL);
	CHECK(pr.cover && dns_name_equal(pr.cover->owner, z[3].owner));
	CHECK(pr.wildcard && dns_name_equal(pr.wildcard->owner, z[0].owner));
	dns_rr r[2] = { *pr.cover, *pr.wildcard };
	CHECK_INT(dnssec_nsec_nxdomain(r, 2, apex.data, ml.data), DNSSEC_DENIAL_PROVEN);
	dns_name ns1 = name_of("ns1.example.");
	CHECK_INT(dnssec_nsec_chain_prove(&c, apex.data, ns1.data, &pr), DNS_OK);
	CHECK(pr.match && dns_name_equal(pr.match->owner, ns1.data));
	/* Before the first name in order wraps to the last NSEC. */
	dns_name zzz = name_of("zzz.example.");
	bool exact;
	const dns_rr *last = dnssec_nsec_chain_find(&c, zzz.data, &exact);
	CHECK(last && !exact && dns_name_equal(last->owner, z[9].owner));
	dns_name out = name_of("example.org.");
	CHECK_INT(dnssec_nsec_chain_prove(&c, apex.data, out.data, &pr), DNS_E_RANGE);
	dnssec_nsec_chain_free(&c);
}

int main(void)
{
	RUN(test_rfc5155_hashes);
	RUN(test_hash_limits);
	RUN(test_bitmap);
	RUN(test_rfc5155_responses);
	RUN(test_nsec3_hostile);
	RUN(test_nsec3_server);
	RUN(test_rfc4035_responses);
	RUN(test_nsec_server);
	return check_summary("test_nsec");
}
