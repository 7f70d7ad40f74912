-- The triggers: what the platform's writers pay.  Each one appends a row to
-- follow_log or marks one user in follow_pending, reads nothing, and takes
-- no lock on a row that another writer's statement needs: counters, day
-- counts and the fan-out of a soft delete are folded in later by
-- followings_maintain(), in its own transactions, and readers add what is
-- not folded yet (10-tables.sql).  There is no BEFORE INSERT trigger on
-- follows: its mere presence cost a follow a third more server CPU
-- (bench/RESULTS.md).
--
-- Triggers do not fire on foreign-key cascades (MariaDB, MySQL 8), so the
-- users delete trigger removes the user's edges itself, with statements
-- that fire trg_follows_ad, before the cascade would.
--
-- An edge's stored flags say how it is counted:
--   followed_deleted / follower_deleted 0 or 1: with that state of its
--     followed user (for its follower's followings) / follower (for the
--     followed user's followers);
--   2 (the column default, so every platform insert): through its late row
--     in follow_log, until the fold gives it its users' state;
--   NULL: not counted yet (an edge older than the install that the backfill
--     has not reached).

DELIMITER //

-- The users triggers come first: from the moment an edge is counted with
-- its users' state, a soft delete of either end must mark the user.

-- A soft delete or restore marks the user, nothing more: the fan-out to its
-- edges (possibly hundreds of thousands) is done by followings_reconcile()
-- in small batches, and until then readers correct for it.
CREATE TRIGGER IF NOT EXISTS trg_users_au AFTER UPDATE ON users FOR EACH ROW
BEGIN
  IF (NEW.deleted <> 0) <> (OLD.deleted <> 0) THEN
    INSERT INTO follow_pending (user_id) VALUES (NEW.id)
      ON DUPLICATE KEY UPDATE in_after = 0, out_after = 0;
  END IF;
END//

-- A hard delete: the foreign keys' cascade would remove the user's edges
-- without firing trg_follows_ad, so the trigger removes them first, with
-- plain DELETEs that fire it: each edge is locked and deleted at once, as
-- the cascade does, and logged as an unfollow is (the cascade then finds
-- nothing left).  Reading the edges to log them and leaving the removal to
-- the cascade held each edge's row from the read to the cascade's delete:
-- an unfollow of that edge, or another moderator's cascade, that held one
-- of the edge's index entries meanwhile then deadlocked with it (#8,
-- bench/RESULTS.md).  The result is the one the cascade gives: the same
-- rows gone, in the same transaction, in the cascade's order (follower
-- side, then followed side); `followings-db install` checks that both keys
-- cascade.  First it share-locks the edge gate, so that the upkeep holds
-- no edge meanwhile (30-routines.sql).
--
-- When the moderator's statement itself reads `follows` (DELETE FROM users
-- WHERE id IN (SELECT ... FROM follows ...)), a trigger may not change
-- `follows` (error 1442, raised before anything is deleted), nor lock its
-- rows FOR UPDATE: the edges are then logged as they are, share-locked
-- (so that none can go between this read and the cascade, which removes
-- them), as trg_follows_ad logs them: the edge's counted state, or a late
-- -1 that cancels a late edge's +1 (whatever user later gets the same id).
CREATE TRIGGER IF NOT EXISTS trg_users_bd BEFORE DELETE ON users FOR EACH ROW
BEGIN
  DECLARE v_in_use INT DEFAULT 0;
  DECLARE v_gate VARCHAR(255);
  DECLARE CONTINUE HANDLER FOR 1442 SET v_in_use = 1;
  DECLARE CONTINUE HANDLER FOR NOT FOUND BEGIN END;
  SELECT value INTO v_gate FROM followings_meta WHERE name = 'edge_gate' LOCK IN SHARE MODE;
  DELETE FROM follows WHERE follower_id = OLD.id;
  IF v_in_use = 0 THEN
    DELETE FROM follows WHERE followed_id = OLD.id;
  ELSE
    INSERT INTO follow_log (id, edge_id, follower_id, followed_id, day, d_out, d_in, late)
    SELECT UUID_SHORT(), id, follower_id, followed_id, DATE(created_at),
           IF(followed_deleted = 2, 0, -(followed_deleted = 0)), IF(followed_deleted = 2, 0, -(follower_deleted = 0)),
           IF(followed_deleted = 2, -1, 0)
      FROM follows WHERE follower_id = OLD.id AND followed_deleted IS NOT NULL LOCK IN SHARE MODE;
    INSERT INTO follow_log (id, edge_id, follower_id, followed_id, day, d_out, d_in, late)
    SELECT UUID_SHORT(), id, follower_id, followed_id, DATE(created_at),
           IF(followed_deleted = 2, 0, -(followed_deleted = 0)), IF(followed_deleted = 2, 0, -(follower_deleted = 0)),
           IF(followed_deleted = 2, -1, 0)
      FROM follows WHERE followed_id = OLD.id AND followed_deleted IS NOT NULL LOCK IN SHARE MODE;
  END IF;
END//

CREATE TRIGGER IF NOT EXISTS trg_follows_ai AFTER INSERT ON follows FOR EACH ROW
BEGIN
  IF NEW.followed_deleted = 2 THEN
    INSERT INTO follow_log (id, edge_id, follower_id, followed_id, day, late)
    VALUES (UUID_SHORT(), NEW.id, NEW.follower_id, NEW.followed_id, DATE(NEW.created_at), 1);
  END IF;
END//

CREATE TRIGGER IF NOT EXISTS trg_follows_ad AFTER DELETE ON follows FOR EACH ROW
BEGIN
  IF OLD.followed_deleted = 2 THEN
    INSERT INTO follow_log (id, edge_id, follower_id, followed_id, day, late)
    VALUES (UUID_SHORT(), OLD.id, OLD.follower_id, OLD.followed_id, DATE(OLD.created_at), -1);
  ELSEIF OLD.followed_deleted IS NOT NULL THEN
    INSERT INTO follow_log (id, edge_id, follower_id, followed_id, day, d_out, d_in)
    VALUES (UUID_SHORT(), OLD.id, OLD.follower_id, OLD.followed_id, DATE(OLD.created_at),
            -(OLD.followed_deleted = 0), -(OLD.follower_deleted = 0));
  END IF;
END//

-- An edge moved to other users or another day is counted afresh, late.
-- (The upkeep's own flag changes keep their values.)
CREATE TRIGGER IF NOT EXISTS trg_follows_bu BEFORE UPDATE ON follows FOR EACH ROW
BEGIN
  IF @followings_upkeep IS NULL
     AND (NEW.followed_id <> OLD.followed_id OR NEW.follower_id <> OLD.follower_id
          OR DATE(NEW.created_at) <> DATE(OLD.created_at)) THEN
    SET NEW.followed_deleted = 2, NEW.follower_deleted = 2;
  END IF;
END//

-- The old contribution goes, the new one comes.
CREATE TRIGGER IF NOT EXISTS trg_follows_au AFTER UPDATE ON follows FOR EACH ROW
BEGIN
  IF @followings_upkeep IS NULL
     AND (NEW.followed_id <> OLD.followed_id OR NEW.follower_id <> OLD.follower_id
          OR DATE(NEW.created_at) <> DATE(OLD.created_at)) THEN
    IF OLD.followed_deleted = 2 THEN
      INSERT INTO follow_log (id, edge_id, follower_id, followed_id, day, late)
      VALUES (UUID_SHORT(), OLD.id, OLD.follower_id, OLD.followed_id, DATE(OLD.created_at), -1);
    ELSEIF OLD.followed_deleted IS NOT NULL THEN
      INSERT INTO follow_log (id, edge_id, follower_id, followed_id, day, d_out, d_in)
      VALUES (UUID_SHORT(), OLD.id, OLD.follower_id, OLD.followed_id, DATE(OLD.created_at),
              -(OLD.followed_deleted = 0), -(OLD.follower_deleted = 0));
    END IF;
    INSERT INTO follow_log (id, edge_id, follower_id, followed_id, day, late)
    VALUES (UUID_SHORT(), NEW.id, NEW.follower_id, NEW.followed_id, DATE(NEW.created_at), 1);
  END IF;
END//

DELIMITER ;
