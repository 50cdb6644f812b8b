/* Zone transfers out over TCP: AXFR (RFC 5936: the SOA, every record,
 * the SOA again) and IXFR (RFC 1995: the changes from the client's
 * serial, from the zone's journal), in as many messages as it takes,
 * each signed when the request was (RFC 8945 5.3.1). */
#ifndef DNSIM_AUTH_AXFR_H
#define DNSIM_AUTH_AXFR_H

#include <stddef.h>
#include <stdint.h>

#include "auth/zonedb.h"
#include "dns/ixfr.h"
#include "dnssec/tsig.h"

typedef void (*axfr_emit_fn)(void *ctx, const uint8_t *msg, size_t len);

/* How a transfer's messages go out: to emit, signed by `sign` (NULL:
 * unsigned) at time `now`. */
typedef struct xfr_out {
	axfr_emit_fn emit;
	void *ctx;
	tsig_stream *sign;
	uint64_t now;
} xfr_out;

/* Build the transfer of `db` answering `query`; emit each message.
 * Returns the total octets emitted. */
size_t axfr_stream(const zonedb *db, const uint8_t *query, size_t qlen, const xfr_out *out);

/* An IXFR answer: the deltas d[0..n) (consecutive, ending at db's
 * serial), or with n == 0 the current SOA alone (the client is up to
 * date). */
size_t ixfr_stream(const zonedb *db, const dns_delta *d, size_t n, const uint8_t *query,
		   size_t qlen, const xfr_out *out);

/* REFUSED for a client not allowed to transfer. */
size_t axfr_refuse(const uint8_t *query, size_t qlen, uint8_t *out,
		   size_t outcap);

#endif
