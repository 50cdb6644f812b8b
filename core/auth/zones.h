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

#endif
