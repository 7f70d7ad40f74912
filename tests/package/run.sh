#!/usr/bin/env bash
# shellcheck disable=SC2317  # functions called from traps
# The Debian package, end to end, on this machine (root):
#
#   tests/package/run.sh
#
#  1. builds it from a copy of the tree (dpkg-buildpackage -us -uc -b);
#  2. lintian: no error, no warning (debian/*.lintian-overrides says why for
#     the two that are meant);
#  3. notes every file and directory named *followings* under /etc /usr /lib
#     /var /run and the account followings, then installs the .deb with
#     apt-get install ./followings-fcgi_*.deb (nothing is enabled or started);
#  4. checks what it installed: the account, the conffile
#     /etc/followings-fcgi/followings-fcgi.conf (0640 root:followings), the
#     units of conf/systemd, the manual pages, the schema files, and that
#     nothing runs;
#  5. runs the INSTALLED service as its systemd unit would (the unit's
#     ExecStartPre and ExecStart, as its User and Group, its
#     RuntimeDirectory), configured in the installed conffile for a MariaDB
#     sandbox loaded from the installed schema, behind nginx
#     (conf/nginx/followings.conf, www-data added to the group followings as
#     README.Debian says), runs the deploy smoke suite
#     (tests/deploy/test_smoke.py) against it, reloads it (SIGHUP, as the
#     account) and stops it (SIGTERM, status 0);
#  6. purges the package and checks that the same files, directories and
#     accounts exist as before the installation: nothing more.
#
# systemd is never asked to do anything (there is no systemd as PID 1 on CI):
# the package neither enables nor starts its unit, and a policy-rc.d that
# refuses every start is in place while the package is installed.
# Takes about a minute.  FOLLOWINGS_PKG_KEEP=1 keeps the temporary directory.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
sandbox=$repo/tests/lib/mariadb-sandbox.sh
pkg=followings-fcgi
account=followings
py=/usr/bin/python3

tmp=
status=0
checks=0
failures=0
installed_by_us=0
policy_rc_by_us=0
db_started=0
svc_pid=
ngx_pid=
run_dir=
www_added=0

log() { printf 'package: %s\n' "$*" >&2; }
ok() {
	checks=$((checks + 1))
	log "ok: $*"
}
bad() {
	checks=$((checks + 1))
	failures=$((failures + 1))
	status=1
	log "FAILED: $*"
}
check() { # check DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}
fail() {
	bad "$*"
	exit 1
}

wait_for() { # tenths of a second, command
	local n=$1
	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

apt_get() {
	DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=300 "$@"
}

purge() {
	apt_get purge "$pkg" >"$tmp/purge.log" 2>&1 || { cat "$tmp/purge.log" >&2; return 1; }
}

stop_service() {
	[ -n "$svc_pid" ] || return 0
	local pid=$svc_pid n=150
	svc_pid=
	kill -TERM "$pid" 2>/dev/null
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
}

# Pids of processes running the installed program (also once purged:
# "/usr/bin/followings-fcgi (deleted)").  Nothing else on a machine runs it.
installed_pids() {
	local d
	for d in /proc/[0-9]*; do
		case $(readlink "$d/exe" 2>/dev/null) in
		/usr/bin/followings-fcgi | "/usr/bin/followings-fcgi (deleted)") echo "${d#/proc/}" ;;
		esac
	done
}

cleanup() {
	trap '' INT TERM
	[ -n "$tmp" ] || return
	stop_service
	local left
	left=$(installed_pids)
	if [ -n "$left" ]; then
		bad "processes of /usr/bin/followings-fcgi left running: $(echo $left); killed"
		# shellcheck disable=SC2086
		kill -KILL $left 2>/dev/null
	fi
	[ -n "$ngx_pid" ] && { kill -TERM "$ngx_pid" 2>/dev/null; wait "$ngx_pid" 2>/dev/null; }
	[ "$db_started" = 1 ] && { timeout 60 "$sandbox" stop "$tmp/db" || log "could not stop MariaDB"; }
	[ -n "$run_dir" ] && rm -rf "$run_dir"
	if [ "$installed_by_us" = 1 ]; then
		log "purging $pkg (the run stopped before its purge step)"
		purge || log "purge failed"
	fi
	[ "$www_added" = 1 ] && getent group "$account" >/dev/null && gpasswd -d www-data "$account" >/dev/null 2>&1
	[ "$policy_rc_by_us" = 1 ] && rm -f /usr/sbin/policy-rc.d
	if [ "$status" != 0 ]; then
		local f
		for f in "$tmp"/service.log "$tmp"/nginx/error.log "$tmp"/install.log; do
			[ -s "$f" ] && { printf '\n===== %s (last 40 lines) =====\n' "$f" >&2; tail -n 40 "$f" >&2; }
		done
	fi
	if [ "${FOLLOWINGS_PKG_KEEP:-0}" = 1 ]; then
		log "kept $tmp"
	else
		rm -rf "$tmp"
	fi
	echo "package: $((checks - failures)) passed, $failures failed"
}
trap 'cleanup; exit $status' EXIT
trap 'status=130; exit 130' INT
trap 'status=143; exit 143' TERM

[ "$(id -u)" = 0 ] || { echo "tests/package/run.sh must run as root (it installs a package)" >&2; exit 1; }
for c in dpkg-buildpackage dh lintian apt-get nginx curl mariadbd setpriv "$py"; do
	command -v "$c" >/dev/null || { echo "tests/package/run.sh: $c is not installed (script/bootstrap)" >&2; exit 1; }
done
if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed'; then
	echo "tests/package/run.sh: $pkg is installed already; purge it first (apt-get purge $pkg)" >&2
	exit 1
fi
getent passwd "$account" >/dev/null &&
	{ echo "tests/package/run.sh: an account $account exists already" >&2; exit 1; }

tmp=$(mktemp -d /tmp/fpkg.XXXXXX) || exit 1
chmod 0711 "$tmp"
export PYTHONDONTWRITEBYTECODE=1

# ---------------------------------------------------------------- 1. build
src=$tmp/src/$pkg
mkdir -p "$src"
if git -C "$repo" rev-parse --git-dir >/dev/null 2>&1; then
	# tracked and new files, as they are in the work tree; no build output
	(cd "$repo" && git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		xargs -0 cp --parents -t "$src")
else
	cp -a "$repo/." "$src/"
fi
version=$(cd "$src" && dpkg-parsechangelog -S Version)
arch=$(dpkg --print-architecture)
deb=$tmp/src/${pkg}_${version}_${arch}.deb
log "building $pkg $version"
t0=$EPOCHREALTIME
if (cd "$src" && DEB_BUILD_OPTIONS="parallel=$(nproc)" dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1 &&
	[ -f "$deb" ]; then
	ok "dpkg-buildpackage -us -uc -b: $(basename "$deb") in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }') s"
else
	tail -n 60 "$tmp/build.log" >&2
	fail "dpkg-buildpackage failed"
fi

# ---------------------------------------------------------------- 2. lintian
if lintian --fail-on error,warning --pedantic "$tmp/src/${pkg}_${version}_${arch}.changes" \
	>"$tmp/lintian.log" 2>&1; then
	ok "lintian: no error, no warning$(grep -cE '^[IP]: ' "$tmp/lintian.log" | sed 's/^0$//; s/..*/ (& info\/pedantic tags, see below)/')"
	grep -E '^[IP]: ' "$tmp/lintian.log" >&2
else
	cat "$tmp/lintian.log" >&2
	bad "lintian reports errors or warnings"
fi

# ---------------------------------------------------------------- 3. install
snapshot() {
	{
		getent passwd "$account" | sed 's/^/passwd: /'
		getent group "$account" | sed 's/^/group: /'
		grep -E "(^|[:,])$account(,|$)" /etc/group | sed 's/^/member: /'
		grep -h "^$account:" /etc/shadow /etc/gshadow /etc/subuid /etc/subgid 2>/dev/null |
			cut -d: -f1 | sed 's/^/shadow: /'
		find /etc /usr /lib /var /run -xdev -path /var/tmp -prune -o -name "*$account*" -print 2>/dev/null
	} | sort
}
snapshot >"$tmp/before.txt"
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod +x /usr/sbin/policy-rc.d
	policy_rc_by_us=1
fi
installed_by_us=1
apt_get install "$deb" >"$tmp/install.log" 2>&1 || fail "apt-get install ./$(basename "$deb") failed"
ok "apt-get install ./$(basename "$deb")"

# ---------------------------------------------------------------- 4. what it installed
conf=/etc/followings-fcgi/followings-fcgi.conf
IFS=: read -r _ _ uid gid _ home shell < <(getent passwd "$account")
check "system account $account (uid $uid, home $home, shell $shell)" \
	test -n "$uid" -a "${uid:-1000}" -lt 1000 -a "$home" = /nonexistent -a ! -e /nonexistent \
	-a "$(getent group "$account" | cut -d: -f3)" = "$gid"
check "conffile $conf: $(stat -c '%a %U:%G' "$conf" 2>/dev/null)" \
	test "$(stat -c '%a %U:%G' "$conf" 2>/dev/null)" = "640 root:$account"
check "dpkg knows $conf as a conffile" \
	grep -q "^ $conf " <(dpkg-query -W -f='${Conffiles}\n' "$pkg")
check "/usr/bin/followings-fcgi --version: $(/usr/bin/followings-fcgi --version 2>&1)" \
	test "$(/usr/bin/followings-fcgi --version 2>&1)" = "followings-fcgi $version"
check "followings-fcgi --check-config reads $conf by default" \
	test "$(/usr/bin/followings-fcgi --check-config 2>&1)" = "$conf: configuration OK"
units_ok=1
for u in "$repo"/conf/systemd/*.service "$repo"/conf/systemd/*.socket; do
	[ -e "$u" ] || continue
	cmp -s "$u" "/lib/systemd/system/$(basename "$u")" || { units_ok=0; log "unit $(basename "$u") not installed as it is"; }
done
check "units of conf/systemd installed in /lib/systemd/system: $(cd "$repo/conf/systemd" && ls -- *.service *.socket 2>/dev/null | tr '\n' ' ')" \
	test "$units_ok" = 1
if command -v systemd-analyze >/dev/null; then
	out=$(timeout 60 systemd-analyze verify /lib/systemd/system/followings-fcgi.service 2>&1)
	check "systemd-analyze verify of the installed unit${out:+: $out}" test -z "$out"
fi
check "not enabled: no *.wants link to a followings-fcgi unit" \
	test -z "$(find /etc/systemd/system -name 'followings-fcgi*' 2>/dev/null)"
check "not started: no process runs /usr/bin/followings-fcgi" test -z "$(installed_pids)"
man8=$(man -w 8 followings-fcgi 2>/dev/null)
man5=$(man -w 5 followings-fcgi.conf 2>/dev/null)
check "manual pages: $man8 $man5" \
	test "$man8" = /usr/share/man/man8/followings-fcgi.8.gz -a "$man5" = /usr/share/man/man5/followings-fcgi.conf.5.gz
check "the installed manual pages name the installed configuration file" \
	bash -c "zcat '$man8' | grep -qF '$conf' && zcat '$man5' | grep -qF '$conf'"
data=$(find /usr/share/followings-fcgi -type f 2>/dev/null | sort | tr '\n' ' ')
check "database files in /usr/share/followings-fcgi: $data" test -n "$data"

# ---------------------------------------------------------------- 5. the installed service
unit=/lib/systemd/system/followings-fcgi.service
unit_get() { sed -n "s/^$1=//p" "$unit" | head -n 1; }
unit_user=$(unit_get User)
unit_group=$(unit_get Group)
exec_pre=$(unit_get ExecStartPre)
exec_start=$(unit_get ExecStart)
run_dir=/run/$(unit_get RuntimeDirectory)
sock=$(sed -n 's/.*--listen unix:\([^ ]*\).*/\1/p' <<<"$exec_start")
[ -n "$unit_user" ] && [ -n "$exec_start" ] && [ -n "$sock" ] && [ "$run_dir" != /run/ ] ||
	fail "cannot read User, ExecStart (with --listen unix:...) and RuntimeDirectory from $unit"
[ -e "$run_dir" ] && { run_dir=; fail "$run_dir exists already"; }
as_unit() { setpriv --reuid="$unit_user" --regid="${unit_group:-$unit_user}" --init-groups "$@"; }

db_dir=$tmp/db
db_name=followings_pkg
db_socket=$db_dir/mysqld.sock
export SANDBOX_BUFFER_POOL=64M
db_started=1
timeout 120 "$sandbox" start "$db_dir" >"$tmp/db.log" 2>&1 || { cat "$tmp/db.log" >&2; fail "MariaDB did not start"; }
chmod 0755 "$db_dir"
sql() { timeout 60 "$sandbox" sql "$db_dir" --default-character-set=utf8mb4 "$@"; }
sql -e "CREATE DATABASE $db_name CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" || fail "CREATE DATABASE failed"
# A platform database as the package's README.Debian says: the contract
# tables with their rows, then the installed followings-db adds the service.
schema=/usr/share/followings-fcgi/contract.sql
sql "$db_name" <"$schema" || fail "the installed $schema did not load"
sql "$db_name" <"$repo/tests/integration/fixtures.sql" || fail "fixtures.sql did not load"
/usr/bin/followings-db install --socket="$db_socket" -uroot "$db_name" >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log" >&2; fail "the installed followings-db install failed"; }
/usr/bin/followings-db verify --socket="$db_socket" -uroot "$db_name" >>"$tmp/install.log" 2>&1 ||
	fail "the installed followings-db verify failed"
ok "MariaDB sandbox: $schema, fixtures, then the installed followings-db install and verify"

jwt_secret=$("$py" -c 'import secrets; print("pkg-" + secrets.token_hex(24))')
mkdir -p "$tmp/etc"
chmod 0755 "$tmp/etc"
printf '%s' "$jwt_secret" >"$tmp/etc/jwt_secret"
chown "root:$account" "$tmp/etc/jwt_secret"
chmod 0640 "$tmp/etc/jwt_secret"
# The administrator's edit of the conffile (a later key wins).
cat >>"$conf" <<EOF

# tests/package/run.sh
db_socket = $db_socket
db_user = root
db_name = $db_name
jwt_secret_file = $tmp/etc/jwt_secret
prefs_cache_ttl = 1
workers = 3
EOF

install -d -m 0750 -o "$unit_user" -g "${unit_group:-$unit_user}" "$run_dir"
# shellcheck disable=SC2086  # the unit's command lines, split as systemd does (no quotes in them)
if [ -n "$exec_pre" ]; then
	start_pre() { as_unit $exec_pre >"$tmp/pre.log" 2>&1 || { cat "$tmp/pre.log" >&2; return 1; }; }
	check "ExecStartPre as $unit_user: $exec_pre" start_pre
fi
# shellcheck disable=SC2086  # (setpriv execs the program: $! is the master)
setpriv --reuid="$unit_user" --regid="${unit_group:-$unit_user}" --init-groups $exec_start \
	</dev/null >"$tmp/service.log" 2>&1 &
svc_pid=$!
wait_for 150 test -S "$sock" || fail "the service did not create $sock within 15 s"

getent group "$account" | grep -qE "[:,]www-data(,|$)" || { adduser --quiet www-data "$account" && www_added=1; }
ngx=$tmp/nginx
mkdir -p "$ngx/tmp"
port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sed -e "s|unix:/run/followings/fcgi.sock|unix:$sock|" -e "s|listen 80;|listen 127.0.0.1:$port;|" \
	"$repo/conf/nginx/followings.conf" >"$ngx/followings.conf"
grep -qF "unix:$sock" "$ngx/followings.conf" || fail "conf/nginx/followings.conf: upstream socket not found"
sed -e "s|@DIR@|$ngx|g" "$repo/tests/deploy/nginx.conf.in" >"$ngx/nginx.conf"
nginx -t -q -p "$ngx" -c "$ngx/nginx.conf" -g 'daemon off;' 2>"$ngx/test.log" ||
	{ cat "$ngx/test.log" >&2; fail "nginx configuration test failed"; }
nginx -p "$ngx" -c "$ngx/nginx.conf" -g 'daemon off;' </dev/null >"$ngx/stdout.log" 2>&1 &
ngx_pid=$!
http_200() {
	[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 \
		"http://127.0.0.1:$port/api/v2/user/20/followings/")" = 200 ]
}
wait_for 100 http_200 || fail "nginx + the installed service did not answer 200 within 10 s"

procs() {
	local p
	for p in $(installed_pids); do stat -c %U "/proc/$p"; done
}
check "master and 3 workers of /usr/bin/followings-fcgi run as $unit_user; socket $(stat -c '%a %U:%G' "$sock")" \
	test "$(procs | sort | uniq -c | tr -s ' ')" = " 4 $unit_user" -a \
	"$(stat -c '%a %U:%G' "$sock")" = "660 $unit_user:${unit_group:-$unit_user}"

log "smoke suite behind nginx + the installed service (port $port)"
if DEPLOY_FRONT=package FOLLOWINGS_PORT=$port FOLLOWINGS_DB_SOCKET=$db_socket \
	FOLLOWINGS_DB_NAME=$db_name FOLLOWINGS_JWT_SECRET=$jwt_secret \
	timeout 180 "$py" -m pytest -p no:cacheprovider -q -rfE "$repo/tests/deploy/test_smoke.py" \
	>"$tmp/smoke.log" 2>&1; then
	ok "smoke suite: $(grep -E '[0-9]+ passed' "$tmp/smoke.log" | tail -n 1)"
else
	cat "$tmp/smoke.log" >&2
	bad "smoke suite: $(grep -E 'passed|failed|error' "$tmp/smoke.log" | tail -n 1)"
fi

# SIGHUP: the master, running as the account, reads the 0640 conffile again.
kill -HUP "$svc_pid"
check "reload (SIGHUP) as $unit_user: the conffile is read again" \
	wait_for 100 grep -q 'reloaded' "$tmp/service.log"
check "still serving after the reload" wait_for 50 http_200

stop_service
rc=$?
check "SIGTERM: the installed service exits with status $rc (expected 0) and removes $sock" \
	test "$rc" = 0 -a ! -e "$sock"
kill -TERM "$ngx_pid" 2>/dev/null
wait "$ngx_pid" 2>/dev/null
ngx_pid=
timeout 60 "$sandbox" stop "$db_dir" || log "could not stop MariaDB"
db_started=0
# systemd removes a RuntimeDirectory when the service stops.
rm -rf "$run_dir"
run_dir=

# ---------------------------------------------------------------- 6. purge
dpkg-query -W -f='${binary:Package}\n' "$pkg" >/dev/null 2>&1 && dpkg -L "$pkg" >"$tmp/files.txt"
installed_by_us=0
if purge; then
	ok "apt-get purge $pkg"
else
	bad "apt-get purge $pkg failed"
fi
[ "$policy_rc_by_us" = 1 ] && { rm -f /usr/sbin/policy-rc.d; policy_rc_by_us=0; }
www_added=0
check "dpkg no longer knows $pkg" \
	bash -c "! dpkg-query -W -f='\${Status}' '$pkg' 2>/dev/null | grep -q 'ok installed\|config-files'"
snapshot >"$tmp/after.txt"
if diff -u "$tmp/before.txt" "$tmp/after.txt" >"$tmp/left.diff"; then
	ok "after purge: the same *$account* files, directories and accounts as before the installation ($(wc -l <"$tmp/before.txt") lines)"
else
	cat "$tmp/left.diff" >&2
	bad "purge left something behind (or removed something that was there before)"
fi
left=$(while IFS= read -r f; do [ -e "$f" ] && [ ! -d "$f" ] && echo "$f"; done <"$tmp/files.txt")
check "no file of the package is left$([ -n "$left" ] && echo ": $left")" test -z "$left"
exit "$status"
