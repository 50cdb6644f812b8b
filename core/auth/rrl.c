/* Response rate limiting by client prefix. */
#include "auth/rrl.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#define PROBES 4   /* buckets looked at per client before evicting */

bool rrl_init(rrl *r, uint32_t rate, uint32_t slip, size_t buckets)
{
	memset(r, 0, sizeof *r);
	r->rate = rate;
	r->slip = slip;
	if (rate == 0)
		return true;
	r->b = calloc(buckets, sizeof *r->b);
	if (r->b == NULL)
		return false;
	r->n = buckets;
	return true;
}

void rrl_free(rrl *r)
{
	free(r->b);
	memset(r, 0, sizeof *r);
}

/* The client's prefix as a key: /24 for IPv4 (mapped ones too), /56 for
 * IPv6, the sizes one customer usually holds. */
static void prefix_key(const struct sockaddr *sa, uint8_t key[9])
{
	memset(key, 0, 9);
	if (sa->sa_family == AF_INET) {
		const uint8_t *a = (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
		key[0] = 4;
		memcpy(key + 1, a, 3);
		return;
	}
	const uint8_t *a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	if (memcmp(a, mapped, 12) == 0) {
		key[0] = 4;
		memcpy(key + 1, a + 12, 3);
		return;
	}
	key[0] = 6;
	memcpy(key + 1, a, 7);
}

static uint32_t hash(const uint8_t key[9])
{
	uint32_t h = 2166136261u;      /* FNV-1a */
	for (int i = 0; i < 9; i++)
		h = (h ^ key[i]) * 16777619u;
	return h;
}

rrl_verdict rrl_check(rrl *r, const struct sockaddr *client, int64_t now_s)
{
	if (r->rate == 0 || r->n == 0)
		return RRL_SEND;
	uint8_t key[9];
	prefix_key(client, key);
	uint32_t h = hash(key);
	rrl_bucket *b = NULL, *stalest = NULL;
	for (size_t i = 0; i < PROBES; i++) {
		rrl_bucket *c = &r->b[(h + i) % r->n];
		if (c->used && memcmp(c->key, key, sizeof key) == 0) {
			b = c;
			break;
		}
		if (stalest == NULL || !c->used || c->second < stalest->second)
			stalest = c;
	}
	if (b == NULL) {
		b = stalest;
		memcpy(b->key, key, sizeof key);
		b->used = true;
		b->second = now_s - 1;
	}
	if (b->second != now_s) {
		b->second = now_s;
		b->tokens = r->rate;
		b->over = 0;
	}
	if (b->tokens > 0) {
		b->tokens--;
		return RRL_SEND;
	}
	b->over++;
	if (r->slip && b->over % r->slip == 0) {
		r->slipped++;
		return RRL_SLIP;
	}
	r->dropped++;
	return RRL_DROP;
}
