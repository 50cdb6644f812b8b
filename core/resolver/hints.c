/* Root hints from a named.root-style file. */
#include "resolver/hints.h"

#include <stdio.h>
#include <string.h>

#include "dns/master.h"
#include "io/readfile.h"

struct hints_ctx {
	resolver *r;
	char *err;
	size_t errsz;
	bool nomem;
};

static bool take(void *ctx, const dns_rr *rr, const char *file, unsigned line)
{
	struct hints_ctx *h = ctx;
	(void)file;
	(void)line;
	/* Only the root's NS and addresses matter here. */
	if (rr->type != DNS_T_NS && rr->type != DNS_T_A && rr->type != DNS_T_AAAA)
		return true;
	if (!rrlist_add(&h->r->hints, rr)) {
		h->nomem = true;
		return false;
	}
	return true;
}

static void note(void *ctx, const dns_diag *d)
{
	struct hints_ctx *h = ctx;
	if (d->severity == DNS_ERROR && h->err[0] == '\0')
		snprintf(h->err, h->errsz, "%s:%u:%u: %s", d->file, d->line, d->col, d->msg);
}

bool hints_load(resolver *r, const char *path, char *err, size_t errsz)
{
	struct hints_ctx h = { r, err, errsz, false };
	err[0] = '\0';
	rrlist_init(&r->hints);
	dns_master_ops ops = { io_read_file, take, note, &h };
	unsigned errors = dns_master_read(path, dns_name_root, DNS_C_IN, &ops);
	if (errors || h.nomem) {
		if (!err[0])
			snprintf(err, errsz, "%s: %s", path, h.nomem ? "out of memory"
								: "the root hints did not load");
		return false;
	}
	size_t ns = 0, addrs = 0;
	for (size_t i = 0; i < r->hints.n; i++) {
		const dns_rr *rr = &r->hints.rr[i];
		if (rr->type == DNS_T_NS && rr->owner[0] == 0)
			ns++;
		else if (rr->type != DNS_T_NS)
			addrs++;
	}
	if (ns == 0 || addrs == 0) {
		snprintf(err, errsz, "%s: root hints need NS records for \".\" and the "
			 "addresses of those servers (found %zu NS, %zu addresses)",
			 path, ns, addrs);
		return false;
	}
	hints_prime(r);
	return true;
}

void hints_prime(resolver *r)
{
	/* RRsets are runs of one owner and type; the file may interleave
	 * them, so gather each set before storing it. */
	uint64_t now = r->now_ms;
	for (size_t i = 0; i < r->hints.n; i++) {
		const dns_rr *a = &r->hints.rr[i];
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++)
			seen = r->hints.rr[k].type == a->type &&
			       dns_name_equal(r->hints.rr[k].owner, a->owner);
		if (seen)
			continue;
		dns_rr set[64];
		size_t n = 0;
		for (size_t k = i; k < r->hints.n && n < 64; k++)
			if (r->hints.rr[k].type == a->type &&
			    dns_name_equal(r->hints.rr[k].owner, a->owner)) {
				set[n] = r->hints.rr[k];
				/* Hints never expire: the cache's cap applies. */
				set[n].ttl = 0x7fffffff;
				n++;
			}
		(void)rcache_put_rrset(r->cache, set, n, RANK_GLUE, NULL, now);
	}
}
