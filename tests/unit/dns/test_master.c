/* Master files: every construct of RFC 1035 section 5 the way BIND reads
 * it, and an error with file:line:column for each kind of mistake. */
#include <errno.h>
#include <stdlib.h>

#include "check.h"
#include "dns/rdata.h"
#include "dns/zonedata.h"

struct files {
	const char *name[4];
	const char *text[4];
};

struct got {
	struct files *files;
	dns_zonedata z;
	char errors[4096];
	char warnings[2048];
};

static int read_mem(void *ctx, const char *path, char **data, size_t *len)
{
	struct got *g = ctx;
	for (int i = 0; i < 4 && g->files->name[i]; i++)
		if (strcmp(path, g->files->name[i]) == 0) {
			*data = strdup(g->files->text[i]);
			*len = strlen(*data);
			return 0;
		}
	return ENOENT;
}

static bool take(void *ctx, const dns_rr *rr, const char *file, unsigned line)
{
	struct got *g = ctx;
	return dns_zonedata_add(&g->z, rr, file, line);
}

static void note(void *ctx, const dns_diag *d)
{
	struct got *g = ctx;
	char *buf = d->severity == DNS_ERROR ? g->errors : g->warnings;
	size_t size = d->severity == DNS_ERROR ? sizeof g->errors : sizeof g->warnings;
	size_t n = strlen(buf);
	snprintf(buf + n, size - n, "%s:%u:%u: %s\n", d->file, d->line, d->col, d->msg);
}

/* Load `text` as zone example.com. (plus up to three included files). */
static unsigned load(struct got *g, const char *text, const char *inc1,
		     const char *inc1_text, const char *inc2, const char *inc2_text)
{
	static struct files f;
	memset(&f, 0, sizeof f);
	f.name[0] = "zones/example.zone";
	f.text[0] = text;
	f.name[1] = inc1;
	f.text[1] = inc1_text;
	f.name[2] = inc2;
	f.text[2] = inc2_text;
	memset(g, 0, sizeof *g);
	g->files = &f;
	dns_name origin;
	if (dns_name_from_text(&origin, "example.com.", 12, NULL))
		abort();
	dns_zonedata_init(&g->z, origin.data, DNS_C_IN);
	dns_master_ops ops = { read_mem, take, note, g };
	unsigned e = dns_master_read("zones/example.zone", origin.data, DNS_C_IN, &ops);
	if (e == 0)
		e = dns_zonedata_finish(&g->z, note, g);
	return e;
}

/* The records as text lines, canonical order, joined. */
static const char *lines(struct got *g)
{
	static char out[8192];
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < g->z.n && o < sizeof out; i++) {
		char line[1024];
		if (dns_rr_to_text(&g->z.rr[i], line, sizeof line, NULL))
			strcpy(line, "?");
		o += (size_t)snprintf(out + o, sizeof out - o, "%s\n", line);
	}
	return out;
}

#define HEAD "$TTL 300\n@ SOA ns1 admin 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.1\n"

static void test_the_basics(void)
{
	struct got g;
	CHECK_INT(load(&g,
		"$ORIGIN example.com.\n"
		"$TTL 1h\n"
		"@ IN SOA ns1.example.com. hostmaster ( 2024010101 ; serial\n"
		"      3600 ; refresh\n"
		"      900 604800 300 )\n"
		"  IN NS ns1 ; blank owner: the apex again\n"
		"ns1 A 192.0.2.1\n"
		"www 60 IN A 192.0.2.80\n"
		"www IN 60 AAAA 2001:db8::80\n"
		"txt TXT \"a \\\"quoted\\\" string\" two \"semi;colon\"\n"
		"sub.example.com. 2d NS ns1\n"
		"$ORIGIN sub.example.com.\n"
		"deep CNAME @\n", NULL, NULL, NULL, NULL), 0);
	/* Canonical order: by name, then type number (NS 2 before SOA 6). */
	CHECK_STR(lines(&g),
		  "example.com.\t3600\tIN\tNS\tns1.example.com.\n"
		  "example.com.\t3600\tIN\tSOA\tns1.example.com. hostmaster.example.com. 2024010101 3600 900 604800 300\n"
		  "ns1.example.com.\t3600\tIN\tA\t192.0.2.1\n"
		  "sub.example.com.\t172800\tIN\tNS\tns1.example.com.\n"
		  "deep.sub.example.com.\t3600\tIN\tCNAME\tsub.example.com.\n"
		  "txt.example.com.\t3600\tIN\tTXT\t\"a \\\"quoted\\\" string\" \"two\" \"semi;colon\"\n"
		  "www.example.com.\t60\tIN\tA\t192.0.2.80\n"
		  "www.example.com.\t60\tIN\tAAAA\t2001:db8::80\n");
	CHECK_STR(g.errors, "");
	CHECK_INT(g.z.line[4], 13);     /* where deep.sub came from */
	dns_zonedata_free(&g.z);
}

static void test_include(void)
{
	struct got g;
	CHECK_INT(load(&g, HEAD
		"$INCLUDE hosts.inc\n"
		"$INCLUDE sub/more.inc lab.example.com.\n"
		"after A 192.0.2.9\n",
		"zones/hosts.inc", "web A 192.0.2.80\n",
		"zones/sub/more.inc", "@ A 192.0.2.7\nx A 192.0.2.8\n"), 0);
	const char *l = lines(&g);
	CHECK(strstr(l, "web.example.com.\t300\tIN\tA\t192.0.2.80") != NULL);
	CHECK(strstr(l, "lab.example.com.\t300\tIN\tA\t192.0.2.7") != NULL);
	CHECK(strstr(l, "x.lab.example.com.\t300\tIN\tA\t192.0.2.8") != NULL);
	/* The origin comes back after the include. */
	CHECK(strstr(l, "after.example.com.\t300\tIN\tA\t192.0.2.9") != NULL);
	dns_zonedata_free(&g.z);
	CHECK(load(&g, HEAD "$INCLUDE missing.inc\n", NULL, NULL, NULL, NULL) > 0);
	CHECK(strstr(g.errors, "zones/example.zone:5:10: $INCLUDE zones/missing.inc: No such file") != NULL);
	dns_zonedata_free(&g.z);
	/* A file that includes itself stops at the depth limit. */
	CHECK(load(&g, HEAD "$INCLUDE example.zone\n", NULL, NULL, NULL, NULL) > 0);
	CHECK(strstr(g.errors, "nested more than") != NULL);
	dns_zonedata_free(&g.z);
}

static void test_ttl_rules(void)
{
	struct got g;
	/* No $TTL: the SOA takes its MINIMUM (with a warning), later records
	 * the previous TTL. */
	CHECK_INT(load(&g, "@ SOA ns1 admin 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.1\n",
		       NULL, NULL, NULL, NULL), 0);
	CHECK(strstr(g.warnings, "using the SOA MINIMUM 5") != NULL);
	CHECK(strstr(lines(&g), "ns1.example.com.\t5\tIN\tA") != NULL);
	dns_zonedata_free(&g.z);
	/* Different TTLs in one RRset: the first wins, with a warning. */
	CHECK_INT(load(&g, HEAD "w 60 A 192.0.2.1\nw 120 A 192.0.2.2\n", NULL, NULL, NULL, NULL), 0);
	CHECK(strstr(g.warnings, "zones/example.zone:6:0: w.example.com. A: TTL 120 differs") != NULL);
	CHECK(strstr(lines(&g), "w.example.com.\t60\tIN\tA\t192.0.2.2") != NULL);
	dns_zonedata_free(&g.z);
	/* Duplicates merge silently. */
	CHECK_INT(load(&g, HEAD "d A 192.0.2.1\nD.example.com. A 192.0.2.1\n", NULL, NULL, NULL, NULL), 0);
	CHECK_INT(g.z.n, 4);
	CHECK_STR(g.warnings, "");
	dns_zonedata_free(&g.z);
}

/* The error text must name this line:column and contain `words`. */
static void bad(const char *text, const char *where, const char *words)
{
	struct got g;
	CHECK(load(&g, text, NULL, NULL, NULL, NULL) > 0);
	char want[64];
	snprintf(want, sizeof want, "zones/example.zone:%s: ", where);
	if (strstr(g.errors, want) == NULL || strstr(g.errors, words) == NULL) {
		fprintf(stderr, "  wanted %s...%s, got:\n%s", want, words, g.errors);
		CHECK(0);
	}
	dns_zonedata_free(&g.z);
}

static void test_syntax_errors(void)
{
	bad(HEAD "www 300 IN FOO 1.2.3.4\n", "5:12", "expected  or a record type, got \"FOO\"");
	bad(HEAD "www 1x A 1.2.3.4\n", "5:5", "\"1x\" is not a TTL");
	bad(HEAD "www A 1.2.3.456\n", "5:7", "A record: \"1.2.3.456\"");
	bad(HEAD "www MX 10\n", "5:5", "MX record: data incomplete");
	bad(HEAD "www CH A 1.2.3.4\n", "5:8", "class CH differs");
	bad(HEAD "a..b A 1.2.3.4\n", "5:1", "empty label");
	bad(HEAD "www TXT \"open\n", "5:9", "never closed");
	bad(HEAD "www A ( 192.0.2.1\n", "5:7", "'(' is never closed");
	bad(HEAD "www A 192.0.2.1 )\n", "5:17", "')' without a matching '('");
	bad(HEAD "$GENERATE 1-2 x A 1.2.3.4\n", "5:1", "unknown directive $GENERATE");
	bad(HEAD "$TTL 1h30\n", "5:6", "is not a TTL");
	bad(HEAD "www AXFR x\n", "5:5", "is a query type");
	bad(HEAD "w TYPE65534 0a0b\n", "5:13", "generic form");
	bad(" A 192.0.2.1\n@ SOA ns1 admin 1 2 3 4 5\n", "1:2", "first record needs an owner");
	bad("www A 192.0.2.1\n@ SOA ns1 admin 1 2 3 4 5\n", "1:5", "no TTL given");
	char label[200];
	snprintf(label, sizeof label, HEAD "%.64s A 192.0.2.1\n",
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	bad(label, "5:1", "longer than 63");
}

static void test_zone_checks(void)
{
	bad("$TTL 1\n@ NS ns1\nns1 A 192.0.2.1\n", "0:0", "no SOA record at the apex");
	bad(HEAD "@ SOA ns2 admin 2 2 3 4 5\n", "5:0", "more than one SOA");
	bad(HEAD "sub SOA ns1 admin 1 2 3 4 5\n", "5:0", "an SOA belongs at the apex");
	bad("$TTL 1\n@ SOA ns1 admin 1 2 3 4 5\n", "0:0", "no NS records at the apex");
	bad(HEAD "www CNAME x\nwww A 192.0.2.1\n", "5:0", "CNAME and other data");
	bad(HEAD "@ CNAME x\n", "5:0", "the apex cannot be an alias");
	bad(HEAD "www CNAME x\nwww CNAME y\n", "6:0", "more than one CNAME");
	bad(HEAD "other.org. A 192.0.2.1\n", "5:0", "outside the zone");
	bad("$TTL 1\n@ SOA ns1 admin 1 2 3 4 5\n@ NS ns1\n", "3:0", "has no address records");
	/* Missing glue below a cut: a warning only. */
	struct got g;
	CHECK_INT(load(&g, HEAD "sub NS ns.sub\n", NULL, NULL, NULL, NULL), 0);
	CHECK(strstr(g.warnings, "sub.example.com. NS ns.sub.example.com.: no glue") != NULL);
	dns_zonedata_free(&g.z);
	/* CNAME with its RRSIG is fine. */
	CHECK_INT(load(&g, HEAD "c CNAME x\nc RRSIG CNAME 8 3 300 20300101000000 20200101000000 1 example.com. AQID\n",
		       NULL, NULL, NULL, NULL), 0);
	dns_zonedata_free(&g.z);
}

static void test_single_record_parse(void)
{
	uint8_t buf[600];
	dns_rr rr;
	char err[200];
	dns_name origin;
	CHECK_INT(dns_name_from_text(&origin, "example.com.", 12, NULL), DNS_OK);
	CHECK_INT(dns_master_parse_rr("www 60 A 192.0.2.1", origin.data, DNS_C_IN, 300, buf,
				      sizeof buf, &rr, err, sizeof err), DNS_OK);
	CHECK_INT(rr.ttl, 60);
	CHECK_INT(rr.type, DNS_T_A);
	CHECK_INT(dns_name_labels(rr.owner), 3);
	CHECK_INT(dns_master_parse_rr("mail MX 10 mx", origin.data, DNS_C_IN, 300, buf,
				      sizeof buf, &rr, err, sizeof err), DNS_OK);
	CHECK_INT(rr.ttl, 300);
	CHECK_INT(dns_master_parse_rr("www A 192.0.2", origin.data, DNS_C_IN, 300, buf,
				      sizeof buf, &rr, err, sizeof err), DNS_E_SYNTAX);
	CHECK(strstr(err, "column 7") != NULL);
	CHECK_INT(dns_master_parse_rr("a A 1.2.3.4\nb A 1.2.3.5", origin.data, DNS_C_IN, 300,
				      buf, sizeof buf, &rr, err, sizeof err), DNS_E_SYNTAX);
	CHECK_INT(dns_master_parse_rr("$INCLUDE /etc/passwd", origin.data, DNS_C_IN, 300,
				      buf, sizeof buf, &rr, err, sizeof err), DNS_E_SYNTAX);
}

int main(void)
{
	RUN(test_the_basics);
	RUN(test_include);
	RUN(test_ttl_rules);
	RUN(test_syntax_errors);
	RUN(test_zone_checks);
	RUN(test_single_record_parse);
	return check_summary("test_master");
}
