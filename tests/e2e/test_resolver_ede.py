"""Why a query failed, as a user sees it: the Extended DNS Errors (RFC
8914) dnsim-resolver attaches, read by dig and kdig inside the default
internet, and shown by `sim trace`.  A blocked name says Blocked; a
client outside the resolver's allow list is told Prohibited; a zone
whose servers are all stopped gives SERVFAIL with the reason (their
ports answer with ICMP errors: Network Error)."""
import shutil

import pytest

from conftest import TOP
from test_sim import running_sim

NAME = "tede"


@pytest.fixture(scope="module")
def net(tool):
    with running_sim(tool, NAME, TOP / "topologies" / "internet.toml") as s:
        yield s


def run_in(net, node, *cmd):
    return net("--name", NAME, "exec", node, *cmd, timeout=60)


def test_blocked_name_says_blocked(net):
    # web1 uses the public resolver, which blocks ads.example.net.
    out = run_in(net, "web1", "dig", "ads.example.net").stdout
    assert "status: NXDOMAIN" in out
    assert "EDE: 15 (Blocked)" in out and "blocklist" in out
    kdig = shutil.which("kdig")
    if kdig:
        out = run_in(net, "web1", kdig, "+edns", "ads.example.net").stdout
        assert "EDE: 15 (Blocked)" in out


def test_client_not_allowed_is_told_prohibited(net):
    # office-pc is no client of the ISP's resolver.
    out = run_in(net, "office-pc", "dig", "@198.18.10.53", "www.example.com",
                 "+tries=1", "+time=3").stdout
    assert "status: REFUSED" in out and "EDE: 18 (Prohibited)" in out


def test_servfail_says_why_in_dig_and_trace(net):
    for node in ("ns1-example", "ns2-example"):
        assert net("--name", NAME, "stop", node).returncode == 0
    try:
        out = run_in(net, "laptop", "dig", "www.example.com", "+tries=1", "+time=15").stdout
        assert "status: SERVFAIL" in out
        assert "EDE: 23 (Network Error)" in out and "example.com" in out
        r = net("--name", NAME, "trace", "www.example.com", "--cold", timeout=60)
        assert "SERVFAIL (EDE 23, Network Error: " in r.stdout, r.stdout + r.stderr
    finally:
        for node in ("ns1-example", "ns2-example"):
            net("--name", NAME, "start", node)
    # Mended: an answer, and no reason needed.
    out = run_in(net, "laptop", "dig", "www.example.com", "+tries=2", "+time=5").stdout
    assert "status: NOERROR" in out and "EDE" not in out
