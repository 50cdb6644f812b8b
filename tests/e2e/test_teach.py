"""Changing the internet while it runs: `zone` edits on live servers,
`register` delegating a new domain (and serving it from a host made on
the spot), `link down|up` cutting a node off a network, and a server
that keeps crashing marked failed.  Checked with dig from the hosts."""
import os
import pathlib
import re
import signal
import time

import pytest

from conftest import DATA, TOP
from test_sim import Sim, machine_snapshot, running_sim, status_rows

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the supervisor needs root")

NAME = "ttest"
INTERNET = TOP / "topologies" / "internet.toml"


@pytest.fixture
def net(tool):
    """A fresh default internet per test: edits must not leak between them."""
    with running_sim(tool, NAME, INTERNET) as s:
        yield s


def sim(net, *args, ok=True, timeout=60):
    r = net("--name", NAME, *args, timeout=timeout)
    if ok:
        assert r.returncode == 0, f"sim {' '.join(args)}: {r.stdout}{r.stderr}"
    return r


def short(net, node, *args):
    r = net.exec(NAME, node, "dig", "+short", "+time=2", "+tries=2", *args)
    return r.stdout.split()


def serial(net, server, zone):
    return int(short(net, "laptop", f"@{server}", zone, "SOA")[2])


# ---- zone -------------------------------------------------------------------

def test_zone_add_is_served_at_once_by_every_server(net):
    original = (TOP / "zones" / "example.com.zone").read_text()
    before = serial(net, "203.0.113.53", "example.com")
    r = sim(net, "zone", "ns1-example", "add", "example.com", "news 300 IN A 203.0.113.11")
    assert "added 1 record" in r.stdout
    assert f"ns2-example serves example.com. serial {before + 1}" in r.stdout
    for server in ["203.0.113.53", "192.0.2.53"]:
        assert short(net, "laptop", f"@{server}", "news.example.com") == ["203.0.113.11"]
        assert serial(net, server, "example.com") == before + 1
    assert short(net, "laptop", "news.example.com") == ["203.0.113.11"]
    # The topology's own file is never written.
    assert (TOP / "zones" / "example.com.zone").read_text() == original
    show = sim(net, "zone", "ns2-example", "show", "example.com").stdout
    assert "news.example.com.\t300\tIN\tA\t203.0.113.11" in show


def test_zone_refuses_what_would_break_the_zone(net):
    before = serial(net, "203.0.113.53", "example.com")
    r = sim(net, "zone", "ns1-example", "add", "example.com", "blog 300 IN A 192.0.2.1",
            ok=False)
    assert r.returncode == 1
    assert "CNAME and other data" in r.stderr and "the zone is unchanged" in r.stderr
    r = sim(net, "zone", "ns1-example", "del", "example.com", "@ SOA", ok=False)
    assert r.returncode == 1 and "SOA record is not deleted" in r.stderr
    r = sim(net, "zone", "ns1-example", "del", "example.com", "nothere", ok=False)
    assert r.returncode == 1 and 'no record matches "nothere"' in r.stderr
    r = sim(net, "zone", "ns1-example", "add", "example.com", "x 300 IN A 999.1.1.1", ok=False)
    assert r.returncode == 1
    r = sim(net, "zone", "laptop", "show", "example.com", ok=False)
    assert r.returncode == 1 and "serves no zone example.com" in r.stderr
    assert serial(net, "203.0.113.53", "example.com") == before


def test_zone_del_one_record_or_a_name(net):
    sim(net, "zone", "ns1-example", "del", "example.com", "web1 A 192.0.2.10")
    assert short(net, "laptop", "@203.0.113.53", "web1.example.com") == ["203.0.113.10"]
    sim(net, "zone", "ns1-example", "del", "example.com", "web1")
    out = net.exec(NAME, "laptop", "dig", "@203.0.113.53", "web1.example.com").stdout
    assert "status: NXDOMAIN" in out


def test_zone_edit_in_a_view(net):
    r = sim(net, "zone", "ns1-example", "add", "example.com", "wiki 300 IN A 10.1.0.81",
            "--view", "inside")
    assert "(view inside)" in r.stdout
    assert short(net, "office-pc", "wiki.example.com") == ["10.1.0.81"]
    out = net.exec(NAME, "laptop", "dig", "wiki.example.com").stdout
    assert "status: NXDOMAIN" in out


# ---- register ------------------------------------------------------------------

def test_register_with_a_new_host(net):
    r = sim(net, "register", "myschool.edu", "--ns", "ns1=203.0.113.90", "--node", "school-ns")
    assert "edu. delegates myschool.edu. to ns1.myschool.edu. (203.0.113.90)" in r.stdout
    assert "made host school-ns" in r.stdout
    assert "school-ns serves myschool.edu. at 203.0.113.90" in r.stdout
    # The registry's delegation, with glue, straight from edu-tld.
    out = net.exec(NAME, "laptop", "dig", "+norecurse", "@198.18.2.50", "www.myschool.edu").stdout
    assert "ns1.myschool.edu." in out and "203.0.113.90" in out
    sim(net, "zone", "school-ns", "add", "myschool.edu", "www 300 IN A 203.0.113.12")
    assert short(net, "laptop", "www.myschool.edu") == ["203.0.113.12"]
    assert short(net, "office-pc", "www.myschool.edu") == ["203.0.113.12"]
    row = status_rows(net, NAME)["school-ns"]
    assert row["service"] == "auth" and row["state"] == "ready"
    assert "ttest-school-ns" in pathlib.Path("/proc/self/mounts").read_text() or \
        pathlib.Path("/run/netns/ttest-school-ns").exists()


def test_register_on_an_existing_host_and_refusals(net):
    r = sim(net, "register", "shop.co.uk", "--ns", "ns.shop.co.uk=203.0.113.25",
            "--node", "mail")
    assert "mail serves shop.co.uk." in r.stdout
    assert short(net, "phone", "shop.co.uk", "SOA")[0] == "ns.shop.co.uk."
    r = sim(net, "register", "shop.co.uk", "--ns", "ns.x.example=192.0.2.5", ok=False)
    assert r.returncode == 1 and "shop.co.uk. is a zone already" in r.stderr
    r = sim(net, "register", "example.com", "--ns", "ns9=192.0.2.9", ok=False)
    assert r.returncode == 1 and "already" in r.stderr
    r = sim(net, "register", "other.org", "--ns", "ns1=203.0.113.92", "--node", "web2",
            ok=False)
    assert r.returncode == 1 and "none of the addresses" in r.stderr
    r = sim(net, "register", "far.org", "--ns", "ns1=100.64.0.1", "--node", "far-ns", ok=False)
    assert r.returncode == 1 and "none of the sim's networks" in r.stderr


# ---- link ------------------------------------------------------------------------

def test_link_down_and_up(net):
    sim(net, "link", "down", "ns1-example", "hosting")
    r = net.exec(NAME, "laptop", "dig", "+time=1", "+tries=1", "@203.0.113.53", "example.com")
    assert "timed out" in r.stdout
    # The resolver still answers, through ns2-example, once its queries to
    # ns1's two addresses have timed out: give the stub time for that.
    r = net.exec(NAME, "laptop", "dig", "+short", "+time=8", "+tries=1", "web2.example.com")
    assert r.stdout.split() == ["203.0.113.11"]
    sim(net, "link", "up", "ns1-example", "hosting")
    # Mended: ns1 answers again (a first datagram may still be lost while
    # the path relearns the link, as on a real network).
    r = net.exec(NAME, "laptop", "dig", "+short", "+time=2", "+tries=3", "@203.0.113.53",
                 "web2.example.com")
    assert r.stdout.split()[-1:] == ["203.0.113.11"]
    r = sim(net, "link", "down", "laptop", "web1", ok=False)
    assert r.returncode == 1 and "share no network" in r.stderr


# ---- a server that keeps crashing -------------------------------------------------

def test_keeps_crashing_is_marked_failed(tool, tmp_path):
    flag = tmp_path / "crash"
    text = (DATA / "topo" / "tiny.toml").read_text()
    text = text.replace('name = "tiny"', 'name = "tcrash"').replace(
        'zones = "zones"', f'zones = "{DATA / "topo" / "zones"}"')
    text += f"""
[node.flaky]
addresses = {{ servers = "203.0.113.77" }}
service.command = ["/bin/sh", "-c", "test -e {flag} && exit 1; exec sleep 600"]
"""
    topo = tmp_path / "t.toml"
    topo.write_text(text)
    before = machine_snapshot()
    s = Sim(tool("dnsim-sim"))
    try:
        assert s.up("tcrash", topo).returncode == 0
        flag.write_text("")
        os.kill(int(status_rows(s, "tcrash")["flaky"]["pid"]), signal.SIGKILL)
        deadline = time.time() + 30
        state = ""
        while time.time() < deadline and not state.startswith("failed"):
            time.sleep(0.2)
            state = status_rows(s, "tcrash")["flaky"]["state"]
        # Five restarts, then no more.
        assert state == "failed(5)"
        log = s("--name", "tcrash", "logs", "flaky").stdout
        assert "gave up after 6 crashes in a row" in log
        # Mended, it starts again on request.
        flag.unlink()
        assert s("--name", "tcrash", "start", "flaky").returncode == 0
        assert status_rows(s, "tcrash")["flaky"]["state"].startswith("ready")
    finally:
        s.down_all()
    assert machine_snapshot() == before


def test_register_after_a_cached_nxdomain_and_several_new_hosts(net):
    # The resolver has cached that the name does not exist...
    out = net.exec(NAME, "laptop", "dig", "mydomain.org").stdout
    assert "status: NXDOMAIN" in out
    sim(net, "register", "mydomain.org", "--ns", "ns1=203.0.113.91", "--node", "my-ns")
    # ...and a second and third new host each get links of their own.
    sim(net, "register", "lab.mydomain.org", "--ns", "ns1=203.0.113.92", "--node", "lab-ns")
    sim(net, "register", "other.org", "--ns", "ns1=203.0.113.93", "--node", "other-ns")
    sim(net, "zone", "my-ns", "add", "mydomain.org", "www 60 IN A 192.0.2.45")
    sim(net, "zone", "lab-ns", "add", "lab.mydomain.org", "www 60 IN A 192.0.2.46")
    # The delegation wins over the cached NXDOMAIN.
    assert short(net, "laptop", "www.mydomain.org") == ["192.0.2.45"]
    assert short(net, "laptop", "www.lab.mydomain.org") == ["192.0.2.46"]
    # A new host may not take an address that is someone's already.
    r = sim(net, "register", "bad.org", "--ns", "ns1=203.0.113.91", "--node", "bad-ns",
            ok=False)
    assert r.returncode == 1 and "is node my-ns's address already" in r.stderr
    show = sim(net, "zone", "org-tld", "show", "org").stdout
    assert "bad.org." not in show


def test_trace_of_a_big_answer_goes_over_tcp(net):
    for i in range(9):
        sim(net, "zone", "ns1-example", "add", "example.com",
            f'big 60 IN TXT "{"y" * 200} {i}"')
    out = sim(net, "trace", "big.example.com", "TXT", "--cold").stdout
    assert "truncated (TC): ask again over TCP" in out       # the resolver's own leg
    assert "NOERROR, 9 answer records (over TCP: it did not fit in UDP)" in out
    assert len(re.findall(r"^  big\.example\.com\.\t\d+\tIN\tTXT\t", out, re.M)) == 9
