#!/usr/bin/env bash
# shellcheck disable=SC2317  # functions called from traps and through wait_for
# Deployment tests of followings-fcgi: the conf/ examples, used as they are
# (paths substituted), behind each front end, and the --listen pool's
# process model under load.
#
#   FOLLOWINGS_BIN=build/fcgi_app/followings-fcgi tests/deploy/run.sh
#
# In a fresh temporary directory it starts a MariaDB sandbox
# (tests/lib/mariadb-sandbox.sh) with db/contract.sql, `db/followings-db install` and the integration
# fixtures (tests/integration/fixtures.sql), then, one after the other:
#
#   1. nginx (conf/nginx/followings.conf) + the program's own pool
#      (--listen unix:..., workers 4, started as root with user = nobody)
#   2. lighttpd (conf/lighttpd/followings.conf: bin-path, max-procs 2)
#   3. Apache 2.4 + mod_fcgid (conf/apache/followings.conf)
#   4. spawn-fcgi -F 2 (conf/spawn-fcgi/followings.sh) + nginx
#
# and runs the same HTTP smoke suite (tests/deploy/test_smoke.py) behind each,
# plus checks of the processes each deployer started (accounts, sockets,
# lighttpd restarting a killed backend, mod_fcgid recycling under load, clean
# stops).  Then, behind
# nginx + the pool of step 1, tests/deploy/pool.py drives a steady load
# (tests/deploy/load.py, wrk) while it reloads, breaks and stops things.
# Every step is bounded in time; a summary line per measurement is printed at
# the end; the exit status is 0 only if everything passed.
#
# Needs: root (the front ends switch to www-data, the service to nobody),
# nginx, lighttpd, apache2 + libapache2-mod-fcgid, spawn-fcgi, wrk, curl,
# python3 with pytest, MariaDB server and client.  Takes about 2 minutes on
# 2 cores (every wait is bounded; at worst about 8).  tests/deploy/README.md
# lists what each check measures.
#
# Environment:
#   FOLLOWINGS_BIN              the service binary (default: build/fcgi_app/followings-fcgi)
#   FOLLOWINGS_DEPLOY_KEEP      1: keep the temporary directory (logs) at exit
#   FOLLOWINGS_DEPLOY_TMPDIR    parent of the temporary directory (default /tmp;
#                               keep it short: unix socket paths are limited)
#   FOLLOWINGS_DEPLOY_LONG      seconds of the long (leak) run (default 60)
#   FOLLOWINGS_DEPLOY_ONLY      pool scenarios to run, comma-separated (default all)
#   FOLLOWINGS_DEPLOY_SKIP_POOL 1: only the smoke suites
#   FOLLOWINGS_DEPLOY_STRICT_DB 1: a crash of MariaDB itself fails the run (by
#                               default pool.py reports it as a WARNING,
#                               restarts MariaDB and reruns that scenario once)
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
bin=${FOLLOWINGS_BIN:-$repo/build/fcgi_app/followings-fcgi}
sandbox=$repo/tests/lib/mariadb-sandbox.sh
long_seconds=${FOLLOWINGS_DEPLOY_LONG:-60}
py=/usr/bin/python3

# Accounts: the front ends run as www-data (Debian's web server account);
# the service runs as nobody with group www-data where it switches itself
# (pool, spawn-fcgi), as www-data where the web server starts it (lighttpd,
# mod_fcgid).  Its configuration is root:www-data 0640.
web_user=www-data
app_user=nobody
app_group=www-data

workers=4
shutdown_timeout=8

tmp=
db_dir=
pool_dir=
ldir=
adir=
sdir=
db_started=0
cleaned=0
status=0
master_pid=
pool_ngx_pid=
spawn_ngx_pid=
lighttpd_pid=
apache_pid=
spawn_started=0
step_pid=

log() { printf 'deploy: %s\n' "$*" >&2; }
summary() {
	printf '%s\n' "$*" >>"$tmp/summary.txt"
	printf 'deploy: %s\n' "$*" >&2
}

# A process is alive if it exists and is not a zombie (this machine's init
# may be slow to reap orphans such as spawn-fcgi's children).
alive() {
	local st
	st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# Waits up to $1 tenths of a second (wall clock, however long each try
# takes) for the command in $2.. to succeed.
wait_for() {
	local deadline=$((${EPOCHREALTIME//[.,]/} + $1 * 100000))
	shift
	while :; do
		"$@" && return 0
		[ "${EPOCHREALTIME//[.,]/}" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

# SIGTERM to pid $1, wait up to $2 tenths of a second, then SIGKILL.
# Returns the exit status if it is our child, 0 if not, 124 if killed.
stop_pid() {
	local pid=$1 n=$2
	[ -n "$pid" ] || return 0
	alive "$pid" || { wait "$pid" 2>/dev/null; return $?; }
	kill -TERM "$pid" 2>/dev/null
	while [ "$n" -gt 0 ] && alive "$pid"; do
		sleep 0.1
		n=$((n - 1))
	done
	if alive "$pid"; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		return 124
	fi
	wait "$pid" 2>/dev/null
}

# Pids of processes running the service binary whose parent is $1.
app_children() {
	local p kids
	kids=$(cat "/proc/$1/task/$1/children" 2>/dev/null)
	for p in $kids; do
		alive "$p" && [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$bin_real" ] && echo "$p"
	done
}

# Pids of the children of $1 (any program).
children_of() { cat "/proc/$1/task/$1/children" 2>/dev/null; }

# True once pid $1 is gone.
gone() { ! alive "$1"; }

# Pids of live processes running the service binary that this run started:
# every one of them was given a configuration file under $tmp.  (Other runs,
# e.g. tests/integration, may use the same binary at the same time: never
# touch theirs.)
all_app_pids() {
	local d p
	for d in /proc/[0-9]*; do
		p=${d#/proc/}
		[ "$(readlink "$d/exe" 2>/dev/null)" = "$bin_real" ] || continue
		tr '\0' ' ' <"$d/cmdline" 2>/dev/null | grep -qF -- "--config $tmp/" || continue
		alive "$p" && echo "$p"
	done
}

print_logs() {
	local f
	for f in "$tmp"/pool/service.log "$tmp"/spawn/service.log "$tmp"/lighttpd/stdout.log \
		"$tmp"/lighttpd/error.log \
		"$tmp"/apache/error.log "$tmp"/nginx-pool/error.log "$tmp"/nginx-spawn/error.log; do
		[ -s "$f" ] || continue
		printf '\n===== %s (last 60 lines) =====\n' "$f" >&2
		tail -n 60 "$f" >&2
	done
}

cleanup() {
	[ "$cleaned" = 1 ] && return
	cleaned=1
	trap '' INT TERM
	[ -n "$tmp" ] || return
	if [ -n "$step_pid" ] && alive "$step_pid"; then
		kill -TERM "$step_pid" 2>/dev/null
		wait_for 100 gone "$step_pid" || kill -KILL "$step_pid" 2>/dev/null
	fi
	stop_lighttpd
	stop_apache
	stop_spawn
	[ -n "$spawn_ngx_pid" ] && { stop_pid "$spawn_ngx_pid" 100; spawn_ngx_pid=; }
	if [ -n "$master_pid" ]; then
		stop_pid "$master_pid" $(((shutdown_timeout + 5) * 10))
		master_pid=
	fi
	[ -n "$pool_ngx_pid" ] && { stop_pid "$pool_ngx_pid" 100; pool_ngx_pid=; }
	# Anything running our binary that this run started and that is still
	# there (a front end that did not stop its backends) is a failure.
	local left
	left=$(all_app_pids)
	if [ -n "$left" ]; then
		log "service processes left behind: $(echo "$left" | tr '\n' ' '); killing them"
		# shellcheck disable=SC2086
		kill -KILL $left 2>/dev/null
		status=1
	fi
	if [ "$db_started" = 1 ]; then
		timeout 60 "$sandbox" stop "$db_dir" || log "could not stop MariaDB"
	fi
	# Sanitizer reports end up in $tmp/san or, depending on the runtime, in
	# the service's standard error.
	local f
	for f in "$pool_dir/service.log" "$sdir/service.log" "$ldir/stdout.log" "$adir/error.log"; do
		[ -f "$f" ] || continue
		if grep -qE 'runtime error:|ERROR: (AddressSanitizer|LeakSanitizer)' "$f"; then
			summary "FAILED: sanitizer report(s) in ${f#"$tmp"/}:"
			grep -E -m 5 'runtime error:|ERROR: (AddressSanitizer|LeakSanitizer)' "$f" >&2
			status=1
		fi
	done
	local reports=("$tmp"/san/sanitizer.*)
	if [ -e "${reports[0]}" ]; then
		log "sanitizer reports found:"
		for f in "${reports[@]}"; do
			printf '\n===== %s =====\n' "$f" >&2
			cat "$f" >&2
		done
		status=1
	fi
	if [ -s "$tmp/summary.txt" ]; then
		printf '\n===== deploy summary =====\n' >&2
		cat "$tmp/summary.txt" >&2
	fi
	[ "$status" != 0 ] && print_logs
	if [ "${FOLLOWINGS_DEPLOY_KEEP:-0}" = 1 ]; then
		log "kept $tmp"
	else
		rm -rf "$tmp"
	fi
	if [ "$status" = 0 ]; then
		log "all deployment tests passed"
	else
		log "FAILED"
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

# A failed check: recorded, the run goes on.
check_failed() {
	summary "FAILED: $*"
	status=1
}

# ---------------------------------------------------------------- preconditions
[ "$(id -u)" = 0 ] || { echo "tests/deploy/run.sh must run as root (front ends switch users)" >&2; exit 1; }
for c in nginx lighttpd apache2 spawn-fcgi wrk curl mariadbd mariadb "$py"; do
	command -v "$c" >/dev/null || { echo "tests/deploy/run.sh: $c is not installed" >&2; exit 1; }
done
[ -f /usr/lib/apache2/modules/mod_fcgid.so ] ||
	{ echo "tests/deploy/run.sh: mod_fcgid is not installed (libapache2-mod-fcgid)" >&2; exit 1; }
"$py" -c 'import pytest' 2>/dev/null || { echo "tests/deploy/run.sh: python3-pytest is missing" >&2; exit 1; }
if ! id "$app_user" >/dev/null 2>&1 || ! getent group "$app_group" >/dev/null; then
	echo "tests/deploy/run.sh: needs the accounts $app_user and $web_user" >&2
	exit 1
fi
[ -x "$bin" ] || { echo "tests/deploy/run.sh: $bin not found (build it, or set FOLLOWINGS_BIN)" >&2; exit 1; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
bin_real=$(readlink -f "$bin")
sanitized=0
# Not `ldd | grep -q`: under pipefail, grep quitting early can fail the pipeline.
case "$(ldd "$bin" 2>/dev/null)" in *libasan*) sanitized=1 ;; esac

tmp=$(mktemp -d "${FOLLOWINGS_DEPLOY_TMPDIR:-/tmp}/fdeploy.XXXXXX") || exit 1
# Other accounts must reach their own directories below, nothing more.
chmod 0711 "$tmp"
pool_dir=$tmp/pool
ldir=$tmp/lighttpd
adir=$tmp/apache
sdir=$tmp/spawn
: >"$tmp/summary.txt"
mkdir -p "$tmp/san"
chmod 1777 "$tmp/san"
export ASAN_OPTIONS="log_path=$tmp/san/sanitizer:detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="log_path=$tmp/san/sanitizer:print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export PYTHONDONTWRITEBYTECODE=1
log "temporary directory $tmp; binary $bin$([ $sanitized = 1 ] && echo ' (sanitizers)')"

# Free loopback ports, all at once.
read -r port_pool port_lighttpd port_apache port_spawn < <("$py" - <<'EOF'
import socket
socks = []
for _ in range(4):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
)
[ -n "$port_spawn" ] || fail "could not find free ports"

# ---------------------------------------------------------------- database
db_dir=$tmp/db
db_name=followings_deploy
db_socket=$db_dir/mysqld.sock
# (pool.py stops and starts it again on the same directory)
export SANDBOX_BUFFER_POOL=64M
timeout 120 "$sandbox" start "$db_dir" || fail "MariaDB did not start"
db_started=1
chmod 0755 "$db_dir"
sql() { timeout 60 "$sandbox" sql "$db_dir" --default-character-set=utf8mb4 "$@"; }
# A fresh platform database: the contract tables, the service's install,
# then the fixtures written through the installed triggers.
timeout 300 "$sandbox" platform "$db_dir" "$db_name" || fail "the platform database did not load"
sql "$db_name" <"$repo/tests/integration/fixtures.sql" || fail "fixtures.sql did not load"

# ---------------------------------------------------------------- service configuration
jwt_secret=$("$py" -c 'import secrets; print("deploy-" + secrets.token_hex(24))')
mkdir -p "$tmp/etc"
chmod 0755 "$tmp/etc"
printf '%s' "$jwt_secret" >"$tmp/etc/jwt_secret"

# fd-0 mode (lighttpd, mod_fcgid, spawn-fcgi): the spawner owns the count.
cat >"$tmp/etc/fd0.conf" <<EOF
# Written by tests/deploy/run.sh (fd-0 mode)
db_socket = $db_socket
db_user = root
db_name = $db_name
db_connect_timeout = 2
db_read_timeout = 5
db_write_timeout = 5
jwt_secret_file = $tmp/etc/jwt_secret
prefs_cache_ttl = 1
EOF
# --listen mode: started as root, runs as nobody:www-data; the socket is
# nobody:www-data 0660 so that nginx's workers (www-data) may connect.
mkdir -p "$pool_dir"
chown "$app_user:$app_group" "$pool_dir"
chmod 0750 "$pool_dir"
pool_sock=$pool_dir/fcgi.sock
cat >"$tmp/etc/pool.base.conf" <<EOF
# Written by tests/deploy/run.sh (--listen mode); pool.py appends to a copy
db_socket = $db_socket
db_user = root
db_name = $db_name
db_connect_timeout = 2
db_read_timeout = 5
db_write_timeout = 5
jwt_secret_file = $tmp/etc/jwt_secret
prefs_cache_ttl = 1
user = $app_user
group = $app_group
socket_mode = 0660
workers = $workers
max_requests = 0
shutdown_timeout = $shutdown_timeout
pid_file = $pool_dir/master.pid
# the status page behind the nginx example's location (pool.py: status)
status_path = /fcgi-status
EOF
cp "$tmp/etc/pool.base.conf" "$tmp/etc/pool.conf"
for f in "$tmp"/etc/*; do
	chown "root:$app_group" "$f"
	chmod 0640 "$f"
done
"$bin" --check-config --config "$tmp/etc/pool.conf" >/dev/null || fail "pool.conf does not load"
"$bin" --check-config --config "$tmp/etc/fd0.conf" >/dev/null || fail "fd0.conf does not load"

# ---------------------------------------------------------------- start-up refusals
# Started wrongly, the program says how to start it and exits non-zero.
out=$("$bin" --config "$tmp/etc/fd0.conf" </dev/null 2>&1)
rc=$?
if [ "$rc" = 78 ] && grep -q "set 'user'" <<<"$out"; then
	summary "startup: as root without 'user': refused, status 78"
else
	check_failed "startup: as root without 'user': status $rc, said: $out"
fi
out=$(setpriv --reuid="$app_user" --regid="$app_group" --clear-groups \
	"$bin" --config "$tmp/etc/fd0.conf" </dev/null 2>&1)
rc=$?
if [ "$rc" = 64 ] && grep -q "not a listening socket" <<<"$out"; then
	summary "startup: stdin not a listening socket (not spawned, no --listen): refused, status 64"
else
	check_failed "startup: stdin /dev/null: status $rc (expected 64), said: $out"
fi

# ---------------------------------------------------------------- systemd unit
# systemd does not run here: the unit is only checked for syntax and
# references (the binary path replaced by the one under test).
if command -v systemd-analyze >/dev/null; then
	mkdir -p "$tmp/systemd"
	sed -e "s|/usr/bin/followings-fcgi|$bin|g" "$repo/conf/systemd/followings-fcgi.service" \
		>"$tmp/systemd/followings-fcgi.service"
	if out=$(cd "$tmp/systemd" && timeout 60 systemd-analyze verify ./followings-fcgi.service 2>&1) &&
		[ -z "$out" ]; then
		summary "systemd: conf/systemd/followings-fcgi.service passes systemd-analyze verify"
	else
		check_failed "systemd: systemd-analyze verify: $out"
	fi
else
	summary "systemd: systemd-analyze not installed; unit not checked"
fi

# ---------------------------------------------------------------- helpers
stop_lighttpd() {
	[ -n "$lighttpd_pid" ] || return 0
	local pid=$lighttpd_pid kids
	kids=$(app_children "$pid")
	lighttpd_pid=
	stop_pid "$pid" 150
	local rc=$?
	# lighttpd stops its backends (SIGTERM) when it exits
	local k
	for k in $kids; do
		wait_for 50 gone "$k" || { check_failed "lighttpd: backend $k still runs after lighttpd stopped"; kill -KILL "$k"; }
	done
	return $rc
}

stop_apache() {
	[ -n "$apache_pid" ] || return 0
	local pid=$apache_pid
	apache_pid=
	stop_pid "$pid" 150
}

spawn_env() {
	FOLLOWINGS_BIN=$bin FOLLOWINGS_CONFIG=$tmp/etc/fd0.conf FOLLOWINGS_SOCKET=$sdir/fcgi.sock \
		FOLLOWINGS_CHILDREN=2 FOLLOWINGS_USER=$app_user FOLLOWINGS_GROUP=$app_group \
		FOLLOWINGS_SOCKET_GROUP=$app_group FOLLOWINGS_PIDFILE=$sdir/spawn-fcgi.pid \
		FOLLOWINGS_LOG=$sdir/service.log FOLLOWINGS_STOP_TIMEOUT=10 "$@"
}

stop_spawn() {
	[ "$spawn_started" = 1 ] || return 0
	spawn_started=0
	spawn_env timeout 30 "$repo/conf/spawn-fcgi/followings.sh" stop
}

smoke() {
	local name=$1 port=$2 rc
	log "smoke suite behind $name (port $port)"
	DEPLOY_FRONT=$name FOLLOWINGS_PORT=$port FOLLOWINGS_DB_SOCKET=$db_socket \
		FOLLOWINGS_DB_NAME=$db_name FOLLOWINGS_JWT_SECRET=$jwt_secret \
		timeout 180 "$py" -m pytest -p no:cacheprovider -q -rfE "$here/test_smoke.py" \
		>"$tmp/smoke-$name.log" 2>&1 &
	step_pid=$!
	wait "$step_pid"
	rc=$?
	step_pid=
	local line
	line=$(grep -E '^[0-9]+ (passed|failed)|passed|failed|error' "$tmp/smoke-$name.log" | tail -n 1)
	if [ "$rc" = 0 ]; then
		summary "smoke $name: $line"
	else
		cat "$tmp/smoke-$name.log" >&2
		check_failed "smoke $name: ${line:-pytest status $rc}"
	fi
}

# Substitutes "from=>to" pairs into a copy of an example and checks that
# each "from" occurred in a directive (not only in a comment).
substitute() {
	local src=$1 dst=$2
	shift 2
	"$py" - "$src" "$dst" "$@" <<'EOF' || fail "$src: a substitution failed (see above)"
import sys
src, dst, pairs = sys.argv[1], sys.argv[2], sys.argv[3:]
lines = open(src).read().split("\n")
ok = True
for pair in pairs:
    frm, to = pair.split("=>", 1)
    hits = 0
    for i, line in enumerate(lines):
        if frm in line:
            if not line.lstrip().startswith("#"):
                hits += 1
            lines[i] = line.replace(frm, to)
    if hits == 0:
        print(f"{src}: '{frm}' is in no directive", file=sys.stderr)
        ok = False
open(dst, "w").write("\n".join(lines))
sys.exit(0 if ok else 1)
EOF
}

start_nginx() {
	local dir=$1 sock=$2 port=$3 keepalive=$4
	mkdir -p "$dir/tmp"
	substitute "$repo/conf/nginx/followings.conf" "$dir/followings.conf" \
		"unix:/run/followings/fcgi.sock=>unix:$sock" \
		"listen 80;=>listen 127.0.0.1:$port;" \
		"keepalive 4;=>keepalive $keepalive;"
	grep -q '/run/followings/' "$dir/followings.conf" && fail "nginx example: a /run path is left"
	sed -e "s|@DIR@|$dir|g" "$here/nginx.conf.in" >"$dir/nginx.conf"
	nginx -t -q -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' 2>"$dir/test.log" || {
		cat "$dir/test.log" >&2
		fail "nginx configuration test failed ($dir)"
	}
	nginx -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' </dev/null >"$dir/stdout.log" 2>&1 &
	ngx_started=$!
}

http_up() {
	curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$1/api/v2/user/20/followings/"
}

http_200() {
	[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 \
		"http://127.0.0.1:$1/api/v2/user/20/followings/")" = 200 ]
}

# user name of pid $1
proc_user() { ps -o user= -p "$1" 2>/dev/null | tr -d ' '; }

# ================================================================ 1. nginx + pool
log "1. nginx + the program's pool (--listen)"
"$bin" --config "$tmp/etc/pool.conf" --listen "unix:$pool_sock" </dev/null \
	>>"$pool_dir/service.log" 2>&1 &
master_pid=$!
wait_for 150 test -S "$pool_sock" || fail "the pool did not create $pool_sock within 15 s"
count_workers() { [ "$(app_children "$master_pid" | wc -l)" = "$workers" ]; }
wait_for 100 count_workers || fail "the pool did not start $workers workers"
start_nginx "$tmp/nginx-pool" "$pool_sock" "$port_pool" 2
pool_ngx_pid=$ngx_started
wait_for 100 http_200 "$port_pool" || fail "nginx + pool did not answer 200 within 10 s"

sock_stat=$(stat -c '%a %U:%G' "$pool_sock")
master_user=$(proc_user "$master_pid")
worker_users=$(for p in $(app_children "$master_pid"); do proc_user "$p"; done | sort -u | tr '\n' ' ')
if [ "$sock_stat" = "660 $app_user:$app_group" ] && [ "$master_user" = "$app_user" ] &&
	[ "$worker_users" = "$app_user " ]; then
	summary "pool: started as root: master and $workers workers run as $app_user, socket $sock_stat"
else
	check_failed "pool: socket '$sock_stat', master user '$master_user', workers '$worker_users'" \
		"(expected 660 $app_user:$app_group, $app_user)"
fi
[ "$(cat "$pool_dir/master.pid" 2>/dev/null)" = "$master_pid" ] ||
	check_failed "pool: pid_file does not hold the master's pid"
smoke nginx-pool "$port_pool"

# ================================================================ 2. lighttpd
log "2. lighttpd, bin-path, max-procs 2"
mkdir -p "$ldir/htdocs" "$ldir/tmp"
chown -R "$web_user:$web_user" "$ldir"
substitute "$repo/conf/lighttpd/followings.conf" "$ldir/followings.conf" \
	"/usr/bin/followings-fcgi=>$bin" \
	"/etc/followings-fcgi/followings-fcgi.conf=>$tmp/etc/fd0.conf" \
	"/run/lighttpd/followings-fcgi.sock=>$ldir/app.sock" \
	'"PATH", "LANG", "TZ"=>"PATH", "LANG", "TZ", "ASAN_OPTIONS", "UBSAN_OPTIONS"'
sed -e "s|@DIR@|$ldir|g" -e "s|@PORT@|$port_lighttpd|g" "$here/lighttpd.conf.in" >"$ldir/lighttpd.conf"
lighttpd -tt -f "$ldir/lighttpd.conf" >"$ldir/test.log" 2>&1 || {
	cat "$ldir/test.log" >&2
	fail "lighttpd configuration test failed"
}
lighttpd -D -f "$ldir/lighttpd.conf" </dev/null >"$ldir/stdout.log" 2>&1 &
lighttpd_pid=$!
if wait_for 100 http_200 "$port_lighttpd"; then
	kids=$(app_children "$lighttpd_pid" | tr '\n' ' ')
	users=$(for p in $kids; do proc_user "$p"; done | sort -u | tr '\n' ' ')
	socks=$(find "$ldir" -maxdepth 1 -type s -name 'app.sock-*' | wc -l)
	if [ "$(wc -w <<<"$kids")" = 2 ] && [ "$socks" = 2 ] && [ "$users" = "$web_user " ]; then
		summary "lighttpd: 2 backends ($kids) started by lighttpd as $web_user, one socket each"
	else
		check_failed "lighttpd: backends '$kids' as '$users', $socks sockets (expected 2, $web_user, 2)"
	fi
	smoke lighttpd "$port_lighttpd"
	# the same backends served everything (no restart, no recycling)
	kids_after=$(app_children "$lighttpd_pid" | tr '\n' ' ')
	[ "$kids_after" = "$kids" ] || check_failed "lighttpd: backends changed during the smoke suite: '$kids' -> '$kids_after'"
	# a backend that dies is started again by lighttpd
	victim=${kids%% *}
	kill -KILL "$victim"
	two_backends_without_victim() {
		local k n=0
		for k in $(app_children "$lighttpd_pid"); do
			[ "$k" = "$victim" ] && return 1
			n=$((n + 1))
		done
		[ "$n" = 2 ]
	}
	t0=$EPOCHREALTIME
	codes=""
	for _ in 1 2 3 4 5 6; do
		codes="$codes$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 \
			"http://127.0.0.1:$port_lighttpd/api/v2/user/20/followings/") "
	done
	if wait_for 100 two_backends_without_victim; then
		summary "lighttpd: backend $victim killed (SIGKILL): lighttpd started $(app_children "$lighttpd_pid" | grep -vxF -f <(tr ' ' '\n' <<<"$kids") | tr '\n' ' ')within $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')s; 6 requests right after: $codes"
	else
		check_failed "lighttpd: backend $victim killed; not replaced within 10 s (backends: $(app_children "$lighttpd_pid" | tr '\n' ' '))"
	fi
	stop_lighttpd
	rc=$?
	# the backends' standard error is lighttpd's (here stdout.log)
	stopped=$(grep -c 'stopping after' "$ldir/stdout.log" 2>/dev/null)
	if [ "$rc" = 0 ] && [ "$stopped" -ge 2 ]; then
		summary "lighttpd: stopped with SIGTERM; its backends finished and logged 'stopping after N requests'"
	else
		check_failed "lighttpd: stop status $rc, $stopped backends logged a clean stop (expected 2)"
	fi
else
	check_failed "lighttpd did not answer 200 within 10 s"
	stop_lighttpd
fi

# ================================================================ 3. Apache + mod_fcgid
log "3. Apache 2.4 + mod_fcgid"
mkdir -p "$adir/htdocs" "$adir/fcgid"
chown "$web_user:$web_user" "$adir/fcgid"
# FcgidMaxRequestsPerProcess lowered so that mod_fcgid recycles a few
# processes during the 2000 requests below.  Not many: a process mod_fcgid
# retires keeps its slot (of FcgidMaxProcessesPerClass, 8) until its error
# scan has killed and reaped it (3 to 6 s), so recycling faster than that
# leaves every slot retired and requests waiting for a process (seen with 200
# and 400: 3 requests stuck for over 10 s once 8 processes had been retired).
substitute "$repo/conf/apache/followings.conf" "$adir/followings.conf" \
	"/usr/bin/followings-fcgi=>$bin" \
	"/etc/followings-fcgi/followings-fcgi.conf=>$tmp/etc/fd0.conf" \
	"FcgidMaxRequestsPerProcess 10000=>FcgidMaxRequestsPerProcess 500"
sed -e "s|@DIR@|$adir|g" -e "s|@PORT@|$port_apache|g" -e "s|@MODULES@|/usr/lib/apache2/modules|g" \
	"$here/httpd.conf.in" >"$adir/httpd.conf"
# mod_fcgid gives the service only the environment it is told to.
printf 'FcgidInitialEnv ASAN_OPTIONS "%s"\nFcgidInitialEnv UBSAN_OPTIONS "%s"\n' \
	"$ASAN_OPTIONS" "$UBSAN_OPTIONS" >>"$adir/httpd.conf"
apache2 -t -f "$adir/httpd.conf" >"$adir/test.log" 2>&1 || {
	cat "$adir/test.log" >&2
	fail "Apache configuration test failed"
}
apache2 -DFOREGROUND -f "$adir/httpd.conf" </dev/null >"$adir/stdout.log" 2>&1 &
apache_pid=$!
if wait_for 150 http_200 "$port_apache"; then
	smoke apache "$port_apache"
	# Process model under mod_fcgid: one request at a time per process, the
	# count owned by mod_fcgid (FcgidMaxProcessesPerClass 8), run as www-data.
	# mod_fcgid's process manager (a child of Apache's parent) starts them
	apps=$(for c in $(children_of "$apache_pid"); do
		app_children "$c"
	done | tr '\n' ' ')
	users=$(for p in $apps; do proc_user "$p"; done | sort -u | tr '\n' ' ')
	n=$(wc -w <<<"$apps")
	if [ "$n" -ge 1 ] && [ "$n" -le 8 ] && [ "$users" = "$web_user " ]; then
		summary "apache: mod_fcgid ran $n service process(es) ($apps) as $web_user"
	else
		check_failed "apache: $n service processes as '$users' (expected 1..8 as $web_user)"
	fi
	# mod_fcgid replaces processes (FcgidMaxRequestsPerProcess, here 500) by
	# SIGTERM between requests: under load, no request may fail.
	"$py" "$here/load.py" --port "$port_apache" --path /api/v2/user/20/followings/ \
		--connections 3 --duration 40 --max-requests 2000 --out "$adir/load.json" \
		>"$adir/load.log" 2>&1
	read -r total failed < <("$py" -c '
import json, sys
r = json.load(open(sys.argv[1]))["records"]
print(len(r), sum(1 for x in r if x[2] != "ok"))' "$adir/load.json" 2>/dev/null)
	# retired processes get SIGTERM at mod_fcgid's next error scan (3 s)
	wait_for 100 grep -q 'stopping after' "$adir/error.log"
	stopped=$(grep -c 'stopping after' "$adir/error.log")
	if [ -n "$total" ] && [ "$failed" = 0 ] && [ "$stopped" -ge 1 ]; then
		summary "apache: mod_fcgid recycling (FcgidMaxRequestsPerProcess 500) under load: $total requests, 0 failed, $stopped processes replaced (SIGTERM, clean stop)"
	else
		check_failed "apache: recycling under load: ${total:-?} requests, ${failed:-?} failed, $stopped processes stopped cleanly (expected 0 failed, >= 1 stopped)"
	fi
	grep -q 'recycling after' "$adir/error.log" &&
		check_failed "apache: the service recycled itself under mod_fcgid (it must leave that to mod_fcgid)"
	grep -qE 'killed by signal|AH01071|mod_fcgid: .*(error|can.t)' "$adir/error.log" &&
		check_failed "apache: errors in Apache's log: $(grep -E 'AH01071|mod_fcgid' "$adir/error.log" | head -3)"
	stop_apache
	rc=$?
	for p in $apps; do
		wait_for 100 gone "$p" || { check_failed "apache: service process $p still runs after Apache stopped"; kill -KILL "$p"; }
	done
	[ "$rc" = 0 ] || check_failed "apache: stop status $rc"
else
	check_failed "Apache did not answer 200 within 15 s"
	stop_apache
fi

# ================================================================ 4. spawn-fcgi + nginx
log "4. spawn-fcgi -F 2 + nginx"
mkdir -p "$sdir"
chown "$app_user:$app_group" "$sdir"
chmod 0750 "$sdir"
if spawn_env timeout 30 "$repo/conf/spawn-fcgi/followings.sh" start >"$sdir/spawn.log" 2>&1; then
	spawn_started=1
	spawn_pids=$(tr '\n' ' ' <"$sdir/spawn-fcgi.pid")
	start_nginx "$tmp/nginx-spawn" "$sdir/fcgi.sock" "$port_spawn" 1
	spawn_ngx_pid=$ngx_started
	if wait_for 100 http_200 "$port_spawn"; then
		users=$(for p in $spawn_pids; do proc_user "$p"; done | sort -u | tr '\n' ' ')
		sock_stat=$(stat -c '%a %U:%G' "$sdir/fcgi.sock")
		if [ "$(wc -w <<<"$spawn_pids")" = 2 ] && [ "$users" = "$app_user " ] &&
			[ "$sock_stat" = "660 $app_user:$app_group" ]; then
			summary "spawn-fcgi: 2 processes ($spawn_pids) as $app_user sharing one socket ($sock_stat)"
		else
			check_failed "spawn-fcgi: pids '$spawn_pids' as '$users', socket '$sock_stat'"
		fi
		smoke spawn-fcgi "$port_spawn"
		# both copies took requests from the shared socket
		served=$(grep -c 'connected to the database' "$sdir/service.log")
		stop_pid "$spawn_ngx_pid" 100
		spawn_ngx_pid=
		t0=$EPOCHREALTIME
		if stop_spawn; then
			t1=$EPOCHREALTIME
			stopped=$(grep -c 'stopping after' "$sdir/service.log")
			if [ "$stopped" = 2 ]; then
				summary "spawn-fcgi: followings.sh stop: both processes exited in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')s after SIGTERM ($served database connections made)"
			else
				check_failed "spawn-fcgi: $stopped processes logged a clean stop (expected 2)"
			fi
		else
			# What the copies last said (a clean stop logs 'stopping after').
			tail -n 20 "$sdir/service.log" >&2
			check_failed "spawn-fcgi: followings.sh stop failed"
		fi
	else
		check_failed "spawn-fcgi + nginx did not answer 200 within 10 s"
	fi
else
	cat "$sdir/spawn.log" >&2
	check_failed "spawn-fcgi: followings.sh start failed"
fi
stop_spawn
[ -n "$spawn_ngx_pid" ] && { stop_pid "$spawn_ngx_pid" 100; spawn_ngx_pid=; }

# ================================================================ 5. the pool under load
if [ "${FOLLOWINGS_DEPLOY_SKIP_POOL:-0}" != 1 ]; then
	log "5. the pool under load (behind nginx, $workers workers, nginx keepalive 2)"
	alive "$master_pid" || fail "the pool's master is gone before the load tests"
	pool_args=(--master-pid "$master_pid" --port "$port_pool"
		--conf "$tmp/etc/pool.conf" --base-conf "$tmp/etc/pool.base.conf"
		--app-log "$pool_dir/service.log" --nginx-error-log "$tmp/nginx-pool/error.log"
		--tmp "$tmp" --sandbox "$sandbox" --db-dir "$db_dir" --db-socket "$db_socket"
		--db-name "$db_name" --workers "$workers" --shutdown-timeout "$shutdown_timeout"
		--long-seconds "$long_seconds" --summary "$tmp/summary.txt")
	[ "$sanitized" = 1 ] && pool_args+=(--sanitized)
	[ -n "${FOLLOWINGS_DEPLOY_ONLY:-}" ] && pool_args+=(--only "$FOLLOWINGS_DEPLOY_ONLY")
	[ "${FOLLOWINGS_DEPLOY_STRICT_DB:-0}" = 1 ] && pool_args+=(--strict-db)
	timeout 420 "$py" "$here/pool.py" "${pool_args[@]}" &
	step_pid=$!
	wait "$step_pid"
	rc=$?
	step_pid=
	[ "$rc" = 0 ] || { status=1; log "pool.py: status $rc"; }
	# After the sigterm scenario the master has exited: collect its status.
	if ! alive "$master_pid"; then
		wait "$master_pid"
		rc=$?
		if [ "$rc" = 0 ]; then
			summary "pool: master exited with status 0"
		else
			check_failed "pool: master exited with status $rc (expected 0 after SIGTERM)"
		fi
		master_pid=
		[ -e "$pool_sock" ] && check_failed "pool: the socket $pool_sock is left after the master exited"
		[ -e "$pool_dir/master.pid" ] && check_failed "pool: the pid file is left after the master exited"
	fi
fi

db_crashes=$(grep -c 'got signal' "$db_dir/error.log" 2>/dev/null)
[ "${db_crashes:-0}" -gt 0 ] &&
	summary "WARNING: MariaDB itself crashed $db_crashes time(s) during this run (see $db_dir/error.log)"

# The pool (if still running) and nginx are stopped by cleanup; a master
# that does not exit 0 there fails the run.
if [ -n "$master_pid" ]; then
	stop_pid "$master_pid" $(((shutdown_timeout + 5) * 10))
	rc=$?
	master_pid=
	[ "$rc" = 0 ] || check_failed "pool: master exited with status $rc on SIGTERM (expected 0)"
fi
exit "$status"
