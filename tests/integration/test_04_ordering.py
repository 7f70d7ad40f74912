"""Order and the mutual filter (followings-api.md §2 order, §3).

The walker (100) follows 60 walk users whose follow edges share only five
created_at values (ties broken by follows.id, which fixtures.sql shuffles),
plus the viewer (101) and a soft-deleted user.  The viewer follows every third
walk user.  Expected orders are computed here from the contract tables."""

import pytest

import support as s
from support import http, assert_page, ids

WALK = s.followings_path(s.WALKER)

VIEWERS = {
    "anonymous": (None, []),
    "viewer-jwt": (s.VIEWER, "jwt"),
    "viewer-opaque": (s.VIEWER, [f"Authorization: Bearer {s.OPAQUE_VALID}"]),
    "self-jwt": (s.WALKER, "jwt"),
    "self-opaque": (s.WALKER, [f"Authorization: Token {s.OPAQUE_WALKER}"]),
    "bystander": (s.BYSTANDER, "jwt"),
}


def auth_headers(name):
    uid, h = VIEWERS[name]
    if h == "jwt":
        return s.bearer(s.jwt_for(uid))
    return h


def walk(query, headers, limit=7):
    """Follows next links from the first page; returns (ids, pages)."""
    return s.walk_pages(f"{WALK}?limit={limit}{query}", headers)


@pytest.mark.parametrize("viewer", list(VIEWERS))
@pytest.mark.parametrize("mutual", [None, 1, 0])
def test_walk_over_pages(viewer, mutual):
    uid = VIEWERS[viewer][0]
    headers = auth_headers(viewer)
    expected = s.expected_order(s.WALKER, uid, mutual)
    query = "" if mutual is None else f"&mutual={mutual}"
    seen, pages = walk(query, headers)
    assert len(seen) == len(set(seen)), "a user repeated across pages"
    assert seen == expected
    assert pages[0]["count"] == len(expected)
    for i, p in enumerate(pages[:-1]):
        assert len(p["results"]) == 7, f"page {i} short"
    # going back with previous gives the same pages
    body = pages[-1]
    back = []
    while body["previous"]:
        body = assert_page(s.get_url(body["previous"], headers=headers))
        back.insert(0, ids(body))
    assert back == [ids(p) for p in pages[:-1]]


def test_expected_counts_from_fixture():
    # Guards the fixture itself: 61 visible followings, 20 of them followed by
    # the viewer, the viewer itself among the others.
    assert len(s.expected_order(s.WALKER)) == 61
    assert len(s.expected_order(s.WALKER, s.VIEWER, 1)) == 20
    assert s.VIEWER in s.expected_order(s.WALKER, s.VIEWER, 0)


def test_mutual_first_then_newest_follow_first():
    headers = s.bearer(s.jwt_for(s.VIEWER))
    body = assert_page(http(f"{WALK}?limit=100", headers=headers))
    viewed = s.follows_of(s.VIEWER)
    flags = [u["id"] in viewed for u in body["results"]]
    assert flags == sorted(flags, reverse=True), "mutual users are not all first"
    assert sum(flags) == 20
    # connection_status says the same thing
    assert [u["connection_status"] for u in body["results"]] == \
        ["followed" if f else None for f in flags]


def test_anonymous_order_is_by_edge_time_then_edge_id():
    rows = s.sql("SELECT f.followed_id FROM follows f JOIN users u ON u.id = f.followed_id "
                 f"WHERE f.follower_id = {s.WALKER} AND u.deleted = 0 "
                 "ORDER BY f.created_at DESC, f.id DESC;")
    expected = [int(r[0]) for r in rows]
    body = assert_page(http(f"{WALK}?limit=100"))
    assert ids(body) == expected
    assert all(u["connection_status"] is None for u in body["results"])


def test_mutual_filters_and_counts():
    v = s.bearer(s.jwt_for(s.VIEWER))
    all_ = assert_page(http(f"{WALK}?limit=100", headers=v))
    m1 = assert_page(http(f"{WALK}?limit=100&mutual=1", headers=v))
    m0 = assert_page(http(f"{WALK}?limit=100&mutual=0", headers=v))
    assert (all_["count"], m1["count"], m0["count"]) == (61, 20, 41)
    assert ids(all_) == ids(m1) + ids(m0)
    assert all(u["connection_status"] == "followed" for u in m1["results"])
    assert all(u["connection_status"] is None for u in m0["results"])


def test_anonymous_nothing_is_mutual():
    m1 = assert_page(http(f"{WALK}?mutual=1"))
    assert m1["count"] == 0 and m1["results"] == [] and m1["next"] is None
    m0 = assert_page(http(f"{WALK}?mutual=0&limit=100"))
    assert m0["count"] == 61
    assert ids(m0) == s.expected_order(s.WALKER)


def test_viewer_is_the_user_everything_is_mutual():
    h = s.bearer(s.jwt_for(s.WALKER))
    m1 = assert_page(http(f"{WALK}?mutual=1&limit=100", headers=h))
    m0 = assert_page(http(f"{WALK}?mutual=0", headers=h))
    assert m1["count"] == 61 and m0["count"] == 0 and m0["results"] == []
    assert all(u["connection_status"] == "followed" for u in m1["results"])
    assert ids(m1) == s.expected_order(s.WALKER)


def test_viewer_in_the_list_is_not_followed_by_itself():
    h = s.bearer(s.jwt_for(s.VIEWER))
    body = assert_page(http(f"{WALK}?mutual=0&limit=100", headers=h))
    me = [u for u in body["results"] if u["id"] == s.VIEWER]
    assert len(me) == 1 and me[0]["connection_status"] is None


def test_soft_deleted_followed_user_never_appears():
    for h in ([], s.bearer(s.jwt_for(s.VIEWER)), s.bearer(s.jwt_for(s.WALKER))):
        for q in ("", "&mutual=1", "&mutual=0"):
            body = assert_page(http(f"{WALK}?limit=100{q}", headers=h))
            assert 270 not in ids(body)
