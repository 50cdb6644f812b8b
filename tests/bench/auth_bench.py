"""make bench (via bench_auth.sh): dnsim-auth beside NSD and Knot serving
the same zone (auth/example.zone), each with one worker pinned to CPU 1,
dnsperf and this script on CPU 0, on loopback.

Figures, each measured in ROUNDS (default 5) interleaved rounds:
- throughput: dnsperf with 200 queries in flight for SECONDS_PER_RUN
  (default 5) s; raw qps and queries per server CPU-second (from
  /proc/PID/stat; dnsperf on one core cannot saturate a server on the
  other, so the second is the fair one);
- latency at a fixed rate: dnsperf -Q LATENCY_QPS (default 20000) for
  LATENCY_SECONDS (default 5) s, every query's latency from dnsperf -v,
  p50 and p99 (a query never answered counts as infinitely slow);
- idle memory (PSS) and start-up to the first right answer.

Every round's answers are checked (tests/bench/benchlib.py): the response
codes against auth/queries.expected, lost queries at most 1%; a round
that fails scores zero (infinitely slow for latency) and is reported as
failed.  Before the rounds each server is asked every distinct query once
and its code and answer count compared with queries.expected; a server
that gets any wrong fails all its rounds.

The rounds are appended to the file BENCH_REPORT names, when set, for
tests/bench/report.py.  A peer that is not installed is skipped (its rows
say so).  Loopback only; every run bounded in time."""
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

import dns.exception
import dns.message
import dns.query
import dns.rcode

import benchlib as bl

HERE = pathlib.Path(__file__).resolve().parent / "auth"
TOP = pathlib.Path(__file__).resolve().parents[2]
WHO = "bench_auth"
ROUNDS = bl.rounds_from_env(WHO)
SECONDS = bl.seconds_from_env("SECONDS_PER_RUN", 5, WHO)
LAT_SECONDS = bl.seconds_from_env("LATENCY_SECONDS", 5, WHO)
try:
    LAT_QPS = max(100, int(os.environ.get("LATENCY_QPS", "20000")))
except ValueError:
    print(f"{WHO}: LATENCY_QPS={os.environ['LATENCY_QPS']} is not a rate; using 20000")
    LAT_QPS = 20000
# A fixed-rate round must send at least this share of the rate asked for,
# or it measured the load generator, not the server.
MIN_RATE_SHARE = 0.95
PEERS = ("nsd", "knot")
PORTS = {"dnsim": 5301, "nsd": 5302, "knot": 5303}
START_PORTS = {"dnsim": 5311, "nsd": 5312, "knot": 5313}
LAT = f"{LAT_QPS / 1000:g}k"
# key, metric, unit, better, {peer: goal for ours/peer}
METRICS = (("qps", "qps (dnsperf on one core)", "queries/s", "higher", {}),
           ("per_cpu", "queries per server CPU-second", "queries/CPU-s", "higher", {"knot": 1.1}),
           ("p50", f"p50 latency at {LAT} qps", "ms", "lower", {}),
           ("p99", f"p99 latency at {LAT} qps", "ms", "lower", {"nsd": 1.0}),
           ("pss", "idle memory (PSS)", "kB", "lower", {}),
           ("startup", "start-up to first answer", "ms", "lower", {}))
report = bl.Report("auth")


def failed(what):
    """A round that failed its check: said here and in the report's notes."""
    print(f"{WHO}: {what}")
    report.note(what)


def skip_all(why):
    print(f"{WHO}: {why}; skipped")
    for _, metric, unit, better, _ in METRICS:
        for peer in PEERS:
            report.row(metric, "skipped", peer, "skipped", unit, better)
    report.note(f"skipped: {why}")
    return 0


def write_configs(d, ports):
    """NSD (one server process, no rate limiting) and Knot (one UDP and one
    TCP worker) serving the zone in d."""
    (d / "nsd").mkdir(exist_ok=True)
    (d / "knot").mkdir(exist_ok=True)
    (d / "nsd" / "nsd.conf").write_text(f"""server:
  ip-address: 127.0.0.1
  port: {ports['nsd']}
  server-count: 1
  username: ""
  chroot: ""
  zonesdir: "{d}"
  pidfile: "{d}/nsd/nsd.pid"
  xfrdfile: "{d}/nsd/xfrd.state"
  zonelistfile: "{d}/nsd/zone.list"
  database: ""
  rrl-ratelimit: 0
  verbosity: 0
remote-control:
  control-enable: no
zone:
  name: example.com
  zonefile: example.zone
""")
    (d / "knot" / "knot.conf").write_text(f"""server:
  listen: 127.0.0.1@{ports['knot']}
  udp-workers: 1
  tcp-workers: 1
  background-workers: 1
  rundir: "{d}/knot"
  user: root
database:
  storage: "{d}/knot"
log:
  - target: stderr
    any: error
zone:
  - domain: example.com
    file: "{d}/example.zone"
    journal-content: none
    zonefile-sync: -1
""")


def command(name, d, ports):
    if name == "dnsim":
        return [str(TOP / "bin" / "dnsim-auth"), "-l", f"127.0.0.1@{ports['dnsim']}",
                "-z", f"example.com={d / 'example.zone'}"]
    if name == "nsd":
        return ["nsd", "-d", "-c", str(d / "nsd" / "nsd.conf")]
    return ["knotd", "-c", str(d / "knot" / "knot.conf")]


def ask(port, name, rdtype, timeout=1.0):
    q = dns.message.make_query(name, rdtype)
    return dns.query.udp(q, "127.0.0.1", port=port, timeout=timeout)


def wait_ready(port, proc, seconds=10.0):
    """True once the server answers the zone's SOA rightly."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            r = ask(port, "example.com", "SOA", timeout=0.2)
            if r.rcode() == dns.rcode.NOERROR and r.answer:
                return True
        except (dns.exception.Timeout, OSError):
            pass
        time.sleep(0.05)
    return False


def precheck(port, expected):
    """Each distinct query once: the ones whose code or answer count
    differ from what the zone gives (at most a few, for the message)."""
    wrong = []
    for (name, rdtype), (rcode, answers) in expected.items():
        try:
            r = ask(port, name, rdtype)
            got = (dns.rcode.to_text(r.rcode()), sum(len(s) for s in r.answer))
        except (dns.exception.Timeout, OSError) as e:
            got = (f"no answer ({e.__class__.__name__})", 0)
        if got != (rcode, answers):
            wrong.append(f"{name} {rdtype}: {got[0]} with {got[1]} answers, not {rcode} with {answers}")
    return wrong


def dnsperf(port, qfile, extra, limit):
    cmd = ["taskset", "-c", "0", "dnsperf", "-s", "127.0.0.1", "-p", str(port), "-d", str(qfile),
           "-T", "1", "-c", "4"] + extra
    return bl.dnsperf(cmd, timeout=limit)


def fmt_rounds(v, better):
    """median [min..max] of rounds, and how many failed."""
    s = bl.scored(v, better)
    if not s:
        return "-"
    med = bl.median(v, better)
    failed = sum(1 for x in v if x is None)
    text = f"{bl.fmt(med)} [{bl.fmt(min(s))}..{bl.fmt(max(s))}]"
    return text + (f" ({failed}/{len(v)} failed)" if failed else "")


def measure(servers, work, expected, codes):
    """Every round of every figure, {server: {key: [value or None]}}; None
    when a server did not start."""
    shutil.copy(HERE / "example.zone", work)
    write_configs(work, PORTS)
    queries = HERE / "queries.txt"
    procs = {}
    rounds = {n: {k: [] for k, *_ in METRICS} for n in servers}
    try:

        pin = lambda: os.sched_setaffinity(0, {1})
        for n in servers:
            log = open(work / f"{n}.log", "w")
            procs[n] = subprocess.Popen(command(n, work, PORTS), stdout=log, stderr=subprocess.STDOUT,
                                        preexec_fn=pin)
        for n in servers:
            if not wait_ready(PORTS[n], procs[n]):
                print(f"{WHO}: {n} did not start:\n" + (work / f"{n}.log").read_text())
                return None
        broken = {}
        for n in servers:
            wrong = precheck(PORTS[n], expected)
            if wrong:
                broken[n] = wrong
                print(f"{WHO}: {n} answers {len(wrong)} of {len(expected)} distinct queries wrongly "
                      f"(all its rounds fail), e.g. {wrong[0]}")
        for _ in range(ROUNDS):
            for n in servers:
                rounds[n]["pss"].append(bl.pss_kb(procs[n].pid))
            time.sleep(0.1)

        # Throughput rounds, interleaved; the order turns each round.
        for r in range(ROUNDS):
            for n in servers[r % len(servers):] + servers[:r % len(servers)]:
                before = bl.cpu_seconds(procs[n].pid)
                s, _ = dnsperf(PORTS[n], queries, ["-l", f"{SECONDS:g}", "-q", "200"], SECONDS + 30)
                cpu = bl.cpu_seconds(procs[n].pid) - before
                why = "precheck failed" if n in broken else bl.check_round(s, codes)
                if why is None and cpu <= 0:
                    why = "no server CPU time measured"
                if why:
                    failed(f"throughput round {r + 1}, {n}: FAILED: {why}")
                    rounds[n]["qps"].append(None)
                    rounds[n]["per_cpu"].append(None)
                else:
                    rounds[n]["qps"].append(s["qps"])
                    rounds[n]["per_cpu"].append(s["completed"] / cpu)

        # Latency at a fixed rate, interleaved the same way.
        for r in range(ROUNDS):
            for n in servers[r % len(servers):] + servers[:r % len(servers)]:
                s, out = dnsperf(PORTS[n], queries, ["-l", f"{LAT_SECONDS:g}", "-Q", str(LAT_QPS),
                                                     "-q", "2000", "-t", "1", "-v"], LAT_SECONDS + 30)
                rows = bl.verbose_lines(out)
                why = "precheck failed" if n in broken else (s.get("error") or
                                                             bl.check_verbose(rows, expected))
                if why is None and s["sent"] < MIN_RATE_SHARE * LAT_QPS * LAT_SECONDS:
                    why = (f"sent {s['sent'] / LAT_SECONDS:.0f} queries/s, not {LAT_QPS}: "
                           "the load generator fell behind")
                lat = [x[3] * 1000 if x[3] is not None else float("inf") for x in rows]
                p50, p99 = bl.percentile(lat, 50), bl.percentile(lat, 99)
                if why is None and p99 == float("inf"):
                    why = "more than 1% of the queries unanswered"
                if why:
                    failed(f"latency round {r + 1}, {n}: FAILED: {why}")
                    p50 = p99 = None
                rounds[n]["p50"].append(p50)
                rounds[n]["p99"].append(p99)
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.terminate()
        for p in procs.values():
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    # Start-up to the first right answer: the servers above are stopped so
    # the ports are free; the probe on CPU 0, the server on CPU 1.
    write_configs(work, START_PORTS)
    for r in range(ROUNDS):
        for n in servers:
            try:
                out = subprocess.run(["/usr/bin/python3", str(HERE / "startup.py"),
                                      *command(n, work, START_PORTS)],
                                     env=dict(os.environ, PROBE=f"127.0.0.1:{START_PORTS[n]}",
                                              SERVER_CPU="1"),
                                     capture_output=True, text=True, timeout=30).stdout.strip()
                v = float(out)
            except (subprocess.TimeoutExpired, ValueError):
                failed(f"start-up round {r + 1}, {n}: FAILED: no right answer within 5 s")
                v = None
            rounds[n]["startup"].append(v)
    return rounds


def main():
    for t in ("dnsperf", "taskset"):
        if shutil.which(t) is None:
            return skip_all(f"{t} is missing (make deps)")
    if len(os.sched_getaffinity(0) & {0, 1}) < 2:
        return skip_all("needs CPUs 0 and 1")
    if not (TOP / "bin" / "dnsim-auth").exists():
        return skip_all("bin/dnsim-auth is not built (make)")
    servers = ["dnsim"] + [p for p in PEERS if shutil.which("nsd" if p == "nsd" else "knotd")]
    for p in PEERS:
        if p not in servers:
            print(f"{WHO}: {p} is missing (make deps); its figures are skipped")
    os.sched_setaffinity(0, {0})            # this script and dnsperf; servers on CPU 1
    expected = bl.read_expected(HERE / "queries.expected")
    lines = bl.read_queries(HERE / "queries.txt")
    missing = [q for q in lines if q not in expected]
    if missing:
        print(f"{WHO}: queries.expected has no line for {missing[0][0]} {missing[0][1]}")
        return 1
    codes = [expected[q][0] for q in lines]

    work = pathlib.Path(tempfile.mkdtemp(prefix="bench-auth-"))
    try:
        rounds = measure(servers, work, expected, codes)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if rounds is None:
        return 1
    print(f"{WHO}: {ROUNDS} round(s) each; dnsperf on CPU 0, each server one worker on CPU 1; "
          "median [min..max]")
    for key, metric, unit, better, _ in METRICS:
        print(f"{WHO}: {metric} ({unit}):")
        for n in servers:
            print(f"{WHO}:   {n:6} {fmt_rounds(rounds[n][key], better)}")
    for peer in servers[1:]:
        parts = []
        for key, metric, unit, better, _ in METRICS:
            a, b = bl.median(rounds["dnsim"][key], better), bl.median(rounds[peer][key], better)
            ok = a not in (None, 0, float("inf")) and b not in (None, 0, float("inf"))
            parts.append(f"{key} {a / b:.2f}" if ok else f"{key} -")
        print(f"{WHO}: dnsim/{peer}, ratio of medians: " + ", ".join(parts))

    for peer in PEERS:
        for key, metric, unit, better, goals in METRICS:
            theirs = rounds[peer][key] if peer in servers else "skipped"
            report.row(metric, rounds["dnsim"][key], peer, theirs, unit, better, goals.get(peer))
    report.note(f"{ROUNDS} round(s), interleaved; throughput: dnsperf -c 4 -q 200 for {SECONDS:g} s; "
                f"latency: dnsperf -Q {LAT_QPS} for {LAT_SECONDS:g} s, p50/p99 of every query; "
                "dnsperf on CPU 0, each server one worker on CPU 1; loopback; every round's "
                "response codes checked against auth/queries.expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
