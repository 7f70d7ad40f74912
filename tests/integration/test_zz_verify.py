"""After every other test's plain-SQL writes: `followings-db verify`
recounts every counter, day count and flag from the contract tables and
finds nothing off (README, "Deploying onto an existing platform database")."""

import os
import subprocess

import support as s

TOOL = os.path.join(os.path.dirname(__file__), "..", "..", "db", "followings-db")


def run(cmd):
    return subprocess.run([TOOL, cmd, f"--socket={s.DB_SOCKET}", "-uroot", s.DB_NAME],
                          capture_output=True, text=True, timeout=120)


def test_everything_derived_is_exact_after_the_suite():
    p = run("verify")
    assert p.returncode == 0, p.stderr


def test_verify_notices_a_counter_that_is_off_and_repair_fixes_it():
    uid = s.sql_ints("SELECT MIN(id) FROM users WHERE deleted = 0;")[0]
    s.sql(f"INSERT INTO follow_counters (user_id, followers) VALUES ({uid}, 7) "
          "ON DUPLICATE KEY UPDATE followers = followers + 7;")
    p = run("verify")
    assert p.returncode == 1 and f"followers\t{uid}" in p.stderr, p.stderr
    p = run("repair")
    assert p.returncode == 0, p.stderr
    assert run("verify").returncode == 0


def test_verify_notices_a_missing_edge_gate_and_repair_restores_it():
    # The row that keeps hard deletes and the upkeep from holding edges at
    # the same time (db/install/30-routines.sql): without it they deadlock.
    s.sql("DELETE FROM followings_meta WHERE name = 'edge_gate';")
    p = run("verify")
    assert p.returncode == 1 and "edge_gate" in p.stderr, p.stderr
    assert run("repair").returncode == 0
    assert s.sql_ints("SELECT COUNT(*) FROM followings_meta WHERE name = 'edge_gate';") == [1]
    assert run("verify").returncode == 0
