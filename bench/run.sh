#!/usr/bin/env bash
# One command for the whole benchmark: data set (reused), MariaDB, nginx, the
# trivial responder, the service when its binary exists, wrk per target and
# workload, and a table of req/s, p50, p99 and CPU-seconds per 1,000 requests.
#
#   bench/run.sh                 everything with the defaults below
#   BENCH_REGEN=1 bench/run.sh   rebuild the data set first
#
# Settings (environment):
#   BENCH_THREADS=1 BENCH_CONNS=16 BENCH_DURATION=10   wrk -t -c -d (seconds)
#   BENCH_WARMUP=2               seconds of unmeasured wrk before each run (0: none)
#   BENCH_WRK_TIMEOUT=5s         wrk --timeout (a slower answer is an error)
#   BENCH_TARGETS="static trivial service"
#   BENCH_WORKLOADS="w1 w2 w3 w4 w5a w5b w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16"   for the service
#   BENCH_FLOOR_WORKLOADS="w5a w1"          for static and trivial (their body
#                                but not their request depends on the workload)
#   BENCH_BODY_WORKLOAD=w5a      static and trivial serve the service's answer to
#                                this workload's first request (w11: 20 bytes)
#   BENCH_NGINX_WORKERS=1        nginx worker_processes
#   BENCH_RESPONDER_WORKERS      trivial responder processes (default: nginx workers x BENCH_CONNS + 4)
#   BENCH_SERVICE_WORKERS        the service's `workers` (same default)
#   BENCH_TRIVIAL_DELAY_US=0     the trivial responder sleeps this long per request
#                                (a backend's latency without its CPU)
#   BENCH_SERVICE_CONF_EXTRA     extra lines for the service's configuration file
#   BENCH_PORT=38080             service port; trivial +1, static +2 (127.0.0.1)
#   FOLLOWINGS_BIN=build/fcgi_app/followings-fcgi (script/build build makes it)
#   BENCH_MAX_SECONDS=3600       watchdog for the whole run
#   BENCH_REGEN=1                rebuild the data set; BENCH_CACHE, BENCH_SEED,
#                                BENCH_USERS, BENCH_BUFFER_POOL: see lib.sh
#
# Traffic goes only to 127.0.0.1 and unix sockets.  Every process started here
# is stopped on exit (trap).  Results: printed, and saved under
# $BENCH_CACHE/results/.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

THREADS=${BENCH_THREADS:-1}
CONNS=${BENCH_CONNS:-16}
DURATION=${BENCH_DURATION:-10}
DURATION=${DURATION%s}
WARMUP=${BENCH_WARMUP:-2}
WARMUP=${WARMUP%s}
WRK_TIMEOUT=${BENCH_WRK_TIMEOUT:-5s}
TARGETS=${BENCH_TARGETS:-static trivial service}
WORKLOADS=${BENCH_WORKLOADS:-w1 w2 w3 w4 w5a w5b w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16}
BODY_WORKLOAD=${BENCH_BODY_WORKLOAD:-w5a}
FLOOR_WORKLOADS=${BENCH_FLOOR_WORKLOADS:-w5a w1}
NGINX_WORKERS=${BENCH_NGINX_WORKERS:-1}
# nginx keeps up to BENCH_CONNS idle connections per worker to each upstream;
# a libfcgi process serves one connection at a time: one process per possible
# connection, plus a few.
UPSTREAM_KEEPALIVE=$CONNS
RESPONDER_WORKERS=${BENCH_RESPONDER_WORKERS:-$((NGINX_WORKERS * CONNS + 4))}
SERVICE_WORKERS=${BENCH_SERVICE_WORKERS:-$((NGINX_WORKERS * CONNS + 4))}
TRIVIAL_DELAY_US=${BENCH_TRIVIAL_DELAY_US:-0}
PORT=$BENCH_PORT
PORT_SERVICE=$PORT PORT_TRIVIAL=$((PORT + 1)) PORT_STATIC=$((PORT + 2))
FOLLOWINGS_BIN=${FOLLOWINGS_BIN:-$REPO_ROOT/build/fcgi_app/followings-fcgi}
MAX_SECONDS=${BENCH_MAX_SECONDS:-3600}
RUN="$BENCH_CACHE/run"
HZ=$(getconf CLK_TCK)

declare -A WL_FILE=([w1]=w1_page1_auth [w2]=w2_mutual [w3]=w3_offset [w4]=w4_page1_anon
	[w5a]=w5a_big [w5b]=w5b_small [w6]=w6_deep_viewers [w7]=w7_deep_rest [w8]=w8_big_viewers
	[w9]=w9_deep_heavy [w10]=w10_page1_heavy [w11]=w11_is_followed [w12]=w12_is_follower
	[w13]=w13_counters [w14]=w14_followers_page1 [w15]=w15_followers_viewers
	[w16]=w16_followers_deep)
declare -A WL_DESC=([w1]="page 1, 1000 typical users, viewer token" [w2]="mutual=1, same users and viewers"
	[w3]="offset=100000 of the 200k user" [w4]="page 1, same users, anonymous"
	[w5a]="page 1 of the 200k user" [w5b]="page 1 of a 10-follow user"
	[w6]="offset>=100000 of the 200k user, 300 viewers, limit 1/20/100"
	[w7]="w6 with mutual=0" [w8]="page 1 of the 200k user, w6's viewers and limits"
	[w9]="offset>=100000 of the 200k user through viewers following 3000-8000 (JWT)"
	[w10]="page 1 of the 200k user, w9's viewers and limits"
	[w11]="is_followed of w1's users through w1's viewers" [w12]="is_follower, the same"
	[w13]="counters of w1's users, anonymous"
	[w14]="followers page 1 of the 5 most-followed users, anonymous"
	[w15]="w14 through w6's viewers and limits" [w16]="followers past the middle of w14's lists, w15's viewers")
for w in $WORKLOADS $FLOOR_WORKLOADS $BODY_WORKLOAD; do [ -n "${WL_FILE[$w]:-}" ] || die "unknown workload $w"; done
for t in $TARGETS; do case $t in static | trivial | service) ;; *) die "unknown target $t" ;; esac; done
command -v wrk >/dev/null || die "wrk is not installed"
command -v nginx >/dev/null || die "nginx is not installed"

mkdir -p "$BENCH_CACHE"
exec 9>"$BENCH_CACHE/lock"
flock -n 9 || die "another benchmark is running (lock $BENCH_CACHE/lock)"
export BENCH_LOCKED=1

# ---------------------------------------------------------------- cleanup
NGINX_PID='' RESP_PID='' SVC_PID='' WRK_PID='' DB_STARTED='' WATCHDOG_PID=''
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	set +e
	[ -n "$WRK_PID" ] && kill "$WRK_PID" 2>/dev/null
	[ -n "$NGINX_PID" ] && kill -TERM "$NGINX_PID" 2>/dev/null
	[ -n "$RESP_PID" ] && kill -TERM "$RESP_PID" 2>/dev/null
	# the service runs in its own session: stop its whole process group
	[ -n "$SVC_PID" ] && kill -TERM -- "-$SVC_PID" 2>/dev/null
	for p in $NGINX_PID $RESP_PID $SVC_PID; do
		for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null
	done
	[ -n "$SVC_PID" ] && kill -KILL -- "-$SVC_PID" 2>/dev/null
	[ -n "$DB_STARTED" ] && sbx stop "$SBX_DIR"
	[ -n "$WATCHDOG_PID" ] && kill "$WATCHDOG_PID" 2>/dev/null
	exit $rc
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM
deadline=$(($(date +%s) + MAX_SECONDS))
(while [ "$(date +%s)" -lt "$deadline" ]; do sleep 1; done
	echo "bench: watchdog: run exceeded ${MAX_SECONDS}s" >&2
	kill -TERM $$) 2>/dev/null 9>&- &
WATCHDOG_PID=$!

# ---------------------------------------------------------------- data
# The service's JWT secret: make_paths.py signs tokens for viewers who hold no opaque token.
JWT_SECRET=bench-jwt-secret-0123456789abcdef0123456789abcdef
if [ "${BENCH_REGEN:-0}" = 1 ]; then bash "$BENCH_SRC/load.sh" --force >/dev/null; else bash "$BENCH_SRC/load.sh" >/dev/null; fi
PATHS_DIR="$DS_DIR/paths-$(paths_key)"
if [ ! -f "$PATHS_DIR/summary.txt" ]; then
	rm -rf "$DS_DIR"/paths-*
	log "making request lists in $PATHS_DIR"
	"$PY" "$BENCH_SRC/make_paths.py" "$DS_DIR/csv" "$PATHS_DIR.tmp" --base-url "http://127.0.0.1:$PORT_SERVICE" \
		--jwt-secret "$JWT_SECRET" >/dev/null
	mv "$PATHS_DIR.tmp" "$PATHS_DIR"
fi
X=$(meta x_user)
RESPONDER=$(build_tool trivial_responder "$BENCH_SRC/trivial_responder.c" -lfcgi)

for p in $PORT_SERVICE $PORT_TRIVIAL $PORT_STATIC; do
	[ -z "$(ss -Hltn "sport = :$p")" ] || die "port $p is in use (set BENCH_PORT)"
done
rm -rf "$RUN"
mkdir -p "$RUN/tmp" "$RUN/static" "$BENCH_CACHE/results"
RESULTS="$BENCH_CACHE/results/$(date +%Y%m%d-%H%M%S).txt"

wait_for() { # wait_for SECONDS CMD...: poll until CMD succeeds
	local n=$(($1 * 10))
	shift
	for _ in $(seq 1 "$n"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
	return 1
}

# ---------------------------------------------------------------- MariaDB
log "starting MariaDB on $DB_SOCK (buffer pool $BENCH_BUFFER_POOL)"
DB_STARTED=1
sbx start "$SBX_DIR"
DB_PID=$(cat "$SBX_DIR/mysqld.pid")
log "warming the buffer pool"
wait_buffer_pool
qdb -N -B >/dev/null <<'SQL'
SELECT COUNT(*) FROM follows FORCE INDEX (PRIMARY);
SELECT COUNT(*) FROM follows FORCE INDEX (ix_follows_page);
SELECT COUNT(*) FROM follows FORCE INDEX (uq_follows_pair);
SELECT COUNT(*) FROM follows FORCE INDEX (ix_follows_followed);
SELECT SUM(LENGTH(bio)) FROM users;
SELECT COUNT(*) FROM follow_counters;
SELECT COUNT(*) FROM user_tags;
SELECT COUNT(*) FROM tags;
SELECT COUNT(*) FROM access_tokens;
SELECT COUNT(*) FROM preferences;
SQL

# ---------------------------------------------------------------- service
HAVE_SERVICE=0
if [[ " $TARGETS " == *" service "* ]]; then
	if [ -x "$FOLLOWINGS_BIN" ]; then
		HAVE_SERVICE=1
	else
		log "service binary $FOLLOWINGS_BIN does not exist: skipping the service target"
		TARGETS=${TARGETS//service/}
	fi
fi
if [ $HAVE_SERVICE = 1 ]; then
	cat >"$RUN/service.conf" <<EOF
db_socket = $DB_SOCK
db_user = $BENCH_DB_USER
db_password = $BENCH_DB_PASSWORD
db_name = $BENCH_DB
jwt_secret = $JWT_SECRET
limit_default = 20
limit_max = 100
prefs_cache_ttl = 5
workers = $SERVICE_WORKERS
socket_mode = 0666
EOF
	# started as root, the service drops to this user after opening its socket
	[ "$(id -u)" != 0 ] || printf 'user = nobody\ngroup = nogroup\n' >>"$RUN/service.conf"
	[ -z "${BENCH_SERVICE_CONF_EXTRA:-}" ] || printf '%s\n' "$BENCH_SERVICE_CONF_EXTRA" >>"$RUN/service.conf"
	log "starting $FOLLOWINGS_BIN"
	setsid "$FOLLOWINGS_BIN" --config "$RUN/service.conf" --listen "unix:$RUN/service.sock" \
		>"$RUN/service.log" 2>&1 </dev/null 9>&- &
	SVC_PID=$!
	wait_for 15 test -S "$RUN/service.sock" || { tail -n 20 "$RUN/service.log" >&2; die "the service did not open $RUN/service.sock"; }
fi

# ---------------------------------------------------------------- nginx
user_line=""
[ "$(id -u)" = 0 ] && user_line="user root root;"
opt_temp=""
nginx -V 2>&1 | grep -q -- --without-http_scgi_module || opt_temp+="    scgi_temp_path $RUN/tmp/scgi;"$'\n'
nginx -V 2>&1 | grep -q -- --without-http_uwsgi_module || opt_temp+="    uwsgi_temp_path $RUN/tmp/uwsgi;"$'\n'
awk -v dir="$RUN" -v user="$user_line" -v opt="$opt_temp" -v nw="$NGINX_WORKERS" \
	-v ps="$PORT_SERVICE" -v pt="$PORT_TRIVIAL" -v pst="$PORT_STATIC" \
	-v ss="$RUN/service.sock" -v ts="$RUN/trivial.sock" -v ka="$UPSTREAM_KEEPALIVE" '
	{ gsub(/@DIR@/, dir); gsub(/@USER_LINE@/, user); gsub(/@OPTIONAL_TEMP_PATHS@/, opt);
	  gsub(/@NGINX_WORKERS@/, nw); gsub(/@PORT_SERVICE@/, ps); gsub(/@PORT_TRIVIAL@/, pt);
	  gsub(/@PORT_STATIC@/, pst); gsub(/@SERVICE_SOCK@/, ss); gsub(/@TRIVIAL_SOCK@/, ts);
	  gsub(/@UPSTREAM_KEEPALIVE@/, ka); print }' \
	"$BENCH_SRC/nginx.conf.in" >"$RUN/nginx.conf"
nginx -t -q -p "$RUN" -c "$RUN/nginx.conf" -g 'daemon off;' 2>&1 | grep -v 'the "user" directive makes sense' >&2 || true
nginx -p "$RUN" -c "$RUN/nginx.conf" -g 'daemon off;' 2>"$RUN/nginx.stderr" 9>&- &
NGINX_PID=$!
wait_for 10 curl -s -m 1 -o /dev/null "http://127.0.0.1:$PORT_STATIC/" || { cat "$RUN/nginx.stderr" "$RUN/error.log" >&2; die "nginx did not start"; }

# ---------------------------------------------------------------- body
# The static file and the trivial responder serve the service's answer to the
# first request of BODY_WORKLOAD (default w5a: page 1 of the 200,000 user) when
# the service exists, else the reference page built from the data by
# make_paths.py.
if [ $HAVE_SERVICE = 1 ]; then
	IFS=$'\t' read -r body_path body_token <"$PATHS_DIR/${WL_FILE[$BODY_WORKLOAD]}.paths"
	hdr=()
	[ -n "${body_token:-}" ] && hdr=(-H "Authorization: Bearer $body_token")
	code=$(curl -s -m 30 -o "$RUN/static/page1.json" -w '%{http_code}' "${hdr[@]}" "http://127.0.0.1:$PORT_SERVICE$body_path")
	[ "$code" = 200 ] || die "the service answered $code to $body_path"
	BODY_SRC="the service's answer to $body_path ($BODY_WORKLOAD)"
else
	cp "$PATHS_DIR/reference_page1.json" "$RUN/static/page1.json"
	BODY_SRC="reference page 1 of user $X (make_paths.py; the service is not there)"
fi
BODY_BYTES=$(stat -c %s "$RUN/static/page1.json")
"$RESPONDER" -f "$RUN/static/page1.json" -s "$RUN/trivial.sock" -w "$RESPONDER_WORKERS" -d "$TRIVIAL_DELAY_US" \
	2>"$RUN/trivial.log" 9>&- &
RESP_PID=$!
wait_for 10 test -S "$RUN/trivial.sock" || { cat "$RUN/trivial.log" >&2; die "the trivial responder did not start"; }

# Smoke checks: the floors serve exactly the body; the service answers 200.
for t in static trivial; do
	curl -s -m 10 -o "$RUN/check.$t" "http://127.0.0.1:$([ $t = static ] && echo $PORT_STATIC || echo $PORT_TRIVIAL)/api/v2/user/$X/followings/?limit=20"
	cmp -s "$RUN/check.$t" "$RUN/static/page1.json" || die "$t target does not serve the body"
done
if [ $HAVE_SERVICE = 1 ]; then
	for w in $WORKLOADS; do
		IFS=$'\t' read -r path token <"$PATHS_DIR/${WL_FILE[$w]}.paths"
		hdr=()
		[ -n "${token:-}" ] && hdr=(-H "Authorization: Bearer $token")
		code=$(curl -s -m 30 -o "$RUN/check.$w" -w '%{http_code}' "${hdr[@]}" "http://127.0.0.1:$PORT_SERVICE$path")
		[ "$code" = 200 ] || log "warning: service answered $code to $w ($path); see $RUN/check.$w"
	done
fi

# ---------------------------------------------------------------- measure
tree_pids() { # the pid and all its descendants
	ps -e -o pid=,ppid= | awk -v r="$1" '{p[$1]=$2} END {for (x in p) {y=x; while (y > 1) {if (y == r) {print x; break}; y=p[y]}}}'
}
ticks() { # utime+stime+cutime+cstime of the given pids, in clock ticks
	# (cutime/cstime: children that exited and were reaped, e.g. recycled
	# workers, stay counted in their parent)
	local t=0 v
	for pid in "$@"; do
		v=$(awk '{sub(/^.*\) /, ""); print $12 + $13 + $14 + $15}' "/proc/$pid/stat" 2>/dev/null) || continue
		t=$((t + ${v:-0}))
	done
	echo $t
}
children_ticks() { # user+sys of this shell's waited-for children, in ticks (run in this shell, not $(...))
	times >"$RUN/times"
	awk -v hz="$HZ" 'NR == 2 {
		split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%d\n", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * hz + 0.5 }' "$RUN/times"
}
machine_busy() { # busy ticks of all CPUs (everything but idle and iowait)
	awk '$1 == "cpu" {print $2 + $3 + $4 + $7 + $8 + $9; exit}' /proc/stat
}
# shellcheck disable=SC2046 # pid lists are meant to split
snapshot() { # nginx app db
	local app=0
	case $1 in
	service) app=$(ticks $(tree_pids "$SVC_PID")) ;;
	trivial) app=$(ticks $(tree_pids "$RESP_PID")) ;;
	esac
	echo "$(ticks $(tree_pids "$NGINX_PID")) $app $(ticks "$DB_PID") $(machine_busy)"
}
to_ms() { # wrk latency (us/ms/s/m) -> ms
	awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
		f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : 1; printf "%.3f", n * f }'
}
to_bytes() { # wrk size (123.45MB) -> bytes
	awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
		f = (u == "KB") ? 1024 : (u == "MB") ? 1048576 : (u == "GB") ? 1073741824 : (u == "TB") ? 1099511627776 : 1; printf "%.0f", n * f }'
}

alive_or_die() { # every process the run depends on must still be there
	kill -0 "$DB_PID" 2>/dev/null || { tail -n 40 "$SBX_DIR/error.log" >&2; die "mariadbd ($DB_PID) died during $1 $2 (log above: $SBX_DIR/error.log)"; }
	kill -0 "$NGINX_PID" 2>/dev/null || die "nginx died during $1 $2 ($RUN/error.log)"
	case $1 in
	trivial) kill -0 "$RESP_PID" 2>/dev/null || die "the trivial responder died during $1 $2 ($RUN/trivial.log)" ;;
	service) kill -0 "$SVC_PID" 2>/dev/null || die "the service died during $1 $2 ($RUN/service.log)" ;;
	esac
}

port_of() { case $1 in service) echo "$PORT_SERVICE" ;; trivial) echo "$PORT_TRIVIAL" ;; static) echo "$PORT_STATIC" ;; esac; }

ROWS=()
run_one() { # target workload
	local t=$1 w=$2 url file out
	url="http://127.0.0.1:$(port_of "$t")"
	file="$PATHS_DIR/${WL_FILE[$w]}.paths"
	out="$RUN/wrk.$t.$w.txt"
	if [ "$WARMUP" -gt 0 ]; then
		timeout $((WARMUP + 30)) wrk -t"$THREADS" -c"$CONNS" -d"${WARMUP}s" --timeout "$WRK_TIMEOUT" \
			-s "$BENCH_SRC/replay.lua" "$url" -- "$file" >/dev/null 2>&1 || true
	fi
	local before after c0 c1
	before=$(snapshot "$t")
	children_ticks >"$RUN/c0"
	timeout $((DURATION + 30)) wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --timeout "$WRK_TIMEOUT" --latency \
		-s "$BENCH_SRC/replay.lua" "$url" -- "$file" >"$out" 2>&1 &
	WRK_PID=$!
	wait "$WRK_PID" || log "warning: wrk exited with $? for $t $w"
	WRK_PID=
	children_ticks >"$RUN/c1"
	c0=$(cat "$RUN/c0") c1=$(cat "$RUN/c1")
	alive_or_die "$t" "$w"
	after=$(snapshot "$t")
	local rps p50 p99 max reqs read errs non2xx
	rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
	p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")")
	p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")
	max=$(to_ms "$(awk '$1 == "Latency" {print $4; exit}' "$out")")
	reqs=$(awk '/requests in/ {print $1}' "$out")
	read=$(to_bytes "$(awk '/requests in/ {print $5}' "$out")")
	errs=$(awk '/Socket errors/ {gsub(/,/, ""); print $4 + $6 + $8 + $10}' "$out")
	non2xx=$(awk '/Non-2xx/ {print $NF}' "$out")
	[ -n "$rps" ] && [ -n "$reqs" ] && [ "$reqs" -gt 0 ] || { cat "$out" >&2; log "no result for $t $w"; return 0; }
	# per 1,000 requests, in CPU-seconds: nginx app db wrk other server-total
	# (other = the machine's busy time not in those processes: softirq, other programs)
	local cpu
	cpu=$(awk -v b="$before" -v a="$after" -v c0="$c0" -v c1="$c1" -v n="$reqs" -v hz="$HZ" 'BEGIN {
		split(b, B, " "); split(a, A, " "); k = 1000 / n / hz;
		ng = (A[1] - B[1]) * k; ap = (A[2] - B[2]) * k; db = (A[3] - B[3]) * k; wr = (c1 - c0) * k;
		ot = (A[4] - B[4]) * k - ng - ap - db - wr;
		printf "%.4f %.4f %.4f %.4f %.4f %.4f", ng, ap, db, wr, ot, ng + ap + db }')
	ROWS+=("$t $w $rps $p50 $p99 ${errs:-0} ${non2xx:-0} $((read / reqs)) $cpu $max")
	log "$t $w: $rps req/s, p50 ${p50} ms, p99 ${p99} ms, max ${max} ms"
}

# How busy is the machine without our load?  (other programs disturb the numbers)
idle_check() {
	awk '$1 == "cpu" {print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit}' /proc/stat >"$RUN/stat0"
	sleep 2
	awk '$1 == "cpu" {print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit}' /proc/stat |
		awk -v b="$(cat "$RUN/stat0")" '{split(b, B, " "); printf "%.0f", 100 * ($1 - B[1]) / ($2 - B[2])}'
}
BUSY_BEFORE=$(idle_check)
[ "$BUSY_BEFORE" -lt 10 ] || log "warning: the machine is ${BUSY_BEFORE}% busy before the runs (other programs): numbers will be noisy"
log "body: $BODY_SRC, $BODY_BYTES bytes"
log "wrk -t$THREADS -c$CONNS -d${DURATION}s (warm-up ${WARMUP}s) on targets: $TARGETS"
for t in $TARGETS; do
	if [ "$t" = service ]; then wl=$WORKLOADS; else wl=$FLOOR_WORKLOADS; fi
	for w in $wl; do run_one "$t" "$w"; done
done

# ---------------------------------------------------------------- report
# shellcheck disable=SC2086 # rows are space-separated fields
{
	echo "# followings benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, data set $(basename "$DS_DIR")"
	echo "# users $(meta users), follows $(meta follows), x_user $X; wrk -t$THREADS -c$CONNS -d${DURATION}s --latency, warm-up ${WARMUP}s"
	echo "# machine ${BUSY_BEFORE}% busy (all CPUs) in the 2 s before the runs, without benchmark load"
	echo "# nginx workers $NGINX_WORKERS (upstream keepalive $UPSTREAM_KEEPALIVE), trivial responder workers $RESPONDER_WORKERS (delay ${TRIVIAL_DELAY_US} us), service workers $([ $HAVE_SERVICE = 1 ] && echo "$SERVICE_WORKERS" || echo -), body: $BODY_SRC, $BODY_BYTES bytes"
	echo "# nginx..server: CPU-seconds per 1,000 requests (utime+stime from /proc/PID/stat, before/after the run);"
	echo "#   server = nginx + app + mariadbd; other = machine busy time (/proc/stat) not in those or wrk (softirq, other programs)"
	echo "# x_trivial = ratio to the trivial responder (same workload when measured, else its first workload)"
	for w in $(for r in "${ROWS[@]}"; do set -- $r; echo "$2"; done | awk '!seen[$0]++'); do echo "#   $w: ${WL_DESC[$w]}"; done
	printf '%-8s %-4s %10s %8s %8s %6s %6s %7s | %8s %8s %8s %8s %8s %8s | %9s %9s | %8s\n' \
		target wl req/s p50_ms p99_ms errs non2xx B/req nginx app db wrk other server x_trivial cpu_x_triv max_ms
	declare -A TRPS TCPU
	first_t=
	for r in "${ROWS[@]}"; do
		set -- $r
		if [ "$1" = trivial ]; then TRPS[$2]=$3 TCPU[$2]=${14}; [ -n "$first_t" ] || first_t=$2; fi
	done
	for r in "${ROWS[@]}"; do
		set -- $r
		ref=$2
		[ -n "${TRPS[$ref]:-}" ] || ref=$first_t
		if [ -n "$ref" ] && [ -n "${TRPS[$ref]:-}" ]; then
			xr=$(awk -v a="$3" -v b="${TRPS[$ref]}" 'BEGIN {printf "%.2f", a / b}')
			xc=$(awk -v a="${14}" -v b="${TCPU[$ref]}" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "-"}')
			[ "$ref" = "$2" ] || { xr+="($ref)"; xc+="($ref)"; }
		else
			xr=- xc=-
		fi
		printf '%-8s %-4s %10.0f %8.3f %8.3f %6s %6s %7s | %8s %8s %8s %8s %8s %8s | %9s %9s | %8.1f\n' \
			"$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$9" "${10}" "${11}" "${12}" "${13}" "${14}" "$xr" "$xc" "${15}"
	done
} | tee "$RESULTS"
cp "$RUN"/wrk.*.txt "$BENCH_CACHE/results/" 2>/dev/null || true
log "results saved to $RESULTS (raw wrk output in $RUN)"
