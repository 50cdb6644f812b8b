"""The supervisor refuses broken topologies, says why and where, and builds nothing.

tests/data/topo/bad/ holds small topologies derived from
tests/data/topo/tiny.toml, each broken in exactly one way (its first line
says how).  For each one:

* `sim check FILE` exits 1, names the problem and its FILE:LINE, and says
  that nothing was built;
* as root, `sim --name bad-N up FILE` fails with the same message and leaves
  the machine as it was: no namespace, no /run/dnsim or /etc/netns entry and
  no link in the root namespace appears or disappears.

Every message is expected verbatim (or nearly): a test here fails if the
validator stops reporting the problem, reports it at another line, or words
it vaguely.
"""
import ipaddress
import os
import pathlib
import re

import pytest

from conftest import DATA, run

BAD = DATA / "topo" / "bad"
ZONES = BAD / "zones"

# file name (without .toml) -> (problems `sim check` counts, or None when the
# file is refused while it is read, before the checks that count problems;
# substrings stderr must contain).  "{topo}" is the topology's path and
# "{zones}" the folder of its zone files, as `sim` prints them.
CASES = {
    # TOML syntax
    "syntax-unterminated-string": (None, [
        "{topo}:18:", "a string must end on its line"]),
    "syntax-missing-equals": (None, [
        "{topo}:14:", "expected '=' after the key \"router\""]),
    "syntax-bad-escape": (None, [
        "{topo}:18:", "unknown escape \\q in a string"]),
    # unknown keys
    "unknown-key-top": (None, [
        "{topo}:10:",
        'unknown key "netwrok" in the topology (top level) (did you mean "network"?)']),
    "unknown-key-node": (None, [
        "{topo}:18:", 'unknown key "hostnam" in [node.root] (did you mean "hostname"?)']),
    "unknown-key-client": (None, [
        "{topo}:41:",
        'unknown key "resolvr" in [node.laptop.client] (did you mean "resolver"?)']),
    # wrong value types
    "wrong-type-router": (None, [
        "{topo}:14:", "router must be true or false, not a string"]),
    "wrong-type-timeout": (None, [
        "{topo}:42:", "timeout must be an integer, not a string"]),
    "wrong-type-addresses": (None, [
        "{topo}:38:", 'addresses (network = "address") must be a table, not a string']),
    # names
    "bad-node-name-uppercase": (None, [
        "{topo}:37:", 'node name "Laptop" is not usable']),
    "bad-node-name-underscore": (None, [
        "{topo}:27:", 'node name "ns_1" is not usable']),
    # networks and addresses
    "unknown-network": (None, [
        "{topo}:38:", 'node laptop: no network named "lan"']),
    "invalid-prefix-length": (None, [
        "{topo}:8:", 'network core: "198.18.0.0/33": the prefix length must be 0..32']),
    "invalid-prefix-host-bits": (None, [
        "{topo}:8:", 'network core: "198.18.0.1/24" has host bits set after /24']),
    "overlapping-networks": (1, [
        "{topo}:10:", "networks core and lab have overlapping prefixes"]),
    "address-duplicate": (1, [
        "{topo}:38:", "node laptop: address 198.18.0.53 is already node resolver's (line 32)"]),
    "address-outside-network": (1, [
        "{topo}:38:", "node laptop: 198.51.100.10 is outside network core (198.18.0.0/24)"]),
    "address-network": (1, [
        "{topo}:38:", "node laptop: 198.18.0.0 is the network address of network core"]),
    "address-broadcast": (1, [
        "{topo}:38:", "node laptop: 198.18.0.255 is the broadcast address of network core"]),
    "address-family-mismatch": (1, [
        "{topo}:38:",
        "node laptop: 2001:db8:0:1::10 is an IPv6 address but network core has no ipv6 prefix"]),
    "router-one-network": (1, [
        "{topo}:17:", "node r2 is a router but sits on one network only"]),
    # roles
    "auth-and-resolver": (None, [
        "{topo}:30:", "node ns1: a node runs one server; it has both auth and resolver"]),
    "view-without-match": (None, [
        "{topo}:30:", "node ns1: a view needs name, match and zones"]),
    "no-nodes": (None, [
        "{topo}: the topology has no nodes"]),
    # zone files
    "zone-missing-file": (2, [
        "{zones}/missing.zone: cannot read the zone file: No such file or directory",
        "{topo}:29: node ns1: zone example.com. ({zones}/missing.zone) does not load"]),
    "zone-syntax-error": (2, [
        '{zones}/syntax-error.zone:5: A record: "203.0.113.300"',
        "{topo}:29: node ns1: zone example.com. ({zones}/syntax-error.zone) "
        "does not load: 1 error"]),
    "zone-no-soa": (2, [
        "{zones}/no-soa.zone: no SOA record at the apex example.com.",
        "{topo}:29: node ns1: zone example.com. ({zones}/no-soa.zone) does not load"]),
    # clients and resolvers
    "client-resolver-unknown": (1, [
        "{topo}:37:", 'node laptop: client.resolver "resolvr" is neither a node nor an address']),
    "client-resolver-no-node": (1, [
        "{topo}:37:", "node laptop: client.resolver 198.18.0.99 is no node's address"]),
    "client-resolver-not-resolver": (1, [
        "{topo}:37:", 'node laptop: client.resolver "ns1" is a node that runs no resolver']),
    "client-resolver-unreachable": (1, [
        "{topo}:40:",
        "node laptop cannot reach its resolver resolver: no chain of routers joins "
        "their networks"]),
    "resolver-no-root": (1, [
        "{topo}:26:", 'node resolver is a resolver but no node serves the root zone "."']),
    # delegations
    "glue-wrong-node": (1, [
        "{zones}/com-glue-wrong-node.zone:6:",
        "delegation of example.com. in com.: nameserver ns1.example.com. of example.com. "
        "is at 203.0.113.11, which is node tld, but tld does not serve example.com."]),
    "glue-no-node": (1, [
        "{zones}/com-glue-no-node.zone:6:",
        "delegation of example.com. in com.: nameserver ns1.example.com. of example.com. "
        "is at 203.0.113.99, which no node in the topology has"]),
    "ns-no-address": (1, [
        "{zones}/ns-no-address.zone:5:",
        "nameserver ns.nowhere.example. of example.com. has no address"]),
}

NAMES = sorted(CASES)

def topo_path(name: str) -> pathlib.Path:
    return BAD / f"{name}.toml"


def expected(name: str):
    fmt = {"topo": str(topo_path(name)), "zones": str(ZONES)}
    return [s.format(**fmt) for s in CASES[name][1]]


def assert_message(name: str, stderr: str):
    missing = [s for s in expected(name) if s not in stderr]
    assert not missing, f"{name}: stderr lacks {missing!r}; stderr was:\n{stderr}"


# ---- the corpus itself ----

def test_corpus_matches_table():
    on_disk = sorted(p.stem for p in BAD.glob("*.toml"))
    assert on_disk == NAMES
    assert len(on_disk) >= 24


@pytest.mark.parametrize("name", NAMES)
def test_first_line_says_what_is_wrong(name):
    first = topo_path(name).read_text().splitlines()[0]
    assert first.startswith("# BROKEN: ") and len(first) > 20, first


DOC_NETS = [ipaddress.ip_network(n) for n in (
    "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "198.18.0.0/15", "2001:db8::/32")]
V4 = re.compile(r"(?<![\w.:])\d{1,3}(?:\.\d{1,3}){3}(?![\w.:])")
V6 = re.compile(r"(?<![\w:])[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{0,4}){2,7}(?![\w:])")


def test_only_documentation_addresses():
    files = list(BAD.glob("*.toml")) + list(ZONES.iterdir())
    seen = 0
    for f in files:
        for text in V4.findall(f.read_text()) + V6.findall(f.read_text()):
            try:
                addr = ipaddress.ip_address(text)
            except ValueError:
                continue  # e.g. the deliberately broken 203.0.113.300
            seen += 1
            assert any(addr in n for n in DOC_NETS), f"{f.name}: {text}"
    assert seen > 100


def test_valid_topology_passes(tool):
    """The control: the topology the bad ones derive from is accepted."""
    r = run([tool("dnsim-sim"), "check", str(DATA / "topo" / "tiny.toml")])
    assert r.returncode == 0, r.stderr
    assert "OK" in r.stdout


# ---- sim check ----

@pytest.mark.parametrize("name", NAMES)
def test_check_refuses(tool, name):
    r = run([tool("dnsim-sim"), "check", str(topo_path(name))])
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    assert "OK" not in r.stdout
    assert_message(name, r.stderr)


def nothing_built_params():
    out = []
    for name in NAMES:
        out.append(pytest.param(name))
    return out


@pytest.mark.parametrize("name", nothing_built_params())
def test_check_says_nothing_was_built(tool, name):
    r = run([tool("dnsim-sim"), "check", str(topo_path(name))])
    assert r.returncode == 1
    count = CASES[name][0]
    # Errors found while reading the file stop there: one problem.
    count = 1 if count is None else count
    want = (f"sim: {topo_path(name)}: {count} problem{'' if count == 1 else 's'}; "
            "nothing was built")
    assert want in r.stderr, r.stderr


def test_prefix_length_message_names_the_length(tool):
    r = run([tool("dnsim-sim"), "check", str(topo_path("invalid-prefix-length"))])
    assert r.returncode == 1
    assert "/33" in r.stderr
    assert "host bits" not in r.stderr, r.stderr
    assert "length" in r.stderr, r.stderr


# ---- "did you mean" ----

@pytest.mark.parametrize("name,key,suggestion", [
    ("unknown-key-client", "resolvr", "resolver"),
    ("unknown-key-node", "hostnam", "hostname"),
    ("unknown-key-top", "netwrok", "network"),
])
def test_unknown_key_suggests_nearest(tool, name, key, suggestion):
    r = run([tool("dnsim-sim"), "check", str(topo_path(name))])
    assert r.returncode == 1
    assert f'unknown key "{key}"' in r.stderr, r.stderr
    assert f'(did you mean "{suggestion}"?)' in r.stderr, r.stderr
    assert r.stderr.count("did you mean") == 1, r.stderr


def test_far_off_key_lists_known_keys(tool, tmp_path):
    """A key close to nothing gets the list of keys, not a random guess."""
    text = topo_path("unknown-key-node").read_text().replace(
        'hostnam = "a.root-servers.net"', 'colour = "blue"')
    f = tmp_path / "far.toml"
    f.write_text(text)
    r = run([tool("dnsim-sim"), "check", str(f)])
    assert r.returncode == 1
    assert f'{f}:18:' in r.stderr, r.stderr
    m = re.search(r'unknown key "colour" in \[node\.root\] \(known keys: ([a-z_, ]+)\)', r.stderr)
    assert m, r.stderr
    known = m.group(1).split(", ")
    assert known[:10] == ["addresses", "router", "hostname", "auth", "resolver", "service",
                          "client", "links", "stub", "software"], r.stderr
    assert {"anycast", "region", "machine"} <= set(known), r.stderr
    assert "did you mean" not in r.stderr


# ---- sim up: refuses and changes nothing ----

def snapshot():
    def out(cmd):
        r = run(cmd)
        return (r.returncode, r.stdout)

    def listing(path):
        p = pathlib.Path(path)
        return sorted(os.listdir(p)) if p.is_dir() else None

    return {
        "ip netns list": out(["ip", "netns", "list"]),
        "/run/dnsim": listing("/run/dnsim"),
        "/etc/netns": listing("/etc/netns"),
        "ip -o link": out(["ip", "-o", "link"]),
    }


def diff(before, after):
    out = []
    for what in before:
        if before[what] != after[what]:
            out.append(f"`{what}` changed:\n  before: {before[what]!r}\n  after:  {after[what]!r}")
    return out


@pytest.mark.skipif(os.geteuid() != 0,
                    reason="`sim up` needs root (namespaces and links); run as root")
@pytest.mark.parametrize("name", NAMES)
def test_up_refuses_and_changes_nothing(tool, name):
    sim = tool("dnsim-sim")
    simname = f"bad-{NAMES.index(name)}"
    assert not pathlib.Path("/run/dnsim", simname).exists(), \
        f"sim {simname} is already up: `sim --name {simname} down` first"
    # Other sims may come and go on this machine while the test runs, so a
    # change is only blamed on `sim up` when it shows in every one of three
    # tries (a refused `up` that leaks does so every time) or names our sim.
    changes = []
    for attempt in range(3):
        before = snapshot()
        try:
            r = run([sim, "--name", simname, "up", str(topo_path(name))], timeout=120)
        finally:
            after = snapshot()
            if pathlib.Path("/run/dnsim", simname).exists():
                run([sim, "--name", simname, "down"], timeout=120)
        assert r.returncode != 0, (r.stdout, r.stderr)
        assert_message(name, r.stderr)
        assert simname not in repr(after), f"sim {simname} left traces: {after!r}"
        changes = diff(before, after)
        if not changes:
            break
    assert not changes, "\n".join(changes)
