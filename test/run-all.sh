#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The whole suite (make test): sanitizer build, fuzz-corpus replay, unit tests
# (the store contract against a private PostgreSQL, the DNS lookup against a
# private dnsmasq), then the end-to-end suite on SQLite and on PostgreSQL in
# parallel against the sanitizer binary.
# The last line on stdout is the total: "N passed, N failed, N skipped".
# Exit status: non-zero if anything failed or nothing ran.
set -u
cd "$(dirname "$0")/.."

SAN=address,undefined
BIN=build/san/bin/gatehouse
UNIT=build/san/test/unit
PY=/usr/bin/python3
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

work=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-test.XXXXXX") || exit 1
chmod 711 "$work" # the private PostgreSQL runs as user postgres inside it
pg_dir=$work/pg
cleanup() {
	# A stopped run: end the pytest processes (they stop their servers).
	for f in "$work"/e2e-*.pid; do
		[ -f "$f" ] && kill -TERM "$(cat "$f")" 2>/dev/null
	done
	wait
	sh test/unit-dns.sh stop "$work/dns" >&2 || true
	if [ -f "$pg_dir/data/postmaster.pid" ]; then
		sh test/pg.sh stop "$pg_dir" >&2 || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

passed=0
failed=0
skipped=0
notes=""
count() { # count PART PASSED FAILED SKIPPED
	passed=$((passed + $2))
	failed=$((failed + $3))
	skipped=$((skipped + $4))
	notes="$notes$1: $2 passed, $3 failed, $4 skipped
"
}
section() { printf '\n== %s\n' "$*"; }

# -- build ---------------------------------------------------------------------------
section "build (SANITIZE=$SAN)"
if ! make -j2 SANITIZE=$SAN $BIN $UNIT build/san/test/op-hook; then
	count "build" 0 1 0
	# Keep going with whatever can be built, so the report says as much as it can.
	make -j2 SANITIZE=$SAN $UNIT >/dev/null 2>&1 || true
fi

# -- fuzz corpus replay ------------------------------------------------------------------
section "fuzz corpus replay"
targets=$(ls fuzz/fuzz_*.c 2>/dev/null | sed 's|fuzz/fuzz_||; s|\.c$||')
if [ -z "$targets" ]; then
	echo "no fuzz targets yet"
elif make SANITIZE=$SAN fuzz-replay; then
	count "fuzz" "$(echo "$targets" | wc -l)" 0 0
else
	# make stops at the first failure: replay each target to count them.
	fp=0 ff=0
	for t in $targets; do
		if [ -x "build/san/fuzz/$t" ] && timeout 600 "build/san/fuzz/$t" "fuzz/corpus/$t" \
			>"$work/fuzz-$t.log" 2>&1; then
			fp=$((fp + 1))
		else
			ff=$((ff + 1))
			echo "fuzz target $t FAILED:"
			tail -n 30 "$work/fuzz-$t.log"
		fi
	done
	count "fuzz" $fp $ff 0
fi

# -- private PostgreSQL --------------------------------------------------------------
section "PostgreSQL"
if TEST_PG_DSN=$(sh test/pg.sh start "$pg_dir"); then
	echo "private server: $TEST_PG_DSN"
	export TEST_PG_DSN
else
	TEST_PG_DSN=
	count "postgresql start" 0 1 0
fi

# -- unit ------------------------------------------------------------------------------
section "unit"
# the dnsmasq that dns_txt.lookup_against_dnsmasq expects
if TEST_DNS_RESOLVER=$(sh test/unit-dns.sh start "$work/dns"); then
	echo "dnsmasq for the unit tests: $TEST_DNS_RESOLVER"
else
	TEST_DNS_RESOLVER=
	count "unit dnsmasq start" 0 1 0
fi
if [ -x $UNIT ]; then
	TEST_DNS_RESOLVER=$TEST_DNS_RESOLVER timeout 600 $UNIT >"$work/unit.log" 2>&1
	rc=$?
	cat "$work/unit.log"
	line=$(grep -E '^unit: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$work/unit.log" | tail -n 1)
	if [ -n "$line" ]; then
		set -- $line
		up=$2 uf=$4 us=$6
	else # crashed before its closing line: count what it printed
		up=$(grep -c '^ok ' "$work/unit.log")
		uf=$(grep -c '^FAIL ' "$work/unit.log")
		us=$(grep -c '^SKIP ' "$work/unit.log")
	fi
	if [ $rc -ne 0 ] && { [ -z "$line" ] || [ "$uf" -eq 0 ]; }; then
		echo "unit runner exited with status $rc (crash, sanitizer report or timeout)"
		uf=$((uf + 1))
	fi
	count "unit" "$up" "$uf" "$us"
else
	echo "no unit binary"
	count "unit" 0 1 0
fi

# -- end-to-end, both backends in parallel -----------------------------------------------
# Prints "passed failed skipped" from a junit file: a test is failed when any
# phase failed or errored (teardown included), skipped when skipped, else passed.
junit_counts() {
	$PY - "$1" <<'EOF'
import sys
import xml.etree.ElementTree as ET
n = {"passed": 0, "failed": 0, "skipped": 0}
for tc in ET.parse(sys.argv[1]).iter("testcase"):
    tags = {c.tag for c in tc}
    n["failed" if tags & {"failure", "error"} else "skipped" if "skipped" in tags else "passed"] += 1
print(n["passed"], n["failed"], n["skipped"])
EOF
}

run_e2e() { # run_e2e BACKEND
	# each backend's dnsmasq gets its own port range, outside the ephemeral one
	case $1 in sqlite) dns_ports=20000-21999 ;; *) dns_ports=22000-23999 ;; esac
	GATEHOUSE_TEST_DNS_PORTS=$dns_ports GATEHOUSE_TEST_BACKEND=$1 GATEHOUSE_BIN=$PWD/$BIN \
		timeout -k 10 1200 $PY -m pytest -q -rfEs --junitxml="$work/e2e-$1.xml" \
		--basetemp="$work/pytest-$1" test/e2e >"$work/e2e-$1.log" 2>&1 &
	echo $! >"$work/e2e-$1.pid"
	wait $!
	echo $? >"$work/e2e-$1.rc"
	rm -f "$work/e2e-$1.pid"
}

section "e2e (sqlite and postgres in parallel)"
backends="sqlite"
if [ -n "$TEST_PG_DSN" ]; then
	backends="sqlite postgres"
fi
if [ -x $BIN ]; then
	pids=
	for b in $backends; do
		run_e2e "$b" &
		pids="$pids $!"
	done
	for p in $pids; do
		wait "$p"
	done
	for b in $backends; do
		section "e2e $b"
		cat "$work/e2e-$b.log"
		rc=$(cat "$work/e2e-$b.rc")
		if [ -s "$work/e2e-$b.xml" ] && counts=$(junit_counts "$work/e2e-$b.xml"); then
			set -- $counts
			# pytest status 1 = tests failed (already counted); 5 = none collected.
			if [ "$rc" != 0 ] && [ "$rc" != 1 ] && [ "$rc" != 5 ]; then
				echo "pytest ($b) exited with status $rc"
				set -- "$1" $(($2 + 1)) "$3"
			fi
			count "e2e $b" "$1" "$2" "$3"
		else
			echo "pytest ($b) exited with status $rc and wrote no results"
			count "e2e $b" 0 1 0
		fi
	done
else
	echo "no gatehouse binary ($BIN): end-to-end suite not run"
	count "e2e" 0 1 0
fi

# -- total -------------------------------------------------------------------------------
section "summary"
printf '%s' "$notes"
[ $((passed + failed)) -gt 0 ] || echo "no tests ran"
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ] && [ $passed -gt 0 ]
