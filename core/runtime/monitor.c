/* The monitor: one process per sim that keeps the node services alive. */
#include "runtime/monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "io/childfds.h"
#include "io/clock.h"
#include "io/unixcall.h"
#include "netns/anyroute.h"
#include "netns/netns.h"
#include "runtime/probe.h"
#include "runtime/programs.h"
#include "runtime/service.h"
#include "netns/state.h"
#include "topo/machines.h"

#define READY_TIMEOUT_MS 20000   /* a service must answer within this */
#define BUILT_PER_ROUND 16        /* nodes started between two probe rounds */
#define PROBE_EVERY_MS 20
#define COMMAND_READY_MS 300     /* a command service: alive this long */
#define BACKOFF_FIRST_MS 100
#define BACKOFF_MAX_MS 10000
#define STABLE_MS 30000          /* running this long resets the backoff */
#define STOP_GRACE_MS 2000
#define QUICK_FAILS_MAX 6        /* crashes in a row, none stable: give up */

typedef enum svc_state {
	SVC_DOWN,       /* stopped on request */
	SVC_STARTING,   /* running, not answering yet */
	SVC_READY,
	SVC_BACKOFF,    /* died; waiting to be restarted */
	SVC_STOPPING,   /* told to stop, not reaped yet */
	SVC_FAILED,     /* crashed again and again: no longer restarted */
} svc_state;

static const char *const state_names[] = { "stopped", "starting", "ready",
					   "restarting", "stopping", "failed" };

typedef struct svc {
	const topo_node *node;
	char ns[128];
	char **argv;
	pid_t pid;
	svc_state state;
	bool want_up;          /* restart when it dies */
	bool restart_after;    /* stopping in order to start again */
	unsigned restarts;
	unsigned quick_fails;  /* crashes in a row without running stably */
	long backoff_ms;
	long long started_ms, deadline_ms, next_probe_ms, kill_ms;
	int probe_fd;
	uint16_t probe_id;
	size_t probe_step;       /* the readiness question being asked */
	uint16_t probe_sent;     /* questions of this step on the open probe socket */
	bool reported;         /* told `up` about it */
	bool busy;             /* on the monitor's busy list */
	char last_exit[80];
} svc;

/* The link relay (dnsim-linkd), supervised like a service: started on
 * request (`up` with impaired links, `link set`), restarted with backoff
 * when it dies. */
typedef struct linkd {
	pid_t pid;
	bool want_up;
	unsigned restarts;
	long backoff_ms;
	long long started_ms, deadline_ms;
} linkd;

typedef struct monitor {
	const topo *t;
	topo_model *model;     /* its zones are freed once every node is built */
	const char *bindir;
	svc *svcs;
	size_t n, cap;
	/* The services that need the loop's attention (starting, restarting,
	 * stopping), by index: a big sim's loop visits these, not every
	 * service, so that a round costs what is happening, not the sim's
	 * size. */
	size_t *busy;
	size_t nbusy;
	/* Which service a process is, for the reaper: pid -> index + 1 in an
	 * open-addressed table of pidmap_cap slots (0: empty, SIZE_MAX: a
	 * removed entry). */
	pid_t *pidmap_pid;
	size_t *pidmap_idx;
	size_t pidmap_cap, pidmap_used;
	topo_node **adopted;   /* nodes added while running (`register --node`) */
	const char *capture_dir;
	size_t nadopted;
	int statefd, report_fd, listen_fd, sig_fd;
	char logdir[256];
	size_t pending;        /* services not yet reported to `up` */
	pid_t *captures;       /* tcpdump per node (up --capture) */
	size_t ncaptures;
	linkd relay;
	anyroute any;          /* anycast routes in force (none: any.t NULL) */
	bool stopping;
} monitor;

static void mark_busy(monitor *m, svc *s)
{
	if (s->busy)
		return;
	s->busy = true;
	m->busy[m->nbusy++] = (size_t)(s - m->svcs);
}

static size_t pidmap_slot(const monitor *m, pid_t pid)
{
	return ((size_t)pid * 2654435761u) & (m->pidmap_cap - 1);
}

/* Room for `want` live entries (and the removed ones), the table at most
 * half full; false when out of memory. */
static bool pidmap_reserve(monitor *m, size_t want)
{
	if (m->pidmap_cap && (m->pidmap_used + 1) * 2 <= m->pidmap_cap)
		return true;
	size_t cap = 64;
	while (cap < want * 4)
		cap *= 2;
	pid_t *pids = calloc(cap, sizeof *pids);
	size_t *idx = calloc(cap, sizeof *idx);
	if (pids == NULL || idx == NULL) {
		free(pids);
		free(idx);
		return false;
	}
	pid_t *old_pid = m->pidmap_pid;
	size_t *old_idx = m->pidmap_idx, old_cap = m->pidmap_cap;
	m->pidmap_pid = pids;
	m->pidmap_idx = idx;
	m->pidmap_cap = cap;
	m->pidmap_used = 0;
	for (size_t i = 0; i < old_cap; i++) {
		if (old_idx[i] == 0 || old_idx[i] == SIZE_MAX)
			continue;
		size_t k = pidmap_slot(m, old_pid[i]);
		while (m->pidmap_idx[k])
			k = (k + 1) & (cap - 1);
		m->pidmap_pid[k] = old_pid[i];
		m->pidmap_idx[k] = old_idx[i];
		m->pidmap_used++;
	}
	free(old_pid);
	free(old_idx);
	return true;
}

static void pidmap_put(monitor *m, pid_t pid, size_t index)
{
	if (!pidmap_reserve(m, m->n + 1))
		return;   /* the reaper falls back to a search */
	size_t k = pidmap_slot(m, pid);
	while (m->pidmap_idx[k] && m->pidmap_idx[k] != SIZE_MAX)
		k = (k + 1) & (m->pidmap_cap - 1);
	if (m->pidmap_idx[k] == 0)
		m->pidmap_used++;
	m->pidmap_pid[k] = pid;
	m->pidmap_idx[k] = index + 1;
}

/* The service whose process pid is (and forget it), or NULL. */
static svc *pidmap_take(monitor *m, pid_t pid)
{
	if (m->pidmap_cap == 0)
		return NULL;
	for (size_t k = pidmap_slot(m, pid); m->pidmap_idx[k]; k = (k + 1) & (m->pidmap_cap - 1)) {
		if (m->pidmap_idx[k] == SIZE_MAX || m->pidmap_pid[k] != pid)
			continue;
		svc *s = &m->svcs[m->pidmap_idx[k] - 1];
		m->pidmap_idx[k] = SIZE_MAX;
		return s->pid == pid ? s : NULL;
	}
	return NULL;
}

static void log_line(monitor *m, const char *name, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* A line in logs/NAME.log, marked as the supervisor's. */
static void log_line(monitor *m, const char *name, const char *fmt, va_list ap)
{
	char path[512], line[512];
	snprintf(path, sizeof path, "%s/%s.log", m->logdir, name);
	vsnprintf(line, sizeof line, fmt, ap);
	time_t now = time(NULL);
	struct tm tm;
	char ts[32];
	strftime(ts, sizeof ts, "%H:%M:%S", localtime_r(&now, &tm));
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	dprintf(fd, "%s [dnsim] %s\n", ts, line);
	close(fd);
}

/* A line in the node's own log. */
static void node_log(monitor *m, const svc *s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void node_log(monitor *m, const svc *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_line(m, s->node->name, fmt, ap);
	va_end(ap);
}

/* A line in the relay's log, logs/linkd.log. */
static void linkd_log(monitor *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void linkd_log(monitor *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_line(m, "linkd", fmt, ap);
	va_end(ap);
}

/* A line in logs/anycast.log: what moved and why. */
static void anycast_log(monitor *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void anycast_log(monitor *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_line(m, "anycast", fmt, ap);
	va_end(ap);
}

static void report(monitor *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void report(monitor *m, const char *fmt, ...)
{
	if (m->report_fd < 0)
		return;
	char line[600];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof line - 2)
		n = (int)sizeof line - 2;
	line[n++] = '\n';
	if (write(m->report_fd, line, (size_t)n) < 0) {
		/* `up` is gone (killed): nobody to tell. */
		close(m->report_fd);
		m->report_fd = -1;
	}
}

static void report_once(monitor *m, svc *s, bool ok, const char *why)
{
	if (s->reported)
		return;
	s->reported = true;
	if (ok)
		report(m, "ready %s", s->node->name);
	else
		report(m, "fail %s %s", s->node->name, why);
	if (m->pending > 0 && --m->pending == 0) {
		report(m, "done");
		if (m->report_fd >= 0)
			close(m->report_fd);
		m->report_fd = -1;
	}
}

static void spawn(monitor *m, svc *s)
{
	char logpath[512];
	snprintf(logpath, sizeof logpath, "%s/%s.log", m->logdir, s->node->name);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		node_log(m, s, "cannot start: fork: %s", strerror(errno));
		s->state = SVC_BACKOFF;
		s->deadline_ms = clock_ms() + BACKOFF_MAX_MS;
		mark_busy(m, s);
		return;
	}
	if (pid == 0) {
		/* The service: its own process group (so stopping it stops its
		 * children too), gone when the monitor goes. */
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		if (child_stdio(logpath, -1) < 0)
			_exit(126);
		const char *what = "";
		/* Other programs may read files of /etc: they see the node's. */
		int rc = s->node->service == TOPO_SVC_COMMAND || s->node->software != SW_DNSIM
				 ? netns_enter_exec(s->ns, &what) : netns_enter(s->ns, &what);
		if (rc < 0) {
			dprintf(2, "[dnsim] cannot %s: %s\n", what, strerror(-rc));
			_exit(126);
		}
		if (chdir("/") < 0)
			_exit(126);
		/* Topology commands may name our own tools (dnsim-httpd). */
		char path[4096];
		const char *old = getenv("PATH");
		snprintf(path, sizeof path, "%s:%s", m->bindir,
			 old ? old : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
		setenv("PATH", path, 1);
		setenv("DNSIM_NODE", s->node->name, 1);
		setenv("DNSIM_SIM", m->t->name, 1);
		execvp(s->argv[0], s->argv);
		dprintf(2, "[dnsim] cannot run %s: %s\n", s->argv[0], strerror(errno));
		_exit(127);
	}
	/* Both sides set the group, so kill(-pid) works at once. */
	setpgid(pid, pid);
	s->pid = pid;
	pidmap_put(m, pid, (size_t)(s - m->svcs));
	state_record(m->statefd, "proc %d %llu %s", (int)pid, proc_start_time(pid),
		     s->node->name);
	s->state = SVC_STARTING;
	s->probe_step = 0;
	mark_busy(m, s);
	s->started_ms = clock_ms();
	s->deadline_ms = s->started_ms + READY_TIMEOUT_MS;
	s->next_probe_ms = s->started_ms + 5;
	node_log(m, s, "started %s (pid %d)", s->argv[0], (int)pid);
}

/* ---- anycast: an instance whose server is down is withdrawn --------- */

static size_t node_index(const monitor *m, const svc *s)
{
	if (s->node < m->t->nodes || s->node >= m->t->nodes + m->t->nnodes)
		return SIZE_MAX;   /* adopted (`register --node`): no anycast */
	return (size_t)(s->node - m->t->nodes);
}

typedef struct moves {
	monitor *m;
	int fd;                /* a command's caller to tell, or -1 */
	size_t skip;           /* the node whose link was cut: not told of itself */
	size_t n;
} moves;

/* One node now reaching another instance: logs/anycast.log, and the
 * caller of `link` when it asked. */
static void on_moved(void *ctx, const anycast_group *g, size_t k, size_t from, size_t to)
{
	moves *mv = ctx;
	const topo *t = mv->m->t;
	const char *was = from == SIZE_MAX ? "(none)" : t->nodes[from].name;
	const char *now = to == SIZE_MAX ? "(none)" : t->nodes[to].name;
	char line[300];
	snprintf(line, sizeof line, "%s: %s reaches %s (was %s)", g->text, t->nodes[k].name, now,
		 was);
	anycast_log(mv->m, "%s", line);
	if (mv->fd >= 0 && !t->nodes[k].router && k != mv->skip)
		dprintf(mv->fd, "moved %s\n", line);
	mv->n++;
}

/* Withdraw (or announce again) the anycast addresses of s's node. */
static void anycast_mark(monitor *m, svc *s, bool withdrawn, const char *why)
{
	size_t k = node_index(m, s);
	if (m->any.t == NULL || k == SIZE_MAX || s->node->nanycast == 0 ||
	    m->any.withdrawn[k] == withdrawn)
		return;
	m->any.withdrawn[k] = withdrawn;
	moves mv = { m, -1, SIZE_MAX, 0 };
	size_t n = anyroute_update(&m->any, m->t->name, on_moved, &mv);
	anycast_log(m, "%s %s (%s): %zu route%s rewritten", s->node->name,
		    withdrawn ? "withdrawn" : "announced", why, n, n == 1 ? "" : "s");
	node_log(m, s, "anycast %s%s %s: %zu route%s rewritten", s->node->anycast[0].text,
		 s->node->nanycast > 1 ? " and the others" : "",
		 withdrawn ? "withdrawn" : "announced", n, n == 1 ? "" : "s");
}

/* "link NODE NETWORK down|up": `link` cut or plugged a port; routes to
 * anycast addresses go around it.  Each host that moved is told. */
static void link_command(monitor *m, int fd, char *arg)
{
	char node[TOPO_NAME_MAX + 1], net[TOPO_NAME_MAX + 1], how[8];
	if (arg == NULL || sscanf(arg, "%32s %32s %7s", node, net, how) != 3 ||
	    (strcmp(how, "down") != 0 && strcmp(how, "up") != 0)) {
		dprintf(fd, "error: link NODE NETWORK down|up\n");
		return;
	}
	const topo_node *n = topo_node_find(m->t, node);
	const topo_network *w = topo_network_find(m->t, net);
	/* A node added while running (`register --node`) is in no anycast
	 * route's path: nothing to move.  (`link` checked the names.) */
	if (n == NULL || w == NULL || m->any.t == NULL) {
		dprintf(fd, "ok 0\n");
		return;
	}
	size_t k = (size_t)(n - m->t->nodes), ni = (size_t)(w - m->t->networks);
	m->any.cut[k * m->t->nnetworks + ni] = strcmp(how, "down") == 0;
	moves mv = { m, fd, k, 0 };
	size_t changed = anyroute_update(&m->any, m->t->name, on_moved, &mv);
	if (changed)
		anycast_log(m, "link %s -- %s %s: %zu route%s rewritten", node, net, how, changed,
			    changed == 1 ? "" : "s");
	dprintf(fd, "ok %zu\n", changed);
}

static void stop_svc(monitor *m, svc *s, bool restart_after)
{
	/* Traffic moves on before the server goes, as an operator drains
	 * an instance by withdrawing its route first. */
	anycast_mark(m, s, true, restart_after ? "restart" : "stop");
	s->want_up = restart_after;
	s->restart_after = restart_after;
	if (s->pid > 0) {
		kill(-s->pid, SIGTERM);
		s->state = SVC_STOPPING;
		s->kill_ms = clock_ms() + STOP_GRACE_MS;
		mark_busy(m, s);
		node_log(m, s, "stopping (pid %d)", (int)s->pid);
	} else {
		s->state = SVC_DOWN;
		if (restart_after) {
			s->backoff_ms = 0;
			spawn(m, s);
		}
	}
}

/* Start dnsim-linkd; with ready_fd >= 0 it writes "ready" there once
 * its links are open. */
static void linkd_spawn(monitor *m, int ready_fd)
{
	char prog[600], logpath[512];
	snprintf(prog, sizeof prog, "%s/dnsim-linkd", m->bindir);
	snprintf(logpath, sizeof logpath, "%s/linkd.log", m->logdir);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		linkd_log(m, "cannot start dnsim-linkd: fork: %s", strerror(errno));
		m->relay.deadline_ms = clock_ms() + BACKOFF_MAX_MS;
		return;
	}
	if (pid == 0) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (child_stdio(logpath, -1) < 0)
			_exit(126);
		char fdtext[16] = "-1";
		if (ready_fd >= 0) {
			/* Descriptor 3 for the ready line, inherited across exec. */
			if ((ready_fd == 3 ? fcntl(3, F_SETFD, 0) : dup2(ready_fd, 3)) < 0)
				_exit(126);
			snprintf(fdtext, sizeof fdtext, "3");
		}
		if (ready_fd >= 0)
			execl(prog, prog, m->t->name, "--ready-fd", fdtext, (char *)NULL);
		else
			execl(prog, prog, m->t->name, (char *)NULL);
		dprintf(2, "[dnsim] cannot run %s: %s\n", prog, strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	m->relay.pid = pid;
	m->relay.started_ms = clock_ms();
	state_record(m->statefd, "proc %d %llu linkd", (int)pid, proc_start_time(pid));
	linkd_log(m, "started dnsim-linkd (pid %d)", (int)pid);
}

/* "linkd": make sure the relay runs, and answer once it relays. */
static void linkd_command(monitor *m, int fd)
{
	m->relay.want_up = true;
	if (m->relay.pid > 0) {
		dprintf(fd, "ok pid %d\n", (int)m->relay.pid);
		return;
	}
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		dprintf(fd, "error: pipe: %s\n", strerror(errno));
		return;
	}
	m->relay.backoff_ms = 0;
	linkd_spawn(m, p[1]);
	close(p[1]);
	char buf[16] = "";
	struct pollfd pf = { .fd = p[0], .events = POLLIN };
	ssize_t n = poll(&pf, 1, 5000) > 0 ? read(p[0], buf, sizeof buf - 1) : -1;
	close(p[0]);
	if (m->relay.pid > 0 && n > 0 && strncmp(buf, "ready", 5) == 0)
		dprintf(fd, "ok pid %d\n", (int)m->relay.pid);
	else
		dprintf(fd, "error: dnsim-linkd did not start (see %s/linkd.log)\n", m->logdir);
}

static void describe_exit(int status, char *out, size_t n)
{
	if (WIFEXITED(status))
		snprintf(out, n, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(out, n, "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(out, n, "ended (status 0x%x)", (unsigned)status);
}

/* One of the services' processes ended with this status. */
static void reaped(monitor *m, svc *s, int status)
{
	s->pid = 0;
	describe_exit(status, s->last_exit, sizeof s->last_exit);
	if (s->probe_fd >= 0) {
		close(s->probe_fd);
		s->probe_fd = -1;
	}
	node_log(m, s, "%s", s->last_exit);
	if (m->stopping)
		return;
	anycast_mark(m, s, true, s->last_exit);
	if (s->state == SVC_STOPPING) {
		s->state = SVC_DOWN;
		if (s->restart_after) {
			s->restart_after = false;
			s->backoff_ms = 0;
			spawn(m, s);
		}
		return;
	}
	if (s->state == SVC_STARTING && !s->reported && s->restarts >= 2) {
		/* Dies before it ever answers: do not keep `up` waiting. */
		char why[200];
		snprintf(why, sizeof why, "its server %s before answering "
			 "(see `./sim logs %s`)", s->last_exit, s->node->name);
		report_once(m, s, false, why);
	}
	long long ran = clock_ms() - s->started_ms;
	if (ran > STABLE_MS) {
		s->backoff_ms = 0;
		s->quick_fails = 0;
	}
	if (++s->quick_fails >= QUICK_FAILS_MAX) {
		s->state = SVC_FAILED;
		node_log(m, s, "gave up after %u crashes in a row; `./sim start %s` "
			 "tries again", s->quick_fails, s->node->name);
		return;
	}
	s->backoff_ms = s->backoff_ms ? s->backoff_ms * 2 : BACKOFF_FIRST_MS;
	if (s->backoff_ms > BACKOFF_MAX_MS)
		s->backoff_ms = BACKOFF_MAX_MS;
	s->state = SVC_BACKOFF;
	s->deadline_ms = clock_ms() + s->backoff_ms;
	mark_busy(m, s);
	s->restarts++;
	node_log(m, s, "restarting in %ld ms", s->backoff_ms);
}

static void reap(monitor *m)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == m->relay.pid) {
			char how[80];
			describe_exit(status, how, sizeof how);
			m->relay.pid = 0;
			linkd_log(m, "dnsim-linkd %s", how);
			if (m->stopping || !m->relay.want_up)
				continue;
			/* Links carried by the relay are cut while it is down:
			 * back soon, but not in a tight loop. */
			if (clock_ms() - m->relay.started_ms > STABLE_MS)
				m->relay.backoff_ms = 0;
			m->relay.backoff_ms = m->relay.backoff_ms ? m->relay.backoff_ms * 2
								  : BACKOFF_FIRST_MS;
			if (m->relay.backoff_ms > BACKOFF_MAX_MS)
				m->relay.backoff_ms = BACKOFF_MAX_MS;
			m->relay.deadline_ms = clock_ms() + m->relay.backoff_ms;
			m->relay.restarts++;
			linkd_log(m, "restarting in %ld ms", m->relay.backoff_ms);
			continue;
		}
		svc *found = pidmap_take(m, pid);
		for (size_t i = 0; found == NULL && i < m->n; i++)
			if (m->svcs[i].pid == pid)
				found = &m->svcs[i];
		if (found)
			reaped(m, found, status);
	}
}

static void probe_answer(monitor *m, svc *s);

/* Probe a starting DNS service; mark command services ready once they
 * have stayed up a moment. */
static void tick(monitor *m, svc *s, long long now)
{
	if (s->state == SVC_BACKOFF && now >= s->deadline_ms && s->want_up) {
		spawn(m, s);
		return;
	}
	if (s->state == SVC_STOPPING && now >= s->kill_ms && s->pid > 0) {
		kill(-s->pid, SIGKILL);
		s->kill_ms = now + STOP_GRACE_MS;
		return;
	}
	if (s->state != SVC_STARTING)
		return;
	if (s->node->service == TOPO_SVC_COMMAND) {
		if (now - s->started_ms >= COMMAND_READY_MS) {
			s->state = SVC_READY;
			node_log(m, s, "ready");
			anycast_mark(m, s, false, "ready");
			report_once(m, s, true, NULL);
		}
		return;
	}
	if (now >= s->deadline_ms && s->probe_fd >= 0) {
		/* The monitor comes back late when it is busy starting
		 * thousands of nodes: an answer already waiting counts. */
		probe_answer(m, s);
		if (s->state != SVC_STARTING)
			return;
	}
	if (now >= s->deadline_ms) {
		char why[160];
		snprintf(why, sizeof why, "its server did not answer a DNS query within "
			 "%d s (see `./sim logs %s`)", READY_TIMEOUT_MS / 1000, s->node->name);
		report_once(m, s, false, why);
		s->deadline_ms = now + READY_TIMEOUT_MS;
	}
	if (now < s->next_probe_ms)
		return;
	if (s->probe_fd < 0) {
		s->probe_fd = probe_socket(s->ns);
		s->probe_sent = 0;
	}
	net_addr to;
	if (s->probe_fd >= 0 && service_probe_addr(s->node, &to)) {
		uint8_t qname[256];
		uint16_t qtype, qclass;
		bool want_aa;
		programs_probe_question(s->node, s->probe_step, qname, &qtype, &qclass, &want_aa);
		probe_send_question(s->probe_fd, &to, ++s->probe_id, qname, qtype, qclass);
		if (s->probe_sent < UINT16_MAX)
			s->probe_sent++;
	}
	s->next_probe_ms = now + PROBE_EVERY_MS;
}

static void probe_answer(monitor *m, svc *s)
{
	/* The answer to any question asked on this socket shows the server
	 * up: when the monitor is busy (thousands of nodes starting) it asks
	 * again before it reads the answer to the last question, and a reply
	 * only to the newest would never be in time. */
	unsigned long long q = 0;
	uint8_t qname[256];
	uint16_t qtype, qclass;
	bool want_aa, answered = false;
	programs_probe_question(s->node, s->probe_step, qname, &qtype, &qclass, &want_aa);
	for (int k = 0; k < 64 && !answered; k++) {
		int r = probe_recv_any(s->probe_fd, (uint16_t)(s->probe_id - s->probe_sent + 1),
				       s->probe_sent, want_aa, &q);
		if (r < 0)
			return;   /* nothing more to read */
		answered = r > 0;
	}
	if (!answered)
		return;
	if (++s->probe_step < programs_probe_count(s->node)) {
		/* The next zone at once; answers to this one's questions no
		 * longer count. */
		s->probe_sent = 0;
		s->next_probe_ms = 0;
		return;
	}
	close(s->probe_fd);
	s->probe_fd = -1;
	s->state = SVC_READY;
	node_log(m, s, "ready: answers DNS queries");
	anycast_mark(m, s, false, "answers DNS queries");
	report_once(m, s, true, NULL);
}

static svc *find_svc(monitor *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->svcs[i].node->name, name) == 0)
			return &m->svcs[i];
	return NULL;
}

/* "serve NODE ADDR CONF": supervise a new dnsim-auth on NODE (answering
 * on ADDR) with the config CONF, as `register --node` asks. */
static void serve(monitor *m, int fd, char *arg)
{
	char node[TOPO_NAME_MAX + 1], addr[64], conf[512];
	net_addr a;
	if (arg == NULL || sscanf(arg, "%32s %63s %511s", node, addr, conf) != 3 ||
	    !net_addr_parse(addr, 0, &a)) {
		dprintf(fd, "error: serve NODE ADDR CONF\n");
		return;
	}
	if (find_svc(m, node)) {
		dprintf(fd, "error: node %s already runs a server\n", node);
		return;
	}
	if (m->n == m->cap) {
		svc *g = realloc(m->svcs, (m->cap * 2) * sizeof *g);
		if (g)
			m->svcs = g;
		size_t *busy = g ? realloc(m->busy, (m->cap * 2) * sizeof *busy) : NULL;
		if (busy == NULL) {
			dprintf(fd, "error: out of memory\n");
			return;
		}
		m->busy = busy;
		m->cap *= 2;
	}
	topo_node **slot = realloc(m->adopted, (m->nadopted + 1) * sizeof *slot);
	topo_node *tn = calloc(1, sizeof *tn);
	topo_addr *ta = calloc(1, sizeof *ta);
	char prog[600];
	snprintf(prog, sizeof prog, "%s/dnsim-auth", m->bindir);
	const char *words[] = { prog, "-c", conf };
	char **argv = service_argv(3, words);
	if (slot)
		m->adopted = slot;
	if (slot == NULL || tn == NULL || ta == NULL || argv == NULL) {
		free(tn);
		free(ta);
		service_argv_free(argv);
		dprintf(fd, "error: out of memory\n");
		return;
	}
	snprintf(tn->name, sizeof tn->name, "%s", node);
	ta->addr = a;
	snprintf(ta->text, sizeof ta->text, "%s", addr);
	tn->addrs = ta;
	tn->naddrs = 1;
	tn->service = TOPO_SVC_AUTH;
	m->adopted[m->nadopted++] = tn;
	svc *s = &m->svcs[m->n++];
	memset(s, 0, sizeof *s);
	s->node = tn;
	s->probe_fd = -1;
	s->argv = argv;
	s->want_up = true;
	s->reported = true;
	netns_node_name(s->ns, sizeof s->ns, m->t->name, node);
	spawn(m, s);
	dprintf(fd, "ok\n");
}

static void command(monitor *m, int fd)
{
	char buf[256];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n = 0;
	if (poll(&p, 1, 1000) > 0)
		n = read(fd, buf, sizeof buf - 1);
	if (n <= 0)
		return;
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	char *arg = strchr(buf, ' ');
	if (arg)
		*arg++ = '\0';
	if (strcmp(buf, "status") == 0) {
		for (size_t i = 0; i < m->n; i++) {
			svc *s = &m->svcs[i];
			dprintf(fd, "%s %s %d %u\n", s->node->name, state_names[s->state],
				(int)s->pid, s->restarts);
		}
		return;
	}
	if (strcmp(buf, "serve") == 0) {
		serve(m, fd, arg);
		return;
	}
	if (strcmp(buf, "linkd") == 0) {
		linkd_command(m, fd);
		return;
	}
	if (strcmp(buf, "link") == 0) {
		link_command(m, fd, arg);
		return;
	}
	if (strcmp(buf, "anycast") == 0 && arg && strcmp(arg, "instances") == 0) {
		/* One line per instance, for `status`: NODE REGION STATE ADDRESS... */
		for (size_t k = 0; m->any.t && k < m->t->nnodes; k++) {
			const topo_node *n = &m->t->nodes[k];
			if (n->nanycast == 0)
				continue;
			dprintf(fd, "%s %s %s", n->name, n->region ? n->region : "-",
				m->any.withdrawn[k] ? "withdrawn" : "announced");
			for (size_t i = 0; i < n->nanycast; i++)
				dprintf(fd, " %s", n->anycast[i].text);
			dprintf(fd, "\n");
		}
		return;
	}
	if (strcmp(buf, "anycast") == 0) {
		char *text = m->any.t ? anyroute_describe(&m->any) : NULL;
		dprintf(fd, "%s", text ? text : "");
		free(text);
		return;
	}
	svc *s = arg ? find_svc(m, arg) : NULL;
	if (strcmp(buf, "stop") != 0 && strcmp(buf, "start") != 0 &&
	    strcmp(buf, "restart") != 0) {
		dprintf(fd, "error: unknown command \"%s\"\n", buf);
		return;
	}
	if (s == NULL) {
		dprintf(fd, "error: node %s runs no service\n", arg ? arg : "(none)");
		return;
	}
	if (strcmp(buf, "stop") == 0) {
		if (s->state == SVC_DOWN || s->state == SVC_FAILED) {
			s->state = SVC_DOWN;
			dprintf(fd, "ok: %s was already stopped\n", s->node->name);
			return;
		}
		if (s->state == SVC_BACKOFF)
			s->state = SVC_DOWN;
		stop_svc(m, s, false);
		s->want_up = false;
	} else if (strcmp(buf, "start") == 0) {
		if (s->state == SVC_FAILED)
			s->state = SVC_DOWN;
		if (s->state != SVC_DOWN) {
			dprintf(fd, "ok: %s is already %s\n", s->node->name, state_names[s->state]);
			return;
		}
		s->want_up = true;
		s->backoff_ms = 0;
		s->quick_fails = 0;
		spawn(m, s);
	} else {
		s->want_up = true;
		s->quick_fails = 0;
		if (s->state == SVC_BACKOFF || s->state == SVC_FAILED)
			s->state = SVC_DOWN;
		stop_svc(m, s, true);
	}
	dprintf(fd, "ok\n");
}

static int listen_control(const char *sim)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (state_path(sun.sun_path, sizeof sun.sun_path, sim, "control") < 0)
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

/* One tcpdump per node, writing DIR/NODE.pcap; returns once each has
 * written its file header, so the first packet of every server is in. */
/* tcpdump in node n, writing DIR/NODE.pcap; returns once it has
 * written its file header, so the first packet of the node's server is
 * in it. */
static bool start_capture(monitor *m, const char *dir, const topo_node *n)
{
	if (m->captures == NULL &&
	    (m->captures = calloc(m->t->nnodes + 1, sizeof *m->captures)) == NULL)
		return false;
	char ns[128], file[PATH_MAX], log[600];
	netns_node_name(ns, sizeof ns, m->t->name, n->name);
	snprintf(file, sizeof file, "%s/%s.pcap", dir, n->name);
	snprintf(log, sizeof log, "%s/%s.log", m->logdir, n->name);
	unlink(file);
	pid_t pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (child_stdio(log, -1) < 0)
			_exit(126);
		const char *what = "";
		if (netns_enter(ns, &what) < 0)
			_exit(126);
		/* Immediate mode: each packet reaches the file at once, not
		 * when the kernel's capture block times out a second later. */
		execlp("tcpdump", "tcpdump", "-i", "any", "-n", "--immediate-mode", "-U",
		       "-Z", "root", "-w", file, (char *)NULL);
		_exit(127);
	}
	m->captures[m->ncaptures++] = pid;
	state_record(m->statefd, "proc %d %llu %s", (int)pid, proc_start_time(pid), n->name);
	long long give_up = clock_ms() + 10000;
	struct stat st;
	while ((stat(file, &st) < 0 || st.st_size < 24) && clock_ms() < give_up) {
		struct timespec pause = { 0, 2 * 1000000 };
		nanosleep(&pause, NULL);
	}
	return clock_ms() < give_up;
}

static void stop_all(monitor *m)
{
	m->stopping = true;
	/* Captures stop first, gently, so their files end cleanly. */
	for (size_t i = 0; i < m->ncaptures; i++)
		kill(m->captures[i], SIGTERM);
	for (size_t i = 0; i < m->ncaptures; i++)
		waitpid(m->captures[i], NULL, 0);
	for (size_t i = 0; i < m->n; i++)
		if (m->svcs[i].pid > 0)
			kill(-m->svcs[i].pid, SIGTERM);
	if (m->relay.pid > 0)
		kill(-m->relay.pid, SIGTERM);
	long long give_up = clock_ms() + STOP_GRACE_MS;
	for (;;) {
		bool any = m->relay.pid > 0;
		for (size_t i = 0; i < m->n; i++)
			any = any || m->svcs[i].pid > 0;
		if (!any)
			break;
		if (clock_ms() >= give_up) {
			for (size_t i = 0; i < m->n; i++)
				if (m->svcs[i].pid > 0)
					kill(-m->svcs[i].pid, SIGKILL);
			if (m->relay.pid > 0)
				kill(-m->relay.pid, SIGKILL);
			give_up = clock_ms() + STOP_GRACE_MS;
		}
		struct timespec pause = { 0, 10 * 1000000 };
		nanosleep(&pause, NULL);
		reap(m);
	}
}

/* Node n has been built: record its traffic (up --capture), render its
 * server's config and start it. */
static bool node_built(monitor *m, const topo_node *n)
{
	if (m->capture_dir && !start_capture(m, m->capture_dir, n)) {
		report(m, "fail %s cannot start tcpdump for --capture (see its log)", n->name);
		return false;
	}
	if (n->service == TOPO_SVC_NONE)
		return true;
	svc *s = &m->svcs[m->n];
	memset(s, 0, sizeof *s);
	s->node = n;
	s->probe_fd = -1;
	netns_node_name(s->ns, sizeof s->ns, m->t->name, n->name);
	char dir[512], err[1024];
	state_path(dir, sizeof dir, m->t->name, "nodes");
	size_t used = strlen(dir);
	snprintf(dir + used, sizeof dir - used, "/%s", n->name);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		snprintf(err, sizeof err, "cannot make %s: %s", dir, strerror(errno));
		report_once(m, s, false, err);
		return false;
	}
	if (service_prepare(m->model, n, dir, m->bindir, &s->argv, err, sizeof err) < 0) {
		report_once(m, s, false, err);
		service_argv_free(s->argv);
		return false;
	}
	s->want_up = true;
	m->n++;
	spawn(m, s);
	return true;
}

int monitor_run(topo_model *model, const char *bindir, int report_fd,
		const char *capture_dir, int built_fd)
{
	const topo *t = &model->t;
	monitor m = { .t = t, .model = model, .bindir = bindir, .report_fd = report_fd, .listen_fd = -1, .sig_fd = -1 };
	state_path(m.logdir, sizeof m.logdir, t->name, "logs");
	m.statefd = state_open(t->name);
	if (m.statefd < 0) {
		report(&m, "fail - cannot open the state log: %s", strerror(-m.statefd));
		return 1;
	}
	state_record(m.statefd, "monitor %d %llu", (int)getpid(), proc_start_time(getpid()));
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	m.sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	m.listen_fd = listen_control(t->name);
	if (m.sig_fd < 0 || m.listen_fd < 0) {
		report(&m, "fail - cannot set up the monitor: %s", strerror(errno));
		return 1;
	}
	m.cap = t->nnodes + 1;
	m.svcs = calloc(m.cap, sizeof *m.svcs);
	m.busy = calloc(m.cap, sizeof *m.busy);
	if (m.svcs == NULL || m.busy == NULL) {
		report(&m, "fail - out of memory");
		return 1;
	}
	m.capture_dir = capture_dir;
	/* The routes `up` installs: every instance announced. */
	if (!anyroute_init(&m.any, t))
		report(&m, "fail - out of memory (anycast routes)");
	else if (m.any.set.n == 0)
		anyroute_free(&m.any);
	for (size_t i = 0; i < t->nnodes; i++)
		m.pending += t->nodes[i].service != TOPO_SVC_NONE && machines_node_here(t, i);
	if (m.pending == 0) {
		report(&m, "done");
		close(m.report_fd);
		m.report_fd = -1;
	}
	if (built_fd < 0)
		for (size_t i = 0; i < t->nnodes; i++)
			if (machines_node_here(t, i) && !node_built(&m, &t->nodes[i]))
				return 1;
	char built_buf[4096];
	size_t built_len = 0;
	bool built_all = false;   /* `up` has named every node it built */

	/* Where each node's name is in the table: `up` builds them in order,
	 * so the next name is almost always the one after the last. */
	size_t next_built = 0;
	size_t pfd_cap = 0;
	struct pollfd *pfd = NULL;
	size_t *pidx = NULL;     /* the service polled in pfd[3 + i] */
	while (!m.stopping) {
		if (m.nbusy + 3 > pfd_cap) {
			size_t cap = (m.nbusy + 3) * 2;
			struct pollfd *g = realloc(pfd, cap * sizeof *g);
			if (g)
				pfd = g;
			size_t *gi = g ? realloc(pidx, cap * sizeof *gi) : NULL;
			if (gi == NULL)
				break;
			pidx = gi;
			pfd_cap = cap;
		}
		long long now = clock_ms(), wake = now + 1000;
		if (m.relay.want_up && m.relay.pid == 0) {
			if (now >= m.relay.deadline_ms)
				linkd_spawn(&m, -1);
			else if (m.relay.deadline_ms < wake)
				wake = m.relay.deadline_ms;
		}
		size_t np = 0;
		pfd[np++] = (struct pollfd){ .fd = m.sig_fd, .events = POLLIN };
		pfd[np++] = (struct pollfd){ .fd = m.listen_fd, .events = POLLIN };
		pfd[np++] = (struct pollfd){ .fd = built_fd, .events = POLLIN };
		/* The busy services only; one that is settled leaves the list
		 * (what makes it busy again puts it back). */
		for (size_t b = 0; b < m.nbusy;) {
			svc *s = &m.svcs[m.busy[b]];
			tick(&m, s, now);
			if (s->state != SVC_STARTING && s->state != SVC_BACKOFF &&
			    s->state != SVC_STOPPING) {
				s->busy = false;
				m.busy[b] = m.busy[--m.nbusy];
				continue;
			}
			if (s->state == SVC_STARTING && s->next_probe_ms < wake)
				wake = s->next_probe_ms;
			if (s->state == SVC_BACKOFF && s->deadline_ms < wake)
				wake = s->deadline_ms;
			if (s->state == SVC_STOPPING && s->kill_ms < wake)
				wake = s->kill_ms;
			if (s->probe_fd >= 0 && np < pfd_cap) {
				pidx[np - 3] = m.busy[b];
				pfd[np++] = (struct pollfd){ .fd = s->probe_fd, .events = POLLIN };
			}
			b++;
		}
		long long wait = wake - clock_ms();
		/* Names of built nodes still waiting in the buffer: no sleep. */
		if (wait < 0 || memchr(built_buf, '\n', built_len))
			wait = 0;
		if (poll(pfd, np, (int)wait) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(m.sig_fd, &si, sizeof si) == sizeof si) {
				if (si.ssi_signo == SIGCHLD)
					reap(&m);
				else if (si.ssi_signo != SIGHUP)
					m.stopping = true;
			}
		}
		if (pfd[1].revents & POLLIN) {
			int c = accept4(m.listen_fd, NULL, NULL, SOCK_CLOEXEC);
			if (c >= 0) {
				command(&m, c);
				close(c);
			}
		}
		if (built_fd >= 0 && (pfd[2].revents & (POLLIN | POLLHUP)) &&
		    built_len < sizeof built_buf - 1) {
			/* `up` names each node as it finishes building it. */
			ssize_t r = read(built_fd, built_buf + built_len, sizeof built_buf - built_len - 1);
			if (r <= 0) {
				close(built_fd);
				built_fd = -1;
				built_all = true;
			} else {
				built_len += (size_t)r;
			}
		}
		/* A few nodes a round: starting one (its files, fork, exec)
		 * takes a while, and the services started before must be
		 * probed in between, or with thousands of nodes they pass
		 * their deadline unasked. */
		char *start = built_buf, *nl;
		for (size_t done = 0; done < BUILT_PER_ROUND &&
		     (nl = memchr(start, '\n', built_len - (size_t)(start - built_buf))); done++) {
			*nl = '\0';
			size_t i = next_built < t->nnodes && strcmp(t->nodes[next_built].name, start) == 0
					   ? next_built : SIZE_MAX;
			for (size_t k = 0; i == SIZE_MAX && k < t->nnodes; k++)
				if (strcmp(t->nodes[k].name, start) == 0)
					i = k;
			if (i != SIZE_MAX) {
				node_built(&m, &t->nodes[i]);
				next_built = i + 1;
			}
			start = nl + 1;
		}
		built_len -= (size_t)(start - built_buf);
		memmove(built_buf, start, built_len);
		if (built_all && model->zones && !memchr(built_buf, '\n', built_len)) {
			/* Every node is built and started: the zones were
			 * needed for their files only. */
			topo_zones_free(model->zones);
			model->zones = NULL;
		}
		/* Only the services polled this round (a command may have
		 * added one since, or reaped one). */
		for (size_t i = 0; i + 3 < np; i++)
			if (pfd[3 + i].fd >= 0 && (pfd[3 + i].revents & POLLIN) &&
			    m.svcs[pidx[i]].probe_fd == pfd[3 + i].fd)
				probe_answer(&m, &m.svcs[pidx[i]]);
	}
	stop_all(&m);
	for (size_t i = 0; i < m.n; i++) {
		service_argv_free(m.svcs[i].argv);
		if (m.svcs[i].probe_fd >= 0)
			close(m.svcs[i].probe_fd);
	}
	free(pfd);
	free(pidx);
	free(m.svcs);
	free(m.busy);
	free(m.pidmap_pid);
	free(m.pidmap_idx);
	if (built_fd >= 0)
		close(built_fd);
	for (size_t i = 0; i < m.nadopted; i++) {
		free(m.adopted[i]->addrs);
		free(m.adopted[i]);
	}
	free(m.adopted);
	free(m.captures);
	if (m.any.t)
		anyroute_free(&m.any);
	close(m.statefd);
	close(m.listen_fd);
	close(m.sig_fd);
	return 0;
}

char *monitor_call(const char *sim, const char *cmd)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	if (state_path(path, sizeof path, sim, "control") < 0) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	return unix_call(path, cmd, 5000);
}
