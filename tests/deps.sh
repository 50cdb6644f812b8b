#!/bin/sh
# Install every build and test dependency with apt-get (Debian/Ubuntu).
# Idempotent: when everything is present it says so and touches nothing.
set -e
PKGS="make gcc clang python3 python3-pytest python3-dnspython bind9-utils bind9 unbound nsd knot \
knot-resolver dnsperf bc bind9-dnsutils knot-dnsutils iproute2 tcpdump libmnl-dev curl tshark graphviz \
libssl-dev ldnsutils libmicrohttpd-dev chromium chromium-driver python3-selenium dnsviz python3-pygraphviz"

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

# Python before 3.11 has no tomllib: the TOML tests use tomli instead.
if ! /usr/bin/python3 -c 'import tomllib' 2>/dev/null; then
	PKGS="$PKGS python3-tomli"
fi

missing=""
for p in $PKGS; do
	installed "$p" || missing="$missing $p"
done
updated=no
if [ -n "$missing" ]; then
	echo "deps: installing$missing"
	$SUDO apt-get update -qq
	updated=yes
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
		--no-install-recommends $missing >/dev/null
fi

# libFuzzer's runtime ships apart from clang on newer releases, in a
# package named after clang's major version.
ver=$(clang --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -n1)
rt="libclang-rt-$ver-dev"
if ! installed "$rt"; then
	[ "$updated" = yes ] || $SUDO apt-get update -qq
	if apt-cache show "$rt" >/dev/null 2>&1; then
		echo "deps: installing $rt"
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
			--no-install-recommends "$rt" >/dev/null
		missing="$missing $rt"
	fi
fi
if [ -z "$missing" ]; then
	echo "deps: all build and test packages are installed"
else
	echo "deps: done"
fi
