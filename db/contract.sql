-- The platform's own tables, as ../shared/spec/schema-contract.md describes
-- them (MariaDB 10.6+ / MySQL 8.0+, InnoDB, utf8mb4).  A real community
-- already has these, filled and written all day by its other programs; the
-- demo, the tests and the benchmarks create them from this file.  Nothing of
-- the service is here: `db/followings-db install` adds the service's objects
-- (db/install/) to a database that holds these tables, empty or not.

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
  PRIMARY KEY (id),
  -- One edge per pair; also the probe "does V follow U?".
  UNIQUE KEY uq_follows_pair (follower_id, followed_id),
  KEY ix_follows_followed (followed_id),
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
