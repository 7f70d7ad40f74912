"""count, next and previous: offsets, null cases, query strings rebuilt with
sorted keys, absolute URLs from Host / SERVER_NAME:SERVER_PORT / HTTPS /
base_url (followings-api.md §2, §7, and the query-string decisions of the
project's interface)."""

import pytest

import support as s
from support import http, assert_page, ids, link

P = s.followings_path(s.PAGER)          # 5 followings: 21..25


@pytest.mark.parametrize("limit,offset,expected_ids,next_off,prev_off", [
    # prev_off: None = no previous; "none" = previous without an offset key
    (2, 0, [21, 22], 2, None),
    (2, 1, [22, 23], 3, "none"),
    (2, 2, [23, 24], 4, "none"),
    (2, 3, [24, 25], None, 1),
    (2, 4, [25], None, 2),
    (2, 5, [], None, 3),
    (5, 0, [21, 22, 23, 24, 25], None, None),
    (4, 1, [22, 23, 24, 25], None, "none"),
    (1, 4, [25], None, 3),
    (3, 3, [24, 25], None, "none"),
    (6, 0, [21, 22, 23, 24, 25], None, None),
])
def test_page_arithmetic(limit, offset, expected_ids, next_off, prev_off):
    query = f"limit={limit}" + (f"&offset={offset}" if offset else "")
    body = assert_page(http(f"{P}?{query}"))
    assert body["count"] == 5
    assert ids(body) == expected_ids
    assert body["next"] == (None if next_off is None else link(P, [], limit, next_off))
    if prev_off is None:
        assert body["previous"] is None
    elif prev_off == "none":
        assert body["previous"] == link(P, [], limit)
    else:
        assert body["previous"] == link(P, [], limit, prev_off)


def test_offset_zero_explicit_has_no_previous():
    body = assert_page(http(f"{P}?limit=2&offset=0"))
    assert body["previous"] is None
    assert body["next"] == link(P, [], 2, 2)


def test_count_is_a_number():
    body = assert_page(http(f"{P}?limit=1"))
    assert type(body["count"]) is int
    assert b'"count":5' in http(f"{P}?limit=1").body.replace(b" ", b"")


def test_links_keep_mutual_and_unknown_parameters_sorted():
    q = "zeta=last&mutual=0&limit=2&alpha=first&offset=1"
    body = assert_page(http(f"{P}?{q}"))
    assert ids(body) == [22, 23]
    assert body["next"] == (
        f"http://127.0.0.1:{s.PORT}{P}?alpha=first&limit=2&mutual=0&offset=3&zeta=last")
    assert body["previous"] == (
        f"http://127.0.0.1:{s.PORT}{P}?alpha=first&limit=2&mutual=0&zeta=last")


def test_links_carry_default_limit():
    body = assert_page(http(s.followings_path(s.WALKER) + "?foo=1"))
    assert body["next"] == link(s.followings_path(s.WALKER), [("foo", "1")], 20, 20)


@pytest.mark.parametrize("query,params", [
    # value decoded, then re-encoded: space as '+', unreserved kept, %XX upper
    ("foo=a+b", [("foo", "a b")]),
    ("foo=a%20b", [("foo", "a b")]),
    ("foo=%41%62%63", [("foo", "Abc")]),
    ("foo=%7e~._-", [("foo", "~~._-")]),
    ("foo=a/b:c@d", [("foo", "a/b:c@d")]),
    ("foo=%2f%3a", [("foo", "/:")]),
    ("foo=%c3%a9t%C3%A9", [("foo", "été")]),
    ("foo=%E2%82%AC", [("foo", "€")]),
    ("foo=x%26y%3Dz", [("foo", "x&y=z")]),
    ("foo=%2B", [("foo", "+")]),
    ("foo=%25", [("foo", "%")]),
    ("foo=(a)*!'", [("foo", "(a)*!'")]),
    ("foo=", [("foo", "")]),
    ("foo", [("foo", "")]),                          # bare key becomes foo=
    # repeated unknown key: every value, in order
    ("foo=2&foo=1&foo=3", [("foo", "2"), ("foo", "1"), ("foo", "3")]),
    ("b=1&a=2&b=0", [("b", "1"), ("a", "2"), ("b", "0")]),
    # keys sort byte-wise ('Z' < '_' < 'a'); encoded keys are decoded
    ("a=1&Z=2&_x=3&A=4", [("a", "1"), ("Z", "2"), ("_x", "3"), ("A", "4")]),
    ("m%C3%BCde=1", [("müde", "1")]),
    ("my+key=v", [("my key", "v")]),
    # an unknown parameter with an invalid escape is dropped from the links
    ("foo=%zz&bar=1", [("bar", "1")]),
    ("foo=%4&bar=1", [("bar", "1")]),
    ("bar=1&foo=ab%", [("bar", "1")]),
    # mutual kept as sent
    ("mutual=0&foo=1", [("mutual", "0"), ("foo", "1")]),
])
def test_query_string_rebuilt_like_drf(query, params):
    body = assert_page(http(f"{P}?{query}&limit=1&offset=1"))
    assert body["next"] == link(P, params, 1, 2), query
    assert body["previous"] == link(P, params, 1), query


def test_link_encoding_examples_spelled_out():
    # The same rules written out by hand, independent of link().
    body = assert_page(http(f"{P}?limit=1&offset=2&q=a+b%2Fc%7E&x=%c3%a9&x=1&e"))
    o = f"http://127.0.0.1:{s.PORT}{P}"
    assert body["next"] == o + "?e=&limit=1&offset=3&q=a+b%2Fc~&x=%C3%A9&x=1"
    assert body["previous"] == o + "?e=&limit=1&offset=1&q=a+b%2Fc~&x=%C3%A9&x=1"


def test_links_are_followable():
    body = assert_page(http(f"{P}?limit=2&foo=bar"))
    seen = ids(body)
    while body["next"]:
        body = assert_page(s.get_url(body["next"]))
        seen += ids(body)
    assert seen == s.PAGER_FOLLOWINGS
    # and back
    back = ids(body)
    while body["previous"]:
        body = assert_page(s.get_url(body["previous"]))
        back = ids(body) + back
    assert back == s.PAGER_FOLLOWINGS


# ------------------------------------------------------------- origin

def _next(port=None, headers=(), http10=False, path=P):
    resp = http(f"{path}?limit=2", port=port, headers=headers, http10=http10)
    return assert_page(resp)["next"]


TAIL = f"{P}?limit=2&offset=2"


def test_host_with_port_is_kept():
    assert _next() == f"http://127.0.0.1:{s.PORT}{TAIL}"
    assert _next(headers=["Host: api.example.com:8080"]) == f"http://api.example.com:8080{TAIL}"
    assert _next(headers=["Host: api.example.com:443"]) == f"http://api.example.com:443{TAIL}"


def test_host_with_default_port_drops_it():
    assert _next(headers=["Host: api.example.com:80"]) == f"http://api.example.com{TAIL}"
    assert _next(headers=["Host: api.example.com"]) == f"http://api.example.com{TAIL}"


def test_no_host_header_uses_server_name_and_port():
    # HTTP/1.0 without Host: nginx sends no HTTP_HOST
    assert _next(http10=True, headers=["Host:"]) == f"http://{s.SERVER_NAME}:{s.PORT}{TAIL}"


def test_empty_host_parameter_uses_server_name_and_port():
    # this server sends HTTP_HOST even when empty
    assert (_next(port=s.ANY_PORT, http10=True, headers=["Host:"])
            == f"http://any.example.com:{s.ANY_PORT}{TAIL}")
    assert _next(port=s.ANY_PORT) == f"http://127.0.0.1:{s.ANY_PORT}{TAIL}"


def test_https_scheme_from_https_param():
    tls = s.TLS_PORT
    assert _next(port=tls, headers=["Host: api.example.com"]) == f"https://api.example.com{TAIL}"
    assert _next(port=tls, headers=["Host: api.example.com:443"]) == f"https://api.example.com{TAIL}"
    assert _next(port=tls, headers=["Host: api.example.com:80"]) == f"https://api.example.com:80{TAIL}"
    assert _next(port=tls, headers=["Host: api.example.com:8443"]) == f"https://api.example.com:8443{TAIL}"
    assert _next(port=tls) == f"https://127.0.0.1:{tls}{TAIL}"
    assert _next(port=tls, http10=True, headers=["Host:"]) == f"https://tls.example.com:{tls}{TAIL}"


def test_https_previous_too():
    body = assert_page(http(f"{P}?limit=2&offset=3", port=s.TLS_PORT,
                            headers=["Host: api.example.com:443"]))
    assert body["previous"] == f"https://api.example.com{P}?limit=2&offset=1"


def test_base_url_overrides_scheme_host_and_port():
    base = s.PUBLIC_BASE_URL
    for headers, http10 in ((), False), (["Host: other.example.net:8080"], False), (["Host:"], True):
        body = assert_page(http(f"{P}?limit=2&offset=1&foo=x", port=s.BASEURL_PORT,
                                headers=headers, http10=http10))
        assert body["next"] == f"{base}{P}?foo=x&limit=2&offset=3"
        assert body["previous"] == f"{base}{P}?foo=x&limit=2"


def test_limit_default_and_max_are_configurable():
    # second instance: limit_default = 3, limit_max = 4
    port = s.BASEURL_PORT
    body = assert_page(http(P, port=port))
    assert ids(body) == [21, 22, 23]
    assert body["next"] == f"{s.PUBLIC_BASE_URL}{P}?limit=3&offset=3"
    body = assert_page(http(f"{P}?limit=1000", port=port))
    assert ids(body) == [21, 22, 23, 24]
    assert body["next"] == f"{s.PUBLIC_BASE_URL}{P}?limit=4&offset=4"
    body = assert_page(http(f"{P}?limit=4&offset=4", port=port))
    assert body["previous"] == f"{s.PUBLIC_BASE_URL}{P}?limit=4"
