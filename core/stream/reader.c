/* Servers' trace and log lines to events (reader.h says which source
 * tells which message). */
#include "stream/reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LINE_MAX_COPY 2048

bool reader_init(event_reader *r, const char *node, bool resolver, event_name_fn name,
		 void *ctx)
{
	memset(r, 0, sizeof *r);
	snprintf(r->node, sizeof r->node, "%s", node);
	r->resolver = resolver;
	r->name = name;
	r->ctx = ctx;
	if (!resolver)
		return true;
	r->req = calloc(READER_PENDING, sizeof *r->req);
	r->cl = calloc(READER_CLIENTS, sizeof *r->cl);
	if (r->req == NULL || r->cl == NULL) {
		reader_free(r);
		return false;
	}
	return true;
}

void reader_free(event_reader *r)
{
	free(r->req);
	free(r->cl);
	r->req = NULL;
	r->cl = NULL;
}

/* The lane of an address: its node, or the address without its port. */
static void lane(event_reader *r, const char *addr, char *out, size_t n, bool *traced)
{
	*traced = false;
	const char *name = r->name ? r->name(r->ctx, addr, traced) : NULL;
	if (name) {
		snprintf(out, n, "%s", name);
		return;
	}
	*traced = false;
	snprintf(out, n, "%s", addr);
	char *hash = strrchr(out, '#');
	if (hash)
		*hash = '\0';
}

static bool same_name(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 1 && a[la - 1] == '.')
		la--;
	if (lb > 1 && b[lb - 1] == '.')
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

static reader_request *find_req(event_reader *r, unsigned rq)
{
	for (size_t i = 0; i < READER_PENDING; i++)
		if (r->req[i].rq == rq)
			return &r->req[i];
	return NULL;
}

/* The request's slot, taking the oldest one when all are in use. */
static reader_request *slot(event_reader *r, unsigned rq)
{
	reader_request *q = find_req(r, rq);
	if (q)
		return q;
	q = &r->req[r->next_req++ % READER_PENDING];
	memset(q, 0, sizeof *q);
	q->rq = rq;
	return q;
}

static sim_event *new_event(sim_event *out, size_t *n, event_kind kind, long long t,
			    const char *from, const char *to, const char *source)
{
	if (*n >= READER_EVENTS_MAX)
		return NULL;
	sim_event *e = &out[(*n)++];
	memset(e, 0, sizeof *e);
	e->kind = kind;
	e->t_ms = t;
	snprintf(e->from, sizeof e->from, "%s", from);
	snprintf(e->to, sizeof e->to, "%s", to);
	snprintf(e->source, sizeof e->source, "%s", source);
	snprintf(e->transport, sizeof e->transport, "udp");
	return e;
}

/* A resolver's answer to a client: its kind from the rcode and count. */
static event_kind answer_kind(const char *rcode, long long answers)
{
	if (strcmp(rcode, "NOERROR") == 0)
		return answers > 0 ? EVENT_ANSWER : EVENT_NODATA;
	if (strcmp(rcode, "NXDOMAIN") == 0)
		return EVENT_NXDOMAIN;
	return EVENT_ERROR;
}

static void answer_client(event_reader *r, const reader_request *q, const reader_client *c,
			  long long t, sim_event *out, size_t *n)
{
	sim_event *e = new_event(out, n, answer_kind(q->rcode, q->answers), t, r->node, c->who,
				 "trace");
	if (e == NULL)
		return;
	snprintf(e->qname, sizeof e->qname, "%s", c->qname);
	snprintf(e->qtype, sizeof e->qtype, "%s", c->qtype);
	snprintf(e->rcode, sizeof e->rcode, "%s", q->rcode);
	snprintf(e->transport, sizeof e->transport, "%s", c->transport);
	snprintf(e->detail, sizeof e->detail, "%s, %lld answer record%s", q->rcode, q->answers,
		 q->answers == 1 ? "" : "s");
}

/* A client resolution is done: answer every client waiting for it.
 * false when none was (yet). */
static bool deliver(event_reader *r, const reader_request *q, long long t, sim_event *out,
		    size_t *n)
{
	bool any = false;
	for (size_t i = 0; i < READER_CLIENTS; i++) {
		reader_client *c = &r->cl[i];
		if (!c->used || !same_name(c->qname, q->qname) || strcasecmp(c->qtype, q->qtype))
			continue;
		answer_client(r, q, c, t, out, n);
		c->used = false;
		any = true;
	}
	return any;
}

size_t reader_trace_line(event_reader *r, const char *line, size_t len, sim_event *out)
{
	char buf[LINE_MAX_COPY];
	size_t n = 0;
	if (r->req == NULL || len >= sizeof buf)
		return 0;       /* no trace line is this long: not one of ours */
	memcpy(buf, line, len);
	buf[len] = '\0';
	char ev[32];
	long long rqn = 0, t = 0, v = 0;
	if (!json_field_str(buf, "ev", ev, sizeof ev) || !json_field_num(buf, "rq", &rqn) ||
	    !json_field_num(buf, "t", &t) || rqn <= 0)
		return 0;
	unsigned rq = (unsigned)rqn;
	char label[EVENT_DETAIL_MAX];
	event_kind kind;
	if (strcmp(ev, "start") == 0) {
		reader_request *q = slot(r, rq);
		json_field_str(buf, "qname", q->qname, sizeof q->qname);
		json_field_str(buf, "qtype", q->qtype, sizeof q->qtype);
		q->client = json_field_num(buf, "parent", &v) && v == 0;
		return 0;
	}
	if (strcmp(ev, "query") == 0) {
		reader_request *q = slot(r, rq);
		char server[EVENT_NODE_MAX] = "", qname[EVENT_QNAME_MAX] = "", qtype[16] = "",
			transport[8] = "";
		bool traced;
		json_field_str(buf, "server", server, sizeof server);
		json_field_str(buf, "qname", qname, sizeof qname);
		json_field_str(buf, "qtype", qtype, sizeof qtype);
		json_field_str(buf, "transport", transport, sizeof transport);
		lane(r, server, q->server, sizeof q->server, &traced);
		snprintf(q->asked, sizeof q->asked, "%s", qname);
		snprintf(q->asked_type, sizeof q->asked_type, "%s", qtype);
		q->waiting = true;
		snprintf(q->transport, sizeof q->transport, "%s",
			 strcmp(transport, "tcp") == 0 ? "tcp" : "udp");
		sim_event *e = new_event(out, &n, EVENT_QUERY, t, r->node, q->server, "trace");
		if (e == NULL)
			return n;
		snprintf(e->qname, sizeof e->qname, "%s", qname);
		snprintf(e->qtype, sizeof e->qtype, "%s", qtype);
		snprintf(e->transport, sizeof e->transport, "%s", q->transport);
		/* As the trace diagram labels it, with the address asked. */
		char at[EVENT_NODE_MAX];
		snprintf(at, sizeof at, "%s", server);
		char *hash = strrchr(at, '#');
		if (hash && strcmp(hash, "#53") == 0)
			*hash = '\0';
		snprintf(e->detail, sizeof e->detail, "%.30s %.200s? @%.60s%s", qtype, qname, at,
			 strcmp(q->transport, "tcp") == 0 ? " (TCP)" : "");
		return n;
	}
	reader_request *q = find_req(r, rq);
	if (q == NULL)
		return 0;
	if (strcmp(ev, "timeout") == 0 || strcmp(ev, "unreachable") == 0) {
		if (!q->waiting)
			return 0;
		q->waiting = false;
		sim_event *e = new_event(out, &n, EVENT_TIMEOUT, t, r->node, q->server, "trace");
		if (e == NULL)
			return n;
		snprintf(e->qname, sizeof e->qname, "%s", q->asked);
		snprintf(e->qtype, sizeof e->qtype, "%s", q->asked_type);
		snprintf(e->transport, sizeof e->transport, "%s", q->transport);
		snprintf(e->detail, sizeof e->detail, "%s: no answer", ev);
		return n;
	}
	if (event_reply_label(ev, buf, label, sizeof label, &kind)) {
		/* The first event of a response is its arrow; the rest (a
		 * CNAME's target) belong to the same one. */
		if (!q->waiting)
			return 0;
		q->waiting = false;
		sim_event *e = new_event(out, &n, kind, t, q->server, r->node, "trace");
		if (e == NULL)
			return n;
		snprintf(e->qname, sizeof e->qname, "%s", q->asked);
		snprintf(e->qtype, sizeof e->qtype, "%s", q->asked_type);
		snprintf(e->transport, sizeof e->transport, "%s", q->transport);
		snprintf(e->detail, sizeof e->detail, "%s", label);
		if (kind == EVENT_NXDOMAIN)
			snprintf(e->rcode, sizeof e->rcode, "NXDOMAIN");
		else if (kind != EVENT_ERROR)
			snprintf(e->rcode, sizeof e->rcode, "NOERROR");
		else
			json_field_str(buf, "rcode", e->rcode, sizeof e->rcode);
		return n;
	}
	if (strcmp(ev, "done") == 0) {
		if (!q->client) {
			q->rq = 0;
			return 0;
		}
		json_field_str(buf, "rcode", q->rcode, sizeof q->rcode);
		json_field_num(buf, "answers", &q->answers);
		if (deliver(r, q, t, out, &n))
			q->rq = 0;
		else
			q->done_at = t > 0 ? t : 1;   /* its client's line is yet to come */
	}
	return n;
}

/* "query: WHO TRANSPORT NAME TYPE RCODE REST" */
typedef struct qlog_line {
	char who[EVENT_NODE_MAX], transport[4], qname[EVENT_QNAME_MAX], qtype[16], rcode[16];
	const char *rest;
} qlog_line;

static bool word(const char **p, char *out, size_t n)
{
	const char *s = *p;
	while (*s == ' ')
		s++;
	size_t len = strcspn(s, " ");
	if (len == 0 || len >= n)
		return false;
	memcpy(out, s, len);
	out[len] = '\0';
	*p = s + len;
	return true;
}

static bool parse_qlog(const char *line, qlog_line *q)
{
	if (strncmp(line, "query: ", 7) != 0)
		return false;
	const char *p = line + 7;
	if (!word(&p, q->who, sizeof q->who) || !word(&p, q->transport, sizeof q->transport) ||
	    !word(&p, q->qname, sizeof q->qname) || !word(&p, q->qtype, sizeof q->qtype) ||
	    !word(&p, q->rcode, sizeof q->rcode))
		return false;
	while (*p == ' ')
		p++;
	q->rest = p;
	return strcmp(q->transport, "udp") == 0 || strcmp(q->transport, "tcp") == 0;
}

static bool loopback(const char *addr)
{
	return strncmp(addr, "127.", 4) == 0 || strncmp(addr, "::1#", 4) == 0 ||
	       strcmp(addr, "::1") == 0;
}

/* Is flag `f` in "flags=qr,aa,rd"? */
static bool has_flag(const char *rest, const char *f)
{
	const char *p = strstr(rest, "flags=");
	if (p == NULL)
		return false;
	p += 6;
	size_t fl = strlen(f);
	while (*p && *p != ' ') {
		size_t len = strcspn(p, ", ");
		if (len == fl && strncmp(p, f, fl) == 0)
			return true;
		p += len;
		if (*p == ',')
			p++;
	}
	return false;
}

static sim_event *query_event(const qlog_line *q, const char *from, const char *to,
			      long long t, sim_event *out, size_t *n)
{
	sim_event *e = new_event(out, n, EVENT_QUERY, t, from, to, "querylog");
	if (e == NULL)
		return NULL;
	snprintf(e->qname, sizeof e->qname, "%s", q->qname);
	snprintf(e->qtype, sizeof e->qtype, "%s", q->qtype);
	snprintf(e->transport, sizeof e->transport, "%s", q->transport);
	snprintf(e->detail, sizeof e->detail, "%.30s %.200s?%s", q->qtype, q->qname,
		 strcmp(q->transport, "tcp") == 0 ? " (TCP)" : "");
	return e;
}

static sim_event *reply_event(const qlog_line *q, event_kind kind, const char *from,
			      const char *to, long long t, sim_event *out, size_t *n)
{
	sim_event *e = new_event(out, n, kind, t, from, to, "querylog");
	if (e == NULL)
		return NULL;
	snprintf(e->qname, sizeof e->qname, "%s", q->qname);
	snprintf(e->qtype, sizeof e->qtype, "%s", q->qtype);
	snprintf(e->rcode, sizeof e->rcode, "%s", q->rcode);
	snprintf(e->transport, sizeof e->transport, "%s", q->transport);
	return e;
}

size_t reader_log_line(event_reader *r, const char *line, size_t len, long long now_ms,
		       sim_event *out)
{
	char buf[LINE_MAX_COPY];
	size_t n = 0;
	if (len >= sizeof buf)
		return 0;
	memcpy(buf, line, len);
	buf[len] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	qlog_line q;
	if (!parse_qlog(buf, &q) || loopback(q.who))
		return 0;
	char peer[EVENT_NODE_MAX];
	bool traced;
	lane(r, q.who, peer, sizeof peer, &traced);
	if (strcmp(peer, r->node) == 0)
		return 0;       /* the node asking itself: a probe, not the wire */
	if (!r->resolver) {
		if (traced)
			return 0;   /* in the asking resolver's trace already */
		query_event(&q, peer, r->node, now_ms, out, &n);
		sim_event *e;
		if (strcmp(q.rcode, "DROPPED") == 0) {
			e = new_event(out, &n, EVENT_TIMEOUT, now_ms, peer, r->node, "querylog");
			if (e)
				snprintf(e->detail, sizeof e->detail,
					 "dropped by the server's rate limit: no answer");
			return n;
		}
		bool aa = has_flag(q.rest, "aa");
		event_kind kind = strcmp(q.rcode, "NXDOMAIN") == 0 ? EVENT_NXDOMAIN
				  : strcmp(q.rcode, "NOERROR") != 0 ? EVENT_ERROR
				  : aa ? EVENT_ANSWER : EVENT_REFERRAL;
		e = reply_event(&q, kind, r->node, peer, now_ms, out, &n);
		if (e)
			snprintf(e->detail, sizeof e->detail, "%s%s",
				 kind == EVENT_REFERRAL ? "referral (NOERROR, not authoritative)"
				 : q.rcode, kind == EVENT_ANSWER ? " (authoritative)" : "");
		return n;
	}
	char how[24] = "";
	const char *p = q.rest;
	word(&p, how, sizeof how);
	query_event(&q, peer, r->node, now_ms, out, &n);
	if (strcmp(how, "resolving") == 0 || strcmp(how, "joined") == 0) {
		/* The answer comes when the trace says the resolution is done,
		 * or came already, before this line was read. */
		for (size_t i = 0; i < READER_PENDING; i++) {
			reader_request *rq = &r->req[i];
			if (rq->rq && rq->client && rq->done_at > 0 && same_name(rq->qname, q.qname) &&
			    strcasecmp(rq->qtype, q.qtype) == 0) {
				reader_client c = { .used = true, .since = now_ms };
				snprintf(c.who, sizeof c.who, "%s", peer);
				snprintf(c.qname, sizeof c.qname, "%s", q.qname);
				snprintf(c.qtype, sizeof c.qtype, "%s", q.qtype);
				snprintf(c.transport, sizeof c.transport, "%s", q.transport);
				answer_client(r, rq, &c, now_ms, out, &n);
				rq->rq = 0;
				return n;
			}
		}
		reader_client *c = &r->cl[r->next_cl++ % READER_CLIENTS];
		memset(c, 0, sizeof *c);
		c->used = true;
		c->since = now_ms;
		snprintf(c->who, sizeof c->who, "%s", peer);
		snprintf(c->qname, sizeof c->qname, "%s", q.qname);
		snprintf(c->qtype, sizeof c->qtype, "%s", q.qtype);
		snprintf(c->transport, sizeof c->transport, "%s", q.transport);
		return n;
	}
	event_kind kind = strcmp(q.rcode, "NOERROR") == 0 ? EVENT_ANSWER
			  : strcmp(q.rcode, "NXDOMAIN") == 0 ? EVENT_NXDOMAIN : EVENT_ERROR;
	sim_event *e = reply_event(&q, kind, r->node, peer, now_ms, out, &n);
	if (e)
		snprintf(e->detail, sizeof e->detail, "%s (%s)", q.rcode,
			 strcmp(how, "cache") == 0 ? "from the cache" : how);
	return n;
}

void reader_expire(event_reader *r, long long now_ms, long long max_ms)
{
	if (r->req == NULL)
		return;
	for (size_t i = 0; i < READER_CLIENTS; i++)
		if (r->cl[i].used && now_ms - r->cl[i].since > max_ms)
			r->cl[i].used = false;
	for (size_t i = 0; i < READER_PENDING; i++)
		if (r->req[i].rq && r->req[i].done_at > 0 && now_ms - r->req[i].done_at > max_ms)
			r->req[i].rq = 0;
}
