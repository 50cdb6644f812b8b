"""A lying authoritative server for attacker.com, run in its own network
namespace by test_resolver_behaviour.py:  python3 attacker.py ADDRESS

- poison.attacker.com A: a true answer with records for victim.net, which
  it has no authority over, riding along in authority and additional;
- race.attacker.com A: first a response with the wrong ID, one from
  another port, one for another question, then the real answer;
- noedns.attacker.com A: FORMERR to queries with EDNS, an answer without;
- zone-structure questions (QNAME minimisation): NODATA with the SOA.
Stops on SIGTERM."""
import signal
import socket
import sys
import time

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset

addr = sys.argv[1]
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind((addr, 53))
other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
other.bind((addr, 0))                      # a different source port
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))


def A(name, address):
    return dns.rrset.from_text(name, 300, "IN", "A", address)


def answer(q, *rrsets, rcode=0, authority=(), additional=()):
    r = dns.message.make_response(q)
    r.flags |= dns.flags.AA
    r.set_rcode(rcode)
    r.answer.extend(rrsets)
    r.authority.extend(authority)
    r.additional.extend(additional)
    return r.to_wire()


SOA = dns.rrset.from_text("attacker.com.", 300, "IN", "SOA",
                          "ns.attacker.com. h.attacker.com. 1 2 3 4 60")

while True:
    wire, peer = sock.recvfrom(4096)
    q = dns.message.from_wire(wire)
    name = q.question[0].name.to_text().lower()
    rdtype = q.question[0].rdtype
    if name == "attacker.com." or rdtype != dns.rdatatype.A:
        sock.sendto(answer(q, authority=[SOA]), peer)
    elif name == "poison.attacker.com.":
        sock.sendto(answer(q, A(name, "192.0.2.66"),
                           authority=[dns.rrset.from_text("victim.net.", 300, "IN", "NS", "ns.attacker.com.")],
                           additional=[A("www.victim.net.", "198.18.66.66"),
                                       A("ns.other.net.", "198.18.66.67")]), peer)
    elif name == "race.attacker.com.":
        bad = dns.message.from_wire(answer(q, A(name, "198.18.66.1")))
        bad.id = (q.id + 1) % 65536                                  # wrong ID
        sock.sendto(bad.to_wire(), peer)
        other.sendto(answer(q, A(name, "198.18.66.2")), peer)        # wrong port
        wrong = dns.message.make_query("other.attacker.com", "A")
        wrong.id = q.id                                             # wrong question
        sock.sendto(answer(wrong, A("other.attacker.com.", "198.18.66.3")), peer)
        time.sleep(0.05)
        sock.sendto(answer(q, A(name, "192.0.2.77")), peer)
    elif name == "noedns.attacker.com.":
        if q.edns >= 0:
            sock.sendto(answer(q, rcode=dns.rcode.FORMERR), peer)
        else:
            sock.sendto(answer(q, A(name, "192.0.2.88")), peer)
    else:
        sock.sendto(answer(q, rcode=dns.rcode.NXDOMAIN, authority=[SOA]), peer)
