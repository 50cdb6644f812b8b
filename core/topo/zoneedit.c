/* Zone edits on loaded zone data. */
#include "topo/zoneedit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "dns/serial.h"
#include "dns/soa.h"
#include "dnssec/signzone.h"

#define RR_BUF (65535 + 1024)    /* one record: owner and RDATA */
#define RR_TEXT (65535 * 4 + 2048) /* one record as text, worst case */

uint32_t zoneedit_serial(const dns_zonedata *z)
{
	for (size_t i = 0; i < z->n; i++)
		if (z->rr[i].type == DNS_T_SOA) {
			dns_soa soa;
			if (dns_soa_read(z->rr[i].rdata, z->rr[i].rdlen, &soa) != DNS_OK)
				return 0;
			return soa.serial;
		}
	return 0;
}

/* Does the record match the selection "NAME [TYPE [RDATA]]"? */
typedef struct selection {
	dns_name owner;
	bool any_type;
	uint16_t type;
	bool any_rdata;
	uint8_t rdata[65535];
	size_t rdlen;
} selection;

static bool parse_selection(const char *text, const uint8_t *origin, selection *sel,
			    char *msg, size_t msgsz)
{
	char owner[1100], type[32];
	int used = 0;
	type[0] = '\0';
	int n = sscanf(text, " %1099s %31s %n", owner, type, &used);
	if (n < 1) {
		snprintf(msg, msgsz, "nothing to delete: give NAME [TYPE [RDATA]]");
		return false;
	}
	if (strcmp(owner, "@") == 0)
		dns_name_copy(&sel->owner, origin);   /* the apex, as in zone files */
	else if (dns_name_from_text(&sel->owner, owner, strlen(owner), origin) != DNS_OK) {
		snprintf(msg, msgsz, "\"%s\" is not a name", owner);
		return false;
	}
	dns_name_to_lower(sel->owner.data);
	sel->any_type = n < 2;
	sel->any_rdata = true;
	if (n < 2)
		return true;
	if (dns_type_from_text(type, strlen(type), &sel->type) != DNS_OK) {
		snprintf(msg, msgsz, "\"%s\" is not a record type", type);
		return false;
	}
	const char *rest = text + used;
	while (*rest == ' ' || *rest == '\t')
		rest++;
	if (*rest == '\0')
		return true;
	/* The RDATA, read the way the master-file reader reads it. */
	char line[2048];
	snprintf(line, sizeof line, "%s 0 IN %s %s", owner, type, rest);
	dns_rr rr;
	char err[256];
	uint8_t *buf = malloc(RR_BUF);
	if (buf == NULL) {
		snprintf(msg, msgsz, "out of memory");
		return false;
	}
	if (dns_master_parse_rr(line, origin, DNS_C_IN, 0, buf, RR_BUF, &rr, err,
				sizeof err) != DNS_OK) {
		snprintf(msg, msgsz, "%s", err);
		free(buf);
		return false;
	}
	sel->any_rdata = false;
	memcpy(sel->rdata, rr.rdata, rr.rdlen);
	free(buf);
	sel->rdlen = rr.rdlen;
	dns_rdata_canonicalize(sel->type, sel->rdata, sel->rdlen);
	return true;
}

static bool selected(const selection *sel, const dns_rr *rr)
{
	if (!dns_name_equal(rr->owner, sel->owner.data))
		return false;
	if (!sel->any_type && rr->type != sel->type)
		return false;
	if (sel->any_rdata)
		return true;
	return dns_rdata_compare(rr->type, rr->rdata, rr->rdlen, sel->rdata, sel->rdlen) == 0;
}

/* The edit itself, signed or not: records in and out, serial bumped. */
static unsigned apply(const dns_zonedata *in, const char *const *adds, size_t nadds,
		      const char *del, uint32_t default_ttl, dns_zonedata *out,
		      size_t *changed, void (*diag)(void *ctx, const dns_diag *d),
		      void *ctx, char *msg, size_t msgsz)
{
	*changed = 0;
	msg[0] = '\0';
	selection *sel = NULL;
	if (del) {
		sel = malloc(sizeof *sel);
		if (sel == NULL) {
			snprintf(msg, msgsz, "out of memory");
			return 1;
		}
		if (!parse_selection(del, in->origin.data, sel, msg, msgsz)) {
			free(sel);
			return 1;
		}
	}
	uint32_t serial = zoneedit_serial(in);
	size_t matched = 0;
	for (size_t i = 0; i < in->n; i++) {
		dns_rr rr = in->rr[i];
		if (sel && selected(sel, &rr)) {
			if (rr.type == DNS_T_SOA) {
				snprintf(msg, msgsz, "the SOA record is not deleted: a zone "
					 "needs one (its serial is bumped by every edit)");
				free(sel);
				return 1;
			}
			/* A name deleted from a signed zone takes its signatures and
			 * NSEC with it; the count is of the records the edit named
			 * (the signer makes the others again). */
			matched++;
			if (rr.type != DNS_T_RRSIG && rr.type != DNS_T_NSEC && rr.type != DNS_T_NSEC3)
				(*changed)++;
			continue;
		}
		uint8_t soa[1024];
		if (rr.type == DNS_T_SOA && rr.rdlen <= sizeof soa) {
			/* The next serial (RFC 1982: it wraps and is still newer), so
			 * secondaries and people see that the zone changed.  An SOA
			 * without its numbers is kept as it is. */
			memcpy(soa, rr.rdata, rr.rdlen);
			if (dns_soa_set_serial(soa, rr.rdlen, dns_serial_next(serial)) == DNS_OK)
				rr.rdata = soa;
		}
		if (!dns_zonedata_add(out, &rr, in->nfiles ? in->files[in->file[i]] : "zone",
				      in->line[i])) {
			snprintf(msg, msgsz, "out of memory");
			free(sel);
			return 1;
		}
	}
	free(sel);
	if (del && matched == 0) {
		snprintf(msg, msgsz, "no record matches \"%s\"", del);
		return 1;
	}
	for (size_t a = 0; a < nadds; a++) {
		const char *add = adds[a];
		uint8_t *buf = malloc(RR_BUF);
		dns_rr rr;
		char err[256];
		unsigned refused = 0;
		if (buf == NULL) {
			snprintf(msg, msgsz, "out of memory");
			return 1;
		}
		if (dns_master_parse_rr(add, in->origin.data, DNS_C_IN, default_ttl, buf, RR_BUF,
					&rr, err, sizeof err) != DNS_OK) {
			snprintf(msg, msgsz, "%s", err);
			free(buf);
			return 1;
		}
		if (rr.type == DNS_T_SOA) {
			snprintf(msg, msgsz, "a zone has exactly one SOA record, and every edit "
				 "bumps its serial for you");
			free(buf);
			return 1;
		}
		/* Adding what is already there changes nothing: say so. */
		for (size_t i = 0; i < in->n; i++)
			if (in->rr[i].type == rr.type && dns_name_equal(in->rr[i].owner, rr.owner) &&
			    dns_rdata_compare(rr.type, in->rr[i].rdata, in->rr[i].rdlen, rr.rdata,
					      rr.rdlen) == 0) {
				snprintf(msg, msgsz, "the zone already has that record");
				refused = 1;
				break;
			}
		if (!refused && !dns_zonedata_add(out, &rr, "(added)", 0)) {
			snprintf(msg, msgsz, "out of memory");
			refused = 1;
		}
		free(buf);
		if (refused)
			return 1;
		(*changed)++;
	}
	return dns_zonedata_finish(out, diag, ctx);
}

bool zoneedit_is_signed(const dns_zonedata *z)
{
	for (size_t i = 0; i < z->n; i++)
		if (z->rr[i].type == DNS_T_RRSIG)
			return true;
	return false;
}

/* The records a signer makes and keeps consistent itself. */
static bool signer_type(uint16_t type)
{
	return type == DNS_T_RRSIG || type == DNS_T_NSEC || type == DNS_T_NSEC3 ||
	       type == DNS_T_NSEC3PARAM || type == DNS_T_DNSKEY;
}

/* Refuse edits of a signed zone's DNSSEC records: adds of those types,
 * deletions that name one. */
static bool touches_signer_records(const dns_zonedata *in, const char *const *adds,
				   size_t nadds, const char *del, char *msg, size_t msgsz)
{
	char type[DNS_MNEMONIC_MAX];
	uint16_t t = 0;
	if (del) {
		selection *sel = malloc(sizeof *sel);
		if (sel == NULL) {
			snprintf(msg, msgsz, "out of memory");
			return true;
		}
		bool parsed = parse_selection(del, in->origin.data, sel, msg, msgsz);
		if (parsed && !sel->any_type && signer_type(sel->type))
			t = sel->type;
		free(sel);
		if (!parsed)
			return true;
	}
	for (size_t a = 0; a < nadds && t == 0; a++) {
		uint8_t *buf = malloc(RR_BUF);
		dns_rr rr;
		char err[256];
		if (buf == NULL) {
			snprintf(msg, msgsz, "out of memory");
			return true;
		}
		if (dns_master_parse_rr(adds[a], in->origin.data, DNS_C_IN, 0, buf, RR_BUF, &rr, err,
					sizeof err) == DNS_OK && signer_type(rr.type))
			t = rr.type;
		free(buf);
	}
	if (t == 0)
		return false;
	snprintf(msg, msgsz, "the zone is signed, and its %s records are the signer's to make "
		 "(edit the data: the signatures and the NSEC/NSEC3 chain follow)",
		 dns_type_to_text(t, type));
	return true;
}

unsigned zoneedit_apply(const dns_zonedata *in, const char *const *adds, size_t nadds,
			const char *del, uint32_t default_ttl, dns_zonedata *out,
			size_t *changed, void (*diag)(void *ctx, const dns_diag *d),
			void *ctx, char *msg, size_t msgsz)
{
	return zoneedit_apply_signed(in, adds, nadds, del, default_ttl, NULL, out, changed, NULL,
				     diag, ctx, msg, msgsz);
}

unsigned zoneedit_apply_signed(const dns_zonedata *in, const char *const *adds, size_t nadds,
			       const char *del, uint32_t default_ttl,
			       const zoneedit_signer *signer, dns_zonedata *out, size_t *changed,
			       size_t *resigned, void (*diag)(void *ctx, const dns_diag *d),
			       void *ctx, char *msg, size_t msgsz)
{
	if (resigned)
		*resigned = 0;
	if (!zoneedit_is_signed(in))
		return apply(in, adds, nadds, del, default_ttl, out, changed, diag, ctx, msg, msgsz);
	*changed = 0;
	msg[0] = '\0';
	if (signer == NULL || signer->nkeys == 0) {
		snprintf(msg, msgsz, "the zone is signed (DNSSEC) and its private keys are not at "
			 "hand: an edit without signing it again would leave signatures over data "
			 "that changed, which validators reject");
		return 1;
	}
	if (touches_signer_records(in, adds, nadds, del, msg, msgsz))
		return 1;
	dns_zonedata edited;
	dns_zonedata_init(&edited, in->origin.data, in->rclass);
	unsigned e = apply(in, adds, nadds, del, default_ttl, &edited, changed, diag, ctx, msg,
			   msgsz);
	if (e == 0 && msg[0] == '\0') {
		/* out comes initialised and empty from the caller; the signer
		 * initialises it again. */
		dns_zonedata_free(out);
		e = dnssec_resign_zone(in, &edited, signer->keys, signer->nkeys,
				       signer->inception, signer->expiration, out, resigned, diag,
				       ctx);
		if (e)
			snprintf(msg, msgsz, "the edited zone could not be signed again (see above)");
	}
	dns_zonedata_free(&edited);
	return e;
}

char *zoneedit_text(const dns_zonedata *z, const char *header)
{
	size_t cap = 4096 + z->n * 128, len = 0;
	char *out = malloc(cap);
	if (out == NULL)
		return NULL;
	len = (size_t)snprintf(out, cap, "%s", header);
	char *line = malloc(RR_TEXT);
	if (line == NULL) {
		free(out);
		return NULL;
	}
	for (size_t i = 0; i < z->n; i++) {
		size_t n;
		if (dns_rr_to_text(&z->rr[i], line, RR_TEXT, &n) != DNS_OK)
			continue;
		if (len + n + 2 > cap) {
			cap = (cap + n + 2) * 2;
			char *g = realloc(out, cap);
			if (g == NULL) {
				free(out);
				free(line);
				return NULL;
			}
			out = g;
		}
		memcpy(out + len, line, n);
		len += n;
		out[len++] = '\n';
		out[len] = '\0';
	}
	free(line);
	return out;
}
