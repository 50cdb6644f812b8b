"""Malformed DNS queries for tests/e2e/test_hostile.py, made from a seeded
random generator so every run sends the same bytes: mutated valid
queries, compression pointer loops, lying counts, overlong RDLENGTHs and
labels, tiny packets, garbage, broken EDNS, responses (QR set).

    gen = Hostile(seed)
    kind, wire = gen.packet()      # one packet, of a kind chosen at random
"""
import random
import struct

import dns.edns
import dns.message
import dns.rdatatype

NAMES = ["example.com", "www.example.com", "mail.example.com", "x.wild.example.com",
         "_sip._udp.example.com", "nope.example.com", "sub.example.com",
         "www.sub.example.com", "big.example.com", "loop1.example.com", "example.org", "."]
TYPES = ["A", "AAAA", "MX", "TXT", "NS", "SOA", "SRV", "CAA", "ANY", "CNAME", "DS", "AXFR",
         "IXFR", "TYPE0", "TYPE65535", "OPT"]

HDR = struct.Struct("!HHHHHH")


def encode_name(name: str) -> bytes:
    if name == ".":
        return b"\0"
    return b"".join(bytes([len(l)]) + l.encode() for l in name.rstrip(".").split(".")) + b"\0"


class Hostile:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.valid = []
        for name in NAMES:
            for t in TYPES:
                for edns in (False, True):
                    try:
                        m = dns.message.make_query(name, t, use_edns=0 if edns else False,
                                                   payload=1232)
                    except Exception:
                        continue
                    self.valid.append(m.to_wire())
        self.kinds = [k for k in dir(self) if k.startswith("k_")]

    def packet(self):
        kind = self.r.choice(self.kinds)
        return kind[2:], getattr(self, kind)()

    # ---- helpers ------------------------------------------------------------

    def rid(self):
        return self.r.randrange(65536)

    def base(self):
        w = bytearray(self.r.choice(self.valid))
        w[0:2] = struct.pack("!H", self.rid())
        return w

    def hdr(self, flags=0, qd=1, an=0, ns=0, ar=0):
        return HDR.pack(self.rid(), flags, qd, an, ns, ar)

    def question(self):
        return encode_name(self.r.choice(NAMES)) + struct.pack("!HH", self.r.choice((1, 28, 15, 16, 255)), 1)

    def opt(self, size=1232, rcode_hi=0, version=0, flags=0, rdata=b"", owner=b"\0", rdlen=None):
        ttl = (rcode_hi << 24) | (version << 16) | flags
        return owner + struct.pack("!HHIH", 41, size, ttl, len(rdata) if rdlen is None else rdlen) + rdata

    # ---- kinds --------------------------------------------------------------

    def k_bitflip(self):
        w = self.base()
        for _ in range(self.r.randint(1, 8)):
            i = self.r.randrange(len(w) * 8)
            w[i // 8] ^= 1 << (i % 8)
        return bytes(w)

    def k_byteset(self):
        w = self.base()
        for _ in range(self.r.randint(1, 4)):
            w[self.r.randrange(len(w))] = self.r.choice((0, 0x3F, 0x40, 0x7F, 0x80, 0xC0, 0xFF, self.r.randrange(256)))
        return bytes(w)

    def k_truncate(self):
        w = self.base()
        return bytes(w[:self.r.randrange(len(w))])

    def k_extend(self):
        w = self.base()
        return bytes(w) + self.r.randbytes(self.r.choice((1, 2, 11, 100, self.r.randrange(1, 1400))))

    def k_insert_delete(self):
        w = self.base()
        i = self.r.randrange(len(w))
        if self.r.random() < 0.5:
            w[i:i] = self.r.randbytes(self.r.randint(1, 16))
        else:
            del w[i:i + self.r.randint(1, 16)]
        return bytes(w)

    def k_pointer_loop(self):
        # The question name is a pointer to itself, or two pointers in a
        # ring, or a label then a pointer back to the start of the name.
        v = self.r.randrange(4)
        if v == 0:
            name = b"\xc0\x0c"
        elif v == 1:
            name = b"\xc0\x0e\xc0\x0c"
        elif v == 2:
            name = b"\x03www\xc0\x0c"
        else:
            name = b"\x01a" * self.r.randint(1, 5) + b"\xc0" + bytes([12 + 2 * self.r.randint(0, 4)])
        return self.hdr(qd=1) + name + struct.pack("!HH", 1, 1)

    def k_pointer_forward(self):
        # Pointers forward, past the end, into the header, or 14-bit big.
        target = self.r.choice((0x0010, 0x0020, 0x3FFF, 0x0000, 0x0002, 0x0100))
        name = (b"\x03www" if self.r.random() < 0.5 else b"") + struct.pack("!H", 0xC000 | target)
        tail = self.r.randbytes(self.r.randrange(0, 40))
        return self.hdr(qd=1) + name + struct.pack("!HH", 1, 1) + tail

    def k_pointer_chain(self):
        # A long chain of pointers each pointing at the one before it:
        # fine by the rules, but every hop costs.
        body = bytearray(b"\x07example\x03com\x00")
        start = 12
        for _ in range(self.r.randint(10, 200)):
            prev = start
            start = 12 + len(body)
            body += struct.pack("!H", 0xC000 | prev)
        return self.hdr(qd=1) + bytes(body[:len(body)]) + struct.pack("!HH", 1, 1)

    def k_pointer_in_answer(self):
        # A query carrying an answer record whose owner loops.
        q = self.question()
        rr = b"\xc0" + bytes([12 + len(q)]) + struct.pack("!HHIH", 1, 1, 0, 4) + b"\x01\x02\x03\x04"
        return self.hdr(qd=1, an=1) + q + rr

    def k_lying_counts(self):
        w = self.base()
        field = self.r.choice((4, 6, 8, 10))
        w[field:field + 2] = struct.pack("!H", self.r.choice((65535, 65535, 2, 100, 0)))
        if self.r.random() < 0.3:
            w[4:12] = struct.pack("!HHHH", 65535, 65535, 65535, 65535)
        return bytes(w)

    def k_rdlength_overrun(self):
        q = self.question()
        rdlen = self.r.choice((65535, 5, 100, 1000))
        rr = b"\0" + struct.pack("!HHIH", self.r.choice((1, 16, 41, 6)), 1, 0, rdlen) + self.r.randbytes(self.r.randrange(4))
        sect = self.r.choice(("an", "ns", "ar"))
        return self.hdr(qd=1, **{sect: 1}) + q + rr

    def k_long_label(self):
        # A length byte from 64 to 255 (the extended and reserved label
        # types included), or a length beyond the packet.
        n = self.r.choice((63, 64, 65, 0x7F, 0x80, 0xBF, 0xFF))
        name = bytes([n]) + b"a" * self.r.choice((n, 10, 0))
        return self.hdr(qd=1) + name + self.r.choice((b"\0", b"")) + struct.pack("!HH", 1, 1)

    def k_long_name(self):
        # More than 255 octets of name, or 127+ one-octet labels.
        if self.r.random() < 0.5:
            labels = b"\x3f" + b"a" * 63
            name = labels * self.r.randint(4, 8) + b"\x07example\x03com\0"
        else:
            name = b"\x01a" * self.r.randint(120, 200) + b"\0"
        return self.hdr(qd=1) + name + struct.pack("!HH", 1, 1)

    def k_tiny(self):
        return self.r.randbytes(self.r.randrange(0, 13))

    def k_garbage(self):
        return self.r.randbytes(self.r.choice((13, 17, 64, 512, self.r.randrange(1, 1500))))

    def k_header_only(self):
        return HDR.pack(self.rid(), self.r.randrange(65536) & ~0x8000, *(self.r.choice((0, 1, 2, 65535)) for _ in range(4)))

    def k_edns_bad(self):
        q = self.question()
        v = self.r.randrange(10)
        if v == 0:      # OPT with an owner that is not the root
            opt, ar = self.opt(owner=b"\x03foo\0"), 1
        elif v == 1:    # two OPTs
            opt, ar = self.opt() + self.opt(size=512), 2
        elif v == 2:    # an option running past the RDATA
            opt, ar = self.opt(rdata=struct.pack("!HH", 10, 200) + b"abc"), 1
        elif v == 3:    # RDLENGTH past the end
            opt, ar = self.opt(rdata=b"\0\x0a", rdlen=300), 1
        elif v == 4:    # version 255, odd flags, UDP size 0
            opt, ar = self.opt(size=0, version=255, flags=0xFFFF), 1
        elif v == 5:    # client subnet with absurd lengths
            opt, ar = self.opt(rdata=struct.pack("!HHHBB", 8, 8, 1, 200, 0) + b"\xff" * 4), 1
        elif v == 6:    # a cookie of a wrong length
            opt, ar = self.opt(rdata=struct.pack("!HH", 10, 3) + b"abc"), 1
        elif v == 7:    # many options
            opt, ar = self.opt(rdata=b"".join(struct.pack("!HH", self.r.randrange(65536), 0) for _ in range(300))), 1
        elif v == 8:    # OPT in the answer section
            return self.hdr(qd=1, an=1) + q + self.opt()
        else:           # a huge UDP size, extended rcode set
            opt, ar = self.opt(size=65535, rcode_hi=0xFF), 1
        return self.hdr(qd=1, ar=ar) + q + opt

    def k_qr_set(self):
        w = self.base()
        w[2] |= 0x80
        return bytes(w)

    def k_odd_header(self):
        # Opcodes, Z bits, rcodes and qdcounts a query should not have.
        w = self.base()
        w[2] = (w[2] & 0x81) | (self.r.randrange(16) << 3) | self.r.choice((0, 0x04, 0x02))
        w[3] = self.r.randrange(256)
        if self.r.random() < 0.3:
            w[4:6] = struct.pack("!H", self.r.choice((0, 2, 3)))
        return bytes(w)

    def k_two_questions(self):
        return self.hdr(qd=2) + self.question() + self.question()

    def k_bad_class_type(self):
        return self.hdr(qd=1) + encode_name(self.r.choice(NAMES)) + struct.pack("!HH", self.r.randrange(65536), self.r.randrange(65536))
