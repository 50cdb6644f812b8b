#!/bin/sh
# make bench: dnsim-resolver beside Unbound and kresd (see resolver_bench.py).
cd "$(dirname "$0")/../.." && exec /usr/bin/python3 tests/bench/resolver_bench.py
