"""Routing policies in dnsim-auth, as clients see them: weighted answers
in their proportions, failover on a web server's health (HTTP checks
against dnsim-httpd), geolocation by source address and by EDNS Client
Subnet (also through Unbound with its subnetcache module), latency,
multivalue answers that never name a dead server, and a bad policy file
refused with FILE:LINE at start and at reload (the old policies stay).

Everything runs in a netlab (namespaces joined by one bridge): the
example.com servers, three web servers, the clients.  Needs root."""
import os
import signal
import shutil
import subprocess
import time

import dns.edns
import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import pytest

import netlab
from netlab import CLIENT, EXAMPLE, NET, OTHER, OUTSIDER, PEER_RESOLVER, ROOT, TLD

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="namespaces need root")

WEB1, WEB2, WEB3 = NET + "80", NET + "81", NET + "82"
# Addresses where no host answers: a multivalue pool's dead members.
DEAD = [NET + str(90 + i) for i in range(7)]
EUROPE_NET = "192.0.2.0/24"         # a region the tests reach only by ECS

ZONE = """$TTL 300
@ SOA ns1 admin 1 2 3 4 60
@ NS ns1
@ NS ns.other.net.
ns1 A 127.53.0.4
weighted A 127.53.0.80
failover A 127.53.0.80
geo A 127.53.0.80
near A 127.53.0.80
multi A 127.53.0.80
plain A 192.0.2.1
""".replace("127.53.0.", NET)

CONFIG = f"""listen {{listen}}
zone example.com. {{zone}}
{{other}}
region here {CLIENT}/32
region there {OUTSIDER}/32
region europe {EUROPE_NET}
region-delay here there 10
region-delay here europe 40
region-delay there europe 5

policy weighted.example.com. {{{{
    routing weighted
    ttl 30
    answer {WEB1} weight 70
    answer {WEB2} weight 20
    answer {WEB3} weight 10
}}}}

policy failover.example.com. {{{{
    routing failover
    check http 80 /
    check-interval 1
    check-threshold 2
    answer {WEB1} primary
    answer {WEB2} secondary
}}}}

policy geo.example.com. {{{{
    routing geolocation
    answer {WEB1} region here
    answer {WEB2} region europe
    answer {WEB3} default
}}}}

policy near.example.com. {{{{
    routing latency
    answer {WEB1} region europe
    answer {WEB2} region there
}}}}

policy multi.example.com. {{{{
    routing multivalue
    check tcp 80
    check-interval 1
    check-threshold 1
    answer {WEB1}
    answer {WEB2}
    answer {WEB3}
""" + "".join(f"    answer {a}\n" for a in DEAD) + "}}\n"

# The com zone delegates example.com to ns1.example.com (EXAMPLE) and
# ns.other.net (OTHER): both serve it, with the same policies.
SERVERS = {
    EXAMPLE: [],
    OTHER: [("other.net.", "other.zone")],
}


class PolicyLab:
    def __init__(self, lab, tool):
        self.lab, self.tool = lab, tool
        self.dir = lab.dir
        (self.dir / "policy.zone").write_text(ZONE)
        self.httpd = {}
        for i, addr in enumerate((WEB1, WEB2, WEB3), 1):
            self.start_web(addr, f"web{i}")
        lab.auth_dnsim(tool, {ROOT: netlab.SERVERS[ROOT], TLD: netlab.SERVERS[TLD]})
        self.auth = {}
        for addr, zones in SERVERS.items():
            other = "\n".join(f"zone {o} {self.dir / f}" for o, f in zones)
            conf = self.dir / f"auth-{addr}.conf"
            conf.write_text(CONFIG.format(listen=addr, zone=self.dir / "policy.zone",
                                          other=other))
            self.auth[addr] = lab.spawn([tool("dnsim-auth"), "-c", str(conf)],
                                        f"policy-auth-{addr}", addr)
        lab.wait(list(SERVERS))

    def start_web(self, addr, name):
        self.httpd[addr] = self.lab.spawn([self.tool("dnsim-httpd"), "-n", name, "-l",
                                           f"{addr}@80"], name, addr)

    def stop_web(self, addr):
        p = self.httpd.pop(addr)
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=5)

    def log(self, addr=EXAMPLE):
        return (self.dir / f"policy-auth-{addr}.log").read_text()


@pytest.fixture(scope="module")
def plab(tool, tmp_path_factory):
    lab = netlab.Lab(tmp_path_factory.mktemp("policy"))
    try:
        yield PolicyLab(lab, tool)
    finally:
        codes = lab.stop()
    # Every server ended cleanly on SIGTERM (the sanitizers found nothing);
    # the web servers stopped by the tests were waited for already.
    assert all(c in (0, -signal.SIGTERM) for c in codes), codes


def query(plab, name, source=CLIENT, server=EXAMPLE, ecs=None, rdtype="A"):
    q = dns.message.make_query(name, rdtype)
    if ecs is not None:
        addr, bits = ecs
        q.use_edns(0, options=[dns.edns.ECSOption(addr, bits)])
    return plab.lab.query(server, q, source=source)


def addresses(msg):
    return sorted(r.address for s in msg.answer if s.rdtype == dns.rdatatype.A for r in s)


def ecs_of(msg):
    opts = [o for o in msg.options if isinstance(o, dns.edns.ECSOption)]
    return opts[0] if opts else None


def wait_for(what, check, timeout):
    """Poll check() until it is true; the seconds it took."""
    start = time.monotonic()
    while not check():
        assert time.monotonic() - start < timeout, f"{what}: not within {timeout} s"
        time.sleep(0.1)
    return time.monotonic() - start


def test_weighted_proportions_over_10000_queries(plab):
    counts = {WEB1: 0, WEB2: 0, WEB3: 0}
    total = 10000
    for _ in range(total):
        got = addresses(query(plab, "weighted.example.com"))
        assert len(got) == 1, got
        counts[got[0]] += 1
    for addr, weight in ((WEB1, 70), (WEB2, 20), (WEB3, 10)):
        share = 100.0 * counts[addr] / total
        assert abs(share - weight) <= 3, counts
    # Answered from the policy, with its TTL, authoritatively.
    r = query(plab, "weighted.example.com")
    assert r.answer[0].ttl == 30 and r.flags & dns.flags.AA


def test_failover_follows_the_primarys_health(plab):
    # Checks every second, two in a row to turn: a dead web1 is out of
    # the answers within about two intervals, and so is it back in.
    limit = 2 * 1 + 2
    assert addresses(query(plab, "failover.example.com")) == [WEB1]
    plab.stop_web(WEB1)
    took = wait_for("web1 out", lambda: addresses(query(plab, "failover.example.com")) == [WEB2],
                    limit)
    assert took >= 0.5        # not before a check could have seen it
    assert "failover.example.com.: " + WEB1 + " is unhealthy" in plab.log()
    plab.start_web(WEB1, "web1")
    wait_for("web1 back", lambda: addresses(query(plab, "failover.example.com")) == [WEB1],
             limit)
    assert WEB1 + " is healthy again" in plab.log()


def test_geolocation_by_source_address(plab):
    # Asked alternately, so an answer kept for one client would show up
    # at the other.
    for _ in range(3):
        assert addresses(query(plab, "geo.example.com", source=CLIENT)) == [WEB1]
        assert addresses(query(plab, "geo.example.com", source=OUTSIDER)) == [WEB3]
    # Without ECS in the query, none in the answer.
    r = query(plab, "geo.example.com", source=CLIENT)
    assert ecs_of(r) is None


def test_geolocation_by_client_subnet(plab):
    # The resolver says its client is in 192.0.2.0/24: Europe's answer,
    # whoever sends the query, and the scope says it holds for the /24.
    r = query(plab, "geo.example.com", source=CLIENT, ecs=("192.0.2.0", 24))
    assert addresses(r) == [WEB2]
    opt = ecs_of(r)
    assert opt is not None and opt.address == "192.0.2.0"
    assert opt.srclen == 24 and opt.scopelen == 24
    # A client of the "here" region (a /32): scope 32.
    r = query(plab, "geo.example.com", source=OUTSIDER, ecs=(CLIENT, 32))
    assert addresses(r) == [WEB1] and ecs_of(r).scopelen == 32
    # Source prefix 0: the client asks not to be placed: the default,
    # scope 0.
    r = query(plab, "geo.example.com", source=CLIENT, ecs=("0.0.0.0", 0))
    assert addresses(r) == [WEB3] and ecs_of(r).scopelen == 0
    # A name without a policy: its answer does not depend on the subnet.
    r = query(plab, "plain.example.com", ecs=("192.0.2.0", 24))
    assert addresses(r) == ["192.0.2.1"] and ecs_of(r).scopelen == 0


def test_malformed_client_subnet_is_formerr(plab):
    q = dns.message.make_query("geo.example.com", "A")
    # 192.0.2.1 with a /24 source: bits set past the prefix (RFC 7871 6).
    bad = dns.edns.GenericOption(dns.edns.ECS, bytes([0, 1, 24, 0, 192, 0, 2, 1]))
    q.use_edns(0, options=[bad])
    assert plab.lab.query(EXAMPLE, q).rcode() == dns.rcode.FORMERR


def test_latency_picks_the_nearest_region(plab):
    # here: there 10 ms, europe 40 ms; there is its own; europe its own.
    assert addresses(query(plab, "near.example.com", source=CLIENT)) == [WEB2]
    assert addresses(query(plab, "near.example.com", source=OUTSIDER)) == [WEB2]
    r = query(plab, "near.example.com", ecs=("192.0.2.128", 25))
    assert addresses(r) == [WEB1] and ecs_of(r).scopelen == 24


def test_multivalue_never_names_an_unhealthy_server(plab):
    live = {WEB1, WEB2, WEB3}
    # The dead members leave at their first failed check.
    wait_for("dead members out", lambda: set(addresses(query(plab, "multi.example.com")))
             <= live, 5)
    for _ in range(100):
        got = addresses(query(plab, "multi.example.com"))
        assert set(got) == live and len(got) == 3, got
    plab.stop_web(WEB3)
    try:
        wait_for("web3 out", lambda: WEB3 not in addresses(query(plab, "multi.example.com")),
                 4)
        for _ in range(100):
            got = addresses(query(plab, "multi.example.com"))
            assert set(got) == {WEB1, WEB2}, got
    finally:
        plab.start_web(WEB3, "web3")
    wait_for("web3 back", lambda: WEB3 in addresses(query(plab, "multi.example.com")), 4)


UNBOUND_CONF = f"""server:
  interface: {PEER_RESOLVER}
  port: 53
  do-daemonize: no
  username: ""
  chroot: ""
  directory: "{{dir}}"
  pidfile: "{{dir}}/unbound.pid"
  root-hints: "{{hints}}"
  access-control: {NET}0/24 allow
  module-config: "subnetcache validator iterator"
  send-client-subnet: {EXAMPLE}
  send-client-subnet: {OTHER}
  max-client-subnet-ipv4: 32
  qname-minimisation: yes
  harden-referral-path: no
  use-syslog: no
  logfile: ""
  verbosity: 1
remote-control:
  control-enable: no
"""


def test_geolocation_through_unbound_with_subnetcache(plab):
    if shutil.which("unbound") is None:
        pytest.fail("unbound is missing: run `make deps`")
    d = plab.dir / "unbound"
    d.mkdir()
    (d / "unbound.conf").write_text(UNBOUND_CONF.format(dir=d, hints=plab.dir / "hints"))
    p = plab.lab.spawn([shutil.which("unbound"), "-d", "-c", str(d / "unbound.conf")],
                       "unbound", PEER_RESOLVER)
    try:
        plab.lab.wait([PEER_RESOLVER], name="localhost.", rdtype="A")
        # Unbound passes each client's address on (as a /32 here): each
        # gets its own region's answer, also once the first is cached;
        # without ECS both would get the default (Unbound's own address
        # is in no region).
        for _ in range(2):
            here = query(plab, "geo.example.com", source=CLIENT, server=PEER_RESOLVER)
            there = query(plab, "geo.example.com", source=OUTSIDER, server=PEER_RESOLVER)
            assert addresses(here) == [WEB1], here
            assert addresses(there) == [WEB3], there
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=10)


BAD = """policy broken.example.com. {
    routing weighted
    answer 192.0.2.1 weight seventy
}
"""


def test_bad_policy_file_at_start_names_file_and_line(plab, tool, tmp_path):
    conf = tmp_path / "bad.conf"
    conf.write_text(f"listen 127.0.0.1@5399\nzone example.com. {plab.dir / 'policy.zone'}\n"
                    + BAD)
    r = subprocess.run([tool("dnsim-auth"), "-c", str(conf)], capture_output=True, text=True,
                       timeout=10)
    assert r.returncode == 2
    assert f"{conf}:5: expected: answer ADDRESS [weight N]" in r.stderr


def test_reload_with_a_bad_file_keeps_the_previous_policies(plab):
    conf = plab.dir / f"auth-{EXAMPLE}.conf"
    good = conf.read_text()
    before = len(plab.log())
    try:
        # The weighted policy turned into one that sends everything to
        # web3, and a broken one added at the end: refused as a whole.
        conf.write_text(good.replace("weight 70", "weight 0").replace("weight 20", "weight 0")
                        + BAD)
        plab.auth[EXAMPLE].send_signal(signal.SIGHUP)
        line = good.count("\n") + 3
        wait_for("reload refused",
                 lambda: f"{conf}:{line}: expected: answer" in plab.log()[before:], 5)
        assert "the policies stay as they were" in plab.log()[before:]
        seen = {addresses(query(plab, "weighted.example.com"))[0] for _ in range(60)}
        assert seen == {WEB1, WEB2, WEB3}
        # The same change without the broken policy is taken.
        conf.write_text(good.replace("weight 70", "weight 0").replace("weight 20", "weight 0"))
        plab.auth[EXAMPLE].send_signal(signal.SIGHUP)
        wait_for("reloaded", lambda: "policies from" in plab.log()[before:], 5)
        seen = {addresses(query(plab, "weighted.example.com"))[0] for _ in range(30)}
        assert seen == {WEB3}
    finally:
        conf.write_text(good)
        plab.auth[EXAMPLE].send_signal(signal.SIGHUP)
