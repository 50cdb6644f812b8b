"""A small DNS hierarchy on loopback addresses (127.53.0.x, port 53),
served by dnsim-auth or by NSD, with a recursive resolver on top
(dnsim-resolver or Unbound).  Shared by the end-to-end tests.

Processes are started here and stopped here, by PID, even when a test
fails.  Needs root (port 53).
"""
import os
import shutil
import signal
import subprocess
import time

import dns.message
import dns.query

ROOT, TLD, EXAMPLE, OTHER = "127.53.0.2", "127.53.0.3", "127.53.0.4", "127.53.0.5"
RESOLVER, PEER_RESOLVER = "127.53.0.53", "127.53.0.54"

ZONES = {
    "root.zone": """$TTL 86400
. SOA a.root-servers.net. nstld.example. 1 1800 900 604800 86400
. NS a.root-servers.net.
a.root-servers.net. A 127.53.0.2
com. 172800 NS a.gtld-servers.net.
net. 172800 NS a.gtld-servers.net.
org. 172800 NS a.gtld-servers.net.
a.gtld-servers.net. 172800 A 127.53.0.3
""",
    "com.zone": """$TTL 172800
@ SOA a.gtld-servers.net. nstld.example. 1 1800 900 604800 86400
@ NS a.gtld-servers.net.
example.com. NS ns1.example.com.
example.com. NS ns.other.net.
ns1.example.com. A 127.53.0.4
attacker.com. NS ns.attacker.com.
ns.attacker.com. A 127.53.0.6
dead.com. NS ns1.dead.com.
dead.com. NS ns2.dead.com.
ns1.dead.com. A 127.53.0.40
ns2.dead.com. A 127.53.0.41
""" + "".join(f"""failover{i}.com. NS ns-dead.failover{i}.com.
failover{i}.com. NS ns-live.failover{i}.com.
ns-dead.failover{i}.com. A 127.53.0.{40 + 2 * i}
ns-live.failover{i}.com. A 127.53.0.{30 + i}
""" for i in range(1, 7)),
    "net.zone": """$TTL 172800
@ SOA a.gtld-servers.net. nstld.example. 1 1800 900 604800 86400
@ NS a.gtld-servers.net.
a.gtld-servers.net. A 127.53.0.3
other.net. NS ns.other.net.
ns.other.net. A 127.53.0.5
victim.net. NS ns.other.net.
""",
    "org.zone": """$TTL 172800
@ SOA a.gtld-servers.net. nstld.example. 1 1800 900 604800 86400
@ NS a.gtld-servers.net.
noglue.org. NS ns.other.net.
""",
    "example.zone": """$TTL 300
@ SOA ns1 admin 1 2 3 4 60
@ NS ns1
@ NS ns.other.net.
ns1 A 127.53.0.4
www CNAME web.other.net.
chain CNAME www
mail A 192.0.2.25
mail AAAA 2001:db8::25
@ MX 10 mail
@ TXT "v=spf1 -all" "second string"
short 2 A 192.0.2.2
shop 60 A 192.0.2.101
shop 60 A 192.0.2.102
shop 60 A 192.0.2.103
*.wild TXT "wildcard"
_sip._udp SRV 0 5 5060 mail
*.cold A 192.0.2.50
pf 10 A 192.0.2.10
countdown 600 A 192.0.2.11
""" + "".join(f'big TXT "{i:02d} padding to make the answer too large for one UDP message of 1232 octets ......."\n'
              for i in range(16)),
    "other.zone": """$TTL 300
@ SOA ns admin 1 2 3 4 60
@ NS ns
ns A 127.53.0.5
web A 192.0.2.80
web AAAA 2001:db8::80
""",
    "noglue.zone": """$TTL 300
@ SOA ns.other.net. admin 1 2 3 4 60
@ NS ns.other.net.
www A 192.0.2.44
""",
    "victim.zone": """$TTL 300
@ SOA ns.other.net. admin 1 2 3 4 60
@ NS ns.other.net.
www A 192.0.2.123
""",
    **{f"failover{i}.zone": f"""$TTL 300
@ SOA ns-live admin 1 2 3 4 60
@ NS ns-dead
@ NS ns-live
ns-dead A 127.53.0.{40 + 2 * i}
ns-live A 127.53.0.{30 + i}
www A 192.0.2.{200 + i}
""" for i in range(1, 7)},
    "hints": """.  3600000  NS  a.root-servers.net.
a.root-servers.net. 3600000 A 127.53.0.2
""",
}

# address -> zones it serves (origin, file)
SERVERS = {
    ROOT: [(".", "root.zone")],
    TLD: [("com.", "com.zone"), ("net.", "net.zone"), ("org.", "org.zone")],
    EXAMPLE: [("example.com.", "example.zone")],
    OTHER: [("other.net.", "other.zone"), ("example.com.", "example.zone"),
            ("noglue.org.", "noglue.zone"), ("victim.net.", "victim.zone")],
}
# The live servers of failover1..6.com, one address each, so no server's
# round-trip time is known before its zone is first asked.
FAILOVER = {f"127.53.0.{30 + i}": [(f"failover{i}.com.", f"failover{i}.zone")] for i in range(1, 7)}


def write_zones(d):
    for name, text in ZONES.items():
        (d / name).write_text(text)


def probe(addr, name=".", rdtype="SOA", timeout=10.0):
    """Wait until a server at addr answers anything."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            dns.query.udp(dns.message.make_query(name, rdtype), addr, timeout=0.3)
            return True
        except Exception:
            time.sleep(0.05)
    return False


class Lab:
    """Processes started for one test module; stop() ends them all."""

    def __init__(self, d):
        self.dir = d
        self.procs = []
        write_zones(d)

    def spawn(self, cmd, name):
        log = open(self.dir / f"{name}.log", "w")
        p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        self.procs.append(p)
        return p

    def auth_dnsim(self, tool, servers=None):
        servers = servers or SERVERS
        for addr, zones in servers.items():
            cmd = [tool("dnsim-auth"), "-l", addr]
            for origin, f in zones:
                cmd += ["-z", f"{origin}={self.dir / f}"]
            self.spawn(cmd, f"auth-{addr}")
        self.wait(list(servers))

    def auth_nsd(self):
        nsd = shutil.which("nsd")
        for addr, zones in SERVERS.items():
            d = self.dir / f"nsd-{addr}"
            d.mkdir()
            conf = [
                "server:",
                f"  ip-address: {addr}", "  port: 53", "  server-count: 1",
                '  username: ""', '  chroot: ""', f'  zonesdir: "{self.dir}"',
                f'  pidfile: "{d}/nsd.pid"', f'  xfrdfile: "{d}/xfrd.state"',
                '  database: ""', f'  zonelistfile: "{d}/zone.list"',
                "  rrl-ratelimit: 0", "  verbosity: 1", "  hide-version: yes",
                "remote-control:", "  control-enable: no",
            ]
            for origin, f in zones:
                conf += ["zone:", f"  name: {origin}", f"  zonefile: {f}"]
            (d / "nsd.conf").write_text("\n".join(conf) + "\n")
            self.spawn([nsd, "-d", "-c", str(d / "nsd.conf")], f"nsd-{addr}")
        self.wait(list(SERVERS))

    def resolver_dnsim(self, tool, *extra):
        self.spawn([tool("dnsim-resolver"), "-l", RESOLVER, "-r", str(self.dir / "hints"),
                    "-T", str(self.dir / "trace.jsonl"), "-C", str(self.dir / "ctl"),
                    *extra], "resolver")
        self.wait([RESOLVER], name="localhost.", rdtype="A")

    def resolver_unbound(self):
        d = self.dir / "unbound"
        d.mkdir()
        conf = f"""server:
  interface: {PEER_RESOLVER}
  port: 53
  do-daemonize: no
  username: ""
  chroot: ""
  directory: "{d}"
  pidfile: "{d}/unbound.pid"
  root-hints: "{self.dir / 'hints'}"
  do-not-query-localhost: no
  access-control: 127.0.0.0/8 allow
  module-config: "iterator"
  qname-minimisation: yes
  harden-referral-path: no
  use-syslog: no
  logfile: ""
  verbosity: 1
remote-control:
  control-enable: no
"""
        (d / "unbound.conf").write_text(conf)
        self.spawn([shutil.which("unbound"), "-d", "-c", str(d / "unbound.conf")], "unbound")
        self.wait([PEER_RESOLVER], name="localhost.", rdtype="A")

    def wait(self, addrs, name=".", rdtype="SOA"):
        for a in addrs:
            if not probe(a, name, rdtype):
                logs = "".join(p.read_text() for p in self.dir.glob("*.log"))
                raise RuntimeError(f"server at {a} did not answer:\n{logs}")

    def stop(self):
        """Stop every process by PID; returns their exit codes."""
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        codes = []
        for p in self.procs:
            try:
                codes.append(p.wait(timeout=5))
            except subprocess.TimeoutExpired:
                p.kill()
                codes.append(p.wait())
        return codes


def ask(server, name, rdtype="A", tcp=False, timeout=5):
    q = dns.message.make_query(name, rdtype)
    return (dns.query.tcp if tcp else dns.query.udp)(q, server, timeout=timeout)


def answer_set(msg):
    """rcode and the answer section as a set of (name, type, rdata)."""
    return (msg.rcode(), {(s.name.to_text().lower(), s.rdtype, r.to_text())
                          for s in msg.answer for r in s})
