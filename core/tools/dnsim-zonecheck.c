/* dnsim-zonecheck: load and check a zone file the way dnsim-auth will,
 * like BIND's named-checkzone: print the records in canonical order and
 * "OK", or every error as FILE:LINE:COL and exit 1. */
#include <stdio.h>
#include <string.h>

#include "dns/zonedata.h"
#include "io/readfile.h"

static void report(void *ctx, const dns_diag *d)
{
	(void)ctx;
	const char *sev = d->severity == DNS_ERROR ? "error" : "warning";
	if (d->line && d->col)
		fprintf(stderr, "%s:%u:%u: %s: %s\n", d->file, d->line, d->col, sev, d->msg);
	else if (d->line)
		fprintf(stderr, "%s:%u: %s: %s\n", d->file, d->line, sev, d->msg);
	else
		fprintf(stderr, "%s: %s: %s\n", d->file, sev, d->msg);
}

static void usage(FILE *out)
{
	fputs("usage: dnsim-zonecheck [-q] ORIGIN ZONEFILE\n"
	      "Load ZONEFILE as the zone ORIGIN with the rules dnsim-auth uses and\n"
	      "print its records in canonical order, then OK.  Errors and warnings\n"
	      "go to stderr as FILE:LINE:COL; any error makes the exit status 1.\n"
	      "  -q   print only problems, not the records\n", out);
}

int main(int argc, char **argv)
{
	bool quiet = false;
	int i = 1;
	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "-q") == 0) {
		quiet = true;
		i++;
	}
	if (argc - i != 2) {
		usage(stderr);
		return 2;
	}
	dns_name origin;
	if (dns_name_from_text(&origin, argv[i], strlen(argv[i]), dns_name_root)) {
		fprintf(stderr, "dnsim-zonecheck: \"%s\" is not a domain name\n", argv[i]);
		return 2;
	}
	dns_zonedata z;
	dns_zonedata_init(&z, origin.data, DNS_C_IN);
	dns_master_ops io = { io_read_file, NULL, report, NULL };
	unsigned errors = dns_zonedata_load(&z, argv[i + 1], &io);
	if (errors == 0 && !quiet) {
		static char line[70000];
		for (size_t k = 0; k < z.n; k++)
			if (dns_rr_to_text(&z.rr[k], line, sizeof line, NULL) == DNS_OK)
				puts(line);
	}
	if (errors == 0)
		puts("OK");
	else
		fprintf(stderr, "%s: %u error%s; the zone would not load\n", argv[i + 1],
			errors, errors == 1 ? "" : "s");
	dns_zonedata_free(&z);
	return errors ? 1 : 0;
}
