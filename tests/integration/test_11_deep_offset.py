"""Deep pages (offset >= deep_offset, 5 in this harness) start each slice
at the day that holds its offset, found through the per-day counts
(follow_day_counts plus the change log, db/install/) and, through a viewer,
how many of each day's edges the viewer shares.  The pages must be exactly
the contract's order (followings-api.md §2, §3) after every kind of
plain-SQL write (§6, schema-contract.md): for the anonymous reader, for the
owner (everything mutual), and through viewers whose list is shorter than
the owner's (the intersection driven from the viewer's side) and longer
(from the owner's side), with no filter, mutual=0 and mutual=1, whatever
page size cuts across days and segments."""

import pytest

import support as s
from support import assert_page, http, ids

OWNER = 700
FOLLOWED = list(range(701, 741))    # 40 users
SHORT_VIEWER, LONG_VIEWER = 745, 746
OTHERS = list(range(750, 800))      # followed by the long viewer only
ALL = [OWNER] + FOLLOWED + [SHORT_VIEWER, LONG_VIEWER] + OTHERS


def edge_rows():
    # Five days, three times a day: many identical created_at values, and
    # edge ids that do not follow the time order.
    rows = []
    for n, uid in enumerate(reversed(FOLLOWED)):
        day = 10 + n % 5
        hour = 8 + n % 3
        rows.append(f"({OWNER}, {uid}, '2024-03-{day:02d} {hour:02d}:00:00')")
    # The short viewer follows every third of them (fewer than the owner);
    # the long one every other one and 50 more (more than the owner).
    rows += [f"({SHORT_VIEWER}, {u}, '2024-04-01')" for u in FOLLOWED[::3]]
    rows += [f"({LONG_VIEWER}, {u}, '2024-04-01')" for u in FOLLOWED[1::2] + OTHERS]
    return rows


@pytest.fixture
def deep_list():
    s.sql(f"DELETE FROM users WHERE id IN {tuple(ALL)};")
    s.sql("INSERT INTO users (id, username, date_joined) VALUES "
          + ", ".join(f"({u}, 'deep{u}', '2024-01-01 00:00:00')" for u in ALL) + ";"
          "INSERT INTO follows (follower_id, followed_id, created_at) VALUES "
          + ", ".join(edge_rows()) + ";")
    yield
    s.sql(f"DELETE FROM users WHERE id IN {tuple(ALL)};")


def walk(limit, headers=(), query=""):
    """Every page of OWNER's list, following offsets, concatenated."""
    got, offset, count = [], 0, None
    while True:
        body = assert_page(http(f"{s.followings_path(OWNER)}?limit={limit}&offset={offset}{query}",
                                headers=headers))
        count = body["count"] if count is None else count
        assert body["count"] == count
        if not body["results"]:
            break
        got += ids(body)
        offset += limit
    return got, count


def check_everything():
    expected = s.expected_order(OWNER)
    # What the service reads: folded day counts plus what is not folded yet.
    day_total = s.sql_ints(f"SELECT COALESCE(SUM(n), 0) FROM followings_effective_day "
                           f"WHERE follower_id = {OWNER};")[0]
    assert day_total == len(expected), "day counts disagree with the list"
    for limit in (1, 4, 7, 13):
        got, count = walk(limit)
        assert count == len(expected)
        assert got == expected, f"limit {limit}"
    # Single pages that start deep inside a day, and past the end.
    for offset in (5, 6, 17, 29, len(expected) - 1, len(expected), len(expected) + 3):
        body = assert_page(http(f"{s.followings_path(OWNER)}?limit=3&offset={offset}"))
        assert ids(body) == expected[offset:offset + 3], f"offset {offset}"
    # The owner reads its own list: the same order, every user "followed".
    own = s.bearer(s.jwt_for(OWNER))
    got, _ = walk(6, headers=own)
    assert got == s.expected_order(OWNER, viewer=OWNER)
    body = assert_page(http(f"{s.followings_path(OWNER)}?limit=5&offset=11", headers=own))
    assert all(u["connection_status"] == "followed" for u in body["results"])
    for viewer in (SHORT_VIEWER, LONG_VIEWER):
        check_through_viewer(viewer)


def check_through_viewer(viewer):
    token = s.bearer(s.jwt_for(viewer))
    shared = s.follows_of(viewer)
    for mutual, query in ((None, ""), (1, "&mutual=1"), (0, "&mutual=0")):
        expected = s.expected_order(OWNER, viewer=viewer, mutual=mutual)
        for limit in (1, 4, 7, 13):
            got, count = walk(limit, headers=token, query=query)
            assert count == len(expected), (viewer, mutual, limit)
            assert got == expected, f"viewer {viewer} mutual {mutual} limit {limit}"
        # Single pages that start deep inside a day and across the segments' border.
        for offset in range(0, len(expected) + 2):
            body = assert_page(http(f"{s.followings_path(OWNER)}?limit=3&offset={offset}{query}",
                                    headers=token))
            assert ids(body) == expected[offset:offset + 3], (viewer, mutual, offset)
            assert all((u["connection_status"] == "followed") == (u["id"] in shared)
                       for u in body["results"])


def test_deep_pages_follow_plain_sql_writes(deep_list):
    check_everything()

    # soft delete and restore of a user followed in a middle day
    s.sql(f"UPDATE users SET deleted = 1 WHERE id = {FOLLOWED[17]};")
    check_everything()
    s.sql(f"UPDATE users SET deleted = 0 WHERE id = {FOLLOWED[17]};")
    check_everything()

    # a new follow on an old day, with a time equal to existing ones
    s.sql(f"DELETE FROM follows WHERE follower_id = {OWNER} AND followed_id = {FOLLOWED[3]};")
    check_everything()
    s.sql("INSERT INTO follows (follower_id, followed_id, created_at) VALUES "
          f"({OWNER}, {FOLLOWED[3]}, '2024-03-11 09:00:00');")
    check_everything()

    # an edge moved to another day, and one moved to another follower
    s.sql(f"UPDATE follows SET created_at = '2024-03-20 00:00:00' "
          f"WHERE follower_id = {OWNER} AND followed_id = {FOLLOWED[30]};")
    check_everything()
    s.sql(f"UPDATE follows SET follower_id = {FOLLOWED[0]} "
          f"WHERE follower_id = {OWNER} AND followed_id = {FOLLOWED[31]};")
    check_everything()

    # a followed user hard-deleted (its edges go, the day counts follow)
    s.sql(f"DELETE FROM users WHERE id = {FOLLOWED[9]};")
    check_everything()
