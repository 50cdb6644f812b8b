#!/bin/sh
# Run the C unit tests given as arguments, then the pytest suite, and end
# with one summary line: "TOTAL: N passed, M failed, K skipped".
# Environment: DNSIM_BINDIR (tools built with sanitizers), PYTHON.
set -u
PYTHON=${PYTHON:-/usr/bin/python3}
top=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

passed=0 failed=0 skipped=0
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

echo "== C unit tests (AddressSanitizer + UndefinedBehaviorSanitizer)"
for t in "$@"; do
	line=$("$t" 2>"$out/err")
	rc=$?
	p=$(printf '%s\n' "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' | tail -n1)
	f=$(printf '%s\n' "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' | tail -n1)
	if [ -z "$p" ]; then
		# Crashed before its summary: count the binary as one failure.
		p=0 f=1
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	printf '  %-28s %s\n' "${t#*/tests/}" "${line:-crashed (exit $rc)}"
	[ "$rc" -ne 0 ] && sed 's/^/    /' "$out/err"
	passed=$((passed + p))
	failed=$((failed + f))
done

echo "== layout and end-to-end tests (pytest)"
"$PYTHON" -m pytest -q -rs -p no:cacheprovider --junitxml="$out/junit.xml" "$top/tests/layout" "$top/tests/e2e"
prc=$?
if [ -f "$out/junit.xml" ]; then
	counts=$("$PYTHON" - "$out/junit.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
t = sum(int(s.get("tests", 0)) for s in suites)
f = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
s = sum(int(s.get("skipped", 0)) for s in suites)
print(t - f - s, f, s)
PY
)
	set -- $counts
	passed=$((passed + $1)); failed=$((failed + $2)); skipped=$((skipped + $3))
fi
# pytest exit 5 means no tests were collected: treat as a failure, a
# suite that runs nothing proves nothing.
if [ "$prc" -ne 0 ] && { [ "$prc" -eq 5 ] || [ "$failed" -eq 0 ]; }; then
	failed=$((failed + 1))
fi

echo "TOTAL: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
