/* Incremental zone transfer (RFC 1995): a zone's changes as deltas (the
 * records one version took out and put in), found by comparing two
 * versions, applied to the older one, kept in a bounded journal, and
 * written to and read from the record sequence of an IXFR response:
 *
 *   SOA(new)  SOA(v1) deleted...  SOA(v2) added...  SOA(v2) ...  SOA(new)
 *
 * A response may also hold the whole zone (SOA, records, SOA: the AXFR
 * form, RFC 1995 4) or a single SOA (the client is up to date). */
#ifndef DNSIM_DNS_IXFR_H
#define DNSIM_DNS_IXFR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/zonedata.h"

/* One change: serial `from` to serial `to`.  `del` holds the old SOA and
 * the records taken out, `add` the new SOA and the records put in (each
 * a record list: dns_zonedata used as an owned container, not finished). */
typedef struct dns_delta {
	uint32_t from, to;
	dns_zonedata del, add;
} dns_delta;

void dns_delta_init(dns_delta *d, const uint8_t *origin);
void dns_delta_free(dns_delta *d);

/* The delta from `old` to `new` (both finished, so in canonical order):
 * records in one and not the other, a record whose TTL changed counting
 * as taken out and put in.  DNS_E_FORMAT when either has no SOA,
 * DNS_E_NOMEM. */
dns_err dns_zone_diff(const dns_zonedata *old, const dns_zonedata *new, dns_delta *d);

/* Whether a delta changes nothing but the SOA. */
bool dns_delta_empty(const dns_delta *d);

/* `out` (initialised by the caller with old's origin) = `old` with the
 * delta applied, finished and checked.  Returns the number of errors:
 * a record to delete that is not there (msg says which), the delta's
 * `from` not old's serial, or the checks of the result (to diag). */
unsigned dns_zone_apply(const dns_zonedata *old, const dns_delta *d, dns_zonedata *out,
			void (*diag)(void *ctx, const dns_diag *d), void *ctx, char *msg,
			size_t msgsz);

/* The SOA serial of a record list (the first SOA in it); false when it
 * has none. */
bool dns_records_serial(const dns_zonedata *z, uint32_t *serial);

/* ---- the journal ---------------------------------------------------------- */

/* The last `max` deltas of a zone, each starting where the one before
 * ended. */
typedef struct dns_journal {
	dns_delta *d;
	size_t n, max;
} dns_journal;

void dns_journal_init(dns_journal *j, size_t max);
void dns_journal_free(dns_journal *j);

/* Keep *d (moved in: *d is left empty).  A delta that does not start
 * where the last one ended empties the journal first; beyond max the
 * oldest goes.  A delta that keeps the serial is not kept: when it
 * changes nothing it is dropped, when it changes data the journal is
 * emptied (no IXFR can reach that version).  false when out of memory (the journal is then empty). */
bool dns_journal_add(dns_journal *j, dns_delta *d);

/* The index of the delta that starts at serial `from`: the deltas from
 * there to the last one bring a client from `from` to the latest
 * version.  -1 when the journal does not reach back that far. */
long dns_journal_find(const dns_journal *j, uint32_t from);

/* ---- IXFR responses ------------------------------------------------------- */

typedef void (*dns_rr_emit_fn)(void *ctx, const dns_rr *rr);

/* The records of an IXFR response carrying deltas d[0..n) (consecutive),
 * `soa` the current SOA record: emitted one by one, in order. */
void dns_ixfr_emit(const dns_delta *d, size_t n, const dns_rr *soa, dns_rr_emit_fn emit,
		   void *ctx);

typedef enum dns_ixfr_kind {
	DNS_IXFR_UPTODATE,        /* one SOA: nothing newer than the client's */
	DNS_IXFR_FULL,            /* the whole zone (AXFR form) */
	DNS_IXFR_DELTAS,          /* changes, in order */
} dns_ixfr_kind;

typedef struct dns_ixfr {
	dns_ixfr_kind kind;
	uint32_t serial;          /* the server's current serial */
	/* FULL: the zone's records are rrs[0..nfull) of what was read (the
	 * closing SOA left out). */
	size_t nfull;
	dns_delta *deltas;        /* DELTAS */
	size_t ndeltas;
} dns_ixfr;

/* Read the records of an IXFR (or AXFR) response, in the order they
 * came (`rrs`, n of them; the client's serial `ours`).  DNS_E_FORMAT
 * when the sequence is not one of the three forms, or its deltas do not
 * start at `ours` and follow one another to the final SOA; DNS_E_NOMEM.
 * `origin` names the deltas' zone. */
dns_err dns_ixfr_read(const dns_rr *rrs, size_t n, const uint8_t *origin, uint32_t ours,
		      dns_ixfr *out);
void dns_ixfr_free(dns_ixfr *x);

/* Where a transfer's record stream stands, fed one record at a time:
 * whole once it ends with the SOA it began with (AXFR form), or with
 * the last delta's new SOA and the closing SOA (IXFR).  An IXFR answer
 * of a single SOA no newer than the client's is whole when the message
 * that brought it ends (dns_xfr_message_end). */
typedef struct dns_xfr_track {
	size_t seen;
	uint32_t first;           /* the serial of the first SOA */
	uint32_t last;            /* IXFR: the new serial of the delta being read */
	int phase;                /* see ixfr.c */
	bool done;
	bool error;               /* records after the end, or no SOA first */
} dns_xfr_track;

void dns_xfr_track_init(dns_xfr_track *t);
void dns_xfr_track_rr(dns_xfr_track *t, const dns_rr *rr);
/* A message has ended: an IXFR's lone SOA not newer than `ours` is the
 * whole answer. */
void dns_xfr_message_end(dns_xfr_track *t, bool ixfr, uint32_t ours);

#endif
