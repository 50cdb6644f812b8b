/* Editing a loaded zone: records added and deleted, the serial bumped
 * (RFC 1982: it wraps), refusals with their reasons, the zone as text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "topo/zoneedit.h"

static bool load_zone(dns_zonedata *z, const char *text)
{
	dns_name o;
	if (dns_name_from_text(&o, "example.test.", 13, dns_name_root) != DNS_OK)
		return false;
	dns_zonedata_init(z, o.data, DNS_C_IN);
	dns_master_ops io = { 0 };
	return dns_zonedata_load_text(z, "z", text, strlen(text), &io) == 0;
}

static unsigned problems;

static void count_errors(void *ctx, const dns_diag *d)
{
	(void)ctx;
	problems += d->severity == DNS_ERROR;
}

/* Apply one edit to tiny_example; returns the error count with msg. */
static unsigned edit(const char *zone, const char *add, const char *del, dns_zonedata *out,
		     size_t *changed, char *msg, size_t msgsz)
{
	dns_zonedata in;
	if (!load_zone(&in, zone))
		return 1000;
	dns_zonedata_init(out, in.origin.data, DNS_C_IN);
	problems = 0;
	const char *adds[] = { add };
	unsigned e = zoneedit_apply(&in, adds, add ? 1 : 0, del, 300, out, changed,
				    count_errors, NULL, msg, msgsz);
	dns_zonedata_free(&in);
	return e;
}

static void test_add_bumps_the_serial(void)
{
	dns_zonedata out;
	size_t changed;
	char msg[256];
	CHECK_INT(edit(tiny_example, "mail 600 IN A 198.51.100.25", NULL, &out, &changed, msg,
		       sizeof msg), 0);
	CHECK_INT(changed, 1);
	CHECK_INT(zoneedit_serial(&out), 8);
	CHECK_INT(count_rr(&out, "mail.example.test.", DNS_T_A), 1);
	/* Without a TTL, the default given. */
	dns_zonedata_free(&out);
	CHECK_INT(edit(tiny_example, "txt TXT \"hello\"", NULL, &out, &changed, msg,
		       sizeof msg), 0);
	for (size_t i = 0; i < out.n; i++)
		if (out.rr[i].type == DNS_T_TXT)
			CHECK_INT(out.rr[i].ttl, 300);
	dns_zonedata_free(&out);
}

static void test_serial_wraps(void)
{
	static const char zone[] =
		"$TTL 60\n@ SOA ns1 admin 4294967295 1 1 1 1\n@ NS ns1\nns1 A 198.51.100.4\n";
	dns_zonedata out;
	size_t changed;
	char msg[256];
	CHECK_INT(edit(zone, "www A 198.51.100.80", NULL, &out, &changed, msg, sizeof msg), 0);
	CHECK_INT(zoneedit_serial(&out), 0);
	dns_zonedata_free(&out);
}

static void test_delete(void)
{
	dns_zonedata out;
	size_t changed;
	char msg[256];
	/* By name and type and RDATA, by name and type, by name. */
	CHECK_INT(edit(tiny_example, NULL, "ns1 AAAA 2001:db8:5::4", &out, &changed, msg,
		       sizeof msg), 0);
	CHECK_INT(changed, 1);
	CHECK_INT(count_rr(&out, "ns1.example.test.", DNS_T_AAAA), 0);
	CHECK_INT(count_rr(&out, "ns1.example.test.", DNS_T_A), 1);
	dns_zonedata_free(&out);
	CHECK_INT(edit(tiny_example, NULL, "www", &out, &changed, msg, sizeof msg), 0);
	CHECK_INT(changed, 1);
	CHECK_INT(count_rr(&out, "www.example.test.", DNS_T_A), 0);
	CHECK_INT(zoneedit_serial(&out), 8);
	dns_zonedata_free(&out);
}

static void test_refusals(void)
{
	dns_zonedata out;
	size_t changed;
	char msg[256];
	CHECK(edit(tiny_example, NULL, "@ SOA", &out, &changed, msg, sizeof msg) > 0);
	CHECK(strstr(msg, "the SOA record is not deleted") != NULL);
	dns_zonedata_free(&out);
	CHECK(edit(tiny_example, NULL, "nothing-here", &out, &changed, msg, sizeof msg) > 0);
	CHECK_STR(msg, "no record matches \"nothing-here\"");
	dns_zonedata_free(&out);
	CHECK(edit(tiny_example, "www A 198.51.100.80", NULL, &out, &changed, msg, sizeof msg) > 0);
	CHECK_STR(msg, "the zone already has that record");
	dns_zonedata_free(&out);
	CHECK(edit(tiny_example, "@ SOA a b 1 2 3 4 5", NULL, &out, &changed, msg, sizeof msg) > 0);
	CHECK(strstr(msg, "exactly one SOA") != NULL);
	dns_zonedata_free(&out);
	CHECK(edit(tiny_example, "www A not-an-address", NULL, &out, &changed, msg,
		   sizeof msg) > 0);
	CHECK(msg[0] != '\0');
	dns_zonedata_free(&out);
	CHECK(edit(tiny_example, NULL, "www BOGUSTYPE", &out, &changed, msg, sizeof msg) > 0);
	CHECK_STR(msg, "\"BOGUSTYPE\" is not a record type");
	dns_zonedata_free(&out);
	/* An edit that breaks the zone's rules: the checks say why. */
	msg[0] = '\0';
	CHECK(edit(tiny_example, "www CNAME elsewhere.test.", NULL, &out, &changed, msg,
		   sizeof msg) > 0);
	CHECK(problems > 0);
	dns_zonedata_free(&out);
}

static void test_text(void)
{
	static const char zone[] =
		"$TTL 60\n@ SOA ns1 admin 3 1 1 1 1\n@ NS ns1\nns1 A 198.51.100.4\n";
	dns_zonedata z;
	CHECK(load_zone(&z, zone));
	char *text = zoneedit_text(&z, "; header\n");
	CHECK_STR(text, "; header\n"
		  "example.test.\t60\tIN\tNS\tns1.example.test.\n"
		  "example.test.\t60\tIN\tSOA\tns1.example.test. admin.example.test. 3 1 1 1 1\n"
		  "ns1.example.test.\t60\tIN\tA\t198.51.100.4\n");
	free(text);
	CHECK_INT(zoneedit_serial(&z), 3);
	dns_zonedata_free(&z);
}

int main(void)
{
	RUN(test_add_bumps_the_serial);
	RUN(test_serial_wraps);
	RUN(test_delete);
	RUN(test_refusals);
	RUN(test_text);
	return check_summary("test_zoneedit");
}
