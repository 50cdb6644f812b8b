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
#include "auth/update.h"
#include "auth/zones.h"
#include "dns/serial.h"
#include "dns/soa.h"
#include "dns/wire.h"
#include "io/log.h"
#include "io/sock.h"

#define UDP_BATCH 64          /* datagrams per wakeup, at most */
#define UDP_VEC 32            /* datagrams per system call */
#define UDP_QUERY_MAX 4096    /* longer queries are dropped */

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
		const auth_zone_conf *zc = &vc->zones[i];
		auth_zone *z = auth_zone_load(zc->origin, zc->file, err, sizeof err);
		if (z == NULL && zc->nprimaries > 0) {
			/* A secondary without a copy yet: SERVFAIL until the first
			 * transfer. */
			log_msg("zone %s: no copy in %s yet; transferring it from its primary",
				zc->origin, zc->file);
			z = auth_zone_unavailable(zc->origin, zc->file);
			if (z == NULL)
				return false;
		}
		if (z == NULL) {
			log_msg("zone %s did not load:\n%s", zc->origin, err);
			ok = false;
			continue;
		}
		v->zs.zones[v->zs.nzones++] = z;
	}
	return ok;
}

static bool key_listed(const auth_server *s, const tsig_key *key, char *const *names, size_t n)
{
	for (size_t i = 0; key && i < n; i++)
		if (zonectl_key(s, names[i]) == key)
			return true;
	return false;
}

/* The view a request sees: the one that names its key, else the first
 * whose prefixes hold its address, else the default. */
static const auth_view *view_for(const auth_server *s, const struct sockaddr *sa,
				 const tsig_key *key)
{
	for (size_t v = 1; key && v < s->nviews; v++)
		if (key_listed(s, key, s->views[v].conf->match_keys, s->views[v].conf->nmatch_keys))
			return &s->views[v];
	for (size_t v = 1; v < s->nviews; v++)
		for (size_t i = 0; i < s->views[v].conf->nmatch; i++)
			if (net_prefix_match(&s->views[v].conf->match[i], sa))
				return &s->views[v];
	return &s->views[0];
}

static bool xfr_allowed(const auth_server *s, const struct sockaddr *sa, const tsig_key *key)
{
	if (key_listed(s, key, s->cfg->xfr_keys, s->cfg->nxfr_keys))
		return true;
	for (size_t i = 0; i < s->cfg->nxfr; i++)
		if (net_prefix_match(&s->cfg->xfr[i], sa))
			return true;
	return false;
}

static bool tcp_query(void *ctx, tcpserver_conn *c, const uint8_t *q, size_t len,
		      uint64_t now_ms);
static void alias_replay(void *ctx, const alias_parked *p);

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
	s->wake_fd = -1;
	s->notify_fd[0] = s->notify_fd[1] = -1;
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
	/* Signals, transfers done, NOTIFY answers (IPv4, IPv6), then UDP. */
	s->tags = calloc(cfg->nlisten + 4, sizeof *s->tags);
	if (s->socks == NULL || s->tags == NULL)
		return false;
	s->signal_tag = &s->tags[0];
	s->wake_tag = &s->tags[1];
	s->notify_tag = &s->tags[2];
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0 || !setup_signals(s)) {
		log_msg("event loop: %s", strerror(errno));
		return false;
	}
	if (!routing_setup(&s->routing, cfg, s->epfd))
		return false;
	s->ans.policy = routing_hook(&s->routing);
	tcpserver_limits lim = tcpserver_limits_from(cfg->tcp.max_conns, cfg->tcp.idle_s,
						     cfg->tcp.message_s, cfg->tcp.output_max);
	tcpserver_init(&s->tcp, s->epfd, &lim, tcp_query, s);
	/* ALIAS records' targets, looked up through the configured
	 * resolver (without one they are SERVFAIL). */
	if (cfg->has_alias_resolver) {
		alias_init(&s->alias, &cfg->alias_resolver, s->epfd, EV_ALIAS, alias_replay, s,
			   &s->stats);
		s->has_alias = true;
		s->ans.alias = alias_lookup;
		s->ans.alias_ctx = &s->alias;
	}

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
				struct ev_tag *tag = &s->tags[4 + s->nsocks];
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
	if (!zonectl_setup(s))
		return false;
	log_msg("ready: %zu zone%s, %zu view%s, listening on %zu address%s",
		nzones, nzones == 1 ? "" : "s", s->nviews, s->nviews == 1 ? "" : "s",
		cfg->nlisten, cfg->nlisten == 1 ? "" : "es");
	return true;
}

/* ---- one query ----------------------------------------------------------------- */

/* What a request's TSIG said, for the answer and the log. */
typedef struct req_sig {
	bool present;
	int error;                /* TSIG_NOERROR when it verified */
	const tsig_key *key;      /* the key it verified with */
	tsig_record rec;
} req_sig;

static const char *tsig_error_text(int e)
{
	switch (e) {
	case TSIG_BADSIG: return "BADSIG";
	case TSIG_BADKEY: return "BADKEY";
	case TSIG_BADTIME: return "BADTIME";
	default: return "FORMERR";
	}
}

static void log_query(auth_server *s, const struct sockaddr *peer, bool tcp,
		      const auth_result *r, const req_sig *sig)
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
	/* Opcodes other than QUERY and the TSIG key (or its failure) at the
	 * end, so that readers of the first fields see what they always did. */
	char extra[DNS_NAME_MAXTEXT + 64] = "", op[DNS_MNEMONIC_MAX];
	if (r->opcode != DNS_OP_QUERY)
		snprintf(extra, sizeof extra, " op=%s", dns_opcode_to_text(r->opcode, op));
	if (sig && sig->present) {
		char kn[DNS_NAME_MAXTEXT] = "?";
		(void)dns_name_to_text(sig->rec.key.data, kn, sizeof kn, NULL);
		size_t l = strlen(extra);
		snprintf(extra + l, sizeof extra - l, " key=%s%s%s", kn, sig->error ? " tsig=" : "",
			 sig->error ? tsig_error_text(sig->error) : "");
	}
	fprintf(s->qlog, "query: %s %s %s %s %s flags=%s size=%zu%s\n", who,
		tcp ? "tcp" : "udp", name, type,
		r->drop ? "DROPPED" : dns_rcode_to_text(r->rcode, rcode),
		flags[0] ? flags : "-", r->size, extra);
}

static void account(auth_server *s, const struct sockaddr *peer, bool tcp,
		    const auth_result *r, const req_sig *sig)
{
	auth_stats_count(&s->stats, tcp, r->drop, (r->flags & DNS_F_TC) != 0,
			 r->qtype, r->rcode, r->has_question);
	if (s->qlog)
		log_query(s, peer, tcp, r, sig);
}

/* ---- requests: TSIG, NOTIFY, UPDATE, transfers --------------------------------- */

static uint64_t wall_s(void)
{
	return (uint64_t)time(NULL);
}

/* RFC 8945 5.2: a request whose TSIG fails gets NOTAUTH with the TSIG
 * error; BADKEY and BADSIG unsigned, BADTIME signed with the server's
 * time in other data.  A TSIG that is not where it may be: FORMERR. */
static size_t tsig_refusal(auth_server *s, const uint8_t *q, size_t len, const req_sig *sig,
			   const struct sockaddr *peer, uint8_t *out, size_t outcap,
			   auth_result *r)
{
	memset(r, 0, sizeof *r);
	dns_msg *m = &s->ans.query;
	dns_header h;
	uint16_t counts[4];
	if (dns_header_parse(&h, counts, q, len) != DNS_OK || (h.flags & DNS_F_QR) ||
	    dns_msg_parse(m, q, len) != DNS_OK) {
		r->drop = true;
		return 0;
	}
	r->opcode = m->hdr.opcode;
	if (m->qdcount == 1) {
		r->has_question = true;
		dns_name_copy(&r->qname, m->question[0].name);
		r->qtype = m->question[0].qtype;
		r->qclass = m->question[0].qclass;
	}
	if (!sig->present)
		return auth_reply(&s->ans, DNS_R_FORMERR, 0, out, outcap, r);
	size_t n = auth_reply(&s->ans, DNS_R_NOTAUTH, 0, out, outcap, r);
	uint64_t now = wall_s();
	if (sig->error == TSIG_BADTIME) {
		uint8_t other[6];
		dns_put16(other, (uint16_t)(now >> 32));
		dns_put32(other + 2, (uint32_t)now);
		if (tsig_sign(out, n, outcap, sig->key, sig->rec.time, sig->rec.mac, sig->rec.maclen,
			      TSIG_BADTIME, other, 6, &n, NULL) != DNS_OK)
			return 0;
	} else if (tsig_append_unsigned(out, n, outcap, &sig->rec, now, (uint16_t)sig->error,
					&n) != DNS_OK) {
		return 0;
	}
	char who[80], kn[DNS_NAME_MAXTEXT];
	net_addr_format(peer, who, sizeof who);
	(void)dns_name_to_text(sig->rec.key.data, kn, sizeof kn, NULL);
	log_msg("tsig: request from %s with key %s refused: %s", who, kn,
		tsig_error_text(sig->error));
	return r->size = n;
}

static bool zone_is_signed(const auth_zone *z)
{
	for (size_t i = 0; z->source && i < z->source->n; i++)
		if (z->source->rr[i].type == DNS_T_RRSIG)
			return true;
	return false;
}

/* RFC 2136 on a zone of ours, from a client signed with `key`. */
static unsigned do_update(auth_server *s, auth_slot *slot, const struct sockaddr *peer,
			  const tsig_key *key, uint64_t now_ms)
{
	char who[80], kn[DNS_NAME_MAXTEXT] = "none";
	net_addr_format(peer, who, sizeof who);
	if (key)
		(void)dns_name_to_text(key->name.data, kn, sizeof kn, NULL);
	if (slot == NULL)
		return DNS_R_SERVFAIL;
	if (slot->secondary) {
		log_msg("update: zone %s from %s refused: this server is a secondary (send "
			"updates to the primary)", slot->name, who);
		return DNS_R_REFUSED;
	}
	if (!key_listed(s, key, slot->conf->update_keys, slot->conf->nupdate_keys)) {
		log_msg("update: zone %s from %s refused: %s", slot->name, who,
			key ? "its key may not update this zone" : "not signed with a key "
			"allowed to update (allow-update)");
		return DNS_R_REFUSED;
	}
	auth_zone *z = s->views[slot->view].zs.zones[slot->index];
	if (z->unavailable || z->source == NULL)
		return DNS_R_SERVFAIL;
	if (zone_is_signed(z)) {
		log_msg("update: zone %s from %s refused: the zone is signed and this server "
			"has no keys to sign it again", slot->name, who);
		return DNS_R_REFUSED;
	}
	dns_zonedata zd;
	bool changed;
	char msg[600];
	unsigned rc = update_apply(z->source, &s->ans.query, &zd, &changed, msg, sizeof msg);
	char rcb[DNS_MNEMONIC_MAX];
	if (rc != DNS_R_NOERROR) {
		log_msg("update: zone %s from %s (key %s): %s: %s", slot->name, who, kn,
			dns_rcode_to_text(rc, rcb), msg);
		dns_zonedata_free(&zd);
		return rc;
	}
	if (!changed) {
		log_msg("update: zone %s from %s (key %s): nothing to change", slot->name, who, kn);
		dns_zonedata_free(&zd);
		return DNS_R_NOERROR;
	}
	char why[DNS_NAME_MAXTEXT + 120];
	snprintf(why, sizeof why, "UPDATE from %s, key %s", who, kn);
	if (!zonectl_new_version(s, slot, &zd, why, now_ms))
		return DNS_R_SERVFAIL;
	return DNS_R_NOERROR;
}

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

/* A transfer asked over TCP: allowed by address or key; IXFR from the
 * journal when it reaches back to the client's serial, else the whole
 * zone. */
static size_t transfer_out(auth_server *s, tcpserver_conn *c, const req_sig *sig,
			   const uint8_t *q, size_t len, uint8_t *out, size_t outcap,
			   uint64_t now_ms, auth_result *r)
{
	const struct sockaddr *peer = (const struct sockaddr *)&c->peer.ss;
	if (!xfr_allowed(s, peer, sig->key)) {
		char who[80];
		net_addr_format(peer, who, sizeof who);
		log_msg("transfer of %s to %s refused: not allowed (allow-transfer)",
			r->axfr_zone->file, who);
		r->rcode = DNS_R_REFUSED;
		r->flags = DNS_F_QR;
		return r->size = auth_reply(&s->ans, DNS_R_REFUSED, 0, out, outcap, r);
	}
	struct axfr_out o = { c, now_ms };
	tsig_stream ts;
	if (sig->key)
		tsig_stream_init(&ts, sig->key, sig->rec.mac, sig->rec.maclen);
	xfr_out xo = { send_axfr_message, &o, sig->key ? &ts : NULL, wall_s() };
	const zonedb *db = &r->axfr_zone->db;
	r->rcode = DNS_R_NOERROR;
	r->flags = DNS_F_QR | DNS_F_AA;
	auth_slot *slot = zonectl_slot(s, r->axfr_zone);
	if (r->ixfr && slot) {
		dns_soa soa;
		uint32_t cur = 0;
		if (dns_soa_read(db->soa->rr[0].rdata, db->soa->rr[0].rdlen, &soa) == DNS_OK)
			cur = soa.serial;
		long from = dns_journal_find(&slot->journal, r->ixfr_serial);
		if (dns_serial_compare(r->ixfr_serial, cur) != DNS_SERIAL_LESS)
			r->size = ixfr_stream(db, NULL, 0, q, len, &xo);
		else if (from >= 0)
			r->size = ixfr_stream(db, &slot->journal.d[from],
					      slot->journal.n - (size_t)from, q, len, &xo);
		else
			r->size = axfr_stream(db, q, len, &xo);
	} else {
		r->size = axfr_stream(db, q, len, &xo);
	}
	if (sig->key)
		tsig_stream_free(&ts);
	return 0;
}

/* One request, UDP or TCP (c set): the answer's length in out (0: none,
 * or a transfer already sent). */
static size_t serve(auth_server *s, const struct sockaddr *peer, tcpserver_conn *c,
		    const uint8_t *q, size_t len, uint8_t *out, size_t outcap, uint64_t now_ms,
		    auth_result *r, req_sig *sig)
{
	memset(sig, 0, sizeof *sig);
	int found = tsig_find(q, len, &sig->rec);
	/* A message that does not parse at all is answered (FORMERR) or
	 * dropped below, as without TSIG. */
	if (found < 0 && dns_msg_parse(&s->ans.query, q, len) != DNS_OK)
		found = 0;
	if (found != 0) {
		sig->present = found > 0;
		if (found > 0) {
			sig->key = tsig_key_lookup(s->keys, s->nkeys, &sig->rec);
			sig->error = tsig_verify(q, len, &sig->rec, sig->key, wall_s(), NULL, 0);
		}
		if (found < 0 || sig->error)
			return tsig_refusal(s, q, len, sig, peer, out, outcap, r);
	}
	const auth_view *v = view_for(s, peer, sig->key);
	s->ans.reserve = sig->key ? TSIG_RR_MAX : 0;
	s->routing.peer = peer;
	size_t n = auth_answer(&s->ans, &v->zs, c != NULL, q, len, out, outcap, r);
	if (r->notify || r->update) {
		auth_slot *slot = zonectl_slot(s, r->op_zone);
		unsigned rc = r->notify ? (slot ? zonectl_notify_in(s, slot, peer, sig->key, now_ms)
						: DNS_R_SERVFAIL)
					: do_update(s, slot, peer, sig->key, now_ms);
		n = auth_reply(&s->ans, rc, r->notify && rc == DNS_R_NOERROR ? DNS_F_AA : 0, out,
			       outcap, r);
	} else if (r->axfr) {
		n = transfer_out(s, c, sig, q, len, out, outcap, now_ms, r);
	}
	if (n && sig->key &&
	    tsig_sign(out, n, outcap, sig->key, wall_s(), sig->rec.mac, sig->rec.maclen, 0, NULL, 0,
		      &n, NULL) != DNS_OK)
		n = 0;
	if (n)
		r->size = n;
	return n;
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

/* One UDP query: from the answer cache when the same plain query was
 * answered already (for the same view and round-robin phase), else
 * served (TSIG, NOTIFY, UPDATE and all) and, when it may be, kept. */
static size_t answer_udp(auth_server *s, const struct sockaddr *peer, const uint8_t *query,
			 size_t qlen, uint8_t *out, size_t max, auth_result *r, req_sig *sig)
{
	anscache_key key;
	/* A query the cache keeps carries no TSIG: its view is by address. */
	const auth_view *v = view_for(s, peer, NULL);
	bool keyed = s->cache && anscache_key_of(query, qlen, (size_t)(v - s->views),
						 s->cfg->max_udp, &key);
	uint32_t rotate = s->ans.rotate;
	if (keyed) {
		size_t len = anscache_get(s->cache, &key, rotate, query, out, max, r);
		if (len) {
			memset(sig, 0, sizeof *sig);
			/* The round robin turns as if it had been answered. */
			s->ans.rotate++;
			return len;
		}
	}
	size_t len = serve(s, peer, NULL, query, qlen, out, max, now_ms(), r, sig);
	if (keyed && len && !sig->present)
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
			auth_result r;
			req_sig sig;
			uint8_t *out = b->answers + (size_t)k * max;
			size_t len = answer_udp(s, peer, b->query[i], b->in[i].msg_len, out, max, &r,
						&sig);
			if (r.alias_pending) {
				/* Answered (and logged) when the ALIAS target's
				 * addresses are in. */
				net_addr from = { .len = b->in[i].msg_hdr.msg_namelen };
				memcpy(&from.ss, peer, from.len);
				(void)alias_park(&s->alias, fd, &from, NULL, b->query[i],
						 b->in[i].msg_len);
				continue;
			}
			account(s, peer, false, &r, &sig);
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

/* One whole message from a TCP client: the answer is queued at once. */
static bool tcp_query(void *ctx, tcpserver_conn *c, const uint8_t *q, size_t len,
		      uint64_t now_ms)
{
	auth_server *s = ctx;
	static uint8_t out[65535];
	const struct sockaddr *peer = (const struct sockaddr *)&c->peer.ss;
	auth_result r;
	req_sig sig;
	size_t n = serve(s, peer, c, q, len, out, sizeof out, now_ms, &r, &sig);
	if (r.alias_pending) {
		(void)alias_park(&s->alias, -1, &c->peer, c, q, len);
		return true;
	}
	account(s, peer, true, &r, &sig);
	return n == 0 || tcpserver_send(c, out, n, now_ms);
}

/* A query that waited for an ALIAS target's addresses, answered now. */
static void alias_replay(void *ctx, const alias_parked *p)
{
	auth_server *s = ctx;
	static uint8_t out[65535];
	auth_result r;
	req_sig sig;
	const struct sockaddr *peer = (const struct sockaddr *)&p->peer.ss;
	size_t max = p->conn ? sizeof out : s->cfg->max_udp;
	uint64_t now = now_ms();
	size_t n = serve(s, peer, p->conn, p->query, p->len, out, max, now, &r, &sig);
	account(s, peer, p->conn != NULL, &r, &sig);
	if (n == 0)
		return;
	if (p->conn)
		(void)tcpserver_send(p->conn, out, n, now);
	else
		(void)sendto(p->udp_fd, out, n, 0, peer, p->peer.len);
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
			zonectl_reload(s, now_ms());
			if (s->cfg->file)
				(void)routing_reload(&s->routing, s->cfg->file, now_ms());
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
		int wait = tcpserver_expire(&s->tcp, now_ms());
		int zones = zonectl_tick(s, now_ms());
		if (zones >= 0 && (wait < 0 || zones < wait))
			wait = zones;
		int alias = s->has_alias ? alias_tick(&s->alias, now_ms()) : -1;
		if (alias >= 0 && (wait < 0 || alias < wait))
			wait = alias;
		int checks = routing_tick(&s->routing, now_ms());
		if (checks >= 0 && (wait < 0 || checks < wait))
			wait = checks;
		int n = epoll_wait(s->epfd, evs, 64, wait);
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
			case EV_XFR_DONE:
				zonectl_transfers_done(s, now_ms());
				break;
			case EV_NOTIFY:
				zonectl_notify_answers(s, tag->fd);
				break;
			case EV_ALIAS:
				alias_event(&s->alias, tag, now_ms());
				break;
			case EV_HEALTH:
				routing_event(&s->routing, tag, evs[i].events, now_ms());
				break;
			}
		}
	}
}

void auth_server_free(auth_server *s)
{
	if (s->has_alias)
		alias_free(&s->alias);
	zonectl_free(s);
	routing_free(&s->routing);
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
