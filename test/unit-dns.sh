#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The dnsmasq that the unit test dns_txt.lookup_against_dnsmasq expects
# (records listed in src/dns/txt_test.c), on 127.0.0.1 and a free port.
#
#   sh test/unit-dns.sh start DIR    prints 127.0.0.1:PORT, the value for TEST_DNS_RESOLVER
#   sh test/unit-dns.sh stop DIR     stops it (by DIR/dnsmasq.pid)
set -eu
. "$(dirname "$0")/ports.sh"

die() {
	echo "unit-dns.sh: $*" >&2
	exit 1
}

cmd_start() {
	mkdir -p "$1"
	dir=$(cd "$1" && pwd)
	long=$(printf '0123456789%.0s' $(seq 30))
	x90=$(printf 'x%.0s' $(seq 90))
	{
		echo "local=/acme.test/"
		echo "host-record=nodata.acme.test,127.0.0.2"
		echo 'txt-record=_gatehouse-verification.acme.test,"gatehouse-verification=abc"'
		echo 'txt-record=multi.acme.test,"part-one-","part-two"'
		echo "txt-record=long.acme.test,\"$long\""
		echo 'txt-record=two.acme.test,"first"'
		echo 'txt-record=two.acme.test,"second"'
		for i in $(seq 12); do
			echo "txt-record=big.acme.test,record-$i-$x90"
		done
	} >"$dir/dnsmasq.conf"
	tries=0
	while :; do
		tries=$((tries + 1))
		[ $tries -le 10 ] || die "dnsmasq did not start; see $dir/dnsmasq.log"
		port=$(random_port)
		port_busy "$port" && continue
		/usr/sbin/dnsmasq --no-daemon --no-resolv --no-hosts --bind-interfaces \
			--listen-address=127.0.0.1 --port="$port" --conf-file="$dir/dnsmasq.conf" \
			--pid-file= --log-queries --log-facility=- </dev/null >"$dir/dnsmasq.log" 2>&1 &
		pid=$!
		i=0
		while [ $i -lt 50 ] && kill -0 $pid 2>/dev/null && ! port_busy "$port"; do
			sleep 0.1
			i=$((i + 1))
		done
		if kill -0 $pid 2>/dev/null && port_busy "$port"; then
			echo $pid >"$dir/dnsmasq.pid"
			echo "127.0.0.1:$port"
			return 0
		fi
		kill $pid 2>/dev/null || true
	done
}

cmd_stop() {
	[ -d "$1" ] || return 0
	set -- "$(cd "$1" && pwd)"
	[ -f "$1/dnsmasq.pid" ] || return 0
	pid=$(cat "$1/dnsmasq.pid")
	# only if that pid is still our dnsmasq (not a recycled pid)
	if grep -q "$1/dnsmasq.conf" "/proc/$pid/cmdline" 2>/dev/null; then
		kill "$pid"
	fi
	rm -f "$1/dnsmasq.pid"
}

case ${1:-} in
start | stop) [ $# -eq 2 ] || die "usage: unit-dns.sh $1 DIR" ;;
*) die "usage: unit-dns.sh start DIR | stop DIR" ;;
esac
"cmd_$1" "$2"
