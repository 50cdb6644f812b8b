/* Running a lesson's steps against a live sim. */
#include "teach/runner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "io/clock.h"

#define OUTPUT_MAX (1 << 20)
#define COMMAND_TIMEOUT_MS 120000
#define SLEEP_MAX 30

int runner_sim(const char *sim, char **words, char **output)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	*output = calloc(1, 1);
	if (len <= 0 || *output == NULL)
		return -1;
	exe[len] = '\0';
	size_t nwords = 0;
	while (words[nwords])
		nwords++;
	char **argv = calloc(nwords + 4, sizeof *argv);
	int p[2];
	if (argv == NULL || pipe(p) < 0) {
		free(argv);
		return -1;
	}
	argv[0] = exe;
	argv[1] = "--name";
	argv[2] = (char *)sim;
	for (size_t i = 0; i < nwords; i++)
		argv[3 + i] = words[i];
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		dup2(p[1], 1);
		dup2(p[1], 2);
		int null = open("/dev/null", O_RDONLY);
		if (null >= 0)
			dup2(null, 0);
		execv(exe, argv);
		_exit(127);
	}
	free(argv);
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return -1;
	}
	size_t used = 0, cap = 1;
	long long give_up = clock_ms() + COMMAND_TIMEOUT_MS;
	for (;;) {
		struct pollfd pf = { .fd = p[0], .events = POLLIN };
		long long left = give_up - clock_ms();
		int ready = left > 0 ? poll(&pf, 1, (int)left) : 0;
		if (ready < 0 && errno == EINTR)
			continue;       /* a signal, not the end of the command */
		if (ready <= 0) {
			kill(pid, SIGKILL);
			break;
		}
		char buf[4096];
		ssize_t n = read(p[0], buf, sizeof buf);
		if (n <= 0)
			break;
		if (used + (size_t)n + 1 > cap && used < OUTPUT_MAX) {
			char *g = realloc(*output, cap = (used + (size_t)n + 1) * 2);
			if (g == NULL)
				break;
			*output = g;
		}
		if (used + (size_t)n + 1 <= cap) {
			memcpy(*output + used, buf, (size_t)n);
			used += (size_t)n;
			(*output)[used] = '\0';
		}
	}
	close(p[0]);
	int status;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

void runner_show_to(FILE *out, const char *text, const char *prefix)
{
	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		fprintf(out, "%s%.*s\n", prefix, (int)n, l);
		l = nl ? nl + 1 : NULL;
	}
}

void runner_show(const char *text, const char *prefix)
{
	runner_show_to(stdout, text, prefix);
}

bool runner_step(const char *sim, const lesson_step *s, bool quiet, bool pause)
{
	return runner_step_to(stdout, sim, s, quiet, pause);
}

/* Run one step's commands; true when every check holds.  `quiet`: only
 * the verdicts (grading). */
bool runner_step_to(FILE *o, const char *sim, const lesson_step *s, bool quiet, bool pause)
{
	char *all = calloc(1, 1);
	size_t alllen = 0;
	bool ok = all != NULL;
	for (size_t c = 0; ok && c < s->ncommands; c++) {
		bool is_sleep = strncmp(s->commands[c], "sleep", 5) == 0 &&
				(s->commands[c][5] == ' ' || s->commands[c][5] == '\0');
		if (!quiet && is_sleep) {
			fprintf(o, "\n  (waiting%s seconds)\n", s->commands[c] + 5);
		} else if (!quiet) {
			fprintf(o, "\n  $ sudo ./sim %s\n", s->commands[c]);
			if (pause) {
				fprintf(o, "  [Enter runs it] ");
				fflush(o);
				int ch;
				while ((ch = getchar()) != '\n' && ch != EOF)
					;
			}
		}
		char **words = lesson_words(s->commands[c]);
		if (words == NULL || words[0] == NULL) {
			fprintf(o, "  (cannot read this command)\n");
			lesson_words_free(words);
			ok = false;
			break;
		}
		char *out = NULL;
		if (strcmp(words[0], "sleep") == 0) {
			long secs = words[1] ? strtol(words[1], NULL, 10) : 1;
			if (secs < 0 || secs > SLEEP_MAX)
				secs = SLEEP_MAX;
			struct timespec ts = { secs, 0 };
			nanosleep(&ts, NULL);
			out = strdup("");
		} else {
			runner_sim(sim, words, &out);
		}
		lesson_words_free(words);
		if (out == NULL) {
			ok = false;
			break;
		}
		if (!quiet)
			runner_show_to(o, out, "    ");
		size_t n = strlen(out);
		char *g = realloc(all, alllen + n + 1);
		if (g) {
			all = g;
			memcpy(all + alllen, out, n + 1);
			alllen += n;
		}
		free(out);
	}
	bool met = ok;
	for (size_t e = 0; ok && e < s->nexpect; e++) {
		if (lesson_check(s->expect[e], all))
			continue;
		met = false;
		if (!quiet)
			fprintf(o, "  x expected %s%s\n", s->expect[e][0] == '!' ? "no " : "",
			       s->expect[e][0] == '!' ? s->expect[e] + 1 : s->expect[e]);
	}
	if (!quiet && s->nexpect)
		fprintf(o, met ? "  ok: as expected\n" : "  not as expected\n");
	if (!met && !quiet && s->hint)
		runner_show_to(o, s->hint, "  hint: ");
	free(all);
	return met;
}

static int compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lesson files, sorted. */
size_t runner_list(const char *dir, char ***out)
{
	*out = NULL;
	size_t n = 0;
	DIR *d = opendir(dir);
	if (d == NULL)
		return 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len < 4 || strcmp(e->d_name + len - 3, ".md") != 0 ||
		    strcmp(e->d_name, "README.md") == 0)
			continue;
		char **g = realloc(*out, (n + 1) * sizeof *g);
		if (g == NULL)
			break;
		*out = g;
		if ((g[n] = strdup(e->d_name)) != NULL)
			n++;
	}
	closedir(d);
	if (n)
		qsort(*out, n, sizeof **out, compare);
	return n;
}
