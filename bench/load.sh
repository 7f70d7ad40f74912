#!/usr/bin/env bash
# Generate the benchmark data set and load it into a reusable MariaDB datadir.
#
#   bench/load.sh           reuse the loaded data set if present, else build it
#   bench/load.sh --force   rebuild it
#   bench/load.sh --bare    only as far as the bare contract tables (bare/,
#                           all tests/dbinstall needs): no install, no verify
#
# The data set lives in $BENCH_CACHE/ds-KEY (default /var/tmp/followings-bench),
# KEY = hash of gen.c, db/contract.sql, db/install/*.sql, db/followings-db, this script, seed and
# user count, so a change of any of them builds a new one (older ds-*
# directories are removed).  Leaves the server stopped.  Prints the data set
# directory on stdout.
#
# Steps: generate TSVs (gen.c) -> the platform's tables from db/contract.sql
# -> drop the foreign keys and secondary indexes of follows -> LOAD DATA LOCAL
# INFILE -> recreate them (DDL identical to a fresh contract.sql) -> copy the
# datadir as it is, the bare contract tables full (bare/, for
# tests/dbinstall) -> `db/followings-db install` onto the full tables, the
# way a platform installs the service (timed) -> `followings-db verify`.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

force=0 bare=0
case "${1:-}" in
--force) force=1 ;;
--bare) bare=1 ;;
esac

mkdir -p "$BENCH_CACHE"
if [ "${BENCH_LOCKED:-}" != 1 ]; then
	exec 9>"$BENCH_CACHE/lock"
	flock -w 900 9 || die "another benchmark holds $BENCH_CACHE/lock"
fi

if [ $force = 0 ] && { [ -f "$DS_DIR/.complete" ] || { [ $bare = 1 ] && [ -f "$DS_DIR/.bare" ]; }; }; then
	log "data set $DS_DIR is loaded (reused)"
	echo "$DS_DIR"
	exit 0
fi

[ -f "$SBX_DIR/mysqld.pid" ] && sbx stop "$SBX_DIR" || true
rm -rf "$DS_DIR"
mkdir -p "$DS_DIR/csv"
exec 3>"$DS_DIR/load.log"
T0=$(date +%s.%N)
# Keep only this data set.
remove_older_data_sets() {
	local old
	for old in "$BENCH_CACHE"/ds-*; do
		[ "$old" = "$DS_DIR" ] && continue
		[ -d "$old" ] || continue
		[ -f "$old/sandbox/mysqld.pid" ] && sbx stop "$old/sandbox" || true
		rm -rf "$old" || log "warning: could not remove the old data set $old"
	done
}
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
qdb <"$REPO_ROOT/db/contract.sql"

# Normalised DDL of follows (AUTO_INCREMENT counter left out): it must come
# out identical after the load.
follows_ddl() { qdb -N -B -r -e "SHOW CREATE TABLE follows" | sed -e '1s/^follows\t//' -e 's/ AUTO_INCREMENT=[0-9]*//'; }
follows_ddl >"$DS_DIR/follows.ddl.before"

# Secondary indexes and foreign keys of follows, from its DDL.
# shellcheck disable=SC2016 # backquotes are SQL identifiers
idx_add=$(grep -E '^  (UNIQUE |FULLTEXT |SPATIAL )?KEY ' "$DS_DIR/follows.ddl.before" | sed -E 's/,$//; s/^  /ADD /' | paste -sd, -)
idx_drop=$(grep -E '^  (UNIQUE |FULLTEXT |SPATIAL )?KEY ' "$DS_DIR/follows.ddl.before" | sed -E 's/^  [A-Z ]*KEY (`[^`]+`).*/DROP KEY \1/' | paste -sd, -)
fk_add=$(grep -E '^  CONSTRAINT `[^`]+` FOREIGN KEY ' "$DS_DIR/follows.ddl.before" | sed -E 's/,$//; s/^  /ADD /' | paste -sd, -)
fk_drop=$(grep -E '^  CONSTRAINT `[^`]+` FOREIGN KEY ' "$DS_DIR/follows.ddl.before" | sed -E 's/^  CONSTRAINT (`[^`]+`).*/DROP FOREIGN KEY \1/' | paste -sd, -)
step "dropping follows foreign keys and secondary indexes"
{
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

qdb -e "ANALYZE TABLE users, follows, tags, user_tags, access_tokens, preferences" >/dev/null
follows_ddl >"$DS_DIR/follows.ddl.after"
diff -u "$DS_DIR/follows.ddl.before" "$DS_DIR/follows.ddl.after" >&2 || die "follows DDL differs after the load"

# The bare platform database, full: a copy of the stopped datadir.
step "saving the bare contract tables (bare/)"
sbx stop "$SBX_DIR"
cp -a "$SBX_DIR/data" "$DS_DIR/bare"
if [ $bare = 1 ]; then
	trap - EXIT
	printf 'generate_seconds=%s\nload_data_seconds=%s\nindex_seconds=%s\n' "$GEN_S" "$LOAD_DATA_S" "$INDEX_S" >>"$DS_DIR/meta.txt"
	touch "$DS_DIR/.bare"
	remove_older_data_sets
	log "bare contract tables ready in $(since "$T0")s (a full bench/load.sh adds the install)"
	echo "$DS_DIR"
	exit 0
fi
sbx start "$SBX_DIR"

step "followings-db install onto the full contract tables"
t_inst=$(date +%s.%N)
"$REPO_ROOT/db/followings-db" install --socket="$DB_SOCK" -uroot "$BENCH_DB" 2>&1 | tee -a /dev/fd/3 >&2
INSTALL_S=$(since "$t_inst")
t_ver=$(date +%s.%N)
"$REPO_ROOT/db/followings-db" verify --socket="$DB_SOCK" -uroot "$BENCH_DB" 2>&1 | tee -a /dev/fd/3 >&2 ||
	die "followings-db verify failed after the install"
VERIFY_S=$(since "$t_ver")
qdb -e "ANALYZE TABLE follows, follow_counters, follow_day_counts" >/dev/null
LOAD_S=$(since "$t")

# ---------------------------------------------------------------- verify
step "verifying"
X=$(meta x_user) TEN=$(meta ten_user)
check=$(qdb -N -B <<SQL
SELECT 'rows', (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM follows), (SELECT COUNT(*) FROM user_tags),
       (SELECT COUNT(*) FROM access_tokens), (SELECT COUNT(*) FROM tags);
SELECT 'orphans', COUNT(*) FROM follows f LEFT JOIN users a ON a.id = f.follower_id
       LEFT JOIN users b ON b.id = f.followed_id WHERE a.id IS NULL OR b.id IS NULL;
SELECT 'self', COUNT(*) FROM follows WHERE follower_id = followed_id;
SELECT 'x_ten_counters', (SELECT n FROM followings_effective_out WHERE user_id = $X),
       (SELECT n FROM followings_effective_out WHERE user_id = $TEN);
SQL
)
echo "$check" >&3
echo "$check" | sed 's/^/  /' >&2
expect() { echo "$check" | grep -qxF "$1" || die "verification failed: expected '$1'"; }
expect "$(printf 'rows\t%s\t%s\t%s\t%s\t%s' "$(meta users)" "$(meta follows)" "$(meta user_tags)" "$(meta access_tokens)" "$(meta tags)")"
expect "$(printf 'orphans\t0')"
expect "$(printf 'self\t0')"
expect "$(printf 'x_ten_counters\t%s\t10' "$(meta x_followings)")"

# The account the service connects with: read-only, and the upkeep.
q -e "CREATE USER '$BENCH_DB_USER'@'localhost' IDENTIFIED BY '$BENCH_DB_PASSWORD';
      GRANT SELECT, EXECUTE ON \`$BENCH_DB\`.* TO '$BENCH_DB_USER'@'localhost'"

sbx stop "$SBX_DIR"
trap - EXIT
TOTAL_S=$(since "$T0")
du_db=$(du -sh "$SBX_DIR/data" | cut -f1)
cat >>"$DS_DIR/meta.txt" <<EOF
generate_seconds=$GEN_S
load_data_seconds=$LOAD_DATA_S
index_seconds=$INDEX_S
install_seconds=$INSTALL_S
verify_seconds=$VERIFY_S
load_seconds_total=$LOAD_S
build_seconds_total=$TOTAL_S
datadir_size=$du_db
EOF
touch "$DS_DIR/.complete"
remove_older_data_sets
log "data set ready in ${TOTAL_S}s (generate ${GEN_S}s, load ${LOAD_S}s: LOAD DATA ${LOAD_DATA_S}s, indexes ${INDEX_S}s, followings-db install ${INSTALL_S}s, verify ${VERIFY_S}s); datadir $du_db"
echo "$DS_DIR"
