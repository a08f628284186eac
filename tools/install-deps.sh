#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian 12 packages gatehouse needs, and only those missing.
#   sh tools/install-deps.sh          to build (make deps)
#   sh tools/install-deps.sh --test   to build and run the whole suite (make test)
# Silent and quick when everything is present; runs apt-get update only when
# something has to be installed.
set -eu

BUILD_PKGS="build-essential pkg-config libmicrohttpd-dev libcurl4-openssl-dev libjansson-dev
	libssl-dev libsqlite3-dev libpq-dev libsodium-dev
	liblasso3-dev libxmlsec1-dev libxml2-dev libglib2.0-dev"
# dnsmasq-base is the dnsmasq binary alone: the dnsmasq package would also
# start a system DNS service on port 53 of every interface. The tests run
# their own dnsmasq on a loopback port.
TEST_PKGS="postgresql dnsmasq-base python3-pytest python3-requests curl sqlite3 wrk clang
	xmlsec1 python3-pysaml2"

case ${1:-} in
"") want=$BUILD_PKGS ;;
--test) want="$BUILD_PKGS $TEST_PKGS" ;;
*)
	echo "usage: sh tools/install-deps.sh [--test]" >&2
	exit 2
	;;
esac

installed() {
	[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

missing=
for p in $want; do
	installed "$p" || missing="$missing $p"
done
[ -n "$missing" ] || exit 0

echo "install-deps: installing$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
	as_root=
elif command -v sudo >/dev/null 2>&1; then
	as_root=sudo
else
	echo "install-deps: run as root: apt-get install --no-install-recommends$missing" >&2
	exit 1
fi
apt() {
	$as_root env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=600 "$@"
}

apt update
case $missing in
*" postgresql"*)
	# The tests run their own server (test/pg.sh); do not let the package create
	# and start a system cluster on port 5432. Only on a machine that has no
	# PostgreSQL configuration yet.
	if ! installed postgresql-common; then
		apt install --no-install-recommends postgresql-common
		$as_root sed -i 's/^#* *create_main_cluster *=.*/create_main_cluster = false/' \
			/etc/postgresql-common/createcluster.conf
	fi
	;;
esac
# shellcheck disable=SC2086 # one word per package
apt install --no-install-recommends $missing
