/* `sim web [--port N]`: watch the running sim in a browser (web/web.h).
 * The page's files are found beside the program, as the lessons are. */
#include "sim/cli.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/monitor.h"
#include "web/web.h"

#define WEB_PORT 8053

int cmd_web(const char *name, int argc, char **argv)
{
	unsigned port = WEB_PORT;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
			char *end;
			long p = strtol(argv[++i], &end, 10);
			if (*end || p < 1 || p > 65535)
				return die("web: \"%s\" is not a port", argv[i]);
			port = (unsigned)p;
		} else {
			return verb_usage("web");
		}
	}
	if (!need_root())
		return 1;
	char sim[TOPO_NAME_MAX + 1];
	if (pick_sim(name, sim, sizeof sim))
		return 1;
	/* A sim of plain hosts has a monitor with nothing to report. */
	char *status = monitor_call(sim, "status");
	if (status == NULL)
		return die("sim %s is not running (its monitor does not answer)", sim);
	free(status);
	char assets[PATH_MAX], tutorials[PATH_MAX], probe[PATH_MAX + 16];
	shipped_path("web", assets, sizeof assets);
	shipped_path("tutorials", tutorials, sizeof tutorials);
	snprintf(probe, sizeof probe, "%s/index.html", assets);
	if (access(probe, R_OK) != 0)
		return die("cannot find the page's files (web/index.html beside the program)");
	topo t;
	if (load_running_topology(sim, &t))
		return 1;
	/* A browser that goes away mid-write must not end the server. */
	signal(SIGPIPE, SIG_IGN);
	cli_catch_interrupts();
	web_config c = { .sim = sim, .t = &t, .assets = assets, .tutorials = tutorials,
			 .port = port, .out = stdout };
	int rc = web_run(&c, &cli_interrupted);
	topo_free(&t);
	return rc;
}
