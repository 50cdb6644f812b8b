/* The programs' one clock: monotonic milliseconds. */
#include <time.h>

#include "check.h"
#include "io/clock.h"

static void test_never_goes_back(void)
{
	long long last = clock_ms();
	for (int i = 0; i < 100000; i++) {
		long long now = clock_ms();
		CHECK(now >= last);
		if (now < last)
			break;
		last = now;
	}
}

static void test_counts_milliseconds(void)
{
	/* nanosleep sleeps at least as long as asked: the clock must have
	 * moved by the same number of whole milliseconds, less one for the
	 * truncation at each end. */
	long long before = clock_ms();
	struct timespec ts = { 0, 30 * 1000000L };
	while (nanosleep(&ts, &ts) != 0)
		;
	CHECK(clock_ms() - before >= 29);
}

int main(void)
{
	RUN(test_never_goes_back);
	RUN(test_counts_milliseconds);
	return check_summary("test_clock");
}
