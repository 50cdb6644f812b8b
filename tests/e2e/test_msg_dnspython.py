"""Messages against dnspython, both directions.

For each message of the corpus (made here with dnspython):
- dnspython's wire bytes, decoded by dnsim-wire, give the same header,
  question, EDNS and records as dnspython's own parse;
- the same message described in dnsim-wire's text form and encoded by us
  is byte for byte what dnspython's to_wire() produces (same name
  compression), except where dnspython compresses SRV and NAPTR targets,
  which RFC 2782/3597 forbid and we do not: there the parse must agree;
- malformed messages are refused by us (and by dnspython, where it is
  strict).
"""
import dns.edns
import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import pytest

from conftest import run


def rr(name, ttl, rdtype, *rdatas):
    return dns.rrset.from_text(name, ttl, "IN", rdtype, *rdatas)


def response(qname="www.example.com.", qtype="A", rcode=0, answer=(), authority=(),
             additional=(), edns=0, payload=1232, flags=None, opcode=0, options=None,
             want_dnssec=False, qid=4242):
    q = dns.message.make_query(qname, qtype, use_edns=edns, payload=payload,
                               want_dnssec=want_dnssec, options=options)
    m = dns.message.make_response(q)
    m.id = qid
    m.set_opcode(opcode)
    if flags is not None:
        m.flags = flags
    m.set_rcode(rcode)
    m.answer.extend(answer)
    m.authority.extend(authority)
    m.additional.extend(additional)
    return m


def corpus():
    A, AAAA = "A", "AAAA"
    c = {}
    c["query-plain"] = dns.message.make_query("example.com.", "A", use_edns=False)
    c["query-edns-do"] = dns.message.make_query("example.com.", "DNSKEY", want_dnssec=True)
    c["query-rd-cd"] = dns.message.make_query("Example.COM.", "MX")
    c["query-rd-cd"].flags |= dns.flags.CD | dns.flags.AD
    c["query-root-ns"] = dns.message.make_query(".", "NS")
    c["query-any"] = dns.message.make_query("example.com.", "ANY")
    c["query-type65534"] = dns.message.make_query("example.com.", "TYPE65534")
    c["query-chaos"] = dns.message.make_query("version.bind.", "TXT", rdclass="CH")
    c["notify"] = dns.message.make_query("example.com.", "SOA")
    c["notify"].set_opcode(dns.opcode.NOTIFY)
    c["update-opcode"] = dns.message.make_query("example.com.", "SOA")
    c["update-opcode"].set_opcode(dns.opcode.UPDATE)
    c["a-answer"] = response(answer=[rr("www.example.com.", 300, A, "192.0.2.1")])
    c["a-many"] = response(answer=[rr("www.example.com.", 60, A, *[f"192.0.2.{i}" for i in range(1, 21)])])
    c["aaaa"] = response(qtype=AAAA, answer=[rr("www.example.com.", 300, AAAA, "2001:db8::1", "::ffff:192.0.2.1")])
    c["cname-chain"] = response(answer=[rr("www.example.com.", 300, "CNAME", "web.example.net."),
                                        rr("web.example.net.", 300, "CNAME", "cdn.example.org."),
                                        rr("cdn.example.org.", 20, A, "198.51.100.7")])
    c["referral-root"] = response(qname="www.example.com.", flags=dns.flags.QR,
        authority=[rr("com.", 172800, "NS", *[f"{x}.gtld-servers.net." for x in "abcdefghijklm"])],
        additional=[rr(f"{x}.gtld-servers.net.", 172800, A, f"192.0.2.{i+1}") for i, x in enumerate("abcd")]
                   + [rr("a.gtld-servers.net.", 172800, AAAA, "2001:db8::30")])
    c["referral-tld"] = response(flags=dns.flags.QR,
        authority=[rr("example.com.", 172800, "NS", "ns1.example.com.", "ns2.example.net.")],
        additional=[rr("ns1.example.com.", 172800, A, "192.0.2.53")])
    c["nxdomain"] = response(qname="nope.example.com.", rcode=dns.rcode.NXDOMAIN,
        authority=[rr("example.com.", 300, "SOA", "ns1.example.com. hostmaster.example.com. 2024010101 3600 900 604800 300")])
    c["nodata"] = response(qtype=AAAA,
        authority=[rr("example.com.", 300, "SOA", "ns1.example.com. hostmaster.example.com. 1 2 3 4 5")])
    c["servfail"] = response(rcode=dns.rcode.SERVFAIL)
    c["refused"] = response(rcode=dns.rcode.REFUSED, edns=-1)
    c["formerr"] = response(rcode=dns.rcode.FORMERR, edns=-1)
    c["notimp"] = response(rcode=dns.rcode.NOTIMP)
    c["badvers"] = response(rcode=dns.rcode.BADVERS)
    c["ns-at-apex"] = response(qname="example.com.", qtype="NS",
        answer=[rr("example.com.", 3600, "NS", "ns1.example.com.", "ns2.example.com.", "NS3.EXAMPLE.COM.")],
        additional=[rr("ns1.example.com.", 3600, A, "192.0.2.1"), rr("ns2.example.com.", 3600, AAAA, "2001:db8::2")])
    c["mx"] = response(qname="example.com.", qtype="MX",
        answer=[rr("example.com.", 300, "MX", "10 mail.example.com.", "20 mail2.example.net.", "0 .")])
    c["soa-answer"] = response(qname="example.com.", qtype="SOA",
        answer=[rr("example.com.", 300, "SOA", "ns1.example.com. hostmaster.example.com. 4294967295 1 2 3 4")])
    c["ptr"] = response(qname="1.2.0.192.in-addr.arpa.", qtype="PTR",
        answer=[rr("1.2.0.192.in-addr.arpa.", 300, "PTR", "host.example.com.")])
    c["txt-multi"] = response(qtype="TXT", answer=[rr("www.example.com.", 300, "TXT",
        '"v=spf1 -all"', '"two" "strings"', '""', '"quote \\" backslash \\\\ semicolon ;"',
        '"\\000\\255 binary"')])
    c["txt-255"] = response(qtype="TXT", answer=[rr("www.example.com.", 300, "TXT", '"' + "x" * 255 + '"')])
    c["hinfo"] = response(qtype="HINFO", answer=[rr("www.example.com.", 300, "HINFO", '"PC" "Linux"')])
    c["caa"] = response(qtype="CAA", answer=[rr("www.example.com.", 300, "CAA",
        '0 issue "ca.example.net"', '128 iodef "mailto:x@example.com"', '0 issuewild ";"')])
    c["dname"] = response(qname="a.old.example.", answer=[rr("old.example.", 300, "DNAME", "new.example."),
        rr("a.old.example.", 300, "CNAME", "a.new.example."), rr("a.new.example.", 300, A, "192.0.2.9")])
    c["srv"] = response(qname="_sip._udp.example.com.", qtype="SRV",
        answer=[rr("_sip._udp.example.com.", 300, "SRV", "0 5 5060 sip.example.com.", "10 0 5061 .")])
    c["naptr"] = response(qname="example.com.", qtype="NAPTR",
        answer=[rr("example.com.", 300, "NAPTR", '100 10 "S" "SIP+D2U" "" _sip._udp.example.com.')])
    c["ds"] = response(qname="example.com.", qtype="DS", answer=[rr("example.com.", 86400, "DS",
        "60485 13 2 " + "2bb183af5f22588179a53b0a98631fad1a292118ab7546a6e3e7e0c3b8a6a7b2")])
    c["cds-cdnskey"] = response(qname="example.com.", qtype="CDS", answer=[
        rr("example.com.", 3600, "CDS", "1 8 1 2bb183af5f22588179a53b0a98631fad1a292118"),
        rr("example.com.", 3600, "CDNSKEY", "257 3 8 AwEAAQ==")])
    c["dnskey"] = response(qname="example.com.", qtype="DNSKEY", want_dnssec=True, answer=[rr("example.com.", 3600, "DNSKEY",
        "257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==",
        "256 3 8 AwEAAa+Z")])
    c["rrsig"] = response(want_dnssec=True, answer=[rr("www.example.com.", 300, A, "192.0.2.1"),
        rr("www.example.com.", 300, "RRSIG", "A 13 3 300 20301231000000 20201231000000 60485 example.com. AQIDBAUGBwgJ")])
    c["nsec"] = response(qname="nope.example.com.", rcode=dns.rcode.NXDOMAIN, want_dnssec=True, authority=[
        rr("example.com.", 300, "NSEC", "www.example.com. A NS SOA MX RRSIG NSEC DNSKEY TYPE1234"),
        rr("example.com.", 300, "SOA", "ns1.example.com. h.example.com. 1 2 3 4 5")])
    c["nsec3"] = response(qname="nope.example.com.", rcode=dns.rcode.NXDOMAIN, want_dnssec=True, authority=[
        rr("2t7b4g4vsa5smi47k61mv5bv1a22bojr.example.com.", 300, "NSEC3", "1 1 12 aabbccdd 2T7B4G4VSA5SMI47K61MV5BV1A22BOJS A RRSIG"),
        rr("example.com.", 300, "NSEC3PARAM", "1 0 12 aabbccdd")])
    c["nsec3-nosalt"] = response(qname="x.example.com.", authority=[
        rr("ab.example.com.", 300, "NSEC3", "1 0 0 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJS")])
    c["tlsa-sshfp"] = response(qname="_443._tcp.example.com.", qtype="TLSA", answer=[
        rr("_443._tcp.example.com.", 300, "TLSA", "3 1 1 " + "ab" * 32),
        rr("_443._tcp.example.com.", 300, "SSHFP", "4 2 " + "cd" * 32)])
    c["unknown-types"] = response(qtype="TYPE65534", answer=[
        rr("www.example.com.", 300, "TYPE65534", "\\# 4 0a000001"),
        rr("www.example.com.", 300, "TYPE731", "\\# 0")])
    c["names-odd-bytes"] = response(qname="a\\.b\\032c\\000d.example.", answer=[
        rr("a\\.b\\032c\\000d.example.", 300, A, "192.0.2.1"),
        rr("\\@\\$\\(\\).example.", 300, "CNAME", "\\\"quoted\\\".example.")])
    c["name-near-255"] = response(qname=".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 61]) + ".",
        answer=[rr(".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 61]) + ".", 1, A, "192.0.2.1")])
    c["mixed-case-compression"] = response(qname="WWW.Example.Com.", answer=[
        rr("www.example.com.", 300, A, "192.0.2.1"), rr("Mail.EXAMPLE.com.", 300, A, "192.0.2.2")],
        authority=[rr("example.com.", 300, "NS", "ns.example.com.", "NS.Example.COM.")])
    c["many-records"] = response(qname="big.example.com.", qtype="TXT", payload=8192, answer=[
        rr(f"n{i}.big.example.com.", 60, "TXT", f'"record number {i}"') for i in range(60)])
    c["edns-options"] = response(options=[dns.edns.GenericOption(10, b"\x01\x02\x03\x04\x05\x06\x07\x08"),
                                          dns.edns.GenericOption(65001, b"")])
    c["edns-small-payload"] = response(payload=512)
    c["edns-big-payload"] = response(payload=4096, want_dnssec=True)
    c["all-flags"] = response(flags=dns.flags.QR | dns.flags.AA | dns.flags.TC | dns.flags.RD |
                              dns.flags.RA | dns.flags.AD | dns.flags.CD)
    c["no-flags"] = response(flags=0, edns=-1)
    c["id-zero"] = response(qid=0)
    c["id-max"] = response(qid=65535)
    c["truncated-empty"] = response(flags=dns.flags.QR | dns.flags.TC)
    c["zero-ttl"] = response(answer=[rr("www.example.com.", 0, A, "192.0.2.1")])
    c["max-ttl"] = response(answer=[rr("www.example.com.", 2147483647, A, "192.0.2.1")])
    c["root-answers"] = response(qname=".", qtype="NS", answer=[rr(".", 518400, "NS", "a.root-servers.net.", "b.root-servers.net.")],
        additional=[rr("a.root-servers.net.", 518400, A, "198.41.0.4"), rr("a.root-servers.net.", 518400, AAAA, "2001:503:ba3e::2:30")])
    c["same-name-many-types"] = response(qtype="ANY", answer=[rr("www.example.com.", 300, A, "192.0.2.1"),
        rr("www.example.com.", 300, AAAA, "2001:db8::1"), rr("www.example.com.", 300, "TXT", '"x"'),
        rr("www.example.com.", 300, "MX", "5 www.example.com.")])
    c["reverse-v6"] = response(qname="1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.", qtype="PTR",
        answer=[rr("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.", 300, "PTR", "v6.example.com.")])
    c["glue-heavy"] = response(flags=dns.flags.QR, authority=[rr("example.org.", 3600, "NS", *[f"ns{i}.example.org." for i in range(8)])],
        additional=[rr(f"ns{i}.example.org.", 3600, A, f"198.51.100.{i+1}") for i in range(8)]
                   + [rr(f"ns{i}.example.org.", 3600, AAAA, f"2001:db8::{i+1}") for i in range(8)])
    return c


CORPUS = corpus()
# dnspython compresses these targets; RFC 2782 and RFC 3597 say not to.
UNCOMPRESSED_BY_RFC = {"srv", "naptr"}


def describe(m):
    """The message in dnsim-wire's encode language."""
    lines = [f"id {m.id}", f"opcode {dns.opcode.to_text(m.opcode())}",
             f"rcode {m.rcode()}"]
    names = [n.lower() for n in dns.flags.to_text(m.flags).split()]
    lines.append("flags " + " ".join(names))
    if m.edns >= 0:
        e = f"edns {m.payload}"
        if m.ednsflags & dns.flags.DO:
            e += " do"
        if m.edns:
            e += f" version {m.edns}"
        for o in m.options:
            e += f" option {o.otype} {o.to_wire().hex() or ''}"
        lines.append(e.rstrip())
    for q in m.question:
        lines.append(f"question {q.name.to_text()} {dns.rdatatype.to_text(q.rdtype)} "
                     f"{dns.rdataclass.to_text(q.rdclass)}")
    for sec, rrsets in (("answer", m.answer), ("authority", m.authority), ("additional", m.additional)):
        for rrset in rrsets:
            for rd in rrset:
                lines.append(f"{sec} {rrset.name.to_text()} {rrset.ttl} "
                             f"{dns.rdataclass.to_text(rrset.rdclass)} "
                             f"{dns.rdatatype.to_text(rrset.rdtype)} {rd.to_text()}")
    return "\n".join(lines) + "\n"


def parse_records(out):
    """Our --records output as comparable data."""
    header, edns, questions, records = None, None, [], []
    for line in out.splitlines():
        kind, _, rest = line.partition(" ")
        if kind == "header":
            header = rest.split()
        elif kind == "edns":
            edns = rest.split()
        elif kind == "question":
            questions.append(rest.split())
        else:
            name, ttl, rdclass, rdtype, rdata = (rest.split(None, 4) + [""])[:5]
            rd = dns.rdata.from_text(dns.rdataclass.from_text(rdclass),
                                     dns.rdatatype.from_text(rdtype), rdata)
            records.append((kind, dns.name.from_text(name), int(ttl), rd))
    return header, edns, questions, records


def theirs(m):
    """dnspython's view of the same, in the same shape."""
    records = []
    for sec, rrsets in (("answer", m.answer), ("authority", m.authority), ("additional", m.additional)):
        for rrset in rrsets:
            for rd in rrset:
                records.append((sec, rrset.name, rrset.ttl, rd))
    return records


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_we_read_what_dnspython_writes(tool, name):
    wire = CORPUS[name].to_wire()
    m = dns.message.from_wire(wire)
    r = run([tool("dnsim-wire"), "decode", "-x", "--records"], input=wire.hex())
    assert r.returncode == 0, r.stderr
    header, edns, questions, records = parse_records(r.stdout)
    assert int(header[0]) == m.id
    assert header[1] == dns.opcode.to_text(m.opcode())
    assert header[2] == dns.rcode.to_text(m.rcode())
    ours_flags = set() if header[3] == "-" else set(header[3].split(","))
    assert ours_flags == {f.lower() for f in dns.flags.to_text(m.flags).split()}
    if m.edns >= 0:
        assert edns is not None
        assert int(edns[0]) == m.payload and int(edns[1]) == m.edns
        assert bool(int(edns[2])) == bool(m.ednsflags & dns.flags.DO)
        assert edns[3] == (b"".join(o.otype.to_bytes(2, "big") + len(o.to_wire()).to_bytes(2, "big")
                                    + o.to_wire() for o in m.options).hex().upper() or "-")
    else:
        assert edns is None
    assert [(dns.name.from_text(q[0]), q[1], q[2]) for q in questions] == \
        [(q.name, dns.rdatatype.to_text(q.rdtype), dns.rdataclass.to_text(q.rdclass)) for q in m.question]
    assert records == theirs(m)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_we_write_what_dnspython_writes(tool, name):
    want = CORPUS[name].to_wire(want_shuffle=False)
    r = run([tool("dnsim-wire"), "encode"], input=describe(CORPUS[name]))
    assert r.returncode == 0, r.stderr
    got = bytes.fromhex(r.stdout.strip())
    if name in UNCOMPRESSED_BY_RFC:
        assert dns.message.from_wire(got) == dns.message.from_wire(want)
        assert len(got) > len(want)      # the target really went uncompressed
    else:
        assert got.hex() == want.hex()
    # And dnspython reads ours.
    assert dns.message.from_wire(got) == CORPUS[name]


def test_corpus_size():
    assert len(CORPUS) >= 50


def test_truncation_at_rrset_boundary(tool):
    m = CORPUS["many-records"]
    r = run([tool("dnsim-wire"), "encode", "--limit", "512"], input=describe(m))
    got = dns.message.from_wire(bytes.fromhex(r.stdout.strip()))
    assert got.flags & dns.flags.TC
    assert 0 < len(got.answer) < len(m.answer)
    assert len(bytes.fromhex(r.stdout.strip())) <= 512


MALFORMED = {
    "short-header": bytes.fromhex("1234010000"),
    "count-lies": bytes.fromhex("123401000001000000000000"),
    "pointer-loop": bytes.fromhex("123401000001000000000000c00c00010001"),
    "pointer-forward": bytes.fromhex("123401000001000000000000c00e0001000100"),
    "pointer-past-end": bytes.fromhex("123401000001000000000000c0ff00010001"),
    "label-type-0x40": bytes.fromhex("1234010000010000000000004161000001 0001".replace(" ", "")),
    "truncated-label": bytes.fromhex("12340100000100000000000005616263"),
    "rdlength-past-end": bytes.fromhex("123481000000000100000000000001000100000e100009c0000201"),
    "rdlength-wrong-for-a": bytes.fromhex("123481000000000100000000000001000100000e100003c00002"),
    "trailing-garbage": dns.message.make_query("example.com", "A").to_wire() + b"\xff",
    "two-opt": bytes.fromhex("123401000000000000000002" + "0000290200000000000000" * 2),
    "opt-in-answer": bytes.fromhex("123481000000000100000000" + "0000290200000000000000"),
    "txt-length-lie": bytes.fromhex("123481000000000100000000000010000100000e10000305616263"),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_refused(tool, name):
    r = run([tool("dnsim-wire"), "decode", "-x"], input=MALFORMED[name].hex())
    assert r.returncode == 1 and "malformed message" in r.stderr
    strict = {"short-header", "count-lies", "pointer-loop", "pointer-forward", "pointer-past-end",
              "label-type-0x40", "truncated-label", "rdlength-past-end", "trailing-garbage",
              "rdlength-wrong-for-a", "two-opt", "txt-length-lie"}
    if name in strict:
        with pytest.raises(Exception):
            dns.message.from_wire(MALFORMED[name])
