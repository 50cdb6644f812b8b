/* libFuzzer: hostile DNSKEY, RRSIG, DS, NSEC and NSEC3 records fed to
 * everything a resolver or server runs on them: key parsing, RRset
 * validation (with its budget), the DS step, NSEC/NSEC3 denial verdicts,
 * the server's chains and proofs, the RDATA splitters.  Nothing may
 * crash, leak or hash more than the iteration cap allows.
 *
 * Input: qname selector (1), qtype (2), time (4), then records, each
 * owner (1: an index into a table of names, or 255 then a length and a
 * wire name), type (2), RDLENGTH (2), RDATA.  RDATA that does not fit its
 * type's layout is dropped, as dns_msg_parse would drop the message. */
#include <stdlib.h>
#include <string.h>

#include "dns/rdata.h"
#include "dns/wire.h"
#include "dnssec/nsec.h"
#include "dnssec/rrsig.h"

#define MAX_RRS 64

static const char *const names[] = {
	"\7example\0",
	"\3www\7example\0",
	"\1a\7example\0",
	"\1*\7example\0",
	"\1x\1y\7example\0",
	"\7example\3net\0",
	"\3www\7example\3net\0",
	"\1c\1x\1w\7example\0",
	"\1a\1c\1x\1w\7example\0",
	"\0",
};
#define NNAMES (sizeof names / sizeof names[0])

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 7)
		return 0;
	const uint8_t *qname = (const uint8_t *)names[data[0] % NNAMES];
	uint16_t qtype = dns_get16(data + 1);
	uint32_t now = dns_get32(data + 3);
	size_t pos = 7;

	dns_rr rrs[MAX_RRS];
	uint8_t owners[MAX_RRS][DNS_NAME_MAXLEN];
	size_t n = 0;
	while (pos < size && n < MAX_RRS) {
		const uint8_t *owner;
		if (data[pos] == 255) {
			size_t len;
			if (pos + 2 > size || pos + 2 + data[pos + 1] > size ||
			    dns_name_check(data + pos + 2, data[pos + 1], &len) != DNS_OK)
				break;
			memcpy(owners[n], data + pos + 2, len);
			owner = owners[n];
			pos += 2u + data[pos + 1];
		} else {
			owner = (const uint8_t *)names[data[pos] % NNAMES];
			pos++;
		}
		if (size - pos < 4)
			break;
		uint16_t type = dns_get16(data + pos), rdlen = dns_get16(data + pos + 2);
		pos += 4;
		if (size - pos < rdlen)
			break;
		const uint8_t *rd = data + pos;
		pos += rdlen;
		if (dns_rdata_check(type, rd, rdlen) != DNS_OK)
			continue;
		rrs[n++] = (dns_rr){ owner, type, DNS_C_IN, 300, rdlen, rd };
	}
	if (n == 0)
		return 0;

	/* The keys among the records; the first non-DNSSEC RRset. */
	dnssec_key keys[8];
	size_t nkeys;
	dnssec_keys_from_rrset(rrs, n, keys, 8, &nkeys);
	dns_rr set[MAX_RRS];
	size_t nset = 0;
	for (size_t i = 0; i < n; i++) {
		if (rrs[i].type == DNS_T_RRSIG)
			continue;
		if (nset == 0 || (rrs[i].type == set[0].type && dns_name_equal(rrs[i].owner, set[0].owner)))
			set[nset++] = rrs[i];
	}
	dnssec_verify_result res;
	if (nset) {
		dnssec_sig_status st = dnssec_verify_rrset(set, nset, rrs, n, keys, nkeys, now, &res);
		if (dnssec_sig_status_text(st) == NULL)
			abort();
		for (size_t i = 0; i < n; i++)
			if (nkeys)
				(void)dnssec_verify_rrsig(set, nset, &rrs[i], &keys[0], now);
		uint8_t *canon;
		size_t clen;
		if (dnssec_rrset_canonical(set, nset, 300, data[0] & 7, &canon, &clen) == DNS_OK)
			free(canon);
	}
	dns_rr dnskeys[MAX_RRS];
	size_t ndnskeys = 0;
	for (size_t i = 0; i < n; i++)
		if (rrs[i].type == DNS_T_DNSKEY)
			dnskeys[ndnskeys++] = rrs[i];
	if (ndnskeys)
		(void)dnssec_verify_dnskeys_by_ds(dnskeys, ndnskeys, rrs, n, keys, nkeys, rrs, n, now, &res);
	for (size_t i = 0; i < n; i++) {
		dnssec_rrsig rs;
		dnssec_nsec3 f;
		if (rrs[i].type == DNS_T_RRSIG)
			(void)dnssec_rrsig_parse(rrs[i].rdata, rrs[i].rdlen, &rs);
		if (rrs[i].type == DNS_T_NSEC3 &&
		    dnssec_nsec3_parse(rrs[i].rdata, rrs[i].rdlen, false, &f) == DNS_OK)
			(void)dnssec_bitmap_has(f.bitmap, f.bitmaplen, qtype);
		if (rrs[i].type == DNS_T_DS)
			for (size_t k = 0; k < ndnskeys; k++)
				(void)dnssec_ds_matches(rrs[i].owner, rrs[i].rdata, rrs[i].rdlen,
							dnskeys[k].rdata, dnskeys[k].rdlen);
	}
	dnssec_keys_free(keys, nkeys);

	/* Denial, as a resolver checks it, in the zone of the first record. */
	const uint8_t *zone = rrs[0].owner;
	const uint8_t *source = (const uint8_t *)names[3];
	(void)dnssec_nsec_nxdomain(rrs, n, zone, qname);
	(void)dnssec_nsec_nodata(rrs, n, zone, qname, qtype);
	(void)dnssec_nsec_wildcard(rrs, n, zone, qname, source);
	(void)dnssec_nsec3_nxdomain(rrs, n, zone, qname);
	(void)dnssec_nsec3_nodata(rrs, n, zone, qname, qtype);
	(void)dnssec_nsec3_wildcard(rrs, n, zone, qname, source);

	/* And as a server builds its proofs. */
	dnssec_nsec_chain nc;
	if (dnssec_nsec_chain_build(&nc, rrs, n) == DNS_OK) {
		dnssec_nsec_proof p;
		(void)dnssec_nsec_chain_prove(&nc, zone, qname, &p);
		dnssec_nsec_chain_free(&nc);
	}
	dnssec_nsec3_chain c3;
	if (dnssec_nsec3_chain_build(&c3, zone, rrs, n) == DNS_OK) {
		dnssec_nsec3_proof p;
		(void)dnssec_nsec3_chain_prove(&c3, qname, &p);
		dnssec_nsec3_chain_free(&c3);
	}
	return 0;
}
