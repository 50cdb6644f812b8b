"""The supervisor end to end: `sim up` builds namespaces, links, addresses
and routes, starts servers that answer, and `sim down` leaves the machine
as it was -- also after `kill -9` at any point of `up`.

Real clients are the oracles: dig and getent run inside the simulated
hosts through `sim exec`, and iproute2 inspects what was built."""
import contextlib
import os
import pathlib
import signal
import subprocess
import time

import pytest

from conftest import DATA, run

TINY = DATA / "topo" / "tiny.toml"

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the supervisor needs root")


def machine_snapshot():
    """What a sim could leave behind on the machine."""
    def ls(path):
        p = pathlib.Path(path)
        return sorted(x.name for x in p.iterdir()) if p.exists() else []

    links = run(["ip", "-o", "link"]).stdout
    links = sorted(line.split(":", 2)[1].strip() for line in links.splitlines())
    return {
        "netns": sorted(run(["ip", "netns", "list"]).stdout.split("\n")),
        "run": ls("/run/dnsim"),
        "etc": ls("/etc/netns"),
        "links": links,
    }


class Sim:
    """Runs the supervisor; remembers every sim it started so the fixture
    takes them all down, even when a test fails."""

    def __init__(self, binary):
        self.binary = binary
        self.names = set()

    def __call__(self, *args, timeout=120, check=False):
        r = subprocess.run([self.binary, *args], capture_output=True, text=True,
                           timeout=timeout)
        if check and r.returncode != 0:
            raise AssertionError(f"sim {' '.join(args)} failed ({r.returncode}):\n"
                                 f"{r.stdout}\n{r.stderr}")
        return r

    def up(self, name, path=TINY, **kw):
        self.names.add(name)
        return self("--name", name, "up", str(path), **kw)

    def exec(self, name, node, *cmd, **kw):
        return self("--name", name, "exec", node, *cmd, **kw)

    def down_all(self):
        for n in self.names:
            self("--name", n, "down", timeout=60)


@contextlib.contextmanager
def running_sim(tool, name, path=TINY, *extra, snapshot=machine_snapshot):
    """A sim up for the length of a `with`, taken down afterwards (also
    when the test fails), and what `snapshot` sees (the whole machine)
    as it was before."""
    before = snapshot()
    s = Sim(tool("dnsim-sim"))
    s.names.add(name)
    r = s("--name", name, "up", str(path), *extra)
    if r.returncode != 0:
        s.down_all()
        pytest.fail(f"sim up failed:\n{r.stdout}\n{r.stderr}")
    try:
        yield s
    finally:
        s.down_all()
    assert snapshot() == before, f"sim {name} left something behind"


@pytest.fixture
def sim(tool):
    before = machine_snapshot()
    s = Sim(tool("dnsim-sim"))
    yield s
    s.down_all()
    assert machine_snapshot() == before, "a sim left something behind"


@pytest.fixture(scope="module")
def tiny(tool):
    """One tiny sim shared by the read-only tests of this module."""
    s = Sim(tool("dnsim-sim"))
    r = s.up("t9")
    if r.returncode != 0:
        s.down_all()
        pytest.fail(f"sim up failed:\n{r.stdout}\n{r.stderr}")
    yield s
    s.down_all()


def status_rows(sim, name):
    r = sim("--name", name, "status", check=True)
    rows = {}
    for line in r.stdout.splitlines()[1:]:
        f = line.split()
        rows[f[0]] = {"service": f[1], "pid": f[2], "state": f[3], "queries": f[4],
                      "addresses": f[5:]}
    return rows


def dig(sim, name, node, *args):
    r = sim.exec(name, node, "dig", "+time=2", "+tries=2", *args)
    assert r.returncode == 0, r.stderr
    return r.stdout


# ---- what `up` builds -------------------------------------------------

def test_namespaces_links_addresses_routes(tiny):
    names = run(["ip", "netns", "list"]).stdout
    for node in ["r1", "r2", "root", "tld", "ns1", "resolver", "laptop"]:
        assert f"t9-{node}" in names
    assert "t9.switch" in names
    addr = run(["ip", "-n", "t9-r2", "-o", "addr"]).stdout
    assert "198.18.0.2/24" in addr and "203.0.113.1/24" in addr
    assert "2001:db8:0:2::1/64" in addr
    # The laptop reaches the servers' network through r1, its only router.
    route = run(["ip", "-n", "t9-laptop", "route"]).stdout
    assert "203.0.113.0/24 via 198.51.100.1" in route
    assert "198.18.0.0/24 via 198.51.100.1" in route
    # r1 forwards; r1 reaches the servers through r2.
    fwd = run(["ip", "netns", "exec", "t9-r1", "cat", "/proc/sys/net/ipv4/ip_forward"])
    assert fwd.stdout.strip() == "1"
    assert "203.0.113.0/24 via 198.18.0.2" in run(["ip", "-n", "t9-r1", "route"]).stdout
    # Links are up on both sides; the switch holds one bridge a network.
    assert "state UP" in run(["ip", "-n", "t9-laptop", "link", "show", "eth0"]).stdout
    bridges = run(["ip", "-n", "t9.switch", "-o", "link", "show", "type", "bridge"]).stdout
    for net in ["core", "isp", "servers"]:
        assert f" {net}:" in bridges


def forwarded(node):
    """Packets a router has forwarded (IPv4), from its own /proc."""
    snmp = run(["ip", "netns", "exec", node, "cat", "/proc/net/snmp"]).stdout.splitlines()
    names, values = [l.split() for l in snmp if l.startswith("Ip:")][:2]
    return int(values[names.index("ForwDatagrams")])


def test_udp_crosses_two_routers(tiny):
    before = [forwarded("t9-r1"), forwarded("t9-r2")]
    # laptop (isp) -> r1 -> r2 -> root (servers): the root answers.
    out = dig(tiny, "t9", "laptop", "@203.0.113.10", ".", "SOA")
    assert "status: NOERROR" in out and "a.root-servers.net." in out
    after = [forwarded("t9-r1"), forwarded("t9-r2")]
    # The query and its answer each crossed both routers.
    assert after[0] >= before[0] + 2 and after[1] >= before[1] + 2


def test_ipv6_between_servers(tiny):
    # resolver (core, v6) -> r2 -> root (servers, v6).
    out = dig(tiny, "t9", "resolver", "@2001:db8:0:2::10", ".", "NS")
    assert "status: NOERROR" in out and "a.root-servers.net." in out


def test_every_server_is_ready_and_counts_queries(tiny):
    rows = status_rows(tiny, "t9")
    for node in ["root", "tld", "ns1", "resolver"]:
        assert rows[node]["state"] == "ready", rows[node]
        assert int(rows[node]["pid"]) > 0
    assert rows["r1"]["service"] == "router"
    assert rows["laptop"]["service"] == "-"
    before = int(rows["ns1"]["queries"])
    dig(tiny, "t9", "laptop", "@203.0.113.12", "www.example.com", "A")
    after = int(status_rows(tiny, "t9")["ns1"]["queries"])
    # One dig, plus status's own counter probe.
    assert after >= before + 1


def test_servers_inherit_no_descriptors(tiny):
    # A server starts with /dev/null in and its own log out, and nothing
    # else of the supervisor's: not its log, not a pipe of `up` (which
    # would wait for every server to exit), not another node's log.
    for node, row in status_rows(tiny, "t9").items():
        if row["pid"] in ("-", "0"):
            continue
        fds = {}
        for fd in pathlib.Path(f"/proc/{row['pid']}/fd").iterdir():
            try:
                fds[int(fd.name)] = os.readlink(fd)
            except OSError:
                continue
        assert fds.get(0) == "/dev/null", (node, fds)
        own_log = f"/run/dnsim/t9/logs/{node}.log"
        assert fds.get(1) == own_log and fds.get(2) == own_log, (node, fds)
        for fd, target in fds.items():
            assert not target.startswith("pipe:"), (node, fd, target)
            assert not (target.startswith("/run/dnsim/") and target.endswith(".log")
                        and target != own_log), (node, fd, target)


# ---- clients resolve through their resolver ---------------------------

def test_dig_uses_the_configured_resolver(tiny):
    out = dig(tiny, "t9", "laptop", "www.example.com", "A")
    assert "SERVER: 198.18.0.53#53" in out
    assert "203.0.113.80" in out
    # The resolver found it by iterating: derived delegations root -> com
    # -> example.com, which the zone files themselves leave out.
    log = tiny("--name", "t9", "logs", "resolver", check=True).stdout
    assert "www.example.com" in log


def test_getent_goes_through_resolv_conf_and_hosts(tiny):
    r = tiny.exec("t9", "laptop", "getent", "ahosts", "www.example.com")
    assert r.returncode == 0 and "203.0.113.80" in r.stdout
    # The search domain from the topology completes a short name.
    r = tiny.exec("t9", "laptop", "getent", "ahostsv4", "www")
    assert r.returncode == 0 and "203.0.113.80" in r.stdout
    # The hosts entry wins, and exists nowhere in DNS.
    r = tiny.exec("t9", "laptop", "getent", "hosts", "override.example.com")
    assert r.stdout.split()[0] == "192.0.2.99"
    assert "status: NXDOMAIN" in dig(tiny, "t9", "laptop", "override.example.com")


def test_exec_sees_the_same_files_as_ip_netns_exec(tiny):
    ours = tiny.exec("t9", "laptop", "cat", "/etc/resolv.conf").stdout
    theirs = run(["ip", "netns", "exec", "t9-laptop", "cat", "/etc/resolv.conf"]).stdout
    assert ours == theirs
    assert "nameserver 198.18.0.53" in ours and "search example.com" in ours
    assert "options timeout:2 attempts:2" in ours
    # The machine's own file is untouched.
    assert "198.18.0.53" not in pathlib.Path("/etc/resolv.conf").read_text()
    # /sys shows the node's own interfaces.
    nets = tiny.exec("t9", "laptop", "ls", "/sys/class/net").stdout.split()
    assert sorted(nets) == ["eth0", "lo"]


def test_logs_hold_the_servers_output(tiny):
    dig(tiny, "t9", "laptop", "@203.0.113.12", "www.example.com", "AAAA")
    log = tiny("--name", "t9", "logs", "ns1", check=True).stdout
    assert "www.example.com" in log and "AAAA" in log
    assert "[dnsim] started" in log


def test_list_shows_the_sim(tiny):
    out = tiny("list", check=True).stdout
    assert any(line.split()[:3] == ["t9", "7", "running"] for line in out.splitlines())


def test_up_again_changes_nothing(tiny):
    before = machine_snapshot()
    pids = status_rows(tiny, "t9")
    r = tiny.up("t9")
    assert r.returncode == 1 and "already up" in r.stderr
    assert machine_snapshot() == before
    assert status_rows(tiny, "t9")["ns1"]["pid"] == pids["ns1"]["pid"]


# ---- keeping servers running --------------------------------------------

def test_stop_start_restart_and_crash_restart(sim):
    assert sim.up("t8").returncode == 0
    pid = int(status_rows(sim, "t8")["ns1"]["pid"])
    r = sim("--name", "t8", "stop", "ns1", check=True)
    assert "stopped" in r.stdout
    assert status_rows(sim, "t8")["ns1"]["state"] == "stopped"
    r = sim.exec("t8", "laptop", "dig", "+time=1", "+tries=1", "@203.0.113.12", "example.com")
    assert "connection refused" in r.stdout or "timed out" in r.stdout
    sim("--name", "t8", "start", "ns1", check=True)
    row = status_rows(sim, "t8")["ns1"]
    assert row["state"] == "ready" and int(row["pid"]) != pid
    pid = int(row["pid"])
    sim("--name", "t8", "restart", "ns1", check=True)
    row = status_rows(sim, "t8")["ns1"]
    assert row["state"] == "ready" and int(row["pid"]) != pid
    # A server that dies is started again by the monitor.
    pid = int(row["pid"])
    os.kill(pid, signal.SIGKILL)
    deadline = time.time() + 20
    while time.time() < deadline:
        row = status_rows(sim, "t8")["ns1"]
        if row["state"].startswith("ready") and row["pid"] not in ("-", str(pid)):
            break
        time.sleep(0.1)
    assert row["state"] == "ready(1)", row
    assert "status: NOERROR" in dig(sim, "t8", "laptop", "@203.0.113.12", "example.com")
    assert "killed by signal 9" in sim("--name", "t8", "logs", "ns1").stdout


def test_two_sims_side_by_side(sim):
    assert sim.up("ta").returncode == 0
    assert sim.up("tb").returncode == 0
    names = [l.split()[0] for l in sim("list", check=True).stdout.splitlines()[1:]]
    assert "ta" in names and "tb" in names
    for n in ["ta", "tb"]:
        assert "203.0.113.80" in dig(sim, n, "laptop", "+short", "www.example.com")
    # Without --name, a verb must not guess between two sims.
    r = sim("status")
    assert r.returncode == 1 and "choose one with --name" in r.stderr


# ---- failures and crashes -----------------------------------------------

def write_topology(tmp_path, extra_nodes="", name="tf"):
    text = TINY.read_text().replace('name = "tiny"', f'name = "{name}"')
    text = text.replace('zones = "zones"', f'zones = "{TINY.parent / "zones"}"')
    path = tmp_path / "topo.toml"
    path.write_text(text + extra_nodes)
    return path


def test_server_that_cannot_start_rolls_back(sim, tmp_path):
    path = write_topology(tmp_path, """
[node.broken]
addresses = { servers = "203.0.113.66" }
service.command = ["/bin/sh", "-c", "echo cannot bind >&2; exit 3"]
""")
    sim.names.add("tf")
    r = sim("up", str(path))
    assert r.returncode == 1
    assert "node broken" in r.stderr and "exited with status 3" in r.stderr
    assert "nothing of sim tf is left" in r.stderr
    assert not pathlib.Path("/run/dnsim/tf").exists()


def test_namespace_clash_rolls_back_and_keeps_the_other(sim, tmp_path):
    # Somebody else's namespace with the name a node would get.
    subprocess.run(["ip", "netns", "add", "tc-ns1"], check=True)
    try:
        before = machine_snapshot()
        sim.names.add("tc")
        r = sim("--name", "tc", "up", str(TINY))
        assert r.returncode == 1
        assert "node ns1" in r.stderr and "tc-ns1 already exists" in r.stderr
        assert machine_snapshot() == before
    finally:
        subprocess.run(["ip", "netns", "delete", "tc-ns1"])


def big_topology(tmp_path, hosts):
    """The tiny internet plus many hosts on the ISP network, so that `up`
    takes long enough to be killed in the middle."""
    extra = []
    for i in range(hosts):
        extra.append(f"""
[node.h{i}]
addresses = {{ isp = "198.51.100.{20 + i}" }}
client.resolver = "resolver"
""")
    return write_topology(tmp_path, "".join(extra), name="tk")


@pytest.mark.parametrize("delay", [0.0, 0.01, 0.03, 0.08, 0.2, 0.5])
def test_kill_9_during_up_then_down_leaves_nothing(sim, tmp_path, delay):
    path = big_topology(tmp_path, 150)
    before = machine_snapshot()
    sim.names.add("tk")
    p = subprocess.Popen([sim.binary, "up", str(path)], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    time.sleep(delay)
    p.kill()
    p.wait()
    r = sim("--name", "tk", "down", check=True)
    assert "down" in r.stdout or "not up" in r.stdout
    assert machine_snapshot() == before
    # Nothing of ours still runs.
    ps = run(["ps", "-eo", "args"]).stdout
    assert "/run/dnsim/tk/" not in ps


def test_kill_9_of_the_monitor_then_down(sim):
    assert sim.up("tm").returncode == 0
    state = pathlib.Path("/run/dnsim/tm/state").read_text()
    monitor = int([l for l in state.splitlines() if l.startswith("monitor ")][0].split()[1])
    servers = [int(l.split()[1]) for l in state.splitlines() if l.startswith("proc ")]
    os.kill(monitor, signal.SIGKILL)
    deadline = time.time() + 10
    while pathlib.Path(f"/proc/{monitor}").exists() and time.time() < deadline:
        time.sleep(0.02)
    r = sim("--name", "tm", "status")
    assert "monitor of sim tm is not running" in r.stderr
    sim("--name", "tm", "down", check=True)
    for pid in servers:
        assert not pathlib.Path(f"/proc/{pid}").exists() or \
            "Z" in pathlib.Path(f"/proc/{pid}/stat").read_text().split()[2]


def test_down_kills_what_exec_left_running(sim):
    assert sim.up("te").returncode == 0
    p = subprocess.Popen([sim.binary, "--name", "te", "exec", "laptop", "sleep", "300"])
    time.sleep(0.3)
    sim("--name", "te", "down", check=True)
    assert p.wait(timeout=10) == -signal.SIGKILL


def test_help_lists_every_verb(tool):
    out = run([tool("dnsim-sim"), "help"]).stdout
    for verb in ["up [FILE]", "down", "status", "exec NODE CMD", "shell NODE",
                 "logs NODE [-f]", "stop NODE", "start NODE", "restart NODE", "list",
                 "check FILE", "--name NAME", "--capture DIR", "trace NAME", "capture [NODE]",
                 "stats [NODE]", "cache NODE", "graph [FILE]", "zone NODE show", "register DOMAIN",
                 "link down|up", "check EXERCISE", "tutorial [N]"]:
        assert verb in out
    r = run([tool("dnsim-sim"), "frobnicate"])
    assert r.returncode == 2 and "unknown verb" in r.stderr


def test_two_ups_racing_for_one_name(sim):
    sim.names.add("tr")
    procs = [subprocess.Popen([sim.binary, "--name", "tr", "up", str(TINY)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    results = [p.communicate(timeout=120) + (p.returncode,) for p in procs]
    codes = sorted(r[2] for r in results)
    assert codes == [0, 1], results
    loser = next(r for r in results if r[2] == 1)
    assert "already up" in loser[1]
    # The winner's sim is whole: the loser took nothing of it down.
    rows = status_rows(sim, "tr")
    for node in ["root", "tld", "ns1", "resolver"]:
        assert rows[node]["state"] == "ready", rows
    assert "203.0.113.80" in dig(sim, "tr", "laptop", "+short", "www.example.com")
