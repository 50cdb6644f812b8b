/* Reading lessons: Markdown headings and fenced blocks into steps. */
#include "teach/lesson.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/array.h"

static char *trimmed(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	return strndup(s, n);
}

/* Append a line to a growing text. */
static bool append(char **text, const char *line, size_t n)
{
	size_t old = *text ? strlen(*text) : 0;
	char *g = realloc(*text, old + n + 2);
	if (g == NULL)
		return false;
	memcpy(g + old, line, n);
	g[old + n] = '\n';
	g[old + n + 1] = '\0';
	*text = g;
	return true;
}

static bool add_line(char ***list, size_t *n, const char *line, size_t len)
{
	char **slot = array_grow(list, n, sizeof *slot);
	if (slot == NULL)
		return false;
	*slot = trimmed(line, len);
	return *slot != NULL;
}

bool lesson_parse(const char *text, size_t len, lesson *out, char *err, size_t errsz)
{
	memset(out, 0, sizeof *out);
	enum { NONE, SIM, EXPECT, HINT, OTHER } fence = NONE;
	unsigned fence_line = 0, lineno = 0;
	lesson_step *step = NULL;
	bool ok = true;
	for (const char *p = text, *end = text + len; ok && p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *line = p;
		p = nl ? nl + 1 : end;
		lineno++;
		if (n >= 3 && strncmp(line, "```", 3) == 0) {
			if (fence != NONE) {
				fence = NONE;
				continue;
			}
			char *kind = trimmed(line + 3, n - 3);
			if (kind == NULL) {
				ok = false;
				break;
			}
			fence_line = lineno;
			fence = strcmp(kind, "sim") == 0 ? SIM : strcmp(kind, "expect") == 0 ? EXPECT
				: strcmp(kind, "hint") == 0 ? HINT : OTHER;
			free(kind);
			if (fence != OTHER && step == NULL) {
				snprintf(err, errsz, "%u: a runnable block before the first step "
					 "(## heading)", lineno);
				return lesson_free(out), false;
			}
			if (fence == EXPECT && step->ncommands == 0) {
				snprintf(err, errsz, "%u: an expect block with no sim command "
					 "before it", lineno);
				return lesson_free(out), false;
			}
			continue;
		}
		switch (fence) {
		case SIM:
			if (n && line[0] != '#')
				ok = add_line(&step->commands, &step->ncommands, line, n);
			continue;
		case EXPECT:
			if (n)
				ok = add_line(&step->expect, &step->nexpect, line, n);
			continue;
		case HINT:
			ok = append(&step->hint, line, n);
			continue;
		case OTHER:
			ok = append(step ? &step->text : &out->intro, line, n);
			continue;
		case NONE:
			break;
		}
		if (n >= 2 && strncmp(line, "# ", 2) == 0 && out->title == NULL) {
			ok = (out->title = trimmed(line + 2, n - 2)) != NULL;
		} else if (n >= 3 && strncmp(line, "## ", 3) == 0) {
			step = array_grow(&out->steps, &out->nsteps, sizeof *step);
			ok = step && (step->title = trimmed(line + 3, n - 3)) != NULL;
		} else {
			ok = append(step ? &step->text : &out->intro, line, n);
		}
	}
	if (!ok) {
		snprintf(err, errsz, "out of memory");
		lesson_free(out);
		return false;
	}
	if (fence != NONE) {
		snprintf(err, errsz, "%u: this ``` block is never closed", fence_line);
		lesson_free(out);
		return false;
	}
	if (out->title == NULL || out->nsteps == 0) {
		snprintf(err, errsz, "a lesson needs a # title and at least one ## step");
		lesson_free(out);
		return false;
	}
	return true;
}

static void free_list(char **l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

void lesson_free(lesson *l)
{
	for (size_t i = 0; i < l->nsteps; i++) {
		lesson_step *s = &l->steps[i];
		free(s->title);
		free(s->text);
		free_list(s->commands, s->ncommands);
		free_list(s->expect, s->nexpect);
		free(s->hint);
	}
	free(l->steps);
	free(l->title);
	free(l->intro);
	memset(l, 0, sizeof *l);
}

char **lesson_words(const char *line)
{
	size_t cap = 8, n = 0, len = strlen(line);
	char **w = calloc(cap, sizeof *w);
	char *word = malloc(len + 1);
	if (w == NULL || word == NULL) {
		free(w);
		free(word);
		return NULL;
	}
	const char *p = line;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		size_t o = 0;
		char quote = 0;
		while (*p && (quote || (*p != ' ' && *p != '\t'))) {
			if (quote && *p == quote)
				quote = 0;
			else if (!quote && (*p == '\'' || *p == '"'))
				quote = *p;
			else if (*p == '\\' && p[1] && quote != '\'')
				word[o++] = *++p;
			else
				word[o++] = *p;
			p++;
		}
		if (quote) {
			free(word);
			lesson_words_free(w);
			return NULL;
		}
		if (n + 2 > cap) {
			char **g = realloc(w, (cap *= 2) * sizeof *g);
			if (g == NULL) {
				free(word);
				lesson_words_free(w);
				return NULL;
			}
			w = g;
		}
		w[n] = strndup(word, o);
		if (w[n] == NULL) {
			free(word);
			lesson_words_free(w);
			return NULL;
		}
		w[++n] = NULL;
	}
	free(word);
	return w;
}

void lesson_words_free(char **words)
{
	if (words == NULL)
		return;
	for (char **w = words; *w; w++)
		free(*w);
	free(words);
}

bool lesson_check(const char *expect, const char *output)
{
	size_t n = strlen(expect);
	if (n >= 2 && expect[0] == '/' && expect[n - 1] == '/') {
		char *re_text = strndup(expect + 1, n - 2);
		regex_t re;
		bool ok = re_text && regcomp(&re, re_text, REG_EXTENDED | REG_NEWLINE) == 0;
		free(re_text);
		if (!ok)
			return false;
		ok = regexec(&re, output, 0, NULL, 0) == 0;
		regfree(&re);
		return ok;
	}
	if (expect[0] == '!')
		return strstr(output, expect + 1) == NULL;
	return strstr(output, expect) != NULL;
}
