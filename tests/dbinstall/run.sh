#!/usr/bin/env bash
# `followings-db` on a full platform database while the platform writes it
# (README, "Deploying onto an existing platform database"):
#
#   tests/dbinstall/run.sh
#
# 1. The benchmark's data set (bench/load.sh --bare: 210,000 users, 3.4M
#    follows) as bare contract tables, in a private copy.
# 2. The writer-stress mix (bench/writer_stress.c: follow, unfollow, soft
#    delete/restore, hard delete, sign-up; 8 connections, 5 hot accounts)
#    runs for the whole install.
# 3. `followings-db install` is killed with SIGKILL twice: first in the
#    middle of its backfill, then, run again, once it has resumed and
#    finished the backfill, while the server builds an index for it (the
#    build runs on without its client: the next install waits for it);
#    run a third time, it finishes.  Each install folds the log
#    for 10 s at its end (--fold; DBINSTALL_FOLD), the drain the rest.
# 4. The writers stop: no statement of theirs may have failed (no deadlock,
#    no lock-wait timeout: the bare tables show none).  The upkeep drains;
#    `followings-db verify` must find every value exact.
# 5. `install` once more: idempotent, no edge left to count (the verify
#    after the upgrade below checks every value again).
# 5b. An upgrade under writes: the database made to look as an install of
#    the version before the followers' per-day counts left it; `install`
#    adds and fills them and rebuilds the two page indexes with the listed
#    user's flag; the writers fail nothing; verify is exact.
# 6. `uninstall`: exactly the contract tables are left, with the DDL of a
#    fresh db/contract.sql and the same rows (CHECKSUM TABLE) as just before.
# Prints "N passed, N failed"; exits non-zero on any failure.  With
# DBINSTALL_KEEP=1 a failed run leaves its database (the path is printed).
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=bench/lib.sh
. "$repo/bench/lib.sh"
fdb="$repo/db/followings-db"
conns=${DBINSTALL_CONNS:-8}	# script/test uses 4, to keep CI short
kill_after=${DBINSTALL_KILL_AFTER:-5}	# seconds into the backfill
# The install's closing fold (followings-db --fold): the writers outrun it
# anyway, and the drain after they stop folds the rest.
fold=${DBINSTALL_FOLD:-10}

passed=0
failed=0
ok() { passed=$((passed + 1)); printf 'ok    %s\n' "$*"; }
bad() { failed=$((failed + 1)); printf 'FAIL  %s\n' "$*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; return 1; fi; }
# logged FILE COMMAND...: runs it with its output in FILE (the check's own
# line stays on the terminal); prints FILE when it fails.
logged() { local f=$1; shift; "$@" >"$f" 2>&1 || { cat "$f"; return 1; }; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

ds=$("$repo/bench/load.sh" --bare) || { echo "dbinstall: bench/load.sh failed" >&2; exit 1; }
[ -d "$ds/bare" ] || { echo "dbinstall: $ds/bare missing" >&2; exit 1; }
tool=$(build_tool writer_stress "$BENCH_SRC/writer_stress.c" \
	$(mariadb_config --include --libs 2>/dev/null || mysql_config --include --libs) -lpthread)

tmp=$(mktemp -d /tmp/followings-dbinstall.XXXXXX)
db=$tmp/db
stress_pid=
cleanup() {
	[ -n "$stress_pid" ] && kill "$stress_pid" 2>/dev/null
	bash "$SANDBOX" stop "$db" >/dev/null 2>&1
	if [ "$failed" -gt 0 ] && [ -n "${DBINSTALL_KEEP:-}" ]; then
		echo "dbinstall: the database is kept in $tmp (DBINSTALL_KEEP)"
	else
		rm -rf "$tmp"
	fi
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
# Waits (up to 10 min) until the install $1 is at the point "$2" tells (an
# SQL query printing something), or has ended; true if it is still running.
install_reaches() {
	local pid=$1 query=$2 end=$(($(date +%s) + 600))
	while kill -0 "$pid" 2>/dev/null && [ "$(date +%s)" -lt "$end" ]; do
		[ -n "$(s -N -e "$query" 2>/dev/null)" ] && return 0
		sleep 0.2
	done
	kill -0 "$pid" 2>/dev/null
}
kill_install() { kill -9 "$1"; pkill -9 -P "$1" 2>/dev/null; wait "$1" 2>/dev/null; }
building_index="SELECT ID FROM information_schema.PROCESSLIST
                 WHERE INFO LIKE 'ALTER TABLE follows ADD INDEX ix_follows_page%'"
backfill_cursor="SELECT value FROM followings_meta WHERE name = 'backfill_after'"

start_writers
t0=$(now)
"$fdb" --fold "$fold" install "${client[@]}" >"$tmp/install1.log" 2>&1 &
inst=$!
if install_reaches "$inst" "$backfill_cursor"; then
	sleep "$kill_after"
	kill_install "$inst"
	left=$(s -N -e "SELECT COUNT(*) FROM follows WHERE followed_deleted IS NULL")
	ok "install killed ${kill_after} s into its backfill ($left edges not counted yet)"
	check "the kill left a backfill cursor to resume from" test -n "$(s -N -e "$backfill_cursor")"
else
	bad "install ended before its backfill: the kill-and-resume path was not exercised"
	cat "$tmp/install1.log"
fi
# Run again, it resumes the backfill, then builds the page indexes (after
# the backfill, so that it does not update them edge by edge).
"$fdb" --fold "$fold" install "${client[@]}" >"$tmp/install2.log" 2>&1 &
inst=$!
if install_reaches "$inst" "$building_index"; then
	kill_install "$inst"
	ok "install run again, resumed its backfill, killed while the server built ix_follows_page for it"
	check "the index build runs on in the server without its client" test -n "$(s -N -e "$building_index")"
else
	bad "install ended before its index build: the kill during DDL was not exercised"
	cat "$tmp/install2.log"
fi
t1=$(now)
check "install run a third time resumes and completes" logged "$tmp/install3.log" "$fdb" --fold "$fold" install "${client[@]}"
check "the third install waited for the second one's index build" \
	grep -q "waiting for another session's ALTER TABLE" "$tmp/install3.log"
install_s=$(secs "$t0")
resume_s=$(secs "$t1")
stop_writers install
echo "install under writes: ${install_s} s in all, ${resume_s} s after the kill"
grep -h 'followings-db:' "$tmp/install3.log" | sed 's/^/  /'

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
	  SELECT COUNT(*) AS pending FROM follow_pending; SELECT COUNT(*) AS log_rows FROM follow_log;
	  SELECT followed_deleted AS flag, COUNT(*) AS edges FROM follows
	   WHERE followed_deleted IS NULL OR followed_deleted >= 2 GROUP BY followed_deleted;"
	# The edges of the first users verify names, with their flags and users.
	local users
	users=$("$fdb" verify "${client[@]}" 2>&1 | awk -F'\t' '$1 == "followings" || $1 == "followers" { print $2 }' |
		head -n 4 | paste -sd, -)
	[ -n "$users" ] && s -e "SELECT f.*, a.deleted AS follower_del, a.date_joined AS follower_joined,
	    b.deleted AS followed_del FROM follows f JOIN users a ON a.id = f.follower_id JOIN users b ON b.id = f.followed_id
	   WHERE (f.follower_id IN ($users) OR f.followed_id IN ($users)) AND f.created_at >= CURDATE()
	   ORDER BY f.id LIMIT 40"
}
if ! check "verify: every derived value exact after the install under writes" "$fdb" verify "${client[@]}"; then
	explain_stale
fi
check "install is idempotent" logged "$tmp/install5.log" "$fdb" --fold "$fold" install "${client[@]}"
check "the idempotent install had no edge left to count" \
	test "$(grep -o 'backfill: [0-9]* edges left' "$tmp/install5.log" | paste -sd' ')" = "backfill: 0 edges left"

# ---------------------------------------------------------------- upgrade under writes
# A database installed by the version before the followers' day counts:
# every edge counted, no follow_in_day_counts, the log's followers index
# without its day, the page indexes without the listed user's flag.  The
# install adds the table and fills it from one consistent read, and
# rebuilds the two indexes online, while the writers go on.
s -e "DROP TABLE follow_in_day_counts; ALTER TABLE follow_log DROP INDEX ix_follow_log_in,
      ADD INDEX ix_follow_log_in (followed_id, d_in, late, follower_id);
      ALTER TABLE follows DROP INDEX ix_follows_page, DROP INDEX ix_follows_in_page,
      ADD INDEX ix_follows_page (follower_id, created_at, id, followed_id),
      ADD INDEX ix_follows_in_page (followed_id, created_at, id, follower_id)"
start_writers
t=$(now)
check "install over the earlier version" logged "$tmp/install4.log" "$fdb" --fold "$fold" install "${client[@]}"
echo "  upgraded in $(secs "$t") s"
grep -h 'followings-db:' "$tmp/install4.log" | sed 's/^/  /'
check "the upgrade filled follow_in_day_counts" grep -q 'follow_in_day_counts: filled' "$tmp/install4.log"
page_index_flags="SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()
  AND TABLE_NAME = 'follows' AND SEQ_IN_INDEX = 5 AND (INDEX_NAME, COLUMN_NAME) IN
  (('ix_follows_page', 'followed_deleted'), ('ix_follows_in_page', 'follower_deleted'))"
check "the upgrade rebuilt both page indexes with the listed user's flag" \
	test "$(grep -c 'an earlier version.s index): rebuilding it' "$tmp/install4.log") $(s -N -e "$page_index_flags")" = "2 2"
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
