/* Domain names.
 *
 * Inside the library a name is always in uncompressed wire form: a sequence
 * of length-prefixed labels ending in the zero-length root label, at most
 * 255 octets in all.  A `const uint8_t *` that the library hands out as a
 * name has been validated; functions taking one trust it.  Presentation
 * form (text) is only seen at the edges: zone files, user input, output. */
#ifndef DNSIM_DNS_NAME_H
#define DNSIM_DNS_NAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define DNS_NAME_MAXLEN 255
#define DNS_LABEL_MAXLEN 63
/* Longest presentation form: every octet as \DDD plus the dots. */
#define DNS_NAME_MAXTEXT (DNS_NAME_MAXLEN * 4 + 2)

/* Storage for one name; `len` counts the octets in `data`, root label
 * included (so the root name has len 1). */
typedef struct dns_name {
	uint8_t len;
	uint8_t data[DNS_NAME_MAXLEN];
} dns_name;

/* Presentation -> wire.  `text` holds `textlen` characters (no NUL needed).
 * A name not ending in an unescaped dot is relative and gets `origin`
 * appended; with origin NULL that is DNS_E_RELATIVE.  "." is the root.
 * Escapes: \X is the character X, \DDD a decimal octet (000-255). */
dns_err dns_name_from_text(dns_name *out, const char *text, size_t textlen,
			   const uint8_t *origin);

/* Wire -> presentation, absolute (ending in "."), NUL-terminated.  Bytes
 * outside printable ASCII become \DDD; . \ " ( ) ; @ $ are escaped with
 * a backslash.  `outlen` (may be NULL) receives the length without NUL. */
dns_err dns_name_to_text(const uint8_t *name, char *out, size_t outsz,
			 size_t *outlen);

/* Check an uncompressed wire name in buf[0..buflen) and return its length
 * in *namelen.  Compression pointers are an error here. */
dns_err dns_name_check(const uint8_t *buf, size_t buflen, size_t *namelen);

/* Read a possibly compressed name from a message at *pos; store it
 * uncompressed in out and advance *pos past it (past the first pointer
 * if there is one).  Every pointer must point strictly before the label
 * that holds it, which also rules out loops. */
dns_err dns_name_unpack(const uint8_t *msg, size_t msglen, size_t *pos,
			dns_name *out);

/* Length in octets of a valid wire name. */
size_t dns_name_length(const uint8_t *name);

/* Number of labels, not counting the root label ("." has 0). */
unsigned dns_name_labels(const uint8_t *name);

/* Case-insensitive (ASCII) equality. */
bool dns_name_equal(const uint8_t *a, const uint8_t *b);

/* RFC 4034 section 6.1 canonical order: compare label by label from the
 * rightmost, each label as lowercased octets.  <0, 0, >0 like strcmp. */
int dns_name_compare(const uint8_t *a, const uint8_t *b);

/* True when `name` is `parent` or lies below it. */
bool dns_name_is_subdomain(const uint8_t *name, const uint8_t *parent);

/* Pointer to the name with its first `n` labels removed (n <= labels). */
const uint8_t *dns_name_skip_labels(const uint8_t *name, unsigned n);

/* Lowercase ASCII letters in place. */
void dns_name_to_lower(uint8_t *name);

/* Copy a valid wire name into a dns_name. */
void dns_name_copy(dns_name *out, const uint8_t *name);

/* out = prefix + suffix, where prefix is given as `prefix_labels` leading
 * labels of `prefix`.  DNS_E_NAME_TOO_LONG if it would not fit. */
dns_err dns_name_join(dns_name *out, const uint8_t *prefix,
		      unsigned prefix_labels, const uint8_t *suffix);

/* The root name in wire form. */
extern const uint8_t dns_name_root[1];

#endif
