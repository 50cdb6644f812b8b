/* A very small unit-test harness: one binary per test file.
 *
 *   static void test_something(void) { CHECK(x == 1); CHECK_ERR(f(), DNS_OK); }
 *   int main(void) { RUN(test_something); return check_summary("name"); }
 *
 * A test fails when any check in it fails; every failed check prints
 * file:line and what it saw.  check_summary prints "N passed, M failed"
 * and returns the exit status. */
#ifndef DNSIM_TESTS_CHECK_H
#define DNSIM_TESTS_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failed_in_test;
static int check_tests_passed, check_tests_failed;

#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "%s:%d: check failed: %s\n",       \
				__FILE__, __LINE__, #cond);                \
			check_failed_in_test = 1;                          \
		}                                                          \
	} while (0)

#define CHECK_INT(got, want)                                               \
	do {                                                               \
		long long g_ = (long long)(got), w_ = (long long)(want);   \
		if (g_ != w_) {                                            \
			fprintf(stderr, "%s:%d: %s is %lld, expected %lld\n", \
				__FILE__, __LINE__, #got, g_, w_);         \
			check_failed_in_test = 1;                          \
		}                                                          \
	} while (0)

#define CHECK_STR(got, want)                                               \
	do {                                                               \
		const char *g_ = (got), *w_ = (want);                      \
		if (g_ == NULL || strcmp(g_, w_) != 0) {                   \
			fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", \
				__FILE__, __LINE__, #got, g_ ? g_ : "(null)", w_); \
			check_failed_in_test = 1;                          \
		}                                                          \
	} while (0)

#define CHECK_MEM(got, want, n)                                            \
	do {                                                               \
		if (memcmp((got), (want), (n)) != 0) {                     \
			fprintf(stderr, "%s:%d: %s differs from %s\n",     \
				__FILE__, __LINE__, #got, #want);          \
			check_failed_in_test = 1;                          \
		}                                                          \
	} while (0)

#define RUN(fn)                                                            \
	do {                                                               \
		check_failed_in_test = 0;                                  \
		fn();                                                      \
		if (check_failed_in_test) {                                \
			fprintf(stderr, "FAIL %s\n", #fn);                 \
			check_tests_failed++;                              \
		} else {                                                   \
			check_tests_passed++;                              \
		}                                                          \
	} while (0)

static inline int check_summary(const char *suite)
{
	printf("%s: %d passed, %d failed\n", suite, check_tests_passed,
	       check_tests_failed);
	return check_tests_failed ? 1 : 0;
}

#endif
