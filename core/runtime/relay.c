/* The link relay's event loop: AF_PACKET in, shaper, timer queue, out. */
#include "runtime/relay.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "io/unixcall.h"
#include "netns/links.h"
#include "netns/state.h"
#include "topo/impair.h"
#include "topo/shaper.h"
#include "util/heap.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

#define BATCH 32
#define VNET_HDR sizeof(struct virtio_net_hdr)
/* A frame handed over with segmentation offload is at most 64 KB plus
 * its Ethernet header; the virtio-net header comes first. */
#define FRAME_MAX (65536 + 64)
#define SOCKBUF (4 << 20)
#define READ_ROUNDS 8            /* batches from one socket before the others */

struct rlink;

/* One direction of a link: frames read on `in` leave on `out_fd`. */
typedef struct dir {
	shaper sh;
	int out_fd;
	struct rlink *link;
	uint64_t send_errors;
} dir;

/* A socket to read, and the direction its frames take. */
typedef struct endpoint {
	int fd;
	dir *d;
} endpoint;

typedef struct rlink {
	link_entry e;
	endpoint port_ep, relay_ep;   /* on nI-K (from the node), rI-K (toward it) */
	dir to_node, from_node;
	bool seen;                    /* in the table just read */
} rlink;

typedef struct frame {
	dir *d;
	uint32_t len;                 /* with the virtio-net header */
	unsigned char data[];
} frame;

typedef struct relay {
	const char *sim;
	uint64_t seed;
	rlink **links;
	size_t nlinks;
	heap q;
	int ep, timer, listen, sig;
	uint64_t armed;               /* the timer's expiry, 0: disarmed */
	uint64_t lead;                /* ns the timer is armed ahead of a departure */
	/* receive batch */
	struct mmsghdr rx[BATCH];
	struct iovec rxv[BATCH];
	struct sockaddr_ll rxa[BATCH];
	unsigned char *rxbuf;
	/* send batch */
	struct mmsghdr tx[BATCH];
	struct iovec txv[BATCH];
	frame *txf[BATCH];            /* frames to free once sent (NULL: rx buffer) */
	dir *txd[BATCH];
	size_t ntx;
	int tx_fd;
	bool stop;
} relay;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void say(const char *fmt, ...)
{
	char ts[32];
	time_t t = time(NULL);
	struct tm tm;
	strftime(ts, sizeof ts, "%H:%M:%S", localtime_r(&t, &tm));
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s [linkd] ", ts);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* A packet socket on one interface: frames with their virtio-net header,
 * never our own sends read back. */
static int open_port(const char *ifname)
{
	unsigned ifindex = if_nametoindex(ifname);
	if (ifindex == 0)
		return -errno;
	/* Protocol 0 until bound: no frame of another interface comes in
	 * between socket() and bind(). */
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int one = 1, size = SOCKBUF;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
				   .sll_ifindex = (int)ifindex };
	if (setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof one) < 0 ||
	    bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	/* Best effort: older kernels lack the first (the pkttype check
	 * below covers it); the sizes only make bursts less lossy. */
	setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
	return fd;
}

static void drop_frames_of(relay *r, const rlink *l)
{
	for (size_t i = 0; i < r->q.n; i++) {
		frame *f = r->q.items[i].data;
		if (f && f->d->link == l) {
			free(f);
			r->q.items[i].data = NULL;
		}
	}
}

static void close_link(relay *r, rlink *l)
{
	drop_frames_of(r, l);
	for (size_t i = 0; i < r->ntx; i++)
		if (r->txd[i] && r->txd[i]->link == l)
			r->txd[i] = NULL;
	if (l->port_ep.fd >= 0)
		close(l->port_ep.fd);
	if (l->relay_ep.fd >= 0)
		close(l->relay_ep.fd);
	free(l);
}

static int open_link(relay *r, const link_entry *e, rlink **out)
{
	rlink *l = calloc(1, sizeof *l);
	if (l == NULL)
		return -ENOMEM;
	l->e = *e;
	l->port_ep.fd = open_port(e->port);
	l->relay_ep.fd = l->port_ep.fd < 0 ? -1 : open_port(e->relay);
	int rc = l->port_ep.fd < 0 ? l->port_ep.fd : l->relay_ep.fd < 0 ? l->relay_ep.fd : 0;
	if (rc < 0) {
		close_link(r, l);
		return rc;
	}
	/* From the node: read on nI-K, out through rI-K to the bridge. */
	l->from_node.out_fd = l->relay_ep.fd;
	l->to_node.out_fd = l->port_ep.fd;
	l->from_node.link = l->to_node.link = l;
	shaper_init(&l->from_node.sh, &e->im, shaper_seed(r->seed, e->port, 0));
	shaper_init(&l->to_node.sh, &e->im, shaper_seed(r->seed, e->port, 1));
	l->port_ep.d = &l->from_node;
	l->relay_ep.d = &l->to_node;
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &l->port_ep };
	if (epoll_ctl(r->ep, EPOLL_CTL_ADD, l->port_ep.fd, &ev) < 0) {
		rc = -errno;
		close_link(r, l);
		return rc;
	}
	ev.data.ptr = &l->relay_ep;
	if (epoll_ctl(r->ep, EPOLL_CTL_ADD, l->relay_ep.fd, &ev) < 0) {
		rc = -errno;
		close_link(r, l);
		return rc;
	}
	*out = l;
	return 0;
}

/* Re-read the table: open, update, close.  Returns the links that could
 * not be opened (each logged and named in msg). */
static int reload(relay *r, char *msg, size_t msgsz)
{
	link_table t;
	int rc = links_read(r->sim, &t);
	if (rc == -ENOENT) {
		t.n = 0;
		t.links = NULL;
		t.seed = r->seed;
		t.path = LINK_PATH_RELAY;
	} else if (rc < 0) {
		snprintf(msg, msgsz, "error: cannot read the link table: %s", strerror(-rc));
		return -1;
	}
	r->seed = t.seed;
	for (size_t i = 0; i < r->nlinks; i++)
		r->links[i]->seen = false;
	int failed = 0;
	msg[0] = '\0';
	for (size_t k = 0; k < t.n; k++) {
		const link_entry *e = &t.links[k];
		if (strcmp(e->relay, "-") == 0)
			continue;
		rlink *l = NULL;
		for (size_t i = 0; i < r->nlinks && l == NULL; i++)
			if (strcmp(r->links[i]->e.port, e->port) == 0)
				l = r->links[i];
		char d[120];
		impair_describe(&e->im, d, sizeof d);
		if (l) {
			if (memcmp(&l->e.im, &e->im, sizeof e->im) != 0) {
				shaper_update(&l->to_node.sh, &e->im);
				shaper_update(&l->from_node.sh, &e->im);
				say("%s -- %s (%s): now %s", e->node, e->network, e->port, d);
			}
			l->e = *e;
			l->seen = true;
			continue;
		}
		rlink **g = realloc(r->links, (r->nlinks + 1) * sizeof *g);
		if (g == NULL) {
			failed++;
			continue;
		}
		r->links = g;
		if ((rc = open_link(r, e, &l)) < 0) {
			say("%s -- %s: cannot open %s/%s: %s", e->node, e->network, e->port, e->relay,
			    strerror(-rc));
			size_t used = strlen(msg);
			snprintf(msg + used, msgsz - used, "%s%s -- %s: %s", used ? "; " : "error: ",
				 e->node, e->network, strerror(-rc));
			failed++;
			continue;
		}
		l->seen = true;
		r->links[r->nlinks++] = l;
		say("%s -- %s (%s <-> %s): %s", e->node, e->network, e->port, e->relay, d);
	}
	for (size_t i = 0; i < r->nlinks;) {
		rlink *l = r->links[i];
		if (l->seen) {
			i++;
			continue;
		}
		say("%s -- %s (%s): no longer impaired", l->e.node, l->e.network, l->e.port);
		close_link(r, l);
		r->links[i] = r->links[--r->nlinks];
	}
	if (failed == 0)
		snprintf(msg, msgsz, "ok %zu links", r->nlinks);
	links_free(&t);
	return failed;
}

/* Send the batch gathered for r->tx_fd; what the socket refuses is
 * dropped (counted), never waited for. */
static void flush(relay *r)
{
	size_t done = 0;
	while (done < r->ntx) {
		int n = sendmmsg(r->tx_fd, r->tx + done, (unsigned)(r->ntx - done), MSG_DONTWAIT);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			/* This frame cannot go (full, or the link went away):
			 * count it and carry on with the next. */
			if (r->txd[done])
				r->txd[done]->send_errors++;
			n = 1;
		}
		done += (size_t)n;
	}
	for (size_t i = 0; i < r->ntx; i++) {
		if (r->txd[i])
			shaper_left(&r->txd[i]->sh, r->txv[i].iov_len - VNET_HDR);
		free(r->txf[i]);
	}
	r->ntx = 0;
}

static void queue_send(relay *r, dir *d, void *data, size_t len, frame *f)
{
	if (r->ntx && (r->tx_fd != d->out_fd || r->ntx == BATCH))
		flush(r);
	r->tx_fd = d->out_fd;
	size_t i = r->ntx++;
	r->txv[i] = (struct iovec){ data, len };
	r->tx[i].msg_hdr = (struct msghdr){ .msg_iov = &r->txv[i], .msg_iovlen = 1 };
	r->txf[i] = f;
	r->txd[i] = d;
}

/* Every frame whose time has come, in order of departure.  The timer
 * fires `lead` early to make up for the time a wakeup takes, so a frame
 * due within `lead` from now leaves now. */
static void drain(relay *r, uint64_t now)
{
	const heap_item *top;
	while ((top = heap_top(&r->q)) && top->key <= now + r->lead) {
		heap_item it;
		heap_pop(&r->q, &it);
		frame *f = it.data;
		if (f == NULL)
			continue;   /* its link was closed */
		queue_send(r, f->d, f->data, f->len, f);
	}
	if (r->ntx)
		flush(r);
}

/* A timer wakes the relay late by however long the kernel and an idle
 * CPU take (tens of microseconds, hundreds on some virtual machines);
 * at both ends of every delayed frame that adds up to a visible drift
 * above the configured delay.  The lead follows a moving average of
 * the lateness seen, bounded so that no frame ever leaves more than
 * LEAD_MAX early. */
#define LEAD_MAX 200000ULL
static void learn_lateness(relay *r, uint64_t now)
{
	if (r->armed == 0)
		return;
	uint64_t late = now > r->armed ? now - r->armed : 0;
	if (late > 4 * LEAD_MAX)
		return;   /* a stall, not the usual wakeup cost */
	uint64_t lead = (r->lead * 7 + late) / 8;
	r->lead = lead > LEAD_MAX ? LEAD_MAX : lead;
}

static void arm(relay *r)
{
	const heap_item *top = heap_top(&r->q);
	uint64_t want = top ? top->key : 0;
	if (want > r->lead)
		want -= r->lead;
	if (want == r->armed)
		return;
	struct itimerspec its = { 0 };
	if (want) {
		its.it_value.tv_sec = (time_t)(want / 1000000000ULL);
		its.it_value.tv_nsec = (long)(want % 1000000000ULL);
	}
	if (timerfd_settime(r->timer, TFD_TIMER_ABSTIME, &its, NULL) == 0)
		r->armed = want;
}

static void read_endpoint(relay *r, endpoint *ep)
{
	dir *d = ep->d;
	for (int round = 0; round < READ_ROUNDS; round++) {
		for (int i = 0; i < BATCH; i++) {
			r->rxv[i] = (struct iovec){ r->rxbuf + (size_t)i * FRAME_MAX, FRAME_MAX };
			r->rx[i].msg_hdr = (struct msghdr){ .msg_name = &r->rxa[i],
				.msg_namelen = sizeof r->rxa[i], .msg_iov = &r->rxv[i], .msg_iovlen = 1 };
		}
		int n = recvmmsg(ep->fd, r->rx, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		uint64_t now = now_ns();
		for (int i = 0; i < n; i++) {
			size_t len = r->rx[i].msg_len;
			if ((r->rx[i].msg_hdr.msg_flags & MSG_TRUNC) || len <= VNET_HDR ||
			    r->rxa[i].sll_pkttype == PACKET_OUTGOING)
				continue;
			unsigned char *data = r->rxbuf + (size_t)i * FRAME_MAX;
			if (shaper_is_neighbour_discovery(data + VNET_HDR, len - VNET_HDR)) {
				/* Address resolution is not the distance: unshaped.
				 * Counted as queued so the send path accounts it. */
				d->sh.queued++;
				d->sh.queued_bytes += len - VNET_HDR;
				queue_send(r, d, data, len, NULL);
				continue;
			}
			uint64_t due;
			if (shaper_admit(&d->sh, now, len - VNET_HDR, &due) != SHAPER_SEND)
				continue;
			/* Due now with nothing of its direction ahead: straight
			 * out, from the receive buffer. */
			if (due <= now && d->sh.queued == 1 + (uint32_t)(r->ntx && r->tx_fd == d->out_fd
									  ? r->ntx : 0)) {
				queue_send(r, d, data, len, NULL);
				continue;
			}
			frame *f = malloc(sizeof *f + len);
			if (f == NULL || !heap_push(&r->q, due, f)) {
				free(f);
				shaper_left(&d->sh, len - VNET_HDR);
				d->send_errors++;
				continue;
			}
			f->d = d;
			f->len = (uint32_t)len;
			memcpy(f->data, data, len);
		}
		/* The receive buffers are reused by the next batch. */
		if (r->ntx)
			flush(r);
		if (n < BATCH)
			return;
	}
}

static void control(relay *r)
{
	int c = accept4(r->listen, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		return;
	char buf[128];
	struct pollfd p = { .fd = c, .events = POLLIN };
	ssize_t n = poll(&p, 1, 500) > 0 ? read(c, buf, sizeof buf - 1) : -1;
	if (n > 0) {
		buf[n] = '\0';
		buf[strcspn(buf, "\r\n")] = '\0';
		if (strcmp(buf, "ping") == 0) {
			dprintf(c, "ok\n");
		} else if (strcmp(buf, "reload") == 0) {
			char msg[1024];
			reload(r, msg, sizeof msg);
			dprintf(c, "%s\n", msg);
		} else if (strcmp(buf, "stats") == 0) {
			for (size_t i = 0; i < r->nlinks; i++) {
				const rlink *l = r->links[i];
				const shaper *a = &l->to_node.sh, *b = &l->from_node.sh;
				dprintf(c, "%s %s %llu %llu %llu %llu %llu %llu\n", l->e.node, l->e.network,
					(unsigned long long)a->passed, (unsigned long long)a->lost,
					(unsigned long long)(a->full + l->to_node.send_errors),
					(unsigned long long)b->passed, (unsigned long long)b->lost,
					(unsigned long long)(b->full + l->from_node.send_errors));
			}
		} else {
			dprintf(c, "error: unknown command \"%s\" (ping, reload, stats)\n", buf);
		}
	}
	close(c);
}

static int listen_control(const char *sim)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (state_path(sun.sun_path, sizeof sun.sun_path, sim, "linkd.sock") < 0)
		return -1;
	unlink(sun.sun_path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sun, sizeof sun) < 0 || listen(fd, 16) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int add_fd(relay *r, int fd, void *tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = tag };
	return epoll_ctl(r->ep, EPOLL_CTL_ADD, fd, &ev);
}

int relay_run(const char *sim, int ready_fd)
{
	static relay r;
	memset(&r, 0, sizeof r);
	r.sim = sim;
	r.listen = r.timer = r.sig = -1;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* Departures are timed to the microsecond: ahead of the sim's own
	 * servers and tools for the CPU (best effort). */
	if (setpriority(PRIO_PROCESS, 0, -10) < 0)
		say("runs at normal priority: %s", strerror(errno));
	/* The kernel may wake a timer up to 50 us late by default to batch
	 * wakeups; a link's delay should not drift by that much. */
	if (prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0) < 0)
		say("keeps the default timer slack: %s", strerror(errno));
	r.rxbuf = malloc((size_t)BATCH * FRAME_MAX);
	r.ep = epoll_create1(EPOLL_CLOEXEC);
	r.timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	r.sig = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	/* Tags for the fixed descriptors: their own addresses. */
	if (r.rxbuf == NULL || r.ep < 0 || r.timer < 0 || r.sig < 0 ||
	    add_fd(&r, r.timer, &r.timer) < 0 || add_fd(&r, r.sig, &r.sig) < 0) {
		say("cannot set up: %s", strerror(errno));
		return 1;
	}
	char msg[1024];
	if (reload(&r, msg, sizeof msg) < 0) {
		say("%s", msg);
		return 1;
	}
	r.listen = listen_control(sim);
	if (r.listen < 0 || add_fd(&r, r.listen, &r.listen) < 0) {
		say("cannot listen on its control socket: %s", strerror(errno));
		return 1;
	}
	say("relaying %zu link%s (pid %d)", r.nlinks, r.nlinks == 1 ? "" : "s", (int)getpid());
	if (ready_fd >= 0) {
		if (write(ready_fd, "ready\n", 6) != 6)
			say("nobody waits for the ready line");
		close(ready_fd);
	}
	struct epoll_event ev[64];
	while (!r.stop) {
		int n = epoll_wait(r.ep, ev, 64, -1);
		if (n < 0 && errno != EINTR)
			break;
		for (int i = 0; i < n; i++) {
			void *tag = ev[i].data.ptr;
			if (tag == &r.timer) {
				uint64_t ticks;
				if (read(r.timer, &ticks, sizeof ticks) < 0 && errno != EAGAIN)
					say("timer: %s", strerror(errno));
				learn_lateness(&r, now_ns());
				r.armed = 0;
			} else if (tag == &r.sig) {
				struct signalfd_siginfo si;
				while (read(r.sig, &si, sizeof si) == sizeof si) {
					if (si.ssi_signo == SIGHUP)
						reload(&r, msg, sizeof msg);
					else
						r.stop = true;
				}
			} else if (tag == &r.listen) {
				control(&r);
				/* A reload may have closed links whose events are
				 * still in ev[]: read no more of this round. */
				break;
			} else {
				read_endpoint(&r, tag);
			}
		}
		drain(&r, now_ns());
		arm(&r);
	}
	say("stopping");
	while (r.nlinks)
		close_link(&r, r.links[--r.nlinks]);
	heap_item it;
	while (heap_pop(&r.q, &it))
		free(it.data);
	heap_free(&r.q);
	free(r.links);
	free(r.rxbuf);
	char path[108];
	if (state_path(path, sizeof path, sim, "linkd.sock") == 0)
		unlink(path);
	close(r.listen);
	close(r.timer);
	close(r.sig);
	close(r.ep);
	return 0;
}

char *relay_call(const char *sim, const char *command, int timeout_ms)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	if (state_path(path, sizeof path, sim, "linkd.sock") < 0) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	return unix_call(path, command, timeout_ms);
}
