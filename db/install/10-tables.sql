-- The service's own tables.  Nothing here is written by the platform's
-- programs directly: their plain SQL on `follows` and `users` fires the
-- triggers of 40-triggers.sql, which only ever append (follow_log) or mark a
-- user (follow_pending).  Everything else is written by the maintenance
-- procedures of 30-routines.sql, in small transactions of their own.
--
-- The exact value of a counter at any moment, in any consistent read, is
--   folded value (follow_counters / follow_day_counts / follow_in_day_counts)
--   + the changes not folded yet (follow_log)
--   + the correction for users whose soft delete is not fanned out yet
--     (follow_pending: edges whose stored flag differs from users.deleted).
-- fcgi_app/store.c reads exactly that; `followings-db verify` checks it.

CREATE TABLE IF NOT EXISTS follow_counters (
  user_id    BIGINT UNSIGNED NOT NULL,
  followings INT             NOT NULL DEFAULT 0,
  followers  INT             NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id)
) ENGINE=InnoDB;

-- Visible followings per follower and UTC day of created_at: a deep page
-- finds the day that holds its offset by summing these, newest day first.
CREATE TABLE IF NOT EXISTS follow_day_counts (
  follower_id BIGINT UNSIGNED NOT NULL,
  day         DATE            NOT NULL,
  visible     INT             NOT NULL DEFAULT 0,
  PRIMARY KEY (follower_id, day)
) ENGINE=InnoDB;

-- The same for followers: visible followers per followed user and UTC day
-- of created_at, for the followers list's deep pages.
CREATE TABLE IF NOT EXISTS follow_in_day_counts (
  followed_id BIGINT UNSIGNED NOT NULL,
  day         DATE            NOT NULL,
  visible     INT             NOT NULL DEFAULT 0,
  PRIMARY KEY (followed_id, day)
) ENGINE=InnoDB;

-- One row per change of what an edge contributes to its follower's
-- followings and its followed user's followers (and those days' counts).
-- Writers only append here (ids from UUID_SHORT(), increasing: the end of
-- the primary key), so their transactions share no row with each other or
-- with the folding.  Not AUTO_INCREMENT: a hard delete logs its edges with
-- one INSERT ... SELECT, which would hold the table's AUTO-INC lock while it
-- waits for an edge another moderator's cascade holds, and every writer's
-- append would queue behind it (a deadlock with that moderator, measured).
--   late = 0: the contributions are d_out and d_in (+1/-1/0);
--   late = +1/-1: edge `edge_id` was added/removed before it was counted
--     with its users' state, so its contributions are worked out by whoever
--     reads the row: +/-1 to each side whose other end is a live user.  The
--     platform's insert pays for no read of `users` this way.  Every removal
--     of a late edge (unfollow, move, a user's hard delete) logs its -1, so
--     the rows of a gone edge add up to nothing whoever later has its ids.
-- The two keys cover the readers' sums.
CREATE TABLE IF NOT EXISTS follow_log (
  id          BIGINT UNSIGNED NOT NULL,
  edge_id     BIGINT UNSIGNED NOT NULL,
  follower_id BIGINT UNSIGNED NOT NULL,
  followed_id BIGINT UNSIGNED NOT NULL,
  day         DATE            NOT NULL,
  d_out       INT             NOT NULL DEFAULT 0,
  d_in        INT             NOT NULL DEFAULT 0,
  late        TINYINT         NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  KEY ix_follow_log_out (follower_id, day, d_out, late, followed_id, edge_id),
  KEY ix_follow_log_in (followed_id, day, d_in, late, follower_id)
) ENGINE=InnoDB;

-- Users whose `deleted` changed and whose edges' stored flags
-- (follows.followed_deleted / follower_deleted) are not all updated yet,
-- with how far the fan-out has walked each side since the last change:
-- in_after the follows.id of the edges to the user (ix_follows_followed),
-- out_after the followed_id of the edges from it (uq_follows_pair).  A
-- change of `deleted` sets both back to 0 (trg_users_au).
CREATE TABLE IF NOT EXISTS follow_pending (
  user_id   BIGINT UNSIGNED NOT NULL,
  in_after  BIGINT UNSIGNED NOT NULL DEFAULT 0,
  out_after BIGINT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id)
) ENGINE=InnoDB;

-- Install state: schema version, backfill cursor.
CREATE TABLE IF NOT EXISTS followings_meta (
  name  VARCHAR(64)  NOT NULL,
  value VARCHAR(255) NOT NULL,
  PRIMARY KEY (name)
) ENGINE=InnoDB;

-- The edge gate: every upkeep transaction that locks edges holds this row
-- exclusively from its first statement, and a hard delete of a user
-- (trg_users_bd) share-locks it before it deletes the user's edges, so the
-- two never hold edges at the same time (30-routines.sql says why).  It
-- must exist: a share lock on a missing key would lock a gap instead.
INSERT IGNORE INTO followings_meta (name, value) VALUES ('edge_gate', '');
