"""Credentials used by test_07_auth.py (content_availability True) and
test_08_auth_required.py (False), following followings-api.md §4 and §7.

Each case is (id, builder); builder() returns the request's extra headers.
JWTs are built at call time (their exp/iat are relative to now)."""

import time

import support as s
from support import jwt_encode, jwt_claims, jwt_for, b64url


def _bearer(tok):
    return [f"Authorization: Bearer {tok}"]


def _now():
    return int(time.time())


# Valid credentials of the viewer (101) unless noted; the test checks the
# answer is made for that viewer.
VALID = [
    ("opaque-bearer", lambda: _bearer(s.OPAQUE_VALID)),
    ("opaque-token-scheme", lambda: [f"Authorization: Token {s.OPAQUE_VALID}"]),
    ("opaque-bearer-lowercase", lambda: [f"Authorization: bearer {s.OPAQUE_VALID}"]),
    ("opaque-bearer-uppercase", lambda: [f"Authorization: BEARER {s.OPAQUE_VALID}"]),
    ("opaque-token-lowercase", lambda: [f"Authorization: token {s.OPAQUE_VALID}"]),
    ("jwt-bearer", lambda: _bearer(jwt_for(s.VIEWER))),
    ("jwt-token-scheme", lambda: [f"Authorization: Token {jwt_for(s.VIEWER)}"]),
    ("jwt-bearer-mixed-case", lambda: [f"Authorization: BeArEr {jwt_for(s.VIEWER)}"]),
    ("jwt-nbf-past", lambda: _bearer(jwt_for(s.VIEWER, nbf=_now() - 60))),
    ("jwt-iat-slightly-future", lambda: _bearer(jwt_for(s.VIEWER, iat=_now() + 10))),
    ("jwt-extra-claims-scope-unchecked",
     lambda: _bearer(jwt_for(s.VIEWER, scope="nothing-useful", aud="elsewhere", foo=[1]))),
    ("jwt-no-typ-header",
     lambda: _bearer(jwt_encode(jwt_claims(s.VIEWER), header={"alg": "HS256"}))),
    ("jwt-keys-reordered",
     lambda: _bearer(jwt_encode({"user_id": s.VIEWER, "jti": "x", "iat": _now(),
                                 "exp": _now() + 60, "token_type": "access"}))),
]


def _sig_of_other_payload():
    good = jwt_for(s.VIEWER)
    h, p, sig = good.split(".")
    other = b64url(jwt_claims(s.WALKER))
    return f"{h}.{other}.{sig}"


def _none_with_hs256_signature():
    claims = jwt_claims(s.VIEWER)
    tok = jwt_encode(claims)          # HS256 signature ...
    sig = tok.split(".")[2]
    return jwt_encode(claims, header={"alg": "none", "typ": "JWT"}, signature=sig)


INVALID = [
    ("opaque-unknown", lambda: _bearer("no-such-token")),
    ("opaque-expired", lambda: _bearer(s.OPAQUE_EXPIRED)),
    ("opaque-of-deleted-user", lambda: _bearer(s.OPAQUE_DELETED_USER)),
    ("opaque-stored-checksum-as-token", lambda: _bearer(s.sha256_hex(s.OPAQUE_VALID))),
    ("opaque-unknown-token-scheme", lambda: ["Authorization: Token no-such-token"]),
    ("opaque-unknown-lowercase", lambda: ["Authorization: bearer no-such-token"]),
    ("opaque-valid-with-suffix", lambda: _bearer(s.OPAQUE_VALID + "x")),
    ("opaque-valid-uppercased", lambda: _bearer(s.OPAQUE_VALID.upper())),
    ("jwt-wrong-secret", lambda: _bearer(jwt_encode(jwt_claims(s.VIEWER), secret="not-the-secret"))),
    ("jwt-signature-of-other-payload", lambda: _bearer(_sig_of_other_payload())),
    ("jwt-signature-stripped", lambda: _bearer(jwt_for(s.VIEWER).rsplit(".", 1)[0] + ".")),
    ("jwt-alg-none-unsigned",
     lambda: _bearer(jwt_encode(jwt_claims(s.VIEWER), alg="none"))),
    ("jwt-alg-none-uppercase-unsigned",
     lambda: _bearer(jwt_encode(jwt_claims(s.VIEWER), header={"alg": "None"}, signature=""))),
    ("jwt-alg-none-with-hs256-signature", lambda: _bearer(_none_with_hs256_signature())),
    ("jwt-alg-hs512", lambda: _bearer(jwt_encode(jwt_claims(s.VIEWER), alg="HS512"))),
    ("jwt-alg-hs384", lambda: _bearer(jwt_encode(jwt_claims(s.VIEWER), alg="HS384"))),
    ("jwt-alg-rs256-header-hmac-signature",
     lambda: _bearer(jwt_encode(jwt_claims(s.VIEWER), header={"alg": "RS256", "typ": "JWT"},
                                signature=jwt_for(s.VIEWER).split(".")[2]))),
    ("jwt-no-alg", lambda: _bearer(jwt_encode(jwt_claims(s.VIEWER), header={"typ": "JWT"},
                                              signature=jwt_for(s.VIEWER).split(".")[2]))),
    ("jwt-expired", lambda: _bearer(jwt_for(s.VIEWER, exp=_now() - 30, iat=_now() - 3600))),
    ("jwt-missing-user_id", lambda: _bearer(jwt_for(s.VIEWER, user_id=None))),
    ("jwt-missing-token_type", lambda: _bearer(jwt_for(s.VIEWER, token_type=None))),
    ("jwt-missing-exp", lambda: _bearer(jwt_for(s.VIEWER, exp=None))),
    ("jwt-missing-iat", lambda: _bearer(jwt_for(s.VIEWER, iat=None))),
    ("jwt-missing-jti", lambda: _bearer(jwt_for(s.VIEWER, jti=None))),
    ("jwt-user_id-string", lambda: _bearer(jwt_for(s.VIEWER, user_id=str(s.VIEWER)))),
    ("jwt-user_id-float", lambda: _bearer(jwt_for(s.VIEWER, user_id=101.5))),
    ("jwt-user_id-bool", lambda: _bearer(jwt_for(s.VIEWER, user_id=True))),
    ("jwt-exp-string", lambda: _bearer(jwt_for(s.VIEWER, exp=str(_now() + 3600)))),
    ("jwt-iat-string", lambda: _bearer(jwt_for(s.VIEWER, iat=str(_now())))),
    ("jwt-jti-number", lambda: _bearer(jwt_for(s.VIEWER, jti=12345))),
    ("jwt-token_type-refresh", lambda: _bearer(jwt_for(s.VIEWER, token_type="refresh"))),
    ("jwt-token_type-Access", lambda: _bearer(jwt_for(s.VIEWER, token_type="Access"))),
    ("jwt-nbf-future", lambda: _bearer(jwt_for(s.VIEWER, nbf=_now() + 300))),
    ("jwt-iat-future", lambda: _bearer(jwt_for(s.VIEWER, iat=_now() + 300))),
    ("jwt-missing-user", lambda: _bearer(jwt_for(s.MISSING_USER))),
    ("jwt-deleted-user", lambda: _bearer(jwt_for(s.DELETED_WITH_TOKEN))),
    ("jwt-user_id-zero", lambda: _bearer(jwt_for(0))),
    ("jwt-user_id-negative", lambda: _bearer(jwt_for(-101))),
    ("jwt-payload-array",
     lambda: _bearer(jwt_encode([s.VIEWER]))),
    ("jwt-header-not-json",
     lambda: _bearer("bm90IGpzb24." + jwt_for(s.VIEWER).split(".", 1)[1])),
    ("jwt-garbage-three-parts", lambda: _bearer("abc.def.ghi")),
    ("jwt-empty-parts", lambda: _bearer("..")),
    ("jwt-four-parts", lambda: _bearer(jwt_for(s.VIEWER) + ".x")),
]

# Neither valid nor missing: the contract calls an empty token 401 without
# naming the code.
EMPTY = [
    ("bearer-no-token", lambda: ["Authorization: Bearer"]),
    ("bearer-blank-token", lambda: ["Authorization: Bearer   "]),
    ("token-no-token", lambda: ["Authorization: Token"]),
]

# Schemes other than Bearer/Token: ignored, as if no header were sent.
IGNORED = [
    ("basic", lambda: ["Authorization: Basic dXNlcjpwYXNz"]),
    ("basic-with-valid-token-text", lambda: [f"Authorization: Basic {s.OPAQUE_VALID}"]),
    ("digest", lambda: ['Authorization: Digest username="viewer", realm="api"']),
    ("jwt-scheme", lambda: [f"Authorization: JWT {jwt_for(s.VIEWER)}"]),
    ("bare-token-no-scheme", lambda: [f"Authorization: {s.OPAQUE_VALID}"]),
    ("bearer-prefix-word", lambda: [f"Authorization: Bearerx {s.OPAQUE_VALID}"]),
]


def ids_of(cases):
    return [c[0] for c in cases]
