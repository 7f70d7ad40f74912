-- Removes every object the install added, and nothing else: the triggers
-- first, so no writer appends to a table that is about to go.
DROP TRIGGER IF EXISTS trg_follows_bi;
DROP TRIGGER IF EXISTS trg_follows_ai;
DROP TRIGGER IF EXISTS trg_follows_bu;
DROP TRIGGER IF EXISTS trg_follows_au;
DROP TRIGGER IF EXISTS trg_follows_ad;
DROP TRIGGER IF EXISTS trg_users_au;
DROP TRIGGER IF EXISTS trg_users_bd;
DROP PROCEDURE IF EXISTS followings_run;
DROP PROCEDURE IF EXISTS followings_maintain;
DROP PROCEDURE IF EXISTS followings_upkeep;
DROP PROCEDURE IF EXISTS followings_apply;
DROP PROCEDURE IF EXISTS followings_gate;
DROP PROCEDURE IF EXISTS followings_tmp;
DROP PROCEDURE IF EXISTS followings_install_run;
DROP PROCEDURE IF EXISTS followings_backfill;
DROP PROCEDURE IF EXISTS followings_reconcile;
DROP PROCEDURE IF EXISTS followings_fold;
DROP VIEW IF EXISTS followings_differences, followings_effective_out, followings_effective_in,
  followings_effective_day, followings_effective_in_day, followings_expected_out, followings_expected_in,
  followings_expected_day, followings_expected_in_day, followings_day_differences,
  followings_in_day_differences, followings_unlogged_late_edges;
DROP TABLE IF EXISTS follow_counters, follow_day_counts, follow_in_day_counts, follow_log, follow_pending, followings_meta;
