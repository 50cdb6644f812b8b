"""EDNS Client Subnet (RFC 7871) in dnsim-resolver, against a fake
authoritative server (ecs_server.py) that answers by the subnet it is
told and writes down every query it gets.

The lab: a fake root and the geo.example. server, each in a network
namespace; a resolver with `client-subnet yes` and one with the
default (off); clients in two /24s (198.18.53.0/24 and 198.18.54.0/24).
Checked: what is sent (the client's /24, never to the root), caching
by the SCOPE the server gave (two /24s two answers at scope 24, one
answer for all at scope 0 or without an option), a client's own option
(cut to the limit, echoed with the scope; /0 keeps the address back),
a server's FORMERR to the option, and nothing sent when off.
Needs root (network namespaces)."""
import json
import os
import pathlib
import subprocess
import sys

import dns.edns
import dns.message
import dns.rcode
import dns.rdatatype
import pytest

from netlab import CLIENT, NET, PEER_RESOLVER, RESOLVER, ROOT, Lab

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (network namespaces)")

GEO = NET + "4"
FAR = "198.18.54.77"            # a client in another /24
SERVER = str(pathlib.Path(__file__).with_name("ecs_server.py"))


@pytest.fixture(scope="module")
def lab(tool, tmp_path_factory):
    d = tmp_path_factory.mktemp("ecs")
    (d / "ecs.conf").write_text("client-subnet yes\nallow 198.18.53.0/24 198.18.54.0/24\n")
    l = Lab(d)
    try:
        env = dict(os.environ, GEO_ADDRESS=GEO)
        for role, addr in (("root", ROOT), ("geo", GEO)):
            cmd = ["ip", "netns", "exec", l.host(addr), sys.executable, SERVER, role, addr,
                   str(d / f"{role}.jsonl")]
            l.procs.append(subprocess.Popen(cmd, env=env, stdout=open(d / f"{role}.log", "w"),
                                            stderr=subprocess.STDOUT))
        l.wait([ROOT, GEO])
        l.resolver_dnsim(tool, "-c", str(d / "ecs.conf"))
        l.spawn([tool("dnsim-resolver"), "-l", PEER_RESOLVER, "-r", str(d / "hints"),
                 "-a", f"{NET}0/24"], "resolver-off", PEER_RESOLVER)
        l.wait([PEER_RESOLVER], name="localhost.", rdtype="A")
        # The far client reaches the resolvers across the same bridge.
        far = l.host(FAR)
        l._run(["ip", "-n", far, "route", "add", f"{NET}0/24", "dev", "eth0"])
        for addr in (RESOLVER, PEER_RESOLVER):
            l._run(["ip", "-n", l.host(addr), "route", "add", "198.18.54.0/24", "dev", "eth0"])
        yield l
    finally:
        codes = l.stop()
    assert codes[-2:] == [0, 0], "a dnsim-resolver did not exit cleanly"


def heard(lab, role, qname):
    """What the fake server received for qname: the ECS of each query."""
    lines = (lab.dir / f"{role}.jsonl").read_text().splitlines()
    return [e["ecs"] for e in map(json.loads, lines) if e["qname"] == qname]


def ask(lab, name, source=CLIENT, server=RESOLVER, options=None):
    q = dns.message.make_query(name, "A", use_edns=0, options=options or [])
    return lab.query(server, q, source=source)


def address(r):
    assert r.rcode() == dns.rcode.NOERROR, r
    return [rd.to_text() for s in r.answer if s.rdtype == dns.rdatatype.A for rd in s]


def ecs_back(r):
    return [o for o in r.options if o.otype == dns.edns.ECS]


def test_client_subnet_sent_cut_to_24_and_not_to_the_root(lab):
    name = "s24-a.geo.example."
    assert address(ask(lab, name)) == ["10.198.18.53"]
    assert heard(lab, "geo", name) == ["198.18.53.0/24"]
    # The root saw the question (or its minimised steps), never a subnet.
    root = [json.loads(l) for l in (lab.dir / "root.jsonl").read_text().splitlines()]
    assert root and all(e["ecs"] is None for e in root)


def test_scope_24_answers_each_subnet_its_own(lab):
    name = "s24-b.geo.example."
    assert address(ask(lab, name)) == ["10.198.18.53"]
    assert address(ask(lab, name, source=FAR)) == ["10.198.18.54"]
    assert heard(lab, "geo", name) == ["198.18.53.0/24", "198.18.54.0/24"]
    # Each from the cache now: nothing more reaches the server.
    assert address(ask(lab, name)) == ["10.198.18.53"]
    assert address(ask(lab, name, source=FAR)) == ["10.198.18.54"]
    assert len(heard(lab, "geo", name)) == 2


@pytest.mark.parametrize("label", ["s0", "none"])
def test_scope_0_or_no_option_is_one_answer_for_all(lab, label):
    name = f"{label}-c.geo.example."
    assert address(ask(lab, name)) == ["10.198.18.53"]
    # The far client gets the same answer, from the cache.
    assert address(ask(lab, name, source=FAR)) == ["10.198.18.53"]
    assert heard(lab, "geo", name) == ["198.18.53.0/24"]


def test_client_option_is_honoured_cut_and_echoed(lab):
    name = "s24-d.geo.example."
    mine = dns.edns.ECSOption("203.0.113.77", 32, 0)
    r = ask(lab, name, options=[mine])
    assert address(r) == ["10.203.0.113"]
    # Longer than the resolver passes on: cut to /24.
    assert heard(lab, "geo", name) == ["203.0.113.0/24"]
    back = ecs_back(r)
    assert len(back) == 1 and back[0].address == "203.0.113.77"
    assert (back[0].srclen, back[0].scopelen) == (32, 24)
    # From the cache for the same subnet, the scope still said.
    r = ask(lab, name, source=FAR, options=[dns.edns.ECSOption("203.0.113.5", 24, 0)])
    assert address(r) == ["10.203.0.113"] and ecs_back(r)[0].scopelen == 24
    assert len(heard(lab, "geo", name)) == 1


def test_client_option_of_length_0_keeps_the_address_back(lab):
    name = "s24-e.geo.example."
    r = ask(lab, name, options=[dns.edns.ECSOption("0.0.0.0", 0, 0)])
    assert address(r) == ["192.0.2.1"]
    assert heard(lab, "geo", name) == [None]
    assert ecs_back(r)[0].scopelen == 0


def test_malformed_client_option_is_formerr(lab):
    bad = dns.edns.GenericOption(dns.edns.ECS, b"\x00\x01\x18\x00\xc6\x33\x64\x01")
    r = ask(lab, "s24-f.geo.example.", options=[bad])
    assert r.rcode() == dns.rcode.FORMERR
    assert heard(lab, "geo", "s24-f.geo.example.") == []


def test_off_by_default(lab):
    name = "s24-h.geo.example."
    r = ask(lab, name, server=PEER_RESOLVER, options=[dns.edns.ECSOption("203.0.113.7", 24, 0)])
    assert address(r) == ["192.0.2.1"]
    assert heard(lab, "geo", name) == [None]
    assert ecs_back(r) == []
    # The same question through the resolver that has it on: the subnet
    # goes with it (so the one above is off by setting, not by chance).
    assert address(ask(lab, name)) == ["10.198.18.53"]
    assert heard(lab, "geo", name) == [None, "198.18.53.0/24"]


def test_formerr_to_the_option_is_asked_again_without(lab):
    name = "formerr-g.geo.example."
    assert address(ask(lab, name)) == ["192.0.2.1"]
    assert heard(lab, "geo", name) == ["198.18.53.0/24", None]
    # The server is remembered as one that cannot take the option: it
    # is not sent to it again (so this test runs last).
    assert address(ask(lab, "s24-z.geo.example.")) == ["192.0.2.1"]
    assert heard(lab, "geo", "s24-z.geo.example.") == [None]
