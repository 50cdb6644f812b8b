/* Control socket: stats, cache dump and flush for a running resolver. */
#include "resolver/control.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "dns/rdata.h"
#include "io/log.h"

static bool make_addr(const char *path, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof *sun);
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun->sun_path) {
		errno = ENAMETOOLONG;
		return false;
	}
	strcpy(sun->sun_path, path);
	return true;
}

int control_listen(const char *path)
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

/* Output to the control client: buffered, written at the end. */
struct out {
	int fd;
	char buf[8192];
	size_t len;
	bool failed;
};

static void out_flush(struct out *o)
{
	size_t off = 0;
	while (!o->failed && off < o->len) {
		ssize_t n = write(o->fd, o->buf + off, o->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			o->failed = true;
		else
			off += (size_t)n;
	}
	o->len = 0;
}

static void outf(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void outf(struct out *o, const char *fmt, ...)
{
	char line[4096];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof line)
		n = sizeof line - 1;
	if (o->len + (size_t)n > sizeof o->buf)
		out_flush(o);
	memcpy(o->buf + o->len, line, (size_t)n);
	o->len += (size_t)n;
}

struct dump_ctx {
	struct out *o;
	uint64_t now;
};

static void dump_entry(void *ctx, const rcache_entry *e)
{
	struct dump_ctx *d = ctx;
	char name[DNS_NAME_MAXTEXT], type[DNS_MNEMONIC_MAX], line[70000];
	uint32_t ttl = rcache_ttl_left(e, d->now);
	if (dns_name_to_text(e->name, name, sizeof name, NULL))
		return;
	if (e->kind == RCACHE_NXDOMAIN) {
		outf(d->o, "; NXDOMAIN %s ttl=%u\n", name, ttl);
		return;
	}
	if (e->kind == RCACHE_NODATA) {
		outf(d->o, "; NODATA %s %s ttl=%u\n", name,
		     dns_type_to_text(e->type, type), ttl);
		return;
	}
	for (size_t i = 0; i < e->nrrs; i++) {
		dns_rr rr = e->rrs[i];
		rr.ttl = ttl;
		if (dns_rr_to_text(&rr, line, sizeof line, NULL) == DNS_OK)
			outf(d->o, "%s\n", line);
	}
}

static void run_command(resolver *r, struct out *o, char *cmd)
{
	char *w[3];
	int n = 0;
	for (char *t = strtok(cmd, " \t\r\n"); t && n < 3; t = strtok(NULL, " \t\r\n"))
		w[n++] = t;
	uint64_t now = r->now_ms;
	if (n == 1 && strcmp(w[0], "stats") == 0) {
		rcache_stats cs = rcache_get_stats(r->cache);
		const res_stats *s = &r->stats;
		uint64_t total = s->cache_hits + s->cache_misses;
		outf(o, "queries %llu\n", (unsigned long long)s->queries);
		outf(o, "cache.hits %llu\n", (unsigned long long)s->cache_hits);
		outf(o, "cache.misses %llu\n", (unsigned long long)s->cache_misses);
		outf(o, "cache.hit_rate %.3f\n", total ? (double)s->cache_hits / (double)total : 0.0);
		outf(o, "cache.entries %zu\n", cs.entries);
		outf(o, "cache.bytes %zu\n", cs.bytes);
		outf(o, "cache.evictions %llu\n", (unsigned long long)cs.evictions);
		outf(o, "upstream.queries %llu\n", (unsigned long long)s->upstream);
		outf(o, "upstream.timeouts %llu\n", (unsigned long long)s->timeouts);
		outf(o, "upstream.tcp_retries %llu\n", (unsigned long long)s->tcp_retries);
		outf(o, "servfail %llu\n", (unsigned long long)s->servfail);
		outf(o, "nxdomain %llu\n", (unsigned long long)s->nxdomain);
		outf(o, "refused %llu\n", (unsigned long long)s->refused);
		outf(o, "blocked %llu\n", (unsigned long long)s->blocked);
		outf(o, "aggregated %llu\n", (unsigned long long)s->aggregated);
		outf(o, "prefetches %llu\n", (unsigned long long)s->prefetches);
		outf(o, "dnssec.secure %llu\n", (unsigned long long)s->secure);
		outf(o, "dnssec.insecure %llu\n", (unsigned long long)s->insecure);
		outf(o, "dnssec.bogus %llu\n", (unsigned long long)s->bogus);
	} else if (n == 1 && strcmp(w[0], "dump") == 0) {
		struct dump_ctx d = { o, now };
		rcache_foreach(r->cache, now, dump_entry, &d);
	} else if (n == 1 && strcmp(w[0], "flush") == 0) {
		/* The zones' keys too: a cold cache fetches them again. */
		val_flush(r, NULL, true);
		size_t k = rcache_flush(r->cache);
		if (r->ecache)
			k += ecache_flush(r->ecache, NULL, false);
		outf(o, "flushed %zu entries\n", k);
	} else if (n == 2 && (strcmp(w[0], "flush") == 0 || strcmp(w[0], "flush-tree") == 0)) {
		dns_name name;
		if (dns_name_from_text(&name, w[1], strlen(w[1]), dns_name_root)) {
			outf(o, "error: \"%s\" is not a domain name\n", w[1]);
			return;
		}
		val_flush(r, name.data, w[0][5] == '-');
		size_t k = rcache_flush_name(r->cache, name.data, w[0][5] == '-');
		if (r->ecache)
			k += ecache_flush(r->ecache, name.data, w[0][5] == '-');
		outf(o, "flushed %zu entries\n", k);
	} else {
		outf(o, "error: unknown command (stats, dump, flush [NAME], flush-tree NAME)\n");
	}
}

void control_accept(resolver *r, int lfd)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	/* A local administrator's command: read it with a short timeout so
	 * a silent client cannot stall the resolver. */
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
	struct out o = { .fd = fd };
	run_command(r, &o, cmd);
	out_flush(&o);
	close(fd);
}

int control_client(const char *path, int argc, char **argv)
{
	struct sockaddr_un sun;
	if (!make_addr(path, &sun)) {
		fprintf(stderr, "dnsim-resolver: control socket path too long: %s\n", path);
		return 2;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof sun) < 0) {
		fprintf(stderr, "dnsim-resolver: cannot reach %s: %s (is the resolver running with 'control %s'?)\n",
			path, strerror(errno), path);
		if (fd >= 0)
			close(fd);
		return 1;
	}
	char cmd[1024] = "";
	size_t len = 0;
	for (int i = 0; i < argc; i++) {
		int n = snprintf(cmd + len, sizeof cmd - len, "%s%s", i ? " " : "", argv[i]);
		if (n < 0 || (size_t)n >= sizeof cmd - len)
			break;
		len += (size_t)n;
	}
	if (len < sizeof cmd - 1)
		cmd[len++] = '\n';
	if (write(fd, cmd, len) != (ssize_t)len) {
		close(fd);
		return 1;
	}
	char buf[8192];
	ssize_t n;
	int rc = 0;
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		if (strncmp(buf, "error:", 6) == 0)
			rc = 1;
		fwrite(buf, 1, (size_t)n, stdout);
	}
	close(fd);
	return rc;
}
