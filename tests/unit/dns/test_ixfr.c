/* IXFR (RFC 1995): deltas between two versions of a zone, applied back,
 * kept in a bounded journal, written as the record sequence of an IXFR
 * answer and read from one (the three forms, and broken ones), and the
 * end of a transfer found record by record. */
#include <stdlib.h>

#include "check.h"
#include "dns/ixfr.h"

#define HEAD "$TTL 300\n@ NS ns1\nns1 A 192.0.2.1\n"
#define SOA(n) "@ SOA ns1 host " #n " 3600 600 86400 300\n"

static dns_name origin;

static void load(dns_zonedata *z, const char *text)
{
	dns_zonedata_init(z, origin.data, DNS_C_IN);
	dns_master_ops io = { NULL, NULL, NULL, NULL };
	CHECK_INT(dns_zonedata_load_text(z, "z", text, strlen(text), &io), 0);
}

static bool holds(const dns_zonedata *z, const char *text)
{
	uint8_t buf[600];
	dns_rr rr;
	char err[100];
	if (dns_master_parse_rr(text, origin.data, DNS_C_IN, 300, buf, sizeof buf, &rr, err,
				sizeof err) != DNS_OK)
		return false;
	for (size_t i = 0; i < z->n; i++)
		if (z->rr[i].type == rr.type && z->rr[i].ttl == rr.ttl &&
		    dns_name_equal(z->rr[i].owner, rr.owner) && z->rr[i].rdlen == rr.rdlen &&
		    memcmp(z->rr[i].rdata, rr.rdata, rr.rdlen) == 0)
			return true;
	return false;
}

static void test_diff_and_apply(void)
{
	dns_zonedata v1, v2, back;
	load(&v1, SOA(1) HEAD "www A 192.0.2.10\nold TXT gone\nttl 300 A 192.0.2.7\n");
	load(&v2, SOA(2) HEAD "www A 192.0.2.10\nwww A 192.0.2.11\nttl 60 A 192.0.2.7\n");
	dns_delta d;
	dns_delta_init(&d, origin.data);
	CHECK_INT(dns_zone_diff(&v1, &v2, &d), DNS_OK);
	CHECK_INT(d.from, 1);
	CHECK_INT(d.to, 2);
	/* Out: the old SOA (first), old TXT, the A with the old TTL. */
	CHECK_INT(d.del.n, 3);
	CHECK_INT(d.del.rr[0].type, DNS_T_SOA);
	CHECK(holds(&d.del, "old 300 TXT gone"));
	CHECK(holds(&d.del, "ttl 300 A 192.0.2.7"));
	CHECK_INT(d.add.n, 3);
	CHECK_INT(d.add.rr[0].type, DNS_T_SOA);
	CHECK(holds(&d.add, "www 300 A 192.0.2.11"));
	CHECK(holds(&d.add, "ttl 60 A 192.0.2.7"));
	CHECK(!dns_delta_empty(&d));

	char msg[300];
	dns_zonedata_init(&back, origin.data, DNS_C_IN);
	CHECK_INT(dns_zone_apply(&v1, &d, &back, NULL, NULL, msg, sizeof msg), 0);
	CHECK_INT(back.n, v2.n);
	uint32_t s = 0;
	CHECK(dns_records_serial(&back, &s));
	CHECK_INT(s, 2);
	dns_delta again;
	dns_delta_init(&again, origin.data);
	CHECK_INT(dns_zone_diff(&v2, &back, &again), DNS_OK);
	CHECK_INT(again.del.n, 1);        /* nothing but the SOA's */
	CHECK(dns_delta_empty(&again));
	dns_delta_free(&again);
	dns_zonedata_free(&back);

	/* Applied to the wrong version: refused. */
	dns_zonedata_init(&back, origin.data, DNS_C_IN);
	CHECK_INT(dns_zone_apply(&v2, &d, &back, NULL, NULL, msg, sizeof msg), 1);
	CHECK(strstr(msg, "serial 1") != NULL);
	dns_zonedata_free(&back);
	dns_delta_free(&d);

	/* A deletion of what is not there: refused, saying which. */
	dns_delta_init(&d, origin.data);
	CHECK_INT(dns_zone_diff(&v1, &v2, &d), DNS_OK);
	uint8_t buf[300];
	dns_rr rr;
	char err[100];
	CHECK_INT(dns_master_parse_rr("nothere A 192.0.2.99", origin.data, DNS_C_IN, 300, buf,
				      sizeof buf, &rr, err, sizeof err), DNS_OK);
	CHECK(dns_zonedata_add(&d.del, &rr, "t", 0));
	dns_zonedata_init(&back, origin.data, DNS_C_IN);
	CHECK_INT(dns_zone_apply(&v1, &d, &back, NULL, NULL, msg, sizeof msg), 1);
	CHECK(strstr(msg, "nothere") != NULL);
	dns_zonedata_free(&back);
	dns_delta_free(&d);

	/* A delta that breaks the zone (CNAME beside data): the checks say so. */
	dns_zonedata bad;
	load(&bad, SOA(2) HEAD "www A 192.0.2.10\nold TXT gone\nttl 300 A 192.0.2.7\n");
	dns_delta_init(&d, origin.data);
	CHECK_INT(dns_zone_diff(&v1, &bad, &d), DNS_OK);
	CHECK_INT(dns_master_parse_rr("www CNAME elsewhere.", origin.data, DNS_C_IN, 300, buf,
				      sizeof buf, &rr, err, sizeof err), DNS_OK);
	CHECK(dns_zonedata_add(&d.add, &rr, "t", 0));
	dns_zonedata_init(&back, origin.data, DNS_C_IN);
	CHECK(dns_zone_apply(&v1, &d, &back, NULL, NULL, msg, sizeof msg) > 0);
	dns_zonedata_free(&back);
	dns_delta_free(&d);
	dns_zonedata_free(&bad);
	dns_zonedata_free(&v1);
	dns_zonedata_free(&v2);
}

/* Where an IXFR answer's records go: a list, and the transfer's end
 * followed as they come. */
struct sink {
	dns_zonedata *z;
	dns_xfr_track t;
};

static void emit(void *ctx, const dns_rr *rr)
{
	struct sink *sink = ctx;
	CHECK(dns_zonedata_add(sink->z, rr, "seq", 0));
	dns_xfr_track_rr(&sink->t, rr);
}

/* Three versions in a journal of two: the oldest falls out. */
static void test_journal(void)
{
	dns_zonedata v[4];
	load(&v[0], SOA(1) HEAD);
	load(&v[1], SOA(2) HEAD "a A 192.0.2.2\n");
	load(&v[2], SOA(3) HEAD "a A 192.0.2.2\nb A 192.0.2.3\n");
	load(&v[3], SOA(4294967295) HEAD "b A 192.0.2.3\n");
	dns_journal j;
	dns_journal_init(&j, 2);
	for (int i = 0; i < 3; i++) {
		dns_delta d;
		dns_delta_init(&d, origin.data);
		CHECK_INT(dns_zone_diff(&v[i], &v[i + 1], &d), DNS_OK);
		CHECK(dns_journal_add(&j, &d));
		CHECK_INT(d.del.n, 0);     /* moved in */
	}
	CHECK_INT(j.n, 2);
	CHECK_INT(dns_journal_find(&j, 1), -1);
	CHECK_INT(dns_journal_find(&j, 2), 0);
	CHECK_INT(dns_journal_find(&j, 3), 1);
	CHECK_INT(dns_journal_find(&j, 4294967295u), -1);   /* up to date: nothing */

	/* The IXFR answer from serial 2, read back by a client at 2. */
	dns_zonedata seq;
	dns_zonedata_init(&seq, origin.data, DNS_C_IN);
	const dns_rr *soa = NULL;
	for (size_t i = 0; i < v[3].n; i++)
		if (v[3].rr[i].type == DNS_T_SOA)
			soa = &v[3].rr[i];
	struct sink sink = { &seq, { 0 } };
	dns_xfr_track_init(&sink.t);
	dns_ixfr_emit(&j.d[0], j.n, soa, emit, &sink);
	CHECK(sink.t.done);
	CHECK(!sink.t.error);
	/* SOA4, [SOA2 -, SOA3 +b], [SOA3 -a, SOA4], SOA4 */
	CHECK_INT(seq.n, 8);
	dns_ixfr x;
	CHECK_INT(dns_ixfr_read(seq.rr, seq.n, origin.data, 2, &x), DNS_OK);
	CHECK_INT(x.kind, DNS_IXFR_DELTAS);
	CHECK_INT(x.ndeltas, 2);
	CHECK_INT(x.serial, 4294967295u);
	dns_zonedata cur, next;
	dns_zonedata_init(&cur, origin.data, DNS_C_IN);
	char msg[200];
	CHECK_INT(dns_zone_apply(&v[1], &x.deltas[0], &cur, NULL, NULL, msg, sizeof msg), 0);
	dns_zonedata_init(&next, origin.data, DNS_C_IN);
	CHECK_INT(dns_zone_apply(&cur, &x.deltas[1], &next, NULL, NULL, msg, sizeof msg), 0);
	dns_delta same;
	dns_delta_init(&same, origin.data);
	CHECK_INT(dns_zone_diff(&next, &v[3], &same), DNS_OK);
	CHECK(dns_delta_empty(&same));
	dns_delta_free(&same);
	dns_zonedata_free(&cur);
	dns_zonedata_free(&next);
	dns_ixfr_free(&x);

	/* The same answer for a client at serial 1: its deltas do not start
	 * there. */
	CHECK_INT(dns_ixfr_read(seq.rr, seq.n, origin.data, 1, &x), DNS_E_FORMAT);
	/* Cut before the closing SOA. */
	CHECK_INT(dns_ixfr_read(seq.rr, seq.n - 1, origin.data, 2, &x), DNS_E_FORMAT);
	dns_zonedata_free(&seq);

	/* A delta that does not follow on empties the journal first. */
	dns_delta d;
	dns_delta_init(&d, origin.data);
	CHECK_INT(dns_zone_diff(&v[0], &v[1], &d), DNS_OK);
	CHECK(dns_journal_add(&j, &d));
	CHECK_INT(j.n, 1);
	CHECK_INT(dns_journal_find(&j, 1), 0);

	/* A reload that keeps the serial and the data: nothing kept, the
	 * history stays. */
	dns_delta_init(&d, origin.data);
	CHECK_INT(dns_zone_diff(&v[1], &v[1], &d), DNS_OK);
	CHECK_INT(d.from, d.to);
	CHECK(dns_journal_add(&j, &d));
	CHECK_INT(j.n, 1);
	/* The data changed, the serial did not (an IXFR would end in two
	 * versions with one serial): the history is gone, clients take the
	 * whole zone. */
	dns_zonedata same_serial;
	load(&same_serial, SOA(2) HEAD "a A 192.0.2.9\n");
	dns_delta_init(&d, origin.data);
	CHECK_INT(dns_zone_diff(&v[1], &same_serial, &d), DNS_OK);
	CHECK(!dns_delta_empty(&d));
	CHECK(dns_journal_add(&j, &d));
	CHECK_INT(j.n, 0);
	CHECK_INT(dns_journal_find(&j, 1), -1);
	CHECK_INT(dns_journal_find(&j, 2), -1);
	dns_zonedata_free(&same_serial);
	dns_journal_free(&j);
	for (int i = 0; i < 4; i++)
		dns_zonedata_free(&v[i]);
}

/* The AXFR form and the lone SOA. */
static void test_read_forms(void)
{
	dns_zonedata z;
	load(&z, SOA(7) HEAD "www A 192.0.2.10\n");
	/* SOA, the rest, SOA. */
	dns_rr seq[8];
	size_t n = 0;
	const dns_rr *soa = NULL;
	for (size_t i = 0; i < z.n; i++)
		if (z.rr[i].type == DNS_T_SOA)
			soa = &z.rr[i];
	seq[n++] = *soa;
	for (size_t i = 0; i < z.n; i++)
		if (&z.rr[i] != soa)
			seq[n++] = z.rr[i];
	seq[n++] = *soa;
	dns_ixfr x;
	CHECK_INT(dns_ixfr_read(seq, n, origin.data, 3, &x), DNS_OK);
	CHECK_INT(x.kind, DNS_IXFR_FULL);
	CHECK_INT(x.nfull, n - 1);
	CHECK_INT(x.serial, 7);
	dns_xfr_track t;
	dns_xfr_track_init(&t);
	for (size_t i = 0; i < n; i++) {
		CHECK(!t.done);
		dns_xfr_track_rr(&t, &seq[i]);
	}
	CHECK(t.done);
	CHECK(!t.error);
	dns_xfr_track_rr(&t, &seq[1]);
	CHECK(t.error);
	/* An SOA inside the body: not a transfer. */
	dns_rr twice[4] = { *soa, *soa, seq[1], *soa };
	CHECK_INT(dns_ixfr_read(twice, 4, origin.data, 3, &x), DNS_E_FORMAT);
	/* One SOA: up to date when not newer than ours, else nonsense. */
	CHECK_INT(dns_ixfr_read(seq, 1, origin.data, 7, &x), DNS_OK);
	CHECK_INT(x.kind, DNS_IXFR_UPTODATE);
	CHECK_INT(dns_ixfr_read(seq, 1, origin.data, 3, &x), DNS_E_FORMAT);
	dns_xfr_track_init(&t);
	dns_xfr_track_rr(&t, &seq[0]);
	dns_xfr_message_end(&t, true, 3);
	CHECK(!t.done);                  /* newer: more must follow */
	dns_xfr_message_end(&t, false, 7);
	CHECK(!t.done);                  /* an AXFR is never one SOA */
	dns_xfr_message_end(&t, true, 7);
	CHECK(t.done);
	/* Not starting with an SOA. */
	dns_xfr_track_init(&t);
	dns_xfr_track_rr(&t, &seq[1]);
	CHECK(t.error);
	CHECK_INT(dns_ixfr_read(&seq[1], 2, origin.data, 3, &x), DNS_E_FORMAT);
	dns_zonedata_free(&z);
}

int main(void)
{
	if (dns_name_from_text(&origin, "example.", 8, NULL) != DNS_OK)
		abort();
	RUN(test_diff_and_apply);
	RUN(test_journal);
	RUN(test_read_forms);
	return check_summary("ixfr");
}
