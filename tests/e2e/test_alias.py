"""ALIAS records (dnsim's CNAME flattening) in dnsim-auth, against a fake
resolver run by the test: it answers the target names with addresses
and TTLs the test sets, can answer SERVFAIL or hold its answer until
told, and writes down every query it gets.

Checked: A and AAAA at the apex are the target's addresses, owned by
the apex, with the lower of the two TTLs; the ALIAS itself is never
sent (NODATA for its type); the addresses are kept for the target's
TTL and looked up again after it, so the answer follows the target;
while the resolver fails, the last addresses until their TTL runs out,
then SERVFAIL; a query waiting for a lookup does not hold up others
(UDP and TCP); AXFR carries the ALIAS record; dnsim-zonecheck accepts
ALIAS and refuses it beside a CNAME or an A.  Loopback ports above
1024: no root.

Then the default internet (its last test, needs root): example.net.'s
apex is an ALIAS to site.cdn.net. (TTL 5 s), served by ns-cdn, which
asks public-resolver; `sim zone` moves site.cdn.net. and the apex
follows once the target's TTL has run out."""
import os
import signal
import socket
import struct
import subprocess
import threading
import time

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import dns.rrset
import pytest

from conftest import TOP
from test_tutorials import running_own_sim

ADDR, PORT = "127.0.0.1", 5417
ALIAS_TYPE = 65401

ZONE = """$TTL 3600
@        IN SOA ns.example.net. hostmaster.example.net. 1 7200 3600 1209600 60
@        IN NS  ns.example.net.
ns       IN A   127.0.0.1
@    300 IN ALIAS site.cdn.test.
www      IN A   192.0.2.80
brief  2 IN ALIAS long.cdn.test.
hold     IN ALIAS slow.cdn.test.
flaky    IN ALIAS flaky.cdn.test.
none     IN ALIAS empty.cdn.test.
"""


class FakeResolver:
    """A resolver on 127.0.0.1 that answers from `names`: qname ->
    {"A": [...], "AAAA": [...], "ttl": N, "mode": "answer"|"servfail"|"hold"}.
    Held queries are answered when release() is called."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.names = {}
        self.heard = []
        self.held = []
        self.lock = threading.Lock()
        self.stopped = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def answer(self, q):
        r = dns.message.make_response(q)
        r.flags |= dns.flags.RA
        name = q.question[0].name.to_text()
        rdtype = dns.rdatatype.to_text(q.question[0].rdtype)
        entry = self.names.get(name)
        if entry is None:
            r.set_rcode(dns.rcode.NXDOMAIN)
            return r
        if entry["mode"] == "servfail":
            r.set_rcode(dns.rcode.SERVFAIL)
            return r
        addrs = entry.get(rdtype, [])
        if addrs:
            r.answer.append(dns.rrset.from_text_list(name, entry["ttl"], "IN", rdtype, addrs))
        else:
            r.authority.append(dns.rrset.from_text(
                "cdn.test.", 30, "IN", "SOA", "ns.cdn.test. h.cdn.test. 1 60 60 60 30"))
        return r

    def serve(self):
        while not self.stopped:
            try:
                data, peer = self.sock.recvfrom(4096)
            except OSError:
                return
            q = dns.message.from_wire(data)
            with self.lock:
                name = q.question[0].name.to_text()
                self.heard.append((name, dns.rdatatype.to_text(q.question[0].rdtype),
                                   bool(q.flags & dns.flags.RD)))
                entry = self.names.get(name)
                if entry and entry["mode"] == "hold":
                    self.held.append((q, peer))
                    continue
                r = self.answer(q)
            self.sock.sendto(r.to_wire(), peer)

    def release(self):
        with self.lock:
            held, self.held = self.held, []
            for q, peer in held:
                self.names[q.question[0].name.to_text()]["mode"] = "answer"
                self.sock.sendto(self.answer(q).to_wire(), peer)
        return len(held)

    def count(self, name, rdtype="A"):
        with self.lock:
            return sum(1 for n, t, _ in self.heard if n == name and t == rdtype)

    def close(self):
        self.stopped = True
        self.sock.close()


@pytest.fixture(scope="module")
def lab(tool, tmp_path_factory):
    d = tmp_path_factory.mktemp("alias")
    fake = FakeResolver()
    fake.names = {
        "site.cdn.test.": {"A": ["203.0.113.12"], "AAAA": ["2001:db8:113::12"], "ttl": 5,
                           "mode": "answer"},
        "long.cdn.test.": {"A": ["198.51.100.7"], "ttl": 600, "mode": "answer"},
        "slow.cdn.test.": {"A": ["198.51.100.8"], "ttl": 600, "mode": "hold"},
        "flaky.cdn.test.": {"A": ["198.51.100.9"], "ttl": 3, "mode": "answer"},
        "empty.cdn.test.": {"ttl": 30, "mode": "answer"},
    }
    (d / "example.net.zone").write_text(ZONE)
    (d / "auth.conf").write_text(f"""listen {ADDR}@{PORT}
zone example.net. {d / 'example.net.zone'}
allow-transfer 127.0.0.1
alias-resolver 127.0.0.1@{fake.port}
query-log stderr
""")
    log = open(d / "auth.log", "w")
    p = subprocess.Popen([tool("dnsim-auth"), "-c", str(d / "auth.conf")], stderr=log)
    try:
        deadline = time.monotonic() + 10
        while "ready" not in (d / "auth.log").read_text():
            assert p.poll() is None and time.monotonic() < deadline, (d / "auth.log").read_text()
            time.sleep(0.02)
        p.dir = d
        p.fake = fake
        yield p
    finally:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        fake.close()
    assert p.returncode == 0, (d / "auth.log").read_text()[-2000:]


def q(name, rdtype="A"):
    m = dns.message.make_query(name, rdtype)
    m.flags &= ~dns.flags.RD
    return m


def udp(name, rdtype="A"):
    return dns.query.udp(q(name, rdtype), ADDR, port=PORT, timeout=5)


def addresses(r, rdtype="A"):
    assert r.rcode() == dns.rcode.NOERROR, r
    return sorted(rd.to_text() for s in r.answer if s.rdtype == dns.rdatatype.from_text(rdtype)
                  for rd in s)


def test_apex_answers_the_targets_addresses(lab):
    r = udp("example.net.")
    assert r.flags & dns.flags.AA
    assert addresses(r) == ["203.0.113.12"]
    # One RRset, owned by the name asked, with the lower TTL (5 < 300).
    assert len(r.answer) == 1 and r.answer[0].name.to_text() == "example.net."
    assert r.answer[0].ttl <= 5
    assert addresses(udp("example.net.", "AAAA"), "AAAA") == ["2001:db8:113::12"]
    # Asked of the resolver, recursion desired.
    assert ("site.cdn.test.", "A", True) in lab.fake.heard
    # The ALIAS itself never goes out: its own type is NODATA.
    r = udp("example.net.", ALIAS_TYPE)
    assert r.rcode() == dns.rcode.NOERROR and not r.answer
    assert r.authority and r.authority[0].rdtype == dns.rdatatype.SOA
    # Other records of the zone are as written.
    assert addresses(udp("www.example.net.")) == ["192.0.2.80"]


def test_alias_ttl_when_lower_and_nodata(lab):
    r = udp("brief.example.net.")
    assert addresses(r) == ["198.51.100.7"] and r.answer[0].ttl <= 2
    # A target without addresses of the type asked: NODATA.
    r = udp("none.example.net.")
    assert r.rcode() == dns.rcode.NOERROR and not r.answer
    assert r.authority and r.authority[0].rdtype == dns.rdatatype.SOA


def test_kept_for_the_ttl_then_follows_the_target(lab):
    fake = lab.fake
    assert addresses(udp("example.net.")) in (["203.0.113.12"], ["203.0.113.99"])
    before = fake.count("site.cdn.test.")
    for _ in range(10):
        udp("example.net.")
    # Answered from what the lookup brought, not asked each time (a
    # refresh near the end of the TTL at most).
    assert fake.count("site.cdn.test.") <= before + 1
    fake.names["site.cdn.test."]["A"] = ["203.0.113.99"]
    deadline = time.monotonic() + 30
    seen = []
    while time.monotonic() < deadline:
        r = udp("example.net.")
        seen.append(addresses(r))
        assert r.answer[0].ttl <= 5
        if seen[-1] == ["203.0.113.99"]:
            break
        time.sleep(0.2)
    assert seen[-1] == ["203.0.113.99"], seen
    assert fake.count("site.cdn.test.") > before


def test_a_lookup_does_not_hold_up_other_queries(lab):
    fake = lab.fake
    waiting = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    waiting.settimeout(10)
    waiting.sendto(q("hold.example.net.").to_wire(), (ADDR, PORT))
    waiting_tcp = socket.create_connection((ADDR, PORT), timeout=10)
    wire = dns.message.make_query("hold.example.net.", "A").to_wire()
    waiting_tcp.sendall(struct.pack("!H", len(wire)) + wire)
    deadline = time.monotonic() + 10
    while fake.count("slow.cdn.test.") == 0:
        assert time.monotonic() < deadline, "the lookup never reached the resolver"
        time.sleep(0.02)
    # While the resolver holds its answer, the server answers others.
    assert addresses(udp("www.example.net.")) == ["192.0.2.80"]
    assert addresses(udp("brief.example.net.")) == ["198.51.100.7"]
    waiting.setblocking(False)
    with pytest.raises(BlockingIOError):
        waiting.recv(4096)
    # Both waiting queries wait for the one lookup (tried again while
    # the resolver is silent, so maybe held more than once).
    assert fake.release() >= 1
    waiting.settimeout(10)
    assert addresses(dns.message.from_wire(waiting.recv(4096))) == ["198.51.100.8"]
    n = struct.unpack("!H", waiting_tcp.recv(2))[0]
    data = b""
    while len(data) < n:
        data += waiting_tcp.recv(n - len(data))
    assert addresses(dns.message.from_wire(data)) == ["198.51.100.8"]
    waiting.close()
    waiting_tcp.close()


def test_resolver_failure_last_addresses_then_servfail(lab):
    fake = lab.fake
    assert addresses(udp("flaky.example.net.")) == ["198.51.100.9"]
    fake.names["flaky.cdn.test."]["mode"] = "servfail"
    deadline = time.monotonic() + 30
    rcodes = []
    while time.monotonic() < deadline:
        r = udp("flaky.example.net.")
        rcodes.append(r.rcode())
        if r.rcode() == dns.rcode.SERVFAIL:
            break
        # Until the TTL runs out: the last known addresses.
        assert addresses(r) == ["198.51.100.9"]
        time.sleep(0.2)
    assert rcodes[-1] == dns.rcode.SERVFAIL, rcodes
    assert "flaky.cdn.test" in (lab.dir / "auth.log").read_text()
    # The resolver answers again: so does the name.
    fake.names["flaky.cdn.test."]["mode"] = "answer"
    fake.names["flaky.cdn.test."]["A"] = ["198.51.100.10"]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        r = udp("flaky.example.net.")
        if r.rcode() == dns.rcode.NOERROR:
            break
        time.sleep(0.2)
    assert addresses(r) == ["198.51.100.10"]


def test_lookups_and_failures_are_counted(lab):
    m = dns.message.make_query("stats.dnsim.", "TXT", rdclass="CH")
    r = dns.query.udp(m, ADDR, port=PORT, timeout=5)
    items = dict(item.decode().split("=", 1) for s in r.answer for rd in s for item in rd.strings)
    # Every target was asked at least once; flaky.cdn.test. failed.
    assert int(items["alias.lookups"]) >= 5, items
    assert int(items["alias.failures"]) >= 1, items


def test_axfr_carries_the_alias_record(lab):
    xfr = dns.query.xfr(ADDR, "example.net.", port=PORT, timeout=5)
    records = [(rrset.name.to_text(), rrset.rdtype, rd)
               for m in xfr for rrset in m.answer for rd in rrset]
    aliases = {name: rd.to_wire() for name, t, rd in records if t == ALIAS_TYPE}
    assert set(aliases) == {"@", "brief", "hold", "flaky", "none"}
    # The RDATA: the target's name, uncompressed.
    assert aliases["@"] == dns.name.from_text("site.cdn.test.").to_wire()
    # No address records made up for the apex in the transfer.
    assert not any(name == "@" and t == dns.rdatatype.A for name, t, _ in records)


def zonecheck(tool, tmp_path, text):
    f = tmp_path / "z.zone"
    f.write_text("$TTL 60\n@ SOA ns h 1 60 60 60 60\n@ NS ns.example.org.\n" + text)
    return subprocess.run([tool("dnsim-zonecheck"), "example.net.", str(f)],
                          capture_output=True, text=True, timeout=30)


def test_zonecheck(tool, tmp_path):
    r = zonecheck(tool, tmp_path, "@ ALIAS site.cdn.test.\nwww CNAME site.cdn.test.\n")
    assert r.returncode == 0, r.stderr
    assert "ALIAS" in r.stdout and "site.cdn.test." in r.stdout
    r = zonecheck(tool, tmp_path, "www ALIAS site.cdn.test.\nwww CNAME other.cdn.test.\n")
    assert r.returncode == 1 and "ALIAS" in r.stderr
    r = zonecheck(tool, tmp_path, "@ ALIAS site.cdn.test.\n@ A 192.0.2.1\n")
    assert r.returncode == 1 and "ALIAS and A" in r.stderr


# ---- the default internet ----------------------------------------------

SIM = "aliasnet"
NS_CDN = "203.0.113.60"


@pytest.fixture(scope="module")
def internet(tool):
    if os.geteuid() != 0:
        pytest.skip("the supervisor needs root")
    with running_own_sim(tool, SIM, TOP / "topologies" / "internet.toml", "--no-delay") as s:
        yield s


def dig(net, node, *args):
    r = net.exec(SIM, node, "dig", "+time=3", "+tries=2", *args, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def apex(net, *args):
    """example.net.'s A records and their TTL, from ns-cdn itself."""
    out = dig(net, "laptop", "+norecurse", f"@{NS_CDN}", "example.net.", "A", *args)
    rows = [f for f in map(str.split, out.splitlines())
            if len(f) == 5 and f[0] == "example.net." and f[3] == "A"]
    assert "status: NOERROR" in out and "flags: qr aa" in out, out
    return sorted(r[4] for r in rows), [int(r[1]) for r in rows]


def test_default_internet_apex_follows_the_target(internet):
    s = internet
    addrs, ttls = apex(s)
    assert addrs == ["203.0.113.12"] and all(t <= 5 for t in ttls), (addrs, ttls)
    # Through the laptop's resolver, as a browser would find it.
    assert dig(s, "laptop", "+short", "example.net.", "A").split() == ["203.0.113.12"]
    assert dig(s, "laptop", "+short", "example.net.", "AAAA").split() == ["2001:db8:113::12"]
    # The site moves to web2.
    for args in (("del", "cdn.net.", "site A"), ("add", "cdn.net.", "site 5 A 203.0.113.11")):
        r = s("--name", SIM, "zone", "ns-cdn", *args, timeout=60)
        assert r.returncode == 0, r.stdout + r.stderr
    assert dig(s, "laptop", "+short", "+norecurse", f"@{NS_CDN}", "site.cdn.net.",
               "A").split() == ["203.0.113.11"]
    deadline = time.monotonic() + 60
    seen = []
    while time.monotonic() < deadline:
        addrs, ttls = apex(s)
        seen.append(addrs)
        assert all(t <= 5 for t in ttls), ttls
        if addrs == ["203.0.113.11"]:
            break
        time.sleep(0.5)
    assert seen[-1] == ["203.0.113.11"], seen
