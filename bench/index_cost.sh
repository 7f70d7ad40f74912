#!/usr/bin/env bash
# What ix_follows_in_page (db/followings-db install: the followers list's
# walk) costs the platform's writers per statement: on the bare contract
# tables in a MariaDB sandbox (10,000 users, 200,000 edges), a stored
# procedure does 20,000 follow INSERTs then 20,000 unfollow DELETEs by pair
# (autocommit), INDEX_COST_ROUNDS (5) rounds alternating without and with the index.
#
#   bench/index_cost.sh      (INDEX_COST_DIR: the sandbox, default /tmp/followings-index-cost)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${INDEX_COST_DIR:-/tmp/followings-index-cost}
sbx() { bash "$root/tests/lib/mariadb-sandbox.sh" "$@"; }
q() { sbx sql "$dir" "$@"; }
sbx stop "$dir" >/dev/null 2>&1 || true
rm -rf "$dir"
sbx start "$dir" >/dev/null
trap 'sbx stop "$dir" >/dev/null 2>&1 || true' EXIT
q -e "CREATE DATABASE p"
q p <"$root/db/contract.sql"
q p <<'SQL'
INSERT INTO users (id, username, date_joined)
  SELECT seq, CONCAT('u', seq), '2024-01-01' FROM seq_1_to_10000;
-- a realistic index: 200k existing edges
INSERT INTO follows (follower_id, followed_id, created_at)
  SELECT 1 + (seq MOD 10000), 1 + ((seq DIV 10000) * 37 + seq * 7) MOD 10000, NOW(6) - INTERVAL seq SECOND
  FROM seq_1_to_200000 WHERE 1 + (seq MOD 10000) <> 1 + ((seq DIV 10000) * 37 + seq * 7) MOD 10000
  ON DUPLICATE KEY UPDATE created_at = follows.created_at;
DELIMITER //
CREATE PROCEDURE w(n INT)
BEGIN
  DECLARE i INT DEFAULT 0;
  WHILE i < n DO
    INSERT IGNORE INTO follows (follower_id, followed_id, created_at)
      VALUES (1 + (i MOD 97), 200 + (i DIV 97) MOD 9700, NOW(6));
    SET i = i + 1;
  END WHILE;
  SET i = 0;
  WHILE i < n DO
    DELETE FROM follows WHERE follower_id = 1 + (i MOD 97) AND followed_id = 200 + (i DIV 97) MOD 9700;
    SET i = i + 1;
  END WHILE;
END//
DELIMITER ;
SQL
# ns per write: 40,000 writes per CALL
run() {
	local t0 t1
	t0=$(date +%s%N)
	q p -e "CALL w(20000)"
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 40000))
}
run >/dev/null   # warm-up
for r in $(seq 1 "${INDEX_COST_ROUNDS:-5}"); do
  a=$(run)
  q p -e "ALTER TABLE follows ADD INDEX ix_follows_in_page (followed_id, created_at, id, follower_id), ALGORITHM=INPLACE, LOCK=NONE"
  b=$(run)
  q p -e "ALTER TABLE follows DROP INDEX ix_follows_in_page"
  echo "round $r: without the index ${a} ns per write (follow or unfollow), with ${b} ns"
done
