/* Other programs in the sim's nodes: each one's files and command line,
 * rendered from the same model as ours (one renderer per program, in
 * render_PROGRAM.c).  Every program runs in the foreground, as root,
 * with its state (pid file, databases, control socket) in the node's run
 * folder, logging to stderr (the node's log), listening on the node's
 * addresses (and anycast addresses) only.  Pure: text in, text out; runtime/service.c writes the
 * files and starts the command. */
#ifndef DNSIM_TOPO_RENDER_PEER_H
#define DNSIM_TOPO_RENDER_PEER_H

#include <stdbool.h>
#include <stddef.h>

#include "topo/topo.h"

typedef struct peer_conf {
	const char *dir;                 /* the node's run folder */
	const char *const *zone_paths;   /* auth: the file of each n->zones[k] */
	const char *hints;               /* resolvers: the root hints file */
	const char *secret;              /* BIND: the control key (base64) */
} peer_conf;

#define PEER_FILES_MAX 4
#define PEER_ARGS_MAX 8

/* What a node's program is given: files to write into the run folder
 * (the first is its config) and the words of its command line. */
typedef struct peer_files {
	size_t nfiles;
	struct {
		char name[32];           /* in the run folder: "nsd.conf" */
		char *text;
	} file[PEER_FILES_MAX];
	size_t argc;
	char *argv[PEER_ARGS_MAX + 1];   /* NULL-terminated */
} peer_files;

/* Render node n's program (n->software, not ours) for its role.  false
 * with a message in err; out is then empty. */
bool render_peer(const topo *t, const topo_node *n, const peer_conf *c, peer_files *out,
		 char *err, size_t errsz);
void peer_files_free(peer_files *f);

/* The renderers, one per program (render_peer picks). */
bool render_nsd(const topo *t, const topo_node *n, const peer_conf *c, peer_files *out,
		char *err, size_t errsz);
bool render_knot(const topo *t, const topo_node *n, const peer_conf *c, peer_files *out,
		 char *err, size_t errsz);
bool render_bind(const topo *t, const topo_node *n, const peer_conf *c, peer_files *out,
		 char *err, size_t errsz);
bool render_powerdns(const topo *t, const topo_node *n, const peer_conf *c,
		     peer_files *out, char *err, size_t errsz);
bool render_unbound(const topo *t, const topo_node *n, const peer_conf *c, peer_files *out,
		    char *err, size_t errsz);
bool render_kresd(const topo *t, const topo_node *n, const peer_conf *c, peer_files *out,
		  char *err, size_t errsz);
bool render_pdns_recursor(const topo *t, const topo_node *n, const peer_conf *c,
			  peer_files *out, char *err, size_t errsz);

/* The addresses a node's program listens on: the node's own, then the
 * anycast addresses it shares with its other instances. */
size_t peer_nlisten(const topo_node *n);
const topo_addr *peer_listen(const topo_node *n, size_t i);

/* For the renderers: add a file (text taken over; NULL: out of memory)
 * and command-line words; false when out of memory or full. */
bool peer_add_file(peer_files *f, const char *name, char *text, char *err, size_t errsz);
bool peer_add_args(peer_files *f, char *err, size_t errsz, ...) __attribute__((sentinel));

/* The response-policy zone of a resolver's blocklist (BIND, the
 * PowerDNS Recursor): NXDOMAIN for each blocked name and the names below
 * it, or the sinkhole address for A/AAAA when the node has one. */
char *render_rpz(const topo_node *n, char *err, size_t errsz);

/* The name of the response-policy zone above. */
#define PEER_RPZ_ZONE "dnsim-block"

#endif
