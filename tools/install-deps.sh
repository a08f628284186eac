#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian 12 packages gatehouse needs, and only those missing.
#   sh tools/install-deps.sh          to build (make deps)
#   sh tools/install-deps.sh --test   to build and run the whole suite (make test)
# Silent and quick when everything is present; runs apt-get update only when
# something has to be installed.
set -eu

BUILD_PKGS="build-essential pkg-config libmicrohttpd-dev libcurl4-openssl-dev libjansson-dev
	libcjose-dev libssl-dev libsqlite3-dev libpq-dev libsodium-dev
	liblasso3-dev libxmlsec1-dev libxml2-dev libglib2.0-dev"
# Libraries the server does not link but loads with dlopen on first use: libcurl
# (first outbound request), libpq (first PostgreSQL connection), lasso (first SAML
# request). Named here, not only through the -dev packages above, because the
# linker no longer asks for them: a package of the binary must depend on these.
RUNTIME_PKGS="libcurl4 libpq5 liblasso3"
# dnsmasq-base is the dnsmasq binary alone: the dnsmasq package would also
# start a system DNS service on port 53 of every interface. The tests run
# their own dnsmasq on a loopback port.
TEST_PKGS="postgresql dnsmasq-base python3-pytest python3-requests python3-jwcrypto curl sqlite3 wrk
	clang xmlsec1 python3-pysaml2 chromium chromium-driver python3-selenium"

case ${1:-} in
"") want="$BUILD_PKGS $RUNTIME_PKGS" ;;
--test) want="$BUILD_PKGS $RUNTIME_PKGS $TEST_PKGS" ;;
*)
	echo "usage: sh tools/install-deps.sh [--test]" >&2
	exit 2
	;;
esac

installed() {
	[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

# npm packages of the e2e peers, each pinned by its package-lock.json: the relying
# party (npm openid-client, test/e2e/node) and the OpenID Provider of the OIDC
# sign-in tests (npm oidc-provider, test/e2e/idp/oidc). Without npm those tests
# skip themselves; nothing else needs them.
node_deps() {
	[ "${1:-}" = --test ] || return 0
	for dir in "$(dirname "$0")/../test/e2e/node" "$(dirname "$0")/../test/e2e/idp/oidc"; do
		[ "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ] && continue
		if ! command -v npm >/dev/null 2>&1; then
			echo "install-deps: npm not found; the e2e tests that need npm packages will be skipped" >&2
			return 0
		fi
		npm ci --prefix "$dir" --no-audit --no-fund >&2 ||
			echo "install-deps: npm ci failed in $dir; the tests that need it will be skipped" >&2
	done
}

missing=
for p in $want; do
	installed "$p" || missing="$missing $p"
done
if [ -z "$missing" ]; then
	node_deps "${1:-}"
	exit 0
fi

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
node_deps "${1:-}"
