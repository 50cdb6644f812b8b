/* The min-heap: order by key, ties in insertion order, growth. */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "util/heap.h"

static void test_empty(void)
{
	heap h = { 0 };
	heap_item it;
	CHECK(heap_top(&h) == NULL);
	CHECK(!heap_pop(&h, &it));
	heap_free(&h);
}

static void test_order_and_ties(void)
{
	heap h = { 0 };
	static int tag[6];
	const uint64_t keys[] = { 50, 10, 30, 10, 50, 20 };
	for (int i = 0; i < 6; i++)
		CHECK(heap_push(&h, keys[i], &tag[i]));
	CHECK(heap_top(&h)->key == 10 && heap_top(&h)->data == &tag[1]);
	/* Equal keys leave in the order they came: tag 1 before 3, 0 before 4. */
	const int want[] = { 1, 3, 5, 2, 0, 4 };
	for (int i = 0; i < 6; i++) {
		heap_item it;
		CHECK(heap_pop(&h, &it));
		CHECK(it.data == &tag[want[i]]);
	}
	CHECK(h.n == 0);
	heap_free(&h);
}

/* Many keys, pushed and popped in a mixed order, always come out sorted
 * (checked against a count of each key). */
static void test_many(void)
{
	heap h = { 0 };
	uint64_t x = 88172645463325252ULL;
	enum { N = 20000, KEYS = 997 };
	static unsigned count[KEYS];
	uint64_t last = 0;
	size_t pushed = 0, popped = 0;
	for (int round = 0; round < 4; round++) {
		for (int i = 0; i < N / 4; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			uint64_t k = x % KEYS;
			/* Keys never below what already left: a timer queue's use. */
			if (k < last)
				k = last;
			count[k]++;
			CHECK(heap_push(&h, k, NULL));
			pushed++;
		}
		for (size_t i = 0; i < pushed / 3 && h.n; i++) {
			heap_item it;
			CHECK(heap_pop(&h, &it));
			CHECK(it.key >= last);
			last = it.key;
			count[it.key]--;
			popped++;
		}
	}
	heap_item it, prev = { 0, 0, NULL };
	bool first = true;
	while (heap_pop(&h, &it)) {
		CHECK(first || it.key > prev.key || (it.key == prev.key && it.seq > prev.seq));
		count[it.key]--;
		prev = it;
		first = false;
		popped++;
	}
	CHECK(popped == pushed);
	for (int k = 0; k < KEYS; k++)
		CHECK(count[k] == 0);
	heap_free(&h);
	CHECK(h.items == NULL && h.cap == 0);
}

int main(void)
{
	RUN(test_empty);
	RUN(test_order_and_ties);
	RUN(test_many);
	return check_summary("util/heap");
}
