/* `sim tutorial [N] [--auto]` runs a lesson against the live sim, step by
 * step; `sim check EXERCISE` grades an exercise by asking the live sim
 * what a grader would.  Both read Markdown with runnable steps
 * (lesson.h) from tutorials/ and tutorials/exercises/. */
#include "sim/cli.h"

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
#include "io/readfile.h"
#include "teach/lesson.h"
#include "netns/state.h"

#define OUTPUT_MAX (1 << 20)
#define COMMAND_TIMEOUT_MS 120000
#define SLEEP_MAX 30

/* Run `./sim --name SIM WORDS...` and collect what it prints. */
static int run_sim(const char *sim, char **words, char **output)
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

static void print_indented(const char *text, const char *prefix)
{
	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		printf("%s%.*s\n", prefix, (int)n, l);
		l = nl ? nl + 1 : NULL;
	}
}

/* Run one step's commands; true when every check holds.  `quiet`: only
 * the verdicts (grading). */
static bool run_step(const char *sim, const lesson_step *s, bool quiet, bool pause)
{
	char *all = calloc(1, 1);
	size_t alllen = 0;
	bool ok = all != NULL;
	for (size_t c = 0; ok && c < s->ncommands; c++) {
		bool is_sleep = strncmp(s->commands[c], "sleep", 5) == 0 &&
				(s->commands[c][5] == ' ' || s->commands[c][5] == '\0');
		if (!quiet && is_sleep) {
			printf("\n  (waiting%s seconds)\n", s->commands[c] + 5);
		} else if (!quiet) {
			printf("\n  $ sudo ./sim %s\n", s->commands[c]);
			if (pause) {
				printf("  [Enter runs it] ");
				fflush(stdout);
				int ch;
				while ((ch = getchar()) != '\n' && ch != EOF)
					;
			}
		}
		char **words = lesson_words(s->commands[c]);
		if (words == NULL || words[0] == NULL) {
			printf("  (cannot read this command)\n");
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
			run_sim(sim, words, &out);
		}
		lesson_words_free(words);
		if (out == NULL) {
			ok = false;
			break;
		}
		if (!quiet)
			print_indented(out, "    ");
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
			printf("  x expected %s%s\n", s->expect[e][0] == '!' ? "no " : "",
			       s->expect[e][0] == '!' ? s->expect[e] + 1 : s->expect[e]);
	}
	if (!quiet && s->nexpect)
		printf(met ? "  ok: as expected\n" : "  not as expected\n");
	if (!met && !quiet && s->hint)
		print_indented(s->hint, "  hint: ");
	free(all);
	return met;
}

/* tutorials/ beside the program. */
static int shipped_dir(const char *sub, char *out, size_t n)
{
	shipped_path(sub, out, n);
	return access(out, R_OK) == 0 ? 0 : -1;
}

static int compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lesson files, sorted. */
static size_t list_lessons(const char *dir, char ***out)
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

static bool load_lesson(const char *path, lesson *l)
{
	char *text, err[256];
	size_t len;
	if (io_read_file(NULL, path, &text, &len) != 0) {
		die("%s: %s", path, strerror(errno));
		return false;
	}
	bool ok = lesson_parse(text, len, l, err, sizeof err);
	free(text);
	if (!ok)
		die("%s:%s", path, err);
	return ok;
}

int cmd_tutorial(const char *name, int argc, char **argv)
{
	bool autorun = false;
	const char *which = NULL;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--auto") == 0)
			autorun = true;
		else if (which == NULL)
			which = argv[i];
		else
			return verb_usage("tutorial");
	}
	char dir[PATH_MAX];
	if (shipped_dir("tutorials", dir, sizeof dir) < 0)
		return die("cannot find the tutorials/ folder");
	char **files;
	size_t n = list_lessons(dir, &files);
	int rc = 0;
	if (which == NULL) {
		printf("Lessons (run one with `sudo ./sim tutorial N`):\n");
		for (size_t i = 0; i < n; i++) {
			char path[PATH_MAX + 300];
			lesson l;
			snprintf(path, sizeof path, "%s/%s", dir, files[i]);
			if (load_lesson(path, &l)) {
				printf("  %.2s  %s\n", files[i], l.title);
				lesson_free(&l);
			}
		}
		goto out;
	}
	const char *file = NULL;
	long want = strtol(which, NULL, 10);
	for (size_t i = 0; i < n && file == NULL; i++)
		if (strtol(files[i], NULL, 10) == want && want > 0)
			file = files[i];
	if (file == NULL) {
		rc = die("no lesson %s (`./sim tutorial` lists them)", which);
		goto out;
	}
	if (!need_root()) {
		rc = 1;
		goto out;
	}
	char sim[TOPO_NAME_MAX + 1];
	if (pick_sim(name, sim, sizeof sim)) {
		rc = die("lessons run on a live sim: `sudo ./sim up` first");
		goto out;
	}
	char path[PATH_MAX + 300];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	lesson l;
	if (!load_lesson(path, &l)) {
		rc = 1;
		goto out;
	}
	printf("%s\n", l.title);
	if (l.intro)
		print_indented(l.intro, "");
	unsigned failed = 0;
	for (size_t i = 0; i < l.nsteps; i++) {
		printf("\n== Step %zu of %zu: %s\n", i + 1, l.nsteps, l.steps[i].title);
		if (l.steps[i].text)
			print_indented(l.steps[i].text, "");
		if (!run_step(sim, &l.steps[i], false, !autorun && isatty(0)))
			failed++;
	}
	printf("\n%s: %zu steps, %u not as expected\n", l.title, l.nsteps, failed);
	rc = failed ? 1 : 0;
	lesson_free(&l);
out:
	for (size_t i = 0; i < n; i++)
		free(files[i]);
	free(files);
	return rc;
}

int cmd_exercise(const char *name, const char *exercise)
{
	char dir[PATH_MAX], path[PATH_MAX + 300];
	if (shipped_dir("tutorials/exercises", dir, sizeof dir) < 0)
		return die("cannot find the tutorials/exercises/ folder");
	snprintf(path, sizeof path, "%s/%s.md", dir, exercise);
	if (access(path, R_OK) != 0) {
		char **files;
		size_t n = list_lessons(dir, &files);
		fprintf(stderr, "sim: no exercise \"%s\"; there are:", exercise);
		for (size_t i = 0; i < n; i++) {
			fprintf(stderr, " %.*s", (int)strlen(files[i]) - 3, files[i]);
			free(files[i]);
		}
		free(files);
		fputc('\n', stderr);
		return 1;
	}
	if (!need_root())
		return 1;
	char sim[TOPO_NAME_MAX + 1];
	if (pick_sim(name, sim, sizeof sim))
		return die("exercises are checked on a live sim: `sudo ./sim up` first");
	lesson l;
	if (!load_lesson(path, &l))
		return 1;
	printf("%s\n", l.title);
	unsigned unmet = 0;
	for (size_t i = 0; i < l.nsteps; i++) {
		bool met = run_step(sim, &l.steps[i], true, false);
		printf("  [%s] %s\n", met ? "met" : "not met", l.steps[i].title);
		if (!met) {
			unmet++;
			if (l.steps[i].hint)
				print_indented(l.steps[i].hint, "        hint: ");
		}
	}
	printf("%s: %zu of %zu requirements met\n", unmet ? "not yet" : "done",
	       l.nsteps - unmet, l.nsteps);
	lesson_free(&l);
	return unmet ? 1 : 0;
}
