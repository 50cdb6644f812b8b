/* Following a running sim's logs and traces (events.h). */
#include "runtime/events.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "io/clock.h"
#include "netns/netns.h"
#include "netns/nodelist.h"
#include "netns/state.h"
#include "runtime/capture.h"
#include "runtime/programs.h"
#include "stream/reader.h"

/* What one call reads of one file at most; a file that is further
 * behind than SKIP_BEYOND is skipped ahead to its last KEEP_TAIL octets. */
#define READ_CHUNK (256 * 1024)
#define SKIP_BEYOND (2 * 1024 * 1024)
#define KEEP_TAIL (64 * 1024)
#define PARTIAL_MAX 4096
/* A client is forgotten when its resolution never shows as done. */
#define CLIENT_WAIT_MS 30000
/* The node list is looked at again this often. */
#define NODELIST_CHECK_MS 1000

typedef struct addr_key {
	unsigned char family;
	unsigned char bytes[16];
	size_t node;                    /* index into events.nodes */
} addr_key;

typedef struct followed {
	char path[PATH_MAX];
	size_t node;                    /* index into events.nodes */
	bool trace;                     /* the resolver's trace, else the log */
	off_t offset;
	bool seen;                      /* offset is known */
	char partial[PARTIAL_MAX];      /* a line not yet ended */
	size_t plen;
	bool dirty;
} followed;

typedef struct watched_node {
	char name[TOPO_NAME_MAX + 1];
	bool resolver;                  /* dnsim-resolver: traces its queries */
	bool server;                    /* ours, auth or resolver: reads its files */
	/* Another program's server (NSD, Unbound, ...): it writes neither
	 * trace nor query log, so its packets are watched instead. */
	int capfd;                      /* a packet socket in its namespace, or -1 */
	event_reader reader;
	bool has_reader;
} watched_node;

struct events {
	char sim[TOPO_NAME_MAX + 1];
	char logdir[512], nodedir[512], listpath[512];
	int ifd;
	int epfd;                       /* ifd and every capfd: events_fd */
	int logs_wd;
	watched_node *nodes;
	size_t nnodes;
	addr_key *addrs;
	size_t naddrs;
	followed *files;
	size_t nfiles;
	int *trace_wd;                  /* per file: the watch of its folder, or -1 */
	struct timespec list_mtime;
	long long list_checked;
	unsigned long long skipped;
	long long now;                  /* clock_ms of the current read */
	char *buf;                      /* READ_CHUNK octets */
};

static bool key_of(const char *text, addr_key *k)
{
	char host[80];
	snprintf(host, sizeof host, "%s", text);
	/* "ADDR#PORT", as the servers write a peer. */
	char *hash = strrchr(host, '#');
	if (hash)
		*hash = '\0';
	memset(k->bytes, 0, sizeof k->bytes);
	if (inet_pton(AF_INET, host, k->bytes) == 1) {
		k->family = 4;
		return true;
	}
	if (inet_pton(AF_INET6, host, k->bytes) == 1) {
		k->family = 6;
		return true;
	}
	return false;
}

static int key_cmp(const void *a, const void *b)
{
	const addr_key *x = a, *y = b;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return memcmp(x->bytes, y->bytes, sizeof x->bytes);
}

static const char *name_of(void *ctx, const char *addr, bool *traced)
{
	events *ev = ctx;
	addr_key k;
	*traced = false;
	if (!key_of(addr, &k))
		return NULL;
	const addr_key *hit = bsearch(&k, ev->addrs, ev->naddrs, sizeof *ev->addrs, key_cmp);
	if (hit == NULL)
		return NULL;
	*traced = ev->nodes[hit->node].resolver;
	return ev->nodes[hit->node].name;
}

static off_t size_of(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? st.st_size : -1;
}

static void free_nodes(events *ev)
{
	for (size_t i = 0; i < ev->nnodes; i++) {
		if (ev->nodes[i].has_reader)
			reader_free(&ev->nodes[i].reader);
		if (ev->nodes[i].capfd >= 0)
			close(ev->nodes[i].capfd);
	}
	free(ev->nodes);
	free(ev->addrs);
	free(ev->files);
	free(ev->trace_wd);
	ev->nodes = NULL;
	ev->addrs = NULL;
	ev->files = NULL;
	ev->trace_wd = NULL;
	ev->nnodes = ev->naddrs = ev->nfiles = 0;
}

/* The file of the old list with this path, to carry its place over. */
static const followed *old_file(const followed *files, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(files[i].path, path) == 0)
			return &files[i];
	return NULL;
}

/* The packet socket of node `name`: the old list's, or a new one in its
 * namespace (-1 when it cannot be had: the view shows the rest). */
static int take_capture(events *ev, watched_node *old, size_t nold, const char *name)
{
	for (size_t i = 0; i < nold; i++)
		if (old[i].capfd >= 0 && strcmp(old[i].name, name) == 0) {
			int fd = old[i].capfd;
			old[i].capfd = -1;
			return fd;
		}
	char ns[128];
	netns_node_name(ns, sizeof ns, ev->sim, name);
	int fd = capture_open(ns);
	if (fd < 0)
		return -1;
	struct epoll_event e = { .events = EPOLLIN, .data.fd = fd };
	if (epoll_ctl(ev->epfd, EPOLL_CTL_ADD, fd, &e) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The old list's nodes, with the packet sockets no new node took. */
static void drop_captures(watched_node *old, size_t nold)
{
	for (size_t i = 0; i < nold; i++)
		if (old[i].capfd >= 0)
			close(old[i].capfd);   /* closing takes it out of epoll */
	free(old);
}

/* (Re)read the node list: names, addresses, the files to follow. */
static int load_nodes(events *ev)
{
	node_line *list;
	size_t n;
	int rc = nodelist_read(ev->sim, &list, &n);
	if (rc < 0)
		return rc;
	followed *old = ev->files;
	size_t nold = ev->nfiles;
	int *old_wd = ev->trace_wd;
	ev->files = NULL;
	ev->trace_wd = NULL;
	ev->nfiles = 0;
	for (size_t i = 0; i < ev->nnodes; i++)
		if (ev->nodes[i].has_reader)
			reader_free(&ev->nodes[i].reader);
	/* Packet sockets of nodes still on the list are kept. */
	watched_node *old_nodes = ev->nodes;
	size_t nold_nodes = ev->nnodes;
	ev->nodes = NULL;
	free(ev->addrs);
	ev->nodes = calloc(n ? n : 1, sizeof *ev->nodes);
	ev->files = calloc(2 * n + 1, sizeof *ev->files);
	ev->trace_wd = calloc(2 * n + 1, sizeof *ev->trace_wd);
	size_t naddr = 0;
	for (size_t i = 0; i < n; i++)
		for (const char *c = list[i].addrs; c; c = strchr(c + 1, ','))
			naddr++;
	ev->addrs = calloc(naddr + 1, sizeof *ev->addrs);
	ev->nnodes = ev->naddrs = 0;
	if (ev->nodes == NULL || ev->files == NULL || ev->trace_wd == NULL || ev->addrs == NULL) {
		free(list);
		free(old);
		free(old_wd);
		drop_captures(old_nodes, nold_nodes);
		free_nodes(ev);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		watched_node *w = &ev->nodes[ev->nnodes];
		snprintf(w->name, sizeof w->name, "%s", list[i].name);
		w->capfd = -1;
		bool serves = strcmp(list[i].service, "resolver") == 0 ||
			      strcmp(list[i].service, "auth") == 0;
		if (serves && programs_of_node(ev->sim, w->name) != SW_DNSIM) {
			w->capfd = take_capture(ev, old_nodes, nold_nodes, w->name);
			serves = false;
		}
		w->resolver = serves && strcmp(list[i].service, "resolver") == 0;
		w->server = serves;
		char addrs[sizeof list[i].addrs];
		snprintf(addrs, sizeof addrs, "%s", list[i].addrs);
		for (char *save = NULL, *a = strtok_r(addrs, ",", &save); a;
		     a = strtok_r(NULL, ",", &save))
			if (key_of(a, &ev->addrs[ev->naddrs])) {
				ev->addrs[ev->naddrs].node = ev->nnodes;
				ev->naddrs++;
			}
		if (w->server) {
			if (!reader_init(&w->reader, w->name, w->resolver, name_of, ev)) {
				free(list);
				free(old);
				free(old_wd);
				drop_captures(old_nodes, nold_nodes);
				free_nodes(ev);
				return -ENOMEM;
			}
			w->has_reader = true;
			for (int trace = 0; trace <= w->resolver; trace++) {
				followed *f = &ev->files[ev->nfiles];
				f->node = ev->nnodes;
				f->trace = trace;
				if (trace)
					snprintf(f->path, sizeof f->path, "%s/%s/trace.jsonl", ev->nodedir,
						 w->name);
				else
					snprintf(f->path, sizeof f->path, "%s/%s.log", ev->logdir, w->name);
				const followed *o = old_file(old, nold, f->path);
				if (o) {
					f->offset = o->offset;
					f->seen = o->seen;
					memcpy(f->partial, o->partial, o->plen);
					f->plen = o->plen;
					ev->trace_wd[ev->nfiles] = old_wd[o - old];
				} else {
					/* From where it ends now: what is past is not live.  A
					 * file made later is read from its start. */
					off_t size = size_of(f->path);
					f->offset = size > 0 && old == NULL ? size : 0;
					f->seen = true;
					ev->trace_wd[ev->nfiles] = -1;
					if (trace) {
						char dir[PATH_MAX + 64];
						snprintf(dir, sizeof dir, "%s/%s", ev->nodedir, w->name);
						ev->trace_wd[ev->nfiles] = inotify_add_watch(
							ev->ifd, dir, IN_MODIFY | IN_CREATE);
					}
				}
				f->dirty = true;
				ev->nfiles++;
			}
		}
		ev->nnodes++;
	}
	qsort(ev->addrs, ev->naddrs, sizeof *ev->addrs, key_cmp);
	free(list);
	free(old);
	free(old_wd);
	drop_captures(old_nodes, nold_nodes);
	return 0;
}

static bool list_changed(events *ev)
{
	struct stat st;
	if (stat(ev->listpath, &st) != 0)
		return false;
	if (st.st_mtim.tv_sec == ev->list_mtime.tv_sec &&
	    st.st_mtim.tv_nsec == ev->list_mtime.tv_nsec)
		return false;
	ev->list_mtime = st.st_mtim;
	return true;
}

events *events_open(const char *sim, char *err, size_t errsz)
{
	events *ev = calloc(1, sizeof *ev);
	if (ev == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	snprintf(ev->sim, sizeof ev->sim, "%s", sim);
	ev->ifd = ev->epfd = -1;
	if ((ev->buf = malloc(READ_CHUNK)) == NULL) {
		snprintf(err, errsz, "out of memory");
		free(ev);
		return NULL;
	}
	state_path(ev->logdir, sizeof ev->logdir, sim, "logs");
	state_path(ev->nodedir, sizeof ev->nodedir, sim, "nodes");
	state_path(ev->listpath, sizeof ev->listpath, sim, "nodes.list");
	ev->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	ev->epfd = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event e = { .events = EPOLLIN, .data.fd = ev->ifd };
	if (ev->ifd < 0 || ev->epfd < 0 || epoll_ctl(ev->epfd, EPOLL_CTL_ADD, ev->ifd, &e) < 0) {
		snprintf(err, errsz, "inotify: %s", strerror(errno));
		events_close(ev);
		return NULL;
	}
	ev->logs_wd = inotify_add_watch(ev->ifd, ev->logdir, IN_MODIFY | IN_CREATE);
	if (ev->logs_wd < 0) {
		snprintf(err, errsz, "cannot watch %s: %s", ev->logdir, strerror(errno));
		events_close(ev);
		return NULL;
	}
	list_changed(ev);
	int rc = load_nodes(ev);
	if (rc < 0) {
		snprintf(err, errsz, "cannot read the node list of sim %s: %s", sim, strerror(-rc));
		events_close(ev);
		return NULL;
	}
	ev->list_checked = clock_ms();
	return ev;
}

int events_fd(const events *ev)
{
	return ev->epfd;
}

unsigned long long events_skipped(const events *ev)
{
	return ev->skipped;
}

/* One whole line of file f. */
static size_t line_events(events *ev, followed *f, const char *line, size_t len,
			  events_fn fn, void *ctx)
{
	watched_node *w = &ev->nodes[f->node];
	sim_event out[READER_EVENTS_MAX];
	size_t n = f->trace ? reader_trace_line(&w->reader, line, len, out)
			    : reader_log_line(&w->reader, line, len, ev->now, out);
	for (size_t i = 0; i < n; i++)
		fn(ctx, &out[i]);
	return n;
}

static size_t read_file(events *ev, followed *f, events_fn fn, void *ctx)
{
	f->dirty = false;
	off_t size = size_of(f->path);
	if (size < 0)
		return 0;
	if (size < f->offset) {
		/* Made anew (a restarted sim would not reuse our names, but a
		 * truncated file must not stall us). */
		f->offset = 0;
		f->plen = 0;
	}
	if (size - f->offset > SKIP_BEYOND) {
		ev->skipped += (unsigned long long)(size - KEEP_TAIL - f->offset);
		f->offset = size - KEEP_TAIL;
		/* The middle of a line: dropped up to its end, below. */
		f->plen = PARTIAL_MAX;
	}
	if (size == f->offset)
		return 0;
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	char *buf = ev->buf;
	size_t want = (size_t)(size - f->offset) < READ_CHUNK ? (size_t)(size - f->offset)
							      : READ_CHUNK;
	ssize_t got = pread(fd, buf, want, f->offset);
	close(fd);
	if (got <= 0)
		return 0;
	f->offset += got;
	if ((size_t)got == READ_CHUNK && f->offset < size)
		f->dirty = true;        /* more next time */
	size_t count = 0;
	const char *p = buf, *end = buf + got;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL) {
			size_t rest = (size_t)(end - p);
			if (f->plen + rest < PARTIAL_MAX) {
				memcpy(f->partial + f->plen, p, rest);
				f->plen += rest;
			} else {
				f->plen = PARTIAL_MAX;      /* too long: not a line of ours */
			}
			break;
		}
		size_t len = (size_t)(nl - p);
		if (f->plen == PARTIAL_MAX) {
			/* The end of a line too long to keep, or of one skipped. */
		} else if (f->plen) {
			if (f->plen + len < PARTIAL_MAX) {
				memcpy(f->partial + f->plen, p, len);
				count += line_events(ev, f, f->partial, f->plen + len, fn, ctx);
			}
		} else {
			count += line_events(ev, f, p, len, fn, ctx);
		}
		f->plen = 0;
		p = nl + 1;
	}
	return count;
}

/* The node (its index) that has address `addr`, or SIZE_MAX. */
static size_t node_at(const events *ev, const char *addr)
{
	addr_key k;
	if (!key_of(addr, &k))
		return SIZE_MAX;
	const addr_key *hit = bsearch(&k, ev->addrs, ev->naddrs, sizeof *ev->addrs, key_cmp);
	return hit ? hit->node : SIZE_MAX;
}

/* What a watched program's packet socket saw since the last read, each
 * message once: not when its other end is one of our servers (whose
 * log or trace tells of it already), and between two watched programs
 * only as its sender saw it. */
static size_t read_capture(events *ev, watched_node *w, events_fn fn, void *ctx)
{
	wire_msg *wire;
	size_t n = capture_drain(w->capfd, 0, &wire);
	/* Packets carry the wall clock's time, events the monotonic one. */
	struct timespec rt;
	clock_gettime(CLOCK_REALTIME, &rt);
	long long shift = ev->now - ((long long)rt.tv_sec * 1000 + rt.tv_nsec / 1000000);
	size_t count = 0;
	for (size_t i = 0; i < n; i++) {
		const wire_msg *m = &wire[i];
		size_t src = node_at(ev, m->src), dst = node_at(ev, m->dst);
		size_t other = m->outgoing ? dst : src;
		if (other != SIZE_MAX &&
		    (ev->nodes[other].server || (ev->nodes[other].capfd >= 0 && !m->outgoing)))
			continue;
		sim_event e;
		capture_event(m, src != SIZE_MAX ? ev->nodes[src].name : m->src,
			      dst != SIZE_MAX ? ev->nodes[dst].name : m->dst, &e);
		e.t_ms = m->t_ms + shift;
		fn(ctx, &e);
		count++;
	}
	free(wire);
	return count;
}

static followed *file_for(events *ev, int wd, const char *name)
{
	if (wd == ev->logs_wd) {
		char path[PATH_MAX + 300];
		snprintf(path, sizeof path, "%s/%s", ev->logdir, name);
		for (size_t i = 0; i < ev->nfiles; i++)
			if (!ev->files[i].trace && strcmp(ev->files[i].path, path) == 0)
				return &ev->files[i];
		return NULL;
	}
	for (size_t i = 0; i < ev->nfiles; i++)
		if (ev->trace_wd[i] == wd && ev->files[i].trace && strcmp(name, "trace.jsonl") == 0)
			return &ev->files[i];
	return NULL;
}

size_t events_read(events *ev, events_fn fn, void *ctx)
{
	ev->now = clock_ms();
	if (ev->now - ev->list_checked >= NODELIST_CHECK_MS) {
		ev->list_checked = ev->now;
		if (list_changed(ev))
			load_nodes(ev);
		for (size_t i = 0; i < ev->nnodes; i++)
			if (ev->nodes[i].has_reader)
				reader_expire(&ev->nodes[i].reader, ev->now, CLIENT_WAIT_MS);
	}
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool overflow = false;
	for (;;) {
		ssize_t n = read(ev->ifd, buf, sizeof buf);
		if (n <= 0)
			break;
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ie = (struct inotify_event *)p;
			if (ie->mask & IN_Q_OVERFLOW)
				overflow = true;
			else if (ie->len) {
				followed *f = file_for(ev, ie->wd, ie->name);
				if (f)
					f->dirty = true;
			}
			p += sizeof *ie + ie->len;
		}
	}
	size_t count = 0;
	for (size_t i = 0; i < ev->nfiles; i++)
		if (overflow || ev->files[i].dirty)
			count += read_file(ev, &ev->files[i], fn, ctx);
	for (size_t i = 0; i < ev->nnodes; i++)
		if (ev->nodes[i].capfd >= 0)
			count += read_capture(ev, &ev->nodes[i], fn, ctx);
	return count;
}

void events_close(events *ev)
{
	if (ev == NULL)
		return;
	if (ev->ifd >= 0)
		close(ev->ifd);
	free_nodes(ev);
	if (ev->epfd >= 0)
		close(ev->epfd);
	free(ev->buf);
	free(ev);
}
