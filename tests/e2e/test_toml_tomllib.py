"""Our TOML parser against Python's own tomllib, file by file.

Valid files: the same values with the same types. Invalid files: both
reject, and ours says where (FILE:LINE:COL). Unsupported: tomllib accepts,
we reject with the documented reason.
"""
import json
import math
import pathlib
try:
    import tomllib
except ImportError:
    # Python 3.10 (Ubuntu 22.04) has no tomllib; tomli is the same parser
    # published apart (Debian/Ubuntu package python3-tomli).
    import tomli as tomllib

import pytest

from conftest import DATA, run

CORPUS = DATA / "toml"


def tagged(value):
    """tomllib's value in the typed-JSON shape dnsim-toml prints."""
    if isinstance(value, bool):
        return {"type": "bool", "value": "true" if value else "false"}
    if isinstance(value, int):
        return {"type": "integer", "value": str(value)}
    if isinstance(value, float):
        return {"type": "float", "value": value}
    if isinstance(value, str):
        return {"type": "string", "value": value}
    if isinstance(value, list):
        return [tagged(v) for v in value]
    if isinstance(value, dict):
        return {k: tagged(v) for k, v in value.items()}
    raise TypeError(f"unexpected {type(value)}")


def same(ours, theirs, path="$"):
    if isinstance(theirs, dict) and theirs.get("type") == "float":
        assert isinstance(ours, dict) and ours.get("type") == "float", path
        got = float(ours["value"])
        want = theirs["value"]
        if math.isnan(want):
            assert math.isnan(got), path
        else:
            assert got == want and math.copysign(1, got) == math.copysign(1, want), \
                f"{path}: {got} != {want}"
        return
    if isinstance(theirs, dict):
        assert isinstance(ours, dict), path
        assert list(ours) == list(theirs), f"{path}: keys {list(ours)} != {list(theirs)}"
        for k in theirs:
            same(ours[k], theirs[k], f"{path}.{k}")
        return
    if isinstance(theirs, list):
        assert isinstance(ours, list) and len(ours) == len(theirs), path
        for i, (a, b) in enumerate(zip(ours, theirs)):
            same(a, b, f"{path}[{i}]")
        return
    assert ours == theirs, path


def files(kind):
    return sorted((CORPUS / kind).glob("*.toml"))


@pytest.mark.parametrize("path", files("valid"), ids=lambda p: p.stem)
def test_valid_files_parse_like_tomllib(tool, path):
    want = tagged(tomllib.loads(path.read_bytes().decode()))
    r = run([tool("dnsim-toml"), str(path)])
    assert r.returncode == 0, r.stderr
    same(json.loads(r.stdout), want)


@pytest.mark.parametrize("path", files("invalid"), ids=lambda p: p.stem)
def test_invalid_files_rejected_with_position(tool, path):
    with pytest.raises((tomllib.TOMLDecodeError, UnicodeDecodeError)):
        tomllib.loads(path.read_bytes().decode())
    r = run([tool("dnsim-toml"), str(path)])
    assert r.returncode == 1
    line = r.stderr.strip().splitlines()[-1]
    prefix, _, message = line.partition(": ")
    fname, lineno, col = prefix.rsplit(":", 2)
    assert fname == str(path) and int(lineno) >= 1 and int(col) >= 1, line
    assert message, line


@pytest.mark.parametrize("path", files("unsupported"), ids=lambda p: p.stem)
def test_unsupported_files_rejected_on_purpose(tool, path):
    tomllib.loads(path.read_bytes().decode())      # tomllib takes them
    r = run([tool("dnsim-toml"), str(path)])
    assert r.returncode == 1
    assert "not supported" in r.stderr or "64 bits" in r.stderr, r.stderr


def test_error_points_at_the_right_place(tool, tmp_path):
    f = tmp_path / "t.toml"
    f.write_text('[a]\nx = 1\n\n[b]\ny = "open\n')
    r = run([tool("dnsim-toml"), str(f)])
    assert r.returncode == 1
    assert r.stderr.startswith(f"{f}:5:"), r.stderr
    f.write_text("[a]\nx = 1\n[a]\n")
    r = run([tool("dnsim-toml"), str(f)])
    assert r.stderr.startswith(f"{f}:3:") and "defined twice" in r.stderr, r.stderr
