/* The web view's HTTP side (web.h): libmicrohttpd with a thread per
 * connection on 127.0.0.1, every request checked for its Host header and
 * its token before anything else. */
#include "web/internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "io/readfile.h"
#include "netns/state.h"

#define RING_SLOTS 8192
#define SSE_WAIT_MS 15000          /* a keep-alive comment at least this often */
#define SSE_CHUNK (64 * 1024)
#define CONNECTIONS_MAX 64
#define IDLE_TIMEOUT_S 60          /* a browser that reads nothing for this long */
#define BODY_MAX 4096              /* POST bodies are not used: a little is read, no more */

/* Every page carries these: nothing is loaded from elsewhere, the page is
 * not framed, the token in its address is not sent on as a referrer. */
static void secure(struct MHD_Response *resp, const char *type)
{
	MHD_add_response_header(resp, "Content-Type", type);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'none'; script-src 'self'; style-src 'self'; "
				"connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
				"base-uri 'none'; form-action 'none'");
}

static enum MHD_Result send_text(struct MHD_Connection *conn, unsigned status,
				 const char *type, const char *text, size_t len, const char *cookie)
{
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(len, (void *)text, MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	secure(resp, type);
	if (cookie)
		MHD_add_response_header(resp, "Set-Cookie", cookie);
	enum MHD_Result rc = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return rc;
}

static enum MHD_Result refuse(struct MHD_Connection *conn, unsigned status, const char *why)
{
	return send_text(conn, status, "text/plain; charset=utf-8", why, strlen(why), NULL);
}

/* Equal, in a time that does not depend on where they differ. */
static bool same_secret(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = la != lb;
	for (size_t i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

static const char *get_arg(void *conn, const char *name)
{
	return MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, name);
}

/* ---- Server-Sent Events ---------------------------------------------- */

typedef struct sse {
	web_ctx *w;
	unsigned long long cursor;
	bool greeted;
} sse;

static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)pos;
	sse *s = cls;
	if (s->w->stopping)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (!s->greeted) {
		/* The browser reconnects after 2 s when the stream breaks. */
		s->greeted = true;
		int n = snprintf(buf, max, "retry: 2000\n: dnsim %s\n\n", s->w->c->sim);
		return n > 0 && (size_t)n < max ? n : 0;
	}
	size_t n = hub_read(s->w->hub, &s->cursor, buf, max > SSE_CHUNK ? SSE_CHUNK : max,
			    SSE_WAIT_MS);
	if (s->w->stopping)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (n == 0) {
		/* Nothing for a while: a comment keeps the connection (and
		 * tells a vanished browser's socket apart from a quiet sim). */
		static const char keep[] = ": keep-alive\n\n";
		if (max < sizeof keep)
			return 0;
		memcpy(buf, keep, sizeof keep - 1);
		return (ssize_t)(sizeof keep - 1);
	}
	return (ssize_t)n;
}

static void sse_done(void *cls)
{
	free(cls);
}

static enum MHD_Result serve_events(web_ctx *w, struct MHD_Connection *conn)
{
	sse *s = calloc(1, sizeof *s);
	if (s == NULL)
		return MHD_NO;
	s->w = w;
	s->cursor = hub_head(w->hub);
	struct MHD_Response *resp =
		MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, SSE_CHUNK, sse_read, s, sse_done);
	if (resp == NULL) {
		free(s);
		return MHD_NO;
	}
	secure(resp, "text/event-stream");
	enum MHD_Result rc = MHD_queue_response(conn, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return rc;
}

/* ---- the page ----------------------------------------------------------- */

static enum MHD_Result serve_asset(web_ctx *w, struct MHD_Connection *conn, const char *file,
				   const char *type, const char *cookie)
{
	char path[PATH_MAX + 64], *text;
	size_t len;
	snprintf(path, sizeof path, "%s/%s", w->c->assets, file);
	if (io_read_file(NULL, path, &text, &len) != 0)
		return refuse(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "the page's files are missing\n");
	enum MHD_Result rc = send_text(conn, MHD_HTTP_OK, type, text, len, cookie);
	free(text);
	return rc;
}

static enum MHD_Result send_reply(struct MHD_Connection *conn, web_reply *r)
{
	enum MHD_Result rc = send_text(conn, r->status, r->type, r->body ? r->body : "",
				       r->body ? r->len : 0, NULL);
	free(r->body);
	return rc;
}

static bool allowed_host(web_ctx *w, const char *host)
{
	return host && (strcmp(host, w->host_ip) == 0 || strcmp(host, w->host_name) == 0);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **state)
{
	(void)version;
	(void)upload;
	web_ctx *w = cls;
	static int seen;
	if (*state == NULL) {
		/* The headers are in; the body (if any) comes next. */
		*state = &seen;
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0;       /* nothing takes a body: read and dropped */
		return MHD_YES;
	}
	/* DNS rebinding: a page of another site, its name pointed at
	 * 127.0.0.1, still sends its own name as Host. */
	if (!allowed_host(w, MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host")))
		return refuse(conn, MHD_HTTP_FORBIDDEN, "forbidden: not the address this server "
			      "printed (Host header)\n");
	const char *given = get_arg(conn, "token");
	const char *cookie = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, "dnsim_token");
	bool by_query = given && same_secret(given, w->token);
	if (!by_query && !(cookie && same_secret(cookie, w->token)))
		return refuse(conn, MHD_HTTP_FORBIDDEN,
			      "forbidden: open the address `sim web` printed (it holds the token)\n");
	bool get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0;
	if (post) {
		/* A form elsewhere cannot post here: browsers name the page
		 * that sends it. */
		const char *origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
		if (origin && strcmp(origin, w->origin_ip) != 0 &&
		    strcmp(origin, w->origin_name) != 0)
			return refuse(conn, MHD_HTTP_FORBIDDEN, "forbidden: Origin\n");
	}
	if (!get && !post)
		return refuse(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "GET or POST\n");
	web_reply r = { 0 };
	if (get && (strcmp(url, "/") == 0 || strcmp(url, "/index.html") == 0)) {
		char set[160];
		snprintf(set, sizeof set, "dnsim_token=%s; Path=/; HttpOnly; SameSite=Strict",
			 w->token);
		return serve_asset(w, conn, "index.html", "text/html; charset=utf-8",
				   by_query ? set : NULL);
	}
	if (get && strcmp(url, "/app.js") == 0)
		return serve_asset(w, conn, "app.js", "text/javascript; charset=utf-8", NULL);
	if (get && strcmp(url, "/app.css") == 0)
		return serve_asset(w, conn, "app.css", "text/css; charset=utf-8", NULL);
	if (get && strcmp(url, "/api/events") == 0)
		return serve_events(w, conn);
	if (get && strcmp(url, "/api/map") == 0)
		api_map(w, &r);
	else if (get && strcmp(url, "/api/state") == 0)
		api_state(w, &r);
	else if (get && strcmp(url, "/api/node") == 0)
		api_node(w, get_arg, conn, &r);
	else if (get && strcmp(url, "/api/tutorials") == 0)
		api_tutorials(w, &r);
	else if (post && strcmp(url, "/api/trace") == 0)
		api_trace(w, get_arg, conn, &r);
	else if (post && strcmp(url, "/api/step") == 0)
		api_step(w, get_arg, conn, &r);
	else
		return refuse(conn, MHD_HTTP_NOT_FOUND, "not found\n");
	return send_reply(conn, &r);
}

static bool make_token(char *out, size_t n)
{
	unsigned char raw[16];
	size_t got = 0;
	while (got < sizeof raw) {
		ssize_t r = getrandom(raw + got, sizeof raw - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		got += (size_t)r;
	}
	for (size_t i = 0; i < sizeof raw && 2 * i + 2 < n; i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
	return true;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fputs("sim web: ", stderr);
	vfprintf(stderr, fmt, ap);
}

int web_run(const web_config *c, volatile sig_atomic_t *stop)
{
	static web_ctx w;
	memset(&w, 0, sizeof w);
	w.c = c;
	if (!make_token(w.token, sizeof w.token)) {
		fprintf(stderr, "sim: web: no random numbers for the token: %s\n", strerror(errno));
		return 1;
	}
	snprintf(w.host_ip, sizeof w.host_ip, "127.0.0.1:%u", c->port);
	snprintf(w.host_name, sizeof w.host_name, "localhost:%u", c->port);
	snprintf(w.origin_ip, sizeof w.origin_ip, "http://127.0.0.1:%u", c->port);
	snprintf(w.origin_name, sizeof w.origin_name, "http://localhost:%u", c->port);
	pthread_mutex_init(&w.lock, NULL);
	pthread_mutex_init(&w.action, NULL);
	if ((w.hub = hub_new(RING_SLOTS)) == NULL) {
		fprintf(stderr, "sim: web: out of memory\n");
		return 1;
	}
	/* The view yields to the sim's servers when the machine is busy. */
	setpriority(PRIO_PROCESS, 0, 10);
	char err[512];
	if (!watch_start(&w, err, sizeof err)) {
		fprintf(stderr, "sim: web: %s\n", err);
		hub_free(w.hub);
		return 1;
	}
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)c->port) };
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct MHD_Daemon *d = MHD_start_daemon(
		MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG,
		(uint16_t)c->port, NULL, NULL, handle, &w,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTIONS_MAX,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT_S,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128 * 1024),
		MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "sim: web: cannot listen on 127.0.0.1:%u (in use? --port N picks "
			"another)\n", c->port);
		hub_close(w.hub);
		watch_stop(&w);
		hub_free(w.hub);
		return 1;
	}
	fprintf(c->out, "Watching sim %s: open\n\n  http://127.0.0.1:%u/?token=%s\n\n"
		"(only this machine, only with the token; Ctrl-C stops it)\n", c->sim, c->port,
		w.token);
	fflush(c->out);
	int rc = 0;
	while (!*stop) {
		struct timespec ts = { 0, 200 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		if (!state_exists(c->sim)) {
			fprintf(stderr, "sim: web: sim %s is down\n", c->sim);
			break;
		}
	}
	w.stopping = true;
	hub_close(w.hub);
	MHD_stop_daemon(d);
	watch_stop(&w);
	hub_free(w.hub);
	free(w.state_json);
	pthread_mutex_destroy(&w.lock);
	pthread_mutex_destroy(&w.action);
	return rc;
}
