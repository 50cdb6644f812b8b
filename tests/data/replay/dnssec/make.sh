#!/bin/sh
# The signed zones of the replay DNSSEC scenarios, made once and kept:
# keys in keys/ (algorithm 13, generated on the first run only), zones in
# zones/, signatures valid from 2024-01-01 to 2034-01-01 (the scenarios
# set their clock to 2025-06-01), expired.test. signed for January 2024
# only, nokey.test. delegated with the DS of a key it does not publish.
# Output: signed/*.signed and, from gen_inc.py, hierarchy.inc (the servers
# the scenarios include).  ECDSA signatures differ on every run, so the
# committed files are the ones the scenarios were written against.
set -e
cd "$(dirname "$0")"
SIGN=${SIGN:-../../../../bin/dnsim-signzone}
mkdir -p keys signed ds
START=20240101000000
END=20340101000000
key() {  # zone, ksk|zsk|spare -> base name
	f=keys/$1.$2
	if [ ! -f "$f" ]; then
		flag=""
		[ "$2" = zsk ] || flag="-f KSK"
		$SIGN -g 13 $flag -K keys "$1" > "$f"
	fi
	cat "$f"
}
sign() {  # zone origin, zone file, extra args...
	origin=$1; file=$2; shift 2
	out=${origin%.}
	[ -n "$out" ] || out=root
	$SIGN -k "keys/$(key "$origin" ksk)" -z "keys/$(key "$origin" zsk)" -K keys -d ds \
		"$@" -o "$origin" "$file" "signed/$out.signed" >/dev/null
}
for z in example.test. bogus.test. nokey.test.; do
	sign $z zones/${z%.}.zone -s $START -e $END
done
sign nsec3.test. zones/nsec3.test.zone -n nsec3 -s $START -e $END
sign expired.test. zones/expired.test.zone -s 20240101000000 -e 20240201000000
# nokey.test.'s parent vouches for a key the zone never publishes.
spare=$(key nokey.test. spare)
# The parent's DS records: the children's, nokey.test.'s spare key's.
cp zones/test.zone signed/test.unsigned
for z in example.test. nsec3.test. bogus.test. expired.test.; do
	cat ds/dsset-$z >> signed/test.unsigned
done
/usr/bin/python3 - "keys/$spare.key" >> signed/test.unsigned <<'PY'
import sys, dns.dnssec, dns.rdata, dns.rdataclass, dns.rdatatype, dns.name
owner, _, _, _, *rest = open(sys.argv[1]).read().split(None, 4) + [""]
line = open(sys.argv[1]).read().split()
key = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.DNSKEY, " ".join(line[line.index("DNSKEY") + 1:]))
print("nokey.test. 86400 IN DS", dns.dnssec.make_ds(dns.name.from_text("nokey.test."), key, "SHA256"))
PY
sign test. signed/test.unsigned -s $START -e $END
cp zones/root.zone signed/root.unsigned
cat ds/dsset-test. >> signed/root.unsigned
sign . signed/root.unsigned -s $START -e $END
/usr/bin/python3 gen_inc.py > hierarchy.inc
