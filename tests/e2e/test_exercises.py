"""The exercises in tutorials/exercises/, graded by `sim check NAME` on a
fresh default internet: not met before the student does anything, met
after a correct solution, and still not met after a plausible mistake.

The solutions live here, not in tutorials/, so students do not find
them next to the tasks."""
import os
import re

import pytest

from conftest import TOP
from test_tutorials import fresh  # noqa: F401 (a fixture: a fresh default internet)

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the supervisor needs root")

EXERCISES = sorted(p.stem for p in (TOP / "tutorials" / "exercises").glob("*.md"))

# DNSSEC keys are made at `up`, so steps that name a key or a DS are
# computed when they run, from what `dnssec show` prints (as a student
# copies it): a function of the Sim and the sim's name giving the
# command.

def _show(s, name, zone):
    return s("--name", name, "dnssec", "show", zone).stdout


def _ksk_tags(out, made):
    """Tags of the KSKs `dnssec show` marks "made at up" or "added since"."""
    return re.findall(r"KSK +(\d+) .*\(KSK " + made + r"\)", out)


def register_ds(zone, which="all", spoil=False):
    """`register ZONE --ds ...` with the DS lines `dnssec show` prints:
    all of them, or those of the KSKs added since `up` ("new"); spoil
    turns the last digit of each digest (a DS that matches no key)."""
    def step(s, name):
        out = _show(s, name, zone)
        lines = re.findall(r"IN DS (\d+ \d+ 2 [0-9A-F]+)", out)
        if which == "new":
            new = set(_ksk_tags(out, "added since"))
            lines = [l for l in lines if l.split()[0] in new]
        if spoil:
            lines = [l[:-1] + ("1" if l[-1] == "0" else "0") for l in lines]
        cmd = ["register", zone]
        for l in lines:
            cmd += ["--ds", l]
        return cmd
    return step


def delkey_made_at_up(zone):
    """`dnssec delkey ZONE TAG` of the KSK the zone had from `up`."""
    def step(s, name):
        return ["dnssec", "delkey", zone, _ksk_tags(_show(s, name, zone), "made at up")[0]]
    return step


# A dozen new names under example.com, asked from the laptop.
NEW_NAMES = [["exec", "laptop", "dig", "+short", "+time=3", "+tries=2", f"t{i}.example.com"]
             for i in range(12)]


# Sim commands (argument lists, without "sudo ./sim --name NAME"), or
# functions giving one when it runs (above).
SOLUTIONS = {
    "bakery-reverse": [
        ["zone", "bakery-ns", "add", "bakery.net", "www 300 IN A 198.51.100.80"],
        ["zone", "bakery-ns", "add", "64/27.100.51.198.in-addr.arpa",
         "80 300 IN PTR www.bakery.net."],
    ],
    "news-alias": [
        ["zone", "ns1-example", "add", "example.com", "news 3600 IN CNAME www"],
    ],
    "myschool": [
        ["register", "myschool.edu", "--ns", "ns1=203.0.113.95", "--node", "school-ns"],
        ["zone", "school-ns", "add", "myschool.edu", "www 300 IN A 203.0.113.11"],
    ],
    "shop-fourth-server": [
        ["zone", "ns1-example", "add", "example.com", "shop 60 IN A 203.0.113.25"],
    ],
    "lower-ttl": [
        ["zone", "ns1-example", "del", "example.com", "www A"],
        ["zone", "ns1-example", "add", "example.com", "www 60 IN A 203.0.113.10"],
    ],
    "lossy-nameserver": [
        ["link", "set", "ns1-example", "hosting", "loss=50%"],
    ] + NEW_NAMES,
    "secret-inside": [
        ["zone", "ns1-example", "add", "example.com", "--view", "inside",
         "secret 300 IN A 10.2.0.77"],
    ],
    "www-ipv6": [
        ["zone", "ns1-example", "add", "example.com", "www 3600 IN AAAA 2001:db8:113::10"],
    ],
    "shop-weighted": [
        ["policy", "set", "shop.example.com", "weighted", "web1=70", "web2=20", "web3=10"],
    ],
    "www-failover": [
        ["policy", "set", "www.example.com", "failover", "web1=primary", "web2=secondary",
         "check=http:80/", "interval=2", "threshold=2"],
    ],
    "europe-shop": [
        ["policy", "set", "shop.example.com", "geolocation", "web3=europe", "web1=default"],
    ],
    "sign-example-org": [
        ["dnssec", "sign", "example.org"],
        register_ds("example.org"),
    ],
    "ksk-rollover": [
        ["dnssec", "addkey", "example.com", "ksk"],
        register_ds("example.com"),             # both DS: old and new
        delkey_made_at_up("example.com"),
        register_ds("example.com", "new"),      # the new DS alone
    ],
}

# Plausible mistakes, each of which must leave the exercise unfinished.
MISTAKES = {
    "bakery-reverse": {
        # The PTR's target without its final dot: www.bakery.net.64/27....
        "ptr-target-without-a-dot": [
            ["zone", "bakery-ns", "add", "bakery.net", "www 300 IN A 198.51.100.80"],
            ["zone", "bakery-ns", "add", "64/27.100.51.198.in-addr.arpa",
             "80 300 IN PTR www.bakery.net"],
        ],
        # The PTR put where the address's plain reverse name is, in the
        # ISP's zone: refused there (the ISP's CNAME holds that name).
        "ptr-in-the-isps-zone": [
            ["zone", "bakery-ns", "add", "bakery.net", "www 300 IN A 198.51.100.80"],
            ["zone", "isp-ns", "add", "100.51.198.in-addr.arpa",
             "80 300 IN PTR www.bakery.net."],
        ],
    },
    "news-alias": {
        # The same address today, but not an alias: it would not follow www.
        "a-record-instead-of-cname": [
            ["zone", "ns1-example", "add", "example.com", "news 3600 IN A 203.0.113.10"],
        ],
    },
    "myschool": {
        # Delegated, but no server was started for it: a lame delegation.
        "register-without-a-server": [
            ["register", "myschool.edu", "--ns", "ns1=203.0.113.95"],
        ],
        # Server up, but the web site's record forgotten.
        "no-www-record": [
            ["register", "myschool.edu", "--ns", "ns1=203.0.113.95", "--node", "school-ns"],
        ],
    },
    "shop-fourth-server": {
        # Replaces the shop's addresses instead of adding one.
        "replaced-the-rrset": [
            ["zone", "ns1-example", "del", "example.com", "shop A"],
            ["zone", "ns1-example", "add", "example.com", "shop 60 IN A 203.0.113.25"],
        ],
    },
    "lower-ttl": {
        # `zone add` refuses a record that is already there: TTL unchanged.
        "add-without-delete": [
            ["zone", "ns1-example", "add", "example.com", "www 60 IN A 203.0.113.10"],
        ],
        # Moved the host a day early.
        "changed-the-address": [
            ["zone", "ns1-example", "del", "example.com", "www A"],
            ["zone", "ns1-example", "add", "example.com", "www 60 IN A 203.0.113.11"],
        ],
    },
    "lossy-nameserver": {
        # The wrong server's line.
        "loss-on-ns2": [["link", "set", "ns2-example", "hosting-b", "loss=50%"]] + NEW_NAMES,
        # The whole hosting network, ns1 with the others.
        "loss-on-the-router": [["link", "set", "hosting-router", "hosting", "loss=50%"]]
        + NEW_NAMES,
        # A cut cable, not a bad line.
        "everything-lost": [["link", "set", "ns1-example", "hosting", "loss=100%"]] + NEW_NAMES,
        # The line made bad, but nothing asked: the resolver knows nothing yet.
        "no-questions-asked": [["link", "set", "ns1-example", "hosting", "loss=50%"]],
    },
    "shop-weighted": {
        # The weights the wrong way round: web3 gets the lion's share.
        "weights-reversed": [
            ["policy", "set", "shop.example.com", "weighted", "web1=10", "web2=20", "web3=70"],
        ],
        # Every healthy server in each answer: no shares at all.
        "multivalue-instead": [
            ["policy", "set", "shop.example.com", "multivalue", "web1", "web2", "web3"],
        ],
    },
    "www-failover": {
        # Nobody checks web1: it stays the answer after it died.
        "no-health-check": [
            ["policy", "set", "www.example.com", "failover", "web1=primary", "web2=secondary"],
        ],
        # The roles swapped: web2 while both are up.
        "primary-and-secondary-swapped": [
            ["policy", "set", "www.example.com", "failover", "web2=primary", "web1=secondary",
             "check=http:80/", "interval=2", "threshold=2"],
        ],
    },
    "europe-shop": {
        # No default: the rest of the world gets the zone's three records.
        "no-default": [
            ["policy", "set", "shop.example.com", "geolocation", "web3=europe"],
        ],
        # The regions mixed up: web3 for America, Europe falls to the default.
        "wrong-region": [
            ["policy", "set", "shop.example.com", "geolocation", "web3=america", "web1=default"],
        ],
    },
    "secret-inside": {
        # Added to the zone everyone sees, not to the inside view.
        "public-zone": [
            ["zone", "ns1-example", "add", "example.com", "secret 300 IN A 10.2.0.77"],
        ],
    },
    "www-ipv6": {
        # web2's IPv6 address, not web1's.
        "wrong-host": [
            ["zone", "ns1-example", "add", "example.com", "www 3600 IN AAAA 2001:db8:113::11"],
        ],
    },
    "sign-example-org": {
        # Signed, but the DS never given to the registry: insecure still.
        "no-ds-in-org": [
            ["dnssec", "sign", "example.org"],
        ],
        # A DS with a typo in its digest: the chain is broken (bogus).
        "ds-with-a-typo": [
            ["dnssec", "sign", "example.org"],
            register_ds("example.org", spoil=True),
        ],
    },
    "ksk-rollover": {
        # The old key removed while com. still publishes only its DS.
        "old-key-out-before-the-new-ds": [
            ["dnssec", "addkey", "example.com", "ksk"],
            delkey_made_at_up("example.com"),
        ],
        # Both DS published, but the old key kept: not rolled.
        "old-key-kept": [
            ["dnssec", "addkey", "example.com", "ksk"],
            register_ds("example.com"),
        ],
    },
}


def short(exercise):
    """A sim name of at most a few characters, unique per exercise."""
    return "ex" + str(EXERCISES.index(exercise))


def check(s, name, exercise):
    return s("--name", name, "check", exercise, timeout=120)


def test_there_are_exercises_and_every_one_has_solutions():
    assert len(EXERCISES) >= 5, EXERCISES
    assert sorted(SOLUTIONS) == EXERCISES
    assert sorted(MISTAKES) == EXERCISES


@pytest.mark.parametrize("exercise", EXERCISES)
def test_not_met_then_solved(fresh, exercise):
    name = short(exercise) + "ok"
    s = fresh(name)
    r = check(s, name, exercise)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "[not met]" in r.stdout and r.stdout.rstrip().splitlines()[-1].startswith("not yet:")
    assert "hint:" in r.stdout
    for cmd in SOLUTIONS[exercise]:
        cmd = cmd(s, name) if callable(cmd) else cmd
        r = s("--name", name, *cmd)
        assert r.returncode == 0, f"{cmd}: {r.stdout}{r.stderr}"
    r = check(s, name, exercise)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "[not met]" not in r.stdout
    assert r.stdout.rstrip().splitlines()[-1].startswith("done:"), r.stdout


@pytest.mark.parametrize("exercise,mistake",
                         [(e, m) for e in EXERCISES for m in MISTAKES.get(e, {})])
def test_a_plausible_mistake_is_not_met(fresh, exercise, mistake):
    name = short(exercise) + "m" + str(list(MISTAKES[exercise]).index(mistake))
    s = fresh(name)
    for cmd in MISTAKES[exercise][mistake]:
        cmd = cmd(s, name) if callable(cmd) else cmd
        s("--name", name, *cmd)    # a mistake may be refused; that is fine
    r = check(s, name, exercise)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "[not met]" in r.stdout
    assert r.stdout.rstrip().splitlines()[-1].startswith("not yet:"), r.stdout


def test_an_unknown_exercise_lists_the_real_ones(fresh):
    s = fresh("exnone")
    r = check(s, "exnone", "no-such-exercise")
    assert r.returncode == 1
    for e in EXERCISES:
        assert e in r.stderr, r.stderr
