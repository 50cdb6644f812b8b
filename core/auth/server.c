/* dnsim-auth's event loop: UDP and TCP listeners, connections, signals. */
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "io/clock.h"
#include "auth/anscache.h"
#include "auth/axfr.h"
#include "auth/zones.h"
#include "io/log.h"
#include "io/sock.h"

#define UDP_BATCH 64          /* datagrams per wakeup, at most */
#define UDP_VEC 32            /* datagrams per system call */
#define UDP_QUERY_MAX 4096    /* longer queries are dropped */

/* What the epoll events of the UDP sockets and the signals point to;
 * the TCP server's have kinds of their own (io/ev.h). */
enum { EV_UDP = EV_KIND_OWN, EV_SIGNAL };

static uint64_t now_ms(void)
{
	return (uint64_t)clock_ms();
}

static time_t now_s(void)
{
	return (time_t)(clock_ms() / 1000);
}

/* Datagrams move in batches, one recvmmsg() and one sendmmsg() for up to
 * UDP_VEC of them, as Knot and NSD do: under load the system calls, not
 * the answers, are what costs. */
struct udp_batch {
	struct mmsghdr in[UDP_VEC], out[UDP_VEC];
	struct iovec iov_in[UDP_VEC], iov_out[UDP_VEC];
	struct sockaddr_storage peer[UDP_VEC];
	uint8_t query[UDP_VEC][UDP_QUERY_MAX];
	uint8_t *answers;         /* UDP_VEC answers of max_udp octets */
};

static bool batch_init(auth_server *s)
{
	s->batch = calloc(1, sizeof *s->batch);
	if (s->batch == NULL)
		return false;
	s->batch->answers = malloc(UDP_VEC * s->cfg->max_udp);
	return s->batch->answers != NULL;
}

static void batch_free(auth_server *s)
{
	if (s->batch)
		free(s->batch->answers);
	free(s->batch);
	s->batch = NULL;
}

/* ---- zones and views ----------------------------------------------------- */

static bool load_view(auth_view *v, const auth_view_conf *vc)
{
	v->conf = vc;
	v->zs.zones = calloc(vc->nzones ? vc->nzones : 1, sizeof *v->zs.zones);
	if (v->zs.zones == NULL)
		return false;
	bool ok = true;
	for (size_t i = 0; i < vc->nzones; i++) {
		char err[4096];
		auth_zone *z = auth_zone_load(vc->zones[i].origin, vc->zones[i].file,
					      err, sizeof err);
		if (z == NULL) {
			log_msg("zone %s did not load:\n%s", vc->zones[i].origin, err);
			ok = false;
			continue;
		}
		v->zs.zones[v->zs.nzones++] = z;
	}
	return ok;
}

/* SIGHUP: load every zone again; one that fails keeps its old data. */
static void reload_zones(auth_server *s)
{
	size_t loaded = 0, kept = 0;
	for (size_t v = 0; v < s->nviews; v++) {
		auth_view *view = &s->views[v];
		for (size_t i = 0; i < view->zs.nzones; i++) {
			auth_zone *old = view->zs.zones[i];
			char origin[DNS_NAME_MAXTEXT], err[4096];
			if (dns_name_to_text(old->origin.data, origin, sizeof origin, NULL))
				continue;
			auth_zone *z = auth_zone_load(origin, old->file, err, sizeof err);
			if (z == NULL) {
				log_msg("reload: zone %s keeps its old data:\n%s", origin, err);
				kept++;
				continue;
			}
			view->zs.zones[i] = z;
			auth_zone_free(old);
			loaded++;
		}
	}
	/* Answers made from the old data go with it. */
	anscache_clear(s->cache);
	log_msg("reload: %zu zones loaded, %zu kept their old data", loaded, kept);
}

static const auth_view *view_for(const auth_server *s, const struct sockaddr *sa)
{
	for (size_t v = 1; v < s->nviews; v++)
		for (size_t i = 0; i < s->views[v].conf->nmatch; i++)
			if (net_prefix_match(&s->views[v].conf->match[i], sa))
				return &s->views[v];
	return &s->views[0];
}

static bool xfr_allowed(const auth_server *s, const struct sockaddr *sa)
{
	for (size_t i = 0; i < s->cfg->nxfr; i++)
		if (net_prefix_match(&s->cfg->xfr[i], sa))
			return true;
	return false;
}

static bool tcp_query(void *ctx, tcpserver_conn *c, const uint8_t *q, size_t len,
		      uint64_t now_ms);

/* ---- sockets ---------------------------------------------------------------- */

static bool watch(auth_server *s, int fd, uint32_t events, struct ev_tag *tag)
{
	struct epoll_event ev = { .events = events, .data.ptr = tag };
	return epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) == 0;
}

static bool setup_signals(auth_server *s)
{
	s->sigfd = sock_signals();
	if (s->sigfd < 0)
		return false;
	s->signal_tag->kind = EV_SIGNAL;
	s->signal_tag->fd = s->sigfd;
	return watch(s, s->sigfd, EPOLLIN, s->signal_tag);
}

bool auth_server_setup(auth_server *s, const auth_config *cfg)
{
	memset(s, 0, sizeof *s);
	s->cfg = cfg;
	s->epfd = -1;
	s->sigfd = -1;
	auth_answerer_init(&s->ans, cfg->max_udp, cfg->identity, &s->stats);
	if (!batch_init(s))
		return false;
	/* 64k buckets: the prefixes of a whole classroom and then some, in
	 * a fixed 2.5 MB. */
	if (!rrl_init(&s->rrl, cfg->rate_limit, cfg->rate_slip, cfg->rate_limit ? 65536 : 0))
		return false;
	/* A few hundred bytes an answer, 8 MB at most. */
	if (cfg->answer_cache && (s->cache = anscache_new(cfg->answer_cache, 8u << 20)) == NULL)
		return false;

	s->views = calloc(cfg->nviews, sizeof *s->views);
	if (s->views == NULL)
		return false;
	s->nviews = cfg->nviews;
	bool ok = true;
	size_t nzones = 0;
	for (size_t v = 0; v < cfg->nviews; v++) {
		ok = load_view(&s->views[v], &cfg->views[v]) && ok;
		nzones += s->views[v].zs.nzones;
	}
	if (!ok)
		return false;

	if (cfg->query_log) {
		if (strcmp(cfg->query_log, "stderr") == 0)
			s->qlog = stderr;
		else if ((s->qlog = fopen(cfg->query_log, "a")) == NULL) {
			log_msg("query log %s: %s", cfg->query_log, strerror(errno));
			return false;
		}
		setvbuf(s->qlog, NULL, _IOLBF, 0);
	}

	s->socks = calloc(cfg->nlisten, sizeof *s->socks);
	s->tags = calloc(cfg->nlisten + 1, sizeof *s->tags);
	if (s->socks == NULL || s->tags == NULL)
		return false;
	s->signal_tag = &s->tags[0];
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0 || !setup_signals(s)) {
		log_msg("event loop: %s", strerror(errno));
		return false;
	}
	tcpserver_limits lim = tcpserver_limits_from(cfg->tcp.max_conns, cfg->tcp.idle_s,
						     cfg->tcp.message_s, cfg->tcp.output_max);
	tcpserver_init(&s->tcp, s->epfd, &lim, tcp_query, s);

	for (size_t i = 0; i < cfg->nlisten; i++) {
		char where[80];
		net_addr_format((const struct sockaddr *)&cfg->listen[i].ss, where,
				sizeof where);
		for (int t = 0; t < 2; t++) {
			int type = t ? SOCK_STREAM : SOCK_DGRAM;
			int fd = sock_listen(&cfg->listen[i], type);
			if (fd < 0) {
				log_msg("cannot listen on %s (%s): %s", where,
					t ? "TCP" : "UDP", strerror(errno));
				return false;
			}
			bool watched;
			if (type == SOCK_STREAM)
				watched = tcpserver_listen(&s->tcp, fd);
			else {
				struct ev_tag *tag = &s->tags[1 + s->nsocks];
				*tag = (struct ev_tag){ EV_UDP, fd };
				s->socks[s->nsocks++] = fd;
				watched = watch(s, fd, EPOLLIN, tag);
			}
			if (!watched) {
				log_msg("epoll: %s", strerror(errno));
				return false;
			}
		}
	}
	log_msg("ready: %zu zone%s, %zu view%s, listening on %zu address%s",
		nzones, nzones == 1 ? "" : "s", s->nviews, s->nviews == 1 ? "" : "s",
		cfg->nlisten, cfg->nlisten == 1 ? "" : "es");
	return true;
}

/* ---- one query ----------------------------------------------------------------- */

static void log_query(auth_server *s, const struct sockaddr *peer, bool tcp,
		      const auth_result *r)
{
	char who[80], name[DNS_NAME_MAXTEXT] = "-", type[DNS_MNEMONIC_MAX] = "-",
		rcode[DNS_MNEMONIC_MAX], flags[40] = "";
	static const struct { uint16_t bit; const char *n; } fl[] = {
		{ DNS_F_QR, "qr" }, { DNS_F_AA, "aa" }, { DNS_F_TC, "tc" },
		{ DNS_F_RD, "rd" }, { DNS_F_RA, "ra" }, { DNS_F_CD, "cd" },
	};
	net_addr_format(peer, who, sizeof who);
	if (r->has_question) {
		(void)dns_name_to_text(r->qname.data, name, sizeof name, NULL);
		dns_type_to_text(r->qtype, type);
	}
	for (size_t i = 0; i < sizeof fl / sizeof fl[0]; i++)
		if (r->flags & fl[i].bit) {
			if (flags[0])
				strcat(flags, ",");
			strcat(flags, fl[i].n);
		}
	if (r->edns)
		strcat(flags, flags[0] ? ",edns" : "edns");
	fprintf(s->qlog, "query: %s %s %s %s %s flags=%s size=%zu\n", who,
		tcp ? "tcp" : "udp", name, type,
		r->drop ? "DROPPED" : dns_rcode_to_text(r->rcode, rcode),
		flags[0] ? flags : "-", r->size);
}

static void account(auth_server *s, const struct sockaddr *peer, bool tcp,
		    const auth_result *r)
{
	auth_stats_count(&s->stats, tcp, r->drop, (r->flags & DNS_F_TC) != 0,
			 r->qtype, r->rcode, r->has_question);
	if (s->qlog)
		log_query(s, peer, tcp, r);
}

/* The answer cut down to its header and question, with TC set: what a
 * rate-limited client gets now and then ("slip"), so that a real one
 * retries over TCP.  0 when the query's question cannot be found. */
static size_t slip_answer(uint8_t *out, size_t outlen, const uint8_t *query, size_t qlen)
{
	size_t p = DNS_HEADER_LEN;
	while (p < qlen && query[p] != 0) {
		if (query[p] & 0xc0)
			return 0;           /* no pointers in a question's name */
		p += 1 + query[p];
	}
	p += 1 + 4;                 /* the root label, type and class */
	if (p > qlen || p > outlen || outlen < DNS_HEADER_LEN)
		return 0;
	memcpy(out + DNS_HEADER_LEN, query + DNS_HEADER_LEN, p - DNS_HEADER_LEN);
	out[2] |= 0x02;             /* TC */
	out[4] = 0;
	out[5] = 1;                 /* one question, nothing else */
	memset(out + 6, 0, 6);
	return p;
}

/* One UDP query: from the answer cache when the same query was answered
 * already (for the same view and round-robin phase), else answered and
 * kept. */
static size_t answer_udp(auth_server *s, const auth_view *v, const uint8_t *query,
			 size_t qlen, uint8_t *out, size_t max, auth_result *r)
{
	anscache_key key;
	bool keyed = s->cache && anscache_key_of(query, qlen, (size_t)(v - s->views),
						 s->cfg->max_udp, &key);
	uint32_t rotate = s->ans.rotate;
	if (keyed) {
		size_t len = anscache_get(s->cache, &key, rotate, query, out, max, r);
		if (len) {
			/* The round robin turns as if it had been answered. */
			s->ans.rotate++;
			return len;
		}
	}
	size_t len = auth_answer(&s->ans, &v->zs, false, query, qlen, out, max, r);
	if (keyed && len)
		anscache_put(s->cache, &key, rotate, out, len, r);
	return len;
}

static void handle_udp(auth_server *s, int fd)
{
	struct udp_batch *b = s->batch;
	size_t max = s->cfg->max_udp;
	for (int round = 0; round < UDP_BATCH / UDP_VEC; round++) {
		for (int i = 0; i < UDP_VEC; i++) {
			b->iov_in[i] = (struct iovec){ b->query[i], UDP_QUERY_MAX };
			b->in[i].msg_hdr = (struct msghdr){
				.msg_name = &b->peer[i], .msg_namelen = sizeof b->peer[i],
				.msg_iov = &b->iov_in[i], .msg_iovlen = 1 };
		}
		int n = recvmmsg(fd, b->in, UDP_VEC, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;     /* EAGAIN, or an ICMP error reported late */
		int k = 0;
		for (int i = 0; i < n; i++) {
			const struct sockaddr *peer = (const struct sockaddr *)&b->peer[i];
			/* A query longer than any sane one: cut, so dropped. */
			if (b->in[i].msg_hdr.msg_flags & MSG_TRUNC)
				continue;
			const auth_view *v = view_for(s, peer);
			auth_result r;
			uint8_t *out = b->answers + (size_t)k * max;
			size_t len = answer_udp(s, v, b->query[i], b->in[i].msg_len, out, max, &r);
			account(s, peer, false, &r);
			if (len == 0)
				continue;
			switch (rrl_check(&s->rrl, peer, s->rrl.rate ? now_s() : 0)) {
			case RRL_SEND:
				break;
			case RRL_DROP:
				s->stats.rrl_dropped++;
				continue;
			case RRL_SLIP:
				s->stats.rrl_slipped++;
				len = slip_answer(out, len, b->query[i], b->in[i].msg_len);
				if (len == 0)
					continue;
				break;
			}
			b->iov_out[k] = (struct iovec){ out, len };
			b->out[k].msg_hdr = (struct msghdr){
				.msg_name = &b->peer[i], .msg_namelen = b->in[i].msg_hdr.msg_namelen,
				.msg_iov = &b->iov_out[k], .msg_iovlen = 1 };
			k++;
		}
		for (int sent = 0; sent < k;) {
			int m = sendmmsg(fd, b->out + sent, (unsigned)(k - sent), 0);
			if (m <= 0)
				break;  /* a full socket buffer: the client retries */
			sent += m;
		}
		if (n < UDP_VEC)
			return;
	}
}

/* ---- TCP ------------------------------------------------------------------------- */

/* What an AXFR's messages go out through. */
struct axfr_out {
	tcpserver_conn *conn;
	uint64_t now_ms;
};

static void send_axfr_message(void *ctx, const uint8_t *msg, size_t len)
{
	struct axfr_out *o = ctx;
	(void)tcpserver_send(o->conn, msg, len, o->now_ms);
}

/* One whole message from a TCP client: the answer is queued at once. */
static bool tcp_query(void *ctx, tcpserver_conn *c, const uint8_t *q, size_t len,
		      uint64_t now_ms)
{
	auth_server *s = ctx;
	static uint8_t out[65535];
	const struct sockaddr *peer = (const struct sockaddr *)&c->peer.ss;
	const auth_view *v = view_for(s, peer);
	auth_result r;
	size_t n = auth_answer(&s->ans, &v->zs, true, q, len, out, sizeof out, &r);
	if (r.axfr) {
		if (xfr_allowed(s, peer)) {
			struct axfr_out o = { c, now_ms };
			r.rcode = DNS_R_NOERROR;
			r.flags = DNS_F_QR | DNS_F_AA;
			r.size = axfr_stream(&r.axfr_zone->db, q, len,
					     send_axfr_message, &o);
		} else {
			n = axfr_refuse(q, len, out, sizeof out);
			r.rcode = DNS_R_REFUSED;
			r.flags = DNS_F_QR;
			r.size = n;
		}
	}
	account(s, peer, true, &r);
	return n == 0 || tcpserver_send(c, out, n, now_ms);
}

static void stats_to_log(void *ctx, const char *item)
{
	(void)ctx;
	log_msg("stats: %s", item);
}

static void handle_signal(auth_server *s)
{
	struct signalfd_siginfo si;
	while (read(s->sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
		switch (si.ssi_signo) {
		case SIGHUP:
			reload_zones(s);
			break;
		case SIGUSR1:
			auth_stats_items(&s->stats, stats_to_log, NULL);
			break;
		default:
			log_msg("signal %u: shutting down", si.ssi_signo);
			s->running = false;
		}
	}
}

void auth_server_run(auth_server *s)
{
	struct epoll_event evs[64];
	s->running = true;
	while (s->running) {
		/* Connections closed during the last batch are freed here,
		 * and the wait ends at the next connection's deadline. */
		int n = epoll_wait(s->epfd, evs, 64, tcpserver_expire(&s->tcp, now_ms()));
		if (n < 0 && errno != EINTR) {
			log_msg("epoll_wait: %s", strerror(errno));
			break;
		}
		for (int i = 0; i < n; i++) {
			struct ev_tag *tag = evs[i].data.ptr;
			switch (tag->kind) {
			case EV_UDP:
				handle_udp(s, tag->fd);
				break;
			case EV_TCP_LISTEN:
			case EV_TCP_CONN:
				tcpserver_event(&s->tcp, tag, evs[i].events, now_ms());
				break;
			case EV_SIGNAL:
				handle_signal(s);
				break;
			}
		}
	}
}

void auth_server_free(auth_server *s)
{
	tcpserver_close_all(&s->tcp);
	for (size_t i = 0; i < s->nsocks; i++)
		close(s->socks[i]);
	free(s->socks);
	free(s->tags);
	if (s->sigfd >= 0)
		close(s->sigfd);
	if (s->epfd >= 0)
		close(s->epfd);
	for (size_t v = 0; v < s->nviews; v++) {
		for (size_t i = 0; i < s->views[v].zs.nzones; i++)
			auth_zone_free(s->views[v].zs.zones[i]);
		free(s->views[v].zs.zones);
	}
	free(s->views);
	batch_free(s);
	rrl_free(&s->rrl);
	anscache_free(s->cache);
	if (s->qlog && s->qlog != stderr)
		fclose(s->qlog);
	auth_answerer_free(&s->ans);
}
