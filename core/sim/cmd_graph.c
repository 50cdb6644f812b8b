/* `sim graph [FILE] [--delegations] [-o OUT]`: the topology (or its zone
 * tree) as Graphviz DOT, rendered to SVG or PNG by `dot` when OUT says
 * so.  FILE defaults to the running sim's topology, else the default
 * internet. */
#include "sim/cli.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "draw/graph.h"
#include "io/readfile.h"
#include "netns/state.h"

/* The topology a running sim was built from, if one is up. */
static const char *running_topology(const char *name, char *out, size_t n)
{
	char sim[TOPO_NAME_MAX + 1], path[512], *text;
	size_t len;
	char **names;
	int count = state_list(&names);
	for (int i = 0; i < count; i++)
		free(names[i]);
	if (count > 0)
		free(names);
	if (count <= 0 && name == NULL)
		return NULL;
	if (pick_sim(name, sim, sizeof sim))
		return NULL;
	state_path(path, sizeof path, sim, "topology");
	if (io_read_file(NULL, path, &text, &len) != 0)
		return NULL;
	snprintf(out, n, "%.*s", (int)strcspn(text, "\n"), text);
	free(text);
	return out;
}

int cmd_graph(const char *name, int argc, char **argv)
{
	const char *file = NULL, *outfile = NULL;
	bool zones = false;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--delegations") == 0)
			zones = true;
		else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			outfile = argv[++i];
		else if (file == NULL && argv[i][0] != '-')
			file = argv[i];
		else
			return verb_usage("graph");
	}
	char path[PATH_MAX], def[PATH_MAX], sim[TOPO_NAME_MAX + 1];
	bool running = file == NULL && (file = running_topology(name, path, sizeof path)) != NULL;
	if (file == NULL)
		file = default_topology(def, sizeof def);
	topo t;
	char err[1024];
	if (!topo_load(&t, file, io_read_file, NULL, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		topo_free(&t);
		return 1;
	}
	const char *ext = outfile ? strrchr(outfile, '.') : NULL;
	const char *format = ext && (strcmp(ext, ".svg") == 0 || strcmp(ext, ".png") == 0)
		? ext + 1 : NULL;
	FILE *f = stdout;
	pid_t dot = -1;
	if (format) {
		if (access("/usr/bin/dot", X_OK) != 0) {
			topo_free(&t);
			return die("Graphviz's dot is missing (sudo make deps): write %s.dot instead, "
				   "or no -o for DOT on stdout", outfile);
		}
		int p[2];
		if (pipe(p) < 0 || (dot = fork()) < 0) {
			topo_free(&t);
			return die("cannot start dot: %s", strerror(errno));
		}
		if (dot == 0) {
			close(p[1]);
			dup2(p[0], 0);
			close(p[0]);
			char fmt[16];
			snprintf(fmt, sizeof fmt, "-T%s", format);
			execl("/usr/bin/dot", "dot", fmt, "-o", outfile, (char *)NULL);
			_exit(127);
		}
		close(p[0]);
		f = fdopen(p[1], "w");
	} else if (outfile) {
		f = fopen(outfile, "w");
	}
	if (f == NULL) {
		topo_free(&t);
		return die("%s: %s", outfile, strerror(errno));
	}
	if (zones)
		graph_delegation_tree(f, &t);
	else {
		/* A running sim's map shows the links in force now. */
		link_table live;
		bool have = running && pick_sim(name, sim, sizeof sim) == 0 &&
			    links_read(sim, &live) == 0;
		graph_network_map(f, &t, have ? &live : NULL);
		if (have)
			links_free(&live);
	}
	int rc = ferror(f) ? 1 : 0;
	if (f != stdout)
		fclose(f);
	if (dot > 0) {
		int status;
		waitpid(dot, &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			rc = die("dot could not draw %s", outfile);
	}
	topo_free(&t);
	return rc;
}
