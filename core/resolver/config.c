/* dnsim-resolver's settings. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/array.h"

bool res_config_init(res_config *c)
{
	memset(c, 0, sizeof *c);
	c->cache_bytes = 16u << 20;
	c->max_ttl = 86400;
	c->max_neg_ttl = 3600;
	c->qmin = true;
	c->prefetch = true;
	return true;
}

void res_config_free(res_config *c)
{
	free(c->listen);
	free(c->hints_file);
	free(c->allow);
	free(c->block);
	free(c->trace);
	free(c->query_log);
	free(c->control);
	free(c->identity);
	memset(c, 0, sizeof *c);
}

static bool set_string(char **slot, const char *v)
{
	free(*slot);
	*slot = strdup(v);
	return *slot != NULL;
}

static bool parse_bool(const char *v, bool *out)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "on") == 0) {
		*out = true;
		return true;
	}
	if (strcmp(v, "no") == 0 || strcmp(v, "off") == 0) {
		*out = false;
		return true;
	}
	return false;
}

static bool parse_u32(const char *v, uint64_t max, uint64_t *out)
{
	char *end;
	errno = 0;
	if (*v < '0' || *v > '9')
		return false;
	unsigned long long n = strtoull(v, &end, 10);
	if (errno || *end || n > max)
		return false;
	*out = n;
	return true;
}

bool res_config_set(res_config *c, const char *key, char **w, size_t n,
		    char *err, size_t errsz)
{
	uint64_t v;
	if (strcmp(key, "listen") == 0) {
		net_addr *a;
		for (size_t i = 0; i < n; i++) {
			net_addr tmp;
			if (!net_addr_parse(w[i], 53, &tmp)) {
				snprintf(err, errsz, "\"%s\" is not an address (ADDR or ADDR@PORT)", w[i]);
				return false;
			}
			if ((a = array_grow(&c->listen, &c->nlisten, sizeof *a)) == NULL)
				goto nomem;
			*a = tmp;
		}
		if (n == 0)
			goto usage;
		return true;
	}
	if (strcmp(key, "allow") == 0) {
		if (n == 0)
			goto usage;
		for (size_t i = 0; i < n; i++) {
			net_prefix tmp, *p;
			if (!net_prefix_parse(w[i], &tmp)) {
				snprintf(err, errsz, "\"%s\" is not a prefix (ADDR or ADDR/LEN, host bits zero)", w[i]);
				return false;
			}
			if ((p = array_grow(&c->allow, &c->nallow, sizeof *p)) == NULL)
				goto nomem;
			*p = tmp;
		}
		return true;
	}
	if (strcmp(key, "block") == 0) {
		if (n == 0)
			goto usage;
		for (size_t i = 0; i < n; i++) {
			dns_name tmp, *b;
			if (dns_name_from_text(&tmp, w[i], strlen(w[i]), dns_name_root)) {
				snprintf(err, errsz, "\"%s\" is not a domain name", w[i]);
				return false;
			}
			if ((b = array_grow(&c->block, &c->nblock, sizeof *b)) == NULL)
				goto nomem;
			*b = tmp;
		}
		return true;
	}
	if (n != 1)
		goto usage;
	const char *a = w[0];
	if (strcmp(key, "root-hints") == 0)
		return set_string(&c->hints_file, a) || (snprintf(err, errsz, "out of memory"), false);
	if (strcmp(key, "trace") == 0)
		return set_string(&c->trace, a) || (snprintf(err, errsz, "out of memory"), false);
	if (strcmp(key, "control") == 0)
		return set_string(&c->control, a) || (snprintf(err, errsz, "out of memory"), false);
	if (strcmp(key, "identity") == 0)
		return set_string(&c->identity, a) || (snprintf(err, errsz, "out of memory"), false);
	if (strcmp(key, "query-log") == 0) {
		if (strcmp(a, "off") == 0) {
			free(c->query_log);
			c->query_log = NULL;
			return true;
		}
		return set_string(&c->query_log, a) || (snprintf(err, errsz, "out of memory"), false);
	}
	if (strcmp(key, "cache-size") == 0) {
		if (!parse_u32(a, 1ull << 40, &v) || v < 4096) {
			snprintf(err, errsz, "cache-size wants a number of bytes, at least 4096");
			return false;
		}
		c->cache_bytes = (size_t)v;
		return true;
	}
	if (strcmp(key, "max-ttl") == 0 || strcmp(key, "max-negative-ttl") == 0) {
		if (!parse_u32(a, 0x7fffffff, &v)) {
			snprintf(err, errsz, "%s wants seconds (0-2147483647)", key);
			return false;
		}
		if (key[4] == 'n')
			c->max_neg_ttl = (uint32_t)v;
		else
			c->max_ttl = (uint32_t)v;
		return true;
	}
	if (strcmp(key, "qname-minimisation") == 0 || strcmp(key, "prefetch") == 0) {
		bool b;
		if (!parse_bool(a, &b)) {
			snprintf(err, errsz, "%s wants yes or no", key);
			return false;
		}
		if (key[0] == 'q')
			c->qmin = b;
		else
			c->prefetch = b;
		return true;
	}
	if (strcmp(key, "sinkhole") == 0) {
		if (inet_pton(AF_INET, a, c->sinkhole4) == 1)
			c->has_sinkhole4 = true;
		else if (inet_pton(AF_INET6, a, c->sinkhole6) == 1)
			c->has_sinkhole6 = true;
		else {
			snprintf(err, errsz, "\"%s\" is not an address", a);
			return false;
		}
		return true;
	}
	snprintf(err, errsz,
		 "unknown setting \"%s\" (known: listen, root-hints, allow, cache-size, "
		 "max-ttl, max-negative-ttl, qname-minimisation, prefetch, block, "
		 "sinkhole, trace, query-log, control, identity)", key);
	return false;
usage:
	snprintf(err, errsz, "%s: wrong number of values", key);
	return false;
nomem:
	snprintf(err, errsz, "out of memory");
	return false;
}

bool res_config_read(res_config *c, const char *path, char *err, size_t errsz)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return false;
	}
	char line[4096], msg[512];
	unsigned lineno = 0;
	bool ok = true;
	while (ok && fgets(line, sizeof line, f)) {
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *w[64];
		size_t n = 0;
		for (char *t = strtok(line, " \t\r\n"); t && n < 64; t = strtok(NULL, " \t\r\n"))
			w[n++] = t;
		if (n == 0)
			continue;
		if (!res_config_set(c, w[0], w + 1, n - 1, msg, sizeof msg)) {
			snprintf(err, errsz, "%s:%u: %s", path, lineno, msg);
			ok = false;
		}
	}
	fclose(f);
	return ok;
}
