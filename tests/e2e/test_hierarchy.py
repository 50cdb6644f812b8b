"""A small internet in network namespaces (tests/e2e/netlab.py): a root,
a TLD server and two domain servers, all dnsim-auth, and dnsim-resolver
resolving through them; dnspython asks from a client namespace.

Needs root (port 53); skipped otherwise.
"""
import json
import os
import time

import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import pytest

from conftest import run
import netlab
from netlab import EXAMPLE, RESOLVER, TLD, Lab

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (network namespaces)")

@pytest.fixture(scope="module")
def net(tool, tmp_path_factory):
    lab = Lab(tmp_path_factory.mktemp("netlab"))
    try:
        lab.auth_dnsim(tool)
        lab.resolver_dnsim(tool)
        yield lab
    finally:
        codes = lab.stop()
    # Sanitizer builds report leaks at exit: a clean exit is part of the test.
    assert all(c == 0 for c in codes), f"exit codes {codes}"


LAB = None


def ask(name, rdtype="A", server=RESOLVER, tcp=False):
    return netlab.ask(LAB, server, name, rdtype, tcp=tcp)


@pytest.fixture(autouse=True)
def _lab(net):
    global LAB
    LAB = net


def trace(net):
    return [json.loads(l) for l in (net.dir / "trace.jsonl").read_text().splitlines()]


def rrs(msg, rdtype):
    return sorted(r.to_text() for s in msg.answer if s.rdtype == rdtype for r in s)


def test_cname_across_zones(net):
    r = ask("www.example.com")
    assert r.rcode() == dns.rcode.NOERROR
    assert r.flags & dns.flags.RA and not r.flags & dns.flags.AA
    assert rrs(r, dns.rdatatype.CNAME) == ["web.other.net."]
    assert rrs(r, dns.rdatatype.A) == ["192.0.2.80"]


def test_second_query_from_cache(net):
    ask("mail.example.com")
    before = len([e for e in trace(net) if e["ev"] == "query"])
    r = ask("mail.example.com")
    after = len([e for e in trace(net) if e["ev"] == "query"])
    assert rrs(r, dns.rdatatype.A) == ["192.0.2.25"]
    assert after == before, "a cached answer must not go upstream"


def test_negative_answers(net):
    r = ask("nope.example.com")
    assert r.rcode() == dns.rcode.NXDOMAIN
    assert r.authority and r.authority[0].rdtype == dns.rdatatype.SOA
    assert r.authority[0].ttl <= 60
    r = ask("mail.example.com", "TXT")
    assert r.rcode() == dns.rcode.NOERROR and not r.answer
    assert r.authority[0].rdtype == dns.rdatatype.SOA


def test_qname_minimisation_in_trace(net):
    ask("web.other.net", "AAAA")
    queries = [e for e in trace(net) if e["ev"] == "query" and e["zone"] == "."]
    # The root is only ever shown one label: "net.", never the whole name.
    assert any(q["qname"] == "net." for q in queries)
    assert all(q["qname"].count(".") == 1 for q in queries), queries


def test_ttl_expires(net):
    r1 = ask("short.example.com")
    assert rrs(r1, dns.rdatatype.A) == ["192.0.2.2"]
    time.sleep(2.5)
    before = len([e for e in trace(net) if e["ev"] == "query"])
    ask("short.example.com")
    after = len([e for e in trace(net) if e["ev"] == "query"])
    assert after > before, "an expired entry must be fetched again"


def test_control_socket(tool, net):
    ask("example.com", "MX")
    dump = run([tool("dnsim-resolver"), "-C", str(net.dir / "ctl"), "dump"])
    assert dump.returncode == 0
    assert "example.com.\t" in dump.stdout and "MX\t10 mail.example.com." in dump.stdout
    stats = run([tool("dnsim-resolver"), "-C", str(net.dir / "ctl"), "stats"])
    values = dict(l.split() for l in stats.stdout.splitlines())
    assert int(values["queries"]) > 0 and int(values["cache.entries"]) > 0
    flushed = run([tool("dnsim-resolver"), "-C", str(net.dir / "ctl"), "flush"])
    assert flushed.stdout.startswith("flushed ")
    dump = run([tool("dnsim-resolver"), "-C", str(net.dir / "ctl"), "dump"])
    assert "example.com." not in dump.stdout


def test_authoritative_referral_and_tcp(net):
    r = ask("www.example.com", server=TLD)
    assert not r.flags & dns.flags.AA and not r.answer
    assert {rr.to_text() for s in r.authority for rr in s} == {
        "ns1.example.com.", "ns.other.net."}
    assert [s.name.to_text() for s in r.additional] == ["ns1.example.com."]
    r = ask("example.com", "MX", server=EXAMPLE, tcp=True)
    assert r.flags & dns.flags.AA
    assert rrs(r, dns.rdatatype.MX) == ["10 mail.example.com."]
    # The zone's NS go in authority, and addresses for the MX target and
    # the in-zone nameserver in additional (as NSD and BIND give them).
    assert {s.name.to_text() for s in r.authority} == {"example.com."}
    assert {s.name.to_text() for s in r.additional} == {"mail.example.com.", "ns1.example.com."}
