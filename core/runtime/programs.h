/* Other programs in a running sim's nodes (topo/software.h), from the
 * outside: whether they are installed, which one a node runs, and the
 * verbs done through each program's own tools -- reloading a zone,
 * reading counters, dumping and flushing a cache.  The files and command
 * lines they start with are topo/render_peer.h's. */
#ifndef DNSIM_RUNTIME_PROGRAMS_H
#define DNSIM_RUNTIME_PROGRAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "topo/topo.h"

/* The full path of an installed program, searched in PATH and the usual
 * bin and sbin folders (or only in the folders of DNSIM_PROGRAM_PATH when
 * it is set); false when it is not installed. */
bool programs_find(const char *name, char *out, size_t n);

/* Every program the topology's nodes run that is not installed here
 * (the server, its control tool, PowerDNS's bind backend): one line
 * each to `report`, naming the nodes and the package to install.
 * Returns the number of problems. */
unsigned programs_missing(const topo *t, topo_report_fn report, void *ctx);

/* A control key for BIND's rndc: 32 random octets in base64.  0 or -1. */
int programs_secret(char *out, size_t n);

/* The questions the monitor asks node n's server to see it is ready:
 * ones its program answers without asking anyone else (ours: CH TXT
 * stats.dnsim; other authoritative servers: the SOA of each zone they
 * serve, in turn, authoritatively -- a program still loading one zone
 * must not be called ready; other resolvers: localhost A, which each
 * answers itself).  programs_probe_count says how many; question k of
 * them: qname gets the name in wire form (at most 256 octets), *want_aa
 * whether only an authoritative answer will do. */
size_t programs_probe_count(const topo_node *n);
void programs_probe_question(const topo_node *n, size_t k, uint8_t *qname, uint16_t *qtype,
			     uint16_t *qclass, bool *want_aa);

/* The program node runs in sim (recorded in its run folder when it was
 * started); SW_DNSIM for ours and for nodes without one. */
topo_software programs_of_node(const char *sim, const char *node);

/* Reload the zone `origin` (text, "example.com.") on node's server after
 * its file changed.  0, or -1 with why in err. */
int programs_reload(const char *sim, const char *node, topo_software sw, const char *origin,
		    char *err, size_t errsz);

/* One counter as the verbs show it, in the keys our servers use where
 * the program has the same (queries, rcode.NOERROR, qtype.A, cache.hits,
 * cache.misses, cache.entries) and in the program's own words beside. */
typedef struct prog_stat {
	char key[80];
	unsigned long long value;
} prog_stat;

/* Node's counters from its program (malloc'd array in *out).  Returns
 * their number, 0 when the program has none to give (*why says so), or
 * -1 with why (it did not answer). */
int programs_stats(const char *sim, const char *node, topo_software sw, prog_stat **out,
		   char *why, size_t whysz);

/* `cache NODE dump|flush [NAME]` through the program's own tool: the
 * text to show (malloc'd) in *out.  0, 1 when the program cannot do it
 * (*out says why), or -1 with why in *out (it failed). */
int programs_cache(const char *sim, const char *node, topo_software sw, const char *op,
		   const char *name, char **out);

#endif
