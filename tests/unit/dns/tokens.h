/* Text split into the tokens the zone-file lexer hands the record
 * parsers, for the tests of RDATA from text. */
#ifndef DNSIM_TESTS_DNS_TOKENS_H
#define DNSIM_TESTS_DNS_TOKENS_H

#include <stdbool.h>
#include <string.h>

#include "dns/rdata.h"

/* Split text into tokens: white space separates, double quotes group
 * (escapes kept, as the zone lexer hands them over). */
static inline size_t tokenize(const char *s, dns_token *tok, size_t max)
{
	size_t n = 0;
	while (*s && n < max) {
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		dns_token *t = &tok[n++];
		memset(t, 0, sizeof *t);
		if (*s == '"') {
			t->quoted = true;
			t->text = ++s;
			while (*s && *s != '"') {
				if (*s == '\\' && s[1])
					s++;
				s++;
			}
			t->len = (size_t)(s - t->text);
			if (*s)
				s++;
		} else {
			t->text = s;
			while (*s && *s != ' ')
				s++;
			t->len = (size_t)(s - t->text);
		}
	}
	return n;
}

#endif
