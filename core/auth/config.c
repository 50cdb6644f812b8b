/* Reading dnsim-auth's config file and command-line settings. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/msg.h"
#include "util/array.h"

#define MAX_WORDS 64

bool auth_config_init(auth_config *c)
{
	memset(c, 0, sizeof *c);
	c->max_udp = DNS_EDNS_DEFAULT;
	c->tcp_idle = 10;
	c->tcp_max = 100;
	c->rate_slip = 2;
	c->views = calloc(1, sizeof *c->views);
	if (c->views == NULL)
		return false;
	c->views[0].name = strdup("default");
	if (c->views[0].name == NULL)
		return false;
	c->nviews = 1;
	return true;
}

void auth_config_free(auth_config *c)
{
	for (size_t v = 0; v < c->nviews; v++) {
		auth_view_conf *vc = &c->views[v];
		for (size_t z = 0; z < vc->nzones; z++) {
			free(vc->zones[z].origin);
			free(vc->zones[z].file);
		}
		free(vc->zones);
		free(vc->match);
		free(vc->name);
	}
	free(c->views);
	free(c->listen);
	free(c->xfr);
	free(c->query_log);
	free(c->identity);
	memset(c, 0, sizeof *c);
}

/* Grow an array by one element; returns the new element or NULL. */
bool auth_config_add_listen(auth_config *c, const char *text, char *err,
			    size_t errsz)
{
	net_addr a;
	if (!net_addr_parse(text, 53, &a)) {
		snprintf(err, errsz, "\"%s\" is not an address (ADDR or ADDR@PORT)", text);
		return false;
	}
	net_addr *slot = array_grow(&c->listen, &c->nlisten, sizeof *slot);
	if (slot == NULL) {
		snprintf(err, errsz, "out of memory");
		return false;
	}
	*slot = a;
	return true;
}

bool auth_config_add_zone(auth_config *c, size_t view, const char *origin,
			  const char *file, char *err, size_t errsz)
{
	auth_view_conf *vc = &c->views[view];
	dns_name n;
	if (dns_name_from_text(&n, origin, strlen(origin), dns_name_root) != DNS_OK) {
		snprintf(err, errsz, "\"%s\" is not a zone name", origin);
		return false;
	}
	for (size_t i = 0; i < vc->nzones; i++) {
		dns_name o;
		if (dns_name_from_text(&o, vc->zones[i].origin,
				       strlen(vc->zones[i].origin), dns_name_root) == DNS_OK &&
		    dns_name_equal(o.data, n.data)) {
			snprintf(err, errsz, "zone %s is given twice in view %s",
				 origin, vc->name);
			return false;
		}
	}
	auth_zone_conf *zc = array_grow(&vc->zones, &vc->nzones, sizeof *zc);
	if (zc == NULL || !(zc->origin = strdup(origin)) || !(zc->file = strdup(file))) {
		snprintf(err, errsz, "out of memory");
		return false;
	}
	return true;
}

static bool add_prefix(net_prefix **arr, size_t *n, const char *text,
		       char *err, size_t errsz)
{
	net_prefix p;
	if (!net_prefix_parse(text, &p)) {
		snprintf(err, errsz, "\"%s\" is not a prefix (ADDR or ADDR/LEN, host bits zero)",
			 text);
		return false;
	}
	net_prefix *slot = array_grow(arr, n, sizeof *slot);
	if (slot == NULL) {
		snprintf(err, errsz, "out of memory");
		return false;
	}
	*slot = p;
	return true;
}

bool auth_config_add_xfr(auth_config *c, const char *prefix, char *err,
			 size_t errsz)
{
	return add_prefix(&c->xfr, &c->nxfr, prefix, err, errsz);
}

/* Split a line into words; '#' starts a comment.  Braces are words of
 * their own even when written against a name ("view x{"). */
static size_t split(char *line, char **words)
{
	size_t n = 0;
	char *p = line;
	char *hash = strchr(p, '#');
	if (hash)
		*hash = '\0';
	while (*p && n < MAX_WORDS) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p)
			break;
		if (*p == '{' || *p == '}') {
			static char brace[2][2] = { "{", "}" };
			words[n++] = brace[*p == '}'];
			*p++ = '\0';
			continue;
		}
		words[n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r' &&
		       *p != '\n' && *p != '{' && *p != '}')
			p++;
		if (*p == '{' || *p == '}')
			continue;    /* handled as its own word next turn */
		if (*p)
			*p++ = '\0';
	}
	return n;
}

static bool parse_uint(const char *s, unsigned long min, unsigned long max,
		       unsigned long *out)
{
	char *end;
	errno = 0;
	if (*s < '0' || *s > '9')
		return false;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool auth_config_read(auth_config *c, const char *path, char *err,
		      size_t errsz)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return false;
	}
	char line[4096], msg[512];
	char *w[MAX_WORDS];
	unsigned lineno = 0;
	size_t view = 0;        /* 0: outside any view block */
	bool ok = true;

	while (ok && fgets(line, sizeof line, f)) {
		lineno++;
		size_t n = split(line, w);
		if (n == 0)
			continue;
		msg[0] = '\0';
		const char *key = w[0];
		unsigned long v;
		if (strcmp(key, "}") == 0 && n == 1) {
			if (view == 0)
				snprintf(msg, sizeof msg, "'}' without an open view");
			view = 0;
		} else if (strcmp(key, "view") == 0) {
			if (view != 0)
				snprintf(msg, sizeof msg, "views do not nest: close view %s first",
					 c->views[view].name);
			else if (n != 3 || strcmp(w[2], "{") != 0)
				snprintf(msg, sizeof msg, "expected: view NAME {");
			else {
				for (size_t i = 0; i < c->nviews; i++)
					if (strcmp(c->views[i].name, w[1]) == 0)
						snprintf(msg, sizeof msg, "view %s is defined twice", w[1]);
				if (!msg[0]) {
					auth_view_conf *vc = array_grow(&c->views, &c->nviews, sizeof *vc);
					if (vc == NULL || !(vc->name = strdup(w[1])))
						snprintf(msg, sizeof msg, "out of memory");
					else
						view = c->nviews - 1;
				}
			}
		} else if (strcmp(key, "match") == 0) {
			if (view == 0)
				snprintf(msg, sizeof msg, "match belongs inside a view block");
			else if (n < 2)
				snprintf(msg, sizeof msg, "expected: match PREFIX [PREFIX...]");
			for (size_t i = 1; !msg[0] && i < n; i++)
				add_prefix(&c->views[view].match, &c->views[view].nmatch,
					   w[i], msg, sizeof msg);
		} else if (strcmp(key, "zone") == 0) {
			if (n != 3)
				snprintf(msg, sizeof msg, "expected: zone ORIGIN FILE");
			else
				auth_config_add_zone(c, view, w[1], w[2], msg, sizeof msg);
		} else if (view != 0) {
			snprintf(msg, sizeof msg,
				 "\"%s\" is not allowed inside a view (only match and zone)", key);
		} else if (strcmp(key, "listen") == 0) {
			if (n != 2)
				snprintf(msg, sizeof msg, "expected: listen ADDR[@PORT]");
			else
				auth_config_add_listen(c, w[1], msg, sizeof msg);
		} else if (strcmp(key, "max-udp-size") == 0) {
			if (n != 2 || !parse_uint(w[1], 512, 65535, &v))
				snprintf(msg, sizeof msg, "expected: max-udp-size 512..65535");
			else
				c->max_udp = v;
		} else if (strcmp(key, "tcp-idle-timeout") == 0) {
			if (n != 2 || !parse_uint(w[1], 1, 3600, &v))
				snprintf(msg, sizeof msg, "expected: tcp-idle-timeout 1..3600 (seconds)");
			else
				c->tcp_idle = (unsigned)v;
		} else if (strcmp(key, "tcp-max-connections") == 0) {
			if (n != 2 || !parse_uint(w[1], 1, 100000, &v))
				snprintf(msg, sizeof msg, "expected: tcp-max-connections 1..100000");
			else
				c->tcp_max = (unsigned)v;
		} else if (strcmp(key, "rate-limit") == 0) {
			if (n != 2 || !parse_uint(w[1], 0, 1000000, &v))
				snprintf(msg, sizeof msg, "expected: rate-limit RESPONSES-PER-SECOND "
					 "(0 turns it off)");
			else
				c->rate_limit = (unsigned)v;
		} else if (strcmp(key, "rate-limit-slip") == 0) {
			if (n != 2 || !parse_uint(w[1], 0, 100, &v))
				snprintf(msg, sizeof msg, "expected: rate-limit-slip 0..100");
			else
				c->rate_slip = (unsigned)v;
		} else if (strcmp(key, "allow-transfer") == 0) {
			if (n < 2)
				snprintf(msg, sizeof msg, "expected: allow-transfer PREFIX [PREFIX...]");
			for (size_t i = 1; !msg[0] && i < n; i++)
				auth_config_add_xfr(c, w[i], msg, sizeof msg);
		} else if (strcmp(key, "query-log") == 0) {
			if (n != 2)
				snprintf(msg, sizeof msg, "expected: query-log stderr|off|FILE");
			else {
				free(c->query_log);
				c->query_log = strcmp(w[1], "off") == 0 ? NULL : strdup(w[1]);
			}
		} else if (strcmp(key, "identity") == 0) {
			if (n != 2)
				snprintf(msg, sizeof msg, "expected: identity NAME");
			else {
				free(c->identity);
				c->identity = strdup(w[1]);
			}
		} else {
			snprintf(msg, sizeof msg,
				 "unknown setting \"%s\" (known: listen, zone, view, "
				 "max-udp-size, tcp-idle-timeout, tcp-max-connections, "
				 "rate-limit, rate-limit-slip, allow-transfer, query-log, "
				 "identity)", key);
		}
		if (msg[0]) {
			snprintf(err, errsz, "%s:%u: %s", path, lineno, msg);
			ok = false;
		}
	}
	if (ok && ferror(f)) {
		snprintf(err, errsz, "%s: read error", path);
		ok = false;
	}
	if (ok && view != 0) {
		snprintf(err, errsz, "%s:%u: view %s is not closed with '}'", path,
			 lineno, c->views[view].name);
		ok = false;
	}
	fclose(f);
	return ok;
}
