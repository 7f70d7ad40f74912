"""limit, offset, mutual: defaults, clamping, malformed values, decoding,
repeats, unknown parameters (followings-api.md §1, §5 field errors, §7)."""

import pytest

import support as s
from support import http, assert_page, assert_field_errors, ids, link

WALK = s.followings_path(s.WALKER)
P = s.followings_path(s.PAGER)


@pytest.fixture(scope="module")
def walk_all():
    """The walker's whole list, anonymous (61 users: more than the default
    limit of 20)."""
    order = s.expected_order(s.WALKER)
    assert len(order) == 61
    return order


def test_defaults(walk_all):
    body = assert_page(http(WALK))
    assert body["count"] == 61
    assert ids(body) == walk_all[:20]
    assert body["next"] == link(WALK, [], 20, 20)
    assert body["previous"] is None


@pytest.mark.parametrize("value,effective", [
    ("1", 1), ("7", 7), ("05", 5), ("%35", 5), ("100", 100), ("101", 100),
    ("1000", 100), ("9223372036854775807", 100), ("0009223372036854775807", 100),
])
def test_limit_values_and_clamping(walk_all, value, effective):
    body = assert_page(http(f"{WALK}?limit={value}"))
    assert body["count"] == 61
    assert ids(body) == walk_all[:effective]
    # links carry the effective (clamped) limit
    assert body["next"] == (link(WALK, [], effective, effective) if effective < 61 else None)


def test_clamped_limit_in_previous(walk_all):
    body = assert_page(http(f"{WALK}?limit=1000&offset=50"))
    assert ids(body) == walk_all[50:]
    assert body["next"] is None
    assert body["previous"] == link(WALK, [], 100)


@pytest.mark.parametrize("value,expected", [
    ("0", 0), ("3", 3), ("003", 3), ("%33", 3), ("60", 60),
])
def test_offset_values(walk_all, value, expected):
    body = assert_page(http(f"{WALK}?offset={value}&limit=5"))
    assert ids(body) == walk_all[expected:expected + 5]


def test_offset_past_the_end_is_empty():
    for off in (5, 6, 1000):
        body = assert_page(http(f"{P}?offset={off}&limit=2"))
        assert body["count"] == 5
        assert body["results"] == []
        assert body["next"] is None
        assert body["previous"] == link(P, [], 2, off - 2)


def test_largest_offset_does_not_overflow():
    off = s.INT64_MAX
    body = assert_page(http(f"{P}?offset={off}&limit=7"))
    assert body["count"] == 5 and body["results"] == []
    assert body["next"] is None
    assert body["previous"] == link(P, [], 7, off - 7)
    # with the largest limit too (clamped to 100)
    body = assert_page(http(f"{P}?offset={off}&limit={off}"))
    assert body["results"] == [] and body["next"] is None
    assert body["previous"] == link(P, [], 100, off - 100)


@pytest.mark.parametrize("query,fields", [
    ("limit=abc", ["limit"]),
    ("limit=0", ["limit"]),
    ("limit=000", ["limit"]),
    ("limit=-1", ["limit"]),
    ("limit=-0009", ["limit"]),
    ("limit=1.5", ["limit"]),
    ("limit=1e3", ["limit"]),
    ("limit=0x10", ["limit"]),
    ("limit=5abc", ["limit"]),
    ("limit=+5", ["limit"]),             # '+' is a space: " 5"
    ("limit=%205", ["limit"]),
    ("limit=5%20", ["limit"]),
    ("limit=%0A5", ["limit"]),
    ("limit=9223372036854775808", ["limit"]),
    ("limit=18446744073709551617", ["limit"]),
    ("limit=-9223372036854775809", ["limit"]),
    ("limit=%zz", ["limit"]),            # invalid escape on a known parameter
    ("limit=%3", ["limit"]),
    ("limit=5%00", ["limit"]),           # decoded NUL on a known parameter
    ("limit=%00", ["limit"]),
    ("offset=-5", ["offset"]),
    ("offset=-1", ["offset"]),
    ("offset=1e3", ["offset"]),
    ("offset=abc", ["offset"]),
    ("offset=+1", ["offset"]),
    ("offset=9223372036854775808", ["offset"]),
    ("offset=%zz", ["offset"]),
    ("offset=1%00", ["offset"]),
    ("mutual=2", ["mutual"]),
    ("mutual=-1", ["mutual"]),
    ("mutual=true", ["mutual"]),
    ("mutual=yes", ["mutual"]),
    ("mutual=1.0", ["mutual"]),
    ("mutual=9223372036854775808", ["mutual"]),
    ("mutual=%zz", ["mutual"]),
    ("mutual=1%00", ["mutual"]),
    # every bad field is reported, in the order limit, offset, mutual
    ("limit=abc&offset=-1&mutual=2", ["limit", "offset", "mutual"]),
    ("mutual=2&offset=-1&limit=abc", ["limit", "offset", "mutual"]),
    ("mutual=x&limit=0", ["limit", "mutual"]),
    ("offset=x&mutual=3", ["offset", "mutual"]),
    ("offset=x&limit=5", ["offset"]),
])
def test_malformed_values_are_400(query, fields):
    assert_field_errors(http(f"{P}?{query}"), fields)


def test_percent_encoded_key_is_decoded():
    body = assert_page(http(f"{P}?%6Cimit=2"))
    assert ids(body) == [21, 22]
    assert body["next"] == link(P, [], 2, 2)


@pytest.mark.parametrize("query", [
    "limit=", "limit", "offset=", "offset", "mutual=", "mutual",
    "limit=&offset=&mutual=", "limit&offset&mutual",
])
def test_empty_value_or_bare_key_is_absent(query):
    body = assert_page(http(f"{P}?{query}"))
    assert ids(body) == s.PAGER_FOLLOWINGS
    assert body["count"] == 5
    assert body["previous"] is None and body["next"] is None


def test_empty_limit_uses_default(walk_all):
    body = assert_page(http(f"{WALK}?limit=&offset=20"))
    assert ids(body) == walk_all[20:40]


def test_repeated_parameter_last_wins():
    body = assert_page(http(f"{P}?limit=1&limit=2"))
    assert ids(body) == [21, 22]
    assert body["next"] == link(P, [], 2, 2)
    body = assert_page(http(f"{P}?limit=abc&limit=2&offset=9&offset=1"))
    assert ids(body) == [22, 23]
    assert body["next"] == link(P, [], 2, 3)
    assert_field_errors(http(f"{P}?limit=2&limit=abc"), ["limit"])
    assert_field_errors(http(f"{P}?offset=0&offset=-1"), ["offset"])
    assert_field_errors(http(f"{P}?mutual=1&mutual=2"), ["mutual"])
    # mutual: the last value is the filter
    anon_mutual = assert_page(http(f"{P}?mutual=0&mutual=1"))
    assert anon_mutual["count"] == 0


@pytest.mark.parametrize("query", [
    "foo=%zz", "foo=%", "foo=%4", "foo=a%zzb", "foo=%00", "%zz=1", "foo=1%00",
    "x=%FF%FE", "foo=bar&limit=2&baz=qux", "utm_source=x&utm_source=y",
    "callback=alert(1)", "format=xml", "page=3", "cursor=abc",
])
def test_unknown_parameters_are_ignored(query):
    body = assert_page(http(f"{P}?{query}"))
    expected = [21, 22] if "limit=2" in query else s.PAGER_FOLLOWINGS
    assert ids(body) == expected
    assert body["count"] == 5


def test_mutual_values_accepted():
    for v in ("0", "1", "%30", "%31"):
        assert_page(http(f"{P}?mutual={v}"))
