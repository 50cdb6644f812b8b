/* Arrays that grow by one. */
#include "array.h"

#include <stdlib.h>
#include <string.h>

void *array_grow(void *arrp, size_t *n, size_t size)
{
	void **arr = arrp;
	void *p = realloc(*arr, (*n + 1) * size);
	if (p == NULL)
		return NULL;
	*arr = p;
	void *elem = (char *)p + *n * size;
	memset(elem, 0, size);
	(*n)++;
	return elem;
}
