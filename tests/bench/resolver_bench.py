"""make bench (via bench_resolver.sh): dnsim-resolver beside Unbound and
Knot Resolver (kresd), each with one thread pinned to CPU 1, dnsperf on
CPU 0 in the client namespace, through the namespace hierarchy of the
end-to-end tests (tests/e2e/netlab.py: dnsim-auth root, TLD and domain
servers).

Figures, each measured in ROUNDS (default 5) interleaved rounds: cached
answers (qps and queries per resolver CPU-second), cold resolutions of
names nobody asked before (*.cold.example.com, a wildcard: one at a time,
and COLD_NAMES (default 10000) with 100 in flight, per second and per
resolver CPU-second), idle memory.

Every round's answers are checked: the response code of every cached
query against CACHED below (a negative answer among them), every cold
one NOERROR, at most 1% lost; a round that fails scores zero and is
reported as failed (tests/bench/benchlib.py).  Before the rounds each
resolver is asked every cached question once (which fills its cache);
one that answers any wrongly fails all its rounds.

The rounds are appended to the file BENCH_REPORT names, when set, for
tests/bench/report.py.  This script and everything it starts (the
authoritative hierarchy, the query agent, dnsperf) stay on CPU 0, the
resolvers on CPU 1.  A peer that is not installed is skipped (its rows
say so).  Bounded: a few seconds per figure.  Needs root (port 53)."""
import os
import pathlib
import shutil
import sys
import tempfile
import time

import dns.rcode

import benchlib as bl

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "e2e"))
import netlab  # noqa: E402

TOP = pathlib.Path(__file__).resolve().parents[2]
WHO = "bench_resolver"
SECONDS = bl.seconds_from_env("SECONDS_PER_RUN", 5, WHO)
ROUNDS = bl.rounds_from_env(WHO)
try:
    COLD_NAMES = min(100000, max(100, int(os.environ.get("COLD_NAMES", "10000"))))
except ValueError:
    print(f"{WHO}: COLD_NAMES={os.environ['COLD_NAMES']} is not a count; using 10000")
    COLD_NAMES = 10000
PEERS = ("unbound", "kresd")
# The cached questions, what each should get, and whether with answers.
CACHED = (("www.example.com", "A", "NOERROR", True), ("mail.example.com", "A", "NOERROR", True),
          ("example.com", "MX", "NOERROR", True), ("web.other.net", "AAAA", "NOERROR", True),
          ("chain.example.com", "A", "NOERROR", True), ("example.com", "TXT", "NOERROR", True),
          ("nope.example.com", "A", "NXDOMAIN", False))
# key, metric, unit, better, {peer: goal for ours/peer}
METRICS = (("qps", "cached answers, qps (dnsperf on one core)", "queries/s", "higher", {}),
           ("per_cpu", "cached answers per resolver CPU-second", "queries/CPU-s", "higher",
            {"unbound": 1.2}),
           ("cold_seq", "cold resolutions, one at a time", "resolutions/s", "higher", {}),
           ("cold_par", "cold resolutions, 100 in flight", "resolutions/s", "higher", {}),
           ("cold_cpu", "cold resolutions per resolver CPU-second, 100 in flight",
            "resolutions/CPU-s", "higher", {"unbound": 1.3}),
           ("pss", "idle memory (PSS)", "kB", "lower", {}))
report = bl.Report("resolver")


def failed(what):
    """A round that failed its check: said here and in the report's notes."""
    print(f"{WHO}: {what}")
    report.note(what)


def report_rows(results):
    """Each peer's figures beside ours; a peer with no figures is skipped."""
    o = results.get("dnsim")
    for peer in PEERS:
        p = results.get(peer)
        for key, metric, unit, better, goals in METRICS:
            report.row(metric, o[key] if o else "skipped", peer, p[key] if p else "skipped", unit,
                       better, goals.get(peer))


def skip(why):
    print(f"{WHO}: {why}; skipped")
    report_rows({})
    report.note(f"skipped: {why}")
    return 0


def dnsperf(lab, addr, qfile, extra, limit):
    cmd = ["ip", "netns", "exec", lab.host(netlab.CLIENT), "taskset", "-c", "0", "dnsperf",
           "-s", addr, "-d", str(qfile), "-T", "1", "-c", "4"] + extra
    return bl.dnsperf(cmd, timeout=limit)[0]


def precheck(lab, addr):
    """Each cached question once: those answered wrongly."""
    wrong = []
    for name, rdtype, rcode, answers in CACHED:
        try:
            r = netlab.ask(lab, addr, name, rdtype, timeout=3)
            got = (dns.rcode.to_text(r.rcode()), bool(r.answer))
        except TimeoutError:
            got = ("no answer", False)
        if got != (rcode, answers):
            wrong.append(f"{name} {rdtype}: {got[0]}{' with' if got[1] else ' without'} answers, "
                         f"not {rcode}{' with' if answers else ' without'}")
    return wrong


def cold_sequential(lab, addr, prefix):
    """Fresh names one at a time, bounded in count and time: (rate, why
    the round failed or None)."""
    n = bad = 0
    t0 = time.monotonic()
    while n < 2000 and time.monotonic() - t0 < SECONDS:
        try:
            r = netlab.ask(lab, addr, f"s{n}.{prefix}.cold.example.com", timeout=2)
            if r.rcode() != dns.rcode.NOERROR or not r.answer:
                bad += 1
        except TimeoutError:
            bad += 1
        n += 1
    rate = n / (time.monotonic() - t0)
    if bad > bl.MAX_LOST * n:
        return rate, f"{bad} of {n} names not resolved (timeout or not NOERROR with an address)"
    return rate, None


def fmt_rounds(v, better):
    s = bl.scored(v, better)
    if not s:
        return "-"
    failed = sum(1 for x in v if x is None)
    text = f"{bl.fmt(bl.median(v, better))} [{bl.fmt(min(s))}..{bl.fmt(max(s))}]"
    return text + (f" ({failed}/{len(v)} failed)" if failed else "")


def main():
    for t in ("dnsperf", "taskset", "ip"):
        if shutil.which(t) is None:
            return skip(f"{t} is missing (make deps)")
    if os.geteuid() != 0:
        return skip("needs root (network namespaces)")
    if len(os.sched_getaffinity(0) & {0, 1}) < 2:
        return skip("needs CPUs 0 and 1")
    if not (TOP / "bin" / "dnsim-resolver").exists():
        return skip("bin/dnsim-resolver is not built (make)")
    peers = [p for p in PEERS if shutil.which(p)]
    for p in PEERS:
        if p not in peers:
            print(f"{WHO}: {p} is missing (make deps); its figures are skipped")
    # Everything but the resolvers on CPU 0: children inherit it.
    os.sched_setaffinity(0, {0})
    d = pathlib.Path(tempfile.mkdtemp())
    lab = netlab.Lab(d)
    tool = lambda name: str(TOP / "bin" / name)
    rounds = {}
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
        names = list(servers)
        rounds = {n: {k: [] for k, *_ in METRICS} for n in names}
        for _ in range(ROUNDS):
            for name, (addr, proc) in servers.items():
                rounds[name]["pss"].append(bl.pss_kb(proc.pid))
            time.sleep(0.1)

        broken = {}
        for name, (addr, _) in servers.items():      # also warms the caches
            wrong = precheck(lab, addr)
            if wrong:
                broken[name] = wrong
                print(f"{WHO}: {name} answers {len(wrong)} of {len(CACHED)} cached questions wrongly "
                      f"(all its rounds fail), e.g. {wrong[0]}")
        cached = d / "cached.txt"
        cached.write_text("".join(f"{n} {t}\n" for n, t, _, _ in CACHED) * 50)
        codes = [c for _, _, c, _ in CACHED] * 50
        add = lambda name, key, v: rounds[name][key].append(v)
        order = lambda r: names[r % len(names):] + names[:r % len(names)]
        for rnd in range(ROUNDS):                       # interleaved, the order turning
            for name in order(rnd):
                addr, proc = servers[name]
                before = bl.cpu_seconds(proc.pid)
                s = dnsperf(lab, addr, cached, ["-l", f"{SECONDS:g}", "-q", "200"], SECONDS + 30)
                cpu = bl.cpu_seconds(proc.pid) - before
                why = "precheck failed" if name in broken else bl.check_round(s, codes)
                if why is None and cpu <= 0:
                    why = "no resolver CPU time measured"
                if why:
                    failed(f"cached round {rnd + 1}, {name}: FAILED: {why}")
                add(name, "qps", None if why else s["qps"])
                add(name, "per_cpu", None if why else s["completed"] / cpu)

        for rnd in range(ROUNDS):                       # fresh names each round
            for name in order(rnd):
                addr, proc = servers[name]
                rate, why = cold_sequential(lab, addr, f"r{rnd}.{name}")
                if why:
                    failed(f"cold sequential round {rnd + 1}, {name}: FAILED: {why}")
                add(name, "cold_seq", None if why else rate)
                # 100 in flight: dnsperf through a file of fresh names, once.
                cold = d / f"cold-{name}.txt"
                cold.write_text("".join(f"p{i}.r{rnd}.{name}.cold.example.com A\n"
                                        for i in range(COLD_NAMES)))
                before = bl.cpu_seconds(proc.pid)
                s = dnsperf(lab, addr, cold, ["-n", "1", "-q", "100", "-t", "2",
                                              "-l", f"{SECONDS * 4:g}"], SECONDS * 4 + 30)
                cpu = bl.cpu_seconds(proc.pid) - before
                why = bl.check_round(s, ["NOERROR"])
                if why is None and cpu <= 0:
                    why = "no resolver CPU time measured"
                if why:
                    failed(f"cold 100-in-flight round {rnd + 1}, {name}: FAILED: {why}")
                add(name, "cold_par", None if why else s["qps"])
                add(name, "cold_cpu", None if why else s["completed"] / cpu)
    finally:
        lab.stop()
        shutil.rmtree(d, ignore_errors=True)

    print(f"{WHO}: resolvers on CPU 1 (one thread), dnsperf, hierarchy and this script on "
          f"CPU 0, in network namespaces; {ROUNDS} round(s), median [min..max]")
    for key, metric, unit, better, _ in METRICS:
        print(f"{WHO}: {metric} ({unit}):")
        for name, r in rounds.items():
            print(f"{WHO}:   {name:8} {fmt_rounds(r[key], better)}")
    for peer in peers:
        parts = []
        for key, _, _, better, _ in METRICS:
            a, b = bl.median(rounds["dnsim"][key], better), bl.median(rounds[peer][key], better)
            ok = a not in (None, 0, float("inf")) and b not in (None, 0, float("inf"))
            parts.append(f"{key} {a / b:.2f}" if ok else f"{key} -")
        print(f"{WHO}: dnsim/{peer}, ratio of medians: " + ", ".join(parts))
    report_rows(rounds)
    report.note(f"{ROUNDS} round(s), interleaved; cached: dnsperf -c 4 -q 200 for {SECONDS:g}s; "
                f"cold: up to 2000 names or {SECONDS:g}s one at a time, {COLD_NAMES} names 100 in "
                "flight; resolvers one thread on CPU 1, all else on CPU 0; every round's response "
                "codes checked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
