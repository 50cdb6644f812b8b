"""Internet scale: the real root as a topology (`sim gen root`) and a
few hundred generated nodes brought up and taken down.

- topologies/realroot.toml is what `sim gen root` makes of IANA's root
  zone (../shared/data/root.zone, when this checkout sits beside it) and
  `sim check` passes on it;
- a sample of it (`--sample`) comes up and every TLD in the sample
  resolves, www.nic.TLD through the sim's resolver from the client, and
  a host the root zone names for several TLDs answers for each of them;
- a generated topology (tests/bench/sim/gen_topology.py, a dnsim-auth on
  every host) comes up, every server answers, and `down` leaves none of
  its namespaces, /etc/netns entries, links or processes.

No timing thresholds: the bench (make bench, bench_sim.sh) measures.
Needs root (namespaces, port 53)."""
import ipaddress
import json
import os
import pathlib
import re
import subprocess
import sys

import pytest

from conftest import TOP, run

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the supervisor needs root")

REALROOT = TOP / "topologies" / "realroot.toml"
ROOT_ZONE = TOP.parent / "shared" / "data" / "root.zone"
GEN = TOP / "tests" / "bench" / "sim" / "gen_topology.py"
BENCHMARK_RANGE = ipaddress.ip_network("198.18.0.0/15")
WWW = "198.19.1.80"   # www.nic.TLD in zones/realroot/nic.zone


def sim_cmd(tool, *args, timeout=600):
    return subprocess.run([tool("dnsim-sim"), *args], capture_output=True, text=True,
                          timeout=timeout)


def leftovers(name):
    """What of sim `name` is on the machine: namespaces, /etc/netns
    entries, links named after it, its run folder."""
    prefix = (name + "-", name + ".")
    ns = [l.split()[0] for l in run(["ip", "netns", "list"]).stdout.splitlines() if l]
    etc = os.listdir("/etc/netns") if os.path.isdir("/etc/netns") else []
    links = [l.split(":", 2)[1].strip() for l in run(["ip", "-o", "link"]).stdout.splitlines()]
    return {
        "netns": sorted(n for n in ns if n.startswith(prefix)),
        "etc": sorted(n for n in etc if n.startswith(prefix)),
        "links": sorted(l for l in links if name in l),
        "run": os.path.exists(f"/run/dnsim/{name}"),
    }


NOTHING = {"netns": [], "etc": [], "links": [], "run": False}


def sim_pids(name):
    """The processes the sim's state log lists (its monitor and servers)."""
    pids = []
    with open(f"/run/dnsim/{name}/state") as f:
        for line in f:
            w = line.split()
            if len(w) >= 2 and w[0] in ("proc", "monitor"):
                pids.append(int(w[1]))
    return pids


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


class Up:
    """A sim brought up for a test, taken down (and checked gone) after."""

    def __init__(self, tool, name, path):
        self.tool, self.name = tool, name
        assert leftovers(name) == NOTHING, f"sim {name} is there already"
        r = sim_cmd(tool, "up", str(path))
        if r.returncode != 0:
            sim_cmd(tool, "--name", name, "down")
            pytest.fail(f"sim up {path} failed:\n{r.stdout}\n{r.stderr}")
        self.pids = sim_pids(name)

    def exec(self, node, *cmd, timeout=300):
        return sim_cmd(self.tool, "--name", self.name, "exec", node, *cmd, timeout=timeout)

    def down(self):
        r = sim_cmd(self.tool, "--name", self.name, "down")
        assert r.returncode == 0, r.stdout + r.stderr
        assert leftovers(self.name) == NOTHING
        assert [p for p in self.pids if alive(p)] == []


# A dnspython asker run inside a node: JSON in on stdin (server, names,
# type, recursion wanted), JSON out: each name's answers, or its error.
ASKER = r"""
import json, sys
import dns.flags, dns.message, dns.query, dns.rcode
job = json.load(sys.stdin)
out = {}
for server, name in job["ask"]:
    q = dns.message.make_query(name, job["type"])
    if not job["rd"]:
        q.flags &= ~dns.flags.RD
    answers = None
    for attempt in range(3):
        try:
            r = dns.query.udp(q, server, timeout=3)
        except Exception as e:
            answers = "error: %s" % e
            continue
        answers = {"rcode": dns.rcode.to_text(r.rcode()), "aa": bool(r.flags & dns.flags.AA),
                   "answer": sorted(rr.to_text() for s in r.answer for rr in s)}
        break
    out[server + " " + name] = answers
json.dump(out, sys.stdout)
"""


def ask_all(up, node, pairs, rdtype="A", rd=True):
    job = json.dumps({"ask": pairs, "type": rdtype, "rd": rd})
    r = subprocess.run([up.tool("dnsim-sim"), "--name", up.name, "exec", node, sys.executable,
                        "-c", ASKER], input=job, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def toml_nodes(text):
    """{node: {"addrs": [...], "zones": [...]}} from a generated topology."""
    nodes, cur = {}, None
    for line in text.splitlines():
        m = re.match(r"\[node\.([^\]]+)\]", line)
        if m:
            cur = nodes.setdefault(m.group(1), {"addrs": [], "zones": [], "hostname": None})
            continue
        if cur is None:
            continue
        if line.startswith("addresses"):
            cur["addrs"] += re.findall(r'= "([0-9a-fA-F.:]+)"', line)
        elif line.startswith("auth.zones"):
            cur["zones"] += re.findall(r'"([^"]+)" = "[^"]+"', line)
        elif line.startswith("hostname"):
            cur["hostname"] = line.split('"')[1]
    return nodes


# ---- the real root ----------------------------------------------------

def test_check_passes_on_realroot(tool):
    r = sim_cmd(tool, "check", str(REALROOT))
    assert r.returncode == 0, r.stdout + r.stderr
    m = re.search(r"(\d+) nodes, (\d+) servers: OK", r.stdout)
    assert m, r.stdout
    assert int(m.group(1)) > 5000


def test_realroot_is_what_gen_makes(tool, tmp_path):
    if not ROOT_ZONE.exists():
        pytest.skip(f"{ROOT_ZONE} is not here")
    r = sim_cmd(tool, "gen", "root", str(ROOT_ZONE))
    assert r.returncode == 0, r.stderr
    assert "nameserver hosts" in r.stderr
    shipped = REALROOT.read_text()
    # Written to stdout the zones folder is absolute; in topologies/ relative.
    made = re.sub(r'^zones = ".*"$', 'zones = "../zones/realroot"', r.stdout, flags=re.M)
    assert made == shipped


def test_realroot_uses_only_the_benchmarking_range():
    nodes = toml_nodes(REALROOT.read_text())
    addrs = [a for n in nodes.values() for a in n["addrs"]]
    assert len(addrs) > 5000
    assert all(ipaddress.ip_address(a) in BENCHMARK_RANGE for a in addrs)
    for line in REALROOT.read_text().splitlines():
        if line.startswith("ipv4"):
            assert ipaddress.ip_network(line.split('"')[1]).subnet_of(BENCHMARK_RANGE)
        assert not line.startswith("ipv6")


def test_gen_refuses_what_it_cannot_use(tool, tmp_path):
    empty = tmp_path / "empty.zone"
    empty.write_text(". 86400 IN SOA a.root-servers.net. x. 1 1 1 1 1\n")
    r = sim_cmd(tool, "gen", "root", str(empty))
    assert r.returncode != 0 and "no TLD delegations" in r.stderr
    r = sim_cmd(tool, "gen", "root", str(REALROOT), "--sample", "0")
    assert r.returncode != 0 and "--sample" in r.stderr
    r = sim_cmd(tool, "gen", "root", str(tmp_path / "missing.zone"))
    assert r.returncode != 0
    r = sim_cmd(tool, "gen", "nothing")
    assert r.returncode != 0


@pytest.fixture(scope="module")
def sample(tool, tmp_path_factory):
    """About 300 TLD hosts of the real root, up (the zones folder absolute,
    so the topology works from the temporary folder)."""
    if not ROOT_ZONE.exists():
        pytest.skip(f"{ROOT_ZONE} is not here")
    d = tmp_path_factory.mktemp("sample")
    path = d / "sample.toml"
    r = sim_cmd(tool, "--name", "scs", "gen", "root", str(ROOT_ZONE), "--sample", "300",
                "-o", str(path))
    assert r.returncode == 0, r.stderr
    r = sim_cmd(tool, "check", str(path))
    assert r.returncode == 0, r.stdout + r.stderr
    up = Up(tool, "scs", path)
    up.nodes = toml_nodes(path.read_text())
    try:
        yield up
    finally:
        up.down()


def test_every_sampled_tld_resolves(sample):
    tlds = sorted({z[len("nic."):] for n in sample.nodes.values() for z in n["zones"]
                   if z.startswith("nic.")})
    assert len(tlds) >= 20
    resolver = sample.nodes["resolver"]["addrs"][0]
    got = ask_all(sample, "client", [[resolver, "www.nic." + t] for t in tlds])
    wrong = {k: v for k, v in got.items()
             if not isinstance(v, dict) or v["answer"] != [WWW] or v["rcode"] != "NOERROR"}
    assert wrong == {}


def test_dig_from_the_client(sample):
    tld = next(z for n in sample.nodes.values() for z in n["zones"] if z.startswith("nic."))
    r = sample.exec("client", "dig", "+short", "+time=3", "+tries=2", "www." + tld)
    assert r.returncode == 0 and r.stdout.split() == [WWW], r.stdout + r.stderr


def test_a_shared_nameserver_serves_each_of_its_tlds(sample):
    """As in reality, one host serves many TLDs: it answers each of them
    with authority, and the root refers each to it among the others."""
    name, node = max(((k, v) for k, v in sample.nodes.items() if v["hostname"]),
                     key=lambda kv: len(kv[1]["zones"]))
    tlds = [z for z in node["zones"] if not z.startswith("nic.")]
    assert len(tlds) >= 2, f"no shared host in the sample ({name})"
    addr = node["addrs"][0]
    got = ask_all(sample, "client", [[addr, t] for t in tlds], "SOA", rd=False)
    assert all(isinstance(v, dict) and v["aa"] and len(v["answer"]) == 1
               for v in got.values()), got
    root = sample.nodes["a-root"]["addrs"][0]
    got = ask_all(sample, "client", [[root, "www.nic." + t] for t in tlds], "A", rd=False)
    assert all(isinstance(v, dict) and v["rcode"] == "NOERROR" and not v["aa"]
               for v in got.values()), got


# ---- a generated topology up and down ---------------------------------

def test_few_hundred_nodes_up_answer_and_down(tool, tmp_path):
    name = "scg"
    r = run([sys.executable, str(GEN), "300", "dns", str(tmp_path), name])
    assert r.returncode == 0, r.stderr
    nodes = toml_nodes((tmp_path / "topo.toml").read_text())
    servers = [n for n, v in nodes.items() if v["zones"]]
    assert len(servers) > 250
    up = Up(tool, name, tmp_path / "topo.toml")
    try:
        ns = run(["ip", "netns", "list"]).stdout
        assert all(f"{name}-{n}" in ns for n in nodes)
        assert all(alive(p) for p in up.pids)
        # Every server, asked from the first host (across the routers).
        got = ask_all(up, "h0", [[nodes[n]["addrs"][0], "www.bench.example."]
                                 for n in servers], "A", rd=False)
        wrong = {k: v for k, v in got.items()
                 if not isinstance(v, dict) or v["answer"] != ["192.0.2.80"] or not v["aa"]}
        assert wrong == {}
    finally:
        up.down()


def test_help_names_gen(tool):
    out = sim_cmd(tool, "help").stdout
    assert "gen root ROOTZONE [-o FILE] [--sample N]" in out
