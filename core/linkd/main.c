/* dnsim-linkd SIM [--ready-fd N]: the link relay of a sim (see
 * runtime/relay.h), the portable path of `link set` and of the link
 * keys of a topology where the kernel has no sch_netem.  The monitor
 * starts and restarts it; it enters the sim's switch namespace itself. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netns/netns.h"
#include "runtime/relay.h"
#include "topo/topo.h"

static int usage(void)
{
	fprintf(stderr, "usage: dnsim-linkd SIM [--ready-fd N]\n"
		"  carries the impaired links of sim SIM (its table: /run/dnsim/SIM/links)\n"
		"  between their ports in the sim's switch namespace; the monitor runs it\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *sim = NULL;
	int ready_fd = -1;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--ready-fd") == 0 && i + 1 < argc) {
			char *end;
			long fd = strtol(argv[++i], &end, 10);
			if (*end || fd < 0 || fd > 65535)
				return usage();
			ready_fd = (int)fd;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage();
			return 0;
		} else if (sim == NULL && argv[i][0] != '-') {
			sim = argv[i];
		} else {
			return usage();
		}
	}
	if (sim == NULL || !topo_name_ok(sim))
		return usage();
	char sw[128];
	const char *what = "";
	netns_switch_name(sw, sizeof sw, sim);
	int rc = netns_enter(sw, &what);
	if (rc < 0) {
		fprintf(stderr, "dnsim-linkd: cannot %s (%s): %s\n", what, sw, strerror(-rc));
		return 1;
	}
	return relay_run(sim, ready_fd);
}
