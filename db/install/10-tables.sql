-- The service's own tables.  Nothing here is written by the platform's
-- programs directly: their plain SQL on `follows` and `users` fires the
-- triggers of 40-triggers.sql, which only ever append (follow_log) or mark a
-- user (follow_pending).  Everything else is written by the maintenance
-- procedures of 30-routines.sql, in small transactions of their own.
--
-- The exact value of a counter at any moment, in any consistent read, is
--   folded value (follow_counters / follow_day_counts)
--   + the deltas not folded yet (follow_log)
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

-- One row per change of what an edge contributes: +1/-1 to the follower's
-- followings (d_out, and to its day) and to the followed user's followers
-- (d_in).  Writers only append here (the auto-increment end of the primary
-- key), so their transactions share no row with each other or with the
-- folding.  The two keys cover the readers' sums.
CREATE TABLE IF NOT EXISTS follow_log (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  follower_id BIGINT UNSIGNED NOT NULL,
  followed_id BIGINT UNSIGNED NOT NULL,
  day         DATE            NOT NULL,
  d_out       INT             NOT NULL,
  d_in        INT             NOT NULL,
  PRIMARY KEY (id),
  KEY ix_follow_log_out (follower_id, day, d_out),
  KEY ix_follow_log_in (followed_id, d_in)
) ENGINE=InnoDB;

-- Users whose `deleted` changed and whose edges' stored flags
-- (follows.followed_deleted / follower_deleted) are not all updated yet.
CREATE TABLE IF NOT EXISTS follow_pending (
  user_id BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (user_id)
) ENGINE=InnoDB;

-- Install state: schema version, backfill cursor.
CREATE TABLE IF NOT EXISTS followings_meta (
  name  VARCHAR(64)  NOT NULL,
  value VARCHAR(255) NOT NULL,
  PRIMARY KEY (name)
) ENGINE=InnoDB;
