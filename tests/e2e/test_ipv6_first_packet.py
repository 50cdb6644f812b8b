"""A fresh sim's first IPv6 packets do not stall (issue 15).

Right after `up`, a router forwarding the first packet to a neighbour it
has not met yet must ask for that neighbour's link address (a neighbour
solicitation).  The kernel sends that question from the router's
link-local address; while that address still waits out duplicate address
detection (one to two seconds after the link came up) the question is not
sent at all, and only the retry a second later goes out.  Every router
hop of a cold path then cost a second.

Each path below is queried once, all of them at the same moment right
after `up`, so that every one is the first packet on its path; each must
be answered on the first try, well within a second (a stall is a whole
second per hop)."""
import os
import pathlib
import re
import subprocess

import pytest

from test_sim import running_sim

TOP = pathlib.Path(__file__).resolve().parents[2]
INTERNET = TOP / "topologies" / "internet.toml"
NAME = "v6first"

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the supervisor needs root")

# The answer of a path that did not stall comes back in a few
# milliseconds; one that stalled takes a second or more per router hop.
# Half a second leaves room for a busy machine and none for a stall.
MAX_MS = 500

# (from node, server address, query, the path it takes)
PATHS = [
    ("laptop", "2001:db8:113::53", "www.example.com",
     "client to an authoritative server: isp-router, transit, hosting-router"),
    ("laptop", "2001:db8:110::53", "www.example.com",
     "client to its resolver over IPv6: isp-router"),
    ("office-pc", "2001:db8:c2::53", "www.example.com",
     "client to its resolver over IPv6: corp-router"),
    ("isp-resolver", "2001:db8:1::4", ".",
     "resolver to a-root: isp-router, transit, exchange-router"),
    ("public-resolver", "2001:db8:1::5", ".",
     "resolver to b-root: exchange-router"),
    ("corp-resolver", "2001:db8:2::30", "com.",
     "resolver to gtld-a: corp-router, transit, exchange-router"),
]


def test_first_ipv6_query_on_every_path_is_answered_at_once(tool):
    with running_sim(tool, NAME, INTERNET) as s:
        # All at once, so that no path warms a hop another one crosses.
        running = [
            subprocess.Popen([s.binary, "--name", NAME, "exec", node, "dig",
                              f"@{server}", query, "+tries=1", "+time=1"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
            for node, server, query, _ in PATHS
        ]
        results = [p.communicate(timeout=30) for p in running]
        failures = []
        for (node, server, query, path), (out, err) in zip(PATHS, results):
            took = re.search(r";; Query time: (\d+) msec", out)
            answered = "status: NOERROR" in out and took is not None
            if not answered or int(took.group(1)) > MAX_MS:
                seen = f"{took.group(1)} ms" if took else "no answer"
                failures.append(f"{node} -> {server} ({path}): {seen}\n{out}{err}")
        assert not failures, "first IPv6 queries stalled:\n" + "\n".join(failures)

        # And IPv4 on the same paths still answers (the fix touches only
        # IPv6 settings, but the sim is one network).
        r = s.exec(NAME, "laptop", "dig", "@203.0.113.53", "www.example.com",
                   "+tries=1", "+time=1")
        assert "status: NOERROR" in r.stdout, r.stdout + r.stderr
