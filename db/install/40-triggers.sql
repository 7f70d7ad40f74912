-- The triggers: what the platform's writers pay.  Each one appends a row to
-- follow_log or marks one user in follow_pending, and takes no lock on a row
-- that another writer's statement needs, beyond those the writer's own
-- statement already takes (the shared locks of its foreign-key checks on the
-- two users rows).  Counters, day counts and the fan-out of a soft delete
-- are folded in later by followings_maintain(), in its own transactions,
-- and readers add what is not folded yet (10-tables.sql).
--
-- Triggers do not fire on foreign-key cascades (MariaDB, MySQL 8), so the
-- users delete trigger logs the user's edges before the cascade removes them.
--
-- An edge's stored flags say what it counts as: followed_deleted for its
-- follower's followings, follower_deleted for its followed user's followers.
-- NULL means "not counted yet" (an edge older than the install that the
-- backfill has not reached).

DELIMITER //

-- The users triggers come first: from the moment an edge gets its flags
-- from trg_follows_bi, a soft delete of either end must mark the user.

-- A soft delete or restore marks the user, nothing more: the fan-out to its
-- edges (possibly hundreds of thousands) is done by followings_reconcile()
-- in small batches, and until then readers correct for it.
CREATE TRIGGER IF NOT EXISTS trg_users_au AFTER UPDATE ON users FOR EACH ROW
BEGIN
  IF (NEW.deleted <> 0) <> (OLD.deleted <> 0) THEN
    INSERT INTO follow_pending (user_id) VALUES (NEW.id)
      ON DUPLICATE KEY UPDATE user_id = user_id;
  END IF;
END//

-- A hard delete: the cascade will remove the user's edges without firing
-- trg_follows_ad, so their contributions are logged here.  The rows read are
-- the ones the cascade locks next.
CREATE TRIGGER IF NOT EXISTS trg_users_bd BEFORE DELETE ON users FOR EACH ROW
BEGIN
  INSERT INTO follow_log (follower_id, followed_id, day, d_out, d_in)
  SELECT follower_id, followed_id, DATE(created_at), -(followed_deleted = 0), -(follower_deleted = 0)
    FROM follows WHERE follower_id = OLD.id AND followed_deleted IS NOT NULL;
  INSERT INTO follow_log (follower_id, followed_id, day, d_out, d_in)
  SELECT follower_id, followed_id, DATE(created_at), -(followed_deleted = 0), -(follower_deleted = 0)
    FROM follows WHERE followed_id = OLD.id AND followed_deleted IS NOT NULL;
END//

-- The flags of a new edge, read with the shared lock its foreign-key checks
-- take on the same rows anyway: a soft delete of either user is ordered
-- before or after this insert, never beside it.
CREATE TRIGGER IF NOT EXISTS trg_follows_bi BEFORE INSERT ON follows FOR EACH ROW
BEGIN
  SET NEW.followed_deleted = (SELECT deleted <> 0 FROM users WHERE id = NEW.followed_id LOCK IN SHARE MODE);
  SET NEW.follower_deleted = (SELECT deleted <> 0 FROM users WHERE id = NEW.follower_id LOCK IN SHARE MODE);
END//

CREATE TRIGGER IF NOT EXISTS trg_follows_ai AFTER INSERT ON follows FOR EACH ROW
BEGIN
  IF NEW.followed_deleted IS NOT NULL THEN
    INSERT INTO follow_log (follower_id, followed_id, day, d_out, d_in)
    VALUES (NEW.follower_id, NEW.followed_id, DATE(NEW.created_at),
            NEW.followed_deleted = 0, NEW.follower_deleted = 0);
  END IF;
END//

CREATE TRIGGER IF NOT EXISTS trg_follows_ad AFTER DELETE ON follows FOR EACH ROW
BEGIN
  IF OLD.followed_deleted IS NOT NULL THEN
    INSERT INTO follow_log (follower_id, followed_id, day, d_out, d_in)
    VALUES (OLD.follower_id, OLD.followed_id, DATE(OLD.created_at),
            -(OLD.followed_deleted = 0), -(OLD.follower_deleted = 0));
  END IF;
END//

-- An edge moved to other users takes the flags of its new ends.  A change of
-- the flags alone is the maintenance procedures' own, and stands.
CREATE TRIGGER IF NOT EXISTS trg_follows_bu BEFORE UPDATE ON follows FOR EACH ROW
BEGIN
  IF NEW.followed_id <> OLD.followed_id OR NEW.follower_id <> OLD.follower_id THEN
    SET NEW.followed_deleted = (SELECT deleted <> 0 FROM users WHERE id = NEW.followed_id LOCK IN SHARE MODE);
    SET NEW.follower_deleted = (SELECT deleted <> 0 FROM users WHERE id = NEW.follower_id LOCK IN SHARE MODE);
  END IF;
END//

-- Whatever changed, the old contribution goes and the new one comes: one
-- row when the edge keeps its ends and day (a flag flip), two otherwise.
CREATE TRIGGER IF NOT EXISTS trg_follows_au AFTER UPDATE ON follows FOR EACH ROW
BEGIN
  IF NEW.follower_id = OLD.follower_id AND NEW.followed_id = OLD.followed_id
     AND DATE(NEW.created_at) = DATE(OLD.created_at) THEN
    IF NOT (NEW.followed_deleted <=> OLD.followed_deleted AND NEW.follower_deleted <=> OLD.follower_deleted) THEN
      INSERT INTO follow_log (follower_id, followed_id, day, d_out, d_in)
      VALUES (NEW.follower_id, NEW.followed_id, DATE(NEW.created_at),
              COALESCE(NEW.followed_deleted = 0, 0) - COALESCE(OLD.followed_deleted = 0, 0),
              COALESCE(NEW.follower_deleted = 0, 0) - COALESCE(OLD.follower_deleted = 0, 0));
    END IF;
  ELSE
    IF OLD.followed_deleted IS NOT NULL THEN
      INSERT INTO follow_log (follower_id, followed_id, day, d_out, d_in)
      VALUES (OLD.follower_id, OLD.followed_id, DATE(OLD.created_at),
              -(OLD.followed_deleted = 0), -(OLD.follower_deleted = 0));
    END IF;
    IF NEW.followed_deleted IS NOT NULL THEN
      INSERT INTO follow_log (follower_id, followed_id, day, d_out, d_in)
      VALUES (NEW.follower_id, NEW.followed_id, DATE(NEW.created_at),
              NEW.followed_deleted = 0, NEW.follower_deleted = 0);
    END IF;
  END IF;
END//

DELIMITER ;
