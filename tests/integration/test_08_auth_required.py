"""Credentials with content_availability = False: a valid token is required
(followings-api.md §4, §5, §7 precedence)."""

import pytest

import support as s
from support import http, assert_page, assert_error, assert_field_errors
from auth_cases import VALID, INVALID, EMPTY, IGNORED, ids_of

WALK = s.followings_path(s.WALKER)
PROBE = WALK + "?mutual=1&limit=1"


@pytest.fixture(scope="module", autouse=True)
def auth_required():
    s.set_pref("configurations", "content_availability", "False")
    s.wait_until(lambda: http(PROBE).status == 401, s.PREFS_DEADLINE,
                 what="content_availability=False in effect")
    yield
    s.restore_default_prefs()


def test_no_credentials_is_401_not_authenticated():
    assert_error(http(PROBE), 401, "not_authenticated")
    resp = http(PROBE, method="HEAD")
    assert resp.status == 401 and resp.header("WWW-Authenticate") == s.WWW_AUTHENTICATE


@pytest.mark.parametrize("name,build", VALID, ids=ids_of(VALID))
def test_valid_credentials(name, build):
    assert assert_page(http(PROBE, headers=build()))["count"] == 20


@pytest.mark.parametrize("name,build", INVALID, ids=ids_of(INVALID))
def test_invalid_credentials_are_401(name, build):
    assert_error(http(PROBE, headers=build()), 401, "authentication_failed")


@pytest.mark.parametrize("name,build", EMPTY, ids=ids_of(EMPTY))
def test_empty_token_is_401(name, build):
    resp = http(PROBE, headers=build())
    code = s.assert_json(resp, 401)["errors"][0]["code"]
    assert code in ("authentication_failed", "not_authenticated"), resp
    assert_error(resp, 401, code)


@pytest.mark.parametrize("name,build", IGNORED, ids=ids_of(IGNORED))
def test_other_schemes_are_as_if_absent(name, build):
    assert_error(http(PROBE, headers=build()), 401, "not_authenticated")


def test_precedence_with_credentials_required():
    bad = s.bearer("no-such-token")
    good = s.bearer(s.OPAQUE_VALID)
    # 404 path, 301 and 405 come before 401
    assert_error(http("/api/v2/user/x/followings/"), 404, "not_found")
    assert http("/api/v2/user/100/followings").status == 301
    assert_error(http(WALK, method="POST", data=""), 405, "method_not_allowed")
    assert_error(http(WALK, method="DELETE", headers=bad), 405, "method_not_allowed")
    # 401 comes before 400 and 404-user
    assert_error(http(WALK + "?limit=abc"), 401, "not_authenticated")
    assert_error(http(WALK + "?limit=abc", headers=bad), 401, "authentication_failed")
    assert_error(http(s.followings_path(s.MISSING_USER)), 401, "not_authenticated")
    assert_error(http(s.followings_path(s.MISSING_USER), headers=bad), 401,
                 "authentication_failed")
    # with valid credentials: 400, then 404-user
    assert_field_errors(http(WALK + "?limit=abc", headers=good), ["limit"])
    assert_field_errors(http(s.followings_path(s.MISSING_USER) + "?offset=-1", headers=good),
                        ["offset"])
    assert_error(http(s.followings_path(s.MISSING_USER), headers=good), 404, "not_found")
    assert_error(http(s.followings_path(s.DELETED_USER), headers=good), 404, "not_found")


def test_links_unchanged_for_authenticated_caller():
    body = assert_page(http(WALK + "?limit=7&offset=7&mutual=1",
                            headers=s.bearer(s.OPAQUE_VALID)))
    assert body["next"] == s.link(WALK, [("mutual", "1")], 7, 14)
    assert body["previous"] == s.link(WALK, [("mutual", "1")], 7)
