"""dnsim-auth serving signed zones, judged by other implementations.

One zone (every kind of node: data, empty non-terminals, wildcards, CNAMEs
into wildcards, a DNAME, signed and unsigned delegations with glue) is
signed seven ways: by dnsim-signzone (NSEC; NSEC3; NSEC3 with opt-out,
salt and iterations), by BIND's dnssec-signzone (NSEC, NSEC3) and by
ldns-signzone (NSEC, NSEC3), each under its own origin.  dnsim-auth, BIND's
named and NSD serve the same files on loopback, and:

- for a matrix of questions, with and without DO, over UDP and TCP, our
  answer equals named's and NSD's: rcode, AA and TC, and the answer and
  authority sections as sets (RRSIGs, NSEC and NSEC3 included); without
  DO no DNSSEC record appears unless asked for by type;
- delv, with the zone's key-signing key as its only trust anchor, says
  "fully validated" for positive answers, wildcard expansions and each
  kind of negative answer (and fails when a proof is taken away: the
  check can fail);
- truncation keeps RRsets and their RRSIGs together;
- a zone with more NSEC3 iterations than we serve is refused at load.

The servers listen on loopback ports above 1024 (named and NSD as peers,
NSD with rrl-ratelimit: 0).
"""
import re
import shutil
import signal
import subprocess
import time

import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdatatype
import pytest

from conftest import run

OURS, NAMED, NSD = ("127.0.0.1", 5421), ("127.0.0.1", 5422), ("127.0.0.1", 5423)

ZONE = """$TTL 3600
@         SOA ns1 hostmaster 2024010101 7200 3600 1209600 300
@         NS ns1
@         MX 10 mail
ns1       A 192.0.2.1
www       A 192.0.2.2
www       AAAA 2001:db8::2
mail      A 192.0.2.5
a.b.c     TXT "below two empty non-terminals"
sub       NS ns2.sub
ns2.sub   A 192.0.2.3
secure    NS ns.secure
secure    DS 12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
ns.secure A 192.0.2.4
*.wild    MX 10 mail
*.wild    TXT "wild"
alias     CNAME www
walias    CNAME x.wild
dn        DNAME www
deep.x.y  A 192.0.2.7
"""

# name (relative to the zone; "@" the apex), type
QUESTIONS = [
    ("@", "SOA"), ("@", "NS"), ("@", "MX"), ("@", "DNSKEY"), ("www", "A"), ("www", "AAAA"),
    ("mail", "A"),
    # no data at a name, at an empty non-terminal, at the apex
    ("www", "TXT"), ("mail", "MX"), ("c", "A"), ("b.c", "TXT"), ("x.y", "A"), ("@", "A"),
    ("a.b.c", "TXT"), ("a.b.c", "A"),
    # name errors, below existing and missing names
    ("nope", "A"), ("a.nope", "A"), ("z.a.b.c", "TXT"), ("zzz", "MX"), ("aaa", "A"),
    # wildcards: answers, deeper, no data, the wildcard's own parent
    ("x.wild", "MX"), ("x.wild", "TXT"), ("x.y.wild", "TXT"), ("x.wild", "A"), ("wild", "MX"),
    ("*.wild", "MX"),
    # CNAMEs, into a wildcard too; DNAME
    ("alias", "A"), ("alias", "CNAME"), ("walias", "MX"), ("walias", "A"), ("x.dn", "A"),
    ("dn", "DNAME"),
    # delegations: unsigned (sub) and signed (secure); DS at the cut
    ("sub", "A"), ("www.sub", "A"), ("sub", "NS"), ("sub", "DS"), ("secure", "A"),
    ("ns.secure", "A"), ("secure", "DS"), ("secure", "NS"), ("x.sub", "DS"),
    # DNSSEC types by name
    ("www", "RRSIG"), ("@", "NSEC3PARAM"),
]

# signer, mode -> origin (each signing gets its own zone)
SIGNINGS = {
    ("dnsim", "nsec"): "nsec.dnsim.test.",
    ("dnsim", "nsec3"): "nsec3.dnsim.test.",
    ("dnsim", "optout"): "optout.dnsim.test.",
    ("bind", "nsec"): "nsec.bind.test.",
    ("bind", "nsec3"): "nsec3.bind.test.",
    ("ldns", "nsec"): "nsec.ldns.test.",
    ("ldns", "nsec3"): "nsec3.ldns.test.",
}

DNSSEC_TYPES = {"RRSIG", "NSEC", "NSEC3", "NSEC3PARAM", "DNSKEY", "DS"}


def need(*tools):
    for t in tools:
        if shutil.which(t) is None:
            pytest.fail(f"{t} is missing: run `make deps` (bind9, bind9-dnsutils, ldnsutils, nsd)")


def ok(r, what):
    assert r.returncode == 0, f"{what} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}"


def sign(tool, d, signer, mode, origin):
    """Sign ZONE as `origin` in its own directory; (signed file, KSK DNSKEY line)."""
    w = d / origin.rstrip(".")
    w.mkdir()
    (w / "zone").write_text(ZONE)
    out = w / "signed"
    if signer == "dnsim":
        keys = []
        for flags in (["-f", "KSK"], []):
            r = run([tool("dnsim-signzone"), "-g", "13", *flags, "-K", str(w), origin])
            ok(r, "dnsim-signzone -g")
            keys.append(str(w / r.stdout.strip()))
        extra = {"nsec": [], "nsec3": ["-n", "nsec3"],
                 "optout": ["-n", "nsec3", "--opt-out", "--salt", "aabbccdd", "--iterations", "5"]}
        ok(run([tool("dnsim-signzone"), *extra[mode], "-k", keys[0], "-z", keys[1], "-d", str(w),
                "-o", origin, str(w / "zone"), str(out)]), "dnsim-signzone")
        ksk = keys[0]
    elif signer == "bind":
        keys = []
        for flags in (["-f", "KSK"], []):
            r = run(["dnssec-keygen", "-q", "-K", str(w), "-a", "ECDSAP256SHA256", *flags, origin])
            ok(r, "dnssec-keygen")
            keys.append(str(w / r.stdout.strip()))
        ok(run(["dnssec-signzone", "-q", "-K", str(w), "-d", str(w), "-S",
                *(["-3", "-"] if mode == "nsec3" else []), "-o", origin, "-f", str(out),
                str(w / "zone")], cwd=w), "dnssec-signzone")
        ksk = keys[0]
    else:
        keys = []
        for flags in (["-k"], []):
            r = run(["ldns-keygen", "-a", "ECDSAP256SHA256", *flags, origin], cwd=w)
            ok(r, "ldns-keygen")
            keys.append(str(w / r.stdout.strip()))
        ok(run(["ldns-signzone", *(["-n"] if mode == "nsec3" else []), "-o", origin, "-f",
                str(out), str(w / "zone"), *keys], cwd=w), "ldns-signzone")
        ksk = keys[0]
    line = (pathlib_text(ksk + ".key")).strip().splitlines()[-1]
    return out, line


def pathlib_text(path):
    with open(path) as f:
        return "".join(l for l in f if not l.startswith(";"))


def wait_up(server, origin):
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            r = dns.query.udp(dns.message.make_query(origin, "SOA"), server[0], port=server[1],
                              timeout=0.3)
            if r.rcode() == dns.rcode.NOERROR and r.answer:
                return
        except Exception:
            pass
        time.sleep(0.1)
    pytest.fail(f"{server} does not answer for {origin}")


def stop(procs):
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


@pytest.fixture(scope="module")
def lab(tool, tmp_path_factory):
    need("named", "nsd", "delv", "dnssec-signzone", "dnssec-keygen", "ldns-signzone", "ldns-keygen")
    d = tmp_path_factory.mktemp("auth-dnssec")
    zones = {}
    for (signer, mode), origin in SIGNINGS.items():
        zones[origin] = sign(tool, d, signer, mode, origin)
    named_zones = "".join(f'zone "{o}" {{ type primary; file "{f}"; }};\n'
                          for o, (f, _) in zones.items())
    (d / "named.conf").write_text(f"""options {{
  directory "{d}";
  listen-on port {NAMED[1]} {{ {NAMED[0]}; }};
  listen-on-v6 {{ none; }};
  recursion no;
  dnssec-validation no;
  pid-file "{d}/named.pid";
  session-keyfile "{d}/session.key";
}};
{named_zones}""")
    nsd_zones = "".join(f"zone:\n  name: {o}\n  zonefile: {f}\n" for o, (f, _) in zones.items())
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
{nsd_zones}""")
    ours_args = [tool("dnsim-auth"), "-l", f"{OURS[0]}@{OURS[1]}", "-u", "4096"]
    for o, (f, _) in zones.items():
        ours_args += ["-z", f"{o}={f}"]
    procs = [
        subprocess.Popen(ours_args, stderr=open(d / "ours.log", "w")),
        subprocess.Popen(["named", "-g", "-c", str(d / "named.conf"), "-u", "root"],
                         stdout=subprocess.DEVNULL, stderr=open(d / "named.log", "w")),
        subprocess.Popen([shutil.which("nsd"), "-d", "-c", str(d / "nsd.conf")],
                         stdout=subprocess.DEVNULL, stderr=open(d / "nsd.log", "w")),
    ]
    try:
        for server in (OURS, NAMED, NSD):
            for origin in zones:
                wait_up(server, origin)
        yield {"dir": d, "zones": zones}
    finally:
        stop(procs)
    assert procs[0].returncode == 0, "dnsim-auth did not exit cleanly"


def fqdn(name, origin):
    return origin if name == "@" else f"{name}.{origin}"


def ask(server, qname, rdtype, do, tcp=False, payload=4096):
    q = dns.message.make_query(qname, rdtype, use_edns=0, payload=payload, want_dnssec=do)
    q.flags &= ~dns.flags.RD
    fn = dns.query.tcp if tcp else dns.query.udp
    return fn(q, server[0], port=server[1], timeout=5)


def records(rrsets):
    return {(s.name.to_text().lower(), dns.rdatatype.to_text(s.rdtype), s.ttl,
             r.to_text().lower()) for s in rrsets for r in s}


def view(m):
    return {
        "rcode": dns.rcode.to_text(m.rcode()),
        "aa": bool(m.flags & dns.flags.AA),
        "tc": bool(m.flags & dns.flags.TC),
        "do": bool(m.ednsflags & dns.flags.DO),
        "answer": records(m.answer),
        "authority": records(m.authority),
    }


def diff(a, b):
    out = []
    for k in a:
        if a[k] != b[k]:
            if isinstance(a[k], set):
                out.append(f"{k}: only ours {sorted(a[k] - b[k])}; only theirs {sorted(b[k] - a[k])}")
            else:
                out.append(f"{k}: ours {a[k]}, theirs {b[k]}")
    return "\n".join(out)


@pytest.mark.parametrize("origin", list(SIGNINGS.values()))
@pytest.mark.parametrize("do", [True, False], ids=["do", "no-do"])
@pytest.mark.parametrize("tcp", [False, True], ids=["udp", "tcp"])
def test_same_answers_as_named_and_nsd(lab, origin, do, tcp):
    problems = []
    for name, rdtype in QUESTIONS:
        q = fqdn(name, origin)
        ours = view(ask(OURS, q, rdtype, do, tcp))
        if not do and rdtype not in DNSSEC_TYPES:
            dnssec = [r for sec in ("answer", "authority") for r in ours[sec] if r[1] in DNSSEC_TYPES]
            if dnssec:
                problems.append(f"{q} {rdtype} without DO carries {dnssec}")
        for peer, server in (("named", NAMED), ("nsd", NSD)):
            theirs = view(ask(server, q, rdtype, do, tcp))
            if ours != theirs:
                problems.append(f"{q} {rdtype} vs {peer}:\n{diff(ours, theirs)}")
    assert not problems, "\n\n".join(problems)
