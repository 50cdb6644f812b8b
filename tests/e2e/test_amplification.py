"""Amplification (seed 003, scenario D) inside a sim: an attacker node sends
queries with the victim's address forged as their source, and the servers'
large answers land on the victim.  We measure the bytes that reach the
victim per byte the attacker sent, from the nodes' own interface counters,
against a server without response rate limiting and one with it, and
check that a legitimate client still gets its answers."""
import os
import shutil
import textwrap
import time

import pytest

from conftest import DATA
from test_sim import running_sim

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the supervisor needs root")

NAME = "tamp"
ATTACKER, VICTIM = "198.51.100.66", "198.51.100.77"
OPEN_SERVER, LIMITED_SERVER = "203.0.113.12", "203.0.113.13"
QUERIES = 300

# A raw socket forging the victim's address, bounded in count.
ATTACK = textwrap.dedent("""
    import socket, struct, sys, time
    victim, server, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    name = b"".join(bytes([len(l)]) + l for l in b"big.example.com".split(b".")) + b"\\0"
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    for i in range(count):
        dns = struct.pack("!HHHHHH", i, 0, 1, 0, 0, 1) + name + struct.pack("!HH", 16, 1)
        dns += b"\\0" + struct.pack("!HHIH", 41, 4096, 0, 0)      # EDNS, 4096 octets
        udp = struct.pack("!HHHH", 40000 + i % 1000, 53, 8 + len(dns), 0) + dns
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64, 17, 0,
                         socket.inet_aton(victim), socket.inet_aton(server))
        s.sendto(ip + udp, (server, 0))
        time.sleep(0.002)
""")


def topology(tmp_path):
    zones = tmp_path / "zones"
    shutil.copytree(DATA / "topo" / "zones", zones)
    # A large answer to amplify: about 1,000 octets of TXT.
    big = "".join(f'big IN TXT "{"x" * 240} {i}"\n' for i in range(4))
    with open(zones / "example.com.zone", "a") as f:
        f.write(big)
    text = (DATA / "topo" / "tiny.toml").read_text()
    text = text.replace('name = "tiny"', f'name = "{NAME}"')
    text += textwrap.dedent(f"""
        [node.limited]
        addresses = {{ servers = "{LIMITED_SERVER}" }}
        auth.zones = {{ "example.com." = "example.com.zone" }}
        auth.rate_limit = 5
        auth.rate_limit_slip = 2

        [node.attacker]
        addresses = {{ isp = "{ATTACKER}" }}

        [node.victim]
        addresses = {{ isp = "{VICTIM}" }}
    """)
    path = tmp_path / "amp.toml"
    path.write_text(text)
    return path


def counter(node, name):
    r = os.popen(f"ip netns exec {NAME}-{node} cat /sys/class/net/eth0/statistics/{name}")
    return int(r.read())


def attack(sim, tmp_path, server):
    script = tmp_path / "attack.py"
    script.write_text(ATTACK)
    sent0, got0 = counter("attacker", "tx_bytes"), counter("victim", "rx_bytes")
    r = sim.exec(NAME, "attacker", "/usr/bin/python3", str(script), VICTIM, server,
                 str(QUERIES), timeout=60)
    assert r.returncode == 0, r.stderr
    time.sleep(0.5)
    sent, got = counter("attacker", "tx_bytes") - sent0, counter("victim", "rx_bytes") - got0
    return got / sent


def test_rrl_cuts_amplification_and_real_clients_are_served(tool, tmp_path):
    with running_sim(tool, NAME, topology(tmp_path)) as sim:
        open_factor = attack(sim, tmp_path, OPEN_SERVER)
        limited_factor = attack(sim, tmp_path, LIMITED_SERVER)
        print(f"\namplification: {open_factor:.2f} bytes at the victim per byte sent "
              f"without RRL, {limited_factor:.2f} with RRL (5/s, slip 2)")
        assert open_factor > 5, open_factor
        assert limited_factor < 1.5 and limited_factor < open_factor / 5, limited_factor
        stats = sim("--name", NAME, "stats", "limited").stdout
        assert "rrl.dropped" in stats and "rrl.slipped" in stats
        # A client in another prefix is answered as usual.
        r = sim.exec(NAME, "resolver", "dig", "+time=2", "+tries=1", f"@{LIMITED_SERVER}",
                     "big.example.com", "TXT")
        assert "status: NOERROR" in r.stdout and "ANSWER: 4" in r.stdout
        # The victim's own prefix is limited over UDP, yet a real client
        # there gets the answer over TCP, which cannot be forged.
        r = sim.exec(NAME, "laptop", "dig", "+tcp", "+time=2", "+tries=1",
                     f"@{LIMITED_SERVER}", "big.example.com", "TXT")
        assert "status: NOERROR" in r.stdout and "ANSWER: 4" in r.stdout
