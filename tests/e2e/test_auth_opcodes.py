"""dnsim-auth on odd queries, compared with BIND 9's named serving the
same zone: every opcode 0-15, with and without a question, with and
without EDNS, with flag bits set that a response must or must not copy;
NOTIFY and UPDATE for a zone served, a name inside it and a zone not
served.  The whole response must be the same octets (the ID is ours).
And the Extended DNS Error (RFC 8914) that says why a query was refused,
read by dig and kdig.  Loopback only, ports above 1024, no root."""
import os
import pathlib
import shutil
import signal
import socket
import struct
import subprocess
import time

import pytest

from conftest import run

ADDR = "127.0.0.1"
ZONE = """$TTL 300
@ SOA ns1.example.test. admin.example.test. 1 3600 900 604800 300
@ NS ns1.example.test.
ns1 A 192.0.2.53
www A 192.0.2.80
"""


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((ADDR, 0))
        return s.getsockname()[1]


def wait_answering(port, proc, log):
    query = struct.pack("!HHHHHH", 7, 0, 1, 0, 0, 0) + b"\x07example\x04test\x00\x00\x06\x00\x01"
    deadline = time.monotonic() + 15
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.2)
        while True:
            assert proc.poll() is None, log.read_text()[-2000:]
            assert time.monotonic() < deadline, log.read_text()[-2000:]
            s.sendto(query, (ADDR, port))
            try:
                if s.recv(4096)[:2] == b"\x00\x07":
                    return
            except socket.timeout:
                pass


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def servers(tool, tmp_path_factory):
    named = shutil.which("named") or "/usr/sbin/named"
    if not os.access(named, os.X_OK):
        pytest.fail("named is missing: run `make deps` (package bind9)")
    d = tmp_path_factory.mktemp("opcodes")
    (d / "example.zone").write_text(ZONE)
    nport, aport = free_port(), free_port()
    (d / "named.conf").write_text(f"""options {{
    directory "{d}";
    listen-on port {nport} {{ {ADDR}; }};
    listen-on-v6 {{ none; }};
    recursion no;
    dnssec-validation no;
    pid-file "{d}/named.pid";
}};
controls {{ }};
zone "example.test" {{ type primary; file "{d}/example.zone"; }};
""")
    nlog, alog = d / "named.log", d / "auth.log"
    procs = []
    try:
        procs.append(subprocess.Popen([named, "-g", "-u", "root", "-c", str(d / "named.conf")],
                                      stdout=open(nlog, "w"), stderr=subprocess.STDOUT))
        wait_answering(nport, procs[-1], nlog)
        procs.append(subprocess.Popen([tool("dnsim-auth"), "-l", f"{ADDR}@{aport}",
                                       "-z", f"example.test.={d / 'example.zone'}"],
                                      stderr=open(alog, "w")))
        wait_answering(aport, procs[-1], alog)
        yield {"named": nport, "dnsim": aport}
    finally:
        for p in procs:
            stop(p)


def ask(port, wire):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(2)
        s.sendto(wire, (ADDR, port))
        try:
            return s.recv(65535)
        except socket.timeout:
            return None


def message(opcode, question, edns, flags, qtype=1, qname=b"\x07example\x04test\x00"):
    q = qname + struct.pack("!HH", qtype, 1) if question else b""
    opt = b"\x00" + struct.pack("!HHIH", 41, 1232, 0, 0) if edns else b""
    hdr = struct.pack("!HHHHHH", 0x4242, (opcode << 11) | flags, int(question), 0, 0, int(edns))
    return hdr + q + opt


def describe(r):
    if r is None:
        return "no answer"
    fl = struct.unpack("!H", r[2:4])[0]
    return (f"opcode {(fl >> 11) & 15} rcode {fl & 15} flags {fl & 0x87f0:#06x} "
            f"counts {struct.unpack('!HHHH', r[4:12])} body {r[12:].hex()}")


# Flag bits a query may carry: RD; RD with AD and CD; AA (meaningless in a
# query); CD alone.
FLAGS = [0x0100, 0x0130, 0x0400, 0x0010]


@pytest.mark.parametrize("opcode", range(16))
def test_every_opcode_as_named_answers_it(servers, opcode):
    for question in (True, False):
        for edns in (False, True):
            for flags in FLAGS:
                wire = message(opcode, question, edns, flags)
                want, got = ask(servers["named"], wire), ask(servers["dnsim"], wire)
                assert want is not None, f"named did not answer opcode {opcode}"
                assert describe(got) == describe(want), (
                    f"opcode {opcode}, question {question}, EDNS {edns}, flags {flags:#06x}")


@pytest.mark.parametrize("opcode", [4, 5])          # NOTIFY, UPDATE
@pytest.mark.parametrize("qname", [b"\x07example\x04test\x00", b"\x05other\x04test\x00",
                                   b"\x03www\x07example\x04test\x00"])
def test_notify_and_update_for_zones(servers, opcode, qname):
    for flags in (0, 0x0400):
        wire = message(opcode, True, False, flags, qtype=6, qname=qname)
        want, got = ask(servers["named"], wire), ask(servers["dnsim"], wire)
        assert describe(got) == describe(want)


def test_refused_says_not_authoritative(servers, tool):
    port = servers["dnsim"]
    out = run(["dig", "-p", str(port), f"@{ADDR}", "www.other.test", "+norec",
               "+tries=1", "+time=2"]).stdout
    assert "status: REFUSED" in out and "EDE: 20 (Not Authoritative)" in out
    kdig = shutil.which("kdig")
    if kdig:
        out = run([kdig, "-p", str(port), f"@{ADDR}", "www.other.test", "+norec", "+edns"]).stdout
        assert "REFUSED" in out and "EDE: 20 (Not Authoritative)" in out
    # Without EDNS there is no OPT to carry it: a plain REFUSED.
    out = run(["dig", "-p", str(port), f"@{ADDR}", "www.other.test", "+norec", "+noedns",
               "+tries=1", "+time=2"]).stdout
    assert "status: REFUSED" in out and "EDE" not in out
    # A served name gets no EDE.
    out = run(["dig", "-p", str(port), f"@{ADDR}", "www.example.test", "+norec"]).stdout
    assert "status: NOERROR" in out and "EDE" not in out
