/* A strict TOML 1.0 parser for dnsim's topology files.
 *
 * Debian ships no C TOML library, so this is our own.  It reads the
 * whole language a topology needs -- tables, arrays of tables, inline
 * tables, dotted keys, basic and literal strings (also multi-line) with
 * every escape, integers (decimal, hex, octal, binary, underscores),
 * floats, booleans, arrays -- and refuses what it does not support
 * (dates and times) with a clear message rather than guessing.  Every
 * error names line and column.  No I/O: the caller reads the file. */
#ifndef DNSIM_TOML_H
#define DNSIM_TOML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum toml_type {
	TOML_STRING,
	TOML_INTEGER,
	TOML_FLOAT,
	TOML_BOOL,
	TOML_ARRAY,
	TOML_TABLE,
} toml_type;

typedef struct toml_value toml_value;

typedef struct toml_keyval {
	char *key;
	toml_value *value;
} toml_keyval;

struct toml_value {
	toml_type type;
	unsigned line, col;        /* where it was defined */
	union {
		struct {
			char *ptr;         /* NUL-terminated; may hold NULs (len) */
			size_t len;
		} s;
		int64_t i;
		double f;
		bool b;
		struct {
			toml_value **items;
			size_t n, cap;
		} arr;
		struct {
			toml_keyval *kv;
			size_t n, cap;
		} tab;
	} u;
	/* The parser's bookkeeping of TOML's "define once" rules. */
	unsigned char flags;
};

typedef struct toml_error {
	unsigned line, col;
	char msg[256];
} toml_error;

/* Parse text[0..len).  Returns the root table, or NULL with *err set. */
toml_value *toml_parse(const char *text, size_t len, toml_error *err);
void toml_free(toml_value *v);

/* Look up a key in a table; NULL when absent or v is not a table. */
const toml_value *toml_get(const toml_value *table, const char *key);

#endif
