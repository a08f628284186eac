#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A private PostgreSQL 15 for the tests (STACK.md pitfall 27): its own data
# directory, 127.0.0.1 only, a free high port, the unix socket inside DIR.
#
#   sh test/pg.sh start DIR             initdb if needed, start; prints the admin DSN
#                                       (also written to DIR/dsn)
#   sh test/pg.sh stop DIR              stops that server (pg_ctl, by its pid file)
#   sh test/pg.sh createdb DSN NAME     CREATE DATABASE NAME; prints its DSN
#   sh test/pg.sh dropdb DSN NAME       DROP DATABASE IF EXISTS NAME WITH (FORCE)
#   sh test/pg.sh createschema DSN NAME CREATE SCHEMA NAME; prints a DSN whose search_path is it
#   sh test/pg.sh dropschema DSN NAME   DROP SCHEMA IF EXISTS NAME CASCADE
#
# As root the server runs as the postgres system user (PostgreSQL refuses
# root), so DIR is chowned to postgres and its parents must be traversable.
# Durability settings stay at their defaults (fsync=on, synchronous_commit=on).
set -eu

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

die() {
	echo "pg.sh: $*" >&2
	exit 1
}

as_pg() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

. "$(dirname "$0")/ports.sh"

psql_admin() {
	dsn=$1
	shift
	"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$dsn" "$@"
}

check_dbname() {
	case $1 in
	'' | *[!a-z0-9_]*) die "database name must match [a-z0-9_]+: '$1'" ;;
	esac
}

cmd_start() {
	[ -x "$PGBIN/initdb" ] || die "$PGBIN/initdb not found (apt-get install postgresql)"
	mkdir -p "$1"
	dir=$(cd "$1" && pwd)
	data=$dir/data
	if [ -f "$data/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" status -D "$data" >/dev/null 2>&1; then
		cat "$dir/dsn"
		return 0
	fi
	if [ "$(id -u)" = 0 ]; then
		chown postgres: "$dir"
		runuser -u postgres -- test -w "$dir" ||
			die "user postgres cannot write $dir: make its parent directories traversable (chmod o+x)"
	fi
	if [ ! -f "$data/PG_VERSION" ]; then
		as_pg "$PGBIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
			>"$dir/initdb.log" 2>&1 || {
			cat "$dir/initdb.log" >&2
			die "initdb failed"
		}
		cat >>"$data/postgresql.conf" <<EOF

# test/pg.sh: private test server
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 200
synchronous_commit = on
EOF
	fi
	tries=0
	while :; do
		tries=$((tries + 1))
		[ $tries -le 10 ] || die "no free port after 10 attempts; see $dir/server.log"
		port=$(random_port)
		port_busy "$port" && continue
		rm -f "$dir/server.log"
		if as_pg "$PGBIN/pg_ctl" start -D "$data" -l "$dir/server.log" -w -t 60 \
			-o "-p $port" >/dev/null 2>&1; then
			break
		fi
		grep -q -i 'could not bind\|address already in use\|could not create any TCP/IP sockets' \
			"$dir/server.log" && continue
		tail -n 20 "$dir/server.log" >&2
		die "PostgreSQL did not start"
	done
	dsn="postgres://postgres@127.0.0.1:$port/postgres"
	echo "$dsn" >"$dir/dsn"
	echo "$dsn"
}

cmd_stop() {
	dir=$(cd "$1" && pwd) || die "no directory $1"
	[ -f "$dir/data/postmaster.pid" ] || return 0
	as_pg "$PGBIN/pg_ctl" stop -D "$dir/data" -m fast -w -t 60 >/dev/null
}

cmd_createdb() {
	check_dbname "$2"
	psql_admin "$1" -c "CREATE DATABASE $2"
	echo "${1%/*}/$2"
}

# A schema per test is much cheaper than a database per test: DROP DATABASE
# forces a checkpoint (about 0.9 s each here), DROP SCHEMA does not.
cmd_createschema() {
	check_dbname "$2"
	psql_admin "$1" -c "CREATE SCHEMA $2"
	echo "$1?options=-csearch_path%3D$2"
}

cmd_dropschema() {
	check_dbname "$2"
	psql_admin "$1" -c "DROP SCHEMA IF EXISTS $2 CASCADE"
}

cmd_dropdb() {
	check_dbname "$2"
	psql_admin "$1" -c "DROP DATABASE IF EXISTS $2 WITH (FORCE)"
}

case ${1:-} in
start | stop) [ $# -eq 2 ] || die "usage: pg.sh $1 DIR" ;;
createdb | dropdb | createschema | dropschema) [ $# -eq 3 ] || die "usage: pg.sh $1 ADMIN_DSN NAME" ;;
*) die "usage: pg.sh start DIR | stop DIR | createdb ADMIN_DSN NAME | dropdb ADMIN_DSN NAME" ;;
esac
cmd=$1
shift
"cmd_$cmd" "$@"
