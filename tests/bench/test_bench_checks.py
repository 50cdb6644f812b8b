"""The checks that make `make bench` trustworthy, tested: a round whose
answers carry wrong response codes or lost too many queries fails; a
server answering REFUSED fast scores zero through real dnsperf; a right
server passes with no wrong answer at all; report.py shows spread, failed
rounds, goals and a busy machine; idle.py sees CPU time that is not the
bench's.  Loopback only, each run a second or two.

    /usr/bin/python3 -m pytest -q tests/bench/test_bench_checks.py
"""
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import threading
import time

import pytest

HERE = pathlib.Path(__file__).resolve().parent
TOP = HERE.parents[1]
sys.path.insert(0, str(HERE))
import benchlib as bl  # noqa: E402

LINES = bl.read_queries(HERE / "auth" / "queries.txt")
EXPECTED = bl.read_expected(HERE / "auth" / "queries.expected")
CODES = [EXPECTED[q][0] for q in LINES]


def summary(sent, rcodes, lost=0):
    return {"sent": sent, "completed": sum(rcodes.values()), "lost": lost, "interrupted": 0,
            "rcodes": rcodes, "qps": 1.0}


def test_expected_counts_follow_the_file_in_order():
    assert bl.expected_counts(["A", "B", "B"], 7) == {"A": 3, "B": 4}
    assert bl.expected_counts(["A", "B", "B"], 1) == {"A": 1, "B": 0}
    whole = bl.expected_counts(CODES, len(CODES) * 3)
    assert whole == {"NOERROR": 3 * 270, "NXDOMAIN": 3 * 10}


def test_right_codes_pass_wrong_ones_fail():
    sent = len(CODES) * 10 + 17
    want = bl.expected_counts(CODES, sent)
    assert bl.check_round(summary(sent, dict(want)), CODES) is None
    # Lost answers only lower the counts: still right.
    some_lost = dict(want, NOERROR=want["NOERROR"] - 5)
    assert bl.check_round(summary(sent, some_lost, lost=5), CODES) is None
    # Everything REFUSED, however fast, is wrong.
    assert "REFUSED" in bl.check_round(summary(sent, {"REFUSED": sent}), CODES)
    # NOERROR where the zone has no such name.
    assert "NOERROR" in bl.check_round(summary(sent, {"NOERROR": sent}), CODES)
    # More than 1% lost.
    lost = sent // 50
    assert "lost" in bl.check_round(summary(sent, dict(want, NOERROR=want["NOERROR"] - lost),
                                            lost=lost), CODES)
    assert bl.check_round({"error": "dnsperf printed no statistics"}, CODES)


def test_verbose_check_and_percentiles():
    rows = [("NOERROR", "host1.example.com", "A", 0.001)] * 98 + \
           [("NXDOMAIN", "nope.example.com", "A", 0.002)] * 2
    assert bl.check_verbose(rows, EXPECTED) is None
    assert bl.check_verbose(rows + [("NOERROR", "nope.example.com", "A", 0.001)], EXPECTED)
    assert bl.check_verbose(rows + [("T", "host1.example.com", "A", None)] * 5, EXPECTED)
    assert bl.percentile([1, 2, 3, 4], 50) == 2
    assert bl.percentile(list(range(1, 101)), 99) == 99
    assert bl.percentile([1.0] * 98 + [float("inf")] * 2, 99) == float("inf")
    assert bl.median([10, None, 30], "higher") == 10
    assert bl.median([10, None, 30], "lower") == 30


def refused_server(sock, stop):
    """Answers every query at once with REFUSED (the header, question kept)."""
    sock.settimeout(0.1)
    while not stop.is_set():
        try:
            data, peer = sock.recvfrom(4096)
        except socket.timeout:
            continue
        if len(data) >= 12:
            flags = bytes([data[2] | 0x80, (data[3] & 0x70) | 5])
            sock.sendto(data[:2] + flags + data[4:], peer)


@pytest.mark.skipif(shutil.which("dnsperf") is None, reason="dnsperf is missing (make deps)")
def test_a_server_answering_refused_fast_fails_through_dnsperf():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    stop = threading.Event()
    t = threading.Thread(target=refused_server, args=(sock, stop), daemon=True)
    t.start()
    try:
        s, _ = bl.dnsperf(["dnsperf", "-s", "127.0.0.1", "-p", str(sock.getsockname()[1]),
                           "-d", str(HERE / "auth" / "queries.txt"), "-l", "1", "-q", "20",
                           "-Q", "2000"], timeout=30)
    finally:
        stop.set()
        t.join()
        sock.close()
    assert s["completed"] > 100
    why = bl.check_round(s, CODES)
    assert why and "REFUSED" in why


@pytest.mark.skipif(shutil.which("dnsperf") is None or not (TOP / "bin" / "dnsim-auth").exists(),
                    reason="needs dnsperf and bin/dnsim-auth")
def test_a_right_server_passes_with_no_wrong_answer():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    p = subprocess.Popen([str(TOP / "bin" / "dnsim-auth"), "-l", f"127.0.0.1@{port}",
                          "-z", f"example.com={HERE / 'auth' / 'example.zone'}"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        assert p.poll() is None
        s, _ = bl.dnsperf(["dnsperf", "-s", "127.0.0.1", "-p", str(port), "-d",
                           str(HERE / "auth" / "queries.txt"), "-l", "1", "-q", "100"], timeout=30)
    finally:
        p.terminate()
        p.wait(timeout=10)
    assert bl.check_round(s, CODES) is None
    # The counts are exactly what the sent prefix of the file gets, less
    # the answers that never came: no code beyond its share.
    want = bl.expected_counts(CODES, s["sent"])
    assert all(n <= want.get(c, 0) for c, n in s["rcodes"].items())
    assert s["rcodes"].get("NXDOMAIN", 0) > 0


def test_report_shows_spread_failures_goals_and_a_busy_machine(tmp_path):
    tsv = tmp_path / "r.tsv"
    tsv.write_text(
        "auth\tqueries per server CPU-second\t100,110,fail\tknot\t100,101,102\tq/CPU-s\t"
        "better=higher\tgoal=1.1\n"
        "auth\tp99 latency\t1.0,1.5,2.0\tnsd\t1.0,1.0,1.0\tms\tbetter=lower\tgoal=1.0\n"
        "auth\tp50 latency\t1.0,fail,fail\tnsd\t1.0,1.0,1.0\tms\tbetter=lower\n"
        "msg\tparse\t5\tdnspython\tskipped\tmsg/s\tbetter=higher\n"
        "sim\tPSS per node\t0.2,0.2\t-\t-\tMB\tbetter=lower\n"
        "sim\tmemory per node\t-0.5,0.1,-0.2\tip\t0.1,0.2,0.1\tMB\tbetter=lower\n"
        "!idle\tauth\t0.400\t0.900\t0.300\t0.000\t1.50\t60\tbusy\n"
        "!idle\tmsg\t0.010\t0.020\t0.000\t0.000\t0.10\t9\tidle\n")
    out = subprocess.run([sys.executable, str(HERE / "report.py"), str(tsv)], capture_output=True,
                         text=True, check=True).stdout
    lines = out.splitlines()
    assert any("NOT IDLE" in x for x in lines[:3])
    assert any(x.strip().startswith("auth: 0.40 CPU") for x in lines)
    cpu = next(x for x in lines if "queries per server" in x)
    assert "[0..110]" in cpu and "1/3 rounds failed" in cpu and "goal missed" in cpu
    p99 = next(x for x in lines if "p99" in x)
    assert "1.50" in p99 and "goal missed" in p99 and "ours noisy (67% spread)" in p99
    p50 = next(x for x in lines if "p50" in x)
    assert "fail" in p50 and "2/3 rounds failed" in p50
    assert "skipped" in next(x for x in lines if "parse" in x)
    # No peer, or a median not above zero: no ratio, and nothing failed.
    for what in ("PSS per node", "memory per node"):
        row = next(x for x in lines if what in x)
        assert "failed" not in row and " - " in row


def test_idle_sees_cpu_time_that_is_not_the_benchs(tmp_path):
    # A busy loop outside the watched tree: other processes' time.
    hog = subprocess.Popen([sys.executable, "-c",
                            "import time\nt = time.time()\nwhile time.time() - t < 6: pass"])
    try:
        env = dict(os.environ, BENCH_REPORT=str(tmp_path / "r.tsv"))
        subprocess.run([sys.executable, str(HERE / "idle.py"), "t", "sleep", "2"], env=env,
                       check=True, capture_output=True, timeout=30)
    finally:
        hog.kill()
        hog.wait()
    f = (tmp_path / "r.tsv").read_text().split("\t")
    assert f[0] == "!idle" and f[1] == "t"
    assert float(f[2]) >= 0.8 and f[-1].strip() == "busy"
