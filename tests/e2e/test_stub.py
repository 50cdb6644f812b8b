"""The caching stub of a host (issue 17): `stub = "cache"` puts dnsim-stub
on 127.0.0.53 between the host's programs and its resolvers, as
systemd-resolved or nscd sit on a real host.  Checked from the outside:

- a second lookup within the TTL is answered without a packet leaving
  the host (tcpdump inside the node sees no query to a resolver), and
  after the TTL the stub asks again;
- negative answers are kept for the RFC 2308 time and then asked again;
- the next resolver is asked when the first one is stopped (its port
  closed) and when its link is cut (a timeout);
- `cache laptop dump|flush` lists and empties it;
- `trace` draws the stub as a lane of its own: its cache answering, the
  resolver's cache answering, and the whole walk;
- a host without a stub still sends glibc straight to its resolver;
- every node has its own nsswitch.conf, and glibc inside a node is never
  answered by the machine: a fake nscd on the machine's nscd socket
  answers the machine's lookups, and the nodes do not see it.

The test topology is tests/data/topo/stub.toml: root, com., a domain with
short TTLs (stubcache.com., negative TTL 4 s), two resolvers, a host with
a stub asking both, and one without."""
import contextlib
import os
import re
import socket
import struct
import subprocess
import threading
import time

import pytest

from conftest import DATA, run
from test_sim import Sim
from test_tutorials import running_own_sim

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the supervisor needs root")

NAME = "stubt"
TOPOLOGY = DATA / "topo" / "stub.toml"
RESOLVERS = {"198.18.0.53": "res1", "198.18.0.54": "res2"}


@pytest.fixture(scope="module")
def net(tool):
    with running_own_sim(tool, NAME, TOPOLOGY) as s:
        yield s


def sim_ok(net, *args, timeout=60):
    r = net("--name", NAME, *args, timeout=timeout)
    assert r.returncode == 0, f"sim {' '.join(args)}: {r.stdout}{r.stderr}"
    return r.stdout


def lanes(out):
    """The participants of a text diagram: the first line after the title."""
    return out.splitlines()[2].split()


def dig(net, node, *args):
    r = net.exec(NAME, node, "dig", "+time=3", "+tries=1", *args)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def answer_ttls(out, name):
    return [int(m) for m in re.findall(rf"^{re.escape(name)}\.\s+(\d+)\s+IN\s+A\s", out, re.M)]


def cold(net):
    sim_ok(net, "cache", "laptop", "flush")
    for res in RESOLVERS.values():
        sim_ok(net, "cache", res, "flush")


# ---- what the hosts are given ------------------------------------------------

def test_files_of_a_host_with_and_without_a_stub(net):
    conf = net.exec(NAME, "laptop", "cat", "/etc/resolv.conf").stdout
    assert re.search(r"^nameserver 127\.0\.0\.53$", conf, re.M), conf
    assert "198.18.0.53 198.18.0.54" in conf      # where the stub forwards, said in a comment
    assert len(re.findall(r"^nameserver", conf, re.M)) == 1
    conf = net.exec(NAME, "desk", "cat", "/etc/resolv.conf").stdout
    assert re.findall(r"^nameserver (\S+)", conf, re.M) == ["198.18.0.53"]
    for node in ("laptop", "desk", "res1", "root"):
        ns = net.exec(NAME, node, "cat", "/etc/nsswitch.conf").stdout
        assert re.findall(r"^hosts:\s+(.*)$", ns, re.M) == ["files dns"], ns
    out = sim_ok(net, "status")
    assert re.search(r"^laptop\s+stub\s+\d+\s+ready", out, re.M), out
    # glibc through the stub: the answer, the hosts file first.
    r = net.exec(NAME, "laptop", "getent", "hosts", "www.stubcache.com")
    assert r.stdout.split()[:1] == ["192.0.2.80"], r.stdout + r.stderr
    r = net.exec(NAME, "laptop", "getent", "hosts", "leakcheck.stubtest")
    assert r.stdout.split()[:1] == ["192.0.2.7"], r.stdout + r.stderr


# ---- the cache, seen on the wire ---------------------------------------------

def queries_to_resolvers(pcap):
    """(time, resolver address) of each query the host sent a resolver."""
    out = run(["tcpdump", "-n", "-tt", "-r", str(pcap), "udp", "port", "53"]).stdout
    sent = []
    for line in out.splitlines():
        # Captured on every interface: "TIME IFACE In|Out IP SRC > DST: ...".
        m = re.match(r"^(\d+\.\d+) (?:\S+\s+(?:In|Out)\s+)?IP \S+ > "
                     r"(\d+\.\d+\.\d+\.\d+)\.53: \d+\+", line)
        if m and m.group(2) in RESOLVERS:
            sent.append((float(m.group(1)), m.group(2)))
    return sent


@contextlib.contextmanager
def capture(net, tmp_path, node):
    pcap = tmp_path / f"{node}.pcap"
    p = subprocess.Popen([net.binary, "--name", NAME, "capture", node, "-w", str(pcap)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 10
        while (not pcap.exists() or pcap.stat().st_size < 24) and time.time() < deadline:
            time.sleep(0.05)
        assert pcap.exists(), "tcpdump did not start"
        yield pcap
    finally:
        time.sleep(0.3)   # the last packets reach the file
        p.terminate()
        p.wait(timeout=10)


def test_second_lookup_within_the_ttl_stays_on_the_host(net, tmp_path):
    cold(net)
    with capture(net, tmp_path, "laptop") as pcap:
        first = dig(net, "laptop", "short.stubcache.com")
        second = dig(net, "laptop", "short.stubcache.com")
        time.sleep(5.5)   # the record's TTL is 5 s
        third = dig(net, "laptop", "short.stubcache.com")
    sent = queries_to_resolvers(pcap)
    # The first and the third went out; the second never left the host.
    assert len(sent) == 2, sent
    assert sent[1][0] - sent[0][0] >= 5.0, sent
    assert "192.0.2.50" in first and "192.0.2.50" in second and "192.0.2.50" in third
    t1, t2, t3 = (answer_ttls(o, "short.stubcache.com") for o in (first, second, third))
    # Never longer than the resolver said: counted down in the cache.
    assert t1 and t2 and t3 and t2[0] <= t1[0] <= 5 and t3[0] <= 5
    # The host without a stub sends every lookup out.
    with capture(net, tmp_path, "desk") as pcap:
        dig(net, "desk", "short.stubcache.com")
        dig(net, "desk", "short.stubcache.com")
    assert len(queries_to_resolvers(pcap)) == 2


def test_negative_answers_are_cached_for_the_soa_time(net):
    cold(net)
    out = dig(net, "laptop", "nope.stubcache.com")
    assert "status: NXDOMAIN" in out
    out = sim_ok(net, "trace", "nope.stubcache.com")
    assert lanes(out) == ["laptop", "stub"]
    assert "in the stub's cache" in out and "NXDOMAIN" in out
    dump = sim_ok(net, "cache", "laptop", "dump")
    assert re.search(r"^; nope\.stubcache\.com\. A: NXDOMAIN \(negative\), kept 4 s", dump,
                     re.M), dump
    assert re.search(r"^;; authority: stubcache\.com\.\s+\d+\s+IN\s+SOA\s", dump, re.M), dump
    # NODATA too: the name exists, the type does not.
    dig(net, "laptop", "www.stubcache.com", "AAAA")
    dump = sim_ok(net, "cache", "laptop", "dump")
    assert "; www.stubcache.com. AAAA: NOERROR NODATA (negative), kept 4 s" in dump, dump
    time.sleep(4.5)
    out = sim_ok(net, "trace", "nope.stubcache.com")
    assert "not in the stub's cache" in out and "res1" in lanes(out), out
    assert "kept in the stub's cache for 4 s (a negative answer, RFC 2308)" in out


# ---- failover ----------------------------------------------------------------

def test_next_resolver_when_the_first_is_stopped(net):
    cold(net)
    sim_ok(net, "stop", "res1")
    try:
        out = sim_ok(net, "trace", "www.stubcache.com")
        assert lanes(out)[:4] == ["laptop", "stub", "res1", "res2"], out
        assert "unreachable: no answer, try the next resolver" in out
        assert "192.0.2.80" in out
        # The one that answered is asked first from now on.
        dump = sim_ok(net, "cache", "laptop", "dump")
        assert "198.18.0.54 (asked first)" in dump, dump
        out = sim_ok(net, "trace", "ns.stubcache.com")
        assert lanes(out)[:3] == ["laptop", "stub", "res2"], out
        assert "unreachable" not in out
    finally:
        sim_ok(net, "start", "res1")


def test_next_resolver_after_a_timeout(net):
    cold(net)
    # res2 is current after the test before, or res1: cut whichever is
    # asked first, and the stub must wait out its timeout, then move on.
    dump = sim_ok(net, "cache", "laptop", "dump")
    first = re.search(r"(198\.18\.0\.5[34]) \(asked first\)", dump).group(1)
    other = "198.18.0.54" if first == "198.18.0.53" else "198.18.0.53"
    sim_ok(net, "link", "down", RESOLVERS[first])
    try:
        t0 = time.time()
        out = sim_ok(net, "trace", "short.stubcache.com")
        took = time.time() - t0
        assert "timeout: no answer, try the next resolver" in out, out
        assert lanes(out)[:4] == ["laptop", "stub", RESOLVERS[first], RESOLVERS[other]]
        assert "192.0.2.50" in out
        assert 1.8 <= took < 10, took      # the stub's 2 s timeout, once
    finally:
        sim_ok(net, "link", "up", RESOLVERS[first])


# ---- dump and flush ----------------------------------------------------------

def test_dump_and_flush(net):
    cold(net)
    dig(net, "laptop", "www.stubcache.com")
    dig(net, "laptop", "ns.stubcache.com")
    dump = sim_ok(net, "cache", "laptop", "dump")
    assert "; 2 answers kept" in dump
    assert re.search(r"^www\.stubcache\.com\.\s+(\d+)\s+IN\s+A\s+192\.0\.2\.80$", dump, re.M)
    assert re.search(r"^ns\.stubcache\.com\.\s+\d+\s+IN\s+A\s+203\.0\.113\.20$", dump, re.M)
    assert sim_ok(net, "cache", "laptop", "flush", "www.stubcache.com") == "flushed 1 entries\n"
    dump = sim_ok(net, "cache", "laptop", "dump")
    assert "; 1 answer kept" in dump and "www.stubcache.com" not in dump
    assert sim_ok(net, "cache", "laptop", "flush") == "flushed 1 entries\n"
    dump = sim_ok(net, "cache", "laptop", "dump")
    assert "; 0 answers kept" in dump and "stubcache.com" not in dump
    # A flushed stub asks again: the query shows on its counters.
    before = sim_ok(net, "stats", "laptop")
    dig(net, "laptop", "www.stubcache.com")
    after = sim_ok(net, "stats", "laptop")
    up = lambda s: int(re.search(r"upstream\.queries\s+(\d+)", s).group(1))
    assert up(after) == up(before) + 1
    # A host without a stub has no cache to show.
    r = net("--name", NAME, "cache", "desk", "dump")
    assert r.returncode != 0 and "has no cache" in r.stderr


# ---- trace: three caches -----------------------------------------------------

def test_trace_shows_three_cache_layers(net):
    out = sim_ok(net, "trace", "short.stubcache.com", "--cold")
    names = lanes(out)
    assert names == ["laptop", "stub", "res1", "root", "tld", "ns-short"] or \
        names == ["laptop", "stub", "res2", "root", "tld", "ns-short"], out
    assert "not in the stub's cache: ask a resolver" in out
    assert "referral to com." in out and "referral to stubcache.com." in out
    assert "kept in the stub's cache for 5 s" in out
    assert "3 upstream queries" in out
    # Layer one: the stub's own cache; nothing leaves the host.
    out = sim_ok(net, "trace", "short.stubcache.com")
    assert lanes(out) == ["laptop", "stub"], out
    assert "in the stub's cache (" in out
    assert "0 upstream queries (answered from the stub's cache: nothing left the host)" in out
    # Layer two: the stub forgot, the resolver did not.
    sim_ok(net, "cache", "laptop", "flush")
    out = sim_ok(net, "trace", "short.stubcache.com")
    assert lanes(out)[:2] == ["laptop", "stub"] and len(lanes(out)) == 3, out
    assert "in the cache: no query needed" in out
    assert re.search(r"0 upstream queries \(answered from res[12]'s cache\)", out), out
    # The same as Mermaid: three participants and the notes.
    out = sim_ok(net, "trace", "short.stubcache.com", "--mermaid")
    assert out.startswith("sequenceDiagram\n    participant P0 as laptop\n"
                          "    participant P1 as stub\n"), out
    assert "Note over P1: in the stub's cache" in out


def test_host_without_a_stub_traces_as_before(net):
    out = sim_ok(net, "trace", "www.stubcache.com", "--from", "desk", "--cold")
    assert lanes(out) == ["desk", "res1", "root", "tld", "ns-short"], out
    assert "caching stub" not in out and "stub's cache" not in out


# ---- isolation: glibc in a node never asks the machine --------------------------

NSCD_DIR = "/run/nscd"
NSCD_SOCKET = NSCD_DIR + "/socket"
NSCD_VERSION = 2
GETHOSTBYNAME, GETHOSTBYNAMEv6, GETAI = 4, 5, 14
# What the fake nscd says, and what the sim says.
MACHINE_ADDR = "192.0.2.66"
LEAK_NAMES = {"leakcheck.stubtest", "www.stubcache.com"}


class FakeNscd:
    """A stand-in for the machine's nscd on its socket: it answers the
    names of this test with MACHINE_ADDR and tells every other asker
    that it does not cache hosts (found = -1), so that glibc elsewhere on
    the machine goes on to its own NSS modules as if there were no nscd."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(NSCD_SOCKET)
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.stop = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while not self.stop:
            try:
                c, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with c:
                c.settimeout(1)
                try:
                    self.answer(c)
                except OSError:
                    pass

    def answer(self, c):
        head = c.recv(12, socket.MSG_WAITALL)
        if len(head) < 12:
            return
        version, kind, keylen = struct.unpack("iii", head)
        key = c.recv(keylen, socket.MSG_WAITALL).rstrip(b"\0").decode(errors="replace")
        if version != NSCD_VERSION or key not in LEAK_NAMES:
            if kind in (GETHOSTBYNAME, GETHOSTBYNAMEv6, GETAI):
                c.sendall(struct.pack("8i", NSCD_VERSION, -1, 0, 0, 0, 0, 0, 0))
            return
        addr = socket.inet_aton(MACHINE_ADDR)
        name = key.encode() + b"\0"
        if kind == GETHOSTBYNAME:
            # hst_response_header, then the name and the address.
            c.sendall(struct.pack("8i", NSCD_VERSION, 1, len(name), 0, socket.AF_INET, 4, 1, 0)
                      + name + addr)
        elif kind == GETHOSTBYNAMEv6:
            c.sendall(struct.pack("8i", NSCD_VERSION, 0, 0, 0, 0, 0, 0, 1))
        elif kind == GETAI:
            # ai_response_header, then addresses, families, canonical name.
            c.sendall(struct.pack("6i", NSCD_VERSION, 1, 1, 4, len(name), 0) + addr
                      + bytes([socket.AF_INET]) + name)

    def close(self):
        self.stop = True
        self.thread.join(timeout=5)
        self.sock.close()


@pytest.fixture
def fake_nscd():
    if os.path.exists(NSCD_DIR):
        pytest.skip(f"{NSCD_DIR} exists on this machine: not ours to replace")
    os.mkdir(NSCD_DIR, 0o755)
    fake = None
    try:
        fake = FakeNscd()
        yield fake
    finally:
        if fake:
            fake.close()
        if os.path.exists(NSCD_SOCKET):
            os.unlink(NSCD_SOCKET)
        os.rmdir(NSCD_DIR)


def first_addr(r):
    return r.stdout.split()[0] if r.stdout.split() else None


def test_nodes_never_ask_the_machines_nscd(net, fake_nscd):
    # The machine's own glibc is answered by the fake nscd ...
    for name in LEAK_NAMES:
        r = run(["getent", "hosts", name])
        assert first_addr(r) == MACHINE_ADDR, f"the fake nscd is not asked: {r.stdout}{r.stderr}"
        r = run(["getent", "ahosts", name])
        assert first_addr(r) == MACHINE_ADDR, r.stdout + r.stderr
    # ... and so would a node's be, entered as `ip netns exec` does: the
    # socket is not per namespace (which is why `up` warns about nscd).
    r = run(["ip", "netns", "exec", f"{NAME}-laptop", "getent", "hosts", "leakcheck.stubtest"])
    assert first_addr(r) == MACHINE_ADDR, r.stdout + r.stderr
    # Through `sim exec`, nodes see only the sim: their hosts files, and
    # DNS through the stub or straight to the resolver.
    for node in ("laptop", "desk"):
        for verb in ("hosts", "ahosts"):
            r = net.exec(NAME, node, "getent", verb, "leakcheck.stubtest")
            assert first_addr(r) == "192.0.2.7", f"{node} {verb}: {r.stdout}{r.stderr}"
            r = net.exec(NAME, node, "getent", verb, "www.stubcache.com")
            assert first_addr(r) == "192.0.2.80", f"{node} {verb}: {r.stdout}{r.stderr}"
    # `up` says so when nscd runs.
    s = Sim(net.binary)
    r = s.up(NAME + "2", TOPOLOGY)
    try:
        assert r.returncode == 0, r.stdout + r.stderr
        assert "warning: nscd runs on this machine (/var/run/nscd/socket)" in r.stdout
    finally:
        s.down_all()


def test_the_resolvers_reason_for_a_servfail_reaches_the_host(net):
    """A SERVFAIL moves the stub on to the next resolver; when every one
    fails, the last one's answer goes to the client with its Extended DNS
    Error (RFC 8914), so the host sees why."""
    cold(net)
    sim_ok(net, "stop", "ns-short")
    try:
        r = net.exec(NAME, "laptop", "dig", "+time=8", "+tries=1", "www.stubcache.com")
        assert "status: SERVFAIL" in r.stdout, r.stdout + r.stderr
        assert re.search(r"EDE: \d+", r.stdout), r.stdout
        out = sim_ok(net, "cache", "laptop", "dump")
        assert "www.stubcache.com" not in out       # a SERVFAIL is never kept
    finally:
        sim_ok(net, "start", "ns-short")
