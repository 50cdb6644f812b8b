"""A small DNS internet in network namespaces: every server (root, TLD,
domain servers, resolvers) and the client in a namespace of its own, all
joined by one bridge, addressed from 198.18.53.0/24 (a benchmarking
range).  Served by dnsim-auth or by NSD, with dnsim-resolver or Unbound on
top.  Shared by the end-to-end tests and make bench.

Tests ask from the client namespace (through netagent.py), never from the
machine's own.  Namespaces are named dnsimt-PID-N; processes are started
and stopped here, by PID, and everything is removed even when a test
fails.  Needs root.
"""
import itertools
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import time

import dns.message

NET = "198.18.53."
ROOT, TLD, EXAMPLE, OTHER = NET + "2", NET + "3", NET + "4", NET + "5"
RESOLVER, PEER_RESOLVER = NET + "53", NET + "54"
CLIENT, OUTSIDER = NET + "100", NET + "101"
_count = itertools.count()

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
triple CNAME alias.other.net.
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
alias CNAME www.noglue.org.
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
    ROOT: [(".", "root.zone")],  # noqa: E241
    TLD: [("com.", "com.zone"), ("net.", "net.zone"), ("org.", "org.zone")],
    EXAMPLE: [("example.com.", "example.zone")],
    OTHER: [("other.net.", "other.zone"), ("example.com.", "example.zone"),
            ("noglue.org.", "noglue.zone"), ("victim.net.", "victim.zone")],
}
# The live servers of failover1..6.com, one address each, so no server's
# round-trip time is known before its zone is first asked.
FAILOVER = {f"{NET}{30 + i}": [(f"failover{i}.com.", f"failover{i}.zone")] for i in range(1, 7)}


def write_zones(d):
    for name, text in ZONES.items():
        (d / name).write_text(text.replace("127.53.0.", NET))


class Lab:
    """The namespaces and processes of one test module; stop() ends them."""

    def __init__(self, d):
        self.dir = pathlib.Path(d)
        self.prefix = f"dnsimt-{os.getpid()}-{next(_count)}"
        self.procs = []
        self.namespaces = []
        self.agents = {}
        write_zones(self.dir)
        try:
            self.switch = self._netns("sw")
            self._run(["ip", "-n", self.switch, "link", "add", "br0", "type", "bridge"])
            self._run(["ip", "-n", self.switch, "link", "set", "br0", "up"])
            self.host(CLIENT)
            self.host(OUTSIDER)
        except BaseException:
            self.stop()
            raise

    def _run(self, cmd):
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)}: {r.stderr.strip()}")

    def _netns(self, tag):
        name = f"{self.prefix}-{tag}"
        self._run(["ip", "netns", "add", name])
        self.namespaces.append(name)
        self._run(["ip", "-n", name, "link", "set", "lo", "up"])
        return name

    def host(self, addr):
        """The namespace of the host with this address, made on first use."""
        tag = addr.rsplit(".", 1)[1]
        name = f"{self.prefix}-{tag}"
        if name in self.namespaces:
            return name
        self._netns(tag)
        port = f"v{tag}-{os.getpid() % 10000}"[:15]
        self._run(["ip", "-n", self.switch, "link", "add", port, "type", "veth",
                   "peer", "name", "eth0", "netns", name])
        self._run(["ip", "-n", self.switch, "link", "set", port, "master", "br0", "up"])
        self._run(["ip", "-n", name, "addr", "add", f"{addr}/24", "dev", "eth0"])
        self._run(["ip", "-n", name, "link", "set", "eth0", "up"])
        return name

    def spawn(self, cmd, name, addr=None):
        """Start cmd (in the namespace of addr); its output goes to NAME.log."""
        log = open(self.dir / f"{name}.log", "w")
        if addr:
            cmd = ["ip", "netns", "exec", self.host(addr)] + cmd
        p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        self.procs.append(p)
        return p

    def agent(self, source=CLIENT):
        if source not in self.agents:
            self.agents[source] = subprocess.Popen(
                ["ip", "netns", "exec", self.host(source), sys.executable,
                 str(pathlib.Path(__file__).with_name("netagent.py"))],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        return self.agents[source]

    def query(self, server, msg, tcp=False, timeout=5, port=53, source=CLIENT):
        a = self.agent(source)
        a.stdin.write(json.dumps({"server": server, "port": port, "wire": msg.to_wire().hex(),
                                  "tcp": tcp, "timeout": timeout}) + "\n")
        a.stdin.flush()
        out = json.loads(a.stdout.readline())
        if "error" in out:
            raise TimeoutError(out["error"])
        return dns.message.from_wire(bytes.fromhex(out["wire"]))

    def auth_dnsim(self, tool, servers=None):
        servers = servers or SERVERS
        for addr, zones in servers.items():
            cmd = [tool("dnsim-auth"), "-l", addr]
            for origin, f in zones:
                cmd += ["-z", f"{origin}={self.dir / f}"]
            self.spawn(cmd, f"auth-{addr}", addr)
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
            self.spawn([nsd, "-d", "-c", str(d / "nsd.conf")], f"nsd-{addr}", addr)
        self.wait(list(SERVERS))

    def resolver_dnsim(self, tool, *extra, wrap=(), trace=True):
        """dnsim-resolver for the client; with its trace in trace.jsonl
        (benchmarks turn it off: writing it costs)."""
        tr = ["-T", str(self.dir / "trace.jsonl")] if trace else []
        self.spawn([*wrap, tool("dnsim-resolver"), "-l", RESOLVER, "-r", str(self.dir / "hints"),
                    "-a", f"{CLIENT}/32", *tr, "-C", str(self.dir / "ctl"), *extra],
                   "resolver", RESOLVER)
        self.wait([RESOLVER], name="localhost.", rdtype="A")

    def resolver_unbound(self, wrap=()):
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
  access-control: {NET}0/24 allow
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
        self.spawn([*wrap, shutil.which("unbound"), "-d", "-c", str(d / "unbound.conf")],
                   "unbound", PEER_RESOLVER)
        self.wait([PEER_RESOLVER], name="localhost.", rdtype="A")

    def wait(self, addrs, name=".", rdtype="SOA", timeout=10.0):
        for a in addrs:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    self.query(a, dns.message.make_query(name, rdtype), timeout=0.3)
                    break
                except TimeoutError:
                    if time.monotonic() > deadline:
                        logs = "".join(p.read_text() for p in self.dir.glob("*.log"))
                        raise RuntimeError(f"server at {a} did not answer:\n{logs}")
                    time.sleep(0.05)

    def stop(self):
        """Stop every process by PID, remove every namespace; returns the
        processes' exit codes."""
        for a in self.agents.values():
            a.stdin.close()
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        codes = []
        for p in list(self.agents.values()) + self.procs:
            try:
                code = p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
                code = p.wait()
            if p in self.procs:
                codes.append(code)
        self.agents = {}
        for ns in reversed(self.namespaces):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        self.namespaces = []
        return codes


def ask(lab, server, name, rdtype="A", tcp=False, timeout=5, source=CLIENT):
    """A recursive question from the lab's client namespace."""
    return lab.query(server, dns.message.make_query(name, rdtype), tcp=tcp,
                     timeout=timeout, source=source)


def answer_set(msg):
    """rcode and the answer section as a set of (name, type, rdata)."""
    return (msg.rcode(), {(s.name.to_text().lower(), s.rdtype, r.to_text())
                          for s in msg.answer for r in s})
