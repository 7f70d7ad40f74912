-- Demo community for script/demo: a dozen users, their follows, tags and an
-- access token.  Load after contract.sql (before or after `followings-db install`).  The opaque token "demo-token" (its
-- SHA-256 is stored below) authenticates as ada (id 1) until 2099.
SET NAMES utf8mb4;

INSERT INTO users (id, username, real_name, email, avatar, cover, ext_id, date_joined, bio, location,
                   location_lat_lng, date_of_birth, description, gender, website, reputation,
                   community_badge, company_name, company_role, posts_counter, discussions_counter,
                   polls_counter, categories_counter) VALUES
 (1, 'ada', 'Ada Lovelace', 'ada@example.org', 'https://cdn.example.org/a/ada.png', NULL, 'ext-1',
  '2024-04-10 11:23:59.754335', 'Analyst of engines.', 'London', '51.5072,-0.1276', '1815-12-10',
  'First programmer', 'Female', 'https://example.org/ada', 420, 1, 'Analytical Engines', 'Lead', 12, 3, 1, 2),
 (2, 'charles', 'Charles Babbage', 'cb@example.org', NULL, NULL, NULL,
  '2024-04-11 09:00:00', 'Difference engines, mostly.', 'London', NULL, '1791-12-26',
  '', 'Male', '', 310, 0, NULL, NULL, 4, 1, 0, 1),
 (3, 'grace', 'Grace Hopper', NULL, 'https://cdn.example.org/a/grace.png', NULL, NULL,
  '2024-05-01 08:30:00.5', 'Compilers & "bugs".', 'Arlington', NULL, NULL,
  'Rear admiral', 'Female', 'https://example.org/grace', 999, 1, 'US Navy', 'Admiral', 40, 10, 2, 5),
 (4, 'alan', 'Alan Turing', NULL, NULL, NULL, NULL, '2024-05-02 10:00:00', '', 'Manchester', NULL,
  '1912-06-23', '', 'Male', '', 800, 1, NULL, NULL, 7, 2, 0, 0),
 (5, 'edsger', 'Edsger Dijkstra', NULL, NULL, NULL, NULL, '2024-05-03 10:00:00',
  'Goto considered harmful.', 'Austin', NULL, NULL, '', 'Male', '', 700, 0, NULL, NULL, 3, 9, 0, 0),
 (6, 'barbara', 'Barbara Liskov', NULL, NULL, NULL, NULL, '2024-05-04 10:00:00', '', 'Boston', NULL,
  NULL, '', 'Female', '', 650, 1, 'MIT', 'Professor', 5, 5, 1, 1),
 (7, 'ken', 'Ken Thompson', NULL, NULL, NULL, NULL, '2024-05-05 10:00:00', 'Unix, B, UTF-8.', '', NULL,
  NULL, '', 'Male', '', 600, 0, NULL, NULL, 1, 0, 0, 0),
 (8, 'margaret', 'Margaret Hamilton', NULL, NULL, NULL, NULL, '2024-05-06 10:00:00', '', '', NULL,
  NULL, '', 'Female', '', 640, 1, NULL, NULL, 2, 2, 0, 0),
 (9, 'donald', 'Donald Knuth', NULL, NULL, NULL, NULL, '2024-05-07 10:00:00', 'TeX ∑ 😀', 'Stanford',
  NULL, NULL, '', 'Male', '', 900, 1, NULL, NULL, 30, 1, 0, 0),
 (10, 'radia', 'Radia Perlman', NULL, NULL, NULL, NULL, '2024-05-08 10:00:00', '', '', NULL, NULL, '',
  'Female', '', 500, 0, NULL, NULL, 0, 0, 0, 0),
 (11, 'dennis', 'Dennis Ritchie', NULL, NULL, NULL, NULL, '2024-05-09 10:00:00', '', '', NULL, NULL,
  '', 'Male', '', 610, 0, NULL, NULL, 0, 0, 0, 0),
 (12, 'gone', 'Deleted User', NULL, NULL, NULL, NULL, '2024-05-10 10:00:00', '', '', NULL, NULL, '',
  'Unspecified', '', 0, 0, NULL, NULL, 0, 0, 0, 0);

-- Ada follows most people; charles (2) shares some of them.
INSERT INTO follows (follower_id, followed_id, created_at) VALUES
 (1, 2, '2025-01-01 10:00:00'), (1, 3, '2025-01-02 10:00:00'), (1, 4, '2025-01-03 10:00:00'),
 (1, 5, '2025-01-03 10:00:00'), (1, 6, '2025-01-04 10:00:00'), (1, 7, '2025-01-05 10:00:00'),
 (1, 8, '2025-01-06 10:00:00'), (1, 9, '2025-01-07 10:00:00'), (1, 10, '2025-01-08 10:00:00'),
 (1, 11, '2025-01-09 10:00:00'), (1, 12, '2025-01-10 10:00:00'),
 (2, 1, '2025-02-01 10:00:00'), (2, 3, '2025-02-02 10:00:00'), (2, 7, '2025-02-03 10:00:00'),
 (2, 11, '2025-02-04 10:00:00'),
 (3, 1, '2025-03-01 10:00:00'), (3, 4, '2025-03-02 10:00:00'), (4, 1, '2025-03-03 10:00:00'),
 (7, 11, '2025-03-04 10:00:00'), (11, 7, '2025-03-05 10:00:00');

UPDATE users SET deleted = 1 WHERE id = 12;

INSERT INTO tags (id, type, name, description, color, visible, visibility_boost, created_at, active, deleted) VALUES
 (1, 'user', 'pioneer', 'Early computing pioneer', '#aa3300', 1, 1, '2024-01-01 00:00:00', 1, 0),
 (2, 'user', 'moderator', NULL, '#0033aa', 1, 0, '2024-01-02 00:00:00.25', 1, 0),
 (3, 'user', 'staff-only', 'Invisible tag', NULL, 0, 0, '2024-01-03 00:00:00', 1, 0);
INSERT INTO user_tags (user_id, tag_id) VALUES (3, 1), (3, 2), (3, 3), (4, 1), (9, 1), (7, 2);

INSERT INTO preferences (section, name, value) VALUES
 ('configurations', 'content_availability', 'True'),
 ('configurations', 'follow_enabled', 'True'),
 ('configurations', 'post_type_enabled', 'True'),
 ('addons', 'polls_enabled', 'True');

INSERT INTO access_tokens (token_checksum, user_id, expires, scope) VALUES
 ('7c43ef5ae21d43ce2743f770c68e24def1a43ee2f416d2438410c8af7af2ff2c', 1, '2099-01-01 00:00:00', 'read write');
