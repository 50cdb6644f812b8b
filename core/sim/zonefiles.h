/* The zones a running sim serves, as files: which file a server's config
 * names for a zone, replacing it with an edited one, and telling the
 * server (SIGHUP, or another program's own reload tool), then waiting
 * until it serves the new serial.  Shared by `zone` and `register`. */
#ifndef DNSIM_SIM_ZONEFILES_H
#define DNSIM_SIM_ZONEFILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/zonedata.h"
#include "topo/signing.h"
#include "topo/zoneedit.h"

/* The file node's dnsim-auth serves `origin` from (in `view`, or outside
 * views when NULL); malloc'd, or NULL when it serves no such zone. */
char *zonefiles_served(const char *sim, const char *node, const uint8_t *origin,
		       const char *view);

/* The pid of node's server, from the monitor; -1 when it has none. */
int zonefiles_server_pid(const char *sim, const char *node);

/* Load a zone file; every error goes to stderr as FILE:LINE. */
bool zonefiles_load(dns_zonedata *z, const uint8_t *origin, const char *path);

/* Every auth node of the sim that serves `origin` from the file `path`
 * (the servers that must change together); a malloc'd array of node
 * names, each malloc'd. */
size_t zonefiles_sharing(const char *sim, const uint8_t *origin, const char *path,
			 const char *view, char ***nodes);

/* Replace the zone file `path` (the sim's own copy) with text, reload
 * every server that serves it and wait until each serves `serial`.
 * Prints what it did; returns 0 or 1 (after a message). */
int zonefiles_commit(const char *sim, const uint8_t *origin, const char *view,
		     const char *path, const char *text, uint32_t serial);

/* Edit the zone the way one edits a real primary: a dynamic UPDATE
 * (RFC 2136), signed with the sim's key for the view, sent from inside
 * `node` to the zone's primary (the node itself, or its primary when it
 * is a secondary); the primary bumps the serial and NOTIFYs its
 * secondaries, which fetch the change by IXFR.  `add` is a record in
 * master-file form, `del` a selection "NAME [TYPE [RDATA]]" (one of them
 * NULL); `serial` what the zone's serial becomes.  Waits until the
 * primary, the servers sharing its file (reloaded) and its secondaries
 * serve the serial.  Returns 0 or 1 (after a message), or
 * ZONEFILES_NOT_DYNAMIC when the node's server takes no UPDATE for the
 * zone (the caller edits the file instead). */
#define ZONEFILES_NOT_DYNAMIC 2
int zonefiles_update(const char *sim, const char *node, const uint8_t *origin, const char *view,
		     const char *add, const char *del, uint32_t default_ttl, uint32_t serial);
/* One copy of a zone as the servers read it: a file, outside views
 * (view NULL) or in one. */
typedef struct zone_copy {
	char *path;
	char *view;
} zone_copy;

/* Every copy of zone `origin` the sim's servers read from a file, each
 * once (secondaries, which follow by transfer, left out; a zone with
 * views has a copy per view); malloc'd, *n of them. */
zone_copy *zonefiles_copies(const char *sim, const uint8_t *origin, size_t *n);
void zonefiles_copies_free(zone_copy *c, size_t n);

/* The closest zone above `origin` some server of the sim serves; false
 * when there is none. */
bool zonefiles_parent(const char *sim, const uint8_t *origin, dns_name *parent);

/* What re-signs an edit of zone `origin`: its keys from the sim's
 * keyring (kr, loaded by keys_load; no keys when the zone is not
 * signed) and signatures valid from now. */
void zonefiles_signer(const topo_keyring *kr, const uint8_t *origin, zoneedit_signer *s);

/* `out` (initialised here) is `in` with the RRset of `type` at `owner`
 * made exactly the records of `lines` (master-file lines; none: the
 * RRset removed), one record deleted or added at a time with
 * zoneedit_apply_signed (so a signed zone is signed again).  *changed
 * says whether anything differed (when not, out is a copy of nothing:
 * do not commit it).  The number of errors, with msg set when refused. */
unsigned zonefiles_set_rrset(const dns_zonedata *in, const uint8_t *owner, uint16_t type,
			     const char *const *lines, size_t n, uint32_t ttl,
			     const zoneedit_signer *signer, dns_zonedata *out, bool *changed,
			     char *msg, size_t msgsz);

/* Print diagnostics of a zone check to stderr ("error: ..."), counting
 * errors in *(unsigned *)ctx when ctx is not NULL. */
void zonefiles_print_diag(void *ctx, const dns_diag *d);

#endif
