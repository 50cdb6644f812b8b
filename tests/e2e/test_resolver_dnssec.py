"""dnsim-resolver validates as Unbound does: a small hierarchy signed with
BIND's dnssec-keygen and dnssec-signzone (algorithm 13; NSEC and NSEC3),
served by NSD in network namespaces (tests/e2e/netlab.py), asked through
dnsim-resolver and through Unbound with its validator, both with the root's
key as trust anchor.  For each name both give the same verdict: secure (AD),
insecure (no AD) or bogus (SERVFAIL); dig reads the Extended DNS Errors
dnsim-resolver gives; CD gets the bogus data; a negative trust anchor
makes a zone insecure.

The hierarchy: the root and test. (signed, NSEC); below test.:
secure.test. (NSEC, a wildcard), nsec3.test. (NSEC3), unsigned.test. (no
DS: insecure), bogus.test. (a signature spoilt after signing), expired.test.
(signed for January 2020 only) and nokey.test. (its DS names a key it does
not publish)."""
import os
import pathlib
import shutil
import subprocess

import dns.flags
import dns.message
import dns.rcode
import pytest

import netlab

ROOT, TLD, LEAF = netlab.ROOT, netlab.TLD, netlab.EXAMPLE
RESOLVER, UNBOUND = netlab.RESOLVER, netlab.PEER_RESOLVER

CHILDREN = ["secure", "nsec3", "unsigned", "bogus", "expired", "nokey"]

ZONES = {
    ".": f"""$TTL 86400
. SOA a.root-servers.net. admin.test. 1 1800 900 604800 86400
. NS a.root-servers.net.
a.root-servers.net. A {ROOT}
test. 172800 NS ns.test.
ns.test. 172800 A {TLD}
""",
    "test.": f"""$TTL 86400
@ SOA ns admin 1 1800 900 604800 3600
@ NS ns
ns A {TLD}
""" + "".join(f"{c} NS ns.{c}\nns.{c} A {LEAF}\n" for c in CHILDREN),
    **{f"{c}.test.": f"""$TTL 300
@ SOA ns admin 1 7200 3600 1209600 300
@ NS ns
ns A {LEAF}
www A 192.0.2.80
www AAAA 2001:db8::80
alias CNAME www
*.wild A 192.0.2.99
""" for c in CHILDREN},
}


def run(cmd, cwd=None):
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    assert r.returncode == 0, f"{' '.join(cmd)}: {r.stderr}"
    return r.stdout


def sign(d, origin, extra=(), parent_ds=""):
    """Keys and a signed zone file for origin; returns the dsset text."""
    name = origin.rstrip(".") or "root"
    zd = d / name
    zd.mkdir()
    (zd / "zone").write_text(ZONES[origin] + parent_ds)
    for flags in (["-f", "KSK"], []):
        run(["dnssec-keygen", "-q", "-a", "13", *flags, "-K", str(zd), origin])
    run(["dnssec-signzone", "-q", "-S", "-O", "full", "-K", str(zd), "-d", str(zd), "-o", origin,
         "-f", str(d / f"{name}.signed"), *extra, str(zd / "zone")], cwd=zd)
    return (zd / f"dsset-{origin}").read_text()


def spoil_signature(path, owner, rtype):
    """Change one character of the RRSIG over (owner, rtype): bogus.  The
    zone is in dnssec-signzone's "full" form, one record per line."""
    lines = path.read_text().splitlines()
    for i, line in enumerate(lines):
        f = line.split()
        if len(f) > 6 and f[0] == owner and f[3] == "RRSIG" and f[4] == rtype:
            sig = f[-1]
            k = len(sig) // 2
            c = "A" if sig[k] != "A" else "B"
            lines[i] = line[:line.rindex(sig)] + sig[:k] + c + sig[k + 1:]
            path.write_text("\n".join(lines) + "\n")
            return
    raise AssertionError(f"no RRSIG {rtype} at {owner} in {path}")


def nsd(lab, d, addr, zones):
    nd = d / f"nsd-{addr}"
    nd.mkdir()
    conf = ["server:", f"  ip-address: {addr}", "  port: 53", "  server-count: 1",
            '  username: ""', '  chroot: ""', f'  zonesdir: "{d}"',
            f'  pidfile: "{nd}/nsd.pid"', f'  xfrdfile: "{nd}/xfrd.state"',
            '  database: ""', f'  zonelistfile: "{nd}/zone.list"',
            "  rrl-ratelimit: 0", "  verbosity: 1", "remote-control:", "  control-enable: no"]
    for origin, f in zones:
        conf += ["zone:", f"  name: {origin}", f"  zonefile: {f}"]
    (nd / "nsd.conf").write_text("\n".join(conf) + "\n")
    lab.spawn([shutil.which("nsd"), "-d", "-c", str(nd / "nsd.conf")], f"nsd-{addr}", addr)


def unbound(lab, d, anchor, nta=(), wrap=()):
    ud = d / "unbound"
    ud.mkdir()
    conf = f"""server:
  interface: {UNBOUND}
  port: 53
  do-daemonize: no
  username: ""
  chroot: ""
  directory: "{ud}"
  pidfile: "{ud}/unbound.pid"
  root-hints: "{d / 'hints'}"
  access-control: {netlab.NET}0/24 allow
  module-config: "validator iterator"
  trust-anchor-file: "{anchor}"
  qname-minimisation: yes
  ede: yes
  local-zone: "test." nodefault
  val-log-level: 2
  msg-cache-size: 16m
  rrset-cache-size: 16m
  use-syslog: no
  logfile: ""
  verbosity: 1
""" + "".join(f"  domain-insecure: \"{z}\"\n" for z in nta) + """remote-control:
  control-enable: no
"""
    (ud / "unbound.conf").write_text(conf)
    lab.spawn([*wrap, shutil.which("unbound"), "-d", "-c", str(ud / "unbound.conf")], "unbound",
              UNBOUND)
    lab.wait([UNBOUND], name="localhost.", rdtype="A")


def signed_hierarchy(d):
    """Sign the zones into d (keys, *.signed, hints, root.anchor); returns
    the anchor's path.  Shared with tests/bench/resolver_dnssec_bench.py."""
    ds = ""
    for c in CHILDREN:
        origin = f"{c}.test."
        if c == "unsigned":
            (d / "unsigned.test.signed").write_text(ZONES[origin])
            continue
        extra = []
        if c == "nsec3":
            extra = ["-3", "-"]
        if c == "expired":
            extra = ["-P", "-s", "20200101000000", "-e", "20200201000000"]
        child_ds = sign(d, origin, extra)
        if c == "nokey":
            # The parent vouches for a key the zone never publishes.
            spare = d / "spare"
            spare.mkdir()
            base = run(["dnssec-keygen", "-q", "-a", "13", "-f", "KSK", "-K", str(spare),
                        origin]).strip()
            child_ds = run(["dnssec-dsfromkey", "-2", str(spare / f"{base}.key")])
        ds += child_ds
    spoil_signature(d / "bogus.test.signed", "www.bogus.test.", "A")
    root_ds = sign(d, "test.", parent_ds=ds)
    sign(d, ".", parent_ds=root_ds)
    ksk = next(p for p in (d / "root").glob("K.+013+*.key")
               if " 257 " in p.read_text())
    anchor = d / "root.anchor"
    anchor.write_text("\n".join(line for line in ksk.read_text().splitlines()
                                if line and not line.startswith(";")) + "\n")
    (d / "hints").write_text(f".  3600000  NS  a.root-servers.net.\n"
                             f"a.root-servers.net. 3600000 A {ROOT}\n")
    (d / "resolver.conf").write_text(f"trust-anchor {anchor}\n")
    return anchor


def serve_hierarchy(lab, d):
    """NSD for the root, test. and the zones below it."""
    nsd(lab, d, ROOT, [(".", "root.signed")])
    nsd(lab, d, TLD, [("test.", "test.signed")])
    nsd(lab, d, LEAF, [(f"{c}.test.", f"{c}.test.signed") for c in CHILDREN])
    lab.wait([ROOT, TLD, LEAF])


@pytest.fixture(scope="module")
def lab(tool, tmp_path_factory):
    for t in ("nsd", "unbound", "dnssec-keygen", "dnssec-signzone", "dig"):
        if shutil.which(t) is None:
            pytest.fail(f"{t} is missing: run `make deps`")
    if os.geteuid() != 0:
        pytest.skip("needs root (network namespaces)")
    d = tmp_path_factory.mktemp("dnssec")
    anchor = signed_hierarchy(d)
    lab = netlab.Lab(d)
    try:
        serve_hierarchy(lab, d)
        lab.resolver_dnsim(tool, "-c", str(d / "resolver.conf"))
        unbound(lab, d, anchor)
        yield lab
    finally:
        lab.stop()
        log = d / "resolver.log"
        text = log.read_text() if log.exists() else ""
        assert "AddressSanitizer" not in text and "runtime error" not in text, text


def ask(lab, server, name, rdtype="A", cd=False):
    q = dns.message.make_query(name, rdtype, want_dnssec=True)
    if cd:
        q.flags |= dns.flags.CD
    return lab.query(server, q, timeout=8)


def verdict(msg):
    if msg.rcode() == dns.rcode.SERVFAIL:
        return "bogus"
    return ("secure" if msg.flags & dns.flags.AD else "insecure", dns.rcode.to_text(msg.rcode()))


CASES = [
    ("www.secure.test.", "A", ("secure", "NOERROR")),
    ("alias.secure.test.", "A", ("secure", "NOERROR")),
    ("a.wild.secure.test.", "A", ("secure", "NOERROR")),
    ("nx.secure.test.", "A", ("secure", "NXDOMAIN")),
    ("www.secure.test.", "TXT", ("secure", "NOERROR")),
    ("www.nsec3.test.", "A", ("secure", "NOERROR")),
    ("nx.nsec3.test.", "A", ("secure", "NXDOMAIN")),
    ("www.nsec3.test.", "MX", ("secure", "NOERROR")),
    ("b.wild.nsec3.test.", "A", ("secure", "NOERROR")),
    ("secure.test.", "DS", ("secure", "NOERROR")),
    ("unsigned.test.", "DS", ("secure", "NOERROR")),
    ("www.unsigned.test.", "A", ("insecure", "NOERROR")),
    ("nx.unsigned.test.", "A", ("insecure", "NXDOMAIN")),
    ("www.bogus.test.", "A", "bogus"),
    ("www.expired.test.", "A", "bogus"),
    ("www.nokey.test.", "A", "bogus"),
]


@pytest.mark.parametrize("name,rdtype,want", CASES, ids=[f"{n}{t}" for n, t, _ in CASES])
def test_same_verdict_as_unbound(lab, name, rdtype, want):
    ours = ask(lab, RESOLVER, name, rdtype)
    theirs = ask(lab, UNBOUND, name, rdtype)
    assert verdict(theirs) == want, f"unbound: {theirs}"
    assert verdict(ours) == want, f"dnsim-resolver: {ours}"
    if want != "bogus":
        ans = lambda m: sorted(r.to_text() for s in m.answer if s.rdtype != 46 for r in s)
        assert ans(ours) == ans(theirs)


def dig(lab, *args):
    return subprocess.run(["ip", "netns", "exec", lab.host(netlab.CLIENT), "dig", f"@{RESOLVER}",
                           "+tries=1", "+time=8", *args], capture_output=True, text=True).stdout


@pytest.mark.parametrize("name,code", [("www.bogus.test", "EDE: 6 (DNSSEC Bogus)"),
                                       ("www.expired.test", "EDE: 7 (Signature Expired)"),
                                       ("www.nokey.test", "EDE: 9 (DNSKEY Missing)")])
def test_dig_shows_why_bogus(lab, name, code):
    out = dig(lab, name, "+dnssec")
    assert "status: SERVFAIL" in out and code in out, out


def test_secure_answer_with_rrsig_and_ad(lab):
    out = dig(lab, "www.secure.test", "+dnssec")
    assert "status: NOERROR" in out and " ad" in out.split("flags:")[1].split(";")[0]
    assert "RRSIG\tA 13" in out
    plain = dig(lab, "www.secure.test", "+noadflag")  # dig sets AD by default
    assert "RRSIG" not in plain and " ad" not in plain.split("flags:")[1].split(";")[0]


def test_cd_gets_bogus_data_from_both(lab):
    for server in (RESOLVER, UNBOUND):
        m = ask(lab, server, "www.bogus.test.", cd=True)
        assert m.rcode() == dns.rcode.NOERROR and not m.flags & dns.flags.AD
        assert any(r.address == "192.0.2.80" for s in m.answer if s.rdtype == 1 for r in s)


def test_trace_shows_key_fetches_and_verdicts(lab):
    trace = (lab.dir / "trace.jsonl").read_text()
    assert '"ev":"key_fetch","zone":"secure.test.","qtype":"DNSKEY"' in trace \
        or '"qname":"secure.test.","qtype":"DNSKEY"' in trace
    assert '"ev":"verdict"' in trace and '"security":"bogus"' in trace
    assert '"ev":"zone_keys","zone":".","security":"secure"' in trace


def test_negative_trust_anchor(lab, tool):
    # A second dnsim-resolver with bogus.test. under a negative trust anchor.
    d = lab.dir
    (d / "nta.conf").write_text(f"trust-anchor {d / 'root.anchor'}\n"
                                "negative-trust-anchor bogus.test.\n")
    addr = netlab.NET + "56"
    lab.spawn([tool("dnsim-resolver"), "-l", addr, "-r", str(d / "hints"), "-a",
               f"{netlab.CLIENT}/32", "-c", str(d / "nta.conf")], "resolver-nta", addr)
    lab.wait([addr], name="localhost.", rdtype="A")
    m = ask(lab, addr, "www.bogus.test.")
    assert m.rcode() == dns.rcode.NOERROR and not m.flags & dns.flags.AD
    m = ask(lab, addr, "www.secure.test.")
    assert m.flags & dns.flags.AD
