/* The event, its JSON, and the flat JSON the resolver's trace is made of. */
#include "stream/event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[EVENT_KINDS] = {
	[EVENT_QUERY] = "query",       [EVENT_REFERRAL] = "referral",
	[EVENT_ANSWER] = "answer",     [EVENT_NXDOMAIN] = "nxdomain",
	[EVENT_NODATA] = "nodata",     [EVENT_TIMEOUT] = "timeout",
	[EVENT_ERROR] = "error",
};

const char *event_kind_name(event_kind k)
{
	return (unsigned)k < EVENT_KINDS ? kind_names[k] : "error";
}

size_t json_escape(const char *s, char *out, size_t n)
{
	size_t o = 0;
	if (n == 0)
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char esc[8];
		size_t len;
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			len = 2;
		} else if (*p < 0x20 || *p == 0x7f) {
			len = (size_t)snprintf(esc, sizeof esc, "\\u%04x", *p);
		} else {
			esc[0] = (char)*p;
			len = 1;
		}
		if (o + len >= n) {
			out[0] = '\0';
			return 0;
		}
		memcpy(out + o, esc, len);
		o += len;
	}
	out[o] = '\0';
	return o;
}

size_t event_to_json(const sim_event *e, char *out, size_t n)
{
	char from[EVENT_NODE_MAX * 6], to[EVENT_NODE_MAX * 6], qname[EVENT_QNAME_MAX * 6],
		qtype[16 * 6], rcode[16 * 6], detail[EVENT_DETAIL_MAX * 6];
	json_escape(e->from, from, sizeof from);
	json_escape(e->to, to, sizeof to);
	json_escape(e->qname, qname, sizeof qname);
	json_escape(e->qtype, qtype, sizeof qtype);
	json_escape(e->rcode, rcode, sizeof rcode);
	json_escape(e->detail, detail, sizeof detail);
	int w = snprintf(out, n,
			 "{\"t\":%lld,\"kind\":\"%s\",\"from\":\"%s\",\"to\":\"%s\",\"qname\":\"%s\","
			 "\"qtype\":\"%s\",\"rcode\":\"%s\",\"transport\":\"%s\",\"detail\":\"%s\","
			 "\"source\":\"%s\"}",
			 e->t_ms, event_kind_name(e->kind), from, to, qname, qtype, rcode,
			 strcmp(e->transport, "tcp") == 0 ? "tcp" : "udp", detail,
			 strcmp(e->source, "trace") == 0 ? "trace"
			 : strcmp(e->source, "capture") == 0 ? "capture" : "querylog");
	if (w < 0 || (size_t)w >= n) {
		if (n)
			out[0] = '\0';
		return 0;
	}
	return (size_t)w;
}

/* Where the value of "key": starts in line, or NULL. */
static const char *field(const char *line, const char *key, bool string)
{
	char pat[80];
	int w = snprintf(pat, sizeof pat, "\"%s\":%s", key, string ? "\"" : "");
	if (w < 0 || (size_t)w >= sizeof pat)
		return NULL;
	const char *p = strstr(line, pat);
	return p ? p + w : NULL;
}

bool json_field_str(const char *line, const char *key, char *out, size_t outsz)
{
	const char *p = field(line, key, true);
	if (p == NULL || outsz == 0)
		return false;
	size_t o = 0;
	while (*p && *p != '"' && *p != '\n') {
		if (*p == '\\' && p[1])
			p++;
		if (o + 1 < outsz)
			out[o++] = *p;
		p++;
	}
	out[o] = '\0';
	return *p == '"';
}

bool json_field_num(const char *line, const char *key, long long *out)
{
	const char *p = field(line, key, false);
	if (p == NULL)
		return false;
	char *end;
	long long v = strtoll(p, &end, 10);
	if (end == p)
		return false;
	*out = v;
	return true;
}

bool event_reply_label(const char *ev, const char *line, char *out, size_t n,
		       event_kind *kind)
{
	char a[256] = "", b[700] = "";
	long long x = 0, y = 0;
	if (strcmp(ev, "referral") == 0) {
		json_field_str(line, "zone", a, sizeof a);
		json_field_str(line, "names", b, sizeof b);
		json_field_num(line, "glue", &y);
		snprintf(out, n, "referral to %.80s: NS %.180s (%lld glue)", a,
			 b[0] ? b : "?", y);
		*kind = EVENT_REFERRAL;
	} else if (strcmp(ev, "answer") == 0) {
		json_field_num(line, "records", &x);
		snprintf(out, n, "answer: %lld record%s", x, x == 1 ? "" : "s");
		*kind = EVENT_ANSWER;
	} else if (strcmp(ev, "cname") == 0) {
		json_field_str(line, "target", a, sizeof a);
		snprintf(out, n, "CNAME to %s", a);
		*kind = EVENT_ANSWER;
	} else if (strcmp(ev, "nxdomain") == 0) {
		snprintf(out, n, "NXDOMAIN: no such name");
		*kind = EVENT_NXDOMAIN;
	} else if (strcmp(ev, "nodata") == 0) {
		snprintf(out, n, "NODATA: the name has no such record");
		*kind = EVENT_NODATA;
	} else if (strcmp(ev, "lame") == 0) {
		json_field_str(line, "rcode", a, sizeof a);
		snprintf(out, n, "unusable answer (%s)", a);
		*kind = EVENT_ERROR;
	} else if (strcmp(ev, "truncated") == 0) {
		snprintf(out, n, "truncated (TC): ask again over TCP");
		*kind = EVENT_ERROR;
	} else if (strcmp(ev, "edns_fallback") == 0) {
		snprintf(out, n, "rejects EDNS: ask again without it");
		*kind = EVENT_ERROR;
	} else {
		return false;
	}
	return true;
}
