"""Deep pages (offset >= deep_offset, 5 in this harness) start each slice
at the day that holds its offset, found through the list's per-day counts
(follow_day_counts for followings, follow_in_day_counts for followers, plus
the change log: db/install/) and, through a viewer, how many of each day's
edges the viewer shares.  The pages must be exactly the contract's order
(followings-api.md §2, §3; follow-graph-api.md §1) after every kind of
plain-SQL write (§6, schema-contract.md): for the anonymous reader, for the
owner (its own followings all mutual; its own followers split by whether it
follows them back), and through viewers whose list is shorter than the
owner's (the intersection driven from the viewer's side) and longer (from
the owner's side), with no filter, mutual=0 and mutual=1, whatever page size
cuts across days and segments.  Every test runs for both lists."""

import pytest

import support as s
from support import assert_page, http, ids

OWNER = 700
LISTED = list(range(701, 741))      # 40 users: whom OWNER follows, or who follow OWNER
SHORT_VIEWER, LONG_VIEWER = 745, 746
OTHERS = list(range(750, 800))      # followed by the long viewer only
ALL = [OWNER] + LISTED + [SHORT_VIEWER, LONG_VIEWER] + OTHERS
# The day counts the service reads, per list: view, owner column.
EFFECTIVE_DAYS = {"followings": ("followings_effective_day", "follower_id"),
                  "followers": ("followings_effective_in_day", "followed_id")}


def owner_edge(kind, uid, created):
    """The follows row (follower, followed, created_at) that puts uid on OWNER's list."""
    a, b = (OWNER, uid) if kind == "followings" else (uid, OWNER)
    return f"({a}, {b}, '{created}')"


def edge_rows(kind):
    # Five days, three times a day: many identical created_at values, and
    # edge ids that do not follow the time order.
    rows = []
    for n, uid in enumerate(reversed(LISTED)):
        day = 10 + n % 5
        hour = 8 + n % 3
        rows.append(owner_edge(kind, uid, f"2024-03-{day:02d} {hour:02d}:00:00"))
    # The owner follows every fourth of its followers back (its own list of
    # followers then has two segments).
    if kind == "followers":
        rows += [f"({OWNER}, {u}, '2024-04-02')" for u in LISTED[::4]]
    # The short viewer follows every third of them (fewer than the owner);
    # the long one every other one and 50 more (more than the owner).
    rows += [f"({SHORT_VIEWER}, {u}, '2024-04-01')" for u in LISTED[::3]]
    rows += [f"({LONG_VIEWER}, {u}, '2024-04-01')" for u in LISTED[1::2] + OTHERS]
    return rows


@pytest.fixture(params=["followings", "followers"])
def kind(request):
    s.sql(f"DELETE FROM users WHERE id IN {tuple(ALL)};")
    s.sql("INSERT INTO users (id, username, date_joined) VALUES "
          + ", ".join(f"({u}, 'deep{u}', '2024-01-01 00:00:00')" for u in ALL) + ";"
          "INSERT INTO follows (follower_id, followed_id, created_at) VALUES "
          + ", ".join(edge_rows(request.param)) + ";")
    yield request.param
    s.sql(f"DELETE FROM users WHERE id IN {tuple(ALL)};")


def walk(kind, limit, headers=(), query=""):
    """Every page of OWNER's list, following offsets, concatenated."""
    got, offset, count = [], 0, None
    path = s.LIST_PATHS[kind](OWNER)
    while True:
        body = assert_page(http(f"{path}?limit={limit}&offset={offset}{query}", headers=headers))
        count = body["count"] if count is None else count
        assert body["count"] == count
        if not body["results"]:
            break
        got += ids(body)
        offset += limit
    return got, count


def check_everything(kind):
    path = s.LIST_PATHS[kind](OWNER)
    expected = s.expected_order(OWNER, kind=kind)
    # What the service reads: folded day counts plus what is not folded yet.
    view, own = EFFECTIVE_DAYS[kind]
    day_total = s.sql_ints(f"SELECT COALESCE(SUM(n), 0) FROM {view} WHERE {own} = {OWNER};")[0]
    assert day_total == len(expected), "day counts disagree with the list"
    for limit in (1, 4, 7, 13):
        got, count = walk(kind, limit)
        assert count == len(expected)
        assert got == expected, f"limit {limit}"
    # Single pages that start deep inside a day, and past the end.
    for offset in (5, 6, 17, 29, len(expected) - 1, len(expected), len(expected) + 3):
        body = assert_page(http(f"{path}?limit=3&offset={offset}"))
        assert ids(body) == expected[offset:offset + 3], f"offset {offset}"
    for viewer in (OWNER, SHORT_VIEWER, LONG_VIEWER):
        check_through_viewer(kind, viewer)


def check_through_viewer(kind, viewer):
    path = s.LIST_PATHS[kind](OWNER)
    token = s.bearer(s.jwt_for(viewer))
    shared = s.follows_of(viewer)
    for mutual, query in ((None, ""), (1, "&mutual=1"), (0, "&mutual=0")):
        expected = s.expected_order(OWNER, viewer=viewer, mutual=mutual, kind=kind)
        # (No limit=1 walk: the pages at every offset below stand for it.)
        for limit in (4, 7, 13):
            got, count = walk(kind, limit, headers=token, query=query)
            assert count == len(expected), (viewer, mutual, limit)
            assert got == expected, f"viewer {viewer} mutual {mutual} limit {limit}"
        # Single pages that start deep inside a day and across the segments' border.
        for offset in range(0, len(expected) + 2):
            body = assert_page(http(f"{path}?limit=3&offset={offset}{query}", headers=token))
            assert ids(body) == expected[offset:offset + 3], (viewer, mutual, offset)
            assert all((u["connection_status"] == "followed") == (u["id"] in shared)
                       for u in body["results"])


def test_the_lists_have_what_the_test_needs(kind):
    # Each viewer's mutual segment is neither empty nor the whole list, and
    # the owner's own list is all mutual (followings) or split (followers).
    for viewer in (SHORT_VIEWER, LONG_VIEWER):
        m = len(s.expected_order(OWNER, viewer=viewer, mutual=1, kind=kind))
        assert 5 < m < 35, (viewer, m)
    own = len(s.expected_order(OWNER, viewer=OWNER, mutual=1, kind=kind))
    assert own == (40 if kind == "followings" else 10)


def fold():
    """The upkeep, run to the end: this instance never folds by itself
    (tests/integration/run.sh), so without this every edge stays late and
    the day-count tables are never read."""
    s.sql("CALL followings_maintain(100000, @w);")


def test_deep_pages_follow_plain_sql_writes(kind):
    own, other = s.LIST_ENDS[kind]

    def edge_of(uid):
        return f"{own} = {OWNER} AND {other} = {uid}"

    # Every edge late (counted through its log row), then every edge folded
    # into the day counts.  Each write below lands on a folded state and is
    # checked before the upkeep moves it: the day counts, the unfolded log
    # rows and the pending users' correction together.
    check_everything(kind)
    # listed users soft-deleted while their edges are still counted late
    # (flag 2): a deep page's cursor must probe those users, not count them
    late_gone = (LISTED[16], LISTED[17], LISTED[18], LISTED[24])
    s.sql(f"UPDATE users SET deleted = 1 WHERE id IN {late_gone};")
    check_everything(kind)
    s.sql(f"UPDATE users SET deleted = 0 WHERE id IN {late_gone};")
    fold()
    check_everything(kind)

    # soft delete and restore of a listed user in a middle day
    s.sql(f"UPDATE users SET deleted = 1 WHERE id = {LISTED[17]};")
    check_everything(kind)
    fold()
    s.sql(f"UPDATE users SET deleted = 0 WHERE id = {LISTED[17]};")
    check_everything(kind)
    fold()

    # a new follow on an old day, with a time equal to existing ones
    s.sql(f"DELETE FROM follows WHERE {edge_of(LISTED[3])};")
    check_everything(kind)
    fold()
    s.sql("INSERT INTO follows (follower_id, followed_id, created_at) VALUES "
          f"{owner_edge(kind, LISTED[3], '2024-03-11 09:00:00')};")
    check_everything(kind)
    fold()

    # an edge moved to another day, and one moved off the owner's list
    s.sql(f"UPDATE follows SET created_at = '2024-03-20 00:00:00' WHERE {edge_of(LISTED[30])};")
    check_everything(kind)
    fold()
    s.sql(f"UPDATE follows SET {own} = {LISTED[0]} WHERE {edge_of(LISTED[31])};")
    check_everything(kind)
    fold()

    # a listed user hard-deleted (its edges go, the day counts follow)
    s.sql(f"DELETE FROM users WHERE id = {LISTED[9]};")
    check_everything(kind)
    fold()
    check_everything(kind)
