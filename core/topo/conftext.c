/* Config text: the buffer and the model's lists in plain words. */
#include "topo/conftext.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ct_add(conftext *b, const char *fmt, ...)
{
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = b->oom ? -1 : vsnprintf(b->s ? b->s + b->len : NULL,
						b->s ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = true;
			return;
		}
		if (b->s && b->len + (size_t)n < b->cap) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = (b->cap ? b->cap * 2 : 1024) + (size_t)n;
		char *s = realloc(b->s, cap);
		if (s == NULL) {
			b->oom = true;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
}

char *ct_finish(conftext *b, char *err, size_t errsz)
{
	if (b->oom || b->s == NULL) {
		free(b->s);
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	return b->s;
}

void ct_prefix(const net_prefix *p, char *out, size_t n)
{
	char a[64];
	if (inet_ntop(p->family, p->bytes, a, sizeof a) == NULL)
		snprintf(a, sizeof a, "?");
	snprintf(out, n, "%s/%u", a, p->bits);
}

void ct_resolver_clients(const topo *t, const topo_node *n, ct_prefix_fn each, void *ctx)
{
	char p[80];
	/* The supervisor asks from inside the node: loopback and its own
	 * addresses always. */
	each(ctx, "127.0.0.0/8");
	each(ctx, "::1/128");
	for (size_t i = 0; i < n->naddrs; i++) {
		snprintf(p, sizeof p, "%s/%d", n->addrs[i].text,
			 n->addrs[i].addr.ss.ss_family == AF_INET ? 32 : 128);
		each(ctx, p);
	}
	for (size_t i = 0; i < n->nallow; i++) {
		/* A bare address is a host prefix. */
		if (strchr(n->allow[i], '/'))
			each(ctx, n->allow[i]);
		else {
			snprintf(p, sizeof p, "%s/%d", n->allow[i], strchr(n->allow[i], ':') ? 128 : 32);
			each(ctx, p);
		}
	}
	for (size_t i = 0; n->nallow == 0 && i < t->nnetworks; i++) {
		if (t->networks[i].has_v4) {
			ct_prefix(&t->networks[i].v4, p, sizeof p);
			each(ctx, p);
		}
		if (t->networks[i].has_v6) {
			ct_prefix(&t->networks[i].v6, p, sizeof p);
			each(ctx, p);
		}
	}
}

bool ct_block_name(const char *written, char *out, size_t n)
{
	size_t len = strlen(written);
	while (len && written[len - 1] == '.')
		len--;
	if (len == 0 || len >= n)
		return false;
	for (size_t i = 0; i < len; i++)
		out[i] = (char)tolower((unsigned char)written[i]);
	out[len] = '\0';
	return true;
}
