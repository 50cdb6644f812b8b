#!/bin/bash
# make bench: building and tearing down topologies.  For each size N
# (SIM_SIZES, default "10 100 500 1000") and each mode (bare: plain hosts;
# dns: every host runs dnsim-auth), times `./sim up` and `./sim down` of a
# topology from sim/gen_topology.py, and beside it, in the same run, the
# same network made by iproute2: `ip -batch` for the namespaces, one
# `ip -n SWITCH -batch` for the bridges and veth pairs (peers created in
# the node namespaces with `netns`), one `ip -n NODE -batch` per node for
# links up, addresses and routes, forwarding on in the routers; torn down
# by `ip -batch` of `netns delete`.  The baseline starts no servers and
# writes no /etc/netns files.  Memory per node: MemAvailable before and
# after `up`, over N; for dns also the PSS of the dnsim-auth processes.
# Needs root.  Every step is bounded (STEP_TIMEOUT s); every sim and
# namespace this script made is removed on exit.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
here="$top/tests/bench/sim"
SIZES=${SIM_SIZES:-"10 100 500 1000"}
STEP_TIMEOUT=${STEP_TIMEOUT:-300}
[ "$(id -u)" = 0 ] || { echo "bench_sim: needs root (namespaces, links); skipped"; exit 0; }
for t in ip timeout awk /usr/bin/python3; do
	command -v $t >/dev/null || { echo "bench_sim: $t is missing; skipped"; exit 0; }
done
ip -V 2>&1 | grep -q iproute2 || { echo "bench_sim: ip is not iproute2; skipped"; exit 0; }
sim="$top/sim"
[ -x "$sim" ] && [ ! "$top/bin/dnsim-sim" -nt "$sim" ] || sim="$top/bin/dnsim-sim"
[ -x "$sim" ] && [ -x "$top/bin/dnsim-auth" ] ||
	{ echo "bench_sim: ./sim or bin/dnsim-auth is not built (make); skipped"; exit 0; }

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
	local a b i
	a=$(mem_avail_kb)
	for i in $(seq 1 20); do
		sleep 0.5
		b=$(mem_avail_kb)
		[ $(( b > a ? b - a : a - b )) -lt 2048 ] && return
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
row() { rows+=("$(printf "%6s %-5s %9s %8s %12s %8s %7s %11s %10s %8s %8s" "$@")"); }
echo "bench_sim: sizes $SIZES; $(nproc) CPUs; $sim; $(ip -V 2>&1 | head -n1)"
for n in $SIZES; do
	for mode in bare dns; do
		name="bench$n-$mode-$$"
		dir="$work/$name"
		if ! /usr/bin/python3 "$here/gen_topology.py" "$n" "$mode" "$dir" "$name" >"$work/gen.log" 2>&1; then
			echo "bench_sim: gen_topology.py $n $mode failed:"; cat "$work/gen.log"
			fails=$((fails + 1)); continue
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
		mb=$(awk -v a="$before" -v b="$after" -v n="$n" 'BEGIN {printf "%.2f", (a - b) / 1024 / n}')
		pss=-
		[ "$mode" = dns ] && pss=$(awk -v k="$(auth_pss_kb "$name")" -v n="$n" \
			'BEGIN {printf "%.2f", k / 1024 / n}')
		t=$(now)
		bounded timeout -k 10 "$STEP_TIMEOUT" "$sim" --name "$name" down >"$work/down.log" 2>&1 ||
			{ echo "bench_sim: N=$n $mode: sim down failed:"; head -n 20 "$work/down.log"; fails=$((fails + 1)); }
		down_s=$(since "$t")
		[ "$up_s" = FAIL ] && mb=- pss=-
		# iproute2
		settle
		mapfile -t made < "$dir/ip/namespaces"
		for x in "${made[@]}"; do
			[ -e "/run/netns/$x" ] && { echo "bench_sim: namespace $x exists already; stopping"; exit 1; }
		done
		nss+=("${made[@]}")
		t=$(now)
		if bounded timeout -k 5 "$STEP_TIMEOUT" bash -c "$ip_up" _ "$dir/ip" >"$work/ip.log" 2>&1; then
			ip_s=$(since "$t")
		else
			ip_s=FAIL; fails=$((fails + 1))
			echo "bench_sim: N=$n $mode: the ip -batch baseline failed:"; head -n 20 "$work/ip.log"
		fi
		t=$(now)
		bounded timeout -k 5 "$STEP_TIMEOUT" ip -batch "$dir/ip/down.batch" >"$work/ipdown.log" 2>&1 ||
			{ echo "bench_sim: N=$n $mode: ip netns delete failed:"; head -n 20 "$work/ipdown.log"; fails=$((fails + 1)); }
		ipdown_s=$(since "$t")
		rm -rf "$dir"
		per() { [ "$1" = FAIL ] && echo - || awk -v s="$1" -v n="$n" 'BEGIN {printf "%.2f", s * 1000 / n}'; }
		ratio=-
		[ "$up_s" != FAIL ] && [ "$ip_s" != FAIL ] &&
			ratio=$(awk -v a="$ip_s" -v b="$up_s" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')
		row "$n" "$mode" "$up_s" "$(per "$up_s")" "$ip_s" "$(per "$ip_s")" "$ratio" \
			"$down_s" "$ipdown_s" "$mb" "$pss"
		echo "bench_sim: ${rows[-1]}"
	done
done
echo "bench_sim: MB/node: MemAvailable drop over N after sim up; PSS: dnsim-auth processes over N"
printf "bench_sim: %6s %-5s %9s %8s %12s %8s %7s %11s %10s %8s %8s\n" size mode "sim up s" \
	"ms/node" "ip -batch s" "ms/node" "ip/sim" "sim down s" "ip down s" "MB/node" "PSS MB"
for r in "${rows[@]}"; do echo "bench_sim: $r"; done
[ $fails -eq 0 ] || { echo "bench_sim: $fails step(s) failed"; exit 1; }
