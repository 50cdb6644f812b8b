"""dnsim-auth as a running server, with dnspython and dig as clients:
transports (UDP, TCP with pipelining, idle timeout, connection cap), EDNS
and truncation, odd queries, round robin, views, AXFR, reload on SIGHUP,
the query log and the counters.  Loopback ports above 1024: no root."""
import shutil
import signal
import socket
import struct
import subprocess
import time

import dns.flags
import dns.message
import dns.opcode
import dns.query
import dns.rcode
import dns.rdatatype
import pytest

from conftest import DATA, run

ADDR, PORT = "127.0.0.1", 5381


@pytest.fixture(scope="module")
def server(tool, tmp_path_factory):
    d = tmp_path_factory.mktemp("auth")
    shutil.copy(DATA / "auth" / "features.zone", d / "example.zone")
    shutil.copy(DATA / "auth" / "inside.zone", d / "inside.zone")
    (d / "auth.conf").write_text(f"""# test server
listen {ADDR}@{PORT}
zone example.com. {d / 'example.zone'}
allow-transfer 127.0.0.1
tcp-idle-timeout 2
tcp-max-connections 5
query-log stderr
identity test-auth
view inside {{
    match 127.0.0.2/32
    zone example.com. {d / 'inside.zone'}
}}
""")
    log = open(d / "auth.log", "w")
    p = subprocess.Popen([tool("dnsim-auth"), "-c", str(d / "auth.conf")], stderr=log)
    try:
        deadline = time.monotonic() + 10
        while "ready" not in (d / "auth.log").read_text():
            assert p.poll() is None and time.monotonic() < deadline, (d / "auth.log").read_text()
            time.sleep(0.02)
        p.dir = d
        yield p
    finally:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    assert p.returncode == 0, (d / "auth.log").read_text()[-2000:]


def q(name, rdtype="A", **kw):
    m = dns.message.make_query(name, rdtype, **kw)
    m.flags &= ~dns.flags.RD
    return m


def udp(m, source="127.0.0.1"):
    return dns.query.udp(m, ADDR, port=PORT, timeout=3, source=source)


def tcp(m):
    return dns.query.tcp(m, ADDR, port=PORT, timeout=3)


def names(section):
    return {s.name.to_text() for s in section}


def test_authoritative_answer_both_transports(server):
    for r in (udp(q("mail.example.com")), tcp(q("mail.example.com"))):
        assert r.rcode() == dns.rcode.NOERROR and r.flags & dns.flags.AA
        assert [rd.to_text() for s in r.answer for rd in s] == ["192.0.2.25"]


def test_referral(server):
    r = udp(q("www.sub.example.com"))
    assert not r.flags & dns.flags.AA and not r.answer
    assert {rd.to_text() for s in r.authority for rd in s} == {"ns.sub.example.com.", "ns2.example.net."}
    assert names(r.additional) == {"ns.sub.example.com."}


def test_negative_answers_carry_soa_with_negative_ttl(server):
    r = udp(q("nope.example.com"))
    assert r.rcode() == dns.rcode.NXDOMAIN and r.flags & dns.flags.AA
    assert r.authority[0].rdtype == dns.rdatatype.SOA and r.authority[0].ttl == 300
    r = udp(q("mail.example.com", "TXT"))
    assert r.rcode() == dns.rcode.NOERROR and not r.answer
    assert r.authority[0].rdtype == dns.rdatatype.SOA


def test_refused_outside_our_zones(server):
    r = udp(q("www.example.org"))
    assert r.rcode() == dns.rcode.REFUSED and not r.flags & dns.flags.AA


def test_formerr_notimp_badvers(server):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    # Header says one question, the bytes end: FORMERR with our ID.
    s.sendto(struct.pack("!HHHHHH", 0xBEEF, 0, 1, 0, 0, 0) + b"\x07example", (ADDR, PORT))
    r = dns.message.from_wire(s.recv(4096))
    assert r.id == 0xBEEF and r.rcode() == dns.rcode.FORMERR
    # A response sent to us gets no answer at all.
    s.sendto(struct.pack("!HHHHHH", 1, 0x8000, 0, 0, 0, 0), (ADDR, PORT))
    with pytest.raises(socket.timeout):
        s.settimeout(0.5)
        s.recv(4096)
    # A NOTIFY for a zone served from a file: acknowledged, as a primary
    # does (test_auth_opcodes compares every opcode with BIND's named).
    m = q("example.com", "SOA")
    m.set_opcode(dns.opcode.NOTIFY)
    r = udp(m)
    assert r.rcode() == dns.rcode.NOERROR and r.flags & dns.flags.AA
    m.set_opcode(dns.opcode.STATUS)
    assert udp(m).rcode() == dns.rcode.NOTIMP
    m = q("example.com")
    m.use_edns(1)
    r = udp(m)
    assert r.rcode() == dns.rcode.BADVERS and r.edns == 0


def test_any_is_minimal(server):
    r = udp(q("example.com", "ANY"))
    assert len(r.answer) == 1


def test_additional_for_mx_and_srv(server):
    r = udp(q("example.com", "MX"))
    assert "mail.example.com." in names(r.additional)
    r = udp(q("_sip._udp.example.com", "SRV"))
    assert "mail.example.com." in names(r.additional)


def test_edns_size_and_truncation(server):
    r = udp(q("big.example.com", "TXT", use_edns=False))
    assert r.flags & dns.flags.TC and not r.answer          # cut at the RRset
    r = udp(q("big.example.com", "TXT", use_edns=0, payload=4096))
    assert not r.flags & dns.flags.TC and len(r.answer[0]) == 8
    assert r.edns == 0 and r.payload == 1232                 # our maximum, echoed
    r = tcp(q("big.example.com", "TXT", use_edns=False))
    assert not r.flags & dns.flags.TC and len(r.answer[0]) == 8


def test_round_robin(server):
    firsts = {udp(q("shop.example.com")).answer[0][0].to_text() for _ in range(6)}
    assert len(firsts) == 3


def test_views(server):
    outside = udp(q("intranet.example.com"))
    assert outside.rcode() == dns.rcode.NXDOMAIN
    inside = udp(q("intranet.example.com"), source="127.0.0.2")
    assert inside.rcode() == dns.rcode.NOERROR
    assert inside.answer[0][0].to_text() == "10.1.2.3"
    assert udp(q("www.example.com"), source="127.0.0.2").answer[0][0].to_text() == "10.1.2.80"


def test_axfr_allowed_and_refused(server):
    r = run(["dig", "+tcp", "-p", str(PORT), "@" + ADDR, "example.com", "AXFR"])
    lines = [l for l in r.stdout.splitlines() if l and not l.startswith(";")]
    assert lines[0].split()[3] == "SOA" and lines[-1].split()[3] == "SOA"
    assert any("\tCAA\t" in l for l in lines) and any("ns.sub.example.com." in l for l in lines)
    # From 127.0.0.2 (not in allow-transfer): REFUSED.
    m = dns.message.make_query("example.com", "AXFR")
    with socket.create_connection((ADDR, PORT), source_address=("127.0.0.2", 0)) as c:
        w = m.to_wire()
        c.sendall(struct.pack("!H", len(w)) + w)
        n = struct.unpack("!H", c.recv(2))[0]
        r = dns.message.from_wire(c.recv(n))
    assert r.rcode() == dns.rcode.REFUSED
    assert udp(q("example.com", "AXFR")).rcode() == dns.rcode.FORMERR


def read_msg(c):
    n = struct.unpack("!H", c.recv(2, socket.MSG_WAITALL))[0]
    return dns.message.from_wire(c.recv(n, socket.MSG_WAITALL))


def test_tcp_pipelining(server):
    with socket.create_connection((ADDR, PORT)) as c:
        c.settimeout(3)
        wires = []
        for i, name in enumerate(["mail.example.com", "ns1.example.com", "nope.example.com"]):
            m = q(name)
            m.id = 1000 + i
            wires.append(m.to_wire())
        c.sendall(b"".join(struct.pack("!H", len(w)) + w for w in wires))
        got = [read_msg(c) for _ in wires]
    assert [r.id for r in got] == [1000, 1001, 1002]
    assert got[2].rcode() == dns.rcode.NXDOMAIN


def test_tcp_idle_timeout(server):
    with socket.create_connection((ADDR, PORT)) as c:
        c.settimeout(6)
        t0 = time.monotonic()
        assert c.recv(1) == b""                                 # closed by the server
        assert time.monotonic() - t0 >= 1.5


def test_tcp_connection_cap(server):
    conns = [socket.create_connection((ADDR, PORT)) for _ in range(5)]
    try:
        time.sleep(0.2)
        extra = socket.create_connection((ADDR, PORT))
        extra.settimeout(3)
        assert extra.recv(1) == b""                             # over the cap: closed
        extra.close()
    finally:
        for c in conns:
            c.close()


def test_query_log_and_counters(server):
    udp(q("mail.example.com", "MX"))
    time.sleep(0.1)
    log = (server.dir / "auth.log").read_text()
    assert "udp mail.example.com. MX NOERROR flags=qr,aa" in log
    r = udp(dns.message.make_query("stats.dnsim", "TXT", rdclass="CH"))
    items = dict(s.decode().split("=") for rd in r.answer[0] for s in rd.strings)
    assert int(items["queries"]) > 10 and int(items["rcode.NXDOMAIN"]) >= 1
    r = udp(dns.message.make_query("id.server", "TXT", rdclass="CH"))
    assert r.answer[0][0].strings == (b"test-auth",)


def test_sighup_reload(server):
    zone = server.dir / "example.zone"
    original = zone.read_text()
    try:
        zone.write_text(original + "added A 192.0.2.222\n")
        server.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 5
        while udp(q("added.example.com")).rcode() != dns.rcode.NOERROR:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        # A broken zone keeps the old data, and the log says where.
        zone.write_text(original + "broken A 192.0.2.999\n")
        server.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 5
        while "keeps its old data" not in (server.dir / "auth.log").read_text():
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert "example.zone:" in (server.dir / "auth.log").read_text().split("keeps its old data")[-1]
        assert udp(q("added.example.com")).rcode() == dns.rcode.NOERROR
    finally:
        zone.write_text(original)


def test_bad_zone_and_bad_address_exit_with_message(tool, tmp_path):
    bad = tmp_path / "bad.zone"
    bad.write_text("$TTL 1\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.1\nwww A 1.2.3\n")
    r = run([tool("dnsim-auth"), "-l", "127.0.0.1@5382", "-z", f"example.com={bad}"], timeout=10)
    assert r.returncode == 1 and f"{bad}:5:" in r.stderr
    good = DATA / "auth" / "inside.zone"
    r = run([tool("dnsim-auth"), "-l", "192.0.2.1@5382", "-z", f"example.com={good}"], timeout=10)
    assert r.returncode == 1 and "cannot listen on 192.0.2.1#5382" in r.stderr
    r = run([tool("dnsim-auth"), "-z", f"example.com={good}"], timeout=10)
    assert r.returncode == 2 and "no address to listen on" in r.stderr
