/* Zone contents: owned records, canonical order, merge and checks. */
#include "zonedata.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/rdata.h"
#include "dns/rrtype.h"

#define CHUNK_SIZE 65536

struct zd_chunk {
	struct zd_chunk *next;
	size_t used, size;
	uint8_t data[];
};

void dns_zonedata_init(dns_zonedata *z, const uint8_t *origin, uint16_t rclass)
{
	memset(z, 0, sizeof *z);
	dns_name_copy(&z->origin, origin);
	z->rclass = rclass;
}

void dns_zonedata_free(dns_zonedata *z)
{
	struct zd_chunk *c = z->chunks;
	while (c) {
		struct zd_chunk *next = c->next;
		free(c);
		c = next;
	}
	for (size_t i = 0; i < z->nfiles; i++)
		free(z->files[i]);
	free(z->files);
	free(z->rr);
	free(z->line);
	free(z->file);
	free(z->seq);
	memset(z, 0, sizeof *z);
}

static uint8_t *store(dns_zonedata *z, size_t n)
{
	struct zd_chunk *c = z->chunks;
	if (c == NULL || c->size - c->used < n) {
		size_t size = n > CHUNK_SIZE ? n : CHUNK_SIZE;
		c = malloc(sizeof *c + size);
		if (c == NULL)
			return NULL;
		c->size = size;
		c->used = 0;
		c->next = z->chunks;
		z->chunks = c;
	}
	uint8_t *p = c->data + c->used;
	c->used += n;
	return p;
}

static int file_index(dns_zonedata *z, const char *file)
{
	for (size_t i = 0; i < z->nfiles; i++)
		if (strcmp(z->files[i], file) == 0)
			return (int)i;
	char **f = realloc(z->files, (z->nfiles + 1) * sizeof *f);
	if (f == NULL)
		return -1;
	z->files = f;
	if ((f[z->nfiles] = strdup(file)) == NULL)
		return -1;
	return (int)z->nfiles++;
}

const dns_rr *dns_zonedata_find(const dns_zonedata *z, const uint8_t *owner, uint16_t type)
{
	for (size_t i = 0; i < z->n; i++)
		if (z->rr[i].type == type && (owner == NULL || dns_name_equal(z->rr[i].owner, owner)))
			return &z->rr[i];
	return NULL;
}

bool dns_zonedata_add(dns_zonedata *z, const dns_rr *rr, const char *file,
		      unsigned line)
{
	if (z->n == z->cap) {
		size_t cap = z->cap ? z->cap * 2 : 64;
		dns_rr *r = realloc(z->rr, cap * sizeof *r);
		if (r)
			z->rr = r;
		unsigned *l = realloc(z->line, cap * sizeof *l);
		if (l)
			z->line = l;
		uint16_t *f = realloc(z->file, cap * sizeof *f);
		if (f)
			z->file = f;
		size_t *s = realloc(z->seq, cap * sizeof *s);
		if (s)
			z->seq = s;
		if (!r || !l || !f || !s)
			return false;
		z->cap = cap;
	}
	int fi = file_index(z, file);
	size_t olen = dns_name_length(rr->owner);
	uint8_t *mem = store(z, olen + rr->rdlen);
	if (fi < 0 || mem == NULL)
		return false;
	memcpy(mem, rr->owner, olen);
	memcpy(mem + olen, rr->rdata, rr->rdlen);
	dns_rr *copy = &z->rr[z->n];
	*copy = *rr;
	copy->owner = mem;
	copy->rdata = mem + olen;
	z->line[z->n] = line;
	z->file[z->n] = (uint16_t)fi;
	z->seq[z->n] = z->n;
	z->n++;
	return true;
}

/* ---- sorting ---------------------------------------------------------------- */

struct sorted {
	dns_rr rr;
	unsigned line;
	uint16_t file;
	size_t seq;
};

static int canonical(const void *pa, const void *pb)
{
	const struct sorted *a = pa, *b = pb;
	int c = dns_name_compare(a->rr.owner, b->rr.owner);
	if (c)
		return c;
	if (a->rr.type != b->rr.type)
		return a->rr.type < b->rr.type ? -1 : 1;
	c = dns_rdata_compare(a->rr.type, a->rr.rdata, a->rr.rdlen, b->rr.rdata,
			      b->rr.rdlen);
	if (c)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

struct checker {
	dns_zonedata *z;
	void (*diag)(void *, const dns_diag *);
	void *ctx;
	unsigned errors;
};

static void report(struct checker *k, enum dns_severity sev, size_t i,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void report(struct checker *k, enum dns_severity sev, size_t i,
		   const char *fmt, ...)
{
	dns_diag d = { .severity = sev };
	if (i < k->z->n) {
		d.file = k->z->files[k->z->file[i]];
		d.line = k->z->line[i];
	} else {
		d.file = k->z->nfiles ? k->z->files[0] : "zone";
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d.msg, sizeof d.msg, fmt, ap);
	va_end(ap);
	if (sev == DNS_ERROR)
		k->errors++;
	if (k->diag)
		k->diag(k->ctx, &d);
}

static const char *nm(const uint8_t *name, char *buf)
{
	if (dns_name_to_text(name, buf, DNS_NAME_MAXTEXT, NULL) != DNS_OK)
		strcpy(buf, "?");
	return buf;
}

/* Is there an RRset of `type` at `name`? (binary search would do; the
 * zones here are small enough that the index in the server does it). */
static bool has(const dns_zonedata *z, const uint8_t *name, uint16_t type)
{
	size_t lo = 0, hi = z->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = dns_name_compare(z->rr[mid].owner, name);
		if (c < 0 || (c == 0 && z->rr[mid].type < type))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < z->n && z->rr[lo].type == type &&
	       dns_name_equal(z->rr[lo].owner, name);
}

/* The delegation (NS below the apex) that `name` is at or under. */
static const uint8_t *cut_above(const dns_zonedata *z, const uint8_t *name)
{
	unsigned labels = dns_name_labels(name), apex = dns_name_labels(z->origin.data);
	for (unsigned d = apex + 1; d <= labels; d++) {
		const uint8_t *anc = dns_name_skip_labels(name, labels - d);
		if (has(z, anc, DNS_T_NS))
			return anc;
	}
	return NULL;
}

unsigned dns_zonedata_finish(dns_zonedata *z,
			     void (*diag)(void *ctx, const dns_diag *d),
			     void *ctx)
{
	struct checker k = { z, diag, ctx, 0 };
	char b1[DNS_NAME_MAXTEXT], b2[DNS_NAME_MAXTEXT], tn[DNS_MNEMONIC_MAX];

	/* Out of zone: an error here (BIND only ignores them, but a record
	 * that silently vanishes is worse for a student than a message). */
	for (size_t i = 0; i < z->n; i++)
		if (!dns_name_is_subdomain(z->rr[i].owner, z->origin.data))
			report(&k, DNS_ERROR, i, "%s is outside the zone %s",
			       nm(z->rr[i].owner, b1), nm(z->origin.data, b2));

	struct sorted *s = malloc((z->n ? z->n : 1) * sizeof *s);
	if (s == NULL) {
		report(&k, DNS_ERROR, z->n, "out of memory");
		return k.errors;
	}
	for (size_t i = 0; i < z->n; i++)
		s[i] = (struct sorted){ z->rr[i], z->line[i], z->file[i], z->seq[i] };
	qsort(s, z->n, sizeof *s, canonical);

	/* Merge identical records; one TTL per RRset (the first in the file). */
	size_t out = 0;
	for (size_t i = 0; i < z->n; i++) {
		if (out > 0) {
			struct sorted *p = &s[out - 1];
			if (p->rr.type == s[i].rr.type &&
			    dns_name_equal(p->rr.owner, s[i].rr.owner) &&
			    dns_rdata_compare(p->rr.type, p->rr.rdata, p->rr.rdlen,
					      s[i].rr.rdata, s[i].rr.rdlen) == 0)
				continue;
		}
		s[out++] = s[i];
	}
	z->n = out;
	for (size_t i = 0; i < z->n; i++) {
		z->rr[i] = s[i].rr;
		z->line[i] = s[i].line;
		z->file[i] = s[i].file;
		z->seq[i] = s[i].seq;
	}
	free(s);
	for (size_t i = 0; i < z->n;) {
		size_t j = i, first = i;
		while (j < z->n && z->rr[j].type == z->rr[i].type &&
		       dns_name_equal(z->rr[j].owner, z->rr[i].owner)) {
			if (z->seq[j] < z->seq[first])
				first = j;
			j++;
		}
		/* RRSIGs at a name cover different RRsets, each with its own
		 * TTL (RFC 4034 3, RFC 2181 5.2): not one RRset to even out. */
		for (size_t m = i; m < j && z->rr[i].type != DNS_T_RRSIG; m++)
			if (z->rr[m].ttl != z->rr[first].ttl) {
				report(&k, DNS_WARNING, m,
				       "%s %s: TTL %u differs from the RRset's first, %u; using %u",
				       nm(z->rr[m].owner, b1), dns_type_to_text(z->rr[m].type, tn),
				       z->rr[m].ttl, z->rr[first].ttl, z->rr[first].ttl);
				z->rr[m].ttl = z->rr[first].ttl;
			}
		i = j;
	}

	/* SOA: exactly one, at the apex. */
	size_t soas = 0;
	for (size_t i = 0; i < z->n; i++) {
		if (z->rr[i].type != DNS_T_SOA)
			continue;
		if (!dns_name_equal(z->rr[i].owner, z->origin.data))
			report(&k, DNS_ERROR, i, "SOA record at %s: an SOA belongs at the apex %s only",
			       nm(z->rr[i].owner, b1), nm(z->origin.data, b2));
		else if (++soas == 2)
			report(&k, DNS_ERROR, i, "more than one SOA record at the apex");
	}
	/* DS records describe a child zone's keys and live in the parent, at
	 * the cut: never at this zone's own apex (RFC 4035 2.4). */
	for (size_t i = 0; i < z->n; i++)
		if (z->rr[i].type == DNS_T_DS &&
		    dns_name_equal(z->rr[i].owner, z->origin.data))
			report(&k, DNS_ERROR, i, "DS record at the apex %s: DS belongs in the parent zone",
			       nm(z->origin.data, b1));
	if (soas == 0)
		report(&k, DNS_ERROR, z->n, "no SOA record at the apex %s", nm(z->origin.data, b1));
	if (!has(z, z->origin.data, DNS_T_NS))
		report(&k, DNS_ERROR, z->n, "no NS records at the apex %s", nm(z->origin.data, b1));

	/* CNAME: alone at its name (RRSIG and NSEC may accompany it).  In
	 * canonical order a name's records sit together.  ALIAS (dnsim's
	 * extension) stands in for the name's A and AAAA: one target, and
	 * no addresses of the name's own beside it. */
	for (size_t i = 0; i < z->n;) {
		size_t j = i, cname = SIZE_MAX, other = SIZE_MAX, cnames = 0;
		size_t alias = SIZE_MAX, addr = SIZE_MAX, aliases = 0;
		while (j < z->n && dns_name_equal(z->rr[j].owner, z->rr[i].owner)) {
			uint16_t t = z->rr[j].type;
			if (t == DNS_T_CNAME) {
				if (cnames++ == 1)
					report(&k, DNS_ERROR, j, "%s has more than one CNAME record",
					       nm(z->rr[j].owner, b1));
				cname = j;
			} else if (t != DNS_T_RRSIG && t != DNS_T_NSEC && other == SIZE_MAX) {
				other = j;
			}
			if (t == DNS_T_ALIAS) {
				if (aliases++ == 1)
					report(&k, DNS_ERROR, j, "%s has more than one ALIAS record",
					       nm(z->rr[j].owner, b1));
				alias = j;
			} else if ((t == DNS_T_A || t == DNS_T_AAAA) && addr == SIZE_MAX) {
				addr = j;
			}
			j++;
		}
		if (alias != SIZE_MAX && addr != SIZE_MAX)
			report(&k, DNS_ERROR, alias, "%s: ALIAS and %s at the same name (the "
			       "ALIAS answers A and AAAA there: remove one)",
			       nm(z->rr[alias].owner, b1), dns_type_to_text(z->rr[addr].type, tn));
		if (cname != SIZE_MAX && other != SIZE_MAX)
			report(&k, DNS_ERROR, cname, "%s: CNAME and other data (%s) at the same name%s",
			       nm(z->rr[cname].owner, b1), dns_type_to_text(z->rr[other].type, tn),
			       dns_name_equal(z->rr[cname].owner, z->origin.data)
			       ? " (the apex cannot be an alias)" : "");
		i = j;
	}

	/* Nameservers named inside the zone need addresses: glue below a
	 * cut (missing: a warning), authoritative data elsewhere (missing:
	 * an error, as named-checkzone says). */
	for (size_t i = 0; i < z->n; i++) {
		if (z->rr[i].type != DNS_T_NS)
			continue;
		const uint8_t *target = z->rr[i].rdata;
		if (!dns_name_is_subdomain(target, z->origin.data) ||
		    has(z, target, DNS_T_A) || has(z, target, DNS_T_AAAA))
			continue;
		const uint8_t *cut = cut_above(z, target);
		if (cut && dns_name_is_subdomain(target, z->rr[i].owner) &&
		    !dns_name_equal(z->rr[i].owner, z->origin.data))
			report(&k, DNS_WARNING, i, "%s NS %s: no glue address (A or AAAA) for it",
			       nm(z->rr[i].owner, b1), nm(target, b2));
		else if (!cut)
			report(&k, DNS_ERROR, i, "%s NS %s: the nameserver has no address records (A or AAAA)",
			       nm(z->rr[i].owner, b1), nm(target, b2));
	}
	return k.errors;
}

struct load_ctx {
	dns_zonedata *z;
	const dns_master_ops *io;
	bool nomem;
};

static int load_read(void *ctx, const char *path, char **data, size_t *len)
{
	struct load_ctx *l = ctx;
	return l->io->read_file(l->io->ctx, path, data, len);
}

static bool load_record(void *ctx, const dns_rr *rr, const char *file,
			unsigned line)
{
	struct load_ctx *l = ctx;
	if (!dns_zonedata_add(l->z, rr, file, line)) {
		l->nomem = true;
		return false;
	}
	return true;
}

static void load_diag(void *ctx, const dns_diag *d)
{
	struct load_ctx *l = ctx;
	if (l->io->diag)
		l->io->diag(l->io->ctx, d);
}

unsigned dns_zonedata_read(dns_zonedata *z, const char *path, const dns_master_ops *io)
{
	struct load_ctx l = { z, io, false };
	dns_master_ops ops = { load_read, load_record, load_diag, &l };
	return dns_master_read(path, z->origin.data, z->rclass, &ops);
}

unsigned dns_zonedata_load(dns_zonedata *z, const char *path,
			   const dns_master_ops *io)
{
	unsigned errors = dns_zonedata_read(z, path, io);
	if (errors)
		return errors;
	return dns_zonedata_finish(z, io->diag, io->ctx);
}

unsigned dns_zonedata_load_text(dns_zonedata *z, const char *name, const char *text,
				size_t len, const dns_master_ops *io)
{
	struct load_ctx l = { z, io, false };
	dns_master_ops ops = { load_read, load_record, load_diag, &l };
	unsigned errors = dns_master_read_text(name, text, len, z->origin.data, z->rclass,
					       &ops);
	if (errors)
		return errors;
	return dns_zonedata_finish(z, io->diag, io->ctx);
}
