/* dnsim-wire: look at DNS messages, or make them.
 *
 *   dnsim-wire decode [-x] [--records] [FILE]   wire -> text
 *   dnsim-wire encode [-b] [--limit N] [FILE]   text -> wire
 *
 * decode reads a message (raw, or hex with -x; stdin without FILE) and
 * prints it as dig does, or with --records one line per item for scripts:
 *   header ID OPCODE RCODE FLAGS        (FLAGS like qr,aa,rd or -)
 *   edns UDPSIZE VERSION DO OPTIONS-HEX (- when there are no options)
 *   question NAME TYPE CLASS
 *   answer|authority|additional  NAME TTL CLASS TYPE RDATA
 *
 * encode reads a description, one item per line ('#' comments):
 *   id N            opcode QUERY|NOTIFY|UPDATE|N     rcode NOERROR|...|N
 *   flags qr aa tc rd ra z ad cd                    (any subset)
 *   edns UDPSIZE [do] [version N] [option CODE HEX]...
 *   question NAME TYPE [CLASS]
 *   answer|authority|additional NAME TTL [CLASS] TYPE RDATA
 * and prints the message in hex (raw with -b).  With --limit N the
 * message is built within N octets: records that do not fit are left out
 * whole RRset by RRset and TC is set, as a server would. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns/encode.h"
#include "dns/master.h"
#include "dns/msg.h"

static void usage(FILE *out)
{
	fputs("usage: dnsim-wire decode [-x] [--records] [FILE]\n"
	      "       dnsim-wire encode [-b] [--limit N] [FILE]\n"
	      "decode: show a DNS message (raw bytes, or hex with -x) in dig's layout,\n"
	      "        or one line per item with --records.\n"
	      "encode: build a message from a description (see the top of\n"
	      "        core/tools/dnsim-wire.c or the README) and print it in hex\n"
	      "        (-b: raw bytes); --limit N builds within N octets and sets TC.\n", out);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = path ? fopen(path, "rb") : stdin;
	if (f == NULL) {
		fprintf(stderr, "dnsim-wire: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);
	while (buf) {
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n < cap)
			break;
		char *b = realloc(buf, cap * 2 + 1);
		if (b == NULL) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = b;
		cap *= 2;
	}
	if (path)
		fclose(f);
	if (buf == NULL) {
		fprintf(stderr, "dnsim-wire: out of memory\n");
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static const char *flag_names[] = { "qr", "aa", "tc", "rd", "ra", "z", "ad", "cd" };
static const uint16_t flag_bits[] = { DNS_F_QR, DNS_F_AA, DNS_F_TC, DNS_F_RD,
				      DNS_F_RA, DNS_F_Z, DNS_F_AD, DNS_F_CD };

static int print_records(const dns_msg *m)
{
	static char line[200000];
	char b1[DNS_MNEMONIC_MAX], b2[DNS_MNEMONIC_MAX], name[DNS_NAME_MAXTEXT];
	char flags[64] = "";
	for (int i = 0; i < 8; i++)
		if (m->hdr.flags & flag_bits[i]) {
			if (flags[0])
				strcat(flags, ",");
			strcat(flags, flag_names[i]);
		}
	printf("header %u %s %s %s\n", m->hdr.id, dns_opcode_to_text(m->hdr.opcode, b1),
	       dns_rcode_to_text(m->edns.present ? dns_msg_rcode(m) : m->hdr.rcode, b2),
	       flags[0] ? flags : "-");
	if (m->edns.present) {
		printf("edns %u %u %u ", m->edns.udp_size, m->edns.version, m->edns.do_bit);
		if (m->edns.options_len == 0)
			puts("-");
		else if (dns_hex_encode(m->edns.options, m->edns.options_len, line,
					sizeof line, NULL) == DNS_OK)
			puts(line);
	}
	for (size_t i = 0; i < m->qdcount; i++) {
		if (dns_name_to_text(m->question[i].name, name, sizeof name, NULL))
			return 1;
		printf("question %s %s %s\n", name, dns_type_to_text(m->question[i].qtype, b1),
		       dns_class_to_text(m->question[i].qclass, b2));
	}
	static const char *sec[] = { "answer", "authority", "additional" };
	for (int s = 0; s < 3; s++)
		for (size_t i = 0; i < m->count[s]; i++) {
			if (dns_rr_to_text(&m->rr[s][i], line, sizeof line, NULL))
				return 1;
			printf("%s %s\n", sec[s], line);
		}
	return 0;
}

static int decode(int argc, char **argv)
{
	bool hex = false, records = false;
	const char *path = NULL;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-x") == 0)
			hex = true;
		else if (strcmp(argv[i], "--records") == 0)
			records = true;
		else if (path == NULL && argv[i][0] != '-')
			path = argv[i];
		else {
			usage(stderr);
			return 2;
		}
	}
	size_t len;
	char *in = slurp(path, &len);
	if (in == NULL)
		return 1;
	uint8_t *wire = (uint8_t *)in;
	if (hex) {
		size_t o = 0;
		for (size_t i = 0; i < len; i++)
			if (in[i] != ' ' && in[i] != '\n' && in[i] != '\r' && in[i] != '\t')
				in[o++] = in[i];
		if (dns_hex_decode(in, o, wire, len, &len) != DNS_OK) {
			fprintf(stderr, "dnsim-wire: the input is not hex\n");
			free(in);
			return 1;
		}
	}
	dns_msg m;
	dns_msg_init(&m);
	dns_err err = dns_msg_parse(&m, wire, len);
	int rc = 0;
	if (err) {
		fprintf(stderr, "dnsim-wire: malformed message: %s\n", dns_strerror(err));
		rc = 1;
	} else if (records) {
		rc = print_records(&m);
	} else {
		static char text[1 << 20];
		if (dns_msg_to_text(&m, text, sizeof text, NULL) != DNS_OK) {
			fprintf(stderr, "dnsim-wire: the message is too large to print\n");
			rc = 1;
		} else {
			fputs(text, stdout);
		}
	}
	dns_msg_free(&m);
	free(in);
	return rc;
}

/* ---- encode ----------------------------------------------------------------- */

struct pending_rr {
	int section;
	dns_rr rr;
	uint8_t *mem;
};

static bool word_number(const char *w, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v = strtoul(w, &end, 10);
	if (*w == '\0' || *end || v > max)
		return false;
	*out = v;
	return true;
}

static int encode(int argc, char **argv)
{
	bool raw = false;
	unsigned long limit = 65535;
	const char *path = NULL;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-b") == 0)
			raw = true;
		else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc &&
			 word_number(argv[i + 1], 65535, &limit) && limit >= 12)
			i++;
		else if (path == NULL && argv[i][0] != '-')
			path = argv[i];
		else {
			usage(stderr);
			return 2;
		}
	}
	size_t len;
	char *text = slurp(path, &len);
	if (text == NULL)
		return 1;
	dns_header h = { 0 };
	unsigned rcode = 0;
	dns_edns e = { 0 };
	uint8_t opts[4096];
	size_t optlen = 0;
	dns_name qname[16];
	uint16_t qtype[16], qclass[16];
	size_t nq = 0;
	struct pending_rr *rrs = NULL;
	size_t nrr = 0;
	int rc = 0;
	unsigned lineno = 0;
	for (char *line = strtok(text, "\n"); line && rc == 0; line = strtok(NULL, "\n")) {
		lineno++;
		while (*line == ' ' || *line == '\t')
			line++;
		if (*line == '#')
			continue;
		if (*line == '\0')
			continue;
		char *rest = line + strcspn(line, " \t");
		if (*rest)
			*rest++ = '\0';
		while (*rest == ' ' || *rest == '\t')
			rest++;
		char *w[64];
		size_t n = 0;
		unsigned long v;
		const char *sections[] = { "answer", "authority", "additional" };
		int sec = -1;
		for (int s = 0; s < 3; s++)
			if (strcmp(line, sections[s]) == 0)
				sec = s + 1;
		if (sec > 0) {
			struct pending_rr *p = realloc(rrs, (nrr + 1) * sizeof *p);
			if (p == NULL) {
				rc = 1;
				break;
			}
			rrs = p;
			p = &rrs[nrr];
			p->section = sec;
			p->mem = malloc(65536 + 256);
			char err[300];
			if (p->mem == NULL ||
			    dns_master_parse_rr(rest, dns_name_root, 0, p->mem, 65536 + 256,
						&p->rr, err, sizeof err) != DNS_OK) {
				fprintf(stderr, "dnsim-wire: line %u: %s\n", lineno,
					p->mem ? err : "out of memory");
				free(p->mem);
				rc = 1;
				break;
			}
			nrr++;
			continue;
		}
		char *save;
		for (char *t = strtok_r(rest, " \t", &save); t && n < 64; t = strtok_r(NULL, " \t", &save))
			w[n++] = t;
		if (strcmp(line, "id") == 0 && n == 1 && word_number(w[0], 65535, &v)) {
			h.id = (uint16_t)v;
		} else if (strcmp(line, "opcode") == 0 && n == 1) {
			static const char *ops[] = { "QUERY", "IQUERY", "STATUS", "", "NOTIFY", "UPDATE" };
			bool found = false;
			for (unsigned o = 0; o < 6; o++)
				if (strcasecmp(w[0], ops[o]) == 0 && ops[o][0]) {
					h.opcode = (uint8_t)o;
					found = true;
				}
			if (!found && word_number(w[0], 15, &v)) {
				h.opcode = (uint8_t)v;
				found = true;
			}
			if (!found)
				goto bad;
		} else if (strcmp(line, "rcode") == 0 && n == 1) {
			char b[DNS_MNEMONIC_MAX];
			bool found = false;
			for (unsigned c = 0; c < 4096 && !found; c++)
				if (strcasecmp(w[0], dns_rcode_to_text(c, b)) == 0) {
					rcode = c;
					found = true;
				}
			if (!found && word_number(w[0], 4095, &v)) {
				rcode = (unsigned)v;
				found = true;
			}
			if (!found)
				goto bad;
		} else if (strcmp(line, "flags") == 0) {
			for (size_t i = 0; i < n; i++) {
				bool found = false;
				for (int f = 0; f < 8; f++)
					if (strcasecmp(w[i], flag_names[f]) == 0) {
						h.flags |= flag_bits[f];
						found = true;
					}
				if (!found)
					goto bad;
			}
		} else if (strcmp(line, "edns") == 0 && n >= 1 && word_number(w[0], 65535, &v)) {
			e.present = true;
			e.udp_size = (uint16_t)v;
			for (size_t i = 1; i < n; i++) {
				if (strcmp(w[i], "do") == 0) {
					e.do_bit = true;
				} else if (strcmp(w[i], "version") == 0 && i + 1 < n &&
					   word_number(w[i + 1], 255, &v)) {
					e.version = (uint8_t)v;
					i++;
				} else if (strcmp(w[i], "option") == 0 && i + 2 < n &&
					   word_number(w[i + 1], 65535, &v)) {
					size_t olen;
					if (optlen + 4 > sizeof opts ||
					    dns_hex_decode(w[i + 2], strlen(w[i + 2]), opts + optlen + 4,
							   sizeof opts - optlen - 4, &olen) != DNS_OK)
						goto bad;
					opts[optlen] = (uint8_t)(v >> 8);
					opts[optlen + 1] = (uint8_t)v;
					opts[optlen + 2] = (uint8_t)(olen >> 8);
					opts[optlen + 3] = (uint8_t)olen;
					optlen += 4 + olen;
					i += 2;
				} else {
					goto bad;
				}
			}
		} else if (strcmp(line, "question") == 0 && (n == 2 || n == 3) && nq < 16) {
			if (dns_name_from_text(&qname[nq], w[0], strlen(w[0]), dns_name_root) ||
			    dns_type_from_text(w[1], strlen(w[1]), &qtype[nq]))
				goto bad;
			qclass[nq] = DNS_C_IN;
			if (n == 3 && dns_class_from_text(w[2], strlen(w[2]), &qclass[nq]))
				goto bad;
			nq++;
		} else {
			goto bad;
		}
		continue;
bad:
		fprintf(stderr, "dnsim-wire: line %u: cannot read \"%s\" (see --help)\n", lineno, line);
		rc = 1;
	}
	if (rc == 0) {
		static uint8_t out[65535];
		dns_builder b;
		h.rcode = (uint8_t)(rcode & 15);
		e.ext_rcode = (uint8_t)(rcode >> 4);
		e.options = opts;
		e.options_len = (uint16_t)optlen;
		if (dns_build_init(&b, out, limit, &h) != DNS_OK ||
		    (e.present && dns_build_reserve(&b, dns_edns_wire_size(optlen)) != DNS_OK)) {
			fprintf(stderr, "dnsim-wire: --limit %lu is too small\n", limit);
			rc = 1;
		}
		for (size_t i = 0; rc == 0 && i < nq; i++)
			if (dns_build_question(&b, qname[i].data, qtype[i], qclass[i]) != DNS_OK)
				rc = 1;
		/* RRsets: runs of one section, owner and type. */
		for (size_t i = 0; rc == 0 && i < nrr;) {
			size_t j = i + 1;
			while (j < nrr && rrs[j].section == rrs[i].section &&
			       rrs[j].rr.type == rrs[i].rr.type &&
			       dns_name_equal(rrs[j].rr.owner, rrs[i].rr.owner))
				j++;
			dns_rr set[256];
			size_t k = 0;
			for (size_t m = i; m < j && k < 256; m++)
				set[k++] = rrs[m].rr;
			dns_err err = dns_build_rrset(&b, rrs[i].section, set, k);
			if (err == DNS_E_NOSPACE) {
				dns_build_set_tc(&b);
				break;
			}
			if (err) {
				fprintf(stderr, "dnsim-wire: %s\n", dns_strerror(err));
				rc = 1;
			}
			i = j;
		}
		if (rc == 0 && e.present && dns_build_edns(&b, &e) != DNS_OK)
			rc = 1;
		if (rc == 0) {
			size_t olen = dns_build_finish(&b);
			if (raw) {
				fwrite(out, 1, olen, stdout);
			} else {
				for (size_t i = 0; i < olen; i++)
					printf("%02x", out[i]);
				putchar('\n');
			}
		}
	}
	for (size_t i = 0; i < nrr; i++)
		free(rrs[i].mem);
	free(rrs);
	free(text);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "decode") == 0)
		return decode(argc - 2, argv + 2);
	if (argc >= 2 && strcmp(argv[1], "encode") == 0)
		return encode(argc - 2, argv + 2);
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return 2;
}
