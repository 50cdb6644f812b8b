/* RFC 1035 section 5 master files ("zone files"), read the way BIND, NSD
 * and Knot read them: $ORIGIN, $TTL, $INCLUDE, @, relative names, a blank
 * owner repeating the previous one, parentheses across lines, comments,
 * quoted strings with escapes, TTL and class in either order, TTL units.
 *
 * The reader is pure: files come in through a callback (core/io has the
 * one that reads the disk), records go out through another, and every
 * problem through a third, with file, line and column. */
#ifndef DNSIM_DNS_MASTER_H
#define DNSIM_DNS_MASTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/msg.h"

enum dns_severity { DNS_WARNING, DNS_ERROR };

typedef struct dns_diag {
	enum dns_severity severity;
	const char *file;
	unsigned line, col;     /* 0 when the problem has no one place */
	char msg[384];
} dns_diag;

typedef struct dns_master_ops {
	/* Read a whole file into *data (malloc'd, the caller frees).
	 * Returns 0 or an errno value. */
	int (*read_file)(void *ctx, const char *path, char **data, size_t *len);
	/* One record: owner absolute, RDATA uncompressed.  The pointers are
	 * valid during the call only.  false stops the reading. */
	bool (*record)(void *ctx, const dns_rr *rr, const char *file,
		       unsigned line);
	void (*diag)(void *ctx, const dns_diag *d);
	void *ctx;
} dns_master_ops;

/* Read the master file at `path` for zone class `rclass`, starting with
 * `origin` as $ORIGIN.  Returns the number of errors (0: all read). */
unsigned dns_master_read(const char *path, const uint8_t *origin,
			 uint16_t rclass, const dns_master_ops *ops);

/* The same from text in memory; `name` is used in messages and to place
 * $INCLUDE paths. */
unsigned dns_master_read_text(const char *name, const char *text, size_t len,
			      const uint8_t *origin, uint16_t rclass,
			      const dns_master_ops *ops);

/* One record in master-file form ("www 300 IN A 192.0.2.1"), for tools
 * that edit zones or describe messages.  Relative names use `origin`;
 * the record's class must be `rclass` when it names one; without a TTL
 * the record gets `default_ttl`.  Owner and RDATA are written into buf. */
dns_err dns_master_parse_rr(const char *text, const uint8_t *origin,
			    uint16_t rclass, uint32_t default_ttl, uint8_t *buf,
			    size_t cap, dns_rr *out, char *err, size_t errsz);

#endif
