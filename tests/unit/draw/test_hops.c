/* From resolver trace lines to hops: the pure half of `sim trace`. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "draw/hops.h"

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

int main(void)
{
	RUN(test_cold_resolution);
	RUN(test_cache_hit_and_absent);
	RUN(test_dnssec_fetches_and_verdicts);
	RUN(test_json_values);
	return check_summary("test_hops");
}
