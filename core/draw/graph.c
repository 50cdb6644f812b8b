/* Graphviz DOT for a topology: its networks and nodes, or the tree of
 * zones its servers delegate. */
#include "draw/graph.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"
#include "topo/impair.h"

static void prefix_text(const net_prefix *p, char *out, size_t n)
{
	char a[INET6_ADDRSTRLEN];
	inet_ntop(p->family, p->bytes, a, sizeof a);
	snprintf(out, n, "%s/%u", a, p->bits);
}

static bool serves_root(const topo_node *n)
{
	for (size_t k = 0; k < n->nzones; k++)
		if (strcmp(n->zones[k].origin, ".") == 0)
			return true;
	return false;
}

static bool serves_tld(const topo_node *n)
{
	for (size_t k = 0; k < n->nzones; k++) {
		dns_name o;
		if (dns_name_from_text(&o, n->zones[k].origin, strlen(n->zones[k].origin),
				       dns_name_root) == DNS_OK && dns_name_labels(o.data) == 1)
			return true;
	}
	return false;
}

graph_look graph_node_look(const topo_node *n)
{
	graph_look g = { "host", "host", "ellipse", "#ffffff" };
	if (n->router) {
		g = (graph_look){ "router", "router", "diamond", "#cccccc" };
	} else if (n->service == TOPO_SVC_AUTH) {
		if (serves_root(n))
			g = (graph_look){ "root server", "root", "box", "#f4a6a6" };
		else if (serves_tld(n))
			g = (graph_look){ "TLD server", "tld", "box", "#f7c98b" };
		else
			g = (graph_look){ "authoritative", "auth", "box", "#fbe9a0" };
	} else if (n->service == TOPO_SVC_RESOLVER) {
		g = (graph_look){ "resolver", "resolver", "octagon", "#b9e4b0" };
	} else if (n->service == TOPO_SVC_COMMAND) {
		g = (graph_look){ n->command[0], "command", "component", "#bfe3f0" };
	}
	return g;
}

void graph_network_map(FILE *f, const topo *t, const link_table *live)
{
	fprintf(f, "graph \"%s\" {\n"
		"  graph [layout=neato, overlap=false, splines=true, sep=\"+6\", fontname=\"Helvetica\", label=\"sim %s\", labelloc=t];\n"
		"  node [fontname=\"Helvetica\", fontsize=10, style=filled];\n"
		"  edge [fontname=\"Helvetica\", fontsize=8, color=\"#777777\"];\n",
		t->name, t->name);
	for (size_t i = 0; i < t->nnetworks; i++) {
		const topo_network *n = &t->networks[i];
		char v4[80] = "", v6[80] = "";
		if (n->has_v4)
			prefix_text(&n->v4, v4, sizeof v4);
		if (n->has_v6)
			prefix_text(&n->v6, v6, sizeof v6);
		fprintf(f, "  \"net:%s\" [shape=box, style=\"rounded,filled\", fillcolor=\"#dde6f5\", "
			"label=\"%s\\n%s%s%s\"];\n", n->name, n->name, v4, v4[0] && v6[0] ? "\\n" : "", v6);
	}
	for (size_t i = 0; i < t->nnodes; i++) {
		const topo_node *n = &t->nodes[i];
		graph_look look = graph_node_look(n);
		const char *shape = look.shape, *color = look.color, *role = look.role;
		fprintf(f, "  \"%s\" [shape=%s, fillcolor=\"%s\", label=\"%s\\n(%s)", n->name, shape,
			color, n->name, role);
		for (size_t k = 0; k < n->nzones; k++)
			fprintf(f, "\\n%s%s%s", n->zones[k].origin, n->zones[k].view ? " view " : "",
				n->zones[k].view ? n->zones[k].view : "");
		for (size_t k = 0; k < n->nresolvers; k++)
			fprintf(f, "%s%s", k ? ", " : n->service == TOPO_SVC_STUB
				? "\\ncaching stub, asks " : "\\nasks ", n->resolvers[k]);
		/* An anycast instance: the shared addresses and its region. */
		for (size_t k = 0; k < n->nanycast; k++)
			fprintf(f, "%s%s", k ? " " : "\\nanycast ", n->anycast[k].text);
		if (n->nanycast)
			fprintf(f, "\\nregion %s", n->region ? n->region : "-");
		fputs("\"];\n", f);
		for (size_t k = 0; k < n->naddrs; k++) {
			size_t net = n->addrs[k].network;
			/* One edge per network, all its addresses as the label. */
			bool first = true;
			for (size_t j = 0; j < k; j++)
				first = first && n->addrs[j].network != net;
			if (!first)
				continue;
			fprintf(f, "  \"%s\" -- \"net:%s\" [label=\"", n->name, t->networks[net].name);
			for (size_t j = k, c = 0; j < n->naddrs; j++)
				if (n->addrs[j].network == net)
					fprintf(f, "%s%s", c++ ? "\\n" : "", n->addrs[j].text);
			topo_impair im = topo_link_impair(t, n, net);
			if (live) {
				const link_entry *e = links_find(live, n->name, t->networks[net].name);
				topo_impair none = { 0 };
				im = e ? e->im : none;
			}
			if (impair_active(&im)) {
				char d[160];
				impair_describe(&im, d, sizeof d);
				fprintf(f, "\\n%s\", style=dashed, color=\"#c0392b\", fontcolor=\"#c0392b\"];\n", d);
			} else {
				fputs("\"];\n", f);
			}
		}
	}
	fputs("}\n", f);
}

typedef struct zone_node {
	dns_name origin;
	char text[DNS_NAME_MAXTEXT];
	char servers[512];
} zone_node;

void graph_delegation_tree(FILE *f, const topo *t)
{
	zone_node *z = NULL;
	size_t nz = 0;
	for (size_t i = 0; i < t->nnodes; i++)
		for (size_t k = 0; k < t->nodes[i].nzones; k++) {
			dns_name o;
			const char *text = t->nodes[i].zones[k].origin;
			if (dns_name_from_text(&o, text, strlen(text), dns_name_root) != DNS_OK)
				continue;
			dns_name_to_lower(o.data);
			size_t j = 0;
			while (j < nz && !dns_name_equal(z[j].origin.data, o.data))
				j++;
			if (j == nz) {
				zone_node *g = realloc(z, (nz + 1) * sizeof *z);
				if (g == NULL)
					break;
				z = g;
				memset(&z[nz], 0, sizeof z[nz]);
				z[nz].origin = o;
				dns_name_to_text(o.data, z[nz].text, sizeof z[nz].text, NULL);
				nz++;
			}
			size_t used = strlen(z[j].servers);
			if (strstr(z[j].servers, t->nodes[i].name) == NULL)
				snprintf(z[j].servers + used, sizeof z[j].servers - used, "%s%s",
					 used ? ", " : "", t->nodes[i].name);
		}
	fprintf(f, "digraph \"%s-zones\" {\n"
		"  graph [fontname=\"Helvetica\", label=\"zones of sim %s: who delegates to whom\", "
		"labelloc=t];\n"
		"  node [fontname=\"Helvetica\", fontsize=10, shape=box, style=\"rounded,filled\", "
		"fillcolor=\"#fbe9a0\"];\n", t->name, t->name);
	for (size_t i = 0; i < nz; i++)
		fprintf(f, "  \"%s\" [label=\"%s\\nserved by %s\"];\n", z[i].text, z[i].text,
			z[i].servers);
	for (size_t i = 0; i < nz; i++) {
		/* The parent: the closest zone above it that the sim serves. */
		unsigned labels = dns_name_labels(z[i].origin.data);
		for (unsigned skip = 1; skip <= labels; skip++) {
			const uint8_t *up = dns_name_skip_labels(z[i].origin.data, skip);
			size_t j = 0;
			while (j < nz && !dns_name_equal(z[j].origin.data, up))
				j++;
			if (j < nz) {
				fprintf(f, "  \"%s\" -> \"%s\";\n", z[j].text, z[i].text);
				break;
			}
		}
	}
	fputs("}\n", f);
	free(z);
}
