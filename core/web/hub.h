/* Where the web view's live messages wait for the browsers: one ring of
 * the latest messages (DNS events, node states), each browser with its
 * own place in it.  Publishing never waits for a browser: a browser that
 * falls a whole ring behind skips to the oldest message still there and
 * is told how many it missed.  So a slow or vanished browser costs the
 * sim nothing, and the servers never wait for the view at all (they only
 * write their files; runtime/events.h reads them). */
#ifndef DNSIM_WEB_HUB_H
#define DNSIM_WEB_HUB_H

#include <stdbool.h>
#include <stddef.h>

#include "stream/event.h"

#define HUB_DATA_MAX 2048       /* one message's JSON, at most */

typedef struct hub hub;

/* A ring of `slots` messages; NULL when out of memory. */
hub *hub_new(size_t slots);
void hub_free(hub *h);

/* Publish one message: its SSE event name ("dns", "state") and its JSON
 * (cut messages are dropped, never sent half).  from/to name the nodes
 * it concerns, for hub_recent ("" when none). */
void hub_publish(hub *h, const char *event, const char *json, const char *from,
		 const char *to);

/* The sequence number the next message will get: where a new browser
 * starts. */
unsigned long long hub_head(hub *h);

/* Write the messages from *cursor on into buf as Server-Sent Events
 * ("event: dns\ndata: {...}\n\n"), as many as fit, waiting up to wait_ms
 * for one when there is none; a browser that fell behind first gets an
 * "event: dropped" with the count.  Returns the octets written (0: none
 * came in time, or the hub closes) and moves *cursor on. */
size_t hub_read(hub *h, unsigned long long *cursor, char *buf, size_t n, int wait_ms);

/* The latest `max` DNS messages that name `node`, newest last, as a
 * JSON array (malloc'd; NULL when out of memory). */
char *hub_recent(hub *h, const char *node, size_t max);

/* Wake every waiting reader and make them return 0 from now on. */
void hub_close(hub *h);

/* Messages published and browsers' skipped messages, since hub_new. */
void hub_counts(hub *h, unsigned long long *published, unsigned long long *dropped);

#endif
