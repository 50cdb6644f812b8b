/* dnsim-auth's settings: read from config-file text and the command
 * line, and written back as text. */
#include "auth_conf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/msg.h"
#include "util/array.h"

bool auth_config_init(auth_config *c)
{
	memset(c, 0, sizeof *c);
	c->max_udp = DNS_EDNS_DEFAULT;
	c->answer_cache = AUTH_ANSWER_CACHE_DEFAULT;
	conf_tcp_init(&c->tcp, AUTH_TCP_MAX_DEFAULT);
	c->rate_slip = 2;
	c->journal = AUTH_JOURNAL_DEFAULT;
	c->views = calloc(1, sizeof *c->views);
	if (c->views == NULL)
		return false;
	c->views[0].name = strdup("default");
	if (c->views[0].name == NULL)
		return false;
	c->nviews = 1;
	return true;
}

static void free_strings(char **s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i]);
	free(s);
}

static void free_peers(auth_peer_conf *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(p[i].key);
	free(p);
}

void auth_config_free(auth_config *c)
{
	for (size_t v = 0; v < c->nviews; v++) {
		auth_view_conf *vc = &c->views[v];
		for (size_t z = 0; z < vc->nzones; z++) {
			auth_zone_conf *zc = &vc->zones[z];
			free(zc->origin);
			free(zc->file);
			free_peers(zc->primaries, zc->nprimaries);
			free_peers(zc->notify, zc->nnotify);
			free_strings(zc->update_keys, zc->nupdate_keys);
		}
		free(vc->zones);
		free(vc->match);
		free_strings(vc->match_keys, vc->nmatch_keys);
		free(vc->name);
	}
	for (size_t k = 0; k < c->nkeys; k++) {
		free(c->keys[k].name);
		free(c->keys[k].alg);
		free(c->keys[k].secret);
	}
	free(c->keys);
	free_strings(c->xfr_keys, c->nxfr_keys);
	free(c->views);
	free(c->listen);
	free(c->xfr);
	free(c->query_log);
	free(c->identity);
	memset(c, 0, sizeof *c);
}

bool auth_config_add_listen(auth_config *c, const char *text, char *err,
			    size_t errsz)
{
	net_addr a;
	if (!conf_parse_addr(text, &a, err, errsz))
		return false;
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
	if (!conf_parse_prefix(text, &p, err, errsz))
		return false;
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

bool auth_config_add_view(auth_config *c, const char *name, char *err,
			  size_t errsz)
{
	for (size_t i = 0; i < c->nviews; i++)
		if (strcmp(c->views[i].name, name) == 0) {
			snprintf(err, errsz, "view %s is defined twice", name);
			return false;
		}
	char *copy = strdup(name);
	auth_view_conf *vc = copy ? array_grow(&c->views, &c->nviews, sizeof *vc) : NULL;
	if (vc == NULL) {
		free(copy);
		snprintf(err, errsz, "out of memory");
		return false;
	}
	vc->name = copy;
	return true;
}

bool auth_config_add_match(auth_config *c, size_t view, const char *prefix,
			   char *err, size_t errsz)
{
	if (view == 0 || view >= c->nviews) {
		snprintf(err, errsz, "match belongs inside a view block");
		return false;
	}
	return add_prefix(&c->views[view].match, &c->views[view].nmatch, prefix,
			  err, errsz);
}

static bool add_string(char ***arr, size_t *n, const char *text, char *err, size_t errsz)
{
	char *copy = strdup(text);
	char **slot = copy ? array_grow(arr, n, sizeof *slot) : NULL;
	if (slot == NULL) {
		free(copy);
		snprintf(err, errsz, "out of memory");
		return false;
	}
	*slot = copy;
	return true;
}

bool auth_config_add_key(auth_config *c, const char *name, const char *alg,
			 const char *secret, char *err, size_t errsz)
{
	if (auth_config_key(c, name)) {
		snprintf(err, errsz, "key %s is defined twice", name);
		return false;
	}
	auth_key_conf *k = array_grow(&c->keys, &c->nkeys, sizeof *k);
	if (k == NULL || !(k->name = strdup(name)) || !(k->alg = strdup(alg)) ||
	    !(k->secret = strdup(secret))) {
		snprintf(err, errsz, "out of memory");
		return false;
	}
	return true;
}

const auth_key_conf *auth_config_key(const auth_config *c, const char *name)
{
	dns_name want, have;
	if (dns_name_from_text(&want, name, strlen(name), dns_name_root) != DNS_OK)
		return NULL;
	for (size_t k = 0; k < c->nkeys; k++)
		if (dns_name_from_text(&have, c->keys[k].name, strlen(c->keys[k].name),
				       dns_name_root) == DNS_OK && dns_name_equal(have.data, want.data))
			return &c->keys[k];
	return NULL;
}

auth_zone_conf *auth_config_zone(auth_config *c, size_t view, const char *origin)
{
	dns_name want, have;
	if (view >= c->nviews ||
	    dns_name_from_text(&want, origin, strlen(origin), dns_name_root) != DNS_OK)
		return NULL;
	auth_view_conf *vc = &c->views[view];
	for (size_t i = 0; i < vc->nzones; i++)
		if (dns_name_from_text(&have, vc->zones[i].origin, strlen(vc->zones[i].origin),
				       dns_name_root) == DNS_OK && dns_name_equal(have.data, want.data))
			return &vc->zones[i];
	return NULL;
}

/* "PREFIX" words and "key NAME" pairs, as allow-transfer and match take
 * them. */
static void prefixes_and_keys(char *const *w, size_t n, net_prefix **pfx, size_t *npfx,
			      char ***keys, size_t *nkeys, char *msg, size_t msgsz)
{
	for (size_t i = 0; !msg[0] && i < n; i++) {
		if (strcmp(w[i], "key") == 0) {
			if (i + 1 == n)
				snprintf(msg, msgsz, "\"key\" needs a key name after it");
			else
				add_string(keys, nkeys, w[++i], msg, msgsz);
		} else {
			add_prefix(pfx, npfx, w[i], msg, msgsz);
		}
	}
}

/* "ORIGIN ADDR[@PORT] [key NAME]": a primary or a NOTIFY target. */
static void add_peer(auth_config *c, size_t view, char *const *w, size_t n, bool primary,
		     char *msg, size_t msgsz)
{
	const char *key = w[0];
	if (n != 3 && !(n == 5 && strcmp(w[3], "key") == 0)) {
		snprintf(msg, msgsz, "expected: %s ORIGIN ADDR[@PORT] [key NAME]", key);
		return;
	}
	auth_zone_conf *z = auth_config_zone(c, view, w[1]);
	if (z == NULL) {
		snprintf(msg, msgsz, "%s: no zone %s above it in this %s", key, w[1],
			 view ? "view" : "file (outside views)");
		return;
	}
	net_addr a;
	if (!conf_parse_addr(w[2], &a, msg, msgsz))
		return;
	auth_peer_conf **arr = primary ? &z->primaries : &z->notify;
	size_t *count = primary ? &z->nprimaries : &z->nnotify;
	auth_peer_conf *p = array_grow(arr, count, sizeof *p);
	if (p == NULL || (n == 5 && (p->key = strdup(w[4])) == NULL)) {
		snprintf(msg, msgsz, "out of memory");
		return;
	}
	p->addr = a;
}

/* One line of the file, r's words; "" in msg or what is wrong. */
static void parse_line(auth_config *c, const conf_reader *r, char *msg, size_t msgsz)
{
	char *const *w = r->words;
	size_t n = r->nwords;
	const char *key = w[0];
	/* Outside a block: the default view. */
	size_t view = r->in_block ? c->nviews - 1 : 0;
	uint64_t v;
	int tcp;
	if (r->opened) {
		/* "view NAME {", its form checked by the reader. */
		auth_config_add_view(c, w[1], msg, msgsz);
	} else if (strcmp(key, "match") == 0) {
		if (view == 0)
			snprintf(msg, msgsz, "match belongs inside a view block");
		else if (n < 2)
			snprintf(msg, msgsz, "expected: match PREFIX|key NAME [...]");
		else
			prefixes_and_keys(w + 1, n - 1, &c->views[view].match,
					  &c->views[view].nmatch, &c->views[view].match_keys,
					  &c->views[view].nmatch_keys, msg, msgsz);
	} else if (strcmp(key, "zone") == 0) {
		if (n != 3)
			snprintf(msg, msgsz, "expected: zone ORIGIN FILE");
		else
			auth_config_add_zone(c, view, w[1], w[2], msg, msgsz);
	} else if (strcmp(key, "primary") == 0 || strcmp(key, "notify") == 0) {
		add_peer(c, view, w, n, key[0] == 'p', msg, msgsz);
	} else if (strcmp(key, "allow-update") == 0) {
		auth_zone_conf *z = n >= 3 ? auth_config_zone(c, view, w[1]) : NULL;
		if (n < 3)
			snprintf(msg, msgsz, "expected: allow-update ORIGIN KEY [KEY...]");
		else if (z == NULL)
			snprintf(msg, msgsz, "allow-update: no zone %s above it in this %s", w[1],
				 view ? "view" : "file (outside views)");
		for (size_t i = 2; z && !msg[0] && i < n; i++)
			add_string(&z->update_keys, &z->nupdate_keys, w[i], msg, msgsz);
	} else if (view != 0) {
		snprintf(msg, msgsz, "\"%s\" is not allowed inside a view (only match, zone, "
			 "primary, notify and allow-update)", key);
	} else if (strcmp(key, "tsig-key") == 0) {
		if (n != 4)
			snprintf(msg, msgsz, "expected: tsig-key NAME ALGORITHM SECRET");
		else
			auth_config_add_key(c, w[1], w[2], w[3], msg, msgsz);
	} else if (strcmp(key, "ixfr-journal") == 0) {
		if (n != 2 || !conf_parse_uint(w[1], 0, 100000, &v))
			snprintf(msg, msgsz, "expected: ixfr-journal 0..100000 (changes kept per zone)");
		else
			c->journal = (size_t)v;
	} else if ((tcp = conf_tcp_set(&c->tcp, key, w + 1, n - 1, msg, msgsz)) != 0) {
		/* set, or msg says why not */
	} else if (strcmp(key, "listen") == 0) {
		if (n != 2)
			snprintf(msg, msgsz, "expected: listen ADDR[@PORT]");
		else
			auth_config_add_listen(c, w[1], msg, msgsz);
	} else if (strcmp(key, "alias-resolver") == 0) {
		if (n != 2)
			snprintf(msg, msgsz, "expected: alias-resolver ADDR[@PORT]");
		else if (conf_parse_addr(w[1], &c->alias_resolver, msg, msgsz))
			c->has_alias_resolver = true;
	} else if (strcmp(key, "max-udp-size") == 0) {
		if (n != 2 || !conf_parse_uint(w[1], 512, 65535, &v))
			snprintf(msg, msgsz, "expected: max-udp-size 512..65535");
		else
			c->max_udp = (size_t)v;
	} else if (strcmp(key, "answer-cache") == 0) {
		if (n != 2 || !conf_parse_uint(w[1], 0, 1u << 24, &v))
			snprintf(msg, msgsz, "expected: answer-cache ENTRIES (0 turns it off)");
		else
			c->answer_cache = (size_t)v;
	} else if (strcmp(key, "rate-limit") == 0) {
		if (n != 2 || !conf_parse_uint(w[1], 0, 1000000, &v))
			snprintf(msg, msgsz, "expected: rate-limit RESPONSES-PER-SECOND "
				 "(0 turns it off)");
		else
			c->rate_limit = (unsigned)v;
	} else if (strcmp(key, "rate-limit-slip") == 0) {
		if (n != 2 || !conf_parse_uint(w[1], 0, 100, &v))
			snprintf(msg, msgsz, "expected: rate-limit-slip 0..100");
		else
			c->rate_slip = (unsigned)v;
	} else if (strcmp(key, "allow-transfer") == 0) {
		if (n < 2)
			snprintf(msg, msgsz, "expected: allow-transfer PREFIX|key NAME [...]");
		else
			prefixes_and_keys(w + 1, n - 1, &c->xfr, &c->nxfr, &c->xfr_keys,
					  &c->nxfr_keys, msg, msgsz);
	} else if (strcmp(key, "query-log") == 0) {
		if (n != 2)
			snprintf(msg, msgsz, "expected: query-log stderr|off|FILE");
		else {
			free(c->query_log);
			c->query_log = strcmp(w[1], "off") == 0 ? NULL : strdup(w[1]);
			if (strcmp(w[1], "off") != 0 && c->query_log == NULL)
				snprintf(msg, msgsz, "out of memory");
		}
	} else if (strcmp(key, "identity") == 0) {
		if (n != 2)
			snprintf(msg, msgsz, "expected: identity NAME");
		else {
			free(c->identity);
			if ((c->identity = strdup(w[1])) == NULL)
				snprintf(msg, msgsz, "out of memory");
		}
	} else {
		snprintf(msg, msgsz,
			 "unknown setting \"%s\" (known: listen, zone, view, answer-cache, "
			 "max-udp-size, " CONF_TCP_KEYS ", "
			 "rate-limit, rate-limit-slip, allow-transfer, query-log, "
			 "identity, tsig-key, ixfr-journal, alias-resolver, primary, notify, "
			 "allow-update)", key);
	}
}

bool auth_config_parse(auth_config *c, const char *file, const char *text,
		       size_t len, char *err, size_t errsz)
{
	/* The reader holds a whole line's words: too big for the stack. */
	conf_reader *r = malloc(sizeof *r);
	if (r == NULL) {
		snprintf(err, errsz, "%s: out of memory", file);
		return false;
	}
	conf_reader_init(r, file, text, len, "view");
	char msg[512];
	int rc;
	while ((rc = conf_reader_next(r, err, errsz)) > 0) {
		msg[0] = '\0';
		parse_line(c, r, msg, sizeof msg);
		if (msg[0]) {
			conf_error(r, err, errsz, "%s", msg);
			rc = -1;
			break;
		}
	}
	free(r);
	return rc == 0;
}

/* ---- writing ----------------------------------------------------------- */

static void write_peers(conf_writer *w, const char *indent, const char *key,
			const char *origin, const auth_peer_conf *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char a[80];
		conf_format_addr(&p[i].addr, a, sizeof a);
		const char *words[] = { origin, a, "key", p[i].key };
		conf_write_line(w, indent, key, words, p[i].key ? 4 : 2);
	}
}

/* "key NAME" pairs after `key`, one line. */
static void write_keys(conf_writer *w, const char *indent, const char *key,
		       char *const *keys, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *words[] = { "key", keys[i] };
		conf_write_line(w, indent, key, words, 2);
	}
}

static void write_zones(conf_writer *w, const char *indent, const auth_view_conf *vc)
{
	for (size_t z = 0; z < vc->nzones; z++) {
		const auth_zone_conf *zc = &vc->zones[z];
		const char *words[] = { zc->origin, zc->file };
		conf_write_line(w, indent, "zone", words, 2);
		write_peers(w, indent, "primary", zc->origin, zc->primaries, zc->nprimaries);
		write_peers(w, indent, "notify", zc->origin, zc->notify, zc->nnotify);
		if (zc->nupdate_keys) {
			const char *upd[CONF_WORDS_MAX - 2];
			size_t k = 0;
			upd[k++] = zc->origin;
			for (size_t i = 0; i < zc->nupdate_keys && k < CONF_WORDS_MAX - 2; i++)
				upd[k++] = zc->update_keys[i];
			conf_write_line(w, indent, "allow-update", upd, k);
		}
	}
}

char *auth_config_write(const auth_config *c, char *err, size_t errsz)
{
	conf_writer w;
	conf_writer_init(&w);
	conf_write_addrs(&w, "listen", c->listen, c->nlisten);
	conf_printf(&w, "max-udp-size %zu\nanswer-cache %zu\n", c->max_udp, c->answer_cache);
	conf_tcp_write(&w, &c->tcp);
	conf_printf(&w, "rate-limit %u\nrate-limit-slip %u\n", c->rate_limit,
		    c->rate_slip);
	conf_write_list(&w, "", "allow-transfer", c->xfr, c->nxfr, conf_prefix_item);
	write_keys(&w, "", "allow-transfer", c->xfr_keys, c->nxfr_keys);
	conf_printf(&w, "ixfr-journal %zu\n", c->journal);
	for (size_t k = 0; k < c->nkeys; k++) {
		const char *words[] = { c->keys[k].name, c->keys[k].alg, c->keys[k].secret };
		conf_write_line(&w, "", "tsig-key", words, 3);
	}
	const char *qlog = c->query_log ? c->query_log : "off";
	conf_write_line(&w, "", "query-log", &qlog, 1);
	if (c->identity)
		conf_write_line(&w, "", "identity", (const char *const *)&c->identity, 1);
	if (c->has_alias_resolver)
		conf_write_addrs(&w, "alias-resolver", &c->alias_resolver, 1);
	if (c->nviews > 0)
		write_zones(&w, "", &c->views[0]);
	for (size_t v = 1; v < c->nviews; v++) {
		const auth_view_conf *vc = &c->views[v];
		conf_write_block(&w, "view", vc->name);
		conf_write_list(&w, "\t", "match", vc->match, vc->nmatch, conf_prefix_item);
		write_keys(&w, "\t", "match", vc->match_keys, vc->nmatch_keys);
		write_zones(&w, "\t", vc);
		conf_write_block_end(&w);
	}
	return conf_writer_finish(&w, err, errsz);
}
