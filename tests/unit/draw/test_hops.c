/* From resolver trace lines to hops: the pure half of `sim trace`. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "draw/hops.h"
#include "stream/capture.h"

static const char *names(void *ctx, const char *addr)
{
	(void)ctx;
	if (strcmp(addr, "198.18.1.4#53") == 0)
		return "a-root";
	if (strcmp(addr, "198.18.2.30#53") == 0)
		return "gtld-a";
	if (strcmp(addr, "203.0.113.53#53") == 0)
		return "ns1";
	if (strcmp(addr, "192.0.2.53#53") == 0)
		return "ns2";
	return NULL;
}

static const char cold[] =
	/* Another client's resolution first: must be ignored. */
	"{\"t\":90,\"rq\":7,\"ev\":\"start\",\"qname\":\"other.example.\",\"qtype\":\"A\",\"parent\":0}\n"
	"{\"t\":91,\"rq\":7,\"ev\":\"query\",\"server\":\"198.18.1.4#53\",\"zone\":\".\",\"qname\":\"example.\",\"qtype\":\"A\",\"transport\":\"udp\",\"edns\":true}\n"
	"{\"t\":100,\"rq\":8,\"ev\":\"start\",\"qname\":\"www.example.com.\",\"qtype\":\"A\",\"parent\":0}\n"
	"{\"t\":100,\"rq\":8,\"ev\":\"cache_miss\",\"zone\":\".\",\"servers\":2}\n"
	"{\"t\":101,\"rq\":8,\"ev\":\"query\",\"server\":\"198.18.1.4#53\",\"zone\":\".\",\"qname\":\"com.\",\"qtype\":\"A\",\"transport\":\"udp\",\"edns\":true}\n"
	"{\"t\":103,\"rq\":8,\"ev\":\"referral\",\"zone\":\"com.\",\"ns\":2,\"glue\":4,\"names\":\"a.gtld-servers.net. b.gtld-servers.net.\"}\n"
	"{\"t\":103,\"rq\":8,\"ev\":\"query\",\"server\":\"198.18.2.30#53\",\"zone\":\"com.\",\"qname\":\"example.com.\",\"qtype\":\"A\",\"transport\":\"udp\",\"edns\":true}\n"
	"{\"t\":104,\"rq\":8,\"ev\":\"referral\",\"zone\":\"example.com.\",\"ns\":2,\"glue\":2,\"names\":\"ns1.example.com. ns2.example.com.\"}\n"
	"{\"t\":104,\"rq\":8,\"ev\":\"query\",\"server\":\"203.0.113.53#53\",\"zone\":\"example.com.\",\"qname\":\"www.example.com.\",\"qtype\":\"A\",\"transport\":\"udp\",\"edns\":true}\n"
	"{\"t\":905,\"rq\":8,\"ev\":\"timeout\",\"server\":\"203.0.113.53#53\"}\n"
	"{\"t\":905,\"rq\":8,\"ev\":\"query\",\"server\":\"192.0.2.53#53\",\"zone\":\"example.com.\",\"qname\":\"www.example.com.\",\"qtype\":\"A\",\"transport\":\"tcp\",\"edns\":true}\n"
	"{\"t\":907,\"rq\":8,\"ev\":\"cname\",\"target\":\"web.example.com.\"}\n"
	"{\"t\":907,\"rq\":8,\"ev\":\"answer\",\"records\":1}\n"
	"{\"t\":907,\"rq\":8,\"ev\":\"done\",\"rcode\":\"NOERROR\",\"answers\":2,\"ms\":807}\n"
	"{\"t\":950,\"rq\":8,\"ev\":\"query\",\"server\":\"198.18.1.4#53\",\"zone\":\".\",\"qname\":\"late.\",\"qtype\":\"A\",\"transport\":\"udp\",\"edns\":true}\n";

static void test_cold_resolution(void)
{
	hop_list l;
	CHECK(hops_from_trace(cold, strlen(cold), "www.example.com.", "A", 4242, "laptop",
			      "resolver", names, NULL, &l));
	CHECK(l.found && !l.cache_hit);
	CHECK_INT(l.nlanes, 6);
	CHECK_STR(l.lanes[2], "a-root");
	CHECK_STR(l.lanes[3], "gtld-a");
	CHECK_STR(l.lanes[4], "ns1");
	/* The late query after "done" is not part of it; the answer to the
	 * client is the caller's to add. */
	CHECK_INT(l.n, 9);
	if (l.n == 9) {
		CHECK(l.h[0].kind == HOP_QUERY && strcmp(l.h[0].label, "A www.example.com.?") == 0);
		CHECK_STR(l.h[1].label, "A com.? @198.18.1.4");
		CHECK(l.h[2].kind == HOP_REPLY && l.h[2].took_ms == 2);
		CHECK_STR(l.h[2].label, "referral to com.: NS a.gtld-servers.net. "
					"b.gtld-servers.net. (4 glue)");
		CHECK_STR(l.h[3].to, "gtld-a");
		CHECK(l.h[6].kind == HOP_LOST && l.h[6].took_ms == 801);
		CHECK_STR(l.h[6].from, "ns1");
		CHECK_STR(l.h[7].label, "A www.example.com.? @192.0.2.53 (TCP)");
		CHECK_STR(l.h[8].from, "ns2");
		/* The CNAME and its target came in one response: one arrow. */
		CHECK_STR(l.h[8].label, "CNAME to web.example.com.; answer: 1 record");
		CHECK(l.h[8].kind == HOP_REPLY && strcmp(l.h[8].to, "resolver") == 0);
	}
	hops_free(&l);
}

/* A validating resolver: the DNSKEY fetch is followed like a nested
 * lookup, each verdict is a note after the reply it is about, and the
 * final verdict (with why, when bogus) comes from the done event. */
static const char validated[] =
	"{\"t\":100,\"rq\":3,\"ev\":\"start\",\"qname\":\"www.example.com.\",\"qtype\":\"A\",\"parent\":0}\n"
	"{\"t\":100,\"rq\":4,\"ev\":\"start\",\"qname\":\".\",\"qtype\":\"DNSKEY\",\"parent\":3}\n"
	"{\"t\":100,\"rq\":3,\"ev\":\"key_fetch\",\"zone\":\".\",\"qtype\":\"DNSKEY\",\"child\":4}\n"
	"{\"t\":101,\"rq\":4,\"ev\":\"query\",\"server\":\"198.18.1.4#53\",\"zone\":\".\",\"qname\":\".\",\"qtype\":\"DNSKEY\",\"transport\":\"udp\",\"edns\":true}\n"
	"{\"t\":103,\"rq\":0,\"ev\":\"zone_keys\",\"zone\":\".\",\"security\":\"secure\",\"keys\":2}\n"
	"{\"t\":103,\"rq\":4,\"ev\":\"verdict\",\"what\":\"answer\",\"name\":\".\",\"qtype\":\"DNSKEY\",\"security\":\"secure\"}\n"
	"{\"t\":103,\"rq\":4,\"ev\":\"answer\",\"records\":2}\n"
	"{\"t\":103,\"rq\":4,\"ev\":\"done\",\"rcode\":\"NOERROR\",\"answers\":3,\"ms\":3,\"security\":\"secure\"}\n"
	"{\"t\":104,\"rq\":3,\"ev\":\"query\",\"server\":\"198.18.1.4#53\",\"zone\":\".\",\"qname\":\"www.example.com.\",\"qtype\":\"A\",\"transport\":\"udp\",\"edns\":true}\n"
	"{\"t\":106,\"rq\":3,\"ev\":\"verdict\",\"what\":\"answer\",\"name\":\"www.example.com.\",\"qtype\":\"A\",\"security\":\"bogus\",\"why\":\"signature expired\",\"ede\":7}\n"
	"{\"t\":106,\"rq\":3,\"ev\":\"answer\",\"records\":1}\n"
	"{\"t\":106,\"rq\":3,\"ev\":\"done\",\"rcode\":\"NOERROR\",\"answers\":2,\"ms\":6,\"security\":\"bogus\",\"val_ede\":7,\"val_text\":\"signature expired\"}\n";

static void test_dnssec_fetches_and_verdicts(void)
{
	hop_list l;
	CHECK(hops_from_trace(validated, strlen(validated), "www.example.com.", "A", 1, "laptop",
			      "resolver", names, NULL, &l));
	CHECK(l.found);
	CHECK_INT(l.n, 8);
	if (l.n == 8) {
		CHECK(l.h[1].kind == HOP_NOTE);
		CHECK_STR(l.h[1].label, "first, the DNSKEY of . (DNSSEC)");
		CHECK_STR(l.h[2].label, "DNSKEY .? @198.18.1.4");
		CHECK(l.h[3].kind == HOP_REPLY);
		CHECK_STR(l.h[3].label, "answer: 2 records");
		CHECK_STR(l.h[4].label, ". DNSKEY: secure");
		CHECK(l.h[6].kind == HOP_REPLY);
		CHECK(l.h[7].kind == HOP_NOTE);
		CHECK_STR(l.h[7].label, "www.example.com. A: bogus, signature expired");
	}
	CHECK_STR(l.security, "bogus");
	CHECK_STR(l.security_why, "signature expired");
	hops_free(&l);
}

static void test_cache_hit_and_absent(void)
{
	const char *hit = "{\"t\":5,\"rq\":0,\"ev\":\"client_cache_hit\",\"id\":17}\n";
	hop_list l;
	CHECK(hops_from_trace(hit, strlen(hit), "x.example.", "A", 17, "c", "r", names, NULL, &l));
	CHECK(l.found && l.cache_hit && l.n == 2);
	hops_free(&l);
	CHECK(hops_from_trace(hit, strlen(hit), "x.example.", "A", 18, "c", "r", names, NULL, &l));
	CHECK(!l.found && l.n == 1);
	hops_free(&l);
	/* Garbage and truncated lines are skipped, never read past. */
	const char *junk = "{\"t\":1,\"rq\":3,\"ev\":\"start\",\"qname\":\"www.exa";
	CHECK(hops_from_trace(junk, strlen(junk), "www.example.", "A", 1, "c", "r", names,
			      NULL, &l));
	CHECK(!l.found);
	hops_free(&l);
}

static void test_json_values(void)
{
	char s[16];
	long long v = 0;
	CHECK(hops_json_str("{\"a\":\"x\\\"y\",\"b\":-12}", "a", s, sizeof s));
	CHECK_STR(s, "x\"y");
	CHECK(hops_json_num("{\"a\":\"x\",\"b\":-12}", "b", &v) && v == -12);
	CHECK(!hops_json_num("{\"a\":\"x\"}", "b", &v));
	CHECK(hops_json_str("{\"a\":\"0123456789abcdefghij\"}", "a", s, sizeof s));
	CHECK_INT(strlen(s), 15);
}

/* A wire message as a capture in the resolver's namespace gives it. */
static wire_msg wm(long long t, bool out, bool response, const char *src, unsigned sport,
		   const char *dst, unsigned dport, unsigned id, const char *qname,
		   const char *qtype, const char *detail)
{
	wire_msg w;
	memset(&w, 0, sizeof w);
	w.t_ms = t;
	w.outgoing = out;
	w.response = response;
	snprintf(w.src, sizeof w.src, "%s", src);
	snprintf(w.dst, sizeof w.dst, "%s", dst);
	w.sport = (uint16_t)sport;
	w.dport = (uint16_t)dport;
	w.id = (uint16_t)id;
	snprintf(w.qname, sizeof w.qname, "%s", qname);
	snprintf(w.qtype, sizeof w.qtype, "%s", qtype);
	snprintf(w.detail, sizeof w.detail, "%s", detail);
	return w;
}

static void test_from_packets(void)
{
	const char *res = "198.18.10.53", *pc = "198.51.100.10";
	wire_msg w[] = {
		/* Before the client asked: not this resolution. */
		wm(990, true, false, res, 5000, "198.18.1.4", 53, 1, "old.", "A", ""),
		wm(1000, false, false, pc, 4444, res, 53, 77, "www.example.com.", "A", ""),
		wm(1001, true, false, res, 6001, "198.18.1.4", 53, 11, "com.", "A", ""),
		wm(1003, false, true, "198.18.1.4", 53, res, 6001, 11, "com.", "A",
		   "referral to com.: NS a.gtld-servers.net. (1 glue)"),
		/* A server that never answers, then another asked the same. */
		wm(1004, true, false, res, 6002, "198.18.2.99", 53, 12, "example.com.", "A", ""),
		wm(1404, true, false, res, 6003, "198.18.2.30", 53, 13, "example.com.", "A", ""),
		/* A reply to a port nobody asked from is not this query's. */
		wm(1405, false, true, "198.18.2.30", 53, res, 9999, 13, "example.com.", "A", "x"),
		wm(1406, false, true, "198.18.2.30", 53, res, 6003, 13, "example.com.", "A",
		   "referral to example.com.: NS ns1.example.com. (1 glue)"),
		wm(1407, true, false, res, 6004, "203.0.113.53", 53, 14, "www.example.com.", "A", ""),
		wm(1409, false, true, "203.0.113.53", 53, res, 6004, 14, "www.example.com.", "A",
		   "answer: 1 record"),
		wm(1410, true, true, res, 53, pc, 4444, 77, "www.example.com.", "A", ""),
		/* After the answer: not drawn. */
		wm(1500, true, false, res, 6005, "198.18.1.4", 53, 15, "late.", "A", ""),
	};
	hop_list h;
	CHECK(hops_from_wire(w, sizeof w / sizeof w[0], "www.example.com.", "A", 77, "laptop",
			     "isp-resolver", names, NULL, &h));
	CHECK(h.found && !h.cache_hit);
	CHECK_INT(h.n, 9);
	CHECK_STR(h.h[0].label, "A www.example.com.?");
	CHECK_STR(h.h[1].to, "a-root");
	CHECK_STR(h.h[1].label, "A com.? @198.18.1.4");
	CHECK_INT(h.h[1].at_ms, 1);
	CHECK(h.h[2].kind == HOP_REPLY && h.h[2].took_ms == 2);
	CHECK_STR(h.h[3].to, "198.18.2.99");
	CHECK(h.h[4].kind == HOP_LOST && h.h[4].at_ms == 404 && h.h[4].took_ms == 400);
	CHECK_STR(h.h[4].label, "timeout: no answer");
	CHECK_STR(h.h[5].to, "gtld-a");
	CHECK_STR(h.h[6].label, "referral to example.com.: NS ns1.example.com. (1 glue)");
	CHECK_STR(h.h[8].label, "answer: 1 record");
	CHECK_INT(h.nlanes, 6);
	hops_free(&h);

	/* Answered at once: from the cache. */
	wire_msg hit[] = { w[1], w[10] };
	CHECK(hops_from_wire(hit, 2, "www.example.com", "a", 77, "laptop", "isp-resolver", names,
			     NULL, &h));
	CHECK(h.found && h.cache_hit);
	CHECK_INT(h.n, 2);
	hops_free(&h);
	/* Another client's query is not this one. */
	CHECK(hops_from_wire(w, 2, "www.example.com.", "A", 78, "laptop", "isp-resolver", names,
			     NULL, &h));
	CHECK(!h.found && h.n == 1);
	hops_free(&h);
}

int main(void)
{
	RUN(test_cold_resolution);
	RUN(test_cache_hit_and_absent);
	RUN(test_dnssec_fetches_and_verdicts);
	RUN(test_json_values);
	RUN(test_from_packets);
	return check_summary("test_hops");
}
