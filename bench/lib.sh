# Shared settings and helpers of the benchmark kit; sourced by load.sh and run.sh.
# shellcheck disable=SC2034 # settings used by the scripts that source this file
# shellcheck shell=bash

BENCH_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$BENCH_SRC/.." && pwd)
SANDBOX="$REPO_ROOT/tests/lib/mariadb-sandbox.sh"

# Everything generated or started lives under this cache directory.
BENCH_CACHE=${BENCH_CACHE:-/var/tmp/followings-bench}
BENCH_SEED=${BENCH_SEED:-20240601}
# 210,000 rather than 100,000: a user that follows exactly 200,000 distinct
# other users needs at least 200,001 users (see README.md).
BENCH_USERS=${BENCH_USERS:-210000}
BENCH_DB=${BENCH_DB:-followings}
BENCH_BUFFER_POOL=${BENCH_BUFFER_POOL:-2G}
BENCH_PORT=${BENCH_PORT:-38080}  # nginx: service; +1 trivial; +2 static (127.0.0.1)
BENCH_DB_USER=bench
BENCH_DB_PASSWORD=bench-password
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# The dataset key: anything that changes the loaded data changes it.
dataset_key() {
	{
		printf 'seed=%s users=%s db=%s\n' "$BENCH_SEED" "$BENCH_USERS" "$BENCH_DB"
		cat "$BENCH_SRC/gen.c" "$REPO_ROOT/db/contract.sql" "$REPO_ROOT"/db/install/*.sql \
		    "$REPO_ROOT/db/followings-db" "$BENCH_SRC/load.sh"
	} | sha256sum | cut -c1-16
}
paths_key() {
	{ dataset_key; echo "port=$BENCH_PORT"; cat "$BENCH_SRC/make_paths.py"; } | sha256sum | cut -c1-16
}

DS_KEY=$(dataset_key)
DS_DIR="$BENCH_CACHE/ds-$DS_KEY"    # csv/, sandbox/, meta.txt, load.log, .complete
SBX_DIR="$DS_DIR/sandbox"           # the MariaDB sandbox (data/, mysqld.sock)
DB_SOCK="$SBX_DIR/mysqld.sock"

# (fd 9 is the cache lock: the server must not inherit it)
sbx() { SANDBOX_BUFFER_POOL="$BENCH_BUFFER_POOL" bash "$SANDBOX" "$@" 9>&-; }
# Root client on the sandbox, utf8mb4, on the benchmark database.
q() { bash "$SANDBOX" sql "$SBX_DIR" --default-character-set=utf8mb4 "$@"; }
qdb() { q "$BENCH_DB" "$@"; }

build_tool() { # build_tool NAME SRC [LIBS...]: cc into $BENCH_CACHE/bin when the source changed
	local name=$1 src=$2
	shift 2
	mkdir -p "$BENCH_CACHE/bin"
	local bin="$BENCH_CACHE/bin/$name" stamp
	stamp=$(sha256sum "$src" | cut -c1-16)
	if [ ! -x "$bin" ] || [ "$(cat "$bin.src" 2>/dev/null)" != "$stamp" ]; then
		cc -O2 -Wall -Wextra -o "$bin.tmp" "$src" "$@" || die "cannot build $name"
		mv "$bin.tmp" "$bin"
		echo "$stamp" >"$bin.src"
	fi
	echo "$bin"
}

# Wait (up to 120 s) until InnoDB has reloaded the buffer pool dumped at the last shutdown.
wait_buffer_pool() {
	for _ in $(seq 1 240); do
		q -N -B -e "SHOW STATUS LIKE 'Innodb_buffer_pool_load_status'" 2>/dev/null | grep -qiE 'completed|not started' && return 0
		sleep 0.5
	done
	log "warning: the buffer pool load is still running"
}

meta() { sed -n "s/^$1=//p" "$DS_DIR/meta.txt"; }
