/* dnsim-stub's settings: read from config-file text and the command
 * line, and written back as text. */
#include "stub_conf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/array.h"

void stub_config_init(stub_config *c)
{
	memset(c, 0, sizeof *c);
	c->timeout_s = 2;
	c->cache_entries = 4096;
	c->max_ttl = 86400;
	c->max_neg_ttl = 3600;
	conf_tcp_init(&c->tcp, STUB_TCP_MAX_DEFAULT);
}

void stub_config_free(stub_config *c)
{
	free(c->listen);
	free(c->servers);
	free(c->trace);
	free(c->query_log);
	free(c->control);
	free(c->identity);
	memset(c, 0, sizeof *c);
}

static bool set_string(char **slot, const char *v, char *err, size_t errsz)
{
	char *copy = strdup(v);
	if (copy == NULL) {
		snprintf(err, errsz, "out of memory");
		return false;
	}
	free(*slot);
	*slot = copy;
	return true;
}

static bool add_addrs(net_addr **list, size_t *n, size_t max, const char *key,
		      char **w, size_t nw, char *err, size_t errsz)
{
	if (nw == 0) {
		snprintf(err, errsz, "%s: wrong number of values", key);
		return false;
	}
	for (size_t i = 0; i < nw; i++) {
		net_addr tmp, *a;
		if (!conf_parse_addr(w[i], &tmp, err, errsz))
			return false;
		if (*n >= max) {
			snprintf(err, errsz, "%s: at most %zu addresses", key, max);
			return false;
		}
		if ((a = array_grow(list, n, sizeof *a)) == NULL) {
			snprintf(err, errsz, "out of memory");
			return false;
		}
		*a = tmp;
	}
	return true;
}

bool stub_config_set(stub_config *c, const char *key, char **w, size_t n,
		     char *err, size_t errsz)
{
	uint64_t v;
	int tcp = conf_tcp_set(&c->tcp, key, w, n, err, errsz);
	if (tcp != 0)
		return tcp > 0;
	if (strcmp(key, "listen") == 0)
		return add_addrs(&c->listen, &c->nlisten, STUB_SERVERS_MAX, key, w, n, err, errsz);
	if (strcmp(key, "server") == 0)
		return add_addrs(&c->servers, &c->nservers, STUB_SERVERS_MAX, key, w, n, err,
				 errsz);
	bool is_known = strcmp(key, "timeout") == 0 || strcmp(key, "cache-entries") == 0 ||
			strcmp(key, "max-ttl") == 0 || strcmp(key, "max-negative-ttl") == 0 ||
			strcmp(key, "trace") == 0 || strcmp(key, "query-log") == 0 ||
			strcmp(key, "control") == 0 || strcmp(key, "identity") == 0;
	if (!is_known) {
		snprintf(err, errsz, "unknown setting \"%s\" (known: listen, server, timeout, "
			 "cache-entries, max-ttl, max-negative-ttl, trace, query-log, control, "
			 "identity, " CONF_TCP_KEYS ")", key);
		return false;
	}
	if (n != 1) {
		snprintf(err, errsz, "%s: wrong number of values", key);
		return false;
	}
	const char *a = w[0];
	if (strcmp(key, "trace") == 0)
		return set_string(&c->trace, a, err, errsz);
	if (strcmp(key, "control") == 0)
		return set_string(&c->control, a, err, errsz);
	if (strcmp(key, "identity") == 0)
		return set_string(&c->identity, a, err, errsz);
	if (strcmp(key, "query-log") == 0) {
		if (strcmp(a, "off") == 0) {
			free(c->query_log);
			c->query_log = NULL;
			return true;
		}
		return set_string(&c->query_log, a, err, errsz);
	}
	if (strcmp(key, "timeout") == 0) {
		if (!conf_parse_uint(a, 1, 30, &v)) {
			snprintf(err, errsz, "timeout wants seconds (1-30)");
			return false;
		}
		c->timeout_s = (unsigned)v;
		return true;
	}
	if (strcmp(key, "cache-entries") == 0) {
		if (!conf_parse_uint(a, 0, 1000000, &v)) {
			snprintf(err, errsz, "cache-entries wants a number (0-1000000)");
			return false;
		}
		c->cache_entries = (size_t)v;
		return true;
	}
	/* max-ttl, max-negative-ttl */
	if (!conf_parse_uint(a, 0, 0x7fffffff, &v)) {
		snprintf(err, errsz, "%s wants seconds (0-2147483647)", key);
		return false;
	}
	if (key[4] == 'n')
		c->max_neg_ttl = (uint32_t)v;
	else
		c->max_ttl = (uint32_t)v;
	return true;
}

bool stub_config_parse(stub_config *c, const char *file, const char *text,
		       size_t len, char *err, size_t errsz)
{
	/* The reader holds a whole line's words: too big for the stack. */
	conf_reader *r = malloc(sizeof *r);
	if (r == NULL) {
		snprintf(err, errsz, "%s: out of memory", file);
		return false;
	}
	conf_reader_init(r, file, text, len, NULL);
	char msg[512];
	int rc;
	while ((rc = conf_reader_next(r, err, errsz)) > 0)
		if (!stub_config_set(c, r->words[0], r->words + 1, r->nwords - 1, msg,
				     sizeof msg)) {
			conf_error(r, err, errsz, "%s", msg);
			rc = -1;
			break;
		}
	free(r);
	return rc == 0;
}

static void write_string(conf_writer *w, const char *key, const char *value)
{
	if (value)
		conf_write_line(w, "", key, &value, 1);
}

char *stub_config_write(const stub_config *c, char *err, size_t errsz)
{
	conf_writer w;
	conf_writer_init(&w);
	conf_write_addrs(&w, "listen", c->listen, c->nlisten);
	conf_write_addrs(&w, "server", c->servers, c->nservers);
	conf_printf(&w, "timeout %u\ncache-entries %zu\nmax-ttl %u\nmax-negative-ttl %u\n",
		    c->timeout_s, c->cache_entries, c->max_ttl, c->max_neg_ttl);
	write_string(&w, "trace", c->trace);
	write_string(&w, "query-log", c->query_log ? c->query_log : "off");
	write_string(&w, "control", c->control);
	write_string(&w, "identity", c->identity);
	conf_tcp_write(&w, &c->tcp);
	return conf_writer_finish(&w, err, errsz);
}
