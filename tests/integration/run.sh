#!/usr/bin/env bash
# Integration tests of followings-fcgi behind nginx, against a private MariaDB.
#
#   tests/integration/run.sh [PYTEST ARGS...]
#
# In a fresh temporary directory it starts a MariaDB sandbox, loads
# db/contract.sql, tests/integration/fixtures.sql and `db/followings-db install`, starts two instances of
# the service (the second one with base_url and other paging limits), starts
# nginx on free loopback ports, runs pytest on tests/integration, and tears
# everything down.  The exit status is pytest's, or 1 when the service did not
# start, did not exit 0 on SIGTERM, or left sanitizer reports.
#
# Environment:
#   FOLLOWINGS_BIN       the service binary (default: fcgi_app/followings-fcgi)
#   FOLLOWINGS_IT_KEEP   1: keep the temporary directory (logs, data) at exit
#   FOLLOWINGS_IT_TMPDIR parent of the temporary directory (default /tmp; keep
#                        it short: unix socket paths are limited to 107 bytes)
#   PYTEST_TIMEOUT       seconds pytest may run in all (default 600)
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
bin=${FOLLOWINGS_BIN:-$repo/fcgi_app/followings-fcgi}
sandbox=$repo/tests/lib/mariadb-sandbox.sh
pytest_timeout=${PYTEST_TIMEOUT:-600}

tmp=$(mktemp -d "${FOLLOWINGS_IT_TMPDIR:-/tmp}/followings-it.XXXXXX") || exit 1
db_dir=$tmp/db
db_name=followings_it
ngx_dir=$tmp/nginx
sock1=$tmp/app.sock
sock2=$tmp/app2.sock
public_base_url=https://public.example.org
server_name=api.example.com

svc_pids=()
ngx_pid=
pytest_pid=
db_started=0
cleaned=0
status=0

log() { printf 'run.sh: %s\n' "$*" >&2; }

# Waits up to $1 tenths of a second for the command in $2.. to succeed.
wait_for() {
	local n=$1
	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# Sends SIGTERM to pid $1 and waits up to $2 tenths of a second; SIGKILL after.
# Returns the process's exit status, or 124 if it had to be killed.
stop_pid() {
	local pid=$1 n=$2 rc
	kill -TERM "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return $?; }
	while [ "$n" -gt 0 ] && kill -0 "$pid" 2>/dev/null; do
		sleep 0.1
		n=$((n - 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		return 124
	fi
	wait "$pid" 2>/dev/null
	rc=$?
	return $rc
}

print_logs() {
	local f
	for f in "$tmp"/service*.log; do
		[ -s "$f" ] || continue
		printf '\n===== %s (last 200 lines) =====\n' "$f" >&2
		tail -n 200 "$f" >&2
	done
	if [ -s "$ngx_dir/error.log" ]; then
		printf '\n===== nginx error.log (last 50 lines) =====\n' >&2
		tail -n 50 "$ngx_dir/error.log" >&2
	fi
}

cleanup() {
	[ "$cleaned" = 1 ] && return
	cleaned=1
	trap '' INT TERM
	if [ -n "$pytest_pid" ] && kill -0 "$pytest_pid" 2>/dev/null; then
		kill -TERM "$pytest_pid" 2>/dev/null
		wait "$pytest_pid" 2>/dev/null
	fi
	local i pid rc
	for i in "${!svc_pids[@]}"; do
		pid=${svc_pids[$i]}
		stop_pid "$pid" 100
		rc=$?
		if [ "$rc" != 0 ]; then
			if [ "$rc" = 124 ]; then
				log "service instance $((i + 1)) (pid $pid) did not exit within 10 s of SIGTERM; killed"
			else
				log "service instance $((i + 1)) (pid $pid) ended with status $rc (expected 0 after SIGTERM)"
			fi
			status=1
		fi
	done
	if [ -n "$ngx_pid" ]; then
		stop_pid "$ngx_pid" 100 || true
	fi
	if [ "$db_started" = 1 ]; then
		timeout 60 "$sandbox" stop "$db_dir" || log "could not stop MariaDB"
	fi
	local reports=("$tmp"/sanitizer.*)
	if [ -e "${reports[0]}" ]; then
		log "sanitizer reports found:"
		for f in "${reports[@]}"; do
			printf '\n===== %s =====\n' "$f" >&2
			cat "$f" >&2
		done
		status=1
	fi
	if [ "$status" != 0 ]; then
		print_logs
	fi
	if [ "${FOLLOWINGS_IT_KEEP:-0}" = 1 ]; then
		log "kept $tmp"
	else
		rm -rf "$tmp"
	fi
}

trap 'cleanup; exit $status' EXIT
trap 'status=130; exit 130' INT
trap 'status=143; exit 143' TERM

fail() {
	log "$*"
	status=1
	exit 1
}

# ---------------------------------------------------------------- database
log "temporary directory $tmp"
db_started=1 # set first: a server that starts too slowly is still stopped
timeout 120 "$sandbox" start "$db_dir" || fail "MariaDB did not start"
sql() { timeout 60 "$sandbox" sql "$db_dir" --default-character-set=utf8mb4 "$@"; }
# Stored times are UTC (schema-contract.md) whatever the server's time zone:
# give new sessions a zone that is not UTC, so that a service comparing
# access_tokens.expires with NOW() instead of UTC_TIMESTAMP() shows.
sql -e "SET GLOBAL time_zone = '+05:45'" || fail "could not set the server's time zone"
# The platform's tables with their rows first, then the service's install
# onto them, as on a real platform (README, "Deploying onto an existing
# platform database"): the suite runs against a database installed that way.
timeout 300 "$sandbox" platform "$db_dir" "$db_name" "$here/fixtures.sql" ||
	fail "the platform database (contract tables, fixtures, followings-db install) did not load"

# ---------------------------------------------------------------- service
jwt_secret=$(/usr/bin/python3 -c 'import secrets; print("it-" + secrets.token_hex(24))')
printf '%s' "$jwt_secret" >"$tmp/jwt_secret"
chmod 600 "$tmp/jwt_secret"

cat >"$tmp/app.conf" <<EOF
# Written by tests/integration/run.sh
db_socket = $db_dir/mysqld.sock
db_user = root
db_name = $db_name
db_connect_timeout = 2
db_read_timeout = 2
db_write_timeout = 2
jwt_secret = $jwt_secret
prefs_cache_ttl = 1
# Low, so that the paging walks also take the day-count path of deep pages.
deep_offset = 5
# Never fold: this instance reads every answer through the change log and
# the pending corrections (test_14_upkeep.py; the second instance folds).
maintain_interval_ms = 0
# The status page behind the nginx example's location, and the request log
# (tests/integration/test_12_status.py reads service.log).
status_path = /fcgi-status
request_log = on
EOF

# The second instance: secret from a file, public base URL, other limits.
cat >"$tmp/app2.conf" <<EOF
# Written by tests/integration/run.sh
db_socket = $db_dir/mysqld.sock
db_user = root
db_name = $db_name
db_connect_timeout = 2
db_read_timeout = 2
db_write_timeout = 2
jwt_secret_file = $tmp/jwt_secret
prefs_cache_ttl = 1
base_url = $public_base_url
limit_default = 3
limit_max = 4
# No status_path here: /fcgi-status must be an ordinary 404 (test_12_status.py).
log_format = json
EOF

# The service refuses to keep root privileges unless told to; this harness
# runs everything as the invoking user (root on CI machines).
if [ "$(id -u)" = 0 ]; then
	echo "user = root" >>"$tmp/app.conf"
	echo "user = root" >>"$tmp/app2.conf"
fi

[ -x "$bin" ] || fail "service binary $bin not found or not executable (build it, or set FOLLOWINGS_BIN)"

start_service() {
	local conf=$1 sock=$2 logf=$3 pid
	# TZ: the service's local time is not UTC either (dates must not shift).
	TZ='<+0545>-05:45' \
	ASAN_OPTIONS="log_path=$tmp/sanitizer:detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
	UBSAN_OPTIONS="log_path=$tmp/sanitizer:print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}" \
		"$bin" --config "$conf" --listen "unix:$sock" </dev/null >>"$logf" 2>&1 &
	pid=$!
	svc_pids+=("$pid")
	local n=150
	while [ ! -S "$sock" ]; do
		kill -0 "$pid" 2>/dev/null || fail "the service exited at start-up (log: $logf)"
		[ "$n" -gt 0 ] || fail "the service did not create $sock within 15 s (log: $logf)"
		sleep 0.1
		n=$((n - 1))
	done
	kill -0 "$pid" 2>/dev/null || fail "the service exited right after start-up (log: $logf)"
}
start_service "$tmp/app.conf" "$sock1" "$tmp/service.log"
start_service "$tmp/app2.conf" "$sock2" "$tmp/service2.log"

# ---------------------------------------------------------------- nginx
read -r port_main port_tls port_any port_base < <(/usr/bin/python3 - <<'EOF'
import socket
socks = []
for _ in range(4):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
)
[ -n "$port_base" ] || fail "could not find free ports"

mkdir -p "$ngx_dir/tmp"
sed -e "s|unix:/run/followings/fcgi.sock|unix:$sock1|" \
	-e "s|listen 80;|listen 127.0.0.1:$port_main;|" \
	"$repo/conf/nginx/followings.conf" >"$ngx_dir/followings.conf"
grep -q "unix:$sock1;" "$ngx_dir/followings.conf" &&
	grep -q "listen 127.0.0.1:$port_main;" "$ngx_dir/followings.conf" &&
	! grep -q '/run/followings/' "$ngx_dir/followings.conf" ||
	fail "conf/nginx/followings.conf: the socket/listen substitution failed"
cp "$here/fastcgi_common.conf" "$ngx_dir/fastcgi_common.conf"
sed -e "s|@DIR@|$ngx_dir|g" -e "s|@PORT_TLS@|$port_tls|g" -e "s|@PORT_ANY@|$port_any|g" \
	-e "s|@PORT_BASE@|$port_base|g" -e "s|@SOCKET_BASE@|$sock2|g" \
	"$here/nginx.conf.in" >"$ngx_dir/nginx.conf"
! grep -q '@[A-Z_]*@' "$ngx_dir/nginx.conf" || fail "nginx.conf.in: unsubstituted placeholder"

nginx -t -q -p "$ngx_dir" -c "$ngx_dir/nginx.conf" -g 'daemon off;' 2>"$ngx_dir/test.log" || {
	cat "$ngx_dir/test.log" >&2
	fail "nginx configuration test failed"
}
nginx -p "$ngx_dir" -c "$ngx_dir/nginx.conf" -g 'daemon off;' </dev/null >"$ngx_dir/stdout.log" 2>&1 &
ngx_pid=$!
nginx_up() {
	local p
	for p in $port_main $port_tls $port_any $port_base; do
		curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$p/api/v2/user/0/followings/" || return 1
	done
}
wait_for 100 nginx_up || fail "nginx did not answer within 10 s"

# ---------------------------------------------------------------- pytest
export FOLLOWINGS_BASE_URL=http://127.0.0.1:$port_main
export FOLLOWINGS_PORT=$port_main
export FOLLOWINGS_TLS_PORT=$port_tls
export FOLLOWINGS_ANY_PORT=$port_any
export FOLLOWINGS_BASEURL_PORT=$port_base
export FOLLOWINGS_SERVER_NAME=$server_name
export FOLLOWINGS_PUBLIC_BASE_URL=$public_base_url
export FOLLOWINGS_APP_SOCKET=$sock1
export FOLLOWINGS_APP_PID=${svc_pids[0]}
export FOLLOWINGS_APP2_PID=${svc_pids[1]}
export FOLLOWINGS_DB_SANDBOX=$sandbox
export FOLLOWINGS_DB_DIR=$db_dir
export FOLLOWINGS_DB_SOCKET=$db_dir/mysqld.sock
export FOLLOWINGS_DB_NAME=$db_name
export FOLLOWINGS_JWT_SECRET=$jwt_secret
export FOLLOWINGS_PREFS_TTL=1
export FOLLOWINGS_TMP=$tmp
export FOLLOWINGS_BIN=$bin
export FOLLOWINGS_APP_LOG=$tmp/service.log
export FOLLOWINGS_APP2_LOG=$tmp/service2.log
export PYTHONDONTWRITEBYTECODE=1

cd "$repo" || fail "cannot cd to $repo"
timeout "$pytest_timeout" /usr/bin/python3 -m pytest -p no:cacheprovider tests/integration -v "$@" &
pytest_pid=$!
wait "$pytest_pid"
status=$?
pytest_pid=
[ "$status" = 124 ] && log "pytest did not finish within $pytest_timeout s"
exit "$status"
