"""Real DNS software as the oracle, on a hierarchy in network namespaces:

- Unbound resolves through a hierarchy made only of dnsim-auth servers and
  gets the right answers (the authoritative server is a real one);
- dnsim-resolver resolves through the same hierarchy served by NSD and by
  dnsim-auth, and answers exactly as Unbound does, name by name.
"""
import os
import shutil

import dns.rcode
import dns.rdatatype
import pytest

import netlab
from netlab import PEER_RESOLVER, RESOLVER, Lab, answer_set, ask

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root (network namespaces)"),
    pytest.mark.skipif(shutil.which("unbound") is None, reason="unbound is not installed (make deps)"),
]

QUESTIONS = [
    ("www.example.com", "A"), ("www.example.com", "AAAA"), ("www.example.com", "CNAME"),
    ("chain.example.com", "A"), ("chain.example.com", "AAAA"), ("triple.example.com", "A"),
    ("triple.example.com", "TXT"), ("mail.example.com", "A"),
    ("mail.example.com", "AAAA"), ("mail.example.com", "TXT"), ("mail.example.com", "MX"),
    ("example.com", "MX"), ("example.com", "TXT"), ("example.com", "NS"),
    ("example.com", "SOA"), ("shop.example.com", "A"), ("x.wild.example.com", "TXT"),
    ("a.b.wild.example.com", "TXT"), ("x.wild.example.com", "A"), ("_sip._udp.example.com", "SRV"),
    ("nope.example.com", "A"), ("nope.example.com", "MX"), ("deep.nope.example.com", "A"),
    ("web.other.net", "A"), ("web.other.net", "AAAA"), ("ns.other.net", "A"),
    ("other.net", "NS"), ("nothing.other.net", "A"), ("www.noglue.org", "A"),
    ("noglue.org", "SOA"), ("missing.noglue.org", "TXT"), ("nxdomain-tld.invalid-tld", "A"),
    ("com", "NS"), ("net", "SOA"), ("a.gtld-servers.net", "A"), ("web.other.net", "MX"),
]


@pytest.fixture(scope="module", params=["dnsim-auth", "nsd"])
def lab(request, tool, tmp_path_factory):
    if request.param == "nsd" and shutil.which("nsd") is None:
        pytest.skip("nsd is not installed (make deps)")
    l = Lab(tmp_path_factory.mktemp(request.param))
    try:
        if request.param == "nsd":
            l.auth_nsd()
        else:
            l.auth_dnsim(tool)
        l.resolver_dnsim(tool)
        l.resolver_unbound()
        l.kind = request.param
        yield l
    finally:
        codes = l.stop()
    # The sanitizer build reports leaks at exit: a clean exit counts.
    assert codes[-2] == 0, f"dnsim-resolver exited with {codes[-2]}"


def test_unbound_through_our_servers(lab):
    if lab.kind != "dnsim-auth":
        pytest.skip("this one is about our authoritative servers")
    r = ask(lab, PEER_RESOLVER, "chain.example.com")
    rcode, answers = answer_set(r)
    assert rcode == dns.rcode.NOERROR
    assert answers == {
        ("chain.example.com.", dns.rdatatype.CNAME, "www.example.com."),
        ("www.example.com.", dns.rdatatype.CNAME, "web.other.net."),
        ("web.other.net.", dns.rdatatype.A, "192.0.2.80"),
    }
    # A chain through three zones: example.com, other.net, noglue.org.
    assert answer_set(ask(lab, PEER_RESOLVER, "triple.example.com"))[1] == {
        ("triple.example.com.", dns.rdatatype.CNAME, "alias.other.net."),
        ("alias.other.net.", dns.rdatatype.CNAME, "www.noglue.org."),
        ("www.noglue.org.", dns.rdatatype.A, "192.0.2.44"),
    }
    assert answer_set(ask(lab, PEER_RESOLVER, "mail.example.com", "AAAA"))[1] == {
        ("mail.example.com.", dns.rdatatype.AAAA, "2001:db8::25")}
    assert answer_set(ask(lab, PEER_RESOLVER, "example.com", "MX"))[1] == {
        ("example.com.", dns.rdatatype.MX, "10 mail.example.com.")}
    assert answer_set(ask(lab, PEER_RESOLVER, "example.com", "TXT"))[1] == {
        ("example.com.", dns.rdatatype.TXT, '"v=spf1 -all" "second string"')}
    r = ask(lab, PEER_RESOLVER, "nope.example.com")
    assert r.rcode() == dns.rcode.NXDOMAIN
    assert r.authority[0].rdtype == dns.rdatatype.SOA
    r = ask(lab, PEER_RESOLVER, "mail.example.com", "TXT")
    assert r.rcode() == dns.rcode.NOERROR and not r.answer


@pytest.mark.parametrize("name,rdtype", QUESTIONS, ids=lambda v: str(v))
def test_same_answers_as_unbound(lab, name, rdtype):
    ours = answer_set(ask(lab, RESOLVER, name, rdtype))
    theirs = answer_set(ask(lab, PEER_RESOLVER, name, rdtype))
    assert ours == theirs
