/* TOML 1.0, read strictly.  A recursive-descent parser over the text;
 * table definitions follow the spec's rules on what may be defined once
 * (headers, dotted keys, inline tables, arrays of tables), the way
 * Python's tomllib enforces them. */
#include "toml.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	F_EXPLICIT = 1,  /* declared by a header, or by a dotted-key path in
			    an earlier section: not to be declared again */
	F_PENDING = 2,   /* made by dotted keys in the current section */
	F_FROZEN = 4,    /* inline table or static array: closed, with all
			    that is inside it */
};

#define MAX_KEY_PARTS 64
#define MAX_DEPTH 128

struct parser {
	const char *s;
	size_t len, pos;
	unsigned line;
	size_t line_start;
	toml_error *err;
	bool failed;
	int depth;
	toml_value *root;
	toml_value *current;
	toml_value **pending;
	size_t npending, cap_pending;
};

struct key {
	char *part[MAX_KEY_PARTS];
	size_t len[MAX_KEY_PARTS];
	int n;
};

static void key_free(struct key *k)
{
	for (int i = 0; i < k->n; i++)
		free(k->part[i]);
	k->n = 0;
}

static void fail(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void fail(struct parser *p, const char *fmt, ...)
{
	if (p->failed)
		return;
	p->failed = true;
	p->err->line = p->line;
	p->err->col = (unsigned)(p->pos - p->line_start) + 1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
	va_end(ap);
}

static int peek(const struct parser *p, size_t ahead)
{
	return p->pos + ahead < p->len ? (unsigned char)p->s[p->pos + ahead] : -1;
}

static void advance(struct parser *p, size_t n)
{
	for (size_t i = 0; i < n && p->pos < p->len; i++) {
		if (p->s[p->pos] == '\n') {
			p->line++;
			p->line_start = p->pos + 1;
		}
		p->pos++;
	}
}

/* ---- values --------------------------------------------------------------- */

static toml_value *new_value(struct parser *p, toml_type t)
{
	toml_value *v = calloc(1, sizeof *v);
	if (v == NULL) {
		fail(p, "out of memory");
		return NULL;
	}
	v->type = t;
	v->line = p->line;
	v->col = (unsigned)(p->pos - p->line_start) + 1;
	return v;
}

void toml_free(toml_value *v)
{
	if (v == NULL)
		return;
	switch (v->type) {
	case TOML_STRING:
		free(v->u.s.ptr);
		break;
	case TOML_ARRAY:
		for (size_t i = 0; i < v->u.arr.n; i++)
			toml_free(v->u.arr.items[i]);
		free(v->u.arr.items);
		break;
	case TOML_TABLE:
		for (size_t i = 0; i < v->u.tab.n; i++) {
			free(v->u.tab.kv[i].key);
			toml_free(v->u.tab.kv[i].value);
		}
		free(v->u.tab.kv);
		break;
	default:
		break;
	}
	free(v);
}

static toml_value *table_find(const toml_value *t, const char *key, size_t klen)
{
	for (size_t i = 0; i < t->u.tab.n; i++)
		if (strlen(t->u.tab.kv[i].key) == klen &&
		    memcmp(t->u.tab.kv[i].key, key, klen) == 0)
			return t->u.tab.kv[i].value;
	return NULL;
}

const toml_value *toml_get(const toml_value *table, const char *key)
{
	if (table == NULL || table->type != TOML_TABLE)
		return NULL;
	return table_find(table, key, strlen(key));
}

static bool table_add(struct parser *p, toml_value *t, const char *key,
		      size_t klen, toml_value *v)
{
	if (t->u.tab.n == t->u.tab.cap) {
		size_t cap = t->u.tab.cap ? t->u.tab.cap * 2 : 8;
		toml_keyval *kv = realloc(t->u.tab.kv, cap * sizeof *kv);
		if (kv == NULL) {
			fail(p, "out of memory");
			return false;
		}
		t->u.tab.kv = kv;
		t->u.tab.cap = cap;
	}
	char *k = malloc(klen + 1);
	if (k == NULL) {
		fail(p, "out of memory");
		return false;
	}
	memcpy(k, key, klen);
	k[klen] = '\0';
	t->u.tab.kv[t->u.tab.n].key = k;
	t->u.tab.kv[t->u.tab.n].value = v;
	t->u.tab.n++;
	return true;
}

static bool array_add(struct parser *p, toml_value *a, toml_value *v)
{
	if (a->u.arr.n == a->u.arr.cap) {
		size_t cap = a->u.arr.cap ? a->u.arr.cap * 2 : 8;
		toml_value **items = realloc(a->u.arr.items, cap * sizeof *items);
		if (items == NULL) {
			fail(p, "out of memory");
			return false;
		}
		a->u.arr.items = items;
		a->u.arr.cap = cap;
	}
	a->u.arr.items[a->u.arr.n++] = v;
	return true;
}

/* ---- white space, comments, UTF-8 --------------------------------------- */

/* Length of a valid UTF-8 sequence at s (1-4), or 0. */
static size_t utf8_len(const unsigned char *s, size_t left)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t cp;
	if (c < 0x80)
		return 1;
	if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1F; }
	else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0F; }
	else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07; }
	else return 0;
	if (left < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	static const uint32_t min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

static void skip_ws(struct parser *p)
{
	while (peek(p, 0) == ' ' || peek(p, 0) == '\t')
		advance(p, 1);
}

/* A comment runs to the end of the line; control characters other than
 * tab are not allowed in it. */
static void skip_comment(struct parser *p)
{
	if (peek(p, 0) != '#')
		return;
	while (p->pos < p->len && p->s[p->pos] != '\n') {
		unsigned char c = (unsigned char)p->s[p->pos];
		if ((c < 0x20 && c != '\t' && !(c == '\r' && peek(p, 1) == '\n')) || c == 0x7f) {
			fail(p, "control character U+%04X in a comment", c);
			return;
		}
		advance(p, 1);
	}
}

/* After a value or header: spaces, a comment, then the end of the line. */
static void expect_eol(struct parser *p)
{
	skip_ws(p);
	skip_comment(p);
	if (p->failed || p->pos >= p->len)
		return;
	if (peek(p, 0) == '\r' && peek(p, 1) == '\n') {
		advance(p, 2);
		return;
	}
	if (peek(p, 0) == '\n') {
		advance(p, 1);
		return;
	}
	int c = peek(p, 0);
	if (c > 0x20 && c < 0x7f)
		fail(p, "expected the end of the line, found '%c'", c);
	else
		fail(p, "expected the end of the line, found U+%04X", (unsigned)c);
}

/* Spaces, comments and newlines (inside arrays and between lines). */
static void skip_ws_nl(struct parser *p)
{
	for (;;) {
		skip_ws(p);
		skip_comment(p);
		if (p->failed)
			return;
		if (peek(p, 0) == '\n')
			advance(p, 1);
		else if (peek(p, 0) == '\r' && peek(p, 1) == '\n')
			advance(p, 2);
		else
			return;
	}
}

/* ---- strings ---------------------------------------------------------------- */

struct sbuf {
	char *b;
	size_t n, cap;
};

static bool sb_put(struct parser *p, struct sbuf *sb, const char *s, size_t n)
{
	if (sb->cap - sb->n < n + 1) {
		size_t cap = sb->cap ? sb->cap * 2 : 32;
		while (cap - sb->n < n + 1)
			cap *= 2;
		char *b = realloc(sb->b, cap);
		if (b == NULL) {
			fail(p, "out of memory");
			return false;
		}
		sb->b = b;
		sb->cap = cap;
	}
	memcpy(sb->b + sb->n, s, n);
	sb->n += n;
	sb->b[sb->n] = '\0';
	return true;
}

static bool put_codepoint(struct parser *p, struct sbuf *sb, uint32_t cp)
{
	char u[4];
	size_t n;
	if (cp < 0x80) { u[0] = (char)cp; n = 1; }
	else if (cp < 0x800) { u[0] = (char)(0xC0 | cp >> 6); u[1] = (char)(0x80 | (cp & 0x3F)); n = 2; }
	else if (cp < 0x10000) { u[0] = (char)(0xE0 | cp >> 12); u[1] = (char)(0x80 | ((cp >> 6) & 0x3F)); u[2] = (char)(0x80 | (cp & 0x3F)); n = 3; }
	else { u[0] = (char)(0xF0 | cp >> 18); u[1] = (char)(0x80 | ((cp >> 12) & 0x3F)); u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); u[3] = (char)(0x80 | (cp & 0x3F)); n = 4; }
	return sb_put(p, sb, u, n);
}

static bool escape(struct parser *p, struct sbuf *sb)
{
	int c = peek(p, 1);
	const char *simple = NULL;
	switch (c) {
	case 'b': simple = "\b"; break;
	case 't': simple = "\t"; break;
	case 'n': simple = "\n"; break;
	case 'f': simple = "\f"; break;
	case 'r': simple = "\r"; break;
	case '"': simple = "\""; break;
	case '\\': simple = "\\"; break;
	case 'u':
	case 'U': {
		size_t digits = c == 'u' ? 4 : 8;
		uint32_t cp = 0;
		for (size_t i = 0; i < digits; i++) {
			int h = peek(p, 2 + i);
			int v = h >= '0' && h <= '9' ? h - '0'
				: h >= 'a' && h <= 'f' ? h - 'a' + 10
				: h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
			if (v < 0) {
				fail(p, "\\%c needs %zu hex digits", c, digits);
				return false;
			}
			cp = cp << 4 | (uint32_t)v;
		}
		if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
			fail(p, "\\%c escape is not a Unicode scalar value", c);
			return false;
		}
		advance(p, 2 + digits);
		return put_codepoint(p, sb, cp);
	}
	default:
		fail(p, "unknown escape \\%c in a string", c > 0x20 ? c : '?');
		return false;
	}
	advance(p, 2);
	return sb_put(p, sb, simple, 1);
}

/* One character of string content (not a quote): checked and copied. */
static bool string_char(struct parser *p, struct sbuf *sb, bool multiline)
{
	unsigned char c = (unsigned char)p->s[p->pos];
	if (c == '\n' || (c == '\r' && peek(p, 1) == '\n')) {
		if (!multiline) {
			fail(p, "a string must end on its line (a newline came first)");
			return false;
		}
		size_t n = c == '\r' ? 2 : 1;
		bool ok = sb_put(p, sb, "\n", 1);
		advance(p, n);
		return ok;
	}
	if ((c < 0x20 && c != '\t') || c == 0x7f) {
		fail(p, "control character U+%04X in a string", c);
		return false;
	}
	size_t n = utf8_len((const unsigned char *)p->s + p->pos, p->len - p->pos);
	if (n == 0) {
		fail(p, "invalid UTF-8");
		return false;
	}
	bool ok = sb_put(p, sb, p->s + p->pos, n);
	advance(p, n);
	return ok;
}

/* Basic ("...", """...""") or literal ('...', '''...''') strings. */
static bool parse_string(struct parser *p, struct sbuf *sb, bool allow_multi)
{
	char q = (char)peek(p, 0);
	bool literal = q == '\'';
	bool multi = allow_multi && peek(p, 1) == q && peek(p, 2) == q;
	if (multi) {
		advance(p, 3);
		/* A newline right after the opening quotes is not content. */
		if (peek(p, 0) == '\n')
			advance(p, 1);
		else if (peek(p, 0) == '\r' && peek(p, 1) == '\n')
			advance(p, 2);
	} else {
		advance(p, 1);
	}
	if (!sb_put(p, sb, "", 0))
		return false;
	for (;;) {
		if (p->pos >= p->len) {
			fail(p, "the string is not closed");
			return false;
		}
		int c = peek(p, 0);
		if (c == q) {
			if (!multi) {
				advance(p, 1);
				return true;
			}
			if (peek(p, 1) == q && peek(p, 2) == q) {
				/* Up to two more quotes belong to the content. */
				size_t extra = 0;
				while (extra < 2 && peek(p, 3 + extra) == q)
					extra++;
				if (extra && !sb_put(p, sb, p->s + p->pos, extra))
					return false;
				advance(p, 3 + extra);
				return true;
			}
			if (!sb_put(p, sb, &q, 1))
				return false;
			advance(p, 1);
			continue;
		}
		if (c == '\\' && !literal) {
			if (multi) {
				/* A line-ending backslash swallows the newline and
				 * the white space after it. */
				size_t k = 1;
				while (peek(p, k) == ' ' || peek(p, k) == '\t')
					k++;
				if (peek(p, k) == '\n' || (peek(p, k) == '\r' && peek(p, k + 1) == '\n')) {
					advance(p, k);
					while (peek(p, 0) == ' ' || peek(p, 0) == '\t' ||
					       peek(p, 0) == '\n' ||
					       (peek(p, 0) == '\r' && peek(p, 1) == '\n'))
						advance(p, 1);
					continue;
				}
			}
			if (!escape(p, sb))
				return false;
			continue;
		}
		if (!string_char(p, sb, multi))
			return false;
	}
}

/* ---- keys ------------------------------------------------------------------------ */

static bool bare_key_char(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static bool parse_key(struct parser *p, struct key *k)
{
	k->n = 0;
	for (;;) {
		skip_ws(p);
		if (k->n == MAX_KEY_PARTS) {
			fail(p, "key has more than %d parts", MAX_KEY_PARTS);
			goto bad;
		}
		int c = peek(p, 0);
		if (c == '"' || c == '\'') {
			struct sbuf sb = { 0 };
			if (!parse_string(p, &sb, false)) {
				free(sb.b);
				goto bad;
			}
			k->part[k->n] = sb.b;
			k->len[k->n] = sb.n;
			k->n++;
		} else if (bare_key_char(c)) {
			size_t start = p->pos;
			while (bare_key_char(peek(p, 0)))
				advance(p, 1);
			size_t n = p->pos - start;
			char *s = malloc(n + 1);
			if (s == NULL) {
				fail(p, "out of memory");
				goto bad;
			}
			memcpy(s, p->s + start, n);
			s[n] = '\0';
			k->part[k->n] = s;
			k->len[k->n] = n;
			k->n++;
		} else {
			fail(p, c < 0 ? "expected a key, found the end of the file"
				      : "expected a key (letters, digits, _ and -, or a quoted string)");
			goto bad;
		}
		skip_ws(p);
		if (peek(p, 0) != '.')
			return true;
		advance(p, 1);
	}
bad:
	/* The caller owns nothing of a key that failed. */
	key_free(k);
	return false;
}

/* ---- scalars ----------------------------------------------------------------- */

static bool is_digit(int c) { return c >= '0' && c <= '9'; }

/* Digits with single underscores between them, in the given base. */
static bool digits_ok(const char *s, size_t n, int base)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '_') {
			if (i == 0 || i == n - 1 || s[i - 1] == '_')
				return false;
			continue;
		}
		int v = c >= '0' && c <= '9' ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10 : 99;
		if (v >= base)
			return false;
	}
	return true;
}

static toml_value *parse_number(struct parser *p)
{
	size_t start = p->pos;
	while (p->pos < p->len) {
		int c = peek(p, 0);
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' ||
		    c == ']' || c == '}' || c == '#')
			break;
		advance(p, 1);
	}
	const char *t = p->s + start;
	size_t n = p->pos - start;
	char buf[128];
	p->pos = start;     /* errors point at the start of the value */
	if (n == 0 || n >= sizeof buf) {
		fail(p, "expected a value");
		return NULL;
	}
	memcpy(buf, t, n);
	buf[n] = '\0';
	/* Dates and times: a "-" after four digits, or a ":". */
	if ((n >= 5 && is_digit(buf[0]) && is_digit(buf[1]) && is_digit(buf[2]) &&
	     is_digit(buf[3]) && buf[4] == '-') || strchr(buf, ':')) {
		fail(p, "dates and times are not supported in topology files: quote it as a string");
		return NULL;
	}
	toml_value *v = NULL;
	const char *d = buf;
	bool neg = false;
	if (*d == '+' || *d == '-') {
		neg = *d == '-';
		d++;
	}
	if (strcmp(d, "inf") == 0 || strcmp(d, "nan") == 0) {
		if ((v = new_value(p, TOML_FLOAT)) != NULL)
			v->u.f = d[0] == 'i' ? (neg ? -INFINITY : INFINITY)
					     : (neg ? -NAN : NAN);
		advance(p, n);
		return v;
	}
	if (d[0] == '0' && (d[1] == 'x' || d[1] == 'o' || d[1] == 'b')) {
		int base = d[1] == 'x' ? 16 : d[1] == 'o' ? 8 : 2;
		if (d != buf || !digits_ok(d + 2, strlen(d + 2), base)) {
			fail(p, "\"%s\" is not a valid %s integer", buf,
			     base == 16 ? "hexadecimal" : base == 8 ? "octal" : "binary");
			return NULL;
		}
		uint64_t val = 0;
		for (const char *c = d + 2; *c; c++) {
			if (*c == '_')
				continue;
			int dv = *c >= '0' && *c <= '9' ? *c - '0'
				 : (*c | 0x20) - 'a' + 10;
			if (val > (UINT64_MAX - (uint64_t)dv) / (uint64_t)base ||
			    val * (uint64_t)base + (uint64_t)dv > INT64_MAX) {
				fail(p, "integer %s does not fit in 64 bits", buf);
				return NULL;
			}
			val = val * (uint64_t)base + (uint64_t)dv;
		}
		if ((v = new_value(p, TOML_INTEGER)) != NULL)
			v->u.i = (int64_t)val;
		advance(p, n);
		return v;
	}
	/* Decimal: an integer part without leading zeros, then optionally
	 * a fraction and an exponent (then it is a float). */
	const char *c = d;
	size_t ilen = 0;
	while (is_digit(c[ilen]) || c[ilen] == '_')
		ilen++;
	if (!digits_ok(c, ilen, 10) || (c[0] == '0' && ilen > 1)) {
		fail(p, "\"%s\" is not a valid number", buf);
		return NULL;
	}
	c += ilen;
	bool is_float = false;
	if (*c == '.') {
		size_t flen = 0;
		c++;
		while (is_digit(c[flen]) || c[flen] == '_')
			flen++;
		if (!digits_ok(c, flen, 10)) {
			fail(p, "\"%s\": a decimal point needs digits on both sides", buf);
			return NULL;
		}
		c += flen;
		is_float = true;
	}
	if (*c == 'e' || *c == 'E') {
		c++;
		if (*c == '+' || *c == '-')
			c++;
		size_t elen = 0;
		while (is_digit(c[elen]) || c[elen] == '_')
			elen++;
		if (!digits_ok(c, elen, 10)) {
			fail(p, "\"%s\": an exponent needs digits", buf);
			return NULL;
		}
		c += elen;
		is_float = true;
	}
	if (*c != '\0') {
		fail(p, "\"%s\" is not a valid value (strings need quotes)", buf);
		return NULL;
	}
	char clean[128];
	size_t o = 0;
	for (const char *q = buf; *q; q++)
		if (*q != '_')
			clean[o++] = *q;
	clean[o] = '\0';
	errno = 0;
	if (is_float) {
		double f = strtod(clean, NULL);
		if ((v = new_value(p, TOML_FLOAT)) != NULL)
			v->u.f = f;
	} else {
		long long i = strtoll(clean, NULL, 10);
		if (errno == ERANGE) {
			fail(p, "integer %s does not fit in 64 bits", buf);
			return NULL;
		}
		if ((v = new_value(p, TOML_INTEGER)) != NULL)
			v->u.i = i;
	}
	advance(p, n);
	return v;
}

/* ---- arrays and inline tables ------------------------------------------------ */

static toml_value *parse_value(struct parser *p);
static bool assign(struct parser *p, toml_value *table, struct key *k,
		   toml_value *v, bool in_inline);

static void freeze(toml_value *v)
{
	v->flags |= F_FROZEN;
	if (v->type == TOML_ARRAY)
		for (size_t i = 0; i < v->u.arr.n; i++)
			freeze(v->u.arr.items[i]);
	else if (v->type == TOML_TABLE)
		for (size_t i = 0; i < v->u.tab.n; i++)
			freeze(v->u.tab.kv[i].value);
}

static toml_value *parse_array(struct parser *p)
{
	toml_value *a = new_value(p, TOML_ARRAY);
	if (a == NULL)
		return NULL;
	advance(p, 1);
	for (;;) {
		skip_ws_nl(p);
		if (p->failed)
			break;
		if (peek(p, 0) == ']') {
			advance(p, 1);
			return a;
		}
		toml_value *v = parse_value(p);
		if (v == NULL || !array_add(p, a, v)) {
			toml_free(v);
			break;
		}
		skip_ws_nl(p);
		if (peek(p, 0) == ',') {
			advance(p, 1);
			continue;
		}
		if (peek(p, 0) == ']') {
			advance(p, 1);
			return a;
		}
		fail(p, peek(p, 0) < 0 ? "the array is not closed with ']'"
				       : "expected ',' or ']' in an array");
		break;
	}
	toml_free(a);
	return NULL;
}

static toml_value *parse_inline_table(struct parser *p)
{
	toml_value *t = new_value(p, TOML_TABLE);
	if (t == NULL)
		return NULL;
	advance(p, 1);
	skip_ws(p);
	if (peek(p, 0) == '}') {
		advance(p, 1);
		return t;
	}
	for (;;) {
		struct key k;
		if (!parse_key(p, &k))
			break;
		skip_ws(p);
		if (peek(p, 0) != '=') {
			fail(p, "expected '=' after a key");
			key_free(&k);
			break;
		}
		advance(p, 1);
		skip_ws(p);
		toml_value *v = parse_value(p);
		bool ok = v && assign(p, t, &k, v, true);
		key_free(&k);
		if (!ok) {
			toml_free(v);   /* assign() takes it only on success */
			break;
		}
		skip_ws(p);
		if (peek(p, 0) == ',') {
			advance(p, 1);
			skip_ws(p);
			if (peek(p, 0) == '}') {
				fail(p, "no trailing comma in an inline table");
				break;
			}
			continue;
		}
		if (peek(p, 0) == '}') {
			advance(p, 1);
			return t;
		}
		fail(p, "expected ',' or '}' in an inline table (which must fit on one line)");
		break;
	}
	toml_free(t);
	return NULL;
}

static toml_value *parse_value(struct parser *p)
{
	if (++p->depth > MAX_DEPTH) {
		fail(p, "values nested more than %d deep", MAX_DEPTH);
		return NULL;
	}
	toml_value *v = NULL;
	int c = peek(p, 0);
	if (c == '"' || c == '\'') {
		struct sbuf sb = { 0 };
		v = new_value(p, TOML_STRING);
		if (v && parse_string(p, &sb, true)) {
			v->u.s.ptr = sb.b;
			v->u.s.len = sb.n;
		} else {
			free(sb.b);
			toml_free(v);
			v = NULL;
		}
	} else if (c == '[') {
		v = parse_array(p);
		if (v)
			freeze(v);
	} else if (c == '{') {
		v = parse_inline_table(p);
		if (v)
			freeze(v);
	} else if (c == 't' && p->len - p->pos >= 4 && memcmp(p->s + p->pos, "true", 4) == 0 &&
		   !bare_key_char(peek(p, 4))) {
		if ((v = new_value(p, TOML_BOOL)) != NULL)
			v->u.b = true;
		advance(p, 4);
	} else if (c == 'f' && p->len - p->pos >= 5 && memcmp(p->s + p->pos, "false", 5) == 0 &&
		   !bare_key_char(peek(p, 5))) {
		if ((v = new_value(p, TOML_BOOL)) != NULL)
			v->u.b = false;
		advance(p, 5);
	} else if (c == '+' || c == '-' || is_digit(c) || c == 'i' || c == 'n') {
		v = parse_number(p);
	} else {
		fail(p, c < 0 || c == '\n' ? "expected a value after '='"
					   : "expected a value (a string needs quotes)");
	}
	p->depth--;
	return v;
}

/* ---- tables --------------------------------------------------------------------- */

static void note_pending(struct parser *p, toml_value *t)
{
	if (t->flags & F_PENDING)
		return;
	t->flags |= F_PENDING;
	if (p->npending == p->cap_pending) {
		size_t cap = p->cap_pending ? p->cap_pending * 2 : 16;
		toml_value **a = realloc(p->pending, cap * sizeof *a);
		if (a == NULL) {
			fail(p, "out of memory");
			return;
		}
		p->pending = a;
		p->cap_pending = cap;
	}
	p->pending[p->npending++] = t;
}

/* A new section starts: what dotted keys made so far is now defined. */
static void finalize_pending(struct parser *p)
{
	for (size_t i = 0; i < p->npending; i++) {
		p->pending[i]->flags &= (unsigned char)~F_PENDING;
		p->pending[i]->flags |= F_EXPLICIT;
	}
	p->npending = 0;
}

static char *key_text(const struct key *k, int upto, char *buf, size_t sz)
{
	size_t o = 0;
	buf[0] = '\0';
	for (int i = 0; i < upto && o + 1 < sz; i++) {
		int n = snprintf(buf + o, sz - o, "%s%s", i ? "." : "", k->part[i]);
		if (n < 0)
			break;
		o += (size_t)n;
	}
	return buf;
}

/* The table at `name` inside t, made when missing; the last element when
 * it is an array of tables.  NULL (after fail) when something else is
 * there or the way passes through a closed table. */
static toml_value *descend(struct parser *p, toml_value *t, const char *name,
			   size_t len, bool *created, const struct key *k, int upto)
{
	char kb[256];
	toml_value *v = table_find(t, name, len);
	*created = false;
	if (v == NULL) {
		v = new_value(p, TOML_TABLE);
		if (v == NULL || !table_add(p, t, name, len, v)) {
			toml_free(v);
			return NULL;
		}
		*created = true;
		return v;
	}
	if (v->type == TOML_ARRAY && !(v->flags & F_FROZEN) && v->u.arr.n > 0 &&
	    v->u.arr.items[v->u.arr.n - 1]->type == TOML_TABLE)
		return v->u.arr.items[v->u.arr.n - 1];
	if (v->type != TOML_TABLE) {
		fail(p, "%s is already a value, not a table", key_text(k, upto, kb, sizeof kb));
		return NULL;
	}
	return v;
}

/* key = value, into `table` (the current section or an inline table). */
static bool assign(struct parser *p, toml_value *table, struct key *k,
		   toml_value *v, bool in_inline)
{
	char kb[256];
	toml_value *t = table;
	for (int i = 0; i < k->n - 1; i++) {
		bool created;
		toml_value *next = descend(p, t, k->part[i], k->len[i], &created, k, i + 1);
		if (next == NULL)
			return false;
		if (!created && (next->flags & F_EXPLICIT)) {
			fail(p, "table %s is already defined; dotted keys cannot add to it",
			     key_text(k, i + 1, kb, sizeof kb));
			return false;
		}
		if (next->flags & F_FROZEN && !created) {
			fail(p, "%s is an inline table or array and cannot be extended",
			     key_text(k, i + 1, kb, sizeof kb));
			return false;
		}
		if (!in_inline)
			note_pending(p, next);
		t = next;
	}
	if (t->flags & F_FROZEN && t != table) {
		fail(p, "%s cannot be extended", key_text(k, k->n - 1, kb, sizeof kb));
		return false;
	}
	if (table_find(t, k->part[k->n - 1], k->len[k->n - 1])) {
		fail(p, "key %s is defined twice", key_text(k, k->n, kb, sizeof kb));
		return false;
	}
	return table_add(p, t, k->part[k->n - 1], k->len[k->n - 1], v);
}

/* [a.b.c] or [[a.b.c]] */
static bool header(struct parser *p)
{
	char kb[256];
	bool aot = peek(p, 1) == '[';
	advance(p, aot ? 2 : 1);
	finalize_pending(p);
	struct key k;
	if (!parse_key(p, &k))
		return false;
	bool ok = false;
	if (peek(p, 0) != ']' || (aot && peek(p, 1) != ']')) {
		fail(p, aot ? "expected ']]' to close the header" : "expected ']' to close the header");
		goto out;
	}
	advance(p, aot ? 2 : 1);
	toml_value *t = p->root;
	for (int i = 0; i < k.n - 1; i++) {
		bool created;
		t = descend(p, t, k.part[i], k.len[i], &created, &k, i + 1);
		if (t == NULL)
			goto out;
		if (t->flags & F_FROZEN) {
			fail(p, "%s is an inline table or array and cannot be extended",
			     key_text(&k, i + 1, kb, sizeof kb));
			goto out;
		}
	}
	const char *last = k.part[k.n - 1];
	size_t llen = k.len[k.n - 1];
	toml_value *v = table_find(t, last, llen);
	if (aot) {
		if (v == NULL) {
			v = new_value(p, TOML_ARRAY);
			if (v == NULL || !table_add(p, t, last, llen, v)) {
				toml_free(v);
				goto out;
			}
			v->flags |= F_EXPLICIT;
		} else if (v->type != TOML_ARRAY || (v->flags & F_FROZEN)) {
			fail(p, "%s is already defined as %s", key_text(&k, k.n, kb, sizeof kb),
			     v->type == TOML_ARRAY ? "a static array" : "something other than an array of tables");
			goto out;
		}
		toml_value *elem = new_value(p, TOML_TABLE);
		if (elem == NULL || !array_add(p, v, elem)) {
			toml_free(elem);
			goto out;
		}
		p->current = elem;
	} else {
		if (v && (v->flags & (F_EXPLICIT | F_FROZEN) || v->type != TOML_TABLE)) {
			fail(p, "table %s is defined twice", key_text(&k, k.n, kb, sizeof kb));
			goto out;
		}
		if (v == NULL) {
			v = new_value(p, TOML_TABLE);
			if (v == NULL || !table_add(p, t, last, llen, v)) {
				toml_free(v);
				goto out;
			}
		}
		v->flags |= F_EXPLICIT;
		p->current = v;
	}
	ok = true;
out:
	key_free(&k);
	return ok;
}

toml_value *toml_parse(const char *text, size_t len, toml_error *err)
{
	struct parser p = { .s = text, .len = len, .line = 1, .err = err };
	memset(err, 0, sizeof *err);
	p.root = new_value(&p, TOML_TABLE);
	if (p.root == NULL)
		return NULL;
	p.current = p.root;
	/* The whole file must be UTF-8, as TOML requires. */
	for (size_t i = 0; i < len;) {
		size_t n = utf8_len((const unsigned char *)text + i, len - i);
		if (n == 0) {
			p.pos = i;
			fail(&p, "invalid UTF-8 (byte 0x%02X)", (unsigned char)text[i]);
			break;
		}
		if (text[i] == '\n') {
			p.line++;
			p.line_start = i + 1;
		}
		i += n;
	}
	p.line = 1;
	p.line_start = 0;
	p.pos = 0;
	while (!p.failed) {
		skip_ws_nl(&p);
		if (p.failed || p.pos >= p.len)
			break;
		if (peek(&p, 0) == '[') {
			if (header(&p))
				expect_eol(&p);
			continue;
		}
		struct key k;
		if (!parse_key(&p, &k))
			break;
		skip_ws(&p);
		if (peek(&p, 0) != '=') {
			fail(&p, "expected '=' after the key \"%s\"", k.part[k.n - 1]);
			key_free(&k);
			break;
		}
		advance(&p, 1);
		skip_ws(&p);
		toml_value *v = parse_value(&p);
		if (v && !assign(&p, p.current, &k, v, false))
			toml_free(v);
		key_free(&k);
		if (!p.failed)
			expect_eol(&p);
	}
	free(p.pending);
	if (p.failed) {
		toml_free(p.root);
		return NULL;
	}
	return p.root;
}
