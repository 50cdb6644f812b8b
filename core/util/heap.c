/* The min-heap, ordered by key then by insertion. */
#include "util/heap.h"

#include <stdlib.h>

static bool before(const heap_item *a, const heap_item *b)
{
	return a->key < b->key || (a->key == b->key && a->seq < b->seq);
}

bool heap_push(heap *h, uint64_t key, void *data)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 64;
		if (cap > SIZE_MAX / sizeof *h->items)
			return false;
		heap_item *g = realloc(h->items, cap * sizeof *g);
		if (g == NULL)
			return false;
		h->items = g;
		h->cap = cap;
	}
	heap_item it = { key, h->next_seq++, data };
	size_t i = h->n++;
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!before(&it, &h->items[parent]))
			break;
		h->items[i] = h->items[parent];
		i = parent;
	}
	h->items[i] = it;
	return true;
}

const heap_item *heap_top(const heap *h)
{
	return h->n ? &h->items[0] : NULL;
}

bool heap_pop(heap *h, heap_item *out)
{
	if (h->n == 0)
		return false;
	*out = h->items[0];
	heap_item last = h->items[--h->n];
	size_t i = 0;
	for (;;) {
		size_t child = 2 * i + 1;
		if (child >= h->n)
			break;
		if (child + 1 < h->n && before(&h->items[child + 1], &h->items[child]))
			child++;
		if (!before(&h->items[child], &last))
			break;
		h->items[i] = h->items[child];
		i = child;
	}
	if (h->n)
		h->items[i] = last;
	return true;
}

void heap_free(heap *h)
{
	free(h->items);
	h->items = NULL;
	h->n = h->cap = 0;
}
