"""Other DNS programs in the sim's nodes (the `software` key): the
default internet with each program in turn in every node of its role --
the seed use cases checked from the hosts with dig, getent and curl --
and the mixed internet, where BIND, NSD, Knot, PowerDNS, Unbound, Knot
Resolver and ours run together.  Every verb through each program: zone
edits through its reload, counters, caches, and `trace`, drawn from the
resolver's packets, showing the referral steps ours shows.  A feature a
program lacks, or a program that is not installed, is refused before
anything is built.

Sims here have names of their own (others run sims on this machine at
the same time): each test checks that what it built is gone afterwards.
"""
import os
import pathlib
import re
import shutil
import subprocess

import pytest

from conftest import TOP, run

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the supervisor needs root")

TAG = f"sw{os.getpid() % 10000}"

# program, role, the binaries it needs, its package
PROGRAMS = {
    "nsd": ("auth", ["nsd", "nsd-control"], "nsd"),
    "knot": ("auth", ["knotd", "knotc"], "knot"),
    "bind": ("auth", ["named", "rndc"], "bind9 bind9-utils"),
    "powerdns": ("auth", ["pdns_server", "pdns_control"], "pdns-server pdns-backend-bind"),
    "unbound": ("resolver", ["unbound", "unbound-control"], "unbound"),
    "kresd": ("resolver", ["kresd"], "knot-resolver"),
    "bind-resolver": ("resolver", ["named", "rndc"], "bind9 bind9-utils"),
    "pdns-recursor": ("resolver", ["pdns_recursor", "rec_control"], "pdns-recursor"),
}
VIEWS = {"bind"}          # authoritative programs with split horizon


def software(key):
    return "bind" if key == "bind-resolver" else key


def need(key):
    missing = [b for b in PROGRAMS[key][1] if shutil.which(b) is None
               and not os.path.exists(f"/usr/sbin/{b}")]
    if missing:
        pytest.skip(f"{key} is not installed ({', '.join(missing)}): sudo make deps-peers "
                    f"(package {PROGRAMS[key][2]})")


def leftovers(name):
    """What a sim named `name` could leave on the machine."""
    found = []
    if os.path.exists(f"/run/dnsim/{name}"):
        found.append(f"/run/dnsim/{name}")
    for ns in run(["ip", "netns", "list"]).stdout.split("\n"):
        ns = ns.split(" ")[0]
        if ns.startswith(f"{name}-") or ns.startswith(f"{name}."):
            found.append(f"netns {ns}")
    if os.path.isdir("/etc/netns"):
        found += [f"/etc/netns/{e}" for e in os.listdir("/etc/netns")
                  if e.startswith(f"{name}-") or e.startswith(f"{name}.")]
    return found


class Sim:
    def __init__(self, binary, name):
        self.binary, self.name = binary, name

    def __call__(self, *args, timeout=120, env=None):
        return subprocess.run([self.binary, "--name", self.name, *args], capture_output=True,
                              text=True, timeout=timeout, env=env)

    def on(self, node, *cmd):
        r = self("exec", node, *cmd, timeout=60)
        assert r.returncode == 0, f"{cmd} on {node}: {r.stdout}{r.stderr}"
        return r.stdout

    def dig(self, node, *args):
        return self.on(node, "dig", "+time=3", "+tries=2", *args)

    def short(self, node, *args):
        return self.dig(node, "+short", *args).split()


def up(tool, name, path):
    s = Sim(tool("dnsim-sim"), name)
    r = s("up", str(path))
    if r.returncode != 0:
        s("down", timeout=60)
        pytest.fail(f"sim up {path} failed:\n{r.stdout}\n{r.stderr}")
    return s


def down(s):
    s("down", timeout=60)
    assert leftovers(s.name) == [], f"sim {s.name} left something behind"


def substituted(key, out):
    """The default internet with program `key` in every node of its role
    that uses no feature the program lacks; returns the nodes it runs."""
    role = PROGRAMS[key][0]
    text = (TOP / "topologies" / "internet.toml").read_text()
    text = text.replace('zones = "../zones"', f'zones = "{TOP / "zones"}"')
    views = set(re.findall(r"^\[\[node\.([a-z0-9-]+)\.auth\.view\]\]", text, re.M))
    # ALIAS is a dnsim extension no other program serves: its zones stay ours.
    alias_files = {f.name for f in (TOP / "zones").glob("*.zone")
                   if re.search(r"^\S*\s+(\d+\s+)?(IN\s+)?ALIAS\s", f.read_text(), re.M)}
    aliased = set()
    lines, node, roles, ran = text.splitlines(), None, {}, []
    for line in lines:
        m = re.match(r"\[node\.([a-z0-9-]+)\]$", line)
        if m or line.startswith("["):
            node = m.group(1) if m else None
        elif node and line.startswith(("auth.", "resolver.")):
            roles[node] = "auth" if line.startswith("auth.") else "resolver"
            if any(f'"{z}"' in line for z in alias_files):
                aliased.add(node)
    result = []
    for line in lines:
        result.append(line)
        m = re.match(r"\[node\.([a-z0-9-]+)\]$", line)
        if m and roles.get(m.group(1)) == role and m.group(1) not in aliased and (
                software(key) in VIEWS or m.group(1) not in views):
            result.append(f'software = "{software(key)}"')
            ran.append(m.group(1))
    out.write_text("\n".join(result) + "\n")
    return ran


def section(out, name):
    rows, inside = [], False
    for line in out.splitlines():
        if line.startswith(f";; {name} SECTION:"):
            inside = True
            continue
        if inside:
            if not line.strip():
                break
            rows.append(tuple(line.split()))
    return rows


def rdata(rows, rtype):
    return sorted(" ".join(r[4:]) for r in rows if r[3] == rtype)


def referral_zones(trace_text, name="www.example.com."):
    """The zones on the way to `name` that a trace's referrals lead to, in
    order, each once (a resolver may also look up its nameservers'
    addresses on the way: BIND does, through net.)."""
    zones = []
    for z in re.findall(r"referral to (\S+):", trace_text):
        if ("." + name).endswith("." + z) and z not in zones:
            zones.append(z)
    return zones


# ---- the default internet, each program in turn ---------------------------

@pytest.fixture(scope="module", params=list(PROGRAMS))
def internet(request, tool, tmp_path_factory):
    key = request.param
    need(key)
    path = tmp_path_factory.mktemp(key) / "internet.toml"
    ran = substituted(key, path)
    assert ran, f"no node runs {key}"
    s = up(tool, f"{TAG}-{key[:6]}", path)
    s.key, s.ran = key, ran
    yield s
    down(s)


def test_seed_use_cases(internet):
    s = internet
    # The phone asks its resolver straight (the laptop has a caching stub
    # of ours in between).
    # 1. one name, one address; AAAA
    out = s.dig("phone", "www.example.com")
    assert "status: NOERROR" in out and "SERVER: 198.18.10.53#53" in out
    assert rdata(section(out, "ANSWER"), "A") == ["203.0.113.10"]
    assert s.short("phone", "mail.example.com", "AAAA") == ["2001:db8:113::25"]
    # 2. several names for one host: a CNAME
    ans = section(s.dig("phone", "blog.example.com", "A"), "ANSWER")
    assert rdata(ans, "CNAME") == ["www.example.com."] and rdata(ans, "A") == ["203.0.113.10"]
    # 3. one host, several addresses
    assert rdata(section(s.dig("phone", "web1.example.com"), "ANSWER"), "A") == [
        "192.0.2.10", "203.0.113.10"]
    # 4. one name, several hosts
    assert sorted(s.short("phone", "shop.example.com")) == [
        "203.0.113.10", "203.0.113.11", "203.0.113.12"]
    # 5. inside and outside (views: BIND or ours)
    assert s.short("office-pc", "intranet.example.com") == ["10.1.0.80"]
    assert "status: NXDOMAIN" in s.dig("phone", "intranet.example.com")
    r = s("exec", "office-pc", "getent", "ahostsv4", "intranet")
    assert r.returncode == 0 and r.stdout.split()[0] == "10.1.0.80"
    # 6. a CNAME chain across zones
    chain = [(r[0], r[3], r[4]) for r in section(s.dig("phone", "static.example.com"), "ANSWER")]
    assert chain == [("static.example.com.", "CNAME", "static.cdn-provider.net."),
                     ("static.cdn-provider.net.", "CNAME", "edge.cdn.net."),
                     ("edge.cdn.net.", "A", "203.0.113.12")]
    # 7. mail records, SOA, a typo
    assert s.short("phone", "example.com", "MX") == ["10", "mail.example.com."]
    assert '"v=spf1 mx -all"' in s.dig("phone", "example.com", "TXT")
    assert s.short("phone", "example.com", "SOA")[2] == "2026112901"
    out = s.dig("phone", "exampl.com")
    assert "status: NXDOMAIN" in out
    auth = section(out, "AUTHORITY")
    assert auth and auth[0][0] == "com." and auth[0][3] == "SOA"
    # 8. the hosts file wins; glibc follows DNS elsewhere
    r = s("exec", "laptop", "getent", "hosts", "www.example.org")
    assert r.stdout.split()[:2] == ["192.0.2.80", "www.example.org"]
    r = s("exec", "phone", "getent", "ahostsv4", "www.example.org")
    assert r.stdout.split()[0] == "203.0.113.11"
    # 9. web servers by name
    page = s.on("phone", "curl", "-s", "--max-time", "10", "http://www.example.com/")
    assert "<h1>Served by web1</h1>" in page
    # a zone cut, a second-level TLD, reverse DNS (classless too)
    assert rdata(section(s.dig("phone", "www.cs.university.edu"), "ANSWER"), "A") == [
        "203.0.113.12"]
    assert s.short("phone", "www.example.co.uk") == ["203.0.113.11"]
    assert s.short("phone", "-x", "198.51.100.66")[-1] == "ns.bakery.net."
    assert "web1.example.com." in s.short("mail", "-x", "203.0.113.10")
    # the public resolver's blocklist; the ISP's refuses strangers
    assert "status: NXDOMAIN" in s.dig("phone", "@198.18.8.8", "ads.example.net")
    assert s.short("office-pc", "@198.18.8.8", "www.example.com") == ["203.0.113.10"]
    stranger = s("exec", "office-pc", "dig", "+time=1", "+tries=1", "@198.18.10.53",
                 "www.example.com", timeout=30)
    if s.key == "pdns-recursor":
        # The PowerDNS Recursor drops queries from outside allow-from.
        assert stranger.returncode == 9 and "timed out" in stranger.stdout, stranger.stdout
    else:
        assert "status: REFUSED" in stranger.stdout, stranger.stdout


def test_servers_answer_as_ours(internet):
    s = internet
    if PROGRAMS[s.key][0] != "auth":
        pytest.skip("an authoritative program's answers")
    out = s.dig("laptop", "+norecurse", "@198.18.1.4", "www.example.com", "A")
    assert "ANSWER: 0" in out
    assert rdata(section(out, "AUTHORITY"), "NS") == ["a.gtld-servers.net.",
                                                      "b.gtld-servers.net."]
    assert rdata(section(out, "ADDITIONAL"), "A") == ["198.18.2.30", "198.18.2.31"]
    own = s.dig("laptop", "+norecurse", "@203.0.113.71", "www.cs.university.edu", "A")
    assert " aa" in own.split("flags:")[1].split(";")[0]


def test_status_names_the_program(internet):
    s = internet
    r = s("status")
    assert r.returncode == 0, r.stderr
    rows = {line.split()[0]: line.split() for line in r.stdout.splitlines()[1:]}
    for node in s.ran:
        assert rows[node][1].endswith(f":{software(s.key)}"), rows[node]
        assert rows[node][3] == "ready"


def test_zone_edit_through_the_programs_reload(internet):
    s = internet
    if PROGRAMS[s.key][0] != "auth":
        pytest.skip("an authoritative program's zones")
    assert "ns-example-org" in s.ran
    r = s("zone", "ns-example-org", "add", "example.org.", "added 60 A 192.0.2.77")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "ns-example-org serves example.org. serial" in r.stdout
    assert s.short("laptop", "@203.0.113.80", "added.example.org") == ["192.0.2.77"]
    r = s("zone", "ns-example-org", "del", "example.org.", "added A")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "status: NXDOMAIN" in s.dig("laptop", "@203.0.113.80", "added.example.org")
    out = s("zone", "ns-example-org", "show", "example.org.").stdout
    assert "ns1.example.org." in out and "added" not in out


def test_stats_and_cache(internet):
    s = internet
    node = s.ran[0]
    s.dig("laptop", "www.example.com")
    r = s("stats", node)
    assert r.returncode == 0, r.stderr
    queries = re.search(r"^  queries +(\d+)$", r.stdout, re.M)
    assert queries and int(queries.group(1)) > 0, r.stdout
    prom = s("stats", node, "--prometheus").stdout
    assert f'dnsim_queries_total{{node="{node}"' in prom
    if PROGRAMS[s.key][0] != "resolver":
        r = s("cache", node, "flush")
        assert r.returncode == 1 and "not a resolver" in r.stderr
        return
    r = s("cache", "isp-resolver", "dump")
    if s.key == "kresd":
        assert r.returncode == 1 and "no cache dump" in r.stderr
    else:
        assert r.returncode == 0 and "example.com" in r.stdout, r.stdout + r.stderr
    r = s("cache", "isp-resolver", "flush", "www.example.com")
    assert r.returncode == 0 and "cache flushed" in r.stdout, r.stderr
    r = s("cache", "isp-resolver", "flush")
    assert r.returncode == 0, r.stderr


def test_trace_through_each_resolver(internet):
    s = internet
    if PROGRAMS[s.key][0] != "resolver":
        pytest.skip("a resolver's trace")
    r = s("trace", "--cold", "www.example.com", "--from", "phone")
    assert r.returncode == 0, r.stderr
    assert "drawn from the packets in isp-resolver's namespace" in r.stdout
    assert referral_zones(r.stdout) == ["com.", "example.com."], r.stdout
    assert re.search(r"\| answer: 1 record", r.stdout), r.stdout
    assert re.search(r"www\.example\.com\.\t\d+\tIN\tA\t203\.0\.113\.10", r.stdout)
    # Warm: no query leaves the resolver.
    r = s("trace", "www.example.com", "--from", "phone")
    assert "0 upstream queries (answered from the cache)" in r.stdout, r.stdout


# ---- the mixed internet ---------------------------------------------------

@pytest.fixture(scope="module")
def mixed(tool):
    for key in ("nsd", "knot", "bind", "powerdns", "unbound", "kresd"):
        need(key)
    s = up(tool, f"{TAG}-mix", TOP / "topologies" / "mixed.toml")
    yield s
    down(s)


def test_mixed_runs_them_all(mixed):
    rows = {line.split()[0]: line.split() for line in mixed("status").stdout.splitlines()[1:]}
    programs = {rows[n][1] for n in rows if rows[n][1].startswith(("auth", "resolver"))}
    assert {"auth:bind", "auth:nsd", "auth:knot", "auth:powerdns", "auth",
            "resolver:unbound", "resolver:kresd", "resolver"} <= programs
    assert all(rows[n][3] == "ready" for n in rows if rows[n][1] != "router" and rows[n][2] != "-")
    s = mixed
    assert s.short("laptop", "www.example.com") == ["203.0.113.10"]
    assert s.short("office-pc", "intranet.example.com") == ["10.1.0.80"]
    chain = section(s.dig("laptop", "static.example.com"), "ANSWER")
    assert [r[4] for r in chain] == ["static.cdn-provider.net.", "edge.cdn.net.", "203.0.113.12"]
    assert "status: NXDOMAIN" in s.dig("laptop", "@198.18.8.8", "ads.example.net")
    assert s.short("laptop", "-x", "198.51.100.66")[-1] == "ns.bakery.net."
    r = s("exec", "phone", "getent", "ahostsv4", "www.university.edu")
    assert r.returncode == 0 and r.stdout.split()[0] == "203.0.113.11"


def test_trace_through_unbound_kresd_and_ours(mixed):
    unbound = mixed("trace", "--cold", "www.example.com")            # laptop: Unbound
    ours = mixed("trace", "--cold", "--from", "office-pc", "www.example.com")
    assert unbound.returncode == 0 and ours.returncode == 0, unbound.stderr + ours.stderr
    assert "Unbound" in unbound.stdout and "drawn from the packets" in unbound.stdout
    assert "drawn from the packets" not in ours.stdout
    assert referral_zones(unbound.stdout) == referral_zones(ours.stdout) == [
        "com.", "example.com."]
    # The hosted servers ask the public resolver: Knot Resolver.
    kresd = mixed("trace", "--cold", "--from", "mail", "www.example.com")
    assert kresd.returncode == 0 and "Knot Resolver" in kresd.stdout, kresd.stderr
    assert referral_zones(kresd.stdout) == ["com.", "example.com."], kresd.stdout
    for text in (unbound.stdout, ours.stdout):
        # root, then a gTLD server, then a server of example.com, each in its lane
        steps = re.findall(r"\| [A-Z]+ (\S+)\? @(\S+)", text)
        assert [q for q, _ in steps][-3:] == ["com.", "example.com.", "www.example.com."], text


def test_mixed_zone_edits_and_stats(mixed):
    s = mixed
    for node, zone, addr in [("gtld-a", "com.", "198.18.2.30"),       # NSD
                             ("ns-cdn", "cdn.net.", "203.0.113.60"),  # Knot
                             ("a-root", ".", "198.18.1.4"),           # BIND
                             ("hosting-ns", "hosting.net.", "203.0.113.5")]:  # PowerDNS
        name = f"edit-{node}.{zone}".replace("..", ".")
        r = s("zone", node, "add", zone, f"{name} 60 TXT \"{node}\"")
        assert r.returncode == 0, r.stdout + r.stderr
        assert f'"{node}"' in s.dig("laptop", "+norecurse", f"@{addr}", name, "TXT")
    # Two servers of one file change together: b-root runs BIND too.
    assert '"a-root"' in s.dig("laptop", "+norecurse", "@198.18.1.5", "edit-a-root.", "TXT")
    r = s("stats")
    assert r.returncode == 0, r.stderr
    for title in ("(auth, BIND 9)", "(auth, NSD)", "(auth, Knot DNS)",
                  "(auth, PowerDNS Authoritative)", "(resolver, Unbound)",
                  "(resolver, Knot Resolver)"):
        assert title in r.stdout, r.stdout


# ---- refused before anything is built --------------------------------------

def views_on(program, out):
    text = (TOP / "topologies" / "internet.toml").read_text()
    text = text.replace('zones = "../zones"', f'zones = "{TOP / "zones"}"')
    text = text.replace("[node.ns1-example]\n", f'[node.ns1-example]\nsoftware = "{program}"\n')
    out.write_text(text)


@pytest.mark.parametrize("program", ["nsd", "knot", "powerdns"])
def test_a_feature_the_program_lacks_is_refused(tool, tmp_path, program):
    path = tmp_path / "t.toml"
    views_on(program, path)
    s = Sim(tool("dnsim-sim"), f"{TAG}-refuse")
    for verb in (["check", str(path)], ["up", str(path)]):
        r = s(*verb)
        assert r.returncode == 1, r.stdout
        assert re.search(rf"t\.toml:\d+: node ns1-example: .* has no views", r.stderr), r.stderr
        assert "nothing was built" in r.stderr
        assert leftovers(s.name) == []


def test_a_role_the_program_lacks_is_refused(tool, tmp_path):
    text = (TOP / "topologies" / "internet.toml").read_text()
    text = text.replace('zones = "../zones"', f'zones = "{TOP / "zones"}"')
    text = text.replace("[node.isp-resolver]\n", '[node.isp-resolver]\nsoftware = "nsd"\n')
    (tmp_path / "t.toml").write_text(text)
    r = Sim(tool("dnsim-sim"), f"{TAG}-refuse")("up", str(tmp_path / "t.toml"))
    assert r.returncode == 1
    assert "node isp-resolver: NSD is an authoritative server, not a resolver" in r.stderr
    assert leftovers(f"{TAG}-refuse") == []


def test_a_program_not_installed_is_refused(tool, tmp_path):
    path = tmp_path / "t.toml"
    views_on("bind", path)
    s = Sim(tool("dnsim-sim"), f"{TAG}-missing")
    env = dict(os.environ, DNSIM_PROGRAM_PATH=str(tmp_path / "nowhere"))
    for verb in ("check", "up"):
        r = s(verb, str(path), env=env)
        assert r.returncode == 1, r.stdout
        assert ("node ns1-example runs BIND 9, but named is not installed here: "
                "sudo apt-get install bind9") in r.stderr, r.stderr
        assert "make deps-peers" in r.stderr and "nothing was built" in r.stderr
        assert leftovers(s.name) == []


# ---- a sinkhole, in each resolver ------------------------------------------

@pytest.mark.parametrize("key", ["unbound", "kresd", "bind-resolver", "pdns-recursor"])
def test_sinkhole(tool, tmp_path, key):
    need(key)
    tiny = TOP / "tests" / "data" / "topo"
    text = (tiny / "tiny.toml").read_text()
    text = text.replace('zones = "zones"', f'zones = "{tiny / "zones"}"')
    text = text.replace("[node.resolver.resolver]\n", f'[node.resolver.resolver]\n'
                        f'block = ["ads.example.com"]\nsinkhole = "192.0.2.1"\n')
    text = text.replace("[node.resolver]\n", f'[node.resolver]\nsoftware = "{software(key)}"\n')
    (tmp_path / "t.toml").write_text(text)
    s = up(tool, f"{TAG}-sink", tmp_path / "t.toml")
    try:
        assert s.short("laptop", "ads.example.com") == ["192.0.2.1"]
        assert s.short("laptop", "x.ads.example.com") == ["192.0.2.1"]
        assert s.short("laptop", "www.example.com") == ["203.0.113.80"]
    finally:
        down(s)
