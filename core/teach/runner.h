/* Running lessons and exercises (lesson.h) against a live sim: each
 * step's commands are run as `./sim --name SIM ...` (this very program,
 * so the tutorial shows exactly what a user would type), their output
 * shown and checked against the step's expectations. */
#ifndef DNSIM_TEACH_RUNNER_H
#define DNSIM_TEACH_RUNNER_H

#include <stdbool.h>
#include <stddef.h>

#include "teach/lesson.h"

/* Run one step's commands on sim; true when every check holds.
 * `quiet`: only the verdicts (grading); `pause`: wait for Enter before
 * each command. */
bool runner_step(const char *sim, const lesson_step *s, bool quiet, bool pause);

/* The lesson files (*.md but README.md) in dir, sorted; malloc'd names. */
size_t runner_list(const char *dir, char ***out);

/* Print text with every line after `prefix`. */
void runner_show(const char *text, const char *prefix);

#endif
