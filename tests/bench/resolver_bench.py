"""make bench (via bench_resolver.sh): dnsim-resolver beside Unbound and
Knot Resolver (kresd), each with one thread pinned to CPU 1, dnsperf on
CPU 0 in the client namespace, through the namespace hierarchy of the
end-to-end tests (tests/e2e/netlab.py: dnsim-auth root, TLD and domain
servers).

Figures: cached answers (qps and queries per resolver CPU-second), cold
resolutions per second (sequential, and 100 in flight), idle memory.
Each is the median of ROUNDS (default 3) interleaved rounds; they are
also appended to the file BENCH_REPORT names, when set, for
tests/bench/report.py.  This script and everything it starts (the
authoritative hierarchy, the query agent, dnsperf) stay on CPU 0, the
resolvers on CPU 1.  A peer that is not installed is skipped (its rows
say so).  Bounded: a few seconds per figure.  Needs root (port 53)."""
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "e2e"))
import netlab  # noqa: E402

TOP = pathlib.Path(__file__).resolve().parents[2]
SECONDS = float(os.environ.get("SECONDS_PER_RUN", "5"))
try:
    ROUNDS = max(1, int(os.environ.get("ROUNDS", "3")))
except ValueError:
    print(f"bench_resolver: ROUNDS={os.environ['ROUNDS']} is not a count; using 3")
    ROUNDS = 3
HZ = os.sysconf("SC_CLK_TCK")
PEERS = ("unbound", "kresd")
# The figures: key, metric, unit, which way is better.
METRICS = (("qps", "cached answers, qps (dnsperf on one core)", "queries/s", "higher"),
           ("per_cpu", "cached answers per resolver CPU-second", "queries/CPU-s", "higher"),
           ("cold_seq", "cold resolutions, one at a time", "resolutions/s", "higher"),
           ("cold_par", "cold resolutions, 100 in flight", "resolutions/s", "higher"),
           ("pss", "idle memory (PSS)", "kB", "lower"))


def report(*fields):
    path = os.environ.get("BENCH_REPORT")
    if path:
        with open(path, "a") as f:
            f.write("\t".join(str(x) for x in fields) + "\n")


def report_rows(results):
    """Each peer's figures beside ours; a peer with no figures is skipped."""
    o = results.get("dnsim", {})
    for peer in PEERS:
        p = results.get(peer)
        for key, metric, unit, better in METRICS:
            ours = f"{o[key]:.3f}" if key in o else ("failed" if o else "skipped")
            theirs = f"{p[key]:.3f}" if p and key in p else ("failed" if p else "skipped")
            report("resolver", metric, ours, peer, theirs, unit, f"better={better}")


def skip(why):
    print(f"bench_resolver: {why}; skipped")
    report_rows({})
    report("# resolver", f"skipped: {why}")
    return 0


def family(pid):
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [pid] + [int(x) for x in out.stdout.split()]


def cpu_ticks(pid):
    total = 0
    for p in family(pid):
        try:
            f = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
            total += int(f[11]) + int(f[12])
        except OSError:
            pass
    return total


def pss_kb(pid):
    total = 0
    for p in family(pid):
        try:
            for line in open(f"/proc/{p}/smaps_rollup"):
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def dnsperf(lab, addr, qfile, extra):
    cmd = ["ip", "netns", "exec", lab.host(netlab.CLIENT), "taskset", "-c", "0", "dnsperf",
           "-s", addr, "-d", str(qfile), "-T", "1", "-c", "4"] + extra
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    done = rate = 0.0
    for line in out.splitlines():
        if "Queries completed:" in line:
            done = float(line.split()[2])
        if "Queries per second:" in line:
            rate = float(line.split()[3])
    return done, rate


def main():
    for t in ("dnsperf", "taskset", "ip"):
        if shutil.which(t) is None:
            return skip(f"{t} is missing (make deps)")
    if os.geteuid() != 0:
        return skip("needs root (network namespaces)")
    if len(os.sched_getaffinity(0) & {0, 1}) < 2:
        return skip("needs CPUs 0 and 1")
    peers = [p for p in PEERS if shutil.which(p)]
    for p in PEERS:
        if p not in peers:
            print(f"bench_resolver: {p} is missing (make deps); its figures are skipped")
    # Everything but the resolvers on CPU 0: children inherit it.
    os.sched_setaffinity(0, {0})
    d = pathlib.Path(tempfile.mkdtemp())
    lab = netlab.Lab(d)
    tool = lambda name: str(TOP / "bin" / name)
    results = {}
    try:
        lab.auth_dnsim(tool)
        servers = {}
        pin = ("taskset", "-c", "1")
        lab.resolver_dnsim(tool, wrap=pin, trace=False)
        servers["dnsim"] = (netlab.RESOLVER, lab.procs[-1])
        if "unbound" in peers:
            lab.resolver_unbound(wrap=pin)            # one thread by default
            servers["unbound"] = (netlab.PEER_RESOLVER, lab.procs[-1])
        kd = d / "kresd"
        kd.mkdir()
        (kd / "config").write_text(f"""modules.load('hints > iterate')
net.listen('{netlab.NET}55', 53, {{ kind = 'dns' }})
trust_anchors.remove('.')
hints.root({{ ['a.root-servers.net.'] = '{netlab.ROOT}' }})
policy.add(policy.all(policy.FLAGS({{'ALLOW_LOCAL'}})))
cache.open(50 * MB, 'lmdb://{kd}/cache')
""")
        if "kresd" in peers:
            p = lab.spawn([*pin, shutil.which("kresd"), "-n", "-c", str(kd / "config"), str(kd)],
                          "kresd", netlab.NET + "55")
            servers["kresd"] = (netlab.NET + "55", p)
        lab.wait([a for a, _ in servers.values()], name="www.example.com", rdtype="A")
        time.sleep(0.5)
        rounds = {name: {} for name in servers}      # figure: [one per round]
        for _ in range(ROUNDS):
            for name, (addr, proc) in servers.items():
                rounds[name].setdefault("pss", []).append(pss_kb(proc.pid))
            time.sleep(0.1)

        cached = d / "cached.txt"
        cached.write_text("www.example.com A\nmail.example.com A\nexample.com MX\nweb.other.net AAAA\n"
                          "chain.example.com A\nexample.com TXT\n" * 50)
        for name, (addr, _) in servers.items():        # warm the caches
            for line in set(cached.read_text().splitlines()):
                n, t = line.split()
                netlab.ask(lab, addr, n, t)
        add = lambda name, key, v: rounds[name].setdefault(key, []).append(v)
        for rnd in range(ROUNDS):                       # interleaved rounds
            for name, (addr, proc) in servers.items():
                before = cpu_ticks(proc.pid)
                done, rate = dnsperf(lab, addr, cached, ["-l", str(SECONDS), "-q", "200"])
                cpu_s = (cpu_ticks(proc.pid) - before) / HZ
                if done:
                    add(name, "qps", rate)
                    add(name, "per_cpu", done / cpu_s if cpu_s else 0)

        for rnd in range(ROUNDS):                       # fresh names each round
            for name, (addr, _) in servers.items():
                # Sequential cold names: one at a time, bounded in count and time.
                n, t0 = 0, time.monotonic()
                while n < 2000 and time.monotonic() - t0 < SECONDS:
                    netlab.ask(lab, addr, f"s{n}.r{rnd}.{name}.cold.example.com")
                    n += 1
                add(name, "cold_seq", n / (time.monotonic() - t0))
                # 100 in flight: dnsperf through a file of fresh names, once.
                cold = d / f"cold-{name}.txt"
                cold.write_text("".join(f"p{i}.r{rnd}.{name}.cold.example.com A\n"
                                        for i in range(3000)))
                done, rate = dnsperf(lab, addr, cold, ["-n", "1", "-q", "100", "-l", str(SECONDS * 2)])
                if done:
                    add(name, "cold_par", rate)
        for name, figs in rounds.items():
            results[name] = {k: statistics.median(v) for k, v in figs.items() if v}
    finally:
        lab.stop()
        shutil.rmtree(d, ignore_errors=True)

    print("bench_resolver: resolvers on CPU 1 (one thread), dnsperf, hierarchy and this script on "
          f"CPU 0, in network namespaces; medians of {ROUNDS} round{'s' if ROUNDS != 1 else ''}")
    print(f"bench_resolver: {'resolver':9} {'cached qps':>11} {'cached q/CPU-s':>15} "
          f"{'cold seq/s':>11} {'cold 100/s':>11} {'idle PSS kB':>12}")
    cell = lambda r, k, w: f"{r[k]:{w}.0f}" if k in r else f"{'-':>{w}}"
    for name, r in results.items():
        print(f"bench_resolver: {name:9} {cell(r, 'qps', 11)} {cell(r, 'per_cpu', 15)} "
              f"{cell(r, 'cold_seq', 11)} {cell(r, 'cold_par', 11)} {cell(r, 'pss', 12)}")
    o = results["dnsim"]

    def ratio(p, k):
        return f"{o[k] / p[k]:.2f}" if k in o and p.get(k) else "-"
    for peer in peers:
        p = results[peer]
        print(f"bench_resolver: dnsim/{peer}: cached per CPU-s {ratio(p, 'per_cpu')}, "
              f"cold sequential {ratio(p, 'cold_seq')}, "
              f"cold parallel {ratio(p, 'cold_par')}, idle memory {ratio(p, 'pss')}")
    report_rows(results)
    report("# resolver", f"{ROUNDS} round{'s' if ROUNDS != 1 else ''}; cached: dnsperf -c 4 "
           f"-q 200 for {SECONDS:g}s; cold: up to 2000 names or {SECONDS:g}s one at a time, "
           "3000 names 100 in flight; resolvers one thread on CPU 1, all else on CPU 0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
