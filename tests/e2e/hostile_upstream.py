"""A hostile authoritative server for the zone hostile., run in its own
network namespace by tests/e2e/test_hostile.py:

    python3 hostile_upstream.py ADDRESS

Names, in the zone hostile.:

- ok-N.hostile. A: answered correctly with addr(N) (every tenth over UDP
  with TC set, then correctly over TCP); other types: NODATA with the SOA;
- mix-N.hostile. A: the same correct answer, but first two or three of
  the mangled responses below that a careful resolver ignores;
- bad-N.hostile. (any type): only ever mangled, mode N % len(MODES):
  truncated bytes, garbage behind a right ID, wrong IDs, responses for
  other questions, compression loops, absurd counts, records for zones
  it has no authority over, answers from another source port, RDLENGTHs
  past the end, TC and then mangling over TCP (stalls, short frames,
  garbage, wrong IDs, a zero-length frame, an immediate close), upward
  and looping referrals, error rcodes, QR clear, broken OPT records,
  overlong labels, forward pointers, empty datagrams.

Every false address it ever sends is in 198.18.66.0/24 (POISON), so a
client can tell at once whether any of it got through.  The apex
(SOA, NS, ns.hostile. A) is answered correctly.  Stops on SIGTERM.
"""
import random
import signal
import socket
import struct
import sys
import threading

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import dns.rrset

ORIGIN = dns.name.from_text("hostile.")
POISON = "198.18.66."


def addr(n):
    """The true address of ok-N / mix-N."""
    return f"10.53.{n // 250 % 256}.{n % 250 + 1}"


def rrset(name, rdtype, *rdatas, ttl=300):
    return dns.rrset.from_text(name, ttl, "IN", rdtype, *rdatas)


SOA = rrset("hostile.", "SOA", "ns.hostile. admin.hostile. 1 3600 600 86400 60")
NS = rrset("hostile.", "NS", "ns.hostile.")


def response(q, answer=(), authority=(), additional=(), rcode=0, aa=True, edns=True):
    r = dns.message.make_response(q)
    if not edns:
        r.use_edns(False)
    if aa:
        r.flags |= dns.flags.AA
    r.set_rcode(rcode)
    r.answer.extend(answer)
    r.authority.extend(authority)
    r.additional.extend(additional)
    return r


def wire(m):
    return m.to_wire()


def poisoned(q, rng):
    """A response to q that looks right but carries a false address."""
    name = q.question[0].name.to_text()
    return response(q, [rrset(name, "A", POISON + str(rng.randrange(1, 255)))], edns=False)


def header(b, qid=None, flags=None, counts=None):
    b = bytearray(b)
    if qid is not None:
        b[0:2] = struct.pack("!H", qid)
    if flags is not None:
        b[2:4] = struct.pack("!H", flags)
    if counts is not None:
        b[4:12] = struct.pack("!HHHH", *counts)
    return bytes(b)


def question_end(b):
    """Offset after the (uncompressed) first question of a wire message."""
    i = 12
    while b[i]:
        i += b[i] + 1
    return i + 5


# ---- mangles: each returns a list of (wire, from_other_port) -----------------

def m_truncated(q, rng):
    w = wire(poisoned(q, rng))
    return [(w[:rng.randrange(1, len(w))], False)]


def m_garbage(q, rng):
    return [(header(rng.randbytes(rng.choice((12, 40, 300, 1200))), q.id, 0x8400), False)]


def m_wrong_id(q, rng):
    return [(header(wire(poisoned(q, rng)), (q.id + 1 + rng.randrange(65535)) % 65536), False)]


def m_other_question(q, rng):
    other = dns.message.make_query(rng.choice(("ok-1.hostile.", "www.victim.", "hostile.")),
                                   rng.choice(("A", "AAAA")))
    other.id = q.id
    return [(wire(poisoned(other, rng)), False)]


def m_pointer_loop(q, rng):
    w = wire(response(q, edns=False))
    qe = question_end(w)
    # Answer owner: a pointer to itself, or a label and a pointer back.
    owner = rng.choice((struct.pack("!H", 0xC000 | qe), b"\x01x" + struct.pack("!H", 0xC000 | qe)))
    rr = owner + struct.pack("!HHIH", 1, 1, 300, 4) + bytes([198, 18, 66, 9])
    return [(header(w, counts=(1, 1, 0, 0)) [:qe] + rr, False)]


def m_absurd_counts(q, rng):
    w = wire(poisoned(q, rng))
    counts = rng.choice(((1, 65535, 0, 0), (65535, 1, 0, 0), (1, 1, 65535, 65535), (0, 1, 0, 0)))
    return [(header(w, counts=counts), False)]


def m_out_of_bailiwick(q, rng):
    r = response(q, [rrset("www.victim.", "A", POISON + "66")],
                 [rrset("victim.", "NS", "ns.hostile.")],
                 [rrset("ns.victim.", "A", POISON + "67"), rrset("ns.hostile.", "A", POISON + "68")])
    return [(wire(r), False)]


def m_other_port(q, rng):
    return [(wire(poisoned(q, rng)), True)]


def m_rdlength(q, rng):
    w = wire(poisoned(q, rng))
    # The answer's RDLENGTH is the two octets before its 4-octet RDATA.
    return [(w[:-6] + struct.pack("!H", rng.choice((5, 300, 65535))) + w[-4:], False)]


def m_tc(q, rng):
    r = response(q)
    r.flags |= dns.flags.TC
    return [(wire(r), False)]


def m_upward_referral(q, rng):
    r = response(q, authority=[rrset(".", "NS", "a.root-servers.net.")],
                 additional=[rrset("a.root-servers.net.", "A", POISON + "53")], aa=False)
    return [(wire(r), False)]


def m_self_referral(q, rng):
    name = q.question[0].name.to_text()
    r = response(q, authority=[rrset(name, "NS", "ns." + name)],
                 additional=[rrset("ns." + name, "A", MY_ADDRESS)], aa=False)
    return [(wire(r), False)]


def m_rcode(q, rng):
    rc = rng.choice((dns.rcode.SERVFAIL, dns.rcode.REFUSED, dns.rcode.NOTIMP,
                     dns.rcode.FORMERR, dns.rcode.YXDOMAIN, 15))
    w = wire(poisoned(q, rng))
    flags = struct.unpack("!H", w[2:4])[0] & ~0xF | (rc & 0xF)
    return [(header(w, flags=flags), False)]


def m_qr_clear(q, rng):
    w = wire(poisoned(q, rng))
    return [(header(w, flags=struct.unpack("!H", w[2:4])[0] & ~0x8000), False)]


def m_bad_opt(q, rng):
    w = wire(poisoned(q, rng))
    opt = b"\0" + struct.pack("!HHIH", 41, 1232, 0, 40) + b"\0\x0a\0\x08"  # RDLENGTH past the end
    two = b"\0" + struct.pack("!HHIH", 41, 1232, 0, 0)
    if rng.random() < 0.5:
        return [(header(w, counts=(1, 1, 0, 1)) + opt, False)]
    return [(header(w, counts=(1, 1, 0, 2)) + two + two, False)]


def m_long_label(q, rng):
    w = wire(response(q, edns=False))
    qe = question_end(w)
    n = rng.choice((64, 0x7F, 0xBF, 0xFF))
    rr = bytes([n]) + b"a" * rng.choice((n, 20)) + b"\0" + struct.pack("!HHIH", 1, 1, 300, 4) + bytes([198, 18, 66, 10])
    return [(header(w, counts=(1, 1, 0, 0))[:qe] + rr, False)]


def m_forward_pointer(q, rng):
    w = wire(response(q, edns=False))
    qe = question_end(w)
    rr = struct.pack("!H", 0xC000 | rng.choice((qe + 20, 0x3FFF, 2))) + struct.pack("!HHIH", 1, 1, 300, 4) + bytes([198, 18, 66, 11])
    return [(header(w, counts=(1, 1, 0, 0))[:qe] + rr, False)]


def m_empty(q, rng):
    return [(b"", False), (bytes([rng.randrange(256)]), False), (header(b"\0" * 12, q.id, 0x8000), False)]


MODES = [m_truncated, m_garbage, m_wrong_id, m_other_question, m_pointer_loop, m_absurd_counts,
         m_out_of_bailiwick, m_other_port, m_rdlength, m_tc, m_upward_referral, m_self_referral,
         m_rcode, m_qr_clear, m_bad_opt, m_long_label, m_forward_pointer, m_empty]
# What a careful resolver drops unread and goes on waiting: sent before
# the true answer to mix-N.
IGNORABLE = [m_truncated, m_garbage, m_wrong_id, m_other_question, m_pointer_loop,
             m_absurd_counts, m_other_port, m_rdlength, m_qr_clear, m_bad_opt,
             m_long_label, m_forward_pointer, m_empty]


def parse_name(name):
    """('ok'|'mix'|'bad'|'apex'|None, N) for a query name."""
    if name == ORIGIN or name == dns.name.from_text("ns.hostile."):
        return "apex", 0
    if not name.is_subdomain(ORIGIN) or len(name.labels) != 3:
        return None, 0
    label = name.labels[0].decode().lower()
    kind, _, n = label.partition("-")
    if kind in ("ok", "mix", "bad") and n.isdigit():
        return kind, int(n)
    return None, 0


def correct(q):
    """The true answer to q (ok-N, mix-N, the apex, or NXDOMAIN)."""
    qn = q.question[0].name
    rdtype = q.question[0].rdtype
    kind, n = parse_name(qn)
    if kind == "apex":
        if qn == ORIGIN and rdtype == dns.rdatatype.SOA:
            return response(q, [SOA])
        if qn == ORIGIN and rdtype == dns.rdatatype.NS:
            return response(q, [NS], additional=[rrset("ns.hostile.", "A", MY_ADDRESS)])
        if qn != ORIGIN and rdtype == dns.rdatatype.A:
            return response(q, [rrset("ns.hostile.", "A", MY_ADDRESS)])
        return response(q, authority=[SOA])
    if kind in ("ok", "mix"):
        if rdtype == dns.rdatatype.A:
            return response(q, [rrset(qn.to_text(), "A", addr(n))])
        return response(q, authority=[SOA])
    return response(q, authority=[SOA], rcode=dns.rcode.NXDOMAIN)


def udp_replies(q, rng):
    """[(wire, from_other_port)] to send for one UDP query."""
    kind, n = parse_name(q.question[0].name)
    if kind == "bad":
        return MODES[n % len(MODES)](q, rng)
    out = []
    if kind == "mix":
        for m in rng.sample(IGNORABLE, rng.randint(2, 3)):
            out += m(q, rng)
    r = correct(q)
    if kind == "ok" and n % 10 == 0 and q.question[0].rdtype == dns.rdatatype.A:
        r = response(q)
        r.flags |= dns.flags.TC          # asked again over TCP, answered there
    out.append((wire(r), False))
    return out


def frame(b):
    return struct.pack("!H", len(b)) + b


def tcp_client(c, rng):
    """One TCP connection: answer correctly, except for bad-N, mangled."""
    c.settimeout(20)
    try:
        head = c.recv(2, socket.MSG_WAITALL)
        if len(head) < 2:
            return
        body = c.recv(struct.unpack("!H", head)[0], socket.MSG_WAITALL)
        q = dns.message.from_wire(body)
        kind, n = parse_name(q.question[0].name)
        if kind != "bad":
            c.sendall(frame(wire(correct(q))))
            c.recv(1)                    # until the client closes
            return
        how = (n // len(MODES)) % 7
        if how == 0:                     # stall: never answer
            c.recv(1)
        elif how == 1:                   # a frame longer than what follows, then close
            c.sendall(struct.pack("!H", 500) + wire(poisoned(q, rng))[:20])
        elif how == 2:                   # garbage behind a right ID, properly framed
            c.sendall(frame(header(rng.randbytes(200), q.id, 0x8400)))
            c.recv(1)
        elif how == 3:                   # a poisoned answer with a wrong ID
            c.sendall(frame(header(wire(poisoned(q, rng)), (q.id + 7) % 65536)))
            c.recv(1)
        elif how == 4:                   # a zero-length frame
            c.sendall(b"\0\0")
            c.recv(1)
        elif how == 5:                   # a 65535-octet frame of garbage
            c.sendall(frame(header(rng.randbytes(65535 - 12), q.id, 0x8400, (1, 65535, 0, 0))))
            c.recv(1)
        # how == 6: close at once
    except (OSError, ValueError, dns.exception.DNSException):
        pass
    finally:
        c.close()


def tcp_server(lsock):
    rng = random.Random(5)
    while True:
        c, _ = lsock.accept()
        threading.Thread(target=tcp_client, args=(c, random.Random(rng.random())), daemon=True).start()


# The address it serves on: the command line's (imported as a module by
# the tests for its list of modes, it has none).
MY_ADDRESS = sys.argv[1] if __name__ == "__main__" else "192.0.2.1"


def main():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sock.bind((MY_ADDRESS, 53))
    other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    other.bind((MY_ADDRESS, 0))          # a different source port
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind((MY_ADDRESS, 53))
    lsock.listen(256)
    threading.Thread(target=tcp_server, args=(lsock,), daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    rng = random.Random(1)
    sent = 0
    while True:
        data, peer = sock.recvfrom(65535)
        try:
            q = dns.message.from_wire(data)
            if not q.question:
                continue
        except dns.exception.DNSException:
            continue
        for w, from_other in udp_replies(q, rng):
            try:
                (other if from_other else sock).sendto(w, peer)
                sent += 1
            except OSError:
                pass


if __name__ == "__main__":
    main()
