#!/bin/sh
# make bench: dnsim-resolver beside Unbound and kresd (see resolver_bench.py),
# run under idle.py, which says whether the machine was idle meanwhile.
cd "$(dirname "$0")" || exit 1
[ -n "${BENCH_WATCHED:-}" ] && exec /usr/bin/python3 resolver_bench.py
exec /usr/bin/python3 idle.py resolver /usr/bin/python3 resolver_bench.py
