"""The layout of core/: layered folders, each including only from the
layers below it (never upward, never sideways), pure layers free of I/O,
and no folder holding more than a quarter of the code.

The layers, lowest first.  A folder may include its own headers and those
of any folder in a lower row; a new folder must be given a row here (and
in README's table) before it builds into the tree.
"""
import pathlib
import re

import pytest

CORE = pathlib.Path(__file__).resolve().parents[2] / "core"

LAYERS = [
    ["util", "dns", "toml"],      # pure: names, wire format, records, TOML
    ["dnssec"],                   # pure: keys, signatures, denial (libcrypto's arithmetic)
    ["io"],                       # the outside world: files, sockets, clock
    ["conf", "stream"],           # the daemons' config files; the sim's event stream (pure)
    ["auth", "resolver", "stub", "topo"],  # the daemons; the topology model (pure)
    ["netns"],                    # namespaces, netlink, build, teardown, state
    ["runtime"],                  # the running sim: monitor, services, probes
    ["draw", "teach"],            # pictures; lessons and exercises
    ["web"],                      # the browser view of a running sim
    ["sim", "tools", "linkd"],    # the command line; small tools; the link relay
]

# Pure layers do no I/O of their own: files come in through callbacks.
PURE = ["util", "dns", "toml", "dnssec", "conf", "topo", "stream"]
# io/addr.h is address parsing and formatting: types, no I/O.
PURE_MAY_USE = {"io/addr.h"}
IO_HEADERS = {"unistd.h", "fcntl.h", "dirent.h", "sched.h", "sys/socket.h",
              "sys/stat.h", "sys/mount.h", "sys/epoll.h", "sys/ioctl.h",
              "sys/signalfd.h", "poll.h"}
IO_CALLS = re.compile(r"\b(fopen|open|openat|socket|read|write|mkdir|unlink|rename|"
                      r"realpath|access|stat|opendir|clock_gettime|getpid|fork)\s*\(")

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^">]+)[">]', re.M)


def rank():
    return {folder: i for i, row in enumerate(LAYERS) for folder in row}


def sources(folder):
    return sorted((CORE / folder).glob("*.[ch]"))


def folders():
    return sorted(p.name for p in CORE.iterdir() if p.is_dir())


def test_every_folder_has_a_layer():
    placed = rank()
    missing = [f for f in folders() if f not in placed]
    assert not missing, f"core/ folders without a layer in {__file__}: {missing}"


@pytest.mark.parametrize("folder", folders())
def test_includes_only_from_below(folder):
    r = rank()
    if folder not in r:
        pytest.skip("no layer (reported above)")
    wrong = []
    for f in sources(folder):
        for kind, inc in INCLUDE.findall(f.read_text()):
            if kind != '"' or "/" not in inc:
                continue
            other = inc.split("/")[0]
            if other == folder:
                continue
            if other not in r or r[other] >= r[folder]:
                wrong.append(f"{f.relative_to(CORE.parent)} includes {inc}")
    assert not wrong, "includes that go up or sideways:\n" + "\n".join(wrong)


@pytest.mark.parametrize("folder", PURE)
def test_pure_layers_do_no_io(folder):
    wrong = []
    for f in sources(folder):
        text = f.read_text()
        for kind, inc in INCLUDE.findall(text):
            if kind == "<" and inc in IO_HEADERS:
                wrong.append(f"{f.name}: #include <{inc}>")
            if kind == '"' and inc.startswith("io/") and inc not in PURE_MAY_USE:
                wrong.append(f"{f.name}: #include \"{inc}\"")
        # Comments may name the calls they leave to others.
        code = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        for m in IO_CALLS.finditer(code):
            line = code[:m.start()].count("\n") + 1
            wrong.append(f"{f.name}: calls {m.group(1)}() (line {line} without comments)")
    assert not wrong, f"core/{folder} is a pure layer:\n" + "\n".join(wrong)


def test_no_folder_holds_more_than_a_quarter_of_the_code():
    lines = {f: sum(len(p.read_text().splitlines()) for p in sources(f)) for f in folders()}
    total = sum(lines.values())
    big = {f: n for f, n in lines.items() if n * 4 > total}
    assert not big, f"of {total} lines: {big}"
def test_every_pure_source_has_a_unit_test():
    tests = CORE.parent / "tests" / "unit"
    missing = [f"core/{d}/{c.name}" for d in PURE for c in sorted((CORE / d).glob("*.c"))
               if not (tests / d / f"test_{c.stem}.c").exists()]
    assert not missing, "pure sources without tests/unit/FOLDER/test_NAME.c:\n" + "\n".join(missing)
