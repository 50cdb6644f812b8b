/* The node list of a running sim. */
#include "netns/nodelist.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/readfile.h"
#include "io/writefile.h"
#include "netns/state.h"
#include "topo/anycast.h"
#include "topo/machines.h"

int nodelist_read(const char *sim, node_line **out, size_t *n)
{
	char path[512], *text;
	size_t len;
	*out = NULL;
	*n = 0;
	state_path(path, sizeof path, sim, "nodes.list");
	int e = io_read_file(NULL, path, &text, &len);
	if (e)
		return -e;
	size_t cap = 0;
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		if (*n == cap) {
			node_line *g = realloc(*out, (cap = cap ? cap * 2 : 64) * sizeof *g);
			if (g == NULL)
				break;
			*out = g;
		}
		node_line *nl = &(*out)[*n];
		int router = 0;
		memset(nl, 0, sizeof *nl);
		if (sscanf(l, "%32s %15s %d %511s", nl->name, nl->service, &router, nl->addrs) >= 3) {
			nl->router = router;
			(*n)++;
		}
	}
	free(text);
	return 0;
}

static void line_of(char *out, size_t n, const topo_node *tn)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t k = 0; k < tn->naddrs && used < n; k++)
		used += (size_t)snprintf(out + used, n - used, "%s%s", k ? "," : "",
					 tn->addrs[k].text);
}

int nodelist_write(const char *sim, const node_line *nodes, size_t n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (f == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s %s %d %s\n", nodes[i].name, nodes[i].service, nodes[i].router,
			nodes[i].addrs);
	if (fclose(f) != 0) {
		free(text);
		return -ENOMEM;
	}
	char path[512];
	state_path(path, sizeof path, sim, "nodes.list");
	int rc = io_write_file(path, text);
	free(text);
	return rc;
}

int nodelist_from_topo(const topo *t)
{
	node_line *nodes = calloc(t->nnodes ? t->nnodes : 1, sizeof *nodes);
	if (nodes == NULL)
		return -ENOMEM;
	size_t count = 0;
	for (size_t i = 0; i < t->nnodes; i++) {
		/* A part lists its own nodes (the others: netns/vxlan.h). */
		if (!machines_node_here(t, i))
			continue;
		const topo_node *tn = &t->nodes[i];
		snprintf(nodes[count].name, sizeof nodes[count].name, "%s", tn->name);
		snprintf(nodes[count].service, sizeof nodes[count].service, "%s",
			 topo_service_name(tn->service));
		nodes[count].router = tn->router;
		line_of(nodes[count].addrs, sizeof nodes[count].addrs, tn);
		/* An anycast address names its first instance (each address
		 * one node, for whoever names addresses after nodes). */
		for (size_t k = 0; k < tn->nanycast; k++) {
			bool first = true;
			for (size_t j = 0; j < i && first; j++)
				for (size_t q = 0; q < t->nodes[j].nanycast; q++)
					first = first && !anycast_same_addr(&t->nodes[j].anycast[q].addr,
									    &tn->anycast[k].addr);
			size_t used = strlen(nodes[count].addrs);
			if (first)
				snprintf(nodes[count].addrs + used, sizeof nodes[count].addrs - used, ",%s",
					 tn->anycast[k].text);
		}
		count++;
	}
	int rc = nodelist_write(t->name, nodes, count);
	free(nodes);
	return rc;
}

const node_line *nodelist_find(const node_line *nodes, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(nodes[i].name, name) == 0)
			return &nodes[i];
	return NULL;
}

const node_line *nodelist_find_addr(const node_line *nodes, size_t n, const char *addr)
{
	size_t len = strlen(addr);
	for (size_t i = 0; i < n; i++)
		for (const char *p = nodes[i].addrs; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
			if (strncmp(p, addr, len) == 0 && (p[len] == ',' || p[len] == '\0'))
				return &nodes[i];
	return NULL;
}

