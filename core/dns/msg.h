/* DNS messages (RFC 1035 section 4, EDNS0 from RFC 6891): parsing,
 * building with name compression, and the dig-style text form.
 *
 * Parsing treats every byte as hostile.  A parsed message owns a growable
 * arena holding the expanded names and RDATA; reuse one dns_msg for many
 * parses to keep allocations down (dns_msg_parse resets it). */
#ifndef DNSIM_DNS_MSG_H
#define DNSIM_DNS_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "name.h"
#include "rrtype.h"

#define DNS_HEADER_LEN 12
/* Without EDNS a UDP message is at most 512 octets (RFC 1035 4.2.1). */
#define DNS_UDP_PLAIN_MAX 512
/* Default EDNS buffer size (DNS flag day 2020). */
#define DNS_EDNS_DEFAULT 1232

enum dns_opcode {
	DNS_OP_QUERY = 0,
	DNS_OP_IQUERY = 1,
	DNS_OP_STATUS = 2,
	DNS_OP_NOTIFY = 4,
	DNS_OP_UPDATE = 5,
};

enum dns_rcode {
	DNS_R_NOERROR = 0,
	DNS_R_FORMERR = 1,
	DNS_R_SERVFAIL = 2,
	DNS_R_NXDOMAIN = 3,
	DNS_R_NOTIMP = 4,
	DNS_R_REFUSED = 5,
	DNS_R_YXDOMAIN = 6,
	DNS_R_YXRRSET = 7,
	DNS_R_NXRRSET = 8,
	DNS_R_NOTAUTH = 9,
	DNS_R_NOTZONE = 10,
	DNS_R_BADVERS = 16, /* needs EDNS: upper 8 bits live in the OPT RR */
};

/* Header flag bits, as they sit in the 16-bit flags word. */
enum dns_flag {
	DNS_F_QR = 0x8000,
	DNS_F_AA = 0x0400,
	DNS_F_TC = 0x0200,
	DNS_F_RD = 0x0100,
	DNS_F_RA = 0x0080,
	DNS_F_Z = 0x0040,
	DNS_F_AD = 0x0020,
	DNS_F_CD = 0x0010,
};

typedef struct dns_header {
	uint16_t id;
	uint16_t flags;   /* DNS_F_* bits only; opcode and rcode apart */
	uint8_t opcode;   /* 4 bits */
	uint8_t rcode;    /* low 4 bits; see dns_msg_rcode() for the full one */
} dns_header;

/* One resource record.  owner and rdata point into the owning message's
 * arena (or wherever the caller keeps them when building). */
typedef struct dns_rr {
	const uint8_t *owner;
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;
	uint16_t rdlen;
	const uint8_t *rdata;
} dns_rr;

typedef struct dns_question {
	const uint8_t *name;
	uint16_t qtype;
	uint16_t qclass;
} dns_question;

/* EDNS0 state carried by the OPT pseudo-record (RFC 6891 section 6.1). */
typedef struct dns_edns {
	bool present;
	uint16_t udp_size;      /* requestor's payload size (OPT CLASS) */
	uint8_t ext_rcode;      /* upper 8 bits of the 12-bit rcode */
	uint8_t version;
	bool do_bit;            /* DNSSEC OK */
	uint16_t z;             /* the other 15 flag bits, kept as they came */
	const uint8_t *options; /* option TLVs, opaque */
	uint16_t options_len;
} dns_edns;

enum dns_section {
	DNS_SEC_QUESTION = 0,
	DNS_SEC_ANSWER = 1,
	DNS_SEC_AUTHORITY = 2,
	DNS_SEC_ADDITIONAL = 3,
};

typedef struct dns_msg {
	dns_header hdr;
	dns_question *question;
	size_t qdcount;
	/* Answer, authority, additional; the OPT RR is not among them but
	 * in `edns`. */
	dns_rr *rr[3];
	size_t count[3];
	dns_edns edns;

	/* Private: the blocks that hold names, RDATA and the arrays above.
	 * Blocks never move, so pointers into them stay valid; a reparse
	 * reuses them. */
	struct dns_msg_block *blocks;
	struct dns_msg_block *cur;
	size_t used;
} dns_msg;

void dns_msg_init(dns_msg *m);
void dns_msg_free(dns_msg *m);

/* Parse wire octets.  On error m holds nothing useful, but remains
 * valid for reuse or dns_msg_free.  Errors: DNS_E_TRUNCATED (ran out of
 * bytes), DNS_E_TRAILING (bytes after the last record), DNS_E_FORMAT (OPT
 * outside additional, two OPTs, OPT owner not root), name and RDATA
 * errors, DNS_E_NOMEM. */
dns_err dns_msg_parse(dns_msg *m, const uint8_t *wire, size_t len);

/* Header only, for a server deciding quickly what to do with junk.  */
dns_err dns_header_parse(dns_header *h, uint16_t counts[4],
			 const uint8_t *wire, size_t len);

/* The full rcode: 4 header bits plus the 8 EDNS bits. */
static inline unsigned dns_msg_rcode(const dns_msg *m)
{
	return ((unsigned)m->edns.ext_rcode << 4) | m->hdr.rcode;
}

/* ---- Building ---------------------------------------------------------
 *
 * Sections must be added in order: question, answer, authority,
 * additional, then OPT last.  Names are compressed against every name
 * already written (owners, the question, and RDATA names of the types
 * RFC 3597 allows), longest matching suffix first, so the output matches
 * what BIND and dnspython produce.
 *
 * `limit` is the largest message allowed (512, the EDNS size, 65535 for
 * TCP).  A record that does not fit leaves the buffer as it was, returns
 * DNS_E_NOSPACE and sets `truncated`; dns_build_rrset does the same for a
 * whole RRset so answers are cut at RRset boundaries. */

/* Every suffix a pointer can reach (offsets below 0x4000, labels at
 * least two octets apart) fits, so compression never gives up early. */
#define DNS_COMPRESS_MAX 8192

typedef struct dns_builder {
	uint8_t *buf;
	size_t limit;      /* usable size, reserve already taken off */
	size_t len;
	size_t reserve;    /* kept back for OPT */
	uint16_t count[4];
	int section;       /* the section being written */
	bool truncated;
	/* Offsets of names already written, for compression. */
	uint16_t comp[DNS_COMPRESS_MAX];
	size_t ncomp;
} dns_builder;

/* buf must hold at least `limit` bytes; limit >= DNS_HEADER_LEN. */
dns_err dns_build_init(dns_builder *b, uint8_t *buf, size_t limit,
		       const dns_header *hdr);

/* Keep `n` octets back (for an OPT RR added at the end).  Call before
 * adding records.  The OPT RR with no options takes 11 octets. */
dns_err dns_build_reserve(dns_builder *b, size_t n);

dns_err dns_build_question(dns_builder *b, const uint8_t *name,
			   uint16_t qtype, uint16_t qclass);
dns_err dns_build_rr(dns_builder *b, int section, const dns_rr *rr);
/* All of rrs[0..n) or none of them. */
dns_err dns_build_rrset(dns_builder *b, int section, const dns_rr *rrs,
			size_t n);
/* The OPT RR; the reserve is released for it.  edns->ext_rcode, version,
 * do_bit, z, udp_size and options are written as given. */
dns_err dns_build_edns(dns_builder *b, const dns_edns *edns);

/* Set the TC bit in the header being built. */
void dns_build_set_tc(dns_builder *b);

/* Write the section counts into the header; returns the message length. */
size_t dns_build_finish(dns_builder *b);

/* Octets needed for an OPT RR with `options_len` bytes of options. */
static inline size_t dns_edns_wire_size(size_t options_len)
{
	return 11 + options_len;
}

/* ---- Text ------------------------------------------------------------- */

/* One record as a master-file line: `owner TTL CLASS TYPE RDATA`, with
 * tabs between fields like dig. NUL-terminated. */
dns_err dns_rr_to_text(const dns_rr *rr, char *out, size_t outsz,
		       size_t *outlen);

/* The whole message in dig's layout (";; ->>HEADER<<- opcode: QUERY,
 * status: NOERROR, id: 1234", flags, OPT PSEUDOSECTION, sections).
 * Returns DNS_E_NOSPACE if it does not fit in outsz. */
dns_err dns_msg_to_text(const dns_msg *m, char *out, size_t outsz,
			size_t *outlen);

const char *dns_rcode_to_text(unsigned rcode, char *buf);
const char *dns_opcode_to_text(unsigned opcode, char *buf);

#endif
