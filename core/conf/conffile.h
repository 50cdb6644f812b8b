/* The config-file syntax both daemons read, the values written in it,
 * and the settings they share.  Pure: the text comes in, and text goes
 * out; the caller reads and writes the files.
 *
 * A file is lines of words separated by blanks (spaces, tabs); '#'
 * starts a comment that runs to the end of the line.  '{' and '}' are
 * words of their own even when written against a name ("view inside{").
 * A reader may know keywords that open blocks:
 *
 *   KEYWORD NAME {
 *       ...
 *   }
 *
 * with '}' alone on its line; blocks do not nest, and braces mean
 * nothing anywhere else.  A line longer than CONF_LINE_MAX characters or
 * with more than CONF_WORDS_MAX words is an error, never cut.  Every
 * error reads "FILE:LINE: what was expected". */
#ifndef DNSIM_CONF_CONFFILE_H
#define DNSIM_CONF_CONFFILE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "io/addr.h"

#define CONF_LINE_MAX 16384     /* characters on a line, its newline not counted */
#define CONF_WORDS_MAX 1024     /* words on a line */

/* ---- reading ---------------------------------------------------------- */

typedef struct conf_reader {
	const char *file;       /* the name errors give */
	const char *text;
	size_t len, pos;
	const char *block_keyword;      /* NULL: no blocks; else the keywords
					 * that open one, blank-separated */
	unsigned line;          /* the line of the words held (at the end:
				 * the last line) */
	char *words[CONF_WORDS_MAX];
	size_t nwords;
	/* The block open, if any: its name, and whether this line opened it. */
	bool in_block;
	bool opened;
	char block_kw[32];      /* the keyword that opened it */
	char block[CONF_LINE_MAX + 1];
	/* The words, each NUL-terminated. */
	char buf[CONF_LINE_MAX + CONF_WORDS_MAX + 1];
} conf_reader;

/* Read `text` (len octets, not necessarily NUL-terminated), naming it
 * `file` in errors.  block_keyword: the word that opens blocks ("view"),
 * several separated by blanks ("view policy"), or NULL. */
void conf_reader_init(conf_reader *r, const char *file, const char *text,
		      size_t len, const char *block_keyword);

/* The next line with words in it: 1 and r->words[0..nwords) (nwords >
 * 0); 0 at the end of the text; -1 with a message in err.  A block's
 * opening line comes back (r->opened set, words "KEYWORD NAME {"), its
 * closing "}" does not: r->in_block says whether a line is inside one,
 * r->block names it and r->block_kw the keyword that opened it. */
int conf_reader_next(conf_reader *r, char *err, size_t errsz);

/* err = "FILE:LINE: " and the message, for the line last read. */
void conf_error(const conf_reader *r, char *err, size_t errsz, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* ---- values ----------------------------------------------------------- */

/* Decimal digits only (no sign, no blanks), within [min, max]. */
bool conf_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* yes/on or no/off. */
bool conf_parse_bool(const char *s, bool *out);

/* "ADDR" or "ADDR@PORT" (port 53 unless given); "ADDR" or "ADDR/LEN"
 * with the host bits zero.  false with the message both daemons give. */
bool conf_parse_addr(const char *s, net_addr *out, char *msg, size_t msgsz);
bool conf_parse_prefix(const char *s, net_prefix *out, char *msg, size_t msgsz);

/* The same, written back: "ADDR" (port 53) or "ADDR@PORT"; "ADDR/LEN". */
void conf_format_addr(const net_addr *a, char *out, size_t outsz);
void conf_format_prefix(const net_prefix *p, char *out, size_t outsz);

/* ---- writing ---------------------------------------------------------- */

/* Text being written.  The first failure sticks: out of memory, or a
 * word the syntax cannot carry (empty, or holding a blank, '#', a brace
 * or a control character); conf_writer_finish() reports it. */
typedef struct conf_writer {
	char *text;
	size_t len, cap;
	char err[256];          /* "" while all is well */
} conf_writer;

void conf_writer_init(conf_writer *w);
void conf_printf(conf_writer *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* One line: `indent`, `key`, then n words, each checked. */
void conf_write_line(conf_writer *w, const char *indent, const char *key,
		     const char *const *words, size_t n);

/* Item i of an array as one word, NUL-terminated in out. */
typedef void (*conf_item_fn)(const void *items, size_t i, char *out, size_t outsz);
#define CONF_ITEM_MAX 1100      /* octets an item's text may take */

/* n items of an array after `key`, the key repeated on as many lines as
 * keep each short (the settings that take lists add them up). */
void conf_write_list(conf_writer *w, const char *indent, const char *key,
		     const void *items, size_t n, conf_item_fn item);
/* Items of a net_prefix array, of a char * array. */
void conf_prefix_item(const void *items, size_t i, char *out, size_t outsz);
void conf_string_item(const void *items, size_t i, char *out, size_t outsz);

/* "KEYWORD NAME {" and "}". */
/* One "key ADDR[@PORT]" line an address (the listen lines). */
void conf_write_addrs(conf_writer *w, const char *key, const net_addr *addrs, size_t n);

void conf_write_block(conf_writer *w, const char *keyword, const char *name);
void conf_write_block_end(conf_writer *w);
/* The text (malloc'd, NUL-terminated), or NULL with the message in err.
 * Either way w is left empty. */
char *conf_writer_finish(conf_writer *w, char *err, size_t errsz);

/* Whether the syntax can carry `word` as one word. */
bool conf_word_ok(const char *word);

/* ---- the TCP settings both daemons take -------------------------------- */

typedef struct conf_tcp {
	unsigned idle_s;        /* tcp-idle-timeout */
	unsigned max_conns;     /* tcp-max-connections */
	unsigned message_s;     /* tcp-message-timeout; 0: as tcp-idle-timeout */
	unsigned output_max;    /* tcp-output-limit, octets */
} conf_tcp;

#define CONF_TCP_IDLE_DEFAULT 10
#define CONF_TCP_OUTPUT_DEFAULT (256 * 1024)

/* Defaults but for the cap, which differs between the daemons. */
void conf_tcp_init(conf_tcp *t, unsigned max_conns);

/* 1: `key` is a TCP setting and words[0..n) set it; 0: it is not one;
 * -1: the value is wrong, with the message in msg. */
int conf_tcp_set(conf_tcp *t, const char *key, char *const *words, size_t n,
		 char *msg, size_t msgsz);

void conf_tcp_write(conf_writer *w, const conf_tcp *t);

#define CONF_TCP_KEYS \
	"tcp-idle-timeout, tcp-message-timeout, tcp-max-connections, tcp-output-limit"

#define CONF_STR_(x) #x
#define CONF_STR(x) CONF_STR_(x)

/* For --help: the TCP settings, `cap` the daemon's default cap (a
 * number, or a macro for one). */
#define CONF_TCP_HELP(cap)                                                      \
	"  tcp-idle-timeout SECONDS      close a TCP client silent this long (1-3600,\n" \
	"                                default 10)\n"                        \
	"  tcp-message-timeout SECONDS   ...or one whose message is not whole this\n" \
	"                                long after it began (1-3600, default: the\n" \
	"                                idle timeout)\n"                      \
	"  tcp-max-connections N         TCP clients at once; more are closed at\n" \
	"                                once (1-100000, default " CONF_STR(cap) ")\n"   \
	"  tcp-output-limit BYTES        a TCP client with this much unread output\n" \
	"                                is not read until it drains it (1024-\n" \
	"                                1073741824, default 262144)\n"

#endif
