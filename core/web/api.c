/* The web view's endpoints (web.h): each reads the model or runs one of
 * the sim's own verbs, with arguments checked first. */
#include "web/internal.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"
#include "dns/rrtype.h"
#include "draw/json.h"
#include "io/readfile.h"
#include "netns/links.h"
#include "netns/nodelist.h"
#include "teach/lesson.h"
#include "teach/runner.h"

#define RECENT_MAX 40
#define TEXT_MAX (256 * 1024)      /* of a verb's output shown in the panel */

void reply_json(web_reply *r, char *body)
{
	r->status = body ? 200 : 500;
	r->type = "application/json";
	r->body = body ? body : strdup("{\"error\":\"out of memory\"}");
	r->len = r->body ? strlen(r->body) : 0;
}

void reply_error(web_reply *r, unsigned status, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (f) {
		fputs("{\"error\":", f);
		json_string(f, msg);
		fputc('}', f);
		if (fclose(f) != 0) {
			free(text);
			text = NULL;
		}
	}
	reply_json(r, text);
	if (text)
		r->status = status;
}

/* A memstream's text (its buffer is only up to date once it is
 * closed), or NULL. */
static char *closed(FILE *f, char **text)
{
	if (fclose(f) != 0) {
		free(*text);
		*text = NULL;
	}
	return *text;
}

void api_map(web_ctx *w, web_reply *r)
{
	link_table live;
	bool have = links_read(w->c->sim, &live) == 0;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (f == NULL) {
		if (have)
			links_free(&live);
		reply_json(r, NULL);
		return;
	}
	json_network_map(f, w->c->t, have ? &live : NULL);
	if (have)
		links_free(&live);
	reply_json(r, closed(f, &text));
}

void api_state(web_ctx *w, web_reply *r)
{
	pthread_mutex_lock(&w->lock);
	char *copy = strdup(w->state_json ? w->state_json : "{\"nodes\":{},\"links\":{}}");
	pthread_mutex_unlock(&w->lock);
	reply_json(r, copy);
}

/* The node's service from the running sim's node list ("" when none),
 * false when the sim has no such node. */
static bool node_service(web_ctx *w, const char *name, char *service, size_t n)
{
	node_line *nodes;
	size_t count;
	if (nodelist_read(w->c->sim, &nodes, &count) < 0)
		return false;
	const node_line *nl = nodelist_find(nodes, count, name);
	if (nl)
		snprintf(service, n, "%s", nl->service);
	free(nodes);
	return nl != NULL;
}

/* Run one verb of this very program on the sim; its output (cut at
 * TEXT_MAX) as a JSON string into f. */
static int verb_into(web_ctx *w, FILE *f, char **words)
{
	char *out = NULL;
	int rc = runner_sim(w->c->sim, words, &out);
	if (out && strlen(out) > TEXT_MAX)
		out[TEXT_MAX] = '\0';
	json_string(f, out ? out : "");
	free(out);
	return rc;
}

void api_node(web_ctx *w, web_arg_fn arg, void *conn, web_reply *r)
{
	const char *name = arg(conn, "name");
	char service[16] = "";
	if (name == NULL || !topo_name_ok(name) || !node_service(w, name, service, sizeof service)) {
		reply_error(r, 404, "no node named \"%s\" in sim %s", name ? name : "",
			    w->c->sim);
		return;
	}
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (f == NULL) {
		reply_json(r, NULL);
		return;
	}
	fputs("{\"name\":", f);
	json_string(f, name);
	fputs(",\"service\":", f);
	json_string(f, service);
	fputs(",\"zones\":[", f);
	const topo_node *tn = topo_node_find(w->c->t, name);
	for (size_t k = 0; tn && k < tn->nzones; k++) {
		if (k)
			fputc(',', f);
		json_string(f, tn->zones[k].origin);
	}
	fputs("]", f);
	bool dns = strcmp(service, "auth") == 0 || strcmp(service, "resolver") == 0;
	if (dns) {
		char *stats[] = { "stats", (char *)name, NULL };
		fputs(",\"stats\":", f);
		verb_into(w, f, stats);
	}
	if (strcmp(service, "resolver") == 0) {
		char *cache[] = { "cache", (char *)name, "dump", NULL };
		fputs(",\"cache\":", f);
		verb_into(w, f, cache);
	}
	char *recent = hub_recent(w->hub, name, RECENT_MAX);
	fprintf(f, ",\"recent\":%s}", recent ? recent : "[]");
	free(recent);
	reply_json(r, closed(f, &text));
}

void api_trace(web_ctx *w, web_arg_fn arg, void *conn, web_reply *r)
{
	const char *name = arg(conn, "name"), *type = arg(conn, "type"),
		   *from = arg(conn, "from");
	if (type == NULL || *type == '\0')
		type = "A";
	if (from == NULL || *from == '\0')
		from = "laptop";
	dns_name qname;
	uint16_t qtype;
	char service[16];
	if (name == NULL || *name == '\0' ||
	    dns_name_from_text(&qname, name, strlen(name), dns_name_root) != DNS_OK) {
		reply_error(r, 400, "\"%s\" is not a domain name", name ? name : "");
		return;
	}
	if (dns_type_from_text(type, strlen(type), &qtype) != DNS_OK) {
		reply_error(r, 400, "\"%s\" is not a record type", type);
		return;
	}
	if (!topo_name_ok(from) || !node_service(w, from, service, sizeof service)) {
		reply_error(r, 400, "no node named \"%s\" in sim %s", from, w->c->sim);
		return;
	}
	/* The name and type as the sim prints them: nothing else reaches the
	 * command line. */
	char qn[DNS_NAME_MAXTEXT], qt[DNS_MNEMONIC_MAX];
	dns_name_to_text(qname.data, qn, sizeof qn, NULL);
	dns_type_to_text(qtype, qt);
	char *words[] = { "trace", qn, qt, "--from", (char *)from, "--cold", "--json", NULL };
	char *out = NULL;
	pthread_mutex_lock(&w->action);
	int rc = runner_sim(w->c->sim, words, &out);
	pthread_mutex_unlock(&w->action);
	/* Its JSON is one line; whatever else it said (an error) is text. */
	char *line = out ? strstr(out, "{\"client\":") : NULL;
	if (line) {
		line[strcspn(line, "\n")] = '\0';
		char *body = strdup(line);
		free(out);
		reply_json(r, body);
		return;
	}
	reply_error(r, 502, "sim trace failed (%d): %.400s", rc, out ? out : "");
	free(out);
}

/* The shipped lessons, sorted; n in *count. */
static char **lesson_files(web_ctx *w, size_t *count)
{
	char **files;
	*count = runner_list(w->c->tutorials, &files);
	return files;
}

static void free_files(char **files, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(files[i]);
	free(files);
}

static bool load(web_ctx *w, const char *file, lesson *l)
{
	char path[PATH_MAX + 300], *text, err[256];
	size_t len;
	snprintf(path, sizeof path, "%s/%s", w->c->tutorials, file);
	if (io_read_file(NULL, path, &text, &len) != 0)
		return false;
	bool ok = lesson_parse(text, len, l, err, sizeof err);
	free(text);
	return ok;
}

static void strings(FILE *f, char **list, size_t n)
{
	fputc('[', f);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', f);
		json_string(f, list[i]);
	}
	fputc(']', f);
}

void api_tutorials(web_ctx *w, web_reply *r)
{
	size_t n;
	char **files = lesson_files(w, &n);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (f == NULL) {
		free_files(files, n);
		reply_json(r, NULL);
		return;
	}
	fputc('[', f);
	size_t shown = 0;
	for (size_t i = 0; i < n; i++) {
		lesson l;
		if (!load(w, files[i], &l))
			continue;
		fprintf(f, "%s{\"lesson\":%ld,\"file\":", shown++ ? "," : "",
			strtol(files[i], NULL, 10));
		json_string(f, files[i]);
		fputs(",\"title\":", f);
		json_string(f, l.title);
		fputs(",\"intro\":", f);
		json_string(f, l.intro);
		fputs(",\"steps\":[", f);
		for (size_t s = 0; s < l.nsteps; s++) {
			const lesson_step *st = &l.steps[s];
			fputs(s ? ",{\"title\":" : "{\"title\":", f);
			json_string(f, st->title);
			fputs(",\"text\":", f);
			json_string(f, st->text);
			fputs(",\"commands\":", f);
			strings(f, st->commands, st->ncommands);
			fputs(",\"expect\":", f);
			strings(f, st->expect, st->nexpect);
			fputc('}', f);
		}
		fputs("]}", f);
		lesson_free(&l);
	}
	fputc(']', f);
	free_files(files, n);
	reply_json(r, closed(f, &text));
}

/* A whole number from 1 to max, or 0. */
static long index_arg(const char *s, long max)
{
	if (s == NULL || *s < '1' || *s > '9' || strlen(s) > 6)
		return 0;
	char *end;
	long v = strtol(s, &end, 10);
	return *end == '\0' && v >= 1 && v <= max ? v : 0;
}

void api_step(web_ctx *w, web_arg_fn arg, void *conn, web_reply *r)
{
	size_t n;
	char **files = lesson_files(w, &n);
	long want = index_arg(arg(conn, "lesson"), 999);
	const char *file = NULL;
	for (size_t i = 0; i < n && file == NULL && want; i++)
		if (strtol(files[i], NULL, 10) == want)
			file = files[i];
	lesson l;
	if (file == NULL || !load(w, file, &l)) {
		reply_error(r, 404, "no lesson %s", arg(conn, "lesson") ? arg(conn, "lesson") : "");
		free_files(files, n);
		return;
	}
	free_files(files, n);
	long step = index_arg(arg(conn, "step"), (long)l.nsteps);
	if (step == 0) {
		reply_error(r, 404, "lesson %ld has no step %s", want,
			    arg(conn, "step") ? arg(conn, "step") : "");
		lesson_free(&l);
		return;
	}
	char *out = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&out, &len);
	if (o == NULL) {
		lesson_free(&l);
		reply_json(r, NULL);
		return;
	}
	pthread_mutex_lock(&w->action);
	bool met = runner_step_to(o, w->c->sim, &l.steps[step - 1], false, false);
	pthread_mutex_unlock(&w->action);
	lesson_free(&l);
	out = closed(o, &out);
	char *text = NULL;
	FILE *f = open_memstream(&text, &len);
	if (f == NULL) {
		free(out);
		reply_json(r, NULL);
		return;
	}
	fprintf(f, "{\"lesson\":%ld,\"step\":%ld,\"ok\":%s,\"output\":", want, step,
		met ? "true" : "false");
	json_string(f, out ? out : "");
	fputc('}', f);
	free(out);
	reply_json(r, closed(f, &text));
}
