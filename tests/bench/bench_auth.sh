#!/bin/sh
# make bench: dnsim-auth beside NSD and Knot (see auth_bench.py), run under
# idle.py, which says whether the machine was idle meanwhile.
cd "$(dirname "$0")" || exit 1
[ -n "${BENCH_WATCHED:-}" ] && exec /usr/bin/python3 auth_bench.py
exec /usr/bin/python3 idle.py auth /usr/bin/python3 auth_bench.py
