#!/bin/bash
# make bench: what the portable path of impaired links (the relay
# dnsim-linkd, forced with `up --link-path relay`) costs.  On a sim of two
# hosts x and y on one network, measured from inside them with
# links/udpblast.c (compiled here):
#   - datagrams a second y receives while x sends 64-octet datagrams as
#     fast as it can for SECONDS (default 2): x's link carried by the relay
#     with nothing added (rate=100gbit) beside the same link on the
#     kernel's bridge;
#   - round trips of 10,000 datagrams at 5,000 a second: over x's link
#     with delay=10ms, what the relay adds beyond the 2 x 10 ms configured
#     (median and p99), and the relay with nothing added, beside the
#     bridge's own round trips;
#   - `./sim up` of N hosts (LINK_HOSTS, default 50) on one network with
#     every attachment impaired (the network's delay="1ms"; the path `up`
#     picks on this machine) beside the same topology without;
#   - `./sim up` of the default internet (topologies/internet.toml) with
#     its distances (eleven router ports impaired) beside `up --no-delay`.
# Each figure is the median of ROUNDS (default 3) rounds, appended to the
# file BENCH_REPORT names, when set, for tests/bench/report.py.  Needs
# root.  Every sim this script made is taken down on exit.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
ROUNDS=${ROUNDS:-3}
SECONDS_FLAT=${SECONDS_FLAT:-2}
LINK_HOSTS=${LINK_HOSTS:-50}
case $ROUNDS in ''|*[!0-9]*|0) echo "bench_links: ROUNDS=$ROUNDS is not a count; using 3"; ROUNDS=3;; esac

report() {   # METRIC OURS PEER PEER_VALUE UNIT BETTER
	[ -n "${BENCH_REPORT:-}" ] || return 0
	printf 'links\t%s\t%s\t%s\t%s\t%s\tbetter=%s\n' "$@" >> "$BENCH_REPORT"
}
note() { [ -n "${BENCH_REPORT:-}" ] && printf '# links\t%s\n' "$*" >> "$BENCH_REPORT"; return 0; }
METRICS=("datagrams/s through one link, relay adding nothing|kernel bridge|pkt/s|higher"
	 "RTT at 5k/s, relay adding nothing, median|kernel bridge|us|lower"
	 "RTT at 5k/s, relay adding nothing, p99|kernel bridge|us|lower"
	 "RTT at 5k/s over delay=10ms, beyond 2 x 10 ms, median|kernel bridge RTT|us|lower"
	 "RTT at 5k/s over delay=10ms, beyond 2 x 10 ms, p99|kernel bridge RTT|us|lower"
	 "up, $LINK_HOSTS hosts, every link impaired|no impairment|s|lower"
	 "up, the default internet with its distances|up --no-delay|s|lower")
skip_all() {
	echo "bench_links: $1; skipped"
	local m
	for m in "${METRICS[@]}"; do
		IFS='|' read -r name peer unit better <<< "$m"
		report "$name" skipped "$peer" skipped "$unit" "$better"
	done
	note "skipped: $1"
	exit 0
}
[ "$(id -u)" = 0 ] || skip_all "needs root (namespaces, links)"
CC=${CC:-cc}
for t in "$CC" timeout awk; do
	command -v "$t" >/dev/null || skip_all "$t is missing"
done
sim="$top/sim"
[ -x "$sim" ] && [ ! "$top/bin/dnsim-sim" -nt "$sim" ] || sim="$top/bin/dnsim-sim"
[ -x "$sim" ] && [ -x "$top/bin/dnsim-linkd" ] || skip_all "./sim or bin/dnsim-linkd is not built (make)"

work=$(mktemp -d)
chmod 755 "$work"
sims=()
path=""
cleanup() {
	trap - EXIT INT TERM
	for s in "${sims[@]}"; do
		[ -d "/run/dnsim/$s" ] && timeout -k 5 120 "$sim" --name "$s" down >/dev/null
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$CC" -O2 -Wall -o "$work/udpblast" "$top/tests/bench/links/udpblast.c" 2>"$work/cc.log" ||
	skip_all "cannot compile links/udpblast.c: $(head -n 3 "$work/cc.log")"
blast="$work/udpblast"

median() {
	grep -E '^-?[0-9]+([.][0-9]*)?$' | sort -g |
		awk '{v[NR] = $1} END {if (NR) printf "%.3f\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
med() { printf '%s\n' "$@" | median; }
# Percentile P (0-100) of numbers on stdin.
pct() { sort -g | awk -v p="$1" '{v[NR] = $1} END {if (NR) {i = int(NR * p / 100); if (i < 1) i = 1; printf "%.1f\n", v[i]}}'; }
now() { echo "$EPOCHREALTIME"; }
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.3f", b - a}'; }

# Two hosts on one network, documentation addresses.
pair="$work/pair.toml"
cat > "$pair" <<'EOF'
[network.lan]
ipv4 = "192.0.2.0/24"
[node.x]
addresses = { lan = "192.0.2.10" }
[node.y]
addresses = { lan = "192.0.2.20" }
EOF
# N hosts on one network, with and without a default impairment.
hosts() {   # FILE DELAY_LINE
	{
		echo '[network.lan]'
		echo 'ipv4 = "198.18.0.0/16"'
		[ -n "$2" ] && echo "$2"
		local i
		for i in $(seq 1 "$LINK_HOSTS"); do
			printf '[node.h%d]\naddresses = { lan = "198.18.%d.%d" }\n' "$i" $((i / 250)) $((i % 250 + 1))
		done
	} > "$1"
}
hosts "$work/plain.toml" ""
hosts "$work/impaired.toml" 'delay = "1ms"'

fails=0
pps_r=() pps_b=() rtt0_r=() rtt0_b=() rtt0_r99=() rtt0_b99=() ex_m=() ex_99=() up_i=() up_p=()
up_net=() up_nodelay=()
internet="$top/topologies/internet.toml"
name="benchlk-$$"
flat() {   # -> datagrams/s y received
	local out
	"$sim" --name "$name" exec y "$blast" sink 192.0.2.20 9000 "$SECONDS_FLAT" > "$work/sink.out" &
	local p=$!
	sleep 0.3
	"$sim" --name "$name" exec x "$blast" send 192.0.2.20 9000 "$SECONDS_FLAT" 64 >/dev/null
	wait "$p"
	# What the flood left in socket buffers drains before the next step.
	sleep 1
	out=$(cat "$work/sink.out")
	awk -v c="${out%% *}" -v s="$SECONDS_FLAT" 'BEGIN {printf "%.0f\n", c / s}'
}
pings() { "$sim" --name "$name" exec x "$blast" ping 192.0.2.20 9001 5000 10000 > "$work/rtt"; }
set_x() { "$sim" --name "$name" link set x "$@" > /dev/null; }
echo "bench_links: $ROUNDS round(s); $(nproc) CPUs; $sim"
for r in $(seq 1 "$ROUNDS"); do
	sims+=("$name")
	if ! timeout -k 10 120 "$sim" --name "$name" up "$pair" --link-path relay > "$work/up.log" 2>&1; then
		echo "bench_links: up failed:"; head -n 20 "$work/up.log"; fails=$((fails + 1)); continue
	fi
	# The echo lives in y until `down` removes y (and it).
	("$sim" --name "$name" exec y "$blast" echo 192.0.2.20 9001 > /dev/null 2>&1 &)
	sleep 0.3
	# The kernel's bridge.
	b=$(flat); pings
	b50=$(median < "$work/rtt"); b99=$(pct 99 < "$work/rtt")
	# The relay, adding nothing.
	set_x rate=100gbit
	rl=$(flat); pings
	r50=$(median < "$work/rtt"); r99=$(pct 99 < "$work/rtt")
	# The relay with 10 ms each way.
	set_x rate=0 delay=10ms
	pings
	e50=$(awk '{print $1 - 20000}' "$work/rtt" | median); e99=$(awk '{print $1 - 20000}' "$work/rtt" | pct 99)
	timeout -k 10 60 "$sim" --name "$name" down > /dev/null
	echo "bench_links: round $r/$ROUNDS: $b/s bridge, $rl/s relay; RTT bridge $b50/$b99 us," \
		"relay $r50/$r99 us, beyond 20 ms $e50/$e99 us (median/p99)"
	pps_b+=("$b") pps_r+=("$rl") rtt0_b+=("$b50") rtt0_b99+=("$b99") rtt0_r+=("$r50")
	rtt0_r99+=("$r99") ex_m+=("$e50") ex_99+=("$e99")
	# up with and without impairments.
	for kind in plain impaired; do
		t=$(now)
		if timeout -k 10 300 "$sim" --name "$name" up "$work/$kind.toml" > "$work/up.log" 2>&1; then
			s=$(since "$t")
			[ "$kind" = plain ] && up_p+=("$s") || up_i+=("$s")
			path=$(sed -n 's/^links: \([a-z]*\) .*/\1/p' "$work/up.log")
		else
			echo "bench_links: up of $kind failed:"; head -n 20 "$work/up.log"; fails=$((fails + 1))
		fi
		timeout -k 10 120 "$sim" --name "$name" down > /dev/null
	done
	echo "bench_links: round $r/$ROUNDS: up of $LINK_HOSTS hosts ${up_p[-1]:-FAIL} s plain," \
		"${up_i[-1]:-FAIL} s impaired ($path)"
	# The default internet, with and without its distances.
	for kind in distances no-delay; do
		flag=()
		[ "$kind" = no-delay ] && flag=(--no-delay)
		t=$(now)
		if timeout -k 10 300 "$sim" --name "$name" up "$internet" "${flag[@]}" > "$work/up.log" 2>&1; then
			s=$(since "$t")
			[ "$kind" = no-delay ] && up_nodelay+=("$s") || up_net+=("$s")
		else
			echo "bench_links: up of the internet ($kind) failed:"; head -n 20 "$work/up.log"
			fails=$((fails + 1))
		fi
		timeout -k 10 120 "$sim" --name "$name" down > /dev/null
	done
	echo "bench_links: round $r/$ROUNDS: up of the default internet ${up_net[-1]:-FAIL} s with" \
		"its distances, ${up_nodelay[-1]:-FAIL} s with --no-delay"
done
m() { local v; v=$(med "$@"); echo "${v:-failed}"; }
report "datagrams/s through one link, relay adding nothing" "$(m "${pps_r[@]}")" "kernel bridge" "$(m "${pps_b[@]}")" pkt/s higher
report "RTT at 5k/s, relay adding nothing, median" "$(m "${rtt0_r[@]}")" "kernel bridge" "$(m "${rtt0_b[@]}")" us lower
report "RTT at 5k/s, relay adding nothing, p99" "$(m "${rtt0_r99[@]}")" "kernel bridge" "$(m "${rtt0_b99[@]}")" us lower
report "RTT at 5k/s over delay=10ms, beyond 2 x 10 ms, median" "$(m "${ex_m[@]}")" "kernel bridge RTT" "$(m "${rtt0_b[@]}")" us lower
report "RTT at 5k/s over delay=10ms, beyond 2 x 10 ms, p99" "$(m "${ex_99[@]}")" "kernel bridge RTT" "$(m "${rtt0_b99[@]}")" us lower
report "up, $LINK_HOSTS hosts, every link impaired" "$(m "${up_i[@]}")" "no impairment" "$(m "${up_p[@]}")" s lower
report "up, the default internet with its distances" "$(m "${up_net[@]}")" "up --no-delay" "$(m "${up_nodelay[@]}")" s lower
note "$ROUNDS round(s); the relay forced with --link-path relay; 64-octet datagrams sent flat out" \
	"for $SECONDS_FLAT s (the sender shares the machine's $(nproc) CPUs with the relay);" \
	"up with impairments took the path this machine picks (${path:-?})"
echo "bench_links: medians: $(m "${pps_r[@]}")/s relay, $(m "${pps_b[@]}")/s bridge;" \
	"RTT relay $(m "${rtt0_r[@]}")/$(m "${rtt0_r99[@]}") us, bridge $(m "${rtt0_b[@]}")/$(m "${rtt0_b99[@]}") us;" \
	"beyond 2 x 10 ms $(m "${ex_m[@]}")/$(m "${ex_99[@]}") us; up $(m "${up_i[@]}") s impaired," \
	"$(m "${up_p[@]}") s plain; the default internet $(m "${up_net[@]}") s, $(m "${up_nodelay[@]}") s" \
	"with --no-delay"
[ $fails -eq 0 ] || { echo "bench_links: $fails step(s) failed"; exit 1; }
