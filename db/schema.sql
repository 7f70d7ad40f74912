-- Schema for the followings service (MariaDB 10.6+ / MySQL 8.0+, InnoDB, utf8mb4).
--
-- The contract tables (users, follows, tags, user_tags, preferences,
-- access_tokens) are written by other programs of the platform with plain SQL
-- (../shared/spec/schema-contract.md).  Everything this file adds on top of
-- them keeps every answer of the service right immediately after such a write:
--
--   follows.followed_deleted  copy of users.deleted of the followed user, so a
--                             page (and its OFFSET) walks one index range of
--                             visible edges without touching users rows;
--   follow_counters           followings/followers per user, counting only
--                             edges whose other end is not soft-deleted, so
--                             `count` never scans a follow list;
--   follow_day_counts         visible followings per user and day of
--                             created_at, so a deep OFFSET finds its day by
--                             summing a few hundred rows, then walks only
--                             that day's edges;
--   triggers                  keep both right after INSERT/UPDATE/DELETE on
--                             follows and UPDATE/DELETE on users.
--
-- Triggers are not fired by foreign-key cascades (MariaDB, MySQL), so the
-- users delete trigger removes the user's follows itself; the cascade stays
-- as the contract's safety net.

SET NAMES utf8mb4;

CREATE TABLE users (
  id                  BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  username            VARCHAR(255) NOT NULL,
  real_name           VARCHAR(255) NOT NULL DEFAULT '',
  email               VARCHAR(254) NULL,
  avatar              VARCHAR(512) NULL,
  cover               VARCHAR(512) NULL,
  ext_id              VARCHAR(255) NULL,
  date_joined         DATETIME(6)  NOT NULL,
  bio                 TEXT         NOT NULL DEFAULT '',
  location            VARCHAR(100) NOT NULL DEFAULT '',
  location_lat_lng    VARCHAR(64)  NULL,
  position_lat_lng    VARCHAR(64)  NULL,
  date_of_birth       DATE         NULL,
  description         VARCHAR(50)  NOT NULL DEFAULT '',
  gender              ENUM('Male','Female','Unspecified') NOT NULL DEFAULT 'Unspecified',
  website             VARCHAR(200) NOT NULL DEFAULT '',
  reputation          INT          NOT NULL DEFAULT 0,
  community_badge     TINYINT(1)   NOT NULL DEFAULT 0,
  reg_approved        TINYINT(1)   NOT NULL DEFAULT 1,
  deleted             TINYINT(1)   NOT NULL DEFAULT 0,
  company_name        VARCHAR(255) NULL,
  company_role        VARCHAR(255) NULL,
  posts_counter       INT          NOT NULL DEFAULT 0,
  discussions_counter INT          NOT NULL DEFAULT 0,
  polls_counter       INT          NOT NULL DEFAULT 0,
  categories_counter  INT          NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  UNIQUE KEY uq_users_username (username)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE follows (
  id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  follower_id      BIGINT UNSIGNED NOT NULL,
  followed_id      BIGINT UNSIGNED NOT NULL,
  created_at       DATETIME(6)     NOT NULL,
  -- Ours, kept by the triggers below; writers never name it.
  followed_deleted TINYINT(1)      NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  -- One edge per pair; also the probe "does V follow U?".
  UNIQUE KEY uq_follows_pair (follower_id, followed_id),
  -- The page order of a followings list, visible edges only.  It names id
  -- (the primary key) before followed_id so the order is (created_at, id) and
  -- the index alone answers a page, OFFSET included (a deferred join).
  KEY ix_follows_page (follower_id, followed_deleted, created_at, id, followed_id),
  -- Followers of a user (counter upkeep when a user is soft-deleted).
  KEY ix_follows_followed (followed_id, follower_id),
  CONSTRAINT fk_follows_follower FOREIGN KEY (follower_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT fk_follows_followed FOREIGN KEY (followed_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT ck_follows_not_self CHECK (follower_id <> followed_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE tags (
  id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  type             ENUM('user','category','contribution') NOT NULL DEFAULT 'user',
  name             VARCHAR(64)  NOT NULL,
  description      VARCHAR(500) NULL,
  color            VARCHAR(16)  NULL,
  visible          TINYINT(1)   NOT NULL DEFAULT 1,
  visibility_boost TINYINT(1)   NOT NULL DEFAULT 0,
  created_at       DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  active           TINYINT(1)   NOT NULL DEFAULT 1,
  deleted          TINYINT(1)   NOT NULL DEFAULT 0,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE user_tags (
  user_id BIGINT UNSIGNED NOT NULL,
  tag_id  BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (user_id, tag_id),
  KEY ix_user_tags_tag (tag_id),
  CONSTRAINT fk_user_tags_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT fk_user_tags_tag  FOREIGN KEY (tag_id)  REFERENCES tags (id)  ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE preferences (
  section VARCHAR(64)  NOT NULL,
  name    VARCHAR(64)  NOT NULL,
  value   VARCHAR(255) NOT NULL DEFAULT '',
  PRIMARY KEY (section, name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE access_tokens (
  id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  token_checksum CHAR(64)        NOT NULL,
  user_id        BIGINT UNSIGNED NOT NULL,
  expires        DATETIME(6)     NOT NULL,
  scope          VARCHAR(255)    NOT NULL DEFAULT 'read write',
  PRIMARY KEY (id),
  UNIQUE KEY uq_access_tokens_checksum (token_checksum),
  KEY ix_access_tokens_user (user_id),
  CONSTRAINT fk_access_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=ascii COLLATE=ascii_bin;

-- Derived counters: rows appear on first use (upsert) and are never required
-- to exist; a missing row reads as zero.
CREATE TABLE follow_counters (
  user_id    BIGINT UNSIGNED NOT NULL,
  followings INT             NOT NULL DEFAULT 0,
  followers  INT             NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id)
) ENGINE=InnoDB;

-- Visible edges (followed user not soft-deleted) per follower and UTC day
-- of created_at.  A page at a deep offset sums these newest day first to
-- find the day that holds the offset, then skips only within it.
CREATE TABLE follow_day_counts (
  follower_id BIGINT UNSIGNED NOT NULL,
  day         DATE            NOT NULL,
  visible     INT             NOT NULL DEFAULT 0,
  PRIMARY KEY (follower_id, day)
) ENGINE=InnoDB;

DELIMITER //

-- A new edge starts with the followed user's current deleted flag, and counts
-- on each side unless that side's other end is soft-deleted.
CREATE TRIGGER trg_follows_bi BEFORE INSERT ON follows FOR EACH ROW
BEGIN
  SET NEW.followed_deleted = COALESCE((SELECT deleted FROM users WHERE id = NEW.followed_id), 0);
END//

CREATE TRIGGER trg_follows_ai AFTER INSERT ON follows FOR EACH ROW
BEGIN
  IF NEW.followed_deleted = 0 THEN
    INSERT INTO follow_counters (user_id, followings) VALUES (NEW.follower_id, 1)
      ON DUPLICATE KEY UPDATE followings = followings + 1;
    INSERT INTO follow_day_counts (follower_id, day, visible)
      VALUES (NEW.follower_id, DATE(NEW.created_at), 1)
      ON DUPLICATE KEY UPDATE visible = visible + 1;
  END IF;
  IF COALESCE((SELECT deleted FROM users WHERE id = NEW.follower_id), 0) = 0 THEN
    INSERT INTO follow_counters (user_id, followers) VALUES (NEW.followed_id, 1)
      ON DUPLICATE KEY UPDATE followers = followers + 1;
  END IF;
END//

CREATE TRIGGER trg_follows_ad AFTER DELETE ON follows FOR EACH ROW
BEGIN
  IF OLD.followed_deleted = 0 THEN
    UPDATE follow_counters SET followings = followings - 1 WHERE user_id = OLD.follower_id;
    UPDATE follow_day_counts SET visible = visible - 1
     WHERE follower_id = OLD.follower_id AND day = DATE(OLD.created_at);
  END IF;
  IF COALESCE((SELECT deleted FROM users WHERE id = OLD.follower_id), 0) = 0 THEN
    UPDATE follow_counters SET followers = followers - 1 WHERE user_id = OLD.followed_id;
  END IF;
END//

-- An UPDATE that moves an edge to other users is an unfollow plus a follow.
-- The users trigger below also updates followed_deleted; that changes no
-- endpoint and is left alone here.
CREATE TRIGGER trg_follows_bu BEFORE UPDATE ON follows FOR EACH ROW
BEGIN
  IF NEW.followed_id <> OLD.followed_id THEN
    SET NEW.followed_deleted = COALESCE((SELECT deleted FROM users WHERE id = NEW.followed_id), 0);
  ELSEIF NEW.follower_id <> OLD.follower_id THEN
    SET NEW.followed_deleted = OLD.followed_deleted;
  END IF;
END//

CREATE TRIGGER trg_follows_au AFTER UPDATE ON follows FOR EACH ROW
BEGIN
  IF NEW.follower_id <> OLD.follower_id OR NEW.followed_id <> OLD.followed_id THEN
    IF OLD.followed_deleted = 0 THEN
      UPDATE follow_counters SET followings = followings - 1 WHERE user_id = OLD.follower_id;
    END IF;
    IF COALESCE((SELECT deleted FROM users WHERE id = OLD.follower_id), 0) = 0 THEN
      UPDATE follow_counters SET followers = followers - 1 WHERE user_id = OLD.followed_id;
    END IF;
    IF NEW.followed_deleted = 0 THEN
      INSERT INTO follow_counters (user_id, followings) VALUES (NEW.follower_id, 1)
        ON DUPLICATE KEY UPDATE followings = followings + 1;
    END IF;
    IF COALESCE((SELECT deleted FROM users WHERE id = NEW.follower_id), 0) = 0 THEN
      INSERT INTO follow_counters (user_id, followers) VALUES (NEW.followed_id, 1)
        ON DUPLICATE KEY UPDATE followers = followers + 1;
    END IF;
  END IF;
  -- The day counts follow the edge's owner, day and visibility, whichever
  -- changed (the users trigger flips visibility through here).
  IF NEW.follower_id <> OLD.follower_id OR DATE(NEW.created_at) <> DATE(OLD.created_at)
     OR NEW.followed_deleted <> OLD.followed_deleted THEN
    IF OLD.followed_deleted = 0 THEN
      UPDATE follow_day_counts SET visible = visible - 1
       WHERE follower_id = OLD.follower_id AND day = DATE(OLD.created_at);
    END IF;
    IF NEW.followed_deleted = 0 THEN
      INSERT INTO follow_day_counts (follower_id, day, visible)
        VALUES (NEW.follower_id, DATE(NEW.created_at), 1)
        ON DUPLICATE KEY UPDATE visible = visible + 1;
    END IF;
  END IF;
END//

-- Soft delete or restore: every edge that touches the user starts or stops
-- counting for its other end, and edges pointing at the user hide or show.
CREATE TRIGGER trg_users_au AFTER UPDATE ON users FOR EACH ROW
BEGIN
  DECLARE delta INT DEFAULT 0;
  IF (NEW.deleted <> 0) <> (OLD.deleted <> 0) THEN
    SET delta = IF(NEW.deleted <> 0, -1, 1);
    -- An edge made while one end was deleted may have no counter row yet.
    INSERT IGNORE INTO follow_counters (user_id)
      SELECT follower_id FROM follows WHERE followed_id = NEW.id;
    INSERT IGNORE INTO follow_counters (user_id)
      SELECT followed_id FROM follows WHERE follower_id = NEW.id;
    UPDATE follow_counters c JOIN follows f ON f.follower_id = c.user_id
       SET c.followings = c.followings + delta
     WHERE f.followed_id = NEW.id;
    UPDATE follow_counters c JOIN follows f ON f.followed_id = c.user_id
       SET c.followers = c.followers + delta
     WHERE f.follower_id = NEW.id;
    UPDATE follows SET followed_deleted = IF(NEW.deleted <> 0, 1, 0)
     WHERE followed_id = NEW.id;
  END IF;
END//

-- Hard delete: remove the user's edges through the follows triggers (which
-- fix the other ends' counters) before the row goes; then drop its counters.
CREATE TRIGGER trg_users_bd BEFORE DELETE ON users FOR EACH ROW
BEGIN
  DELETE FROM follows WHERE follower_id = OLD.id;
  DELETE FROM follows WHERE followed_id = OLD.id;
END//

CREATE TRIGGER trg_users_ad AFTER DELETE ON users FOR EACH ROW
BEGIN
  DELETE FROM follow_counters WHERE user_id = OLD.id;
  DELETE FROM follow_day_counts WHERE follower_id = OLD.id;
END//

DELIMITER ;
