/* Per-server round-trip times and EDNS capability. */
#include "infra.h"

#include <stdlib.h>
#include <string.h>

#define RTO_DEFAULT_MS 800
#define RTO_MIN_MS 100
#define RTO_MAX_MS 3000
#define SRTT_MAX_MS 10000

void infra_init(infra *f)
{
	memset(f, 0, sizeof *f);
}

void infra_free(infra *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->hosts[i]);
	free(f->hosts);
	memset(f, 0, sizeof *f);
}

static bool same_addr(const struct sockaddr *a, const struct sockaddr *b)
{
	if (a->sa_family != b->sa_family)
		return false;
	if (a->sa_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
	return x->sin6_port == y->sin6_port &&
	       memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0;
}

infra_host *infra_get(infra *f, const struct sockaddr *sa, uint64_t now_ms)
{
	for (size_t i = 0; i < f->n; i++)
		if (same_addr((const struct sockaddr *)&f->hosts[i]->addr.ss, sa)) {
			f->hosts[i]->last_used_ms = now_ms;
			return f->hosts[i];
		}
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 32;
		infra_host **arr = realloc(f->hosts, cap * sizeof *arr);
		if (arr == NULL)
			return NULL;
		f->hosts = arr;
		f->cap = cap;
	}
	infra_host *h = calloc(1, sizeof *h);
	if (h == NULL)
		return NULL;
	f->hosts[f->n++] = h;
	size_t len = sa->sa_family == AF_INET ? sizeof(struct sockaddr_in)
					      : sizeof(struct sockaddr_in6);
	memcpy(&h->addr.ss, sa, len);
	h->addr.len = (socklen_t)len;
	h->last_used_ms = now_ms;
	return h;
}

void infra_rtt(infra_host *h, uint32_t rtt_ms)
{
	if (rtt_ms == 0)
		rtt_ms = 1;
	h->srtt_ms = h->srtt_ms ? (h->srtt_ms * 7 + rtt_ms * 3) / 10 : rtt_ms;
	h->timeouts = 0;
}

void infra_timeout(infra_host *h)
{
	uint32_t base = h->srtt_ms ? h->srtt_ms : RTO_DEFAULT_MS / 2;
	h->srtt_ms = base * 2 > SRTT_MAX_MS ? SRTT_MAX_MS : base * 2;
	h->timeouts++;
}

uint32_t infra_rto(const infra_host *h)
{
	if (h->srtt_ms == 0)
		return RTO_DEFAULT_MS;
	uint32_t rto = h->srtt_ms * 3;
	if (rto < RTO_MIN_MS)
		rto = RTO_MIN_MS;
	if (rto > RTO_MAX_MS)
		rto = RTO_MAX_MS;
	return rto;
}

uint32_t infra_rank(const infra_host *h)
{
	return h->srtt_ms ? h->srtt_ms : 1;
}
