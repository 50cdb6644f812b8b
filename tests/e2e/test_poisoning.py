"""Cache poisoning, the classroom attack, against dnsim-resolver: the lab
in topologies/poisoning.toml, attacked from its `attacker` node with
tests/e2e/poisoning_attack.py (forged packets through a raw socket).

- the plain race for www.bank.example, Kaminsky's random subdomains with
  a forged delegation, and a lying server's out-of-bailiwick "glue": after
  each, no record in the resolver's cache and no answer a client gets may
  point at the attacker (or differ from the zone files) -- zero poisoned;
- the plain race runs against the live bank, its record forgotten before
  each trigger (a TTL running out), so each trigger opens a real race;
- Kaminsky's attack runs while the bank's server is cut off (`sim link
  down`), as if the attacker had flooded it: every query the resolver
  sends to it stays open until its timeout, so the forged answers land
  while the resolver is waiting instead of after the real answer -- the
  best case for the attacker; only the port and ID (RFC 5452) defend;
- two controls show that the machinery is real, so that a test that sent
  nothing could not pass: forged packets reach a socket on the resolver's
  node with the bank's address as their source, and an on-path attacker
  who sees the port and ID of the resolver's query poisons the cache with
  one forged answer -- which the same checks then find.

`pytest -s` prints the figures: triggers, forged packets sent and arrived,
windows opened, ports hit, poisoned entries."""
import json
import os
import pathlib
import subprocess

import dns.rdata
import dns.rdatatype
import dns.zone
import pytest

from conftest import TOP, run
from test_sim import running_sim

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the supervisor needs root")

NAME = "tpoison"
LAB = TOP / "topologies" / "poisoning.toml"
ZONES = TOP / "zones" / "poisoning"
TOOL = str(pathlib.Path(__file__).with_name("poisoning_attack.py"))
PY = "/usr/bin/python3"
RESOLVER, BANK_NS, ATTACKER = "198.18.10.53", "203.0.113.53", "198.51.100.66"
TRUE_WWW = "203.0.113.80"
TRIGGERS, PER_TRIGGER = 200, 100
RUN = pathlib.Path("/run/dnsim") / NAME / "nodes" / "resolver"


@pytest.fixture(scope="module")
def lab(tool):
    with running_sim(tool, NAME, LAB) as sim:
        yield sim


# ---- what is true ------------------------------------------------------------

def truth():
    """Every record of the lab's zone files: (owner, type) -> rdata set."""
    known = {}
    for f in ZONES.glob("*.zone"):
        origin = "." if f.stem == "root" else f.stem + "."
        z = dns.zone.from_file(str(f), origin, relativize=False, check_origin=False)
        for name, rds in z.iterate_rdatasets():
            known.setdefault((name.to_text().lower(), rds.rdtype), set()).update(rds)
    return known


TRUTH = truth()
TRUE_NAMES = {owner for owner, _ in TRUTH}


def mine(owner):
    """The attacker's own domain: whatever it says about itself is its
    business, not poison."""
    owner = owner.lower()
    return owner == "evil.example." or owner.endswith(".evil.example.")


def untrue(line):
    """A record (dig/zone-file layout) the zone files do not hold, about a
    name the attacker does not own; None when it is true."""
    f = line.split(None, 4)
    if len(f) < 5 or f[2] != "IN":
        return None
    owner, rtype = f[0].lower(), f[3]
    if mine(owner):
        return None
    rd = dns.rdata.from_text("IN", rtype, f[4])
    return None if rd in TRUTH.get((owner, rd.rdtype), set()) else line


def poisoned_cache(sim):
    """Entries in the resolver's cache that are not true: records that are
    not in the zones (the attacker's address, a forged NS or glue), and
    negative entries for names that exist."""
    r = sim("--name", NAME, "cache", "resolver", "dump", check=True)
    bad = []
    for line in r.stdout.splitlines():
        if line.startswith("; NXDOMAIN ") or line.startswith("; NODATA "):
            name = line.split()[2].lower()
            if line.startswith("; NXDOMAIN") and name in TRUE_NAMES:
                bad.append(line)
            elif line.startswith("; NODATA"):
                rtype = dns.rdatatype.from_text(line.split()[3])
                if (name, rtype) in TRUTH:
                    bad.append(line)
        elif line.strip() and untrue(line):
            bad.append(line)
    return bad, len(r.stdout.splitlines())


CHECKS = [("www.bank.example", "A"), ("login.bank.example", "A"), ("mail.bank.example", "A"),
          ("ns1.bank.example", "A"), ("bank.example", "NS"), ("bank.example", "MX"),
          ("example", "NS")]


def poisoned_answers(sim):
    """What the client really gets for the bank's names: every record must
    be true, and each question answered."""
    bad = []
    for name, rtype in CHECKS:
        r = sim.exec(NAME, "client", "dig", "+time=3", "+tries=2", "+noall", "+answer",
                     name, rtype)
        lines = [l for l in r.stdout.splitlines() if l.strip() and not l.startswith(";")]
        if not lines:
            bad.append(f"{name} {rtype}: no answer")
        bad += [l for l in lines if untrue(l)]
    return bad


# ---- what happened on the resolver's node --------------------------------------

def ns_read(node, path):
    return run(["ip", "netns", "exec", f"{NAME}-{node}", "cat", path]).stdout


def counters():
    """The resolver's received packets, UDP datagrams for closed ports, and
    its trace so far (forged answers that found an open port show as
    `ignored`)."""
    snmp = [l.split() for l in ns_read("resolver", "/proc/net/snmp").splitlines()
            if l.startswith("Udp:")][:2]
    udp = dict(zip(snmp[0][1:], map(int, snmp[1][1:])))
    return {"rx": int(ns_read("resolver", "/sys/class/net/eth0/statistics/rx_packets")),
            "noports": udp["NoPorts"], "trace": (RUN / "trace.jsonl").stat().st_size}


def since(before):
    after = counters()
    with open(RUN / "trace.jsonl", "rb") as f:
        f.seek(before["trace"])
        events = [json.loads(l) for l in f.read().splitlines() if l.strip()]
    return {"rx": after["rx"] - before["rx"], "noports": after["noports"] - before["noports"],
            "windows": sum(1 for e in events if e["ev"] == "query" and
                           e["server"].split("#")[0] in (BANK_NS, "203.0.113.20")),
            "ports_hit": sum(1 for e in events if e["ev"] == "ignored")}


def attack(sim, mode, *args, timeout=60):
    r = sim.exec(NAME, "attacker", PY, TOOL, mode, *args, timeout=timeout)
    assert r.returncode == 0, r.stdout + r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


def fresh(sim):
    """An empty cache, then the bank's delegation learnt the honest way."""
    sim("--name", NAME, "cache", "resolver", "flush", check=True)
    r = sim.exec(NAME, "client", "dig", "+time=2", "+tries=2", "+short", "mail.bank.example")
    assert r.stdout.split() == ["203.0.113.25"], r.stdout + r.stderr


class BankSilenced:
    """The bank's nameserver cut off, as if the attacker had flooded it."""

    def __init__(self, sim):
        self.sim = sim

    def __enter__(self):
        self.sim("--name", NAME, "link", "down", "bank-ns", check=True)

    def __exit__(self, *exc):
        self.sim("--name", NAME, "link", "up", "bank-ns", check=True)


def report(what, fig, bad_cache, bad_answers, entries):
    print(f"\n{what}: {fig['triggers']} triggers, {fig['forged']} forged answers sent, "
          f"{fig.get('rx', '?')} packets in at the resolver ({fig.get('noports', '?')} to closed "
          f"ports), {fig.get('windows', '?')} upstream queries open to the race, "
          f"{fig.get('ports_hit', '?')} forged answers on an open port (wrong ID), "
          f"{fig['seconds']} s; cache {entries} lines, poisoned entries: {len(bad_cache)}, "
          f"poisoned answers: {len(bad_answers)}")
    for line in bad_cache + bad_answers:
        print("  POISONED:", line)


# ---- the controls --------------------------------------------------------------

def test_control_forged_packets_reach_the_resolver(lab):
    """Forged answers leave the attacker and arrive at the resolver's node
    as if the bank's server had sent them (no filtering on the way)."""
    count = 1000
    listener = subprocess.Popen([lab.binary, "--name", NAME, "exec", "resolver", PY, TOOL,
                                 "listen", "--port", "5399", "--count", str(count),
                                 "--time-limit", "10"], stdout=subprocess.PIPE, text=True)
    try:
        assert "listening" in listener.stdout.readline()
        before = counters()
        sent = attack(lab, "forge", "--port", "5399", "--count", str(count))
        got = json.loads(listener.stdout.readline())
    finally:
        listener.kill()
        listener.wait()
    fig = since(before)
    print(f"\ncontrol: {sent['forged']} forged answers sent to port 5399, {got['received']} "
          f"received there, from {got['sources']}, {got['carrying_attacker']} carrying "
          f"{ATTACKER}; resolver's rx_packets +{fig['rx']}")
    assert sent["forged"] == count
    assert got["received"] >= count * 0.95
    assert got["sources"] == {f"{BANK_NS}:53": got["received"]}
    assert got["carrying_attacker"] == got["received"]
    assert fig["rx"] >= got["received"]


def test_control_onpath_attacker_poisons_and_the_checks_see_it(lab):
    """An attacker who sees the resolver's query (its port and ID) wins with
    one forged answer: the forged packets are right, and poison is found."""
    fresh(lab)
    assert poisoned_cache(lab)[0] == [] and poisoned_answers(lab) == []
    lab("--name", NAME, "cache", "resolver", "flush", "www.bank.example", check=True)
    sniff = [lab.binary, "--name", NAME, "exec", "resolver", PY, TOOL, "sniff",
             "--count", "1", "--time-limit", "10"]
    forge = [lab.binary, "--name", NAME, "exec", "attacker", PY, TOOL, "onpath",
             "--count", "3", "--time-limit", "10"]
    try:
        with BankSilenced(lab):
            sniffer = subprocess.Popen(sniff, stdout=subprocess.PIPE)
            forger = subprocess.Popen(forge, stdin=sniffer.stdout, stdout=subprocess.PIPE,
                                      text=True)
            sniffer.stdout.close()
            assert "ready" in forger.stdout.readline()
            r = lab.exec(NAME, "client", "dig", "+time=5", "+tries=1", "+short",
                         "www.bank.example")
            out = json.loads(forger.communicate(timeout=15)[0].strip().splitlines()[-1])
            sniffer.wait(timeout=15)
        bad, entries = poisoned_cache(lab)
        print(f"\ncontrol, on-path: saw {out['queries_seen']} query, sent {out['forged']} "
              f"forged answers; the client got {r.stdout.split()}; poisoned entries: {len(bad)}")
        for line in bad:
            print("  POISONED (as it must be):", line)
        assert r.stdout.split() == [ATTACKER]
        assert any(l.startswith("www.bank.example.") and ATTACKER in l for l in bad)
    finally:
        lab("--name", NAME, "cache", "resolver", "flush", check=True)


# ---- the attacks -----------------------------------------------------------------

def test_plain_race(lab):
    """The bank's server answers as usual; before each trigger the resolver
    forgets www.bank.example (a TTL running out), so every trigger opens a
    race that the flood, sent right behind it, must win."""
    fresh(lab)
    before = counters()
    # The bank's customer asks too, while the attack runs.
    client = subprocess.Popen([lab.binary, "--name", NAME, "exec", "client", "dig",
                               "+time=3", "+tries=1", "www.bank.example"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    fig = attack(lab, "race", "--triggers", str(TRIGGERS), "--per-trigger",
                 str(PER_TRIGGER), "--time-limit", "20", "--flush-ctl", str(RUN / "control"))
    client.wait(timeout=30)
    fig.update(since(before))
    bad, entries = poisoned_cache(lab)
    answers = poisoned_answers(lab)
    report("plain race", fig, bad, answers, entries)
    assert fig["triggers"] == TRIGGERS and fig["forged"] == TRIGGERS * PER_TRIGGER
    assert fig["rx"] >= fig["forged"] and fig["noports"] + fig["ports_hit"] >= fig["forged"] * 0.9
    assert fig["windows"] >= TRIGGERS / 2
    assert fig["answers_pointing_at_attacker"] == []
    assert bad == [] and answers == []


def test_kaminsky(lab):
    fresh(lab)
    before = counters()
    with BankSilenced(lab):
        fig = attack(lab, "kaminsky", "--triggers", str(TRIGGERS), "--per-trigger",
                     str(PER_TRIGGER), "--time-limit", "20")
    fig.update(since(before))
    bad, entries = poisoned_cache(lab)
    answers = poisoned_answers(lab)
    report("Kaminsky", fig, bad, answers, entries)
    assert fig["triggers"] == TRIGGERS and fig["forged"] == TRIGGERS * PER_TRIGGER
    assert fig["rx"] >= fig["forged"] and fig["noports"] + fig["ports_hit"] >= fig["forged"] * 0.9
    # Each random name is a new question: a new race each time.
    assert fig["windows"] >= TRIGGERS
    assert fig["answers_pointing_at_attacker"] == []
    assert bad == [] and answers == []


def test_out_of_bailiwick_glue(lab):
    fresh(lab)
    before = counters()
    # The attacker's honest server for evil.example makes way for a liar.
    lab("--name", NAME, "stop", "attacker", check=True)
    try:
        fig = attack(lab, "lie", "--triggers", "120", "--time-limit", "20")
    finally:
        lab("--name", NAME, "start", "attacker", check=True)
    fig.update(since(before))
    bad, entries = poisoned_cache(lab)
    answers = poisoned_answers(lab)
    report("out-of-bailiwick glue", fig, bad, answers, entries)
    print(f"  {fig['lies_served']} lying answers served, {fig['answers']} answers read back")
    assert fig["triggers"] == 120 and fig["lies_served"] >= 100
    assert fig["answers"] == fig["triggers"]
    assert fig["answers_pointing_at_attacker"] == []
    assert bad == [] and answers == []
