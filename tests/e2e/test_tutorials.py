"""The lessons in tutorials/: each one, run with `tutorial N --auto` on a
fresh default internet, must see every check it makes hold -- so the
text a student reads matches what the sim really does.  And a lesson
whose check fails must say so (exit 1) and show the step's hint."""
import os
import re

import pytest

from conftest import TOP
from test_sim import Sim, machine_snapshot, running_sim

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the supervisor needs root")

INTERNET = TOP / "topologies" / "internet.toml"
LESSONS = sorted((TOP / "tutorials").glob("[0-9][0-9]-*.md"))


def lesson_number(path):
    return path.name[:2]


def title(path):
    for line in path.read_text().splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    raise AssertionError(f"{path.name} has no title")


VETH = re.compile(r"^(n[0-9]+-[0-9]+|eth[0-9]+)(@.*)?$")


def own_snapshot(names):
    """machine_snapshot(), narrowed to what the sims called `names` could
    leave behind (namespaces, /run/dnsim and /etc/netns entries named
    after them, and veth-looking links in the host's namespace), so that
    other sims coming and going on the machine do not matter."""
    snap = machine_snapshot()

    def ours(entry):
        return any(entry == n or entry.startswith((n + "-", n + ".")) for n in names)

    return {
        "netns": [e for e in snap["netns"] if ours(e.split(" ")[0])],
        "run": [e for e in snap["run"] if ours(e)],
        "etc": [e for e in snap["etc"] if ours(e)],
        "links": [e for e in snap["links"] if VETH.match(e)],
    }


def running_own_sim(tool, name, path, *extra):
    """running_sim, checking only that nothing of this sim is left behind
    (other sims may come and go on the machine meanwhile)."""
    return running_sim(tool, name, path, *extra, snapshot=lambda: own_snapshot([name]))


@pytest.fixture
def fresh(tool):
    """fresh(NAME): a fresh default internet under that name; down
    afterwards, and the machine as it was."""
    before = {}
    s = Sim(tool("dnsim-sim"))

    def up(name):
        before[name] = own_snapshot([name])
        r = s.up(name, INTERNET)
        if r.returncode != 0:
            pytest.fail(f"sim up failed:\n{r.stdout}\n{r.stderr}")
        return s

    yield up
    s.down_all()
    for name, snap in before.items():
        assert own_snapshot([name]) == snap, f"sim {name} left something behind"


def test_there_are_lessons():
    assert len(LESSONS) >= 7, [p.name for p in LESSONS]
    numbers = [lesson_number(p) for p in LESSONS]
    assert len(set(numbers)) == len(numbers), numbers


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_passes_on_a_fresh_internet(fresh, path):
    n = lesson_number(path)
    name = f"tut{n}"
    s = fresh(name)
    r = s("--name", name, "tutorial", n, "--auto", timeout=300)
    out = r.stdout
    assert r.returncode == 0, f"lesson {n} failed:\n{out}\n{r.stderr}"
    last = out.rstrip().splitlines()[-1]
    assert last.endswith("0 not as expected"), last
    assert last.startswith(title(path) + ":"), last
    assert "not as expected\n  hint:" not in out


def test_tutorial_lists_every_lesson(tool):
    s = Sim(tool("dnsim-sim"))
    r = s("tutorial")
    assert r.returncode == 0, r.stderr
    listed = dict(re.findall(r"^  (\d\d)  (.+)$", r.stdout, re.M))
    for path in LESSONS:
        assert listed.get(lesson_number(path)) == title(path), (path.name, r.stdout)
    assert len(listed) == len(LESSONS), r.stdout


def test_a_failing_check_exits_1_and_shows_the_hint(fresh):
    s = fresh("tutfail")
    r = s("--name", "tutfail", "zone", "ns1-example", "del", "example.com", "www A")
    assert r.returncode == 0, r.stdout + r.stderr
    r = s("--name", "tutfail", "tutorial", "1", "--auto", timeout=300)
    out = r.stdout
    assert r.returncode == 1, out
    assert "not as expected\n" in out
    # The last step (the authoritative answer for www) has a hint.
    assert "  hint: Look at the \"flags:\" line" in out, out
    last = out.rstrip().splitlines()[-1]
    assert re.search(r": 6 steps, [1-9] not as expected$", last), last

