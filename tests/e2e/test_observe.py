"""Seeing it happen on the default internet: `trace` draws what the
resolver really did, `capture` and `up --capture` record packets that
tshark reads, `graph` is DOT that Graphviz parses, `stats` counts what
the tests send, `cache` shows and forgets what the resolver holds."""
import os
import re
import shutil
import subprocess
import time

import pytest

from conftest import TOP, run
from test_sim import running_sim

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the supervisor needs root")

NAME = "otest"


@pytest.fixture(scope="module")
def capdir(tmp_path_factory):
    return tmp_path_factory.mktemp("capture")


@pytest.fixture(scope="module")
def net(tool, capdir):
    with running_sim(tool, NAME, TOP / "topologies" / "internet.toml", "--capture",
                     str(capdir)) as s:
        yield s


def sim_ok(net, *args, timeout=60):
    r = net("--name", NAME, *args, timeout=timeout)
    assert r.returncode == 0, f"sim {' '.join(args)}: {r.stdout}{r.stderr}"
    return r.stdout


def lanes(out):
    """The participants of a text diagram: the first line after the title."""
    lines = out.splitlines()
    return lines[2].split()


# ---- trace ----------------------------------------------------------------

def test_cold_trace_walks_root_tld_domain(net):
    out = sim_ok(net, "trace", "www.example.com", "--cold", "--from", "phone")
    names = lanes(out)
    assert names[:2] == ["phone", "isp-resolver"]
    assert names[2] in ("a-root", "b-root")
    assert names[3] in ("gtld-a", "gtld-b")
    # example.com.'s keys and the answer: from one of its servers, or one
    # each (a server not yet measured counts as fast, so both get tried).
    assert 5 <= len(names) <= 6 and set(names[4:]) <= {"ns1-example", "ns2-example"}, names
    # The answers in order: referral to com., to example.com., the answer
    # (the answers to the DNSKEY fetches of DNSSEC validation, between
    # them in the default internet, left out).
    lines = out.splitlines()
    said = [l.strip("| ").strip() for i, l in enumerate(lines)
            if "referral to" in l or "NOERROR," in l or
            ("answer:" in l and "DNSKEY" not in lines[i - 2])]
    assert said[0].startswith("referral to com.: NS ")
    assert "a.gtld-servers.net." in said[0] and "b.gtld-servers.net." in said[0]
    assert said[1].startswith("referral to example.com.: NS ")
    assert said[2].startswith("answer: 1 record")
    assert said[3].startswith("NOERROR, 1 answer record")
    assert "www.example.com.\t3600\tIN\tA\t203.0.113.10" in out
    # Three for the walk, three for the keys of ., com. and example.com.
    assert "6 upstream queries" in out
    assert out.count("DNSKEY ") >= 3


def test_second_trace_is_a_cache_hit(net):
    sim_ok(net, "trace", "mail.example.com", "--cold", "--from", "phone")
    out = sim_ok(net, "trace", "mail.example.com", "--from", "phone")
    assert lanes(out) == ["phone", "isp-resolver"]
    assert "in the cache: no query needed" in out
    assert "0 upstream queries (answered from the cache)" in out


def test_trace_from_another_host_and_type(net):
    out = sim_ok(net, "trace", "intranet.example.com", "A", "--from", "office-pc", "--cold")
    assert lanes(out)[:2] == ["office-pc", "corp-resolver"]
    assert "10.1.0.80" in out


def test_dead_server_shows_a_timeout_then_the_other(net):
    sim_ok(net, "stop", "ns1-example")
    try:
        seen = None
        for attempt in range(10):
            # A fresh resolver knows nothing of ns1's silence yet.
            sim_ok(net, "restart", "isp-resolver")
            out = sim_ok(net, "trace", f"web{attempt % 3 + 1}.example.com", "--cold",
                         "--from", "phone")
            # A stopped server's closed port answers with an ICMP error
            # (unreachable); a silent one would time out.  Either way the
            # query is lost and the resolver moves on.
            if "timeout: no answer (" in out or "unreachable: no answer (" in out:
                seen = out
                break
        assert seen, "ten cold traces never tried ns1-example first"
        names = lanes(seen)
        assert "ns1-example" in names and "ns2-example" in names
        lines = seen.splitlines()
        t = next(i for i, l in enumerate(lines)
                 if "timeout: no answer (" in l or "unreachable: no answer (" in l)
        # The lost query is drawn with an x, and the answer comes after it
        # from ns2-example.
        assert "x" in lines[t + 1]
        later = "\n".join(lines[t:])
        assert re.search(r"answer: \d+ records?", later)
        # That answer's arrow starts at ns2-example's lane.
        col = lines[2].index("ns2-example") + len("ns2-example") // 2
        at = next(i for i in range(t, len(lines)) if re.search(r"answer: \d+ rec", lines[i]))
        back = lines[at + 1]
        assert back[col] in "|-" and back[col - 1] == "-" and "<" in back
    finally:
        sim_ok(net, "start", "ns1-example")


MERMAID_LINE = re.compile(
    r"^    (participant P\d+ as [A-Za-z0-9.-]+"
    r"|P\d+(->>|-->>|--x|-x)P\d+: [^;#\n]+"
    r"|Note over P\d+: [^;#\n]+)$")


def test_mermaid_is_a_sequence_diagram(net):
    out = sim_ok(net, "trace", "static.example.com", "--cold", "--mermaid")
    lines = out.rstrip("\n").split("\n")
    assert lines[0] == "sequenceDiagram"
    declared, used = set(), set()
    for line in lines[1:]:
        assert MERMAID_LINE.match(line), f"not Mermaid: {line!r}"
        m = re.match(r"^    participant (P\d+) as", line)
        if m:
            assert not used, "participants come first"
            declared.add(m.group(1))
        else:
            used.update(re.findall(r"P\d+", line.split(":")[0]))
    assert used <= declared and len(declared) >= 5
    # The CNAME chain of the default internet, hop by hop.
    assert "CNAME to static.cdn-provider.net." in out
    assert "CNAME to edge.cdn.net." in out


# ---- capture ----------------------------------------------------------------

def tshark():
    path = shutil.which("tshark")
    if path is None:
        pytest.fail("tshark is missing: run `make deps`")
    return path


def test_capture_writes_a_pcap_tshark_reads(net, tmp_path):
    # The phone: its queries leave it at once (the laptop's go through
    # its stub on loopback first, and four packets would end too soon).
    pcap = tmp_path / "phone.pcap"
    p = subprocess.Popen([net.binary, "--name", NAME, "capture", "phone", "-w", str(pcap),
                          "-c", "4"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 10
        while (not pcap.exists() or pcap.stat().st_size < 24) and time.time() < deadline:
            time.sleep(0.05)
        for name in ["blog.example.com", "shop.example.com"]:
            net.exec(NAME, "phone", "dig", "+time=2", "+tries=1", name)
        assert p.wait(timeout=20) == 0
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    out = run([tshark(), "-r", str(pcap), "-Y", "dns", "-T", "fields", "-e", "dns.qry.name",
               "-e", "dns.flags.response"]).stdout.split("\n")
    rows = [tuple(l.split("\t")) for l in out if l]
    assert ("blog.example.com", "0") in rows and ("shop.example.com", "0") in rows
    assert ("blog.example.com", "1") in rows and ("shop.example.com", "1") in rows


def test_capture_everything_labels_each_sender(net):
    p = subprocess.Popen([net.binary, "--name", NAME, "capture", "-c", "4", "udp", "port",
                          "53", "and", "host", "198.51.100.11"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        time.sleep(1.0)
        net.exec(NAME, "phone", "dig", "+time=2", "+tries=1", "@198.18.10.53",
                 "www.example.org")
        out, _ = p.communicate(timeout=20)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    lines = [l for l in out.splitlines() if "www.example.org" in l]
    assert len(lines) >= 2, out
    # The phone's query leaves the phone, then crosses isp-router.
    assert lines[0].split()[0] == "phone" and "198.51.100.11" in lines[0]
    assert lines[1].split()[0] == "isp-router" and "www.example.org" in lines[1]


def test_up_capture_recorded_every_node_from_the_start(net, capdir):
    trace = sim_ok(net, "trace", "www.university.edu", "--cold")
    assert "ns-university" in trace
    files = sorted(p.stem for p in capdir.glob("*.pcap"))
    nodes = [l.split()[0] for l in sim_ok(net, "status").splitlines()[1:]]
    assert files == sorted(nodes)
    # The university's server saw the query; the resolver saw it all.
    out = run([tshark(), "-r", str(capdir / "ns-university.pcap"), "-Y", "dns",
               "-T", "fields", "-e", "dns.qry.name"]).stdout
    assert "www.university.edu" in out, trace
    # The monitor's first readiness probe is in the root server's file.
    out = run([tshark(), "-r", str(capdir / "a-root.pcap"), "-Y", "dns", "-T", "fields",
               "-e", "dns.qry.name"]).stdout.split()
    assert out[0] == "stats.dnsim"


# ---- graph, stats, cache -----------------------------------------------------

def dot():
    path = shutil.which("dot")
    if path is None:
        pytest.fail("Graphviz's dot is missing: run `make deps`")
    return path


def test_graph_is_dot_naming_every_node(net, tmp_path):
    out = sim_ok(net, "graph")
    r = subprocess.run([dot(), "-Tsvg"], input=out, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    nodes = [l.split()[0] for l in sim_ok(net, "status").splitlines()[1:]]
    for n in nodes:
        assert f'"{n}" [' in out, n
    svg = tmp_path / "map.svg"
    sim_ok(net, "graph", "-o", str(svg))
    assert svg.read_text().lstrip().startswith(("<?xml", "<svg"))


def test_graph_delegations_is_the_zone_tree(net):
    out = sim_ok(net, "graph", "--delegations")
    r = subprocess.run([dot(), "-Tplain"], input=out, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    edges = set(re.findall(r'"([^"]+)" -> "([^"]+)"', out))
    for e in [(".", "com."), (".", "net."), ("com.", "example.com."),
              ("university.edu.", "cs.university.edu."), ("net.", "cdn.net.")]:
        assert e in edges, e
    assert '"example.com." [label="example.com.\\nserved by ns1-example, ns2-example"]' in out


def stat(net, node, key):
    out = sim_ok(net, "stats", node)
    m = re.search(rf"^  {re.escape(key)}\s+(\d+)", out, re.M)
    assert m, out
    return int(m.group(1))


def test_stats_count_the_queries_sent(net):
    a = stat(net, "ns-example-org", "queries")
    b = stat(net, "ns-example-org", "queries")
    probe = b - a          # the stats question itself
    for _ in range(5):
        net.exec(NAME, "laptop", "dig", "+time=2", "+tries=1", "@203.0.113.80",
                 "example.org", "SOA")
    c = stat(net, "ns-example-org", "queries")
    assert c - b == 5 + probe
    assert stat(net, "ns-example-org", "qtype.SOA") >= 5
    prom = sim_ok(net, "stats", "ns-example-org", "--prometheus")
    assert re.search(r'^dnsim_queries_by_type_total\{node="ns-example-org",service="auth",'
                     r'type="SOA"\} \d+$', prom, re.M)


def test_stats_of_a_resolver_show_the_cache(net):
    sim_ok(net, "trace", "www.example.org", "--from", "phone", "--cold")
    h = stat(net, "isp-resolver", "queries")
    net.exec(NAME, "phone", "dig", "+time=2", "www.example.org")
    out = sim_ok(net, "stats", "isp-resolver")
    assert re.search(r"cache\s+\d+ hits, \d+ misses, hit rate \d+\.\d%", out)
    assert stat(net, "isp-resolver", "queries") >= h + 1
    prom = sim_ok(net, "stats", "--prometheus")
    assert re.search(r'^dnsim_cache_hit_ratio\{node="isp-resolver",service="resolver"\} '
                     r'[01]\.\d{4}$', prom, re.M)


def test_cache_dump_and_flush_a_name(net):
    net.exec(NAME, "phone", "dig", "+time=2", "blog.example.com")
    dump = sim_ok(net, "cache", "isp-resolver", "dump")
    assert re.search(r"^blog\.example\.com\.\s+\d+\s+IN\s+CNAME\s+www\.example\.com\.", dump,
                     re.M)
    sim_ok(net, "cache", "isp-resolver", "flush", "blog.example.com")
    dump = sim_ok(net, "cache", "isp-resolver", "dump")
    assert "blog.example.com." not in dump
    r = net("--name", NAME, "cache", "ns1-example", "dump")
    assert r.returncode == 1 and "not a resolver" in r.stderr
