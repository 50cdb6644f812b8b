/* Arrays that grow by one element: zeroed new elements, old ones kept,
 * and an allocation failure that leaves the array as it was. */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "util/array.h"

/* The out-of-memory test asks for an impossible size; under ASan that
 * must come back as NULL, as it does from the C library. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

struct item {
	int id;
	char name[20];
	double weight;
};

static void test_grow_keeps_and_zeroes(void)
{
	struct item *arr = NULL;
	size_t n = 0;
	for (int i = 0; i < 1000; i++) {
		struct item *it = array_grow(&arr, &n, sizeof *arr);
		CHECK(it != NULL);
		if (it == NULL)
			break;
		CHECK(it == &arr[i]);
		CHECK_INT(n, (size_t)i + 1);
		CHECK(it->id == 0 && it->name[0] == '\0' && it->weight == 0.0);
		it->id = i;
		snprintf(it->name, sizeof it->name, "node%d", i);
		it->weight = i * 0.5;
	}
	size_t wrong = 0;
	for (size_t i = 0; i < n; i++) {
		char want[32];
		snprintf(want, sizeof want, "node%zu", i);
		if (arr[i].id != (int)i || strcmp(arr[i].name, want) != 0 ||
		    arr[i].weight != (double)i * 0.5)
			wrong++;
	}
	CHECK_INT(n, 1000);
	CHECK_INT(wrong, 0);
	free(arr);
}

/* The new element is cleared even where memory held something before
 * (an array a caller shortened and grows again). */
static void test_new_element_cleared_over_old_data(void)
{
	unsigned char *arr = NULL;
	size_t n = 0;
	for (int i = 0; i < 3; i++)
		CHECK(array_grow(&arr, &n, 64) != NULL);
	if (n != 3)
		return;
	memset(arr, 0xAA, 3 * 64);
	n = 2;
	unsigned char *e = array_grow(&arr, &n, 64);
	CHECK(e == arr + 128);
	CHECK_INT(n, 3);
	size_t nonzero = 0;
	for (size_t i = 0; i < 64; i++)
		nonzero += e[i] != 0;
	CHECK_INT(nonzero, 0);
	CHECK(arr[0] == 0xAA && arr[127] == 0xAA);
	free(arr);
}

static void test_out_of_memory_leaves_array(void)
{
	int *arr = NULL;
	size_t n = 0;
	int *first = array_grow(&arr, &n, sizeof *arr);
	CHECK(first != NULL);
	if (first == NULL)
		return;
	*first = 42;
	int *before = arr;
	/* An element far too large to allocate. */
	CHECK(array_grow(&arr, &n, (size_t)1 << 60) == NULL);
	CHECK(arr == before);
	CHECK_INT(n, 1);
	CHECK_INT(arr[0], 42);
	free(arr);
}

int main(void)
{
	RUN(test_grow_keeps_and_zeroes);
	RUN(test_new_element_cleared_over_old_data);
	RUN(test_out_of_memory_leaves_array);
	return check_summary("test_array");
}
