-- Maintenance: folding the log into the counters, fanning a soft delete out
-- to the user's edges, and (at install) counting the edges that existed
-- before the triggers.  Run by followings_maintain(), which the service's
-- workers call between requests and `followings-db maintain` calls in a loop.
--
-- Every transaction here runs at READ COMMITTED (no gap locks, so a writer's
-- insert never waits for it), takes the rows it changes with SKIP LOCKED
-- (so it never waits for a writer), and keeps each batch small.
--
-- SKIP LOCKED alone does not keep it out of deadlocks with writers: MariaDB
-- enqueues a waiting request for a held row before it gives up on it
-- (row_search_mvcc, lock_trx_handle_wait), and a writer's deadlock check
-- that runs in that instant sees a cycle through the upkeep.  The writer is
-- then the victim: the upkeep has written its MEMORY temporary tables, and
-- InnoDB spares a transaction that changed non-transactional tables.  A
-- moderator's hard delete, which waits for edge after edge, was rolled back
-- that way about once a minute under the writer-stress mix (#8,
-- bench/RESULTS.md).  So every transaction here that locks edges first
-- takes the edge gate (10-tables.sql) exclusively, and trg_users_bd takes it
-- shared before it deletes any edge: a hard delete and the upkeep never
-- hold edges at the same time, and whichever comes second waits for the
-- other while it holds no edge.  Hard deletes share it, so they do not wait
-- for each other; each waits at most for one upkeep batch.
--
-- Each transaction moves value between the representations of 10-tables.sql
-- in one commit, so every consistent read sees the same totals before and
-- after it.  One runs at a time per database (GET_LOCK in followings_maintain).

DELIMITER //

-- The deltas a batch moves into the counters, whatever their source: log
-- rows (fold), edges whose flags flip (reconcile), edges counted for the
-- first time (backfill).  A session's own temporary table.
DROP PROCEDURE IF EXISTS followings_tmp//
CREATE PROCEDURE followings_tmp()
  MODIFIES SQL DATA
BEGIN
  -- side: 0/1 the followed/follower end of edge `id` flips for user `owner`
  -- (reconcile), 2 a log row (fold), 3 an edge counted with its users' state
  -- for the first time (fold of a late row, backfill).
  CREATE TEMPORARY TABLE IF NOT EXISTS followings_tmp_delta (
    id BIGINT UNSIGNED NOT NULL, side TINYINT NOT NULL, owner BIGINT UNSIGNED NOT NULL,
    follower_id BIGINT UNSIGNED NOT NULL, followed_id BIGINT UNSIGNED NOT NULL,
    day DATE NOT NULL, d_out INT NOT NULL, d_in INT NOT NULL,
    PRIMARY KEY (id, side)
  ) ENGINE=MEMORY;
  CREATE TEMPORARY TABLE IF NOT EXISTS followings_tmp_ids (id BIGINT UNSIGNED NOT NULL PRIMARY KEY) ENGINE=MEMORY;
  CREATE TEMPORARY TABLE IF NOT EXISTS followings_tmp_log (
    id BIGINT UNSIGNED NOT NULL PRIMARY KEY, edge_id BIGINT UNSIGNED NOT NULL,
    follower_id BIGINT UNSIGNED NOT NULL, followed_id BIGINT UNSIGNED NOT NULL,
    day DATE NOT NULL, d_out INT NOT NULL, d_in INT NOT NULL, late TINYINT NOT NULL
  ) ENGINE=MEMORY;
  -- The pending users of a fan-out batch: their state (users.deleted; NULL
  -- once hard-deleted), their cursors (follow_pending), and where each side
  -- has its next edge to change (NULL: none left).  A new name whenever the
  -- shape changes: a worker's session keeps its temporary tables across a
  -- reinstall.
  CREATE TEMPORARY TABLE IF NOT EXISTS followings_tmp_state (
    user_id BIGINT UNSIGNED NOT NULL PRIMARY KEY, del TINYINT NULL) ENGINE=MEMORY;
  CREATE TEMPORARY TABLE IF NOT EXISTS followings_tmp_fanout (
    user_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    in_after BIGINT UNSIGNED NOT NULL, out_after BIGINT UNSIGNED NOT NULL) ENGINE=MEMORY;
  CREATE TEMPORARY TABLE IF NOT EXISTS followings_tmp_next_edge (
    user_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    in_next BIGINT UNSIGNED NULL, out_next BIGINT UNSIGNED NULL) ENGINE=MEMORY;
  CREATE TEMPORARY TABLE IF NOT EXISTS followings_tmp_done (
    edge_id BIGINT UNSIGNED NOT NULL, follower_id BIGINT UNSIGNED NOT NULL,
    followed_id BIGINT UNSIGNED NOT NULL, day DATE NOT NULL,
    PRIMARY KEY (edge_id, follower_id, followed_id, day)
  ) ENGINE=MEMORY;
  DELETE FROM followings_tmp_delta;
  DELETE FROM followings_tmp_ids;
  DELETE FROM followings_tmp_log;
  DELETE FROM followings_tmp_done;
  DELETE FROM followings_tmp_state;
  DELETE FROM followings_tmp_fanout;
  DELETE FROM followings_tmp_next_edge;
END//

-- The edge gate, exclusively, as the first lock of an upkeep transaction.
DROP PROCEDURE IF EXISTS followings_gate//
CREATE PROCEDURE followings_gate()
  MODIFIES SQL DATA
BEGIN
  DECLARE v_gate VARCHAR(255);
  SELECT value INTO v_gate FROM followings_meta WHERE name = 'edge_gate' FOR UPDATE;
END//

DROP PROCEDURE IF EXISTS followings_apply//
CREATE PROCEDURE followings_apply()
  MODIFIES SQL DATA
BEGIN
  INSERT INTO follow_counters (user_id, followings)
    SELECT follower_id, SUM(d_out) FROM followings_tmp_delta GROUP BY follower_id HAVING SUM(d_out) <> 0
    ON DUPLICATE KEY UPDATE followings = followings + VALUES(followings);
  INSERT INTO follow_counters (user_id, followers)
    SELECT followed_id, SUM(d_in) FROM followings_tmp_delta GROUP BY followed_id HAVING SUM(d_in) <> 0
    ON DUPLICATE KEY UPDATE followers = followers + VALUES(followers);
  INSERT INTO follow_day_counts (follower_id, day, visible)
    SELECT follower_id, day, SUM(d_out) FROM followings_tmp_delta GROUP BY follower_id, day HAVING SUM(d_out) <> 0
    ON DUPLICATE KEY UPDATE visible = visible + VALUES(visible);
  INSERT INTO follow_in_day_counts (followed_id, day, visible)
    SELECT followed_id, day, SUM(d_in) FROM followings_tmp_delta GROUP BY followed_id, day HAVING SUM(d_in) <> 0
    ON DUPLICATE KEY UPDATE visible = visible + VALUES(visible);
END//

-- Up to p_batch log rows into the counters, and out of the log.  A late
-- edge (10-tables.sql) still there as logged gets its users' state as its
-- flags and is counted with it; one that is gone (unfollowed, moved, or
-- cascaded away with a user) takes all its late rows with it: its +1 and
-- its -1 add up to nothing for every reader.  A late edge another transaction holds waits
-- for the next round.
DROP PROCEDURE IF EXISTS followings_fold//
CREATE PROCEDURE followings_fold(IN p_batch INT, OUT p_rows INT)
  MODIFIES SQL DATA
BEGIN
  CALL followings_tmp();
  SET @followings_upkeep = 1;
  SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
  START TRANSACTION;
  CALL followings_gate();
  INSERT INTO followings_tmp_log
    SELECT id, edge_id, follower_id, followed_id, day, d_out, d_in, late FROM follow_log
     ORDER BY id LIMIT p_batch FOR UPDATE SKIP LOCKED;
  SET p_rows = ROW_COUNT();
  IF p_rows > 0 THEN
    INSERT INTO followings_tmp_delta
      SELECT id, 2, 0, follower_id, followed_id, day, d_out, d_in FROM followings_tmp_log WHERE late = 0;
    DELETE l FROM followings_tmp_delta t STRAIGHT_JOIN follow_log l ON l.id = t.id WHERE t.side = 2;
    INSERT IGNORE INTO followings_tmp_ids
      SELECT f.id FROM (SELECT DISTINCT edge_id, follower_id, followed_id, day
                          FROM followings_tmp_log WHERE late <> 0) AS g
        STRAIGHT_JOIN follows f ON f.id = g.edge_id AND f.follower_id = g.follower_id
         AND f.followed_id = g.followed_id AND DATE(f.created_at) = g.day AND f.followed_deleted = 2
         FOR UPDATE SKIP LOCKED;
    -- Plain reads of users: the fold never waits for a moderator.  A soft
    -- delete that commits after this read has marked its user pending, and
    -- followings_reconcile() corrects the flags set here.
    INSERT INTO followings_tmp_delta
      SELECT f.id, 3, 0, f.follower_id, f.followed_id, DATE(f.created_at), a.deleted = 0, b.deleted = 0
        FROM followings_tmp_ids t JOIN follows f ON f.id = t.id
        JOIN users a ON a.id = f.followed_id JOIN users b ON b.id = f.follower_id;
    UPDATE followings_tmp_delta t STRAIGHT_JOIN follows f ON f.id = t.id
       SET f.followed_deleted = 1 - t.d_out, f.follower_deleted = 1 - t.d_in WHERE t.side = 3;
    -- Late groups whose edge no longer matches (this transaction's own flags
    -- included): every row of theirs goes, in the batch or after it.
    INSERT INTO followings_tmp_done
      SELECT g.edge_id, g.follower_id, g.followed_id, g.day
        FROM (SELECT DISTINCT edge_id, follower_id, followed_id, day
                FROM followings_tmp_log WHERE late <> 0) AS g
       WHERE NOT EXISTS (SELECT 1 FROM follows f WHERE f.id = g.edge_id AND f.follower_id = g.follower_id
                            AND f.followed_id = g.followed_id AND DATE(f.created_at) = g.day
                            AND f.followed_deleted = 2);
    -- Claimed first with SKIP LOCKED: the index range also holds other
    -- edges' rows, which writers may be appending right now (a DELETE would
    -- wait for those).  The rows that match were all committed: a writer
    -- adds one only while it holds the edge, and then the edge still
    -- matched above.  Each sign looked up on the whole key of
    -- ix_follow_log_out (a late row's d_out is 0): on its first two parts
    -- alone, a group read every row its follower logged that day.
    DELETE FROM followings_tmp_ids;
    INSERT INTO followings_tmp_ids
      SELECT l.id FROM followings_tmp_done d
        STRAIGHT_JOIN (SELECT 1 AS late UNION ALL SELECT -1) AS k
        STRAIGHT_JOIN follow_log l FORCE INDEX (ix_follow_log_out)
          ON l.follower_id = d.follower_id AND l.day = d.day AND l.d_out = 0 AND l.late = k.late
         AND l.followed_id = d.followed_id AND l.edge_id = d.edge_id
         FOR UPDATE SKIP LOCKED;
    DELETE l FROM followings_tmp_ids t STRAIGHT_JOIN follow_log l ON l.id = t.id;
    CALL followings_apply();
  END IF;
  COMMIT;
  SET @followings_upkeep = NULL;
END//

-- The fan-out of soft deletes and restores: pending users with about
-- p_batch edges between them (their folded counters tell; at least one
-- user), set-based, a statement per step, not per user (most pending users
-- have a handful of edges, and a statement costs more than an edge).  Up to
-- p_batch edges per side get the flag that matches users.deleted (late
-- edges, flag 2, and uncounted ones, NULL, need none), and the deltas go
-- straight into the counters in the same commit (@followings_upkeep keeps
-- trg_follows_au from logging them again).
--
-- Each side of a user is walked once, in index order, from the cursor its
-- follow_pending row keeps (in_after: follows.id of the edges to it;
-- out_after: followed_id of the edges from it), so an account with 100,000
-- followers costs its edges once, not once per batch.  The cursor stops
-- before the first edge still to change (one a writer held is skipped now,
-- and read again next time); the mark goes once neither side has one left.
-- A toggle of `deleted` meanwhile puts both cursors back to 0 through its
-- trigger, which waits for this commit: every edge may need its flag back.
DROP PROCEDURE IF EXISTS followings_reconcile//
CREATE PROCEDURE followings_reconcile(IN p_batch INT, OUT p_rows INT)
  MODIFIES SQL DATA
BEGIN
  DECLARE v_users INT DEFAULT 0;
  SET p_rows = 0;
  CALL followings_tmp();
  SET @followings_upkeep = 1;
  SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
  START TRANSACTION;
  CALL followings_gate();
  -- Sized by users alone, a batch of 2,000 users with 20 edges each fixed
  -- a tenth of their edges per round and re-read all of them.  A user with
  -- more than p_batch edges comes alone: its row is then the only one of
  -- the temporary tables below, which the optimizer reads as constants, so
  -- the edge statements seek to its cursors (with several users they read
  -- each user's index range from its start).
  INSERT INTO followings_tmp_ids
    SELECT user_id FROM (
      SELECT q.user_id, ROW_NUMBER() OVER (ORDER BY q.user_id) AS n,
             SUM(1 + COALESCE(c.followings, 0) + COALESCE(c.followers, 0)) OVER (ORDER BY q.user_id) AS upto
        FROM (SELECT user_id FROM follow_pending ORDER BY user_id LIMIT p_batch) AS q
        LEFT JOIN follow_counters c ON c.user_id = q.user_id) AS w
     WHERE n = 1 OR upto <= p_batch;
  INSERT INTO followings_tmp_fanout (user_id, in_after, out_after)
    SELECT p.user_id, p.in_after, p.out_after
      FROM followings_tmp_ids t STRAIGHT_JOIN follow_pending p ON p.user_id = t.id
       FOR UPDATE SKIP LOCKED;
  SET v_users = ROW_COUNT();
  IF v_users > 0 THEN
    -- A plain read of users: NULL for a user hard-deleted since.
    INSERT INTO followings_tmp_state
      SELECT s.user_id, u.deleted <> 0 FROM followings_tmp_fanout s LEFT JOIN users u ON u.id = s.user_id;
    INSERT INTO followings_tmp_delta
      SELECT f.id, 0, s.user_id, f.follower_id, f.followed_id, DATE(f.created_at),
             (d.del = 0) - (f.followed_deleted = 0), 0
        FROM followings_tmp_fanout s STRAIGHT_JOIN followings_tmp_state d ON d.user_id = s.user_id
        STRAIGHT_JOIN follows f FORCE INDEX (ix_follows_followed)
          ON f.followed_id = s.user_id AND f.id > s.in_after
         AND f.followed_deleted < 2 AND f.followed_deleted <> d.del
       LIMIT p_batch FOR UPDATE SKIP LOCKED;
    SET p_rows = ROW_COUNT();
    INSERT INTO followings_tmp_delta
      SELECT f.id, 1, s.user_id, f.follower_id, f.followed_id, DATE(f.created_at),
             0, (d.del = 0) - (f.follower_deleted = 0)
        FROM followings_tmp_fanout s STRAIGHT_JOIN followings_tmp_state d ON d.user_id = s.user_id
        STRAIGHT_JOIN follows f FORCE INDEX (uq_follows_pair)
          ON f.follower_id = s.user_id AND f.followed_id > s.out_after
         AND f.follower_deleted < 2 AND f.follower_deleted <> d.del
       LIMIT p_batch FOR UPDATE SKIP LOCKED;
    SET p_rows = p_rows + ROW_COUNT();
    -- One statement per side: an edge whose two users are both in this batch
    -- has a row for each, and a multi-table UPDATE changes a row only once.
    UPDATE followings_tmp_delta t STRAIGHT_JOIN follows f ON f.id = t.id
       SET f.followed_deleted = t.d_out < 0 WHERE t.side = 0;
    UPDATE followings_tmp_delta t STRAIGHT_JOIN follows f ON f.id = t.id
       SET f.follower_deleted = t.d_in < 0 WHERE t.side = 1;
    -- Each side's next edge still to change, by plain reads (an edge another
    -- transaction holds is seen as committed): past this batch's own
    -- changes in index order, to the first one left.
    INSERT INTO followings_tmp_next_edge
      SELECT s.user_id,
             (SELECT f.id FROM follows f FORCE INDEX (ix_follows_followed)
               WHERE f.followed_id = s.user_id AND f.id > s.in_after
                 AND f.followed_deleted < 2 AND f.followed_deleted <> d.del ORDER BY f.id LIMIT 1),
             (SELECT f.followed_id FROM follows f FORCE INDEX (uq_follows_pair)
               WHERE f.follower_id = s.user_id AND f.followed_id > s.out_after
                 AND f.follower_deleted < 2 AND f.follower_deleted <> d.del ORDER BY f.followed_id LIMIT 1)
        FROM followings_tmp_fanout s STRAIGHT_JOIN followings_tmp_state d ON d.user_id = s.user_id;
    DELETE p FROM followings_tmp_next_edge n STRAIGHT_JOIN followings_tmp_state d ON d.user_id = n.user_id
      STRAIGHT_JOIN follow_pending p ON p.user_id = n.user_id
     WHERE d.del IS NULL OR (n.in_next IS NULL AND n.out_next IS NULL);
    -- A side with none left is done for this toggle (edges added since are
    -- late, flag 2): its cursor goes past every key.
    UPDATE followings_tmp_next_edge n STRAIGHT_JOIN followings_tmp_state d ON d.user_id = n.user_id
      STRAIGHT_JOIN follow_pending p ON p.user_id = n.user_id
       SET p.in_after = COALESCE(n.in_next - 1, 18446744073709551615),
           p.out_after = COALESCE(n.out_next - 1, 18446744073709551615)
     WHERE d.del IS NOT NULL AND (n.in_next IS NOT NULL OR n.out_next IS NOT NULL);
    CALL followings_apply();
  END IF;
  COMMIT;
  SET @followings_upkeep = NULL;
  SET p_rows = p_rows + v_users;
END//

-- Install: count every edge older than the triggers, p_batch primary-key
-- values per call, from a cursor kept in followings_meta, so a killed
-- install resumes where it stopped.  Edges a writer holds are skipped and
-- picked up by the sweep that follows.  p_left: 0 when none is left.
DROP PROCEDURE IF EXISTS followings_backfill//
CREATE PROCEDURE followings_backfill(IN p_batch INT, OUT p_left BIGINT)
  MODIFIES SQL DATA
BEGIN
  DECLARE v_from BIGINT UNSIGNED DEFAULT 0;
  DECLARE v_until BIGINT UNSIGNED DEFAULT NULL;
  DECLARE CONTINUE HANDLER FOR NOT FOUND BEGIN END;
  CALL followings_tmp();
  SELECT CAST(value AS UNSIGNED) INTO v_from FROM followings_meta WHERE name = 'backfill_after';
  SELECT CAST(value AS UNSIGNED) INTO v_until FROM followings_meta WHERE name = 'backfill_until';
  IF v_until IS NULL THEN
    -- Every edge inserted from now on is counted late (trg_follows_ai).
    SELECT COALESCE(MAX(id), 0) INTO v_until FROM follows;
    INSERT INTO followings_meta (name, value) VALUES ('backfill_until', v_until)
      ON DUPLICATE KEY UPDATE value = VALUES(value);
  END IF;
  SET @followings_upkeep = 1;
  SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
  START TRANSACTION;
  CALL followings_gate();
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
  -- followings_reconcile() corrects the flags set here.
  INSERT INTO followings_tmp_delta
    SELECT f.id, 3, 0, f.follower_id, f.followed_id, DATE(f.created_at), a.deleted = 0, b.deleted = 0
      FROM followings_tmp_ids t JOIN follows f ON f.id = t.id
      JOIN users a ON a.id = f.followed_id JOIN users b ON b.id = f.follower_id;
  UPDATE followings_tmp_delta t STRAIGHT_JOIN follows f ON f.id = t.id
     SET f.followed_deleted = 1 - t.d_out, f.follower_deleted = 1 - t.d_in WHERE t.side = 3;
  CALL followings_apply();
  COMMIT;
  SET @followings_upkeep = NULL;
  IF v_from + p_batch < v_until THEN
    SET p_left = v_until - v_from - p_batch;
  ELSE
    SELECT COUNT(*) INTO p_left FROM follows WHERE followed_deleted IS NULL;
  END IF;
END//

-- The entry point the service's workers call between requests: the
-- database's upkeep at most once every p_every_ms, whichever worker calls
-- (the last run's start is kept in followings_meta), and then rounds of
-- fan-out and folding until one finds less than p_batch to do or about 50 ms
-- have gone.  Few large rounds, not one small one per call: called as often
-- as a busy pool asks (hundreds of times a second), each call folded a
-- handful of rows and its fixed cost took a third of the platform's write
-- throughput (bench/RESULTS.md, #8).  p_work: rows handled, -1 when another
-- session holds the maintenance lock or the last run is too recent.
DROP PROCEDURE IF EXISTS followings_upkeep//
CREATE PROCEDURE followings_upkeep(IN p_batch INT, IN p_every_ms INT, OUT p_work INT)
  MODIFIES SQL DATA
BEGIN
  DECLARE v_lock VARCHAR(128) DEFAULT CONCAT('followings_maintain:', DATABASE());
  DECLARE v_last DATETIME(6) DEFAULT NULL;
  DECLARE v_end DATETIME(6);
  DECLARE v_a INT DEFAULT 0;
  DECLARE v_b INT DEFAULT 0;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    ROLLBACK;
    SET @followings_upkeep = NULL;
    DO RELEASE_LOCK(v_lock);
    RESIGNAL;
  END;
  SET p_work = -1;
  IF GET_LOCK(v_lock, 0) = 1 THEN
    SET v_last = (SELECT CAST(value AS DATETIME(6)) FROM followings_meta WHERE name = 'upkeep_at');
    IF p_every_ms <= 0 OR v_last IS NULL OR v_last > NOW(6)
       OR NOW(6) >= v_last + INTERVAL p_every_ms * 1000 MICROSECOND THEN
      INSERT INTO followings_meta (name, value) VALUES ('upkeep_at', NOW(6))
        ON DUPLICATE KEY UPDATE value = VALUES(value);
      SET p_work = 0;
      SET v_end = NOW(6) + INTERVAL 50000 MICROSECOND;
      REPEAT
        CALL followings_reconcile(p_batch, v_a);
        CALL followings_fold(p_batch, v_b);
        SET p_work = p_work + v_a + v_b;
      UNTIL (v_a < p_batch AND v_b < p_batch) OR NOW(6) >= v_end END REPEAT;
    END IF;
    DO RELEASE_LOCK(v_lock);
  END IF;
END//

-- Unpaced: `followings-db maintain`, the install's drain, the tests.
DROP PROCEDURE IF EXISTS followings_maintain//
CREATE PROCEDURE followings_maintain(IN p_batch INT, OUT p_work INT)
  MODIFIES SQL DATA
BEGIN
  CALL followings_upkeep(p_batch, 0, p_work);
END//

-- `followings-db maintain`: rounds of followings_maintain() for about
-- p_seconds, or until a round finds nothing to do.  p_work as there.
DROP PROCEDURE IF EXISTS followings_run//
CREATE PROCEDURE followings_run(IN p_batch INT, IN p_seconds INT, OUT p_work INT)
  MODIFIES SQL DATA
BEGIN
  DECLARE v_end DATETIME(6) DEFAULT NOW(6) + INTERVAL p_seconds SECOND;
  DECLARE v_w INT DEFAULT 0;
  SET p_work = 0;
  REPEAT
    CALL followings_maintain(p_batch, v_w);
    IF v_w > 0 THEN SET p_work = p_work + v_w; END IF;
  UNTIL v_w <= 0 OR NOW(6) >= v_end END REPEAT;
  IF v_w < 0 AND p_work = 0 THEN SET p_work = -1; END IF;
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
    SET @followings_upkeep = NULL;
    DO RELEASE_LOCK(v_lock);
    RESIGNAL;
  END;
  SET p_left = -1;
  IF GET_LOCK(v_lock, p_seconds) = 1 THEN
    REPEAT
      CALL followings_backfill(p_batch, p_left);
      -- The writers' soft deletes and follows keep coming meanwhile: keep
      -- the fan-out and the log from growing while the backfill runs.
      CALL followings_reconcile(p_batch, v_a);
      CALL followings_reconcile(p_batch, v_a);
      CALL followings_fold(p_batch * 2, v_a);
    UNTIL p_left = 0 OR NOW(6) >= v_end END REPEAT;
    DO RELEASE_LOCK(v_lock);
  END IF;
END//

DELIMITER ;
