/* Response rate limiting: per prefix, per second, with slip. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "auth/rrl.h"
#include "check.h"

static struct sockaddr_in v4(const char *a)
{
	struct sockaddr_in s = { .sin_family = AF_INET };
	inet_pton(AF_INET, a, &s.sin_addr);
	return s;
}

static void test_limit_and_slip(void)
{
	rrl r;
	CHECK(rrl_init(&r, 3, 2, 64));
	struct sockaddr_in a = v4("198.51.100.7"), b = v4("198.51.100.200"), c = v4("203.0.113.9");
	int send = 0, drop = 0, slip = 0;
	for (int i = 0; i < 10; i++) {
		/* a and b share a /24: one budget between them. */
		rrl_verdict v = rrl_check(&r, (struct sockaddr *)(i % 2 ? &a : &b), 100);
		send += v == RRL_SEND;
		drop += v == RRL_DROP;
		slip += v == RRL_SLIP;
	}
	CHECK_INT(send, 3);
	CHECK_INT(slip, 3);   /* every second one over the limit */
	CHECK_INT(drop, 4);
	/* Another prefix has its own budget. */
	CHECK(rrl_check(&r, (struct sockaddr *)&c, 100) == RRL_SEND);
	/* The next second starts afresh. */
	CHECK(rrl_check(&r, (struct sockaddr *)&a, 101) == RRL_SEND);
	CHECK_INT(r.dropped, 4);
	CHECK_INT(r.slipped, 3);
	rrl_free(&r);
}

static void test_off_and_v6(void)
{
	rrl r;
	CHECK(rrl_init(&r, 0, 2, 0));
	struct sockaddr_in a = v4("192.0.2.1");
	for (int i = 0; i < 1000; i++)
		CHECK(rrl_check(&r, (struct sockaddr *)&a, 5) == RRL_SEND);
	rrl_free(&r);
	CHECK(rrl_init(&r, 1, 0, 8));
	struct sockaddr_in6 x = { .sin6_family = AF_INET6 }, y = x, z = x;
	inet_pton(AF_INET6, "2001:db8:0:1::1", &x.sin6_addr);
	inet_pton(AF_INET6, "2001:db8:0:ff::2", &y.sin6_addr);   /* same /56 */
	inet_pton(AF_INET6, "2001:db8:0:100::3", &z.sin6_addr);  /* another /56 */
	CHECK(rrl_check(&r, (struct sockaddr *)&x, 7) == RRL_SEND);
	CHECK(rrl_check(&r, (struct sockaddr *)&y, 7) == RRL_DROP);   /* slip 0: drop all */
	CHECK(rrl_check(&r, (struct sockaddr *)&z, 7) == RRL_SEND);
	/* Many prefixes in few buckets: old ones are evicted, never a crash. */
	for (int i = 0; i < 1000; i++) {
		struct sockaddr_in p = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0xc6120000u + ((unsigned)i << 8)) };
		CHECK(rrl_check(&r, (struct sockaddr *)&p, 8) == RRL_SEND);
	}
	rrl_free(&r);
}

int main(void)
{
	RUN(test_limit_and_slip);
	RUN(test_off_and_v6);
	return check_summary("test_rrl");
}
