/* ALIAS targets' addresses: a small cache of lookups sent to the
 * configured resolver, one UDP socket per lookup in flight, and the
 * queries waiting for them. */
#include "auth/alias.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dns/soa.h"
#include "io/clock.h"
#include "io/log.h"

void alias_init(alias_res *ar, const net_addr *server, int epfd, int ev_kind,
		alias_replay_fn replay, void *replay_ctx, auth_stats *stats)
{
	memset(ar, 0, sizeof *ar);
	ar->server = *server;
	ar->epfd = epfd;
	ar->ev_kind = ev_kind;
	ar->replay = replay;
	ar->replay_ctx = replay_ctx;
	ar->stats = stats;
	dns_msg_init(&ar->msg);
}

static void stop_lookup(alias_res *ar, alias_entry *e)
{
	if (e->tag.fd < 0)
		return;
	(void)epoll_ctl(ar->epfd, EPOLL_CTL_DEL, e->tag.fd, NULL);
	close(e->tag.fd);
	e->tag.fd = -1;
}

static void drop_parked(alias_res *ar, alias_entry *e)
{
	while (e->parked) {
		alias_parked *p = e->parked;
		e->parked = p->next;
		if (p->conn)
			tcpserver_release(p->conn);
		free(p);
		ar->nparked--;
	}
}

void alias_free(alias_res *ar)
{
	while (ar->entries) {
		alias_entry *e = ar->entries;
		ar->entries = e->next;
		stop_lookup(ar, e);
		drop_parked(ar, e);
		free(e);
	}
	dns_msg_free(&ar->msg);
}

static alias_entry *find(alias_res *ar, const uint8_t *target, uint16_t qtype)
{
	for (alias_entry *e = ar->entries; e; e = e->next)
		if (e->qtype == qtype && dns_name_equal(e->target.data, target))
			return e;
	return NULL;
}

/* Targets no longer asked for (their data run out, nothing in flight or
 * waiting) make room for new ones. */
static void forget_idle(alias_res *ar, uint64_t now)
{
	for (alias_entry **pp = &ar->entries; *pp;) {
		alias_entry *e = *pp;
		if (e->tag.fd < 0 && e->parked == NULL && now >= e->expires_ms &&
		    now >= e->failed_until_ms) {
			*pp = e->next;
			free(e);
			ar->nentries--;
		} else {
			pp = &e->next;
		}
	}
}

static bool send_query(alias_entry *e)
{
	uint8_t buf[512];
	dns_builder b;
	arc4random_buf(&e->id, sizeof e->id);
	/* RD: the resolver does the work. */
	dns_header h = { .id = e->id, .flags = DNS_F_RD };
	dns_edns edns = { .present = true, .udp_size = 1232 };
	if (dns_build_init(&b, buf, sizeof buf, &h) != DNS_OK ||
	    dns_build_reserve(&b, dns_edns_wire_size(0)) != DNS_OK ||
	    dns_build_question(&b, e->target.data, e->qtype, DNS_C_IN) != DNS_OK ||
	    dns_build_edns(&b, &edns) != DNS_OK)
		return false;
	size_t len = dns_build_finish(&b);
	return len > 0 && send(e->tag.fd, buf, len, 0) == (ssize_t)len;
}

/* One lookup for the entry, from a socket of its own (the kernel picks
 * the port; the ID is random), connected so only the resolver's
 * datagrams come in. */
static bool start_lookup(alias_res *ar, alias_entry *e, uint64_t now)
{
	int fd = socket(ar->server.ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	if (connect(fd, (const struct sockaddr *)&ar->server.ss, ar->server.len) < 0) {
		close(fd);
		return false;
	}
	e->tag = (ev_tag){ ar->ev_kind, fd };
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &e->tag };
	if (epoll_ctl(ar->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		close(fd);
		e->tag.fd = -1;
		return false;
	}
	e->tries = 1;
	e->deadline_ms = now + ALIAS_TRY_MS;
	ar->stats->alias_lookups++;
	if (!send_query(e)) {
		stop_lookup(ar, e);
		return false;
	}
	return true;
}

/* Everyone waiting for the entry is answered again, now that it knows
 * (or has given up). */
static void replay_parked(alias_res *ar, alias_entry *e)
{
	alias_parked *list = e->parked;
	e->parked = NULL;
	ar->replaying = true;
	while (list) {
		alias_parked *p = list;
		list = p->next;
		ar->replay(ar->replay_ctx, p);
		if (p->conn)
			tcpserver_release(p->conn);
		free(p);
		ar->nparked--;
	}
	ar->replaying = false;
}

static void lookup_failed(alias_res *ar, alias_entry *e, uint64_t now, const char *why)
{
	char nb[DNS_NAME_MAXTEXT] = "?";
	(void)dns_name_to_text(e->target.data, nb, sizeof nb, NULL);
	log_msg("alias: %s: the resolver %s", nb, why);
	stop_lookup(ar, e);
	ar->stats->alias_failures++;
	e->failed_until_ms = now + ALIAS_FAIL_HOLD_MS;
	replay_parked(ar, e);
}

auth_alias_status alias_lookup(void *ctx, const uint8_t *target, uint16_t qtype,
			       uint32_t ttl, const dns_rr **rrs, size_t *n, uint32_t *answer_ttl)
{
	alias_res *ar = ctx;
	uint64_t now = (uint64_t)clock_ms();
	alias_entry *e = find(ar, target, qtype);
	if (e == NULL) {
		if (ar->replaying)
			return AUTH_ALIAS_FAILED;
		if (ar->nentries >= ALIAS_ENTRIES_MAX)
			forget_idle(ar, now);
		if (ar->nentries >= ALIAS_ENTRIES_MAX || (e = calloc(1, sizeof *e)) == NULL)
			return AUTH_ALIAS_FAILED;
		dns_name_copy(&e->target, target);
		e->qtype = qtype;
		e->tag.fd = -1;
		e->next = ar->entries;
		ar->entries = e;
		ar->nentries++;
	}
	bool fresh = e->have && now < e->expires_ms;
	/* Replayed after a lookup that succeeded: its addresses, even with
	 * a TTL of 0; after one that failed, only what is still fresh. */
	if (fresh || (ar->replaying && e->have && now >= e->failed_until_ms)) {
		uint64_t left_ms = e->expires_ms > now ? e->expires_ms - now : 0;
		/* Near the end of its life: fetched anew in the background. */
		if (fresh && e->tag.fd < 0 && !ar->replaying && now >= e->failed_until_ms &&
		    left_ms <= (uint64_t)e->ttl * 100 + 1000)
			(void)start_lookup(ar, e, now);
		uint32_t left = (uint32_t)(left_ms / 1000);
		*rrs = e->rrs;
		*n = e->n;
		*answer_ttl = left < ttl ? left : ttl;
		return AUTH_ALIAS_OK;
	}
	if (ar->replaying || now < e->failed_until_ms || ar->nparked >= ALIAS_PARKED_MAX)
		return AUTH_ALIAS_FAILED;
	if (e->tag.fd < 0 && !start_lookup(ar, e, now))
		return AUTH_ALIAS_FAILED;
	ar->asked = e;
	return AUTH_ALIAS_PENDING;
}

bool alias_park(alias_res *ar, int udp_fd, const net_addr *peer, tcpserver_conn *conn,
		const uint8_t *query, size_t len)
{
	alias_entry *e = ar->asked;
	ar->asked = NULL;
	if (e == NULL)
		return false;
	alias_parked *p = malloc(sizeof *p + len);
	if (p == NULL)
		return false;
	p->udp_fd = udp_fd;
	p->peer = *peer;
	p->conn = conn;
	p->len = len;
	memcpy(p->query, query, len);
	if (conn)
		tcpserver_hold(conn);
	p->next = e->parked;
	e->parked = p;
	ar->nparked++;
	return true;
}

/* The resolver's answer: the addresses of the qtype in the answer
 * section (after any CNAMEs), and the lowest TTL of that chain; none
 * (NODATA or NXDOMAIN): for the SOA's negative TTL. */
static bool take_answer(alias_entry *e, const dns_msg *m)
{
	unsigned rcode = dns_msg_rcode(m);
	if (rcode != DNS_R_NOERROR && rcode != DNS_R_NXDOMAIN)
		return false;
	size_t want = e->qtype == DNS_T_A ? 4 : 16;
	uint32_t ttl = UINT32_MAX;
	e->n = 0;
	for (size_t i = 0; i < m->count[0]; i++) {
		const dns_rr *rr = &m->rr[0][i];
		if (rr->rclass != DNS_C_IN)
			continue;
		if (rr->type == DNS_T_CNAME && rr->ttl < ttl)
			ttl = rr->ttl;
		if (rr->type != e->qtype || rr->rdlen != want || e->n == ALIAS_ADDR_MAX)
			continue;
		if (rr->ttl < ttl)
			ttl = rr->ttl;
		memcpy(e->data[e->n], rr->rdata, want);
		e->rrs[e->n] = (dns_rr){ NULL, e->qtype, DNS_C_IN, 0, (uint16_t)want,
					 e->data[e->n] };
		e->n++;
	}
	if (e->n == 0) {
		ttl = ALIAS_NODATA_TTL;
		for (size_t i = 0; i < m->count[1]; i++) {
			const dns_rr *rr = &m->rr[1][i];
			uint32_t neg;
			if (rr->type == DNS_T_SOA &&
			    dns_soa_negative_ttl(rr->ttl, rr->rdata, rr->rdlen, &neg) == DNS_OK)
				ttl = neg;
		}
	}
	e->ttl = ttl;
	return true;
}

void alias_event(alias_res *ar, ev_tag *tag, uint64_t now_ms)
{
	alias_entry *e = (alias_entry *)tag;
	uint8_t buf[65535];
	for (;;) {
		ssize_t len = recv(tag->fd, buf, sizeof buf, 0);
		if (len < 0) {
			if (errno == ECONNREFUSED)
				lookup_failed(ar, e, now_ms, "refused the query (port unreachable)");
			return;
		}
		dns_msg *m = &ar->msg;
		if (dns_msg_parse(m, buf, (size_t)len) != DNS_OK || !(m->hdr.flags & DNS_F_QR) ||
		    m->hdr.id != e->id || m->qdcount != 1 || m->question[0].qtype != e->qtype ||
		    !dns_name_equal(m->question[0].name, e->target.data))
			continue;       /* not the answer: keep waiting */
		if (!take_answer(e, m)) {
			char rb[DNS_MNEMONIC_MAX], why[64];
			snprintf(why, sizeof why, "answered %s",
				 dns_rcode_to_text(dns_msg_rcode(m), rb));
			lookup_failed(ar, e, now_ms, why);
			return;
		}
		stop_lookup(ar, e);
		e->have = true;
		e->expires_ms = now_ms + (uint64_t)e->ttl * 1000;
		e->failed_until_ms = 0;
		replay_parked(ar, e);
		return;
	}
}

int alias_tick(alias_res *ar, uint64_t now_ms)
{
	int next = -1;
	for (alias_entry *e = ar->entries; e; e = e->next) {
		if (e->tag.fd < 0)
			continue;
		if (now_ms >= e->deadline_ms) {
			if (e->tries >= ALIAS_TRIES) {
				lookup_failed(ar, e, now_ms, "did not answer");
				continue;
			}
			e->tries++;
			e->deadline_ms = now_ms + ALIAS_TRY_MS;
			if (!send_query(e)) {
				lookup_failed(ar, e, now_ms, "could not be sent a query");
				continue;
			}
		}
		int left = (int)(e->deadline_ms - now_ms);
		if (next < 0 || left < next)
			next = left;
	}
	return next;
}
