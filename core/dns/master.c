/* Reading master files: a lexer for logical lines (parentheses, quotes,
 * comments, escapes), the directives, and record lines. */
#include "master.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "dns/soa.h"
#include "dns/ttl.h"

#define MAX_TOKENS 2048
#define MAX_INCLUDE_DEPTH 16

struct src {
	const char *name;
	const char *text;
	size_t len, pos;
	unsigned line;
	size_t line_start;
};

struct reader {
	const dns_master_ops *ops;
	uint16_t rclass;
	dns_name origin;
	dns_name owner;          /* the previous record's owner */
	bool have_owner;
	uint32_t dollar_ttl;
	bool have_dollar_ttl;
	uint32_t last_ttl;
	bool have_last_ttl;
	unsigned errors;
	int depth;
	bool stop;
	dns_token tok[MAX_TOKENS];
	uint8_t rdata[DNS_RDATA_MAXLEN];
};

static void diag(struct reader *r, enum dns_severity sev, const char *file,
		 unsigned line, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
static void diag(struct reader *r, enum dns_severity sev, const char *file,
		 unsigned line, unsigned col, const char *fmt, ...)
{
	dns_diag d = { .severity = sev, .file = file, .line = line, .col = col };
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d.msg, sizeof d.msg, fmt, ap);
	va_end(ap);
	if (sev == DNS_ERROR)
		r->errors++;
	if (r->ops->diag)
		r->ops->diag(r->ops->ctx, &d);
}

static void tok_error(struct reader *r, const struct src *s, const dns_token *t,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void tok_error(struct reader *r, const struct src *s, const dns_token *t,
		      const char *fmt, ...)
{
	char msg[320];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	diag(r, DNS_ERROR, s->name, t->line, t->col, "%s", msg);
}

/* Show a token in a message: its text, shortened when long. */
static const char *shown(const dns_token *t, char *buf, size_t sz)
{
	size_t n = t->len < sz - 4 ? t->len : sz - 4;
	memcpy(buf, t->text, n);
	strcpy(buf + n, t->len > n ? "..." : "");
	return buf;
}

/* ---- the lexer ------------------------------------------------------------ */

enum line_result { LINE_EOF, LINE_OK, LINE_BAD };

/* Read one logical line: tokens up to a newline outside parentheses.
 * *blank_owner is set when the line starts with white space. */
static enum line_result read_line(struct reader *r, struct src *s,
				  size_t *ntok, bool *blank_owner,
				  unsigned *first_line)
{
	int parens = 0;
	unsigned paren_line = 0, paren_col = 0;
	*ntok = 0;
	*blank_owner = false;
	for (;;) {
		/* Skip to the next line with content. */
		if (s->pos >= s->len && *ntok == 0 && parens == 0)
			return LINE_EOF;
		*first_line = s->line;
		*blank_owner = s->pos < s->len &&
			       (s->text[s->pos] == ' ' || s->text[s->pos] == '\t');
		bool end_of_line = false;
		while (!end_of_line) {
			if (s->pos >= s->len) {
				if (parens > 0) {
					diag(r, DNS_ERROR, s->name, paren_line, paren_col,
					     "'(' is never closed");
					return LINE_BAD;
				}
				return *ntok ? LINE_OK : LINE_EOF;
			}
			char c = s->text[s->pos];
			unsigned col = (unsigned)(s->pos - s->line_start) + 1;
			if (c == '\n') {
				s->pos++;
				s->line++;
				s->line_start = s->pos;
				if (parens == 0)
					end_of_line = true;
				continue;
			}
			if (c == ' ' || c == '\t' || c == '\r') {
				s->pos++;
				continue;
			}
			if (c == ';') {
				while (s->pos < s->len && s->text[s->pos] != '\n')
					s->pos++;
				continue;
			}
			if (c == '(') {
				if (parens++ == 0) {
					paren_line = s->line;
					paren_col = col;
				}
				s->pos++;
				continue;
			}
			if (c == ')') {
				if (parens == 0) {
					diag(r, DNS_ERROR, s->name, s->line, col,
					     "')' without a matching '('");
					while (s->pos < s->len && s->text[s->pos] != '\n')
						s->pos++;
					return LINE_BAD;
				}
				parens--;
				s->pos++;
				continue;
			}
			if (*ntok == MAX_TOKENS) {
				diag(r, DNS_ERROR, s->name, s->line, col,
				     "more than %d items in one record", MAX_TOKENS);
				return LINE_BAD;
			}
			dns_token *t = &r->tok[(*ntok)++];
			t->line = s->line;
			t->col = col;
			if (c == '"') {
				size_t start = ++s->pos;
				while (s->pos < s->len && s->text[s->pos] != '"') {
					if (s->text[s->pos] == '\\' && s->pos + 1 < s->len)
						s->pos++;
					if (s->text[s->pos] == '\n') {
						s->line++;
						s->line_start = s->pos + 1;
					}
					s->pos++;
				}
				if (s->pos >= s->len) {
					diag(r, DNS_ERROR, s->name, t->line, t->col,
					     "quoted string is never closed");
					return LINE_BAD;
				}
				t->text = s->text + start;
				t->len = s->pos - start;
				t->quoted = true;
				s->pos++;
				continue;
			}
			size_t start = s->pos;
			while (s->pos < s->len) {
				char d = s->text[s->pos];
				if (d == '\\' && s->pos + 1 < s->len && s->text[s->pos + 1] != '\n') {
					s->pos += 2;
					continue;
				}
				if (d == ' ' || d == '\t' || d == '\n' || d == '\r' ||
				    d == ';' || d == '(' || d == ')' || d == '"')
					break;
				s->pos++;
			}
			t->text = s->text + start;
			t->len = s->pos - start;
			t->quoted = false;
		}
		if (*ntok > 0)
			return LINE_OK;
	}
}

/* ---- names and fields ----------------------------------------------------- */

static bool tok_is(const dns_token *t, const char *word)
{
	size_t n = strlen(word);
	if (t->quoted || t->len != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char a = t->text[i], b = word[i];
		if (a >= 'a' && a <= 'z')
			a = (char)(a - 32);
		if (a != b)
			return false;
	}
	return true;
}

static dns_err tok_name(const dns_token *t, const uint8_t *origin, dns_name *out)
{
	if (t->len == 1 && t->text[0] == '@' && !t->quoted) {
		dns_name_copy(out, origin);
		return DNS_OK;
	}
	return dns_name_from_text(out, t->text, t->len, origin);
}

static const char *name_error(dns_err err)
{
	switch (err) {
	case DNS_E_LABEL_TOO_LONG: return "a label is longer than 63 octets";
	case DNS_E_NAME_TOO_LONG: return "the name is longer than 255 octets";
	case DNS_E_EMPTY_LABEL: return "the name has an empty label (\"..\" or a leading dot)";
	case DNS_E_BAD_ESCAPE: return "bad escape in the name";
	default: return dns_strerror(err);
	}
}

static bool looks_like_ttl(const dns_token *t)
{
	return !t->quoted && t->len > 0 && t->text[0] >= '0' && t->text[0] <= '9';
}

/* ---- directives -------------------------------------------------------------- */

static void read_source(struct reader *r, struct src *s);

/* $INCLUDE paths are relative to the including file's folder. */
static void include_path(const char *including, const dns_token *t, char *out,
			 size_t outsz)
{
	const char *slash = strrchr(including, '/');
	if (t->len > 0 && t->text[0] == '/')
		snprintf(out, outsz, "%.*s", (int)t->len, t->text);
	else if (slash)
		snprintf(out, outsz, "%.*s/%.*s", (int)(slash - including), including,
			 (int)t->len, t->text);
	else
		snprintf(out, outsz, "%.*s", (int)t->len, t->text);
}

static void directive(struct reader *r, struct src *s, size_t n)
{
	dns_token *t = r->tok;
	char b[80];
	if (tok_is(&t[0], "$ORIGIN")) {
		dns_name o;
		dns_err err;
		if (n != 2) {
			tok_error(r, s, &t[0], "$ORIGIN takes one domain name");
			return;
		}
		if ((err = tok_name(&t[1], r->origin.data, &o)) != DNS_OK) {
			tok_error(r, s, &t[1], "$ORIGIN \"%s\": %s", shown(&t[1], b, sizeof b),
				  name_error(err));
			return;
		}
		r->origin = o;
	} else if (tok_is(&t[0], "$TTL")) {
		uint32_t ttl;
		if (n != 2) {
			tok_error(r, s, &t[0], "$TTL takes one TTL (like 3600 or 1h)");
			return;
		}
		if (dns_ttl_from_text(t[1].text, t[1].len, &ttl) != DNS_OK) {
			tok_error(r, s, &t[1], "$TTL: \"%s\" is not a TTL (like 3600, 1h30m, 2d)",
				  shown(&t[1], b, sizeof b));
			return;
		}
		r->dollar_ttl = ttl;
		r->have_dollar_ttl = true;
	} else if (tok_is(&t[0], "$INCLUDE")) {
		if (n < 2 || n > 3) {
			tok_error(r, s, &t[0], "$INCLUDE takes a file name and optionally an origin");
			return;
		}
		if (r->depth >= MAX_INCLUDE_DEPTH) {
			tok_error(r, s, &t[0], "$INCLUDE nested more than %d deep (a loop?)",
				  MAX_INCLUDE_DEPTH);
			return;
		}
		dns_name saved_origin = r->origin, inc_origin = r->origin;
		if (n == 3) {
			dns_err err = tok_name(&t[2], r->origin.data, &inc_origin);
			if (err) {
				tok_error(r, s, &t[2], "$INCLUDE origin \"%s\": %s",
					  shown(&t[2], b, sizeof b), name_error(err));
				return;
			}
		}
		char path[4096];
		include_path(s->name, &t[1], path, sizeof path);
		char *data = NULL;
		size_t len = 0;
		int e = r->ops->read_file(r->ops->ctx, path, &data, &len);
		if (e) {
			tok_error(r, s, &t[1], "$INCLUDE %s: %s", path, strerror(e));
			return;
		}
		struct src inc = { .name = path, .text = data, .len = len, .line = 1 };
		r->origin = inc_origin;
		r->depth++;
		read_source(r, &inc);
		r->depth--;
		/* The including file goes on with its own origin (RFC 1035
		 * 5.1); the previous owner is left as the include left it, as
		 * BIND does. */
		r->origin = saved_origin;
		free(data);
	} else {
		tok_error(r, s, &t[0], "unknown directive %s (known: $ORIGIN, $TTL, $INCLUDE)",
			  shown(&t[0], b, sizeof b));
	}
}

/* ---- records ------------------------------------------------------------------ */

static void record(struct reader *r, struct src *s, size_t n, bool blank_owner,
		   unsigned line)
{
	dns_token *t = r->tok;
	size_t i = 0;
	char b[80];
	dns_name owner;

	if (blank_owner) {
		if (!r->have_owner) {
			tok_error(r, s, &t[0], "the first record needs an owner name");
			return;
		}
		owner = r->owner;
	} else {
		dns_err err = tok_name(&t[0], r->origin.data, &owner);
		if (err) {
			tok_error(r, s, &t[0], "owner \"%s\": %s", shown(&t[0], b, sizeof b),
				  name_error(err));
			return;
		}
		i = 1;
	}
	/* The owner carries over even if the rest of the line is wrong, so
	 * one mistake gives one message. */
	r->owner = owner;
	r->have_owner = true;

	uint32_t ttl = 0;
	bool have_ttl = false, have_class = false;
	uint16_t rclass = r->rclass, type = 0;
	for (; i < n; i++) {
		if (!have_ttl && looks_like_ttl(&t[i])) {
			if (dns_ttl_from_text(t[i].text, t[i].len, &ttl) != DNS_OK) {
				tok_error(r, s, &t[i], "\"%s\" is not a TTL (like 3600, 1h30m, 2d)",
					  shown(&t[i], b, sizeof b));
				return;
			}
			have_ttl = true;
			continue;
		}
		if (!have_class && !t[i].quoted &&
		    dns_class_from_text(t[i].text, t[i].len, &rclass) == DNS_OK) {
			have_class = true;
			continue;
		}
		break;
	}
	if (i >= n) {
		tok_error(r, s, &t[n - 1], "expected a record type after \"%s\"",
			  shown(&t[n - 1], b, sizeof b));
		return;
	}
	if (t[i].quoted || dns_type_from_text(t[i].text, t[i].len, &type) != DNS_OK) {
		tok_error(r, s, &t[i], "expected %s or a record type, got \"%s\"",
			  have_ttl && have_class ? "" : have_ttl ? "a class" :
			  have_class ? "a TTL" : "a TTL, a class",
			  shown(&t[i], b, sizeof b));
		return;
	}
	if (have_class && rclass != r->rclass) {
		char c1[DNS_MNEMONIC_MAX], c2[DNS_MNEMONIC_MAX];
		tok_error(r, s, &t[i], "class %s differs from the zone's class %s",
			  dns_class_to_text(rclass, c1), dns_class_to_text(r->rclass, c2));
		return;
	}
	if (dns_type_is_meta(type)) {
		tok_error(r, s, &t[i], "%s is a query type, not one a zone can hold",
			  shown(&t[i], b, sizeof b));
		return;
	}
	size_t type_tok = i++;
	size_t rdlen, bad = 0;
	dns_err err = dns_rdata_from_text(type, t + i, n - i, r->origin.data,
					  r->rdata, sizeof r->rdata, &rdlen, &bad);
	if (err) {
		char tn[DNS_MNEMONIC_MAX];
		dns_type_to_text(type, tn);
		if (i + bad >= n)
			tok_error(r, s, &t[type_tok], "%s record: data incomplete (%s)", tn,
				  dns_strerror(err));
		else
			tok_error(r, s, &t[i + bad], "%s record: \"%s\": %s", tn,
				  shown(&t[i + bad], b, sizeof b),
				  err == DNS_E_UNKNOWN_TYPE
				  ? "unknown types take the generic form \\# LENGTH HEX"
				  : err == DNS_E_RANGE ? "number or string out of range"
				  : name_error(err));
		return;
	}
	dns_soa soa;
	if (!have_ttl) {
		if (r->have_dollar_ttl) {
			ttl = r->dollar_ttl;
		} else if (r->have_last_ttl) {
			ttl = r->last_ttl;
		} else if (type == DNS_T_SOA && dns_soa_read(r->rdata, rdlen, &soa) == DNS_OK) {
			/* No $TTL yet: BIND takes the SOA's MINIMUM. */
			ttl = soa.minimum;
			diag(r, DNS_WARNING, s->name, line, t[0].col,
			     "no TTL given and no $TTL: using the SOA MINIMUM %u", ttl);
		} else {
			tok_error(r, s, &t[type_tok],
				  "no TTL given, and no $TTL or earlier TTL to use");
			return;
		}
	}
	r->last_ttl = ttl;
	r->have_last_ttl = true;
	dns_rr rr = { owner.data, type, r->rclass, ttl, (uint16_t)rdlen, r->rdata };
	if (r->ops->record && !r->ops->record(r->ops->ctx, &rr, s->name, line))
		r->stop = true;
}

static void read_source(struct reader *r, struct src *s)
{
	size_t n;
	bool blank;
	unsigned line;
	enum line_result res;
	while (!r->stop && (res = read_line(r, s, &n, &blank, &line)) != LINE_EOF) {
		if (res == LINE_BAD)
			continue;
		if (!blank && !r->tok[0].quoted && r->tok[0].text[0] == '$')
			directive(r, s, n);
		else
			record(r, s, n, blank, line);
	}
}

unsigned dns_master_read_text(const char *name, const char *text, size_t len,
			      const uint8_t *origin, uint16_t rclass,
			      const dns_master_ops *ops)
{
	struct reader *r = calloc(1, sizeof *r);
	if (r == NULL)
		return 1;
	r->ops = ops;
	r->rclass = rclass;
	dns_name_copy(&r->origin, origin);
	struct src s = { .name = name, .text = text, .len = len, .line = 1 };
	read_source(r, &s);
	unsigned errors = r->errors + (r->stop ? 1 : 0);
	free(r);
	return errors;
}

unsigned dns_master_read(const char *path, const uint8_t *origin,
			 uint16_t rclass, const dns_master_ops *ops)
{
	char *data = NULL;
	size_t len = 0;
	int e = ops->read_file(ops->ctx, path, &data, &len);
	if (e) {
		dns_diag d = { .severity = DNS_ERROR, .file = path };
		snprintf(d.msg, sizeof d.msg, "cannot read the zone file: %s", strerror(e));
		if (ops->diag)
			ops->diag(ops->ctx, &d);
		return 1;
	}
	unsigned errors = dns_master_read_text(path, data, len, origin, rclass, ops);
	free(data);
	return errors;
}

/* ---- one record, for editing tools --------------------------------------------- */

struct one {
	dns_rr *out;
	uint8_t *buf;
	size_t cap;
	int count;
	bool nospace;
	char *err;
	size_t errsz;
};

static bool take_one(void *ctx, const dns_rr *rr, const char *file, unsigned line)
{
	struct one *o = ctx;
	(void)file;
	(void)line;
	if (++o->count > 1)
		return false;
	size_t olen = dns_name_length(rr->owner);
	if (olen + rr->rdlen > o->cap) {
		o->nospace = true;
		return false;
	}
	memcpy(o->buf, rr->owner, olen);
	memcpy(o->buf + olen, rr->rdata, rr->rdlen);
	*o->out = *rr;
	o->out->owner = o->buf;
	o->out->rdata = o->buf + olen;
	return true;
}

static void one_diag(void *ctx, const dns_diag *d)
{
	struct one *o = ctx;
	if (d->severity == DNS_ERROR && o->err[0] == '\0')
		snprintf(o->err, o->errsz, "column %u: %s", d->col, d->msg);
}

static int no_files(void *ctx, const char *path, char **data, size_t *len)
{
	(void)ctx;
	(void)path;
	(void)data;
	(void)len;
	return EPERM;
}

dns_err dns_master_parse_rr(const char *text, const uint8_t *origin,
			    uint16_t rclass, uint32_t default_ttl, uint8_t *buf,
			    size_t cap, dns_rr *out, char *err, size_t errsz)
{
	char ttl[32];
	snprintf(ttl, sizeof ttl, "$TTL %u\n", default_ttl);
	size_t tlen = strlen(ttl), n = strlen(text);
	if (memchr(text, '\n', n)) {
		snprintf(err, errsz, "one record, on one line");
		return DNS_E_SYNTAX;
	}
	char *all = malloc(tlen + n + 2);
	if (all == NULL) {
		snprintf(err, errsz, "out of memory");
		return DNS_E_NOMEM;
	}
	memcpy(all, ttl, tlen);
	memcpy(all + tlen, text, n);
	all[tlen + n] = '\n';
	struct one o = { out, buf, cap, 0, false, err, errsz };
	err[0] = '\0';
	dns_master_ops ops = { no_files, take_one, one_diag, &o };
	unsigned errors = dns_master_read_text("record", all, tlen + n + 1, origin,
					       rclass, &ops);
	free(all);
	if (o.nospace) {
		snprintf(err, errsz, "record too large");
		return DNS_E_NOSPACE;
	}
	if (o.count > 1 || (errors && o.count == 1)) {
		if (!err[0])
			snprintf(err, errsz, "one record, please");
		return DNS_E_SYNTAX;
	}
	if (errors || o.count == 0) {
		if (!err[0])
			snprintf(err, errsz, "no record given");
		return DNS_E_SYNTAX;
	}
	return DNS_OK;
}
