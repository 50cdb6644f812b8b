/* One direction of an impaired link: delay, rate, loss, jitter, the
 * queue's limits, and the same verdicts from the same seed. */
#include <string.h>
#include <stdint.h>

#include "check.h"
#include "topo/impair.h"
#include "topo/shaper.h"

#define MS 1000000ULL

static topo_impair values(const char *delay, const char *jitter, const char *loss,
			  const char *rate)
{
	topo_impair im = { 0 };
	char err[200];
	CHECK(impair_set(&im, "delay", delay, err, sizeof err));
	CHECK(impair_set(&im, "jitter", jitter, err, sizeof err));
	CHECK(impair_set(&im, "loss", loss, err, sizeof err));
	CHECK(impair_set(&im, "rate", rate, err, sizeof err));
	return im;
}

static void test_nothing_and_delay(void)
{
	shaper s;
	topo_impair none = values("0", "0", "0", "0");
	shaper_init(&s, &none, 1);
	uint64_t due = 0;
	CHECK(shaper_admit(&s, 5 * MS, 1500, &due) == SHAPER_SEND && due == 5 * MS);
	topo_impair d = values("20ms", "0", "0", "0");
	shaper_update(&s, &d);
	CHECK(shaper_admit(&s, 7 * MS, 100, &due) == SHAPER_SEND && due == 27 * MS);
	CHECK_INT(s.queued, 2);
	CHECK_INT(s.queued_bytes, 1600);
	shaper_left(&s, 1500);
	shaper_left(&s, 100);
	CHECK_INT(s.queued, 0);
	CHECK_INT(s.queued_bytes, 0);
	CHECK_INT(s.passed, 2);
}

static void test_rate_serializes(void)
{
	shaper s;
	/* 8 mbit/s: a 1000-octet frame holds the wire 1 ms. */
	topo_impair im = values("10ms", "0", "0", "8mbit");
	shaper_init(&s, &im, 1);
	uint64_t due;
	for (uint64_t i = 1; i <= 5; i++) {
		CHECK(shaper_admit(&s, 0, 1000, &due) == SHAPER_SEND);
		CHECK_INT(due, i * MS + 10 * MS);
	}
	/* The wire idles after 5 ms: a frame at 100 ms waits for nothing. */
	CHECK(shaper_admit(&s, 100 * MS, 500, &due) == SHAPER_SEND);
	CHECK_INT(due, 100 * MS + MS / 2 + 10 * MS);
	/* Over a second of back-to-back arrivals, what gets through leaves
	 * at the rate: 1000 frames of 1000 octets at 8 mbit/s take 1 s. */
	shaper_init(&s, &im, 1);
	uint64_t first = 0, last = 0;
	for (int i = 0; i < 1000; i++) {
		CHECK(shaper_admit(&s, (uint64_t)i * 1000, 1000, &due) == SHAPER_SEND);
		if (i == 0)
			first = due;
		last = due;
		shaper_left(&s, 1000);
	}
	CHECK_INT(last - first, 999 * MS);
}

static void test_loss(void)
{
	shaper a, b;
	topo_impair im = values("0", "0", "10%", "0");
	shaper_init(&a, &im, 42);
	shaper_init(&b, &im, 42);
	unsigned lost = 0, same = 0;
	uint64_t due;
	for (int i = 0; i < 100000; i++) {
		shaper_verdict va = shaper_admit(&a, 0, 100, &due);
		shaper_verdict vb = shaper_admit(&b, 0, 100, &due);
		lost += va == SHAPER_LOST;
		same += va == vb;
		if (va == SHAPER_SEND)
			shaper_left(&a, 100);
		if (vb == SHAPER_SEND)
			shaper_left(&b, 100);
	}
	/* 10% of 100,000 with a standard deviation of 95. */
	CHECK(lost > 9500 && lost < 10500);
	CHECK_INT(a.lost, lost);
	CHECK_INT(same, 100000);   /* the same seed, the same frames lost */
	shaper_init(&b, &im, 43);
	same = 0;
	shaper_init(&a, &im, 42);
	for (int i = 0; i < 1000; i++) {
		shaper_verdict va = shaper_admit(&a, 0, 100, &due);
		same += va == shaper_admit(&b, 0, 100, &due);
		shaper_left(&a, 100);
		shaper_left(&b, 100);
	}
	CHECK(same < 1000);
	topo_impair all = values("0", "0", "100%", "0"), tiny = values("0", "0", "0.0001%", "0");
	shaper_init(&a, &all, 7);
	shaper_init(&b, &tiny, 7);
	unsigned lost_all = 0, lost_tiny = 0;
	for (int i = 0; i < 10000; i++) {
		lost_all += shaper_admit(&a, 0, 100, &due) == SHAPER_LOST;
		if (shaper_admit(&b, 0, 100, &due) == SHAPER_LOST)
			lost_tiny++;
		else
			shaper_left(&b, 100);
	}
	CHECK_INT(lost_all, 10000);
	CHECK(lost_tiny <= 3);
}

static void test_jitter(void)
{
	shaper s;
	topo_impair im = values("20ms", "5ms", "0", "0");
	shaper_init(&s, &im, 9);
	uint64_t due, lo = UINT64_MAX, hi = 0, sum = 0;
	unsigned below = 0;
	const int n = 20000;
	for (int i = 0; i < n; i++) {
		CHECK(shaper_admit(&s, MS, 100, &due) == SHAPER_SEND);
		shaper_left(&s, 100);
		uint64_t d = due - MS;
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
		sum += d;
		below += d < 20 * MS;
	}
	CHECK(lo >= 15 * MS && hi <= 25 * MS);
	/* Uniform over the whole span: its ends reached, its mean the delay. */
	CHECK(lo < 15 * MS + MS / 10 && hi > 25 * MS - MS / 10);
	CHECK(sum / n > 20 * MS - MS / 10 && sum / n < 20 * MS + MS / 10);
	CHECK(below > n * 45 / 100 && below < n * 55 / 100);
	/* A delay lowered under the jitter at run time: never before now. */
	topo_impair low = values("1ms", "0", "0", "0");
	low.jitter_us = 5000;
	shaper_update(&s, &low);
	for (int i = 0; i < 1000; i++) {
		CHECK(shaper_admit(&s, 50 * MS, 100, &due) == SHAPER_SEND);
		CHECK(due >= 50 * MS && due <= 56 * MS);
		shaper_left(&s, 100);
	}
}

static void test_queue_limits(void)
{
	shaper s;
	topo_impair im = values("100ms", "0", "0", "0");
	shaper_init(&s, &im, 1);
	uint64_t due;
	for (unsigned i = 0; i < SHAPER_QUEUE_FRAMES; i++)
		CHECK(shaper_admit(&s, 0, 60, &due) == SHAPER_SEND);
	CHECK(shaper_admit(&s, 0, 60, &due) == SHAPER_FULL);
	CHECK_INT(s.full, 1);
	shaper_left(&s, 60);
	CHECK(shaper_admit(&s, 0, 60, &due) == SHAPER_SEND);
	/* Big (offloaded) frames hit the byte cap first. */
	shaper_init(&s, &im, 1);
	unsigned n = 0;
	while (shaper_admit(&s, 0, 65536, &due) == SHAPER_SEND)
		n++;
	CHECK_INT(n, SHAPER_QUEUE_BYTES / 65536);
	/* Rate: a full queue does not move the wire's clock. */
	topo_impair r = values("0", "0", "0", "8mbit");
	shaper_init(&s, &r, 1);
	for (unsigned i = 0; i < SHAPER_QUEUE_FRAMES; i++)
		CHECK(shaper_admit(&s, 0, 1000, &due) == SHAPER_SEND);
	uint64_t busy = s.busy_until_ns;
	CHECK(shaper_admit(&s, 0, 1000, &due) == SHAPER_FULL);
	CHECK_INT(s.busy_until_ns, busy);
	CHECK_INT(busy, SHAPER_QUEUE_FRAMES * MS);
}

static void test_seeds(void)
{
	uint64_t a = shaper_seed(1, "n0-0", 0), b = shaper_seed(1, "n0-0", 1),
		c = shaper_seed(1, "n0-1", 0), d = shaper_seed(2, "n0-0", 0);
	CHECK(a != b && a != c && a != d && b != c);
	CHECK(a == shaper_seed(1, "n0-0", 0));
	shaper s;
	topo_impair im = values("0", "0", "0", "0");
	shaper_init(&s, &im, 0);
	CHECK(s.rng != 0);
	uint64_t x = shaper_random(&s), y = shaper_random(&s);
	CHECK(x != y);
}

/* Address resolution passes unshaped; everything else is shaped. */
static void test_neighbour_discovery(void)
{
	uint8_t f[128];
	memset(f, 0, sizeof f);
	f[12] = 0x08;
	f[13] = 0x06;                                   /* ARP */
	CHECK(shaper_is_neighbour_discovery(f, 42));
	f[13] = 0x00;                                   /* IPv4 */
	CHECK(!shaper_is_neighbour_discovery(f, 60));
	f[12] = 0x86;
	f[13] = 0xdd;                                   /* IPv6 */
	f[14 + 6] = 58;                                 /* ICMPv6 */
	for (int t = 128; t <= 143; t++) {
		f[14 + 40] = (uint8_t)t;
		bool nd = t >= 133 && t <= 137;
		CHECK(shaper_is_neighbour_discovery(f, 86) == nd);
	}
	f[14 + 40] = 135;                               /* neighbour solicitation */
	CHECK(!shaper_is_neighbour_discovery(f, 14 + 40));      /* cut short */
	f[14 + 6] = 17;                                 /* UDP */
	CHECK(!shaper_is_neighbour_discovery(f, 86));
	/* Behind one VLAN tag. */
	memset(f, 0, sizeof f);
	f[12] = 0x81;
	f[16] = 0x08;
	f[17] = 0x06;
	CHECK(shaper_is_neighbour_discovery(f, 46));
	CHECK(!shaper_is_neighbour_discovery(f, 10));
}

int main(void)
{
	RUN(test_neighbour_discovery);
	RUN(test_nothing_and_delay);
	RUN(test_rate_serializes);
	RUN(test_loss);
	RUN(test_jitter);
	RUN(test_queue_limits);
	RUN(test_seeds);
	return check_summary("topo/shaper");
}
