/* A binary min-heap of (key, data): the timer queue of the link relay,
 * where the key is a frame's departure time.  Equal keys come out in the
 * order they went in, so frames due at the same moment keep their order. */
#ifndef DNSIM_UTIL_HEAP_H
#define DNSIM_UTIL_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct heap_item {
	uint64_t key;
	uint64_t seq;            /* insertion order, to break ties */
	void *data;
} heap_item;

typedef struct heap {
	heap_item *items;
	size_t n, cap;
	uint64_t next_seq;
} heap;

/* false when out of memory (the heap unchanged). */
bool heap_push(heap *h, uint64_t key, void *data);
/* The smallest item, or NULL when empty. */
const heap_item *heap_top(const heap *h);
/* Take the smallest item out; false when empty. */
bool heap_pop(heap *h, heap_item *out);
/* Free the heap's storage (not the items' data). */
void heap_free(heap *h);

#endif
