"""The default internet (topologies/internet.toml): every case the seeds
walk through, checked from inside the simulated hosts with the tools a
newcomer would use -- dig, getent (glibc through the node's resolv.conf
and hosts) and curl."""
import os

import pytest

from conftest import TOP
from test_sim import running_sim

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the supervisor needs root")

NAME = "itest"


@pytest.fixture(scope="module")
def net(tool):
    with running_sim(tool, NAME, TOP / "topologies" / "internet.toml") as s:
        yield s


def on(net, node, *cmd):
    r = net.exec(NAME, node, *cmd, timeout=60)
    assert r.returncode == 0, f"{cmd} on {node}: {r.stdout}{r.stderr}"
    return r.stdout


def dig(net, node, *args):
    return on(net, node, "dig", "+time=3", "+tries=2", *args)


def short(net, node, *args):
    return dig(net, node, "+short", *args).split()


def section(out, name):
    """The records of one section of dig's output, as tuples of fields."""
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


def test_up_answers_from_the_readme(net):
    # README's first command shows this resolution.
    out = dig(net, "laptop", "www.example.com")
    # The laptop asks its own caching stub, which asks the ISP's resolver;
    # the phone asks the resolver straight.
    assert "status: NOERROR" in out and "SERVER: 127.0.0.53#53" in out
    assert rdata(section(out, "ANSWER"), "A") == ["203.0.113.10"]
    out = dig(net, "phone", "www.example.com")
    assert "status: NOERROR" in out and "SERVER: 198.18.10.53#53" in out
    assert rdata(section(out, "ANSWER"), "A") == ["203.0.113.10"]


# ---- seed 000's five use cases -------------------------------------------

def test_1_one_name_one_host_one_address(net):
    assert short(net, "laptop", "mail.example.com", "A") == ["203.0.113.25"]
    assert short(net, "phone", "mail.example.com", "AAAA") == ["2001:db8:113::25"]


def test_2_several_names_for_one_host(net):
    for name in ["example.com", "www.example.com"]:
        assert short(net, "laptop", name, "A") == ["203.0.113.10"], name
    out = dig(net, "laptop", "blog.example.com", "A")
    ans = section(out, "ANSWER")
    assert rdata(ans, "CNAME") == ["www.example.com."]
    assert rdata(ans, "A") == ["203.0.113.10"]


def test_3_one_host_several_addresses(net):
    out = dig(net, "laptop", "web1.example.com", "A")
    assert rdata(section(out, "ANSWER"), "A") == ["192.0.2.10", "203.0.113.10"]
    assert short(net, "laptop", "web1.example.com", "AAAA") == ["2001:db8:113::10"]
    # And web1 really has two links with those addresses.
    links = on(net, "web1", "ip", "-o", "-4", "addr", "show", "scope", "global")
    assert "eth0" in links and "203.0.113.10/24" in links
    assert "eth1" in links and "192.0.2.10/24" in links


def test_4_one_name_several_hosts_round_robin(net):
    # From the phone, which asks the resolver straight (the laptop's stub
    # would hand out its cached copy, in one order, for the TTL).
    orders = [tuple(short(net, "phone", "shop.example.com", "A")) for _ in range(4)]
    for o in orders:
        assert sorted(o) == ["203.0.113.10", "203.0.113.11", "203.0.113.12"]
    # The order rotates from one answer to the next.
    assert len(set(orders)) >= 2, orders
    # Straight from the authoritative server it rotates too.
    direct = [tuple(short(net, "laptop", "@203.0.113.53", "shop.example.com"))
              for _ in range(3)]
    assert len(set(direct)) == 3, direct


def test_5_inside_and_outside(net):
    assert short(net, "office-pc", "intranet.example.com") == ["10.1.0.80"]
    out = dig(net, "laptop", "intranet.example.com")
    assert "status: NXDOMAIN" in out
    # glibc on the office PC finds it by its short name (search domain).
    r = net.exec(NAME, "office-pc", "getent", "ahostsv4", "intranet")
    assert r.returncode == 0 and r.stdout.split()[0] == "10.1.0.80"
    r = net.exec(NAME, "laptop", "getent", "hosts", "intranet.example.com")
    assert r.returncode == 2 and r.stdout == ""


# ---- the other seeds' examples --------------------------------------------

def test_6_cname_chain_across_zones(net):
    out = dig(net, "laptop", "static.example.com", "A")
    ans = section(out, "ANSWER")
    chain = [(r[0], r[3], r[4]) for r in ans]
    assert chain == [("static.example.com.", "CNAME", "static.cdn-provider.net."),
                     ("static.cdn-provider.net.", "CNAME", "edge.cdn.net."),
                     ("edge.cdn.net.", "A", "203.0.113.12")]


def test_7_mail_records_soa_and_a_typo(net):
    assert short(net, "laptop", "example.com", "MX") == ["10", "mail.example.com."]
    txt = dig(net, "laptop", "example.com", "TXT")
    assert '"v=spf1 mx -all"' in txt
    dmarc = dig(net, "laptop", "_dmarc.example.com", "TXT")
    assert '"v=DMARC1; p=reject; rua=mailto:dmarc@example.com"' in dmarc
    assert short(net, "laptop", "example.com", "SOA") == [
        "ns1.example.com.", "hostmaster.example.com.", "2026112901", "7200", "3600",
        "1209600", "300"]
    out = dig(net, "laptop", "exampl.com", "A")
    assert "status: NXDOMAIN" in out
    auth = section(out, "AUTHORITY")
    assert auth and auth[0][0] == "com." and auth[0][3] == "SOA"
    assert auth[0][4] == "a.gtld-servers.net."


def test_8_hosts_file_wins_over_dns(net):
    r = net.exec(NAME, "laptop", "getent", "hosts", "www.example.org")
    assert r.stdout.split()[:2] == ["192.0.2.80", "www.example.org"]
    # DNS says otherwise; the phone, without the override, follows DNS.
    assert short(net, "laptop", "www.example.org") == ["203.0.113.11"]
    r = net.exec(NAME, "phone", "getent", "ahostsv4", "www.example.org")
    assert r.stdout.split()[0] == "203.0.113.11"


def test_9_web_servers_answer_http(net):
    page = on(net, "laptop", "curl", "-s", "--max-time", "10", "http://www.example.com/")
    assert "<h1>Served by web1</h1>" in page
    assert "http://www.example.com/ from 198.51.100.10" in page
    # The CDN chain ends at web3; the university's site is on web2.
    page = on(net, "laptop", "curl", "-s", "--max-time", "10", "http://static.example.com/")
    assert "Served by web3" in page
    page = on(net, "office-pc", "curl", "-s", "--max-time", "10",
              "http://www.university.edu/")
    assert "Served by web2" in page


def test_zone_cut_in_university(net):
    out = dig(net, "laptop", "www.cs.university.edu", "A")
    assert rdata(section(out, "ANSWER"), "A") == ["203.0.113.12"]
    # The parent refers; the child answers with authority.
    ref = dig(net, "laptop", "@203.0.113.70", "www.cs.university.edu", "A")
    assert "ANSWER: 0" in ref and "aa" not in ref.split("flags:")[1].split(";")[0]
    assert rdata(section(ref, "AUTHORITY"), "NS") == ["ns.cs.university.edu."]
    own = dig(net, "laptop", "@203.0.113.71", "www.cs.university.edu", "A")
    assert " aa" in own.split("flags:")[1].split(";")[0]


def test_uk_and_co_uk(net):
    assert short(net, "laptop", "www.example.co.uk") == ["203.0.113.11"]
    assert short(net, "laptop", "co.uk", "TXT") == ['"commercial', "names", "in", "the",
                                                  "United", "Kingdom\""]


def test_public_resolver_blocks(net):
    out = dig(net, "laptop", "@198.18.8.8", "ads.example.net")
    assert "status: NXDOMAIN" in out
    # Not blocked: resolved as usual, by a resolver open to everyone.
    assert short(net, "office-pc", "@198.18.8.8", "www.example.com") == ["203.0.113.10"]
    # The ISP's resolver refuses strangers.
    out = dig(net, "office-pc", "@198.18.10.53", "www.example.com")
    assert "status: REFUSED" in out


# ---- the three steps of the seeds' diagrams ---------------------------------

def test_root_refers_to_com(net):
    out = dig(net, "laptop", "+norecurse", "@198.18.1.4", "www.example.com", "A")
    assert "status: NOERROR" in out and "ANSWER: 0" in out
    assert rdata(section(out, "AUTHORITY"), "NS") == ["a.gtld-servers.net.",
                                                      "b.gtld-servers.net."]
    glue = section(out, "ADDITIONAL")
    assert rdata(glue, "A") == ["198.18.2.30", "198.18.2.31"]
    assert rdata(glue, "AAAA") == ["2001:db8:2::30", "2001:db8:2::31"]


def test_gtld_refers_to_example_com(net):
    out = dig(net, "laptop", "+norecurse", "@198.18.2.30", "www.example.com", "A")
    assert "ANSWER: 0" in out
    assert rdata(section(out, "AUTHORITY"), "NS") == ["ns1.example.com.",
                                                      "ns2.example.com."]
    assert rdata(section(out, "ADDITIONAL"), "A") == ["192.0.2.53", "203.0.113.53"]


def test_ns1_example_answers_with_authority(net):
    out = dig(net, "laptop", "+norecurse", "@203.0.113.53", "www.example.com", "A")
    flags = out.split("flags:")[1].split(";")[0]
    assert " aa" in flags
    assert rdata(section(out, "ANSWER"), "A") == ["203.0.113.10"]


def test_every_query_crosses_a_router(net):
    # The laptop's resolver is on another network than the laptop.
    route = on(net, "laptop", "ip", "route", "get", "198.18.10.53")
    assert "via 198.51.100.1" in route
    route = on(net, "isp-resolver", "ip", "route", "get", "198.18.1.4")
    assert "via 198.18.10.1" in route
