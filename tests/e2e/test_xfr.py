"""Zone transfers, NOTIFY, dynamic UPDATE and TSIG between dnsim-auth and
BIND 9 (named), NSD and Knot, on loopback (ports above 1024), every
message signed with one hmac-sha256 key:

- dnsim-auth as the secondary of a named, an NSD and a Knot primary:
  the first copy by AXFR, a change made on the primary with nsupdate
  (named, Knot) or a new zone file (NSD), the primary's NOTIFY, and the
  change fetched by IXFR (from named and Knot, from their journals) or
  as the whole zone (NSD keeps no IXFR data: its answer to IXFR is the
  AXFR form);
- dnsim-auth as the primary of a named, an NSD and a Knot secondary:
  each loads the zone, then nsupdate changes it on dnsim-auth, which
  bumps the serial, NOTIFYs them, and serves each the change by IXFR
  (our query log says so);
- requests with a wrong secret, an unknown key or no key: the same
  rcode and TSIG error as named gives (NOTAUTH with BADSIG or BADKEY;
  REFUSED for an UPDATE without a key), and nsupdate's verdict;
- a secondary whose primary goes away answers SERVFAIL once the SOA's
  EXPIRE has passed, and again from the new data when it comes back;
- a secondary started without a copy answers SERVFAIL, transfers, and
  keeps the copy on disk.
"""
import base64
import os
import random
import shutil
import signal
import socket
import subprocess
import time

import dns.message
import dns.name
import dns.opcode
import dns.query
import dns.rcode
import dns.rdatatype
import dns.tsig
import dns.update
import pytest

from conftest import run

ADDR = "127.0.0.1"
SECRET = base64.b64encode(b"dnsim-xfr-test-key-0123456789ab!").decode()
KEY = dns.tsig.Key("xfr-key.", SECRET, "hmac-sha256")
ORIGIN = "example.test."

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("named", "nsd", "knotd", "nsupdate")),
    reason="named, nsd, knotd and nsupdate are needed (make deps)")


def zone_text(serial, extra="", refresh=3600, retry=600, expire=86400):
    return f"""$TTL 300
@ SOA ns1.example.test. admin.example.test. {serial} {refresh} {retry} {expire} 300
@ NS ns1.example.test.
ns1 A 192.0.2.53
www A 192.0.2.80
{extra}"""


def free_port():
    """A port free for both UDP and TCP on loopback, below the ephemeral
    range: named and Knot send from random ports, and a port they take
    after we chose it would be shared (SO_REUSEPORT) with our server."""
    low, _ = (int(x) for x in open("/proc/sys/net/ipv4/ip_local_port_range").read().split())
    while True:
        port = random.randrange(10000, min(low, 30000))
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u, \
                socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
            try:
                u.bind((ADDR, port))
                t.bind((ADDR, port))
                return port
            except OSError:
                continue


def ask(port, name, rdtype="A", key=None, timeout=2):
    q = dns.message.make_query(name, rdtype)
    q.flags &= ~dns.flags.RD
    if key:
        q.use_tsig(key)
    return dns.query.udp(q, ADDR, port=port, timeout=timeout)


def serial(port):
    try:
        r = ask(port, ORIGIN, "SOA", timeout=0.5)
    except Exception:
        return None
    if r.rcode() != dns.rcode.NOERROR or not r.answer:
        return None
    return r.answer[0][0].serial


def wait_for(pred, what, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if pred():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def address_of(port, name):
    try:
        r = ask(port, name, timeout=0.5)
    except Exception:
        return None
    return sorted(rd.address for rrset in r.answer for rd in rrset) or None


class Procs:
    def __init__(self, d):
        self.d = d
        self.procs = {}

    def start(self, name, argv):
        log = open(self.d / f"{name}.log", "w")
        self.procs[name] = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
        return self.procs[name]

    def stop(self, name):
        p = self.procs.pop(name)
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        return p.returncode

    def log(self, name):
        return (self.d / f"{name}.log").read_text()

    def stop_all(self):
        codes = {}
        for name in list(self.procs):
            codes[name] = self.stop(name)
        return codes


def ours_conf(d, name, port, zones, extra=""):
    """dnsim-auth's config: zones as (origin, file, lines about it)."""
    text = f"listen {ADDR}@{port}\nidentity {name}\nquery-log stderr\n"
    text += f"tsig-key xfr-key hmac-sha256 {SECRET}\nallow-transfer key xfr-key\n" + extra
    for origin, path, lines in zones:
        text += f"zone {origin} {path}\n" + "".join(f"{ln}\n" for ln in lines)
    conf = d / f"{name}.conf"
    conf.write_text(text)
    return conf


def named_conf(d, port, zones):
    (d / "named").mkdir(exist_ok=True)
    (d / "named.conf").write_text(f"""key "xfr-key" {{ algorithm hmac-sha256; secret "{SECRET}"; }};
options {{
  directory "{d}/named";
  listen-on port {port} {{ {ADDR}; }};
  listen-on-v6 {{ none; }};
  recursion no;
  dnssec-validation no;
  notify-source {ADDR};
  transfer-source {ADDR};
  pid-file "{d}/named/named.pid";
  session-keyfile "{d}/named/session.key";
  notify-delay 0;
  min-refresh-time 1;
  min-retry-time 1;
}};
{zones}""")
    return ["named", "-g", "-c", str(d / "named.conf"), "-u", "root"]


def nsd_conf(d, port, zones):
    (d / "nsd").mkdir(exist_ok=True)
    (d / "nsd.conf").write_text(f"""server:
  ip-address: {ADDR}@{port}
  server-count: 1
  username: ""
  chroot: ""
  zonesdir: "{d}/nsd"
  pidfile: "{d}/nsd/nsd.pid"
  xfrdfile: "{d}/nsd/xfrd.state"
  zonelistfile: "{d}/nsd/zone.list"
  xfrdir: "{d}/nsd"
  database: ""
  rrl-ratelimit: 0
  verbosity: 2
remote-control:
  control-enable: no
key:
  name: xfr-key
  algorithm: hmac-sha256
  secret: "{SECRET}"
{zones}""")
    return [shutil.which("nsd"), "-d", "-c", str(d / "nsd.conf")]


def knot_conf(d, port, remotes, zones):
    (d / "knot").mkdir(exist_ok=True)
    (d / "knot.conf").write_text(f"""server:
  listen: {ADDR}@{port}
  rundir: "{d}/knot"
log:
  - target: stdout
    any: info
database:
  storage: "{d}/knot"
key:
  - id: xfr-key
    algorithm: hmac-sha256
    secret: {SECRET}
remote:
{remotes}
acl:
  - id: keyed
    address: {ADDR}
    key: xfr-key
    action: [transfer, notify, update]
template:
  - id: default
    storage: "{d}/knot"
    zonefile-sync: -1
    journal-content: changes
zone:
{zones}""")
    return [shutil.which("knotd"), "-c", str(d / "knot.conf"), "-s", str(d / "knot" / "knot.sock")]


def nsupdate(port, commands, secret=SECRET, keyname="xfr-key", key=True):
    script = f"server {ADDR} {port}\nzone {ORIGIN}\n{commands}\nsend\n"
    argv = ["nsupdate"]
    if key:
        argv += ["-y", f"hmac-sha256:{keyname}:{secret}"]
    return run(argv, input=script, timeout=30)


# ---- dnsim-auth as the secondary ------------------------------------------------


@pytest.fixture(scope="module")
def primaries(tool, tmp_path_factory):
    """named, NSD and Knot each primary for example.test (TSIG everywhere),
    each with a dnsim-auth secondary that they NOTIFY."""
    d = tmp_path_factory.mktemp("xfr-primaries")
    ports = {n: free_port() for n in ("named", "nsd", "knot", "sec-named", "sec-nsd", "sec-knot")}
    for peer in ("named", "nsd", "knot"):
        (d / f"{peer}.example.zone").write_text(zone_text(1, f"peer TXT {peer}\n"))
    p = Procs(d)
    p.start("named", named_conf(d, ports["named"], f"""zone "{ORIGIN}" {{
  type primary; file "{d}/named.example.zone";
  allow-transfer {{ key xfr-key; }};
  allow-update {{ key xfr-key; }};
  also-notify {{ {ADDR} port {ports['sec-named']} key xfr-key; }};
  notify explicit;
}};
"""))
    p.start("nsd", nsd_conf(d, ports["nsd"], f"""zone:
  name: {ORIGIN}
  zonefile: "{d}/nsd.example.zone"
  provide-xfr: {ADDR} xfr-key
  notify: {ADDR}@{ports['sec-nsd']} xfr-key
"""))
    p.start("knot", knot_conf(d, ports["knot"], f"""  - id: ours
    address: {ADDR}@{ports['sec-knot']}
    key: xfr-key
""", f"""  - domain: {ORIGIN}
    file: "{d}/knot.example.zone"
    notify: ours
    acl: keyed
"""))
    for peer in ("named", "nsd", "knot"):
        wait_for(lambda: serial(ports[peer]) == 1, f"{peer} to serve the zone")
        conf = ours_conf(d, f"sec-{peer}", ports[f"sec-{peer}"], [
            (ORIGIN, d / f"copy-of-{peer}.zone",
             [f"primary {ORIGIN} {ADDR}@{ports[peer]} key xfr-key"])])
        p.start(f"sec-{peer}", [tool("dnsim-auth"), "-c", str(conf)])
    try:
        yield {"dir": d, "ports": ports, "procs": p}
    finally:
        codes = p.stop_all()
    for peer in ("named", "nsd", "knot"):
        assert codes[f"sec-{peer}"] == 0, f"our secondary of {peer} did not exit cleanly"


@pytest.mark.parametrize("peer", ["named", "nsd", "knot"])
def test_first_copy_by_axfr(primaries, peer):
    port = primaries["ports"][f"sec-{peer}"]
    wait_for(lambda: serial(port) == 1, f"our secondary of {peer} to load the zone")
    r = ask(port, f"peer.{ORIGIN}", "TXT")
    assert r.rcode() == dns.rcode.NOERROR and r.flags & dns.flags.AA
    assert r.answer[0][0].strings == (peer.encode(),)
    log = primaries["procs"].log(f"sec-{peer}")
    assert f"AXFR from {ADDR}#{primaries['ports'][peer]}" in log, log[-2000:]
    # The copy on disk: a master file named-checkzone accepts, serial 1.
    copy = primaries["dir"] / f"copy-of-{peer}.zone"
    out = run(["named-checkzone", "-i", "local", ORIGIN, str(copy)])
    assert out.returncode == 0 and "serial 1" in out.stdout, out.stdout + out.stderr


@pytest.mark.parametrize("peer", ["named", "knot", "nsd"])
def test_change_arrives_by_notify(primaries, peer):
    ports, d = primaries["ports"], primaries["dir"]
    wait_for(lambda: serial(ports[f"sec-{peer}"]) == 1, "the first copy")
    if peer == "nsd":
        # NSD takes changes from its zone file (SIGHUP rereads it).
        (d / "nsd.example.zone").write_text(zone_text(2, f"peer TXT {peer}\nnew A 192.0.2.99\n"))
        primaries["procs"].procs["nsd"].send_signal(signal.SIGHUP)
    else:
        out = nsupdate(ports[peer], f"update add new.{ORIGIN} 300 A 192.0.2.99")
        assert out.returncode == 0, out.stdout + out.stderr
    wait_for(lambda: serial(ports[peer]) == 2, f"{peer} to take the change")
    # No refresh is due for an hour: only the NOTIFY brings it.
    wait_for(lambda: address_of(ports[f"sec-{peer}"], f"new.{ORIGIN}") == ["192.0.2.99"],
             f"our secondary of {peer} to serve the change")
    log = primaries["procs"].log(f"sec-{peer}")
    assert f"op=NOTIFY key=xfr-key" in log and "notify: zone example.test. from" in log, log[-3000:]
    # named and Knot answer IXFR from their journals; NSD 4.6 has no IXFR
    # data and answers with the whole zone.
    want = "IXFR (whole zone) from" if peer == "nsd" else "IXFR from"
    assert f"{want} {ADDR}#{ports[peer]}" in log, log[-3000:]


def test_unsigned_notify_refused(primaries):
    """Our secondaries want their primary's key on a NOTIFY."""
    port = primaries["ports"]["sec-named"]
    q = dns.message.make_query(ORIGIN, "SOA")
    q.flags = dns.flags.AA          # (flags hold the opcode: set it after)
    q.set_opcode(dns.opcode.NOTIFY)
    r = dns.query.udp(q, ADDR, port=port, timeout=2)
    assert r.rcode() == dns.rcode.REFUSED
    q.use_tsig(KEY)
    r = dns.query.udp(q, ADDR, port=port, timeout=2)
    assert r.rcode() == dns.rcode.NOERROR and r.flags & dns.flags.AA and r.had_tsig


# ---- dnsim-auth as the primary -------------------------------------------------------


@pytest.fixture(scope="module")
def secondaries(tool, tmp_path_factory):
    d = tmp_path_factory.mktemp("xfr-secondaries")
    ports = {n: free_port() for n in ("ours", "named", "nsd", "knot")}
    zone = d / "example.zone"
    zone.write_text(zone_text(10))
    p = Procs(d)
    conf = ours_conf(d, "ours", ports["ours"], [(ORIGIN, zone, [
        f"notify {ORIGIN} {ADDR}@{ports[s]} key xfr-key" for s in ("named", "nsd", "knot")]
        + [f"allow-update {ORIGIN} xfr-key"])])
    p.start("ours", [tool("dnsim-auth"), "-c", str(conf)])
    wait_for(lambda: serial(ports["ours"]) == 10, "dnsim-auth to serve the zone")
    p.start("named", named_conf(d, ports["named"], f"""zone "{ORIGIN}" {{
  type secondary; file "{d}/named/copy.zone";
  primaries {{ {ADDR} port {ports['ours']} key xfr-key; }};
  allow-notify {{ key xfr-key; }};
}};
"""))
    p.start("nsd", nsd_conf(d, ports["nsd"], f"""zone:
  name: {ORIGIN}
  zonefile: "{d}/nsd/copy.zone"
  request-xfr: {ADDR}@{ports['ours']} xfr-key
  allow-notify: {ADDR} xfr-key
"""))
    p.start("knot", knot_conf(d, ports["knot"], f"""  - id: ours
    address: {ADDR}@{ports['ours']}
    key: xfr-key
""", f"""  - domain: {ORIGIN}
    file: "{d}/knot/copy.zone"
    master: ours
    acl: keyed
"""))
    try:
        yield {"dir": d, "ports": ports, "procs": p}
    finally:
        codes = p.stop_all()
    assert codes["ours"] == 0, "dnsim-auth did not exit cleanly"


@pytest.mark.parametrize("peer", ["named", "nsd", "knot"])
def test_their_secondary_loads_our_zone(secondaries, peer):
    wait_for(lambda: serial(secondaries["ports"][peer]) is not None,
             f"{peer} to transfer the zone from us")
    log = secondaries["procs"].log("ours")
    assert f"{ORIGIN} AXFR NOERROR" in log or f"{ORIGIN} IXFR NOERROR" in log, log[-2000:]


def test_update_reaches_their_secondaries(secondaries):
    ports = secondaries["ports"]
    for peer in ("named", "nsd", "knot"):
        wait_for(lambda: serial(ports[peer]) is not None, f"{peer} to load")
    before = serial(ports["ours"])
    out = nsupdate(ports["ours"], f"update add added.{ORIGIN} 300 A 192.0.2.77\n"
                                  f"update delete www.{ORIGIN} A")
    assert out.returncode == 0, out.stdout + out.stderr
    after = serial(ports["ours"])
    assert after == before + 1
    assert address_of(ports["ours"], f"added.{ORIGIN}") == ["192.0.2.77"]
    for peer in ("named", "nsd", "knot"):
        wait_for(lambda: address_of(ports[peer], f"added.{ORIGIN}") == ["192.0.2.77"],
                 f"{peer} to serve the update")
        r = ask(ports[peer], f"www.{ORIGIN}")
        assert r.rcode() == dns.rcode.NXDOMAIN
        assert serial(ports[peer]) == after
    log = secondaries["procs"].log("ours")
    assert f"notify: zone {ORIGIN} serial {after} sent to {ADDR}#{ports['named']} (TSIG)" in log
    # Each asked for the change, signed, and got it incrementally.
    ixfrs = [ln for ln in log.splitlines() if f"{ORIGIN} IXFR NOERROR" in ln and "key=xfr-key" in ln]
    assert len(ixfrs) >= 3, log[-3000:]
    # The zone file holds the change too.
    text = (secondaries["dir"] / "example.zone").read_text()
    assert "added.example.test." in text and f" {after} " in text


def test_update_prerequisites_and_nsupdate_verdicts(secondaries):
    port = secondaries["ports"]["ours"]
    # A prerequisite that fails: nothing changes, nsupdate reports it.
    out = nsupdate(port, f"prereq nxdomain added.{ORIGIN}\nupdate add x.{ORIGIN} 60 A 192.0.2.1")
    assert out.returncode != 0 and "YXDOMAIN" in out.stdout + out.stderr
    assert address_of(port, f"x.{ORIGIN}") is None
    out = nsupdate(port, f"prereq yxrrset added.{ORIGIN} A\nupdate add x.{ORIGIN} 60 A 192.0.2.1")
    assert out.returncode == 0, out.stdout + out.stderr
    assert address_of(port, f"x.{ORIGIN}") == ["192.0.2.1"]


# ---- bad keys, compared with named -------------------------------------------------------


def update_msg(key):
    u = dns.update.UpdateMessage(ORIGIN)
    u.add(f"bad.{ORIGIN}", 60, "A", "192.0.2.66")
    if key:
        u.use_tsig(key)
    return u


def verdict(port, key):
    """rcode and TSIG error of an UPDATE signed with `key` (the answer is
    read without checking its TSIG, which a refusal leaves unsigned)."""
    wire = update_msg(key).to_wire()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(3)
        s.sendto(wire, (ADDR, port))
        data = s.recv(4096)
    rcode = data[3] & 0x0f
    # dnspython reads the TSIG error before anything else of the record.
    try:
        m = dns.message.from_wire(data, keyring=KEY)
        return rcode, (m.tsig[0].error if m.tsig else None)
    except dns.tsig.PeerBadKey:
        return rcode, dns.rcode.BADKEY
    except dns.tsig.PeerBadSignature:
        return rcode, dns.rcode.BADSIG
    except dns.tsig.PeerBadTime:
        return rcode, dns.rcode.BADTIME


BAD_KEYS = {
    "wrong secret": dns.tsig.Key("xfr-key.", base64.b64encode(b"not the secret").decode(),
                                 "hmac-sha256"),
    "unknown key": dns.tsig.Key("nobody-knows.", SECRET, "hmac-sha256"),
    "no key": None,
}


@pytest.mark.parametrize("case", list(BAD_KEYS))
def test_bad_keys_like_named(primaries, secondaries, case):
    key = BAD_KEYS[case]
    ours = verdict(secondaries["ports"]["ours"], key)
    named = verdict(primaries["ports"]["named"], key)
    assert ours == named, f"{case}: ours {ours}, named {named}"
    want = {"wrong secret": (dns.rcode.NOTAUTH, dns.rcode.BADSIG),
            "unknown key": (dns.rcode.NOTAUTH, dns.rcode.BADKEY),
            "no key": (dns.rcode.REFUSED, None)}[case]
    assert ours == want
    assert address_of(secondaries["ports"]["ours"], f"bad.{ORIGIN}") is None
    log = secondaries["procs"].log("ours")
    if key:
        assert "tsig: request from" in log and ("BADSIG" in log or "BADKEY" in log)
    else:
        assert "not signed with a key allowed to update" in log


def test_nsupdate_with_a_bad_key(secondaries):
    port = secondaries["ports"]["ours"]
    out = nsupdate(port, f"update add nope.{ORIGIN} 60 A 192.0.2.2",
                   secret=base64.b64encode(b"wrong").decode())
    assert out.returncode != 0 and "BADSIG" in out.stdout + out.stderr
    out = nsupdate(port, f"update add nope.{ORIGIN} 60 A 192.0.2.2", key=False)
    assert out.returncode != 0 and "REFUSED" in out.stdout + out.stderr
    assert address_of(port, f"nope.{ORIGIN}") is None


def test_transfer_needs_the_key(secondaries):
    port = secondaries["ports"]["ours"]
    with pytest.raises(dns.query.TransferError) as e:
        list(dns.query.xfr(ADDR, ORIGIN, port=port, lifetime=5, relativize=False))
    assert e.value.rcode == dns.rcode.REFUSED
    msgs = list(dns.query.xfr(ADDR, ORIGIN, port=port, keyring=KEY, keyname=KEY.name, lifetime=5,
                              relativize=False))
    assert all(m.had_tsig for m in msgs)
    names = {rrset.name.to_text() for m in msgs for rrset in m.answer}
    assert f"added.{ORIGIN}" in names


# ---- expiry, and a secondary without a copy ----------------------------------------------


def test_expired_secondary_answers_servfail(tool, tmp_path):
    ports = {"p": free_port(), "s": free_port()}
    zone = tmp_path / "p.zone"
    zone.write_text(zone_text(5, refresh=1, retry=1, expire=4))
    p = Procs(tmp_path)
    conf_p = ours_conf(tmp_path, "primary", ports["p"], [(ORIGIN, zone, [])])
    conf_s = ours_conf(tmp_path, "secondary", ports["s"], [
        (ORIGIN, tmp_path / "s.zone", [f"primary {ORIGIN} {ADDR}@{ports['p']} key xfr-key"])])
    try:
        # The secondary first: no copy yet, SERVFAIL until the primary is up.
        p.start("secondary", [tool("dnsim-auth"), "-c", str(conf_s)])
        wait_for(lambda: _rcode(ports["s"]) == dns.rcode.SERVFAIL, "SERVFAIL without a copy")
        p.start("primary", [tool("dnsim-auth"), "-c", str(conf_p)])
        wait_for(lambda: serial(ports["s"]) == 5, "the first transfer", seconds=40)
        assert (tmp_path / "s.zone").exists()
        # The primary goes: answers go on until EXPIRE (4 s) has passed.
        assert p.stop("primary") == 0
        assert _rcode(ports["s"]) == dns.rcode.NOERROR
        wait_for(lambda: _rcode(ports["s"]) == dns.rcode.SERVFAIL, "expiry", seconds=15)
        assert "expired: no primary answered" in p.log("secondary")
        # Back with a new serial: served again.
        zone.write_text(zone_text(6, refresh=1, retry=1, expire=4))
        p.start("primary", [tool("dnsim-auth"), "-c", str(conf_p)])
        wait_for(lambda: serial(ports["s"]) == 6, "the zone back", seconds=30)
        # Restarted with its copy: answers at once, before any transfer.
        assert p.stop("primary") == 0
        assert p.stop("secondary") == 0
        p.start("secondary", [tool("dnsim-auth"), "-c", str(conf_s)])
        wait_for(lambda: serial(ports["s"]) == 6, "the copy from disk", seconds=10)
    finally:
        codes = p.stop_all()
    assert all(c == 0 for c in codes.values()), codes


def _rcode(port):
    try:
        return ask(port, f"www.{ORIGIN}", timeout=0.5).rcode()
    except Exception:
        return None
