/* libFuzzer: hostile queries against the authoritative answer logic,
 * over UDP and TCP sizes, with a zone that has every kind of node (cut,
 * glue, CNAME chain, wildcard, DNAME), and the same zone signed twice
 * (NSEC under nsec.test., opt-out NSEC3 with salt and iterations under
 * nsec3.test.) for the DNSSEC paths.  Each query is also asked with its
 * OPT's DO bit set.  Every response must parse and fit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/answer.h"
#include "dns/rdata.h"
#include "dns/zonedata.h"
#include "dnssec/signzone.h"

#define MAXRR 32

static dns_rr rrs[MAXRR];
static dns_name owners[MAXRR];
static uint8_t rdata[MAXRR][300];
static size_t nrr;
static auth_zone zone, signed_zones[2];
static dns_zonedata signed_data[2];
static auth_zone *zlist[3] = { &zone, &signed_zones[0], &signed_zones[1] };
static auth_zoneset zs = { zlist, 3 };
static auth_answerer ans;
static dns_msg check;

static void add(const char *owner, uint16_t type, const char *rd)
{
	char buf[300];
	dns_token tok[16];
	size_t n = 0, len;
	snprintf(buf, sizeof buf, "%s", rd);
	for (char *p = strtok(buf, " "); p && n < 16; p = strtok(NULL, " "))
		tok[n++] = (dns_token){ .text = p, .len = strlen(p) };
	if (dns_name_from_text(&owners[nrr], owner, strlen(owner), NULL) ||
	    dns_rdata_from_text(type, tok, n, NULL, rdata[nrr], 300, &len, NULL))
		abort();
	rrs[nrr] = (dns_rr){ owners[nrr].data, type, DNS_C_IN, 300,
			     (uint16_t)len, rdata[nrr] };
	nrr++;
}

/* The records of example. moved under `origin` and signed. */
static void sign_copy(auth_zone *z, dns_zonedata *out, const char *origin, bool nsec3)
{
	dns_zonedata in;
	dnssec_key keys[2];
	if (dns_name_from_text(&z->origin, origin, strlen(origin), NULL))
		abort();
	dns_zonedata_init(&in, z->origin.data, DNS_C_IN);
	unsigned old = dns_name_labels(zone.origin.data);
	for (size_t i = 0; i < nrr; i++) {
		dns_rr rr = rrs[i];
		dns_name owner, target;
		uint8_t rd[300];
		if (dns_name_join(&owner, rr.owner, dns_name_labels(rr.owner) - old, z->origin.data))
			abort();
		rr.owner = owner.data;
		/* Names in RDATA that end in example. move along, so the
		 * copies keep their in-zone targets and glue. */
		size_t off = rr.type == DNS_T_MX ? 2 : rr.type == DNS_T_SRV ? 6 : 0;
		if ((rr.type == DNS_T_NS || rr.type == DNS_T_CNAME || rr.type == DNS_T_DNAME ||
		     rr.type == DNS_T_MX || rr.type == DNS_T_SRV) &&
		    dns_name_is_subdomain(rr.rdata + off, zone.origin.data)) {
			if (dns_name_join(&target, rr.rdata + off,
					  dns_name_labels(rr.rdata + off) - old, z->origin.data))
				abort();
			memcpy(rd, rr.rdata, off);
			memcpy(rd + off, target.data, target.len);
			rr.rdata = rd;
			rr.rdlen = (uint16_t)(off + target.len);
		}
		if (!dns_zonedata_add(&in, &rr, "fuzz", 0))
			abort();
	}
	if (dns_zonedata_finish(&in, NULL, NULL) ||
	    dnssec_key_generate(&keys[0], z->origin.data, 13, DNSSEC_FLAGS_KSK, 0) ||
	    dnssec_key_generate(&keys[1], z->origin.data, 13, DNSSEC_FLAGS_ZSK, 0))
		abort();
	dnssec_sign_opts o = { .inception = 0, .expiration = 0x7fffffff, .nsec3 = nsec3,
			       .optout = nsec3, .iterations = nsec3 ? 2 : 0,
			       .salt = (const uint8_t *)"\x01\x02", .saltlen = nsec3 ? 2 : 0 };
	if (dnssec_sign_zone(&in, keys, 2, &o, out, NULL, NULL) ||
	    zonedb_build(&z->db, z->origin.data, out->rr, out->n))
		abort();
	dns_zonedata_free(&in);
	dnssec_key_free(&keys[0]);
	dnssec_key_free(&keys[1]);
}

static void sign_copies(void)
{
	sign_copy(&signed_zones[0], &signed_data[0], "nsec.test.", false);
	sign_copy(&signed_zones[1], &signed_data[1], "nsec3.test.", true);
}

static void setup(void)
{
	add("example.", DNS_T_SOA, "ns.example. h.example. 1 2 3 4 5");
	add("example.", DNS_T_NS, "ns.example.");
	add("ns.example.", DNS_T_A, "192.0.2.1");
	add("ns.example.", DNS_T_AAAA, "2001:db8::1");
	add("example.", DNS_T_MX, "1 ns.example.");
	add("a.example.", DNS_T_CNAME, "b.example.");
	add("b.example.", DNS_T_CNAME, "a.example.");
	add("c.example.", DNS_T_CNAME, "ns.example.");
	add("*.w.example.", DNS_T_TXT, "\"x\"");
	add("*.w.example.", DNS_T_A, "192.0.2.7");
	add("sub.example.", DNS_T_NS, "ns.sub.example.");
	add("ns.sub.example.", DNS_T_A, "192.0.2.9");
	add("d.example.", DNS_T_DNAME, "example.");
	add("srv.example.", DNS_T_SRV, "0 0 1 ns.example.");
	if (dns_name_from_text(&zone.origin, "example.", 8, NULL) ||
	    zonedb_build(&zone.db, zone.origin.data, rrs, nrr))
		abort();
	sign_copies();
	auth_answerer_init(&ans, 1232, "fuzz", NULL);
	dns_msg_init(&check);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static uint8_t out[65535];
	if (!ready) {
		setup();
		ready = 1;
	}
	static uint8_t query[65535];
	if (size > sizeof query)
		return 0;
	memcpy(query, data, size);
	/* A query that ends in an OPT RR without options is asked again
	 * with DO set. */
	bool opt = size >= 23 && query[size - 11] == 0 && query[size - 10] == 0 &&
		   query[size - 9] == 41 && query[size - 2] == 0 && query[size - 1] == 0;
	for (int pass = 0; pass < (opt ? 2 : 1); pass++) {
		if (pass == 1)
			query[size - 4] |= 0x80;
		for (int tcp = 0; tcp < 2; tcp++) {
			auth_result r;
			size_t cap = tcp ? sizeof out : 1232;
			size_t len = auth_answer(&ans, &zs, tcp, query, size, out, cap, &r);
			if (len == 0)
				continue;
			if (len > cap || dns_msg_parse(&check, out, len) != DNS_OK)
				abort();
		}
	}
	return 0;
}
