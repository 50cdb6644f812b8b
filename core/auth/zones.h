/* Loading the zone files that a config names into servable zones. */
#ifndef DNSIM_AUTH_ZONES_H
#define DNSIM_AUTH_ZONES_H

#include <stddef.h>

#include "auth/answer.h"

/* Load and check one zone file and index it.  Warnings are logged; on
 * failure returns NULL with "FILE:LINE:COL: ..." (every error, one per
 * line) in err. */
auth_zone *auth_zone_load(const char *origin, const char *file, char *err,
			  size_t errsz);
void auth_zone_free(auth_zone *z);

/* A servable zone from records in memory (finished and checked), *zd
 * moved in (freed on failure too); file is where its copy lives.  NULL
 * with the reason in err. */
auth_zone *auth_zone_from_data(const uint8_t *origin, const char *file, struct dns_zonedata *zd,
			       char *err, size_t errsz);

/* A placeholder for a secondary zone with no data yet: SERVFAIL. */
auth_zone *auth_zone_unavailable(const char *origin, const char *file);

/* Write the zone's records to its file (a temporary, then rename), as a
 * master file a server or named-checkzone reads back; `header` (may be
 * NULL) a comment first.  0 or a negative errno. */
int auth_zone_save(const auth_zone *z, const char *header);

#endif
