"""Messages against dnspython (2.3), both directions.

For each message of the corpus (made here with dnspython):
- (a) dnspython's wire bytes, decoded by `dnsim-wire decode --records`,
  give the same header, EDNS, question and records as dnspython's own
  parse: owners label for label (case kept), TTL, class, and RDATA both
  as dnspython objects and as uncompressed wire octets (case kept);
- (b) the same message described in dnsim-wire's encode language and
  encoded by us is byte for byte what dnspython's to_wire() produces, so
  our name compression follows the same rules, and dnspython reads ours
  back as an equal message.

dnspython 2.3's compression, read from its source (dns/name.py to_wire,
dns/renderer.py, dns/rdtypes/*):
- one table for the whole message, keyed by name case-insensitively; a
  name is written label by label and the first (longest) suffix found in
  the table becomes a pointer; every suffix written out in full is added
  unless already there (so the first occurrence wins) and unless it is
  the root or sits past offset 0x3FFF; the table has no size limit;
- the question name, owner names, and the RDATA names of NS, CNAME, PTR,
  MX, SOA (both names) are compressed and enter the table;
- SRV targets and NAPTR replacements are compressed too (against RFC 2782
  and RFC 3597); we do not, so for those two the bytes differ by design
  and only the parse is compared;
- DNAME, RRSIG signer, NSEC next name and the other typed names are
  written in full and do NOT enter the table.

A malformed corpus follows: we must refuse every message, and dnspython
must too except where it is known to be lenient (listed there).
"""
import subprocess

import dns.edns
import dns.exception
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


def rr(name, ttl, rdtype, *rdatas, rdclass="IN"):
    return dns.rrset.from_text(name, ttl, rdclass, rdtype, *rdatas)


def response(qname="www.example.com.", qtype="A", rcode=0, answer=(), authority=(),
             additional=(), edns=0, payload=1232, flags=None, opcode=0, options=None,
             want_dnssec=False, qid=4242, qclass="IN"):
    q = dns.message.make_query(qname, qtype, rdclass=qclass, use_edns=edns, payload=payload,
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


SOA = "ns1.example.com. hostmaster.example.com. 2024010101 3600 900 604800 300"


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
    # ---- added: opcodes and rcodes, one of each ----
    for op in ("IQUERY", "STATUS"):
        c[f"opcode-{op.lower()}"] = response(opcode=dns.opcode.from_text(op), edns=-1)
    for rc in ("YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"):
        c[f"rcode-{rc.lower()}"] = response(rcode=dns.rcode.from_text(rc))
    c["rcode-11-no-name"] = response(rcode=11, edns=-1)
    c["rcode-4095-ext"] = response(rcode=4095)
    c["edns-version-1"] = response(rcode=dns.rcode.BADVERS)
    c["edns-version-1"].use_edns(1, 0, 1232)
    c["edns-z-flags-do"] = response(want_dnssec=True, payload=1400,
                                    options=[dns.edns.GenericOption(12, b"\x00" * 16)])
    # ---- added: names ----
    c["wildcard-owner"] = response(qname="anything.example.com.", answer=[
        rr("*.example.com.", 300, "A", "192.0.2.44")])
    c["soa-escaped-rname"] = response(qname="example.com.", qtype="SOA", answer=[
        rr("example.com.", 300, "SOA", "ns1.example.com. first\\.last.example.com. 1 2 3 4 5")])
    c["case-first-wins"] = response(qname="EXAMPLE.com.", qtype="NS", answer=[
        rr("example.COM.", 300, "NS", "Ns1.Example.Com.", "ns2.EXAMPLE.com."),
        rr("example.com.", 300, "MX", "10 MAIL.example.com.")])
    c["underscore-and-digits"] = response(qname="_dmarc.example.com.", qtype="TXT", answer=[
        rr("_dmarc.example.com.", 300, "TXT", '"v=DMARC1; p=none"')])
    c["name-127-labels"] = response(qname="a." * 127, qtype="TXT", answer=[
        rr("a." * 127, 5, "TXT", '"deep"')])
    c["name-255-escapes"] = response(qname="\\255" * 63 + "." + "\\000" * 63 + "." + "\\046" * 63 + "." + "\\\\" * 61 + ".",
                                     answer=[rr("\\255" * 63 + "." + "\\000" * 63 + "." + "\\046" * 63 + "." + "\\\\" * 61 + ".", 1, "A", "192.0.2.1")])
    # Names in uncompressible RDATA are written in full and must not become
    # compression targets for what follows.
    c["uncompressed-rdata-names-not-targets"] = response(qname="x.test.", want_dnssec=True, answer=[
        rr("x.test.", 300, "DNAME", "target.example.org."),
        rr("x.test.", 300, "RRSIG", "DNAME 13 2 300 20301231000000 20201231000000 1 signer.example.net. AQID"),
        rr("x.test.", 300, "NSEC", "next.example.info. DNAME RRSIG NSEC")],
        authority=[rr("target.example.org.", 300, "NS", "ns.target.example.org."),
                   rr("signer.example.net.", 300, "NS", "ns.signer.example.net."),
                   rr("next.example.info.", 300, "NS", "ns.next.example.info.")])
    # ---- added: classes and sections ----
    c["class-chaos-answer"] = response(qname="version.bind.", qtype="TXT", qclass="CH", answer=[
        rr("version.bind.", 0, "TXT", '"dnsim"', rdclass="CH")])
    c["class-unknown"] = response(qname="x.example.", qtype="TYPE65280", qclass="CLASS77", answer=[
        rr("x.example.", 60, "TYPE65280", "\\# 3 010203", rdclass="CLASS77")])
    c["known-type-generic-form"] = response(answer=[rr("www.example.com.", 300, "TYPE1", "\\# 4 c0000201")])
    c["two-questions"] = dns.message.make_query("a.example.", "A", use_edns=False)
    c["two-questions"].find_rrset(c["two-questions"].question, dns.name.from_text("b.a.example."),
                                  dns.rdataclass.IN, dns.rdatatype.AAAA, create=True, force_unique=True)
    c["txt-many-long-strings"] = response(qtype="TXT", payload=4096, answer=[
        rr("www.example.com.", 300, "TXT", " ".join('"%s"' % (chr(0x41 + i) * 255) for i in range(10)))])
    c["ns-soa-all-sections"] = response(qname="sub.example.com.", qtype="NS", answer=[
        rr("sub.example.com.", 300, "NS", "ns.sub.example.com.")],
        authority=[rr("example.com.", 300, "SOA", SOA)],
        additional=[rr("ns.sub.example.com.", 300, "A", "192.0.2.7"), rr("hostmaster.example.com.", 300, "MX", "0 ns1.example.com.")])
    # A message larger than 16 KiB: names past offset 0x3FFF cannot be
    # pointer targets, so their repeats are written out again.
    c["past-16k"] = response(qname="big.example.", qtype="TXT", payload=65535, answer=[
        rr("big.example.", 60, "TXT", *['"%s"' % (("%03d" % i) * 85) for i in range(70)])],
        authority=[rr("late.example.", 60, "NS", "ns.late.example.", "ns2.late.example.")],
        additional=[rr("ns.late.example.", 60, "A", "192.0.2.1"), rr("ns2.late.example.", 60, "A", "192.0.2.2")])
    # An SSHFP fingerprint whose length does not match its type: dnspython
    # reads and writes it (only DS digests are checked, see MALFORMED), so
    # what we decode we must be able to encode again.
    c["sshfp-fingerprint-length-unusual"] = response(qname="host.example.com.", qtype="SSHFP", answer=[
        rr("host.example.com.", 300, "SSHFP", "1 1 " + "cd" * 32)])
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
            e += f" option {o.otype} {o.to_wire().hex()}"
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


def rcode_value(text):
    """Our rcode mnemonic ("NXDOMAIN", "RCODE11") as a number."""
    return int(text[5:]) if text.startswith("RCODE") else dns.rcode.from_text(text)


def parse_records(out):
    """Our --records output (tab-separated) as comparable data."""
    header, edns, questions, records = None, None, [], []
    for line in out.splitlines():
        kind, _, rest = line.partition("\t")
        if kind == "header":
            header = rest.split("\t")
        elif kind == "edns":
            edns = rest.split("\t")
        elif kind == "question":
            questions.append(rest.split("\t"))
        else:
            assert kind in ("answer", "authority", "additional"), line
            name, ttl, rdclass, rdtype, rdata = rest.split("\t", 4)
            rdclass = dns.rdataclass.from_text(rdclass)
            rd = dns.rdata.from_text(rdclass, dns.rdatatype.from_text(rdtype), rdata)
            records.append((kind, dns.name.from_text(name).labels, int(ttl), rdclass, rd,
                            rd.to_wire()))
    return header, edns, questions, records


def theirs(m):
    """dnspython's view of the same, in the same shape."""
    records = []
    for sec, rrsets in (("answer", m.answer), ("authority", m.authority), ("additional", m.additional)):
        for rrset in rrsets:
            for rd in rrset:
                records.append((sec, rrset.name.labels, rrset.ttl, rrset.rdclass, rd, rd.to_wire()))
    return records


def options_hex(m):
    return b"".join(o.otype.to_bytes(2, "big") + len(o.to_wire()).to_bytes(2, "big") + o.to_wire()
                    for o in m.options).hex().upper() or "-"


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_we_read_what_dnspython_writes(tool, name):
    wire = CORPUS[name].to_wire(max_size=65535)
    m = dns.message.from_wire(wire)
    r = run([tool("dnsim-wire"), "decode", "-x", "--records"], input=wire.hex())
    assert r.returncode == 0, r.stderr
    header, edns, questions, records = parse_records(r.stdout)
    assert int(header[0]) == m.id
    assert header[1] == dns.opcode.to_text(m.opcode())
    assert rcode_value(header[2]) == m.rcode()
    ours_flags = set() if header[3] == "-" else set(header[3].split(","))
    assert ours_flags == {f.lower() for f in dns.flags.to_text(m.flags).split()}
    if m.edns >= 0:
        assert edns is not None
        assert int(edns[0]) == m.payload and int(edns[1]) == m.edns
        assert bool(int(edns[2])) == bool(m.ednsflags & dns.flags.DO)
        assert edns[3] == options_hex(m)
    else:
        assert edns is None
    assert [(dns.name.from_text(q[0]).labels, q[1], q[2]) for q in questions] == \
        [(q.name.labels, dns.rdatatype.to_text(q.rdtype), dns.rdataclass.to_text(q.rdclass))
         for q in m.question]
    assert records == theirs(m)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_we_write_what_dnspython_writes(tool, name):
    want = CORPUS[name].to_wire(want_shuffle=False, max_size=65535)
    r = run([tool("dnsim-wire"), "encode"], input=describe(CORPUS[name]))
    assert r.returncode == 0, r.stderr
    got = bytes.fromhex(r.stdout.strip())
    if name in UNCOMPRESSED_BY_RFC:
        assert dns.message.from_wire(got) == dns.message.from_wire(want)
        assert len(got) > len(want)      # the target really went uncompressed
    else:
        assert got.hex() == want.hex()
    # And dnspython reads ours as the same message.
    assert dns.message.from_wire(got) == CORPUS[name]


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_dig_layout(tool, name):
    """The dig-style text has dig's header lines and every record."""
    m = CORPUS[name]
    r = subprocess.run([tool("dnsim-wire"), "decode"], input=m.to_wire(max_size=65535),
                       capture_output=True)
    assert r.returncode == 0, r.stderr
    out = r.stdout.decode()
    assert out.startswith(f";; ->>HEADER<<- opcode: {dns.opcode.to_text(m.opcode())}, ")
    assert f", id: {m.id}\n" in out.splitlines(True)[0]
    counts = (f"QUERY: {len(m.question)}, ANSWER: {sum(len(x) for x in m.answer)}, "
              f"AUTHORITY: {sum(len(x) for x in m.authority)}, "
              f"ADDITIONAL: {sum(len(x) for x in m.additional) + (m.edns >= 0)}")
    assert counts in out.splitlines()[1]
    assert (";; OPT PSEUDOSECTION:" in out) == (m.edns >= 0)
    records = [line for line in out.splitlines() if line and not line.startswith(";")]
    assert len(records) == sum(len(x) for sec in (m.answer, m.authority, m.additional) for x in sec)


def test_corpus_size():
    assert len(CORPUS) >= 60


def test_every_library_type_is_in_the_corpus():
    seen = {rrset.rdtype for m in CORPUS.values() for sec in (m.answer, m.authority, m.additional)
            for rrset in sec}
    want = {dns.rdatatype.from_text(t) for t in
            "A AAAA NS CNAME SOA PTR MX TXT SRV CAA DNAME DS DNSKEY RRSIG NSEC NSEC3 HINFO "
            "NAPTR SSHFP TLSA NSEC3PARAM CDS CDNSKEY TYPE65534".split()}
    assert want <= seen


def test_compression_table_has_no_size_limit(tool):
    """300 distinct nameserver names, each repeated later: dnspython
    remembers every suffix it writes, so all 300 glue owners compress."""
    m = response(qname="big.example.", qtype="NS", payload=65535, answer=[
        rr("big.example.", 60, "NS", *[f"ns{i}.host{i}.example." for i in range(300)])],
        additional=[rr(f"ns{i}.host{i}.example.", 60, "A", "192.0.2.1") for i in range(300)])
    want = m.to_wire(want_shuffle=False, max_size=65535)
    r = run([tool("dnsim-wire"), "encode"], input=describe(m))
    assert r.returncode == 0, r.stderr
    got = bytes.fromhex(r.stdout.strip())
    assert dns.message.from_wire(got) == m
    assert len(got) == len(want), "fewer names compressed than dnspython does"
    assert got == want


def test_truncation_at_rrset_boundary(tool):
    m = CORPUS["many-records"]
    r = run([tool("dnsim-wire"), "encode", "--limit", "512"], input=describe(m))
    assert r.returncode == 0, r.stderr
    assert "truncated" in r.stderr and "TC set" in r.stderr
    wire = bytes.fromhex(r.stdout.strip())
    got = dns.message.from_wire(wire)
    assert got.flags & dns.flags.TC
    assert 0 < len(got.answer) < len(m.answer)
    assert len(wire) <= 512
    # The OPT record survives truncation: its room was kept back.
    assert got.edns == 0 and got.payload == m.payload


def test_truncation_keeps_rrsets_whole(tool):
    """An RRset that does not fit is left out whole: 20 A records of one
    name do not fit in 200 octets, so none of them are sent."""
    m = CORPUS["a-many"]
    r = run([tool("dnsim-wire"), "encode", "--limit", "200"], input=describe(m))
    assert r.returncode == 0, r.stderr
    got = dns.message.from_wire(bytes.fromhex(r.stdout.strip()))
    assert got.flags & dns.flags.TC and len(got.answer) == 0 and len(got.question) == 1


def test_no_truncation_no_note(tool):
    r = run([tool("dnsim-wire"), "encode", "--limit", "512"], input=describe(CORPUS["a-answer"]))
    assert r.returncode == 0 and r.stderr == ""
    assert not dns.message.from_wire(bytes.fromhex(r.stdout.strip())).flags & dns.flags.TC


def test_encode_raw_and_decode_text(tool):
    desc = describe(CORPUS["nxdomain"])
    # Raw octets both ways, so not conftest.run (text mode).
    raw = subprocess.run([tool("dnsim-wire"), "encode", "-b"], input=desc.encode(),
                         capture_output=True)
    assert raw.returncode == 0
    assert raw.stdout == CORPUS["nxdomain"].to_wire()
    text = subprocess.run([tool("dnsim-wire"), "decode"], input=raw.stdout, capture_output=True)
    assert text.returncode == 0
    out = text.stdout.decode()
    assert "status: NXDOMAIN" in out and ";; AUTHORITY SECTION:" in out
    assert "example.com.\t300\tIN\tSOA\tns1.example.com. hostmaster.example.com." in out


@pytest.mark.parametrize("desc,msg", [
    ("id 70000\n", "line 1"),
    ("id 1\n\n\nflags qr xx\n", "line 4"),
    ("question example.com. NOSUCHTYPE\n", "line 1"),
    ("answer www.example.com. 300 IN A 192.0.2\n", "line 1"),
    ("# comment\nrcode BADVERS\n", "needs an edns line"),
    ("edns 1232 option 10 0g\n", "line 1"),
])
def test_encode_errors_say_where(tool, desc, msg):
    r = run([tool("dnsim-wire"), "encode"], input=desc)
    assert r.returncode == 1 and msg in r.stderr and r.stdout == ""


def test_help_shows_both_formats(tool):
    r = run([tool("dnsim-wire"), "--help"])
    assert r.returncode == 0
    for word in ("decode", "encode", "--records", "--limit", "question NAME TYPE", "edns UDPSIZE"):
        assert word in r.stdout
    r = run([tool("dnsim-wire")])
    assert r.returncode == 2 and "usage" in r.stderr


def test_decode_rejects_bad_hex(tool):
    for text in ("12 3", "zz", "c0 0"):
        r = run([tool("dnsim-wire"), "decode", "-x"], input=text)
        assert r.returncode == 1 and "not hex" in r.stderr


# ---- malformed messages --------------------------------------------------

def _h(qd, an, ns, ar, flags="8100"):
    return bytes.fromhex("1234" + flags + "%04x%04x%04x%04x" % (qd, an, ns, ar))


_Q = bytes.fromhex("076578616d706c6500" "00010001")     # example. A IN, at offset 12
_PTR = bytes.fromhex("c00c")                           # -> example.
_OPT = bytes.fromhex("0000290200000000000000")


def _rr(owner, rtype, rd, rdlen=None):
    return (owner + rtype.to_bytes(2, "big") + b"\x00\x01\x00\x00\x0e\x10"
            + (len(rd) if rdlen is None else rdlen).to_bytes(2, "big") + rd)


MALFORMED = {
    "empty": b"",
    "short-header": bytes.fromhex("1234010000"),
    "header-11-octets": _h(0, 0, 0, 0)[:11],
    "count-lies": bytes.fromhex("123401000001000000000000"),
    "counts-more-records": _h(1, 2, 0, 0) + _Q + _rr(_PTR, 1, bytes.fromhex("c0000201")),
    "pointer-loop": bytes.fromhex("123401000001000000000000c00c00010001"),
    "pointer-forward": bytes.fromhex("123401000001000000000000c00e0001000100"),
    "pointer-past-end": bytes.fromhex("123401000001000000000000c0ff00010001"),
    "pointer-into-header": _h(1, 0, 0, 0) + bytes.fromhex("c00200010001"),
    "rdata-pointer-forward": _h(1, 1, 0, 0) + _Q + _rr(_PTR, 2, bytes.fromhex("026e73c0ff")),
    "label-type-0x40": bytes.fromhex("12340100000100000000000041610000010001"),
    "label-type-0x80": _h(1, 0, 0, 0) + bytes.fromhex("81610000010001"),
    "truncated-label": bytes.fromhex("12340100000100000000000005616263"),
    "question-name-256": _h(1, 0, 0, 0) + (bytes([63]) + b"a" * 63) * 4 + b"\x00\x00\x01\x00\x01",
    "rdlength-past-end": bytes.fromhex("123481000000000100000000000001000100000e100009c0000201"),
    "rdlength-wrong-for-a": bytes.fromhex("123481000000000100000000000001000100000e100003c00002"),
    "rdlength-wrong-for-aaaa": _h(1, 1, 0, 0) + _Q + _rr(_PTR, 28, bytes(5)),
    "rdlength-cuts-ns-name": _h(1, 1, 0, 0) + _Q + _rr(_PTR, 2, bytes.fromhex("026e73c00c"), 3),
    "rdlength-beyond-ns-name": _h(1, 1, 0, 0) + _Q + _rr(_PTR, 2, bytes.fromhex("026e73c00c00")),
    "mx-without-exchange": _h(1, 1, 0, 0) + _Q + _rr(_PTR, 15, bytes.fromhex("000a")),
    "soa-short": _h(1, 1, 0, 0) + _Q + _rr(_PTR, 6, bytes.fromhex("00000000010000000200000003")),
    "dnskey-short": _h(1, 1, 0, 0) + _Q + _rr(_PTR, 48, bytes.fromhex("0101")),
    "txt-length-lie": bytes.fromhex("123481000000000100000000000010000100000e10000305616263"),
    "txt-no-strings": _h(1, 1, 0, 0) + _Q + _rr(_PTR, 16, b""),
    "nsec-bad-bitmap": _h(1, 1, 0, 0) + _Q + _rr(_PTR, 47, bytes.fromhex("000000")),
    "trailing-garbage": dns.message.make_query("example.com", "A").to_wire() + b"\xff",
    "two-opt": bytes.fromhex("123401000000000000000002" + "0000290200000000000000" * 2),
    "opt-in-answer": bytes.fromhex("123481000000000100000000" + "0000290200000000000000"),
    "opt-in-authority": _h(1, 0, 1, 0) + _Q + _OPT,
    "opt-owner-not-root": _h(1, 0, 0, 1) + _Q + _PTR + _OPT[1:],
    # RFC 8659 4.1: a CAA tag is one or more ASCII letters and digits.
    "caa-tag-not-alnum": _h(1, 1, 0, 0) + _Q + _rr(_PTR, 257, bytes.fromhex("0005") + b"i\xb9sue" + b"ca"),
    "caa-tag-empty": _h(1, 1, 0, 0) + _Q + _rr(_PTR, 257, bytes.fromhex("0000") + b"ca"),
    # DS digest type 2 is SHA-256: 32 octets, not 20 (RFC 4509); dnspython
    # checks the length from the wire as our text reader does.
    "ds-digest-length-wrong": _h(1, 1, 0, 0) + _Q + _rr(_PTR, 43, bytes.fromhex("00010802") + bytes(20)),
    "cds-digest-length-wrong": _h(1, 1, 0, 0) + _Q + _rr(_PTR, 59, bytes.fromhex("00010801") + bytes(32)),
}
# Where dnspython 2.3 accepts what we refuse, and why we are right to:
DNSPYTHON_LENIENT = {
    # RFC 1035 3.3.14: TXT-DATA is one or more <character-string>s;
    # dnspython reads an empty RDATA as a TXT with no strings.
    "txt-no-strings",
}


def test_malformed_corpus_size():
    assert len(MALFORMED) >= 25


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_refused(tool, name):
    r = run([tool("dnsim-wire"), "decode", "-x"], input=MALFORMED[name].hex())
    assert r.returncode == 1 and "malformed message" in r.stderr, r.stdout
    assert r.stdout == ""
    if name in DNSPYTHON_LENIENT:
        dns.message.from_wire(MALFORMED[name])     # still lenient; else move it
    else:
        with pytest.raises(dns.exception.DNSException):
            dns.message.from_wire(MALFORMED[name])
