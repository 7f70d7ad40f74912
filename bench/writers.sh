#!/usr/bin/env bash
# What the service's objects cost the platform's writers, in one run:
#
#   bench/writers.sh            8 writers, 5 hot accounts, 60 s per schema,
#                               in WRITERS_ROUNDS (3) alternating slices so
#                               that a noisy machine weighs on both alike
#   WRITERS_CONNS=4 WRITERS_HOT=200 WRITERS_SECONDS=20 bench/writers.sh
#   WRITERS_MIX=40,30,15,5,10 (follow, unfollow, soft delete/restore,
#     hard delete, sign-up)   WRITERS_FANOUT=100000 (0: skip that part)
#
# 1. The same starting population (WRITERS_USERS users, WRITERS_FOLLOWS
#    follows, half of them to the hot accounts) in two databases of one
#    MariaDB: the bare contract tables, and the same tables with the service
#    installed onto them by `db/followings-db install`.
# 2. writer_stress on the bare tables, then on ours with the upkeep running
#    beside the writers (as the service's workers run it), same mix, same
#    duration; then the upkeep drained and `followings-db verify`.
# 3. The moderator's statement on an account with WRITERS_FANOUT followers:
#    soft delete, restore, hard delete, each in a transaction of its own,
#    with the rows it locked (INNODB_TRX) and its time, on both schemas.
# Prints a table; appends nothing anywhere (copy it into bench/RESULTS.md).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

conns=${WRITERS_CONNS:-8}
hot=${WRITERS_HOT:-5}
secs=${WRITERS_SECONDS:-60}
rounds=${WRITERS_ROUNDS:-3}
mix=${WRITERS_MIX:-40,30,15,5,10}
users=${WRITERS_USERS:-3000}
follows=${WRITERS_FOLLOWS:-24000}
fanout=${WRITERS_FANOUT:-100000}
dir=${WRITERS_DIR:-$BENCH_CACHE/writers}
tool=$(build_tool writer_stress "$BENCH_SRC/writer_stress.c" \
	$(mariadb_config --include --libs 2>/dev/null || mysql_config --include --libs) -lpthread)
fdb="$REPO_ROOT/db/followings-db"

mkdir -p "$dir"
sbx stop "$dir/db" 2>/dev/null || true
rm -rf "$dir/db"
SANDBOX_BUFFER_POOL=512M bash "$SANDBOX" start "$dir/db"
trap 'bash "$SANDBOX" stop "$dir/db" || true' EXIT
sock="$dir/db/mysqld.sock"
s() { bash "$SANDBOX" sql "$dir/db" "$@"; }

for db in w_bare w_ours; do
	s -e "CREATE DATABASE $db CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
	s "$db" <"$REPO_ROOT/db/contract.sql"
	"$tool" -S "$sock" -D "$db" --hot "$hot" --seed-users "$users" --seed-follows "$follows" -t 0
done
"$fdb" install --socket="$sock" -uroot w_ours 2>"$dir/install.log"

run() { "$tool" -S "$sock" -D "$1" -c "$conns" -t "$((secs / rounds))" --hot "$hot" --mix "$mix" "${@:2}"; }
log "writers: $conns connections, $rounds x $((secs / rounds)) s per schema, alternating, $hot hot accounts, mix $mix"
: >"$dir/bare.out"
: >"$dir/ours.out"
for r in $(seq 1 "$rounds"); do
	log "round $r: bare contract tables"
	run w_bare >>"$dir/bare.out"
	log "round $r: the service's schema, upkeep running beside the writers"
	run w_ours --maintain >>"$dir/ours.out"
done
t=$(date +%s.%N)
"$fdb" maintain --socket="$sock" -uroot w_ours
drain=$(awk -v a="$t" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
if "$fdb" verify --socket="$sock" -uroot w_ours; then exact=yes; else exact=NO; fi

# Sums of a field over the rounds' total lines.
total() { sed -n "s/^total.* $1=\([0-9.]*\).*/\1/p" "$2" | awk '{ n += $1 } END { printf "%d", n }'; }
rate() { awk -v d="$(total done "$1")" -v s="$(total seconds "$1")" 'BEGIN { printf "%.0f", d / s }'; }
bare=$(rate "$dir/bare.out")
ours=$(rate "$dir/ours.out")
echo
grep -h '^op=' "$dir/bare.out" "$dir/ours.out" >/dev/null
echo "| schema | writes/s | done | failed | deadlocks | lock-wait timeouts |"
echo "|---|---|---|---|---|---|"
for f in bare ours; do
	dl=$(awk -F'deadlocks=' '/^op=/{split($2,a," "); n+=a[1]} END{print n+0}' "$dir/$f.out")
	lw=$(awk -F'lock_wait_timeouts=' '/^op=/{split($2,a," "); n+=a[1]} END{print n+0}' "$dir/$f.out")
	echo "| $f | $(rate "$dir/$f.out") | $(total done "$dir/$f.out") | $(total failed "$dir/$f.out") | $dl | $lw |"
done
awk -v a="$ours" -v b="$bare" 'BEGIN { printf "\nthroughput on ours: %.1f%% of the bare tables\n", 100 * a / b }'
echo "upkeep drained ${drain}s after the writers stopped; followings-db verify exact: $exact"

[ "$fanout" -gt 0 ] || exit 0
# ------------------------------------------------------------------ fan-out
echo
echo "| schema | statement | seconds | rows locked | rows modified |"
echo "|---|---|---|---|---|"
for db in f_bare f_ours; do
	s -e "CREATE DATABASE $db CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
	s "$db" <"$REPO_ROOT/db/contract.sql"
	s "$db" -e "INSERT INTO users (id, username, date_joined) SELECT seq, CONCAT('f', seq), '2024-01-01' FROM seq_1_to_$((fanout + 1));
		INSERT INTO follows (follower_id, followed_id, created_at) SELECT seq, 1, '2024-02-01' + INTERVAL seq SECOND FROM seq_2_to_$((fanout + 1));
		INSERT INTO follows (follower_id, followed_id, created_at) SELECT 1, seq, '2024-03-01' + INTERVAL seq SECOND FROM seq_2_to_1001;"
	[ $db = f_ours ] && "$fdb" install --socket="$sock" -uroot f_ours 2>>"$dir/install.log"
	for stmt in "UPDATE users SET deleted = 1 WHERE id = 1" "UPDATE users SET deleted = 0 WHERE id = 1" "DELETE FROM users WHERE id = 1"; do
		row=$(s -N -B "$db" -e "START TRANSACTION; SET @t = NOW(6); $stmt;
			SELECT TIMESTAMPDIFF(MICROSECOND, @t, NOW(6)) / 1e6, trx_rows_locked, trx_rows_modified
			  FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = CONNECTION_ID(); COMMIT;")
		echo "| ${db#f_} | \`$stmt\` | $(echo "$row" | awk '{print $1 " | " $2 " | " $3}') |"
		if [ $db = f_ours ]; then
			t=$(date +%s.%N)
			"$fdb" maintain --socket="$sock" -uroot f_ours
			echo "| ours | (upkeep: fan-out and folding after it) | $(awk -v a="$t" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }') | | |"
		fi
	done
done
"$fdb" verify --socket="$sock" -uroot f_ours
