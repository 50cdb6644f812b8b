/* Link impairments: the distance and trouble a node's attachment to a
 * network adds (delay, jitter, loss, rate), as a topology writes them
 * and `sim link set` changes them.  Values are read in the units tc(8)
 * uses, so that what works on a tc command line works here:
 *   time:  us, usec, usecs; ms, msec, msecs; s, sec, secs   ("20ms", "1.5ms")
 *   loss:  a percentage                                      ("1%", "0.25%")
 *   rate:  bit, kbit, mbit, gbit, tbit (SI, bits per second),
 *          kibit, mibit, gibit, tibit (IEC), and bps, kbps, mbps, gbps,
 *          tbps, kibps... in BYTES per second, as tc counts them
 *                                                            ("10mbit")
 * Units are case-insensitive as in tc; "0" needs none.  Pure functions:
 * no I/O, errors as messages for the caller to place. */
#ifndef DNSIM_TOPO_IMPAIR_H
#define DNSIM_TOPO_IMPAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "topo/topo.h"

#define IMPAIR_DELAY  1u
#define IMPAIR_JITTER 2u
#define IMPAIR_LOSS   4u
#define IMPAIR_RATE   8u

#define IMPAIR_TIME_MAX_US 60000000ULL       /* 60 s: beyond any real path */
#define IMPAIR_RATE_MAX_BPS 100000000000ULL  /* 100 gbit */
#define IMPAIR_LOSS_MAX_PPM 1000000u         /* 100% */

/* The four keys, NULL-terminated, in the order they are written out. */
extern const char *const impair_keys[];

/* Text to value; false with a message in err ("negative delay", "unknown
 * unit \"mz\" ...") when the text is not a value of that kind. */
bool impair_parse_time(const char *text, uint64_t *us, char *err, size_t errsz);
bool impair_parse_loss(const char *text, uint32_t *ppm, char *err, size_t errsz);
bool impair_parse_rate(const char *text, uint64_t *bps, char *err, size_t errsz);

/* Set the field `key` (one of impair_keys) of im from text, and mark it
 * given.  false with a message when the key is unknown or the value bad
 * (im unchanged then). */
bool impair_set(topo_impair *im, const char *key, const char *text, char *err,
		size_t errsz);

/* The fields `over` gives replace those of base. */
void impair_overlay(topo_impair *base, const topo_impair *over);

/* Does it change anything on the wire? */
bool impair_active(const topo_impair *im);

/* Jitter at most the delay (a packet cannot leave before it came):
 * false with a message otherwise. */
bool impair_consistent(const topo_impair *im, char *err, size_t errsz);

/* Values back to text in tc's units, the shortest exact form: "20ms",
 * "1500us" -> "1.5ms", "0"; "1%", "0.25%"; "10mbit", "64kbit". */
void impair_format_time(uint64_t us, char *out, size_t n);
void impair_format_loss(uint32_t ppm, char *out, size_t n);
void impair_format_rate(uint64_t bps, char *out, size_t n);

/* "delay=20ms jitter=5ms loss=1% rate=10mbit", only the non-zero ones;
 * "none" when nothing is impaired.  The same form `link set` reads. */
void impair_describe(const topo_impair *im, char *out, size_t n);

/* What node n's attachment to network `net` gets: the network's
 * defaults, then the node's own `links` values over them. */
topo_impair topo_link_impair(const topo *t, const topo_node *n, size_t net);

#endif
