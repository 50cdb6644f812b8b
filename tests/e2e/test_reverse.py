"""Reverse DNS in the default internet (issue 17): every address of every
node resolves backwards -- `dig -x`, `host ADDRESS`, `getent hosts
ADDRESS` inside the simulated hosts -- to a name that resolves forwards to
the same address again.  The RFC 2317 classless delegation of the
bakery's /27 works through our resolver and through Unbound, and a
topology with `[sim] reverse = false` has no reverse zones at all.

The oracles are dig, host and glibc inside the nodes, and Unbound
resolving through the sim's servers from inside a node."""
import os
import pathlib
import re
import shutil
import subprocess
import tempfile
import time

import pytest

from conftest import DATA, TOP
from test_tutorials import running_own_sim as running_sim

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the supervisor needs root")

NAME = "rvtest"
INTERNET = TOP / "topologies" / "internet.toml"


def node_addresses():
    """(node, address) for every address of every node of the default
    internet, from the topology file itself."""
    topo = tomllib.loads(INTERNET.read_text())
    out = []
    for node, conf in topo["node"].items():
        for addrs in conf["addresses"].values():
            for a in [addrs] if isinstance(addrs, str) else addrs:
                out.append((node, a))
        # An anycast address is one name whichever instance answers.
        for a in conf.get("anycast", []):
            if (node, a) not in out and a not in [x for _, x in out]:
                out.append((node, a))
    return out


ADDRESSES = node_addresses()


@pytest.fixture(scope="module")
def net(tool):
    # Without the default internet's distances: hundreds of lookups one
    # after the other, each 6 to 47 ms away, would triple the time of
    # tests that are about the names, not the wire.
    with running_sim(tool, NAME, INTERNET, "--no-delay") as s:
        yield s


def run_in(net, node, script, timeout=300):
    r = net.exec(NAME, node, "sh", "-c", script, timeout=timeout)
    assert r.returncode == 0, f"{script} on {node}: {r.stdout}{r.stderr}"
    return r.stdout


def reverse_all(net, node, server=""):
    """{address: the last line `dig +short -x` prints} for every address,
    asked from `node` (through its resolver, or @server)."""
    addrs = " ".join(a for _, a in ADDRESSES)
    out = run_in(net, node, f"for a in {addrs}; do "
                 f"echo \"$a $(dig {server} +short +time=3 +tries=2 -x $a | tail -n 1)\"; done")
    names = {}
    for line in out.splitlines():
        f = line.split()
        names[f[0]] = f[1] if len(f) > 1 else ""
    return names


def forward_all(net, node, pairs, server=""):
    """{(name, type): [addresses]} for the names given."""
    queries = " ".join(f"{n},{t}" for n, t in sorted(set(pairs)))
    out = run_in(net, node, f"for q in {queries}; do n=${{q%,*}}; t=${{q#*,}}; "
                 f"for a in $(dig {server} +short +time=3 +tries=2 $n $t); do "
                 f"echo \"$n $t $a\"; done; done")
    found = {}
    for line in out.splitlines():
        n, t, a = line.split()
        found.setdefault((n, t), []).append(a)
    return found


def rtype(addr):
    return "AAAA" if ":" in addr else "A"


def check_both_ways(net, node, server=""):
    names = reverse_all(net, node, server)
    missing = [a for _, a in ADDRESSES if not names.get(a, "").endswith(".")]
    assert not missing, f"no PTR from {node} for {missing}: {names}"
    fwd = forward_all(net, node, [(names[a], rtype(a)) for _, a in ADDRESSES], server)
    unconfirmed = [(a, names[a]) for _, a in ADDRESSES
                   if a not in fwd.get((names[a], rtype(a)), [])]
    assert not unconfirmed, f"from {node}, these PTRs do not lead back: {unconfirmed}"
    return names


def test_the_topology_has_what_the_tests_walk():
    assert len(ADDRESSES) >= 70
    assert any(":" in a for _, a in ADDRESSES) and any("." in a for _, a in ADDRESSES)


@pytest.mark.parametrize("node", ["laptop", "office-pc", "mail", "phone"])
def test_every_address_resolves_both_ways(net, node):
    names = check_both_ways(net, node)
    # The names the forward zones give: the host's own name first.
    assert names["203.0.113.10"] == "web1.example.com."
    assert names["192.0.2.10"] == "web1.example.com."
    assert names["2001:db8:113::10"] == "web1.example.com."
    assert names["198.51.100.10"] == "laptop.isp.net."
    assert names["198.18.1.4"] == "a.root-servers.net."
    assert names["2001:db8:1::5"] == "b.root-servers.net."
    assert names["10.1.0.10"] == "office-pc.example.com."
    assert names["198.51.100.65"] == "isp-router.isp.net."
    assert names["198.51.100.66"] == "ns.bakery.net."


def test_host_and_getent_inside_a_node(net):
    """glibc (getent) and host(1) ask through the node's resolv.conf.  A
    node's own addresses are in its hosts file under its node name, as on
    a real machine, so those are asked from another node."""
    for node in ["laptop", "web2"]:
        addrs = [a for n, a in ADDRESSES if n != node]
        names = reverse_all(net, node)
        out = run_in(net, node, "for a in " + " ".join(addrs) +
                     "; do getent hosts $a || echo \"$a MISSING\"; done")
        got = {}
        for line in out.splitlines():
            f = line.split()
            got[f[0]] = f[1]
        for a in addrs:
            want = names[a].rstrip(".")
            # getent prints addresses the way inet_ntop writes them.
            assert got.get(a) == want, f"getent hosts {a} on {node}: {got.get(a)}, not {want}"
        out = run_in(net, node, "for a in " + " ".join(addrs) + "; do echo \"== $a\"; host $a; done")
        said = {}
        for block in out.split("== ")[1:]:
            a, _, rest = block.partition("\n")
            said[a] = rest
        for a in addrs:
            # For the bakery's block, after the ISP's CNAME ("is an alias for").
            assert re.search(rf"domain name pointer {re.escape(names[a])}$", said.get(a, ""),
                             re.M), f"host {a} on {node}: {said.get(a)}"


def test_classless_delegation_through_our_resolver(net):
    out = run_in(net, "laptop", "dig +time=3 +tries=2 -x 198.51.100.66")
    assert "status: NOERROR" in out
    assert re.search(r"^66\.100\.51\.198\.in-addr\.arpa\.\s+\d+\s+IN\s+CNAME\s+"
                     r"66\.64/27\.100\.51\.198\.in-addr\.arpa\.$", out, re.M), out
    assert re.search(r"^66\.64/27\.100\.51\.198\.in-addr\.arpa\.\s+\d+\s+IN\s+PTR\s+"
                     r"ns\.bakery\.net\.$", out, re.M), out
    # The ISP's server holds the CNAME and hands the /27 on to the bakery's.
    out = run_in(net, "laptop", "dig +norecurse @198.18.10.54 66.64/27.100.51.198.in-addr.arpa PTR")
    assert re.search(r"^64/27\.100\.51\.198\.in-addr\.arpa\.\s+\d+\s+IN\s+NS\s+ns\.bakery\.net\.$",
                     out, re.M), out
    out = run_in(net, "laptop", "dig +norecurse @198.18.10.54 -x 198.51.100.80")
    assert "CNAME\t80.64/27.100.51.198.in-addr.arpa." in out, out
    # The bakery's server answers for the names in its block's zone, and
    # only for those: the plain reverse name is the ISP's.
    out = run_in(net, "laptop", "dig +norecurse @198.51.100.66 66.64/27.100.51.198.in-addr.arpa PTR")
    assert "status: NOERROR" in out and "flags: qr aa" in out, out
    assert re.search(r"IN\s+PTR\s+ns\.bakery\.net\.$", out, re.M), out
    out = run_in(net, "laptop", "dig +norecurse @198.51.100.66 -x 198.51.100.66")
    assert "status: REFUSED" in out, out


def test_in_addr_arpa_is_delegated_from_the_root(net):
    for zone in ["in-addr.arpa", "ip6.arpa"]:
        out = run_in(net, "laptop", f"dig +norecurse @198.18.1.4 {zone} NS")
        assert re.search(rf"^{zone}\.\s+\d+\s+IN\s+NS\s+a\.root-servers\.net\.$", out, re.M), out
    out = run_in(net, "laptop", "dig +norecurse @198.18.1.5 -x 203.0.113.10")
    assert re.search(r"^113\.0\.203\.in-addr\.arpa\.\s+\d+\s+IN\s+NS\s+ns\.hosting\.net\.$",
                     out, re.M), out
    # An address nobody has: a clean NXDOMAIN, not a failure.
    out = run_in(net, "laptop", "dig +time=3 +tries=2 -x 203.0.113.200")
    assert "status: NXDOMAIN" in out
    out = run_in(net, "laptop", "dig +time=3 +tries=2 -x 192.168.77.1")
    assert "status: NXDOMAIN" in out


UNBOUND_CONF = """server:
  interface: 127.0.0.1
  port: 5353
  do-daemonize: no
  username: ""
  chroot: ""
  directory: "{d}"
  pidfile: "{d}/unbound.pid"
  root-hints: "{d}/root.hints"
  access-control: 127.0.0.0/8 allow
  module-config: "iterator"
  qname-minimisation: yes
  # Unbound answers the reverse zones of private and documentation
  # ranges itself (RFC 6303): the sim's addresses are all of that kind.
  unblock-lan-zones: yes
  insecure-lan-zones: yes
  local-zone: "2.0.192.in-addr.arpa." nodefault
  local-zone: "100.51.198.in-addr.arpa." nodefault
  local-zone: "113.0.203.in-addr.arpa." nodefault
  local-zone: "8.b.d.0.1.0.0.2.ip6.arpa." nodefault
  harden-referral-path: no
  use-syslog: no
  logfile: ""
  verbosity: 1
remote-control:
  control-enable: no
"""


@pytest.mark.skipif(shutil.which("unbound") is None, reason="unbound is not installed (make deps)")
def test_classless_delegation_through_unbound(net, tool):
    """Unbound, in the laptop's namespace with the sim's root hints,
    follows the ISP's CNAME into the bakery's zone, and finds every PTR
    our resolver finds."""
    hints = pathlib.Path(f"/run/dnsim/{NAME}/nodes/isp-resolver/root.hints")
    with tempfile.TemporaryDirectory() as d:
        shutil.copy(hints, pathlib.Path(d) / "root.hints")
        (pathlib.Path(d) / "unbound.conf").write_text(UNBOUND_CONF.format(d=d))
        log = open(pathlib.Path(d) / "unbound.log", "w")
        p = subprocess.Popen([tool("dnsim-sim"), "--name", NAME, "exec", "laptop",
                              shutil.which("unbound"), "-d", "-c", f"{d}/unbound.conf"],
                             stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 15
            while True:
                r = net.exec(NAME, "laptop", "dig", "@127.0.0.1", "-p", "5353", "+time=1",
                             "+tries=1", "localhost", "A")
                if "status: NOERROR" in r.stdout:
                    break
                assert p.poll() is None and time.monotonic() < deadline, \
                    (pathlib.Path(d) / "unbound.log").read_text()
                time.sleep(0.2)
            out = run_in(net, "laptop", "dig @127.0.0.1 -p 5353 +time=3 +tries=2 -x 198.51.100.66")
            assert re.search(r"CNAME\s+66\.64/27\.100\.51\.198\.in-addr\.arpa\.$", out, re.M), out
            assert re.search(r"IN\s+PTR\s+ns\.bakery\.net\.$", out, re.M), out
            ours = reverse_all(net, "laptop")
            theirs = check_both_ways(net, "laptop", "@127.0.0.1 -p 5353")
            assert theirs == ours
        finally:
            p.terminate()
            p.wait(timeout=10)
            log.close()


def test_reverse_false_makes_no_reverse_zones(tool, tmp_path):
    """The tiny topology with `[sim] reverse = false`: the root does not
    delegate in-addr.arpa, and no server has a reverse zone."""
    text = (DATA / "topo" / "tiny.toml").read_text()
    text = text.replace('zones = "zones"',
                        f'zones = "{DATA / "topo" / "zones"}"\nreverse = false')
    assert "reverse = false" in text
    off = tmp_path / "off.toml"
    off.write_text(text)
    with running_sim(tool, "rvoff", off) as s:
        r = s.exec("rvoff", "laptop", "dig", "+time=3", "+tries=2", "-x", "203.0.113.10")
        assert "status: NXDOMAIN" in r.stdout, r.stdout
        r = s.exec("rvoff", "laptop", "dig", "+norecurse", "@203.0.113.10", "in-addr.arpa", "NS")
        assert "status: NXDOMAIN" in r.stdout, r.stdout
        zones = sorted(p.name for p in pathlib.Path("/run/dnsim/rvoff/zones").iterdir())
        assert zones and not [z for z in zones if "arpa" in z], zones
    # ... and the same topology as written has them.
    with running_sim(tool, "rvon", DATA / "topo" / "tiny.toml") as s:
        r = s.exec("rvon", "laptop", "dig", "+time=3", "+tries=2", "+short", "-x", "203.0.113.10")
        assert r.stdout.strip() == "a.root-servers.net.", r.stdout
        zones = sorted(p.name for p in pathlib.Path("/run/dnsim/rvon/zones").iterdir())
        assert "in-addr.arpa.zone" in zones and "113.0.203.in-addr.arpa.zone" in zones, zones
