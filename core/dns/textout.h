/* Private to the library: appending text to a caller's buffer without
 * ever overrunning it.  Once something does not fit, `full` is set and
 * everything after is dropped, so the caller checks once at the end. */
#ifndef DNSIM_DNS_TEXTOUT_H
#define DNSIM_DNS_TEXTOUT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct text_out {
	char *buf;
	size_t cap;
	size_t len;
	bool full;
};

static inline void text_put(struct text_out *t, const char *s, size_t n)
{
	if (t->full || t->cap - t->len <= n) {
		t->full = true;
		return;
	}
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len] = '\0';
}

static inline void text_puts(struct text_out *t, const char *s)
{
	text_put(t, s, strlen(s));
}

static inline void text_printf(struct text_out *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline void text_printf(struct text_out *t, const char *fmt, ...)
{
	if (t->full)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= t->cap - t->len) {
		t->full = true;
		t->buf[t->len] = '\0';
		return;
	}
	t->len += (size_t)n;
}

#endif
