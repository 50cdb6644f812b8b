/* The TOML parser through its C API: every kind of value, tables in
 * all their forms, and every error with the line and column it names.
 * The files under tests/data/toml go through dnsim-toml against Python's
 * tomllib (tests/e2e/test_toml_tomllib.py); here the same ground is
 * covered from C, value by value.  The error positions were compared
 * with tomllib's: they agree except where ours points at the start of a
 * bad number (tomllib points past it). */
#include <math.h>
#include <stdlib.h>

#include "check.h"
#include "toml/toml.h"

static toml_value *parse(const char *text)
{
	toml_error err;
	toml_value *root = toml_parse(text, strlen(text), &err);
	if (root == NULL)
		fprintf(stderr, "  %u:%u: %s\n  in: %s\n", err.line, err.col, err.msg, text);
	CHECK(root != NULL);
	return root;
}

/* The value at a dotted path of plain keys ("a.b.c"), or NULL. */
static const toml_value *at(const toml_value *root, const char *path)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s", path);
	const toml_value *v = root;
	for (char *save = NULL, *k = strtok_r(buf, ".", &save); k && v;
	     k = strtok_r(NULL, ".", &save))
		v = toml_get(v, k);
	return v;
}

static bool is_int(const toml_value *v, int64_t want)
{
	return v && v->type == TOML_INTEGER && v->u.i == want;
}

static bool is_str(const toml_value *v, const char *want)
{
	return v && v->type == TOML_STRING && v->u.s.len == strlen(want) &&
	       strcmp(v->u.s.ptr, want) == 0;
}

static void test_tables_and_dotted_keys(void)
{
	toml_value *r = parse("title = \"net\"\n"
			      "[server]\n"
			      "name = \"ns1\"\n"
			      "addr.v4 = \"192.0.2.1\"\n"
			      "addr.v6 = \"2001:db8::1\"\n"
			      "[server.limits]\n"
			      "qps = 100\n"
			      "[a.\"b.c\".'d']\n"
			      "e = 1\n"
			      "[empty]\n");
	if (r == NULL)
		return;
	CHECK_INT(r->type, TOML_TABLE);
	CHECK(is_str(toml_get(r, "title"), "net"));
	CHECK(is_str(at(r, "server.name"), "ns1"));
	CHECK(is_str(at(r, "server.addr.v4"), "192.0.2.1"));
	CHECK(is_str(at(r, "server.addr.v6"), "2001:db8::1"));
	CHECK(is_int(at(r, "server.limits.qps"), 100));
	/* A quoted key keeps its dot: one key "b.c", not two. */
	const toml_value *bc = toml_get(toml_get(r, "a"), "b.c");
	CHECK(is_int(toml_get(toml_get(bc, "d"), "e"), 1));
	CHECK(toml_get(toml_get(r, "a"), "b") == NULL);
	const toml_value *empty = toml_get(r, "empty");
	CHECK(empty && empty->type == TOML_TABLE && empty->u.tab.n == 0);
	/* Keys keep the order of the file. */
	const toml_value *s = toml_get(r, "server");
	CHECK(s && s->u.tab.n == 3);
	if (s && s->u.tab.n == 3) {
		CHECK_STR(s->u.tab.kv[0].key, "name");
		CHECK_STR(s->u.tab.kv[1].key, "addr");
		CHECK_STR(s->u.tab.kv[2].key, "limits");
	}
	/* Sub-tables may come before their parent; a parent made only by
	 * a header may be defined once later. */
	toml_value *r2 = parse("[x.y.z]\nw = 1\n[x]\nv = 2\n");
	CHECK(is_int(at(r2, "x.y.z.w"), 1));
	CHECK(is_int(at(r2, "x.v"), 2));
	toml_free(r2);
	toml_free(r);
}

static void test_arrays_of_tables(void)
{
	toml_value *r = parse("[[node]]\nname = \"a\"\n[node.extra]\nk = 1\n"
			      "[[node]]\nname = \"b\"\n[[node.link]]\nto = \"a\"\n"
			      "[[node.link]]\nto = \"c\"\n");
	if (r == NULL)
		return;
	const toml_value *nodes = toml_get(r, "node");
	CHECK(nodes && nodes->type == TOML_ARRAY && nodes->u.arr.n == 2);
	if (nodes && nodes->type == TOML_ARRAY && nodes->u.arr.n == 2) {
		const toml_value *a = nodes->u.arr.items[0], *b = nodes->u.arr.items[1];
		CHECK(is_str(toml_get(a, "name"), "a"));
		CHECK(is_int(at(a, "extra.k"), 1));
		CHECK(is_str(toml_get(b, "name"), "b"));
		CHECK(toml_get(b, "extra") == NULL);
		/* [[node.link]] belongs to the last [[node]]. */
		const toml_value *links = toml_get(b, "link");
		CHECK(links && links->type == TOML_ARRAY && links->u.arr.n == 2);
		if (links && links->u.arr.n == 2)
			CHECK(is_str(toml_get(links->u.arr.items[1], "to"), "c"));
		CHECK(toml_get(a, "link") == NULL);
	}
	toml_free(r);
}

static void test_inline_tables_and_arrays(void)
{
	toml_value *r = parse("point = { x = 1, y = -2, tag.name = \"p\" }\n"
			      "empty = {}\n"
			      "list = [ 1, 2, 3, ]\n"
			      "mixed = [ \"a\", 1, 1.5, true, [2], { k = \"v\" } ]\n"
			      "multi = [\n  1, # one\n  2,\n\n  3\n]\n"
			      "nested = [[1, 2], [\"a\"]]\n"
			      "none = []\n");
	if (r == NULL)
		return;
	CHECK(is_int(at(r, "point.x"), 1));
	CHECK(is_int(at(r, "point.y"), -2));
	CHECK(is_str(at(r, "point.tag.name"), "p"));
	const toml_value *e = toml_get(r, "empty");
	CHECK(e && e->type == TOML_TABLE && e->u.tab.n == 0);
	const toml_value *l = toml_get(r, "list");
	CHECK(l && l->type == TOML_ARRAY && l->u.arr.n == 3);
	if (l && l->u.arr.n == 3)
		CHECK(is_int(l->u.arr.items[2], 3));
	const toml_value *m = toml_get(r, "mixed");
	CHECK(m && m->u.arr.n == 6);
	if (m && m->u.arr.n == 6) {
		CHECK_INT(m->u.arr.items[0]->type, TOML_STRING);
		CHECK_INT(m->u.arr.items[1]->type, TOML_INTEGER);
		CHECK_INT(m->u.arr.items[2]->type, TOML_FLOAT);
		CHECK_INT(m->u.arr.items[3]->type, TOML_BOOL);
		CHECK_INT(m->u.arr.items[4]->type, TOML_ARRAY);
		CHECK(is_str(toml_get(m->u.arr.items[5], "k"), "v"));
	}
	const toml_value *mu = toml_get(r, "multi");
	CHECK(mu && mu->u.arr.n == 3);
	const toml_value *n = toml_get(r, "nested");
	CHECK(n && n->u.arr.n == 2 && n->u.arr.items[0]->u.arr.n == 2);
	const toml_value *none = toml_get(r, "none");
	CHECK(none && none->type == TOML_ARRAY && none->u.arr.n == 0);
	toml_free(r);
}

static void test_strings_and_escapes(void)
{
	toml_value *r = parse(
		"basic = \"tab\\there \\\"q\\\" back\\\\ \\b\\f\\r\\n\"\n"
		"uni = \"\\u00e9 \\U0001F600 \\u0041\"\n"
		"nul = \"a\\u0000b\"\n"
		"literal = 'C:\\path\\no \"escapes\"'\n"
		"ml = \"\"\"\nfirst\n  second \\\n     joined\"\"\"\n"
		"mlq = \"\"\"two \"\"quotes\"\" at end\"\"\"\"\"\n"
		"mll = '''\nraw \\n ''quoted'' '''\n"
		"utf8 = \"caf\xc3\xa9 \xe2\x82\xac\"\n"
		"crlf = \"\"\"a\r\nb\"\"\"\n");
	if (r == NULL)
		return;
	CHECK(is_str(toml_get(r, "basic"), "tab\there \"q\" back\\ \b\f\r\n"));
	CHECK(is_str(toml_get(r, "uni"), "\xc3\xa9 \xf0\x9f\x98\x80 A"));
	/* A NUL inside: the length tells, not strlen. */
	const toml_value *nul = toml_get(r, "nul");
	CHECK(nul && nul->u.s.len == 3 && memcmp(nul->u.s.ptr, "a\0b", 4) == 0);
	CHECK(is_str(toml_get(r, "literal"), "C:\\path\\no \"escapes\""));
	/* The newline after the opening quotes is dropped; a backslash at
	 * a line's end eats the newline and the blanks after it. */
	CHECK(is_str(toml_get(r, "ml"), "first\n  second joined"));
	/* Up to two quotes before the closing three belong to the text. */
	CHECK(is_str(toml_get(r, "mlq"), "two \"\"quotes\"\" at end\"\""));
	CHECK(is_str(toml_get(r, "mll"), "raw \\n ''quoted'' "));
	CHECK(is_str(toml_get(r, "utf8"), "caf\xc3\xa9 \xe2\x82\xac"));
	/* CRLF inside a multi-line string becomes LF. */
	CHECK(is_str(toml_get(r, "crlf"), "a\nb"));
	toml_free(r);
}

static void test_integers(void)
{
	toml_value *r = parse("a = 42\nb = +17\nc = -0\nd = 1_000_000\n"
			      "e = 0xDEAD_beef\nf = 0o755\ng = 0b1101\n"
			      "max = 9223372036854775807\nmin = -9223372036854775808\n"
			      "hmax = 0x7FFFFFFFFFFFFFFF\n");
	if (r == NULL)
		return;
	CHECK(is_int(toml_get(r, "a"), 42));
	CHECK(is_int(toml_get(r, "b"), 17));
	CHECK(is_int(toml_get(r, "c"), 0));
	CHECK(is_int(toml_get(r, "d"), 1000000));
	CHECK(is_int(toml_get(r, "e"), 0xDEADBEEF));
	CHECK(is_int(toml_get(r, "f"), 0755));
	CHECK(is_int(toml_get(r, "g"), 13));
	CHECK(is_int(toml_get(r, "max"), INT64_MAX));
	CHECK(is_int(toml_get(r, "min"), INT64_MIN));
	CHECK(is_int(toml_get(r, "hmax"), INT64_MAX));
	toml_free(r);
}

static void test_floats_and_booleans(void)
{
	toml_value *r = parse("a = 1.5\nb = -0.0\nc = 1e3\nd = 6.626e-34\ne = 2E+2\n"
			      "f = 1_000.000_1\ng = inf\nh = -inf\ni = nan\nj = +inf\n"
			      "t = true\nu = false\n");
	if (r == NULL)
		return;
	const toml_value *v;
	CHECK((v = toml_get(r, "a")) && v->type == TOML_FLOAT && v->u.f == 1.5);
	CHECK((v = toml_get(r, "b")) && v->type == TOML_FLOAT && v->u.f == 0.0 && signbit(v->u.f));
	CHECK((v = toml_get(r, "c")) && v->type == TOML_FLOAT && v->u.f == 1000.0);
	CHECK((v = toml_get(r, "d")) && v->u.f == 6.626e-34);
	CHECK((v = toml_get(r, "e")) && v->u.f == 200.0);
	CHECK((v = toml_get(r, "f")) && v->u.f == 1000.0001);
	CHECK((v = toml_get(r, "g")) && isinf(v->u.f) && v->u.f > 0);
	CHECK((v = toml_get(r, "h")) && isinf(v->u.f) && v->u.f < 0);
	CHECK((v = toml_get(r, "i")) && v->type == TOML_FLOAT && isnan(v->u.f));
	CHECK((v = toml_get(r, "j")) && isinf(v->u.f) && v->u.f > 0);
	CHECK((v = toml_get(r, "t")) && v->type == TOML_BOOL && v->u.b);
	CHECK((v = toml_get(r, "u")) && v->type == TOML_BOOL && !v->u.b);
	toml_free(r);
}

/* Where each value was defined, for the topology checker's messages. */
static void test_positions_comments_crlf(void)
{
	toml_value *r = parse("# a comment line\r\n"
			      "a = 1   # trailing comment\r\n"
			      "\r\n"
			      "[t]\r\n"
			      "  b = \"x\"\r\n"
			      "c = [ 1,\r\n  22 ]\r\n");
	if (r == NULL)
		return;
	const toml_value *a = toml_get(r, "a"), *b = at(r, "t.b"), *c = at(r, "t.c");
	CHECK(a && a->line == 2 && a->col == 5);
	CHECK(b && b->line == 5 && b->col == 7);
	CHECK(c && c->line == 6 && c->col == 5);
	if (c && c->u.arr.n == 2)
		CHECK(c->u.arr.items[1]->line == 7 && c->u.arr.items[1]->col == 3);
	toml_free(r);
	/* An empty file, or only comments: an empty table. */
	toml_value *e = parse("");
	CHECK(e && e->type == TOML_TABLE && e->u.tab.n == 0);
	toml_free(e);
	e = parse("# nothing\n\n   \n");
	CHECK(e && e->u.tab.n == 0);
	toml_free(e);
}

static void test_get(void)
{
	toml_value *r = parse("a = 1\n\"\" = 2\n");
	if (r == NULL)
		return;
	CHECK(toml_get(r, "b") == NULL);
	CHECK(is_int(toml_get(r, ""), 2));
	/* Not a table: nothing to look up. */
	CHECK(toml_get(toml_get(r, "a"), "x") == NULL);
	CHECK(toml_get(NULL, "a") == NULL);
	toml_free(r);
	toml_free(NULL);
}

/* Each error: the input, and the line, column and message it gives. */
static const struct {
	const char *text;
	unsigned line, col;
	const char *msg;
} errors[] = {
	{ "a = 1 # bell \x07 here\n", 1, 14, "control character U+0007 in a comment" },
	{ "a = 1 b = 2\n", 1, 7, "expected the end of the line, found 'b'" },
	{ "a = \"\\u12\"\n", 1, 6, "\\u needs 4 hex digits" },
	{ "a = \"\\U0000D800\"\n", 1, 6, "\\U escape is not a Unicode scalar value" },
	{ "a = \"\\uD800\"\n", 1, 6, "\\u escape is not a Unicode scalar value" },
	{ "a = \"\\x41\"\n", 1, 6, "unknown escape \\x in a string" },
	{ "a = \"one\ntwo\"\n", 1, 9, "a string must end on its line (a newline came first)" },
	{ "a = \"tab\tok \x1f no\"\n", 1, 13, "control character U+001F in a string" },
	{ "x = 1\na = \"caf\xc3\"\n", 2, 9, "invalid UTF-8 (byte 0xC3)" },
	{ "a = \"open\n", 1, 10, "a string must end on its line (a newline came first)" },
	{ "a = \"\"\"open\n\n", 3, 1, "the string is not closed" },
	{ "a.b.c = 1\n[x]\n\n=\n", 4, 1, "expected a key (letters, digits, _ and -, or a quoted string)" },
	{ "[t]\na = 1\nb", 3, 2, "expected '=' after the key \"b\"" },
	{ "a = 1\n = 2\n", 2, 2, "expected a key (letters, digits, _ and -, or a quoted string)" },
	{ "a = 1979-05-27\n", 1, 5, "dates and times are not supported in topology files: quote it as a string" },
	{ "a = 07:32:00\n", 1, 5, "dates and times are not supported in topology files: quote it as a string" },
	{ "a = 0xG1\n", 1, 5, "\"0xG1\" is not a valid hexadecimal integer" },
	{ "a = -0x10\n", 1, 5, "\"-0x10\" is not a valid hexadecimal integer" },
	{ "a = 0b102\n", 1, 5, "\"0b102\" is not a valid binary integer" },
	{ "a = 9223372036854775808\n", 1, 5, "integer 9223372036854775808 does not fit in 64 bits" },
	{ "a = 0x8000000000000000\n", 1, 5, "integer 0x8000000000000000 does not fit in 64 bits" },
	{ "a = 012\n", 1, 5, "\"012\" is not a valid number" },
	{ "a = 1__0\n", 1, 5, "\"1__0\" is not a valid number" },
	{ "a = 1.\n", 1, 5, "\"1.\": a decimal point needs digits on both sides" },
	{ "a = .5\n", 1, 5, "expected a value (a string needs quotes)" },
	{ "a = 1e\n", 1, 5, "\"1e\": an exponent needs digits" },
	{ "a = 1e+\n", 1, 5, "\"1e+\": an exponent needs digits" },
	{ "a = 12abc\n", 1, 5, "\"12abc\" is not a valid value (strings need quotes)" },
	{ "a = [1, 2\n", 2, 1, "the array is not closed with ']'" },
	{ "a = [1 2]\n", 1, 8, "expected ',' or ']' in an array" },
	{ "t = { a = 1 b = 2 }\n", 1, 13, "expected ',' or '}' in an inline table (which must fit on one line)" },
	{ "t = { a = 1, }\n", 1, 14, "no trailing comma in an inline table" },
	{ "t = { a = 1,\n b = 2 }\n", 1, 13, "expected a key (letters, digits, _ and -, or a quoted string)" },
	{ "t = {a 1}\n", 1, 8, "expected '=' after a key" },
	{ "a =\n", 1, 4, "expected a value after '='" },
	{ "a = bare\n", 1, 5, "expected a value (a string needs quotes)" },
	{ "a = TRUE\n", 1, 5, "expected a value (a string needs quotes)" },
	{ "a = 1\na.b = 2\n", 2, 8, "a is already a value, not a table" },
	{ "[a.b]\nc = 1\n[a]\nb.d = 2\n", 4, 8, "table b is already defined; dotted keys cannot add to it" },
	{ "t = { a = 1 }\nt.b = 2\n", 2, 8, "t is an inline table or array and cannot be extended" },
	{ "t = { a = 1 }\n[t.b]\n", 2, 6, "t is an inline table or array and cannot be extended" },
	{ "a = 1\na = 2\n", 2, 6, "key a is defined twice" },
	{ "[x]\n[x]\n", 2, 4, "table x is defined twice" },
	{ "[x\n", 1, 3, "expected ']' to close the header" },
	{ "[[x]\n", 1, 4, "expected ']]' to close the header" },
	{ "a = [1]\n[[a]]\n", 2, 6, "a is already defined as a static array" },
	{ "a = 1\n[[a]]\n", 2, 6, "a is already defined as something other than an array of tables" },
	{ "[[a]]\n[a]\n", 2, 4, "table a is defined twice" },
	{ "a b = 1\n", 1, 3, "expected '=' after the key \"a\"" },
	{ "t = { a.b = 1, a.b = 2 }\n", 1, 23, "key a.b is defined twice" },
	{ "t = { a = { b = 1 }, a.c = 2 }\n", 1, 29, "a is an inline table or array and cannot be extended" },
	{ "[x] y = 1\n", 1, 5, "expected the end of the line, found 'y'" },
	{ "a = '''one''''''\n", 1, 16, "expected the end of the line, found '''" },
	{ "a = 1\n\xff\n", 2, 1, "invalid UTF-8 (byte 0xFF)" },
	{ "a = 0x\n", 1, 5, "\"0x\" is not a valid hexadecimal integer" },
	{ "a = -inf_\n", 1, 5, "\"-inf_\" is not a valid number" },
	{ "a.b = 1\n[a.b.c]\nd = 1\n", 2, 8, "a.b is already a value, not a table" },
	{ "a = 1\n[a.b]\n", 2, 6, "a is already a value, not a table" },
	{ "\"\" = 1\nb = \"\\\"\n", 2, 8, "a string must end on its line (a newline came first)" },
	{ "x = 1.e5\n", 1, 5, "\"1.e5\": a decimal point needs digits on both sides" },
};

static void test_every_error(void)
{
	for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
		toml_error err;
		memset(&err, 0x55, sizeof err);
		toml_value *r = toml_parse(errors[i].text, strlen(errors[i].text), &err);
		CHECK(r == NULL);
		toml_free(r);
		if (err.line != errors[i].line || err.col != errors[i].col ||
		    strcmp(err.msg, errors[i].msg) != 0)
			fprintf(stderr, "  case %zu: got %u:%u %s\n", i, err.line, err.col, err.msg);
		CHECK_INT(err.line, errors[i].line);
		CHECK_INT(err.col, errors[i].col);
		CHECK_STR(err.msg, errors[i].msg);
	}
}

static void test_depth_and_key_limits(void)
{
	/* 128 nested arrays are fine, 129 are not. */
	char text[400];
	for (int depth = 128; depth <= 129; depth++) {
		size_t o = (size_t)snprintf(text, sizeof text, "a = ");
		for (int i = 0; i < depth; i++)
			text[o++] = '[';
		for (int i = 0; i < depth; i++)
			text[o++] = ']';
		text[o++] = '\n';
		text[o] = '\0';
		toml_error err;
		toml_value *r = toml_parse(text, o, &err);
		if (depth == 128) {
			CHECK(r != NULL);
		} else {
			CHECK(r == NULL);
			CHECK_INT(err.line, 1);
			CHECK_INT(err.col, 4 + 129);
			CHECK_STR(err.msg, "values nested more than 128 deep");
		}
		toml_free(r);
	}
	/* A key of 64 parts is fine, 65 are not. */
	for (int parts = 64; parts <= 65; parts++) {
		size_t o = 0;
		for (int i = 0; i < parts; i++)
			o += (size_t)snprintf(text + o, sizeof text - o, "%sk", i ? "." : "");
		o += (size_t)snprintf(text + o, sizeof text - o, " = 1\n");
		toml_error err;
		toml_value *r = toml_parse(text, o, &err);
		if (parts == 64) {
			CHECK(r != NULL);
		} else {
			CHECK(r == NULL);
			CHECK_STR(err.msg, "key has more than 64 parts");
			CHECK_INT(err.col, 64 * 2 + 1);
		}
		toml_free(r);
	}
}

int main(void)
{
	RUN(test_tables_and_dotted_keys);
	RUN(test_arrays_of_tables);
	RUN(test_inline_tables_and_arrays);
	RUN(test_strings_and_escapes);
	RUN(test_integers);
	RUN(test_floats_and_booleans);
	RUN(test_positions_comments_crlf);
	RUN(test_get);
	RUN(test_every_error);
	RUN(test_depth_and_key_limits);
	return check_summary("test_toml");
}
