"""Anycast (issue 18): one service address, several instances, each
client sent to the nearest one that is up.

The default internet's a-root answers on 198.18.1.4 (2001:db8:1::4) from
three places: the exchange, the ISP's customer network and the hosting
provider's.  The oracles are dig's NSID (RFC 5001, `dig +nsid`) and the
CHAOS names (RFC 4892, `id.server`, `hostname.bind`), which name the
instance that answered; tcpdump inside an instance's node (`sim
capture`), which sees the query arrive; and the kernel's own routing
table (`ip route get`).  No traceroute: the instance that answers says
who it is.

Sim of this module: acyt (the default internet, with its distances).
Only its own namespaces and files are checked to be gone afterwards:
other sims come and go on the machine."""
import os
import re
import subprocess
import time

import pytest

from conftest import TOP, run
from test_links import sim_up

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the supervisor needs root")

NAME = "acyt"
INTERNET = TOP / "topologies" / "internet.toml"
ANYCAST = "198.18.1.4"
ANYCAST6 = "2001:db8:1::4"
# The region each client's packets go to, with everything up.
NEAREST = {"laptop": "a-root-isp", "office-pc": "a-root", "web1": "a-root-hosting"}
# Failover: how long routes may take to move (a BGP withdrawal takes
# seconds; ours is one netlink request per route).
MOVE_S = 3


@pytest.fixture(scope="module")
def net(tool):
    with sim_up(tool, NAME, INTERNET) as s:
        yield s


def sim_ok(net, *args, timeout=60):
    r = net("--name", NAME, *args, timeout=timeout)
    assert r.returncode == 0, f"sim {' '.join(args)}: {r.stdout}{r.stderr}"
    return r.stdout


def nsid(net, node, server=ANYCAST):
    """The instance that answered `node`'s query to `server` (its NSID)."""
    out = sim_ok(net, "exec", node, "dig", "+nsid", "+norecurse", "+time=1", "+tries=1",
                 f"@{server}", ".", "SOA")
    m = re.search(r'; NSID: [0-9a-f ]+ \("([^"]*)"\)', out)
    assert m and "status: NOERROR" in out, out
    return m.group(1)


def chaos(net, node, qname, server=ANYCAST):
    out = sim_ok(net, "exec", node, "dig", "+short", "+time=1", "+tries=1", "CH", "TXT",
                 qname, f"@{server}")
    return out.strip().strip('"')


def wait_nsid(net, node, want, limit=MOVE_S):
    """Seconds until `node` is answered by `want` (fails after limit)."""
    t0 = time.monotonic()
    seen = None
    while time.monotonic() - t0 < limit:
        try:
            seen = nsid(net, node)
        except AssertionError:
            seen = "(no answer)"
        if seen == want:
            return time.monotonic() - t0
        time.sleep(0.1)
    pytest.fail(f"{node} still reaches {seen}, not {want}, after {limit} s")


def resolves(net, node, name="www.example.com"):
    out = sim_ok(net, "exec", node, "dig", "+time=2", "+tries=2", name)
    return "status: NOERROR" in out and "203.0.113.10" in out


# ---- three regions, three instances ------------------------------------------

@pytest.mark.parametrize("client", sorted(NEAREST))
def test_each_region_reaches_its_own_instance(net, client):
    assert nsid(net, client) == NEAREST[client]
    # The same over IPv6, and by the CHAOS names.
    assert nsid(net, client, ANYCAST6) == NEAREST[client]
    assert chaos(net, client, "id.server") == NEAREST[client]
    assert chaos(net, client, "hostname.bind") == NEAREST[client]


def test_three_clients_three_instances(net):
    assert len({nsid(net, c) for c in NEAREST}) == 3


def test_each_instance_by_its_own_address(net):
    for addr, name in [("198.18.1.14", "a-root"), ("198.51.100.4", "a-root-isp"),
                       ("203.0.113.4", "a-root-hosting"), ("2001:db8:113::4", "a-root-hosting")]:
        assert chaos(net, "office-pc", "id.server", addr) == name
    # A server that is not anycast gives its name too.
    assert nsid(net, "laptop", "198.18.1.5") == "b-root"


def test_no_nsid_unless_asked(net):
    out = sim_ok(net, "exec", "laptop", "dig", "+norecurse", f"@{ANYCAST}", ".", "SOA")
    assert "status: NOERROR" in out and "NSID" not in out, out


def test_the_kernel_routes_to_the_nearest(net):
    # The instances hold the address on their loopback...
    for node in ("a-root", "a-root-isp", "a-root-hosting"):
        out = sim_ok(net, "exec", node, "ip", "-o", "addr", "show", "dev", "lo")
        assert f"inet {ANYCAST}/32" in out and f"inet6 {ANYCAST6}/128" in out, out
    # ...and every other node has a host route towards the nearest.
    def via(node, addr=ANYCAST):
        return sim_ok(net, "exec", node, "ip", "route", "get", addr)
    assert "via 198.51.100.4 " in via("laptop")          # on its own network
    assert "via 198.18.0.3 " in via("corp-router")       # the exchange's router
    assert "via 198.18.1.14 " in via("exchange-router")  # the instance itself
    assert "via 203.0.113.4 " in via("web1")
    assert "via 2001:db8:100::4 " in via("phone", ANYCAST6)
    # The ISP's resolver is a millisecond nearer the exchange's than
    # its customers' (6 ms against 7): so is its router.
    assert "via 198.18.0.3 " in via("isp-router")
    assert nsid(net, "isp-resolver") == "a-root"


def test_anycast_and_status_show_the_instances(net):
    out = sim_ok(net, "anycast")
    assert f"anycast {ANYCAST}: 3 instances" in out, out
    rows = {l.split()[0]: l for l in out.splitlines() if l.startswith("  a-root")}
    assert rows["a-root-isp"].split()[1:3] == ["isp", "announced"], out
    assert " laptop" in rows["a-root-isp"] and " phone" in rows["a-root-isp"], out
    assert " office-pc" in rows["a-root"] and " isp-resolver" in rows["a-root"], out
    assert " web1" in rows["a-root-hosting"], out
    status = sim_ok(net, "status")
    line = [l for l in status.splitlines() if l.startswith("a-root-isp ")][0]
    assert line.endswith(f"198.51.100.4 2001:db8:100::4 anycast {ANYCAST} {ANYCAST6} "
                         "(region isp, announced)"), line
    # Each node once, on a line of its own: the table stays a table.
    assert len(status.splitlines()) == 1 + 32, status


# ---- failover ----------------------------------------------------------------

def captured(net, node, filt, action):
    """Run action() while tcpdump inside `node` waits for one packet
    matching filt; True when one came."""
    p = subprocess.Popen([net.binary, "--name", NAME, "capture", node, "-c", "1", *filt],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        time.sleep(1.0)   # tcpdump listening
        action()
        out, _ = p.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        p.kill()
        out, _ = p.communicate()
        return False
    return ANYCAST in out


def test_stopping_an_instance_moves_its_clients(net):
    ask = lambda: nsid(net, "office-pc")   # noqa: E731
    filt = ["udp", "and", "dst", "host", ANYCAST, "and", "src", "host", "10.1.0.10"]
    # Before: the office's query arrives at the exchange's instance.
    assert captured(net, "a-root", filt, ask)
    sim_ok(net, "stop", "a-root")
    try:
        took = wait_nsid(net, "office-pc", "a-root-isp")
        assert took < MOVE_S
        # The query now arrives at the ISP's instance, the next nearest.
        assert captured(net, "a-root-isp", filt, ask)
        # The hosting provider's clients did not move; the ISP's neither.
        assert nsid(net, "web1") == "a-root-hosting"
        assert nsid(net, "laptop") == "a-root-isp"
        # Resolution goes on: a resolver whose root instance went away
        # starts from the root again (cache flushed) and gets there.
        for resolver, client in [("corp-resolver", "office-pc"), ("isp-resolver", "phone")]:
            sim_ok(net, "cache", resolver, "flush")
            assert resolves(net, client), client
        assert nsid(net, "isp-resolver") == "a-root-isp"
        out = sim_ok(net, "anycast")
        assert re.search(r"^  a-root +exchange +withdrawn +-$", out, re.M), out
        log = open(f"/run/dnsim/{NAME}/logs/anycast.log").read()
        assert "a-root withdrawn (stop):" in log, log
        assert f"{ANYCAST}: office-pc reaches a-root-isp (was a-root)" in log, log
    finally:
        sim_ok(net, "start", "a-root")
    # Announced again once it answers: its clients come back.
    took = wait_nsid(net, "office-pc", "a-root", limit=MOVE_S + 2)
    assert took < MOVE_S + 2
    assert nsid(net, "isp-resolver") == "a-root"


def test_link_down_moves_them_and_up_brings_them_back(net):
    out = sim_ok(net, "link", "down", "a-root-isp")
    try:
        assert "link a-root-isp -- isp is down" in out, out
        assert f"anycast {ANYCAST}: laptop phone now reach a-root (was a-root-isp)" in out, out
        assert wait_nsid(net, "laptop", "a-root") < MOVE_S
        assert wait_nsid(net, "phone", "a-root") < MOVE_S
        assert nsid(net, "laptop", ANYCAST6) == "a-root"
    finally:
        out = sim_ok(net, "link", "up", "a-root-isp")
    assert f"anycast {ANYCAST}: laptop phone now reach a-root-isp (was a-root)" in out, out
    assert wait_nsid(net, "laptop", "a-root-isp") < MOVE_S


def test_a_router_link_down_reroutes_everyone_behind_it(net):
    # The exchange's instance cut off with its router's port: every
    # client of it moves to the ISP's, and back.
    out = sim_ok(net, "link", "down", "exchange-router", "roots")
    try:
        assert wait_nsid(net, "office-pc", "a-root-isp") < MOVE_S
        assert nsid(net, "public-resolver") == "a-root-isp"
        sim_ok(net, "cache", "corp-resolver", "flush")
        assert resolves(net, "office-pc")
    finally:
        sim_ok(net, "link", "up", "exchange-router", "roots")
    assert "now reach a-root-isp (was a-root)" in out, out
    assert wait_nsid(net, "office-pc", "a-root") < MOVE_S


def test_a_crashed_instance_is_withdrawn_until_it_answers(net):
    status = sim_ok(net, "status")
    pid = int([l for l in status.splitlines() if l.startswith("a-root-hosting ")][0].split()[2])
    os.kill(pid, 9)
    # Restarted by the monitor (100 ms later), announced once it answers.
    deadline = time.monotonic() + 10
    log = ""
    while time.monotonic() < deadline:
        log = open(f"/run/dnsim/{NAME}/logs/anycast.log").read()
        if "a-root-hosting announced (answers DNS queries)" in log:
            break
        time.sleep(0.1)
    assert "a-root-hosting withdrawn (killed by signal 9" in log, log
    assert "a-root-hosting announced (answers DNS queries)" in log, log
    assert wait_nsid(net, "web1", "a-root-hosting") < MOVE_S


# ---- topologies refused -----------------------------------------------------

BASE = """[sim]
name = "acybad"
[network.a]
ipv4 = "198.51.100.0/24"
[network.b]
ipv4 = "203.0.113.0/24"
[node.r]
router = true
addresses = { a = "198.51.100.1", b = "203.0.113.1" }
"""

BAD = {
    # The same address on two nodes, neither saying anycast.
    "shared": (BASE + """[node.x]
addresses = { a = "198.51.100.53" }
service.command = ["true"]
[node.y]
addresses = { a = "198.51.100.53" }
service.command = ["true"]
""", ":14: node y: address 198.51.100.53 is already node x's (line 11); to serve one "
         "address from several nodes, declare it on each with anycast = \"198.51.100.53\" "
         "and a region"),
    # Two instances on one network.
    "same-network": (BASE + """[node.x]
addresses = { a = "198.51.100.2" }
anycast = "192.0.2.53"
region = "one"
service.command = ["true"]
[node.y]
addresses = { a = "198.51.100.3" }
anycast = "192.0.2.53"
region = "two"
service.command = ["true"]
""", ":17: nodes x (line 12) and y are instances of anycast 192.0.2.53 on the same "
         "network a: put each instance on a network of its own"),
    # An instance without a region.
    "no-region": (BASE + """[node.x]
addresses = { a = "198.51.100.2" }
anycast = "192.0.2.53"
service.command = ["true"]
""", ":12:11: node x: an anycast instance needs region = \"NAME\""),
    # A router as an instance.
    "router": (BASE.replace('router = true\n', 'router = true\nanycast = "192.0.2.53"\n'
                            'region = "r"\n'),
               ":9:11: node r: a router cannot be an anycast instance"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_anycast_topologies_refused(tool, tmp_path, case):
    text, want = BAD[case]
    path = tmp_path / f"{case}.toml"
    path.write_text(text)
    r = run([tool("dnsim-sim"), "check", str(path)])
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert f"{path}{want}" in r.stderr, r.stderr
    # And `up` builds nothing of it.
    r = run([tool("dnsim-sim"), "--name", "acybad", "up", str(path)])
    assert r.returncode != 0 and f"{path}{want}" in r.stderr, r.stderr
    assert not os.path.exists("/run/dnsim/acybad")
