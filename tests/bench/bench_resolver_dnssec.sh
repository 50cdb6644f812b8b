#!/bin/sh
# make bench: validating dnsim-resolver beside Unbound's validator (see
# resolver_dnssec_bench.py).
cd "$(dirname "$0")/../.." && exec /usr/bin/python3 tests/bench/resolver_dnssec_bench.py
