#!/usr/bin/env bash
# Generate the benchmark data set and load it into a reusable MariaDB datadir.
#
#   bench/load.sh           reuse the loaded data set if present, else build it
#   bench/load.sh --force   rebuild it
#
# The data set lives in $BENCH_CACHE/ds-KEY (default /var/tmp/followings-bench),
# KEY = hash of gen.c, db/schema.sql, this script, seed and user count, so a
# change of any of them builds a new one (older ds-* directories are removed).
# Leaves the server stopped.  Prints the data set directory on stdout.
#
# Steps: generate TSVs (gen.c) -> create the schema from db/schema.sql -> save
# the trigger definitions and the follows table's DDL, drop the triggers, the
# foreign keys and the secondary indexes of follows -> LOAD DATA LOCAL INFILE
# -> recreate the indexes and foreign keys -> compute follows.followed_deleted
# and follow_counters with set-based SQL -> recreate the triggers -> verify
# (DDL and triggers identical to a fresh schema, counters on a sample against
# a live count, integrity, a trigger smoke test in a rolled-back transaction).
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

force=0
[ "${1:-}" = --force ] && force=1

mkdir -p "$BENCH_CACHE"
if [ "${BENCH_LOCKED:-}" != 1 ]; then
	exec 9>"$BENCH_CACHE/lock"
	flock -w 900 9 || die "another benchmark holds $BENCH_CACHE/lock"
fi

if [ $force = 0 ] && [ -f "$DS_DIR/.complete" ]; then
	log "data set $DS_DIR is loaded (reused)"
	echo "$DS_DIR"
	exit 0
fi

[ -f "$SBX_DIR/mysqld.pid" ] && sbx stop "$SBX_DIR" || true
rm -rf "$DS_DIR"
mkdir -p "$DS_DIR/csv"
exec 3>"$DS_DIR/load.log"
T0=$(date +%s.%N)
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }
step() { log "$*"; echo "## $*" >&3; }

# ---------------------------------------------------------------- generate
GEN=$(build_tool gen "$BENCH_SRC/gen.c" -lm)
step "generating (seed $BENCH_SEED, $BENCH_USERS users)"
t=$(date +%s.%N)
"$GEN" -o "$DS_DIR/csv" -s "$BENCH_SEED" -u "$BENCH_USERS"
GEN_S=$(since "$t")
cp "$DS_DIR/csv/meta.txt" "$DS_DIR/meta.txt"
log "generated $(meta follows) follows in ${GEN_S}s"

# ---------------------------------------------------------------- schema
t=$(date +%s.%N)
step "starting MariaDB in $SBX_DIR (buffer pool $BENCH_BUFFER_POOL)"
sbx start "$SBX_DIR"
trap 'sbx stop "$SBX_DIR" || true' EXIT
q -e "SET GLOBAL innodb_log_file_size = 1024*1024*1024; SET GLOBAL innodb_io_capacity = 2000;
      CREATE DATABASE \`$BENCH_DB\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
qdb <"$REPO_ROOT/db/schema.sql"

# Normalised DDL of follows (AUTO_INCREMENT counter left out) and a digest of
# every trigger: both must come out identical after the load.
follows_ddl() { qdb -N -B -r -e "SHOW CREATE TABLE follows" | sed -e '1s/^follows\t//' -e 's/ AUTO_INCREMENT=[0-9]*//'; }
trigger_digest() {
	qdb -N -B -e "SET SESSION group_concat_max_len = 1024*1024*16;
	  SELECT COUNT(*), MD5(GROUP_CONCAT(CONCAT_WS('|', TRIGGER_NAME, EVENT_MANIPULATION, EVENT_OBJECT_TABLE,
	    ACTION_ORDER, ACTION_TIMING, ACTION_STATEMENT, SQL_MODE, DEFINER, CHARACTER_SET_CLIENT,
	    COLLATION_CONNECTION, DATABASE_COLLATION) ORDER BY TRIGGER_NAME SEPARATOR '\n'))
	  FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()"
}
follows_ddl >"$DS_DIR/follows.ddl.before"
trig_before=$(trigger_digest)

# Trigger definitions, in creation order per table and event.
{
	echo "DELIMITER //"
	qdb -N -B -r -e "SELECT CONCAT('SET SESSION sql_mode = ', QUOTE(SQL_MODE), '//\n',
	    'CREATE TRIGGER \`', TRIGGER_NAME, '\` ', ACTION_TIMING, ' ', EVENT_MANIPULATION, ' ON \`',
	    EVENT_OBJECT_TABLE, '\` FOR EACH ROW ', ACTION_STATEMENT, '//')
	  FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()
	  ORDER BY EVENT_OBJECT_TABLE, EVENT_MANIPULATION, ACTION_TIMING, ACTION_ORDER"
	echo "DELIMITER ;"
} >"$DS_DIR/triggers.sql"
drop_triggers=$(qdb -N -B -e "SELECT CONCAT('DROP TRIGGER \`', TRIGGER_NAME, '\`;')
	FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()")

# Secondary indexes and foreign keys of follows, from its DDL.
# shellcheck disable=SC2016 # backquotes are SQL identifiers
idx_add=$(grep -E '^  (UNIQUE |FULLTEXT |SPATIAL )?KEY ' "$DS_DIR/follows.ddl.before" | sed -E 's/,$//; s/^  /ADD /' | paste -sd, -)
idx_drop=$(grep -E '^  (UNIQUE |FULLTEXT |SPATIAL )?KEY ' "$DS_DIR/follows.ddl.before" | sed -E 's/^  [A-Z ]*KEY (`[^`]+`).*/DROP KEY \1/' | paste -sd, -)
fk_add=$(grep -E '^  CONSTRAINT `[^`]+` FOREIGN KEY ' "$DS_DIR/follows.ddl.before" | sed -E 's/,$//; s/^  /ADD /' | paste -sd, -)
fk_drop=$(grep -E '^  CONSTRAINT `[^`]+` FOREIGN KEY ' "$DS_DIR/follows.ddl.before" | sed -E 's/^  CONSTRAINT (`[^`]+`).*/DROP FOREIGN KEY \1/' | paste -sd, -)
step "dropping triggers, follows foreign keys and secondary indexes"
{
	echo "$drop_triggers"
	[ -n "$fk_drop" ] && echo "ALTER TABLE follows $fk_drop;"
	[ -n "$idx_drop" ] && echo "ALTER TABLE follows $idx_drop;"
} | tee -a /dev/fd/3 | qdb

# ---------------------------------------------------------------- load
step "LOAD DATA"
t_load=$(date +%s.%N)
load() { # table file columns
	printf "LOAD DATA LOCAL INFILE '%s' INTO TABLE %s CHARACTER SET utf8mb4
	  FIELDS TERMINATED BY '\\\\t' ESCAPED BY '\\\\\\\\' LINES TERMINATED BY '\\\\n' (%s);\n" \
		"$DS_DIR/csv/$2" "$1" "$3"
}
{
	echo "SET SESSION foreign_key_checks = 0, unique_checks = 0;"
	load users users.tsv "id, username, real_name, email, avatar, cover, ext_id, date_joined, bio, location,
	  location_lat_lng, position_lat_lng, date_of_birth, description, gender, website, reputation,
	  community_badge, reg_approved, deleted, company_name, company_role, posts_counter,
	  discussions_counter, polls_counter, categories_counter"
	load tags tags.tsv "id, type, name, description, color, visible, visibility_boost, created_at, active, deleted"
	load user_tags user_tags.tsv "user_id, tag_id"
	load preferences preferences.tsv "section, name, value"
	load access_tokens access_tokens.tsv "id, token_checksum, user_id, expires, scope"
	load follows follows.tsv "id, follower_id, followed_id, created_at"
	echo "SHOW WARNINGS;"
} | tee -a /dev/fd/3 | qdb --local-infile=1 --show-warnings >"$DS_DIR/load-data.out"
LOAD_DATA_S=$(since "$t_load")
log "LOAD DATA took ${LOAD_DATA_S}s"
if [ -s "$DS_DIR/load-data.out" ]; then
	cat "$DS_DIR/load-data.out" >&2
	die "LOAD DATA reported warnings (see above)"
fi

step "recreating follows indexes and foreign keys"
t_idx=$(date +%s.%N)
{
	echo "SET SESSION foreign_key_checks = 0;"
	[ -n "$idx_add" ] && echo "ALTER TABLE follows $idx_add, ALGORITHM=INPLACE;"
	[ -n "$fk_add" ] && echo "ALTER TABLE follows $fk_add;"
} | tee -a /dev/fd/3 | qdb
INDEX_S=$(since "$t_idx")
log "indexes took ${INDEX_S}s"

step "computing followed_deleted, follow_counters and follow_day_counts"
t_cnt=$(date +%s.%N)
qdb <<'SQL'
UPDATE users u JOIN follows f ON f.followed_id = u.id
   SET f.followed_deleted = 1
 WHERE u.deleted <> 0;
INSERT INTO follow_counters (user_id, followings, followers)
SELECT u.id, COALESCE(o.c, 0), COALESCE(i.c, 0)
  FROM users u
  LEFT JOIN (SELECT follower_id AS id, COUNT(*) AS c FROM follows
              WHERE followed_deleted = 0 GROUP BY follower_id) o ON o.id = u.id
  LEFT JOIN (SELECT f.followed_id AS id, COUNT(*) AS c FROM follows f
               JOIN users a ON a.id = f.follower_id
              WHERE a.deleted = 0 GROUP BY f.followed_id) i ON i.id = u.id;
INSERT INTO follow_day_counts (follower_id, day, visible)
SELECT follower_id, DATE(created_at), COUNT(*) FROM follows
 WHERE followed_deleted = 0 GROUP BY follower_id, DATE(created_at);
SQL
COUNTERS_S=$(since "$t_cnt")

step "recreating triggers"
qdb <"$DS_DIR/triggers.sql"
qdb -e "ANALYZE TABLE users, follows, follow_counters, follow_day_counts, tags, user_tags, access_tokens, preferences" >/dev/null
LOAD_S=$(since "$t")

# ---------------------------------------------------------------- verify
step "verifying"
follows_ddl >"$DS_DIR/follows.ddl.after"
diff -u "$DS_DIR/follows.ddl.before" "$DS_DIR/follows.ddl.after" >&2 || die "follows DDL differs after the load"
trig_after=$(trigger_digest)
[ "$trig_before" = "$trig_after" ] || die "trigger definitions differ after the load ($trig_before vs $trig_after)"

X=$(meta x_user) TEN=$(meta ten_user)
check=$(qdb -N -B <<SQL
SELECT 'rows', (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM follows), (SELECT COUNT(*) FROM user_tags),
       (SELECT COUNT(*) FROM access_tokens), (SELECT COUNT(*) FROM tags);
SELECT 'orphans', COUNT(*) FROM follows f LEFT JOIN users a ON a.id = f.follower_id
       LEFT JOIN users b ON b.id = f.followed_id WHERE a.id IS NULL OR b.id IS NULL;
SELECT 'self', COUNT(*) FROM follows WHERE follower_id = followed_id;
SELECT 'followed_deleted_wrong', COUNT(*) FROM follows f JOIN users b ON b.id = f.followed_id
       WHERE f.followed_deleted <> (b.deleted <> 0);
SELECT 'counter_mismatches', COUNT(*), COUNT(DISTINCT u.id) FROM users u
  LEFT JOIN follow_counters c ON c.user_id = u.id
 WHERE (u.id % 97 = 0 OR u.id IN ($X, $TEN, $(meta heavy_users), $(meta most_followed_user)) OR u.deleted <> 0)
   AND (COALESCE(c.followings, 0) <> (SELECT COUNT(*) FROM follows f JOIN users b ON b.id = f.followed_id
                                       WHERE f.follower_id = u.id AND b.deleted = 0)
     OR COALESCE(c.followers, 0) <> (SELECT COUNT(*) FROM follows f JOIN users a ON a.id = f.follower_id
                                       WHERE f.followed_id = u.id AND a.deleted = 0));
SELECT 'sampled', COUNT(*) FROM users u
 WHERE u.id % 97 = 0 OR u.id IN ($X, $TEN, $(meta heavy_users), $(meta most_followed_user)) OR u.deleted <> 0;
SELECT 'x_ten_counters', (SELECT followings FROM follow_counters WHERE user_id = $X),
       (SELECT followings FROM follow_counters WHERE user_id = $TEN);
-- The triggers are live: a follow and a soft delete, rolled back.
START TRANSACTION;
SELECT user_id, followers INTO @t, @f0 FROM follow_counters
 WHERE user_id = (SELECT id FROM users WHERE deleted = 0 AND id <> $TEN
                     AND id NOT IN (SELECT followed_id FROM follows WHERE follower_id = $TEN) ORDER BY id LIMIT 1);
INSERT INTO follows (follower_id, followed_id, created_at) VALUES ($TEN, @t, UTC_TIMESTAMP(6));
SELECT followings INTO @g1 FROM follow_counters WHERE user_id = $TEN;
SELECT followers INTO @f1 FROM follow_counters WHERE user_id = @t;
UPDATE users SET deleted = 1 WHERE id = @t;
SELECT followings INTO @g2 FROM follow_counters WHERE user_id = $TEN;
SELECT 'trigger_smoke', @g1, @f1 - @f0, @g2;
ROLLBACK;
SQL
)
echo "$check" >&3
echo "$check" | sed 's/^/  /' >&2
expect() { echo "$check" | grep -qxF "$1" || die "verification failed: expected '$1'"; }
expect "$(printf 'rows\t%s\t%s\t%s\t%s\t%s' "$(meta users)" "$(meta follows)" "$(meta user_tags)" "$(meta access_tokens)" "$(meta tags)")"
expect "$(printf 'orphans\t0')"
expect "$(printf 'self\t0')"
expect "$(printf 'followed_deleted_wrong\t0')"
expect "$(printf 'counter_mismatches\t0\t0')"
expect "$(printf 'x_ten_counters\t%s\t10' "$(meta x_followings)")"
expect "$(printf 'trigger_smoke\t11\t1\t10')"

# The account the service connects with (read-only).
q -e "CREATE USER '$BENCH_DB_USER'@'localhost' IDENTIFIED BY '$BENCH_DB_PASSWORD';
      GRANT SELECT ON \`$BENCH_DB\`.* TO '$BENCH_DB_USER'@'localhost'"

sbx stop "$SBX_DIR"
trap - EXIT
TOTAL_S=$(since "$T0")
du_db=$(du -sh "$SBX_DIR/data" | cut -f1)
cat >>"$DS_DIR/meta.txt" <<EOF
generate_seconds=$GEN_S
load_data_seconds=$LOAD_DATA_S
index_seconds=$INDEX_S
counters_seconds=$COUNTERS_S
load_seconds_total=$LOAD_S
build_seconds_total=$TOTAL_S
datadir_size=$du_db
EOF
touch "$DS_DIR/.complete"
# Keep only this data set.
for old in "$BENCH_CACHE"/ds-*; do
	[ "$old" = "$DS_DIR" ] && continue
	[ -d "$old" ] || continue
	[ -f "$old/sandbox/mysqld.pid" ] && sbx stop "$old/sandbox" || true
	rm -rf "$old"
done
log "data set ready in ${TOTAL_S}s (generate ${GEN_S}s, load ${LOAD_S}s: LOAD DATA ${LOAD_DATA_S}s, indexes ${INDEX_S}s, counters ${COUNTERS_S}s); datadir $du_db"
echo "$DS_DIR"
