#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/corpus/ (run from anywhere; the
files are committed, this is how they were made).  Each seed is a realistic
input of its harness: contract examples, the attacks of tests/security."""
import base64
import hashlib
import hmac
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "security"))
import fcgi  # noqa: E402

seeds = {}


def add(harness, name, data):
    seeds.setdefault(harness, {})[name] = data if isinstance(data, bytes) else data.encode()


queries = ["", "limit=10", "limit=10&offset=20", "mutual=1&limit=5", "mutual=0", "limit=abc",
           "offset=-5", "limit=%31%30", "limit=+5", "a&b=&=c", "limit=1&limit=2",
           "q=%zz&limit=3", "x=%00", "offset=99999999999999999999", "mutual=01&offset=1e3",
           "k%3Dv=a%26b&limit=7", "utf=%C3%A9%E2%82%AC"]
for i, q in enumerate(queries):
    add("fuzz_query", f"q{i}", bytes([i % 16]) + q.encode())

uris = ["/api/v2/user/10/followings/", "/api/v2/user/10/followings", "/api/v2/user/010/followings/?limit=2",
        "/api/v2/user/0/followings/", "/api/v2/user/9223372036854775808/followings/",
        "/api/v2/user/%31/followings/", "/api/v2/user//followings/", "/"]
for i, u in enumerate(uris):
    env = [f"REQUEST_METHOD={'GET' if i % 2 else 'HEAD'}", f"REQUEST_URI={u}", "HTTP_HOST=api.example.com:8080",
           "SERVER_NAME=api.example.com", "HTTP_AUTHORIZATION=Bearer abc"]
    add("fuzz_request", f"uri{i}", "\0".join(env))
add("fuzz_request", "cgi", "\0".join(["REQUEST_METHOD=GET", "SCRIPT_NAME=/api/v2/user",
                                        "PATH_INFO=/5/followings/", "QUERY_STRING=limit=1"]))
add("fuzz_request", "dup", "\0".join(["HTTP_HOST=a", "HTTP_HOST=b:81", "REQUEST_URI=/x?y", "REQUEST_URI=/z"]))


def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=")


claims = [{"user_id": 11, "token_type": "access", "exp": 1700003600, "iat": 1699999000, "jti": "abc"},
          {"user_id": 11, "token_type": "refresh", "exp": 1700003600, "iat": 1699999000, "jti": "abc"},
          {"user_id": 0, "token_type": "access", "exp": 1700003600, "iat": 1699999000, "jti": "x"},
          {"user_id": 5, "token_type": "access", "exp": 1600000000, "iat": 1599999000, "jti": "x"},
          {"user_id": 5, "token_type": "access", "exp": 1700003600, "iat": 1700000100, "jti": "x"},
          {"user_id": 5, "token_type": "access", "exp": 1700003600, "iat": 1699999000, "jti": "x",
           "nbf": 1700000001}]
for i, c in enumerate(claims):
    add("fuzz_auth", f"claims{i}", b"\x01" + json.dumps(c).encode())
add("fuzz_auth", "dupkey", b"\x01" + b'{"user_id":1,"user_id":2,"token_type":"access","exp":1800000000,"iat":1,"jti":"j"}')
hdr = b64(b'{"alg":"HS256","typ":"JWT"}') + b"." + b64(json.dumps(claims[0]).encode())
sig = b64(hmac.new(b"fuzz-secret-0123456789", hdr, hashlib.sha256).digest())
for i, h in enumerate([b"Bearer " + hdr + b"." + sig, b"Token " + hdr + b"." + sig, b"Bearer opaque-token-123",
                       b"Basic dXNlcjpwYXNz", b"Bearer ", b"bearer  a.b.c  ", b"Bearer a b"]):
    add("fuzz_auth", f"header{i}", b"\x00" + h)

for i, (host, base, uri) in enumerate([
        ("api.example.com:8080", "", "/api/v2/user/10/followings/?limit=2&offset=4&z=1&a=%20b"),
        ("[::1]:8443", "", "/api/v2/user/10/followings?x=y"),
        ("evil.com/@x", "https://community.example.com/base", "/api/v2/user/1/followings/?mutual=1"),
        ("-", "", "/api/v2/user/1/followings/?q=%zz&limit=1"),
        ("a\r\nSet-Cookie: x", "http://h:1", "/api/v2/user/1/followings?\r\n")]):
    add("fuzz_links", f"l{i}", bytes([20, i]) + "\n".join([host, "on" if i % 2 else "", "https", "srv", "8080", base, uri]).encode())

for s in ["plain ascii", "caf\u00e9 \u20ac \U0001F600", "quote\" back\\ nl\n tab\t", "\x00\x01\x1f\x7f",
          "\ud7ff", "\u2028\u2029"]:
    add("fuzz_jsonw", hashlib.sha1(s.encode("utf-8", "surrogatepass")).hexdigest()[:8], s.encode("utf-8", "surrogatepass"))
add("fuzz_jsonw", "bad_utf8", b"\xc3\x28\xed\xa0\x80\xf4\x90\x80\x80")
add("fuzz_jsonw", "int_min", b"\x00\x00\x00\x00\x00\x00\x00\x80")

example = open(os.path.join(here, "..", "..", "conf", "followings-fcgi.conf.example")).read()
add("fuzz_conf", "example", "\n".join(line for line in example.splitlines() if "_file" not in line))
add("fuzz_conf", "minimal", "db_socket = /run/mysqld/mysqld.sock\ndb_user = u\ndb_name = d\n")
add("fuzz_conf", "bad", "workers = 2000\nbase_url = ftp://x\nallowed_clients = 1.2.3.4, ::1, nope\n")

req = lambda params, **kw: fcgi.request_bytes(fcgi.get_params(params), **kw)  # noqa: E731
add("fuzz_gate", "get", req("/api/v2/user/10/followings/?limit=2"))
add("fuzz_gate", "keep_pipelined", req("/a", keep=True) + req("/b", req_id=2, keep=True, stdin=b"body"))
add("fuzz_gate", "get_values", fcgi.record(fcgi.GET_VALUES, 0, fcgi.pairs([("FCGI_MPXS_CONNS", "")] * 5
                                                                        + [("FCGI_MAX_CONNS", "")])) + req("/x"))
add("fuzz_gate", "unknown_mgmt", fcgi.record(99, 0, b"12345678") + req("/x"))
add("fuzz_gate", "authorizer", fcgi.record(fcgi.BEGIN_REQUEST, 1, b"\x00\x02\x01\x00\x00\x00\x00\x00") + req("/x"))
add("fuzz_gate", "mpx", fcgi.record(fcgi.BEGIN_REQUEST, 1, b"\x00\x01\x01\x00\x00\x00\x00\x00")
    + fcgi.record(fcgi.BEGIN_REQUEST, 2, b"\x00\x01\x01\x00\x00\x00\x00\x00"))
add("fuzz_gate", "abort", fcgi.record(fcgi.BEGIN_REQUEST, 1, b"\x00\x01\x00\x00\x00\x00\x00\x00")
    + fcgi.record(fcgi.ABORT_REQUEST, 1))

for i, (uri, method, extra) in enumerate([
        ("/api/v2/user/10/followings/?limit=2", "GET", []),
        ("/api/v2/user/10/followings?limit=2", "GET", []),
        ("/api/v2/user/10/followings/", "POST", []),
        ("/api/v2/user/10/followings/", "HEAD", [("HTTP_AUTHORIZATION", "Bearer x.y.z")]),
        ("/api/v2/user/10/followings/?limit=abc&offset=-1&mutual=7", "GET", []),
        ("/nope", "GET", [("HTTPS", "on")]),
        ("/api/v2/user/10/is_followed/", "GET", [("HTTP_AUTHORIZATION", "Bearer tok")]),
        ("/api/v2/user/10/is_follower?x=1", "HEAD", []),
        ("/api/v2/user/10/counters/?limit=1", "GET", [("HTTP_AUTHORIZATION", "Token x.y.z")]),
        ("/api/v2/user/10/followers/?limit=3&offset=2&mutual=0", "GET", [("HTTP_AUTHORIZATION", "Bearer tok")])]):
    add("fuzz_app", f"a{i}", bytes([i]) + fcgi.pairs(fcgi.get_params(uri, method, extra)))

for harness, files in seeds.items():
    d = os.path.join(here, "corpus", harness)
    os.makedirs(d, exist_ok=True)
    for name, data in files.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
print(" ".join(f"{h}:{len(f)}" for h, f in sorted(seeds.items())))
