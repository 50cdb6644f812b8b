"""Was the machine idle while a bench ran?  Runs the bench as its child
and samples, once a second, the CPU time the whole machine spent busy
(/proc/stat: user, nice, system) and the CPU time of the bench's own
processes (this one and every descendant, with the time of those that
ended: utime, stime, cutime, cstime from /proc/PID/stat).  The rest went
to someone else.  It is a child subreaper, so daemons a bench starts stay
its descendants.  Also one second before the start, the load average,
and the time stolen by the hypervisor.

usage: idle.py SECTION COMMAND...

Prints one line and appends it for tests/bench/report.py to the file
BENCH_REPORT names:  !idle SECTION other-avg other-peak before steal
load wall verdict  (CPU counts: 1.0 is one whole CPU), verdict "idle" or
"busy".  Exits with the bench's status.  The bench sees BENCH_WATCHED=1
(so a bench that wraps itself in this does it once)."""
import ctypes
import os
import signal
import sys
import time

PR_SET_CHILD_SUBREAPER = 36
HZ = os.sysconf("SC_CLK_TCK")
INTERVAL = 1.0
WINDOW = 5            # samples in the peak window
# Verdict "busy" above any of these (in CPUs: 1.0 is one whole CPU).
MAX_OTHER_AVG = 0.10
MAX_OTHER_PEAK = 0.50
MAX_BEFORE = 0.25
MAX_STEAL = 0.10


def machine():
    """Busy and stolen CPU ticks of the whole machine so far."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    user, nice, system = v[0], v[1], v[2]
    steal = v[7] if len(v) > 7 else 0
    # irq and softirq are left out: they are charged to no process, and
    # on loopback most of them are the bench's own packets.
    return user + nice + system, steal


def ours(root):
    """CPU ticks of root and its descendants, with their ended children."""
    parent, times = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            pid = int(entry)
            parent[pid] = int(fields[1])
            times[pid] = sum(int(x) for x in fields[11:15])
        except (OSError, IndexError, ValueError):
            continue
    kids = {}
    for pid, pp in parent.items():
        kids.setdefault(pp, []).append(pid)
    total, todo = 0, [root]
    while todo:
        p = todo.pop()
        total += times.get(p, 0)
        todo += kids.get(p, [])
    return total


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def main():
    if len(sys.argv) < 3:
        sys.stderr.write("usage: idle.py SECTION COMMAND...\n")
        return 2
    section, cmd = sys.argv[1], sys.argv[2:]
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.stderr.write("idle.py: cannot become a child subreaper; daemons will not count as ours\n")
    me = os.getpid()
    load_before = loadavg()
    b0, _ = machine()
    time.sleep(1.0)
    b1, s1 = machine()
    before = (b1 - b0) / HZ / 1.0

    env = dict(os.environ, BENCH_WATCHED="1")
    child = os.fork()
    if child == 0:
        try:
            os.execvpe(cmd[0], cmd, env)
        except OSError as e:
            sys.stderr.write(f"idle.py: {cmd[0]}: {e}\n")
        os._exit(127)
    # Signals go on to the bench, which cleans up after itself.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda s, _f: os.kill(child, s))

    t0 = last_t = time.monotonic()
    last_busy, last_ours, steal0 = b1, ours(me), s1
    windows = []          # (other processes' ticks, seconds) of each sample
    status = None
    load_max = load_before
    while True:
        # Reap whatever ended: the bench, or a daemon it left to us.
        while True:
            try:
                pid, st = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                pid = 0
            if pid == 0:
                break
            if pid == child:
                status = os.waitstatus_to_exitcode(st)
        busy, steal = machine()
        mine = ours(me)
        now = time.monotonic()
        windows.append(((busy - last_busy) - (mine - last_ours), now - last_t))
        last_busy, last_ours, last_t = busy, mine, now
        load_max = max(load_max, loadavg())
        if status is not None:
            break
        try:
            time.sleep(INTERVAL)
        except InterruptedError:
            pass
    wall = time.monotonic() - t0
    other = sum(t for t, _ in windows) / HZ
    avg = max(0.0, other / wall) if wall > 0 else 0.0
    peak = 0.0
    for i in range(len(windows)):
        w = windows[max(0, i - WINDOW + 1):i + 1]
        seconds = sum(s for _, s in w)
        if seconds >= 0.5:      # not the sliver between the start and the first sample
            peak = max(peak, sum(t for t, _ in w) / HZ / seconds)
    stolen = (steal - steal0) / HZ / wall if wall > 0 else 0.0
    busy = avg > MAX_OTHER_AVG or peak > MAX_OTHER_PEAK or before > MAX_BEFORE or stolen > MAX_STEAL
    verdict = "busy" if busy else "idle"
    path = os.environ.get("BENCH_REPORT")
    if path:
        with open(path, "a") as f:
            f.write(f"!idle\t{section}\t{avg:.3f}\t{peak:.3f}\t{before:.3f}\t{stolen:.3f}\t"
                    f"{load_before:.2f}\t{wall:.0f}\t{verdict}\n")
    line = (f"idle: {section}: other processes used {avg:.2f} CPU on average over {wall:.0f} s "
            f"(peak {peak:.2f} over {WINDOW} s), {before:.2f} in the second before; stolen "
            f"{stolen:.2f}; load average {load_before:.2f} before, {load_max:.2f} at most: "
            f"the machine was {'NOT idle' if busy else 'idle'}")
    try:
        print(line, flush=True)
    except OSError:          # stdout gone (a pipe closed early): the report line still counts
        pass
    return status if status >= 0 else 128 - status


if __name__ == "__main__":
    sys.exit(main())
