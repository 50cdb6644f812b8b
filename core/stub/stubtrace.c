/* The stub's trace: one JSON object per line and per step, read back by
 * `sim trace` to draw the stub as its own lane. */
#include <stdarg.h>
#include <string.h>

#include "stub/stub.h"

const char *stub_json_name(const uint8_t *name, char *buf, size_t bufsz)
{
	char text[DNS_NAME_MAXTEXT];
	size_t o = 0;
	if (bufsz == 0)
		return buf;
	if (dns_name_to_text(name, text, sizeof text, NULL) != DNS_OK)
		text[0] = '\0';
	for (const char *p = text; *p && o + 2 < bufsz; p++) {
		if (*p == '\\' || *p == '"')
			buf[o++] = '\\';
		buf[o++] = *p;
	}
	buf[o] = '\0';
	return buf;
}

void stub_trace(stub *s, unsigned rq, const char *ev, const char *fmt, ...)
{
	if (s->trace == NULL)
		return;
	fprintf(s->trace, "{\"t\":%llu,\"rq\":%u,\"ev\":\"%s\"", (unsigned long long)s->now_ms,
		rq, ev);
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		fputc(',', s->trace);
		vfprintf(s->trace, fmt, ap);
		va_end(ap);
	}
	fputs("}\n", s->trace);
}
