"""The database's upkeep (db/install/30-routines.sql) changes no answer.

The platform's writers only append to follow_log and mark users in
follow_pending; the service reads folded values plus what is not folded yet.
The first instance never folds (maintain_interval_ms = 0), so every other
test reads through the log and the pending corrections; the second instance
folds between its requests.  Here the same answers are checked before and
after folding, across a soft delete that fans out to hundreds of edges, and
`followings-db verify` recounts everything from the contract tables."""

import os
import subprocess

import pytest

import support as s
from support import assert_page, http

HUB = 900
FANS = list(range(901, 1151))      # 250 users who follow the hub, and whom it follows
ALL = [HUB] + FANS
TOOL = os.path.join(os.path.dirname(__file__), "..", "..", "db", "followings-db")


def tool(*args):
    return subprocess.run([TOOL, *args, f"--socket={s.DB_SOCKET}", "-uroot", s.DB_NAME],
                          capture_output=True, text=True, timeout=120)


def status():
    p = tool("status")
    assert p.returncode == 0, p.stderr
    return {k: v for k, v in (line.split("\t", 1) for line in p.stdout.splitlines())}


@pytest.fixture
def hub():
    s.sql(f"DELETE FROM users WHERE id IN {tuple(ALL)};")
    s.sql("INSERT INTO users (id, username, date_joined) VALUES "
          + ", ".join(f"({u}, 'hub{u}', '2024-01-01 00:00:00')" for u in ALL) + ";"
          "INSERT INTO follows (follower_id, followed_id, created_at) "
          f"SELECT id, {HUB}, '2024-06-01 10:00:00' + INTERVAL id MINUTE FROM users WHERE id BETWEEN 901 AND 1150;"
          "INSERT INTO follows (follower_id, followed_id, created_at) "
          f"SELECT {HUB}, id, '2024-06-02 10:00:00' + INTERVAL id MINUTE FROM users WHERE id BETWEEN 901 AND 1150;")
    yield
    s.sql(f"DELETE FROM users WHERE id IN {tuple(ALL)};")


SAMPLE = (901, 1100, 1150)     # fans that stay live


def live(uids):
    return [u for u in uids if s.sql_ints(f"SELECT COUNT(*) FROM users WHERE id = {u} AND deleted = 0;") == [1]]


def answers():
    """What both instances say about the hub (while live) and a sample of its fans."""
    seen = {}
    for port in (None, s.BASEURL_PORT):
        for uid in live((HUB,) + SAMPLE):
            body = assert_page(http(f"{s.followings_path(uid)}?limit=4&offset=1", port=port))
            seen[(port, uid)] = (body["count"], [(u["id"], u["followings_counter"], u["followers_counter"])
                                                 for u in body["results"]])
    return seen


def check_exact():
    for uid in live((HUB,) + SAMPLE):
        body = assert_page(http(f"{s.followings_path(uid)}?limit=100"))
        assert [u["id"] for u in body["results"]] == s.expected_order(uid)[:100]
        assert body["count"] == len(s.expected_order(uid))
        for u in body["results"]:
            assert (u["followings_counter"], u["followers_counter"]) == s.expected_counters(u["id"]), u["id"]


def test_answers_are_the_same_before_and_after_folding(hub):
    check_exact()
    s.sql(f"UPDATE users SET deleted = 1 WHERE id = {HUB};")
    st = status()
    assert int(st["users pending fan-out"]) >= 1
    check_exact()                   # 250 fans' counters corrected before any fan-out
    before = answers()
    p = tool("--batch", "37", "maintain")  # many small batches
    assert p.returncode == 0, p.stderr
    st = status()
    assert st["users pending fan-out"] == "0" and st["log rows not folded"] == "0"
    assert answers() == before
    check_exact()

    s.sql(f"UPDATE users SET deleted = 0 WHERE id = {HUB};"
          f"DELETE FROM follows WHERE follower_id = {HUB} AND followed_id BETWEEN 901 AND 950;"
          f"UPDATE users SET deleted = 1 WHERE id IN (1000, 1001);")
    check_exact()
    before = answers()
    assert tool("maintain").returncode == 0
    assert answers() == before
    check_exact()

    s.sql(f"DELETE FROM users WHERE id = {HUB};")    # hard delete: 450 edges cascade
    for uid in SAMPLE:
        body = assert_page(http(f"{s.followings_path(uid)}?limit=5"))
        assert body["count"] == len(s.expected_order(uid))
    assert tool("verify").returncode == 0


def test_workers_fold_between_requests(hub):
    s.sql(f"UPDATE users SET deleted = 1 WHERE id = {HUB};")
    assert int(status()["log rows not folded"]) > 0 or int(status()["users pending fan-out"]) > 0

    def drained():
        # Requests to the second instance, whose workers fold between them.
        http(f"{s.followings_path(901)}?limit=1", port=s.BASEURL_PORT)
        st = status()
        return st["log rows not folded"] == "0" and st["users pending fan-out"] == "0"

    s.wait_until(drained, timeout=30, interval=0.05, what="the log folded by the workers")
    check_exact()


def _maintain_rounds(rounds, batch):
    """`rounds` upkeep calls in one session; the rows its handlers read doing so."""
    rows = s.sql("FLUSH STATUS;"
                 + f"CALL followings_maintain({batch}, @w);" * rounds
                 + "SELECT SUM(VARIABLE_VALUE) FROM information_schema.SESSION_STATUS"
                 " WHERE VARIABLE_NAME = 'HANDLER_READ_NEXT';")
    return int(rows[-1][0])


def _flag_of(follower, followed, column):
    return s.sql_ints(f"SELECT {column} FROM follows WHERE follower_id = {follower} AND followed_id = {followed};")[0]


def test_fan_out_walks_each_side_once_and_stops_before_an_edge_a_writer_holds(hub):
    # The hub's 500 edges in batches of 5: each side is walked from where the
    # last batch stopped, so the index rows read grow with the edges, not
    # with edges x batches (re-reading the done part of each side every
    # batch read 19,325 here, against 950).
    assert tool("maintain").returncode == 0     # the hub's edges folded first
    idle = _maintain_rounds(80, 5)              # what 80 rounds read with nothing to do
    s.sql(f"UPDATE users SET deleted = 1 WHERE id = {HUB};")
    read = _maintain_rounds(80, 5) - idle
    assert s.sql_ints(f"SELECT COUNT(*) FROM follow_pending WHERE user_id = {HUB};") == [0]
    assert read < 4 * 500, (read, idle)
    check_exact()

    # A restore, with a writer holding one edge in the middle of each side
    # (as an unfollow in flight would): the fan-out goes round it, keeps the
    # user marked, and finishes it once the writer lets go.
    s.sql(f"UPDATE users SET deleted = 0 WHERE id = {HUB};")
    holder = subprocess.Popen(s._mariadb_cmd(), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        holder.stdin.write("BEGIN; SELECT id FROM follows WHERE follower_id = 1000 AND followed_id = "
                           f"{HUB} FOR UPDATE; SELECT id FROM follows WHERE follower_id = {HUB}"
                           " AND followed_id = 1001 FOR UPDATE; DO GET_LOCK('test_14_held', 0);\n")
        holder.stdin.flush()
        s.wait_until(lambda: s.sql_ints("SELECT IS_USED_LOCK('test_14_held') IS NOT NULL;") == [1],
                     timeout=10, interval=0.05, what="the two edges held")
        _maintain_rounds(80, 5)
        assert s.sql_ints(f"SELECT COUNT(*) FROM follow_pending WHERE user_id = {HUB};") == [1]
        assert _flag_of(1000, HUB, "followed_deleted") == 1      # held: not changed yet
        assert _flag_of(HUB, 1001, "follower_deleted") == 1
        assert s.sql_ints(f"SELECT COUNT(*) FROM follows WHERE (followed_id = {HUB} AND followed_deleted <> 0"
                          f" AND follower_id <> 1000) OR (follower_id = {HUB} AND follower_deleted <> 0"
                          " AND followed_id <> 1001);") == [0]
        check_exact()
    finally:
        holder.stdin.write("ROLLBACK;\n")
        holder.stdin.close()
        holder.wait(timeout=10)
    _maintain_rounds(4, 20)
    assert s.sql_ints(f"SELECT COUNT(*) FROM follow_pending WHERE user_id = {HUB};") == [0]
    assert _flag_of(1000, HUB, "followed_deleted") == 0
    assert _flag_of(HUB, 1001, "follower_deleted") == 0
    check_exact()
    assert tool("verify").returncode == 0


def test_the_upkeep_is_spaced_for_the_whole_database_whoever_calls():
    # A run now (every_ms 0: unpaced), then a call from another session that
    # asks for a minute's spacing: nothing, and -1 to say so.  (The second
    # instance's workers call it all along, with 200 ms.)
    rows = s.sql("CALL followings_upkeep(10, 0, @w); SELECT @w;")
    assert int(rows[-1][0]) >= 0
    assert s.sql_ints("CALL followings_upkeep(10, 60000, @w); SELECT @w;") == [-1]
    assert s.sql_ints("CALL followings_upkeep(10, 0, @w); SELECT @w;")[0] >= 0
