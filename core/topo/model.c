/* Making the model: parse, route, load zones -- each once. */
#include "topo/model.h"

#include <stdio.h>
#include <string.h>

#include "topo/reverse.h"

bool topo_model_from(topo_model *m, topo *t, topo_read_fn read_file, void *ctx,
		     char *err, size_t errsz)
{
	memset(m, 0, sizeof *m);
	m->t = *t;
	memset(t, 0, sizeof *t);
	if (!routes_compute(&m->t, &m->r)) {
		snprintf(err, errsz, "%s: out of memory computing routes", m->t.path);
		topo_free(&m->t);
		return false;
	}
	/* The reverse zones join the nodes' zones before any zone loads:
	 * the loaded zones point at their nodes' entries. */
	if (!reverse_derive(&m->t)) {
		snprintf(err, errsz, "%s: out of memory deriving reverse zones", m->t.path);
		routes_free(&m->r);
		topo_free(&m->t);
		return false;
	}
	m->zones = topo_zones_load(&m->t, read_file, ctx);
	if (m->zones == NULL) {
		snprintf(err, errsz, "%s: out of memory loading zones", m->t.path);
		routes_free(&m->r);
		topo_free(&m->t);
		return false;
	}
	return true;
}

bool topo_model_load(topo_model *m, const char *path, topo_read_fn read_file, void *ctx,
		     char *err, size_t errsz)
{
	topo t;
	memset(m, 0, sizeof *m);
	if (!topo_load(&t, path, read_file, ctx, err, errsz)) {
		topo_free(&t);
		return false;
	}
	return topo_model_from(m, &t, read_file, ctx, err, errsz);
}

void topo_model_free(topo_model *m)
{
	topo_zones_free(m->zones);
	routes_free(&m->r);
	topo_free(&m->t);
	memset(m, 0, sizeof *m);
}
