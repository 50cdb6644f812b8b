/* `sim zone NODE show|add|del ZONE [RECORD] [--view NAME]`: look at and
 * change a zone on a running authoritative server.  Every edit is
 * checked with the rules the server loads zones by, bumps the serial,
 * is written to the sim's own copy of the zone, and is served at once
 * (SIGHUP, or another program's reload through nsd-control, knotc, rndc
 * or pdns_control: the server keeps answering from the old data until
 * the new has loaded).  Servers that serve the same file change together.
 * An edit of a signed zone is signed with the zone's keys from the sim's
 * keys/ folder where it touched the zone (topo/zoneedit.h). */
#include "sim/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"
#include "dns/rrtype.h"
#include "runtime/keys.h"
#include "topo/zoneedit.h"
#include "sim/zonefiles.h"

#define DEFAULT_TTL 3600

static void print_diag(void *ctx, const dns_diag *d)
{
	unsigned *errors = ctx;
	if (d->severity == DNS_ERROR)
		(*errors)++;
	fprintf(stderr, "%s: %s\n", d->severity == DNS_ERROR ? "error" : "warning", d->msg);
}

int cmd_zone(const char *name, int argc, char **argv)
{
	const char *view = NULL, *words[4];
	int nwords = 0;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--view") == 0 && i + 1 < argc)
			view = argv[++i];
		else if (nwords < 4)
			words[nwords++] = argv[i];
		else
			nwords = 5;
	}
	bool show = nwords == 3 && strcmp(words[1], "show") == 0;
	bool add = nwords == 4 && strcmp(words[1], "add") == 0;
	bool del = nwords == 4 && strcmp(words[1], "del") == 0;
	if (!show && !add && !del)
		return verb_usage("zone");
	if (!need_root())
		return 1;
	char sim[TOPO_NAME_MAX + 1], ns[128];
	if (node_args(name, words[0], sim, sizeof sim, ns, sizeof ns))
		return 1;
	dns_name origin;
	if (dns_name_from_text(&origin, words[2], strlen(words[2]), dns_name_root) != DNS_OK)
		return die("\"%s\" is not a zone name", words[2]);
	dns_name_to_lower(origin.data);
	char *path = zonefiles_served(sim, words[0], origin.data, view);
	if (path == NULL)
		return die("node %s serves no zone %s%s%s (`./sim status` shows the servers)",
			   words[0], words[2], view ? " in view " : "", view ? view : "");
	dns_zonedata z;
	int rc = 1;
	if (!zonefiles_load(&z, origin.data, path)) {
		die("the zone %s served by %s does not load", words[2], words[0]);
		goto out;
	}
	char header[DNS_NAME_MAXTEXT + 4200];
	char zt[DNS_NAME_MAXTEXT];
	dns_name_to_text(origin.data, zt, sizeof zt, NULL);
	if (show) {
		snprintf(header, sizeof header, "; zone %s as %s serves it (%s), serial %u\n", zt,
			 words[0], path, zoneedit_serial(&z));
		char *text = zoneedit_text(&z, header);
		if (text)
			fputs(text, stdout);
		free(text);
		rc = text ? 0 : die("out of memory");
		goto out;
	}
	dns_zonedata edited;
	dns_zonedata_init(&edited, origin.data, DNS_C_IN);
	size_t changed = 0, resigned = 0;
	char msg[512] = "";
	unsigned errors = 0;
	const char *adds[1] = { words[3] };
	topo_keyring kr;
	zoneedit_signer signer;
	if (keys_load(sim, &kr, msg, sizeof msg) < 0) {
		die("%s; the zone is unchanged", msg);
		dns_zonedata_free(&edited);
		goto out;
	}
	zonefiles_signer(&kr, origin.data, &signer);
	unsigned e = zoneedit_apply_signed(&z, adds, add ? 1 : 0, del ? words[3] : NULL,
					   DEFAULT_TTL, &signer, &edited, &changed, &resigned,
					   print_diag, &errors, msg, sizeof msg);
	topo_keyring_free(&kr);
	if (msg[0] || e) {
		die("%s%s; the zone is unchanged", msg[0] ? msg : "the edit would break the zone",
		    msg[0] ? "" : " (see above)");
		dns_zonedata_free(&edited);
		goto out;
	}
	uint32_t serial = zoneedit_serial(&edited);
	snprintf(header, sizeof header, "; zone %s, edited with `sim zone` (serial %u)\n", zt,
		 serial);
	char *text = zoneedit_text(&edited, header);
	dns_zonedata_free(&edited);
	if (text == NULL) {
		die("out of memory");
		goto out;
	}
	printf("%s %zu record%s in %s\n", add ? "added" : "deleted", changed,
	       changed == 1 ? "" : "s", zt);
	if (resigned)
		printf("signed %zu RRset%s anew with the zone's keys\n", resigned,
		       resigned == 1 ? "" : "s");
	/* Unsigned zones change as on a real primary: by UPDATE, reaching
	 * the secondaries by NOTIFY and IXFR; servers without UPDATE (or a
	 * signed zone) get the edited file. */
	rc = zoneedit_is_signed(&z) ? ZONEFILES_NOT_DYNAMIC
	     : zonefiles_update(sim, words[0], origin.data, view, add ? words[3] : NULL,
				del ? words[3] : NULL, DEFAULT_TTL, serial);
	if (rc == ZONEFILES_NOT_DYNAMIC)
		rc = zonefiles_commit(sim, origin.data, view, path, text, serial);
	free(text);
out:
	dns_zonedata_free(&z);
	free(path);
	return rc;
}
