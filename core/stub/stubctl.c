/* The stub's control socket (a Unix stream socket), one command per
 * connection, answered in text, as the resolver's:
 *
 *   stats          counters, one "key value" per line
 *   dump           the servers, then each answer kept with its TTL now
 *   flush          empty the cache (`resolvectl flush-caches`)
 *   flush NAME     forget the answers about NAME */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "stub/stub.h"

static bool make_addr(const char *path, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof *sun);
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun->sun_path) {
		errno = ENAMETOOLONG;
		return false;
	}
	memcpy(sun->sun_path, path, strlen(path) + 1);
	return true;
}

int stub_control_listen(const char *path)
{
	struct sockaddr_un sun;
	if (!make_addr(path, &sun))
		return -1;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	(void)unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof sun) < 0 || listen(fd, 8) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* The reply, in memory until the command is done. */
typedef struct out {
	char *text;
	size_t len;
	FILE *f;
} out;

struct dump_ctx {
	FILE *f;
	uint64_t now;
};

static void dump_entry(void *ctx, const scache_entry *e)
{
	struct dump_ctx *d = ctx;
	char name[DNS_NAME_MAXTEXT], type[DNS_MNEMONIC_MAX], rc[DNS_MNEMONIC_MAX],
		line[70000];
	if (dns_name_to_text(e->qname, name, sizeof name, NULL) != DNS_OK)
		return;
	uint32_t age = scache_age(e, d->now);
	fprintf(d->f, "; %s %s: %s%s, kept %u s, %u s left, %u hit%s\n", name,
		dns_type_to_text(e->qtype, type), dns_rcode_to_text(e->rcode, rc),
		e->negative ? (e->rcode == DNS_R_NXDOMAIN ? " (negative)" : " NODATA (negative)")
			    : "", e->ttl, scache_ttl_left(e, d->now), e->hits,
		e->hits == 1 ? "" : "s");
	for (size_t i = 0; i < e->nanswer + e->nauthority; i++) {
		dns_rr rr = e->rrs[i];
		rr.ttl = rr.ttl > age ? rr.ttl - age : 0;
		if (dns_rr_to_text(&rr, line, sizeof line, NULL) == DNS_OK)
			fprintf(d->f, "%s%s\n", i < e->nanswer ? "" : ";; authority: ", line);
	}
}

static void run_command(stub *s, FILE *f, char *cmd)
{
	char *w[3];
	int n = 0;
	char *save = NULL;
	for (char *t = strtok_r(cmd, " \t\r\n", &save); t && n < 3;
	     t = strtok_r(NULL, " \t\r\n", &save))
		w[n++] = t;
	const stub_stats *st = &s->stats;
	if (n == 1 && strcmp(w[0], "stats") == 0) {
		uint64_t total = st->cache_hits + st->cache_misses;
		fprintf(f, "queries %llu\ncache.hits %llu\ncache.misses %llu\n"
			"cache.hit_rate %.3f\ncache.entries %zu\nupstream.queries %llu\n"
			"upstream.timeouts %llu\nupstream.unreachable %llu\n"
			"upstream.failovers %llu\nupstream.tcp_retries %llu\nservfail %llu\n"
			"nxdomain %llu\n", (unsigned long long)st->queries,
			(unsigned long long)st->cache_hits, (unsigned long long)st->cache_misses,
			total ? (double)st->cache_hits / (double)total : 0.0,
			scache_count(s->cache), (unsigned long long)st->upstream,
			(unsigned long long)st->timeouts, (unsigned long long)st->unreachable,
			(unsigned long long)st->failovers, (unsigned long long)st->tcp_retries,
			(unsigned long long)st->servfail, (unsigned long long)st->nxdomain);
	} else if (n == 1 && strcmp(w[0], "dump") == 0) {
		fprintf(f, "; the stub of %s forwards to", s->cfg->identity ? s->cfg->identity
									     : "this host");
		for (size_t i = 0; i < s->cfg->nservers; i++) {
			char a[80];
			conf_format_addr(&s->cfg->servers[i], a, sizeof a);
			fprintf(f, "%s %s%s", i ? "," : "", a, i == s->current ? " (asked first)" : "");
		}
		fprintf(f, "\n; %zu answer%s kept\n", scache_count(s->cache),
			scache_count(s->cache) == 1 ? "" : "s");
		struct dump_ctx d = { f, s->now_ms };
		scache_foreach(s->cache, s->now_ms, dump_entry, &d);
	} else if (n == 1 && strcmp(w[0], "flush") == 0) {
		fprintf(f, "flushed %zu entries\n", scache_flush(s->cache));
	} else if (n == 2 && strcmp(w[0], "flush") == 0) {
		dns_name name;
		if (dns_name_from_text(&name, w[1], strlen(w[1]), dns_name_root) != DNS_OK) {
			fprintf(f, "error: \"%s\" is not a domain name\n", w[1]);
			return;
		}
		fprintf(f, "flushed %zu entries\n", scache_flush_name(s->cache, name.data));
	} else {
		fprintf(f, "error: unknown command (stats, dump, flush [NAME])\n");
	}
}

static void write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

void stub_control_accept(stub *s, int lfd)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	/* A local administrator's command: read with a short timeout, so a
	 * silent client cannot stall the stub. */
	struct timeval tv = { .tv_sec = 0, .tv_usec = 200000 };
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	char cmd[1024];
	size_t len = 0;
	while (len < sizeof cmd - 1) {
		ssize_t n = read(fd, cmd + len, sizeof cmd - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		if (memchr(cmd, '\n', len))
			break;
	}
	cmd[len] = '\0';
	out o = { 0 };
	o.f = open_memstream(&o.text, &o.len);
	if (o.f) {
		run_command(s, o.f, cmd);
		if (fclose(o.f) == 0)
			write_all(fd, o.text, o.len);
		free(o.text);
	}
	close(fd);
}

int stub_control_client(const char *path, int argc, char **argv)
{
	struct sockaddr_un sun;
	if (!make_addr(path, &sun)) {
		fprintf(stderr, "dnsim-stub: control socket path too long: %s\n", path);
		return 2;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof sun) < 0) {
		fprintf(stderr, "dnsim-stub: cannot reach %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	char cmd[1024] = "";
	size_t len = 0;
	for (int i = 0; i < argc; i++) {
		int n = snprintf(cmd + len, sizeof cmd - len, "%s%s", i ? " " : "", argv[i]);
		if (n < 0 || (size_t)n >= sizeof cmd - len) {
			fprintf(stderr, "dnsim-stub: command too long\n");
			close(fd);
			return 2;
		}
		len += (size_t)n;
	}
	if (len >= sizeof cmd - 1) {
		close(fd);
		return 2;
	}
	cmd[len++] = '\n';
	write_all(fd, cmd, len);
	char buf[8192];
	ssize_t n;
	int rc = 0;
	bool first = true;
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		if (first && n >= 6 && strncmp(buf, "error:", 6) == 0)
			rc = 1;
		first = false;
		fwrite(buf, 1, (size_t)n, stdout);
	}
	close(fd);
	return rc;
}
