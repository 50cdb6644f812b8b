"""What the Python benches share: the round count, per-process CPU time
and memory, running dnsperf (bounded) and reading its output, checking a
round's answers against what the queries should get, latency percentiles,
and the lines appended to BENCH_REPORT for tests/bench/report.py.

A round is trusted only when its answers are right: every response code
dnsperf counts is compared with the codes the queries sent should get,
and lost queries are counted.  A round that fails the check scores zero
and is written as "fail", so the report shows it instead of a median of
the rounds that happened to work."""
import math
import os
import re
import subprocess

HZ = os.sysconf("SC_CLK_TCK")
# A round fails when more than this share of its queries got no answer...
MAX_LOST = 0.01
# ...or when more than this share of its answers carry a response code
# the queries sent could not have got.  A correct server scores exactly
# zero here (lost answers only lower the counts), so the margin is small.
MAX_WRONG = 0.001


def rounds_from_env(who, default=5):
    text = os.environ.get("ROUNDS", str(default))
    try:
        n = int(text)
        if n >= 1:
            return n
    except ValueError:
        pass
    print(f"{who}: ROUNDS={text} is not a count; using {default}")
    return default


def seconds_from_env(name, default, who):
    text = os.environ.get(name, str(default))
    try:
        v = float(text)
        if 0.1 <= v <= 600:
            return v
    except ValueError:
        pass
    print(f"{who}: {name}={text} is not a number of seconds (0.1-600); using {default}")
    return float(default)


def descendants(pid):
    """pid and every process below it (NSD forks twice; netlab starts
    servers through `ip netns exec`, which execs)."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def cpu_seconds(pid):
    """CPU time of a server and its descendants, every thread: from
    /proc/PID/task/TID/schedstat (nanoseconds on a CPU), which is precise
    where /proc/PID/stat counts whole clock ticks (10 ms: too coarse for a
    run of a second or two); the ticks when schedstat is missing."""
    total = 0.0
    for p in descendants(pid):
        try:
            tasks = os.listdir(f"/proc/{p}/task")
            ns = 0
            for t in tasks:
                with open(f"/proc/{p}/task/{t}/schedstat") as f:
                    ns += int(f.read().split()[0])
            total += ns / 1e9
            continue
        except (OSError, IndexError, ValueError):
            pass
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()   # comm may hold spaces
            total += (int(fields[11]) + int(fields[12])) / HZ
        except (OSError, IndexError, ValueError):
            pass
    return total


def cpu_ticks_seconds(pid):
    """The same from /proc/PID/stat (user and system ticks), for comparison."""
    ticks = 0
    for p in descendants(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return ticks / HZ


def pss_kb(pid):
    total = 0
    for p in descendants(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
        except (OSError, ValueError):
            pass
    return total


def read_queries(path):
    """The lines of a dnsperf query file as (name, type), in order."""
    out = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if parts and not parts[0].startswith("#"):
                out.append((parts[0].lower().rstrip("."), parts[1].upper()))
    return out


def read_expected(path):
    """A query file's companion: "name type RCODE ANSWERS" per distinct
    query, the response code and the number of answer records it should get."""
    out = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if not parts or parts[0].startswith("#"):
                continue
            out[(parts[0].lower().rstrip("."), parts[1].upper())] = (parts[2].upper(), int(parts[3]))
    return out


def dnsperf(cmd, timeout):
    """Run dnsperf (cmd is the whole command line), bounded in time; its
    summary as a dict (empty when it printed none) and its stdout."""
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        out = r.stdout
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        return {"error": f"dnsperf ran past {timeout:.0f} s"}, out
    return parse_summary(out), out


def parse_summary(out):
    s = {}
    pats = {"sent": r"Queries sent:\s+(\d+)", "completed": r"Queries completed:\s+(\d+)",
            "lost": r"Queries lost:\s+(\d+)", "interrupted": r"Queries interrupted:\s+(\d+)",
            "qps": r"Queries per second:\s+([\d.]+)", "runtime": r"Run time \(s\):\s+([\d.]+)"}
    for key, pat in pats.items():
        m = re.search(pat, out)
        if m:
            s[key] = float(m.group(1))
    m = re.search(r"Response codes:([^\n]*)", out)
    if m:
        s["rcodes"] = {code: int(n) for code, n in re.findall(r"([A-Z]+) (\d+) \(", m.group(1))}
    if "sent" not in s or "completed" not in s:
        s["error"] = "dnsperf printed no statistics: " + " / ".join(out.strip().splitlines()[-3:])
    s.setdefault("lost", 0.0)
    s.setdefault("interrupted", 0.0)
    s.setdefault("rcodes", {})
    return s


def expected_counts(codes, sent):
    """The response codes the first SENT queries of a file get, dnsperf
    going through the file in order and starting again at its end (one
    sending thread); codes holds each line's code."""
    whole, part = divmod(int(sent), len(codes))
    counts = {}
    for i, c in enumerate(codes):
        counts[c] = counts.get(c, 0) + whole + (1 if i < part else 0)
    return counts


def check_round(summary, codes):
    """None when the round's answers are right, else why not.  codes: the
    code each line of the query file should get, in file order."""
    if "error" in summary:
        return summary["error"]
    sent, done, lost = summary["sent"], summary["completed"], summary["lost"]
    if sent <= 0 or done <= 0:
        return "no answers"
    if lost > MAX_LOST * sent:
        return f"{lost:.0f} of {sent:.0f} queries lost ({100 * lost / sent:.1f}%)"
    want = expected_counts(codes, sent)
    got = summary["rcodes"]
    if sum(got.values()) != done:
        return f"response codes add up to {sum(got.values())}, not {done:.0f} answers"
    # Answers beyond what the queries sent could get, per code: each one
    # carries a code its query should not have.
    wrong = {c: n - want.get(c, 0) for c, n in got.items() if n > want.get(c, 0)}
    if sum(wrong.values()) > MAX_WRONG * done:
        what = ", ".join(f"{n} {c}" for c, n in sorted(wrong.items()))
        return f"wrong response codes: {what} more than the queries should get ({describe(want)})"
    return None


def describe(counts):
    return " ".join(f"{c} {n}" for c, n in sorted(counts.items()))


def verbose_lines(out):
    """dnsperf -v lines: (rcode or "T" for a timeout, name, type, seconds or None)."""
    rows = []
    for line in out.splitlines():
        if not line.startswith("> "):
            continue
        parts = line.split()
        if len(parts) >= 5 and parts[1] != "T":
            rows.append((parts[1], parts[2].lower().rstrip("."), parts[3].upper(), float(parts[4])))
        elif len(parts) >= 4 and parts[1] == "T":
            rows.append(("T", parts[2].lower().rstrip("."), parts[3].upper(), None))
    return rows


def percentile(values, q):
    """The q-th percentile (0-100, nearest rank) of values; math.inf
    stands for a query never answered, so a server that drops more than
    1% has no finite p99."""
    if not values:
        return None
    v = sorted(values)
    k = max(0, math.ceil(q / 100 * len(v)) - 1)
    return v[k]


def check_verbose(rows, expected):
    """None when every answer in dnsperf -v lines has its query's
    expected code (and at most MAX_LOST timed out), else why not."""
    if not rows:
        return "no per-query lines from dnsperf -v"
    lost = sum(1 for r in rows if r[0] == "T")
    if lost > MAX_LOST * len(rows):
        return f"{lost} of {len(rows)} queries lost ({100 * lost / len(rows):.1f}%)"
    wrong = [r for r in rows if r[0] != "T" and expected.get((r[1], r[2]), ("?",))[0] != r[0]]
    if len(wrong) > MAX_WRONG * len(rows):
        r = wrong[0]
        return f"{len(wrong)} answers with the wrong code (e.g. {r[1]} {r[2]}: {r[0]})"
    return None


class Report:
    """Lines for tests/bench/report.py, appended to BENCH_REPORT when set:
    section, metric, ours, peer, peer's, unit, better=, goal= (optional).
    A figure is its rounds, comma-separated, "fail" for a round that
    failed its check; or a word (skipped, failed, -)."""

    def __init__(self, section):
        self.section = section
        self.path = os.environ.get("BENCH_REPORT")

    def _write(self, line):
        if self.path:
            with open(self.path, "a") as f:
                f.write(line + "\n")

    def row(self, metric, ours, peer, theirs, unit, better, goal=None):
        fields = [self.section, metric, rounds_text(ours), peer, rounds_text(theirs), unit,
                  f"better={better}"]
        if goal is not None:
            fields.append(f"goal={goal}")
        self._write("\t".join(fields))

    def note(self, text):
        self._write(f"# {self.section}\t{text}")


def rounds_text(v):
    """A figure for the report: a word stays, a list of rounds becomes
    "1.5,2,fail" (None is a failed round)."""
    if isinstance(v, str):
        return v
    if not v:
        return "failed"
    return ",".join("fail" if x is None else f"{x:.6g}" for x in v)


def scored(values, better="higher"):
    """Rounds as numbers: a failed round (None) scores the worst there is,
    zero when higher is better and infinity when lower is."""
    worst = 0.0 if better == "higher" else math.inf
    return [worst if x is None else x for x in values]


def median(values, better="higher"):
    v = sorted(scored(values, better))
    if not v:
        return None
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def fmt(v):
    """A figure for people, to about three digits; infinity (the median of
    a lower-is-better figure whose rounds mostly failed) is "fail"."""
    if v is None:
        return None
    if math.isinf(v):
        return "fail"
    a = abs(v)
    if a >= 100 or v == int(v) and a >= 10:
        return f"{v:.0f}"
    if a >= 10:
        return f"{v:.1f}"
    if a >= 1:
        return f"{v:.2f}"
    if a == 0:
        return "0"
    return f"{v:.3g}"
