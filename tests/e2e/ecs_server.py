"""A fake authoritative server for test_ecs.py, run in its own network
namespace:  python3 ecs_server.py ROLE ADDRESS LOGFILE

ROLE "root": the root zone; geo.example. is delegated to the geo server
(GEO_ADDRESS in the environment), example. is an empty non-terminal.

ROLE "geo": the zone geo.example., which answers A questions by the
EDNS Client Subnet option it receives (RFC 7871): for a query with ECS
a.b.c.0/N the address 10.a.b.c, else 192.0.2.1.  The first label of the
name picks what it says back: "s24-..." echoes the option with SCOPE 24
(the answer holds for that /24), "s0-..." with SCOPE 0 (for everyone),
"none-..." sends no option at all; "formerr-..." answers FORMERR to a
query that carries ECS.

Both write one JSON line per query received to LOGFILE: {"qname",
"qtype", "ecs": "ADDR/SOURCE" or null}.  Stops on SIGTERM."""
import json
import os
import signal
import socket
import sys

import dns.edns
import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset

role, addr, logfile = sys.argv[1:4]
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind((addr, 53))
log = open(logfile, "a", buffering=1)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

GEO = dns.name.from_text("geo.example.")
ROOT_SOA = dns.rrset.from_text(".", 60, "IN", "SOA", "ns.root. h.root. 1 2 3 4 60")
GEO_SOA = dns.rrset.from_text("geo.example.", 60, "IN", "SOA",
                              "ns.geo.example. h.geo.example. 1 2 3 4 60")


def ecs_of(q):
    for o in q.options:
        if o.otype == dns.edns.ECS:
            return o
    return None


def respond(q, rcode=0, answer=(), authority=(), additional=(), aa=True, ecs=None):
    r = dns.message.make_response(q)
    if aa:
        r.flags |= dns.flags.AA
    r.set_rcode(rcode)
    r.answer.extend(answer)
    r.authority.extend(authority)
    r.additional.extend(additional)
    if q.edns >= 0:
        r.use_edns(0, 0, 1232, options=[ecs] if ecs else [])
    return r.to_wire()


def root(q, name, rdtype):
    glue = dns.rrset.from_text("ns.geo.example.", 3600, "IN", "A", os.environ["GEO_ADDRESS"])
    if name.is_subdomain(GEO):
        ns = dns.rrset.from_text("geo.example.", 3600, "IN", "NS", "ns.geo.example.")
        return respond(q, authority=[ns], additional=[glue], aa=False)
    if name == dns.name.root and rdtype in (dns.rdatatype.SOA, dns.rdatatype.NS):
        if rdtype == dns.rdatatype.SOA:
            return respond(q, answer=[ROOT_SOA])
        return respond(q, answer=[dns.rrset.from_text(".", 3600, "IN", "NS", "ns.root.")])
    if GEO.is_subdomain(name):
        return respond(q, authority=[ROOT_SOA])           # example.: no data
    return respond(q, rcode=dns.rcode.NXDOMAIN, authority=[ROOT_SOA])


def geo(q, name, rdtype, ecs):
    label = name.labels[0].decode().lower() if len(name) > 3 else ""
    if label.startswith("formerr-") and ecs is not None:
        return respond(q, rcode=dns.rcode.FORMERR)
    if rdtype != dns.rdatatype.A or not label:
        if name == GEO and rdtype == dns.rdatatype.NS:
            return respond(q, answer=[dns.rrset.from_text(name, 3600, "IN", "NS", "ns.geo.example.")])
        if name == dns.name.from_text("ns.geo.example.") and rdtype == dns.rdatatype.A:
            return respond(q, answer=[dns.rrset.from_text(name, 3600, "IN", "A", addr)])
        return respond(q, authority=[GEO_SOA])
    if ecs is not None and ecs.srclen > 0:
        octets = (ecs.address.split(".") + ["0", "0", "0"])[:3]
        where = "10." + ".".join(octets)
    else:
        where = "192.0.2.1"
    back = None
    if ecs is not None and not label.startswith("none-"):
        scope = 24 if label.startswith("s24-") else 0
        back = dns.edns.ECSOption(ecs.address, ecs.srclen, scope)
    return respond(q, answer=[dns.rrset.from_text(name, 300, "IN", "A", where)], ecs=back)


while True:
    wire, peer = sock.recvfrom(4096)
    try:
        q = dns.message.from_wire(wire)
    except Exception:
        continue
    name = q.question[0].name
    rdtype = q.question[0].rdtype
    ecs = ecs_of(q)
    log.write(json.dumps({"qname": name.to_text().lower(),
                          "qtype": dns.rdatatype.to_text(rdtype),
                          "ecs": f"{ecs.address}/{ecs.srclen}" if ecs else None}) + "\n")
    out = root(q, name, rdtype) if role == "root" else geo(q, name, rdtype, ecs)
    sock.sendto(out, peer)
