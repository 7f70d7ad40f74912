#!/usr/bin/env bash
# Hostile peers on the FastCGI socket: the real binary, in --listen mode, on
# its own socket, with real MariaDB behind it, and a small FastCGI client
# (fcgi.py) speaking real records to it, as nothing in between would stop
# them.  See README.md here for what each test attacks.
#
#   FOLLOWINGS_BIN=build/fcgi_app/followings-fcgi tests/security/run.sh [pytest args]
#
# Needs root (the service drops to nobody), MariaDB, python3 with pytest.
# Takes about a minute.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
bin=${FOLLOWINGS_BIN:-$repo/build/fcgi_app/followings-fcgi}
sandbox=$repo/tests/lib/mariadb-sandbox.sh

tmp=$(mktemp -d /tmp/fsec.XXXXXX) || exit 1
chmod 0755 "$tmp"
db_dir=$tmp/db
cleanup() {
	timeout 60 "$sandbox" stop "$db_dir" >/dev/null 2>&1
	[ "${FOLLOWINGS_SECURITY_KEEP:-0}" = 1 ] || rm -rf "$tmp"
}
trap cleanup EXIT

export SANDBOX_BUFFER_POOL=64M
timeout 120 "$sandbox" start "$db_dir" || { echo "MariaDB did not start"; exit 1; }
chmod 0755 "$db_dir"
sql() { timeout 60 "$sandbox" sql "$db_dir" --default-character-set=utf8mb4 "$@"; }
timeout 300 "$sandbox" platform "$db_dir" followings_security "$repo/tests/integration/fixtures.sql" ||
	{ echo "database setup failed"; exit 1; }

cd "$here" || exit 1
FOLLOWINGS_BIN=$bin SECURITY_TMP=$tmp SECURITY_DB_SOCKET=$db_dir/mysqld.sock \
	SECURITY_DB_NAME=followings_security \
	timeout 600 /usr/bin/python3 -m pytest -q -p no:cacheprovider "$@" .
