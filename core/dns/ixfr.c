/* Zone deltas, the journal, and IXFR record sequences (RFC 1995). */
#include "ixfr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/rdata.h"
#include "dns/serial.h"
#include "dns/soa.h"

#define DELTA_FILE "ixfr"

void dns_delta_init(dns_delta *d, const uint8_t *origin)
{
	memset(d, 0, sizeof *d);
	dns_zonedata_init(&d->del, origin, DNS_C_IN);
	dns_zonedata_init(&d->add, origin, DNS_C_IN);
}

void dns_delta_free(dns_delta *d)
{
	dns_zonedata_free(&d->del);
	dns_zonedata_free(&d->add);
	memset(d, 0, sizeof *d);
}

static const dns_rr *find_soa(const dns_zonedata *z)
{
	for (size_t i = 0; i < z->n; i++)
		if (z->rr[i].type == DNS_T_SOA)
			return &z->rr[i];
	return NULL;
}

bool dns_records_serial(const dns_zonedata *z, uint32_t *serial)
{
	const dns_rr *soa = find_soa(z);
	dns_soa f;
	if (soa == NULL || dns_soa_read(soa->rdata, soa->rdlen, &f) != DNS_OK)
		return false;
	*serial = f.serial;
	return true;
}

/* Canonical order of records, the TTL last (a changed TTL is a change). */
static int rr_cmp(const dns_rr *a, const dns_rr *b)
{
	int c = dns_name_compare(a->owner, b->owner);
	if (c)
		return c;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	c = dns_rdata_compare(a->type, a->rdata, a->rdlen, b->rdata, b->rdlen);
	if (c)
		return c;
	return a->ttl < b->ttl ? -1 : a->ttl > b->ttl;
}

dns_err dns_zone_diff(const dns_zonedata *old, const dns_zonedata *new, dns_delta *d)
{
	if (!dns_records_serial(old, &d->from) || !dns_records_serial(new, &d->to))
		return DNS_E_FORMAT;
	/* The SOAs first, as a delta reads on the wire. */
	if (!dns_zonedata_add(&d->del, find_soa(old), DELTA_FILE, 0) ||
	    !dns_zonedata_add(&d->add, find_soa(new), DELTA_FILE, 0))
		return DNS_E_NOMEM;
	size_t i = 0, k = 0;
	while (i < old->n || k < new->n) {
		int c = i == old->n ? 1 : k == new->n ? -1 : rr_cmp(&old->rr[i], &new->rr[k]);
		if (c == 0) {
			i++;
			k++;
			continue;
		}
		const dns_rr *rr = c < 0 ? &old->rr[i++] : &new->rr[k++];
		if (rr->type == DNS_T_SOA)
			continue;
		if (!dns_zonedata_add(c < 0 ? &d->del : &d->add, rr, DELTA_FILE, 0))
			return DNS_E_NOMEM;
	}
	return DNS_OK;
}

bool dns_delta_empty(const dns_delta *d)
{
	return d->del.n <= 1 && d->add.n <= 1;
}

static int sorted_cmp(const void *pa, const void *pb)
{
	return rr_cmp(*(const dns_rr *const *)pa, *(const dns_rr *const *)pb);
}

/* Equal but for the TTL: deletions name records by owner, type and
 * RDATA (RFC 1995 leaves TTLs out of matching, as BIND does). */
static int rr_cmp_nottl(const dns_rr *a, const dns_rr *b)
{
	int c = dns_name_compare(a->owner, b->owner);
	if (c)
		return c;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	return dns_rdata_compare(a->type, a->rdata, a->rdlen, b->rdata, b->rdlen);
}

unsigned dns_zone_apply(const dns_zonedata *old, const dns_delta *d, dns_zonedata *out,
			void (*diag)(void *ctx, const dns_diag *d), void *ctx, char *msg,
			size_t msgsz)
{
	msg[0] = '\0';
	uint32_t serial;
	if (!dns_records_serial(old, &serial) || serial != d->from) {
		snprintf(msg, msgsz, "the change starts at serial %u, the zone is at %u", d->from,
			 serial);
		return 1;
	}
	/* The deletions sorted, to be walked beside the (sorted) zone. */
	const dns_rr **del = malloc((d->del.n ? d->del.n : 1) * sizeof *del);
	bool *used = calloc(d->del.n ? d->del.n : 1, sizeof *used);
	if (del == NULL || used == NULL) {
		free(del);
		free(used);
		snprintf(msg, msgsz, "out of memory");
		return 1;
	}
	size_t ndel = 0;
	for (size_t i = 0; i < d->del.n; i++)
		if (d->del.rr[i].type != DNS_T_SOA)
			del[ndel++] = &d->del.rr[i];
	qsort(del, ndel, sizeof *del, sorted_cmp);
	bool ok = true;
	size_t k = 0;
	for (size_t i = 0; ok && i < old->n; i++) {
		const dns_rr *rr = &old->rr[i];
		while (k < ndel && rr_cmp_nottl(del[k], rr) < 0)
			k++;
		if (rr->type == DNS_T_SOA)
			continue;          /* the new one comes with the additions */
		bool gone = false;
		for (size_t j = k; j < ndel && rr_cmp_nottl(del[j], rr) == 0; j++)
			if (!used[j]) {
				used[j] = gone = true;
				break;
			}
		if (!gone)
			ok = dns_zonedata_add(out, rr, DELTA_FILE, 0);
	}
	for (size_t j = 0; ok && j < ndel; j++)
		if (!used[j]) {
			char text[600];
			if (dns_rr_to_text(del[j], text, sizeof text, NULL) != DNS_OK)
				snprintf(text, sizeof text, "a record");
			snprintf(msg, msgsz, "the change deletes %s, which the zone does not hold",
				 text);
			ok = false;
		}
	for (size_t i = 0; ok && i < d->add.n; i++)
		ok = dns_zonedata_add(out, &d->add.rr[i], DELTA_FILE, 0);
	free(del);
	free(used);
	if (!ok) {
		if (!msg[0])
			snprintf(msg, msgsz, "out of memory");
		return 1;
	}
	return dns_zonedata_finish(out, diag, ctx);
}

/* ---- the journal ---------------------------------------------------------- */

void dns_journal_init(dns_journal *j, size_t max)
{
	memset(j, 0, sizeof *j);
	j->max = max;
}

void dns_journal_free(dns_journal *j)
{
	for (size_t i = 0; i < j->n; i++)
		dns_delta_free(&j->d[i]);
	free(j->d);
	j->d = NULL;
	j->n = 0;
}

bool dns_journal_add(dns_journal *j, dns_delta *d)
{
	if (j->max == 0) {
		dns_delta_free(d);
		return true;
	}
	/* A version with the serial of the one before is nothing a client
	 * can ask for; if its data changed all the same, the deltas kept no
	 * longer lead to what is served, and clients must take the whole
	 * zone. */
	bool same_serial = d->from == d->to;
	if (same_serial || (j->n > 0 && j->d[j->n - 1].to != d->from)) {
		if (same_serial && dns_delta_empty(d)) {
			dns_delta_free(d);
			return true;
		}
		for (size_t i = 0; i < j->n; i++)
			dns_delta_free(&j->d[i]);
		j->n = 0;
		if (same_serial) {
			dns_delta_free(d);
			return true;
		}
	}
	if (j->d == NULL && (j->d = calloc(j->max, sizeof *j->d)) == NULL) {
		dns_delta_free(d);
		return false;
	}
	if (j->n == j->max) {
		dns_delta_free(&j->d[0]);
		memmove(&j->d[0], &j->d[1], (j->n - 1) * sizeof *j->d);
		j->n--;
	}
	j->d[j->n++] = *d;
	memset(d, 0, sizeof *d);
	return true;
}

long dns_journal_find(const dns_journal *j, uint32_t from)
{
	for (size_t i = 0; i < j->n; i++)
		if (j->d[i].from == from)
			return (long)i;
	return -1;
}

/* ---- IXFR responses ------------------------------------------------------- */

/* A delta's list: its SOA first, then the rest. */
static void emit_list(const dns_zonedata *z, dns_rr_emit_fn emit, void *ctx)
{
	const dns_rr *soa = find_soa(z);
	if (soa)
		emit(ctx, soa);
	for (size_t i = 0; i < z->n; i++)
		if (&z->rr[i] != soa)
			emit(ctx, &z->rr[i]);
}

void dns_ixfr_emit(const dns_delta *d, size_t n, const dns_rr *soa, dns_rr_emit_fn emit,
		   void *ctx)
{
	emit(ctx, soa);
	for (size_t i = 0; i < n; i++) {
		emit_list(&d[i].del, emit, ctx);
		emit_list(&d[i].add, emit, ctx);
	}
	emit(ctx, soa);
}

static bool serial_of(const dns_rr *rr, uint32_t *serial)
{
	dns_soa f;
	if (rr->type != DNS_T_SOA || dns_soa_read(rr->rdata, rr->rdlen, &f) != DNS_OK)
		return false;
	*serial = f.serial;
	return true;
}

void dns_ixfr_free(dns_ixfr *x)
{
	for (size_t i = 0; i < x->ndeltas; i++)
		dns_delta_free(&x->deltas[i]);
	free(x->deltas);
	memset(x, 0, sizeof *x);
}

dns_err dns_ixfr_read(const dns_rr *rrs, size_t n, const uint8_t *origin, uint32_t ours,
		      dns_ixfr *out)
{
	memset(out, 0, sizeof *out);
	uint32_t s;
	if (n == 0 || !serial_of(&rrs[0], &out->serial))
		return DNS_E_FORMAT;
	if (n == 1) {
		/* Only "nothing newer" makes sense of a lone SOA. */
		if (dns_serial_compare(out->serial, ours) == DNS_SERIAL_GREATER)
			return DNS_E_FORMAT;
		out->kind = DNS_IXFR_UPTODATE;
		return DNS_OK;
	}
	if (!serial_of(&rrs[1], &s) || n == 2) {
		/* The whole zone: SOA, records, the same SOA to close. */
		uint32_t last;
		if (!serial_of(&rrs[n - 1], &last) || last != out->serial)
			return DNS_E_FORMAT;
		for (size_t i = 1; i + 1 < n; i++)
			if (rrs[i].type == DNS_T_SOA)
				return DNS_E_FORMAT;
		out->kind = DNS_IXFR_FULL;
		out->nfull = n - 1;
		return DNS_OK;
	}
	out->kind = DNS_IXFR_DELTAS;
	size_t i = 1;
	uint32_t at = ours;
	while (i < n - 1) {
		dns_delta *grown = realloc(out->deltas, (out->ndeltas + 1) * sizeof *grown);
		if (grown == NULL) {
			dns_ixfr_free(out);
			return DNS_E_NOMEM;
		}
		out->deltas = grown;
		dns_delta *d = &out->deltas[out->ndeltas++];
		dns_delta_init(d, origin);
		/* SOA(from), deletions, SOA(to), additions. */
		if (!serial_of(&rrs[i], &d->from) || d->from != at)
			goto bad;
		dns_zonedata *list = &d->del;
		bool ok = dns_zonedata_add(list, &rrs[i++], DELTA_FILE, 0);
		for (; ok && i < n - 1; i++) {
			if (rrs[i].type == DNS_T_SOA) {
				if (list == &d->add)
					break;   /* the next delta's SOA(from) */
				list = &d->add;
				(void)serial_of(&rrs[i], &d->to);
			}
			ok = dns_zonedata_add(list, &rrs[i], DELTA_FILE, 0);
		}
		if (!ok) {
			dns_ixfr_free(out);
			return DNS_E_NOMEM;
		}
		if (list != &d->add)
			goto bad;
		at = d->to;
	}
	uint32_t last;
	if (!serial_of(&rrs[n - 1], &last) || last != out->serial || at != out->serial)
		goto bad;
	return DNS_OK;
bad:
	dns_ixfr_free(out);
	return DNS_E_FORMAT;
}

/* ---- following a transfer ------------------------------------------------- */

enum { T_START, T_FIRST, T_AXFR, T_DEL, T_ADD, T_DONE };

void dns_xfr_track_init(dns_xfr_track *t)
{
	memset(t, 0, sizeof *t);
	t->phase = T_START;
}

void dns_xfr_track_rr(dns_xfr_track *t, const dns_rr *rr)
{
	uint32_t s = 0;
	bool soa = serial_of(rr, &s);
	t->seen++;
	switch (t->phase) {
	case T_START:
		if (!soa)
			t->error = true;
		t->first = s;
		t->phase = T_FIRST;
		break;
	case T_FIRST:
		if (!soa)
			t->phase = T_AXFR;
		else if (s == t->first)
			t->phase = T_DONE;     /* SOA SOA: nothing but the SOA */
		else
			t->phase = T_DEL;
		break;
	case T_AXFR:
		if (soa) {
			t->phase = T_DONE;
			t->error = s != t->first;
		}
		break;
	case T_DEL:
		if (soa) {
			t->phase = T_ADD;
			t->last = s;
		}
		break;
	case T_ADD:
		if (soa)
			t->phase = s == t->first && t->last == t->first ? T_DONE : T_DEL;
		break;
	default:
		t->error = true;           /* anything after the end */
	}
	t->done = t->phase == T_DONE;
}

void dns_xfr_message_end(dns_xfr_track *t, bool ixfr, uint32_t ours)
{
	if (ixfr && t->phase == T_FIRST && t->seen == 1 &&
	    dns_serial_compare(t->first, ours) != DNS_SERIAL_GREATER) {
		t->phase = T_DONE;
		t->done = true;
	}
}
