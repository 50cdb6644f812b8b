/* Response rate limiting (seed 003's amplification scenario): at most
 * `rate` UDP responses per second to any one client prefix (IPv4 /24,
 * IPv6 /56), so a forged source address cannot turn the server into a
 * flood aimed at a victim.  Over the limit, responses are dropped, but
 * every `slip`-th one is sent as an empty truncated answer instead, so a
 * real client behind that prefix retries over TCP (which cannot be
 * forged) and is still served.  Fixed memory: a table of buckets where a
 * newcomer evicts a stale entry.  Pure: the clock comes in. */
#ifndef DNSIM_AUTH_RRL_H
#define DNSIM_AUTH_RRL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

typedef enum rrl_verdict { RRL_SEND, RRL_DROP, RRL_SLIP } rrl_verdict;

typedef struct rrl_bucket {
	uint8_t key[9];        /* family, then the prefix's bytes */
	bool used;
	int64_t second;        /* the second `tokens` belongs to */
	int64_t tokens;
	uint32_t over;         /* responses over the limit this second */
} rrl_bucket;

typedef struct rrl {
	uint32_t rate;         /* 0: no limit */
	uint32_t slip;         /* 0: drop all over the limit; N: every Nth slips */
	rrl_bucket *b;
	size_t n;
	uint64_t dropped, slipped;
} rrl;

/* false when out of memory. */
bool rrl_init(rrl *r, uint32_t rate, uint32_t slip, size_t buckets);
void rrl_free(rrl *r);

/* What to do with one more response to `client` in second `now_s`. */
rrl_verdict rrl_check(rrl *r, const struct sockaddr *client, int64_t now_s);

#endif
