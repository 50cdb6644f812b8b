/* Picking a program's renderer, and what the renderers share. */
#include "topo/render_peer.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo/conftext.h"

void peer_files_free(peer_files *f)
{
	for (size_t i = 0; i < f->nfiles; i++)
		free(f->file[i].text);
	for (size_t i = 0; i < f->argc; i++)
		free(f->argv[i]);
	memset(f, 0, sizeof *f);
}

bool peer_add_file(peer_files *f, const char *name, char *text, char *err, size_t errsz)
{
	if (text == NULL || f->nfiles == PEER_FILES_MAX || strlen(name) >= sizeof f->file[0].name) {
		free(text);
		snprintf(err, errsz, "out of memory");
		return false;
	}
	snprintf(f->file[f->nfiles].name, sizeof f->file[0].name, "%s", name);
	f->file[f->nfiles++].text = text;
	return true;
}

bool peer_add_args(peer_files *f, char *err, size_t errsz, ...)
{
	va_list ap;
	va_start(ap, errsz);
	bool ok = true;
	for (const char *w = va_arg(ap, const char *); ok && w; w = va_arg(ap, const char *)) {
		ok = f->argc < PEER_ARGS_MAX && (f->argv[f->argc] = strdup(w)) != NULL;
		if (ok)
			f->argv[++f->argc] = NULL;
	}
	va_end(ap);
	if (!ok)
		snprintf(err, errsz, "out of memory");
	return ok;
}

bool render_peer(const topo *t, const topo_node *n, const peer_conf *c, peer_files *out,
		 char *err, size_t errsz)
{
	memset(out, 0, sizeof *out);
	bool ok;
	switch (n->software) {
	case SW_NSD: ok = render_nsd(t, n, c, out, err, errsz); break;
	case SW_KNOT: ok = render_knot(t, n, c, out, err, errsz); break;
	case SW_BIND: ok = render_bind(t, n, c, out, err, errsz); break;
	case SW_POWERDNS: ok = render_powerdns(t, n, c, out, err, errsz); break;
	case SW_UNBOUND: ok = render_unbound(t, n, c, out, err, errsz); break;
	case SW_KRESD: ok = render_kresd(t, n, c, out, err, errsz); break;
	case SW_PDNS_RECURSOR: ok = render_pdns_recursor(t, n, c, out, err, errsz); break;
	default:
		snprintf(err, errsz, "node %s runs our own server: nothing to render here", n->name);
		ok = false;
	}
	if (!ok)
		peer_files_free(out);
	return ok;
}

char *render_rpz(const topo_node *n, char *err, size_t errsz)
{
	conftext b = { 0 };
	ct_add(&b, "; the blocklist of node %s as a response-policy zone, written by the "
	       "supervisor\n$TTL 60\n@ SOA localhost. hostmaster.localhost. 1 3600 600 86400 60\n"
	       "@ NS localhost.\n", n->name);
	bool v6 = n->sinkhole && strchr(n->sinkhole, ':');
	for (size_t i = 0; i < n->nblock; i++) {
		char name[300];
		if (!ct_block_name(n->block[i], name, sizeof name))
			continue;
		/* The name and every name below it. */
		for (int below = 0; below < 2; below++) {
			if (n->sinkhole)
				ct_add(&b, "%s%s %s %s\n", below ? "*." : "", name, v6 ? "AAAA" : "A",
				       n->sinkhole);
			else
				ct_add(&b, "%s%s CNAME .\n", below ? "*." : "", name);
		}
	}
	return ct_finish(&b, err, errsz);
}

size_t peer_nlisten(const topo_node *n)
{
	return n->naddrs + n->nanycast;
}

const topo_addr *peer_listen(const topo_node *n, size_t i)
{
	return i < n->naddrs ? &n->addrs[i] : &n->anycast[i - n->naddrs];
}
