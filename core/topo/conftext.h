/* A growing text buffer for the config files the renderers write, and
 * the bits of the model every program's config needs in some syntax:
 * addresses, prefixes, the names of blocked domains.  Pure. */
#ifndef DNSIM_TOPO_CONFTEXT_H
#define DNSIM_TOPO_CONFTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "topo/topo.h"

typedef struct conftext {
	char *s;
	size_t len, cap;
	bool oom;
} conftext;

/* Append printf-style; once out of memory, every later call does nothing. */
void ct_add(conftext *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The text (malloc'd, the caller's), or NULL with "out of memory" in err. */
char *ct_finish(conftext *b, char *err, size_t errsz);

/* A prefix as text: "198.51.100.0/24". */
void ct_prefix(const net_prefix *p, char *out, size_t n);

/* The client prefixes a resolver node answers, as text, one call each:
 * loopback, its own addresses, then its allow list -- or, without one,
 * every network of the sim (never beyond it). */
typedef void (*ct_prefix_fn)(void *ctx, const char *prefix);
void ct_resolver_clients(const topo *t, const topo_node *n, ct_prefix_fn each, void *ctx);

/* A blocked name as written, without its final dot ("ads.example.net"),
 * lower-cased, into out; false when it does not fit or is empty. */
bool ct_block_name(const char *written, char *out, size_t n);

#endif
