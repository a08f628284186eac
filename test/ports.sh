# SPDX-License-Identifier: Apache-2.0
# Sourced by test/pg.sh and test/unit-dns.sh: picking a free high loopback port.

# Is TCP or UDP port $1 bound (any address)? Reads /proc; a false positive only
# makes the caller pick another port.
port_busy() {
	hex=$(printf ':%04X ' "$1")
	grep -q "$hex" /proc/net/tcp /proc/net/tcp6 /proc/net/udp /proc/net/udp6 2>/dev/null
}

random_port() {
	n=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
	echo $((20000 + n % 40000))
}
