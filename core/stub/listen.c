/* The stub's clients: the applications of its host, asking over UDP and
 * TCP on 127.0.0.53.  A question is answered from the cache when it can
 * be, else forwarded (forward.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dns/stats_txt.h"
#include "io/log.h"
#include "io/sock.h"
#include "stub/stub.h"

/* ---- answers ---------------------------------------------------------- */

/* The records of one section, TTLs less `age`; false when one did not
 * fit. */
static bool put_section(dns_builder *b, int section, const dns_rr *rrs, size_t n,
			uint32_t age)
{
	for (size_t i = 0; i < n; i++) {
		dns_rr rr = rrs[i];
		rr.ttl = rr.ttl > age ? rr.ttl - age : 0;
		if (dns_build_rr(b, section, &rr) != DNS_OK)
			return false;
	}
	return true;
}

void stub_reply(stub *s, const client_ref *c, const uint8_t *qname, uint16_t qtype,
		uint16_t qclass, unsigned rcode, const dns_rr *answer, size_t nanswer,
		const dns_rr *authority, size_t nauthority, uint32_t age,
		const uint8_t *options, uint16_t options_len)
{
	uint8_t out[65535];
	bool tcp = c->conn != NULL;
	size_t limit = tcp ? sizeof out : !c->edns ? DNS_UDP_PLAIN_MAX
		     : c->udp_size < DNS_UDP_PLAIN_MAX ? DNS_UDP_PLAIN_MAX : c->udp_size;
	if (rcode > 15 && !c->edns)
		rcode = DNS_R_SERVFAIL;   /* an extended rcode needs EDNS to travel */
	dns_header h = { .id = c->id, .flags = DNS_F_QR | DNS_F_RA | c->flags,
			 .opcode = DNS_OP_QUERY, .rcode = (uint8_t)(rcode & 15) };
	dns_builder b;
	bool ok = dns_build_init(&b, out, limit, &h) == DNS_OK &&
		  (!c->edns || dns_build_reserve(&b, dns_edns_wire_size(options_len)) == DNS_OK) &&
		  dns_build_question(&b, qname, qtype, qclass) == DNS_OK;
	if (!ok)
		return;
	if (!put_section(&b, DNS_SEC_ANSWER, answer, nanswer, age))
		dns_build_set_tc(&b);    /* the client asks again over TCP */
	else
		(void)put_section(&b, DNS_SEC_AUTHORITY, authority, nauthority, age);
	if (c->edns) {
		dns_edns e = { .present = true, .udp_size = DNS_EDNS_DEFAULT,
			       .ext_rcode = (uint8_t)(rcode >> 4), .do_bit = c->dnssec_ok,
			       .options = options, .options_len = options_len };
		if (dns_build_edns(&b, &e) != DNS_OK)
			return;
	}
	size_t n = dns_build_finish(&b);
	if (tcp) {
		(void)tcpserver_send(c->conn, out, n, s->now_ms);
		tcpserver_release(c->conn);
	} else {
		(void)sendto(c->udp_fd, out, n, 0, (const struct sockaddr *)&c->peer.ss,
			     c->peer.len);
	}
}

/* ---- one query -------------------------------------------------------- */

static void log_query(stub *s, const client_ref *c, const dns_question *q,
		      unsigned rcode, const char *how)
{
	if (s->qlog == NULL)
		return;
	char who[80], name[DNS_NAME_MAXTEXT], type[DNS_MNEMONIC_MAX], rc[DNS_MNEMONIC_MAX];
	net_addr_format((const struct sockaddr *)&c->peer.ss, who, sizeof who);
	if (q == NULL || dns_name_to_text(q->name, name, sizeof name, NULL))
		strcpy(name, "-");
	/* A forwarded question has no rcode yet: the trace has the rest. */
	bool forwarded = strcmp(how, "forwarded") == 0;
	fprintf(s->qlog, "query: %s %s %s %s %s %s\n", who, c->conn ? "tcp" : "udp", name,
		q ? dns_type_to_text(q->qtype, type) : "-",
		forwarded ? "-" : dns_rcode_to_text(rcode, rc), how);
}

/* CH TXT stats.dnsim: the counters, as the other servers give theirs. */
static void stats_txt(stub *s, const client_ref *c, const dns_question *q)
{
	uint8_t rd[1024];
	dns_stats_writer w;
	dns_stats_writer_init(&w, rd, sizeof rd);
	const stub_stats *st = &s->stats;
	const struct { const char *k; unsigned long long v; } items[] = {
		{ "queries", st->queries }, { "cache.hits", st->cache_hits },
		{ "cache.misses", st->cache_misses },
		{ "cache.entries", scache_count(s->cache) },
		{ "upstream.queries", st->upstream }, { "upstream.timeouts", st->timeouts },
		{ "upstream.unreachable", st->unreachable },
		{ "upstream.failovers", st->failovers },
		{ "upstream.tcp_retries", st->tcp_retries },
		{ "servfail", st->servfail }, { "nxdomain", st->nxdomain },
	};
	for (size_t i = 0; i < sizeof items / sizeof items[0]; i++)
		if (dns_stats_put(&w, items[i].k, items[i].v) != DNS_OK)
			break;
	dns_rr rr = { q->name, DNS_T_TXT, DNS_C_CH, 0, (uint16_t)w.len, rd };
	stub_reply(s, c, q->name, q->qtype, q->qclass, DNS_R_NOERROR, &rr, 1, NULL, 0, 0, NULL, 0);
}

static void refuse(stub *s, const client_ref *c, const uint8_t *qname, uint16_t qtype,
		   uint16_t qclass, unsigned rcode)
{
	stub_reply(s, c, qname, qtype, qclass, rcode, NULL, 0, NULL, 0, 0, NULL, 0);
}

static void handle_query(stub *s, const uint8_t *wire, size_t len, int udp_fd,
			 const net_addr *peer, tcpserver_conn *conn)
{
	dns_header h;
	uint16_t counts[4];
	if (dns_header_parse(&h, counts, wire, len) != DNS_OK || (h.flags & DNS_F_QR))
		return;                 /* junk, or a response: silence */
	s->stats.queries++;
	client_ref c = { .udp_fd = conn ? -1 : udp_fd, .peer = *peer, .conn = conn,
			 .id = h.id, .flags = h.flags & (DNS_F_RD | DNS_F_CD) };
	dns_msg *m = &s->msg;
	dns_err perr = dns_msg_parse(m, wire, len);
	if (perr == DNS_OK && m->edns.present) {
		c.edns = true;
		c.udp_size = m->edns.udp_size;
		c.dnssec_ok = m->edns.do_bit;
	}
	c.ad = (h.flags & DNS_F_AD) != 0;
	if (conn)
		tcpserver_hold(conn);   /* released by stub_reply */
	const dns_question *q = perr == DNS_OK && m->qdcount == 1 ? &m->question[0] : NULL;
	if (q == NULL) {
		/* No question to echo: a bare header saying FORMERR. */
		uint8_t out[DNS_HEADER_LEN] = { (uint8_t)(h.id >> 8), (uint8_t)h.id, 0x80, 0x81 };
		if (conn) {
			(void)tcpserver_send(conn, out, sizeof out, s->now_ms);
			tcpserver_release(conn);
		} else {
			(void)sendto(udp_fd, out, sizeof out, 0, (const struct sockaddr *)&peer->ss,
				     peer->len);
		}
		log_query(s, &c, NULL, DNS_R_FORMERR, "malformed");
		return;
	}
	if (h.opcode != DNS_OP_QUERY) {
		refuse(s, &c, q->name, q->qtype, q->qclass, DNS_R_NOTIMP);
		log_query(s, &c, q, DNS_R_NOTIMP, "refused");
		return;
	}
	if (c.edns && m->edns.version != 0) {
		refuse(s, &c, q->name, q->qtype, q->qclass, DNS_R_BADVERS);
		log_query(s, &c, q, DNS_R_BADVERS, "refused");
		return;
	}
	if (q->qclass == DNS_C_CH && q->qtype == DNS_T_TXT) {
		stats_txt(s, &c, q);
		return;
	}
	if (q->qclass != DNS_C_IN || q->qtype == DNS_T_AXFR || q->qtype == DNS_T_IXFR ||
	    dns_type_is_meta(q->qtype)) {
		refuse(s, &c, q->name, q->qtype, q->qclass, DNS_R_REFUSED);
		log_query(s, &c, q, DNS_R_REFUSED, "refused");
		return;
	}
	unsigned rq = ++s->next_rq;
	char nb[DNS_NAME_MAXTEXT], tb[DNS_MNEMONIC_MAX], rb[DNS_MNEMONIC_MAX];
	stub_trace(s, rq, "client", "\"id\":%u,\"qname\":\"%s\",\"qtype\":\"%s\","
		   "\"transport\":\"%s\"", h.id, stub_json_name(q->name, nb, sizeof nb),
		   dns_type_to_text(q->qtype, tb), conn ? "tcp" : "udp");
	/* DNSSEC queries (DO or CD) go to the resolver as they are, past the
	 * cache, whose answers have neither RRSIGs nor a verdict. */
	bool bypass = c.dnssec_ok || (c.flags & DNS_F_CD);
	const scache_entry *e = bypass ? NULL
		: scache_get(s->cache, q->name, q->qtype, q->qclass, s->now_ms);
	if (e) {
		s->stats.cache_hits++;
		if (e->rcode == DNS_R_NXDOMAIN)
			s->stats.nxdomain++;
		uint32_t age = scache_age(e, s->now_ms);
		stub_trace(s, rq, "cache_hit", "\"rcode\":\"%s\",\"answers\":%zu,\"ttl\":%u,"
			   "\"negative\":%s", dns_rcode_to_text(e->rcode, rb), e->nanswer,
			   scache_ttl_left(e, s->now_ms), e->negative ? "true" : "false");
		stub_reply(s, &c, q->name, q->qtype, q->qclass, e->rcode, e->rrs, e->nanswer,
			   e->rrs + e->nanswer, e->nauthority, age, NULL, 0);
		stub_trace(s, rq, "done", "\"rcode\":\"%s\",\"ms\":0",
			   dns_rcode_to_text(e->rcode, rb));
		log_query(s, &c, q, e->rcode, "cache");
		return;
	}
	s->stats.cache_misses++;
	stub_trace(s, rq, "cache_miss", NULL);
	if (!stub_forward_start(s, &c, q, rq)) {
		s->stats.servfail++;
		refuse(s, &c, q->name, q->qtype, q->qclass, DNS_R_SERVFAIL);
		stub_trace(s, rq, "done", "\"rcode\":\"SERVFAIL\",\"ms\":0");
		log_query(s, &c, q, DNS_R_SERVFAIL, "cannot forward");
		return;
	}
	log_query(s, &c, q, DNS_R_NOERROR, "forwarded");
}

/* ---- sockets ---------------------------------------------------------- */

static bool tcp_query(void *ctx, tcpserver_conn *conn, const uint8_t *msg, size_t len,
		      uint64_t now_ms)
{
	stub *s = ctx;
	s->now_ms = now_ms;
	handle_query(s, msg, len, -1, &conn->peer, conn);
	return true;
}

bool stub_clients_open(stub *s)
{
	const stub_config *cfg = s->cfg;
	tcpserver_limits lim = tcpserver_limits_from(cfg->tcp.max_conns, cfg->tcp.idle_s,
						     cfg->tcp.message_s, cfg->tcp.output_max);
	tcpserver_init(&s->tcp, s->epfd, &lim, tcp_query, s);
	s->udp_tags = calloc(cfg->nlisten, sizeof *s->udp_tags);
	if (s->udp_tags == NULL)
		return false;
	for (size_t i = 0; i < cfg->nlisten; i++)
		for (int t = 0; t < 2; t++) {
			int fd = sock_listen(&cfg->listen[i], t ? SOCK_STREAM : SOCK_DGRAM);
			if (fd < 0) {
				char where[80];
				net_addr_format((const struct sockaddr *)&cfg->listen[i].ss, where,
						sizeof where);
				log_msg("cannot listen on %s (%s): %s", where, t ? "TCP" : "UDP",
					strerror(errno));
				return false;
			}
			if (t) {
				if (!tcpserver_listen(&s->tcp, fd))
					return false;
				continue;
			}
			ev_tag *tag = &s->udp_tags[s->nudp++];
			*tag = (ev_tag){ EV_CLIENT_UDP, fd };
			struct epoll_event ev = { .events = EPOLLIN, .data.ptr = tag };
			if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
				return false;
		}
	return true;
}

void stub_clients_close(stub *s)
{
	tcpserver_close_all(&s->tcp);
	for (size_t i = 0; i < s->nudp; i++)
		close(s->udp_tags[i].fd);
	free(s->udp_tags);
	s->udp_tags = NULL;
	s->nudp = 0;
}

void stub_clients_udp(stub *s, int fd)
{
	uint8_t buf[65535];
	for (int i = 0; i < 64; i++) {
		net_addr peer;
		peer.len = sizeof peer.ss;
		ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&peer.ss, &peer.len);
		if (n < 0)
			return;
		handle_query(s, buf, (size_t)n, fd, &peer, NULL);
	}
}
