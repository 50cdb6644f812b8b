/* The map and the hops as JSON. */
#include "draw/json.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <string.h>

#include "draw/graph.h"
#include "topo/impair.h"

void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void prefix(FILE *f, bool has, const net_prefix *p)
{
	char a[INET6_ADDRSTRLEN] = "", text[INET6_ADDRSTRLEN + 8] = "";
	if (has && inet_ntop(p->family, p->bytes, a, sizeof a))
		snprintf(text, sizeof text, "%s/%u", a, p->bits);
	json_string(f, text);
}

void json_network_map(FILE *f, const topo *t, const link_table *live)
{
	fputs("{\"sim\":", f);
	json_string(f, t->name);
	fputs(",\"networks\":[", f);
	for (size_t i = 0; i < t->nnetworks; i++) {
		const topo_network *n = &t->networks[i];
		fputs(i ? ",{\"name\":" : "{\"name\":", f);
		json_string(f, n->name);
		fputs(",\"v4\":", f);
		prefix(f, n->has_v4, &n->v4);
		fputs(",\"v6\":", f);
		prefix(f, n->has_v6, &n->v6);
		fputc('}', f);
	}
	fputs("],\"nodes\":[", f);
	for (size_t i = 0; i < t->nnodes; i++) {
		const topo_node *n = &t->nodes[i];
		graph_look look = graph_node_look(n);
		fputs(i ? ",{\"name\":" : "{\"name\":", f);
		json_string(f, n->name);
		fputs(",\"role\":", f);
		json_string(f, look.role);
		fputs(",\"kind\":", f);
		json_string(f, look.kind);
		fputs(",\"color\":", f);
		json_string(f, look.color);
		fputs(",\"service\":", f);
		json_string(f, topo_service_name(n->service));
		fprintf(f, ",\"router\":%s,\"hostname\":", n->router ? "true" : "false");
		json_string(f, n->hostname);
		fputs(",\"resolver\":", f);
		/* The first the node asks (the web map draws that link). */
		json_string(f, n->nresolvers ? n->resolvers[0] : NULL);
		fputs(",\"zones\":[", f);
		for (size_t k = 0; k < n->nzones; k++) {
			char z[300];
			snprintf(z, sizeof z, "%s%s%s", n->zones[k].origin,
				 n->zones[k].view ? " view " : "", n->zones[k].view ? n->zones[k].view : "");
			if (k)
				fputc(',', f);
			json_string(f, z);
		}
		fputs("],\"links\":[", f);
		bool any = false;
		for (size_t k = 0; k < n->naddrs; k++) {
			size_t net = n->addrs[k].network;
			bool first = true;
			for (size_t j = 0; j < k; j++)
				first = first && n->addrs[j].network != net;
			if (!first)
				continue;
			fputs(any ? ",{\"network\":" : "{\"network\":", f);
			any = true;
			json_string(f, t->networks[net].name);
			fputs(",\"addrs\":[", f);
			for (size_t j = k, c = 0; j < n->naddrs; j++)
				if (n->addrs[j].network == net) {
					if (c++)
						fputc(',', f);
					json_string(f, n->addrs[j].text);
				}
			topo_impair im = topo_link_impair(t, n, net);
			if (live) {
				const link_entry *e = links_find(live, n->name, t->networks[net].name);
				topo_impair none = { 0 };
				im = e ? e->im : none;
			}
			char d[160] = "";
			if (impair_active(&im))
				impair_describe(&im, d, sizeof d);
			fputs("],\"impair\":", f);
			json_string(f, d);
			fputc('}', f);
		}
		fputs("]}", f);
	}
	fputs("]}", f);
}

void json_hops(FILE *f, const hop_list *l)
{
	static const char *const kinds[] = {
		[HOP_QUERY] = "query", [HOP_REPLY] = "reply", [HOP_LOST] = "lost",
		[HOP_NOTE] = "note",
	};
	fputs("{\"lanes\":[", f);
	for (size_t i = 0; i < l->nlanes; i++) {
		if (i)
			fputc(',', f);
		json_string(f, l->lanes[i]);
	}
	fputs("],\"hops\":[", f);
	for (size_t i = 0; i < l->n; i++) {
		const hop *h = &l->h[i];
		fprintf(f, "%s{\"kind\":\"%s\",\"from\":", i ? "," : "",
			(unsigned)h->kind < 4 ? kinds[h->kind] : "note");
		json_string(f, h->from);
		fputs(",\"to\":", f);
		json_string(f, h->to);
		fputs(",\"label\":", f);
		json_string(f, h->label);
		fprintf(f, ",\"at\":%lld,\"took\":%lld}", h->at_ms, h->took_ms);
	}
	fprintf(f, "],\"found\":%s,\"cache_hit\":%s}", l->found ? "true" : "false",
		l->cache_hit ? "true" : "false");
}
