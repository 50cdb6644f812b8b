/* gen: topologies made from public data (the real root zone). */
#include "sim/cli.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/readfile.h"
#include "io/writefile.h"
#include "topo/realroot.h"

#define REALROOT_TEMPLATES "zones/realroot"

/* The [sim] zones folder as the topology at `out` should name it: the
 * shipped templates, relative when `out` sits in the tree's topologies/
 * (so the file works from any checkout), else absolute. */
static int zones_folder(const char *out, char *dir, size_t n)
{
	char shipped[PATH_MAX], templates[PATH_MAX];
	shipped_path(REALROOT_TEMPLATES "/tld.zone", shipped, sizeof shipped);
	if (realpath(shipped, templates) == NULL)
		return die("cannot find the zone templates (%s): %s", shipped, strerror(errno));
	*strrchr(templates, '/') = '\0';
	if (out) {
		char copy[PATH_MAX], outdir[PATH_MAX], rel[PATH_MAX + 32], relreal[PATH_MAX];
		snprintf(copy, sizeof copy, "%s", out);
		if (realpath(dirname(copy), outdir) == NULL)
			return die("%s: %s", out, strerror(errno));
		snprintf(rel, sizeof rel, "%s/../" REALROOT_TEMPLATES, outdir);
		if (realpath(rel, relreal) && strcmp(relreal, templates) == 0) {
			snprintf(dir, n, "../" REALROOT_TEMPLATES);
			return 0;
		}
	}
	snprintf(dir, n, "%s", templates);
	return 0;
}

static int gen_root(const char *name, int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
	realroot_opts o = { .name = name };
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			out = argv[++i];
		else if (strcmp(argv[i], "--sample") == 0 && i + 1 < argc) {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(argv[++i], &end, 10);
			if (*end || end == argv[i] || errno || v == 0 || argv[i][0] == '-')
				return die("--sample %s: a number of nameserver hosts (1 or more)",
					   argv[i]);
			o.sample = (size_t)v;
		} else if (in == NULL && argv[i][0] != '-')
			in = argv[i];
		else
			return verb_usage("gen");
	}
	if (in == NULL)
		return verb_usage("gen");
	if (name && !topo_name_ok(name))
		return die("\"%s\" is not a sim name: use at most %d letters, digits and '-'",
			   name, TOPO_NAME_MAX);
	char dir[PATH_MAX];
	if (zones_folder(out, dir, sizeof dir))
		return 1;
	o.zones_dir = dir;
	char *text;
	size_t len;
	int e = io_read_file(NULL, in, &text, &len);
	if (e)
		return die("%s: %s", in, strerror(e));
	char err[256];
	realroot_stats st;
	char *toml = realroot_generate(text, len, &o, &st, err, sizeof err);
	free(text);
	if (toml == NULL)
		return die("%s: %s", in, err);
	int rc = 0;
	if (out) {
		if ((e = io_write_file(out, toml)) < 0)
			rc = die("cannot write %s: %s", out, strerror(-e));
	} else if (fputs(toml, stdout) == EOF) {
		rc = die("cannot write the topology: %s", strerror(errno));
	}
	free(toml);
	if (rc == 0)
		fprintf(stderr, "sim gen root: %zu TLDs, %zu nameserver hosts, %zu nodes on %zu "
			"networks%s%s\n", st.tlds, st.hosts, st.nodes, st.networks,
			out ? " -> " : "", out ? out : "");
	return rc;
}

int cmd_gen(const char *name, int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "root") == 0)
		return gen_root(name, argc - 1, argv + 1);
	return verb_usage("gen");
}
