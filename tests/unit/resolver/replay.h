/* Replay scenarios for the resolver: the file format (documented in
 * tests/data/replay/README.md) and its reader.  test_iterate.c runs what
 * this reads.  One header because the Makefile builds each test from one
 * .c file; everything here is static. */
#ifndef DNSIM_TESTS_REPLAY_H
#define DNSIM_TESTS_REPLAY_H

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/master.h"
#include "dns/ttl.h"
#include "io/addr.h"
#include "resolver/rrlist.h"

#define RP_WORDS 16

/* ---- what a scenario holds ---------------------------------------------- */

enum rp_match { RP_MATCH_EXACT, RP_MATCH_BELOW, RP_MATCH_ANY };
enum rp_transport { RP_ANY_TRANSPORT, RP_UDP, RP_TCP };
enum rp_edns { RP_ANY_EDNS, RP_EDNS, RP_NO_EDNS };

/* One scripted answer of a server: what it matches and how it replies. */
typedef struct rp_entry {
	unsigned line;
	enum rp_match how;
	dns_name name;
	uint16_t qtype;                 /* 0: any type */
	enum rp_transport transport;
	enum rp_edns edns;
	bool once, used;                /* once: answers one query only */
	bool timeout;                   /* no answer at all */
	bool truncate;                  /* over UDP: TC and no records */
	bool wrong_id;                  /* reply with another ID */
	bool has_from;                  /* reply from another address */
	net_addr from;
	bool has_question;              /* reply with another question */
	dns_name question;
	uint16_t question_type;
	uint16_t flags;                 /* DNS_F_AA, DNS_F_TC, ... (QR always) */
	unsigned rcode;
	rrlist sec[3];                  /* answer, authority, additional */
} rp_entry;

typedef struct rp_server {
	unsigned line;
	net_addr addr;                  /* port 53 */
	char text[64];
	uint32_t rtt_ms;
	rp_entry *entries;
	size_t nentries;
} rp_server;

enum rp_step_kind {
	RP_QUERY, RP_TIME,
	RP_EXPECT_RCODE, RP_EXPECT_FLAG, RP_EXPECT_NO_FLAG,
	RP_EXPECT_SECTION,              /* exactly these records (a set) */
	RP_EXPECT_INCLUDES,             /* at least these records */
	RP_EXPECT_EXCLUDES,             /* none of these records */
	RP_EXPECT_COUNT,                /* so many records in a section */
	RP_EXPECT_QUERIES,              /* upstream queries since the last query */
	RP_EXPECT_QUERIES_AT_MOST,
	RP_EXPECT_QUERIES_TO,           /* to one address */
	RP_EXPECT_ASKED, RP_EXPECT_NOT_ASKED,
	RP_EXPECT_ELAPSED_AT_MOST,
	RP_EXPECT_CACHED, RP_EXPECT_NOT_CACHED,
	RP_EXPECT_EDE, RP_EXPECT_NO_EDE,    /* an Extended DNS Error (RFC 8914) */
};

typedef struct rp_step {
	unsigned line;
	enum rp_step_kind kind;
	dns_name name;
	uint16_t qtype;
	bool tcp, noedns;
	int sec;                        /* 0 answer, 1 authority, 2 additional */
	uint16_t flag;
	unsigned rcode;
	long long number;               /* counts, seconds, milliseconds */
	bool any_addr;
	net_addr addr;
	int cache_kind;                 /* -1 any, else an rcache_kind */
	rrlist rrs;
	bool *ttl_given;                /* per record of rrs */
	size_t nttl, capttl;
} rp_step;

typedef struct rp_hint {
	dns_name name;
	net_addr addr;
} rp_hint;

typedef struct rp_scenario {
	char path[512];
	char name[256];
	char about[1024];
	char pending[512];              /* why it is in pending/, if it is */
	char *config[64][RP_WORDS];     /* key and values, strdup'd */
	size_t nconfig_words[64];
	size_t nconfig;
	rp_hint hints[8];
	size_t nhints;
	rp_server *servers;
	size_t nservers;
	rp_step *steps;
	size_t nsteps;
	char error[512];                /* a syntax error, "FILE:LINE: ..." */
} rp_scenario;

/* ---- small helpers ---------------------------------------------------------- */

static void rp_free(rp_scenario *s)
{
	for (size_t i = 0; i < s->nconfig; i++)
		for (size_t k = 0; k < s->nconfig_words[i]; k++)
			free(s->config[i][k]);
	for (size_t i = 0; i < s->nservers; i++) {
		for (size_t e = 0; e < s->servers[i].nentries; e++)
			for (int k = 0; k < 3; k++)
				rrlist_free(&s->servers[i].entries[e].sec[k]);
		free(s->servers[i].entries);
	}
	free(s->servers);
	for (size_t i = 0; i < s->nsteps; i++) {
		rrlist_free(&s->steps[i].rrs);
		free(s->steps[i].ttl_given);
	}
	free(s->steps);
	memset(s, 0, sizeof *s);
}

static bool rp_name(const char *text, dns_name *out)
{
	return dns_name_from_text(out, text, strlen(text), dns_name_root) == DNS_OK;
}

static bool rp_type(const char *text, uint16_t *out)
{
	return dns_type_from_text(text, strlen(text), out) == DNS_OK;
}

/* An address, IPv4 or IPv6, as a server on port 53. */
static bool rp_addr(const char *text, net_addr *out)
{
	return strchr(text, '@') == NULL && net_addr_parse(text, 53, out);
}

static const struct { const char *text; unsigned code; } rp_rcodes[] = {
	{ "NOERROR", DNS_R_NOERROR }, { "FORMERR", DNS_R_FORMERR },
	{ "SERVFAIL", DNS_R_SERVFAIL }, { "NXDOMAIN", DNS_R_NXDOMAIN },
	{ "NOTIMP", DNS_R_NOTIMP }, { "REFUSED", DNS_R_REFUSED },
	{ "YXDOMAIN", DNS_R_YXDOMAIN }, { "NOTAUTH", DNS_R_NOTAUTH },
	{ "NOTZONE", DNS_R_NOTZONE }, { "BADVERS", DNS_R_BADVERS },
};

static bool rp_rcode(const char *text, unsigned *out)
{
	for (size_t i = 0; i < sizeof rp_rcodes / sizeof rp_rcodes[0]; i++)
		if (strcasecmp(text, rp_rcodes[i].text) == 0) {
			*out = rp_rcodes[i].code;
			return true;
		}
	return false;
}

static const struct { const char *text; uint16_t bit; } rp_flags[] = {
	{ "AA", DNS_F_AA }, { "TC", DNS_F_TC }, { "RD", DNS_F_RD },
	{ "RA", DNS_F_RA }, { "AD", DNS_F_AD }, { "CD", DNS_F_CD },
};

static bool rp_flag(const char *text, uint16_t *out)
{
	for (size_t i = 0; i < sizeof rp_flags / sizeof rp_flags[0]; i++)
		if (strcasecmp(text, rp_flags[i].text) == 0) {
			*out = rp_flags[i].bit;
			return true;
		}
	return false;
}

static int rp_section(const char *text)
{
	if (strcmp(text, "answer") == 0)
		return 0;
	if (strcmp(text, "authority") == 0)
		return 1;
	if (strcmp(text, "additional") == 0)
		return 2;
	return -1;
}

static bool rp_number(const char *text, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(text, &end, 10);
	if (errno || end == text || *end)
		return false;
	*out = v;
	return true;
}

static void *rp_grow(void *arr, size_t *n, size_t size)
{
	void *p = realloc(arr, (*n + 1) * size);
	if (p == NULL)
		return NULL;
	memset((char *)p + *n * size, 0, size);
	(*n)++;
	return p;
}

/* ---- the reader ----------------------------------------------------------------- */

struct rp_reader {
	rp_scenario *s;
	const char *file;
	unsigned line;
	rp_server *server;      /* the server block being read */
	rp_entry *entry;        /* its entry being read */
	rrlist *records;        /* where record lines go */
	rp_step *records_step;  /* ... for an expectation, its TTL flags */
	bool in_steps;
};

static bool rp_fail(struct rp_reader *rd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static bool rp_fail(struct rp_reader *rd, const char *fmt, ...)
{
	int n = snprintf(rd->s->error, sizeof rd->s->error, "%s:%u: ", rd->file, rd->line);
	if (n < 0 || (size_t)n >= sizeof rd->s->error)
		return false;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(rd->s->error + n, sizeof rd->s->error - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

/* A record line: master-file syntax, owner absolute. */
static bool rp_record(struct rp_reader *rd, char *text)
{
	if (rd->records == NULL)
		return rp_fail(rd, "a record outside answer/authority/additional or expect");
	uint8_t buf[65535 + 512];
	dns_rr rr;
	char err[256];
	if (dns_master_parse_rr(text, dns_name_root, DNS_C_IN, 3600, buf, sizeof buf,
				&rr, err, sizeof err) != DNS_OK)
		return rp_fail(rd, "record: %s", err);
	if (!rrlist_add(rd->records, &rr))
		return rp_fail(rd, "out of memory");
	rp_step *st = rd->records_step;
	if (st) {
		/* The TTL counts only when the line gives one: the word
		 * after the owner is then a number. */
		char *p = text;
		while (*p && !isspace((unsigned char)*p))
			p++;
		while (isspace((unsigned char)*p))
			p++;
		bool given = isdigit((unsigned char)*p);
		if (st->nttl == st->capttl) {
			size_t cap = st->capttl ? st->capttl * 2 : 8;
			bool *t = realloc(st->ttl_given, cap * sizeof *t);
			if (t == NULL)
				return rp_fail(rd, "out of memory");
			st->ttl_given = t;
			st->capttl = cap;
		}
		st->ttl_given[st->nttl++] = given;
	}
	return true;
}

static rp_step *rp_new_step(struct rp_reader *rd, enum rp_step_kind kind)
{
	rp_scenario *s = rd->s;
	rp_step *steps = rp_grow(s->steps, &s->nsteps, sizeof *steps);
	if (steps == NULL)
		return NULL;
	s->steps = steps;
	rp_step *st = &steps[s->nsteps - 1];
	st->line = rd->line;
	st->kind = kind;
	st->cache_kind = -1;
	rrlist_init(&st->rrs);
	return st;
}

/* The `expect` lines. */
static bool rp_expect(struct rp_reader *rd, char **w, size_t n)
{
	if (n < 2)
		return rp_fail(rd, "expect what?");
	const char *what = w[1];
	rp_step *st;
	int sec;
	if (strcmp(what, "rcode") == 0) {
		if (n != 3 || (st = rp_new_step(rd, RP_EXPECT_RCODE)) == NULL ||
		    !rp_rcode(w[2], &st->rcode))
			return rp_fail(rd, "expect rcode RCODE");
		return true;
	}
	if (strcmp(what, "ede") == 0) {
		char *end;
		unsigned long code = n == 3 ? strtoul(w[2], &end, 10) : 0;
		if (n != 3 || *end || code > 65535 ||
		    (st = rp_new_step(rd, RP_EXPECT_EDE)) == NULL)
			return rp_fail(rd, "expect ede INFO-CODE");
		st->number = (unsigned)code;
		return true;
	}
	if (strcmp(what, "no-ede") == 0) {
		if (n != 2 || rp_new_step(rd, RP_EXPECT_NO_EDE) == NULL)
			return rp_fail(rd, "expect no-ede");
		return true;
	}
	if (strcmp(what, "flag") == 0 || strcmp(what, "no-flag") == 0) {
		if (n != 3 || (st = rp_new_step(rd, what[0] == 'f' ? RP_EXPECT_FLAG
						       : RP_EXPECT_NO_FLAG)) == NULL ||
		    !rp_flag(w[2], &st->flag))
			return rp_fail(rd, "expect %s AA|TC|RD|RA|AD|CD", what);
		return true;
	}
	const char *dash = strchr(what, '-');
	char secname[32];
	size_t sl = dash ? (size_t)(dash - what) : strlen(what);
	if (sl < sizeof secname) {
		memcpy(secname, what, sl);
		secname[sl] = '\0';
		sec = rp_section(secname);
	} else {
		sec = -1;
	}
	if (sec >= 0) {
		enum rp_step_kind kind;
		if (dash == NULL)
			kind = RP_EXPECT_SECTION;
		else if (strcmp(dash, "-includes") == 0)
			kind = RP_EXPECT_INCLUDES;
		else if (strcmp(dash, "-excludes") == 0)
			kind = RP_EXPECT_EXCLUDES;
		else if (strcmp(dash, "-count") == 0)
			kind = RP_EXPECT_COUNT;
		else
			return rp_fail(rd, "unknown expectation \"%s\"", what);
		if ((st = rp_new_step(rd, kind)) == NULL)
			return rp_fail(rd, "out of memory");
		st->sec = sec;
		if (kind == RP_EXPECT_COUNT) {
			if (n != 3 || !rp_number(w[2], &st->number))
				return rp_fail(rd, "expect %s N", what);
			return true;
		}
		if (n != 2)
			return rp_fail(rd, "the records of \"expect %s\" go on the lines below it", what);
		rd->records = &st->rrs;
		rd->records_step = st;
		return true;
	}
	if (strcmp(what, "queries") == 0 || strcmp(what, "queries-at-most") == 0) {
		if ((st = rp_new_step(rd, what[7] ? RP_EXPECT_QUERIES_AT_MOST
					  : RP_EXPECT_QUERIES)) == NULL ||
		    n != 3 || !rp_number(w[2], &st->number))
			return rp_fail(rd, "expect %s N", what);
		return true;
	}
	if (strcmp(what, "queries-to") == 0) {
		if ((st = rp_new_step(rd, RP_EXPECT_QUERIES_TO)) == NULL || n != 4 ||
		    !rp_addr(w[2], &st->addr) || !rp_number(w[3], &st->number))
			return rp_fail(rd, "expect queries-to ADDR N");
		return true;
	}
	if (strcmp(what, "asked") == 0 || strcmp(what, "not-asked") == 0) {
		if ((st = rp_new_step(rd, what[0] == 'a' ? RP_EXPECT_ASKED
					  : RP_EXPECT_NOT_ASKED)) == NULL || n != 5)
			return rp_fail(rd, "expect %s ADDR|any NAME TYPE", what);
		st->any_addr = strcmp(w[2], "any") == 0;
		if ((!st->any_addr && !rp_addr(w[2], &st->addr)) || !rp_name(w[3], &st->name) ||
		    !rp_type(w[4], &st->qtype))
			return rp_fail(rd, "expect %s ADDR|any NAME TYPE", what);
		return true;
	}
	if (strcmp(what, "elapsed-at-most") == 0) {
		if ((st = rp_new_step(rd, RP_EXPECT_ELAPSED_AT_MOST)) == NULL || n != 3 ||
		    !rp_number(w[2], &st->number))
			return rp_fail(rd, "expect elapsed-at-most MILLISECONDS");
		return true;
	}
	if (strcmp(what, "cached") == 0 || strcmp(what, "not-cached") == 0) {
		if ((st = rp_new_step(rd, what[0] == 'c' ? RP_EXPECT_CACHED
					  : RP_EXPECT_NOT_CACHED)) == NULL ||
		    (n != 4 && n != 5) || !rp_name(w[2], &st->name) || !rp_type(w[3], &st->qtype))
			return rp_fail(rd, "expect %s NAME TYPE [rrset|nodata|nxdomain]", what);
		if (n == 5) {
			if (strcmp(w[4], "rrset") == 0)
				st->cache_kind = 0;
			else if (strcmp(w[4], "nodata") == 0)
				st->cache_kind = 1;
			else if (strcmp(w[4], "nxdomain") == 0)
				st->cache_kind = 2;
			else
				return rp_fail(rd, "expect %s NAME TYPE [rrset|nodata|nxdomain]", what);
		}
		return true;
	}
	return rp_fail(rd, "unknown expectation \"%s\"", what);
}

/* Lines that shape the current entry's reply. */
static bool rp_entry_line(struct rp_reader *rd, char **w, size_t n)
{
	rp_entry *e = rd->entry;
	const char *k = w[0];
	if (e == NULL)
		return rp_fail(rd, "\"%s\" before any \"match\"", k);
	int sec = rp_section(k);
	if (sec >= 0 && n == 1) {
		rd->records = &e->sec[sec];
		rd->records_step = NULL;
		return true;
	}
	if (strcmp(k, "reply") == 0) {
		for (size_t i = 1; i < n; i++) {
			uint16_t f;
			if (rp_flag(w[i], &f))
				e->flags |= f;
			else if (!rp_rcode(w[i], &e->rcode))
				return rp_fail(rd, "reply: \"%s\" is neither a flag nor an rcode", w[i]);
		}
		return true;
	}
	if (n == 1 && strcmp(k, "timeout") == 0)
		e->timeout = true;
	else if (n == 1 && strcmp(k, "truncate") == 0)
		e->truncate = true;
	else if (n == 1 && strcmp(k, "once") == 0)
		e->once = true;
	else if (n == 1 && strcmp(k, "wrong-id") == 0)
		e->wrong_id = true;
	else if (strcmp(k, "from") == 0) {
		if (n != 2 || !rp_addr(w[1], &e->from))
			return rp_fail(rd, "from ADDR");
		e->has_from = true;
	} else if (strcmp(k, "question") == 0) {
		if (n != 3 || !rp_name(w[1], &e->question) || !rp_type(w[2], &e->question_type))
			return rp_fail(rd, "question NAME TYPE");
		e->has_question = true;
	} else {
		return rp_fail(rd, "unknown keyword \"%s\"", k);
	}
	return true;
}

static bool rp_match_line(struct rp_reader *rd, char **w, size_t n)
{
	if (rd->server == NULL)
		return rp_fail(rd, "\"match\" outside a server block");
	rp_server *sv = rd->server;
	rp_entry *entries = rp_grow(sv->entries, &sv->nentries, sizeof *entries);
	if (entries == NULL)
		return rp_fail(rd, "out of memory");
	sv->entries = entries;
	rp_entry *e = &entries[sv->nentries - 1];
	rd->entry = e;
	rd->records = NULL;
	e->line = rd->line;
	for (int k = 0; k < 3; k++)
		rrlist_init(&e->sec[k]);
	size_t i = 1;
	if (i < n && strcmp(w[i], "below") == 0) {
		e->how = RP_MATCH_BELOW;
		i++;
	}
	if (i + 2 > n)
		return rp_fail(rd, "match [below] NAME|any TYPE|any [udp|tcp] [edns|noedns]");
	if (strcmp(w[i], "any") == 0) {
		if (e->how == RP_MATCH_BELOW)
			return rp_fail(rd, "\"below any\": say \"below .\"");
		e->how = RP_MATCH_ANY;
	} else if (!rp_name(w[i], &e->name)) {
		return rp_fail(rd, "\"%s\" is not a name", w[i]);
	}
	i++;
	if (strcmp(w[i], "any") != 0 && !rp_type(w[i], &e->qtype))
		return rp_fail(rd, "\"%s\" is not a type", w[i]);
	for (i++; i < n; i++) {
		if (strcmp(w[i], "udp") == 0)
			e->transport = RP_UDP;
		else if (strcmp(w[i], "tcp") == 0)
			e->transport = RP_TCP;
		else if (strcmp(w[i], "edns") == 0)
			e->edns = RP_EDNS;
		else if (strcmp(w[i], "noedns") == 0)
			e->edns = RP_NO_EDNS;
		else
			return rp_fail(rd, "match: unknown word \"%s\"", w[i]);
	}
	return true;
}

static bool rp_line(struct rp_reader *rd, char *line)
{
	rp_scenario *s = rd->s;
	char *p = line;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0' || *p == '#' || *p == ';')
		return true;
	char *end = p + strlen(p);
	while (end > p && isspace((unsigned char)end[-1]))
		*--end = '\0';
	/* A record: its first word, the owner, is absolute (ends in a dot). */
	char *sp = p;
	while (*sp && !isspace((unsigned char)*sp))
		sp++;
	if (sp > p && sp[-1] == '.')
		return rp_record(rd, p);

	if (strncmp(p, "about", 5) == 0 && (p[5] == '\0' || isspace((unsigned char)p[5]))) {
		size_t have = strlen(s->about);
		snprintf(s->about + have, sizeof s->about - have, "%s%s", have ? " " : "",
			 p[5] ? p + 6 : "");
		return true;
	}
	if (strncmp(p, "pending", 7) == 0 && (p[7] == '\0' || isspace((unsigned char)p[7]))) {
		size_t have = strlen(s->pending);
		snprintf(s->pending + have, sizeof s->pending - have, "%s%s", have ? " " : "",
			 p[7] ? p + 8 : "");
		return true;
	}
	/* Keyword lines: words, with '#' starting a comment. */
	char *hash = strchr(p, '#');
	if (hash)
		*hash = '\0';
	char *w[RP_WORDS];
	size_t n = 0;
	for (char *t = strtok(p, " \t"); t; t = strtok(NULL, " \t")) {
		if (n == RP_WORDS)
			return rp_fail(rd, "too many words");
		w[n++] = t;
	}
	if (n == 0)
		return true;
	const char *k = w[0];
	rd->records = NULL;
	rd->records_step = NULL;

	if (strcmp(k, "config") == 0) {
		if (n < 3 || s->nconfig == 64)
			return rp_fail(rd, "config KEY VALUE...");
		for (size_t i = 1; i < n; i++)
			if ((s->config[s->nconfig][i - 1] = strdup(w[i])) == NULL)
				return rp_fail(rd, "out of memory");
		s->nconfig_words[s->nconfig++] = n - 1;
		return true;
	}
	if (strcmp(k, "hint") == 0) {
		if (n != 3 || s->nhints == 8 || !rp_name(w[1], &s->hints[s->nhints].name) ||
		    !rp_addr(w[2], &s->hints[s->nhints].addr))
			return rp_fail(rd, "hint NAME ADDR (at most 8)");
		s->nhints++;
		return true;
	}
	if (strcmp(k, "server") == 0) {
		if (rd->in_steps)
			return rp_fail(rd, "servers come before the first query");
		if (n != 2 && !(n == 4 && strcmp(w[2], "rtt") == 0))
			return rp_fail(rd, "server ADDR [rtt MILLISECONDS]");
		rp_server *sv = rp_grow(s->servers, &s->nservers, sizeof *sv);
		if (sv == NULL)
			return rp_fail(rd, "out of memory");
		s->servers = sv;
		rd->server = &sv[s->nservers - 1];
		rd->entry = NULL;
		rd->server->line = rd->line;
		rd->server->rtt_ms = 10;
		if (!rp_addr(w[1], &rd->server->addr))
			return rp_fail(rd, "\"%s\" is not an address", w[1]);
		snprintf(rd->server->text, sizeof rd->server->text, "%s", w[1]);
		for (size_t i = 0; i + 1 < s->nservers; i++)
			if (strcmp(s->servers[i].text, w[1]) == 0)
				return rp_fail(rd, "server %s twice", w[1]);
		long long rtt;
		if (n == 4) {
			if (!rp_number(w[3], &rtt) || rtt < 0 || rtt > 60000)
				return rp_fail(rd, "rtt wants milliseconds");
			rd->server->rtt_ms = (uint32_t)rtt;
		}
		return true;
	}
	if (strcmp(k, "match") == 0) {
		if (rd->in_steps)
			return rp_fail(rd, "servers come before the first query");
		return rp_match_line(rd, w, n);
	}
	if (strcmp(k, "query") == 0) {
		rd->in_steps = true;
		rd->server = NULL;
		rd->entry = NULL;
		rp_step *st = rp_new_step(rd, RP_QUERY);
		if (st == NULL || n < 3 || !rp_name(w[1], &st->name) || !rp_type(w[2], &st->qtype))
			return rp_fail(rd, "query NAME TYPE [tcp] [noedns]");
		for (size_t i = 3; i < n; i++) {
			if (strcmp(w[i], "tcp") == 0)
				st->tcp = true;
			else if (strcmp(w[i], "noedns") == 0)
				st->noedns = true;
			else
				return rp_fail(rd, "query: unknown word \"%s\"", w[i]);
		}
		return true;
	}
	if (strcmp(k, "time") == 0) {
		rp_step *st = rp_new_step(rd, RP_TIME);
		if (st == NULL || n != 2 || w[1][0] != '+' || !rp_number(w[1] + 1, &st->number) ||
		    st->number < 0)
			return rp_fail(rd, "time +SECONDS");
		return true;
	}
	if (strcmp(k, "expect") == 0) {
		if (!rd->in_steps)
			return rp_fail(rd, "expect before any query");
		return rp_expect(rd, w, n);
	}
	if (rd->in_steps)
		return rp_fail(rd, "unknown keyword \"%s\"", k);
	return rp_entry_line(rd, w, n);
}

/* Read a scenario file; false with s->error set. */
static bool rp_read(rp_scenario *s, const char *path)
{
	memset(s, 0, sizeof *s);
	snprintf(s->path, sizeof s->path, "%s", path);
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	snprintf(s->name, sizeof s->name, "%s", base);
	char *dot = strrchr(s->name, '.');
	if (dot)
		*dot = '\0';
	struct rp_reader rd = { .s = s, .file = path };
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		snprintf(s->error, sizeof s->error, "%s: %s", path, strerror(errno));
		return false;
	}
	char line[8192];
	bool ok = true;
	while (ok && fgets(line, sizeof line, f)) {
		rd.line++;
		ok = rp_line(&rd, line);
	}
	fclose(f);
	if (!ok)
		return false;
	rd.line = 0;
	if (s->about[0] == '\0')
		return rp_fail(&rd, "no \"about\" line: say what the scenario pins");
	if (s->nhints == 0)
		return rp_fail(&rd, "no \"hint\" line: the resolver needs root servers");
	bool query = false;
	for (size_t i = 0; i < s->nsteps; i++)
		query |= s->steps[i].kind == RP_QUERY;
	if (!query)
		return rp_fail(&rd, "no query: nothing is tested");
	return true;
}

#endif
