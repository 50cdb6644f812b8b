"""dnsim-auth and NSD serve the same zone (tests/data/auth/features.zone,
every feature dnsim-auth knows); for each question both must agree on the
rcode, the AA and TC flags, and every section's records (order aside).
The servers listen on loopback ports above 1024, so this needs no root.
"""
import shutil
import signal
import subprocess
import time

import dns.flags
import dns.message
import dns.query
import dns.rdatatype
import pytest

from conftest import DATA

ZONE = DATA / "auth" / "features.zone"
OURS, NSD = ("127.0.0.1", 5391), ("127.0.0.1", 5392)

pytestmark = pytest.mark.skipif(shutil.which("nsd") is None,
                                reason="nsd is not installed (make deps)")

QUESTIONS = [
    ("example.com", "SOA"), ("example.com", "NS"), ("example.com", "MX"), ("example.com", "TXT"),
    ("example.com", "A"), ("example.com", "AAAA"), ("ns1.example.com", "A"), ("ns1.example.com", "AAAA"),
    ("mail.example.com", "A"), ("mail.example.com", "MX"), ("www.example.com", "A"),
    ("www.example.com", "CNAME"), ("alias.example.com", "A"), ("alias.example.com", "MX"),
    ("out.example.com", "A"), ("shop.example.com", "A"), ("x.wild.example.com", "TXT"),
    ("x.y.wild.example.com", "A"), ("x.wild.example.com", "MX"), ("wild.example.com", "TXT"),
    ("deep.ent.example.com", "A"), ("other.ent.example.com", "A"), ("ent.example.com", "A"),
    ("ent2.example.com", "TXT"), ("empty.ent2.example.com", "TXT"), ("_sip._udp.example.com", "SRV"),
    ("sub.example.com", "NS"), ("sub.example.com", "A"), ("www.sub.example.com", "A"),
    ("sub.example.com", "DS"), ("ns.sub.example.com", "A"), ("nope.example.com", "A"),
    ("nope.example.com", "TXT"), ("a.nope.example.com", "A"), ("caa.example.com", "CAA"),
    ("unknown.example.com", "TYPE65534"), ("big.example.com", "TXT"), ("www.example.org", "A"),
    ("EXAMPLE.COM", "MX"), ("WwW.ExAmPlE.cOm", "A"),
]

VARIANTS = [
    ("udp-edns", dict(use_edns=0, payload=1232), False),
    ("udp-plain", dict(use_edns=False), False),
    ("tcp", dict(use_edns=0, payload=1232), True),
]


@pytest.fixture(scope="module")
def servers(tool, tmp_path_factory):
    d = tmp_path_factory.mktemp("nsd-diff")
    shutil.copy(ZONE, d / "features.zone")
    (d / "nsd.conf").write_text(f"""server:
  ip-address: {NSD[0]}@{NSD[1]}
  server-count: 1
  username: ""
  chroot: ""
  zonesdir: "{d}"
  pidfile: "{d}/nsd.pid"
  xfrdfile: "{d}/xfrd.state"
  zonelistfile: "{d}/zone.list"
  database: ""
  rrl-ratelimit: 0
remote-control:
  control-enable: no
zone:
  name: example.com
  zonefile: features.zone
""")
    procs = [
        subprocess.Popen([tool("dnsim-auth"), "-l", f"{OURS[0]}@{OURS[1]}",
                          "-z", f"example.com={d / 'features.zone'}"], stderr=subprocess.DEVNULL),
        subprocess.Popen([shutil.which("nsd"), "-d", "-c", str(d / "nsd.conf")],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
    ]
    try:
        for addr, port in (OURS, NSD):
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    dns.query.udp(dns.message.make_query("example.com", "SOA"), addr,
                                  port=port, timeout=0.3)
                    break
                except Exception:
                    time.sleep(0.05)
        yield
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
    assert procs[0].returncode == 0, "dnsim-auth did not exit cleanly"


def ask(server, name, rdtype, kw, tcp):
    q = dns.message.make_query(name, rdtype, **kw)
    q.flags &= ~dns.flags.RD
    fn = dns.query.tcp if tcp else dns.query.udp
    return fn(q, server[0], port=server[1], timeout=5, ignore_trailing=False)


def view(m):
    def section(rrsets):
        return {(s.name.to_text().lower(), dns.rdatatype.to_text(s.rdtype), s.ttl, r.to_text().lower())
                for s in rrsets for r in s}
    return {
        "rcode": m.rcode(),
        "aa": bool(m.flags & dns.flags.AA),
        "tc": bool(m.flags & dns.flags.TC),
        "answer": section(m.answer),
        "authority": section(m.authority),
        "additional": section(m.additional),
    }


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v[0])
@pytest.mark.parametrize("name,rdtype", QUESTIONS, ids=lambda v: str(v))
def test_same_answer_as_nsd(servers, name, rdtype, variant):
    _, kw, tcp = variant
    ours = view(ask(OURS, name, rdtype, kw, tcp))
    theirs = view(ask(NSD, name, rdtype, kw, tcp))
    assert ours == theirs
