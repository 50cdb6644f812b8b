"""Primaries and secondaries in a running sim (issue 19), on
tests/data/topo/xfr.toml: ns1 serves example.com from its file, ns2 is
its secondary in both views (each view transferred with its own key).

- `sim zone ns1 add` is a dynamic UPDATE to ns1, which NOTIFYs ns2,
  which fetches the change by IXFR: ns2 serves the new record, and the
  query logs say NOTIFY and IXFR;
- an edit named on the secondary goes to its primary;
- an edit of the inside view reaches ns2's inside view, which a client
  sees with that view's key (dig -k);
- nsupdate from a host with the sim's key file adds a record, without
  it the UPDATE is refused;
- with its primary stopped, ns2 answers SERVFAIL once the SOA's EXPIRE
  (8 s here) has passed, and serves again when the primary is back."""
import os
import time

import pytest

from conftest import DATA
from test_tutorials import running_own_sim

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the supervisor needs root")

NAME = "xfrsim"
TOPOLOGY = DATA / "topo" / "xfr.toml"
NS1, NS2 = "203.0.113.12", "203.0.113.13"
KEYS = f"/run/dnsim/{NAME}/keys"


@pytest.fixture(scope="module")
def net(tool):
    with running_own_sim(tool, NAME, TOPOLOGY) as s:
        yield s


def sim_ok(net, *args, timeout=60):
    r = net("--name", NAME, *args, timeout=timeout)
    assert r.returncode == 0, f"sim {' '.join(args)}: {r.stdout}{r.stderr}"
    return r.stdout


def dig(net, server, name, *args):
    r = net.exec(NAME, "admin", "dig", "+time=2", "+tries=1", "+norec", f"@{server}", name, *args)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def short(net, server, name, *args):
    return dig(net, server, name, "+short", *args).split()


def logs(net, node):
    return sim_ok(net, "logs", node)


def test_secondary_serves_the_zone(net):
    out = dig(net, NS2, "www.example.com")
    assert "status: NOERROR" in out and " aa" in out.split("flags:")[1].split(";")[0]
    assert short(net, NS2, "www.example.com") == ["203.0.113.80"]
    # The copy ns2 keeps is its own.
    assert os.path.exists(f"/run/dnsim/{NAME}/zones/example.com@ns2.zone")


def test_zone_add_reaches_the_secondary_by_notify_and_ixfr(net):
    out = sim_ok(net, "zone", "ns1", "add", "example.com", "fresh 300 A 192.0.2.77")
    assert "UPDATE sent from ns1 to ns1" in out and "signed with key dnsim:" in out, out
    assert "ns2 serves example.com." in out and "(by NOTIFY and IXFR)" in out, out
    assert short(net, NS2, "fresh.example.com") == ["192.0.2.77"]
    ns2 = logs(net, "ns2")
    assert "op=NOTIFY key=dnsim." in ns2 and "(IXFR from 203.0.113.12#53, 1 change)" in ns2
    ns1 = logs(net, "ns1")
    assert "op=UPDATE key=dnsim." in ns1
    assert "example.com. IXFR NOERROR" in ns1 and "notify: zone example.com. serial" in ns1


def test_edit_on_the_secondary_goes_to_the_primary(net):
    out = sim_ok(net, "zone", "ns2", "del", "example.com", "fresh")
    assert "UPDATE sent from ns2 to ns1" in out, out
    for server in (NS1, NS2):
        assert "status: NXDOMAIN" in dig(net, server, "fresh.example.com")


def test_each_view_by_its_key(net):
    sim_ok(net, "zone", "ns1", "add", "example.com", "intra2 A 10.1.0.9", "--view", "inside")
    deadline = time.monotonic() + 10
    key = ["-k", f"{KEYS}/dnsim-inside.key"]
    while short(net, NS2, "intra2.example.com", *key) != ["10.1.0.9"]:
        assert time.monotonic() < deadline, logs(net, "ns2")[-2000:]
        time.sleep(0.2)
    # Outside the view: not there.
    assert "status: NXDOMAIN" in dig(net, NS2, "intra2.example.com")
    assert "view inside): serial" in logs(net, "ns2")


def test_nsupdate_from_a_host(net):
    script = (f"server {NS1}\nzone example.com\n"
              "update add byhost.example.com 60 A 192.0.2.5\nsend\n")
    r = net.exec(NAME, "admin", "sh", "-c", f"nsupdate -k {KEYS}/dnsim.key <<'EOF'\n{script}EOF")
    assert r.returncode == 0, r.stdout + r.stderr
    deadline = time.monotonic() + 10
    while short(net, NS2, "byhost.example.com") != ["192.0.2.5"]:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    r = net.exec(NAME, "admin", "sh", "-c", f"nsupdate <<'EOF'\n{script.replace('byhost', 'nokey')}EOF")
    assert r.returncode != 0 and "REFUSED" in r.stdout + r.stderr
    assert "status: NXDOMAIN" in dig(net, NS1, "nokey.example.com")
    assert "not signed with a key allowed to update" in logs(net, "ns1")


def test_expired_secondary_answers_servfail(net):
    sim_ok(net, "stop", "ns1")
    try:
        assert "status: NOERROR" in dig(net, NS2, "www.example.com")
        deadline = time.monotonic() + 30
        while "status: SERVFAIL" not in dig(net, NS2, "www.example.com"):
            assert time.monotonic() < deadline, logs(net, "ns2")[-2000:]
            time.sleep(0.5)
        assert "expired: no primary answered" in logs(net, "ns2")
    finally:
        sim_ok(net, "start", "ns1")
    deadline = time.monotonic() + 30
    while "status: NOERROR" not in dig(net, NS2, "www.example.com"):
        assert time.monotonic() < deadline, logs(net, "ns2")[-2000:]
        time.sleep(0.5)
