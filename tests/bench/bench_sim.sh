#!/bin/bash
# make bench: building and tearing down topologies.  For each size N
# (SIM_SIZES, default "300 1000 3000") and each mode (bare: plain hosts;
# dns: every host runs dnsim-auth), times `./sim up` and `./sim down` of a
# topology from sim/gen_topology.py, and beside it, in the same run, the
# same network made by iproute2: `ip -batch` for the namespaces, one
# `ip -n SWITCH -batch` for the bridges and veth pairs (peers created in
# the node namespaces with `netns`), one `ip -n NODE -batch` per node for
# links up, addresses and routes, forwarding on in the routers; torn down
# by `ip -batch` of `netns delete`.  The baseline starts no servers and
# writes no /etc/netns files.  Memory per node: MemAvailable before and
# after `up` (and the baseline's), over N; for dns also the PSS of the
# dnsim-auth processes.  Each figure is the median of ROUNDS (default 5)
# rounds.  The growth of `up` from each size to the next (time ratio over
# node ratio: 1.00 is linear) is given for sim and ip -batch alike, so a
# superlinear kernel shows in both.  Every round (a failed one as "fail") is also appended to the
# file BENCH_REPORT names, when set, for tests/bench/report.py.  Runs
# itself under idle.py, which says whether the machine was idle.  Needs
# root.  Every step is bounded (STEP_TIMEOUT s); every sim and namespace
# this script made is removed on exit.
set -u
[ -n "${BENCH_WATCHED:-}" ] ||
	exec /usr/bin/python3 "$(dirname "$0")/idle.py" sim bash "$0" "$@"
top=$(cd "$(dirname "$0")/../.." && pwd)
here="$top/tests/bench/sim"
SIZES=${SIM_SIZES:-"300 1000 3000"}
STEP_TIMEOUT=${STEP_TIMEOUT:-300}
ROUNDS=${ROUNDS:-5}
case $ROUNDS in ''|*[!0-9]*|0) echo "bench_sim: ROUNDS=$ROUNDS is not a count; using 5"; ROUNDS=5;; esac

report() {   # METRIC OURS PEER PEER_VALUE UNIT BETTER
	[ -n "${BENCH_REPORT:-}" ] || return 0
	printf 'sim\t%s\t%s\t%s\t%s\t%s\tbetter=%s\n' "$@" >> "$BENCH_REPORT"
}
note() { [ -n "${BENCH_REPORT:-}" ] && printf '# sim\t%s\n' "$*" >> "$BENCH_REPORT"; return 0; }
# The report's rows for one size and mode: OURS_* and IP_* figures or words.
report_rows() {   # N MODE UP IP_UP DOWN IP_DOWN MB IP_MB PSS
	report "up, $1 nodes $2" "$3" "ip -batch" "$4" s lower
	report "down, $1 nodes $2" "$5" "ip -batch" "$6" s lower
	report "memory per node after up, $1 $2" "$7" "ip -batch" "$8" MB lower
	[ "$2" = dns ] && report "dnsim-auth PSS per node, $1 dns" "$9" - - MB lower
	return 0
}
skip_all() {
	echo "bench_sim: $1; skipped"
	local n mode
	for n in $SIZES; do
		for mode in bare dns; do
			report_rows "$n" "$mode" skipped skipped skipped skipped skipped skipped skipped
		done
	done
	note "skipped: $1"
	exit 0
}
[ "$(id -u)" = 0 ] || skip_all "needs root (namespaces, links)"
for t in ip timeout awk /usr/bin/python3; do
	command -v $t >/dev/null || skip_all "$t is missing"
done
ip -V 2>&1 | grep -q iproute2 || skip_all "ip is not iproute2"
sim="$top/sim"
[ -x "$sim" ] && [ ! "$top/bin/dnsim-sim" -nt "$sim" ] || sim="$top/bin/dnsim-sim"
[ -x "$sim" ] && [ -x "$top/bin/dnsim-auth" ] ||
	skip_all "./sim or bin/dnsim-auth is not built (make)"
# The median of numbers on stdin, one a line ("" when there are none).
median() {
	grep -E '^-?[0-9]+([.][0-9]*)?$' | sort -g |
		awk '{v[NR] = $1} END {if (NR) printf "%.3f\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
med() { printf '%s\n' "$@" | median; }
# Rounds for the report, comma-separated; a failed round (FAIL, -) is "fail".
rounds_csv() {
	local out="" v
	for v in "$@"; do
		case $v in FAIL|-|"") v=fail;; esac
		out="$out${out:+,}$v"
	done
	echo "${out:-failed}"
}

work=$(mktemp -d)
sims=()      # sims this script brought up (or tried to)
nss=()       # namespaces this script made with ip
step=""      # the bounded step running now (its timeout process)
cleanup() {
	trap - EXIT INT TERM
	# An interrupted step first: timeout passes SIGTERM on (`sim up` rolls back).
	[ -n "$step" ] && { kill -TERM "$step" 2>/dev/null; wait "$step" 2>/dev/null; }
	for s in "${sims[@]}"; do
		[ -d "/run/dnsim/$s" ] && timeout -k 5 120 "$sim" --name "$s" down >/dev/null
	done
	for n in "${nss[@]}"; do
		[ -e "/run/netns/$n" ] && timeout -k 5 20 ip netns delete "$n"
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Run a step in the background and wait for it, so that a signal to this
# script is handled at once (the trap stops the step, then cleans up).
bounded() { "$@" & step=$!; wait "$step"; local rc=$?; step=""; return $rc; }
now() { echo "$EPOCHREALTIME"; }
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.3f", b - a}'; }
mem_avail_kb() { awk '/^MemAvailable:/ {print $2}' /proc/meminfo; }
# Namespaces are freed by the kernel after they are deleted: wait
# (bounded) until MemAvailable holds still, so one step's leftovers are
# not counted in the next.
settle() {
	# Freeing 10,000 namespaces takes the kernel tens of seconds after
	# `down` returns, and competes with the next step for the CPU: wait
	# for three still readings in a row (at most a minute).
	local a b i still=0
	a=$(mem_avail_kb)
	for i in $(seq 1 120); do
		sleep 0.5
		b=$(mem_avail_kb)
		if [ $(( b > a ? b - a : a - b )) -lt 2048 ]; then
			still=$((still + 1))
			[ $still -ge 3 ] && return
		else
			still=0
		fi
		a=$b
	done
}
# PSS (kB) of the dnsim-auth processes the sim's state log lists.
auth_pss_kb() {
	local pid total=0 kb
	for pid in $(awk '$1 == "proc" {print $2}' "/run/dnsim/$1/state" 2>/dev/null); do
		[ "$(cat /proc/$pid/comm 2>/dev/null)" = dnsim-auth ] || continue
		kb=$(awk '/^Pss:/ {print $2}' /proc/$pid/smaps_rollup 2>/dev/null)
		total=$(( total + ${kb:-0} ))
	done
	echo $total
}
# The iproute2 baseline, run by one shell: bash -c "$ip_up" _ IPDIR
ip_up='set -e
	d=$1; sw=$(head -n1 "$d/namespaces")
	ip -batch "$d/up-ns.batch"
	ip -n "$sw" -batch "$d/up-switch.batch"
	pre=${sw%.switch}
	for f in "$d"/node/*.batch; do
		n=${f##*/}; ip -n "$pre-${n%.batch}" -batch "$f"
	done
	while read -r r; do
		ip netns exec "$r" sh -c "echo 1 > /proc/sys/net/ipv4/ip_forward &&
			echo 1 > /proc/sys/net/ipv6/conf/all/forwarding"
	done < "$d/routers"'

fails=0
rows=()
declare -A up_med ip_med   # "N mode" -> the median up time (s)
growth=()
row() { rows+=("$(printf "%6s %-5s %9s %8s %12s %8s %7s %11s %10s %8s %8s %8s" "$@")"); }
per() { [ -z "$1" ] && echo - || awk -v s="$1" -v n="$n" 'BEGIN {printf "%.2f", s * 1000 / n}'; }
# Memory dropped between two MemAvailable readings, MB per node.
mb_per() { awk -v a="$1" -v b="$2" -v n="$n" 'BEGIN {printf "%.2f", (a - b) / 1024 / n}'; }
echo "bench_sim: sizes $SIZES; $ROUNDS round(s) each; $(nproc) CPUs; $sim; $(ip -V 2>&1 | head -n1)"
for n in $SIZES; do
	for mode in bare dns; do
		ups=() downs=() ipups=() ipdowns=() mbs=() ipmbs=() psss=()
		for r in $(seq 1 "$ROUNDS"); do
			name="bench$n-$mode-$$-$r"
			dir="$work/$name"
			if ! /usr/bin/python3 "$here/gen_topology.py" "$n" "$mode" "$dir" "$name" >"$work/gen.log" 2>&1; then
				echo "bench_sim: gen_topology.py $n $mode failed:"; cat "$work/gen.log"
				fails=$((fails + 1))
				ups+=(FAIL) downs+=(FAIL) ipups+=(FAIL) ipdowns+=(FAIL) mbs+=(-) ipmbs+=(-) psss+=(-)
				continue
			fi
			# ./sim
			settle
			before=$(mem_avail_kb)
			sims+=("$name")
			t=$(now)
			bounded timeout -k 10 "$STEP_TIMEOUT" "$sim" up "$dir/topo.toml" >"$work/up.log" 2>&1
			rc=$?
			up_s=$(since "$t")
			if [ $rc -ne 0 ]; then
				echo "bench_sim: N=$n $mode: sim up failed (exit $rc) after $up_s s:"
				grep -v '^  ' "$work/up.log" | head -n 20 | sed 's/^/bench_sim:   /'
				fails=$((fails + 1)); up_s=FAIL
			fi
			sleep 0.5
			after=$(mem_avail_kb)
			mb=$(mb_per "$before" "$after")
			pss=-
			[ "$mode" = dns ] && pss=$(awk -v k="$(auth_pss_kb "$name")" -v n="$n" \
				'BEGIN {printf "%.2f", k / 1024 / n}')
			t=$(now)
			down_s=FAIL
			if bounded timeout -k 10 "$STEP_TIMEOUT" "$sim" --name "$name" down >"$work/down.log" 2>&1; then
				down_s=$(since "$t")
			else
				echo "bench_sim: N=$n $mode: sim down failed:"; head -n 20 "$work/down.log"; fails=$((fails + 1))
			fi
			[ "$up_s" = FAIL ] && mb=- pss=-
			# iproute2
			settle
			mapfile -t made < "$dir/ip/namespaces"
			for x in "${made[@]}"; do
				[ -e "/run/netns/$x" ] && { echo "bench_sim: namespace $x exists already; stopping"; exit 1; }
		done
		nss+=("${made[@]}")
		before=$(mem_avail_kb)
		t=$(now)
		if bounded timeout -k 5 "$STEP_TIMEOUT" bash -c "$ip_up" _ "$dir/ip" >"$work/ip.log" 2>&1; then
			ip_s=$(since "$t")
			sleep 0.5
			ipmb=$(mb_per "$before" "$(mem_avail_kb)")
		else
			ip_s=FAIL ipmb=-; fails=$((fails + 1))
			echo "bench_sim: N=$n $mode: the ip -batch baseline failed:"; head -n 20 "$work/ip.log"
		fi
		t=$(now)
		ipdown_s=FAIL
		if bounded timeout -k 5 "$STEP_TIMEOUT" ip -batch "$dir/ip/down.batch" >"$work/ipdown.log" 2>&1; then
			ipdown_s=$(since "$t")
		else
			echo "bench_sim: N=$n $mode: ip netns delete failed:"; head -n 20 "$work/ipdown.log"; fails=$((fails + 1))
		fi
		rm -rf "$dir"
		echo "bench_sim: N=$n $mode round $r/$ROUNDS: sim up $up_s s, down $down_s s, $mb MB/node;" \
			"ip -batch up $ip_s s, down $ipdown_s s, $ipmb MB/node"
		ups+=("$up_s") downs+=("$down_s") ipups+=("$ip_s") ipdowns+=("$ipdown_s")
		mbs+=("$mb") ipmbs+=("$ipmb") psss+=("$pss")
		done
		up_m=$(med "${ups[@]}") down_m=$(med "${downs[@]}") ip_m=$(med "${ipups[@]}")
		ipdown_m=$(med "${ipdowns[@]}") mb_m=$(med "${mbs[@]}") ipmb_m=$(med "${ipmbs[@]}")
		pss_m=$(med "${psss[@]}")
		ratio=-
		[ -n "$up_m" ] && [ -n "$ip_m" ] &&
			ratio=$(awk -v a="$ip_m" -v b="$up_m" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')
		up_med["$n $mode"]=$up_m ip_med["$n $mode"]=$ip_m
		row "$n" "$mode" "${up_m:-FAIL}" "$(per "$up_m")" "${ip_m:-FAIL}" "$(per "$ip_m")" "$ratio" \
			"${down_m:-FAIL}" "${ipdown_m:-FAIL}" "${mb_m:--}" "${ipmb_m:--}" "${pss_m:--}"
		report_rows "$n" "$mode" "$(rounds_csv "${ups[@]}")" "$(rounds_csv "${ipups[@]}")" \
			"$(rounds_csv "${downs[@]}")" "$(rounds_csv "${ipdowns[@]}")" "$(rounds_csv "${mbs[@]}")" \
			"$(rounds_csv "${ipmbs[@]}")" "$(rounds_csv "${psss[@]}")"
	done
done
echo "bench_sim: medians of $ROUNDS round(s); MB/node: MemAvailable drop over N after up (sim, ip -batch);" \
	"PSS: dnsim-auth processes over N"
printf "bench_sim: %6s %-5s %9s %8s %12s %8s %7s %11s %10s %8s %8s %8s\n" size mode "sim up s" \
	"ms/node" "ip -batch s" "ms/node" "ip/sim" "sim down s" "ip down s" "MB/node" "ip MB/n" "PSS MB"
for r in "${rows[@]}"; do echo "bench_sim: $r"; done
# Growth: time(N2)/time(N1) beside N2/N1, for each pair of sizes in turn.
prev=""
for n in $SIZES; do
	if [ -n "$prev" ]; then
		for mode in bare dns; do
			a=${up_med["$prev $mode"]:-} b=${up_med["$n $mode"]:-}
			c=${ip_med["$prev $mode"]:-} d=${ip_med["$n $mode"]:-}
			line=$(awk -v a="$a" -v b="$b" -v c="$c" -v d="$d" -v p="$prev" -v n="$n" \
				'function r(x, y) { return (x > 0 && y != "") ? sprintf("%.2f", y / x) : "-" }
				 BEGIN { printf "%s", r(a, b) "\t" r(c, d) "\t" sprintf("%.2f", n / p) }')
			IFS=$'\t' read -r sim_r ip_r nodes_r <<<"$line"
			growth+=("$(printf "%6s -> %-6s %-5s %8s %8s %8s" "$prev" "$n" "$mode" "$nodes_r" "$sim_r" "$ip_r")")
			# ours/peer here is how much faster sim grows than ip -batch.
			report "up growth $prev -> $n nodes $mode (time ratio; nodes x$nodes_r)" "$sim_r" \
				"ip -batch" "$ip_r" x lower
		done
	fi
	prev=$n
done
if [ ${#growth[@]} -gt 0 ]; then
	printf "bench_sim: %16s %-5s %8s %8s %8s\n" "sizes" mode "nodes x" "sim up x" "ip up x"
	for g in "${growth[@]}"; do echo "bench_sim: $g"; done
fi
note "$ROUNDS round(s) per size and mode; bare: plain hosts; dns: dnsim-auth on every host" \
	"(the ip -batch baseline starts no servers, so its memory is links and namespaces only)"
[ $fails -eq 0 ] || { echo "bench_sim: $fails step(s) failed"; exit 1; }
