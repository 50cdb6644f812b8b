"""A small internet on loopback: a root, a TLD server and two domain
servers (all dnsim-auth, each on its own 127.53.0.x address, port 53), and
dnsim-resolver resolving through them.  dig and dnspython are the clients.

Needs root (port 53); skipped otherwise.
"""
import json
import os
import signal
import subprocess
import time

import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import pytest

from conftest import run

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to bind port 53")

ZONES = {
    "root.zone": """$TTL 86400
. SOA a.root-servers.net. nstld.example. 1 1800 900 604800 86400
. NS a.root-servers.net.
a.root-servers.net. A 127.53.0.2
com. 172800 NS a.gtld-servers.net.
net. 172800 NS a.gtld-servers.net.
a.gtld-servers.net. 172800 A 127.53.0.3
""",
    "com.zone": """$TTL 172800
@ SOA a.gtld-servers.net. nstld.example. 1 1800 900 604800 86400
@ NS a.gtld-servers.net.
example.com. NS ns1.example.com.
example.com. NS ns.other.net.
ns1.example.com. A 127.53.0.4
""",
    "net.zone": """$TTL 172800
@ SOA a.gtld-servers.net. nstld.example. 1 1800 900 604800 86400
@ NS a.gtld-servers.net.
a.gtld-servers.net. A 127.53.0.3
other.net. NS ns.other.net.
ns.other.net. A 127.53.0.5
""",
    "example.zone": """$TTL 300
@ SOA ns1 admin 1 2 3 4 60
@ NS ns1
@ NS ns.other.net.
ns1 A 127.53.0.4
www CNAME web.other.net.
mail A 192.0.2.25
@ MX 10 mail
short 2 A 192.0.2.2
""",
    "other.zone": """$TTL 300
@ SOA ns admin 1 2 3 4 60
@ NS ns
ns A 127.53.0.5
web A 192.0.2.80
web AAAA 2001:db8::80
""",
    "hints": """.  3600000  NS  a.root-servers.net.
a.root-servers.net. 3600000 A 127.53.0.2
""",
}

RESOLVER = "127.53.0.53"


@pytest.fixture(scope="module")
def net(tool, tmp_path_factory):
    d = tmp_path_factory.mktemp("loopnet")
    for name, text in ZONES.items():
        (d / name).write_text(text)
    auth = tool("dnsim-auth")
    cmds = [
        [auth, "-l", "127.53.0.2", "-z", ".=" + str(d / "root.zone")],
        [auth, "-l", "127.53.0.3", "-z", "com=" + str(d / "com.zone"),
         "-z", "net=" + str(d / "net.zone")],
        [auth, "-l", "127.53.0.4", "-z", "example.com=" + str(d / "example.zone")],
        [auth, "-l", "127.53.0.5", "-z", "other.net=" + str(d / "other.zone"),
         "-z", "example.com=" + str(d / "example.zone")],
        [tool("dnsim-resolver"), "-l", RESOLVER, "-r", str(d / "hints"),
         "-T", str(d / "trace.jsonl"), "-C", str(d / "ctl")],
    ]
    procs = []
    try:
        for cmd in cmds:
            log = open(d / (os.path.basename(cmd[0]) + f"-{len(procs)}.log"), "w")
            procs.append(subprocess.Popen(cmd, stderr=log))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            logs = "".join(p.read_text() for p in d.glob("*.log"))
            if logs.count("ready") == len(cmds):
                break
            assert all(p.poll() is None for p in procs), logs
            time.sleep(0.05)
        else:
            pytest.fail("servers did not start: " + logs)
        yield d
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        # Sanitizer builds report leaks at exit: a clean exit is part of
        # the test.
        for p in procs:
            assert p.returncode == 0, f"{p.args[0]} exited with {p.returncode}"


def ask(name, rdtype="A", server=RESOLVER, tcp=False):
    q = dns.message.make_query(name, rdtype)
    return (dns.query.tcp if tcp else dns.query.udp)(q, server, timeout=5)


def trace(net):
    return [json.loads(l) for l in (net / "trace.jsonl").read_text().splitlines()]


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
    r = ask("mail.example.com", "AAAA")
    assert r.rcode() == dns.rcode.NOERROR and not r.answer
    assert r.authority[0].rdtype == dns.rdatatype.SOA


def test_qname_minimisation_in_trace(net):
    ask("web.other.net", "AAAA")
    queries = [e for e in trace(net) if e["ev"] == "query" and e["zone"] == "."]
    assert queries and all(q["qname"] in ("com.", "net.") for q in queries)


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
    dump = run([tool("dnsim-resolver"), "-C", str(net / "ctl"), "dump"])
    assert dump.returncode == 0
    assert "example.com.\t" in dump.stdout and "MX\t10 mail.example.com." in dump.stdout
    stats = run([tool("dnsim-resolver"), "-C", str(net / "ctl"), "stats"])
    values = dict(l.split() for l in stats.stdout.splitlines())
    assert int(values["queries"]) > 0 and int(values["cache.entries"]) > 0
    flushed = run([tool("dnsim-resolver"), "-C", str(net / "ctl"), "flush"])
    assert flushed.stdout.startswith("flushed ")
    dump = run([tool("dnsim-resolver"), "-C", str(net / "ctl"), "dump"])
    assert "example.com." not in dump.stdout


def test_authoritative_referral_and_tcp(net):
    r = ask("www.example.com", server="127.53.0.3")
    assert not r.flags & dns.flags.AA and not r.answer
    assert {rr.to_text() for s in r.authority for rr in s} == {
        "ns1.example.com.", "ns.other.net."}
    assert [s.name.to_text() for s in r.additional] == ["ns1.example.com."]
    r = ask("example.com", "MX", server="127.53.0.4", tcp=True)
    assert r.flags & dns.flags.AA
    assert rrs(r, dns.rdatatype.MX) == ["10 mail.example.com."]
    # The zone's NS go in authority, and addresses for the MX target and
    # the in-zone nameserver in additional (as NSD and BIND give them).
    assert {s.name.to_text() for s in r.authority} == {"example.com."}
    assert {s.name.to_text() for s in r.additional} == {"mail.example.com.", "ns1.example.com."}
