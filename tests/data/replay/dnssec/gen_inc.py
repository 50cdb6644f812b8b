"""Write hierarchy.inc: the servers of the signed test hierarchy as replay
entries (tests/data/replay/README.md), answering as an authoritative
server would from the zones in signed/ (make.sh signs them): each RRset
with its RRSIGs, DNSKEY and DS, referrals with the DS or the NSEC/NSEC3
proof that there is none, NODATA and NXDOMAIN with their proofs, and a
few wildcard expansions.  bogus.test.'s signatures (all but the DNSKEY
RRset's) are spoilt here, one octet each.  Run by make.sh; needs
dnspython."""
import base64

import dns.dnssec
import dns.name
import dns.rdataclass
import dns.rdatatype as T
import dns.rrset
import dns.zone

SERVERS = [  # zone, server address
    (".", "192.0.2.1"), ("test.", "192.0.2.2"), ("example.test.", "192.0.2.10"),
    ("nsec3.test.", "192.0.2.11"), ("bogus.test.", "192.0.2.13"),
    ("expired.test.", "192.0.2.14"), ("nokey.test.", "192.0.2.15"),
]
# Names that do not exist, asked for in the scenarios, and wildcard
# expansions (their answers carry the asked name as owner).
NXNAMES = ["nx", "nx.sub.deep"]
WILDNAMES = ["a.wild", "b.wild"]
UNSIGNED = ("unsigned.test.", "192.0.2.12", """unsigned.test. 3600 IN SOA ns.unsigned.test. admin.unsigned.test. 1 7200 3600 1209600 300
unsigned.test. 3600 IN NS ns.unsigned.test.
ns.unsigned.test. 3600 IN A 192.0.2.12
www.unsigned.test. 3600 IN A 192.0.2.81""")


def load(origin):
    f = f"signed/{origin.rstrip('.') or 'root'}.signed"
    return dns.zone.from_file(f, origin=origin, relativize=False, check_origin=False)


def spoil(rrset):
    """The same RRSIGs with the last octet of each signature changed."""
    out = dns.rrset.RRset(rrset.name, rrset.rdclass, rrset.rdtype)
    for r in rrset:
        sig = bytearray(r.signature)
        sig[-1] ^= 0x55
        out.add(r.replace(signature=bytes(sig)), rrset.ttl)
    return out


class Zone:
    def __init__(self, origin):
        self.origin = dns.name.from_text(origin)
        self.z = load(origin)
        self.bogus = origin == "bogus.test."
        self.nsec3 = None
        for name, node in self.z.nodes.items():
            for rds in node.rdatasets:
                if rds.rdtype == T.NSEC3PARAM:
                    self.nsec3 = rds[0]

    def rrset(self, name, rdtype):
        node = self.z.get_node(name)
        rds = node.get_rdataset(dns.rdataclass.IN, rdtype) if node else None
        if rds is None:
            return None
        s = dns.rrset.RRset(name, dns.rdataclass.IN, rdtype)
        s.update(rds)
        return s

    def sigs(self, name, covered, owner=None):
        node = self.z.get_node(name)
        rds = node.get_rdataset(dns.rdataclass.IN, T.RRSIG, covered) if node else None
        if rds is None:
            return None
        s = dns.rrset.RRset(owner or name, dns.rdataclass.IN, T.RRSIG, covered)
        s.update(rds)
        if self.bogus and covered != T.DNSKEY:
            s = spoil(s)
        return s

    def with_sigs(self, name, rdtype, owner=None):
        out = []
        s = self.rrset(name, rdtype)
        if s is None:
            return out
        if owner is not None:
            s = dns.rrset.RRset(owner, s.rdclass, s.rdtype)
            s.update(self.rrset(name, rdtype))
        out.append(s)
        sig = self.sigs(name, rdtype, owner)
        if sig:
            out.append(sig)
        return out

    def delegations(self):
        out = []
        for name, node in self.z.nodes.items():
            if name != self.origin and node.get_rdataset(dns.rdataclass.IN, T.NS):
                out.append(name)
        return sorted(out)

    def occluded(self, name):
        return any(name.is_subdomain(d) for d in self.delegations())

    def auth_names(self):
        return sorted(n for n in self.z.nodes if not self.occluded(n) and
                      self.z.nodes[n].get_rdataset(dns.rdataclass.IN, T.NSEC3) is None)

    # -- denial --------------------------------------------------------------
    def nsecs(self):
        return sorted(n for n, node in self.z.nodes.items()
                      if node.get_rdataset(dns.rdataclass.IN, T.NSEC))

    def nsec_covering(self, q):
        names = self.nsecs()
        best = names[-1]
        for n in names:
            if n <= q:
                best = n
        return best

    def h(self, name):
        p = self.nsec3
        return dns.dnssec.nsec3_hash(name, p.salt, p.iterations, p.algorithm).lower()

    def n3_owner(self, name):
        return dns.name.Name((self.h(name).encode(),)) + self.origin

    def n3s(self):
        return sorted((n for n, node in self.z.nodes.items()
                       if node.get_rdataset(dns.rdataclass.IN, T.NSEC3)),
                      key=lambda n: n.labels[0])

    def n3_covering(self, name):
        h = self.h(name).encode()
        names = self.n3s()
        best = names[-1]
        for n in names:
            if n.labels[0] <= h:
                best = n
        return best

    def exists(self, name):
        return any(n.is_subdomain(name) for n in self.z.nodes if not self.occluded(n) and
                   self.z.nodes[n].get_rdataset(dns.rdataclass.IN, T.NSEC3) is None)

    def encloser(self, q):
        n = q.parent()
        while not self.exists(n):
            n = n.parent()
        return n

    def proof(self, names, rdtype):
        out = []
        seen = set()
        for n in names:
            if n not in seen:
                seen.add(n)
                out += self.with_sigs(n, rdtype)
        return out

    def nodata(self, q):
        if self.nsec3:
            return self.proof([self.n3_owner(q)], T.NSEC3)
        if self.z.get_node(q) is not None:
            return self.proof([q], T.NSEC)
        return self.proof([self.nsec_covering(q)], T.NSEC)   # an empty non-terminal

    def nxdomain(self, q):
        ce = self.encloser(q)
        wc = dns.name.from_text("*", ce)
        if self.nsec3:
            nc = dns.name.Name(q.labels[len(q.labels) - len(ce.labels) - 1:])
            return self.proof([self.n3_owner(ce), self.n3_covering(nc), self.n3_covering(wc)],
                              T.NSEC3)
        return self.proof([self.nsec_covering(q), self.nsec_covering(wc)], T.NSEC)

    def ds_absent(self, child):
        if self.nsec3:
            return self.proof([self.n3_owner(child)], T.NSEC3)
        return self.proof([child], T.NSEC)


def lines(rrsets):
    out = []
    for s in rrsets:
        out += s.to_text().splitlines()
    return "\n".join(out)


def entry(match, flags, sections):
    out = [f"match {match}", f"reply {flags}".rstrip()]
    for sec, rrsets in sections:
        if rrsets:
            out.append(sec)
            out.append(lines(rrsets) if not isinstance(rrsets, str) else rrsets)
    return "\n".join(out)


def server(origin, addr):
    z = Zone(origin)
    soa = z.with_sigs(z.origin, T.SOA)
    blocks = [f"server {addr}", f"# {origin}"]
    for child in z.delegations():
        ns = z.rrset(child, T.NS)
        glue = []
        for r in ns:
            a = z.rrset(r.target, T.A)
            if a:
                glue.append(a)
        ds = z.with_sigs(child, T.DS)
        if ds:
            blocks.append(entry(f"{child} DS", "AA", [("answer", ds)]))
        else:
            blocks.append(entry(f"{child} DS", "AA", [("authority", soa + z.ds_absent(child))]))
        blocks.append(entry(f"below {child} any", "",
                            [("authority", [ns] + (ds or z.ds_absent(child))),
                             ("additional", glue)]))
    for wn in WILDNAMES:
        q = dns.name.from_text(wn, z.origin)
        wc = dns.name.from_text("*", q.parent())
        if z.z.get_node(wc) is None:
            continue
        ce = q.parent()
        if z.nsec3:
            nc = dns.name.Name(q.labels[len(q.labels) - len(ce.labels) - 1:])
            prf = z.proof([z.n3_covering(nc)], T.NSEC3)
        else:
            prf = z.proof([z.nsec_covering(q)], T.NSEC)
        blocks.append(entry(f"{q} A", "AA", [("answer", z.with_sigs(wc, T.A, owner=q)),
                                              ("authority", prf)]))
    for n in z.auth_names():
        node = z.z.nodes[n]
        cname = node.get_rdataset(dns.rdataclass.IN, T.CNAME)
        for rds in node.rdatasets:
            if rds.rdtype in (T.RRSIG, T.NSEC, T.NSEC3PARAM) or (rds.rdtype == T.NS and n != z.origin):
                continue
            if n.labels[0] == b"*":
                continue
            blocks.append(entry(f"{n} {T.to_text(rds.rdtype)}", "AA",
                                [("answer", z.with_sigs(n, rds.rdtype))]))
        if n.labels[0] == b"*":
            continue
        if cname:
            blocks.append(entry(f"{n} any", "AA", [("answer", z.with_sigs(n, T.CNAME))]))
        else:
            blocks.append(entry(f"{n} any", "AA", [("authority", soa + z.nodata(n))]))
    # Empty non-terminals answer NODATA too.
    ents = set()
    for n in list(z.z.nodes):
        p = n.parent() if n != z.origin else n
        while p != z.origin and p.is_subdomain(z.origin) and z.z.get_node(p) is None:
            if not z.occluded(p) and z.z.nodes[n].get_rdataset(dns.rdataclass.IN, T.NSEC3) is None:
                ents.add(p)
            p = p.parent()
    for p in sorted(ents):
        blocks.append(entry(f"{p} any", "AA", [("authority", soa + z.nodata(p))]))
    for nx in NXNAMES:
        q = dns.name.from_text(nx, z.origin)
        if z.z.get_node(q) is None and not z.occluded(q) and origin != ".":
            blocks.append(entry(f"{q} any", "AA NXDOMAIN", [("authority", soa + z.nxdomain(q))]))
    return "\n\n".join(blocks)


def main():
    print("# The signed test hierarchy (root, test., and below it example.test. with\n"
          "# NSEC, nsec3.test. with NSEC3, unsigned.test. without DS, bogus.test. with\n"
          "# spoilt signatures, expired.test. signed for January 2024 only, nokey.test.\n"
          "# whose DS names a key it does not publish), written by gen_inc.py from the\n"
          "# zones make.sh signed with dnsim-signzone (algorithm 13, valid 2024-2034).\n"
          "# Scenarios include it after their own entries, which come first.\n")
    for origin, addr in SERVERS:
        print(server(origin, addr))
        print()
    o, addr, text = UNSIGNED
    print(f"server {addr}\n# {o} (unsigned)")
    for line in text.splitlines():
        owner, ttl, _, rtype, _ = line.split(None, 4)
        print(entry(f"{owner} {rtype}", "AA", [("answer", line)]))
        print()
    print(entry("below unsigned.test. any", "AA NXDOMAIN", [("authority", text.splitlines()[0])]))


if __name__ == "__main__":
    main()
