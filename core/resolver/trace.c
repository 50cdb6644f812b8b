/* The resolution trace: one JSON object per line and per step, for the
 * simulator's sequence diagrams and for people reading along. */
#include <stdarg.h>
#include <string.h>

#include "resolver/resolver.h"

const char *trace_name(const uint8_t *name, char *buf, size_t bufsz)
{
	char text[DNS_NAME_MAXTEXT];
	size_t o = 0;
	if (bufsz == 0)
		return buf;
	if (dns_name_to_text(name, text, sizeof text, NULL) != DNS_OK)
		text[0] = '\0';
	/* JSON string escaping of the presentation form: its backslashes
	 * and quotes get a backslash each. */
	for (const char *p = text; *p && o + 2 < bufsz; p++) {
		if (*p == '\\' || *p == '"')
			buf[o++] = '\\';
		buf[o++] = *p;
	}
	buf[o] = '\0';
	return buf;
}

void trace_event(resolver *r, const request *rq, const char *ev,
		 const char *fmt, ...)
{
	if (r->trace == NULL)
		return;
	fprintf(r->trace, "{\"t\":%llu,\"rq\":%u,\"ev\":\"%s\"",
		(unsigned long long)r->now_ms, rq ? rq->id : 0, ev);
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		fputc(',', r->trace);
		vfprintf(r->trace, fmt, ap);
		va_end(ap);
	}
	fputs("}\n", r->trace);
}
