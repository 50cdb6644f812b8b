/* Running lessons and exercises (lesson.h) against a live sim: each
 * step's commands are run as `./sim --name SIM ...` (this very program,
 * so the tutorial shows exactly what a user would type), their output
 * shown and checked against the step's expectations. */
#ifndef DNSIM_TEACH_RUNNER_H
#define DNSIM_TEACH_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "teach/lesson.h"

/* Run one step's commands on sim; true when every check holds.
 * `quiet`: only the verdicts (grading); `pause`: wait for Enter before
 * each command. */
bool runner_step(const char *sim, const lesson_step *s, bool quiet, bool pause);
/* The same, writing what it shows to `out` (the web view's steps). */
bool runner_step_to(FILE *out, const char *sim, const lesson_step *s, bool quiet, bool pause);

/* Run `./sim --name SIM WORDS...` (this program) and collect what it
 * prints, stdout and stderr, in *output (malloc'd, at most a megabyte;
 * the command is killed after two minutes).  Its exit status, or -1
 * when it could not be started. */
int runner_sim(const char *sim, char **words, char **output);

/* The lesson files (*.md but README.md) in dir, sorted; malloc'd names. */
size_t runner_list(const char *dir, char ***out);

/* Print text with every line after `prefix`. */
void runner_show(const char *text, const char *prefix);
void runner_show_to(FILE *out, const char *text, const char *prefix);

#endif
