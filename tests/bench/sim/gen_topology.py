#!/usr/bin/python3
"""Write a benchmark topology for ./sim, and the same network as iproute2
batch scripts (the baseline bench_sim.sh compares against).

usage: gen_topology.py N MODE OUTDIR [NAME]

N nodes in all, routers included.  Host networks are /24s taken in order
from 198.18.0.0/15 (198.18.0.0/24, 198.18.1.0/24, ...), each holding at
most 200 nodes: its router (.1) and up to 199 hosts (.2, .3, ...).  One
backbone network, 198.19.255.0/24, joins the routers (router i is
198.19.255.(i+1)).

MODE bare: every non-router node is a plain host (no service).
MODE dns:  every non-router node runs dnsim-auth serving the one zone
           bench.example. from the shared file bench.zone; its NS,
           ns1.bench.example., is the first host (its address in the zone,
           and that node's hostname).

NAME is the [sim] name (default bench{N}-{MODE}); the sim's namespaces are
NAME-NODE and NAME.switch.

Written to OUTDIR:
  topo.toml, bench.zone (MODE dns)
  ip/namespaces    the baseline's namespaces, one a line (switch first):
                   ipb-NAME.switch and ipb-NAME-NODE
  ip/up-ns.batch   `ip -batch`: netns add of each
  ip/up-switch.batch  `ip -n SWITCH -batch`: loopback, bridges (up), veth
                   pairs with the outer end on its bridge (up) and the peer
                   created in the node's namespace (`netns`)
  ip/node/NODE.batch  `ip -n NS -batch` per node: links up, addresses,
                   routes (the same routes ./sim installs: one per other
                   network, via the nearest router)
  ip/routers       namespaces that need forwarding turned on
  ip/down.batch    `ip -batch`: netns delete of each
"""
import os
import sys

MAX_PER_NET = 200          # nodes on one host network, its router included
ZONE_ORIGIN = "bench.example."
ZONE_FILE = "bench.zone"
NS_NAME = "ns1.bench.example"


def die(msg):
    sys.stderr.write("gen_topology: %s\n" % msg)
    sys.exit(2)


def layout(n):
    """[(router, [hosts...]) per host network], node names in order."""
    nets = -(-n // MAX_PER_NET)
    hosts = n - nets
    if hosts < nets:
        die("%d nodes are too few: each network needs a router and a host" % n)
    out, h = [], 0
    for i in range(nets):
        count = hosts // nets + (1 if i < hosts % nets else 0)
        out.append(("r%d" % i, ["h%d" % (h + k) for k in range(count)]))
        h += count
    return out


def main():
    if len(sys.argv) not in (4, 5):
        die("usage: gen_topology.py N MODE OUTDIR [NAME]")
    try:
        n = int(sys.argv[1])
    except ValueError:
        die("N must be a number, not %r" % sys.argv[1])
    mode, outdir = sys.argv[2], sys.argv[3]
    if mode not in ("bare", "dns"):
        die("MODE must be bare or dns, not %r" % mode)
    if n < 2 or n > 200 * MAX_PER_NET:
        die("N must be between 2 and %d" % (200 * MAX_PER_NET))
    name = sys.argv[4] if len(sys.argv) == 5 else "bench%d-%s" % (n, mode)
    if not name or len(name) > 32 or any(c not in "abcdefghijklmnopqrstuvwxyz0123456789-" for c in name):
        die("bad sim name %r ([a-z0-9-], at most 32)" % name)

    nets = layout(n)
    backbone = "198.19.255"
    # Per node: [(network, address)], router flag.
    nodes = []
    for i, (router, hosts) in enumerate(nets):
        # 198.18.0.0/15 holds /24s 198.18.0 .. 198.19.254 (198.19.255 is the backbone).
        third = i % 256
        second = 18 + i // 256
        prefix = "198.%d.%d" % (second, third)
        nodes.append((router, [("net%d" % i, "%s.1" % prefix), ("backbone", "%s.%d" % (backbone, i + 1))], True))
        for k, h in enumerate(hosts):
            nodes.append((h, [("net%d" % i, "%s.%d" % (prefix, k + 2))], False))
    assert len(nodes) == n
    netprefix = {}
    for i in range(len(nets)):
        netprefix["net%d" % i] = "198.%d.%d.0/24" % (18 + i // 256, i % 256)
    netprefix["backbone"] = backbone + ".0/24"
    router_of = {}      # network -> (router name, its address there, its backbone address)
    for nm, addrs, is_router in nodes:
        if is_router:
            router_of[addrs[0][0]] = (nm, addrs[0][1], addrs[1][1])

    ns_host = nodes[1][0] if mode == "dns" else None   # first host after r0
    ns_addr = nodes[1][1][0][1]

    os.makedirs(outdir, exist_ok=True)
    t = ["# %d nodes (%s), written by tests/bench/sim/gen_topology.py" % (n, mode),
         "[sim]", 'name = "%s"' % name, ""]
    for i in range(len(nets)):
        t += ["[network.net%d]" % i, 'ipv4 = "%s"' % netprefix["net%d" % i], ""]
    t += ["[network.backbone]", 'ipv4 = "%s"' % netprefix["backbone"], ""]
    for nm, addrs, is_router in nodes:
        t.append("[node.%s]" % nm)
        if is_router:
            t.append("router = true")
        if nm == ns_host:
            t.append('hostname = "%s"' % NS_NAME)
        t.append("addresses = { %s }" % ", ".join('%s = "%s"' % a for a in addrs))
        if mode == "dns" and not is_router:
            t.append('auth.zones = { "%s" = "%s" }' % (ZONE_ORIGIN, ZONE_FILE))
        t.append("")
    with open(os.path.join(outdir, "topo.toml"), "w") as f:
        f.write("\n".join(t))
    if mode == "dns":
        with open(os.path.join(outdir, ZONE_FILE), "w") as f:
            f.write("$TTL 300\n"
                    "@    IN SOA ns1 hostmaster 1 3600 600 604800 300\n"
                    "@    IN NS  ns1\n"
                    "ns1  IN A   %s\n"
                    "www  IN A   192.0.2.80\n" % ns_addr)

    # The same network for iproute2.
    ipdir = os.path.join(outdir, "ip")
    os.makedirs(os.path.join(ipdir, "node"), exist_ok=True)
    sw = "ipb-%s.switch" % name
    nsname = {nm: "ipb-%s-%s" % (name, nm) for nm, _, _ in nodes}
    with open(os.path.join(ipdir, "namespaces"), "w") as f:
        f.write(sw + "\n" + "".join(nsname[nm] + "\n" for nm, _, _ in nodes))
    with open(os.path.join(ipdir, "up-ns.batch"), "w") as f:
        f.write("netns add %s\n" % sw)
        f.write("".join("netns add %s\n" % nsname[nm] for nm, _, _ in nodes))
    with open(os.path.join(ipdir, "down.batch"), "w") as f:
        f.write("".join("netns delete %s\n" % nsname[nm] for nm, _, _ in nodes))
        f.write("netns delete %s\n" % sw)
    with open(os.path.join(ipdir, "routers"), "w") as f:
        f.write("".join(nsname[nm] + "\n" for nm, _, r in nodes if r))
    s = ["link set lo up"]
    for net in list(netprefix):
        s.append("link add name %s up type bridge" % net)
    for idx, (nm, addrs, _) in enumerate(nodes):
        for k, (net, _) in enumerate(addrs):
            s.append("link add name n%d-%d master %s up type veth peer name eth%d netns %s"
                     % (idx, k, net, k, nsname[nm]))
    with open(os.path.join(ipdir, "up-switch.batch"), "w") as f:
        f.write("\n".join(s) + "\n")
    for nm, addrs, is_router in nodes:
        b = ["link set lo up"]
        on = set()
        for k, (net, addr) in enumerate(addrs):
            b.append("link set eth%d up" % k)
            b.append("address add %s/24 dev eth%d" % (addr, k))
            on.add(net)
        for net, prefix in netprefix.items():
            if net in on:
                continue
            if is_router:
                # Another host network, via its router on the backbone.
                via = router_of[net][2]
            else:
                via = router_of[addrs[0][0]][1]
            b.append("route add %s via %s" % (prefix, via))
        with open(os.path.join(ipdir, "node", nm + ".batch"), "w") as f:
            f.write("\n".join(b) + "\n")


if __name__ == "__main__":
    main()
