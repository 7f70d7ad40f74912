-- Maintenance: folding the log into the counters, fanning a soft delete out
-- to the user's edges, and (at install) counting the edges that existed
-- before the triggers.  Run by followings_maintain(), which the service's
-- workers call between requests and `followings-db maintain` calls in a loop.
--
-- Every transaction here runs at READ COMMITTED (no gap locks, so a writer's
-- insert never waits for it), takes the rows it changes with SKIP LOCKED
-- (so it never waits for a writer: it cannot be part of a deadlock with one,
-- and InnoDB never has to pick a writer as a victim), and keeps each batch
-- small.  Each moves value between the representations of 10-tables.sql in
-- one commit, so every consistent read sees the same totals before and
-- after it.  One runs at a time per database (GET_LOCK in followings_maintain).

DELIMITER //

DROP PROCEDURE IF EXISTS followings_fold//
CREATE PROCEDURE followings_fold(IN p_batch INT, OUT p_rows INT)
  MODIFIES SQL DATA
BEGIN
  CREATE TEMPORARY TABLE IF NOT EXISTS followings_tmp_log (
    id BIGINT UNSIGNED NOT NULL PRIMARY KEY, follower_id BIGINT UNSIGNED NOT NULL,
    followed_id BIGINT UNSIGNED NOT NULL, day DATE NOT NULL, d_out INT NOT NULL, d_in INT NOT NULL
  ) ENGINE=MEMORY;
  SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
  START TRANSACTION;
  DELETE FROM followings_tmp_log;
  INSERT INTO followings_tmp_log
    SELECT id, follower_id, followed_id, day, d_out, d_in FROM follow_log
     ORDER BY id LIMIT p_batch FOR UPDATE SKIP LOCKED;
  SET p_rows = ROW_COUNT();
  IF p_rows > 0 THEN
    INSERT INTO follow_counters (user_id, followings)
      SELECT follower_id, SUM(d_out) FROM followings_tmp_log GROUP BY follower_id HAVING SUM(d_out) <> 0
      ON DUPLICATE KEY UPDATE followings = followings + VALUES(followings);
    INSERT INTO follow_counters (user_id, followers)
      SELECT followed_id, SUM(d_in) FROM followings_tmp_log GROUP BY followed_id HAVING SUM(d_in) <> 0
      ON DUPLICATE KEY UPDATE followers = followers + VALUES(followers);
    INSERT INTO follow_day_counts (follower_id, day, visible)
      SELECT follower_id, day, SUM(d_out) FROM followings_tmp_log GROUP BY follower_id, day HAVING SUM(d_out) <> 0
      ON DUPLICATE KEY UPDATE visible = visible + VALUES(visible);
    DELETE l FROM follow_log l JOIN followings_tmp_log t ON t.id = l.id;
  END IF;
  COMMIT;
END//

-- One pending user per call: up to p_batch of its edges get the flag that
-- matches users.deleted (trg_follows_au logs what that changes).  The mark
-- goes once no edge is left to change; a user whose flag flipped again
-- meanwhile is marked again by its trigger (it waits for this commit).
DROP PROCEDURE IF EXISTS followings_reconcile//
CREATE PROCEDURE followings_reconcile(IN p_batch INT, OUT p_rows INT)
  MODIFIES SQL DATA
BEGIN
  DECLARE v_user BIGINT UNSIGNED DEFAULT NULL;
  DECLARE v_del TINYINT DEFAULT NULL;
  DECLARE v_left INT DEFAULT 0;
  DECLARE CONTINUE HANDLER FOR NOT FOUND BEGIN END;
  SET p_rows = 0;
  CREATE TEMPORARY TABLE IF NOT EXISTS followings_tmp_ids (id BIGINT UNSIGNED NOT NULL PRIMARY KEY) ENGINE=MEMORY;
  SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
  START TRANSACTION;
  SELECT user_id INTO v_user FROM follow_pending ORDER BY user_id LIMIT 1 FOR UPDATE SKIP LOCKED;
  IF v_user IS NOT NULL THEN
    SELECT deleted <> 0 INTO v_del FROM users WHERE id = v_user;
    IF v_del IS NULL THEN
      DELETE FROM follow_pending WHERE user_id = v_user;  -- hard-deleted since
    ELSE
      DELETE FROM followings_tmp_ids;
      INSERT INTO followings_tmp_ids
        SELECT id FROM follows WHERE followed_id = v_user AND followed_deleted <> v_del
         LIMIT p_batch FOR UPDATE SKIP LOCKED;
      UPDATE follows f JOIN followings_tmp_ids t ON t.id = f.id SET f.followed_deleted = v_del;
      SET p_rows = ROW_COUNT();
      DELETE FROM followings_tmp_ids;
      INSERT INTO followings_tmp_ids
        SELECT id FROM follows WHERE follower_id = v_user AND follower_deleted <> v_del
         LIMIT p_batch FOR UPDATE SKIP LOCKED;
      UPDATE follows f JOIN followings_tmp_ids t ON t.id = f.id SET f.follower_deleted = v_del;
      SET p_rows = p_rows + ROW_COUNT();
      -- A plain read: an edge another transaction holds is seen as committed.
      SELECT COUNT(*) INTO v_left FROM (
        (SELECT 1 FROM follows WHERE followed_id = v_user AND followed_deleted <> v_del LIMIT 1)
        UNION ALL
        (SELECT 1 FROM follows WHERE follower_id = v_user AND follower_deleted <> v_del LIMIT 1)) AS x;
      IF v_left = 0 THEN
        DELETE FROM follow_pending WHERE user_id = v_user;
      END IF;
    END IF;
    SET p_rows = p_rows + 1;
  END IF;
  COMMIT;
END//

-- Install: give every edge older than the triggers its flags (which logs
-- its contribution), p_batch primary-key values per call, from a cursor kept
-- in followings_meta so a killed install resumes where it stopped.  Edges a
-- writer holds are skipped and picked up by the sweep that follows.
-- p_left: 0 when no edge is left to count.
DROP PROCEDURE IF EXISTS followings_backfill//
CREATE PROCEDURE followings_backfill(IN p_batch INT, OUT p_left BIGINT)
  MODIFIES SQL DATA
BEGIN
  DECLARE v_from BIGINT UNSIGNED DEFAULT 0;
  DECLARE v_until BIGINT UNSIGNED DEFAULT NULL;
  DECLARE CONTINUE HANDLER FOR NOT FOUND BEGIN END;
  CREATE TEMPORARY TABLE IF NOT EXISTS followings_tmp_ids (id BIGINT UNSIGNED NOT NULL PRIMARY KEY) ENGINE=MEMORY;
  CREATE TEMPORARY TABLE IF NOT EXISTS followings_tmp_flags (
    id BIGINT UNSIGNED NOT NULL PRIMARY KEY, fd TINYINT NOT NULL, frd TINYINT NOT NULL) ENGINE=MEMORY;
  SELECT CAST(value AS UNSIGNED) INTO v_from FROM followings_meta WHERE name = 'backfill_after';
  SELECT CAST(value AS UNSIGNED) INTO v_until FROM followings_meta WHERE name = 'backfill_until';
  IF v_until IS NULL THEN
    -- Every edge inserted from now on has its flags from trg_follows_bi.
    SELECT COALESCE(MAX(id), 0) INTO v_until FROM follows;
    INSERT INTO followings_meta (name, value) VALUES ('backfill_until', v_until)
      ON DUPLICATE KEY UPDATE value = VALUES(value);
  END IF;
  SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
  START TRANSACTION;
  DELETE FROM followings_tmp_ids;
  DELETE FROM followings_tmp_flags;
  IF v_from < v_until THEN
    INSERT INTO followings_tmp_ids
      SELECT id FROM follows WHERE id > v_from AND id <= v_from + p_batch AND followed_deleted IS NULL
         FOR UPDATE SKIP LOCKED;
    INSERT INTO followings_meta (name, value) VALUES ('backfill_after', v_from + p_batch)
      ON DUPLICATE KEY UPDATE value = VALUES(value);
  ELSE
    INSERT INTO followings_tmp_ids
      SELECT id FROM follows WHERE followed_deleted IS NULL LIMIT p_batch FOR UPDATE SKIP LOCKED;
  END IF;
  -- Plain reads of users: the backfill never waits for a moderator.  A soft
  -- delete that commits after this read has marked its user pending, and
  -- followings_reconcile() corrects the flags read here.
  INSERT INTO followings_tmp_flags
    SELECT f.id, a.deleted <> 0, b.deleted <> 0
      FROM followings_tmp_ids t JOIN follows f ON f.id = t.id
      JOIN users a ON a.id = f.followed_id JOIN users b ON b.id = f.follower_id;
  UPDATE follows f JOIN followings_tmp_flags t ON t.id = f.id
     SET f.followed_deleted = t.fd, f.follower_deleted = t.frd;
  COMMIT;
  IF v_from + p_batch < v_until THEN
    SET p_left = v_until - v_from - p_batch;
  ELSE
    SELECT COUNT(*) INTO p_left FROM follows WHERE followed_deleted IS NULL;
  END IF;
END//

-- The entry point: a bounded amount of work, or none when another session
-- holds the maintenance lock.  p_work: rows handled, -1 when busy elsewhere.
DROP PROCEDURE IF EXISTS followings_maintain//
CREATE PROCEDURE followings_maintain(IN p_batch INT, OUT p_work INT)
  MODIFIES SQL DATA
BEGIN
  DECLARE v_lock VARCHAR(128) DEFAULT CONCAT('followings_maintain:', DATABASE());
  DECLARE v_a INT DEFAULT 0;
  DECLARE v_b INT DEFAULT 0;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    ROLLBACK;
    DO RELEASE_LOCK(v_lock);
    RESIGNAL;
  END;
  SET p_work = -1;
  IF GET_LOCK(v_lock, 0) = 1 THEN
    CALL followings_reconcile(p_batch, v_a);
    CALL followings_fold(p_batch, v_b);
    SET p_work = v_a + v_b;
    DO RELEASE_LOCK(v_lock);
  END IF;
END//

-- The install's backfill, run by `followings-db install` until p_left is 0:
-- batches of backfill, fan-out and folding for about p_seconds, under the
-- maintenance lock.
DROP PROCEDURE IF EXISTS followings_install_run//
CREATE PROCEDURE followings_install_run(IN p_batch INT, IN p_seconds INT, OUT p_left BIGINT)
  MODIFIES SQL DATA
BEGIN
  DECLARE v_lock VARCHAR(128) DEFAULT CONCAT('followings_maintain:', DATABASE());
  DECLARE v_end DATETIME(6) DEFAULT NOW(6) + INTERVAL p_seconds SECOND;
  DECLARE v_a INT DEFAULT 0;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    ROLLBACK;
    DO RELEASE_LOCK(v_lock);
    RESIGNAL;
  END;
  SET p_left = -1;
  IF GET_LOCK(v_lock, p_seconds) = 1 THEN
    REPEAT
      CALL followings_backfill(p_batch, p_left);
      CALL followings_reconcile(p_batch, v_a);
      CALL followings_fold(p_batch * 2, v_a);
    UNTIL p_left = 0 OR NOW(6) >= v_end END REPEAT;
    DO RELEASE_LOCK(v_lock);
  END IF;
END//

DELIMITER ;
