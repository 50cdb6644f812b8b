#!/bin/sh
# Install every build and test dependency with apt-get (Debian/Ubuntu);
# with `peers`, the other DNS programs nodes may run instead.
# Idempotent: when everything is present it says so and touches nothing.
set -e
PKGS="make gcc clang python3 python3-pytest python3-dnspython bind9-utils bind9 unbound nsd knot \
knot-resolver dnsperf bc bind9-dnsutils knot-dnsutils iproute2 tcpdump libmnl-dev curl tshark graphviz \
libssl-dev ldnsutils libmicrohttpd-dev chromium chromium-driver python3-selenium dnsviz python3-pygraphviz"

# `deps.sh peers` (make deps-peers): the other DNS programs a topology's
# nodes may run instead of ours (`software = "nsd"`), with their control
# tools -- not all of them are needed to build or to run ours.
PEERS="nsd knot bind9 bind9-utils pdns-server pdns-backend-bind unbound knot-resolver pdns-recursor"
if [ "${1:-}" = peers ]; then
	PKGS="$PEERS"
fi

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

if [ "${1:-}" = peers ]; then
	if [ -z "$missing" ]; then
		echo "deps: every other DNS program is installed"
	else
		echo "deps: done (the installs may have started system services of their own: the sim never uses them)"
	fi
	exit 0
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
