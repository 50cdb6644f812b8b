"""Distance and trouble on the wire: link impairments on the portable path
(the relay dnsim-linkd, forced with `up --link-path relay` so that these
tests run on every kernel).  Everything is measured from inside the
nodes with linkprobe.py run by `sim exec`: UDP round trips against the
configured delay, datagrams counted against the configured loss, a
paced stream's arrivals against the configured rate.  `link set` changes
take effect without restarting anything, `link show` reports them, and
bad input is refused with nothing changed.

The small world is tests/data/topo/links.toml: a and b on a LAN, a 20 ms
away; a router r to a WAN whose attachments get 5 ms by default (r's
own is 0), where c sits behind an 8 mbit/s line."""
import contextlib
import json
import os
import pathlib
import re
import signal
import statistics
import subprocess
import time

import pytest

from conftest import DATA, TOP
from test_sim import Sim

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the supervisor needs root")

NAME = "lk15"
TOPO = DATA / "topo" / "links.toml"
PROBE = str(TOP / "tests" / "e2e" / "linkprobe.py")
A, B, C = "192.0.2.10", "192.0.2.20", "198.51.100.30"
A6, B6 = "2001:db8:15:1::10", "2001:db8:15:1::20"


def leftovers(name):
    """What sim `name` could leave on the machine: its namespaces, its
    /etc/netns folders, its state, a relay of its own still running.
    (Only its own: other sims come and go on this machine meanwhile.)"""
    ns = [w[0] for w in (l.split() for l in subprocess.run(
        ["ip", "netns", "list"], capture_output=True, text=True).stdout.splitlines())
          if w and (w[0].startswith(name + "-") or w[0] == name + ".switch")]
    etc = sorted(p.name for p in pathlib.Path("/etc/netns").glob(name + "-*"))
    relays = []
    for p in pathlib.Path("/proc").iterdir():
        try:
            words = (p / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if words[0].endswith(b"dnsim-linkd") and len(words) > 1 and words[1] == name.encode():
            relays.append(p.name)
    return {"netns": ns, "etc": etc, "state": pathlib.Path(f"/run/dnsim/{name}").exists(),
            "relays": relays}


@contextlib.contextmanager
def sim_up(tool, name, path, *extra):
    """Sim `name` up for the length of a `with` (its `up` output kept as
    s.up_out), taken down afterwards even when a test fails, and nothing
    of it left."""
    assert leftovers(name) == {"netns": [], "etc": [], "state": False, "relays": []}
    s = Sim(tool("dnsim-sim"))
    s.names.add(name)
    r = s("--name", name, "up", str(path), *extra)
    try:
        if r.returncode != 0:
            pytest.fail(f"sim up failed:\n{r.stdout}\n{r.stderr}")
        s.up_out = r.stdout
        yield s
    finally:
        s.down_all()
    assert leftovers(name) == {"netns": [], "etc": [], "state": False, "relays": []}, \
        "the sim left something behind"


@pytest.fixture(scope="module")
def net(tool):
    with sim_up(tool, NAME, TOPO, "--link-path", "relay", "--seed", "15") as s:
        yield s


def sim_ok(net, *args, timeout=60):
    r = net("--name", NAME, *args, timeout=timeout)
    assert r.returncode == 0, f"sim {' '.join(args)}: {r.stdout}{r.stderr}"
    return r.stdout


@contextlib.contextmanager
def serving(net, node, *args):
    """linkprobe.py running in a node until the `with` ends (stopped by
    its PID: `sim exec` becomes the probe)."""
    p = subprocess.Popen([net.binary, "--name", NAME, "exec", node, "python3", PROBE, *args],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = p.stdout.readline()
        assert line.strip() == "ready", f"probe in {node}: {line}{p.stderr.read()}"
        yield p
    finally:
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
        p.wait(timeout=10)


def round_trips(net, node, addr, n):
    out = sim_ok(net, "exec", node, "python3", PROBE, "ping", addr, str(n), timeout=300)
    return json.loads(out)


def check_rtt(rtts, want_ms):
    """The configured round trip: the median no more than 0.5 ms short
    of it (the relay may send a frame up to 0.2 ms early each way to
    make up for its own wakeup) and no more than 2.5 ms over it (waking
    idle CPUs at both ends, on a loaded or virtual machine), and nine
    in ten samples within 10% of it."""
    got = [r for r in rtts if r is not None]
    assert len(got) >= len(rtts) - 2, f"lost round trips on a link without loss: {rtts}"
    med = statistics.median(got)
    assert want_ms - 0.5 <= med <= want_ms + 2.5, \
        f"median RTT {med:.3f} ms, configured {want_ms} ms"
    near = sum(1 for r in got if abs(r - want_ms) <= want_ms * 0.1)
    assert near >= 0.9 * len(got), \
        f"{len(got) - near} of {len(got)} RTTs more than 10% off {want_ms} ms: {sorted(got)}"


def relay_pid():
    """The relay's PID, from the sim's state log (the last one started)."""
    pids = [line.split()[1] for line in
            pathlib.Path(f"/run/dnsim/{NAME}/state").read_text().splitlines()
            if line.startswith("proc ") and line.split()[-1] == "linkd"]
    return int(pids[-1]) if pids else None


def shown(net, *node):
    """`link show` as {(node, network): "in force"}."""
    rows = {}
    for line in sim_ok(net, "link", "show", *node).splitlines()[2:]:
        f = line.split()
        if len(f) >= 3 and not line.startswith("("):
            rows[(f[0], f[1])] = line[34:74].strip()
    return rows


def test_up_names_the_path_and_the_impaired_links(net):
    assert "links: relay (asked for with --link-path relay), seed 15; 2 impaired:\n" \
        in net.up_out, net.up_out
    assert "  a -- lan: delay=20ms\n  c -- wan: delay=5ms rate=8mbit\n" in net.up_out
    assert "links by relay (dnsim-linkd), seed 15" in sim_ok(net, "link", "show")
    table = pathlib.Path(f"/run/dnsim/{NAME}/links").read_text()
    assert table.startswith("path relay\nseed 15\n")
    # r's own delay = "0" overrides the network's 5 ms: not impaired.
    assert "link a lan " in table and "link c wan " in table and "link r " not in table


def test_no_impairment_no_relay(tool, tmp_path):
    # A sim whose links are all plain starts no relay; `link set` starts
    # it on demand, and `down` stops it.
    name = NAME + "p"
    plain = tmp_path / "plain.toml"
    plain.write_text("\n".join(l for l in TOPO.read_text().splitlines()
                               if not l.startswith(("links =", "delay ="))) + "\n")
    with sim_up(tool, name, plain, "--link-path", "relay") as s:
        assert "links: relay (asked for with --link-path relay)" in s.up_out
        assert "; 0 impaired\n" in s.up_out
        assert leftovers(name)["relays"] == []
        r = s("--name", name, "link", "set", "a", "delay=0", "loss=0")
        assert r.returncode == 0 and "no impairment" in r.stdout, r.stderr
        assert leftovers(name)["relays"] == []
        r = s("--name", name, "link", "set", "b", "delay=1ms")
        assert r.returncode == 0, r.stderr
        assert len(leftovers(name)["relays"]) == 1


def test_round_trip_is_twice_the_delay_both_ways(net):
    # a's attachment adds 20 ms each way: 40 ms whoever asks.
    with serving(net, "b", "echo", B):
        check_rtt(round_trips(net, "a", B, 200), 40.0)
    with serving(net, "a", "echo", A):
        check_rtt(round_trips(net, "b", A, 200), 40.0)
    # IPv6 crosses the same relay.
    with serving(net, "b", "echo", B6):
        check_rtt(round_trips(net, "a", B6, 50), 40.0)


def test_network_default_and_node_override(net):
    # b -> r -> c: r's own "0" removes the WAN's 5 ms, c keeps it (and
    # its rate, which small datagrams barely feel: 1 ms at most).
    with serving(net, "c", "echo", C):
        rtts = [r for r in round_trips(net, "b", C, 50) if r is not None]
    med = statistics.median(rtts)
    assert 10.0 <= med <= 11.0, f"median RTT b -> c {med:.3f} ms, configured 2 x 5 ms"


def relay_starts():
    return pathlib.Path(f"/run/dnsim/{NAME}/logs/linkd.log").read_text().count(
        "started dnsim-linkd")


def test_link_set_changes_delay_at_once_and_removes_it(net):
    pid, starts = relay_pid(), relay_starts()
    assert pid is not None
    try:
        out = sim_ok(net, "link", "set", "a", "lan", "delay=30ms")
        assert out == "link a -- lan: delay=30ms (relay)\n"
        assert shown(net, "a")[("a", "lan")] == "delay=30ms"
        with serving(net, "b", "echo", B):
            check_rtt(round_trips(net, "a", B, 100), 60.0)
            # Removed: the kernel's bridge again, well under a millisecond.
            out = sim_ok(net, "link", "set", "a", "delay=0")
            assert out == "link a -- lan: no impairment (relay)\n"
            assert shown(net, "a")[("a", "lan")] == "none"
            rtts = [r for r in round_trips(net, "a", B, 100) if r is not None]
            assert statistics.median(rtts) < 1.0, f"RTT without impairment: {sorted(rtts)}"
            # The port is back on its bridge, the relay's pair gone.
            links = subprocess.run(["ip", "-n", f"{NAME}.switch", "-o", "link"],
                                   capture_output=True, text=True).stdout
            assert re.search(r"\d+: n0-0@\S+ .* master lan ", links), links
            assert "r0-0" not in links, links
    finally:
        sim_ok(net, "link", "set", "a", "lan", "delay=20ms")
    # Nothing was restarted for any of it.
    assert relay_pid() == pid and relay_starts() == starts


def test_loss_on_a_link_not_impaired_at_up(net):
    # b's attachment was plain at up: `link set` hands it to the relay.
    with serving(net, "b", "echo", B):
        round_trips(net, "a", B, 3)   # neighbours known before any loss
    try:
        out = sim_ok(net, "link", "set", "b", "loss=10%")
        assert out == "link b -- lan: loss=10% (relay)\n"
        with serving(net, "b", "sink", B, "2") as sink:
            sim_ok(net, "exec", "a", "python3", PROBE, "blast", B, "2000", "200", "2000")
            got = json.loads(sink.communicate(timeout=60)[0])
        lost = 1 - got["count"] / 2000
        assert 0.07 <= lost <= 0.13, f"{got['count']} of 2000 arrived: {lost:.1%} lost, configured 10%"
        rows = sim_ok(net, "link", "show", "b")
        m = re.search(r"^b\s+lan\s+loss=10%\s+(\d+)/(\d+)/(\d+)", rows, re.M)
        assert m and int(m.group(2)) > 100, rows
    finally:
        sim_ok(net, "link", "set", "b", "loss=0")
    assert ("b", "lan") not in shown(net)


def test_rate_limits_a_stream(net):
    # c's line: 8 mbit/s toward it.  Offer about 15 mbit/s of 1200-octet
    # datagrams for 3 s; the relay's queue fills and what arrives comes
    # at the rate: 1242 octets a frame on the wire (UDP, IPv4, Ethernet).
    with serving(net, "c", "sink", C, "2") as sink:
        sim_ok(net, "exec", "b", "python3", PROBE, "blast", C, "4500", "1200", "1500")
        got = json.loads(sink.communicate(timeout=60)[0])
    times = got["times"]
    assert len(times) > 1000, got["count"]
    # Past the first half second (the queue filling) to the end.
    start = next(i for i, t in enumerate(times) if t - times[0] >= 0.5)
    frames = len(times) - 1 - start
    mbit = frames * 1242 * 8 / (times[-1] - times[start]) / 1e6
    assert abs(mbit - 8.0) <= 0.8, f"{mbit:.2f} mbit/s arrived, configured 8mbit"
    m = re.search(r"^c\s+wan\s+delay=5ms rate=8mbit\s+(\d+)/(\d+)/(\d+)",
                  sim_ok(net, "link", "show", "c"), re.M)
    assert m and int(m.group(3)) > 0, "the queue never overflowed: the offer was too small"


def test_bad_input_changes_nothing(net):
    table = pathlib.Path(f"/run/dnsim/{NAME}/links").read_text()
    bad = {
        ("set", "nobody", "delay=1ms"): 'has no node "nobody"',
        ("set", "a", "wan", "delay=1ms"): "node a is not on network wan",
        ("set", "a", "nowhere", "delay=1ms"): 'has no network "nowhere"',
        ("set", "a", "delay=-5ms"): 'delay: "-5ms" is negative',
        ("set", "a", "loss=101%"): 'loss: "101%" is more than 100%',
        ("set", "a", "rate=10mb"): 'unknown unit "mb"',
        ("set", "a", "delay=5"): 'has no unit',
        ("set", "a", "latency=5ms"): 'unknown link setting "latency"',
        ("set", "a", "jitter=25ms"): "jitter 25ms is more than the delay (20ms)",
        ("set", "a", "delay"): "delay needs a value",
        ("set", "a", "delay=10ms", "loss=1%", "jitter=11ms"): "nothing changed",
        ("show", "nobody"): 'has no node "nobody"',
    }
    for args, says in bad.items():
        r = net("--name", NAME, "link", *args)
        assert r.returncode != 0, f"link {' '.join(args)} was accepted"
        assert says in r.stderr, f"link {' '.join(args)}: {r.stderr}"
    assert pathlib.Path(f"/run/dnsim/{NAME}/links").read_text() == table


def test_jitter_spreads_round_trips(net):
    try:
        sim_ok(net, "link", "set", "a", "jitter=5ms")
        assert shown(net, "a")[("a", "lan")] == "delay=20ms jitter=5ms"
        with serving(net, "b", "echo", B):
            rtts = [r for r in round_trips(net, "a", B, 200) if r is not None]
        # Two draws of +-5 ms around 40 ms: none under 30 ms, and but for
        # late wakeups on a busy machine (a few in a hundred) none over 50
        # (plus a little for the ride); spread, and centred.
        rtts.sort()
        assert rtts[0] >= 30.0 and rtts[int(len(rtts) * 0.9)] <= 51.0, rtts
        assert statistics.pstdev(rtts) > 2.0, sorted(rtts)
        assert abs(statistics.median(rtts) - 40.0) <= 2.0, sorted(rtts)
    finally:
        sim_ok(net, "link", "set", "a", "jitter=0")


def test_graph_labels_impaired_links(net):
    dot = sim_ok(net, "graph")
    assert re.search(r'"a" -- "net:lan" \[label="[^"]*\\ndelay=20ms", style=dashed', dot), dot
    assert re.search(r'"b" -- "net:lan" \[label="[^"\\]*\\n[^"\\]*"\];', dot), dot


def test_a_crashed_relay_is_restarted(net):
    pid = relay_pid()
    os.kill(pid, signal.SIGKILL)   # the relay of this test's own sim
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and relay_pid() == pid:
        time.sleep(0.05)
    assert relay_pid() not in (None, pid)
    with serving(net, "b", "echo", B):
        # The first may fall in the gap; then 40 ms again.
        round_trips(net, "a", B, 3)
        check_rtt(round_trips(net, "a", B, 50), 40.0)


@pytest.mark.parametrize("keys,says", [
    ('links = { lan = { delay = "-5ms" } }', ':18:27: node a: link lan: delay: "-5ms" is negative'),
    ('links = { lan = { loss = "150%" } }', ':18:26: node a: link lan: loss: "150%" is more than 100%'),
    ('links = { lan = { delay = "5 parsecs" } }', 'unknown unit " parsecs"'),
    ('links = { wan = { delay = "5ms" } }', ':18: node a: links.wan: the node is not on network wan'),
    ('links = { lan = { delay = "1ms", jitter = "2ms" } }', ':18: node a: link lan: jitter 2ms is more than the delay (1ms)'),
])
def test_check_refuses_bad_link_keys(tool, tmp_path, keys, says):
    text = TOPO.read_text().replace('links = { lan = { delay = "20ms" } }', keys)
    assert keys in text
    path = tmp_path / "links.toml"
    path.write_text(text)
    r = subprocess.run([tool("dnsim-sim"), "check", str(path)], capture_output=True, text=True)
    assert r.returncode != 0
    assert says in r.stderr, r.stderr
