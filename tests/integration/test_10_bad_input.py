"""Odd and oversized input: always a JSON answer with the contract's status,
never a 500 (followings-api.md §5 "never a 500 for bad input")."""

import pytest

import support as s
from support import http, assert_page, assert_error, assert_field_errors, ids

P = s.followings_path(s.PAGER)


def test_very_long_id_is_404():
    assert_error(http("/api/v2/user/" + "9" * 1000 + "/followings/"), 404, "not_found")
    assert_error(http("/api/v2/user/" + "0" * 1000 + "/followings/"), 404, "not_found")


def test_very_long_limit_is_400():
    assert_field_errors(http(f"{P}?limit={'9' * 3000}"), ["limit"])


def test_many_unknown_parameters():
    q = "&".join(f"k{i:04d}=v{i}" for i in range(400))
    body = assert_page(http(f"{P}?{q}&limit=2"))
    assert ids(body) == [21, 22]
    assert body["next"] == s.link(P, [(f"k{i:04d}", f"v{i}") for i in range(400)], 2, 2)


@pytest.mark.parametrize("query", [
    "&", "&&&", "limit=2&", "&limit=2", "=", "=5", "%", "%%", "%=%", "==", "limit==2x",
    "a=b=c", "%FF=%FE", "k=%F0%9F%98%80",
])
def test_odd_query_strings_do_not_break(query):
    resp = http(f"{P}?{query}")
    if query == "limit==2x":
        assert_field_errors(resp, ["limit"])       # value "=2x"
        return
    body = assert_page(resp)
    assert body["count"] == 5
    assert ids(body) == ([21, 22] if "limit=2" in query else s.PAGER_FOLLOWINGS)


def test_long_authorization_header():
    assert_error(http(P, headers=s.bearer("x" * 6000)), 401, "authentication_failed")
    assert_error(http(P, headers=s.bearer("a" * 3000 + "." + "b" * 3000 + ".c")), 401,
                 "authentication_failed")


@pytest.mark.parametrize("token", [
    "!!!.@@@.###",
    "eyJhbGciOiJIUzI1NiJ9.//79.sig",               # payload decodes to non-UTF-8
    "eyJhbGciOiJIUzI1NiJ9.e30.",                    # {} and no signature
    "e30.e30.e30",
    "eyJhbGciOiJIUzI1NiJ9.bnVsbA.x",                # payload "null"
])
def test_malformed_jwts_are_401(token):
    assert_error(http(P, headers=[f"Authorization: Bearer {token}"]), 401,
                 "authentication_failed")


def test_request_body_is_ignored_for_post():
    assert_error(http(P, method="POST", data="x" * 20000), 405, "method_not_allowed")
    # the connection stays usable
    assert_page(http(P))
