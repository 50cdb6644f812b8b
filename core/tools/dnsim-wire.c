/* dnsim-wire: look at DNS messages, or make them.
 *
 *   dnsim-wire decode [-x] [--records] [FILE]           wire -> text
 *   dnsim-wire encode [-b] [--limit N] [FILE]           text -> wire
 *
 * The formats are in usage() below, so that --help and this file cannot
 * drift apart.  decode --records is meant for scripts and differential
 * tests: one item a line, fields separated by tabs, nothing that depends
 * on dig's layout. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns/encode.h"
#include "dns/master.h"
#include "dns/msg.h"
#include "dns/wire.h"

static void usage(FILE *out)
{
	fputs(
"usage: dnsim-wire decode [-x] [--records] [FILE]\n"
"       dnsim-wire encode [-b] [--limit N] [FILE]\n"
"\n"
"decode reads one DNS message from FILE or standard input: raw octets,\n"
"or hexadecimal with -x (white space ignored).  It prints the message in\n"
"dig's layout, or with --records one line per item, fields separated by\n"
"tabs:\n"
"  header      ID OPCODE RCODE FLAGS    (FLAGS like qr,aa,rd, or -)\n"
"  edns        UDPSIZE VERSION DO OPTIONS  (DO 0 or 1; OPTIONS hex or -)\n"
"  question    NAME TYPE CLASS\n"
"  answer      OWNER TTL CLASS TYPE RDATA   (also authority, additional)\n"
"RCODE is the full 12-bit code when the message has EDNS.  A malformed\n"
"message is an error (exit 1).\n"
"\n"
"encode reads a message description, one item a line, '#' comments:\n"
"  id N                     0-65535 (default 0)\n"
"  opcode QUERY|IQUERY|STATUS|NOTIFY|UPDATE|N\n"
"  rcode NOERROR|NXDOMAIN|...|BADVERS|N   (above 15 needs edns)\n"
"  flags qr aa tc rd ra z ad cd           (any of them)\n"
"  edns UDPSIZE [do] [version N] [option CODE HEX]...\n"
"  question NAME TYPE [CLASS]\n"
"  answer OWNER [TTL] [CLASS] TYPE RDATA  (also authority, additional;\n"
"                           the rest of the line is a master-file record,\n"
"                           names absolute or relative to the root)\n"
"Records are written in the order given; consecutive records of one\n"
"section, owner and type form an RRset.  The message goes to standard\n"
"output in hex, or raw with -b.  With --limit N it is built within N\n"
"octets the way a server does it: RRsets that do not fit are left out\n"
"whole, TC is set, and a note goes to standard error.\n", out);
}

/* The whole of FILE (or stdin), NUL-terminated; NULL after a message. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = path ? fopen(path, "rb") : stdin;
	if (f == NULL) {
		fprintf(stderr, "dnsim-wire: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);
	bool failed = false;
	while (buf) {
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap) {
			failed = ferror(f) != 0;
			break;
		}
		char *bigger = realloc(buf, cap * 2 + 1);
		if (bigger == NULL) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = bigger;
		cap *= 2;
	}
	if (path)
		fclose(f);
	if (buf == NULL) {
		fprintf(stderr, "dnsim-wire: out of memory\n");
		return NULL;
	}
	if (failed) {
		fprintf(stderr, "dnsim-wire: %s: read error\n", path ? path : "stdin");
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static const char *const flag_names[] = { "qr", "aa", "tc", "rd", "ra", "z", "ad", "cd" };
static const uint16_t flag_bits[] = { DNS_F_QR, DNS_F_AA, DNS_F_TC, DNS_F_RD,
				      DNS_F_RA, DNS_F_Z, DNS_F_AD, DNS_F_CD };
#define NFLAGS (sizeof flag_bits / sizeof flag_bits[0])

static const char *const section_names[] = { "answer", "authority", "additional" };

/* ---- decode ------------------------------------------------------------ */

static int print_records(const dns_msg *m)
{
	/* Big enough for any record: 64 KiB of RDATA is at most ~130 KiB of
	 * hex or ~260 KiB of escaped TXT. */
	static char line[300000];
	char b1[DNS_MNEMONIC_MAX], b2[DNS_MNEMONIC_MAX], name[DNS_NAME_MAXTEXT];
	char flags[64] = "";
	for (size_t i = 0; i < NFLAGS; i++)
		if (m->hdr.flags & flag_bits[i]) {
			if (flags[0])
				strcat(flags, ",");
			strcat(flags, flag_names[i]);
		}
	unsigned rcode = m->edns.present ? dns_msg_rcode(m) : m->hdr.rcode;
	printf("header\t%u\t%s\t%s\t%s\n", m->hdr.id,
	       dns_opcode_to_text(m->hdr.opcode, b1), dns_rcode_to_text(rcode, b2),
	       flags[0] ? flags : "-");
	if (m->edns.present) {
		const char *opts = "-";
		if (m->edns.options_len > 0) {
			if (dns_hex_encode(m->edns.options, m->edns.options_len, line,
					   sizeof line, NULL) != DNS_OK)
				return 1;
			opts = line;
		}
		printf("edns\t%u\t%u\t%u\t%s\n", m->edns.udp_size, m->edns.version,
		       m->edns.do_bit ? 1u : 0u, opts);
	}
	for (size_t i = 0; i < m->qdcount; i++) {
		if (dns_name_to_text(m->question[i].name, name, sizeof name, NULL) != DNS_OK)
			return 1;
		printf("question\t%s\t%s\t%s\n", name,
		       dns_type_to_text(m->question[i].qtype, b1),
		       dns_class_to_text(m->question[i].qclass, b2));
	}
	for (int s = 0; s < 3; s++)
		for (size_t i = 0; i < m->count[s]; i++) {
			if (dns_rr_to_text(&m->rr[s][i], line, sizeof line, NULL) != DNS_OK)
				return 1;
			printf("%s\t%s\n", section_names[s], line);
		}
	return 0;
}

/* Hex text to octets in a new buffer; white space between digits is
 * allowed (the digits are packed together in place first). */
static uint8_t *unhex(char *in, size_t len, size_t *outlen)
{
	size_t o = 0;
	for (size_t i = 0; i < len; i++)
		if (in[i] != ' ' && in[i] != '\n' && in[i] != '\r' && in[i] != '\t')
			in[o++] = in[i];
	uint8_t *out = malloc(o / 2 + 1);
	if (out == NULL || dns_hex_decode(in, o, out, o / 2 + 1, outlen) != DNS_OK) {
		free(out);
		return NULL;
	}
	return out;
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
		wire = unhex(in, len, &len);
		free(in);
		if (wire == NULL) {
			fprintf(stderr, "dnsim-wire: the input is not hex "
				"(an even number of digits 0-9 a-f)\n");
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
		if (rc)
			fprintf(stderr, "dnsim-wire: cannot print a record\n");
	} else {
		static char text[1 << 21];
		if (dns_msg_to_text(&m, text, sizeof text, NULL) != DNS_OK) {
			fprintf(stderr, "dnsim-wire: the message is too large to print\n");
			rc = 1;
		} else {
			fputs(text, stdout);
		}
	}
	dns_msg_free(&m);
	free(wire);
	return rc;
}

/* ---- encode ------------------------------------------------------------ */

#define MAX_QUESTIONS 16
#define MAX_OPTIONS_LEN 4096

struct question {
	dns_name name;
	uint16_t qtype, qclass;
};

struct record {
	int section;
	dns_rr rr;
	uint8_t *mem;   /* owner and RDATA live here */
};

/* Everything an encode description says. */
struct description {
	dns_header hdr;
	unsigned rcode;   /* full 12 bits; the top 8 go into the OPT RR */
	dns_edns edns;
	uint8_t options[MAX_OPTIONS_LEN];
	size_t options_len;
	struct question q[MAX_QUESTIONS];
	size_t nq;
	struct record *rec;
	size_t nrec;
	bool reported;    /* an error message has been printed already */
};

static bool word_number(const char *w, unsigned long max, unsigned long *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(w, &end, 10);
	if (*w < '0' || *w > '9' || *end || errno || v > max)
		return false;
	*out = v;
	return true;
}

static bool read_opcode(struct description *d, const char *w)
{
	char buf[DNS_MNEMONIC_MAX];
	unsigned long v;
	for (unsigned op = 0; op < 16; op++)
		if (strcasecmp(w, dns_opcode_to_text(op, buf)) == 0) {
			d->hdr.opcode = (uint8_t)op;
			return true;
		}
	if (!word_number(w, 15, &v))
		return false;
	d->hdr.opcode = (uint8_t)v;
	return true;
}

static bool read_rcode(struct description *d, const char *w)
{
	char buf[DNS_MNEMONIC_MAX];
	unsigned long v;
	for (unsigned rc = 0; rc < 4096; rc++)
		if (strcasecmp(w, dns_rcode_to_text(rc, buf)) == 0) {
			d->rcode = rc;
			return true;
		}
	if (!word_number(w, 4095, &v))
		return false;
	d->rcode = (unsigned)v;
	return true;
}

static bool read_flags(struct description *d, char **w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t f = 0;
		while (f < NFLAGS && strcasecmp(w[i], flag_names[f]) != 0)
			f++;
		if (f == NFLAGS)
			return false;
		d->hdr.flags |= flag_bits[f];
	}
	return true;
}

static bool read_edns(struct description *d, char **w, size_t n)
{
	unsigned long v;
	if (n < 1 || !word_number(w[0], 65535, &v))
		return false;
	d->edns.present = true;
	d->edns.udp_size = (uint16_t)v;
	for (size_t i = 1; i < n; i++) {
		if (strcasecmp(w[i], "do") == 0) {
			d->edns.do_bit = true;
		} else if (strcasecmp(w[i], "version") == 0 && i + 1 < n &&
			   word_number(w[i + 1], 255, &v)) {
			d->edns.version = (uint8_t)v;
			i++;
		} else if (strcasecmp(w[i], "option") == 0 && i + 1 < n &&
			   word_number(w[i + 1], 65535, &v)) {
			/* The data is optional: "option 65001" is an empty one. */
			const char *hex = "";
			if (i + 2 < n && strcasecmp(w[i + 2], "option") != 0 &&
			    strcasecmp(w[i + 2], "do") != 0 &&
			    strcasecmp(w[i + 2], "version") != 0)
				hex = w[i + 2];
			size_t at = d->options_len, olen;
			if (at + 4 > MAX_OPTIONS_LEN ||
			    dns_hex_decode(hex, strlen(hex), d->options + at + 4,
					   MAX_OPTIONS_LEN - at - 4, &olen) != DNS_OK)
				return false;
			dns_put16(d->options + at, (uint16_t)v);
			dns_put16(d->options + at + 2, (uint16_t)olen);
			d->options_len = at + 4 + olen;
			i += hex[0] ? 2 : 1;
		} else {
			return false;
		}
	}
	return true;
}

static bool read_question(struct description *d, char **w, size_t n)
{
	if ((n != 2 && n != 3) || d->nq == MAX_QUESTIONS)
		return false;
	struct question *q = &d->q[d->nq];
	if (dns_name_from_text(&q->name, w[0], strlen(w[0]), dns_name_root) != DNS_OK ||
	    dns_type_from_text(w[1], strlen(w[1]), &q->qtype) != DNS_OK)
		return false;
	q->qclass = DNS_C_IN;
	if (n == 3 && dns_class_from_text(w[2], strlen(w[2]), &q->qclass) != DNS_OK)
		return false;
	d->nq++;
	return true;
}

/* The class a record line names: OWNER [TTL] [CLASS] TYPE or OWNER
 * [CLASS] [TTL] TYPE; IN when it names none. */
static uint16_t line_class(const char *text)
{
	const char *p = text + strcspn(text, " \t");   /* past the owner */
	for (int k = 0; k < 2; k++) {
		p += strspn(p, " \t");
		size_t n = strcspn(p, " \t");
		uint16_t c;
		/* "ANY" in the type's place is a type; only a following word
		 * makes it a class. */
		if (n > 0 && dns_class_from_text(p, n, &c) == DNS_OK &&
		    p[n + strspn(p + n, " \t")] != '\0')
			return c;
		if (n == 0 || p[0] < '0' || p[0] > '9')
			break;   /* neither a TTL nor a class: the type */
		p += n;
	}
	return DNS_C_IN;
}

/* The master-file reader does the record, quoting and escapes included,
 * with the class the line names (a message may carry CH or any other). */
static bool parse_record(const char *text, struct record *r, size_t cap,
			 char *err, size_t errsz)
{
	return dns_master_parse_rr(text, dns_name_root, line_class(text), 0, r->mem, cap,
				   &r->rr, err, errsz) == DNS_OK;
}

/* "answer OWNER TTL CLASS TYPE RDATA" */
static bool read_record(struct description *d, int section, const char *rest,
			unsigned lineno)
{
	/* Owner (255) + RDATA (65535) with room to spare. */
	const size_t cap = 65536 + 512;
	struct record *grown = realloc(d->rec, (d->nrec + 1) * sizeof *grown);
	if (grown == NULL) {
		fprintf(stderr, "dnsim-wire: out of memory\n");
		return false;
	}
	d->rec = grown;
	struct record *r = &d->rec[d->nrec];
	r->section = section;
	r->mem = malloc(cap);
	if (r->mem == NULL) {
		fprintf(stderr, "dnsim-wire: out of memory\n");
		return false;
	}
	char err[400];
	if (!parse_record(rest, r, cap, err, sizeof err)) {
		fprintf(stderr, "dnsim-wire: line %u: %s\n", lineno, err);
		d->reported = true;
		free(r->mem);
		return false;
	}
	d->nrec++;
	return true;
}

/* One line of the description (comments and blank lines already gone). */
static bool read_line(struct description *d, char *line, unsigned lineno)
{
	char *rest = line + strcspn(line, " \t");
	if (*rest)
		*rest++ = '\0';
	rest += strspn(rest, " \t");
	for (int s = 0; s < 3; s++)
		if (strcasecmp(line, section_names[s]) == 0)
			return read_record(d, s + 1, rest, lineno);

	char *w[64], *save = NULL;
	size_t n = 0;
	for (char *t = strtok_r(rest, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save)) {
		if (n == sizeof w / sizeof w[0])
			return false;
		w[n++] = t;
	}
	unsigned long v;
	if (strcasecmp(line, "id") == 0 && n == 1 && word_number(w[0], 65535, &v)) {
		d->hdr.id = (uint16_t)v;
		return true;
	}
	if (strcasecmp(line, "opcode") == 0 && n == 1)
		return read_opcode(d, w[0]);
	if (strcasecmp(line, "rcode") == 0 && n == 1)
		return read_rcode(d, w[0]);
	if (strcasecmp(line, "flags") == 0)
		return read_flags(d, w, n);
	if (strcasecmp(line, "edns") == 0)
		return read_edns(d, w, n);
	if (strcasecmp(line, "question") == 0)
		return read_question(d, w, n);
	return false;
}

static bool read_description(struct description *d, char *text)
{
	unsigned lineno = 0;
	char *next = text;
	while (next) {
		char *line = next;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		line += strspn(line, " \t\r");
		line[strcspn(line, "\r")] = '\0';
		if (*line == '\0' || *line == '#')
			continue;
		/* Keep a copy for the message: read_line cuts the line up. */
		char shown[80];
		snprintf(shown, sizeof shown, "%s", line);
		if (!read_line(d, line, lineno)) {
			if (!d->reported)
				fprintf(stderr, "dnsim-wire: line %u: cannot read \"%s\" "
					"(see dnsim-wire --help)\n", lineno, shown);
			return false;
		}
	}
	if (d->rcode > 15 && !d->edns.present) {
		fprintf(stderr, "dnsim-wire: rcode %u needs an edns line\n", d->rcode);
		return false;
	}
	return true;
}

/* Build the message within `limit`; *left_out counts the questions and
 * records that did not fit.  Returns the length, 0 on error (after a
 * message). */
static size_t build(struct description *d, uint8_t *out, size_t limit,
		    size_t *left_out)
{
	dns_builder b;
	d->hdr.rcode = (uint8_t)(d->rcode & 15);
	d->edns.ext_rcode = (uint8_t)(d->rcode >> 4);
	d->edns.options = d->options;
	d->edns.options_len = (uint16_t)d->options_len;
	*left_out = 0;
	if (dns_build_init(&b, out, limit, &d->hdr) != DNS_OK ||
	    (d->edns.present &&
	     dns_build_reserve(&b, dns_edns_wire_size(d->options_len)) != DNS_OK)) {
		fprintf(stderr, "dnsim-wire: --limit %zu is too small for the header%s\n",
			limit, d->edns.present ? " and OPT record" : "");
		return 0;
	}
	dns_rr *set = malloc((d->nrec ? d->nrec : 1) * sizeof *set);
	if (set == NULL) {
		fprintf(stderr, "dnsim-wire: out of memory\n");
		return 0;
	}
	bool full = false;
	for (size_t i = 0; i < d->nq && !full; i++) {
		dns_err err = dns_build_question(&b, d->q[i].name.data, d->q[i].qtype,
						 d->q[i].qclass);
		if (err == DNS_E_NOSPACE) {
			full = true;
			*left_out += d->nq - i;
		} else if (err) {
			fprintf(stderr, "dnsim-wire: question %zu: %s\n", i + 1, dns_strerror(err));
			free(set);
			return 0;
		}
	}
	/* RRsets are runs of one section, owner and type, cut whole. */
	for (size_t i = 0; i < d->nrec;) {
		size_t j = i + 1;
		while (j < d->nrec && d->rec[j].section == d->rec[i].section &&
		       d->rec[j].rr.type == d->rec[i].rr.type &&
		       dns_name_equal(d->rec[j].rr.owner, d->rec[i].rr.owner))
			j++;
		if (full) {
			*left_out += j - i;
			i = j;
			continue;
		}
		for (size_t k = i; k < j; k++)
			set[k - i] = d->rec[k].rr;
		dns_err err = dns_build_rrset(&b, d->rec[i].section, set, j - i);
		if (err == DNS_E_NOSPACE) {
			/* Like a server: once something is cut, stop, so the
			 * message never has a later section without an earlier
			 * one's records. */
			full = true;
			*left_out += j - i;
		} else if (err) {
			fprintf(stderr, "dnsim-wire: record %zu: %s\n", i + 1, dns_strerror(err));
			free(set);
			return 0;
		}
		i = j;
	}
	free(set);
	if (full)
		dns_build_set_tc(&b);
	if (d->edns.present) {
		dns_err err = dns_build_edns(&b, &d->edns);
		if (err) {
			fprintf(stderr, "dnsim-wire: OPT record: %s\n", dns_strerror(err));
			return 0;
		}
	}
	return dns_build_finish(&b);
}

static int encode(int argc, char **argv)
{
	bool raw = false;
	unsigned long limit = 65535;
	const char *path = NULL;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-b") == 0) {
			raw = true;
		} else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
			if (!word_number(argv[i + 1], 65535, &limit) || limit < DNS_HEADER_LEN) {
				fprintf(stderr, "dnsim-wire: --limit takes %d-65535\n",
					DNS_HEADER_LEN);
				return 2;
			}
			i++;
		} else if (path == NULL && argv[i][0] != '-') {
			path = argv[i];
		} else {
			usage(stderr);
			return 2;
		}
	}
	size_t len;
	char *text = slurp(path, &len);
	if (text == NULL)
		return 1;
	static struct description d;
	int rc = 1;
	if (read_description(&d, text)) {
		static uint8_t out[65535];
		size_t left_out;
		size_t olen = build(&d, out, limit, &left_out);
		if (olen > 0) {
			if (left_out > 0)
				fprintf(stderr, "dnsim-wire: truncated to fit %lu octets: "
					"%zu of %zu questions and records left out, TC set\n",
					limit, left_out, d.nq + d.nrec);
			if (raw) {
				if (fwrite(out, 1, olen, stdout) != olen)
					fprintf(stderr, "dnsim-wire: write error\n");
				else
					rc = 0;
			} else {
				for (size_t i = 0; i < olen; i++)
					printf("%02x", out[i]);
				putchar('\n');
				rc = 0;
			}
		}
	}
	for (size_t i = 0; i < d.nrec; i++)
		free(d.rec[i].mem);
	free(d.rec);
	free(text);
	if (rc == 0 && fflush(stdout) != 0) {
		fprintf(stderr, "dnsim-wire: write error\n");
		rc = 1;
	}
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
