"""dnsim-resolver against a loopback internet with a few bad actors:

- failover: zones with one dead and one live nameserver; a zone whose
  servers are all dead fails with SERVFAIL, in bounded time;
- a truncated answer is fetched again over TCP;
- spoofing: an "attacker" authoritative server (a thread in this test)
  sends responses with the wrong ID, from the wrong port, and answers
  stuffed with records for a zone it has no authority over; none of it
  is believed, and the victim's real address still resolves;
- a server that rejects EDNS is asked again without it;
- clients outside the allowed prefixes are REFUSED; blocked names get
  NXDOMAIN (or the sinkhole address); negative answers expire.
Needs root (port 53 on 127.53.0.x)."""
import json
import os
import socket
import threading
import time

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import dns.rrset
import pytest

from conftest import run
from loopnet import FAILOVER, RESOLVER, Lab, ask

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to bind port 53")

ATTACKER = "127.53.0.6"


class Attacker(threading.Thread):
    """A lying authoritative server for attacker.com."""

    def __init__(self):
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((ATTACKER, 53))
        self.other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.other.bind((ATTACKER, 0))            # a different source port
        self.sock.settimeout(0.2)
        self.stop = False
        self.forged = 0

    def answer(self, q, *rrsets, rcode=0, authority=(), additional=()):
        r = dns.message.make_response(q)
        r.flags |= dns.flags.AA
        r.set_rcode(rcode)
        r.answer.extend(rrsets)
        r.authority.extend(authority)
        r.additional.extend(additional)
        return r

    def run(self):
        while not self.stop:
            try:
                wire, peer = self.sock.recvfrom(4096)
            except socket.timeout:
                continue
            q = dns.message.from_wire(wire)
            name = q.question[0].name.to_text().lower()
            rdtype = q.question[0].rdtype
            A = lambda n, a: dns.rrset.from_text(n, 300, "IN", "A", a)
            if name == "attacker.com." or rdtype != dns.rdatatype.A:
                # Zone structure questions (QNAME minimisation): NODATA.
                soa = dns.rrset.from_text("attacker.com.", 300, "IN", "SOA",
                                          "ns.attacker.com. h.attacker.com. 1 2 3 4 60")
                self.sock.sendto(self.answer(q, authority=[soa]).to_wire(), peer)
            elif name == "poison.attacker.com.":
                # A true answer with lies for victim.net riding along.
                r = self.answer(q, A(name, "192.0.2.66"),
                                authority=[dns.rrset.from_text("victim.net.", 300, "IN", "NS", "ns.attacker.com.")],
                                additional=[A("www.victim.net.", "198.18.66.66"),
                                            A("ns.other.net.", "198.18.66.67")])
                self.sock.sendto(r.to_wire(), peer)
                self.forged += 3
            elif name == "race.attacker.com.":
                bad = self.answer(q, A(name, "198.18.66.1"))
                bad.id = (q.id + 1) % 65536                      # wrong ID
                self.sock.sendto(bad.to_wire(), peer)
                self.other.sendto(self.answer(q, A(name, "198.18.66.2")).to_wire(), peer)  # wrong port
                wrong_q = dns.message.make_query("other.attacker.com", "A")
                wrong_q.id = q.id
                self.sock.sendto(self.answer(wrong_q, A("other.attacker.com.", "198.18.66.3")).to_wire(), peer)
                self.forged += 3
                time.sleep(0.05)
                self.sock.sendto(self.answer(q, A(name, "192.0.2.77")).to_wire(), peer)
            elif name == "noedns.attacker.com.":
                if q.edns >= 0:
                    self.sock.sendto(self.answer(q, rcode=dns.rcode.FORMERR).to_wire(), peer)
                else:
                    self.sock.sendto(self.answer(q, A(name, "192.0.2.88")).to_wire(), peer)
            else:
                self.sock.sendto(self.answer(q, rcode=dns.rcode.NXDOMAIN).to_wire(), peer)


@pytest.fixture(scope="module")
def lab(tool, tmp_path_factory):
    d = tmp_path_factory.mktemp("resolver")
    (d / "resolver.conf").write_text("""block ads.example.com blocked.example.net
sinkhole 192.0.2.254
max-negative-ttl 2
""")
    l = Lab(d)
    attacker = Attacker()
    attacker.start()
    try:
        l.auth_dnsim(tool)
        l.auth_dnsim(tool, FAILOVER)
        l.resolver_dnsim(tool, "-c", str(d / "resolver.conf"), "-a", "127.0.0.1/32",
                         "-a", "127.53.0.0/24")
        l.attacker = attacker
        yield l
    finally:
        attacker.stop = True
        codes = l.stop()
    assert codes[-1] == 0, "dnsim-resolver did not exit cleanly"


def trace(lab):
    return [json.loads(l) for l in (lab.dir / "trace.jsonl").read_text().splitlines()]


def ctl(tool, lab, *cmd):
    return run([tool("dnsim-resolver"), "-C", str(lab.dir / "ctl"), *cmd]).stdout


def addresses(r):
    return sorted(rd.to_text() for s in r.answer if s.rdtype == dns.rdatatype.A for rd in s)


def test_failover_to_the_live_nameserver(lab):
    for i in range(1, 7):
        r = ask(RESOLVER, f"www.failover{i}.com")
        assert r.rcode() == dns.rcode.NOERROR and addresses(r) == [f"192.0.2.{200 + i}"]
    events = trace(lab)
    dead = {f"127.53.0.{40 + 2 * i}#53" for i in range(1, 7)}
    failed = [e for e in events if e["ev"] in ("timeout", "unreachable") and e["server"] in dead]
    # The TLD rotates the two NS names, so some zones were asked at the
    # dead server first -- and still answered.
    assert failed, "no resolution met a dead server first"


def test_all_servers_dead_is_servfail_in_bounded_time(lab):
    t0 = time.monotonic()
    r = ask(RESOLVER, "www.dead.com", timeout=15)
    assert r.rcode() == dns.rcode.SERVFAIL
    assert time.monotonic() - t0 < 12


def test_truncated_answer_retried_over_tcp(lab):
    r = ask(RESOLVER, "big.example.com", "TXT", tcp=True)
    assert r.rcode() == dns.rcode.NOERROR and len(r.answer[0]) == 16
    events = trace(lab)
    rq = [e["rq"] for e in events if e["ev"] == "truncated"]
    assert rq, "no truncated answer seen"
    assert any(e["ev"] == "query" and e["rq"] == rq[-1] and e["transport"] == "tcp" for e in events)
    # Over UDP the stub gets TC from us in turn, as it should.
    r = ask(RESOLVER, "big.example.com", "TXT")
    assert r.flags & dns.flags.TC


def test_out_of_bailiwick_records_are_not_cached(tool, lab):
    r = ask(RESOLVER, "poison.attacker.com")
    assert addresses(r) == ["192.0.2.66"]
    dump = ctl(tool, lab, "dump")
    assert "198.18.66" not in dump
    assert "victim.net.\t" not in dump.replace("www.victim.net", "")
    r = ask(RESOLVER, "www.victim.net")
    assert addresses(r) == ["192.0.2.123"]
    r = ask(RESOLVER, "web.other.net")
    assert addresses(r) == ["192.0.2.80"]          # ns.other.net was not poisoned


def test_forged_responses_are_ignored(tool, lab):
    r = ask(RESOLVER, "race.attacker.com")
    assert addresses(r) == ["192.0.2.77"]
    assert "198.18.66" not in ctl(tool, lab, "dump")
    ignored = [e for e in trace(lab) if e["ev"] == "ignored"]
    assert len(ignored) >= 2          # wrong ID, wrong question (wrong port never arrives)


def test_edns_fallback(lab):
    r = ask(RESOLVER, "noedns.attacker.com")
    assert addresses(r) == ["192.0.2.88"]
    assert any(e["ev"] == "edns_fallback" for e in trace(lab))


def test_refused_outside_allowed_prefixes(lab):
    q = dns.message.make_query("www.example.com", "A")
    r = dns.query.udp(q, RESOLVER, timeout=3, source="127.0.0.2")
    assert r.rcode() == dns.rcode.REFUSED
    r = dns.query.udp(q, RESOLVER, timeout=3, source="127.0.0.1")
    assert r.rcode() == dns.rcode.NOERROR


def test_blocklist(lab):
    r = ask(RESOLVER, "tracker.ads.example.com", "A")
    assert addresses(r) == ["192.0.2.254"]
    r = ask(RESOLVER, "blocked.example.net", "TXT")
    assert r.rcode() == dns.rcode.NXDOMAIN


def test_negative_answer_expires(tool, lab):
    ask(RESOLVER, "gone.example.com")
    assert "; NXDOMAIN gone.example.com." in ctl(tool, lab, "dump")
    time.sleep(2.2)                    # max-negative-ttl 2 in the config
    assert "gone.example.com." not in ctl(tool, lab, "dump")


def test_aggregation_sends_one_query(lab):
    qs = [dns.message.make_query("chain.example.com", "MX") for _ in range(5)]
    socks = []
    for q in qs:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(5)
        s.sendto(q.to_wire(), (RESOLVER, 53))
        socks.append(s)
    answers = [dns.message.from_wire(s.recv(4096)) for s in socks]
    for s in socks:
        s.close()
    assert all(a.rcode() == dns.rcode.NOERROR for a in answers)
    starts = [e for e in trace(lab) if e["ev"] == "start" and e.get("qname") == "chain.example.com."
              and e.get("qtype") == "MX"]
    assert len(starts) == 1


def test_ttl_counts_down(lab):
    first = ask(RESOLVER, "countdown.example.com").answer[0].ttl
    time.sleep(2.1)
    second = ask(RESOLVER, "countdown.example.com").answer[0].ttl
    assert first <= 600 and second <= first - 2


def test_prefetch_refreshes_popular_entries(lab):
    for _ in range(3):                       # popular: hits on the entry
        assert addresses(ask(RESOLVER, "pf.example.com")) == ["192.0.2.10"]
    time.sleep(9.2)                          # into the last tenth of its 10 s
    assert addresses(ask(RESOLVER, "pf.example.com")) == ["192.0.2.10"]
    time.sleep(0.3)
    events = trace(lab)
    pre = [e for e in events if e["ev"] == "prefetch"]
    assert pre, "no prefetch"
    assert any(e["ev"] == "done" and e["rq"] == pre[-1]["rq"] for e in events)
    # The refreshed entry lives on past the original expiry, from cache.
    time.sleep(1.0)
    before = len([e for e in trace(lab) if e["ev"] == "query"])
    assert addresses(ask(RESOLVER, "pf.example.com")) == ["192.0.2.10"]
    assert len([e for e in trace(lab) if e["ev"] == "query"]) == before


def test_minimisation_steps_remembered(lab):
    # The first name under cold.example.com walks down label by label;
    # the next one knows the way and asks once.
    ask(RESOLVER, "one.first.cold.example.com")
    before = len([e for e in trace(lab) if e["ev"] == "query"])
    r = ask(RESOLVER, "two.first.cold.example.com")
    assert addresses(r) == ["192.0.2.50"]
    sent = [e for e in trace(lab) if e["ev"] == "query"][before:]
    assert [e["qname"] for e in sent] == ["two.first.cold.example.com."]
