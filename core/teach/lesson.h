/* Lessons and exercises: Markdown files with runnable steps.
 *
 *   # Title                      the lesson's (or exercise's) title
 *   text...                      shown before the first step
 *   ## A step                    a step (in an exercise: a requirement)
 *   text...                      what the step explains
 *   ```sim                       one sim command per line, without
 *   exec laptop dig example.com  "sudo ./sim" ("sleep N" waits N seconds)
 *   ```
 *   ```expect                    checks on the output of the commands
 *   status: NOERROR              above: a line must appear as written,
 *   /IN\s+A\s+192\.0\.2\.1/      /a regular expression/ must match,
 *   !SERVFAIL                    !text must not appear
 *   ```
 *   ```hint                      shown when a check fails
 *   What to look at.
 *   ```
 *
 * Pure: text in, steps out. */
#ifndef DNSIM_TEACH_LESSON_H
#define DNSIM_TEACH_LESSON_H

#include <stdbool.h>
#include <stddef.h>

typedef struct lesson_step {
	char *title;
	char *text;        /* the explanation, as written */
	char **commands;   /* sim command lines */
	size_t ncommands;
	char **expect;     /* check lines */
	size_t nexpect;
	char *hint;
} lesson_step;

typedef struct lesson {
	char *title;
	char *intro;
	lesson_step *steps;
	size_t nsteps;
} lesson;

/* Parse a lesson; false with "LINE: message" in err (an unclosed fence,
 * an unknown fence kind, a check with no command before it). */
bool lesson_parse(const char *text, size_t len, lesson *out, char *err, size_t errsz);
void lesson_free(lesson *l);

/* Split a command line into words (single and double quotes group,
 * backslash escapes); a NULL-terminated malloc'd array, NULL on an
 * unclosed quote. */
char **lesson_words(const char *line);
void lesson_words_free(char **words);

/* Does `output` satisfy one expect line?  (`/re/` is a POSIX extended
 * regular expression, `!text` must be absent, else a substring.) */
bool lesson_check(const char *expect, const char *output);

#endif
