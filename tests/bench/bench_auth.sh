#!/bin/bash
# make bench: dnsim-auth beside NSD and Knot serving the same zone.
# Each server runs one worker pinned to CPU 1; dnsperf runs on CPU 0, in
# ROUNDS (default 3) interleaved rounds of SECONDS_PER_RUN (default 5)
# s.  dnsperf on one core cannot saturate a server on the other, so the
# fair figure is queries per server CPU-second (from /proc/PID/stat),
# shown with raw qps and the ratios.  Also: idle memory (PSS) and
# start-up time to the first answer (the probe on CPU 0, the server on
# CPU 1).  Every figure is the median of ROUNDS measurements; they are
# also appended to the file BENCH_REPORT names, when set, for
# tests/bench/report.py.  A peer that is not installed is skipped (its
# rows say so).  Loopback only; bounded.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
here="$top/tests/bench/auth"
ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
case $ROUNDS in ''|*[!0-9]*|0) echo "bench_auth: ROUNDS=$ROUNDS is not a count; using 3"; ROUNDS=3;; esac

# The figures, for the report: metric|unit|which way is better.
metrics=("qps (dnsperf on one core)|queries/s|higher"
	"queries per server CPU-second|queries/CPU-s|higher"
	"idle memory (PSS)|kB|lower"
	"start-up to first answer|ms|lower")
report() {   # METRIC OURS PEER PEER_VALUE UNIT BETTER
	[ -n "${BENCH_REPORT:-}" ] || return 0
	printf 'auth\t%s\t%s\t%s\t%s\t%s\tbetter=%s\n' "$@" >> "$BENCH_REPORT"
}
note() { [ -n "${BENCH_REPORT:-}" ] && printf '# auth\t%s\n' "$*" >> "$BENCH_REPORT"; return 0; }
skip_all() {
	echo "bench_auth: $1; skipped"
	local m peer
	for m in "${metrics[@]}"; do
		IFS='|' read -r metric unit better <<<"$m"
		for peer in nsd knot; do report "$metric" skipped "$peer" skipped "$unit" "$better"; done
	done
	note "skipped: $1"
	exit 0
}
for t in dnsperf taskset bc; do
	command -v $t >/dev/null || skip_all "$t is missing (make deps)"
done
servers=(dnsim)
missing=()
command -v nsd >/dev/null && servers+=(nsd) || missing+=(nsd)
command -v knotd >/dev/null && servers+=(knot) || missing+=(knot)
have() { [[ " ${servers[*]} " == *" $1 "* ]]; }
for n in "${missing[@]}"; do echo "bench_auth: $n is missing (make deps); its figures are skipped"; done
# The median of numbers on stdin ("" when there are none).
median() {
	grep -E '^[0-9]+([.][0-9]*)?$' | sort -g |
		awk '{v[NR] = $1} END {if (NR) printf "%.3f\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
cp "$here/example.zone" "$work/"

# NSD (one server process, no rate limiting) and Knot (one UDP and one
# TCP worker) serving the zone in DIR on the given ports.
write_configs() {   # DIR NSD_PORT KNOT_PORT
	mkdir -p "$1/nsd" "$1/knot"
	cat > "$1/nsd/nsd.conf" <<CONF
server:
  ip-address: 127.0.0.1
  port: $2
  server-count: 1
  username: ""
  chroot: ""
  zonesdir: "$1"
  pidfile: "$1/nsd/nsd.pid"
  xfrdfile: "$1/nsd/xfrd.state"
  zonelistfile: "$1/nsd/zone.list"
  database: ""
  rrl-ratelimit: 0
  verbosity: 0
remote-control:
  control-enable: no
zone:
  name: example.com
  zonefile: example.zone
CONF
	cat > "$1/knot/knot.conf" <<CONF
server:
  listen: 127.0.0.1@$3
  udp-workers: 1
  tcp-workers: 1
  background-workers: 1
  rundir: "$1/knot"
  user: root
database:
  storage: "$1/knot"
log:
  - target: stderr
    any: error
zone:
  - domain: example.com
    file: "$1/example.zone"
    journal-content: none
    zonefile-sync: -1
CONF
}
write_configs "$work" 5302 5303

start_named() { local n=$1; shift; taskset -c 1 "$@" >"$work/$n.log" 2>&1 & pids+=($!); eval "pid_$n=$!"; }
start_named dnsim "$top/bin/dnsim-auth" -l 127.0.0.1@5301 -z "example.com=$work/example.zone"
have nsd && start_named nsd nsd -d -c "$work/nsd/nsd.conf"
have knot && start_named knot knotd -c "$work/knot/knot.conf"
sleep 1
for n in "${servers[@]}"; do
	p=$(eval echo \$pid_$n)
	kill -0 "$p" 2>/dev/null || { echo "bench_auth: $n did not start:"; cat "$work/$n.log"; exit 1; }
done

# A server and all its descendants (NSD's xfrd forks main, which forks
# the serving processes).
family() {
	local all=$1 frontier=$1 next p
	while [ -n "$frontier" ]; do
		next=""
		for p in $frontier; do next="$next $(ps -o pid= --ppid "$p")"; done
		frontier=$(echo $next)
		all="$all $frontier"
	done
	echo $all
}
cpu_ticks() { for p in $(family "$1"); do cat "/proc/$p/stat"; done 2>/dev/null |
	awk '{sub(/.*\) /, ""); t += $12 + $13} END {print t}'; }   # comm may hold spaces
pss_kb() { for p in $(family "$1"); do cat "/proc/$p/smaps_rollup"; done 2>/dev/null |
	awk '/^Pss:/ {t += $2} END {print t}'; }
hz=$(getconf CLK_TCK)

declare -A qps cpu_q pss
port_dnsim=5301; port_nsd=5302; port_knot=5303
for n in "${servers[@]}"; do
	qps[$n]=""; cpu_q[$n]=""
	pss[$n]=$(for r in $(seq 1 "$ROUNDS"); do pss_kb "$(eval echo \$pid_$n)"; sleep 0.1; done | median)
done

for r in $(seq 1 "$ROUNDS"); do
	for n in "${servers[@]}"; do
		p=$(eval echo \$pid_$n); port=$(eval echo \$port_$n)
		before=$(cpu_ticks "$p")
		out=$(taskset -c 0 dnsperf -s 127.0.0.1 -p "$port" -d "$here/queries.txt" \
			-l "$SECONDS_PER_RUN" -c 4 -q 200 -T 1 2>&1)
		after=$(cpu_ticks "$p")
		done_q=$(echo "$out" | awk '/Queries completed:/ {print $3}')
		rate=$(echo "$out" | awk '/Queries per second:/ {print $4}')
		if [ -z "$done_q" ] || [ -z "$rate" ]; then
			echo "bench_auth: round $r, $n: no figures from dnsperf:"; echo "$out" | tail -n 5
			continue
		fi
		cpu_s=$(echo "($after - $before) / $hz" | bc -l)
		per_cpu=$(echo "if ($cpu_s > 0) $done_q / $cpu_s else 0" | bc -l)
		qps[$n]="${qps[$n]} $rate"
		cpu_q[$n]="${cpu_q[$n]} $per_cpu"
	done
done
for n in "${servers[@]}"; do
	qps[$n]=$(echo ${qps[$n]} | tr ' ' '\n' | median)
	cpu_q[$n]=$(echo ${cpu_q[$n]} | tr ' ' '\n' | median)
done

printf "bench_auth: %d round(s) of %ds, dnsperf on CPU 0, each server on CPU 1, one worker; medians\n" "$ROUNDS" "$SECONDS_PER_RUN"
printf "bench_auth: %-8s %12s %18s %12s\n" server "qps" "queries/CPU-s" "idle PSS kB"
for n in "${servers[@]}"; do
	printf "bench_auth: %-8s %12.0f %18.0f %12.0f\n" "$n" "${qps[$n]:-0}" "${cpu_q[$n]:-0}" "${pss[$n]:-0}"
done
ratio() { [ -n "$1" ] && [ -n "$2" ] && echo "if ($2 > 0) $1 / $2 else 0" | bc -l || echo 0; }
for peer in "${servers[@]:1}"; do
	printf "bench_auth: ratio dnsim/%s: per CPU-second %.2f, raw qps %.2f, idle memory %.2f\n" "$peer" \
		"$(ratio "${cpu_q[dnsim]}" "${cpu_q[$peer]}")" "$(ratio "${qps[dnsim]}" "${qps[$peer]}")" \
		"$(ratio "${pss[dnsim]}" "${pss[$peer]}")"
done

# Start-up to first answer (the servers above are stopped first so the
# ports are free); ROUNDS starts of each, interleaved, the median kept.
# The probe runs on CPU 0, the server (SERVER_CPU) on CPU 1.
cleanup; pids=(); work=$(mktemp -d); cp "$here/example.zone" "$work/"
write_configs "$work" 5312 5313
startup() {   # PORT COMMAND...
	local port=$1; shift
	PROBE=127.0.0.1:$port SERVER_CPU=1 taskset -c 0 /usr/bin/python3 "$here/startup.py" "$@"
}
declare -A su_list su
for r in $(seq 1 "$ROUNDS"); do
	for n in "${servers[@]}"; do
		case $n in
		dnsim) v=$(startup 5311 "$top/bin/dnsim-auth" -l 127.0.0.1@5311 -z "example.com=$work/example.zone");;
		nsd) v=$(startup 5312 nsd -d -c "$work/nsd/nsd.conf");;
		knot) v=$(startup 5313 knotd -c "$work/knot/knot.conf");;
		esac
		su_list[$n]="${su_list[$n]-} $v"
	done
done
line="bench_auth: start-up to first answer (median of $ROUNDS):"
for n in "${servers[@]}"; do
	su[$n]=$(echo ${su_list[$n]} | tr ' ' '\n' | median)
	[ -n "${su[$n]}" ] || su[$n]=timeout
	case ${su[$n]} in timeout) line="$line $n timeout,";; *) line="$line $n $(printf %.1f "${su[$n]}") ms,";; esac
done
echo "${line%,}"

# The report: each peer's figures beside ours.
for peer in nsd knot; do
	for m in "${metrics[@]}"; do
		IFS='|' read -r metric unit better <<<"$m"
		case $metric in
		qps*) a=${qps[dnsim]}; b=${qps[$peer]-};;
		queries*) a=${cpu_q[dnsim]}; b=${cpu_q[$peer]-};;
		idle*) a=${pss[dnsim]}; b=${pss[$peer]-};;
		start*) a=${su[dnsim]}; b=${su[$peer]-};;
		esac
		have "$peer" || b=skipped
		report "$metric" "${a:-failed}" "$peer" "${b:-failed}" "$unit" "$better"
	done
done
note "$ROUNDS round(s) of ${SECONDS_PER_RUN}s; dnsperf (-c 4 -q 200) on CPU 0, each server one worker on CPU 1; loopback"
