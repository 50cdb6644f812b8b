#!/bin/sh
# Run each libFuzzer harness for SECONDS, starting from its seed corpus
# in tests/fuzz/corpus/NAME (copied, so the repository's corpus does not
# grow), and report executions and findings.  Exit 1 on any crash or leak;
# reproducers are kept in build/fuzz/crashes/ (outside the sources).
# usage: run.sh SECONDS HARNESS...    (any build/fuzz/bin/fuzz_NAME)
set -u
if [ $# -lt 2 ]; then
	echo "usage: $0 SECONDS HARNESS..." >&2
	exit 2
fi
secs=$1
shift
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for bin in "$@"; do
	bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
	name=$(basename "$bin")            # fuzz_msg
	seed="$top/tests/fuzz/corpus/${name#fuzz_}"
	corpus="$work/$name"
	mkdir -p "$corpus"
	[ -d "$seed" ] && cp -r "$seed"/. "$corpus"/ 2>/dev/null
	log="$work/$name.log"
	( cd "$work" && "$bin" -max_total_time="$secs" -print_final_stats=1 \
		-artifact_prefix="$work/$name-" "$corpus" >"$log" 2>&1 )
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
	if [ $rc -ne 0 ]; then
		echo "fuzz: $name FAILED after ${execs:-?} executions:"
		grep -E "ERROR|SUMMARY|Test unit written" "$log" | head -n 5 | sed 's/^/  /'
		mkdir -p "$top/build/fuzz/crashes"
		for a in "$work/$name"-*; do
			[ -f "$a" ] && cp "$a" "$top/build/fuzz/crashes/" &&
				echo "  reproducer: build/fuzz/crashes/$(basename "$a")" &&
				echo "  rerun with: $bin build/fuzz/crashes/$(basename "$a")"
		done
		status=1
	else
		echo "fuzz: $name ran ${secs}s, ${execs:-?} executions, nothing found"
	fi
done
exit $status
