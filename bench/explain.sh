#!/usr/bin/env bash
# EXPLAIN, ANALYZE and timings of the candidate page queries on the loaded data.
#
#   bench/explain.sh [VIEWER_ID]
#
# X = the user following 200,000; V = VIEWER_ID, or the token holder with the
# median followings count among the viewers of the w1/w2 workloads.
#   a0) page 1 (OFFSET 0) of X's followings, for reference
#   a) page at OFFSET 100000 of X's followings (index ix_follows_page)
#   b) mutual count of X for viewer V (STRAIGHT_JOIN from V's small list)
#   c) page at OFFSET 100000 of X's non-mutual followings for V (NOT EXISTS)
# Each query: EXPLAIN, ANALYZE (actual rows), then 1 warm-up and 7 timed runs
# (server-side durations from SHOW PROFILES; min / median / max in ms).
# Starts the data set's MariaDB if it is not running, and stops it again.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

[ -f "$DS_DIR/.complete" ] || die "no loaded data set: run bench/load.sh first"

if ! q -e 'SELECT 1' >/dev/null 2>&1; then
	exec 9>"$BENCH_CACHE/lock"
	flock -n 9 || die "a benchmark is running"
	sbx start "$SBX_DIR"
	trap 'sbx stop "$SBX_DIR"' EXIT
fi
wait_buffer_pool

X=$(meta x_user)
PAIRS=$(ls -d "$DS_DIR"/paths-*/pairs.tsv 2>/dev/null | head -n1 || true)
if [ -n "${1:-}" ]; then
	V=$1
elif [ -n "$PAIRS" ]; then
	ids=$(grep -v '^#' "$PAIRS" | cut -f3 | sort -un | paste -sd, -)
	V=$(qdb -N -B -e "SELECT user_id FROM follow_counters WHERE user_id IN ($ids) ORDER BY followings, user_id" |
		awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
else
	die "give a viewer id (no pairs.tsv yet: run bench/run.sh once)"
fi
echo "X = $X, V = $V"
qdb -t -e "SELECT user_id, followings, followers FROM follow_counters WHERE user_id IN ($X, $V)"

QA0="SELECT followed_id, created_at, id FROM follows WHERE follower_id = $X AND followed_deleted = 0 ORDER BY created_at DESC, id DESC LIMIT 20"
QA="SELECT followed_id, created_at, id FROM follows WHERE follower_id = $X AND followed_deleted = 0 ORDER BY created_at DESC, id DESC LIMIT 20 OFFSET 100000"
QB="SELECT COUNT(*) FROM follows v STRAIGHT_JOIN follows x ON x.follower_id = $X AND x.followed_id = v.followed_id AND x.followed_deleted = 0 WHERE v.follower_id = $V AND v.followed_deleted = 0"
QC="SELECT x.followed_id, x.created_at, x.id FROM follows x WHERE x.follower_id = $X AND x.followed_deleted = 0 AND NOT EXISTS (SELECT 1 FROM follows v WHERE v.follower_id = $V AND v.followed_id = x.followed_id) ORDER BY x.created_at DESC, x.id DESC LIMIT 20 OFFSET 100000"

for n in a0 a b c; do
	case $n in a0) sql=$QA0 ;; a) sql=$QA ;; b) sql=$QB ;; c) sql=$QC ;; esac
	echo
	echo "== ($n) $sql"
	qdb -t -e "EXPLAIN $sql"
	qdb -t -e "ANALYZE $sql" | cut -c1-220
	first=$(qdb -N -B -e "$sql" | head -n 2 | paste -sd' ' -)
	echo "first rows: $first"
	{
		echo "SET profiling = 1, profiling_history_size = 20;"
		for _ in 1 2 3 4 5 6 7 8; do echo "$sql;"; done
		echo "SHOW PROFILES;"
	} | qdb -N -B | awk -F'\t' 'NF == 3 && $1 ~ /^[0-9]+$/ && $1 > 1 && $3 ~ /^SELECT/ {print $2 * 1000}' | sort -g |
		awk '{t[NR] = $1} END {printf "time (7 runs, warm): min %.2f ms, median %.2f ms, max %.2f ms\n", t[1], t[int((NR + 1) / 2)], t[NR]}'
done
