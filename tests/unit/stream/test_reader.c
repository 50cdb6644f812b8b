/* Servers' trace and log lines to the stream's events. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "stream/reader.h"

/* The sim: laptop 198.51.100.10, isp-resolver 198.18.10.53 (traces its
 * queries), a-root 198.18.1.4, gtld-a 198.18.2.30, ns1 203.0.113.53. */
static const char *names(void *ctx, const char *addr, bool *traced)
{
	(void)ctx;
	static const struct { const char *addr, *node; bool traced; } t[] = {
		{ "198.51.100.10", "laptop", false },
		{ "198.18.10.53", "isp-resolver", true },
		{ "198.18.1.4", "a-root", false },
		{ "198.18.2.30", "gtld-a", false },
		{ "203.0.113.53", "ns1", false },
	};
	char host[64];
	snprintf(host, sizeof host, "%s", addr);
	host[strcspn(host, "#")] = '\0';
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(host, t[i].addr) == 0) {
			*traced = t[i].traced;
			return t[i].node;
		}
	return NULL;
}

static size_t trace(event_reader *r, const char *line, sim_event *out)
{
	return reader_trace_line(r, line, strlen(line), out);
}

static size_t logline(event_reader *r, const char *line, long long now, sim_event *out)
{
	return reader_log_line(r, line, strlen(line), now, out);
}

static void test_cold_resolution(void)
{
	event_reader *r = malloc(sizeof *r);
	sim_event ev[READER_EVENTS_MAX];
	CHECK(reader_init(r, "isp-resolver", true, names, NULL));
	CHECK_INT(logline(r, "query: 198.51.100.10#40000 udp www.example.com. A NOERROR resolving",
		       100, ev), 1);
	CHECK_INT(ev[0].kind, EVENT_QUERY);
	CHECK_STR(ev[0].from, "laptop");
	CHECK_STR(ev[0].to, "isp-resolver");
	CHECK_STR(ev[0].qname, "www.example.com.");
	CHECK_STR(ev[0].source, "querylog");
	CHECK_INT(ev[0].t_ms, 100);
	CHECK_INT(trace(r, "{\"t\":101,\"rq\":8,\"ev\":\"start\",\"qname\":\"www.example.com.\","
			"\"qtype\":\"A\",\"parent\":0}", ev), 0);
	CHECK_INT(trace(r, "{\"t\":101,\"rq\":8,\"ev\":\"cache_miss\",\"zone\":\".\",\"servers\":2}",
			ev), 0);
	CHECK_INT(trace(r, "{\"t\":102,\"rq\":8,\"ev\":\"query\",\"server\":\"198.18.1.4#53\","
			"\"zone\":\".\",\"qname\":\"com.\",\"qtype\":\"A\",\"transport\":\"udp\","
			"\"edns\":true}", ev), 1);
	CHECK_INT(ev[0].kind, EVENT_QUERY);
	CHECK_STR(ev[0].from, "isp-resolver");
	CHECK_STR(ev[0].to, "a-root");
	CHECK_STR(ev[0].qname, "com.");
	CHECK_STR(ev[0].detail, "A com.? @198.18.1.4");
	CHECK_INT(ev[0].t_ms, 102);
	CHECK_STR(ev[0].source, "trace");
	CHECK_INT(trace(r, "{\"t\":104,\"rq\":8,\"ev\":\"referral\",\"zone\":\"com.\",\"ns\":1,"
			"\"glue\":1,\"names\":\"a.gtld-servers.net.\"}", ev), 1);
	CHECK_INT(ev[0].kind, EVENT_REFERRAL);
	CHECK_STR(ev[0].from, "a-root");
	CHECK_STR(ev[0].to, "isp-resolver");
	CHECK_STR(ev[0].detail, "referral to com.: NS a.gtld-servers.net. (1 glue)");
	/* A reply names what was asked. */
	CHECK_STR(ev[0].qname, "com.");
	CHECK_STR(ev[0].qtype, "A");
	/* A child lookup (a nameserver's address) is followed too. */
	CHECK_INT(trace(r, "{\"t\":105,\"rq\":9,\"ev\":\"start\",\"qname\":\"ns1.example.net.\","
			"\"qtype\":\"A\",\"parent\":8}", ev), 0);
	CHECK_INT(trace(r, "{\"t\":105,\"rq\":9,\"ev\":\"query\",\"server\":\"198.18.2.30#53\","
			"\"zone\":\"net.\",\"qname\":\"ns1.example.net.\",\"qtype\":\"A\","
			"\"transport\":\"tcp\",\"edns\":true}", ev), 1);
	CHECK_STR(ev[0].detail, "A ns1.example.net.? @198.18.2.30 (TCP)");
	CHECK_STR(ev[0].transport, "tcp");
	CHECK_INT(trace(r, "{\"t\":106,\"rq\":9,\"ev\":\"nxdomain\"}", ev), 1);
	CHECK_INT(ev[0].kind, EVENT_NXDOMAIN);
	CHECK_STR(ev[0].rcode, "NXDOMAIN");
	CHECK_STR(ev[0].from, "gtld-a");
	CHECK_INT(trace(r, "{\"t\":106,\"rq\":9,\"ev\":\"done\",\"rcode\":\"NXDOMAIN\","
			"\"answers\":0,\"ms\":1}", ev), 0);
	/* An unknown server is named by its address, without the port. */
	CHECK_INT(trace(r, "{\"t\":107,\"rq\":8,\"ev\":\"query\",\"server\":\"192.0.2.99#53\","
			"\"zone\":\"example.com.\",\"qname\":\"www.example.com.\",\"qtype\":\"A\","
			"\"transport\":\"udp\",\"edns\":true}", ev), 1);
	CHECK_STR(ev[0].to, "192.0.2.99");
	CHECK_INT(trace(r, "{\"t\":907,\"rq\":8,\"ev\":\"timeout\",\"server\":\"192.0.2.99#53\"}",
			ev), 1);
	CHECK_INT(ev[0].kind, EVENT_TIMEOUT);
	CHECK_STR(ev[0].from, "isp-resolver");
	CHECK_STR(ev[0].to, "192.0.2.99");
	CHECK_STR(ev[0].detail, "timeout: no answer");
	CHECK_STR(ev[0].qname, "www.example.com.");
	/* A late reply to the query that timed out makes no arrow. */
	CHECK_INT(trace(r, "{\"t\":908,\"rq\":8,\"ev\":\"answer\",\"records\":1}", ev), 0);
	CHECK_INT(trace(r, "{\"t\":908,\"rq\":8,\"ev\":\"query\",\"server\":\"203.0.113.53#53\","
			"\"zone\":\"example.com.\",\"qname\":\"www.example.com.\",\"qtype\":\"A\","
			"\"transport\":\"udp\",\"edns\":true}", ev), 1);
	/* A CNAME and its target's records: one response, one arrow. */
	CHECK_INT(trace(r, "{\"t\":909,\"rq\":8,\"ev\":\"cname\",\"target\":\"web.example.com.\"}",
			ev), 1);
	CHECK_INT(ev[0].kind, EVENT_ANSWER);
	CHECK_STR(ev[0].from, "ns1");
	CHECK_STR(ev[0].detail, "CNAME to web.example.com.");
	CHECK_INT(trace(r, "{\"t\":909,\"rq\":8,\"ev\":\"answer\",\"records\":1}", ev), 0);
	/* Done: the laptop gets its answer, from the resolver. */
	CHECK_INT(trace(r, "{\"t\":910,\"rq\":8,\"ev\":\"done\",\"rcode\":\"NOERROR\","
			"\"answers\":2,\"ms\":809}", ev), 1);
	CHECK_INT(ev[0].kind, EVENT_ANSWER);
	CHECK_STR(ev[0].from, "isp-resolver");
	CHECK_STR(ev[0].to, "laptop");
	CHECK_STR(ev[0].qname, "www.example.com.");
	CHECK_STR(ev[0].rcode, "NOERROR");
	CHECK_STR(ev[0].detail, "NOERROR, 2 answer records");
	CHECK_INT(ev[0].t_ms, 910);
	/* Nobody else was waiting. */
	CHECK_INT(trace(r, "{\"t\":911,\"rq\":8,\"ev\":\"done\",\"rcode\":\"NOERROR\","
			"\"answers\":2,\"ms\":809}", ev), 0);
	reader_free(r);
	free(r);
}

static void test_done_before_the_client_line(void)
{
	event_reader *r = malloc(sizeof *r);
	sim_event ev[READER_EVENTS_MAX];
	CHECK(reader_init(r, "isp-resolver", true, names, NULL));
	CHECK_INT(trace(r, "{\"t\":5,\"rq\":3,\"ev\":\"start\",\"qname\":\"Nope.Example.COM.\","
			"\"qtype\":\"AAAA\",\"parent\":0}", ev), 0);
	CHECK_INT(trace(r, "{\"t\":6,\"rq\":3,\"ev\":\"done\",\"rcode\":\"NXDOMAIN\","
			"\"answers\":0,\"ms\":1}", ev), 0);
	CHECK_INT(logline(r, "query: 198.51.100.10#1 udp nope.example.com. AAAA NOERROR resolving",
		       7, ev), 2);
	CHECK_INT(ev[0].kind, EVENT_QUERY);
	CHECK_INT(ev[1].kind, EVENT_NXDOMAIN);
	CHECK_STR(ev[1].to, "laptop");
	CHECK_STR(ev[1].detail, "NXDOMAIN, 0 answer records");
	/* A done nobody claims is forgotten in time. */
	CHECK_INT(trace(r, "{\"t\":10,\"rq\":4,\"ev\":\"start\",\"qname\":\"x.\",\"qtype\":\"A\","
			"\"parent\":0}", ev), 0);
	CHECK_INT(trace(r, "{\"t\":11,\"rq\":4,\"ev\":\"done\",\"rcode\":\"SERVFAIL\","
			"\"answers\":0,\"ms\":1}", ev), 0);
	reader_expire(r, 5000, 2000);
	CHECK_INT(logline(r, "query: 198.51.100.10#1 udp x. A NOERROR resolving", 5001, ev), 1);
	/* ... and so is a client whose resolution the trace never shows. */
	reader_expire(r, 9000, 2000);
	CHECK_INT(trace(r, "{\"t\":9001,\"rq\":5,\"ev\":\"start\",\"qname\":\"x.\",\"qtype\":\"A\","
			"\"parent\":0}", ev), 0);
	CHECK_INT(trace(r, "{\"t\":9002,\"rq\":5,\"ev\":\"done\",\"rcode\":\"SERVFAIL\","
			"\"answers\":0,\"ms\":1}", ev), 0);
	reader_free(r);
	free(r);
}

static void test_resolver_answers_from_its_cache(void)
{
	event_reader *r = malloc(sizeof *r);
	sim_event ev[READER_EVENTS_MAX];
	CHECK(reader_init(r, "isp-resolver", true, names, NULL));
	CHECK_INT(logline(r, "query: 198.51.100.10#5 tcp www.example.com. A NOERROR cache", 50, ev),
		  2);
	CHECK_INT(ev[1].kind, EVENT_ANSWER);
	CHECK_STR(ev[1].detail, "NOERROR (from the cache)");
	CHECK_STR(ev[1].transport, "tcp");
	CHECK_INT(logline(r, "query: 198.51.100.10#5 udp ads.example.net. A NXDOMAIN blocked", 50, ev),
		  2);
	CHECK_INT(ev[1].kind, EVENT_NXDOMAIN);
	CHECK_STR(ev[1].detail, "NXDOMAIN (blocked)");
	CHECK_INT(logline(r, "query: 192.0.2.77#5 udp example.com. A REFUSED refused", 50, ev), 2);
	CHECK_STR(ev[0].from, "192.0.2.77");
	CHECK_INT(ev[1].kind, EVENT_ERROR);
	reader_free(r);
	free(r);
}

static void test_auth_query_log(void)
{
	event_reader *r = malloc(sizeof *r);
	sim_event ev[READER_EVENTS_MAX];
	CHECK(reader_init(r, "a-root", false, names, NULL));
	/* An authoritative server's reader reads no trace. */
	CHECK_INT(trace(r, "{\"t\":102,\"rq\":8,\"ev\":\"query\",\"server\":\"198.18.1.4#53\"}", ev), 0);
	/* dig +norecurse from the laptop: a referral. */
	CHECK_INT(logline(r, "query: 198.51.100.10#3333 udp www.example.com. A NOERROR flags=qr "
		       "size=500", 9, ev), 2);
	CHECK_INT(ev[0].kind, EVENT_QUERY);
	CHECK_STR(ev[0].from, "laptop");
	CHECK_STR(ev[0].to, "a-root");
	CHECK_STR(ev[0].detail, "A www.example.com.?");
	CHECK_INT(ev[1].kind, EVENT_REFERRAL);
	CHECK_STR(ev[1].from, "a-root");
	CHECK_STR(ev[1].to, "laptop");
	CHECK_INT(logline(r, "query: 198.51.100.10#3333 udp . SOA NOERROR flags=qr,aa,edns size=90",
		       9, ev), 2);
	CHECK_INT(ev[1].kind, EVENT_ANSWER);
	CHECK_INT(logline(r, "query: 198.51.100.10#3333 udp nope. A NXDOMAIN flags=qr,aa size=90",
		       9, ev), 2);
	CHECK_INT(ev[1].kind, EVENT_NXDOMAIN);
	CHECK_INT(logline(r, "query: 198.51.100.10#3333 udp x.org. A REFUSED flags=qr size=20",
		       9, ev), 2);
	CHECK_INT(ev[1].kind, EVENT_ERROR);
	CHECK_STR(ev[1].rcode, "REFUSED");
	CHECK_INT(logline(r, "query: 198.51.100.10#3333 udp x. A DROPPED flags=qr size=0", 9, ev), 2);
	CHECK_INT(ev[1].kind, EVENT_TIMEOUT);
	CHECK_STR(ev[1].from, "laptop");
	CHECK_STR(ev[1].to, "a-root");
	/* flags=qraa is not aa. */
	CHECK_INT(logline(r, "query: 198.51.100.10#3333 udp y. A NOERROR flags=qraa size=0", 9, ev),
		  2);
	CHECK_INT(ev[1].kind, EVENT_REFERRAL);
	/* The resolver traces its own queries: no second arrow here. */
	CHECK_INT(logline(r, "query: 198.18.10.53#999 udp com. A NOERROR flags=qr size=400", 9, ev),
		  0);
	/* The node asking itself (readiness probes, `sim stats`), loopback,
	 * and the other lines of its log are not traffic. */
	CHECK_INT(logline(r, "query: 198.18.1.4#999 udp stats.dnsim. TXT NOERROR flags=qr,aa size=1",
		       9, ev), 0);
	CHECK_INT(logline(r, "query: 127.0.0.1#999 udp stats.dnsim. TXT NOERROR flags=qr,aa size=1",
		       9, ev), 0);
	CHECK_INT(logline(r, "query: ::1#999 udp . NS NOERROR flags=qr,aa size=1", 9, ev), 0);
	CHECK_INT(logline(r, "12:00:01 [dnsim] started dnsim-auth (pid 7)", 9, ev), 0);
	CHECK_INT(logline(r, "query: 198.51.100.10#1 sctp x. A NOERROR", 9, ev), 0);
	CHECK_INT(logline(r, "query: 198.51.100.10#1 udp x.", 9, ev), 0);
	CHECK_INT(logline(r, "", 9, ev), 0);
	reader_free(r);
	free(r);
}

static void test_hostile_lines(void)
{
	event_reader *r = malloc(sizeof *r);
	sim_event ev[READER_EVENTS_MAX];
	CHECK(reader_init(r, "isp-resolver", true, names, NULL));
	/* Lines without the fields, without a request, too long. */
	CHECK_INT(trace(r, "{\"t\":1,\"ev\":\"query\"}", ev), 0);
	CHECK_INT(trace(r, "{\"t\":1,\"rq\":0,\"ev\":\"query\"}", ev), 0);
	CHECK_INT(trace(r, "{\"t\":1,\"rq\":77,\"ev\":\"answer\",\"records\":1}", ev), 0);
	CHECK_INT(trace(r, "not json", ev), 0);
	char *big = malloc(5000);
	memset(big, 'a', 4999);
	big[4999] = '\0';
	CHECK_INT(trace(r, big, ev), 0);
	CHECK_INT(logline(r, big, 1, ev), 0);
	memcpy(big, "query: ", 7);
	big[300] = '\0';
	CHECK_INT(logline(r, big, 1, ev), 0);
	free(big);
	/* More requests than the table holds: the oldest go, nothing breaks. */
	for (int i = 1; i <= READER_PENDING * 2; i++) {
		char line[256];
		snprintf(line, sizeof line, "{\"t\":%d,\"rq\":%d,\"ev\":\"query\",\"server\":"
			 "\"198.18.1.4#53\",\"qname\":\"a.\",\"qtype\":\"A\",\"transport\":\"udp\"}",
			 i, i);
		CHECK_INT(trace(r, line, ev), 1);
	}
	CHECK_INT(trace(r, "{\"t\":1,\"rq\":1,\"ev\":\"answer\",\"records\":1}", ev), 0);
	CHECK_INT(trace(r, "{\"t\":1,\"rq\":256,\"ev\":\"answer\",\"records\":1}", ev), 1);
	reader_free(r);
	free(r);
}

int main(void)
{
	RUN(test_cold_resolution);
	RUN(test_done_before_the_client_line);
	RUN(test_resolver_answers_from_its_cache);
	RUN(test_auth_query_log);
	RUN(test_hostile_lines);
	return check_summary("stream/reader");
}
