"""HTTP smoke suite run behind each front end by tests/deploy/run.sh.

The same checks run against nginx + the program's own pool (--listen),
lighttpd (bin-path, max-procs 2), Apache + mod_fcgid and spawn-fcgi + nginx:
statuses 200/301/400/401/404/405, HEAD, one full paging walk compared with
the order computed from the contract tables, and credentials (401 for a bad
token, 200 as the viewer with a JWT and with an opaque token); then
followers, is_followed, is_follower and counters against the contract tables.

Environment (set by run.sh):
    DEPLOY_FRONT           name of the front end (for messages)
    FOLLOWINGS_PORT        its port on 127.0.0.1
    FOLLOWINGS_DB_SOCKET, FOLLOWINGS_DB_NAME, FOLLOWINGS_JWT_SECRET
                           read by tests/integration/support.py (reused here:
                           curl wrapper, expected order, JWT minting)
"""

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

import support as s  # noqa: E402  (tests/integration/support.py)
from support import http, assert_error, assert_page, assert_field_errors, ids  # noqa: E402

FRONT = os.environ.get("DEPLOY_FRONT", "?")
ORIGIN = f"http://127.0.0.1:{s.PORT}"
P = s.followings_path(s.PAGER)
WALK = s.followings_path(s.WALKER)


def _check_env():
    missing = [v for v in ("FOLLOWINGS_PORT", "FOLLOWINGS_DB_SOCKET", "FOLLOWINGS_DB_NAME",
                           "FOLLOWINGS_JWT_SECRET") if not os.environ.get(v)]
    if missing:
        pytest.exit(f"run tests/deploy/run.sh (missing: {', '.join(missing)})", returncode=2)


_check_env()


def test_200_list():
    resp = http(P)
    body = assert_page(resp)
    assert ids(body) == s.PAGER_FOLLOWINGS, resp
    assert body["count"] == 5 and body["next"] is None and body["previous"] is None
    assert resp.header("Content-Length") == str(len(resp.body)), resp


def test_200_links_use_front_end_host_and_port():
    body = assert_page(http(P + "?limit=2"))
    assert body["next"] == f"{ORIGIN}{P}?limit=2&offset=2", body
    body = assert_page(http(P + "?limit=2&offset=2"))
    assert body["previous"] == f"{ORIGIN}{P}?limit=2", body


def test_301_keeps_host_port_and_query():
    resp = http("/api/v2/user/20/followings?limit=2")
    assert resp.status == 301, resp
    assert resp.header("Location") == f"{ORIGIN}{P}?limit=2", resp
    assert resp.body == b"", resp


def test_400_field_error():
    assert_field_errors(http(P + "?limit=abc"), ["limit"])


def test_401_bad_token():
    assert_error(http(P, headers=s.bearer("no-such-token")), 401, "authentication_failed")


@pytest.mark.parametrize("path", [
    "/api/v2/user/abc/followings/",
    "/api/v2/user/20/friends/",
    s.followings_path(s.MISSING_USER),
])
def test_404(path):
    assert_error(http(path), 404, "not_found")


def test_405():
    resp = http(P, method="POST", data="x=1")
    assert_error(resp, 405, "method_not_allowed")


@pytest.mark.parametrize("path,headers", [
    (P, ()),
    (P + "?limit=abc", ()),
    (P, ("Authorization: Bearer no-such-token",)),
])
def test_head_is_get_without_body(path, headers):
    g = http(path, headers=list(headers))
    h = http(path, method="HEAD", headers=list(headers))
    assert h.status == g.status, (g, h)
    for name in ("Content-Type", "WWW-Authenticate"):
        assert h.header(name) == g.header(name), (name, g, h)
    # The service announces the GET's length on HEAD; a front end may drop
    # the header on HEAD, but must not announce another length.
    cl = h.header("Content-Length")
    assert cl is None or cl == str(len(g.body)), (g, h)
    assert h.body == b""


@pytest.mark.parametrize("kind", ["jwt", "opaque"])
def test_credentials_reach_the_service(kind):
    """Authorization gets through the front end: as the viewer (101) the
    walker's list has 20 mutual users; anonymously it has none."""
    headers = s.bearer(s.jwt_for(s.VIEWER)) if kind == "jwt" else s.bearer(s.OPAQUE_VALID)
    assert assert_page(http(WALK + "?mutual=1&limit=1", headers=headers))["count"] == 20
    assert assert_page(http(WALK + "?mutual=1&limit=1"))["count"] == 0


def test_full_paging_walk():
    """Every page of the walker's list as the viewer, following next links
    (which must point at this front end), then back with previous."""
    headers = s.bearer(s.jwt_for(s.VIEWER))
    expected = s.expected_order(s.WALKER, s.VIEWER)
    body = assert_page(http(WALK + "?limit=7", headers=headers))
    pages = [body]
    seen = ids(body)
    while body["next"]:
        assert body["next"].startswith(ORIGIN + WALK + "?"), body["next"]
        assert len(pages) < 20, "too many pages"
        body = assert_page(s.get_url(body["next"], headers=headers))
        assert body["count"] == len(expected)
        pages.append(body)
        seen += ids(body)
    assert seen == expected, f"{FRONT}: walk order differs"
    assert len(pages) == (len(expected) + 6) // 7
    back = []
    while body["previous"]:
        assert body["previous"].startswith(ORIGIN + WALK + "?"), body["previous"]
        body = assert_page(s.get_url(body["previous"], headers=headers))
        back.insert(0, ids(body))
    assert back == [ids(p) for p in pages[:-1]]


# The rest of the follow graph (follow-graph-api.md §2, §3) behind the same front end.

def _flag(path, key, headers=()):
    body = s.assert_json(http(path, headers=headers))
    assert list(body) == [key] and isinstance(body[key], bool), body
    return body[key]


@pytest.mark.parametrize("kind", ["jwt", "opaque"])
def test_is_followed_and_is_follower(kind):
    creds = (s.bearer(s.jwt_for(s.VIEWER)) if kind == "jwt" else s.bearer(s.OPAQUE_VALID))
    follows = s.follows_of(s.VIEWER)
    assert follows, "the fixture viewer follows someone"
    for uid in (s.WALKER, s.PAGER, s.OBJ_OWNER, sorted(follows)[0]):
        assert _flag(f"/api/v2/user/{uid}/is_followed/", "is_followed", creds) is (uid in follows)
        assert _flag(f"/api/v2/user/{uid}/is_follower/", "is_follower", creds) is (
            s.VIEWER in s.follows_of(uid))
    assert_error(http(f"/api/v2/user/{s.WALKER}/is_followed/"), 401, "not_authenticated")
    assert_error(http(f"/api/v2/user/{s.MISSING_USER}/is_follower/", headers=creds), 404, "not_found")
    resp = http(f"/api/v2/user/{s.WALKER}/is_followed", headers=creds)
    assert resp.status == 301 and resp.header("Location") == (
        f"{ORIGIN}/api/v2/user/{s.WALKER}/is_followed/"), resp
    resp = http(f"/api/v2/user/{s.WALKER}/is_follower/", method="HEAD", headers=creds)
    assert resp.status == 200 and resp.body == b"", resp


def test_counters():
    path = f"/api/v2/user/{s.WALKER}/counters/"
    body = s.assert_json(http(path))
    assert list(body) == ["followings", "followers", "categories", "posts", "discussions", "polls"]
    assert (body["followings"], body["followers"]) == s.expected_counters(s.WALKER), body
    assert_error(http(path, headers=s.bearer("no-such-token")), 401, "authentication_failed")
    assert_error(http(f"/api/v2/user/{s.MISSING_USER}/counters/"), 404, "not_found")
    assert_error(http(path, method="POST", data=""), 405, "method_not_allowed")


def test_followers():
    """The followers list of the fixture walker, through the viewer, against the contract tables."""
    path = f"/api/v2/user/{s.WALKER}/followers/"
    rows = s.sql("SELECT f.follower_id FROM follows f JOIN users u ON u.id = f.follower_id "
                 f"WHERE f.followed_id = {s.WALKER} AND u.deleted = 0 ORDER BY f.created_at DESC, f.id DESC;")
    newest_first = [int(r[0]) for r in rows]
    viewed = s.follows_of(s.VIEWER)
    expected = [u for u in newest_first if u in viewed] + [u for u in newest_first if u not in viewed]
    body = assert_page(http(path + "?limit=100", headers=s.bearer(s.OPAQUE_VALID)))
    assert ids(body) == expected and body["count"] == len(expected), body
    assert body["count"] == s.expected_counters(s.WALKER)[1]
    resp = http(f"/api/v2/user/{s.WALKER}/followers?limit=1")
    assert resp.status == 301 and resp.header("Location") == f"{ORIGIN}{path}?limit=1", resp
