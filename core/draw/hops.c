/* From the resolver's trace lines to the hops of one resolution. */
#include "draw/hops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "stream/capture.h"
#include "stream/event.h"
#include "util/array.h"

/* The trace's flat JSON is read the way the event stream reads it. */
bool hops_json_str(const char *line, const char *key, char *out, size_t outsz)
{
	return json_field_str(line, key, out, outsz);
}

bool hops_json_num(const char *line, const char *key, long long *out)
{
	return json_field_num(line, key, out);
}

static bool add_lane(hop_list *l, const char *name)
{
	for (size_t i = 0; i < l->nlanes; i++)
		if (strcmp(l->lanes[i], name) == 0)
			return true;
	char **slot = array_grow(&l->lanes, &l->nlanes, sizeof *slot);
	if (slot == NULL)
		return false;
	*slot = strdup(name);
	if (*slot == NULL) {
		l->nlanes--;
		return false;
	}
	return true;
}

bool hops_add(hop_list *l, hop_kind kind, const char *from, const char *to,
	      long long at_ms, long long took_ms, const char *label)
{
	if (!add_lane(l, from) || !add_lane(l, to))
		return false;
	hop *h = array_grow(&l->h, &l->n, sizeof *h);
	if (h == NULL)
		return false;
	h->kind = kind;
	snprintf(h->from, sizeof h->from, "%s", from);
	snprintf(h->to, sizeof h->to, "%s", to);
	snprintf(h->label, sizeof h->label, "%s", label);
	h->at_ms = at_ms;
	h->took_ms = took_ms;
	return true;
}

void hops_free(hop_list *l)
{
	for (size_t i = 0; i < l->nlanes; i++)
		free(l->lanes[i]);
	free(l->lanes);
	free(l->h);
	memset(l, 0, sizeof *l);
}

/* The requests (the client's and the lookups it needed) we follow, and
 * the query each is waiting on. */
typedef struct pending {
	long long rq;
	bool waiting;
	char server[HOP_LANE_MAX];
	long long sent;
} pending;

typedef struct follower {
	pending *p;
	size_t n;
} follower;

static pending *find_rq(follower *f, long long rq)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->p[i].rq == rq)
			return &f->p[i];
	return NULL;
}

static pending *follow(follower *f, long long rq)
{
	pending *p = find_rq(f, rq);
	if (p)
		return p;
	p = array_grow(&f->p, &f->n, sizeof *p);
	if (p)
		p->rq = rq;
	return p;
}

static bool same_name(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la && a[la - 1] == '.')
		la--;
	if (lb && b[lb - 1] == '.')
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

/* What a reply event says, as the arrow's label: the stream's words. */
static bool reply_label(const char *ev, const char *line, char *out, size_t n)
{
	event_kind kind;
	return event_reply_label(ev, line, out, n, &kind);
}

/* Follow one resolution through a resolver's trace lines: the resolver
 * `resolver` was asked qname/qtype with query ID `id` (by whoever the
 * caller has drawn already), and its steps are added as hops from
 * there.  base: the time the hops count from (-1: the resolution's own
 * start). */
static bool follow_resolver(hop_list *out, const char *text, size_t len, const char *qname,
			    const char *qtype, unsigned id, const char *resolver,
			    hop_server_name_fn name, void *ctx, long long base)
{
	follower f = { 0 };
	bool ok = true;
	long long root = -1;
	char label[HOP_LABEL_MAX];
	/* Verdict notes waiting for the reply arrow they are about. */
	enum { LATER_MAX = 4 };
	char later[LATER_MAX][HOP_LABEL_MAX];
	long long later_at[LATER_MAX];
	size_t nlater = 0;
	const char *end = text + len;
	for (const char *line = text; ok && line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t ll = nl ? (size_t)(nl - line) : (size_t)(end - line);
		char buf[2048];
		if (ll >= sizeof buf)
			ll = sizeof buf - 1;
		memcpy(buf, line, ll);
		buf[ll] = '\0';
		line = nl ? nl + 1 : end;

		char ev[32] = "", s1[512] = "", s2[64] = "";
		long long rq = 0, t = 0, v = 0;
		if (!hops_json_str(buf, "ev", ev, sizeof ev) || !hops_json_num(buf, "rq", &rq))
			continue;
		hops_json_num(buf, "t", &t);
		if (root < 0) {
			if (strcmp(ev, "client_cache_hit") == 0 && hops_json_num(buf, "id", &v) &&
			    v == (long long)id) {
				out->found = out->cache_hit = true;
				ok = hops_add(out, HOP_NOTE, resolver, resolver,
					      base < 0 ? 0 : t - base, -1,
					      "in the cache: no query needed");
				break;
			}
			if (strcmp(ev, "start") == 0 && hops_json_str(buf, "qname", s1, sizeof s1) &&
			    hops_json_str(buf, "qtype", s2, sizeof s2) &&
			    hops_json_num(buf, "parent", &v) && v == 0 &&
			    same_name(s1, qname) && strcasecmp(s2, qtype) == 0) {
				root = rq;
				if (base < 0)
					base = t;
				out->found = true;
				ok = follow(&f, rq) != NULL;
			}
			continue;
		}
		long long at = t - base;
		if (strcmp(ev, "start") == 0) {
			if (hops_json_num(buf, "parent", &v) && find_rq(&f, v))
				ok = follow(&f, rq) != NULL;
			continue;
		}
		pending *p = find_rq(&f, rq);
		if (p == NULL)
			continue;
		if (strcmp(ev, "key_fetch") == 0) {
			/* DNSSEC: the chain of trust needs a zone's DNSKEY or DS
			 * first; its queries are followed like the lookup's. */
			char qt[32] = "";
			hops_json_str(buf, "zone", s1, sizeof s1);
			hops_json_str(buf, "qtype", qt, sizeof qt);
			if (hops_json_num(buf, "child", &v))
				ok = follow(&f, v) != NULL;
			snprintf(label, sizeof label, "first, the %.8s of %.255s (DNSSEC)", qt, s1);
			ok = ok && hops_add(out, HOP_NOTE, resolver, resolver, at, -1, label);
		} else if (strcmp(ev, "verdict") == 0) {
			char what[32] = "", qt[32] = "", sec[16] = "", why[200] = "";
			hops_json_str(buf, "what", what, sizeof what);
			hops_json_str(buf, "name", s1, sizeof s1);
			hops_json_str(buf, "qtype", qt, sizeof qt);
			hops_json_str(buf, "security", sec, sizeof sec);
			hops_json_str(buf, "why", why, sizeof why);
			if (strcmp(what, "delegation") == 0)
				snprintf(label, sizeof label, "delegation to %.150s: %.10s%s%.100s", s1, sec,
					 why[0] ? ", " : "", why);
			else
				snprintf(label, sizeof label, "%.150s %.10s: %.10s%s%.100s", s1, qt, sec,
					 why[0] ? ", " : "", why);
			/* The verdict is on the reply the trace tells of next:
			 * drawn after its arrow. */
			if (p->waiting && nlater < LATER_MAX) {
				later_at[nlater] = at;
				snprintf(later[nlater++], HOP_LABEL_MAX, "%s", label);
			} else {
				ok = hops_add(out, HOP_NOTE, resolver, resolver, at, -1, label);
			}
		} else if (strcmp(ev, "ns_lookup") == 0) {
			hops_json_str(buf, "ns", s1, sizeof s1);
			if (hops_json_num(buf, "child", &v))
				ok = follow(&f, v) != NULL;
			snprintf(label, sizeof label, "first, the address of %.255s", s1);
			ok = ok && hops_add(out, HOP_NOTE, resolver, resolver, at, -1, label);
		} else if (strcmp(ev, "query") == 0) {
			char server[96], qn[512], qt[32], transport[8];
			hops_json_str(buf, "server", server, sizeof server);
			hops_json_str(buf, "qname", qn, sizeof qn);
			hops_json_str(buf, "qtype", qt, sizeof qt);
			hops_json_str(buf, "transport", transport, sizeof transport);
			const char *lane = name(ctx, server);
			snprintf(p->server, sizeof p->server, "%.47s", lane ? lane : server);
			p->waiting = true;
			p->sent = at;
			/* The address too: a server may have several, tried in turn. */
			char at_addr[96];
			snprintf(at_addr, sizeof at_addr, "%s", server);
			char *hash = strrchr(at_addr, '#');
			if (hash && strcmp(hash, "#53") == 0)
				*hash = '\0';
			snprintf(label, sizeof label, "%.30s %.200s? @%.60s%s", qt, qn, at_addr,
				 strcmp(transport, "tcp") == 0 ? " (TCP)" : "");
			ok = hops_add(out, HOP_QUERY, resolver, p->server, at, -1, label);
		} else if (strcmp(ev, "timeout") == 0 || strcmp(ev, "unreachable") == 0) {
			if (!p->waiting)
				continue;
			p->waiting = false;
			snprintf(label, sizeof label, "%s: no answer",
				 strcmp(ev, "timeout") == 0 ? "timeout" : "unreachable");
			ok = hops_add(out, HOP_LOST, p->server, resolver, at, at - p->sent, label);
		} else if (strcmp(ev, "cache_hit") == 0) {
			ok = hops_add(out, HOP_NOTE, resolver, resolver, at, -1,
				      "answered from the cache");
		} else if (reply_label(ev, buf, label, sizeof label)) {
			if (p->waiting) {
				p->waiting = false;
				ok = hops_add(out, HOP_REPLY, p->server, resolver, at, at - p->sent,
					      label);
				for (size_t k = 0; ok && k < nlater; k++)
					ok = hops_add(out, HOP_NOTE, resolver, resolver, later_at[k], -1,
						      later[k]);
				nlater = 0;
			} else if (out->n > 0 && out->h[out->n - 1].kind == HOP_REPLY) {
				/* More of the same response (a CNAME and its target). */
				hop *last = &out->h[out->n - 1];
				size_t used = strlen(last->label);
				snprintf(last->label + used, sizeof last->label - used, "; %s", label);
			}
		} else if (strcmp(ev, "done") == 0 && rq == root) {
			for (size_t k = 0; ok && k < nlater; k++)
				ok = hops_add(out, HOP_NOTE, resolver, resolver, later_at[k], -1, later[k]);
			nlater = 0;
			hops_json_str(buf, "security", out->security, sizeof out->security);
			hops_json_str(buf, "val_text", out->security_why, sizeof out->security_why);
			break;
		}
	}
	free(f.p);
	return ok;
}

bool hops_from_trace(const char *text, size_t len, const char *qname,
		     const char *qtype, unsigned id, const char *client,
		     const char *resolver, hop_server_name_fn name, void *ctx,
		     hop_list *out)
{
	memset(out, 0, sizeof *out);
	char label[HOP_LABEL_MAX];
	snprintf(label, sizeof label, "%s %s?", qtype, qname);
	return add_lane(out, client) && add_lane(out, resolver) &&
	       hops_add(out, HOP_QUERY, client, resolver, 0, -1, label) &&
	       follow_resolver(out, text, len, qname, qtype, id, resolver, name, ctx, -1);
}

static bool has_lane(const hop_list *l, const char *name)
{
	for (size_t i = 0; i < l->nlanes; i++)
		if (strcmp(l->lanes[i], name) == 0)
			return true;
	return false;
}

/* What the stub's "response" says, as the arrow's label. */
static void response_label(const char *line, char *out, size_t n)
{
	char rcode[32] = "?";
	long long answers = 0;
	hops_json_str(line, "rcode", rcode, sizeof rcode);
	hops_json_num(line, "answers", &answers);
	const char *t = strstr(line, "\"truncated\":true");
	snprintf(out, n, "%s, %lld answer record%s%s", rcode, answers, answers == 1 ? "" : "s",
		 t ? ", truncated (TC): ask again over TCP" : "");
}

bool hops_from_stub_trace(const char *text, size_t len, const char *qname,
			  const char *qtype, unsigned id, const char *client,
			  const char *stub, hop_server_name_fn name,
			  hop_resolver_trace_fn resolver_trace, void *ctx, hop_list *out)
{
	memset(out, 0, sizeof *out);
	char label[HOP_LABEL_MAX];
	snprintf(label, sizeof label, "%s %s?", qtype, qname);
	bool ok = add_lane(out, client) && add_lane(out, stub) &&
		  hops_add(out, HOP_QUERY, client, stub, 0, -1, label);
	long long me = -1, base = 0, sent = 0;
	char server[HOP_LANE_MAX] = "";
	bool waiting = false;
	const char *end = text + len;
	for (const char *line = text; ok && line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t ll = nl ? (size_t)(nl - line) : (size_t)(end - line);
		char buf[2048];
		if (ll >= sizeof buf)
			ll = sizeof buf - 1;
		memcpy(buf, line, ll);
		buf[ll] = '\0';
		line = nl ? nl + 1 : end;

		char ev[32] = "", s1[512] = "", s2[64] = "";
		long long rq = 0, t = 0, v = 0;
		if (!hops_json_str(buf, "ev", ev, sizeof ev) || !hops_json_num(buf, "rq", &rq))
			continue;
		hops_json_num(buf, "t", &t);
		if (me < 0) {
			/* The client's question, by its ID, name and type. */
			if (strcmp(ev, "client") == 0 && hops_json_num(buf, "id", &v) &&
			    v == (long long)id && hops_json_str(buf, "qname", s1, sizeof s1) &&
			    hops_json_str(buf, "qtype", s2, sizeof s2) && same_name(s1, qname) &&
			    strcasecmp(s2, qtype) == 0) {
				me = rq;
				base = t;
				out->found = true;
			}
			continue;
		}
		if (rq != me)
			continue;
		long long at = t - base;
		if (strcmp(ev, "cache_hit") == 0) {
			long long ttl = 0;
			hops_json_num(buf, "ttl", &ttl);
			out->stub_hit = true;
			snprintf(label, sizeof label, "in the stub's cache (%lld s left): no query "
				 "needed", ttl);
			ok = hops_add(out, HOP_NOTE, stub, stub, at, -1, label);
		} else if (strcmp(ev, "cache_miss") == 0) {
			ok = hops_add(out, HOP_NOTE, stub, stub, at, -1,
				      "not in the stub's cache: ask a resolver");
		} else if (strcmp(ev, "forward") == 0) {
			char addr[96], transport[8] = "";
			hops_json_str(buf, "server", addr, sizeof addr);
			hops_json_str(buf, "transport", transport, sizeof transport);
			hops_json_num(buf, "id", &v);
			const char *lane = name(ctx, addr);
			snprintf(server, sizeof server, "%.47s", lane ? lane : addr);
			bool again = has_lane(out, server);
			char at_addr[96];
			snprintf(at_addr, sizeof at_addr, "%s", addr);
			char *hash = strrchr(at_addr, '#');
			if (hash && strcmp(hash, "#53") == 0)
				*hash = '\0';
			snprintf(label, sizeof label, "%.30s %.200s? @%.60s%s", qtype, qname, at_addr,
				 strcmp(transport, "tcp") == 0 ? " (TCP)" : "");
			ok = hops_add(out, HOP_QUERY, stub, server, at, -1, label);
			waiting = true;
			sent = at;
			snprintf(out->resolver, sizeof out->resolver, "%s", server);
			/* What the resolver did about it, from its own trace (the
			 * first time it is asked: a second ask, over TCP, is the
			 * same resolution answered again). */
			const char *rt = NULL;
			size_t rlen = 0;
			if (ok && !again && lane && resolver_trace &&
			    resolver_trace(ctx, server, &rt, &rlen) && rt) {
				bool found = out->found;
				ok = follow_resolver(out, rt, rlen, qname, qtype, (unsigned)v, server,
						     name, ctx, base);
				out->found = found;
			}
		} else if (strcmp(ev, "timeout") == 0 || strcmp(ev, "unreachable") == 0) {
			if (!waiting)
				continue;
			waiting = false;
			snprintf(label, sizeof label, "%s: no answer, try the next resolver",
				 strcmp(ev, "timeout") == 0 ? "timeout" : "unreachable");
			ok = hops_add(out, HOP_LOST, server, stub, at, at - sent, label);
		} else if (strcmp(ev, "response") == 0) {
			if (!waiting)
				continue;
			waiting = false;
			response_label(buf, label, sizeof label);
			ok = hops_add(out, HOP_REPLY, server, stub, at, at - sent, label);
		} else if (strcmp(ev, "cached") == 0) {
			long long ttl = 0;
			hops_json_num(buf, "ttl", &ttl);
			snprintf(label, sizeof label, "kept in the stub's cache for %lld s%s", ttl,
				 strstr(buf, "\"negative\":true") ? " (a negative answer, RFC 2308)"
								   : "");
			ok = hops_add(out, HOP_NOTE, stub, stub, at, -1, label);
		} else if (strcmp(ev, "not_cached") == 0) {
			hops_json_str(buf, "why", s1, sizeof s1);
			snprintf(label, sizeof label, "not kept: %.200s", s1);
			ok = hops_add(out, HOP_NOTE, stub, stub, at, -1, label);
		} else if (strcmp(ev, "done") == 0) {
			break;
		}
	}
	return ok;
}

/* A query of the resolver's still waiting for its reply. */
typedef struct asked {
	const wire_msg *q;
	char lane[HOP_LANE_MAX];
	bool answered;
} asked;

bool hops_from_wire(const wire_msg *w, size_t n, const char *qname, const char *qtype,
		    unsigned id, const char *client, const char *resolver,
		    hop_server_name_fn name, void *ctx, hop_list *out)
{
	memset(out, 0, sizeof *out);
	bool ok = add_lane(out, client) && add_lane(out, resolver);
	char label[HOP_LABEL_MAX];
	snprintf(label, sizeof label, "%s %s?", qtype, qname);
	ok = ok && hops_add(out, HOP_QUERY, client, resolver, 0, -1, label);
	/* The client's query: where the resolution starts, and whom the
	 * answer goes back to. */
	size_t start = n;
	for (size_t i = 0; i < n && start == n; i++)
		if (!w[i].outgoing && !w[i].response && w[i].dport == 53 && w[i].id == id &&
		    same_name(w[i].qname, qname) && strcasecmp(w[i].qtype, qtype) == 0)
			start = i;
	if (start == n)
		return ok;
	out->found = true;
	long long base = w[start].t_ms, end_at = -1;
	asked *a = calloc(n, sizeof *a);
	size_t na = 0, queries = 0;
	if (a == NULL)
		return false;
	for (size_t i = start + 1; ok && i < n; i++) {
		const wire_msg *m = &w[i];
		long long at = m->t_ms - base;
		if (m->outgoing && m->response && m->sport == 53 && m->id == id &&
		    strcmp(m->dst, w[start].src) == 0 && m->dport == w[start].sport) {
			end_at = at;
			break;
		}
		if (m->outgoing && !m->response && m->dport == 53) {
			/* A query of the resolver's, to a server. */
			char addr[64];
			snprintf(addr, sizeof addr, "%s#53", m->dst);
			const char *lane = name(ctx, addr);
			/* Asking the same again elsewhere: the earlier query was
			 * given up on. */
			for (size_t k = 0; ok && k < na; k++)
				if (!a[k].answered && strcmp(a[k].q->qname, m->qname) == 0 &&
				    strcmp(a[k].q->qtype, m->qtype) == 0) {
					a[k].answered = true;
					ok = hops_add(out, HOP_LOST, a[k].lane, resolver, at,
						      at - (a[k].q->t_ms - base), "timeout: no answer");
				}
			asked *q = &a[na++];
			q->q = m;
			snprintf(q->lane, sizeof q->lane, "%.47s", lane ? lane : m->dst);
			snprintf(label, sizeof label, "%.30s %.200s? @%.60s%s", m->qtype, m->qname,
				 m->dst, m->tcp ? " (TCP)" : "");
			ok = hops_add(out, HOP_QUERY, resolver, q->lane, at, -1, label);
			queries++;
		} else if (!m->outgoing && m->response && m->sport == 53) {
			/* A server's reply: to the query with its ID and port. */
			for (size_t k = na; k-- > 0;) {
				asked *q = &a[k];
				if (q->answered || q->q->id != m->id || q->q->sport != m->dport ||
				    strcmp(q->q->dst, m->src) != 0)
					continue;
				q->answered = true;
				ok = hops_add(out, HOP_REPLY, q->lane, resolver, at,
					      at - (q->q->t_ms - base), m->detail);
				break;
			}
		}
	}
	for (size_t k = 0; ok && k < na; k++)
		if (!a[k].answered) {
			long long at = end_at >= 0 ? end_at : a[k].q->t_ms - base;
			ok = hops_add(out, HOP_LOST, a[k].lane, resolver, at,
				      at - (a[k].q->t_ms - base), "timeout: no answer");
		}
	if (ok && queries == 0) {
		out->cache_hit = true;
		ok = hops_add(out, HOP_NOTE, resolver, resolver, 0, -1,
			      "in the cache: no query needed");
	}
	free(a);
	return ok;
}
