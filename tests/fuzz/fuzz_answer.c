/* libFuzzer: hostile queries against the authoritative answer logic,
 * over UDP and TCP sizes, with a zone that has every kind of node (cut,
 * glue, CNAME chain, wildcard, DNAME).  Every response must parse. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/answer.h"
#include "dns/rdata.h"

#define MAXRR 32

static dns_rr rrs[MAXRR];
static dns_name owners[MAXRR];
static uint8_t rdata[MAXRR][300];
static size_t nrr;
static auth_zone zone;
static auth_zone *zlist[1] = { &zone };
static auth_zoneset zs = { zlist, 1 };
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
	for (int tcp = 0; tcp < 2; tcp++) {
		auth_result r;
		size_t len = auth_answer(&ans, &zs, tcp, data, size, out,
					 tcp ? sizeof out : 1232, &r);
		if (len == 0)
			continue;
		if (len > (tcp ? sizeof out : 1232) ||
		    dns_msg_parse(&check, out, len) != DNS_OK)
			abort();
	}
	return 0;
}
