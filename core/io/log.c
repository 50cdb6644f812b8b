/* Log lines to stderr. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

/* The one piece of process-wide state in the I/O layer: who is talking. */
static char log_prefix[128] = "dnsim";

void log_set_prefix(const char *prefix)
{
	snprintf(log_prefix, sizeof log_prefix, "%s", prefix);
}

void log_msg(const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s\n", log_prefix, line);
}
