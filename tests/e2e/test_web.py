"""`sim web`: the running default internet in a real browser.

Debian's Chromium, driven headless by chromedriver through
python3-selenium, opens the page with the token the server printed and
checks what a person would see: every node of the topology on the map,
the arrows of a dig from the laptop (a cold one walking root, TLD and
domain), a stopped server turning "stopped", a trace panel with the same
steps as `sim trace`, a lesson's step run from the page.  Without a
browser: the token and the Host header are required on every request,
arguments are checked, the server listens on 127.0.0.1 only, and browsers
that stop reading (or vanish) neither stall the sim nor the page of a
browser that does read."""
import contextlib
import http.client
import json
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse

import pytest

from conftest import TOP, run

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the supervisor needs root")

NAME = "webt"
INTERNET = TOP / "topologies" / "internet.toml"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def leftovers(name=NAME):
    """What our sim (only ours: others run theirs beside it) left behind."""
    ns = [n for n in run(["ip", "netns", "list"]).stdout.split()
          if n.startswith(name + "-") or n == name + ".switch"]
    return ns + [p for p in ("/run/dnsim/" + name,) if os.path.exists(p)]


class Web:
    def __init__(self, binary, port, url, token, proc, name=NAME):
        self.binary, self.port, self.url, self.token, self.proc = binary, port, url, token, proc
        self.name = name

    def sim(self, *args, timeout=120):
        return subprocess.run([self.binary, "--name", self.name, *args], capture_output=True,
                              text=True, timeout=timeout)

    def request(self, method, path, host=None, token=True, headers=None):
        """(status, headers, body) of one request, with the Host header given."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        if token:
            path += ("&" if "?" in path else "?") + "token=" + self.token
        c.putrequest(method, path, skip_host=True)
        c.putheader("Host", host if host is not None else f"127.0.0.1:{self.port}")
        for k, v in (headers or {}).items():
            c.putheader(k, v)
        c.endheaders()
        r = c.getresponse()
        body = r.read()
        c.close()
        return r.status, dict(r.getheaders()), body

    def json(self, method, path):
        status, _, body = self.request(method, path)
        return status, json.loads(body)


@contextlib.contextmanager
def web_on(binary, name, topology):
    """Sim `name` up from `topology`, and `sim web` on it; both stopped
    at the end, nothing left behind."""
    assert not leftovers(name), f"a sim named {name} is up already: {leftovers(name)}"
    r = subprocess.run([binary, "--name", name, "up", str(topology)], capture_output=True,
                       text=True, timeout=300)
    proc = None
    try:
        assert r.returncode == 0, f"sim up failed:\n{r.stdout}\n{r.stderr}"
        port = free_port()
        # Its complaints go to a file: a pipe nobody reads could fill.
        errors = tempfile.TemporaryFile(mode="w+")
        proc = subprocess.Popen([binary, "--name", name, "web", "--port", str(port)],
                                stdout=subprocess.PIPE, stderr=errors, text=True)
        url = None
        deadline = time.time() + 30
        while url is None and time.time() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            m = re.search(r"(http://127\.0\.0\.1:\d+/\?token=([0-9a-f]{32}))", line)
            if m:
                url, token = m.group(1), m.group(2)
        if url is None:
            errors.seek(0)
            pytest.fail(f"sim web printed no address: {errors.read()}")
        yield Web(binary, port, url, token, proc, name)
    finally:
        if proc is not None:
            proc.send_signal(signal.SIGTERM)
            try:
                rc = proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                rc = proc.wait()
            errors.seek(0)
            err = errors.read()
            # The sanitizer build says so when it leaks or worse.
            assert rc == 0 and "ERROR: " not in err, f"sim web exited {rc}:\n{err}"
        subprocess.run([binary, "--name", name, "down"], capture_output=True, timeout=120)
        assert not leftovers(name), f"left behind: {leftovers(name)}"


@pytest.fixture(scope="module")
def web(tool):
    with web_on(tool("dnsim-sim"), NAME, INTERNET) as w:
        yield w


def topology_nodes():
    try:
        import tomllib
    except ImportError:
        import tomli as tomllib
    with open(INTERNET, "rb") as f:
        return set(tomllib.load(f)["node"])


# ---- without a browser: who may ask ---------------------------------------

def test_token_is_required(web):
    assert web.request("GET", "/", token=False)[0] == 403
    assert web.request("GET", "/api/map", token=False)[0] == 403
    assert web.request("GET", "/api/events", token=False)[0] == 403
    wrong = "0" * 32 if web.token != "0" * 32 else "1" * 32
    assert web.request("GET", "/?token=" + wrong, token=False)[0] == 403
    assert web.request("GET", "/?token=" + web.token[:-1], token=False)[0] == 403
    status, headers, body = web.request("GET", "/")
    assert status == 200 and b"app.js" in body
    cookie = headers["Set-Cookie"]
    assert cookie.startswith(f"dnsim_token={web.token};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    # The cookie alone lets the page's own requests in.
    status, _, body = web.request("GET", "/api/map", token=False,
                                  headers={"Cookie": f"dnsim_token={web.token}"})
    assert status == 200 and json.loads(body)["sim"] == NAME
    status, _, _ = web.request("GET", "/api/map", token=False,
                               headers={"Cookie": "dnsim_token=" + wrong})
    assert status == 403


def test_host_header_must_be_the_loopback_address(web):
    p = web.port
    for host in (f"evil.example:{p}", "evil.example", f"127.0.0.1:{p + 1}", "127.0.0.1", "",
                 f"127.0.0.1.evil.example:{p}", f"localhost:{p}.evil"):
        status, _, _ = web.request("GET", "/api/map", host=host)
        assert status == 403, f"Host {host!r} got {status}"
    assert web.request("GET", "/api/map", host=f"localhost:{p}")[0] == 200
    assert web.request("GET", "/api/map", host=f"127.0.0.1:{p}")[0] == 200
    # Another site's page cannot post to it either.
    status, _, _ = web.request("POST", "/api/trace?name=www.example.com",
                               headers={"Origin": "http://evil.example"})
    assert status == 403


def test_listens_on_loopback_only(web):
    out = run(["ss", "-Hltn", f"sport = :{web.port}"]).stdout.split()
    assert f"127.0.0.1:{web.port}" in out, out
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.2", web.port), timeout=2).close()


def test_arguments_are_checked(web):
    for bad in ("a..b", "x" * 64 + ".com", ""):
        status, body = web.json("POST", "/api/trace?name=" + urllib.parse.quote(bad))
        assert status == 400 and "not a domain name" in body["error"], bad
    status, body = web.json("POST", "/api/trace?name=www.example.com&type=NOPE")
    assert status == 400 and "record type" in body["error"]
    status, body = web.json("POST", "/api/trace?name=www.example.com&from=..%2Fetc")
    assert status == 400
    status, body = web.json("POST", "/api/trace?name=www.example.com&from=--cold")
    assert status == 400
    status, body = web.json("GET", "/api/node?name=nobody")
    assert status == 404
    status, body = web.json("POST", "/api/step?lesson=1&step=999")
    assert status == 404
    status, body = web.json("POST", "/api/step?lesson=../../etc&step=1")
    assert status == 404
    assert web.request("GET", "/../README.md")[0] == 404
    assert web.request("GET", "/api/trace?name=www.example.com")[0] == 404  # POST only
    assert web.request("DELETE", "/api/map")[0] == 405


def test_node_panel_data(web):
    assert web.sim("exec", "laptop", "dig", "+short", "mail.example.com").returncode == 0
    status, body = web.json("GET", "/api/node?name=isp-resolver")
    assert status == 200
    assert "cache.entries" in body["stats"] or "cache size" in body["stats"]
    assert "mail.example.com." in body["cache"]
    status, body = web.json("GET", "/api/node?name=ns1-example")
    assert status == 200 and "example.com." in body["zones"]
    assert "rcode.NOERROR" in body["stats"]


class Stream:
    """An SSE client on a raw socket, so that a test can stop reading."""

    def __init__(self, web, rcvbuf=None):
        self.s = socket.socket()
        if rcvbuf:
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.s.connect(("127.0.0.1", web.port))
        self.s.sendall(f"GET /api/events?token={web.token} HTTP/1.1\r\n"
                       f"Host: 127.0.0.1:{web.port}\r\n\r\n".encode())
        self.buf = b""

    def read_for(self, seconds):
        self.s.settimeout(0.2)
        end = time.time() + seconds
        while time.time() < end:
            try:
                got = self.s.recv(65536)
            except socket.timeout:
                continue
            if not got:
                break
            self.buf += got
        return self.buf.decode(errors="replace")

    def close(self):
        self.s.close()


def sse_events(text, kind="dns"):
    """The JSON of every `event: kind` in an SSE stream's text."""
    out = []
    for block in text.split("\n\n"):
        lines = block.split("\n")
        if f"event: {kind}" in lines:
            data = [l[6:] for l in lines if l.startswith("data: ")]
            if data:
                try:
                    out.append(json.loads(data[0]))
                except ValueError:
                    pass
    return out


@pytest.mark.skipif(shutil.which("nsd") is None, reason="needs NSD (make deps-peers)")
def test_another_programs_messages_come_from_its_packets(tool, tmp_path):
    # NSD writes no query log of ours: what it is asked and answers is
    # seen in its packets.  A message one of our servers tells of itself
    # (isp-resolver's questions to it) is not shown twice.
    name = "webn"
    text = INTERNET.read_text().replace('zones = "../zones"', f'zones = "{TOP / "zones"}"')
    text = text.replace("[node.ns-example-org]\n",
                        '[node.ns-example-org]\nsoftware = "nsd"\n')
    topo = tmp_path / "nsd.toml"
    topo.write_text(text)
    with web_on(tool("dnsim-sim"), name, topo) as w:
        stream = Stream(w)
        try:
            stream.read_for(1.0)
            r = w.sim("exec", "laptop", "dig", "+time=3", "+tries=1", "@203.0.113.80",
                      "www.example.org", "A")
            assert "203.0.113.11" in r.stdout, r.stdout + r.stderr
            w.sim("cache", "isp-resolver", "flush")
            r = w.sim("exec", "laptop", "dig", "+time=5", "www.example.org", "A")
            assert "203.0.113.11" in r.stdout, r.stdout + r.stderr
            events = sse_events(stream.read_for(3.0))
        finally:
            stream.close()
    captured = [e for e in events if e["source"] == "capture"]
    pairs = {(e["from"], e["to"], e["kind"]) for e in captured
             if e["qname"].lower() == "www.example.org."}
    assert ("laptop", "ns-example-org", "query") in pairs, captured
    assert ("ns-example-org", "laptop", "answer") in pairs, captured
    # isp-resolver's walk is in its own trace, once.
    assert not [e for e in captured if "isp-resolver" in (e["from"], e["to"])], captured
    assert [e for e in events if e["source"] == "trace" and e["to"] == "ns-example-org"
            and e["qname"].lower() == "www.example.org."], events


def test_slow_and_vanished_browsers_do_not_stall_the_sim(web, tmp_path):
    # Browsers that never read, with the smallest receive buffers.
    stalled = [Stream(web, rcvbuf=4096) for _ in range(3)]
    live = Stream(web)
    try:
        names = tmp_path / "names"
        names.write_text("".join("www.example.com A\nmail.example.com A\n" for _ in range(50)))
        web.sim("exec", "laptop", "dig", "+short", "www.example.com")
        # Far more messages than the ring holds: 2 events per cached answer.
        perf = web.sim("exec", "laptop", "dnsperf", "-s", "198.18.10.53", "-d", str(names),
                       "-l", "6", "-Q", "3000", "-c", "4", timeout=60)
        assert perf.returncode == 0, perf.stderr
        sent = int(re.search(r"Queries sent:\s+(\d+)", perf.stdout).group(1))
        lost = int(re.search(r"Queries lost:\s+(\d+)", perf.stdout).group(1))
        assert sent > 10000, perf.stdout
        # The resolver answered (nearly) every query while the view could
        # not keep up with three of its browsers.
        assert lost <= sent // 1000, perf.stdout
        # The browser that reads sees fresh messages at once.
        live.read_for(0.5)
        live.buf = b""
        web.sim("exec", "laptop", "dig", "+short", "ns1.example.com")
        text = live.read_for(1.0)
        assert '"to":"isp-resolver","qname":"ns1.example.com."' in text, text[-2000:]
        # A stalled browser that reads again is told what it missed.
        text = stalled[0].read_for(3.0)
        assert "event: dropped" in text
        status, state = web.json("GET", "/api/state")
        assert status == 200 and state["dropped"] > 0
    finally:
        # Vanish without a word.
        for s in stalled:
            s.s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            s.close()
        live.close()
    t0 = time.time()
    status, _, _ = web.request("GET", "/api/state")
    assert status == 200 and time.time() - t0 < 2
    r = web.sim("exec", "laptop", "dig", "+short", "+time=2", "+tries=1", "web2.example.com")
    assert r.stdout.strip() == "203.0.113.11"


# ---- in a browser -----------------------------------------------------------

@contextlib.contextmanager
def chromium():
    """Headless Chromium through chromedriver, with a profile of its own."""
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.fail("chromium and chromium-driver are missing: run `make deps`")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail("python3-selenium is missing: run `make deps`")
    profile = tempfile.mkdtemp(prefix="dnsim-chromium-")
    o = webdriver.ChromeOptions()
    o.binary_location = CHROMIUM
    # Without these Chromium tries to reach Google's hosts.
    for a in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--disable-dev-shm-usage", "--window-size=1400,900", f"--user-data-dir={profile}"):
        o.add_argument(a)
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=o)
    try:
        yield d
    finally:
        with contextlib.suppress(Exception):
            d.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def browser(web):
    with chromium() as d:
        yield d


def wait_for(cond, timeout, step=0.05):
    end = time.time() + timeout
    while time.time() < end:
        v = cond()
        if v:
            return v
        time.sleep(step)
    return cond()


@pytest.fixture(scope="module")
def page(web, browser):
    browser.get(web.url)
    assert wait_for(lambda: browser.execute_script(
        "return !!(window.dnsim && window.dnsim.ready && window.dnsim.connected)"), 15)
    return browser


def test_page_refuses_without_the_token(web, browser):
    # A fresh tab without the cookie: the first request with it comes later.
    browser.delete_all_cookies()
    browser.get(f"http://127.0.0.1:{web.port}/")
    assert "forbidden" in browser.find_element("tag name", "body").text
    browser.get(f"http://127.0.0.1:{web.port}/?token={'f' * 32}")
    assert "forbidden" in browser.find_element("tag name", "body").text


def test_every_node_is_on_the_map(page):
    drawn = set(page.execute_script(
        "return [...document.querySelectorAll('#nodes .node')].map(g => g.dataset.node)"))
    assert drawn == topology_nodes()
    # ... and the token left the address bar.
    assert "token" not in page.current_url
    nets = page.execute_script(
        "return [...document.querySelectorAll('#nets .net')].map(g => g.dataset.net)")
    assert "transit" in nets and "roots" in nets


def arrows(page, qname, since):
    return page.execute_script(
        "return window.dnsim.drawn.filter(a => a.qname === arguments[0] && a.at >= arguments[1])",
        qname, since)


def test_dig_from_the_laptop_draws_a_cold_walk(web, page):
    # Both caches on the way: the laptop's stub and its resolver.
    assert web.sim("cache", "laptop", "flush").returncode == 0
    assert web.sim("cache", "isp-resolver", "flush").returncode == 0
    since = page.execute_script("return Date.now()")
    r = web.sim("exec", "laptop", "dig", "+short", "www.example.com")
    assert r.stdout.strip() == "203.0.113.10"
    done = time.time()
    got = wait_for(lambda: [a for a in arrows(page, "www.example.com.", since)
                            if a["from"] == "isp-resolver" and a["to"] == "laptop"], 1.0)
    assert got, f"no answer arrow within a second: {arrows(page, 'www.example.com.', since)}"
    assert time.time() - done < 1.5
    seen = page.execute_script("return window.dnsim.drawn.filter(a => a.at >= arguments[0])",
                               since)
    walk = [(a["from"], a["to"], a["kind"]) for a in seen]
    assert ("laptop", "isp-resolver", "query") in walk
    tier = {"a-root": "root", "b-root": "root", "gtld-a": "com", "gtld-b": "com",
            "ns1-example": "example.com", "ns2-example": "example.com"}
    asked = [tier.get(a["to"]) for a in seen if a["from"] == "isp-resolver" and a["kind"] == "query"]
    # Root, then a com. server, then an example.com. server.
    order = [t for i, t in enumerate(asked) if t and t not in asked[:i]]
    assert order == ["root", "com", "example.com"], walk
    kinds = [a["kind"] for a in seen if a["to"] == "isp-resolver" and a["from"] != "laptop"]
    # Two referrals, then the answer (in the signed default internet the
    # answers to the resolver's DNSKEY fetches come between them).
    first = kinds.index("referral")
    second = kinds.index("referral", first + 1)
    assert "answer" in kinds[second + 1:], walk
    # The message list says the same, newest first.
    rows = page.execute_script(
        "return [...document.querySelectorAll('#messages li')].map(li => li.dataset.from + '>' + li.dataset.to)")
    assert "isp-resolver>laptop" in rows and "laptop>isp-resolver" in rows


def test_stopped_server_turns_stopped(web, page):
    state = "return document.querySelector('[data-node=\"ns1-example\"]').dataset.state"
    assert page.execute_script(state) == "ready"
    assert web.sim("stop", "ns1-example").returncode == 0
    try:
        assert wait_for(lambda: page.execute_script(state) == "stopped", 3)
        assert page.execute_script(
            "return document.querySelector('[data-node=\"ns1-example\"]').classList.contains('stopped')")
    finally:
        assert web.sim("start", "ns1-example").returncode == 0
    assert wait_for(lambda: page.execute_script(state) == "ready", 10)


def test_link_down_shows_on_the_map(web, page):
    link = "return document.querySelector('[data-link=\"ns2-example hosting-b\"]').dataset.state"
    assert page.execute_script(link) == "up"
    assert web.sim("link", "down", "ns2-example", "hosting-b").returncode == 0
    try:
        assert wait_for(lambda: page.execute_script(link) == "down", 3)
    finally:
        assert web.sim("link", "up", "ns2-example", "hosting-b").returncode == 0
    assert wait_for(lambda: page.execute_script(link) == "up", 3)


def steps_of_cli(text):
    """The hops of `sim trace` text, addresses and times left out."""
    out = []
    for line in text.splitlines():
        m = re.search(r"\|\s(A|AAAA|MX|NS|TXT) (\S+)\? @", line)
        if m:
            out.append(f"{m.group(1)} {m.group(2)}?")
        m = re.search(r"(referral to \S+:|answer: \d+ records?|NXDOMAIN|timeout: no answer)", line)
        if m:
            out.append(m.group(1))
    return out


def steps_of_page(labels):
    return steps_of_cli("\n".join("| " + l for l in labels))


def test_trace_panel_shows_what_sim_trace_shows(web, page):
    cli = web.sim("trace", "www.example.org", "--cold")
    assert cli.returncode == 0, cli.stderr
    page.find_element("css selector", "#tabs [data-tab=trace]").click()
    box = page.find_element("id", "tname")
    box.clear()
    box.send_keys("www.example.org")
    page.find_element("id", "trun").click()
    assert wait_for(lambda: page.execute_script("return document.querySelectorAll('#tsteps li').length"), 30)
    labels = page.execute_script("return window.dnsim.lastTrace.trace.hops.map(h => h.label)")
    lanes = page.execute_script("return window.dnsim.lastTrace.trace.lanes")
    cli_lanes = cli.stdout.splitlines()[2].split()
    # The laptop asks through its caching stub (lesson 9).
    assert lanes[:3] == cli_lanes[:3] == ["laptop", "stub", "isp-resolver"]
    # Two walks, each free to pick among a zone's servers (a root letter
    # not yet measured counts as fast): the same kinds of server, the
    # same steps, but for retries.
    def tier(lane):
        return "root" if lane.endswith("root") else lane
    assert {tier(l) for l in lanes} == {tier(l) for l in cli_lanes}, (lanes, cli_lanes)

    def plain(steps):
        steps = [s for s in steps if not s.startswith("timeout")]
        return [s for i, s in enumerate(steps) if i == 0 or s != steps[i - 1]]
    steps = steps_of_cli(cli.stdout)
    assert plain(steps_of_page(labels)) == plain(steps)
    assert "A org.?" in steps and steps[steps.index("A org.?") + 1] == "referral to org.:", steps
    # The panel's text is sim trace's own.
    text = page.execute_script("return document.getElementById('ttext').textContent")
    assert text.splitlines()[0] == cli.stdout.splitlines()[0]
    # The same count of upstream queries (the keys fetched on the way
    # included: the default internet is signed).
    count = re.search(r"(\d+) upstream queries", cli.stdout)
    assert count and f"{count.group(1)} upstream queries" in text, (cli.stdout, text)
    # The diagram has a lane per participant, and the hops replay on the map.
    assert page.execute_script("return document.querySelectorAll('.seq .lane').length") == len(lanes)
    assert wait_for(lambda: page.execute_script(
        "return window.dnsim.drawn.some(a => a.from === 'org-tld' && a.kind === 'referral')"), 5)


def test_a_lesson_step_runs_from_the_page(web, page):
    page.find_element("css selector", "#tabs [data-tab=lessons]").click()
    assert wait_for(lambda: page.execute_script(
        "return document.querySelectorAll('#lessonbody .step').length"), 5)
    title = page.execute_script("return document.querySelector('#lessonbody h2').textContent")
    assert title == "The journey of a query"
    since = page.execute_script("return Date.now()")
    page.find_element("css selector", "#lessonbody .step[data-step='2'] button.run").click()
    verdict = "return document.querySelector(\"#lessonbody .step[data-step='2'] .verdict\").textContent"
    assert wait_for(lambda: "expected" in page.execute_script(verdict), 60)
    assert page.execute_script(verdict) == "\u2713 as expected"
    out = page.execute_script(
        "return document.querySelector(\"#lessonbody .step[data-step='2'] .output\").textContent")
    assert "$ sudo ./sim exec phone dig www.example.com" in out
    assert "SERVER: 198.18.10.53#53" in out
    # The step's dig is on the map too.
    assert wait_for(lambda: page.execute_script(
        "return window.dnsim.drawn.some(a => a.from === 'isp-resolver' && a.to === 'phone' && "
        "a.qname === 'www.example.com.' && a.at >= arguments[0])", since), 3)


def test_pause_stops_new_arrows(web, page):
    page.find_element("id", "pause").click()
    try:
        before = page.execute_script("return window.dnsim.drawn.length")
        web.sim("exec", "laptop", "dig", "+short", "blog.example.com")
        time.sleep(0.8)
        assert page.execute_script("return window.dnsim.drawn.length") == before, \
            page.execute_script("return [window.dnsim.paused, window.dnsim.drawn.slice(arguments[0])]", before)
        assert page.execute_script("return window.dnsim.pausedMissed") > 0
    finally:
        page.find_element("id", "pause").click()
    web.sim("exec", "laptop", "dig", "+short", "blog.example.com")
    assert wait_for(lambda: page.execute_script("return window.dnsim.drawn.length") > before, 2)


def test_node_panel_in_the_page(web, page):
    page.execute_script("document.querySelector('[data-node=\"isp-resolver\"]')"
                        ".dispatchEvent(new MouseEvent('click', {bubbles: true}))")
    assert wait_for(lambda: page.execute_script(
        "return !!document.querySelector('#node pre.cache')"), 15), \
        page.execute_script("return document.getElementById('node').textContent")
    assert "www.example" in page.execute_script(
        "return document.querySelector('#node pre.cache').textContent")
    assert page.execute_script(
        "return document.querySelectorAll('#node .recent li').length") > 0


def test_screenshot_of_a_cold_walk(web, page):
    """The README's picture, made from a live run (kept where
    DNSIM_WEB_SCREENSHOT says): a cold walk on the map, the trace beside."""
    page.find_element("css selector", "#tabs [data-tab=trace]").click()
    assert web.sim("cache", "isp-resolver", "flush").returncode == 0
    web.sim("exec", "laptop", "dig", "+short", "www.example.com")
    time.sleep(0.45)
    path = os.environ.get("DNSIM_WEB_SCREENSHOT") or str(pathlib.Path(tempfile.gettempdir()) / "dnsim-web.png")
    assert page.save_screenshot(path)
    assert os.path.getsize(path) > 10000


def test_a_vanished_browser_costs_nothing(web):
    with chromium() as d:
        d.get(web.url)
        assert wait_for(lambda: d.execute_script(
            "return !!(window.dnsim && window.dnsim.ready && window.dnsim.connected)"), 15)
        # The browser killed mid-stream, as a crash would: chromedriver's
        # children (Chromium) by their PIDs.
        kids = run(["pgrep", "-P", str(d.service.process.pid)]).stdout.split()
        assert kids
        for k in kids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(k), signal.SIGKILL)
    web.sim("exec", "laptop", "dig", "+short", "www.example.com")
    time.sleep(0.5)
    t0 = time.time()
    assert web.request("GET", "/api/state")[0] == 200
    assert time.time() - t0 < 2
    r = web.sim("exec", "laptop", "dig", "+short", "+time=2", "+tries=1", "web3.example.com")
    assert r.stdout.strip() == "203.0.113.12"


# ---- a big sim ----------------------------------------------------------------

BIG = "webk"


def test_a_thousand_nodes_stay_usable(tool, tmp_path):
    """1,000 plain hosts on five networks (the bench's generator): the page
    comes up folded by network, a search unfolds the one that holds the
    node, and unfolding all shows every node."""
    binary = tool("dnsim-sim")
    gen = TOP / "tests" / "bench" / "sim" / "gen_topology.py"
    r = subprocess.run(["/usr/bin/python3", str(gen), "1000", "bare", str(tmp_path), BIG],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert not os.path.exists("/run/dnsim/" + BIG), f"a sim named {BIG} is up already"
    proc = None
    stack = contextlib.ExitStack()
    try:
        r = subprocess.run([binary, "--name", BIG, "up", str(tmp_path / "topo.toml")],
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stdout + r.stderr
        port = free_port()
        proc = subprocess.Popen([binary, "--name", BIG, "web", "--port", str(port)],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        url = None
        while url is None:
            line = proc.stdout.readline()
            assert line, "sim web printed no address"
            m = re.search(r"http://127\.0\.0\.1:\d+/\?token=[0-9a-f]{32}", line)
            url = m.group(0) if m else None
        t0 = time.time()
        browser = stack.enter_context(chromium())
        browser.get(url)
        assert wait_for(lambda: browser.execute_script(
            "return !!(window.dnsim && window.dnsim.ready && window.dnsim.connected)"), 20)
        assert time.time() - t0 < 10
        count = "return document.querySelectorAll('#nodes .node').length"
        hidden = "return document.querySelectorAll('#nodes .node.hidden').length"
        assert browser.execute_script(count) == 1000
        # Folded: only the routers are drawn, each network as one box.
        assert browser.execute_script(hidden) == 995
        search = browser.find_element("id", "search")
        search.send_keys("h500\n")
        assert wait_for(lambda: browser.execute_script(
            "const n = document.querySelector('.node.found'); return n && n.dataset.node"), 2) == "h500"
        assert browser.execute_script(
            "return document.querySelector('[data-node=\"h500\"]').classList.contains('hidden')") is False
        assert browser.execute_script(hidden) < 995
        browser.find_element("id", "group").click()
        assert wait_for(lambda: browser.execute_script(hidden) == 0, 2)
        # Zoom works on it (the map's transform changes).
        before = browser.execute_script("return document.getElementById('viewport').getAttribute('transform')")
        browser.find_element("id", "zoomin").click()
        assert browser.execute_script(
            "return document.getElementById('viewport').getAttribute('transform')") != before
    finally:
        stack.close()
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        subprocess.run([binary, "--name", BIG, "down"], capture_output=True, timeout=300)
    assert not os.path.exists("/run/dnsim/" + BIG)
