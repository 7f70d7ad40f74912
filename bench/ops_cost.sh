#!/usr/bin/env bash
# bench/ops_cost.sh: what the status scoreboard and the request log cost a
# request, as instructions the worker executes (valgrind callgrind, so the
# count does not depend on how busy the machine is).
#
#   FOLLOWINGS_BIN=build/fcgi_app/followings-fcgi bench/ops_cost.sh
#
# Uses the benchmark data set and the w1 request list (page 1, typical
# users, viewer token) that bench/run.sh prepares; run that once first.
# For each configuration (features off; status_path + request_log on) the
# service runs with one worker under callgrind and gets N1, then (a fresh
# run) N2 requests straight on its socket; the worker's instructions per
# request are (Ir(N2) - Ir(N1)) / (N2 - N1), which leaves start-up, the
# first requests' statement preparation and shutdown out.
#
# Settings: BENCH_OPS_N1=200 BENCH_OPS_N2=1200; BENCH_OPS_BASELINE_BIN=path
# measures that binary too (e.g. one built before these features, which has
# no scoreboard at all); BENCH_OPS_KEEP=1 keeps the callgrind files (for
# callgrind_annotate) and says where.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BIN=${FOLLOWINGS_BIN:-$REPO_ROOT/build/fcgi_app/followings-fcgi}
N1=${BENCH_OPS_N1:-200}
N2=${BENCH_OPS_N2:-1200}
command -v valgrind >/dev/null || die "valgrind is not installed"
[ -x "$BIN" ] || die "no service binary at $BIN"
paths=$(ls -d "$DS_DIR"/paths-*/w1_page1_auth.paths 2>/dev/null | head -n 1)
[ -n "$paths" ] || die "no w1 request list under $DS_DIR: run bench/run.sh once first"

RUN=$(mktemp -d /tmp/followings-opscost.XXXXXX)
started_db=0
cleanup() {
	[ "$started_db" = 1 ] && sbx stop "$SBX_DIR" >/dev/null 2>&1
	if [ "${BENCH_OPS_KEEP:-0}" = 1 ]; then log "kept $RUN"; else rm -rf "$RUN"; fi
}
trap cleanup EXIT
if [ ! -S "$DB_SOCK" ]; then
	sbx start "$SBX_DIR" >/dev/null
	started_db=1
fi

# Sends N requests from the w1 list (round-robin) over fresh connections.
drive() {
	"$PY" - "$1" "$2" "$paths" <<'EOF'
import sys
sys.path.insert(0, "tests/integration")   # (run from the repository)
import fcgi_client
sock, n, paths = sys.argv[1], int(sys.argv[2]), sys.argv[3]
reqs = []
for line in open(paths):
    line = line.rstrip("\n")
    if not line or line.startswith("#"):
        continue
    path, _, token = line.partition("\t")
    if path.startswith("http"):
        path = "/" + path.split("/", 3)[3]
    reqs.append((path, {"HTTP_AUTHORIZATION": "Bearer " + token} if token else {}))
for i in range(n):
    path, headers = reqs[i % len(reqs)]
    r = fcgi_client.request(sock, path, headers=headers, timeout=60)
    if r.status != 200:
        sys.exit(f"{path}: status {r.status}")
EOF
}

# Instructions of the worker process for one run of N requests.
run_once() {
	local bin=$1 extra=$2 n=$3 dir
	dir=$(mktemp -d "$RUN/run.XXXXXX")
	cat >"$dir/app.conf" <<EOF
db_socket = $DB_SOCK
db_user = $BENCH_DB_USER
db_password = $BENCH_DB_PASSWORD
db_name = $BENCH_DB
workers = 1
max_requests = 0
$extra
EOF
	[ "$(id -u)" != 0 ] || echo "user = root" >>"$dir/app.conf"
	valgrind --tool=callgrind --callgrind-out-file="$dir/cg.%p" "$bin" --config "$dir/app.conf" \
		--listen "unix:$dir/app.sock" >"$dir/service.log" 2>&1 &
	local vpid=$!
	local t=0
	while [ ! -S "$dir/app.sock" ] && [ $t -lt 300 ]; do sleep 0.1; t=$((t + 1)); done
	(cd "$REPO_ROOT" && drive "$dir/app.sock" "$n")
	kill -TERM "$vpid"
	wait "$vpid" || true
	# The master's file has few instructions; the worker's is the larger one.
	local f best=0 ir
	for f in "$dir"/cg.*; do
		ir=$(sed -n 's/^summary: \([0-9]*\).*/\1/p' "$f")
		[ "${ir:-0}" -gt "$best" ] && best=$ir
	done
	echo "$best"
}

declare -A result
modes="off on"
[ -n "${BENCH_OPS_BASELINE_BIN:-}" ] && modes="base $modes"
for mode in $modes; do
	bin=$BIN
	extra=""
	case $mode in
	base) bin=$BENCH_OPS_BASELINE_BIN ;;
	on) extra=$'status_path = /fcgi-status\nrequest_log = on' ;;
	esac
	a=$(run_once "$bin" "$extra" "$N1")
	b=$(run_once "$bin" "$extra" "$N2")
	result[$mode]=$(( (b - a) / (N2 - N1) ))
	log "$mode: Ir($N1)=$a Ir($N2)=$b -> $((result[$mode])) instructions per request"
done
awk -v off="${result[off]}" -v on="${result[on]}" -v base="${result[base]:-0}" 'BEGIN {
	printf "worker instructions per w1 request: off %d, on %d: +%d (%.2f%%)\n", off, on, on - off, (on - off) * 100.0 / off
	if (base > 0)
		printf "against the baseline binary (%d): off %+.2f%%, on %+.2f%%\n", base, (off - base) * 100.0 / base, (on - base) * 100.0 / base
}'
