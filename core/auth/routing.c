/* Routing policies in the running server: health checks, signatures,
 * the answerer's hook, reloads. */
#include "auth/routing.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dns/rrtype.h"
#include "dnssec/rrsig.h"
#include "io/clock.h"
#include "io/log.h"
#include "io/readfile.h"

/* ---- health checks ------------------------------------------------------------ */

enum check_phase { CHECK_IDLE, CHECK_CONNECTING, CHECK_READING };

/* One answer's check: its tag first, so that an epoll event's pointer is
 * the check's. */
typedef struct routing_check {
	ev_tag tag;
	size_t entry, answer;     /* r->tab.e[entry], its answer */
	enum check_phase phase;
	uint64_t next_ms;         /* IDLE: when the next starts */
	uint64_t deadline_ms;     /* running: when it has failed */
	char reply[64];           /* the start of an HTTP reply */
	size_t got;
} routing_check;

/* Signatures kept by answer set, so that 10,000 queries do not make
 * 10,000 of them. */
#define SIG_SLOTS 256
#define SIG_VALID_BEFORE 3600u            /* a clock a little behind accepts it */
#define SIG_VALID_FOR (7u * 86400u)
#define SIG_RENEW_BEFORE 86400u           /* made again a day before it ends */

typedef struct routing_sig {
	bool used;
	const policy_entry *entry;
	uint16_t type;
	uint64_t set;                         /* the answers signed, a bit each */
	uint32_t expiration;
	uint16_t len;
	uint8_t rdata[600];
} routing_sig;

static void check_close(routing *r, routing_check *c)
{
	if (c->tag.fd >= 0) {
		(void)epoll_ctl(r->epfd, EPOLL_CTL_DEL, c->tag.fd, NULL);
		close(c->tag.fd);
	}
	c->tag.fd = -1;
	c->phase = CHECK_IDLE;
	c->got = 0;
}

static void answer_text(const routing *r, const routing_check *c, char *out, size_t outsz)
{
	const auth_policy_answer *a = &r->tab.e[c->entry].conf->answers[c->answer];
	net_addr_format_host((const struct sockaddr *)&a->addr.ss, out, outsz);
}

/* A check's end: the result counted, the state logged when it turns. */
static void check_done(routing *r, routing_check *c, bool ok, const char *why, uint64_t now_ms)
{
	policy_entry *e = &r->tab.e[c->entry];
	check_close(r, c);
	c->next_ms = c->next_ms + (uint64_t)e->conf->check_interval * 1000;
	if (c->next_ms <= now_ms)
		c->next_ms = now_ms + (uint64_t)e->conf->check_interval * 1000;
	if (policy_health_report(e, c->answer, ok)) {
		char addr[80];
		answer_text(r, c, addr, sizeof addr);
		log_msg("policy %s: %s is %s (%u checks in a row %s%s%s)", e->conf->name, addr,
			ok ? "healthy again" : "unhealthy, out of the answers",
			e->conf->check_threshold, ok ? "passed" : "failed", why ? ": " : "",
			why ? why : "");
	}
}

static void check_start(routing *r, routing_check *c, uint64_t now_ms)
{
	const policy_entry *e = &r->tab.e[c->entry];
	const auth_policy_answer *a = &e->conf->answers[c->answer];
	net_addr to = a->addr;
	if (to.ss.ss_family == AF_INET)
		((struct sockaddr_in *)&to.ss)->sin_port = htons(e->conf->check_port);
	else
		((struct sockaddr_in6 *)&to.ss)->sin6_port = htons(e->conf->check_port);
	/* A check ends before the next is due: a slow target fails it. */
	uint64_t limit = (uint64_t)e->conf->check_interval * 1000;
	c->deadline_ms = now_ms + (limit > 5000 ? 5000 : limit);
	int fd = socket(to.ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		check_done(r, c, false, strerror(errno), now_ms);
		return;
	}
	c->tag.fd = fd;
	if (connect(fd, (const struct sockaddr *)&to.ss, to.len) < 0 && errno != EINPROGRESS) {
		check_done(r, c, false, strerror(errno), now_ms);
		return;
	}
	struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = &c->tag };
	if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		check_done(r, c, false, strerror(errno), now_ms);
		return;
	}
	c->phase = CHECK_CONNECTING;
}

/* The status line has come: "HTTP/1.x NNN ...", 2xx and 3xx pass. */
static void http_verdict(routing *r, routing_check *c, uint64_t now_ms)
{
	c->reply[c->got < sizeof c->reply ? c->got : sizeof c->reply - 1] = '\0';
	unsigned code = 0;
	if (strncmp(c->reply, "HTTP/1.", 7) == 0 && c->got >= 12)
		code = (unsigned)atoi(c->reply + 9);
	char why[48];
	snprintf(why, sizeof why, code ? "HTTP status %u" : "not an HTTP reply", code);
	check_done(r, c, code >= 200 && code < 400, why, now_ms);
}

void routing_event(routing *r, ev_tag *tag, uint32_t events, uint64_t now_ms)
{
	routing_check *c = (routing_check *)tag;
	const policy_entry *e = &r->tab.e[c->entry];
	if (c->phase == CHECK_CONNECTING) {
		int err = 0;
		socklen_t len = sizeof err;
		if (getsockopt(c->tag.fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		if (err == 0 && (events & (EPOLLERR | EPOLLHUP)) && !(events & EPOLLOUT))
			err = ECONNREFUSED;
		if (err) {
			check_done(r, c, false, strerror(err), now_ms);
			return;
		}
		if (e->conf->check != AUTH_CHECK_HTTP) {
			check_done(r, c, true, NULL, now_ms);
			return;
		}
		char req[1200], host[80];
		answer_text(r, c, host, sizeof host);
		int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: %s\r\n"
				 "User-Agent: dnsim-auth health check\r\n\r\n",
				 e->conf->check_path, host);
		/* A request this small goes out whole into an empty socket. */
		if (n < 0 || (size_t)n >= sizeof req ||
		    send(c->tag.fd, req, (size_t)n, MSG_NOSIGNAL) != n) {
			check_done(r, c, false, "the request could not be sent", now_ms);
			return;
		}
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &c->tag };
		if (epoll_ctl(r->epfd, EPOLL_CTL_MOD, c->tag.fd, &ev) < 0) {
			check_done(r, c, false, strerror(errno), now_ms);
			return;
		}
		c->phase = CHECK_READING;
		return;
	}
	if (c->phase != CHECK_READING)
		return;
	ssize_t got = recv(c->tag.fd, c->reply + c->got, sizeof c->reply - 1 - c->got, 0);
	if (got < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (got > 0)
		c->got += (size_t)got;
	if (got <= 0 || c->got >= 12)
		http_verdict(r, c, now_ms);
}

int routing_tick(routing *r, uint64_t now_ms)
{
	uint64_t next = UINT64_MAX;
	for (size_t i = 0; i < r->nchecks; i++) {
		routing_check *c = &r->checks[i];
		if (c->phase == CHECK_IDLE && c->next_ms <= now_ms)
			check_start(r, c, now_ms);
		else if (c->phase != CHECK_IDLE && c->deadline_ms <= now_ms)
			check_done(r, c, false, "no answer in time", now_ms);
		uint64_t due = c->phase == CHECK_IDLE ? c->next_ms : c->deadline_ms;
		if (due < next)
			next = due;
	}
	if (next == UINT64_MAX)
		return -1;
	return next <= now_ms ? 0 : next - now_ms > 60000 ? 60000 : (int)(next - now_ms);
}

static void checks_free(routing *r)
{
	for (size_t i = 0; i < r->nchecks; i++)
		check_close(r, &r->checks[i]);
	free(r->checks);
	r->checks = NULL;
	r->nchecks = 0;
}

static bool checks_setup(routing *r, uint64_t now_ms)
{
	size_t n = 0;
	for (size_t i = 0; i < r->tab.n; i++)
		if (r->tab.e[i].conf->check != AUTH_CHECK_NONE)
			n += r->tab.e[i].conf->nanswers;
	r->checks = calloc(n ? n : 1, sizeof *r->checks);
	if (r->checks == NULL)
		return false;
	for (size_t i = 0; i < r->tab.n; i++) {
		if (r->tab.e[i].conf->check == AUTH_CHECK_NONE)
			continue;
		for (size_t k = 0; k < r->tab.e[i].conf->nanswers; k++) {
			routing_check *c = &r->checks[r->nchecks++];
			c->tag = (ev_tag){ EV_HEALTH, -1 };
			c->entry = i;
			c->answer = k;
			c->next_ms = now_ms;
		}
	}
	return true;
}

/* ---- signing keys --------------------------------------------------------------- */

static void keys_free(routing_key *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dnssec_key_free(&keys[i].key);
	free(keys);
}

static bool keys_load(const auth_config *cfg, routing_key **out, size_t *nout)
{
	*out = NULL;
	*nout = 0;
	routing_key *keys = calloc(cfg->npolicy_keys ? cfg->npolicy_keys : 1, sizeof *keys);
	if (keys == NULL)
		return false;
	size_t n = 0;
	for (size_t i = 0; i < cfg->npolicy_keys; i++) {
		const auth_policy_key *pk = &cfg->policy_keys[i];
		routing_key *k = &keys[n];
		char *text = NULL;
		size_t len = 0;
		if (dns_name_from_text(&k->origin, pk->origin, strlen(pk->origin), dns_name_root)) {
			log_msg("policy-key %s: not a zone name", pk->origin);
			keys_free(keys, n);
			return false;
		}
		int e = io_read_file(NULL, pk->file, &text, &len);
		if (e != 0) {
			log_msg("policy-key %s: cannot read %s: %s", pk->origin, pk->file, strerror(e));
			keys_free(keys, n);
			return false;
		}
		dns_err de = dnssec_key_from_private(&k->key, k->origin.data, DNSSEC_FLAGS_ZSK,
						     text, len);
		free(text);
		if (de != DNS_OK) {
			log_msg("policy-key %s: %s is not a private key: %s", pk->origin, pk->file,
				dns_strerror(de));
			keys_free(keys, n);
			return false;
		}
		n++;
	}
	*out = keys;
	*nout = n;
	return true;
}

/* The key of the zone that holds `name` most specifically, or NULL. */
static const routing_key *key_for(const routing *r, const uint8_t *name)
{
	const routing_key *best = NULL;
	for (size_t i = 0; i < r->nkeys; i++)
		if (dns_name_is_subdomain(name, r->keys[i].origin.data) &&
		    (best == NULL || dns_name_labels(r->keys[i].origin.data) >
				     dns_name_labels(best->origin.data)))
			best = &r->keys[i];
	return best;
}

static uint32_t wall_now(void)
{
	return (uint32_t)time(NULL);
}

/* The RRSIG over r->rr[0..n) (answers `set` of e), made or kept. */
static bool sign_answer(routing *r, const routing_key *k, const policy_entry *e, uint16_t type,
			uint64_t set, size_t n)
{
	uint32_t now = wall_now();
	size_t slot = ((size_t)(e - r->tab.e) * 31u + (size_t)(set % 1000003u) * 7u + type) %
		      SIG_SLOTS;
	/* Made at the first signed policy answer: most servers never give
	 * one, and the table is the largest thing a server would carry. */
	if (r->sigs == NULL && (r->sigs = calloc(SIG_SLOTS, sizeof *r->sigs)) == NULL)
		return false;
	routing_sig *s = &r->sigs[slot];
	if (!(s->used && s->entry == e && s->type == type && s->set == set &&
	      (int32_t)(s->expiration - now) > (int32_t)SIG_RENEW_BEFORE)) {
		size_t len;
		uint32_t inception = now - SIG_VALID_BEFORE, expiration = now + SIG_VALID_FOR;
		s->used = false;
		if (dnssec_sign_rrset(&k->key, r->rr, n, inception, expiration, s->rdata,
				      sizeof s->rdata, &len) != DNS_OK)
			return false;
		s->used = true;
		s->entry = e;
		s->type = type;
		s->set = set;
		s->expiration = expiration;
		s->len = (uint16_t)len;
	}
	memcpy(r->sig_rdata, s->rdata, s->len);
	r->sig = (dns_rr){ r->rr[0].owner, DNS_T_RRSIG, DNS_C_IN, r->rr[0].ttl, s->len,
			   r->sig_rdata };
	return true;
}

/* ---- the answerer's hook ------------------------------------------------------------ */

static int hook_begin(void *ctx, const uint8_t *options, size_t len)
{
	routing *r = ctx;
	r->scope = 0;
	int rc = options ? policy_ecs_parse(options, len, &r->ecs) : 0;
	r->has_ecs = rc > 0;
	return rc < 0 ? -1 : 0;
}

static uint32_t next_rand(void *ctx)
{
	uint32_t *s = ctx;
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static int hook_answer(void *ctx, const uint8_t *name, uint16_t qtype, bool dnssec,
		       zdb_rrset *set)
{
	routing *r = ctx;
	const policy_entry *e = policy_find(&r->tab, name);
	if (e == NULL || (qtype != DNS_T_A && qtype != DNS_T_AAAA))
		return 0;
	policy_client cl;
	if (r->has_ecs)
		cl = r->ecs;
	else if (r->peer)
		policy_client_from_sockaddr(r->peer, &cl);
	else
		memset(&cl, 0, sizeof cl);
	size_t idx[sizeof r->rr / sizeof r->rr[0]];
	unsigned scope;
	int n = policy_select(&r->tab, e, qtype == DNS_T_A ? AF_INET : AF_INET6, &cl, next_rand,
			      &r->rng, idx, sizeof idx / sizeof idx[0], &scope);
	if (n <= 0)
		return n;
	r->scope = scope;
	uint64_t bits = 0;
	for (int i = 0; i < n; i++) {
		r->rr[i] = (dns_rr){ e->name.data, qtype, DNS_C_IN, e->conf->ttl,
				     qtype == DNS_T_A ? 4 : 16, e->rdata[idx[i]] };
		bits |= idx[i] < 64 ? 1ull << idx[i] : 0;
	}
	*set = (zdb_rrset){ qtype, e->conf->ttl, r->rr, (size_t)n, NULL, 0 };
	const routing_key *k = dnssec ? key_for(r, name) : NULL;
	if (k && sign_answer(r, k, e, qtype, bits, (size_t)n)) {
		set->sig = &r->sig;
		set->nsig = 1;
	}
	return 1;
}

static size_t hook_options(void *ctx, uint8_t *out, size_t cap)
{
	routing *r = ctx;
	return r->has_ecs ? policy_ecs_encode(&r->ecs, r->scope, out, cap) : 0;
}

auth_policy_hook routing_hook(routing *r)
{
	return (auth_policy_hook){ hook_begin, hook_answer, hook_options, r };
}

/* ---- setup, reload ----------------------------------------------------------------- */

static bool install(routing *r, const auth_config *cfg, uint64_t now_ms)
{
	char msg[512];
	policy_table tab;
	routing_key *keys;
	size_t nkeys;
	if (!policy_table_init(&tab, cfg, msg, sizeof msg)) {
		log_msg("policies: %s", msg);
		return false;
	}
	if (!keys_load(cfg, &keys, &nkeys)) {
		policy_table_free(&tab);
		return false;
	}
	checks_free(r);
	policy_table_free(&r->tab);
	keys_free(r->keys, r->nkeys);
	free(r->sigs);   /* signatures of the old answers */
	r->sigs = NULL;
	r->tab = tab;
	r->keys = keys;
	r->nkeys = nkeys;
	r->cfg = cfg;
	if (!checks_setup(r, now_ms)) {
		log_msg("policies: out of memory");
		return false;
	}
	return true;
}

bool routing_setup(routing *r, const auth_config *cfg, int epfd)
{
	memset(r, 0, sizeof *r);
	r->epfd = epfd;
	r->rng = (uint32_t)clock_ms() ^ (uint32_t)getpid() << 16 ^ 0x9e3779b9u;
	if (r->rng == 0)
		r->rng = 1;
	if (!install(r, cfg, (uint64_t)clock_ms()))
		return false;
	if (r->tab.n)
		log_msg("policies: %zu name%s, %zu health check%s, %zu region%s", r->tab.n,
			r->tab.n == 1 ? "" : "s", r->nchecks, r->nchecks == 1 ? "" : "s",
			cfg->nregions, cfg->nregions == 1 ? "" : "s");
	return true;
}

static bool parse_config(void *cfg, const char *path, const char *text, size_t len,
			 char *err, size_t errsz)
{
	return auth_config_parse(cfg, path, text, len, err, errsz);
}

bool routing_reload(routing *r, const char *path, uint64_t now_ms)
{
	auth_config *fresh = malloc(sizeof *fresh);
	char err[1024];
	if (fresh == NULL || !auth_config_init(fresh)) {
		free(fresh);
		log_msg("reload: out of memory; the policies stay as they were");
		return false;
	}
	if (!io_parse_file(path, parse_config, fresh, err, sizeof err)) {
		log_msg("reload: %s\nreload: the policies stay as they were", err);
		auth_config_free(fresh);
		free(fresh);
		return false;
	}
	if (!install(r, fresh, now_ms)) {
		log_msg("reload: the policies of %s are not used; the previous ones stay", path);
		auth_config_free(fresh);
		free(fresh);
		/* install() replaces nothing before it has what it needs;
		 * only the checks can be lost to memory. */
		return false;
	}
	if (r->owned) {
		auth_config_free(r->owned);
		free(r->owned);
	}
	r->owned = fresh;
	log_msg("reload: %zu polic%s from %s", r->tab.n, r->tab.n == 1 ? "y" : "ies", path);
	return true;
}

void routing_free(routing *r)
{
	checks_free(r);
	policy_table_free(&r->tab);
	keys_free(r->keys, r->nkeys);
	free(r->sigs);
	if (r->owned) {
		auth_config_free(r->owned);
		free(r->owned);
	}
	memset(r, 0, sizeof *r);
}
