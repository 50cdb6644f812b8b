/* The ring of live messages (hub.h). */
#include "web/hub.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct slot {
	unsigned long long seq;
	char event[16];
	char from[EVENT_NODE_MAX], to[EVENT_NODE_MAX];
	size_t len;
	char data[HUB_DATA_MAX];
} slot;

struct hub {
	pthread_mutex_t lock;
	pthread_cond_t more;
	slot *ring;
	size_t n;
	unsigned long long head;        /* the next message's number */
	unsigned long long dropped;
	bool closed;
};

hub *hub_new(size_t slots)
{
	hub *h = calloc(1, sizeof *h);
	if (h == NULL || slots == 0 || (h->ring = calloc(slots, sizeof *h->ring)) == NULL) {
		free(h);
		return NULL;
	}
	h->n = slots;
	pthread_mutex_init(&h->lock, NULL);
	/* Waits are measured on the monotonic clock, like everything else. */
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&h->more, &ca);
	pthread_condattr_destroy(&ca);
	return h;
}

void hub_free(hub *h)
{
	if (h == NULL)
		return;
	pthread_mutex_destroy(&h->lock);
	pthread_cond_destroy(&h->more);
	free(h->ring);
	free(h);
}

void hub_publish(hub *h, const char *event, const char *json, const char *from,
		 const char *to)
{
	size_t len = strlen(json);
	if (len >= HUB_DATA_MAX || strchr(json, '\n'))
		return;         /* an SSE data line holds no newline */
	pthread_mutex_lock(&h->lock);
	slot *s = &h->ring[h->head % h->n];
	s->seq = h->head++;
	snprintf(s->event, sizeof s->event, "%s", event);
	snprintf(s->from, sizeof s->from, "%s", from ? from : "");
	snprintf(s->to, sizeof s->to, "%s", to ? to : "");
	memcpy(s->data, json, len + 1);
	s->len = len;
	pthread_cond_broadcast(&h->more);
	pthread_mutex_unlock(&h->lock);
}

unsigned long long hub_head(hub *h)
{
	pthread_mutex_lock(&h->lock);
	unsigned long long v = h->head;
	pthread_mutex_unlock(&h->lock);
	return v;
}

size_t hub_read(hub *h, unsigned long long *cursor, char *buf, size_t n, int wait_ms)
{
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += wait_ms / 1000;
	until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	size_t used = 0;
	pthread_mutex_lock(&h->lock);
	if (*cursor > h->head)
		*cursor = h->head;
	while (!h->closed && *cursor >= h->head)
		if (pthread_cond_timedwait(&h->more, &h->lock, &until) == ETIMEDOUT)
			break;
	if (h->closed) {
		pthread_mutex_unlock(&h->lock);
		return 0;
	}
	unsigned long long oldest = h->head > h->n ? h->head - h->n : 0;
	if (*cursor < oldest) {
		int w = snprintf(buf, n, "event: dropped\ndata: {\"dropped\":%llu}\n\n",
				 oldest - *cursor);
		if (w > 0 && (size_t)w < n) {
			used = (size_t)w;
			h->dropped += oldest - *cursor;
			*cursor = oldest;
		}
	}
	while (*cursor >= oldest && *cursor < h->head) {
		const slot *s = &h->ring[*cursor % h->n];
		size_t need = 7 + strlen(s->event) + 7 + s->len + 2 + 1;
		if (used + need >= n)
			break;
		used += (size_t)snprintf(buf + used, n - used, "event: %s\ndata: %s\n\n", s->event,
					 s->data);
		(*cursor)++;
	}
	pthread_mutex_unlock(&h->lock);
	return used;
}

char *hub_recent(hub *h, const char *node, size_t max)
{
	pthread_mutex_lock(&h->lock);
	unsigned long long oldest = h->head > h->n ? h->head - h->n : 0;
	/* Newest first, to find the last `max`; then written oldest first. */
	size_t found = 0;
	unsigned long long first = h->head;
	for (unsigned long long q = h->head; q > oldest && found < max; q--) {
		const slot *s = &h->ring[(q - 1) % h->n];
		if (strcmp(s->event, "dns") == 0 &&
		    (strcmp(s->from, node) == 0 || strcmp(s->to, node) == 0)) {
			found++;
			first = q - 1;
		}
	}
	size_t cap = 3 + found * (HUB_DATA_MAX + 1);
	char *out = malloc(cap);
	if (out == NULL) {
		pthread_mutex_unlock(&h->lock);
		return NULL;
	}
	size_t used = 0;
	out[used++] = '[';
	for (unsigned long long q = first; q < h->head && found; q++) {
		const slot *s = &h->ring[q % h->n];
		if (strcmp(s->event, "dns") != 0 ||
		    (strcmp(s->from, node) != 0 && strcmp(s->to, node) != 0))
			continue;
		if (used > 1)
			out[used++] = ',';
		memcpy(out + used, s->data, s->len);
		used += s->len;
	}
	out[used++] = ']';
	out[used] = '\0';
	pthread_mutex_unlock(&h->lock);
	return out;
}

void hub_close(hub *h)
{
	pthread_mutex_lock(&h->lock);
	h->closed = true;
	pthread_cond_broadcast(&h->more);
	pthread_mutex_unlock(&h->lock);
}

void hub_counts(hub *h, unsigned long long *published, unsigned long long *dropped)
{
	pthread_mutex_lock(&h->lock);
	*published = h->head;
	*dropped = h->dropped;
	pthread_mutex_unlock(&h->lock);
}
