/* dnsim-resolver's settings: read from config-file text and the
 * command line, and written back as text. */
#include "resolver_conf.h"

#include <arpa/inet.h>
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
	c->validation = true;
	c->ecs_v4 = 24;
	c->ecs_v6 = 56;
	conf_tcp_init(&c->tcp, RES_TCP_MAX_DEFAULT);
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
	for (size_t i = 0; i < c->ntrust_anchors; i++)
		free(c->trust_anchors[i]);
	free(c->trust_anchors);
	free(c->nta);
	free(c->ecs_zones);
	memset(c, 0, sizeof *c);
}

static bool set_string(char **slot, const char *v)
{
	free(*slot);
	*slot = strdup(v);
	return *slot != NULL;
}

bool res_config_set(res_config *c, const char *key, char **w, size_t n,
		    char *err, size_t errsz)
{
	uint64_t v;
	int tcp = conf_tcp_set(&c->tcp, key, w, n, err, errsz);
	if (tcp != 0)
		return tcp > 0;
	if (strcmp(key, "listen") == 0) {
		net_addr *a;
		for (size_t i = 0; i < n; i++) {
			net_addr tmp;
			if (!conf_parse_addr(w[i], &tmp, err, errsz))
				return false;
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
			if (!conf_parse_prefix(w[i], &tmp, err, errsz))
				return false;
			if ((p = array_grow(&c->allow, &c->nallow, sizeof *p)) == NULL)
				goto nomem;
			*p = tmp;
		}
		return true;
	}
	if (strcmp(key, "block") == 0 || strcmp(key, "negative-trust-anchor") == 0 ||
	    strcmp(key, "client-subnet-zone") == 0) {
		if (n == 0)
			goto usage;
		bool nta = key[0] == 'n', ecs = key[0] == 'c';
		for (size_t i = 0; i < n; i++) {
			dns_name tmp, *b;
			if (dns_name_from_text(&tmp, w[i], strlen(w[i]), dns_name_root)) {
				snprintf(err, errsz, "\"%s\" is not a domain name", w[i]);
				return false;
			}
			b = nta ? array_grow(&c->nta, &c->nnta, sizeof *b)
				: ecs ? array_grow(&c->ecs_zones, &c->necs_zones, sizeof *b)
				: array_grow(&c->block, &c->nblock, sizeof *b);
			if (b == NULL)
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
	if (strcmp(key, "trust-anchor") == 0) {
		char **slot = array_grow(&c->trust_anchors, &c->ntrust_anchors, sizeof *slot);
		if (slot == NULL)
			goto nomem;
		if ((*slot = strdup(a)) == NULL) {
			c->ntrust_anchors--;
			goto nomem;
		}
		return true;
	}
	if (strcmp(key, "query-log") == 0) {
		if (strcmp(a, "off") == 0) {
			free(c->query_log);
			c->query_log = NULL;
			return true;
		}
		return set_string(&c->query_log, a) || (snprintf(err, errsz, "out of memory"), false);
	}
	if (strcmp(key, "cache-size") == 0) {
		if (!conf_parse_uint(a, 4096, 1ull << 40, &v)) {
			snprintf(err, errsz, "cache-size wants a number of bytes, at least 4096");
			return false;
		}
		c->cache_bytes = (size_t)v;
		return true;
	}
	if (strcmp(key, "max-ttl") == 0 || strcmp(key, "max-negative-ttl") == 0) {
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
	if (strcmp(key, "client-subnet-ipv4-prefix") == 0 ||
	    strcmp(key, "client-subnet-ipv6-prefix") == 0) {
		bool v4 = key[17] == '4';
		if (!conf_parse_uint(a, 0, v4 ? 32 : 128, &v)) {
			snprintf(err, errsz, "%s wants a prefix length (0-%d)", key, v4 ? 32 : 128);
			return false;
		}
		if (v4)
			c->ecs_v4 = (uint8_t)v;
		else
			c->ecs_v6 = (uint8_t)v;
		return true;
	}
	if (strcmp(key, "qname-minimisation") == 0 || strcmp(key, "prefetch") == 0 ||
	    strcmp(key, "dnssec-validation") == 0 || strcmp(key, "client-subnet") == 0) {
		bool b;
		if (!conf_parse_bool(a, &b)) {
			snprintf(err, errsz, "%s wants yes or no", key);
			return false;
		}
		if (key[0] == 'q')
			c->qmin = b;
		else if (key[0] == 'p')
			c->prefetch = b;
		else if (key[0] == 'c')
			c->ecs = b;
		else
			c->validation = b;
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
		 "sinkhole, trace, query-log, control, identity, trust-anchor, "
		 "negative-trust-anchor, dnssec-validation, client-subnet, "
		 "client-subnet-ipv4-prefix, client-subnet-ipv6-prefix, client-subnet-zone, "
		 CONF_TCP_KEYS ")", key);
	return false;
usage:
	snprintf(err, errsz, "%s: wrong number of values", key);
	return false;
nomem:
	snprintf(err, errsz, "out of memory");
	return false;
}

bool res_config_parse(res_config *c, const char *file, const char *text,
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
		if (!res_config_set(c, r->words[0], r->words + 1, r->nwords - 1, msg,
				    sizeof msg)) {
			conf_error(r, err, errsz, "%s", msg);
			rc = -1;
			break;
		}
	free(r);
	return rc == 0;
}

/* ---- writing ----------------------------------------------------------- */

static void name_item(const void *items, size_t i, char *out, size_t outsz)
{
	const dns_name *n = (const dns_name *)items + i;
	if (dns_name_to_text(n->data, out, outsz, NULL) != DNS_OK)
		snprintf(out, outsz, "%s", "");  /* refused as a word */
}

static void write_string(conf_writer *w, const char *key, const char *value)
{
	if (value)
		conf_write_line(w, "", key, &value, 1);
}

char *res_config_write(const res_config *c, char *err, size_t errsz)
{
	conf_writer w;
	conf_writer_init(&w);
	conf_write_addrs(&w, "listen", c->listen, c->nlisten);
	char a[80];
	write_string(&w, "root-hints", c->hints_file);
	conf_write_list(&w, "", "allow", c->allow, c->nallow, conf_prefix_item);
	conf_printf(&w, "cache-size %zu\nmax-ttl %u\nmax-negative-ttl %u\n",
		    c->cache_bytes, c->max_ttl, c->max_neg_ttl);
	conf_printf(&w, "qname-minimisation %s\nprefetch %s\n", c->qmin ? "yes" : "no",
		    c->prefetch ? "yes" : "no");
	conf_write_list(&w, "", "block", c->block, c->nblock, name_item);
	for (size_t i = 0; i < c->ntrust_anchors; i++)
		write_string(&w, "trust-anchor", c->trust_anchors[i]);
	conf_write_list(&w, "", "negative-trust-anchor", c->nta, c->nnta, name_item);
	conf_printf(&w, "dnssec-validation %s\n", c->validation ? "yes" : "no");
	conf_printf(&w, "client-subnet %s\nclient-subnet-ipv4-prefix %u\n"
		    "client-subnet-ipv6-prefix %u\n", c->ecs ? "yes" : "no", c->ecs_v4, c->ecs_v6);
	conf_write_list(&w, "", "client-subnet-zone", c->ecs_zones, c->necs_zones, name_item);
	if (c->has_sinkhole4 && inet_ntop(AF_INET, c->sinkhole4, a, sizeof a))
		conf_printf(&w, "sinkhole %s\n", a);
	if (c->has_sinkhole6 && inet_ntop(AF_INET6, c->sinkhole6, a, sizeof a))
		conf_printf(&w, "sinkhole %s\n", a);
	write_string(&w, "trace", c->trace);
	write_string(&w, "query-log", c->query_log ? c->query_log : "off");
	write_string(&w, "control", c->control);
	write_string(&w, "identity", c->identity);
	conf_tcp_write(&w, &c->tcp);
	return conf_writer_finish(&w, err, errsz);
}
