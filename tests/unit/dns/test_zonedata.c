/* Zone checks, the rules of BIND's named-checkzone: each with a zone
 * that breaks it and one that keeps it.  named-checkzone 9.18.49 (-i
 * local) was run on every zone here; its verdict is in the comments.
 * Also: canonical order, merged duplicates, one TTL per RRset, where
 * each diagnostic points. */
#include <errno.h>
#include <stdlib.h>

#include "check.h"
#include "dns/zonedata.h"

/* Every zone starts with this: SOA and NS at the apex, an address for
 * the nameserver (lines 1-4). */
#define HEAD "$TTL 300\n@ SOA ns1 host 1 3600 600 86400 300\n@ NS ns1\nns1 A 192.0.2.1\n"

struct result {
	dns_zonedata z;
	unsigned errors;
	char diags[4096];     /* "file:line: error|warning: msg\n" each */
};

static const char *include_name, *include_text;

static int read_mem(void *ctx, const char *path, char **data, size_t *len)
{
	(void)ctx;
	if (include_name && strcmp(path, include_name) == 0) {
		*data = strdup(include_text);
		*len = strlen(include_text);
		return *data ? 0 : ENOMEM;
	}
	return ENOENT;
}

static void collect(void *ctx, const dns_diag *d)
{
	struct result *r = ctx;
	size_t n = strlen(r->diags);
	snprintf(r->diags + n, sizeof r->diags - n, "%s:%u: %s: %s\n", d->file, d->line,
		 d->severity == DNS_ERROR ? "error" : "warning", d->msg);
}

static void load(struct result *r, const char *text)
{
	dns_name origin;
	if (dns_name_from_text(&origin, "example.", 8, NULL) != DNS_OK)
		abort();
	memset(r, 0, sizeof *r);
	dns_zonedata_init(&r->z, origin.data, DNS_C_IN);
	dns_master_ops io = { read_mem, NULL, collect, r };
	r->errors = dns_zonedata_load_text(&r->z, "z", text, strlen(text), &io);
}

/* The zone loads without errors or warnings. */
static void clean(const char *text)
{
	struct result r;
	load(&r, text);
	if (r.errors || r.diags[0])
		fprintf(stderr, "  unexpected:\n%s", r.diags);
	CHECK_INT(r.errors, 0);
	CHECK_STR(r.diags, "");
	dns_zonedata_free(&r.z);
}

/* The zone has exactly `errors` errors and these diagnostics. */
static void diagnosed(const char *text, unsigned errors, const char *diags)
{
	struct result r;
	load(&r, text);
	CHECK_INT(r.errors, errors);
	CHECK_STR(r.diags, diags);
	dns_zonedata_free(&r.z);
}

static void test_minimal_zone(void)
{
	/* named-checkzone: OK */
	clean(HEAD);
}

static void test_soa(void)
{
	/* named-checkzone: "has 0 SOA records", not loaded. */
	diagnosed("$TTL 300\n@ NS ns1\nns1 A 192.0.2.1\n", 1,
		  "z:0: error: no SOA record at the apex example.\n");
	/* named-checkzone: "multiple RRs of singleton type", not loaded. */
	diagnosed(HEAD "@ SOA ns2 host 2 3600 600 86400 300\n", 1,
		  "z:5: error: more than one SOA record at the apex\n");
	/* named-checkzone: "SOA record not at top of zone", not loaded. */
	diagnosed(HEAD "sub SOA ns1 host 1 3600 600 86400 300\n", 1,
		  "z:5: error: SOA record at sub.example.: an SOA belongs at the apex example. only\n");
	/* The same SOA twice is one record: fine. */
	clean(HEAD "@ SOA ns1 host 1 3600 600 86400 300\n");
}

static void test_apex_ns(void)
{
	/* named-checkzone: "has no NS records", not loaded. */
	diagnosed("$TTL 300\n@ SOA ns1 host 1 3600 600 86400 300\nns1 A 192.0.2.1\n", 1,
		  "z:0: error: no NS records at the apex example.\n");
	/* NS records below the apex (a delegation) do not count. */
	diagnosed("$TTL 300\n@ SOA ns1 host 1 3600 600 86400 300\nsub NS ns.other.\n", 1,
		  "z:0: error: no NS records at the apex example.\n");
	clean(HEAD "@ NS ns.other.org.\n");
}

static void test_cname_and_other_data(void)
{
	/* named-checkzone: "CNAME and other data", not loaded. */
	diagnosed(HEAD "www CNAME ns1\nwww A 192.0.2.2\n", 1,
		  "z:5: error: www.example.: CNAME and other data (A) at the same name\n");
	/* named-checkzone: "CNAME and other data" at the apex. */
	diagnosed(HEAD "@ CNAME ns1\n", 1,
		  "z:5: error: example.: CNAME and other data (NS) at the same name "
		  "(the apex cannot be an alias)\n");
	/* named-checkzone: "multiple RRs of singleton type", not loaded. */
	diagnosed(HEAD "www CNAME ns1\nwww CNAME host\n", 1,
		  "z:6: error: www.example. has more than one CNAME record\n");
	/* named-checkzone: OK.  DNSSEC records may stand beside a CNAME. */
	clean(HEAD "www CNAME ns1\n");
	clean(HEAD "www CNAME ns1\n"
		   "www NSEC zz.example. CNAME RRSIG NSEC\n"
		   "www RRSIG CNAME 13 2 300 20300101000000 20200101000000 1 example. AQID\n");
}

/* dnsim's ALIAS at the apex: accepted alone, refused beside a CNAME (as
 * any other data is), beside the name's own A or AAAA, and twice. */
static void test_alias(void)
{
	clean(HEAD "@ ALIAS www.cdn.example.net.\n");
	clean(HEAD "shop 60 ALIAS shops.example.net.\nshop MX 10 ns1\n");
	diagnosed(HEAD "@ ALIAS www.cdn.example.net.\n@ A 192.0.2.9\n", 1,
		  "z:5: error: example.: ALIAS and A at the same name (the ALIAS answers A "
		  "and AAAA there: remove one)\n");
	diagnosed(HEAD "www ALIAS cdn.example.net.\nwww AAAA 2001:db8::9\n", 1,
		  "z:5: error: www.example.: ALIAS and AAAA at the same name (the ALIAS "
		  "answers A and AAAA there: remove one)\n");
	diagnosed(HEAD "www ALIAS cdn.example.net.\nwww CNAME ns1\n", 1,
		  "z:6: error: www.example.: CNAME and other data (ALIAS) at the same name\n");
	diagnosed(HEAD "www ALIAS a.example.net.\nwww ALIAS b.example.net.\n", 1,
		  "z:6: error: www.example. has more than one ALIAS record\n");
}

/* The first record of a type, at one owner or anywhere. */
static void test_find(void)
{
	struct result r;
	load(&r, HEAD "www ALIAS cdn.example.net.\nmail A 192.0.2.7\n");
	CHECK_INT(r.errors, 0);
	const dns_rr *alias = dns_zonedata_find(&r.z, NULL, DNS_T_ALIAS);
	CHECK(alias != NULL);
	char text[DNS_NAME_MAXTEXT] = "";
	if (alias)
		CHECK(dns_name_to_text(alias->owner, text, sizeof text, NULL) == DNS_OK);
	CHECK_STR(text, "www.example.");
	dns_name mail, www;
	CHECK(dns_name_from_text(&mail, "mail.example.", 13, NULL) == DNS_OK);
	CHECK(dns_name_from_text(&www, "www.example.", 12, NULL) == DNS_OK);
	const dns_rr *a = dns_zonedata_find(&r.z, mail.data, DNS_T_A);
	CHECK(a != NULL && a->rdlen == 4 && a->rdata[3] == 7);
	CHECK(dns_zonedata_find(&r.z, www.data, DNS_T_A) == NULL);
	CHECK(dns_zonedata_find(&r.z, NULL, DNS_T_MX) == NULL);
	dns_zonedata_free(&r.z);
}

static void test_out_of_zone(void)
{
	/* named-checkzone only warns ("ignoring out-of-zone data") and
	 * drops the record; here it is an error, so nothing vanishes
	 * silently. */
	diagnosed(HEAD "other.org. A 192.0.2.9\n", 1,
		  "z:5: error: other.org. is outside the zone example.\n");
	/* A name that merely ends in the same letters is outside too. */
	diagnosed(HEAD "notexample. A 192.0.2.9\n", 1,
		  "z:5: error: notexample. is outside the zone example.\n");
	clean(HEAD "deep.below.example. A 192.0.2.9\n");
}

static void test_glue_and_nameserver_addresses(void)
{
	/* named-checkzone: "has no REQUIRED GLUE address records", but
	 * loads: a warning. */
	diagnosed(HEAD "sub NS ns.sub\n", 0,
		  "z:5: warning: sub.example. NS ns.sub.example.: no glue address (A or AAAA) for it\n");
	/* named-checkzone: OK, with glue (an AAAA will do). */
	clean(HEAD "sub NS ns.sub\nns.sub A 192.0.2.7\n");
	clean(HEAD "sub NS ns.sub\nns.sub AAAA 2001:db8::7\n");
	/* A nameserver outside the zone needs nothing from it. */
	clean(HEAD "sub NS ns.other.org.\n");
	/* named-checkzone: "NS 'ns2.example' has no address records",
	 * not loaded: in-zone, not below a cut, so authoritative data. */
	diagnosed(HEAD "@ NS ns2\n", 1,
		  "z:5: error: example. NS ns2.example.: the nameserver has no address records (A or AAAA)\n");
	/* An apex NS naming a host below a cut is not glue of its own:
	 * named-checkzone warns only for the delegation's NS. */
	diagnosed(HEAD "@ NS ns.sub\nsub NS ns.sub\n", 0,
		  "z:6: warning: sub.example. NS ns.sub.example.: no glue address (A or AAAA) for it\n");
}

static void test_ds_placement(void)
{
	static const char digest[] =
		"ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB";
	char zone[512];
	/* named-checkzone: "DS record at top of zone", not loaded. */
	snprintf(zone, sizeof zone, HEAD "@ DS 1 8 2 %s\n", digest);
	diagnosed(zone, 1, "z:5: error: DS record at the apex example.: DS belongs in the parent zone\n");
	/* named-checkzone: OK at a delegation. */
	snprintf(zone, sizeof zone, HEAD "sub NS ns.other.org.\nsub DS 1 8 2 %s\n", digest);
	clean(zone);
}

static void test_ttl_and_duplicates(void)
{
	/* named-checkzone: "TTL set to prior TTL (300)", loads: the TTL
	 * first in the file wins, wherever the record sorts. */
	struct result r;
	load(&r, HEAD "www 600 A 192.0.2.6\nwww 300 A 192.0.2.5\n");
	CHECK_INT(r.errors, 0);
	CHECK_STR(r.diags, "z:6: warning: www.example. A: TTL 300 differs from the RRset's first, 600; using 600\n");
	size_t found = 0;
	for (size_t i = 0; i < r.z.n; i++)
		if (r.z.rr[i].type == DNS_T_A && r.z.rr[i].rdata[3] != 1) {
			CHECK_INT(r.z.rr[i].ttl, 600);
			found++;
		}
	CHECK_INT(found, 2);
	dns_zonedata_free(&r.z);

	/* Identical records (names differing in case only) become one. */
	load(&r, HEAD "www A 192.0.2.5\nWWW A 192.0.2.5\nwww A 192.0.2.6\n");
	CHECK_INT(r.errors, 0);
	CHECK_STR(r.diags, "");
	CHECK_INT(r.z.n, 3 + 2);
	dns_zonedata_free(&r.z);

	/* RRSIGs over different RRsets keep their own TTLs, silently (a
	 * signed zone's NSEC and its RRSIG have the SOA MINIMUM). */
	load(&r, HEAD "www 300 RRSIG A 13 2 300 20300101000000 20200101000000 1 example. AQID\n"
		      "www 60 RRSIG NSEC 13 2 60 20300101000000 20200101000000 1 example. AQID\n");
	CHECK_INT(r.errors, 0);
	CHECK_STR(r.diags, "");
	for (size_t i = 0; i < r.z.n; i++)
		if (r.z.rr[i].type == DNS_T_RRSIG)
			CHECK_INT(r.z.rr[i].ttl, r.z.rr[i].rdata[1] == DNS_T_A ? 300 : 60);
	dns_zonedata_free(&r.z);
}

/* After finish the records are in RFC 4034 canonical order, each with
 * the line it came from. */
static void test_canonical_order_and_lines(void)
{
	struct result r;
	load(&r, HEAD
	     "z A 192.0.2.10\n"          /* 5 */
	     "a.b MX 10 ns1\n"           /* 6 */
	     "b A 192.0.2.11\n"          /* 7 */
	     "a A 192.0.2.12\n"          /* 8 */
	     "B TXT \"x\"\n");           /* 9 */
	CHECK_INT(r.errors, 0);
	static const struct {
		const char *owner;
		uint16_t type;
		unsigned line;
	} want[] = {
		{ "example.", DNS_T_NS, 3 },  { "example.", DNS_T_SOA, 2 },
		{ "a.example.", DNS_T_A, 8 }, { "b.example.", DNS_T_A, 7 },
		{ "B.example.", DNS_T_TXT, 9 }, { "a.b.example.", DNS_T_MX, 6 },
		{ "ns1.example.", DNS_T_A, 4 }, { "z.example.", DNS_T_A, 5 },
	};
	CHECK_INT(r.z.n, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < r.z.n && i < sizeof want / sizeof want[0]; i++) {
		char owner[DNS_NAME_MAXTEXT];
		CHECK_INT(dns_name_to_text(r.z.rr[i].owner, owner, sizeof owner, NULL), DNS_OK);
		CHECK_STR(owner, want[i].owner);
		CHECK_INT(r.z.rr[i].type, want[i].type);
		CHECK_INT(r.z.line[i], want[i].line);
		CHECK_STR(r.z.files[r.z.file[i]], "z");
	}
	dns_zonedata_free(&r.z);
}

/* Records from an $INCLUDE file carry that file's name in diagnostics. */
static void test_include_file_in_diagnostics(void)
{
	include_name = "glue.inc";
	include_text = "\n\nwww CNAME ns1\nwww TXT \"x\"\n";
	diagnosed(HEAD "$INCLUDE glue.inc\n", 1,
		  "glue.inc:3: error: www.example.: CNAME and other data (TXT) at the same name\n");
	include_name = NULL;
	/* A reading error stops before the checks (no SOA/NS noise). */
	struct result r;
	load(&r, HEAD "$INCLUDE missing.inc\n");
	CHECK(r.errors >= 1);
	CHECK(strstr(r.diags, "missing.inc") != NULL);
	CHECK(strstr(r.diags, "SOA") == NULL);
	dns_zonedata_free(&r.z);
}

/* Records added one by one are copied: the caller's buffers can go. */
static void test_add_copies(void)
{
	dns_name origin, owner;
	CHECK_INT(dns_name_from_text(&origin, "example.", 8, NULL), DNS_OK);
	dns_zonedata z;
	dns_zonedata_init(&z, origin.data, DNS_C_IN);
	uint8_t rd[4] = { 192, 0, 2, 1 };
	CHECK_INT(dns_name_from_text(&owner, "host.example.", 13, NULL), DNS_OK);
	dns_rr rr = { owner.data, DNS_T_A, DNS_C_IN, 60, 4, rd };
	CHECK(dns_zonedata_add(&z, &rr, "mem", 1));
	memset(rd, 0, sizeof rd);
	memset(&owner, 0, sizeof owner);
	CHECK_INT(z.n, 1);
	CHECK(z.rr[0].rdata[0] == 192 && z.rr[0].rdata[3] == 1);
	CHECK_INT(z.rr[0].owner[0], 4);
	CHECK_STR(z.files[z.file[0]], "mem");
	/* Without SOA and NS the zone does not pass. */
	CHECK_INT(dns_zonedata_finish(&z, NULL, NULL), 2);
	dns_zonedata_free(&z);
}

/* Read without the checks: a zone without apex NS comes in clean, the
 * caller adds them, then finish checks the whole. */
static void test_read_then_finish(void)
{
	include_name = "tmpl.zone";
	include_text = "$TTL 300\n@ SOA ns1 host 1 3600 600 86400 300\nns1 A 192.0.2.1\n";
	dns_name origin, ns;
	CHECK_INT(dns_name_from_text(&origin, "example.", 8, NULL), DNS_OK);
	struct result r;
	memset(&r, 0, sizeof r);
	dns_zonedata_init(&r.z, origin.data, DNS_C_IN);
	dns_master_ops io = { read_mem, NULL, collect, &r };
	CHECK_INT(dns_zonedata_read(&r.z, "tmpl.zone", &io), 0);
	CHECK_INT(r.z.n, 2);
	CHECK_STR(r.diags, "");
	CHECK_INT(dns_name_from_text(&ns, "ns1.example.", 12, NULL), DNS_OK);
	dns_rr rr = { origin.data, DNS_T_NS, DNS_C_IN, 300, (uint16_t)dns_name_length(ns.data),
		      ns.data };
	CHECK(dns_zonedata_add(&r.z, &rr, "tmpl.zone", 0));
	CHECK_INT(dns_zonedata_finish(&r.z, collect, &r), 0);
	CHECK_STR(r.diags, "");
	dns_zonedata_free(&r.z);
	/* Without the NS, finish says what is missing. */
	memset(&r, 0, sizeof r);
	dns_zonedata_init(&r.z, origin.data, DNS_C_IN);
	io.ctx = &r;
	CHECK_INT(dns_zonedata_read(&r.z, "tmpl.zone", &io), 0);
	CHECK_INT(dns_zonedata_finish(&r.z, collect, &r), 1);
	CHECK_STR(r.diags, "tmpl.zone:0: error: no NS records at the apex example.\n");
	dns_zonedata_free(&r.z);
	/* A file that is not there is a reading error. */
	memset(&r, 0, sizeof r);
	dns_zonedata_init(&r.z, origin.data, DNS_C_IN);
	io.ctx = &r;
	CHECK(dns_zonedata_read(&r.z, "missing.zone", &io) >= 1);
	dns_zonedata_free(&r.z);
	include_name = NULL;
}

int main(void)
{
	RUN(test_minimal_zone);
	RUN(test_soa);
	RUN(test_apex_ns);
	RUN(test_cname_and_other_data);
	RUN(test_alias);
	RUN(test_find);
	RUN(test_out_of_zone);
	RUN(test_glue_and_nameserver_addresses);
	RUN(test_ds_placement);
	RUN(test_ttl_and_duplicates);
	RUN(test_canonical_order_and_lines);
	RUN(test_include_file_in_diagnostics);
	RUN(test_add_copies);
	RUN(test_read_then_finish);
	return check_summary("test_zonedata");
}
