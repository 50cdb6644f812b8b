/* A topology with everything derived from it that `up`, `check` and the
 * verbs need: the parsed file, its routes and its zones, each made once.
 * The builder, the monitor and the renderers all read this one model. */
#ifndef DNSIM_TOPO_MODEL_H
#define DNSIM_TOPO_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "topo/routes.h"
#include "topo/topo.h"
#include "topo/zones.h"

typedef struct topo_model {
	topo t;
	routes r;
	topo_zones *zones;
} topo_model;

/* Parse the topology at `path`, compute its routes and load its zones,
 * every file read through read_file.  false with "FILE:LINE:COL:
 * message" (or what failed) in err; m is then empty and needs no free. */
bool topo_model_load(topo_model *m, const char *path, topo_read_fn read_file, void *ctx,
		     char *err, size_t errsz);

/* The same from a parsed topology (taken over: freed with the model). */
bool topo_model_from(topo_model *m, topo *t, topo_read_fn read_file, void *ctx,
		     char *err, size_t errsz);

void topo_model_free(topo_model *m);

/* Validate the model (names, addresses, prefixes, resolvers, zones,
 * delegations, reachability).  Every problem goes to `report` as one
 * line; returns the number of errors. */
unsigned topo_check(const topo_model *m, topo_report_fn report, void *ctx);

#endif
