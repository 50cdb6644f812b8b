/* A secondary's side of a zone transfer: ask a primary for its SOA (UDP)
 * and, when it is newer, for the changes (IXFR, RFC 1995) or the whole
 * zone (AXFR, RFC 5936) over TCP, every message checked against the
 * zone's TSIG key when it has one.  Each refresh runs in a thread of its
 * own with blocking sockets and timeouts, so that the server keeps
 * answering meanwhile; the thread only talks to the network and hands
 * back the records it read, which the server applies. */
#ifndef DNSIM_AUTH_XFRIN_H
#define DNSIM_AUTH_XFRIN_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "dns/zonedata.h"
#include "dnssec/tsig.h"
#include "io/addr.h"

#define XFRIN_PRIMARIES_MAX 8

typedef struct xfrin_primary {
	net_addr addr;
	bool has_key;
	tsig_key key;
} xfrin_primary;

typedef enum xfrin_result {
	XFRIN_FAILED,         /* no primary answered usefully: msg says why */
	XFRIN_UPTODATE,       /* the primary's serial is not newer */
	XFRIN_RECORDS,        /* records read: an IXFR or AXFR answer */
} xfrin_result;

typedef struct xfrin_job {
	/* In: the zone, its primaries in order, what the secondary has. */
	dns_name origin;
	xfrin_primary primaries[XFRIN_PRIMARIES_MAX];
	size_t nprimaries;
	bool have_data;
	uint8_t soa[DNS_NAME_MAXLEN * 2 + 20];   /* our SOA's RDATA, for IXFR */
	uint16_t soalen;
	uint32_t serial;
	bool axfr_only;       /* IXFR failed to apply: ask for the whole zone */

	/* Out, once `done`. */
	xfrin_result result;
	bool ixfr;            /* the records answer an IXFR query */
	dns_zonedata records; /* in the order they came, not finished */
	uint32_t primary_serial;
	char from[80];        /* the primary that answered */
	char msg[600];
	size_t messages;      /* TCP messages read */

	/* The thread. */
	pthread_t thread;
	int wake_fd;          /* an eventfd written when the thread is done */
	atomic_bool done;
} xfrin_job;

/* Start the job's thread (its inputs filled in, records initialised by
 * this call); false when no thread could be made. */
bool xfrin_start(xfrin_job *j, int wake_fd);

/* Wait for the thread (after `done`), leaving the results in j. */
void xfrin_join(xfrin_job *j);

/* Free what the job holds (records). */
void xfrin_free(xfrin_job *j);

#endif
