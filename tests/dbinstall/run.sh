#!/usr/bin/env bash
# `followings-db` on a full platform database while the platform writes it
# (README, "Deploying onto an existing platform database"):
#
#   tests/dbinstall/run.sh
#
# 1. The benchmark's data set (bench/load.sh: 210,000 users, 3.2M follows)
#    as bare contract tables, in a private copy.
# 2. The writer-stress mix (bench/writer_stress.c: follow, unfollow, soft
#    delete/restore, hard delete, sign-up; 8 connections, 5 hot accounts)
#    runs for the whole install.
# 3. `followings-db install` is killed with SIGKILL in the middle of its
#    backfill, then run again: it resumes and finishes.
# 4. The writers stop: no statement of theirs may have failed (no deadlock,
#    no lock-wait timeout: the bare tables show none).  The upkeep drains;
#    `followings-db verify` must find every value exact.
# 5. `install` once more: idempotent, still exact.
# 5b. An upgrade under writes: the database made to look as an install of
#    the version before the followers' per-day counts left it; `install`
#    adds and fills them; the writers fail nothing; verify is exact.
# 6. `uninstall`: exactly the contract tables are left, with the DDL of a
#    fresh db/contract.sql and the same rows (CHECKSUM TABLE) as just before.
# Prints "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=bench/lib.sh
. "$repo/bench/lib.sh"
fdb="$repo/db/followings-db"
conns=${DBINSTALL_CONNS:-8}	# script/test uses 4, to keep CI short
kill_after=${DBINSTALL_KILL_AFTER:-20}

passed=0
failed=0
ok() { passed=$((passed + 1)); printf 'ok    %s\n' "$*"; }
bad() { failed=$((failed + 1)); printf 'FAIL  %s\n' "$*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; return 1; fi; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

ds=$("$repo/bench/load.sh") || { echo "dbinstall: bench/load.sh failed" >&2; exit 1; }
[ -d "$ds/bare" ] || { echo "dbinstall: $ds/bare missing" >&2; exit 1; }
tool=$(build_tool writer_stress "$BENCH_SRC/writer_stress.c" \
	$(mariadb_config --include --libs 2>/dev/null || mysql_config --include --libs) -lpthread)

tmp=$(mktemp -d /tmp/followings-dbinstall.XXXXXX)
db=$tmp/db
stress_pid=
cleanup() {
	[ -n "$stress_pid" ] && kill "$stress_pid" 2>/dev/null
	bash "$SANDBOX" stop "$db" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$db"
cp -a "$ds/bare" "$db/data"
SANDBOX_BUFFER_POOL=1G bash "$SANDBOX" start "$db" || { echo "dbinstall: MariaDB did not start" >&2; exit 1; }
sock=$db/mysqld.sock
s() { bash "$SANDBOX" sql "$db" --default-character-set=utf8mb4 "$BENCH_DB" "$@"; }
client=(--socket="$sock" -uroot "$BENCH_DB")
contract="access_tokens follows preferences tags user_tags users"

# Tables and views of the database, sorted bytewise, one line.
tables() { s -N -e "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()" | LC_ALL=C sort | paste -sd ' '; }
check "the copy holds the bare contract tables only ($(s -N -e 'SELECT COUNT(*) FROM follows') follows)" \
	test "$(tables)" = "$contract"

# The writer-stress mix in the background, and its verdict once stopped:
# it must have run, and none of its statements may have failed.  The bare
# tables show no failure under this mix; neither may ours (the edge gate
# keeps the upkeep's batches and the moderators' hard deletes apart:
# db/install/30-routines.sql).
start_writers() {
	"$tool" -S "$sock" -D "$BENCH_DB" -c "$conns" -t 3600 --hot 5 >"$tmp/stress.out" 2>"$tmp/stress.err" &
	stress_pid=$!
	sleep 2
}
op_failed() { awk -v op="op=$1" '$1 == op { n = 0; for (i = 3; i <= 6; i++) { split($i, a, "="); n += a[2] } print n }' "$tmp/stress.out"; }
stop_writers() {	# what they ran during
	local total op n op_failures=0
	sleep 2
	kill -TERM "$stress_pid"
	wait "$stress_pid"
	stress_pid=
	cat "$tmp/stress.out"
	[ -s "$tmp/stress.err" ] && sed 's/^/  writer: /' "$tmp/stress.err"
	total=$(sed -n 's/^total.* done=\([0-9]*\) failed=\([0-9]*\).*/\1 \2/p' "$tmp/stress.out")
	check "writers ran during the $1: ${total% *} statements done" test "${total% *}" -gt 1000
	for op in follow unfollow soft_delete_restore hard_delete signup; do
		n=$(op_failed "$op")
		op_failures=$((op_failures + ${n:-0}))
		[ "${n:-0}" = 0 ] || echo "  $op: $n failed"
	done
	check "no writer's statement failed during the $1: $op_failures" test "$op_failures" = 0
}

# ---------------------------------------------------------------- install under writes
start_writers
t0=$(now)
"$fdb" install "${client[@]}" >"$tmp/install1.log" 2>&1 &
inst=$!
sleep "$kill_after"
if kill -0 "$inst" 2>/dev/null; then
	kill -9 "$inst"
	pkill -9 -P "$inst" 2>/dev/null
	wait "$inst" 2>/dev/null
	left=$(s -N -e "SELECT COUNT(*) FROM follows WHERE followed_deleted IS NULL")
	ok "install killed after ${kill_after} s, in its backfill ($left edges not counted yet)"
	check "the kill left a backfill cursor to resume from" \
		test -n "$(s -N -e "SELECT value FROM followings_meta WHERE name = 'backfill_after'")"
else
	bad "install finished within ${kill_after} s: the kill-and-resume path was not exercised"
fi
t1=$(now)
check "install run again resumes and completes" "$fdb" install "${client[@]}" >"$tmp/install2.log" 2>&1
install_s=$(secs "$t0")
resume_s=$(secs "$t1")
stop_writers install
echo "install under writes: ${install_s} s in all, ${resume_s} s after the kill"
grep -h 'followings-db:' "$tmp/install2.log" | sed 's/^/  /'

t=$(now)
check "the upkeep drains" "$fdb" maintain "${client[@]}"
echo "  drained in $(secs "$t") s"
# What a wrong value looks like, so a failure can be understood after the
# fact: the edges whose flags disagree with their users, and the install's
# cursor (an edge above backfill_until was inserted after the install began).
explain_stale() {
	s -e "SELECT name, value FROM followings_meta;
	  SELECT 'followed' AS side, f.id, f.follower_id, f.followed_id, f.created_at, f.followed_deleted AS flag,
	         w.deleted, w.date_joined FROM follows f JOIN users w ON w.id = f.followed_id
	   WHERE f.followed_deleted < 2 AND f.followed_deleted <> (w.deleted <> 0)
	  UNION ALL
	  SELECT 'follower', f.id, f.follower_id, f.followed_id, f.created_at, f.follower_deleted,
	         w.deleted, w.date_joined FROM follows f JOIN users w ON w.id = f.follower_id
	   WHERE f.follower_deleted < 2 AND f.follower_deleted <> (w.deleted <> 0)
	   LIMIT 20;
	  SELECT COUNT(*) AS pending FROM follow_pending; SELECT COUNT(*) AS log_rows FROM follow_log;"
}
if ! check "verify: every derived value exact after the install under writes" "$fdb" verify "${client[@]}"; then
	explain_stale
fi
check "install is idempotent" "$fdb" install "${client[@]}" >"$tmp/install3.log" 2>&1
check "verify: still exact" "$fdb" verify "${client[@]}"

# ---------------------------------------------------------------- upgrade under writes
# A database installed by the version before the followers' day counts:
# every edge counted, no follow_in_day_counts, the log's followers index
# without its day.  The install adds the table and fills it from one
# consistent read while the writers go on.
s -e "DROP TABLE follow_in_day_counts; ALTER TABLE follow_log DROP INDEX ix_follow_log_in,
      ADD INDEX ix_follow_log_in (followed_id, d_in, late, follower_id)"
start_writers
t=$(now)
check "install over the earlier version" "$fdb" install "${client[@]}" >"$tmp/install4.log" 2>&1
echo "  upgraded in $(secs "$t") s"
grep -h 'followings-db:' "$tmp/install4.log" | sed 's/^/  /'
check "the upgrade filled follow_in_day_counts" grep -q 'follow_in_day_counts: filled' "$tmp/install4.log"
stop_writers upgrade
check "the upkeep drains after the upgrade" "$fdb" maintain "${client[@]}"
if ! check "verify: every derived value exact after the upgrade under writes" "$fdb" verify "${client[@]}"; then
	explain_stale
fi

# ---------------------------------------------------------------- uninstall
# The contract tables' rows: CHECKSUM TABLE for the tables we never alter,
# and for follows a digest of the contract's columns only (ours go).
checksums() {
	s -N -e "CHECKSUM TABLE access_tokens, preferences, tags, user_tags, users;
	  SELECT 'follows', COUNT(*), SUM(CRC32(CONCAT_WS('|', id, follower_id, followed_id, created_at))) FROM follows"
}
follows_ddl() { s -N -B -r -e "SHOW CREATE TABLE follows" | sed -e '1s/^follows\t//' -e 's/ AUTO_INCREMENT=[0-9]*//'; }
before=$(checksums)
check "uninstall" "$fdb" uninstall "${client[@]}"
check "uninstall leaves exactly the contract tables (no view, table, routine or trigger of ours)" \
	test "$(tables) $(s -N -e "SELECT COUNT(*) FROM information_schema.ROUTINES
	        WHERE ROUTINE_SCHEMA = DATABASE()") $(s -N -e "SELECT COUNT(*) FROM information_schema.TRIGGERS
	        WHERE TRIGGER_SCHEMA = DATABASE()")" = "$contract 0 0"
check "follows has the DDL of a fresh db/contract.sql" \
	diff <(follows_ddl) "$ds/follows.ddl.before"
check "uninstall changed no row of the contract tables (CHECKSUM TABLE)" test "$(checksums)" = "$before"

echo
echo "dbinstall: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
