"""Credentials with content_availability at its default (True): anonymous
reading allowed, every invalid token still 401 (followings-api.md §4, §7)."""

import time

import pytest

import support as s
from support import http, assert_page, assert_error
from auth_cases import VALID, INVALID, EMPTY, IGNORED, ids_of

WALK = s.followings_path(s.WALKER)
# The viewer (101) follows 20 of the walker's followings: the answer to this
# request tells who the service took the caller for (anonymous: 0).
PROBE = WALK + "?mutual=1&limit=1"


def viewer_mutual_count(headers, port=None):
    return assert_page(http(PROBE, headers=headers, port=port))["count"]


def test_no_credentials_is_anonymous():
    assert viewer_mutual_count([]) == 0
    body = assert_page(http(WALK + "?limit=100"))
    assert all(u["connection_status"] is None for u in body["results"])


@pytest.mark.parametrize("name,build", VALID, ids=ids_of(VALID))
def test_valid_credentials(name, build):
    assert viewer_mutual_count(build()) == 20


@pytest.mark.parametrize("name,build", INVALID, ids=ids_of(INVALID))
def test_invalid_credentials_are_401(name, build):
    assert_error(http(PROBE, headers=build()), 401, "authentication_failed")


@pytest.mark.parametrize("name,build", EMPTY, ids=ids_of(EMPTY))
def test_empty_token_is_401(name, build):
    resp = http(PROBE, headers=build())
    assert resp.status == 401, resp
    code = s.assert_json(resp, 401)["errors"][0]["code"]
    assert code in ("authentication_failed", "not_authenticated"), resp
    assert_error(resp, 401, code)


@pytest.mark.parametrize("name,build", IGNORED, ids=ids_of(IGNORED))
def test_other_schemes_are_ignored(name, build):
    assert viewer_mutual_count(build()) == 0


def test_invalid_token_on_head():
    resp = http(PROBE, method="HEAD", headers=s.bearer("no-such-token"))
    assert resp.status == 401
    assert resp.header("WWW-Authenticate") == s.WWW_AUTHENTICATE


def test_second_instance_reads_the_secret_from_a_file():
    port = s.BASEURL_PORT
    assert viewer_mutual_count(s.bearer(s.jwt_for(s.VIEWER)), port=port) == 20
    assert_error(http(PROBE, port=port,
                      headers=s.bearer(s.jwt_encode(s.jwt_claims(s.VIEWER), secret="nope"))),
                 401, "authentication_failed")
    assert_error(http(PROBE, port=port, headers=s.bearer(s.jwt_for(s.VIEWER, token_type="refresh"))),
                 401, "authentication_failed")


def test_opaque_token_changes_are_seen_at_once():
    tok = "tok-101-runtime"
    h = s.bearer(tok)
    try:
        assert_error(http(PROBE, headers=h), 401, "authentication_failed")
        s.sql("INSERT INTO access_tokens (token_checksum, user_id, expires) VALUES "
              f"('{s.sha256_hex(tok)}', {s.VIEWER}, '2099-01-01 00:00:00');")
        assert viewer_mutual_count(h) == 20
        s.sql(f"UPDATE access_tokens SET expires = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND "
              f"WHERE token_checksum = '{s.sha256_hex(tok)}';")
        assert_error(http(PROBE, headers=h), 401, "authentication_failed")
        s.sql(f"UPDATE access_tokens SET expires = UTC_TIMESTAMP(6) + INTERVAL 1 HOUR "
              f"WHERE token_checksum = '{s.sha256_hex(tok)}';")
        assert viewer_mutual_count(h) == 20
        s.sql(f"DELETE FROM access_tokens WHERE token_checksum = '{s.sha256_hex(tok)}';")
        assert_error(http(PROBE, headers=h), 401, "authentication_failed")
    finally:
        s.sql(f"DELETE FROM access_tokens WHERE token_checksum = '{s.sha256_hex(tok)}';")


def test_opaque_expiry_is_compared_in_utc():
    # expires is UTC; the database server's session time zone is +05:45 here
    # (run.sh), so NOW() would be wrong by hours either way.
    soon, recent = "tok-101-expires-soon", "tok-101-expired-recently"
    try:
        s.sql("INSERT INTO access_tokens (token_checksum, user_id, expires) VALUES "
              f"('{s.sha256_hex(soon)}', {s.VIEWER}, UTC_TIMESTAMP(6) + INTERVAL 1 HOUR), "
              f"('{s.sha256_hex(recent)}', {s.VIEWER}, UTC_TIMESTAMP(6) - INTERVAL 1 HOUR);")
        assert viewer_mutual_count(s.bearer(soon)) == 20
        assert_error(http(PROBE, headers=s.bearer(recent)), 401, "authentication_failed")
    finally:
        s.sql(f"DELETE FROM access_tokens WHERE token_checksum IN "
              f"('{s.sha256_hex(soon)}', '{s.sha256_hex(recent)}');")


def test_jwt_time_claims_are_utc_seconds():
    # exp and iat are Unix seconds: a token that expires in 10 minutes is
    # valid whatever the service's local time zone (TZ=+05:45 in run.sh).
    now = int(time.time())
    assert viewer_mutual_count(s.bearer(s.jwt_for(s.VIEWER, exp=now + 600, iat=now))) == 20
    assert_error(http(PROBE, headers=s.bearer(s.jwt_for(s.VIEWER, exp=now - 600, iat=now - 900))),
                 401, "authentication_failed")


def test_user_changes_are_seen_at_once_for_jwt_and_opaque():
    uid, tok = 700, "tok-700-runtime"
    try:
        s.sql("INSERT INTO users (id, username, date_joined) VALUES "
              f"({uid}, 'authtemp', '2024-01-01 00:00:00');"
              "INSERT INTO follows (follower_id, followed_id, created_at) VALUES "
              f"({uid}, 201, '2024-01-01 00:00:00');"
              "INSERT INTO access_tokens (token_checksum, user_id, expires) VALUES "
              f"('{s.sha256_hex(tok)}', {uid}, '2099-01-01 00:00:00');")
        jwt = s.bearer(s.jwt_for(uid))
        assert viewer_mutual_count(jwt) == 1
        assert viewer_mutual_count(s.bearer(tok)) == 1
        s.sql(f"UPDATE users SET deleted = 1 WHERE id = {uid};")
        assert_error(http(PROBE, headers=jwt), 401, "authentication_failed")
        assert_error(http(PROBE, headers=s.bearer(tok)), 401, "authentication_failed")
        s.sql(f"UPDATE users SET deleted = 0 WHERE id = {uid};")
        assert viewer_mutual_count(jwt) == 1
        assert viewer_mutual_count(s.bearer(tok)) == 1
        s.sql(f"DELETE FROM users WHERE id = {uid};")
        assert_error(http(PROBE, headers=jwt), 401, "authentication_failed")
        assert_error(http(PROBE, headers=s.bearer(tok)), 401, "authentication_failed")
    finally:
        s.sql(f"DELETE FROM users WHERE id = {uid};")
