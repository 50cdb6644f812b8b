/* Zone transfer (AXFR, RFC 5936) over TCP: the SOA, every record, and
 * the SOA again, in as many messages as it takes. */
#ifndef DNSIM_AUTH_AXFR_H
#define DNSIM_AUTH_AXFR_H

#include <stddef.h>
#include <stdint.h>

#include "auth/zonedb.h"

typedef void (*axfr_emit_fn)(void *ctx, const uint8_t *msg, size_t len);

/* Build the transfer of `db` answering `query`; emit each message.
 * Returns the total octets emitted. */
size_t axfr_stream(const zonedb *db, const uint8_t *query, size_t qlen,
		   axfr_emit_fn emit, void *ctx);

/* REFUSED for a client not allowed to transfer. */
size_t axfr_refuse(const uint8_t *query, size_t qlen, uint8_t *out,
		   size_t outcap);

#endif
