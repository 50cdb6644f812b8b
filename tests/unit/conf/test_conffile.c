/* The config-file syntax: words, comments, braces, blocks, the limits
 * and the FILE:LINE of every error; the shared values; the writer; the
 * TCP settings. */
#include <stdlib.h>

#include "check.h"
#include "conf/conffile.h"

static conf_reader *new_reader(const char *text, size_t len, const char *kw)
{
	conf_reader *r = malloc(sizeof *r);
	CHECK(r != NULL);
	if (r)
		conf_reader_init(r, "t.conf", text, len, kw);
	return r;
}

/* The words of the next line joined by '|', or "END", or "ERR:" and
 * the message. */
static const char *next(conf_reader *r, char *out, size_t outsz)
{
	char err[256];
	int rc = conf_reader_next(r, err, sizeof err);
	if (rc < 0) {
		snprintf(out, outsz, "ERR:%s", err);
		return out;
	}
	if (rc == 0)
		return "END";
	size_t n = 0;
	out[0] = '\0';
	for (size_t i = 0; i < r->nwords; i++)
		n += (size_t)snprintf(out + n, outsz - n, "%s%s", i ? "|" : "", r->words[i]);
	return out;
}

static void test_words_and_comments(void)
{
	const char *text =
		"# a comment line\n"
		"\n"
		"listen 192.0.2.1   # trailing comment\n"
		"  \tallow a b\tc\r\n"
		"key#glued comment\n"
		"last line without newline";
	conf_reader *r = new_reader(text, strlen(text), NULL);
	char buf[256];
	CHECK_STR(next(r, buf, sizeof buf), "listen|192.0.2.1");
	CHECK_INT(r->line, 3);
	CHECK_STR(next(r, buf, sizeof buf), "allow|a|b|c");
	CHECK_INT(r->line, 4);
	CHECK_STR(next(r, buf, sizeof buf), "key");
	CHECK_STR(next(r, buf, sizeof buf), "last|line|without|newline");
	CHECK_INT(r->line, 6);
	CHECK_STR(next(r, buf, sizeof buf), "END");
	CHECK_STR(next(r, buf, sizeof buf), "END");
	free(r);

	/* The length given is the end, whatever follows in memory. */
	r = new_reader("a b\nc d", 5, NULL);
	CHECK_STR(next(r, buf, sizeof buf), "a|b");
	CHECK_STR(next(r, buf, sizeof buf), "c");
	CHECK_STR(next(r, buf, sizeof buf), "END");
	free(r);

	r = new_reader("", 0, NULL);
	CHECK_STR(next(r, buf, sizeof buf), "END");
	CHECK_INT(r->line, 0);
	free(r);
}

static void test_blocks(void)
{
	const char *text =
		"zone a. f\n"
		"view inside{\n"            /* the brace against the name */
		"  match 10.0.0.0/8\n"
		"}\n"
		"view out {   # comment\n"
		"}\n"
		"zone b. g\n";
	conf_reader *r = new_reader(text, strlen(text), "view");
	char buf[256];
	CHECK_STR(next(r, buf, sizeof buf), "zone|a.|f");
	CHECK(!r->in_block);
	CHECK_STR(next(r, buf, sizeof buf), "view|inside|{");
	CHECK(r->opened && r->in_block);
	CHECK_STR(r->block, "inside");
	CHECK_STR(next(r, buf, sizeof buf), "match|10.0.0.0/8");
	CHECK(!r->opened && r->in_block);
	CHECK_STR(next(r, buf, sizeof buf), "view|out|{");
	CHECK_INT(r->line, 5);
	CHECK(r->opened);
	CHECK_STR(next(r, buf, sizeof buf), "zone|b.|g");   /* "}" is not handed on */
	CHECK(!r->in_block);
	CHECK_INT(r->line, 7);
	CHECK_STR(next(r, buf, sizeof buf), "END");
	free(r);
}

/* The first error in `text` (len octets; 0: up to its NUL), read with
 * block keyword `kw`. */
static void bad(const char *text, size_t len, const char *kw, const char *want)
{
	conf_reader *r = new_reader(text, len ? len : strlen(text), kw);
	char buf[512], err[512];
	int rc;
	while ((rc = conf_reader_next(r, err, sizeof err)) > 0)
		;
	snprintf(buf, sizeof buf, "%s", rc < 0 ? err : "(no error)");
	if (strcmp(buf, want) != 0) {
		fprintf(stderr, "  got \"%s\"\n  wanted \"%s\"\n", buf, want);
		CHECK(0);
	}
	free(r);
}

static void test_block_errors(void)
{
	bad("view v {\nview w {\n}\n", 0, "view", "t.conf:2: views do not nest: close view v first");
	bad("view v {\nzone a. f\n", 0, "view", "t.conf:2: view v is not closed with '}'");
	bad("view v {\n\n# the end\n", 0, "view", "t.conf:3: view v is not closed with '}'");
	bad("}\n", 0, "view", "t.conf:1: '}' without an open view");
	bad("a\n}\n", 0, NULL, "t.conf:2: '}' without an open block");
	bad("view v\n", 0, "view", "t.conf:1: expected: view NAME {");
	bad("view v { x\n", 0, "view", "t.conf:1: expected: view NAME {");
	bad("view { {\n", 0, "view", "t.conf:1: expected: view NAME {");
	bad("view v {\n} x\n", 0, "view",
	    "t.conf:2: unexpected '}': braces only open a block (view NAME {) "
	    "and close it ('}' alone on its line)");
	bad("zone a{ b\n", 0, "view",
	    "t.conf:1: unexpected '{': braces only open a block (view NAME {) "
	    "and close it ('}' alone on its line)");
	bad("ok\nidentity x{\n", 0, NULL,
	    "t.conf:2: unexpected '{': there are no blocks in this file");
	/* Without a block keyword, "view" is an ordinary word. */
	bad("view v\n", 0, NULL, "(no error)");
}

static void test_limits(void)
{
	/* A line of exactly CONF_LINE_MAX characters is read whole; one more
	 * is an error, not two lines. */
	size_t len = CONF_LINE_MAX + 1 + 2;
	char *text = malloc(len + 1);
	CHECK(text != NULL);
	if (text == NULL)
		return;
	memset(text, 'x', len);
	text[0] = 'k';
	text[1] = ' ';
	text[CONF_LINE_MAX] = '\n';
	text[CONF_LINE_MAX + 1] = 'y';
	text[CONF_LINE_MAX + 2] = '\n';
	conf_reader *r = new_reader(text, len, NULL);
	char *buf = malloc(CONF_LINE_MAX + 16);
	CHECK(buf != NULL);
	if (buf && r) {
		next(r, buf, CONF_LINE_MAX + 16);
		CHECK_INT(r->nwords, 2);
		CHECK_INT(strlen(r->words[1]), CONF_LINE_MAX - 2);
		CHECK_STR(next(r, buf, CONF_LINE_MAX + 16), "y");
	}
	free(r);
	text[CONF_LINE_MAX] = 'x';
	char want[128];
	snprintf(want, sizeof want, "t.conf:1: line longer than %d characters", CONF_LINE_MAX);
	bad(text, len, NULL, want);
	free(text);
	free(buf);

	/* CONF_WORDS_MAX words are fine, one more is an error. */
	len = 2 * (CONF_WORDS_MAX + 1);
	text = malloc(len + 1);
	CHECK(text != NULL);
	if (text == NULL)
		return;
	for (size_t i = 0; i < CONF_WORDS_MAX; i++)
		memcpy(text + 2 * i, "w ", 2);
	text[2 * CONF_WORDS_MAX] = '\n';
	bad(text, 2 * CONF_WORDS_MAX + 1, NULL, "(no error)");
	memcpy(text + 2 * CONF_WORDS_MAX, "w\n", 2);
	snprintf(want, sizeof want, "t.conf:1: more than %d words on one line", CONF_WORDS_MAX);
	bad(text, len, NULL, want);
	free(text);

	bad("a\nb \0c\n", 7, NULL, "t.conf:2: a NUL byte in the text");
	bad("a\nb # \0 in a comment\n", 21, NULL, "(no error)");
}

static void test_error_form(void)
{
	conf_reader *r = new_reader("a\nb\n", 4, NULL);
	char buf[64], err[64];
	next(r, buf, sizeof buf);
	next(r, buf, sizeof buf);
	conf_error(r, err, sizeof err, "expected %s", "this");
	CHECK_STR(err, "t.conf:2: expected this");
	conf_error(r, err, 8, "long message");      /* cut to the buffer */
	CHECK_STR(err, "t.conf:");
	free(r);
}

static void test_values(void)
{
	uint64_t v;
	CHECK(conf_parse_uint("0", 0, 10, &v) && v == 0);
	CHECK(conf_parse_uint("10", 0, 10, &v) && v == 10);
	CHECK(!conf_parse_uint("11", 0, 10, &v));
	CHECK(!conf_parse_uint("4", 5, 10, &v));
	CHECK(!conf_parse_uint("-1", 0, 10, &v));
	CHECK(!conf_parse_uint("+1", 0, 10, &v));
	CHECK(!conf_parse_uint(" 1", 0, 10, &v));
	CHECK(!conf_parse_uint("1x", 0, 10, &v));
	CHECK(!conf_parse_uint("", 0, 10, &v));
	CHECK(!conf_parse_uint("99999999999999999999999", 0, UINT64_MAX, &v));
	CHECK(conf_parse_uint("18446744073709551615", 0, UINT64_MAX, &v) && v == UINT64_MAX);

	bool b;
	CHECK(conf_parse_bool("yes", &b) && b);
	CHECK(conf_parse_bool("on", &b) && b);
	CHECK(conf_parse_bool("no", &b) && !b);
	CHECK(conf_parse_bool("off", &b) && !b);
	CHECK(!conf_parse_bool("true", &b));

	char msg[128], text[80];
	net_addr a;
	CHECK(conf_parse_addr("192.0.2.1", &a, msg, sizeof msg));
	conf_format_addr(&a, text, sizeof text);
	CHECK_STR(text, "192.0.2.1");
	CHECK(conf_parse_addr("2001:db8::1@5353", &a, msg, sizeof msg));
	conf_format_addr(&a, text, sizeof text);
	CHECK_STR(text, "2001:db8::1@5353");
	CHECK(!conf_parse_addr("192.0.2.300", &a, msg, sizeof msg));
	CHECK_STR(msg, "\"192.0.2.300\" is not an address (ADDR or ADDR@PORT)");

	net_prefix p;
	CHECK(conf_parse_prefix("10.0.0.0/8", &p, msg, sizeof msg));
	conf_format_prefix(&p, text, sizeof text);
	CHECK_STR(text, "10.0.0.0/8");
	CHECK(conf_parse_prefix("::1", &p, msg, sizeof msg));
	conf_format_prefix(&p, text, sizeof text);
	CHECK_STR(text, "::1/128");
	CHECK(!conf_parse_prefix("10.0.0.1/8", &p, msg, sizeof msg));
	CHECK_STR(msg, "\"10.0.0.1/8\" is not a prefix (ADDR or ADDR/LEN, host bits zero)");
}

static void test_writer(void)
{
	conf_writer w;
	char err[256] = "";
	conf_writer_init(&w);
	char *text = conf_writer_finish(&w, err, sizeof err);
	CHECK_STR(text, "");
	free(text);

	conf_writer_init(&w);
	const char *words[] = { "a", "b" };
	conf_write_line(&w, "", "key", words, 2);
	conf_write_block(&w, "view", "v");
	conf_write_line(&w, "\t", "inner", words, 1);
	conf_write_block_end(&w);
	/* 19 items: lines of 8, 8 and 3, the key on each. */
	const char *items[19];
	char names[19][16];
	for (int i = 0; i < 19; i++) {
		snprintf(names[i], sizeof names[i], "n%d", i);
		items[i] = names[i];
	}
	conf_write_list(&w, "", "list", items, 19, conf_string_item);
	conf_write_list(&w, "", "none", items, 0, conf_string_item);
	text = conf_writer_finish(&w, err, sizeof err);
	CHECK_STR(text, "key a b\nview v {\n\tinner a\n}\n"
		  "list n0 n1 n2 n3 n4 n5 n6 n7\nlist n8 n9 n10 n11 n12 n13 n14 n15\n"
		  "list n16 n17 n18\n");
	free(text);

	/* Words the syntax cannot carry are refused, the first one named. */
	const char *badwords[] = { "two words", "", "a#b", "x{", "}", "tab\there", "nl\n" };
	for (size_t i = 0; i < sizeof badwords / sizeof badwords[0]; i++) {
		CHECK(!conf_word_ok(badwords[i]));
		conf_writer_init(&w);
		conf_write_line(&w, "", "key", &badwords[i], 1);
		conf_write_line(&w, "", "key", words, 1);
		err[0] = '\0';
		CHECK(conf_writer_finish(&w, err, sizeof err) == NULL);
		CHECK(strstr(err, "cannot be written") != NULL);
	}
	conf_writer_init(&w);
	conf_write_block(&w, "view", "a b");
	CHECK(conf_writer_finish(&w, err, sizeof err) == NULL);
	CHECK(strncmp(err, "\"a b\" cannot be written", 23) == 0);
	CHECK(conf_word_ok("/path/to/file.zone"));
	CHECK(conf_word_ok("2001:db8::/32"));
}

/* Parse one line of TCP settings into t: conf_tcp_set's answer. */
static int tcp_line(conf_tcp *t, const char *line, char *msg, size_t msgsz)
{
	conf_reader *r = new_reader(line, strlen(line), NULL);
	char err[128];
	int rc = conf_reader_next(r, err, sizeof err);
	CHECK_INT(rc, 1);
	rc = conf_tcp_set(t, r->words[0], r->words + 1, r->nwords - 1, msg, msgsz);
	free(r);
	return rc;
}

static void test_tcp_settings(void)
{
	conf_tcp t;
	char msg[128];
	conf_tcp_init(&t, 42);
	CHECK_INT(t.idle_s, 10);
	CHECK_INT(t.max_conns, 42);
	CHECK_INT(t.message_s, 0);
	CHECK_INT(t.output_max, 262144);

	CHECK_INT(tcp_line(&t, "tcp-idle-timeout 3", msg, sizeof msg), 1);
	CHECK_INT(tcp_line(&t, "tcp-message-timeout 2", msg, sizeof msg), 1);
	CHECK_INT(tcp_line(&t, "tcp-max-connections 7", msg, sizeof msg), 1);
	CHECK_INT(tcp_line(&t, "tcp-output-limit 4096", msg, sizeof msg), 1);
	CHECK_INT(t.idle_s, 3);
	CHECK_INT(t.message_s, 2);
	CHECK_INT(t.max_conns, 7);
	CHECK_INT(t.output_max, 4096);
	CHECK_INT(tcp_line(&t, "listen 192.0.2.1", msg, sizeof msg), 0);

	static const struct { const char *line, *msg; } bads[] = {
		{ "tcp-idle-timeout 0", "expected: tcp-idle-timeout 1..3600 (seconds)" },
		{ "tcp-idle-timeout 3601", "expected: tcp-idle-timeout 1..3600 (seconds)" },
		{ "tcp-idle-timeout", "expected: tcp-idle-timeout 1..3600 (seconds)" },
		{ "tcp-message-timeout 1 2", "expected: tcp-message-timeout 1..3600 (seconds)" },
		{ "tcp-max-connections 100001", "expected: tcp-max-connections 1..100000" },
		{ "tcp-output-limit 1023", "expected: tcp-output-limit 1024..1073741824 (bytes)" },
		{ "tcp-output-limit 1073741825", "expected: tcp-output-limit 1024..1073741824 (bytes)" },
	};
	for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) {
		msg[0] = '\0';
		CHECK_INT(tcp_line(&t, bads[i].line, msg, sizeof msg), -1);
		CHECK_STR(msg, bads[i].msg);
	}
	CHECK_INT(t.idle_s, 3);         /* unchanged by the errors */

	/* Written and read back. */
	conf_writer w;
	conf_writer_init(&w);
	conf_tcp_write(&w, &t);
	char err[128];
	char *text = conf_writer_finish(&w, err, sizeof err);
	CHECK_STR(text, "tcp-idle-timeout 3\ntcp-message-timeout 2\n"
		  "tcp-max-connections 7\ntcp-output-limit 4096\n");
	conf_tcp back;
	conf_tcp_init(&back, 1);
	conf_reader *r = new_reader(text, strlen(text), NULL);
	while (r && conf_reader_next(r, err, sizeof err) > 0)
		CHECK_INT(conf_tcp_set(&back, r->words[0], r->words + 1, r->nwords - 1,
				       msg, sizeof msg), 1);
	CHECK_MEM(&back, &t, sizeof t);
	free(r);
	free(text);

	/* An unset message timeout is not written: it follows the idle one. */
	conf_tcp_init(&t, 5);
	conf_writer_init(&w);
	conf_tcp_write(&w, &t);
	text = conf_writer_finish(&w, err, sizeof err);
	CHECK(text && strstr(text, "tcp-message-timeout") == NULL);
	free(text);
}

int main(void)
{
	RUN(test_words_and_comments);
	RUN(test_blocks);
	RUN(test_block_errors);
	RUN(test_limits);
	RUN(test_error_form);
	RUN(test_values);
	RUN(test_writer);
	RUN(test_tcp_settings);
	return check_summary("test_conffile");
}
