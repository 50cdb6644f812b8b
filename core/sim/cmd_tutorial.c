/* `sim tutorial [N] [--auto]` runs a lesson against the live sim, step by
 * step; `sim check EXERCISE` grades an exercise by asking the live sim
 * what a grader would.  Both read Markdown with runnable steps
 * (lesson.h) from tutorials/ and tutorials/exercises/. */
#include "sim/cli.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/readfile.h"
#include "teach/lesson.h"
#include "teach/runner.h"
#include "netns/state.h"

/* tutorials/ beside the program. */
static int shipped_dir(const char *sub, char *out, size_t n)
{
	shipped_path(sub, out, n);
	return access(out, R_OK) == 0 ? 0 : -1;
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
	size_t n = runner_list(dir, &files);
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
		runner_show(l.intro, "");
	unsigned failed = 0;
	for (size_t i = 0; i < l.nsteps; i++) {
		printf("\n== Step %zu of %zu: %s\n", i + 1, l.nsteps, l.steps[i].title);
		if (l.steps[i].text)
			runner_show(l.steps[i].text, "");
		if (!runner_step(sim, &l.steps[i], false, !autorun && isatty(0)))
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
		size_t n = runner_list(dir, &files);
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
		bool met = runner_step(sim, &l.steps[i], true, false);
		printf("  [%s] %s\n", met ? "met" : "not met", l.steps[i].title);
		if (!met) {
			unmet++;
			if (l.steps[i].hint)
				runner_show(l.steps[i].hint, "        hint: ");
		}
	}
	printf("%s: %zu of %zu requirements met\n", unmet ? "not yet" : "done",
	       l.nsteps - unmet, l.nsteps);
	lesson_free(&l);
	return unmet ? 1 : 0;
}
