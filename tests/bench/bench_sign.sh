#!/bin/bash
# make bench: signing a 10,000-record zone with dnsim-signzone beside
# ldns-signzone and BIND's dnssec-signzone, algorithms 13 (ECDSAP256SHA256)
# and 8 (RSASHA256, 2048-bit keys), NSEC, one KSK and one ZSK each.  Every
# signer runs pinned to one CPU (taskset, when there is one), so BIND's
# worker threads share it like the others; dnssec-signzone gets -P (no
# verification after signing: the others do not verify either).  Keys are
# made beforehand; the time is wall-clock seconds of the signing command,
# the median of ROUNDS (default 3).  Rows go to BENCH_REPORT for
# tests/bench/report.py.  A signer that is not installed is skipped.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
ROUNDS=${ROUNDS:-3}
RECORDS=${RECORDS:-10000}
case $ROUNDS in ''|*[!0-9]*|0) echo "bench_sign: ROUNDS=$ROUNDS is not a count; using 3"; ROUNDS=3;; esac
case $RECORDS in ''|*[!0-9]*|0) echo "bench_sign: RECORDS=$RECORDS is not a count; using 10000"; RECORDS=10000;; esac

report() {   # METRIC OURS PEER PEER_VALUE UNIT BETTER
	[ -n "${BENCH_REPORT:-}" ] || return 0
	printf 'sign\t%s\t%s\t%s\t%s\t%s\tbetter=%s\n' "$@" >> "$BENCH_REPORT"
}
note() { [ -n "${BENCH_REPORT:-}" ] && printf '# sign\t%s\n' "$*" >> "$BENCH_REPORT"; return 0; }
median() {
	grep -E '^[0-9]+([.][0-9]*)?$' | sort -g |
		awk '{v[NR] = $1} END {if (NR) printf "%.3f\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

ours="$top/bin/dnsim-signzone"
if [ ! -x "$ours" ]; then
	echo "bench_sign: $ours is missing (make)"
	exit 1
fi
pin=()
command -v taskset >/dev/null && pin=(taskset -c "$(( $(nproc) > 1 ? 1 : 0 ))")
peers=()
command -v ldns-signzone >/dev/null && command -v ldns-keygen >/dev/null && peers+=(ldns)
command -v dnssec-signzone >/dev/null && command -v dnssec-keygen >/dev/null && peers+=(bind)
have() { [[ " ${peers[*]} " == *" $1 "* ]]; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The zone: SOA, NS and RECORDS-2 more records over names of a few labels,
# A, AAAA, TXT and MX in turn (names with two records each).
awk -v n="$RECORDS" 'BEGIN {
	print "$ORIGIN example.\n$TTL 3600"
	print "@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ NS ns1"
	for (i = 0; i < n - 2; i++) {
		h = int(i / 2)
		name = sprintf("host%d.zone%d", h, h % 50)
		if (i % 4 == 0) printf "%s A 192.0.%d.%d\n", name, int(h / 250) % 250, h % 250 + 1
		else if (i % 4 == 1) printf "%s AAAA 2001:db8::%x\n", name, h
		else if (i % 4 == 2) printf "%s TXT \"record %d\"\n", name, i
		else printf "%s MX 10 mail%d\n", name, h % 7
	}
}' > "$work/example.zone"
echo "ns1 A 192.0.2.1" >> "$work/example.zone"

declare -A secs
sign_once() {   # SIGNER ALG -> seconds, or "failed"
	local d="$work/$1-$2" t0 t1 rc
	case $1 in
	dnsim) set -- "${pin[@]}" "$ours" -k "$d/ksk" -z "$d/zsk" -d "$d" -o example. \
		"$work/example.zone" "$d/out";;
	ldns) set -- "${pin[@]}" ldns-signzone -o example. -f "$d/out" "$work/example.zone" \
		"$d/$(cat "$d/ksk")" "$d/$(cat "$d/zsk")";;
	bind) set -- "${pin[@]}" dnssec-signzone -q -P -S -K "$d" -d "$d" -o example. -f "$d/out" \
		"$work/example.zone";;
	esac
	t0=$(date +%s.%N)
	(cd "$d" && "$@" >/dev/null 2>"$d/err")
	rc=$?
	t1=$(date +%s.%N)
	if [ $rc -ne 0 ]; then
		echo failed
		return
	fi
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}
keys() {   # SIGNER ALG: KSK and ZSK in work/SIGNER-ALG
	local d="$work/$1-$2" k
	mkdir -p "$d"
	case $1 in
	dnsim)
		k=$("$ours" -g "$2" -f KSK -K "$d" example.) && ln -s "$d/$k.key" "$d/ksk.key" &&
			ln -s "$d/$k.private" "$d/ksk.private" &&
			k=$("$ours" -g "$2" -K "$d" example.) && ln -s "$d/$k.key" "$d/zsk.key" &&
			ln -s "$d/$k.private" "$d/zsk.private";;
	ldns)
		local a=ECDSAP256SHA256 b=()
		[ "$2" = 8 ] && a=RSASHA256 && b=(-b 2048)
		(cd "$d" && ldns-keygen -a $a "${b[@]}" -k example. > ksk && ldns-keygen -a $a "${b[@]}" example. > zsk);;
	bind)
		local a=ECDSAP256SHA256 b=()
		[ "$2" = 8 ] && a=RSASHA256 && b=(-b 2048)
		dnssec-keygen -q -K "$d" -a $a "${b[@]}" -f KSK example. >/dev/null &&
			dnssec-keygen -q -K "$d" -a $a "${b[@]}" example. >/dev/null;;
	esac
}

signers=(dnsim "${peers[@]}")
for alg in 13 8; do
	for s in "${signers[@]}"; do
		keys "$s" "$alg" || { echo "bench_sign: $s could not make keys for algorithm $alg"; secs[$s-$alg]=failed; }
	done
	for r in $(seq "$ROUNDS"); do
		for s in "${signers[@]}"; do
			[ "${secs[$s-$alg]-}" = failed ] && continue
			v=$(sign_once "$s" "$alg")
			if [ "$v" = failed ]; then
				echo "bench_sign: $s failed on algorithm $alg: $(head -c 300 "$work/$s-$alg/err")"
				secs[$s-$alg]=failed
			else
				secs[$s-$alg]="${secs[$s-$alg]-} $v"
			fi
		done
	done
	line="bench_sign: $RECORDS records, algorithm $alg (median of $ROUNDS):"
	for s in "${signers[@]}"; do
		case ${secs[$s-$alg]-failed} in
		failed) ;;
		*) secs[$s-$alg]=$(echo ${secs[$s-$alg]} | tr ' ' '\n' | median);;
		esac
		line="$line $s ${secs[$s-$alg]} s,"
	done
	echo "${line%,}"
	name=ECDSAP256SHA256
	[ "$alg" = 8 ] && name="RSASHA256 2048"
	for p in ldns bind; do
		b=${secs[$p-$alg]-skipped}
		have "$p" || b=skipped
		peer=ldns-signzone
		[ "$p" = bind ] && peer=dnssec-signzone
		report "sign $RECORDS records, alg $alg ($name), NSEC" "${secs[dnsim-$alg]:-failed}" \
			"$peer" "$b" s lower
	done
done
for p in ldns bind; do have "$p" || note "$p is missing (make deps): its figures are skipped"; done
note "$ROUNDS round(s); each signer on one CPU${pin:+ (taskset)}; dnssec-signzone -P -S; keys made beforehand; wall-clock seconds"
