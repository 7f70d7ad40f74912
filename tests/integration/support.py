"""Helpers shared by the integration tests (imported as `support`).

HTTP goes through curl (the real client path through nginx), SQL through the
mariadb client on the sandbox's socket, and JWTs are minted here with the
standard library only, independently of the service's code.

Expected values are computed from the contract tables (users, follows, tags,
user_tags, preferences, access_tokens) and from the contract text, never from
the service's own derived data (follow_counters, follows.followed_deleted).
"""

import base64
import hashlib
import hmac
import json
import os
import re
import subprocess
import time
import urllib.parse
from dataclasses import dataclass, field

import openapi

ENV_VARS = (
    "FOLLOWINGS_PORT", "FOLLOWINGS_TLS_PORT", "FOLLOWINGS_ANY_PORT",
    "FOLLOWINGS_BASEURL_PORT", "FOLLOWINGS_SERVER_NAME",
    "FOLLOWINGS_PUBLIC_BASE_URL", "FOLLOWINGS_DB_SOCKET", "FOLLOWINGS_DB_NAME",
    "FOLLOWINGS_DB_DIR", "FOLLOWINGS_DB_SANDBOX", "FOLLOWINGS_JWT_SECRET",
    "FOLLOWINGS_TMP",
)


def missing_env():
    return [v for v in ENV_VARS if not os.environ.get(v)]


def _env(name, default=""):
    return os.environ.get(name, default)


PORT = int(_env("FOLLOWINGS_PORT", "0"))
TLS_PORT = int(_env("FOLLOWINGS_TLS_PORT", "0"))
ANY_PORT = int(_env("FOLLOWINGS_ANY_PORT", "0"))
BASEURL_PORT = int(_env("FOLLOWINGS_BASEURL_PORT", "0"))
SERVER_NAME = _env("FOLLOWINGS_SERVER_NAME", "api.example.com")
PUBLIC_BASE_URL = _env("FOLLOWINGS_PUBLIC_BASE_URL")
DB_SOCKET = _env("FOLLOWINGS_DB_SOCKET")
DB_NAME = _env("FOLLOWINGS_DB_NAME")
DB_DIR = _env("FOLLOWINGS_DB_DIR")
DB_SANDBOX = _env("FOLLOWINGS_DB_SANDBOX")
JWT_SECRET = _env("FOLLOWINGS_JWT_SECRET")
PREFS_TTL = float(_env("FOLLOWINGS_PREFS_TTL", "1"))
TMP = _env("FOLLOWINGS_TMP")
# The status_path run.sh configures (the nginx example's location).
STATUS_PATH = "/fcgi-status"

# What the service is configured with by run.sh.
LIMIT_DEFAULT = 20
LIMIT_MAX = 100
# The second instance (behind BASEURL_PORT).
BASE_LIMIT_DEFAULT = 3
BASE_LIMIT_MAX = 4

# A preference change must show within the cache TTL plus this slack.
PREFS_DEADLINE = PREFS_TTL + 2.0

INT64_MAX = 2**63 - 1

USER_KEYS = [
    "id", "username", "real_name", "avatar", "ext_id", "followings_counter",
    "followers_counter", "posts_counter", "discussions_counter",
    "polls_counter", "connection_status", "categories_counter", "date_joined",
    "bio", "location", "location_lat_lng", "position_lat_lng",
    "date_of_birth", "description", "gender", "website", "cover", "tags",
    "reputation", "community_badge", "reg_approved", "deleted",
    "company_name", "company_role",
]
TAG_KEYS = [
    "id", "active", "name", "type", "description", "color", "visible",
    "visibility_boost", "created_at", "deleted",
]
FOLLOW_COUNTERS = ("followings_counter", "followers_counter")
POST_COUNTERS = ("posts_counter", "discussions_counter")
POLL_COUNTERS = ("polls_counter",)

WWW_AUTHENTICATE = 'Bearer realm="api"'

# Fixture users (fixtures.sql).
OBJ_OWNER = 10
PAGER = 20
PAGER_FOLLOWINGS = [21, 22, 23, 24, 25]
LONELY = 30
WALKER = 100
VIEWER = 101
BYSTANDER = 102
DELETED_USER = 16
DELETED_WITH_TOKEN = 301
MAX_ID_USER = INT64_MAX
MISSING_USER = 999999

OPAQUE_VALID = "tok-101-valid"          # user 101
OPAQUE_EXPIRED = "tok-101-expired"      # user 101, expired in 2001
OPAQUE_WALKER = "tok-100-valid"         # user 100
OPAQUE_DELETED_USER = "tok-301-deleted-user"  # user 301 (soft-deleted)


def followings_path(uid):
    return f"/api/v2/user/{uid}/followings/"


def followers_path(uid):
    return f"/api/v2/user/{uid}/followers/"


# --------------------------------------------------------------------- HTTP

@dataclass
class Response:
    status: int
    headers: list = field(default_factory=list)   # [(name, value)], as received
    body: bytes = b""
    request: str = ""

    def header(self, name):
        """The value of the only header called name (case-insensitive), or None."""
        values = self.header_all(name)
        assert len(values) <= 1, f"{name} sent {len(values)} times: {values}\n{self}"
        return values[0] if values else None

    def header_all(self, name):
        n = name.lower()
        return [v for k, v in self.headers if k.lower() == n]

    def json(self):
        try:
            text = self.body.decode("utf-8")
        except UnicodeDecodeError as e:
            raise AssertionError(f"body is not UTF-8 ({e})\n{self}")
        try:
            return json.loads(text, object_pairs_hook=_no_duplicate_keys)
        except ValueError as e:
            raise AssertionError(f"body is not strict JSON ({e})\n{self}")

    def __str__(self):
        head = "\n".join(f"{k}: {v}" for k, v in self.headers)
        body = self.body[:3000].decode("utf-8", "replace")
        return f"request: {self.request}\nstatus: {self.status}\n{head}\n\n{body}"


def _no_duplicate_keys(pairs):
    keys = [k for k, _ in pairs]
    dups = {k for k in keys if keys.count(k) > 1}
    assert not dups, f"duplicate JSON keys {sorted(dups)}"
    return dict(pairs)   # dicts keep the document's key order


def http(path, method="GET", headers=(), port=None, http10=False, data=None,
         timeout=10):
    """One request through nginx with curl; returns a Response.

    path is sent exactly as given (no normalisation, no globbing).  headers is
    a list of "Name: value" strings; "Host:" removes curl's Host header.
    """
    port = port or PORT
    url = f"http://127.0.0.1:{port}{path}"
    cmd = ["curl", "-sS", "--path-as-is", "--globoff", "--max-time", str(timeout)]
    if method == "HEAD":
        cmd.append("-I")          # HEAD; curl reads no body
    else:
        cmd.append("-i")
        if method != "GET":
            cmd += ["-X", method]
    if data is not None:
        cmd += ["--data-binary", data]
    if http10:
        cmd.append("--http1.0")
    for h in headers:
        cmd += ["-H", h]
    cmd.append(url)
    desc = f"{method} {path} (port {port}) headers={list(headers)}"
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout + 5)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"curl hung: {desc}")
    if p.returncode != 0:
        raise AssertionError(
            f"curl failed (exit {p.returncode}): {p.stderr.decode(errors='replace').strip()}\n"
            f"request: {desc}")
    raw = p.stdout
    sep = raw.find(b"\r\n\r\n")
    assert sep >= 0, f"no header end in curl output for {desc}: {raw[:500]!r}"
    head, body = raw[:sep].decode("latin-1"), raw[sep + 4:]
    lines = head.split("\r\n")
    m = re.match(r"HTTP/[\d.]+ (\d{3})", lines[0])
    assert m, f"bad status line {lines[0]!r} for {desc}"
    hdrs = []
    for line in lines[1:]:
        k, _, v = line.partition(":")
        hdrs.append((k.strip(), v.strip()))
    resp = Response(int(m.group(1)), hdrs, body, desc)
    # Every answer of the API must be one doc/openapi.yaml describes; the
    # operator's status page (status_path, run.sh) is not part of the API.
    if path.split("?", 1)[0] != STATUS_PATH:
        problems = openapi.problems(method, path, resp.status, resp.headers, resp.body)
        assert not problems, "\n".join(problems) + f"\n{resp}"
    return resp


def get_url(url, headers=(), method="GET"):
    """Follows an absolute link the service wrote (it must point at our nginx:
    http://127.0.0.1:PORT/...)."""
    u = urllib.parse.urlsplit(url)
    assert u.scheme == "http" and u.hostname == "127.0.0.1" and u.port, url
    path = u.path + ("?" + u.query if u.query else "")
    return http(path, method=method, headers=headers, port=u.port)


def bearer(token):
    return [f"Authorization: Bearer {token}"]


def is_json_content_type(value):
    if value is None:
        return False
    parts = [p.strip().lower() for p in value.split(";")]
    if parts[0] != "application/json":
        return False
    return all(p in ("", "charset=utf-8", 'charset="utf-8"') for p in parts[1:])


def assert_json(resp, status=200):
    assert resp.status == status, f"expected {status}\n{resp}"
    assert is_json_content_type(resp.header("Content-Type")), f"Content-Type\n{resp}"
    return resp.json()


def assert_error(resp, status, code):
    """A {"errors": [{"code", "message"}]} answer."""
    body = assert_json(resp, status)
    assert isinstance(body, dict) and list(body) == ["errors"], f"error shape\n{resp}"
    errors = body["errors"]
    assert isinstance(errors, list) and len(errors) == 1, f"error shape\n{resp}"
    e = errors[0]
    assert isinstance(e, dict) and sorted(e) == ["code", "message"], f"error shape\n{resp}"
    assert e["code"] == code, f"expected code {code}\n{resp}"
    assert isinstance(e["message"], str) and e["message"], f"empty message\n{resp}"
    if status == 401:
        assert resp.header("WWW-Authenticate") == WWW_AUTHENTICATE, f"WWW-Authenticate\n{resp}"
    if status == 405:
        assert resp.header("Allow") == "GET, HEAD", f"Allow\n{resp}"
    if status == 503:
        ra = resp.header("Retry-After")
        assert ra is not None and re.fullmatch(r"\d+", ra) and int(ra) > 0, f"Retry-After\n{resp}"
    return e


def assert_field_errors(resp, fields):
    """A 400 with one field error per name in fields, in that order."""
    body = assert_json(resp, 400)
    assert isinstance(body, dict) and list(body) == ["errors"], f"error shape\n{resp}"
    errors = body["errors"]
    assert isinstance(errors, list), f"error shape\n{resp}"
    assert [e.get("field") for e in errors] == list(fields), f"fields\n{resp}"
    for e in errors:
        assert sorted(e) == ["field", "messages"], f"field error shape\n{resp}"
        msgs = e["messages"]
        assert isinstance(msgs, list) and len(msgs) >= 1, f"messages\n{resp}"
        for m in msgs:
            assert sorted(m) == ["code", "message"], f"message shape\n{resp}"
            assert m["code"] == "invalid", f"code\n{resp}"
            assert isinstance(m["message"], str) and m["message"], f"message\n{resp}"


def assert_page(resp):
    """A 200 page: returns the parsed body after checking its envelope."""
    body = assert_json(resp, 200)
    assert isinstance(body, dict), resp
    assert sorted(body) == ["count", "next", "previous", "results"], f"keys\n{resp}"
    assert type(body["count"]) is int and body["count"] >= 0, f"count\n{resp}"
    for k in ("next", "previous"):
        assert body[k] is None or isinstance(body[k], str), f"{k}\n{resp}"
    assert isinstance(body["results"], list), resp
    return body


def ids(body):
    return [u["id"] for u in body["results"]]


def get_page(uid, query="", headers=(), port=None, path=None):
    path = path or followings_path(uid)
    resp = http(path + (("?" + query) if query else ""), headers=headers, port=port)
    return assert_page(resp)


def walk_pages(path, headers=()):
    """Follows next links from the page at path; returns (ids, pages).
    Every page must carry the first page's count."""
    body = assert_page(http(path, headers=headers))
    count = body["count"]
    pages = [body]
    seen = ids(body)
    while body["next"]:
        assert len(pages) < 40, "too many pages"
        body = assert_page(get_url(body["next"], headers=headers))
        assert body["count"] == count
        pages.append(body)
        seen += ids(body)
    return seen, pages


def wait_until(fn, timeout, interval=0.1, what="condition"):
    """Polls fn() until it returns a true value; returns (value, seconds)."""
    start = time.monotonic()
    last = None
    while True:
        try:
            last = fn()
        except AssertionError as e:
            last = None
            err = e
        else:
            err = None
        if last:
            return last, time.monotonic() - start
        if time.monotonic() - start > timeout:
            raise AssertionError(f"{what}: not reached within {timeout:.1f} s"
                                 + (f"; last error: {err}" if err else ""))
        time.sleep(interval)


# ---------------------------------------------------------------------- links

def _q(s):
    # Django's urlencode (quote_plus): unreserved A-Za-z0-9_.-~ kept,
    # space as '+', every other byte as %XX in upper case.
    return urllib.parse.quote_plus(s, safe="")


def link(path, params, limit, offset=None, origin=None):
    """The next/previous URL the contract asks for.

    params: the request's other parameters, decoded, as [(key, value)] in the
    order sent (limit/offset pairs in it are ignored); the result has keys
    sorted, the values of a repeated key in the order sent, the effective
    limit, and offset unless None.
    """
    origin = origin or f"http://127.0.0.1:{PORT}"
    groups = {}
    for k, v in params:
        if k in ("limit", "offset"):
            continue
        groups.setdefault(k, []).append(v)
    groups["limit"] = [str(limit)]
    if offset is not None:
        groups["offset"] = [str(offset)]
    parts = []
    for k in sorted(groups):
        for v in groups[k]:
            parts.append(f"{_q(k)}={_q(v)}")
    return f"{origin}{path}?{'&'.join(parts)}"


# ------------------------------------------------------------------------ SQL

def _mariadb_cmd():
    return ["mariadb", "--no-defaults", "-S", DB_SOCKET, "-uroot",
            "--default-character-set=utf8mb4", "-N", "-B", DB_NAME]


def sql(statements, timeout=30):
    """Runs SQL; returns rows as lists of strings (None for NULL).

    Batch output escapes \\t, \\n, \\\\ and NUL; for exact string comparisons
    select HEX(col) and use unhex().
    """
    p = subprocess.run(_mariadb_cmd(), input=statements.encode(),
                       capture_output=True, timeout=timeout)
    if p.returncode != 0:
        raise AssertionError(f"SQL failed: {p.stderr.decode(errors='replace')}\n{statements}")
    rows = []
    for line in p.stdout.decode("utf-8").split("\n"):
        if line == "":
            continue
        rows.append([None if c == "NULL" else c for c in line.split("\t")])
    return rows


def sql_ints(statements):
    return [int(r[0]) for r in sql(statements)]


def unhex(h):
    return None if h is None else bytes.fromhex(h).decode("utf-8")


def set_pref(section, name, value):
    """value None deletes the row (the preference's default)."""
    if value is None:
        sql(f"DELETE FROM preferences WHERE section='{section}' AND name='{name}';")
    else:
        sql("INSERT INTO preferences (section, name, value) VALUES "
            f"('{section}', '{name}', '{value}') ON DUPLICATE KEY UPDATE value=VALUES(value);")


def clear_prefs():
    sql("DELETE FROM preferences;")


def prefs_are_defaults():
    """True once the service shows every preference at its default: anonymous
    reading allowed and every counter present."""
    resp = http(followings_path(OBJ_OWNER))
    if resp.status != 200:
        return False
    body = resp.json()
    return all(k in u for u in body["results"]
               for k in FOLLOW_COUNTERS + POST_COUNTERS + POLL_COUNTERS)


def restore_default_prefs():
    clear_prefs()
    wait_until(prefs_are_defaults, PREFS_DEADLINE + 3,
               what="service back to default preferences")


# Each list's ends of a follows edge: the owner's, and the listed user's.
LIST_ENDS = {"followings": ("follower_id", "followed_id"), "followers": ("followed_id", "follower_id")}
LIST_PATHS = {"followings": followings_path, "followers": followers_path}


def expected_order(owner, viewer=None, mutual=None, kind="followings"):
    """User ids of owner's followings (or followers) in contract order, from
    the contract tables only: not soft-deleted; the ones viewer follows first
    (for one's own followings: everything; for one's own followers: the ones
    followed back); then created_at desc, follows.id desc; filtered by mutual
    (None, 0 or 1)."""
    own, other = LIST_ENDS[kind]
    rows = sql(
        f"SELECT f.id, f.{other}, DATE_FORMAT(f.created_at, '%Y-%m-%d %H:%i:%s.%f') "
        f"FROM follows f JOIN users u ON u.id = f.{other} "
        f"WHERE f.{own} = {int(owner)} AND u.deleted = 0;")
    viewed = follows_of(viewer) if viewer is not None else set()
    edges = [(int(fid), int(uid), created) for fid, uid, created in rows]
    edges.sort(key=lambda e: (e[2], e[0]), reverse=True)    # newest, then id desc
    edges.sort(key=lambda e: 0 if e[1] in viewed else 1)    # stable: mutual first
    if mutual == 1:
        edges = [e for e in edges if e[1] in viewed]
    elif mutual == 0:
        edges = [e for e in edges if e[1] not in viewed]
    return [e[1] for e in edges]


def expected_counters(uid):
    """(followings, followers) of uid counting only edges whose other end is
    not soft-deleted, from the follows and users tables."""
    fo = sql_ints("SELECT COUNT(*) FROM follows f JOIN users u ON u.id = f.followed_id "
                  f"WHERE f.follower_id = {int(uid)} AND u.deleted = 0;")[0]
    fr = sql_ints("SELECT COUNT(*) FROM follows f JOIN users u ON u.id = f.follower_id "
                  f"WHERE f.followed_id = {int(uid)} AND u.deleted = 0;")[0]
    return fo, fr


def follows_of(viewer):
    return set(sql_ints(f"SELECT followed_id FROM follows WHERE follower_id = {int(viewer)};"))


# ------------------------------------------------------------------------ JWT

def b64url(data):
    if isinstance(data, (dict, list)):
        data = json.dumps(data, separators=(",", ":")).encode()
    elif isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt_encode(payload, secret=None, alg="HS256", header=None, signature=None):
    """A JWS compact token; header/signature override what would be built."""
    secret = JWT_SECRET if secret is None else secret
    hdr = header if header is not None else {"alg": alg, "typ": "JWT"}
    signing_input = f"{b64url(hdr)}.{b64url(payload)}"
    if signature is None:
        digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384,
                  "HS512": hashlib.sha512}.get(alg)
        if digest is None:        # e.g. "none": no signature
            signature = ""
        else:
            signature = b64url(hmac.new(secret.encode(), signing_input.encode(), digest).digest())
    return f"{signing_input}.{signature}"


def jwt_claims(user_id, /, **overrides):
    """Valid access-token claims for user_id; an override of None removes
    the claim."""
    now = int(time.time())
    claims = {"token_type": "access", "exp": now + 3600, "iat": now,
              "jti": "it-" + hashlib.sha1(os.urandom(8)).hexdigest(), "user_id": user_id}
    for k, v in overrides.items():
        if v is None:
            claims.pop(k, None)
        else:
            claims[k] = v
    return claims


def jwt_for(user_id, /, **overrides):
    return jwt_encode(jwt_claims(user_id, **overrides))


def sha256_hex(s):
    return hashlib.sha256(s.encode()).hexdigest()
