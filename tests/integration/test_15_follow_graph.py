"""is_followed, is_follower and counters (follow-graph-api.md §2, §3, §4)
behind nginx, right after plain-SQL writes by other programs.

The test makes its own users: P and Q (whom the fixture viewer 101 follows,
or is followed by, as each test needs) and R (a bystander); every answer is
checked against the contract tables as well as against numbers worked out by
hand."""

import pytest

import support as s
from support import http, assert_json, assert_error
from auth_cases import VALID, INVALID, EMPTY, IGNORED, ids_of

P, Q, R = 710, 711, 712
OURS = (P, Q, R)
V = s.VIEWER


def is_followed(uid):
    return f"/api/v2/user/{uid}/is_followed/"


def is_follower(uid):
    return f"/api/v2/user/{uid}/is_follower/"


def counters(uid):
    return f"/api/v2/user/{uid}/counters/"


VIEWER_JWT = lambda: [f"Authorization: Bearer {s.jwt_for(V)}"]
VIEWER_TOKEN = lambda: [f"Authorization: Bearer {s.OPAQUE_VALID}"]


@pytest.fixture
def people():
    s.sql(f"DELETE FROM users WHERE id IN {OURS};")
    s.sql("INSERT INTO users (id, username, date_joined, categories_counter, posts_counter,"
          " discussions_counter, polls_counter) VALUES "
          f"({P}, 'graph{P}', '2024-01-01 00:00:00', 3, 44, 5, 6), "
          f"({Q}, 'graph{Q}', '2024-01-01 00:00:00', 0, 0, 0, 0), "
          f"({R}, 'graph{R}', '2024-01-01 00:00:00', 0, 0, 0, 0);")
    yield
    s.sql(f"DELETE FROM users WHERE id IN {OURS};")


def edge(a, b):
    return s.sql_ints(f"SELECT COUNT(*) FROM follows WHERE follower_id = {a} AND followed_id = {b};")[0] == 1


def flag(path, key, headers):
    body = assert_json(http(path, headers=headers))
    assert list(body) == [key], body
    assert isinstance(body[key], bool), body
    return body[key]


def check_relation(headers):
    """Both answers for P, Q and R, from the viewer V, against the follows table."""
    for uid in OURS:
        assert flag(is_followed(uid), "is_followed", headers) is edge(V, uid), f"is_followed {uid}"
        assert flag(is_follower(uid), "is_follower", headers) is edge(uid, V), f"is_follower {uid}"


# ------------------------------------------------------------ is_followed / is_follower

@pytest.mark.parametrize("creds", [VIEWER_JWT, VIEWER_TOKEN], ids=["jwt", "opaque"])
def test_relation_follows_plain_sql_writes(people, creds):
    h = creds()
    check_relation(h)
    assert not flag(is_followed(P), "is_followed", h)

    s.sql(f"INSERT INTO follows (follower_id, followed_id, created_at) VALUES ({V}, {P}, NOW(6));")
    assert flag(is_followed(P), "is_followed", h) is True
    assert flag(is_follower(P), "is_follower", h) is False
    check_relation(h)

    s.sql(f"INSERT INTO follows (follower_id, followed_id, created_at) VALUES ({Q}, {V}, NOW(6));")
    assert flag(is_follower(Q), "is_follower", h) is True
    assert flag(is_followed(Q), "is_followed", h) is False
    check_relation(h)

    s.sql(f"INSERT INTO follows (follower_id, followed_id, created_at) VALUES ({V}, {Q}, NOW(6));")
    assert flag(is_followed(Q), "is_followed", h) is True
    assert flag(is_follower(Q), "is_follower", h) is True

    s.sql(f"DELETE FROM follows WHERE follower_id = {V} AND followed_id = {P};")
    assert flag(is_followed(P), "is_followed", h) is False
    check_relation(h)

    # A soft-deleted {id} is 404 at once, and back when restored.
    s.sql(f"UPDATE users SET deleted = 1 WHERE id = {Q};")
    assert_error(http(is_followed(Q), headers=h), 404, "not_found")
    assert_error(http(is_follower(Q), headers=h), 404, "not_found")
    s.sql(f"UPDATE users SET deleted = 0 WHERE id = {Q};")
    assert flag(is_followed(Q), "is_followed", h) is True

    # A hard delete cascades: Q is gone.
    s.sql(f"DELETE FROM users WHERE id = {Q};")
    assert_error(http(is_followed(Q), headers=h), 404, "not_found")


def test_relation_of_the_viewer_with_themself_is_false():
    for creds in (VIEWER_JWT, VIEWER_TOKEN):
        assert flag(is_followed(V), "is_followed", creds()) is False
        assert flag(is_follower(V), "is_follower", creds()) is False


def test_relation_unknown_or_deleted_id_is_404():
    for uid in (s.MISSING_USER, s.DELETED_USER, s.INT64_MAX - 1):
        for path in (is_followed(uid), is_follower(uid)):
            assert_error(http(path, headers=VIEWER_JWT()), 404, "not_found")


def test_relation_without_credentials_is_401_even_when_reading_is_open():
    for path in (is_followed(s.WALKER), is_follower(s.WALKER)):
        resp = http(path)
        assert_error(resp, 401, "not_authenticated")
        assert resp.header("WWW-Authenticate") == s.WWW_AUTHENTICATE
        # ... and for an unknown user too: 401 before 404.
        assert_error(http(is_followed(s.MISSING_USER)), 401, "not_authenticated")


@pytest.mark.parametrize("name,build", VALID, ids=ids_of(VALID))
def test_relation_valid_credentials(name, build):
    # The fixture viewer follows WALKER (100)? Ask the table, not a memory.
    assert flag(is_followed(s.WALKER), "is_followed", build()) is edge(V, s.WALKER)
    assert flag(is_follower(s.WALKER), "is_follower", build()) is edge(s.WALKER, V)


@pytest.mark.parametrize("name,build", INVALID, ids=ids_of(INVALID))
def test_relation_invalid_credentials_are_401(name, build):
    assert_error(http(is_followed(s.WALKER), headers=build()), 401, "authentication_failed")
    assert_error(http(is_follower(s.MISSING_USER), headers=build()), 401, "authentication_failed")


@pytest.mark.parametrize("name,build", EMPTY, ids=ids_of(EMPTY))
def test_relation_empty_token_is_401(name, build):
    resp = http(is_followed(s.WALKER), headers=build())
    code = assert_json(resp, 401)["errors"][0]["code"]
    assert code in ("authentication_failed", "not_authenticated"), resp


@pytest.mark.parametrize("name,build", IGNORED, ids=ids_of(IGNORED))
def test_relation_other_schemes_are_as_if_absent(name, build):
    assert_error(http(is_follower(s.WALKER), headers=build()), 401, "not_authenticated")


def test_relation_follow_mode_off_is_403_after_401_before_404(prefs):
    prefs("configurations", "follow_enabled", "False")
    s.wait_until(lambda: http(is_followed(s.WALKER), headers=VIEWER_JWT()).status == 403,
                 s.PREFS_DEADLINE, what="follow_enabled=False in effect")
    for path in (is_followed(s.WALKER), is_follower(s.WALKER)):
        assert_error(http(path, headers=VIEWER_JWT()), 403, "permission_denied")
        assert_error(http(path, headers=VIEWER_TOKEN()), 403, "permission_denied")
        assert http(path, method="HEAD", headers=VIEWER_JWT()).status == 403
        # 401 comes first ...
        assert_error(http(path), 401, "not_authenticated")
        assert_error(http(path, headers=s.bearer("no-such-token")), 401, "authentication_failed")
    # ... and 403 before 404 for an unknown or deleted user.
    assert_error(http(is_followed(s.MISSING_USER), headers=VIEWER_JWT()), 403, "permission_denied")
    assert_error(http(is_follower(s.DELETED_USER), headers=VIEWER_JWT()), 403, "permission_denied")
    # 404 path, 301 and 405 still come before it.
    assert_error(http("/api/v2/user/x/is_followed/", headers=VIEWER_JWT()), 404, "not_found")
    assert http(f"/api/v2/user/{s.WALKER}/is_followed", headers=VIEWER_JWT()).status == 301
    assert_error(http(is_followed(s.WALKER), method="POST", data="", headers=VIEWER_JWT()),
                 405, "method_not_allowed")


def test_relation_is_read_whatever_content_availability_says(prefs):
    prefs("configurations", "content_availability", "False")
    s.wait_until(lambda: http(s.followings_path(s.WALKER)).status == 401, s.PREFS_DEADLINE,
                 what="content_availability=False in effect")
    assert_error(http(is_followed(s.WALKER)), 401, "not_authenticated")
    assert flag(is_followed(s.WALKER), "is_followed", VIEWER_JWT()) is edge(V, s.WALKER)


def test_relation_ignores_query_parameters():
    h = VIEWER_JWT()
    plain = flag(is_followed(s.WALKER), "is_followed", h)
    for q in ("?limit=abc", "?offset=-1&mutual=7", "?%zz=1", "?" + "x=1&" * 500):
        assert flag(is_followed(s.WALKER) + q, "is_followed", h) is plain, q


# ------------------------------------------------------------ counters

COUNTER_KEYS = ["followings", "followers", "categories", "posts", "discussions", "polls"]


def expected_counters_body(uid):
    fo, fr = s.expected_counters(uid)
    cat, posts, disc, polls = (int(v) for v in s.sql(
        "SELECT categories_counter, posts_counter, discussions_counter, polls_counter"
        f" FROM users WHERE id = {uid};")[0])
    return {"followings": fo, "followers": fr, "categories": cat, "posts": posts,
            "discussions": disc, "polls": polls}


def get_counters(uid, headers=()):
    resp = http(counters(uid), headers=headers)
    body = assert_json(resp)
    return body, list(body)


def test_counters_keys_order_and_values(people):
    body, keys = get_counters(P)
    assert keys == COUNTER_KEYS
    assert body == {"followings": 0, "followers": 0, "categories": 3, "posts": 44,
                    "discussions": 5, "polls": 6}
    for uid in (s.OBJ_OWNER, s.PAGER, s.WALKER, V, s.LONELY):
        assert get_counters(uid)[0] == expected_counters_body(uid), uid


def test_counters_equal_the_user_objects_counters():
    owner = s.OBJ_OWNER
    shown = {u["id"]: u for u in s.assert_page(http(s.followings_path(owner) + "?limit=100"))["results"]}
    assert shown
    for uid, u in shown.items():
        body = get_counters(uid)[0]
        assert body["followings"] == u["followings_counter"], uid
        assert body["followers"] == u["followers_counter"], uid
        assert body["posts"] == u["posts_counter"] and body["polls"] == u["polls_counter"], uid
        assert body["discussions"] == u["discussions_counter"], uid
        assert body["categories"] == u["categories_counter"], uid


def test_counters_follow_plain_sql_writes(people):
    def check(expected):
        for uid, (fo, fr) in expected.items():
            assert s.expected_counters(uid) == (fo, fr), f"hand count of {uid} disagrees with SQL"
            body = get_counters(uid)[0]
            assert (body["followings"], body["followers"]) == (fo, fr), uid

    check({P: (0, 0), Q: (0, 0), R: (0, 0)})
    s.sql("INSERT INTO follows (follower_id, followed_id, created_at) VALUES "
          f"({P}, {Q}, NOW(6)), ({P}, {R}, NOW(6)), ({Q}, {P}, NOW(6)), ({R}, {P}, NOW(6));")
    check({P: (2, 2), Q: (1, 1), R: (1, 1)})
    s.sql(f"UPDATE users SET posts_counter = 45, polls_counter = 7 WHERE id = {P};")
    body = get_counters(P)[0]
    assert (body["posts"], body["polls"]) == (45, 7)
    # A soft-deleted user stops counting on both sides, and is 404 itself.
    s.sql(f"UPDATE users SET deleted = 1 WHERE id = {R};")
    check({P: (1, 1), Q: (1, 1)})
    assert_error(http(counters(R)), 404, "not_found")
    s.sql(f"UPDATE users SET deleted = 0 WHERE id = {R};")
    check({P: (2, 2), Q: (1, 1), R: (1, 1)})
    s.sql(f"DELETE FROM follows WHERE follower_id = {P} AND followed_id = {Q};")
    check({P: (1, 2), Q: (1, 0), R: (1, 1)})
    # A hard delete cascades.
    s.sql(f"DELETE FROM users WHERE id = {R};")
    check({P: (0, 1), Q: (1, 0)})
    assert_error(http(counters(R)), 404, "not_found")


def test_counters_unknown_or_deleted_id_is_404():
    for uid in (s.MISSING_USER, s.DELETED_USER):
        assert_error(http(counters(uid)), 404, "not_found")
        assert_error(http(counters(uid), headers=VIEWER_JWT()), 404, "not_found")


@pytest.mark.parametrize("follow,posts,polls,keys", [
    ("False", None, None, ["categories", "posts", "discussions", "polls"]),
    (None, "False", None, ["followings", "followers", "categories", "polls"]),
    (None, None, "False", ["followings", "followers", "categories", "posts", "discussions"]),
    ("False", "False", "False", ["categories"]),
])
def test_counters_preferences_leave_keys_out(prefs, follow, posts, polls, keys):
    for section, name, value in (("configurations", "follow_enabled", follow),
                                 ("configurations", "post_type_enabled", posts),
                                 ("addons", "polls_enabled", polls)):
        if value is not None:
            prefs(section, name, value)
    s.wait_until(lambda: get_counters(s.WALKER)[1] == keys, s.PREFS_DEADLINE,
                 what=f"counters keys {keys}")
    body = get_counters(s.WALKER)[0]
    full = expected_counters_body(s.WALKER)
    assert body == {k: full[k] for k in keys}


def test_counters_credentials(prefs):
    # Reading open: anonymous and valid credentials are 200, invalid is 401.
    anon = get_counters(s.WALKER)[0]
    for _, build in VALID:
        assert get_counters(s.WALKER, build())[0] == anon
    for _, build in INVALID:
        assert_error(http(counters(s.WALKER), headers=build()), 401, "authentication_failed")
    # Reading closed: a valid credential is needed; 401 before 404.
    prefs("configurations", "content_availability", "False")
    s.wait_until(lambda: http(counters(s.WALKER)).status == 401, s.PREFS_DEADLINE,
                 what="content_availability=False in effect")
    assert_error(http(counters(s.WALKER)), 401, "not_authenticated")
    assert_error(http(counters(s.MISSING_USER)), 401, "not_authenticated")
    assert_error(http(counters(s.MISSING_USER), headers=s.bearer("no-such-token")),
                 401, "authentication_failed")
    assert get_counters(s.WALKER, VIEWER_TOKEN())[0] == anon
    assert_error(http(counters(s.MISSING_USER), headers=VIEWER_JWT()), 404, "not_found")


def test_counters_ignore_query_parameters():
    plain = get_counters(s.WALKER)[0]
    for q in ("?limit=abc", "?mutual=2", "?%zz"):
        assert assert_json(http(counters(s.WALKER) + q)) == plain, q


# ------------------------------------------------------------ shared rules (§4)

ALL_PATHS = (is_followed, is_follower, counters)


@pytest.mark.parametrize("path", ALL_PATHS, ids=["is_followed", "is_follower", "counters"])
def test_head_is_get_without_a_body(path):
    h = VIEWER_JWT()
    get = http(path(s.WALKER), headers=h)
    head = http(path(s.WALKER), method="HEAD", headers=h)
    assert head.status == get.status == 200
    assert head.body == b""
    assert head.header("Content-Length") in (None, str(len(get.body)))
    assert s.is_json_content_type(head.header("Content-Type"))
    assert http(path(s.MISSING_USER), method="HEAD", headers=h).status == 404


@pytest.mark.parametrize("path", ALL_PATHS, ids=["is_followed", "is_follower", "counters"])
def test_routing_rules(path):
    p = path(s.WALKER)
    h = VIEWER_JWT()
    # 301 to the final slash, query kept.
    resp = http(p[:-1] + "?a=1", headers=h)
    assert resp.status == 301
    assert resp.header("Location").endswith(p + "?a=1"), resp
    # Other methods: 405 with Allow, before 401.
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        resp = http(p, method=method, data="")
        assert_error(resp, 405, "method_not_allowed")
        assert resp.header("Allow") == "GET, HEAD"
    # Leading zeros are the same user; a bad id or a near-miss path is 404.
    zeros = path("000" + str(s.WALKER))
    assert http(zeros, headers=h).body == http(p, headers=h).body
    for bad in (path(0), path("x"), path("%31"), p + "x", p.replace("/is_", "/IS_").replace("/counters/", "/Counters/")):
        assert_error(http(bad, headers=h), 404, "not_found")
