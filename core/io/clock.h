/* The one clock the programs read for timeouts, backoff and deadlines:
 * monotonic milliseconds, never set back by the wall clock. */
#ifndef DNSIM_IO_CLOCK_H
#define DNSIM_IO_CLOCK_H

/* Milliseconds since an arbitrary start (CLOCK_MONOTONIC). */
long long clock_ms(void);

#endif
