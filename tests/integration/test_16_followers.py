"""GET /api/v2/user/{id}/followers/ (follow-graph-api.md §1): every rule of
the followings contract, mirrored, behind nginx.

The test makes its own graph: subject S with 40 followers whose follow edges
share four created_at values (ties broken by follows.id, inserted shuffled),
a soft-deleted follower, the fixture viewer 101 following every third
follower, and S following every fourth one back.  Expected orders are
computed here from the contract tables."""

import random

import pytest

import support as s
from support import http, assert_page, assert_error, assert_field_errors, ids, followers_path

S = 720
FOLLOWERS = list(range(721, 761))
GONE = 761                    # a soft-deleted follower
BYSTANDER = 762               # follows nobody, followed by nobody
OURS = [S, GONE, BYSTANDER] + FOLLOWERS
V = s.VIEWER
TIMES = ["2024-05-01 10:00:00", "2024-05-02 10:00:00.5", "2024-05-02 10:00:00.5",
         "2024-05-03 09:00:00"]


PATH = followers_path(S)


@pytest.fixture(scope="module", autouse=True)
def graph():
    rng = random.Random(1216)
    s.sql(f"DELETE FROM users WHERE id IN ({', '.join(map(str, OURS))});")
    s.sql("INSERT INTO users (id, username, date_joined, deleted) VALUES "
          + ", ".join(f"({u}, 'fol{u}', '2024-01-01 00:00:00', {int(u == GONE)})" for u in OURS) + ";")
    edges = [(f, S, TIMES[i % 4]) for i, f in enumerate(FOLLOWERS)] + [(GONE, S, TIMES[3])]
    edges += [(V, f, "2024-06-01 00:00:00") for f in FOLLOWERS[::3]]
    edges += [(S, f, "2024-06-02 00:00:00") for f in FOLLOWERS[::4]]
    rng.shuffle(edges)
    s.sql("INSERT INTO follows (follower_id, followed_id, created_at) VALUES "
          + ", ".join(f"({a}, {b}, '{t}')" for a, b, t in edges) + ";")
    yield
    s.sql(f"DELETE FROM users WHERE id IN ({', '.join(map(str, OURS))});")


def expected_followers(owner, viewer=None, mutual=None):
    return s.expected_order(owner, viewer, mutual, kind="followers")


VIEWERS = {
    "anonymous": (None, lambda: []),
    "viewer-jwt": (V, lambda: s.bearer(s.jwt_for(V))),
    "viewer-opaque": (V, lambda: [f"Authorization: Bearer {s.OPAQUE_VALID}"]),
    "self-jwt": (S, lambda: s.bearer(s.jwt_for(S))),
    "bystander": (BYSTANDER, lambda: s.bearer(s.jwt_for(BYSTANDER))),
}


def walk(query, headers, limit=7):
    return s.walk_pages(f"{PATH}?limit={limit}{query}", headers)


@pytest.mark.parametrize("viewer", list(VIEWERS))
@pytest.mark.parametrize("mutual", [None, 1, 0])
def test_walk_over_pages(viewer, mutual):
    uid, headers = VIEWERS[viewer]
    expected = expected_followers(S, uid, mutual)
    query = "" if mutual is None else f"&mutual={mutual}"
    seen, pages = walk(query, headers())
    assert seen == expected
    assert len(seen) == len(set(seen))
    assert pages[0]["count"] == len(expected)
    for p in pages[:-1]:
        assert len(p["results"]) == 7
    # previous links give the same pages back
    for i in range(len(pages) - 1, 0, -1):
        back = assert_page(s.get_url(pages[i]["previous"], headers=headers()))
        assert ids(back) == ids(pages[i - 1])
    # connection_status: "followed" exactly for the followers the viewer follows
    viewed = s.follows_of(uid) if uid is not None else set()
    for p in pages:
        for u in p["results"]:
            assert u["connection_status"] == ("followed" if u["id"] in viewed else None), u["id"]


def test_the_graph_is_what_the_test_expects():
    # 40 visible followers; 101 follows 14 of them, S follows 10 back.
    assert len(expected_followers(S)) == 40
    assert len(expected_followers(S, V, 1)) == 14
    assert len(expected_followers(S, S, 1)) == 10
    assert GONE not in expected_followers(S)
    # ties on created_at exist, so the edge id decides
    assert len(set(TIMES)) < len(TIMES)


def test_count_is_the_followers_counter():
    body = assert_page(http(PATH + "?limit=1"))
    assert body["count"] == s.expected_counters(S)[1] == 40
    counters = s.assert_json(http(f"/api/v2/user/{S}/counters/"))
    assert counters["followers"] == body["count"]


def test_viewer_is_the_user_mutual_are_the_ones_followed_back():
    h = s.bearer(s.jwt_for(S))
    body = assert_page(http(PATH + "?limit=100&mutual=1", headers=h))
    assert set(ids(body)) == set(FOLLOWERS[::4])
    assert all(u["connection_status"] == "followed" for u in body["results"])
    body = assert_page(http(PATH + "?limit=100", headers=h))
    assert ids(body)[:10] == expected_followers(S, S, 1)


def test_anonymous_nothing_is_mutual():
    body = assert_page(http(PATH + "?limit=100&mutual=1"))
    assert body["count"] == 0 and body["results"] == []
    body = assert_page(http(PATH + "?limit=100&mutual=0"))
    assert ids(body) == expected_followers(S)


@pytest.mark.parametrize("offset", [0, 1, 13, 14, 15, 39, 40, 41, 1000])
@pytest.mark.parametrize("mutual", [None, 1, 0])
def test_every_offset_through_a_viewer(offset, mutual):
    h = s.bearer(s.jwt_for(V))
    expected = expected_followers(S, V, mutual)
    query = f"?limit=3&offset={offset}" + ("" if mutual is None else f"&mutual={mutual}")
    body = assert_page(http(PATH + query, headers=h))
    assert body["count"] == len(expected)
    assert ids(body) == expected[offset:offset + 3]


def test_plain_sql_writes_show_at_once():
    h = s.bearer(s.jwt_for(V))
    try:
        # A new follower is the newest: first of the rest (V does not follow it).
        s.sql(f"INSERT INTO follows (follower_id, followed_id, created_at) VALUES ({BYSTANDER}, {S}, NOW(6));")
        assert ids(assert_page(http(PATH + "?limit=100&mutual=0", headers=h)))[0] == BYSTANDER
        assert assert_page(http(PATH))["count"] == 41
        # V follows it: it moves to the mutual segment.
        s.sql(f"INSERT INTO follows (follower_id, followed_id, created_at) VALUES ({V}, {BYSTANDER}, NOW(6));")
        assert ids(assert_page(http(PATH + "?limit=100&mutual=1", headers=h)))[0] == BYSTANDER
        # Soft delete hides it and stops counting it; a restore brings it back.
        s.sql(f"UPDATE users SET deleted = 1 WHERE id = {BYSTANDER};")
        assert BYSTANDER not in ids(assert_page(http(PATH + "?limit=100", headers=h)))
        assert assert_page(http(PATH))["count"] == 40
        s.sql(f"UPDATE users SET deleted = 0 WHERE id = {BYSTANDER};")
        assert ids(assert_page(http(PATH + "?limit=100", headers=h)))[0] == BYSTANDER
        # Unfollow: gone.
        s.sql(f"DELETE FROM follows WHERE follower_id = {BYSTANDER} AND followed_id = {S};")
        assert ids(assert_page(http(PATH + "?limit=100", headers=h))) == expected_followers(S, V)
        assert assert_page(http(PATH))["count"] == 40
    finally:
        s.sql(f"DELETE FROM follows WHERE follower_id IN ({BYSTANDER}) OR followed_id = {BYSTANDER};"
              f"UPDATE users SET deleted = 0 WHERE id = {BYSTANDER};")


def test_a_user_followed_by_nobody():
    body = assert_page(http(followers_path(BYSTANDER)))
    assert body == {"count": 0, "next": None, "previous": None, "results": []}


def test_links_are_built_on_the_followers_path():
    body = assert_page(http(PATH + "?limit=5&offset=5&mutual=0&z=1"))
    assert body["next"].endswith(f"{PATH}?limit=5&mutual=0&offset=10&z=1"), body["next"]
    assert body["previous"].endswith(f"{PATH}?limit=5&mutual=0&z=1"), body["previous"]


def test_errors_and_their_precedence(prefs):
    bad = s.bearer("no-such-token")
    assert_error(http(followers_path(s.MISSING_USER)), 404, "not_found")
    assert_error(http(followers_path(s.DELETED_USER)), 404, "not_found")
    assert_error(http(followers_path(GONE)), 404, "not_found")
    assert_field_errors(http(PATH + "?limit=abc&offset=-1"), ["limit", "offset"])
    assert_field_errors(http(followers_path(s.MISSING_USER) + "?mutual=2"), ["mutual"])
    assert_error(http(PATH, headers=bad), 401, "authentication_failed")
    assert_error(http(PATH + "?limit=abc", headers=bad), 401, "authentication_failed")
    assert http(f"/api/v2/user/{S}/followers?limit=2").status == 301
    resp = http(PATH, method="DELETE", headers=bad)
    assert_error(resp, 405, "method_not_allowed")
    head = http(PATH, method="HEAD")
    assert head.status == 200 and head.body == b""
    # Reading closed: a credential is needed, and 401 comes before 400 and 404.
    prefs("configurations", "content_availability", "False")
    s.wait_until(lambda: http(PATH).status == 401, s.PREFS_DEADLINE,
                 what="content_availability=False in effect")
    assert_error(http(PATH), 401, "not_authenticated")
    assert_error(http(followers_path(s.MISSING_USER) + "?limit=abc"), 401, "not_authenticated")
    assert assert_page(http(PATH, headers=s.bearer(s.jwt_for(V))))["count"] == 40
