"""dnsim-signzone against BIND (dnssec-keygen, dnssec-signzone,
dnssec-verify, dnssec-dsfromkey) and ldns (ldns-keygen, ldns-signzone,
ldns-verify-zone): other implementations decide.

- zones we sign, with each algorithm (8, 13, 15), with NSEC, NSEC3 and
  NSEC3 with opt-out, salt and iterations, verify with dnssec-verify and
  ldns-verify-zone;
- our verifier (dnsim-signzone --verify) accepts the zones dnssec-signzone
  and ldns-signzone sign;
- keys cross over: BIND signs with our key files, we sign with BIND's and
  ldns's; our dsset matches dnssec-dsfromkey;
- one changed record, a removed NSEC or NSEC3, or an expired signature
  makes ours and theirs fail alike.
Only files: no tool here talks to the network.
"""
import pathlib
import re
import shutil

import pytest

from conftest import run

ZONE = """$ORIGIN example.
$TTL 3600
@       SOA ns1 hostmaster 2024010101 7200 3600 1209600 300
@       NS ns1
@       MX 10 mail
ns1     A 192.0.2.1
www     A 192.0.2.2
www     AAAA 2001:db8::2
mail    A 192.0.2.5
a.b.c   TXT "below two empty non-terminals"
sub     NS ns2.sub
ns2.sub A 192.0.2.3
secure  NS ns.secure
secure  DS 12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
ns.secure A 192.0.2.4
*.wild  MX 10 mail
alias   CNAME www
"""

ALGS = {8: "RSASHA256", 13: "ECDSAP256SHA256", 15: "ED25519"}
MODES = {
    "nsec": [],
    "nsec3": ["-n", "nsec3"],
    "nsec3-optout": ["-n", "nsec3", "--opt-out", "--salt", "aabbccdd", "--iterations", "5"],
}


def need(*tools):
    for t in tools:
        if shutil.which(t) is None:
            pytest.fail(f"{t} is missing: run `make deps` (bind9-utils, ldnsutils)")


@pytest.fixture()
def work(tmp_path):
    (tmp_path / "example.zone").write_text(ZONE)
    return tmp_path


def ok(r, what):
    assert r.returncode == 0, f"{what} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}"


def bind_verify(path):
    return run(["dnssec-verify", "-o", "example.", str(path)])


def ldns_verify(path):
    return run(["ldns-verify-zone", str(path)])


def our_verify(tool, path, *extra):
    return run([tool("dnsim-signzone"), "--verify", *extra, "-o", "example.", str(path)])


def our_keys(tool, work, alg):
    """A KSK and a ZSK made by dnsim-signzone -g; their base paths."""
    keys = []
    for flags in (["-f", "KSK"], []):
        r = run([tool("dnsim-signzone"), "-g", str(alg), *flags, "-K", str(work), "example."])
        ok(r, "key generation")
        base = r.stdout.strip()
        assert re.fullmatch(rf"Kexample\.\+{alg:03d}\+\d{{5}}", base), base
        keys.append(work / base)
    return keys


def sign_ours(tool, work, alg, mode, name="ours.signed"):
    ksk, zsk = our_keys(tool, work, alg)
    out = work / name
    r = run([tool("dnsim-signzone"), *MODES[mode], "-k", str(ksk), "-z", str(zsk),
             "-d", str(work), "-o", "example.", str(work / "example.zone"), str(out)])
    ok(r, "dnsim-signzone")
    return out, ksk, zsk


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("alg", ALGS)
def test_our_zones_verify_with_bind_and_ldns(tool, work, alg, mode):
    need("dnssec-verify", "ldns-verify-zone")
    signed, ksk, _ = sign_ours(tool, work, alg, mode)
    r = bind_verify(signed)
    ok(r, "dnssec-verify")
    assert "Zone fully signed" in r.stdout + r.stderr
    assert ALGS[alg] in r.stdout + r.stderr
    ok(ldns_verify(signed), "ldns-verify-zone")
    ok(our_verify(tool, signed), "dnsim-signzone --verify")
    text = signed.read_text()
    # Glue and the delegations' NS are not signed; the DS is.
    assert not re.search(r"^ns2\.sub\.example\.\s.*RRSIG", text, re.M)
    assert re.search(r"^secure\.example\.\s+\d+\s+IN\s+RRSIG\s+DS ", text, re.M)
    assert not re.search(r"RRSIG\s+NS \S+ 2 ", text)
    if mode != "nsec":
        assert "NSEC3PARAM" in text and "\tNSEC\t" not in text
    # The DS we wrote is the one BIND computes from the key file.
    ds = (work / "dsset-example.").read_text().split()
    r = run(["dnssec-dsfromkey", "-2", str(ksk) + ".key"])
    ok(r, "dnssec-dsfromkey")
    assert ds[-4:] == r.stdout.split()[-4:]


@pytest.mark.parametrize("alg", ALGS)
def test_tampering_fails_everywhere(tool, work, alg):
    need("dnssec-verify", "ldns-verify-zone")
    signed, _, _ = sign_ours(tool, work, alg, "nsec")
    text = signed.read_text()
    changed = work / "changed.signed"
    changed.write_text(text.replace("192.0.2.2", "192.0.2.99"))
    assert changed.read_text() != text
    no_nsec = work / "no-nsec.signed"
    lines = text.splitlines(keepends=True)
    no_nsec.write_text("".join(l for l in lines if not re.match(r"^mail\.example\.\s+\d+\s+IN\s+NSEC\s", l)))
    assert len(no_nsec.read_text()) < len(text)
    for bad in (changed, no_nsec):
        assert bind_verify(bad).returncode != 0, bad.name
        assert ldns_verify(bad).returncode != 0, bad.name
        assert our_verify(tool, bad).returncode != 0, bad.name
    # Expired: our verifier at a time after the end of validity.
    assert our_verify(tool, signed, "-t", "now+40000000").returncode != 0
    ok(our_verify(tool, signed, "-t", "now+86400"), "verify a day later")


def test_nsec3_tampering_fails_everywhere(tool, work):
    need("dnssec-verify", "ldns-verify-zone")
    signed, _, _ = sign_ours(tool, work, 13, "nsec3")
    lines = signed.read_text().splitlines(keepends=True)
    nsec3 = [l for l in lines if re.search(r"\sIN\s+NSEC3\s", l)]
    # 9 names with data and 3 empty non-terminals (c, b.c, wild)
    assert len(nsec3) == 12
    gone = work / "gone.signed"
    gone.write_text("".join(l for l in lines if l != nsec3[3]))
    assert bind_verify(gone).returncode != 0
    assert ldns_verify(gone).returncode != 0
    assert our_verify(tool, gone).returncode != 0


def bind_keys(work, alg):
    keys = []
    for flags in (["-f", "KSK"], []):
        r = run(["dnssec-keygen", "-q", "-K", str(work), "-a", ALGS[alg], *flags, "example."])
        ok(r, "dnssec-keygen")
        keys.append(work / r.stdout.strip())
    return keys


@pytest.mark.parametrize("nsec3", [False, True])
@pytest.mark.parametrize("alg", ALGS)
def test_we_verify_bind_signed_zones(tool, work, alg, nsec3):
    need("dnssec-signzone", "dnssec-keygen")
    ksk, zsk = bind_keys(work, alg)
    out = work / "bind.signed"
    r = run(["dnssec-signzone", "-q", "-K", str(work), "-d", str(work), "-S",
             *(["-3", "-"] if nsec3 else []), "-o", "example.", "-f", str(out),
             str(work / "example.zone")], cwd=work)
    ok(r, "dnssec-signzone")
    ok(our_verify(tool, out), "dnsim-signzone --verify of a BIND-signed zone")
    bad = work / "bad.signed"
    bad.write_text(out.read_text().replace("192.0.2.5", "192.0.2.55"))
    assert our_verify(tool, bad).returncode != 0
    # Our signer reads BIND's key files (timing metadata and all).
    ours = work / "ours-with-bind-keys.signed"
    r = run([tool("dnsim-signzone"), "-k", str(ksk), "-z", str(zsk), "-d", str(work),
             "-o", "example.", str(work / "example.zone"), str(ours)])
    ok(r, "dnsim-signzone with BIND's keys")
    ok(bind_verify(ours), "dnssec-verify")


@pytest.mark.parametrize("alg", ALGS)
def test_bind_signs_with_our_keys(tool, work, alg):
    need("dnssec-signzone", "dnssec-verify")
    ksk, zsk = our_keys(tool, work, alg)
    out = work / "bind-with-our-keys.signed"
    zone = work / "withkeys.zone"
    zone.write_text(ZONE + (ksk.parent / (ksk.name + ".key")).read_text()
                    + (zsk.parent / (zsk.name + ".key")).read_text())
    r = run(["dnssec-signzone", "-q", "-d", str(work), "-o", "example.", "-f", str(out),
             str(zone), str(ksk), str(zsk)], cwd=work)
    ok(r, "dnssec-signzone with our key files")
    ok(bind_verify(out), "dnssec-verify")
    ok(our_verify(tool, out), "dnsim-signzone --verify")


@pytest.mark.parametrize("nsec3", [False, True])
@pytest.mark.parametrize("alg", ALGS)
def test_we_verify_ldns_signed_zones(tool, work, alg, nsec3):
    need("ldns-signzone", "ldns-keygen")
    keys = []
    for flags in (["-k"], []):
        r = run(["ldns-keygen", "-a", ALGS[alg], *(["-b", "2048"] if alg == 8 else []),
                 *flags, "example."], cwd=work)
        ok(r, "ldns-keygen")
        keys.append(r.stdout.strip())
    out = work / "ldns.signed"
    r = run(["ldns-signzone", *(["-n"] if nsec3 else []), "-o", "example.", "-f", str(out),
             str(work / "example.zone"), *keys], cwd=work)
    ok(r, "ldns-signzone")
    ok(our_verify(tool, out), "dnsim-signzone --verify of an ldns-signed zone")
    bad = work / "bad.signed"
    text = out.read_text()
    bad.write_text(text.replace("below two empty", "below 2 empty"))
    assert bad.read_text() != text
    assert our_verify(tool, bad).returncode != 0
    # And ldns signs with our keys (it reads BIND's private-key format).
    ksk, zsk = our_keys(tool, work, alg)
    out2 = work / "ldns-with-our-keys.signed"
    r = run(["ldns-signzone", "-o", "example.", "-f", str(out2), str(work / "example.zone"),
             str(ksk), str(zsk)], cwd=work)
    ok(r, "ldns-signzone with our key files")
    ok(ldns_verify(out2), "ldns-verify-zone")
    ok(our_verify(tool, out2), "dnsim-signzone --verify")


def test_help_and_bad_arguments(tool, work):
    r = run([tool("dnsim-signzone"), "--help"])
    ok(r, "--help")
    for word in ("-g ALG", "--verify", "nsec3", "dsset", "RFC 9276"):
        assert word in r.stdout
    assert run([tool("dnsim-signzone"), "-g", "5", "example."]).returncode == 2
    assert run([tool("dnsim-signzone"), "-n", "nsec4", "-o", "example.", "x"]).returncode == 2
    assert run([tool("dnsim-signzone"), "--iterations", "151", "-n", "nsec3", "-o",
                "example.", str(work / "example.zone")]).returncode == 2
    # An unsigned zone does not pass verification.
    assert our_verify(tool, work / "example.zone").returncode == 1
