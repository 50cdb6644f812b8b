"""Hostile input: dnsim-auth under a barrage of malformed UDP packets and
abusive TCP connections, and dnsim-resolver behind an upstream that
mangles its answers.  Both must keep answering valid questions
correctly, keep their memory bounded and exit cleanly (run under the
sanitizer build: a sanitizer report or a leak at exit fails the test).

Part 1 runs on 127.0.0.1 with a free high port.  Part 2 builds a small
namespace lab (tests/e2e/netlab.py): a dnsim-auth root, the mangling
upstream tests/e2e/hostile_upstream.py, dnsim-resolver and a client
(tests/e2e/hostile_client.py), and needs root.  All traffic stays on
loopback or inside the lab's namespaces.  `pytest -s` shows the figures.

A TCP client that trickles a message a byte at a time is closed when the
message has not arrived whole within the idle timeout of its first byte
(test_auth_tcp_trickle_...: found by this file, fixed in dnsim-auth).
"""
import json
import os
import pathlib
import random
import select
import signal
import socket
import struct
import subprocess
import sys
import time

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import dns.zone
import pytest

import hostile_upstream
from conftest import DATA
from hostile_packets import Hostile

HERE = pathlib.Path(__file__).resolve().parent
ADDR = "127.0.0.1"
TCP_MAX = 20
TCP_IDLE = 3
UDP_PACKETS = 30000
BATCH = 100
SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer",
                   "runtime error:", "SUMMARY: ")
# ASan keeps freed memory in quarantine and its own metadata, so the
# resident size moves by a few megabytes with no leak at all; a leak of
# 600 bytes per packet over the barrage would be about 18 MB (measured
# growth with no leak: about 1.5 MB).
RSS_GROWTH_MAX_KB = 16 * 1024


def sanitizer_env():
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
    return env


def rss_kb(pid):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for {pid}")


def sanitizer_report(text):
    return [l for l in text.splitlines() if any(m in l for m in SANITIZER_MARKS)]


def free_port():
    """A port free for both UDP and TCP on 127.0.0.1 (high, ephemeral)."""
    for _ in range(50):
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.bind((ADDR, 0))
        port = t.getsockname()[1]
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind((ADDR, port))
            return port
        except OSError:
            continue
        finally:
            u.close()
            t.close()
    raise RuntimeError("no free port")


# ---- part 1: dnsim-auth -----------------------------------------------------

ORIGIN = dns.name.from_text("example.com.")


def expected_answers():
    """(name, type) -> set of rdata texts, from dnspython's reading of the
    zone: every authoritative RRset that answers a question directly (no
    CNAME, nothing at or below the delegation to sub), plus a wildcard."""
    zone = dns.zone.from_file(str(DATA / "auth" / "features.zone"), origin=ORIGIN, relativize=False)
    cut = dns.name.from_text("sub.example.com.")
    out = {}
    for name, rds in zone.iterate_rdatasets():
        if name.is_subdomain(cut) or name.labels[0] == b"*" or rds.rdtype == dns.rdatatype.CNAME:
            continue
        out[(name.to_text(), dns.rdatatype.to_text(rds.rdtype))] = {r.to_text() for r in rds}
    out[("anything.wild.example.com.", "A")] = {"192.0.2.99"}
    return out


EXPECTED = expected_answers()


def check_answer(r, name, rdtype):
    assert r.rcode() == dns.rcode.NOERROR and r.flags & dns.flags.AA, (name, rdtype, r)
    got = {rd.to_text() for s in r.answer
           if s.name.to_text() == name and dns.rdatatype.to_text(s.rdtype) == rdtype for rd in s}
    assert got == EXPECTED[(name, rdtype)], (name, rdtype, r)


class AuthServer:
    def __init__(self, binary, d):
        self.port = free_port()
        self.dir = d
        (d / "auth.conf").write_text(f"""# test_hostile.py
listen {ADDR}@{self.port}
zone example.com. {DATA / 'auth' / 'features.zone'}
tcp-idle-timeout {TCP_IDLE}
tcp-max-connections {TCP_MAX}
query-log off
identity hostile-auth
""")
        self.log = d / "auth.log"
        with open(self.log, "w") as log:
            self.p = subprocess.Popen([binary, "-c", str(d / "auth.conf")], stderr=log,
                                      stdout=subprocess.DEVNULL, env=sanitizer_env())
        deadline = time.monotonic() + 10
        while "ready" not in self.log.read_text():
            assert self.p.poll() is None and time.monotonic() < deadline, self.log.read_text()
            time.sleep(0.02)
        self.valid_checked = 0
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.settimeout(3)
        self.qid = random.Random(7).randrange(65536)
        self.questions = sorted(EXPECTED)

    def alive(self):
        assert self.p.poll() is None, f"dnsim-auth died (exit {self.p.returncode}):\n" + self.log.read_text()[-4000:]

    def udp(self, name, rdtype, rdclass="IN"):
        """Ask over UDP; asked again (same ID) when the answer does not
        come: a burst of hostile packets can fill the server's socket
        buffer, and the kernel drops what does not fit."""
        m = dns.message.make_query(name, rdtype, rdclass=rdclass, use_edns=0, payload=1232)
        m.flags &= ~dns.flags.RD
        self.qid = (self.qid + 1) % 65536
        m.id = self.qid
        for _ in range(5):
            self.sock.sendto(m.to_wire(), (ADDR, self.port))
            self.sock.settimeout(1)
            try:
                while True:
                    r = dns.message.from_wire(self.sock.recvfrom(65535)[0])
                    if r.id == m.id:
                        return r
            except socket.timeout:
                self.alive()
        raise AssertionError(f"no UDP answer to {name} {rdtype} in 5 tries")

    def stats(self):
        """The server's counters ('dig CH TXT stats.dnsim')."""
        r = self.udp("stats.dnsim", "TXT", rdclass="CH")
        return {k: int(v) for k, v in (t.decode().split("=", 1) for rd in r.answer[0] for t in rd.strings)}

    def tcp(self, name, rdtype, timeout=3):
        m = dns.message.make_query(name, rdtype)
        m.flags &= ~dns.flags.RD
        with socket.create_connection((ADDR, self.port), timeout=timeout) as c:
            w = m.to_wire()
            c.sendall(struct.pack("!H", len(w)) + w)
            r = read_msg(c)
        assert r is not None and r.id == m.id, f"no TCP answer to {name} {rdtype}"
        return r

    def check_some(self, n=3, tcp=False):
        for _ in range(n):
            name, rdtype = self.questions[self.valid_checked % len(self.questions)]
            r = self.tcp(name, rdtype) if tcp else self.udp(name, rdtype)
            check_answer(r, name, rdtype)
            self.valid_checked += 1

    def stop(self):
        self.sock.close()
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
        try:
            return self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            return "hung on SIGTERM"


def read_frame(c):
    """One length-prefixed message's bytes, or None when the server closed."""
    head = c.recv(2, socket.MSG_WAITALL)
    if len(head) < 2:
        return None
    n = struct.unpack("!H", head)[0]
    body = c.recv(n, socket.MSG_WAITALL)
    return body if len(body) == n else None


def read_msg(c):
    body = read_frame(c)
    return None if body is None else dns.message.from_wire(body)


def closed_within(conns, timeout):
    """The connections among conns the server closes (or resets) within
    timeout, all watched at once."""
    closed, open_ = set(), set(conns)
    deadline = time.monotonic() + timeout
    while open_ and (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select(list(open_), [], [], left)
        for c in ready:
            try:
                data = c.recv(65535)
            except ConnectionResetError:
                data = b""
            if not data:
                closed.add(c)
                open_.discard(c)
    return closed


def closed_by_server(c, timeout):
    """True when the server closes (or resets) c within timeout."""
    c.settimeout(timeout)
    try:
        while True:
            data = c.recv(65535)
            if not data:
                return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


@pytest.fixture(scope="module")
def auth(tool, tmp_path_factory):
    s = AuthServer(tool("dnsim-auth"), tmp_path_factory.mktemp("hostile-auth"))
    s.results = {}
    try:
        yield s
    finally:
        code = s.stop()
        s.results["exit"] = code
    log = s.log.read_text()
    assert code == 0, f"dnsim-auth exit {code}:\n{log[-4000:]}"
    assert not sanitizer_report(log), log[-4000:]


def test_auth_udp_barrage(auth):
    # Warm up (every answer path once), then measure.
    for _ in range(2):
        auth.check_some(len(auth.questions))
    auth.results["rss_before"] = rss_kb(auth.p.pid)
    counted_before, checked_before = auth.stats()["udp"], auth.valid_checked
    gen = Hostile(20240601)
    hostile = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    qr = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)     # responses sent to the server
    for s in (hostile, qr):
        s.setblocking(False)
    sent, replies, kinds, qr_replies = 0, 0, {}, 0
    ids_sent = set()
    bad_replies = []

    def drain():
        nonlocal replies, qr_replies
        while True:
            ready, _, _ = select.select([hostile, qr], [], [], 0)
            if not ready:
                return
            for s in ready:
                try:
                    wire = s.recv(65535)
                except BlockingIOError:
                    continue
                if s is qr:
                    qr_replies += 1
                    continue
                replies += 1
                # Whatever the server says back is a response, to an ID we sent.
                if len(wire) < 12 or not wire[2] & 0x80 or struct.unpack("!H", wire[:2])[0] not in ids_sent:
                    bad_replies.append(wire[:64].hex())

    t0 = time.monotonic()
    try:
        while sent < UDP_PACKETS:
            for _ in range(BATCH):
                kind, wire = gen.packet()
                kinds[kind] = kinds.get(kind, 0) + 1
                if len(wire) >= 2:
                    ids_sent.add(struct.unpack("!H", wire[:2])[0])
                s = qr if kind == "qr_set" else hostile
                while True:
                    try:
                        s.sendto(wire, (ADDR, auth.port))
                        break
                    except BlockingIOError:
                        select.select([], [s], [], 1)
                sent += 1
            drain()
            auth.check_some(2)
        # A few big datagrams (larger than any query) as well.
        for size in (1500, 4096, 9000, 60000):
            wire = gen.r.randbytes(size)
            ids_sent.add(struct.unpack("!H", wire[:2])[0])
            hostile.sendto(wire, (ADDR, auth.port))
            sent += 1
        auth.check_some(len(auth.questions))
        time.sleep(0.2)
        drain()
    finally:
        hostile.close()
        qr.close()
    auth.alive()
    auth.results["udp_sent"] = sent
    stats = auth.stats()
    # UDP packets the server read (its own queries for the counters and
    # the valid ones taken off); the kernel drops what a full socket
    # buffer cannot hold.
    seen = stats["udp"] - counted_before - 1 - (auth.valid_checked - checked_before)
    print(f"\n[auth] UDP: {sent} hostile packets in {time.monotonic() - t0:.1f}s "
          f"({len(kinds)} kinds), about {seen} read by the server, {replies} replies, {qr_replies} replies to QR-set packets, "
          f"{auth.valid_checked} valid answers checked")
    assert qr_replies == 0, "the server answered packets with QR set"
    assert not bad_replies, f"replies that are not responses to our IDs: {bad_replies[:5]}"


def test_auth_tcp_abuse(auth):
    port = auth.port
    rng = random.Random(99)
    valid_before = auth.valid_checked
    conns = []

    def connect():
        c = socket.create_connection((ADDR, port), timeout=3)
        conns.append(c)
        return c

    try:
        # 1. A length prefix larger than what follows, then stall.
        for n in (512, 65535, 100):
            c = connect()
            c.sendall(struct.pack("!H", n) + rng.randbytes(n // 4))
        # 2. Half a message, and half a length prefix.
        w = dns.message.make_query("mail.example.com", "A").to_wire()
        connect().sendall(struct.pack("!H", len(w)) + w[: len(w) // 2])
        connect().sendall(b"\x00")
        auth.check_some(3)
        auth.check_some(2, tcp=True)
        # 3. A zero-length message: the server gives up on the connection.
        c = connect()
        c.sendall(b"\x00\x00")
        assert closed_by_server(c, 3), "connection with a zero-length message left open"
        # 4. A 65535-byte message of garbage, several times, with a valid
        # query after: answered (FORMERR) or closed; never a crash.
        c = connect()
        c.sendall((struct.pack("!H", 65535) + rng.randbytes(65535)) * 3)
        select.select([c], [], [], 1)
        # 5. Pipelined garbage, then valid queries on the same connection.
        c = connect()
        gen = Hostile(7)
        junk = b""
        for _ in range(200):
            _, p = gen.packet()
            junk += struct.pack("!H", len(p)) + p
        m = dns.message.make_query("mail.example.com", "A")
        m.id = 4242
        junk += struct.pack("!H", len(m.to_wire())) + m.to_wire()
        c.sendall(junk)
        c.settimeout(3)
        pipelined_ok, frames = False, 0
        try:
            while (body := read_frame(c)) is not None:
                frames += 1
                # Responses to the garbage may carry opcodes dnspython
                # does not know: only the last one is parsed.
                if body[:2] == struct.pack("!H", 4242):
                    check_answer(dns.message.from_wire(body), "mail.example.com.", "A")
                    pipelined_ok = True
                    break
        except (socket.timeout, ConnectionResetError, dns.exception.DNSException):
            pass
        auth.check_some(3)
        auth.check_some(2, tcp=True)

        # 6. More idle connections than the cap.  The server closes the
        # ones over it at once; UDP goes on being answered; a new TCP
        # client is turned away while the cap is full.
        for c in conns:
            c.close()
        conns.clear()
        time.sleep(0.3)
        t_open = time.monotonic()
        idle = [connect() for _ in range(TCP_MAX + 10)]
        refused = closed_within(idle, 0.5)
        kept = [c for c in idle if c not in refused]
        auth.check_some(5)
        over_cap_refused = True
        try:
            auth.tcp("mail.example.com.", "A", timeout=1)
            over_cap_refused = False
        except (AssertionError, ConnectionResetError, socket.timeout):
            pass
        cap_full_for = time.monotonic() - t_open
        # Close half of the idle ones ourselves: served again.
        for c in kept[: len(kept) // 2]:
            c.close()
        time.sleep(0.3)
        auth.check_some(3, tcp=True)
        # The server closes the rest when they time out; then served.
        rest = kept[len(kept) // 2:]
        t0 = time.monotonic()
        timed_out = closed_within(rest, TCP_IDLE + 3)
        waited = time.monotonic() - t0
        auth.check_some(3, tcp=True)
        # The cap is whole again: fill it with connections that each ask
        # something valid, all answered.
        full = [connect() for _ in range(TCP_MAX)]
        for i, c in enumerate(full):
            m = dns.message.make_query("ns1.example.com", "AAAA")
            m.flags &= ~dns.flags.RD
            c.sendall(struct.pack("!H", len(m.to_wire())) + m.to_wire())
            r = read_msg(c)
            assert r is not None, f"connection {i} of {TCP_MAX} not served"
            check_answer(r, "ns1.example.com.", "AAAA")
            auth.valid_checked += 1
    finally:
        for c in conns:
            c.close()
    auth.alive()
    print(f"[auth] TCP: {len(idle)} idle connections, {len(refused)} closed at once (cap {TCP_MAX}), "
          f"a new client over the cap {'refused' if over_cap_refused else 'served'}, "
          f"{len(timed_out)} of {len(rest)} left closed by the idle timeout ({TCP_IDLE}s) after {waited:.1f}s, "
          f"pipelined: {frames} responses to 200 garbage messages + 1 valid query, the valid one {'answered' if pipelined_ok else 'not reached (connection closed)'}, "
          f"{auth.valid_checked - valid_before} valid answers checked")
    assert len(kept) == TCP_MAX, f"{len(kept)} connections kept open, the cap is {TCP_MAX}"
    if cap_full_for < TCP_IDLE:             # none can have timed out yet
        assert over_cap_refused, "a client over tcp-max-connections was served"
    assert len(timed_out) == len(rest), "idle connections left open past tcp-idle-timeout"


def test_auth_tcp_trickle_cannot_hold_the_cap(auth):
    # Slowloris: every slot taken by a connection that has announced a
    # long message and sends one byte of it a second, never finishing.
    conns = []
    try:
        for _ in range(TCP_MAX):
            c = socket.create_connection((ADDR, auth.port), timeout=3)
            c.sendall(struct.pack("!H", 60000))
            conns.append(c)
        t0 = time.monotonic()
        while time.monotonic() - t0 < 3 * TCP_IDLE:
            time.sleep(1)
            for c in conns:
                try:
                    c.send(b"x")
                except OSError:
                    pass
            auth.check_some(1)                   # UDP is answered all along
        held = len(conns) - len(closed_within(conns, 0.1))
        print(f"[auth] trickle: {held} of {TCP_MAX} connections still open after "
              f"{time.monotonic() - t0:.0f}s (3 x tcp-idle-timeout) without a complete message")
        r = auth.tcp("mail.example.com.", "A", timeout=2)
        check_answer(r, "mail.example.com.", "A")
    finally:
        for c in conns:
            c.close()
        time.sleep(0.3)


def test_auth_memory_bounded_and_clean_exit(auth):
    auth.check_some(len(auth.questions))
    before, after = auth.results["rss_before"], rss_kb(auth.p.pid)
    print(f"[auth] VmRSS before {before} kB, after {after} kB, growth {after - before} kB; "
          f"{auth.results['udp_sent']} hostile UDP packets, {auth.valid_checked} valid answers checked")
    assert after - before < RSS_GROWTH_MAX_KB, f"dnsim-auth grew by {after - before} kB"
    code = auth.stop()
    log = auth.log.read_text()
    assert code == 0, f"dnsim-auth exit {code}:\n{log[-4000:]}"
    assert not sanitizer_report(log), log[-4000:]


# ---- part 2: dnsim-resolver behind a hostile upstream ------------------------

POISON = "198.18.66."
RESOLVER_CACHE = 256 * 1024
# Growth allowed over the second barrage (quarantine full, cache full;
# measured with no leak: -0.1 to 1.2 MB).  It has about 3,600 client and
# 5,000 upstream queries: a leak of 1 KB for each upstream one is 5 MB.
RESOLVER_GROWTH_MAX_KB = 4 * 1024


def hostile_lab_zones(net):
    root = f"""$TTL 86400
. SOA a.root-servers.net. nstld.example. 1 1800 900 604800 86400
. NS a.root-servers.net.
a.root-servers.net. A {net}2
hostile. 172800 NS ns.hostile.
ns.hostile. 172800 A {net}7
victim. 172800 NS ns.victim.
ns.victim. 172800 A {net}8
"""
    victim = f"""$TTL 300
@ SOA ns.victim. admin.victim. 1 3600 600 86400 60
@ NS ns.victim.
ns A {net}8
www A 192.0.2.123
"""
    return {"hostile-root.zone": root, "hostile-victim.zone": victim}


def addr(n):
    return f"10.53.{n // 250 % 256}.{n % 250 + 1}"          # as hostile_upstream.addr


def workload(rng, ok, mix, bad, repeats=(), aaaa=()):
    qs = ([[f"ok-{n}.hostile.", "A"] for n in ok] + [[f"ok-{n}.hostile.", "A"] for n in repeats] +
          [[f"ok-{n}.hostile.", "AAAA"] for n in aaaa] + [[f"mix-{n}.hostile.", "A"] for n in mix] +
          [[f"bad-{n}.hostile.", "A"] for n in bad])
    rng.shuffle(qs)
    return qs


def judge(results):
    """Checks every result; returns (counts, failures, again): `again`
    are valid questions answered SERVFAIL, to be asked once more (a
    resolution that timed out on a busy machine; never a wrong answer)."""
    counts = {"ok": 0, "mix": 0, "bad": 0, "nodata": 0}
    failures, again = [], []
    for name, rdtype, rcode, answer, rest, secs in results:
        kind, n = name.split(".")[0].split("-")
        n = int(n)
        everything = answer + rest
        if any(POISON in rd for _, _, rd in everything):
            failures.append(f"{name} {rdtype}: a false address got through: {everything}")
            continue
        if rcode is None:
            failures.append(f"{name} {rdtype}: no answer in {secs}s")
            continue
        if kind != "bad" and rcode == dns.rcode.SERVFAIL and not answer:
            again.append([name, rdtype])
            continue
        if kind == "bad":
            # The out-of-bailiwick mode claims authority for the name and
            # gives records of other names only: nothing for the question,
            # an empty NOERROR (NODATA, RFC 2181 5.4.1, as Unbound's
            # scrubber leaves it) is as right as SERVFAIL.  Never poison.
            nodata_ok = hostile_upstream.MODES[n % len(hostile_upstream.MODES)] is \
                hostile_upstream.m_out_of_bailiwick
            if nodata_ok and rcode == dns.rcode.NOERROR and not answer:
                counts["bad"] += 1
            elif rcode != dns.rcode.SERVFAIL or answer:
                failures.append(f"{name} {rdtype}: {dns.rcode.to_text(rcode)} {answer} after {secs}s, expected SERVFAIL")
            else:
                counts["bad"] += 1
        elif rdtype == "AAAA":
            if rcode != dns.rcode.NOERROR or answer:
                failures.append(f"{name} AAAA: {dns.rcode.to_text(rcode)} {answer} after {secs}s, expected NODATA")
            else:
                counts["nodata"] += 1
        else:
            if rcode != dns.rcode.NOERROR or answer != [[name, "A", addr(n)]]:
                failures.append(f"{name} A: {dns.rcode.to_text(rcode)} {answer} after {secs}s, expected {addr(n)}")
            else:
                counts[kind] += 1
    return counts, failures, again


def check(lab, results, totals):
    """judge(), asking once more what came back SERVFAIL; fails the test
    on any wrong or missing answer."""
    counts, failures, again = judge(results)
    if again:
        counts2, failures2, again2 = judge(fire(lab, again, window=20))
        failures += failures2 + [f"{n} {t}: SERVFAIL twice" for n, t in again2]
        for k in counts:
            counts[k] += counts2[k]
    totals["servfail_then_ok"] = totals.get("servfail_then_ok", 0) + len(again)
    for k in counts:
        totals[k] = totals.get(k, 0) + counts[k]
    assert not failures, (f"{len(failures)} wrong or missing answers (resolver stats: "
                          f"{' '.join(ctl_stats(lab).split())}):\n" + "\n".join(failures[:30]))


@pytest.fixture(scope="module")
def rlab(tool, tmp_path_factory):
    if os.geteuid() != 0:
        pytest.skip("needs root (network namespaces)")
    import netlab
    net = netlab.NET
    upstream = net + "7"
    d = tmp_path_factory.mktemp("hostile-resolver")
    lab = netlab.Lab(d)
    # ASan keeps freed memory in a quarantine of 256 MB by default, which
    # the resolver's per-query allocations fill only slowly: its resident
    # size would then grow by what was freed, leak or not.  A quarantine
    # of 8 MB (still far more than one resolution frees) fills during the
    # first barrage, so the second shows only real growth.
    saved_env = os.environ.get("ASAN_OPTIONS")
    os.environ["ASAN_OPTIONS"] = (saved_env + ":" if saved_env else "detect_leaks=1:") + \
        "quarantine_size_mb=8"
    try:
        for f, text in hostile_lab_zones(net).items():
            (d / f).write_text(text)
        # A small cache, full before memory is measured: it evicts rather
        # than grows, so what grows after is something else.
        (d / "resolver.conf").write_text(f"identity hostile-resolver\ncache-size {RESOLVER_CACHE}\n")
        lab.spawn([sys.executable, str(HERE / "hostile_upstream.py"), upstream], "upstream", upstream)
        lab.auth_dnsim(tool, {net + "2": [(".", "hostile-root.zone")],
                              net + "8": [("victim.", "hostile-victim.zone")]})
        lab.wait([upstream], name="hostile.", rdtype="SOA")
        lab.resolver_dnsim(tool, "-c", str(d / "resolver.conf"), trace=False)
        lab.resolver = lab.procs[-1]
        assert os.readlink(f"/proc/{lab.resolver.pid}/exe").endswith("dnsim-resolver")
        lab.client = lab.host(netlab.CLIENT)
        yield lab
    finally:
        codes = lab.stop()
        if saved_env is None:
            os.environ.pop("ASAN_OPTIONS", None)
        else:
            os.environ["ASAN_OPTIONS"] = saved_env
    logs = {p.name: p.read_text() for p in d.glob("*.log")}
    resolver_log = logs.get("resolver.log", "")
    assert not sanitizer_report(resolver_log), resolver_log[-4000:]
    assert codes[-1] == 0, f"dnsim-resolver exit {codes[-1]}:\n{resolver_log[-4000:]}"
    for name, text in logs.items():
        assert not sanitizer_report(text), f"{name}:\n{text[-4000:]}"


def fire(lab, queries, window=400, timeout=25):
    import netlab
    p = subprocess.run(["ip", "netns", "exec", lab.client, sys.executable, str(HERE / "hostile_client.py")],
                       input=json.dumps({"server": netlab.RESOLVER, "queries": queries,
                                         "window": window, "timeout": timeout}),
                       capture_output=True, text=True, timeout=timeout + 120)
    assert p.returncode == 0, p.stderr
    for proc in lab.procs:
        assert proc.poll() is None, f"{proc.args} died (exit {proc.returncode}); logs in {lab.dir}"
    return json.loads(p.stdout)


def ctl_stats(lab):
    import conftest
    return ctl(lambda name: str(conftest.bindir() / name), lab, "stats")


def ctl(tool, lab, *cmd):
    return subprocess.run([tool("dnsim-resolver"), "-C", str(lab.dir / "ctl"), *cmd],
                          capture_output=True, text=True, timeout=10).stdout


def test_resolver_under_hostile_upstream(tool, rlab):
    rng = random.Random(4242)
    t0 = time.monotonic()
    # Warm up: every mode at least once, and enough names to fill the cache.
    warm = workload(rng, ok=range(0, 1500), mix=range(0, 50), bad=range(0, 90))
    check(rlab, fire(rlab, warm, window=200), {})
    rss = [rss_kb(rlab.resolver.pid)]
    # Two barrages: fresh names (so upstream queries), cache hits, NODATA,
    # names answered behind junk, and names only ever mangled.
    totals = {}
    sent, slowest_bad = len(warm), 0
    for base in (10000, 20000):
        main = workload(rng, ok=range(base, base + 1800), repeats=[rng.randrange(1500) for _ in range(400)],
                        aaaa=range(base, base + 100), mix=range(base, base + 400),
                        bad=range(base, base + 900))
        results = fire(rlab, main)
        rss.append(rss_kb(rlab.resolver.pid))
        check(rlab, results, totals)
        sent += len(main)
        slowest_bad = max([slowest_bad] + [r[5] for r in results if r[0].startswith("bad-")])
    # After it all: the victim's true address, and nothing false cached.
    victim = fire(rlab, [["www.victim.", "A"], ["ok-7.hostile.", "A"]], window=2)
    sent += len(victim)
    dump = ctl(tool, rlab, "dump")
    stats = ctl(tool, rlab, "stats")
    print(f"\n[resolver] {sent} client queries in {time.monotonic() - t0:.1f}s; in the two barrages "
          f"{totals['ok']} ok + {totals['mix']} mixed-with-junk answers checked, "
          f"{totals['nodata']} NODATA, {totals['bad']} SERVFAIL for mangled names "
          f"(slowest {slowest_bad:.1f}s); {totals['servfail_then_ok']} valid names SERVFAIL at first, "
          f"right when asked again")
    print(f"[resolver] VmRSS after warm-up {rss[0]} kB, after barrage 1 {rss[1]} kB, "
          f"after barrage 2 {rss[2]} kB (growth over barrage 2: {rss[2] - rss[1]} kB)")
    print("[resolver] stats: " + " ".join(stats.split()))
    assert victim[0][2] == dns.rcode.NOERROR and victim[0][3] == [["www.victim.", "A", "192.0.2.123"]], victim
    assert victim[1][3] == [["ok-7.hostile.", "A", addr(7)]], victim
    assert POISON not in dump, [l for l in dump.splitlines() if POISON in l][:10]
    assert rss[2] - rss[1] < RESOLVER_GROWTH_MAX_KB, f"dnsim-resolver grew by {rss[2] - rss[1]} kB"
