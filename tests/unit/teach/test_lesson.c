/* Lessons: Markdown steps, command words, and the checks on output. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "teach/lesson.h"

static const char text[] =
	"# Title here\n"
	"Intro line.\n"
	"```text\nnot runnable\n```\n"
	"## First step\n"
	"Explain.\n"
	"```sim\n# a comment\nexec laptop dig www.example.com\nsleep 2\n```\n"
	"```expect\nstatus: NOERROR\n\n/IN[[:space:]]+A/\n!SERVFAIL\n```\n"
	"```hint\nLook at the status.\n```\n"
	"## Second\n"
	"```sim\nzone ns1 add example.com 'news 300 IN A 192.0.2.1'\n```\n";

static void test_parse(void)
{
	lesson l;
	char err[128];
	CHECK(lesson_parse(text, strlen(text), &l, err, sizeof err));
	CHECK_STR(l.title, "Title here");
	CHECK(l.intro && strstr(l.intro, "Intro line.") && strstr(l.intro, "not runnable"));
	CHECK_INT(l.nsteps, 2);
	if (l.nsteps == 2) {
		CHECK_STR(l.steps[0].title, "First step");
		CHECK_INT(l.steps[0].ncommands, 2);
		CHECK_STR(l.steps[0].commands[0], "exec laptop dig www.example.com");
		CHECK_INT(l.steps[0].nexpect, 3);
		CHECK_STR(l.steps[0].expect[1], "/IN[[:space:]]+A/");
		CHECK_STR(l.steps[0].hint, "Look at the status.\n");
		CHECK_INT(l.steps[1].nexpect, 0);
	}
	lesson_free(&l);
}

static void bad(const char *t, const char *want)
{
	lesson l;
	char err[128];
	CHECK(!lesson_parse(t, strlen(t), &l, err, sizeof err));
	if (strstr(err, want) == NULL) {
		fprintf(stderr, "error \"%s\" lacks \"%s\"\n", err, want);
		CHECK(0);
	}
}

static void test_errors(void)
{
	bad("# T\n## S\n```sim\nexec x\n", "3: this ``` block is never closed");
	bad("# T\n## S\n```expect\nx\n```\n", "3: an expect block with no sim command");
	bad("# T\n```sim\nx\n```\n", "2: a runnable block before the first step");
	bad("no title\n", "needs a # title");
}

static void test_words(void)
{
	char **w = lesson_words("zone ns1 add example.com 'news 300 IN TXT \"a b\"' x\\ y");
	CHECK(w != NULL);
	if (w) {
		CHECK_STR(w[0], "zone");
		CHECK_STR(w[3], "example.com");
		CHECK_STR(w[4], "news 300 IN TXT \"a b\"");
		CHECK_STR(w[5], "x y");
		CHECK(w[6] == NULL);
	}
	lesson_words_free(w);
	CHECK(lesson_words("unclosed 'quote") == NULL);
	w = lesson_words("   ");
	CHECK(w && w[0] == NULL);
	lesson_words_free(w);
}

static void test_checks(void)
{
	const char *out = ";; status: NOERROR\nwww.example.com. 300 IN A 203.0.113.10\n";
	CHECK(lesson_check("status: NOERROR", out));
	CHECK(!lesson_check("status: NXDOMAIN", out));
	CHECK(lesson_check("/IN[[:space:]]+A[[:space:]]+203\\.0\\.113\\.10$/", out));
	CHECK(!lesson_check("/^status/", out));
	CHECK(lesson_check("!SERVFAIL", out));
	CHECK(!lesson_check("!NOERROR", out));
	CHECK(!lesson_check("/[unclosed/", out));
}

int main(void)
{
	RUN(test_parse);
	RUN(test_errors);
	RUN(test_words);
	RUN(test_checks);
	return check_summary("test_lesson");
}
