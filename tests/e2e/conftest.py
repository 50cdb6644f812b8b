"""Shared fixtures for the end-to-end tests.

The tests run the sanitizer build of the tools when `make test` starts
them (DNSIM_BINDIR points there) and the release build in bin/ otherwise.
"""
import os
import pathlib
import shutil
import subprocess

import pytest

TOP = pathlib.Path(__file__).resolve().parents[2]
DATA = TOP / "tests" / "data"


def bindir() -> pathlib.Path:
    env = os.environ.get("DNSIM_BINDIR")
    return pathlib.Path(env) if env else TOP / "bin"


@pytest.fixture(scope="session")
def tool():
    """tool("dnsim-zonecheck") -> absolute path of a built dnsim tool."""

    def find(name: str) -> str:
        path = bindir() / name
        if not path.exists():
            pytest.fail(f"{path} is missing: run `make` (or `make test`) first")
        return str(path)

    return find


@pytest.fixture(scope="session")
def named_checkzone():
    path = shutil.which("named-checkzone")
    if path is None:
        pytest.fail("named-checkzone is missing: run `make deps` (package bind9-utils)")
    return path


def run(cmd, **kw):
    """Run a command, capturing text output; never raises on exit status."""
    return subprocess.run(cmd, capture_output=True, text=True, **kw)
