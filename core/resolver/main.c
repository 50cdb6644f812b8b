/* dnsim-resolver: the caching recursive resolver of the simulated ISPs,
 * the public resolver and company networks. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "conf/resolver_conf.h"
#include "io/clock.h"
#include "io/log.h"
#include "io/readfile.h"
#include "io/sock.h"
#include "resolver/clients.h"
#include "resolver/control.h"
#include "resolver/hints.h"
#include "resolver/resolver.h"

static void usage(FILE *out)
{
	fputs(
"usage: dnsim-resolver -l ADDR[@PORT] [-l ...] -r ROOT_HINTS [-a PREFIX ...]\n"
"                      [-c CONFIG] [-q] [-T TRACEFILE] [-C CONTROL] [-n]\n"
"       dnsim-resolver -C CONTROL stats|dump|flush [NAME]|flush-tree NAME\n"
"\n"
"A caching recursive resolver: iterates from the root servers named in\n"
"the hints file, caches answers for their TTL (negative ones per RFC\n"
"2308), and answers the clients it allows.  Foreground, logs to stderr.\n"
"\n"
"  -l ADDR[@PORT]   listen on this address, UDP and TCP (port 53 unless given)\n"
"  -r FILE          root hints in named.root format (NS for '.', addresses)\n"
"  -a PREFIX        clients allowed to ask (repeatable; others get REFUSED);\n"
"                   default: 127.0.0.0/8 and ::1 only\n"
"  -c CONFIG        settings file (see below)\n"
"  -q               log every client query to stderr\n"
"  -T FILE|stderr   write the resolution trace: one JSON object per step\n"
"  -C PATH          control socket; with a command after it, talk to a\n"
"                   running resolver instead of starting one\n"
"  -n               no QNAME minimisation (RFC 9156; on by default)\n"
"  -h, --help       this text\n"
"\n"
"Config file lines ('#' starts a comment):\n"
"  listen ADDR[@PORT]       root-hints FILE          allow PREFIX...\n"
"  cache-size BYTES         max-ttl SECONDS          max-negative-ttl SECONDS\n"
"  qname-minimisation yes|no                         prefetch yes|no\n"
"  block NAME...            sinkhole ADDR            (seed 002's DNS blocking)\n"
"  trace FILE|stderr        query-log FILE|stderr|off\n"
"  control PATH             identity NAME\n"
"  trust-anchor FILE        DS or DNSKEY records (master-file form) to validate\n"
"                           from; repeatable.  With one, answers are validated\n"
"                           (RFC 4033-4035): AD for secure data to clients that\n"
"                           set DO or AD, SERVFAIL with an Extended DNS Error for\n"
"                           bogus data unless the client set CD\n"
"  negative-trust-anchor NAME...  zones not to validate (RFC 7646)\n"
"  dnssec-validation yes|no (default yes: validate when there is an anchor)\n"
CONF_TCP_HELP(RES_TCP_MAX_DEFAULT)
"\n"
"Control commands: stats, dump, flush, flush NAME, flush-tree NAME.\n"
"Counters also answer 'dig CH TXT stats.dnsim'.  SIGUSR1 logs them;\n"
"SIGTERM and SIGINT stop the resolver.\n", out);
}

static int fail(const char *msg)
{
	log_msg("%s", msg);
	fputs("(dnsim-resolver --help shows the usage)\n", stderr);
	return 2;
}

static bool parse_config(void *cfg, const char *path, const char *text, size_t len,
			 char *err, size_t errsz)
{
	return res_config_parse(cfg, path, text, len, err, errsz);
}

static bool read_config(res_config *cfg, const char *path, char *err, size_t errsz)
{
	return io_parse_file(path, parse_config, cfg, err, errsz);
}

static uint64_t now_ms(void)
{
	return (uint64_t)clock_ms();
}

static FILE *open_log(const char *what, const char *path)
{
	if (path == NULL)
		return NULL;
	if (strcmp(path, "stderr") == 0)
		return stderr;
	FILE *f = fopen(path, "a");
	if (f == NULL)
		log_msg("%s %s: %s", what, path, strerror(errno));
	else
		setvbuf(f, NULL, _IOLBF, 0);
	return f;
}

static int serve(res_config *cfg)
{
	resolver r;
	clients cl = { 0 };
	memset(&r, 0, sizeof r);
	r.cfg = cfg;
	r.now_ms = now_ms();
	infra_init(&r.infra);
	dns_msg_init(&r.client_msg);
	dns_msg_init(&r.upstream_msg);
	int rc = 1, sigfd = -1, ctlfd = -1;
	struct ev_tag sigtag, ctltag;

	r.cache = rcache_new(cfg->cache_bytes, cfg->max_ttl, cfg->max_neg_ttl);
	/* EDNS Client Subnet answers, per subnet: as many as an entry of a
	 * few hundred bytes each fits in a tenth of the cache's budget. */
	if (cfg->ecs)
		r.ecache = ecache_new(cfg->cache_bytes / 10 / 256 + 16, cfg->max_ttl);
	r.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (r.cache == NULL || r.epfd < 0 || (cfg->ecs && r.ecache == NULL)) {
		log_msg("cannot start: %s", strerror(errno));
		goto out;
	}
	char err[1024];
	if (!hints_load(&r, cfg->hints_file, err, sizeof err) || !val_init(&r, err, sizeof err)) {
		log_msg("%s", err);
		goto out;
	}
	if (cfg->trace && (r.trace = open_log("trace", cfg->trace)) == NULL)
		goto out;
	if (cfg->query_log && (r.qlog = open_log("query log", cfg->query_log)) == NULL)
		goto out;
	if (!clients_open(&r, &cl))
		goto out;
	sigfd = sock_signals();
	sigtag = (struct ev_tag){ EV_SIGNAL, sigfd };
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &sigtag };
	if (sigfd < 0 || epoll_ctl(r.epfd, EPOLL_CTL_ADD, sigfd, &ev) < 0) {
		log_msg("signals: %s", strerror(errno));
		goto out;
	}
	if (cfg->control) {
		ctlfd = control_listen(cfg->control);
		ctltag = (struct ev_tag){ EV_CONTROL_LISTEN, ctlfd };
		ev.data.ptr = &ctltag;
		if (ctlfd < 0 || epoll_ctl(r.epfd, EPOLL_CTL_ADD, ctlfd, &ev) < 0) {
			log_msg("control socket %s: %s", cfg->control, strerror(errno));
			goto out;
		}
	}
	log_msg("ready: listening on %zu address%s, %zu client prefix%s allowed, "
		"QNAME minimisation %s, DNSSEC validation %s", cfg->nlisten,
		cfg->nlisten == 1 ? "" : "es", cfg->nallow, cfg->nallow == 1 ? "" : "es",
		cfg->qmin ? "on" : "off", r.val.active ? "on" : "off");

	bool running = true;
	while (running) {
		r.now_ms = now_ms();
		int wait = upstream_expire(&r);
		res_run_wakeups(&r);
		/* Frees the TCP clients closed in the last batch, too. */
		int tcp_wait = clients_expire(&r, &cl);
		if (tcp_wait >= 0 && (wait < 0 || tcp_wait < wait))
			wait = tcp_wait;
		struct epoll_event evs[64];
		int n = epoll_wait(r.epfd, evs, 64, wait);
		if (n < 0 && errno != EINTR) {
			log_msg("epoll_wait: %s", strerror(errno));
			break;
		}
		r.now_ms = now_ms();
		for (int i = 0; i < n; i++) {
			struct ev_tag *tag = evs[i].data.ptr;
			switch (tag->kind) {
			case EV_CLIENT_UDP:
				clients_udp(&r, tag->fd);
				break;
			case EV_TCP_LISTEN:
			case EV_TCP_CONN:
				tcpserver_event(&cl.tcp, tag, evs[i].events, r.now_ms);
				break;
			case EV_UPSTREAM:
				upstream_event(&r, (struct upq *)tag, evs[i].events);
				break;
			case EV_CONTROL_LISTEN:
				control_accept(&r, tag->fd);
				break;
			case EV_CONTROL_CONN:
				break;
			case EV_SIGNAL: {
				struct signalfd_siginfo si;
				while (read(sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
					if (si.ssi_signo == SIGUSR1) {
						rcache_stats cs = rcache_get_stats(r.cache);
						log_msg("stats: queries=%llu hits=%llu misses=%llu "
							"entries=%zu upstream=%llu servfail=%llu",
							(unsigned long long)r.stats.queries,
							(unsigned long long)r.stats.cache_hits,
							(unsigned long long)r.stats.cache_misses,
							cs.entries,
							(unsigned long long)r.stats.upstream,
							(unsigned long long)r.stats.servfail);
					} else if (si.ssi_signo != SIGHUP) {
						log_msg("signal %u: shutting down", si.ssi_signo);
						running = false;
					}
				}
				break;
			}
			}
			/* Work that the event made possible runs before the
			 * next event may free what it refers to. */
			res_run_wakeups(&r);
		}
	}
	rc = 0;
out:
	res_free_requests(&r);
	upstream_free_all(&r);
	clients_close(&r, &cl);
	if (ctlfd >= 0) {
		close(ctlfd);
		unlink(cfg->control);
	}
	if (sigfd >= 0)
		close(sigfd);
	if (r.epfd >= 0)
		close(r.epfd);
	if (r.trace && r.trace != stderr)
		fclose(r.trace);
	if (r.qlog && r.qlog != stderr)
		fclose(r.qlog);
	rcache_free(r.cache);
	ecache_free(r.ecache);
	val_free(&r);
	infra_free(&r.infra);
	rrlist_free(&r.hints);
	dns_msg_free(&r.client_msg);
	dns_msg_free(&r.upstream_msg);
	return rc;
}

int main(int argc, char **argv)
{
	res_config cfg;
	char err[1024];

	log_set_prefix("dnsim-resolver");
	res_config_init(&cfg);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			res_config_free(&cfg);
			return 0;
		}
		if (strcmp(a, "-q") == 0 || strcmp(a, "-n") == 0) {
			char *v = a[1] == 'q' ? "stderr" : "no";
			if (!res_config_set(&cfg, a[1] == 'q' ? "query-log" : "qname-minimisation",
					    &v, 1, err, sizeof err)) {
				res_config_free(&cfg);
				return fail(err);
			}
			continue;
		}
		if (a[0] != '-' || strlen(a) != 2 || !strchr("lracTC", a[1])) {
			snprintf(err, sizeof err, "unknown argument \"%s\"", a);
			res_config_free(&cfg);
			return fail(err);
		}
		if (i + 1 >= argc) {
			snprintf(err, sizeof err, "%s needs a value", a);
			res_config_free(&cfg);
			return fail(err);
		}
		char *v = argv[++i];
		bool ok;
		switch (a[1]) {
		case 'c':
			ok = read_config(&cfg, v, err, sizeof err);
			break;
		case 'C':
			if (i + 1 < argc && argv[i + 1][0] != '-') {
				/* A command: act as the client of a running one. */
				res_config_free(&cfg);
				return control_client(v, argc - i - 1, argv + i + 1);
			}
			ok = res_config_set(&cfg, "control", &v, 1, err, sizeof err);
			break;
		default: {
			static const char *keys[] = { ['l'] = "listen", ['r'] = "root-hints",
						      ['a'] = "allow", ['T'] = "trace" };
			ok = res_config_set(&cfg, keys[(unsigned char)a[1]], &v, 1, err,
					    sizeof err);
		}
		}
		if (!ok) {
			res_config_free(&cfg);
			return fail(err);
		}
	}
	if (cfg.nlisten == 0) {
		res_config_free(&cfg);
		return fail("no address to listen on: give -l ADDR[@PORT] or 'listen' in a config");
	}
	if (cfg.hints_file == NULL) {
		res_config_free(&cfg);
		return fail("no root hints: give -r FILE (named.root format) or 'root-hints' in a config");
	}
	if (cfg.nallow == 0) {
		char *lo[] = { "127.0.0.0/8", "::1" };
		(void)res_config_set(&cfg, "allow", lo, 2, err, sizeof err);
	}
	if (cfg.identity) {
		char prefix[160];
		snprintf(prefix, sizeof prefix, "dnsim-resolver[%s]", cfg.identity);
		log_set_prefix(prefix);
	}
	int rc = serve(&cfg);
	res_config_free(&cfg);
	return rc;
}
