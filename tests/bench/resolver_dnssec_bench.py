"""make bench (via bench_resolver_dnssec.sh): dnsim-resolver validating
beside Unbound with its validator, each one thread pinned to CPU 1, both
with the same trust anchor, through a hierarchy signed with BIND's
dnssec-signzone (algorithm 13, NSEC and NSEC3) and served by NSD in the
namespaces of the end-to-end tests (tests/e2e/test_resolver_dnssec.py
builds it).  dnsperf, NSD and this script on CPU 0.

Figures (medians of ROUNDS interleaved rounds, default 3):
  - validated cached answers per resolver CPU-second (dnsperf with DO set,
    secure answers, NXDOMAIN and NODATA with their proofs);
  - cold validated resolutions per second, one at a time: fresh names
    under a wildcard of the NSEC3 zone, each needing a query, the answer's
    signature and the NSEC3 proof that the name itself does not exist
    (the keys are cached, as they would be on a busy resolver; NSEC3, so
    that Unbound's aggressive use of NSEC, RFC 8198, does not answer
    them from its cache).
Rows are appended to the file BENCH_REPORT names, when set.  A missing
tool skips the bench (its rows say so).  Needs root."""
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve()
sys.path.insert(0, str(HERE.parents[1] / "e2e"))
import netlab  # noqa: E402
import test_resolver_dnssec as hier  # noqa: E402

TOP = HERE.parents[2]
SECONDS = float(os.environ.get("SECONDS_PER_RUN", "5"))
try:
    ROUNDS = max(1, int(os.environ.get("ROUNDS", "3")))
except ValueError:
    ROUNDS = 3
HZ = os.sysconf("SC_CLK_TCK")
METRICS = (("per_cpu", "validated cached answers per resolver CPU-second", "queries/CPU-s"),
           ("qps", "validated cached answers, qps (dnsperf on one core)", "queries/s"),
           ("cold", "cold validated resolutions, one at a time", "resolutions/s"))


def report(*fields):
    path = os.environ.get("BENCH_REPORT")
    if path:
        with open(path, "a") as f:
            f.write("\t".join(str(x) for x in fields) + "\n")


def report_rows(results):
    o, p = results.get("dnsim", {}), results.get("unbound")
    for key, metric, unit in METRICS:
        ours = f"{o[key]:.3f}" if key in o else ("failed" if o else "skipped")
        theirs = f"{p[key]:.3f}" if p and key in p else ("failed" if p else "skipped")
        report("resolver-dnssec", metric, ours, "unbound", theirs, unit, "better=higher")


def skip(why):
    print(f"bench_resolver_dnssec: {why}; skipped")
    report_rows({})
    report("# resolver-dnssec", f"skipped: {why}")
    return 0


def cpu_ticks(pid):
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    total = 0
    for p in [pid] + [int(x) for x in out.stdout.split()]:
        try:
            f = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
            total += int(f[11]) + int(f[12])
        except OSError:
            pass
    return total


def dnsperf(lab, addr, qfile, extra):
    cmd = ["ip", "netns", "exec", lab.host(netlab.CLIENT), "taskset", "-c", "0", "dnsperf",
           "-s", addr, "-d", str(qfile), "-T", "1", "-c", "4", "-D"] + extra
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    done = rate = 0.0
    for line in out.splitlines():
        if "Queries completed:" in line:
            done = float(line.split()[2])
        if "Queries per second:" in line:
            rate = float(line.split()[3])
    return done, rate


def secure(lab, addr, name, rdtype="A"):
    import dns.flags
    import dns.message
    m = lab.query(addr, dns.message.make_query(name, rdtype, want_dnssec=True), timeout=8)
    return bool(m.flags & dns.flags.AD)


def main():
    for t in ("dnsperf", "taskset", "ip", "nsd", "unbound", "dnssec-signzone", "dnssec-keygen"):
        if shutil.which(t) is None:
            return skip(f"{t} is missing (make deps)")
    if os.geteuid() != 0:
        return skip("needs root (network namespaces)")
    if len(os.sched_getaffinity(0) & {0, 1}) < 2:
        return skip("needs CPUs 0 and 1")
    os.sched_setaffinity(0, {0})
    d = pathlib.Path(tempfile.mkdtemp())
    tool = lambda name: str(TOP / "bin" / name)
    results = {}
    lab = None
    try:
        anchor = hier.signed_hierarchy(d)
        lab = netlab.Lab(d)
        hier.serve_hierarchy(lab, d)
        pin = ("taskset", "-c", "1")
        lab.resolver_dnsim(tool, "-c", str(d / "resolver.conf"), wrap=pin, trace=False)
        servers = {"dnsim": (netlab.RESOLVER, lab.procs[-1])}
        hier.unbound(lab, d, anchor, wrap=pin)
        servers["unbound"] = (netlab.PEER_RESOLVER, lab.procs[-1])
        for name, (addr, _) in servers.items():
            if not secure(lab, addr, "www.secure.test."):
                return skip(f"{name} does not validate www.secure.test.")
        cached = d / "cached.txt"
        cached.write_text(("www.secure.test A\nwww.nsec3.test A\nalias.secure.test A\n"
                           "nx.secure.test A\nwww.secure.test TXT\nnx.nsec3.test A\n"
                           "www.unsigned.test A\n") * 50)
        for addr, _ in servers.values():            # warm the caches
            for line in set(cached.read_text().splitlines()):
                n, t = line.split()
                netlab.ask(lab, addr, n, t)
        rounds = {name: {} for name in servers}
        add = lambda name, key, v: rounds[name].setdefault(key, []).append(v)
        for _ in range(ROUNDS):
            for name, (addr, proc) in servers.items():
                before = cpu_ticks(proc.pid)
                done, rate = dnsperf(lab, addr, cached, ["-l", str(SECONDS), "-q", "200"])
                cpu_s = (cpu_ticks(proc.pid) - before) / HZ
                if done:
                    add(name, "qps", rate)
                    add(name, "per_cpu", done / cpu_s if cpu_s else 0)
        for rnd in range(ROUNDS):
            for name, (addr, _) in servers.items():
                n, t0 = 0, time.monotonic()
                while n < 2000 and time.monotonic() - t0 < SECONDS:
                    q = f"c{n}.r{rnd}.{name}.wild.nsec3.test."
                    if n == 0 and not secure(lab, addr, q):
                        raise RuntimeError(f"{name}: {q} is not secure")
                    netlab.ask(lab, addr, q)
                    n += 1
                add(name, "cold", n / (time.monotonic() - t0))
        for name, figs in rounds.items():
            results[name] = {k: statistics.median(v) for k, v in figs.items() if v}
    finally:
        if lab:
            lab.stop()
        shutil.rmtree(d, ignore_errors=True)
    print(f"bench_resolver_dnssec: validating resolvers on CPU 1, the rest on CPU 0; medians of "
          f"{ROUNDS} round{'s' if ROUNDS != 1 else ''}")
    print(f"bench_resolver_dnssec: {'resolver':9} {'cached qps':>11} {'cached q/CPU-s':>15} "
          f"{'cold seq/s':>11}")
    cell = lambda r, k, w: f"{r[k]:{w}.0f}" if k in r else f"{'-':>{w}}"
    for name, r in results.items():
        print(f"bench_resolver_dnssec: {name:9} {cell(r, 'qps', 11)} {cell(r, 'per_cpu', 15)} "
              f"{cell(r, 'cold', 11)}")
    o, p = results.get("dnsim", {}), results.get("unbound", {})
    ratio = lambda k: f"{o[k] / p[k]:.2f}" if k in o and p.get(k) else "-"
    print(f"bench_resolver_dnssec: dnsim/unbound: cached per CPU-s {ratio('per_cpu')}, "
          f"cold {ratio('cold')}")
    report_rows(results)
    report("# resolver-dnssec", f"{ROUNDS} rounds; cached: dnsperf -D -c 4 -q 200 for "
           f"{SECONDS:g}s (secure, NXDOMAIN, NODATA, insecure); cold: fresh names under a "
           "NSEC3-signed wildcard, one at a time; resolvers one thread on CPU 1")
    return 0


if __name__ == "__main__":
    sys.exit(main())
