#!/bin/bash
# make bench: dnsim-auth beside NSD and Knot serving the same zone.
# Each server runs one worker pinned to CPU 1; dnsperf runs on CPU 0, in
# interleaved rounds.  dnsperf on one core cannot saturate a server on
# the other, so the fair figure is queries per server CPU-second (from
# /proc/PID/stat), shown with raw qps and the ratios.  Also: idle memory
# (PSS) and start-up time to the first answer.  Loopback only; bounded.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
here="$top/tests/bench/auth"
ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
for t in dnsperf nsd knotd taskset; do
	command -v $t >/dev/null || { echo "bench_auth: $t is missing (make deps); skipped"; exit 0; }
done
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
start_named nsd nsd -d -c "$work/nsd/nsd.conf"
start_named knot knotd -c "$work/knot/knot.conf"
sleep 1
for n in dnsim nsd knot; do
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
for n in dnsim nsd knot; do pss[$n]=$(pss_kb "$(eval echo \$pid_$n)"); qps[$n]=0; cpu_q[$n]=0; done
port_dnsim=5301; port_nsd=5302; port_knot=5303

for r in $(seq 1 "$ROUNDS"); do
	for n in dnsim nsd knot; do
		p=$(eval echo \$pid_$n); port=$(eval echo \$port_$n)
		before=$(cpu_ticks "$p")
		out=$(taskset -c 0 dnsperf -s 127.0.0.1 -p "$port" -d "$here/queries.txt" \
			-l "$SECONDS_PER_RUN" -c 4 -q 200 -T 1 2>&1)
		after=$(cpu_ticks "$p")
		done_q=$(echo "$out" | awk '/Queries completed:/ {print $3}')
		rate=$(echo "$out" | awk '/Queries per second:/ {print $4}')
		cpu_s=$(echo "($after - $before) / $hz" | bc -l)
		per_cpu=$(echo "if ($cpu_s > 0) $done_q / $cpu_s else 0" | bc -l)
		qps[$n]=$(echo "${qps[$n]} + $rate / $ROUNDS" | bc -l)
		cpu_q[$n]=$(echo "${cpu_q[$n]} + $per_cpu / $ROUNDS" | bc -l)
	done
done

printf "bench_auth: %d rounds of %ds, dnsperf on CPU 0, each server on CPU 1, one worker\n" "$ROUNDS" "$SECONDS_PER_RUN"
printf "bench_auth: %-8s %12s %18s %12s\n" server "qps" "queries/CPU-s" "idle PSS kB"
for n in dnsim nsd knot; do
	printf "bench_auth: %-8s %12.0f %18.0f %12s\n" "$n" "${qps[$n]}" "${cpu_q[$n]}" "${pss[$n]}"
done
ratio() { echo "if ($2 > 0) $1 / $2 else 0" | bc -l; }
printf "bench_auth: ratio per CPU-second: dnsim/nsd %.2f, dnsim/knot %.2f; raw qps: dnsim/nsd %.2f, dnsim/knot %.2f\n" \
	"$(ratio "${cpu_q[dnsim]}" "${cpu_q[nsd]}")" "$(ratio "${cpu_q[dnsim]}" "${cpu_q[knot]}")" \
	"$(ratio "${qps[dnsim]}" "${qps[nsd]}")" "$(ratio "${qps[dnsim]}" "${qps[knot]}")"

# Start-up to first answer (the servers above are stopped first so the
# ports are free; each start is measured three times, best kept).
cleanup; pids=(); work=$(mktemp -d); cp "$here/example.zone" "$work/"
best() { sort -n | head -n1; }
su_dnsim=$(for i in 1 2 3; do PROBE=127.0.0.1:5311 /usr/bin/python3 "$here/startup.py" \
	"$top/bin/dnsim-auth" -l 127.0.0.1@5311 -z "example.com=$work/example.zone"; done | best)
write_configs "$work" 5312 5313
su_nsd=$(for i in 1 2 3; do PROBE=127.0.0.1:5312 /usr/bin/python3 "$here/startup.py" \
	nsd -d -c "$work/nsd/nsd.conf"; done | best)
su_knot=$(for i in 1 2 3; do PROBE=127.0.0.1:5313 /usr/bin/python3 "$here/startup.py" \
	knotd -c "$work/knot/knot.conf"; done | best)
printf "bench_auth: start-up to first answer (best of 3): dnsim %s ms, nsd %s ms, knot %s ms\n" \
	"$su_dnsim" "$su_nsd" "$su_knot"
