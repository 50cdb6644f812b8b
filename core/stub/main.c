/* dnsim-stub: the caching stub of a simulated host, between its
 * applications (glibc, through resolv.conf) and its resolvers. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "conf/stub_conf.h"
#include "io/clock.h"
#include "io/log.h"
#include "io/readfile.h"
#include "io/sock.h"
#include "stub/stub.h"

static void usage(FILE *out)
{
	fputs(
"usage: dnsim-stub -s SERVER[@PORT] [-s ...] [-l ADDR[@PORT]] [-c CONFIG]\n"
"                  [-q] [-T TRACEFILE] [-C CONTROL]\n"
"       dnsim-stub -C CONTROL stats|dump|flush [NAME]\n"
"\n"
"A host's caching stub, as systemd-resolved or nscd sit between\n"
"applications and the resolver: answers what it has cached (whole\n"
"answers by question, never longer than their TTL; negative ones for\n"
"the RFC 2308 time), forwards the rest to the servers in order, the one\n"
"that answered last first, and the next on a timeout, a closed port or\n"
"SERVFAIL, three rounds over the list at most.  Foreground, logs to\n"
"stderr.\n"
"\n"
"  -s ADDR[@PORT]   a resolver to forward to (repeatable, in order)\n"
"  -l ADDR[@PORT]   listen on this address, UDP and TCP (default\n"
"                   " STUB_LISTEN_DEFAULT ", port 53)\n"
"  -c CONFIG        settings file (see below)\n"
"  -q               log every client query to stderr\n"
"  -T FILE|stderr   write the trace: one JSON object per step\n"
"  -C PATH          control socket; with a command after it, talk to a\n"
"                   running stub instead of starting one\n"
"  -h, --help       this text\n"
"\n"
"Config file lines ('#' starts a comment):\n"
"  listen ADDR[@PORT]       server ADDR[@PORT]...     timeout SECONDS (2)\n"
"  cache-entries N (4096; 0: no cache)                max-ttl SECONDS (86400)\n"
"  max-negative-ttl SECONDS (3600)                    trace FILE|stderr\n"
"  query-log FILE|stderr|off                          control PATH\n"
"  identity NAME\n"
CONF_TCP_HELP(STUB_TCP_MAX_DEFAULT)
"\n"
"Control commands: stats, dump, flush, flush NAME.  Counters also answer\n"
"'dig CH TXT stats.dnsim'.  SIGTERM and SIGINT stop the stub.\n", out);
}

static int fail(const char *msg)
{
	log_msg("%s", msg);
	fputs("(dnsim-stub --help shows the usage)\n", stderr);
	return 2;
}

static bool parse_config(void *cfg, const char *path, const char *text, size_t len,
			 char *err, size_t errsz)
{
	return stub_config_parse(cfg, path, text, len, err, errsz);
}

static FILE *open_log(const char *what, const char *path)
{
	if (strcmp(path, "stderr") == 0)
		return stderr;
	FILE *f = fopen(path, "a");
	if (f == NULL)
		log_msg("%s %s: %s", what, path, strerror(errno));
	else
		setvbuf(f, NULL, _IOLBF, 0);
	return f;
}

static int serve(const stub_config *cfg)
{
	stub s;
	memset(&s, 0, sizeof s);
	s.cfg = cfg;
	s.now_ms = (uint64_t)clock_ms();
	dns_msg_init(&s.msg);
	int rc = 1, sigfd = -1, ctlfd = -1;
	ev_tag sigtag, ctltag;
	bool opened = false;

	s.cache = scache_new(cfg->cache_entries, cfg->max_ttl, cfg->max_neg_ttl);
	s.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s.cache == NULL || s.epfd < 0) {
		log_msg("cannot start: %s", strerror(errno));
		goto out;
	}
	if (cfg->trace && (s.trace = open_log("trace", cfg->trace)) == NULL)
		goto out;
	if (cfg->query_log && (s.qlog = open_log("query log", cfg->query_log)) == NULL)
		goto out;
	opened = true;
	if (!stub_clients_open(&s))
		goto out;
	sigfd = sock_signals();
	sigtag = (ev_tag){ EV_SIGNAL, sigfd };
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &sigtag };
	if (sigfd < 0 || epoll_ctl(s.epfd, EPOLL_CTL_ADD, sigfd, &ev) < 0) {
		log_msg("signals: %s", strerror(errno));
		goto out;
	}
	if (cfg->control) {
		ctlfd = stub_control_listen(cfg->control);
		ctltag = (ev_tag){ EV_CONTROL_LISTEN, ctlfd };
		ev.data.ptr = &ctltag;
		if (ctlfd < 0 || epoll_ctl(s.epfd, EPOLL_CTL_ADD, ctlfd, &ev) < 0) {
			log_msg("control socket %s: %s", cfg->control, strerror(errno));
			goto out;
		}
	}
	char first[80];
	net_addr_format((const struct sockaddr *)&cfg->servers[0].ss, first, sizeof first);
	log_msg("ready: %zu resolver%s to forward to (first %s), cache of %zu answers",
		cfg->nservers, cfg->nservers == 1 ? "" : "s", first, cfg->cache_entries);

	bool running = true;
	while (running) {
		s.now_ms = (uint64_t)clock_ms();
		int wait = stub_forward_expire(&s);
		int tcp_wait = tcpserver_expire(&s.tcp, s.now_ms);
		if (tcp_wait >= 0 && (wait < 0 || tcp_wait < wait))
			wait = tcp_wait;
		struct epoll_event evs[64];
		int n = epoll_wait(s.epfd, evs, 64, wait);
		if (n < 0 && errno != EINTR) {
			log_msg("epoll_wait: %s", strerror(errno));
			break;
		}
		s.now_ms = (uint64_t)clock_ms();
		for (int i = 0; i < n; i++) {
			ev_tag *tag = evs[i].data.ptr;
			switch (tag->kind) {
			case EV_CLIENT_UDP:
				stub_clients_udp(&s, tag->fd);
				break;
			case EV_TCP_LISTEN:
			case EV_TCP_CONN:
				tcpserver_event(&s.tcp, tag, evs[i].events, s.now_ms);
				break;
			case EV_FORWARD:
				/* A query answered earlier in this batch is
				 * gone: only those still pending. */
				for (fwd *f = s.pending; f; f = f->next)
					if (&f->tag == tag) {
						stub_forward_event(&s, f, evs[i].events);
						break;
					}
				break;
			case EV_CONTROL_LISTEN:
				stub_control_accept(&s, tag->fd);
				break;
			case EV_SIGNAL: {
				struct signalfd_siginfo si;
				while (read(sigfd, &si, sizeof si) == (ssize_t)sizeof si)
					if (si.ssi_signo != SIGHUP && si.ssi_signo != SIGUSR1) {
						log_msg("signal %u: shutting down", si.ssi_signo);
						running = false;
					}
				break;
			}
			}
		}
	}
	rc = 0;
out:
	stub_forward_free_all(&s);
	if (opened)
		stub_clients_close(&s);
	if (ctlfd >= 0) {
		close(ctlfd);
		unlink(cfg->control);
	}
	if (sigfd >= 0)
		close(sigfd);
	if (s.epfd >= 0)
		close(s.epfd);
	if (s.trace && s.trace != stderr)
		fclose(s.trace);
	if (s.qlog && s.qlog != stderr)
		fclose(s.qlog);
	scache_free(s.cache);
	dns_msg_free(&s.msg);
	return rc;
}

int main(int argc, char **argv)
{
	stub_config cfg;
	char err[1024];

	log_set_prefix("dnsim-stub");
	stub_config_init(&cfg);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			stub_config_free(&cfg);
			return 0;
		}
		if (strcmp(a, "-q") == 0) {
			char *v = "stderr";
			(void)stub_config_set(&cfg, "query-log", &v, 1, err, sizeof err);
			continue;
		}
		if (a[0] != '-' || strlen(a) != 2 || !strchr("slcTC", a[1])) {
			snprintf(err, sizeof err, "unknown argument \"%s\"", a);
			stub_config_free(&cfg);
			return fail(err);
		}
		if (i + 1 >= argc) {
			snprintf(err, sizeof err, "%s needs a value", a);
			stub_config_free(&cfg);
			return fail(err);
		}
		char *v = argv[++i];
		bool ok;
		if (a[1] == 'c') {
			ok = io_parse_file(v, parse_config, &cfg, err, sizeof err);
		} else if (a[1] == 'C' && i + 1 < argc && argv[i + 1][0] != '-') {
			/* A command: act as the client of a running stub. */
			stub_config_free(&cfg);
			return stub_control_client(v, argc - i - 1, argv + i + 1);
		} else {
			const char *key = a[1] == 's' ? "server" : a[1] == 'l' ? "listen"
					: a[1] == 'T' ? "trace" : "control";
			ok = stub_config_set(&cfg, key, &v, 1, err, sizeof err);
		}
		if (!ok) {
			stub_config_free(&cfg);
			return fail(err);
		}
	}
	if (cfg.nservers == 0) {
		stub_config_free(&cfg);
		return fail("no resolver to forward to: give -s ADDR[@PORT] or 'server' in a config");
	}
	if (cfg.nlisten == 0) {
		char *v = STUB_LISTEN_DEFAULT;
		if (!stub_config_set(&cfg, "listen", &v, 1, err, sizeof err)) {
			stub_config_free(&cfg);
			return fail(err);
		}
	}
	if (cfg.identity) {
		char prefix[160];
		snprintf(prefix, sizeof prefix, "dnsim-stub[%s]", cfg.identity);
		log_set_prefix(prefix);
	}
	int rc = serve(&cfg);
	stub_config_free(&cfg);
	return rc;
}
