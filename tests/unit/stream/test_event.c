/* The stream's event as JSON, and the flat JSON of the resolver's trace. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "stream/event.h"

static void test_kind_names(void)
{
	CHECK_STR(event_kind_name(EVENT_QUERY), "query");
	CHECK_STR(event_kind_name(EVENT_REFERRAL), "referral");
	CHECK_STR(event_kind_name(EVENT_NXDOMAIN), "nxdomain");
	CHECK_STR(event_kind_name(EVENT_TIMEOUT), "timeout");
	CHECK_STR(event_kind_name((event_kind)99), "error");
}

static void test_escape(void)
{
	char out[64];
	CHECK_INT(json_escape("a\"b\\c", out, sizeof out), 7);
	CHECK_STR(out, "a\\\"b\\\\c");
	CHECK_INT(json_escape("tab\there\n", out, sizeof out), 19);
	CHECK_STR(out, "tab\\u0009here\\u000a");
	/* Too long for the buffer: nothing, rather than half a string. */
	char small[4];
	CHECK_INT(json_escape("abcd", small, sizeof small), 0);
	CHECK_STR(small, "");
	CHECK_INT(json_escape("abc", small, sizeof small), 3);
	CHECK_STR(small, "abc");
}

static void test_event_json(void)
{
	sim_event e = { .t_ms = 1234, .kind = EVENT_REFERRAL };
	strcpy(e.from, "a-root");
	strcpy(e.to, "isp-resolver");
	strcpy(e.qname, "www.\"odd\".com.");
	strcpy(e.qtype, "A");
	strcpy(e.rcode, "NOERROR");
	strcpy(e.transport, "udp");
	strcpy(e.detail, "referral to com.: NS a. (1 glue)");
	strcpy(e.source, "trace");
	char out[2048];
	size_t n = event_to_json(&e, out, sizeof out);
	CHECK(n > 0 && n == strlen(out));
	CHECK_STR(out, "{\"t\":1234,\"kind\":\"referral\",\"from\":\"a-root\",\"to\":\"isp-resolver\","
		  "\"qname\":\"www.\\\"odd\\\".com.\",\"qtype\":\"A\",\"rcode\":\"NOERROR\","
		  "\"transport\":\"udp\",\"detail\":\"referral to com.: NS a. (1 glue)\","
		  "\"source\":\"trace\"}");
	/* The fields read back with the trace's own readers. */
	char s[64];
	long long t;
	CHECK(json_field_str(out, "qname", s, sizeof s));
	CHECK_STR(s, "www.\"odd\".com.");
	CHECK(json_field_num(out, "t", &t) && t == 1234);
	CHECK_INT(event_to_json(&e, out, 40), 0);
	CHECK_STR(out, "");
}

static void test_fields(void)
{
	const char *line = "{\"t\":17,\"rq\":3,\"ev\":\"query\",\"server\":\"198.18.1.4#53\",\"n\":-2}";
	char s[32];
	long long v;
	CHECK(json_field_str(line, "ev", s, sizeof s));
	CHECK_STR(s, "query");
	CHECK(json_field_num(line, "rq", &v) && v == 3);
	CHECK(json_field_num(line, "n", &v) && v == -2);
	CHECK(!json_field_num(line, "ev", &v));
	CHECK(!json_field_str(line, "missing", s, sizeof s));
	/* A string value longer than the buffer is cut, and still found. */
	char tiny[5];
	CHECK(json_field_str(line, "server", tiny, sizeof tiny));
	CHECK_STR(tiny, "198.");
	/* An unterminated string is not a value. */
	CHECK(!json_field_str("{\"ev\":\"quer", "ev", s, sizeof s));
}

static void test_reply_labels(void)
{
	char out[EVENT_DETAIL_MAX];
	event_kind k;
	CHECK(event_reply_label("referral", "{\"zone\":\"com.\",\"ns\":2,\"glue\":4,"
				"\"names\":\"a.gtld. b.gtld.\"}", out, sizeof out, &k));
	CHECK_STR(out, "referral to com.: NS a.gtld. b.gtld. (4 glue)");
	CHECK_INT(k, EVENT_REFERRAL);
	CHECK(event_reply_label("answer", "{\"records\":1}", out, sizeof out, &k));
	CHECK_STR(out, "answer: 1 record");
	CHECK_INT(k, EVENT_ANSWER);
	CHECK(event_reply_label("answer", "{\"records\":3}", out, sizeof out, &k));
	CHECK_STR(out, "answer: 3 records");
	CHECK(event_reply_label("cname", "{\"target\":\"x.net.\"}", out, sizeof out, &k));
	CHECK_STR(out, "CNAME to x.net.");
	CHECK(event_reply_label("nxdomain", "{}", out, sizeof out, &k));
	CHECK_INT(k, EVENT_NXDOMAIN);
	CHECK(event_reply_label("nodata", "{}", out, sizeof out, &k));
	CHECK_INT(k, EVENT_NODATA);
	CHECK(event_reply_label("lame", "{\"rcode\":\"REFUSED\"}", out, sizeof out, &k));
	CHECK_STR(out, "unusable answer (REFUSED)");
	CHECK_INT(k, EVENT_ERROR);
	CHECK(!event_reply_label("query", "{}", out, sizeof out, &k));
	CHECK(!event_reply_label("done", "{}", out, sizeof out, &k));
}

int main(void)
{
	RUN(test_kind_names);
	RUN(test_escape);
	RUN(test_event_json);
	RUN(test_fields);
	RUN(test_reply_labels);
	return check_summary("stream/event");
}
