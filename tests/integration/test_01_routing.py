"""Paths, methods, 301 redirects, HEAD and error precedence
(followings-api.md §1 path/method, §5, §7 paths and precedence)."""

import pytest

import support as s
from support import http, assert_error, assert_page, PAGER, PAGER_FOLLOWINGS

P = s.followings_path(PAGER)


def origin(port=None):
    return f"http://127.0.0.1:{port or s.PORT}"


def test_exact_route_answers_the_list():
    body = assert_page(http(P))
    assert s.ids(body) == PAGER_FOLLOWINGS
    assert body["count"] == 5


def test_largest_id_is_served():
    body = assert_page(http(s.followings_path(s.INT64_MAX)))
    assert s.ids(body) == [21] and body["count"] == 1


@pytest.mark.parametrize("path", [
    "/api/v2/user/abc/followings/",
    "/api/v2/user/2a/followings/",
    "/api/v2/user/0x14/followings/",
    "/api/v2/user/-20/followings/",
    "/api/v2/user/+20/followings/",
    "/api/v2/user/ 20/followings/".replace(" ", "%20"),
    "/api/v2/user/9223372036854775808/followings/",          # 2^63
    "/api/v2/user/18446744073709551616/followings/",         # 2^64
    "/api/v2/user/99999999999999999999999999/followings/",
    "/api/v2/user/0/followings/",
    "/api/v2/user/0000/followings/",
    "/api/v2/user//followings/",
    "/api/v2/user/20/followings/extra/",
    "/api/v2/user/20/followings/extra",
    "/api/v2/user/20/followings/1/",
    "/api/v2/user/20/followings//",
    "/api/v2/user/20/followings/index.html",
    "/api/v2/user/%32%30/followings/",                       # "20" percent-encoded
    "/api/v2/user/2%30/followings/",
    "/api/v2/user/20/followings%2F",
    "/api/v2/user/20/%66ollowings/",
    "//api/v2/user/20/followings/",
    "/api/v2//user/20/followings/",
    "/api/v2/user//20/followings/",
    "/api/v2/user/20//followings/",
    "/api/v2/user/20/./followings/",
    "/api/v2/user/./20/followings/",
    "/api/v2/user/21/../20/followings/",
    "/api/v2/user/20/followings/.",
    "/api/v2/user/20/followings/./",
    "/api/v2/user/20/%2e/followings/",
    "/api/v2/user/20/friends/",
    "/api/v2/user/20/following/",
    "/api/v2/user/20/Followings/",
    "/api/v2/user/20/",
    "/api/v2/user/20",
    "/api/v2/user/",
])
def test_unserved_paths_are_404(path):
    assert_error(http(path), 404, "not_found")


@pytest.mark.parametrize("path", [
    "/",
    "/api/",
    "/api/v2/",
    "/api/v1/user/20/followings/",
    "/api/v2/users/20/followings/",
    "/API/v2/user/20/followings/",
    "/api/v2/user/20/followings.json",
    "/api/v2/user/20/friends",
    "/api/v2/users/20/followings",
    "/favicon.ico",
])
def test_any_other_path_reaching_the_service_is_404(path):
    # This server sends every path to the service.
    assert_error(http(path, port=s.ANY_PORT), 404, "not_found")


def test_leading_zeros_are_the_same_user_and_links_keep_the_path():
    path = "/api/v2/user/0020/followings/"
    body = assert_page(http(path + "?limit=2&offset=2"))
    assert s.ids(body) == PAGER_FOLLOWINGS[2:4]
    assert body["count"] == 5
    assert body["next"] == f"{origin()}{path}?limit=2&offset=4"
    assert body["previous"] == f"{origin()}{path}?limit=2"


def test_many_leading_zeros():
    path = "/api/v2/user/" + "0" * 30 + "20/followings/"
    body = assert_page(http(path))
    assert s.ids(body) == PAGER_FOLLOWINGS
    path = "/api/v2/user/09223372036854775807/followings/"
    assert s.ids(assert_page(http(path))) == [21]


# ------------------------------------------------------------------- 301

def assert_redirect(resp, location):
    assert resp.status == 301, resp
    assert resp.header("Location") == location, resp
    assert resp.body == b"", resp
    cl = resp.header("Content-Length")
    assert cl in (None, "0"), resp


@pytest.mark.parametrize("path,target", [
    ("/api/v2/user/20/followings", "/api/v2/user/20/followings/"),
    ("/api/v2/user/20/followings?limit=2", "/api/v2/user/20/followings/?limit=2"),
    # the query string is kept as sent: order, encoding, unknown keys
    ("/api/v2/user/20/followings?offset=1&limit=2&foo=%7e+x&foo=2&bar",
     "/api/v2/user/20/followings/?offset=1&limit=2&foo=%7e+x&foo=2&bar"),
    ("/api/v2/user/0020/followings?mutual=1", "/api/v2/user/0020/followings/?mutual=1"),
    # 301 comes before 400 and before 404 for an unknown or deleted user
    ("/api/v2/user/20/followings?limit=abc", "/api/v2/user/20/followings/?limit=abc"),
    ("/api/v2/user/999999/followings", "/api/v2/user/999999/followings/"),
    ("/api/v2/user/16/followings", "/api/v2/user/16/followings/"),
])
def test_missing_final_slash_redirects(path, target):
    assert_redirect(http(path), origin() + target)


def test_redirect_for_head():
    resp = http("/api/v2/user/20/followings?limit=2", method="HEAD")
    assert resp.status == 301
    assert resp.header("Location") == origin() + "/api/v2/user/20/followings/?limit=2"


def test_redirect_beats_405_and_401():
    target = origin() + "/api/v2/user/20/followings/"
    assert_redirect(http("/api/v2/user/20/followings", method="POST", data=""), target)
    assert_redirect(http("/api/v2/user/20/followings", method="DELETE"), target)
    assert_redirect(http("/api/v2/user/20/followings",
                         headers=s.bearer("no-such-token")), target)


def test_redirect_not_for_unserved_paths():
    for path in ("/api/v2/user/abc/followings", "/api/v2/user/0/followings",
                 "/api/v2/user/20/friends", "/api/v2/user/%32%30/followings",
                 "/api/v2/user/20/followings/extra"):
        assert_error(http(path), 404, "not_found")


def test_redirect_location_origin_rules():
    # Location follows the same origin rules as next/previous.
    path = "/api/v2/user/20/followings?limit=2"
    tail = "/api/v2/user/20/followings/?limit=2"
    assert_redirect(http(path, headers=["Host: api.example.com:80"]),
                    "http://api.example.com" + tail)
    assert_redirect(http(path, http10=True, headers=["Host:"]),
                    f"http://{s.SERVER_NAME}:{s.PORT}" + tail)
    assert_redirect(http(path, port=s.TLS_PORT, headers=["Host: api.example.com:443"]),
                    "https://api.example.com" + tail)
    assert_redirect(http(path, port=s.BASEURL_PORT), s.PUBLIC_BASE_URL + tail)


# ------------------------------------------------------------------- 405

@pytest.mark.parametrize("method,data", [
    ("POST", ""), ("POST", '{"user": 21}'), ("PUT", "{}"), ("DELETE", None),
    ("PATCH", "{}"), ("OPTIONS", None),
])
def test_other_methods_are_405(method, data):
    assert_error(http(P, method=method, data=data), 405, "method_not_allowed")


def test_405_precedence():
    # 405 comes after 404-path and 301, before 401, 400 and 404-user.
    assert_error(http("/api/v2/user/abc/followings/", method="POST", data=""), 404, "not_found")
    assert_error(http(P, method="POST", data="", headers=s.bearer("no-such-token")),
                 405, "method_not_allowed")
    assert_error(http(P + "?limit=abc", method="PUT", data=""), 405, "method_not_allowed")
    assert_error(http(s.followings_path(s.MISSING_USER), method="DELETE"),
                 405, "method_not_allowed")
    assert_error(http(s.followings_path(s.DELETED_USER), method="PATCH", data=""),
                 405, "method_not_allowed")


# ------------------------------------------------------------------- HEAD

HEAD_CASES = [
    (P, ()),
    (P + "?limit=2&offset=1&foo=bar", ()),
    (s.followings_path(s.WALKER) + "?limit=3", s.bearer(s.OPAQUE_VALID)),
    (P + "?limit=abc", ()),
    (P, s.bearer("no-such-token")),
    (s.followings_path(s.MISSING_USER), ()),
    ("/api/v2/user/abc/followings/", ()),
]


@pytest.mark.parametrize("path,headers", HEAD_CASES)
def test_head_is_get_without_body(path, headers):
    g = http(path, headers=headers)
    h = http(path, method="HEAD", headers=headers)
    assert h.status == g.status, (g, h)
    # GET carries its length; HEAD announces the same.
    assert g.header("Content-Length") == str(len(g.body)), g
    assert h.header("Content-Length") == g.header("Content-Length"), (g, h)
    for name in ("Content-Type", "Location", "Allow", "WWW-Authenticate", "Retry-After"):
        assert h.header(name) == g.header(name), (name, g, h)
    assert h.body == b""


# ------------------------------------------------------------------- precedence

def test_401_beats_400_and_404_user():
    bad = s.bearer("no-such-token")
    assert_error(http(P + "?limit=abc", headers=bad), 401, "authentication_failed")
    assert_error(http(s.followings_path(s.MISSING_USER), headers=bad), 401,
                 "authentication_failed")
    assert_error(http(s.followings_path(s.DELETED_USER) + "?offset=-1", headers=bad), 401,
                 "authentication_failed")


def test_400_beats_404_user():
    s.assert_field_errors(http(s.followings_path(s.MISSING_USER) + "?limit=0"), ["limit"])
    s.assert_field_errors(http(s.followings_path(s.DELETED_USER) + "?offset=-1"), ["offset"])


def test_unknown_and_deleted_users_are_404():
    assert_error(http(s.followings_path(s.MISSING_USER)), 404, "not_found")
    assert_error(http(s.followings_path(s.DELETED_USER)), 404, "not_found")
    assert_error(http(s.followings_path(s.DELETED_WITH_TOKEN) + "?limit=2"), 404, "not_found")
    # with valid credentials too
    assert_error(http(s.followings_path(s.DELETED_USER), headers=s.bearer(s.OPAQUE_VALID)),
                 404, "not_found")


def test_user_without_followings():
    body = assert_page(http(s.followings_path(s.LONELY)))
    assert body == {"count": 0, "next": None, "previous": None, "results": []}
