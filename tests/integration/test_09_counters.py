"""Counters, counts and lists right after plain-SQL writes by other programs
(followings-api.md §2 counters, §6, §7 cascade; schema-contract.md).

The test makes its own users: A..D, X (follows A..D, so their counters show in
X's list) and Y (follows X, so X's counters show in Y's list).  After every
write it checks, with no delay, each live user's list and count, and the
counters shown for it, against numbers worked out by hand and against the
contract tables."""

import subprocess
import time

import pytest

import support as s
from support import http, assert_page, assert_error, ids

A, B, C, D, X, Y = 600, 601, 602, 603, 604, 605
ALL = (A, B, C, D, X, Y)


@pytest.fixture
def people():
    s.sql(f"DELETE FROM users WHERE id IN {ALL};")
    s.sql("INSERT INTO users (id, username, date_joined) VALUES "
          + ", ".join(f"({u}, 'cnt{u}', '2024-01-01 00:00:00')" for u in ALL) + ";"
          "INSERT INTO follows (follower_id, followed_id, created_at) VALUES "
          f"({X}, {A}, '2024-01-04 00:00:00'), ({X}, {B}, '2024-01-03 00:00:00'), "
          f"({X}, {C}, '2024-01-02 00:00:00'), ({X}, {D}, '2024-01-01 00:00:00'), "
          f"({Y}, {X}, '2024-01-01 00:00:00');")
    yield
    s.sql(f"DELETE FROM users WHERE id IN {ALL};")


def shown_counters():
    """uid -> (followings_counter, followers_counter) as shown in X's and Y's
    lists."""
    out = {}
    for owner in (X, Y):
        for u in assert_page(http(s.followings_path(owner) + "?limit=100"))["results"]:
            out[u["id"]] = (u["followings_counter"], u["followers_counter"])
    return out


def check(expected, gone=()):
    """expected: uid -> (followings, followers) for every live user of A..D, X."""
    shown = shown_counters()
    for uid, (fo, fr) in expected.items():
        assert s.expected_counters(uid) == (fo, fr), f"hand count of {uid} disagrees with SQL"
        body = assert_page(http(s.followings_path(uid) + "?limit=100"))
        assert body["count"] == fo, f"count of {uid}"
        assert ids(body) == s.expected_order(uid), f"list of {uid}"
        assert shown.get(uid) == (fo, fr), f"counters shown for {uid}: {shown.get(uid)}"
    for uid in gone:
        assert uid not in shown, f"{uid} still listed"
        assert_error(http(s.followings_path(uid)), 404, "not_found")


def test_counters_follow_plain_sql_writes(people):
    check({A: (0, 1), B: (0, 1), C: (0, 1), D: (0, 1), X: (4, 1)})

    s.sql("INSERT INTO follows (follower_id, followed_id, created_at) VALUES "
          f"({A}, {B}, '2024-02-01 00:00:00'), ({A}, {C}, '2024-02-02 00:00:00'), "
          f"({B}, {C}, '2024-02-01 00:00:00'), ({C}, {A}, '2024-02-01 00:00:00'), "
          f"({D}, {A}, '2024-02-01 00:00:00');")
    check({A: (2, 3), B: (1, 2), C: (1, 3), D: (1, 1), X: (4, 1)})

    s.sql(f"DELETE FROM follows WHERE follower_id = {A} AND followed_id = {C};")
    check({A: (1, 3), B: (1, 2), C: (1, 2), D: (1, 1), X: (4, 1)})

    # soft delete: C leaves every list and stops counting on both sides
    s.sql(f"UPDATE users SET deleted = 1 WHERE id = {C};")
    check({A: (1, 2), B: (0, 2), D: (1, 1), X: (3, 1)}, gone=[C])

    # edges made while C is deleted count only once C is back
    s.sql("INSERT INTO follows (follower_id, followed_id, created_at) VALUES "
          f"({A}, {C}, '2024-03-01 00:00:00'), ({C}, {B}, '2024-03-01 00:00:00');")
    check({A: (1, 2), B: (0, 2), D: (1, 1), X: (3, 1)}, gone=[C])

    s.sql(f"UPDATE users SET deleted = 0 WHERE id = {C};")
    check({A: (2, 3), B: (1, 3), C: (2, 3), D: (1, 1), X: (4, 1)})

    # an update that changes nothing relevant
    s.sql(f"UPDATE users SET real_name = 'renamed', deleted = 0 WHERE id = {C};")
    check({A: (2, 3), B: (1, 3), C: (2, 3), D: (1, 1), X: (4, 1)})

    # hard delete: the user's follows go with it (cascade)
    s.sql(f"DELETE FROM users WHERE id = {D};")
    check({A: (2, 2), B: (1, 3), C: (2, 3), X: (3, 1)}, gone=[D])
    assert s.sql_ints(f"SELECT COUNT(*) FROM follows WHERE {D} IN (follower_id, followed_id);") == [0]

    # an UPDATE that moves an edge: A now follows X instead of C
    s.sql(f"UPDATE follows SET followed_id = {X} WHERE follower_id = {A} AND followed_id = {C};")
    check({A: (2, 2), B: (1, 3), C: (2, 2), X: (3, 2)})

    # several writes in one transaction
    s.sql("START TRANSACTION;"
          f"DELETE FROM follows WHERE follower_id = {A};"
          f"INSERT INTO follows (follower_id, followed_id, created_at) VALUES ({A}, {C}, '2024-04-01 00:00:00');"
          "COMMIT;")
    check({A: (1, 2), B: (1, 2), C: (2, 3), X: (3, 1)})

    # hard delete of a user that is soft-deleted already
    s.sql(f"UPDATE users SET deleted = 1 WHERE id = {A};")
    check({B: (1, 2), C: (1, 2), X: (2, 1)}, gone=[A])
    s.sql(f"DELETE FROM users WHERE id = {A};")
    check({B: (1, 2), C: (1, 2), X: (2, 1)}, gone=[A])

    # bulk insert and bulk delete
    s.sql("INSERT INTO follows (follower_id, followed_id, created_at) "
          f"SELECT {B}, id, '2024-05-01 00:00:00' FROM users WHERE id BETWEEN 201 AND 210;")
    check({B: (11, 2), C: (1, 2), X: (2, 1)})
    s.sql(f"DELETE FROM follows WHERE follower_id = {B};")
    check({B: (0, 2), C: (1, 1), X: (2, 1)})


@pytest.mark.parametrize("folded", [False, True], ids=["late", "folded"])
def test_hard_delete_by_a_statement_that_reads_follows(people, folded):
    # A moderator's DELETE whose subquery reads `follows`: the users trigger
    # may not change `follows` then (error 1442), so it logs the edges and
    # leaves them to the cascade; the statement must still succeed and every
    # count be exact, whether the edges were counted late or folded already.
    s.sql("INSERT INTO follows (follower_id, followed_id, created_at) VALUES "
          f"({A}, {B}, '2024-02-01 00:00:00'), ({B}, {A}, '2024-02-01 00:00:00'), "
          f"({C}, {A}, '2024-02-02 00:00:00');")
    if folded:
        s.sql("CALL followings_maintain(100000, @w);")
    check({A: (1, 3), B: (1, 2), C: (1, 1), D: (0, 1), X: (4, 1)})
    s.sql(f"DELETE FROM users WHERE id IN (SELECT followed_id FROM follows "
          f"WHERE follower_id = {X} AND followed_id = {A});")
    check({B: (0, 1), C: (0, 1), D: (0, 1), X: (3, 1)}, gone=[A])
    assert s.sql_ints(f"SELECT COUNT(*) FROM follows WHERE {A} IN (follower_id, followed_id);") == [0]
    # and a plain hard delete of a user with edges on both sides
    s.sql(f"INSERT INTO follows (follower_id, followed_id, created_at) VALUES ({B}, {C}, '2024-03-01 00:00:00');")
    if folded:
        s.sql("CALL followings_maintain(100000, @w);")
    s.sql(f"DELETE FROM users WHERE id = {C};")
    check({B: (0, 1), D: (0, 1), X: (2, 1)}, gone=[C])


def test_a_hard_delete_waits_for_an_upkeep_batch_before_it_touches_an_edge(people):
    # The edge gate (db/install/30-routines.sql): while an upkeep transaction
    # holds it, a moderator's hard delete waits holding none of the user's
    # edges (so the two cannot deadlock), and completes, exact, once the
    # batch commits.
    s.sql("INSERT INTO follows (follower_id, followed_id, created_at) VALUES "
          f"({A}, {B}, '2024-02-01 00:00:00'), ({A}, {C}, '2024-02-01 00:00:00'), "
          f"({B}, {A}, '2024-02-02 00:00:00');")
    upkeep = subprocess.Popen(s._mariadb_cmd(), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    deleter = None
    try:
        upkeep.stdin.write("SET TRANSACTION ISOLATION LEVEL READ COMMITTED; BEGIN; CALL followings_gate();"
                           " DO GET_LOCK('test_09_gate', 0);\n")
        upkeep.stdin.flush()
        s.wait_until(lambda: s.sql_ints("SELECT IS_USED_LOCK('test_09_gate') IS NOT NULL;") == [1],
                     timeout=10, interval=0.05, what="the gate held")
        deleter = subprocess.Popen(s._mariadb_cmd() + ["-e", f"DELETE FROM users WHERE id = {A};"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        # It waits: still running well after a delete of four edges takes,
        # and holding none of A's edges meanwhile.
        time.sleep(1.5)
        held = s.sql("SELECT trx_state, trx_query FROM information_schema.INNODB_TRX;")
        assert deleter.poll() is None, f"the hard delete did not wait at the gate: {held}"
        assert s.sql_ints("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED; BEGIN;"
                          f" SELECT COUNT(*) FROM follows WHERE {A} IN (follower_id, followed_id)"
                          " FOR UPDATE SKIP LOCKED; ROLLBACK;") == [4], held
        assert deleter.poll() is None, held
    finally:
        upkeep.stdin.write("ROLLBACK;\n")
        upkeep.stdin.close()
        upkeep.wait(timeout=10)
        if deleter is not None:
            _, err = deleter.communicate(timeout=30)
            assert deleter.returncode == 0, err
    check({B: (0, 1), C: (0, 1), D: (0, 1), X: (3, 1)}, gone=[A])


def test_walk_user_counters_after_bulk_writes(people):
    # followers of the walk users rise and fall with bulk writes from elsewhere
    before = {u["id"]: u["followers_counter"]
              for u in assert_page(http(s.followings_path(s.WALKER) + "?limit=100"))["results"]}
    s.sql("INSERT INTO follows (follower_id, followed_id, created_at) "
          f"SELECT {B}, id, '2024-05-01 00:00:00' FROM users WHERE id BETWEEN 201 AND 230;")
    after = {u["id"]: u["followers_counter"]
             for u in assert_page(http(s.followings_path(s.WALKER) + "?limit=100"))["results"]}
    for uid, n in before.items():
        assert after[uid] == n + (1 if 201 <= uid <= 230 else 0), uid
    s.sql(f"UPDATE users SET deleted = 1 WHERE id = {B};")
    after = {u["id"]: u["followers_counter"]
             for u in assert_page(http(s.followings_path(s.WALKER) + "?limit=100"))["results"]}
    assert after == before


def test_count_equals_followings_counter_for_fixture_users():
    # every user shown in these lists has followings_counter == its own count
    shown = {}
    for owner in (s.OBJ_OWNER, s.PAGER, s.WALKER):
        for u in assert_page(http(s.followings_path(owner) + "?limit=100"))["results"]:
            shown[u["id"]] = u["followings_counter"]
    for uid, n in sorted(shown.items())[:25]:
        assert assert_page(http(s.followings_path(uid) + "?limit=1"))["count"] == n, uid
