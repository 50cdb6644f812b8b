/* The web view's ring of live messages: order, a browser that falls
 * behind, the per-node history, closing. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "web/hub.h"

static void test_messages_in_order_as_sse(void)
{
	hub *h = hub_new(8);
	CHECK(h != NULL);
	unsigned long long cur = hub_head(h);
	CHECK_INT(cur, 0);
	hub_publish(h, "dns", "{\"n\":1}", "a", "b");
	hub_publish(h, "state", "{\"n\":2}", "c", "");
	char buf[4096];
	size_t n = hub_read(h, &cur, buf, sizeof buf, 0);
	buf[n] = '\0';
	CHECK_STR(buf, "event: dns\ndata: {\"n\":1}\n\nevent: state\ndata: {\"n\":2}\n\n");
	CHECK_INT(cur, 2);
	/* Nothing new: 0 after the wait. */
	CHECK_INT(hub_read(h, &cur, buf, sizeof buf, 20), 0);
	/* A message with a newline would break the stream: not sent. */
	hub_publish(h, "dns", "{\n}", "a", "b");
	CHECK_INT(hub_head(h), 2);
	/* A buffer too small for the next message: nothing, cursor kept. */
	hub_publish(h, "dns", "{\"n\":3}", "a", "b");
	CHECK_INT(hub_read(h, &cur, buf, 10, 0), 0);
	CHECK_INT(cur, 2);
	hub_free(h);
}

static void test_a_browser_that_falls_behind_skips(void)
{
	hub *h = hub_new(4);
	unsigned long long slow = hub_head(h), fast = hub_head(h);
	char buf[8192], msg[32];
	for (int i = 0; i < 10; i++) {
		snprintf(msg, sizeof msg, "{\"n\":%d}", i);
		hub_publish(h, "dns", msg, "a", "b");
		if (i < 5)
			hub_read(h, &fast, buf, sizeof buf, 0);
	}
	size_t n = hub_read(h, &slow, buf, sizeof buf, 0);
	buf[n] = '\0';
	/* Six were overwritten before it read; the last four remain. */
	CHECK(strncmp(buf, "event: dropped\ndata: {\"dropped\":6}\n\n", 36) == 0);
	CHECK(strstr(buf, "{\"n\":6}") && strstr(buf, "{\"n\":9}") && !strstr(buf, "{\"n\":5}"));
	CHECK_INT(slow, 10);
	unsigned long long published, dropped;
	hub_counts(h, &published, &dropped);
	CHECK_INT(published, 10);
	CHECK_INT(dropped, 6);
	/* The one that kept up lost only what passed it while it did not read. */
	n = hub_read(h, &fast, buf, sizeof buf, 0);
	buf[n] = '\0';
	CHECK(strstr(buf, "{\"dropped\":1}") != NULL);
	/* A cursor past the head (a stale one) starts at the head. */
	unsigned long long ahead = 99;
	CHECK_INT(hub_read(h, &ahead, buf, sizeof buf, 0), 0);
	CHECK_INT(ahead, 10);
	hub_free(h);
}

static void test_recent_of_a_node(void)
{
	hub *h = hub_new(16);
	hub_publish(h, "dns", "{\"n\":1}", "laptop", "resolver");
	hub_publish(h, "dns", "{\"n\":2}", "resolver", "root");
	hub_publish(h, "state", "{\"n\":3}", "root", "");
	hub_publish(h, "dns", "{\"n\":4}", "root", "resolver");
	hub_publish(h, "dns", "{\"n\":5}", "resolver", "laptop");
	char *r = hub_recent(h, "root", 10);
	CHECK_STR(r, "[{\"n\":2},{\"n\":4}]");
	free(r);
	r = hub_recent(h, "resolver", 2);
	CHECK_STR(r, "[{\"n\":4},{\"n\":5}]");
	free(r);
	r = hub_recent(h, "nobody", 5);
	CHECK_STR(r, "[]");
	free(r);
	hub_free(h);
}

static void *reader(void *arg)
{
	hub *h = arg;
	unsigned long long cur = hub_head(h);
	char buf[256];
	return (void *)(size_t)hub_read(h, &cur, buf, sizeof buf, 10000);
}

static void test_close_wakes_readers(void)
{
	hub *h = hub_new(4);
	pthread_t t;
	CHECK(pthread_create(&t, NULL, reader, h) == 0);
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	nanosleep(&ts, NULL);
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	hub_close(h);
	void *got;
	pthread_join(t, &got);
	clock_gettime(CLOCK_MONOTONIC, &b);
	CHECK((size_t)got == 0);
	CHECK(b.tv_sec - a.tv_sec < 2);
	hub_free(h);
}

int main(void)
{
	RUN(test_messages_in_order_as_sse);
	RUN(test_a_browser_that_falls_behind_skips);
	RUN(test_recent_of_a_node);
	RUN(test_close_wakes_readers);
	return check_summary("web/hub");
}
