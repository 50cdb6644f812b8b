"""dnsim-resolver in a small internet of network namespaces, with a few bad actors:

- failover: zones with one dead and one live nameserver; a zone whose
  servers are all dead fails with SERVFAIL, in bounded time;
- a truncated answer is fetched again over TCP;
- spoofing: an "attacker" authoritative server (tests/e2e/attacker.py, in its own namespace)
  sends responses with the wrong ID, from the wrong port, and answers
  stuffed with records for a zone it has no authority over; none of it
  is believed, and the victim's real address still resolves;
- a server that rejects EDNS is asked again without it;
- clients outside the allowed prefixes are REFUSED; blocked names get
  NXDOMAIN (or the sinkhole address); negative answers expire.
Needs root (network namespaces)."""
import json
import os
import pathlib
import sys
import time

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import dns.rrset
import pytest

from conftest import run
import netlab
from netlab import FAILOVER, NET, OUTSIDER, RESOLVER, Lab

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (network namespaces)")

ATTACKER = NET + "6"


@pytest.fixture(scope="module")
def lab(tool, tmp_path_factory):
    d = tmp_path_factory.mktemp("resolver")
    (d / "resolver.conf").write_text("""block ads.example.com blocked.example.net
sinkhole 192.0.2.254
max-negative-ttl 2
""")
    l = Lab(d)
    try:
        l.spawn([sys.executable, str(pathlib.Path(__file__).with_name("attacker.py")), ATTACKER],
                "attacker", ATTACKER)
        l.auth_dnsim(tool)
        l.auth_dnsim(tool, FAILOVER)
        l.resolver_dnsim(tool, "-c", str(d / "resolver.conf"))
        l.wait([ATTACKER], name="attacker.com.", rdtype="SOA")
        yield l
    finally:
        codes = l.stop()
    assert codes[-1] == 0, "dnsim-resolver did not exit cleanly"


def ask(lab, server, name, rdtype="A", **kw):
    return netlab.ask(lab, server, name, rdtype, **kw)


def trace(lab):
    return [json.loads(l) for l in (lab.dir / "trace.jsonl").read_text().splitlines()]


def ctl(tool, lab, *cmd):
    return run([tool("dnsim-resolver"), "-C", str(lab.dir / "ctl"), *cmd]).stdout


def addresses(r):
    return sorted(rd.to_text() for s in r.answer if s.rdtype == dns.rdatatype.A for rd in s)


def test_failover_to_the_live_nameserver(lab):
    for i in range(1, 7):
        r = ask(lab, RESOLVER, f"www.failover{i}.com")
        assert r.rcode() == dns.rcode.NOERROR and addresses(r) == [f"192.0.2.{200 + i}"]
    events = trace(lab)
    dead = {f"{NET}{40 + 2 * i}#53" for i in range(1, 7)}
    failed = [e for e in events if e["ev"] in ("timeout", "unreachable") and e["server"] in dead]
    # The TLD rotates the two NS names, so some zones were asked at the
    # dead server first -- and still answered.
    assert failed, "no resolution met a dead server first"


def test_all_servers_dead_is_servfail_in_bounded_time(lab):
    t0 = time.monotonic()
    r = ask(lab, RESOLVER, "www.dead.com", timeout=15)
    assert r.rcode() == dns.rcode.SERVFAIL
    assert time.monotonic() - t0 < 12


def test_truncated_answer_retried_over_tcp(lab):
    r = ask(lab, RESOLVER, "big.example.com", "TXT", tcp=True)
    assert r.rcode() == dns.rcode.NOERROR and len(r.answer[0]) == 16
    events = trace(lab)
    rq = [e["rq"] for e in events if e["ev"] == "truncated"]
    assert rq, "no truncated answer seen"
    assert any(e["ev"] == "query" and e["rq"] == rq[-1] and e["transport"] == "tcp" for e in events)
    # Over UDP the stub gets TC from us in turn, as it should.
    r = ask(lab, RESOLVER, "big.example.com", "TXT")
    assert r.flags & dns.flags.TC


def test_out_of_bailiwick_records_are_not_cached(tool, lab):
    r = ask(lab, RESOLVER, "poison.attacker.com")
    assert addresses(r) == ["192.0.2.66"]
    dump = ctl(tool, lab, "dump")
    assert "198.18.66" not in dump
    assert "victim.net.\t" not in dump.replace("www.victim.net", "")
    r = ask(lab, RESOLVER, "www.victim.net")
    assert addresses(r) == ["192.0.2.123"]
    r = ask(lab, RESOLVER, "web.other.net")
    assert addresses(r) == ["192.0.2.80"]          # ns.other.net was not poisoned


def test_forged_responses_are_ignored(tool, lab):
    r = ask(lab, RESOLVER, "race.attacker.com")
    assert addresses(r) == ["192.0.2.77"]
    assert "198.18.66" not in ctl(tool, lab, "dump")
    ignored = [e for e in trace(lab) if e["ev"] == "ignored"]
    assert len(ignored) >= 2          # wrong ID, wrong question (wrong port never arrives)


def test_edns_fallback(lab):
    r = ask(lab, RESOLVER, "noedns.attacker.com")
    assert addresses(r) == ["192.0.2.88"]
    assert any(e["ev"] == "edns_fallback" for e in trace(lab))


def test_refused_outside_allowed_prefixes(lab):
    r = ask(lab, RESOLVER, "www.example.com", source=OUTSIDER)
    assert r.rcode() == dns.rcode.REFUSED
    r = ask(lab, RESOLVER, "www.example.com")
    assert r.rcode() == dns.rcode.NOERROR


def test_blocklist(lab):
    r = ask(lab, RESOLVER, "tracker.ads.example.com", "A")
    assert addresses(r) == ["192.0.2.254"]
    r = ask(lab, RESOLVER, "blocked.example.net", "TXT")
    assert r.rcode() == dns.rcode.NXDOMAIN


def test_negative_answer_expires(tool, lab):
    ask(lab, RESOLVER, "gone.example.com")
    assert "; NXDOMAIN gone.example.com." in ctl(tool, lab, "dump")
    time.sleep(2.2)                    # max-negative-ttl 2 in the config
    assert "gone.example.com." not in ctl(tool, lab, "dump")


def test_aggregation_sends_one_query(lab):
    # Five identical questions at once, from the client namespace.
    script = (
        "import socket, sys\n"
        "import dns.message\n"
        "socks = []\n"
        "for _ in range(5):\n"
        "    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(5)\n"
        f"    s.sendto(dns.message.make_query('chain.example.com', 'MX').to_wire(), ('{RESOLVER}', 53))\n"
        "    socks.append(s)\n"
        "print(sum(dns.message.from_wire(s.recv(4096)).rcode() == 0 for s in socks))\n")
    out = run(["ip", "netns", "exec", lab.host(netlab.CLIENT), sys.executable, "-c", script])
    assert out.stdout.strip() == "5", out.stderr
    starts = [e for e in trace(lab) if e["ev"] == "start" and e.get("qname") == "chain.example.com."
              and e.get("qtype") == "MX"]
    assert len(starts) == 1


def test_ttl_counts_down(lab):
    first = ask(lab, RESOLVER, "countdown.example.com").answer[0].ttl
    time.sleep(2.1)
    second = ask(lab, RESOLVER, "countdown.example.com").answer[0].ttl
    assert first <= 600 and second <= first - 2


def test_prefetch_refreshes_popular_entries(lab):
    for _ in range(3):                       # popular: hits on the entry
        assert addresses(ask(lab, RESOLVER, "pf.example.com")) == ["192.0.2.10"]
    time.sleep(9.2)                          # into the last tenth of its 10 s
    assert addresses(ask(lab, RESOLVER, "pf.example.com")) == ["192.0.2.10"]
    time.sleep(0.3)
    events = trace(lab)
    pre = [e for e in events if e["ev"] == "prefetch"]
    assert pre, "no prefetch"
    assert any(e["ev"] == "done" and e["rq"] == pre[-1]["rq"] for e in events)
    # The refreshed entry lives on past the original expiry, from cache.
    time.sleep(1.0)
    before = len([e for e in trace(lab) if e["ev"] == "query"])
    assert addresses(ask(lab, RESOLVER, "pf.example.com")) == ["192.0.2.10"]
    assert len([e for e in trace(lab) if e["ev"] == "query"]) == before


def test_minimisation_steps_remembered(lab):
    # The first name under cold.example.com walks down label by label;
    # the next one knows the way and asks once.
    ask(lab, RESOLVER, "one.first.cold.example.com")
    before = len([e for e in trace(lab) if e["ev"] == "query"])
    r = ask(lab, RESOLVER, "two.first.cold.example.com")
    assert addresses(r) == ["192.0.2.50"]
    sent = [e for e in trace(lab) if e["ev"] == "query"][before:]
    assert [e["qname"] for e in sent] == ["two.first.cold.example.com."]
