/* The web view's two watchers: the sim's event stream, published as it
 * comes, and the states of servers and links, polled twice a second and
 * published when they change. */
#include "web/internal.h"

#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "draw/json.h"
#include "netns/netns.h"
#include "runtime/events.h"
#include "runtime/monitor.h"

#define STATE_EVERY_MS 500

static events *stream;
static pthread_t stream_thread, state_thread;
static bool stream_started, state_started;
static int switch_sock = -1;      /* a socket in the sim's switch namespace */

static void publish_event(void *ctx, const sim_event *e)
{
	web_ctx *w = ctx;
	char json[HUB_DATA_MAX];
	if (event_to_json(e, json, sizeof json))
		hub_publish(w->hub, "dns", json, e->from, e->to);
}

static void *stream_main(void *arg)
{
	web_ctx *w = arg;
	while (!w->stopping) {
		struct pollfd p = { .fd = events_fd(stream), .events = POLLIN };
		/* Also every quarter second: the node list may have changed. */
		poll(&p, 1, 250);
		events_read(stream, publish_event, w);
	}
	return NULL;
}

/* A socket in the switch namespace, where each link is a port (nI-K) on
 * its network's bridge: its flags say whether the link is up. */
static void *open_switch_sock(void *arg)
{
	const char *ns = arg;
	int fd = netns_open(ns);
	if (fd < 0)
		return NULL;
	/* Only this short-lived thread moves to the namespace. */
	if (setns(fd, CLONE_NEWNET) == 0)
		switch_sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	close(fd);
	return NULL;
}

static bool port_up(const char *port, bool *up)
{
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	if (strlen(port) >= sizeof ifr.ifr_name)
		return false;
	memcpy(ifr.ifr_name, port, strlen(port) + 1);
	if (switch_sock < 0 || ioctl(switch_sock, SIOCGIFFLAGS, &ifr) < 0)
		return false;
	*up = (ifr.ifr_flags & IFF_UP) != 0;
	return true;
}

typedef struct known {
	char name[TOPO_NAME_MAX + 1];
	char state[16];
} known;

/* One look at the monitor and the links: the state JSON, and a "state"
 * message for each change since the last look. */
static void look(web_ctx *w, known **nodes, size_t *nn, char **links, size_t *nl)
{
	const topo *t = w->c->t;
	char *reply = monitor_call(w->c->sim, "status");
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (f == NULL) {
		free(reply);
		return;
	}
	fputs("{\"monitor\":", f);
	fputs(reply ? "true" : "false", f);
	fputs(",\"nodes\":{", f);
	size_t count = 0;
	for (char *save = NULL, *l = reply ? strtok_r(reply, "\n", &save) : NULL; l;
	     l = strtok_r(NULL, "\n", &save)) {
		char name[TOPO_NAME_MAX + 1], state[16];
		int pid;
		unsigned restarts;
		if (sscanf(l, "%32s %15s %d %u", name, state, &pid, &restarts) != 4)
			continue;
		fprintf(f, "%s", count++ ? "," : "");
		json_string(f, name);
		fprintf(f, ":{\"state\":");
		json_string(f, state);
		fprintf(f, ",\"pid\":%d,\"restarts\":%u}", pid, restarts);
		size_t k = 0;
		while (k < *nn && strcmp((*nodes)[k].name, name) != 0)
			k++;
		if (k == *nn) {
			known *g = realloc(*nodes, (*nn + 1) * sizeof *g);
			if (g == NULL)
				continue;
			*nodes = g;
			memset(&g[k], 0, sizeof g[k]);
			snprintf(g[k].name, sizeof g[k].name, "%s", name);
			(*nn)++;
		}
		if (strcmp((*nodes)[k].state, state) != 0) {
			snprintf((*nodes)[k].state, sizeof (*nodes)[k].state, "%s", state);
			char msg[200];
			snprintf(msg, sizeof msg, "{\"node\":\"%s\",\"state\":\"%s\",\"restarts\":%u}",
				 name, state, restarts);
			hub_publish(w->hub, "state", msg, name, "");
		}
	}
	fputs("},\"links\":{", f);
	/* Each node's links in the order its interfaces were made (the
	 * order its addresses first name a network), as `link down` finds
	 * them. */
	size_t li = 0;
	count = 0;
	for (size_t i = 0; i < t->nnodes; i++) {
		const topo_node *n = &t->nodes[i];
		unsigned k = 0;
		for (size_t a = 0; a < n->naddrs; a++) {
			bool first = true;
			for (size_t b = 0; b < a; b++)
				first = first && n->addrs[b].network != n->addrs[a].network;
			if (!first)
				continue;
			char port[48];
			snprintf(port, sizeof port, "n%zu-%u", i, k++);
			bool up;
			if (!port_up(port, &up))
				continue;
			const char *net = t->networks[n->addrs[a].network].name;
			fprintf(f, "%s\"%s %s\":\"%s\"", count++ ? "," : "", n->name, net,
				up ? "up" : "down");
			if (li >= *nl) {
				char *g = realloc(*links, li + 1);
				if (g == NULL)
					continue;
				*links = g;
				g[li] = 2;      /* never seen: no message */
				*nl = li + 1;
			}
			if ((*links)[li] != 2 && (*links)[li] != (char)up) {
				char msg[200];
				snprintf(msg, sizeof msg, "{\"link\":\"%s %s\",\"state\":\"%s\"}", n->name,
					 net, up ? "up" : "down");
				hub_publish(w->hub, "state", msg, n->name, "");
			}
			(*links)[li++] = (char)up;
		}
	}
	unsigned long long published, dropped;
	hub_counts(w->hub, &published, &dropped);
	fprintf(f, "},\"published\":%llu,\"dropped\":%llu,\"skipped\":%llu}", published, dropped,
		stream ? events_skipped(stream) : 0);
	free(reply);
	if (fclose(f) != 0) {
		free(text);
		return;
	}
	pthread_mutex_lock(&w->lock);
	free(w->state_json);
	w->state_json = text;
	pthread_mutex_unlock(&w->lock);
}

static void *state_main(void *arg)
{
	web_ctx *w = arg;
	known *nodes = NULL;
	size_t nn = 0, nl = 0;
	char *links = NULL;
	while (!w->stopping) {
		look(w, &nodes, &nn, &links, &nl);
		for (int i = 0; i < STATE_EVERY_MS / 50 && !w->stopping; i++)
			usleep(50 * 1000);
	}
	free(nodes);
	free(links);
	return NULL;
}

bool watch_start(web_ctx *w, char *err, size_t errsz)
{
	stream = events_open(w->c->sim, err, errsz);
	if (stream == NULL)
		return false;
	char sw[128];
	netns_switch_name(sw, sizeof sw, w->c->sim);
	pthread_t opener;
	if (pthread_create(&opener, NULL, open_switch_sock, sw) == 0)
		pthread_join(opener, NULL);
	int e = pthread_create(&stream_thread, NULL, stream_main, w);
	stream_started = e == 0;
	if (e == 0) {
		e = pthread_create(&state_thread, NULL, state_main, w);
		state_started = e == 0;
	}
	if (e != 0) {
		snprintf(err, errsz, "cannot start a thread: %s", strerror(e));
		watch_stop(w);
		return false;
	}
	return true;
}

void watch_stop(web_ctx *w)
{
	w->stopping = true;
	if (stream_started)
		pthread_join(stream_thread, NULL);
	if (state_started)
		pthread_join(state_thread, NULL);
	stream_started = state_started = false;
	events_close(stream);
	stream = NULL;
	if (switch_sock >= 0)
		close(switch_sock);
	switch_sock = -1;
}
