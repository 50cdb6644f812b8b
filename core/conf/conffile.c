/* The config-file tokenizer, value parsers and writer. */
#include "conffile.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading ---------------------------------------------------------- */

void conf_reader_init(conf_reader *r, const char *file, const char *text,
		      size_t len, const char *block_keyword)
{
	r->file = file;
	r->text = text;
	r->len = len;
	r->pos = 0;
	r->block_keyword = block_keyword;
	r->line = 0;
	r->nwords = 0;
	r->in_block = false;
	r->opened = false;
	r->block_kw[0] = '\0';
	r->block[0] = '\0';
}

/* Is `word` one of the reader's block keywords? */
static bool is_block_keyword(const conf_reader *r, const char *word)
{
	const char *k = r->block_keyword;
	size_t n = strlen(word);
	while (k && *k) {
		size_t len = strcspn(k, " ");
		if (len == n && strncmp(k, word, n) == 0)
			return true;
		k += len;
		k += strspn(k, " ");
	}
	return false;
}

void conf_error(const conf_reader *r, char *err, size_t errsz, const char *fmt, ...)
{
	int n = snprintf(err, errsz, "%s:%u: ", r->file, r->line);
	if (n < 0 || (size_t)n >= errsz)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err + n, errsz - (size_t)n, fmt, ap);
	va_end(ap);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool is_brace_word(const char *w)
{
	return (w[0] == '{' || w[0] == '}') && w[1] == '\0';
}

/* Split the line [p, end) into r->words; false (err) when it holds more
 * words than the limit or a NUL. */
static bool split(conf_reader *r, const char *p, const char *end, char *err,
		  size_t errsz)
{
	char *out = r->buf;
	r->nwords = 0;
	while (p < end) {
		if (is_blank(*p)) {
			p++;
			continue;
		}
		if (*p == '#')
			break;
		if (*p == '\0') {
			conf_error(r, err, errsz, "a NUL byte in the text");
			return false;
		}
		if (r->nwords == CONF_WORDS_MAX) {
			conf_error(r, err, errsz, "more than %d words on one line",
				   CONF_WORDS_MAX);
			return false;
		}
		r->words[r->nwords++] = out;
		if (*p == '{' || *p == '}')
			*out++ = *p++;
		else
			while (p < end && !is_blank(*p) && *p != '#' && *p != '{' &&
			       *p != '}' && *p != '\0')
				*out++ = *p++;
		*out++ = '\0';
	}
	return true;
}

/* The block rules for a line of words: 1 to hand it on, 0 when it was
 * a block's closing brace, -1 on error. */
static int block_rules(conf_reader *r, char *err, size_t errsz)
{
	/* The first keyword names blocks in general ("'}' without an open
	 * view"), the one that opened a block names that block. */
	char kw[32];
	const char *all = r->block_keyword ? r->block_keyword : "block";
	snprintf(kw, sizeof kw, "%.*s", (int)strcspn(all, " "), all);
	char **w = r->words;
	r->opened = false;
	if (r->nwords == 1 && strcmp(w[0], "}") == 0) {
		if (!r->in_block) {
			conf_error(r, err, errsz, "'}' without an open %s", kw);
			return -1;
		}
		r->in_block = false;
		r->block[0] = '\0';
		r->block_kw[0] = '\0';
		return 0;
	}
	if (is_block_keyword(r, w[0])) {
		if (r->in_block) {
			conf_error(r, err, errsz, "%ss do not nest: close %s %s first",
				   r->block_kw, r->block_kw, r->block);
			return -1;
		}
		snprintf(kw, sizeof kw, "%s", w[0]);
		if (r->nwords != 3 || is_brace_word(w[1]) || strcmp(w[2], "{") != 0) {
			conf_error(r, err, errsz, "expected: %s NAME {", kw);
			return -1;
		}
		r->in_block = true;
		r->opened = true;
		snprintf(r->block_kw, sizeof r->block_kw, "%s", w[0]);
		snprintf(r->block, sizeof r->block, "%s", w[1]);
		return 1;
	}
	for (size_t i = 0; i < r->nwords; i++)
		if (is_brace_word(w[i])) {
			if (r->block_keyword)
				conf_error(r, err, errsz, "unexpected '%s': braces only open a "
					   "block (%s NAME {) and close it ('}' alone on "
					   "its line)", w[i], kw);
			else
				conf_error(r, err, errsz, "unexpected '%s': there are no "
					   "blocks in this file", w[i]);
			return -1;
		}
	return 1;
}

int conf_reader_next(conf_reader *r, char *err, size_t errsz)
{
	while (r->pos < r->len) {
		const char *start = r->text + r->pos;
		const char *nl = memchr(start, '\n', r->len - r->pos);
		const char *end = nl ? nl : r->text + r->len;
		r->pos = nl ? (size_t)(nl - r->text) + 1 : r->len;
		r->line++;
		if ((size_t)(end - start) > CONF_LINE_MAX) {
			conf_error(r, err, errsz, "line longer than %d characters",
				   CONF_LINE_MAX);
			return -1;
		}
		if (!split(r, start, end, err, errsz))
			return -1;
		if (r->nwords == 0)
			continue;
		int rc = block_rules(r, err, errsz);
		if (rc != 0)
			return rc;
	}
	r->nwords = 0;
	r->opened = false;
	if (r->in_block) {
		conf_error(r, err, errsz, "%s %s is not closed with '}'",
			   r->block_kw, r->block);
		return -1;
	}
	return 0;
}

/* ---- values ----------------------------------------------------------- */

bool conf_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	if (*s < '0' || *s > '9')
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool conf_parse_bool(const char *s, bool *out)
{
	if (strcmp(s, "yes") == 0 || strcmp(s, "on") == 0) {
		*out = true;
		return true;
	}
	if (strcmp(s, "no") == 0 || strcmp(s, "off") == 0) {
		*out = false;
		return true;
	}
	return false;
}

bool conf_parse_addr(const char *s, net_addr *out, char *msg, size_t msgsz)
{
	if (net_addr_parse(s, 53, out))
		return true;
	snprintf(msg, msgsz, "\"%s\" is not an address (ADDR or ADDR@PORT)", s);
	return false;
}

bool conf_parse_prefix(const char *s, net_prefix *out, char *msg, size_t msgsz)
{
	if (net_prefix_parse(s, out))
		return true;
	snprintf(msg, msgsz, "\"%s\" is not a prefix (ADDR or ADDR/LEN, host bits zero)", s);
	return false;
}

void conf_format_addr(const net_addr *a, char *out, size_t outsz)
{
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;
	if (a->ss.ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)&a->ss;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
		port = ntohs(in->sin_port);
	} else if (a->ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&a->ss;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
		port = ntohs(in6->sin6_port);
	}
	if (port == 53)
		snprintf(out, outsz, "%s", host);
	else
		snprintf(out, outsz, "%s@%u", host, port);
}

void conf_format_prefix(const net_prefix *p, char *out, size_t outsz)
{
	char host[INET6_ADDRSTRLEN] = "?";
	inet_ntop(p->family, p->bytes, host, sizeof host);
	snprintf(out, outsz, "%s/%u", host, p->bits);
}

/* ---- writing ---------------------------------------------------------- */

void conf_writer_init(conf_writer *w)
{
	w->text = NULL;
	w->len = w->cap = 0;
	w->err[0] = '\0';
}

static void writer_fail(conf_writer *w, const char *fmt, const char *arg)
{
	if (w->err[0] == '\0')
		snprintf(w->err, sizeof w->err, fmt, arg);
}

void conf_printf(conf_writer *w, const char *fmt, ...)
{
	if (w->err[0])
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		writer_fail(w, "%s", "cannot format a setting");
		return;
	}
	if (w->cap - w->len < (size_t)n + 1) {
		size_t cap = w->cap ? w->cap : 1024;
		while (cap - w->len < (size_t)n + 1)
			cap *= 2;
		char *p = realloc(w->text, cap);
		if (p == NULL) {
			writer_fail(w, "%s", "out of memory");
			return;
		}
		w->text = p;
		w->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(w->text + w->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	w->len += (size_t)n;
}

bool conf_word_ok(const char *word)
{
	if (word == NULL || word[0] == '\0')
		return false;
	for (const unsigned char *p = (const unsigned char *)word; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '#' || *p == '{' || *p == '}')
			return false;
	return true;
}

static void write_word(conf_writer *w, const char *word)
{
	if (!conf_word_ok(word)) {
		writer_fail(w, "\"%.200s\" cannot be written as one word of a config "
			    "file (blanks, '#', braces and control characters "
			    "mean something there)", word ? word : "");
		return;
	}
	conf_printf(w, " %s", word);
}

void conf_write_line(conf_writer *w, const char *indent, const char *key,
		     const char *const *words, size_t n)
{
	conf_printf(w, "%s%s", indent, key);
	for (size_t i = 0; i < n; i++)
		write_word(w, words[i]);
	conf_printf(w, "\n");
}

#define LIST_PER_LINE 8

void conf_write_list(conf_writer *w, const char *indent, const char *key,
		     const void *items, size_t n, conf_item_fn item)
{
	char text[LIST_PER_LINE][CONF_ITEM_MAX];
	const char *words[LIST_PER_LINE];
	for (size_t i = 0; i < n; i += LIST_PER_LINE) {
		size_t k = n - i < LIST_PER_LINE ? n - i : LIST_PER_LINE;
		for (size_t j = 0; j < k; j++) {
			item(items, i + j, text[j], sizeof text[j]);
			words[j] = text[j];
		}
		conf_write_line(w, indent, key, words, k);
	}
}

void conf_prefix_item(const void *items, size_t i, char *out, size_t outsz)
{
	conf_format_prefix((const net_prefix *)items + i, out, outsz);
}

void conf_string_item(const void *items, size_t i, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s", ((char *const *)items)[i]);
}

void conf_write_block(conf_writer *w, const char *keyword, const char *name)
{
	conf_printf(w, "%s", keyword);
	write_word(w, name);
	conf_printf(w, " {\n");
}

void conf_write_block_end(conf_writer *w)
{
	conf_printf(w, "}\n");
}

char *conf_writer_finish(conf_writer *w, char *err, size_t errsz)
{
	char *text = w->text;
	if (w->err[0] == '\0' && text == NULL && (text = strdup("")) == NULL)
		writer_fail(w, "%s", "out of memory");
	if (w->err[0]) {
		snprintf(err, errsz, "%s", w->err);
		free(text);
		text = NULL;
	}
	conf_writer_init(w);
	return text;
}

/* ---- the TCP settings ------------------------------------------------- */

void conf_tcp_init(conf_tcp *t, unsigned max_conns)
{
	t->idle_s = CONF_TCP_IDLE_DEFAULT;
	t->max_conns = max_conns;
	t->message_s = 0;
	t->output_max = CONF_TCP_OUTPUT_DEFAULT;
}

static const struct tcp_key {
	const char *key;
	uint64_t min, max;
	const char *unit;
	size_t field;
} tcp_keys[] = {
	{ "tcp-idle-timeout", 1, 3600, " (seconds)", offsetof(conf_tcp, idle_s) },
	{ "tcp-message-timeout", 1, 3600, " (seconds)", offsetof(conf_tcp, message_s) },
	{ "tcp-max-connections", 1, 100000, "", offsetof(conf_tcp, max_conns) },
	{ "tcp-output-limit", 1024, 1u << 30, " (bytes)", offsetof(conf_tcp, output_max) },
};

int conf_tcp_set(conf_tcp *t, const char *key, char *const *words, size_t n,
		 char *msg, size_t msgsz)
{
	for (size_t i = 0; i < sizeof tcp_keys / sizeof tcp_keys[0]; i++) {
		const struct tcp_key *k = &tcp_keys[i];
		if (strcmp(key, k->key) != 0)
			continue;
		uint64_t v;
		if (n != 1 || !conf_parse_uint(words[0], k->min, k->max, &v)) {
			snprintf(msg, msgsz, "expected: %s %llu..%llu%s", k->key,
				 (unsigned long long)k->min, (unsigned long long)k->max,
				 k->unit);
			return -1;
		}
		*(unsigned *)((char *)t + k->field) = (unsigned)v;
		return 1;
	}
	return 0;
}

void conf_tcp_write(conf_writer *w, const conf_tcp *t)
{
	for (size_t i = 0; i < sizeof tcp_keys / sizeof tcp_keys[0]; i++) {
		unsigned v = *(const unsigned *)((const char *)t + tcp_keys[i].field);
		if (v != 0)     /* tcp-message-timeout 0: as the idle timeout */
			conf_printf(w, "%s %u\n", tcp_keys[i].key, v);
	}
}

void conf_write_addrs(conf_writer *w, const char *key, const net_addr *addrs, size_t n)
{
	char a[80];
	for (size_t i = 0; i < n; i++) {
		conf_format_addr(&addrs[i], a, sizeof a);
		conf_printf(w, "%s %s\n", key, a);
	}
}
