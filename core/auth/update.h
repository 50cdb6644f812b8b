/* Dynamic UPDATE (RFC 2136) of a zone's data: the prerequisites checked,
 * the updates applied in order, the serial bumped (RFC 1982), the result
 * checked as a loaded zone is.  No sockets, no keys: the server checks
 * who may update (TSIG) and swaps the zone in; this is unit-tested alone. */
#ifndef DNSIM_AUTH_UPDATE_H
#define DNSIM_AUTH_UPDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "dns/msg.h"
#include "dns/zonedata.h"

/* Apply the UPDATE message `m` (parsed; its zone section already known
 * to name `zone`'s origin) to `zone` (finished).  Returns the rcode for
 * the response: NOERROR with *changed telling whether `out` (initialised
 * here, with zone's origin; free it whatever the result) holds a new
 * version, or FORMERR, NOTZONE, NXDOMAIN, YXDOMAIN, NXRRSET, YXRRSET
 * (RFC 2136 3.2 to 3.4) or REFUSED (the result would not load), with
 * what went wrong in msg. */
unsigned update_apply(const dns_zonedata *zone, const dns_msg *m, dns_zonedata *out,
		      bool *changed, char *msg, size_t msgsz);

#endif
