"""A sim on two machines over the kernel's VXLAN (issue 21), on one
machine: tests/data/topo/vxlan.toml is the tiny internet with the laptop,
r1 and the resolver on machine "a" and r2 with every authoritative
server on machine "b".  Each machine gets an underlay namespace of its
own (vxul-a, vxul-b: 192.0.2.1 and .2 on a veth of MTU 1400), and each
part is started with `--underlay-netns`, so its VXLAN sockets live
there and the parts talk across real VXLAN over that veth.

- part b up alone: up warns, status says, that peer a is unreachable;
- part a up: the peer answers; the laptop resolves www.example.com
  through the resolver in a and the servers in b, and a capture on the
  underlay sees VXLAN (UDP 4789) carry it;
- the network that spans (core) has one VXLAN device, VNI 10000, an
  all-zeros forwarding entry to the other machine, and MTU 1400 - 50 on
  the bridge, the device and each node's link; a network of one
  machine keeps 1500;
- a node of the other machine is named as such by exec and capture;
  trace and capture of every port name the other machine's nodes and
  the tunnel;
- `down` of each part removes all of it: no namespace, run folder,
  VXLAN device or socket on the underlay is left."""
import os
import re
import select
import subprocess

import pytest

from conftest import DATA, run
from test_sim import Sim
from test_tutorials import own_snapshot

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the supervisor needs root")

TOPOLOGY = DATA / "topo" / "vxlan.toml"
SIM = "vxt"
PART_A, PART_B = f"{SIM}-a", f"{SIM}-b"
UL = {"a": "vxul-a", "b": "vxul-b"}
UNDERLAY = {"a": "192.0.2.1", "b": "192.0.2.2"}
UNDERLAY_MTU = 1400
TUNNEL_MTU = UNDERLAY_MTU - 50


# An ICMP echo of N bytes with Don't Fragment: "reply N" when the echo
# came back whole, "refused EMSGSIZE" when the sender's link is smaller.
ECHO_DF = r"""
import errno, socket, struct, sys
to, size = sys.argv[1], int(sys.argv[2])
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b[:len(b) // 2 * 2]))
    s += b[-1] << 8 if len(b) % 2 else 0
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
IP_MTU_DISCOVER, IP_PMTUDISC_DO = 10, 2   # linux/in.h
s.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO)
s.settimeout(10)
body = b"v" * size
head = struct.pack("!BBHHH", 8, 0, 0, 0x5678, 1)
head = struct.pack("!BBHHH", 8, 0, csum(head + body), 0x5678, 1)
try:
    s.sendto(head + body, (to, 0))
except OSError as e:
    print("refused", errno.errorcode[e.errno])
    sys.exit(0)
while True:
    data, addr = s.recvfrom(65535)
    ihl = (data[0] & 15) * 4
    if addr[0] == to and data[ihl] == 0 and data[ihl + 4:ihl + 6] == b"\x56\x78":
        print("reply", len(data) - ihl - 8)
        break
"""


# How long a capture may stay silent before the test gives up on it: a
# guard against hanging when a packet never comes (each one comes well
# within it), not a measure of anything.
SILENCE_GUARD_S = 60


class Lines:
    """The lines a process writes to one of its pipes, read without ever
    blocking longer than the guard."""

    def __init__(self, pipe):
        self.fd = pipe.fileno()
        self.buf = b""
        self.seen = []

    def next(self):
        """The next line, or "" at the end of the output."""
        while b"\n" not in self.buf:
            ready, _, _ = select.select([self.fd], [], [], SILENCE_GUARD_S)
            assert ready, "nothing more came; so far:\n" + "".join(self.seen)
            chunk = os.read(self.fd, 65536)
            if not chunk:
                line, self.buf = self.buf, b""
                return line.decode(errors="replace")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        text = line.decode(errors="replace") + "\n"
        self.seen.append(text)
        return text

    def until(self, text):
        """Read past the first line holding `text`."""
        while True:
            line = self.next()
            assert line, f"no {text!r} in:\n" + "".join(self.seen)
            if text in line:
                return


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=SILENCE_GUARD_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def part_logs():
    """Both parts' logs, for a failure's message."""
    text = ""
    for part in (PART_A, PART_B):
        folder = f"/run/dnsim/{part}/logs"
        for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
            with open(os.path.join(folder, name), errors="replace") as f:
                text += f"--- {part} {name}\n{f.read()[-3000:]}"
    return text


def sh(*cmd):
    r = run(list(cmd))
    assert r.returncode == 0, f"{' '.join(cmd)}: {r.stdout}{r.stderr}"
    return r.stdout


def make_underlay():
    for ns in UL.values():
        sh("ip", "netns", "add", ns)
        sh("ip", "-n", ns, "link", "set", "lo", "up")
    sh("ip", "-n", UL["a"], "link", "add", "ul0", "mtu", str(UNDERLAY_MTU), "type", "veth",
       "peer", "name", "ul0", "netns", UL["b"], "mtu", str(UNDERLAY_MTU))
    for m, ns in UL.items():
        sh("ip", "-n", ns, "addr", "add", f"{UNDERLAY[m]}/24", "dev", "ul0")
        sh("ip", "-n", ns, "link", "set", "ul0", "up")


def remove_underlay():
    for ns in UL.values():
        run(["ip", "netns", "del", ns])


def udp_sockets(ns):
    """The UDP sockets bound in namespace ns, as `ss` lists them."""
    return sh("ip", "netns", "exec", ns, "ss", "-Huln")


def up(sim, machine):
    sim.names.add(f"{SIM}-{machine}")
    return sim("--name", SIM, "up", str(TOPOLOGY), "--machine", machine,
               "--underlay-netns", UL[machine])


@pytest.fixture(scope="module")
def parts(tool):
    """Part b up alone first (its `up` kept for the missing-peer test),
    then part a; both down and the underlay gone afterwards."""
    before = own_snapshot([PART_A, PART_B, *UL.values()])
    remove_underlay()   # a leftover of an interrupted run
    sim = Sim(tool("dnsim-sim"))
    try:
        make_underlay()
        alone = up(sim, "b")
        if alone.returncode != 0:
            pytest.fail(f"part b up failed:\n{alone.stdout}\n{alone.stderr}")
        status_alone = sim("--name", PART_B, "status")
        both = up(sim, "a")
        if both.returncode != 0:
            pytest.fail(f"part a up failed:\n{both.stdout}\n{both.stderr}")
        yield {"sim": sim, "b_alone": alone, "b_status_alone": status_alone, "a_up": both}
    finally:
        # Each part is taken down even when the other's down fails or
        # times out, and the underlay goes in any case; what is left is
        # told by the comparison below.
        try:
            for name in sorted(sim.names):
                try:
                    sim("--name", name, "down", timeout=60)
                except subprocess.TimeoutExpired:
                    pass
        finally:
            remove_underlay()
    assert own_snapshot([PART_A, PART_B, *UL.values()]) == before, "something was left behind"


def test_a_part_alone_reports_its_missing_peer(parts):
    r = parts["b_alone"]
    assert "part b of a sim on 2 machines: 4 of its 7 nodes here" in r.stdout, r.stdout
    assert "peer a (192.0.2.1) unreachable" in r.stdout, r.stdout
    assert "warning: 1 peer missing: a (192.0.2.1)" in r.stderr, r.stderr
    st = parts["b_status_alone"]
    assert st.returncode == 0 and "peer a (192.0.2.1) unreachable" in st.stdout, st.stdout


def test_the_other_part_finds_its_peer(parts):
    r = parts["a_up"]
    assert "peer b (192.0.2.2) up: its node r2 (198.18.0.2) answers" in r.stdout, r.stdout
    assert "peer missing" not in r.stderr, r.stderr
    st = parts["sim"]("--name", PART_A, "status")
    assert "peer b (192.0.2.2) up" in st.stdout, st.stdout
    # Each part lists its own nodes only.
    names = [line.split()[0] for line in st.stdout.splitlines()[1:4]]
    assert names == ["r1", "resolver", "laptop"], st.stdout
    assert not re.search(r"^root ", st.stdout, re.M)
    # ... and says which machine holds the others.
    assert "machine b (192.0.2.2) holds 4 nodes: r2 root tld ns1 (`./sim status` there)" \
        in st.stdout, st.stdout


def test_resolution_crosses_the_tunnel(parts):
    """The laptop (a) asks the resolver (a), which asks the root, com
    and example.com servers (b): every upstream query crosses VXLAN, as
    a capture on a's underlay shows."""
    cap = subprocess.Popen(
        ["ip", "netns", "exec", UL["a"], "tcpdump", "-n", "-l", "--immediate-mode", "-i",
         "ul0", "udp", "port", "4789"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        # tcpdump says it listens (on stderr) once its filter is in place.
        Lines(cap.stderr).until("listening on ul0")
        r = parts["sim"]("--name", PART_A, "exec", "laptop", "dig", "+time=5", "+tries=2",
                         "fresh-name.example.com")
        assert "status: NXDOMAIN" in r.stdout, r.stdout + r.stderr + part_logs()
        r = parts["sim"]("--name", PART_A, "exec", "laptop", "dig", "+short", "+time=5",
                         "+tries=2", "www.example.com")
        assert r.stdout.split() == ["203.0.113.80"], r.stdout + r.stderr
        # tcpdump prints each datagram's VXLAN header, then the frame
        # inside.  Read until ns1's answer to the resolver went by (the
        # answer the dig above got: it crossed here).
        out = Lines(cap.stdout)
        while True:
            outer = out.next()
            assert outer, "".join(out.seen)
            if "VXLAN" not in outer:
                continue
            assert re.search(r"IP 192\.0\.2\.[12]\.\d+ > 192\.0\.2\.[12]\.4789: VXLAN, "
                             r"flags \[I\] \(0x08\), vni 10000", outer), outer
            if "IP 203.0.113.12.53 > 198.18.0.53." in out.next():
                break
        queries = [x for x in out.seen
                   if re.search(r"IP 198\.18\.0\.53\.\d+ > 203\.0\.113\.1[012]\.53: ", x)]
        assert queries, "".join(out.seen)
    finally:
        stop(cap)


def test_trace_and_capture_of_a_part_name_the_other_machines_nodes(parts):
    """A part's trace draws the servers of the other machine by name
    (their addresses are not in the part's node list), and its capture
    of every port labels each of its own nodes' packets with the node
    (ports are numbered after the whole topology's nodes) and what came
    across the tunnel with the VXLAN device."""
    sim = parts["sim"]
    r = sim("--name", PART_A, "trace", "www.example.com", "--from", "laptop", "--cold")
    assert r.returncode == 0, r.stdout + r.stderr
    assert re.search(r"^\s*laptop\s+resolver\s+root\s+tld\s+ns1\s*$", r.stdout, re.M), r.stdout
    cap = subprocess.Popen([sim.binary, "--name", PART_A, "capture"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
    try:
        Lines(cap.stderr).until("listening on")
        r = sim("--name", PART_A, "exec", "laptop", "dig", "+time=5", "+tries=2",
                "captured.example.com")
        assert "status: NXDOMAIN" in r.stdout, r.stdout + r.stderr
        out = Lines(cap.stdout)
        while True:
            line = out.next()
            assert line, "".join(out.seen)
            if line.startswith("vxlan.0 ") and "203.0.113.12.53 > 198.18.0.53." in line:
                break
        text = "".join(out.seen)
        assert re.search(r"^laptop +\S+ IP 198\.51\.100\.10\.\d+ > 198\.18\.0\.53\.53: .*"
                         r"captured\.example\.com", text, re.M), text
        assert re.search(r"^resolver +\S+ IP 198\.18\.0\.53\.\d+ > 203\.0\.113\.12\.53: .*"
                         r"captured\.example\.com", text, re.M), text
    finally:
        stop(cap)


def test_the_spanning_network_is_carried_by_vxlan(parts):
    for part, other in ((PART_A, "b"), (PART_B, "a")):
        switch = f"{part}.switch"
        dev = sh("ip", "-d", "-n", switch, "link", "show", "vxlan.0")
        assert f"mtu {TUNNEL_MTU} " in dev and "master core" in dev, dev
        assert re.search(r"vxlan id 10000 local 192\.0\.2\.[12] .*dstport 4789", dev), dev
        assert f"link-netns {UL[part[-1]]}" in dev, dev
        fdb = sh("bridge", "-n", switch, "fdb", "show", "dev", "vxlan.0")
        assert f"00:00:00:00:00:00 dst {UNDERLAY[other]} " in fdb, fdb
        assert "mtu %d " % TUNNEL_MTU in sh("ip", "-n", switch, "link", "show", "core")
        # Exactly one VXLAN device: only core spans.
        vx = sh("ip", "-n", switch, "-o", "link", "show", "type", "vxlan").splitlines()
        assert len(vx) == 1, vx
    assert f"mtu {TUNNEL_MTU} " in sh("ip", "-n", f"{PART_A}-resolver", "link", "show", "eth0")
    assert f"mtu {TUNNEL_MTU} " in sh("ip", "-n", f"{PART_B}-r2", "link", "show", "eth0")
    # Networks of one machine (isp, servers) keep the usual MTU.
    assert "mtu 1500 " in sh("ip", "-n", f"{PART_A}-laptop", "link", "show", "eth0")
    assert "mtu 1500 " in sh("ip", "-n", f"{PART_B}-root", "link", "show", "eth0")
    # The largest packet the link takes crosses whole (Don't Fragment
    # set, and r2 echoes all of it); one byte more is refused at once.
    r = parts["sim"]("--name", PART_A, "exec", "resolver", "/usr/bin/python3", "-c", ECHO_DF,
                     "198.18.0.2", str(TUNNEL_MTU - 28))
    assert r.stdout.split() == ["reply", str(TUNNEL_MTU - 28)], r.stdout + r.stderr
    r = parts["sim"]("--name", PART_A, "exec", "resolver", "/usr/bin/python3", "-c", ECHO_DF,
                     "198.18.0.2", str(TUNNEL_MTU - 27))
    assert r.stdout.split() == ["refused", "EMSGSIZE"], r.stdout + r.stderr
    # Both parts' sockets on the underlay: VXLAN's port, bound there.
    for ns in UL.values():
        assert re.search(r":4789\b", udp_sockets(ns)), udp_sockets(ns)


def test_verbs_name_the_machine_of_a_remote_node(parts):
    sim = parts["sim"]
    for verb in (["exec", "root", "true"], ["capture", "ns1", "-c", "1"], ["logs", "tld"],
                 ["trace", "www.example.com", "--from", "root"], ["link", "down", "r2"],
                 ["link", "set", "root", "delay=5ms"]):
        r = sim("--name", PART_A, *verb)
        assert r.returncode != 0
        node = verb[-1] if verb[0] == "trace" else verb[2] if verb[0] == "link" else verb[1]
        assert f"node {node} is on machine b (192.0.2.2), not in this part (machine a)" \
            in r.stderr, r.stderr
    r = sim("--name", PART_B, "exec", "laptop", "true")
    assert r.returncode != 0 and "node laptop is on machine a (192.0.2.1)" in r.stderr
    # Its own nodes work as ever.
    r = sim("--name", PART_B, "exec", "root", "true")
    assert r.returncode == 0, r.stderr


def test_down_of_each_part_removes_it_all(parts):
    """Last: a down, b tells a is gone, b down; nothing of either left
    (the fixture compares the machine with before)."""
    sim = parts["sim"]
    r = sim("--name", PART_A, "down")
    assert r.returncode == 0, r.stderr
    assert not re.search(r":4789\b", udp_sockets(UL["a"])), udp_sockets(UL["a"])
    assert own_snapshot([PART_A])["netns"] == []
    assert not os.path.exists(f"/run/dnsim/{PART_A}")
    st = sim("--name", PART_B, "status")
    assert "peer a (192.0.2.1) unreachable" in st.stdout, st.stdout
    r = sim("--name", PART_B, "down")
    assert r.returncode == 0, r.stderr
    assert not re.search(r":4789\b", udp_sockets(UL["b"])), udp_sockets(UL["b"])
    for ns in UL.values():
        assert sh("ip", "-n", ns, "-o", "link", "show", "type", "vxlan") == ""
    assert own_snapshot([PART_A, PART_B])["netns"] == []


def test_check_shows_the_split(tool):
    r = run([tool("dnsim-sim"), "check", str(TOPOLOGY)])
    assert r.returncode == 0, r.stderr
    assert "machine a (underlay 192.0.2.1): 3 nodes: r1 resolver laptop" in r.stdout
    assert "machine b (underlay 192.0.2.2, ssh root@machine-b): 4 nodes: r2 root tld ns1" \
        in r.stdout
    assert "over VXLAN: core (VNI 10000)\n" in r.stdout, r.stdout
