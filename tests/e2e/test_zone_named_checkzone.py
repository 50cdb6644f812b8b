"""Our zone loader against BIND's named-checkzone, file by file.

For every zone file in tests/data/zones (listed with its origin in
MANIFEST): both accept or both reject, and where both accept they load
the same records (compared as dnspython objects, so presentation details
do not matter).  Files marked as a deliberate difference say why.
named-checkzone always runs with -i local, so it never asks the machine's
resolver about anything.
"""
import pathlib
import re

import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import pytest

from conftest import DATA, run

ZONES = DATA / "zones"


def manifest():
    rows = []
    for line in (ZONES / "MANIFEST").read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        rows.append((parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else ""))
    return rows


def records(text, origin):
    """A set of (name, ttl, class, type, rdata) from dumped record lines;
    other lines (named-checkzone's "loaded serial", our "OK") are skipped."""
    out = set()
    for line in text.splitlines():
        fields = line.split(None, 4)
        if len(fields) < 4 or not fields[1].isdigit() or fields[2].upper() != "IN":
            continue
        name, ttl, rdclass, rdtype = fields[:4]
        rdtype = dns.rdatatype.from_text(rdtype)
        rd = dns.rdata.from_text(dns.rdataclass.IN, rdtype, fields[4] if len(fields) > 4 else "",
                                 origin=dns.name.from_text(origin))
        out.add((dns.name.from_text(name).canonicalize(), int(ttl), rdtype,
                 rd.to_digestable(dns.name.from_text(origin))))
    assert out, f"no records in:\n{text}"
    return out


def bind(origin, path):
    return run(["named-checkzone", "-i", "local", "-D", "-o", "-", origin, str(path)],
               cwd=ZONES)


def test_corpus_is_big_enough():
    rows = manifest()
    assert len(rows) >= 30
    assert sum(1 for r in rows if r[2] == "reject") >= 10


@pytest.mark.parametrize("name,origin,expect,why", manifest(), ids=lambda v: str(v))
def test_same_verdict_and_records_as_bind(tool, named_checkzone, name, origin, expect, why):
    path = ZONES / name
    theirs = bind(origin, name)
    ours = run([tool("dnsim-zonecheck"), origin, name], cwd=ZONES)
    bind_ok = theirs.returncode == 0
    ours_ok = ours.returncode == 0
    if why:
        # A documented difference: BIND accepts, we do not.
        assert bind_ok and not ours_ok, (theirs.stdout, ours.stderr)
        return
    assert ours_ok == bind_ok, f"BIND: {theirs.stdout}{theirs.stderr}\nours: {ours.stderr}"
    assert ours_ok == (expect == "accept")
    if not ours_ok:
        # Every error names the file and line.
        errors = [l for l in ours.stderr.splitlines() if ": error: " in l]
        assert errors, ours.stderr
        assert all(re.match(rf"^{re.escape(name)}(:\d+)?(:\d+)?: error: |^inc/", l) for l in errors), errors
        return
    assert records(ours.stdout, origin) == records(theirs.stdout, origin)
