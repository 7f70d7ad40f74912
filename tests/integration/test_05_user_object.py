"""The User object: keys and their order, types, values from the contract
tables, dates, tags, connection_status, JSON escaping, no private fields
(followings-api.md §2 "User object")."""

import re

import pytest

import support as s
from support import http, assert_page, ids, USER_KEYS, TAG_KEYS

OWNER = s.followings_path(s.OBJ_OWNER)

TAG1 = {"id": 1, "active": True, "name": "first", "type": "user",
        "description": 'Tag "one"', "color": "#ff0000", "visible": True,
        "visibility_boost": True, "created_at": "2023-01-02T03:04:05.123456Z",
        "deleted": False}
TAG5 = {"id": 5, "active": True, "name": "second", "type": "category",
        "description": None, "color": None, "visible": True,
        "visibility_boost": False, "created_at": "2023-05-06T07:08:09Z",
        "deleted": False}
TAG7 = {"id": 7, "active": True, "name": "café ☕", "type": "contribution",
        "description": "multi\nline", "color": "#00ff00", "visible": True,
        "visibility_boost": False, "created_at": "2023-07-08T09:10:11.000100Z",
        "deleted": False}

# Spelled out from fixtures.sql (the values, not the service's output).
EXPECTED = {
    11: {
        "id": 11, "username": "zoë_full", "real_name": 'Zoë "Zed" O\'Brien \\ 😀',
        "avatar": "https://cdn.example.com/avatars/11.png", "ext_id": "ext-11",
        "followings_counter": 1, "followers_counter": 2, "posts_counter": 7,
        "discussions_counter": 3, "polls_counter": 2, "connection_status": None,
        "categories_counter": 5, "date_joined": "2024-04-10T11:23:59.754335Z",
        "bio": "Line 1\nTab\tend\r\b\f\x01\x1f </script> \x7f ∑ 中文 \u2028 🎉",
        "location": "Zürich", "location_lat_lng": "47.3769,8.5417",
        "position_lat_lng": "47.37,8.54", "date_of_birth": "1990-02-28",
        "description": 'Says "hi" \\o/', "gender": "Female",
        "website": "https://zoe.example.com/~z?a=1&b=2",
        "cover": "https://cdn.example.com/covers/11.jpg", "tags": [TAG1, TAG5, TAG7],
        "reputation": 42, "community_badge": True, "reg_approved": True,
        "deleted": False, "company_name": "Acme & Co", "company_role": "CTO",
    },
    12: {
        "id": 12, "username": "minimal", "real_name": "", "avatar": None,
        "ext_id": None, "followings_counter": 1, "followers_counter": 2,
        "posts_counter": 0, "discussions_counter": 0, "polls_counter": 0,
        "connection_status": None, "categories_counter": 0,
        "date_joined": "2020-01-01T00:00:00Z", "bio": "", "location": "",
        "location_lat_lng": None, "position_lat_lng": None, "date_of_birth": None,
        "description": "", "gender": "Unspecified", "website": "", "cover": None,
        "tags": [], "reputation": -3, "community_badge": False,
        "reg_approved": False, "deleted": False, "company_name": None,
        "company_role": None,
    },
}


@pytest.fixture(scope="module")
def owner_page():
    resp = http(OWNER)
    return resp, assert_page(resp)


def test_keys_in_order(owner_page):
    _, body = owner_page
    assert ids(body) == [11, 12, 13, 14, 15]
    for u in body["results"]:
        assert list(u) == USER_KEYS, u["id"]
        for t in u["tags"]:
            assert list(t) == TAG_KEYS, t


def test_full_user(owner_page):
    _, body = owner_page
    assert body["results"][0] == EXPECTED[11]


def test_minimal_user_nulls(owner_page):
    _, body = owner_page
    assert body["results"][1] == EXPECTED[12]


def test_date_formats(owner_page):
    _, body = owner_page
    dj = {u["id"]: u["date_joined"] for u in body["results"]}
    assert dj == {
        11: "2024-04-10T11:23:59.754335Z",     # microseconds: six digits
        12: "2020-01-01T00:00:00Z",            # zero microseconds: no fraction
        13: "2021-06-30T23:59:59.000001Z",
        14: "2022-01-01T00:00:00.500000Z",     # not shortened to .5
        15: "2022-02-02T02:02:02Z",
    }
    dob = {u["id"]: u["date_of_birth"] for u in body["results"]}
    assert dob == {11: "1990-02-28", 12: None, 13: "2000-12-31", 14: None, 15: "1985-07-04"}


def test_tags_filtered_and_ordered(owner_page):
    _, body = owner_page
    tags = {u["id"]: u["tags"] for u in body["results"]}
    # 11 has tags 7, 2 (invisible), 5, 1, 3 (inactive), 4 (deleted)
    assert tags[11] == [TAG1, TAG5, TAG7]
    assert tags[12] == []            # only a deleted tag
    assert tags[13] == [TAG5]
    assert tags[14] == [] and tags[15] == []


def test_gender_and_booleans(owner_page):
    _, body = owner_page
    g = {u["id"]: u["gender"] for u in body["results"]}
    assert g == {11: "Female", 12: "Unspecified", 13: "Unspecified", 14: "Female", 15: "Male"}
    for u in body["results"]:
        for k in ("community_badge", "reg_approved", "deleted"):
            assert type(u[k]) is bool
        assert u["deleted"] is False


def test_no_private_field(owner_page):
    resp, body = owner_page
    for u in body["results"]:
        for k in ("email", "password", "token", "token_checksum", "followed_deleted",
                  "status", "is_staff", "is_superuser"):
            assert k not in u
    assert b"private.example" not in resp.body
    assert b"email" not in resp.body
    # as an authenticated viewer too, and for the viewer's own follow targets
    resp = http(OWNER, headers=s.bearer(s.OPAQUE_VALID))
    assert b"private.example" not in resp.body and b"email" not in resp.body
    assert s.sha256_hex(s.OPAQUE_VALID).encode() not in resp.body


def test_connection_status_per_viewer():
    anon = assert_page(http(OWNER))
    assert all(u["connection_status"] is None for u in anon["results"])
    # the viewer (101) follows 15 only among 11..15: 15 first, "followed"
    v = assert_page(http(OWNER, headers=s.bearer(s.jwt_for(s.VIEWER))))
    assert ids(v) == [15, 11, 12, 13, 14]
    assert [u["connection_status"] for u in v["results"]] == ["followed", None, None, None, None]
    # the owner follows all of them
    o = assert_page(http(OWNER, headers=s.bearer(s.jwt_for(s.OBJ_OWNER))))
    assert ids(o) == [11, 12, 13, 14, 15]
    assert all(u["connection_status"] == "followed" for u in o["results"])
    # 12 follows 11
    t = assert_page(http(OWNER, headers=s.bearer(s.jwt_for(12))))
    assert ids(t) == [11, 12, 13, 14, 15]
    assert [u["connection_status"] for u in t["results"]] == ["followed", None, None, None, None]


def test_json_escaping_is_valid_json(owner_page):
    resp, body = owner_page
    text = resp.body.decode("utf-8")          # UTF-8, strict
    # no raw control character anywhere (strict JSON needs them escaped in
    # strings; none is needed outside strings either)
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", text)
    u = body["results"][0]
    assert u["real_name"] == 'Zoë "Zed" O\'Brien \\ 😀'
    assert "\x01" in u["bio"] and "\x1f" in u["bio"] and "\u2028" in u["bio"]


# ----------------------------------------------- every user against the DB

def db_users(uids):
    cols = ("id, HEX(username), HEX(real_name), HEX(avatar), HEX(ext_id), posts_counter, "
            "discussions_counter, polls_counter, categories_counter, "
            "DATE_FORMAT(date_joined, '%Y-%m-%dT%H:%i:%s.%f'), HEX(bio), HEX(location), "
            "HEX(location_lat_lng), HEX(position_lat_lng), DATE_FORMAT(date_of_birth, '%Y-%m-%d'), "
            "HEX(description), gender, HEX(website), HEX(cover), reputation, community_badge, "
            "reg_approved, HEX(company_name), HEX(company_role)")
    rows = s.sql(f"SELECT {cols} FROM users WHERE id IN ({','.join(map(str, uids))});")
    out = {}
    for r in rows:
        (uid, username, real_name, avatar, ext_id, posts, disc, polls, cats, dj, bio, loc,
         lll, pll, dob, desc, gender, web, cover, rep, badge, appr, cname, crole) = r
        if dj.endswith(".000000"):
            dj = dj[:-7]
        out[int(uid)] = {
            "id": int(uid), "username": s.unhex(username), "real_name": s.unhex(real_name),
            "avatar": s.unhex(avatar), "ext_id": s.unhex(ext_id),
            "posts_counter": int(posts), "discussions_counter": int(disc),
            "polls_counter": int(polls), "categories_counter": int(cats),
            "date_joined": dj + "Z", "bio": s.unhex(bio), "location": s.unhex(loc),
            "location_lat_lng": s.unhex(lll), "position_lat_lng": s.unhex(pll),
            "date_of_birth": dob, "description": s.unhex(desc), "gender": gender,
            "website": s.unhex(web), "cover": s.unhex(cover), "reputation": int(rep),
            "community_badge": badge != "0", "reg_approved": appr != "0", "deleted": False,
            "company_name": s.unhex(cname), "company_role": s.unhex(crole),
        }
    return out


def db_tags(uid):
    rows = s.sql(
        "SELECT t.id, t.active, HEX(t.name), t.type, HEX(t.description), HEX(t.color), "
        "t.visible, t.visibility_boost, DATE_FORMAT(t.created_at, '%Y-%m-%dT%H:%i:%s.%f'), "
        "t.deleted FROM user_tags ut JOIN tags t ON t.id = ut.tag_id "
        f"WHERE ut.user_id = {uid} AND t.visible = 1 AND t.active = 1 AND t.deleted = 0 "
        "ORDER BY t.id;")
    tags = []
    for tid, act, name, typ, desc, color, vis, boost, created, deleted in rows:
        if created.endswith(".000000"):
            created = created[:-7]
        tags.append({"id": int(tid), "active": act != "0", "name": s.unhex(name), "type": typ,
                     "description": s.unhex(desc), "color": s.unhex(color),
                     "visible": vis != "0", "visibility_boost": boost != "0",
                     "created_at": created + "Z", "deleted": deleted != "0"})
    return tags


TYPES = {
    "id": int, "username": str, "real_name": str, "avatar": (str, None),
    "ext_id": (str, None), "followings_counter": int, "followers_counter": int,
    "posts_counter": int, "discussions_counter": int, "polls_counter": int,
    "connection_status": (str, None), "categories_counter": int, "date_joined": str,
    "bio": str, "location": str, "location_lat_lng": (str, None),
    "position_lat_lng": (str, None), "date_of_birth": (str, None), "description": str,
    "gender": str, "website": str, "cover": (str, None), "tags": list,
    "reputation": int, "community_badge": bool, "reg_approved": bool, "deleted": bool,
    "company_name": (str, None), "company_role": (str, None),
}


def check_types(u):
    for k, t in TYPES.items():
        v = u[k]
        allowed = t if isinstance(t, tuple) else (t,)
        ok = any((v is None) if a is None else (type(v) is a) for a in allowed)
        assert ok, f"user {u['id']}: {k} = {v!r} is not {t}"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z", u["date_joined"])
    assert u["date_of_birth"] is None or re.fullmatch(r"\d{4}-\d\d-\d\d", u["date_of_birth"])
    assert u["gender"] in ("Male", "Female", "Unspecified")
    assert u["connection_status"] in (None, "followed")


@pytest.mark.parametrize("owner,query,viewer", [
    (s.OBJ_OWNER, "", None),
    (s.OBJ_OWNER, "", s.VIEWER),
    (s.PAGER, "", None),
    (s.WALKER, "limit=100", s.VIEWER),
    (s.MAX_ID_USER, "", None),
])
def test_every_user_matches_the_database(owner, query, viewer):
    headers = s.bearer(s.jwt_for(viewer)) if viewer else []
    body = assert_page(http(s.followings_path(owner) + ("?" + query if query else ""),
                            headers=headers))
    assert body["results"], "empty list"
    rows = db_users(ids(body))
    viewed = s.follows_of(viewer) if viewer else set()
    for u in body["results"]:
        check_types(u)
        assert list(u) == USER_KEYS
        exp = dict(rows[u["id"]])
        fo, fr = s.expected_counters(u["id"])
        exp.update(followings_counter=fo, followers_counter=fr,
                   connection_status="followed" if u["id"] in viewed else None,
                   tags=db_tags(u["id"]))
        assert {k: u[k] for k in USER_KEYS} == {k: exp[k] for k in USER_KEYS}


def test_largest_id_in_json():
    # 21 follows the user with id 2^63-1; 2^63-1 follows 21
    body = assert_page(http(s.followings_path(21)))
    assert ids(body) == [s.INT64_MAX]
    u = body["results"][0]
    assert type(u["id"]) is int and u["id"] == 9223372036854775807
    assert u["followings_counter"] == 1 and u["followers_counter"] == 1
    body = assert_page(http(s.followings_path(s.INT64_MAX)))
    assert ids(body) == [21]
    assert body["results"][0]["followers_counter"] == 2      # 20 and 2^63-1
