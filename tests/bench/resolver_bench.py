"""make bench (via bench_resolver.sh): dnsim-resolver beside Unbound and
Knot Resolver (kresd), each with one thread pinned to CPU 1, dnsperf on
CPU 0 in the client namespace, through the namespace hierarchy of the
end-to-end tests (tests/e2e/netlab.py: dnsim-auth root, TLD and domain
servers).

Figures: cached answers (qps and queries per resolver CPU-second), cold
resolutions per second (sequential, and 100 in flight), idle memory.
Bounded: a few seconds per figure.  Needs root (port 53)."""
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time


sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "e2e"))
import netlab  # noqa: E402

TOP = pathlib.Path(__file__).resolve().parents[2]
SECONDS = float(os.environ.get("SECONDS_PER_RUN", "5"))
HZ = os.sysconf("SC_CLK_TCK")


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
    for t in ("dnsperf", "unbound", "kresd", "taskset"):
        if shutil.which(t) is None:
            print(f"bench_resolver: {t} is missing (make deps); skipped")
            return 0
    if os.geteuid() != 0:
        print("bench_resolver: needs root (network namespaces); skipped")
        return 0
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
        lab.resolver_unbound(wrap=pin)                # one thread by default
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
        p = lab.spawn([*pin, shutil.which("kresd"), "-n", "-c", str(kd / "config"), str(kd)],
                      "kresd", netlab.NET + "55")
        servers["kresd"] = (netlab.NET + "55", p)
        lab.wait([a for a, _ in servers.values()], name="www.example.com", rdtype="A")
        time.sleep(0.5)
        for name, (addr, proc) in servers.items():
            results[name] = {"pss": pss_kb(proc.pid)}

        cached = d / "cached.txt"
        cached.write_text("www.example.com A\nmail.example.com A\nexample.com MX\nweb.other.net AAAA\n"
                          "chain.example.com A\nexample.com TXT\n" * 50)
        for name, (addr, _) in servers.items():        # warm the caches
            for line in set(cached.read_text().splitlines()):
                n, t = line.split()
                netlab.ask(lab, addr, n, t)
        for rnd in range(2):                            # interleaved rounds
            for name, (addr, proc) in servers.items():
                before = cpu_ticks(proc.pid)
                done, rate = dnsperf(lab, addr, cached, ["-l", str(SECONDS), "-q", "200"])
                cpu_s = (cpu_ticks(proc.pid) - before) / HZ
                r = results[name]
                r["qps"] = r.get("qps", 0) + rate / 2
                r["per_cpu"] = r.get("per_cpu", 0) + (done / cpu_s if cpu_s else 0) / 2

        for name, (addr, _) in servers.items():
            # Sequential cold names: one at a time, bounded in count and time.
            n, t0 = 0, time.monotonic()
            while n < 2000 and time.monotonic() - t0 < SECONDS:
                netlab.ask(lab, addr, f"s{n}.{name}.cold.example.com")
                n += 1
            results[name]["cold_seq"] = n / (time.monotonic() - t0)
            # 100 in flight: dnsperf through a file of fresh names, once.
            cold = d / f"cold-{name}.txt"
            cold.write_text("".join(f"p{i}.{name}.cold.example.com A\n" for i in range(3000)))
            done, rate = dnsperf(lab, addr, cold, ["-n", "1", "-q", "100", "-l", str(SECONDS * 2)])
            results[name]["cold_par"] = rate
    finally:
        lab.stop()
        shutil.rmtree(d, ignore_errors=True)

    print("bench_resolver: resolvers on CPU 1 (one thread), dnsperf on CPU 0, hierarchy in network namespaces")
    print(f"bench_resolver: {'resolver':9} {'cached qps':>11} {'cached q/CPU-s':>15} "
          f"{'cold seq/s':>11} {'cold 100/s':>11} {'idle PSS kB':>12}")
    for name, r in results.items():
        print(f"bench_resolver: {name:9} {r['qps']:11.0f} {r['per_cpu']:15.0f} "
              f"{r['cold_seq']:11.0f} {r['cold_par']:11.0f} {r['pss']:12d}")
    o = results["dnsim"]
    for peer in ("unbound", "kresd"):
        p = results[peer]
        print(f"bench_resolver: dnsim/{peer}: cached per CPU-s {o['per_cpu'] / p['per_cpu']:.2f}, "
              f"cold sequential {o['cold_seq'] / p['cold_seq']:.2f}, "
              f"cold parallel {o['cold_par'] / p['cold_par']:.2f}, idle memory {o['pss'] / p['pss']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
