-- Every derived value two ways, for `followings-db verify` and `repair`:
--   followings_effective_*  what the service reads (folded + log + the
--                            correction for pending users), the same sums
--                            fcgi_app/store.c writes inline for one user;
--   followings_expected_*   a recount from the contract tables alone.
-- Both are whole-table aggregates: queried without a narrow WHERE they scan
-- every edge, which is what a check is for, never what a request does.

CREATE OR REPLACE VIEW followings_effective_out AS
SELECT user_id, SUM(n) AS n FROM (
  SELECT user_id, followings AS n FROM follow_counters
  UNION ALL SELECT l.follower_id, l.d_out + l.late * COALESCE(w.deleted = 0, 0)
    FROM follow_log l LEFT JOIN users w ON w.id = l.followed_id
  UNION ALL SELECT f.follower_id, (w.deleted = 0) - (f.followed_deleted = 0)
    FROM follow_pending p JOIN users w ON w.id = p.user_id
    JOIN follows f ON f.followed_id = p.user_id AND f.followed_deleted < 2
) AS x GROUP BY user_id;

CREATE OR REPLACE VIEW followings_effective_in AS
SELECT user_id, SUM(n) AS n FROM (
  SELECT user_id, followers AS n FROM follow_counters
  UNION ALL SELECT l.followed_id, l.d_in + l.late * COALESCE(v.deleted = 0, 0)
    FROM follow_log l LEFT JOIN users v ON v.id = l.follower_id
  UNION ALL SELECT f.followed_id, (w.deleted = 0) - (f.follower_deleted = 0)
    FROM follow_pending p JOIN users w ON w.id = p.user_id
    JOIN follows f ON f.follower_id = p.user_id AND f.follower_deleted < 2
) AS x GROUP BY user_id;

CREATE OR REPLACE VIEW followings_effective_day AS
SELECT follower_id, day, SUM(n) AS n FROM (
  SELECT follower_id, day, visible AS n FROM follow_day_counts
  UNION ALL SELECT l.follower_id, l.day, l.d_out + l.late * COALESCE(w.deleted = 0, 0)
    FROM follow_log l LEFT JOIN users w ON w.id = l.followed_id
  UNION ALL SELECT f.follower_id, DATE(f.created_at), (w.deleted = 0) - (f.followed_deleted = 0)
    FROM follow_pending p JOIN users w ON w.id = p.user_id
    JOIN follows f ON f.followed_id = p.user_id AND f.followed_deleted < 2
) AS x GROUP BY follower_id, day;

CREATE OR REPLACE VIEW followings_effective_in_day AS
SELECT followed_id, day, SUM(n) AS n FROM (
  SELECT followed_id, day, visible AS n FROM follow_in_day_counts
  UNION ALL SELECT l.followed_id, l.day, l.d_in + l.late * COALESCE(v.deleted = 0, 0)
    FROM follow_log l LEFT JOIN users v ON v.id = l.follower_id
  UNION ALL SELECT f.followed_id, DATE(f.created_at), (w.deleted = 0) - (f.follower_deleted = 0)
    FROM follow_pending p JOIN users w ON w.id = p.user_id
    JOIN follows f ON f.follower_id = p.user_id AND f.follower_deleted < 2
) AS x GROUP BY followed_id, day;

-- The recounts: every edge (an index-only group-by), less the edges whose
-- other end is soft-deleted (few, found from users): far cheaper than a
-- probe of users for each of millions of edges.
CREATE OR REPLACE VIEW followings_expected_out AS
SELECT user_id, SUM(n) AS n FROM (
  SELECT follower_id AS user_id, COUNT(*) AS n FROM follows GROUP BY follower_id
  UNION ALL SELECT f.follower_id, -COUNT(*) FROM users w JOIN follows f ON f.followed_id = w.id
   WHERE w.deleted <> 0 GROUP BY f.follower_id
) AS x GROUP BY user_id HAVING SUM(n) <> 0;

CREATE OR REPLACE VIEW followings_expected_in AS
SELECT user_id, SUM(n) AS n FROM (
  SELECT followed_id AS user_id, COUNT(*) AS n FROM follows GROUP BY followed_id
  UNION ALL SELECT f.followed_id, -COUNT(*) FROM users w JOIN follows f ON f.follower_id = w.id
   WHERE w.deleted <> 0 GROUP BY f.followed_id
) AS x GROUP BY user_id HAVING SUM(n) <> 0;

CREATE OR REPLACE VIEW followings_expected_day AS
SELECT follower_id, day, SUM(n) AS n FROM (
  SELECT follower_id, DATE(created_at) AS day, COUNT(*) AS n FROM follows GROUP BY follower_id, DATE(created_at)
  UNION ALL SELECT f.follower_id, DATE(f.created_at), -COUNT(*) FROM users w JOIN follows f ON f.followed_id = w.id
   WHERE w.deleted <> 0 GROUP BY f.follower_id, DATE(f.created_at)
) AS x GROUP BY follower_id, day HAVING SUM(n) <> 0;

CREATE OR REPLACE VIEW followings_expected_in_day AS
SELECT followed_id, day, SUM(n) AS n FROM (
  SELECT followed_id, DATE(created_at) AS day, COUNT(*) AS n FROM follows GROUP BY followed_id, DATE(created_at)
  UNION ALL SELECT f.followed_id, DATE(f.created_at), -COUNT(*) FROM users w JOIN follows f ON f.follower_id = w.id
   WHERE w.deleted <> 0 GROUP BY f.followed_id, DATE(f.created_at)
) AS x GROUP BY followed_id, day HAVING SUM(n) <> 0;

-- The day counts that differ, per list (followings, followers), for the
-- differences below, `repair`, and the install's fill of a day-count table
-- that an upgrade adds (followings-db).
CREATE OR REPLACE VIEW followings_day_differences AS
SELECT k.follower_id AS user_id, k.day, SUM(k.e) AS expected, SUM(k.a) AS effective FROM (
  SELECT follower_id, day, n AS e, 0 AS a FROM followings_expected_day
  UNION ALL SELECT follower_id, day, 0, n FROM followings_effective_day
) AS k GROUP BY k.follower_id, k.day HAVING SUM(k.e) <> SUM(k.a);

CREATE OR REPLACE VIEW followings_in_day_differences AS
SELECT k.followed_id AS user_id, k.day, SUM(k.e) AS expected, SUM(k.a) AS effective FROM (
  SELECT followed_id, day, n AS e, 0 AS a FROM followings_expected_in_day
  UNION ALL SELECT followed_id, day, 0, n FROM followings_effective_in_day
) AS k GROUP BY k.followed_id, k.day HAVING SUM(k.e) <> SUM(k.a);

-- A late edge (flag 2) is counted through its late row alone: without it,
-- no reader counts the edge, and no fold ever will.  verify lists these,
-- repair gives them their row back.
CREATE OR REPLACE VIEW followings_unlogged_late_edges AS
SELECT f.id, f.follower_id, f.followed_id, DATE(f.created_at) AS day FROM follows f
 WHERE f.followed_deleted = 2
   AND NOT EXISTS (SELECT 1 FROM follow_log l
                    WHERE l.follower_id = f.follower_id AND l.day = DATE(f.created_at) AND l.d_out = 0
                      AND l.late = 1 AND l.followed_id = f.followed_id AND l.edge_id = f.id);

-- Every difference, one row each: what, whose, which day, expected, effective.
-- Values of users that no longer exist are left out (their rows are inert).
CREATE OR REPLACE VIEW followings_differences AS
SELECT 'followings' AS what, u.id AS user_id, NULL AS day, COALESCE(e.n, 0) AS expected, COALESCE(a.n, 0) AS effective
  FROM users u LEFT JOIN followings_expected_out e ON e.user_id = u.id
  LEFT JOIN followings_effective_out a ON a.user_id = u.id
 WHERE COALESCE(e.n, 0) <> COALESCE(a.n, 0)
UNION ALL
SELECT 'followers', u.id, NULL, COALESCE(e.n, 0), COALESCE(a.n, 0)
  FROM users u LEFT JOIN followings_expected_in e ON e.user_id = u.id
  LEFT JOIN followings_effective_in a ON a.user_id = u.id
 WHERE COALESCE(e.n, 0) <> COALESCE(a.n, 0)
UNION ALL
SELECT 'day', d.user_id, d.day, d.expected, d.effective
  FROM followings_day_differences d JOIN users u ON u.id = d.user_id
UNION ALL
SELECT 'followers day', d.user_id, d.day, d.expected, d.effective
  FROM followings_in_day_differences d JOIN users u ON u.id = d.user_id
UNION ALL
SELECT 'uncounted edge', f.follower_id, NULL, 1, 0 FROM follows f WHERE f.followed_deleted IS NULL
UNION ALL
SELECT 'unlogged late edge', e.follower_id, e.day, 1, 0 FROM followings_unlogged_late_edges e
UNION ALL
SELECT 'stale flag', f.follower_id, NULL, w.deleted <> 0, f.followed_deleted
  FROM follows f JOIN users w ON w.id = f.followed_id
 WHERE f.followed_deleted < 2 AND f.followed_deleted <> (w.deleted <> 0)
   AND NOT EXISTS (SELECT 1 FROM follow_pending p WHERE p.user_id = w.id)
UNION ALL
SELECT 'stale flag', f.follower_id, NULL, w.deleted <> 0, f.follower_deleted
  FROM follows f JOIN users w ON w.id = f.follower_id
 WHERE f.follower_deleted < 2 AND f.follower_deleted <> (w.deleted <> 0)
   AND NOT EXISTS (SELECT 1 FROM follow_pending p WHERE p.user_id = w.id);
