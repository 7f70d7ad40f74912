"""Community preferences: counters left out, content_availability, values
other than True/False, changes seen without a restart (followings-api.md §2
counters, §4, §6, §7).  The service runs with prefs_cache_ttl = 1."""

import time

import pytest

import support as s
from support import http, assert_page, assert_error, USER_KEYS, wait_until

OWNER = s.followings_path(s.OBJ_OWNER)
ALL_COUNTERS = s.FOLLOW_COUNTERS + s.POST_COUNTERS + s.POLL_COUNTERS


def user_keys(headers=()):
    body = assert_page(http(OWNER, headers=headers))
    keysets = {tuple(u) for u in body["results"]}
    assert len(keysets) == 1, "users of one page have different keys"
    return list(keysets.pop())


def without(*names):
    return [k for k in USER_KEYS if k not in names]


def wait_keys(expected, headers=()):
    _, took = wait_until(lambda: user_keys(headers) == expected, s.PREFS_DEADLINE,
                         what=f"user keys == {expected}")
    return took


def test_defaults_show_every_counter():
    assert user_keys() == USER_KEYS


@pytest.mark.parametrize("section,name,gone", [
    ("configurations", "follow_enabled", s.FOLLOW_COUNTERS),
    ("configurations", "post_type_enabled", s.POST_COUNTERS),
    ("addons", "polls_enabled", s.POLL_COUNTERS),
])
def test_counter_left_out_when_preference_false(prefs, section, name, gone):
    prefs(section, name, "False")
    wait_keys(without(*gone))
    # the other keys keep their order; an authenticated viewer sees the same
    assert user_keys(s.bearer(s.jwt_for(s.VIEWER))) == without(*gone)
    prefs(section, name, "True")
    wait_keys(USER_KEYS)


def test_all_counters_left_out(prefs):
    prefs("configurations", "follow_enabled", "False")
    prefs("configurations", "post_type_enabled", "False")
    prefs("addons", "polls_enabled", "False")
    wait_keys(without(*ALL_COUNTERS))
    body = assert_page(http(OWNER))
    for u in body["results"]:
        for k in ALL_COUNTERS:
            assert k not in u          # absent, not null
    # categories_counter is not governed by any preference
    assert all("categories_counter" in u for u in body["results"])


def test_values_other_than_true_or_false_count_as_true(prefs):
    # First make every counter disappear, so that the cache surely reloads.
    prefs("configurations", "follow_enabled", "False")
    prefs("configurations", "post_type_enabled", "False")
    prefs("addons", "polls_enabled", "False")
    wait_keys(without(*ALL_COUNTERS))
    prefs("configurations", "follow_enabled", "false")
    prefs("configurations", "post_type_enabled", "0")
    prefs("addons", "polls_enabled", "")
    wait_keys(USER_KEYS)
    prefs("configurations", "follow_enabled", "False")
    wait_keys(without(*s.FOLLOW_COUNTERS))
    prefs("configurations", "follow_enabled", "no")
    prefs("configurations", "post_type_enabled", "FALSE")
    prefs("addons", "polls_enabled", "off")
    wait_keys(USER_KEYS)


def test_preference_section_matters(prefs):
    # polls_enabled lives in "addons"; the same name elsewhere changes nothing.
    # follow_enabled=False in the same write shows when the cache has reloaded.
    prefs("configurations", "polls_enabled", "False")
    prefs("addons", "follow_enabled", "False")
    prefs("configurations", "follow_enabled", "False")
    wait_keys(without(*s.FOLLOW_COUNTERS))
    assert "polls_counter" in user_keys()


def test_counters_values_unchanged_by_preferences(prefs):
    before = {u["id"]: u for u in assert_page(http(OWNER))["results"]}
    prefs("configurations", "follow_enabled", "False")
    wait_keys(without(*s.FOLLOW_COUNTERS))
    after = {u["id"]: u for u in assert_page(http(OWNER))["results"]}
    for uid, u in after.items():
        assert u == {k: v for k, v in before[uid].items() if k not in s.FOLLOW_COUNTERS}


# ---------------------------------------------------------- content_availability

def anonymous_status():
    return http(OWNER).status


def test_content_availability_change_takes_effect_without_restart(prefs):
    assert anonymous_status() == 200
    prefs("configurations", "content_availability", "False")
    t0 = time.monotonic()
    wait_until(lambda: anonymous_status() == 401, s.PREFS_DEADLINE,
               what="anonymous request refused after content_availability=False")
    assert time.monotonic() - t0 <= s.PREFS_DEADLINE
    assert_error(http(OWNER), 401, "not_authenticated")
    # credentials still work
    assert_page(http(OWNER, headers=s.bearer(s.OPAQUE_VALID)))
    assert_page(http(OWNER, headers=s.bearer(s.jwt_for(s.VIEWER))))
    prefs("configurations", "content_availability", "True")
    wait_until(lambda: anonymous_status() == 200, s.PREFS_DEADLINE,
               what="anonymous request allowed again after content_availability=True")


def test_content_availability_false_refuses_anonymous_everywhere(prefs):
    prefs("configurations", "content_availability", "False")
    wait_until(lambda: anonymous_status() == 401, s.PREFS_DEADLINE, what="anonymous refused")
    for path in (OWNER, OWNER + "?limit=2&offset=1", s.followings_path(s.WALKER) + "?mutual=1"):
        assert_error(http(path), 401, "not_authenticated")
        h = http(path, method="HEAD")
        assert h.status == 401 and h.header("WWW-Authenticate") == s.WWW_AUTHENTICATE
    # any other scheme is ignored: as if no header were sent
    for hdr in ("Authorization: Basic dXNlcjpwYXNz", "Authorization: Digest username=x",
                "Authorization: Negotiate abc", "Authorization: tok-101-valid"):
        assert_error(http(OWNER, headers=[hdr]), 401, "not_authenticated")
    # precedence: 401 before 400 and before 404 for an unknown/deleted user,
    # after 405 and 301 and 404 for an unserved path
    assert_error(http(OWNER + "?limit=abc"), 401, "not_authenticated")
    assert_error(http(s.followings_path(s.MISSING_USER)), 401, "not_authenticated")
    assert_error(http(s.followings_path(s.DELETED_USER)), 401, "not_authenticated")
    assert_error(http(OWNER, method="POST", data=""), 405, "method_not_allowed")
    assert_error(http("/api/v2/user/x/followings/"), 404, "not_found")
    r = http("/api/v2/user/10/followings")
    assert r.status == 301
    # and the second instance reads the same preference
    assert_error(http(OWNER, port=s.BASEURL_PORT), 401, "not_authenticated")


@pytest.mark.parametrize("value", ["false", "0", "", "no"])
def test_content_availability_other_values_count_as_true(prefs, value):
    prefs("configurations", "content_availability", "False")
    wait_until(lambda: anonymous_status() == 401, s.PREFS_DEADLINE, what="anonymous refused")
    prefs("configurations", "content_availability", value)
    wait_until(lambda: anonymous_status() == 200, s.PREFS_DEADLINE,
               what=f"content_availability={value!r} read as True")
