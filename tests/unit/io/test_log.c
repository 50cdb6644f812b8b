/* Log lines as a supervisor reads them from a daemon's stderr:
 * "PREFIX: message\n", one line per call, long parts cut. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "io/log.h"

static char captured[8192];

/* Run fn with stderr sent to a temporary file; its text in `captured`. */
static void capture(void (*fn)(void))
{
	FILE *tmp = tmpfile();
	if (tmp == NULL) {
		perror("tmpfile");
		abort();
	}
	fflush(stderr);
	int saved = dup(STDERR_FILENO);
	dup2(fileno(tmp), STDERR_FILENO);
	fn();
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	size_t n = fread(captured, 1, sizeof captured - 1, tmp);
	captured[n] = '\0';
	fclose(tmp);
}

static void log_default(void)
{
	log_msg("started, %d zones", 3);
}

static void log_named(void)
{
	log_set_prefix("dnsim-auth[ns1.example]");
	log_msg("listening on %s", "192.0.2.53#53");
	log_msg("second line");
}

static void test_default_prefix(void)
{
	capture(log_default);
	CHECK_STR(captured, "dnsim: started, 3 zones\n");
}

static void test_set_prefix(void)
{
	capture(log_named);
	CHECK_STR(captured, "dnsim-auth[ns1.example]: listening on 192.0.2.53#53\n"
			    "dnsim-auth[ns1.example]: second line\n");
}

static char long_text[5000];

static void log_long(void)
{
	char prefix[300];
	memset(prefix, 'p', sizeof prefix - 1);
	prefix[sizeof prefix - 1] = '\0';
	log_set_prefix(prefix);
	log_msg("%s", long_text);
}

/* A prefix is kept to 127 characters and a message to 2047: a line
 * still ends in its newline, whatever came in. */
static void test_long_parts_are_cut(void)
{
	memset(long_text, 'm', sizeof long_text - 1);
	capture(log_long);
	char want[127 + 2 + 2047 + 2];
	size_t o = 0;
	memset(want + o, 'p', 127);
	o += 127;
	memcpy(want + o, ": ", 2);
	o += 2;
	memset(want + o, 'm', 2047);
	o += 2047;
	want[o++] = '\n';
	want[o] = '\0';
	CHECK_INT(strlen(captured), strlen(want));
	CHECK_STR(captured, want);
}

int main(void)
{
	RUN(test_default_prefix);
	RUN(test_set_prefix);
	RUN(test_long_parts_are_cut);
	return check_summary("test_log");
}
