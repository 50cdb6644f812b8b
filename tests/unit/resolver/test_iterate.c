/* The replay harness: the resolver's iteration against scripted upstream
 * servers, one test per scenario file in tests/data/replay/ (the format
 * is in that folder's README.md).
 *
 * Each scenario gets a fresh resolver in this process, built as the
 * daemon builds it.  Its upstream queries go to a transport hook
 * (resolver/upstream.h) instead of sockets; the harness answers each from
 * the scenario's server entries, or lets it time out by moving the
 * resolver's clock (r.now_ms) past its deadline.  The client's side is
 * real: queries are sent over loopback UDP or TCP to sockets that the
 * resolver's own clients.c reads, and the answer is read back the same
 * way, so the cache path, the answer builder and truncation are those a
 * stub meets.
 *
 * Scenarios in the folder's pending/ subfolder pin behaviour not fixed
 * yet: they run, are reported as skipped with their "about" line, and do
 * not count.  Usage: test_iterate [FILE.rpl...]; REPLAY_DIR overrides the
 * folder; REPLAY_VERBOSE=1 prints the trace of passing scenarios too. */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <limits.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "replay.h"

#include "dns/ede.h"
#include "io/sock.h"
#include "resolver/cache.h"
#include "resolver/clients.h"
#include "resolver/hints.h"
#include "resolver/resolver.h"
#include "resolver/upstream.h"

#define PUMP_MAX 4000           /* upstream exchanges for one client query */
#define START_MS 1000000

/* ---- one scenario's run --------------------------------------------------- */

/* A query the resolver sent, as the hook saw it. */
struct sent {
	const struct upq *ptr;  /* identity while in flight; never followed */
	uint16_t id;
	net_addr server;
	dns_name qname;
	uint16_t qtype;
	bool tcp, edns;
	uint16_t udp_size;
	bool bogus_answered;    /* got a reply it must ignore: time it out next */
	bool answered;
};

struct run {
	rp_scenario *s;
	resolver r;
	res_config cfg;
	clients cl;
	int udp_listen, tcp_listen, udp_client;
	struct sockaddr_in udp_addr, tcp_addr;
	struct sent *sent;
	size_t nsent, capsent;
	size_t query_mark;      /* nsent when the last client query was sent */
	uint64_t query_ms;      /* now_ms then */
	uint64_t answer_ms;
	bool have_answer;
	uint8_t answer_wire[65535];
	size_t answer_len;
	dns_msg answer;
	uint16_t client_id;
	char *log;              /* what went on, shown when the scenario fails */
	size_t loglen;
	FILE *logf;
	bool failed;
	bool quiet;             /* a pending scenario: its failures are known */
};

static void note(struct run *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct run *run, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(run->logf, fmt, ap);
	va_end(ap);
	fputc('\n', run->logf);
}

static void fail(struct run *run, const rp_step *st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(struct run *run, const rp_step *st, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (!run->quiet)
		fprintf(stderr, "%s:%u: %s\n", run->s->path, st ? st->line : 0, msg);
	note(run, ">>> FAILED at line %u: %s", st ? st->line : 0, msg);
	run->failed = true;
}

static bool same_host(const net_addr *a, const net_addr *b)
{
	if (a->ss.ss_family != b->ss.ss_family)
		return false;
	if (a->ss.ss_family == AF_INET)
		return ((const struct sockaddr_in *)&a->ss)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)&b->ss)->sin_addr.s_addr;
	return memcmp(&((const struct sockaddr_in6 *)&a->ss)->sin6_addr,
		      &((const struct sockaddr_in6 *)&b->ss)->sin6_addr, 16) == 0;
}

static const char *addr_text(const net_addr *a, char *buf, size_t sz)
{
	net_addr_format_host((const struct sockaddr *)&a->ss, buf, sz);
	return buf;
}

static const char *name_text(const uint8_t *n, char *buf, size_t sz)
{
	if (dns_name_to_text(n, buf, sz, NULL) != DNS_OK)
		snprintf(buf, sz, "?");
	return buf;
}

/* The transport hook: every query the resolver sends comes here. */
static bool hook(void *ctx, const struct upq *q, const uint8_t *wire, size_t len)
{
	struct run *run = ctx;
	dns_msg m;
	dns_msg_init(&m);
	bool ok = dns_msg_parse(&m, wire, len) == DNS_OK && m.qdcount == 1 &&
		  !(m.hdr.flags & DNS_F_QR) && m.hdr.id == q->id &&
		  m.question[0].qtype == q->qtype &&
		  dns_name_equal(m.question[0].name, q->qname.data);
	struct sent sn = { .ptr = q, .id = q->id, .server = q->server, .qtype = q->qtype,
			   .tcp = q->tcp, .edns = m.edns.present, .udp_size = m.edns.udp_size };
	dns_msg_free(&m);
	dns_name_copy(&sn.qname, q->qname.data);
	char ab[80], nb[DNS_NAME_MAXTEXT], tb[DNS_MNEMONIC_MAX];
	note(run, "  -> %s %s %s%s%s", addr_text(&q->server, ab, sizeof ab),
	     name_text(q->qname.data, nb, sizeof nb), dns_type_to_text(q->qtype, tb),
	     q->tcp ? " tcp" : "", sn.edns ? "" : " noedns");
	if (!ok) {
		fail(run, NULL, "the resolver sent a malformed query");
		return false;
	}
	if (run->nsent == run->capsent) {
		size_t cap = run->capsent ? run->capsent * 2 : 64;
		struct sent *p = realloc(run->sent, cap * sizeof *p);
		if (p == NULL)
			return false;
		run->sent = p;
		run->capsent = cap;
	}
	run->sent[run->nsent++] = sn;
	return true;
}

/* The record of an upq in flight: the latest one with its address and ID
 * (an address freed and reused gets a record of its own). */
static struct sent *find_sent(struct run *run, const struct upq *q)
{
	for (size_t i = run->nsent; i-- > 0;)
		if (run->sent[i].ptr == q && run->sent[i].id == q->id && !run->sent[i].answered)
			return &run->sent[i];
	return NULL;
}

static bool entry_matches(const rp_entry *e, const struct sent *sn)
{
	if (e->once && e->used)
		return false;
	if (e->how == RP_MATCH_EXACT && !dns_name_equal(sn->qname.data, e->name.data))
		return false;
	if (e->how == RP_MATCH_BELOW && !dns_name_is_subdomain(sn->qname.data, e->name.data))
		return false;
	if (e->qtype && e->qtype != sn->qtype)
		return false;
	if ((e->transport == RP_UDP && sn->tcp) || (e->transport == RP_TCP && !sn->tcp))
		return false;
	if ((e->edns == RP_EDNS && !sn->edns) || (e->edns == RP_NO_EDNS && sn->edns))
		return false;
	return true;
}

/* The reply a server's entry makes for a query, as a real server would:
 * ID and question echoed, OPT when the query had one, TC and the records
 * that fit when the answer is larger than the query allows over UDP. */
static size_t build_reply(const rp_entry *e, const struct sent *sn, uint8_t *buf, size_t cap)
{
	size_t limit = 65535;
	if (!sn->tcp)
		limit = sn->edns ? (sn->udp_size < 512 ? 512 : sn->udp_size) : 512;
	if (limit > cap)
		limit = cap;
	dns_builder b;
	dns_header h = { .id = e->wrong_id ? (uint16_t)(sn->id ^ 0x5a5a) : sn->id,
			 .flags = (uint16_t)(DNS_F_QR | e->flags), .rcode = (uint8_t)(e->rcode & 15) };
	if (dns_build_init(&b, buf, limit, &h) != DNS_OK)
		return 0;
	if (sn->edns && dns_build_reserve(&b, dns_edns_wire_size(0)) != DNS_OK)
		return 0;
	if (dns_build_question(&b, e->has_question ? e->question.data : sn->qname.data,
			       e->has_question ? e->question_type : sn->qtype, DNS_C_IN) != DNS_OK)
		return 0;
	/* TC when the answer or authority section did not fit; a cut in
	 * the additional section only drops what did not fit (RFC 2181 9). */
	bool tc = e->truncate && !sn->tcp, cut = tc;
	for (int s = 0; s < 3 && !cut; s++)
		for (size_t i = 0; i < e->sec[s].n && !cut; i++)
			if (dns_build_rr(&b, s + 1, &e->sec[s].rr[i]) != DNS_OK) {
				cut = true;
				tc = s < 2;
			}
	if (tc)
		dns_build_set_tc(&b);
	if (sn->edns) {
		dns_edns ed = { .present = true, .udp_size = DNS_EDNS_DEFAULT,
				.ext_rcode = (uint8_t)(e->rcode >> 4) };
		if (dns_build_edns(&b, &ed) != DNS_OK)
			return 0;
	}
	return dns_build_finish(&b);
}

static rp_server *find_server(struct run *run, const net_addr *a)
{
	for (size_t i = 0; i < run->s->nservers; i++)
		if (same_host(&run->s->servers[i].addr, a))
			return &run->s->servers[i];
	return NULL;
}

/* Let every query whose deadline has come time out. */
static void time_out(struct run *run, const struct upq *q)
{
	if (run->r.now_ms < q->deadline_ms)
		run->r.now_ms = q->deadline_ms;
	(void)upstream_expire(&run->r);
}

/* Answer (or not) the oldest query in flight, from the script. */
static void serve(struct run *run, struct upq *q)
{
	char ab[80], nb[DNS_NAME_MAXTEXT], tb[DNS_MNEMONIC_MAX];
	struct sent *sn = find_sent(run, q);
	if (sn == NULL) {
		fail(run, NULL, "a query in flight that the hook never saw");
		time_out(run, q);
		return;
	}
	if (sn->bogus_answered) {
		note(run, "  <- (the real answer never comes: timeout)");
		sn->answered = true;
		time_out(run, q);
		return;
	}
	rp_server *sv = find_server(run, &q->server);
	rp_entry *e = NULL;
	for (size_t i = 0; sv && i < sv->nentries && e == NULL; i++)
		if (entry_matches(&sv->entries[i], sn))
			e = &sv->entries[i];
	if (sv == NULL || (e && e->timeout)) {
		note(run, "  <- %s: %s", addr_text(&q->server, ab, sizeof ab),
		     sv ? "timeout" : "no such server: timeout");
		if (e && e->once)
			e->used = true;
		sn->answered = true;
		time_out(run, q);
		return;
	}
	static rp_entry refused = { .rcode = DNS_R_REFUSED };
	if (e == NULL) {
		note(run, "  <- %s: no entry for %s %s: REFUSED", sv->text,
		     name_text(sn->qname.data, nb, sizeof nb), dns_type_to_text(sn->qtype, tb));
		e = &refused;
	} else if (e->once) {
		e->used = true;
	}
	static uint8_t buf[65535];
	size_t len = build_reply(e, sn, buf, sizeof buf);
	if (len == 0) {
		fail(run, NULL, "the reply of the entry at line %u cannot be built", e->line);
		time_out(run, q);
		return;
	}
	char rb[DNS_MNEMONIC_MAX];
	note(run, "  <- %s: entry line %u, %s%s, %zu bytes%s%s%s", sv->text, e->line,
	     dns_rcode_to_text(e->rcode, rb), (buf[2] & 0x02) ? " TC" : "", len,
	     e->has_from ? ", from another address" : "", e->wrong_id ? ", wrong ID" : "",
	     e->has_question ? ", another question" : "");
	run->r.now_ms += sv->rtt_ms;
	net_addr from = e->has_from ? e->from : q->server;
	bool bogus = e->has_from || e->wrong_id || e->has_question;
	if (bogus)
		sn->bogus_answered = true;
	else
		sn->answered = true;
	upstream_receive(&run->r, q, &from, buf, len);
	(void)ab;
}

/* Events of the client side (TCP connections the resolver serves). */
static void client_events(struct run *run)
{
	struct epoll_event evs[16];
	int n = epoll_wait(run->r.epfd, evs, 16, 0);
	for (int i = 0; i < n; i++) {
		ev_tag *tag = evs[i].data.ptr;
		if (tag->kind == EV_TCP_LISTEN || tag->kind == EV_TCP_CONN)
			tcpserver_event(&run->cl.tcp, tag, evs[i].events, run->r.now_ms);
		res_run_wakeups(&run->r);
	}
}

/* Run the resolver until nothing is in flight: the event loop of
 * main.c, with the script for a network and a clock that jumps. */
static void pump(struct run *run)
{
	for (int turn = 0; turn < PUMP_MAX; turn++) {
		res_run_wakeups(&run->r);
		client_events(run);
		/* The oldest query first, as a network would answer. */
		struct upq *q = run->r.upstream;
		while (q && q->next)
			q = q->next;
		if (q == NULL)
			return;
		serve(run, q);
		res_run_wakeups(&run->r);
	}
	fail(run, NULL, "still resolving after %d upstream exchanges", PUMP_MAX);
}

/* recv, after waiting (bounded) for loopback to deliver. */
static ssize_t recv_ready(int fd, void *buf, size_t n)
{
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	if (poll(&pf, 1, 500) < 0)
		return -1;
	return recv(fd, buf, n, MSG_DONTWAIT);
}

static bool read_udp_answer(struct run *run)
{
	/* Loopback hands the datagram over in a softirq that a busy machine
	 * may run a moment later: give it that moment (bounded). */
	ssize_t n = recv_ready(run->udp_client, run->answer_wire, sizeof run->answer_wire);
	if (n < 0)
		return false;
	run->answer_len = (size_t)n;
	return true;
}

/* A TCP answer: the length, then the message (on loopback). */
static bool read_tcp_answer(struct run *run, int fd)
{
	uint8_t len2[2];
	size_t got = 0;
	while (got < 2) {
		ssize_t n = recv_ready(fd, len2 + got, 2 - got);
		if (n <= 0)
			return false;
		got += (size_t)n;
	}
	size_t want = (size_t)len2[0] << 8 | len2[1];
	got = 0;
	while (got < want) {
		ssize_t n = recv_ready(fd, run->answer_wire + got, want - got);
		if (n <= 0)
			return false;
		got += (size_t)n;
	}
	run->answer_len = want;
	return true;
}

static void client_query(struct run *run, const rp_step *st)
{
	uint8_t q[512];
	dns_builder b;
	run->client_id = (uint16_t)(run->client_id * 31 + 7);
	dns_header h = { .id = run->client_id,
			 .flags = (uint16_t)(DNS_F_RD | (st->cd ? DNS_F_CD : 0) |
					     (st->ad ? DNS_F_AD : 0)) };
	size_t len = 0;
	if (dns_build_init(&b, q, sizeof q, &h) == DNS_OK &&
	    (st->noedns || dns_build_reserve(&b, dns_edns_wire_size(0)) == DNS_OK) &&
	    dns_build_question(&b, st->name.data, st->qtype, DNS_C_IN) == DNS_OK) {
		dns_edns ed = { .present = true, .udp_size = DNS_EDNS_DEFAULT,
				.do_bit = st->do_bit };
		if (st->noedns || dns_build_edns(&b, &ed) == DNS_OK)
			len = dns_build_finish(&b);
	}
	if (len == 0) {
		fail(run, st, "cannot build the client's query");
		return;
	}
	char nb[DNS_NAME_MAXTEXT], tb[DNS_MNEMONIC_MAX];
	note(run, "query %s %s%s%s%s%s at %llu ms (line %u)",
	     name_text(st->name.data, nb, sizeof nb), dns_type_to_text(st->qtype, tb),
	     st->tcp ? " over TCP" : "", st->do_bit ? " +do" : "", st->cd ? " +cd" : "",
	     st->ad ? " +ad" : "",
	     (unsigned long long)(run->r.now_ms - START_MS), st->line);
	run->query_mark = run->nsent;
	run->query_ms = run->r.now_ms;
	run->have_answer = false;
	int tfd = -1;
	if (st->tcp) {
		tfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		uint8_t framed[514] = { (uint8_t)(len >> 8), (uint8_t)len };
		memcpy(framed + 2, q, len);
		if (tfd < 0 || connect(tfd, (struct sockaddr *)&run->tcp_addr, sizeof run->tcp_addr) < 0) {
			fail(run, st, "TCP connect to the resolver: %s", strerror(errno));
			if (tfd >= 0)
				close(tfd);
			return;
		}
		/* The connection waits in the listener's queue: its event
		 * makes the resolver accept it. */
		client_events(run);
		if (send(tfd, framed, len + 2, 0) != (ssize_t)(len + 2)) {
			fail(run, st, "TCP send: %s", strerror(errno));
			close(tfd);
			return;
		}
	} else if (sendto(run->udp_client, q, len, 0, (struct sockaddr *)&run->udp_addr,
			  sizeof run->udp_addr) != (ssize_t)len) {
		fail(run, st, "UDP send: %s", strerror(errno));
		return;
	} else {
		clients_udp(&run->r, run->udp_listen);
	}
	pump(run);
	bool got = st->tcp ? read_tcp_answer(run, tfd) : read_udp_answer(run);
	if (tfd >= 0) {
		close(tfd);
		client_events(run);     /* the resolver sees the close */
	}
	run->answer_ms = run->r.now_ms;
	if (!got) {
		fail(run, st, "the client got no answer");
		return;
	}
	dns_err e = dns_msg_parse(&run->answer, run->answer_wire, run->answer_len);
	if (e != DNS_OK) {
		fail(run, st, "the client's answer does not parse (%zu bytes)", run->answer_len);
		return;
	}
	if (run->answer.hdr.id != h.id || !(run->answer.hdr.flags & DNS_F_QR)) {
		fail(run, st, "the client's answer has the wrong ID or no QR");
		return;
	}
	run->have_answer = true;
	static char text[1 << 17];
	size_t tl;
	if (dns_msg_to_text(&run->answer, text, sizeof text, &tl) == DNS_OK)
		note(run, "answer after %llu ms:\n%s",
		     (unsigned long long)(run->answer_ms - run->query_ms), text);
}

/* ---- expectations -------------------------------------------------------------- */

static bool same_rr(const dns_rr *a, const dns_rr *b, bool ttl)
{
	return a->type == b->type && a->rclass == b->rclass && a->rdlen == b->rdlen &&
	       dns_name_equal(a->owner, b->owner) && memcmp(a->rdata, b->rdata, a->rdlen) == 0 &&
	       (!ttl || a->ttl == b->ttl);
}

static const char *rr_text(const dns_rr *rr, char *buf, size_t sz)
{
	if (dns_rr_to_text(rr, buf, sz, NULL) != DNS_OK)
		snprintf(buf, sz, "(unprintable)");
	return buf;
}

static const char *sec_names[3] = { "answer", "authority", "additional" };

static void check_records(struct run *run, const rp_step *st)
{
	const dns_msg *m = &run->answer;
	size_t have = m->count[st->sec];
	bool used[4096] = { false };
	char t[1024];
	if (have > 4096)
		have = 4096;
	for (size_t i = 0; i < st->rrs.n; i++) {
		const dns_rr *want = &st->rrs.rr[i];
		bool ttl = i < st->nttl && st->ttl_given[i];
		bool found = false;
		for (size_t k = 0; k < have && !found; k++)
			if (!used[k] && same_rr(&m->rr[st->sec][k], want, ttl)) {
				found = true;
				used[k] = st->kind != RP_EXPECT_EXCLUDES;
			}
		if (st->kind == RP_EXPECT_EXCLUDES && found)
			fail(run, st, "%s section holds %s", sec_names[st->sec],
			     rr_text(want, t, sizeof t));
		else if (st->kind != RP_EXPECT_EXCLUDES && !found)
			fail(run, st, "%s section lacks %s%s", sec_names[st->sec],
			     rr_text(want, t, sizeof t), ttl ? " (TTL checked)" : "");
	}
	if (st->kind == RP_EXPECT_SECTION)
		for (size_t k = 0; k < have; k++)
			if (!used[k])
				fail(run, st, "%s section has more: %s", sec_names[st->sec],
				     rr_text(&m->rr[st->sec][k], t, sizeof t));
}

static size_t count_queries(struct run *run, const rp_step *st, bool to_addr, bool asked)
{
	size_t n = 0;
	for (size_t i = run->query_mark; i < run->nsent; i++) {
		const struct sent *sn = &run->sent[i];
		if (to_addr && !same_host(&sn->server, &st->addr))
			continue;
		if (asked && ((!st->any_addr && !same_host(&sn->server, &st->addr)) ||
			      sn->qtype != st->qtype || !dns_name_equal(sn->qname.data, st->name.data)))
			continue;
		n++;
	}
	return n;
}

static void check(struct run *run, const rp_step *st)
{
	char a[64], b[64];
	const dns_msg *m = &run->answer;
	bool needs_answer = st->kind <= RP_EXPECT_COUNT;
	if (needs_answer && !run->have_answer) {
		fail(run, st, "no answer to check");
		return;
	}
	size_t n;
	switch (st->kind) {
	case RP_QUERY:
	case RP_TIME:
		break;
	case RP_EXPECT_RCODE:
		if (dns_msg_rcode(m) != st->rcode)
			fail(run, st, "rcode %s, expected %s", dns_rcode_to_text(dns_msg_rcode(m), a),
			     dns_rcode_to_text(st->rcode, b));
		break;
	case RP_EXPECT_EDE:
	case RP_EXPECT_NO_EDE: {
		uint16_t code = 0;
		const char *text = NULL;
		size_t tl = 0;
		bool has = m->edns.present &&
			   dns_ede_find(m->edns.options, m->edns.options_len, &code, &text, &tl,
					NULL);
		if (st->kind == RP_EXPECT_NO_EDE && has)
			fail(run, st, "an EDE %u (%.*s) came with the answer", code, (int)tl, text);
		else if (st->kind == RP_EXPECT_EDE && !has)
			fail(run, st, "no EDE came with the answer, expected %lld", st->number);
		else if (st->kind == RP_EXPECT_EDE && code != st->number)
			fail(run, st, "EDE %u (%.*s), expected %lld", code, (int)tl, text, st->number);
		break;
	}
	case RP_EXPECT_FLAG:
	case RP_EXPECT_NO_FLAG:
		if (((m->hdr.flags & st->flag) != 0) != (st->kind == RP_EXPECT_FLAG))
			fail(run, st, "flag 0x%04x is %s", st->flag,
			     (m->hdr.flags & st->flag) ? "set" : "clear");
		break;
	case RP_EXPECT_SECTION:
	case RP_EXPECT_INCLUDES:
	case RP_EXPECT_EXCLUDES:
		check_records(run, st);
		break;
	case RP_EXPECT_COUNT:
		if ((long long)m->count[st->sec] != st->number)
			fail(run, st, "%zu records in the %s section, expected %lld", m->count[st->sec],
			     sec_names[st->sec], st->number);
		break;
	case RP_EXPECT_QUERIES:
	case RP_EXPECT_QUERIES_AT_MOST:
		n = run->nsent - run->query_mark;
		if (st->kind == RP_EXPECT_QUERIES ? (long long)n != st->number
						  : (long long)n > st->number)
			fail(run, st, "%zu upstream queries, expected %s%lld", n,
			     st->kind == RP_EXPECT_QUERIES ? "" : "at most ", st->number);
		break;
	case RP_EXPECT_QUERIES_TO:
		n = count_queries(run, st, true, false);
		if ((long long)n != st->number)
			fail(run, st, "%zu queries to %s, expected %lld", n,
			     addr_text(&st->addr, a, sizeof a), st->number);
		break;
	case RP_EXPECT_ASKED:
	case RP_EXPECT_NOT_ASKED:
		n = count_queries(run, st, false, true);
		if ((n > 0) != (st->kind == RP_EXPECT_ASKED)) {
			char nb[DNS_NAME_MAXTEXT];
			fail(run, st, "%s %s %s was asked %zu times", st->any_addr ? "any" :
			     addr_text(&st->addr, a, sizeof a), name_text(st->name.data, nb, sizeof nb),
			     dns_type_to_text(st->qtype, b), n);
		}
		break;
	case RP_EXPECT_ELAPSED_AT_MOST:
		if (!run->have_answer || (long long)(run->answer_ms - run->query_ms) > st->number)
			fail(run, st, "the answer took %llu ms, expected at most %lld",
			     (unsigned long long)(run->answer_ms - run->query_ms), st->number);
		break;
	case RP_EXPECT_CACHED:
	case RP_EXPECT_NOT_CACHED: {
		const rcache_entry *e = rcache_peek(run->r.cache, st->name.data, st->qtype,
						    DNS_C_IN, run->r.now_ms);
		bool there = e && (st->cache_kind < 0 || (int)e->kind == st->cache_kind);
		if (there != (st->kind == RP_EXPECT_CACHED)) {
			char nb[DNS_NAME_MAXTEXT];
			fail(run, st, "%s %s is %scached%s", name_text(st->name.data, nb, sizeof nb),
			     dns_type_to_text(st->qtype, a), there ? "" : "not ",
			     e && !there ? " (as another kind)" : "");
		}
		break;
	}
	}
}

/* ---- set up and tear down ---------------------------------------------------------- */

static bool write_hints(const rp_scenario *s, char *path, size_t pathsz)
{
	snprintf(path, pathsz, "/tmp/replay-hints.XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0)
		return false;
	FILE *f = fdopen(fd, "w");
	if (f == NULL) {
		close(fd);
		return false;
	}
	for (size_t i = 0; i < s->nhints; i++) {
		char nb[DNS_NAME_MAXTEXT], ab[80];
		name_text(s->hints[i].name.data, nb, sizeof nb);
		addr_text(&s->hints[i].addr, ab, sizeof ab);
		fprintf(f, ". 3600000 IN NS %s\n%s 3600000 IN %s %s\n", nb, nb,
			s->hints[i].addr.ss.ss_family == AF_INET ? "A" : "AAAA", ab);
	}
	return fclose(f) == 0;
}

/* The scenario's trust anchors as a file for the resolver to read. */
static bool write_anchors(const rp_scenario *s, char *path, size_t pathsz)
{
	snprintf(path, pathsz, "/tmp/replay-anchors.XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0)
		return false;
	FILE *f = fdopen(fd, "w");
	if (f == NULL) {
		close(fd);
		return false;
	}
	for (size_t i = 0; i < s->anchors.n; i++) {
		char line[4096];
		if (dns_rr_to_text(&s->anchors.rr[i], line, sizeof line, NULL) == DNS_OK)
			fprintf(f, "%s\n", line);
	}
	return fclose(f) == 0;
}

static bool setup(struct run *run)
{
	rp_scenario *s = run->s;
	char err[512];
	run->udp_listen = run->tcp_listen = run->udp_client = -1;
	run->r.epfd = -1;
	run->logf = open_memstream(&run->log, &run->loglen);
	if (run->logf == NULL || !res_config_init(&run->cfg))
		return false;
	char *allow[] = { "127.0.0.0/8" };
	/* The resolver's own listeners, on a port the kernel picks (a
	 * config file cannot say port 0: it is set here). */
	char *listen[] = { "127.0.0.1" };
	if (!res_config_set(&run->cfg, "allow", allow, 1, err, sizeof err) ||
	    !res_config_set(&run->cfg, "listen", listen, 1, err, sizeof err))
		return false;
	((struct sockaddr_in *)&run->cfg.listen[0].ss)->sin_port = 0;
	for (size_t i = 0; i < s->nconfig; i++)
		if (!res_config_set(&run->cfg, s->config[i][0], s->config[i] + 1,
				    s->nconfig_words[i] - 1, err, sizeof err)) {
			fail(run, NULL, "config: %s", err);
			return false;
		}
	resolver *r = &run->r;
	r->cfg = &run->cfg;
	r->now_ms = START_MS;
	infra_init(&r->infra);
	dns_msg_init(&r->client_msg);
	dns_msg_init(&r->upstream_msg);
	dns_msg_init(&run->answer);
	r->trace = run->logf;
	r->cache = rcache_new(run->cfg.cache_bytes, run->cfg.max_ttl, run->cfg.max_neg_ttl);
	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	char hints[64];
	if (r->cache == NULL || r->epfd < 0 || !write_hints(s, hints, sizeof hints))
		return false;
	bool loaded = hints_load(r, hints, err, sizeof err);
	unlink(hints);
	if (!loaded) {
		fail(run, NULL, "hints: %s", err);
		return false;
	}
	char anchors[64];
	if (s->anchors.n) {
		char *files[] = { anchors };
		if (!write_anchors(s, anchors, sizeof anchors) ||
		    !res_config_set(&run->cfg, "trust-anchor", files, 1, err, sizeof err))
			return false;
	}
	loaded = val_init(r, err, sizeof err);
	if (s->anchors.n)
		unlink(anchors);
	if (!loaded) {
		fail(run, NULL, "trust anchors: %s", err);
		return false;
	}
	if (s->clock)
		val_set_clock(r, (uint32_t)s->clock);
	if (!clients_open(r, &run->cl) || run->cl.ntags != 1 || run->cl.tcp.nlisteners != 1) {
		fail(run, NULL, "the resolver's listeners: %s", strerror(errno));
		return false;
	}
	run->udp_listen = run->cl.tags[0].fd;
	run->tcp_listen = run->cl.tcp.listeners[0]->fd;
	socklen_t alen = sizeof run->udp_addr;
	if (getsockname(run->udp_listen, (struct sockaddr *)&run->udp_addr, &alen) < 0)
		return false;
	alen = sizeof run->tcp_addr;
	if (getsockname(run->tcp_listen, (struct sockaddr *)&run->tcp_addr, &alen) < 0)
		return false;
	run->udp_client = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in any = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (run->udp_listen < 0 || run->tcp_listen < 0 || run->udp_client < 0 ||
	    bind(run->udp_client, (struct sockaddr *)&any, sizeof any) < 0) {
		fail(run, NULL, "loopback sockets: %s", strerror(errno));
		return false;
	}
	upstream_set_transport(hook, run);
	return true;
}

static void teardown(struct run *run)
{
	resolver *r = &run->r;
	upstream_set_transport(NULL, NULL);
	res_free_requests(r);
	upstream_free_all(r);
	clients_close(r, &run->cl);
	if (r->epfd >= 0)
		close(r->epfd);
	rcache_free(r->cache);
	val_free(r);
	infra_free(&r->infra);
	rrlist_free(&r->hints);
	dns_msg_free(&r->client_msg);
	dns_msg_free(&r->upstream_msg);
	dns_msg_free(&run->answer);
	res_config_free(&run->cfg);
	/* The listeners were the resolver's: clients_close closed them. */
	if (run->udp_client >= 0)
		close(run->udp_client);
	free(run->sent);
	if (run->logf)
		fclose(run->logf);
	free(run->log);
}

/* Run one scenario; true when every expectation held. */
static bool run_scenario(rp_scenario *s, bool verbose, bool quiet)
{
	struct run *run = calloc(1, sizeof *run);
	if (run == NULL)
		return false;
	run->s = s;
	run->quiet = quiet;
	if (setup(run)) {
		for (size_t i = 0; i < s->nsteps; i++) {
			const rp_step *st = &s->steps[i];
			if (st->kind == RP_QUERY)
				client_query(run, st);
			else if (st->kind == RP_TIME) {
				run->r.now_ms += (uint64_t)st->number * 1000;
				note(run, "time +%lld s", st->number);
			} else
				check(run, st);
		}
	} else if (!run->failed) {
		fail(run, NULL, "cannot set up the resolver: %s", strerror(errno));
	}
	bool ok = !run->failed;
	if (run->logf)
		fflush(run->logf);
	if (((!ok && !quiet) || verbose) && run->log)
		fprintf(stderr, "---- %s: %s\n%s---- end of %s\n", s->name, s->about, run->log,
			s->name);
	teardown(run);
	free(run);
	return ok;
}

/* ---- the folder ----------------------------------------------------------------------- */

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The .rpl files of a folder, sorted; NULL-terminated. */
static char **list_folder(const char *dir, size_t *n)
{
	*n = 0;
	DIR *d = opendir(dir);
	if (d == NULL)
		return NULL;
	char **out = NULL;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		if (l < 5 || strcmp(de->d_name + l - 4, ".rpl") != 0)
			continue;
		char **p = realloc(out, (*n + 2) * sizeof *p);
		if (p == NULL)
			break;
		out = p;
		size_t need = strlen(dir) + l + 2;
		if ((out[*n] = malloc(need)) == NULL)
			break;
		snprintf(out[*n], need, "%s/%s", dir, de->d_name);
		(*n)++;
		out[*n] = NULL;
	}
	closedir(d);
	if (out)
		qsort(out, *n, sizeof *out, by_name);
	return out;
}

/* tests/data/replay: from REPLAY_DIR, the working directory (make test
 * runs at the top of the tree) or the binary's place in build/asan/. */
static bool find_folder(char *out, size_t outsz)
{
	const char *env = getenv("REPLAY_DIR");
	if (env && *env) {
		snprintf(out, outsz, "%s", env);
		return true;
	}
	if (access("tests/data/replay", R_OK) == 0) {
		snprintf(out, outsz, "tests/data/replay");
		return true;
	}
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	/* build/asan/tests/resolver/test_iterate: four folders up. */
	for (int up = 0; up < 5; up++) {
		char *slash = strrchr(exe, '/');
		if (slash == NULL)
			return false;
		*slash = '\0';
	}
	int w = snprintf(out, outsz, "%.*s/tests/data/replay", (int)(outsz - 20), exe);
	return w > 0 && (size_t)w < outsz && access(out, R_OK) == 0;
}

static void free_list(char **l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

int main(int argc, char **argv)
{
	bool verbose = getenv("REPLAY_VERBOSE") && *getenv("REPLAY_VERBOSE") == '1';
	int passed = 0, failed = 0, skipped = 0;
	char dir[PATH_MAX], pending[PATH_MAX + 16];
	char **files = NULL, **later = NULL;
	size_t nfiles = 0, nlater = 0;
	if (argc > 1) {
		files = (char **)(argv + 1);
		nfiles = (size_t)(argc - 1);
	} else {
		if (!find_folder(dir, sizeof dir)) {
			fprintf(stderr, "test_iterate: no tests/data/replay (set REPLAY_DIR)\n");
			printf("iterate: 0 passed, 1 failed\n");
			return 1;
		}
		files = list_folder(dir, &nfiles);
		snprintf(pending, sizeof pending, "%s/pending", dir);
		later = list_folder(pending, &nlater);
		if (nfiles == 0) {
			fprintf(stderr, "test_iterate: no scenarios in %s\n", dir);
			failed++;
		}
	}
	for (size_t i = 0; i < nfiles; i++) {
		rp_scenario s;
		bool ok = rp_read(&s, files[i]);
		if (!ok)
			fprintf(stderr, "%s\n", s.error);
		else
			ok = run_scenario(&s, verbose, false);
		if (ok)
			passed++;
		else {
			failed++;
			fprintf(stderr, "FAIL %s\n", s.name);
		}
		rp_free(&s);
	}
	/* Pending: pins of behaviour still wrong.  Run (so they stay valid
	 * and the day one starts passing shows), reported, not counted. */
	for (size_t i = 0; i < nlater; i++) {
		rp_scenario s;
		bool ok = rp_read(&s, later[i]);
		if (ok) {
			ok = run_scenario(&s, verbose, true);
			printf("iterate: skipped %s (pending%s): %s\n", s.name,
			       ok ? ", passes now: move it up" : "",
			       s.pending[0] ? s.pending : s.about);
		} else {
			printf("iterate: skipped %s: does not read: %s\n", later[i], s.error);
		}
		skipped++;
		rp_free(&s);
	}
	if (argc <= 1) {
		free_list(files, nfiles);
		free_list(later, nlater);
	}
	if (skipped)
		printf("iterate: %d pending scenarios skipped\n", skipped);
	printf("iterate: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
